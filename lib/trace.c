/* trace.c - walk upstream from leads to suppliers, warehouses and factories, and rank them */
#include "casekit.h"
#include "leads.h"
#include "store.h"
#include "trace.h"
#include <math.h>

/*
 * The walk has two phases. Discovery goes upstream level by level from the leads, one index
 * seek per node (shipments into it, orders it placed with another seller, parties that share
 * an identifier with it), so that only the part of the graph the leads can reach is ever read,
 * however large the store. Every node found is interned to a dense int; the edges found become
 * a CSR in-adjacency array. Counting then walks that small graph in memory once per lead, with
 * a visit stamp per node instead of clearing a visited set.
 */

#define NONE (-1)
#define MAXCUR 4
#define UNWALKED (-2) /* a flagged seller the walk did not reach */

enum edge_kind { EDGE_SHIP, EDGE_ORDER, EDGE_TIE };

struct edge {
	int from, to; /* goods flow from -> to; a tie points from the party to what it is tied to */
	int kind;
	int tie;   /* the identifier kind of a tie (an interned string) */
	int input; /* a shipment of materials, packaging or parts (share/trace/inputs.txt) */
	long long qty, value;
	int cur; /* interned currency, or NONE */
};

struct node {
	char *id;
	const char *kind; /* interned */
	char *name;
	int depth, parent, pedge;            /* the shortest-path tree */
	int holder;                          /* 's' seller, 'p' party, 'n' name only, 'u' unknown */
	int start, party_lead, flagged, net; /* a party lead starts the walk but flags nothing */
	int fs, nets, last_net, rank;
	unsigned stamp;
	long long out_flagged, qty;
	int cur[MAXCUR], ncur[MAXCUR];
	long long val[MAXCUR];
	double share, inputs, score; /* inputs: the share of its walked shipments that are inputs */
	char *path;
};

/* An open-addressing map from strings to ints; keys are owned by the caller. */
struct strmap {
	const char **key;
	int *val;
	size_t n, cap;
};

struct trace {
	struct store *st;
	struct trace_opts o;
	struct node *nodes;
	size_t n, cap;
	struct edge *edges;
	size_t ne, ecap;
	struct strmap ids;
	char **strs; /* interned kinds, currencies, tie kinds */
	size_t nstrs;
	struct strmap flagged; /* sellers flagged by screen, and the lead sellers */
	char **flagged_keys;
	size_t nflagged;
	int *in_off,
		*in_edge; /* CSR: the edges into node v are in_edge[in_off[v] .. in_off[v+1]) */
	size_t *order;    /* ranked (non-lead) nodes */
	size_t nranked;
	struct trace_party *ranked;
	char *scores_table, *networks_table;
	/* Statements out of the store's cache for the whole walk, given back by trace_free(). */
	struct store_stmt *q_ship, *q_order, *q_ids_of, *q_holders, *q_party, *q_seller,
		*q_out_ship, *q_out_order, *q_net_of;
	struct strmap hubs; /* "kind\tvalue" of the hubs met: asked once */
	char **hub_keys;
	size_t nhub_keys;
	char **inwords; /* share/trace/inputs.txt */
	size_t ninwords;
	long no_sender;
	int in_txn;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int strmap_get(const struct strmap *m, const char *k)
{
	size_t i;

	if (!m->cap)
		return NONE;
	for (i = hash_str(k) & (m->cap - 1); m->key[i]; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->key[i], k) == 0)
			return m->val[i];
	return NONE;
}

static void strmap_put(struct strmap *m, const char *k, int v)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap) {
		struct strmap old = *m;

		m->cap = m->cap ? m->cap * 2 : 64;
		m->key = xcalloc(m->cap, sizeof(*m->key));
		m->val = xcalloc(m->cap, sizeof(*m->val));
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.key[i])
				strmap_put(m, old.key[i], old.val[i]);
		free(old.key);
		free(old.val);
	}
	for (i = hash_str(k) & (m->cap - 1); m->key[i]; i = (i + 1) & (m->cap - 1))
		if (strcmp(m->key[i], k) == 0) {
			m->val[i] = v;
			return;
		}
	m->key[i] = k;
	m->val[i] = v;
	m->n++;
}

static void strmap_free(struct strmap *m)
{
	free(m->key);
	free(m->val);
}

/* Kinds, currencies and tie kinds are few: a linear list is enough. */
static int intern_str(struct trace *t, const char *s)
{
	size_t i;

	for (i = 0; i < t->nstrs; i++)
		if (strcmp(t->strs[i], s) == 0)
			return (int)i;
	t->strs = xrealloc(t->strs, (t->nstrs + 1) * sizeof(*t->strs));
	t->strs[t->nstrs] = xstrdup(s);
	return (int)t->nstrs++;
}

/* The interned copy of s (after any growth of the list). */
static const char *intern_cstr(struct trace *t, const char *s)
{
	int i = intern_str(t, s);

	return t->strs[i];
}

static const char *col_text(struct store_stmt *s, int i)
{
	const char *v = store_col_text(s, i);

	return v && *v ? v : NULL;
}

static int prep(struct trace *t, struct store_stmt **s, const char *sql)
{
	return (*s = store_prepare(t->st, sql)) ? 0 : EX_SOFTWARE;
}

/* Look up what a node is: a party (its kind and name), a seller, or neither. */
static void describe(struct trace *t, struct node *nd, int hint)
{
	struct store_stmt *s;

	if (hint != 's') {
		s = t->q_party;
		store_bind_text(s, 1, nd->id);
		if (store_step(s) == STORE_ROW) {
			nd->holder = 'p';
			nd->kind = intern_cstr(t, col_text(s, 0) ? col_text(s, 0) : "party");
			nd->name = col_text(s, 1) ? xstrdup(col_text(s, 1)) : NULL;
		}
		store_reset(s);
		if (nd->holder)
			return;
	}
	s = t->q_seller;
	store_bind_text(s, 1, nd->id);
	if (store_step(s) == STORE_ROW) {
		nd->holder = 's';
		nd->kind = intern_cstr(t, "seller");
		nd->name = col_text(s, 0) ? xstrdup(col_text(s, 0)) : NULL;
	}
	store_reset(s);
	if (!nd->holder && hint == 's') {
		/* A lead seller may also be a party id; try that before giving up. */
		describe(t, nd, 'p');
		return;
	}
	if (!nd->holder) {
		nd->holder = 'u';
		nd->kind = intern_cstr(t, "unknown");
	}
}

/* The node for id, made (at depth, below parent) when new. */
static int intern_node(struct trace *t, const char *id, int hint, int depth, int parent)
{
	struct node *nd;
	int i = strmap_get(&t->ids, id);

	if (i != NONE)
		return i;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->nodes = xrealloc(t->nodes, t->cap * sizeof(*t->nodes));
	}
	nd = &t->nodes[t->n];
	memset(nd, 0, sizeof(*nd));
	nd->id = xstrdup(id);
	nd->depth = depth;
	nd->parent = parent;
	nd->pedge = NONE;
	nd->net = NONE;
	nd->last_net = NONE;
	if (hint == 'n') {
		nd->holder = 'n';
		nd->kind = intern_cstr(t, "unlisted");
		nd->name = xstrdup(id + 5);
	} else {
		describe(t, nd, hint);
	}
	strmap_put(&t->ids, nd->id, (int)t->n);
	return (int)t->n++;
}

