/* report.c - the files of a case package: CSV tables, DOT graph, HTML report, JSON-LD */
#include "casekit.h"
#include "case.h"
#include "csvio.h"
#include "money.h"
#include "output.h"
#include "profile.h"
#include "report.h"
#include "store.h"
#include <fcntl.h>
#include <openssl/evp.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef HAVE_GVC
#include <gvc.h>
#endif

#ifdef __SANITIZE_ADDRESS__
/*
 * libgvc and the fontconfig it loads keep caches for the life of the process: not leaks of
 * ours, so LeakSanitizer is told to pass over them (it calls these when present).
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\nleak:libgvc.so\nleak:libcgraph.so\nleak:libpango\n"
	       "leak:libcairo\nleak:libgvplugin\n";
}

/* Nor is their count: a summary of them on stderr would vary from run to run. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

static struct store_stmt *prep(struct report_ctx *c, const char *sql)
{
	struct store_stmt *s = store_prepare(c->st, sql);

	if (s)
		store_bind_text(s, 1, c->case_id);
	return s;
}

static const char *col(struct store_stmt *s, int i)
{
	const char *v = store_col_text(s, i);

	return v ? v : "";
}

/*
 * Write a query's rows as CSV. A payment's keyed hash (value "v1:..." where kind is payment)
 * is of no use to police, who cannot take it to a bank: it is given masked, as the platform
 * showed it (****1234); the platform record to request is in the row's file and line.
 */
static int stmt_csv(struct report_ctx *c, struct store_stmt *s, FILE *fp)
{
	struct out *o = out_open_query(fp, OUT_CSV, s);
	struct store_stmt *mask = NULL;
	int i, n = store_col_count(s), kind = -1, value = -1, rc;

	/* the package's tables are opened in spreadsheets: no cell may run as a formula */
	out_set_guard(o);
	for (i = 0; i < n; i++) {
		if (strcmp(store_col_name(s, i), "kind") == 0)
			kind = i;
		if (strcmp(store_col_name(s, i), "value") == 0)
			value = i;
	}
	if (kind < 0 || value < 0)
		return out_query_all(o, s);
	if (!(mask = store_prepare(c->st,
		      "SELECT coalesce(raw, '****') FROM identifiers WHERE kind = 'payment' AND "
		      "value = ?1 ORDER BY ident_id LIMIT 1"))) {
		store_done(s);
		out_close(o);
		return EX_SOFTWARE;
	}
	while ((rc = store_step(s)) == STORE_ROW) {
		for (i = 0; i < n; i++) {
			const char *v = store_col_text(s, i);

			if (i == value && v && strcmp(col(s, kind), "payment") == 0 &&
				strncmp(v, "v1:", 3) == 0) {
				store_bind_text(mask, 1, v);
				out_text(o, store_step(mask) == STORE_ROW ? col(mask, 0) : "****");
				store_reset(mask);
			} else if (store_col_type(s, i) == STORE_NULL) {
				out_null(o);
			} else if (store_col_type(s, i) == STORE_INT) {
				out_int(o, store_col_int(s, i));
			} else if (store_col_type(s, i) == STORE_REAL) {
				out_real(o, store_col_double(s, i));
			} else {
				out_textn(o, v, store_col_bytes(s, i));
			}
		}
		out_end_row(o);
	}
	rc = rc == STORE_DONE ? 0 : rc;
	store_done(mask);
	store_done(s);
	if (rc) {
		out_close(o);
		return rc;
	}
	return out_close(o);
}

int report_csv(struct report_ctx *c, const char *section, FILE *fp)
{
	struct store_stmt *s;
	int rc;

	if (strcmp(section, "parties") == 0 && (rc = case_party_totals(c->st)))
		return rc;
	s = prep(c, case_section_sql(section, NULL));
	return s ? stmt_csv(c, s, fp) : EX_SOFTWARE;
}

int report_identifiers_csv(struct report_ctx *c, FILE *fp)
{
	/*
	 * What the row said: raw, or the value itself where raw is NULL; schema 7 keeps none for
	 * a building key, whose row said what its unit (or area) identifier's row says: the
	 * identifier of the same holder, row and field (a join on the holder, which Citus keeps
	 * on one worker).
	 */
	struct store_stmt *s = prep(c,
		"SELECT i.holder_kind, i.holder_id, i.kind, i.value, "
		"coalesce(i.raw, u.raw, u.value, i.value) AS raw, i.flags, i.field, "
		"so.path AS file, i.line FROM identifiers i "
		"LEFT JOIN identifiers u ON i.kind = 'address_building' AND u.holder_id = i.holder_id "
		"AND u.holder_kind = i.holder_kind AND u.source_id = i.source_id AND u.line = i.line "
		"AND u.field = i.field AND u.kind IN ('address_unit', 'address_area') "
		"LEFT JOIN sources so ON so.source_id = i.source_id "
		"WHERE (i.holder_kind = 'seller' AND i.holder_id IN (SELECT seller_id FROM "
		"case_sellers)) OR (i.holder_kind = 'party' AND i.holder_id IN (SELECT party_id "
		"FROM case_parties)) ORDER BY i.holder_kind, i.holder_id, i.kind, i.value, i.ident_id");

	return s ? stmt_csv(c, s, fp) : EX_SOFTWARE;
}

int report_dot(struct report_ctx *c, FILE *fp)
{
	struct store_stmt *s;

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
	while (store_step(s) == STORE_ROW) {
		char *label = xasprintf("%s\n%s", col(s, 0), col(s, 1));
		char *id = xasprintf("seller:%s", col(s, 0));

		fputc('\t', fp);
		out_dot_str(fp, id);
		free(id);
		fputs(" [shape=box, style=filled, fillcolor=", fp);
		fputs(store_col_int(s, 2) ? "\"#f4c7c3\"" : "\"#e8eef7\"", fp);
		fputs(", label=", fp);
		out_dot_str(fp, label);
		fputs("];\n", fp);
		free(label);
	}
	store_done(s);
	if (!(s = prep(c,
		      "SELECT c.party_id, coalesce(p.name, ''), coalesce(p.kind, 'party') "
		      "FROM case_parties c LEFT JOIN parties p ON p.party_id = c.party_id "
		      "ORDER BY c.party_id")))
		return EX_SOFTWARE;
	while (store_step(s) == STORE_ROW) {
		char *id = xasprintf("party:%s", col(s, 0));
		char *label = xasprintf("%s\n%s (%s)", col(s, 0), col(s, 1), col(s, 2));

		fputc('\t', fp);
		out_dot_str(fp, id);
		fputs(" [shape=ellipse, style=filled, fillcolor=\"#fde9b5\", label=", fp);
		out_dot_str(fp, label);
		fputs("];\n", fp);
		free(id);
		free(label);
	}
	store_done(s);
	/* Link evidence: one undirected edge per piece. */
	if (!(s = prep(c,
		      "SELECT seller_a, seller_b, kind, comparator FROM case_edges "
		      "ORDER BY edge_id, kind, seller_a, seller_b")))
		return EX_SOFTWARE;
	while (store_step(s) == STORE_ROW) {
		char *a = xasprintf("seller:%s", col(s, 0)), *b = xasprintf("seller:%s", col(s, 1));

		fputc('\t', fp);
		out_dot_str(fp, a);
		fputs(" -> ", fp);
		out_dot_str(fp, b);
		fputs(" [dir=none, color=\"#b3261e\", label=", fp);
		out_dot_str(fp, col(s, 2));
		if (strcmp(col(s, 3), "exact") != 0)
			fputs(", style=dashed", fp);
		fputs("];\n", fp);
		free(a);
		free(b);
	}
	store_done(s);
	/* Goods: shipments from upstream parties to members or to other upstream parties. */
	if (!(s = prep(c,
		      "SELECT sh.from_id, CASE WHEN sh.to_id IN (SELECT seller_id FROM "
		      "case_sellers) THEN 'seller:' ELSE 'party:' END || sh.to_id, count(*), "
		      "coalesce(sum(sh.quantity), 0) FROM case_goods sh "
		      "GROUP BY 1, 2 ORDER BY 1, 2")))
		return EX_SOFTWARE;
	while (store_step(s) == STORE_ROW) {
		char *a = xasprintf("party:%s", col(s, 0));
		char *label =
			xasprintf("%s, %s", ck_count(store_col_int(s, 2), "shipment", "shipments"),
				ck_count(store_col_int(s, 3), "unit", "units"));

		fputc('\t', fp);
		out_dot_str(fp, a);
		fputs(" -> ", fp);
		out_dot_str(fp, col(s, 1));
		fputs(" [color=\"#8a6d1d\", label=", fp);
		out_dot_str(fp, label);
		fputs("];\n", fp);
		free(a);
		free(label);
	}
	store_done(s);
	fputs("}\n", fp);
	return 0;
}

int report_custody(struct report_ctx *c, FILE *fp)
{
	struct store_stmt *s = prep(c,
		"SELECT seq, at, action, analyst, version, store_digest, "
		"command, detail, hash FROM custody WHERE case_id = ?1 ORDER BY seq");

	if (!s)
		return EX_SOFTWARE;
	fprintf(fp,
		"# custody log of %s: seq, UTC time, action, analyst, version, "
		"store digest (SHA-256), command line, detail, entry hash; tab-separated; "
		"the last entry is this export. Command lines name files without their folders "
		"(the analyst's disk); each entry's hash is over the entry as the store keeps "
		"it\n",
		c->case_id);
	while (store_step(s) == STORE_ROW) {
		int i;

		for (i = 0; i < 9; i++) {
			const char *v = col(s, i);

			if (i)
				fputc('\t', fp);
			for (; *v; v++) {
				/* A word with folders in the command line: only its last part. */
				if (i == 6 && (v == col(s, i) || v[-1] == ' ')) {
					/* a quoted word ('/a b/c') runs to its closing quote */
					const char *q = *v == '\'' ? strchr(v + 1, '\'') : NULL;
					size_t w = q ? (size_t)(q - v) : strcspn(v, " "), k;

					for (k = w; k > 0 && v[k - 1] != '/'; k--)
						;
					if (k > 0) {
						if (*v == '\'')
							fputc('\'', fp);
						v += k;
						if (!*v)
							break;
					}
				}
				fputc(*v == '\t' || *v == '\n' ? ' ' : *v, fp);
			}
		}
		fputc('\n', fp);
	}
	store_done(s);
	return 0;
}

/* Source rows: the package carries every row it cites, so no reference leads off it. */

static int name_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		ch == '-' || ch == '_' || ch == '.';
}

/* "dumps/listings.csv.gz" -> "listings": the file name without .gz and its extension, safe. */
static char *source_stem(const char *fpath, const char *kind)
{
	const char *base = strrchr(fpath, '/');
	char *stem;
	size_t n, i;

	base = base ? base + 1 : fpath;
	n = strlen(base);
	if (n > 3 && strcmp(base + n - 3, ".gz") == 0)
		n -= 3;
	for (i = n; i > 0; i--)
		if (base[i - 1] == '.') {
			n = i - 1;
			break;
		}
	stem = xstrndup(base, n > 60 ? 60 : n);
	for (i = 0; stem[i]; i++)
		if (!name_char(stem[i]))
			stem[i] = '_';
	if (!*stem || stem[0] == '.' || strcmp(base, "-") == 0) {
		free(stem);
		stem = xstrdup(kind && *kind ? kind : "source");
		for (i = 0; stem[i]; i++)
			if (!name_char(stem[i]))
				stem[i] = '_';
	}
	return stem;
}

int report_sources_begin(struct report_ctx *c)
{
	struct store_stmt *s = NULL, *ins = NULL, *taken = NULL;
	int rc;

	if ((rc = store_exec(c->st,
		     "DROP TABLE IF EXISTS temp.report_src; DROP TABLE IF EXISTS temp.sources;"
		     "CREATE TEMP TABLE report_src(source_id INTEGER PRIMARY KEY, real_path TEXT,"
		     "  name TEXT NOT NULL)")))
		return rc;
	if (!(s = store_prepare(c->st,
		      "SELECT source_id, path, kind FROM main.sources ORDER BY source_id")) ||
		!(ins = store_prepare(c->st, "INSERT INTO temp.report_src VALUES (?1, ?2, ?3)")) ||
		!(taken = store_prepare(
			  c->st, "SELECT 1 FROM temp.report_src WHERE lower(name) = lower(?1)"))) {
		rc = EX_SOFTWARE;
		goto done;
	}
	while (store_step(s) == STORE_ROW) {
		char *stem = source_stem(col(s, 1), col(s, 2)), *name = xasprintf("%s.csv", stem);
		int k = 1;

		/* Two files of one name (folders, versions): the later ones get -2, -3, ... */
		for (;;) {
			int used;

			store_bind_text(taken, 1, name);
			used = store_step(taken) == STORE_ROW;
			store_reset(taken);
			if (!used)
				break;
			free(name);
			name = xasprintf("%s-%d.csv", stem, ++k);
		}
		store_bind_int(ins, 1, store_col_int(s, 0));
		store_bind_text(ins, 2, col(s, 1));
		store_bind_text(ins, 3, name);
		rc = store_step(ins); /* STORE_DONE is 0 */
		store_reset(ins);
		free(stem);
		free(name);
		if (rc)
			goto done;
	}
	rc = store_exec(c->st,
		"CREATE TEMP TABLE sources(source_id INTEGER PRIMARY KEY, path TEXT NOT NULL,"
		"  sha256 TEXT NOT NULL, size INTEGER NOT NULL, kind TEXT NOT NULL, profile TEXT,"
		"  encoding TEXT, ingested_at TEXT NOT NULL, rows_read INTEGER NOT NULL,"
		"  rows_kept INTEGER NOT NULL, rows_rejected INTEGER NOT NULL);"
		"INSERT INTO temp.sources SELECT s.source_id, 'data/sources/' || r.name, s.sha256,"
		"  s.size, s.kind, s.profile, s.encoding, s.ingested_at, s.rows_read, s.rows_kept,"
		"  s.rows_rejected FROM main.sources s JOIN temp.report_src r USING (source_id)");
done:
	store_done(s);
	store_done(ins);
	store_done(taken);
	return rc;
}

