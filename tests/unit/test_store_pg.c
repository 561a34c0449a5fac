/* test_store_pg.c - SQLite's dialect into PostgreSQL's, as a server store prepares it */
#include "casekit.h"
#include "store_pg.h"
#include <criterion/criterion.h>

/* The translation of sql with no connection (no catalog to ask). */
static void is(const char *sql, const char *want)
{
	int n = 0;
	char *got = pg_translate(NULL, sql, &n);

	cr_assert_str_eq(got, want, "%s\ngot:  %s", sql, got);
	free(got);
}

Test(store_pg, parameters_are_numbered_as_the_server_wants)
{
	int n = 0;
	char *got = pg_translate(NULL, "SELECT ?1, ?3 WHERE x = ?2", &n);

	cr_assert_str_eq(got, "SELECT $1, $3 WHERE x = $2");
	cr_assert_eq(n, 3);
	free(got);
	is("INSERT INTO t VALUES(?, ?)", "INSERT INTO t VALUES($1, $2)");
}

Test(store_pg, strings_and_names_are_left_alone)
{
	is("SELECT '?1 -- x', \"temp\".a FROM t", "SELECT '?1 -- x', \"temp\".a FROM t");
	is("SELECT 'it''s' || ?1", "SELECT 'it''s' || $1");
}

Test(store_pg, insert_or_ignore_becomes_on_conflict)
{
	is("INSERT OR IGNORE INTO t(a) VALUES(?1)",
		"INSERT INTO t(a) VALUES($1) ON CONFLICT DO NOTHING");
	is("INSERT OR IGNORE INTO t SELECT 1 RETURNING a",
		"INSERT INTO t SELECT 1  ON CONFLICT DO NOTHINGRETURNING a");
}

Test(store_pg, insert_or_fail_is_a_plain_insert)
{
	is("INSERT OR FAIL INTO t(a, b) VALUES(?1, ?2),(?3, ?4)",
		"INSERT INTO t(a, b) VALUES($1, $2),($3, $4)");
	is("INSERT OR FAIL INTO t(a, b) VALUES(?1, ?2) ON CONFLICT(a) DO UPDATE SET "
	   "b=excluded.b",
		"INSERT INTO t(a, b) VALUES($1, $2) ON CONFLICT(a) DO UPDATE SET b=excluded.b");
	is("INSERT OR ABORT INTO t VALUES(?)", "INSERT INTO t VALUES($1)");
}

Test(store_pg, sqlite_words_become_postgresql_ones)
{
	is("SELECT ifnull(a, 0), max(a, b), max(c) FROM temp.x",
		"SELECT coalesce(a, 0), greatest(a, b), max(c) FROM pg_temp.x");
	is("SELECT * FROM t WHERE a == 1 AND b LIKE 'x%' LIMIT -1",
		"SELECT * FROM t WHERE a = 1 AND b ILIKE 'x%' LIMIT ALL");
	is("SELECT a FROM t WHERE +a = ?1", "SELECT a FROM t WHERE a = $1");
	is("SELECT a + 1 FROM t", "SELECT a + 1 FROM t");
	is("SELECT a IS b, a IS NOT b, a IS NULL",
		"SELECT a IS NOT DISTINCT FROM b, a IS DISTINCT FROM b, a IS NULL");
	is("BEGIN IMMEDIATE", "BEGIN ");
	is("PRAGMA x = 1; SELECT 1", " SELECT 1");
	is("SELECT char(10)", "SELECT chr(10)");
	is("DROP TABLE IF EXISTS temp.a; DROP TABLE b;",
		"DROP TABLE IF EXISTS pg_temp.a CASCADE; DROP TABLE b;");
	is("CREATE INDEX temp.x ON y(a)", "CREATE INDEX x ON y(a)");
	is("SELECT a IN b, a IN (1), a IN (SELECT 1)",
		"SELECT a IN (SELECT * FROM b), a IN (1), a IN (SELECT 1)");
}

Test(store_pg, truth_values_are_booleans)
{
	is("SELECT 1 FROM t WHERE 1", "SELECT 1 FROM t WHERE TRUE");
	is("SELECT a FROM t WHERE s.flagged AND x BETWEEN 0 AND 1",
		"SELECT a FROM t WHERE s.flagged <> 0 AND x BETWEEN 0 AND 1");
	is("SELECT CASE x WHEN 1 THEN 2 END", "SELECT CASE x WHEN 1 THEN 2 END");
}

Test(store_pg, derived_tables_get_a_name)
{
	is("SELECT * FROM (SELECT 1) WHERE TRUE", "SELECT * FROM (SELECT 1) AS ck_d1 WHERE TRUE");
	is("SELECT * FROM (SELECT 1) s", "SELECT * FROM (SELECT 1) s");
	is("SELECT * FROM a CROSS JOIN b ON b.x = a.x", "SELECT * FROM a  JOIN b ON b.x = a.x");
	is("SELECT * FROM a CROSS JOIN b", "SELECT * FROM a CROSS JOIN b");
}

Test(store_pg, nulls_sort_where_sqlite_sorts_them)
{
	is("SELECT a FROM t ORDER BY a", "SELECT a FROM t ORDER BY a NULLS FIRST");
	is("SELECT a FROM t ORDER BY a DESC, b LIMIT ?1",
		"SELECT a FROM t ORDER BY a DESC NULLS LAST, b NULLS FIRST "
		"LIMIT CASE WHEN $1 < 0 THEN NULL ELSE $1 END");
	is("SELECT group_concat(a ORDER BY a) FROM t",
		"SELECT group_concat(a ORDER BY a NULLS FIRST) FROM t");
	is("SELECT a FROM t ORDER BY a NULLS LAST", "SELECT a FROM t ORDER BY a NULLS LAST");
}

Test(store_pg, copy_fields_escape_what_copy_text_reads_specially)
{
	struct buf b = { 0 };

	pg_copy_field(&b, "a\\b\tc\nd\re", 9);
	buf_addc(&b, '|');
	pg_copy_field(&b, NULL, 0);
	buf_addc(&b, '|');
	pg_copy_field(&b, "", 0);
	buf_addc(&b, '|');
	pg_copy_field(&b, "x;y", 3);
	cr_assert_eq(b.len, 21);
	cr_assert(memcmp(b.s, "a\\\\b\\tc\\nd\\re|\\N||x;y", 21) == 0, "%s", b.s);
	cr_assert_eq(b.s[b.len], '\0');
	buf_free(&b);
}
