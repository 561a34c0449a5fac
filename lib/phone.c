/* phone.c - phone numbers to E.164 with a default region: the subset of libphonenumber that
 * linking needs (notes section 1.3) */
#include "casekit.h"
#include "ident.h"
#include "text.h"
#include <unicode/uchar.h>

/* Assigned country calling codes (ITU-T E.164 annex); they form a prefix-free set. */
static const short cc2[] = { 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49,
	51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93,
	94, 95, 98 };
static const short cc3[] = { 211, 212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228,
	229, 230, 231, 232, 233, 234, 235, 236, 237, 238, 239, 240, 241, 242, 243, 244, 245, 246,
	247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258, 260, 261, 262, 263, 264, 265,
	266, 267, 268, 269, 290, 291, 297, 298, 299, 350, 351, 352, 353, 354, 355, 356, 357, 358,
	359, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383, 385, 386, 387,
	389, 420, 421, 423, 500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 590, 591, 592, 593,
	594, 595, 596, 597, 598, 599, 670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682,
	683, 685, 686, 687, 688, 689, 690, 691, 692, 800, 808, 850, 852, 853, 855, 856, 870, 878,
	880, 881, 882, 883, 886, 888, 960, 961, 962, 963, 964, 965, 966, 967, 968, 970, 971, 972,
	973, 974, 975, 976, 977, 979, 992, 993, 994, 995, 996, 997, 998 };

/*
 * What we know of a region: calling code, trunk prefix (dialled before national numbers, cut
 * in E.164; Italy keeps its leading 0), international dialling prefix, and the lengths of a
 * national significant number. Regions sharing a code list the main one first.
 */
struct region {
	char iso[3];
	short cc;
	char trunk;
	unsigned char min, max;
	const char *idd; /* a few shapes, matched by idd_len(); "" is plain 00 */
};
static const struct region regions[] = {
	{ "US", 1, '1', 10, 10, "011" },
	{ "RU", 7, '8', 10, 10, "810" },
	{ "EG", 20, '0', 8, 10, "" },
	{ "ZA", 27, '0', 9, 9, "" },
	{ "GR", 30, 0, 10, 10, "" },
	{ "NL", 31, '0', 9, 9, "" },
	{ "BE", 32, '0', 8, 9, "" },
	{ "FR", 33, '0', 9, 9, "" },
	{ "ES", 34, 0, 9, 9, "" },
	{ "IT", 39, 0, 6, 11, "" },
	{ "CH", 41, '0', 9, 9, "" },
	{ "AT", 43, '0', 4, 13, "" },
	{ "GB", 44, '0', 9, 10, "" },
	{ "SE", 46, '0', 7, 10, "" },
	{ "PL", 48, 0, 9, 9, "" },
	{ "DE", 49, '0', 5, 15, "" },
	{ "MX", 52, 0, 10, 10, "" },
	{ "BR", 55, '0', 10, 11, "" },
	{ "MY", 60, '0', 8, 10, "" },
	{ "AU", 61, '0', 9, 9, "0011" },
	{ "ID", 62, '0', 8, 12, "" },
	{ "PH", 63, '0', 8, 10, "" },
	{ "NZ", 64, '0', 8, 10, "" },
	{ "SG", 65, 0, 8, 11, "SG" },
	{ "TH", 66, '0', 8, 9, "001" },
	{ "JP", 81, '0', 9, 10, "010" },
	{ "KR", 82, '0', 8, 10, "KR" },
	{ "VN", 84, '0', 9, 10, "" },
	{ "CN", 86, '0', 9, 11, "CN" },
	{ "TR", 90, '0', 10, 10, "" },
	{ "IN", 91, '0', 10, 10, "" },
	{ "PK", 92, '0', 9, 10, "" },
	{ "PT", 351, 0, 9, 9, "" },
	{ "IE", 353, '0', 7, 9, "" },
	{ "CZ", 420, 0, 9, 9, "" },
	{ "HK", 852, 0, 8, 9, "" },
	{ "MO", 853, 0, 8, 8, "" },
	{ "TW", 886, '0', 8, 9, "TW" },
	{ "SA", 966, '0', 9, 9, "" },
	{ "AE", 971, '0', 8, 9, "" },
	{ "IL", 972, '0', 8, 9, "" },
	{ "CA", 1, '1', 10, 10, "011" },
};
#define NREGIONS (sizeof(regions) / sizeof(regions[0]))

