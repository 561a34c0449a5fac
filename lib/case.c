/* case.c - cases: leads, members, custody log, grades, and the rows a case gathers */
#include "casekit.h"
#include "case.h"
#include "leads.h"
#include "link_show.h"
#include "money.h"
#include "store.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>

static void hex(const unsigned char *d, unsigned n, char *out)
{
	unsigned i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int count_case(struct store *st, const char *sql, const char *case_id, long long *n);

int case_store_digest(struct store *st, char out[65])
{
	struct store_stmt *s;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned char d[32];
	unsigned n;
	struct buf line = { 0 };
	int rc;

	if (!m || EVP_DigestInit_ex(m, EVP_sha256(), NULL) != 1)
		ck_bug("sha256");
	if (!(s = store_prepare(st,
		      "SELECT source_id, sha256, rows_kept, rows_rejected FROM sources ORDER BY "
		      "source_id"))) {
		EVP_MD_CTX_free(m);
		return EX_SOFTWARE;
	}
	while ((rc = store_step(s)) == STORE_ROW) {
		buf_reset(&line);
		buf_addf(&line, "source %lld %s %lld %lld\n", (long long)store_col_int(s, 0),
			store_col_text(s, 1), (long long)store_col_int(s, 2),
			(long long)store_col_int(s, 3));
		EVP_DigestUpdate(m, line.s, line.len);
	}
	store_done(s);
	if (rc) {
		EVP_MD_CTX_free(m);
		buf_free(&line);
		return rc;
	}
	/*
	 * The derived tables are what the runs made: the last run of each names them. Counting
	 * every table's rows instead read the whole store for every action.
	 */
	{
		static const char *const runs[] = { "screen_runs", "link_runs" };
		size_t i;

		for (i = 0; i < sizeof(runs) / sizeof(*runs); i++) {
			long long last = 0;
			char *sql;

			if (!store_table_exists(st, runs[i]))
				continue;
			sql = xasprintf("SELECT coalesce(max(run_id), 0) FROM %s", runs[i]);
			count_case(st, sql, NULL, &last);
			free(sql);
			buf_reset(&line);
			buf_addf(&line, "run %s %lld\n", runs[i], last);
			EVP_DigestUpdate(m, line.s, line.len);
		}
	}
	EVP_DigestFinal_ex(m, d, &n);
	EVP_MD_CTX_free(m);
	buf_free(&line);
	hex(d, n, out);
	return 0;
}

static char *remembered;

/* The command line as a shell would need it typed again. */
static char *command_line(void)
{
	struct buf b = { 0 };
	int i;

	if (remembered)
		return xstrdup(remembered);
	for (i = 0; i < ck.argc && ck.argv[i]; i++) {
		const char *a = ck.argv[i], *p;

		if (i)
			buf_addc(&b, ' ');
		if (*a && !a[strcspn(a, " \t\n'\"\\$`*?[]{}()<>|&;#~!")]) {
			buf_adds(&b, a);
			continue;
		}
		buf_addc(&b, '\'');
		for (p = a; *p; p++) {
			if (*p == '\'')
				buf_adds(&b, "'\\''");
			else
				buf_addc(&b, *p);
		}
		buf_addc(&b, '\'');
	}
	if (!b.s)
		buf_adds(&b, "");
	return buf_detach(&b);
}

void case_remember_command(void)
{
	free(remembered);
	remembered = NULL;
	remembered = command_line();
}

/* The hash of one custody entry: SHA-256 over its fields, one per line, prev first. */
static void entry_hash(const char *const f[9], char out[65])
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned char d[32];
	unsigned n;
	int i;

	if (!m || EVP_DigestInit_ex(m, EVP_sha256(), NULL) != 1)
		ck_bug("sha256");
	for (i = 0; i < 9; i++) {
		const char *v = f[i] ? f[i] : "";

		EVP_DigestUpdate(m, v, strlen(v) + 1); /* the NUL separates the fields */
	}
	EVP_DigestFinal_ex(m, d, &n);
	EVP_MD_CTX_free(m);
	hex(d, n, out);
}

static const char genesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

int case_custody_add(struct store *st, const char *case_id, const char *action, const char *analyst,
	const char *detail)
{
	struct store_stmt *s;
	char now[21], digest[65], h[65], *prev = NULL, *cmd;
	const char *f[9];
	int rc;

	if ((rc = case_store_digest(st, digest)))
		return rc;
	if (!(s = store_prepare(
		      st, "SELECT hash FROM custody WHERE case_id = ?1 ORDER BY seq DESC")))
		return EX_SOFTWARE;
	store_bind_text(s, 1, case_id);
	rc = store_step(s);
	prev = xstrdup(rc == STORE_ROW ? store_col_text(s, 0) : genesis);
	store_done(s);
	if (rc != STORE_ROW && rc != STORE_DONE) {
		free(prev);
		return rc;
	}
	ck_clock_iso(now);
	cmd = command_line();
	f[0] = prev;
	f[1] = case_id;
	f[2] = action;
	f[3] = now;
	f[4] = analyst;
	f[5] = PACKAGE_STRING;
	f[6] = cmd;
	f[7] = digest;
	f[8] = detail;
	entry_hash(f, h);
	if (!(s = store_prepare(st,
		      "INSERT INTO custody(case_id, action, at, analyst, version, command, "
		      "store_digest, detail, prev, hash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
		      "?10)"))) {
		free(prev);
		free(cmd);
		return EX_SOFTWARE;
	}
	store_bind_text(s, 1, case_id);
	store_bind_text(s, 2, action);
	store_bind_text(s, 3, now);
	store_bind_text(s, 4, analyst);
	store_bind_text(s, 5, PACKAGE_STRING);
	store_bind_text(s, 6, cmd);
	store_bind_text(s, 7, digest);
	store_bind_text(s, 8, detail);
	store_bind_text(s, 9, prev);
	store_bind_text(s, 10, h);
	rc = store_run(s);
	free(prev);
	free(cmd);
	return rc;
}

int case_custody_last(
	struct store *st, const char *case_id, long long *seq, char at[21], char hash[65])
{
	struct store_stmt *s = store_prepare(st,
		"SELECT seq, at, hash FROM custody WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1");
	int rc;

	if (!s)
		return EX_SOFTWARE;
	store_bind_text(s, 1, case_id);
	if ((rc = store_step(s)) == STORE_ROW) {
		*seq = store_col_int(s, 0);
		snprintf(at, 21, "%s", store_col_text(s, 1));
		snprintf(hash, 65, "%s", store_col_text(s, 2));
		rc = 0;
	} else if (rc == STORE_DONE) {
		rc = ck_error(EX_SOFTWARE, "%s: no custody entry", case_id);
	}
	store_done(s);
	return rc;
}

int case_custody_check(struct store *st, const char *case_id, char why[256])
{
	struct store_stmt *s;
	char prev[65], h[65];
	int bad = 0;

	strcpy(prev, genesis);
	if (!(s = store_prepare(st,
		      "SELECT seq, prev, case_id, action, at, analyst, version, command, "
		      "store_digest, detail, hash FROM custody WHERE case_id = ?1 ORDER BY seq")))
		return EX_SOFTWARE;
	store_bind_text(s, 1, case_id);
	while (!bad && store_step(s) == STORE_ROW) {
		const char *f[9];
		int i;

		for (i = 0; i < 9; i++)
			f[i] = store_col_text(s, i + 1);
		entry_hash(f, h);
		if (!f[0] || strcmp(f[0], prev) != 0) {
			snprintf(why, 256, "custody entry %lld does not follow the entry before it",
				(long long)store_col_int(s, 0));
			bad = 1;
		} else if (strcmp(h, store_col_text(s, 10)) != 0) {
			snprintf(why, 256, "custody entry %lld was changed after it was written",
				(long long)store_col_int(s, 0));
			bad = 1;
		}
		memcpy(prev, h, 65);
	}
	store_done(s);
	return bad;
}

char *case_new_id(struct store *st)
{
	struct store_stmt *s;
	char now[21], prefix[16];
	long long n = 0;

	ck_clock_iso(now);
	snprintf(prefix, sizeof(prefix), "CASE-%.4s-", now);
	if ((s = store_prepare(st,
		     "SELECT max(CAST(substr(case_id, 11) AS INTEGER)) FROM cases "
		     "WHERE substr(case_id, 1, 10) = ?1"))) {
		store_bind_text(s, 1, prefix);
		if (store_step(s) == STORE_ROW)
			n = store_col_int(s, 0);
		store_done(s);
	}
	return xasprintf("%s%04lld", prefix, n + 1);
}

