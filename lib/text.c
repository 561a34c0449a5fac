/* text.c - UTF-8 text: validation, code points, white space, normal forms and case folding */
#include "casekit.h"
#include "text.h"
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

/* The length of the valid prefix; inlined into both callers, as ingest calls it on each field. */
static inline size_t valid_prefix(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *p = s, *e = s + n;

	while (p < e) {
		uint64_t w;
		int32_t k = 0;
		UChar32 c;

		/* Eight ASCII bytes at a time: most of a dump is ASCII. */
		while (e - p >= 8 && (memcpy(&w, p, 8), (w & 0x8080808080808080ull) == 0))
			p += 8;
		if (p == e)
			break;
		if (*p < 0x80) {
			p++;
			continue;
		}
		/* ICU's U8_NEXT takes well-formed UTF-8 only: no overlong forms, surrogates or
		 * values past U+10FFFF. A sequence is at most four bytes. */
		U8_NEXT(p, k, e - p < 4 ? (int32_t)(e - p) : 4, c);
		if (c < 0)
			return (size_t)(p - s);
		p += k;
	}
	return n;
}

size_t text_utf8_valid_prefix(const char *s, size_t n)
{
	return valid_prefix(s, n);
}

int text_utf8_valid(const char *s, size_t n)
{
	return valid_prefix(s, n) == n;
}

/*
 * UTF-16 scratch space for ICU, one pair per thread, grown and never shrunk: after the first
 * few rows of a dump a call allocates nothing.
 */
struct ustr {
	UChar *s;
	int32_t cap;
};
static _Thread_local struct ustr scratch[3];

static UChar *ustr_need(struct ustr *u, int32_t n)
{
	if (n > u->cap) {
		u->cap = n < 256 ? 256 : n + n / 2;
		u->s = xrealloc(u->s, (size_t)u->cap * sizeof(UChar));
	}
	return u->s;
}

/* UTF-8 to UTF-16 in scratch slot i; invalid bytes become U+FFFD. Length, or -1. */
static int32_t to_utf16(const char *s, size_t n, int i)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t len = 0;

	if (n > INT32_MAX / 2)
		return -1;
	ustr_need(&scratch[i], (int32_t)n + 1);
	/* UTF-16 never needs more units than UTF-8 has bytes. */
	u_strFromUTF8WithSub(scratch[i].s, scratch[i].cap, &len, s, (int32_t)n, 0xfffd, NULL, &err);
	return U_FAILURE(err) ? -1 : len;
}

static int from_utf16(const UChar *u, int32_t n, struct buf *out)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t len = 0;

	/* A UTF-16 unit never needs more than 3 bytes of UTF-8. */
	buf_grow(out, (size_t)n * 3 + 1);
	u_strToUTF8WithSub(
		out->s + out->len, (int32_t)(out->cap - out->len), &len, u, n, 0xfffd, NULL, &err);
	if (U_FAILURE(err))
		return -1;
	out->len += (size_t)len;
	out->s[out->len] = '\0';
	return 0;
}

/* Normalise scratch slot 0 (n units) into slot 1 with nm. Length, or -1. */
static int32_t normalize(const UNormalizer2 *nm, int32_t n)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t len;

	/* NFKC can expand a code point to 18 (U+FDFA); retry once with the size ICU asks for. */
	ustr_need(&scratch[1], n * 2 + 16);
	len = unorm2_normalize(nm, scratch[0].s, n, scratch[1].s, scratch[1].cap, &err);
	if (err == U_BUFFER_OVERFLOW_ERROR) {
		err = U_ZERO_ERROR;
		ustr_need(&scratch[1], len + 1);
		len = unorm2_normalize(nm, scratch[0].s, n, scratch[1].s, scratch[1].cap, &err);
	}
	return U_FAILURE(err) ? -1 : len;
}