static const struct region *region_by_iso(const char *iso)
{
	size_t i;

	if (!iso || !iso[0] || !iso[1] || iso[2])
		return NULL;
	for (i = 0; i < NREGIONS; i++)
		if ((regions[i].iso[0] == iso[0] || regions[i].iso[0] == iso[0] - 32) &&
			(regions[i].iso[1] == iso[1] || regions[i].iso[1] == iso[1] - 32))
			return &regions[i];
	return NULL;
}

static const struct region *region_by_cc(int cc)
{
	size_t i;

	for (i = 0; i < NREGIONS; i++)
		if (regions[i].cc == cc)
			return &regions[i];
	return NULL;
}

static int cmp_short(const void *a, const void *b)
{
	return *(const short *)a - *(const short *)b;
}

static int num(const char *d, size_t k)
{
	int v = 0;

	while (k--)
		v = v * 10 + (*d++ - '0');
	return v;
}

/* The length of the country calling code that d starts with, longest first, or 0. */
static size_t cc_len(const char *d, size_t n, int *cc)
{
	short k;

	if (n >= 3) {
		k = (short)num(d, 3);
		if (bsearch(&k, cc3, sizeof(cc3) / sizeof(cc3[0]), sizeof(short), cmp_short))
			return *cc = k, 3;
	}
	if (n >= 2) {
		k = (short)num(d, 2);
		if (bsearch(&k, cc2, sizeof(cc2) / sizeof(cc2[0]), sizeof(short), cmp_short))
			return *cc = k, 2;
	}
	if (n >= 1 && (d[0] == '1' || d[0] == '7'))
		return *cc = d[0] - '0', 1;
	return 0;
}

static int starts(const char *d, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(d, p, k) == 0;
}

/* The length of the international dialling prefix d starts with in region r, or 0. */
static size_t idd_len(const struct region *r, const char *d, size_t n)
{
	if (strcmp(r->idd, "CN") == 0) {
		/* Carrier prefixes before 00 (python-phonenumbers region CN):
		 * (1(?:[12]\d{3}|79\d{2}|9[0-7]\d{2}))?00 */
		if (n > 7 && d[0] == '1' &&
			(d[1] == '1' || d[1] == '2' || (d[1] == '7' && d[2] == '9') ||
				(d[1] == '9' && d[2] >= '0' && d[2] <= '7')) &&
			d[5] == '0' && d[6] == '0')
			return 7;
		return starts(d, n, "00") ? 2 : 0;
	}
	if (strcmp(r->idd, "KR") == 0) {
		/* 00(?:[125689]|3(?:[46]5|91)|7(?:00|27|3|55|6[126])) */
		static const char *const p[] = { "00700", "00727", "00755", "00761", "00762",
			"00766", "00345", "00365", "00391", "0073", "001", "002", "005", "006",
			"008", "009", NULL };
		size_t i;

		for (i = 0; p[i]; i++)
			if (starts(d, n, p[i]))
				return strlen(p[i]);
		return 0;
	}
	if (strcmp(r->idd, "SG") == 0) /* 0[0-3]\d */
		return n > 3 && d[0] == '0' && d[1] >= '0' && d[1] <= '3' ? 3 : 0;
	if (strcmp(r->idd, "TW") == 0) { /* 0(?:0[25-79]|19) */
		if (starts(d, n, "019"))
			return 3;
		return n > 3 && d[0] == '0' && d[1] == '0' && strchr("25679", d[2]) ? 3 : 0;
	}
	if (r->idd[0])
		return starts(d, n, r->idd) ? strlen(r->idd) : 0;
	return starts(d, n, "00") ? 2 : 0;
}