/* Run sql with ?1 bound to case_id (when given), every row it gives ignored; 0 or EX_*. */
static int exec_case(struct store *st, const char *sql, const char *case_id)
{
	struct store_stmt *s = store_prepare(st, sql);
	int rc;

	if (!s)
		return EX_SOFTWARE;
	if (case_id)
		store_bind_text(s, 1, case_id);
	while ((rc = store_step(s)) == STORE_ROW)
		;
	store_done(s);
	return rc;
}

/* Run sql with ?1 bound to case_id and count its rows into *n (NULL: ignore them). */
static int count_case(struct store *st, const char *sql, const char *case_id, long long *n)
{
	struct store_stmt *s = store_prepare(st, sql);
	int rc;

	*n = 0;
	if (!s)
		return EX_SOFTWARE;
	if (case_id)
		store_bind_text(s, 1, case_id);
	if ((rc = store_step(s)) == STORE_ROW)
		*n = store_col_int(s, 0);
	store_done(s);
	return rc == STORE_ROW ? 0 : rc;
}

/*
 * The TEMP tables a case is read through, empty. Filled either from the store as it is now
 * (gather_live) or from the case's snapshot (load_snapshot); every section reads only these
 * and rows looked up by their ids.
 */
static int temp_tables(struct store *st)
{
	int rc, citus = store_is_distributed(st);

	/* Ids sort as people read them: link:20 before link:100 (COLLATE ck_natural). */
	rc = store_exec(st,
		"DROP TABLE IF EXISTS temp.case_sellers; DROP TABLE IF EXISTS temp.case_listings;"
		"DROP TABLE IF EXISTS temp.case_orders; DROP TABLE IF EXISTS temp.case_testbuys;"
		"DROP TABLE IF EXISTS temp.case_takedowns;"
		"DROP TABLE IF EXISTS temp.case_parties; DROP TABLE IF EXISTS temp.case_edges;"
		"DROP TABLE IF EXISTS temp.case_findings; DROP TABLE IF EXISTS temp.case_pending;"
		"DROP TABLE IF EXISTS temp.case_party_totals;"
		"CREATE TEMP TABLE case_sellers(seller_id TEXT PRIMARY KEY, network_id TEXT, via TEXT);"
		"CREATE TEMP TABLE case_listings(listing_id TEXT PRIMARY KEY, seller_id TEXT, why TEXT,"
		"  price INTEGER, currency TEXT);"
		"CREATE TEMP TABLE case_orders(order_id TEXT PRIMARY KEY, listing_id TEXT,"
		"  seller_id TEXT, amount INTEGER, currency TEXT, status TEXT);"
		"CREATE TEMP TABLE case_testbuys(testbuy_id TEXT PRIMARY KEY, listing_id TEXT,"
		"  verdict TEXT);"
		"CREATE TEMP TABLE case_takedowns(notice_id TEXT PRIMARY KEY, listing_id TEXT);"
		"CREATE TEMP TABLE case_parties(party_id TEXT PRIMARY KEY, depth INTEGER, via TEXT);"
		"CREATE TEMP TABLE case_party_totals(party_id TEXT PRIMARY KEY, n BIGINT, q BIGINT);"
		"CREATE TEMP TABLE case_edges(edge_id INTEGER, seller_a TEXT, seller_b TEXT, kind TEXT,"
		"  value TEXT, weight REAL, holders INTEGER, comparator TEXT, file_a TEXT, line_a INTEGER,"
		"  file_b TEXT, line_b INTEGER, ident_a INTEGER, ident_b INTEGER);"
		"CREATE TEMP TABLE case_findings(finding TEXT PRIMARY KEY, kind TEXT, subject TEXT,"
		"  what TEXT, reliability TEXT, confidence INTEGER, handling TEXT, rule TEXT,"
		"  file TEXT, line INTEGER);"
		"CREATE TEMP TABLE case_pending(what TEXT);");
	/*
	 * Citus warns that a view on a temporary table stays on the coordinator, which is what
	 * it is for: errors only, for that statement.
	 */
	if (!rc && citus)
		rc = store_exec(st, "SET client_min_messages = error");
	/*
	 * The case's goods: shipments from its upstream parties to its members or to other
	 * upstream parties. Found from the receiving end (the + keeps SQLite off the sender's
	 * index), so a factory that ships to the whole store costs only what reaches the case.
	 */
	if (!rc)
		rc = store_exec(st,
			"DROP VIEW IF EXISTS temp.case_goods;"
			"CREATE TEMP VIEW case_goods AS SELECT * FROM main.shipments sh"
			"  WHERE +sh.from_id IN (SELECT party_id FROM case_parties)"
			"  AND (sh.to_id IN (SELECT seller_id FROM case_sellers)"
			"  OR sh.to_id IN (SELECT party_id FROM case_parties));");
	if (citus) {
		int rc2 = store_exec(st, "SET client_min_messages = warning");

		rc = rc ? rc : rc2;
	}
	return rc;
}

/*
 * The members as the leads reach them now: a seller lead, the seller of a listing lead, the
 * members of a network lead, and the sellers a party lead ships to; each then brings its
 * whole network (when casekit link has run).
 */
static int live_members(struct store *st, const char *case_id)
{
	int linked = store_table_exists(st, "network_members"), rc;

	rc = exec_case(st,
		"INSERT OR IGNORE INTO case_sellers(seller_id, via) "
		"SELECT id, 'seller:' || id FROM case_leads WHERE case_id = ?1 AND kind = 'seller' "
		"UNION ALL SELECT l.seller_id, 'listing:' || l.listing_id FROM case_leads c "
		"JOIN listings l ON l.listing_id = c.id WHERE c.case_id = ?1 AND c.kind = 'listing'",
		case_id);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_sellers(seller_id, via) "
			"SELECT s.seller_id, 'party:' || c.id FROM case_leads c "
			"JOIN shipments sh ON sh.from_id = c.id JOIN sellers s ON s.seller_id = sh.to_id "
			"WHERE c.case_id = ?1 AND c.kind = 'party'",
			case_id);
	if (!rc && linked) {
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_sellers(seller_id, via) "
			"SELECT m.seller_id, 'network:' || c.id FROM case_leads c "
			"JOIN network_members m ON m.network_id = c.id "
			"WHERE c.case_id = ?1 AND c.kind = 'network'",
			case_id);
		if (!rc)
			rc = exec_case(st,
				"INSERT OR IGNORE INTO case_sellers(seller_id, via) "
				"SELECT m2.seller_id, 'network:' || m.network_id "
				"FROM case_sellers c CROSS JOIN network_members m ON m.seller_id = c.seller_id "
				"CROSS JOIN network_members m2 ON m2.network_id = m.network_id",
				NULL);
		/*
		 * Citus sends a subquery on a reference table to a worker, where this temporary
		 * table is not: there the join goes in FROM, which it runs here.
		 */
		if (!rc && !store_is_distributed(st))
			rc = exec_case(st,
				"UPDATE case_sellers SET network_id = (SELECT network_id FROM "
				"network_members m WHERE m.seller_id = case_sellers.seller_id)",
				NULL);
		else if (!rc)
			rc = exec_case(st,
				"UPDATE case_sellers SET network_id = m.network_id FROM network_members m "
				"WHERE m.seller_id = case_sellers.seller_id",
				NULL);
	}
	return rc;
}

/* The link evidence among the members, with its exact columns (when linked). */
static int gather_edges(struct store *st)
{
	static const char *const cols[] = { "edge_id", "seller_a", "seller_b", "kind", "value",
		"weight", "holders", "ident_a", "ident_b", NULL };
	int i;

	if (!store_table_exists(st, "link_edges"))
		return 0;
	for (i = 0; cols[i]; i++)
		if (!store_column_exists(st, "link_edges", cols[i])) {
			ck_warn("link_edges has no column '%s': link evidence left out", cols[i]);
			return 0;
		}
	return exec_case(st,
		"INSERT INTO case_edges SELECT e.edge_id, e.seller_a, e.seller_b, e.kind, e.value, "
		"e.weight, e.holders, coalesce(e.comparator, 'exact'), "
		"sa.path, ia.line, sb.path, ib.line, e.ident_a, e.ident_b "
		"FROM (SELECT DISTINCT network_id FROM case_sellers WHERE network_id IS NOT NULL) n "
		"CROSS JOIN link_edges e ON e.network_id = n.network_id "
		"JOIN case_sellers a ON a.seller_id = e.seller_a "
		"JOIN case_sellers b ON b.seller_id = e.seller_b "
		"LEFT JOIN identifiers ia ON ia.ident_id = e.ident_a "
		"LEFT JOIN sources sa ON sa.source_id = ia.source_id "
		"LEFT JOIN identifiers ib ON ib.ident_id = e.ident_b "
		"LEFT JOIN sources sb ON sb.source_id = ib.source_id "
		"ORDER BY e.edge_id",
		NULL);
}

