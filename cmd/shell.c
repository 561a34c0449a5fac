/* shell.c - the investigator's shell: applets, read-only SQL and dot-commands, with readline */
#include "casekit.h"
#include "commands.h"
#include "complete.h"
#include "opt.h"
#include "output.h"
#include "query.h"
#include "store.h"
#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>

static const char usage[] = "casekit shell [-d PATH]";
static const char help[] =
	"An interactive shell over the case store. A line is an applet call without the 'casekit'\n"
	"prefix (link --explain S1 S2; words split with shell-like quoting), read-only SQL (a line\n"
	"starting with select, with, pragma or explain, up to a ';'; it may span lines), or a\n"
	"dot-command (.help, .format FMT, .case CASE-ID, .quit). Each applet runs in its own\n"
	"process; Ctrl-C stops it, not the shell. Tab completes applets, options, their values\n"
	"and ids from the store. When stdin is not a terminal the lines run as a script, without\n"
	"prompts, and the first failing line ends it with that line's exit status.";

static const char dot_help[] =
	"  APPLET [ARGS]      run a casekit applet (casekit help lists them)\n"
	"  select ... ;       read-only SQL (also with, pragma, explain); may span lines\n"
	"  .case [ID|-]       show or set the current case (CASEKIT_CASE); '-' clears it\n"
	"  .format [FMT]      show or set the output format: " OUT_FORMAT_NAMES "\n"
	"  .help              this help\n"
	"  .quit              leave the shell (also .exit, or end of input)\n";

static const char *const applet_names[] = {
#define CK_CMD(name, desc) #name,
#include "commands.def"
#undef CK_CMD
	NULL,
};

static const char *const dot_cmds[] = { ".case", ".exit", ".format", ".help", ".quit", NULL };
static const char *const sql_words[] = { "explain", "pragma", "select", "with", NULL };
/* SQL that writes: sent to the read-only runner all the same, so that it is refused as SQL. */
static const char *const sql_writes[] = { "alter", "analyze", "attach", "begin", "commit", "create",
	"delete", "detach", "drop", "end", "insert", "reindex", "release", "replace", "rollback",
	"savepoint", "update", "vacuum", NULL };

#define SHELL_QUIT (-1)

static struct {
	int interactive;
	char *fmt;                       /* .format, or NULL for the default */
	char *case_id;                   /* .case, exported as CASEKIT_CASE */
	struct buf sql;                  /* SQL read so far, until a ';' ends it */
	long lineno, sql_line, cmd_line; /* cmd_line: where the last command began */
	char prompt[160];
} sh;

/* What an applet's --list-options and --list-subcommands print, asked once and kept. */
static struct {
	char *applet, *flag, *text;
} opt_cache[64];

/* A NULL-terminated list of strings that grows. */
struct strv {
	char **v;
	size_t n, cap;
};

static void strv_add(struct strv *sv, const char *s)
{
	if (sv->n + 2 > sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 16;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	sv->v[sv->n++] = xstrdup(s);
	sv->v[sv->n] = NULL;
}

static void strv_free(struct strv *sv)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	memset(sv, 0, sizeof(*sv));
}

static int is_applet(const char *name)
{
	size_t i;

	for (i = 0; applet_names[i]; i++)
		if (strcmp(applet_names[i], name) == 0)
			return 1;
	return 0;
}

/*
 * Split a line into words as a POSIX shell would, without expansions: 'single quotes' keep
 * everything, "double quotes" let a backslash escape \ " $ and `, and a backslash outside
 * quotes keeps the next character. An unquoted | < > ; or & is refused: this is not a shell
 * that runs pipelines. Returns 0, or -1 after reporting the problem.
 */
static int split_words(const char *p, struct strv *out)
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
				ck_error(EX_USAGE,
					"'%c': pipes, redirections and command lists are not run here; "
					"quote it to pass it on, or run the line from your shell with "
					"'casekit' before the applet",
					*p);
				return -1;
			} else {
				buf_addc(&w, *p++);
			}
		}
		strv_add(out, w.s ? w.s : "");
	}
	buf_free(&w);
	return 0;
