/* report.c - the files of a case package: CSV tables, DOT graph, HTML report, JSON-LD */
#include "casekit.h"
#include "report.h"
#include <openssl/evp.h>
#include <sqlite3.h>
#ifdef HAVE_GVC
#include <gvc.h>
#endif

#ifdef __SANITIZE_ADDRESS__
/*
 * libgvc and the fontconfig it loads keep caches for the life of the process: not leaks of
 * ours, so LeakSanitizer is told to pass over them (it calls this when present).
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libgvc.so\nleak:libcgraph.so\nleak:libpango\n"
	       "leak:libcairo\nleak:libgvplugin\n";
}
#endif

static sqlite3_stmt *prep(struct report_ctx *c, const char *sql)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(store_db(c->st), sql, -1, &s, NULL) != SQLITE_OK) {
		store_error(c->st, "report");
		return NULL;
	}
	if (sqlite3_bind_parameter_count(s) > 0)
		sqlite3_bind_text(s, 1, c->case_id, -1, SQLITE_STATIC);
	return s;
}

static int stmt_csv(struct report_ctx *c, sqlite3_stmt *s, FILE *fp)
{
	struct out *o = out_open_stmt(fp, OUT_CSV, s);

	/* the package's tables are opened in spreadsheets: no cell may run as a formula */
	out_set_guard(o);
	return out_stmt_all(o, s, c->st, "report");
}

int report_csv(struct report_ctx *c, const char *section, FILE *fp)
{
	sqlite3_stmt *s = prep(c, case_section_sql(section, NULL));

	return s ? stmt_csv(c, s, fp) : EX_SOFTWARE;
}

int report_identifiers_csv(struct report_ctx *c, FILE *fp)
{
	sqlite3_stmt *s = prep(c,
		"SELECT i.holder_kind, i.holder_id, i.kind, i.value, i.raw, i.flags, i.field, "
		"so.path AS file, i.line FROM identifiers i "
		"LEFT JOIN sources so ON so.source_id = i.source_id "
		"WHERE (i.holder_kind = 'seller' AND i.holder_id IN (SELECT seller_id FROM "
		"case_sellers)) OR (i.holder_kind = 'party' AND i.holder_id IN (SELECT party_id "
		"FROM case_parties)) ORDER BY i.holder_kind, i.holder_id, i.kind, i.value, i.ident_id");

	return s ? stmt_csv(c, s, fp) : EX_SOFTWARE;
}

/*
 * DOT ids and labels: quoted, with quotes and backslashes escaped, and a leading ' before
 * text a spreadsheet would run as a formula (as in the CSV tables).
 */
static void dot_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	if (s && out_is_formula(s, strlen(s)))
		fputc('\'', fp);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

static const char *col(sqlite3_stmt *s, int i)
{
	const char *v = (const char *)sqlite3_column_text(s, i);

	return v ? v : "";
}