/*
 * Fill the TEMP tables from the store as it is now: members from the leads (or, with
 * keep_members, the members the case has), then what they bring.
 */
static int gather_live(struct store *st, const char *case_id, int keep_members)
{
	int rc,
		scored = store_table_exists(st, "scores") &&
		store_column_exists(st, "scores", "flagged");

	if ((rc = temp_tables(st)))
		return rc;
	if (keep_members)
		rc = exec_case(st,
			"INSERT INTO case_sellers SELECT seller_id, network_id, via FROM case_members "
			"WHERE case_id = ?1",
			case_id);
	else
		rc = live_members(st, case_id);
	/* Flagged listings: the analyst's leads, then what the evidence flags. */
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_listings SELECT l.listing_id, l.seller_id, 'lead', "
			"l.price, l.currency FROM case_leads c CROSS JOIN listings l ON l.listing_id = c.id "
			"WHERE c.case_id = ?1 AND c.kind = 'listing'",
			case_id);
	if (!rc)
		rc = exec_case(st,
			"INSERT INTO case_testbuys SELECT t.testbuy_id, t.listing_id, t.verdict "
			"FROM case_sellers s CROSS JOIN listings l ON l.seller_id = s.seller_id "
			"CROSS JOIN testbuys t ON t.listing_id = l.listing_id",
			NULL);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_listings SELECT l.listing_id, l.seller_id, "
			"'test buy ' || t.testbuy_id || ': ' || t.verdict, l.price, l.currency "
			"FROM case_testbuys t CROSS JOIN listings l ON l.listing_id = t.listing_id "
			"WHERE lower(t.verdict) IN ('counterfeit', 'fake', 'infringing') "
			"ORDER BY t.testbuy_id",
			NULL);
	/* on Citus scores join listings on the seller too, to stay on the worker of both */
	if (!rc && scored)
		rc = exec_case(st,
			store_is_distributed(st)
				? "INSERT OR IGNORE INTO case_listings SELECT c.listing_id, l.seller_id, "
				  "'score ' || c.score, l.price, l.currency FROM case_sellers s "
				  "CROSS JOIN listings l ON l.seller_id = s.seller_id "
				  "CROSS JOIN scores c ON c.seller_id = l.seller_id "
				  "AND c.listing_id = l.listing_id WHERE c.flagged ORDER BY c.listing_id"
				: "INSERT OR IGNORE INTO case_listings SELECT c.listing_id, l.seller_id, "
				  "'score ' || c.score, l.price, l.currency FROM case_sellers s "
				  "CROSS JOIN listings l ON l.seller_id = s.seller_id "
				  "CROSS JOIN scores c ON c.listing_id = l.listing_id WHERE c.flagged "
				  "ORDER BY c.listing_id",
			NULL);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_listings SELECT l.listing_id, l.seller_id, "
			"'takedown ' || t.notice_id, l.price, l.currency FROM case_sellers s "
			"CROSS JOIN listings l ON l.seller_id = s.seller_id "
			"CROSS JOIN takedowns t ON t.listing_id = l.listing_id ORDER BY t.notice_id",
			NULL);
	if (!rc)
		rc = exec_case(st,
			"INSERT INTO case_takedowns SELECT t.notice_id, t.listing_id "
			"FROM case_listings c CROSS JOIN takedowns t ON t.listing_id = c.listing_id",
			NULL);
	if (!rc)
		rc = exec_case(st,
			"INSERT INTO case_orders SELECT o.order_id, o.listing_id, o.seller_id, "
			"o.amount, o.currency, o.status FROM case_listings c "
			"CROSS JOIN orders o ON o.listing_id = c.listing_id",
			NULL);
	/* Upstream: whoever shipped to a member, and to them, four steps up, cycles cut. */
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_parties SELECT id, 0, 'lead' FROM case_leads "
			"WHERE case_id = ?1 AND kind = 'party'",
			case_id);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_parties "
			"WITH RECURSIVE up(party_id, depth, via) AS ("
			"  SELECT sh.from_id, 1, sh.to_id FROM case_sellers s "
			"  CROSS JOIN shipments sh ON sh.to_id = s.seller_id WHERE sh.from_id IS NOT NULL "
			"  UNION SELECT sh.from_id, up.depth + 1, up.party_id FROM up "
			"  CROSS JOIN shipments sh ON sh.to_id = up.party_id "
			"  WHERE up.depth < 4 AND sh.from_id IS NOT NULL),"
			" best(party_id, depth) AS (SELECT party_id, min(depth) FROM up GROUP BY party_id)"
			" SELECT u.party_id, u.depth, min(u.via) FROM up u "
			" JOIN best b ON b.party_id = u.party_id AND b.depth = u.depth "
			" WHERE u.party_id NOT IN (SELECT seller_id FROM case_sellers) "
			" GROUP BY u.party_id, u.depth ORDER BY u.party_id",
			NULL);
	if (!rc)
		rc = gather_edges(st);
	return rc;
}

/* The snapshot tables and their columns, in the order of the TEMP tables they fill. */
static const struct {
	const char *snap, *temp, *cols;
} snaps[] = {
	{ "case_members", "case_sellers", "seller_id, network_id, via" },
	{ "case_snap_listings", "case_listings", "listing_id, seller_id, why, price, currency" },
	{ "case_snap_orders", "case_orders",
		"order_id, listing_id, seller_id, amount, currency, status" },
	{ "case_snap_testbuys", "case_testbuys", "testbuy_id, listing_id, verdict" },
	{ "case_snap_takedowns", "case_takedowns", "notice_id, listing_id" },
	{ "case_snap_parties", "case_parties", "party_id, depth, via" },
	{ "case_snap_edges", "case_edges",
		"edge_id, seller_a, seller_b, kind, value, weight, holders, comparator, ident_a, "
		"ident_b" },
};

/* Fill the TEMP tables from the case's snapshot. */
static int load_snapshot(struct store *st, const char *case_id)
{
	size_t i;
	int rc;

	if ((rc = temp_tables(st)))
		return rc;
	for (i = 0; i < sizeof(snaps) / sizeof(*snaps) && !rc; i++) {
		char *sql = xasprintf("INSERT INTO temp.%s(%s) SELECT %s FROM main.%s "
				      "WHERE case_id = ?1",
			snaps[i].temp, snaps[i].cols, snaps[i].cols, snaps[i].snap);

		rc = exec_case(st, sql, case_id);
		free(sql);
	}
	/*
	 * The evidence rows' files are looked up now, not kept: an export names them by their
	 * place in the package (its temp.sources), never by a path of the analyst's disk.
	 */
	/*
	 * Citus cannot correlate with a distributed table on a column it is not distributed by,
	 * and sends a subquery on a reference table to a worker, where the temporary table is
	 * not: there the identifiers cited and the sources are read first, into copies.
	 */
	if (!rc)
		rc = exec_case(st,
			store_is_distributed(st)
				? "WITH identifiers AS MATERIALIZED (SELECT ident_id, source_id, line "
				  "FROM identifiers WHERE ident_id IN (SELECT ident_a FROM "
				  "temp.case_edges UNION SELECT ident_b FROM temp.case_edges)), "
				  "sources AS MATERIALIZED (SELECT source_id, path FROM sources) "
				  "UPDATE temp.case_edges SET "
				  "file_a = (SELECT so.path FROM identifiers i JOIN sources so "
				  "  ON so.source_id = i.source_id WHERE i.ident_id = case_edges.ident_a), "
				  "line_a = (SELECT line FROM identifiers WHERE ident_id = "
				  "case_edges.ident_a), "
				  "file_b = (SELECT so.path FROM identifiers i JOIN sources so "
				  "  ON so.source_id = i.source_id WHERE i.ident_id = case_edges.ident_b), "
				  "line_b = (SELECT line FROM identifiers WHERE ident_id = "
				  "case_edges.ident_b)"
				: "UPDATE temp.case_edges SET "
				  "file_a = (SELECT so.path FROM identifiers i JOIN sources so "
				  "  ON so.source_id = i.source_id WHERE i.ident_id = case_edges.ident_a), "
				  "line_a = (SELECT line FROM identifiers WHERE ident_id = case_edges.ident_a), "
				  "file_b = (SELECT so.path FROM identifiers i JOIN sources so "
				  "  ON so.source_id = i.source_id WHERE i.ident_id = case_edges.ident_b), "
				  "line_b = (SELECT line FROM identifiers WHERE ident_id = case_edges.ident_b)",
			NULL);
	return rc;
}

