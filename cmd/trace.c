/* trace.c - walk upstream from leads to suppliers, warehouses and factories */
#include "casekit.h"
#include "commands.h"
#include "case.h"
#include "leads.h"
#include "opt.h"
#include "output.h"
#include "store.h"
#include "trace.h"
#include <unistd.h>

static const char usage[] = "casekit trace [-d PATH] [-f FMT] [--depth N] [--rank HOW] "
			    "[--min-score N] [--tree] [--case CASE] [--from FILE|-] [LEAD]...";
static const char help[] =
	"Walk upstream from the leads (sellers, listings, networks, parties, cases) through\n"
	"shipments, sales between sellers and shared identifiers, to the given depth, and rank\n"
	"every party reached: by the share of what it delivers that ends with flagged sellers\n"
	"(through its customers, recursively), the distinct flagged sellers and networks it\n"
	"feeds, and whether it ships goods or inputs (materials, packaging, parts). A carrier\n"
	"that ships to everyone ranks low however many leads it reaches; a supplier of inputs\n"
	"ranks below the factory it feeds. A party lead starts the walk but flags nobody.\n"
	"Leads come from the operands, --case and --from (one typed id a line; a bare id is a\n"
	"seller), else stdin, else the current case ($CASEKIT_CASE).";

static const char *const cols[] = { "rank", "party_id", "kind", "name", "depth", "flagged_sellers",
	"networks", "share_flagged", "inputs", "score", "quantity", "value", "currency", "path" };

static int print_rows(const struct trace *t, enum out_format fmt)
{
	struct out *o;
	size_t i;

	if (fmt == OUT_IDS) {
		/* Upstream sellers are sellers; senders known by name only have no id to pass on. */
		for (i = 0; i < trace_count(t); i++) {
			const struct trace_party *p = trace_party_at(t, i);

			if (strcmp(p->kind, "unlisted") != 0)
				printf("%s:%s\n",
					strcmp(p->kind, "seller") == 0 ? "seller" : "party", p->id);
		}
		return 0;
	}
	o = out_open(stdout, fmt, cols, (int)(sizeof(cols) / sizeof(*cols)));
	for (i = 0; i < trace_count(t); i++) {
		const struct trace_party *p = trace_party_at(t, i);

		out_int(o, (long long)i + 1);
		out_text(o, p->id);
		out_text(o, p->kind);
		out_text(o, p->name);
		out_int(o, p->depth);
		out_int(o, p->flagged_sellers);
		out_int(o, p->networks);
		out_real(o, (double)(long long)(p->share_flagged * 10000 + 0.5) / 10000);
		out_real(o, (double)(long long)(p->inputs * 10000 + 0.5) / 10000);
		out_real(o, (double)(long long)(p->score * 10000 + 0.5) / 10000);
		out_int(o, p->quantity);
		if (p->currency)
			out_money(o, p->value, p->currency);
		else
			out_null(o);
		out_text(o, p->currency);
		out_text(o, p->path);
		out_end_row(o);
	}
	return out_close(o);
}

int cmd_trace(int argc, char **argv)
{
	const char *from = NULL, *rankname = "specific", *fmtname, *case_id = NULL;
	long long depth = 4, min_score = 50;
	int tree = 0, rc, i;
	struct leads leads = { 0 };
	struct trace_opts to;
	struct store *st;
	struct trace *t;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_CHOICE('f', "format", &ck.format, "FMT", OUT_FORMAT_NAMES "|dot",
			"output: " OUT_FORMAT_NAMES "|dot (table on a terminal, else tsv)"),
		CK_OPT_INT(0, "depth", &depth, "N", "hops upstream from a lead (default 4)"),
		CK_OPT_CHOICE(0, "rank", &rankname, "HOW", "specific|count",
			"specific (default) or count (flagged sellers only, to compare)"),
		CK_OPT_INT(0, "min-score", &min_score, "N",
			"a listing screened at N or more flags its seller (default 50)"),
		CK_OPT_BOOL(0, "tree", &tree, "print an indented upstream tree"),
		CK_OPT_STR(
			0, "from", &from, "FILE", "read leads from FILE, one a line ('-': stdin)"),
		CK_OPT_STR(0, "case", &case_id, "CASE",
			"walk from a case's members and party leads (default with no leads: "
			"$CASEKIT_CASE)"),
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (depth < 1 || depth > 32)
		ck_usage_error("--depth must be between 1 and 32, not %lld", depth);
	if (min_score < 0 || min_score > 100)
		ck_usage_error("--min-score must be between 0 and 100, not %lld", min_score);
	fmtname = ck.format;
	if (tree && fmtname)
		ck_usage_error("--tree and -f do not go together");
	for (i = 0; i < argc; i++)
		if (strcmp(argv[i], "-") == 0) {
			if (from)
				ck_usage_error("leads from stdin twice");
			from = "-";
		} else if (leads_add(&leads, argv[i], "seller",
				   "seller|listing|network|party|case")) {
			ck_usage_error("'%s' is not a lead (seller:ID, listing:ID, network:ID, "
				       "party:ID or case:ID)",
				argv[i]);
		}
	if (case_id && leads_add(&leads, case_current(case_id), "case", "case"))
		ck_usage_error("--case needs a case id");
	/* No leads at all: stdin when it is not a terminal, else the current case. */
	if (!from && argc == 0 && !case_id) {
		if (isatty(STDIN_FILENO) && !case_current(NULL))
			ck_usage_error("no leads given (operands, --from FILE, --case or stdin)");
		if (!isatty(STDIN_FILENO))
			from = "-";
	}
	if (from &&
		(rc = leads_read(&leads, from, "seller", "seller|listing|network|party|case"))) {
		leads_free(&leads);
		return rc;
	}
	if (leads.n == 0 && !case_id && case_current(NULL))
		leads_add(&leads, case_current(NULL), "case", "case");
	if (leads.n == 0) {
		leads_free(&leads);
		return ck_error(EX_DATAERR, "no leads given");
	}
	/* Read-write so that the walk can add the indexes it seeks by; read-only works too. */
	if ((rc = store_open(&st, NULL, 0)) == EX_CANTCREAT)
		rc = store_open(&st, NULL, STORE_READONLY);
	if (rc) {
		leads_free(&leads);
		return rc;
	}
	trace_opts_init(&to);
	to.depth = (int)depth;
	to.min_score = (int)min_score;
	to.rank = strcmp(rankname, "count") == 0 ? TRACE_RANK_COUNT : TRACE_RANK_SPECIFIC;
	rc = trace_run(st, &leads, &to, &t);
	if (!rc && !trace_scores_table(t))
		ck_info("no screening scores in the store: the leads' sellers are the flagged ones");
	if (!rc) {
		if (tree)
			rc = trace_write_tree(t, stdout);
		else if (fmtname && strcmp(fmtname, "dot") == 0)
			rc = trace_write_dot(t, stdout);
		else
			rc = print_rows(t, out_format_for(stdout));
	}
	trace_free(t);
	store_close(st);
	leads_free(&leads);
	return rc;
}
