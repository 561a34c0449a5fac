/* init.c - create a case store */
#include "casekit.h"

static const char usage[] = "casekit init [-d PATH] [PATH]";
static const char help[] =
	"Create a case store: one SQLite file holding the schema, a random secret for keyed\n"
	"hashes of payment instruments, and nothing else yet. PATH (or -d) defaults to\n"
	"$CASEKIT_DB, else ./casekit.db. An existing file is never overwritten.";

int cmd_init(int argc, char **argv)
{
	struct store *st;
	const char *path;
	int rc;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc > 1)
		ck_usage_error("too many operands");
	if (argc == 1 && ck.db)
		ck_usage_error("give the path as an operand or with -d, not both");
	path = argc == 1 ? argv[0] : ck.db ? ck.db : store_default_path();
	if ((rc = store_open(&st, path, STORE_CREATE)))
		return rc;
	store_close(st);
	if (!ck.quiet)
		fprintf(stderr, "casekit init: created case store '%s' (schema %d)\n", path,
			STORE_SCHEMA_VERSION);
	return 0;
}
