/* screen_run.c - a screening run over the store: score and store, explain, stream */
#include "casekit.h"
#include "ingest.h"
#include "leads.h"
#include "output.h"
#include "progress.h"
#include "screen.h"
#include "screen_run.h"
#include "store.h"
#include <pthread.h>

/* Test-buy verdicts that mean the goods were not genuine. */
#define FAILED_VERDICTS \
	"('counterfeit','fake','failed','fail','not genuine','not_genuine','infringing')"

/* One pass over the listings; a seller's facts are looked up when the seller changes. */
static const char listing_sql[] =
	"SELECT l.listing_id, l.seller_id, l.title, l.brand, l.category, l.price, l.currency,\n"
	"  l.created_at, l.image_text\n"
	"FROM listings l\n";
/*
 * On Citus the same with the seller's registration time, from the seller's own shard (sellers
 * and listings are co-located): one query a seller from casekit, each a round trip to a
 * worker, cost more than the scoring.
 */
static const char listing_citus_sql[] =
	"SELECT l.listing_id, l.seller_id, l.title, l.brand, l.category, l.price, l.currency,\n"
	"  l.created_at, l.image_text, s.registered_at\n"
	"FROM listings l LEFT JOIN sellers s ON s.seller_id = l.seller_id\n";

/* Failed test buys, per listing and per seller; few, so they are read once into memory. */
static const char fails_sql[] =
	"SELECT t.listing_id, max(l.seller_id), count(*) FROM testbuys t\n"
	"  LEFT JOIN listings l ON l.listing_id = t.listing_id\n"
	"WHERE lower(trim(t.verdict)) IN " FAILED_VERDICTS " AND t.listing_id IS NOT NULL\n"
	"GROUP BY t.listing_id";
/*
 * On Citus the outer join of a reference table (testbuys) with a distributed one on a column
 * that does not place its rows copies every listing to the coordinator: there only the
 * listings test-bought are asked of the workers, and joined after.
 */
static const char fails_citus_sql[] =
	"SELECT t.listing_id, max(l.seller_id), count(*) FROM testbuys t\n"
	"  LEFT JOIN (SELECT listing_id, seller_id FROM listings WHERE listing_id IN\n"
	"    (SELECT listing_id FROM testbuys)) l ON l.listing_id = t.listing_id\n"
	"WHERE lower(trim(t.verdict)) IN " FAILED_VERDICTS " AND t.listing_id IS NOT NULL\n"
	"GROUP BY t.listing_id";

/* Counts by id: pushed in any order, then sorted with equal ids summed (tally_done). */
struct tally {
	char *id;
	int n;
};

struct tallies {
	struct tally *v;
	size_t n, cap;
};

struct screen_run {
	struct store *st;
	struct screen *sc;
	int min_score, have_network, restricted;
	int reg_in_row; /* the listings' query gives their seller's registration time */
	long long scored, nflagged, run_id;
	long long listed;       /* rows printed: at or above --min-score */
	struct tallies lf, sf;  /* failed test buys by listing and by seller */
	struct store_stmt *reg; /* a seller's registration time */
	struct buf seller;      /* the last seller looked up, */
	struct buf regd;        /* its registration time, */
	int has_reg, failed;    /* and its failed test buys */
	/* --stream: the network signal from the store's last run */
	struct store_stmt *net; /* a seller's network */
	struct buf netid;       /* the last seller's network, */
	int has_net;            /* if it has one */
	struct tallies nt, ns;  /* flagged own listings by network and by seller */
	const char *net_note;   /* why the network signal is not checked, or NULL */
	int ready;              /* the market prices and failed test buys are read */
};

static int market_pass(struct screen_run *r)
{
	struct store_stmt *q;
	int rc;

	if (!(q = store_prepare(r->st,
		      "SELECT brand, category, currency, price FROM listings "
		      "WHERE brand IS NOT NULL AND price > 0")))
		return EX_SOFTWARE;
	while ((rc = store_step(q)) == STORE_ROW)
		screen_market_add(r->sc, store_col_text(q, 0), store_col_text(q, 1),
			store_col_text(q, 2), store_col_int(q, 3));
	store_done(q);
	if (rc)
		return rc;
	screen_market_done(r->sc);
	return 0;
}

/* The listings asked for, in temp.want; 0, or an EX_ code. */
static int want_leads(struct screen_run *r, const struct leads *l)
{
	struct store_stmt *il, *is;
	size_t i;
	int rc = 0;

	if ((rc = store_exec(r->st,
		     "CREATE TEMP TABLE IF NOT EXISTS want(listing_id TEXT PRIMARY KEY);"
		     " DELETE FROM temp.want")))
		return rc;
	il = store_prepare(r->st, "INSERT OR IGNORE INTO temp.want VALUES(?1)");
	is = store_prepare(r->st,
		"INSERT OR IGNORE INTO temp.want SELECT listing_id FROM listings "
		"WHERE seller_id = ?1");
	if (!il || !is)
		rc = EX_SOFTWARE;
	for (i = 0; i < l->n && !rc; i++) {
		struct store_stmt *q = strcmp(l->v[i].kind, "seller") == 0 ? is : il;

		store_bind_text(q, 1, l->v[i].id);
		rc = store_step(q);
		store_reset(q);
	}
	store_done(il);
	store_done(is);
	return rc;
}

static int tally_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->id, ((const struct tally *)b)->id);
}

static void tally_push(struct tallies *t, const char *id, int k)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n].id = xstrdup(id ? id : "");
	t->v[t->n++].n = k;
}

/* Sort by id, one entry per id with the sum of its counts. */
static void tally_done(struct tallies *t)
{
	size_t i, j;

	ck_sort(t->v, t->n, sizeof(*t->v), tally_cmp);
	for (i = 0, j = 0; i < t->n; i++) {
		if (j > 0 && strcmp(t->v[j - 1].id, t->v[i].id) == 0) {
			t->v[j - 1].n += t->v[i].n;
			free(t->v[i].id);
		} else {
			t->v[j++] = t->v[i];
		}
	}
	t->n = j;
}

static int tally_get(const struct tallies *t, const char *id)
{
	struct tally key = { (char *)id, 0 }, *f;

	if (!t->n || !id)
		return 0;
	f = bsearch(&key, t->v, t->n, sizeof(*t->v), tally_cmp);
	return f ? f->n : 0;
}

