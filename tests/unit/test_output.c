/* test_output.c - every format escapes what it must and nothing else */
#include "casekit.h"
#include "output.h"
#include "store.h"
#include <criterion/criterion.h>

static char *render(enum out_format fmt, void (*rows)(struct out *))
{
	static const char *const cols[] = { "id", "text", "n" };
	char *s = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&s, &len);
	struct out *o = out_open(fp, fmt, cols, 3);

	out_set_ids(o, "seller", 0);
	rows(o);
	cr_assert_eq(out_close(o), 0);
	fclose(fp);
	return s;
}

static void tricky(struct out *o)
{
	out_text(o, "S1");
	out_text(o, "a,\"b\"\tc\nd\\");
	out_int(o, -3);
	out_end_row(o);
	out_text(o, "S2");
	out_null(o);
	out_real(o, 0.5);
	out_end_row(o);
}

static void none(struct out *o)
{
	(void)o;
}

static void bad_utf8(struct out *o)
{
	out_text(o, "x\xff\xfey");
	out_text(o, "\xe9\xab\x98"); /* 高 */
	out_int(o, 1);
	out_end_row(o);
}

Test(output, csv_quotes_only_where_needed)
{
	char *s = render(OUT_CSV, tricky);

	cr_assert_str_eq(s, "id,text,n\r\nS1,\"a,\"\"b\"\"\tc\nd\\\",-3\r\nS2,,0.5\r\n");
	free(s);
}

Test(output, tsv_escapes_separators)
{
	char *s = render(OUT_TSV, tricky);

	cr_assert_str_eq(s, "id\ttext\tn\nS1\ta,\"b\"\\tc\\nd\\\\\t-3\nS2\t\t0.5\n");
	free(s);
}

Test(output, json_types_and_escapes)
{
	char *s = render(OUT_JSON, tricky);

	cr_assert_str_eq(s,
		"[\n{\"id\":\"S1\",\"text\":\"a,\\\"b\\\"\\tc\\nd\\\\\",\"n\":-3},\n"
		"{\"id\":\"S2\",\"text\":null,\"n\":0.5}\n]\n");
	free(s);
}

Test(output, empty_json_is_an_empty_array)
{
	char *s = render(OUT_JSON, none);

	cr_assert_str_eq(s, "[]\n");
	free(s);
}

Test(output, empty_tsv_keeps_its_header)
{
	char *s = render(OUT_TSV, none);

	cr_assert_str_eq(s, "id\ttext\tn\n");
	free(s);
}

Test(output, ids_are_typed)
{
	char *s = render(OUT_IDS, tricky);

	cr_assert_str_eq(s, "seller:S1\nseller:S2\n");
	free(s);
}

Test(output, invalid_utf8_becomes_replacement_characters)
{
	char *s = render(OUT_NDJSON, bad_utf8);

	cr_assert_str_eq(
		s, "{\"id\":\"x\xef\xbf\xbd\xef\xbf\xbdy\",\"text\":\"\xe9\xab\x98\",\"n\":1}\n");
	free(s);
}

Test(output, table_aligns_by_display_width)
{
	char *s = render(OUT_TABLE, bad_utf8);

	/* Two U+FFFD make "x..y" four wide; 高 is two wide, so "text" sets that column. */
	cr_assert_str_eq(s, "id    text  n\nx\xef\xbf\xbd\xef\xbf\xbdy  \xe9\xab\x98    1\n");
	free(s);
}

Test(output, display_width_counts_wide_and_combining)
{
	cr_assert_eq(out_display_width("abc", 3), 3);
	cr_assert_eq(out_display_width("\xe9\xab\x98\xe4\xbb\xbf", 6), 4); /* 高仿 */
	cr_assert_eq(out_display_width("e\xcc\x81", 3), 1);                /* e + combining acute */
	cr_assert_eq(out_display_width("\xef\xbc\xa1", 3), 2);             /* fullwidth A */
}

static void money_rows(struct out *o)
{
	out_set_decimal(o, 1);
	out_text(o, "S1");
	out_text(o, "59.10");
	out_money(o, 150000, "JPY");
	out_end_row(o);
	out_text(o, "S2");
	out_text(o, "12 USD"); /* not a plain decimal: stays text */
	out_money(o, -5, "EUR");
	out_end_row(o);
}

Test(output, money_is_a_decimal_number_in_json_and_plain_elsewhere)
{
	char *j = render(OUT_JSON, money_rows), *t = render(OUT_TSV, money_rows);

	cr_assert_str_eq(j,
		"[\n{\"id\":\"S1\",\"text\":59.10,\"n\":150000},\n"
		"{\"id\":\"S2\",\"text\":\"12 USD\",\"n\":-0.05}\n]\n");
	cr_assert_str_eq(t, "id\ttext\tn\nS1\t59.10\t150000\nS2\t12 USD\t-0.05\n");
	free(j);
	free(t);
}

Test(output, a_store_statement_prints_its_columns_and_types)
{
	char dir[] = "/tmp/casekit-unit.XXXXXX", path[256], *text = NULL, cmd[300];
	size_t len = 0;
	struct store *st;
	struct store_stmt *s;
	FILE *fp;

	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(setenv("XDG_DATA_HOME", dir, 1), 0);
	snprintf(path, sizeof(path), "%s/test.db", dir);
	cr_assert_eq(store_open(&st, path, STORE_CREATE), 0);
	s = store_prepare(st,
		"SELECT 'L1' AS listing_id, 5910 AS n, '59.10' AS price, NULL AS none,"
		" 1.5 AS r, x'ab01' AS b");
	cr_assert_not_null(s);
	fp = open_memstream(&text, &len);
	cr_assert_eq(out_query_all(out_open_query(fp, OUT_JSON, s), s), 0);
	fclose(fp);
	/* a money column's decimal is a number; a blob is hex */
	cr_assert_str_eq(text,
		"[\n{\"listing_id\":\"L1\",\"n\":5910,\"price\":59.10,\"none\":null,\"r\":1.5,"
		"\"b\":\"ab01\"}\n]\n");
	free(text);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}
