/* takedown.c - rights holders' notices decided on the evidence the store already holds */
#include "casekit.h"
#include "takedown.h"
#include "case.h"
#include "output.h"
#include "screen.h"
#include "store.h"
#include <ctype.h>
#include <strings.h>
#include <time.h>

const char *const takedown_triage_cols[] = { "notice_id", "decision", "lane", "reasons",
	"listing_id", "seller_id", "network_id", "hours_open" };

/*
 * A notice's state is its last decision. A reversal is an analyst's accept or reject that
 * turns over an earlier accept or reject of the same notice.
 */
/*
 * The rejections that count against a notifier: its own fault (the wrong holder, a brand the
 * listing does not show), or an analyst's. A listing already gone or a second notice for a
 * listing still up says nothing of good faith.
 */
#define TD_FAULT_SQL \
	"reasons LIKE '%not-holder%' OR reasons LIKE '%brand-not-shown%' OR " \
	"reasons LIKE '%unknown-brand%' OR reasons LIKE '%no-brand%'"
#define LAST_DECISIONS \
	"SELECT d.* FROM notice_decisions d JOIN (SELECT notice_id, max(decision_id) m " \
	"FROM notice_decisions GROUP BY notice_id) x ON d.decision_id = x.m"

static const char record_sql[] =
	"WITH last AS (" LAST_DECISIONS "),\n"
	"rev AS (SELECT DISTINCT a.notice_id FROM notice_decisions a JOIN notice_decisions b\n"
	"  ON b.notice_id = a.notice_id AND b.decision_id < a.decision_id\n"
	"  WHERE a.lane = 'analyst' AND a.decision IN ('accept', 'reject')\n"
	"  AND b.decision IN ('accept', 'reject') AND a.decision != b.decision),\n"
	"r AS (SELECT notifier, count(*) notices, sum(decision = 'accept') accepted,\n"
	"  sum(decision = 'reject') rejected,\n"
	"  sum(decision = 'reject' AND lane = 'analyst') rejected_on_review,\n"
	"  sum(decision = 'reject' AND (lane = 'analyst' OR " TD_FAULT_SQL ")) at_fault,\n"
	"  sum(notice_id IN rev) reversed, sum(decision = 'review') in_review\n"
	"  FROM last WHERE notifier IS NOT NULL GROUP BY notifier)\n"
	"SELECT notifier, notices, accepted, rejected, rejected_on_review, at_fault, reversed,\n"
	"  in_review, CASE WHEN notices >= ?1 AND\n"
	"    (100 * at_fault >= ?2 * notices\n"
	"    OR reversed >= ?3) THEN 'barred'\n"
	"  WHEN accepted >= ?4 AND reversed = 0 AND\n"
	"    100 * at_fault <= ?5 * notices THEN 'trusted'\n"
	"  WHEN notices < ?1 THEN 'new'\n"
	"  ELSE 'ordinary' END standing\n"
	"FROM r ORDER BY notifier";

struct store_stmt *takedown_record_prepare(struct store *st, const struct takedown_policy *p)
{
	struct store_stmt *s = store_prepare(st, record_sql);

	if (s) {
		store_bind_int(s, 1, p->record_min);
		store_bind_int(s, 2, p->barred_share);
		store_bind_int(s, 3, p->barred_reversals);
		store_bind_int(s, 4, p->trusted_accepts);
		store_bind_int(s, 5, p->trusted_share);
	}
	return s;
}

/* One threshold from the config file: a whole number from lo to hi, or EX_CONFIG. */
static int policy_key(const char *key, int *v, int lo, int hi)
{
	const char *s = ck_setting(NULL, key);
	long long n;

	if (!s)
		return 0;
	if (ck_parse_long(s, &n) != 0 || n < lo || n > hi)
		return ck_error(EX_CONFIG,
			"config '%s' takes a whole number from %d to %d, not '%s'", key, lo, hi, s);
	*v = (int)n;
	return 0;
}

int takedown_policy_load(struct takedown_policy *p)
{
	int rc;

	p->record_min = 20;
	p->barred_share = 30;
	p->barred_reversals = 2;
	p->trusted_accepts = 20;
	p->trusted_share = 5;
	p->network_min = 2;
	if ((rc = policy_key("takedown-record-min", &p->record_min, 1, 1000000)) ||
		(rc = policy_key("takedown-barred-share", &p->barred_share, 0, 100)) ||
		(rc = policy_key("takedown-barred-reversals", &p->barred_reversals, 1, 1000000)) ||
		(rc = policy_key("takedown-trusted-accepts", &p->trusted_accepts, 1, 1000000)) ||
		(rc = policy_key("takedown-trusted-share", &p->trusted_share, 0, 100)) ||
		(rc = policy_key("takedown-network-min", &p->network_min, 1, 1000000)))
		return rc;
	return 0;
}

/* An automatic rejection that is the notifier's fault (not a listing gone, not a reminder). */
static int at_fault(const char *reasons)
{
	return strstr(reasons, "not-holder") || strstr(reasons, "brand-not-shown") ||
		strstr(reasons, "unknown-brand") || strstr(reasons, "no-brand");
}

/* ---- addresses ---- */

/* Query parameters that say how a visitor came, not which page: dropped from an address. */
static int tracking_param(const char *p, size_t len)
{
	static const char *const names[] = { "fbclid", "gclid", "dclid", "gbraid", "wbraid",
		"msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "spm", "scm",
		"pvid", NULL };
	size_t i, n = strcspn(p, "=");

	if (n > len)
		n = len;
	if (n > 4 && strncasecmp(p, "utm_", 4) == 0)
		return 1;
	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == n && strncasecmp(p, names[i], n) == 0)
			return 1;
	return 0;
}