/*
 * Check a national significant number of region r: NULL when it cannot be one, else the
 * flag it earns ("mobile", "landline", "tollfree", or "" when the plan does not tell).
 */
static const char *classify(const struct region *r, const char *d, size_t n)
{
	if (n < r->min || n > r->max)
		return NULL;
	/* the trunk 0 is dialled before national numbers, never part of one */
	if (r->trunk == '0' && d[0] == '0')
		return NULL;
	switch (r->cc) {
	case 86:
		if (d[0] == '1' && d[1] != '0')
			return n == 11 && d[1] >= '3' && d[1] <= '9' ? "mobile" : NULL;
		if (starts(d, n, "400") || starts(d, n, "800"))
			return n == 10 ? "tollfree" : NULL;
		return n >= 10 ? "landline" : NULL; /* area code 10, 2x or 3 digits, then 7-8 */
	case 1:
		/* NANP: area code and exchange start with 2-9 */
		if (d[0] < '2' || d[3] < '2')
			return NULL;
		if (d[0] == '8' && d[1] == d[2] && strchr("0345678", d[1]))
			return "tollfree";
		return "";
	case 44:
		if (d[0] == '7' && d[1] != '0' && n == 10)
			return "mobile";
		if (starts(d, n, "80"))
			return "tollfree";
		return d[0] >= '1' && d[0] <= '3' ? "landline" : "";
	case 49:
		if (d[0] == '1' && (d[1] == '5' || d[1] == '6' || d[1] == '7'))
			return n >= 10 && n <= 11 ? "mobile" : NULL;
		if (starts(d, n, "800"))
			return "tollfree";
		return d[0] >= '2' ? "landline" : "";
	case 33:
		if (d[0] == '6' || d[0] == '7')
			return "mobile";
		if (starts(d, n, "80"))
			return "tollfree";
		return d[0] >= '1' && d[0] <= '5' ? "landline" : "";
	case 81:
		if ((starts(d, n, "70") || starts(d, n, "80") || starts(d, n, "90")) && n == 10)
			return "mobile";
		if (starts(d, n, "120") || starts(d, n, "800"))
			return "tollfree";
		return "landline";
	case 82:
		if (d[0] == '1' && strchr("016789", d[1]))
			return n >= 9 ? "mobile" : NULL;
		if (starts(d, n, "80"))
			return "tollfree";
		return "landline";
	case 852:
		if (starts(d, n, "800"))
			return n == 9 ? "tollfree" : NULL;
		if (n != 8)
			return NULL;
		return strchr("569", d[0])           ? "mobile"
			: d[0] == '2' || d[0] == '3' ? "landline"
						     : "";
	case 65:
		if (starts(d, n, "800") || starts(d, n, "1800"))
			return n >= 10 ? "tollfree" : NULL;
		if (n != 8)
			return NULL;
		return d[0] == '8' || d[0] == '9' ? "mobile" : d[0] == '6' ? "landline" : "";
	case 886:
		if (d[0] == '9')
			return n == 9 ? "mobile" : NULL;
		if (starts(d, n, "80"))
			return "tollfree";
		return "landline";
	}
	return "";
}

static int is_punct(int c)
{
	switch (c) {
	case ' ':
	case '\t':
	case '-':
	case '/':
	case '.':
	case '[':
	case ']':
	case '~':
	case '\'':
	case '"':
	case 0xa0:
	case 0x200b:
	case 0x2060:
	case 0x2212:
	case 0x3000:
	case 0x30fc:
	case 0x301c:
	case 0xfeff:
	case 0x00ad:
		return 1;
	}
	return c >= 0x2010 && c <= 0x2015;
}

#define MAXDIGITS 24

struct scan {
	char d[MAXDIGITS + 1];
	size_t n;
	int plus;
	long zero_paren;   /* where a lone "(0)" stood in d, or -1 */
	size_t lead_paren; /* digits in a "(...)" the number starts with: "(852) 5123 4567" */
	int cut;           /* 1: an extension, 2: other trailing text */
};

