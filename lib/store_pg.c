/* store_pg.c - a case store in a PostgreSQL database, behind the statement API of store.h */
#include "casekit.h"
#include "store.h"
#include "store_citus.h"
#include "store_pg.h"
#include <ctype.h>
#include <libpq-fe.h>
#include <strings.h>

struct pg {
	PGconn *conn;
	char *uri;
	unsigned flags;
	unsigned nstmt;     /* statements prepared: the next is named ckN */
	int64_t changes;    /* rows the last INSERT, UPDATE or DELETE changed */
	int64_t last_rowid; /* set by pg_set_last_rowid(); -1: ask the server (lastval()) */
	char errmsg[512];
	int errcode;                 /* the EX_* code of the last error */
	struct store_load *inflight; /* a COPY sent whose result is not read yet: drain() */
	struct store_load *copying;  /* a COPY still taking rows: drain() ends it */
	struct pg_stmt *streaming;   /* a result whose rows are still coming in: drain() */
	int stream_tx;               /* it started in a transaction */
	struct pg_stmt *cursors;     /* the statements whose cursor is open, by next_cursor */
	unsigned ncursor;            /* cursors declared: the next is ckcN */
	int batch;                   /* rows a FETCH asks for (PG_BATCH) */
	struct buf engine;
	int distributed; /* a Citus store (meta.layout): pg_exec() runs one statement at a time */
	char schema[64]; /* where the store's tables are: SQLite's main */
	int version;     /* the schema version the store had when opened */
};

struct pg_param {
	char *v;    /* owned copy; NULL binds null */
	int len;    /* of a blob (binary format) */
	int fmt;    /* 0 text, 1 binary */
	Oid type;   /* what the value is, should the server need to be told */
	size_t cap; /* of v */
};

/* The rows of a stream, copied out of libpq's one result a row. */
struct pg_rows {
	struct buf data; /* the values, each followed by a NUL */
	size_t *off;     /* per value: where it starts in data */
	int *len;        /* per value: its length, -1 for null */
	size_t n, cap;   /* values */
	int nrows;
};

/*
 * How the rows of a running statement come (pg_step()). The whole result at once is how a
 * write comes; a query's rows come a batch at a time, so that a big result never sits whole
 * in memory: through a cursor inside a transaction, where the applet may run other
 * statements between two rows of this one (and often does: a lookup or an INSERT for each
 * row read); outside one, in libpq's single-row mode, which holds the connection until the
 * last row has come, so that another statement first reads the rest in (drain()).
 */
enum pg_run { RUN_NONE, RUN_ALL, RUN_CURSOR, RUN_STREAM };
/* What the last run of a statement in a transaction showed: a big one goes by cursor. */
enum pg_size { SIZE_UNKNOWN, SIZE_SMALL, SIZE_BIG };
/* rows a FETCH asks for, and a stream reads ahead: $CASEKIT_PG_FETCH, or this */
#define PG_BATCH 2000

struct pg_stmt {
	struct pg *c;
	char *sql;  /* as given */
	char *tsql; /* translated */
	char name[16];
	int prepared, adhoc;
	int nparams;
	struct pg_param *p;
	enum pg_run run;
	int query;         /* a query a cursor can hold (a SELECT that writes nothing) */
	enum pg_size size; /* of its last run in a transaction */
	int done;          /* the server has sent every row of the run */
	int err;           /* the EX_* code the run failed with, given after the rows before it */
	Oid *types;        /* of the parameters, as the server settled them (DECLARE) */
	char cursor[24];   /* the open cursor of the run, or "" */
	struct pg_stmt *next_cursor;
	PGresult *res;       /* all rows (RUN_ALL), or the batch of the last FETCH */
	PGresult *rest;      /* rows fetched ahead of a COMMIT, after res */
	PGresult *shape;     /* the columns of a stream */
	struct pg_rows rows; /* the batch of a stream */
	struct pg_rows more; /* its rows read in after the batch, for drain() */
	int lost;            /* its cursor went with the transaction: the rows after res are lost */
	PGresult *desc;      /* the columns of a statement not yet run */
	int row, nrows;      /* in the batch */
	unsigned char **blobs; /* decoded bytea of the current row, per column */
	char **strs;           /* decoded JSON strings of the current row, per column */
	size_t *blen;
};

#define OID_BOOL 16
#define OID_BYTEA 17
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_TEXT 25
#define OID_OID 26
#define OID_FLOAT4 700
#define OID_FLOAT8 701
#define OID_NUMERIC 1700
#define OID_JSON 114

int pg_is_uri(const char *path)
{
	return path &&
		(strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0);
}

/* The EX_* code for a server error, from its SQLSTATE. */
static int code_for_state(const char *state)
{
	if (!state)
		return EX_UNAVAILABLE;
	if (strncmp(state, "23", 2) == 0 || strncmp(state, "22", 2) == 0)
		return EX_DATAERR;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
		strcmp(state, "55P03") == 0 || strncmp(state, "57", 2) == 0)
		return EX_TEMPFAIL;
	if (strcmp(state, "25006") == 0 || strcmp(state, "42501") == 0)
		return EX_CANTCREAT;
	if (strncmp(state, "53", 2) == 0 || strncmp(state, "58", 2) == 0)
		return EX_IOERR;
	if (strncmp(state, "08", 2) == 0)
		return EX_UNAVAILABLE;
	return EX_SOFTWARE;
}

/* Keep the message of res (or of the connection) as the last error; its EX_* code. */
static int keep_error(struct pg *c, const PGresult *res)
{
	const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	size_t n;

	if (!m)
		m = res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
						      : PQerrorMessage(c->conn);
	/* pg_interrupt()'s cancel, in SQLite's words for sqlite3_interrupt() */
	if (state && strcmp(state, "57014") == 0 && strstr(m, "user request"))
		m = "interrupted";
	snprintf(c->errmsg, sizeof(c->errmsg), "%s", m);
	n = strlen(c->errmsg);
	while (n && (c->errmsg[n - 1] == '\n' || c->errmsg[n - 1] == ' '))
		c->errmsg[--n] = '\0';
	return c->errcode = code_for_state(state);
}

static int report(struct pg *c, const PGresult *res)
{
	int rc = keep_error(c, res);

	return ck_error(rc, "%s: %s", c->uri, c->errmsg);
}

const char *pg_errmsg(struct pg *c)
{
	return c->errmsg;
}

int pg_errcode(struct pg *c)
{
	return c->errcode ? c->errcode : EX_SOFTWARE;
}

static int drain(struct pg *c);
static void stream_read(struct pg_stmt *s, int all);
static void end_cursors(struct pg *c, const char *sql);

/* Run sql as it is (no translation), several statements allowed. */
static int raw_exec(struct pg *c, const char *sql, int quiet)
{
	PGresult *res;
	ExecStatusType t;
	int rc = drain(c);

	if (rc)
		return rc;
	if (c->cursors)
		end_cursors(c, sql);
	res = PQexec(c->conn, sql);
	if (c->cursors && PQtransactionStatus(c->conn) == PQTRANS_IDLE)
		end_cursors(c, "ROLLBACK");
	t = PQresultStatus(res);
	if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK) {
		const char *n = PQcmdTuples(res);

		if (n && *n)
			c->changes = strtoll(n, NULL, 10);
	} else {
		rc = quiet ? (keep_error(c, res), -1) : report(c, res);
		if (!quiet && getenv("CASEKIT_SQL_TRACE"))
			fprintf(stderr, "casekit: failed SQL: %s\n", sql);
	}
	PQclear(res);
	return rc;
}

static const char *stmt_end(const char *s);
static int blank(const char *sql, const char *end);

/*
 * Citus sends a DDL statement on to the workers as the whole query string it came in, which
 * they refuse when it holds several: on a distributed store they go one at a time.
 */
static int exec_each(struct pg *c, char *sql, int quiet)
{
	int rc = 0;

	while (!rc && *sql) {
		char *end = (char *)stmt_end(sql), keep = *end;

		*end = '\0';
		if (!blank(sql, end))
			rc = raw_exec(c, sql, quiet);
		*end = keep;
		sql = end;
	}
	return rc;
}

int pg_exec(struct pg *c, const char *sql, int quiet)
{
	char *t = pg_translate(c, sql, NULL);
	int rc;

	/* nothing left: PRAGMAs only, which mean nothing to a server */
	if (strspn(t, " \t\n;") == strlen(t))
		rc = 0;
	else if (c->distributed)
		rc = exec_each(c, t, quiet);
	else
		rc = raw_exec(c, t, quiet);
	free(t);
	return rc;
}

