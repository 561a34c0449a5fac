/* export.c - a case package for police referral: its files, its seals and its archive */
#include "casekit.h"
#include "bag.h"
#include "export.h"
#include "report.h"
#include "sign.h"
#include "store.h"
#include <openssl/opensslv.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

int export_case_read(struct store *st, const char *id, struct export_case *r)
{
	struct store_stmt *s =
		store_prepare(st, "SELECT title, status, opened_at FROM cases WHERE case_id = ?1");
	int rc;

	memset(r, 0, sizeof(*r));
	if (!s)
		return EX_SOFTWARE;
	store_bind_text(s, 1, id);
	if ((rc = store_step(s)) == STORE_ROW) {
		r->title = xstrdup(store_col_text(s, 0) ? store_col_text(s, 0) : "");
		r->status = xstrdup(store_col_text(s, 1) ? store_col_text(s, 1) : "");
		r->opened_at = xstrdup(store_col_text(s, 2) ? store_col_text(s, 2) : "");
		rc = 0;
	} else if (rc == STORE_DONE) {
		rc = ck_error(EX_NOINPUT, "no case '%s' (see 'casekit case list')", id);
	}
	store_done(s);
	return rc;
}

void export_case_free(struct export_case *r)
{
	free(r->title);
	free(r->status);
	free(r->opened_at);
	memset(r, 0, sizeof(*r));
}

int export_custody_count(struct store *st, const char *id)
{
	struct store_stmt *s = store_prepare(st, "SELECT count(*) FROM custody WHERE case_id = ?1");
	int n = 0;

	if (!s)
		return 0;
	store_bind_text(s, 1, id);
	if (store_step(s) == STORE_ROW)
		n = (int)store_col_int(s, 0);
	store_done(s);
	return n;
}

/* Add a payload file to the bag and to the list the report and the JSON-LD cite. */
static void add_file(struct report_ctx *c, struct bag_writer *w, const char *path, char *data,
	size_t len, const char *mime)
{
	struct report_file *files = (struct report_file *)c->files, *f;

	files = xrealloc(files, (c->nfiles + 1) * sizeof(*files));
	f = &files[c->nfiles++];
	c->files = files;
	f->size = len;
	f->mime = mime;
	bag_sha256_hex(data, len, f->sha256);
	bag_add(w, path, data, len);
	f->path = w->v[w->n - 1].path; /* the bag's copy: path may be the caller's buffer */
}

/* Run fn into memory and add the result as a payload file. */
static int make(struct report_ctx *c, struct bag_writer *w, const char *path, const char *mime,
	int (*fn)(struct report_ctx *, FILE *))
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
	add_file(c, w, path, data, len, mime);
	return 0;
}

/* The cited source rows, as report_sources() hands them over. */
struct adder {
	struct report_ctx *c;
	struct bag_writer *w;
};

