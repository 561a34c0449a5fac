/* shell.c - the engine of casekit shell: words, SQL up to its ';', dot-commands, completion */
#include "casekit.h"
#include "complete.h"
#include "output.h"
#include "query.h"
#include "shell.h"
#include "store.h"
#include <ctype.h>
#include <strings.h>
#include <unistd.h>

static const char dot_help[] =
	"  APPLET [ARGS]      run a casekit applet (casekit help lists them)\n"
	"  select ... ;       read-only SQL (also with, pragma, explain); may span lines\n"
	"  .case [ID|-]       show or set the current case (CASEKIT_CASE); '-' clears it\n"
	"  .format [FMT]      show or set the output format: " OUT_FORMAT_NAMES "\n"
	"  .help              this help\n"
	"  .quit              leave the shell (also .exit, or end of input)\n";

static const char *const dot_cmds[] = { ".case", ".exit", ".format", ".help", ".quit", NULL };
static const char *const sql_words[] = { "explain", "pragma", "select", "with", NULL };
/* SQL that writes: sent to the read-only runner all the same, so that it is refused as SQL. */
static const char *const sql_writes[] = { "alter", "analyze", "attach", "begin", "commit", "create",
	"delete", "detach", "drop", "end", "insert", "reindex", "release", "replace", "rollback",
	"savepoint", "update", "vacuum", NULL };
static const char *const formats[] = { "table", "csv", "tsv", "json", "ndjson", "ids", NULL };

void shell_words_add(struct shell_words *w, const char *s)
{
	if (w->n + 2 > w->cap) {
		w->cap = w->cap ? w->cap * 2 : 16;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n++] = xstrdup(s);
	w->v[w->n] = NULL;
}

void shell_words_free(struct shell_words *w)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

void shell_free(struct shell *sh)
{
	buf_free(&sh->sql);
	free(sh->fmt);
	free(sh->case_id);
	sh->fmt = sh->case_id = NULL;
}

int shell_split(const char *p, struct shell_words *out)
{
	struct buf w = { 0 };

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		buf_reset(&w);
		while (*p && *p != ' ' && *p != '\t') {
			if (*p == '\'') {
				const char *e = strchr(p + 1, '\'');

				if (!e)
					goto open_quote;
				buf_add(&w, p + 1, (size_t)(e - p - 1));
				p = e + 1;
			} else if (*p == '"') {
				for (p++; *p && *p != '"'; p++) {
					if (*p == '\\' && p[1] && strchr("\\\"$`", p[1]))
						p++;
					buf_addc(&w, *p);
				}
				if (!*p)
					goto open_quote;
				p++;
			} else if (*p == '\\' && p[1]) {
				buf_addc(&w, p[1]);
				p += 2;
			} else if (strchr("|<>;&", *p)) {
				buf_free(&w);
				return ck_error(EX_USAGE,
					"'%c': pipes, redirections and command lists are not run here; "
					"quote it to pass it on, or run the line from your shell with "
					"'casekit' before the applet",
					*p);
			} else {
				buf_addc(&w, *p++);
			}
		}
		shell_words_add(out, w.s ? w.s : "");
	}
	buf_free(&w);
	return 0;
open_quote:
	buf_free(&w);
	return ck_error(EX_USAGE, "a quote is not closed");
}

int shell_is_sql(const char *line)
{
	size_t n, i;

	if (query_is_sql(line))
		return 1;
	while (isspace((unsigned char)*line))
		line++;
	for (n = 0; isalpha((unsigned char)line[n]); n++)
		;
	if (line[n] && !isspace((unsigned char)line[n]) && line[n] != ';')
		return 0;
	for (i = 0; sql_writes[i]; i++)
		if (strlen(sql_writes[i]) == n && strncasecmp(line, sql_writes[i], n) == 0)
			return 1;
	return 0;
}

/* 1 if an applet line already chooses a format (-f, --format, -qf). */
static int has_format_arg(const struct shell_words *w)
{
	size_t i;

	for (i = 1; i < w->n; i++) {
		const char *a = w->v[i];

		if (strcmp(a, "--") == 0)
			break;
		if (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0 ||
			(a[0] == '-' && a[1] != '-' && strchr(a, 'f')))
			return 1;
	}
	return 0;
}

static int is_applet(const struct shell *sh, const char *name)
{
	const char *const *a;

	for (a = sh->applets; a && *a; a++)
		if (strcmp(*a, name) == 0)
			return 1;
	return 0;
}

static const char *applet_list(struct shell *sh, const char *applet, const char *flag)
{
	if (!is_applet(sh, applet) || !sh->applet_list)
		return NULL;
	return sh->applet_list(sh, applet, flag);
}

