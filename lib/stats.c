/* stats.c - the enforcement figures of a store or a case: counts, flags, networks, values */
#include "casekit.h"
#include "case.h"
#include "ident.h"
#include "link.h"
#include "money.h"
#include "output.h"
#include "stats.h"
#include "store.h"
#include <ctype.h>
#include <math.h>

/* Where the figures come from: the whole store, or the sellers of one case. */
struct stats {
	struct store *st;
	struct out *o;
	const char *case_id; /* NULL: the whole store */
	const char *part;    /* pasted for @P: the section's own filter, itself written with @S */
	const char *with;    /* pasted, with @S, before each statement: the section's CTEs */
	unsigned flags;      /* STATS_RECOUNT */
	int rc;
};

/* The scope, pasted for @S: a filter on seller_id (every figure table has that column). */
static const char scope_store[] = "1";
static const char scope_case[] = "seller_id IN (SELECT seller_id FROM case_members WHERE "
				 "case_id = ?1)";

/* Append tmpl with every @S replaced by the scope and every @P by the section's filter. */
static void paste(struct buf *b, const struct stats *sx, const char *tmpl)
{
	const char *p;

	for (p = tmpl; *p; p++)
		if (p[0] == '@' && p[1] == 'S') {
			buf_adds(b, sx->case_id ? scope_case : scope_store);
			p++;
		} else if (p[0] == '@' && p[1] == 'P' && sx->part) {
			paste(b, sx, sx->part);
			p++;
		} else {
			buf_addc(b, *p);
		}
}

/* The statement of tmpl, pasted as above, with ?1 bound to the case; NULL on error. */
static struct store_stmt *prep(struct stats *sx, const char *tmpl)
{
	struct buf b = { 0 };
	struct store_stmt *s;

	if (sx->with)
		paste(&b, sx, sx->with);
	paste(&b, sx, tmpl);
	if (!(s = store_prepare(sx->st, b.s))) {
		if (!sx->rc)
			sx->rc = EX_SOFTWARE;
	} else if (sx->case_id && store_bind_count(s) >= 1) {
		store_bind_text(s, 1, sx->case_id);
	}
	buf_free(&b);
	return s;
}

static void cell(struct out *o, struct store_stmt *s, int col)
{
	switch (store_col_type(s, col)) {
	case STORE_INT:
		out_int(o, store_col_int(s, col));
		break;
	case STORE_REAL:
		out_real(o, store_col_double(s, col));
		break;
	case STORE_NULL:
		out_null(o);
		break;
	default:
		out_text(o, store_col_text(s, col));
	}
}

/* One figure: the first column of the one row sql gives. */
static void figure(struct stats *sx, const char *name, const char *sql)
{
	struct store_stmt *s = prep(sx, sql);

	if (!s)
		return;
	out_text(sx->o, name);
	if (store_step(s) == STORE_ROW)
		cell(sx->o, s, 0);
	else
		out_null(sx->o);
	out_end_row(sx->o);
	store_done(s);
}

/* Several figures from the one row sql gives: column i is names[i] (NULL-ended). */
static void figures(struct stats *sx, const char *const *names, const char *sql)
{
	struct store_stmt *s = prep(sx, sql);
	int row, i;

	if (!s)
		return;
	row = store_step(s) == STORE_ROW;
	for (i = 0; names[i]; i++) {
		out_text(sx->o, names[i]);
		if (row)
			cell(sx->o, s, i);
		else
			out_null(sx->o);
		out_end_row(sx->o);
	}
	store_done(s);
}

/* A breakdown: each row of sql is (key, value), printed as "name.key". */
static void group(struct stats *sx, const char *name, const char *sql)
{
	struct store_stmt *s = prep(sx, sql);
	char *what;

	if (!s)
		return;
	while (store_step(s) == STORE_ROW) {
		const char *key = store_col_text(s, 0);

		what = xasprintf("%s.%s", name, key && *key ? key : "none");
		out_text(sx->o, what);
		cell(sx->o, s, 1);
		out_end_row(sx->o);
		free(what);
	}
	store_done(s);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The median (the mean of the middle two for an even count) and the 95th percentile (nearest
 * rank: the smallest value with at least 95% of the values at or below it) of the values sql
 * gives, rounded to 0.1; null for no values.
 */
static void spread(struct stats *sx, const char *name, const char *sql)
{
	struct store_stmt *s = prep(sx, sql);
	double *v = NULL, med = NAN, p95 = NAN;
	size_t n = 0, cap = 0;
	char *what;

	if (!s)
		return;
	while (store_step(s) == STORE_ROW) {
		if (store_col_type(s, 0) == STORE_NULL)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n++] = store_col_double(s, 0);
	}
	store_done(s);
	if (n) {
		ck_sort(v, n, sizeof(*v), cmp_double);
		med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
		p95 = v[(size_t)ceil(0.95 * (double)n) - 1];
		med = round(med * 10) / 10;
		p95 = round(p95 * 10) / 10;
	}
	free(v);
	what = xasprintf("%s.median", name);
	out_text(sx->o, what);
	out_real(sx->o, med);
	out_end_row(sx->o);
	free(what);
	what = xasprintf("%s.p95", name);
	out_text(sx->o, what);
	out_real(sx->o, p95);
	out_end_row(sx->o);
	free(what);
}

static void store_counts(struct stats *sx)
{
	static const char *const extra[] = { "sources", "rejects", "identifiers", NULL };
	const char *const *lists[] = { store_kinds, extra };
	const char *const *t;
	int64_t n;
	size_t i;

	for (i = 0; i < 2; i++)
		for (t = lists[i]; *t; t++) {
			if ((n = store_count(sx->st, *t)) < 0) {
				sx->rc = EX_SOFTWARE;
				return;
			}
			out_text(sx->o, *t);
			out_int(sx->o, n);
			out_end_row(sx->o);
		}
}

static void case_counts(struct stats *sx)
{
	figure(sx, "case.sellers", "SELECT count(*) FROM case_members WHERE case_id = ?1");
	figure(sx, "case.leads", "SELECT count(*) FROM case_leads WHERE case_id = ?1");
	group(sx, "case.leads",
		"SELECT kind, count(*) FROM case_leads WHERE case_id = ?1 GROUP BY 1 ORDER BY 1");
	figure(sx, "case.listings", "SELECT count(*) FROM listings WHERE @S");
	figure(sx, "case.orders", "SELECT count(*) FROM orders WHERE @S");
}

/* The rows of each kind, or of a case: its sellers, leads, listings and orders. */
static void counts(struct stats *sx)
{
	if (sx->case_id)
		case_counts(sx);
	else
		store_counts(sx);
}

/* ---- the quality of the store's identifiers ---- */

/*
 * Per identifier kind, as ingest counts it for a run (casekit-ingest(1), Identifier quality):
 * keys recorded, national phones without a country, coarse addresses, null or private values,
 * hub candidates (more holders than link's default cap for their class) and values in the
 * stores' identifier columns that gave no key.
 */
