/* test_text.c - UTF-8 validation, code points, white space, normal forms and folding */
#include "casekit.h"
#include "text.h"
#include <criterion/criterion.h>

Test(text, well_formed_utf8_is_valid)
{
	cr_assert(text_utf8_valid("", 0));
	cr_assert(text_utf8_valid("plain", 5));
	cr_assert(text_utf8_valid("\xe9\xab\x98\xe4\xbb\xbf", 6));
	cr_assert(text_utf8_valid("\xf0\x9f\x98\x80", 4));
	cr_assert(text_utf8_valid("\xed\x9f\xbf", 3), "U+D7FF, just below the surrogates");
	cr_assert(text_utf8_valid("\xef\xbf\xbf", 3), "U+FFFF");
	cr_assert(text_utf8_valid("\xf4\x8f\xbf\xbf", 4), "U+10FFFF");
	cr_assert(text_utf8_valid("abcdefghijklmnop\xc3\xa9qrstuvwx", 26));
}

Test(text, ill_formed_utf8_is_refused)
{
	cr_assert_not(text_utf8_valid("\xb8\xdf", 2), "GBK bytes");
	cr_assert_not(text_utf8_valid("\xc0\xaf", 2), "overlong");
	cr_assert_not(text_utf8_valid("\xe0\x80\xaf", 3), "overlong, three bytes");
	cr_assert_not(text_utf8_valid("\xf0\x8f\xbf\xbf", 4), "overlong, four bytes");
	cr_assert_not(text_utf8_valid("\xed\xa0\x80", 3), "surrogate");
	cr_assert_not(text_utf8_valid("\xf4\x90\x80\x80", 4), "past U+10FFFF");
	cr_assert_not(text_utf8_valid("\xf5\x80\x80\x80", 4), "no such lead byte");
	cr_assert_not(text_utf8_valid("\xe9\xab", 2), "truncated");
	cr_assert_not(text_utf8_valid("\x80", 1), "a lone continuation byte");
	/* The ASCII fast path must not step over a bad byte in the next word. */
	cr_assert_not(text_utf8_valid("abcdefgh\xff", 9));
	cr_assert_not(text_utf8_valid("abcdefg\xff", 8));
	/* The length counts: a valid sequence cut by n is not valid. */
	cr_assert_not(text_utf8_valid("\xc3\xa9", 1));
}

Test(text, the_valid_prefix_ends_at_the_first_bad_sequence)
{
	cr_assert_eq(text_utf8_valid_prefix("abc", 3), 3);
	cr_assert_eq(text_utf8_valid_prefix("abcdefghij\xc3", 11), 10);
	cr_assert_eq(text_utf8_valid_prefix("\xc3\xa9\xff\xc3\xa9", 5), 2);
	cr_assert_eq(text_utf8_valid_prefix("\xff", 1), 0);
	cr_assert_eq(text_utf8_valid_prefix("", 0), 0);
}

Test(text, code_points_come_one_at_a_time_with_fffd_for_bad_bytes)
{
	const char *s = "a\xc3\xa9\xff\xe4\xb8\xad";
	size_t i = 0, n = strlen(s);

	cr_assert(text_is_ascii("abc~", 4));
	cr_assert_not(text_is_ascii(s, n));
	cr_assert_eq(text_next_cp(s, n, &i), 'a');
	cr_assert_eq(text_next_cp(s, n, &i), 0xe9);
	cr_assert_eq(i, 3);
	cr_assert_eq(text_next_cp(s, n, &i), 0xfffd);
	cr_assert_eq(text_next_cp(s, n, &i), 0x4e2d);
	cr_assert_eq(text_next_cp(s, n, &i), -1);
}

Test(text, white_space_includes_ideographic_and_zero_width_spaces)
{
	cr_assert(text_is_space(' '));
	cr_assert(text_is_space('\t'));
	cr_assert(text_is_space(0x3000));
	cr_assert(text_is_space(0xa0));
	cr_assert(text_is_space(0x200b));
	cr_assert(text_is_space(0xfeff));
	cr_assert_not(text_is_space('a'));
	cr_assert_not(text_is_space(0x4e2d));
}

/* f applied to s, as a malloc'd string. */
static char *apply(int (*f)(const char *, size_t, struct buf *), const char *s)
{
	struct buf b = { 0 };

	cr_assert_eq(f(s, strlen(s), &b), 0);
	return b.s ? buf_detach(&b) : xstrdup("");
}

#define cr_assert_text(f, in, want) \
	do { \
		char *got_ = apply(f, in); \
		cr_assert_str_eq(got_, want, #f "(%s)", in); \
		free(got_); \
	} while (0)

Test(text, folding_is_nfkc_casefold)
{
	cr_assert_text(text_fold, "Nike AIR", "nike air");
	cr_assert_text(text_fold, "\xef\xbc\xae\xef\xbd\x89\xef\xbd\x8b\xef\xbd\x85", "nike");
	cr_assert_text(text_fold,
		"Stra\xc3\x9f"
		"e",
		"strasse");
	cr_assert_text(text_fold,
		"a\xe3\x80\x80"
		"b",
		"a b");
	cr_assert_text(text_fold, "\xce\xa3\xce\x9f\xce\xa6", "\xcf\x83\xce\xbf\xcf\x86");
	cr_assert_text(text_fold, "x\xffy", "x\xef\xbf\xbdy");
}

Test(text, nfc_composes_and_leaves_ascii_alone)
{
	cr_assert_text(text_nfc, "Cafe\xcc\x81", "Caf\xc3\xa9");
	cr_assert_text(text_nfc, "ABC def", "ABC def");
	cr_assert_text(text_nfc, "\xef\xbc\xa1", "\xef\xbc\xa1"); /* NFC keeps full-width forms */
}

Test(text, marks_are_stripped_from_latin_letters_only)
{
	struct buf b = { 0 };

	buf_adds(&b, "café Nguyễn Đường ябълка ё \xce\xac");
	cr_assert_eq(text_strip_marks(&b), 0);
	/* ё is Cyrillic and ά Greek: their marks carry meaning and stay */
	cr_assert_str_eq(b.s, "cafe Nguyen Đuong ябълка ё \xce\xac");
	buf_free(&b);
}

Test(text, refold_makes_the_text_a_fixed_point_again)
{
	struct buf b = { 0 };

	buf_adds(&b,
		"\xef\xbc\xa1"
		"B");
	cr_assert_eq(text_refold(&b), 0);
	cr_assert_str_eq(b.s, "ab");
	buf_reset(&b);
	buf_adds(&b, "ABC");
	cr_assert_eq(text_refold(&b), 0);
	cr_assert_str_eq(b.s, "ABC", "ASCII is left as it is");
	buf_free(&b);
}