/* Rows (a, b, count) of q, given back here, counted into ta by a and tb by b; 0 or an EX_ code. */
static int tally_rows(struct store_stmt *q, struct tallies *ta, struct tallies *tb)
{
	int rc;

	while ((rc = store_step(q)) == STORE_ROW) {
		tally_push(ta, store_col_text(q, 0), (int)store_col_int(q, 2));
		tally_push(tb, store_col_text(q, 1), (int)store_col_int(q, 2));
	}
	store_done(q);
	if (rc)
		return rc;
	tally_done(ta);
	tally_done(tb);
	return 0;
}

static void tally_free(struct tallies *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->v[i].id);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

static int load_fails(struct screen_run *r)
{
	struct store_stmt *q =
		store_prepare(r->st, store_is_distributed(r->st) ? fails_citus_sql : fails_sql);

	return q ? tally_rows(q, &r->lf, &r->sf) : EX_SOFTWARE;
}

static void run_free(struct screen_run *r)
{
	tally_free(&r->lf);
	tally_free(&r->sf);
	tally_free(&r->nt);
	tally_free(&r->ns);
	store_done(r->reg);
	store_done(r->net);
	buf_free(&r->seller);
	buf_free(&r->regd);
	buf_free(&r->netid);
}

/*
 * The facts of the listing's seller, looked up once for a run of listings of one seller (a
 * dump lists a shop's listings together): cheaper than a join on every listing.
 */
static void seller_facts(
	struct screen_run *r, const char *id, struct screen_seller *f, struct store_stmt *row)
{
	if (!id)
		id = "";
	if (!r->seller.s || strcmp(r->seller.s, id) != 0) {
		buf_reset(&r->seller);
		buf_adds(&r->seller, id);
		buf_reset(&r->regd);
		r->has_reg = 0;
		if (row && r->reg_in_row) {
			if (store_col_type(row, 9) != STORE_NULL) {
				buf_adds(&r->regd, store_col_text(row, 9));
				r->has_reg = 1;
			}
		} else {
			store_bind_text(r->reg, 1, id);
			if (store_step(r->reg) == STORE_ROW &&
				store_col_type(r->reg, 0) != STORE_NULL) {
				buf_adds(&r->regd, store_col_text(r->reg, 0));
				r->has_reg = 1;
			}
			store_reset(r->reg);
		}
		r->failed = tally_get(&r->sf, id);
		if (r->net) {
			buf_reset(&r->netid);
			store_bind_text(r->net, 1, id);
			r->has_net = store_step(r->net) == STORE_ROW;
			if (r->has_net)
				buf_adds(&r->netid, store_col_text(r->net, 0));
			store_reset(r->net);
		}
	}
	f->registered_at = r->has_reg ? r->regd.s : NULL;
	f->failed_seller = r->failed;
}

static void row_listing(struct screen_run *r, struct store_stmt *q, struct screen_listing *l,
	struct screen_seller *f)
{
	memset(l, 0, sizeof(*l));
	l->listing_id = store_col_text(q, 0);
	l->seller_id = store_col_text(q, 1);
	l->title = store_col_text(q, 2);
	l->brand = store_col_text(q, 3);
	l->category = store_col_text(q, 4);
	l->has_price = store_col_type(q, 5) == STORE_INT;
	l->price = store_col_int(q, 5);
	l->currency = store_col_text(q, 6);
	l->created_at = store_col_text(q, 7);
	l->image_text = store_col_text(q, 8);
	seller_facts(r, l->seller_id, f, q);
	f->failed_listing = tally_get(&r->lf, l->listing_id);
	f->failed_seller -= f->failed_listing;
	f->network_flagged = -1;
	f->network_id = NULL;
	f->network_note = "no link results in the store (run 'casekit link')";
}

/* own: the own scores of listings of sellers in networks; nf: flagged ones per network and
 * seller; nt: per network. ?1 is the flag threshold. */
#define NETWORK_CTE \
	"WITH own AS (SELECT sc.listing_id, sc.seller_id,\n" \
	"    sc.score - coalesce(sn.points, 0) AS score FROM network_members nm\n" \
	"    JOIN scores sc ON sc.seller_id = nm.seller_id\n" \
	"    LEFT JOIN score_network sn ON sn.listing_id = sc.listing_id),\n" \
	"  nf AS (SELECT m.network_id, o.seller_id, count(*) AS n FROM own o\n" \
	"    JOIN network_members m ON m.seller_id = o.seller_id\n" \
	"    WHERE o.score >= ?1 GROUP BY m.network_id, o.seller_id),\n" \
	"  nt AS (SELECT network_id, sum(n) AS tot FROM nf GROUP BY network_id)\n"

/*
 * Flagged listings of other accounts in each listing's network. Only own scores count (the
 * score less what the network signal added, kept in score_network), so a rerun never feeds on
 * its own output. own is the listings of sellers in networks (a few in a hundred), read
 * through scores(seller_id): SQLite holds it while the query runs, so not every score.
 */
static const char network_sql[] = NETWORK_CTE
	"SELECT o.listing_id, m.network_id, nt.tot - coalesce(nf.n, 0) AS others, o.score,\n"
	"  o.seller_id\n"
	"FROM own o JOIN network_members m ON m.seller_id = o.seller_id\n"
	"  JOIN nt ON nt.network_id = m.network_id\n"
	"  LEFT JOIN nf ON nf.network_id = m.network_id AND nf.seller_id = o.seller_id\n"
	"WHERE nt.tot - coalesce(nf.n, 0) > 0 AND (?2 IS NULL OR o.listing_id = ?2)\n"
	"  AND (?3 = 0 OR o.listing_id IN (SELECT listing_id FROM temp.want))\n"
	"  AND o.listing_id NOT IN (SELECT listing_id FROM score_network)\n"
	"ORDER BY o.listing_id";

struct netadd {
	char *listing_id, *network_id, *seller_id;
	long long others;
	int own;
};

#define NET_BATCH 256 /* listings a statement of write_network_citus() writes */

/*
 * Write the network signal of v[0..n) on Citus, NET_BATCH listings a statement, not two
 * statements a listing: each of those is a round trip to a worker for scores, and a
 * distributed transaction over every node for score_network (a reference table). A listing
 * id met again (ordered, so next to the first) starts a new batch, so that the later row
 * wins as it does one by one. (others goes in as text: Citus refuses a STABLE function,
 * such as text || integer, over a column in an UPDATE.) 0 or an EX_ code.
 */
static int write_network_citus(
	struct screen_run *r, const struct netadd *v, size_t n, int pts, int flag)
{
	struct buf up = { 0 }, ins = { 0 };
	struct store_stmt *su, *si;
	size_t i = 0, j, k;
	int rc = 0;

