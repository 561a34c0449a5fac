/* link.c - join seller accounts into networks by shared identifiers, with the evidence */
#include "casekit.h"
#include "ident.h"
#include "link.h"
#include "progress.h"
#include "store.h"
#include <math.h>
#include <openssl/evp.h>

/*
 * Defaults (notes on linking, section 2): F1 kinds, which one account holds (a device, a payout
 * account, an email, a mobile), weigh enough to join on their own up to their cap; FF kinds (a
 * landline, an IP on one day) need a second piece. Planted operations share one payout account
 * or device across a few dozen accounts, innocent hubs (a forwarder, an aggregator) hundreds.
 */
static const struct {
	const char *name;
	double base;
	long cap;
} class_defaults[LINK_NCLASS] = {
	[LINK_DEVICE] = { "device", 16, 50 },
	[LINK_PAYMENT] = { "payment", 16, 50 },
	[LINK_EMAIL] = { "email", 15, 50 },
	[LINK_PHONE] = { "phone", 15, 50 },
	[LINK_LANDLINE] = { "landline", 7, 10 },
	[LINK_ADDRESS] = { "address_unit", 14, 20 },
	[LINK_IP] = { "ip", 6, 10 },
	[LINK_TEXT] = { "text", 15, 20 },
	[LINK_BUILDING] = { "address_building", 0, 0 },
};

void link_params_init(struct link_params *p)
{
	int c;

	p->threshold = 10;
	p->fuzzy = 0;
	for (c = 0; c < LINK_NCLASS; c++) {
		p->base[c] = class_defaults[c].base;
		p->cap[c] = class_defaults[c].cap;
	}
}

const char *link_class_name(enum link_class c)
{
	return class_defaults[c].name;
}

int link_params_set_cap(struct link_params *p, const char *spec)
{
	const char *eq = strchr(spec, '=');
	long long n;
	int c;

	if (!eq || ck_parse_long(eq + 1, &n) || n < 1 || n > 1000000000)
		return -1;
	for (c = 0; c < LINK_NCLASS; c++)
		if (c != LINK_BUILDING && strlen(class_defaults[c].name) == (size_t)(eq - spec) &&
			memcmp(class_defaults[c].name, spec, (size_t)(eq - spec)) == 0) {
			p->cap[c] = (long)n;
			return 0;
		}
	return -1;
}

char *link_params_text(const struct link_params *p)
{
	struct buf b = { 0 };
	int c;

	buf_addf(&b, "threshold=%g%s", p->threshold, p->fuzzy ? " fuzzy" : "");
	for (c = 0; c < LINK_BUILDING; c++)
		buf_addf(&b, " %s=%g/%ld", class_defaults[c].name, p->base[c], p->cap[c]);
	return buf_detach(&b);
}

int link_params_parse(struct link_params *p, const char *text)
{
	struct link_params q;
	const char *s = text;
	char *end;
	int c;

	link_params_init(&q);
	if (strncmp(s, "threshold=", 10) != 0)
		return -1;
	q.threshold = strtod(s + 10, &end);
	if (end == s + 10 || !(q.threshold > 0))
		return -1;
	s = end;
	if (strncmp(s, " fuzzy", 6) == 0 && (s[6] == ' ' || s[6] == '\0')) {
		q.fuzzy = 1;
		s += 6;
	}
	for (c = 0; c < LINK_BUILDING; c++) {
		size_t n = strlen(class_defaults[c].name);

		if (*s++ != ' ' || strncmp(s, class_defaults[c].name, n) != 0 || s[n] != '=')
			return -1;
		q.base[c] = strtod(s + n + 1, &end);
		if (end == s + n + 1 || *end != '/')
			return -1;
		s = end + 1;
		q.cap[c] = strtol(s, &end, 10);
		if (end == s || q.cap[c] < 1)
			return -1;
		s = end;
	}
	if (*s)
		return -1;
	*p = q;
	return 0;
}

int link_params_last(struct store *st, struct link_params *p)
{
	struct store_stmt *s;
	int rc = 0;

	if (!store_table_exists(st, "link_runs"))
		return 0;
	if (!(s = store_prepare(st, "SELECT params FROM link_runs ORDER BY run_id DESC LIMIT 1")))
		return EX_SOFTWARE;
	if ((rc = store_step(s)) == STORE_ROW) {
		const char *text = store_col_text(s, 0);

		rc = text && link_params_parse(p, text) == 0;
	} else if (rc == STORE_DONE) {
		rc = 0;
	}
	store_done(s);
	return rc;
}

