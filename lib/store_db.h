/* store_db.h - the SQLite handle of a store, for modules not yet on the statement API (#16) */
#ifndef CASEKIT_STORE_DB_H
#define CASEKIT_STORE_DB_H
struct sqlite3;
struct pg;
struct store;

/*
 * The SQLite handle, for lib/ modules that prepare their own statements. New code uses the
 * statement API of store.h instead, which another store (PostgreSQL, #14 and #17) could back.
 */
struct sqlite3 *store_db(struct store *st);
/* The PostgreSQL connection of a server store, NULL for a file (lib/store*.c only). */
struct pg *store_pg(struct store *st);
/* 1 if the store has a table or view of that name (other applets' tables may not exist yet). */
int store_has_table(struct sqlite3 *db, const char *table);
/* 1 if table has a column of that name. */
int store_has_column(struct sqlite3 *db, const char *table, const char *column);
#endif
