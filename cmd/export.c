/* export.c - write a case package for police referral: a BagIt bag as a deterministic tar.gz */
#include "casekit.h"
#include "commands.h"
#include "bag.h"
#include "case.h"
#include "opt.h"
#include "report.h"
#include "sign.h"
#include "store.h"
#include "store_db.h"
#include <fcntl.h>
#include <openssl/opensslv.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

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

/* The payload files made so far, for the report and the JSON-LD. */
struct made {
	struct report_file *v;
	size_t n;
};

static void add_file(struct bag_writer *w, struct made *m, const char *path, char *data, size_t len,
	const char *mime)
{
	struct report_file *f;

	m->v = xrealloc(m->v, (m->n + 1) * sizeof(*m->v));
	f = &m->v[m->n++];
	f->size = len;
	f->mime = mime;
	bag_sha256_hex(data, len, f->sha256);
	bag_add(w, path, data, len);
	f->path = w->v[w->n - 1].path; /* the bag's copy: path may be the caller's buffer */
}

/* Run fn into memory and add the result as a payload file. */
static int make(struct bag_writer *w, struct made *m, const char *path, const char *mime,
	int (*fn)(struct report_ctx *, FILE *), struct report_ctx *c)
{
	char *data = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&data, &len);
	int rc;

	if (!fp)
		ck_die(EX_OSERR, "open_memstream: %s", strerror(errno));
	rc = fn(c, fp);
	if (fclose(fp) != 0 && !rc)
		rc = ck_error(EX_OSERR, "out of memory");
	if (rc) {
		free(data);
		return rc;
	}
	add_file(w, m, path, data, len, mime);
	return 0;
}

/* The cited source rows, as report_sources() hands them over. */
struct adder {
	struct bag_writer *w;
	struct made *m;
};

static void add_source(void *arg, const char *path, char *data, size_t len)
{
	struct adder *a = arg;
	const char *mime = strcmp(path + strlen(path) - 4, ".txt") == 0 ? "text/plain" : "text/csv";

	add_file(a->w, a->m, path, data, len, mime);
}

static const struct {
	const char *file, *section;
} tables[] = {
	{ "data/tables/accounts.csv", "sellers" },
	{ "data/tables/findings.csv", "findings" },
	{ "data/tables/links.csv", "links" },
	{ "data/tables/listings.csv", "listings" },
	{ "data/tables/orders.csv", "orders" },
	{ "data/tables/parties.csv", "parties" },
	{ "data/tables/takedowns.csv", "takedowns" },
	{ "data/tables/testbuys.csv", "testbuys" },
	{ "data/tables/timeline.csv", "timeline" },
	{ "data/tables/value.csv", "value" },
};

static int section_csv(struct report_ctx *c, FILE *fp, const char *section)
{
	return report_csv(c, section, fp);
}

static void human_size(unsigned long long n, char out[32])
{
	static const char *const unit[] = { "bytes", "KB", "MB", "GB", "TB" };
	double v = (double)n;
	int u = 0;

	while (v >= 1000 && u < 4) {
		v /= 1000;
		u++;
	}
	if (u == 0)
		snprintf(out, 32, "%llu bytes", n);
	else
		snprintf(out, 32, "%.1f %s", v, unit[u]);
}