/* Append s[0..n) normalised with nm to out; 0 or -1. */
static int append_normal(const UNormalizer2 *nm, const char *s, size_t n, struct buf *out)
{
	int32_t len;

	if ((len = to_utf16(s, n, 0)) < 0 || (len = normalize(nm, len)) < 0)
		return -1;
	return from_utf16(scratch[1].s, len, out);
}

int text_is_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

int text_fold(const char *s, size_t n, struct buf *out)
{
	static _Thread_local const UNormalizer2 *nfkc_cf;
	UErrorCode err = U_ZERO_ERROR;
	size_t i;

	/* On ASCII, NFKC_Casefold is exactly A-Z to a-z: skip ICU for the common case. */
	if (text_is_ascii(s, n)) {
		buf_grow(out, n);
		for (i = 0; i < n; i++) {
			char c = s[i];
			out->s[out->len++] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
		}
		out->s[out->len] = '\0';
		return 0;
	}
	if (!nfkc_cf && !(nfkc_cf = unorm2_getNFKCCasefoldInstance(&err)))
		return -1;
	return append_normal(nfkc_cf, s, n, out);
}

int text_nfc(const char *s, size_t n, struct buf *out)
{
	static _Thread_local const UNormalizer2 *nfc;
	UErrorCode err = U_ZERO_ERROR;

	if (text_is_ascii(s, n)) {
		buf_add(out, s, n);
		return 0;
	}
	if (!nfc && !(nfc = unorm2_getNFCInstance(&err)))
		return -1;
	return append_normal(nfc, s, n, out);
}

int text_refold(struct buf *b)
{
	static _Thread_local struct buf t;
	struct buf swap;

	/* Cutting characters out of a normalised string can leave marks side by side that
	 * normalisation would order or compose: fold again so the key is a fixed point. */
	if (text_is_ascii(b->s, b->len))
		return 0;
	buf_reset(&t);
	if (text_fold(b->s, b->len, &t) < 0)
		return -1;
	swap = *b;
	*b = t;
	t = swap;
	return 0;
}

int text_strip_marks(struct buf *b)
{
	static _Thread_local const UNormalizer2 *nfd, *nfc;
	UErrorCode err = U_ZERO_ERROR;
	int32_t len, i, j = 0;
	UChar32 c, base = 0;
	UChar *u;

	if (text_is_ascii(b->s, b->len))
		return 0;
	if ((!nfd && !(nfd = unorm2_getNFDInstance(&err))) ||
		(!nfc && !(nfc = unorm2_getNFCInstance(&err))))
		return -1;
	if ((len = to_utf16(b->s, b->len, 0)) < 0 || (len = normalize(nfd, len)) < 0)
		return -1;
	/* Drop a combining mark only when it sits on a Latin letter: Vietnamese tones and the
	 * accents of European street names go, marks that carry meaning in other scripts stay. */
	u = ustr_need(&scratch[0], len + 1);
	for (i = 0; i < len;) {
		int32_t start = i;

		U16_NEXT(scratch[1].s, i, len, c);
		if (u_charType(c) == U_NON_SPACING_MARK && base &&
			uscript_getScript(base, &err) == USCRIPT_LATIN)
			continue;
		if (u_charType(c) != U_NON_SPACING_MARK)
			base = c;
		while (start < i)
			u[j++] = scratch[1].s[start++];
	}
	if ((len = normalize(nfc, j)) < 0)
		return -1;
	buf_reset(b);
	return from_utf16(scratch[1].s, len, b);
}

int text_next_cp(const char *s, size_t n, size_t *i)
{
	UChar32 c;
	int32_t k = (int32_t)*i;

	if (*i >= n)
		return -1;
	U8_NEXT(s, k, (int32_t)n, c);
	*i = (size_t)k;
	return c < 0 ? 0xfffd : c;
}

int text_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
		(c >= 0x80 && u_isUWhiteSpace(c)) || c == 0x200b || c == 0x2060 || c == 0xfeff;
}
