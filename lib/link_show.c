/* link_show.c - what casekit link prints: networks, members, hubs, evidence, --explain */
#include "casekit.h"
#include "leads.h"
#include "link.h"
#include "link_show.h"
#include "money.h"
#include "output.h"
#include "store.h"

/* Print every row of s; ids_col >= 0 makes -f ids print seller:ID from that column. */
static int print_stmt(struct link_show *c, struct store_stmt *s, int ids_col)
{
	struct out *o = out_open_query(c->fp, c->fmt, s);

	if (ids_col >= 0)
		out_set_ids(o, "seller", ids_col);
	return out_query_all(o, s);
}

char *link_show_resolve(struct store *st, const char *given)
{
	struct store_stmt *s;
	char *id = NULL, *pat;
	int n = 0;

	if (!(s = store_prepare(st,
		      "SELECT network_id FROM networks WHERE network_id = ?1 UNION ALL"
		      " SELECT network_id FROM network_aliases WHERE old_id = ?1 AND network_id"
		      " IS NOT NULL")))
		return NULL;
	store_bind_text(s, 1, given);
	if (store_step(s) == STORE_ROW)
		id = xstrdup(store_col_text(s, 0));
	store_done(s);
	if (id) {
		if (strcmp(id, given) != 0)
			ck_warn("network '%s' is now '%s'", given, id);
		return id;
	}
	if (!(s = store_prepare(st,
		      "SELECT network_id FROM networks WHERE substr(network_id, 1, length(?1)) = ?1"
		      " LIMIT 2")))
		return NULL;
	pat = xstrdup(given);
	store_bind_text(s, 1, pat);
	while (store_step(s) == STORE_ROW) {
		if (!n++)
			id = xstrdup(store_col_text(s, 0));
	}
	store_done(s);
	free(pat);
	if (n == 1)
		return id;
	free(id);
	if (n > 1)
		ck_error(EX_DATAERR, "network '%s' is ambiguous: give more of its id", given);
	else
		ck_error(EX_DATAERR, "no network '%s'", given);
	return NULL;
}

int link_show_select(struct link_show *c, const char *path)
{
	struct leads l = { 0 };
	struct store_stmt *ss = NULL, *sn = NULL, *sl = NULL;
	size_t i;
	int rc;

	if ((rc = leads_read(&l, path, "seller", "seller|listing|network")))
		return rc;
	if ((rc = store_exec(c->st,
		     "CREATE TEMP TABLE lead_sellers(seller_id TEXT PRIMARY KEY);"
		     "CREATE TEMP TABLE lead_nets(network_id TEXT PRIMARY KEY)")))
		goto out;
	if (!(ss = store_prepare(c->st,
		      "INSERT OR IGNORE INTO lead_sellers SELECT ?2 WHERE ?1 = 'seller' UNION ALL"
		      " SELECT seller_id FROM listings WHERE ?1 = 'listing' AND listing_id = ?2")) ||
		!(sn = store_prepare(c->st, "INSERT OR IGNORE INTO lead_nets VALUES(?1)")) ||
		!(sl = store_prepare(c->st, "SELECT 1 FROM listings WHERE listing_id = ?1"))) {
		rc = EX_SOFTWARE;
		goto out;
	}
	for (i = 0; i < l.n && !rc; i++) {
		if (strcmp(l.v[i].kind, "network") == 0) {
			char *id = link_show_resolve(c->st, l.v[i].id);

			if (!id) {
				rc = EX_DATAERR;
				break;
			}
			store_bind_text(sn, 1, id);
			rc = store_step(sn);
			store_reset(sn);
			free(id);
			continue;
		}
		store_bind_text(ss, 1, l.v[i].kind);
		store_bind_text(ss, 2, l.v[i].id);
		rc = store_step(ss);
		store_reset(ss);
		/* asked, not told by the insert: a second listing of a lead seller adds no row */
		if (!rc && strcmp(l.v[i].kind, "listing") == 0) {
			store_bind_text(sl, 1, l.v[i].id);
			if ((rc = store_step(sl)) == STORE_DONE)
				ck_warn("%s: no listing '%s'", path, l.v[i].id);
			else if (rc == STORE_ROW)
				rc = 0;
			store_reset(sl);
		}
	}
	if (!rc)
		rc = store_exec(c->st,
			"INSERT OR IGNORE INTO lead_nets SELECT network_id"
			" FROM network_members WHERE seller_id IN lead_sellers");
	c->filtered = 1;
out:
	store_done(ss);
	store_done(sn);
	store_done(sl);
	leads_free(&l);
	return rc;
}

