/* test_report.c - a case's package files: money in major units, hostile text escaped, sections */
#include "casekit.h"
#include "case.h"
#include "leads.h"
#include "report.h"
#include "store.h"
#include "unit.h"
#include <criterion/criterion.h>
#include <criterion/redirect.h>

static struct store *st;
static struct report_ctx c;
static char *case_id;
static int nsources;
static char *sources_txt;

/* report_sources() hands each file over; the tests only count them. */
static void add_source(void *arg, const char *path, char *data, size_t len)
{
	(void)arg;
	nsources++;
	if (strcmp(path, "data/sources/SOURCES.txt") == 0) {
		free(sources_txt);
		sources_txt = xstrndup(data, len);
	}
	free(data);
}

/*
 * A seller with a hostile shop name, a listing whose title is markup, a counterfeit and an
 * authentic test buy in euros, paid orders in euros and yen, and a case opened on the seller
 * and gathered.
 */
static void setup(void)
{
	struct leads l = { 0 };

	st = unit_store();
	cr_assert_eq(
		store_exec(st,
			"INSERT INTO sources(source_id, path, sha256, size, kind, ingested_at)"
			" VALUES(1, 'dump/x.csv', 'aa', 1, 'sellers', '2026-01-01T00:00:00Z');"
			"INSERT INTO sellers(seller_id, shop_name, source_id, line)"
			" VALUES('S1', '<script>alert(\"shop\")</script>', 1, 2);"
			"INSERT INTO listings(listing_id, seller_id, title, price, currency,"
			" source_id, line) VALUES('L1', 'S1', '<img src=x onerror=alert(1)>',"
			" 12900, 'EUR', 1, 2);"
			"INSERT INTO testbuys(testbuy_id, listing_id, verdict, cost, currency,"
			" bought_at, source_id, line) VALUES('T1', 'L1', 'counterfeit', 4550,"
			" 'EUR', '2026-01-02T00:00:00Z', 1, 2), ('T2', 'L1', 'authentic', 4550,"
			" 'EUR', '2026-01-02T00:00:00Z', 1, 3);"
			"INSERT INTO orders(order_id, listing_id, seller_id, amount, currency,"
			" status, source_id, line) VALUES('O1', 'L1', 'S1', 12900, 'EUR',"
			" 'delivered', 1, 2), ('O2', 'L1', 'S1', 1500, 'JPY', 'delivered', 1, 3)"),
		0);
	cr_assert_eq(leads_add(&l, "seller:S1", "seller", CASE_LEAD_KINDS), 0);
	cr_assert_eq(case_open(st, "Week <b>48</b> & \"more\"", &l, "tester", &case_id), 0);
	leads_free(&l);
	memset(&c, 0, sizeof(c));
	c.st = st;
	c.case_id = case_id;
	c.title = "Week <b>48</b> & \"more\"";
	c.status = "open";
	c.opened_at = "2026-01-03T00:00:00Z";
	c.when = "2026-01-04T00:00:00Z";
	c.analyst = "tester";
	c.org = "Unit <Org>";
	cr_assert_eq(case_store_digest(st, c.store_digest), 0);
	cr_assert_eq(case_set_redact(st, 0), 0);
	cr_assert_eq(report_sources_begin(&c), 0);
	cr_assert_eq(case_gather(st, case_id), 0);
	nsources = 0;
	ck.quiet = 1;
	cr_assert_eq(report_sources(&c, add_source, NULL), 0);
}

static void teardown(void)
{
	free(case_id);
	free(sources_txt);
	sources_txt = NULL;
	unit_store_close(st);
}

TestSuite(report, .init = setup, .fini = teardown);

/* What fn wrote for the case (malloc'd). */
static char *text_of(int (*fn)(struct report_ctx *, FILE *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&text, &len);

	cr_assert_eq(fn(&c, fp), 0);
	fclose(fp);
	return text;
}

static int html(struct report_ctx *ctx, FILE *fp)
{
	char *dot = text_of(report_dot);
	int rc = report_html(ctx, dot, fp);

	free(dot);
	return rc;
}

static int csv_orders(struct report_ctx *ctx, FILE *fp)
{
	return report_csv(ctx, "orders", fp);
}

static int csv_sellers(struct report_ctx *ctx, FILE *fp)
{
	return report_csv(ctx, "sellers", fp);
}

#define cr_assert_has(text, want) \
	cr_assert_not_null(strstr(text, want), "want '%s' in:\n%s", want, text)
#define cr_assert_lacks(text, bad) cr_assert_null(strstr(text, bad), "'%s' must not appear", bad)

Test(report, the_html_report_has_its_sections_in_order)
{
	static const char *const ids[] = { "accounts", "links", "payments", "network", "upstream",
		"evidence", "listings", "findings", "timeline", "notes", "sources",
		"certification" };
	char *t = text_of(html), *at = t, want[64];
	size_t i;

	cr_assert_eq(strncmp(t, "<!DOCTYPE html>", 15), 0);
	cr_assert_has(t, "Content-Security-Policy");
	for (i = 0; i < sizeof(ids) / sizeof(*ids); i++) {
		char *p;

		snprintf(want, sizeof(want), "<h2 id=\"%s\">%zu. ", ids[i], i + 1);
		cr_assert_not_null(
			p = strstr(at, want), "section '%s' missing or out of order", ids[i]);
		at = p;
	}
	cr_assert_has(t, case_id);
	/* The dump is gone since ingest: SOURCES.txt says so rather than citing nothing. */
	cr_assert_eq(nsources, 1);
	cr_assert_not_null(sources_txt);
	cr_assert_has(sources_txt,
		"data/sources/x.csv\tx.csv\tsellers\t1\taa\t2\tnot found at "
		"export");
	free(t);
}

