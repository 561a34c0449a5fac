/* test_stats.c - the figures of a store: counts, takedown times, a case that is not there */
#include "casekit.h"
#include "output.h"
#include "stats.h"
#include "store.h"
#include "unit.h"
#include <criterion/criterion.h>

static struct store *st;

static void setup(void)
{
	st = unit_store();
}

static void teardown(void)
{
	unit_store_close(st);
}

TestSuite(stats, .init = setup, .fini = teardown);

/* The figures as TSV, malloc'd. */
static char *figures(const char *case_id, int *rc)
{
	static const char *const cols[] = { "what", "value" };
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);
	struct out *o = out_open(fp, OUT_TSV, cols, 2);

	*rc = stats_write(st, case_id, 0, o);
	cr_assert_eq(out_close(o), 0);
	fclose(fp);
	return text;
}

Test(stats, empty_store_counts_zero_rows)
{
	int rc;
	char *t = figures(NULL, &rc);

	cr_assert_eq(rc, 0);
	cr_assert_not_null(strstr(t, "what\tvalue\nbrands\t0\nsellers\t0\n"), "%s", t);
	cr_assert_not_null(strstr(t, "\nlistings.screened\t0\n"), "%s", t);
	cr_assert_not_null(strstr(t, "\ntakedowns.hours.median\t\n"), "%s", t);
	free(t);
}

Test(stats, takedown_hours_give_median_and_nearest_rank_p95)
{
	int rc;
	char *t;

	cr_assert_eq(
		store_exec(st,
			"INSERT INTO listings(listing_id, seller_id, source_id, line) VALUES"
			" ('L1', 'S1', 1, 2), ('L2', 'S1', 1, 3);"
			"INSERT INTO takedowns(notice_id, listing_id, received_at, resolved_at,"
			" outcome, source_id, line) VALUES"
			" ('T1', 'L1', '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z', 'removed', 2, 2),"
			" ('T2', 'L1', '2026-01-01T00:00:00Z', '2026-01-01T03:00:00Z', 'removed', 2, 3),"
			" ('T3', 'L2', '2026-01-01T00:00:00Z', '2026-01-01T10:00:00Z', 'rejected', 2, 4),"
			" ('T4', 'L2', '2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z', 'removed', 2, 5),"
			" ('T5', 'L2', '2026-01-01T00:00:00Z', NULL, NULL, 2, 6)"),
		0);
	t = figures(NULL, &rc);
	cr_assert_eq(rc, 0);
	cr_assert_not_null(strstr(t, "\nlistings\t2\n"), "%s", t);
	cr_assert_not_null(strstr(t, "\ntakedowns.received\t5\n"), "%s", t);
	cr_assert_not_null(strstr(t, "\ntakedowns.open\t1\n"), "%s", t);
	cr_assert_not_null(strstr(t, "\ntakedowns.outcome.rejected\t1\n"), "%s", t);
	cr_assert_not_null(strstr(t, "\ntakedowns.hours.median\t3\n"), "%s", t);
	cr_assert_not_null(strstr(t, "\ntakedowns.hours.p95\t10\n"), "%s", t);
	cr_assert_not_null(strstr(t, "\ntakedowns.bad_times\t1\n"), "%s", t);
	free(t);
}

Test(stats, unknown_case_is_a_data_error)
{
	cr_assert_eq(stats_find_case(st, "CASE-1999-0001"), EX_DATAERR);
}
