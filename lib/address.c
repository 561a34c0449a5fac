/* address.c - postal addresses to a unit-level and a building-level key, in Latin and Chinese
 * script (notes sections 1.1 and 1.2)
 *
 * The pipeline follows libpostal's order with rules small enough for C: NFKC case fold,
 * accents off Latin letters, traditional markers to simplified and marker variants unified
 * (share/ident/address-abbrev.tsv), Chinese numerals to digits, then tokens: digit runs (with
 * their inner hyphens: 12-3-1001), letter runs, single Han characters. A Chinese address is
 * keyed on city + road + number + building + unit + room; a Latin one on number + street +
 * building + floor + unit. Administrative levels that people leave out (province, district,
 * sub-district, and anything after the street in Latin script) are not in the key.
 */
#include "casekit.h"
#include "ident.h"
#include "text.h"
#include <pthread.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

/* The rules from share/ident: loaded once per process. */
enum role { R_NONE, R_STREET, R_UNIT, R_FLOOR, R_BUILDING };
struct rule {
	char *from, *to;
	enum role role;
	size_t len; /* of from */
	int cp;     /* the first code point of from */
};
static struct rule *latin, *han, *cities;
static size_t nlatin, nhan, ncities;
static pthread_once_t loaded = PTHREAD_ONCE_INIT;

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct rule *)a)->from, ((const struct rule *)b)->from);
}

