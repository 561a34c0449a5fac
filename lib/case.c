/* case.c - cases: leads, members, custody log, grades, and the rows a case gathers */
#include "casekit.h"
#include "case.h"
#include "money.h"
#include "store.h"
#include "store_db.h"
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

static void hex(const unsigned char *d, unsigned n, char *out)
{
	unsigned i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int case_store_digest(struct store *st, char out[65])
{
	sqlite3 *db = store_db(st);
	sqlite3_stmt *s;
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	unsigned char d[32];
	unsigned n;
	struct buf line = { 0 };

	if (!m || EVP_DigestInit_ex(m, EVP_sha256(), NULL) != 1)
		ck_bug("sha256");
	if (sqlite3_prepare_v2(db,
		    "SELECT source_id, sha256, rows_kept, rows_rejected FROM sources ORDER BY "
		    "source_id",
		    -1, &s, NULL) != SQLITE_OK) {
		EVP_MD_CTX_free(m);
		return store_error(st, "sources");
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		buf_reset(&line);
		buf_addf(&line, "source %lld %s %lld %lld\n", sqlite3_column_int64(s, 0),
			(const char *)sqlite3_column_text(s, 1), sqlite3_column_int64(s, 2),
			sqlite3_column_int64(s, 3));
		EVP_DigestUpdate(m, line.s, line.len);
	}
	sqlite3_finalize(s);
	/* Every table but the case's own: what an action read, not what it wrote. */
	if (sqlite3_prepare_v2(db,
		    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'case%' "
		    "AND name NOT IN ('custody', 'meta', 'sqlite_sequence', 'sqlite_stat1') "
		    "ORDER BY name",
		    -1, &s, NULL) != SQLITE_OK) {
		EVP_MD_CTX_free(m);
		buf_free(&line);
		return store_error(st, "sqlite_master");
	}
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(s, 0);
		int64_t c = store_count(st, t);

		buf_reset(&line);
		buf_addf(&line, "table %s %lld\n", t, (long long)c);
		EVP_DigestUpdate(m, line.s, line.len);
	}
	sqlite3_finalize(s);
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
	sqlite3 *db = store_db(st);
	sqlite3_stmt *s;
	char now[21], digest[65], h[65], *prev = NULL, *cmd;
	const char *f[9];
	int rc;

	if ((rc = case_store_digest(st, digest)))
		return rc;
	if (sqlite3_prepare_v2(db, "SELECT hash FROM custody WHERE case_id = ? ORDER BY seq DESC",
		    -1, &s, NULL) != SQLITE_OK)
		return store_error(st, "custody");
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC);
	prev = xstrdup(
		sqlite3_step(s) == SQLITE_ROW ? (const char *)sqlite3_column_text(s, 0) : genesis);
	sqlite3_finalize(s);
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
	if (sqlite3_prepare_v2(db,
		    "INSERT INTO custody(case_id, action, at, analyst, version, command, "
		    "store_digest, detail, prev, hash) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		    -1, &s, NULL) != SQLITE_OK) {
		free(prev);
		free(cmd);
		return store_error(st, "custody");
	}
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, analyst, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, PACKAGE_STRING, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, cmd, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, digest, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 9, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 10, h, -1, SQLITE_STATIC);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : store_error(st, "custody");
	sqlite3_finalize(s);
	free(prev);
	free(cmd);
	return rc;
}

int case_custody_last(
	struct store *st, const char *case_id, long long *seq, char at[21], char hash[65])
{
	sqlite3_stmt *s;
	int rc = 0;

	if (sqlite3_prepare_v2(store_db(st),
		    "SELECT seq, at, hash FROM custody WHERE case_id = ? ORDER BY seq DESC LIMIT 1",
		    -1, &s, NULL) != SQLITE_OK)
		return store_error(st, "custody");
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(s, 0);
		snprintf(at, 21, "%s", (const char *)sqlite3_column_text(s, 1));
		snprintf(hash, 65, "%s", (const char *)sqlite3_column_text(s, 2));
	} else {
		rc = ck_error(EX_SOFTWARE, "%s: no custody entry", case_id);
	}
	sqlite3_finalize(s);
	return rc;
}

