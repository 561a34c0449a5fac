/* test_synth.c - the generator's PRNG, permutation, Luhn digits and identifier spellings */
#include "casekit.h"
#include "synth.h"
#include <criterion/criterion.h>
#include <time.h>

Test(synth, splitmix64_matches_the_reference_sequence)
{
	/* The first outputs of Vigna's splitmix64.c from state 0. */
	uint64_t s = 0;

	cr_assert_eq(synth_splitmix64(&s), 0xe220a8397b1dcdafULL);
	cr_assert_eq(synth_splitmix64(&s), 0x6e789e6aa1b965f4ULL);
	cr_assert_eq(synth_splitmix64(&s), 0x06c45d188009454fULL);
}

Test(synth, rng_is_a_function_of_the_seed)
{
	struct synth_rng a, b, c;
	int i, differ = 0;

	synth_rng_seed(&a, 42);
	synth_rng_seed(&b, 42);
	synth_rng_seed(&c, 43);
	for (i = 0; i < 1000; i++) {
		uint64_t x = synth_rng_next(&a);

		cr_assert_eq(x, synth_rng_next(&b));
		differ += x != synth_rng_next(&c);
	}
	cr_assert_gt(differ, 990);
}

Test(synth, rng_below_stays_in_range_and_covers_it)
{
	struct synth_rng r;
	int seen[7] = { 0 }, i;

	synth_rng_seed(&r, 1);
	for (i = 0; i < 7000; i++) {
		uint64_t x = synth_rng_below(&r, 7);

		cr_assert_lt(x, 7);
		seen[x]++;
	}
	for (i = 0; i < 7; i++)
		cr_assert(seen[i] > 850 && seen[i] < 1150, "bucket %d has %d", i, seen[i]);
}

Test(synth, perm_is_a_bijection_and_inverts)
{
	static const uint64_t sizes[] = { 1, 2, 3, 10, 1000, 4097 };
	size_t k;

	for (k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
		struct synth_perm p;
		uint64_t n = sizes[k], i, moved = 0;
		unsigned char *hit = xcalloc(n, 1);

		synth_perm_init(&p, n, 99);
		for (i = 0; i < n; i++) {
			uint64_t y = synth_perm_fwd(&p, i);

			cr_assert_lt(y, n);
			cr_assert_eq(hit[y], 0, "n=%llu: %llu hit twice", (unsigned long long)n,
				(unsigned long long)y);
			hit[y] = 1;
			cr_assert_eq(synth_perm_inv(&p, y), i);
			moved += y != i;
		}
		if (n >= 1000)
			cr_assert_gt(moved, n * 9 / 10);
		free(hit);
	}
}

Test(synth, luhn_digit_completes_known_numbers)
{
	cr_assert_eq(synth_luhn_digit("7992739871"), 3);
	cr_assert_eq(synth_luhn_digit("411111111111111"), 1);
}

static char *spell_phone(const char *n, int v, int intl)
{
	struct buf b = { 0 };

	synth_phone_spell(&b, n, v, intl);
	return buf_detach(&b);
}

Test(synth, phone_spellings_keep_every_digit)
{
	static const char *const want[] = { "+86 138 1234 5678", "0086-138-1234-5678",
		"(+86) 13812345678", "+86-138-12345678", "0086 13812345678",
		"\xef\xbc\x8b\xef\xbc\x98\xef\xbc\x96 \xef\xbc\x91\xef\xbc\x93\xef\xbc\x98\xef\xbc\x91"
		"\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96\xef\xbc\x97\xef\xbc\x98",
		"138-1234-5678", "13812345678",
		"\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94"
		"\xef\xbc\x95\xef\xbc\x96\xef\xbc\x97\xef\xbc\x98" };
	int v;

	for (v = 0; v < 9; v++) {
		char *s = spell_phone("13812345678", v, 0);

		cr_assert_str_eq(s, want[v]);
		free(s);
	}
}

Test(synth, shared_phone_spellings_carry_the_country_code)
{
	int v;

	for (v = 0; v < 64; v++) {
		char *cn = spell_phone("13812345678", v, 1), *hk = spell_phone("91234567", v, 1);

		/* "+86", "0086" or the full-width plus sign: never a bare national number. */
		cr_assert(cn[0] == '+' || cn[0] == '(' || !strncmp(cn, "0086", 4) ||
				!strncmp(cn, "\xef\xbc\x8b", 3),
			"variant %d: %s", v, cn);
		cr_assert(hk[0] == '+' || !strncmp(hk, "00852", 5), "variant %d: %s", v, hk);
		free(cn);
		free(hk);
	}
}

Test(synth, email_spellings_differ_only_in_what_gmail_ignores)
{
	struct buf b = { 0 };
	int v;

	for (v = 0; v < 1024; v++) {
		size_t i, k = 0;
		char local[64];

		buf_reset(&b);
		synth_email_spell(&b, "wanglei88", "gmail.com", v);
		/* Lowercase, drop dots, cut at '+': what the linking notes (1.4) prescribe. */
		for (i = 0; b.s[i] && b.s[i] != '@' && b.s[i] != '+'; i++)
			if (b.s[i] != '.')
				local[k++] = (char)(b.s[i] >= 'A' && b.s[i] <= 'Z' ? b.s[i] + 32
										   : b.s[i]);
		local[k] = 0;
		cr_assert_str_eq(local, "wanglei88", "variant %d: %s", v, b.s);
		cr_assert(strstr(b.s, "@gmail.com") || strstr(b.s, "@googlemail.com") ||
				strstr(b.s, "@GoogleMail.com") || strstr(b.s, "@Gmail.com"),
			"variant %d: %s", v, b.s);
	}
	buf_reset(&b);
	synth_email_spell(&b, "12345678", "qq.com", 1);
	cr_assert_str_eq(b.s, "12345678@qq.com");
	buf_free(&b);
}

Test(synth, device_spellings)
{
	struct buf b = { 0 };
	const char *hex = "3f2504e04f8911d39a0c0305e82c3301";

	synth_device_spell(&b, hex, 0);
	cr_assert_str_eq(b.s, hex);
	buf_reset(&b);
	synth_device_spell(&b, hex, 7);
	cr_assert_str_eq(b.s, "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}");
	buf_free(&b);
}

Test(synth, number_spellings)
{
	struct buf b = { 0 };

	synth_number_spell(&b, "6222021234567890", 1);
	cr_assert_str_eq(b.s, "6222 0212 3456 7890");
	buf_reset(&b);
	synth_number_spell(&b, "6217000012345678901", 2);
	cr_assert_str_eq(b.s, "6217-0000-1234-5678-901");
	buf_free(&b);
}

Test(synth, iso_time_agrees_with_gmtime)
{
	static const int64_t ts[] = { 0, 59, 86399, 86400, 951782400 /* 2000-02-29 */, 1514764800,
		1735689599, 1764460800, 4102444800 /* 2100-01-01 */ };
	struct synth_rng r;
	char got[21], want[24];
	size_t i;

	synth_rng_seed(&r, 5);
	for (i = 0; i < 2000; i++) {
		time_t t = i < sizeof(ts) / sizeof(*ts)
			? (time_t)ts[i]
			: (time_t)synth_rng_below(&r, 4102444800ULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", &tm);
		synth_iso_time(got, (int64_t)t);
		cr_assert_str_eq(got, want);
	}
}
