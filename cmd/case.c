/* case.c - open and manage cases: leads, members, notes, grades, value, custody log */
#include "casekit.h"
#include "commands.h"
#include "case.h"
#include "leads.h"
#include "opt.h"
#include "output.h"
#include "store.h"
#include "store_db.h"
#include <sqlite3.h>

static const char usage[] =
	"casekit case [-d PATH] [-f FMT] [--analyst NAME] new TITLE [--lead LEAD]... [--from FILE]"
	" | list | show ID [--section NAME] | add ID LEAD... | remove ID LEAD... | note ID TEXT"
	" | grade ID FINDING GRADE [--reason TEXT] | close ID";
static const char help[] =
	"Open a case from leads (seller:ID, listing:ID, network:ID, party:ID; a bare id is a\n"
	"seller) and manage it. A case gathers the networks of its leads, their sellers, the\n"
	"flagged listings (leads, screening flags, counterfeit test buys, takedowns), their\n"
	"orders and value per currency (in major units), test buys, takedowns and the parties\n"
	"upstream, each finding graded (source reliability A-E, information confidence 1-5,\n"
	"handling code 1-5). 'grade' overrides a grade: GRADE is like B2 or B23 (handling 3).\n"
	"Every action is appended to the case's custody log with the time, analyst, casekit\n"
	"version, command line and a digest of the store state.";

struct ctx {
	struct store *st;
	const char *analyst;
	struct leads leads;
};

static int step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : store_error(st, what);
}

static sqlite3_stmt *prep(struct store *st, const char *sql)
{
	sqlite3_stmt *s;

	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK) {
		store_error(st, "case");
		return NULL;
	}
	return s;
}

/* The case's status, or NULL (message printed) when there is no such case. */
static char *case_status(struct store *st, const char *id)
{
	sqlite3_stmt *s = prep(st, "SELECT status FROM cases WHERE case_id = ?");
	char *status = NULL;

	if (!s)
		return NULL;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		status = xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	if (!status)
		ck_error(EX_NOINPUT, "no case '%s' (see 'casekit case list')", id);
	return status;
}

static int need_open(struct store *st, const char *id)
{
	char *status = case_status(st, id);
	int rc = 0;

	if (!status)
		return EX_NOINPUT;
	if (strcmp(status, "open") != 0)
		rc = ck_error(EX_DATAERR, "case '%s' is closed", id);
	free(status);
	return rc;
}

/* A lead that names nothing in the store is refused, so a typo never hides in a case. */
static int lead_exists(struct store *st, const struct lead *l)
{
	const char *sql;
	sqlite3_stmt *s;
	int found;

	if (strcmp(l->kind, "seller") == 0)
		sql = "SELECT 1 FROM sellers WHERE seller_id = ?";
	else if (strcmp(l->kind, "listing") == 0)
		sql = "SELECT 1 FROM listings WHERE listing_id = ?";
	else if (strcmp(l->kind, "party") == 0)
		sql = "SELECT 1 FROM parties WHERE party_id = ? UNION ALL "
		      "SELECT 1 FROM shipments WHERE from_id = ?1";
	else if (store_has_table(store_db(st), "network_members"))
		sql = "SELECT 1 FROM network_members WHERE network_id = ? UNION ALL "
		      "SELECT 1 FROM network_aliases WHERE old_id = ?1";
	else
		return ck_error(
			EX_DATAERR, "network:%s: no networks yet (run 'casekit link')", l->id);
	if (sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) != SQLITE_OK) {
		/* network_aliases may not exist: fall back to the members alone */
		if (sqlite3_prepare_v2(store_db(st),
			    "SELECT 1 FROM network_members WHERE network_id = ?", -1, &s,
			    NULL) != SQLITE_OK)
			return store_error(st, "case");
	}
	sqlite3_bind_text(s, 1, l->id, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found ? 0 : ck_error(EX_DATAERR, "%s:%s is not in the store", l->kind, l->id);
}

static int add_leads(struct ctx *c, const char *id, const char *now)
{
	size_t i;
	int rc;

	for (i = 0; i < c->leads.n; i++) {
		sqlite3_stmt *s;

		if ((rc = lead_exists(c->st, &c->leads.v[i])))
			return rc;
		if (!(s = prep(c->st, "INSERT OR IGNORE INTO case_leads VALUES(?, ?, ?, ?, ?)")))
			return EX_SOFTWARE;
		sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, c->leads.v[i].kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, c->leads.v[i].id, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 5, c->analyst, -1, SQLITE_STATIC);
		if ((rc = step_done(c->st, s, "case_leads")))
			return rc;
	}
	return 0;
}

