/* store.h - open, create, migrate and query a case store (one SQLite file) */
#ifndef CASEKIT_STORE_H
#define CASEKIT_STORE_H
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_stmt; /* a prepared statement of a store: see store_prepare() */

#define STORE_READONLY 0x1 /* open read-only; nothing is ever written */
#define STORE_CREATE 0x2   /* create a new store; the file must not exist */
/* with STORE_CREATE on a libpq URI: spread the store over the database's Citus cluster */
#define STORE_DISTRIBUTED 0x4
/* a bulk load follows: a server store leaves its statistics to the next applet's open */
#define STORE_LOAD 0x8

#define STORE_SCHEMA_VERSION 7
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
/*
 * 1 if the store is spread over a Citus cluster (casekit init --distributed), where a query
 * that groups identifiers by value must not correlate on them (casekit-store(5)).
 */
int store_is_distributed(struct store *st);
/* 1 if path names a database on a server (a libpq URI, postgresql://...), not a file. */
int store_is_uri(const char *path);
/* The default path: $CASEKIT_DB, else "casekit.db". */
const char *store_default_path(void);
/* The engine that backs stores and its version, for the record: "SQLite 3.45.1". */
const char *store_engine(void);
/* The engine of st: store_engine(), or the server's, "PostgreSQL 15.18". */
const char *store_engine_of(struct store *st);
/* Report the last SQLite error as "what: message" and return the matching EX_* code. */
int store_error(struct store *st, const char *what);
/* Run SQL with no result rows; 0, or the message printed and an EX_* code. */
int store_exec(struct store *st, const char *sql);
/* The same, quietly, for a setting that may be refused (a tuning pragma): 0 or -1. */
int store_exec_quiet(struct store *st, const char *sql);
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
/*
 * Run sql, statements that create indexes: as store_exec(), on SQLite with a page cache of
 * 1 MiB for them, set back after. SQLite sorts an index's entries in runs as large as the
 * page cache, as linked lists whose nodes lie all over the run: a run at its floor (250
 * pages: 1 MiB at 4 KiB, 4 MiB at a new store's 16 KiB) stays in the processor's caches,
 * where one of 32 MiB waits on memory at every step, so the sort takes about half the time,
 * and the runs, merged from temporary files, hold no memory.
 */
int store_exec_indexes(struct store *st, const char *sql);
/*
 * Statements. The store keeps every statement it prepares, keyed by its SQL text, until
 * store_close(): store_prepare() hands out the kept one, reset and with nothing bound, or
 * prepares it on first use. A statement is the caller's until store_done() gives it back;
 * asking again for SQL whose statement is still out (a nested loop over the same query) gets
 * a second one. Parameters are numbered from 1 (?1, ?2 ... in the SQL); columns from 0.
 * Text bound with store_bind_text() is not copied: it must stay put until the statement is
 * reset, rebound or given back. None of this names SQLite, so another store may back it.
 */
#define STORE_DONE 0 /* store_step(): no more rows (a write has been done) */
#define STORE_ROW 1  /* store_step(): a row is ready to read */
enum store_type { STORE_NULL, STORE_INT, STORE_REAL, STORE_TEXT, STORE_BLOB };

/*
 * The SQL of every store has ck_money(minor, currency): the amount as money_format() writes it
 * (text), NULL when minor is NULL. Every query that shows money selects it through this, so no
 * output ever shows minor units. ck_value(x) is x, for a column that holds text in some rows
 * and numbers in others (a summary), which a server store keeps as JSON and gives back typed
 * as SQLite would. And the collation ck_natural: text as people read ids, digits
 * by their value (ck_natural_cmp(): link:20 before link:100).
 */

/*
 * Define the SQL function name(x) on st, until it is closed or name is defined again: NULL
 * gives NULL; other x is taken as text, and fn(arg, x, its length, buf) returns the result
 * text (in buf, of STORE_FN_MAX bytes, or elsewhere), or NULL to give x unchanged. 0 or EX_*.
 */
#define STORE_FN_MAX 256
typedef const char *store_text_fn(void *arg, const char *x, size_t n, char buf[STORE_FN_MAX]);
int store_text_function(struct store *st, const char *name, store_text_fn *fn, void *arg);
/*
 * fn cannot run on a server, so there the store's schema defines name in SQL and
 * store_text_function() only checks that it does; what the C function knows reaches the SQL
 * one as a setting of the session: store_set(st, "redact_key", hex) is casekit.redact_key
 * there (current_setting()), and nothing on a file store. 0 or an EX_* code.
 */
