/* stats.c - the figures of a store: rows of each kind */
#include "casekit.h"

static const char usage[] = "casekit stats [-d PATH] [-f FMT]";
static const char help[] =
	"Print the figures of a case store: the rows of each dump kind, the sources loaded,\n"
	"the rows rejected and the identifiers found.";

static int count_rows(struct store *st, struct out *o, const char *const *tables)
{
	int64_t n;

	for (; *tables; tables++) {
		if ((n = store_count(st, *tables)) < 0)
			return EX_SOFTWARE;
		out_text(o, *tables);
		out_int(o, n);
		out_end_row(o);
	}
	return 0;
}

int cmd_stats(int argc, char **argv)
{
	static const char *const extra[] = { "sources", "rejects", "identifiers", NULL };
	static const char *const cols[] = { "what", "rows" };
	struct store *st;
	struct out *o;
	int rc, orc;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_FORMAT,
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc > 0)
		ck_usage_error("no operands expected");
	if ((rc = store_open(&st, NULL, STORE_READONLY)))
		return rc;
	o = out_open(stdout, out_format_for(stdout), cols, 2);
	rc = count_rows(st, o, store_kinds);
	if (!rc)
		rc = count_rows(st, o, extra);
	orc = out_close(o);
	store_close(st);
	return rc ? rc : orc;
}