/*
 * The value of the flagged listings of the sellers that sellers (SQL, a condition on s) names,
 * per currency: "130.00 EUR, 5.00 USD" as text, or an array of {amount, currency} in JSON.
 */
static void value_expr(struct buf *sql, int json, const char *sellers)
{
	buf_addf(sql,
		"(SELECT %s FROM (SELECT o.currency AS cur, ck_money(sum(o.amount), o.currency)"
		" AS amount FROM scores s JOIN orders o ON o.listing_id = s.listing_id WHERE %s"
		" AND s.flagged AND o.amount IS NOT NULL AND " MONEY_PAID_ORDER
		" GROUP BY o.currency ORDER BY o.currency))",
		json ? "json_group_array(json_object('amount', json(amount), 'currency', cur))"
		     : "group_concat(amount || ' ' || cur, ', ')",
		sellers);
}

int link_show_networks(struct link_show *c)
{
	int json = c->fmt == OUT_JSON || c->fmt == OUT_NDJSON;
	struct buf sql = { 0 };
	struct store_stmt *s;
	struct out *o;

	/*
	 * Citus cannot correlate a subquery with a distributed table on a column it is not
	 * distributed by. There the query reads copies instead, made first on the workers:
	 * network members, flagged scores and their orders, a few in a hundred of each.
	 */
	if (store_is_distributed(c->st))
		buf_adds(&sql,
			"WITH network_members AS MATERIALIZED (SELECT network_id, seller_id"
			" FROM network_members), scores AS MATERIALIZED (SELECT * FROM scores"
			" WHERE flagged), orders AS MATERIALIZED (SELECT * FROM orders WHERE"
			" listing_id IN (SELECT listing_id FROM scores WHERE flagged)) ");
	buf_adds(&sql, "SELECT n.network_id, n.size, ");
	/* Members and kinds: lists, whole for a program, the first five for a person. */
	if (json)
		buf_adds(&sql,
			"(SELECT json_group_array(seller_id) FROM (SELECT seller_id FROM"
			" network_members WHERE network_id = n.network_id ORDER BY seller_id)),"
			" CASE WHEN n.kinds = '' THEN '[]' ELSE"
			" json('[\"' || replace(n.kinds, ',', '\",\"') || '\"]') END,");
	else
		buf_addf(&sql,
			"(SELECT group_concat(seller_id, ' ') FROM (SELECT seller_id FROM"
			" network_members WHERE network_id = n.network_id ORDER BY seller_id%s))%s,"
			" n.kinds,",
			c->fmt == OUT_TABLE ? " LIMIT 5" : "",
			c->fmt == OUT_TABLE ? " || CASE WHEN n.size > 5 THEN ' +' || (n.size - 5)"
					      " ELSE '' END"
					    : "");
	buf_adds(&sql,
		" (SELECT count(*) FROM network_members m JOIN scores s USING(seller_id)"
		" WHERE m.network_id = n.network_id AND s.flagged), ");
	value_expr(&sql, json,
		"s.seller_id IN (SELECT seller_id FROM network_members WHERE network_id ="
		" n.network_id)");
	buf_adds(&sql, " FROM networks n");
	if (c->filtered) {
		buf_addf(&sql,
			" WHERE n.network_id IN lead_nets UNION ALL SELECT NULL, 1, %s, %s,"
			" (SELECT count(*) FROM scores s WHERE s.seller_id = l.seller_id AND"
			" s.flagged), ",
			json ? "json_array(seller_id)" : "seller_id", json ? "'[]'" : "''");
		value_expr(&sql, json, "s.seller_id = l.seller_id");
		buf_adds(&sql,
			" FROM lead_sellers l WHERE seller_id NOT IN"
			" (SELECT seller_id FROM network_members)");
	}
	buf_adds(&sql, " ORDER BY 2 DESC, 1, 3");
	s = store_prepare(c->st, sql.s);
	buf_free(&sql);
	if (!s)
		return EX_SOFTWARE;
	{
		static const char *const cols[] = { "network_id", "size", "members", "kinds",
			"flagged", "flagged_value" };

		o = out_open(c->fp, c->fmt, cols, 6);
	}
	out_set_json(o, 2);
	out_set_json(o, 3);
	out_set_json(o, 5);
	return out_query_all(o, s);
}