	while (i < n && !rc) {
		for (j = i + 1; j < n && j - i < NET_BATCH; j++)
			if (strcmp(v[j].listing_id, v[j - 1].listing_id) == 0)
				break;
		buf_reset(&up);
		buf_reset(&ins);
		buf_adds(&up,
			"UPDATE scores sc SET score = x.score, flagged = CASE WHEN x.score >= ?1 "
			"THEN 1 ELSE 0 END, reasons = ltrim(sc.reasons || ' network:' || "
			"x.network_id || '(' || x.others || ')') FROM (VALUES ");
		buf_adds(&ins, "INSERT OR REPLACE INTO score_network VALUES ");
		for (k = i; k < j; k++) {
			unsigned b = 2 + 5 * (unsigned)(k - i);

			buf_addf(&up, "%s(?%u, ?%u, CAST(?%u AS INTEGER), ?%u, CAST(?%u AS TEXT))",
				k > i ? ", " : "", b, b + 1, b + 2, b + 3, b + 4);
			buf_addf(&ins, "%s(?%u, ?%u, CAST(?%u AS INTEGER), CAST(?%u AS INTEGER))",
				k > i ? ", " : "", b, b + 3, b + 4, b + 2);
		}
		buf_adds(&up,
			") AS x(listing_id, seller_id, score, network_id, others) WHERE "
			"sc.seller_id = x.seller_id AND sc.listing_id = x.listing_id");
		if (!(su = store_prepare(r->st, up.s)) || !(si = store_prepare(r->st, ins.s))) {
			store_done(su);
			rc = EX_SOFTWARE;
			break;
		}
		store_bind_int(su, 1, flag);
		for (k = i; k < j; k++) {
			unsigned b = 2 + 5 * (unsigned)(k - i);
			int score = v[k].own + pts > 100 ? 100 : v[k].own + pts;

			store_bind_text(su, (int)b, v[k].listing_id);
			store_bind_text(su, (int)b + 1, v[k].seller_id);
			store_bind_int(su, (int)b + 2, score);
			store_bind_text(su, (int)b + 3, v[k].network_id);
			store_bind_int(su, (int)b + 4, v[k].others);
			store_bind_text(si, (int)b, v[k].listing_id);
			store_bind_int(si, (int)b + 2, score - v[k].own);
			store_bind_text(si, (int)b + 3, v[k].network_id);
			store_bind_int(si, (int)b + 4, v[k].others);
			if (v[k].own < flag && score >= flag)
				r->nflagged++; /* the network signal flagged it */
		}
		if (!(rc = store_run(su)))
			rc = store_run(si);
		else
			store_done(si);
		i = j;
	}
	buf_free(&up);
	buf_free(&ins);
	return rc;
}

/*
 * Add the network signal to the listings this run scored (their score_network rows were
 * dropped when they were scored). The additions are read first and written after, so that
 * none of them changes what the others count. 0 or an EX_ code.
 */
static int network_pass(struct screen_run *r)
{
	struct store_stmt *q, *up = NULL, *ins = NULL;
	int rc, pts = screen_network_points(r->sc), flag = screen_flag_threshold(r->sc);
	struct netadd *v = NULL;
	size_t n = 0, cap = 0, i;

	if (!r->have_network || pts <= 0)
		return 0;
	if (!(q = store_prepare(r->st, network_sql)))
		return EX_SOFTWARE;
	store_bind_int(q, 1, flag);
	store_bind_null(q, 2);
	store_bind_int(q, 3, r->restricted);
	while ((rc = store_step(q)) == STORE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xrealloc(v, cap * sizeof(*v));
		}
		v[n].listing_id = xstrdup(store_col_text(q, 0));
		v[n].network_id = xstrdup(store_col_text(q, 1));
		v[n].others = store_col_int(q, 2);
		v[n].own = (int)store_col_int(q, 3);
		v[n].seller_id = xstrdup(store_col_text(q, 4));
		n++;
	}
	store_done(q);
	if (rc)
		goto out;
	/* Citus writes them in batches (write_network_citus()), the others a listing at a time */
	if (!store_is_distributed(r->st) &&
		(!(up = store_prepare(r->st,
			   "UPDATE scores SET score = ?2, flagged = CASE WHEN ?2 >= ?3 THEN 1 "
			   "ELSE 0 END,\n  reasons = ltrim(reasons || ' network:' || ?4 || '(' || "
			   "CAST(?5 AS TEXT) || ')')\nWHERE listing_id = ?1")) ||
			!(ins = store_prepare(r->st,
				  "INSERT OR REPLACE INTO score_network VALUES(?1, ?2, ?3, ?4)")))) {
		rc = EX_SOFTWARE;
		goto out;
	}
	if ((rc = store_begin(r->st)))
		goto out;
	if (!up)
		rc = write_network_citus(r, v, n, pts, flag);
	for (i = 0; i < n && !rc && up; i++) {
		int score = v[i].own + pts > 100 ? 100 : v[i].own + pts;

		store_bind_text(up, 1, v[i].listing_id);
		store_bind_int(up, 2, score);
		store_bind_int(up, 3, flag);
		store_bind_text(up, 4, v[i].network_id);
		store_bind_int(up, 5, v[i].others);
		store_bind_text(ins, 1, v[i].listing_id);
		store_bind_text(ins, 2, v[i].network_id);
		store_bind_int(ins, 3, v[i].others);
		store_bind_int(ins, 4, score - v[i].own);
		if ((rc = store_step(up)) || (rc = store_step(ins)))
			rc = rc == STORE_ROW ? EX_SOFTWARE : rc;
		else if (v[i].own < flag && score >= flag)
			r->nflagged++; /* the network signal flagged it */
		store_reset(up);
		store_reset(ins);
	}
	if (!rc)
		rc = store_commit(r->st);
	if (rc)
		store_rollback(r->st);
out:
	for (i = 0; i < n; i++) {
		free(v[i].listing_id);
		free(v[i].network_id);
		free(v[i].seller_id);
	}
	free(v);
	store_done(up);
	store_done(ins);
	return rc;
}

/* The same for --explain: the listing's own score_network row does not hide it. */
static const char explain_network_sql[] = NETWORK_CTE
	"SELECT l.listing_id, m.network_id, nt.tot - coalesce(nf.n, 0) AS others\n"
	"FROM listings l JOIN network_members m ON m.seller_id = l.seller_id\n"
	"  JOIN nt ON nt.network_id = m.network_id\n"
	"  LEFT JOIN nf ON nf.network_id = m.network_id AND nf.seller_id = l.seller_id\n"
	"WHERE l.listing_id = ?2 AND ?3 = 0";