struct quality {
	char *kind;
	int64_t keys, national, coarse, nolink, hubs, unparsed;
};

/* The identifier columns: a value in one whose row has no identifier from it is unparsed. */
static const struct qcol {
	const char *field, *kind;
} qcols[] = {
	{ "phone", IDENT_PHONE },
	{ "email", IDENT_EMAIL }, /* sellers */
	{ "address", IDENT_ADDRESS_UNIT },
	{ "return_address", IDENT_ADDRESS_UNIT },
	{ "phone", IDENT_PHONE },
	{ "email", IDENT_EMAIL }, /* parties */
	{ "address", IDENT_ADDRESS_UNIT },
	{ "device_id", IDENT_DEVICE }, /* logins */
	{ "ip", IDENT_IP },
};
#define NQCOLS (sizeof(qcols) / sizeof(*qcols))

/* The tables of those columns, each read once beside the identifiers, in the same order. */
static const struct qtab {
	const char *table, *holder_kind, *holder, *sql;
	size_t col0, ncols; /* its columns in qcols */
} qtabs[] = {
	{ "sellers", "seller", "seller_id",
		"SELECT seller_id, source_id, line, coalesce(phone, '') <> '', coalesce(email, '')"
		" <> '', coalesce(address, '') <> '', coalesce(return_address, '') <> ''"
		" FROM sellers",
		0, 4 },
	{ "parties", "party", "party_id",
		"SELECT party_id, source_id, line, coalesce(phone, '') <> '', coalesce(email, '')"
		" <> '', coalesce(address, '') <> '' FROM parties",
		4, 3 },
	{ "logins", "seller", "seller_id",
		"SELECT seller_id, source_id, line, coalesce(device_id, '') <> '', coalesce(ip, '')"
		" <> '' FROM logins",
		7, 2 },
};
#define NQTABS (sizeof(qtabs) / sizeof(*qtabs))

/* One identifier of the holder at hand that may account for a column's value. */
struct qid {
	int field; /* the first qcols entry of its field */
	int64_t source_id, line;
};

/*
 * The figures of each source: per identifier kind (col -1) its keys and flags, per column of
 * qcols (col >= 0) its values that gave no identifier. A tally adds up signed counts, so that
 * ingest can take back what a row it writes over had counted.
 */
struct tally_ent {
	int64_t src;
	char *kind;
	int col;
	int64_t keys, national, coarse, nolink, unparsed;
};

struct stats_tally {
	struct tally_ent *e;
	size_t n, cap;
};

/* The running state of the pass: the counts, the holder's identifiers, the tables. */
struct qpass {
	struct stats_tally tally;
	struct qid *ids;
	size_t nids, capids;
	struct store_stmt *tab[NQTABS];
	int at[NQTABS]; /* STORE_ROW while the table has a row at hand */
};

/* The order of SQLite's BINARY collation over text of n bytes (NULL: before everything). */
static int bin_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c;

	if (!a || !b)
		return !b - !a;
	c = memcmp(a, b, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

/*
 * 1 if "," flags "," (len bytes) holds "," word "," with ASCII case ignored, as LIKE
 * '%,word,%' finds it.
 */
static int flag_like(const char *flags, size_t len, const char *word)
{
	size_t n = strlen(word), i;
	const char *p = flags, *end = flags + len, *e;

	for (;; p = e + 1) {
		e = memchr(p, ',', (size_t)(end - p));
		if ((size_t)((e ? e : end) - p) == n) {
			for (i = 0; i < n && tolower((unsigned char)p[i]) == word[i]; i++)
				;
			if (i == n)
				return 1;
		}
		if (!e)
			return 0;
	}
}

static int qid_cmp(const void *a, const void *b)
{
	const struct qid *x = a, *y = b;

	if (x->field != y->field)
		return x->field < y->field ? -1 : 1;
	if (x->source_id != y->source_id)
		return x->source_id < y->source_id ? -1 : 1;
	return (x->line > y->line) - (x->line < y->line);
}

static int kind_cmp(const void *a, const void *b)
{
	const char *x = ((const struct quality *)a)->kind, *y = ((const struct quality *)b)->kind;

	return bin_cmp(x, strlen(x), y, strlen(y));
}

/* The entry of (src, kind, col), made if new; the latest entries are looked at first. */
static struct tally_ent *tally_get(struct stats_tally *t, int64_t src, const char *kind, int col)
{
	struct tally_ent *e;
	size_t i;

	for (i = t->n; i-- > 0;) {
		e = &t->e[i];
		if (e->src == src && e->col == col && strcmp(e->kind, kind) == 0)
			return e;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 32;
		t->e = xrealloc(t->e, t->cap * sizeof(*t->e));
	}
	e = memset(&t->e[t->n++], 0, sizeof(*e));
	e->src = src;
	e->kind = xstrdup(kind);
	e->col = col;
	return e;
}

static void tally_reset(struct stats_tally *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->e[i].kind);
	t->n = 0;
}

/*
 * Count one identifier row of source src (sign -1: take it back), its kind and flags (n
 * bytes, NULL for null), as GROUP BY kind with LIKE over the flags would.
 */
static void tally_ident(
	struct stats_tally *t, int64_t src, const char *kind, const char *flags, size_t n, int sign)
{
	struct tally_ent *q;

	if (!kind || strcmp(kind, IDENT_ADDRESS_BUILDING) == 0)
		return;
	q = tally_get(t, src, kind, -1);
	q->keys += sign;
	if (!flags)
		return;
	q->national += sign * flag_like(flags, n, "local");
	if (flag_like(flags, n, "coarse"))
		q->coarse += sign;
	else
		q->nolink += sign * flag_like(flags, n, "nolink");
}

/* Count delta values of column col (qcols) of source src that gave no identifier. */
static void tally_col(struct stats_tally *t, int64_t src, size_t col, int64_t delta)
{
	tally_get(t, src, qcols[col].kind, (int)col)->unparsed += delta;
}

/*
 * The rows of table t held by holder (NULL: every row left), which sorts at or after each of
 * them: a column with a value and no identifier of the holder from its field, source and line
 * is unparsed. p->ids holds the holder's identifiers, sorted.
 */
static int table_upto(struct qpass *p, size_t t, const char *holder, size_t hn)
{
	const struct qtab *qt = &qtabs[t];
	struct store_stmt *s = p->tab[t];
	size_t j;
	int c;

	while (p->at[t] == STORE_ROW) {
		const char *h = store_col_text(s, 0);
		int ints = store_col_type(s, 1) == STORE_INT && store_col_type(s, 2) == STORE_INT;

		c = holder ? bin_cmp(h, h ? store_col_bytes(s, 0) : 0, holder, hn) : -1;
		if (c > 0)
			break;
		for (j = 0; j < qt->ncols; j++) {
			struct qid k = { (int)(qt->col0 + j), store_col_int(s, 1),
				store_col_int(s, 2) };
			size_t f;

			if (!store_col_int(s, 3 + (int)j))
				continue;
			for (f = 0; strcmp(qcols[f].field, qcols[k.field].field) != 0; f++)
				;
			k.field = (int)f;
			if (c < 0 || !h || !ints ||
				!bsearch(&k, p->ids, p->nids, sizeof(*p->ids), qid_cmp))
				tally_col(&p->tally, store_col_int(s, 1), qt->col0 + j, 1);
		}
		p->at[t] = store_step(s);
	}
	return p->at[t] == STORE_ROW || p->at[t] == STORE_DONE ? 0 : p->at[t];
}