/* Load the words that make goods an input; without the file every shipment is goods. */
static void load_inputs(struct trace *t)
{
	char *path = xasprintf("%s/trace/inputs.txt", ck_datadir()), line[256], *p, *e;
	FILE *fp = fopen(path, "r");

	if (!fp) {
		ck_warn("cannot open '%s': %s; materials weigh as much as finished goods", path,
			strerror(errno));
		free(path);
		return;
	}
	while (fgets(line, sizeof(line), fp)) {
		if ((p = strchr(line, '#')))
			*p = 0;
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		for (e = p + strlen(p); e > p && strchr(" \t\r\n", e[-1]); e--)
			;
		*e = 0;
		if (!*p)
			continue;
		for (e = p; *e; e++)
			if (*e >= 'A' && *e <= 'Z')
				*e = (char)(*e - 'A' + 'a');
		t->inwords = xrealloc(t->inwords, (t->ninwords + 1) * sizeof(*t->inwords));
		t->inwords[t->ninwords++] = xstrdup(p);
	}
	fclose(fp);
	free(path);
}

static int is_word_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/*
 * 1 if goods names an input: an entry of inputs.txt in it, a Latin entry as whole words
 * (case-insensitive), any other (Chinese) entry anywhere.
 */
static int is_input(const struct trace *t, const char *goods)
{
	char low[512];
	size_t i, n, k;

	if (!goods || !t->ninwords)
		return 0;
	for (n = 0; goods[n] && n < sizeof(low) - 1; n++)
		low[n] = (char)(goods[n] >= 'A' && goods[n] <= 'Z' ? goods[n] - 'A' + 'a'
								   : goods[n]);
	low[n] = 0;
	for (i = 0; i < t->ninwords; i++) {
		const char *w = t->inwords[i], *h = low;
		size_t wl = strlen(w);
		int latin = is_word_byte((unsigned char)w[0]);

		while ((h = strstr(h, w))) {
			k = (size_t)(h - low);
			if (!latin ||
				((k == 0 || !is_word_byte((unsigned char)low[k - 1])) &&
					!is_word_byte((unsigned char)h[wl])))
				return 1;
			h++;
		}
	}
	return 0;
}

static void add_edge(
	struct trace *t, int from, int to, int kind, int tie, struct store_stmt *s, int qcol)
{
	struct edge *e;

	if (t->ne == t->ecap) {
		t->ecap = t->ecap ? t->ecap * 2 : 256;
		t->edges = xrealloc(t->edges, t->ecap * sizeof(*t->edges));
	}
	e = &t->edges[t->ne];
	e->from = from;
	e->to = to;
	e->kind = kind;
	e->tie = tie;
	e->qty = e->value = 0;
	e->cur = NONE;
	e->input = 0;
	if (s) {
		e->qty = store_col_int(s, qcol);
		e->value = store_col_int(s, qcol + 1);
		if (col_text(s, qcol + 2))
			e->cur = intern_str(t, col_text(s, qcol + 2));
		if (kind == EDGE_SHIP)
			e->input = is_input(t, col_text(s, qcol + 3));
	}
	if (t->nodes[from].pedge == NONE && t->nodes[from].parent == to)
		t->nodes[from].pedge = (int)t->ne;
	t->ne++;
}

/* One holder an identifier ties to: its kind ("seller", "party"), id and the tie's kind. */
struct tie_hit {
	char *hkind, *hid;
	int tie;
};

struct tie_list {
	struct tie_hit *v;
	size_t n, cap;
};

static void tie_list_free(struct tie_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].hkind);
		free(l->v[i].hid);
	}
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static struct trace *sort_ties_trace;

static int cmp_tie(const void *a, const void *b)
{
	const struct tie_hit *x = a, *y = b;
	int c = strcmp(x->hid, y->hid);

	if (c)
		return c;
	if ((c = strcmp(x->hkind, y->hkind)))
		return c;
	return strcmp(sort_ties_trace->strs[x->tie], sort_ties_trace->strs[y->tie]);
}

static int has_flag(const char *flags, const char *flag)
{
	size_t n = strlen(flag);
	const char *p = flags;

	while (p && (p = strstr(p, flag))) {
		if ((p == flags || p[-1] == ',') && (p[n] == 0 || p[n] == ','))
			return 1;
		p += n;
	}
	return 0;
}

/* 1 if kind:value was found held by more than max_holders holders before (a hub). */
static int known_hub(struct trace *t, const char *kind, const char *value)
{
	char *key = xasprintf("%s\t%s", kind, value);
	int hub = strmap_get(&t->hubs, key) != NONE;

	free(key);
	return hub;
}

static void remember_hub(struct trace *t, const char *kind, const char *value)
{
	char *key = xasprintf("%s\t%s", kind, value);

	t->hub_keys = xrealloc(t->hub_keys, (t->nhub_keys + 1) * sizeof(*t->hub_keys));
	t->hub_keys[t->nhub_keys++] = key;
	strmap_put(&t->hubs, key, 1);
}

/*
 * The holders that share an identifier with (hkind, id), each (holder, tie kind) once, sorted
 * by holder id. Weak kinds (an IP, a building) and values that must never link (private or
 * CGNAT addresses, null device ids) tie nothing, and neither does a value held by more than
 * max_holders holders (a hub: a forwarder's phone, a marketplace warehouse). A hub is counted
 * once a value, and only up to the limit, so a value held by half the store costs no more
 * than one held by two.
 */
static int ties_of(
	struct trace *t, const char *hkind, const char *id, int parties_only, struct tie_list *out)
{
	struct store_stmt *s = t->q_ids_of, *h = t->q_holders;
	size_t i, j, first;
	int rc, nh;

	store_bind_text(s, 1, hkind);
	store_bind_text(s, 2, id);
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *kind = col_text(s, 0), *value = col_text(s, 1), *flags = col_text(s, 2);
		int tie;