/* The network facts of one listing, for --explain (needs its own score stored). */
static void network_facts(
	struct screen_run *r, const char *id, struct screen_seller *f, char **netid)
{
	struct store_stmt *q;

	if (!r->have_network)
		return;
	f->network_flagged = 0;
	f->network_note = NULL;
	if ((q = store_prepare(r->st,
		     "SELECT network_id FROM network_members m JOIN listings l USING(seller_id) "
		     "WHERE l.listing_id = ?1"))) {
		store_bind_text(q, 1, id);
		if (store_step(q) == STORE_ROW)
			*netid = xstrdup(store_col_text(q, 0));
		store_done(q);
	}
	f->network_id = *netid;
	if (!store_has_rows(r->st, "SELECT 1 FROM scores LIMIT 1"))
		f->network_note = "no scores stored yet: run 'casekit screen' first";
	if ((q = store_prepare(r->st, explain_network_sql))) {
		store_bind_int(q, 1, screen_flag_threshold(r->sc));
		store_bind_text(q, 2, id);
		store_bind_int(q, 3, 0);
		if (store_step(q) == STORE_ROW)
			f->network_flagged = (int)store_col_int(q, 2);
		store_done(q);
	}
	if (f->network_note)
		f->network_flagged = -1;
}

/*
 * What a full run's scores depend on besides the rules (whose digest the run keeps): the
 * sources loaded (each ingest adds one), the link runs, and the rows of the tables a score
 * reads, counted with their last rowid (so that rows written around casekit count too). The
 * run id leads, so that the text names one run. malloc'd, or NULL when a table is missing.
 */
static char *inputs(struct screen_run *r)
{
	struct store_stmt *q;
	char *v = NULL;

	if (!store_table_exists(r->st, "link_runs") ||
		!store_table_exists(r->st, "network_members"))
		return NULL;
	if (!(q = store_prepare(r->st,
		      "SELECT ?1 || ' sources ' || (SELECT count(*) || '.' || coalesce(max(source_id), 0)"
		      " FROM sources) || ' link ' || (SELECT coalesce(max(run_id), 0) FROM link_runs)"
		      " || ' listings ' || (SELECT count(*) || '.' || coalesce(max(rowid), 0) FROM listings)"
		      " || ' sellers ' || (SELECT count(*) || '.' || coalesce(max(rowid), 0) FROM sellers)"
		      " || ' testbuys ' || (SELECT count(*) || '.' || coalesce(max(rowid), 0) FROM testbuys)"
		      " || ' networks ' || (SELECT count(*) || '.' || coalesce(max(rowid), 0)"
		      " FROM network_members)")))
		return NULL;
	store_bind_int(q, 1, r->run_id);
	if (store_step(q) == STORE_ROW)
		v = xstrdup(store_col_text(q, 0));
	store_done(q);
	return v;
}

/* Keep the inputs of a full run (meta.screen_inputs), for screen_run_reuse(). */
static int note_inputs(struct screen_run *r)
{
	char *v = inputs(r);
	int rc = v ? store_meta_set(r->st, "screen_inputs", v) : 0;

	free(v);
	return rc;
}

/* Record the run (its rules digest, time and scope) and set r->run_id; 0 or an EX_ code. */
static int start_run(struct screen_run *r, const char *now)
{
	struct store_stmt *q;
	int rc;

	if (!(q = store_prepare(r->st,
		      "INSERT INTO screen_runs(rules_digest, started_at, scope) "
		      "VALUES(?1, ?2, ?3)")))
		return EX_SOFTWARE;
	store_bind_text(q, 1, screen_digest(r->sc));
	store_bind_text(q, 2, now);
	store_bind_text(q, 3, r->restricted ? "some" : "all");
	rc = store_run(q);
	r->run_id = store_last_rowid(r->st);
	return rc;
}

/*
 * A run reads listings and writes scores on this thread and scores them on another, so the
 * two halves overlap: listings go through a ring of slots, in order. A slot holds its
 * listings' strings (in) and their reasons (out) in two arenas, by offset.
 */
#define BATCH 32      /* rows a full run's INSERT statement writes */
#define SLOT_ROWS 256 /* listings a slot holds, a multiple of BATCH */
#define RING 4        /* slots */
#define NFIELDS 9     /* strings an item keeps */

enum { SLOT_FREE, SLOT_FILLED, SLOT_DONE, SLOT_END };

struct item {
	struct screen_listing l;
	struct screen_seller f;
	size_t off[NFIELDS]; /* of the strings in the slot's in arena; SIZE_MAX for NULL */
	int score, flagged;
	const char *brand; /* owned by the screen */
	size_t reasons;    /* offset in the slot's out arena */
};

struct slot {
	struct item it[SLOT_ROWS];
	int n, state;
	struct buf in, out;
};

struct ring {
	struct slot slot[RING];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct screen *sc;
};

/* The string fields of an item, in the order of its offsets. */
static void item_fields(struct item *it, const char **f[NFIELDS])
{
	f[0] = &it->l.listing_id;
	f[1] = &it->l.seller_id;
	f[2] = &it->l.title;
	f[3] = &it->l.brand;
	f[4] = &it->l.category;
	f[5] = &it->l.currency;
	f[6] = &it->l.created_at;
	f[7] = &it->l.image_text;
	f[8] = &it->f.registered_at;
}

static int slot_wait(struct ring *g, struct slot *s, int a, int b)
{
	int st;

	pthread_mutex_lock(&g->mu);
	while (s->state != a && s->state != b)
		pthread_cond_wait(&g->cv, &g->mu);
	st = s->state;
	pthread_mutex_unlock(&g->mu);
	return st;
}

static void slot_set(struct ring *g, struct slot *s, int state)
{
	pthread_mutex_lock(&g->mu);
	s->state = state;
	pthread_cond_broadcast(&g->cv);
	pthread_mutex_unlock(&g->mu);
}