/*
 * The identifiers of one holder are read: match the tables' rows of that holder against them.
 * An identifier with no holder kind or id accounts for no row (= never holds for null).
 */
static int holder_done(struct qpass *p, const char *hkind, const char *holder, size_t hn)
{
	size_t t;
	int rc;

	if (!hkind || !holder)
		return 0;
	ck_sort(p->ids, p->nids, sizeof(*p->ids), qid_cmp);
	for (t = 0; t < NQTABS; t++)
		if (strcmp(qtabs[t].holder_kind, hkind) == 0 && (rc = table_upto(p, t, holder, hn)))
			return rc;
	return 0;
}

/* Keep a column's text (NULL for null) as the holder at hand. */
static void keep(struct buf *b, int *null, const char *v, size_t n)
{
	buf_reset(b);
	buf_add(b, v ? v : "", v ? n : 0);
	*null = !v;
}

/* Start each table's read, in holder order or in row order. */
static int open_tables(struct store *st, struct qpass *p, int by_holder)
{
	size_t t;
	char *sql;

	for (t = 0; t < NQTABS; t++) {
		sql = xasprintf(
			"%s ORDER BY %s", qtabs[t].sql, by_holder ? qtabs[t].holder : "rowid");
		p->tab[t] = store_prepare(st, sql);
		free(sql);
		if (!p->tab[t])
			return EX_SOFTWARE;
		if ((p->at[t] = store_step(p->tab[t])) > STORE_ROW)
			return p->at[t];
	}
	return 0;
}

/*
 * One pass over the identifiers in holder order (the index on holder_kind, holder_id), with
 * each identifier table beside it in the same order: the keys and flags per kind, and the
 * column values no identifier came from. Each column was a query that looked up every row's
 * holder again, and the keys a scan of their own: this reads each row once.
 */
static int holder_pass(struct store *st, struct qpass *p)
{
	struct store_stmt *s;
	struct buf hk = { 0 }, hid = { 0 };
	int have = 0, hk_null = 0, hid_null = 0, rc;
	size_t t;

	if ((rc = open_tables(st, p, 1)))
		return rc;
	if (!(s = store_prepare(st,
		      "SELECT holder_kind, holder_id, field, source_id, line, kind,"
		      " flags FROM identifiers ORDER BY holder_kind, holder_id")))
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *k = store_col_text(s, 0), *h = store_col_text(s, 1);
		const char *field = store_col_text(s, 2);
		size_t kn = k ? store_col_bytes(s, 0) : 0, hn = h ? store_col_bytes(s, 1) : 0, f;

		tally_ident(&p->tally, store_col_int(s, 3), store_col_text(s, 5),
			store_col_text(s, 6), store_col_bytes(s, 6), 1);
		if (!have || bin_cmp(k, kn, hk_null ? NULL : hk.s, hk.len) != 0 ||
			bin_cmp(h, hn, hid_null ? NULL : hid.s, hid.len) != 0) {
			if (have &&
				(rc = holder_done(p, hk_null ? NULL : hk.s, hid_null ? NULL : hid.s,
					 hid.len)))
				break;
			have = 1;
			keep(&hk, &hk_null, k, kn);
			keep(&hid, &hid_null, h, hn);
			p->nids = 0;
		}
		if (!field || store_col_type(s, 3) != STORE_INT ||
			store_col_type(s, 4) != STORE_INT)
			continue;
		for (f = 0; f < NQCOLS && strcmp(qcols[f].field, field) != 0; f++)
			;
		if (f == NQCOLS)
			continue;
		if (p->nids == p->capids) {
			p->capids = p->capids ? 2 * p->capids : 64;
			p->ids = xrealloc(p->ids, p->capids * sizeof(*p->ids));
		}
		p->ids[p->nids].field = (int)f;
		p->ids[p->nids].source_id = store_col_int(s, 3);
		p->ids[p->nids++].line = store_col_int(s, 4);
	}
	store_done(s);
	if (rc == STORE_DONE && have)
		rc = holder_done(p, hk_null ? NULL : hk.s, hid_null ? NULL : hid.s, hid.len);
	for (t = 0; t < NQTABS && rc == STORE_DONE; t++)
		rc = table_upto(p, t, NULL, 0);
	buf_free(&hk);
	buf_free(&hid);
	return rc;
}

/* A row's (source_id, line); not ok when either is not an integer, as = never holds then. */
struct qkey {
	int ok;
	int64_t src, line;
};

static struct qkey key_of(struct store_stmt *s, int col)
{
	struct qkey k = { store_col_type(s, col) == STORE_INT &&
			store_col_type(s, col + 1) == STORE_INT,
		store_col_int(s, col), store_col_int(s, col + 1) };

	return k;
}