		if (!kind || !value || strcmp(kind, "ip") == 0 ||
			strcmp(kind, "address_building") == 0)
			continue;
		if (flags &&
			(has_flag(flags, "nolink") || has_flag(flags, "private") ||
				has_flag(flags, "cgnat") || has_flag(flags, "null")))
			continue;
		if (known_hub(t, kind, value))
			continue;
		tie = intern_str(t, kind);
		/* Up to max_holders + 1 holders: one more than the limit says it is a hub. */
		/* kind and value are s's row: they stay put until h is reset below. */
		store_bind_text(h, 1, kind);
		store_bind_text(h, 2, value);
		store_bind_int(h, 3, t->o.max_holders + 1);
		for (first = out->n, nh = 0; store_step(h) == STORE_ROW; nh++) {
			const char *bk = col_text(h, 0), *bid = col_text(h, 1);

			if (!bk || !bid || (parties_only && strcmp(bk, "party") != 0) ||
				(strcmp(bk, hkind) == 0 && strcmp(bid, id) == 0))
				continue;
			if (out->n == out->cap) {
				out->cap = out->cap ? 2 * out->cap : 16;
				out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
			}
			out->v[out->n].hkind = xstrdup(bk);
			out->v[out->n].hid = xstrdup(bid);
			out->v[out->n++].tie = tie;
		}
		if (nh > t->o.max_holders) {
			remember_hub(t, kind, value);
			while (out->n > first) {
				out->n--;
				free(out->v[out->n].hkind);
				free(out->v[out->n].hid);
			}
		}
		store_reset(h);
	}
	store_reset(s);
	if (rc != STORE_DONE)
		return rc;
	sort_ties_trace = t;
	ck_sort(out->v, out->n, sizeof(*out->v), cmp_tie);
	sort_ties_trace = NULL;
	for (i = j = 0; i < out->n; i++) {
		if (j && cmp_tie(&out->v[j - 1], &out->v[i]) == 0) {
			free(out->v[i].hkind);
			free(out->v[i].hid);
			continue;
		}
		out->v[j++] = out->v[i];
	}
	out->n = j;
	return 0;
}

/* Add the upstream neighbours of node v: who shipped to it, sold to it, shares an id with it. */
static int expand(struct trace *t, int v)
{
	char *id = t->nodes[v].id, *pseudo;
	int depth = t->nodes[v].depth + 1, holder = t->nodes[v].holder, u, rc;
	struct store_stmt *s;
	const char *from, *name;

	if (holder == 'n')
		return 0;
	s = t->q_ship;
	store_bind_text(s, 1, id);
	while ((rc = store_step(s)) == STORE_ROW) {
		if ((from = col_text(s, 0))) {
			u = intern_node(t, from, 0, depth, v);
		} else if ((name = col_text(s, 1)) || (name = col_text(s, 2))) {
			/* A sender known by name or address only is still a lead to follow by hand. */
			pseudo = xasprintf("name:%s", name);
			u = intern_node(t, pseudo, 'n', depth, v);
			free(pseudo);
		} else {
			t->no_sender++;
			continue;
		}
		if (u != v)
			add_edge(t, u, v, EDGE_SHIP, NONE, s, 3);
	}
	store_reset(s);
	if (rc != STORE_DONE)
		return rc;
	if (t->q_order) {
		s = t->q_order;
		store_bind_text(s, 1, id);
		while ((rc = store_step(s)) == STORE_ROW) {
			u = intern_node(t, col_text(s, 0), 's', depth, v);
			if (u != v)
				add_edge(t, u, v, EDGE_ORDER, NONE, s, 1);
		}
		store_reset(s);
		if (rc != STORE_DONE)
			return rc;
	}
	if (holder == 's' || holder == 'p') {
		struct tie_list l = { 0 };
		size_t i;

		if ((rc = ties_of(t, holder == 's' ? "seller" : "party", id, 1, &l)))
			return rc;
		for (i = 0; i < l.n; i++) {
			u = intern_node(t, l.v[i].hid, 'p', depth, v);
			if (u != v)
				add_edge(t, u, v, EDGE_TIE, l.v[i].tie, NULL, 0);
		}
		tie_list_free(&l);
	}
	return 0;
}

static int table_has_rows(struct trace *t, const char *table)
{
	char *q = store_quote_name(table), *sql = xasprintf("SELECT 1 FROM %s LIMIT 1", q);
	int found = store_has_rows(t->st, sql);

	free(sql);
	free(q);
	return found;
}

/*
 * The walk seeks by these columns; without an index each seek would scan the table. Making
 * one is a lasting gain, so it is kept; a read-only store is walked without (slowly).
 */
static void ensure_indexes(struct trace *t)
{
	static const char *const want[][4] = {
		{ "shipments", "to_id", NULL,
			"CREATE INDEX trace_shipments_to ON shipments(to_id)" },
		{ "shipments", "from_id", NULL,
			"CREATE INDEX trace_shipments_from"
			" ON shipments(from_id, to_id, quantity)" },
		{ "orders", "buyer_id", NULL,
			"CREATE INDEX trace_orders_buyer ON orders(buyer_id)" },
		{ "orders", "seller_id", NULL,
			"CREATE INDEX trace_orders_seller ON orders(seller_id)" },
		{ "identifiers", "holder_kind", "holder_id",
			"CREATE INDEX trace_identifiers_holder"
			" ON identifiers(holder_kind, holder_id)" },
		{ "identifiers", "kind", "value",
			"CREATE INDEX trace_identifiers_value ON identifiers(kind, value)" },
		{ "scores", "score", NULL,
			"CREATE INDEX trace_scores_score ON scores(score, seller_id) WHERE score > 0" },
	};
	size_t i;

	for (i = 0; i < sizeof(want) / sizeof(*want); i++) {
		if (store_has_index(t->st, want[i][0], want[i][1], want[i][2]))
			continue;
		if (store_is_readonly(t->st)) {
			ck_warn("no index on %s(%s) and the store is read-only: the walk will be slow",
				want[i][0], want[i][1]);
			continue;
		}
		ck_info("indexing %s(%s) for the walk", want[i][0], want[i][1]);
		if (store_exec_quiet(t->st, want[i][3]))
			ck_warn("cannot index %s(%s): %s", want[i][0], want[i][1],
				store_errmsg(t->st));
	}
}

static int prepare_all(struct trace *t)
{
	int rc;
	char *sql, *q;

	if ((rc = prep(t, &t->q_ship,
		     "SELECT from_id, from_name, from_address, quantity, declared_value, currency,"
		     " goods FROM shipments WHERE to_id = ?1")) ||
		(rc = prep(t, &t->q_order,
			 "SELECT seller_id, quantity, amount, currency FROM orders"
			 " WHERE buyer_id = ?1 AND seller_id IS NOT NULL AND seller_id <> ''"
			 " AND seller_id <> buyer_id")) ||
		(rc = prep(t, &t->q_ids_of,
			 "SELECT DISTINCT kind, value, flags FROM identifiers"
			 " WHERE holder_kind = ?1 AND holder_id = ?2"
			 " AND kind NOT IN ('ip', 'address_building')")) ||
		(rc = prep(t, &t->q_holders,
			 "SELECT DISTINCT holder_kind, holder_id FROM identifiers"
			 " WHERE kind = ?1 AND value = ?2 LIMIT ?3")) ||
		(rc = prep(t, &t->q_party, "SELECT kind, name FROM parties WHERE party_id = ?1")) ||
		(rc = prep(
			 t, &t->q_seller, "SELECT shop_name FROM sellers WHERE seller_id = ?1")) ||
		(rc = prep(t, &t->q_out_ship,
			 "SELECT s.to_id, s.quantity, p.party_id IS NOT NULL FROM shipments s"
			 " LEFT JOIN parties p ON p.party_id = s.to_id WHERE s.from_id = ?1")) ||
		(rc = prep(t, &t->q_out_order,
			 "SELECT buyer_id, quantity FROM orders WHERE seller_id = ?1")))
		return rc;
	if (t->networks_table) {
		q = store_quote_name(t->networks_table);
		sql = xasprintf(
			"SELECT network_id FROM %s WHERE seller_id = ?1 ORDER BY network_id LIMIT 1",
			q);
		rc = prep(t, &t->q_net_of, sql);
		free(sql);
		free(q);
	}
	return rc;
}