void shell_applet_argv(struct shell *sh, const struct shell_words *w, struct shell_words *argv)
{
	const char *opts;
	size_t i;

	shell_words_add(argv, "casekit");
	shell_words_add(argv, w->v[0]);
	/* Only an applet that takes --format gets .format's, and only if the line sets none. */
	if (sh->fmt && !has_format_arg(w) && (opts = applet_list(sh, w->v[0], "--list-options")) &&
		strstr(opts, " --format ")) {
		shell_words_add(argv, "-f");
		shell_words_add(argv, sh->fmt);
	}
	for (i = 1; i < w->n; i++)
		shell_words_add(argv, w->v[i]);
}

int shell_run_sql(struct shell *sh, const char *sql)
{
	struct store *st;
	int rc;

	ck.format = sh->fmt;
	if ((rc = store_open(&st, NULL, STORE_READONLY)))
		return rc;
	sh->running = st;
	rc = query_run(st, sql, stdout, out_format_for(stdout));
	sh->running = NULL;
	store_close(st);
	fflush(stdout);
	return rc;
}

int shell_dot(struct shell *sh, const struct shell_words *w)
{
	const char *cmd = w->v[0];
	FILE *out = sh->out ? sh->out : stdout;

	if (strcmp(cmd, ".quit") == 0 || strcmp(cmd, ".exit") == 0)
		return SHELL_QUIT;
	if (strcmp(cmd, ".help") == 0) {
		fputs(dot_help, out);
		return 0;
	}
	if (strcmp(cmd, ".format") == 0) {
		if (w->n == 1) {
			fprintf(out, "%s\n",
				sh->fmt ? sh->fmt : "default (table on a terminal, else tsv)");
			return 0;
		}
		if (w->n > 2 || out_format_parse(w->v[1]) < 0)
			return ck_error(EX_USAGE, "usage: .format %s", OUT_FORMAT_NAMES);
		free(sh->fmt);
		sh->fmt = xstrdup(w->v[1]);
		return 0;
	}
	if (strcmp(cmd, ".case") == 0) {
		if (w->n == 1) {
			fprintf(out, "%s\n", sh->case_id ? sh->case_id : "no current case");
			return 0;
		}
		if (w->n > 2 || !*w->v[1])
			return ck_error(EX_USAGE, "usage: .case CASE-ID (or '-' to clear it)");
		free(sh->case_id);
		sh->case_id = NULL;
		if (strcmp(w->v[1], "-") == 0) {
			unsetenv("CASEKIT_CASE");
		} else {
			sh->case_id = xstrdup(w->v[1]);
			setenv("CASEKIT_CASE", sh->case_id, 1);
		}
		return 0;
	}
	return ck_error(EX_USAGE, "unknown command '%s'; try '.help'", cmd);
}

int shell_line(struct shell *sh, const char *line)
{
	struct shell_words w = { 0 };
	const char *p = line;
	int rc;

	if (sh->sql.len || shell_is_sql(line)) {
		if (!sh->sql.len)
			sh->sql_line = sh->lineno;
		buf_adds(&sh->sql, line);
		buf_addc(&sh->sql, '\n');
		if (!query_complete(sh->sql.s))
			return 0;
		sh->cmd_line = sh->sql_line;
		rc = sh->run_sql(sh, sh->sql.s);
		buf_reset(&sh->sql);
		return rc;
	}
	sh->cmd_line = sh->lineno;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	if ((rc = shell_split(p, &w)) != 0)
		;
	else if (w.n == 0)
		rc = 0;
	else if (w.v[0][0] == '.')
		rc = shell_dot(sh, &w);
	else
		rc = sh->run_applet(sh, &w);
	shell_words_free(&w);
	return rc;
}

void shell_prompt(const struct shell *sh, char *out, size_t size)
{
	if (sh->sql.len)
		snprintf(out, size, "   ...> ");
	else if (sh->case_id)
		snprintf(out, size, "casekit [%.100s]> ", sh->case_id);
	else
		snprintf(out, size, "casekit> ");
}

/* --- completion --- */

static void add_cand(const char *s, void *arg)
{
	shell_words_add(arg, s);
}

static void add_matching(struct shell_words *cands, const char *const *list, const char *text)
{
	for (; list && *list; list++)
		if (strncmp(*list, text, strlen(text)) == 0)
			shell_words_add(cands, *list);
}

/* The values of a completion kind (complete.h) that start with text; ids from the store. */
static void add_values(struct shell_words *cands, const char *kind, const char *text)
{
	struct store *st = NULL;

	if (strcmp(kind, "kind") != 0 && strcmp(kind, "profile") != 0)
		st = complete_open();
	complete_values(st, kind, text, 200, add_cand, cands);
	store_close(st);
}

/* The next line of a --list-* text, or NULL at its end. */
static const char *next_line(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl && nl[1] ? nl + 1 : NULL;
}