int link_has_flag(const char *flags, const char *word)
{
	size_t n = strlen(word);
	const char *p = flags;

	if (!flags)
		return 0;
	while ((p = strstr(p, word))) {
		if ((p == flags || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

enum link_class link_class_of(const char *kind, const char *flags)
{
	if (strcmp(kind, IDENT_DEVICE) == 0)
		return LINK_DEVICE;
	if (strcmp(kind, IDENT_PAYMENT) == 0)
		return LINK_PAYMENT;
	if (strcmp(kind, IDENT_EMAIL) == 0)
		return LINK_EMAIL;
	if (strcmp(kind, IDENT_PHONE) == 0)
		return link_has_flag(flags, "landline") || link_has_flag(flags, "tollfree") ||
				link_has_flag(flags, "local")
			? LINK_LANDLINE
			: LINK_PHONE;
	if (strcmp(kind, IDENT_ADDRESS_UNIT) == 0)
		return LINK_ADDRESS;
	if (strcmp(kind, IDENT_ADDRESS_BUILDING) == 0 || strcmp(kind, IDENT_ADDRESS_AREA) == 0)
		return LINK_BUILDING;
	if (strcmp(kind, IDENT_IP) == 0)
		return LINK_IP;
	return LINK_TEXT;
}

double link_weight(const struct link_params *p, enum link_class c, long n)
{
	if (c == LINK_BUILDING)
		return 0;
	return n <= 2 ? p->base[c] : p->base[c] - log2((double)n / 2);
}

uint32_t uf_add(struct uf *u)
{
	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 1024;
		u->parent = xrealloc(u->parent, u->cap * sizeof(*u->parent));
		u->size = xrealloc(u->size, u->cap * sizeof(*u->size));
	}
	u->parent[u->n] = (uint32_t)u->n;
	u->size[u->n] = 1;
	return (uint32_t)u->n++;
}

uint32_t uf_find(struct uf *u, uint32_t x)
{
	while (u->parent[x] != x) {
		u->parent[x] = u->parent[u->parent[x]];
		x = u->parent[x];
	}
	return x;
}

int uf_union(struct uf *u, uint32_t a, uint32_t b)
{
	uint32_t t;

	a = uf_find(u, a);
	b = uf_find(u, b);
	if (a == b)
		return 0;
	if (u->size[a] < u->size[b]) {
		t = a;
		a = b;
		b = t;
	}
	u->parent[b] = a;
	u->size[a] += u->size[b];
	return 1;
}

void uf_free(struct uf *u)
{
	free(u->parent);
	free(u->size);
	memset(u, 0, sizeof(*u));
}

void link_network_id(const char *anchor, char out[18])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct buf b = { 0 };
	int i;

	buf_addf(&b, "network:%s", anchor);
	if (!EVP_Digest(b.s, b.len, md, &mdlen, EVP_sha256(), NULL))
		ck_bug("SHA-256 failed");
	buf_free(&b);
	out[0] = 'N';
	for (i = 0; i < 8; i++) {
		out[1 + 2 * i] = hex[md[i] >> 4];
		out[2 + 2 * i] = hex[md[i] & 15];
	}
	out[17] = '\0';
}

/* One piece of evidence between dense sellers a and b: a shared value. */
struct piece {
	uint32_t a, b;
	uint32_t val;  /* into lk->vals */
	uint32_t kind; /* into lk->kinds */
	uint32_t holders;
	uint8_t cls;
	uint8_t comp; /* 0 exact, else a fuzzy comparator (comparators[]) */
	float w;
	float score;    /* the comparator's similarity */
	int64_t ia, ib; /* identifiers rows (0: none) */
};

static const char *const comparators[] = { NULL, "jaro_winkler", "jaccard3", "levenshtein" };

/* A candidate edge: one strong piece, or the best weak pieces of a pair (eparts[p0..p0+np)). */
struct edge {
	uint32_t a, b;
	float w;
	uint32_t p0;
	uint16_t np;
	uint8_t forest;
	uint8_t fuzzy; /* joins after every exact edge, so the forest prefers exact evidence */
};

struct pair {
	uint32_t a, b;
	int32_t best[LINK_NCLASS];
};

struct hub {
	uint32_t kind, val;
	char *display, *day;
	long holders;
};

struct member {
	uint32_t seller;
	int64_t ident;
};

struct linker {
	struct store *st;
	const struct link_params *p;
	struct ck_names sellers; /* dense seller ids, the same as their union-find elements */
	struct uf uf;
	char **vals, **kinds;
	size_t nvals, capvals, nkinds, capkinds;
	struct piece *pieces;
	size_t npieces, cappieces;
	struct edge *edges;
	size_t nedges, capedges;
	uint32_t *eparts;
	size_t neparts, capeparts;
	struct pair *pairs;
	size_t npairs, cappairs;
	uint32_t *pairtab; /* open addressing over pairs, index + 1 */
	size_t pairtabcap;
	struct hub *hubs;
	size_t nhubs, caphubs;
	/* the group being read */
	struct member *grp;
	size_t ngrp, capgrp;
	struct buf gkind, gvalue, gday, gflags, graw;
	int64_t last_ident;
	long long run_id;
	/* networks, members and edges after the run, when it counted them itself (counted) */
	long long counts[3];
	int counted;
	/* Bridges: holders counted over the whole store, strong groups as cycles, not stars. */
	int graph;
	/* Incremental: rows after incr_last are new; weak pairs to score; a full run needed. */
	int incr, need_full;
	int64_t incr_last;
	uint64_t *cand;
	size_t ncand, capcand;
};

#define GROW(arr, n, cap) \
	do { \
		if ((n) == (cap)) { \
			(cap) = (cap) ? 2 * (cap) : 256; \
			(arr) = xrealloc((arr), (cap) * sizeof(*(arr))); \
		} \
	} while (0)

static uint32_t seller_id(struct linker *lk, const char *name)
{
	int n = lk->sellers.n, id = ck_name_id(&lk->sellers, name);

	if (id == n && uf_add(&lk->uf) != (uint32_t)id)
		ck_bug("seller %d is union-find element %d", id, n);
	return (uint32_t)id;
}

static uint32_t intern_kind(struct linker *lk, const char *kind)
{
	size_t i;

	for (i = 0; i < lk->nkinds; i++)
		if (strcmp(lk->kinds[i], kind) == 0)
			return (uint32_t)i;
	GROW(lk->kinds, lk->nkinds, lk->capkinds);
	lk->kinds[lk->nkinds] = xstrdup(kind);
	return (uint32_t)lk->nkinds++;
}

static uint32_t add_val(struct linker *lk, const char *v)
{
	GROW(lk->vals, lk->nvals, lk->capvals);
	lk->vals[lk->nvals] = xstrdup(v);
	return (uint32_t)lk->nvals++;
}

static uint32_t add_piece(struct linker *lk, const struct piece *pc)
{
	GROW(lk->pieces, lk->npieces, lk->cappieces);
	lk->pieces[lk->npieces] = *pc;
	return (uint32_t)lk->npieces++;
}

static void add_edge(
	struct linker *lk, uint32_t a, uint32_t b, double w, const uint32_t *parts, size_t np)
{
	struct edge *e;
	size_t i;

	GROW(lk->edges, lk->nedges, lk->capedges);
	e = &lk->edges[lk->nedges++];
	e->a = a < b ? a : b;
	e->b = a < b ? b : a;
	e->w = (float)w;
	e->p0 = (uint32_t)lk->neparts;
	e->np = (uint16_t)np;
	e->forest = 0;
	e->fuzzy = np && lk->pieces[parts[0]].comp;
	for (i = 0; i < np; i++) {
		GROW(lk->eparts, lk->neparts, lk->capeparts);
		lk->eparts[lk->neparts++] = parts[i];
	}
}

static uint64_t hash_pair(uint32_t a, uint32_t b)
{
	uint64_t x = ((uint64_t)a << 32 | b) * 0x9E3779B97F4A7C15ULL;

	return x ^ (x >> 29);
}

static struct pair *pair_get(struct linker *lk, uint32_t a, uint32_t b)
{
	size_t j, i;
	struct pair *pr;
	int c;

	if (a > b) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	if (2 * (lk->npairs + 1) > lk->pairtabcap) {
		free(lk->pairtab);
		lk->pairtabcap = lk->pairtabcap ? 2 * lk->pairtabcap : 4096;
		lk->pairtab = xcalloc(lk->pairtabcap, sizeof(*lk->pairtab));
		for (i = 0; i < lk->npairs; i++) {
			for (j = hash_pair(lk->pairs[i].a, lk->pairs[i].b) & (lk->pairtabcap - 1);
				lk->pairtab[j]; j = (j + 1) & (lk->pairtabcap - 1))
				;
			lk->pairtab[j] = (uint32_t)i + 1;
		}
	}
	for (j = hash_pair(a, b) & (lk->pairtabcap - 1); lk->pairtab[j];
		j = (j + 1) & (lk->pairtabcap - 1)) {
		pr = &lk->pairs[lk->pairtab[j] - 1];
		if (pr->a == a && pr->b == b)
			return pr;
	}
	GROW(lk->pairs, lk->npairs, lk->cappairs);
	pr = &lk->pairs[lk->npairs];
	pr->a = a;
	pr->b = b;
	for (c = 0; c < LINK_NCLASS; c++)
		pr->best[c] = -1;
	lk->pairtab[j] = (uint32_t)++lk->npairs;
	return pr;
}

static long holders_of(
	struct store *st, const char *kind, const char *value, const char *day, long bound);

enum { ST_NONE, ST_HUB, ST_STRONG, ST_WEAK };

static int status(const struct linker *lk, enum link_class cls, long n)
{
	if (n < 2)
		return ST_NONE;
	if (n > lk->p->cap[cls])
		return ST_HUB;
	return link_weight(lk->p, cls, n) >= lk->p->threshold ? ST_STRONG : ST_WEAK;
}

/*
 * An incremental run sees a group that new rows touched: n distinct holders here, cnt in all.
 * If what the value did before (joined alone, added weight, nothing, hub) changes in a way that
 * could undo an earlier join, a full run is needed. Weak groups leave their new pairs to be
 * scored on all the evidence of the pair (link_pair_evidence). Returns 1 when the group is
 * dealt with, 0 to go on as a full run would.
 */
static int incr_group(struct linker *lk, enum link_class cls, size_t n, long cnt)
{
	long nold = 0;
	int so, sn;
	size_t i, j;

	for (i = 0; i < n; i++)
		nold += lk->grp[i].ident <= lk->incr_last;
	so = status(lk, cls, nold);
	sn = status(lk, cls, cnt);
	if (((so == ST_STRONG || so == ST_WEAK) && so != sn) || (so == ST_WEAK && cnt > nold)) {
		lk->need_full = 1;
		return 1;
	}
	if (sn != ST_WEAK)
		return 0;
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++)
			if (lk->grp[i].ident > lk->incr_last || lk->grp[j].ident > lk->incr_last) {
				GROW(lk->cand, lk->ncand, lk->capcand);
				lk->cand[lk->ncand++] =
					(uint64_t)lk->grp[i].seller << 32 | lk->grp[j].seller;
			}
	return 1;
}

static int cmp_member(const void *x, const void *y)
{
	const struct member *a = x, *b = y;

	if (a->seller != b->seller)
		return a->seller < b->seller ? -1 : 1;
	return a->ident < b->ident ? -1 : a->ident > b->ident;
}

static void add_hub(struct linker *lk, long n)
{
	struct hub *h;
	uint32_t kind = intern_kind(lk, lk->gkind.s);

	/* An IP is a hub day by day; list it once, with its busiest day. */
	if (lk->nhubs && lk->hubs[lk->nhubs - 1].kind == kind &&
		strcmp(lk->vals[lk->hubs[lk->nhubs - 1].val], lk->gvalue.s) == 0) {
		h = &lk->hubs[lk->nhubs - 1];
		if (n > h->holders) {
			h->holders = n;
			free(h->day);
			h->day = lk->gday.len ? xstrdup(lk->gday.s) : NULL;
		}
		return;
	}
	GROW(lk->hubs, lk->nhubs, lk->caphubs);
	h = &lk->hubs[lk->nhubs++];
	h->kind = kind;
	h->val = add_val(lk, lk->gvalue.s);
	h->display =
		xstrdup(strcmp(lk->gkind.s, IDENT_PAYMENT) == 0 && lk->graw.len ? lk->graw.s
										: lk->gvalue.s);
	h->day = lk->gday.len ? xstrdup(lk->gday.s) : NULL;
	h->holders = n;
}

/*
 * A whole group of rows that share one value (and day, for an IP) has been read: dedupe its
 * holders, then make it a hub, strong edges (each holder joined to the first: k-1 edges, no
 * pairs), or weak pieces for every pair (k is at most the cap, so the pairs are few).
 */
static void finish_group(struct linker *lk)
{
	enum link_class cls;
	size_t i, j, n = 0;
	struct piece pc;
	uint32_t pi;
	double w;
	long cnt;

	if (lk->ngrp < 2) {
		lk->ngrp = 0;
		return;
	}
	ck_sort(lk->grp, lk->ngrp, sizeof(*lk->grp), cmp_member);
	for (i = 0; i < lk->ngrp; i++)
		if (n == 0 || lk->grp[n - 1].seller != lk->grp[i].seller)
			lk->grp[n++] = lk->grp[i];
	lk->ngrp = 0;
	if (n < 2)
		return;
	cls = link_class_of(lk->gkind.s, lk->gflags.s);
	cnt = (long)n;
	if (lk->graph)
		cnt = holders_of(
			lk->st, lk->gkind.s, lk->gvalue.s, lk->gday.len ? lk->gday.s : NULL, 0);
	if (cnt > lk->p->cap[cls]) {
		if (!lk->incr || !incr_group(lk, cls, n, cnt))
			add_hub(lk, cnt);
		return;
	}
	w = link_weight(lk->p, cls, cnt);
	if (lk->incr && incr_group(lk, cls, n, cnt))
		return;
	memset(&pc, 0, sizeof(pc));
	pc.val = add_val(lk, lk->gvalue.s);
	pc.kind = intern_kind(lk, lk->gkind.s);
	pc.holders = (uint32_t)cnt;
	pc.cls = (uint8_t)cls;
	pc.w = (float)w;
	if (w >= lk->p->threshold && lk->graph) {
		for (i = 0; i < (n == 2 ? 1 : n); i++) {
			pc.a = lk->grp[i].seller;
			pc.b = lk->grp[(i + 1) % n].seller;
			pi = add_piece(lk, &pc);
			add_edge(lk, pc.a, pc.b, w, &pi, 1);
		}
		return;
	}
	if (w >= lk->p->threshold) {
		for (i = 1; i < n; i++) {
			pc.a = lk->grp[0].seller;
			pc.b = lk->grp[i].seller;
			pc.ia = lk->grp[0].ident;
			pc.ib = lk->grp[i].ident;
			pi = add_piece(lk, &pc);
			add_edge(lk, pc.a, pc.b, w, &pi, 1);
		}
		return;
	}
	for (i = 0; i < n; i++)
		for (j = i + 1; j < n; j++) {
			struct pair *pr = pair_get(lk, lk->grp[i].seller, lk->grp[j].seller);

			pc.a = lk->grp[i].seller;
			pc.b = lk->grp[j].seller;
			pc.ia = lk->grp[i].ident;
			pc.ib = lk->grp[j].ident;
			if (pr->best[cls] < 0 || lk->pieces[pr->best[cls]].w < pc.w)
				pr->best[cls] = (int32_t)add_piece(lk, &pc);
		}
}

/* Weak pairs whose best piece of each class add up to the threshold become edges. */
static void weak_edges(struct linker *lk)
{
	uint32_t parts[LINK_NCLASS];
	size_t i, np;
	double s;
	int c;

	for (i = 0; i < lk->npairs; i++) {
		s = 0;
		np = 0;
		for (c = 0; c < LINK_NCLASS; c++)
			if (lk->pairs[i].best[c] >= 0) {
				parts[np++] = (uint32_t)lk->pairs[i].best[c];
				s += lk->pieces[lk->pairs[i].best[c]].w;
			}
		if (s >= lk->p->threshold)
			add_edge(lk, lk->pairs[i].a, lk->pairs[i].b, s, parts, np);
	}
}

static const char *col(struct store_stmt *s, int i)
{
	return store_col_text(s, i);
}

static void set_buf(struct buf *b, const char *s)
{
	buf_reset(b);
	if (s)
		buf_adds(b, s);
}

/*
 * Read the seller identifiers up to last in (kind, value, day) order, one group at a time, so
 * only one group is in memory at once. The rows are read in table order and sorted by the
 * engine (on SQLite an external merge sort: sequential reads and writes of temporary files).
 * Walking the index on identifiers(kind, value) instead fetches each row from the table at
 * random: superlinear once the table outgrows the page cache (at 3M sellers 96 s of system
 * time against 3.7 s at 300k): scan() keeps SQLite off both indexes.
 * Values flagged nolink and building keys never link and are skipped here.
 */
static int scan_rows(struct linker *lk, struct store_stmt *s, struct progress *pg)
{
	uint64_t rows = 0;
	int rc, isip = 0;

	buf_reset(&lk->gkind);
	buf_reset(&lk->gvalue);
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *kind = col(s, 1), *value = col(s, 2), *holder = col(s, 3);
		const char *flags = col(s, 4), *day = col(s, 5);
		struct member *m;

		if (++rows % 65536 == 0)
			progress_update(pg, rows, rows);
		if (!kind || !value || !*value || !holder || link_has_flag(flags, "nolink"))
			continue;
		if (!lk->gkind.len || strcmp(kind, lk->gkind.s) != 0 ||
			strcmp(value, lk->gvalue.s) != 0 ||
			(isip && strcmp(day ? day : "", lk->gday.s) != 0)) {
			finish_group(lk);
			set_buf(&lk->gkind, kind);
			set_buf(&lk->gvalue, value);
			set_buf(&lk->gday, NULL);
			isip = strcmp(kind, IDENT_IP) == 0;
			if (isip)
				set_buf(&lk->gday, day ? day : "");
			set_buf(&lk->gflags, flags);
			set_buf(&lk->graw, col(s, 6));
		}
		GROW(lk->grp, lk->ngrp, lk->capgrp);
		m = &lk->grp[lk->ngrp++];
		m->seller = seller_id(lk, holder);
		m->ident = store_col_int(s, 0);
	}
	if (rc != STORE_DONE)
		return rc;
	finish_group(lk);
	return 0;
}

/*
 * On Citus the identifiers are spread by holder, so the groups of one value lie on every
 * worker. Rather than pull every row to casekit to group them, link copies them by value into
 * link_values (casekit-store(5)), worker to worker, and the workers group them there and send
 * back the rows of only the values that two or more sellers hold: a group of one holder makes
 * nothing in finish_group(), so the rows read are those that matter, in the same order. The
 * count takes every row that could be in a group (nolink and empty values too): it can only
 * keep more groups than finish_group() uses, never fewer.
 */
/*
 * The full scan numbers the sellers (their union-find elements) in the order it first meets
 * them, and that order picks the centre of each star of strong edges and breaks ties between
 * edges. Fewer rows would number them otherwise: so the sellers come first, each with its
 * first row of the full scan (the same filter as scan_rows()), found on its own worker.
 */
static const char order_citus_sql[] =
	"SELECT holder_id FROM (SELECT DISTINCT ON (holder_id) holder_id, kind, value, day,"
	" ident_id FROM identifiers WHERE holder_kind = 'seller' AND ident_id <= ?1"
	" AND kind NOT IN ('address_building', 'address_area') AND value <> ''"
	" AND holder_id IS NOT NULL AND (flags IS NULL OR ',' || flags || ',' NOT LIKE '%,nolink,%')"
	" ORDER BY holder_id, kind, value, day, ident_id) f ORDER BY kind, value, day, ident_id";
static const char fill_citus_sql[] =
	"INSERT INTO link_values SELECT ident_id, kind, value, holder_id, flags, day,"
	" coalesce(raw, value)"
	" FROM identifiers WHERE holder_kind = 'seller' AND ident_id <= ?1"
	" AND kind NOT IN ('address_building', 'address_area')";
static const char scan_citus_sql[] =
	"SELECT i.ident_id, i.kind, i.value, i.holder_id, i.flags, i.day, i.raw FROM link_values i"
	" JOIN (SELECT kind, value, CASE WHEN kind = 'ip' THEN coalesce(day, '') END d"
	" FROM link_values GROUP BY 1, 2, 3 HAVING count(DISTINCT holder_id) >= 2) g"
	" ON g.value = i.value AND g.kind = i.kind AND (g.d IS NULL OR g.d = coalesce(i.day, ''))"
	" ORDER BY i.kind, i.value, i.day, i.ident_id";