static int add_start(struct trace *t, const char *id, int hint)
{
	int v = intern_node(t, id, hint, 0, NONE);

	t->nodes[v].start = 1;
	t->nodes[v].depth = 0;
	t->nodes[v].parent = NONE;
	/* A party lead is where to start looking, not evidence: it flags nobody. */
	t->nodes[v].party_lead = t->nodes[v].holder == 'p';
	return v;
}

/* Resolve the leads into start nodes: listings to sellers, networks to their members. */
static int add_leads(struct trace *t, const struct leads *l)
{
	struct store_stmt *q_listing = NULL, *q_members = NULL, *q_case = NULL, *s;
	size_t i, before;
	int rc, v;
	char *sql, *q;

	if ((rc = prep(t, &q_listing, "SELECT seller_id FROM listings WHERE listing_id = ?1")))
		return rc;
	if (t->networks_table) {
		q = store_quote_name(t->networks_table);
		sql = xasprintf(
			"SELECT DISTINCT seller_id FROM %s WHERE network_id = ?1 ORDER BY seller_id",
			q);
		rc = prep(t, &q_members, sql);
		free(sql);
		free(q);
	}
	for (i = 0; i < l->n && !rc; i++) {
		const char *kind = l->v[i].kind, *id = l->v[i].id;

		if (strcmp(kind, "listing") == 0) {
			s = q_listing;
			store_bind_text(s, 1, id);
			if (store_step(s) == STORE_ROW && col_text(s, 0))
				add_start(t, col_text(s, 0), 's');
			else
				ck_warn("no listing '%s' in the store: skipped", id);
			store_reset(s);
		} else if (strcmp(kind, "network") == 0) {
			if (!(s = q_members)) {
				rc = ck_error(EX_NOINPUT,
					"network '%s': the store has no networks (run 'casekit link')",
					id);
				break;
			}
			store_bind_text(s, 1, id);
			before = t->n;
			while (store_step(s) == STORE_ROW)
				if (col_text(s, 0))
					add_start(t, col_text(s, 0), 's');
			store_reset(s);
			if (t->n == before)
				ck_warn("no network '%s' in the store: skipped", id);
		} else if (strcmp(kind, "case") == 0) {
			/* A case: its member sellers (casekit case gathers them), its party leads. */
			if (!q_case &&
				(rc = prep(t, &q_case,
					 "SELECT 's', seller_id FROM case_members"
					 " WHERE case_id = ?1 UNION ALL"
					 " SELECT 'p', id FROM case_leads WHERE case_id = ?1"
					 " AND kind = 'party' ORDER BY 1 DESC, 2")))
				break;
			s = q_case;
			store_bind_text(s, 1, id);
			before = t->n;
			while (store_step(s) == STORE_ROW)
				if (col_text(s, 1))
					add_start(t, col_text(s, 1), col_text(s, 0)[0]);
			store_reset(s);
			if (t->n == before)
				ck_warn("no case '%s' in the store, or it has no members: skipped",
					id);
		} else {
			v = add_start(t, id, strcmp(kind, "party") == 0 ? 'p' : 's');
			if (t->nodes[v].holder == 'u')
				ck_warn("%s '%s' is not in the store; walking from it anyway", kind,
					id);
		}
	}
	store_done(q_listing);
	store_done(q_members);
	store_done(q_case);
	if (rc)
		return rc;
	if (t->n == 0)
		return ck_error(EX_DATAERR, "no lead to walk from");
	return 0;
}

/*
 * The flagged sellers: every lead seller (not a party lead), and the sellers of listings
 * screen scored --min-score or more (read through scores(score, seller_id) of the scores above
 * 0: only the flagged rows are read, however many listings were scored).
 */
static int load_flagged(struct trace *t)
{
	struct store_stmt *s;
	const char *pos;
	char *sql, *q;
	size_t i;
	int rc;

	for (i = 0; i < t->n; i++)
		if (t->nodes[i].start && !t->nodes[i].party_lead) {
			t->nodes[i].flagged = 1;
			strmap_put(&t->flagged, t->nodes[i].id, (int)i);
		}
	if (!t->scores_table)
		return 0;
	q = store_quote_name(t->scores_table);
	/* score > 0 written out, so that the planner may take the partial index scores_score */
	pos = t->o.min_score > 0 ? " AND score > 0" : "";
	if (store_column_exists(t->st, t->scores_table, "seller_id"))
		sql = xasprintf(
			"SELECT seller_id FROM %s WHERE score >= ?1%s AND seller_id IS NOT NULL", q,
			pos);
	else
		sql = xasprintf("SELECT DISTINCT l.seller_id FROM %s s"
				" JOIN listings l ON l.listing_id = s.listing_id"
				" WHERE s.score >= ?1%s AND l.seller_id IS NOT NULL",
			q, pos);
	rc = prep(t, &s, sql);
	free(sql);
	free(q);
	if (rc)
		return rc;
	store_bind_int(s, 1, t->o.min_score);
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *id = col_text(s, 0);
		int v;

		if (!id || strmap_get(&t->flagged, id) != NONE)
			continue;
		if ((v = strmap_get(&t->ids, id)) != NONE && !t->nodes[v].party_lead) {
			t->nodes[v].flagged = 1;
			strmap_put(&t->flagged, t->nodes[v].id, v);
			continue;
		}
		t->flagged_keys = xrealloc(t->flagged_keys, (t->nflagged + 1) * sizeof(char *));
		t->flagged_keys[t->nflagged] = xstrdup(id);
		strmap_put(&t->flagged, t->flagged_keys[t->nflagged++], UNWALKED);
	}
	store_done(s);
	return rc;
}

static void add_value(struct node *nd, int cur, long long v)
{
	int i;

	for (i = 0; i < MAXCUR && nd->ncur[i]; i++)
		if (nd->cur[i] == cur) {
			nd->ncur[i]++;
			nd->val[i] += v;
			return;
		}
	if (i < MAXCUR) {
		nd->cur[i] = cur;
		nd->ncur[i] = 1;
		nd->val[i] = v;
	}
}

/*
 * The flow of one node for the share: what it delivered in all (weighed by quantity; a row
 * without one weighs 1), what of it went straight to flagged sellers, and what went to
 * parties or walked nodes whose own share decides how much of it ends with flagged sellers.
 */
struct flow {
	double direct, total, f, next;
	int *tgt;
	double *tw;
	int nt, cap, fixed, depth;
};

struct flows {
	struct flow *v;
	size_t n, cap;
	struct strmap down; /* parties downstream of the walk, not walked: id -> flow index */
	char **down_ids;
	size_t ndown;
};

