/* sample.c - choose listings for test purchases within a budget, weighted by risk */
#include "casekit.h"
#include "commands.h"
#include "money.h"
#include "opt.h"
#include "sample.h"
#include "store.h"

static const char usage[] = "casekit sample --budget AMOUNT [-d PATH] [-f FMT] [--seed S] "
			    "[--min-score N]";
static const char help[] =
	"Choose listings to test-buy within a budget, one draw at a time: each affordable\n"
	"listing is drawn with a chance in proportion to its screening score, divided by four\n"
	"for each listing already chosen of the same brand and of the same network (or\n"
	"seller), so that the buys spread. AMOUNT is in major units with an optional ISO 4217\n"
	"code (500, 500CNY, 129.50 EUR); only listings in that currency are drawn. The same\n"
	"store, budget and seed give the same choice.";

/* An amount in the currency's minor units, or a usage error naming raw. */
static int64_t to_minor(const char *num, const char *cur, const char *raw)
{
	const char *dot = strchr(num, '.');
	int64_t v;

	if (dot && (int)strlen(dot + 1) > money_exponent(cur))
		ck_usage_error("--budget '%s' has more decimals than %s has", raw, cur);
	if (money_parse(num, money_exponent(cur), &v))
		ck_usage_error("--budget '%s' is too large", raw);
	if (v <= 0)
		ck_usage_error("--budget must be more than zero");
	return v;
}

int cmd_sample(int argc, char **argv)
{
	const char *budget_s = NULL;
	long long seed = 0, min_score = 50;
	char num[MONEY_NUM_MAX], cur[4];
	struct sample_opts so = { .currency = cur };
	struct sample_result res = { 0 };
	struct store *st;
	int rc;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_FORMAT,
		CK_OPT_STR(0, "budget", &budget_s, "AMOUNT",
			"spend at most this: 500, 500CNY, 129.50 EUR (major units)"),
		CK_OPT_INT(0, "seed", &seed, "S", "seed of the draw (default 0)"),
		CK_OPT_INT(0, "min-score", &min_score, "N",
			"only listings screened at N or more, when scored (default 50)"),
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc > 0)
		ck_usage_error("no operands expected");
	if (!budget_s)
		ck_usage_error("--budget is required");
	if (min_score < 0 || min_score > 100)
		ck_usage_error("--min-score must be between 0 and 100, not %lld", min_score);
	if (money_split(budget_s, num, cur))
		ck_usage_error("--budget takes an amount with an optional currency (500, 500CNY), "
			       "not '%s'",
			budget_s);
	if ((rc = store_open(&st, NULL, STORE_READONLY)))
		return rc;
	if (!cur[0] && (rc = sample_currency(st, cur))) {
		store_close(st);
		return rc;
	}
	so.budget = to_minor(num, cur, budget_s);
	so.seed = (uint64_t)seed;
	so.min_score = (int)min_score;
	rc = sample_draw(st, &so, stdout, &res);
	/* after the draw, even when writing it failed */
	if ((!rc || res.candidates) && !ck.quiet) {
		char spent[MONEY_MAX], all[MONEY_MAX];

		fprintf(stderr, "casekit sample: %zu of %s chosen for %s of %s %s\n", res.chosen,
			ck_count((long long)res.candidates, "listing", "listings"),
			money_format(res.spent, cur, spent), money_format(so.budget, cur, all),
			cur);
	}
	store_close(st);
	return rc;
}