/* The last screen and link runs, 0 when there is none. */
static void current_runs(struct store *st, long long *screen, long long *link)
{
	*screen = *link = 0;
	if (store_table_exists(st, "screen_runs"))
		count_case(st, "SELECT coalesce(max(run_id), 0) FROM screen_runs", NULL, screen);
	if (store_table_exists(st, "link_runs"))
		count_case(st, "SELECT coalesce(max(run_id), 0) FROM link_runs", NULL, link);
}

/* Replace the case's snapshot with the TEMP tables, pinned to the runs of now. */
static int save_snapshot(struct store *st, const char *case_id)
{
	struct store_stmt *s;
	long long screen, link;
	char now[21];
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(snaps) / sizeof(*snaps) && !rc; i++) {
		char *sql = xasprintf("DELETE FROM main.%s WHERE case_id = ?1; ", snaps[i].snap);

		rc = exec_case(st, sql, case_id);
		free(sql);
		if (rc)
			break;
		sql = xasprintf("INSERT INTO main.%s(case_id, %s) SELECT ?1, %s FROM temp.%s",
			snaps[i].snap, snaps[i].cols, snaps[i].cols, snaps[i].temp);
		rc = exec_case(st, sql, case_id);
		free(sql);
	}
	if (rc)
		return rc;
	current_runs(st, &screen, &link);
	ck_clock_iso(now);
	if (!(s = store_prepare(st, "INSERT OR REPLACE INTO case_pins VALUES(?1, ?2, ?3, ?4)")))
		return EX_SOFTWARE;
	store_bind_text(s, 1, case_id);
	if (screen)
		store_bind_int(s, 2, screen);
	if (link)
		store_bind_int(s, 3, link);
	store_bind_text(s, 4, now);
	return store_run(s);
}

/*
 * What the TEMP tables (the store now) hold that the snapshot does not, and the reverse: one
 * row per kind of change, ?1 the case. Each query gives the typed ids, in id order.
 */
static const struct {
	const char *sign, *one, *many, *sql;
} change_kinds[] = {
	{ "+", "seller joined", "sellers joined",
		"SELECT 'seller:' || seller_id FROM temp.case_sellers EXCEPT "
		"SELECT 'seller:' || seller_id FROM main.case_members WHERE case_id = ?1" },
	{ "-", "seller left", "sellers left",
		"SELECT 'seller:' || seller_id FROM main.case_members WHERE case_id = ?1 EXCEPT "
		"SELECT 'seller:' || seller_id FROM temp.case_sellers" },
	{ "+", "listing newly flagged", "listings newly flagged",
		"SELECT 'listing:' || listing_id FROM temp.case_listings EXCEPT "
		"SELECT 'listing:' || listing_id FROM main.case_snap_listings WHERE case_id = ?1" },
	{ "-", "listing no longer flagged", "listings no longer flagged",
		"SELECT 'listing:' || listing_id FROM main.case_snap_listings WHERE case_id = ?1 "
		"EXCEPT SELECT 'listing:' || listing_id FROM temp.case_listings" },
	{ "+", "new order", "new orders",
		"SELECT 'order:' || order_id FROM temp.case_orders EXCEPT "
		"SELECT 'order:' || order_id FROM main.case_snap_orders WHERE case_id = ?1" },
	{ "-", "order gone", "orders gone",
		"SELECT 'order:' || order_id FROM main.case_snap_orders WHERE case_id = ?1 EXCEPT "
		"SELECT 'order:' || order_id FROM temp.case_orders" },
	{ "~", "order changed", "orders changed",
		"SELECT 'order:' || n.order_id FROM temp.case_orders n "
		"JOIN main.case_snap_orders o ON o.case_id = ?1 AND o.order_id = n.order_id "
		"WHERE n.amount IS NOT o.amount OR n.currency IS NOT o.currency "
		"OR n.status IS NOT o.status" },
	{ "+", "new test buy", "new test buys",
		"SELECT 'testbuy:' || testbuy_id FROM temp.case_testbuys EXCEPT "
		"SELECT 'testbuy:' || testbuy_id FROM main.case_snap_testbuys WHERE case_id = ?1" },
	{ "+", "new takedown", "new takedowns",
		"SELECT 'takedown:' || notice_id FROM temp.case_takedowns EXCEPT "
		"SELECT 'takedown:' || notice_id FROM main.case_snap_takedowns WHERE case_id = ?1" },
	{ "+", "new upstream party", "new upstream parties",
		"SELECT 'party:' || party_id FROM temp.case_parties EXCEPT "
		"SELECT 'party:' || party_id FROM main.case_snap_parties WHERE case_id = ?1" },
	{ "-", "upstream party gone", "upstream parties gone",
		"SELECT 'party:' || party_id FROM main.case_snap_parties WHERE case_id = ?1 EXCEPT "
		"SELECT 'party:' || party_id FROM temp.case_parties" },
	{ "+", "new piece of link evidence", "new pieces of link evidence",
		"SELECT 'link:' || seller_a || '~' || seller_b || ':' || kind FROM temp.case_edges "
		"EXCEPT SELECT 'link:' || seller_a || '~' || seller_b || ':' || kind "
		"FROM main.case_snap_edges WHERE case_id = ?1" },
	{ "-", "piece of link evidence gone", "pieces of link evidence gone",
		"SELECT 'link:' || seller_a || '~' || seller_b || ':' || kind "
		"FROM main.case_snap_edges WHERE case_id = ?1 EXCEPT "
		"SELECT 'link:' || seller_a || '~' || seller_b || ':' || kind FROM temp.case_edges" },
};