Test(report, money_is_shown_in_major_units_of_its_currency)
{
	char *t = text_of(html), *csv = text_of(csv_orders);

	/* 12900 cents are 129.00 euros; yen have no minor unit. */
	cr_assert_has(t,
		"129.00\xc2\xa0"
		"EUR");
	cr_assert_has(t, "1500\xc2\xa0JPY");
	cr_assert_has(t,
		"45.50\xc2\xa0"
		"EUR");
	cr_assert_lacks(t, "12900");
	cr_assert_lacks(t, "15.00");
	cr_assert_has(csv, "O1,L1,S1,,,129.00,EUR,");
	cr_assert_has(csv, "O2,L1,S1,,,1500,JPY,");
	free(csv);
	free(t);
}

Test(report, hostile_text_is_escaped_in_html)
{
	char *t = text_of(html), title[128];

	cr_assert_lacks(t, "<script>");
	cr_assert_lacks(t, "<img");
	cr_assert_lacks(t, "<b>48");
	cr_assert_has(t, "&lt;script&gt;alert(&quot;shop&quot;)&lt;/script&gt;");
	cr_assert_has(t, "&lt;img src=x onerror=alert(1)&gt;");
	/* The case id is CASE-YEAR-0001, the year of today. */
	snprintf(title, sizeof(title),
		"<title>%s: Week &lt;b&gt;48&lt;/b&gt; &amp; &quot;more&quot;</title>", case_id);
	cr_assert_has(t, title);
	cr_assert_has(t, "Unit &lt;Org&gt;");
	free(t);
}

Test(report, hostile_text_is_quoted_in_csv_dot_and_json_ld)
{
	char *csv = text_of(csv_sellers), *dot = text_of(report_dot), *ld = text_of(report_jsonld);

	cr_assert_has(csv, "\"<script>alert(\"\"shop\"\")</script>\"");
	cr_assert_has(dot, "label=\"S1\\n<script>alert(\\\"shop\\\")</script>\"");
	cr_assert_has(ld, "\"uco-core:description\":\"Week <b>48</b> & \\\"more\\\"\"");
	cr_assert_has(
		ld, "\"uco-observable:displayName\":\"<script>alert(\\\"shop\\\")</script>\"");
	free(ld);
	free(dot);
	free(csv);
}

Test(report, the_custody_log_lists_the_case_actions)
{
	char *t = text_of(report_custody);

	cr_assert_has(t, "open");
	cr_assert_has(t, "tester");
	cr_assert_has(t, "seller:S1");
	free(t);
}

/*
 * The timeline's "among them" shows the first subjects in the order people read ids (O2
 * before O10), whatever order the store hands them in, and an analyst's name stays whole.
 */
Test(report, the_timeline_names_its_first_subjects_in_id_order)
{
	struct leads l = { 0 };
	char *t, *id2 = NULL;

	cr_assert_eq(store_exec(st,
			     "INSERT INTO orders(order_id, listing_id, seller_id, amount, currency,"
			     " ordered_at, source_id, line) VALUES"
			     " ('O10', 'L1', 'S1', 100, 'EUR', '2026-01-05T00:00:00Z', 1, 4),"
			     " ('O9', 'L1', 'S1', 100, 'EUR', '2026-01-05T00:00:00Z', 1, 5),"
			     " ('O8', 'L1', 'S1', 100, 'EUR', '2026-01-05T00:00:00Z', 1, 6),"
			     " ('O7', 'L1', 'S1', 100, 'EUR', '2026-01-05T00:00:00Z', 1, 7),"
			     " ('O6', 'L1', 'S1', 100, 'EUR', '2026-01-05T00:00:00Z', 1, 8),"
			     " ('O5', 'L1', 'S1', 100, 'EUR', '2026-01-05T00:00:00Z', 1, 9),"
			     " ('O4', 'L1', 'S1', 100, 'EUR', '2026-01-05T00:00:00Z', 1, 10),"
			     " ('O3', 'L1', 'S1', 100, 'EUR', '2026-01-05T00:00:00Z', 1, 11)"),
		0);
	cr_assert_eq(leads_add(&l, "seller:S1", "seller", CASE_LEAD_KINDS), 0);
	cr_assert_eq(case_open(st, "two", &l, "Jane Doe", &id2), 0);
	leads_free(&l);
	c.case_id = id2;
	cr_assert_eq(case_gather(st, id2), 0);
	t = text_of(html);
	cr_assert_has(t, "<td>O3, O4, O5, O6, O7, O8 and 2 more</td>");
	cr_assert_has(t, "<td>Jane Doe</td>");
	cr_assert_lacks(t, "Jane, Doe");
	c.case_id = case_id;
	free(id2);
	free(t);
}

/* The summary names counterfeit test buys first (setup's T1), before T2's 'authentic'. */
Test(report, the_summary_puts_counterfeit_test_buys_first)
{
	char *t = text_of(html);

	cr_assert_has(t, "test buys: 1 counterfeit; 1 authentic");
	free(t);
}