/* The scoring thread: each filled slot in turn, until the end. */
static void *scorer(void *arg)
{
	struct ring *g = arg;
	struct screen_result res = { 0 };
	long i;
	int k;

	for (i = 0;; i++) {
		struct slot *s = &g->slot[i % RING];

		if (slot_wait(g, s, SLOT_FILLED, SLOT_END) == SLOT_END)
			break;
		for (k = 0; k < s->n; k++) {
			struct item *it = &s->it[k];

			screen_score(g->sc, &it->l, &it->f, &res);
			it->score = res.score;
			it->flagged = res.flagged;
			it->brand = res.brand;
			it->reasons = s->out.len;
			buf_add(&s->out, res.reasons.s, res.reasons.len + 1);
		}
		slot_set(g, s, SLOT_DONE);
	}
	screen_result_free(&res);
	return NULL;
}

/*
 * Read up to SLOT_ROWS listings into s; the number read (0 at the end), *rc set on error.
 * *eof is set when q is done: a step past the end would run it again.
 */
static int slot_fill(struct screen_run *r, struct store_stmt *q, struct slot *s, int *eof, int *rc)
{
	const char **f[NFIELDS];
	int k, j;

	s->n = 0;
	buf_reset(&s->in);
	buf_reset(&s->out);
	while (!*eof && s->n < SLOT_ROWS) {
		struct item *it = &s->it[s->n];
		int step = store_step(q);

		if (step == STORE_DONE) {
			*eof = 1;
			break;
		}
		if (step != STORE_ROW) {
			*rc = step;
			break;
		}
		row_listing(r, q, &it->l, &it->f);
		item_fields(it, f);
		for (j = 0; j < NFIELDS; j++) {
			it->off[j] = *f[j] ? s->in.len : SIZE_MAX;
			if (*f[j])
				buf_add(&s->in, *f[j], strlen(*f[j]) + 1);
		}
		s->n++;
	}
	/* the arena has its final place now */
	for (k = 0; k < s->n; k++) {
		item_fields(&s->it[k], f);
		for (j = 0; j < NFIELDS; j++)
			*f[j] = s->it[k].off[j] == SIZE_MAX ? NULL : s->in.s + s->it[k].off[j];
	}
	return *rc ? 0 : s->n;
}

/* Bind item it as row b (0-based) of an INSERT of 7 values a row. */
static void bind_item(struct screen_run *r, struct store_stmt *st, int b, const struct slot *s,
	const struct item *it)
{
	b *= 7;
	store_bind_text(st, b + 1, it->l.listing_id);
	store_bind_text(st, b + 2, it->l.seller_id);
	store_bind_int(st, b + 3, it->score);
	store_bind_int(st, b + 4, it->flagged);
	store_bind_text(st, b + 5, it->brand);
	store_bind_text(st, b + 6, s->out.s + it->reasons);
	store_bind_int(st, b + 7, r->run_id);
}

/*
 * Write a scored slot: in bulk where the store loads so (a server's COPY), else BATCH rows a
 * statement (many) where it can, else one row with ins (and, in a restricted run, the
 * listing's old network points dropped with del).
 */
static int slot_write(struct screen_run *r, struct slot *s, struct store_stmt *ins,
	struct store_stmt *del, struct store_stmt *many, struct store_load *load)
{
	int k = 0, j, rc;

	for (; load && k < s->n; k++) {
		const struct item *it = &s->it[k];
		const char *reasons = s->out.s + it->reasons;

		store_load_textz(load, it->l.listing_id);
		store_load_textz(load, it->l.seller_id);
		store_load_int(load, it->score);
		store_load_int(load, it->flagged);
		store_load_textz(load, it->brand);
		store_load_textz(load, reasons);
		store_load_int(load, r->run_id);
		store_load_row(load);
	}
	if (load && (rc = store_load_flush(load, NULL, 0)))
		return rc;
	for (; many && k + BATCH <= s->n; k += BATCH) {
		for (j = 0; j < BATCH; j++)
			bind_item(r, many, j, s, &s->it[k + j]);
		rc = store_step(many);
		store_reset(many);
		if (rc)
			return rc == STORE_ROW ? EX_SOFTWARE : rc;
	}
	for (; k < s->n; k++) {
		bind_item(r, ins, 0, s, &s->it[k]);
		store_bind_text(del, 1, s->it[k].l.listing_id);
		if (!(rc = store_step(ins)) && r->restricted)
			rc = store_step(del);
		store_reset(ins);
		store_reset(del);
		if (rc)
			return rc == STORE_ROW ? EX_SOFTWARE : rc;
	}
	r->scored += s->n;
	for (k = 0; k < s->n; k++)
		r->nflagged += s->it[k].flagged;
	return 0;
}

