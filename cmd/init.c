/* init.c - create a case store */
#include "casekit.h"
#include "commands.h"

static const char usage[] = "casekit init [--key-file PATH] [-d PATH] [PATH]";
static const char help[] =
	"Create a case store: one SQLite file holding the schema and a random store id, and\n"
	"nothing else yet, and its payment key (for keyed hashes of payment instruments) in a\n"
	"key file of its own, mode 0600: $XDG_DATA_HOME/casekit/keys/STORE-ID.key unless\n"
	"--key-file or $CASEKIT_KEY_FILE. PATH (or -d) defaults to $CASEKIT_DB, else\n"
	"./casekit.db. An existing store or key file is never overwritten.";

int cmd_init(int argc, char **argv)
{
	struct store *st;
	const char *path;
	char *kpath;
	int rc;
	struct ck_opt opts[] = {
		CK_OPT_KEY_FILE,
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
	kpath = store_key_path(st);
	store_close(st);
	if (!ck.quiet)
		fprintf(stderr,
			"casekit init: created case store '%s' (schema %d) and its payment key "
			"file '%s'\n",
			path, STORE_SCHEMA_VERSION, kpath ? kpath : "?");
	free(kpath);
	return 0;
}
