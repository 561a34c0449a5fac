/* test_util.c - buffers, number parsing, edit distance */
#include "casekit.h"
#include <criterion/criterion.h>

Test(util, buf_grows_and_stays_terminated)
{
	struct buf b = { 0 };
	int i;

	for (i = 0; i < 1000; i++)
		buf_addc(&b, 'x');
	buf_addf(&b, "%d-%s", 42, "y");
	cr_assert_eq(b.len, 1004);
	cr_assert_str_eq(b.s + 1000, "42-y");
	buf_reset(&b);
	cr_assert_str_eq(b.s, "");
	buf_free(&b);
}

Test(util, buf_detach_hands_over_an_empty_string)
{
	struct buf b = { 0 };
	char *s = buf_detach(&b);

	cr_assert_str_eq(s, "");
	free(s);
}

Test(util, parse_long_rejects_junk_and_overflow)
{
	long long v;

	cr_assert_eq(ck_parse_long("-12", &v), 0);
	cr_assert_eq(v, -12);
	cr_assert_eq(ck_parse_long("12x", &v), -1);
	cr_assert_eq(ck_parse_long("", &v), -1);
	cr_assert_eq(ck_parse_long("99999999999999999999", &v), -1);
}

Test(util, levenshtein_counts_edits)
{
	cr_assert_eq(ck_levenshtein("query", "qurey"), 2);
	cr_assert_eq(ck_levenshtein("link", "lnk"), 1);
	cr_assert_eq(ck_levenshtein("", "abc"), 3);
	cr_assert_eq(ck_levenshtein("same", "same"), 0);
}

Test(util, now_follows_source_date_epoch)
{
	char t[21];

	setenv("SOURCE_DATE_EPOCH", "0", 1);
	ck_now_iso(t);
	cr_assert_str_eq(t, "1970-01-01T00:00:00Z");
	unsetenv("SOURCE_DATE_EPOCH");
}

Test(util, in_list_matches_whole_words_only)
{
	cr_assert(ck_in_list("table|csv|tsv", "csv", 3));
	cr_assert(ck_in_list("table|csv|tsv", "tsvx", 3));
	cr_assert_not(ck_in_list("table|csv|tsv", "cs", 2));
	cr_assert_not(ck_in_list("table|csv|tsv", "csv|tsv", 7));
	cr_assert(ck_in_list("seller", "seller", 6));
	cr_assert_not(ck_in_list("", "x", 1));
}

Test(util, names_give_each_string_one_id_through_growth)
{
	struct ck_names t = { 0 };
	char s[32];
	int i;

	cr_assert_eq(ck_name_find(&t, "x"), -1);
	for (i = 0; i < 5000; i++) {
		snprintf(s, sizeof(s), "seller-%d", i);
		cr_assert_eq(ck_name_id(&t, s), i);
	}
	for (i = 0; i < 5000; i += 7) {
		snprintf(s, sizeof(s), "seller-%d", i);
		cr_assert_eq(ck_name_id(&t, s), i, "a string seen before keeps its id");
		cr_assert_eq(ck_name_find(&t, s), i);
		cr_assert_str_eq(t.v[i], s);
	}
	cr_assert_eq(t.n, 5000);
	cr_assert_eq(ck_name_find(&t, "seller-5000"), -1);
	cr_assert_eq(ck_name_id(&t, ""), 5000, "the empty string is a name too");
	ck_names_free(&t);
	cr_assert_eq(t.n, 0);
}

Test(util, mask_cards_keeps_the_last_four_of_luhn_numbers)
{
	char a[] = "bad date '4111111111111111' in added_at";
	char b[] = "4111-1111-1111-1111 and 4111 1111 1111 1111";
	char c[] = "4111111111111112 1234567890123 20250605120000";
	char d[] = "x378282246310005y, 41111111111111111111";

	cr_assert_eq(ck_mask_cards(a, strlen(a)), 1);
	cr_assert_str_eq(a, "bad date '************1111' in added_at");
	cr_assert_eq(ck_mask_cards(b, strlen(b)), 2);
	cr_assert_str_eq(b, "****-****-****-1111 and **** **** **** 1111");
	cr_assert_eq(ck_mask_cards(c, strlen(c)), 0, "no Luhn, too short or a timestamp: kept");
	cr_assert_str_eq(c, "4111111111111112 1234567890123 20250605120000");
	cr_assert_eq(ck_mask_cards(d, strlen(d)), 1, "15 digits masked; 20 digits are no card");
	cr_assert_str_eq(d, "x***********0005y, 41111111111111111111");
	cr_assert_eq(ck_mask_cards(NULL, 0), 0);
}

Test(util, natural_cmp_sorts_digit_runs_as_numbers)
{
	cr_assert_lt(ck_natural_cmp("link:20", 7, "link:100", 8), 0);
	cr_assert_gt(ck_natural_cmp("L10", 3, "L9", 2), 0);
	cr_assert_lt(ck_natural_cmp("S007", 4, "S7", 2), 0);
	cr_assert_eq(ck_natural_cmp("S7", 2, "S7", 2), 0);
	cr_assert_lt(ck_natural_cmp("S7", 2, "S7a", 3), 0);
	cr_assert_lt(ck_natural_cmp("a", 1, "b", 1), 0);
	cr_assert_lt(ck_natural_cmp("link:2:device", 13, "link:2:phone", 12), 0);
}

Test(util, count_says_one_or_many)
{
	cr_assert_str_eq(ck_count(1, "shipment", "shipments"), "1 shipment");
	cr_assert_str_eq(ck_count(0, "row", "rows"), "0 rows");
	cr_assert_str_eq(ck_count(2, "party", "parties"), "2 parties");
	cr_assert_str_eq(ck_article("orders"), "an");
	cr_assert_str_eq(ck_article("sellers"), "a");
}

Test(util, path_join_uses_one_slash)
{
	char *p;

	cr_assert_str_eq(p = ck_path_join("dump/", "sellers.csv"), "dump/sellers.csv");
	free(p);
	cr_assert_str_eq(p = ck_path_join("dump", "sellers.csv"), "dump/sellers.csv");
	free(p);
	cr_assert_str_eq(p = ck_path_join("a//", "b"), "a/b");
	free(p);
	cr_assert_str_eq(p = ck_path_join("/", "b"), "/b");
	free(p);
}

Test(util, splitmix64_gives_the_published_sequence)
{
	/* the first outputs of splitmix64 seeded with 0, as in Vigna's reference code */
	uint64_t s = 0;

	cr_assert_eq(ck_splitmix64(&s), 0xe220a8397b1dcdafULL);
	cr_assert_eq(ck_splitmix64(&s), 0x6e789e6aa1b965f4ULL);
	cr_assert_eq(ck_splitmix64(&s), 0x06c45d188009454fULL);
}

Test(util, uniform_stays_in_the_unit_interval)
{
	uint64_t s = 42;
	double v, sum = 0;
	int i;

	for (i = 0; i < 10000; i++) {
		v = ck_uniform(&s);
		cr_assert(v >= 0 && v < 1);
		sum += v;
	}
	cr_assert(sum / 10000 > 0.48 && sum / 10000 < 0.52);
}
