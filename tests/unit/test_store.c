/* test_store.c - create, reopen, refuse foreign files, keep the payment key apart, statements */
#include "casekit.h"
#include "store.h"
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/casekit-unit.XXXXXX";
static char path[256];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	/* key files go into the test's folder, never into $HOME */
	cr_assert_eq(setenv("XDG_DATA_HOME", dir, 1), 0);
	snprintf(path, sizeof(path), "%s/test.db", dir);
	ck.quiet = 1;
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(store, .init = setup, .fini = teardown);

Test(store, create_then_reopen)
{
	struct store *st;

	cr_assert_eq(store_open(&st, path, STORE_CREATE), 0);
	store_close(st);
	cr_assert_eq(store_open(&st, path, 0), 0);
	cr_assert_eq(store_count(st, "sellers"), 0);
	store_close(st);
}

Test(store, create_refuses_existing_file)
{
	struct store *st;
	FILE *fp = fopen(path, "w");

	fputs("keep me", fp);
	fclose(fp);
	cr_assert_eq(store_open(&st, path, STORE_CREATE), EX_CANTCREAT);
	cr_assert_null(st);
}

Test(store, missing_store_is_no_input)
{
	struct store *st;

	cr_assert_eq(store_open(&st, path, 0), EX_NOINPUT);
}

Test(store, foreign_sqlite_file_is_refused_untouched)
{
	struct store *st;
	sqlite3 *db;
	struct stat before, after;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "create table t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	stat(path, &before);
	cr_assert_eq(store_open(&st, path, 0), EX_CONFIG);
	stat(path, &after);
	cr_assert_eq(before.st_size, after.st_size);
	cr_assert_eq(before.st_mtime, after.st_mtime);
}

Test(store, text_file_is_not_a_store)
{
	struct store *st;
	FILE *fp = fopen(path, "w");

	fputs("sellers,listings\n", fp);
	fclose(fp);
	cr_assert_eq(store_open(&st, path, 0), EX_CONFIG);
}

Test(store, newer_schema_is_refused)
{
	struct store *st;
	sqlite3 *db;

	cr_assert_eq(store_open(&st, path, STORE_CREATE), 0);
	store_close(st);
	sqlite3_open(path, &db);
	sqlite3_exec(db, "pragma user_version=99", NULL, NULL, NULL);
	sqlite3_close(db);
	cr_assert_eq(store_open(&st, path, 0), EX_CONFIG);
}

Test(store, payment_key_is_random_per_store_and_kept_apart)
{
	struct store *a, *b;
	unsigned char ka[STORE_KEY_LEN], kb[STORE_KEY_LEN], pa[STORE_KEY_LEN];
	char p2[300], *ida, *idb, *kpath;

	snprintf(p2, sizeof(p2), "%s/second.db", dir);
	cr_assert_eq(store_open(&a, path, STORE_CREATE), 0);
	cr_assert_eq(store_open(&b, p2, STORE_CREATE), 0);
	cr_assert_eq(store_payment_key(a, ka), 0);
	cr_assert_eq(store_payment_key(b, kb), 0);
	cr_assert_eq(store_pseudonym_key(a, pa), 0);
	cr_assert_neq(memcmp(ka, kb, sizeof(ka)), 0);
	cr_assert_neq(memcmp(ka, pa, sizeof(ka)), 0);
	ida = store_meta_get(a, "store_id");
	idb = store_meta_get(b, "store_id");
	cr_assert_eq(strlen(ida), 16);
	cr_assert_str_neq(ida, idb);
	cr_assert_null(store_meta_get(a, "secret"));
	kpath = store_key_path(a);
	cr_assert_eq(unlink(kpath), 0);
	cr_assert_eq(store_payment_key(a, ka), EX_CONFIG);
	free(kpath);
	free(ida);
	free(idb);
	store_close(a);
	store_close(b);
}

Test(store, readonly_refuses_writes)
{
	struct store *st;

	cr_assert_eq(store_open(&st, path, STORE_CREATE), 0);
	store_close(st);
	cr_assert_eq(store_open(&st, path, STORE_READONLY), 0);
	cr_assert_neq(store_exec(st, "insert into meta values('x', 1)"), 0);
	store_close(st);
}