static char *leads_text(const struct leads *l)
{
	struct buf b = { 0 };
	size_t i;

	for (i = 0; i < l->n; i++)
		buf_addf(&b, "%s%s:%s", i ? " " : "", l->v[i].kind, l->v[i].id);
	if (!b.s)
		buf_adds(&b, "");
	return buf_detach(&b);
}

static int finish(struct store *st, int rc)
{
	if (rc) {
		store_exec(st, "ROLLBACK");
		return rc;
	}
	return store_exec(st, "COMMIT");
}

static int do_new(struct ctx *c, const char *title)
{
	char now[21], *id, *detail;
	sqlite3_stmt *s;
	int rc;

	if (!*title)
		ck_usage_error("the title is empty");
	if ((rc = store_exec(c->st, "BEGIN IMMEDIATE")))
		return rc;
	id = case_new_id(c->st);
	ck_clock_iso(now);
	if (!(s = prep(c->st,
		      "INSERT INTO cases(case_id, title, opened_at, opened_by) "
		      "VALUES(?, ?, ?, ?)")))
		return finish(c->st, EX_SOFTWARE);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, c->analyst, -1, SQLITE_STATIC);
	rc = step_done(c->st, s, "cases");
	if (!rc)
		rc = add_leads(c, id, now);
	if (!rc)
		rc = case_refresh(c->st, id);
	detail = leads_text(&c->leads);
	if (!rc)
		rc = case_custody_add(c->st, id, "open", c->analyst, detail);
	free(detail);
	if (!(rc = finish(c->st, rc)))
		printf("%s\n", id);
	free(id);
	return rc;
}

static int do_add_remove(struct ctx *c, const char *id, int add)
{
	char now[21], *detail;
	size_t i;
	int rc;

	if (c->leads.n == 0)
		ck_usage_error("%s needs at least one lead", add ? "add" : "remove");
	if ((rc = store_exec(c->st, "BEGIN IMMEDIATE")))
		return rc;
	if ((rc = need_open(c->st, id)))
		return finish(c->st, rc);
	ck_clock_iso(now);
	if (add) {
		rc = add_leads(c, id, now);
	} else {
		for (i = 0; i < c->leads.n && !rc; i++) {
			sqlite3_stmt *s = prep(c->st,
				"DELETE FROM case_leads WHERE case_id = ? AND "
				"kind = ? AND id = ?");

			if (!s)
				return finish(c->st, EX_SOFTWARE);
			sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 2, c->leads.v[i].kind, -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 3, c->leads.v[i].id, -1, SQLITE_STATIC);
			if ((rc = step_done(c->st, s, "case_leads")))
				break;
			if (sqlite3_changes(store_db(c->st)) == 0)
				rc = ck_error(EX_DATAERR, "%s:%s is not a lead of %s",
					c->leads.v[i].kind, c->leads.v[i].id, id);
		}
	}
	if (!rc)
		rc = case_refresh(c->st, id);
	detail = leads_text(&c->leads);
	if (!rc)
		rc = case_custody_add(c->st, id, add ? "add" : "remove", c->analyst, detail);
	free(detail);
	return finish(c->st, rc);
}

static int do_note(struct ctx *c, const char *id, const char *text)
{
	char now[21];
	sqlite3_stmt *s;
	int rc;

	if (!*text)
		ck_usage_error("the note is empty");
	if ((rc = store_exec(c->st, "BEGIN IMMEDIATE")))
		return rc;
	if ((rc = need_open(c->st, id)))
		return finish(c->st, rc);
	ck_clock_iso(now);
	if (!(s = prep(c->st,
		      "INSERT INTO case_notes(case_id, at, analyst, text) VALUES(?, ?, ?, ?)")))
		return finish(c->st, EX_SOFTWARE);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, c->analyst, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, text, -1, SQLITE_STATIC);
	rc = step_done(c->st, s, "case_notes");
	if (!rc)
		rc = case_custody_add(c->st, id, "note", c->analyst, text);
	return finish(c->st, rc);
}