/* "1,197.00" for 119700 CNY: money_format() with thousands grouped, for sentences. */
static void money_words(long long minor, const char *currency, char out[2 * MONEY_MAX])
{
	char plain[MONEY_MAX], *p = plain, *dot;
	size_t digits, i, o = 0;

	money_format(minor < 0 ? -minor : minor, currency, plain);
	out[o++] = minor < 0 ? '-' : '+';
	dot = strchr(plain, '.');
	digits = dot ? (size_t)(dot - plain) : strlen(plain);
	for (i = 0; i < digits; i++) {
		if (i && (digits - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = p[i];
	}
	snprintf(out + o, 2 * MONEY_MAX - o, "%s %s", p + digits, currency);
}

/*
 * Compare the TEMP tables (filled by gather_live) with the case's snapshot. *summary gets
 * the changes in words ("2 listings newly flagged, value +1,197.00 CNY"), *detail every
 * changed id and the value per currency; both NULL when nothing changed. 0 or EX_*.
 */
static int diff_snapshot(struct store *st, const char *case_id, char **summary, char **detail)
{
	struct buf sum = { 0 }, det = { 0 };
	struct store_stmt *s;
	size_t i;
	int rc = 0;

	*summary = *detail = NULL;
	for (i = 0; i < sizeof(change_kinds) / sizeof(*change_kinds) && !rc; i++) {
		long long n = 0;

		if (!(s = store_prepare(st, change_kinds[i].sql))) {
			rc = EX_SOFTWARE;
			break;
		}
		store_bind_text(s, 1, case_id);
		while ((rc = store_step(s)) == STORE_ROW) {
			buf_addf(&det, "%s%s%s", det.len ? " " : "", change_kinds[i].sign,
				store_col_text(s, 0));
			n++;
		}
		store_done(s);
		if (n)
			buf_addf(&sum, "%s%s", sum.len ? ", " : "",
				ck_count(n, change_kinds[i].one, change_kinds[i].many));
	}
	/* The value per currency: paid orders now against paid orders in the snapshot. */
	if (!rc &&
		!(s = store_prepare(st,
			  "SELECT currency, sum(a) FROM ("
			  " SELECT o.currency, o.amount AS a FROM temp.case_orders o WHERE " MONEY_PAID_ORDER
			  " UNION ALL SELECT o.currency, -o.amount FROM main.case_snap_orders o"
			  " WHERE o.case_id = ?1 AND " MONEY_PAID_ORDER ") "
			  "WHERE currency IS NOT NULL AND a IS NOT NULL "
			  "GROUP BY currency HAVING sum(a) <> 0 ORDER BY currency")))
		rc = EX_SOFTWARE;
	else if (!rc) {
		store_bind_text(s, 1, case_id);
		while (store_step(s) == STORE_ROW) {
			char m[2 * MONEY_MAX];
			const char *cur = store_col_text(s, 0);

			money_words(store_col_int(s, 1), cur, m);
			buf_addf(&sum, "%svalue %s", sum.len ? ", " : "", m);
			buf_addf(&det, "%svalue %s", det.len ? "; " : "", m);
		}
		store_done(s);
	}
	if (!rc && sum.len) {
		*summary = buf_detach(&sum);
		*detail = buf_detach(&det);
	}
	buf_free(&sum);
	buf_free(&det);
	return rc;
}

/* Findings and their grades, from the TEMP tables (source reliability, confidence, handling). */
static int gather_findings(struct store *st, const char *case_id)
{
	int rc = exec_case(st,
		"INSERT OR IGNORE INTO case_findings "
		"SELECT 'testbuy:' || c.testbuy_id, 'testbuy', 'listing:' || c.listing_id, "
		"  'test buy verdict: ' || coalesce(c.verdict, '(none)'), 'A', 1, '1', "
		"  'a test-buy verdict is confirmed fact', so.path, t.line "
		"FROM case_testbuys c LEFT JOIN testbuys t ON t.testbuy_id = c.testbuy_id "
		"LEFT JOIN sources so ON so.source_id = t.source_id ORDER BY c.testbuy_id",
		NULL);

	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_findings "
			"SELECT 'takedown:' || t.notice_id, 'takedown', 'listing:' || t.listing_id, "
			"  'notice by ' || coalesce(t.rights_holder, '?') || ': ' || "
			"  coalesce(t.outcome, 'open'), 'B', 2, '1', "
			"  'a rights holder''s notice', so.path, t.line "
			"FROM case_takedowns c CROSS JOIN takedowns t ON t.notice_id = c.notice_id "
			"LEFT JOIN sources so ON so.source_id = t.source_id ORDER BY t.notice_id",
			NULL);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_findings "
			"SELECT 'link:' || e.edge_id || ':' || e.kind, 'link', 'seller:' || e.seller_a || "
			"  ' seller:' || e.seller_b, 'shared ' || e.kind || ' (' || e.holders || "
			"  ' holders)', "
			"  CASE WHEN e.comparator <> 'exact' THEN 'C' "
			"       WHEN e.kind IN ('device', 'payment') THEN 'A' "
			"       WHEN e.kind IN ('phone', 'email', 'address_unit') THEN 'B' ELSE 'C' END, "
			"  CASE WHEN e.comparator <> 'exact' THEN 4 "
			"       WHEN e.kind IN ('device', 'payment', 'phone', 'email') THEN 2 ELSE 3 END, "
			"  '1', "
			"  CASE WHEN e.comparator <> 'exact' THEN 'a fuzzy match is possible' "
			"       WHEN e.kind IN ('device', 'payment') THEN "
			"         'a shared ' || e.kind || ' is reliable machine evidence' "
			"       WHEN e.kind IN ('phone', 'email', 'address_unit') THEN "
			"         'a shared ' || e.kind || ' is usually reliable' "
			"       ELSE 'a shared ' || e.kind || ' is weak alone' END, "
			"  e.file_a, e.line_a FROM case_edges e",
			NULL);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_findings "
			"SELECT 'listing:' || c.listing_id, 'listing', 'seller:' || c.seller_id, "
			"  'flagged: ' || c.why, "
			"  CASE WHEN c.why = 'lead' THEN 'B' ELSE 'C' END, 3, '1', "
			"  CASE WHEN c.why = 'lead' THEN 'an analyst''s lead' "
			"       WHEN c.why LIKE 'score %' THEN 'automated screening is probable, not proof' "
			"       ELSE 'flagged by the evidence named' END, so.path, l.line "
			"FROM case_listings c LEFT JOIN listings l ON l.listing_id = c.listing_id "
			"LEFT JOIN sources so ON so.source_id = l.source_id ORDER BY c.listing_id",
			NULL);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_findings "
			"SELECT 'party:' || c.party_id, 'party', 'party:' || c.party_id, "
			"  'upstream, ' || c.depth || CASE WHEN c.depth = 1 THEN ' step' ELSE ' steps' END "
			"  || ' from the sellers', "
			"  'B', 3, '1', 'shipment records of the platform', so.path, p.line "
			"FROM case_parties c LEFT JOIN parties p ON p.party_id = c.party_id "
			"LEFT JOIN sources so ON so.source_id = p.source_id ORDER BY c.party_id",
			NULL);
	/* The analyst's word overrides the rules. */
	if (!rc)
		rc = exec_case(st,
			"UPDATE case_findings SET reliability = g.reliability, "
			"confidence = g.confidence, handling = g.handling, "
			"rule = 'analyst ' || g.set_by || ': ' || coalesce(g.reason, '') "
			"FROM case_grades g WHERE g.case_id = ?1 AND g.finding = "
			"case_findings.finding",
			case_id);
	return rc;
}

int case_gather(struct store *st, const char *case_id)
{
	long long pinned = 0;
	int rc;

	/* A case written by other means than casekit has no snapshot: read the store as it is. */
	if ((rc = count_case(
		     st, "SELECT count(*) FROM case_pins WHERE case_id = ?1", case_id, &pinned)))
		return rc;
	if ((rc = pinned ? load_snapshot(st, case_id) : gather_live(st, case_id, 1)))
		return rc;
	return gather_findings(st, case_id);
}

int case_pending(struct store *st, const char *case_id, char **summary, char **detail)
{
	long long open = 0;
	int rc;

	/* A closed case takes nothing in any more: there is nothing pending to tell. */
	*summary = *detail = NULL;
	if ((rc = count_case(st,
		     "SELECT count(*) FROM cases WHERE case_id = ?1 AND status = 'open'", case_id,
		     &open)) ||
		!open)
		return rc;

	if ((rc = gather_live(st, case_id, 0)))
		return rc;
	return diff_snapshot(st, case_id, summary, detail);
}

/* Take the store as it is now into the case's snapshot; *detail lists what changed. */
static int take_snapshot(struct store *st, const char *case_id, int keep_members, char **detail)
{
	char *summary = NULL;
	int rc;

	*detail = NULL;
	if (!(rc = gather_live(st, case_id, keep_members)) &&
		!(rc = diff_snapshot(st, case_id, &summary, detail)))
		rc = save_snapshot(st, case_id);
	free(summary);
	return rc;
}

static unsigned char redact_key[STORE_KEY_LEN];
static int redact_on;

/* ck_buyer(x): a buyer's pseudonym ("buyer-" and 16 hex digits) when redacting, else x. */
static const char *buyer_fn(void *arg, const char *x, size_t n, char out[STORE_FN_MAX])
{
	unsigned char mac[32];
	unsigned len = 0;

	(void)arg;
	if (!redact_on)
		return NULL;
	HMAC(EVP_sha256(), redact_key, sizeof(redact_key), (const unsigned char *)x, n, mac, &len);
	memcpy(out, "buyer-", 6);
	hex(mac, 8, out + 6);
	return out;
}

int case_set_redact(struct store *st, int redact)
{
	char khex[2 * STORE_KEY_LEN + 1] = "";
	int rc;

	redact_on = redact;
	if (redact && (rc = store_pseudonym_key(st, redact_key)))
		return rc;
	if (redact)
		hex(redact_key, STORE_KEY_LEN, khex);
	/* a server store's ck_buyer() is SQL of its own, which takes the key from the session */
	rc = store_set(st, "redact_key", khex);
	OPENSSL_cleanse(khex, sizeof(khex));
	return rc ? rc : store_text_function(st, "ck_buyer", buyer_fn, NULL);
}

