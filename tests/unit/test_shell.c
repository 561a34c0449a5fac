/* test_shell.c - the shell's engine: words, SQL up to its ';', dot-commands and completion */
#include "casekit.h"
#include "shell.h"
#include "store.h"
#include "unit.h"
#include <criterion/criterion.h>
#include <criterion/redirect.h>

static const char *const applets[] = { "case", "link", "query", "screen", "stats", NULL };

/* What the fake runners were given. */
static struct shell_words ran_applet;
static struct buf ran_sql;
static int sql_runs, applet_runs;

static int fake_applet(struct shell *sh, const struct shell_words *w)
{
	size_t i;

	(void)sh;
	applet_runs++;
	shell_words_free(&ran_applet);
	for (i = 0; i < w->n; i++)
		shell_words_add(&ran_applet, w->v[i]);
	return strcmp(w->v[0], "stats") == 0 ? 66 : 0;
}

static int fake_sql(struct shell *sh, const char *sql)
{
	(void)sh;
	sql_runs++;
	buf_reset(&ran_sql);
	buf_adds(&ran_sql, sql);
	return 0;
}

/* --list-options and --list-subcommands as the applets print them. */
static const char *fake_list(struct shell *sh, const char *applet, const char *flag)
{
	(void)sh;
	if (strcmp(flag, "--list-subcommands") == 0)
		return strcmp(applet, "case") == 0 ? "new TITLE\nshow CASE\nlist -\n" : "";
	if (strcmp(applet, "link") == 0)
		return "-f --format FMT table|csv|tsv|json\n"
		       "-d --db PATH -\n"
		       "- --network ID -\n"
		       "- --explain - -\n";
	if (strcmp(applet, "case") == 0)
		return "-d --db PATH -\n";
	return "-q --quiet - -\n";
}

static struct shell new_shell(void)
{
	struct shell sh = { 0 };

	sh.applets = applets;
	sh.run_applet = fake_applet;
	sh.run_sql = fake_sql;
	sh.applet_list = fake_list;
	sql_runs = applet_runs = 0;
	return sh;
}