int link_show_members(struct link_show *c, const char *network)
{
	struct buf sql = { 0 };
	struct store_stmt *s;

	buf_adds(&sql, "SELECT * FROM (SELECT network_id, seller_id FROM network_members");
	if (network)
		buf_adds(&sql, " WHERE network_id = ?1");
	else if (c->filtered)
		buf_adds(&sql,
			" WHERE network_id IN lead_nets UNION ALL SELECT NULL, seller_id"
			" FROM lead_sellers WHERE seller_id NOT IN"
			" (SELECT seller_id FROM network_members)");
	buf_adds(&sql, ") ORDER BY network_id IS NULL, 1, 2");
	s = store_prepare(c->st, sql.s);
	buf_free(&sql);
	if (!s)
		return EX_SOFTWARE;
	if (network)
		store_bind_text(s, 1, network);
	return print_stmt(c, s, 1);
}

int link_show_hubs(struct link_show *c)
{
	struct store_stmt *s = store_prepare(c->st,
		"SELECT kind, display AS value, holders, day FROM link_hubs"
		" ORDER BY holders DESC, kind, display");

	return s ? print_stmt(c, s, -1) : EX_SOFTWARE;
}

static int is_bridge(char **pairs, size_t n, const char *a, const char *b)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((strcmp(pairs[2 * i], a) == 0 && strcmp(pairs[2 * i + 1], b) == 0) ||
			(strcmp(pairs[2 * i], b) == 0 && strcmp(pairs[2 * i + 1], a) == 0))
			return 1;
	return 0;
}

int link_show_network(struct link_show *c, const char *given)
{
	static const char *const cols[] = { "network_id", "edge", "seller_a", "seller_b", "kind",
		"value", "weight", "holders", "source_a", "source_b", "bridge", "comparator",
		"score" };
	char *id = link_show_resolve(c->st, given), **bridges = NULL;
	size_t nb = 0, i;
	struct store_stmt *s = NULL;
	struct out *o;
	int rc;

	if (!id)
		return EX_DATAERR;
	if (c->fmt == OUT_IDS) {
		rc = link_show_members(c, id);
		free(id);
		return rc;
	}
	if ((rc = link_bridges(c->st, c->p, id, &bridges, &nb)) ||
		!(s = store_prepare(c->st,
			  "SELECT e.edge_id, e.seller_a, e.seller_b, e.kind,"
			  " CASE WHEN e.kind = 'payment' THEN coalesce(xa.raw, e.value)"
			  " ELSE e.value END, round(e.weight, 2), e.holders,"
			  " coalesce(sa.path, '?') || ':' || xa.line,"
			  " coalesce(sb.path, '?') || ':' || xb.line, e.comparator, e.score"
			  " FROM link_edges e"
			  " LEFT JOIN identifiers xa ON xa.ident_id = e.ident_a"
			  " LEFT JOIN identifiers xb ON xb.ident_id = e.ident_b"
			  " LEFT JOIN sources sa ON sa.source_id = xa.source_id"
			  " LEFT JOIN sources sb ON sb.source_id = xb.source_id"
			  " WHERE e.network_id = ?1 ORDER BY e.edge_id, e.kind"))) {
		rc = rc ? rc : EX_SOFTWARE;
		goto out;
	}
	store_bind_text(s, 1, id);
	o = out_open(c->fp, c->fmt, cols, 13);
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *a = store_col_text(s, 1);
		const char *b = store_col_text(s, 2);

		out_text(o, id);
		for (i = 0; i < 9; i++) {
			if (i == 5)
				out_real(o, store_col_double(s, 5));
			else if (i == 0 || i == 6)
				out_int(o, store_col_int(s, (int)i));
			else
				out_text(o, store_col_text(s, (int)i));
		}
		out_text(o, is_bridge(bridges, nb, a, b) ? "yes" : "no");
		out_text(o, store_col_text(s, 9));
		if (store_col_type(s, 10) == STORE_NULL)
			out_null(o);
		else
			out_real(o, store_col_double(s, 10));
		out_end_row(o);
	}
	store_done(s);
	rc = rc ? (out_close(o), rc) : out_close(o);