int case_custody_check(struct store *st, const char *case_id, char why[256])
{
	sqlite3_stmt *s;
	char prev[65], h[65];
	int bad = 0;

	strcpy(prev, genesis);
	if (sqlite3_prepare_v2(store_db(st),
		    "SELECT seq, prev, case_id, action, at, analyst, version, command, store_digest, "
		    "detail, hash FROM custody WHERE case_id = ? ORDER BY seq",
		    -1, &s, NULL) != SQLITE_OK)
		return store_error(st, "custody");
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC);
	while (!bad && sqlite3_step(s) == SQLITE_ROW) {
		const char *f[9];
		int i;

		for (i = 0; i < 9; i++)
			f[i] = (const char *)sqlite3_column_text(s, i + 1);
		entry_hash(f, h);
		if (!f[0] || strcmp(f[0], prev) != 0) {
			snprintf(why, 256, "custody entry %lld does not follow the entry before it",
				sqlite3_column_int64(s, 0));
			bad = 1;
		} else if (strcmp(h, (const char *)sqlite3_column_text(s, 10)) != 0) {
			snprintf(why, 256, "custody entry %lld was changed after it was written",
				sqlite3_column_int64(s, 0));
			bad = 1;
		}
		memcpy(prev, h, 65);
	}
	sqlite3_finalize(s);
	return bad;
}

char *case_new_id(struct store *st)
{
	sqlite3_stmt *s;
	char now[21], prefix[16];
	long long n = 0;

	ck_clock_iso(now);
	snprintf(prefix, sizeof(prefix), "CASE-%.4s-", now);
	if (sqlite3_prepare_v2(store_db(st),
		    "SELECT max(CAST(substr(case_id, 11) AS INTEGER)) FROM cases "
		    "WHERE substr(case_id, 1, 10) = ?",
		    -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, prefix, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW)
			n = sqlite3_column_int64(s, 0);
		sqlite3_finalize(s);
	}
	return xasprintf("%s%04lld", prefix, n + 1);
}

static int exec_case(struct store *st, const char *sql, const char *case_id)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK)
		return store_error(st, "case");
	if (case_id)
		sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		;
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_error(st, "case");
}

int case_refresh(struct store *st, const char *case_id)
{
	int linked = store_has_table(store_db(st), "network_members"), rc;
	int shipped = 1;

	if ((rc = exec_case(st, "DELETE FROM case_members WHERE case_id = ?1", case_id)))
		return rc;
	rc = exec_case(st,
		"INSERT OR IGNORE INTO case_members(case_id, seller_id, via) "
		"SELECT ?1, id, 'seller:' || id FROM case_leads WHERE case_id = ?1 AND kind = 'seller' "
		"UNION ALL SELECT ?1, l.seller_id, 'listing:' || l.listing_id FROM case_leads c "
		"JOIN listings l ON l.listing_id = c.id WHERE c.case_id = ?1 AND c.kind = 'listing'",
		case_id);
	if (!rc && shipped)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_members(case_id, seller_id, via) "
			"SELECT ?1, s.seller_id, 'party:' || c.id FROM case_leads c "
			"JOIN shipments sh ON sh.from_id = c.id JOIN sellers s ON s.seller_id = sh.to_id "
			"WHERE c.case_id = ?1 AND c.kind = 'party'",
			case_id);
	if (!rc && linked) {
		/* A network lead brings its members; every member brings its network. */
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_members(case_id, seller_id, via) "
			"SELECT ?1, m.seller_id, 'network:' || c.id FROM case_leads c "
			"JOIN network_members m ON m.network_id = c.id "
			"WHERE c.case_id = ?1 AND c.kind = 'network'",
			case_id);
		if (!rc)
			rc = exec_case(st,
				"INSERT OR IGNORE INTO case_members(case_id, seller_id, via) "
				"SELECT ?1, m2.seller_id, 'network:' || m.network_id "
				"FROM case_members c JOIN network_members m ON m.seller_id = c.seller_id "
				"JOIN network_members m2 ON m2.network_id = m.network_id "
				"WHERE c.case_id = ?1",
				case_id);
		if (!rc)
			rc = exec_case(st,
				"UPDATE case_members SET network_id = (SELECT network_id FROM "
				"network_members m WHERE m.seller_id = case_members.seller_id) "
				"WHERE case_id = ?1",
				case_id);
	}
	return rc;
}