/* The rows the package cites, source by source (after case_gather()). */
static int cites_gather(struct report_ctx *c)
{
	return store_exec(c->st,
		"DROP TABLE IF EXISTS temp.report_cites;"
		"CREATE TEMP TABLE report_cites(source_id INTEGER, line INTEGER,"
		"  PRIMARY KEY(source_id, line)) WITHOUT ROWID;"
		"INSERT OR IGNORE INTO report_cites SELECT s.source_id, s.line FROM main.sellers s"
		"  JOIN case_sellers c ON c.seller_id = s.seller_id;"
		"INSERT OR IGNORE INTO report_cites SELECT l.source_id, l.line FROM main.listings l"
		"  JOIN case_listings c ON c.listing_id = l.listing_id;"
		"INSERT OR IGNORE INTO report_cites SELECT o.source_id, o.line FROM main.orders o"
		"  JOIN case_listings c ON c.listing_id = o.listing_id;"
		"INSERT OR IGNORE INTO report_cites SELECT t.source_id, t.line FROM main.testbuys t"
		"  JOIN main.listings l ON l.listing_id = t.listing_id"
		"  JOIN case_sellers s ON s.seller_id = l.seller_id;"
		"INSERT OR IGNORE INTO report_cites SELECT t.source_id, t.line FROM main.takedowns t"
		"  JOIN case_listings c ON c.listing_id = t.listing_id;"
		"INSERT OR IGNORE INTO report_cites SELECT p.source_id, p.line FROM main.parties p"
		"  JOIN case_parties c ON c.party_id = p.party_id;"
		"INSERT OR IGNORE INTO report_cites SELECT i.source_id, i.line FROM main.identifiers i"
		"  WHERE (i.holder_kind = 'seller' AND i.holder_id IN (SELECT seller_id FROM"
		"  case_sellers)) OR (i.holder_kind = 'party' AND i.holder_id IN (SELECT party_id"
		"  FROM case_parties));"
		"INSERT OR IGNORE INTO report_cites SELECT p.source_id, p.line FROM main.payments p"
		"  JOIN case_sellers c ON c.seller_id = p.seller_id;"
		"INSERT OR IGNORE INTO report_cites SELECT source_id, line FROM case_goods;");
}

/* The profile a source was ingested with, or -1 when it is gone (said in SOURCES.txt terms). */
static int profile_quiet(struct profile **p, const char *name)
{
	size_t n = strlen(name);
	char *fpath = strchr(name, '/') || (n > 8 && strcmp(name + n - 8, ".profile") == 0)
		? xstrdup(name)
		: xasprintf("%s/profiles/%s.profile", ck_datadir(), name);
	int ok = strcmp(name, "generic") == 0 || access(fpath, R_OK) == 0;

	free(fpath);
	*p = NULL;
	return ok ? profile_load(p, name) : -1;
}

/* How a column of a source is copied. */
enum { COL_KEEP, COL_INSTRUMENT, COL_BUYER };

/* 1 when the profile fills field from column name (a same-name column when it says nothing). */
static int feeds(const struct profile_kind *pk, const char *field, const char *name)
{
	size_t i, j;

	for (i = 0; pk && i < pk->nmaps; i++)
		if (strcmp(pk->maps[i].field, field) == 0) {
			for (j = 0; j < pk->maps[i].tmpl.n; j++)
				if (pk->maps[i].tmpl.parts[j].is_col &&
					strcmp(pk->maps[i].tmpl.parts[j].text, name) == 0)
					return 1;
			return 0;
		}
	return strcmp(field, name) == 0;
}

/*
 * Payments: the columns that give the instrument are masked (the store never holds it either).
 * Orders with buyers pseudonymised: every column that is not one of the order's own facts.
 * Without the profile, payments keep only the columns named as casekit's fields.
 */
static void column_modes(
	const char *kind, const char *profile, int redact, struct csvio_rec *h, int *mode)
{
	static const char *const order_facts[] = { "order_id", "listing_id", "seller_id",
		"quantity", "amount", "currency", "ordered_at", "status", NULL };
	static const char *const payment_facts[] = { "seller_id", "instrument_type", "holder_name",
		"bank", "added_at", NULL };
	struct profile *p = NULL;
	const struct profile_kind *pk = NULL;
	int payments = strcmp(kind, "payments") == 0,
	    orders = strcmp(kind, "orders") == 0 && redact;
	size_t i;
	int k;

	if ((payments || orders) &&
		profile_quiet(&p, profile && *profile ? profile : "generic") == 0)
		pk = profile_kind(p, kind);
	for (i = 0; i < h->n; i++) {
		mode[i] = COL_KEEP;
		if (payments) {
			if (!p) {
				mode[i] = COL_INSTRUMENT;
				for (k = 0; payment_facts[k]; k++)
					if (strcmp(h->f[i], payment_facts[k]) == 0)
						mode[i] = COL_KEEP;
			} else if (feeds(pk, "instrument_id", h->f[i])) {
				mode[i] = COL_INSTRUMENT;
			}
		} else if (orders) {
			mode[i] = COL_BUYER;
			for (k = 0; order_facts[k]; k++)
				if (feeds(pk, order_facts[k], h->f[i]))
					mode[i] = COL_KEEP;
		}
	}
	profile_free(p);
}

