/*
 * shell.h - the engine of casekit shell: lines split into words, SQL gathered up to its ';',
 * the dot-commands and the completion candidates. cmd/shell.c adds readline, the prompt loop
 * and the child processes that run applets.
 */
#ifndef CASEKIT_SHELL_H
#define CASEKIT_SHELL_H
#include <stdio.h>
#include "util.h"

struct store;

/* A NULL-terminated list of malloc'd strings that grows. Zero-initialise it. */
struct shell_words {
	char **v;
	size_t n, cap;
};
void shell_words_add(struct shell_words *w, const char *s);
void shell_words_free(struct shell_words *w); /* and zero it again */

/* shell_line()'s answer to .quit and .exit. */
#define SHELL_QUIT (-1)

/*
 * The shell's state, and what it calls to run things. Zero-initialise it and set applets and
 * the three functions; shell_free() releases what the shell allocated.
 */
struct shell {
	const char *const *applets;     /* the applet names, NULL-terminated */
	char *fmt;                      /* .format, or NULL for the default */
	char *case_id;                  /* .case, exported as CASEKIT_CASE */
	struct buf sql;                 /* SQL read so far, until a ';' ends it */
	long lineno;                    /* the line shell_line() is given, counted by the caller */
	long sql_line, cmd_line;        /* where the SQL and the last command began */
	FILE *out;                      /* what dot-commands print to (NULL: stdout) */
	struct store *volatile running; /* the store shell_run_sql() is running on, for Ctrl-C */
	/* Run an applet line (words[0] the applet); its exit status. */
	int (*run_applet)(struct shell *sh, const struct shell_words *words);
	/* Run complete SQL; its exit status. shell_run_sql() is the real one. */
	int (*run_sql)(struct shell *sh, const char *sql);
	/*
	 * What `casekit APPLET FLAG` prints for --list-options or --list-subcommands; NULL when
	 * the applet does not exist or cannot be asked. The text stays the caller's.
	 */
	const char *(*applet_list)(struct shell *sh, const char *applet, const char *flag);
};
void shell_free(struct shell *sh);

/*
 * Split a line into words as a POSIX shell would, without expansions: 'single quotes' keep
 * everything, "double quotes" let a backslash escape \ " $ and `, and a backslash outside
 * quotes keeps the next character. An unquoted | < > ; or & is refused: this is not a shell
 * that runs pipelines. Appends the words to out; 0, or EX_USAGE after one message.
 */
int shell_split(const char *line, struct shell_words *out);
/* 1 if line opens SQL: read-only SQL, or a statement that writes (to be refused as SQL). */
int shell_is_sql(const char *line);
/*
 * The command line that runs an applet line (words[0] the applet), appended to argv:
 * "casekit", the applet, "-f FMT" when .format is set, the applet takes --format and the line
 * chooses no format of its own (-f, --format), then the rest of the words.
 */
void shell_applet_argv(struct shell *sh, const struct shell_words *words, struct shell_words *argv);

/*
 * One line of input (sh->lineno is its number): more SQL, which runs through sh->run_sql once
 * a ';' ends it; a dot-command; a comment or a blank; or an applet call for sh->run_applet.
 * Returns the exit status of what ran (0 while SQL is still open), or SHELL_QUIT.
 */
int shell_line(struct shell *sh, const char *line);
/*
 * A dot-command (.help, .format [FMT], .case [ID|-], .quit, .exit): 0, SHELL_QUIT, or EX_USAGE
 * after a message. .case sets or unsets CASEKIT_CASE in the environment, for the applets.
 */
int shell_dot(struct shell *sh, const struct shell_words *words);
/* Open the store read-only ($CASEKIT_DB or -d) and run sql in the format of .format. */
int shell_run_sql(struct shell *sh, const char *sql);
/* The prompt: "casekit> ", "casekit [CASE]> ", or "   ...> " while SQL is open. */
void shell_prompt(const struct shell *sh, char *out, size_t size);

/*
 * The completion candidates for text, the word that ends at start in line (text is
 * line[start..]): dot-commands, applets and SQL words for the first word, table names in SQL,
 * an applet's options, the choices of an option's value, its subcommands, and ids from the
 * store (ck.db, else ./casekit.db; none without a store). Appends them to cands; returns 1
 * when a file name would do as well (the caller then offers file names), else 0.
 */
int shell_complete(struct shell *sh, const char *line, size_t start, const char *text,
	struct shell_words *cands);
#endif