/* The parts of case_gather() that need the link tables, with their exact columns. */
static int gather_edges(struct store *st)
{
	static const char *const cols[] = { "edge_id", "seller_a", "seller_b", "kind", "value",
		"weight", "holders", "ident_a", "ident_b", NULL };
	int i;

	if (!store_has_table(store_db(st), "link_edges"))
		return 0;
	for (i = 0; cols[i]; i++)
		if (!store_has_column(store_db(st), "link_edges", cols[i])) {
			ck_warn("link_edges has no column '%s': link evidence left out", cols[i]);
			return 0;
		}
	return exec_case(st,
		"INSERT INTO case_edges SELECT e.edge_id, e.seller_a, e.seller_b, e.kind, e.value, "
		"e.weight, e.holders, " /**/
		"coalesce(e.comparator, 'exact'), "
		"sa.path, ia.line, sb.path, ib.line "
		"FROM link_edges e "
		"JOIN case_sellers a ON a.seller_id = e.seller_a "
		"JOIN case_sellers b ON b.seller_id = e.seller_b "
		"LEFT JOIN identifiers ia ON ia.ident_id = e.ident_a "
		"LEFT JOIN sources sa ON sa.source_id = ia.source_id "
		"LEFT JOIN identifiers ib ON ib.ident_id = e.ident_b "
		"LEFT JOIN sources sb ON sb.source_id = ib.source_id "
		"ORDER BY e.edge_id",
		NULL);
}