/* Chinese rules and cities by first code point, longer first, so 号楼 wins over 号. */
static int cmp_rule_cp(const void *a, const void *b)
{
	const struct rule *x = a, *y = b;

	if (x->cp != y->cp)
		return x->cp < y->cp ? -1 : 1;
	return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

static void rule_index(struct rule *r)
{
	size_t i = 0;

	r->len = strlen(r->from);
	r->cp = text_next_cp(r->from, r->len, &i);
}

/* The longest entry of tab that s[0..n) starts with (its first code point is cp), or NULL. */
static const struct rule *match_at(
	const struct rule *tab, size_t ntab, const char *s, size_t n, int cp)
{
	size_t lo = 0, hi = ntab, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (tab[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < ntab && tab[lo].cp == cp; lo++)
		if (tab[lo].len <= n && memcmp(s, tab[lo].from, tab[lo].len) == 0)
			return &tab[lo];
	return NULL;
}

static FILE *open_data(const char *name)
{
	char *path = xasprintf("%s/ident/%s", ck_datadir(), name);
	FILE *fp = fopen(path, "r");

	if (!fp)
		ck_warn("cannot open '%s': %s; addresses are keyed without its rules", path,
			strerror(errno));
	free(path);
	return fp;
}

static void load_rules(void)
{
	char line[512];
	size_t caplat = 0, caphan = 0, capcity = 0, lineno = 0;
	FILE *fp;

	if ((fp = open_data("address-abbrev.tsv"))) {
		while (fgets(line, sizeof(line), fp)) {
			char *from = line, *to, *role, *nl;
			struct rule r;

			lineno++;
			if ((nl = strpbrk(line, "\r\n")))
				*nl = '\0';
			if (!line[0] || (line[0] == '#' && line[1] != '\t'))
				continue;
			if (!(to = strchr(from, '\t'))) {
				ck_warn("address-abbrev.tsv:%zu: no tab: rule ignored", lineno);
				continue;
			}
			*to++ = '\0';
			role = strchr(to, '\t');
			if (role)
				*role++ = '\0';
			r.from = xstrdup(from);
			r.to = xstrdup(to);
			rule_index(&r);
			r.role = !role                          ? R_NONE
				: strcmp(role, "street") == 0   ? R_STREET
				: strcmp(role, "unit") == 0     ? R_UNIT
				: strcmp(role, "floor") == 0    ? R_FLOOR
				: strcmp(role, "building") == 0 ? R_BUILDING
								: R_NONE;
			if ((unsigned char)from[0] >= 0x80) {
				if (nhan == caphan)
					han = xrealloc(
						han, (caphan = caphan * 2 + 16) * sizeof(*han));
				han[nhan++] = r;
			} else {
				if (nlatin == caplat)
					latin = xrealloc(
						latin, (caplat = caplat * 2 + 64) * sizeof(*latin));
				latin[nlatin++] = r;
			}
		}
		fclose(fp);
		ck_sort(latin, nlatin, sizeof(*latin), cmp_rule);
		ck_sort(han, nhan, sizeof(*han), cmp_rule_cp);
	}
	if ((fp = open_data("cn-cities.txt"))) {
		while (fgets(line, sizeof(line), fp)) {
			char *nl = strpbrk(line, "\r\n");

			if (nl)
				*nl = '\0';
			if (!line[0] || line[0] == '#')
				continue;
			if (ncities == capcity)
				cities = xrealloc(
					cities, (capcity = capcity * 2 + 64) * sizeof(*cities));
			cities[ncities].from = xstrdup(line);
			cities[ncities].to = NULL;
			cities[ncities].role = R_NONE;
			rule_index(&cities[ncities++]);
		}
		fclose(fp);
		ck_sort(cities, ncities, sizeof(*cities), cmp_rule_cp);
	}
}

static const struct rule *latin_rule(const char *w, size_t n)
{
	char key[64];
	struct rule k = { key, NULL, R_NONE, 0, 0 };

	if (n >= sizeof(key))
		return NULL;
	memcpy(key, w, n);
	key[n] = '\0';
	return bsearch(&k, latin, nlatin, sizeof(*latin), cmp_rule);
}

/* Replace the Chinese variants of the rule file, longest first, from s into out. */
static int replace_han(const char *s, size_t n, struct buf *out)
{
	const struct rule *r;
	size_t i = 0, k;
	int changed = 0, c;

	while (i < n) {
		k = i;
		c = text_next_cp(s, n, &k);
		if (c >= 0x80 && (r = match_at(han, nhan, s + i, n - i, c))) {
			buf_adds(out, r->to);
			i += r->len;
			changed = 1;
			continue;
		}
		buf_add(out, s + i, k - i);
		i = k;
	}
	return changed;
}

/* The value of a Chinese numeral character, 10/100/1000 for the multipliers, or -1. */
static int han_digit(int c)
{
	switch (c) {
	case 0x3007:
	case 0x96f6:
		return 0; /* 〇 零 */
	case 0x4e00:
		return 1; /* 一 */
	case 0x4e8c:
	case 0x4e24:
	case 0x5169:
		return 2; /* 二 两 兩 */
	case 0x4e09:
		return 3;
	case 0x56db:
		return 4;
	case 0x4e94:
		return 5;
	case 0x516d:
		return 6;
	case 0x4e03:
		return 7;
	case 0x516b:
		return 8;
	case 0x4e5d:
		return 9;
	case 0x5341:
		return 10; /* 十 */
	case 0x767e:
		return 100; /* 百 */
	case 0x5343:
		return 1000; /* 千 */
	}
	return -1;
}

/* Chinese numerals to digits: 三单元 to 3单元, 十二层 to 12层, 一二〇一 to 1201. */
static int han_numerals(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, k, changed = 0;
	int c, v;

	while (i < n) {
		size_t start = i, end;
		int mult = 0;

		k = i;
		c = text_next_cp(s, n, &k);
		if (c < 0x3000 || han_digit(c) < 0) {
			buf_add(out, s + i, k - i);
			i = k;
			continue;
		}
		/* the whole run of numeral characters */
		for (end = start; end < n;) {
			size_t j = end;

			if ((v = han_digit(text_next_cp(s, n, &j))) < 0)
				break;
			mult |= v >= 10;
			end = j;
		}
		if (mult) {
			long total = 0, cur = 0;

			for (k = start; k < end;) {
				v = han_digit(text_next_cp(s, n, &k));
				if (v < 10) {
					cur = v;
				} else {
					total += (cur ? cur : 1) * v;
					cur = 0;
				}
			}
			buf_addf(out, "%ld", total + cur);
		} else {
			for (k = start; k < end;)
				buf_addc(out, (char)('0' + han_digit(text_next_cp(s, n, &k))));
		}
		changed++;
		i = end;
	}
	return changed > 0;
}

static int is_han(int c)
{
	UErrorCode err = U_ZERO_ERROR;

	return uscript_getScript(c, &err) == USCRIPT_HAN;
}

enum ttype { T_NUM, T_WORD, T_HAN };
struct tok {
	enum ttype type;
	size_t off, len;  /* in the normalised text */
	unsigned sp : 1;  /* a separator came before it */
	unsigned att : 1; /* glued to the token before it (12f, 3rd) */
	unsigned used : 1;
	unsigned ordinal : 1;
	unsigned comma : 1;      /* the separator before it held a comma or semicolon */
	const struct rule *rule; /* Latin words: the rule that matched */
};

struct addr {
	struct buf text;
	struct tok *t;
	size_t n, cap;
};

static void add_tok(
	struct addr *a, enum ttype type, size_t off, size_t len, int sp, int att, int comma)
{
	struct tok *t;

	if (a->n == a->cap)
		a->t = xrealloc(a->t, (a->cap = a->cap * 2 + 32) * sizeof(*a->t));
	t = &a->t[a->n++];
	memset(t, 0, sizeof(*t));
	t->type = type;
	t->off = off;
	t->len = len;
	t->sp = (unsigned)sp;
	t->att = (unsigned)att;
	t->comma = (unsigned)comma;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return c >= 'a' && c <= 'z';
}

/* Split the normalised text into tokens; returns how many are Han characters. */
static size_t tokenize(struct addr *a)
{
	const char *s = a->text.s;
	size_t n = a->text.len, i = 0, nhan_tok = 0;
	int sp = 0, comma = 0, prev_end = -1;

	a->n = 0;
	while (i < n) {
		size_t start = i;
		int c = text_next_cp(s, n, &i), att = prev_end == (int)start;

		if (c < 0x80 && is_digit((char)c)) {
			/* digits, keeping a hyphen between two digits: 12-3-1001 */
			while (i < n &&
				(is_digit(s[i]) ||
					(s[i] == '-' && i + 1 < n && is_digit(s[i + 1]))))
				i++;
			add_tok(a, T_NUM, start, i - start, sp, att, comma);
		} else if (c < 0x80 && is_alpha((char)c)) {
			while (i < n && is_alpha(s[i]))
				i++;
			add_tok(a, T_WORD, start, i - start, sp, att, comma);
		} else if (c == '#') {
			add_tok(a, T_WORD, start, 1, sp, att, comma);
		} else if (c >= 0x80 && u_isalpha(c)) {
			add_tok(a, T_HAN, start, i - start, sp, att, comma);
			nhan_tok += is_han(c);
		} else if (c >= 0x80 && u_isdigit(c)) {
			/* native digits NFKC leaves alone are rare in addresses: keep them as text */
			add_tok(a, T_HAN, start, i - start, sp, att, comma);
		} else {
			sp = 1;
			comma |= c == ',' || c == ';' || c == 0x3001;
			prev_end = -1;
			continue;
		}
		sp = comma = 0;
		prev_end = (int)i;
	}
	return nhan_tok;
}

/*
 * 1 if token i is s. Byte by byte: most tokens differ from s in their first byte or two, and
 * key_han() asks of each token whether it is any of a dozen marks.
 */
static int tok_is(const struct addr *a, size_t i, const char *s)
{
	const char *t;
	size_t k, n;

	if (i >= a->n)
		return 0;
	t = a->text.s + a->t[i].off;
	n = a->t[i].len;
	for (k = 0; k < n; k++)
		if (!s[k] || s[k] != t[k])
			return 0;
	return s[n] == '\0';
}

/* before, v's text (up to a NUL, as "%s" would take it) and after, added to b: no printf */
static void add_part(struct buf *b, const char *before, const struct buf *v, const char *after)
{
	buf_adds(b, before);
	buf_adds(b, v->s);
	buf_adds(b, after);
}

static void add_tok_text(struct buf *b, const struct addr *a, size_t i)
{
	buf_add(b, a->text.s + a->t[i].off, a->t[i].len);
}

/* Chinese markers after a value token */
enum { M_NONE, M_HAO, M_LANE, M_BLD, M_UNIT, M_FLOOR, M_ROOM };
static int han_marker(const struct addr *a, size_t i, size_t *width)
{
	*width = 1;
	if (tok_is(a, i, "号"))
		return M_HAO;
	if (tok_is(a, i, "弄"))
		return M_LANE;
	if (tok_is(a, i, "栋"))
		return M_BLD;
	if (tok_is(a, i, "单") && tok_is(a, i + 1, "元"))
		return *width = 2, M_UNIT;
	if (tok_is(a, i, "层") || tok_is(a, i, "楼") || tok_is(a, i, "f"))
		return M_FLOOR;
	if (tok_is(a, i, "室"))
		return M_ROOM;
	return M_NONE;
}

static int admin_mark(const struct addr *a, size_t i)
{
	static const char *const marks[] = { "省", "市", "区", "县", "旗", "盟", "镇", "乡", "州",
		NULL };
	size_t k;

	if (tok_is(a, i, "道") && i > 0 && tok_is(a, i - 1, "街"))
		return 1; /* 街道, a sub-district, unless a number follows (a road) */
	for (k = 0; marks[k]; k++)
		if (tok_is(a, i, marks[k]))
			return 1;
	return 0;
}

static int road_suffix(const struct addr *a, size_t end, size_t *width)
{
	static const char *const one[] = { "路", "街", "道", "巷", "弄", "里", "段", NULL };
	size_t k;

	*width = 2;
	if (end >= 2 &&
		((tok_is(a, end - 2, "大") &&
			 (tok_is(a, end - 1, "道") || tok_is(a, end - 1, "街"))) ||
			(tok_is(a, end - 2, "胡") && tok_is(a, end - 1, "同")) ||
			(tok_is(a, end - 2, "公") && tok_is(a, end - 1, "路"))))
		return 1;
	*width = 1;
	for (k = 0; one[k]; k++)
		if (end >= 1 && tok_is(a, end - 1, one[k]))
			return 1;
	return 0;
}

/* The first city of the list found in text[0..len), earliest position first; *end is
 * the offset just after it. */
static const char *find_city(const char *s, size_t len, size_t *end)
{
	const struct rule *r;
	size_t i = 0, k;
	int c;

	while (i < len) {
		k = i;
		c = text_next_cp(s, len, &k);
		if (c >= 0x80 && (r = match_at(cities, ncities, s + i, len - i, c))) {
			*end = i + r->len;
			return r->from;
		}
		i = k;
	}
	return NULL;
}

static void set_val(struct buf *b, const struct addr *a, size_t i)
{
	buf_reset(b);
	if (a->t[i].rule && a->t[i].type == T_NUM)
		buf_adds(b, a->t[i].rule->to); /* five to 5 */
	else
		add_tok_text(b, a, i);
}

/* A value before a marker: digits, or one Latin letter (A座, B栋). */
static int is_value(const struct addr *a, size_t i)
{
	return i < a->n &&
		(a->t[i].type == T_NUM ||
			(a->t[i].type == T_WORD && a->t[i].len == 1 &&
				a->text.s[a->t[i].off] != '#'));
}

static int key_han(struct addr *a, struct ident *id)
{
	struct buf no = { 0 }, bld = { 0 }, unit = { 0 }, floor = { 0 }, room = { 0 }, road = { 0 };
	size_t i, w, mw, roadtok = (size_t)-1, first_struct = (size_t)-1, k, start, cut, sfx,
			 cityend = 0;
	const char *city;
	int m, rc = -1;

	for (i = 0; i < a->n; i++) {
		if (!is_value(a, i))
			continue;
		m = han_marker(a, i + 1, &w);
		if (m == M_NONE && a->t[i].type == T_NUM && (no.len || bld.len)) {
			/* bare values after the house number: 12-3-1001, or a room at the end */
			const char *s = a->text.s + a->t[i].off;
			const char *h1 = memchr(s, '-', a->t[i].len);

			if (h1 && !bld.len && !room.len) {
				const char *e = s + a->t[i].len,
					   *h2 = memchr(h1 + 1, '-', (size_t)(e - h1 - 1));

				buf_add(&bld, s, (size_t)(h1 - s));
				if (h2) {
					buf_add(&unit, h1 + 1, (size_t)(h2 - h1 - 1));
					buf_add(&room, h2 + 1, (size_t)(e - h2 - 1));
				} else {
					buf_add(&room, h1 + 1, (size_t)(e - h1 - 1));
				}
			} else if (!room.len) {
				set_val(&room, a, i);
			}
			if (first_struct == (size_t)-1)
				first_struct = i;
			continue;
		}
		if (m == M_NONE)
			continue;
		if (first_struct == (size_t)-1 && m != M_HAO && m != M_LANE)
			first_struct = i;
		switch (m) {
		case M_HAO:
			if (!no.len && !bld.len) {
				set_val(&no, a, i);
				roadtok = i;
			} else if (!bld.len) {
				set_val(&bld, a, i);
			} else if (!room.len) {
				set_val(&room, a, i);
			}
			break;
		case M_LANE:
			if (!no.len) {
				set_val(&no, a, i);
				roadtok = i;
			}
			break;
		case M_BLD:
			set_val(&bld, a, i);
			break;
		case M_UNIT:
			set_val(&unit, a, i);
			break;
		case M_FLOOR:
			set_val(&floor, a, i);
			break;
		case M_ROOM:
			set_val(&room, a, i);
			break;
		}
		i += w;
	}
	if (roadtok == (size_t)-1) {
		/* no house number: an estate or a village (碧海花园3栋1201); key on what precedes */
		if (first_struct == (size_t)-1)
			goto out;
		roadtok = first_struct;
		ident_add_word(&id->note, "no house number");
	}
	/* The road: the run of text before the house number, after the last admin level. */
	for (start = roadtok; start > 0 && roadtok - start < 40; start--)
		if (a->t[start - 1].type == T_WORD)
			break;
	cut = start;
	for (k = start; k < roadtok; k++)
		if (admin_mark(a, k) && k + 1 < roadtok)
			cut = k + 1;
	if (cut > start)
		ident_add_word(&id->note, "admin levels dropped");
	if (cut >= roadtok)
		goto out;
	/* A city written without 市 is cut off the road like an admin level. */
	if ((city = find_city(a->text.s, a->t[roadtok].off, &cityend)))
		while (cut < roadtok && a->t[cut].off < cityend)
			cut++;
	/* Only the last two characters of the name and the road type: the district
	 * before a road may be written without its 区, and then it is not cut above. Digits
	 * count only inside a name (中山5路), so a key read again gives the same key. */
	if (!road_suffix(a, roadtok, &sfx) || roadtok - sfx <= cut)
		sfx = 0;
	for (k = roadtok - sfx, w = 0; k > cut && w < (sfx ? 2u : 3u); k--) {
		if (k < roadtok - sfx && a->t[k].sp)
			break; /* a name does not run across a separator */
		if (a->t[k - 1].type == T_HAN && han_marker(a, k - 1, &mw) != M_NONE)
			break; /* nor across a marker (号, 栋, 室 ...) */
		if (a->t[k - 1].type == T_HAN)
			w++;
		else if (a->t[k - 1].type != T_NUM || k - 1 == cut || a->t[k - 2].type != T_HAN ||
			han_marker(a, k - 2, &mw) != M_NONE || a->t[k].type != T_HAN ||
			a->t[k - 1].sp || a->t[k].sp)
			break; /* digits count only inside a name, between two of its characters */
	}
	if (k == roadtok - sfx)
		k = roadtok; /* no name: no road either */
	for (; k < roadtok; k++)
		add_tok_text(&road, a, k);
	if (city)
		buf_adds(&id->building, city);
	if (road.len) {
		if (id->building.len)
			buf_addc(&id->building, ' ');
		/* characters that were apart in the text may now form a variant (号楼) */
		replace_han(road.s, road.len, &id->building);
	}
	if (no.len)
		add_part(&id->building, id->building.len ? " " : "", &no, "号");
	if (bld.len)
		add_part(&id->building, id->building.len ? " " : "", &bld, "栋");
	if (!id->building.len)
		goto out;
	buf_adds(&id->value, id->building.s);
	if (unit.len)
		add_part(&id->value, " ", &unit, "单元");
	/* A room number carries its floor (1201 is on 12): the floor is kept only alone. */
	if (room.len)
		add_part(&id->value, " ", &room, "室");
	else if (floor.len)
		add_part(&id->value, " ", &floor, "层");
	rc = 0;
out:
	buf_free(&no);
	buf_free(&bld);
	buf_free(&unit);
	buf_free(&floor);
	buf_free(&room);
	buf_free(&road);
	return rc;
}

/* A value after a Latin marker: 12, 12a, a. */
static size_t latin_value(const struct addr *a, size_t i, struct buf *out)
{
	if (i >= a->n || a->t[i].used || (a->t[i].rule && a->t[i].rule->role != R_NONE))
		return 0;
	if (a->t[i].type == T_NUM) {
		set_val(out, a, i);
		/* Flat 15F is flat F of floor 15: the letter is part of the flat, even one
		 * that elsewhere means floor or east */
		if (i + 1 < a->n && a->t[i + 1].att && a->t[i + 1].type == T_WORD &&
			!a->t[i + 1].ordinal &&
			(a->t[i + 1].len == 1 || (a->t[i + 1].len == 2 && !a->t[i + 1].rule))) {
			add_tok_text(out, a, i + 1);
			return 2;
		}
		return 1;
	}
	if (a->t[i].type == T_WORD && a->t[i].len <= 2) {
		set_val(out, a, i);
		if (i + 1 < a->n && a->t[i + 1].att && a->t[i + 1].type == T_NUM) {
			add_tok_text(out, a, i + 1);
			return 2;
		}
		return 1;
	}
	return 0;
}

static void add_word_of(struct buf *b, const struct addr *a, size_t i)
{
	const struct tok *t = &a->t[i];

	if (t->ordinal) {
		add_tok_text(b, a, i); /* 96th: the suffix stays on its number */
		return;
	}
	if (t->rule && !t->rule->to[0])
		return;
	if (b->len)
		buf_addc(b, ' ');
	if (t->rule)
		buf_adds(b, t->rule->to);
	else
		add_tok_text(b, a, i);
}

/* German and Nordic compounds carry the street type: marktstrasse, lindenweg, kalverstraat. */
static int compound_street(const struct addr *a, size_t i)
{
	static const char *const sfx[] = { "strasse", "str", "weg", "gasse", "platz", "allee",
		"damm", "straat", "laan", "gracht", "vej", "gade", "gatan", "vagen", "veien",
		NULL };
	const struct tok *t = &a->t[i];
	size_t k, n;

	for (k = 0; sfx[k]; k++) {
		n = strlen(sfx[k]);
		if (t->len > n + 2 && memcmp(a->text.s + t->off + t->len - n, sfx[k], n) == 0)
			return 1;
	}
	return 0;
}

/* A word of a street name: no marker, no number, not used. */
static int name_word(const struct addr *a, size_t i)
{
	const struct tok *t = &a->t[i];

	return t->type == T_WORD && !t->used && !t->ordinal && a->text.s[t->off] != '#' &&
		!(t->rule && (t->rule->role != R_NONE || !t->rule->to[0]));
}

/* The digits before the first hyphen of a number token. */
static size_t lead_digits(const struct addr *a, size_t i)
{
	const char *s = a->text.s + a->t[i].off;
	size_t n = 0;

	while (n < a->t[i].len && is_digit(s[n]))
		n++;
	return n;
}

static int tok_letters(const struct addr *a, size_t i, size_t lo, size_t hi)
{
	return i < a->n && a->t[i].type == T_WORD && a->t[i].len >= lo && a->t[i].len <= hi &&
		is_alpha(a->text.s[a->t[i].off]);
}

static int tok_digits(const struct addr *a, size_t i, size_t lo, size_t hi)
{
	return i < a->n && a->t[i].type == T_NUM && a->t[i].len >= lo && a->t[i].len <= hi &&
		lead_digits(a, i) == a->t[i].len;
}

/*
 * A British (SW1A 2AA, M1 1AE) or Canadian (K1A 0B1) postcode, which the tokens split into
 * letters and digits: its tokens are marked used and its text goes to pc ("sw1a 2aa"; the
 * space is needed to read it again). 1 if found.
 */
static int alnum_postcode(struct addr *a, struct buf *pc)
{
	size_t i, j, k;

	for (i = 0; i + 3 < a->n; i++) {
		const struct rule *before = i > 0 && a->t[i - 1].type == T_WORD
			? latin_rule(a->text.s + a->t[i - 1].off, a->t[i - 1].len)
			: NULL;

		/* not a value after a marker (block a1), nor an ordinal (a1 2nd floor) */
		if (a->t[i].used || a->t[i].att || !tok_letters(a, i, 1, 2) ||
			!tok_digits(a, i + 1, 1, 2) || !a->t[i + 1].att ||
			(before && before->role != R_NONE && before->role != R_STREET))
			continue;
		if (a->t[i].len == 1 && a->t[i + 1].len == 1 && tok_letters(a, i + 2, 1, 1) &&
			a->t[i + 2].att && tok_digits(a, i + 3, 1, 1) && a->t[i + 3].sp &&
			tok_letters(a, i + 4, 1, 1) && a->t[i + 4].att &&
			tok_digits(a, i + 5, 1, 1) && a->t[i + 5].att &&
			!(i + 6 < a->n && a->t[i + 6].att)) {
			j = i + 6; /* Canada: letter digit letter, digit letter digit */
		} else {
			j = i + 2;
			if (tok_letters(a, j, 1, 1) && a->t[j].att)
				j++;
			if (!tok_digits(a, j, 1, 1) || !a->t[j].sp ||
				!tok_letters(a, j + 1, 2, 2) || !a->t[j + 1].att ||
				(j + 2 < a->n && a->t[j + 2].att) || tok_is(a, j + 1, "st") ||
				tok_is(a, j + 1, "nd") || tok_is(a, j + 1, "rd") ||
				tok_is(a, j + 1, "th"))
				continue;
			j += 2;
		}
		buf_reset(pc);
		for (k = i; k < j; k++) {
			if (k > i && a->t[k].sp)
				buf_addc(pc, ' ');
			add_tok_text(pc, a, k);
			a->t[k].used = 1;
		}
		return 1;
	}
	return 0;
}

/* A number of one to three digits beside a word: a house number, whatever the street. */
static int house_number(const struct addr *a)
{
	size_t i, words = 0, shortnum = 0;

	for (i = 0; i < a->n; i++) {
		const struct tok *t = &a->t[i];

		if (t->used)
			continue;
		if (t->type == T_NUM && !t->rule && lead_digits(a, i) <= 3)
			shortnum++;
		else if (t->type != T_NUM && !(t->type == T_WORD && a->text.s[t->off] == '#'))
			words++;
	}
	return shortnum && words;
}

/*
 * Where the street is: the postcode (a number of 3 to 10 digits that is not the house number,
 * the last one if there are several; leading zeros off, as spreadsheets drop them, and only
 * its first part: 01310-200 and 62704-1234 are 1310 and 62704), else the first word after the
 * street (the suburb or town). 1 with a postcode in *out, 0 with a town or nothing.
 */
static int latin_place(
	const struct addr *a, size_t noi, size_t last, const struct buf *pc, struct buf *out)
{
	size_t i, n, found = (size_t)-1;

	buf_reset(out);
	if (pc->len) {
		buf_adds(out, pc->s);
		return 1;
	}
	for (i = 0; i < a->n; i++) {
		const struct tok *t = &a->t[i];

		if (i == noi || t->used || t->type != T_NUM || t->rule ||
			(i + 1 < a->n && a->t[i + 1].ordinal))
			continue;
		n = lead_digits(a, i);
		if (n >= 3 && n <= 10)
			found = i;
	}
	if (found != (size_t)-1) {
		const char *s = a->text.s + a->t[found].off;

		n = lead_digits(a, found);
		while (n > 1 && *s == '0')
			s++, n--;
		buf_add(out, s, n);
		return 1;
	}
	for (i = last + 1; i < a->n; i++)
		if (name_word(a, i) || a->t[i].type == T_HAN) {
			add_word_of(out, a, i);
			break;
		}
	return 0;
}

static int key_latin(struct addr *a, struct ident *id)
{
	struct buf unit = { 0 }, floor = { 0 }, bld = { 0 }, street = { 0 }, no = { 0 },
		   place = { 0 }, pc = { 0 };
	size_t i, k, used, noi = 0, last = 0;
	int expanded = 0;

	alnum_postcode(a, &pc);
	for (i = 0; i < a->n; i++) {
		struct tok *t = &a->t[i];

		if (t->type != T_WORD || t->used)
			continue;
		/* 3rd, 21st: an ordinal suffix glued to a number */
		if (t->att && i > 0 && a->t[i - 1].type == T_NUM &&
			(tok_is(a, i, "st") || tok_is(a, i, "nd") || tok_is(a, i, "rd") ||
				tok_is(a, i, "th"))) {
			t->used = t->ordinal = 1;
			continue;
		}
		if ((t->rule = latin_rule(a->text.s + t->off, t->len)) &&
			strncmp(t->rule->to, a->text.s + t->off, t->len) != 0)
			expanded = 1;
		/* a number word is a number */
		if (t->rule && is_digit(t->rule->to[0]))
			t->type = T_NUM;
	}
	if (expanded)
		ident_add_word(&id->note, "abbreviations expanded");
	for (i = 0; i < a->n; i++) {
		struct tok *t = &a->t[i];
		enum role r = t->rule ? t->rule->role : R_NONE;

		if (t->used)
			continue;
		if (r == R_UNIT || r == R_BUILDING) {
			if ((used = latin_value(a, i + 1, r == R_UNIT ? &unit : &bld))) {
				t->used = 1;
				for (k = 1; k <= used; k++)
					a->t[i + k].used = 1;
			}
		} else if (r == R_FLOOR) {
			/* 3/F and 12F count back, "Floor 3" forward; "3rd Floor, 8 Nathan Road"
			 * back, as a comma or an ordinal says. */
			size_t p = i > 1 && a->t[i - 1].ordinal ? i - 2 : i - 1;
			int prev = i > 0 && a->t[p].type == T_NUM && !a->t[p].used;
			int next = i + 1 < a->n && a->t[i + 1].type == T_NUM && !a->t[i + 1].used &&
				!a->t[i + 1].comma;

			if (prev && (tok_is(a, i, "f") || p + 1 < i || !next))
				k = p;
			else if (next)
				k = i + 1;
			else
				continue;
			set_val(&floor, a, k);
			a->t[k].used = t->used = 1;
		}
	}
	/* number + street words up to a street type: 8 nathan road */
	for (i = 0; i < a->n && !street.len; i++) {
		if (a->t[i].type != T_NUM || a->t[i].used || (i + 1 < a->n && a->t[i + 1].ordinal))
			continue;
		for (k = i + 1; k < a->n && k <= i + 7; k++) {
			const struct tok *t = &a->t[k];

			if (t->ordinal || (t->type == T_NUM && k + 1 < a->n && a->t[k + 1].ordinal))
				continue; /* 120 east 96th street */
			if (t->used || t->type == T_NUM ||
				(t->rule && t->rule->role != R_NONE && t->rule->role != R_STREET))
				break;
			if ((t->rule && t->rule->role == R_STREET) ||
				(!t->rule && t->type == T_WORD && compound_street(a, k) &&
					(k + 1 == a->n || a->t[k + 1].comma ||
						a->t[k + 1].type != T_WORD))) {
				size_t j;

				if (k == i + 1 && t->rule)
					break; /* a street type with no name is no street */
				set_val(&no, a, i);
				noi = i;
				last = k;
				for (j = i + 1; j <= k; j++)
					add_word_of(&street, a, j);
				break;
			}
		}
	}
	/* a compound street first, number after: marktstrasse 14, hauptstr 5 */
	for (i = 0; i + 1 < a->n && !street.len; i++) {
		const struct tok *t = &a->t[i];
		int is_street = t->type == T_WORD && !t->used && !t->rule && compound_street(a, i);

		/* the number after a comma is a postcode: 14 marktstrasse, 10117 */
		if (is_street && a->t[i + 1].type == T_NUM && !a->t[i + 1].used &&
			!a->t[i + 1].comma) {
			size_t j = i;

			while (j > 0 && i - j < 3 && a->t[j - 1].type == T_WORD &&
				!a->t[j - 1].used && !a->t[j].sp &&
				!(a->t[j - 1].rule && a->t[j - 1].rule->role != R_NONE))
				j--;
			for (; j <= i; j++)
				add_word_of(&street, a, j);
			set_val(&no, a, i + 1);
			noi = last = i + 1;
		}
	}
	/* the street type first: rua augusta, 1500; via roma 10; 12 rue de la paix */
	for (i = 0; i + 1 < a->n && !street.len; i++) {
		const struct tok *t = &a->t[i];
		size_t j, end;

		if (t->type != T_WORD || t->used || !t->rule || t->rule->role != R_STREET)
			continue;
		for (end = i + 1; end < a->n && end <= i + 6 && name_word(a, end) &&
			!(end > i + 1 && a->t[end].comma);
			end++)
			;
		if (end == i + 1)
			continue; /* no name */
		if (i > 0 && a->t[i - 1].type == T_NUM && !a->t[i - 1].used && !a->t[i].comma &&
			!(i > 1 && a->t[i - 2].ordinal)) {
			noi = i - 1; /* 12 rue de la paix */
		} else {
			/* rua augusta, no 1500: a dropped word (no, nr) may come before it */
			for (j = end; j < a->n && j < end + 2 && a->t[j].type == T_WORD &&
				a->t[j].rule && !a->t[j].rule->to[0];
				j++)
				;
			if (j >= a->n || a->t[j].type != T_NUM || a->t[j].used || a->t[j].len > 5 ||
				(j + 1 < a->n && a->t[j + 1].ordinal))
				continue;
			noi = j;
		}
		set_val(&no, a, noi);
		for (j = i; j < end; j++)
			add_word_of(&street, a, j);
		last = noi > end ? noi : end - 1;
	}
	if (!street.len && !unit.len && !bld.len) {
		/*
		 * A house number and the words after it, up to a comma: a street whose type we
		 * cannot read (a typo, a language the rules lack): 1 dookie treet, 3218.
		 */
		for (i = 0; i + 1 < a->n && !street.len; i++) {
			size_t end;

			if (a->t[i].type != T_NUM || a->t[i].used || a->t[i].rule ||
				lead_digits(a, i) > 3 || lead_digits(a, i) < a->t[i].len)
				continue;
			for (end = i + 1; end < a->n && end <= i + 6 && name_word(a, end) &&
				!(end > i + 1 && a->t[end].comma);
				end++)
				add_word_of(&street, a, end);
			if (!street.len)
				continue;
			set_val(&no, a, i);
			noi = i;
			last = end - 1;
			ident_add_word(&id->note, "no street type");
		}
	}
	if (street.len) {
		buf_addf(&id->building, "%s %s", no.s, street.s);
	} else {
		/* no street found: every word that is not a unit or floor is the building */
		for (i = 0; i < a->n; i++)
			if (!a->t[i].used)
				add_word_of(&id->building, a, i);
		if (pc.len)
			buf_addf(&id->building, "%s%s", id->building.len ? " " : "", pc.s);
		ident_add_word(&id->note, "no street found");
		/*
		 * Street-level only when it names a unit or building, or holds a short number
		 * beside words (a house number on a street we cannot read); otherwise a town,
		 * a district, a state and a postcode are an area, shared by strangers.
		 */
		if (!unit.len && !bld.len && !house_number(a))
			ident_add_word(&id->flags, "coarse");
	}
	if (bld.len)
		add_part(&id->building, " building ", &bld, "");
	if (street.len && latin_place(a, noi, last, &pc, &place)) {
		buf_addf(&id->building, ", %s", place.s);
		ident_add_word(&id->note, "postcode kept");
	} else if (street.len && place.len) {
		buf_addf(&id->building, ", %s", place.s);
		ident_add_word(&id->note, "town kept");
	}
	buf_adds(&id->value, id->building.s ? id->building.s : "");
	if (floor.len)
		add_part(&id->value, " floor ", &floor, "");
	if (unit.len)
		add_part(&id->value, " unit ", &unit, "");
	buf_free(&unit);
	buf_free(&floor);
	buf_free(&bld);
	buf_free(&street);
	buf_free(&no);
	buf_free(&place);
	buf_free(&pc);
	return id->building.len ? 0 : -1;
}

/* The scratch space of ident_address(), one a thread: see ident_thread_free(). */
static _Thread_local struct addr addr_a;
static _Thread_local struct buf addr_t1, addr_t2;

int ident_address(const char *raw, const char *country, struct ident *id)
{
	size_t nh;
	int rc;

	(void)country;
	ident_reset(id);
	pthread_once(&loaded, load_rules);
	if (!raw)
		return -1;
	buf_reset(&addr_t1);
	buf_reset(&addr_t2);
	buf_reset(&addr_a.text);
	if (text_fold(raw, strlen(raw), &addr_t1) < 0 || text_strip_marks(&addr_t1) < 0)
		return -1;
	if (replace_han(addr_t1.s, addr_t1.len, &addr_t2))
		ident_add_word(&id->note, "chinese variants unified");
	if (han_numerals(addr_t2.s, addr_t2.len, &addr_a.text))
		ident_add_word(&id->note, "chinese numerals");
	nh = tokenize(&addr_a);
	rc = nh ? key_han(&addr_a, id) : addr_a.n ? key_latin(&addr_a, id) : -2;
	if (rc == -2)
		return ident_reset(id), -1; /* punctuation only */
	if (rc < 0) {
		/* no structure we know: the folded text itself, one key for both levels */
		char *note = buf_detach(&id->note);
		size_t i, w;
		int placed = 0;

		/*
		 * CJK text with a house number we cannot place names a place: a hyphenated one
		 * (丸の内1-9-1) or a short one after a road (科技园路1001). With no number, only a
		 * postcode, or a numeral inside a name (四川, 千代田), it is an area.
		 */
		for (i = 0; nh && i < addr_a.n; i++)
			if (addr_a.t[i].type == T_NUM &&
				(memchr(addr_a.text.s + addr_a.t[i].off, '-', addr_a.t[i].len) ||
					(addr_a.t[i].len <= 4 && road_suffix(&addr_a, i, &w))))
				placed = 1;

		if (ident_text(addr_a.text.s, id) < 0) {
			free(note);
			return ident_reset(id), -1;
		}
		buf_adds(&id->note, note);
		free(note);
		ident_add_word(&id->note, "no structure");
		if (placed)
			buf_adds(&id->building, id->value.s);
		else
			ident_add_word(&id->flags, "coarse");
	}
	if (ident_address_is_area(id)) {
		/* an area is no building: it names no place two accounts could share */
		buf_reset(&id->building);
		ident_add_word(&id->flags, "nolink");
	}
	return 0;
}

int ident_address_is_area(const struct ident *id)
{
	const char *f = id->flags.s;
	size_t i;

	/* the flags are words separated by commas: "coarse" is one of them or not */
	for (i = 0; f && f[i]; i++)
		if ((i == 0 || f[i - 1] == ',') && strncmp(f + i, "coarse", 6) == 0 &&
			(f[i + 6] == ',' || f[i + 6] == '\0'))
			return 1;
	return 0;
}

void ident_address_thread_free(void)
{
	buf_free(&addr_a.text);
	free(addr_a.t);
	memset(&addr_a, 0, sizeof(addr_a));
	buf_free(&addr_t1);
	buf_free(&addr_t2);
}