out:
	for (i = 0; i < 2 * nb; i++)
		free(bridges[i]);
	free(bridges);
	free(id);
	return rc;
}

static char *network_of(struct link_show *c, const char *seller)
{
	struct store_stmt *s =
		store_prepare(c->st, "SELECT network_id FROM network_members WHERE seller_id = ?1");
	char *id = NULL;

	if (!s)
		return NULL;
	store_bind_text(s, 1, seller);
	if (store_step(s) == STORE_ROW)
		id = xstrdup(store_col_text(s, 0));
	store_done(s);
	return id;
}

static int seller_known(struct link_show *c, const char *seller)
{
	struct store_stmt *s = store_prepare(c->st,
		"SELECT 1 FROM sellers WHERE seller_id = ?1 UNION ALL SELECT 1 FROM identifiers"
		" WHERE holder_id = ?1 AND holder_kind = 'seller' LIMIT 1");
	int known;

	if (!s)
		return 0;
	store_bind_text(s, 1, seller);
	known = store_step(s) == STORE_ROW;
	store_done(s);
	return known;
}

static const char *const explain_cols[] = { "step", "seller_a", "seller_b", "kind", "value",
	"weight", "holders", "source_a", "source_b", "note" };

/* Print the pieces of one pair; counting pieces only when counting_only. */
static void explain_rows(struct link_show *c, struct out *o, int step, const char *a, const char *b,
	const struct link_pair *pr, int counting_only)
{
	struct buf note = { 0 };
	size_t i;

	for (i = 0; i < pr->n; i++) {
		const struct link_piece *pc = &pr->v[i];

		if (counting_only && pc->why)
			continue;
		buf_reset(&note);
		if (!pc->why)
			buf_adds(&note,
				pc->weight >= c->p->threshold ? "joins on its own"
							      : "counts toward the threshold");
		else if (strcmp(pc->why, "a hub") == 0 && pc->field_a && pc->field_b &&
			strcmp(pc->field_a, pc->field_b) == 0)
			buf_addf(&note, "both use it as %s, but it is a hub held by %ld accounts",
				pc->field_a, pc->holders);
		else if (strcmp(pc->why, "a hub") == 0)
			buf_addf(&note, "a hub held by %ld accounts: links nobody", pc->holders);
		else
			buf_adds(&note, pc->why);
		out_int(o, step);
		out_text(o, a);
		out_text(o, b);
		out_text(o, pc->kind);
		out_text(o, pc->display);
		if (pc->why)
			out_null(o);
		else
			out_real(o, (double)(long long)(pc->weight * 100 + 0.5) / 100);
		if (pc->holders)
			out_int(o, pc->holders);
		else
			out_null(o);
		out_text(o, pc->source_a);
		out_text(o, pc->source_b);
		out_text(o, note.s);
		out_end_row(o);
	}
	buf_free(&note);
}