static int scan(struct linker *lk)
{
	/*
	 * NOT INDEXED keeps SQLite off both indexes (rowid still bounds the scan) and lets it
	 * sort on the columns themselves: +kind, +value are expressions, each a second copy of
	 * the column in every record the sort writes, reads and compares (a fifth of its CPU).
	 */
	static const char sql[] = "SELECT ident_id, kind, value, holder_id, flags, day,"
				  " coalesce(raw, value) FROM identifiers NOT INDEXED"
				  " WHERE holder_kind = 'seller' AND ident_id <= ?1"
				  " AND kind NOT IN ('address_building', 'address_area')"
				  " ORDER BY kind, value, day, ident_id";
	/* the same on a server, which has no NOT INDEXED */
	static const char sql_server[] = "SELECT ident_id, kind, value, holder_id, flags, day,"
					 " coalesce(raw, value) FROM identifiers"
					 " WHERE +holder_kind = 'seller' AND ident_id <= ?1"
					 " AND +kind NOT IN ('address_building', 'address_area')"
					 " ORDER BY +kind, +value, day, ident_id";
	int server = strncmp(store_engine_of(lk->st), "SQLite ", 7) != 0;
	int citus = store_is_distributed(lk->st) && store_table_exists(lk->st, "link_values");
	struct progress *pg = progress_start("link", (uint64_t)lk->last_ident);
	struct store_stmt *s;
	int rc;

	/* (link_values is empty: link empties it before it commits, and a rollback does too) */
	if (citus) {
		if (!(s = store_prepare(lk->st, fill_citus_sql)))
			return EX_SOFTWARE;
		store_bind_int(s, 1, lk->last_ident);
		if ((rc = store_run(s)))
			return rc;
		if (!(s = store_prepare(lk->st, order_citus_sql)))
			return EX_SOFTWARE;
		store_bind_int(s, 1, lk->last_ident);
		while ((rc = store_step(s)) == STORE_ROW)
			seller_id(lk, col(s, 0));
		store_done(s);
		if (rc != STORE_DONE)
			return rc;
	}
	if (!(s = store_prepare(lk->st, citus ? scan_citus_sql : server ? sql_server : sql)))
		return EX_SOFTWARE;
	store_bind_int(s, 1, lk->last_ident); /* (none on Citus) */
	rc = scan_rows(lk, s, pg);
	store_done(s);
	progress_end(pg);
	if (!rc && citus)
		rc = store_exec(lk->st, "TRUNCATE link_values");
	return rc;
}

static int cmp_edge(const void *x, const void *y)
{
	const struct edge *a = x, *b = y;

	if (a->fuzzy != b->fuzzy)
		return a->fuzzy - b->fuzzy;
	if (a->w != b->w)
		return a->w > b->w ? -1 : 1;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	return a->b < b->b ? -1 : a->b > b->b;
}

/* Kruskal: the strongest evidence first, so each network is explained by its best edges. */
static void join(struct linker *lk)
{
	size_t i;

	ck_sort(lk->edges, lk->nedges, sizeof(*lk->edges), cmp_edge);
	for (i = 0; i < lk->nedges; i++)
		lk->edges[i].forest = (uint8_t)uf_union(&lk->uf, lk->edges[i].a, lk->edges[i].b);
}

/* A network after this run: its members (dense ids) and the id it gets. */
struct net {
	uint32_t root;
	uint32_t *m;
	size_t n;
	const char *anchor;
	char id[64];
	long long created_run, updated_run;
};

struct oldnet {
	char *id;
	long long created_run, updated_run, size;
};

struct claim {
	uint32_t old, net; /* indexes into olds and nets */
	uint32_t count;
};

static int cmp_claim(const void *x, const void *y)
{
	const struct claim *a = x, *b = y;

	if (a->old != b->old)
		return a->old < b->old ? -1 : 1;
	if (a->net != b->net)
		return a->net < b->net ? -1 : 1;
	return 0;
}

struct runout {
	struct net *nets;
	size_t nnets;
	uint32_t *netof; /* dense seller -> index into nets + 1, or 0 */
	struct oldnet *olds;
	size_t nolds, capolds;
	uint32_t (*oldm)[2]; /* members of the earlier networks: index into olds, dense seller */
	size_t noldm, capoldm;
	struct ck_names oldids; /* incremental: the ids of the earlier networks read */
	char **alias_old, **alias_new;
	const char **alias_why;
	size_t naliases, capaliases;
};

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static void collect_nets(struct linker *lk, struct runout *ro)
{
	uint32_t *idx = xcalloc(lk->uf.n ? lk->uf.n : 1, sizeof(*idx));
	size_t i;

	ro->netof = xcalloc(lk->uf.n ? lk->uf.n : 1, sizeof(*ro->netof));
	for (i = 0; i < lk->uf.n; i++) {
		uint32_t r = uf_find(&lk->uf, (uint32_t)i);
		struct net *nt;

		if (lk->uf.size[r] < 2)
			continue;
		if (!idx[r]) {
			ro->nets = xrealloc(ro->nets, (ro->nnets + 1) * sizeof(*ro->nets));
			nt = &ro->nets[ro->nnets++];
			memset(nt, 0, sizeof(*nt));
			nt->root = r;
			nt->m = xmalloc(lk->uf.size[r] * sizeof(*nt->m));
			idx[r] = (uint32_t)ro->nnets;
		}
		nt = &ro->nets[idx[r] - 1];
		nt->m[nt->n++] = (uint32_t)i;
		ro->netof[i] = idx[r];
		if (!nt->anchor || strcmp(lk->sellers.v[i], nt->anchor) < 0)
			nt->anchor = lk->sellers.v[i];
	}
	free(idx);
	for (i = 0; i < ro->nnets; i++)
		ck_sort(ro->nets[i].m, ro->nets[i].n, sizeof(uint32_t), cmp_u32);
}

static void add_alias(struct runout *ro, const char *old, const char *new, const char *why)
{
	GROW(ro->alias_old, ro->naliases, ro->capaliases);
	ro->alias_new = xrealloc(ro->alias_new, ro->capaliases * sizeof(*ro->alias_new));
	ro->alias_why = xrealloc(ro->alias_why, ro->capaliases * sizeof(*ro->alias_why));
	ro->alias_old[ro->naliases] = xstrdup(old);
	ro->alias_new[ro->naliases] = new ? xstrdup(new) : NULL;
	ro->alias_why[ro->naliases++] = why;
}

/* One row of an earlier network: its id (rows of a network come together) and a member. */
static void add_old_member(struct runout *ro, struct store_stmt *s, uint32_t *d)
{
	const char *nid = col(s, 1);

	if (!ro->nolds || strcmp(ro->olds[ro->nolds - 1].id, nid) != 0) {
		GROW(ro->olds, ro->nolds, ro->capolds);
		ro->olds[ro->nolds].id = xstrdup(nid);
		ro->olds[ro->nolds].created_run = store_col_int(s, 2);
		ro->olds[ro->nolds].updated_run = store_col_int(s, 3);
		ro->olds[ro->nolds++].size = store_col_int(s, 4);
	}
	if (!d)
		return;
	GROW(ro->oldm, ro->noldm, ro->capoldm);
	ro->oldm[ro->noldm][0] = (uint32_t)ro->nolds - 1;
	ro->oldm[ro->noldm++][1] = *d;
}

#define OLD_MEMBERS_SQL \
	"SELECT m.seller_id, m.network_id, n.created_run, n.updated_run, n.size" \
	" FROM network_members m JOIN networks n USING(network_id)"

/* Every earlier network, with its members this run knows (a full run). */
static int read_olds(struct linker *lk, struct runout *ro)
{
	struct store_stmt *s;
	int rc;

	if (!(s = store_prepare(lk->st, OLD_MEMBERS_SQL " ORDER BY m.network_id")))
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW) {
		int id = ck_name_find(&lk->sellers, col(s, 0));
		uint32_t d = (uint32_t)id;

		add_old_member(ro, s, id >= 0 ? &d : NULL);
	}
	store_done(s);
	return rc;
}

/* 1 if an earlier network an incremental run did not read has id: it stays, so does its id. */
static int id_kept(struct linker *lk, struct runout *ro, struct store_stmt **s, const char *id)
{
	int rc;

	if (ck_name_find(&ro->oldids, id) >= 0)
		return 0;
	if (!*s && !(*s = store_prepare(lk->st, "SELECT 1 FROM networks WHERE network_id = ?1")))
		return 0;
	store_bind_text(*s, 1, id);
	rc = store_step(*s);
	store_reset(*s);
	return rc == STORE_ROW;
}

/*
 * Give each network its id. A network that holds members of earlier networks keeps the id of
 * the earlier network it holds most members of (ties: the older, then the smaller id); the ids
 * of the others it absorbed become aliases ("merged"). Each earlier id goes to one network at
 * most: the one holding most of its members. A network with no earlier id gets one from its
 * anchor. So ids survive reruns, growth and merges, and a fresh store gives anchor ids.
 * An incremental run has read only the earlier networks it touches (load_touched): the others
 * keep their members and ids, which a new network must not take.
 */
static int assign_ids(struct linker *lk, struct runout *ro, int incremental)
{
	struct claim *cl = NULL;
	size_t ncl = 0, capcl = 0, i, j;
	struct ck_names used = { 0 };
	struct store_stmt *sk = NULL;
	int32_t *best;
	int rc;

	if (!incremental && (rc = read_olds(lk, ro)))
		return rc;
	for (i = 0; i < ro->noldm; i++) {
		uint32_t d = ro->oldm[i][1];

		if (!ro->netof[d])
			continue;
		GROW(cl, ncl, capcl);
		cl[ncl].old = ro->oldm[i][0];
		cl[ncl].net = ro->netof[d] - 1;
		cl[ncl++].count = 1;
	}
	/* Sum the members each old network gives each new one. */
	ck_sort(cl, ncl, sizeof(*cl), cmp_claim);
	for (i = 0, j = 0; i < ncl; i++) {
		if (j && cl[j - 1].old == cl[i].old && cl[j - 1].net == cl[i].net)
			cl[j - 1].count++;
		else
			cl[j++] = cl[i];
	}
	ncl = j;
	/* Each old id goes to the network that holds most of its members. */
	best = xmalloc((ro->nnets + 1) * sizeof(*best));
	for (i = 0; i < ro->nnets; i++)
		best[i] = -1;
	for (i = 0; i < ncl;) {
		size_t w = i;

		for (j = i; j < ncl && cl[j].old == cl[i].old; j++)
			if (cl[j].count > cl[w].count ||
				(cl[j].count == cl[w].count &&
					strcmp(ro->nets[cl[j].net].anchor,
						ro->nets[cl[w].net].anchor) < 0))
				w = j;
		for (; i < j; i++) {
			int32_t *b = &best[cl[i].net];
			const struct claim *c = &cl[w];

			if (i != w)
				continue;
			/* Among the old ids a network won, the one it holds most of. */
			if (*b < 0 || c->count > cl[*b].count ||
				(c->count == cl[*b].count &&
					(ro->olds[c->old].created_run <
							ro->olds[cl[*b].old].created_run ||
						(ro->olds[c->old].created_run ==
								ro->olds[cl[*b].old].created_run &&
							strcmp(ro->olds[c->old].id,
								ro->olds[cl[*b].old].id) < 0))))
				*b = (int32_t)w;
		}
	}
	for (i = 0; i < ro->nnets; i++) {
		if (best[i] >= 0) {
			snprintf(ro->nets[i].id, sizeof(ro->nets[i].id), "%s",
				ro->olds[cl[best[i]].old].id);
			ro->nets[i].created_run = ro->olds[cl[best[i]].old].created_run;
			/* Membership unchanged: all its members, and only they, were that network. */
			ro->nets[i].updated_run = cl[best[i]].count == ro->nets[i].n &&
					ro->olds[cl[best[i]].old].size == (long long)ro->nets[i].n
				? ro->olds[cl[best[i]].old].updated_run
				: lk->run_id;
			ck_name_id(&used, ro->nets[i].id);
		}
	}
	for (i = 0; i < ro->nnets; i++) {
		char id[18];
		int k;

		if (best[i] >= 0)
			continue;
		ro->nets[i].created_run = ro->nets[i].updated_run = lk->run_id;
		link_network_id(ro->nets[i].anchor, id);
		snprintf(ro->nets[i].id, sizeof(ro->nets[i].id), "%s", id);
		/* An old id still in use by another network: add a counter, never reuse it. */
		for (k = 2; ck_name_find(&used, ro->nets[i].id) >= 0 ||
			(incremental && id_kept(lk, ro, &sk, ro->nets[i].id));
			k++)
			snprintf(ro->nets[i].id, sizeof(ro->nets[i].id), "%s-%d", id, k);
		ck_name_id(&used, ro->nets[i].id);
	}
	/* Old ids that no network kept: merged into another, or dissolved. */
	for (i = 0; i < ro->nolds; i++) {
		const char *to = NULL;

		if (ck_name_find(&used, ro->olds[i].id) >= 0)
			continue;
		for (j = 0; j < ncl; j++)
			if (cl[j].old == i && (!to || 1)) {
				to = ro->nets[cl[j].net].id;
				break;
			}
		add_alias(ro, ro->olds[i].id, to, to ? "merged" : "dissolved");
	}
	store_done(sk);
	ck_names_free(&used);
	free(best);
	free(cl);
	return 0;
}

static int query_int(struct linker *lk, const char *sql, long long *out);

/* Run a statement that gives no rows and rewind it, to run again: 0 or EX_*. */
static int step_done(struct store_stmt *s)
{
	int rc = store_step(s);

	store_reset(s);
	return rc == STORE_ROW ? 0 : rc;
}

/* Run sql, prepared once into *s (the caller gives it back), with text a (and b) bound. */
static int exec_text(
	struct linker *lk, struct store_stmt **s, const char *sql, const char *a, const char *b)
{
	if (!*s && !(*s = store_prepare(lk->st, sql)))
		return EX_SOFTWARE;
	store_bind_text(*s, 1, a);
	if (b)
		store_bind_text(*s, 2, b);
	return step_done(*s);
}

