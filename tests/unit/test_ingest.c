/* test_ingest.c - the field parsers (currencies, times, UTF-8) and rows without a store */
#include "casekit.h"
#include "ingest.h"
#include <criterion/criterion.h>
#include <unistd.h>

Test(ingest, currencies_are_three_letters)
{
	char c[4];

	cr_assert_eq(ingest_currency("usd", c), 0);
	cr_assert_str_eq(c, "USD");
	cr_assert_eq(ingest_currency("US", c), -1);
	cr_assert_eq(ingest_currency("USDT", c), -1);
	cr_assert_eq(ingest_currency("U$D", c), -1);
}

Test(ingest, times_become_utc)
{
	char t[21];

	cr_assert_eq(ingest_time("2025-03-01T08:00:00+08:00", NULL, t), 0);
	cr_assert_str_eq(t, "2025-03-01T00:00:00Z");
	cr_assert_eq(ingest_time("2025-06-01T23:30:00-02:00", NULL, t), 0);
	cr_assert_str_eq(t, "2025-06-02T01:30:00Z");
	cr_assert_eq(ingest_time("2025-06-02 09:30", NULL, t), 0);
	cr_assert_str_eq(t, "2025-06-02T09:30:00Z");
	cr_assert_eq(ingest_time("2025-06-02T09:30:00.123Z", NULL, t), 0);
	cr_assert_str_eq(t, "2025-06-02T09:30:00Z");
	cr_assert_eq(ingest_time("2024-02-29", NULL, t), 0);
	cr_assert_str_eq(t, "2024-02-29");
	cr_assert_eq(ingest_time("31/12/2025", "%d/%m/%Y", t), 0);
	cr_assert_str_eq(t, "2025-12-31");
	cr_assert_eq(ingest_time("19081209", "%Y%m%d", t), 0);
	cr_assert_str_eq(t, "1908-12-09");
}

Test(ingest, bad_times_are_refused)
{
	char t[21];

	cr_assert_eq(ingest_time("2025-13-01", NULL, t), -1);
	cr_assert_eq(ingest_time("2023-02-29", NULL, t), -1);
	cr_assert_eq(ingest_time("2025-06-02T25:00", NULL, t), -1);
	cr_assert_eq(ingest_time("2025-06-02T10:00:00+8", NULL, t), -1);
	cr_assert_eq(ingest_time("yesterday", NULL, t), -1);
	cr_assert_eq(ingest_time("2025-06-02x", NULL, t), -1);
	cr_assert_eq(ingest_time("31/02/2025", "%d/%m/%Y", t), -1);
}

static char *tmpfile_with(const char *text)
{
	char *path = xstrdup("/tmp/test_ingest.XXXXXX");
	int fd = mkstemp(path);
	size_t n = strlen(text);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

Test(ingest, rows_are_converted_as_ingest_converts_them)
{
	char *path = tmpfile_with(
		"\xef\xbb\xbflisting_id;seller_id;title;price;currency;created_at;colour\r\n"
		"L1;S1;\"bag\nblack\";129.5;usd;2026-01-10 09:30+01:00;red\r\n"
		"L2;S9;x;1500;JPY;;\r\n");
	struct ingest_opts o = { .kind = "listings" };
	struct ingest_rows *r;
	int price, cur, made, title;
	int64_t v;

	cr_assert_eq(ingest_rows_open(&r, &o, path), 0);
	price = ingest_rows_field(r, "price");
	cur = ingest_rows_field(r, "currency");
	made = ingest_rows_field(r, "created_at");
	title = ingest_rows_field(r, "title");
	cr_assert_eq(ingest_rows_field(r, "colour"), -1, "not a field of the kind");
	cr_assert_eq(ingest_rows_next(r), INGEST_ROW);
	cr_assert_eq(ingest_rows_line(r), 2);
	cr_assert_str_eq(ingest_rows_text(r, title), "bag\nblack");
	cr_assert_eq(ingest_rows_num(r, price, &v), 1);
	cr_assert_eq(v, 12950);
	cr_assert_str_eq(ingest_rows_text(r, cur), "USD");
	cr_assert_str_eq(ingest_rows_text(r, made), "2026-01-10T08:30:00Z");
	cr_assert_eq(ingest_rows_next(r), INGEST_ROW, "an unknown seller is no reject here");
	cr_assert_eq(ingest_rows_line(r), 4);
	cr_assert_eq(ingest_rows_num(r, price, &v), 1);
	cr_assert_eq(v, 1500);
	cr_assert_null(ingest_rows_text(r, made), "an empty cell is missing");
	cr_assert_eq(ingest_rows_next(r), 0);
	cr_assert_eq(ingest_rows_read(r), 2);
	ingest_rows_close(r);
	unlink(path);
	free(path);
}

Test(ingest, rows_ingest_would_reject_say_why)
{
	char *path = tmpfile_with("listing_id,seller_id,price,currency\n"
				  "L1,S1,12.345,USD\n"
				  ",S1,1,USD\n"
				  "L3,S1,1\n"
				  "L4,S1,1,US\n"
				  "L5,S1,2.50,EUR\n");
	struct ingest_opts o = { .kind = "listings" };
	struct ingest_rows *r;
	static const char *const why[] = { "bad number '12.345' in price", "missing listing_id",
		"wrong field count: 3 fields, the header has 4",
		"bad currency 'US': not an ISO 4217 code" };
	size_t i;

	cr_assert_eq(ingest_rows_open(&r, &o, path), 0);
	for (i = 0; i < 4; i++) {
		cr_assert_eq(ingest_rows_next(r), INGEST_REJECTED, "row %zu", i);
		cr_assert_eq(ingest_rows_line(r), i + 2);
		cr_assert_str_eq(ingest_rows_reason(r), why[i]);
	}
	cr_assert_eq(ingest_rows_next(r), INGEST_ROW);
	cr_assert_eq(ingest_rows_next(r), 0);
	cr_assert_eq(ingest_rows_read(r), 5);
	cr_assert_eq(ingest_rows_rejected(r), 4);
	ingest_rows_close(r);
	unlink(path);
	free(path);
}

Test(ingest, rows_need_a_header_with_the_key)
{
	char *path = tmpfile_with("seller_id,title\nS1,x\n");
	struct ingest_opts o = { .kind = "listings" }, p = { .kind = "payments" };
	struct ingest_rows *r;

	cr_assert_eq(ingest_rows_open(&r, &o, path), EX_DATAERR);
	cr_assert_null(r);
	cr_assert_eq(ingest_rows_open(&r, &p, path), EX_USAGE, "payments need the key");
	unlink(path);
	free(path);
}
