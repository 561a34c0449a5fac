/* query.c - read-only SQL over a store: the runner that query and shell share */
#include "casekit.h"
#include "output.h"
#include "query.h"
#include "store.h"
#include <ctype.h>
#include <strings.h>

static int run_one(struct store *st, struct store_stmt *s, FILE *fp, enum out_format fmt)
{
	struct out *o = NULL;
	int rc;

	while ((rc = store_step(s)) == STORE_ROW) {
		if (!o) {
			o = out_open_query(fp, fmt, s);
			/* -f ids passes typed ids through from the first column. */
			out_set_ids(o, NULL, 0);
		}
		out_query_row(o, s);
	}
	if (rc != STORE_DONE) {
		out_close(o);
		return ck_error(EX_DATAERR, "%s", store_errmsg(st));
	}
	if (!o && store_col_count(s) > 0) {
		o = out_open_query(fp, fmt, s);
		out_set_ids(o, NULL, 0);
	}
	return out_close(o);
}

int query_run(struct store *st, const char *sql, FILE *fp, enum out_format fmt)
{
	struct store_guard *g = store_guard_begin(st);
	struct store_stmt *s;
	int rc = 0, err;

	/* Prepare and run statement by statement: every one is authorized on its own. */
	while (rc == 0 && sql && *sql) {
		if (!(s = store_prepare_adhoc(st, &sql, &err)) && err) {
			if (err == STORE_REFUSED)
				rc = ck_error(EX_DATAERR,
					"refused: only read-only SQL is allowed (%s)",
					store_errmsg(st));
			else
				rc = ck_error(EX_DATAERR, "%s", store_errmsg(st));
			break;
		}
		if (s && !store_stmt_readonly(s))
			rc = ck_error(EX_DATAERR, "refused: only read-only SQL is allowed");
		else if (s)
			rc = run_one(st, s, fp, fmt);
		store_done(s);
	}
	store_guard_end(st, g);
	return rc;
}

int query_is_sql(const char *line)
{
	static const char *const words[] = { "select", "with", "pragma", "explain", NULL };
	size_t n, i;

	while (isspace((unsigned char)*line))
		line++;
	for (n = 0; isalpha((unsigned char)line[n]); n++)
		;
	for (i = 0; words[i]; i++)
		if (strlen(words[i]) == n && strncasecmp(line, words[i], n) == 0)
			return 1;
	return 0;
}

int query_complete(const char *sql)
{
	return store_sql_complete(sql);
}