int store_set(struct store *st, const char *name, const char *value);
/* The statement of sql, ready to bind, or NULL after one message (bad SQL, missing table). */
struct store_stmt *store_prepare(struct store *st, const char *sql);
/*
 * Bind parameter i; NULL text binds null. Binding a parameter the SQL does not have does
 * nothing, so that one set of bindings serves the variants of a query built in parts. 0, or an
 * EX_* code after one message.
 */
int store_bind_text(struct store_stmt *s, int i, const char *v);
int store_bind_textn(struct store_stmt *s, int i, const char *v, size_t n);
int store_bind_int(struct store_stmt *s, int i, int64_t v);
int store_bind_double(struct store_stmt *s, int i, double v);
int store_bind_null(struct store_stmt *s, int i);
int store_bind_blob(struct store_stmt *s, int i, const void *v, size_t n); /* copied */
/* How many parameters the statement has (the highest ?N). */
int store_bind_count(struct store_stmt *s);
/* Run to the next row: STORE_ROW, STORE_DONE, or an EX_* code after one message. */
int store_step(struct store_stmt *s);
/* Step a statement that gives no rows and give it back: 0, or an EX_* code (message printed). */
int store_run(struct store_stmt *s);
/*
 * Ad-hoc SQL (what a user typed, one statement after another): prepare the first statement of
 * *sql and move *sql past it. The statement is not kept (store_done() frees it), and nothing
 * is printed, neither here nor when a step fails (store_step() then only returns the EX_*
 * code): the caller words the error, with store_errmsg(). Returns the statement; or NULL with
 * *err 0 when *sql held no statement (white space, a comment), STORE_REFUSED when the guard
 * (store_guard_begin()) refused it, or another EX_* code (bad SQL).
 */
#define STORE_REFUSED (-1)
struct store_stmt *store_prepare_adhoc(struct store *st, const char **sql, int *err);
/*
 * The guard of ad-hoc SQL: between store_guard_begin() and store_guard_end(), a statement that
 * would write (insert, create, drop, attach, a pragma that sets a value) or reach outside the
 * store (load_extension) is refused when it is prepared (STORE_REFUSED). The schema stays
 * protected from writes (defensive mode) and attaching stays refused on st after the end.
 */
struct store_guard;
struct store_guard *store_guard_begin(struct store *st);
void store_guard_end(struct store *st, struct store_guard *g);
/* 1 if sql ends with a complete statement (a ';' outside quotes, comments and triggers). */
int store_sql_complete(const char *sql);
/* The message of the store's last error ("no such table: x"), valid until the next call. */
const char *store_errmsg(struct store *st);
/* 1 if the statement cannot change the store. */
int store_stmt_readonly(struct store_stmt *s);
/* Rewind to run again, keeping the values bound. */
void store_reset(struct store_stmt *s);
/* Reset, unbind and give the statement back to its store. NULL is a no-op. */
void store_done(struct store_stmt *s);

/* The current row's columns. Text is valid until the next step, reset or done; NULL for null. */
int store_col_count(struct store_stmt *s);
const char *store_col_name(struct store_stmt *s, int col);
enum store_type store_col_type(struct store_stmt *s, int col);
const char *store_col_text(struct store_stmt *s, int col);
const void *store_col_blob(struct store_stmt *s, int col);
size_t store_col_bytes(struct store_stmt *s, int col); /* of the text or blob */
int64_t store_col_int(struct store_stmt *s, int col);  /* 0 for null */
double store_col_double(struct store_stmt *s, int col);

/* 1 if sql (no parameters) gives a row; 0 if not or after an error (quiet). */
int store_has_rows(struct store *st, const char *sql);
/* 1 if the store has a table or view of that name (other applets' tables may not exist yet). */
int store_table_exists(struct store *st, const char *table);
/* 1 if the store has a trigger of that name. */
int store_trigger_exists(struct store *st, const char *name);
/* 1 if the store has an index of that name (0 on a server: it makes no optional index). */
int store_index_exists(struct store *st, const char *name);
/*
 * Call fn with the name of each table and view of the store (not the database's own) that
 * starts with prefix, in name order; the number of names given.
 */