int report_dot(struct report_ctx *c, FILE *fp)
{
	sqlite3_stmt *s;

	fputs("digraph network {\n\tgraph [rankdir=LR, fontname=\"Helvetica\"];\n"
	      "\tnode [fontname=\"Helvetica\", fontsize=10];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=9];\n",
		fp);
	if (!(s = prep(c,
		      "SELECT c.seller_id, coalesce(s.shop_name, ''), "
		      "(SELECT count(*) FROM case_listings l WHERE l.seller_id = c.seller_id) "
		      "FROM case_sellers c LEFT JOIN sellers s ON s.seller_id = c.seller_id "
		      "ORDER BY c.seller_id")))
		return EX_SOFTWARE;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char *label = xasprintf("%s\n%s", col(s, 0), col(s, 1));
		char *id = xasprintf("seller:%s", col(s, 0));

		fputc('\t', fp);
		dot_str(fp, id);
		free(id);
		fputs(" [shape=box, style=filled, fillcolor=", fp);
		fputs(sqlite3_column_int(s, 2) ? "\"#f4c7c3\"" : "\"#e8eef7\"", fp);
		fputs(", label=", fp);
		dot_str(fp, label);
		fputs("];\n", fp);
		free(label);
	}
	sqlite3_finalize(s);
	if (!(s = prep(c,
		      "SELECT c.party_id, coalesce(p.name, ''), coalesce(p.kind, 'party') "
		      "FROM case_parties c LEFT JOIN parties p ON p.party_id = c.party_id "
		      "ORDER BY c.party_id")))
		return EX_SOFTWARE;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char *id = xasprintf("party:%s", col(s, 0));
		char *label = xasprintf("%s\n%s (%s)", col(s, 0), col(s, 1), col(s, 2));

		fputc('\t', fp);
		dot_str(fp, id);
		fputs(" [shape=ellipse, style=filled, fillcolor=\"#fde9b5\", label=", fp);
		dot_str(fp, label);
		fputs("];\n", fp);
		free(id);
		free(label);
	}
	sqlite3_finalize(s);
	/* Link evidence: one undirected edge per piece. */
	if (!(s = prep(c,
		      "SELECT seller_a, seller_b, kind, comparator FROM case_edges "
		      "ORDER BY edge_id, kind, seller_a, seller_b")))
		return EX_SOFTWARE;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char *a = xasprintf("seller:%s", col(s, 0)), *b = xasprintf("seller:%s", col(s, 1));

		fputc('\t', fp);
		dot_str(fp, a);
		fputs(" -> ", fp);
		dot_str(fp, b);
		fputs(" [dir=none, color=\"#b3261e\", label=", fp);
		dot_str(fp, col(s, 2));
		if (strcmp(col(s, 3), "exact") != 0)
			fputs(", style=dashed", fp);
		fputs("];\n", fp);
		free(a);
		free(b);
	}
	sqlite3_finalize(s);
	/* Goods: shipments from upstream parties to members or to other upstream parties. */
	if (!(s = prep(c,
		      "SELECT sh.from_id, CASE WHEN sh.to_id IN (SELECT seller_id FROM "
		      "case_sellers) THEN 'seller:' ELSE 'party:' END || sh.to_id, count(*), "
		      "coalesce(sum(sh.quantity), 0) FROM shipments sh "
		      "WHERE sh.from_id IN (SELECT party_id FROM case_parties) AND "
		      "(sh.to_id IN (SELECT seller_id FROM case_sellers) OR "
		      "sh.to_id IN (SELECT party_id FROM case_parties)) "
		      "GROUP BY 1, 2 ORDER BY 1, 2")))
		return EX_SOFTWARE;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char *a = xasprintf("party:%s", col(s, 0));
		char *label = xasprintf("%s, %s",
			ck_count(sqlite3_column_int64(s, 2), "shipment", "shipments"),
			ck_count(sqlite3_column_int64(s, 3), "unit", "units"));

		fputc('\t', fp);
		dot_str(fp, a);
		fputs(" -> ", fp);
		dot_str(fp, col(s, 1));
		fputs(" [color=\"#8a6d1d\", label=", fp);
		dot_str(fp, label);
		fputs("];\n", fp);
		free(a);
		free(label);
	}
	sqlite3_finalize(s);
	fputs("}\n", fp);
	return 0;
}

int report_custody(struct report_ctx *c, FILE *fp)
{
	sqlite3_stmt *s = prep(c,
		"SELECT seq, at, action, analyst, version, store_digest, "
		"command, detail, hash FROM custody WHERE case_id = ?1 ORDER BY seq");

	if (!s)
		return EX_SOFTWARE;
	fprintf(fp,
		"# custody log of %s: seq, UTC time, action, analyst, version, "
		"store digest (SHA-256), command line, detail, entry hash; tab-separated; "
		"the last entry is this export\n",
		c->case_id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		int i;

		for (i = 0; i < 9; i++) {
			const char *v = col(s, i);

			if (i)
				fputc('\t', fp);
			for (; *v; v++)
				fputc(*v == '\t' || *v == '\n' ? ' ' : *v, fp);
		}
		fputc('\n', fp);
	}
	sqlite3_finalize(s);
	return 0;
}

/* HTML. */

#define REPORT_MAX_DRAWN 200

static void h(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}