#define KINDS_SQL \
	"UPDATE networks SET kinds = coalesce((SELECT group_concat(kind, ',') FROM" \
	" (SELECT DISTINCT kind FROM link_edges e WHERE e.network_id =" \
	" networks.network_id ORDER BY kind)), '')"

/*
 * Before an incremental run writes its networks: the earlier networks it read go (the
 * networks that now hold their members are written instead), and their edges move to those
 * networks (all members of one go to one: a run that only adds never splits).
 */
static int drop_touched(struct linker *lk, struct runout *ro)
{
	struct store_stmt *se = NULL, *sn = NULL, *sm = NULL;
	uint32_t prev = UINT32_MAX;
	size_t i;
	int rc = 0;

	for (i = 0; i < ro->noldm && !rc; i++) {
		const struct net *nt;

		if (ro->oldm[i][0] == prev || !ro->netof[ro->oldm[i][1]])
			continue;
		prev = ro->oldm[i][0];
		nt = &ro->nets[ro->netof[ro->oldm[i][1]] - 1];
		if (strcmp(nt->id, ro->olds[prev].id) != 0)
			rc = exec_text(lk, &se,
				"UPDATE link_edges SET network_id = ?1 WHERE network_id = ?2",
				nt->id, ro->olds[prev].id);
	}
	for (i = 0; i < ro->nolds && !rc; i++)
		if (!(rc = exec_text(lk, &sn, "DELETE FROM networks WHERE network_id = ?1",
			      ro->olds[i].id, NULL)))
			rc = exec_text(lk, &sm, "DELETE FROM network_members WHERE network_id = ?1",
				ro->olds[i].id, NULL);
	store_done(se);
	store_done(sn);
	store_done(sm);
	return rc;
}

/* After: each network an incremental run wrote is no longer an alias, and gets its kinds. */
static int settle_touched(struct linker *lk, struct runout *ro)
{
	struct store_stmt *sa = NULL, *sk = NULL;
	size_t i;
	int rc = 0;

	for (i = 0; i < ro->nnets && !rc; i++)
		if (!(rc = exec_text(lk, &sa, "DELETE FROM network_aliases WHERE old_id = ?1",
			      ro->nets[i].id, NULL)))
			rc = exec_text(
				lk, &sk, KINDS_SQL " WHERE network_id = ?1", ro->nets[i].id, NULL);
	store_done(sa);
	store_done(sk);
	return rc;
}

/*
 * Write networks and members, the new forest edges and hubs, and aliases. A full run replaces
 * them all; an incremental one replaces only the networks it touched (drop_touched, then
 * settle_touched), keeps the earlier edges and hubs (its joins only add) and renumbers
 * nothing: edge ids grow with the rowid, a full run writing them in order and an incremental
 * one after the last.
 */
static int save(struct linker *lk, struct runout *ro, int incremental)
{
	struct store_stmt *sn = NULL, *sm = NULL, *se = NULL, *sh = NULL, *sa = NULL;
	/* where the store loads in bulk (a server's COPY), the rows go that way */
	struct store_load *ln = store_load_new(lk->st, "networks",
				  "network_id, size, anchor, kinds, created_run, updated_run",
				  NULL),
			  *lm = store_load_new(
				  lk->st, "network_members", "seller_id, network_id", NULL),
			  *le = store_load_new(lk->st, "link_edges",
				  "edge_id, network_id, seller_a, seller_b, kind, value, weight, "
				  "holders, ident_a, ident_b, comparator, score",
				  NULL);
	long long eid = 0;
	size_t i, j;
	int rc = 0;

	if (!incremental)
		rc = store_exec(lk->st,
			"DELETE FROM networks; DELETE FROM network_members;"
			" DELETE FROM link_hubs; DELETE FROM link_edges");
	else if (!(rc = drop_touched(lk, ro)))
		rc = query_int(lk,
			"SELECT coalesce((SELECT edge_id FROM link_edges ORDER BY rowid DESC"
			" LIMIT 1), 0)",
			&eid);
	if (rc)
		return rc;
	if (!(sn = store_prepare(lk->st, "INSERT INTO networks VALUES(?1, ?2, ?3, '', ?4, ?5)")) ||
		!(sm = store_prepare(lk->st, "INSERT INTO network_members VALUES(?1, ?2)")) ||
		!(se = store_prepare(lk->st,
			  "INSERT INTO link_edges VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
			  " ?12)")) ||
		!(sh = store_prepare(lk->st,
			  "INSERT INTO link_hubs VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(kind, value)"
			  " DO UPDATE SET holders = excluded.holders, day = excluded.day"
			  " WHERE excluded.holders >= link_hubs.holders")) ||
		!(sa = store_prepare(lk->st,
			  "INSERT OR REPLACE INTO network_aliases VALUES(?1, ?2, ?3, ?4)"))) {
		rc = EX_SOFTWARE;
		goto out;
	}
	for (i = 0; ln && i < ro->nnets && !rc; i++) {
		const struct net *nt = &ro->nets[i];

		store_load_textz(ln, nt->id);
		store_load_int(ln, (int64_t)nt->n);
		store_load_textz(ln, nt->anchor);
		store_load_textz(ln, "");
		store_load_int(ln, nt->created_run);
		store_load_int(ln, nt->updated_run);
		store_load_row(ln);
		for (j = 0; j < nt->n; j++) {
			store_load_textz(lm, lk->sellers.v[nt->m[j]]);
			store_load_textz(lm, nt->id);
			store_load_row(lm);
		}
		if (!(rc = store_load_flush(ln, NULL, 0)))
			rc = store_load_flush(lm, NULL, 0);
	}
	for (i = 0; !ln && i < ro->nnets && !rc; i++) {
		const struct net *nt = &ro->nets[i];

		store_bind_text(sn, 1, nt->id);
		store_bind_int(sn, 2, (long long)nt->n);
		store_bind_text(sn, 3, nt->anchor);
		store_bind_int(sn, 4, nt->created_run);
		store_bind_int(sn, 5, nt->updated_run);
		if ((rc = step_done(sn)))
			break;
		for (j = 0; j < nt->n && !rc; j++) {
			store_bind_text(sm, 1, lk->sellers.v[nt->m[j]]);
			store_bind_text(sm, 2, nt->id);
			rc = step_done(sm);
		}
	}
	for (i = 0; i < lk->nedges && !rc; i++) {
		const struct edge *e = &lk->edges[i];

		if (!e->forest)
			continue;
		eid++;
		for (j = 0; j < e->np && !rc; j++) {
			const struct piece *pc = &lk->pieces[lk->eparts[e->p0 + j]];

			if (le) {
				store_load_int(le, eid);
				store_load_textz(le, ro->nets[ro->netof[e->a] - 1].id);
				store_load_textz(le, lk->sellers.v[pc->a]);
				store_load_textz(le, lk->sellers.v[pc->b]);
				store_load_textz(le, lk->kinds[pc->kind]);
				store_load_textz(le, lk->vals[pc->val]);
				store_load_double(le, pc->w);
				store_load_int(le, pc->holders);
				if (pc->ia)
					store_load_int(le, pc->ia);
				else
					store_load_textz(le, NULL);
				if (pc->ib)
					store_load_int(le, pc->ib);
				else
					store_load_textz(le, NULL);
				store_load_textz(le, pc->comp ? comparators[pc->comp] : NULL);
				if (pc->comp)
					store_load_double(
						le, (double)(long)(pc->score * 1000 + 0.5) / 1000);
				else
					store_load_textz(le, NULL);
				store_load_row(le);
				rc = store_load_flush(le, NULL, 0);
				continue;
			}
			store_bind_int(se, 1, eid);
			store_bind_text(se, 2, ro->nets[ro->netof[e->a] - 1].id);
			store_bind_text(se, 3, lk->sellers.v[pc->a]);
			store_bind_text(se, 4, lk->sellers.v[pc->b]);
			store_bind_text(se, 5, lk->kinds[pc->kind]);
			store_bind_text(se, 6, lk->vals[pc->val]);
			store_bind_double(se, 7, pc->w);
			store_bind_int(se, 8, pc->holders);
			if (pc->ia)
				store_bind_int(se, 9, pc->ia);
			else
				store_bind_null(se, 9);
			if (pc->ib)
				store_bind_int(se, 10, pc->ib);
			else
				store_bind_null(se, 10);
			if (pc->comp) {
				store_bind_text(se, 11, comparators[pc->comp]);
				store_bind_double(
					se, 12, (double)(long)(pc->score * 1000 + 0.5) / 1000);
			} else {
				store_bind_null(se, 11);
				store_bind_null(se, 12);
			}
			rc = step_done(se);
		}
	}
	/* whole before anything reads them */
	if (!rc && !(rc = store_load_flush(ln, NULL, 1)) && !(rc = store_load_flush(lm, NULL, 1)))
		rc = store_load_flush(le, NULL, 1);
	for (i = 0; i < lk->nhubs && !rc; i++) {
		const struct hub *h = &lk->hubs[i];

		store_bind_text(sh, 1, lk->kinds[h->kind]);
		store_bind_text(sh, 2, lk->vals[h->val]);
		store_bind_text(sh, 3, h->display);
		store_bind_int(sh, 4, h->holders);
		store_bind_text(sh, 5, h->day);
		rc = step_done(sh);
	}
	for (i = 0; i < ro->naliases && !rc; i++) {
		store_bind_text(sa, 1, ro->alias_old[i]);
		store_bind_text(sa, 2, ro->alias_new[i]);
		store_bind_int(sa, 3, lk->run_id);
		store_bind_text(sa, 4, ro->alias_why[i]);
		rc = step_done(sa);
	}
	/* An id in use again is no longer an alias; the kinds of each network, from its edges. */
	if (!rc && incremental)
		rc = settle_touched(lk, ro);
	else if (!rc)
		rc = store_exec(lk->st,
			"DELETE FROM network_aliases WHERE old_id IN"
			" (SELECT network_id FROM networks); " KINDS_SQL);
out:
	store_done(sn);
	store_done(sm);
	store_done(se);
	store_done(sh);
	store_done(sa);
	store_load_free(ln);
	store_load_free(lm);
	store_load_free(le);
	return rc;
}

static void runout_free(struct runout *ro)
{
	size_t i;

	for (i = 0; i < ro->nnets; i++)
		free(ro->nets[i].m);
	free(ro->nets);
	free(ro->netof);
	for (i = 0; i < ro->nolds; i++)
		free(ro->olds[i].id);
	free(ro->olds);
	free(ro->oldm);
	ck_names_free(&ro->oldids);
	for (i = 0; i < ro->naliases; i++) {
		free(ro->alias_old[i]);
		free(ro->alias_new[i]);
	}
	free(ro->alias_old);
	free(ro->alias_new);
	free(ro->alias_why);
}

static void linker_free(struct linker *lk)
{
	size_t i;

	ck_names_free(&lk->sellers);
	uf_free(&lk->uf);
	for (i = 0; i < lk->nvals; i++)
		free(lk->vals[i]);
	free(lk->vals);
	for (i = 0; i < lk->nkinds; i++)
		free(lk->kinds[i]);
	free(lk->kinds);
	free(lk->pieces);
	free(lk->edges);
	free(lk->eparts);
	free(lk->pairs);
	free(lk->pairtab);
	for (i = 0; i < lk->nhubs; i++) {
		free(lk->hubs[i].display);
		free(lk->hubs[i].day);
	}
	free(lk->hubs);
	free(lk->grp);
	free(lk->cand);
	buf_free(&lk->gkind);
	buf_free(&lk->gvalue);
	buf_free(&lk->gday);
	buf_free(&lk->gflags);
	buf_free(&lk->graw);
}

static int query_int(struct linker *lk, const char *sql, long long *out)
{
	struct store_stmt *s = store_prepare(lk->st, sql);
	int rc;

	if (!s)
		return EX_SOFTWARE;
	rc = store_step(s);
	*out = rc == STORE_ROW ? store_col_int(s, 0) : 0;
	store_done(s);
	return rc == STORE_ROW ? 0 : rc;
}

/*
 * The indexes a run and --explain read through, unless ingest or another applet made one on
 * the same leading columns: (kind, value) sorts the scan, holder_id (or holder_kind, holder_id)
 * finds a pair's values.
 */
static int ensure_indexes(struct linker *lk)
{
	int rc = 0;

	if (!store_has_index(lk->st, "identifiers", "kind", "value"))
		rc = store_exec_indexes(lk->st,
			"CREATE INDEX IF NOT EXISTS link_identifiers_value"
			" ON identifiers(kind, value)");
	if (!rc && !store_has_index(lk->st, "identifiers", "holder_id", NULL) &&
		!store_has_index(lk->st, "identifiers", "holder_kind", "holder_id"))
		rc = store_exec_indexes(lk->st,
			"CREATE INDEX IF NOT EXISTS link_identifiers_holder"
			" ON identifiers(holder_id)");
	return rc;
}

