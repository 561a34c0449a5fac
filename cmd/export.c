/* export.c - write a case package for police referral: a BagIt bag as a deterministic tar.gz */
#include "casekit.h"
#include "commands.h"
#include "bag.h"
#include "case.h"
#include "export.h"
#include "opt.h"
#include "report.h"
#include "sign.h"
#include "store.h"
#include <sys/stat.h>
#include <unistd.h>

static const char usage[] = "casekit export [-d PATH] [CASE] -o FILE.tar.gz [--sign KEYFILE] "
			    "[--recipient ORG] [--redact buyers|none] [--organization ORG] "
			    "[--contact-name NAME] [--contact-email EMAIL] [--analyst NAME]";
static const char help[] =
	"Write the case as a BagIt 1.0 bag (RFC 8493) in a tar.gz: an HTML report, CSV tables,\n"
	"the network in DOT, a CASE/UCO JSON-LD description, the custody log and the cited rows\n"
	"of the source files (data/sources/), with SHA-256 and SHA-512 manifests. The export is entered in the custody log first, at the real\n"
	"time, and the package carries that entry (SOURCE_DATE_EPOCH sets only member times).\n"
	"Buyers are pseudonymised unless --redact none. --sign adds an Ed25519 signature of\n"
	"tagmanifest-sha256.txt (signature.txt). Organization and contact come from the options,\n"
	"the environment or the config file (see casekit(1)); export warns when one is unknown.";