/* The first value of the first row of sql with one text parameter (or none); malloc'd or NULL. */
static char *value_of(struct pg *c, const char *sql, const char *a, const char *b)
{
	const char *v[2] = { a, b };
	PGresult *res;
	char *out = NULL;

	if (drain(c))
		return NULL;
	res = PQexecParams(c->conn, sql, b ? 2 : a ? 1 : 0, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		out = xstrdup(PQgetvalue(res, 0, 0));
	else if (PQresultStatus(res) != PGRES_TUPLES_OK)
		keep_error(c, res);
	PQclear(res);
	return out;
}

static int gives_row(struct pg *c, const char *sql, const char *a, const char *b)
{
	char *v = value_of(c, sql, a, b);

	free(v);
	return v != NULL;
}

int pg_table_exists(struct pg *c, const char *table)
{
	return gives_row(c,
		"SELECT 1 FROM pg_class WHERE relname = $1 AND relkind IN ('r', 'v', 'p', 'm', 'f')"
		" AND pg_table_is_visible(oid)",
		table, NULL);
}

int pg_column_exists(struct pg *c, const char *table, const char *column)
{
	return gives_row(c,
		"SELECT 1 FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid"
		" WHERE r.relname = $1 AND pg_table_is_visible(r.oid) AND a.attname = $2"
		" AND a.attnum > 0 AND NOT a.attisdropped",
		table, column);
}

int pg_trigger_exists(struct pg *c, const char *name)
{
	return gives_row(c, "SELECT 1 FROM pg_trigger WHERE tgname = $1", name, NULL);
}

int pg_has_function(struct pg *c, const char *name)
{
	return gives_row(c, "SELECT 1 FROM pg_proc WHERE proname = $1", name, NULL);
}

int pg_set(struct pg *c, const char *name, const char *value)
{
	char *full = xasprintf("casekit.%s", name),
	     *v = value_of(c, "SELECT set_config($1, $2, false)", full, value);
	int rc = v ? 0 : ck_error(pg_errcode(c), "%s: %s", c->uri, c->errmsg);

	free(full);
	free(v);
	return rc;
}

int pg_has_index(struct pg *c, const char *table, const char *col1, const char *col2)
{
	const char *v[3] = { table, col1, col2 };
	PGresult *res = drain(c)
		? NULL
		: PQexecParams(c->conn,
			  "SELECT 1 FROM pg_index i JOIN pg_class r ON r.oid = i.indrelid"
			  " WHERE r.relname = $1 AND pg_table_is_visible(r.oid)"
			  " AND (SELECT attname FROM pg_attribute WHERE attrelid = r.oid"
			  "      AND attnum = i.indkey[0]) = $2"
			  " AND ($3::text IS NULL OR (SELECT attname FROM pg_attribute WHERE attrelid = r.oid"
			  "      AND attnum = i.indkey[1]) = $3)",
			  3, NULL, v, NULL, NULL, 0);
	int found = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0;

	PQclear(res);
	return found;
}

const char pg_tables_sql[] =
	"SELECT c.relname FROM pg_class c WHERE c.relkind IN ('r', 'v', 'p', 'm')"
	" AND pg_table_is_visible(c.oid) AND c.relnamespace <> 'pg_catalog'::regnamespace"
	" AND c.relnamespace <> 'information_schema'::regnamespace"
	" AND substr(c.relname, 1, length($1)) = $1 ORDER BY 1";

const char pg_find_table_sql[] =
	"SELECT c.relname FROM pg_class c WHERE c.relkind IN ('r', 'v', 'p', 'm')"
	" AND pg_table_is_visible(c.oid) AND c.relnamespace <> 'pg_catalog'::regnamespace"
	" AND c.relname <> $4"
	" AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = $2)"
	" AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = $3)"
	" ORDER BY c.relname <> $1, c.relname LIMIT 1";

const char pg_indexes_sql[] =
	"SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
	" JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid"
	" WHERE t.relname = $1 AND pg_table_is_visible(t.oid)"
	" AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)"
	" ORDER BY i.relname";

int pg_in_transaction(struct pg *c)
{
	/* while a stream's rows come in, the connection is busy: where did it start? */
	if (c->streaming)
		return c->stream_tx;
	return PQtransactionStatus(c->conn) != PQTRANS_IDLE;
}

void pg_interrupt(struct pg *c)
{
	PGcancel *k = PQgetCancel(c->conn);
	char err[256];

	if (k) {
		PQcancel(k, err, sizeof(err));
		PQfreeCancel(k);
	}
}

int64_t pg_changes(struct pg *c)
{
	return c->changes;
}

int64_t pg_last_rowid(struct pg *c)
{
	char *v;

	if (c->last_rowid >= 0)
		return c->last_rowid;
	v = value_of(c, "SELECT lastval()", NULL, NULL);
	c->last_rowid = v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return c->last_rowid;
}

void pg_set_last_rowid(struct pg *c, int64_t v)
{
	c->last_rowid = v;
}

int pg_distributed(struct pg *c)
{
	return c->distributed;
}

int pg_version(struct pg *c)
{
	return c->version;
}

int pg_readonly(struct pg *c)
{
	return (c->flags & STORE_READONLY) != 0;
}

const char *pg_engine(struct pg *c)
{
	if (!c->engine.len) {
		int v = PQserverVersion(c->conn);

		buf_addf(&c->engine, "PostgreSQL %d.%d (libpq %d.%d)", v / 10000, v % 10000,
			PQlibVersion() / 10000, PQlibVersion() % 10000);
	}
	return c->engine.s;
}

/*
 * Schema 6: the counts stats reads instead of every identifier, as lib/store.c's
 * schema_counts. Idempotent, so that it also brings a store of schema 5 forward.
 */
const char pg_schema_v6[] =
	"CREATE TABLE IF NOT EXISTS ident_counts(\n"
	"  source_id BIGINT NOT NULL, kind TEXT NOT NULL, field TEXT NOT NULL,\n"
	"  keys BIGINT NOT NULL DEFAULT 0, national BIGINT NOT NULL DEFAULT 0,\n"
	"  coarse BIGINT NOT NULL DEFAULT 0, nolink BIGINT NOT NULL DEFAULT 0,\n"
	"  unparsed BIGINT NOT NULL DEFAULT 0, PRIMARY KEY(source_id, kind, field));\n"
	"CREATE TABLE IF NOT EXISTS ident_hubs(\n"
	"  kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY(kind, value));\n"
	"CREATE INDEX IF NOT EXISTS scores_flagged ON scores(listing_id) WHERE flagged <> 0;\n";

/*
 * Schema 7, as lib/store.c's schema_notes: each note text once in ident_notes, and
 * identifiers.note_id for it. Idempotent; a new store runs it as well.
 */
const char pg_schema_v7[] = "CREATE TABLE IF NOT EXISTS ident_notes(\n"
			    "  note_id BIGINT PRIMARY KEY, note TEXT NOT NULL UNIQUE);\n"
			    "ALTER TABLE identifiers ADD COLUMN IF NOT EXISTS note_id BIGINT;\n";

/*
 * The rest of the v6 to v7 step, as lib/store.c's migrate_v7: the notes numbered in the order
 * the rows first give them, then note goes; raw NULL where it only repeats the value
 * (payments aside) or a building key's unit's raw. Run once, in the transaction that sets the version.
 */
const char pg_migrate_v7[] =
	/* a join on the holder, which Citus runs on each worker */
	"UPDATE identifiers b SET raw = NULL FROM identifiers u WHERE b.kind = 'address_building'\n"
	"  AND u.holder_id = b.holder_id AND u.holder_kind = b.holder_kind\n"
	"  AND u.source_id = b.source_id AND u.line = b.line AND u.field = b.field\n"
	"  AND u.kind IN ('address_unit', 'address_area') AND u.raw = b.raw;\n"
	"INSERT INTO ident_notes(note_id, note) SELECT row_number() OVER (ORDER BY min(ident_id)),\n"
	"  note FROM identifiers WHERE note IS NOT NULL GROUP BY note;\n"
	"UPDATE identifiers SET note_id = n.note_id FROM ident_notes n\n"
	"  WHERE n.note = identifiers.note;\n"
	"ALTER TABLE identifiers DROP COLUMN note;\n"
	"UPDATE identifiers SET raw = NULL WHERE raw = value AND kind <> 'payment';\n";

/*
 * The schema at version 5 (then pg_schema_v6 and pg_schema_v7), as SQLite's (lib/store.c) with the server's types: BIGINT for
 * INTEGER, an identity column where SQLite has INTEGER PRIMARY KEY, BYTEA for blobs, and a
 * rowid identity column on the tables where SQLite has an implicit rowid (queries order by it
 * and count with it). SQLite's functions that PostgreSQL lacks, and casekit's own (ck_money,
 * the collation ck_natural), are defined here under their SQLite names. The custody log and
 * the notice decisions are append-only in the database itself: triggers refuse UPDATE, DELETE
 * and TRUNCATE, whoever asks, and nobody holds those rights on them; each entry records the
 * database user that wrote it (db_user), whatever analyst name it gives.
 */
static const char pg_schema[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);\n"
	"CREATE TABLE sources(\n"
	"  source_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, path TEXT NOT NULL,\n"
	"  sha256 TEXT NOT NULL, size BIGINT NOT NULL, kind TEXT NOT NULL, profile TEXT,\n"
	"  encoding TEXT, ingested_at TEXT NOT NULL, rows_read BIGINT NOT NULL DEFAULT 0,\n"
	"  rows_kept BIGINT NOT NULL DEFAULT 0, rows_rejected BIGINT NOT NULL DEFAULT 0,\n"
	"  replaced_by BIGINT, rowid BIGINT GENERATED ALWAYS AS (source_id) STORED);\n"
	"CREATE INDEX sources_sha256 ON sources(sha256);\n"
	"CREATE TABLE rejects(\n"
	"  reject_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
	"  source_id BIGINT REFERENCES sources, path TEXT NOT NULL, line BIGINT NOT NULL,\n"
	"  reason TEXT NOT NULL, raw TEXT, rowid BIGINT GENERATED ALWAYS AS (reject_id) STORED);\n"
	"CREATE TABLE brands(\n"
	"  brand TEXT NOT NULL, aliases TEXT, category TEXT NOT NULL DEFAULT '',\n"
	"  reference_price BIGINT, currency TEXT, rights_holder TEXT,\n"
	"  attrs TEXT, source_id BIGINT NOT NULL, line BIGINT NOT NULL,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY,\n"
	"  UNIQUE (brand, category, currency));\n"
	"CREATE TABLE sellers(\n"
	"  seller_id TEXT PRIMARY KEY, platform TEXT, shop_name TEXT, owner_name TEXT,\n"
	"  registered_at TEXT, phone TEXT, email TEXT, address TEXT, return_address TEXT,\n"
	"  status TEXT, attrs TEXT, source_id BIGINT NOT NULL, line BIGINT NOT NULL,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE TABLE parties(\n"
	"  party_id TEXT PRIMARY KEY, kind TEXT, name TEXT, phone TEXT, email TEXT, address TEXT,\n"
	"  attrs TEXT, source_id BIGINT NOT NULL, line BIGINT NOT NULL,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE TABLE listings(\n"
	"  listing_id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, title TEXT, brand TEXT,\n"
	"  category TEXT, price BIGINT, currency TEXT, created_at TEXT, status TEXT,\n"
	"  image_text TEXT, url TEXT, attrs TEXT, source_id BIGINT NOT NULL, line BIGINT NOT NULL,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE TABLE orders(\n"
	"  order_id TEXT PRIMARY KEY, listing_id TEXT, seller_id TEXT, buyer_id TEXT,\n"
	"  quantity BIGINT, amount BIGINT, currency TEXT, ordered_at TEXT, ship_to_address TEXT,\n"
	"  status TEXT, attrs TEXT, source_id BIGINT NOT NULL, line BIGINT NOT NULL,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE TABLE logins(\n"
	"  login_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, seller_id TEXT NOT NULL,\n"
	"  device_id TEXT, ip TEXT, user_agent TEXT, at TEXT, attrs TEXT,\n"
	"  source_id BIGINT NOT NULL, line BIGINT NOT NULL, rowid BIGINT GENERATED ALWAYS AS (login_id) STORED);\n"
	"CREATE TABLE payments(\n"
	"  payment_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
	"  seller_id TEXT NOT NULL, instrument_type TEXT, instrument_hash TEXT NOT NULL,\n"
	"  instrument_last4 TEXT, holder_name TEXT, bank TEXT, added_at TEXT, attrs TEXT,\n"
	"  source_id BIGINT NOT NULL, line BIGINT NOT NULL, rowid BIGINT GENERATED ALWAYS AS (payment_id) STORED);\n"
	"CREATE TABLE shipments(\n"
	"  shipment_id TEXT PRIMARY KEY, from_id TEXT, from_name TEXT, from_address TEXT,\n"
	"  to_id TEXT, to_name TEXT, to_address TEXT, carrier TEXT, tracking_no TEXT, goods TEXT,\n"
	"  quantity BIGINT, declared_value BIGINT, currency TEXT, shipped_at TEXT,\n"
	"  attrs TEXT, source_id BIGINT NOT NULL, line BIGINT NOT NULL,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE TABLE testbuys(\n"
	"  testbuy_id TEXT PRIMARY KEY, listing_id TEXT, order_id TEXT, bought_at TEXT,\n"
	"  cost BIGINT, currency TEXT, verdict TEXT, report_ref TEXT,\n"
	"  attrs TEXT, source_id BIGINT NOT NULL, line BIGINT NOT NULL,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE TABLE takedowns(\n"
	"  notice_id TEXT PRIMARY KEY, rights_holder TEXT, listing_id TEXT, received_at TEXT,\n"
	"  resolved_at TEXT, outcome TEXT, attrs TEXT, source_id BIGINT NOT NULL,\n"
	"  line BIGINT NOT NULL, rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE TABLE identifiers(\n"
	"  ident_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
	"  holder_kind TEXT NOT NULL, holder_id TEXT NOT NULL, kind TEXT NOT NULL,\n"
	"  value TEXT NOT NULL, raw TEXT, flags TEXT, day TEXT, field TEXT,\n"
	"  source_id BIGINT NOT NULL, line BIGINT NOT NULL, note_id BIGINT,\n"
	"  rowid BIGINT GENERATED ALWAYS AS (ident_id) STORED);\n"
	"CREATE TABLE screen_runs(\n"
	"  run_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
	"  rules_digest TEXT NOT NULL, started_at TEXT NOT NULL, scope TEXT NOT NULL,\n"
	"  scored BIGINT, flagged BIGINT, rowid BIGINT GENERATED ALWAYS AS (run_id) STORED);\n"
	"CREATE TABLE scores(\n"
	"  listing_id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, score BIGINT NOT NULL,\n"
	"  flagged BIGINT NOT NULL, brand TEXT, reasons TEXT NOT NULL, run_id BIGINT NOT NULL);\n"
	"CREATE INDEX scores_seller ON scores(seller_id);\n"
	"CREATE TABLE score_network(\n"
	"  listing_id TEXT PRIMARY KEY, network_id TEXT NOT NULL, others BIGINT NOT NULL,\n"
	"  points BIGINT NOT NULL, rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE TABLE link_runs(\n"
	"  run_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, started_at TEXT NOT NULL,\n"
	"  mode TEXT NOT NULL, last_ident_id BIGINT NOT NULL, rows_seen BIGINT NOT NULL,\n"
	"  params TEXT NOT NULL, sellers BIGINT NOT NULL, networks BIGINT NOT NULL,\n"
	"  members BIGINT NOT NULL, edges BIGINT NOT NULL, hubs BIGINT NOT NULL, rowid BIGINT GENERATED ALWAYS AS (run_id) STORED);\n"
	"CREATE TABLE networks(\n"
	"  network_id TEXT PRIMARY KEY, size BIGINT NOT NULL, anchor TEXT NOT NULL,\n"
	"  kinds TEXT NOT NULL, created_run BIGINT NOT NULL, updated_run BIGINT NOT NULL,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE TABLE network_members(\n"
	"  seller_id TEXT PRIMARY KEY, network_id TEXT NOT NULL,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE INDEX network_members_network ON network_members(network_id);\n"
	"CREATE TABLE link_edges(\n"
	"  edge_id BIGINT NOT NULL, network_id TEXT NOT NULL, seller_a TEXT NOT NULL,\n"
	"  seller_b TEXT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,\n"
	"  weight DOUBLE PRECISION NOT NULL, holders BIGINT NOT NULL, ident_a BIGINT,\n"
	"  ident_b BIGINT, comparator TEXT, score DOUBLE PRECISION,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE INDEX link_edges_network ON link_edges(network_id);\n"
	"CREATE TABLE link_hubs(\n"
	"  kind TEXT NOT NULL, value TEXT NOT NULL, display TEXT NOT NULL, holders BIGINT NOT NULL,\n"
	"  day TEXT, PRIMARY KEY(kind, value));\n"
	"CREATE TABLE network_aliases(\n"
	"  old_id TEXT PRIMARY KEY, network_id TEXT, run_id BIGINT NOT NULL, reason TEXT NOT NULL);\n"
	"CREATE TABLE cases(\n"
	"  case_id TEXT PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open'\n"
	"  CHECK(status IN ('open', 'closed')), opened_at TEXT NOT NULL, opened_by TEXT NOT NULL,\n"
	"  closed_at TEXT, recipient TEXT, rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE TABLE case_leads(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, kind TEXT NOT NULL, id TEXT NOT NULL,\n"
	"  added_at TEXT NOT NULL, added_by TEXT NOT NULL, PRIMARY KEY(case_id, kind, id));\n"
	"CREATE TABLE case_members(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, seller_id TEXT NOT NULL, network_id TEXT,\n"
	"  via TEXT NOT NULL, PRIMARY KEY(case_id, seller_id));\n"
	"CREATE TABLE case_notes(\n"
	"  note_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
	"  case_id TEXT NOT NULL REFERENCES cases, at TEXT NOT NULL, analyst TEXT NOT NULL,\n"
	"  text TEXT NOT NULL, rowid BIGINT GENERATED ALWAYS AS (note_id) STORED);\n"
	"CREATE TABLE case_grades(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, finding TEXT NOT NULL,\n"
	"  reliability TEXT NOT NULL CHECK(reliability IN ('A', 'B', 'C', 'D', 'E')),\n"
	"  confidence BIGINT NOT NULL CHECK(confidence BETWEEN 1 AND 5),\n"
	"  handling TEXT NOT NULL CHECK(handling IN ('1', '2', '3', '4', '5')),\n"
	"  reason TEXT, set_at TEXT NOT NULL, set_by TEXT NOT NULL,\n"
	"  PRIMARY KEY(case_id, finding));\n"
	"CREATE TABLE custody(\n"
	"  seq BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, case_id TEXT NOT NULL,\n"
	"  action TEXT NOT NULL, at TEXT NOT NULL, analyst TEXT NOT NULL, version TEXT NOT NULL,\n"
	"  command TEXT NOT NULL, store_digest TEXT NOT NULL, detail TEXT, prev TEXT NOT NULL,\n"
	"  hash TEXT NOT NULL, db_user TEXT NOT NULL DEFAULT current_user, rowid BIGINT GENERATED ALWAYS AS (seq) STORED);\n"
	"CREATE INDEX custody_case ON custody(case_id, seq);\n"
	"CREATE TABLE case_pins(\n"
	"  case_id TEXT PRIMARY KEY REFERENCES cases, screen_run BIGINT, link_run BIGINT,\n"
	"  taken_at TEXT NOT NULL);\n"
	"CREATE TABLE case_snap_listings(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, listing_id TEXT NOT NULL, seller_id TEXT,\n"
	"  why TEXT NOT NULL, price BIGINT, currency TEXT, PRIMARY KEY(case_id, listing_id));\n"
	"CREATE TABLE case_snap_orders(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, order_id TEXT NOT NULL, listing_id TEXT,\n"
	"  seller_id TEXT, amount BIGINT, currency TEXT, status TEXT,\n"
	"  PRIMARY KEY(case_id, order_id));\n"
	"CREATE TABLE case_snap_testbuys(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, testbuy_id TEXT NOT NULL, listing_id TEXT,\n"
	"  verdict TEXT, PRIMARY KEY(case_id, testbuy_id));\n"
	"CREATE TABLE case_snap_takedowns(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, notice_id TEXT NOT NULL, listing_id TEXT,\n"
	"  PRIMARY KEY(case_id, notice_id));\n"
	"CREATE TABLE case_snap_parties(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, party_id TEXT NOT NULL, depth BIGINT,\n"
	"  via TEXT, PRIMARY KEY(case_id, party_id));\n"
	"CREATE TABLE case_snap_edges(\n"
	"  case_id TEXT NOT NULL REFERENCES cases, edge_id BIGINT, seller_a TEXT, seller_b TEXT,\n"
	"  kind TEXT, value TEXT, weight DOUBLE PRECISION, holders BIGINT, comparator TEXT,\n"
	"  ident_a BIGINT, ident_b BIGINT, rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE INDEX case_snap_edges_case ON case_snap_edges(case_id, edge_id);\n"
	"CREATE TABLE notices(\n"
	"  notice_id TEXT PRIMARY KEY, rights_holder TEXT, brand TEXT, listing_id TEXT, url TEXT,\n"
	"  grounds TEXT, received_at TEXT, contact_email TEXT, attrs TEXT,\n"
	"  source_id BIGINT NOT NULL, line BIGINT NOT NULL,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY);\n"
	"CREATE TABLE notifiers(\n"
	"  notifier TEXT NOT NULL, acts_for TEXT NOT NULL, contact_email TEXT, since TEXT,\n"
	"  attrs TEXT, source_id BIGINT NOT NULL, line BIGINT NOT NULL,\n"
	"  rowid BIGINT GENERATED BY DEFAULT AS IDENTITY, PRIMARY KEY(notifier, acts_for));\n"
	"CREATE TABLE notice_decisions(\n"
	"  decision_id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n"
	"  notice_id TEXT NOT NULL, decided_at TEXT NOT NULL, analyst TEXT NOT NULL,\n"
	"  decision TEXT NOT NULL CHECK(decision IN ('accept', 'review', 'reject')),\n"
	"  lane TEXT NOT NULL, reasons TEXT NOT NULL, evidence TEXT NOT NULL, listing_id TEXT,\n"
	"  seller_id TEXT, network_id TEXT, notifier TEXT, brand TEXT,\n"
	"  proposed BIGINT NOT NULL DEFAULT 0, db_user TEXT NOT NULL DEFAULT current_user, rowid BIGINT GENERATED ALWAYS AS (decision_id) STORED);\n"
	"CREATE INDEX notice_decisions_notice ON notice_decisions(notice_id, decision_id);\n"
	"CREATE TABLE source_marks(\n"
	"  source_id BIGINT NOT NULL REFERENCES sources, line BIGINT NOT NULL,\n"
	"  \"offset\" BIGINT NOT NULL, len BIGINT NOT NULL, sha256 BYTEA NOT NULL,\n"
	"  PRIMARY KEY(source_id, line));\n"
	/* The record is append-only, whoever asks: the owner too. */
	"CREATE FUNCTION ck_append_only() RETURNS trigger LANGUAGE plpgsql AS $$\n"
	"BEGIN\n"
	"  IF TG_TABLE_NAME = 'custody' THEN\n"
	"    RAISE EXCEPTION 'the custody log is append-only' USING ERRCODE = '23000';\n"
	"  END IF;\n"
	"  RAISE EXCEPTION 'notice decisions are append-only' USING ERRCODE = '23000';\n"
	"END $$;\n"
	"CREATE FUNCTION ck_db_user() RETURNS trigger LANGUAGE plpgsql AS $$\n"
	"BEGIN NEW.db_user := current_user; RETURN NEW; END $$;\n"
	"CREATE TRIGGER custody_no_update BEFORE UPDATE OR DELETE ON custody\n"
	"  FOR EACH ROW EXECUTE FUNCTION ck_append_only();\n"
	"CREATE TRIGGER custody_no_truncate BEFORE TRUNCATE ON custody\n"
	"  FOR EACH STATEMENT EXECUTE FUNCTION ck_append_only();\n"
	"CREATE TRIGGER custody_db_user BEFORE INSERT ON custody\n"
	"  FOR EACH ROW EXECUTE FUNCTION ck_db_user();\n"
	"CREATE TRIGGER notice_decisions_no_update BEFORE UPDATE OR DELETE ON notice_decisions\n"
	"  FOR EACH ROW EXECUTE FUNCTION ck_append_only();\n"
	"CREATE TRIGGER notice_decisions_no_truncate BEFORE TRUNCATE ON notice_decisions\n"
	"  FOR EACH STATEMENT EXECUTE FUNCTION ck_append_only();\n"
	"CREATE TRIGGER notice_decisions_db_user BEFORE INSERT ON notice_decisions\n"
	"  FOR EACH ROW EXECUTE FUNCTION ck_db_user();\n"
	/*
	 * casekit link's note of identifiers deleted that a run saw (SQLite's store gets the
	 * same trigger from the first link run): here from the start, once a statement.
	 */
	"CREATE FUNCTION ck_link_identifiers_deleted() RETURNS trigger LANGUAGE plpgsql AS $$\n"
	"BEGIN\n"
	"  IF EXISTS (SELECT 1 FROM gone WHERE gone.ident_id <= (SELECT last_ident_id\n"
	"      FROM link_runs ORDER BY run_id DESC LIMIT 1)) THEN\n"
	"    INSERT INTO meta SELECT 'link_deleted_run', max(run_id) FROM link_runs\n"
	"      ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;\n"
	"  END IF;\n"
	"  RETURN NULL;\n"
	"END $$;\n"
	"CREATE TRIGGER link_identifiers_deleted AFTER DELETE ON identifiers\n"
	"  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT\n"
	"  EXECUTE FUNCTION ck_link_identifiers_deleted();\n"
	"REVOKE UPDATE, DELETE, TRUNCATE ON custody, notice_decisions FROM PUBLIC;\n"
	"REVOKE UPDATE, DELETE, TRUNCATE ON custody, notice_decisions FROM CURRENT_USER;\n"
	/* casekit's own functions, as lib/store.c gives SQLite */
	"CREATE COLLATION ck_natural (provider = icu, locale = 'und-u-kn-true');\n"
	"CREATE COLLATION nocase (provider = icu, locale = 'und-u-ks-level2',\n"
	"  deterministic = false);\n"
	"CREATE FUNCTION ck_money_exponent(cur text) RETURNS int LANGUAGE sql IMMUTABLE AS $$\n"
	"  SELECT CASE WHEN cur IN ('BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG',\n"
	"    'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF') THEN 0\n"
	"    WHEN cur IN ('BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND') THEN 3 ELSE 2 END $$;\n"
	"CREATE FUNCTION ck_money(minor numeric, cur text) RETURNS text LANGUAGE sql IMMUTABLE\n"
	"AS $$\n"
	"  SELECT CASE WHEN minor IS NULL THEN NULL\n"
	"    WHEN ck_money_exponent(cur) = 0 THEN trunc(minor)::text\n"
	"    ELSE CASE WHEN minor < 0 THEN '-' ELSE '' END ||\n"
	"      trunc(abs(minor) / (CASE ck_money_exponent(cur) WHEN 3 THEN 1000\n"
	"        ELSE 100 END))::text || '.' ||\n"
	"      lpad((abs(trunc(minor)) % (CASE ck_money_exponent(cur) WHEN 3 THEN 1000\n"
	"        ELSE 100 END))::text, ck_money_exponent(cur), '0') END $$;\n"

	/* SQLite's functions under their names */
	"CREATE FUNCTION instr(a text, b text) RETURNS bigint LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT strpos(a, b) $$;\n"
	/* SQLite's JSON, as compact as SQLite writes it (casekit's JSON output embeds it) */
	"CREATE FUNCTION json(t text) RETURNS json LANGUAGE sql IMMUTABLE AS $$ SELECT t::json $$;\n"
	"CREATE FUNCTION json_array(v text) RETURNS text LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT '[' || coalesce(to_json(v)::text, 'null') || ']' $$;\n"
	"CREATE FUNCTION json_object(k1 text, v1 json, k2 text, v2 text) RETURNS json\n"
	"  LANGUAGE sql IMMUTABLE AS $$ SELECT ('{' || to_json(k1)::text || ':' ||\n"
	"  coalesce(v1::text, 'null') || ',' || to_json(k2)::text || ':' ||\n"
	"  coalesce(to_json(v2)::text, 'null') || '}')::json $$;\n"
	"CREATE FUNCTION ck_json_add(s text, v json) RETURNS text LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT s || CASE WHEN s = '' THEN '' ELSE ',' END || coalesce(v::text, 'null') $$;\n"
	"CREATE FUNCTION ck_json_add(s text, v text) RETURNS text LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT ck_json_add(s, to_json(v)) $$;\n"
	"CREATE FUNCTION ck_json_end(s text) RETURNS text LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT '[' || s || ']' $$;\n"
	"CREATE AGGREGATE json_group_array(json) (sfunc = ck_json_add, stype = text,\n"
	"  finalfunc = ck_json_end, initcond = '');\n"
	"CREATE AGGREGATE json_group_array(text) (sfunc = ck_json_add, stype = text,\n"
	"  finalfunc = ck_json_end, initcond = '');\n"
	"CREATE FUNCTION round(v double precision, n int) RETURNS double precision\n"
	"  LANGUAGE sql IMMUTABLE AS $$ SELECT round(v::numeric, n)::double precision $$;\n"
	/*
	 * ck_buyer(x): a buyer's pseudonym ("buyer-" and 16 hex digits of HMAC-SHA-256 under
	 * the store's pseudonym key) when the session redacts (store_set(), as lib/case.c's
	 * C function does on a file store), else x.
	 */
	"CREATE FUNCTION ck_pad(k bytea, pad int) RETURNS bytea LANGUAGE plpgsql IMMUTABLE\n"
	"AS $$ DECLARE r bytea := decode(repeat('00', 64), 'hex'); i int;\n"
	"BEGIN\n"
	"  FOR i IN 0..63 LOOP\n"
	"    r := set_byte(r, i, (CASE WHEN i < length(k) THEN get_byte(k, i) ELSE 0 END) # pad);\n"
	"  END LOOP;\n"
	"  RETURN r;\n"
	"END $$;\n"
	"CREATE FUNCTION ck_hmac(k bytea, m bytea) RETURNS bytea LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT sha256(ck_pad(k, 92) || sha256(ck_pad(k, 54) || m)) $$;\n"
	"CREATE FUNCTION ck_buyer(x text) RETURNS text LANGUAGE plpgsql STABLE AS $$\n"
	"DECLARE k text := current_setting('casekit.redact_key', true);\n"
	"BEGIN\n"
	"  IF x IS NULL OR k IS NULL OR k = '' THEN RETURN x; END IF;\n"
	"  RETURN 'buyer-' || encode(substr(ck_hmac(decode(k, 'hex'), convert_to(x, 'UTF8')),\n"
	"    1, 8), 'hex');\n"
	"END $$;\n"
	"CREATE FUNCTION ck_value(x anyelement) RETURNS json LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT to_json(x) $$;\n"
	"CREATE FUNCTION json_extract(t text, path text) RETURNS text LANGUAGE plpgsql IMMUTABLE\n"
	"AS $$ BEGIN\n"
	"  RETURN t::json #>> string_to_array(substr(path, 3), '.');\n"
	"EXCEPTION WHEN others THEN RETURN NULL; END $$;\n"
	"CREATE FUNCTION julianday(t text) RETURNS double precision LANGUAGE plpgsql IMMUTABLE\n"
	"AS $$ BEGIN\n"
	/* as SQLite computes it: whole milliseconds since the Julian epoch, over a day's */
	"  RETURN (round(extract(epoch FROM t::timestamptz) * 1000)::bigint + 210866760000000)\n"
	"    / 86400000.0::double precision;\n"
	"EXCEPTION WHEN others THEN RETURN NULL; END $$;\n"
	"CREATE FUNCTION hex(b bytea) RETURNS text LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT upper(encode(b, 'hex')) $$;\n"
	"CREATE FUNCTION hex(t text) RETURNS text LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT upper(encode(convert_to(t, 'UTF8'), 'hex')) $$;\n"
	"CREATE FUNCTION iif(c boolean, a anyelement, b anyelement) RETURNS anyelement\n"
	"  LANGUAGE sql IMMUTABLE AS $$ SELECT CASE WHEN c THEN a ELSE b END $$;\n"
	"CREATE FUNCTION ck_concat(s text, v text, sep text) RETURNS text LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT CASE WHEN v IS NULL THEN s WHEN s IS NULL THEN v ELSE s || sep || v END $$;\n"
	"CREATE FUNCTION ck_concat1(s text, v text) RETURNS text LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT ck_concat(s, v, ',') $$;\n"
	"CREATE FUNCTION ck_concat1(s text, v bigint) RETURNS text LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT ck_concat(s, v::text, ',') $$;\n"
	"CREATE FUNCTION ck_concat(s text, v bigint, sep text) RETURNS text LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT ck_concat(s, v::text, sep) $$;\n"
	"CREATE AGGREGATE group_concat(text) (sfunc = ck_concat1, stype = text);\n"
	"CREATE AGGREGATE group_concat(bigint) (sfunc = ck_concat1, stype = text);\n"
	"CREATE AGGREGATE group_concat(text, text) (sfunc = ck_concat, stype = text);\n"
	"CREATE AGGREGATE group_concat(bigint, text) (sfunc = ck_concat, stype = text);\n"
	"CREATE FUNCTION ck_sum_bool(s bigint, v boolean) RETURNS bigint LANGUAGE sql IMMUTABLE\n"
	"  AS $$ SELECT CASE WHEN v IS NULL THEN s ELSE coalesce(s, 0) + v::int END $$;\n"
	"CREATE AGGREGATE sum(boolean) (sfunc = ck_sum_bool, stype = bigint);\n"
	"CREATE FUNCTION ck_total(s double precision, v double precision) RETURNS double precision\n"
	"  LANGUAGE sql IMMUTABLE AS $$ SELECT s + coalesce(v, 0) $$;\n"
	"CREATE AGGREGATE total(double precision) (sfunc = ck_total, stype = double precision,\n"
	"  initcond = '0');\n";

int pg_create_schema(struct pg *c)
{
	char sql[160];
	int rc;

	if ((rc = raw_exec(c, pg_schema, 0)) || (rc = raw_exec(c, pg_schema_v6, 0)) ||
		(rc = raw_exec(c, pg_schema_v7, 0)))
		return rc;
	snprintf(sql, sizeof(sql),
		"INSERT INTO meta VALUES('application_id', '%d'), ('user_version', '%d')",
		STORE_APPLICATION_ID, STORE_SCHEMA_VERSION);
	return raw_exec(c, sql, 0);
}

/* What the store is: 0 and its version, or one message and an EX_* code. */
static int check_identity(struct pg *c, int *version)
{
	char *v;
	char want[16];

	if (!pg_table_exists(c, "meta"))
		return ck_error(EX_CONFIG,
			"'%s' is not a casekit store (no meta table; make one with 'casekit init')",
			c->uri);
	v = value_of(c, "SELECT value FROM meta WHERE key = 'application_id'", NULL, NULL);
	snprintf(want, sizeof(want), "%d", STORE_APPLICATION_ID);
	if (!v || strcmp(v, want) != 0) {
		free(v);
		return ck_error(EX_CONFIG, "'%s' is not a casekit store", c->uri);
	}
	free(v);
	v = value_of(c, "SELECT value FROM meta WHERE key = 'user_version'", NULL, NULL);
	*version = v ? atoi(v) : 0;
	free(v);
	if (*version > STORE_SCHEMA_VERSION)
		return ck_error(EX_CONFIG, "'%s' has schema %d, newer than this casekit (%d)",
			c->uri, *version, STORE_SCHEMA_VERSION);
	if (*version < 5)
		return ck_error(EX_CONFIG, "'%s' has schema %d, which no server store has", c->uri,
			*version);
	c->version = *version;
	return 0;
}

int pg_open(struct pg **out, const char *uri, unsigned flags)
{
	struct pg *c = xcalloc(1, sizeof(*c));
	const char *e;
	int rc, version;

	*out = NULL;
	c->uri = xstrdup(uri);
	c->flags = flags;
	c->last_rowid = -1;
	c->batch = PG_BATCH;
	if ((e = getenv("CASEKIT_PG_FETCH")) && atoi(e) > 0)
		c->batch = atoi(e);
	c->conn = PQconnectdb(uri);
	if (PQstatus(c->conn) != CONNECTION_OK) {
		char *m = xstrdup(PQerrorMessage(c->conn));
		size_t n = strlen(m);

		while (n && m[n - 1] == '\n')
			m[--n] = '\0';
		rc = ck_error(flags & STORE_CREATE ? EX_CANTCREAT : EX_NOINPUT,
			"cannot connect to '%s': %s", uri, m);
		free(m);
		goto fail;
	}
	/* SQLite's text is UTF-8, its LIKE and its dates are ours: the server is told so. */
	if ((rc = raw_exec(c,
		     "SET client_encoding = 'UTF8'; SET client_min_messages = warning;"
		     " SET application_name = 'casekit'; SET DateStyle = 'ISO';"
		     " SET TimeZone = 'UTC';"
		     " SET extra_float_digits = 1;"
		     /* a query read through a cursor is read whole: plan it so */
		     " SET cursor_tuple_fraction = 1",
		     0)))
		goto fail;
	{
		char *sch = value_of(c, "SELECT current_schema()", NULL, NULL);

		snprintf(c->schema, sizeof(c->schema), "%s", sch ? sch : "public");
		free(sch);
	}
	if (flags & STORE_CREATE) {
		if (pg_table_exists(c, "meta")) {
			rc = ck_error(
				EX_CANTCREAT, "'%s' already holds a store (a meta table)", uri);
			goto fail;
		}
	} else {
		if ((rc = check_identity(c, &version)))
			goto fail;
		c->distributed = gives_row(c,
			"SELECT 1 FROM meta WHERE key = 'layout' AND value = 'citus'", NULL, NULL);
		/*
		 * STORE_READONLY is casekit's promise, as on a file, which leaves temporary
		 * tables to the applets that need them; ad-hoc SQL runs in a read-only
		 * transaction (store_guard_begin()), which the server enforces.
		 */
	}
	*out = c;
	return 0;
fail:
	pg_close(c);
	return rc;
}

void pg_analyze_stale(struct pg *c)
{
	/* the store's tables that grow with its data: another table of the schema is not ours */
	static const char *const derived[] = { "identifiers", "scores", "score_network", "networks",
		"network_members", "link_edges", "source_marks", "rejects", NULL };
	struct buf sql = { 0 };
	PGresult *r;
	int i;

	/* as autovacuum would, only now: loaded much since the server last looked */
	buf_adds(&sql,
		"SELECT quote_ident(relname) FROM pg_stat_user_tables"
		" WHERE schemaname = current_schema() AND n_mod_since_analyze > 1000"
		" AND n_mod_since_analyze > n_live_tup / 5 AND relname IN (");
	for (i = 0; store_kinds[i]; i++)
		buf_addf(&sql, "'%s', ", store_kinds[i]);
	for (i = 0; derived[i]; i++)
		buf_addf(&sql, "'%s'%s", derived[i], derived[i + 1] ? ", " : ")");
	r = PQexec(c->conn, sql.s);
	for (i = 0; PQresultStatus(r) == PGRES_TUPLES_OK && i < PQntuples(r); i++) {
		buf_reset(&sql);
		buf_addf(&sql, "ANALYZE %s", PQgetvalue(r, i, 0));
		raw_exec(c, sql.s, 1);
	}
	buf_free(&sql);
	PQclear(r);
}

void pg_close(struct pg *c)
{
	if (!c)
		return;
	PQfinish(c->conn);
	free(c->uri);
	buf_free(&c->engine);
	free(c);
}

/*
 * Translation. SQLite's dialect, as casekit writes it, into PostgreSQL's, word by word with
 * strings, quoted names and comments left alone. What it cannot do mechanically, the queries
 * avoid (they are written in SQL both engines read the same).
 */
struct tr {
	struct pg *c;
	const char *p; /* input */
	struct buf o;
	int nparam, maxparam;
	char prev[32];  /* the last word or symbol emitted, lowercased */
	char prev2[32]; /* the one before */
	char prev3[32]; /* and before that: AND in AND s.flagged */
	/* an INSERT OR IGNORE/REPLACE of this statement: what goes at its end */
	int conflict; /* 0, 'I' ignore, 'R' replace */
	char table[64];
	struct buf cols;  /* the INSERT's column list, as given */
	size_t ret_at;    /* output position of RETURNING, or 0 */
	size_t stmt_at;   /* where the statement starts in the output */
	int skip_stmt;    /* a PRAGMA: dropped */
	int between;      /* a BETWEEN waits for its AND */
	int drop_temp;    /* DROP TABLE of a temporary table: its views go with it, as in SQLite */
	int dropping;     /* in a DROP TABLE */
	int indexing;     /* in a CREATE INDEX */
	char derived[64]; /* at each depth: the ( opens a table in FROM or JOIN */
	/* an ORDER BY at depth ob (-1: none): SQLite sorts NULL first, PostgreSQL last */
	int ob, ob_desc, ob_nulls;
	int nalias;
	int depth;
};

static int word_is(const char *w, size_t n, const char *kw)
{
	return strlen(kw) == n && strncasecmp(w, kw, n) == 0;
}

/* The next word of s (after space), its length in *n; NULL when s goes on with no word. */
static const char *peek_word(const char *s, size_t *n)
{
	while (isspace((unsigned char)*s))
		s++;
	*n = 0;
	while (isalnum((unsigned char)s[*n]) || s[*n] == '_')
		(*n)++;
	return *n ? s : NULL;
}

/* The columns of table as (name, is-key) pairs, from the catalog: a result to PQclear(). */
static PGresult *table_columns(struct pg *c, const char *table)
{
	const char *v[1] = { table };

	drain(c);
	return PQexecParams(c->conn,
		"SELECT a.attname, coalesce(a.attnum = ANY(i.indkey), false),"
		" a.attidentity <> '' AND a.attname = 'rowid'"
		" FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid"
		" LEFT JOIN pg_index i ON i.indrelid = r.oid AND i.indisprimary"
		" WHERE r.relname = $1 AND pg_table_is_visible(r.oid) AND a.attnum > 0"
		" AND NOT a.attisdropped ORDER BY a.attnum",
		1, NULL, v, NULL, NULL, 0);
}

/* The ON CONFLICT clause of an INSERT OR IGNORE or OR REPLACE. */
static void conflict_clause(struct tr *t, struct buf *out)
{
	PGresult *r;
	struct buf key = { 0 }, set = { 0 };
	int i, n;

	if (t->conflict == 'I') {
		buf_adds(out, " ON CONFLICT DO NOTHING");
		return;
	}
	if (!t->c) {
		buf_adds(out, " ON CONFLICT DO NOTHING");
		return;
	}
	r = table_columns(t->c, t->table);
	n = PQresultStatus(r) == PGRES_TUPLES_OK ? PQntuples(r) : 0;
	for (i = 0; i < n; i++) {
		const char *name = PQgetvalue(r, i, 0);
		int is_key = PQgetvalue(r, i, 1)[0] == 't';
		char pat[80];

		if (PQgetvalue(r, i, 2)[0] == 't')
			continue;
		if (is_key) {
			buf_addf(&key, "%s\"%s\"", key.len ? ", " : "", name);
			continue;
		}
		/* with a column list, only the columns it names */
		snprintf(pat, sizeof(pat), ",%s,", name);
		if (t->cols.len && !strstr(t->cols.s, pat))
			continue;
		buf_addf(&set, "%s\"%s\" = EXCLUDED.\"%s\"", set.len ? ", " : "", name, name);
	}
	PQclear(r);
	if (!key.len)
		buf_adds(out, " ON CONFLICT DO NOTHING");
	else if (!set.len)
		buf_addf(out, " ON CONFLICT (%s) DO NOTHING", key.s);
	else
		buf_addf(out, " ON CONFLICT (%s) DO UPDATE SET %s", key.s, set.s);
	buf_free(&key);
	buf_free(&set);
}

/* The statement ends: its ON CONFLICT clause goes in (before RETURNING). */
static void end_stmt(struct tr *t)
{
	if (t->drop_temp) {
		size_t at = t->o.len;

		while (at > t->stmt_at && isspace((unsigned char)t->o.s[at - 1]))
			at--;
		t->o.len = at;
		t->o.s[at] = '\0';
		buf_adds(&t->o, " CASCADE");
		t->drop_temp = 0;
	}
	if (t->conflict) {
		struct buf cl = { 0 };
		size_t at = t->ret_at ? t->ret_at : t->o.len;

		while (!t->ret_at && at > t->stmt_at && isspace((unsigned char)t->o.s[at - 1]))
			at--;
		conflict_clause(t, &cl);
		buf_grow(&t->o, cl.len);
		memmove(t->o.s + at + cl.len, t->o.s + at, t->o.len - at + 1);
		memcpy(t->o.s + at, cl.s, cl.len);
		t->o.len += cl.len;
		buf_free(&cl);
	}
	t->conflict = 0;
	t->dropping = t->indexing = 0;
	t->ret_at = 0;
	buf_reset(&t->cols);
	t->skip_stmt = 0;
}

/* An item of an ORDER BY ends: where SQLite puts its NULLs. all: the ORDER BY ends too. */
static void order_item(struct tr *t, int all)
{
	if (t->ob < 0 || t->depth != t->ob)
		return;
	if (!t->ob_nulls) {
		const char *x = t->ob_desc ? " NULLS LAST" : " NULLS FIRST";
		size_t n = strlen(x), at = t->o.len;

		/* after the item, before the space that follows it */
		while (at > 0 && isspace((unsigned char)t->o.s[at - 1]))
			at--;
		buf_grow(&t->o, n);
		memmove(t->o.s + at + n, t->o.s + at, t->o.len - at + 1);
		memcpy(t->o.s + at, x, n);
		t->o.len += n;
	}
	t->ob_desc = t->ob_nulls = 0;
	if (all)
		t->ob = -1;
}

static void set_prev(struct tr *t, const char *w, size_t n)
{
	size_t i;

	memcpy(t->prev3, t->prev2, sizeof(t->prev));
	memcpy(t->prev2, t->prev, sizeof(t->prev));
	if (n >= sizeof(t->prev))
		n = sizeof(t->prev) - 1;
	for (i = 0; i < n; i++)
		t->prev[i] = (char)tolower((unsigned char)w[i]);
	t->prev[n] = '\0';
}

/* 1 when a + here is unary (an index hint of SQLite's: +col), not an addition. */
static int unary_here(const struct tr *t)
{
	static const char *const after[] = { "where", "and", "or", "on", "not", "select", "by",
		"when", "then", "else", "case", "in", "is", "set", "values", "like", "between", "(",
		",", "=", "<", ">", "<=", ">=", "<>", "!=", NULL };
	int i;

	if (!t->prev[0])
		return 1;
	for (i = 0; after[i]; i++)
		if (strcmp(t->prev, after[i]) == 0)
			return 1;
	return 0;
}

/* 1 when rest is JOIN table [AS] [alias] ON or USING: a CROSS JOIN with a condition. */
static int cross_join_on(const char *rest)
{
	const char *w;
	size_t n;

	if (!(w = peek_word(rest, &n)) || !word_is(w, n, "join"))
		return 0;
	if (!(w = peek_word(w + n, &n)))
		return 0;
	if (w[n] == '.' && !(w = peek_word(w + n + 1, &n)))
		return 0;
	if (!(w = peek_word(w + n, &n)))
		return 0;
	if (word_is(w, n, "as") && !(w = peek_word(w + n, &n)))
		return 0;
	if (!word_is(w, n, "on") && !word_is(w, n, "using") && !(w = peek_word(w + n, &n)))
		return 0;
	return word_is(w, n, "on") || word_is(w, n, "using");
}

/* 1 when the derived table closed before rest has no name of its own. */
static int needs_alias(const char *rest)
{
	static const char *const kw[] = { "where", "group", "order", "limit", "union", "join",
		"left", "inner", "cross", "right", "full", "having", "window", "except",
		"intersect", "on", "using", "natural", "offset", "returning", NULL };
	const char *w;
	size_t n;
	int i;

	while (isspace((unsigned char)*rest))
		rest++;
	if (!(w = peek_word(rest, &n)) || w != rest)
		return *rest != '"';
	for (i = 0; kw[i]; i++)
		if (word_is(w, n, kw[i]))
			return 1;
	return 0;
}

/* 1 when what comes before rest ends a truth value: AND, OR, THEN, ')', the end. */
static int bool_after(const char *rest)
{
	static const char *const after[] = { "and", "or", "then", "group", "order", "limit",
		"union", "end", NULL };
	const char *w;
	size_t n;
	int i;

	while (isspace((unsigned char)*rest))
		rest++;
	if (!*rest || *rest == ')' || *rest == ';')
		return 1;
	if (!(w = peek_word(rest, &n)) || w != rest)
		return 0;
	for (i = 0; after[i]; i++)
		if (word_is(w, n, after[i]))
			return 1;
	return 0;
}

/* 1 when a 0 or 1 here, followed by rest, stands for a truth value (WHERE 1, AND 0). */
static int bool_here(const struct tr *t, const char *rest)
{
	static const char *const before[] = { "where", "and", "or", "not", "on", "having", NULL };
	int i, ok = 0;

	for (i = 0; before[i]; i++)
		ok |= strcmp(t->prev, before[i]) == 0;
	return ok && bool_after(rest);
}

/* 1 when the name w (a column) stands alone where a truth value goes: WHERE s.flagged AND. */
static int truth_column(const struct tr *t, const char *w, size_t n)
{
	static const char *const before[] = { "where", "and", "or", "not", "when", "having", NULL };
	static const char *const kw[] = { "true", "false", "null", "exists", "not", "case",
		"select", "excluded", NULL };
	const char *p = w + n;
	int i, ok = 0;

	for (i = 0; kw[i]; i++)
		if (word_is(w, n, kw[i]))
			return 0;
	for (i = 0; before[i]; i++)
		ok |= strcmp(t->prev, before[i]) == 0 ||
			(strcmp(t->prev, ".") == 0 && strcmp(t->prev3, before[i]) == 0);
	if (!ok || *p == '.' || *p == '(')
		return 0;
	return bool_after(p);
}

/* The number of arguments of the call whose '(' is at p: commas at its depth, plus one. */
static int call_args(const char *p)
{
	int depth = 0, n = 1;

	for (; *p; p++) {
		if (*p == '\'') {
			for (p++; *p && !(*p == '\'' && p[1] != '\''); p++)
				if (*p == '\'')
					p++;
			if (!*p)
				break;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (--depth == 0)
				return n;
		} else if (*p == ',' && depth == 1) {
			n++;
		}
	}
	return n;
}

static void word(struct tr *t, const char *w, size_t n)
{
	size_t nn;
	const char *nx;

	if (t->skip_stmt)
		return;
	if (word_is(w, n, "pragma") && strcmp(t->prev, ";") == 0) {
		t->skip_stmt = 1;
		return;
	}
	if (word_is(w, n, "analyze") && strcmp(t->prev, ";") == 0) {
		/* SQLite's ANALYZE temp; a server's autovacuum keeps its own statistics */
		const char *x = peek_word(t->p, &nn);

		if (x && word_is(x, nn, "temp")) {
			t->skip_stmt = 1;
			return;
		}
	}
	if (word_is(w, n, "insert") || word_is(w, n, "replace")) {
		const char *s = t->p;

		nx = peek_word(s, &nn);
		if (word_is(w, n, "replace") && !(nx && word_is(nx, nn, "into"))) {
			buf_add(&t->o, w, n); /* replace() the function */
			set_prev(t, w, n);
			return;
		}
		buf_adds(&t->o, "INSERT");
		if (word_is(w, n, "replace"))
			t->conflict = 'R';
		if (nx && word_is(nx, nn, "or")) {
			const char *how = peek_word(nx + nn, &nn);

			/*
			 * OR FAIL and OR ABORT differ only in what a failed statement leaves of
			 * itself inside the transaction, which the caller then rolls back: a
			 * PostgreSQL statement is all or nothing either way.
			 */
			if (how && (word_is(how, nn, "fail") || word_is(how, nn, "abort")))
				t->conflict = 0;
			else
				t->conflict = how && word_is(how, nn, "ignore") ? 'I' : 'R';
			t->p = how + nn;
		}
		if (t->conflict) {
			/* the table and the column list, for the clause at the end */
			const char *into = peek_word(t->p, &nn), *tb, *q;

			if (into && word_is(into, nn, "into")) {
				tb = peek_word(into + nn, &nn);
				if (tb && word_is(tb, nn, "temp") && tb[nn] == '.')
					tb = peek_word(tb + nn + 1, &nn);
				if (tb) {
					snprintf(t->table, sizeof(t->table), "%.*s", (int)nn, tb);
					q = tb + nn;
					while (isspace((unsigned char)*q))
						q++;
					buf_reset(&t->cols);
					if (*q == '(') {
						buf_addc(&t->cols, ',');
						for (q++; *q && *q != ')'; q++)
							if (!isspace((unsigned char)*q))
								buf_addc(&t->cols, *q);
						buf_addc(&t->cols, ',');
					}
				}
			}
		}
		set_prev(t, "insert", 6);
		return;
	}
	if (truth_column(t, w, n)) {
		/* SQLite reads an integer column as a truth value (WHERE s.flagged) */
		buf_add(&t->o, w, n);
		buf_adds(&t->o, " <> 0");
		set_prev(t, "x", 1);
		return;
	}
	if (t->ob >= 0 && t->depth == t->ob) {
		static const char *const ends[] = { "limit", "offset", "union", "except",
			"intersect", "fetch", "for", "rows", "range", "groups", "window",
			"returning", "on", NULL };
		int i;

		if (word_is(w, n, "desc"))
			t->ob_desc = 1;
		else if (word_is(w, n, "nulls"))
			t->ob_nulls = 1;
		for (i = 0; ends[i]; i++)
			if (word_is(w, n, ends[i]))
				order_item(t, 1);
	}
	if (word_is(w, n, "by") && strcmp(t->prev, "order") == 0) {
		buf_add(&t->o, w, n);
		set_prev(t, "by", 2);
		t->ob = t->depth;
		t->ob_desc = t->ob_nulls = 0;
		return;
	}
	if (word_is(w, n, "in")) {
		/* SQLite's x IN some_table */
		const char *x = peek_word(t->p, &nn);

		if (x && !isdigit((unsigned char)*x) && x[nn] != '(' && x[nn] != '.' &&
			!word_is(x, nn, "select")) {
			buf_add(&t->o, w, n);
			buf_addf(&t->o, " (SELECT * FROM %.*s)", (int)nn, x);
			t->p = x + nn;
			set_prev(t, "x", 1);
			return;
		}
	}
	if (word_is(w, n, "table") && strcmp(t->prev, "drop") == 0)
		t->dropping = 1;
	if (word_is(w, n, "index") &&
		(strcmp(t->prev, "create") == 0 || strcmp(t->prev, "unique") == 0))
		t->indexing = 1;
	if (word_is(w, n, "between"))
		t->between = 1;
	else if (word_is(w, n, "and") && t->between) {
		t->between = 0;
		buf_add(&t->o, w, n);
		set_prev(t, "and-between", 11);
		return;
	}
	if (word_is(w, n, "cross") && cross_join_on(t->p)) {
		/* SQLite's CROSS JOIN ... ON fixes the join order; elsewhere it is an inner join */
		return;
	}
	if (word_is(w, n, "char") && *t->p == '(') {
		buf_adds(&t->o, "chr");
		set_prev(t, "chr", 3);
		return;
	}
	if (word_is(w, n, "returning") && t->conflict && t->depth == 0) {
		t->ret_at = t->o.len;
	} else if (word_is(w, n, "temp") && *t->p == '.') {
		if (strcmp(t->prev, "exists") == 0 || strcmp(t->prev, "table") == 0)
			t->drop_temp = t->dropping;
		if (t->indexing &&
			(strcmp(t->prev, "exists") == 0 || strcmp(t->prev, "index") == 0)) {
			/* an index lives where its table does: its name takes no schema */
			t->p++;
			return;
		}
		buf_adds(&t->o, "pg_temp");
		set_prev(t, "pg_temp", 7);
		return;
	} else if (word_is(w, n, "main") && *t->p == '.') {
		/* the store's own tables, not temporary ones of the same name */
		buf_addf(&t->o, "\"%s\"", t->c ? t->c->schema : "public");
		set_prev(t, "main", 4);
		return;
	} else if (word_is(w, n, "ifnull")) {
		buf_adds(&t->o, "coalesce");
		set_prev(t, "coalesce", 8);
		return;
	} else if ((word_is(w, n, "max") || word_is(w, n, "min")) && *t->p == '(' &&
		call_args(t->p) > 1) {
		buf_adds(&t->o, word_is(w, n, "max") ? "greatest" : "least");
		set_prev(t, "greatest", 8);
		return;
	} else if (word_is(w, n, "like") || word_is(w, n, "glob")) {
		/* SQLite's LIKE ignores the case of ASCII letters */
		buf_adds(&t->o, word_is(w, n, "like") ? "ILIKE" : "LIKE");
		set_prev(t, "like", 4);
		return;
	} else if (word_is(w, n, "integer")) {
		nx = peek_word(t->p, &nn);
		if (nx && word_is(nx, nn, "primary")) {
			buf_adds(&t->o, "BIGINT GENERATED BY DEFAULT AS IDENTITY");
		} else {
			buf_adds(&t->o, "BIGINT");
		}
		set_prev(t, "bigint", 6);
		return;
	} else if (word_is(w, n, "real")) {
		buf_adds(&t->o, "DOUBLE PRECISION");
		set_prev(t, "real", 4);
		return;
	} else if (word_is(w, n, "blob")) {
		buf_adds(&t->o, "BYTEA");
		set_prev(t, "blob", 4);
		return;
	} else if (word_is(w, n, "autoincrement")) {
		return;
	} else if (word_is(w, n, "without")) {
		nx = peek_word(t->p, &nn);
		if (nx && word_is(nx, nn, "rowid")) {
			t->p = nx + nn;
			return;
		}
	} else if ((word_is(w, n, "immediate") || word_is(w, n, "deferred") ||
			   word_is(w, n, "exclusive")) &&
		strcmp(t->prev, "begin") == 0) {
		return;
	} else if (word_is(w, n, "binary") && strcmp(t->prev, "collate") == 0) {
		buf_adds(&t->o, "\"C\"");
		set_prev(t, "c", 1);
		return;
	} else if (word_is(w, n, "offset") &&
		(strcmp(t->prev, ",") == 0 || strcmp(t->prev, "select") == 0 ||
			strcmp(t->prev, "(") == 0 || strcmp(t->prev, ".") == 0)) {
		buf_adds(&t->o, "\"offset\"");
		set_prev(t, "offset", 6);
		return;
	} else if (word_is(w, n, "is")) {
		/* SQLite's IS compares any two values; PostgreSQL's only with NULL, TRUE, FALSE */
		int neg = 0;
		const char *after = t->p;

		nx = peek_word(after, &nn);
		if (nx && word_is(nx, nn, "not")) {
			neg = 1;
			after = nx + nn;
			nx = peek_word(after, &nn);
		}
		if (!nx ||
			!(word_is(nx, nn, "null") || word_is(nx, nn, "true") ||
				word_is(nx, nn, "false") || word_is(nx, nn, "distinct") ||
				word_is(nx, nn, "unknown"))) {
			buf_adds(&t->o, neg ? "IS DISTINCT FROM" : "IS NOT DISTINCT FROM");
			t->p = after;
			set_prev(t, "is", 2);
			return;
		}
	} else if (word_is(w, n, "limit")) {
		const char *q = t->p;

		while (isspace((unsigned char)*q))
			q++;
		if (*q == '?' && isdigit((unsigned char)q[1])) {
			/* SQLite's LIMIT -1 is no limit; PostgreSQL's is LIMIT NULL */
			int k = (int)strtol(q + 1, (char **)&q, 10);

			buf_addf(&t->o, "LIMIT CASE WHEN $%d < 0 THEN NULL ELSE $%d END", k, k);
			if (k > t->maxparam)
				t->maxparam = k;
			t->p = q;
			set_prev(t, "x", 1);
			return;
		}
		if (q[0] == '-' && q[1] == '1' && !isdigit((unsigned char)q[2])) {
			buf_adds(&t->o, "LIMIT ALL");
			t->p = q + 2;
			set_prev(t, "all", 3);
			return;
		}
	}
	buf_add(&t->o, w, n);
	set_prev(t, w, n);
}

char *pg_translate(struct pg *c, const char *sql, int *nparams)
{
	struct tr t;

	memset(&t, 0, sizeof(t));
	t.ob = -1;
	t.c = c;
	t.p = sql;
	strcpy(t.prev, ";");
	buf_grow(&t.o, strlen(sql) + 64);
	buf_adds(&t.o, "");
	while (*t.p) {
		const char *s = t.p;

		if (*s == '\'' || *s == '"' || *s == '`') {
			char end = *s;

			s++;
			while (*s && !(*s == end && s[1] != end))
				s += *s == end ? 2 : 1;
			if (*s)
				s++;
			if (!t.skip_stmt) {
				size_t at = t.o.len;

				buf_add(&t.o, t.p, (size_t)(s - t.p));
				if (end == '`') {
					t.o.s[at] = '"';
					if (s[-1] == '`')
						t.o.s[t.o.len - 1] = '"';
				}
			}
			set_prev(&t, "x", 1);
			t.p = s;
		} else if (s[0] == '-' && s[1] == '-') {
			while (*s && *s != '\n')
				s++;
			if (!t.skip_stmt)
				buf_add(&t.o, t.p, (size_t)(s - t.p));
			t.p = s;
		} else if (s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");

			s = e ? e + 2 : s + strlen(s);
			if (!t.skip_stmt)
				buf_add(&t.o, t.p, (size_t)(s - t.p));
			t.p = s;
		} else if (s[0] == '$' && (s[1] == '$' || isalpha((unsigned char)s[1]))) {
			/* a dollar-quoted string, in SQL written for PostgreSQL */
			const char *e = strchr(s + 1, '$'), *close;
			char tag[64];

			if (e && (size_t)(e - s + 1) < sizeof(tag)) {
				snprintf(tag, sizeof(tag), "%.*s", (int)(e - s + 1), s);
				close = strstr(e + 1, tag);
				s = close ? close + strlen(tag) : s + strlen(s);
			} else {
				s++;
			}
			buf_add(&t.o, t.p, (size_t)(s - t.p));
			t.p = s;
		} else if ((*s == '0' || *s == '1') && !isalnum((unsigned char)s[1]) &&
			s[1] != '.' && bool_here(&t, s + 1)) {
			/* SQLite's WHERE 1, AND 0: PostgreSQL wants a boolean */
			if (!t.skip_stmt)
				buf_adds(&t.o, *s == '1' ? "TRUE" : "FALSE");
			set_prev(&t, "x", 1);
			t.p = s + 1;
		} else if (*s == '?' || (*s == '$' && isdigit((unsigned char)s[1]))) {
			int k;

			s++;
			if (isdigit((unsigned char)*s)) {
				k = (int)strtol(s, (char **)&s, 10);
			} else {
				k = ++t.nparam;
			}
			if (k > t.maxparam)
				t.maxparam = k;
			if (!t.skip_stmt)
				buf_addf(&t.o, "$%d", k);
			set_prev(&t, "x", 1);
			t.p = s;
		} else if (isalpha((unsigned char)*s) || *s == '_') {
			const char *w = s;

			while (isalnum((unsigned char)*s) || *s == '_' || *s == '$')
				s++;
			t.p = s;
			word(&t, w, (size_t)(s - w));
		} else {
			t.p++;
			if (*s == ';') {
				if (!t.skip_stmt) {
					order_item(&t, 1);
					end_stmt(&t);
					buf_addc(&t.o, ';');
				}
				end_stmt(&t);
				t.stmt_at = t.o.len;
				strcpy(t.prev, ";");
				continue;
			}
			if (t.skip_stmt)
				continue;
			if (*s == '(') {
				if (t.depth < (int)sizeof(t.derived))
					t.derived[t.depth] = strcmp(t.prev, "from") == 0 ||
						strcmp(t.prev, "join") == 0;
				t.depth++;
			} else if (*s == ')' && t.depth > 0) {
				order_item(&t, 1);
				t.depth--;
				if (t.depth < (int)sizeof(t.derived) && t.derived[t.depth] &&
					needs_alias(t.p)) {
					/* PostgreSQL 15 names every derived table */
					buf_addf(&t.o, ") AS ck_d%d", ++t.nalias);
					set_prev(&t, "x", 1);
					continue;
				}
			}
			if (*s == ',')
				order_item(&t, 0);
			if (*s == '=' && s[1] == '=') {
				t.p++;
			} else if (*s == '+' && unary_here(&t)) {
				continue;
			}
			buf_addc(&t.o, *s);
			if (!isspace((unsigned char)*s)) {
				char sym[3] = { *s, 0, 0 };

				if ((*s == '<' || *s == '>' || *s == '!') &&
					(s[1] == '=' || s[1] == '>')) {
					sym[1] = s[1];
					buf_addc(&t.o, s[1]);
					t.p++;
				}
				set_prev(&t, sym, strlen(sym));
			}
		}
	}
	if (!t.skip_stmt) {
		order_item(&t, 1);
		end_stmt(&t);
	}
	buf_free(&t.cols);
	if (nparams)
		*nparams = t.maxparam;
	return buf_detach(&t.o);
}

/* The end of the first statement of sql (past its ';'), quotes and comments skipped. */
static const char *stmt_end(const char *s)
{
	while (*s) {
		size_t n = 1;

		/* a dollar-quoted string ($$ or $tag$), in SQL written for PostgreSQL */
		if (s[0] == '$' && !isdigit((unsigned char)s[1]))
			while (isalnum((unsigned char)s[n]) || s[n] == '_')
				n++;
		if (s[0] == '$' && s[n] == '$' && !isdigit((unsigned char)s[1])) {
			char tag[64];
			const char *close;

			snprintf(tag, sizeof(tag), "%.*s", (int)(n + 1), s);
			close = n + 1 < sizeof(tag) ? strstr(s + n + 1, tag) : NULL;
			s = close ? close + n + 1 : s + strlen(s);
		} else if (*s == '\'' || *s == '"') {
			char q = *s++;

			while (*s && !(*s == q && s[1] != q))
				s += *s == q ? 2 : 1;
			if (*s)
				s++;
		} else if (s[0] == '-' && s[1] == '-') {
			while (*s && *s != '\n')
				s++;
		} else if (s[0] == '/' && s[1] == '*') {
			const char *e = strstr(s + 2, "*/");

			s = e ? e + 2 : s + strlen(s);
		} else if (*s++ == ';') {
			return s;
		}
	}
	return s;
}

/* 1 if sql holds nothing but space and comments. */
static int blank(const char *sql, const char *end)
{
	while (sql < end) {
		if (isspace((unsigned char)*sql) || *sql == ';') {
			sql++;
		} else if (sql[0] == '-' && sql[1] == '-') {
			while (sql < end && *sql != '\n')
				sql++;
		} else if (sql[0] == '/' && sql[1] == '*') {
			const char *e = strstr(sql + 2, "*/");

			sql = e ? e + 2 : end;
		} else {
			return 0;
		}
	}
	return 1;
}

/*
 * 1 if sql is a query that a cursor can hold: a SELECT (VALUES, TABLE, WITH) in which no
 * INSERT, UPDATE, DELETE or MERGE writes (nor FOR UPDATE locks: a cursor would hold its locks
 * no differently, but the whole result is then what the caller wants).
 */
static int cursor_query(const char *sql)
{
	static const char *const writes[] = { "insert", "update", "delete", "merge", "into", NULL };
	const char *p = sql, *w;
	size_t n;
	int i;

	while (isspace((unsigned char)*p) || *p == '(')
		p++;
	if (!(w = peek_word(p, &n)) ||
		!(word_is(w, n, "select") || word_is(w, n, "with") || word_is(w, n, "values") ||
			word_is(w, n, "table")))
		return 0;
	while (*p) {
		if (*p == '\'' || *p == '"') {
			char q = *p++;

			while (*p && !(*p == q && p[1] != q))
				p += *p == q ? 2 : 1;
			if (*p)
				p++;
		} else if (isalpha((unsigned char)*p) || *p == '_') {
			w = peek_word(p, &n);
			for (i = 0; writes[i]; i++)
				if (word_is(w, n, writes[i]))
					return 0;
			p += n;
		} else {
			p++;
		}
	}
	return 1;
}

struct pg_stmt *pg_prepare(struct pg *c, const char *sql, int adhoc, const char **tail)
{
	struct pg_stmt *s;
	const char *end = adhoc ? stmt_end(sql) : sql + strlen(sql);

	if (tail)
		*tail = end;
	if (adhoc && blank(sql, end))
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->c = c;
	s->sql = xstrndup(sql, (size_t)(end - sql));
	s->tsql = pg_translate(c, s->sql, &s->nparams);
	s->query = cursor_query(s->tsql);
	s->adhoc = adhoc;
	if (s->nparams) {
		int i;

		s->p = xcalloc((size_t)s->nparams, sizeof(*s->p));
		for (i = 0; i < s->nparams; i++)
			s->p[i].len = -1; /* unbound: null, as in SQLite */
	}
	if (!adhoc)
		snprintf(s->name, sizeof(s->name), "ck%u", ++c->nstmt);
	return s;
}

const char *pg_stmt_sql(struct pg_stmt *s)
{
	return s->sql;
}

void pg_refuse(struct pg *c, struct pg_stmt *s)
{
	size_t n;
	const char *w = peek_word(s->sql, &n);

	snprintf(c->errmsg, sizeof(c->errmsg), "%.*s", w ? (int)n : 0, w ? w : "");
}

int pg_stmt_readonly(struct pg_stmt *s)
{
	/* What writes, ends or changes the transaction; anything else the server judges. */
	static const char *const refused[] = { "abort", "alter", "analyze", "begin", "call",
		"checkpoint", "close", "cluster", "comment", "commit", "copy", "create",
		"deallocate", "declare", "delete", "discard", "do", "drop", "end", "execute",
		"fetch", "grant", "import", "insert", "listen", "load", "lock", "merge", "move",
		"notify", "prepare", "reassign", "refresh", "reindex", "release", "reset", "revoke",
		"rollback", "savepoint", "security", "set", "start", "truncate", "unlisten",
		"update", "vacuum", NULL };
	size_t n;
	const char *w = peek_word(s->sql, &n);
	int i;

	for (i = 0; w && refused[i]; i++)
		if (word_is(w, n, refused[i]))
			return 0;
	return 1;
}

/* The columns of the running statement's result, NULL when it gives none. */
static const PGresult *shape_of(const struct pg_stmt *s)
{
	return s->run == RUN_STREAM ? s->shape : s->res;
}

static int nfields(const struct pg_stmt *s)
{
	const PGresult *r = shape_of(s);

	return r ? PQnfields(r) : 0;
}

static void drop_blobs(struct pg_stmt *s)
{
	int i, n = nfields(s);

	if (s->strs) {
		for (i = 0; i < n; i++)
			free(s->strs[i]);
		free(s->strs);
		s->strs = NULL;
	}
	if (!s->blobs)
		return;
	for (i = 0; i < n; i++)
		if (s->blobs[i])
			PQfreemem(s->blobs[i]);
	free(s->blobs);
	free(s->blen);
	s->blobs = NULL;
	s->blen = NULL;
}

static void rows_clear(struct pg_rows *w)
{
	w->data.len = 0;
	w->n = 0;
	w->nrows = 0;
}

static void rows_free(struct pg_rows *w)
{
	buf_free(&w->data);
	free(w->off);
	free(w->len);
	memset(w, 0, sizeof(*w));
}

/* Forget the open cursor of s (the transaction ended, or it was closed). */
static void unlink_cursor(struct pg_stmt *s)
{
	struct pg_stmt **p;

	for (p = &s->c->cursors; *p; p = &(*p)->next_cursor)
		if (*p == s) {
			*p = s->next_cursor;
			break;
		}
	s->next_cursor = NULL;
	s->cursor[0] = '\0';
}

/* Close the cursor of s, if it has one open (quietly: a failed transaction has lost it). */
static void close_cursor(struct pg_stmt *s)
{
	char sql[40];

	if (!s->cursor[0])
		return;
	snprintf(sql, sizeof(sql), "CLOSE %s", s->cursor);
	unlink_cursor(s);
	if (!drain(s->c) && PQtransactionStatus(s->c->conn) == PQTRANS_INTRANS)
		PQclear(PQexec(s->c->conn, sql));
}

void pg_reset(struct pg_stmt *s)
{
	PGresult *r;

	drop_blobs(s);
	if (s->c->streaming == s) {
		/* the rows not read, read and dropped, so that the connection can be used again */
		s->c->streaming = NULL;
		while ((r = PQgetResult(s->c->conn)))
			PQclear(r);
	}
	close_cursor(s);
	PQclear(s->res);
	PQclear(s->rest);
	PQclear(s->shape);
	s->res = s->rest = s->shape = NULL;
	rows_clear(&s->rows);
	rows_clear(&s->more);
	s->run = RUN_NONE;
	s->done = s->err = s->lost = 0;
	s->row = s->nrows = 0;
}

void pg_clear(struct pg_stmt *s)
{
	int i;

	pg_reset(s);
	for (i = 0; i < s->nparams; i++) {
		s->p[i].len = -1; /* null */
		s->p[i].fmt = 0;
		s->p[i].type = 0;
	}
}

void pg_finalize(struct pg_stmt *s)
{
	int i;

	if (!s)
		return;
	pg_reset(s);
	PQclear(s->desc);
	if (s->prepared && s->name[0] && PQstatus(s->c->conn) == CONNECTION_OK) {
		char sql[40];

		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		drain(s->c);
		PQclear(PQexec(s->c->conn, sql));
	}
	for (i = 0; i < s->nparams; i++)
		free(s->p[i].v);
	free(s->p);
	free(s->types);
	rows_free(&s->rows);
	rows_free(&s->more);
	free(s->sql);
	free(s->tsql);
	free(s);
}

int pg_bind_count(struct pg_stmt *s)
{
	return s->nparams;
}

int pg_bind(struct pg_stmt *s, int i, enum store_type t, const void *v, size_t n)
{
	struct pg_param *p;
	char num[32];

	if (i < 1 || i > s->nparams)
		return 0;
	p = &s->p[i - 1];
	p->fmt = 0;
	switch (t) {
	case STORE_NULL:
		p->len = -1;
		p->type = 0;
		return 0;
	case STORE_INT:
		n = (size_t)snprintf(num, sizeof(num), "%lld", (long long)*(const int64_t *)v);
		v = num;
		p->type = OID_INT8;
		break;
	case STORE_REAL:
		n = (size_t)snprintf(num, sizeof(num), "%.17g", *(const double *)v);
		v = num;
		p->type = OID_FLOAT8;
		break;
	case STORE_BLOB:
		p->fmt = 1;
		p->type = OID_BYTEA;
		break;
	default:
		p->type = OID_TEXT;
		break;
	}
	if (p->cap < n + 1) {
		p->cap = n + 1 < 32 ? 32 : n + 1;
		p->v = xrealloc(p->v, p->cap);
	}
	memcpy(p->v, v, n);
	p->v[n] = '\0';
	p->len = (int)n;
	return 0;
}

/* $CASEKIT_SQL_TRACE: a failed statement shows its SQL as the server got it (debugging). */
static void trace(const struct pg_stmt *s)
{
	if (getenv("CASEKIT_SQL_TRACE"))
		fprintf(stderr, "casekit: failed SQL: %s\n", s->tsql);
}

/*
 * Prepare on the server at first use. Parameters are of no type first, so that the server
 * takes each from where it stands (a text column, a number); where it cannot tell (?1 IS NULL)
 * it is told the type of what was bound.
 */
static int server_prepare(struct pg_stmt *s, int quiet)
{
	PGresult *r;
	const char *state;
	/* a failed prepare must not end the caller's transaction, as it does not on SQLite */
	int rc = drain(s->c), sp = pg_in_transaction(s->c);

	if (rc || (sp && (rc = raw_exec(s->c, "SAVEPOINT ck_prep", 0))))
		return rc;
	r = PQprepare(s->c->conn, s->name, s->tsql, s->nparams, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (state && (strcmp(state, "42P18") == 0 || strcmp(state, "42P08") == 0) &&
			s->nparams &&
			(!sp || !raw_exec(s->c, "ROLLBACK TO SAVEPOINT ck_prep", 1))) {
			Oid *types = xcalloc((size_t)s->nparams, sizeof(*types));
			int i;

			for (i = 0; i < s->nparams; i++)
				types[i] =
					s->p[i].len < 0 || !s->p[i].type ? OID_TEXT : s->p[i].type;
			PQclear(r);
			r = PQprepare(s->c->conn, s->name, s->tsql, s->nparams, types);
			free(types);
		}
	}
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = quiet ? keep_error(s->c, r) : report(s->c, r);
		trace(s);
		PQclear(r);
		if (sp)
			raw_exec(s->c, "ROLLBACK TO SAVEPOINT ck_prep; RELEASE SAVEPOINT ck_prep",
				1);
		return rc;
	}
	PQclear(r);
	s->prepared = 1;
	return sp ? raw_exec(s->c, "RELEASE SAVEPOINT ck_prep", 0) : 0;
}