/* The export time as epoch seconds; -1 when it is not ISO 8601 UTC. */
static long long epoch_of(const char *iso)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (!iso ||
		sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			&tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

/* The folder inside the archive: the file's stem, as the BagIt serialisation draft says. */
static char *top_folder(const char *out, const char *case_id)
{
	const char *base = strrchr(out, '/');
	char *stem;
	size_t n, i;

	base = base ? base + 1 : out;
	n = strlen(base);
	if (n > 7 && strcmp(base + n - 7, ".tar.gz") == 0)
		n -= 7;
	else if (n > 4 && (strcmp(base + n - 4, ".tgz") == 0 || strcmp(base + n - 4, ".tar") == 0))
		n -= 4;
	stem = xstrndup(base, n);
	for (i = 0; i < n; i++)
		if (!((stem[i] >= 'A' && stem[i] <= 'Z') || (stem[i] >= 'a' && stem[i] <= 'z') ||
			    (stem[i] >= '0' && stem[i] <= '9') || stem[i] == '-' ||
			    stem[i] == '_' || stem[i] == '.'))
			break;
	if (n == 0 || i < n || stem[0] == '.' || n > 60) {
		free(stem);
		stem = xstrdup(case_id);
	}
	return stem;
}

struct row {
	char *title, *status, *opened_at;
};

static int read_case(struct store *st, const char *id, struct row *r)
{
	sqlite3_stmt *s;
	int rc = 0;

	if (sqlite3_prepare_v2(store_db(st),
		    "SELECT title, status, opened_at FROM cases WHERE case_id = ?", -1, &s,
		    NULL) != SQLITE_OK)
		return store_error(st, "cases");
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		r->title = xstrdup((const char *)sqlite3_column_text(s, 0));
		r->status = xstrdup((const char *)sqlite3_column_text(s, 1));
		r->opened_at = xstrdup((const char *)sqlite3_column_text(s, 2));
	} else {
		rc = ck_error(EX_NOINPUT, "no case '%s' (see 'casekit case list')", id);
	}
	sqlite3_finalize(s);
	return rc;
}