static int key_cmp(const struct qkey *a, const struct qkey *b)
{
	if (a->src != b->src)
		return a->src < b->src ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

/* The identifiers of one (source_id, line): holder kind (qtabs order), holder and field. */
struct qgroup {
	struct qkey key;
	struct {
		int hk, field;
		size_t off, len;
	} * v;
	size_t n, cap;
	struct buf ids; /* the holders, one after another */
};

#define OUT_OF_ORDER (-1)

/*
 * The rows of table t up to key (NULL: every row left): a column with a value and no identifier
 * of its row's holder, field, source and line in g is unparsed. OUT_OF_ORDER when a row's key
 * is less than the one before.
 */
static int table_upto_key(struct qpass *p, size_t t, const struct qgroup *g, struct qkey *last)
{
	const struct qtab *qt = &qtabs[t];
	struct store_stmt *s = p->tab[t];
	size_t j, e, f;

	while (p->at[t] == STORE_ROW) {
		struct qkey k = key_of(s, 1);
		const char *h = store_col_text(s, 0);
		size_t hn = h ? store_col_bytes(s, 0) : 0;
		int c = -1;

		if (k.ok) {
			if (last->ok && key_cmp(&k, last) < 0)
				return OUT_OF_ORDER;
			*last = k;
			if (g && (c = key_cmp(&k, &g->key)) > 0)
				break;
		}
		for (j = 0; j < qt->ncols; j++) {
			int found = 0;

			if (!store_col_int(s, 3 + (int)j))
				continue;
			for (f = 0; strcmp(qcols[f].field, qcols[qt->col0 + j].field) != 0; f++)
				;
			for (e = 0; c == 0 && h && !found && e < g->n; e++)
				found = strcmp(qtabs[g->v[e].hk].holder_kind, qt->holder_kind) ==
						0 &&
					g->v[e].field == (int)f && g->v[e].len == hn &&
					memcmp(g->ids.s + g->v[e].off, h, hn) == 0;
			if (!found)
				tally_col(&p->tally, store_col_int(s, 1), qt->col0 + j, 1);
		}
		p->at[t] = store_step(s);
	}
	return p->at[t] == STORE_ROW || p->at[t] == STORE_DONE ? 0 : p->at[t];
}

static int group_done(struct qpass *p, const struct qgroup *g, struct qkey last[NQTABS])
{
	size_t t;
	int rc;

	for (t = 0; t < NQTABS; t++)
		if ((rc = table_upto_key(p, t, g, &last[t])))
			return rc;
	return 0;
}

/*
 * The same figures from one pass over the identifiers and the tables in row order, merged on
 * (source_id, line): ingest writes a file's rows, and then their identifiers, in line order
 * and each file after the last, so every read is sequential. OUT_OF_ORDER (and the figures
 * are void) as soon as a key is less than the one before it in any of them.
 */
static int key_pass(struct store *st, struct qpass *p)
{
	struct store_stmt *s;
	struct qgroup g = { 0 };
	struct qkey last[NQTABS] = { { 0 } }, prev = { 0 };
	int rc;

	if ((rc = open_tables(st, p, 0)))
		return rc;
	if (!(s = store_prepare(st,
		      "SELECT source_id, line, holder_kind, holder_id, field, kind,"
		      " flags FROM identifiers ORDER BY ident_id")))
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW) {
		struct qkey k = key_of(s, 0);
		const char *hk = store_col_text(s, 2), *h = store_col_text(s, 3);
		const char *field = store_col_text(s, 4);
		size_t t, f;

		tally_ident(&p->tally, store_col_int(s, 0), store_col_text(s, 5),
			store_col_text(s, 6), store_col_bytes(s, 6), 1);
		if (!k.ok)
			continue;
		if (prev.ok && key_cmp(&k, &prev) < 0) {
			rc = OUT_OF_ORDER;
			break;
		}
		if (prev.ok && key_cmp(&k, &prev) > 0) {
			if ((rc = group_done(p, &g, last)))
				break;
			g.n = 0;
			buf_reset(&g.ids);
		}
		prev = g.key = k;
		for (t = 0; hk && t < NQTABS && strcmp(qtabs[t].holder_kind, hk) != 0; t++)
			;
		for (f = 0; field && f < NQCOLS && strcmp(qcols[f].field, field) != 0; f++)
			;
		if (!h || !hk || t == NQTABS || !field || f == NQCOLS)
			continue;
		if (g.n == g.cap) {
			g.cap = g.cap ? 2 * g.cap : 16;
			g.v = xrealloc(g.v, g.cap * sizeof(*g.v));
		}
		g.v[g.n].hk = (int)t;
		g.v[g.n].field = (int)f;
		g.v[g.n].off = g.ids.len;
		g.v[g.n++].len = store_col_bytes(s, 3);
		buf_add(&g.ids, h, store_col_bytes(s, 3));
	}
	store_done(s);
	if (rc == STORE_DONE && prev.ok)
		rc = group_done(p, &g, last);
	if (rc == STORE_DONE)
		rc = group_done(p, NULL, last);
	free(g.v);
	buf_free(&g.ids);
	return rc;
}

/* Forget what a pass counted, to count again. */
static void pass_reset(struct qpass *p)
{
	size_t i;

	tally_reset(&p->tally);
	for (i = 0; i < NQTABS; i++) {
		store_done(p->tab[i]);
		p->tab[i] = NULL;
		p->at[i] = STORE_DONE;
	}
}

/* The key pass, or the holder pass when the store's rows are not in the order ingest writes. */
static int quality_pass(struct store *st, struct qpass *p)
{
	int rc = key_pass(st, p);

	if (rc != OUT_OF_ORDER)
		return rc;
	pass_reset(p);
	return holder_pass(st, p);
}

static struct quality *quality_of(struct quality **q, size_t *n, const char *kind)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*q)[i].kind, kind) == 0)
			return &(*q)[i];
	*q = xrealloc(*q, (*n + 1) * sizeof(**q));
	memset(&(*q)[*n], 0, sizeof(**q));
	(*q)[*n].kind = xstrdup(kind);
	return &(*q)[(*n)++];
}

/*
 * The values that may be hub candidates: one pass over the index on (kind, value) (no row is
 * read) finds those with more rows than the smallest cap; only those few are counted exactly,
 * an IP on its busiest day, as link does. Columns: kind, value, greatest flags, holders.
 */
static const char hub_sql[] =
	"SELECT g.kind, g.value, (SELECT max(flags) FROM identifiers j WHERE j.kind = g.kind AND "
	"j.value = g.value), (SELECT max(n) FROM (SELECT count(DISTINCT holder_id) AS n "
	"FROM identifiers j WHERE j.kind = g.kind AND j.value = g.value GROUP BY day) d) "
	"FROM (SELECT kind, value FROM identifiers GROUP BY kind, value "
	"HAVING count(*) > 10) g";
/*
 * The same on Citus, which cannot correlate on a column it does not distribute identifiers
 * by: one grouping, done on the workers, counts every value.
 */
static const char hub_sql_citus[] =
	"SELECT kind, value, max(flags), max(n) FROM (SELECT kind, value, max(flags) AS flags, "
	"count(DISTINCT holder_id) AS n, count(*) AS c FROM identifiers "
	"GROUP BY kind, value, day) d GROUP BY kind, value HAVING sum(c) > 10";

/* 1 if a value of kind, with these greatest flags, held by holders on its busiest day, is one. */
static int is_hub(const char *kind, const char *flags, int64_t holders)
{
	struct link_params lp;
	enum link_class c = link_class_of(kind, flags ? flags : "");

	link_params_init(&lp);
	return c != LINK_BUILDING && holders > lp.cap[c];
}

/* The values held by more accounts than linking's default cap for their class, by kind. */
static int count_hubs(struct store *st, struct quality **q, size_t *n)
{
	struct store_stmt *s =
		store_prepare(st, store_is_distributed(st) ? hub_sql_citus : hub_sql);
	int rc;

	if (!s)
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *kind = store_col_text(s, 0);

		if (is_hub(kind, store_col_text(s, 2), store_col_int(s, 3)))
			quality_of(q, n, kind)->hubs++;
	}
	store_done(s);
	return rc;
}

/* The column of qcols a table's field is, or -1. */
static int col_of(const char *table, const char *field)
{
	size_t t, j;

	for (t = 0; t < NQTABS; t++)
		if (strcmp(qtabs[t].table, table) == 0)
			for (j = 0; j < qtabs[t].ncols; j++)
				if (strcmp(qcols[qtabs[t].col0 + j].field, field) == 0)
					return (int)(qtabs[t].col0 + j);
	return -1;
}