/* A table of a query's rows; empty shows a note. */
static int html_table(struct report_ctx *c, FILE *fp, const char *sql, const char *empty)
{
	sqlite3_stmt *s = prep(c, sql);
	int i, n = 0, rc;

	if (!s)
		return EX_SOFTWARE;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n++ == 0) {
			fputs("<table>\n<thead><tr>", fp);
			for (i = 0; i < sqlite3_column_count(s); i++) {
				fputs("<th>", fp);
				h(fp, sqlite3_column_name(s, i));
				fputs("</th>", fp);
			}
			fputs("</tr></thead>\n<tbody>\n", fp);
		}
		fputs("<tr>", fp);
		for (i = 0; i < sqlite3_column_count(s); i++) {
			int num = sqlite3_column_type(s, i) == SQLITE_INTEGER ||
				sqlite3_column_type(s, i) == SQLITE_FLOAT;

			fputs(num ? "<td class=\"n\">" : "<td>", fp);
			h(fp, col(s, i));
			fputs("</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(c->st, "report");
	if (n)
		fputs("</tbody>\n</table>\n", fp);
	else
		fprintf(fp, "<p class=\"none\">%s</p>\n", empty);
	return 0;
}

static long long count(struct report_ctx *c, const char *sql)
{
	sqlite3_stmt *s = prep(c, sql);
	long long n = 0;

	if (s && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void picture(FILE *fp, const char *dot)
{
#ifdef HAVE_GVC
	GVC_t *gvc;
	Agraph_t *g;
	char *svg = NULL;
	unsigned int len = 0;

	gvc = gvContext();
	g = agmemread(dot);
	if (g && gvLayout(gvc, g, "dot") == 0 && gvRenderData(gvc, g, "svg", &svg, &len) == 0 &&
		svg) {
		/* Drop the XML prolog and DOCTYPE: the SVG goes inline in HTML. */
		const char *start = strstr(svg, "<svg");

		fputs("<div class=\"graph\">\n", fp);
		if (start)
			fwrite(start, 1, len - (size_t)(start - svg), fp);
		fputs("</div>\n", fp);
		gvFreeRenderData(svg);
		gvFreeLayout(gvc, g);
		agclose(g);
		gvFreeContext(gvc);
		return;
	}
	if (g)
		agclose(g);
	gvFreeContext(gvc);
#endif
	fputs("<p>The network in Graphviz DOT (render with <code>dot -Tsvg</code>):</p>\n<pre>",
		fp);
	h(fp, dot);
	fputs("</pre>\n", fp);
}

static const char css[] =
	"body{font:14px/1.45 Helvetica,Arial,sans-serif;color:#1b1b1b;margin:2em auto;"
	"max-width:70em;padding:0 1em}\n"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:2px solid #1b1b1b;"
	"margin-top:2em;padding-bottom:.2em}\n"
	"table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:12px}\n"
	"th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}\n"
	"th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	".glance{display:flex;flex-wrap:wrap;gap:.6em}.glance div{border:1px solid #bbb;"
	"padding:.5em .8em;min-width:8em}.glance b{display:block;font-size:1.5em}\n"
	".value{font-size:1.3em}.none{color:#666;font-style:italic}\n"
	".graph svg{max-width:100%;height:auto}pre{background:#f6f6f6;padding:.8em;overflow:auto;"
	"font-size:11px}\n"
	".cert{border:2px solid #1b1b1b;padding:1em;margin-top:2em;page-break-inside:avoid}\n"
	".cert code{word-break:break-all}ul.tree{list-style:none;padding-left:1.2em}\n"
	"ul.tree li:before{content:'\\2190  ';color:#8a6d1d}\n"
	"@media print{body{margin:0;max-width:none;font-size:11px}h2{page-break-after:avoid}"
	"tr{page-break-inside:avoid}a{color:inherit;text-decoration:none}}\n";

/* The upstream tree: each party under whoever it ships to, depth first. */
static void tree(struct report_ctx *c, FILE *fp, const char *to, int depth, int limit)
{
	sqlite3_stmt *s;

	if (depth > limit)
		return;
	if (!(s = prep(c,
		      "SELECT DISTINCT sh.from_id, coalesce(p.name, ''), coalesce(p.kind, ''), "
		      "(SELECT count(*) FROM shipments x WHERE x.from_id = sh.from_id AND "
		      "x.to_id = ?2), (SELECT coalesce(sum(quantity), 0) FROM shipments x WHERE "
		      "x.from_id = sh.from_id AND x.to_id = ?2) "
		      "FROM shipments sh JOIN case_parties c ON c.party_id = sh.from_id "
		      "LEFT JOIN parties p ON p.party_id = sh.from_id WHERE sh.to_id = ?2 "
		      "AND c.depth = ?3 ORDER BY sh.from_id")))
		return;
	sqlite3_bind_text(s, 2, to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 3, depth);
	while (sqlite3_step(s) == SQLITE_ROW) {
		char *id = xstrdup(col(s, 0));

		fputs("<ul class=\"tree\"><li><b>", fp);
		h(fp, id);
		fputs("</b> ", fp);
		h(fp, col(s, 1));
		fputs(" <i>", fp);
		h(fp, col(s, 2));
		fprintf(fp, "</i>: %s, %s",
			ck_count(sqlite3_column_int64(s, 3), "shipment", "shipments"),
			ck_count(sqlite3_column_int64(s, 4), "unit", "units"));
		tree(c, fp, id, depth + 1, limit);
		fputs("</li></ul>\n", fp);
		free(id);
	}
	sqlite3_finalize(s);
}

int report_html(struct report_ctx *c, const char *dot, FILE *fp)
{
	sqlite3_stmt *s;
	size_t i;
	int rc;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", fp);
	fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", fp);
	fputs("<title>", fp);
	h(fp, c->case_id);
	fputs(": ", fp);
	h(fp, c->title);
	fprintf(fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
	fputs("<h1>", fp);
	h(fp, c->case_id);
	fputs(": ", fp);
	h(fp, c->title);
	fputs("</h1>\n<p>Counterfeit case package exported ", fp);
	h(fp, c->when);
	fputs(" by ", fp);
	h(fp, c->analyst);
	fputs(" of ", fp);
	h(fp, c->org);
	if (c->recipient) {
		fputs(" for ", fp);
		h(fp, c->recipient);
	}
	fputs(". Case status: ", fp);
	h(fp, c->status);
	fputs(", opened ", fp);
	h(fp, c->opened_at);
	fputs(".", fp);
	if (c->redact)
		fputs(" Buyers' personal data is pseudonymised (keyed hash).", fp);
	fputs("</p>\n", fp);

	fputs("<h2>At a glance</h2>\n<div class=\"glance\">\n", fp);
	{
		static const struct {
			const char *label, *sql;
		} g[] = {
			{ "networks", "SELECT count(DISTINCT network_id) FROM case_sellers" },
			{ "seller accounts", "SELECT count(*) FROM case_sellers" },
			{ "flagged listings", "SELECT count(*) FROM case_listings" },
			{ "orders", "SELECT count(*) FROM case_orders" },
			{ "test buys", "SELECT count(*) FROM case_testbuys" },
			{ "takedowns", "SELECT count(*) FROM case_takedowns" },
			{ "upstream parties", "SELECT count(*) FROM case_parties" },
			{ "link evidence", "SELECT count(*) FROM case_edges" },
		};
		for (i = 0; i < sizeof(g) / sizeof(*g); i++)
			fprintf(fp, "<div><b>%lld</b>%s</div>\n", count(c, g[i].sql), g[i].label);
	}
	fputs("</div>\n", fp);

	fputs("<h2>Value</h2>\n<p>The orders of the flagged listings, cancelled and refunded "
	      "orders left out, summed per currency.</p>\n",
		fp);
	if (!(s = prep(c, case_section_sql("value", NULL))))
		return EX_SOFTWARE;
	fputs("<table>\n<thead><tr><th>currency</th><th>orders</th><th>value</th></tr></thead>\n"
	      "<tbody>\n",
		fp);
	while (sqlite3_step(s) == SQLITE_ROW) {
		fputs("<tr><td>", fp);
		h(fp, col(s, 0));
		fprintf(fp, "</td><td class=\"n\">%lld</td><td class=\"n value\">",
			sqlite3_column_int64(s, 1));
		h(fp, col(s, 2));
		fputc(' ', fp);
		h(fp, col(s, 0));
		fputs("</td></tr>\n", fp);
	}
	sqlite3_finalize(s);
	fputs("</tbody>\n</table>\n", fp);

	fputs("<h2>The network</h2>\n", fp);
	{
		long long nodes = count(c,
			"SELECT (SELECT count(*) FROM case_sellers) + "
			"(SELECT count(*) FROM case_parties)");

		/* A picture of hundreds of accounts is unreadable and slow to lay out. */
		if (nodes > REPORT_MAX_DRAWN) {
			fprintf(fp,
				"<p>%lld accounts and parties are too many to draw legibly; the "
				"network is in <code>data/graph/network.dot</code> (Graphviz), "
				"its networks below.</p>\n",
				nodes);
			if ((rc = html_table(c, fp,
				     "SELECT coalesce(network_id, '(none)') AS network, count(*) AS "
				     "sellers, (SELECT count(*) FROM case_listings l JOIN case_sellers "
				     "m ON m.seller_id = l.seller_id WHERE m.network_id IS "
				     "s.network_id) AS flagged_listings FROM case_sellers s "
				     "GROUP BY network_id ORDER BY count(*) DESC, network_id",
				     "")))
				return rc;
		} else {
			fputs("<p>Seller accounts (boxes; red: with flagged listings), joined by shared "
			      "identifiers (red lines; dashed: fuzzy), and the upstream parties that "
			      "ship to them (yellow).</p>\n",
				fp);
			picture(fp, dot);
		}
	}

	fputs("<h2>Upstream</h2>\n", fp);
	if (count(c, "SELECT count(*) FROM case_parties") == 0) {
		fputs("<p class=\"none\">No shipments lead upstream from these sellers.</p>\n", fp);
	} else {
		if (!(s = prep(c, "SELECT seller_id FROM case_sellers ORDER BY seller_id")))
			return EX_SOFTWARE;
		while (sqlite3_step(s) == SQLITE_ROW) {
			char *id = xstrdup(col(s, 0));

			fputs("<div>", fp);
			h(fp, "seller ");
			h(fp, id);
			tree(c, fp, id, 1, 4);
			fputs("</div>\n", fp);
			free(id);
		}
		sqlite3_finalize(s);
		if ((rc = html_table(c, fp, case_section_sql("parties", NULL), "")))
			return rc;
	}

	fputs("<h2>Findings</h2>\n<p>Each finding with its grade: source reliability A (always "
	      "reliable) to E (untested), information confidence 1 (known to be true) to 5 "
	      "(suspected false), and after the slash the handling code (5x5x5); the rule or "
	      "analyst that set it; and the source row it rests on.</p>\n",
		fp);
	if ((rc = html_table(c, fp, case_section_sql("findings", NULL), "No findings.")))
		return rc;
	fputs("<h2>Timeline</h2>\n", fp);
	if ((rc = html_table(c, fp, case_section_sql("timeline", NULL), "No dated events.")))
		return rc;
	fputs("<h2>Seller accounts</h2>\n", fp);
	if ((rc = html_table(c, fp, case_section_sql("sellers", NULL), "No sellers.")))
		return rc;
	fputs("<h2>Flagged listings</h2>\n", fp);
	if ((rc = html_table(c, fp, case_section_sql("listings", NULL), "No flagged listings.")))
		return rc;
	fputs("<h2>Test buys</h2>\n", fp);
	if ((rc = html_table(c, fp, case_section_sql("testbuys", NULL), "No test buys.")))
		return rc;
	fputs("<h2>Link evidence</h2>\n", fp);
	if ((rc = html_table(c, fp, case_section_sql("links", NULL),
		     "No link evidence (casekit link has not joined these sellers).")))
		return rc;
	fputs("<h2>Notes</h2>\n", fp);
	if ((rc = html_table(c, fp, case_section_sql("notes", NULL), "No notes.")))
		return rc;

	fputs("<div class=\"cert\">\n<h2>Certification</h2>\n<p>This package was produced by "
	      "<b>" PACKAGE_STRING "</b> as a BagIt 1.0 bag (RFC 8493). Every file is listed with "
	      "its SHA-256 and SHA-512 in <code>manifest-sha256.txt</code> and "
	      "<code>manifest-sha512.txt</code>; the tag files, among them "
	      "<code>certification.txt</code>, which states the SHA-256 of "
	      "<code>manifest-sha256.txt</code>, in <code>tagmanifest-sha256.txt</code> and "
	      "<code>tagmanifest-sha512.txt</code>. <code>casekit verify</code> prints the "
	      "SHA-256 of <code>tagmanifest-sha256.txt</code>, which identifies the whole package "
	      "(this report is sealed by those files, so it cannot state their digests).</p>\n"
	      "<p>Algorithm: SHA-256. Evidence digest (SHA-256 over the lines "
	      "<i>sha256&nbsp;&nbsp;path</i> of the files below, as in the manifest): <code>",
		fp);
	h(fp, c->evidence_digest);
	fputs("</code><br>Store state digest: <code>", fp);
	h(fp, c->store_digest);
	fputs("</code></p>\n<table>\n<thead><tr><th>file</th><th>bytes</th><th>SHA-256</th>"
	      "</tr></thead>\n<tbody>\n",
		fp);
	for (i = 0; i < c->nfiles; i++) {
		fputs("<tr><td>", fp);
		h(fp, c->files[i].path);
		fprintf(fp, "</td><td class=\"n\">%zu</td><td><code>%s</code></td></tr>\n",
			c->files[i].size, c->files[i].sha256);
	}
	fputs("</tbody>\n</table>\n<p>Check it with <code>casekit verify PACKAGE.tar.gz</code>, "
	      "or any BagIt validator, or <code>sha256sum -c manifest-sha256.txt</code> in the "
	      "unpacked folder.</p>\n</div>\n</body>\n</html>\n",
		fp);
	return 0;
}

/* JSON-LD. Every node gets a stable id: UUIDv5 in a namespace made from the case id. */

static void uuid5(const unsigned char ns[16], const char *name, unsigned char out[16])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned n;
	EVP_MD_CTX *m = EVP_MD_CTX_new();

	if (!m || EVP_DigestInit_ex(m, EVP_sha1(), NULL) != 1)
		ck_bug("sha1");
	EVP_DigestUpdate(m, ns, 16);
	EVP_DigestUpdate(m, name, strlen(name));
	EVP_DigestFinal_ex(m, d, &n);
	EVP_MD_CTX_free(m);
	memcpy(out, d, 16);
	out[6] = (unsigned char)((out[6] & 0x0f) | 0x50);
	out[8] = (unsigned char)((out[8] & 0x3f) | 0x80);
}

/* The RFC 4122 URL namespace. */
static const unsigned char ns_url[16] = { 0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80,
	0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };

struct ld {
	FILE *fp;
	unsigned char ns[16];
	int first;
};

static void ld_id(struct ld *l, const char *kind, const char *key)
{
	unsigned char u[16];
	char *name = xasprintf("%s:%s", kind, key);

	uuid5(l->ns, name, u);
	fprintf(l->fp,
		"\"kb:%s-%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x\"",
		kind, u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		u[12], u[13], u[14], u[15]);
	free(name);
}

static void js(struct ld *l, const char *s)
{
	out_json_string(l->fp, s ? s : "", s ? strlen(s) : 0);
}

static void ld_ref(struct ld *l, const char *kind, const char *key)
{
	fputs("{\"@id\":", l->fp);
	ld_id(l, kind, key);
	fputc('}', l->fp);
}

static void node_start(struct ld *l, const char *kind, const char *key, const char *type)
{
	fputs(l->first ? "\n" : ",\n", l->fp);
	l->first = 0;
	fputs("{\"@id\":", l->fp);
	ld_id(l, kind, key);
	fprintf(l->fp, ",\"@type\":\"%s\"", type);
}

static void prop(struct ld *l, const char *name, const char *v)
{
	fprintf(l->fp, ",\"%s\":", name);
	js(l, v);
}

static void when(struct ld *l, const char *name, const char *t)
{
	fprintf(l->fp, ",\"%s\":{\"@type\":\"xsd:dateTime\",\"@value\":", name);
	js(l, t);
	fputc('}', l->fp);
}

int report_jsonld(struct report_ctx *c, FILE *fp)
{
	struct ld l;
	sqlite3_stmt *s;
	size_t i;
	int nact = 0;
	char *prev = NULL;

	memset(&l, 0, sizeof(l));
	l.fp = fp;
	l.first = 1;
	{
		unsigned char root[16];
		char *n = xasprintf("urn:casekit:case:%s", c->case_id);

		uuid5(ns_url, "urn:casekit", root);
		uuid5(root, n, l.ns);
		free(n);
	}
	fputs("{\"@context\":{"
	      "\"kb\":\"urn:casekit:kb:\","
	      "\"case-investigation\":\"https://ontology.caseontology.org/case/investigation/\","
	      "\"uco-action\":\"https://ontology.unifiedcyberontology.org/uco/action/\","
	      "\"uco-core\":\"https://ontology.unifiedcyberontology.org/uco/core/\","
	      "\"uco-identity\":\"https://ontology.unifiedcyberontology.org/uco/identity/\","
	      "\"uco-observable\":\"https://ontology.unifiedcyberontology.org/uco/observable/\","
	      "\"uco-tool\":\"https://ontology.unifiedcyberontology.org/uco/tool/\","
	      "\"uco-types\":\"https://ontology.unifiedcyberontology.org/uco/types/\","
	      "\"xsd\":\"http://www.w3.org/2001/XMLSchema#\"},\n\"@graph\":[",
		fp);

	/* The investigation and what it holds. */
	node_start(&l, "investigation", c->case_id, "case-investigation:Investigation");
	prop(&l, "uco-core:name", c->case_id);
	prop(&l, "uco-core:description", c->title);
	prop(&l, "case-investigation:focus", "counterfeit goods sold on an online marketplace");
	prop(&l, "case-investigation:investigationForm", "case");
	prop(&l, "case-investigation:investigationStatus", c->status);
	when(&l, "uco-core:startTime", c->opened_at);
	fputs(",\"uco-core:object\":[", fp);
	if (!(s = prep(c, "SELECT seller_id FROM case_sellers ORDER BY seller_id")))
		return EX_SOFTWARE;
	for (i = 0; sqlite3_step(s) == SQLITE_ROW; i++) {
		if (i)
			fputc(',', fp);
		ld_ref(&l, "account", col(s, 0));
	}
	sqlite3_finalize(s);
	for (size_t k = 0; k < c->nfiles; k++) {
		if (i++)
			fputc(',', fp);
		ld_ref(&l, "file", c->files[k].path);
	}
	fputs("]}", fp);

	/* The tool, and the marketplace that issued the accounts. */
	node_start(&l, "tool", "casekit", "uco-tool:Tool");
	prop(&l, "uco-core:name", PACKAGE_NAME);
	prop(&l, "uco-tool:version", PACKAGE_VERSION);
	fputs("}", fp);
	if (!(s = prep(c,
		      "SELECT DISTINCT coalesce(s.platform, 'unknown') FROM case_sellers c "
		      "LEFT JOIN sellers s ON s.seller_id = c.seller_id ORDER BY 1")))
		return EX_SOFTWARE;
	while (sqlite3_step(s) == SQLITE_ROW) {
		node_start(&l, "organization", col(s, 0), "uco-identity:Organization");
		prop(&l, "uco-core:name", col(s, 0));
		fputs("}", fp);
	}
	sqlite3_finalize(s);

	/* A DigitalAccount per seller. */
	if (!(s = prep(c,
		      "SELECT c.seller_id, coalesce(s.platform, 'unknown'), s.shop_name, "
		      "s.status, s.registered_at FROM case_sellers c "
		      "LEFT JOIN sellers s ON s.seller_id = c.seller_id ORDER BY c.seller_id")))
		return EX_SOFTWARE;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *id = col(s, 0);

		node_start(&l, "account", id, "uco-observable:DigitalAccount");
		fputs(",\"uco-core:hasFacet\":[{\"@id\":", fp);
		ld_id(&l, "account-facet", id);
		fputs(",\"@type\":\"uco-observable:AccountFacet\"", fp);
		prop(&l, "uco-observable:accountIdentifier", id);
		fputs(",\"uco-observable:accountIssuer\":", fp);
		ld_ref(&l, "organization", col(s, 1));
		prop(&l, "uco-observable:accountType", "marketplace seller");
		fprintf(fp, ",\"uco-observable:isActive\":%s",
			strcmp(col(s, 3), "active") == 0 ? "true" : "false");
		if (sqlite3_column_type(s, 4) != SQLITE_NULL)
			when(&l, "uco-observable:observableCreatedTime", col(s, 4));
		fputs("},{\"@id\":", fp);
		ld_id(&l, "digital-account-facet", id);
		fputs(",\"@type\":\"uco-observable:DigitalAccountFacet\"", fp);
		prop(&l, "uco-observable:displayName", col(s, 2));
		fputs("}]}", fp);
	}
	sqlite3_finalize(s);

	/* A Relationship per piece of link evidence. */
	if (!(s = prep(c,
		      "SELECT edge_id, seller_a, seller_b, kind, value, comparator, file_a, "
		      "line_a, file_b, line_b FROM case_edges ORDER BY edge_id, kind")))
		return EX_SOFTWARE;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char *key = xasprintf("%s:%s", col(s, 0), col(s, 3));
		char *desc = xasprintf("shared %s (%s match): %s line %s and %s line %s", col(s, 3),
			col(s, 5), col(s, 6), col(s, 7), col(s, 8), col(s, 9));

		node_start(&l, "relationship", key, "uco-observable:ObservableRelationship");
		fputs(",\"uco-core:source\":[", fp);
		ld_ref(&l, "account", col(s, 1));
		fputs("],\"uco-core:target\":", fp);
		ld_ref(&l, "account", col(s, 2));
		fputs(",\"uco-core:isDirectional\":false", fp);
		prop(&l, "uco-core:kindOfRelationship", "Related_To");
		prop(&l, "uco-core:description", desc);
		fputs("}", fp);
		free(key);
		free(desc);
	}
	sqlite3_finalize(s);

	/* The payload files with their hashes. */
	for (i = 0; i < c->nfiles; i++) {
		const struct report_file *f = &c->files[i];
		const char *base = strrchr(f->path, '/');

		node_start(&l, "file", f->path, "uco-observable:File");
		fputs(",\"uco-core:hasFacet\":[{\"@id\":", fp);
		ld_id(&l, "file-facet", f->path);
		fputs(",\"@type\":\"uco-observable:FileFacet\"", fp);
		prop(&l, "uco-observable:fileName", base ? base + 1 : f->path);
		prop(&l, "uco-observable:filePath", f->path);
		fprintf(fp, ",\"uco-observable:sizeInBytes\":%zu},{\"@id\":", f->size);
		ld_id(&l, "content-facet", f->path);
		fputs(",\"@type\":\"uco-observable:ContentDataFacet\"", fp);
		prop(&l, "uco-observable:mimeType", f->mime);
		fprintf(fp,
			",\"uco-observable:sizeInBytes\":%zu,\"uco-observable:hash\":[{\"@id\":",
			f->size);
		ld_id(&l, "hash", f->path);
		fputs(",\"@type\":\"uco-types:Hash\",\"uco-types:hashMethod\":\"SHA256\","
		      "\"uco-types:hashValue\":{\"@type\":\"xsd:hexBinary\",\"@value\":",
			fp);
		js(&l, f->sha256);
		fputs("}}]}]}", fp);
	}

	/* Who acted, once each. */
	if (!(s = prep(c,
		      "SELECT analyst FROM custody WHERE case_id = ?1 UNION SELECT ?2 ORDER BY 1")))
		return EX_SOFTWARE;
	sqlite3_bind_text(s, 2, c->analyst, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW) {
		node_start(&l, "person", col(s, 0), "uco-identity:Person");
		prop(&l, "uco-core:name", col(s, 0));
		fputs("}", fp);
	}
	sqlite3_finalize(s);

	/* The custody log: one InvestigativeAction each, chained by ProvenanceRecords. */
	if (!(s = prep(c,
		      "SELECT seq, at, action, analyst, detail FROM custody "
		      "WHERE case_id = ?1 ORDER BY seq")))
		return EX_SOFTWARE;
	while (sqlite3_step(s) == SQLITE_ROW) {
		char seq[24], *exhibit;
		const char *action = col(s, 2), *at = col(s, 1), *who = col(s, 3);
		const char *detail = col(s, 4);
		/* The export's entry is this package: its record names the files. */
		int this = sqlite3_column_int64(s, 0) == c->export_seq;

		snprintf(seq, sizeof(seq), "%lld", sqlite3_column_int64(s, 0));
		node_start(&l, "action", seq, "case-investigation:InvestigativeAction");
		prop(&l, "uco-core:name", action);
		if (detail && *detail)
			prop(&l, "uco-core:description", detail);
		when(&l, "uco-action:startTime", at);
		when(&l, "uco-action:endTime", at);
		fputs(",\"uco-action:performer\":", fp);
		ld_ref(&l, "person", who);
		fputs(",\"uco-action:instrument\":", fp);
		ld_ref(&l, "tool", "casekit");
		if (prev) {
			fputs(",\"uco-action:object\":[", fp);
			ld_ref(&l, "provenance", prev);
			fputs("]", fp);
		}
		fputs(",\"uco-action:result\":[", fp);
		ld_ref(&l, "provenance", seq);
		fputs("]}", fp);
		exhibit = xasprintf("%s-%02d", c->case_id, ++nact);
		node_start(&l, "provenance", seq, "case-investigation:ProvenanceRecord");
		prop(&l, "case-investigation:exhibitNumber", exhibit);
		prop(&l, "case-investigation:rootExhibitNumber", c->case_id);
		fputs(",\"uco-core:object\":[", fp);
		ld_ref(&l, "investigation", c->case_id);
		if (this)
			for (i = 0; i < c->nfiles; i++) {
				fputc(',', fp);
				ld_ref(&l, "file", c->files[i].path);
			}
		fputs("]}", fp);
		free(exhibit);
		free(prev);
		prev = xstrdup(seq);
	}
	sqlite3_finalize(s);
	free(prev);
	fputs("\n]}\n", fp);
	return 0;
}
