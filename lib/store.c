/* store.c - open, create, migrate and query a case store (one SQLite file) */
#include "casekit.h"
#include "case.h"
#include "keyfile.h"
#include "money.h"
#include "stats.h"
#include "store.h"
#include "store_citus.h"
#include "store_db.h"
#include "store_pg.h"
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

/*
 * How long a writer waits for another one's lock on the store before it gives up (exit 75):
 * $CASEKIT_BUSY_TIMEOUT seconds, 600 by default, for a second ingest must wait its turn.
 */
#define BUSY_DEFAULT_S 600

/* A kept statement; those of one SQL text share a hash slot's chain. */
struct store_stmt {
	sqlite3_stmt *s;
	struct pg_stmt *q; /* instead of s, on a PostgreSQL store */
	struct store *st;
	const char *sql; /* sqlite3_sql(s) or pg_stmt_sql(q): owned by the statement */
	uint64_t hash;
	int out; /* handed out by store_prepare(), not yet given back */
	unsigned flags;
	struct store_stmt *next;
};

#define STMT_ONCE 0x1  /* not kept: store_done() finalizes it (ad-hoc SQL) */
#define STMT_QUIET 0x4 /* a failed step prints nothing: the caller words the error */

#define STMT_SLOTS 64

struct prof_ent;
struct store {
	sqlite3 *db;
	struct pg *pg; /* instead of db, when the path is a libpq URI */
	char *path;
	unsigned flags;
	struct store_stmt *stmts[STMT_SLOTS];
	struct prof_ent *prof; /* $CASEKIT_SQL_PROFILE: PROF_SLOTS statements' times, or NULL */
};

const char *const store_kinds[] = {
	"brands",
	"sellers",
	"parties",
	"listings",
	"orders",
	"logins",
	"payments",
	"shipments",
	"testbuys",
	"takedowns",
	"notifiers",
	"notices",
	NULL,
};

/*
 * Schema version 1. Every kind table keeps the generic layout's column names, the extra
 * columns of a row as a JSON object (attrs), and where the row came from (source_id, line), so
 * that any fact casekit shows can be traced to a file and a line. Money is integer minor units
 * beside an ISO 4217 code; times are ISO 8601 UTC text; ids are text exactly as given.
 * Indexes that loading does not need are made after a load (ingest), not here.
 */
