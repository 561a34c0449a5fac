/* screen.c - score a listing for counterfeit risk from rules that are data */
#include "casekit.h"
#include "money.h"
#include "screen.h"
#include "store.h"
#include "text.h"
#include <ctype.h>
#include <math.h>
#include <openssl/evp.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

/* A code point's class decides where words begin and what "separators removed" removes. */
enum { CL_SEP, CL_WORD, CL_CJK, CL_OTHER };
/* How a brand was named: the order is the order of preference when one span gives several. */
enum { BK_NONE, BK_TYPO, BK_SPACED, BK_HOMOGLYPH, BK_LEET, BK_EXACT };
static const char *const kind_names[] = { "", "typo", "spaced", "homoglyph", "leet", "exact" };
enum { TIER_STRONG, TIER_MEDIUM, TIER_WEAK, TIER_CONTEXT };
static const char *const tier_names[] = { "strong", "medium", "weak", "context", NULL };
/* Guard targets other than a vocabulary term (a term's index is >= 0). */
enum { GT_BRAND = -1, GT_PRICE = -2, GT_LOOKALIKE = -3 };

struct cps {
	UChar32 *v;
	int n, cap;
};

struct bref {
	char *category; /* folded; "" for any */
	char currency[4];
	long long price; /* minor units */
	int from_store;  /* a rights holder's figure: it replaces the rules' for its category */
};

/* Units of a currency per US dollar (weights.conf rate.XXX), to compare across currencies. */
struct rate {
	char currency[4];
	double per_usd;
};

struct brand {
	char *name;    /* as the rules or the store give it: "Louis Vuitton" */
	char *display; /* folded, spaces as '_': "louis_vuitton" */
	char *rights_holder;
	struct bref *refs;
	int nrefs;
};

struct alias {
	int brand;
	struct cps fold; /* folded, separators removed */
	struct cps key;  /* the confusable key of fold */
	struct cps ukey; /* the same, upper-cased first */
	int ntok;        /* words in the alias as written */
	int cjk;         /* holds CJK: matched as a substring */
	int maxd;        /* edit distance allowed for a look-alike spelling */
};

struct term {
	char *text; /* as written in vocab.tsv */
	struct cps s;
	int tier, points, wb_start, wb_end;
};

struct guard {
	int target; /* a term index, or GT_* */
	struct cps f;
	int window;
};

struct tok {
	int fs, fe;  /* span in the folded text */
	int ks, ke;  /* span of its key in text.keys */
	int us, ue;  /* span of its upper-case key in text.ukeys */
	int sepnext; /* only separators lie between it and the next token */
};

/* One field prepared for matching. */
struct text {
	struct cps f;       /* NFKC case-folded code points */
	unsigned char *cls; /* class of each */
	struct cps s;       /* separators removed */
	int *smap;          /* s index -> f index */
	unsigned char *sb;  /* a word boundary before s[i]; ns + 1 entries */
	int capx;
	struct tok *tok;
	int ntok, captok;
	struct cps keys, ukeys;
};

struct bhit {
	int brand, kind, fs, fe, guarded, field; /* field: 0 title, 1 image text */
};

/* A market: listings of one brand, category (folded) and currency, by small ids. */
struct group {
	int brand, cat, cur;
};

struct mkt {
	struct group g;
	double x;
};

struct mstat {
	struct group g;
	int n;
	double med, mad, meanad;
};

struct weights {
	double flag, brand_claim, nobrand_factor, homoglyph, spaced, typo;
	double kw_strong, kw_medium, kw_weak, kw_context, kw_max;
	double price_strong_ratio, price_strong, price_medium_ratio, price_medium, price_max;
	double z, z_points, z_min_n, z_mad_floor, seller_new_days, seller_new;
	double testbuy_listing, testbuy_seller, network, leet;
};

struct screen {
	char *dir;
	UNormalizer2 const *nfkc;
	USpoofChecker *spoof;
	struct brand *brands;
	int nbrands;
	struct alias *aliases;
	int naliases, maxalias;
	struct term *terms;
	int nterms;
	struct guard *guards;
	int nguards;
	struct weights w;
	struct rate *rates;
	int nrates;
	EVP_MD_CTX *md;
	char digest[65];
	int explain;
	/* market prices */
	struct mkt *mk;
	size_t nmk, capmk;
	struct mstat *ms;
	size_t nms;
	struct ck_names cats, curs; /* folded categories, currencies */
	/* scratch */
	UChar *u16a, *u16b;
	int32_t capu16;
	struct text t[3]; /* title, image text, brand field */
	struct cps cat_f, cat_k, cat_u, tmp, leet[2];
	struct bhit *bh;
	int nbh, capbh;
	int *order; /* term indices, longest first */
	struct ivec {
		int *v;
		int n, cap;
	} abucket[256], tbucket[256],
		cbucket[256]; /* aliases, terms, CJK aliases by first code point */
	int *seen;            /* per alias: the stamp of the last text it was found in */
	int stamp;
	int buckets_ok;
	uint64_t *prefixes; /* hashes of the beginnings of Latin aliases (open addressing) */
	unsigned char mw_words[256]; /* most words of an alias of several, by first code point */
	size_t capprefix;
	UChar32 ascii_key[2][128][3]; /* the key of each ASCII character, plain and upper-cased */
	int ascii_ok;
	struct fcache {
		char *raw;
		int brand, kind;
	} fcache[1024]; /* brand fields seen, and the brand they name */
	struct ccache {
		char *raw, *fold;
		int id;  /* of fold, in cats */
	} ccache[256];   /* categories seen, folded */
	int (*spans)[3]; /* counted term spans: field, start, end */
	int nspans, capspans;
	int (*occ)[3]; /* term occurrences: term, field, start */
	int nocc, capocc;
};

static int ipoints_w(double v)
{
	return (int)lround(v);
}

static void ivec_add(struct ivec *v, int x)
{
	if (v->n && v->v[v->n - 1] == x)
		return;
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 8;
		v->v = xrealloc(v->v, (size_t)v->cap * sizeof(int));
	}
	v->v[v->n++] = x;
}

static uint64_t cps_hash(const UChar32 *v, int n)
{
	uint64_t h = 1469598103934665603ULL;
	int i;

	for (i = 0; i < n; i++)
		h = (h ^ (uint64_t)v[i]) * 1099511628211ULL;
	return h | 1; /* 0 marks an empty slot */
}

static void prefix_add(struct screen *s, const UChar32 *v, int n)
{
	uint64_t h = cps_hash(v, n);
	size_t i = h & (s->capprefix - 1);

	while (s->prefixes[i] && s->prefixes[i] != h)
		i = (i + 1) & (s->capprefix - 1);
	s->prefixes[i] = h;
}

/* Could a window that begins like v[0..n) still grow into some alias? */
static int is_prefix(const struct screen *s, const UChar32 *v, int n)
{
	uint64_t h = cps_hash(v, n);
	size_t i = h & (s->capprefix - 1);

	while (s->prefixes[i]) {
		if (s->prefixes[i] == h)
			return 1;
		i = (i + 1) & (s->capprefix - 1);
	}
	return 0;
}

static void cps_reset(struct cps *c)
{
	c->n = 0;
}

static void cps_add(struct cps *c, UChar32 x)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xrealloc(c->v, (size_t)c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = x;
}

static int cps_eq(const struct cps *a, const UChar32 *b, int n)
{
	return a->n == n && memcmp(a->v, b, (size_t)n * sizeof(*b)) == 0;
}

static int class_of(UChar32 c)
{
	UErrorCode e = U_ZERO_ERROR;
	int8_t t;

	if (c < 0x80) {
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
			return CL_WORD;
		return c == ':' || c == '$' ? CL_OTHER : CL_SEP;
	}
	if (u_isalnum(c) || c == 0x30FC) {
		UScriptCode sc = uscript_getScript(c, &e);

		if (sc == USCRIPT_HAN || sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA ||
			sc == USCRIPT_HANGUL || c == 0x30FC)
			return CL_CJK;
		return CL_WORD;
	}
	t = u_charType(c);
	if (t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK)
		return CL_WORD;
	if (t == U_CURRENCY_SYMBOL)
		return CL_OTHER;
	return CL_SEP;
}

/* UTF-8 to UTF-16 in s->u16a, invalid bytes as U+FFFD; returns the length. */
static int32_t to_u16(struct screen *s, const char *in, int32_t n)
{
	UErrorCode e = U_ZERO_ERROR;
	int32_t len = 0;

	for (;;) {
		e = U_ZERO_ERROR;
		u_strFromUTF8WithSub(s->u16a, s->capu16, &len, in, n, 0xFFFD, NULL, &e);
		if (e != U_BUFFER_OVERFLOW_ERROR && U_SUCCESS(e))
			return len;
		if (e != U_BUFFER_OVERFLOW_ERROR)
			ck_bug("utf-8 conversion: %s", u_errorName(e));
		s->capu16 = len + 64;
		s->u16a = xrealloc(s->u16a, (size_t)s->capu16 * sizeof(UChar));
		s->u16b = xrealloc(s->u16b, (size_t)s->capu16 * sizeof(UChar));
	}
}

/* NFKC case folding of s->u16a[0..n) into s->u16b; returns the length. */
static int32_t fold_u16(struct screen *s, int32_t n)
{
	UErrorCode e;
	int32_t len;

	for (;;) {
		e = U_ZERO_ERROR;
		len = unorm2_normalize(s->nfkc, s->u16a, n, s->u16b, s->capu16, &e);
		if (U_SUCCESS(e))
			return len;
		if (e != U_BUFFER_OVERFLOW_ERROR)
			ck_bug("NFKC_Casefold: %s", u_errorName(e));
		s->capu16 = len + 64;
		s->u16a = xrealloc(s->u16a, (size_t)s->capu16 * sizeof(UChar));
		s->u16b = xrealloc(s->u16b, (size_t)s->capu16 * sizeof(UChar));
	}
}