/* Score the listings asked for (or all) and store the scores, in one transaction. */
static int score_all(struct screen_run *r)
{
	/* the statements that drop the indexes of scores and make them again */
	struct buf drop = { 0 }, make = { 0 };
	struct store_stmt *q = NULL, *ins = NULL, *del = NULL, *many = NULL;
	struct store_load *load = NULL;
	struct progress *pg;
	struct ring *g;
	pthread_t th;
	char *sql, now[21];
	int rc, i, eof = 0;
	long n, k;

	sql = xasprintf("%s%s", r->reg_in_row ? listing_citus_sql : listing_sql,
		r->restricted ? "WHERE l.listing_id IN (SELECT listing_id FROM temp.want)" : "");
	q = store_prepare(r->st, sql);
	free(sql);
	if (!q)
		return EX_SOFTWARE;
	/* A full run writes into emptied tables: no row to replace, no statement journal. */
	if (!(ins = store_prepare(r->st,
		      r->restricted
			      ? "INSERT OR REPLACE INTO scores(listing_id, seller_id, score, flagged,\n"
				"  brand, reasons, run_id) VALUES(?, ?, ?, ?, ?, ?, ?)"
			      : "INSERT INTO scores(listing_id, seller_id, score, flagged,\n"
				"  brand, reasons, run_id) VALUES(?, ?, ?, ?, ?, ?, ?)")) ||
		!(del = store_prepare(r->st, "DELETE FROM score_network WHERE listing_id = ?1"))) {
		rc = EX_SOFTWARE;
		goto out;
	}
	/* a full run writes into emptied tables: nothing to replace */
	if (!r->restricted)
		load = store_load_new(r->st, "scores",
			"listing_id, seller_id, score, flagged, brand, reasons, run_id", NULL);
	if (!r->restricted && !load) {
		struct buf b = { 0 };

		buf_adds(&b,
			"INSERT INTO scores(listing_id, seller_id, score, flagged, brand, reasons,\n"
			"  run_id) VALUES");
		for (i = 0; i < BATCH; i++)
			buf_adds(&b, i ? ",(?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?)");
		many = store_prepare(r->st, b.s);
		buf_free(&b);
		if (!many) {
			rc = EX_SOFTWARE;
			goto out;
		}
	}
	ck_now_iso(now);
	/* (the count reads a whole index of listings: only for a bar that shows) */
	pg = progress_start("screen",
		r->restricted || !progress_shown() ? 0 : (uint64_t)store_count(r->st, "listings"));
	if ((rc = store_begin(r->st)))
		goto end;
	/*
	 * A full run replaces every score: empty the tables and build the indexes once at the
	 * end (each a sort) instead of row by row; all of it in the one transaction. Every index
	 * of scores goes on SQLite (those another applet made too: a row kept in three b-trees
	 * costs more than three sorts); a server keeps its indexes up but scores_seller.
	 */
	if (!r->restricted && !store_indexes(r->st, "scores", &drop, &make)) {
		buf_adds(&drop, "DROP INDEX scores_seller");
		buf_adds(&make, "CREATE INDEX scores_seller ON scores(seller_id)");
	}
	if ((rc = start_run(r, now)) ||
		(!r->restricted &&
			((rc = store_exec(
				  r->st, "DELETE FROM score_network; DELETE FROM scores")) ||
				(rc = store_exec(r->st, drop.s)))))
		goto fail;
	g = xcalloc(1, sizeof(*g));
	g->sc = r->sc;
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	if (pthread_create(&th, NULL, scorer, g) != 0)
		ck_die(EX_OSERR, "cannot start a thread: %s", strerror(errno));
	for (n = 0;; n++) {
		struct slot *s = &g->slot[n % RING];

		if (n >= RING) {
			slot_wait(g, s, SLOT_DONE, SLOT_DONE);
			if (!rc && (rc = slot_write(r, s, ins, del, many, load)) == 0)
				progress_update(pg, (uint64_t)r->scored, (uint64_t)r->scored);
		}
		if (rc || slot_fill(r, q, s, &eof, &rc) == 0) {
			slot_set(g, s, SLOT_END);
			break;
		}
		slot_set(g, s, SLOT_FILLED);
	}
	for (k = n - RING + 1 > 0 ? n - RING + 1 : 0; k < n; k++) {
		struct slot *s = &g->slot[k % RING];

		slot_wait(g, s, SLOT_DONE, SLOT_DONE);
		if (!rc)
			rc = slot_write(r, s, ins, del, many, load);
	}
	pthread_join(th, NULL);
	for (i = 0; i < RING; i++) {
		buf_free(&g->slot[i].in);
		buf_free(&g->slot[i].out);
	}
	pthread_mutex_destroy(&g->mu);
	pthread_cond_destroy(&g->cv);
	free(g);
	if (!rc)
		rc = store_load_flush(load, NULL, 1);
	if (!rc && !r->restricted)
		rc = store_exec_indexes(r->st, make.s);
	if (!rc)
		rc = store_commit(r->st);
fail:
	if (rc)
		store_rollback(r->st);
end:
	progress_end(pg);
out:
	store_done(q);
	store_done(ins);
	store_done(del);
	store_done(many);
	store_load_free(load);
	buf_free(&drop);
	buf_free(&make);
	return rc;
}

int screen_run_print(struct screen_run *r, FILE *fp)
{
	struct store_stmt *q;
	struct out *o;
	int rc;

	/*
	 * On Citus an outer join must be on the distribution column: a score's seller is its
	 * listing's, and the join stays on the worker that holds both.
	 */
	if (!(q = store_prepare(r->st,
		      store_is_distributed(r->st)
			      ? "SELECT s.listing_id, s.seller_id, s.score, s.reasons, l.title,\n"
				"  ck_money(l.price, l.currency), l.currency, l.url FROM scores s\n"
				"LEFT JOIN listings l ON l.seller_id = s.seller_id\n"
				"  AND l.listing_id = s.listing_id\n"
				"WHERE s.score >= ?1\n"
				"  AND (?2 = 0 OR s.listing_id IN (SELECT listing_id FROM temp.want))\n"
				"ORDER BY s.score DESC, s.listing_id"
			      : "SELECT s.listing_id, s.seller_id, s.score, s.reasons, l.title,\n"
				"  ck_money(l.price, l.currency), l.currency, l.url FROM scores s\n"
				"LEFT JOIN listings l ON l.listing_id = s.listing_id\n"
				"WHERE s.score >= ?1\n"
				"  AND (?2 = 0 OR s.listing_id IN (SELECT listing_id FROM temp.want))\n"
				"ORDER BY s.score DESC, s.listing_id")))
		return EX_SOFTWARE;
	store_bind_int(q, 1, r->min_score);
	store_bind_int(q, 2, r->restricted);
	{
		static const char *const cols[] = { "listing_id", "seller_id", "score", "reasons",
			"title", "price", "currency", "url" };

		o = out_open(fp, out_format_for(fp), cols, 8);
	}
	out_set_ids(o, "listing", 0);
	out_set_decimal(o, 5);
	while ((rc = store_step(q)) == STORE_ROW) {
		int i;

		for (i = 0; i < 8; i++)
			if (i == 2)
				out_int(o, store_col_int(q, i));
			else
				out_text(o, store_col_text(q, i));
		out_end_row(o);
		r->listed++;
	}
	store_done(q);
	if (rc) {
		out_close(o);
		return rc;
	}
	return out_close(o);
}

/* Keep the counts of this run with it (screen_runs); 0 or an EX_ code. */
static int finish_run(struct screen_run *r)
{
	struct store_stmt *q = store_prepare(
		r->st, "UPDATE screen_runs SET scored = ?2, flagged = ?3 WHERE run_id = ?1");

	if (!q)
		return EX_SOFTWARE;
	store_bind_int(q, 1, r->run_id);
	store_bind_int(q, 2, r->scored);
	store_bind_int(q, 3, r->nflagged);
	return store_run(q);
}