/* seen_before: identifiers rows up to after, counted already (-1: count them all). */
static int record_run(struct linker *lk, const char *mode, const char *params,
	long long seen_before, long long after, struct link_summary *sum)
{
	struct store_stmt *s;
	char now[21];
	int rc, i;

	ck_now_iso(now);
	if (!(s = store_prepare(lk->st,
		      /* a SELECT, not VALUES: Citus takes no subqueries in VALUES */
		      "INSERT INTO link_runs SELECT ?1, ?2, ?3, ?4,"
		      " CASE WHEN ?6 < 0 THEN (SELECT count(*) FROM identifiers WHERE ident_id <= ?4)"
		      " ELSE ?6 + (SELECT count(*) FROM identifiers WHERE ident_id > ?7 AND"
		      " ident_id <= ?4) END, ?5,"
		      " (SELECT count(*) FROM sellers),"
		      " coalesce(?8, (SELECT count(*) FROM networks)),"
		      " coalesce(?9, (SELECT count(*) FROM network_members)),"
		      " coalesce(?10, (SELECT count(DISTINCT edge_id) FROM link_edges)),"
		      " (SELECT count(*) FROM link_hubs)")))
		return EX_SOFTWARE;
	store_bind_int(s, 1, lk->run_id);
	store_bind_text(s, 2, now);
	store_bind_text(s, 3, mode);
	store_bind_int(s, 4, lk->last_ident);
	store_bind_text(s, 5, params);
	store_bind_int(s, 6, seen_before);
	store_bind_int(s, 7, after);
	for (i = 0; i < 3 && lk->counted; i++)
		store_bind_int(s, 8 + i, lk->counts[i]);
	if ((rc = store_run(s)))
		return rc;
	if (!(s = store_prepare(lk->st,
		      "SELECT sellers, networks, members, edges, hubs FROM link_runs WHERE run_id = ?1")))
		return EX_SOFTWARE;
	store_bind_int(s, 1, lk->run_id);
	if (store_step(s) == STORE_ROW) {
		sum->sellers = store_col_int(s, 0);
		sum->networks = store_col_int(s, 1);
		sum->members = store_col_int(s, 2);
		sum->edges = store_col_int(s, 3);
		sum->hubs = store_col_int(s, 4);
	}
	store_done(s);
	return 0;
}

static int cmp_pair64(const void *x, const void *y);

double link_jaro_winkler(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), win, i, j, m = 0, t = 0, k, l = 0;
	unsigned char *ma, *mb;
	double jaro;

	if (!la && !lb)
		return 1;
	if (!la || !lb)
		return 0;
	win = (la > lb ? la : lb) / 2;
	win = win ? win - 1 : 0;
	ma = xcalloc(la, 1);
	mb = xcalloc(lb, 1);
	for (i = 0; i < la; i++)
		for (j = i > win ? i - win : 0; j < lb && j <= i + win; j++)
			if (!mb[j] && a[i] == b[j]) {
				ma[i] = mb[j] = 1;
				m++;
				break;
			}
	for (i = 0, k = 0; i < la && m; i++) {
		if (!ma[i])
			continue;
		while (!mb[k])
			k++;
		t += a[i] != b[k++];
	}
	free(ma);
	free(mb);
	if (!m)
		return 0;
	jaro = ((double)m / la + (double)m / lb + (m - t / 2.0) / m) / 3;
	while (l < 4 && l < la && l < lb && a[l] == b[l])
		l++;
	return jaro + l * 0.1 * (1 - jaro);
}

static size_t grams3(const char *s, uint32_t **out)
{
	size_t n = strlen(s), i, k = 0;

	*out = xmalloc((n + 1) * sizeof(**out));
	for (i = 0; i + 3 <= n; i++)
		(*out)[k++] = (uint32_t)(unsigned char)s[i] << 16 |
			(uint32_t)(unsigned char)s[i + 1] << 8 | (unsigned char)s[i + 2];
	ck_sort(*out, k, sizeof(**out), cmp_u32);
	for (i = 0, n = 0; i < k; i++)
		if (!n || (*out)[n - 1] != (*out)[i])
			(*out)[n++] = (*out)[i];
	return n;
}

double link_jaccard3(const char *a, const char *b)
{
	uint32_t *ga, *gb;
	size_t na = grams3(a, &ga), nb = grams3(b, &gb), i = 0, j = 0, both = 0;

	while (i < na && j < nb) {
		if (ga[i] == gb[j])
			both++, i++, j++;
		else if (ga[i] < gb[j])
			i++;
		else
			j++;
	}
	free(ga);
	free(gb);
	if (!na && !nb)
		return strcmp(a, b) == 0;
	return (double)both / (double)(na + nb - both);
}

/* A seller as --fuzzy sees it: a name, a unit address and one text id, lightly cleaned. */
struct frec {
	uint32_t seller;
	char *name, *addr, *text;
	int64_t addr_ident, text_ident;
	uint32_t text_kind;
};

struct fkey {
	uint64_t h;
	uint32_t rec;
};

static int cmp_fkey(const void *x, const void *y)
{
	const struct fkey *a = x, *b = y;

	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	return a->rec < b->rec ? -1 : a->rec > b->rec;
}

/* Lowercase ASCII, tokens sorted and joined by one space: "Smith  John" -> "john smith". */
static char *name_key(const char *s)
{
	char *c = xstrdup(s ? s : ""), *tok[32], *save = NULL, *t;
	struct buf b = { 0 };
	size_t n = 0, i, j;

	for (t = c; *t; t++)
		*t = (char)(*t >= 'A' && *t <= 'Z' ? *t + 32 : *t);
	for (t = strtok_r(c, " \t,.", &save); t && n < 32; t = strtok_r(NULL, " \t,.", &save))
		tok[n++] = t;
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(tok[j - 1], tok[j]) > 0; j--) {
			t = tok[j];
			tok[j] = tok[j - 1];
			tok[j - 1] = t;
		}
	for (i = 0; i < n; i++) {
		if (i)
			buf_addc(&b, ' ');
		buf_adds(&b, tok[i]);
	}
	free(c);
	return b.s ? buf_detach(&b) : xstrdup("");
}

static uint64_t hash_key(char tag, const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL ^ (unsigned char)tag;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h * 1099511628211ULL;
}

static void add_key(struct fkey **keys, size_t *n, size_t *cap, char tag, const char *s, size_t len,
	uint32_t rec)
{
	if (!len)
		return;
	GROW(*keys, *n, *cap);
	(*keys)[*n].h = hash_key(tag, s, len);
	(*keys)[(*n)++].rec = rec;
}

/* The digits of s, runs separated by one space ("12 Rd 3, 2119" -> "12 3 2119"). */
static char *digit_key(const char *s)
{
	struct buf b = { 0 };
	int in = 0;

	for (; s && *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (!in && b.len)
				buf_addc(&b, ' ');
			buf_addc(&b, *s);
			in = 1;
		} else {
			in = 0;
		}
	}
	return b.s ? buf_detach(&b) : xstrdup("");
}

/*
 * A Latin unit key is "8 nathan road, kowloon floor 3 unit 12": the place (a postcode or the
 * first word of the town) follows the comma. Split it into the place and the rest.
 */
static int addr_split(const char *k, struct buf *rest, struct buf *place)
{
	const char *c = strstr(k, ", "), *e;

	buf_reset(rest);
	buf_reset(place);
	if (!c)
		return 0;
	e = strchr(c + 2, ' ');
	if (!e)
		e = c + strlen(c);
	buf_add(rest, k, (size_t)(c - k));
	buf_adds(rest, e);
	buf_add(place, c + 2, (size_t)(e - c - 2));
	return rest->len && place->len; /* "x, " or ", y" is no key of ours */
}

/*
 * Whether the places of two unit keys agree: 2 the same, 1 a typo apart (a postcode with two
 * digits swapped, a town misspelt), -1 clearly not (another town: the same street name is
 * another street), 0 when a key has no place or one has a postcode and the other a town.
 */
static int addr_place_agrees(const char *a, const char *b)
{
	static _Thread_local struct buf ra, pa, rb, pb;

	if (!addr_split(a, &ra, &pa) || !addr_split(b, &rb, &pb))
		return 0;
	if (strcmp(pa.s, pb.s) == 0)
		return 2;
	if ((pa.s[0] >= '0' && pa.s[0] <= '9') != (pb.s[0] >= '0' && pb.s[0] <= '9'))
		return 0; /* a postcode on one side, a town on the other: nothing to compare */
	if (pa.len == pb.len && ck_levenshtein(pa.s, pb.s) <= 2 && pa.len >= 4)
		return 1;
	return link_jaro_winkler(pa.s, pb.s) >= 0.9 ? 1 : -1;
}

/* Jaccard of the 3-grams of two unit keys, places left out when both have one. */
static double addr_jaccard(const char *a, const char *b)
{
	static _Thread_local struct buf ra, pa, rb, pb;

	if (!addr_split(a, &ra, &pa) || !addr_split(b, &rb, &pb))
		return link_jaccard3(a, b);
	return link_jaccard3(ra.s, rb.s);
}

struct fpiece {
	uint8_t comp;   /* comparators[] */
	uint8_t apart;  /* unit addresses in two places */
	float score, w; /* w < 0: the comparator took bits away */
};

/* The comparators on one pair: the sum of their bits, and the pieces that added or took any. */
static double fuzzy_score(
	const struct frec *x, const struct frec *y, struct fpiece pc[3], size_t *n)
{
	size_t np = 0;
	double sum = 0, s, w;

	if (*x->name && *y->name) {
		s = link_jaro_winkler(x->name, y->name);
		w = s >= 0.95 ? 6 : s >= 0.85 ? 3 : s < 0.7 ? -4 : 0;
		sum += w;
		if (w)
			pc[np++] = (struct fpiece){ 1, 0, (float)s, (float)w };
	}
	if (x->addr && y->addr) {
		int place = addr_place_agrees(x->addr, y->addr);

		/*
		 * One street name in two towns is no agreement at all; the same number, street
		 * and unit with a typo in the postcode or town is nearly the exact key (14 bits).
		 */
		s = place < 0 ? 0 : addr_jaccard(x->addr, y->addr);
		w = place < 0                  ? -4
			: place == 1 && s >= 1 ? 12
			: s >= 0.8             ? 6
			: s >= 0.5             ? 3
			: s < 0.2              ? -4
					       : 0;
		sum += w;
		if (w)
			pc[np++] = (struct fpiece){ 2, place < 0, (float)s, (float)w };
	}
	if (x->text && y->text && x->text_kind == y->text_kind) {
		size_t d = ck_levenshtein(x->text, y->text);

		w = d == 0 ? 15 : d == 1 ? 6 : d == 2 ? 2 : -6;
		sum += w;
		if (w)
			pc[np++] = (struct fpiece){ 3, 0, (float)d, (float)w };
	}
	*n = np;
	return sum;
}

/* The value a fuzzy piece compared: "a ~ b", malloc'd. */
static char *fpiece_value(const struct fpiece *f, const struct frec *x, const struct frec *y)
{
	const char *va = f->comp == 1 ? x->name : f->comp == 2 ? x->addr : x->text;
	const char *vb = f->comp == 1 ? y->name : f->comp == 2 ? y->addr : y->text;

	return xasprintf("%s ~ %s", va, vb);
}

/*
 * Score one candidate pair, Fellegi-Sunter style: each comparator adds bits when it agrees
 * and takes some away when it clearly disagrees. The pieces that added bits become the edge.
 */
static void fuzzy_pair(struct linker *lk, const struct frec *x, const struct frec *y)
{
	uint32_t parts[3];
	struct piece pc;
	struct fpiece fp[3];
	size_t nf, np = 0, i;
	double sum = fuzzy_score(x, y, fp, &nf);

	if (sum < lk->p->threshold)
		return;
	for (i = 0; i < nf; i++) {
		char *v;

		if (fp[i].w <= 0) /* the edge keeps the pieces that added bits */
			continue;
		v = fpiece_value(&fp[i], x, y);
		memset(&pc, 0, sizeof(pc));
		pc.comp = fp[i].comp;
		pc.score = fp[i].score;
		pc.w = fp[i].w;
		pc.kind = fp[i].comp == 1 ? intern_kind(lk, "name")
			: fp[i].comp == 2 ? intern_kind(lk, IDENT_ADDRESS_UNIT)
					  : x->text_kind;
		pc.ia = fp[i].comp == 2 ? x->addr_ident : fp[i].comp == 3 ? x->text_ident : 0;
		pc.ib = fp[i].comp == 2 ? y->addr_ident : fp[i].comp == 3 ? y->text_ident : 0;
		pc.a = x->seller;
		pc.b = y->seller;
		pc.cls = LINK_TEXT;
		pc.holders = 2;
		pc.val = add_val(lk, v);
		free(v);
		parts[np++] = add_piece(lk, &pc);
	}
	add_edge(lk, x->seller, y->seller, sum, parts, np);
}

/*
 * The blocking keys of record rec: its name; the first and the last name token, each with the
 * digits of its address (the house number and unit, not the postcode: it may carry a typo);
 * each half of its text id. Pairs come only from records that share a key.
 */
