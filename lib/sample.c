/* sample.c - choose listings for test purchases within a budget, weighted by risk */
#include "casekit.h"
#include "output.h"
#include "sample.h"
#include "store.h"
#include <math.h>

/* Spreading: a brand or network already sampled weighs this much less each time. */
#define SPREAD 0.25

struct cand {
	char *listing, *seller, *brand, *net;
	long long price;
	int score; /* -1: not scored */
	int brand_ix, net_ix, chosen;
};

int sample_currency(struct store *st, char cur[4])
{
	struct store_stmt *s = store_prepare(st,
		"SELECT currency FROM listings WHERE currency IS NOT NULL AND price > 0"
		" GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1");
	int rc;

	if (!s)
		return EX_SOFTWARE;
	rc = store_step(s);
	if (rc == STORE_ROW)
		snprintf(cur, 4, "%s", store_col_text(s, 0));
	store_done(s);
	if (rc != STORE_ROW)
		return rc ? rc : ck_error(EX_DATAERR, "no priced listings in the store");
	return 0;
}

/*
 * The candidates: listings in the budget's currency with a price, not taken down and not
 * test-bought already, with their score (when screened), brand and network, in listing order.
 */
static int load(struct store *st, const char *cur, int scored, int min_score, int networks,
	struct cand **out, size_t *n)
{
	struct store_stmt *s;
	char *sql;
	size_t cap = 0;
	int rc;
	struct cand *c = NULL;

	/*
	 * Citus joins scores with listings on the seller too, on the worker of both, and copies
	 * the candidates to the coordinator first: it correlates no subquery with a distributed
	 * table, nor ranks over one.
	 */
	int citus = store_is_distributed(st);
	char *with = citus
		? xasprintf("WITH cand AS MATERIALIZED (SELECT l.listing_id, l.seller_id,"
			    " l.brand, l.price, l.currency, l.status, %s AS score"
			    " FROM listings l %s WHERE l.currency = ?1 AND l.price > 0) ",
			  scored ? "sc.score" : "NULL",
			  scored ? "LEFT JOIN scores sc ON sc.seller_id = l.seller_id"
				   " AND sc.listing_id = l.listing_id"
				 : "")
		: xstrdup("");

	sql = xasprintf(
		"%sSELECT l.listing_id, l.seller_id, l.brand, l.price, %s, %s,"
		" dense_rank() OVER (ORDER BY lower(coalesce(l.brand, '')))"
		" FROM %s %s %s"
		" WHERE l.currency = ?1 AND l.price > 0"
		" AND lower(coalesce(l.status, '')) NOT IN"
		"   ('removed', 'deleted', 'closed', 'banned', 'taken_down', 'takendown')"
		" AND NOT EXISTS (SELECT 1 FROM testbuys t WHERE t.listing_id = l.listing_id)"
		" %s ORDER BY l.listing_id",
		with,
		!scored         ? "NULL"
			: citus ? "l.score"
				: "sc.score",
		networks ? "nm.network_id" : "NULL", citus ? "cand l" : "listings l",
		scored && !citus ? "LEFT JOIN scores sc ON sc.listing_id = l.listing_id" : "",
		networks ? "LEFT JOIN network_members nm ON nm.seller_id = l.seller_id" : "",
		!scored         ? ""
			: citus ? "AND coalesce(l.score, 0) >= ?2"
				: "AND coalesce(sc.score, 0) >= ?2");
	free(with);
	s = store_prepare(st, sql);
	free(sql);
	if (!s)
		return EX_SOFTWARE;
	store_bind_text(s, 1, cur);
	store_bind_int(s, 2, min_score);
	*n = 0;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *brand = store_col_text(s, 2);
		const char *net = store_col_text(s, 5);

		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			c = xrealloc(c, cap * sizeof(*c));
		}
		memset(&c[*n], 0, sizeof(*c));
		c[*n].listing = xstrdup(store_col_text(s, 0));
		c[*n].seller = xstrdup(store_col_text(s, 1));
		c[*n].brand = brand && *brand ? xstrdup(brand) : NULL;
		c[*n].price = store_col_int(s, 3);
		c[*n].score = store_col_type(s, 4) == STORE_NULL ? -1 : (int)store_col_int(s, 4);
		/* A seller in no network is a network of its own. */
		c[*n].net =
			net ? xasprintf("network %s", net) : xasprintf("seller %s", c[*n].seller);
		c[*n].brand_ix = (int)store_col_int(s, 6);
		(*n)++;
	}
	store_done(s);
	*out = c;
	if (rc)
		return rc;
	return 0;
}