/* The result of a statement that ran whole (RUN_ALL): 0 and its rows, or the EX_* code. */
static int whole_result(struct pg_stmt *s)
{
	ExecStatusType t = PQresultStatus(s->res);
	int rc;

	if (t == PGRES_COMMAND_OK) {
		const char *n = PQcmdTuples(s->res);

		if (n && *n)
			s->c->changes = strtoll(n, NULL, 10);
		s->c->last_rowid = -1;
		s->nrows = 0;
	} else if (t == PGRES_TUPLES_OK) {
		s->nrows = PQntuples(s->res);
		if (strncasecmp(s->tsql, "select", 6) != 0 &&
			strncasecmp(s->tsql, "with", 4) != 0) {
			s->c->changes = s->nrows;
			s->c->last_rowid = -1;
		}
	} else {
		rc = s->adhoc ? keep_error(s->c, s->res) : report(s->c, s->res);
		trace(s);
		pg_reset(s);
		return rc;
	}
	s->row = -1;
	return 0;
}

/* Append row i of r to w. */
static void keep_row(struct pg_rows *w, const PGresult *r, int i)
{
	int k, n = PQnfields(r);

	if (w->n + (size_t)n > w->cap) {
		w->cap = w->n + (size_t)n > 2 * w->cap ? w->n + (size_t)n : 2 * w->cap;
		w->off = xrealloc(w->off, w->cap * sizeof(*w->off));
		w->len = xrealloc(w->len, w->cap * sizeof(*w->len));
	}
	for (k = 0; k < n; k++, w->n++) {
		w->off[w->n] = w->data.len;
		if (PQgetisnull(r, i, k)) {
			w->len[w->n] = -1;
			continue;
		}
		w->len[w->n] = PQgetlength(r, i, k);
		buf_add(&w->data, PQgetvalue(r, i, k), (size_t)w->len[w->n] + 1);
	}
	w->nrows++;
}