static int custody_entries(struct store *st, const char *id)
{
	sqlite3_stmt *s;
	int n = 0;

	if (sqlite3_prepare_v2(store_db(st), "SELECT count(*) FROM custody WHERE case_id = ?", -1,
		    &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

/*
 * A tag file value stays on its line: a control character becomes a space, so that a title or
 * a name with a line break cannot add a label of its own (Bagging-Date: ...).
 */
static void tag_value(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		buf_addc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

static void tag(struct buf *b, const char *label, const char *s)
{
	buf_addf(b, "%s: ", label);
	tag_value(b, s);
	buf_addc(b, '\n');
}

static char *bag_info(struct report_ctx *c, struct bag_writer *w, const char *contact_name,
	const char *contact_email, const char *fp, int entries)
{
	struct buf b = { 0 };
	unsigned long long bytes = 0, files = 0;
	char size[32];
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strncmp(w->v[i].path, "data/", 5) == 0) {
			bytes += w->v[i].len;
			files++;
		}
	human_size(bytes, size);
	tag(&b, "Source-Organization", c->org);
	tag(&b, "Contact-Name", contact_name);
	if (contact_email)
		tag(&b, "Contact-Email", contact_email);
	buf_addf(&b, "External-Identifier: %s\n", c->case_id);
	tag(&b, "External-Description: Counterfeit case package", c->title);
	buf_addf(&b, "Bagging-Date: %.10s\n", c->when);
	buf_addf(&b, "Payload-Oxum: %llu.%llu\n", bytes, files);
	buf_addf(&b, "Bag-Size: %s\n", size);
	buf_addf(&b, "Bag-Software-Agent: %s (zlib %s, %s, SQLite %s)\n", PACKAGE_STRING,
		zlibVersion(), OPENSSL_VERSION_TEXT, sqlite3_libversion());
	buf_addf(&b, "BagIt-Profile-Identifier: urn:casekit:profile:case-package:v1\n");
	tag(&b, "Case-Title", c->title);
	buf_addf(&b, "Case-Status: %s\n", c->status);
	if (c->recipient)
		tag(&b, "Case-Referral-Recipient", c->recipient);
	buf_addf(&b, "Export-Timestamp: %s\n", c->when);
	tag(&b, "Exported-By", c->analyst);
	buf_addf(&b, "Custody-Entries: %d\n", entries);
	buf_addf(&b, "Custody-Entry: %lld %s\n", c->export_seq, c->export_hash);
	buf_addf(&b, "Store-Digest: %s\n", c->store_digest);
	buf_addf(&b, "Buyer-Data: %s\n",
		c->redact ? "pseudonymised (HMAC-SHA-256 under the store's pseudonym key)"
			  : "included");
	if (fp) {
		buf_addf(&b, "Signature-File: %s\n", SIGN_FILE);
		buf_addf(&b, "Signature-Key-Fingerprint: %s\n", fp);
	}
	return buf_detach(&b);
}

/* Write the archive beside out and rename it into place, so a failure leaves nothing. */
static int write_archive(
	struct bag_writer *w, const char *top, const char *out, long long mtime, char sha[65])
{
	char *tmp = xasprintf("%s.tmp.XXXXXX", out), *data = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&data, &len), *fp;
	int fd, rc;

	if (!mem)
		ck_die(EX_OSERR, "open_memstream: %s", strerror(errno));
	rc = bag_write_targz(w, top, mem, mtime);
	fclose(mem);
	if (rc) {
		free(data);
		free(tmp);
		return rc;
	}
	bag_sha256_hex(data, len, sha);
	if ((fd = mkstemp(tmp)) < 0 || !(fp = fdopen(fd, "wb"))) {
		rc = ck_error(EX_CANTCREAT, "cannot create '%s': %s", out, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
	} else {
		fchmod(fd, 0644);
		if (fwrite(data, 1, len, fp) != len || fflush(fp) != 0 || fsync(fd) != 0) {
			rc = ck_error(EX_IOERR, "cannot write '%s': %s", out, strerror(errno));
			fclose(fp);
			unlink(tmp);
		} else if (fclose(fp) != 0) {
			rc = ck_error(EX_IOERR, "cannot write '%s': %s", out, strerror(errno));
			unlink(tmp);
		} else if (link(tmp, out) != 0) {
			/*
			 * link(), not rename(): it never replaces what appeared at out since the
			 * check (a file, a symlink planted meanwhile), it fails with EEXIST.
			 */
			rc = errno == EEXIST
				? ck_error(EX_CANTCREAT,
					  "'%s' exists: a package is never overwritten", out)
				: ck_error(EX_CANTCREAT, "cannot create '%s': %s", out,
					  strerror(errno));
			unlink(tmp);
		} else {
			unlink(tmp);
		}
	}
	free(data);
	free(tmp);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	const char *out = NULL, *sign = NULL, *recipient = NULL, *redact = "buyers";
	const char *org = NULL, *analyst = NULL, *contact_name = NULL, *contact_email = NULL;
	struct bag_writer w = { 0 };
	struct made m = { 0 };
	struct report_ctx c;
	struct row r = { 0 };
	struct stat sb;
	char why[256], fp[72], sha[65], when[21], *top = NULL, *dot = NULL, *text, *detail;
	struct store *st = NULL;
	long long mtime;
	size_t i;
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
	if ((rc = read_case(st, argv[0], &r)))
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
	if ((rc = store_exec(st, "BEGIN IMMEDIATE")) ||
		(rc = case_store_digest(st, c.store_digest)) ||
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
		mtime = epoch_of(pinned);
	} else {
		mtime = epoch_of(when);
	}
	if (mtime < 0) {
		rc = ck_error(EX_DATAERR, "%s: bad time '%s' in the custody log", argv[0], when);
		goto done;
	}

	/* The payload: tables, graph, custody log, then the report and JSON-LD that cite them. */
	for (i = 0; i < sizeof(tables) / sizeof(*tables) && !rc; i++) {
		char *data = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&data, &len);

		if (!mem)
			ck_die(EX_OSERR, "open_memstream: %s", strerror(errno));
		rc = section_csv(&c, mem, tables[i].section);
		fclose(mem);
		if (rc)
			free(data);
		else
			add_file(&w, &m, tables[i].file, data, len, "text/csv");
	}
	if (!rc)
		rc = make(&w, &m, "data/tables/identifiers.csv", "text/csv", report_identifiers_csv,
			&c);
	if (!rc)
		rc = make(&w, &m, "data/graph/network.dot", "text/vnd.graphviz", report_dot, &c);
	if (!rc)
		rc = make(&w, &m, "data/case/custody.log", "text/plain", report_custody, &c);
	if (!rc) {
		struct adder a = { &w, &m };

		rc = report_sources(&c, add_source, &a);
	}
	if (rc)
		goto done;
	{
		struct buf lines = { 0 };

		for (i = 0; i < m.n; i++)
			buf_addf(&lines, "%s  %s\n", m.v[i].sha256, m.v[i].path);
		bag_sha256_hex(lines.s, lines.len, c.evidence_digest);
		buf_free(&lines);
		dot = xstrndup(bag_find(&w, "data/graph/network.dot")->data,
			bag_find(&w, "data/graph/network.dot")->len);
	}
	c.files = m.v;
	c.nfiles = m.n;
	{
		char *data = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&data, &len);

		rc = report_html(&c, dot, mem);
		fclose(mem);
		if (rc) {
			free(data);
			goto done;
		}
		add_file(&w, &m, "data/report/report.html", data, len, "text/html");
	}
	c.files = m.v;
	c.nfiles = m.n;
	if ((rc = make(&w, &m, "data/case/case.jsonld", "application/ld+json", report_jsonld, &c)))
		goto done;

	/* The tag files, the manifests, and what seals them. */
	bag_add(&w, "bagit.txt",
		xstrdup("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
		strlen("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"));
	text = bag_info(&c, &w, contact_name, contact_email, sign ? fp : NULL,
		custody_entries(st, argv[0]));
	bag_add(&w, "bag-info.txt", text, strlen(text));
	bag_payload_manifests(&w);
	{
		struct bag_item *pm = bag_find(&w, "manifest-sha256.txt");
		struct buf who = { 0 }, org1 = { 0 };
		char msha[65];

		/* A tag file the tag manifests seal in turn: it can name the payload manifest. */
		bag_sha256_hex(pm->data, pm->len, msha);
		tag_value(&who, c.analyst);
		tag_value(&org1, c.org);
		buf_adds(&who, "");
		buf_adds(&org1, "");
		text = xasprintf(
			"Certification of a case package (cf. US FRE 902(14))\n"
			"Case: %s\nTool: %s\nAlgorithm: SHA-256\n"
			"Manifest-SHA256: %s\nEvidence-Digest: %s\nExport-Timestamp: %s\n"
			"Exported-By: %s\nOrganization: %s\n"
			"Statement: every payload file of this package is listed with its SHA-256 "
			"in manifest-sha256.txt, whose SHA-256 is given above; "
			"tagmanifest-sha256.txt lists this file and the other tag files. "
			"'casekit verify' prints the SHA-256 of tagmanifest-sha256.txt, which "
			"identifies the whole package.\n",
			c.case_id, PACKAGE_STRING, msha, c.evidence_digest, c.when, who.s, org1.s);
		buf_free(&who);
		buf_free(&org1);
		bag_add(&w, "certification.txt", text, strlen(text));
	}
	bag_tag_manifests(&w);
	if (sign) {
		struct bag_item *t = bag_find(&w, "tagmanifest-sha256.txt");
		char *sig = sign_text(sign, t->data, t->len, fp);

		if (!sig) {
			rc = EX_DATAERR;
			goto done;
		}
		bag_add(&w, SIGN_FILE, sig, strlen(sig));
	}
	top = top_folder(out, argv[0]);
	if ((rc = write_archive(&w, top, out, mtime, sha)))
		goto done;
	if ((rc = store_exec(st, "COMMIT")))
		unlink(out);
	if (!rc && !ck.quiet)
		fprintf(stderr, "casekit export: %s: %s, sha256 %s\n", argv[0], out, sha);
done:
	if (rc)
		store_rollback(st);
	bag_writer_free(&w);
	free(m.v);
	free(r.title);
	free(r.status);
	free(r.opened_at);
	free(top);
	free(dot);
	store_close(st);
	return rc;
}