int store_tables(
	struct store *st, const char *prefix, void (*fn)(const char *name, void *arg), void *arg);
/*
 * The name of the first table or view, other than except (NULL: none), that has columns c1
 * and c2, prefer if it is one of them; malloc'd, or NULL when there is none.
 */
char *store_find_table(
	struct store *st, const char *prefer, const char *c1, const char *c2, const char *except);
/* name as a quoted SQL identifier ("a""b" for a"b), malloc'd, to put a table name in SQL. */
char *store_quote_name(const char *name);
/* 1 if table has a column of that name. */
int store_column_exists(struct store *st, const char *table, const char *column);
/* 1 if an index of table leads with col1 (and then col2, unless NULL). */
int store_has_index(struct store *st, const char *table, const char *col1, const char *col2);
/* 1 if the store was opened read-only, or its file cannot be written. */
int store_is_readonly(struct store *st);

/*
 * Transactions: store_begin() takes the write lock at once (waiting for another writer as the
 * busy timeout says), so that a write never fails half-way for a lock. 0, or an EX_* code.
 */
int store_begin(struct store *st);
/*
 * What st writes from now on is derived (a rerun gives it back): its commits need not wait for
 * the disk; the store stays consistent, and a power cut loses at most the last ones. 0 or EX_*.
 */
int store_derived(struct store *st);
/*
 * A read transaction: every statement until store_commit() (or store_rollback()) sees the
 * same state of the store, and no write lock is taken. 0, or an EX_* code.
 */
int store_begin_read(struct store *st);
int store_commit(struct store *st);
/*
 * Stop the statement running on st as soon as it can (it fails with an error); safe to call
 * from a signal handler or another thread, as a shell's Ctrl-C does.
 */
void store_interrupt(struct store *st);
/* The rows the last INSERT, UPDATE or DELETE changed; the rowid the last INSERT made. */
int64_t store_changes(struct store *st);
int64_t store_last_rowid(struct store *st);
/*
 * The pages st has read so far that its page cache did not hold (a read of the file each),
 * or -1 where that is not known (a server).
 */
int64_t store_cache_misses(struct store *st);
/*
 * Set what store_last_rowid() gives until the next INSERT makes a row: set to 0 before an
 * UPSERT, it tells an insert (a new rowid) from an update of the row already there (still 0).
 */
void store_set_last_rowid(struct store *st, int64_t v);
/*
 * Add to drop a DROP INDEX statement, and to make the CREATE INDEX statement, of each index of
 * table that can be dropped and made again (not those that keep its keys); the number of
 * indexes. A server store gives none: its readers would wait for the load.
 */
struct buf;
int store_indexes(struct store *st, const char *table, struct buf *drop, struct buf *make);
/*
 * Bulk load, where the store's engine has one faster than INSERT statements (a server's COPY):
 * store_load_new() gives NULL when it has none, and the caller writes its rows with INSERT.
 * Rows are kept as they come (a field at a time, in the order of columns, then
 * store_load_row()) and sent by store_load_flush(), in the caller's transaction. With
 * conflict (the key columns), a row whose key is in the table already replaces that row, as
 * an UPSERT does; *replaced then counts them (also when a row replaces one before it in the
 * same flush). Text is copied.
 */
struct store_load;
struct store_load *store_load_new(
	struct store *st, const char *table, const char *columns, const char *conflict);
void store_load_text(struct store_load *l, const char *v, size_t n); /* NULL: null */
void store_load_textz(struct store_load *l, const char *v);          /* the same, to its NUL */
void store_load_int(struct store_load *l, int64_t v);
void store_load_double(struct store_load *l, double v);
void store_load_blob(struct store_load *l, const void *v, size_t n);
void store_load_row(struct store_load *l);
/*
 * 0 or EX_* (one message). Unless all, rows are held back until there are enough of them to
 * be worth a round trip (a few MB); a load is flushed with all before anything reads its table.
 */
int store_load_flush(struct store_load *l, uint64_t *replaced, int all);
void store_load_free(struct store_load *l); /* NULL is a no-op */
/* A value from the meta table, malloc'd, or NULL when absent. */
char *store_meta_get(struct store *st, const char *key);
int store_meta_set(struct store *st, const char *key, const char *value);
#endif