/* The fuzzy pieces stored for the forest edge a-b (they are not in the identifiers). */
static int explain_fuzzy(struct link_show *c, struct out *o, int step, const char *a, const char *b)
{
	struct store_stmt *s = store_prepare(c->st,
		"SELECT e.kind, e.value, round(e.weight, 2), coalesce(sa.path, '?') || ':' || xa.line,"
		" coalesce(sb.path, '?') || ':' || xb.line, 'fuzzy: ' || e.comparator || ' ' ||"
		" e.score FROM link_edges e"
		" LEFT JOIN identifiers xa ON xa.ident_id = e.ident_a"
		" LEFT JOIN identifiers xb ON xb.ident_id = e.ident_b"
		" LEFT JOIN sources sa ON sa.source_id = xa.source_id"
		" LEFT JOIN sources sb ON sb.source_id = xb.source_id"
		" WHERE e.comparator IS NOT NULL AND ((e.seller_a = ?1 AND e.seller_b = ?2)"
		" OR (e.seller_a = ?2 AND e.seller_b = ?1)) ORDER BY e.edge_id, e.kind");

	if (!s)
		return EX_SOFTWARE;
	store_bind_text(s, 1, a);
	store_bind_text(s, 2, b);
	while (store_step(s) == STORE_ROW) {
		out_int(o, step);
		out_text(o, a);
		out_text(o, b);
		out_text(o, store_col_text(s, 0));
		out_text(o, store_col_text(s, 1));
		out_real(o, store_col_double(s, 2));
		out_null(o);
		out_text(o, store_col_text(s, 3));
		out_text(o, store_col_text(s, 4));
		out_text(o, store_col_text(s, 5));
		out_end_row(o);
	}
	store_done(s);
	return 0;
}

/* "path:line" of an identifiers row, malloc'd, or NULL. */
static char *ident_source(struct link_show *c, long long id)
{
	struct store_stmt *s;
	char *r = NULL;

	if (!id ||
		!(s = store_prepare(c->st,
			  "SELECT coalesce(s.path, '?') || ':' || i.line"
			  " FROM identifiers i LEFT JOIN sources s"
			  " ON s.source_id = i.source_id WHERE i.ident_id = ?1")))
		return NULL;
	store_bind_int(s, 1, id);
	if (store_step(s) == STORE_ROW && store_col_text(s, 0))
		r = xstrdup(store_col_text(s, 0));
	store_done(s);
	return r;
}

/* The pieces --fuzzy finds for a pair it did not join, as rows of step 0. */
static void explain_fuzzy_rows(struct link_show *c, struct out *o, const char *a, const char *b,
	const struct link_fuzzy *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		char *sa = ident_source(c, f->v[i].ident_a), *sb = ident_source(c, f->v[i].ident_b);
		char *note = f->v[i].apart
			? xasprintf("fuzzy: %s: another place", f->v[i].comparator)
			: xasprintf("fuzzy: %s %g", f->v[i].comparator, f->v[i].score);

		out_int(o, 0);
		out_text(o, a);
		out_text(o, b);
		out_text(o, f->v[i].kind);
		out_text(o, f->v[i].value);
		out_real(o, f->v[i].weight);
		out_null(o);
		out_text(o, sa);
		out_text(o, sb);
		out_text(o, note);
		out_end_row(o);
		free(sa);
		free(sb);
		free(note);
	}
}

/* The chain of forest edges from a to b inside network id (breadth first). */
static int forest_path(
	struct link_show *c, const char *id, const char *a, const char *b, char ***path, size_t *n)
{
	struct store_stmt *s = store_prepare(
		c->st, "SELECT DISTINCT seller_a, seller_b FROM link_edges WHERE network_id = ?1");
	char **ea = NULL, **eb = NULL, **q = NULL;
	size_t ne = 0, cap = 0, i, head = 0, nq = 0;
	size_t *prev = NULL;