static int flow_new(struct flows *fs, int depth)
{
	if (fs->n == fs->cap) {
		fs->cap = fs->cap ? 2 * fs->cap : 256;
		fs->v = xrealloc(fs->v, fs->cap * sizeof(*fs->v));
	}
	memset(&fs->v[fs->n], 0, sizeof(*fs->v));
	fs->v[fs->n].depth = depth;
	return (int)fs->n++;
}

static void flow_to(struct flows *fs, int from, int to, double w)
{
	struct flow *f = &fs->v[from];

	if (f->nt == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 4;
		f->tgt = xrealloc(f->tgt, (size_t)f->cap * sizeof(*f->tgt));
		f->tw = xrealloc(f->tw, (size_t)f->cap * sizeof(*f->tw));
	}
	f->tgt[f->nt] = to;
	f->tw[f->nt++] = w;
}

/* Where a delivery from flow `from` to id went: flagged, a node whose share counts, or out. */
static void deliver(struct trace *t, struct flows *fs, int from, const char *id, int is_party,
	double w, int **queue, size_t *nq, size_t *qcap)
{
	int v, d;

	fs->v[from].total += w;
	if (!id)
		return;
	if ((v = strmap_get(&t->flagged, id)) != NONE) {
		fs->v[from].direct += w;
		return;
	}
	if ((v = strmap_get(&t->ids, id)) != NONE) {
		if (v != from)
			flow_to(fs, from, v, w);
		return;
	}
	if (!is_party || fs->v[from].depth + 1 >= t->o.depth)
		return;
	/* A party the walk did not reach (a warehouse of another operation): follow it down. */
	if ((d = strmap_get(&fs->down, id)) == NONE) {
		fs->down_ids = xrealloc(fs->down_ids, (fs->ndown + 1) * sizeof(char *));
		fs->down_ids[fs->ndown] = xstrdup(id);
		d = flow_new(fs, fs->v[from].depth + 1);
		strmap_put(&fs->down, fs->down_ids[fs->ndown++], d);
		if (*nq == *qcap) {
			*qcap = *qcap ? 2 * *qcap : 64;
			*queue = xrealloc(*queue, *qcap * sizeof(**queue));
		}
		(*queue)[(*nq)++] = d;
	}
	flow_to(fs, from, d, w);
}

/* Read what the node of flow i delivered: its shipments, and a seller's sales. */
static int read_flow(struct trace *t, struct flows *fs, int i, const char *id, int holder,
	int **queue, size_t *nq, size_t *qcap)
{
	struct store_stmt *s = t->q_out_ship;
	int rc;

	store_bind_text(s, 1, id);
	while ((rc = store_step(s)) == STORE_ROW) {
		long long q = store_col_int(s, 1);

		deliver(t, fs, i, col_text(s, 0), (int)store_col_int(s, 2), q > 0 ? (double)q : 1,
			queue, nq, qcap);
	}
	store_reset(s);
	if (rc != STORE_DONE)
		return rc;
	if (holder != 's')
		return 0;
	s = t->q_out_order;
	store_bind_text(s, 1, id);
	while ((rc = store_step(s)) == STORE_ROW) {
		long long q = store_col_int(s, 1);

		deliver(t, fs, i, col_text(s, 0), 0, q > 0 ? (double)q : 1, queue, nq, qcap);
	}
	store_reset(s);
	if (rc != STORE_DONE)
		return rc;
	return 0;
}

/*
 * How specific each node is to the flagged side: of everything it delivered (its shipments,
 * its sales to other sellers, by quantity), the share that ends with flagged sellers. What
 * went to a flagged seller counts whole; what went to a party counts by that party's own
 * share, and so on down, as far as the walk's depth: a factory whose other customers are the
 * warehouses of another flagged operation is as specific as the warehouses are. A carrier
 * that ships to every seller has a tiny share however many flagged sellers it reaches. A
 * party that delivered nothing is judged by the holders it shares identifiers with; a sender
 * known by name only, by what the walk saw of it.
 */