static void frec_keys(struct frec *f, uint32_t rec, struct fkey **keys, size_t *nk, size_t *capk)
{
	struct buf b = { 0 }, pl = { 0 };
	char *dk, *sp;

	if (!f->name)
		f->name = xstrdup("");
	if (f->addr && addr_split(f->addr, &b, &pl))
		dk = digit_key(b.s);
	else
		dk = digit_key(f->addr);
	buf_reset(&b);
	add_key(keys, nk, capk, 'n', f->name, strlen(f->name), rec);
	if (*dk && *f->name) {
		sp = strchr(f->name, ' ');
		buf_addf(&b, "%.*s|%s", (int)(sp ? (size_t)(sp - f->name) : strlen(f->name)),
			f->name, dk);
		add_key(keys, nk, capk, 'f', b.s, b.len, rec);
		buf_reset(&b);
		sp = strrchr(f->name, ' ');
		buf_addf(&b, "%s|%s", sp ? sp + 1 : f->name, dk);
		add_key(keys, nk, capk, 'l', b.s, b.len, rec);
	}
	if (f->text && strlen(f->text) >= 4) {
		size_t h = strlen(f->text) / 2;

		add_key(keys, nk, capk, 't', f->text, h, rec);
		add_key(keys, nk, capk, 'u', f->text + h, strlen(f->text + h), rec);
	}
	buf_free(&b);
	buf_free(&pl);
	free(dk);
}

/* Take a seller's first unit address and first text id (rows in ident_id order): 1 when
 * value became its text id. */
static int frec_take(struct frec *f, const char *kind, const char *value, int64_t ident)
{
	if (strcmp(kind, IDENT_ADDRESS_UNIT) == 0) {
		if (!f->addr) {
			f->addr = xstrdup(value);
			f->addr_ident = ident;
		}
		return 0;
	}
	if (f->text)
		return 0;
	f->text = xstrdup(value);
	f->text_ident = ident;
	return 1;
}

/* The identifier kinds --fuzzy compares as a unit address or a text id. */
#define FUZZY_IDS_WHERE \
	"+holder_kind = 'seller' AND kind NOT IN ('phone', 'email', 'device', 'ip', 'payment'," \
	" 'address_building', 'address_area')"

/*
 * --fuzzy: near-identical names, unit addresses and text ids (a profile's own kinds). Pairs
 * come only from strict blocks (the same name tokens, the same digits of the address with the
 * same first or last name token, half of a text id); a block of more than LINK_FUZZY_BLOCK_CAP
 * records is skipped, so the comparisons stay near-linear.
 */
static int fuzzy_edges(struct linker *lk)
{
	static const char names_sql[] = "SELECT seller_id, owner_name FROM sellers";
	static const char ids_sql[] =
		"SELECT holder_id, kind, value, ident_id FROM identifiers WHERE " FUZZY_IDS_WHERE
		" AND ident_id <= ?1 ORDER BY ident_id";
	struct frec *r = NULL;
	uint32_t *recof = NULL;
	struct fkey *keys = NULL;
	uint64_t *pairs = NULL;
	size_t nr = 0, capr = 0, nk = 0, capk = 0, np = 0, capp = 0, i, j, k;
	struct store_stmt *s;
	int rc;

	/* One record per seller, found by its dense id. */
#define REC_OF(d) \
	do { \
		if ((d) >= nrecof) { \
			recof = xrealloc(recof, ((d) + 1) * sizeof(*recof)); \
			for (; nrecof <= (d); nrecof++) \
				recof[nrecof] = UINT32_MAX; \
		} \
		if (recof[d] == UINT32_MAX) { \
			GROW(r, nr, capr); \
			memset(&r[nr], 0, sizeof(*r)); \
			r[nr].seller = (d); \
			recof[d] = (uint32_t)nr++; \
		} \
	} while (0)
	size_t nrecof = 0;

	if (!(s = store_prepare(lk->st, names_sql)))
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW) {
		uint32_t d = seller_id(lk, col(s, 0));

		REC_OF(d);
		free(r[recof[d]].name);
		r[recof[d]].name = name_key(col(s, 1));
	}
	store_done(s);
	if (rc != STORE_DONE)
		return rc;
	if (!(s = store_prepare(lk->st, ids_sql)))
		return EX_SOFTWARE;
	store_bind_int(s, 1, lk->last_ident);
	while ((rc = store_step(s)) == STORE_ROW) {
		uint32_t d = seller_id(lk, col(s, 0));
		const char *kind = col(s, 1);
		struct frec *f;

		REC_OF(d);
		f = &r[recof[d]];
		if (frec_take(f, kind, col(s, 2), store_col_int(s, 3)))
			f->text_kind = intern_kind(lk, kind);
	}
	store_done(s);
	if (rc != STORE_DONE)
		goto out;
	for (i = 0; i < nr; i++)
		frec_keys(&r[i], (uint32_t)i, &keys, &nk, &capk);
	ck_sort(keys, nk, sizeof(*keys), cmp_fkey);
	for (i = 0; i < nk; i = j) {
		for (j = i + 1; j < nk && keys[j].h == keys[i].h; j++)
			;
		if (j - i < 2 || j - i > LINK_FUZZY_BLOCK_CAP)
			continue;
		for (k = i; k < j; k++) {
			size_t m;

			for (m = k + 1; m < j; m++) {
				GROW(pairs, np, capp);
				pairs[np++] = (uint64_t)keys[k].rec << 32 | keys[m].rec;
			}
		}
	}
	ck_sort(pairs, np, sizeof(*pairs), cmp_pair64);
	for (i = 0; i < np; i++)
		if (!i || pairs[i] != pairs[i - 1])
			fuzzy_pair(lk, &r[pairs[i] >> 32], &r[pairs[i] & 0xffffffff]);
	ck_info("fuzzy: %zu records, %zu candidate pairs from blocks", nr, np);
out:
#undef REC_OF
	for (i = 0; i < nr; i++) {
		free(r[i].name);
		free(r[i].addr);
		free(r[i].text);
	}
	free(r);
	free(recof);
	free(keys);
	free(pairs);
	return rc;
}

/* One seller as fuzzy_edges() sees it (its first unit address and text id, as there). */
static int frec_load(struct store *st, const char *seller, struct frec *f, char **text_kind)
{
	struct store_stmt *s =
		store_prepare(st, "SELECT owner_name FROM sellers WHERE seller_id = ?1");
	int rc;

	memset(f, 0, sizeof(*f));
	*text_kind = NULL;
	if (!s)
		return EX_SOFTWARE;
	store_bind_text(s, 1, seller);
	if ((rc = store_step(s)) == STORE_ROW)
		f->name = name_key(store_col_text(s, 0));
	store_done(s);
	if (rc != STORE_ROW && rc != STORE_DONE)
		return rc;
	if (!(s = store_prepare(st,
		      "SELECT kind, value, ident_id FROM identifiers WHERE"
		      " holder_id = ?1 AND " FUZZY_IDS_WHERE " ORDER BY ident_id")))
		return EX_SOFTWARE;
	store_bind_text(s, 1, seller);
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *kind = store_col_text(s, 0);

		if (frec_take(f, kind, store_col_text(s, 1), store_col_int(s, 2)))
			*text_kind = xstrdup(kind);
	}
	store_done(s);
	return rc == STORE_DONE ? 0 : rc;
}

int link_fuzzy_pair(struct store *st, const char *a, const char *b, struct link_fuzzy *out)
{
	struct frec x = { 0 }, y = { 0 };
	struct fpiece fp[3];
	struct fkey *keys = NULL;
	char *tka = NULL, *tkb = NULL;
	size_t nk = 0, capk = 0, np, i, j;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!(rc = frec_load(st, a, &x, &tka)) && !(rc = frec_load(st, b, &y, &tkb))) {
		if (tka && tkb && strcmp(tka, tkb) == 0)
			x.text_kind = y.text_kind =
				1; /* the same kind: the text ids are compared */
		else
			x.text_kind = 1, y.text_kind = 2;
		frec_keys(&x, 0, &keys, &nk, &capk);
		frec_keys(&y, 1, &keys, &nk, &capk);
		for (i = 0; i < nk && !out->blocked; i++)
			for (j = i + 1; j < nk; j++)
				if (keys[i].rec != keys[j].rec && keys[i].h == keys[j].h)
					out->blocked = 1;
		out->sum = fuzzy_score(&x, &y, fp, &np);
		for (i = 0; i < np; i++) {
			struct link_fuzzy_piece *p = &out->v[out->n++];

			p->comparator = comparators[fp[i].comp];
			p->apart = fp[i].apart;
			p->score = fp[i].score;
			p->weight = fp[i].w;
			p->kind = xstrdup(fp[i].comp == 1 ? "name"
					: fp[i].comp == 2 ? IDENT_ADDRESS_UNIT
							  : tka);
			p->value = fpiece_value(&fp[i], &x, &y);
			p->ident_a = fp[i].comp == 2 ? x.addr_ident
				: fp[i].comp == 3    ? x.text_ident
						     : 0;
			p->ident_b = fp[i].comp == 2 ? y.addr_ident
				: fp[i].comp == 3    ? y.text_ident
						     : 0;
		}
	}
	free(keys);
	free(tka);
	free(tkb);
	free(x.name);
	free(x.addr);
	free(x.text);
	free(y.name);
	free(y.addr);
	free(y.text);
	return rc;
}

void link_fuzzy_free(struct link_fuzzy *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].kind);
		free(f->v[i].value);
	}
	f->n = 0;
}

static int full_run(struct linker *lk)
{
	struct runout ro = { 0 };
	int rc;

	if ((rc = scan(lk)))
		return rc;
	weak_edges(lk);
	if (lk->p->fuzzy && (rc = fuzzy_edges(lk)))
		return rc;
	join(lk);
	collect_nets(lk, &ro);
	if (!(rc = assign_ids(lk, &ro, 0)))
		rc = save(lk, &ro, 0);
	runout_free(&ro);
	return rc;
}

/*
 * The earlier networks an incremental run touches: those of the sellers its new edges join,
 * read whole and joined again in the union-find (the run only adds to them). The others stay
 * as they are, and save() leaves them alone.
 */
static int load_touched(struct linker *lk, struct runout *ro)
{
	size_t n = lk->uf.n, i, k;
	uint8_t *looked = xcalloc(n ? n : 1, 1);
	struct store_stmt *sf = NULL, *sm = NULL;
	int rc = 0;

	if (!(sf = store_prepare(
		      lk->st, "SELECT network_id FROM network_members WHERE seller_id = ?1")) ||
		!(sm = store_prepare(lk->st, OLD_MEMBERS_SQL " WHERE m.network_id = ?1"))) {
		rc = EX_SOFTWARE;
		goto out;
	}
	for (i = 0; i < 2 * lk->nedges && !rc; i++) {
		uint32_t x = i & 1 ? lk->edges[i / 2].b : lk->edges[i / 2].a, first = 0, d;
		int old;

		if (looked[x])
			continue;
		looked[x] = 1;
		store_bind_text(sf, 1, lk->sellers.v[x]);
		if ((rc = store_step(sf)) != STORE_ROW) {
			store_reset(sf);
			continue;
		}
		if (ck_name_find(&ro->oldids, col(sf, 0)) >= 0) {
			store_reset(sf);
			rc = 0;
			continue;
		}
		old = ck_name_id(&ro->oldids, col(sf, 0));
		store_reset(sf);
		store_bind_text(sm, 1, ro->oldids.v[old]);
		for (k = 0; (rc = store_step(sm)) == STORE_ROW; k++) {
			d = seller_id(lk, col(sm, 0));
			if (d < n)
				looked[d] = 1;
			add_old_member(ro, sm, &d);
			if (k)
				uf_union(&lk->uf, first, d);
			else
				first = d;
		}
		store_reset(sm);
	}
out:
	store_done(sf);
	store_done(sm);
	free(looked);
	return rc;
}

static int pair_evidence(struct store *st, const struct link_params *p, const char *a,
	const char *b, int exact, struct link_pair *out);

/* A weak pair with a new side, scored on all it shares; an edge of its best pieces if it joins. */
static int score_pair(struct linker *lk, uint32_t a, uint32_t b)
{
	uint32_t parts[LINK_NCLASS];
	int32_t best[LINK_NCLASS];
	struct link_pair pr;
	size_t i, np = 0;
	int rc, c;

	if ((rc = pair_evidence(lk->st, lk->p, lk->sellers.v[a], lk->sellers.v[b], 0, &pr)))
		return rc;
	if (pr.score >= lk->p->threshold) {
		for (c = 0; c < LINK_NCLASS; c++)
			best[c] = -1;
		for (i = 0; i < pr.n; i++)
			if (!pr.v[i].why &&
				(best[pr.v[i].cls] < 0 ||
					pr.v[i].weight > pr.v[best[pr.v[i].cls]].weight))
				best[pr.v[i].cls] = (int32_t)i;
		for (c = 0; c < LINK_NCLASS; c++) {
			const struct link_piece *lp;
			struct piece pc;

			if (best[c] < 0)
				continue;
			lp = &pr.v[best[c]];
			memset(&pc, 0, sizeof(pc));
			pc.a = a;
			pc.b = b;
			pc.val = add_val(lk, lp->value);
			pc.kind = intern_kind(lk, lp->kind);
			pc.holders = (uint32_t)lp->holders;
			pc.cls = (uint8_t)lp->cls;
			pc.w = (float)lp->weight;
			pc.ia = lp->ident_a;
			pc.ib = lp->ident_b;
			parts[np++] = add_piece(lk, &pc);
		}
		add_edge(lk, a, b, pr.score, parts, np);
	}
	link_pair_free(&pr);
	return 0;
}

