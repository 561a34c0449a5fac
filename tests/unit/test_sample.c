/* test_sample.c - the draw: within the budget, in one currency, the same for the same seed */
#include "casekit.h"
#include "sample.h"
#include "store.h"
#include "unit.h"
#include <criterion/criterion.h>

static struct store *st;

static void setup(void)
{
	st = unit_store();
	/* ten CNY listings at 100.00 to 1000.00, one USD listing, one already test-bought */
	cr_assert_eq(
		store_exec(st,
			"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)"
			" INSERT INTO listings(listing_id, seller_id, brand, price, currency,"
			" source_id, line) SELECT 'L' || i, 'S' || (i % 3), 'b' || (i % 2),"
			" i * 10000, 'CNY', 1, i + 1 FROM n;"
			"INSERT INTO listings(listing_id, seller_id, price, currency, source_id, line)"
			" VALUES ('U1', 'S9', 100, 'USD', 1, 20);"
			"INSERT INTO testbuys(testbuy_id, listing_id, source_id, line)"
			" VALUES ('T1', 'L1', 2, 2)"),
		0);
}

static void teardown(void)
{
	unit_store_close(st);
}

TestSuite(sample, .init = setup, .fini = teardown);

static char *draw(uint64_t seed, int64_t budget, struct sample_result *res)
{
	struct sample_opts so = { .currency = "CNY", .budget = budget, .seed = seed };
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	ck.format = "tsv";
	cr_assert_eq(sample_draw(st, &so, fp, res), 0);
	ck.format = NULL;
	fclose(fp);
	return text;
}

Test(sample, the_commonest_currency_is_the_default)
{
	char cur[4];

	cr_assert_eq(sample_currency(st, cur), 0);
	cr_assert_str_eq(cur, "CNY");
}

Test(sample, draws_stay_within_the_budget_and_its_currency)
{
	struct sample_result res;
	char *t = draw(7, 150000, &res);

	cr_assert_eq(res.candidates, 9, "L1 is test-bought, U1 in USD");
	cr_assert_leq(res.spent, 150000);
	cr_assert_gt(res.chosen, 0);
	/* nothing left that the rest of the budget could buy */
	cr_assert_gt(res.spent + 20000, 150000, "spent %lld", (long long)res.spent);
	cr_assert_null(strstr(t, "U1"), "%s", t);
	cr_assert_null(strstr(t, "\nL1\t"), "%s", t);
	free(t);
}

Test(sample, the_same_seed_gives_the_same_draw)
{
	struct sample_result ra, rb, rc;
	char *a = draw(3, 300000, &ra), *b = draw(3, 300000, &rb), *c = draw(4, 300000, &rc);

	cr_assert_str_eq(a, b);
	cr_assert_str_neq(a, c, "another seed, another draw");
	free(a);
	free(b);
	free(c);
}
