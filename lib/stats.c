/* stats.c - the enforcement figures of a store or a case: counts, flags, networks, values */
#include "casekit.h"
#include "case.h"
#include "ingest.h"
#include "money.h"
#include "output.h"
#include "stats.h"
#include "store.h"
#include <math.h>

/* Where the figures come from: the whole store, or the sellers of one case. */
struct stats {
	struct store *st;
	struct out *o;
	const char *case_id; /* NULL: the whole store */
	const char *part;    /* pasted for @P: the section's own filter, itself written with @S */
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

/*
 * The store's country and the quality of its identifiers, per kind, as ingest says it at the
 * end of a run (casekit-ingest(1), Identifier quality). Store figures only.
 */
static void ident_quality(struct stats *sx)
{
	struct ingest_quality *q;
	size_t n, i, j;
	char *c;

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
	if ((sx->rc = ingest_quality(sx->st, &q, &n)))
		return;
	for (i = 0; i < n; i++) {
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
	ingest_quality_free(q, n);
}

static void screening(struct stats *sx)
{
	if (!store_table_exists(sx->st, "scores"))
		return;
	figure(sx, "listings.screened", "SELECT count(*) FROM scores WHERE @S");
	figure(sx, "listings.flagged", "SELECT count(*) FROM scores WHERE flagged AND @S");
	figure(sx, "listings.flagged_pct",
		"SELECT round(100.0 * sum(flagged != 0) / count(*), 1) FROM scores WHERE @S");
	/* No order at all, whatever became of the listing. */
	figure(sx, "listings.flagged_never_sold",
		"SELECT count(*) FROM scores s WHERE s.flagged AND @S AND NOT EXISTS "
		"(SELECT 1 FROM orders o WHERE o.listing_id = s.listing_id)");
	/* Taken down (a notice resolved, with sane times, not rejected) before any order was placed. */
	figure(sx, "listings.flagged_removed_before_sale",
		"SELECT count(*) FROM scores s WHERE s.flagged AND @S AND EXISTS "
		"(SELECT 1 FROM takedowns t WHERE t.listing_id = s.listing_id AND "
		"julianday(t.resolved_at) >= julianday(t.received_at) AND "
		"coalesce(t.outcome, '') NOT LIKE 'reject%' AND "
		"NOT EXISTS (SELECT 1 FROM orders o WHERE o.listing_id = s.listing_id AND "
		"o.ordered_at <= t.resolved_at))");
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
		figure(sx, "networks.with_flagged",
			"SELECT count(*) FROM networks n WHERE @P AND EXISTS (SELECT 1 FROM network_members m JOIN scores s USING (seller_id) WHERE m.network_id = n.network_id AND s.flagged)");
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

static void testbuys(struct stats *sx)
{
	sx->part = LISTING_PART("testbuys");
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
	"FROM notice_decisions x WHERE x.notice_id = d.notice_id))"
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
		"SELECT round(100.0 * sum(coalesce(" N_HOURS " <= 24, 0)) / count(*), 1) FROM "
		"notices n WHERE @P");
	figure(sx, "notices.proposed_per_accept",
		"SELECT round(1.0 * sum(proposed) / count(*), 1) FROM " LAST_D
		" WHERE decision = 'accept' AND @P");
	figure(sx, "notices.accepted_before_sale",
		"SELECT count(*) FROM " LAST_D
		" a WHERE a.decision = 'accept' AND @P AND NOT EXISTS "
		"(SELECT 1 FROM orders o WHERE o.listing_id = a.listing_id AND o.ordered_at <= "
		"a.decided_at)");
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

int stats_write(struct store *st, const char *case_id, struct out *o)
{
	struct stats sx = { .st = st, .o = o, .case_id = case_id };
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(*sections); i++) {
		sx.part = NULL;
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