Test(store, kinds_are_listed_in_load_order)
{
	cr_assert_str_eq(store_kinds[0], "brands");
	cr_assert(store_is_kind("takedowns"));
	cr_assert_not(store_is_kind("users"));
}

/* A store with a table t(a TEXT, b INTEGER, c REAL) and three rows. */
static struct store *store_with_t(void)
{
	struct store *st;

	cr_assert_eq(store_open(&st, path, STORE_CREATE), 0);
	cr_assert_eq(store_exec(st,
			     "CREATE TABLE t(a TEXT, b INTEGER, c REAL);"
			     "INSERT INTO t VALUES('x', 1, 0.5), ('y', 2, NULL), (NULL, 3, 2.25)"),
		0);
	return st;
}

Test(store, statement_binds_steps_and_reads_each_type)
{
	struct store *st = store_with_t();
	struct store_stmt *s = store_prepare(st, "SELECT a, b, c FROM t WHERE b >= ?1 ORDER BY b");

	cr_assert_not_null(s);
	cr_assert_eq(store_bind_count(s), 1);
	cr_assert_eq(store_bind_int(s, 1, 2), 0);
	cr_assert_eq(store_step(s), STORE_ROW);
	cr_assert_eq(store_col_count(s), 3);
	cr_assert_str_eq(store_col_name(s, 1), "b");
	cr_assert_str_eq(store_col_text(s, 0), "y");
	cr_assert_eq(store_col_bytes(s, 0), 1);
	cr_assert_eq(store_col_int(s, 1), 2);
	cr_assert_eq(store_col_type(s, 2), STORE_NULL);
	cr_assert_eq(store_step(s), STORE_ROW);
	cr_assert_null(store_col_text(s, 0));
	cr_assert_eq(store_col_type(s, 1), STORE_INT);
	cr_assert_eq(store_col_type(s, 2), STORE_REAL);
	cr_assert_float_eq(store_col_double(s, 2), 2.25, 1e-12);
	cr_assert_eq(store_step(s), STORE_DONE);
	store_done(s);
	store_close(st);
}

Test(store, statement_is_kept_and_handed_out_unbound)
{
	struct store *st = store_with_t();
	const char *sql = "SELECT count(*) FROM t WHERE a = ?1 OR ?1 IS NULL";
	struct store_stmt *s = store_prepare(st, sql), *again;

	store_bind_text(s, 1, "x");
	cr_assert_eq(store_step(s), STORE_ROW);
	cr_assert_eq(store_col_int(s, 0), 1);
	store_done(s);
	/* the same SQL, even from another buffer, is the same statement, with nothing bound */
	again = store_prepare(st, "SELECT count(*) FROM t WHERE a = ?1 OR ?1 IS NULL");
	cr_assert_eq(again, s);
	cr_assert_eq(store_step(again), STORE_ROW);
	cr_assert_eq(store_col_int(again, 0), 3);
	store_done(again);
	store_close(st);
}

Test(store, statement_still_out_gives_a_second_one)
{
	struct store *st = store_with_t();
	const char *sql = "SELECT b FROM t ORDER BY b";
	struct store_stmt *outer = store_prepare(st, sql), *inner;
	int64_t sum = 0;

	while (store_step(outer) == STORE_ROW) {
		inner = store_prepare(st, sql);
		cr_assert_neq(inner, outer);
		while (store_step(inner) == STORE_ROW)
			sum += store_col_int(outer, 0) * store_col_int(inner, 0);
		store_done(inner);
	}
	store_done(outer);
	/* (1 + 2 + 3) squared: the outer cursor was never rewound by the inner loop */
	cr_assert_eq(sum, 36);
	store_close(st);
}

Test(store, write_statement_runs_and_counts_changes)
{
	struct store *st = store_with_t();
	struct store_stmt *s;

	cr_assert_eq(store_begin(st), 0);
	s = store_prepare(st, "INSERT INTO t(a, b, c) VALUES(?1, ?2, ?3)");
	store_bind_textn(s, 1, "zzz", 2);
	store_bind_int(s, 2, 9);
	store_bind_double(s, 3, 1.5);
	cr_assert_eq(store_run(s), 0);
	cr_assert_eq(store_changes(st), 1);
	cr_assert_eq(store_last_rowid(st), 4);
	cr_assert_eq(store_commit(st), 0);
	cr_assert(store_has_rows(st, "SELECT 1 FROM t WHERE a = 'zz' AND b = 9"));
	cr_assert_not(store_has_rows(st, "SELECT 1 FROM t WHERE b > 9"));
	store_close(st);
}