static int cmp_net(const void *a, const void *b)
{
	const struct cand *const *x = a, *const *y = b;

	return strcmp((*x)->net, (*y)->net);
}

/* Networks as dense ints, so the draw can count them in an array. */
static int number_networks(struct cand *c, size_t n)
{
	struct cand **v = xmalloc((n + 1) * sizeof(*v));
	size_t i;
	int k = 0;

	for (i = 0; i < n; i++)
		v[i] = &c[i];
	ck_sort(v, n, sizeof(*v), cmp_net);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(v[i]->net, v[i - 1]->net) != 0)
			k++;
		v[i]->net_ix = k;
	}
	free(v);
	return k + 1;
}

static const char *nth(int k)
{
	return k == 1 ? "st" : k == 2 ? "nd" : k == 3 ? "rd" : "th";
}

static void cands_free(struct cand *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].listing);
		free(c[i].seller);
		free(c[i].brand);
		free(c[i].net);
	}
	free(c);
}

int sample_draw(struct store *st, const struct sample_opts *so, FILE *fp, struct sample_result *res)
{
	static const char *const cols[] = { "listing_id", "seller_id", "brand", "price", "currency",
		"score", "why" };
	const char *cur = so->currency;
	long long left = so->budget, brands_max = 0;
	struct cand *c = NULL;
	size_t n = 0, i, chosen = 0;
	int rc, scored, networks, nnets, *brand_n, *net_n;
	double *w;
	uint64_t rng;
	struct out *o;

	scored = store_has_rows(st, "SELECT 1 FROM scores LIMIT 1");
	networks = store_table_exists(st, "network_members") &&
		store_has_rows(st, "SELECT 1 FROM network_members LIMIT 1");
	if (!scored)
		ck_warn("no screening scores in the store: every listing weighs the same "
			"(run 'casekit screen' first)");
	if ((rc = load(st, cur, scored, so->min_score, networks, &c, &n))) {
		cands_free(c, n);
		return rc;
	}
	nnets = number_networks(c, n);
	for (i = 0; i < n; i++)
		if (c[i].brand_ix > brands_max)
			brands_max = c[i].brand_ix;
	brand_n = xcalloc((size_t)brands_max + 1, sizeof(int));
	net_n = xcalloc((size_t)nnets + 1, sizeof(int));
	w = xmalloc((n + 1) * sizeof(double));
	rng = so->seed;
	o = out_open(fp, out_format_for(fp), cols, 7);
	out_set_ids(o, "listing", 0);
	for (;;) {
		double total = 0, r;
		struct cand *p = NULL;
		struct buf why = { 0 };

		for (i = 0; i < n; i++) {
			w[i] = 0;
			if (c[i].chosen || c[i].price > left)
				continue;
			w[i] = (scored ? (c[i].score > 0 ? c[i].score : 1) : 1) *
				pow(SPREAD, brand_n[c[i].brand_ix]) *
				pow(SPREAD, net_n[c[i].net_ix]);
			total += w[i];
		}
		if (total <= 0)
			break;
		r = ck_uniform(&rng) * total;
		for (i = 0; i < n; i++) {
			if (w[i] <= 0)
				continue;
			p = &c[i];
			if (r < w[i])
				break;
			r -= w[i];
		}
		p->chosen = 1;
		left -= p->price;
		brand_n[p->brand_ix]++;
		net_n[p->net_ix]++;
		chosen++;
		if (p->score >= 0)
			buf_addf(&why, "score %d", p->score);
		else
			buf_adds(&why, "unscored");
		buf_addf(&why, "; %d%s of brand %s; %d%s of %s; chance %.3f", brand_n[p->brand_ix],
			nth(brand_n[p->brand_ix]), p->brand ? p->brand : "(none)", net_n[p->net_ix],
			nth(net_n[p->net_ix]), p->net, w[p - c] / total);
		out_text(o, p->listing);
		out_text(o, p->seller);
		out_text(o, p->brand);
		out_money(o, p->price, cur);
		out_text(o, cur);
		if (p->score >= 0)
			out_int(o, p->score);
		else
			out_null(o);
		out_text(o, why.s);
		out_end_row(o);
		buf_free(&why);
	}
	rc = out_close(o);
	res->candidates = n;
	res->chosen = chosen;
	res->spent = so->budget - left;
	cands_free(c, n);
	free(w);
	free(brand_n);
	free(net_n);
	return rc;
}