static int explain(struct screen_run *r, const char *id, FILE *fp)
{
	static const char *const cols[] = { "listing_id", "rule", "points", "reason", "detail" };
	struct store_stmt *q;
	struct screen_result res = { 0 };
	struct out *o;
	char *sql, *netid = NULL;
	int rc;
	size_t i;

	sql = xasprintf(
		"%sWHERE l.listing_id = ?", r->reg_in_row ? listing_citus_sql : listing_sql);
	q = store_prepare(r->st, sql);
	free(sql);
	if (!q)
		return EX_SOFTWARE;
	store_bind_text(q, 1, id);
	if ((rc = store_step(q)) != STORE_ROW) {
		store_done(q);
		if (rc)
			return rc;
		return ck_error(EX_DATAERR, "no listing '%s' in '%s'", id, store_path(r->st));
	}
	{
		struct screen_listing l;
		struct screen_seller f;

		row_listing(r, q, &l, &f);
		network_facts(r, id, &f, &netid);
		screen_set_explain(r->sc, 1);
		screen_score(r->sc, &l, &f, &res);
		o = out_open(fp, out_format_for(fp), cols, 5);
		out_set_ids(o, "listing", 0);
		for (i = 0; i < res.nhits; i++) {
			out_text(o, l.listing_id);
			out_text(o, res.hits[i].rule);
			out_int(o, res.hits[i].points);
			out_text(o, res.hits[i].reason);
			out_text(o, res.hits[i].detail);
			out_end_row(o);
		}
		out_text(o, l.listing_id);
		out_text(o, "score");
		out_int(o, res.score);
		out_text(o, res.reasons.s);
		{
			char *d = xasprintf("%s (flagged at %d; rules %.12s)",
				res.flagged ? "flagged" : "not flagged",
				screen_flag_threshold(r->sc), screen_digest(r->sc));

			out_text(o, d);
			free(d);
		}
		out_end_row(o);
	}
	rc = out_close(o);
	screen_result_free(&res);
	store_done(q);
	free(netid);
	return rc;
}

/* Read what scoring needs besides the rules, once: market prices and failed test buys. */
static int get_ready(struct screen_run *r)
{
	int rc;

	if (r->ready)
		return 0;
	if ((rc = market_pass(r)) || (rc = load_fails(r)))
		return rc;
	r->ready = 1;
	return 0;
}

/*
 * Flagged own listings (the score less its network points, as network_pass counts them) per
 * network and per seller in one, from the scores the store holds. Each seller is in one
 * network at most, so a seller's count is the network's count of that seller.
 */
static const char stream_network_sql[] =
	"WITH own AS (SELECT sc.seller_id, sc.score - coalesce(sn.points, 0) AS score\n"
	"    FROM scores sc LEFT JOIN score_network sn ON sn.listing_id = sc.listing_id)\n"
	"SELECT m.network_id, o.seller_id, count(*) FROM own o\n"
	"  JOIN network_members m ON m.seller_id = o.seller_id\n"
	"WHERE o.score >= ?1 GROUP BY m.network_id, o.seller_id";

/*
 * What --stream needs for the network signal, read once: the counts above, and a statement
 * for a seller's network. Without link results, or without scores to count, the signal is not
 * checked (and the second says so once). 0 or an EX_ code.
 */
static int stream_network_start(struct screen_run *r)
{
	struct store_stmt *q;

	if (!r->have_network) {
		r->net_note = "no link results in the store (run 'casekit link')";
		return 0;
	}
	if (!store_has_rows(r->st, "SELECT 1 FROM scores LIMIT 1")) {
		r->net_note = "no scores stored yet: run 'casekit screen' first";
		ck_warn("the store has link results but no scores: the network signal is not "
			"checked (run 'casekit screen' first)");
		return 0;
	}
	if (!(r->net = store_prepare(
		      r->st, "SELECT network_id FROM network_members WHERE seller_id = ?1")) ||
		!(q = store_prepare(r->st, stream_network_sql)))
		return EX_SOFTWARE;
	store_bind_int(q, 1, screen_flag_threshold(r->sc));
	return tally_rows(q, &r->nt, &r->ns);
}

/* The network facts of a listing of the seller seller_facts() looked up last. */
static void stream_network(struct screen_run *r, const char *seller, struct screen_seller *f)
{
	f->network_id = NULL;
	f->network_note = r->net_note;
	f->network_flagged = -1;
	if (r->net_note)
		return;
	f->network_flagged = 0;
	if (r->has_net) {
		f->network_id = r->netid.s;
		f->network_flagged = tally_get(&r->nt, r->netid.s) - tally_get(&r->ns, seller);
	}
}

/* The listing fields of --stream, in the order of the struct screen_listing they fill. */
enum {
	SF_ID,
	SF_SELLER,
	SF_TITLE,
	SF_BRAND,
	SF_CATEGORY,
	SF_PRICE,
	SF_CURRENCY,
	SF_CREATED,
	SF_IMAGE,
	SF_N
};
static const char *const stream_fields[SF_N] = { "listing_id", "seller_id", "title", "brand",
	"category", "price", "currency", "created_at", "image_text" };

/*
 * --stream: listings in on stdin, one verdict out per listing, flushed at once. Rows ingest
 * would reject are named on stderr and skipped; the exit status stays 0 for them, as ingest's.
 */
int screen_run_stream(struct screen_run *r, enum out_format fmt)
{
	static const char *const cols[] = { "listing_id", "seller_id", "score", "flagged",
		"reasons" };
	struct ingest_opts io = { .kind = "listings" };
	struct ingest_rows *in;
	struct screen_result res = { 0 };
	struct screen_listing l;
	struct screen_seller f;
	struct out *o;
	long long screened = 0, flagged = 0;
	int fid[SF_N], rc, k;
	int64_t price;

	if ((rc = get_ready(r)) || (rc = stream_network_start(r)) ||
		(rc = ingest_rows_open(&in, &io, "-")))
		return rc;
	for (k = 0; k < SF_N; k++)
		fid[k] = ingest_rows_field(in, stream_fields[k]);
	o = out_open(stdout, fmt, cols, 5);
	out_set_ids(o, "listing", 0);
	for (;;) {
		rc = ingest_rows_next(in);
		if (rc == INGEST_REJECTED) {
			ck_error(EX_DATAERR, "<stdin>:%lu: %s", ingest_rows_line(in),
				ingest_rows_reason(in));
			continue;
		}
		if (rc != INGEST_ROW)
			break;
		memset(&l, 0, sizeof(l));
		l.listing_id = ingest_rows_text(in, fid[SF_ID]);
		l.seller_id = ingest_rows_text(in, fid[SF_SELLER]);
		l.title = ingest_rows_text(in, fid[SF_TITLE]);
		l.brand = ingest_rows_text(in, fid[SF_BRAND]);
		l.category = ingest_rows_text(in, fid[SF_CATEGORY]);
		l.has_price = ingest_rows_num(in, fid[SF_PRICE], &price);
		l.price = l.has_price ? price : 0;
		l.currency = ingest_rows_text(in, fid[SF_CURRENCY]);
		l.created_at = ingest_rows_text(in, fid[SF_CREATED]);
		l.image_text = ingest_rows_text(in, fid[SF_IMAGE]);
		seller_facts(r, l.seller_id, &f, NULL);
		f.failed_listing = tally_get(&r->lf, l.listing_id);
		f.failed_seller -= f.failed_listing;
		stream_network(r, l.seller_id, &f);
		screen_score(r->sc, &l, &f, &res);
		screened++;
		flagged += res.flagged;
		if (res.score < r->min_score)
			continue;
		out_text(o, l.listing_id);
		out_text(o, l.seller_id);
		out_int(o, res.score);
		out_int(o, res.flagged);
		out_text(o, res.reasons.s ? res.reasons.s : "");
		out_end_row(o);
		/* the verdict goes out now, not when a buffer fills: a platform is waiting on it */
		if (fflush(stdout) != 0) {
			rc = 0; /* ck_finish_stdout() tells a closed pipe from an error */
			break;
		}
	}
	if (rc == 0 && !ck.quiet)
		fprintf(stderr, "casekit screen: %s screened, %lld flagged (score >= %d)\n",
			ck_count(screened, "listing", "listings"), flagged,
			screen_flag_threshold(r->sc));
	if (rc == 0 && ingest_rows_rejected(in))
		ck_warn("%llu of %s rejected; the rest were screened",
			(unsigned long long)ingest_rows_rejected(in),
			ck_count((long long)ingest_rows_read(in), "row", "rows"));
	if (out_close(o) && rc == 0)
		rc = EX_IOERR;
	screen_result_free(&res);
	ingest_rows_close(in);
	return ck_finish_stdout(rc);
}