/*
 * Read the rows of a stream: the next batch, in place of the one read; or with all, every row
 * still to come, into s->more, so that what the caller holds of the current row stays put. At
 * the end of the result the connection is free again.
 */
static void stream_read(struct pg_stmt *s, int all)
{
	struct pg_rows *w = all ? &s->more : &s->rows;
	PGresult *r;
	int i, end;

	if (!all) {
		rows_clear(w);
		s->row = -1;
	}
	while (!s->done && (all || w->nrows < s->c->batch)) {
		ExecStatusType t;

		r = PQgetResult(s->c->conn);
		t = PQresultStatus(r);
		if (t == PGRES_SINGLE_TUPLE) {
			keep_row(w, r, 0);
			if (!s->shape)
				s->shape = r;
			else
				PQclear(r);
			continue;
		}
		end = r != NULL;
		if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) {
			/* all at once, should single-row mode have been refused */
			for (i = 0; i < PQntuples(r); i++)
				keep_row(w, r, i);
			if (!s->shape) {
				s->shape = r;
				r = NULL;
			}
		} else if (!s->err) {
			/* r NULL: the connection was lost, as libpq tells */
			s->err = s->adhoc ? keep_error(s->c, r) : report(s->c, r);
			trace(s);
		}
		PQclear(r);
		/* the end of the result, after which libpq gives NULL */
		while (end && (r = PQgetResult(s->c->conn)))
			PQclear(r);
		s->done = 1;
		s->c->streaming = NULL;
	}
	if (!all)
		s->nrows = w->nrows;
}