/* 1 if opt is an option of the applet that takes a value (opts: its --list-options). */
static int takes_value(const char *opts, const char *opt)
{
	const char *p;
	char s[64], l[64], arg[64];

	for (p = *opts ? opts : NULL; p; p = next_line(p))
		if (sscanf(p, "%63s %63s %63s", s, l, arg) == 3 &&
			(strcmp(opt, s) == 0 || strcmp(opt, l) == 0))
			return strcmp(arg, "-") != 0;
	return 0;
}

/*
 * For an applet with subcommands (--list-subcommands: "show CASE"), the first operand is one
 * of them and a CASE after it a case id. 1 when that was the operand to complete.
 */
static int complete_subcommand(struct shell *sh, const char *applet, const char *opts,
	const struct shell_words *words, const char *text, struct shell_words *cands)
{
	const char *subs = applet_list(sh, applet, "--list-subcommands"), *p, *first = NULL;
	char name[64], what[64];
	size_t i, nops = 0;

	if (!subs || !*subs)
		return 0;
	for (i = 1; i < words->n; i++) {
		if (words->v[i][0] == '-' && words->v[i][1]) {
			i += !strchr(words->v[i], '=') && takes_value(opts, words->v[i]);
			continue;
		}
		if (!nops++)
			first = words->v[i];
	}
	for (p = subs; p; p = next_line(p)) {
		if (sscanf(p, "%63s %63s", name, what) != 2)
			continue;
		if (nops == 0 && strncmp(name, text, strlen(text)) == 0)
			shell_words_add(cands, name);
		else if (nops == 1 && strcmp(name, first) == 0) {
			if (strcmp(what, "CASE") != 0)
				return 0;
			add_values(cands, "case", text);
			return 1;
		}
	}
	return nops == 0;
}

/*
 * An applet's options, as --list-options prints them ("-f --format FMT table|csv"), the
 * values of the option before text, its subcommands or an operand. 1 for "a file name too".
 */
static int complete_applet(struct shell *sh, const struct shell_words *words, const char *text,
	struct shell_words *cands)
{
	const char *applet = words->v[0], *prev = words->v[words->n - 1];
	const char *opts = applet_list(sh, applet, "--list-options"), *p;
	char s[64], l[64], arg[64], choices[256];

	if (!opts)
		return 0;
	for (p = *opts ? opts : NULL; p; p = next_line(p)) {
		if (sscanf(p, "%63s %63s %63s %255s", s, l, arg, choices) != 4 ||
			strcmp(arg, "-") == 0 || (strcmp(prev, s) && strcmp(prev, l)))
			continue;
		if (strcmp(choices, "-") != 0) {
			char *c, *save = NULL;

			for (c = strtok_r(choices, "|", &save); c; c = strtok_r(NULL, "|", &save))
				if (strncmp(c, text, strlen(text)) == 0)
					shell_words_add(cands, c);
		} else if (complete_kind_for(l, arg)) {
			add_values(cands, complete_kind_for(l, arg), text);
		} else {
			return 1;
		}
		return 0;
	}
	if (text[0] == '-') {
		for (p = *opts ? opts : NULL; p; p = next_line(p)) {
			if (sscanf(p, "%63s %63s", s, l) != 2)
				continue;
			if (strncmp(l, text, strlen(text)) == 0)
				shell_words_add(cands, l);
			else if (strcmp(s, "-") && strncmp(s, text, strlen(text)) == 0)
				shell_words_add(cands, s);
		}
		return 0;
	}
	if (complete_subcommand(sh, applet, opts, words, text, cands))
		return 0;
	/* An operand: ids from the store, else a file name. */
	add_values(cands, "any", text);
	return cands->n == 0;
}

int shell_complete(struct shell *sh, const char *line, size_t start, const char *text,
	struct shell_words *cands)
{
	struct shell_words words = { 0 };
	char *before = xstrndup(line, start), *tok, *save = NULL;
	int files = 0;

	for (tok = strtok_r(before, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		shell_words_add(&words, tok);
	if (sh->sql.len || (words.n && shell_is_sql(line))) {
		add_values(cands, "table", text);
	} else if (words.n == 0) {
		if (text[0] == '.') {
			add_matching(cands, dot_cmds, text);
		} else {
			add_matching(cands, sh->applets, text);
			if (strncmp("help", text, strlen(text)) == 0)
				shell_words_add(cands, "help");
			add_matching(cands, sql_words, text);
		}
	} else if (strcmp(words.v[0], ".format") == 0 && words.n == 1) {
		add_matching(cands, formats, text);
	} else if (strcmp(words.v[0], ".case") == 0 && words.n == 1) {
		add_values(cands, "case", text);
	} else if (strcmp(words.v[0], "help") == 0 && words.n == 1) {
		add_matching(cands, sh->applets, text);
	} else if (words.v[0][0] != '.') {
		files = complete_applet(sh, &words, text, cands);
	}
	shell_words_free(&words);
	free(before);
	return files;
}