int screen_run_explain(struct screen_run *r, const char *listing_id, FILE *fp)
{
	static const struct leads none;
	int rc;

	if ((rc = get_ready(r)) || (rc = want_leads(r, &none)))
		return rc;
	return explain(r, listing_id, fp);
}

int screen_run_open(
	struct screen_run **out, struct store *st, const char *rules, int min_score, int streaming)
{
	struct screen_run *r = xcalloc(1, sizeof(*r));
	int rc;

	*out = NULL;
	r->st = st;
	if ((rc = screen_open(&r->sc, rules)) || (rc = screen_add_store_brands(r->sc, st)))
		goto fail;
	/*
	 * No memory map: every mapped page of the listings counts in the RSS (2.7 GB at a million
	 * sellers), and reading through the page cache costs about a tenth more CPU, not more wall
	 * time, since the scorer threads and the writes bound the run.
	 */
	store_exec_quiet(st, "PRAGMA mmap_size=0");
	r->min_score = min_score >= 0 ? min_score : streaming ? 0 : screen_flag_threshold(r->sc);
	r->have_network = store_has_rows(st, "SELECT 1 FROM network_members LIMIT 1");
	r->reg_in_row = store_is_distributed(st);
	if (!(r->reg = store_prepare(
		      st, "SELECT registered_at FROM sellers WHERE seller_id = ?1"))) {
		rc = EX_SOFTWARE;
		goto fail;
	}
	*out = r;
	return 0;
fail:
	screen_run_close(r);
	return rc;
}

void screen_run_close(struct screen_run *r)
{
	if (!r)
		return;
	run_free(r);
	screen_close(r->sc);
	free(r);
}

int screen_run_score(struct screen_run *r, const struct leads *leads, int restricted)
{
	int rc;

	if ((rc = get_ready(r)))
		return rc;
	r->restricted = restricted;
	/*
	 * As ingest does: WAL with synchronous=NORMAL keeps every committed run through a crash,
	 * and a 64 MB page cache keeps the scores' indexes in memory while they are written. Temp
	 * storage stays in files: the sort that builds scores(seller_id) spills past the cache,
	 * and in memory that spill grew with the listings.
	 */
	if ((rc = store_exec(r->st, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536")) ||
		(rc = want_leads(r, leads)))
		return rc;
	/*
	 * A full run rewrites the scores table: under a rollback journal (as ingest's bulk load)
	 * its pages are written once, to the store, not to the WAL and again at the checkpoint.
	 */
	if (!r->restricted)
		store_bulk(r->st, 1);
	rc = score_all(r);
	if (!r->restricted)
		store_bulk(r->st, 0);
	if (rc || (rc = network_pass(r)) || (rc = finish_run(r)))
		return rc;
	return r->restricted ? 0 : note_inputs(r);
}

int screen_run_reuse(struct screen_run *r, long long *run_id, char started_at[21])
{
	static const struct leads none;
	struct store_stmt *q;
	char *fp, *kept;
	int ok = 0;

	if (!(q = store_prepare(r->st,
		      "SELECT run_id, rules_digest, started_at, scored, flagged FROM screen_runs"
		      " WHERE scope = 'all' AND scored IS NOT NULL AND run_id ="
		      " (SELECT max(run_id) FROM screen_runs)")))
		return 0;
	if (store_step(q) == STORE_ROW && strcmp(store_col_text(q, 1), screen_digest(r->sc)) == 0) {
		r->run_id = store_col_int(q, 0);
		snprintf(started_at, 21, "%s", store_col_text(q, 2));
		r->scored = store_col_int(q, 3);
		r->nflagged = store_col_int(q, 4);
		ok = 1;
	}
	store_done(q);
	if (!ok)
		return 0;
	fp = inputs(r);
	kept = store_meta_get(r->st, "screen_inputs");
	ok = fp && kept && strcmp(fp, kept) == 0;
	free(fp);
	free(kept);
	/* every score is the run's own, none gone since */
	if (ok &&
		(q = store_prepare(r->st,
			 "SELECT count(*) = ?2 AND coalesce(sum(run_id != ?1), 0) = 0 FROM scores"))) {
		store_bind_int(q, 1, r->run_id);
		store_bind_int(q, 2, r->scored);
		ok = store_step(q) == STORE_ROW && store_col_int(q, 0);
		store_done(q);
	}
	if (!ok || want_leads(r, &none)) {
		r->run_id = r->scored = r->nflagged = 0;
		return 0;
	}
	r->restricted = 0;
	*run_id = r->run_id;
	return 1;
}

void screen_run_counts(const struct screen_run *r, struct screen_run_counts *c)
{
	c->scored = r->scored;
	c->flagged = r->nflagged;
	c->listed = r->listed;
	c->min_score = r->min_score;
	c->threshold = screen_flag_threshold(r->sc);
}