/* The types of the parameters of s, as the server took them when it prepared s. */
static int param_types(struct pg_stmt *s)
{
	PGresult *r;
	int i, rc;

	if ((rc = drain(s->c)))
		return rc;
	r = PQdescribePrepared(s->c->conn, s->name);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = report(s->c, r);
		PQclear(r);
		return rc;
	}
	s->types = xcalloc((size_t)s->nparams + 1, sizeof(*s->types));
	for (i = 0; i < s->nparams && i < PQnparams(r); i++)
		s->types[i] = PQparamtype(r, i);
	if (s->desc)
		PQclear(r);
	else
		s->desc = r;
	return 0;
}

/* The next batch of rows from the cursor of s, in place of res; closed after its last. */
static int fetch(struct pg_stmt *s)
{
	char sql[64];
	PGresult *r;
	int rc;

	snprintf(sql, sizeof(sql), "FETCH FORWARD %d FROM %s", s->c->batch, s->cursor);
	if ((rc = drain(s->c)))
		return rc;
	r = PQexec(s->c->conn, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = s->adhoc ? keep_error(s->c, r) : report(s->c, r);
		PQclear(r);
		unlink_cursor(s);
		return rc;
	}
	PQclear(s->res);
	s->res = r;
	s->nrows = PQntuples(r);
	s->row = -1;
	if (s->nrows < s->c->batch)
		close_cursor(s);
	return 0;
}

