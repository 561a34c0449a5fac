/* init.c - create a case store */
#include "casekit.h"
#include "commands.h"
#include "opt.h"
#include "profile.h"
#include "store.h"

static const char usage[] =
	"casekit init [--distributed] [--country CC] [--key-file PATH] [-d PATH] [PATH]";
static const char help[] =
	"Create a case store: one SQLite file holding the schema and a random store id, and\n"
	"nothing else yet, and its payment key (for keyed hashes of payment instruments) in a\n"
	"key file of its own, mode 0600: $XDG_DATA_HOME/casekit/keys/STORE-ID.key unless\n"
	"--key-file or $CASEKIT_KEY_FILE. PATH (or -d) defaults to $CASEKIT_DB, else\n"
	"./casekit.db. An existing store or key file is never overwritten. --country names the\n"
	"country of national phone numbers and addresses in every dump loaded into the store,\n"
	"unless a profile, ingest --country or a row's country column says otherwise.\n"
	"A PATH that is a libpq URI (postgresql://...) makes the store in that PostgreSQL\n"
	"database instead, which must hold no store yet. --distributed spreads that store over\n"
	"the database's Citus cluster (the citus extension, its workers added): sellers and\n"
	"what hangs off them sharded by seller id, small tables copied to every node.";

int cmd_init(int argc, char **argv)
{
	struct store *st;
	const char *path, *country = NULL;
	char *kpath, cc[3];
	int rc, distributed = 0;
	struct ck_opt opts[] = {
		CK_OPT_BOOL(0, "distributed", &distributed,
			"spread the store over a Citus cluster (PATH a libpq URI)"),
		CK_OPT_STR(0, "country", &country, "CC",
			"the store's country for national phone numbers and addresses"),
		CK_OPT_KEY_FILE,
		CK_OPT_DB,
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc > 1)
		ck_usage_error("too many operands");
	if (argc == 1 && ck.db)
		ck_usage_error("give the path as an operand or with -d, not both");
	if (country && profile_country(country, cc))
		ck_usage_error(
			"--country takes an ISO 3166-1 alpha-2 code such as CN, not '%s'", country);
	path = argc == 1 ? argv[0] : ck.db ? ck.db : store_default_path();
	if (distributed && !store_is_uri(path))
		ck_usage_error(
			"--distributed makes a store on a Citus database: give its libpq URI "
			"(postgresql://...), not '%s'",
			path);
	if ((rc = store_open(&st, path, STORE_CREATE | (distributed ? STORE_DISTRIBUTED : 0))))
		return rc;
	if (country && (rc = store_meta_set(st, "country", cc))) {
		store_close(st);
		return rc;
	}
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
