/* test_complete.c - completion candidates: ids by prefix, typed ids, later tables, kinds */
#include "casekit.h"
#include "complete.h"
#include "store.h"
#include <criterion/criterion.h>
#include <unistd.h>

static char dir[] = "/tmp/casekit-unit.XXXXXX";
static char path[256];
static struct store *st;
static struct buf got;

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	/* key files go into the test's folder, never into $HOME */
	cr_assert_eq(setenv("XDG_DATA_HOME", dir, 1), 0);
	snprintf(path, sizeof(path), "%s/test.db", dir);
	cr_assert_eq(store_open(&st, path, STORE_CREATE), 0);
	cr_assert_eq(store_exec(st,
			     "INSERT INTO sellers(seller_id, source_id, line) VALUES"
			     "('S10', 1, 2), ('S11', 1, 3), ('S2', 1, 4), ('s1x', 1, 5);"
			     "INSERT INTO parties(party_id, source_id, line) VALUES"
			     "('S1-FACTORY', 1, 2);"),
		0);
	buf_reset(&got);
}

static void teardown(void)
{
	char cmd[300];

	store_close(st);
	buf_free(&got);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(complete, .init = setup, .fini = teardown);

static void collect(const char *s, void *arg)
{
	(void)arg;
	buf_adds(&got, s);
	buf_addc(&got, ' ');
}

Test(complete, ids_by_prefix_are_sorted_and_case_sensitive)
{
	cr_assert_eq(complete_values(st, "seller", "S1", 100, collect, NULL), 2);
	cr_assert_str_eq(got.s, "S10 S11 ");
}

Test(complete, any_offers_bare_ids_of_every_kind)
{
	cr_assert_eq(complete_values(st, "any", "S1", 100, collect, NULL), 3);
	cr_assert_str_eq(got.s, "S10 S11 S1-FACTORY ");
}

Test(complete, a_typed_prefix_offers_typed_ids_of_that_kind)
{
	cr_assert_eq(complete_values(st, "any", "party:S", 100, collect, NULL), 1);
	cr_assert_str_eq(got.s, "party:S1-FACTORY ");
}

Test(complete, the_limit_holds)
{
	cr_assert_eq(complete_values(st, "seller", "", 2, collect, NULL), 2);
}

Test(complete, cases_appear_once_opened)
{
	cr_assert_eq(complete_values(st, "case", "", 100, collect, NULL), 0);
	cr_assert_eq(store_exec(st,
			     "INSERT INTO cases(case_id, title, opened_at, opened_by) "
			     "VALUES('CASE-1', 't', '2026-01-01T00:00:00Z', 'x');"),
		0);
	cr_assert_eq(complete_values(st, "case", "C", 100, collect, NULL), 1);
	cr_assert_str_eq(got.s, "CASE-1 ");
}

Test(complete, kinds_need_no_store_and_bad_kinds_are_refused)
{
	cr_assert_eq(complete_values(NULL, "kind", "s", 100, collect, NULL), 2);
	cr_assert_str_eq(got.s, "sellers shipments ");
	cr_assert_eq(complete_values(NULL, "seller", "", 100, collect, NULL), 0);
	cr_assert_eq(complete_values(st, "bogus", "", 100, collect, NULL), -1);
}

Test(complete, option_names_and_argument_names_map_to_kinds)
{
	cr_assert_str_eq(complete_kind_for("--in", "CASE"), "case");
	cr_assert_str_eq(complete_kind_for("--profile", "NAME"), "profile");
	cr_assert_str_eq(complete_kind_for("--network", "ID"), "network");
	cr_assert_str_eq(complete_kind_for(NULL, "ID"), "any");
	cr_assert_null(complete_kind_for("--db", "PATH"));
	cr_assert_null(complete_kind_for(NULL, NULL));
}
