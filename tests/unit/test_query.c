/* test_query.c - the read-only runner: what counts as SQL, what is refused, what is printed */
#include "casekit.h"
#include "output.h"
#include "query.h"
#include "store.h"
#include "unit.h"
#include <criterion/criterion.h>
#include <unistd.h>

static struct store *st;

static void setup(void)
{
	st = unit_store();
}

static void teardown(void)
{
	unit_store_close(st);
}

TestSuite(query, .init = setup, .fini = teardown);

/* Run sql and return what it printed as tsv (malloc'd). */
static char *run(const char *sql, int *rc)
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	*rc = query_run(st, sql, fp, OUT_TSV);
	fclose(fp);
	return text;
}

Test(query, sql_openers_are_recognised_in_any_case)
{
	cr_assert(query_is_sql("select 1"));
	cr_assert(query_is_sql("  SELECT 1"));
	cr_assert(query_is_sql("With x as (select 1) select * from x"));
	cr_assert(query_is_sql("pragma table_info(sellers)"));
	cr_assert(query_is_sql("explain select 1"));
	cr_assert_not(query_is_sql("selector 1"));
	cr_assert_not(query_is_sql("stats -f json"));
	cr_assert_not(query_is_sql("drop table sellers"));
	cr_assert_not(query_is_sql(""));
}

Test(query, a_statement_is_complete_at_its_semicolon)
{
	cr_assert_not(query_complete("select 1"));
	cr_assert_not(query_complete("select ';'"));
	cr_assert(query_complete("select\n 1;\n"));
}

Test(query, several_statements_print_in_turn)
{
	int rc;
	char *out = run("select 1 as a; select 'x' as b", &rc);

	cr_assert_eq(rc, 0);
	cr_assert_str_eq(out, "a\n1\nb\nx\n");
	free(out);
}

Test(query, writes_are_refused_and_the_store_is_unchanged)
{
	int rc;
	char *out = run("select 1; delete from meta", &rc);

	cr_assert_eq(rc, EX_DATAERR);
	free(out);
	out = run("insert into sellers(seller_id, source_id, line) values('S', 1, 1)", &rc);
	cr_assert_eq(rc, EX_DATAERR);
	free(out);
	cr_assert_eq(store_count(st, "sellers"), 0);
	cr_assert_gt(store_count(st, "meta"), 0);
}

Test(query, bad_sql_is_a_data_error)
{
	int rc;
	char *out = run("selec 1", &rc);

	cr_assert_eq(rc, EX_DATAERR);
	free(out);
}