static const char schema_core[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;\n"
	"CREATE TABLE sources(\n"
	"  source_id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL,\n"
	"  size INTEGER NOT NULL, kind TEXT NOT NULL, profile TEXT, encoding TEXT,\n"
	"  ingested_at TEXT NOT NULL, rows_read INTEGER NOT NULL DEFAULT 0,\n"
	"  rows_kept INTEGER NOT NULL DEFAULT 0, rows_rejected INTEGER NOT NULL DEFAULT 0,\n"
	"  replaced_by INTEGER);\n"
	"CREATE INDEX sources_sha256 ON sources(sha256);\n"
	"CREATE TABLE rejects(\n"
	"  reject_id INTEGER PRIMARY KEY, source_id INTEGER REFERENCES sources, path TEXT NOT NULL,\n"
	"  line INTEGER NOT NULL, reason TEXT NOT NULL, raw TEXT);\n"
	"CREATE TABLE brands(\n"
	"  brand TEXT NOT NULL, aliases TEXT, category TEXT NOT NULL DEFAULT '',\n"
	"  reference_price INTEGER, currency TEXT, rights_holder TEXT,\n"
	"  attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
	"  PRIMARY KEY(brand, category, currency));\n"
	"CREATE TABLE sellers(\n"
	"  seller_id TEXT PRIMARY KEY, platform TEXT, shop_name TEXT, owner_name TEXT,\n"
	"  registered_at TEXT, phone TEXT, email TEXT, address TEXT, return_address TEXT,\n"
	"  status TEXT, attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);\n"
	"CREATE TABLE parties(\n"
	"  party_id TEXT PRIMARY KEY, kind TEXT, name TEXT, phone TEXT, email TEXT, address TEXT,\n"
	"  attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);\n"
	"CREATE TABLE listings(\n"
	"  listing_id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, title TEXT, brand TEXT,\n"
	"  category TEXT, price INTEGER, currency TEXT, created_at TEXT, status TEXT,\n"
	"  image_text TEXT, url TEXT, attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);\n"
	"CREATE TABLE orders(\n"
	"  order_id TEXT PRIMARY KEY, listing_id TEXT, seller_id TEXT, buyer_id TEXT,\n"
	"  quantity INTEGER, amount INTEGER, currency TEXT, ordered_at TEXT, ship_to_address TEXT,\n"
	"  status TEXT, attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);\n"
	"CREATE TABLE logins(\n"
	"  login_id INTEGER PRIMARY KEY, seller_id TEXT NOT NULL, device_id TEXT, ip TEXT,\n"
	"  user_agent TEXT, at TEXT, attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);\n"
	/* Payment instruments are never stored raw: a keyed hash, the type and the last four. */
	"CREATE TABLE payments(\n"
	"  payment_id INTEGER PRIMARY KEY, seller_id TEXT NOT NULL, instrument_type TEXT,\n"
	"  instrument_hash TEXT NOT NULL, instrument_last4 TEXT, holder_name TEXT, bank TEXT,\n"
	"  added_at TEXT, attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);\n"
	"CREATE TABLE shipments(\n"
	"  shipment_id TEXT PRIMARY KEY, from_id TEXT, from_name TEXT, from_address TEXT,\n"
	"  to_id TEXT, to_name TEXT, to_address TEXT, carrier TEXT, tracking_no TEXT, goods TEXT,\n"
	"  quantity INTEGER, declared_value INTEGER, currency TEXT, shipped_at TEXT,\n"
	"  attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);\n"
	"CREATE TABLE testbuys(\n"
	"  testbuy_id TEXT PRIMARY KEY, listing_id TEXT, order_id TEXT, bought_at TEXT,\n"
	"  cost INTEGER, currency TEXT, verdict TEXT, report_ref TEXT,\n"
	"  attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL);\n"
	"CREATE TABLE takedowns(\n"
	"  notice_id TEXT PRIMARY KEY, rights_holder TEXT, listing_id TEXT, received_at TEXT,\n"
	"  resolved_at TEXT, outcome TEXT, attrs TEXT, source_id INTEGER NOT NULL,\n"
	"  line INTEGER NOT NULL);\n"
	/*
	 * Every identifier in normalised form (value) beside what the row said (raw; masked for
	 * payments; NULL when the row said the value itself), who holds it, and the row it came
	 * from. note_id names the rules that fired (schema 7: ident_notes); flags marks values
	 * that must never link (private or CGNAT IPs, null device ids).
	 */
	"CREATE TABLE identifiers(\n"
	"  ident_id INTEGER PRIMARY KEY, holder_kind TEXT NOT NULL, holder_id TEXT NOT NULL,\n"
	"  kind TEXT NOT NULL, value TEXT NOT NULL, raw TEXT, flags TEXT, day TEXT,\n"
	"  field TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL, note_id INTEGER);\n";

/* Derived results; each applet's tables live in its own block. */
/*
 * screen: each run with the digest of the rules that gave its scores, and one row per listing
 * scored with the reasons in short form and the run that scored it, so a score can be
 * reproduced and explained (casekit screen --explain). The digest is kept once a run, not
 * once a listing: it would be half of every row.
 */
static const char schema_screen_runs[] =
	"CREATE TABLE screen_runs(\n"
	"  run_id INTEGER PRIMARY KEY, rules_digest TEXT NOT NULL, started_at TEXT NOT NULL,\n"
	"  scope TEXT NOT NULL, scored INTEGER, flagged INTEGER);\n";
static const char schema_screen[] =
	"CREATE TABLE scores(\n"
	"  listing_id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, score INTEGER NOT NULL,\n"
	"  flagged INTEGER NOT NULL, brand TEXT, reasons TEXT NOT NULL,\n"
	"  run_id INTEGER NOT NULL) WITHOUT ROWID;\n"
	"CREATE INDEX scores_seller ON scores(seller_id);\n"
	/*
	 * The points the network signal added to a score, kept apart so that the signal counts
	 * only what listings earn on their own and a rerun never feeds on its own output.
	 */
	"CREATE TABLE score_network(\n"
	"  listing_id TEXT PRIMARY KEY, network_id TEXT NOT NULL, others INTEGER NOT NULL,\n"
	"  points INTEGER NOT NULL);\n";
/*
 * casekit link. A run links every seller over the identifiers up to last_ident_id. Networks
 * (two or more accounts) keep their id across runs; their members, the spanning forest of
 * evidence that joined them (one row per piece of evidence, pieces of one edge share edge_id),
 * the hubs that linked nobody, and the ids networks had before they merged. The first run
 * adds a trigger, link_identifiers_deleted, that notes in meta (link_deleted_run) when rows a
 * run saw are deleted, so the next run knows without counting them.
 */
static const char schema_link[] =
	"CREATE TABLE link_runs(\n"
	"  run_id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, mode TEXT NOT NULL,\n"
	"  last_ident_id INTEGER NOT NULL, rows_seen INTEGER NOT NULL, params TEXT NOT NULL,\n"
	"  sellers INTEGER NOT NULL,\n"
	"  networks INTEGER NOT NULL, members INTEGER NOT NULL, edges INTEGER NOT NULL,\n"
	"  hubs INTEGER NOT NULL);\n"
	"CREATE TABLE networks(\n"
	"  network_id TEXT PRIMARY KEY, size INTEGER NOT NULL, anchor TEXT NOT NULL,\n"
	"  kinds TEXT NOT NULL, created_run INTEGER NOT NULL, updated_run INTEGER NOT NULL);\n"
	"CREATE TABLE network_members(\n"
	"  seller_id TEXT PRIMARY KEY, network_id TEXT NOT NULL);\n"
	"CREATE INDEX network_members_network ON network_members(network_id);\n"
	"CREATE TABLE link_edges(\n"
	"  edge_id INTEGER NOT NULL, network_id TEXT NOT NULL, seller_a TEXT NOT NULL,\n"
	"  seller_b TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL, weight REAL NOT NULL,\n"
	"  holders INTEGER NOT NULL, ident_a INTEGER, ident_b INTEGER, comparator TEXT,\n"
	"  score REAL);\n"
	"CREATE INDEX link_edges_network ON link_edges(network_id);\n"
	"CREATE TABLE link_hubs(\n"
	"  kind TEXT NOT NULL, value TEXT NOT NULL, display TEXT NOT NULL, holders INTEGER NOT NULL,\n"
	"  day TEXT, PRIMARY KEY(kind, value)) WITHOUT ROWID;\n"
	"CREATE TABLE network_aliases(\n"
	"  old_id TEXT PRIMARY KEY, network_id TEXT, run_id INTEGER NOT NULL, reason TEXT NOT NULL)\n"
	"  WITHOUT ROWID;\n";
static const char schema_trace[] = "";
/*
 * Cases: leads as the analyst gave them, members (sellers) as the leads expanded when last
 * refreshed, notes, grade overrides, and the custody log. The log is append-only: triggers
 * refuse UPDATE and DELETE, and each entry carries the SHA-256 of the one before it (prev) and
 * of itself (hash), so an entry removed with the triggers dropped still shows as a broken chain.
 */
static const char schema_case[] =
	"CREATE TABLE cases(\n"
	"  case_id TEXT PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open'\n"
	"  CHECK(status IN ('open', 'closed')), opened_at TEXT NOT NULL, opened_by TEXT NOT NULL,\n"
	"  closed_at TEXT, recipient TEXT);\n"
	"CREATE TABLE case_leads(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, kind TEXT NOT NULL, id TEXT NOT NULL,\n"
	"  added_at TEXT NOT NULL, added_by TEXT NOT NULL, PRIMARY KEY(case_id, kind, id))\n"
	"  WITHOUT ROWID;\n"
	"CREATE TABLE case_members(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, seller_id TEXT NOT NULL, network_id TEXT,\n"
	"  via TEXT NOT NULL, PRIMARY KEY(case_id, seller_id)) WITHOUT ROWID;\n"
	"CREATE TABLE case_notes(\n"
	"  note_id INTEGER PRIMARY KEY, case_id TEXT NOT NULL REFERENCES cases, at TEXT NOT NULL,\n"
	"  analyst TEXT NOT NULL, text TEXT NOT NULL);\n"
	"CREATE TABLE case_grades(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, finding TEXT NOT NULL,\n"
	"  reliability TEXT NOT NULL CHECK(reliability IN ('A', 'B', 'C', 'D', 'E')),\n"
	"  confidence INTEGER NOT NULL CHECK(confidence BETWEEN 1 AND 5),\n"
	"  handling TEXT NOT NULL CHECK(handling IN ('1', '2', '3', '4', '5')),\n"
	"  reason TEXT, set_at TEXT NOT NULL, set_by TEXT NOT NULL,\n"
	"  PRIMARY KEY(case_id, finding)) WITHOUT ROWID;\n"
	"CREATE TABLE custody(\n"
	"  seq INTEGER PRIMARY KEY, case_id TEXT NOT NULL, action TEXT NOT NULL, at TEXT NOT NULL,\n"
	"  analyst TEXT NOT NULL, version TEXT NOT NULL, command TEXT NOT NULL,\n"
	"  store_digest TEXT NOT NULL, detail TEXT, prev TEXT NOT NULL, hash TEXT NOT NULL);\n"
	"CREATE INDEX custody_case ON custody(case_id, seq);\n"
	"CREATE TRIGGER custody_no_update BEFORE UPDATE ON custody\n"
	"  BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;\n"
	"CREATE TRIGGER custody_no_delete BEFORE DELETE ON custody\n"
	"  BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;\n";

/*
 * Schema 4: a case is a snapshot. It pins the screen and link runs it was taken from and
 * keeps the listings (with why each is in), orders (with amount, currency and status),
 * test buys, takedowns, upstream parties and link evidence that made it, so that later
 * ingests, screens and links change it only through 'casekit case refresh'. The members are
 * case_members. Each statement is idempotent: the v3 to v4 step runs the same text.
 */
static const char schema_case_snap[] =
	"CREATE TABLE IF NOT EXISTS case_pins(\n"
	"  case_id TEXT PRIMARY KEY REFERENCES cases, screen_run INTEGER, link_run INTEGER,\n"
	"  taken_at TEXT NOT NULL) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS case_snap_listings(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, listing_id TEXT NOT NULL, seller_id TEXT,\n"
	"  why TEXT NOT NULL, price INTEGER, currency TEXT,\n"
	"  PRIMARY KEY(case_id, listing_id)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS case_snap_orders(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, order_id TEXT NOT NULL, listing_id TEXT,\n"
	"  seller_id TEXT, amount INTEGER, currency TEXT, status TEXT,\n"
	"  PRIMARY KEY(case_id, order_id)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS case_snap_testbuys(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, testbuy_id TEXT NOT NULL, listing_id TEXT,\n"
	"  verdict TEXT, PRIMARY KEY(case_id, testbuy_id)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS case_snap_takedowns(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, notice_id TEXT NOT NULL, listing_id TEXT,\n"
	"  PRIMARY KEY(case_id, notice_id)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS case_snap_parties(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, party_id TEXT NOT NULL, depth INTEGER,\n"
	"  via TEXT, PRIMARY KEY(case_id, party_id)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS case_snap_edges(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, edge_id INTEGER, seller_a TEXT, seller_b TEXT,\n"
	"  kind TEXT, value TEXT, weight REAL, holders INTEGER, comparator TEXT, ident_a INTEGER,\n"
	"  ident_b INTEGER);\n"
	"CREATE INDEX IF NOT EXISTS case_snap_edges_case ON case_snap_edges(case_id, edge_id);\n";

/*
 * casekit takedown (schema 4): rights holders' notices and the agents that file them, kinds
 * like any other, and every decision on a notice, appended and never changed: a notice's
 * state is its last decision, and an analyst's reversal stays beside the decision it reverses.
 * Decisions are part of the record, as the custody log is: triggers refuse UPDATE and (from
 * schema 5) DELETE.
 */
static const char schema_takedown[] =
	"CREATE TABLE IF NOT EXISTS notices(\n"
	"  notice_id TEXT PRIMARY KEY, rights_holder TEXT, brand TEXT, listing_id TEXT, url TEXT,\n"
	"  grounds TEXT, received_at TEXT, contact_email TEXT, attrs TEXT,\n"
	"  source_id INTEGER NOT NULL, line INTEGER NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS notifiers(\n"
	"  notifier TEXT NOT NULL, acts_for TEXT NOT NULL, contact_email TEXT, since TEXT,\n"
	"  attrs TEXT, source_id INTEGER NOT NULL, line INTEGER NOT NULL,\n"
	"  PRIMARY KEY(notifier, acts_for));\n"
	"CREATE TABLE IF NOT EXISTS notice_decisions(\n"
	"  decision_id INTEGER PRIMARY KEY, notice_id TEXT NOT NULL, decided_at TEXT NOT NULL,\n"
	"  analyst TEXT NOT NULL, decision TEXT NOT NULL\n"
	"  CHECK(decision IN ('accept', 'review', 'reject')), lane TEXT NOT NULL,\n"
	"  reasons TEXT NOT NULL, evidence TEXT NOT NULL, listing_id TEXT, seller_id TEXT,\n"
	"  network_id TEXT, notifier TEXT, brand TEXT, proposed INTEGER NOT NULL DEFAULT 0);\n"
	"CREATE INDEX IF NOT EXISTS notice_decisions_notice\n"
	"  ON notice_decisions(notice_id, decision_id);\n"
	"CREATE TRIGGER IF NOT EXISTS notice_decisions_no_update BEFORE UPDATE ON notice_decisions\n"
	"  BEGIN SELECT RAISE(ABORT, 'notice decisions are append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS notice_decisions_no_delete BEFORE DELETE ON notice_decisions\n"
	"  BEGIN SELECT RAISE(ABORT, 'notice decisions are append-only'); END;\n";

/*
 * Schema 5: marks in each source file (csvio_keep_marks()), so that export reads again only
 * the spans that hold the rows a case cites: a span starts at line `line`, byte `offset` of the
 * file's text (inflated, for gzip), runs for len bytes of whole records, and had SHA-256
 * sha256 when it was ingested. Idempotent: the v4 to v5 step runs the same text.
 */
static const char schema_marks[] =
	"CREATE TABLE IF NOT EXISTS source_marks(\n"
	"  source_id INTEGER NOT NULL REFERENCES sources, line INTEGER NOT NULL,\n"
	"  offset INTEGER NOT NULL, len INTEGER NOT NULL, sha256 BLOB NOT NULL,\n"
	"  PRIMARY KEY(source_id, line)) WITHOUT ROWID;\n";

/*
 * Schema 6: the counts stats reads instead of every identifier, kept by ingest in the
 * transaction of the rows they count (stats_tally_write()). Per source: for each identifier
 * kind (field ''), its keys and flags; for each identifier column stats reads (field
 * 'sellers.phone'), the values that gave no identifier; and the values that are hub candidates.
 * The flagged scores get an index of their own, which screen keeps (a few percent of them).
 * Idempotent: the v5 to v6 step runs the same text, then fills them (stats_counts_fill()).
 */
static const char schema_counts[] =
	"CREATE TABLE IF NOT EXISTS ident_counts(\n"
	"  source_id INTEGER NOT NULL, kind TEXT NOT NULL, field TEXT NOT NULL,\n"
	"  keys INTEGER NOT NULL DEFAULT 0, national INTEGER NOT NULL DEFAULT 0,\n"
	"  coarse INTEGER NOT NULL DEFAULT 0, nolink INTEGER NOT NULL DEFAULT 0,\n"
	"  unparsed INTEGER NOT NULL DEFAULT 0,\n"
	"  PRIMARY KEY(source_id, kind, field)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS ident_hubs(\n"
	"  kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(kind, value)) WITHOUT ROWID;\n"
	"CREATE INDEX IF NOT EXISTS scores_flagged ON scores(listing_id) WHERE flagged;\n";

/*
 * Schema 7: the notes of the identifiers, each text once (a few hundred texts for millions of
 * rows); identifiers.note_id names one. Idempotent: the v6 to v7 step runs the same text.
 */
static const char schema_notes[] = "CREATE TABLE IF NOT EXISTS ident_notes(\n"
				   "  note_id INTEGER PRIMARY KEY, note TEXT NOT NULL UNIQUE);\n";

static const char *const schema_now[] = { schema_core, schema_screen_runs, schema_screen,
	schema_link, schema_trace, schema_case, schema_case_snap, schema_takedown, schema_marks,
	schema_counts, schema_notes, NULL };

const char *store_engine(void)
{
	static char v[48];

	if (!v[0])
		snprintf(v, sizeof(v), "SQLite %s", sqlite3_libversion());
	return v;
}

int store_is_distributed(struct store *st)
{
	return st->pg && pg_distributed(st->pg);
}

int store_is_uri(const char *path)
{
	return pg_is_uri(path);
}

const char *store_engine_of(struct store *st)
{
	return st && st->pg ? pg_engine(st->pg) : store_engine();
}

const char *store_default_path(void)
{
	const char *p = getenv("CASEKIT_DB");

	return p && *p ? p : "casekit.db";
}

int store_is_kind(const char *name)
{
	int i;

	for (i = 0; store_kinds[i]; i++)
		if (strcmp(store_kinds[i], name) == 0)
			return 1;
	return 0;
}

static double busy_limit(void)
{
	const char *e = getenv("CASEKIT_BUSY_TIMEOUT");
	char *end;
	double v;

	if (!e || !*e)
		return BUSY_DEFAULT_S;
	v = strtod(e, &end);
	return *end || v < 0 ? BUSY_DEFAULT_S : v;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * SQLite's busy handler: sleep and try again until the limit, saying once a second on a
 * terminal whom we wait for. count is 0 at the first try of each wait.
 */
static int wait_busy(void *arg, int count)
{
	static double start;
	static int shown;
	double limit = busy_limit(), waited;

	(void)arg;
	if (count == 0) {
		start = now_s();
		shown = 0;
	}
	waited = now_s() - start;
	if (waited >= limit) {
		if (shown)
			fputc('\n', stderr);
		return 0;
	}
	if ((int)waited > shown && isatty(STDERR_FILENO)) {
		shown = (int)waited;
		fprintf(stderr,
			"\r%s %s: waiting for another casekit writing the store: %ds of %.0fs",
			PACKAGE_NAME, ck.applet ? ck.applet : "", shown, limit);
	}
	usleep(count < 10 ? 1000 * (count + 1) : 50000);
	return 1;
}

static void set_busy(sqlite3 *db)
{
	sqlite3_busy_handler(db, wait_busy, NULL);
}

/*
 * $CASEKIT_SQL_PROFILE: where an applet's time in SQLite goes, for whoever makes it faster.
 * Each statement's wall time and runs are summed, and when the store closes the PROF_SHOWN
 * that took longest are said on stderr, longest first. A SQLite store only.
 */
#define PROF_SLOTS 1024
#define PROF_SHOWN 25
struct prof_ent {
	const void *stmt; /* the statement, and its text: an address freed may come back */
	char *sql;
	int64_t ns, runs;
};

static int prof_step(unsigned type, void *ctx, void *stmt, void *ns)
{
	struct store *st = ctx;
	const char *sql = sqlite3_sql(stmt);
	size_t i = ((uintptr_t)stmt >> 4) % PROF_SLOTS, k;

	(void)type;
	if (!sql)
		return 0;
	for (k = 0; k < PROF_SLOTS; k++, i = (i + 1) % PROF_SLOTS) {
		struct prof_ent *e = &st->prof[i];

		if (!e->sql) {
			e->stmt = stmt;
			e->sql = xstrdup(sql);
			break;
		}
		if (e->stmt == stmt && strcmp(e->sql, sql) == 0)
			break;
	}
	if (k < PROF_SLOTS) {
		st->prof[i].ns += *(sqlite3_int64 *)ns;
		st->prof[i].runs++;
	}
	return 0;
}

static int prof_longer(const void *a, const void *b)
{
	const struct prof_ent *x = a, *y = b;

	return (x->ns < y->ns) - (x->ns > y->ns);
}

/* Say the statements that took longest (statements of one text as one), and forget them. */
static void prof_report(struct store *st)
{
	struct prof_ent *v = st->prof;
	size_t n = 0, i, j;

	for (i = 0; i < PROF_SLOTS; i++) {
		if (!v[i].sql)
			continue;
		for (j = 0; j < n && strcmp(v[j].sql, v[i].sql); j++)
			;
		if (j < n) {
			v[j].ns += v[i].ns, v[j].runs += v[i].runs;
			free(v[i].sql);
		} else {
			v[n++] = v[i];
		}
	}
	qsort(v, n, sizeof(*v), prof_longer);
	for (i = 0; i < n; i++) {
		char *p;

		for (p = v[i].sql; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		if (i < PROF_SHOWN)
			fprintf(stderr, "casekit: sql: %9.3f s %10lld runs  %.160s\n",
				v[i].ns / 1e9, (long long)v[i].runs, v[i].sql);
		free(v[i].sql);
	}
	free(v);
	st->prof = NULL;
}

static int code_for(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return EX_TEMPFAIL;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return EX_CONFIG;
	case SQLITE_IOERR:
	case SQLITE_FULL:
		return EX_IOERR;
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_PERM:
		return EX_CANTCREAT;
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
		return EX_DATAERR;
	default:
		return EX_SOFTWARE;
	}
}

/* The message for a lock that outlasted the wait. */
static int busy_error(const char *path)
{
	return ck_error(EX_TEMPFAIL,
		"'%s' is busy: another casekit kept it locked for %.0fs (CASEKIT_BUSY_TIMEOUT); "
		"try again when it is done",
		path, busy_limit());
}

int store_error(struct store *st, const char *what)
{
	if (st->pg)
		return ck_error(pg_errcode(st->pg), "%s: %s", what, pg_errmsg(st->pg));
	if ((sqlite3_extended_errcode(st->db) & 0xff) == SQLITE_BUSY)
		return busy_error(st->path);
	return ck_error(
		code_for(sqlite3_extended_errcode(st->db)), "%s: %s", what, sqlite3_errmsg(st->db));
}

int store_exec(struct store *st, const char *sql)
{
	char *err = NULL;
	int rc;

	if (st->pg)
		return pg_exec(st->pg, sql, 0);
	rc = sqlite3_exec(st->db, sql, NULL, NULL, &err);
	if (rc == SQLITE_OK)
		return 0;
	if ((rc & 0xff) == SQLITE_BUSY) {
		sqlite3_free(err);
		return busy_error(st->path);
	}
	rc = ck_error(code_for(rc), "%s: %s", store_path(st), err ? err : sqlite3_errstr(rc));
	sqlite3_free(err);
	return rc;
}

int store_exec_quiet(struct store *st, const char *sql)
{
	if (st->pg)
		return pg_exec(st->pg, sql, 1);
	return sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int pragma_int(sqlite3 *db, const char *sql, int *out)
{
	sqlite3_stmt *s;
	int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);

	if (rc == SQLITE_OK) {
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int(s, 0);
			rc = SQLITE_OK;
		}
	}
	sqlite3_finalize(s);
	return rc;
}

static struct store *store_new(const char *path, unsigned flags)
{
	struct store *st = xcalloc(1, sizeof(*st));

	st->path = xstrdup(path);
	st->flags = flags;
	return st;
}

static void to_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static int meta_set_blob(struct store *st, const char *key, const unsigned char *v, int n)
{
	sqlite3_stmt *s;
	int rc;

	if (st->pg) {
		/* a server's meta holds text: the bytes in hex */
		char *hex = xmalloc(2 * (size_t)n + 1);

		to_hex(v, (size_t)n, hex);
		rc = store_meta_set(st, key, hex);
		OPENSSL_cleanse(hex, 2 * (size_t)n);
		free(hex);
		return rc;
	}
	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta VALUES(?, ?)", -1, &s, NULL))
		return store_error(st, st->path);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, v, n, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_error(st, st->path);
}

/* A blob of STORE_KEY_LEN bytes from meta into key: 1, or 0 when there is none. */
static int meta_get_key(struct store *st, const char *name, unsigned char key[STORE_KEY_LEN])
{
	sqlite3_stmt *s;
	int found = 0;

	if (st->pg) {
		char *hex = store_meta_get(st, name);
		size_t i;

		if (hex && strlen(hex) == 2 * STORE_KEY_LEN) {
			for (i = 0, found = 1; i < STORE_KEY_LEN && found; i++) {
				unsigned v;

				found = sscanf(hex + 2 * i, "%2x", &v) == 1;
				key[i] = (unsigned char)v;
			}
		}
		if (hex)
			OPENSSL_cleanse(hex, strlen(hex));
		free(hex);
		return found;
	}
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key=?", -1, &s, NULL))
		return 0;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == STORE_KEY_LEN) {
		memcpy(key, sqlite3_column_blob(s, 0), STORE_KEY_LEN);
		found = 1;
	}
	sqlite3_finalize(s);
	return found;
}