const char *const case_sections[] = { "summary", "value", "leads", "sellers", "listings", "orders",
	"testbuys", "takedowns", "parties", "links", "findings", "timeline", "notes", "custody",
	NULL };

static const struct {
	const char *name;
	int id_col;
	const char *sql;
} sections[] = {
	{ "summary", -1,
		/* ck_value(): a column of text and numbers, as SQLite's are, on any store */
		"SELECT 'case' AS what, ck_value(case_id) AS value FROM cases WHERE case_id = ?1 "
		"UNION ALL SELECT 'title', ck_value(title) FROM cases WHERE case_id = ?1 "
		"UNION ALL SELECT 'status', ck_value(status) FROM cases WHERE case_id = ?1 "
		"UNION ALL SELECT 'opened', ck_value(opened_at || ' by ' || opened_by) FROM cases "
		"  WHERE case_id = ?1 "
		"UNION ALL SELECT 'closed', ck_value(closed_at) FROM cases WHERE case_id = ?1 AND "
		"  closed_at IS NOT NULL "
		"UNION ALL SELECT 'leads', ck_value(count(*)) FROM case_leads WHERE case_id = ?1 "
		"UNION ALL SELECT 'networks', ck_value(count(DISTINCT network_id)) FROM case_sellers "
		"UNION ALL SELECT 'sellers', ck_value(count(*)) FROM case_sellers "
		"UNION ALL SELECT 'flagged listings', ck_value(count(*)) FROM case_listings "
		"UNION ALL SELECT 'orders', ck_value(count(*)) FROM case_orders "
		"UNION ALL SELECT 'test buys', ck_value(count(*)) FROM case_testbuys "
		"UNION ALL SELECT 'upstream parties', ck_value(count(*)) FROM case_parties "
		"UNION ALL SELECT 'link evidence', ck_value(count(*)) FROM case_edges "
		"UNION ALL SELECT 'pinned', ck_value(coalesce('screen run ' || screen_run, "
		"  'no screen run') || ', ' || coalesce('link run ' || link_run, 'no link run') || "
		"  ', taken ' || taken_at) FROM case_pins WHERE case_id = ?1 "
		"UNION ALL SELECT 'not taken in', ck_value(what || ' (casekit case refresh ' || ?1 || "
		"  ')') FROM case_pending" },
	{ "value", -1,
		"SELECT o.currency, count(*) AS orders, ck_money(sum(o.amount), o.currency) AS amount "
		"FROM case_orders o WHERE " MONEY_PAID_ORDER " "
		"AND o.amount IS NOT NULL GROUP BY o.currency ORDER BY o.currency" },
	{ "leads", -1,
		"SELECT kind || ':' || id AS lead, added_at, added_by FROM case_leads "
		"WHERE case_id = ?1 ORDER BY kind, id COLLATE ck_natural" },
	{ "sellers", 0,
		"SELECT s.seller_id, c.network_id, s.platform, s.shop_name, s.owner_name, "
		"s.registered_at, s.status, c.via, so.path AS file, s.line "
		"FROM case_sellers c LEFT JOIN sellers s ON s.seller_id = c.seller_id "
		"LEFT JOIN sources so ON so.source_id = s.source_id ORDER BY c.seller_id COLLATE ck_natural" },
	{ "listings", 0,
		"SELECT l.listing_id, l.seller_id, l.title, l.brand, l.category, "
		"ck_money(c.price, c.currency) AS price, c.currency, "
		"l.created_at, l.status, c.why, so.path AS file, l.line "
		"FROM case_listings c CROSS JOIN listings l ON l.listing_id = c.listing_id "
		"LEFT JOIN sources so ON so.source_id = l.source_id ORDER BY l.listing_id COLLATE ck_natural" },
	{ "orders", -1,
		"SELECT c.order_id, c.listing_id, c.seller_id, ck_buyer(o.buyer_id) AS buyer, "
		"o.quantity, ck_money(c.amount, c.currency) AS amount, c.currency, o.ordered_at, "
		"ck_buyer(o.ship_to_address) AS ship_to, c.status, so.path AS file, o.line "
		"FROM case_orders c LEFT JOIN orders o ON o.order_id = c.order_id "
		"LEFT JOIN sources so ON so.source_id = o.source_id ORDER BY c.order_id COLLATE ck_natural" },
	{ "testbuys", -1,
		"SELECT c.testbuy_id, c.listing_id, t.order_id, t.bought_at, "
		"ck_money(t.cost, t.currency) AS cost, t.currency, "
		"c.verdict, t.report_ref, so.path AS file, t.line FROM case_testbuys c "
		"LEFT JOIN testbuys t ON t.testbuy_id = c.testbuy_id "
		"LEFT JOIN sources so ON so.source_id = t.source_id ORDER BY c.testbuy_id COLLATE ck_natural" },
	{ "takedowns", -1,
		"SELECT t.notice_id, t.rights_holder, t.listing_id, t.received_at, t.resolved_at, "
		"t.outcome, so.path AS file, t.line FROM case_takedowns c "
		"CROSS JOIN takedowns t ON t.notice_id = c.notice_id "
		"LEFT JOIN sources so ON so.source_id = t.source_id ORDER BY t.notice_id COLLATE ck_natural" },
	{ "parties", 0,
		"SELECT c.party_id, p.kind, p.name, c.depth, c.via, "
		"coalesce(t.n, 0) AS shipments, t.q AS quantity, "
		"so.path AS file, p.line FROM case_parties c "
		"LEFT JOIN case_party_totals t ON t.party_id = c.party_id "
		"LEFT JOIN parties p ON p.party_id = c.party_id "
		"LEFT JOIN sources so ON so.source_id = p.source_id ORDER BY c.depth, c.party_id COLLATE ck_natural" },
	{ "links", -1,
		"SELECT edge_id, seller_a, seller_b, kind, value, weight, holders, comparator, "
		"file_a, line_a, file_b, line_b FROM case_edges ORDER BY edge_id" },
	{ "findings", -1,
		"SELECT finding, subject, what, reliability || confidence || '/' || handling AS grade, "
		"rule, file, line FROM case_findings ORDER BY kind, finding COLLATE ck_natural" },
	/*
	 * Custody entries come first in their second, in the order they were made (seq): the
	 * clock has whole seconds, so their words would order them by chance.
	 */
	{ "timeline", -1,
		"SELECT at, event, subject FROM ("
		"SELECT registered_at AS at, 'seller registered' AS event, 'seller:' || seller_id "
		"  AS subject, CAST(NULL AS BIGINT) AS seq FROM sellers WHERE seller_id IN (SELECT seller_id FROM case_sellers) "
		"  AND registered_at IS NOT NULL "
		"UNION ALL SELECT created_at, 'flagged listing created', 'listing:' || listing_id, NULL "
		"  FROM listings WHERE listing_id IN (SELECT listing_id FROM case_listings) "
		"  AND created_at IS NOT NULL "
		"UNION ALL SELECT min(o.ordered_at), 'first order (' || count(*) || ' in all)', "
		"  'listing:' || c.listing_id, NULL FROM case_orders c CROSS JOIN orders o "
		"  ON o.order_id = c.order_id WHERE o.ordered_at IS NOT NULL GROUP BY c.listing_id "
		"UNION ALL SELECT t.bought_at, 'test buy ' || t.testbuy_id || ': ' || "
		"  coalesce(c.verdict, '?'), 'listing:' || t.listing_id, NULL FROM case_testbuys c "
		"  CROSS JOIN testbuys t ON t.testbuy_id = c.testbuy_id WHERE t.bought_at IS NOT NULL "
		"UNION ALL SELECT t.received_at, 'takedown notice ' || t.notice_id || ' from ' || "
		"  coalesce(t.rights_holder, '?'), 'listing:' || t.listing_id, NULL FROM case_takedowns c "
		"  CROSS JOIN takedowns t ON t.notice_id = c.notice_id WHERE t.received_at IS NOT NULL "
		"UNION ALL SELECT shipped_at, 'shipment ' || shipment_id || ' from party:' || from_id, "
		"  CASE WHEN to_id IN (SELECT seller_id FROM case_sellers) THEN 'seller:' "
		"  ELSE 'party:' END || to_id, NULL FROM case_goods WHERE shipped_at IS NOT NULL "
		"UNION ALL SELECT at, 'case ' || action || ' by ' || analyst, 'case:' || case_id, seq "
		"  FROM custody WHERE case_id = ?1 AND action <> 'export' "
		") ORDER BY at, seq IS NULL, seq, event, subject COLLATE ck_natural" },
	{ "notes", -1,
		"SELECT at, analyst, text FROM case_notes WHERE case_id = ?1 ORDER BY note_id" },
	{ "custody", -1,
		"SELECT seq, at, action, analyst, version, command, store_digest, detail, hash "
		"FROM custody WHERE case_id = ?1 ORDER BY seq" },
};