/* The name of a column of qcols in ident_counts: "sellers.phone". */
static char *col_name(size_t col)
{
	size_t t;

	for (t = 0; t + 1 < NQTABS && col >= qtabs[t].col0 + qtabs[t].ncols; t++)
		;
	return xasprintf("%s.%s", qtabs[t].table, qcols[col].field);
}

/*
 * The counts ingest keeps, summed over the sources, into t (as source 0), and the hub
 * candidates into q (as count_hubs() finds them). A field that names no column of qcols is
 * left out, as stats has no line for it.
 */
static int kept_counts(struct store *st, struct stats_tally *t, struct quality **q, size_t *n)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT kind, field, sum(keys), sum(national), sum(coarse), sum(nolink), "
		"sum(unparsed) FROM ident_counts GROUP BY kind, field ORDER BY kind, field");
	int rc;

	if (!s)
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *kind = store_col_text(s, 0), *field = store_col_text(s, 1), *dot;
		struct tally_ent *e;
		char *table;
		int col;

		if (!kind || !field)
			continue;
		if (!*field) {
			e = tally_get(t, 0, kind, -1);
			e->keys += store_col_int(s, 2), e->national += store_col_int(s, 3);
			e->coarse += store_col_int(s, 4), e->nolink += store_col_int(s, 5);
			continue;
		}
		if (!(dot = strchr(field, '.')))
			continue;
		table = xstrndup(field, (size_t)(dot - field));
		col = col_of(table, dot + 1);
		free(table);
		if (col >= 0)
			tally_col(t, 0, (size_t)col, store_col_int(s, 6));
	}
	store_done(s);
	if (rc != STORE_DONE)
		return rc;
	if (!(s = store_prepare(st, "SELECT kind FROM ident_hubs ORDER BY kind, value")))
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW)
		quality_of(q, n, store_col_text(s, 0))->hubs++;
	store_done(s);
	return rc;
}

/*
 * The identifier figures of a tally, per kind: the kinds with keys, sorted, each with its
 * counts, are put before what q holds (hub candidates); unparsed[] gets each column's values
 * that gave no identifier.
 */
static void quality_of_tally(
	const struct stats_tally *t, struct quality **q, size_t *n, int64_t unparsed[NQCOLS])
{
	struct quality *k = NULL;
	size_t nk = 0, i, j;

	for (i = 0; i < t->n; i++) {
		const struct tally_ent *e = &t->e[i];
		struct quality *x;

		if (e->col >= 0) {
			unparsed[e->col] += e->unparsed;
			continue;
		}
		x = quality_of(&k, &nk, e->kind);
		x->keys += e->keys, x->national += e->national;
		x->coarse += e->coarse, x->nolink += e->nolink;
	}
	/* a kind whose identifiers all went has no line, as GROUP BY would give it none */
	for (i = j = 0; i < nk; i++)
		if (k[i].keys)
			k[j++] = k[i];
		else
			free(k[i].kind);
	nk = j;
	ck_sort(k, nk, sizeof(*k), kind_cmp);
	for (i = 0; i < *n; i++) {
		for (j = 0; j < nk && strcmp(k[j].kind, (*q)[i].kind) != 0; j++)
			;
		if (j < nk) {
			k[j].hubs = (*q)[i].hubs;
			free((*q)[i].kind);
		} else {
			k = xrealloc(k, (nk + 1) * sizeof(*k));
			k[nk++] = (*q)[i];
		}
	}
	free(*q);
	*q = k, *n = nk;
}

/*
 * The store's country and the quality of its identifiers per kind, in the order the kinds
 * come: those with keys (sorted), then those with hub candidates, then those with unparsed
 * values only. From the counts ingest keeps, or (STATS_RECOUNT, a store without them, or one
 * whose ingest has not counted its hub candidates yet: STATS_HUBS_PENDING) from the
 * identifiers and their tables. Store figures only.
 */
static void ident_quality(struct stats *sx)
{
	struct qpass p = { 0 };
	struct stats_tally kept = { 0 };
	struct quality *q = NULL;
	int64_t unparsed[NQCOLS] = { 0 };
	size_t n = 0, i, j;
	char *c, *pending;

	if (sx->case_id || sx->rc)
		return;
	c = store_meta_get(sx->st, "country");
	out_text(sx->o, "country");
	if (c)
		out_text(sx->o, c);
	else
		out_null(sx->o);
	out_end_row(sx->o);
	free(c);
	pending = store_meta_get(sx->st, STATS_HUBS_PENDING);
	if (!(sx->flags & STATS_RECOUNT) && !pending &&
		store_table_exists(sx->st, "ident_counts") &&
		store_table_exists(sx->st, "ident_hubs")) {
		if (!(sx->rc = kept_counts(sx->st, &kept, &q, &n)))
			quality_of_tally(&kept, &q, &n, unparsed);
	} else if (!(sx->rc = quality_pass(sx->st, &p)) && !(sx->rc = count_hubs(sx->st, &q, &n))) {
		quality_of_tally(&p.tally, &q, &n, unparsed);
	}
	free(pending);
	for (i = 0; i < NQCOLS && !sx->rc; i++)
		if (unparsed[i])
			quality_of(&q, &n, qcols[i].kind)->unparsed += unparsed[i];
	for (i = 0; i < n && !sx->rc; i++) {
		const struct {
			const char *name;
			int64_t v;
		} f[] = { { "keys", q[i].keys }, { "national_no_country", q[i].national },
			{ "coarse", q[i].coarse }, { "null_or_private", q[i].nolink },
			{ "hub_candidates", q[i].hubs }, { "unparsed", q[i].unparsed } };

		for (j = 0; j < sizeof(f) / sizeof(*f); j++) {
			char *what = xasprintf("identifiers.%s.%s", q[i].kind, f[j].name);

			out_text(sx->o, what);
			out_int(sx->o, f[j].v);
			out_end_row(sx->o);
			free(what);
		}
	}
	for (i = 0; i < n; i++)
		free(q[i].kind);
	free(q);
	tally_reset(&kept);
	free(kept.e);
	pass_reset(&p);
	free(p.tally.e);
	free(p.ids);
}

/* ---- the counts ingest keeps (stats.h) ---- */

struct stats_tally *stats_tally_new(void)
{
	return xcalloc(1, sizeof(struct stats_tally));
}

void stats_tally_free(struct stats_tally *t)
{
	if (!t)
		return;
	tally_reset(t);
	free(t->e);
	free(t);
}

void stats_tally_reset(struct stats_tally *t)
{
	if (t)
		tally_reset(t);
}

void stats_tally_ident(
	struct stats_tally *t, int64_t src, const char *kind, const char *flags, size_t n)
{
	tally_ident(t, src, kind, flags, n, 1);
}