/*
 * Make a new store: schema, identity, a random id and the keys, in one transaction. The
 * payment key goes to its key file, written before the commit; the store keeps only its
 * fingerprint, so that the store alone cannot turn a hash and a last four back into a card.
 */
static int create(struct store *st)
{
	unsigned char key[STORE_KEY_LEN], pkey[STORE_KEY_LEN], id[8];
	char now[21], sql[160], idhex[2 * sizeof(id) + 1], fp[65], *kpath = NULL;
	int i, rc;

	if (st->pg) {
		if ((rc = store_exec(st, "BEGIN")) || (rc = pg_create_schema(st->pg)) ||
			((st->flags & STORE_DISTRIBUTED) &&
				(rc = citus_distribute(st->pg, st->path))))
			return rc;
	} else {
		/*
		 * 16 KiB pages, fixed for the store's life: a load makes a quarter of the reads
		 * and writes (each a system call) of SQLite's 4 KiB default. bench/scale.sh at
		 * 1,000,000 sellers, against 4 KiB: ingest 8% faster, screen 17%, link 24%,
		 * store 1% smaller.
		 */
		if ((rc = store_exec(st, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; BEGIN")))
			return rc;
		for (i = 0; schema_now[i]; i++)
			if ((rc = store_exec(st, schema_now[i])))
				return rc;
		snprintf(sql, sizeof(sql), "PRAGMA application_id=%d; PRAGMA user_version=%d",
			STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
		if ((rc = store_exec(st, sql)))
			return rc;
	}
	if (RAND_bytes(key, sizeof(key)) != 1 || RAND_bytes(pkey, sizeof(pkey)) != 1 ||
		RAND_bytes(id, sizeof(id)) != 1)
		return ck_error(EX_SOFTWARE, "cannot make a store key: no randomness");
	to_hex(id, sizeof(id), idhex);
	keyfile_fingerprint(key, fp);
	ck_now_iso(now);
	if (!(rc = meta_set_blob(st, "pseudonym_key", pkey, sizeof(pkey))) &&
		!(rc = store_meta_set(st, "store_id", idhex)) &&
		!(rc = store_meta_set(st, "payment_key_fingerprint", fp)) &&
		!(rc = store_meta_set(st, "created_at", now)) &&
		!(rc = store_meta_set(st, "created_by", PACKAGE_STRING))) {
		if (!(kpath = keyfile_path(idhex)))
			rc = EX_CONFIG;
		else if (!(rc = keyfile_create(kpath, key)) && (rc = store_exec(st, "COMMIT")))
			unlink(kpath);
	}
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(pkey, sizeof(pkey));
	free(kpath);
	return rc;
}

/* Read the store's application_id and user_version on a connection opened with oflags. */
static int identity_read(const char *path, int oflags, int *appid, int *version)
{
	sqlite3 *db;
	int rc;

	rc = sqlite3_open_v2(path, &db, oflags, NULL);
	sqlite3_extended_result_codes(db, 1);
	/* another applet may be writing (screen | link): wait for it as the store's own open does */
	set_busy(db);
	if (rc == SQLITE_OK)
		rc = pragma_int(db, "PRAGMA application_id", appid);
	if (rc == SQLITE_OK)
		rc = pragma_int(db, "PRAGMA user_version", version);
	sqlite3_close(db);
	return rc;
}

/*
 * Open read-only first and check the header, so that a file which is not ours is never
 * changed (not even by a journal mode switch).
 */
static int check_identity(struct store *st, int *version_out)
{
	int rc, appid = 0, version = 0;

	rc = identity_read(st->path, SQLITE_OPEN_READONLY, &appid, &version);
	/*
	 * A killed bulk load (ingest, screen, link) leaves a hot rollback journal, which a
	 * read-only connection may be unable to roll back (SQLITE_READONLY_ROLLBACK). Reading
	 * the header on a connection that can write recovers the file to its last commit and
	 * changes nothing else, so the identity check still writes nothing of ours.
	 */
	if ((rc & 0xff) == SQLITE_READONLY && access(st->path, W_OK) == 0)
		rc = identity_read(st->path, SQLITE_OPEN_READWRITE, &appid, &version);
	if ((rc & 0xff) == SQLITE_READONLY)
		return ck_error(EX_CANTCREAT,
			"'%s' was left mid-write (a hot journal) and cannot be recovered: "
			"open it once with write access to the file and its folder",
			st->path);
	if (rc == SQLITE_NOTADB || (rc == SQLITE_OK && appid != STORE_APPLICATION_ID))
		return ck_error(EX_CONFIG, "'%s' is not a casekit store", st->path);
	if ((rc & 0xff) == SQLITE_BUSY)
		return busy_error(st->path);
	if (rc != SQLITE_OK)
		return ck_error(code_for(rc), "cannot open '%s': %s", st->path, sqlite3_errstr(rc));
	if (version > STORE_SCHEMA_VERSION)
		return ck_error(EX_CONFIG, "'%s' has schema %d, newer than this casekit (%d)",
			st->path, version, STORE_SCHEMA_VERSION);
	if (version < 1)
		return ck_error(EX_CONFIG, "'%s' is not a casekit store (no schema)", st->path);
	*version_out = version;
	return 0;
}

/*
 * Version 2 keeps the rules digest and time once a screen run (screen_runs) instead of on
 * every score: each distinct (digest, time) of the old scores becomes a run.
 */
static const char migrate_v2[] =
	"INSERT INTO screen_runs(rules_digest, started_at, scope, scored, flagged)\n"
	"  SELECT rules_digest, scored_at, 'migrated', count(*), sum(flagged != 0) FROM scores\n"
	"  GROUP BY rules_digest, scored_at ORDER BY scored_at, rules_digest;\n"
	"CREATE TABLE scores_v2(\n"
	"  listing_id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, score INTEGER NOT NULL,\n"
	"  flagged INTEGER NOT NULL, brand TEXT, reasons TEXT NOT NULL,\n"
	"  run_id INTEGER NOT NULL) WITHOUT ROWID;\n"
	"INSERT INTO scores_v2 SELECT s.listing_id, s.seller_id, s.score, s.flagged, s.brand,\n"
	"  s.reasons, r.run_id FROM scores s JOIN screen_runs r\n"
	"  ON r.rules_digest = s.rules_digest AND r.started_at = s.scored_at;\n"
	"DROP TABLE scores;\n"
	"ALTER TABLE scores_v2 RENAME TO scores;\n"
	"CREATE INDEX scores_seller ON scores(seller_id);\n"
	"PRAGMA user_version=2;\n";

/*
 * Version 4 lets a file be loaded again (ingest --replace) with both loads on record: sha256
 * is no longer unique, and a load that was replaced names the one that replaced it. SQLite
 * cannot drop a constraint, so the table is made again (foreign keys off: rejects refer to it).
 */
static const char migrate_v4[] =
	"CREATE TABLE sources_v4(\n"
	"  source_id INTEGER PRIMARY KEY, path TEXT NOT NULL, sha256 TEXT NOT NULL,\n"
	"  size INTEGER NOT NULL, kind TEXT NOT NULL, profile TEXT, encoding TEXT,\n"
	"  ingested_at TEXT NOT NULL, rows_read INTEGER NOT NULL DEFAULT 0,\n"
	"  rows_kept INTEGER NOT NULL DEFAULT 0, rows_rejected INTEGER NOT NULL DEFAULT 0,\n"
	"  replaced_by INTEGER);\n"
	"INSERT INTO sources_v4 SELECT source_id, path, sha256, size, kind, profile, encoding,\n"
	"  ingested_at, rows_read, rows_kept, rows_rejected, NULL FROM sources;\n"
	"DROP TABLE sources;\n"
	"ALTER TABLE sources_v4 RENAME TO sources;\n"
	"CREATE INDEX IF NOT EXISTS sources_sha256 ON sources(sha256);\n"
	"PRAGMA user_version=4;\n";

/*
 * Version 5 (with schema_marks) refuses DELETE on notice decisions; schema_takedown holds the
 * same trigger for new stores.
 */
static const char migrate_v5[] =
	"CREATE TRIGGER IF NOT EXISTS notice_decisions_no_delete BEFORE DELETE ON notice_decisions\n"
	"  BEGIN SELECT RAISE(ABORT, 'notice decisions are append-only'); END;\n"
	"PRAGMA user_version=5;\n";

/*
 * Version 3 keeps the payment key out of the store: the key in meta.secret moves to its key
 * file, the store keeping an id and the key's fingerprint, and buyer pseudonyms in exports
 * get a key of their own (a new one: they change once). The id is derived from the key, so a
 * migration killed after the file was written finds the same file and goes on. The row is
 * deleted under secure_delete and the log checkpointed, so the key's bytes leave the file.
 * In the transaction of the caller (BEGIN IMMEDIATE); *kpath_out is the key file made, if any.
 */
static int migrate_v3(struct store *st, char **kpath_out)
{
	static const char label[] = "casekit store id";
	unsigned char key[STORE_KEY_LEN], other[STORE_KEY_LEN], pkey[STORE_KEY_LEN], mac[32];
	char idhex[17], fp[65], *kpath;
	unsigned len = 0;
	int rc, err;

	*kpath_out = NULL;
	if (!meta_get_key(st, "secret", key))
		return ck_error(
			EX_CONFIG, "'%s' has schema 2 but no payment key to move out", st->path);
	HMAC(EVP_sha256(), key, sizeof(key), (const unsigned char *)label, strlen(label), mac,
		&len);
	to_hex(mac, 8, idhex);
	keyfile_fingerprint(key, fp);
	if (!(kpath = keyfile_path(idhex))) {
		OPENSSL_cleanse(key, sizeof(key));
		return EX_CONFIG;
	}
	err = keyfile_read(kpath, other);
	if (err == ENOENT) {
		if ((rc = keyfile_create(kpath, key)))
			goto out;
		*kpath_out = xstrdup(kpath);
	} else if (err || memcmp(key, other, sizeof(key)) != 0) {
		rc = ck_error(EX_CANTCREAT, "cannot move the payment key of '%s' out to '%s': %s",
			st->path, kpath, err ? strerror(err) : "it exists and holds another key");
		goto out;
	}
	if (RAND_bytes(pkey, sizeof(pkey)) != 1) {
		rc = ck_error(EX_SOFTWARE, "cannot make a store key: no randomness");
		goto out;
	}
	if ((rc = meta_set_blob(st, "pseudonym_key", pkey, sizeof(pkey))) ||
		(rc = store_meta_set(st, "store_id", idhex)) ||
		(rc = store_meta_set(st, "payment_key_fingerprint", fp)) ||
		(rc = store_exec(st,
			 "PRAGMA secure_delete=ON; DELETE FROM meta WHERE key='secret';"
			 "PRAGMA secure_delete=OFF; PRAGMA user_version=3")))
		goto out;
out:
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(other, sizeof(other));
	OPENSSL_cleanse(pkey, sizeof(pkey));
	free(kpath);
	return rc;
}

/*
 * v6 to v7: each note text once in ident_notes, numbered in the order the rows first give it
 * (as ingest numbers them), and raw dropped where it only repeats the value (never for
 * payments, whose raw is the masked number) or, for a building key, its unit's raw
 * (export reads it there). note_id goes at the end of the row, where a new
 * store has it too. The pages freed stay in the file (VACUUM gives them back).
 */
static const char migrate_v7[] =
	"UPDATE identifiers SET raw = NULL WHERE kind = 'address_building' AND raw = (SELECT\n"
	"  u.raw FROM identifiers u WHERE u.holder_kind = identifiers.holder_kind AND\n"
	"  u.holder_id = identifiers.holder_id AND u.source_id = identifiers.source_id AND\n"
	"  u.line = identifiers.line AND u.field = identifiers.field AND\n"
	"  u.kind IN ('address_unit', 'address_area') ORDER BY u.ident_id LIMIT 1);\n"
	"INSERT OR IGNORE INTO ident_notes(note) SELECT note FROM identifiers\n"
	"  WHERE note IS NOT NULL GROUP BY note ORDER BY min(ident_id);\n"
	"UPDATE identifiers SET note_id = (SELECT n.note_id FROM ident_notes n\n"
	"  WHERE n.note = identifiers.note),\n"
	"  raw = CASE WHEN raw = value AND kind <> 'payment' THEN NULL ELSE raw END;\n"
	"ALTER TABLE identifiers DROP COLUMN note;\n";

/* 1 if identifiers has the column col, 0 if not, -1 (message printed) on a failure. */
static int ident_has_column(struct store *st, const char *col)
{
	struct store_stmt *s = store_prepare(st,
		st->pg ? "SELECT count(*) FROM information_schema.columns WHERE table_schema = "
			 "current_schema() AND table_name = 'identifiers' AND column_name = ?1"
		       : "SELECT count(*) FROM pragma_table_info('identifiers') WHERE name = ?1");
	int n = -1;

	if (!s)
		return -1;
	store_bind_text(s, 1, col);
	if (store_step(s) == STORE_ROW)
		n = store_col_int(s, 0) > 0;
	store_done(s);
	return n;
}

/*
 * The v6 to v7 step of either engine, in the caller's transaction. Each part is done only
 * when the store still needs it, so that it may run again (a store whose version was set
 * back, a step killed before its commit).
 */
static int migrate_notes(struct store *st)
{
	int has, rc;

	if ((rc = store_exec(st, st->pg ? pg_schema_v7 : schema_notes)))
		return rc;
	/* on Citus a reference table, as init --distributed makes it, before any row goes in */
	if (store_is_distributed(st) && (rc = citus_reference(st->pg, "ident_notes")))
		return rc;
	if ((has = ident_has_column(st, "note_id")) < 0)
		return EX_SOFTWARE;
	if (!has && (rc = store_exec(st, "ALTER TABLE identifiers ADD COLUMN note_id INTEGER")))
		return rc;
	if ((has = ident_has_column(st, "note")) < 0)
		return EX_SOFTWARE;
	return has ? store_exec(st, st->pg ? pg_migrate_v7 : migrate_v7) : 0;
}

/* Bring an older schema forward, one version at a time, each step in its own transaction. */
static int migrate(struct store *st)
{
	int version = 0, rc;

	if ((rc = pragma_int(st->db, "PRAGMA user_version", &version)))
		return store_error(st, st->path);
	if (version < 2) {
		if ((rc = store_exec(st, "BEGIN IMMEDIATE")))
			return rc;
		if ((rc = store_exec(st, schema_screen_runs)) ||
			(rc = store_exec(st, migrate_v2))) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		if ((rc = store_exec(st, "COMMIT")))
			return rc;
	}
	if (version < 3) {
		char *kpath = NULL, *id;

		if ((rc = store_exec(st, "BEGIN IMMEDIATE")))
			return rc;
		if ((rc = migrate_v3(st, &kpath)) || (rc = store_exec(st, "COMMIT"))) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			if (kpath)
				unlink(kpath);
			free(kpath);
			return rc;
		}
		/* The old page went to the log zeroed; copy it over the file's and empty the log. */
		sqlite3_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
		free(kpath);
		id = store_meta_get(st, "store_id");
		kpath = store_key_path(st);
		/* Said even under -q: from now on the store needs that file to take payments. */
		ck_error(0,
			"moved the payment key of '%s' out of the store into '%s' (store %s): keep "
			"that file safe, for without it no payments can be added",
			st->path, kpath ? kpath : "?", id ? id : "?");
		free(id);
		free(kpath);
	}
	if (version < 4) {
		/*
		 * One step: sources gain replaced_by (rebuilt, foreign keys off outside the
		 * transaction, as SQLite ignores the pragma inside one), cases become snapshots,
		 * each pinned as it stands now with a custody entry saying so, and the takedown
		 * tables arrive (notices, notifiers, notice_decisions).
		 */
		if ((rc = store_exec(st, "PRAGMA foreign_keys=OFF; BEGIN IMMEDIATE")))
			return rc;
		if ((rc = store_exec(st, migrate_v4)) || (rc = store_exec(st, schema_case_snap)) ||
			(rc = store_exec(st, schema_takedown)) || (rc = case_pin_existing(st)) ||
			(rc = store_exec(st, "COMMIT"))) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			store_exec(st, "PRAGMA foreign_keys=ON");
			return rc;
		}
		if ((rc = store_exec(st, "PRAGMA foreign_keys=ON")))
			return rc;
	}
	if (version < 5) {
		/*
		 * One step: sources ingested before have no marks (export reads them whole, as
		 * it did), and notice decisions refuse DELETE as they refused UPDATE.
		 */
		if ((rc = store_exec(st, "BEGIN IMMEDIATE")))
			return rc;
		if ((rc = store_exec(st, schema_marks)) || (rc = store_exec(st, migrate_v5)) ||
			(rc = store_exec(st, "COMMIT"))) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
	}
	if (version < 6) {
		/* The counts stats reads, as the rows give them now: one pass over the store. */
		if ((rc = store_exec(st, "BEGIN IMMEDIATE")))
			return rc;
		if ((rc = store_exec(st, schema_counts)) || (rc = stats_counts_fill(st)) ||
			(rc = store_exec(st, "PRAGMA user_version=6")) ||
			(rc = store_exec(st, "COMMIT"))) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
	}
	if (version < 7) {
		if ((rc = store_exec(st, "BEGIN IMMEDIATE")))
			return rc;
		if ((rc = migrate_notes(st)) || (rc = store_exec(st, "PRAGMA user_version=7")) ||
			(rc = store_exec(st, "COMMIT"))) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
	}
	return 0;
}

/*
 * Once, before SQLite starts: no count of its memory (a global lock on every allocation).
 * A connection is used by one thread at a time (screen scores on a second thread, but only
 * the first uses the store), so it is opened without its own lock as well.
 */
/* ck_money(minor, currency): the amount as money_format() writes it, NULL for NULL. */
static void sql_money(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char buf[MONEY_MAX];

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	money_format(sqlite3_value_int64(argv[0]), (const char *)sqlite3_value_text(argv[1]), buf);
	sqlite3_result_text(ctx, buf, -1, SQLITE_TRANSIENT);
}

/*
 * The SQL functions every store offers (a server store defines the same in its schema): every
 * query that shows money selects it through ck_money(), so no output ever shows minor units.
 */
static int sql_natural(void *arg, int na, const void *a, int nb, const void *b)
{
	(void)arg;
	return ck_natural_cmp(a, (size_t)na, b, (size_t)nb);
}

/* ck_value(x): x as it is; on a server, where a column has one type, x as JSON. */
static void sql_value(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_value(ctx, argv[0]);
}

static void sql_functions(sqlite3 *db)
{
	sqlite3_create_function(db, "ck_value", 1,
		SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_value, NULL, NULL);
	sqlite3_create_function(db, "ck_money", 2,
		SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL, sql_money, NULL, NULL);
	sqlite3_create_collation(db, "ck_natural", SQLITE_UTF8, NULL, sql_natural);
}

/* A function of store_text_function(), as SQLite's user data. */
struct text_fn {
	store_text_fn *fn;
	void *arg;
};

static void sql_text_fn(sqlite3_context *c, int argc, sqlite3_value **v)
{
	struct text_fn *f = sqlite3_user_data(c);
	const char *x = (const char *)sqlite3_value_text(v[0]), *r;
	char buf[STORE_FN_MAX];

	(void)argc;
	if (!x) {
		sqlite3_result_null(c);
		return;
	}
	if (!(r = f->fn(f->arg, x, (size_t)sqlite3_value_bytes(v[0]), buf)))
		sqlite3_result_value(c, v[0]);
	else
		sqlite3_result_text(c, r, -1, SQLITE_TRANSIENT);
}

int store_text_function(struct store *st, const char *name, store_text_fn *fn, void *arg)
{
	struct text_fn *f;

	if (st->pg)
		return pg_has_function(st->pg, name)
			? 0
			: ck_error(EX_SOFTWARE, "'%s' has no SQL function %s", st->path, name);
	f = xmalloc(sizeof(*f));
	f->fn = fn;
	f->arg = arg;
	/* SQLite frees f with the function, also when a later call replaces it. */
	if (sqlite3_create_function_v2(st->db, name, 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, f,
		    sql_text_fn, NULL, NULL, free) != SQLITE_OK)
		return store_error(st, name);
	return 0;
}

int store_set(struct store *st, const char *name, const char *value)
{
	return st->pg ? pg_set(st->pg, name, value) : 0;
}

static void setup_sqlite(void)
{
	static int done;

	if (!done) {
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		done = 1;
	}
}

/*
 * Bring a server store forward, each step in its own transaction, as migrate() does a file
 * (a read-only open too: the server has no file mode to keep it from the writes).
 */
static int pg_migrate(struct store *st)
{
	char v[16];
	int rc;

	if (pg_version(st->pg) < 6) {
		snprintf(v, sizeof(v), "%d", 6);
		if ((rc = store_begin(st)))
			return rc;
		/* on Citus its new tables are reference tables, as init --distributed makes them */
		if ((rc = store_exec(st, pg_schema_v6)) ||
			(store_is_distributed(st) &&
				((rc = citus_reference(st->pg, "ident_counts")) ||
					(rc = citus_reference(st->pg, "ident_hubs")))) ||
			(rc = stats_counts_fill(st)) ||
			(rc = store_meta_set(st, "user_version", v)) || (rc = store_commit(st))) {
			store_rollback(st);
			return rc;
		}
	}
	if (pg_version(st->pg) < 7) {
		snprintf(v, sizeof(v), "%d", 7);
		if ((rc = store_begin(st)))
			return rc;
		if ((rc = migrate_notes(st)) || (rc = store_meta_set(st, "user_version", v)) ||
			(rc = store_commit(st))) {
			store_rollback(st);
			return rc;
		}
	}
	return 0;
}

int store_open(struct store **out, const char *path, unsigned flags)
{
	struct store *st;
	struct stat sb;
	int rc, oflags, version = 0;

	*out = NULL;
	/* before the first connection, the identity check's: SQLite refuses it after */
	setup_sqlite();
	if (!path)
		path = ck.db ? ck.db : store_default_path();
	st = store_new(path, flags);
	if (pg_is_uri(path)) {
		if ((rc = pg_open(&st->pg, path, flags)))
			goto fail;
		if ((flags & STORE_CREATE) && (rc = create(st))) {
			store_rollback(st);
			goto fail;
		}
		if (!(flags & STORE_CREATE) && (rc = pg_migrate(st)))
			goto fail;
		if (!(flags & (STORE_CREATE | STORE_READONLY | STORE_LOAD)))
			pg_analyze_stale(st->pg);
		*out = st;
		return 0;
	}
	if (flags & STORE_CREATE) {
		if (stat(path, &sb) == 0) {
			rc = ck_error(EX_CANTCREAT, "'%s' already exists", path);
			goto fail;
		}
		oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
	} else {
		if (stat(path, &sb) != 0) {
			rc = errno == ENOENT
				? ck_error(EX_NOINPUT,
					  "no case store at '%s' (make one with 'casekit init')",
					  path)
				: ck_error(EX_NOINPUT, "cannot open '%s': %s", path,
					  strerror(errno));
			goto fail;
		}
		if (!S_ISREG(sb.st_mode)) {
			rc = ck_error(EX_CONFIG, "'%s' is not a casekit store", path);
			goto fail;
		}
		if ((rc = check_identity(st, &version)))
			goto fail;
		/* A read-only open of an older store brings it forward first, if it may. */
		if ((flags & STORE_READONLY) && version < STORE_SCHEMA_VERSION) {
			struct store *rw;

			if (access(path, W_OK) != 0) {
				rc = ck_error(EX_CONFIG,
					"'%s' has schema %d, older than this casekit (%d), and "
					"cannot be brought forward: it is read-only",
					path, version, STORE_SCHEMA_VERSION);
				goto fail;
			}
			if ((rc = store_open(&rw, path, 0)))
				goto fail;
			store_close(rw);
		}
		oflags = flags & STORE_READONLY ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	}
	rc = sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		rc = ck_error(flags & STORE_CREATE ? EX_CANTCREAT : code_for(rc),
			"cannot open '%s': %s", path,
			st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		goto fail;
	}
	set_busy(st->db);
	sqlite3_extended_result_codes(st->db, 1);
	sql_functions(st->db);
	if (getenv("CASEKIT_SQL_PROFILE") && *getenv("CASEKIT_SQL_PROFILE")) {
		st->prof = xcalloc(PROF_SLOTS, sizeof(*st->prof));
		sqlite3_trace_v2(st->db, SQLITE_TRACE_PROFILE, prof_step, st);
	}
	if ((rc = store_exec(st, "PRAGMA foreign_keys=ON")))
		goto fail;
	if (flags & STORE_CREATE) {
		if ((rc = create(st))) {
			sqlite3_close(st->db);
			st->db = NULL;
			unlink(path);
			goto fail;
		}
	} else if (!(flags & STORE_READONLY)) {
		/*
		 * WAL again if a killed bulk load (ingest, screen) left the store in rollback
		 * mode; not waiting, for a live one switches back itself when it is done, and the
		 * next applet of a pipeline (screen | link) must not wait for it here.
		 */
		sqlite3_busy_timeout(st->db, 0);
		sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		set_busy(st->db);
		if ((rc = migrate(st)))
			goto fail;
	}
	*out = st;
	return 0;
fail:
	store_close(st);
	return rc;
}

void store_close(struct store *st)
{
	struct store_stmt *p, *next;
	size_t i;

	if (!st)
		return;
	for (i = 0; i < STMT_SLOTS; i++)
		for (p = st->stmts[i]; p; p = next) {
			next = p->next;
			if (p->q)
				pg_finalize(p->q);
			else
				sqlite3_finalize(p->s);
			free(p);
		}
	if (st->prof)
		prof_report(st);
	sqlite3_close(st->db);
	pg_close(st->pg);
	free(st->path);
	free(st);
}

const char *store_path(const struct store *st)
{
	return st->path;
}

sqlite3 *store_db(struct store *st)
{
	return st->db;
}

struct pg *store_pg(struct store *st)
{
	return st->pg;
}

char *store_key_path(struct store *st)
{
	char *id = store_meta_get(st, "store_id"), *path;

	if (!id) {
		ck_error(EX_CONFIG, "'%s' has no store id", st->path);
		return NULL;
	}
	path = keyfile_path(id);
	free(id);
	return path;
}

int store_payment_key(struct store *st, unsigned char key[STORE_KEY_LEN])
{
	char *id = store_meta_get(st, "store_id");
	char *want = store_meta_get(st, "payment_key_fingerprint"), *path = NULL, got[65];
	int rc = 0, err;

	if (!id || !want)
		rc = ck_error(
			EX_CONFIG, "'%s' has no store id or payment key fingerprint", st->path);
	else if (!(path = keyfile_path(id)))
		rc = EX_CONFIG;
	else if ((err = keyfile_read(path, key)))
		rc = ck_error(EX_CONFIG,
			"payments need the payment key of store %s, kept in '%s': %s (give "
			"--key-file or set CASEKIT_KEY_FILE)",
			id, path, err == EINVAL ? "not a casekit key file" : strerror(err));
	else if (keyfile_fingerprint(key, got), strcmp(got, want) != 0)
		rc = ck_error(EX_CONFIG,
			"'%s' is not the payment key of store %s: its fingerprint differs (give "
			"--key-file or set CASEKIT_KEY_FILE)",
			path, id);
	if (rc)
		OPENSSL_cleanse(key, STORE_KEY_LEN);
	free(id);
	free(want);
	free(path);
	return rc;
}

int store_pseudonym_key(struct store *st, unsigned char key[STORE_KEY_LEN])
{
	return meta_get_key(st, "pseudonym_key", key)
		? 0
		: ck_error(EX_CONFIG, "'%s' has no pseudonym key", st->path);
}

int64_t store_count(struct store *st, const char *table)
{
	char sql[128];
	sqlite3_stmt *s;
	int64_t n = -1;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", table);
	if (st->pg) {
		struct store_stmt *q = store_prepare(st, sql);

		if (q && store_step(q) == STORE_ROW)
			n = store_col_int(q, 0);
		store_done(q);
		return n;
	}
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_error(st, table);
		return -1;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		store_error(st, table);
	sqlite3_finalize(s);
	return n;
}

void store_rollback(struct store *st)
{
	if (st && st->pg && pg_in_transaction(st->pg))
		pg_exec(st->pg, "ROLLBACK", 1);
	else if (st && st->db && !sqlite3_get_autocommit(st->db))
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

void store_bulk(struct store *st, int on)
{
	if (st->pg)
		return;
	sqlite3_exec(st->db, on ? "PRAGMA journal_mode=TRUNCATE" : "PRAGMA journal_mode=WAL", NULL,
		NULL, NULL);
}

int store_exec_indexes(struct store *st, const char *sql)
{
	char pragma[48];
	int cache = 0, rc;

	if (st->pg || pragma_int(st->db, "PRAGMA cache_size", &cache) != SQLITE_OK)
		return store_exec(st, sql);
	sqlite3_exec(st->db, "PRAGMA cache_size=-1024", NULL, NULL, NULL);
	rc = store_exec(st, sql);
	snprintf(pragma, sizeof(pragma), "PRAGMA cache_size=%d", cache);
	sqlite3_exec(st->db, pragma, NULL, NULL, NULL);
	return rc;
}

/* 1 when sql, with its parameters bound to a and b, gives a row. */
static int gives_row(sqlite3 *db, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *s;
	int found;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (a)
		sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

struct store_stmt *store_prepare(struct store *st, const char *sql)
{
	uint64_t h = ck_fnv1a(sql, strlen(sql));
	struct store_stmt **slot = &st->stmts[h % STMT_SLOTS], *p;
	sqlite3_stmt *s;

	for (p = *slot; p; p = p->next)
		if (!p->out && p->hash == h && strcmp(p->sql, sql) == 0) {
			p->out = 1;
			return p;
		}
	if (st->pg) {
		p = xcalloc(1, sizeof(*p));
		p->q = pg_prepare(st->pg, sql, 0, NULL);
		p->st = st;
		p->sql = pg_stmt_sql(p->q);
		p->hash = h;
		p->out = 1;
		p->next = *slot;
		*slot = p;
		return p;
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		store_error(st, st->path);
		return NULL;
	}
	p = xcalloc(1, sizeof(*p));
	p->s = s;
	p->st = st;
	p->sql = sqlite3_sql(s);
	p->hash = h;
	p->out = 1;
	p->next = *slot;
	*slot = p;
	return p;
}

/* An ad-hoc statement (of SQLite or of a server): not kept, and quiet when it fails. */
static struct store_stmt *adhoc_stmt(
	struct store *st, sqlite3_stmt *s, struct pg_stmt *q, const char *sql)
{
	struct store_stmt *p = xcalloc(1, sizeof(*p));

	p->s = s;
	p->q = q;
	p->st = st;
	p->sql = sql;
	p->out = 1;
	p->flags = STMT_ONCE | STMT_QUIET;
	return p;
}

/*
 * Ad-hoc SQL on a server: one statement, refused unless it can only read (the transaction of
 * store_guard_begin() is read-only as well, so the server refuses what slips through).
 */
static struct store_stmt *pg_prepare_adhoc(struct store *st, const char **sql, int *err)
{
	const char *tail;
	struct pg_stmt *q = pg_prepare(st->pg, *sql, 1, &tail);

	*sql = tail;
	*err = 0;
	if (!q)
		return NULL;
	if (!pg_stmt_readonly(q)) {
		pg_refuse(st->pg, q);
		pg_finalize(q);
		*err = STORE_REFUSED;
		return NULL;
	}
	return adhoc_stmt(st, NULL, q, pg_stmt_sql(q));
}

struct store_stmt *store_prepare_adhoc(struct store *st, const char **sql, int *err)
{
	sqlite3_stmt *s;
	const char *tail;
	int rc;

	if (st->pg)
		return pg_prepare_adhoc(st, sql, err);
	rc = sqlite3_prepare_v2(st->db, *sql, -1, &s, &tail);
	if (rc != SQLITE_OK) {
		*err = (rc & 0xff) == SQLITE_AUTH ? STORE_REFUSED : code_for(rc);
		return NULL;
	}
	*sql = tail;
	*err = 0;
	if (!s)
		return NULL;
	return adhoc_stmt(st, s, NULL, sqlite3_sql(s));
}

const char *store_errmsg(struct store *st)
{
	if (st->pg)
		return pg_errmsg(st->pg);
	return sqlite3_errmsg(st->db);
}

int store_stmt_readonly(struct store_stmt *s)
{
	if (s->q)
		return pg_stmt_readonly(s->q);
	return sqlite3_stmt_readonly(s->s) != 0;
}

/* A parameter the SQL does not have is no error: one set of bindings serves its variants. */
static int bound(struct store_stmt *s, int rc)
{
	return rc == SQLITE_OK || rc == SQLITE_RANGE ? 0 : store_error(s->st, s->st->path);
}

int store_bind_text(struct store_stmt *s, int i, const char *v)
{
	if (s->q)
		return pg_bind(s->q, i, v ? STORE_TEXT : STORE_NULL, v, v ? strlen(v) : 0);
	return bound(s,
		v ? sqlite3_bind_text(s->s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s->s, i));
}

int store_bind_textn(struct store_stmt *s, int i, const char *v, size_t n)
{
	if (s->q)
		return pg_bind(s->q, i, v ? STORE_TEXT : STORE_NULL, v, n);
	return bound(s,
		v ? sqlite3_bind_text(s->s, i, v, (int)n, SQLITE_STATIC)
		  : sqlite3_bind_null(s->s, i));
}

int store_bind_int(struct store_stmt *s, int i, int64_t v)
{
	if (s->q)
		return pg_bind(s->q, i, STORE_INT, &v, 0);
	return bound(s, sqlite3_bind_int64(s->s, i, v));
}

int store_bind_double(struct store_stmt *s, int i, double v)
{
	if (s->q)
		return pg_bind(s->q, i, STORE_REAL, &v, 0);
	return bound(s, sqlite3_bind_double(s->s, i, v));
}

int store_bind_blob(struct store_stmt *s, int i, const void *v, size_t n)
{
	if (s->q)
		return pg_bind(s->q, i, STORE_BLOB, v, n);
	return bound(s, sqlite3_bind_blob64(s->s, i, v, n, SQLITE_TRANSIENT));
}

int store_bind_null(struct store_stmt *s, int i)
{
	if (s->q)
		return pg_bind(s->q, i, STORE_NULL, NULL, 0);
	return bound(s, sqlite3_bind_null(s->s, i));
}

int store_bind_count(struct store_stmt *s)
{
	if (s->q)
		return pg_bind_count(s->q);
	return sqlite3_bind_parameter_count(s->s);
}

int store_step(struct store_stmt *s)
{
	if (s->q)
		return pg_step(s->q);
	switch (sqlite3_step(s->s)) {
	case SQLITE_ROW:
		return STORE_ROW;
	case SQLITE_DONE:
		return STORE_DONE;
	default:
		if (s->flags & STMT_QUIET || !s->st)
			return code_for(sqlite3_extended_errcode(sqlite3_db_handle(s->s)));
		return store_error(s->st, s->st->path);
	}
}

int store_run(struct store_stmt *s)
{
	int rc = store_step(s);

	store_done(s);
	return rc == STORE_ROW ? 0 : rc;
}

void store_reset(struct store_stmt *s)
{
	if (s->q) {
		pg_reset(s->q);
		return;
	}
	sqlite3_reset(s->s);
}

void store_done(struct store_stmt *s)
{
	if (!s)
		return;
	if (s->flags & STMT_ONCE) {
		if (s->q)
			pg_finalize(s->q);
		else
			sqlite3_finalize(s->s);
		free(s);
		return;
	}
	if (s->q) {
		pg_clear(s->q);
	} else {
		sqlite3_reset(s->s);
		sqlite3_clear_bindings(s->s);
	}
	s->out = 0;
}

int store_col_count(struct store_stmt *s)
{
	if (s->q)
		return pg_col_count(s->q);
	return sqlite3_column_count(s->s);
}

const char *store_col_name(struct store_stmt *s, int col)
{
	if (s->q)
		return pg_col_name(s->q, col);
	return sqlite3_column_name(s->s, col);
}

enum store_type store_col_type(struct store_stmt *s, int col)
{
	if (s->q)
		return pg_col_type(s->q, col);
	switch (sqlite3_column_type(s->s, col)) {
	case SQLITE_INTEGER:
		return STORE_INT;
	case SQLITE_FLOAT:
		return STORE_REAL;
	case SQLITE_TEXT:
		return STORE_TEXT;
	case SQLITE_BLOB:
		return STORE_BLOB;
	default:
		return STORE_NULL;
	}
}

const char *store_col_text(struct store_stmt *s, int col)
{
	if (s->q)
		return pg_col_text(s->q, col);
	return (const char *)sqlite3_column_text(s->s, col);
}

const void *store_col_blob(struct store_stmt *s, int col)
{
	if (s->q)
		return pg_col_blob(s->q, col);
	return sqlite3_column_blob(s->s, col);
}

size_t store_col_bytes(struct store_stmt *s, int col)
{
	if (s->q)
		return pg_col_bytes(s->q, col);
	return (size_t)sqlite3_column_bytes(s->s, col);
}

int64_t store_col_int(struct store_stmt *s, int col)
{
	if (s->q) {
		const char *v = pg_col_text(s->q, col);

		return v ? strtoll(v, NULL, 10) : 0;
	}
	return sqlite3_column_int64(s->s, col);
}

double store_col_double(struct store_stmt *s, int col)
{
	if (s->q) {
		const char *v = pg_col_text(s->q, col);

		return v ? strtod(v, NULL) : 0;
	}
	return sqlite3_column_double(s->s, col);
}

int store_has_rows(struct store *st, const char *sql)
{
	if (st->pg) {
		struct store_stmt *s = store_prepare(st, sql);
		int found = s && store_step(s) == STORE_ROW;

		store_done(s);
		return found;
	}
	return gives_row(st->db, sql, NULL, NULL);
}

int store_table_exists(struct store *st, const char *table)
{
	if (st->pg)
		return pg_table_exists(st->pg, table);
	return store_has_table(st->db, table);
}

int store_trigger_exists(struct store *st, const char *name)
{
	if (st->pg)
		return pg_trigger_exists(st->pg, name);
	return gives_row(st->db, "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
		name, NULL);
}

int store_index_exists(struct store *st, const char *name)
{
	if (st->pg)
		return 0; /* the server stores make no optional index (yet) */
	return gives_row(st->db, "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1",
		name, NULL);
}

int store_tables(
	struct store *st, const char *prefix, void (*fn)(const char *name, void *arg), void *arg)
{
	struct store_stmt *s = store_prepare(st,
		st->pg ? pg_tables_sql
		       : "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND "
			 "name NOT LIKE 'sqlite_%' AND substr(name, 1, length(?1)) = ?1 ORDER BY 1");
	int n = 0;

	if (!s)
		return 0;
	store_bind_text(s, 1, prefix);
	while (store_step(s) == STORE_ROW) {
		fn(store_col_text(s, 0), arg);
		n++;
	}
	store_done(s);
	return n;
}

char *store_find_table(
	struct store *st, const char *prefer, const char *c1, const char *c2, const char *except)
{
	struct store_stmt *s = store_prepare(st,
		st->pg ? pg_find_table_sql
		       : "SELECT m.name FROM sqlite_master m WHERE m.type IN ('table', 'view')"
			 " AND m.name <> ?4"
			 " AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = ?2)"
			 " AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) WHERE name = ?3)"
			 " ORDER BY m.name <> ?1, m.name LIMIT 1");
	char *name = NULL;

	if (!s)
		return NULL;
	store_bind_text(s, 1, prefer);
	store_bind_text(s, 2, c1);
	store_bind_text(s, 3, c2);
	store_bind_text(s, 4, except ? except : "");
	if (store_step(s) == STORE_ROW)
		name = xstrdup(store_col_text(s, 0));
	store_done(s);
	return name;
}

char *store_quote_name(const char *name)
{
	struct buf b = { 0 };

	buf_addc(&b, '"');
	for (; *name; name++) {
		if (*name == '"')
			buf_addc(&b, '"');
		buf_addc(&b, *name);
	}
	buf_addc(&b, '"');
	return buf_detach(&b);
}

int store_column_exists(struct store *st, const char *table, const char *column)
{
	if (st->pg)
		return pg_column_exists(st->pg, table, column);
	return store_has_column(st->db, table, column);
}

int store_has_index(struct store *st, const char *table, const char *col1, const char *col2)
{
	sqlite3_stmt *s;
	int found;

	if (st->pg)
		return pg_has_index(st->pg, table, col1, col2);
	if (sqlite3_prepare_v2(st->db,
		    "SELECT 1 FROM pragma_index_list(?1) l"
		    " WHERE (SELECT name FROM pragma_index_info(l.name) WHERE seqno = 0) = ?2"
		    " AND (?3 IS NULL OR (SELECT name FROM pragma_index_info(l.name)"
		    " WHERE seqno = 1) = ?3)",
		    -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, col1, -1, SQLITE_STATIC);
	if (col2)
		sqlite3_bind_text(s, 3, col2, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

int store_is_readonly(struct store *st)
{
	if (st->pg)
		return pg_readonly(st->pg);
	return sqlite3_db_readonly(st->db, "main") == 1;
}

int store_begin(struct store *st)
{
	if (st->pg) {
		/*
		 * The write lock of a server store: one casekit writer at a time, as on a file,
		 * so that two analysts' writes never deadlock on each other's tables (a lock
		 * that lives as long as the transaction). Readers never wait for it.
		 */
		char sql[160];
		int rc;

		snprintf(sql, sizeof(sql),
			"BEGIN; SET LOCAL lock_timeout = '%.0fs'; "
			"SELECT pg_advisory_xact_lock(%d)",
			busy_limit(), STORE_APPLICATION_ID);
		if (!pg_exec(st->pg, sql, 1))
			return 0;
		/* no transaction left behind, and a lock that outlasted the wait said as on a file */
		rc = pg_errcode(st->pg) == EX_TEMPFAIL
			? busy_error(st->path)
			: ck_error(pg_errcode(st->pg), "%s: %s", st->path, pg_errmsg(st->pg));
		pg_exec(st->pg, "ROLLBACK", 1);
		return rc;
	}
	return store_exec(st, "BEGIN IMMEDIATE");
}

int store_derived(struct store *st)
{
	if (st->pg)
		return store_exec(st, "SET synchronous_commit = off");
	return store_exec(st, "PRAGMA synchronous=NORMAL");
}

int store_begin_read(struct store *st)
{
	if (st->pg)
		return store_exec(st, "BEGIN ISOLATION LEVEL REPEATABLE READ");
	return store_exec(st, "BEGIN");
}

int store_commit(struct store *st)
{
	return store_exec(st, "COMMIT");
}

void store_interrupt(struct store *st)
{
	if (st->pg) {
		pg_interrupt(st->pg);
		return;
	}
	sqlite3_interrupt(st->db);
}

int64_t store_changes(struct store *st)
{
	if (st->pg)
		return pg_changes(st->pg);
	return sqlite3_changes(st->db);
}

int64_t store_last_rowid(struct store *st)
{
	if (st->pg)
		return pg_last_rowid(st->pg);
	return sqlite3_last_insert_rowid(st->db);
}

int64_t store_cache_misses(struct store *st)
{
	int cur = 0, hi = 0;

	if (st->pg ||
		sqlite3_db_status(st->db, SQLITE_DBSTATUS_CACHE_MISS, &cur, &hi, 0) != SQLITE_OK)
		return -1;
	return cur;
}

void store_set_last_rowid(struct store *st, int64_t v)
{
	if (st->pg) {
		pg_set_last_rowid(st->pg, v);
		return;
	}
	sqlite3_set_last_insert_rowid(st->db, v);
}

int store_has_table(sqlite3 *db, const char *table)
{
	return gives_row(db,
		"SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?1", table,
		NULL);
}

int store_has_column(sqlite3 *db, const char *table, const char *column)
{
	return gives_row(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", table, column);
}

int store_indexes(struct store *st, const char *table, struct buf *drop, struct buf *make)
{
	struct store_stmt *s = store_prepare(st,
		st->pg ? pg_indexes_sql
		       : "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
			 "tbl_name = ?1 AND sql IS NOT NULL");
	int n = 0;

	/*
	 * None on a server: dropping an index locks its table against every reader until the
	 * load commits, and the server keeps an index up during a COPY about as fast.
	 */
	if (!s || st->pg) {
		store_done(s);
		return 0;
	}
	store_bind_text(s, 1, table);
	while (store_step(s) == STORE_ROW) {
		buf_addf(drop, "DROP INDEX \"%s\";\n", store_col_text(s, 0));
		buf_addf(make, "%s;\n", store_col_text(s, 1));
		n++;
	}
	store_done(s);
	return n;
}

struct store_load *store_load_new(
	struct store *st, const char *table, const char *columns, const char *conflict)
{
	return st->pg ? pg_load_new(st->pg, table, columns, conflict) : NULL;
}

char *store_meta_get(struct store *st, const char *key)
{
	sqlite3_stmt *s;
	char *v = NULL;

	if (st->pg) {
		struct store_stmt *q = store_prepare(st, "SELECT value FROM meta WHERE key = ?1");

		store_bind_text(q, 1, key);
		if (q && store_step(q) == STORE_ROW && store_col_text(q, 0))
			v = xstrdup(store_col_text(q, 0));
		store_done(q);
		return v;
	}
	if (sqlite3_prepare_v2(st->db, "SELECT value FROM meta WHERE key=?", -1, &s, NULL))
		return NULL;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL)
		v = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	return v;
}

int store_meta_set(struct store *st, const char *key, const char *value)
{
	sqlite3_stmt *s;
	int rc;

	if (st->pg) {
		struct store_stmt *q =
			store_prepare(st, "INSERT OR REPLACE INTO meta VALUES(?1, ?2)");

		if (!q)
			return EX_SOFTWARE;
		store_bind_text(q, 1, key);
		store_bind_text(q, 2, value);
		return store_run(q);
	}
	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO meta VALUES(?, ?)", -1, &s, NULL))
		return store_error(st, st->path);
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_error(st, st->path);
}