/*
 * Run s: the whole result of a write at once; a query's first batch of rows, through a cursor
 * (in a transaction, unless the last run there was small) or in single-row mode (the rest).
 */
static int start(struct pg_stmt *s, const char **vals, const int *lens, const int *fmts)
{
	struct pg *c = s->c;
	PGresult *r;
	char *sql;
	int rc, tx;

	if ((rc = drain(c)) || (!s->adhoc && !s->prepared && (rc = server_prepare(s, 0))))
		return rc;
	tx = PQtransactionStatus(c->conn);
	if (!s->query) {
		s->run = RUN_ALL;
		s->res = s->adhoc
			? PQexecParams(c->conn, s->tsql, s->nparams, NULL, vals, lens, fmts, 0)
			: PQexecPrepared(c->conn, s->name, s->nparams, vals, lens, fmts, 0);
		return whole_result(s);
	}
	if (tx != PQTRANS_INTRANS || s->size == SIZE_SMALL) {
		s->run = RUN_STREAM;
		if (!(s->adhoc ? PQsendQueryParams(
					 c->conn, s->tsql, s->nparams, NULL, vals, lens, fmts, 0)
			       : PQsendQueryPrepared(
					 c->conn, s->name, s->nparams, vals, lens, fmts, 0))) {
			rc = s->adhoc ? keep_error(c, NULL) : report(c, NULL);
			pg_reset(s);
			return rc;
		}
		PQsetSingleRowMode(c->conn);
		c->stream_tx = tx != PQTRANS_IDLE;
		c->streaming = s;
		stream_read(s, 0);
		if (s->err && !s->nrows) {
			rc = s->err;
			pg_reset(s);
			return rc;
		}
		return 0;
	}
	if (!s->adhoc && !s->types && (rc = param_types(s)))
		return rc;
	snprintf(s->cursor, sizeof(s->cursor), "ckc%u", ++c->ncursor);
	sql = xasprintf("DECLARE %s NO SCROLL CURSOR FOR %s", s->cursor, s->tsql);
	r = PQexecParams(c->conn, sql, s->nparams, s->types, vals, lens, fmts, 0);
	free(sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		rc = s->adhoc ? keep_error(c, r) : report(c, r);
		trace(s);
		PQclear(r);
		s->cursor[0] = '\0';
		return rc;
	}
	PQclear(r);
	s->run = RUN_CURSOR;
	s->next_cursor = c->cursors;
	c->cursors = s;
	if ((rc = fetch(s))) {
		pg_reset(s);
		return rc;
	}
	/* one batch was all: the next run in a transaction goes the short way */
	s->size = s->cursor[0] ? SIZE_BIG : SIZE_SMALL;
	return 0;
}