void stats_tally_unparsed(struct stats_tally *t, int64_t src, const char *table, const char *field)
{
	int col = col_of(table, field);

	if (col >= 0)
		tally_col(t, src, (size_t)col, 1);
}

static const struct qtab *qtab_of(const char *table)
{
	size_t t;

	for (t = 0; t < NQTABS; t++)
		if (strcmp(qtabs[t].table, table) == 0)
			return &qtabs[t];
	return NULL;
}

char *stats_tally_cols(const char *table)
{
	const struct qtab *qt = qtab_of(table);
	struct buf b = { 0 };
	size_t j;

	buf_adds(&b, "");
	for (j = 0; qt && j < qt->ncols; j++)
		buf_addf(&b, ", coalesce(%s, '') <> ''", qcols[qt->col0 + j].field);
	return b.s;
}

void stats_tally_old_row(
	struct stats_tally *t, int64_t src, const char *table, struct store_stmt *s, int col0)
{
	const struct qtab *qt = qtab_of(table);
	size_t j;

	for (j = 0; qt && j < qt->ncols; j++)
		if (store_col_int(s, col0 + (int)j))
			tally_col(t, src, qt->col0 + j, -1);
}

int stats_tally_replaced(struct stats_tally *t, struct store *st, const char *table)
{
	const struct qtab *qt = qtab_of(table);
	struct buf prev = { 0 }, key = { 0 };
	struct store_stmt *s;
	int rc;

	if (!qt)
		return 0;
	if (!(s = store_prepare(st,
		      "SELECT source_id, holder_id, line, field, kind, flags FROM identifiers "
		      "WHERE holder_kind = ?1 AND (holder_id, source_id, line) IN (SELECT "
		      "holder_id, source_id, line FROM temp.ck_replaced) "
		      "ORDER BY source_id, holder_id, line, field")))
		return EX_SOFTWARE;
	store_bind_text(s, 1, qt->holder_kind);
	while ((rc = store_step(s)) == STORE_ROW) {
		int64_t src = store_col_int(s, 0);
		const char *h = store_col_text(s, 1), *field = store_col_text(s, 3);
		int col = field ? col_of(table, field) : -1;

		tally_ident(t, src, store_col_text(s, 4), store_col_text(s, 5),
			store_col_bytes(s, 5), -1);
		if (col < 0 || !h)
			continue;
		/* a row's field with identifiers had counted none unparsed: what goes is one less */
		buf_reset(&key);
		buf_addf(&key, "%lld\t%lld\t%s\t", (long long)src, (long long)store_col_int(s, 2),
			field);
		buf_add(&key, h, store_col_bytes(s, 1));
		if (prev.len == key.len && memcmp(prev.s, key.s, key.len) == 0)
			continue;
		tally_col(t, src, (size_t)col, 1);
		buf_reset(&prev);
		buf_add(&prev, key.s, key.len);
	}
	store_done(s);
	buf_free(&prev);
	buf_free(&key);
	return rc == STORE_DONE ? 0 : rc;
}

int stats_tally_write(struct store *st, struct stats_tally *t)
{
	struct store_stmt *s;
	size_t i;
	int rc = 0;

	if (!t->n)
		return 0;
	if (!(s = store_prepare(st,
		      "INSERT INTO ident_counts(source_id, kind, field, keys, national, coarse, "
		      "nolink, unparsed) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
		      "ON CONFLICT(source_id, kind, field) DO UPDATE SET "
		      "keys = ident_counts.keys + excluded.keys, "
		      "national = ident_counts.national + excluded.national, "
		      "coarse = ident_counts.coarse + excluded.coarse, "
		      "nolink = ident_counts.nolink + excluded.nolink, "
		      "unparsed = ident_counts.unparsed + excluded.unparsed")))
		return EX_SOFTWARE;
	for (i = 0; i < t->n && !rc; i++) {
		const struct tally_ent *e = &t->e[i];
		char *field;

		if (!e->keys && !e->national && !e->coarse && !e->nolink && !e->unparsed)
			continue;
		field = e->col < 0 ? xstrdup("") : col_name((size_t)e->col);
		store_bind_int(s, 1, e->src);
		store_bind_text(s, 2, e->kind);
		store_bind_text(s, 3, field);
		store_bind_int(s, 4, e->keys);
		store_bind_int(s, 5, e->national);
		store_bind_int(s, 6, e->coarse);
		store_bind_int(s, 7, e->nolink);
		store_bind_int(s, 8, e->unparsed);
		rc = store_step(s);
		rc = rc == STORE_DONE ? 0 : rc;
		store_reset(s);
		free(field);
	}
	store_done(s);
	tally_reset(t);
	return rc;
}

int stats_hub_seen(
	struct store *st, const char *kind, const char *value, const char *flags, int64_t holders)
{
	struct store_stmt *s = store_prepare(st,
		is_hub(kind, flags, holders)
			? "INSERT OR IGNORE INTO ident_hubs VALUES(?1, ?2)"
			: "DELETE FROM ident_hubs WHERE kind = ?1 AND value = ?2");
	int rc;

	if (!s)
		return EX_SOFTWARE;
	store_bind_text(s, 1, kind);
	store_bind_text(s, 2, value);
	rc = store_step(s);
	store_done(s);
	return rc == STORE_DONE ? 0 : rc;
}

int stats_hubs_refill(struct store *st)
{
	struct store_stmt *s;
	int rc;

	if ((rc = store_exec(st, "DELETE FROM ident_hubs")))
		return rc;
	if (!(s = store_prepare(st, store_is_distributed(st) ? hub_sql_citus : hub_sql)))
		return EX_SOFTWARE;
	while (!rc && (rc = store_step(s)) == STORE_ROW)
		rc = stats_hub_seen(st, store_col_text(s, 0), store_col_text(s, 1),
			store_col_text(s, 2), store_col_int(s, 3));
	store_done(s);
	return rc == STORE_DONE ? 0 : rc;
}

int stats_counts_fill(struct store *st)
{
	struct qpass p = { 0 };
	int rc;

	if ((rc = store_exec(st, "DELETE FROM ident_counts")))
		return rc;
	if (!(rc = quality_pass(st, &p)))
		rc = stats_tally_write(st, &p.tally);
	pass_reset(&p);
	free(p.tally.e);
	free(p.ids);
	return rc ? rc : stats_hubs_refill(st);
}

/*
 * The five screening figures, with all the scores in scope counted by the subquery all. Citus
 * runs no subquery correlated with a distributed table: there the flagged listings in scope,
 * and the orders on them, are copied first to the coordinator (a handful of rows), and the
 * correlated subqueries read the copies.
 */
