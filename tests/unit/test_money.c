/* test_money.c - amounts: minor units in the store, major units in every output */
#include "casekit.h"
#include "money.h"
#include <criterion/criterion.h>

Test(money, parse_uses_the_currency_exponent)
{
	int64_t v;

	cr_assert_eq(money_parse("129.00", 2, &v), 0);
	cr_assert_eq(v, 12900);
	cr_assert_eq(money_parse("89.5", 2, &v), 0);
	cr_assert_eq(v, 8950);
	cr_assert_eq(money_parse("1500", money_exponent("JPY"), &v), 0);
	cr_assert_eq(v, 1500);
	cr_assert_eq(money_parse("1.234", money_exponent("KWD"), &v), 0);
	cr_assert_eq(v, 1234);
	cr_assert_eq(money_parse("-3.10", 2, &v), 0);
	cr_assert_eq(v, -310);
	cr_assert_eq(money_parse("5.000", 2, &v), 0, "trailing zeros are not precision");
	cr_assert_eq(v, 500);
}

Test(money, parse_never_rounds_or_guesses)
{
	int64_t v;

	cr_assert_eq(money_parse("12.345", 2, &v), -1);
	cr_assert_eq(money_parse("1.5", 0, &v), -1);
	cr_assert_eq(money_parse("", 2, &v), -1);
	cr_assert_eq(money_parse(".", 2, &v), -1);
	cr_assert_eq(money_parse("1,200.00", 2, &v), -1);
	cr_assert_eq(money_parse("12 USD", 2, &v), -1);
	cr_assert_eq(money_parse("99999999999999999999", 2, &v), -1);
}

Test(money, exponents_follow_iso_4217)
{
	cr_assert_eq(money_exponent("KRW"), 0);
	cr_assert_eq(money_exponent("EUR"), 2);
	cr_assert_eq(money_exponent("BHD"), 3);
	/* fuzz_csvio found the list walk reading past its end for a code not in it */
	cr_assert_eq(money_exponent("ZZZ"), 2);
	cr_assert_eq(money_exponent("XPF"), 0);
	cr_assert_eq(money_exponent("TND"), 3);
	cr_assert_eq(money_exponent("F X"), 2);
	cr_assert_eq(money_exponent("a"), 2);
}

Test(money, format_prints_major_units)
{
	char b[MONEY_MAX];

	cr_assert_str_eq(money_format(5910, "USD", b), "59.10");
	cr_assert_str_eq(money_format(39900, "CNY", b), "399.00");
	cr_assert_str_eq(money_format(5, "EUR", b), "0.05");
	cr_assert_str_eq(money_format(-310, "EUR", b), "-3.10");
	cr_assert_str_eq(money_format(-5, "EUR", b), "-0.05");
	cr_assert_str_eq(money_format(1500, "JPY", b), "1500");
	cr_assert_str_eq(money_format(1234, "KWD", b), "1.234");
	cr_assert_str_eq(money_format(INT64_MIN, "USD", b), "-92233720368547758.08");
	cr_assert_str_eq(money_format(12, NULL, b), "0.12", "no currency: two places");
}

Test(money, format_inverts_parse)
{
	static const char *const cases[][2] = { { "0.01", "USD" }, { "129.50", "CNY" },
		{ "-7.25", "EUR" }, { "15000", "KRW" }, { "0.125", "BHD" },
		{ "920000000000000.07", "USD" } };
	char b[MONEY_MAX];
	size_t i;
	int64_t v;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		cr_assert_eq(money_parse(cases[i][0], money_exponent(cases[i][1]), &v), 0);
		cr_assert_str_eq(money_format(v, cases[i][1], b), cases[i][0]);
	}
}

Test(money, split_takes_the_code_before_or_after_the_amount)
{
	char num[MONEY_NUM_MAX], cur[4];

	cr_assert_eq(money_split("500", num, cur), 0);
	cr_assert_str_eq(num, "500");
	cr_assert_str_eq(cur, "");
	cr_assert_eq(money_split(" usd 129.50 ", num, cur), 0);
	cr_assert_str_eq(num, "129.50");
	cr_assert_str_eq(cur, "USD");
	cr_assert_eq(money_split("300JPY", num, cur), 0);
	cr_assert_str_eq(num, "300");
	cr_assert_str_eq(cur, "JPY");
}

Test(money, split_refuses_what_is_not_one_amount)
{
	static const char *const bad[] = { "", "CNY", "500.", ".5", "-5", "5 CNYX", "ABCD 5",
		"CNY 5 USD", "5CNY7", "1.12345678", "123456789012345678901234", "1,200.00" };
	char num[MONEY_NUM_MAX], cur[4];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		cr_assert_eq(money_split(bad[i], num, cur), -1, "'%s'", bad[i]);
}