static int do_close(struct ctx *c, const char *id)
{
	char now[21];
	sqlite3_stmt *s;
	int rc;

	if ((rc = store_exec(c->st, "BEGIN IMMEDIATE")))
		return rc;
	if ((rc = need_open(c->st, id)))
		return finish(c->st, rc);
	ck_clock_iso(now);
	if (!(s = prep(c->st,
		      "UPDATE cases SET status = 'closed', closed_at = ? WHERE case_id = ?")))
		return finish(c->st, EX_SOFTWARE);
	sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_STATIC);
	rc = step_done(c->st, s, "cases");
	if (!rc)
		rc = case_custody_add(c->st, id, "close", c->analyst, NULL);
	return finish(c->st, rc);
}

static int do_grade(
	struct ctx *c, const char *id, const char *finding, const char *grade, const char *reason)
{
	char now[21], rel[2] = { 0 }, hand[2] = "1", *detail;
	sqlite3_stmt *s;
	int rc, conf, found;

	if (!(grade[0] >= 'A' && grade[0] <= 'E') || !(grade[1] >= '1' && grade[1] <= '5') ||
		(grade[2] && (!(grade[2] >= '1' && grade[2] <= '5') || grade[3])))
		ck_usage_error("grade '%s' is not like B2 or B23 (reliability A-E, confidence 1-5, "
			       "handling 1-5)",
			grade);
	rel[0] = grade[0];
	conf = grade[1] - '0';
	if (grade[2])
		hand[0] = grade[2];
	if ((rc = store_exec(c->st, "BEGIN IMMEDIATE")))
		return rc;
	if ((rc = need_open(c->st, id)) || (rc = case_gather(c->st, id)))
		return finish(c->st, rc);
	if (!(s = prep(c->st, "SELECT 1 FROM case_findings WHERE finding = ?")))
		return finish(c->st, EX_SOFTWARE);
	sqlite3_bind_text(s, 1, finding, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	if (!found)
		return finish(c->st,
			ck_error(EX_DATAERR,
				"%s: no finding '%s' (see 'casekit case "
				"show %s --section findings')",
				id, finding, id));
	ck_clock_iso(now);
	if (!(s = prep(c->st, "INSERT OR REPLACE INTO case_grades VALUES(?, ?, ?, ?, ?, ?, ?, ?)")))
		return finish(c->st, EX_SOFTWARE);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, finding, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, rel, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, conf);
	sqlite3_bind_text(s, 5, hand, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, reason, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 8, c->analyst, -1, SQLITE_STATIC);
	rc = step_done(c->st, s, "case_grades");
	detail = xasprintf("%s %s%d/%s%s%s", finding, rel, conf, hand, reason ? ": " : "",
		reason ? reason : "");
	if (!rc)
		rc = case_custody_add(c->st, id, "grade", c->analyst, detail);
	free(detail);
	return finish(c->st, rc);
}

static int section(struct store *st, const char *id, const char *name, enum out_format fmt)
{
	int idcol;
	const char *sql = case_section_sql(name, &idcol);
	sqlite3_stmt *s;
	struct out *o;

	if (!(s = prep(st, sql)))
		return EX_SOFTWARE;
	if (sqlite3_bind_parameter_count(s) > 0)
		sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	o = out_open_stmt(stdout, fmt, s);
	if (idcol >= 0)
		out_set_ids(o,
			strcmp(name, "sellers") == 0            ? "seller"
				: strcmp(name, "listings") == 0 ? "listing"
								: "party",
			idcol);
	return out_stmt_all(o, s, st, name);
}

static int do_show(struct ctx *c, const char *id, const char *only)
{
	enum out_format fmt = out_format_for(stdout);
	char *status, why[256];
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
	if (!(status = case_status(c->st, id)))
		return EX_NOINPUT;
	free(status);
	if ((rc = case_set_redact(c->st, 0)) || (rc = case_gather(c->st, id)))
		return rc;
	if (case_custody_check(c->st, id, why))
		ck_warn("%s: the custody log is broken: %s", id, why);
	if (only)
		return section(c->st, id, only, fmt);
	if (fmt == OUT_JSON)
		fputc('{', stdout);
	for (i = 0; case_sections[i] && !rc; i++) {
		if (fmt == OUT_TABLE)
			printf("%s== %s\n", i ? "\n" : "", case_sections[i]);
		else
			printf("%s\"%s\":", i ? "," : "", case_sections[i]);
		rc = section(c->st, id, case_sections[i], fmt);
	}
	if (fmt == OUT_JSON && !rc)
		fputs("}\n", stdout);
	return rc;
}

