/* takedown.c - decide rights holders' notices on casekit's own evidence, and expand them */
#include "casekit.h"
#include "case.h"
#include "commands.h"
#include "opt.h"
#include "output.h"
#include "screen.h"
#include "store.h"
#include "takedown.h"
#include <unistd.h>

static const char usage[] =
	"casekit takedown [-d PATH] [-f FMT] [--analyst NAME] [--rules DIR] triage [--from FILE|-]"
	" | decide NOTICE accept|reject --reason TEXT | expand NOTICE"
	" | list [--open|--overdue HOURS] | export [--all] | notifiers";
static const char help[] =
	"Decide rights holders' notices (kind notices) on the evidence the store already holds.\n"
	"'triage' decides every open notice: reject (the notifier is not the brand's holder nor\n"
	"a declared agent, the listing does not show the brand, no such listing, a duplicate),\n"
	"accept in the express lane only on casekit's own evidence (screen flags the listing for\n"
	"the brand, a counterfeit test buy in its seller's network, a network of flagged listings\n"
	"of the brand), review otherwise and whenever evidence points the other way. 'decide'\n"
	"records an analyst's decision; 'expand' lists the other flagged listings of the brand in\n"
	"the operation; 'list', 'export' and 'notifiers' show notices, decisions and each\n"
	"notifier's good-faith record. Every decision is kept with its time, analyst, reasons\n"
	"and evidence, and goes to the custody log of an open case that holds the listing.";

/* Notice ids one a line ("notice:ID" or a bare id); blank lines and # comments skipped. */
static int read_ids(const char *path, char ***ids, size_t *n)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (!fp)
		return ck_error(EX_NOINPUT, "cannot open '%s': %s", path, strerror(errno));
	if (fp == stdin && isatty(STDIN_FILENO))
		ck_usage_error("--from - reads notice ids from stdin, which is a terminal");
	while ((len = getline(&line, &cap, fp)) >= 0) {
		char *p = line, *e = line + len;

		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = '\0';
		if (!*p || *p == '#')
			continue;
		if (strncmp(p, "notice:", 7) == 0)
			p += 7;
		*ids = xrealloc(*ids, (*n + 1) * sizeof(**ids));
		(*ids)[(*n)++] = xstrdup(p);
	}
	free(line);
	if (fp != stdin)
		fclose(fp);
	return 0;
}

static int do_triage(struct store *st, const struct takedown_policy *p, const char *rules,
	const char *analyst, const char *from)
{
	char **ids = NULL;
	size_t n = 0, i;
	struct out *o;
	struct screen *sc;
	int rc;

	/* The rules first: a folder that is not there must not leave a header with no rows. */
	if ((rc = screen_open(&sc, rules)))
		return rc;
	screen_close(sc);
	if (from && (rc = read_ids(from, &ids, &n)))
		return rc;
	if (from && n == 0) {
		free(ids);
		return 0;
	}
	o = out_open(stdout, out_format_for(stdout), takedown_triage_cols, TAKEDOWN_TRIAGE_NCOLS);
	out_set_ids(o, "notice", 0);
	rc = takedown_triage(st, p, rules, analyst, (const char *const *)ids, n, o);
	if (rc)
		out_close(o);
	else
		rc = out_close(o);
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	return rc;
}

/* Print the rows of s (NULL: EX_SOFTWARE, already said), ids of kind idkind. */
static int print_stmt(struct store_stmt *s, const char *idkind)
{
	struct out *o;

	if (!s)
		return EX_SOFTWARE;
	o = out_open_query(stdout, out_format_for(stdout), s);
	out_set_guard(o); /* notifiers' text, bound for spreadsheets: no cell runs as a formula */
	if (idkind)
		out_set_ids(o, idkind, 0);
	return out_query_all(o, s);
}

static int print_sql(
	struct store *st, const char *sql, const char *idkind, const char *bind, double hours)
{
	struct store_stmt *s = store_prepare(st, sql);

	if (s && bind)
		store_bind_text(s, 1, bind);
	if (s && hours >= 0)
		store_bind_double(s, 2, hours);
	return print_stmt(s, idkind);
}

/*
 * A notice's state: its last decision, or open. Its listing is the one triage found; before
 * triage, the one of its id, while an address waits for triage to match it (unchecked).
 */