/*
 * Link only what the rows after last_done touch: each (kind, value[, day]) they hold is read
 * again whole through the index, on top of the earlier networks. Sets lk->need_full (and
 * writes nothing) when a new row could undo an earlier join. counts: the last run's networks,
 * members and edges, which this run's only change by what it touched.
 */
static int incr_run(struct linker *lk, long long last_done, const long long counts[3])
{
	static const char keys_sql[] =
		"SELECT DISTINCT kind, value, CASE WHEN kind = 'ip' THEN coalesce(day, '') END"
		" FROM identifiers WHERE ident_id > ?1 AND ident_id <= ?2 AND +holder_kind = 'seller'"
		" AND kind <> 'address_building' AND value <> ''"
		" AND (flags IS NULL OR ',' || flags || ',' NOT LIKE '%,nolink,%')";
	static const char group_sql[] =
		"SELECT ident_id, kind, value, holder_id, flags, day,"
		" coalesce(raw, value) FROM identifiers"
		" WHERE kind = ?1 AND value = ?2 AND holder_kind = 'seller' AND ident_id <= ?4"
		" AND (?3 IS NULL OR coalesce(day, '') = ?3) ORDER BY day, ident_id";
	/*
	 * On Citus the rows of the new values are copied first, all at once, into link_values
	 * (see scan()), those of hubs aside, so that each group is then read from one shard,
	 * not asked of every shard of identifiers.
	 */
	static const char incr_fill_sql[] =
		"INSERT INTO link_values SELECT ident_id, kind, value, holder_id, flags, day,"
		" coalesce(raw, value) FROM identifiers WHERE holder_kind = 'seller'"
		" AND ident_id <= ?2 AND (kind, value) IN (SELECT kind, value FROM identifiers"
		" WHERE ident_id > ?1 AND ident_id <= ?2 AND holder_kind = 'seller'"
		" AND kind <> 'address_building' AND value <> ''"
		" AND (flags IS NULL OR ',' || flags || ',' NOT LIKE '%,nolink,%')"
		" AND (kind = 'ip' OR (kind, value) NOT IN (SELECT kind, value FROM link_hubs)))";
	static const char group_copy_sql[] =
		"SELECT ident_id, kind, value, holder_id, flags, day, raw FROM link_values"
		" WHERE kind = ?1 AND value = ?2 AND (?3 IS NULL OR coalesce(day, '') = ?3)"
		" ORDER BY day, ident_id";
	static const char hub_sql[] =
		"UPDATE link_hubs SET holders = holders + (SELECT count(DISTINCT n.holder_id)"
		" FROM identifiers n WHERE n.kind = ?1 AND n.value = ?2 AND n.ident_id > ?3"
		" AND n.ident_id <= ?4 AND +n.holder_kind = 'seller' AND NOT EXISTS (SELECT 1"
		" FROM identifiers o WHERE o.holder_kind = 'seller' AND o.holder_id = n.holder_id"
		" AND +o.kind = n.kind AND +o.value = n.value AND o.ident_id <= ?3))"
		" WHERE kind = ?1 AND value = ?2 RETURNING 1";
	/*
	 * On Citus link_hubs is a reference table: an UPDATE of it is a distributed transaction
	 * over every node even when it matches nothing (a second a value at 20,000 sellers), so
	 * a value is looked up there first, and only a hub's count is updated.
	 */
	static const char is_hub_sql[] = "SELECT 1 FROM link_hubs WHERE kind = ?1 AND value = ?2";
	struct store_stmt *sk = NULL, *sg = NULL, *sh = NULL, *si = NULL;
	struct runout ro = { 0 };
	int citus = store_is_distributed(lk->st) && store_table_exists(lk->st, "link_values");
	size_t i, j;
	int rc = 0;

	lk->incr = 1;
	lk->incr_last = last_done;
	if (citus) {
		if (!(sg = store_prepare(lk->st, incr_fill_sql)))
			return EX_SOFTWARE;
		store_bind_int(sg, 1, last_done);
		store_bind_int(sg, 2, lk->last_ident);
		if ((rc = store_run(sg)))
			return rc;
	}
	if (!(sk = store_prepare(lk->st, keys_sql)) ||
		!(sg = store_prepare(lk->st, citus ? group_copy_sql : group_sql)) ||
		!(sh = store_prepare(lk->st, hub_sql)) ||
		(store_is_distributed(lk->st) && !(si = store_prepare(lk->st, is_hub_sql)))) {
		rc = EX_SOFTWARE;
		goto out;
	}
	store_bind_int(sk, 1, last_done);
	store_bind_int(sk, 2, lk->last_ident);
	store_bind_int(sg, 4, lk->last_ident);
	while (!lk->need_full && (rc = store_step(sk)) == STORE_ROW) {
		/* Text of sk's row: it stays put while sh and sg run, until sk steps on. */
		const char *kind = store_col_text(sk, 0), *value = store_col_text(sk, 1);
		int hub = 0;

		/* A hub stays a hub: count its new holders, never read its thousands of rows. */
		if (store_col_type(sk, 2) == STORE_NULL && si) {
			store_bind_text(si, 1, kind);
			store_bind_text(si, 2, value);
			rc = store_step(si);
			store_reset(si);
			if (rc != STORE_ROW && rc != STORE_DONE)
				goto out;
			hub = rc == STORE_ROW;
		}
		if (store_col_type(sk, 2) == STORE_NULL && (!si || hub)) {
			store_bind_text(sh, 1, kind);
			store_bind_text(sh, 2, value);
			store_bind_int(sh, 3, last_done);
			store_bind_int(sh, 4, lk->last_ident);
			rc = store_step(sh);
			store_reset(sh);
			if (rc != STORE_ROW && rc != STORE_DONE)
				goto out;
			hub = rc == STORE_ROW;
		}
		if (hub)
			continue;
		store_bind_text(sg, 1, kind);
		store_bind_text(sg, 2, value);
		store_bind_text(sg, 3, store_col_text(sk, 2));
		rc = scan_rows(lk, sg, NULL);
		store_reset(sg);
		if (rc)
			goto out;
	}
	if (!lk->need_full && rc != STORE_DONE)
		goto out;
	rc = 0;
	if (lk->need_full)
		goto out;
	ck_sort(lk->cand, lk->ncand, sizeof(*lk->cand), cmp_pair64);
	for (i = 0, j = 0; i < lk->ncand && !rc; i++) {
		if (j && lk->cand[j - 1] == lk->cand[i])
			continue;
		lk->cand[j++] = lk->cand[i];
		rc = score_pair(lk, (uint32_t)(lk->cand[i] >> 32), (uint32_t)lk->cand[i]);
	}
	if (rc || (rc = load_touched(lk, &ro)))
		goto out;
	join(lk);
	collect_nets(lk, &ro);
	if (!(rc = assign_ids(lk, &ro, 1)))
		rc = save(lk, &ro, 1);
	/* The counts after: the last run's, less the networks read, plus those written. */
	memcpy(lk->counts, counts, sizeof(lk->counts));
	lk->counts[0] += (long long)ro.nnets - (long long)ro.nolds;
	for (i = 0; i < ro.nnets; i++)
		lk->counts[1] += (long long)ro.nets[i].n;
	for (i = 0; i < ro.nolds; i++)
		lk->counts[1] -= ro.olds[i].size;
	for (i = 0; i < lk->nedges; i++)
		lk->counts[2] += lk->edges[i].forest;
	lk->counted = 1;
out:
	runout_free(&ro);
	store_done(sk);
	store_done(sg);
	store_done(sh);
	store_done(si);
	/* empty for the full run that may follow, and at the commit */
	if (!rc && citus)
		rc = store_exec(lk->st, "TRUNCATE link_values");
	return rc;
}

/*
 * Whether identifiers rows the last run saw are gone since. A trigger notes such a delete in
 * meta (link_deleted_run: the run whose rows went), whoever makes it; a store without the
 * trigger yet (linked by an older casekit) counts the rows once, and gets it (*noted); a
 * server store without it (Citus, or PostgreSQL that lost it) counts them each run.
 */
static int rows_gone(struct linker *lk, long long last_run, long long last_done, long long seen,
	int *gone, int *noted)
{
	long long n = 0;
	int rc;

	*gone = *noted = 0;
	if (store_trigger_exists(lk->st, "link_identifiers_deleted")) {
		if ((rc = query_int(lk,
			     "SELECT coalesce((SELECT value FROM meta"
			     " WHERE key = 'link_deleted_run'), '0')",
			     &n)))
			return rc;
		*gone = last_done >= 0 && n == last_run;
		return 0;
	}
	if (last_done >= 0) {
		struct store_stmt *s = store_prepare(
			lk->st, "SELECT count(*) FROM identifiers WHERE ident_id <= ?1");

		if (!s)
			return EX_SOFTWARE;
		store_bind_int(s, 1, last_done);
		if ((rc = store_step(s)) == STORE_ROW)
			n = store_col_int(s, 0);
		store_done(s);
		if (rc != STORE_ROW)
			return rc ? rc : EX_SOFTWARE;
		*gone = n != seen;
	}
	/*
	 * Citus runs no such trigger on a distributed table's shards: there link counts. A
	 * PostgreSQL store has it from its schema; one that lost it counts too.
	 */
	if (store_is_uri(store_path(lk->st)))
		return 0;
	*noted = 1;
	return store_exec(lk->st,
		"CREATE TRIGGER IF NOT EXISTS link_identifiers_deleted AFTER DELETE ON identifiers"
		" WHEN old.ident_id <= (SELECT last_ident_id FROM link_runs ORDER BY run_id DESC"
		" LIMIT 1) BEGIN INSERT OR REPLACE INTO meta SELECT 'link_deleted_run',"
		" max(run_id) FROM link_runs; END");
}

static void linker_init(struct linker *lk, struct store *st, const struct link_params *p)
{
	memset(lk, 0, sizeof(*lk));
	lk->st = st;
	lk->p = p;
}

int link_run(
	struct store *st, const struct link_params *p, unsigned flags, struct link_summary *sum)
{
	struct linker lk;
	long long last_run = 0, last_done = -1, maxid = 0, seen = -1, run_id;
	char *params = link_params_text(p), *oldparams = NULL;
	long long counts[3] = { 0 };
	int rc, gone = 0, noted = 0, i;
	struct store_stmt *s;

	memset(sum, 0, sizeof(*sum));
	linker_init(&lk, st, p);
	/*
	 * Link results are derived: the store's WAL keeps them consistent, and a power cut that
	 * loses the last run loses nothing a rerun does not give back, so commits need no fsync.
	 */
	if ((rc = store_derived(st)) || (rc = store_begin(st)))
		goto out;
	if ((rc = query_int(&lk, "SELECT coalesce(max(ident_id), 0) FROM identifiers", &maxid)))
		goto fail;
	if (!(s = store_prepare(st,
		      "SELECT run_id, last_ident_id, params, rows_seen, networks, members, edges"
		      " FROM link_runs ORDER BY run_id DESC LIMIT 1"))) {
		rc = EX_SOFTWARE;
		goto fail;
	}
	if (store_step(s) == STORE_ROW) {
		last_run = store_col_int(s, 0);
		last_done = store_col_int(s, 1);
		oldparams = xstrdup(col(s, 2));
		seen = store_col_int(s, 3);
		for (i = 0; i < 3; i++)
			counts[i] = store_col_int(s, 4 + i);
	}
	store_done(s);
	run_id = last_run + 1;
	/* Rows replaced or deleted since (a newer version of a record) may undo joins. */
	if ((rc = rows_gone(&lk, last_run, last_done, seen, &gone, &noted)))
		goto fail;
	if (!(flags & LINK_FULL) && last_done == maxid && !gone && oldparams &&
		strcmp(oldparams, params) == 0) {
		sum->mode = "none";
		rc = store_exec(st, noted ? "COMMIT" : "ROLLBACK");
		goto out;
	}
	sum->new_rows = maxid - (last_done < 0 ? 0 : last_done);
	if ((rc = ensure_indexes(&lk)))
		goto fail;
	lk.run_id = run_id;
	lk.last_ident = maxid;
	sum->mode = "incremental";
	if ((flags & LINK_FULL) || p->fuzzy || last_done < 0 || gone || !oldparams ||
		strcmp(oldparams, params) != 0) {
		sum->mode = "full";
	} else if ((rc = incr_run(&lk, last_done, counts))) {
		goto fail;
	} else if (lk.need_full) {
		ck_info("a new row changes a value that joined accounts before: relinking in full");
		linker_free(&lk);
		linker_init(&lk, st, p);
		lk.run_id = run_id;
		lk.last_ident = maxid;
		sum->mode = "full";
	}
	if (strcmp(sum->mode, "full") == 0 && (rc = full_run(&lk)))
		goto fail;
	if ((rc = record_run(
		     &lk, sum->mode, params, last_done >= 0 && !gone ? seen : -1, last_done, sum)))
		goto fail;
	rc = store_commit(st);
	goto out;
fail:
	store_rollback(st);
out:
	linker_free(&lk);
	free(params);
	free(oldparams);
	return rc;
}

