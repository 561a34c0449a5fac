/* money.h - amounts of money: ISO 4217 minor units in the store, major units in every output */
#ifndef CASEKIT_MONEY_H
#define CASEKIT_MONEY_H
#include <stdint.h>

/*
 * The orders whose amounts count as value (SQL over an orders table aliased o): cancelled and
 * refunded orders are left out everywhere a value is shown, so case, link and stats agree.
 */
#define MONEY_PAID_ORDER \
	"lower(coalesce(o.status, '')) NOT IN ('cancelled', 'canceled', 'refunded')"

/* Room for any amount money_format() writes: sign, 19 digits, point, NUL. */
#define MONEY_MAX 24

/* Decimal places of a currency's minor unit (ISO 4217): 0 for JPY, 3 for KWD, else 2. */
int money_exponent(const char *currency);
/*
 * Parse a decimal amount ("129.00", "-3.1", "1500") into minor units of a currency with the
 * given exponent. Trailing zeros past the exponent are fine; any other extra digit is an
 * error, since money is never rounded. 0 and *out set, or -1 (junk, overflow, "1,200.00").
 */
int money_parse(const char *s, int exponent, int64_t *out);
/*
 * Split an amount a person typed, with an optional ISO 4217 code before or after it ("500",
 * "500CNY", "129.50 EUR", "CNY 500"), into its decimal (num, "129.50": up to 23 whole and 7
 * fraction digits) and the code in capitals (cur, "" when there is none). 0, or -1 when s is
 * not such an amount. money_parse() then takes num in the currency's minor units.
 */
#define MONEY_NUM_MAX 32
int money_split(const char *s, char num[MONEY_NUM_MAX], char cur[4]);
/* Minor units as a decimal in major units: 5910 USD is "59.10", 1500 JPY "1500". Returns out. */
char *money_format(int64_t minor, const char *currency, char out[MONEY_MAX]);
#endif