#define STATE_SQL \
	"SELECT n.notice_id, coalesce(d.decision, 'open') state, d.lane, n.rights_holder notifier," \
	" n.brand, coalesce(n.listing_id, n.url) listing_or_url, CASE WHEN d.decision_id IS " \
	"NULL AND n.listing_id IS NULL THEN 'unchecked' WHEN EXISTS (SELECT 1 FROM listings l " \
	"WHERE l.listing_id = coalesce(d.listing_id, n.listing_id)) THEN 'found' ELSE " \
	"'missing' END listing, n.received_at, round((julianday(coalesce(d.decided_at, ?1)) - " \
	"julianday(n.received_at)) * 24, 1) hours_open FROM notices n LEFT JOIN " \
	"notice_decisions d ON d.decision_id = (SELECT max(decision_id) FROM notice_decisions x " \
	"WHERE x.notice_id = n.notice_id)"
/*
 * The same on Citus, which correlates no subquery with a distributed table (listings) and
 * joins none with a table of the coordinator's own (notice_decisions): the notices and their
 * last decisions first, then which of their listings are there, looked up on the workers.
 */
#define STATE_SQL_CITUS \
	"WITH ck_n AS MATERIALIZED (SELECT n.notice_id, coalesce(d.decision, 'open') state, " \
	"d.lane, n.rights_holder notifier, n.brand, coalesce(n.listing_id, n.url) listing_or_url, " \
	"d.decision_id, n.listing_id nl, coalesce(d.listing_id, n.listing_id) lid, " \
	"n.received_at, d.decided_at FROM notices n LEFT JOIN notice_decisions d ON " \
	"d.decision_id = (SELECT max(decision_id) FROM notice_decisions x WHERE x.notice_id = " \
	"n.notice_id)), ck_found AS MATERIALIZED (SELECT DISTINCT listing_id FROM listings WHERE " \
	"listing_id IN (SELECT lid FROM ck_n)) SELECT notice_id, state, lane, notifier, brand, " \
	"listing_or_url, CASE WHEN decision_id IS NULL AND nl IS NULL THEN 'unchecked' WHEN lid " \
	"IN (SELECT listing_id FROM ck_found) THEN 'found' ELSE 'missing' END listing, " \
	"received_at, round((julianday(coalesce(decided_at, ?1)) - julianday(received_at)) * " \
	"24, 1) hours_open FROM ck_n"

static int do_list(struct store *st, int open, const char *overdue)
{
	const char *state = store_is_distributed(st) ? STATE_SQL_CITUS : STATE_SQL, *where = "";
	char now[21], sql[2048];
	double hours = -1;
	char *end;

	if (overdue) {
		hours = strtod(overdue, &end);
		if (*end || end == overdue || hours < 0)
			ck_usage_error("--overdue takes a number of hours, not '%s'", overdue);
	}
	ck_clock_iso(now);
	if (overdue)
		/* Overdue: still waiting (open or in review) and older than HOURS now. */
		where = " WHERE state IN ('open', 'review') AND (julianday(?1) - "
			"julianday(received_at)) * 24 > ?2";
	else if (open)
		where = " WHERE state IN ('open', 'review')";
	snprintf(sql, sizeof(sql), "SELECT * FROM (%s)%s ORDER BY received_at, notice_id", state,
		where);
	return print_sql(st, sql, "notice", now, hours);
}

static int do_export(struct store *st, int all)
{
	return print_sql(st,
		all ? "SELECT d.decision_id, d.notice_id, d.decision, d.lane, d.reasons, "
		      "d.evidence, d.listing_id, d.seller_id, d.network_id, d.notifier, "
		      "n.contact_email, d.brand, d.proposed, n.received_at, d.decided_at, d.analyst "
		      "FROM notice_decisions d LEFT JOIN notices n USING(notice_id) ORDER BY "
		      "d.decision_id"
		    : "SELECT d.notice_id, d.decision, d.lane, d.reasons, d.evidence, d.listing_id, "
		      "d.seller_id, d.network_id, d.notifier, n.contact_email, d.brand, "
		      "d.proposed, n.received_at, d.decided_at, d.analyst FROM notice_decisions d "
		      "LEFT JOIN notices n USING(notice_id) WHERE d.decision_id = (SELECT "
		      "max(decision_id) FROM notice_decisions x WHERE x.notice_id = d.notice_id) "
		      "ORDER BY d.notice_id",
		all ? NULL : "notice", NULL, -1);
}

