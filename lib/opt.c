/* opt.c - the option table every applet declares, its parser and its --help */
#include "casekit.h"
#include "opt.h"
#include <stdarg.h>

static const char *cur_usage;
static int want_help, want_list, want_subs;

static const struct ck_opt common_opts[] = {
	CK_OPT_BOOL('q', "quiet", &ck.quiet, "no warnings or summaries on stderr"),
	CK_OPT_BOOL('v', "verbose", &ck.verbose, "more detail on stderr"),
	CK_OPT_BOOL(0, "no-progress", &ck.no_progress, "no progress bar, even on a terminal"),
	CK_OPT_BOOL('h', "help", &want_help, "show this help and exit"),
	CK_OPT_BOOL(0, "list-options", &want_list, "list the options, for shell completion"),
	CK_OPT_BOOL(0, "list-subcommands", &want_subs,
		"list the subcommands (if any), for shell completion"),
	CK_OPT_END,
};

_Noreturn void ck_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "casekit %s: ", ck.applet ? ck.applet : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cur_usage)
		fprintf(stderr, "usage: %s\n", cur_usage);
	fprintf(stderr, "try 'casekit %s --help'\n", ck.applet ? ck.applet : "help");
	exit(EX_USAGE);
}

static void print_table(FILE *fp, const struct ck_opt *o)
{
	char left[64];

	for (; o->type != CK_OPT_T_END; o++) {
		if (o->shortopt)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->shortopt, o->longopt,
				o->argname ? " " : "", o->argname ? o->argname : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->longopt,
				o->argname ? " " : "", o->argname ? o->argname : "");
		fprintf(fp, "  %-24s %s\n", left, o->help);
	}
}

static void print_help(const struct ck_opt *opts, const char *usage, const char *help)
{
	printf("usage: %s\n\n%s\n\noptions:\n", usage, help);
	print_table(stdout, opts);
	print_table(stdout, common_opts);
}

/* One line per option for the completions: "-f --format FMT table|csv|..." ("-" for none). */
static void list_options(const struct ck_opt *o)
{
	for (; o->type != CK_OPT_T_END; o++) {
		if (o->shortopt)
			printf("-%c ", o->shortopt);
		else
			fputs("- ", stdout);
		printf("--%s %s %s\n", o->longopt, o->argname ? o->argname : "-",
			o->choices ? o->choices : "-");
	}
}

static void set_value(const struct ck_opt *o, const char *val, const char *shown)
{
	long long v;
	struct ck_list *l;

	switch (o->type) {
	case CK_OPT_T_BOOL:
		*(int *)o->ptr = 1;
		break;
	case CK_OPT_T_STR:
		if (o->choices && !ck_in_list(o->choices, val, strlen(val)))
			ck_usage_error("%s must be one of %s, not '%s'", shown, o->choices, val);
		*(const char **)o->ptr = val;
		break;
	case CK_OPT_T_INT:
		if (ck_parse_long(val, &v))
			ck_usage_error("%s takes a whole number, not '%s'", shown, val);
		*(long long *)o->ptr = v;
		break;
	case CK_OPT_T_LIST:
		l = o->ptr;
		l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
		l->v[l->n++] = val;
		break;
	case CK_OPT_T_END:
		ck_bug("end of option table used as an option");
	}
}

static const struct ck_opt *find_long(const struct ck_opt *opts, const char *name, size_t len)
{
	const struct ck_opt *tabs[2] = { opts, common_opts }, *o;
	int t;

	for (t = 0; t < 2; t++)
		for (o = tabs[t]; o->type != CK_OPT_T_END; o++)
			if (strlen(o->longopt) == len && memcmp(o->longopt, name, len) == 0)
				return o;
	return NULL;
}

static const struct ck_opt *find_short(const struct ck_opt *opts, int c)
{
	const struct ck_opt *tabs[2] = { opts, common_opts }, *o;
	int t;

	for (t = 0; t < 2; t++)
		for (o = tabs[t]; o->type != CK_OPT_T_END; o++)
			if (o->shortopt == c)
				return o;
	return NULL;
}

static int parse(int argc, char **argv, const struct ck_opt *opts, const struct ck_sub *subs,
	const char *usage, const char *help)
{
	int i, n = 0, only_operands = 0;
	char shown[80];

	cur_usage = usage;
	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (only_operands || a[0] != '-' || a[1] == '\0') {
			argv[n++] = a;
			continue;
		}
		if (a[1] == '-' && a[2] == '\0') {
			only_operands = 1;
			continue;
		}
		if (a[1] == '-') {
			char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct ck_opt *o = find_long(opts, name, len);

			snprintf(shown, sizeof(shown), "--%.*s", (int)len, name);
			if (!o)
				ck_usage_error("unknown option '%s'", shown);
			if (o->type == CK_OPT_T_BOOL) {
				if (eq)
					ck_usage_error("option '%s' takes no value", shown);
				set_value(o, NULL, shown);
			} else if (eq) {
				set_value(o, eq + 1, shown);
			} else if (i + 1 < argc) {
				set_value(o, argv[++i], shown);
			} else {
				ck_usage_error("option '%s' needs a value", shown);
			}
			continue;
		}
		for (char *p = a + 1; *p; p++) {
			const struct ck_opt *o = find_short(opts, (unsigned char)*p);

			snprintf(shown, sizeof(shown), "-%c", *p);
			if (!o)
				ck_usage_error("unknown option '%s'", shown);
			if (o->type == CK_OPT_T_BOOL) {
				set_value(o, NULL, shown);
				continue;
			}
			if (p[1])
				set_value(o, p + 1, shown);
			else if (i + 1 < argc)
				set_value(o, argv[++i], shown);
			else
				ck_usage_error("option '%s' needs a value", shown);
			break;
		}
	}
	if (want_help) {
		print_help(opts, usage, help);
		exit(ck_finish_stdout(0));
	}
	if (want_list) {
		list_options(opts);
		list_options(common_opts);
		exit(ck_finish_stdout(0));
	}
	if (want_subs) {
		for (; subs && subs->name; subs++)
			printf("%s %s\n", subs->name, subs->argname ? subs->argname : "-");
		exit(ck_finish_stdout(0));
	}
	argv[n] = NULL;
	return n;
}

int ck_parse_opts(
	int argc, char **argv, const struct ck_opt *opts, const char *usage, const char *help)
{
	return parse(argc, argv, opts, NULL, usage, help);
}

/* "new, list, show or close" */
static char *sub_names(const struct ck_sub *subs)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; subs[i].name; i++) {
		if (i)
			buf_adds(&b, subs[i + 1].name ? ", " : " or ");
		buf_adds(&b, subs[i].name);
	}
	return b.s ? buf_detach(&b) : xstrdup("");
}

int ck_parse_subcommand(int argc, char **argv, const struct ck_opt *opts, const struct ck_sub *subs,
	const char *usage, const char *help)
{
	const struct ck_sub *s;
	int n = parse(argc, argv, opts, subs, usage, help);

	if (n < 1)
		ck_usage_error("a subcommand is needed: %s", sub_names(subs));
	for (s = subs; s->name; s++)
		if (strcmp(s->name, argv[0]) == 0)
			return n;
	ck_usage_error("unknown subcommand '%s'; it is one of %s", argv[0], sub_names(subs));
}