/* Fold UTF-8 text into code points (appended to out). */
static void fold_cps(struct screen *s, const char *in, struct cps *out)
{
	int32_t n, i = 0;
	UChar32 c;
	const unsigned char *p;

	/* NFKC_Casefold of ASCII is its lower case. */
	for (p = (const unsigned char *)in; *p && *p < 0x80; p++)
		;
	if (!*p) {
		for (p = (const unsigned char *)in; *p; p++)
			cps_add(out, *p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		return;
	}
	n = to_u16(s, in, -1);
	n = fold_u16(s, n);
	while (i < n) {
		U16_NEXT(s->u16b, i, n, c);
		cps_add(out, c);
	}
}

static char *cps_utf8(const UChar32 *v, int n)
{
	struct buf b = { 0 };
	int i;

	for (i = 0; i < n; i++) {
		char u[4];
		UChar32 c = v[i];

		if (c < 0x80) {
			buf_addc(&b, (char)c);
		} else if (c < 0x800) {
			u[0] = (char)(0xC0 | (c >> 6));
			u[1] = (char)(0x80 | (c & 0x3F));
			buf_add(&b, u, 2);
		} else if (c < 0x10000) {
			u[0] = (char)(0xE0 | (c >> 12));
			u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
			u[2] = (char)(0x80 | (c & 0x3F));
			buf_add(&b, u, 3);
		} else {
			u[0] = (char)(0xF0 | (c >> 18));
			u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
			u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
			u[3] = (char)(0x80 | (c & 0x3F));
			buf_add(&b, u, 4);
		}
	}
	if (!b.s)
		return xstrdup("");
	return buf_detach(&b);
}

/* A folded UTF-8 copy (categories, brand names): text.c's NFKC_Casefold. */
static char *fold_utf8(const char *in)
{
	struct buf b = { 0 };

	if (text_fold(in, strlen(in), &b) < 0)
		ck_bug("NFKC_Casefold failed");
	return b.s ? buf_detach(&b) : xstrdup("");
}

/*
 * The confusable key of code points: lowercase(skeleton(x)) with combining marks dropped, so
 * that Cyrillic and full-width look-alikes, 0/o and 1/l, and accents give the same key. With
 * upper, x is upper-cased first: folding has turned a Cyrillic capital В or Н, which look like
 * B and H, into в and н, which look like nothing Latin.
 */
static void key_of(struct screen *s, const UChar32 *v, int n, int upper, struct cps *out)
{
	UErrorCode e = U_ZERO_ERROR;
	int32_t len = 0, i, j;
	UChar32 c;

	/*
	 * The skeleton maps character by character, so ASCII words (most of the text) are keyed
	 * from a table made once with ICU, without a call per word.
	 */
	for (i = 0; i < n && v[i] < 128; i++)
		;
	if (i == n && s->ascii_ok) {
		for (i = 0; i < n; i++) {
			const UChar32 *k = s->ascii_key[upper][v[i]];

			for (j = 0; j < 3 && k[j]; j++)
				cps_add(out, k[j]);
		}
		return;
	}
	if (s->capu16 < 4 * n + 64) {
		s->capu16 = 4 * n + 64;
		s->u16a = xrealloc(s->u16a, (size_t)s->capu16 * sizeof(UChar));
		s->u16b = xrealloc(s->u16b, (size_t)s->capu16 * sizeof(UChar));
	}
	for (i = 0; i < n; i++) {
		UBool err = 0;

		U16_APPEND(s->u16a, len, s->capu16, upper ? u_toupper(v[i]) : v[i], err);
		(void)err;
	}
	for (;;) {
		e = U_ZERO_ERROR;
		j = uspoof_getSkeleton(s->spoof, 0, s->u16a, len, s->u16b, s->capu16, &e);
		if (U_SUCCESS(e))
			break;
		if (e != U_BUFFER_OVERFLOW_ERROR)
			ck_bug("skeleton: %s", u_errorName(e));
		s->capu16 = j + 64;
		s->u16a = xrealloc(s->u16a, (size_t)s->capu16 * sizeof(UChar));
		s->u16b = xrealloc(s->u16b, (size_t)s->capu16 * sizeof(UChar));
	}
	i = 0;
	while (i < j) {
		U16_NEXT(s->u16b, i, j, c);
		if (u_charType(c) == U_NON_SPACING_MARK)
			continue;
		cps_add(out, u_tolower(c));
	}
}

/* Prepare one field: fold, classify, remove separators, cut words and key them. */
static void text_prepare(struct screen *s, struct text *t, const char *in)
{
	int i, k;

	cps_reset(&t->f);
	cps_reset(&t->s);
	cps_reset(&t->keys);
	cps_reset(&t->ukeys);
	t->ntok = 0;
	if (in)
		fold_cps(s, in, &t->f);
	if (t->capx < t->f.n + 1) {
		t->capx = t->f.n + 64;
		t->cls = xrealloc(t->cls, (size_t)t->capx);
		t->smap = xrealloc(t->smap, (size_t)t->capx * sizeof(int));
		t->sb = xrealloc(t->sb, (size_t)t->capx + 1);
	}
	for (i = 0; i < t->f.n; i++) {
		t->cls[i] = (unsigned char)class_of(t->f.v[i]);
		if (t->cls[i] == CL_SEP)
			continue;
		k = t->s.n;
		cps_add(&t->s, t->f.v[i]);
		t->smap[k] = i;
		t->sb[k] = k == 0 || t->smap[k - 1] != i - 1 || t->cls[t->smap[k - 1]] != t->cls[i];
	}
	t->sb[t->s.n] = 1;
	for (i = 0; i < t->f.n;) {
		struct tok *tk;
		int j;

		if (t->cls[i] != CL_WORD) {
			i++;
			continue;
		}
		for (j = i; j < t->f.n && t->cls[j] == CL_WORD; j++)
			;
		if (t->ntok == t->captok) {
			t->captok = t->captok ? t->captok * 2 : 32;
			t->tok = xrealloc(t->tok, (size_t)t->captok * sizeof(*t->tok));
		}
		tk = &t->tok[t->ntok++];
		tk->fs = i;
		tk->fe = j;
		tk->ks = t->keys.n;
		key_of(s, t->f.v + i, j - i, 0, &t->keys);
		tk->ke = t->keys.n;
		tk->us = t->ukeys.n;
		key_of(s, t->f.v + i, j - i, 1, &t->ukeys);
		tk->ue = t->ukeys.n;
		for (k = j; k < t->f.n && t->cls[k] == CL_SEP; k++)
			;
		tk->sepnext = k < t->f.n && t->cls[k] == CL_WORD;
		i = j;
	}
}

/* Optimal string alignment distance (edits and adjacent swaps), stopping early past max. */
static int osa(const UChar32 *a, int n, const UChar32 *b, int m, int max)
{
	int d[24][24], i, j;

	if (n > 22 || m > 22)
		return max + 1;
	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++) {
		int best = max + 1;

		for (j = 1; j <= m; j++) {
			int c = a[i - 1] == b[j - 1] ? 0 : 1, v = d[i - 1][j - 1] + c;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
				d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return d[n][m];
}

/* ---- rule files ---- */

struct rfile {
	char *path;
	char *data;
	size_t len;
	char *p; /* the next line */
	long line;
};

static int rfile_open(struct screen *s, struct rfile *rf, const char *name)
{
	FILE *fp;
	struct buf b = { 0 };
	char tmp[8192];
	size_t n;

	memset(rf, 0, sizeof(*rf));
	rf->path = ck_path_join(s->dir, name);
	if (!(fp = fopen(rf->path, "rb"))) {
		int rc = ck_error(
			EX_NOINPUT, "cannot open rules '%s': %s", rf->path, strerror(errno));

		free(rf->path);
		rf->path = NULL;
		return rc;
	}
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(&b, tmp, n);
	if (ferror(fp)) {
		int rc = ck_error(EX_IOERR, "cannot read '%s': %s", rf->path, strerror(errno));

		fclose(fp);
		buf_free(&b);
		free(rf->path);
		rf->path = NULL;
		return rc;
	}
	fclose(fp);
	buf_addc(&b, '\0');
	b.len--;
	rf->len = b.len;
	rf->data = buf_detach(&b);
	rf->p = rf->data;
	/* The rules a score depends on are part of its digest, file name and bytes. */
	EVP_DigestUpdate(s->md, name, strlen(name) + 1);
	EVP_DigestUpdate(s->md, rf->data, rf->len);
	return 0;
}

static void rfile_close(struct rfile *rf)
{
	free(rf->path);
	free(rf->data);
}

/*
 * The next line that is not blank or a comment, split at tabs into f (up to max fields, the
 * rest counted in *nf). Returns 1, 0 at the end, or an EX_ code after a message.
 */
static int rfile_next(struct rfile *rf, char **f, int max, int *nf)
{
	while (rf->p && *rf->p) {
		char *line = rf->p, *nl = strchr(line, '\n'), *q;
		int n = 0;

		rf->p = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		rf->line++;
		if (nl && nl > line && nl[-1] == '\r')
			nl[-1] = '\0';
		if (!text_utf8_valid(line, strlen(line)))
			return ck_error(EX_DATAERR, "%s:%ld: not valid UTF-8", rf->path, rf->line);
		for (q = line; *q == ' ' || *q == '\t'; q++)
			;
		if (!*q || *q == '#')
			continue;
		for (q = line;;) {
			char *tab = strchr(q, '\t');

			if (n < max)
				f[n] = q;
			n++;
			if (!tab)
				break;
			*tab = '\0';
			q = tab + 1;
		}
		*nf = n;
		return 1;
	}
	return 0;
}

static char *trim(char *p)
{
	char *e;

	while (*p == ' ')
		p++;
	for (e = p + strlen(p); e > p && e[-1] == ' '; e--)
		;
	*e = '\0';
	return p;
}

static int find_brand(struct screen *s, const char *display)
{
	int i;

	for (i = 0; i < s->nbrands; i++)
		if (strcmp(s->brands[i].display, display) == 0)
			return i;
	return -1;
}

static int add_alias(struct screen *s, int brand, const char *text)
{
	struct alias a = { 0 };
	int i, j, inword = 0;

	cps_reset(&s->tmp);
	fold_cps(s, text, &s->tmp);
	for (i = 0; i < s->tmp.n; i++) {
		int c = class_of(s->tmp.v[i]);

		if (c == CL_CJK)
			a.cjk = 1;
		if (c != CL_SEP) {
			cps_add(&a.fold, s->tmp.v[i]);
			if (!inword)
				a.ntok++;
		}
		inword = c != CL_SEP;
	}
	if (a.fold.n == 0)
		return -1;
	for (i = 0; i < s->naliases; i++)
		if (s->aliases[i].brand == brand &&
			cps_eq(&s->aliases[i].fold, a.fold.v, a.fold.n)) {
			free(a.fold.v);
			return 0;
		}
	key_of(s, a.fold.v, a.fold.n, 0, &a.key);
	key_of(s, a.fold.v, a.fold.n, 1, &a.ukey);
	/* Short names (LV, MCM) match exactly or by skeleton only; longer ones allow typos. */
	a.maxd = a.cjk || a.fold.n < 4 ? 0 : a.fold.n < 8 ? 1 : 2;
	a.brand = brand;
	s->aliases = xrealloc(s->aliases, (size_t)(s->naliases + 1) * sizeof(*s->aliases));
	s->aliases[s->naliases++] = a;
	s->buckets_ok = 0;
	for (i = 0; i < (int)(sizeof(s->fcache) / sizeof(*s->fcache)); i++) {
		free(s->fcache[i].raw);
		s->fcache[i].raw = NULL;
	}
	if (a.fold.n > s->maxalias)
		s->maxalias = a.fold.n;
	(void)j;
	return 0;
}

/* Add (or extend) a brand from one row of brands.tsv or the brands table. */
static int add_brand(struct screen *s, const char *name, const char *aliases, const char *category,
	int has_price, long long price, const char *currency, const char *holder, int from_store)
{
	char *display = fold_utf8(name), *p;
	struct brand *b;
	int i;

	for (p = display; *p; p++)
		if (*p == ' ')
			*p = '_';
	if (!*display) {
		free(display);
		return -1;
	}
	if ((i = find_brand(s, display)) < 0) {
		s->brands = xrealloc(s->brands, (size_t)(s->nbrands + 1) * sizeof(*s->brands));
		i = s->nbrands++;
		b = &s->brands[i];
		memset(b, 0, sizeof(*b));
		b->name = xstrdup(name);
		b->display = display;
	} else {
		free(display);
	}
	b = &s->brands[i];
	if (holder && *holder) {
		free(b->rights_holder);
		b->rights_holder = xstrdup(holder);
	}
	add_alias(s, i, name);
	if (aliases && *aliases) {
		char *copy = xstrdup(aliases), *q = copy, *bar;

		do {
			if ((bar = strchr(q, '|')))
				*bar = '\0';
			q = trim(q);
			if (*q)
				add_alias(s, i, q);
			q = bar + 1;
		} while (bar);
		free(copy);
	}
	if (has_price && currency && strlen(currency) == 3) {
		char *cat = fold_utf8(category ? category : "");
		struct bref *r = NULL;

		for (int k = 0; k < b->nrefs; k++)
			if (strcmp(b->refs[k].category, cat) == 0 &&
				strcmp(b->refs[k].currency, currency) == 0)
				r = &b->refs[k];
		/* A rights holder's price for a category replaces the rules' in every currency. */
		for (int k = 0; from_store && k < b->nrefs;)
			if (!b->refs[k].from_store && strcmp(b->refs[k].category, cat) == 0) {
				if (r == &b->refs[k])
					r = NULL;
				free(b->refs[k].category);
				b->refs[k] = b->refs[--b->nrefs];
			} else {
				k++;
			}
		for (int k = 0; !r && k < b->nrefs; k++)
			if (strcmp(b->refs[k].category, cat) == 0 &&
				strcmp(b->refs[k].currency, currency) == 0)
				r = &b->refs[k];
		if (!r) {
			b->refs = xrealloc(b->refs, (size_t)(b->nrefs + 1) * sizeof(*b->refs));
			r = &b->refs[b->nrefs++];
			r->category = cat;
			memcpy(r->currency, currency, 4);
		} else {
			free(cat);
		}
		r->price = price;
		r->from_store = from_store;
	}
	return 0;
}

static int load_brands(struct screen *s)
{
	struct rfile rf;
	char *f[8];
	int rc, nf;

	if ((rc = rfile_open(s, &rf, "brands.tsv")))
		return rc;
	while ((rc = rfile_next(&rf, f, 8, &nf)) == 1) {
		long long price = 0;
		int has_price = 0;
		char *cur;

		if (nf != 6) {
			rc = ck_error(EX_DATAERR,
				"%s:%ld: %d fields, wanted 6 (brand, aliases, category, reference_price, currency, rights_holder)",
				rf.path, rf.line, nf);
			break;
		}
		cur = trim(f[4]);
		if (!*trim(f[0])) {
			rc = ck_error(EX_DATAERR, "%s:%ld: no brand name", rf.path, rf.line);
			break;
		}
		if (*trim(f[3])) {
			int64_t v;

			/* A reference price is a plain positive amount: no sign. */
			if (strlen(cur) != 3 || !isdigit((unsigned char)*trim(f[3])) ||
				money_parse(trim(f[3]), money_exponent(cur), &v)) {
				rc = ck_error(EX_DATAERR,
					"%s:%ld: bad reference price '%s %s' (want 1299.00 and a currency code)",
					rf.path, rf.line, f[3], cur);
				break;
			}
			price = v;
			has_price = 1;
		}
		if (add_brand(s, f[0], f[1], trim(f[2]), has_price, price, cur, trim(f[5]), 0)) {
			rc = ck_error(EX_DATAERR, "%s:%ld: empty brand name", rf.path, rf.line);
			break;
		}
	}
	rfile_close(&rf);
	return rc < 0 ? 0 : rc == 1 ? 0 : rc;
}

static void compile_term(struct screen *s, struct term *t)
{
	int i;

	cps_reset(&s->tmp);
	fold_cps(s, t->text, &s->tmp);
	for (i = 0; i < s->tmp.n; i++)
		if (class_of(s->tmp.v[i]) != CL_SEP)
			cps_add(&t->s, s->tmp.v[i]);
	if (t->s.n) {
		t->wb_start = class_of(t->s.v[0]) == CL_WORD;
		t->wb_end = class_of(t->s.v[t->s.n - 1]) == CL_WORD;
	}
}

static int load_vocab(struct screen *s)
{
	struct rfile rf;
	char *f[6];
	int rc, nf;

	if ((rc = rfile_open(s, &rf, "vocab.tsv")))
		return rc;
	while ((rc = rfile_next(&rf, f, 6, &nf)) == 1) {
		struct term t = { 0 };
		long long pts = -1;
		int i;

		if (nf < 3 || nf > 4) {
			rc = ck_error(EX_DATAERR,
				"%s:%ld: %d fields, wanted 3 or 4 (term, tier, language[, points])",
				rf.path, rf.line, nf);
			break;
		}
		for (i = 0; tier_names[i] && strcmp(tier_names[i], trim(f[1])) != 0; i++)
			;
		if (!tier_names[i]) {
			rc = ck_error(EX_DATAERR,
				"%s:%ld: unknown tier '%s' (strong, medium, weak or context)",
				rf.path, rf.line, f[1]);
			break;
		}
		if (nf == 4 && (ck_parse_long(trim(f[3]), &pts) || pts < 0 || pts > 100)) {
			rc = ck_error(EX_DATAERR,
				"%s:%ld: points '%s' is not a number from 0 to 100", rf.path,
				rf.line, f[3]);
			break;
		}
		t.text = xstrdup(trim(f[0]));
		t.tier = i;
		t.points = (int)pts;
		compile_term(s, &t);
		if (t.s.n == 0) {
			free(t.text);
			rc = ck_error(EX_DATAERR, "%s:%ld: empty term", rf.path, rf.line);
			break;
		}
		for (i = 0; i < s->nterms; i++)
			if (cps_eq(&s->terms[i].s, t.s.v, t.s.n))
				break;
		if (i < s->nterms) {
			rc = ck_error(EX_DATAERR,
				"%s:%ld: '%s' is the same term as '%s' once separators are removed",
				rf.path, rf.line, t.text, s->terms[i].text);
			free(t.text);
			free(t.s.v);
			break;
		}
		s->terms = xrealloc(s->terms, (size_t)(s->nterms + 1) * sizeof(*s->terms));
		s->terms[s->nterms++] = t;
	}
	rfile_close(&rf);
	return rc == 0 ? 0 : rc;
}

static int term_index(struct screen *s, const char *text)
{
	struct term t = { 0 };
	int i, found = -1;

	t.text = (char *)text;
	compile_term(s, &t);
	for (i = 0; i < s->nterms && found < 0; i++)
		if (cps_eq(&s->terms[i].s, t.s.v, t.s.n))
			found = i;
	free(t.s.v);
	return found;
}

static int load_guards(struct screen *s)
{
	struct rfile rf;
	char *f[6];
	int rc, nf;

	if ((rc = rfile_open(s, &rf, "guards.tsv")))
		return rc;
	while ((rc = rfile_next(&rf, f, 6, &nf)) == 1) {
		struct guard g = { 0 };
		char *target = trim(f[0]);
		long long win = 0;

		if (nf < 2 || nf > 3) {
			rc = ck_error(EX_DATAERR,
				"%s:%ld: %d fields, wanted 2 or 3 (target, phrase[, window])",
				rf.path, rf.line, nf);
			break;
		}
		if (strcmp(target, "@brand") == 0)
			g.target = GT_BRAND;
		else if (strcmp(target, "@price") == 0)
			g.target = GT_PRICE;
		else if (strcmp(target, "@lookalike") == 0)
			g.target = GT_LOOKALIKE;
		else if (*target == '@' || (g.target = term_index(s, target)) < 0) {
			rc = ck_error(EX_DATAERR,
				"%s:%ld: '%s' is neither a term of vocab.tsv nor @brand, @price or @lookalike",
				rf.path, rf.line, target);
			break;
		}
		if (nf == 3 && (ck_parse_long(trim(f[2]), &win) || win < 0 || win > 200)) {
			rc = ck_error(EX_DATAERR,
				"%s:%ld: window '%s' is not a number from 0 to 200", rf.path,
				rf.line, f[2]);
			break;
		}
		g.window = (int)win;
		fold_cps(s, trim(f[1]), &g.f);
		if (g.f.n == 0) {
			rc = ck_error(EX_DATAERR, "%s:%ld: empty phrase", rf.path, rf.line);
			break;
		}
		s->guards = xrealloc(s->guards, (size_t)(s->nguards + 1) * sizeof(*s->guards));
		s->guards[s->nguards++] = g;
	}
	rfile_close(&rf);
	return rc;
}

static const struct {
	const char *name;
	size_t off;
	double def;
} weight_keys[] = {
#define W(n, f, d) \
	{ \
		n, offsetof(struct weights, f), d \
	}
	W("brand.claim", brand_claim, 10),
	W("brand.nobrand_factor", nobrand_factor, 0.5),
	W("flag", flag, 50),
	W("kw.context", kw_context, 20),
	W("kw.max", kw_max, 60),
	W("kw.medium", kw_medium, 25),
	W("kw.strong", kw_strong, 40),
	W("kw.weak", kw_weak, 10),
	W("lookalike.homoglyph", homoglyph, 45),
	W("lookalike.leet", leet, 45),
	W("lookalike.spaced", spaced, 40),
	W("lookalike.typo", typo, 30),
	W("network.flagged", network, 15),
	W("price.max", price_max, 50),
	W("price.medium", price_medium, 20),
	W("price.medium_ratio", price_medium_ratio, 0.5),
	W("price.strong", price_strong, 40),
	W("price.strong_ratio", price_strong_ratio, 0.3),
	W("price.z", z, -3.5),
	W("price.z_mad_floor", z_mad_floor, 0.1),
	W("price.z_min_n", z_min_n, 10),
	W("price.z_points", z_points, 15),
	W("seller.new", seller_new, 10),
	W("seller.new_days", seller_new_days, 30),
	W("testbuy.listing", testbuy_listing, 60),
	W("testbuy.seller", testbuy_seller, 30),
#undef W
};

static int load_weights(struct screen *s)
{
	struct rfile rf;
	size_t i;
	int rc = 0;

	for (i = 0; i < sizeof(weight_keys) / sizeof(*weight_keys); i++)
		*(double *)((char *)&s->w + weight_keys[i].off) = weight_keys[i].def;
	if ((rc = rfile_open(s, &rf, "weights.conf")))
		return rc;
	while (rf.p && *rf.p) {
		char *line = rf.p, *nl = strchr(line, '\n'), *eq, *key, *val, *end;
		double v;

		rf.p = nl ? nl + 1 : NULL;
		if (nl)
			*nl = '\0';
		rf.line++;
		if ((end = strchr(line, '#')))
			*end = '\0';
		for (end = line; *end; end++)
			if (*end == '\t' || *end == '\r')
				*end = ' ';
		if (!*trim(line))
			continue;
		if (!(eq = strchr(line, '='))) {
			rc = ck_error(EX_DATAERR, "%s:%ld: want 'name = number'", rf.path, rf.line);
			break;
		}
		*eq = '\0';
		key = trim(line);
		val = trim(eq + 1);
		errno = 0;
		v = strtod(val, &end);
		if (!*val || *end || errno || !isfinite(v)) {
			rc = ck_error(
				EX_DATAERR, "%s:%ld: '%s' is not a number", rf.path, rf.line, val);
			break;
		}
		if (strncmp(key, "rate.", 5) == 0 && strlen(key) == 8 && v > 0) {
			s->rates = xrealloc(s->rates, (size_t)(s->nrates + 1) * sizeof(*s->rates));
			memcpy(s->rates[s->nrates].currency, key + 5, 4);
			s->rates[s->nrates++].per_usd = v;
			continue;
		}
		for (i = 0; i < sizeof(weight_keys) / sizeof(*weight_keys); i++)
			if (strcmp(weight_keys[i].name, key) == 0)
				break;
		if (i == sizeof(weight_keys) / sizeof(*weight_keys)) {
			rc = ck_error(
				EX_DATAERR, "%s:%ld: unknown weight '%s'", rf.path, rf.line, key);
			break;
		}
		*(double *)((char *)&s->w + weight_keys[i].off) = v;
	}
	rfile_close(&rf);
	return rc;
}

int screen_open(struct screen **out, const char *dir)
{
	struct screen *s = xcalloc(1, sizeof(*s));
	UErrorCode e = U_ZERO_ERROR;
	int rc;

	*out = NULL;
	s->dir = dir ? xstrdup(dir) : ck_path_join(ck_datadir(), "rules");
	s->nfkc = unorm2_getNFKCCasefoldInstance(&e);
	if (U_SUCCESS(e))
		s->spoof = uspoof_open(&e);
	if (U_FAILURE(e)) {
		screen_close(s);
		return ck_error(EX_SOFTWARE, "cannot open ICU: %s", u_errorName(e));
	}
	s->md = EVP_MD_CTX_new();
	if (!s->md || EVP_DigestInit_ex(s->md, EVP_sha256(), NULL) != 1)
		ck_bug("SHA-256 is not available");
	EVP_DigestUpdate(s->md, "casekit-screen-rules 1\n", 23);
	for (int up = 0; up < 2; up++)
		for (UChar32 c = 1; c < 128; c++) {
			cps_reset(&s->tmp);
			key_of(s, &c, 1, up, &s->tmp);
			for (int k = 0; k < 3; k++)
				s->ascii_key[up][c][k] = k < s->tmp.n ? s->tmp.v[k] : 0;
			if (s->tmp.n > 3)
				ck_bug("the key of '%c' is %d characters long", (int)c, s->tmp.n);
		}
	s->ascii_ok = 1;
	if ((rc = load_brands(s)) || (rc = load_vocab(s)) || (rc = load_guards(s)) ||
		(rc = load_weights(s))) {
		screen_close(s);
		return rc;
	}
	/* Longer terms first, so "super fake" is counted and the "fake" inside it is not. */
	s->order = xcalloc((size_t)s->nterms + 1, sizeof(int));
	for (int i = 0; i < s->nterms; i++) {
		int j = i;

		while (j > 0 && s->terms[s->order[j - 1]].s.n < s->terms[i].s.n) {
			s->order[j] = s->order[j - 1];
			j--;
		}
		s->order[j] = i;
	}
	*out = s;
	return 0;
}

int screen_add_store_brands(struct screen *s, struct store *st)
{
	struct store_stmt *q = store_prepare(st,
		"SELECT brand, aliases, category, reference_price, currency, rights_holder "
		/* the whole key, nulls first as SQLite has them: the digest's order on any store */
		"FROM brands ORDER BY brand, category, currency IS NOT NULL, currency");
	int rc;

	if (!q)
		return EX_SOFTWARE;
	while ((rc = store_step(q)) == STORE_ROW) {
		const char *v[6];
		int i;

		for (i = 0; i < 6; i++) {
			v[i] = store_col_text(q, i);
			EVP_DigestUpdate(s->md, v[i] ? v[i] : "", v[i] ? strlen(v[i]) + 1 : 1);
		}
		if (v[0])
			add_brand(s, v[0], v[1], v[2], store_col_type(q, 3) == STORE_INT,
				store_col_int(q, 3), v[4], v[5], 1);
	}
	store_done(q);
	return rc;
}

const char *screen_digest(struct screen *s)
{
	if (!s->digest[0]) {
		unsigned char md[EVP_MAX_MD_SIZE];
		unsigned int n = 0, i;

		EVP_DigestFinal_ex(s->md, md, &n);
		for (i = 0; i < n && i < 32; i++)
			snprintf(s->digest + 2 * i, 3, "%02x", md[i]);
	}
	return s->digest;
}

int screen_flag_threshold(const struct screen *s)
{
	return (int)s->w.flag;
}

int screen_network_points(const struct screen *s)
{
	return ipoints_w(s->w.network);
}

void screen_set_explain(struct screen *s, int on)
{
	s->explain = on;
}

static void text_free(struct text *t)
{
	free(t->f.v);
	free(t->s.v);
	free(t->cls);
	free(t->smap);
	free(t->sb);
	free(t->tok);
	free(t->keys.v);
	free(t->ukeys.v);
}

void screen_close(struct screen *s)
{
	int i;
	size_t k;

	if (!s)
		return;
	for (i = 0; i < s->nbrands; i++) {
		for (int j = 0; j < s->brands[i].nrefs; j++)
			free(s->brands[i].refs[j].category);
		free(s->brands[i].refs);
		free(s->brands[i].name);
		free(s->brands[i].display);
		free(s->brands[i].rights_holder);
	}
	free(s->brands);
	for (i = 0; i < s->naliases; i++) {
		free(s->aliases[i].fold.v);
		free(s->aliases[i].key.v);
		free(s->aliases[i].ukey.v);
	}
	free(s->aliases);
	for (i = 0; i < s->nterms; i++) {
		free(s->terms[i].text);
		free(s->terms[i].s.v);
	}
	free(s->terms);
	for (i = 0; i < s->nguards; i++)
		free(s->guards[i].f.v);
	free(s->guards);
	free(s->mk);
	free(s->ms);
	ck_names_free(&s->cats);
	ck_names_free(&s->curs);
	for (i = 0; i < 3; i++)
		text_free(&s->t[i]);
	free(s->cat_f.v);
	free(s->cat_k.v);
	free(s->cat_u.v);
	free(s->leet[0].v);
	free(s->leet[1].v);
	free(s->rates);
	free(s->tmp.v);
	free(s->bh);
	free(s->order);
	free(s->prefixes);
	free(s->seen);
	for (i = 0; i < 256; i++) {
		free(s->abucket[i].v);
		free(s->tbucket[i].v);
		free(s->cbucket[i].v);
	}
	for (k = 0; k < sizeof(s->fcache) / sizeof(*s->fcache); k++)
		free(s->fcache[k].raw);
	for (k = 0; k < sizeof(s->ccache) / sizeof(*s->ccache); k++) {
		free(s->ccache[k].raw);
		free(s->ccache[k].fold);
	}
	free(s->spans);
	free(s->occ);
	free(s->u16a);
	free(s->u16b);
	if (s->spoof)
		uspoof_close(s->spoof);
	EVP_MD_CTX_free(s->md);
	free(s->dir);
	free(s);
}

/* ---- matching ---- */

/* Does phrase p occur in t->f at i, on word boundaries where its ends are letters or digits? */
static int phrase_at(const struct text *t, const struct cps *p, int i)
{
	if (i + p->n > t->f.n || memcmp(t->f.v + i, p->v, (size_t)p->n * sizeof(UChar32)) != 0)
		return 0;
	if (class_of(p->v[0]) == CL_WORD && i > 0 && t->cls[i - 1] == CL_WORD)
		return 0;
	if (class_of(p->v[p->n - 1]) == CL_WORD && i + p->n < t->f.n && t->cls[i + p->n] == CL_WORD)
		return 0;
	return 1;
}

/*
 * Is the span [fs, fe) of t guarded against target? A guard phrase that overlaps the span, or
 * lies within its window of characters on either side, takes the match back. Returns the
 * guard's index + 1, or 0.
 */
static int guarded(struct screen *s, const struct text *t, int target, int fs, int fe)
{
	int g, i;

	for (g = 0; g < s->nguards; g++) {
		const struct guard *gd = &s->guards[g];
		int lo, hi;

		if (gd->target != target)
			continue;
		lo = fs - gd->window - gd->f.n;
		hi = fe + gd->window;
		if (lo < 0)
			lo = 0;
		for (i = lo; i <= hi && i + gd->f.n <= t->f.n; i++) {
			int ge = i + gd->f.n;

			if (t->f.v[i] != gd->f.v[0] || !phrase_at(t, &gd->f, i))
				continue;
			if (i < fe && ge > fs)
				return g + 1;
			if (gd->window > 0 && (i >= fe ? i - fe : fs - ge) <= gd->window)
				return g + 1;
		}
	}
	return 0;
}

/* Anywhere in t, a phrase guarding target (used for @price: "used", "二手"). */
static int guard_anywhere(struct screen *s, const struct text *t, int target)
{
	int g, i;

	for (g = 0; g < s->nguards; g++)
		if (s->guards[g].target == target)
			for (i = 0; i + s->guards[g].f.n <= t->f.n; i++)
				if (t->f.v[i] == s->guards[g].f.v[0] &&
					phrase_at(t, &s->guards[g].f, i))
					return g + 1;
	return 0;
}

static int is_lookalike_stopword(struct screen *s, const struct cps *w)
{
	int g;

	for (g = 0; g < s->nguards; g++)
		if (s->guards[g].target == GT_LOOKALIKE && cps_eq(&s->guards[g].f, w->v, w->n))
			return 1;
	return 0;
}

static void bh_add(struct screen *s, int brand, int kind, int fs, int fe, int field)
{
	struct bhit *h;

	if (s->nbh == s->capbh) {
		s->capbh = s->capbh ? s->capbh * 2 : 16;
		s->bh = xrealloc(s->bh, (size_t)s->capbh * sizeof(*s->bh));
	}
	h = &s->bh[s->nbh++];
	h->brand = brand;
	h->kind = kind;
	h->fs = fs;
	h->fe = fe;
	h->field = field;
	h->guarded = 0;
}

/* The word (fold) is the alias with an English plural ending: "rolexes" names Rolex. */
static int is_plural(const struct alias *a, const struct cps *w)
{
	int n = a->fold.n;

	if (w->n == n + 1 && w->v[n] == 's')
		return memcmp(w->v, a->fold.v, (size_t)n * sizeof(UChar32)) == 0;
	if (w->n == n + 2 && w->v[n] == 'e' && w->v[n + 1] == 's')
		return memcmp(w->v, a->fold.v, (size_t)n * sizeof(UChar32)) == 0;
	return 0;
}

/*
 * Digits written for letters ("R013x", "Cart13r", "N1k3"): a word holding letters and digits
 * decoded twice, with 1 read as i and as l. Returns 0 when w is not such a word.
 */
static int leet_decode(const struct cps *w, struct cps v[2])
{
	static const char map[] = "oizeasgtbg"; /* 0..9; 1 and 2 differ per variant below */
	int i, letters = 0, digits = 0;

	for (i = 0; i < w->n; i++) {
		if (w->v[i] >= '0' && w->v[i] <= '9')
			digits++;
		else if (w->v[i] >= 'a' && w->v[i] <= 'z')
			letters++;
		else
			return 0;
	}
	if (!letters || !digits || letters < 2)
		return 0;
	cps_reset(&v[0]);
	cps_reset(&v[1]);
	for (i = 0; i < w->n; i++) {
		UChar32 c = w->v[i];

		if (c >= '0' && c <= '9') {
			cps_add(&v[0], c == '1' ? 'i' : (UChar32)map[c - '0']);
			cps_add(&v[1], c == '1' ? 'l' : (UChar32)map[c - '0']);
		} else {
			cps_add(&v[0], c);
			cps_add(&v[1], c);
		}
	}
	return 1;
}

/* How a decoded word names an alias: BK_LEET when equal, BK_TYPO within its distance. */
static int leet_kind(const struct alias *al, const struct cps v[2], int typo)
{
	int k, best = BK_NONE;

	for (k = 0; k < 2; k++) {
		int dl = v[k].n - al->fold.n;

		if (cps_eq(&al->fold, v[k].v, v[k].n))
			return BK_LEET;
		if (typo && al->maxd && v[k].v[0] == al->fold.v[0] && dl <= al->maxd &&
			dl >= -al->maxd &&
			osa(v[k].v, v[k].n, al->fold.v, al->fold.n, al->maxd) <= al->maxd)
			best = BK_TYPO;
	}
	return best;
}

/*
 * Find the brands named in t. Latin script: runs of one or more words joined with the
 * separators removed (so "G U C C I" and "g.u.c.c.i" are found), compared by folded text, by
 * confusable key, and (single words only) by edit distance. CJK: a substring of the text with
 * separators removed.
 */
/* Index aliases by the first code point of their fold and keys, and terms by their first. */
static void build_buckets(struct screen *s)
{
	int i;

	for (i = 0; i < 256; i++)
		s->abucket[i].n = s->tbucket[i].n = s->cbucket[i].n = 0;
	s->seen = xrealloc(s->seen, ((size_t)s->naliases + 1) * sizeof(int));
	memset(s->seen, 0, ((size_t)s->naliases + 1) * sizeof(int));
	s->stamp = 0;
	for (i = 0; i < s->naliases; i++) {
		const struct alias *al = &s->aliases[i];

		if (al->cjk) {
			ivec_add(&s->cbucket[al->fold.v[0] & 255], i);
			continue;
		}
		if (al->ntok > 1 && al->ntok > s->mw_words[al->fold.v[0] & 255])
			s->mw_words[al->fold.v[0] & 255] =
				(unsigned char)(al->ntok > 12 ? 12 : al->ntok);
		ivec_add(&s->abucket[al->fold.v[0] & 255], i);
		if (al->key.n)
			ivec_add(&s->abucket[al->key.v[0] & 255], i);
		if (al->ukey.n)
			ivec_add(&s->abucket[al->ukey.v[0] & 255], i);
	}
	for (i = 0; i < s->nterms; i++)
		ivec_add(&s->tbucket[s->terms[i].s.v[0] & 255], i);
	/* Every proper beginning of a Latin alias, folded and keyed: what a window may grow into. */
	free(s->prefixes);
	s->capprefix = 1024;
	while (s->capprefix < (size_t)(s->maxalias + 4) * (size_t)s->naliases * 8)
		s->capprefix *= 2;
	s->prefixes = xcalloc(s->capprefix, sizeof(*s->prefixes));
	for (i = 0; i < s->naliases; i++) {
		const struct alias *al = &s->aliases[i];
		int k;

		if (al->cjk)
			continue;
		for (k = 1; k < al->fold.n; k++)
			prefix_add(s, al->fold.v, k);
		for (k = 1; k < al->key.n; k++)
			prefix_add(s, al->key.v, k);
		for (k = 1; k < al->ukey.n; k++)
			prefix_add(s, al->ukey.v, k);
	}
	s->buckets_ok = 1;
}

/* How the window in s->cat_f/k/u (nw words) names alias al: a BK_* kind. */
static int alias_kind(struct screen *s, const struct alias *al, int nw, int mixed)
{
	int kind = BK_NONE, dl;

	if (cps_eq(&al->fold, s->cat_f.v, s->cat_f.n))
		return nw > al->ntok ? BK_SPACED : BK_EXACT;
	if (nw == 1 && is_plural(al, &s->cat_f))
		return BK_EXACT;
	if (cps_eq(&al->key, s->cat_k.v, s->cat_k.n) || cps_eq(&al->ukey, s->cat_u.v, s->cat_u.n))
		kind = BK_HOMOGLYPH;
	else if ((nw == 1 || nw == al->ntok) && al->maxd && s->cat_f.v[0] == al->fold.v[0] &&
		(dl = s->cat_f.n - al->fold.n) <= al->maxd && dl >= -al->maxd &&
		osa(s->cat_f.v, s->cat_f.n, al->fold.v, al->fold.n, al->maxd) <= al->maxd &&
		!is_lookalike_stopword(s, &s->cat_f))
		kind = BK_TYPO;
	if (mixed) {
		int lk = leet_kind(al, s->leet, nw == 1 || nw == al->ntok);

		if (lk > kind)
			kind = lk;
	}
	return kind;
}

static void match_brands(struct screen *s, struct text *t, int field)
{
	int i, j, a, k;

	if (!s->buckets_ok)
		build_buckets(s);
	for (i = 0; i < t->ntok;) {
		int best_kind = BK_NONE, best_alias = -1, best_j = i;

		cps_reset(&s->cat_f);
		cps_reset(&s->cat_k);
		cps_reset(&s->cat_u);
		for (j = i; j < t->ntok && j < i + 12; j++) {
			const struct tok *tk = &t->tok[j];
			int nw = j - i + 1, mixed, bk[4], nb = 0, b, x;

			if (j > i && !t->tok[j - 1].sepnext)
				break;
			for (k = tk->fs; k < tk->fe; k++)
				cps_add(&s->cat_f, t->f.v[k]);
			for (k = tk->ks; k < tk->ke; k++)
				cps_add(&s->cat_k, t->keys.v[k]);
			for (k = tk->us; k < tk->ue; k++)
				cps_add(&s->cat_u, t->ukeys.v[k]);
			if (s->cat_f.n > s->maxalias + 2)
				break;
			mixed = leet_decode(&s->cat_f, s->leet);
			/* Only aliases that begin like the window (folded, keyed or decoded) */
			bk[nb++] = s->cat_f.v[0] & 255;
			if (s->cat_k.n)
				bk[nb++] = s->cat_k.v[0] & 255;
			if (s->cat_u.n)
				bk[nb++] = s->cat_u.v[0] & 255;
			if (mixed)
				bk[nb++] = s->leet[0].v[0] & 255;
			for (b = 0; b < nb; b++) {
				int dup = 0;

				for (x = 0; x < b; x++)
					dup |= bk[x] == bk[b];
				if (dup)
					continue;
				for (x = 0; x < s->abucket[bk[b]].n; x++) {
					int kind;

					a = s->abucket[bk[b]].v[x];
					kind = alias_kind(s, &s->aliases[a], nw, mixed);
					if (kind > best_kind) {
						best_kind = kind;
						best_alias = a;
						best_j = j;
					}
				}
			}
			/*
			 * Grow the window only while it is still the beginning of some alias, or may
			 * be a misspelt first word of a name of several words ("Lous Vuitton").
			 */
			if (!(nw < s->mw_words[s->cat_f.v[0] & 255]) &&
				!is_prefix(s, s->cat_f.v, s->cat_f.n) &&
				!is_prefix(s, s->cat_k.v, s->cat_k.n) &&
				!is_prefix(s, s->cat_u.v, s->cat_u.n) &&
				!(mixed &&
					(is_prefix(s, s->leet[0].v, s->leet[0].n) ||
						is_prefix(s, s->leet[1].v, s->leet[1].n))))
				break;
		}
		if (best_kind) {
			bh_add(s, s->aliases[best_alias].brand, best_kind, t->tok[i].fs,
				t->tok[best_j].fe, field);
			i = best_j + 1;
		} else {
			i++;
		}
	}
	/* CJK aliases: substrings of the text with separators removed, each found once. */
	s->stamp++;
	for (i = 0; i < t->s.n; i++) {
		const struct ivec *b;
		int x;

		b = &s->cbucket[t->s.v[i] & 255];
		for (x = 0; x < b->n; x++) {
			const struct alias *al = &s->aliases[b->v[x]];
			int spaced = 0;

			if (s->seen[b->v[x]] == s->stamp || i + al->fold.n > t->s.n ||
				t->s.v[i] != al->fold.v[0] ||
				memcmp(t->s.v + i, al->fold.v,
					(size_t)al->fold.n * sizeof(UChar32)))
				continue;
			s->seen[b->v[x]] = s->stamp;
			for (k = i + 1; k < i + al->fold.n; k++)
				if (t->smap[k] != t->smap[k - 1] + 1)
					spaced = 1;
			bh_add(s, al->brand, spaced ? BK_SPACED : BK_EXACT, t->smap[i],
				t->smap[i + al->fold.n - 1] + 1, field);
		}
	}
}

/* The brand a listing's brand field names, and how (BK_*); -1 if none. */
static int field_brand(struct screen *s, const char *raw, int *kind)
{
	struct text *t = &s->t[2];
	int save = s->nbh, i, best = -1;

	struct fcache *c;

	/* Brand fields repeat: remember what each one named. */
	c = &s->fcache[ck_fnv1a(raw, strlen(raw)) % (sizeof(s->fcache) / sizeof(*s->fcache))];
	if (c->raw && strcmp(c->raw, raw) == 0) {
		*kind = c->kind;
		return c->brand;
	}
	*kind = BK_NONE;
	text_prepare(s, t, raw);
	match_brands(s, t, 2);
	for (i = save; i < s->nbh; i++)
		if (s->bh[i].kind > *kind) {
			*kind = s->bh[i].kind;
			best = s->bh[i].brand;
		}
	s->nbh = save;
	free(c->raw);
	c->raw = xstrdup(raw);
	c->brand = best;
	c->kind = *kind;
	return best;
}

const char *screen_brand_of(struct screen *s, const char *text)
{
	int kind, b;

	if (!text || !*text)
		return NULL;
	b = field_brand(s, text, &kind);
	return b >= 0 ? s->brands[b].name : NULL;
}

/* Does term m occur in t->s at i, on word boundaries where it begins or ends with a word? */
static int term_here(const struct text *t, const struct term *m, int i)
{
	if (i + m->s.n > t->s.n ||
		memcmp(t->s.v + i, m->s.v, (size_t)m->s.n * sizeof(UChar32)) != 0)
		return 0;
	if (m->wb_start && !t->sb[i])
		return 0;
	if (m->wb_end && !t->sb[i + m->s.n])
		return 0;
	return 1;
}

/* ---- market prices ---- */

/* A category folded, from a cache: categories are few and repeat on every listing. */
static const struct ccache *cat_fold(struct screen *s, const char *raw)
{
	struct ccache *c;

	if (!raw)
		raw = "";
	c = &s->ccache[ck_fnv1a(raw, strlen(raw)) % (sizeof(s->ccache) / sizeof(*s->ccache))];
	if (!c->raw || strcmp(c->raw, raw) != 0) {
		free(c->raw);
		free(c->fold);
		c->raw = xstrdup(raw);
		c->fold = fold_utf8(raw);
		c->id = ck_name_id(&s->cats, c->fold);
	}
	return c;
}

static struct group group_of(
	struct screen *s, int brand, const char *category, const char *currency)
{
	struct group g;

	g.brand = brand;
	g.cat = cat_fold(s, category)->id;
	g.cur = ck_name_id(&s->curs, currency ? currency : "");
	return g;
}

static int group_cmp(const struct group *a, const struct group *b)
{
	if (a->brand != b->brand)
		return a->brand < b->brand ? -1 : 1;
	if (a->cat != b->cat)
		return a->cat < b->cat ? -1 : 1;
	return a->cur < b->cur ? -1 : a->cur > b->cur;
}

void screen_market_add(struct screen *s, const char *brand, const char *category,
	const char *currency, long long price)
{
	int kind, b;

	if (!brand || !*brand || price <= 0 || !currency)
		return;
	b = field_brand(s, brand, &kind);
	if (b < 0 || kind != BK_EXACT)
		return;
	if (s->nmk == s->capmk) {
		s->capmk = s->capmk ? s->capmk * 2 : 1024;
		s->mk = xrealloc(s->mk, s->capmk * sizeof(*s->mk));
	}
	s->mk[s->nmk].g = group_of(s, b, category, currency);
	s->mk[s->nmk].x = log((double)price);
	s->nmk++;
}

static int mk_cmp(const void *a, const void *b)
{
	const struct mkt *x = a, *y = b;
	int c = group_cmp(&x->g, &y->g);

	return c ? c : (x->x < y->x ? -1 : x->x > y->x);
}

static int dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	ck_sort(v, n, sizeof(*v), dbl_cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

void screen_market_done(struct screen *s)
{
	size_t i, j, k;
	double *dev;

	if (s->nmk)
		ck_sort(s->mk, s->nmk, sizeof(*s->mk), mk_cmp);
	dev = xmalloc((s->nmk + 1) * sizeof(*dev));
	for (i = 0; i < s->nmk; i = j) {
		struct mstat *m;
		double sum = 0;

		for (j = i; j < s->nmk && group_cmp(&s->mk[j].g, &s->mk[i].g) == 0; j++)
			dev[j - i] = s->mk[j].x;
		s->ms = xrealloc(s->ms, (s->nms + 1) * sizeof(*s->ms));
		m = &s->ms[s->nms++];
		m->g = s->mk[i].g;
		m->n = (int)(j - i);
		m->med = median(dev, j - i);
		for (k = i; k < j; k++) {
			dev[k - i] = fabs(s->mk[k].x - m->med);
			sum += dev[k - i];
		}
		m->meanad = sum / (double)(j - i);
		m->mad = median(dev, j - i);
	}
	free(dev);
	free(s->mk);
	s->mk = NULL;
	s->nmk = s->capmk = 0;
}

static const struct mstat *market_stat(struct screen *s, const struct group *g)
{
	size_t lo = 0, hi = s->nms;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = group_cmp(&s->ms[mid].g, g);

		if (c == 0)
			return &s->ms[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ---- scoring ---- */

/* Days since 1970-01-01 of an ISO 8601 date ("2026-12-01..."); 0 and *out, or -1. */
static int iso_day(const char *p, long *out)
{
	int y, m, d;
	long era, yoe, doy, doe;

	if (!p || strlen(p) < 10 || p[4] != '-' || p[7] != '-')
		return -1;
	for (y = 0; y < 10; y++)
		if (y != 4 && y != 7 && (p[y] < '0' || p[y] > '9'))
			return -1;
	y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	m = (p[5] - '0') * 10 + (p[6] - '0');
	d = (p[8] - '0') * 10 + (p[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*out = era * 146097 + doe - 719468;
	return 0;
}

static void result_reset(struct screen_result *r)
{
	size_t i;

	for (i = 0; i < r->nhits; i++) {
		free(r->hits[i].rule);
		free(r->hits[i].reason);
		free(r->hits[i].detail);
	}
	r->nhits = 0;
	r->score = r->flagged = 0;
	r->brand = NULL;
	buf_reset(&r->reasons);
	buf_adds(&r->reasons, "");
}

void screen_result_free(struct screen_result *r)
{
	result_reset(r);
	free(r->hits);
	buf_free(&r->reasons);
	memset(r, 0, sizeof(*r));
}

/* Record a rule. reason (owned, spaces become '_') goes into the reasons; detail to --explain. */
static void hit(struct screen *s, struct screen_result *r, const char *rule, int points,
	char *reason, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void hit(struct screen *s, struct screen_result *r, const char *rule, int points,
	char *reason, const char *fmt, ...)
{
	struct screen_hit *h;
	char *p;

	if (!s->explain && !reason)
		return;
	if (r->nhits == r->caphits) {
		r->caphits = r->caphits ? r->caphits * 2 : 8;
		r->hits = xrealloc(r->hits, r->caphits * sizeof(*r->hits));
	}
	h = &r->hits[r->nhits++];
	h->rule = xstrdup(rule);
	h->points = points;
	h->reason = reason;
	h->detail = NULL;
	if (reason) {
		for (p = reason; *p; p++)
			if (*p == ' ' || *p == '\t')
				*p = '_';
		if (r->reasons.len)
			buf_addc(&r->reasons, ' ');
		buf_adds(&r->reasons, reason);
	}
	if (s->explain) {
		struct buf b = { 0 };
		va_list ap;

		va_start(ap, fmt);
		buf_vaddf(&b, fmt, ap);
		va_end(ap);
		h->detail = buf_detach(&b);
	}
	r->score += points;
}

static const char *const field_names[] = { "title", "image text", "brand field" };

static char *span_text(const struct text *t, int fs, int fe)
{
	return cps_utf8(t->f.v + fs, fe - fs);
}

static int ipoints(double v)
{
	return (int)lround(v);
}

static double kind_points(struct screen *s, int kind)
{
	switch (kind) {
	case BK_HOMOGLYPH:
		return s->w.homoglyph;
	case BK_LEET:
		return s->w.leet;
	case BK_SPACED:
		return s->w.spaced;
	case BK_TYPO:
		return s->w.typo;
	default:
		return 0;
	}
}

/* A brand's look-alike spelling: the strongest one found, in the text or the brand field. */
static int score_brand(struct screen *s, const struct screen_listing *l, struct screen_result *r)
{
	int i, fkind = BK_NONE, fb = -1, claim = -1, ev = -1, evkind = BK_NONE, evfield = 0;
	double evpts = 0;
	char *w;

	for (i = 0; i < s->nbh; i++)
		s->bh[i].guarded =
			guarded(s, &s->t[s->bh[i].field], GT_BRAND, s->bh[i].fs, s->bh[i].fe);
	if (l->brand && *l->brand)
		fb = field_brand(s, l->brand, &fkind);
	for (i = 0; i < s->nbh; i++) {
		const struct bhit *h = &s->bh[i];
		double pts = kind_points(s, h->kind);

		if (!h->guarded && pts > evpts) {
			evpts = pts;
			ev = i;
		}
	}
	if (fb >= 0 && fkind != BK_EXACT) {
		double pts = kind_points(s, fkind);

		if (pts > evpts) {
			evpts = pts;
			ev = -2;
		}
	}
	if (ev == -2) {
		claim = fb;
		evkind = fkind;
		evfield = 2;
		w = xstrdup(l->brand);
	} else if (ev >= 0) {
		claim = s->bh[ev].brand;
		evkind = s->bh[ev].kind;
		evfield = s->bh[ev].field;
		w = span_text(&s->t[evfield], s->bh[ev].fs, s->bh[ev].fe);
	}
	if (claim >= 0) {
		hit(s, r, "brand~", ipoints(evpts),
			xasprintf("brand~%s(%s)", s->brands[claim].display, kind_names[evkind]),
			"'%s' in the %s imitates %s (%s)", w, field_names[evfield],
			s->brands[claim].name, kind_names[evkind]);
		free(w);
	}
	if (claim < 0 && fb >= 0) {
		int g = 0, u = 0;

		for (i = 0; i < s->nbh; i++)
			if (s->bh[i].brand == fb) {
				if (s->bh[i].guarded)
					g++;
				else
					u++;
			}
		if (g && !u)
			hit(s, r, "guard", 0, NULL,
				"brand field '%s' not taken as a claim: the text names %s only as compatible",
				l->brand, s->brands[fb].name);
		else
			claim = fb;
	}
	for (i = 0; i < s->nbh && claim < 0; i++)
		if (!s->bh[i].guarded && s->bh[i].kind == BK_EXACT)
			claim = s->bh[i].brand;
	for (i = 0; i < s->nbh && s->explain; i++)
		if (s->bh[i].guarded) {
			char *m = span_text(&s->t[s->bh[i].field], s->bh[i].fs, s->bh[i].fe);

			hit(s, r, "guard", 0, NULL,
				"'%s' in the %s is guarded (guards.tsv line for @brand): not a claim of %s",
				m, field_names[s->bh[i].field], s->brands[s->bh[i].brand].name);
			free(m);
		}
	if (claim >= 0 && ev == -1)
		hit(s, r, "brand", ipoints(s->w.brand_claim),
			xasprintf("brand:%s", s->brands[claim].display),
			"the listing claims %s (%s)", s->brands[claim].name,
			fb == claim ? "brand field" : "named in the text");
	r->brand = claim >= 0 ? s->brands[claim].name : NULL;
	return claim;
}

/* Is [a, b) of field f inside a longer term already counted ("fake" in "super fake")? */
static int inside_counted(struct screen *s, int f, int a, int b)
{
	int i;

	for (i = 0; i < s->nspans; i++)
		if (s->spans[i][0] == f && s->spans[i][1] <= a && b <= s->spans[i][2])
			return 1;
	return 0;
}

static void score_vocab(struct screen *s, int claim, struct screen_result *r)
{
	int o, f, total = 0;

	s->nspans = 0;
	s->nocc = 0;
	if (!s->buckets_ok)
		build_buckets(s);
	/* Every occurrence of every term, found through the terms' first code points. */
	for (f = 0; f < 2; f++) {
		const struct text *t = &s->t[f];
		int i, x;

		for (i = 0; i < t->s.n; i++) {
			const struct ivec *b = &s->tbucket[t->s.v[i] & 255];

			for (x = 0; x < b->n; x++)
				if (term_here(t, &s->terms[b->v[x]], i)) {
					if (s->nocc == s->capocc) {
						s->capocc = s->capocc ? s->capocc * 2 : 16;
						s->occ = xrealloc(s->occ,
							(size_t)s->capocc * sizeof(*s->occ));
					}
					s->occ[s->nocc][0] = b->v[x];
					s->occ[s->nocc][1] = f;
					s->occ[s->nocc][2] = i;
					s->nocc++;
				}
		}
	}
	for (o = 0; o < s->nterms && s->nocc; o++) {
		int k = s->order[o];
		const struct term *m = &s->terms[k];
		int found = -1, guard = 0, pts, i, x;
		double base;

		for (x = 0; x < s->nocc && found < 0; x++) {
			const struct text *t;

			if (s->occ[x][0] != k)
				continue;
			f = s->occ[x][1];
			i = s->occ[x][2];
			t = &s->t[f];
			{
				int fs = t->smap[i], fe = t->smap[i + m->s.n - 1] + 1;

				if (inside_counted(s, f, i, i + m->s.n))
					continue;
				if ((guard = guarded(s, t, k, fs, fe)) == 0) {
					found = f;
					if (s->nspans == s->capspans) {
						s->capspans = s->capspans ? s->capspans * 2 : 16;
						s->spans = xrealloc(s->spans,
							(size_t)s->capspans * sizeof(*s->spans));
					}
					s->spans[s->nspans][0] = f;
					s->spans[s->nspans][1] = i;
					s->spans[s->nspans][2] = i + m->s.n;
					s->nspans++;
					break;
				}
			}
		}
		if (found < 0) {
			if (guard && s->explain) {
				const struct cps *gp = &s->guards[guard - 1].f;
				char *p = cps_utf8(gp->v, gp->n);

				hit(s, r, "guard", 0, NULL, "'%s' is guarded by '%s'", m->text, p);
				free(p);
			}
			continue;
		}
		if (m->tier == TIER_CONTEXT && claim < 0) {
			hit(s, r, "kw", 0, NULL,
				"'%s' counts only beside a brand, and none is claimed", m->text);
			continue;
		}
		base = m->points >= 0            ? m->points
			: m->tier == TIER_STRONG ? s->w.kw_strong
			: m->tier == TIER_MEDIUM ? s->w.kw_medium
			: m->tier == TIER_WEAK   ? s->w.kw_weak
						 : s->w.kw_context;
		if (claim < 0)
			base *= s->w.nobrand_factor;
		pts = ipoints(base);
		if (total + pts > ipoints(s->w.kw_max))
			pts = ipoints(s->w.kw_max) - total;
		if (pts < 0)
			pts = 0;
		total += pts;
		hit(s, r, "kw", pts, xasprintf("kw:%s", m->text), "'%s' (%s) in the %s%s", m->text,
			tier_names[m->tier], field_names[found],
			claim < 0 ? ", no brand claimed" : "");
	}
}

/* Units of cur per US dollar, or 0 when the rules give no rate. */
static double rate_of(struct screen *s, const char *cur)
{
	int i;

	for (i = 0; i < s->nrates; i++)
		if (strcmp(s->rates[i].currency, cur) == 0)
			return s->rates[i].per_usd;
	return 0;
}

static void score_price(
	struct screen *s, const struct screen_listing *l, int claim, struct screen_result *r)
{
	const struct brand *b = &s->brands[claim];
	const struct bref *ref = NULL;
	const struct mstat *m;
	const char *cat;
	struct group grp;
	int i, g, pass, total = 0, pts, cap = ipoints(s->w.price_max);

	if (!l->has_price || l->price <= 0 || !l->currency || !*l->currency) {
		hit(s, r, "price", 0, NULL, "no price to compare");
		return;
	}
	if ((g = guard_anywhere(s, &s->t[0], GT_PRICE)) ||
		(g = guard_anywhere(s, &s->t[1], GT_PRICE))) {
		char *p = cps_utf8(s->guards[g - 1].f.v, s->guards[g - 1].f.n);

		hit(s, r, "guard", 0, NULL, "price not compared: the listing says '%s'", p);
		free(p);
		return;
	}
	cat = cat_fold(s, l->category)->fold;
	/*
	 * The brand's reference for the category, else for any category; in the listing's
	 * currency, else in another one converted at the rules' rates.
	 */
	for (pass = 0; pass < 4 && !ref; pass++)
		for (i = 0; i < b->nrefs && !ref; i++) {
			const struct bref *c = &b->refs[i];

			if (strcmp(c->category, pass < 2 ? cat : "") != 0)
				continue;
			if (pass % 2 == 0 && strcmp(c->currency, l->currency) == 0)
				ref = c;
			else if (pass % 2 == 1 && rate_of(s, c->currency) > 0 &&
				rate_of(s, l->currency) > 0)
				ref = c;
		}
	if (ref) {
		int e = money_exponent(ref->currency), le = money_exponent(l->currency);
		/* the reference in the listing's currency and minor units */
		double refp = (double)ref->price / pow(10, e), ratio;

		if (strcmp(ref->currency, l->currency) != 0)
			refp = refp / rate_of(s, ref->currency) * rate_of(s, l->currency);
		ratio = (double)l->price / pow(10, le) / refp;
		if (ratio < s->w.price_strong_ratio)
			pts = ipoints(s->w.price_strong);
		else if (ratio < s->w.price_medium_ratio)
			pts = ipoints(s->w.price_medium);
		else
			pts = 0;
		if (pts > cap)
			pts = cap;
		total += pts;
		hit(s, r, "price", pts, pts ? xasprintf("price:%.2f×ref", ratio) : NULL,
			"%.*f %s is %.2f× the reference %.*f %s for %s%s%s%s", le,
			(double)l->price / pow(10, le), l->currency, ratio, e,
			(double)ref->price / pow(10, e), ref->currency, b->name,
			*ref->category ? " " : "", ref->category,
			strcmp(ref->currency, l->currency) ? " (converted at the rules' rates)"
							   : "");
	} else {
		hit(s, r, "price", 0, NULL, "no reference price for %s in category '%s' and %s",
			b->name, cat, l->currency);
	}
	grp = group_of(s, claim, l->category, l->currency);
	m = market_stat(s, &grp);
	if (m && m->n >= s->w.z_min_n) {
		double x = log((double)l->price), z;

		/*
		 * A market of near-identical prices (one shop's stock at one price) has a MAD near
		 * 0 and would call any discount an outlier: the spread is never taken below the
		 * floor.
		 */
		if (m->mad > 0)
			z = 0.6745 * (x - m->med) / fmax(m->mad, s->w.z_mad_floor);
		else if (m->meanad > 0)
			z = (x - m->med) / fmax(1.253314 * m->meanad, s->w.z_mad_floor / 0.6745);
		else
			z = 0.6745 * (x - m->med) / s->w.z_mad_floor;
		pts = z <= s->w.z ? ipoints(s->w.z_points) : 0;
		if (total + pts > cap)
			pts = cap - total;
		hit(s, r, "z", pts, pts ? xasprintf("z:%.1f", z) : NULL,
			"robust z-score of log price %.1f among %d listings of %s '%s' in %s", z,
			m->n, b->name, cat, l->currency);
	} else {
		hit(s, r, "z", 0, NULL, "no z-score: %d listings of %s '%s' in %s (needs %d)",
			m ? m->n : 0, b->name, cat, l->currency, (int)s->w.z_min_n);
	}
}

static void score_seller(struct screen *s, const struct screen_listing *l,
	const struct screen_seller *f, struct screen_result *r)
{
	long reg, made;

	if (!f)
		return;
	if (iso_day(f->registered_at, &reg) == 0 && iso_day(l->created_at, &made) == 0) {
		long d = made - reg;

		if (d >= 0 && d <= s->w.seller_new_days)
			hit(s, r, "seller", ipoints(s->w.seller_new),
				xasprintf("new-seller:%ldd", d),
				"the account was %ld days old when it listed this", d);
		else
			hit(s, r, "seller", 0, NULL,
				"the account was %ld days old when it listed this", d);
	} else {
		hit(s, r, "seller", 0, NULL, "no registration or listing date to compare");
	}
	if (f->failed_listing > 0)
		hit(s, r, "testbuy", ipoints(s->w.testbuy_listing), xstrdup("testbuy:failed"),
			"%d test buys of this listing failed", f->failed_listing);
	else if (f->failed_seller > 0)
		hit(s, r, "testbuy", ipoints(s->w.testbuy_seller),
			xasprintf("seller-testbuys:%d", f->failed_seller),
			"%d test buys of the seller's other listings failed", f->failed_seller);
	else
		hit(s, r, "testbuy", 0, NULL, "no failed test buy of this seller");
}

/* The seller's network: flagged listings of its other accounts. */
static void score_network(struct screen *s, const struct screen_seller *f, struct screen_result *r)
{
	if (!f)
		return;
	if (f->network_flagged > 0)
		hit(s, r, "network", ipoints(s->w.network),
			xasprintf("network:%s(%d)", f->network_id ? f->network_id : "?",
				f->network_flagged),
			"network %s has %d flagged listings of other accounts",
			f->network_id ? f->network_id : "?", f->network_flagged);
	else if (f->network_flagged == 0)
		hit(s, r, "network", 0, NULL, "%s%s has no flagged listing of another account",
			f->network_id ? "network " : "no network",
			f->network_id ? f->network_id : "");
	else
		hit(s, r, "network", 0, NULL, "not checked: %s",
			f->network_note ? f->network_note : "no link results in the store");
}

/* Keep the score within 0 to 100. */
static void clamp(struct screen_result *r)
{
	if (r->score > 100)
		r->score = 100;
	if (r->score < 0)
		r->score = 0;
}

int screen_score(struct screen *s, const struct screen_listing *l, const struct screen_seller *f,
	struct screen_result *r)
{
	int claim;

	result_reset(r);
	text_prepare(s, &s->t[0], l->title);
	text_prepare(s, &s->t[1], l->image_text);
	s->nbh = 0;
	match_brands(s, &s->t[0], 0);
	match_brands(s, &s->t[1], 1);
	claim = score_brand(s, l, r);
	score_vocab(s, claim, r);
	if (claim >= 0)
		score_price(s, l, claim, r);
	else
		hit(s, r, "price", 0, NULL, "no brand claimed: price not compared");
	score_seller(s, l, f, r);
	clamp(r);
	/*
	 * The network points go on top of the listing's own score, as a full run adds them to the
	 * stored score: the same listing gets the same score scored either way.
	 */
	score_network(s, f, r);
	clamp(r);
	r->flagged = r->score >= s->w.flag;
	return r->score;
}