int cmd_export(int argc, char **argv)
{
	const char *out = NULL, *sign = NULL, *recipient = NULL, *redact = "buyers";
	const char *org = NULL, *analyst = NULL, *contact_name = NULL, *contact_email = NULL;
	struct bag_writer w = { 0 };
	struct export_seal seal;
	struct export_case r = { 0 };
	struct report_ctx c;
	struct stat sb;
	char why[256], fp[72], sha[65], when[21], *top = NULL, *detail;
	struct store *st = NULL;
	long long mtime;
	int rc;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_STR('o', "output", &out, "FILE", "the package to write (FILE.tar.gz)"),
		CK_OPT_STR(
			0, "sign", &sign, "KEYFILE", "sign with this Ed25519 key (casekit keygen)"),
		CK_OPT_STR(0, "recipient", &recipient, "ORG", "the receiving unit, for the record"),
		CK_OPT_CHOICE(0, "redact", &redact, "WHAT", "buyers|none",
			"pseudonymise buyers (default) or include them"),
		CK_OPT_STR(0, "organization", &org, "ORG",
			"Source-Organization (default: $CASEKIT_ORGANIZATION, config organization)"),
		CK_OPT_STR(0, "contact-name", &contact_name, "NAME",
			"Contact-Name (default: config contact-name, else the analyst)"),
		CK_OPT_STR(0, "contact-email", &contact_email, "EMAIL",
			"Contact-Email (default: $CASEKIT_CONTACT_EMAIL, config contact-email)"),
		CK_OPT_STR(0, "analyst", &analyst, "NAME",
			"who exports (default: $CASEKIT_ANALYST, config analyst, $USER)"),
		CK_OPT_END,
	};

	case_remember_command();
	argc = ck_parse_opts(argc, argv, opts, usage, help);
	/* No CASE: the current case ($CASEKIT_CASE, .case in casekit shell). */
	if (argc == 0 && case_current(NULL)) {
		static char *current[2];

		current[0] = (char *)case_current(NULL);
		argv = current;
		argc = 1;
	}
	if (argc != 1)
		ck_usage_error("one CASE is needed (or a current case: $CASEKIT_CASE)");
	argv[0] = (char *)case_current(argv[0]);
	if (!out || !*out)
		ck_usage_error("-o FILE.tar.gz is needed");
	/* Who sends the package: police need a name, a unit and a way to reach them. */
	if (!analyst || !*analyst)
		analyst = ck_analyst();
	if (!org || !*org)
		org = ck_setting("CASEKIT_ORGANIZATION", "organization");
	if (!contact_name || !*contact_name)
		contact_name = ck_setting(NULL, "contact-name");
	if (!contact_name)
		contact_name = analyst;
	if (!contact_email || !*contact_email)
		contact_email = ck_setting("CASEKIT_CONTACT_EMAIL", "contact-email");
	if (strcmp(analyst, "unknown") == 0)
		ck_warn("the analyst is unknown: give --analyst, CASEKIT_ANALYST or analyst in "
			"the config file");
	if (!org) {
		ck_warn("the organization is unknown: give --organization, CASEKIT_ORGANIZATION or "
			"organization in the config file");
		org = "unknown organization";
	}
	if (!contact_email)
		ck_warn("no contact email: give --contact-email, CASEKIT_CONTACT_EMAIL or "
			"contact-email in the config file");
	/* lstat: a symlink, even one pointing nowhere, is refused, never followed */
	if (lstat(out, &sb) == 0)
		return ck_error(EX_CANTCREAT,
			S_ISLNK(sb.st_mode) ? "'%s' is a symbolic link: a package is written only "
					      "to a new file"
					    : "'%s' exists: a package is never overwritten",
			out);
	if (sign && (rc = sign_fingerprint(sign, 1, fp)))
		return rc;
	if ((rc = store_open(&st, NULL, 0)))
		return rc;
	memset(&c, 0, sizeof(c));
	if ((rc = export_case_read(st, argv[0], &r)))
		goto done;
	if (case_custody_check(st, argv[0], why)) {
		rc = ck_error(EX_DATAERR, "%s: the custody log is broken: %s", argv[0], why);
		goto done;
	}
	c.st = st;
	c.case_id = argv[0];
	c.title = r.title;
	c.status = r.status;
	c.opened_at = r.opened_at;
	c.analyst = analyst;
	c.recipient = recipient;
	c.org = org;
	c.redact = strcmp(redact, "none") != 0;
	if ((rc = store_begin(st)) || (rc = case_store_digest(st, c.store_digest)) ||
		(rc = case_set_redact(st, c.redact)) || (rc = case_warn_pending(st, argv[0])) ||
		(rc = report_sources_begin(&c)) || (rc = case_gather(st, argv[0])))
		goto done;
	/*
	 * The export's custody entry comes first, at the real time, and the package carries it:
	 * its time is the package's, its hash is in bag-info. Should writing fail, the
	 * transaction takes the entry back. SOURCE_DATE_EPOCH sets only the members' mtimes.
	 */
	detail = xasprintf("%s recipient=%s redact=%s%s%s",
		strrchr(out, '/') ? strrchr(out, '/') + 1 : out, recipient ? recipient : "", redact,
		sign ? " signed-by=" : "", sign ? fp : "");
	rc = case_custody_add(st, argv[0], "export", analyst, detail);
	free(detail);
	if (rc || (rc = case_custody_last(st, argv[0], &c.export_seq, when, c.export_hash)))
		goto done;
	c.when = when;
	if (getenv("SOURCE_DATE_EPOCH")) {
		char pinned[21];

		ck_now_iso(pinned);
		mtime = export_epoch(pinned);
	} else {
		mtime = export_epoch(when);
	}
	if (mtime < 0) {
		rc = ck_error(EX_DATAERR, "%s: bad time '%s' in the custody log", argv[0], when);
		goto done;
	}

	/* The payload, then the tag files and manifests that seal it. */
	if ((rc = export_payload(&c, &w)))
		goto done;
	seal.contact_name = contact_name;
	seal.contact_email = contact_email;
	seal.fingerprint = sign ? fp : NULL;
	seal.custody_entries = export_custody_count(st, argv[0]);
	export_seal(&c, &w, &seal);
	if (sign) {
		struct bag_item *t = bag_find(&w, "tagmanifest-sha256.txt");
		char *sig = sign_text(sign, t->data, t->len, fp);

		if (!sig) {
			rc = EX_DATAERR;
			goto done;
		}
		bag_add(&w, SIGN_FILE, sig, strlen(sig));
	}
	top = export_top_folder(out, argv[0]);
	if ((rc = export_write_archive(&w, top, out, mtime, sha)))
		goto done;
	if ((rc = store_commit(st)))
		unlink(out);
	if (!rc && !ck.quiet)
		fprintf(stderr, "casekit export: %s: %s, sha256 %s\n", argv[0], out, sha);
done:
	if (rc)
		store_rollback(st);
	bag_writer_free(&w);
	free((void *)c.files);
	export_case_free(&r);
	free(top);
	store_close(st);
	return rc;
}
