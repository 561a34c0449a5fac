/* opt.h - the option table every applet declares, its parser and its --help */
#ifndef CASEKIT_OPT_H
#define CASEKIT_OPT_H
#include <stddef.h>
#include "output.h" /* OUT_FORMAT_NAMES, in CK_OPT_FORMAT */

enum ck_opt_type { CK_OPT_T_END, CK_OPT_T_BOOL, CK_OPT_T_STR, CK_OPT_T_INT, CK_OPT_T_LIST };

/* A repeatable option's values, in command-line order; the strings belong to argv. */
struct ck_list {
	const char **v;
	size_t n;
};

struct ck_opt {
	enum ck_opt_type type;
	int shortopt;        /* 'k', or 0 for a long-only option */
	const char *longopt; /* "kind" */
	void *ptr;           /* int *, const char **, long long * or struct ck_list * */
	const char *argname; /* "KIND"; NULL for a flag */
	const char *help;    /* one line for --help */
	const char *choices; /* "a|b|c": the only values allowed; completions offer them */
};

#define CK_OPT_BOOL(s, l, p, h) \
	{ \
		CK_OPT_T_BOOL, s, l, p, NULL, h, NULL \
	}
#define CK_OPT_STR(s, l, p, a, h) \
	{ \
		CK_OPT_T_STR, s, l, p, a, h, NULL \
	}
#define CK_OPT_CHOICE(s, l, p, a, c, h) \
	{ \
		CK_OPT_T_STR, s, l, p, a, h, c \
	}
#define CK_OPT_INT(s, l, p, a, h) \
	{ \
		CK_OPT_T_INT, s, l, p, a, h, NULL \
	}
#define CK_OPT_LIST(s, l, p, a, h) \
	{ \
		CK_OPT_T_LIST, s, l, p, a, h, NULL \
	}
#define CK_OPT_END \
	{ \
		CK_OPT_T_END, 0, NULL, NULL, NULL, NULL, NULL \
	}
/* The shared -d, --key-file and -f options write to the globals in util.h. */
#define CK_OPT_DB \
	CK_OPT_STR('d', "db", &ck.db, "PATH", "case store (default: $CASEKIT_DB or ./casekit.db)")
#define CK_OPT_KEY_FILE \
	CK_OPT_STR(0, "key-file", &ck.key_file, "PATH", \
		"the payment key file (default: $CASEKIT_KEY_FILE, else one per store in " \
		"$XDG_DATA_HOME/casekit/keys)")
#define CK_OPT_FORMAT \
	CK_OPT_CHOICE('f', "format", &ck.format, "FMT", OUT_FORMAT_NAMES, \
		"output: " OUT_FORMAT_NAMES " (table on a terminal, else tsv)")
/* The same for an answer that has no ids to pass on (figures, not rows of things). */
#define CK_OPT_FORMAT_NO_IDS \
	CK_OPT_CHOICE('f', "format", &ck.format, "FMT", OUT_FORMAT_NAMES_NO_IDS, \
		"output: " OUT_FORMAT_NAMES_NO_IDS " (table on a terminal, else tsv)")

/*
 * A subcommand of an applet (case new, case show ...). argname names its first operand as an
 * option's argument is named, so that the completions offer ids for it as they do for an
 * option's value ("CASE": case ids); NULL when it takes none or its first is free text.
 */
struct ck_sub {
	const char *name;
	const char *argname;
};
#define CK_SUB(n, a) \
	{ \
		n, a \
	}
#define CK_SUB_END \
	{ \
		NULL, NULL \
	}

/*
 * Parse argv against opts plus the common options (-q, -v, --no-progress, -h/--help,
 * --list-options, --list-subcommands). Options and operands may mix; "--" ends the options and
 * "-" is an operand. On return argv[0..n) hold the operands in order and n is returned. --help
 * prints usage, help and the option table to stdout and exits 0; a bad option prints the
 * message, the usage line and a hint, and exits 64. --list-subcommands prints nothing here.
 */
int ck_parse_opts(
	int argc, char **argv, const struct ck_opt *opts, const char *usage, const char *help);
/*
 * ck_parse_opts() for an applet with subcommands: the first operand must be one of subs, else
 * a usage error (exit 64) names them. argv[0] is the subcommand on return, and n counts it.
 * --list-subcommands prints each one a line, "NAME ARGNAME" ("-" for no argname), and exits 0.
 */
int ck_parse_subcommand(int argc, char **argv, const struct ck_opt *opts, const struct ck_sub *subs,
	const char *usage, const char *help);
/* Report a usage error for the applet being parsed (message, usage line, hint) and exit 64. */
_Noreturn void ck_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