	if (!s)
		return EX_SOFTWARE;
	store_bind_text(s, 1, id);
	while (store_step(s) == STORE_ROW) {
		if (ne == cap) {
			cap = cap ? 2 * cap : 64;
			ea = xrealloc(ea, cap * sizeof(*ea));
			eb = xrealloc(eb, cap * sizeof(*eb));
		}
		ea[ne] = xstrdup(store_col_text(s, 0));
		eb[ne++] = xstrdup(store_col_text(s, 1));
	}
	store_done(s);
	/* Nodes are visited once each: q holds them, prev the index of the one before. */
	q = xmalloc((ne + 2) * sizeof(*q));
	prev = xmalloc((ne + 2) * sizeof(*prev));
	q[nq] = (char *)a;
	prev[nq++] = (size_t)-1;
	for (head = 0; head < nq && strcmp(q[head], b) != 0; head++)
		for (i = 0; i < ne; i++) {
			const char *o = strcmp(ea[i], q[head]) == 0 ? eb[i]
				: strcmp(eb[i], q[head]) == 0       ? ea[i]
								    : NULL;
			size_t k;

			if (!o)
				continue;
			for (k = 0; k < nq && strcmp(q[k], o) != 0; k++)
				;
			if (k < nq || nq >= ne + 2)
				continue;
			q[nq] = (char *)o;
			prev[nq++] = head;
		}
	*path = NULL;
	*n = 0;
	if (head < nq) {
		size_t k, len = 0;

		for (k = head; k != (size_t)-1; k = prev[k])
			len++;
		*path = xmalloc(len * sizeof(**path));
		*n = len;
		for (k = head; k != (size_t)-1; k = prev[k])
			(*path)[--len] = xstrdup(q[k]);
	}
	for (i = 0; i < ne; i++) {
		free(ea[i]);
		free(eb[i]);
	}
	free(ea);
	free(eb);
	free(q);
	free(prev);
	return 0;
}

int link_show_explain(struct link_show *c, const char *a, const char *b)
{
	char *na, *nb, **path = NULL;
	struct link_fuzzy fz = { .n = 0 };
	struct link_pair pr;
	size_t n = 0, i;
	struct out *o;
	int rc = 0, joined;

	if (!seller_known(c, a))
		return ck_error(EX_DATAERR, "no seller '%s'", a);
	if (!seller_known(c, b))
		return ck_error(EX_DATAERR, "no seller '%s'", b);
	na = network_of(c, a);
	nb = network_of(c, b);
	joined = na && nb && strcmp(na, nb) == 0;
	if (joined && (rc = forest_path(c, na, a, b, &path, &n)))
		goto out;
	o = out_open(c->fp, c->fmt, explain_cols, 10);
	if (joined && n >= 2) {
		for (i = 0; i + 1 < n && !rc; i++) {
			if ((rc = link_pair_evidence(c->st, c->p, path[i], path[i + 1], &pr)))
				break;
			explain_rows(c, o, (int)i + 1, path[i], path[i + 1], &pr, 1);
			link_pair_free(&pr);
			rc = explain_fuzzy(c, o, (int)i + 1, path[i], path[i + 1]);
		}
		out_close(o);
		if (!rc && !ck.quiet)
			fprintf(stderr,
				"casekit link: %s and %s are joined in network %s by %zu step%s\n",
				a, b, na, n - 1, n == 2 ? "" : "s");
		goto out;
	}
	if ((rc = link_pair_evidence(c->st, c->p, a, b, &pr))) {
		out_close(o);
		goto out;
	}
	explain_rows(c, o, 0, a, b, &pr, 0);
	if (c->p->fuzzy && (rc = link_fuzzy_pair(c->st, a, b, &fz))) {
		out_close(o);
		link_pair_free(&pr);
		goto out;
	}
	explain_fuzzy_rows(c, o, a, b, &fz);
	if ((rc = out_close(o)) == 0) {
		rc = 1;
		if (ck.quiet)
			;
		else if (!pr.n)
			fprintf(stderr,
				"casekit link: %s and %s are not joined: they share no identifier\n",
				a, b);
		else if (pr.score == 0)
			fprintf(stderr,
				"casekit link: %s and %s are not joined: no value they share counts\n",
				a, b);
		else
			fprintf(stderr,
				"casekit link: %s and %s are not joined: their evidence weighs %.2f bits,"
				" the threshold is %.2f\n",
				a, b, pr.score, c->p->threshold);
		if (ck.quiet || !c->p->fuzzy)
			;
		else if (!fz.blocked)
			fprintf(stderr,
				"casekit link: --fuzzy never compared them: they share no name, no"
				" name token with the same address digits and no half of an id\n");
		else if (fz.sum < c->p->threshold)
			fprintf(stderr,
				"casekit link: --fuzzy: their near matches weigh %.2f bits, the"
				" threshold is %.2f\n",
				fz.sum, c->p->threshold);
		else
			fprintf(stderr,
				"casekit link: --fuzzy: their near matches weigh %.2f bits, but every"
				" key they share is held by more than %d accounts, so they were never"
				" compared\n",
				fz.sum, LINK_FUZZY_BLOCK_CAP);
		if (!ck.quiet && (na || nb))
			fprintf(stderr, "casekit link: %s is in %s, %s in %s\n", a,
				na ? na : "no network", b, nb ? nb : "no network");
	}
	link_pair_free(&pr);
	link_fuzzy_free(&fz);
out:
	for (i = 0; i < n; i++)
		free(path[i]);
	free(path);
	free(na);
	free(nb);
	return rc;
}

