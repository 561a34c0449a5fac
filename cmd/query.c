/* query.c - read-only SQL over the store, in any output format */
#include "casekit.h"
#include "commands.h"
#include "opt.h"
#include "output.h"
#include "query.h"
#include "store.h"
#include <unistd.h>

static const char usage[] = "casekit query [-d PATH] [-f FMT] [SQL|-]";
static const char help[] =
	"Run read-only SQL over the case store and print each result in the chosen format.\n"
	"Several statements separated by ';' print one result after another. SQL comes from\n"
	"the operand, or from stdin ('-' or no operand). Anything that would write (insert,\n"
	"create, drop, attach, a pragma that sets a value) is refused and the store is left\n"
	"as it was. Tables are described in casekit-store(5).";

static char *read_all(FILE *fp)
{
	struct buf b = { 0 };
	char tmp[8192];
	size_t n;

	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(&b, tmp, n);
	if (ferror(fp))
		ck_die(EX_IOERR, "cannot read stdin: %s", strerror(errno));
	return buf_detach(&b);
}

int cmd_query(int argc, char **argv)
{
	struct store *st;
	const char *sql;
	char *owned = NULL;
	int rc = 0;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_FORMAT,
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc > 1)
		ck_usage_error("give the SQL as one operand (quote it)");
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		sql = argv[0];
	} else {
		if (argc == 0 && isatty(STDIN_FILENO))
			ck_usage_error("no SQL given");
		sql = owned = read_all(stdin);
	}
	if ((rc = store_open(&st, NULL, STORE_READONLY))) {
		free(owned);
		return rc;
	}
	rc = query_run(st, sql, stdout, out_format_for(stdout));
	store_close(st);
	free(owned);
	return rc;
}
