/* test_screen_run.c - a run over a store: scores stored, printed, and reused while unchanged */
#include "casekit.h"
#include "leads.h"
#include "screen_run.h"
#include "store.h"
#include "unit.h"
#include <criterion/criterion.h>

static struct store *st;

static void setup(void)
{
	st = unit_store();
	cr_assert_eq(
		store_exec(st,
			"INSERT INTO sellers(seller_id, source_id, line) VALUES ('S1', 1, 2);"
			"INSERT INTO listings(listing_id, seller_id, title, brand, price, currency,"
			" source_id, line) VALUES"
			" ('L1', 'S1', 'Rolex replica watch 1:1', 'Rolex', 5000, 'USD', 2, 2),"
			" ('L2', 'S1', 'plain cotton socks', NULL, 500, 'USD', 2, 3)"),
		0);
}

static void teardown(void)
{
	unit_store_close(st);
}

TestSuite(screen_run, .init = setup, .fini = teardown);

/* A full run over the store, its listings at min_score or more printed into *text. */
static int full_run(int min_score, char **text, int try_reuse)
{
	static const struct leads none;
	struct screen_run *r;
	char when[21];
	long long id = 0;
	size_t len = 0;
	FILE *fp = open_memstream(text, &len);
	int rc, reused = 0;

	cr_assert_eq(screen_run_open(&r, st, NULL, min_score, 0), 0);
	if (try_reuse && screen_run_reuse(r, &id, when))
		reused = 1;
	else
		cr_assert_eq(screen_run_score(r, &none, 0), 0);
	ck.format = "tsv";
	rc = screen_run_print(r, fp);
	ck.format = NULL;
	fclose(fp);
	cr_assert_eq(rc, 0);
	screen_run_close(r);
	return reused;
}

Test(screen_run, a_full_run_stores_and_prints_its_scores)
{
	char *text;

	cr_assert_not(full_run(0, &text, 1), "nothing to reuse in a new store");
	cr_assert_not_null(strstr(text, "\nL1\tS1\t"), "%s", text);
	cr_assert_not_null(strstr(text, "\nL2\tS1\t0\t"), "%s", text);
	free(text);
	cr_assert_eq(store_count(st, "scores"), 2);
	cr_assert(
		store_has_rows(st, "SELECT 1 FROM screen_runs WHERE scope = 'all' AND scored = 2"));
}

Test(screen_run, the_next_run_reuses_it_until_a_listing_is_added)
{
	char *a, *b;

	cr_assert_not(full_run(50, &a, 1));
	cr_assert(full_run(50, &b, 1), "nothing changed: the run is reused");
	cr_assert_str_eq(a, b);
	free(a);
	free(b);
	cr_assert_eq(store_count(st, "screen_runs"), 1);
	cr_assert_eq(store_exec(st,
			     "INSERT INTO listings(listing_id, seller_id, title, source_id, line)"
			     " VALUES ('L3', 'S1', 'hat', 3, 2)"),
		0);
	cr_assert_not(full_run(50, &a, 1), "a listing added since: scored again");
	free(a);
	cr_assert_eq(store_count(st, "scores"), 3);
}