open_quote:
	buf_free(&w);
	ck_error(EX_USAGE, "a quote is not closed");
	return -1;
}

/* The casekit binary itself, so that applets run from the same build as the shell. */
static void exec_self(char **argv)
{
	execv("/proc/self/exe", argv);
	if (ck.argv && ck.argv[0] && strchr(ck.argv[0], '/'))
		execv(ck.argv[0], argv);
	execvp("casekit", argv);
	fprintf(stderr, "casekit shell: cannot run casekit: %s\n", strerror(errno));
	_exit(127);
}

/* Run `casekit APPLET FLAG` (a --list-* flag) and keep what it printed; NULL for no such applet. */
static const char *applet_list(const char *applet, const char *flag)
{
	struct buf b = { 0 };
	char tmp[4096], *argv[4];
	int fds[2], status;
	size_t i;
	ssize_t n;
	pid_t pid;

	if (!is_applet(applet))
		return NULL;
	for (i = 0; i < sizeof(opt_cache) / sizeof(*opt_cache) && opt_cache[i].applet; i++)
		if (strcmp(opt_cache[i].applet, applet) == 0 &&
			strcmp(opt_cache[i].flag, flag) == 0)
			return opt_cache[i].text;
	if (i == sizeof(opt_cache) / sizeof(*opt_cache) || pipe(fds) != 0)
		return NULL;
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(fds[1], STDOUT_FILENO);
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDERR_FILENO);
		}
		close(fds[0]);
		close(fds[1]);
		argv[0] = "casekit";
		argv[1] = (char *)applet;
		argv[2] = (char *)flag;
		argv[3] = NULL;
		exec_self(argv);
	}
	close(fds[1]);
	while ((n = read(fds[0], tmp, sizeof(tmp))) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			buf_add(&b, tmp, (size_t)n);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	opt_cache[i].applet = xstrdup(applet);
	opt_cache[i].flag = xstrdup(flag);
	opt_cache[i].text = b.s ? buf_detach(&b) : xstrdup("");
	return opt_cache[i].text;
}

static const char *applet_options(const char *applet)
{
	return applet_list(applet, "--list-options");
}

/* 1 if the applet's option list has --format, so that .format can be passed on to it. */
static int takes_format(const char *applet)
{
	const char *opts = applet_options(applet);

	return opts && strstr(opts, " --format ");
}

static int has_format_arg(const struct strv *w)
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