/* Collect the digits of s (already NFKC case-folded); -1 when there are too many. */
static int scan_digits(const char *s, size_t len, struct scan *sc)
{
	size_t i = 0, k;
	long paren = -1;
	int c;

	sc->n = 0;
	sc->plus = 0;
	sc->zero_paren = -1;
	sc->lead_paren = 0;
	sc->cut = 0;
	while (i < len) {
		k = i;
		c = text_next_cp(s, len, &i);
		if (c >= '0' && c <= '9') {
			if (sc->n >= MAXDIGITS)
				return -1;
			sc->d[sc->n++] = (char)c;
			continue;
		}
		if (c >= 0x80 && u_charType(c) == U_DECIMAL_DIGIT_NUMBER) {
			/* Arabic-Indic and other native digits that NFKC leaves alone */
			if (sc->n >= MAXDIGITS)
				return -1;
			sc->d[sc->n++] = (char)('0' + u_charDigitValue(c));
			continue;
		}
		if (c == '+' && sc->n == 0) {
			sc->plus = 1;
			continue;
		}
		if (c == '(') {
			paren = (long)sc->n;
			continue;
		}
		if (c == ')') {
			if (paren >= 0 && (size_t)paren + 1 == sc->n && sc->d[paren] == '0' &&
				sc->zero_paren < 0)
				sc->zero_paren = paren;
			if (paren == 0 && sc->lead_paren == 0)
				sc->lead_paren = sc->n;
			paren = -1;
			continue;
		}
		if (is_punct(c))
			continue;
		if (sc->n == 0)
			continue; /* a label before the number: "Tel:", "手机：" */
		/* After the number: an extension (ext, x, #, 分机, 转) or other text ends it. */
		if (c == '#' || c == 'x' || c == 0x8f6c || c == 0x8f49 ||
			(c == 0x5206 &&
				(starts(s + k, len - k, "\xe5\x88\x86\xe6\x9c\xba") ||
					starts(s + k, len - k, "\xe5\x88\x86\xe6\xa9\x9f"))) ||
			starts(s + k, len - k, "ext") || starts(s + k, len - k, "ex."))
			sc->cut = 1;
		else
			sc->cut = 2;
		break;
	}
	sc->d[sc->n] = '\0';
	return 0;
}

/* Finish an E.164 key from region r's national significant number d[0..n). */
static int emit(const struct region *r, int cc, const char *d, size_t n, struct ident *id)
{
	const char *flag = "";
	char ccs[8];
	size_t cclen = (size_t)snprintf(ccs, sizeof(ccs), "%d", cc);

	if (n < 2 || n > 17)
		return -1;
	if (r && !(flag = classify(r, d, n)))
		return -1;
	buf_addc(&id->value, '+');
	buf_adds(&id->value, ccs);
	buf_add(&id->value, d, n);
	if (*flag)
		ident_add_word(&id->flags, flag);
	if (cclen + n > 15)
		ident_add_word(&id->note, "longer than e.164 allows");
	return 0;
}

/* The number after an international prefix or "+": country code, then its national number. */
static int international(struct scan *sc, const char *d, size_t n, struct ident *id)
{
	const struct region *rc;
	size_t k;
	int cc = 0;

	if (!(k = cc_len(d, n, &cc)))
		return -1;
	/* +44 (0)20...: the trunk 0 some people write after the country code */
	if (sc->zero_paren >= 0 && (size_t)sc->zero_paren == (size_t)(d - sc->d) + k) {
		memmove(sc->d + sc->zero_paren, sc->d + sc->zero_paren + 1,
			sc->n - (size_t)sc->zero_paren);
		n--;
		ident_add_word(&id->note, "(0) cut");
	}
	d += k, n -= k;
	rc = region_by_cc(cc);
	if (rc && rc->trunk == '0' && n > 1 && d[0] == '0' && n - 1 >= rc->min) {
		d++, n--;
		ident_add_word(&id->note, "trunk prefix cut");
	}
	return emit(rc, cc, d, n, id);
}