const char *case_section_sql(const char *name, int *id_col)
{
	size_t i;

	for (i = 0; i < sizeof(sections) / sizeof(*sections); i++)
		if (strcmp(sections[i].name, name) == 0) {
			if (id_col)
				*id_col = sections[i].id_col;
			return sections[i].sql;
		}
	return NULL;
}

/* The analyst's actions: each checks, writes and logs custody in one transaction. */

static int finish(struct store *st, int rc)
{
	if (rc) {
		store_rollback(st);
		return rc;
	}
	return store_commit(st);
}

/* Run one statement with text parameters (NULL binds NULL); 0 or EX_*. */
static int exec_text(struct store *st, const char *sql, int n, const char *const *v)
{
	struct store_stmt *s = store_prepare(st, sql);
	int i;

	if (!s)
		return EX_SOFTWARE;
	for (i = 0; i < n; i++)
		store_bind_text(s, i + 1, v[i]);
	return store_run(s);
}

const char *case_current(const char *given)
{
	const char *env = getenv("CASEKIT_CASE");

	if (given)
		return strncmp(given, "case:", 5) == 0 ? given + 5 : given;
	return env && *env ? env : NULL;
}

int case_warn_pending(struct store *st, const char *case_id)
{
	char *summary = NULL, *detail = NULL;
	int rc = case_pending(st, case_id, &summary, &detail);

	if (!rc && summary)
		ck_warn("%s: not taken in yet: %s: casekit case refresh %s", case_id, summary,
			case_id);
	free(summary);
	free(detail);
	return rc;
}

int case_exists(struct store *st, const char *case_id)
{
	struct store_stmt *s = store_prepare(st, "SELECT 1 FROM cases WHERE case_id = ?1");
	int found;

	if (!s)
		return 0;
	store_bind_text(s, 1, case_id);
	found = store_step(s) == STORE_ROW;
	store_done(s);
	return found;
}

int case_status(struct store *st, const char *case_id, int need_open)
{
	struct store_stmt *s = store_prepare(st, "SELECT status FROM cases WHERE case_id = ?1");
	int rc;

	if (!s)
		return EX_SOFTWARE;
	store_bind_text(s, 1, case_id);
	if ((rc = store_step(s)) == STORE_DONE)
		rc = ck_error(EX_NOINPUT, "no case '%s' (see 'casekit case list')", case_id);
	else if (rc != STORE_ROW)
		;
	else if (need_open && strcmp(store_col_text(s, 0), "open") != 0)
		rc = ck_error(EX_DATAERR, "case '%s' is closed", case_id);
	else
		rc = 0;
	store_done(s);
	return rc;
}

/* The typed ids of leads, space-separated, malloc'd. */
static char *leads_text(const struct leads *l)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < l->n; i++)
		buf_addf(&b, "%s%s:%s", i ? " " : "", l->v[i].kind, l->v[i].id);
	if (!b.s)
		buf_adds(&b, "");
	return buf_detach(&b);
}

/* "LEADS; pinned to screen run N, link run M: CHANGES", the detail of open, add and remove. */
static char *snapshot_detail(
	struct store *st, const char *case_id, const char *leads, const char *changes)
{
	long long screen = 0, link = 0;
	struct buf b = { 0 };

	count_case(st, "SELECT coalesce(screen_run, 0) FROM case_pins WHERE case_id = ?1", case_id,
		&screen);
	count_case(st, "SELECT coalesce(link_run, 0) FROM case_pins WHERE case_id = ?1", case_id,
		&link);
	if (leads)
		buf_addf(&b, "%s; ", leads);
	buf_adds(&b, "pinned to ");
	if (screen)
		buf_addf(&b, "screen run %lld", screen);
	else
		buf_adds(&b, "no screen run");
	if (link)
		buf_addf(&b, ", link run %lld", link);
	else
		buf_adds(&b, ", no link run");
	if (changes) {
		buf_addf(&b, ": %s", changes);
	} else {
		long long n[3];

		/* No change to list (a new case, a migrated one): what the snapshot holds. */
		count_case(
			st, "SELECT count(*) FROM case_members WHERE case_id = ?1", case_id, &n[0]);
		count_case(st, "SELECT count(*) FROM case_snap_listings WHERE case_id = ?1",
			case_id, &n[1]);
		count_case(st, "SELECT count(*) FROM case_snap_orders WHERE case_id = ?1", case_id,
			&n[2]);
		buf_addf(&b, ": %s, %s, %s", ck_count(n[0], "seller", "sellers"),
			ck_count(n[1], "flagged listing", "flagged listings"),
			ck_count(n[2], "order", "orders"));
	}
	return buf_detach(&b);
}

/* The id a lead is kept by: a network as casekit link names it now (an old id, a prefix). */
static char *lead_id(struct store *st, const struct lead *l)
{
	if (strcmp(l->kind, "network") == 0 && store_table_exists(st, "networks"))
		return link_show_resolve(st, l->id);
	return xstrdup(l->id);
}

static int add_leads(struct store *st, const char *case_id, const struct leads *l,
	const char *analyst, const char *now)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < l->n && !rc; i++) {
		char *id;

		if ((rc = leads_resolve(st, &l->v[i], NULL)))
			break;
		if (!(id = lead_id(st, &l->v[i])))
			return EX_DATAERR;
		{
			const char *v[5] = { case_id, l->v[i].kind, id, now, analyst };

			rc = exec_text(
				st, "INSERT OR IGNORE INTO case_leads VALUES(?, ?, ?, ?, ?)", 5, v);
		}
		free(id);
	}
	return rc;
}

int case_open(struct store *st, const char *title, const struct leads *leads, const char *analyst,
	char **id_out)
{
	char now[21], *id, *changes = NULL, *lt, *detail;
	int rc;

	*id_out = NULL;
	if ((rc = store_begin(st)))
		return rc;
	id = case_new_id(st);
	ck_clock_iso(now);
	{
		const char *v[4] = { id, title, now, analyst };

		rc = exec_text(st,
			"INSERT INTO cases(case_id, title, opened_at, opened_by) VALUES(?, ?, ?, ?)",
			4, v);
	}
	if (!rc)
		rc = add_leads(st, id, leads, analyst, now);
	if (!rc)
		rc = take_snapshot(st, id, 0, &changes);
	lt = leads_text(leads);
	detail = snapshot_detail(st, id, lt, NULL);
	if (!rc)
		rc = case_custody_add(st, id, "open", analyst, detail);
	free(changes);
	free(lt);
	free(detail);
	if ((rc = finish(st, rc)))
		free(id);
	else
		*id_out = id;
	return rc;
}

int case_leads_change(struct store *st, const char *case_id, const struct leads *leads, int add,
	const char *analyst)
{
	char now[21], *changes = NULL, *lt, *detail;
	size_t i;
	int rc;

	if ((rc = store_begin(st)))
		return rc;
	if ((rc = case_status(st, case_id, 1)))
		return finish(st, rc);
	ck_clock_iso(now);
	if (add)
		rc = add_leads(st, case_id, leads, analyst, now);
	for (i = 0; !add && i < leads->n && !rc; i++) {
		char *id = lead_id(st, &leads->v[i]);
		const char *v[3] = { case_id, leads->v[i].kind, id };

		if (!id) {
			rc = EX_DATAERR;
			break;
		}
		rc = exec_text(st,
			"DELETE FROM case_leads WHERE case_id = ? AND kind = ? AND id = ?", 3, v);
		free(id);
		if (!rc && store_changes(st) == 0)
			rc = ck_error(EX_DATAERR, "%s:%s is not a lead of %s", leads->v[i].kind,
				leads->v[i].id, case_id);
	}
	if (!rc)
		rc = take_snapshot(st, case_id, 0, &changes);
	lt = leads_text(leads);
	detail = snapshot_detail(st, case_id, lt, changes);
	if (!rc)
		rc = case_custody_add(st, case_id, add ? "add" : "remove", analyst, detail);
	free(changes);
	free(lt);
	free(detail);
	return finish(st, rc);
}

