/* ingest.c - load marketplace dumps into the case store */
#include "casekit.h"
#include "commands.h"
#include "ingest.h"
#include "opt.h"
#include "profile.h"
#include "store.h"
#include <unistd.h>

static const char usage[] =
	"casekit ingest [-k KIND] [-p PROFILE] [--encoding ENC] [--delimiter C] "
	"[--country CC] [--reject-file FILE] [--strict] [--replace] [-n] [--key-file PATH] "
	"[-d PATH] FILE|DIR|-...";
static const char help[] =
	"Load CSV or TSV dumps, gzip or not, into the store: files, folders (every file whose\n"
	"name says its kind, referenced kinds first) or stdin ('-', with -k). Each file lands\n"
	"whole or not at all, and a file loaded before (same SHA-256) is skipped unless\n"
	"--replace. Rows that cannot be kept go to the reject report with file, line and\n"
	"reason; the others land and the exit status stays 0 (65 when every row of a file is\n"
	"rejected). Kinds: brands sellers parties listings orders logins payments shipments\n"
	"testbuys takedowns notifiers notices. Payments need the store's payment key file (see\n"
	"casekit init); without it they are refused (exit 78) and nothing is loaded.";

int cmd_ingest(int argc, char **argv)
{
	static char dash[] = "-";
	struct ingest_opts o = { 0 };
	const char *delim = NULL;
	char country[3];
	struct store *st;
	int rc;
	struct ck_opt opts[] = {
		CK_OPT_CHOICE('k', "kind", &o.kind, "KIND",
			"brands|sellers|parties|listings|orders|logins|payments|shipments|testbuys|"
			"takedowns|notifiers|notices",
			"the kind of every input (default: from the file name)"),
		CK_OPT_STR('p', "profile", &o.profile, "PROFILE",
			"column mapping: a name or a file (default: generic)"),
		CK_OPT_STR(0, "encoding", &o.encoding, "ENC",
			"the input's encoding, e.g. gb18030 (default: UTF-8, validated)"),
		CK_OPT_STR(0, "country", &o.country, "CC",
			"country of national phone numbers and addresses (default: the profile's, "
			"else the store's)"),
		CK_OPT_STR(0, "delimiter", &delim, "C",
			"field delimiter: one character or 'tab' (default: from the header)"),
		CK_OPT_STR(0, "reject-file", &o.reject_file, "FILE",
			"write rejected rows as CSV: file, line, reason, raw"),
		CK_OPT_BOOL(0, "strict", &o.strict, "any rejected row fails its file (exit 65)"),
		CK_OPT_BOOL(0, "replace", &o.replace,
			"load files loaded before again (same name or SHA-256), replacing their rows"),
		CK_OPT_BOOL('n', "dry-run", &o.dry_run, "read and check everything, write nothing"),
		CK_OPT_KEY_FILE,
		CK_OPT_DB,
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (delim) {
		if (strcmp(delim, "tab") == 0 || strcmp(delim, "\\t") == 0)
			o.delim = '\t';
		else if (strlen(delim) == 1 && delim[0] != '"' && delim[0] != '\n' &&
			delim[0] != '\r')
			o.delim = delim[0];
		else
			ck_usage_error("a delimiter is one character or 'tab', not '%s'", delim);
	}
	if (o.country && profile_country(o.country, country))
		ck_usage_error("--country takes an ISO 3166-1 alpha-2 code such as CN, not '%s'",
			o.country);
	if (o.country)
		o.country = country;
	if (argc == 0) {
		if (isatty(STDIN_FILENO))
			ck_usage_error("no input: give files, folders or '-'");
		if (!o.kind)
			ck_usage_error("stdin needs its kind: give -k KIND");
		argv[0] = dash;
		argc = 1;
	}
	if ((rc = store_open(&st, NULL, STORE_LOAD)))
		return rc;
	rc = ingest_run(st, &o, argc, argv);
	store_close(st);
	return rc;
}