static int do_expand(struct store *st, const char *rules, const char *notice)
{
	int rc = takedown_expand(st, rules, notice);
	struct store_stmt *s;
	struct out *o;

	if (rc)
		return rc;
	if (!(s = store_prepare(st,
		      "SELECT listing_id, seller_id, network_id, score, reasons "
		      "FROM td_expand ORDER BY score DESC, listing_id")))
		return EX_SOFTWARE;
	o = out_open_query(stdout, out_format_for(stdout), s);
	out_set_ids(o, "listing", 0);
	return out_query_all(o, s);
}

int cmd_takedown(int argc, char **argv)
{
	const char *from = NULL, *analyst = NULL, *reason = NULL, *overdue = NULL, *rules = NULL,
		   *sub;
	int open = 0, all = 0, rc;
	struct takedown_policy policy;
	struct store *st;
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_FORMAT,
		CK_OPT_STR(0, "from", &from, "FILE",
			"triage only the notice ids in FILE or - (triage)"),
		CK_OPT_STR(0, "analyst", &analyst, "NAME",
			"who decides (default: $CASEKIT_ANALYST, config analyst, $USER)"),
		CK_OPT_STR(0, "reason", &reason, "TEXT", "why (decide; required)"),
		CK_OPT_BOOL(0, "open", &open, "only notices not yet decided or in review (list)"),
		CK_OPT_STR(0, "overdue", &overdue, "HOURS",
			"only notices waiting longer than HOURS (list)"),
		CK_OPT_BOOL(0, "all", &all, "every decision, not only each notice's last (export)"),
		CK_OPT_STR(
			0, "rules", &rules, "DIR", "screening rules (default: the installed ones)"),
		CK_OPT_END,
	};
	static const struct ck_sub subs[] = {
		CK_SUB("triage", NULL),
		CK_SUB("decide", "NOTICE"),
		CK_SUB("expand", "NOTICE"),
		CK_SUB("list", NULL),
		CK_SUB("export", NULL),
		CK_SUB("notifiers", NULL),
		CK_SUB_END,
	};

	case_remember_command();
	argc = ck_parse_subcommand(argc, argv, opts, subs, usage, help);
	sub = argv[0];
	argc--;
	argv++;
	if (!analyst || !*analyst)
		analyst = ck_analyst();
	if (strcmp(sub, "decide") == 0) {
		if (argc != 2)
			ck_usage_error("decide needs a NOTICE and accept or reject");
		if (strcmp(argv[1], "accept") != 0 && strcmp(argv[1], "reject") != 0)
			ck_usage_error("decide takes accept or reject, not '%s'", argv[1]);
		if (!reason || !*reason)
			ck_usage_error("decide needs --reason TEXT");
	} else if (strcmp(sub, "expand") == 0) {
		if (argc != 1)
			ck_usage_error("expand needs one NOTICE");
	} else if (argc != 0) {
		ck_usage_error("%s takes no operands", sub);
	}
	if (from && strcmp(sub, "triage") != 0)
		ck_usage_error("--from goes with triage");
	if ((open || overdue) && strcmp(sub, "list") != 0)
		ck_usage_error("--open and --overdue go with list");
	if (open && overdue)
		ck_usage_error("--open or --overdue, not both");
	if (reason && strcmp(sub, "decide") != 0)
		ck_usage_error("--reason goes with decide");
	if (all && strcmp(sub, "export") != 0)
		ck_usage_error("--all goes with export");
	if ((strcmp(sub, "triage") == 0 || strcmp(sub, "notifiers") == 0) &&
		(rc = takedown_policy_load(&policy)))
		return rc;
	if ((rc = store_open(&st, NULL,
		     strcmp(sub, "triage") == 0 || strcmp(sub, "decide") == 0 ? 0
									      : STORE_READONLY)))
		return rc;
	if (strcmp(sub, "triage") == 0)
		rc = do_triage(st, &policy, rules, analyst, from);
	else if (strcmp(sub, "decide") == 0)
		rc = takedown_decide(st, argv[0], argv[1], reason, analyst);
	else if (strcmp(sub, "expand") == 0)
		rc = do_expand(st, rules, argv[0]);
	else if (strcmp(sub, "list") == 0)
		rc = do_list(st, open, overdue);
	else if (strcmp(sub, "export") == 0)
		rc = do_export(st, all);
	else
		rc = print_stmt(takedown_record_prepare(st, &policy), NULL);
	store_close(st);
	return rc;
}
