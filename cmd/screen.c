/* screen.c - score listings for counterfeit risk, with the reasons */
#include "casekit.h"
#include "commands.h"
#include "leads.h"
#include "opt.h"
#include "output.h"
#include "screen_run.h"
#include "store.h"

static const char usage[] =
	"casekit screen [-d PATH] [-f FMT] [--min-score N] [--rules DIR] "
	"[--from FILE|-] [--explain LISTING] [--stream] [--rescore] [LISTING...]";
static const char help[] =
	"Score listings from 0 to 100 for counterfeit risk, from their title, brand, category,\n"
	"price and image text (the platform's OCR), and from a few facts about the seller: a\n"
	"new account, failed test buys, a network with other flagged listings. Every listing\n"
	"(or those given as operands or with --from; a seller:ID lead means all its listings)\n"
	"is scored, its score and reasons are stored in the scores table, and the ones that\n"
	"reach --min-score are printed: listing_id, seller_id, score, reasons. -f ids prints\n"
	"listing:ID lines. --explain shows every rule checked for one listing and writes\n"
	"nothing. Rules are data (casekit-rules(5)); the same store and rules give the same\n"
	"scores, so a run of every listing takes the last one's scores when neither the rules\n"
	"nor what it read changed since (it says so); --rescore scores them again.\n"
	"\n"
	"--stream is a filter: it reads listings as CSV with a header (the columns of 'casekit\n"
	"ingest -k listings') on stdin and writes one verdict per listing as soon as it is read:\n"
	"listing_id, seller_id, score, flagged, reasons, as ndjson unless -f says tsv, csv or ids.\n"
	"Market prices and seller facts come from the store, which it only reads; it prints\n"
	"every listing unless --min-score is given. A row ingest would reject is named on stderr\n"
	"with its line and skipped.";

/* The summary on stderr: scored, flagged and, under --min-score, listed. */
static void summary(const struct screen_run *r)
{
	struct screen_run_counts c;

	if (ck.quiet)
		return;
	screen_run_counts(r, &c);
	if (c.min_score != c.threshold)
		fprintf(stderr,
			"casekit screen: %s scored, %lld flagged (score >= %d), %lld "
			"listed (score >= %d)\n",
			ck_count(c.scored, "listing", "listings"), c.flagged, c.threshold, c.listed,
			c.min_score);
	else
		fprintf(stderr, "casekit screen: %s scored, %lld flagged (score >= %d)\n",
			ck_count(c.scored, "listing", "listings"), c.flagged, c.threshold);
}

int cmd_screen(int argc, char **argv)
{
	const char *rules = NULL, *from = NULL, *explain_id = NULL;
	long long min_score = -1;
	struct leads leads = { 0 };
	struct screen_run *r = NULL;
	struct store *st = NULL;
	long long run_id;
	char when[21];
	enum out_format fmt = OUT_NDJSON;
	int rc, i, streaming = 0, rescore = 0, restricted;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_FORMAT,
		CK_OPT_INT(0, "min-score", &min_score, "N",
			"print listings scoring N or more (default: the rules' flag, 50; "
			"every listing with --stream)"),
		CK_OPT_STR(
			0, "rules", &rules, "DIR", "rules folder (default: the installed rules)"),
		CK_OPT_STR(0, "from", &from, "FILE",
			"listing:ID or seller:ID leads, one a line ('-': stdin)"),
		CK_OPT_STR(0, "explain", &explain_id, "LISTING",
			"show every rule checked for one listing"),
		CK_OPT_BOOL(0, "stream", &streaming,
			"score listings read as CSV on stdin, one verdict each, writing nothing"),
		CK_OPT_BOOL(0, "rescore", &rescore,
			"score every listing again, even when the last run still holds"),
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (min_score != -1 && (min_score < 0 || min_score > 100))
		ck_usage_error("--min-score wants a number from 0 to 100");
	if (explain_id && (from || argc > 0))
		ck_usage_error("--explain takes one listing, without --from or operands");
	if (streaming && (explain_id || from || argc > 0))
		ck_usage_error("--stream reads listings from stdin, without --explain, --from or "
			       "operands");
	if (streaming && ck.format) {
		fmt = out_format_for(stdout);
		if (fmt == OUT_TABLE || fmt == OUT_JSON)
			ck_usage_error(
				"-f %s cannot stream: use ndjson, tsv, csv or ids", ck.format);
	}
	for (i = 0; i < argc; i++)
		if (leads_add(&leads, argv[i], "listing", "listing|seller"))
			ck_usage_error("'%s' is not a listing or seller id", argv[i]);
	if (from && (rc = leads_read(&leads, from, "listing", "listing|seller"))) {
		leads_free(&leads);
		return rc;
	}
	if ((rc = store_open(&st, NULL, explain_id || streaming ? STORE_READONLY : 0)) ||
		(rc = screen_run_open(&r, st, rules, (int)min_score, streaming)))
		goto done;
	if (streaming) {
		rc = screen_run_stream(r, fmt);
		goto done;
	}
	if (explain_id) {
		rc = screen_run_explain(r, explain_id, stdout);
		goto done;
	}
	restricted = from || argc > 0;
	if (!restricted && !rescore && screen_run_reuse(r, &run_id, when)) {
		if (!ck.quiet)
			fprintf(stderr,
				"casekit screen: reusing run %lld of %s: the rules and the listings "
				"are unchanged (--rescore scores again)\n",
				run_id, when);
	} else if ((rc = screen_run_score(r, &leads, restricted)))
		goto done;
	rc = screen_run_print(r, stdout);
	summary(r);
done:
	screen_run_close(r);
	store_close(st);
	leads_free(&leads);
	return rc;
}
