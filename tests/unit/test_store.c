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

Test(store, index_build_sets_the_page_cache_back)
{
	struct store *st = store_with_t();

	cr_assert_eq(store_exec(st, "PRAGMA cache_size=-32768"), 0);
	cr_assert_eq(
		store_exec_indexes(st, "CREATE INDEX t_b ON t(b); CREATE INDEX t_c ON t(c)"), 0);
	cr_assert(store_has_index(st, "t", "b", NULL));
	cr_assert(store_has_index(st, "t", "c", NULL));
	cr_assert(store_has_rows(st, "SELECT 1 FROM pragma_cache_size WHERE cache_size = -32768"));
	cr_assert_eq(store_exec_indexes(st, "CREATE INDEX t_b ON t(b)"), EX_SOFTWARE);
	cr_assert(store_has_rows(st, "SELECT 1 FROM pragma_cache_size WHERE cache_size = -32768"));
	store_close(st);
}

static void add_name(const char *name, void *arg)
{
	struct buf *b = arg;

	buf_addf(b, "%s ", name);
}

Test(store, tables_are_listed_by_prefix_in_order)
{
	struct store *st = store_with_t();
	struct buf b = { 0 };

	cr_assert_eq(store_exec(st, "CREATE TABLE tb(x); CREATE VIEW ta AS SELECT 1"), 0);
	cr_assert_eq(store_tables(st, "t", add_name, &b), 5);
	/* the schema's own tables that start with t, the view among them, and nothing of SQLite */
	cr_assert_str_eq(b.s, "t ta takedowns tb testbuys ");
	b.len = 0;
	cr_assert_eq(store_tables(st, "zz", add_name, &b), 0);
	cr_assert_eq(b.len, 0);
	buf_free(&b);
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

Test(store, money_function_formats_and_keeps_null)
{
	struct store *st = store_with_t();
	struct store_stmt *s = store_prepare(st,
		"SELECT ck_money(5910, 'USD'), ck_money(NULL, 'USD'), "
		"ck_money(sum(x), 'JPY') FROM (SELECT 700 AS x UNION ALL SELECT 800)");

	cr_assert_not_null(s);
	cr_assert_eq(store_step(s), STORE_ROW);
	cr_assert_str_eq(store_col_text(s, 0), "59.10");
	cr_assert_eq(store_col_type(s, 1), STORE_NULL);
	cr_assert_str_eq(store_col_text(s, 2), "1500");
	store_done(s);
	store_close(st);
}

Test(store, adhoc_sql_is_prepared_one_statement_at_a_time)
{
	struct store *st = store_with_t();
	const char *sql = "  SELECT 1 AS one; -- a comment\n SELECT 'x' AS b;  ";
	struct store_stmt *s;
	int err;

	s = store_prepare_adhoc(st, &sql, &err);
	cr_assert_not_null(s);
	cr_assert_eq(err, 0);
	cr_assert_eq(store_step(s), STORE_ROW);
	cr_assert_str_eq(store_col_name(s, 0), "one");
	store_done(s);
	s = store_prepare_adhoc(st, &sql, &err);
	cr_assert_not_null(s);
	cr_assert_eq(store_step(s), STORE_ROW);
	cr_assert_str_eq(store_col_text(s, 0), "x");
	store_done(s);
	/* what is left is white space: no statement and no error */
	cr_assert_null(store_prepare_adhoc(st, &sql, &err));
	cr_assert_eq(err, 0);
	cr_assert_str_eq(sql, "");
	store_close(st);
}

Test(store, adhoc_errors_are_left_to_the_caller)
{
	struct store *st = store_with_t();
	const char *sql = "SELECT nosuch FROM t", *bad = sql;
	struct store_stmt *s;
	int err;

	cr_assert_null(store_prepare_adhoc(st, &sql, &err));
	cr_assert_eq(err, EX_SOFTWARE);
	cr_assert_eq(sql, bad);
	cr_assert(strstr(store_errmsg(st), "no such column: nosuch"));
	sql = "SELECT abs(-9223372036854775807 - 1)";
	s = store_prepare_adhoc(st, &sql, &err);
	cr_assert_not_null(s);
	cr_assert_neq(store_step(s), STORE_ROW);
	cr_assert(strstr(store_errmsg(st), "integer overflow"));
	store_done(s);
	store_close(st);
}

/* Prepare sql as ad-hoc SQL and give the statement back: its err. */
static int adhoc_err(struct store *st, const char *sql, int *readonly)
{
	struct store_stmt *s;
	int err;

	s = store_prepare_adhoc(st, &sql, &err);
	if (s && readonly)
		*readonly = store_stmt_readonly(s);
	store_done(s);
	return err;
}

Test(store, guard_refuses_writes_and_outside_reach_until_its_end)
{
	struct store *st = store_with_t();
	struct store_guard *g = store_guard_begin(st);
	int ro = -1;

	cr_assert_eq(adhoc_err(st, "INSERT INTO t(a) VALUES('w')", NULL), STORE_REFUSED);
	cr_assert_eq(adhoc_err(st, "DROP TABLE t", NULL), STORE_REFUSED);
	cr_assert_eq(adhoc_err(st, "PRAGMA user_version = 3", NULL), STORE_REFUSED);
	cr_assert_eq(adhoc_err(st, "ATTACH 'x.db' AS x", NULL), STORE_REFUSED);
	/* refused, or missing where SQLite was built without it */
	cr_assert_neq(adhoc_err(st, "SELECT load_extension('x')", NULL), 0);
	cr_assert_eq(adhoc_err(st, "SELECT count(*), ck_money(1, 'USD') FROM t", &ro), 0);
	cr_assert_eq(ro, 1);
	cr_assert_eq(adhoc_err(st, "SELECT name FROM pragma_table_info('t')", NULL), 0);
	cr_assert_eq(adhoc_err(st, "PRAGMA table_info(t)", NULL), 0);
	store_guard_end(st, g);
	cr_assert_eq(adhoc_err(st, "INSERT INTO t(a) VALUES('w')", &ro), 0);
	cr_assert_eq(ro, 0);
	cr_assert_eq(store_count(st, "t"), 3);
	store_close(st);
}

Test(store, sql_is_complete_at_a_semicolon_outside_quotes)
{
	cr_assert_not(store_sql_complete("SELECT 1"));
	cr_assert_not(store_sql_complete("SELECT ';'"));
	cr_assert_not(store_sql_complete("SELECT 1 -- ;"));
	cr_assert(store_sql_complete("SELECT\n 1;\n"));
}

Test(store, natural_collation_orders_digits_by_value)
{
	struct store *st = store_with_t();
	struct store_stmt *s = store_prepare(st,
		"SELECT group_concat(x, ' ') FROM (SELECT x FROM (SELECT 'link:100' AS x UNION ALL"
		" SELECT 'link:20' UNION ALL SELECT 'link:3') ORDER BY x COLLATE ck_natural)");

	cr_assert_not_null(s);
	cr_assert_eq(store_step(s), STORE_ROW);
	cr_assert_str_eq(store_col_text(s, 0), "link:3 link:20 link:100");
	store_done(s);
	store_close(st);
}

/* A text function for the test: x reversed, or x itself when arg says so. */
static const char *reverse(void *arg, const char *x, size_t n, char buf[STORE_FN_MAX])
{
	size_t i;

	if (*(int *)arg)
		return NULL;
	for (i = 0; i < n && i < STORE_FN_MAX - 1; i++)
		buf[i] = x[n - 1 - i];
	buf[i] = '\0';
	return buf;
}

Test(store, text_function_gives_its_text_null_or_the_value_unchanged)
{
	struct store *st = store_with_t();
	struct store_stmt *s;
	int keep = 0;

	cr_assert_eq(store_text_function(st, "ck_rev", reverse, &keep), 0);
	s = store_prepare(st, "SELECT ck_rev('abc'), ck_rev(NULL), ck_rev(12)");
	cr_assert_eq(store_step(s), STORE_ROW);
	cr_assert_str_eq(store_col_text(s, 0), "cba");
	cr_assert_eq(store_col_type(s, 1), STORE_NULL);
	cr_assert_str_eq(store_col_text(s, 2), "21");
	store_done(s);
	keep = 1;
	/* NULL from the function keeps the value, its type included */
	s = store_prepare(st, "SELECT ck_rev('abc'), ck_rev(12)");
	cr_assert_eq(store_step(s), STORE_ROW);
	cr_assert_str_eq(store_col_text(s, 0), "abc");
	cr_assert_eq(store_col_type(s, 1), STORE_INT);
	store_done(s);
	/* defined again: the new one serves */
	keep = 0;
	cr_assert_eq(store_text_function(st, "ck_rev", reverse, &keep), 0);
	cr_assert(store_has_rows(st, "SELECT 1 WHERE ck_rev('xy') = 'yx'"));
	store_close(st);
}

Test(store, find_table_prefers_the_name_given_and_skips_the_excepted)
{
	struct store *st = store_with_t();
	char *name;

	cr_assert_eq(store_exec(st,
			     "CREATE TABLE a_scores(listing_id, score);"
			     "CREATE VIEW z_scores AS SELECT 1 AS listing_id, 2 AS score"),
		0);
	name = store_find_table(st, "z_scores", "listing_id", "score", NULL);
	cr_assert_str_eq(name, "z_scores");
	free(name);
	/* without the preferred one, the first by name: scores of the schema comes after a_ */
	name = store_find_table(st, "nosuch", "listing_id", "score", NULL);
	cr_assert_str_eq(name, "a_scores");
	free(name);
	name = store_find_table(st, "nosuch", "listing_id", "score", "a_scores");
	cr_assert_str_eq(name, "scores");
	free(name);
	cr_assert_null(store_find_table(st, "t", "a", "nosuch", NULL));
	store_close(st);
}

Test(store, quoted_name_is_an_identifier_even_with_quotes_in_it)
{
	struct store *st = store_with_t();
	char *q = store_quote_name("we\"ird");
	char *sql = xasprintf("CREATE TABLE %s(x); INSERT INTO %s VALUES(1)", q, q);

	cr_assert_str_eq(q, "\"we\"\"ird\"");
	cr_assert_eq(store_exec(st, sql), 0);
	cr_assert(store_table_exists(st, "we\"ird"));
	cr_assert(store_has_rows(st, "SELECT 1 FROM \"we\"\"ird\" WHERE x = 1"));
	free(sql);
	free(q);
	store_close(st);
}

Test(store, read_transaction_sees_one_state_of_the_store)
{
	struct store *st = store_with_t(), *other;

	cr_assert_eq(store_open(&other, path, 0), 0);
	cr_assert_eq(store_begin_read(st), 0);
	cr_assert_eq(store_count(st, "t"), 3);
	/* another connection writes meanwhile: this one does not see it until the end */
	cr_assert_eq(store_exec(other, "INSERT INTO t(a) VALUES('new')"), 0);
	cr_assert_eq(store_count(st, "t"), 3);
	cr_assert_eq(store_commit(st), 0);
	cr_assert_eq(store_count(st, "t"), 4);
	store_close(other);
	store_close(st);
}

Test(store, triggers_are_found_by_name)
{
	struct store *st = store_with_t();

	cr_assert_not(store_trigger_exists(st, "t_noted"));
	cr_assert_eq(
		store_exec(st, "CREATE TRIGGER t_noted AFTER DELETE ON t BEGIN SELECT 1; END"), 0);
	cr_assert(store_trigger_exists(st, "t_noted"));
	/* a table of that name is not a trigger */
	cr_assert_not(store_trigger_exists(st, "t"));
	store_close(st);
}

Test(store, derived_writes_do_not_wait_for_the_disk)
{
	struct store *st = store_with_t();
	struct store_stmt *s = store_prepare(st, "PRAGMA synchronous");
	int64_t before;

	cr_assert_eq(store_step(s), STORE_ROW);
	before = store_col_int(s, 0);
	store_done(s);
	cr_assert_eq(store_derived(st), 0);
	s = store_prepare(st, "PRAGMA synchronous");
	cr_assert_eq(store_step(s), STORE_ROW);
	/* FULL (2) or more before; NORMAL (1) after */
	cr_assert_geq(before, 2);
	cr_assert_eq(store_col_int(s, 0), 1);
	store_done(s);
	store_close(st);
}
