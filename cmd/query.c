/* query.c - read-only SQL over the store, in any output format */
#include "casekit.h"
#include <sqlite3.h>
#include <unistd.h>

static const char usage[] = "casekit query [-d PATH] [-f FMT] [SQL|-]";
static const char help[] =
	"Run read-only SQL over the case store and print each result in the chosen format.\n"
	"Several statements separated by ';' print one result after another. SQL comes from\n"
	"the operand, or from stdin ('-' or no operand). Anything that would write (insert,\n"
	"create, drop, attach, a pragma that sets a value) is refused and the store is left\n"
	"as it was. Tables are described in casekit-store(5).";

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

static int authorize(
	void *unused, int action, const char *a, const char *b, const char *db, const char *view)
{
	int i;

	(void)unused;
	(void)db;
	(void)view;
	switch (action) {
	case SQLITE_SELECT:
	case SQLITE_READ:
	case SQLITE_FUNCTION:
	case SQLITE_RECURSIVE:
		return SQLITE_OK;
	case SQLITE_PRAGMA:
		for (i = 0; read_pragmas[i]; i++)
			if (strcmp(a, read_pragmas[i]) == 0 && (!b || pragma_takes_name(a)))
				return SQLITE_OK;
		return SQLITE_DENY;
	default:
		return SQLITE_DENY;
	}
}

static char *read_all(FILE *fp)
{
	struct buf b = { 0 };
	char tmp[8192];
	size_t n;

	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(&b, tmp, n);
	if (ferror(fp))
		ck_die(EX_IOERR, "cannot read stdin: %s", strerror(errno));
	return buf_detach(&b);
}

static int run_one(sqlite3 *db, sqlite3_stmt *s, enum out_format fmt)
{
	struct out *o = NULL;
	int rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!o) {
			o = out_open_stmt(stdout, fmt, s);
			/* -f ids passes typed ids through from the first column. */
			out_set_ids(o, NULL, 0);
		}
		out_stmt_row(o, s);
	}
	if (rc != SQLITE_DONE) {
		out_close(o);
		return ck_error(EX_DATAERR, "%s", sqlite3_errmsg(db));
	}
	if (!o && sqlite3_column_count(s) > 0) {
		o = out_open_stmt(stdout, fmt, s);
		out_set_ids(o, NULL, 0);
	}
	return out_close(o);
}

int cmd_query(int argc, char **argv)
{
	struct store *st;
	sqlite3 *db;
	sqlite3_stmt *s;
	const char *sql, *tail;
	char *owned = NULL;
	enum out_format fmt;
	int rc = 0;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_FORMAT,
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc > 1)
		ck_usage_error("give the SQL as one operand (quote it)");
	if (argc == 1 && strcmp(argv[0], "-") != 0) {
		sql = argv[0];
	} else {
		if (argc == 0 && isatty(STDIN_FILENO))
			ck_usage_error("no SQL given");
		sql = owned = read_all(stdin);
	}
	if ((rc = store_open(&st, NULL, STORE_READONLY))) {
		free(owned);
		return rc;
	}
	db = store_db(st);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
	sqlite3_set_authorizer(db, authorize, NULL);
	fmt = out_format_for(stdout);
	/* Prepare and run statement by statement: every one is authorized on its own. */
	while (rc == 0 && sql && *sql) {
		if (sqlite3_prepare_v2(db, sql, -1, &s, &tail) != SQLITE_OK) {
			if (sqlite3_errcode(db) == SQLITE_AUTH)
				rc = ck_error(EX_DATAERR,
					"refused: only read-only SQL is allowed (%s)",
					sqlite3_errmsg(db));
			else
				rc = ck_error(EX_DATAERR, "%s", sqlite3_errmsg(db));
			break;
		}
		if (s && !sqlite3_stmt_readonly(s))
			rc = ck_error(EX_DATAERR, "refused: only read-only SQL is allowed");
		else if (s)
			rc = run_one(db, s, fmt);
		sqlite3_finalize(s);
		sql = tail;
	}
	store_close(st);
	free(owned);
	return rc;
}