int case_gather(struct store *st, const char *case_id)
{
	int rc,
		scored = store_has_table(store_db(st), "scores") &&
		store_has_column(store_db(st), "scores", "flagged");
	char *sql;

	rc = store_exec(st,
		"DROP TABLE IF EXISTS temp.case_sellers; DROP TABLE IF EXISTS temp.case_listings;"
		"DROP TABLE IF EXISTS temp.case_parties; DROP TABLE IF EXISTS temp.case_edges;"
		"DROP TABLE IF EXISTS temp.case_findings;"
		"CREATE TEMP TABLE case_sellers(seller_id TEXT PRIMARY KEY, network_id TEXT, via TEXT);"
		"CREATE TEMP TABLE case_listings(listing_id TEXT PRIMARY KEY, seller_id TEXT, why TEXT);"
		"CREATE TEMP TABLE case_parties(party_id TEXT PRIMARY KEY, depth INTEGER, via TEXT);"
		"CREATE TEMP TABLE case_edges(edge_id, seller_a TEXT, seller_b TEXT, kind TEXT,"
		"  value TEXT, weight REAL, holders INTEGER, comparator TEXT, file_a TEXT, line_a INTEGER,"
		"  file_b TEXT, line_b INTEGER);"
		"CREATE TEMP TABLE case_findings(finding TEXT PRIMARY KEY, kind TEXT, subject TEXT,"
		"  what TEXT, reliability TEXT, confidence INTEGER, handling TEXT, rule TEXT,"
		"  file TEXT, line INTEGER);");
	if (rc)
		return rc;
	rc = exec_case(st,
		"INSERT INTO case_sellers SELECT seller_id, network_id, via FROM case_members "
		"WHERE case_id = ?1 ORDER BY seller_id",
		case_id);
	/* Flagged listings: the analyst's leads, then what the evidence flags. */
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_listings SELECT l.listing_id, l.seller_id, 'lead' "
			"FROM case_leads c JOIN listings l ON l.listing_id = c.id "
			"WHERE c.case_id = ?1 AND c.kind = 'listing'",
			case_id);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_listings SELECT l.listing_id, l.seller_id, "
			"'test buy ' || t.testbuy_id || ': ' || t.verdict FROM testbuys t "
			"JOIN listings l ON l.listing_id = t.listing_id "
			"JOIN case_sellers s ON s.seller_id = l.seller_id "
			"WHERE lower(t.verdict) IN ('counterfeit', 'fake', 'infringing') "
			"ORDER BY t.testbuy_id",
			NULL);
	if (!rc && scored)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_listings SELECT c.listing_id, l.seller_id, "
			"'score ' || c.score FROM scores c JOIN listings l ON l.listing_id = c.listing_id "
			"JOIN case_sellers s ON s.seller_id = l.seller_id WHERE c.flagged "
			"ORDER BY c.listing_id",
			NULL);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_listings SELECT l.listing_id, l.seller_id, "
			"'takedown ' || t.notice_id FROM takedowns t "
			"JOIN listings l ON l.listing_id = t.listing_id "
			"JOIN case_sellers s ON s.seller_id = l.seller_id ORDER BY t.notice_id",
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
			"  SELECT sh.from_id, 1, sh.to_id FROM shipments sh "
			"  JOIN case_sellers s ON s.seller_id = sh.to_id WHERE sh.from_id IS NOT NULL "
			"  UNION SELECT sh.from_id, up.depth + 1, up.party_id FROM shipments sh "
			"  JOIN up ON sh.to_id = up.party_id WHERE up.depth < 4 AND sh.from_id IS NOT NULL),"
			" best(party_id, depth) AS (SELECT party_id, min(depth) FROM up GROUP BY party_id)"
			" SELECT u.party_id, u.depth, min(u.via) FROM up u "
			" JOIN best b ON b.party_id = u.party_id AND b.depth = u.depth "
			" WHERE u.party_id NOT IN (SELECT seller_id FROM case_sellers) "
			" GROUP BY u.party_id ORDER BY u.party_id",
			NULL);
	if (!rc)
		rc = gather_edges(st);
	/* Findings and their grades (source reliability, information confidence, handling). */
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_findings "
			"SELECT 'testbuy:' || t.testbuy_id, 'testbuy', 'listing:' || t.listing_id, "
			"  'test buy verdict: ' || coalesce(t.verdict, '(none)'), 'A', 1, '1', "
			"  'a test-buy verdict is confirmed fact', so.path, t.line "
			"FROM testbuys t JOIN listings l ON l.listing_id = t.listing_id "
			"JOIN case_sellers s ON s.seller_id = l.seller_id "
			"LEFT JOIN sources so ON so.source_id = t.source_id ORDER BY t.testbuy_id",
			NULL);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_findings "
			"SELECT 'takedown:' || t.notice_id, 'takedown', 'listing:' || t.listing_id, "
			"  'notice by ' || coalesce(t.rights_holder, '?') || ': ' || "
			"  coalesce(t.outcome, 'open'), 'B', 2, '1', "
			"  'a rights holder''s notice', so.path, t.line "
			"FROM takedowns t JOIN case_listings l ON l.listing_id = t.listing_id "
			"LEFT JOIN sources so ON so.source_id = t.source_id ORDER BY t.notice_id",
			NULL);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_findings "
			"SELECT 'link:' || e.edge_id || ':' || e.kind, 'link', 'seller:' || e.seller_a || ' seller:' || "
			"  e.seller_b, 'shared ' || e.kind || ' (' || e.holders || ' holders)', "
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
			"FROM case_listings c JOIN listings l ON l.listing_id = c.listing_id "
			"LEFT JOIN sources so ON so.source_id = l.source_id ORDER BY c.listing_id",
			NULL);
	if (!rc)
		rc = exec_case(st,
			"INSERT OR IGNORE INTO case_findings "
			"SELECT 'party:' || c.party_id, 'party', 'party:' || c.party_id, "
			"  'upstream, ' || c.depth || ' step(s) from the sellers', 'B', 3, '1', "
			"  'shipment records of the platform', so.path, p.line "
			"FROM case_parties c LEFT JOIN parties p ON p.party_id = c.party_id "
			"LEFT JOIN sources so ON so.source_id = p.source_id ORDER BY c.party_id",
			NULL);
	/* The analyst's word overrides the rules. */
	if (!rc) {
		sql = xasprintf("UPDATE case_findings SET reliability = g.reliability, "
				"confidence = g.confidence, handling = g.handling, "
				"rule = 'analyst ' || g.set_by || ': ' || coalesce(g.reason, '') "
				"FROM case_grades g WHERE g.case_id = ?1 AND g.finding = "
				"case_findings.finding");
		rc = exec_case(st, sql, case_id);
		free(sql);
	}
	return rc;
}

static unsigned char redact_key[STORE_KEY_LEN];
static int redact_on;

