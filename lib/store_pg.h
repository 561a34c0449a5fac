/*
 * store_pg.h - the PostgreSQL side of a case store, for lib/store.c only: a store whose path is
 * a libpq URI (postgresql://... or postgres://...) is a database on a server. lib/store.c keeps
 * the statement cache and hands every call on st->pg to these; nothing else sees libpq.
 */
#ifndef CASEKIT_STORE_PG_H
#define CASEKIT_STORE_PG_H
#include "store.h"
#include <stddef.h>
#include <stdint.h>

struct buf;
struct pg;      /* a connection */
struct pg_stmt; /* a prepared statement of one */

/* 1 if path is a libpq URI rather than a file. */
int pg_is_uri(const char *path);
/* Connect to uri: 0 and *out, or one message and an EX_* code. Checks or creates the schema. */
int pg_open(struct pg **out, const char *uri, unsigned flags);
void pg_close(struct pg *c);
/*
 * ANALYZE the store's tables that changed much since the server last gathered statistics on
 * them: right after a load autovacuum has not yet, and the next applet's plans would be made
 * blind (a nested loop over every listing). Quiet; a table not ours to analyze is skipped.
 */
void pg_analyze_stale(struct pg *c);
/*
 * The DDL of a new store at STORE_SCHEMA_VERSION, in the transaction the caller opened: every
 * table, index, function, collation and trigger, and meta's application id and version. Kept in
 * one place so that a distributed store (Citus) makes the same plain schema first, then
 * redistributes its tables. 0 or an EX_* code after one message.
 */
int pg_create_schema(struct pg *c);
/* The DDL that brings a store of schema 5 to 6 (idempotent); lib/store.c fills the counts. */
extern const char pg_schema_v6[];
/* Schema 7: the DDL of ident_notes (idempotent), and the once-only rest of the v6 to v7 step. */
extern const char pg_schema_v7[];
extern const char pg_migrate_v7[];
/* The schema version of the store when it was opened. */
int pg_version(struct pg *c);
/* Run SQL (translated from SQLite's dialect; several statements); quiet: no message. */
int pg_exec(struct pg *c, const char *sql, int quiet);
const char *pg_errmsg(struct pg *c);
int pg_errcode(struct pg *c); /* the EX_* code of the last error */
int pg_in_transaction(struct pg *c);
void pg_interrupt(struct pg *c);
int64_t pg_changes(struct pg *c);
int64_t pg_last_rowid(struct pg *c);
void pg_set_last_rowid(struct pg *c, int64_t v);
int pg_readonly(struct pg *c);
int pg_distributed(struct pg *c); /* 1 on a Citus store (meta.layout = citus) */
/* The engine and version of the server, "PostgreSQL 15.18". */
const char *pg_engine(struct pg *c);

/* Statements: SQLite's dialect in, translated once (pg_translate()). adhoc: not kept, quiet. */
struct pg_stmt *pg_prepare(struct pg *c, const char *sql, int adhoc, const char **tail);
void pg_finalize(struct pg_stmt *s);
const char *pg_stmt_sql(struct pg_stmt *s);
int pg_stmt_readonly(struct pg_stmt *s);
/* Word why s is refused as the last error: its first word (SET, INSERT ...). */
void pg_refuse(struct pg *c, struct pg_stmt *s);
int pg_bind(struct pg_stmt *s, int i, enum store_type t, const void *v, size_t n);
int pg_bind_count(struct pg_stmt *s);
int pg_step(struct pg_stmt *s);
void pg_reset(struct pg_stmt *s);
void pg_clear(struct pg_stmt *s);
int pg_col_count(struct pg_stmt *s);
const char *pg_col_name(struct pg_stmt *s, int col);
enum store_type pg_col_type(struct pg_stmt *s, int col);
const char *pg_col_text(struct pg_stmt *s, int col);
const void *pg_col_blob(struct pg_stmt *s, int col);
size_t pg_col_bytes(struct pg_stmt *s, int col);

/* Catalog questions, answered from PostgreSQL's catalog (the current schema search path). */
int pg_table_exists(struct pg *c, const char *table);
int pg_column_exists(struct pg *c, const char *table, const char *column);
int pg_trigger_exists(struct pg *c, const char *name);
int pg_has_function(struct pg *c, const char *name);
/* Set casekit.NAME for the session: 0 or EX_*. */
int pg_set(struct pg *c, const char *name, const char *value);
int pg_has_index(struct pg *c, const char *table, const char *col1, const char *col2);
/* SQL that lists (name) the tables and views of the store, a parameter ?1 a name prefix. */
extern const char pg_tables_sql[];
extern const char pg_find_table_sql[];
/* SQL that lists (name, CREATE INDEX) the indexes of table ?1 that no key constraint needs. */
extern const char pg_indexes_sql[];
/* store_load_new() of a server store; the rest of store_load_*() is in store_pg.c too. */
struct store_load *pg_load_new(
	struct pg *c, const char *table, const char *columns, const char *conflict);

/* The SQLite dialect to PostgreSQL's, for one or more statements: malloc'd. */
char *pg_translate(struct pg *c, const char *sql, int *nparams);

/*
 * Bulk load: COPY table(columns) FROM STDIN of text-format rows (tab-separated, \N for null,
 * with pg_copy_field() escaping). 0 or an EX_* code after one message.
 */
int pg_copy(struct pg *c, const char *table, const char *columns, const char *data, size_t n);
/* Append v (n bytes) to b escaped for COPY's text format; v NULL appends \N. */
void pg_copy_field(struct buf *b, const char *v, size_t n);
#endif
