/* stats.c - the enforcement figures of a store or a case: counts, flags, networks, values */
#include "casekit.h"
#include "commands.h"
#include "opt.h"
#include "output.h"
#include "stats.h"
#include "store.h"

static const char usage[] = "casekit stats [-d PATH] [-f FMT] [--case ID] [--recount]";
static const char help[] =
	"Print the figures a platform reports about its enforcement, for the whole store or for\n"
	"one case: the rows of each dump kind, listings screened and flagged, flagged listings\n"
	"that never sold, networks and their sizes, cases, leads and case values, test buys\n"
	"and their verdicts, takedown notices and their handling time (median and 95th\n"
	"percentile, in hours). Two columns: what and value. Figures of applets that have not\n"
	"run are zero or null. The quality of the identifiers comes from counts ingest keeps;\n"
	"--recount counts it again from every identifier and row (slow on a big store).";

int cmd_stats(int argc, char **argv)
{
	static const char *const cols[] = { "what", "value" };
	const char *case_id = getenv("CASEKIT_CASE");
	struct store *st;
	struct out *o;
	int rc, orc, recount = 0;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_FORMAT_NO_IDS,
		CK_OPT_STR(0, "case", &case_id, "CASE",
			"the figures of one case (default: $CASEKIT_CASE; '' for the store)"),
		CK_OPT_BOOL(0, "recount", &recount,
			"count the identifier figures from the rows, not from ingest's counts"),
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc > 0)
		ck_usage_error("no operands expected");
	if (case_id && !*case_id)
		case_id = NULL;
	if ((rc = store_open(&st, NULL, STORE_READONLY)))
		return rc;
	if (case_id && (rc = stats_find_case(st, case_id))) {
		store_close(st);
		return rc;
	}
	o = out_open(stdout, out_format_for(stdout), cols, 2);
	/* Amounts (case values, test-buy costs) come as ck_money() decimals: numbers in JSON. */
	out_set_decimal(o, 1);
	rc = stats_write(st, case_id, recount ? STATS_RECOUNT : 0, o);
	orc = out_close(o);
	store_close(st);
	return rc ? rc : orc;
}