static void paste_figures(struct stats *sx, const char *const *names, const char *all)
{
	int citus = store_is_distributed(sx->st);
	char *sql = xasprintf(
		"%sSELECT a.n, f.n, round(100.0 * f.n / nullif(a.n, 0), 1), f.never, f.removed "
		"FROM %s a, "
		"(SELECT count(*) AS n, "
		"coalesce(sum(CASE WHEN NOT EXISTS (SELECT 1 FROM %s o "
		"WHERE o.listing_id = s.listing_id) THEN 1 ELSE 0 END), 0) AS never, "
		"coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM takedowns t "
		"WHERE t.listing_id = s.listing_id AND "
		"julianday(t.resolved_at) >= julianday(t.received_at) AND "
		"coalesce(t.outcome, '') NOT LIKE 'reject%%' AND "
		"NOT EXISTS (SELECT 1 FROM %s o WHERE o.listing_id = s.listing_id AND "
		"o.ordered_at <= t.resolved_at)) THEN 1 ELSE 0 END), 0) AS removed "
		"FROM %s) f",
		citus ? "WITH ck_flagged AS MATERIALIZED (SELECT listing_id FROM scores "
			"WHERE flagged AND @S), ck_orders AS MATERIALIZED (SELECT listing_id, "
			"ordered_at FROM orders WHERE listing_id IN (SELECT listing_id FROM "
			"ck_flagged)) "
		      : "",
		all, citus ? "ck_orders" : "orders", citus ? "ck_orders" : "orders",
		citus ? "ck_flagged s" : "scores s WHERE flagged AND @S");

	figures(sx, names, sql);
	free(sql);
}

static void screening(struct stats *sx)
{
	static const char *const names[] = { "listings.screened", "listings.flagged",
		"listings.flagged_pct", "listings.flagged_never_sold",
		"listings.flagged_removed_before_sale", NULL };

	if (!store_table_exists(sx->st, "scores"))
		return;
	/*
	 * The scores counted (the store's: no filter, so SQLite counts an index's entries), and
	 * the flagged ones read alone, through the partial index scores_flagged where the store
	 * has it. Never sold: no order at all, whatever became of the listing. Removed before
	 * sale: taken down (a notice resolved, with sane times, not rejected) before any order
	 * was placed.
	 */
	paste_figures(sx, names,
		sx->case_id ? "(SELECT count(*) AS n FROM scores WHERE @S)"
			    : "(SELECT count(*) AS n FROM scores)");
}

static void networks(struct stats *sx)
{
	if (!store_table_exists(sx->st, "networks") ||
		!store_table_exists(sx->st, "network_members"))
		return;
	sx->part = "network_id IN (SELECT network_id FROM network_members WHERE @S)";
	figure(sx, "networks", "SELECT count(*) FROM networks WHERE @P");
	figure(sx, "networks.sellers",
		"SELECT count(*) FROM network_members WHERE @S AND "
		"network_id IN (SELECT network_id FROM networks)");
	figure(sx, "networks.size.max", "SELECT max(size) FROM networks WHERE @P");
	spread(sx, "networks.size", "SELECT size FROM networks WHERE @P");
	group(sx, "networks.of_size",
		"SELECT size, count(*) FROM networks WHERE @P GROUP BY 1 ORDER BY 1");
	if (store_table_exists(sx->st, "scores")) {
		/* on Citus the correlated subquery reads a copy of the flagged sellers */
		if (store_is_distributed(sx->st))
			sx->with = "WITH scores AS MATERIALIZED (SELECT DISTINCT seller_id, 1 AS "
				   "flagged FROM scores WHERE flagged <> 0) ";
		figure(sx, "networks.with_flagged",
			"SELECT count(*) FROM networks n WHERE @P AND EXISTS (SELECT 1 FROM network_members m JOIN scores s USING (seller_id) WHERE m.network_id = n.network_id AND s.flagged <> 0)");
		sx->with = NULL;
	}
}

/* The orders a case's value counts, as casekit case shows it: paid orders on its listings. */
static const char case_orders[] =
	"INSERT OR IGNORE INTO stats_case_orders SELECT o.order_id FROM orders o "
	"JOIN case_listings c ON c.listing_id = o.listing_id "
	"WHERE " MONEY_PAID_ORDER " "
	"AND o.amount IS NOT NULL";

/*
 * Cases, leads and case values: the value of one case, or of all cases with an order that
 * two cases share counted once, per currency. The listings of a case are what case_gather()
 * finds, so that stats and casekit case show the same value.
 */
static void cases(struct stats *sx)
{
	struct store *st = sx->st;
	struct store_stmt *s;

	if (!store_table_exists(st, "cases") || !store_table_exists(st, "case_members") ||
		!store_table_exists(st, "case_leads"))
		return;
	if (!sx->case_id) {
		figure(sx, "cases", "SELECT count(*) FROM cases");
		figure(sx, "cases.open", "SELECT count(*) FROM cases WHERE status = 'open'");
		figure(sx, "leads", "SELECT count(*) FROM case_leads");
		group(sx, "leads", "SELECT kind, count(*) FROM case_leads GROUP BY 1 ORDER BY 1");
	}
	if (sx->rc ||
		(sx->rc = store_exec(st,
			 "CREATE TEMP TABLE IF NOT EXISTS stats_case_orders("
			 "order_id TEXT PRIMARY KEY); DELETE FROM stats_case_orders;")))
		return;
	if (sx->case_id) {
		if (!(sx->rc = case_gather(st, sx->case_id)))
			sx->rc = store_exec(st, case_orders);
	} else if ((s = prep(sx, "SELECT case_id FROM cases ORDER BY case_id"))) {
		char **ids = NULL;
		size_t i, n = 0;

		/* Collect first: case_gather() rewrites tables while the cursor would be open. */
		while (store_step(s) == STORE_ROW) {
			ids = xrealloc(ids, (n + 1) * sizeof(*ids));
			ids[n++] = xstrdup(store_col_text(s, 0));
		}
		store_done(s);
		for (i = 0; i < n; i++) {
			if (!sx->rc && !(sx->rc = case_gather(st, ids[i])))
				sx->rc = store_exec(st, case_orders);
			free(ids[i]);
		}
		free(ids);
	}
	if (sx->rc)
		return;
	group(sx, sx->case_id ? "case.value" : "cases.value",
		"SELECT currency, ck_money(sum(amount), currency) FROM orders WHERE order_id IN "
		"(SELECT order_id FROM stats_case_orders) GROUP BY 1 ORDER BY 1");
	if (sx->case_id)
		figure(sx, "case.listings.flagged", "SELECT count(*) FROM case_listings");
}

/*
 * The filter of the figures of a section whose rows belong to listings: a row whose listing is
 * in the store (and in scope). EXISTS seeks each row's listing by its key; "listing_id IN
 * (SELECT ...)" built a temporary index of every listing for each figure, most of stats' time.
 */
#define LISTING_PART(table) \
	"EXISTS (SELECT 1 FROM listings l WHERE l.listing_id = " table ".listing_id AND @S)"

/*
 * On Citus, which correlates no subquery with a distributed table, the listings the filter
 * above reads: a copy of those of the section's table, made first on the coordinator.
 */
