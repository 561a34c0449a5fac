/* case.c - open and manage cases: leads, members, notes, grades, value, custody log */
#include "casekit.h"
#include "commands.h"
#include "case.h"
#include "leads.h"
#include "opt.h"
#include "output.h"
#include "store.h"

static const char usage[] =
	"casekit case [-d PATH] [-f FMT] [--analyst NAME] new TITLE [--lead LEAD]... [--from FILE]"
	" | list | show [ID] [--section NAME] | add [ID] LEAD... | remove [ID] LEAD..."
	" | note [ID] TEXT | grade [ID] FINDING GRADE [--reason TEXT] | close [ID] | refresh [ID]";
static const char help[] =
	"Open a case from leads (seller:ID, listing:ID, network:ID, party:ID; a bare id is a\n"
	"seller) and manage it. A case gathers the networks of its leads, their sellers, the\n"
	"flagged listings (leads, screening flags, counterfeit test buys, takedowns), their\n"
	"orders and value per currency (in major units), test buys, takedowns and the parties\n"
	"upstream, each finding graded (source reliability A-E, information confidence 1-5,\n"
	"handling code 1-5). 'grade' overrides a grade: GRADE is like B2 or B23 (handling 3).\n"
	"A case is a snapshot: later ingests, screens and links change it only through\n"
	"'refresh', which lists the changes in the custody log; 'show' says what is pending.\n"
	"Without ID, the current case ($CASEKIT_CASE, .case in casekit shell) is meant.\n"
	"Every action is appended to the case's custody log with the time, analyst, casekit\n"
	"version, command line and a digest of the store state.";

struct ctx {
	struct store *st;
	const char *analyst;
	struct leads leads;
};

static int do_show(struct ctx *c, const char *id, const char *only)
{
	enum out_format fmt = out_format_for(stdout);
	char *pending = NULL;
	int rc = 0, i;

	if (only && !case_section_sql(only, NULL))
		ck_usage_error("no section '%s'", only);
	if (!only && fmt == OUT_IDS)
		ck_usage_error("-f ids needs --section sellers, listings or parties");
	/*
	 * The whole case is for reading: a table, even in a pipe, unless -f asks otherwise. JSON
	 * is one object with a key per section; a format of one header row (csv, tsv, ndjson)
	 * cannot hold sections of different columns, so it needs --section.
	 */
	if (!only && !ck.format)
		fmt = OUT_TABLE;
	if (!only && (fmt == OUT_CSV || fmt == OUT_TSV || fmt == OUT_NDJSON))
		ck_usage_error("-f %s needs --section NAME: the sections have different columns",
			ck.format);
	if ((rc = case_show_prepare(c->st, id, &pending)))
		return rc;
	/* What newer data would change is said, never shown as part of the case. */
	if (pending)
		ck_warn("%s: not taken in yet: %s: casekit case refresh %s", id, pending, id);
	free(pending);
	if (only)
		return case_print_section(c->st, id, only, fmt);
	if (fmt == OUT_JSON)
		fputc('{', stdout);
	for (i = 0; case_sections[i] && !rc; i++) {
		if (fmt == OUT_TABLE)
			printf("%s== %s\n", i ? "\n" : "", case_sections[i]);
		else
			printf("%s\"%s\":", i ? "," : "", case_sections[i]);
		rc = case_print_section(c->st, id, case_sections[i], fmt);
	}
	if (fmt == OUT_JSON && !rc)
		fputs("}\n", stdout);
	return rc;
}

static int do_refresh(struct ctx *c, const char *id)
{
	char *changes = NULL;
	int rc = case_refresh(c->st, id, c->analyst, &changes);

	if (!rc && changes)
		ck_warn("%s: took in %s", id, changes);
	else if (!rc)
		ck_warn("%s: nothing to take in: the case is as the store is now", id);
	free(changes);
	return rc;
}

/* The case the operands name, else the current one ($CASEKIT_CASE: .case in casekit shell). */
static const char *case_arg(int *argc, char ***argv, int full, const char *sub)
{
	const char *id = case_current(NULL);

	if (*argc >= full || !id) {
		if (*argc < 1)
			ck_usage_error(
				"%s needs a case ID (or a current case: $CASEKIT_CASE, .case "
				"in casekit shell)",
				sub);
		id = case_current((*argv)[0]);
		(*argc)--;
		(*argv)++;
	}
	return id;
}

static void lead_or_die(struct leads *l, const char *text)
{
	if (leads_add(l, text, "seller", CASE_LEAD_KINDS) < 0)
		ck_usage_error(
			"'%s' is not a lead (seller:ID, listing:ID, network:ID or party:ID)", text);
}