/* The next batch of rows of a running query: STORE_ROW, STORE_DONE, or an EX_* code. */
static int next_batch(struct pg_stmt *s)
{
	struct pg_rows t;
	int rc;

	switch (s->run) {
	case RUN_STREAM:
		if (s->more.nrows) {
			t = s->rows, s->rows = s->more, s->more = t;
			rows_clear(&s->more);
			s->nrows = s->rows.nrows;
			s->row = 0;
			return STORE_ROW;
		}
		if (!s->done) {
			stream_read(s, 0);
			if (s->nrows) {
				s->row = 0;
				return STORE_ROW;
			}
		}
		return s->err ? s->err : STORE_DONE;
	case RUN_CURSOR:
		if (s->rest) {
			PQclear(s->res);
			s->res = s->rest;
			s->rest = NULL;
			s->nrows = PQntuples(s->res);
			s->row = 0;
			if (s->nrows)
				return STORE_ROW;
		}
		if (s->lost)
			return s->adhoc ? EX_SOFTWARE
					: ck_error(EX_SOFTWARE,
						  "%s: the transaction ended before every row of a"
						  " query was read",
						  s->c->uri);
		if (!s->cursor[0])
			return STORE_DONE;
		if ((rc = fetch(s)))
			return rc;
		if (!s->nrows)
			return STORE_DONE;
		s->row = 0;
		return STORE_ROW;
	default:
		return STORE_DONE;
	}
}

int pg_step(struct pg_stmt *s)
{
	if (!s->run) {
		const char **vals = NULL;
		int *lens = NULL, *fmts = NULL, i, rc;

		if (s->nparams) {
			vals = xcalloc((size_t)s->nparams, sizeof(*vals));
			lens = xcalloc((size_t)s->nparams, sizeof(*lens));
			fmts = xcalloc((size_t)s->nparams, sizeof(*fmts));
			for (i = 0; i < s->nparams; i++) {
				vals[i] = s->p[i].len < 0 || !s->p[i].v ? NULL : s->p[i].v;
				lens[i] = s->p[i].len < 0 ? 0 : s->p[i].len;
				fmts[i] = s->p[i].fmt;
			}
		}
		rc = start(s, vals, lens, fmts);
		free(vals);
		free(lens);
		free(fmts);
		if (rc)
			return rc;
	}
	drop_blobs(s);
	if (++s->row < s->nrows)
		return STORE_ROW;
	s->row = s->nrows;
	return next_batch(s);
}

/*
 * The transaction ends (sql is its COMMIT or ROLLBACK): the rows the open cursors have still
 * to give are fetched at a COMMIT, as SQLite's statements go on giving them; at a ROLLBACK
 * they are lost, and a step past those read says so.
 */
static void end_cursors(struct pg *c, const char *sql)
{
	size_t n;
	const char *w = peek_word(sql, &n);
	int commit = w && (word_is(w, n, "commit") || word_is(w, n, "end"));
	char q[48];

	if (!commit && !(w && (word_is(w, n, "rollback") || word_is(w, n, "abort"))))
		return;
	if (!commit && (w = peek_word(w + n, &n)) && word_is(w, n, "to"))
		return;
	while (c->cursors) {
		struct pg_stmt *s = c->cursors;

		unlink_cursor(s);
		if (!commit) {
			s->lost = 1;
			continue;
		}
		snprintf(q, sizeof(q), "FETCH ALL FROM %s", s->cursor);
		s->rest = PQexec(c->conn, q);
		if (PQresultStatus(s->rest) != PGRES_TUPLES_OK) {
			PQclear(s->rest);
			s->rest = NULL;
			s->lost = 1;
		}
	}
}

/* The columns of a statement not yet run: its description from the server. */
static const PGresult *described(struct pg_stmt *s)
{
	const PGresult *r = s->run ? shape_of(s) : NULL;

	if (r)
		return r;
	if (s->desc)
		return s->desc;
	if (!s->prepared && (s->adhoc || server_prepare(s, 1)))
		return NULL;
	if (drain(s->c))
		return NULL;
	s->desc = PQdescribePrepared(s->c->conn, s->name);
	return s->desc;
}

int pg_col_count(struct pg_stmt *s)
{
	const PGresult *r = described(s);

	return r ? PQnfields(r) : 0;
}

const char *pg_col_name(struct pg_stmt *s, int col)
{
	const PGresult *r = described(s);

	return r ? PQfname(r, col) : NULL;
}

/* The value of col in the current row (NULL for null), its length, and its type. */
static const char *value(const struct pg_stmt *s, int col)
{
	size_t k;

	if (s->run != RUN_STREAM)
		return PQgetisnull(s->res, s->row, col) ? NULL : PQgetvalue(s->res, s->row, col);
	k = (size_t)s->row * (size_t)nfields(s) + (size_t)col;
	return s->rows.len[k] < 0 ? NULL : s->rows.data.s + s->rows.off[k];
}

static size_t length(const struct pg_stmt *s, int col)
{
	if (s->run != RUN_STREAM)
		return (size_t)PQgetlength(s->res, s->row, col);
	return (size_t)s->rows.len[(size_t)s->row * (size_t)nfields(s) + (size_t)col];
}

static Oid type_of(const struct pg_stmt *s, int col)
{
	return PQftype(shape_of(s), col);
}

static int has_value(struct pg_stmt *s, int col)
{
	return s->run && s->row >= 0 && s->row < s->nrows && col >= 0 && col < nfields(s) &&
		value(s, col);
}

enum store_type pg_col_type(struct pg_stmt *s, int col)
{
	const char *v;

	if (!has_value(s, col))
		return STORE_NULL;
	switch (type_of(s, col)) {
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
	case OID_BOOL:
		return STORE_INT;
	case OID_FLOAT4:
	case OID_FLOAT8:
		return STORE_REAL;
	case OID_NUMERIC:
		v = value(s, col);
		return strchr(v, '.') ? STORE_REAL : STORE_INT;
	case OID_BYTEA:
		return STORE_BLOB;
	case OID_JSON:
		/* ck_value(): the JSON of a value, typed as SQLite would have it */
		v = value(s, col);
		if (strcmp(v, "null") == 0)
			return STORE_NULL;
		if (*v == '-' || isdigit((unsigned char)*v))
			return strpbrk(v, ".eE") ? STORE_REAL : STORE_INT;
		return STORE_TEXT;
	default:
		return STORE_TEXT;
	}
}

/* The text of a JSON string value ("a\"b" is a"b), malloc'd. */
static char *json_string(const char *v)
{
	struct buf b = { 0 };
	unsigned u;

	buf_adds(&b, "");
	for (v++; *v && *v != '"'; v++) {
		if (*v != '\\') {
			buf_addc(&b, *v);
			continue;
		}
		switch (*++v) {
		case 'n':
			buf_addc(&b, '\n');
			break;
		case 't':
			buf_addc(&b, '\t');
			break;
		case 'r':
			buf_addc(&b, '\r');
			break;
		case 'b':
			buf_addc(&b, '\b');
			break;
		case 'f':
			buf_addc(&b, '\f');
			break;
		case 'u':
			if (sscanf(v + 1, "%4x", &u) != 1)
				break;
			v += 4;
			/* to_json() escapes only control characters this way */
			buf_addc(&b, (char)u);
			break;
		case '\0':
			v--;
			break;
		default:
			buf_addc(&b, *v);
		}
	}
	return buf_detach(&b);
}

