/* money.c - amounts of money: ISO 4217 minor units in the store, major units in every output */
#include "casekit.h"
#include "money.h"
#include <ctype.h>

int money_exponent(const char *code)
{
	/* ISO 4217 minor units; every code not listed here has two. */
	static const char zero[] =
		"BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
	static const char three[] = "BHD IQD JOD KWD LYD OMR TND";
	size_t i;

	if (!code || strlen(code) != 3)
		return 2;
	for (i = 0; i < 3; i++)
		if (code[i] < 'A' || code[i] > 'Z')
			return 2;
	/* Three capitals hold no space, so they can only match a whole code of the list. */
	if (strstr(zero, code))
		return 0;
	if (strstr(three, code))
		return 3;
	return 2;
}

int money_parse(const char *s, int exponent, int64_t *out)
{
	int neg = 0, digits = 0, frac = 0;
	int64_t v = 0;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*s - '0');
	}
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			digits++;
			if (frac < exponent) {
				if (v > (INT64_MAX - 9) / 10)
					return -1;
				v = v * 10 + (*s - '0');
				frac++;
			} else if (*s != '0') {
				return -1; /* more precision than the currency has: never round money */
			}
		}
	}
	if (*s || digits == 0)
		return -1;
	for (; frac < exponent; frac++) {
		if (v > INT64_MAX / 10)
			return -1;
		v *= 10;
	}
	*out = neg ? -v : v;
	return 0;
}

/* Three letters at p, as capitals into cur: the length taken (3), or 0. */
static size_t code_at(const char *p, char cur[4])
{
	size_t n;

	for (n = 0; n < 3 && isalpha((unsigned char)p[n]); n++)
		cur[n] = (char)toupper((unsigned char)p[n]);
	cur[n] = '\0';
	return n == 3 && !isalpha((unsigned char)p[3]) ? 3 : 0;
}

int money_split(const char *s, char num[MONEY_NUM_MAX], char cur[4])
{
	const char *p = s, *w, *f = NULL;
	size_t m = 0;

	cur[0] = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (isalpha((unsigned char)*p)) {
		if (!code_at(p, cur))
			return -1;
		p += 3;
		while (isspace((unsigned char)*p))
			p++;
	}
	for (w = p; isdigit((unsigned char)*p); p++)
		;
	if (p == w || p - w > 23)
		return -1;
	if (*p == '.') {
		for (f = ++p; isdigit((unsigned char)*p); p++)
			;
		m = (size_t)(p - f);
		if (m == 0 || m > 7)
			return -1;
	}
	snprintf(num, MONEY_NUM_MAX, "%.*s%s%.*s", (int)((f ? f - 1 : p) - w), w, f ? "." : "",
		(int)m, f ? f : "");
	while (isspace((unsigned char)*p))
		p++;
	if (*p) {
		if (cur[0] || !code_at(p, cur) || p[3])
			return -1;
	}
	return 0;
}

char *money_format(int64_t minor, const char *currency, char out[MONEY_MAX])
{
	int e = money_exponent(currency);
	uint64_t a = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	uint64_t p = e == 0 ? 1 : e == 3 ? 1000 : 100;

	if (e == 0)
		snprintf(out, MONEY_MAX, "%s%llu", minor < 0 ? "-" : "", (unsigned long long)a);
	else
		snprintf(out, MONEY_MAX, "%s%llu.%0*llu", minor < 0 ? "-" : "",
			(unsigned long long)(a / p), e, (unsigned long long)(a % p));
	return out;
}
