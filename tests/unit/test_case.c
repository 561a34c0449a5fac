/* test_case.c - a case is a snapshot: open, what is pending, refresh, grades, custody chain */
#include "casekit.h"
#include "case.h"
#include "leads.h"
#include "store.h"
#include "unit.h"
#include <criterion/criterion.h>

static struct store *st;

/* A store with one seller, one listing under a counterfeit test buy, and one paid order. */
static void setup(void)
{
	st = unit_store();
	cr_assert_eq(
		store_exec(st,
			"INSERT INTO sources(source_id, path, sha256, size, kind, ingested_at)"
			" VALUES(1, 'dump/x.csv', 'aa', 1, 'sellers', 'now');"
			"INSERT INTO sellers(seller_id, source_id, line) VALUES('S1', 1, 2);"
			"INSERT INTO listings(listing_id, seller_id, price, currency, source_id,"
			" line) VALUES('L1', 'S1', 12900, 'EUR', 1, 2);"
			"INSERT INTO testbuys(testbuy_id, listing_id, verdict, source_id, line)"
			" VALUES('T1', 'L1', 'counterfeit', 1, 2);"
			"INSERT INTO orders(order_id, listing_id, seller_id, amount, currency,"
			" status, source_id, line) VALUES('O1', 'L1', 'S1', 12900, 'EUR',"
			" 'delivered', 1, 2)"),
		0);
}

static void teardown(void)
{
	unit_store_close(st);
}

TestSuite(case, .init = setup, .fini = teardown);

static char *open_case(void)
{
	struct leads l = { 0 };
	char *id = NULL;

	cr_assert_eq(leads_add(&l, "seller:S1", "seller", CASE_LEAD_KINDS), 0);
	cr_assert_eq(case_open(st, "t", &l, "tester", &id), 0);
	leads_free(&l);
	return id;
}

static long long one(const char *sql)
{
	struct store_stmt *s = store_prepare(st, sql);
	long long v;

	cr_assert_not_null(s);
	cr_assert_eq(store_step(s), STORE_ROW);
	v = store_col_int(s, 0);
	store_done(s);
	return v;
}

Test(case, open_pins_its_orders_and_logs_custody)
{
	char *id = open_case();

	cr_assert_eq(one("SELECT count(*) FROM case_snap_orders"), 1);
	cr_assert_eq(one("SELECT count(*) FROM case_snap_listings"), 1);
	cr_assert_eq(one("SELECT count(*) FROM case_pins"), 1);
	cr_assert_eq(one("SELECT count(*) FROM custody WHERE action = 'open'"), 1);
	free(id);
}

Test(case, a_new_order_is_pending_not_shown_until_refresh)
{
	char *id = open_case(), *summary, *detail, *changes;

	cr_assert_eq(store_exec(st,
			     "INSERT INTO orders(order_id, listing_id, seller_id, amount, currency,"
			     " status, source_id, line) VALUES('O2', 'L1', 'S1', 119700, 'EUR',"
			     " 'delivered', 1, 3)"),
		0);
	cr_assert_eq(case_pending(st, id, &summary, &detail), 0);
	cr_assert_str_eq(summary, "1 new order, value +1,197.00 EUR");
	cr_assert_str_eq(detail, "+order:O2; value +1,197.00 EUR");
	free(summary);
	free(detail);
	cr_assert_eq(case_gather(st, id), 0);
	cr_assert_eq(one("SELECT sum(amount) FROM case_orders"), 12900, "the snapshot's value");
	cr_assert_eq(case_refresh(st, id, "tester", &changes), 0);
	cr_assert_str_eq(changes, "1 new order, value +1,197.00 EUR");
	free(changes);
	cr_assert_eq(case_gather(st, id), 0);
	cr_assert_eq(one("SELECT sum(amount) FROM case_orders"), 132600);
	cr_assert_eq(one("SELECT count(*) FROM custody WHERE action = 'refresh' AND detail LIKE "
			 "'%+order:O2; value +1,197.00 EUR'"),
		1);
	free(id);
}

Test(case, refresh_with_nothing_new_writes_nothing)
{
	char *id = open_case(), *changes = (char *)"x";

	cr_assert_eq(case_refresh(st, id, "tester", &changes), 0);
	cr_assert_null(changes);
	cr_assert_eq(one("SELECT count(*) FROM custody"), 1);
	free(id);
}

Test(case, a_closed_case_refuses_refresh_and_has_nothing_pending)
{
	char *id = open_case(), *summary, *detail, *changes;

	cr_assert_eq(case_close(st, id, "tester"), 0);
	cr_assert_eq(store_exec(st, "DELETE FROM orders"), 0);
	cr_assert_eq(case_pending(st, id, &summary, &detail), 0);
	cr_assert_null(summary);
	cr_assert_eq(case_refresh(st, id, "tester", &changes), EX_DATAERR);
	free(id);
}

Test(case, grade_parse_takes_reliability_confidence_and_handling)
{
	char rel[2], hand[2];
	int conf;

	cr_assert_eq(case_grade_parse("B23", rel, &conf, hand), 0);
	cr_assert_str_eq(rel, "B");
	cr_assert_eq(conf, 2);
	cr_assert_str_eq(hand, "3");
	cr_assert_eq(case_grade_parse("C4", rel, &conf, hand), 0);
	cr_assert_str_eq(hand, "1");
	cr_assert_eq(case_grade_parse("F1", rel, &conf, hand), -1);
	cr_assert_eq(case_grade_parse("A6", rel, &conf, hand), -1);
	cr_assert_eq(case_grade_parse("A111", rel, &conf, hand), -1);
}

Test(case, the_custody_chain_shows_a_changed_entry)
{
	char *id = open_case(), why[256];

	cr_assert_eq(case_note(st, id, "a note", "tester"), 0);
	cr_assert_eq(case_custody_check(st, id, why), 0);
	cr_assert_eq(store_exec(st,
			     "DROP TRIGGER custody_no_update; UPDATE custody SET analyst = "
			     "'mallory' WHERE action = 'note'"),
		0);
	cr_assert_eq(case_custody_check(st, id, why), 1);
	cr_assert(strstr(why, "was changed after it was written"), "%s", why);
	free(id);
}

Test(case, current_case_strips_the_type_and_falls_back_to_the_environment)
{
	cr_assert_str_eq(case_current("case:CASE-1"), "CASE-1");
	cr_assert_str_eq(case_current("CASE-2"), "CASE-2");
	cr_assert_eq(setenv("CASEKIT_CASE", "CASE-3", 1), 0);
	cr_assert_str_eq(case_current(NULL), "CASE-3");
	cr_assert_eq(unsetenv("CASEKIT_CASE"), 0);
	cr_assert_null(case_current(NULL));
}
