/*
 * shell.c - the investigator's shell: readline, the prompt loop and the child processes that run
 * applets. What a line means (SQL, dot-command, applet words) and completion are lib/shell.c.
 */
#include "casekit.h"
#include "commands.h"
#include "opt.h"
#include "shell.h"
#include "store.h"
#include <ctype.h>
#include <fcntl.h>
#include <signal.h>
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

static const char *const applet_names[] = {
#define CK_CMD(name, desc) #name,
#include "commands.def"
#undef CK_CMD
	NULL,
};

static struct shell sh;
static int interactive;
static char prompt[160];

/* What an applet's --list-options and --list-subcommands print, asked once and kept. */
static struct {
	char *applet, *flag, *text;
} opt_cache[64];

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

/* Run `casekit APPLET FLAG` (a --list-* flag) and keep what it printed (lib/shell.c asks for
 * applets only). */
static const char *applet_list(struct shell *shp, const char *applet, const char *flag)
{
	struct buf b = { 0 };
	char tmp[4096], *argv[4];
	int fds[2], status;
	size_t i;
	ssize_t n;
	pid_t pid;

	(void)shp;
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

/* Run one applet line in a child: it may exit, and Ctrl-C must stop it, not the shell. */
static int run_applet(struct shell *shp, const struct shell_words *w)
{
	struct sigaction ign = { 0 }, old_int, old_quit;
	struct shell_words argv = { 0 };
	int status = 0, rc;
	pid_t pid;

	shell_applet_argv(shp, w, &argv);
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
		if (!interactive) {
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
	shell_words_free(&argv);
	return rc;
}

/* --- completion --- */

static struct shell_words cands;

static char *next_cand(const char *text, int state)
{
	static size_t i;

	(void)text;
	if (state == 0)
		i = 0;
	return i < cands.n ? xstrdup(cands.v[i++]) : NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	shell_words_free(&cands);
	rl_attempted_completion_over = 1;
	if (shell_complete(&sh, rl_line_buffer, (size_t)start, text, &cands))
		rl_attempted_completion_over = 0; /* file names too */
	return cands.n ? rl_completion_matches(text, next_cand) : NULL;
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
	if (sh.running) {
		store_interrupt(sh.running);
		return;
	}
	buf_reset(&sh.sql);
	shell_prompt(&sh, prompt, sizeof(prompt));
	if (write(STDOUT_FILENO, "\n", 1) < 0)
		return;
	rl_on_new_line();
	rl_replace_line("", 0);
	rl_set_prompt(prompt);
	rl_redisplay();
}

static char *read_line(void)
{
	static char *line;
	static size_t cap;
	ssize_t n;

	if (interactive) {
		shell_prompt(&sh, prompt, sizeof(prompt));
		return readline(prompt);
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
	sh.applets = applet_names;
	sh.run_applet = run_applet;
	sh.run_sql = shell_run_sql;
	sh.applet_list = applet_list;
	if (argc > 0)
		ck_usage_error("no operands expected");
	/* Children find the store the shell was given. */
	if (ck.db)
		setenv("CASEKIT_DB", ck.db, 1);
	if (getenv("CASEKIT_CASE") && *getenv("CASEKIT_CASE"))
		sh.case_id = xstrdup(getenv("CASEKIT_CASE"));
	interactive = isatty(STDIN_FILENO);
	if (interactive) {
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
		if (interactive && *line && !isspace((unsigned char)*line))
			add_history(line);
		rc = shell_line(&sh, line);
		free(line);
		if (rc == SHELL_QUIT) {
			rc = 0;
			break;
		}
		if (rc && !interactive) {
			ck_error(
				rc, "stdin line %ld: stopped with exit status %d", sh.cmd_line, rc);
			break;
		}
	}
	/* SQL without its ';' at the end of a script still runs. */
	if (!line && sh.sql.len && (!rc || interactive)) {
		rc = shell_run_sql(&sh, sh.sql.s);
		if (rc && !interactive)
			ck_error(
				rc, "stdin line %ld: stopped with exit status %d", sh.sql_line, rc);
	}
	if (interactive) {
		if (!line)
			fputc('\n', stdout);
		if (hist && write_history(hist) == 0)
			history_truncate_file(hist, 1000);
		free(hist);
		rc = 0;
	}
	shell_free(&sh);
	shell_words_free(&cands);
	return rc;
}
