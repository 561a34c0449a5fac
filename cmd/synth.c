/* synth.c - generate a realistic synthetic marketplace dump with planted networks */
#include "casekit.h"
#include "commands.h"
#include "opt.h"
#include "synth.h"
#include <time.h>

static const char usage[] =
	"casekit synth [-o DIR] [--sellers N] [--seed S] [--gzip] [--lang LANGS]"
	" [--notices-until TIME]";
static const char help[] =
	"Write a synthetic marketplace dump in the generic layout (sellers, listings, orders,\n"
	"logins, payments, parties, shipments, testbuys, takedowns, brands, notifiers and\n"
	"notices as CSV) plus truth.json: the planted operations and the identifiers they\n"
	"share, the counterfeit and the trap listings, the innocent hubs, the near misses and\n"
	"the upstream parties; notices_truth.json says which notices are valid.\n"
	"The same seed and options give the same bytes on any machine; memory stays flat\n"
	"however many sellers are asked for. --notices-until now gives notices received in the\n"
	"last 24 hours, for a triage run right after (casekit stats then shows handling times).";

/* The dump's listings run to 2025-11-30: notices come after. */
#define NOTICES_FROM 1764547200LL /* 2025-12-01T00:00:00Z */

/* Seconds since 1970 of "now", YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ; -1 if none of them. */
static long long parse_until(const char *s)
{
	struct tm tm;
	char z = 0, tail = 0;
	int n;

	if (strcmp(s, "now") == 0)
		return (long long)time(NULL);
	memset(&tm, 0, sizeof(tm));
	n = sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		&tm.tm_hour, &tm.tm_min, &tm.tm_sec, &z, &tail);
	if (!(n == 7 && z == 'Z') && !(n == 3 && strlen(s) == 10))
		return -1;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
		tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

/* The id spaces of the generator hold up to this many sellers without a collision. */
#define SYNTH_MAX_SELLERS 16000000LL

int cmd_synth(int argc, char **argv)
{
	const char *dir = "synth", *lang = "zh,en", *until = NULL;
	long long sellers = 1000, seed = 1;
	int gz = 0, rc;
	struct synth_opts o = { 0 };
	struct synth_stats st;
	char *langs, *tok, *save = NULL;
	struct ck_opt opts[] = {
		CK_OPT_STR('o', "output", &dir, "DIR",
			"output folder, created if missing (default: synth)"),
		CK_OPT_INT(0, "sellers", &sellers, "N", "seller accounts (default: 1000)"),
		CK_OPT_INT('s', "seed", &seed, "S", "random seed, 0 or more (default: 1)"),
		CK_OPT_BOOL(
			'z', "gzip", &gz, "write NAME.csv.gz (gzip, mtime 0) instead of NAME.csv"),
		CK_OPT_STR(0, "lang", &lang, "LANGS",
			"listing languages, comma-separated: zh, en (default: zh,en)"),
		CK_OPT_STR(0, "notices-until", &until, "TIME",
			"notices received in the 24 hours before TIME (ISO 8601 UTC, or now)"),
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc > 0)
		ck_usage_error("no operands expected");
	if (sellers < 1 || sellers > SYNTH_MAX_SELLERS)
		ck_usage_error("--sellers must be between 1 and %lld", SYNTH_MAX_SELLERS);
	if (seed < 0)
		ck_usage_error("--seed must be 0 or more");
	langs = xstrdup(lang);
	for (tok = strtok_r(langs, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "zh"))
			o.zh = 1;
		else if (!strcmp(tok, "en"))
			o.en = 1;
		else
			ck_usage_error("unknown language '%s' (zh or en)", tok);
	}
	free(langs);
	if (!o.zh && !o.en)
		ck_usage_error("--lang needs zh, en or both");
	if (until) {
		long long t = parse_until(until);

		if (t < 0)
			ck_usage_error("--notices-until takes YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or "
				       "now, not '%s'",
				until);
		if (t < NOTICES_FROM)
			ck_usage_error("--notices-until must be 2025-12-01 or later: the dump's "
				       "listings run to 2025-11-30");
		o.notices_until = (int64_t)t;
	}
	o.dir = dir;
	o.sellers = (uint64_t)sellers;
	o.seed = (uint64_t)seed;
	o.gzip = gz;
	if ((rc = synth_run(&o, &st)))
		return rc;
	if (!ck.quiet)
		fprintf(stderr, "casekit synth: wrote %s to '%s': %s, %s, %s; %s of %s; %s\n",
			ck_count((long long)st.total, "row", "rows"), dir,
			ck_count((long long)st.rows[0], "seller", "sellers"),
			ck_count((long long)st.rows[1], "listing", "listings"),
			ck_count((long long)st.rows[2], "order", "orders"),
			ck_count((long long)st.operations, "operation", "operations"),
			ck_count((long long)st.op_sellers, "seller", "sellers"),
			ck_count((long long)st.notices, "notice", "notices"));
	return 0;
}