static void add_source(void *arg, const char *path, char *data, size_t len)
{
	struct adder *a = arg;
	const char *mime = strcmp(path + strlen(path) - 4, ".txt") == 0 ? "text/plain" : "text/csv";

	add_file(a->c, a->w, path, data, len, mime);
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

int export_payload(struct report_ctx *c, struct bag_writer *w)
{
	struct buf lines = { 0 };
	struct adder a = { c, w };
	struct bag_item *net;
	char *dot, *data = NULL;
	size_t i, len = 0;
	FILE *mem;
	int rc = 0;

	/*
	 * The case's tables are a few rows against millions in the store: with their sizes known
	 * the planner reads orders and listings through the case's keys, where it otherwise
	 * scans a whole table once per account for the report (#15).
	 */
	if ((rc = store_exec(c->st, "ANALYZE temp")))
		return rc;
	/* The payload: tables, graph, custody log, then the report and JSON-LD that cite them. */
	for (i = 0; i < sizeof(tables) / sizeof(*tables) && !rc; i++) {
		data = NULL;
		len = 0;
		if (!(mem = open_memstream(&data, &len)))
			ck_die(EX_OSERR, "open_memstream: %s", strerror(errno));
		rc = report_csv(c, tables[i].section, mem);
		fclose(mem);
		if (rc)
			free(data);
		else
			add_file(c, w, tables[i].file, data, len, "text/csv");
	}
	if (!rc)
		rc = make(c, w, "data/tables/identifiers.csv", "text/csv", report_identifiers_csv);
	if (!rc)
		rc = make(c, w, "data/graph/network.dot", "text/vnd.graphviz", report_dot);
	if (!rc)
		rc = make(c, w, "data/case/custody.log", "text/plain", report_custody);
	if (!rc)
		rc = report_sources(c, add_source, &a);
	if (rc)
		return rc;
	for (i = 0; i < c->nfiles; i++)
		buf_addf(&lines, "%s  %s\n", c->files[i].sha256, c->files[i].path);
	bag_sha256_hex(lines.s, lines.len, c->evidence_digest);
	buf_free(&lines);
	net = bag_find(w, "data/graph/network.dot");
	dot = xstrndup(net->data, net->len);
	data = NULL;
	len = 0;
	if (!(mem = open_memstream(&data, &len)))
		ck_die(EX_OSERR, "open_memstream: %s", strerror(errno));
	rc = report_html(c, dot, mem);
	fclose(mem);
	free(dot);
	if (rc) {
		free(data);
		return rc;
	}
	add_file(c, w, "data/report/report.html", data, len, "text/html");
	return make(c, w, "data/case/case.jsonld", "application/ld+json", report_jsonld);
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

static char *bag_info(struct report_ctx *c, struct bag_writer *w, const struct export_seal *s)
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
	tag(&b, "Contact-Name", s->contact_name);
	if (s->contact_email)
		tag(&b, "Contact-Email", s->contact_email);
	buf_addf(&b, "External-Identifier: %s\n", c->case_id);
	tag(&b, "External-Description: Counterfeit case package", c->title);
	buf_addf(&b, "Bagging-Date: %.10s\n", c->when);
	buf_addf(&b, "Payload-Oxum: %llu.%llu\n", bytes, files);
	buf_addf(&b, "Bag-Size: %s\n", size);
	buf_addf(&b, "Bag-Software-Agent: %s (zlib %s, %s, %s)\n", PACKAGE_STRING, zlibVersion(),
		OPENSSL_VERSION_TEXT, store_engine_of(c->st));
	buf_addf(&b, "BagIt-Profile-Identifier: urn:casekit:profile:case-package:v1\n");
	tag(&b, "Case-Title", c->title);
	buf_addf(&b, "Case-Status: %s\n", c->status);
	if (c->recipient)
		tag(&b, "Case-Referral-Recipient", c->recipient);
	buf_addf(&b, "Export-Timestamp: %s\n", c->when);
	tag(&b, "Exported-By", c->analyst);
	buf_addf(&b, "Custody-Entries: %d\n", s->custody_entries);
	buf_addf(&b, "Custody-Entry: %lld %s\n", c->export_seq, c->export_hash);
	buf_addf(&b, "Store-Digest: %s\n", c->store_digest);
	buf_addf(&b, "Buyer-Data: %s\n",
		c->redact ? "pseudonymised (HMAC-SHA-256 under the store's pseudonym key)"
			  : "included");
	if (s->fingerprint) {
		buf_addf(&b, "Signature-File: %s\n", SIGN_FILE);
		buf_addf(&b, "Signature-Key-Fingerprint: %s\n", s->fingerprint);
	}
	return buf_detach(&b);
}

void export_seal(struct report_ctx *c, struct bag_writer *w, const struct export_seal *s)
{
	static const char bagit[] = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
	struct buf who = { 0 }, org = { 0 };
	struct bag_item *pm;
	char msha[65], *text;

	bag_add(w, "bagit.txt", xstrdup(bagit), strlen(bagit));
	text = bag_info(c, w, s);
	bag_add(w, "bag-info.txt", text, strlen(text));
	bag_payload_manifests(w);
	/* A tag file the tag manifests seal in turn: it can name the payload manifest. */
	pm = bag_find(w, "manifest-sha256.txt");
	bag_sha256_hex(pm->data, pm->len, msha);
	tag_value(&who, c->analyst);
	tag_value(&org, c->org);
	buf_adds(&who, "");
	buf_adds(&org, "");
	text = xasprintf("Certification of a case package (cf. US FRE 902(14))\n"
			 "Case: %s\nTool: %s\nAlgorithm: SHA-256\n"
			 "Manifest-SHA256: %s\nEvidence-Digest: %s\nExport-Timestamp: %s\n"
			 "Exported-By: %s\nOrganization: %s\n"
			 "Statement: every payload file of this package is listed with its SHA-256 "
			 "in manifest-sha256.txt, whose SHA-256 is given above; "
			 "tagmanifest-sha256.txt lists this file and the other tag files. "
			 "'casekit verify' prints the SHA-256 of tagmanifest-sha256.txt, which "
			 "identifies the whole package.\n",
		c->case_id, PACKAGE_STRING, msha, c->evidence_digest, c->when, who.s, org.s);
	buf_free(&who);
	buf_free(&org);
	bag_add(w, "certification.txt", text, strlen(text));
	bag_tag_manifests(w);
}

long long export_epoch(const char *iso)
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
char *export_top_folder(const char *out, const char *case_id)
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

/* Write the archive beside out and rename it into place, so a failure leaves nothing. */
int export_write_archive(
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