static int measure(struct trace *t)
{
	struct flows fs = { 0 };
	int *queue = NULL, rc = 0;
	size_t nq = 0, qcap = 0, i, k;
	double moved;
	int round, j;

	for (i = 0; i < t->ne; i++) {
		struct edge *e = &t->edges[i];
		struct node *nd = &t->nodes[e->from];

		if (e->kind == EDGE_TIE)
			continue;
		nd->out_flagged++;
		nd->qty += e->qty;
		if (e->cur != NONE)
			add_value(nd, e->cur, e->value);
	}
	for (i = 0; i < t->n; i++)
		flow_new(&fs, 0);
	for (i = 0; i < t->n && !rc; i++) {
		struct node *nd = &t->nodes[i];

		if (nd->flagged) {
			fs.v[i].fixed = 1;
			fs.v[i].f = 1;
		} else if (nd->holder == 'n') {
			for (k = 0; k < t->ne; k++)
				if (t->edges[k].from == (int)i && t->edges[k].kind != EDGE_TIE)
					deliver(t, &fs, (int)i, t->nodes[t->edges[k].to].id, 0,
						t->edges[k].qty > 0 ? (double)t->edges[k].qty : 1,
						&queue, &nq, &qcap);
		} else {
			rc = read_flow(t, &fs, (int)i, nd->id, nd->holder, &queue, &nq, &qcap);
		}
	}
	for (k = 0; k < nq && !rc; k++)
		rc = read_flow(t, &fs, queue[k], fs.down_ids[queue[k] - (int)t->n], 'p', &queue,
			&nq, &qcap);
	for (i = 0; i < t->n && !rc; i++) {
		struct node *nd = &t->nodes[i];
		struct tie_list l = { 0 };
		size_t m, hit = 0;

		if (nd->flagged || nd->holder != 'p' || fs.v[i].total > 0)
			continue;
		if ((rc = ties_of(t, "party", nd->id, 0, &l)))
			break;
		for (m = 0; m < l.n; m++)
			hit += strcmp(l.v[m].hkind, "seller") == 0 &&
				strmap_get(&t->flagged, l.v[m].hid) != NONE;
		fs.v[i].fixed = 1;
		fs.v[i].f = l.n ? (double)hit / (double)l.n : 0;
		tie_list_free(&l);
	}
	/*
	 * Each round carries the flagged share one hop further up; rounds go on until no share
	 * moves (a return from a warehouse to its factory is a cycle that converges).
	 */
	for (i = 0; i < fs.n; i++)
		if (!fs.v[i].fixed)
			fs.v[i].f = fs.v[i].total > 0 ? fs.v[i].direct / fs.v[i].total : 0;
	for (round = 1, moved = 1; round < 200 && moved > 1e-12 && !rc; round++) {
		moved = 0;
		for (i = 0; i < fs.n; i++) {
			struct flow *f = &fs.v[i];
			double sum = f->direct;

			if (f->fixed) {
				f->next = f->f;
				continue;
			}
			for (j = 0; j < f->nt; j++)
				sum += f->tw[j] * fs.v[f->tgt[j]].f;
			f->next = f->total > 0 ? sum / f->total : 0;
		}
		for (i = 0; i < fs.n; i++) {
			if (fabs(fs.v[i].next - fs.v[i].f) > moved)
				moved = fabs(fs.v[i].next - fs.v[i].f);
			fs.v[i].f = fs.v[i].next;
		}
	}
	for (i = 0; i < t->n; i++)
		t->nodes[i].share = t->nodes[i].start ? 1 : fs.v[i].f;
	for (i = 0; i < fs.n; i++) {
		free(fs.v[i].tgt);
		free(fs.v[i].tw);
	}
	for (i = 0; i < fs.ndown; i++)
		free(fs.down_ids[i]);
	free(fs.down_ids);
	free(fs.v);
	strmap_free(&fs.down);
	free(queue);
	return rc;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int network_of(
	struct trace *t, const char *id, struct strmap *nets, char ***keys, size_t *nkeys)
{
	const char *net;
	int n = NONE;

	if (!t->q_net_of)
		return NONE;
	store_bind_text(t->q_net_of, 1, id);
	if (store_step(t->q_net_of) == STORE_ROW && (net = col_text(t->q_net_of, 0))) {
		if ((n = strmap_get(nets, net)) == NONE) {
			*keys = xrealloc(*keys, (*nkeys + 1) * sizeof(char *));
			(*keys)[*nkeys] = xstrdup(net);
			n = (int)*nkeys;
			strmap_put(nets, (*keys)[(*nkeys)++], n);
		}
	}
	store_reset(t->q_net_of);
	return n;
}

/*
 * For each lead, walk the discovered graph up to the depth and count, for every node reached,
 * the distinct leads and networks it feeds. Leads are taken network by network, so a node
 * counts a network once by remembering the last network that reached it.
 */
static void count_reach(struct trace *t)
{
	struct strmap nets = { 0 };
	char **keys = NULL;
	size_t nkeys = 0, i, nstarts = 0, k;
	int *starts, *queue, *qdepth, v, u, j, head, tail, next_net;
	unsigned stamp = 0;

	t->in_off = xcalloc(t->n + 1, sizeof(int));
	t->in_edge = xmalloc((t->ne + 1) * sizeof(int));
	for (i = 0; i < t->ne; i++)
		t->in_off[t->edges[i].to + 1]++;
	for (i = 0; i < t->n; i++)
		t->in_off[i + 1] += t->in_off[i];
	{
		int *fill = xmalloc((t->n + 1) * sizeof(int));

		memcpy(fill, t->in_off, (t->n + 1) * sizeof(int));
		for (i = 0; i < t->ne; i++)
			t->in_edge[fill[t->edges[i].to]++] = (int)i;
		free(fill);
	}
	starts = xmalloc(2 * t->n * sizeof(int) + 1);
	/* Party leads start the walk but are no flagged seller and no network: not counted. */
	for (i = 0; i < t->n; i++)
		if (t->nodes[i].start && !t->nodes[i].party_lead) {
			t->nodes[i].net = network_of(t, t->nodes[i].id, &nets, &keys, &nkeys);
			nstarts++;
		}
	next_net = (int)nkeys;
	for (i = 0, k = 0; i < t->n; i++)
		if (t->nodes[i].start && !t->nodes[i].party_lead) {
			if (t->nodes[i].net == NONE)
				t->nodes[i].net =
					next_net++; /* a seller in no network is its own */
			starts[2 * k] = t->nodes[i].net;
			starts[2 * k + 1] = (int)i;
			k++;
		}
	ck_sort(starts, nstarts, 2 * sizeof(int), cmp_int);
	queue = xmalloc((t->n + 1) * sizeof(int));
	qdepth = xmalloc((t->n + 1) * sizeof(int));
	for (k = 0; k < nstarts; k++) {
		int s = starts[2 * k + 1], net = starts[2 * k];

		stamp++;
		head = tail = 0;
		queue[tail] = s;
		qdepth[tail++] = 0;
		t->nodes[s].stamp = stamp;
		while (head < tail) {
			v = queue[head];
			if (qdepth[head++] >= t->o.depth)
				continue;
			for (j = t->in_off[v]; j < t->in_off[v + 1]; j++) {
				u = t->edges[t->in_edge[j]].from;
				if (t->nodes[u].stamp == stamp)
					continue;
				t->nodes[u].stamp = stamp;
				queue[tail] = u;
				qdepth[tail++] = qdepth[head - 1] + 1;
				t->nodes[u].fs++;
				if (t->nodes[u].last_net != net) {
					t->nodes[u].last_net = net;
					t->nodes[u].nets++;
				}
			}
		}
	}
	free(queue);
	free(qdepth);
	free(starts);
	for (i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	strmap_free(&nets);
}

static void make_path(struct trace *t, struct node *nd)
{
	struct buf b = { 0 };
	int chain[64], n = 0, i, v = (int)(nd - t->nodes);

	/* The path is built lead first; depths are small, so a fixed chain is enough. */
	while (v != NONE && n < 64) {
		chain[n++] = v;
		v = t->nodes[v].parent;
	}
	for (i = n - 1; i >= 0; i--) {
		struct node *c = &t->nodes[chain[i]];

		buf_adds(&b, c->id);
		if (i > 0) {
			struct node *up = &t->nodes[chain[i - 1]];

			if (up->pedge != NONE && t->edges[up->pedge].kind == EDGE_TIE)
				buf_addf(&b, "<~%s~", t->strs[t->edges[up->pedge].tie]);
			else
				buf_adds(&b, "<-");
		}
	}
	nd->path = buf_detach(&b);
}

static struct trace *sort_trace;

static int cmp_rank(const void *a, const void *b)
{
	const struct node *x = &sort_trace->nodes[*(const size_t *)a];
	const struct node *y = &sort_trace->nodes[*(const size_t *)b];

	/* Scores that differ only by rounding (a share that converged) are equal. */
	if (fabs(x->score - y->score) > 1e-9)
		return x->score < y->score ? 1 : -1;
	if (x->fs != y->fs)
		return x->fs < y->fs ? 1 : -1;
	/* The naive ranking breaks ties as a count would: by how often it delivered. */
	if (sort_trace->o.rank == TRACE_RANK_COUNT && x->out_flagged != y->out_flagged)
		return x->out_flagged < y->out_flagged ? 1 : -1;
	if (x->qty != y->qty)
		return x->qty < y->qty ? 1 : -1;
	if (x->depth != y->depth)
		return x->depth > y->depth ? 1 : -1;
	return strcmp(x->id, y->id);
}

/* What an input weighs against finished goods, and the cap on a supplier of inputs. */
#define INPUT_WEIGHT 0.25

/*
 * The score: share x goods x reach, where reach is log2(1 + flagged sellers) + log2(1 +
 * networks) and goods is 1 for a node that ships finished goods, down to INPUT_WEIGHT for one
 * whose walked shipments are all inputs (materials, packaging, parts). A node that ships
 * mostly inputs never outranks a node it supplies them to: its score is capped at
 * INPUT_WEIGHT times the lowest score among those customers.
 */
static void score_all(struct trace *t)
{
	double *in = xcalloc(2 * t->n + 1, sizeof(double)), *all = in + t->n;
	size_t i, k;
	int pass, changed = 1;

	for (k = 0; k < t->ne; k++) {
		const struct edge *e = &t->edges[k];
		double w = e->qty > 0 ? (double)e->qty : 1;

		if (e->kind != EDGE_SHIP)
			continue;
		all[e->from] += w;
		if (e->input)
			in[e->from] += w;
	}
	for (i = 0; i < t->n; i++) {
		struct node *nd = &t->nodes[i];

		if (nd->start)
			continue;
		nd->inputs = all[i] > 0 ? in[i] / all[i] : 0;
		if (t->o.rank == TRACE_RANK_COUNT)
			nd->score = nd->fs;
		else
			nd->score = nd->share * (1 - (1 - INPUT_WEIGHT) * nd->inputs) *
				(log2(1.0 + nd->fs) + log2(1.0 + nd->nets));
	}
	free(in);
	if (t->o.rank == TRACE_RANK_COUNT)
		return;
	/* Caps pass up a chain of suppliers (packaging for a leather mill): a few passes. */
	for (pass = 0; pass < 8 && changed; pass++) {
		changed = 0;
		for (k = 0; k < t->ne; k++) {
			const struct edge *e = &t->edges[k];
			struct node *sup = &t->nodes[e->from], *cust = &t->nodes[e->to];
			double cap;

			if (e->kind != EDGE_SHIP || !e->input || sup->start || cust->start ||
				sup->inputs <= 0.5)
				continue;
			cap = INPUT_WEIGHT * cust->score;
			if (sup->score > cap) {
				sup->score = cap;
				changed = 1;
			}
		}
	}
}

static void rank(struct trace *t)
{
	size_t i, k;

	t->order = xmalloc((t->n + 1) * sizeof(*t->order));
	score_all(t);
	for (i = 0; i < t->n; i++) {
		struct node *nd = &t->nodes[i];

		if (nd->start)
			continue;
		make_path(t, nd);
		t->order[t->nranked++] = i;
	}
	sort_trace = t;
	ck_sort(t->order, t->nranked, sizeof(*t->order), cmp_rank);
	sort_trace = NULL;
	t->ranked = xcalloc(t->nranked + 1, sizeof(*t->ranked));
	for (k = 0; k < t->nranked; k++) {
		struct node *nd = &t->nodes[t->order[k]];
		struct trace_party *p = &t->ranked[k];
		int best = 0, j;

		for (j = 1; j < MAXCUR && nd->ncur[j]; j++)
			if (nd->ncur[j] > nd->ncur[best])
				best = j;
		p->id = nd->id;
		p->kind = nd->kind;
		p->name = nd->name;
		p->depth = nd->depth;
		p->flagged_sellers = nd->fs;
		p->networks = nd->nets;
		p->share_flagged = nd->share;
		p->inputs = nd->inputs;
		p->score = nd->score;
		p->quantity = nd->qty;
		p->value = nd->ncur[best] ? nd->val[best] : 0;
		p->currency = nd->ncur[best] ? t->strs[nd->cur[best]] : NULL;
		p->path = nd->path;
		nd->rank = (int)k + 1;
	}
}

void trace_opts_init(struct trace_opts *o)
{
	o->depth = 4;
	o->rank = TRACE_RANK_SPECIFIC;
	o->min_score = 50;
	o->max_holders = 20;
}

int trace_run(
	struct store *st, const struct leads *leads, const struct trace_opts *o, struct trace **out)
{
	struct trace *t = xcalloc(1, sizeof(*t));
	size_t i;
	int rc;

	*out = NULL;
	t->st = st;
	t->o = *o;
	load_inputs(t);
	ensure_indexes(t);
	/* screen writes scores(listing_id, seller_id, score, ...); an empty one says nothing. */
	t->scores_table = store_find_table(st, "scores", "listing_id", "score", "listings");
	if (t->scores_table && !table_has_rows(t, t->scores_table)) {
		free(t->scores_table);
		t->scores_table = NULL;
	}
	t->networks_table =
		store_find_table(st, "network_members", "network_id", "seller_id", NULL);
	if (t->networks_table && !table_has_rows(t, t->networks_table)) {
		free(t->networks_table);
		t->networks_table = NULL;
	}
	/*
	 * One read transaction for the whole walk: every seek sees the same state of the store,
	 * and the lock and the page cache are taken once instead of once per statement.
	 */
	if ((rc = store_begin_read(st)))
		goto fail;
	t->in_txn = 1;
	if ((rc = prepare_all(t)) || (rc = add_leads(t, leads)))
		goto fail;
	/* Nodes are appended in walk order, so the levels follow one another in the array. */
	for (i = 0; i < t->n && t->nodes[i].depth < t->o.depth; i++)
		if ((rc = expand(t, (int)i)))
			goto fail;
	if (t->no_sender)
		ck_info("%s no sender: not followed",
			ck_count(t->no_sender, "shipment names", "shipments name"));
	if ((rc = load_flagged(t)))
		goto fail;
	if ((rc = measure(t)))
		goto fail;
	count_reach(t);
	rank(t);
	if ((rc = store_commit(st)))
		goto fail;
	t->in_txn = 0;
	*out = t;
	return 0;
fail:
	trace_free(t);
	return rc;
}

size_t trace_count(const struct trace *t)
{
	return t->nranked;
}

const struct trace_party *trace_party_at(const struct trace *t, size_t i)
{
	return i < t->nranked ? &t->ranked[i] : NULL;
}

const char *trace_scores_table(const struct trace *t)
{
	return t->scores_table;
}

const char *trace_networks_table(const struct trace *t)
{
	return t->networks_table;
}

/* A DOT string literal, quotes included. */
static void dot_str(FILE *fp, const char *s)
{
	putc('"', fp);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			putc('\\', fp);
		if (*s == '\n')
			fputs("\\n", fp);
		else
			putc(*s, fp);
	}
	putc('"', fp);
}

static int cmp_edge(const void *a, const void *b)
{
	const struct edge *x = a, *y = b;

	if (x->from != y->from)
		return x->from - y->from;
	if (x->to != y->to)
		return x->to - y->to;
	if (x->kind != y->kind)
		return x->kind - y->kind;
	return x->tie - y->tie;
}

int trace_write_dot(const struct trace *t, FILE *fp)
{
	struct edge *e = xmalloc((t->ne + 1) * sizeof(*e));
	struct buf label = { 0 };
	size_t i, j;

	fputs("digraph upstream {\n\trankdir=LR;\n\tnode [shape=box, fontname=\"Helvetica\"];\n"
	      "\tedge [fontname=\"Helvetica\", fontsize=10];\n",
		fp);
	for (i = 0; i < t->n; i++) {
		const struct node *nd = &t->nodes[i];

		buf_reset(&label);
		buf_addf(&label, "%s\n%s", nd->id, nd->kind);
		if (nd->name)
			buf_addf(&label, "\n%s", nd->name);
		if (!nd->start)
			buf_addf(&label, "\nrank %d, share %.2f", nd->rank, nd->share);
		fputc('\t', fp);
		dot_str(fp, nd->id);
		fputs(" [label=", fp);
		dot_str(fp, label.s);
		if (nd->start)
			fputs(", shape=doubleoctagon, style=filled, fillcolor=\"#f4cccc\"", fp);
		else if (nd->rank <= 3)
			fputs(", style=\"filled,bold\", fillcolor=\"#fff2cc\"", fp);
		fputs("];\n", fp);
	}
	/* Shipments between the same two nodes become one arrow with their count and quantity. */
	memcpy(e, t->edges, t->ne * sizeof(*e));
	ck_sort(e, t->ne, sizeof(*e), cmp_edge);
	for (i = 0; i < t->ne; i = j) {
		long long n = 0, qty = 0;

		for (j = i; j < t->ne && cmp_edge(&e[i], &e[j]) == 0; j++) {
			n++;
			qty += e[j].qty;
		}
		buf_reset(&label);
		if (e[i].kind == EDGE_TIE)
			buf_addf(&label, "shares %s", t->strs[e[i].tie]);
		else
			buf_addf(&label, "%lld %s%s, qty %lld", n,
				e[i].kind == EDGE_SHIP ? "shipment" : "order", n == 1 ? "" : "s",
				qty);
		fputc('\t', fp);
		dot_str(fp, t->nodes[e[i].from].id);
		fputs(" -> ", fp);
		dot_str(fp, t->nodes[e[i].to].id);
		fputs(" [label=", fp);
		dot_str(fp, label.s);
		if (e[i].kind == EDGE_TIE)
			fputs(", style=dashed, dir=none", fp);
		fputs("];\n", fp);
	}
	fputs("}\n", fp);
	free(e);
	buf_free(&label);
	return ferror(fp) ? ck_error(EX_IOERR, "cannot write: %s", strerror(errno)) : 0;
}

static void tree_line(const struct trace *t, FILE *fp, int v, int via, const char *prefix, int last,
	int **kids, int **kvia, int *nkids, unsigned char *shown)
{
	const struct node *nd = &t->nodes[v];
	struct buf pre = { 0 };
	int i, again = !nd->start && shown[v];

	if (nd->start) {
		fprintf(fp, "%s %s", nd->kind, nd->id);
	} else {
		fprintf(fp, "%s%s", prefix, last ? "`-- " : "|-- ");
		if (via != NONE && t->edges[via].kind == EDGE_TIE)
			fprintf(fp, "[shares %s] ", t->strs[t->edges[via].tie]);
		else if (via != NONE && t->edges[via].kind == EDGE_ORDER)
			fputs("[sold to] ", fp);
		fprintf(fp, "%s %s", nd->id, nd->kind);
	}
	if (nd->name)
		fprintf(fp, " \"%s\"", nd->name);
	if (again)
		fprintf(fp, " (rank %d, see above)", nd->rank);
	else if (!nd->start)
		fprintf(fp, " (rank %d, %d flagged, share %.2f)", nd->rank, nd->fs, nd->share);
	fputc('\n', fp);
	if (again)
		return;
	shown[v] = 1;
	buf_adds(&pre, prefix);
	if (!nd->start)
		buf_adds(&pre, last ? "    " : "|   ");
	for (i = 0; i < nkids[v]; i++)
		tree_line(t, fp, kids[v][i], kvia[v][i], pre.s ? pre.s : "", i == nkids[v] - 1,
			kids, kvia, nkids, shown);
	buf_free(&pre);
}

/*
 * Every lead at a root with all its suppliers under it, and theirs under them; a node met a
 * second time (a warehouse that serves twenty sellers) is named with its rank and not
 * unfolded again.
 */
int trace_write_tree(const struct trace *t, FILE *fp)
{
	int **kids = xcalloc(t->n + 1, sizeof(*kids)), **kvia = xcalloc(t->n + 1, sizeof(*kvia)),
	    *nkids = xcalloc(t->n + 1, sizeof(int));
	unsigned char *shown = xcalloc(t->n + 1, 1);
	size_t i;

	/* Suppliers in rank order, so the strongest lead comes first under each node. */
	for (i = 0; i < t->n; i++) {
		int j, m, n = 0;

		for (j = t->in_off[i]; j < t->in_off[i + 1]; j++) {
			int e = t->in_edge[j], u = t->edges[e].from;

			if (t->nodes[u].start)
				continue; /* a lead is a root of its own */
			for (m = 0; m < n && kids[i][m] != u; m++)
				;
			if (m < n)
				continue;
			kids[i] = xrealloc(kids[i], (size_t)(n + 1) * sizeof(int));
			kvia[i] = xrealloc(kvia[i], (size_t)(n + 1) * sizeof(int));
			/* Insertion by rank: a node has few suppliers. */
			for (m = n; m > 0 && t->nodes[kids[i][m - 1]].rank > t->nodes[u].rank;
				m--) {
				kids[i][m] = kids[i][m - 1];
				kvia[i][m] = kvia[i][m - 1];
			}
			kids[i][m] = u;
			kvia[i][m] = e;
			n++;
		}
		nkids[i] = n;
	}
	for (i = 0; i < t->n; i++)
		if (t->nodes[i].start)
			tree_line(t, fp, (int)i, NONE, "", 1, kids, kvia, nkids, shown);
	for (i = 0; i < t->n; i++) {
		free(kids[i]);
		free(kvia[i]);
	}
	free(kids);
	free(kvia);
	free(nkids);
	free(shown);
	return ferror(fp) ? ck_error(EX_IOERR, "cannot write: %s", strerror(errno)) : 0;
}

void trace_free(struct trace *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->nodes[i].id);
		free(t->nodes[i].name);
		free(t->nodes[i].path);
	}
	for (i = 0; i < t->nstrs; i++)
		free(t->strs[i]);
	for (i = 0; i < t->nflagged; i++)
		free(t->flagged_keys[i]);
	store_done(t->q_ship);
	store_done(t->q_order);
	store_done(t->q_ids_of);
	store_done(t->q_holders);
	store_done(t->q_party);
	store_done(t->q_seller);
	store_done(t->q_out_ship);
	store_done(t->q_out_order);
	store_done(t->q_net_of);
	if (t->in_txn)
		store_rollback(t->st);
	free(t->nodes);
	free(t->edges);
	free(t->strs);
	free(t->flagged_keys);
	for (i = 0; i < t->nhub_keys; i++)
		free(t->hub_keys[i]);
	free(t->hub_keys);
	strmap_free(&t->hubs);
	for (i = 0; i < t->ninwords; i++)
		free(t->inwords[i]);
	free(t->inwords);
	strmap_free(&t->ids);
	strmap_free(&t->flagged);
	free(t->in_off);
	free(t->in_edge);
	free(t->order);
	free(t->ranked);
	free(t->scores_table);
	free(t->networks_table);
	free(t);
}
