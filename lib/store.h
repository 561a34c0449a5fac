/* store.h - open, create, migrate and query a case store (one SQLite file) */
#ifndef CASEKIT_STORE_H
#define CASEKIT_STORE_H
#include <stdint.h>

struct store;
struct sqlite3;

#define STORE_READONLY 0x1 /* open read-only; nothing is ever written */
#define STORE_CREATE 0x2   /* create a new store; the file must not exist */

#define STORE_SCHEMA_VERSION 4
#define STORE_APPLICATION_ID 0x436b6974 /* "Ckit", in the file header */
#define STORE_KEY_LEN 32

/* The dump kinds, in the order a folder is loaded (referenced kinds first), NULL-terminated. */
extern const char *const store_kinds[];
/* 1 if name is one of store_kinds. */
int store_is_kind(const char *name);

/*
 * Open the store at path (NULL: ck.db, $CASEKIT_DB, or ./casekit.db). Checks that the file is
 * a casekit store before anything is written to it, then migrates its schema forward. Returns 0
 * and sets *out, or prints one message and returns EX_NOINPUT (no such store), EX_CANTCREAT,
 * EX_CONFIG (not a casekit store, or a newer schema) or EX_TEMPFAIL (busy). STORE_CREATE also
 * writes the new payment key to its key file (keyfile_path()), which must not exist yet.
 */
int store_open(struct store **out, const char *path, unsigned flags);
void store_close(struct store *st); /* NULL is a no-op */
/* The path given to store_open(), after the default was applied. */
const char *store_path(const struct store *st);
/* The default path: $CASEKIT_DB, else "casekit.db". */
const char *store_default_path(void);
/* The SQLite handle, for lib/ modules that prepare their own statements. */
struct sqlite3 *store_db(struct store *st);

/* Report the last SQLite error as "what: message" and return the matching EX_* code. */
int store_error(struct store *st, const char *what);
/* Run SQL with no result rows; 0, or the message printed and an EX_* code. */
int store_exec(struct store *st, const char *sql);
/*
 * The payment key (keyed hashes of payment instruments), read from the store's key file and
 * checked against the fingerprint the store keeps. 0, or EX_CONFIG after one message naming
 * the key file and the store id (no such file, not a key, or not this store's key).
 */
int store_payment_key(struct store *st, unsigned char key[STORE_KEY_LEN]);
/* The key of buyer pseudonyms in exports, kept in the store itself (meta.pseudonym_key). */
int store_pseudonym_key(struct store *st, unsigned char key[STORE_KEY_LEN]);
/* The path of the store's payment key file (keyfile_path() of its id), malloc'd, or NULL. */
char *store_key_path(struct store *st);
/* Roll back the open transaction, if there is one; quiet when there is none. */
void store_rollback(struct store *st);
/* The number of rows in table (a trusted name), or -1 after an error. */
int64_t store_count(struct store *st, const char *table);
/*
 * Bulk writes (a whole file loaded, every score replaced) go faster under a rollback journal,
 * which writes a new page once where WAL writes it twice (to the log, then at the checkpoint).
 * store_bulk(st, 1) switches before such a transaction and store_bulk(st, 0) back to WAL after
 * it; each write is still one transaction, and a killed one leaves a hot journal that the next
 * open rolls back (store_open() also restores WAL). With another connection open the switch is
 * refused and the work simply stays in WAL.
 */
void store_bulk(struct store *st, int on);
/* 1 if the store has a table or view of that name (other applets' tables may not exist yet). */
int store_has_table(struct sqlite3 *db, const char *table);
/* 1 if table has a column of that name. */
int store_has_column(struct sqlite3 *db, const char *table, const char *column);
/* A value from the meta table, malloc'd, or NULL when absent. */
char *store_meta_get(struct store *st, const char *key);
int store_meta_set(struct store *st, const char *key, const char *value);
#endif