#define LISTING_COPY(table) \
	"WITH listings AS MATERIALIZED (SELECT listing_id, seller_id FROM listings WHERE " \
	"listing_id IN (SELECT listing_id FROM " table ")) "

static void testbuys(struct stats *sx)
{
	sx->part = LISTING_PART("testbuys");
	if (store_is_distributed(sx->st))
		sx->with = LISTING_COPY("testbuys");
	figure(sx, "testbuys.bought", "SELECT count(*) FROM testbuys WHERE @P");
	group(sx, "testbuys.verdict",
		"SELECT lower(verdict), count(*) FROM testbuys WHERE @P GROUP BY 1 ORDER BY 1");
	group(sx, "testbuys.cost",
		"SELECT currency, ck_money(sum(cost), currency) FROM testbuys WHERE cost IS NOT NULL AND @P GROUP BY 1 ORDER BY 1");
}

static void takedowns(struct stats *sx)
{
#define HOURS "(julianday(resolved_at) - julianday(received_at)) * 24"
	sx->part = LISTING_PART("takedowns");
	if (store_is_distributed(sx->st))
		sx->with = LISTING_COPY("takedowns");
	figure(sx, "takedowns.received", "SELECT count(*) FROM takedowns WHERE @P");
	figure(sx, "takedowns.resolved",
		"SELECT count(*) FROM takedowns WHERE resolved_at IS NOT NULL AND @P");
	figure(sx, "takedowns.open",
		"SELECT count(*) FROM takedowns WHERE resolved_at IS NULL AND @P");
	group(sx, "takedowns.outcome",
		"SELECT lower(outcome), count(*) FROM takedowns WHERE @P GROUP BY 1 ORDER BY 1");
	spread(sx, "takedowns.hours",
		"SELECT " HOURS " FROM takedowns WHERE resolved_at IS NOT NULL AND " HOURS
		" >= 0 AND @P");
	/* Resolved before received, or a time that does not parse: counted, never averaged in. */
	figure(sx, "takedowns.bad_times",
		"SELECT count(*) FROM takedowns WHERE resolved_at IS NOT NULL AND (" HOURS
		" < 0 OR " HOURS " IS NULL) AND @P");
#undef HOURS
}

/*
 * casekit takedown: the notices received, their last decisions by decision and lane, the hours
 * from receipt to the first accept or reject, the share of notices that took at most 24 of
 * them, and the removals an accepted notice proposes (expand) or came before a first sale.
 */
static void notices(struct stats *sx)
{
#define LAST_D \
	"(SELECT d.* FROM notice_decisions d WHERE d.decision_id = (SELECT max(decision_id) " \
	"FROM notice_decisions x WHERE x.notice_id = d.notice_id)) ld"
#define FIRST_FINAL \
	"(SELECT min(decided_at) FROM notice_decisions d WHERE d.notice_id = n.notice_id AND " \
	"d.decision IN ('accept', 'reject'))"
#define N_HOURS "(julianday(" FIRST_FINAL ") - julianday(n.received_at)) * 24"
	if (!store_table_exists(sx->st, "notice_decisions") ||
		!store_table_exists(sx->st, "notices"))
		return;
	sx->part = sx->case_id ? "notice_id IN (SELECT n.notice_id FROM notices n JOIN listings "
				 "USING(listing_id) WHERE @S UNION SELECT notice_id FROM "
				 "notice_decisions WHERE @S)"
			       : "1";
	figure(sx, "notices.received", "SELECT count(*) FROM notices WHERE @P");
	figure(sx, "notices.decided",
		"SELECT count(*) FROM " LAST_D " WHERE decision IN ('accept', 'reject') AND @P");
	figure(sx, "notices.open",
		"SELECT count(*) FROM notices n WHERE @P AND NOT EXISTS (SELECT 1 FROM "
		"notice_decisions d WHERE d.notice_id = n.notice_id)");
	group(sx, "notices.decision",
		"SELECT decision, count(*) FROM " LAST_D " WHERE @P GROUP BY 1 ORDER BY 1");
	group(sx, "notices.lane",
		"SELECT lane, count(*) FROM " LAST_D " WHERE @P GROUP BY 1 ORDER BY 1");
	spread(sx, "notices.hours",
		"SELECT " N_HOURS " FROM notices n WHERE " N_HOURS " >= 0 AND @P");
	figure(sx, "notices.decided_24h_pct",
		"SELECT round(100.0 * sum(CASE WHEN " N_HOURS
		" BETWEEN 0 AND 24 THEN 1 ELSE 0 END) / "
		"count(*), 1) FROM notices n WHERE @P");
	figure(sx, "notices.proposed_per_accept",
		"SELECT round(1.0 * sum(proposed) / count(*), 1) FROM " LAST_D
		" WHERE decision = 'accept' AND @P");
	/* on Citus the orders on the decided listings (an address matched, too) are copied first */
	if (store_is_distributed(sx->st))
		sx->with = "WITH orders AS MATERIALIZED (SELECT listing_id, ordered_at FROM orders "
			   "WHERE listing_id IN (SELECT listing_id FROM notice_decisions)) ";
	figure(sx, "notices.accepted_before_sale",
		"SELECT count(*) FROM " LAST_D
		" WHERE ld.decision = 'accept' AND @P AND NOT EXISTS "
		"(SELECT 1 FROM orders o WHERE o.listing_id = ld.listing_id AND o.ordered_at <= "
		"ld.decided_at)");
#undef N_HOURS
#undef FIRST_FINAL
#undef LAST_D
}

/*
 * The sections, in the order they are written. A section checks that the tables it reads
 * exist (another applet may not have run yet) and writes its figures with figure(), group()
 * and spread(); adding one is a function and a line here.
 */
static void (*const sections[])(struct stats *) = {
	counts,
	ident_quality,
	screening,
	networks,
	cases,
	testbuys,
	takedowns,
	notices,
};

int stats_write(struct store *st, const char *case_id, unsigned flags, struct out *o)
{
	struct stats sx = { .st = st, .o = o, .case_id = case_id, .flags = flags };
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(*sections); i++) {
		sx.part = NULL;
		sx.with = NULL;
		sections[i](&sx);
	}
	return sx.rc;
}

int stats_find_case(struct store *st, const char *case_id)
{
	struct store_stmt *s;
	int rc;

	if (!store_table_exists(st, "cases") || !store_table_exists(st, "case_members"))
		return ck_error(EX_DATAERR, "no case '%s': this store has no cases yet", case_id);
	if (!(s = store_prepare(st, "SELECT 1 FROM cases WHERE case_id = ?1")))
		return EX_SOFTWARE;
	store_bind_text(s, 1, case_id);
	rc = store_step(s);
	store_done(s);
	if (rc == STORE_ROW)
		return 0;
	return rc ? rc : ck_error(EX_DATAERR, "no case '%s' in this store", case_id);
}