Test(store, cleared_last_rowid_tells_an_upsert_insert_from_an_update)
{
	struct store *st = store_with_t();
	struct store_stmt *s;
	const char *keys[] = { "a", "b", "a" };
	int64_t want[] = { 1, 2, 0 }; /* the third is an update of the first */
	size_t i;

	cr_assert_eq(store_exec(st, "CREATE TABLE u(k TEXT PRIMARY KEY, n INTEGER)"), 0);
	s = store_prepare(st, "INSERT INTO u VALUES(?1, 1) ON CONFLICT(k) DO UPDATE SET n = n + 1");
	for (i = 0; i < 3; i++) {
		store_set_last_rowid(st, 0);
		store_bind_text(s, 1, keys[i]);
		cr_assert_eq(store_step(s), STORE_DONE);
		store_reset(s);
		cr_assert_eq(store_last_rowid(st), want[i], "row %zu", i);
	}
	store_done(s);
	cr_assert(store_has_rows(st, "SELECT 1 FROM u WHERE k = 'a' AND n = 2"));
	store_close(st);
}

Test(store, bad_sql_and_failed_step_are_reported)
{
	struct store *st = store_with_t();
	struct store_stmt *s;

	cr_assert_null(store_prepare(st, "SELECT nosuch FROM t"));
	cr_assert_eq(store_exec(st, "CREATE TABLE u(k TEXT PRIMARY KEY)"), 0);
	s = store_prepare(st, "INSERT INTO u VALUES('k')");
	cr_assert_eq(store_run(s), 0);
	s = store_prepare(st, "INSERT INTO u VALUES('k')");
	cr_assert_eq(store_run(s), EX_DATAERR);
	store_close(st);
}

Test(store, tables_columns_and_indexes_are_found)
{
	struct store *st = store_with_t();

	cr_assert(store_table_exists(st, "t"));
	cr_assert_not(store_table_exists(st, "nosuch"));
	cr_assert(store_column_exists(st, "t", "c"));
	cr_assert_not(store_column_exists(st, "t", "d"));
	cr_assert_not(store_has_index(st, "t", "a", NULL));
	cr_assert_eq(store_exec(st, "CREATE INDEX t_ab ON t(a, b)"), 0);
	cr_assert(store_has_index(st, "t", "a", NULL));
	cr_assert(store_has_index(st, "t", "a", "b"));
	cr_assert_not(store_has_index(st, "t", "a", "c"));
	cr_assert_not(store_has_index(st, "t", "b", NULL));
	cr_assert_not(store_is_readonly(st));
	store_close(st);
	cr_assert_eq(store_open(&st, path, STORE_READONLY), 0);
	cr_assert(store_is_readonly(st));
	store_close(st);
}

Test(store, binding_a_parameter_the_sql_lacks_does_nothing)
{
	struct store *st = store_with_t();
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM t WHERE b > ?1");

	cr_assert_eq(store_bind_int(s, 1, 1), 0);
	cr_assert_eq(store_bind_text(s, 2, "unused"), 0);
	cr_assert_eq(store_step(s), STORE_ROW);
	cr_assert_eq(store_col_int(s, 0), 2);
	store_done(s);
	store_close(st);
}

static void *interrupt_soon(void *arg)
{
	usleep(100000);
	store_interrupt(arg);
	return NULL;
}

Test(store, interrupt_stops_a_running_statement)
{
	struct store *st = store_with_t();
	struct store_stmt *s = store_prepare(st,
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)"
		" SELECT count(*) FROM n");
	pthread_t th;

	cr_assert_eq(pthread_create(&th, NULL, interrupt_soon, st), 0);
	/* an endless count: only the interrupt ends it */
	cr_assert_neq(store_step(s), STORE_ROW);
	pthread_join(th, NULL);
	store_done(s);
	store_close(st);
}