int case_refresh(struct store *st, const char *case_id, const char *analyst, char **changes)
{
	char *summary = NULL, *detail = NULL, *entry;
	int rc;

	*changes = NULL;
	if ((rc = store_begin(st)))
		return rc;
	if ((rc = case_status(st, case_id, 1)) || (rc = gather_live(st, case_id, 0)) ||
		(rc = diff_snapshot(st, case_id, &summary, &detail)))
		return finish(st, rc);
	if (!summary) {
		store_rollback(st);
		return 0;
	}
	rc = save_snapshot(st, case_id);
	entry = snapshot_detail(st, case_id, NULL, detail);
	if (!rc)
		rc = case_custody_add(st, case_id, "refresh", analyst, entry);
	free(entry);
	free(detail);
	if ((rc = finish(st, rc)))
		free(summary);
	else
		*changes = summary;
	return rc;
}

int case_note(struct store *st, const char *case_id, const char *text, const char *analyst)
{
	char now[21];
	int rc;

	if ((rc = store_begin(st)))
		return rc;
	if ((rc = case_status(st, case_id, 1)))
		return finish(st, rc);
	ck_clock_iso(now);
	{
		const char *v[4] = { case_id, now, analyst, text };

		rc = exec_text(st,
			"INSERT INTO case_notes(case_id, at, analyst, text) VALUES(?, ?, ?, ?)", 4,
			v);
	}
	if (!rc)
		rc = case_custody_add(st, case_id, "note", analyst, text);
	return finish(st, rc);
}

int case_close(struct store *st, const char *case_id, const char *analyst)
{
	char now[21];
	int rc;

	if ((rc = store_begin(st)))
		return rc;
	if ((rc = case_status(st, case_id, 1)))
		return finish(st, rc);
	ck_clock_iso(now);
	{
		const char *v[2] = { now, case_id };

		rc = exec_text(st,
			"UPDATE cases SET status = 'closed', closed_at = ? WHERE case_id = ?", 2,
			v);
	}
	if (!rc)
		rc = case_custody_add(st, case_id, "close", analyst, NULL);
	return finish(st, rc);
}

int case_grade_parse(const char *grade, char rel[2], int *conf, char hand[2])
{
	if (!(grade[0] >= 'A' && grade[0] <= 'E') || !(grade[1] >= '1' && grade[1] <= '5') ||
		(grade[2] && (!(grade[2] >= '1' && grade[2] <= '5') || grade[3])))
		return -1;
	rel[0] = grade[0];
	rel[1] = '\0';
	*conf = grade[1] - '0';
	hand[0] = grade[2] ? grade[2] : '1';
	hand[1] = '\0';
	return 0;
}

int case_grade(struct store *st, const char *case_id, const char *finding, const char *grade,
	const char *reason, const char *analyst)
{
	char now[21], rel[2], hand[2], conf_s[2], *detail;
	long long found = 0;
	int rc, conf;

	if (case_grade_parse(grade, rel, &conf, hand))
		return ck_error(EX_USAGE, "grade '%s' is not like B2 or B23", grade);
	if ((rc = store_begin(st)))
		return rc;
	if ((rc = case_status(st, case_id, 1)) || (rc = case_gather(st, case_id)))
		return finish(st, rc);
	{
		struct store_stmt *s =
			store_prepare(st, "SELECT 1 FROM case_findings WHERE finding = ?1");

		if (!s)
			return finish(st, EX_SOFTWARE);
		store_bind_text(s, 1, finding);
		found = store_step(s) == STORE_ROW;
		store_done(s);
	}
	if (!found)
		return finish(st,
			ck_error(EX_DATAERR,
				"%s: no finding '%s' (see 'casekit case show %s --section findings')",
				case_id, finding, case_id));
	ck_clock_iso(now);
	snprintf(conf_s, sizeof(conf_s), "%d", conf);
	{
		const char *v[8] = { case_id, finding, rel, conf_s, hand, reason, now, analyst };

		rc = exec_text(st,
			"INSERT OR REPLACE INTO case_grades VALUES(?, ?, ?, CAST(? AS INTEGER), ?, ?, "
			"?, ?)",
			8, v);
	}
	detail = xasprintf("%s %s%d/%s%s%s", finding, rel, conf, hand, reason ? ": " : "",
		reason ? reason : "");
	if (!rc)
		rc = case_custody_add(st, case_id, "grade", analyst, detail);
	free(detail);
	return finish(st, rc);
}

int case_pin_existing(struct store *st)
{
	struct store_stmt *s;
	char **ids = NULL, *changes, *detail;
	size_t n = 0, i;
	int rc = 0;

	if (!(s = store_prepare(st,
		      "SELECT case_id FROM cases WHERE case_id NOT IN (SELECT case_id FROM "
		      "case_pins) ORDER BY case_id")))
		return EX_SOFTWARE;
	while (store_step(s) == STORE_ROW) {
		ids = xrealloc(ids, (n + 1) * sizeof(*ids));
		ids[n++] = xstrdup(store_col_text(s, 0));
	}
	store_done(s);
	/* As each case stood: its members as they are, the rest as show gathered it. */
	for (i = 0; i < n && !rc; i++) {
		if (!(rc = take_snapshot(st, ids[i], 1, &changes))) {
			detail = snapshot_detail(st, ids[i],
				"store schema 4: the case as it stood, kept as its snapshot", NULL);
			rc = case_custody_add(st, ids[i], "snapshot", ck_analyst(), detail);
			free(detail);
		}
		free(changes);
	}
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return rc;
}

int case_show_prepare(struct store *st, const char *case_id, char **pending)
{
	char *detail = NULL, why[256];
	int rc;

	*pending = NULL;
	if ((rc = case_status(st, case_id, 0)) || (rc = case_set_redact(st, 0)) ||
		(rc = case_pending(st, case_id, pending, &detail)) ||
		(rc = case_gather(st, case_id)))
		return rc;
	free(detail);
	if (*pending) {
		const char *v[1] = { *pending };

		if ((rc = exec_text(st, "INSERT INTO temp.case_pending VALUES(?)", 1, v)))
			return rc;
	}
	if (case_custody_check(st, case_id, why))
		ck_warn("%s: the custody log is broken: %s", case_id, why);
	return 0;
}

int case_party_totals(struct store *st)
{
	/* Once a gather: the constant NOT EXISTS is tested before the read of the index. */
	return store_exec(st,
		"INSERT INTO case_party_totals SELECT from_id, count(*), sum(quantity) FROM shipments "
		"WHERE from_id IN (SELECT party_id FROM case_parties) AND NOT EXISTS (SELECT 1 FROM "
		"case_party_totals) GROUP BY from_id");
}

int case_print_section(struct store *st, const char *case_id, const char *name, int fmt)
{
	int idcol, rc;
	const char *sql = case_section_sql(name, &idcol);
	struct store_stmt *s;
	struct out *o;

	if (!sql)
		return ck_error(EX_SOFTWARE, "no section '%s'", name);
	if (strcmp(name, "parties") == 0 && (rc = case_party_totals(st)))
		return rc;
	if (!(s = store_prepare(st, sql)))
		return EX_SOFTWARE;
	store_bind_text(s, 1, case_id);
	o = out_open_query(stdout, (enum out_format)fmt, s);
	out_set_guard(o); /* sellers' text, bound for spreadsheets: no CSV cell runs as a formula */
	if (idcol >= 0)
		out_set_ids(o,
			strcmp(name, "sellers") == 0            ? "seller"
				: strcmp(name, "listings") == 0 ? "listing"
								: "party",
			idcol);
	return out_query_all(o, s);
}

int case_print_list(struct store *st, int fmt)
{
	struct store_stmt *s;
	struct out *o;

	if (!(s = store_prepare(st,
		      "SELECT c.case_id, c.status, c.title, c.opened_at, c.opened_by, "
		      "(SELECT count(*) FROM case_leads l WHERE l.case_id = c.case_id) AS leads, "
		      "(SELECT count(*) FROM case_members m WHERE m.case_id = c.case_id) AS "
		      "sellers, (SELECT max(at) FROM custody k WHERE k.case_id = c.case_id) AS "
		      "last_action FROM cases c ORDER BY c.case_id")))
		return EX_SOFTWARE;
	o = out_open_query(stdout, (enum out_format)fmt, s);
	out_set_ids(o, "case", 0);
	return out_query_all(o, s);
}