/* A seller as a DOT node: its id and shop, filled red when it has flagged listings. */
static void dot_seller(
	FILE *fp, const char *indent, const char *id, const char *shop, long long flagged)
{
	char *node = xasprintf("seller:%s", id), *label;

	label = flagged ? xasprintf("%s\n%s\n%lld flagged", id, shop, flagged)
			: xasprintf("%s\n%s", id, shop);
	fputs(indent, fp);
	out_dot_str(fp, node);
	fprintf(fp, " [fillcolor=\"%s\", label=", flagged ? "#f4c7c3" : "#e8eef7");
	out_dot_str(fp, label);
	fputs("];\n", fp);
	free(node);
	free(label);
}

/* The sellers of the rows of s (seller_id, shop name, flagged listings), given back here. */
static int dot_sellers(FILE *fp, const char *indent, struct store_stmt *s)
{
	int rc;

	while ((rc = store_step(s)) == STORE_ROW)
		dot_seller(fp, indent, store_col_text(s, 0), store_col_text(s, 1),
			store_col_int(s, 2));
	store_done(s);
	return rc;
}

/* One network as a cluster: its sellers, and one line per evidence edge with its kinds. */
static int dot_network(struct link_show *c, const char *id, const char *label)
{
	struct store_stmt *s;
	char *cluster = xasprintf("cluster_%s", id);
	int rc;

	fputs("\tsubgraph ", c->fp);
	out_dot_str(c->fp, cluster);
	fputs(" {\n\t\tlabel=", c->fp);
	out_dot_str(c->fp, label);
	fputs(";\n", c->fp);
	free(cluster);
	if (!(s = store_prepare(c->st,
		      "SELECT m.seller_id, coalesce(s.shop_name, ''), (SELECT count(*) FROM scores sc"
		      " WHERE sc.seller_id = m.seller_id AND sc.flagged) FROM network_members m"
		      " LEFT JOIN sellers s ON s.seller_id = m.seller_id WHERE m.network_id = ?1"
		      " ORDER BY m.seller_id")))
		return EX_SOFTWARE;
	store_bind_text(s, 1, id);
	if ((rc = dot_sellers(c->fp, "\t\t", s)))
		return rc;
	/* the pieces of one edge (same edge_id) are one line; fuzzy evidence is dashed */
	if (!(s = store_prepare(c->st,
		      "SELECT seller_a, seller_b, group_concat(kind, ', '), max(CASE WHEN comparator IS NULL THEN 0 ELSE 1 END)"
		      " FROM (SELECT edge_id, seller_a, seller_b, kind, comparator FROM link_edges"
		      " WHERE network_id = ?1 ORDER BY edge_id, kind) GROUP BY edge_id, seller_a, seller_b"
		      " ORDER BY edge_id")))
		return EX_SOFTWARE;
	store_bind_text(s, 1, id);
	while ((rc = store_step(s)) == STORE_ROW) {
		char *a = xasprintf("seller:%s", store_col_text(s, 0));
		char *b = xasprintf("seller:%s", store_col_text(s, 1));

		fputs("\t\t", c->fp);
		out_dot_str(c->fp, a);
		fputs(" -- ", c->fp);
		out_dot_str(c->fp, b);
		fputs(" [label=", c->fp);
		out_dot_str(c->fp, store_col_text(s, 2));
		fputs(store_col_int(s, 3) ? ", style=dashed];\n" : "];\n", c->fp);
		free(a);
		free(b);
	}
	store_done(s);
	fputs("\t}\n", c->fp);
	return rc;
}

