/* sample.c - choose listings for test purchases within a budget, weighted by risk */
#include "casekit.h"
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <sqlite3.h>

static const char usage[] = "casekit sample --budget AMOUNT [-d PATH] [-f FMT] [--seed S] "
			    "[--min-score N]";
static const char help[] =
	"Choose listings to test-buy within a budget, one draw at a time: each affordable\n"
	"listing is drawn with a chance in proportion to its screening score, divided by four\n"
	"for each listing already chosen of the same brand and of the same network (or\n"
	"seller), so that the buys spread. AMOUNT is in major units with an optional ISO 4217\n"
	"code (500, 500CNY, 129.50 EUR); only listings in that currency are drawn. The same\n"
	"store, budget and seed give the same choice.";

/* Spreading: a brand or network already sampled weighs this much less each time. */
#define SPREAD 0.25

struct cand {
	char *listing, *seller, *brand, *net;
	long long price;
	int score; /* -1: not scored */
	int brand_ix, net_ix, chosen;
};

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast and the same on every platform. */
static uint64_t next64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
	return (double)(next64(s) >> 11) * (1.0 / 9007199254740992.0);
}

/* "500", "500CNY", "129.50 EUR", "CNY 500": whole and fraction digits, and the code if any. */
static void parse_budget(const char *s, char *whole, size_t wn, char *frac, size_t fn, char cur[4])
{
	const char *p = s, *w, *f = NULL;
	size_t n, m = 0;

	cur[0] = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (isalpha((unsigned char)*p)) {
		for (n = 0; n < 3 && isalpha((unsigned char)p[n]); n++)
			cur[n] = (char)toupper((unsigned char)p[n]);
		cur[n] = '\0';
		if (n != 3 || isalpha((unsigned char)p[3]))
			goto bad;
		p += 3;
		while (isspace((unsigned char)*p))
			p++;
	}
	for (w = p; isdigit((unsigned char)*p); p++)
		;
	if (p == w || (size_t)(p - w) >= wn)
		goto bad;
	memcpy(whole, w, (size_t)(p - w));
	whole[p - w] = '\0';
	if (*p == '.') {
		for (f = ++p; isdigit((unsigned char)*p); p++)
			;
		m = (size_t)(p - f);
		if (m == 0 || m >= fn)
			goto bad;
	}
	if (f)
		memcpy(frac, f, m);
	frac[m] = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (*p) {
		if (cur[0])
			goto bad;
		for (n = 0; n < 3 && isalpha((unsigned char)p[n]); n++)
			cur[n] = (char)toupper((unsigned char)p[n]);
		cur[n] = '\0';
		if (n != 3 || p[3])
			goto bad;
	}
	return;
bad:
	ck_usage_error(
		"--budget takes an amount with an optional currency (500, 500CNY), not '%s'", s);
}

static long long to_minor(const char *whole, const char *frac, const char *cur, const char *raw)
{
	char num[80];
	int64_t v;

	if ((int)strlen(frac) > money_exponent(cur))
		ck_usage_error("--budget '%s' has more decimals than %s has", raw, cur);
	snprintf(num, sizeof(num), "%s%s%s", whole, *frac ? "." : "", frac);
	if (money_parse(num, money_exponent(cur), &v))
		ck_usage_error("--budget '%s' is too large", raw);
	if (v <= 0)
		ck_usage_error("--budget must be more than zero");
	return v;
}

static int table_has_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int found = 0;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK)
		found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

/* The currency most listings are priced in, for a budget given without one. */
static int commonest_currency(struct store *st, char cur[4])
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(store_db(st),
		    "SELECT currency FROM listings WHERE currency IS NOT NULL AND price > 0"
		    " GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1",
		    -1, &s, NULL) != SQLITE_OK)
		return store_error(st, "listings");
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		snprintf(cur, 4, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return ck_error(EX_DATAERR, "no priced listings in the store");
	return 0;
}

/*
 * The candidates: listings in the budget's currency with a price, not taken down and not
 * test-bought already, with their score (when screened), brand and network, in listing order.
 */
static int load(struct store *st, const char *cur, int scored, int min_score, int networks,
	struct cand **out, size_t *n)
{
	sqlite3_stmt *s;
	char *sql;
	size_t cap = 0;
	int rc;
	struct cand *c = NULL;

