/* email.c - email addresses to the key a mail provider delivers on (notes section 1.4; the
 * provider table follows validator.js normalizeEmail) */
#include "casekit.h"
#include "ident.h"
#include "text.h"
#include <unicode/uidna.h>

/* Is the domain "name.TLD" or "name.co.TLD" (outlook.com, hotmail.co.uk, live.com.au)? */
static int family(const char *dom, const char *name)
{
	size_t k = strlen(name), labels = 0, len = 0;
	const char *p;

	if (strncmp(dom, name, k) != 0 || dom[k] != '.')
		return 0;
	for (p = dom + k + 1;; p++) {
		if (*p == '.' || !*p) {
			if (len < 2 || len > 3)
				return 0;
			labels++;
			len = 0;
			if (!*p)
				break;
		} else if (*p >= 'a' && *p <= 'z') {
			len++;
		} else {
			return 0;
		}
	}
	return labels <= 2;
}

static int is_any(const char *dom, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(dom, *names) == 0)
			return 1;
	return 0;
}

/* Cut the local part at the first c; note it. */
static void cut_at(struct buf *local, char c, struct ident *id, const char *why)
{
	char *p = strchr(local->s, c);

	if (p && p > local->s) {
		*p = '\0';
		local->len = (size_t)(p - local->s);
		ident_add_word(&id->note, why);
	}
}

/* A domain name in ASCII: letters, digits, hyphens, dots; no empty label; at least one dot. */
static int domain_ok(const char *dom, size_t n)
{
	size_t i, label = 0, dots = 0;

	for (i = 0; i < n; i++) {
		char c = dom[i];

		if (c == '.') {
			if (!label)
				return 0;
			label = 0;
			dots++;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
			c == '_') {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	return label && dots;
}

/* The domain in A-labels (UTS #46 ToASCII) into out; -1 if it is no domain name. */
static int domain_ascii(const char *dom, size_t n, struct buf *out)
{
	static _Thread_local UIDNA *uts46;
	UErrorCode err = U_ZERO_ERROR;
	UIDNAInfo info = UIDNA_INFO_INITIALIZER;
	int32_t len;
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)dom[i] >= 0x80)
			break;
	if (i == n) {
		if (!domain_ok(dom, n))
			return -1;
		buf_add(out, dom, n);
		return 0;
	}
	if (!uts46 &&
		!(uts46 = uidna_openUTS46(
			  UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_USE_STD3_RULES, &err)))
		return -1;
	if (n > 1024)
		return -1;
	buf_grow(out, 1024);
	len = uidna_nameToASCII_UTF8(uts46, dom, (int32_t)n, out->s + out->len,
		(int32_t)(out->cap - out->len), &info, &err);
	if (U_FAILURE(err) || info.errors || len <= 0 || !domain_ok(out->s + out->len, (size_t)len))
		return -1;
	out->len += (size_t)len;
	out->s[out->len] = '\0';
	return 0;
}

int ident_email(const char *raw, struct ident *id)
{
	static const char *const icloud[] = { "icloud.com", "me.com", "mac.com", NULL };
	static const char *const yahoo_more[] = { "ymail.com", "rocketmail.com", NULL };
	static _Thread_local struct buf f, local, dom;
	const char *s, *e, *at, *lt;
	size_t n, i;

	ident_reset(id);
	if (!raw)
		return -1;
	buf_reset(&f);
	buf_reset(&local);
	buf_reset(&dom);
	if (text_fold(raw, strlen(raw), &f) < 0)
		return -1;
	s = f.s;
	e = f.s + f.len;
	/* "John Doe <john@x.com>" and "mailto:john@x.com" are how mail clients paste them */
	if ((lt = memchr(s, '<', f.len)) && memchr(lt, '>', (size_t)(e - lt))) {
		s = lt + 1;
		e = memchr(lt, '>', (size_t)(e - lt));
	}
	while (s < e && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	if ((size_t)(e - s) > 7 && memcmp(s, "mailto:", 7) == 0)
		s += 7;
	n = (size_t)(e - s);
	if (!(at = memchr(s, '@', n)) || memchr(at + 1, '@', (size_t)(e - at - 1)) || at == s)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == ',' || s[i] == ';' ||
			s[i] == '<' || s[i] == '>')
			return -1;
	buf_add(&local, s, (size_t)(at - s));
	n = (size_t)(e - at - 1);
	if (n && at[n] == '.')
		n--; /* a trailing dot names the same domain */
	if (n == 0 || domain_ascii(at + 1, n, &dom) < 0)
		return -1;
	if (strcmp(dom.s, "gmail.com") == 0 || strcmp(dom.s, "googlemail.com") == 0) {
		size_t j = 0;

		cut_at(&local, '+', id, "+tag cut");
		for (i = 0; i < local.len; i++)
			if (local.s[i] != '.')
				local.s[j++] = local.s[i];
		if (j != local.len) {
			/* the dots rule comes first in the note, as it is the one people notice */
			char *rules = buf_detach(&id->note);

			ident_add_word(&id->note, "gmail dots removed");
			if (*rules)
				ident_add_word(&id->note, rules);
			free(rules);
		}
		local.s[j] = '\0';
		local.len = j;
		if (dom.s[1] == 'o') {
			buf_reset(&dom);
			buf_adds(&dom, "gmail.com");
			ident_add_word(&id->note, "googlemail to gmail");
		}
	} else if (family(dom.s, "outlook") || family(dom.s, "hotmail") || family(dom.s, "live") ||
		strcmp(dom.s, "msn.com") == 0 || strcmp(dom.s, "passport.com") == 0 ||
		strcmp(dom.s, "windowslive.com") == 0) {
		cut_at(&local, '+', id, "+tag cut");
	} else if (family(dom.s, "yahoo") || is_any(dom.s, yahoo_more)) {
		/* Yahoo's disposable addresses are base-keyword, and a base name holds no hyphen:
		 * cutting at the first one makes the key a fixed point (validator.js drops only
		 * the last part, which a second pass would cut again). */
		cut_at(&local, '-', id, "yahoo -suffix cut");
	} else if (is_any(dom.s, icloud)) {
		cut_at(&local, '+', id, "+tag cut");
	} else if (family(dom.s, "yandex") || strcmp(dom.s, "ya.ru") == 0) {
		if (strcmp(dom.s, "yandex.ru") != 0) {
			buf_reset(&dom);
			buf_adds(&dom, "yandex.ru");
			ident_add_word(&id->note, "yandex to yandex.ru");
		}
	}
	if (!local.len || text_refold(&local) < 0)
		return ident_reset(id), -1;
	buf_add(&id->value, local.s, local.len);
	buf_addc(&id->value, '@');
	buf_add(&id->value, dom.s, dom.len);
	return 0;
}
