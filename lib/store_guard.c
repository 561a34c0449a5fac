/* store_guard.c - the read-only guard of ad-hoc SQL over a SQLite store (query, shell) */
#include "casekit.h"
#include "store.h"
#include "store_db.h"
#include <sqlite3.h>
#include <strings.h>

/* Pragmas that only read; with an argument that sets a value they are refused as well. */
static const char *const read_pragmas[] = {
	"application_id",
	"collation_list",
	"compile_options",
	"data_version",
	"database_list",
	"encoding",
	"foreign_key_check",
	"foreign_key_list",
	"freelist_count",
	"function_list",
	"index_info",
	"index_list",
	"index_xinfo",
	"integrity_check",
	"page_count",
	"page_size",
	"pragma_list",
	"quick_check",
	"schema_version",
	"table_info",
	"table_list",
	"table_xinfo",
	"user_version",
	NULL,
};

/* Pragmas whose argument names a table to read, not a value to set. */
static int pragma_takes_name(const char *p)
{
	return strstr(p, "_info") || strstr(p, "_list") || strstr(p, "_check");
}

/*
 * Built-in functions that reach outside the store: fts3_tokenizer hands out (and, with two
 * arguments, installs) a C function pointer; load_extension runs a shared library.
 */
static const char *const refused_functions[] = {
	"fts3_tokenizer",
	"load_extension",
	NULL,
};

/* The functions ad-hoc SQL may call: SQLite's built-in ones, minus the refused, and ck_*. */
struct store_guard {
	char **names;
	size_t n;
};

static void allow_load(sqlite3 *db, struct store_guard *al)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int i, refused;

	al->names = NULL;
	al->n = 0;
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT name FROM pragma_function_list WHERE builtin",
		    -1, &s, NULL) != SQLITE_OK)
		return;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(s, 0);

		for (refused = 0, i = 0; refused_functions[i]; i++)
			refused |= strcasecmp(name, refused_functions[i]) == 0;
		if (refused)
			continue;
		if (al->n == cap) {
			cap = cap ? 2 * cap : 256;
			al->names = xrealloc(al->names, cap * sizeof(*al->names));
		}
		al->names[al->n++] = xstrdup(name);
	}
	sqlite3_finalize(s);
}

static void allow_free(struct store_guard *al)
{
	size_t i;

	for (i = 0; i < al->n; i++)
		free(al->names[i]);
	free(al->names);
}

static int function_allowed(const struct store_guard *al, const char *name)
{
	size_t i;

	if (strncasecmp(name, "ck_", 3) == 0)
		return 1;
	for (i = 0; i < al->n; i++)
		if (strcasecmp(name, al->names[i]) == 0)
			return 1;
	return 0;
}

static int authorize(
	void *arg, int action, const char *a, const char *b, const char *db, const char *view)
{
	const struct store_guard *al = arg;
	int i;

	(void)db;
	(void)view;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_FUNCTION:
		return b && function_allowed(al, b) ? SQLITE_OK : SQLITE_DENY;
	case SQLITE_PRAGMA:
		for (i = 0; read_pragmas[i]; i++)
			if (strcmp(a, read_pragmas[i]) == 0 && (!b || pragma_takes_name(a)))
				return SQLITE_OK;
		return SQLITE_DENY;
	case SQLITE_UPDATE:
		/*
		 * A table-valued pragma (pragma_table_info('t')) declares its table through a
		 * nested UPDATE of sqlite_master at prepare time; the statement is still refused
		 * below unless it is read-only, and defensive mode keeps the schema from writes.
		 */
		return a && strcmp(a, "sqlite_master") == 0 && !view ? SQLITE_OK : SQLITE_DENY;
	case SQLITE_CREATE_VTABLE:
	case SQLITE_DROP_VTABLE:
		return SQLITE_DENY;
	default:
		return SQLITE_DENY;
	}
}

struct store_guard *store_guard_begin(struct store *st)
{
	sqlite3 *db = store_db(st);
	struct store_guard *g = xcalloc(1, sizeof(*g));

	if (store_pg(st)) {
		/*
		 * On a server the guard is the server's: a read-only transaction, in which a
		 * query has run, so that nothing typed can make it read-write again.
		 */
		store_exec(st, "BEGIN TRANSACTION READ ONLY; SELECT 1");
		return g;
	}

	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	allow_load(db, g);
	sqlite3_set_authorizer(db, authorize, g);
	return g;
}

void store_guard_end(struct store *st, struct store_guard *g)
{
	if (store_pg(st)) {
		store_rollback(st);
		free(g);
		return;
	}
	sqlite3_set_authorizer(store_db(st), NULL, NULL);
	allow_free(g);
	free(g);
}

int store_sql_complete(const char *sql)
{
	return sqlite3_complete(sql);
}
