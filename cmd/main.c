/* main.c - the casekit multi-call binary: find the applet and run it */
#include "casekit.h"
#include "commands.h"
#include "complete.h"
#include <locale.h>

struct applet {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *desc;
};

static const struct applet applets[] = {
#define CK_CMD(name, desc) { #name, cmd_##name, desc },
#include "commands.def"
#undef CK_CMD
};
#define NAPPLETS (sizeof(applets) / sizeof(*applets))

static const struct applet *find(const char *name)
{
	size_t lo = 0, hi = NAPPLETS;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(name, applets[mid].name);

		if (c == 0)
			return &applets[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int list(FILE *fp)
{
	size_t i;

	fputs("usage: casekit APPLET [OPTIONS] [ARGS]\n\n"
	      "casekit turns marketplace dumps into a counterfeit case: screen listings, link seller\n"
	      "accounts into networks, trace the goods upstream and export a sealed case package.\n\n"
	      "applets:\n",
		fp);
	for (i = 0; i < NAPPLETS; i++)
		fprintf(fp, "  %-8s %s\n", applets[i].name, applets[i].desc);
	fputs("\n'casekit help APPLET' or 'casekit APPLET --help' shows an applet's options.\n",
		fp);
	return 0;
}

static _Noreturn void unknown(const char *name)
{
	size_t i, best = (size_t)-1, d;
	const char *guess = NULL;

	for (i = 0; i < NAPPLETS; i++) {
		d = ck_levenshtein(name, applets[i].name);
		if (d < best) {
			best = d;
			guess = applets[i].name;
		}
	}
	if (guess && best <= 2)
		ck_die(EX_USAGE, "'%s' is not a casekit applet; did you mean '%s'?", name, guess);
	ck_die(EX_USAGE, "'%s' is not a casekit applet; see 'casekit help'", name);
}

static int run(const struct applet *a, int argc, char **argv)
{
	ck.applet = a->name;
	return ck_finish_stdout(a->fn(argc, argv));
}

int main(int argc, char **argv)
{
	const char *base = strrchr(argv[0], '/');
	const struct applet *a;
	size_t i;

	setlocale(LC_CTYPE, "");
	ck.argc = argc;
	ck.argv = argv;
	base = base ? base + 1 : argv[0];
	/* casekit-ingest, or a bare link named ingest, runs the applet directly. */
	if (strncmp(base, "casekit-", 8) == 0) {
		if (!(a = find(base + 8)))
			unknown(base + 8);
		return run(a, argc, argv);
	}
	if ((a = find(base)))
		return run(a, argc, argv);
	if (argc < 2)
		return ck_finish_stdout(list(stdout));
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		puts(PACKAGE_STRING);
		return ck_finish_stdout(0);
	}
	if (strcmp(argv[1], "--list-commands") == 0) {
		for (i = 0; i < NAPPLETS; i++)
			puts(applets[i].name);
		return ck_finish_stdout(0);
	}
	/* Hidden: the completions ask for ids from the store, kinds and profiles. */
	if (strcmp(argv[1], "--list-ids") == 0)
		return ck_finish_stdout(complete_list_ids(argc - 2, argv + 2));
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
		strcmp(argv[1], "-h") == 0) {
		char *hargv[3];

		if (argc < 3)
			return ck_finish_stdout(list(stdout));
		if (!(a = find(argv[2])))
			unknown(argv[2]);
		hargv[0] = argv[2];
		hargv[1] = "--help";
		hargv[2] = NULL;
		return run(a, 2, hargv);
	}
	if (argv[1][0] == '-')
		ck_die(EX_USAGE, "unknown option '%s'; see 'casekit help'", argv[1]);
	if (!(a = find(argv[1])))
		unknown(argv[1]);
	return run(a, argc - 1, argv + 1);
}