char *takedown_url_key(const char *url)
{
	struct buf b = { 0 };
	const char *s, *e, *p, *host, *q, *f;
	size_t keep;

	if (!url)
		return NULL;
	for (s = url; *s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'; s++)
		;
	for (e = s + strlen(s);
		e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'); e--)
		;
	if (e == s)
		return NULL;
	/* The fragment is the browser's, never the server's. */
	f = memchr(s, '#', (size_t)(e - s));
	if (f)
		e = f;
	/* Scheme and host are case-blind (RFC 3986 6.2.2.1); the path is not. */
	host = s;
	for (p = s; p < e && (isalnum((unsigned char)*p) || *p == '+' || *p == '-' || *p == '.');
		p++)
		;
	if (p + 2 < e && p > s && p[0] == ':' && p[1] == '/' && p[2] == '/')
		host = p + 3;
	for (p = host; p < e && *p != '/' && *p != '?'; p++)
		;
	for (q = s; q < p; q++)
		buf_addc(&b, (char)tolower((unsigned char)*q));
	q = memchr(p, '?', (size_t)(e - p));
	if (!q)
		q = e;
	/* The path without trailing slashes: "/item/1/" and "/item/1" are one page. */
	keep = (size_t)(q - p);
	while (keep > 0 && p[keep - 1] == '/')
		keep--;
	buf_add(&b, p, keep);
	if (q < e) {
		const char *a = q + 1;
		int first = 1;

		while (a <= e) {
			const char *z = memchr(a, '&', (size_t)(e - a));
			size_t len;

			if (!z)
				z = e;
			len = (size_t)(z - a);
			if (len && !tracking_param(a, len)) {
				buf_addc(&b, first ? '?' : '&');
				buf_add(&b, a, len);
				first = 0;
			}
			a = z + 1;
		}
	}
	if (!b.len) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/*
 * The candidates for a key: listings whose address equals it, case aside, or goes on past its
 * end with a trailing slash, a query, more parameters or a fragment; four index searches on
 * listings_url (without that index, four scans). A prefix that reaches further than one
 * listing ("https://market.example") stops after 256 candidates.
 */
#define URL_LOOKUP_SQL \
	"SELECT listing_id, url FROM listings WHERE url COLLATE NOCASE = ?1 UNION ALL " \
	"SELECT listing_id, url FROM listings WHERE url COLLATE NOCASE >= ?1 || '#' AND " \
	"url COLLATE NOCASE < ?1 || char(39) UNION ALL " \
	"SELECT listing_id, url FROM listings WHERE url COLLATE NOCASE >= ?1 || '/' AND " \
	"url COLLATE NOCASE < ?1 || '0' UNION ALL " \
	"SELECT listing_id, url FROM listings WHERE url COLLATE NOCASE >= ?1 || '?' AND " \
	"url COLLATE NOCASE < ?1 || '@' LIMIT 256"

/* The listing whose address has the key of url (the least id if several), or NULL. */
static char *url_listing(struct store_stmt *s, const char *url)
{
	char *key = takedown_url_key(url), *best = NULL;

	if (!key)
		return NULL;
	store_bind_text(s, 1, key);
	while (store_step(s) == STORE_ROW) {
		const char *id = store_col_text(s, 0);
		char *k = takedown_url_key(store_col_text(s, 1));

		if (id && k && strcmp(k, key) == 0 && (!best || strcmp(id, best) < 0)) {
			free(best);
			best = xstrdup(id);
		}
		free(k);
	}
	store_reset(s);
	free(key);
	return best;
}

/*
 * Addresses are looked up through an index of listings(url), case aside, made the first
 * time a notice gives only an address and kept (as casekit trace keeps its indexes): one
 * pass over the listings once, then a search per notice.
 */
static int url_index(struct store *st)
{
	if (store_has_index(st, "listings", "url", NULL) ||
		!store_has_rows(st,
			"SELECT 1 FROM notices n WHERE n.listing_id IS NULL AND "
			"n.url IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
			"notice_decisions d WHERE d.notice_id = n.notice_id)"))
		return 0;
	ck_info("indexing listings(url) for the notices' addresses");
	return store_exec(st,
		"CREATE INDEX IF NOT EXISTS listings_url ON listings(url COLLATE "
		"NOCASE)");
}

/* ---- small helpers ---- */

/* The statement of sql, or NULL after one message. */
static struct store_stmt *prep(struct store *st, const char *sql)
{
	return store_prepare(st, sql);
}

static const char *col(struct store_stmt *s, int i)
{
	return store_col_text(s, i);
}

static char *dupcol(struct store_stmt *s, int i)
{
	const char *v = col(s, i);

	return v ? xstrdup(v) : NULL;
}

/* Seconds since 1970 of an ISO 8601 UTC time or date as the store keeps them; -1 if not one. */
static long long iso_secs(const char *t)
{
	struct tm tm;

	if (!t)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(t, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return -1;
	if (strlen(t) >= 19)
		sscanf(t + 11, "%2d:%2d:%2d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long long)timegm(&tm);
}

/* A growing list of distinct strings, ids into a ck_names table. */
struct counts {
	struct ck_names names;
	int *tot, *acc, *rej, *rev; /* notices decided, accepted, rejected at its fault, reversed */
	int cap;
};

static int counts_slot(struct counts *c, const char *name)
{
	int i = ck_name_id(&c->names, name);

	if (i >= c->cap) {
		int cap = c->cap ? 2 * c->cap : 64, j;

		while (cap <= i)
			cap *= 2;
		c->tot = xrealloc(c->tot, (size_t)cap * sizeof(int));
		c->acc = xrealloc(c->acc, (size_t)cap * sizeof(int));
		c->rej = xrealloc(c->rej, (size_t)cap * sizeof(int));
		c->rev = xrealloc(c->rev, (size_t)cap * sizeof(int));
		for (j = c->cap; j < cap; j++)
			c->tot[j] = c->acc[j] = c->rej[j] = c->rev[j] = 0;
		c->cap = cap;
	}
	return i;
}

static void counts_free(struct counts *c)
{
	ck_names_free(&c->names);
	free(c->tot);
	free(c->acc);
	free(c->rej);
	free(c->rev);
}

/* ---- the state a triage run works from ---- */

struct triage {
	struct store *st;
	struct screen *sc;
	struct screen_result res;
	const struct takedown_policy *policy;
	const char *analyst;
	int has_scores, has_networks, flag;
	struct store_stmt *listing, *holders, *agent, *net_total, *seller_count, *tb_cf_net,
		*tb_cf_seller, *tb_genuine, *ref_price, *authorised, *ins, *cases, *byurl_q;
	struct counts rec;
	/*
	 * What a network says holds for every notice of it in a run: asked once a network (its
	 * counterfeit test buy, "" for none) and once a network and brand (its flagged listings).
	 */
	struct ck_names net_tb, net_flagged;
	char **net_tb_id;
	int *net_flagged_n, net_tb_cap, net_flagged_cap;
	struct ck_names dup; /* "listing\tbrand" of notices not rejected */
	char **dup_notice;   /* the notice of each dup entry */
	int dup_cap;
	char now[21];
	long long now_s;
	char *byurl; /* the listing id found by url, bound to listing */
};

static int dup_find(struct triage *t, const char *listing, const char *brand)
{
	char *k = xasprintf("%s\t%s", listing, brand);
	int i = ck_name_find(&t->dup, k);

	free(k);
	return i;
}

static void dup_add(struct triage *t, const char *listing, const char *brand, const char *notice)
{
	char *k = xasprintf("%s\t%s", listing, brand);
	int i = ck_name_id(&t->dup, k);

	free(k);
	if (i >= t->dup_cap) {
		int cap = t->dup_cap ? 2 * t->dup_cap : 256, j;

		while (cap <= i)
			cap *= 2;
		t->dup_notice = xrealloc(t->dup_notice, (size_t)cap * sizeof(char *));
		for (j = t->dup_cap; j < cap; j++)
			t->dup_notice[j] = NULL;
		t->dup_cap = cap;
	}
	if (!t->dup_notice[i])
		t->dup_notice[i] = xstrdup(notice);
}

/* The records and the open duplicates of earlier runs. */
static int load_history(struct triage *t)
{
	struct store_stmt *s;
	int rc;

	if (!(s = takedown_record_prepare(t->st, t->policy)))
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW) {
		int i = counts_slot(&t->rec, col(s, 0));

		t->rec.tot[i] = (int)store_col_int(s, 1);
		t->rec.acc[i] = (int)store_col_int(s, 2);
		t->rec.rej[i] = (int)store_col_int(s, 5);
		t->rec.rev[i] = (int)store_col_int(s, 6);
	}
	store_done(s);
	if (rc != STORE_DONE)
		return rc;
	if (!(s = prep(t->st,
		      "SELECT listing_id, brand, notice_id FROM (" LAST_DECISIONS
		      ") WHERE decision != 'reject' AND listing_id IS NOT NULL "
		      "AND brand IS NOT NULL")))
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW)
		dup_add(t, col(s, 0), col(s, 1), col(s, 2));
	store_done(s);
	return rc;
}

static int prepare(struct triage *t)
{
	const char *scores_join = "LEFT JOIN scores sc ON sc.listing_id = l.listing_id";
	struct buf q = { 0 };
	int ok, rc;

	/*
	 * Brands and agents are matched case-blind, which no index of theirs serves: one pass
	 * over each into indexed copies, then a search per notice.
	 */
	if ((rc = store_exec(t->st,
		     "DROP TABLE IF EXISTS temp.td_brands; DROP TABLE IF EXISTS temp.td_agents;"
		     "CREATE TEMP TABLE td_brands AS SELECT lower(brand) b, rights_holder, "
		     "category, currency, reference_price FROM brands;"
		     "CREATE INDEX temp.td_brands_b ON td_brands(b, currency);"
		     "CREATE TEMP TABLE td_agents AS SELECT lower(notifier) notifier, "
		     "lower(acts_for) acts_for, since FROM notifiers;"
		     "CREATE INDEX temp.td_agents_n ON td_agents(notifier, acts_for);"
		     /* and the open cases by their members and listing leads, for custody */
		     "DROP TABLE IF EXISTS temp.td_cases;"
		     "CREATE TEMP TABLE td_cases AS SELECT 's' t, m.seller_id k, c.case_id FROM "
		     "cases c JOIN case_members m USING(case_id) WHERE c.status = 'open' UNION "
		     "SELECT 'l', l.id, c.case_id FROM cases c JOIN case_leads l USING(case_id) "
		     "WHERE c.status = 'open' AND l.kind = 'listing';"
		     "CREATE INDEX temp.td_cases_k ON td_cases(k, t)")))
		return rc;

	t->has_scores = store_table_exists(t->st, "scores");
	/* Citus joins two distributed tables only on the seller they are spread by */
	if (store_is_distributed(t->st))
		scores_join = "LEFT JOIN scores sc ON sc.seller_id = l.seller_id AND "
			      "sc.listing_id = l.listing_id";
	t->has_networks = store_table_exists(t->st, "network_members");
	buf_addf(&q,
		"SELECT l.listing_id, l.seller_id, l.title, l.brand, l.category, l.price, "
		"l.currency, l.image_text, l.created_at, %s, %s FROM listings l %s %s "
		"WHERE l.listing_id = ?1",
		t->has_scores ? "sc.score, sc.flagged, sc.brand" : "NULL, NULL, NULL",
		t->has_networks ? "nm.network_id" : "NULL", t->has_scores ? scores_join : "",
		t->has_networks ? "LEFT JOIN network_members nm ON nm.seller_id = l.seller_id"
				: "");
	t->listing = prep(t->st, q.s);
	buf_free(&q);
	ok = t->listing && (t->byurl_q = prep(t->st, URL_LOOKUP_SQL)) &&
		(t->holders = prep(t->st,
			 "SELECT DISTINCT rights_holder FROM td_brands WHERE b = lower(?1) "
			 "AND rights_holder IS NOT NULL AND rights_holder != ''")) &&
		(t->agent = prep(t->st,
			 "SELECT 1 FROM td_agents WHERE notifier = lower(?1) AND "
			 "acts_for = lower(?2) AND (since IS NULL OR ?3 IS NULL OR "
			 "since <= ?3)")) &&
		(t->ref_price = prep(t->st,
			 "SELECT reference_price FROM td_brands WHERE b = lower(?1) AND "
			 "currency = ?2 AND reference_price IS NOT NULL ORDER BY category = ?3 "
			 "DESC, reference_price LIMIT 1")) &&
		(t->tb_genuine = prep(t->st,
			 "SELECT t.testbuy_id FROM testbuys t WHERE t.listing_id = ?1 AND "
			 "lower(t.verdict) = 'genuine' UNION ALL SELECT t.testbuy_id FROM testbuys t "
			 "JOIN listings l ON l.listing_id = t.listing_id WHERE l.seller_id = ?2 AND "
			 "lower(t.verdict) = 'genuine' LIMIT 1")) &&
		(t->tb_cf_seller = prep(t->st,
			 "SELECT t.testbuy_id FROM listings l JOIN testbuys t ON t.listing_id = "
			 "l.listing_id WHERE l.seller_id = ?1 AND lower(t.verdict) = 'counterfeit' "
			 "ORDER BY t.testbuy_id LIMIT 1")) &&
		(t->authorised = prep(t->st,
			 "SELECT 1 FROM sellers WHERE seller_id = ?1 AND lower(coalesce("
			 "json_extract(attrs, '$.authorised'), '')) IN ('1', 'y', 'yes', 'true') "
			 "UNION ALL SELECT 1 FROM parties WHERE party_id = ?1 AND lower(kind) IN "
			 "('distributor', 'authorised distributor', 'authorized distributor')")) &&
		(t->ins = prep(t->st,
			 "INSERT INTO notice_decisions(notice_id, decided_at, analyst, decision, "
			 "lane, reasons, evidence, listing_id, seller_id, network_id, notifier, "
			 "brand, proposed) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) &&
		(t->cases = prep(t->st,
			 "SELECT case_id FROM td_cases WHERE k = ?2 AND t = 's' UNION "
			 "SELECT case_id FROM td_cases WHERE k = ?1 AND t = 'l' ORDER BY 1"));
	if (ok && t->has_scores)
		ok = (t->seller_count = prep(t->st,
			      "SELECT count(*) FROM scores WHERE seller_id = ?1 AND flagged AND "
			      "brand = ?2 AND listing_id != ?3")) != NULL;
	if (ok && t->has_scores && t->has_networks)
		ok = (t->net_total = prep(t->st,
			      "SELECT sc.brand, count(*) FROM network_members m JOIN scores sc ON "
			      "sc.seller_id = m.seller_id WHERE m.network_id = ?1 AND sc.flagged "
			      "GROUP BY sc.brand")) != NULL;
	if (ok && t->has_networks)
		ok = (t->tb_cf_net = prep(t->st,
			      "SELECT t.testbuy_id FROM network_members m JOIN listings l ON "
			      "l.seller_id = m.seller_id JOIN testbuys t ON t.listing_id = "
			      "l.listing_id WHERE m.network_id = ?1 AND lower(t.verdict) = "
			      "'counterfeit' ORDER BY t.testbuy_id LIMIT 1")) != NULL;
	return ok ? 0 : EX_SOFTWARE;
}

static void finalize_all(struct triage *t)
{
	struct store_stmt **all[] = { &t->listing, &t->holders, &t->agent, &t->net_total,
		&t->seller_count, &t->tb_cf_net, &t->tb_cf_seller, &t->tb_genuine, &t->ref_price,
		&t->authorised, &t->ins, &t->cases, &t->byurl_q };
	size_t i;
	int j;

	for (i = 0; i < sizeof(all) / sizeof(*all); i++) {
		store_done(*all[i]);
		*all[i] = NULL;
	}
	counts_free(&t->rec);
	for (j = 0; j < t->net_tb.n; j++)
		free(t->net_tb_id[j]);
	free(t->net_tb_id);
	free(t->net_flagged_n);
	ck_names_free(&t->net_tb);
	ck_names_free(&t->net_flagged);
	for (j = 0; j < t->dup_cap; j++)
		free(t->dup_notice[j]);
	free(t->dup_notice);
	ck_names_free(&t->dup);
	screen_result_free(&t->res);
	screen_close(t->sc);
	free(t->byurl);
}

/* ---- one notice ---- */

struct notice {
	char *id, *notifier, *brand, *listing, *url, *received;
};

struct verdict {
	const char *decision, *lane;
	struct buf reasons, evidence;
	char *listing, *seller, *network;
	const char *canon; /* the brand as named in the rules (owned by the screen) */
	int proposed;
};

static void add_word(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_word(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	if (b->len)
		buf_addc(b, ' ');
	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

static const char *first_text(struct store_stmt *s)
{
	return store_step(s) == STORE_ROW ? col(s, 0) : NULL;
}

/* Is the notifier the brand's holder or a declared agent of it? -1 when no holder is known. */
static int holder_ok(struct triage *t, const struct notice *n, const char *brand)
{
	int found = 0, any = 0;

	store_bind_text(t->holders, 1, brand);
	while (!found && store_step(t->holders) == STORE_ROW) {
		const char *h = col(t->holders, 0);

		any = 1;
		if (strcasecmp(h, n->notifier) == 0) {
			found = 1;
			break;
		}
		store_bind_text(t->agent, 1, n->notifier);
		store_bind_text(t->agent, 2, h);
		store_bind_text(t->agent, 3, n->received);
		found = store_step(t->agent) == STORE_ROW;
		store_reset(t->agent);
	}
	store_reset(t->holders);
	return found ? 1 : any ? 0 : -1;
}

/* The listing a notice names: by id, or by its address. */
static int find_listing(struct triage *t, const struct notice *n)
{
	const char *id = n->listing;
	char *byurl = NULL;
	int rc;

	if (!id && n->url)
		id = byurl = url_listing(t->byurl_q, n->url);
	if (!id)
		return 0;
	/* bound text is not copied: the id stays until the listing's row has been read */
	free(t->byurl);
	t->byurl = byurl;
	store_bind_text(t->listing, 1, id);
	rc = store_step(t->listing);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : -1;
}

/* Score a listing the store has no score for, as screen would (without seller facts). */
static void live_score(struct triage *t, int *score, int *flagged, const char **brand)
{
	struct store_stmt *l = t->listing;
	struct screen_listing sl = { 0 };

	sl.listing_id = col(l, 0);
	sl.seller_id = col(l, 1);
	sl.title = col(l, 2);
	sl.brand = col(l, 3);
	sl.category = col(l, 4);
	sl.has_price = store_col_type(l, 5) == STORE_INT;
	sl.price = store_col_int(l, 5);
	sl.currency = col(l, 6);
	sl.image_text = col(l, 7);
	sl.created_at = col(l, 8);
	*score = screen_score(t->sc, &sl, NULL, &t->res);
	*flagged = t->res.flagged;
	*brand = t->res.brand;
}

/* The first counterfeit test buy of a network's listings (NULL: none), asked once a run. */
static const char *network_testbuy(struct triage *t, const char *network)
{
	int i = ck_name_find(&t->net_tb, network);

	if (i < 0) {
		const char *tb;

		store_bind_text(t->tb_cf_net, 1, network);
		tb = first_text(t->tb_cf_net);
		i = ck_name_id(&t->net_tb, network);
		if (i >= t->net_tb_cap) {
			t->net_tb_cap = 2 * i + 64;
			t->net_tb_id =
				xrealloc(t->net_tb_id, (size_t)t->net_tb_cap * sizeof(char *));
		}
		t->net_tb_id[i] = xstrdup(tb ? tb : "");
		store_reset(t->tb_cf_net);
	}
	return *t->net_tb_id[i] ? t->net_tb_id[i] : NULL;
}

/*
 * How many listings of the network screen flags for brand. The first notice of a network
 * counts them for every brand at once ("network\tbrand"; the network alone marks it done).
 */
static int network_flagged(struct triage *t, const char *network, const char *brand)
{
	char *k;
	int i;

	if (ck_name_find(&t->net_flagged, network) < 0) {
		store_bind_text(t->net_total, 1, network);
		while (store_step(t->net_total) == STORE_ROW) {
			const char *b = col(t->net_total, 0);

			if (!b)
				continue;
			k = xasprintf("%s\t%s", network, b);
			i = ck_name_id(&t->net_flagged, k);
			free(k);
			if (i >= t->net_flagged_cap) {
				t->net_flagged_cap = 2 * i + 64;
				t->net_flagged_n = xrealloc(
					t->net_flagged_n, (size_t)t->net_flagged_cap * sizeof(int));
			}
			t->net_flagged_n[i] = (int)store_col_int(t->net_total, 1);
		}
		store_reset(t->net_total);
		ck_name_id(&t->net_flagged, network);
	}
	k = xasprintf("%s\t%s", network, brand);
	i = ck_name_find(&t->net_flagged, k);
	free(k);
	return i < 0 ? 0 : t->net_flagged_n[i];
}

static void judge(struct triage *t, const struct notice *n, struct verdict *v)
{
	struct buf against = { 0 }, pro = { 0 };
	int found, holder = -1, score = 0, flagged = 0, slot = -1, d, scored = 0;
	const char *shown = NULL, *price_cur = NULL, *tb;
	long long price = 0;
	int has_price = 0;

	v->canon = screen_brand_of(t->sc, n->brand);
	if (!n->brand || !*n->brand)
		add_word(&v->reasons, "no-brand");
	found = find_listing(t, n);
	if (found <= 0) {
		add_word(&v->reasons, "no-listing");
	} else {
		v->listing = dupcol(t->listing, 0);
		v->seller = dupcol(t->listing, 1);
		v->network = dupcol(t->listing, 12);
		has_price = store_col_type(t->listing, 5) == STORE_INT;
		price = store_col_int(t->listing, 5);
		price_cur = col(t->listing, 6);
		if (store_col_type(t->listing, 9) != STORE_NULL) {
			scored = 1;
			score = (int)store_col_int(t->listing, 9);
			flagged = (int)store_col_int(t->listing, 10);
			shown = col(t->listing, 11);
		} else {
			live_score(t, &score, &flagged, &shown);
		}
	}
	if (n->brand && *n->brand) {
		holder = holder_ok(t, n, v->canon ? v->canon : n->brand);
		if (holder == 0)
			add_word(&v->reasons, "not-holder");
		if (!v->canon)
			add_word(&v->reasons, "unknown-brand");
		else if (found > 0 && (!shown || strcmp(shown, v->canon) != 0))
			add_word(&v->reasons, "brand-not-shown");
	}
	if (v->listing && v->canon && (d = dup_find(t, v->listing, v->canon)) >= 0)
		add_word(&v->reasons, "duplicate:%s", t->dup_notice[d]);
	if (v->listing)
		add_word(&v->evidence, "listing:%s", v->listing);
	if (v->reasons.len) {
		v->decision = "reject";
		v->lane = "auto";
		store_reset(t->listing);
		return;
	}

	/* Evidence that the listing is fake: casekit's own, never the notifier's word. */
	if (flagged) {
		add_word(&pro, "screen:%d", score);
		add_word(&v->evidence, "score:%s", v->listing);
	}
	if (v->network && t->tb_cf_net) {
		tb = network_testbuy(t, v->network);
	} else {
		store_bind_text(t->tb_cf_seller, 1, v->seller);
		tb = first_text(t->tb_cf_seller);
	}
	if (tb) {
		add_word(&pro, "testbuy:%s", tb);
		add_word(&v->evidence, "testbuy:%s", tb);
	}
	store_reset(t->tb_cf_seller);
	if (t->seller_count) {
		/* The seller's other flagged listings of the brand; then the network's. */
		int own = 0, self = scored && flagged;

		store_bind_text(t->seller_count, 1, v->seller);
		store_bind_text(t->seller_count, 2, v->canon);
		store_bind_text(t->seller_count, 3, v->listing);
		if (store_step(t->seller_count) == STORE_ROW)
			own = (int)store_col_int(t->seller_count, 0);
		store_reset(t->seller_count);
		v->proposed = own;
		if (v->network && t->net_total) {
			int all = network_flagged(t, v->network, v->canon), others;

			v->proposed = all - self;
			others = all - self - own;
			if (others >= t->policy->network_min) {
				add_word(&pro, "network:%s(%d)", v->network, others);
				add_word(&v->evidence, "network:%s", v->network);
			}
		}
	}

	/* Evidence the other way sends the notice to an analyst, whatever backs it. */
	store_bind_text(t->tb_genuine, 1, v->listing);
	store_bind_text(t->tb_genuine, 2, v->seller);
	if ((tb = first_text(t->tb_genuine))) {
		add_word(&against, "genuine-testbuy:%s", tb);
		add_word(&v->evidence, "testbuy:%s", tb);
	}
	store_reset(t->tb_genuine);
	if (has_price && price_cur) {
		store_bind_text(t->ref_price, 1, v->canon);
		store_bind_text(t->ref_price, 2, price_cur);
		store_bind_text(t->ref_price, 3, col(t->listing, 4));
		if (store_step(t->ref_price) == STORE_ROW &&
			price >= store_col_int(t->ref_price, 0))
			add_word(&against, "price-at-reference");
		store_reset(t->ref_price);
	}
	store_bind_text(t->authorised, 1, v->seller);
	if (store_step(t->authorised) == STORE_ROW)
		add_word(&against, "authorised");
	store_reset(t->authorised);
	if (holder < 0)
		add_word(&against, "holder-unknown");
	if (n->notifier && (slot = ck_name_find(&t->rec.names, n->notifier)) >= 0) {
		int all = t->rec.tot[slot], acc = t->rec.acc[slot], rej = t->rec.rej[slot];
		int rev = t->rec.rev[slot];
		const struct takedown_policy *p = t->policy;

		if (all >= p->record_min &&
			(100 * rej >= p->barred_share * all || rev >= p->barred_reversals))
			add_word(&against, "notifier-record:%d/%d", rej, all);
		else if (!pro.len && acc >= p->trusted_accepts && rev == 0 &&
			100 * rej <= p->trusted_share * all && 2 * score >= t->flag)
			add_word(&pro, "trusted-notifier score:%d", score);
	}
	store_reset(t->listing);
	if (pro.len)
		add_word(&v->reasons, "%s", pro.s);
	if (against.len) {
		add_word(&v->reasons, "%s", against.s);
		v->decision = "review";
		v->lane = "review";
	} else if (pro.len) {
		v->decision = "accept";
		v->lane = strncmp(pro.s, "trusted", 7) == 0 ? "trusted" : "express";
	} else {
		add_word(&v->reasons, "no-evidence");
		v->decision = "review";
		v->lane = "review";
	}
	buf_free(&pro);
	buf_free(&against);
}

/* Write a decision to the custody log of every open case that holds its listing. */
static int to_custody(struct store *st, struct store_stmt *cases, const char *notice,
	const char *listing, const char *seller, const char *decision, const char *lane,
	const char *reasons, const char *analyst)
{
	char **ids = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (!cases || !listing)
		return 0;
	store_bind_text(cases, 1, listing);
	store_bind_text(cases, 2, seller);
	while (store_step(cases) == STORE_ROW) {
		ids = xrealloc(ids, (n + 1) * sizeof(*ids));
		ids[n++] = dupcol(cases, 0);
	}
	store_reset(cases);
	for (i = 0; i < n; i++) {
		char *detail = xasprintf("notice %s on listing %s: %s (%s): %s", notice, listing,
			decision, lane, reasons);

		if (!rc)
			rc = case_custody_add(st, ids[i], "takedown", analyst, detail);
		free(detail);
		free(ids[i]);
	}
	free(ids);
	return rc;
}

static int record(struct triage *t, const struct notice *n, const struct verdict *v)
{
	struct store_stmt *s = t->ins;
	int rc;

	store_bind_text(s, 1, n->id);
	store_bind_text(s, 2, t->now);
	store_bind_text(s, 3, t->analyst);
	store_bind_text(s, 4, v->decision);
	store_bind_text(s, 5, v->lane);
	store_bind_text(s, 6, v->reasons.s ? v->reasons.s : "");
	store_bind_text(s, 7, v->evidence.s ? v->evidence.s : "");
	store_bind_text(s, 8, v->listing);
	store_bind_text(s, 9, v->seller);
	store_bind_text(s, 10, v->network);
	store_bind_text(s, 11, n->notifier);
	store_bind_text(s, 12, v->canon);
	store_bind_int(s, 13, strcmp(v->decision, "accept") == 0 ? v->proposed : 0);
	rc = store_step(s);
	store_reset(s);
	if (rc != STORE_DONE)
		return rc;
	return to_custody(t->st, t->cases, n->id, v->listing, v->seller, v->decision, v->lane,
		v->reasons.s ? v->reasons.s : "", t->analyst);
}

static void notice_free(struct notice *n)
{
	free(n->id);
	free(n->notifier);
	free(n->brand);
	free(n->listing);
	free(n->url);
	free(n->received);
}

static void verdict_free(struct verdict *v)
{
	buf_free(&v->reasons);
	buf_free(&v->evidence);
	free(v->listing);
	free(v->seller);
	free(v->network);
}

/* Restrict the run to the notices named, through TEMP table td_only. */
static int select_only(struct store *st, const char *const *ids, size_t n)
{
	struct store_stmt *s;
	size_t i;
	int rc;

	if ((rc = store_exec(st,
		     "CREATE TEMP TABLE IF NOT EXISTS td_only(notice_id TEXT PRIMARY "
		     "KEY); DELETE FROM td_only")))
		return rc;
	if (!(s = prep(st, "INSERT OR IGNORE INTO td_only VALUES(?)")))
		return EX_SOFTWARE;
	for (i = 0; i < n; i++) {
		store_bind_text(s, 1, ids[i]);
		rc = store_step(s);
		store_reset(s);
		if (rc != STORE_DONE) {
			store_done(s);
			return rc;
		}
	}
	store_done(s);
	/* A typo must not pass for a notice already decided. */
	if (!(s = prep(st,
		      "SELECT notice_id FROM td_only WHERE notice_id NOT IN (SELECT notice_id "
		      "FROM notices) ORDER BY 1")))
		return EX_SOFTWARE;
	while (store_step(s) == STORE_ROW)
		ck_warn("notice '%s' is not in the store", col(s, 0));
	store_done(s);
	return 0;
}

static int open_screen(struct triage *t, const char *rules)
{
	int rc;

	if ((rc = screen_open(&t->sc, rules)) || (rc = screen_add_store_brands(t->sc, t->st)))
		return rc;
	t->flag = screen_flag_threshold(t->sc);
	return 0;
}

int takedown_triage(struct store *st, const struct takedown_policy *policy, const char *rules,
	const char *analyst, const char *const *ids, size_t nids, struct out *o)
{
	struct triage t;
	struct store_stmt *q = NULL;
	int rc;

	memset(&t, 0, sizeof(t));
	t.st = st;
	t.policy = policy;
	t.analyst = analyst;
	ck_clock_iso(t.now);
	t.now_s = iso_secs(t.now);
	if ((rc = open_screen(&t, rules)))
		goto out;
	/*
	 * Each notice is a handful of index searches over the whole store: the upper pages of
	 * those indexes stay in a larger cache, and mapped pages are not copied in at all.
	 */
	store_exec_quiet(st, "PRAGMA cache_size=-65536; PRAGMA mmap_size=2147418112");
	if ((rc = url_index(st)) || (rc = store_begin(st)))
		goto out;
	if ((nids && (rc = select_only(st, ids, nids))) || (rc = prepare(&t)) ||
		(rc = load_history(&t)))
		goto out;
	if (!(q = prep(st,
		      nids ? "SELECT n.notice_id, n.rights_holder, n.brand, n.listing_id, "
			     "n.url, n.received_at FROM notices n JOIN td_only USING(notice_id) "
			     "WHERE NOT EXISTS (SELECT 1 FROM notice_decisions d WHERE "
			     "d.notice_id = n.notice_id) ORDER BY n.received_at, n.notice_id"
			   : "SELECT n.notice_id, n.rights_holder, n.brand, n.listing_id, "
			     "n.url, n.received_at FROM notices n WHERE NOT EXISTS (SELECT 1 "
			     "FROM notice_decisions d WHERE d.notice_id = n.notice_id) ORDER BY "
			     "n.received_at, n.notice_id"))) {
		rc = EX_SOFTWARE;
		goto out;
	}
	while ((rc = store_step(q)) == STORE_ROW) {
		struct notice n = { dupcol(q, 0), dupcol(q, 1), dupcol(q, 2), dupcol(q, 3),
			dupcol(q, 4), dupcol(q, 5) };
		struct verdict v;
		long long at = iso_secs(n.received);
		int slot;

		memset(&v, 0, sizeof(v));
		judge(&t, &n, &v);
		rc = record(&t, &n, &v);
		if (!rc && n.notifier) {
			slot = counts_slot(&t.rec, n.notifier);
			t.rec.tot[slot]++;
			if (strcmp(v.decision, "accept") == 0)
				t.rec.acc[slot]++;
			else if (strcmp(v.decision, "reject") == 0 && at_fault(v.reasons.s))
				t.rec.rej[slot]++;
		}
		if (!rc && v.listing && v.canon && strcmp(v.decision, "reject") != 0)
			dup_add(&t, v.listing, v.canon, n.id);
		if (!rc && o) {
			out_text(o, n.id);
			out_text(o, v.decision);
			out_text(o, v.lane);
			out_text(o, v.reasons.s ? v.reasons.s : "");
			out_text(o, v.listing);
			out_text(o, v.seller);
			out_text(o, v.network);
			if (at >= 0)
				out_real(o, (double)((t.now_s - at) / 360) / 10.0);
			else
				out_null(o);
			out_end_row(o);
		}
		notice_free(&n);
		verdict_free(&v);
		if (rc)
			break;
	}
	store_done(q);
	q = NULL;
	if (!rc)
		rc = store_commit(st);
out:
	store_done(q);
	if (rc)
		store_rollback(st);
	finalize_all(&t);
	return rc;
}

int takedown_decide(struct store *st, const char *notice, const char *decision, const char *reason,
	const char *analyst)
{
	struct store_stmt *s, *cases = NULL;
	char now[21];
	int rc;
	char *listing = NULL, *seller = NULL, *network = NULL, *notifier = NULL, *brand = NULL,
	     *evidence = NULL;
	long long proposed = 0;

	if (!(s = prep(st,
		      "SELECT n.notice_id, n.rights_holder, d.listing_id, d.seller_id, "
		      "d.network_id, d.brand, d.evidence, d.proposed, "
		      "coalesce(d.listing_id, n.listing_id) FROM notices n LEFT JOIN "
		      "notice_decisions d ON d.notice_id = n.notice_id WHERE n.notice_id = ?1 "
		      "ORDER BY d.decision_id DESC LIMIT 1")))
		return EX_SOFTWARE;
	store_bind_text(s, 1, notice);
	if (store_step(s) != STORE_ROW) {
		store_done(s);
		return ck_error(EX_DATAERR, "no notice '%s' (see 'casekit takedown list')", notice);
	}
	notifier = dupcol(s, 1);
	listing = dupcol(s, 8);
	seller = dupcol(s, 3);
	network = dupcol(s, 4);
	brand = dupcol(s, 5);
	evidence = dupcol(s, 6);
	proposed = store_col_int(s, 7);
	store_done(s);
	if (!seller && listing &&
		(s = prep(st, "SELECT seller_id FROM listings WHERE listing_id = ?1"))) {
		store_bind_text(s, 1, listing);
		if (store_step(s) == STORE_ROW)
			seller = dupcol(s, 0);
		store_done(s);
	}
	ck_clock_iso(now);
	if ((rc = store_begin(st)))
		goto out;
	if (!(s = prep(st,
		      "INSERT INTO notice_decisions(notice_id, decided_at, analyst, decision, "
		      "lane, reasons, evidence, listing_id, seller_id, network_id, notifier, "
		      "brand, proposed) VALUES(?, ?, ?, ?, 'analyst', ?, ?, ?, ?, ?, ?, ?, ?)"))) {
		rc = EX_SOFTWARE;
		goto out;
	}
	store_bind_text(s, 1, notice);
	store_bind_text(s, 2, now);
	store_bind_text(s, 3, analyst);
	store_bind_text(s, 4, decision);
	store_bind_text(s, 5, reason);
	store_bind_text(s, 6, evidence ? evidence : "");
	store_bind_text(s, 7, listing);
	store_bind_text(s, 8, seller);
	store_bind_text(s, 9, network);
	store_bind_text(s, 10, notifier);
	store_bind_text(s, 11, brand);
	store_bind_int(s, 12, strcmp(decision, "accept") == 0 ? proposed : 0);
	rc = store_run(s);
	if (!rc && store_table_exists(st, "cases") &&
		(cases = prep(st,
			 "SELECT c.case_id FROM cases c WHERE c.status = 'open' AND "
			 "(EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = "
			 "c.case_id AND m.seller_id = ?2) OR EXISTS (SELECT 1 FROM "
			 "case_leads k WHERE k.case_id = c.case_id AND k.kind = "
			 "'listing' AND k.id = ?1)) ORDER BY c.case_id")))
		rc = to_custody(
			st, cases, notice, listing, seller, decision, "analyst", reason, analyst);
	store_done(cases);
	if (!rc)
		rc = store_commit(st);
out:
	if (rc)
		store_rollback(st);
	free(listing);
	free(seller);
	free(network);
	free(notifier);
	free(brand);
	free(evidence);
	return rc;
}

int takedown_expand(struct store *st, const char *rules, const char *notice)
{
	struct store_stmt *s;
	char *listing = NULL, *seller = NULL, *brand = NULL, *network = NULL, *named = NULL;
	char *url = NULL;
	struct screen *sc = NULL;
	int rc = 0;

	if (!store_table_exists(st, "scores"))
		return ck_error(EX_DATAERR, "no scores yet (run 'casekit screen')");
	if (!(s = prep(st,
		      "SELECT coalesce(d.listing_id, n.listing_id), d.brand, n.brand, n.url, "
		      "d.decision_id FROM notices n LEFT JOIN notice_decisions d ON d.notice_id = "
		      "n.notice_id WHERE n.notice_id = ?1 ORDER BY d.decision_id DESC LIMIT 1")))
		return EX_SOFTWARE;
	store_bind_text(s, 1, notice);
	if (store_step(s) != STORE_ROW) {
		store_done(s);
		return ck_error(EX_DATAERR, "no notice '%s' (see 'casekit takedown list')", notice);
	}
	listing = dupcol(s, 0);
	brand = dupcol(s, 1);
	named = dupcol(s, 2);
	url = store_col_type(s, 4) == STORE_NULL ? dupcol(s, 3) : NULL;
	store_done(s);
	/* A notice not yet triaged that gives only an address: matched as triage would. */
	if (!listing && url && (s = prep(st, URL_LOOKUP_SQL))) {
		listing = url_listing(s, url);
		store_done(s);
	}
	if (!brand && named) {
		if ((rc = screen_open(&sc, rules)) || (rc = screen_add_store_brands(sc, st)))
			goto out;
		const char *c = screen_brand_of(sc, named);

		brand = c ? xstrdup(c) : NULL;
	}
	if (!listing || !(s = prep(st, "SELECT seller_id FROM listings WHERE listing_id = ?1"))) {
		rc = listing
			? EX_SOFTWARE
			: ck_error(EX_DATAERR, "notice '%s' names no listing in the store", notice);
		goto out;
	}
	store_bind_text(s, 1, listing);
	seller = store_step(s) == STORE_ROW ? dupcol(s, 0) : NULL;
	store_done(s);
	if (!seller) {
		rc = ck_error(EX_DATAERR,
			"notice '%s' names listing '%s', which is not in the store", notice,
			listing);
		goto out;
	}
	if (!brand) {
		rc = ck_error(EX_DATAERR, "notice '%s' names no brand the rules know", notice);
		goto out;
	}
	if (store_table_exists(st, "network_members") &&
		(s = prep(st, "SELECT network_id FROM network_members WHERE seller_id = ?1"))) {
		store_bind_text(s, 1, seller);
		network = store_step(s) == STORE_ROW ? dupcol(s, 0) : NULL;
		store_done(s);
	}
	if ((rc = store_exec(st,
		     "CREATE TEMP TABLE IF NOT EXISTS td_expand(listing_id TEXT, "
		     "seller_id TEXT, network_id TEXT, score INTEGER, reasons TEXT); "
		     "DELETE FROM td_expand")))
		goto out;
	if (!(s = prep(st,
		      network ? "INSERT INTO td_expand SELECT sc.listing_id, sc.seller_id, "
				"?1, sc.score, sc.reasons FROM network_members m JOIN scores "
				"sc ON sc.seller_id = m.seller_id WHERE m.network_id = ?1 AND "
				"sc.flagged AND sc.brand = ?2 AND sc.listing_id != ?3 ORDER BY "
				"sc.score DESC, sc.listing_id"
			      : "INSERT INTO td_expand SELECT sc.listing_id, sc.seller_id, "
				"NULL, sc.score, sc.reasons FROM scores sc WHERE sc.seller_id = "
				"?4 AND sc.flagged AND sc.brand = ?2 AND sc.listing_id != ?3 "
				"ORDER BY sc.score DESC, sc.listing_id"))) {
		rc = EX_SOFTWARE;
		goto out;
	}
	store_bind_text(s, 1, network);
	store_bind_text(s, 2, brand);
	store_bind_text(s, 3, listing);
	store_bind_text(s, 4, seller);
	rc = store_run(s);
out:
	screen_close(sc);
	free(listing);
	free(seller);
	free(brand);
	free(named);
	free(network);
	free(url);
	return rc;
}