static void buyer_fn(sqlite3_context *c, int argc, sqlite3_value **v)
{
	const unsigned char *x = sqlite3_value_text(v[0]);
	unsigned char mac[32];
	unsigned len = 0;
	char out[6 + 33];

	(void)argc;
	if (!x) {
		sqlite3_result_null(c);
		return;
	}
	if (!redact_on) {
		sqlite3_result_value(c, v[0]);
		return;
	}
	HMAC(EVP_sha256(), redact_key, sizeof(redact_key), x, (size_t)sqlite3_value_bytes(v[0]),
		mac, &len);
	memcpy(out, "buyer-", 6);
	hex(mac, 8, out + 6);
	sqlite3_result_text(c, out, -1, SQLITE_TRANSIENT);
}

int case_set_redact(struct store *st, int redact)
{
	int rc;

	redact_on = redact;
	if (redact && (rc = store_pseudonym_key(st, redact_key)))
		return rc;
	if (sqlite3_create_function(store_db(st), "ck_buyer", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
		    NULL, buyer_fn, NULL, NULL) != SQLITE_OK)
		return store_error(st, "ck_buyer");
	return 0;
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
		"SELECT 'case' AS what, case_id AS value FROM cases WHERE case_id = ?1 "
		"UNION ALL SELECT 'title', title FROM cases WHERE case_id = ?1 "
		"UNION ALL SELECT 'status', status FROM cases WHERE case_id = ?1 "
		"UNION ALL SELECT 'opened', opened_at || ' by ' || opened_by FROM cases "
		"  WHERE case_id = ?1 "
		"UNION ALL SELECT 'closed', closed_at FROM cases WHERE case_id = ?1 AND closed_at "
		"  IS NOT NULL "
		"UNION ALL SELECT 'leads', count(*) FROM case_leads WHERE case_id = ?1 "
		"UNION ALL SELECT 'networks', count(DISTINCT network_id) FROM case_sellers "
		"UNION ALL SELECT 'sellers', count(*) FROM case_sellers "
		"UNION ALL SELECT 'flagged listings', count(*) FROM case_listings "
		"UNION ALL SELECT 'orders', count(*) FROM orders o JOIN case_listings c "
		"  ON c.listing_id = o.listing_id "
		"UNION ALL SELECT 'test buys', count(*) FROM testbuys t JOIN listings l "
		"  ON l.listing_id = t.listing_id JOIN case_sellers s ON s.seller_id = l.seller_id "
		"UNION ALL SELECT 'upstream parties', count(*) FROM case_parties "
		"UNION ALL SELECT 'link evidence', count(*) FROM case_edges" },
	{ "value", -1,
		"SELECT o.currency, count(*) AS orders, ck_money(sum(o.amount), o.currency) AS amount "
		"FROM orders o JOIN case_listings c ON c.listing_id = o.listing_id "
		"WHERE " MONEY_PAID_ORDER " "
		"AND o.amount IS NOT NULL GROUP BY o.currency ORDER BY o.currency" },
	{ "leads", -1,
		"SELECT kind || ':' || id AS lead, added_at, added_by FROM case_leads "
		"WHERE case_id = ?1 ORDER BY kind, id" },
	{ "sellers", 0,
		"SELECT s.seller_id, c.network_id, s.platform, s.shop_name, s.owner_name, "
		"s.registered_at, s.status, c.via, so.path AS file, s.line "
		"FROM case_sellers c LEFT JOIN sellers s ON s.seller_id = c.seller_id "
		"LEFT JOIN sources so ON so.source_id = s.source_id ORDER BY c.seller_id" },
	{ "listings", 0,
		"SELECT l.listing_id, l.seller_id, l.title, l.brand, l.category, "
		"ck_money(l.price, l.currency) AS price, l.currency, "
		"l.created_at, l.status, c.why, so.path AS file, l.line "
		"FROM case_listings c JOIN listings l ON l.listing_id = c.listing_id "
		"LEFT JOIN sources so ON so.source_id = l.source_id ORDER BY l.listing_id" },
	{ "orders", -1,
		"SELECT o.order_id, o.listing_id, o.seller_id, ck_buyer(o.buyer_id) AS buyer, "
		"o.quantity, ck_money(o.amount, o.currency) AS amount, o.currency, o.ordered_at, ck_buyer(o.ship_to_address) AS "
		"ship_to, o.status, so.path AS file, o.line "
		"FROM orders o JOIN case_listings c ON c.listing_id = o.listing_id "
		"LEFT JOIN sources so ON so.source_id = o.source_id ORDER BY o.order_id" },
	{ "testbuys", -1,
		"SELECT t.testbuy_id, t.listing_id, t.order_id, t.bought_at, "
		"ck_money(t.cost, t.currency) AS cost, t.currency, "
		"t.verdict, t.report_ref, so.path AS file, t.line FROM testbuys t "
		"JOIN listings l ON l.listing_id = t.listing_id "
		"JOIN case_sellers s ON s.seller_id = l.seller_id "
		"LEFT JOIN sources so ON so.source_id = t.source_id ORDER BY t.testbuy_id" },
	{ "takedowns", -1,
		"SELECT t.notice_id, t.rights_holder, t.listing_id, t.received_at, t.resolved_at, "
		"t.outcome, so.path AS file, t.line FROM takedowns t "
		"JOIN case_listings c ON c.listing_id = t.listing_id "
		"LEFT JOIN sources so ON so.source_id = t.source_id ORDER BY t.notice_id" },
	{ "parties", 0,
		"SELECT c.party_id, p.kind, p.name, c.depth, c.via, "
		"(SELECT count(*) FROM shipments sh WHERE sh.from_id = c.party_id) AS shipments, "
		"(SELECT sum(quantity) FROM shipments sh WHERE sh.from_id = c.party_id) AS quantity, "
		"so.path AS file, p.line FROM case_parties c "
		"LEFT JOIN parties p ON p.party_id = c.party_id "
		"LEFT JOIN sources so ON so.source_id = p.source_id ORDER BY c.depth, c.party_id" },
	{ "links", -1,
		"SELECT edge_id, seller_a, seller_b, kind, value, weight, holders, comparator, "
		"file_a, line_a, file_b, line_b FROM case_edges ORDER BY edge_id" },
	{ "findings", -1,
		"SELECT finding, subject, what, reliability || confidence || '/' || handling AS grade, "
		"rule, file, line FROM case_findings ORDER BY kind, finding" },
	{ "timeline", -1,
		"SELECT * FROM ("
		"SELECT registered_at AS at, 'seller registered' AS event, 'seller:' || seller_id "
		"  AS subject FROM sellers WHERE seller_id IN (SELECT seller_id FROM case_sellers) "
		"  AND registered_at IS NOT NULL "
		"UNION ALL SELECT created_at, 'flagged listing created', 'listing:' || listing_id "
		"  FROM listings WHERE listing_id IN (SELECT listing_id FROM case_listings) "
		"  AND created_at IS NOT NULL "
		"UNION ALL SELECT min(ordered_at), 'first order (' || count(*) || ' in all)', "
		"  'listing:' || listing_id FROM orders "
		"  WHERE listing_id IN (SELECT listing_id FROM case_listings) "
		"  AND ordered_at IS NOT NULL GROUP BY listing_id "
		"UNION ALL SELECT t.bought_at, 'test buy ' || t.testbuy_id || ': ' || "
		"  coalesce(t.verdict, '?'), 'listing:' || t.listing_id FROM testbuys t "
		"  JOIN listings l ON l.listing_id = t.listing_id "
		"  JOIN case_sellers s ON s.seller_id = l.seller_id WHERE t.bought_at IS NOT NULL "
		"UNION ALL SELECT received_at, 'takedown notice ' || notice_id || ' from ' || "
		"  coalesce(rights_holder, '?'), 'listing:' || listing_id FROM takedowns "
		"  WHERE listing_id IN (SELECT listing_id FROM case_listings) "
		"  AND received_at IS NOT NULL "
		"UNION ALL SELECT shipped_at, 'shipment ' || shipment_id || ' from party:' || from_id, "
		"  CASE WHEN to_id IN (SELECT seller_id FROM case_sellers) THEN 'seller:' "
		"  ELSE 'party:' END || to_id FROM shipments "
		"  WHERE from_id IN (SELECT party_id FROM case_parties) AND shipped_at IS NOT NULL "
		"  AND (to_id IN (SELECT seller_id FROM case_sellers) "
		"  OR to_id IN (SELECT party_id FROM case_parties)) "
		"UNION ALL SELECT at, 'case ' || action || ' by ' || analyst, 'case:' || case_id "
		"  FROM custody WHERE case_id = ?1 AND action <> 'export' "
		") ORDER BY at, event, subject" },
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