/* Distinct sellers holding kind=value (that day, for an IP). */
/*
 * Distinct sellers holding kind=value (that day, for an IP); with bound > 0 it stops counting
 * past bound, so a hub of 100,000 holders costs no more than one at the cap. The + keeps
 * SQLite from walking the holder index for DISTINCT: that reads every seller's rows.
 */
static long holders_of(
	struct store *st, const char *kind, const char *value, const char *day, long bound)
{
	struct store_stmt *s = store_prepare(st,
		"SELECT count(*) FROM (SELECT DISTINCT holder_id FROM identifiers WHERE"
		" kind = ?1 AND value = ?2 AND +holder_kind = 'seller' AND (?3 IS NULL OR"
		" day IS ?3) LIMIT ?4)");
	long n = 0;

	if (!s)
		return -1;
	store_bind_text(s, 1, kind);
	store_bind_text(s, 2, value);
	store_bind_text(s, 3, day);
	store_bind_int(s, 4, bound > 0 ? bound : -1);
	if (store_step(s) == STORE_ROW)
		n = (long)store_col_int(s, 0);
	store_done(s);
	return n;
}

static char *dupnull(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/*
 * The pieces: one per shared (kind, value), from the first pair of rows (for an IP, the first
 * pair on the same day). A piece that does not count says why; the score adds the best counting
 * piece of each class, as a run does. Both sides are read by holder, a few rows each: the +
 * keeps SQLite off the value index, which would read every holder of a hub the pair shares.
 */
static int pair_evidence(struct store *st, const struct link_params *p, const char *a,
	const char *b, int exact, struct link_pair *out)
{
	static const char sql[] =
		"SELECT x.ident_id, y.ident_id, x.kind, x.value, x.flags, x.day, y.day,"
		" coalesce(x.raw, x.value),"
		" coalesce(sx.path, '?') || ':' || x.line, coalesce(sy.path, '?') || ':' || y.line,"
		" y.flags, x.field, y.field"
		" FROM identifiers x JOIN identifiers y ON +y.kind = +x.kind AND +y.value = +x.value"
		" LEFT JOIN sources sx ON sx.source_id = x.source_id"
		" LEFT JOIN sources sy ON sy.source_id = y.source_id"
		" WHERE x.holder_kind = 'seller' AND x.holder_id = ?1 AND y.holder_kind = 'seller'"
		" AND y.holder_id = ?2 AND x.value <> ''"
		" ORDER BY x.kind, x.value, (x.day IS NOT y.day), x.ident_id, y.ident_id";
	/*
	 * Citus joins two distributed tables only on the column they are distributed by: there
	 * each side is read first from its holder's shard, and the two joined on the coordinator.
	 */
	static const char sql_citus[] =
		"WITH x AS MATERIALIZED (SELECT * FROM identifiers WHERE holder_kind = 'seller'"
		" AND holder_id = ?1), y AS MATERIALIZED (SELECT * FROM identifiers WHERE"
		" holder_kind = 'seller' AND holder_id = ?2)"
		" SELECT x.ident_id, y.ident_id, x.kind, x.value, x.flags, x.day, y.day,"
		" coalesce(x.raw, x.value),"
		" coalesce(sx.path, '?') || ':' || x.line, coalesce(sy.path, '?') || ':' || y.line,"
		" y.flags, x.field, y.field"
		" FROM x JOIN y ON y.kind = x.kind AND y.value = x.value"
		" LEFT JOIN sources sx ON sx.source_id = x.source_id"
		" LEFT JOIN sources sy ON sy.source_id = y.source_id"
		" WHERE x.value <> ''"
		" ORDER BY x.kind, x.value, (x.day IS NOT y.day), x.ident_id, y.ident_id";
	double best[LINK_NCLASS] = { 0 };
	struct store_stmt *s;
	size_t cap = 0;
	int rc, c;

	memset(out, 0, sizeof(*out));
	if (!(s = store_prepare(st, store_is_distributed(st) ? sql_citus : sql)))
		return EX_SOFTWARE;
	store_bind_text(s, 1, a);
	store_bind_text(s, 2, b);
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *kind = col(s, 2), *value = col(s, 3), *flags = col(s, 4);
		const char *dx = col(s, 5), *dy = col(s, 6);
		struct link_piece *pc;
		int isip = strcmp(kind, IDENT_IP) == 0;

		if (out->n && strcmp(out->v[out->n - 1].kind, kind) == 0 &&
			strcmp(out->v[out->n - 1].value, value) == 0)
			continue; /* the first (best) row pair of this value stands for it */
		GROW(out->v, out->n, cap);
		pc = &out->v[out->n++];
		memset(pc, 0, sizeof(*pc));
		pc->kind = xstrdup(kind);
		pc->value = xstrdup(value);
		pc->display =
			xstrdup(strcmp(kind, IDENT_PAYMENT) == 0 && col(s, 7) ? col(s, 7) : value);
		pc->cls = link_class_of(kind, flags);
		pc->ident_a = store_col_int(s, 0);
		pc->ident_b = store_col_int(s, 1);
		pc->source_a = dupnull(col(s, 8));
		pc->source_b = dupnull(col(s, 9));
		pc->field_a = dupnull(col(s, 11));
		pc->field_b = dupnull(col(s, 12));
		if (strcmp(kind, IDENT_ADDRESS_AREA) == 0) {
			pc->why =
				"same area (no street-level place): corroboration only, never a link";
			continue;
		}
		if (link_has_flag(flags, "nolink") || link_has_flag(col(s, 10), "nolink")) {
			pc->why = "never links (flagged nolink)";
			continue;
		}
		if (pc->cls == LINK_BUILDING) {
			pc->why = "same building: a weak relation only, never a link";
			continue;
		}
		if (isip && (!dx || !dy || strcmp(dx, dy) != 0)) {
			pc->why = "used on different days";
			continue;
		}
		/* Only whether it is over the cap matters to a run; --explain shows the count. */
		pc->holders = holders_of(
			st, kind, value, isip ? dx : NULL, exact ? 0 : p->cap[pc->cls] + 1);
		if (pc->holders > p->cap[pc->cls]) {
			pc->why = "a hub";
			continue;
		}
		pc->weight = link_weight(p, pc->cls, pc->holders);
		if (pc->weight > best[pc->cls])
			best[pc->cls] = pc->weight;
	}
	store_done(s);
	if (rc != STORE_DONE) {
		link_pair_free(out);
		return rc;
	}
	for (c = 0; c < LINK_NCLASS; c++)
		out->score += best[c];
	return 0;
}

int link_pair_evidence(struct store *st, const struct link_params *p, const char *a, const char *b,
	struct link_pair *out)
{
	return pair_evidence(st, p, a, b, 1, out);
}

void link_pair_free(struct link_pair *pr)
{
	size_t i;

	for (i = 0; i < pr->n; i++) {
		free(pr->v[i].kind);
		free(pr->v[i].value);
		free(pr->v[i].display);
		free(pr->v[i].source_a);
		free(pr->v[i].source_b);
		free(pr->v[i].field_a);
		free(pr->v[i].field_b);
	}
	free(pr->v);
	memset(pr, 0, sizeof(*pr));
}

/*
 * Tarjan's bridges, iteratively (a network may be large). adj holds the edges of node v at
 * adj[off[v]..off[v+1]) as (neighbour, edge index); an edge is a bridge when low[w] > pre[v].
 */
static void find_bridges(size_t n, const size_t *off, const uint32_t (*adj)[2], uint8_t *bridge)
{
	uint32_t *pre = xcalloc(n + 1, sizeof(*pre)), *low = xmalloc((n + 1) * sizeof(*low));
	uint32_t *stk = xmalloc((n + 1) * sizeof(*stk)), *pedge = xmalloc((n + 1) * sizeof(*pedge));
	size_t *it = xmalloc((n + 1) * sizeof(*it)), root, sp;
	uint32_t t = 0;

	for (root = 0; root < n; root++) {
		if (pre[root])
			continue;
		sp = 0;
		stk[sp++] = (uint32_t)root;
		pre[root] = low[root] = ++t;
		pedge[root] = UINT32_MAX;
		it[root] = off[root];
		while (sp) {
			uint32_t v = stk[sp - 1];

			if (it[v] < off[v + 1]) {
				uint32_t w = adj[it[v]][0], e = adj[it[v]][1];

				it[v]++;
				if (e == pedge[v])
					continue;
				if (pre[w]) {
					if (pre[w] < low[v])
						low[v] = pre[w];
					continue;
				}
				pre[w] = low[w] = ++t;
				pedge[w] = e;
				it[w] = off[w];
				stk[sp++] = w;
			} else {
				sp--;
				if (sp) {
					uint32_t u = stk[sp - 1];

					if (low[v] < low[u])
						low[u] = low[v];
					if (low[v] > pre[u])
						bridge[pedge[v]] = 1;
				}
			}
		}
	}
	free(pre);
	free(low);
	free(stk);
	free(pedge);
	free(it);
}

static int cmp_pair64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

int link_bridges(struct store *st, const struct link_params *p, const char *network_id,
	char ***pairs, size_t *npairs)
{
	static const char sql[] =
		"SELECT i.ident_id, i.kind, i.value, i.holder_id, i.flags, i.day,"
		" coalesce(i.raw, i.value)"
		" FROM network_members m JOIN identifiers i ON i.holder_id = m.seller_id"
		" WHERE m.network_id = ?1 AND i.holder_kind = 'seller'"
		" AND i.kind NOT IN ('address_building', 'address_area')"
		" ORDER BY i.kind, i.value, i.day, i.ident_id";
	struct linker lk = { 0 };
	uint64_t *pr = NULL;
	uint32_t(*adj)[2] = NULL;
	size_t *off = NULL, n = 0, i, j;
	uint8_t *bridge = NULL;
	struct store_stmt *s;
	int rc;

	*pairs = NULL;
	*npairs = 0;
	lk.st = st;
	lk.p = p;
	lk.graph = 1;
	if (!(s = store_prepare(st, sql)))
		return EX_SOFTWARE;
	store_bind_text(s, 1, network_id);
	rc = scan_rows(&lk, s, NULL);
	store_done(s);
	if (rc)
		goto out;
	weak_edges(&lk);
	/* Fuzzy edges are not in the identifiers: take them from the run that made them. */
	if (!(s = store_prepare(st,
		      "SELECT DISTINCT seller_a, seller_b FROM link_edges WHERE network_id = ?1"
		      " AND comparator IS NOT NULL"))) {
		rc = EX_SOFTWARE;
		goto out;
	}
	store_bind_text(s, 1, network_id);
	while (store_step(s) == STORE_ROW) {
		uint32_t a = seller_id(&lk, col(s, 0)), b = seller_id(&lk, col(s, 1));

		add_edge(&lk, a, b, 0, NULL, 0);
	}
	store_done(s);
	/* The graph over pairs: evidence of several kinds between two accounts is one edge. */
	pr = xmalloc((lk.nedges + 1) * sizeof(*pr));
	for (i = 0; i < lk.nedges; i++)
		pr[i] = (uint64_t)lk.edges[i].a << 32 | lk.edges[i].b;
	ck_sort(pr, lk.nedges, sizeof(*pr), cmp_pair64);
	for (i = 0, j = 0; i < lk.nedges; i++)
		if (!j || pr[j - 1] != pr[i])
			pr[j++] = pr[i];
	n = lk.uf.n;
	off = xcalloc(n + 2, sizeof(*off));
	adj = xmalloc((2 * j + 1) * sizeof(*adj));
	for (i = 0; i < j; i++) {
		off[(pr[i] >> 32) + 1]++;
		off[(pr[i] & 0xffffffff) + 1]++;
	}
	for (i = 0; i < n; i++)
		off[i + 1] += off[i];
	{
		size_t *fill = xmalloc((n + 1) * sizeof(*fill));

		memcpy(fill, off, (n + 1) * sizeof(*fill));
		for (i = 0; i < j; i++) {
			uint32_t a = (uint32_t)(pr[i] >> 32), b = (uint32_t)pr[i];

			adj[fill[a]][0] = b;
			adj[fill[a]++][1] = (uint32_t)i;
			adj[fill[b]][0] = a;
			adj[fill[b]++][1] = (uint32_t)i;
		}
		free(fill);
	}
	bridge = xcalloc(j + 1, 1);
	find_bridges(n, off, (const uint32_t(*)[2])adj, bridge);
	for (i = 0; i < j; i++) {
		if (!bridge[i])
			continue;
		*pairs = xrealloc(*pairs, (*npairs + 1) * 2 * sizeof(**pairs));
		(*pairs)[2 * *npairs] = xstrdup(lk.sellers.v[pr[i] >> 32]);
		(*pairs)[2 * *npairs + 1] = xstrdup(lk.sellers.v[pr[i] & 0xffffffff]);
		(*npairs)++;
	}
out:
	free(pr);
	free(off);
	free(adj);
	free(bridge);
	linker_free(&lk);
	return rc;
}