int link_show_dot(struct link_show *c, const char *network)
{
	struct buf sql = { 0 };
	struct store_stmt *s;
	int rc;

	fputs("graph networks {\n\tgraph [fontname=\"Helvetica\", labeljust=l];\n"
	      "\tnode [shape=box, style=filled, fontname=\"Helvetica\", fontsize=10];\n"
	      "\tedge [color=\"#b3261e\", fontname=\"Helvetica\", fontsize=9];\n",
		c->fp);
	buf_adds(&sql,
		"SELECT n.network_id, n.size, n.kinds, (SELECT count(*) FROM network_members m"
		" JOIN scores s USING(seller_id) WHERE m.network_id = n.network_id AND s.flagged)"
		" FROM networks n");
	if (network)
		buf_adds(&sql, " WHERE n.network_id = ?1");
	else if (c->filtered)
		buf_adds(&sql, " WHERE n.network_id IN lead_nets");
	buf_adds(&sql, " ORDER BY n.size DESC, n.network_id");
	s = store_prepare(c->st, sql.s);
	buf_free(&sql);
	if (!s)
		return EX_SOFTWARE;
	if (network)
		store_bind_text(s, 1, network);
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *kinds = store_col_text(s, 2);
		char *label = xasprintf("%s: %lld accounts (%s), %lld flagged listings",
			store_col_text(s, 0), (long long)store_col_int(s, 1),
			kinds && *kinds ? kinds : "-", (long long)store_col_int(s, 3));

		rc = dot_network(c, store_col_text(s, 0), label);
		free(label);
		if (rc)
			break;
	}
	store_done(s);
	/* --from: the lead sellers in no network stand alone */
	if (!rc && !network && c->filtered) {
		if (!(s = store_prepare(c->st,
			      "SELECT l.seller_id, coalesce(s.shop_name, ''), (SELECT count(*) FROM"
			      " scores sc WHERE sc.seller_id = l.seller_id AND sc.flagged) FROM"
			      " lead_sellers l LEFT JOIN sellers s ON s.seller_id = l.seller_id WHERE"
			      " l.seller_id NOT IN (SELECT seller_id FROM network_members)"
			      " ORDER BY l.seller_id")))
			return EX_SOFTWARE;
		rc = dot_sellers(c->fp, "\t", s);
	}
	if (rc)
		return rc;
	fputs("}\n", c->fp);
	return ferror(c->fp) ? ck_error(EX_IOERR, "cannot write: %s", strerror(errno)) : 0;
}