static int do_list(struct ctx *c)
{
	sqlite3_stmt *s = prep(c->st,
		"SELECT c.case_id, c.status, c.title, c.opened_at, c.opened_by, "
		"(SELECT count(*) FROM case_leads l WHERE l.case_id = c.case_id) AS leads, "
		"(SELECT count(*) FROM case_members m WHERE m.case_id = c.case_id) AS sellers, "
		"(SELECT max(at) FROM custody k WHERE k.case_id = c.case_id) AS last_action "
		"FROM cases c ORDER BY c.case_id");
	struct out *o;

	if (!s)
		return EX_SOFTWARE;
	o = out_open_stmt(stdout, out_format_for(stdout), s);
	out_set_ids(o, "case", 0);
	return out_stmt_all(o, s, c->st, "cases");
}

static void need_args(int argc, int n, const char *what)
{
	if (argc < n)
		ck_usage_error("%s", what);
}

int cmd_case(int argc, char **argv)
{
	struct ck_list lead_opts = { 0 };
	const char *from = NULL, *only = NULL, *reason = NULL, *sub;
	struct ctx c;
	size_t i;
	int rc, ro, n;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_FORMAT,
		CK_OPT_LIST('l', "lead", &lead_opts, "LEAD",
			"a lead: seller:ID, listing:ID, network:ID or party:ID (new)"),
		CK_OPT_STR(0, "from", &from, "FILE",
			"read leads one a line from FILE or - (new, add, "
			"remove)"),
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
	/* Leads: --lead, --from, and for add and remove the operands after the case id. */
	for (i = 0; i < lead_opts.n; i++)
		if (leads_add(&c.leads, lead_opts.v[i], "seller", CASE_LEAD_KINDS) < 0)
			ck_usage_error("'%s' is not a lead (seller:ID, listing:ID, network:ID or "
				       "party:ID)",
				lead_opts.v[i]);
	if (strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0)
		for (n = 1; n < argc; n++)
			if (leads_add(&c.leads, argv[n], "seller", CASE_LEAD_KINDS) < 0)
				ck_usage_error(
					"'%s' is not a lead (seller:ID, listing:ID, network:ID "
					"or party:ID)",
					argv[n]);
	if (from && (rc = leads_read(&c.leads, from, "seller", CASE_LEAD_KINDS))) {
		leads_free(&c.leads);
		free(lead_opts.v);
		return rc;
	}
	ro = strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0;
	if ((rc = store_open(&c.st, NULL, ro ? STORE_READONLY : 0))) {
		leads_free(&c.leads);
		free(lead_opts.v);
		return rc;
	}
	if (strcmp(sub, "new") == 0) {
		need_args(argc, 1, "new needs a TITLE");
		if (argc > 1)
			ck_usage_error("new takes one TITLE (quote it); leads go in --lead");
		if (c.leads.n == 0)
			ck_usage_error("new needs at least one --lead (or --from)");
		rc = do_new(&c, argv[0]);
	} else if (strcmp(sub, "list") == 0) {
		rc = do_list(&c);
	} else if (strcmp(sub, "show") == 0) {
		need_args(argc, 1, "show needs a case ID");
		rc = do_show(&c, argv[0], only);
	} else if (strcmp(sub, "add") == 0 || strcmp(sub, "remove") == 0) {
		need_args(argc, 1, "add and remove need a case ID and leads");
		rc = do_add_remove(&c, argv[0], strcmp(sub, "add") == 0);
	} else if (strcmp(sub, "note") == 0) {
		need_args(argc, 2, "note needs a case ID and a TEXT");
		rc = do_note(&c, argv[0], argv[1]);
	} else if (strcmp(sub, "grade") == 0) {
		need_args(argc, 3, "grade needs a case ID, a FINDING and a GRADE");
		rc = do_grade(&c, argv[0], argv[1], argv[2], reason);
	} else {
		need_args(argc, 1, "close needs a case ID");
		rc = do_close(&c, argv[0]);
	}
	leads_free(&c.leads);
	free(lead_opts.v);
	store_close(c.st);
	return rc;
}