const char *pg_col_text(struct pg_stmt *s, int col)
{
	const char *v;

	if (!has_value(s, col))
		return NULL;
	v = value(s, col);
	if (type_of(s, col) == OID_BOOL)
		return v[0] == 't' ? "1" : "0";
	if (type_of(s, col) == OID_BYTEA)
		return pg_col_blob(s, col);
	if (type_of(s, col) == OID_JSON && *v == '"') {
		if (!s->strs)
			s->strs = xcalloc((size_t)nfields(s), sizeof(*s->strs));
		if (!s->strs[col])
			s->strs[col] = json_string(v);
		return s->strs[col];
	}
	return v;
}

const void *pg_col_blob(struct pg_stmt *s, int col)
{
	int n;

	if (!has_value(s, col))
		return NULL;
	if (type_of(s, col) != OID_BYTEA)
		return value(s, col);
	n = nfields(s);
	if (!s->blobs) {
		s->blobs = xcalloc((size_t)n, sizeof(*s->blobs));
		s->blen = xcalloc((size_t)n, sizeof(*s->blen));
	}
	if (!s->blobs[col]) {
		s->blobs[col] =
			PQunescapeBytea((const unsigned char *)value(s, col), &s->blen[col]);
		if (!s->blobs[col])
			ck_die(EX_OSERR, "out of memory");
	}
	return s->blobs[col];
}

size_t pg_col_bytes(struct pg_stmt *s, int col)
{
	if (!has_value(s, col))
		return 0;
	if (type_of(s, col) == OID_BYTEA) {
		pg_col_blob(s, col);
		return s->blen[col];
	}
	if (type_of(s, col) == OID_BOOL)
		return 1;
	if (type_of(s, col) == OID_JSON && *value(s, col) == '"')
		return strlen(pg_col_text(s, col));
	return length(s, col);
}

void pg_copy_field(struct buf *b, const char *v, size_t n)
{
	char *o;
	size_t i;

	if (!v) {
		buf_add(b, "\\N", 2);
		return;
	}
	/* straight into the buffer, with room for every byte escaped: a load's hot loop */
	buf_grow(b, 2 * n);
	o = b->s + b->len;
	for (i = 0; i < n; i++) {
		char ch = v[i];

		switch (ch) {
		case '\\':
			*o++ = '\\', *o++ = '\\';
			break;
		case '\t':
			*o++ = '\\', *o++ = 't';
			break;
		case '\n':
			*o++ = '\\', *o++ = 'n';
			break;
		case '\r':
			*o++ = '\\', *o++ = 'r';
			break;
		default:
			*o++ = ch;
		}
	}
	b->len = (size_t)(o - b->s);
	b->s[b->len] = '\0';
}

/* 1 if the n bytes at name are one of the names of list ("a, b, c"). */
static int in_list(const char *list, const char *name, size_t n)
{
	while (*list) {
		size_t k = strcspn(list, ", ");

		if (k == n && strncmp(list, name, n) == 0)
			return 1;
		list += k;
		list += strspn(list, ", ");
	}
	return 0;
}

struct store_load {
	struct pg *c;
	char *table, *columns, *conflict;
	struct buf data, sent; /* rows being added; rows sent, whose result is not read yet */
	size_t nrows, nsent;
	uint64_t *replaced; /* of the flush in flight */
	int nf;             /* fields of the row being added */
};

/* Start COPY table(columns) FROM STDIN, after prefix (SQL of its own): 0 or EX_*. */
static int copy_begin(struct pg *c, const char *prefix, const char *table, const char *columns)
{
	char *sql = xasprintf("%sCOPY %s(%s) FROM STDIN", prefix, table, columns);
	PGresult *r;
	int rc = 0;

	if ((rc = drain(c))) {
		free(sql);
		return rc;
	}
	r = PQexec(c->conn, sql);
	free(sql);
	if (PQresultStatus(r) != PGRES_COPY_IN)
		rc = report(c, r);
	PQclear(r);
	return rc;
}

/* Send rows to the COPY begun: 0 or EX_*. */
static int copy_data(struct pg *c, const char *data, size_t n)
{
	/* in pieces under 1 GB, libpq's int length */
	while (n) {
		int k = n > (1u << 26) ? 1 << 26 : (int)n;

		if (PQputCopyData(c->conn, data, k) != 1)
			return report(c, NULL);
		data += k;
		n -= (size_t)k;
	}
	return 0;
}

/*
 * End the COPY begun (failed, with why); its result is read by copy_result(), so that the
 * server takes the last rows in while the caller goes on.
 */
static int copy_end(struct pg *c, const char *why)
{
	if (PQputCopyEnd(c->conn, why) != 1 && !why)
		return report(c, NULL);
	return 0;
}

/* The result of the COPY sent; a unique violation is STORE_REFUSED, quietly, when dup_quiet. */
static int copy_result(struct pg *c, int dup_quiet)
{
	PGresult *r;
	int rc = 0;

	while ((r = PQgetResult(c->conn))) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);

		if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc && dup_quiet && state &&
			strcmp(state, "23505") == 0)
			rc = STORE_REFUSED;
		else if (PQresultStatus(r) != PGRES_COMMAND_OK && !rc)
			rc = report(c, r);
		else if (PQresultStatus(r) == PGRES_COMMAND_OK)
			c->changes = strtoll(PQcmdTuples(r), NULL, 10);
		PQclear(r);
	}
	return rc;
}

int pg_copy(struct pg *c, const char *table, const char *columns, const char *data, size_t n)
{
	int rc = copy_begin(c, "", table, columns);

	if (rc)
		return rc;
	rc = copy_data(c, data, n);
	if (copy_end(c, rc ? "casekit stopped" : NULL) && !rc)
		rc = EX_IOERR;
	return rc ? (copy_result(c, 0), rc) : copy_result(c, 0);
}

static int load_upsert(struct store_load *l, uint64_t *replaced);

/*
 * Read the result of the load in flight, if any, before the connection is used again. A load
 * that may replace rows went straight into its table under a savepoint: when a key was taken,
 * its rows go again the long way round (load_upsert()).
 */
static int drain(struct pg *c)
{
	struct store_load *l;
	int rc;

	if (c->streaming) {
		/*
		 * Another statement runs between two rows of a stream: the rest of its rows
		 * are read in first, and its next run in a transaction goes by cursor.
		 */
		struct pg_stmt *s = c->streaming;

		stream_read(s, 1);
		s->size = SIZE_BIG;
	}
	if (c->copying) {
		/* the COPY taking a load's rows ends: its result comes as another's does */
		c->inflight = c->copying;
		c->copying = NULL;
		if ((rc = copy_end(c, NULL)))
			return rc;
	}
	if (!(l = c->inflight))
		return 0;
	c->inflight = NULL;
	rc = copy_result(c, l->conflict != NULL);
	if (l->conflict) {
		if (rc == 0)
			rc = raw_exec(c, "RELEASE SAVEPOINT ck_load", 0);
		else if (rc == STORE_REFUSED &&
			!(rc = raw_exec(c,
				  "ROLLBACK TO SAVEPOINT ck_load; RELEASE SAVEPOINT ck_load", 0)))
			rc = load_upsert(l, l->replaced);
	}
	buf_reset(&l->sent);
	l->nsent = 0;
	return rc;
}

struct store_load *pg_load_new(
	struct pg *c, const char *table, const char *columns, const char *conflict)
{
	struct store_load *l = xcalloc(1, sizeof(*l));

	l->c = c;
	l->table = xstrdup(table);
	l->columns = xstrdup(columns);
	l->conflict =
		conflict ? xstrdup(c->distributed ? citus_key(table, conflict) : conflict) : NULL;
	return l;
}

/* The tab before a field of a load's row, but the first. */
static void load_sep(struct store_load *l)
{
	if (l->nf++) {
		buf_grow(&l->data, 1);
		l->data.s[l->data.len++] = '\t';
		l->data.s[l->data.len] = '\0';
	}
}

void store_load_text(struct store_load *l, const char *v, size_t n)
{
	load_sep(l);
	pg_copy_field(&l->data, v, n);
}

void store_load_textz(struct store_load *l, const char *v)
{
	store_load_text(l, v, v ? strlen(v) : 0);
}

void store_load_int(struct store_load *l, int64_t v)
{
	char t[24];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int k = 0;

	load_sep(l);
	do
		t[k++] = (char)('0' + u % 10);
	while ((u /= 10));
	if (v < 0)
		t[k++] = '-';
	buf_grow(&l->data, (size_t)k);
	while (k)
		l->data.s[l->data.len++] = t[--k];
	l->data.s[l->data.len] = '\0';
}

void store_load_double(struct store_load *l, double v)
{
	load_sep(l);
	/* as pg_bind() writes a bound double: the same value reaches the server */
	buf_addf(&l->data, "%.17g", v);
}

void store_load_blob(struct store_load *l, const void *v, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = v;
	size_t i;

	load_sep(l);
	buf_grow(&l->data, 3 + 2 * n);
	buf_add(&l->data, "\\\\x", 3);
	for (i = 0; i < n; i++) {
		buf_addc(&l->data, digits[p[i] >> 4]);
		buf_addc(&l->data, digits[p[i] & 15]);
	}
}

void store_load_row(struct store_load *l)
{
	buf_grow(&l->data, 1);
	l->data.s[l->data.len++] = '\n';
	l->data.s[l->data.len] = '\0';
	l->nf = 0;
	l->nrows++;
}

/*
 * Rows that may replace rows already there: COPY into a staging table, then one INSERT ...
 * SELECT ... ON CONFLICT DO UPDATE, the last row of each key winning as it would row by row.
 */
static int load_upsert(struct store_load *l, uint64_t *replaced)
{
	struct buf sql = { 0 }, set = { 0 };
	const char *p = l->columns;
	char stage[96];
	PGresult *r;
	int rc;

	snprintf(stage, sizeof(stage), "ck_stage_%s", l->table);
	buf_addf(&sql,
		"CREATE TEMP TABLE IF NOT EXISTS %s AS SELECT %s FROM %s WITH NO DATA; "
		"TRUNCATE %s",
		stage, l->columns, l->table, stage);
	if ((rc = raw_exec(l->c, sql.s, 0)) ||
		(rc = pg_copy(l->c, stage, l->columns, l->sent.s, l->sent.len)))
		goto out;
	while (*p) {
		size_t n = strcspn(p, ", ");

		if (n && !in_list(l->conflict, p, n))
			buf_addf(&set, "%s%.*s = EXCLUDED.%.*s", set.len ? ", " : "", (int)n, p,
				(int)n, p);
		p += n;
		p += strspn(p, ", ");
	}
	buf_reset(&sql);
	buf_addf(&sql,
		"INSERT INTO %s(%s) SELECT %s FROM (SELECT DISTINCT ON (%s) * FROM %s"
		" ORDER BY %s, line DESC) s ORDER BY line ON CONFLICT (%s) DO UPDATE SET %s"
		" RETURNING xmax = 0",
		l->table, l->columns, l->columns, l->conflict, stage, l->conflict, l->conflict,
		set.s);
	r = PQexec(l->c->conn, sql.s);
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		rc = report(l->c, r);
	} else if (replaced) {
		int i, fresh = 0;

		for (i = 0; i < PQntuples(r); i++)
			fresh += PQgetvalue(r, i, 0)[0] == 't';
		*replaced += l->nsent - (uint64_t)fresh;
	}
	PQclear(r);
out:
	buf_free(&sql);
	buf_free(&set);
	return rc;
}

/* What a flush that need not send all waits for: fewer COPYs, but memory stays bounded. */
#define LOAD_CHUNK (1u << 20)

/*
 * What rows of a load that may replace rows one COPY takes at most: all are kept until its
 * result, to go the long way round should a key be taken already.
 */
#define LOAD_KEEP (8u << 20)

int store_load_flush(struct store_load *l, uint64_t *replaced, int all)
{
	struct pg *c;
	int rc = 0;

	if (!l || (!all && l->data.len < LOAD_CHUNK))
		return 0;
	c = l->c;
	if (c->copying != l && (rc = drain(c)))
		goto out;
	l->replaced = replaced;
	if (!l->nrows) {
		if (all && c->copying == l) {
			c->copying = NULL;
			c->inflight = l;
			rc = copy_end(c, NULL);
		}
		goto out;
	}
	if (l->conflict && c->distributed) {
		/*
		 * Citus raises a worker's duplicate key as an internal error, which the quick
		 * try below cannot tell from another: the long way round at once.
		 */
		struct buf t = l->sent;

		l->sent = l->data, l->data = t;
		l->nsent = l->nrows;
		rc = load_upsert(l, replaced);
		buf_reset(&l->sent);
		l->nsent = 0;
		goto out;
	}
	/*
	 * Most loads bring new keys only: straight into the table, under a savepoint; a key
	 * already there sends the rows the long way round (drain()). One COPY takes chunk after
	 * chunk, as the caller makes them, until another statement needs the connection (or
	 * LOAD_KEEP), so that the server is never kept waiting for the next COPY to begin.
	 */
	if (c->copying != l) {
		buf_reset(&l->sent);
		l->nsent = 0;
		if ((rc = copy_begin(
			     c, l->conflict ? "SAVEPOINT ck_load; " : "", l->table, l->columns)))
			goto out;
		c->copying = l;
	}
	rc = copy_data(c, l->data.s, l->data.len);
	if (l->conflict)
		buf_add(&l->sent, l->data.s, l->data.len);
	l->nsent += l->nrows;
	if (!rc && (all || l->sent.len >= LOAD_KEEP)) {
		c->copying = NULL;
		c->inflight = l;
		rc = copy_end(c, NULL);
	}
out:
	buf_reset(&l->data);
	l->nrows = 0;
	l->nf = 0;
	return rc;
}

void store_load_free(struct store_load *l)
{
	if (!l)
		return;
	if (l->c->inflight == l || l->c->copying == l)
		drain(l->c);
	free(l->table);
	free(l->columns);
	free(l->conflict);
	buf_free(&l->data);
	buf_free(&l->sent);
	free(l);
}