	sql = sqlite3_mprintf(
		"SELECT l.listing_id, l.seller_id, l.brand, l.price, %s, %s,"
		" dense_rank() OVER (ORDER BY lower(coalesce(l.brand, '')))"
		" FROM listings l %s %s"
		" WHERE l.currency = ?1 AND l.price > 0"
		" AND lower(coalesce(l.status, '')) NOT IN"
		"   ('removed', 'deleted', 'closed', 'banned', 'taken_down', 'takendown')"
		" AND NOT EXISTS (SELECT 1 FROM testbuys t WHERE t.listing_id = l.listing_id)"
		" %s ORDER BY l.listing_id",
		scored ? "sc.score" : "NULL", networks ? "nm.network_id" : "NULL",
		scored ? "LEFT JOIN scores sc ON sc.listing_id = l.listing_id" : "",
		networks ? "LEFT JOIN network_members nm ON nm.seller_id = l.seller_id" : "",
		scored ? "AND coalesce(sc.score, 0) >= ?2" : "");
	rc = sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL);
	sqlite3_free(sql);
	if (rc != SQLITE_OK)
		return store_error(st, "listings");
	sqlite3_bind_text(s, 1, cur, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, min_score);
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *brand = (const char *)sqlite3_column_text(s, 2);
		const char *net = (const char *)sqlite3_column_text(s, 5);

		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			c = xrealloc(c, cap * sizeof(*c));
		}
		memset(&c[*n], 0, sizeof(*c));
		c[*n].listing = xstrdup((const char *)sqlite3_column_text(s, 0));
		c[*n].seller = xstrdup((const char *)sqlite3_column_text(s, 1));
		c[*n].brand = brand && *brand ? xstrdup(brand) : NULL;
		c[*n].price = sqlite3_column_int64(s, 3);
		c[*n].score =
			sqlite3_column_type(s, 4) == SQLITE_NULL ? -1 : sqlite3_column_int(s, 4);
		/* A seller in no network is a network of its own. */
		c[*n].net =
			net ? xasprintf("network %s", net) : xasprintf("seller %s", c[*n].seller);
		c[*n].brand_ix = sqlite3_column_int(s, 6);
		(*n)++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_error(st, "listings");
	*out = c;
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

int cmd_sample(int argc, char **argv)
{
	static const char *const cols[] = { "listing_id", "seller_id", "brand", "price", "currency",
		"score", "why" };
	const char *budget_s = NULL;
	long long seed = 0, min_score = 50, budget, left, brands_max = 0;
	char whole[24], frac[8], cur[4];
	struct cand *c = NULL;
	size_t n = 0, i, chosen = 0;
	int rc, scored, networks, nnets, *brand_n, *net_n;
	double *w;
	uint64_t rng;
	struct store *st;
	struct out *o;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_FORMAT,
		CK_OPT_STR(0, "budget", &budget_s, "AMOUNT",
			"spend at most this: 500, 500CNY, 129.50 EUR (major units)"),
		CK_OPT_INT(0, "seed", &seed, "S", "seed of the draw (default 0)"),
		CK_OPT_INT(0, "min-score", &min_score, "N",
			"only listings screened at N or more, when scored (default 50)"),
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc > 0)
		ck_usage_error("no operands expected");
	if (!budget_s)
		ck_usage_error("--budget is required");
	if (min_score < 0 || min_score > 100)
		ck_usage_error("--min-score must be between 0 and 100, not %lld", min_score);
	parse_budget(budget_s, whole, sizeof(whole), frac, sizeof(frac), cur);
	if ((rc = store_open(&st, NULL, STORE_READONLY)))
		return rc;
	if (!cur[0] && (rc = commonest_currency(st, cur))) {
		store_close(st);
		return rc;
	}
	budget = left = to_minor(whole, frac, cur, budget_s);
	scored = table_has_rows(store_db(st), "SELECT 1 FROM scores LIMIT 1");
	networks = table_has_rows(store_db(st),
			   "SELECT 1 FROM sqlite_master WHERE name = 'network_members'") &&
		table_has_rows(store_db(st), "SELECT 1 FROM network_members LIMIT 1");
	if (!scored)
		ck_warn("no screening scores in the store: every listing weighs the same "
			"(run 'casekit screen' first)");
	if ((rc = load(st, cur, scored, (int)min_score, networks, &c, &n))) {
		store_close(st);
		return rc;
	}
	nnets = number_networks(c, n);
	for (i = 0; i < n; i++)
		if (c[i].brand_ix > brands_max)
			brands_max = c[i].brand_ix;
	brand_n = xcalloc((size_t)brands_max + 1, sizeof(int));
	net_n = xcalloc((size_t)nnets + 1, sizeof(int));
	w = xmalloc((n + 1) * sizeof(double));
	rng = (uint64_t)seed;
	o = out_open(stdout, out_format_for(stdout), cols, 7);
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
		r = uniform(&rng) * total;
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
	if (!ck.quiet) {
		char spent[MONEY_MAX], all[MONEY_MAX];

		fprintf(stderr, "casekit sample: %zu of %s chosen for %s of %s %s\n", chosen,
			ck_count((long long)n, "listing", "listings"),
			money_format(budget - left, cur, spent), money_format(budget, cur, all),
			cur);
	}
	for (i = 0; i < n; i++) {
		free(c[i].listing);
		free(c[i].seller);
		free(c[i].brand);
		free(c[i].net);
	}
	free(c);
	free(w);
	free(brand_n);
	free(net_n);
	store_close(st);
	return rc;
}