int cmd_case(int argc, char **argv)
{
	struct ck_list lead_opts = { 0 };
	const char *from = NULL, *only = NULL, *reason = NULL, *sub, *id;
	char *newid;
	struct ctx c;
	size_t i;
	int rc, n;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_FORMAT,
		CK_OPT_LIST('l', "lead", &lead_opts, "LEAD",
			"a lead: seller:ID, listing:ID, network:ID or party:ID (new)"),
		CK_OPT_STR(0, "from", &from, "FILE",
			"read leads one a line from FILE or - (new, add, remove)"),
		CK_OPT_STR(0, "analyst", &c.analyst, "NAME",
			"who acts (default: $CASEKIT_ANALYST, config analyst, $USER)"),
		CK_OPT_CHOICE(0, "section", &only, "NAME",
			"summary|value|leads|sellers|listings|orders|testbuys|takedowns|parties|links|"
			"findings|timeline|notes|custody",
			"show only this section (show)"),
		CK_OPT_STR(0, "reason", &reason, "TEXT", "why the grade was changed (grade)"),
		CK_OPT_END,
	};

	/* The order of the usage line; CASE: the completions offer case ids there. */
	static const struct ck_sub subs[] = {
		CK_SUB("new", NULL),
		CK_SUB("list", NULL),
		CK_SUB("show", "CASE"),
		CK_SUB("add", "CASE"),
		CK_SUB("remove", "CASE"),
		CK_SUB("note", "CASE"),
		CK_SUB("grade", "CASE"),
		CK_SUB("close", "CASE"),
		CK_SUB("refresh", "CASE"),
		CK_SUB_END,
	};

	memset(&c, 0, sizeof(c));
	case_remember_command();
	argc = ck_parse_subcommand(argc, argv, opts, subs, usage, help);
	if (!c.analyst || !*c.analyst)
		c.analyst = ck_analyst();
	sub = argv[0];
	argc--;
	argv++;
	for (i = 0; i < lead_opts.n; i++)
		lead_or_die(&c.leads, lead_opts.v[i]);
	free(lead_opts.v);
	if (strcmp(sub, "new") == 0) {
		if (argc < 1)
			ck_usage_error("new needs a TITLE");
		if (argc > 1)
			ck_usage_error("new takes one TITLE (quote it); leads go in --lead");
		if (!*argv[0])
			ck_usage_error("the title is empty");
	}
	if (from && (rc = leads_read(&c.leads, from, "seller", CASE_LEAD_KINDS))) {
		leads_free(&c.leads);
		return rc;
	}
	if ((rc = store_open(&c.st, NULL,
		     strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0 ? STORE_READONLY : 0))) {
		leads_free(&c.leads);
		return rc;
	}
	if (strcmp(sub, "new") == 0) {
		if (c.leads.n == 0)
			ck_usage_error("new needs at least one --lead (or --from)");
		if (!(rc = case_open(c.st, argv[0], &c.leads, c.analyst, &newid)))
			printf("%s\n", newid);
		free(newid);
	} else if (strcmp(sub, "list") == 0) {
		rc = case_print_list(c.st, out_format_for(stdout));
	} else if (strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0) {
		/* The first operand is the case when it is one; else the current case is. */
		n = argc > 0 && (strncmp(argv[0], "case:", 5) == 0 || case_exists(c.st, argv[0]))
			? argc
			: argc + 1;
		id = case_arg(&argc, &argv, n, sub);
		for (n = 0; n < argc; n++)
			lead_or_die(&c.leads, argv[n]);
		if (c.leads.n == 0)
			ck_usage_error("%s needs at least one lead", sub);
		rc = case_leads_change(c.st, id, &c.leads, strcmp(sub, "add") == 0, c.analyst);
	} else if (strcmp(sub, "note") == 0) {
		id = case_arg(&argc, &argv, 2, sub);
		if (argc != 1 || !*argv[0])
			ck_usage_error("note needs a case ID and one TEXT (quote it)");
		rc = case_note(c.st, id, argv[0], c.analyst);
	} else if (strcmp(sub, "grade") == 0) {
		char rel[2], hand[2];
		int conf;

		id = case_arg(&argc, &argv, 3, sub);
		if (argc != 2)
			ck_usage_error("grade needs a case ID, a FINDING and a GRADE");
		if (case_grade_parse(argv[1], rel, &conf, hand))
			ck_usage_error("grade '%s' is not like B2 or B23 (reliability A-E, "
				       "confidence 1-5, handling 1-5)",
				argv[1]);
		rc = case_grade(c.st, id, argv[0], argv[1], reason, c.analyst);
	} else {
		id = case_arg(&argc, &argv, 1, sub);
		if (argc > 0)
			ck_usage_error("%s takes one case ID", sub);
		if (strcmp(sub, "show") == 0)
			rc = do_show(&c, id, only);
		else if (strcmp(sub, "close") == 0)
			rc = case_close(c.st, id, c.analyst);
		else
			rc = do_refresh(&c, id);
	}
	leads_free(&c.leads);
	store_close(c.st);
	return rc;
}