/* A national number of region r: cut the trunk prefix, put the region's code in front. */
static int national(const struct region *r, const char *d, size_t n, struct ident *id)
{
	if (r->trunk && d[0] == r->trunk && n - 1 >= r->min && n - 1 <= r->max) {
		d++, n--;
		ident_add_word(&id->note, "trunk prefix cut");
	} else if (n > r->max) {
		/* 8613800138000: the country code without its plus */
		char ccs[8];
		size_t cl = (size_t)snprintf(ccs, sizeof(ccs), "%d", r->cc);

		if (starts(d, n, ccs) && n - cl >= r->min && n - cl <= r->max) {
			d += cl, n -= cl;
			ident_add_word(&id->note, "country code without +");
		}
	}
	return emit(r, r->cc, d, n, id);
}

int ident_phone(const char *raw, const char *country, struct ident *id)
{
	static _Thread_local struct buf f;
	const struct region *r = region_by_iso(country), *rc;
	struct scan sc;
	const char *d;
	size_t n, k;
	int cc = 0, rv;

	ident_reset(id);
	if (!raw)
		return -1;
	buf_reset(&f);
	if (text_fold(raw, strlen(raw), &f) < 0 || scan_digits(f.s, f.len, &sc) < 0 || sc.n == 0)
		return -1;
	d = sc.d;
	n = sc.n;
	if (sc.cut == 1)
		ident_add_word(&id->note, "extension cut");
	else if (sc.cut == 2)
		ident_add_word(&id->note, "trailing text cut");
	if (country && *country && !r)
		ident_add_word(&id->note, "no rules for the region");

	if (sc.plus) {
		rv = international(&sc, d, n, id);
	} else if (r) {
		/*
		 * "(852) 5123 4567" read in China: a region whose area codes are written with
		 * their trunk 0 ("(010) 6552 9988") puts no area code in brackets without it, so
		 * a bracketed country code of another region that leaves a valid number of that
		 * region is one. NANP writes its area codes in brackets ("(212) 555-0123").
		 */
		if (r->trunk == '0' && sc.lead_paren >= 1 && sc.lead_paren <= 3 && d[0] != '0' &&
			cc_len(d, n, &cc) == sc.lead_paren && cc != r->cc &&
			(rc = region_by_cc(cc)) && rc->cc != 1 &&
			emit(rc, cc, d + sc.lead_paren, n - sc.lead_paren, id) == 0) {
			ident_add_word(&id->note, "bracketed country code");
			return 0;
		}
		ident_reset(id);
		if (sc.cut == 1)
			ident_add_word(&id->note, "extension cut");
		else if (sc.cut == 2)
			ident_add_word(&id->note, "trailing text cut");
		/*
		 * A dialling prefix (00, 0011, a Chinese carrier's 17951 then 00) starts an
		 * international number, unless the digits fit a whole national one:
		 * 191-5200-2605 is a mainland mobile, not carrier 19152, 00, then 2605.
		 */
		k = idd_len(r, d, n);
		if (k > 2 && n <= r->max)
			k = 0;
		rv = -1;
		if (k) {
			ident_add_word(&id->note, "idd cut");
			rv = international(&sc, d + k, n - k, id);
		}
		if (rv) {
			ident_reset(id);
			if (sc.cut == 1)
				ident_add_word(&id->note, "extension cut");
			else if (sc.cut == 2)
				ident_add_word(&id->note, "trailing text cut");
			rv = national(r, d, n, id);
		}
	} else if (starts(d, n, "00")) {
		ident_add_word(&id->note, "idd cut");
		rv = international(&sc, d + 2, n - 2, id);
	} else {
		/* No region: a national number means nothing elsewhere, so it never links across. */
		if (n < 2 || n > 17)
			return ident_reset(id), -1;
		buf_adds(&id->value, "local:");
		buf_add(&id->value, d, n);
		ident_add_word(&id->flags, "local");
		ident_add_word(&id->note, "no region");
		return 0;
	}
	if (rv)
		ident_reset(id);
	return rv;
}