static int cmp_line(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* The package's copy of one source: its header, then each cited row as it is read. */
struct rowcopy {
	struct report_ctx *c;
	const char *kind, *profile;
	const unsigned long *lines; /* the cited lines, sorted */
	size_t nlines;
	FILE *fp; /* into data, len */
	char *data;
	size_t len, ncols;
	struct out *o;
	int *mode;
	struct store_stmt *pseud;
};

static void rowcopy_start(struct rowcopy *k)
{
	if (!(k->fp = open_memstream(&k->data, &k->len)))
		ck_die(EX_OSERR, "open_memstream: %s", strerror(errno));
	k->pseud = store_prepare(k->c->st, "SELECT ck_buyer(?1)");
}

/* Done: the CSV added to out when why is NULL; why is handed back. */
static const char *rowcopy_end(struct rowcopy *k, const char *why, struct buf *out)
{
	if (k->o)
		out_close(k->o);
	fclose(k->fp);
	if (!why)
		buf_add(out, k->data, k->len);
	free(k->data);
	free(k->mode);
	store_done(k->pseud);
	return why;
}

static void rowcopy_header(struct rowcopy *k, struct csvio_rec *rec)
{
	const char **cols;
	size_t i;

	k->ncols = rec->n + 1;
	cols = xcalloc(k->ncols, sizeof(*cols));
	cols[0] = "line";
	for (i = 0; i < rec->n; i++)
		cols[i + 1] = rec->f[i];
	k->o = out_open(k->fp, OUT_CSV, cols, (int)k->ncols);
	out_set_guard(k->o);
	free(cols);
	k->mode = xcalloc(rec->n + 1, sizeof(*k->mode));
	column_modes(k->kind, k->profile, k->c->redact, rec, k->mode);
}

/* The record rec, at line of the source, when the package cites it. */
static void rowcopy_row(struct rowcopy *k, struct csvio_rec *rec, unsigned long line)
{
	struct out *o = k->o;
	size_t i;

	if (!bsearch(&line, k->lines, k->nlines, sizeof(*k->lines), cmp_line))
		return;
	out_int(o, (long long)line);
	for (i = 0; i < rec->n && i + 1 < k->ncols; i++) {
		char *v = rec->f[i];
		size_t n = rec->len[i];

		if (i + 2 == k->ncols && rec->n > i + 1) {
			/* More fields than the header: the rest joins the last column. */
			struct buf b = { 0 };
			size_t j;

			for (j = i; j < rec->n; j++) {
				if (j > i)
					buf_addc(&b, ',');
				buf_add(&b, rec->f[j], rec->len[j]);
			}
			ck_mask_cards(b.s, b.len);
			out_textn(o, b.s, b.len);
			buf_free(&b);
			break;
		}
		if (n && k->mode[i] == COL_INSTRUMENT) {
			char m[9] = "****";
			size_t q = 4, j = n;

			/* the last four letters or digits, as the store keeps them */
			while (j > 0 && q < 8 && n > 4)
				if (name_char(v[--j]) && v[j] != '.' && v[j] != '-' && v[j] != '_')
					q++;
			if (q == 8)
				for (q = 4; j < n; j++)
					if (name_char(v[j]) && v[j] != '.' && v[j] != '-' &&
						v[j] != '_')
						m[q++] = v[j];
			m[q == 8 ? 8 : 4] = '\0';
			out_text(o, m);
		} else if (n && k->mode[i] == COL_BUYER && k->pseud) {
			store_bind_textn(k->pseud, 1, v, n);
			store_step(k->pseud);
			out_text(o, store_col_text(k->pseud, 0));
			store_reset(k->pseud);
		} else {
			/* Whatever a row holds, a card number does not leave casekit. */
			ck_mask_cards(v, n);
			out_textn(o, v, n);
		}
	}
	out_end_row(o);
}

#define WHY_CHANGED \
	"changed since it was ingested (another SHA-256): its rows are not in the package"
#define WHY_UNREADABLE "unreadable at export: its rows are not in the package"

/* A source without marks (ingested before schema 5): the whole file, hashed to the end. */
static const char *copy_whole(
	struct rowcopy *k, const char *fpath, const char *encoding, const char *sha256)
{
	struct csvio *r = NULL;
	struct csvio_opts co = { 0 };
	struct csvio_rec *rec;
	int rc;
	const char *why = NULL;

	co.encoding = encoding && *encoding ? encoding : NULL;
	if (csvio_open(&r, fpath, &co))
		return WHY_UNREADABLE;
	while ((rc = csvio_next(r, &rec)) == 1)
		if (!k->o)
			rowcopy_header(k, rec);
		else
			rowcopy_row(k, rec, rec->line);
	if (rc != 0)
		why = WHY_UNREADABLE;
	else if (strcasecmp(csvio_sha256(r), sha256) != 0)
		why = WHY_CHANGED;
	csvio_close(r);
	return why;
}

/* The text of a source file, read forward span by span: as it is, or inflated. */
struct text {
	int fd, gzip, zend, zeof;
	z_stream z;
	unsigned char in[64 * 1024];
	uint64_t pos; /* text bytes inflated so far */
};

/* Read len bytes of text at off into buf (off at or after the last read's end). 0 or -1. */
static int text_read(struct text *t, uint64_t off, char *buf, size_t len)
{
	static char skip[64 * 1024];
	ssize_t n;

	if (!t->gzip) {
		while (len > 0) {
			n = pread(t->fd, buf, len, (off_t)off);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return -1;
			buf += n, len -= (size_t)n, off += (uint64_t)n;
		}
		return 0;
	}
	if (off < t->pos)
		return -1;
	while (len > 0) {
		int zr;
		int skipping = t->pos < off;
		size_t want = skipping ? (off - t->pos < sizeof(skip) ? off - t->pos : sizeof(skip))
				       : len;

		if (t->z.avail_in == 0) {
			if (t->zeof)
				return -1;
			do
				n = read(t->fd, t->in, sizeof(t->in));
			while (n < 0 && errno == EINTR);
			if (n < 0)
				return -1;
			if (n == 0) {
				t->zeof = 1;
				return -1;
			}
			t->z.next_in = t->in;
			t->z.avail_in = (uInt)n;
		}
		if (t->zend) {
			/* several members are one stream, as ingest read them */
			if (inflateReset(&t->z) != Z_OK)
				return -1;
			t->zend = 0;
		}
		t->z.next_out = (unsigned char *)(skipping ? skip : buf);
		t->z.avail_out = (uInt)(want > (1u << 30) ? (1u << 30) : want);
		zr = inflate(&t->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			t->zend = 1;
		else if (zr != Z_OK && zr != Z_BUF_ERROR)
			return -1;
		n = (ssize_t)((unsigned char *)t->z.next_out -
			(unsigned char *)(skipping ? skip : buf));
		t->pos += (uint64_t)n;
		if (!skipping)
			buf += n, len -= (size_t)n;
	}
	return 0;
}

/* The spans of a source (source_marks): line, offset, len, SHA-256. */
#define SPAN_MAX (64u * 1024 * 1024)
struct mark {
	unsigned long line;
	uint64_t offset, len;
	unsigned char sha256[32];
};

/* Add the mark s holds to v (n of cap), unless it is the last one added. */
static void mark_add(struct store_stmt *s, struct mark **v, size_t *n, size_t *cap)
{
	unsigned long line;

	if (store_step(s) != STORE_ROW || store_col_bytes(s, 3) != 32)
		return;
	line = (unsigned long)store_col_int(s, 0);
	if (*n && (*v)[*n - 1].line == line)
		return;
	if (*n == *cap)
		*v = xrealloc(*v, (*cap = *cap ? 2 * *cap : 64) * sizeof(**v));
	(*v)[*n].line = line;
	(*v)[*n].offset = (uint64_t)store_col_int(s, 1);
	(*v)[*n].len = (uint64_t)store_col_int(s, 2);
	memcpy((*v)[*n].sha256, store_col_blob(s, 3), 32);
	(*n)++;
}

/*
 * The marks of source id that copy_marked() reads, in line order: the first (the header's
 * span) and the one that holds each of the sorted lines; 0 when it has none. One index read a
 * line: a big file has a mark every few thousand lines, and a case cites few of them.
 */
static size_t marks_of(struct report_ctx *c, long long id, const unsigned long *lines,
	size_t nlines, struct mark **out)
{
	struct store_stmt *first = store_prepare(c->st,
		"SELECT line, offset, len, sha256 FROM source_marks WHERE source_id = ?1 "
		"ORDER BY line LIMIT 1");
	struct store_stmt *s = store_prepare(c->st,
		"SELECT line, offset, len, sha256 FROM source_marks WHERE source_id = ?1 "
		"AND line <= ?2 ORDER BY line DESC LIMIT 1");
	struct mark *v = NULL;
	size_t n = 0, cap = 0, i;

	*out = NULL;
	if (!first || !s) {
		if (first)
			store_done(first);
		if (s)
			store_done(s);
		return 0;
	}
	store_bind_int(first, 1, id);
	mark_add(first, &v, &n, &cap);
	store_done(first);
	for (i = 0; n && i < nlines; i++) {
		if (i > 0 && lines[i] == lines[i - 1])
			continue;
		store_bind_int(s, 1, id);
		store_bind_int(s, 2, (long long)lines[i]);
		mark_add(s, &v, &n, &cap);
		store_reset(s);
	}
	store_done(s);
	*out = v;
	return n;
}

/*
 * A source with marks: only the spans that hold the header and the cited rows are read, each
 * checked against the SHA-256 it had at ingest before a row of it is copied, and each parsed
 * alone (a span starts where a record starts). The rows are the file's bytes as ingested.
 */
static const char *copy_marked(
	struct rowcopy *k, const char *fpath, const struct mark *m, size_t nm)
{
	struct text t;
	unsigned char head[2], md[32];
	const char *why = NULL;
	char delim = 0;
	size_t i, j = 0;

	memset(&t, 0, sizeof(t));
	if ((t.fd = open(fpath, O_RDONLY | O_CLOEXEC)) < 0)
		return WHY_UNREADABLE;
	if (pread(t.fd, head, 2, 0) == 2 && head[0] == 0x1f && head[1] == 0x8b) {
		t.gzip = 1;
		if (inflateInit2(&t.z, 16 + MAX_WBITS) != Z_OK)
			ck_bug("inflateInit2 failed");
	}
	for (i = 0; i < nm && !why; i++) {
		struct csvio_opts co = { 0 };
		struct csvio *r = NULL;
		struct csvio_rec *rec;
		char *span;
		int fd, rc;

		/* The header's span, and each span that holds a cited line. */
		while (j < k->nlines && k->lines[j] < m[i].line)
			j++;
		if (i > 0 && !(j < k->nlines && (i + 1 == nm || k->lines[j] < m[i + 1].line)))
			continue;
		span = xmalloc(m[i].len ? (size_t)m[i].len : 1);
		if (text_read(&t, m[i].offset, span, (size_t)m[i].len)) {
			free(span);
			why = WHY_CHANGED;
			break;
		}
		EVP_Digest(span, (size_t)m[i].len, md, NULL, EVP_sha256(), NULL);
		if (memcmp(md, m[i].sha256, 32) != 0) {
			free(span);
			why = WHY_CHANGED;
			break;
		}
		if ((fd = memfd_create("span", MFD_CLOEXEC)) < 0 ||
			write(fd, span, (size_t)m[i].len) != (ssize_t)m[i].len ||
			lseek(fd, 0, SEEK_SET) != 0) {
			if (fd >= 0)
				close(fd);
			free(span);
			why = WHY_UNREADABLE;
			break;
		}
		free(span);
		co.delim = delim;
		if (csvio_open_fd(&r, fd, fpath, &co)) {
			why = WHY_UNREADABLE;
			break;
		}
		while ((rc = csvio_next(r, &rec)) == 1) {
			if (!k->o)
				rowcopy_header(k, rec);
			else
				rowcopy_row(k, rec, rec->line + m[i].line - 1);
		}
		if (!delim)
			delim = csvio_delim(r);
		csvio_close(r);
		if (rc != 0)
			why = WHY_UNREADABLE;
	}
	if (t.gzip)
		inflateEnd(&t.z);
	close(t.fd);
	return why;
}

/*
 * Copy the header and the cited lines of one source file as CSV into out. NULL when done,
 * else why the rows are left out (the file is gone, changed or unreadable).
 */
static const char *copy_rows(struct report_ctx *c, long long id, const char *fpath,
	const char *encoding, const char *sha256, long long size, const char *kind,
	const char *profile, unsigned long *lines, size_t nlines, struct buf *out)
{
	struct rowcopy k;
	struct stat sb;
	struct mark *m;
	size_t nm, i;
	const char *why;

	if (!*fpath || strcmp(fpath, "-") == 0 || access(fpath, R_OK) != 0)
		return "not found at export: its rows are not in the package";
	/* A device or a pipe (a crafted store) would never end; a size not as ingested is
	 * another file, without reading it. The SHA-256 below still decides. */
	if (stat(fpath, &sb) != 0 || !S_ISREG(sb.st_mode))
		return "not a regular file at export: its rows are not in the package";
	if (sb.st_size != size)
		return "changed since it was ingested (another size): its rows are not in the "
		       "package";
	memset(&k, 0, sizeof(k));
	k.c = c;
	k.kind = kind;
	k.profile = profile;
	k.lines = lines;
	k.nlines = nlines;
	rowcopy_start(&k);
	nm = marks_of(c, id, lines, nlines, &m);
	for (i = 0; i < nm; i++)
		if (m[i].len > SPAN_MAX)
			nm = 0; /* a span this long is a record over the limits: read it all as before */
	why = nm ? copy_marked(&k, fpath, m, nm) : copy_whole(&k, fpath, encoding, sha256);
	free(m);
	return rowcopy_end(&k, why, out);
}

/*
 * Where a source file is now: its path as ingested, or, when that was relative and is not
 * found from here, the same path beside a store file (ingest ran in the store's folder). malloc'd.
 */
static char *source_where(struct report_ctx *c, const char *fpath)
{
	const char *db = store_path(c->st), *slash = db ? strrchr(db, '/') : NULL;
	char *other;

	/* a server store is in no folder */
	if (!*fpath || fpath[0] == '/' || access(fpath, R_OK) == 0 || !slash || store_is_uri(db))
		return xstrdup(fpath);
	other = xasprintf("%.*s/%s", (int)(slash - db), db, fpath);
	if (access(other, R_OK) == 0)
		return other;
	free(other);
	return xstrdup(fpath);
}

/* A field of SOURCES.txt or a message: a control character (tab, line break, escape) as a space. */
static void one_line(struct buf *b, const char *s)
{
	for (; s && *s; s++)
		buf_addc(b, (unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
}

int report_sources(struct report_ctx *c,
	void (*add)(void *arg, const char *fpath, char *data, size_t len), void *arg)
{
	struct store_stmt *s, *ls;
	struct buf list = { 0 };
	int rc;

	if ((rc = cites_gather(c)))
		return rc;
	if (!(s = store_prepare(c->st,
		      "SELECT r.source_id, r.real_path, r.name, m.sha256, m.size, m.kind, m.profile,"
		      " m.encoding, (SELECT count(*) FROM temp.report_cites x WHERE x.source_id ="
		      " r.source_id) FROM temp.report_src r JOIN main.sources m USING (source_id)"
		      " ORDER BY r.name")))
		return EX_SOFTWARE;
	if (!(ls = store_prepare(c->st,
		      "SELECT line FROM temp.report_cites WHERE source_id = ?1 ORDER BY line"))) {
		store_done(s);
		return EX_SOFTWARE;
	}
	buf_adds(&list,
		"# The source files of this case as they were ingested, tab-separated: the "
		"file in this package,\n# the original file name, its kind, bytes and "
		"SHA-256, the rows of it this package cites, and a note.\n"
		"# Each data/sources/NAME.csv holds the file's header and the cited rows, with "
		"their line in the\n# original file in the first column (line); payment "
		"instruments are masked (****1234)");
	buf_adds(&list, c->redact ? " and\n# buyers pseudonymised as in the tables.\n" : ".\n");
	buf_adds(&list, "file\tsource\tkind\tbytes\tsha256\trows_cited\tnote\n");
	while (store_step(s) == STORE_ROW) {
		const char *real = col(s, 1), *name = col(s, 2), *base = strrchr(real, '/');
		long long ncited = store_col_int(s, 8);
		const char *why = NULL;

		base = base ? base + 1 : real;
		if (ncited > 0) {
			unsigned long *lines = xcalloc((size_t)ncited, sizeof(*lines));
			size_t n = 0;
			struct buf out = { 0 };

			store_bind_int(ls, 1, store_col_int(s, 0));
			while (store_step(ls) == STORE_ROW && n < (size_t)ncited)
				lines[n++] = (unsigned long)store_col_int(ls, 0);
			store_reset(ls);
			char *where = source_where(c, real);

			why = copy_rows(c, store_col_int(s, 0), where, col(s, 7), col(s, 3),
				store_col_int(s, 4), col(s, 5), col(s, 6), lines, n, &out);
			free(where);
			free(lines);
			if (why) {
				struct buf shown = { 0 };

				one_line(&shown, base);
				ck_warn("source '%s': %s", shown.s ? shown.s : "", why);
				buf_free(&shown);
				buf_free(&out);
			} else {
				char *fpath = xasprintf("data/sources/%s", name);

				if (!out.s)
					buf_adds(&out, "");
				add(arg, fpath, out.s, out.len);
				out.s = NULL;
				free(fpath);
			}
		}
		buf_addf(&list, "data/sources/%s\t", name);
		one_line(&list, base);
		buf_addc(&list, '\t');
		one_line(&list, col(s, 5));
		buf_addf(&list, "\t%lld\t", (long long)store_col_int(s, 4));
		one_line(&list, col(s, 3));
		buf_addf(&list, "\t%lld\t%s\n", ncited,
			why              ? why
				: ncited ? ""
					 : "no row of it is cited: not in the package");
	}
	store_done(s);
	store_done(ls);
	add(arg, "data/sources/SOURCES.txt", list.s, list.len);
	return 0;
}

/*
 * HTML: a referral a police officer or a prosecutor reads, on screen or printed on A4. Page one
 * tells the case; the sections behind it give the evidence, each fact with the source row it
 * rests on (data/sources/). Everything shown is escaped: the data was written by the people
 * the report accuses.
 */

#define REPORT_MAX_DRAWN 30  /* accounts in one picture: more is not legible on A4 */
#define REPORT_MAX_PARTS 10  /* pictures of one network; a bigger one is left to network.dot */
#define REPORT_MAX_CHAINS 12 /* upstream chains drawn */

/*
 * A character that is invisible or turns the text around it (a bidi control, a zero-width
 * space, a soft hyphen, a control character but tab and line ends) lets a name read as another: its length in
 * bytes at s, with its code point in *cp, or 0. Joiners (U+200C, U+200D) belong to scripts
 * and emoji, and pass.
 */
static size_t invisible(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	if ((u[0] < 0x20 && u[0] != '\t' && u[0] != '\n' && u[0] != '\r') || u[0] == 0x7f) {
		*cp = u[0];
		return 1;
	}
	if (u[0] == 0xc2 && u[1] == 0xad) {
		*cp = 0xad;
		return 2;
	}
	if (u[0] == 0xd8 && u[1] == 0x9c) {
		*cp = 0x61c;
		return 2;
	}
	if ((u[0] == 0xe1 && u[1] == 0xa0 && u[2] == 0x8e) ||
		(u[0] == 0xef && u[1] == 0xbb && u[2] == 0xbf) ||
		(u[0] == 0xe2 && u[1] == 0x80 &&
			(u[2] == 0x8b || u[2] == 0x8e || u[2] == 0x8f ||
				(u[2] >= 0xaa && u[2] <= 0xae))) ||
		(u[0] == 0xe2 && u[1] == 0x81 && u[2] >= 0xa0 && u[2] <= 0xa9 && u[2] != 0xa5)) {
		*cp = ((u[0] & 0x0fu) << 12) | ((u[1] & 0x3fu) << 6) | (u[2] & 0x3fu);
		return 3;
	}
	return 0;
}

static void h(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		unsigned cp;
		size_t n = invisible(s, &cp);

		if (n) {
			fprintf(fp, "[U+%04X]", cp);
			s += n - 1;
			continue;
		}
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
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			fputc(*s, fp);
		}
	}
}

/* At most max characters of UTF-8 text, escaped, with an ellipsis when cut. */
static void h_cut(FILE *fp, const char *s, size_t max)
{
	size_t i = 0, chars = 0;
	char *t;

	if (!s)
		return;
	while (s[i] && chars < max) {
		i++;
		while (((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	t = xstrndup(s, i);
	h(fp, t);
	free(t);
	if (s[i])
		fputs("&hellip;", fp);
}

/* A CSS string literal (for @page): only plain characters pass, the rest as \HEX escapes. */
static void css_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch >= 0x80 ||
			(ch >= 0x20 && ch != '"' && ch != '\\' && ch != '<' && ch != '>' &&
				ch != '&' && ch != 0x7f))
			fputc(ch, fp);
		else
			fprintf(fp, "\\%x ", ch);
	}
	fputc('"', fp);
}

/* A table of a query's rows, its columns named by the query; empty shows a note. */
static int html_table(struct report_ctx *c, FILE *fp, const char *sql, const char *empty)
{
	struct store_stmt *s = prep(c, sql);
	int i, n = 0, rc;

	if (!s)
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW) {
		if (n++ == 0) {
			fputs("<table>\n<thead><tr>", fp);
			for (i = 0; i < store_col_count(s); i++) {
				fputs("<th>", fp);
				h(fp, store_col_name(s, i));
				fputs("</th>", fp);
			}
			fputs("</tr></thead>\n<tbody>\n", fp);
		}
		fputs("<tr>", fp);
		for (i = 0; i < store_col_count(s); i++) {
			const char *name = store_col_name(s, i);
			int num = store_col_type(s, i) == STORE_INT ||
				store_col_type(s, i) == STORE_REAL;

			const char *v = col(s, i);

			if (strcmp(name, "source row") == 0 || strcmp(name, "source rows") == 0)
				fputs("<td class=\"ref\">", fp);
			else if (num)
				fputs("<td class=\"n\">", fp);
			else if (strlen(v) <= 12 && !strchr(v, ' '))
				fputs("<td class=\"nw\">", fp); /* an id or a date: one piece */
			else
				fputs("<td>", fp);
			h(fp, col(s, i));
			fputs("</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	store_done(s);
	if (rc != STORE_DONE)
		return rc;
	if (n)
		fputs("</tbody>\n</table>\n", fp);
	else
		fprintf(fp, "<p class=\"none\">%s</p>\n", empty);
	return 0;
}

static long long count(struct report_ctx *c, const char *sql)
{
	struct store_stmt *s = prep(c, sql);
	long long n = 0;

	if (s && store_step(s) == STORE_ROW)
		n = store_col_int(s, 0);
	store_done(s);
	return n;
}

/* The first column of a query's first row (malloc'd), or NULL when there is none. */
static char *one(struct report_ctx *c, const char *sql)
{
	struct store_stmt *s = prep(c, sql);
	char *v = NULL;

	if (s && store_step(s) == STORE_ROW && store_col_type(s, 0) != STORE_NULL)
		v = xstrdup(col(s, 0));
	store_done(s);
	return v;
}

/* The reference of a source row: "data/sources/listings.csv line 412" (sources is shadowed). */
#define REF(alias) \
	"(SELECT path FROM sources WHERE source_id = " alias ".source_id) || ' line ' || " alias \
	".line"

/* Paid orders of the case's flagged listings (cancelled and refunded left out). */
#define PAID_ORDERS \
	"orders o JOIN case_listings cl ON cl.listing_id = o.listing_id JOIN case_orders co ON " \
	"co.order_id = o.order_id WHERE " MONEY_PAID_ORDER " AND o.amount IS NOT NULL"

#ifdef HAVE_GVC
/*
 * One Graphviz context for all the report's pictures: the pango plugin of Graphviz 2.42 keeps
 * font names of a freed context and reads them in the next one (ASan: heap-use-after-free).
 */
static GVC_t *report_gvc;
#endif

/* Draw one graph (DOT) as inline SVG with libgvc, or give its DOT text. */
static void picture(FILE *fp, const char *dot, const char *engine)
{
#ifdef HAVE_GVC
	GVC_t *gvc;
	Agraph_t *g;
	char *svg = NULL;
	unsigned int len = 0;

	if (!report_gvc)
		report_gvc = gvContext();
	gvc = report_gvc;
	g = agmemread(dot);
	if (g && gvLayout(gvc, g, engine) == 0 && gvRenderData(gvc, g, "svg", &svg, &len) == 0 &&
		svg) {
		double w = 0, ht = 0;
		const char *dim = strstr(svg, "<svg width=\"");

		/* A page is taller than wide: a layout much wider than tall is turned. */
		if (dim && sscanf(dim, "<svg width=\"%lfpt\" height=\"%lfpt\"", &w, &ht) == 2 &&
			w > 1.3 * ht && strcmp(engine, "dot") == 0) {
			gvFreeRenderData(svg);
			svg = NULL;
			gvFreeLayout(gvc, g);
			agsafeset(g, "rankdir", "LR", "");
			if (gvLayout(gvc, g, engine) != 0 ||
				gvRenderData(gvc, g, "svg", &svg, &len) != 0 || !svg) {
				agclose(g);
				goto text;
			}
		}
		/* Drop the XML prolog and DOCTYPE: the SVG goes inline in HTML. */
		const char *start = strstr(svg, "<svg");

		fputs("<div class=\"graph\">\n", fp);
		if (start)
			fwrite(start, 1, len - (size_t)(start - svg), fp);
		fputs("</div>\n", fp);
		gvFreeRenderData(svg);
		gvFreeLayout(gvc, g);
		agclose(g);
		return;
	}
	if (g)
		agclose(g);
text:
#else
	(void)engine;
#endif
	fputs("<p>In Graphviz DOT (draw it with <code>dot -Tsvg</code>):</p>\n<pre>", fp);
	h(fp, dot);
	fputs("</pre>\n", fp);
}

/* A Graphviz string: quotes and backslashes escaped, at most max characters. */
static void gv_str(struct buf *b, const char *s, size_t max)
{
	size_t chars = 0, n;
	unsigned cp;

	buf_addc(b, '"');
	for (; s && *s; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80 && ++chars > max) {
			buf_adds(b, "...");
			break;
		}
		if (*s != '\n' && (n = invisible(s, &cp))) {
			buf_addf(b, "[U+%04X]", cp);
			s += n - 1;
			continue;
		}
		if (*s == '"' || *s == '\\')
			buf_addc(b, '\\');
		if (*s == '\n')
			buf_adds(b, "\\n");
		else
			buf_addc(b, *s == '\r' ? ' ' : *s);
	}
	buf_addc(b, '"');
}

/* A network to draw: its accounts, and one line per pair of accounts naming all they share. */
struct gnode {
	char *id, *shop;
	int flagged, part, seen;
};
struct gedge {
	size_t a, b;
	char *kinds;
	int fuzzy, pieces;
};
struct gnet {
	struct gnode *n;
	size_t nn;
	struct gedge *e;
	size_t ne;
	int parts;
};

static void gnet_free(struct gnet *g)
{
	size_t i;

	for (i = 0; i < g->nn; i++) {
		free(g->n[i].id);
		free(g->n[i].shop);
	}
	for (i = 0; i < g->ne; i++)
		free(g->e[i].kinds);
	free(g->n);
	free(g->e);
}

static size_t gnet_find(const struct gnet *g, const char *id)
{
	size_t i;

	for (i = 0; i < g->nn; i++)
		if (strcmp(g->n[i].id, id) == 0)
			return i;
	return (size_t)-1;
}

/*
 * Load a network and cut it into parts of at most REPORT_MAX_DRAWN accounts, in breadth-first
 * order from its best-connected account, so that a part holds accounts close to each other.
 */
static void gnet_load(struct report_ctx *c, const char *network, struct gnet *g)
{
	struct store_stmt *s;
	size_t *queue, head = 0, tail = 0, i, k, order = 0;

	memset(g, 0, sizeof(*g));
	if ((s = prep(c,
		     "SELECT c.seller_id, coalesce(s.shop_name, ''), "
		     "(SELECT count(*) FROM case_listings l WHERE l.seller_id = c.seller_id) "
		     "FROM case_sellers c LEFT JOIN sellers s ON s.seller_id = c.seller_id "
		     "WHERE c.network_id = ?2 ORDER BY c.seller_id"))) {
		store_bind_text(s, 2, network);
		while (store_step(s) == STORE_ROW) {
			g->n = xrealloc(g->n, (g->nn + 1) * sizeof(*g->n));
			g->n[g->nn].id = xstrdup(col(s, 0));
			g->n[g->nn].shop = xstrdup(col(s, 1));
			g->n[g->nn].flagged = store_col_int(s, 2) > 0;
			g->n[g->nn].part = 0;
			g->n[g->nn].seen = 0;
			g->nn++;
		}
		store_done(s);
	}
	if ((s = prep(c,
		     "SELECT e.seller_a, e.seller_b, group_concat(DISTINCT e.kind), "
		     "max(CASE WHEN e.comparator <> 'exact' THEN 1 ELSE 0 END), count(*) "
		     "FROM case_edges e "
		     "JOIN case_sellers a ON a.seller_id = e.seller_a "
		     "WHERE a.network_id = ?2 GROUP BY 1, 2 ORDER BY 1, 2"))) {
		store_bind_text(s, 2, network);
		while (store_step(s) == STORE_ROW) {
			size_t x = gnet_find(g, col(s, 0)), y = gnet_find(g, col(s, 1));
			char *p;

			if (x == (size_t)-1 || y == (size_t)-1)
				continue;
			g->e = xrealloc(g->e, (g->ne + 1) * sizeof(*g->e));
			g->e[g->ne].a = x;
			g->e[g->ne].b = y;
			g->e[g->ne].kinds = xstrdup(col(s, 2));
			for (p = g->e[g->ne].kinds; *p; p++)
				if (*p == ',' || *p == '_')
					*p = *p == ',' ? '/' : ' ';
			g->e[g->ne].fuzzy = store_col_int(s, 3);
			g->e[g->ne].pieces = store_col_int(s, 4);
			g->ne++;
		}
		store_done(s);
	}
	queue = xcalloc(g->nn + 1, sizeof(*queue));
	while (order < g->nn) {
		size_t best = (size_t)-1;
		int bestdeg = -1;

		for (i = 0; i < g->nn; i++) {
			int deg = 0;

			if (g->n[i].seen)
				continue;
			for (k = 0; k < g->ne; k++)
				deg += g->e[k].a == i || g->e[k].b == i;
			if (deg > bestdeg)
				bestdeg = deg, best = i;
		}
		g->n[best].seen = 1;
		queue[tail++] = best;
		while (head < tail) {
			size_t u = queue[head++];

			g->n[u].part = (int)(order++ / REPORT_MAX_DRAWN);
			for (k = 0; k < g->ne; k++) {
				size_t v = g->e[k].a == u ? g->e[k].b
					: g->e[k].b == u  ? g->e[k].a
							  : u;

				if (v != u && !g->n[v].seen) {
					g->n[v].seen = 1;
					queue[tail++] = v;
				}
			}
		}
	}
	free(queue);
	g->parts = 0;
	for (i = 0; i < g->nn; i++)
		if (g->n[i].part + 1 > g->parts)
			g->parts = g->n[i].part + 1;
}

/* One part of a network in DOT; an account of another part it touches is drawn dashed. */
static char *gnet_dot(const struct gnet *g, int part)
{
	struct buf b = { 0 };
	size_t i, k;
	char *ghost = xcalloc(g->nn + 1, 1);

	buf_adds(&b,
		"graph network {\n\tgraph [nodesep=0.25, ranksep=0.45, "
		"fontname=\"Helvetica\", outputorder=edgesfirst, pad=0.1];\n"
		"\tnode [shape=box, style=\"filled,rounded\", fontname=\"Helvetica\", "
		"fontsize=10, margin=\"0.10,0.04\", color=\"#555555\"];\n"
		"\tedge [fontname=\"Helvetica\", fontsize=9, color=\"#b3261e\", "
		"fontcolor=\"#7a1a14\"];\n");
	for (k = 0; k < g->ne; k++) {
		if (g->n[g->e[k].a].part == part && g->n[g->e[k].b].part != part)
			ghost[g->e[k].b] = 1;
		if (g->n[g->e[k].b].part == part && g->n[g->e[k].a].part != part)
			ghost[g->e[k].a] = 1;
	}
	for (i = 0; i < g->nn; i++) {
		char *label;

		if (g->n[i].part != part && !ghost[i])
			continue;
		if (ghost[i])
			label = xasprintf("%s\n(part %d)", g->n[i].id, g->n[i].part + 1);
		else
			label = xasprintf("%s\n%s", g->n[i].id, g->n[i].shop);
		buf_addc(&b, '\t');
		gv_str(&b, g->n[i].id, 200);
		buf_adds(&b, " [label=");
		gv_str(&b, label, 30);
		buf_adds(&b,
			ghost[i]                  ? ", style=\"dashed,rounded\", fillcolor=white]\n"
				: g->n[i].flagged ? ", fillcolor=\"#f4c7c3\"]\n"
						  : ", fillcolor=\"#e8eef7\"]\n");
		free(label);
	}
	for (k = 0; k < g->ne; k++) {
		const struct gedge *e = &g->e[k];

		if (g->n[e->a].part != part && g->n[e->b].part != part)
			continue;
		buf_addc(&b, '\t');
		gv_str(&b, g->n[e->a].id, 200);
		buf_adds(&b, " -- ");
		gv_str(&b, g->n[e->b].id, 200);
		buf_adds(&b, " [label=");
		gv_str(&b, e->kinds, 40);
		buf_addf(&b, ", penwidth=%d%s]\n", e->pieces > 1 ? 2 : 1,
			e->fuzzy ? ", style=dashed" : "");
	}
	buf_adds(&b, "}\n");
	free(ghost);
	return buf_detach(&b);
}

/* "trading_company" -> "trading company". */
static void h_kind(FILE *fp, const char *kind)
{
	for (; kind && *kind; kind++)
		if (*kind == '_')
			fputc(' ', fp);
		else
			h_cut(fp, (char[2]){ *kind, 0 }, 1);
}

/* Screening reasons in words: "brand:dior kw:原单 price:0.08×ref" -> a sentence. */
static void reasons_words(FILE *fp, const char *why, const char *reasons)
{
	struct buf kw = { 0 };
	char *copy = xstrdup(reasons ? reasons : ""), *tok, *save = NULL;
	int n = 0;

	if (why && *why && strncmp(why, "score ", 6) != 0) {
		/* "lead", "test buy T1: counterfeit", "takedown N1" */
		h(fp, strcmp(why, "lead") == 0 ? "a lead of the analyst" : why);
		n++;
	}
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		double x;
		long v;
		char name[128], kind[64];

		if (strncmp(tok, "kw:", 3) == 0) {
			char *p;

			/* rule names spell spaces as _ */
			for (p = tok + 3; *p; p++)
				if (*p == '_')
					*p = ' ';
			buf_adds(&kw, kw.len ? ", \xe2\x80\x9c" : "\xe2\x80\x9c");
			buf_adds(&kw, tok + 3);
			buf_adds(&kw, "\xe2\x80\x9d");
			continue;
		}
		fputs(n++ ? "; " : "", fp);
		if (strncmp(tok, "brand:", 6) == 0) {
			fputs("names the brand ", fp);
			h_kind(fp, tok + 6); /* rule names spell spaces as _ */
		} else if (sscanf(tok, "brand~%127[^(](%63[^)])", name, kind) == 2) {
			char *p;

			for (p = name; *p; p++)
				if (*p == '_')
					*p = ' ';
			fputs("the brand ", fp);
			h(fp, name);
			fputs(" spelt to dodge filters (", fp);
			h(fp, kind);
			fputs(")", fp);
		} else if (sscanf(tok, "price:%lf", &x) == 1) {
			fprintf(fp, "price %.0f%% of the brand's reference price", x * 100);
		} else if (sscanf(tok, "z:%lf", &x) == 1) {
			fprintf(fp, "price far below the brand's other listings (z = %.1f)", x);
		} else if (sscanf(tok, "new-seller:%ldd", &v) == 1) {
			fprintf(fp, "listed by an account %ld days old", v);
		} else if (sscanf(tok, "seller-testbuys:%ld", &v) == 1) {
			fprintf(fp, "%ld test buy(s) from this account found counterfeit", v);
		} else if (strcmp(tok, "testbuy:failed") == 0) {
			fputs("a test buy of it was found counterfeit", fp);
		} else if (sscanf(tok, "network:%127[^(](%ld)", name, &v) == 2) {
			fprintf(fp, "%ld flagged listings of other accounts of network ", v);
			h(fp, name);
		} else {
			h(fp, tok);
		}
	}
	if (kw.len) {
		fputs(n++ ? "; " : "", fp);
		fputs("counterfeit wording ", fp);
		h(fp, kw.s);
	}
	if (!n)
		fputs("&mdash;", fp);
	buf_free(&kw);
	free(copy);
}

/* The upstream chains: the parties, nearest first, that goods came through to some accounts. */
static const char chains_sql[] =
	"WITH RECURSIVE up(seller, path, last, depth) AS ("
	" SELECT DISTINCT sh.to_id, sh.from_id, sh.from_id, 1 FROM shipments sh"
	"  JOIN case_sellers s ON s.seller_id = sh.to_id"
	"  JOIN case_parties p ON p.party_id = sh.from_id"
	" UNION SELECT up.seller, up.path || char(31) || sh.from_id, sh.from_id, up.depth + 1"
	"  FROM up JOIN shipments sh ON sh.to_id = up.last"
	"  JOIN case_parties p ON p.party_id = sh.from_id WHERE up.depth < 4 AND"
	"  instr(char(31) || up.path || char(31), char(31) || sh.from_id || char(31)) = 0)"
	" SELECT u.path, count(DISTINCT u.seller), max(u.depth),"
	" replace(group_concat(DISTINCT u.seller), ',', ', ') FROM up u WHERE NOT EXISTS (SELECT 1 FROM up v"
	"  WHERE v.seller = u.seller AND v.depth = u.depth + 1 AND"
	"  substr(v.path, 1, length(u.path) + 1) = u.path || char(31))"
	" GROUP BY u.path ORDER BY max(u.depth) DESC, count(DISTINCT u.seller) DESC, u.path";

/* One party of a chain: kind, id and name. words: as text, else as a box. */
static void chain_party(struct report_ctx *c, FILE *fp, const char *id, int words)
{
	struct store_stmt *s = prep(c,
		"SELECT coalesce(kind, 'party'), coalesce(name, '') FROM parties "
		"WHERE party_id = ?2");

	if (!s)
		return;
	store_bind_text(s, 2, id);
	if (store_step(s) == STORE_ROW) {
		if (!words)
			fputs("<div class=\"node party\"><small>", fp);
		h_kind(fp, col(s, 0));
		fputs(words ? " " : "</small><b>", fp);
		h(fp, id);
		fputs(words ? " (" : "</b><br>", fp);
		h_cut(fp, col(s, 1), 24);
		fputs(words ? ")" : "</div>", fp);
	}
	store_done(s);
}

/* The longest chain in words, for page one; 0 when nothing is traced upstream. */
static int chain_words(struct report_ctx *c, FILE *fp)
{
	struct store_stmt *s = prep(c, chains_sql);
	int found = 0;

	if (!s)
		return 0;
	if (store_step(s) == STORE_ROW) {
		char *chain = xstrdup(col(s, 0)), *p, *next;
		char **ids = NULL;
		size_t n = 0, i;

		found = 1;
		for (p = chain; p; p = next) {
			next = strchr(p, 31);
			if (next)
				*next++ = '\0';
			ids = xrealloc(ids, (n + 1) * sizeof(*ids));
			ids[n++] = p;
		}
		/* Goods flow: the farthest party first. */
		for (i = n; i > 0; i--) {
			chain_party(c, fp, ids[i - 1], 1);
			fputs(" &rarr; ", fp);
		}
		fprintf(fp, "%lld of the accounts", (long long)store_col_int(s, 1));
		free(ids);
		free(chain);
	}
	store_done(s);
	return found;
}

static void chains(struct report_ctx *c, FILE *fp)
{
	struct store_stmt *s = prep(c, chains_sql);
	int n = 0, more = 0;

	if (!s)
		return;
	fputs("<p>How the goods reached the accounts, from the shipment records of the platform: "
	      "each arrow is goods shipped, read from the source (right) to the accounts "
	      "(left): accounts &larr; trader &larr; factory &larr; supplier.</p>\n",
		fp);
	while (store_step(s) == STORE_ROW) {
		char *chain, *p, *next;

		if (n++ >= REPORT_MAX_CHAINS) {
			more++;
			continue;
		}
		chain = xstrdup(col(s, 0));
		fprintf(fp,
			"<div class=\"chain\"><div class=\"node acct\"><small>%lld account%s</small>",
			(long long)store_col_int(s, 1), store_col_int(s, 1) == 1 ? "" : "s");
		fputs("<b>", fp);
		h_cut(fp, col(s, 3), 60);
		fputs("</b></div>", fp);
		for (p = chain; p; p = next) {
			next = strchr(p, 31);
			if (next)
				*next++ = '\0';
			fputs("<div class=\"arrow\">&larr;</div>", fp);
			chain_party(c, fp, p, 0);
		}
		fputs("</div>\n", fp);
		free(chain);
	}
	store_done(s);
	if (more)
		fprintf(fp, "<p class=\"none\">%d shorter chains are in the table below.</p>\n",
			more);
}

static const char css[] =
	"body{font:10.5pt/1.4 Helvetica,Arial,'Noto Sans','Noto Sans CJK SC','WenQuanYi Zen Hei',"
	"'Microsoft YaHei','PingFang SC',sans-serif;color:#1b1b1b;margin:1.5em auto;"
	"max-width:60em;padding:0 1em}\n"
	"h1{font-size:20pt;margin:.2em 0 0}h2{font-size:13pt;border-bottom:1.5pt solid #1b1b1b;"
	"margin:1.6em 0 .5em;padding-bottom:.15em;break-after:avoid}\n"
	"h3{font-size:11pt;margin:1.2em 0 .3em;break-after:avoid}\n"
	".kicker{text-transform:uppercase;letter-spacing:.08em;font-size:8.5pt;color:#555;"
	"margin:0}.subtitle{font-size:13pt;margin:.1em 0 .6em}\n"
	".meta{color:#444;font-size:9pt}.lede{font-size:11.5pt;line-height:1.5}\n"
	"dl.facts{display:grid;grid-template-columns:11em 1fr;gap:.35em 1em;margin:1em 0;"
	"padding:.7em .9em;border:1pt solid #999;background:#fafafa}\n"
	"dl.facts dt{font-weight:bold}dl.facts dd{margin:0}\n"
	".money{font-weight:bold;white-space:nowrap}\n"
	"nav.toc ol{columns:2;margin:.3em 0}nav.toc a{color:inherit}\n"
	"table{border-collapse:collapse;width:100%;margin:.4em 0 .8em;font-size:8.5pt}\n"
	"th,td{border:.5pt solid #aaa;padding:2pt 4pt;text-align:left;vertical-align:top;"
	"overflow-wrap:anywhere}\n"
	"th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}td.ref,.ref{font-size:7.5pt;color:#333;overflow-wrap:anywhere}\n"
	"code,.url{font-family:'DejaVu Sans Mono',Consolas,monospace;font-size:7.5pt;"
	"overflow-wrap:anywhere}\n"
	"td.nw,span.nw{white-space:nowrap}.none{color:#666;font-style:italic}.small{font-size:8.5pt;color:#444}\n"
	".graph{margin:.5em 0;text-align:center}.graph svg{max-width:100%;height:auto;"
	"max-height:230mm}\n"
	"figure{margin:.6em 0 1.2em;break-inside:avoid}figcaption{font-size:9pt;color:#333}\n"
	".legend span{display:inline-block;margin-right:1.2em;font-size:8.5pt}\n"
	".sw{display:inline-block;width:1.4em;height:.9em;border:.5pt solid #555;"
	"vertical-align:middle;margin-right:.3em;border-radius:2pt}\n"
	".chain{display:flex;flex-wrap:wrap;align-items:center;gap:.2em;margin:.4em 0;"
	"break-inside:avoid}\n"
	".node{border:1pt solid #555;border-radius:3pt;padding:.2em .5em;font-size:8.5pt;"
	"max-width:15em}.node small{display:block;color:#555;text-transform:uppercase;"
	"font-size:6.5pt;letter-spacing:.05em}.acct{background:#f4c7c3}.party{background:#fde9b5}\n"
	".arrow{font-size:14pt;color:#8a6d1d;padding:0 .15em}\n"
	"pre{background:#f6f6f6;padding:.8em;white-space:pre-wrap;overflow-wrap:anywhere;"
	"font-size:8pt}\n"
	".cert{border:1.5pt solid #1b1b1b;padding:.2em 1em 1em;margin-top:2em}\n"
	".cert code{word-break:break-all}\n"
	"@media print{body{margin:0;max-width:none;padding:0;font-size:9.5pt}"
	"nav.toc{break-after:page}a{color:inherit;text-decoration:none}"
	"tr,.node{break-inside:avoid}thead{display:table-header-group}}\n";

/* Page one: the case in a paragraph, then the figures a reader asks for first. */
static void cover(struct report_ctx *c, FILE *fp)
{
	struct store_stmt *s;
	long long sellers = count(c, "SELECT count(*) FROM case_sellers");
	long long flagged = count(c, "SELECT count(*) FROM case_listings");
	long long paid = count(c, "SELECT count(*) FROM " PAID_ORDERS);
	long long orders = count(c, "SELECT count(*) FROM case_orders");
	long long fakes = count(c,
		"SELECT count(*) FROM case_testbuys t WHERE lower(t.verdict) IN "
		"('counterfeit', 'fake', 'infringing')");
	long long edges = count(c, "SELECT count(*) FROM case_edges");
	long long nets = count(c, "SELECT count(DISTINCT network_id) FROM case_sellers");
	char *platforms = one(c,
		"SELECT group_concat(p, ', ') FROM (SELECT DISTINCT "
		"coalesce(s.platform, 'an unnamed platform') AS p FROM case_sellers c "
		"LEFT JOIN sellers s ON s.seller_id = c.seller_id ORDER BY 1)");
	char *brands = one(c,
		"SELECT group_concat(brand, ', ') FROM (SELECT l.brand FROM "
		"case_listings c JOIN listings l ON l.listing_id = c.listing_id WHERE "
		"l.brand IS NOT NULL AND l.brand <> '' GROUP BY l.brand "
		"ORDER BY count(*) DESC, l.brand LIMIT 3)");
	char *first = one(c, "SELECT substr(min(o.ordered_at), 1, 10) FROM " PAID_ORDERS);
	char *last = one(c, "SELECT substr(max(o.ordered_at), 1, 10) FROM " PAID_ORDERS);
	int nvalue = 0;

	fputs("<header>\n<p class=\"kicker\">Counterfeit goods: case report for referral</p>\n"
	      "<h1>",
		fp);
	h(fp, c->case_id);
	fputs("</h1>\n<p class=\"subtitle\">", fp);
	h(fp, c->title);
	fputs("</p>\n<p class=\"meta\">Exported ", fp);
	h(fp, c->when);
	fputs(" by ", fp);
	h(fp, c->analyst);
	fputs(" of ", fp);
	h(fp, c->org);
	if (c->recipient) {
		fputs(" for ", fp);
		h(fp, c->recipient);
	}
	fputs(". Case ", fp);
	h(fp, c->status);
	fputs(", opened ", fp);
	h(fp, c->opened_at);
	fputs(".", fp);
	if (c->redact)
		fputs(" Buyers are pseudonymised (buyer-&hellip;).", fp);
	fputs("</p>\n</header>\n", fp);

	/* The paragraph. */
	fprintf(fp, "<p class=\"lede\">%lld seller account%s on ", sellers,
		sellers == 1 ? "" : "s");
	h(fp, platforms ? platforms : "the platform");
	if (nets > 1)
		fprintf(fp, ", in %lld networks of linked accounts, appear to be organised groups",
			nets);
	else
		fputs(sellers > 1 ? " appear to be one operation" : " appears to be", fp);
	if (brands) {
		fputs(" offering counterfeit ", fp);
		h(fp, brands);
		fputs(" goods", fp);
	}
	fprintf(fp, ". %lld of their listings are flagged", flagged);
	if (fakes)
		fprintf(fp, ", and %lld test buy%s found counterfeit", fakes,
			fakes == 1 ? " was" : "s were");
	fputs(".", fp);
	if (paid && first && last) {
		fputs(" From <span class=\"nw\">", fp);
		h(fp, first);
		fputs("</span> to <span class=\"nw\">", fp);
		h(fp, last);
		fprintf(fp, "</span> they took %lld paid order%s worth ", paid,
			paid == 1 ? "" : "s");
		if ((s = prep(c, case_section_sql("value", NULL)))) {
			int i = 0;

			while (store_step(s) == STORE_ROW) {
				fputs(i++ ? " and " : "", fp);
				fputs("<span class=\"money\">", fp);
				h(fp, col(s, 2));
				fputc(' ', fp);
				h(fp, col(s, 0));
				fputs("</span>", fp);
			}
			store_done(s);
		}
		fputs(".", fp);
	}
	if (count(c, "SELECT count(*) FROM case_parties")) {
		fputs(" Goods came to them through ", fp);
		if (!chain_words(c, fp))
			fputs("upstream parties", fp);
		fputs(".", fp);
	}
	if (edges && sellers > 1) {
		fputs(" The accounts are tied together by what they share: ", fp);
		if ((s = prep(c,
			     "SELECT kind, count(DISTINCT value) FROM case_edges GROUP BY kind "
			     "ORDER BY CASE kind WHEN 'payment' THEN 0 WHEN 'device' THEN 1 "
			     "WHEN 'phone' THEN 2 WHEN 'email' THEN 3 ELSE 4 END, kind"))) {
			int i = 0;

			while (store_step(s) == STORE_ROW) {
				long long n = store_col_int(s, 1);

				fputs(i++ ? ", " : "", fp);
				fprintf(fp, "%lld ", n);
				h_kind(fp, col(s, 0));
				fputs(strcmp(col(s, 0), "payment") == 0
						? (n == 1 ? " account" : " accounts")
						: n == 1 ? ""
							 : "s",
					fp);
			}
			store_done(s);
		}
		fputs(".", fp);
	}
	fputs("</p>\n", fp);

	/* The figures. */
	fputs("<dl class=\"facts\">\n<dt>Accounts</dt><dd>", fp);
	fprintf(fp, "%lld on ", sellers);
	h(fp, platforms ? platforms : "the platform");
	if ((s = prep(c,
		     "SELECT s.owner_name, count(*) FROM case_sellers c JOIN sellers s ON "
		     "s.seller_id = c.seller_id WHERE s.owner_name IS NOT NULL AND "
		     "s.owner_name <> '' GROUP BY 1 ORDER BY 2 DESC, 1"))) {
		int i = 0, more = 0;

		while (store_step(s) == STORE_ROW) {
			if (i >= 4) {
				more++;
				continue;
			}
			fputs(i++ ? ", " : "; registered to ", fp);
			h_cut(fp, col(s, 0), 30);
			fprintf(fp, " (%lld)", (long long)store_col_int(s, 1));
		}
		if (more)
			fprintf(fp, " and %d other name%s", more, more == 1 ? "" : "s");
		store_done(s);
	}
	fputs("</dd>\n<dt>Brands</dt><dd>", fp);
	if ((s = prep(c,
		     "SELECT l.brand, count(*) FROM case_listings c JOIN listings l ON "
		     "l.listing_id = c.listing_id WHERE l.brand IS NOT NULL AND l.brand <> '' "
		     "GROUP BY 1 ORDER BY 2 DESC, 1"))) {
		int i = 0, more = 0;

		while (store_step(s) == STORE_ROW) {
			if (i >= 6) {
				more++;
				continue;
			}
			fputs(i++ ? ", " : "", fp);
			h(fp, col(s, 0));
			fprintf(fp, " (%lld)", (long long)store_col_int(s, 1));
		}
		if (more)
			fprintf(fp, " and %d more", more);
		if (!i)
			fputs("none named", fp);
		store_done(s);
	}
	fprintf(fp, "; %lld flagged listing%s</dd>\n<dt>Counterfeit evidence</dt><dd>", flagged,
		flagged == 1 ? "" : "s");
	if ((s = prep(c,
		     "SELECT coalesce(lower(t.verdict), 'no verdict'), count(*), "
		     "replace(group_concat(DISTINCT t.report_ref), ',', ', ') FROM case_testbuys ct JOIN "
		     "testbuys t ON t.testbuy_id = ct.testbuy_id GROUP BY 1 "
		     "ORDER BY coalesce(lower(t.verdict), 'no verdict') = 'counterfeit' DESC, 1"))) {
		int i = 0;

		while (store_step(s) == STORE_ROW) {
			fputs(i++ ? "; " : "test buys: ", fp);
			fprintf(fp, "%lld ", (long long)store_col_int(s, 1));
			h(fp, col(s, 0));
			if (*col(s, 2)) {
				fputs(" (lab reference ", fp);
				h_cut(fp, col(s, 2), 80);
				fputs(")", fp);
			}
		}
		if (!i)
			fputs("no test buys", fp);
		store_done(s);
	}
	{
		long long notices = count(c, "SELECT count(*) FROM case_takedowns");

		if (notices)
			fprintf(fp, "; %lld takedown notice%s from rights holders", notices,
				notices == 1 ? "" : "s");
	}
	fputs("</dd>\n<dt>Value</dt><dd>", fp);
	if ((s = prep(c, case_section_sql("value", NULL)))) {
		while (store_step(s) == STORE_ROW) {
			fputs(nvalue++ ? ", " : "", fp);
			fputs("<span class=\"money\">", fp);
			h(fp, col(s, 2));
			fputc(' ', fp);
			h(fp, col(s, 0));
			fputs("</span>", fp);
			fprintf(fp, " (%lld orders)", (long long)store_col_int(s, 1));
		}
		store_done(s);
	}
	fputs(nvalue ? "; delivered and paid orders of the flagged listings, cancelled and refunded "
		       "ones left out"
		     : "no paid orders of the flagged listings",
		fp);
	fprintf(fp,
		"</dd>\n<dt>Orders and period</dt><dd>%lld order%s of the flagged listings, "
		"%lld paid",
		orders, orders == 1 ? "" : "s", paid);
	if (first && last) {
		fputs(", from <span class=\"nw\">", fp);
		h(fp, first);
		fputs("</span> to <span class=\"nw\">", fp);
		h(fp, last);
		fputs("</span>", fp);
	}
	fputs("</dd>\n<dt>Upstream</dt><dd>", fp);
	if (!chain_words(c, fp))
		fputs("no shipments traced upstream", fp);
	fputs("</dd>\n<dt>Why one operation</dt><dd>", fp);
	if (!edges || sellers < 2) {
		fputs("no link evidence between the accounts", fp);
	} else if ((s = prep(c,
			    "SELECT kind, count(*), count(DISTINCT value), "
			    "sum(comparator = 'exact') FROM case_edges GROUP BY kind "
			    "ORDER BY CASE kind WHEN 'payment' THEN 0 WHEN 'device' THEN 1 "
			    "WHEN 'phone' THEN 2 WHEN 'email' THEN 3 ELSE 4 END, kind"))) {
		int i = 0;

		while (store_step(s) == STORE_ROW) {
			const char *k = col(s, 0);

			fputs(i++ ? "; " : "", fp);
			fputs(strcmp(k, "payment") == 0            ? "the same payment account"
					: strcmp(k, "device") == 0 ? "the same device logging in"
					: strcmp(k, "phone") == 0  ? "the same phone number"
					: strcmp(k, "email") == 0  ? "the same email address"
								   : "the same ",
				fp);
			if (strcmp(k, "payment") && strcmp(k, "device") && strcmp(k, "phone") &&
				strcmp(k, "email"))
				h_kind(fp, k);
			fprintf(fp, " (%lld piece%s of evidence%s)", (long long)store_col_int(s, 1),
				store_col_int(s, 1) == 1 ? "" : "s",
				store_col_int(s, 3) < store_col_int(s, 1) ? ", some fuzzy" : "");
		}
		store_done(s);
	}
	fputs("</dd>\n</dl>\n", fp);
	free(platforms);
	free(brands);
	free(first);
	free(last);
}

static const struct {
	const char *id, *title;
} toc[] = {
	{ "accounts", "The accounts" },
	{ "links", "Why the accounts are one operation" },
	{ "payments", "Payment accounts" },
	{ "network", "The network" },
	{ "upstream", "Upstream: where the goods came from" },
	{ "evidence", "Counterfeit evidence: test buys and notices" },
	{ "listings", "Flagged listings" },
	{ "findings", "Findings and their grades" },
	{ "timeline", "Timeline" },
	{ "notes", "Notes and custody" },
	{ "sources", "Source files" },
	{ "certification", "Certification" },
};

static void section(FILE *fp, int i)
{
	fprintf(fp, "<h2 id=\"%s\">%d. %s</h2>\n", toc[i].id, i + 1, toc[i].title);
}

static int networks(struct report_ctx *c, FILE *fp)
{
	struct store_stmt *s = prep(c,
		"SELECT network_id, count(*) FROM case_sellers WHERE network_id "
		"IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1");
	int n = 0;

	if (!s)
		return EX_SOFTWARE;
	fputs("<p class=\"legend\"><span><i class=\"sw\" style=\"background:#f4c7c3\"></i>account "
	      "with flagged listings</span><span><i class=\"sw\" style=\"background:#e8eef7\">"
	      "</i>account without</span><span><i class=\"sw\" style=\"border:0;border-top:2pt "
	      "solid #b3261e;height:0\"></i>what two accounts share (thick: several pieces; "
	      "dashed: a fuzzy match)</span></p>\n",
		fp);
	while (store_step(s) == STORE_ROW) {
		long long size = store_col_int(s, 1);
		char *id = xstrdup(col(s, 0));

		n++;
		if (size > REPORT_MAX_PARTS * REPORT_MAX_DRAWN) {
			fputs("<figure>\n", fp);
			fprintf(fp,
				"<p class=\"none\">%lld accounts are too many to draw "
				"legibly; they are listed in section 1 and drawn in "
				"<code>data/graph/network.dot</code> (Graphviz).</p>\n",
				size);
			fputs("<figcaption>Network <b>", fp);
			h(fp, id);
			fprintf(fp, "</b>: %lld accounts.</figcaption>\n</figure>\n", size);
		} else {
			struct gnet g;
			int part;

			gnet_load(c, id, &g);
			for (part = 0; part < g.parts; part++) {
				char *dot = gnet_dot(&g, part);

				fputs("<figure>\n", fp);
				picture(fp, dot, "dot");
				free(dot);
				fputs("<figcaption>Network <b>", fp);
				h(fp, id);
				fprintf(fp, "</b>: %lld account%s", size, size == 1 ? "" : "s");
				if (g.parts > 1)
					fprintf(fp,
						", part %d of %d (dashed: an account drawn in "
						"another part)",
						part + 1, g.parts);
				fputs(".</figcaption>\n</figure>\n", fp);
			}
			gnet_free(&g);
		}
		free(id);
	}
	store_done(s);
	if (!n)
		fputs("<p class=\"none\">No network: casekit link has not joined these accounts to "
		      "others.</p>\n",
			fp);
	return 0;
}

static int listings(struct report_ctx *c, FILE *fp)
{
	int scored = store_table_exists(c->st, "scores");
	struct store_stmt *s = prep(c,
		scored ? "SELECT l.listing_id, l.seller_id, l.title, l.url, l.brand, "
			 "ck_money(l.price, l.currency) || ' ' || l.currency, c.why, sc.reasons, " REF(
				 "l") " FROM case_listings c JOIN listings l ON l.listing_id = "
				      "c.listing_id LEFT JOIN scores sc ON sc.listing_id = c.listing_id "
				      "ORDER BY l.seller_id, l.listing_id"
		       : "SELECT l.listing_id, l.seller_id, l.title, l.url, l.brand, "
			 "ck_money(l.price, l.currency) || ' ' || l.currency, c.why, NULL, " REF(
				 "l") " FROM case_listings c JOIN listings l ON l.listing_id = "
				      "c.listing_id ORDER BY l.seller_id, l.listing_id");
	int n = 0, rc;

	if (!s)
		return EX_SOFTWARE;
	fputs("<p>Every flagged listing with why it is flagged: the screening rules' reasons in "
	      "words, a test buy, a takedown notice or the analyst's lead. The addresses are given "
	      "as text, not links: open them only from a machine fit for the purpose.</p>\n",
		fp);
	while ((rc = store_step(s)) == STORE_ROW) {
		if (n++ == 0)
			fputs("<table>\n<thead><tr><th style=\"width:34%\">listing</th><th>account</th>"
			      "<th>brand</th><th>price</th><th style=\"width:30%\">why flagged</th>"
			      "<th style=\"width:13%\">source row</th></tr></thead>\n<tbody>\n",
				fp);
		fputs("<tr><td><b>", fp);
		h(fp, col(s, 0));
		fputs("</b> ", fp);
		h(fp, col(s, 2));
		if (*col(s, 3)) {
			fputs("<br><span class=\"url\">", fp);
			h(fp, col(s, 3));
			fputs("</span>", fp);
		}
		fputs("</td><td>", fp);
		h(fp, col(s, 1));
		fputs("</td><td>", fp);
		h(fp, col(s, 4));
		fputs("</td><td class=\"n\">", fp);
		h(fp, col(s, 5));
		fputs("</td><td>", fp);
		reasons_words(fp, col(s, 6), col(s, 7));
		fputs("</td><td class=\"ref\">", fp);
		h(fp, col(s, 8));
		fputs("</td></tr>\n", fp);
	}
	store_done(s);
	if (rc != STORE_DONE)
		return rc;
	fputs(n ? "</tbody>\n</table>\n" : "<p class=\"none\">No flagged listings.</p>\n", fp);
	return 0;
}

static int cmp_natural(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;

	return ck_natural_cmp(x, strlen(x), y, strlen(y));
}

/*
 * Rows grouped by period and kind: how many, and the first few subjects as people read ids
 * (column 3 holds them all, joined by char(31), in whatever order the store found them).
 */
static int grouped(struct report_ctx *c, FILE *fp, const char *sql, int period, const char *h1,
	const char *h2, const char *full)
{
	struct store_stmt *s = prep(c, sql);
	char **v = NULL;
	size_t nv = 0, cap = 0, i;
	int n = 0, rc;

	if (!s)
		return EX_SOFTWARE;
	if (store_bind_count(s) >= 2)
		store_bind_int(s, 2, period);
	while ((rc = store_step(s)) == STORE_ROW) {
		char *subj = xstrdup(col(s, 3)), *p, *save = NULL;

		for (nv = 0, p = strtok_r(subj, "\x1f", &save); p;
			p = strtok_r(NULL, "\x1f", &save)) {
			if (nv == cap)
				v = xrealloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));
			v[nv++] = p;
		}
		if (nv)
			qsort(v, nv, sizeof(*v), cmp_natural);

		if (n++ == 0)
			fprintf(fp,
				"<table>\n<thead><tr><th>%s</th><th>%s</th><th>rows</th>"
				"<th style=\"width:45%%\">among them</th></tr></thead>\n<tbody>\n",
				h1, h2);
		fputs("<tr><td>", fp);
		h(fp, col(s, 0));
		fputs("</td><td>", fp);
		h(fp, col(s, 1));
		fprintf(fp, "</td><td class=\"n\">%lld</td><td>", (long long)store_col_int(s, 2));
		for (i = 0; i < nv && i < 6; i++) {
			fputs(i ? ", " : "", fp);
			h(fp, v[i]);
		}
		if (nv > 6)
			fprintf(fp, " and %lld more", (long long)store_col_int(s, 2) - 6);
		fputs("</td></tr>\n", fp);
		free(subj);
	}
	free(v);
	store_done(s);
	if (rc != STORE_DONE)
		return rc;
	if (n)
		fputs("</tbody>\n</table>\n", fp);
	fprintf(fp, "<p class=\"small\">Every row, with its source row: <code>%s</code>.</p>\n",
		full);
	return 0;
}

/* The evidence rows of one kind of event, dated: (at, kind, subject). */
static const char timeline_sql[] =
	"SELECT substr(at, 1, ?2) AS period, kind, count(*), group_concat(subject, char(31)) FROM ("
	"SELECT s.registered_at AS at, 'account registered' AS kind, s.seller_id AS subject "
	" FROM sellers s JOIN case_sellers c ON c.seller_id = s.seller_id "
	"UNION ALL SELECT l.created_at, 'flagged listing created', l.listing_id FROM listings l "
	" JOIN case_listings c ON c.listing_id = l.listing_id "
	"UNION ALL SELECT o.ordered_at, 'order of a flagged listing', o.order_id FROM orders o "
	" JOIN case_orders c ON c.order_id = o.order_id "
	"UNION ALL SELECT t.bought_at, 'test buy: ' || coalesce(lower(t.verdict), '?'), "
	" t.testbuy_id FROM case_testbuys c JOIN testbuys t ON t.testbuy_id = c.testbuy_id "
	"UNION ALL SELECT t.received_at, 'takedown notice', t.notice_id FROM case_takedowns c "
	" JOIN takedowns t ON t.notice_id = c.notice_id "
	"UNION ALL SELECT shipped_at, 'shipment from upstream', shipment_id FROM case_goods "
	"UNION ALL SELECT at, 'case ' || action, analyst FROM custody WHERE case_id = ?1 "
	") WHERE at IS NOT NULL AND at <> '' GROUP BY 1, 2 ORDER BY 1, 2";

static int html_body(struct report_ctx *c, const char *dot, FILE *fp)
{
	size_t i;
	int rc;

	(void)dot; /* the package's whole network; the report draws one network at a time */
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n", fp);
	/* Should escaping ever fail, a browser still runs and loads nothing. */
	fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n",
		fp);
	fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n", fp);
	fputs("<title>", fp);
	h(fp, c->case_id);
	fputs(": ", fp);
	h(fp, c->title);
	fprintf(fp, "</title>\n<style>\n%s", css);
	/* Printed: A4, the case id on every page, page numbers. */
	fputs("@page{size:A4;margin:16mm 13mm 15mm;@top-left{content:", fp);
	css_str(fp, c->case_id);
	fputs(";font:8pt Helvetica,Arial,sans-serif;color:#444}@top-right{content:"
	      "\"Counterfeit case report\";font:8pt Helvetica,Arial,sans-serif;color:#444}"
	      "@bottom-right{content:\"page \" counter(page) \" of \" counter(pages);"
	      "font:8pt Helvetica,Arial,sans-serif;color:#444}@bottom-left{content:",
		fp);
	css_str(fp, c->case_id);
	fputs(";font:8pt Helvetica,Arial,sans-serif;color:#444}}\n</style>\n</head>\n<body>\n", fp);

	cover(c, fp);
	fputs("<nav class=\"toc\">\n<h2>Contents</h2>\n<ol>\n", fp);
	for (i = 0; i < sizeof(toc) / sizeof(*toc); i++)
		fprintf(fp, "<li><a href=\"#%s\">%s</a></li>\n", toc[i].id, toc[i].title);
	fputs("</ol>\n<p class=\"small\">Each fact names the source row it rests on, as "
	      "<i>data/sources/&hellip;.csv line N</i>: the package carries those rows with their "
	      "line in the platform's original file (<code>data/sources/SOURCES.txt</code> "
	      "names each file with its SHA-256). Full tables: <code>data/tables/</code>.</p>\n"
	      "</nav>\n",
		fp);

	section(fp, 0);
	{
		/* The network column only when there is more than one to tell apart. */
		int several = count(c, "SELECT count(DISTINCT network_id) FROM case_sellers") > 1;
		char *sql = xasprintf(
			"SELECT c.seller_id AS account, s.shop_name AS shop, s.owner_name AS "
			"\"registered to\", substr(s.registered_at, 1, 10) AS since, s.status, "
			"(SELECT count(*) FROM case_listings l WHERE l.seller_id = c.seller_id) AS "
			"flagged, (SELECT count(*) FROM " PAID_ORDERS " AND cl.seller_id = "
			"c.seller_id) AS \"paid orders\", (SELECT group_concat(v, ', ') FROM (SELECT "
			"ck_money(sum(o.amount), o.currency) || char(160) || o.currency AS v FROM " PAID_ORDERS
			" AND cl.seller_id = c.seller_id GROUP BY o.currency ORDER BY o.currency)) AS "
			"value, %s" REF(
				"s") " AS \"source row\" FROM case_sellers c LEFT JOIN sellers "
				     "s ON s.seller_id = c.seller_id ORDER BY c.network_id IS NULL, c.network_id, "
				     "c.seller_id",
			several ? "c.network_id AS network, " : "");

		rc = html_table(c, fp, sql, "No accounts.");
		free(sql);
		if (rc)
			return rc;
	}

	section(fp, 1);
	fputs("<p>What the accounts share, piece by piece, strongest first: a payment account or a "
	      "device is machine evidence, a phone or email usually one person's, an address or a "
	      "name weaker alone. <i>Holders</i> is how many accounts of the whole store hold the "
	      "same value.</p>\n",
		fp);
	if (store_table_exists(c->st, "link_edges")) {
		rc = html_table(c, fp,
			"SELECT e.kind AS shared, e.seller_a || ' and ' || e.seller_b AS accounts, "
			"coalesce(ia.raw, ia.value, CASE WHEN e.kind = 'payment' THEN '(masked)' ELSE "
			"e.value END) AS \"as the platform has it\", e.holders AS holders, "
			"CASE WHEN e.comparator = 'exact' THEN 'exact' ELSE 'fuzzy' END AS \"match\", "
			"coalesce(e.file_a || ' line ' || e.line_a, '') || CASE WHEN e.file_b IS NULL "
			"THEN '' ELSE '; ' || e.file_b || ' line ' || e.line_b END AS \"source rows\" "
			"FROM case_edges e LEFT JOIN link_edges x ON x.edge_id = e.edge_id AND "
			"x.kind = e.kind AND x.seller_a = e.seller_a AND x.seller_b = e.seller_b "
			"LEFT JOIN identifiers ia ON ia.ident_id = x.ident_a "
			"ORDER BY CASE e.kind WHEN 'payment' THEN 0 WHEN 'device' THEN 1 WHEN 'phone' "
			"THEN 2 WHEN 'email' THEN 3 ELSE 4 END, e.kind, e.edge_id",
			"No link evidence: casekit link has not joined these accounts.");
	} else {
		fputs("<p class=\"none\">No link evidence: casekit link has not run.</p>\n", fp);
		rc = 0;
	}
	if (rc)
		return rc;

	section(fp, 2);
	fputs("<p>Every payment account the platform holds for these accounts, as the platform "
	      "shows it (masked), with the record to request from the platform. <i>Also "
	      "used by</i> names the other accounts paid through the same one.</p>\n",
		fp);
	/*
	 * Other holders of an instrument, once per instrument: a shared one (a payment service)
	 * has thousands of holders, so they are counted in an index alone. Ingest makes
	 * payments_instrument (SQLite); a store without it counts them through the payment
	 * identifiers (ingest makes each from its payments row: value the instrument_hash, holder
	 * the seller, and nothing else makes one), which reads a row of each holder.
	 */
	if ((rc = store_exec(c->st,
		     "DROP TABLE IF EXISTS temp.report_pay_out;"
		     "CREATE TEMP TABLE report_pay_out(h TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;")))
		return rc;
	if ((rc = store_exec(c->st,
		     store_index_exists(c->st, "payments_instrument")
			     ? "INSERT INTO temp.report_pay_out SELECT x.h, count(DISTINCT q.seller_id) "
			       "FROM (SELECT DISTINCT p.instrument_hash AS h FROM case_sellers c CROSS "
			       "JOIN payments p ON p.seller_id = c.seller_id) x CROSS JOIN payments q "
			       "ON q.instrument_hash = x.h WHERE q.seller_id NOT IN (SELECT seller_id "
			       "FROM case_sellers) GROUP BY x.h"
			     : "INSERT INTO temp.report_pay_out SELECT i.value, count(DISTINCT "
			       "i.holder_id) FROM (SELECT DISTINCT p.instrument_hash AS h FROM "
			       "case_sellers c CROSS JOIN payments p ON p.seller_id = c.seller_id WHERE "
			       "p.instrument_hash IS NOT NULL) x CROSS JOIN identifiers i ON i.kind = "
			       "'payment' AND i.value = x.h AND i.holder_kind = 'seller' WHERE "
			       "i.holder_id NOT IN (SELECT seller_id FROM case_sellers) GROUP BY i.value")))
		return rc;
	if ((rc = html_table(c, fp,
		     "SELECT p.seller_id AS account, '****' || coalesce(p.instrument_last4, '') AS "
		     "\"payment account\", coalesce(p.instrument_type, '') AS type, "
		     "coalesce(p.bank, '') AS institution, coalesce(p.holder_name, '') AS holder, "
		     "substr(p.added_at, 1, 10) AS added, coalesce((SELECT replace(group_concat(DISTINCT "
		     "q.seller_id), ',', ', ') FROM payments q JOIN case_sellers k ON k.seller_id = "
		     "q.seller_id WHERE q.instrument_hash = p.instrument_hash AND q.seller_id <> "
		     "p.seller_id), '') || coalesce((SELECT ' (and ' || n || ' accounts outside the "
		     "case)' FROM temp.report_pay_out WHERE h = p.instrument_hash), '') AS \"also "
		     "used by\", " REF(
			     "p") " AS \"source row\" FROM payments p JOIN case_sellers c ON c.seller_id = "
				  "p.seller_id ORDER BY p.seller_id, p.payment_id",
		     "No payment accounts on record for these accounts.")))
		return rc;

	section(fp, 3);
	if ((rc = networks(c, fp)))
		return rc;

	section(fp, 4);
	if (count(c, "SELECT count(*) FROM case_parties") == 0) {
		fputs("<p class=\"none\">No shipments lead upstream from these accounts.</p>\n",
			fp);
	} else {
		chains(c, fp);
		if ((rc = case_party_totals(c->st)) ||
			(rc = html_table(c, fp,
				 "SELECT c.party_id AS party, coalesce(p.kind, '') AS kind, "
				 "coalesce(p.name, '') AS name, c.depth AS steps, c.via AS \"ships to\", "
				 "coalesce(t.n, 0) AS shipments, t.q AS units, " REF(
					 "p") " AS \"source row\" FROM case_parties c LEFT JOIN case_party_totals t ON t.party_id = c.party_id "
					      "LEFT JOIN parties p ON p.party_id = c.party_id ORDER BY c.depth, "
					      "c.party_id",
				 "")))
			return rc;
	}

	section(fp, 5);
	fputs("<h3>Test buys</h3>\n", fp);
	if ((rc = html_table(c, fp,
		     "SELECT t.testbuy_id AS \"test buy\", t.listing_id AS listing, l.seller_id AS "
		     "account, substr(t.bought_at, 1, 10) AS bought, ck_money(t.cost, t.currency) || "
		     "char(160) || t.currency AS cost, coalesce(t.verdict, '') AS verdict, "
		     "coalesce(t.report_ref, '') AS \"lab reference\", " REF(
			     "t") " AS \"source row\" "
				  "FROM case_testbuys ct JOIN testbuys t ON t.testbuy_id = ct.testbuy_id "
				  "JOIN listings l ON l.listing_id = t.listing_id ORDER BY lower(t.verdict) = "
				  "'counterfeit' DESC, t.testbuy_id",
		     "No test buys of these accounts' listings.")))
		return rc;
	fputs("<h3>Takedown notices</h3>\n", fp);
	if ((rc = html_table(c, fp,
		     "SELECT coalesce(t.rights_holder, '?') AS \"rights holder\", count(*) AS "
		     "notices, replace(group_concat(DISTINCT coalesce(t.outcome, 'open')), ',', ', ') AS "
		     "outcomes, "
		     "group_concat(t.listing_id, ', ') AS listings, min(substr(t.received_at, 1, "
		     "10)) AS first, max(substr(t.received_at, 1, 10)) AS last FROM case_takedowns c "
		     "JOIN takedowns t ON t.notice_id = c.notice_id GROUP BY 1 ORDER BY 2 "
		     "DESC, 1",
		     "No takedown notices.")))
		return rc;

	section(fp, 6);
	if ((rc = listings(c, fp)))
		return rc;

	section(fp, 7);
	fputs("<p>The findings grouped by kind and grade: source reliability A (always "
	      "reliable) to E (untested), information confidence 1 (known to be true) to 5 "
	      "(suspected false), after the slash the handling code (5x5x5).</p>\n",
		fp);
	if ((rc = grouped(c, fp,
		     "SELECT kind, reliability || confidence || '/' || handling || ': ' || "
		     "min(rule), count(*), group_concat(finding, char(31)) FROM (SELECT * FROM "
		     "case_findings ORDER BY finding) GROUP BY kind, reliability, confidence, "
		     "handling ORDER BY kind, reliability, confidence",
		     0, "kind", "grade and basis", "data/tables/findings.csv")))
		return rc;

	section(fp, 8);
	{
		/* By day when that stays short, else by month. */
		long long days = count(c,
			"SELECT count(DISTINCT substr(at, 1, 10)) FROM (SELECT ordered_at AS at FROM "
			"orders o JOIN case_listings c ON c.listing_id = o.listing_id UNION ALL "
			"SELECT created_at FROM listings l JOIN case_listings c ON c.listing_id = "
			"l.listing_id)");
		int len = days > 40 ? 7 : 10;

		fprintf(fp, "<p>The dated events grouped by %s and kind.</p>\n",
			len == 7 ? "month" : "day");
		if ((rc = grouped(c, fp, timeline_sql, len, len == 7 ? "month" : "day", "event",
			     "data/tables/timeline.csv")))
			return rc;
	}

	section(fp, 9);
	if ((rc = html_table(c, fp,
		     "SELECT at AS time, analyst, text AS note FROM case_notes WHERE case_id = ?1 "
		     "ORDER BY note_id",
		     "No notes.")))
		return rc;
	fputs("<p>The custody log (every entry, with its command line and hash: "
	      "<code>data/case/custody.log</code>):</p>\n",
		fp);
	if ((rc = html_table(c, fp,
		     "SELECT seq, at AS time, action, analyst, version AS casekit FROM custody "
		     "WHERE case_id = ?1 ORDER BY seq",
		     "No entries.")))
		return rc;

	section(fp, 10);
	fputs("<p>The platform's files this case rests on, as they were ingested. The rows cited "
	      "are in the package, each with its line in the original file.</p>\n",
		fp);
	if ((rc = html_table(c, fp,
		     "SELECT 'data/sources/' || r.name AS \"in the package\", m.kind, "
		     "(SELECT count(*) FROM temp.report_cites x WHERE x.source_id = r.source_id) AS "
		     "\"rows cited\", m.size AS bytes, m.sha256 AS \"SHA-256 of the original\" "
		     "FROM temp.report_src r JOIN main.sources m USING (source_id) ORDER BY r.name",
		     "No source files.")))
		return rc;

	fputs("<div class=\"cert\">\n", fp);
	section(fp, 11);
	fputs("<p>This package was produced by <b>" PACKAGE_STRING "</b> as a BagIt 1.0 bag (RFC "
	      "8493). Every file is listed with "
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

int report_html(struct report_ctx *c, const char *dot, FILE *fp)
{
	int rc = html_body(c, dot, fp);

#ifdef HAVE_GVC
	if (report_gvc)
		gvFreeContext(report_gvc);
	report_gvc = NULL;
#endif
	return rc;
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
	struct store_stmt *s;
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
	for (i = 0; store_step(s) == STORE_ROW; i++) {
		if (i)
			fputc(',', fp);
		ld_ref(&l, "account", col(s, 0));
	}
	store_done(s);
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
	while (store_step(s) == STORE_ROW) {
		node_start(&l, "organization", col(s, 0), "uco-identity:Organization");
		prop(&l, "uco-core:name", col(s, 0));
		fputs("}", fp);
	}
	store_done(s);

	/* A DigitalAccount per seller. */
	if (!(s = prep(c,
		      "SELECT c.seller_id, coalesce(s.platform, 'unknown'), s.shop_name, "
		      "s.status, s.registered_at FROM case_sellers c "
		      "LEFT JOIN sellers s ON s.seller_id = c.seller_id ORDER BY c.seller_id")))
		return EX_SOFTWARE;
	while (store_step(s) == STORE_ROW) {
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
		if (store_col_type(s, 4) != STORE_NULL)
			when(&l, "uco-observable:observableCreatedTime", col(s, 4));
		fputs("},{\"@id\":", fp);
		ld_id(&l, "digital-account-facet", id);
		fputs(",\"@type\":\"uco-observable:DigitalAccountFacet\"", fp);
		prop(&l, "uco-observable:displayName", col(s, 2));
		fputs("}]}", fp);
	}
	store_done(s);

	/* A Relationship per piece of link evidence. */
	if (!(s = prep(c,
		      "SELECT edge_id, seller_a, seller_b, kind, value, comparator, file_a, "
		      "line_a, file_b, line_b FROM case_edges ORDER BY edge_id, kind")))
		return EX_SOFTWARE;
	while (store_step(s) == STORE_ROW) {
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
	store_done(s);

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
	store_bind_text(s, 2, c->analyst);
	while (store_step(s) == STORE_ROW) {
		node_start(&l, "person", col(s, 0), "uco-identity:Person");
		prop(&l, "uco-core:name", col(s, 0));
		fputs("}", fp);
	}
	store_done(s);

	/* The custody log: one InvestigativeAction each, chained by ProvenanceRecords. */
	if (!(s = prep(c,
		      "SELECT seq, at, action, analyst, detail FROM custody "
		      "WHERE case_id = ?1 ORDER BY seq")))
		return EX_SOFTWARE;
	while (store_step(s) == STORE_ROW) {
		char seq[24], *exhibit;
		const char *action = col(s, 2), *at = col(s, 1), *who = col(s, 3);
		const char *detail = col(s, 4);
		/* The export's entry is this package: its record names the files. */
		int this = store_col_int(s, 0) == c->export_seq;

		snprintf(seq, sizeof(seq), "%lld", (long long)store_col_int(s, 0));
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
	store_done(s);
	free(prev);
	fputs("\n]}\n", fp);
	return 0;
}