/* call returns a malloc'd string: it must be want. */
#define cr_assert_gives(call, want) \
	do { \
		char *got_ = (call); \
		cr_assert_str_eq(got_, want, "%s", #call); \
		free(got_); \
	} while (0)

/* The words of line joined by '|', or the exit status as text when it is refused. */
static char *split(const char *line)
{
	struct shell_words w = { 0 };
	struct buf b = { 0 };
	size_t i;
	int rc;

	ck.quiet = 1;
	if ((rc = shell_split(line, &w)) != 0) {
		buf_addf(&b, "rc %d", rc);
	} else {
		for (i = 0; i < w.n; i++)
			buf_addf(&b, "%s%s", i ? "|" : "", w.v[i]);
	}
	shell_words_free(&w);
	return b.s ? buf_detach(&b) : xstrdup("");
}

Test(shell, words_split_with_shell_quoting)
{
	cr_assert_gives(split("link  --explain\tS1 S2"), "link|--explain|S1|S2");
	cr_assert_gives(split("query 'select \"a b\"'"), "query|select \"a b\"");
	cr_assert_gives(split("query \"it's \\\"x\\\" \\n\""), "query|it's \"x\" \\n");
	cr_assert_gives(split("a\\ b 'c'\"d\"e"), "a b|cde");
	cr_assert_gives(split("x ''"), "x|");
	cr_assert_gives(split("   "), "");
}

Test(shell, unquoted_metacharacters_and_open_quotes_are_refused)
{
	cr_assert_gives(split("screen -f ids | head"), "rc 64");
	cr_assert_gives(split("stats > out"), "rc 64");
	cr_assert_gives(split("stats; stats"), "rc 64");
	cr_assert_gives(split("stats &"), "rc 64");
	cr_assert_gives(split("query \"select 1"), "rc 64");
	cr_assert_gives(split("query 'select 1"), "rc 64");
	cr_assert_gives(split("query 'a|b' \"c;d\" e\\&f"), "query|a|b|c;d|e&f");
}

Test(shell, sql_that_writes_is_taken_as_sql_to_be_refused)
{
	cr_assert(shell_is_sql("select 1"));
	cr_assert(shell_is_sql("  WITH x as (select 1) select * from x"));
	cr_assert(shell_is_sql("drop table sellers;"));
	cr_assert(shell_is_sql("Vacuum"));
	cr_assert(shell_is_sql("update;"));
	cr_assert_not(shell_is_sql("dropbox"));
	cr_assert_not(shell_is_sql("drop-table"));
	cr_assert_not(shell_is_sql("link --explain S1"));
	cr_assert_not(shell_is_sql(".format json"));
}

/* The command line shell_applet_argv() makes of line under .format fmt, joined by ' '. */
static char *argv_of(const char *fmt, const char *line)
{
	struct shell sh = new_shell();
	struct shell_words w = { 0 }, argv = { 0 };
	struct buf b = { 0 };
	size_t i;

	sh.fmt = fmt ? xstrdup(fmt) : NULL;
	cr_assert_eq(shell_split(line, &w), 0);
	shell_applet_argv(&sh, &w, &argv);
	for (i = 0; i < argv.n; i++)
		buf_addf(&b, "%s%s", i ? " " : "", argv.v[i]);
	shell_words_free(&w);
	shell_words_free(&argv);
	shell_free(&sh);
	return buf_detach(&b);
}

Test(shell, dot_format_goes_to_applets_that_take_it_unless_the_line_chooses)
{
	cr_assert_gives(argv_of(NULL, "link 'S 1'"), "casekit link S 1");
	cr_assert_gives(argv_of("json", "link S1"), "casekit link -f json S1");
	cr_assert_gives(argv_of("json", "stats"), "casekit stats");
	cr_assert_gives(argv_of("json", "nosuch x"), "casekit nosuch x");
	cr_assert_gives(argv_of("json", "link -f csv S1"), "casekit link -f csv S1");
	cr_assert_gives(argv_of("json", "link -qf csv S1"), "casekit link -qf csv S1");
	cr_assert_gives(argv_of("json", "link --format=csv S1"), "casekit link --format=csv S1");
	cr_assert_gives(argv_of("json", "link --format csv"), "casekit link --format csv");
	cr_assert_gives(argv_of("json", "link --explain S1 -- -f"),
		"casekit link -f json --explain S1 -- -f");
}

Test(shell, sql_runs_once_its_semicolon_comes_with_the_line_it_began_at)
{
	struct shell sh = new_shell();

	sh.lineno = 3;
	cr_assert_eq(shell_line(&sh, "select"), 0);
	sh.lineno = 4;
	cr_assert_eq(shell_line(&sh, "  'a;b' as x -- not; the end"), 0);
	cr_assert_eq(sql_runs, 0);
	sh.lineno = 5;
	cr_assert_eq(shell_line(&sh, ";"), 0);
	cr_assert_eq(sql_runs, 1);
	cr_assert_str_eq(ran_sql.s, "select\n  'a;b' as x -- not; the end\n;\n");
	cr_assert_eq(sh.cmd_line, 3);
	cr_assert_eq(sh.sql.len, 0);
	shell_free(&sh);
}

Test(shell, applet_lines_run_with_their_words_and_status)
{
	struct shell sh = new_shell();

	sh.lineno = 7;
	cr_assert_eq(shell_line(&sh, "  link --explain 'S 1' S2"), 0);
	cr_assert_eq(applet_runs, 1);
	cr_assert_eq(ran_applet.n, 4);
	cr_assert_str_eq(ran_applet.v[2], "S 1");
	cr_assert_eq(sh.cmd_line, 7);
	cr_assert_eq(shell_line(&sh, "stats"), 66);
	cr_assert_eq(shell_line(&sh, "# select 1;"), 0);
	cr_assert_eq(shell_line(&sh, "   "), 0);
	cr_assert_eq(applet_runs, 2);
	cr_assert_eq(sql_runs, 0);
	ck.quiet = 1;
	cr_assert_eq(shell_line(&sh, "stats | head"), EX_USAGE);
	cr_assert_eq(applet_runs, 2);
	shell_free(&sh);
}

Test(shell, dot_commands_set_format_and_case_and_quit)
{
	struct shell sh = new_shell();
	char *text = NULL;
	size_t len = 0;

	sh.out = open_memstream(&text, &len);
	cr_assert_eq(shell_line(&sh, ".format json"), 0);
	cr_assert_str_eq(sh.fmt, "json");
	cr_assert_eq(shell_line(&sh, ".format xml"), EX_USAGE);
	cr_assert_str_eq(sh.fmt, "json");
	cr_assert_eq(shell_line(&sh, ".case CASE-9"), 0);
	cr_assert_str_eq(getenv("CASEKIT_CASE"), "CASE-9");
	cr_assert_eq(shell_line(&sh, ".case"), 0);
	cr_assert_eq(shell_line(&sh, ".case -"), 0);
	cr_assert_null(getenv("CASEKIT_CASE"));
	cr_assert_null(sh.case_id);
	cr_assert_eq(shell_line(&sh, ".case"), 0);
	cr_assert_eq(shell_line(&sh, ".nope"), EX_USAGE);
	cr_assert_eq(shell_line(&sh, ".quit"), SHELL_QUIT);
	cr_assert_eq(shell_line(&sh, ".exit"), SHELL_QUIT);
	fclose(sh.out);
	cr_assert_str_eq(text, "CASE-9\nno current case\n");
	free(text);
	shell_free(&sh);
}

Test(shell, the_prompt_shows_the_case_and_open_sql)
{
	struct shell sh = new_shell();
	char p[160];

	shell_prompt(&sh, p, sizeof(p));
	cr_assert_str_eq(p, "casekit> ");
	sh.case_id = xstrdup("CASE-1");
	shell_prompt(&sh, p, sizeof(p));
	cr_assert_str_eq(p, "casekit [CASE-1]> ");
	shell_line(&sh, "select 1");
	shell_prompt(&sh, p, sizeof(p));
	cr_assert_str_eq(p, "   ...> ");
	shell_free(&sh);
}

/* The candidates for the word at the end of line, joined by '|'; "+files" when files also do. */
static char *complete(struct shell *sh, const char *line)
{
	struct shell_words c = { 0 };
	const char *text = strrchr(line, ' ') ? strrchr(line, ' ') + 1 : line;
	struct buf b = { 0 };
	size_t i;
	int files = shell_complete(sh, line, (size_t)(text - line), text, &c);

	for (i = 0; i < c.n; i++)
		buf_addf(&b, "%s%s", i ? "|" : "", c.v[i]);
	if (files)
		buf_adds(&b, "+files");
	shell_words_free(&c);
	return b.s ? buf_detach(&b) : xstrdup("");
}

Test(shell, completion_offers_applets_dot_commands_and_options)
{
	struct shell sh = new_shell();

	ck.db = "/nonexistent/casekit.db";
	cr_assert_gives(complete(&sh, "s"), "screen|stats|select");
	cr_assert_gives(complete(&sh, "h"), "help");
	cr_assert_gives(complete(&sh, ".f"), ".format");
	cr_assert_gives(complete(&sh, ".format j"), "json");
	cr_assert_gives(complete(&sh, "help li"), "link");
	cr_assert_gives(complete(&sh, "link --ex"), "--explain");
	cr_assert_gives(complete(&sh, "link -"), "--format|--db|--network|--explain");
	cr_assert_gives(complete(&sh, "link -f"), "-f");
	cr_assert_gives(complete(&sh, "link -f t"), "table|tsv");
	cr_assert_gives(complete(&sh, "link --db "), "+files");
	cr_assert_gives(complete(&sh, "case "), "new|show|list");
	cr_assert_gives(complete(&sh, "case -d x.db s"), "show");
	cr_assert_gives(complete(&sh, "nosuch --"), "");
	shell_free(&sh);
}

/* A new store that the shell opens as its -d store (ck.db). */
static struct store *shell_store(void)
{
	static char path[sizeof(unit_dir) + 16];
	struct store *st = unit_store();

	snprintf(path, sizeof(path), "%s/test.db", unit_dir);
	ck.db = path;
	return st;
}

Test(shell, completion_offers_tables_in_sql_and_ids_from_the_store)
{
	struct store *st = shell_store();
	struct shell sh = new_shell();

	cr_assert_eq(store_exec(st,
			     "insert into sources(source_id, path, sha256, size, kind, "
			     "ingested_at) values(1, 's.csv', 'x', 1, 'sellers', "
			     "'2026-01-01T00:00:00Z');"
			     "insert into sellers(seller_id, shop_name, source_id, line) "
			     "values('SHOP-1', 'a', 1, 2), ('SHOP-2', 'b', 1, 3)"),
		0);
	cr_assert_gives(complete(&sh, "select * from selle"), "sellers");
	cr_assert_gives(complete(&sh, "link SHOP"), "SHOP-1|SHOP-2");
	cr_assert_gives(complete(&sh, "link NOPE"), "+files");
	unit_store_close(st);
	shell_free(&sh);
}

Test(shell, sql_runs_read_only_on_the_store_in_the_format_of_dot_format)
{
	struct store *st = shell_store();
	struct shell sh = new_shell();

	cr_redirect_stdout();
	sh.fmt = xstrdup("json");
	cr_assert_eq(shell_run_sql(&sh, "select 1 as one;"), 0);
	cr_assert_eq(shell_run_sql(&sh, "drop table sellers;"), EX_DATAERR);
	cr_assert_null(sh.running, "Ctrl-C has no statement to stop once it is done");
	fflush(stdout);
	cr_assert_stdout_eq_str("[\n{\"one\":1}\n]\n");
	cr_assert_eq(store_exec(st, "select count(*) from sellers"), 0, "the table is still there");
	unit_store_close(st);
	shell_free(&sh);
}
