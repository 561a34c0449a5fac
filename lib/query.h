/* query.h - read-only SQL over a store: the runner that query and shell share */
#ifndef CASEKIT_QUERY_H
#define CASEKIT_QUERY_H
#include <stdio.h>
#include "output.h"

struct store;

/*
 * Run sql (one statement or several, separated by ';') over st, each statement prepared and
 * authorized on its own, and print each result to fp in format fmt. Anything that would write
 * (insert, create, drop, attach, a pragma that sets a value) is refused before it runs. The
 * guard stays on st's handle afterwards. Returns 0, or prints one message and returns
 * EX_DATAERR (refused or bad SQL) or EX_IOERR (a failed write).
 */
int query_run(struct store *st, const char *sql, FILE *fp, enum out_format fmt);
/* 1 if line, after white space, starts with a word that opens read-only SQL (select, with,
 * pragma, explain; any case), so the shell takes it as SQL rather than an applet call. */
int query_is_sql(const char *line);
/* 1 if sql ends with a complete statement (a ';' outside quotes, comments and triggers). */
int query_complete(const char *sql);
#endif