/* Run one applet line in a child: it may exit, and Ctrl-C must stop it, not the shell. */
static int run_applet(struct strv *w)
{
	struct sigaction ign = { 0 }, old_int, old_quit;
	struct strv argv = { 0 };
	int status = 0, rc;
	size_t i;
	pid_t pid;

	strv_add(&argv, "casekit");
	strv_add(&argv, w->v[0]);
	if (sh.fmt && is_applet(w->v[0]) && !has_format_arg(w) && takes_format(w->v[0])) {
		strv_add(&argv, "-f");
		strv_add(&argv, sh.fmt);
	}
	for (i = 1; i < w->n; i++)
		strv_add(&argv, w->v[i]);
	fflush(NULL);
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	if ((pid = fork()) < 0) {
		rc = ck_error(EX_OSERR, "cannot fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		/* In a script stdin is the script: an applet must not eat the lines after it. */
		if (!sh.interactive) {
			int null = open("/dev/null", O_RDONLY);

			if (null >= 0)
				dup2(null, STDIN_FILENO);
		}
		exec_self(argv.v);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			rc = ck_error(
				EX_OSERR, "cannot wait for '%s': %s", w->v[0], strerror(errno));
			goto out;
		}
	if (WIFSIGNALED(status)) {
		rc = 128 + WTERMSIG(status);
		if (WTERMSIG(status) == SIGINT)
			fputc('\n', stderr);
	} else {
		rc = WEXITSTATUS(status);
	}
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	strv_free(&argv);
	return rc;
}

/* The store SQL is running on, so that Ctrl-C can interrupt it. */
static struct store *volatile running_st;

static int run_sql(const char *sql)
{
	struct store *st;
	int rc;

	ck.format = sh.fmt;
	if ((rc = store_open(&st, NULL, STORE_READONLY)))
		return rc;
	running_st = st;
	rc = query_run(st, sql, stdout, out_format_for(stdout));
	running_st = NULL;
	store_close(st);
	fflush(stdout);
	return rc;
}

static int dot_command(struct strv *w)
{
	const char *cmd = w->v[0];

	if (strcmp(cmd, ".quit") == 0 || strcmp(cmd, ".exit") == 0)
		return SHELL_QUIT;
	if (strcmp(cmd, ".help") == 0) {
		fputs(dot_help, stdout);
		return 0;
	}
	if (strcmp(cmd, ".format") == 0) {
		if (w->n == 1) {
			printf("%s\n", sh.fmt ? sh.fmt : "default (table on a terminal, else tsv)");
			return 0;
		}
		if (w->n > 2 || out_format_parse(w->v[1]) < 0)
			return ck_error(EX_USAGE, "usage: .format %s", OUT_FORMAT_NAMES);
		free(sh.fmt);
		sh.fmt = xstrdup(w->v[1]);
		return 0;
	}
	if (strcmp(cmd, ".case") == 0) {
		if (w->n == 1) {
			printf("%s\n", sh.case_id ? sh.case_id : "no current case");
			return 0;
		}
		if (w->n > 2 || !*w->v[1])
			return ck_error(EX_USAGE, "usage: .case CASE-ID (or '-' to clear it)");
		free(sh.case_id);
		sh.case_id = NULL;
		if (strcmp(w->v[1], "-") == 0) {
			unsetenv("CASEKIT_CASE");
		} else {
			sh.case_id = xstrdup(w->v[1]);
			setenv("CASEKIT_CASE", sh.case_id, 1);
		}
		return 0;
	}
	return ck_error(EX_USAGE, "unknown command '%s'; try '.help'", cmd);
}

static void set_prompt(void)
{
	if (sh.sql.len)
		snprintf(sh.prompt, sizeof(sh.prompt), "   ...> ");
	else if (sh.case_id)
		snprintf(sh.prompt, sizeof(sh.prompt), "casekit [%.100s]> ", sh.case_id);
	else
		snprintf(sh.prompt, sizeof(sh.prompt), "casekit> ");
}

/* 1 if line opens SQL: read-only SQL, or a statement that writes (to be refused as such). */
static int is_sql(const char *line)
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

/* One line of input: more SQL, a dot-command or an applet call. */
static int handle_line(const char *line)
{
	struct strv w = { 0 };
	const char *p = line;
	int rc = 0;

	if (sh.sql.len || is_sql(line)) {
		if (!sh.sql.len)
			sh.sql_line = sh.lineno;
		buf_adds(&sh.sql, line);
		buf_addc(&sh.sql, '\n');
		if (!query_complete(sh.sql.s))
			return 0;
		sh.cmd_line = sh.sql_line;
		rc = run_sql(sh.sql.s);
		buf_reset(&sh.sql);
		return rc;
	}
	sh.cmd_line = sh.lineno;
	while (isspace((unsigned char)*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	if (split_words(p, &w) != 0) {
		strv_free(&w);
		return EX_USAGE;
	}
	if (w.n == 0)
		rc = 0;
	else if (w.v[0][0] == '.')
		rc = dot_command(&w);
	else
		rc = run_applet(&w);
	strv_free(&w);
	return rc;
}

/* --- completion --- */

static struct strv cands;

static void add_cand(const char *s, void *arg)
{
	(void)arg;
	strv_add(&cands, s);
}

static void add_matching(const char *const *list, const char *text)
{
	for (; *list; list++)
		if (strncmp(*list, text, strlen(text)) == 0)
			strv_add(&cands, *list);
}

static char *next_cand(const char *text, int state)
{
	static size_t i;

	(void)text;
	if (state == 0)
		i = 0;
	return i < cands.n ? xstrdup(cands.v[i++]) : NULL;
}

static void add_values(const char *kind, const char *text)
{
	struct store *st = NULL;
	const char *path = ck.db ? ck.db : store_default_path();

	if (strcmp(kind, "kind") != 0 && strcmp(kind, "profile") != 0 && access(path, R_OK) == 0 &&
		store_open(&st, path, STORE_READONLY) != 0)
		st = NULL;
	complete_values(st, kind, text, 200, add_cand, NULL);
	store_close(st);
}

/* 1 if opt is an option of the applet that takes a value (opts: its --list-options). */
static int takes_value(const char *opts, const char *opt)
{
	const char *p;
	char s[64], l[64], arg[64];

	for (p = opts; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		if (sscanf(p, "%63s %63s %63s", s, l, arg) == 3 &&
			(strcmp(opt, s) == 0 || strcmp(opt, l) == 0))
			return strcmp(arg, "-") != 0;
	return 0;
}

/*
 * For an applet with subcommands (--list-subcommands: "show CASE"), the first operand is one
 * of them and a CASE after it a case id. 1 when that was the operand to complete.
 */
static int complete_subcommand(
	const char *applet, const char *opts, const struct strv *words, const char *text)
{
	const char *subs = applet_list(applet, "--list-subcommands"), *p, *first = NULL;
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
	for (p = subs; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		if (sscanf(p, "%63s %63s", name, what) != 2)
			continue;
		if (nops == 0 && strncmp(name, text, strlen(text)) == 0)
			strv_add(&cands, name);
		else if (nops == 1 && strcmp(name, first) == 0) {
			if (strcmp(what, "CASE") != 0)
				return 0;
			add_values("case", text);
			return 1;
		}
	}
	return nops == 0;
}

/* The options of an applet, as --list-options prints them: "-f --format FMT table|csv". */
static void complete_applet(
	const char *applet, const struct strv *words, const char *prev, const char *text)
{
	const char *opts = applet_options(applet), *p;
	char s[64], l[64], arg[64], choices[256];

	if (!opts)
		return;
	for (p = opts; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		if (sscanf(p, "%63s %63s %63s %255s", s, l, arg, choices) != 4 ||
			strcmp(arg, "-") == 0 || !prev || (strcmp(prev, s) && strcmp(prev, l)))
			continue;
		if (strcmp(choices, "-") != 0) {
			char *c, *save = NULL;

			for (c = strtok_r(choices, "|", &save); c; c = strtok_r(NULL, "|", &save))
				if (strncmp(c, text, strlen(text)) == 0)
					strv_add(&cands, c);
		} else if (complete_kind_for(l, arg)) {
			add_values(complete_kind_for(l, arg), text);
		} else {
			rl_attempted_completion_over = 0; /* a file name */
		}
		return;
	}
	if (text[0] == '-') {
		for (p = opts; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
			if (sscanf(p, "%63s %63s", s, l) != 2)
				continue;
			if (strncmp(l, text, strlen(text)) == 0)
				strv_add(&cands, l);
			else if (strcmp(s, "-") && strncmp(s, text, strlen(text)) == 0)
				strv_add(&cands, s);
		}
		return;
	}
	/* The subcommand (case show), then what it names (a case id). */
	if (complete_subcommand(applet, opts, words, text))
		return;
	/* An operand: ids from the store, else a file name. */
	add_values("any", text);
	if (!cands.n)
		rl_attempted_completion_over = 0;
}

static char **complete(const char *text, int start, int end)
{
	struct strv words = { 0 };
	char *before = xstrndup(rl_line_buffer, (size_t)start), *tok, *save = NULL;
	char **m = NULL;

	(void)end;
	strv_free(&cands);
	rl_attempted_completion_over = 1;
	for (tok = strtok_r(before, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save))
		strv_add(&words, tok);
	if (sh.sql.len || (words.n && is_sql(rl_line_buffer))) {
		add_values("table", text);
	} else if (words.n == 0) {
		if (text[0] == '.') {
			add_matching(dot_cmds, text);
		} else {
			add_matching(applet_names, text);
			if (strncmp("help", text, strlen(text)) == 0)
				strv_add(&cands, "help");
			add_matching(sql_words, text);
		}
	} else if (strcmp(words.v[0], ".format") == 0 && words.n == 1) {
		static const char *const fmts[] = { "table", "csv", "tsv", "json", "ndjson", "ids",
			NULL };

		add_matching(fmts, text);
	} else if (strcmp(words.v[0], ".case") == 0 && words.n == 1) {
		add_values("case", text);
	} else if (strcmp(words.v[0], "help") == 0 && words.n == 1) {
		add_matching(applet_names, text);
	} else if (words.v[0][0] != '.') {
		complete_applet(words.v[0], &words, words.v[words.n - 1], text);
	}
	if (cands.n)
		m = rl_completion_matches(text, next_cand);
	strv_free(&words);
	free(before);
	return m;
}

/* --- the loop --- */

static char *history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char *dir, *p;

	if (state && *state == '/')
		dir = xasprintf("%s/casekit", state);
	else if (home && *home)
		dir = xasprintf("%s/.local/state/casekit", home);
	else
		return NULL;
	/* mkdir -p, quietly: without a history file the shell still works. */
	for (p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(dir, 0700);
		*p = '/';
	}
	mkdir(dir, 0700);
	p = xasprintf("%s/history", dir);
	free(dir);
	return p;
}

/* Ctrl-C at the prompt drops the line (and any SQL begun), as in bash; during SQL it stops it. */
static void on_sigint(int sig)
{
	(void)sig;
	/* SQL runs in the shell itself: stop the statement, not the shell. */
	if (running_st) {
		store_interrupt(running_st);
		return;
	}
	buf_reset(&sh.sql);
	set_prompt();
	if (write(STDOUT_FILENO, "\n", 1) < 0)
		return;
	rl_on_new_line();
	rl_replace_line("", 0);
	rl_set_prompt(sh.prompt);
	rl_redisplay();
}

static char *read_line(void)
{
	static char *line;
	static size_t cap;
	ssize_t n;

	if (sh.interactive) {
		set_prompt();
		return readline(sh.prompt);
	}
	if ((n = getline(&line, &cap, stdin)) < 0) {
		free(line);
		line = NULL;
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	return xstrdup(line);
}

int cmd_shell(int argc, char **argv)
{
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_END,
	};
	struct sigaction sa = { 0 };
	char *hist = NULL, *line;
	int rc = 0;

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc > 0)
		ck_usage_error("no operands expected");
	/* Children find the store the shell was given. */
	if (ck.db)
		setenv("CASEKIT_DB", ck.db, 1);
	if (getenv("CASEKIT_CASE") && *getenv("CASEKIT_CASE"))
		sh.case_id = xstrdup(getenv("CASEKIT_CASE"));
	sh.interactive = isatty(STDIN_FILENO);
	if (sh.interactive) {
		rl_readline_name = "casekit";
		rl_attempted_completion_function = complete;
		rl_completer_word_break_characters = " \t\n\"'`><=;|&(";
		sa.sa_handler = on_sigint;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		sigaction(SIGINT, &sa, NULL);
		if ((hist = history_path())) {
			stifle_history(1000);
			read_history(hist);
		}
	}
	while ((line = read_line())) {
		sh.lineno++;
		if (sh.interactive && *line && !isspace((unsigned char)*line))
			add_history(line);
		rc = handle_line(line);
		free(line);
		if (rc == SHELL_QUIT) {
			rc = 0;
			break;
		}
		if (rc && !sh.interactive) {
			ck_error(
				rc, "stdin line %ld: stopped with exit status %d", sh.cmd_line, rc);
			break;
		}
	}
	/* SQL without its ';' at the end of a script still runs. */
	if (!line && sh.sql.len && (!rc || sh.interactive)) {
		rc = run_sql(sh.sql.s);
		if (rc && !sh.interactive)
			ck_error(
				rc, "stdin line %ld: stopped with exit status %d", sh.sql_line, rc);
	}
	if (sh.interactive) {
		if (!line)
			fputc('\n', stdout);
		if (hist && write_history(hist) == 0)
			history_truncate_file(hist, 1000);
		free(hist);
		rc = 0;
	}
	buf_free(&sh.sql);
	free(sh.fmt);
	free(sh.case_id);
	return rc;
}
