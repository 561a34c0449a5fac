/* ident.c - normalise identifiers before anything compares them: the shared Unicode helpers,
 * free text, device ids, IPs and payment instruments (phones, emails and addresses have files
 * of their own: phone.c, email.c, address.c) */
#include "casekit.h"
#include "ident.h"
#include <arpa/inet.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>

void ident_reset(struct ident *id)
{
	buf_reset(&id->value);
	buf_reset(&id->note);
	buf_reset(&id->flags);
	buf_reset(&id->building);
	id->last4[0] = '\0';
}

void ident_free(struct ident *id)
{
	buf_free(&id->value);
	buf_free(&id->note);
	buf_free(&id->flags);
	buf_free(&id->building);
}

void ident_add_word(struct buf *b, const char *word)
{
	if (b->len)
		buf_addc(b, ',');
	buf_adds(b, word);
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

static int is_ascii(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

int ident_fold(const char *s, size_t n, struct buf *out)
{
	static _Thread_local const UNormalizer2 *nfkc_cf;
	UErrorCode err = U_ZERO_ERROR;
	int32_t len;
	size_t i;

	/* On ASCII, NFKC_Casefold is exactly A-Z to a-z: skip ICU for the common case. */
	if (is_ascii(s, n)) {
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
	if ((len = to_utf16(s, n, 0)) < 0 || (len = normalize(nfkc_cf, len)) < 0)
		return -1;
	return from_utf16(scratch[1].s, len, out);
}

int ident_nfc(const char *s, size_t n, struct buf *out)
{
	static _Thread_local const UNormalizer2 *nfc;
	UErrorCode err = U_ZERO_ERROR;
	int32_t len;

	if (is_ascii(s, n)) {
		buf_add(out, s, n);
		return 0;
	}
	if (!nfc && !(nfc = unorm2_getNFCInstance(&err)))
		return -1;
	if ((len = to_utf16(s, n, 0)) < 0 || (len = normalize(nfc, len)) < 0)
		return -1;
	return from_utf16(scratch[1].s, len, out);
}

/* The scratch space of ident_refold(), one a thread. */
static _Thread_local struct buf refold_t;

int ident_refold(struct buf *b)
{
	struct buf swap;

	/* Cutting characters out of a normalised string can leave marks side by side that
	 * normalisation would order or compose: fold again so the key is a fixed point. */
	if (is_ascii(b->s, b->len))
		return 0;
	buf_reset(&refold_t);
	if (ident_fold(b->s, b->len, &refold_t) < 0)
		return -1;
	swap = *b;
	*b = refold_t;
	refold_t = swap;
	return 0;
}

int ident_strip_marks(struct buf *b)
{
	static _Thread_local const UNormalizer2 *nfd, *nfc;
	UErrorCode err = U_ZERO_ERROR;
	int32_t len, i, j = 0;
	UChar32 c, base = 0;
	UChar *u;

	if (is_ascii(b->s, b->len))
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

int ident_next_cp(const char *s, size_t n, size_t *i)
{
	UChar32 c;
	int32_t k = (int32_t)*i;

	if (*i >= n)
		return -1;
	U8_NEXT(s, k, (int32_t)n, c);
	*i = (size_t)k;
	return c < 0 ? 0xfffd : c;
}

int ident_is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' ||
		(c >= 0x80 && u_isUWhiteSpace(c)) || c == 0x200b || c == 0x2060 || c == 0xfeff;
}

/* Trim and collapse runs of white space to one space, in place. */
static void squeeze_space(struct buf *b)
{
	size_t i = 0, j = 0, k;
	int c, pending = 0;

	while (i < b->len) {
		k = i;
		c = ident_next_cp(b->s, b->len, &i);
		if (ident_is_space(c)) {
			pending = j > 0;
			continue;
		}
		if (pending)
			b->s[j++] = ' ';
		pending = 0;
		memmove(b->s + j, b->s + k, i - k);
		j += i - k;
	}
	b->len = j;
	b->s[j] = '\0';
}

int ident_text(const char *raw, struct ident *id)
{
	ident_reset(id);
	if (!raw || ident_fold(raw, strlen(raw), &id->value) < 0)
		return -1;
	squeeze_space(&id->value);
	return id->value.len ? 0 : -1;
}

/* Device ids */

static int device_is_null(const char *v, size_t n)
{
	static const char *const words[] = { "unknown", "null", "nil", "none", "n/a", "na",
		"undefined", "(null)", "default", "device_id", "deviceid", "idfa", "test", NULL };
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcmp(v, words[i]) == 0)
			return 1;
	/* One character repeated: the zero advertising id, IMEI 000000000000000, "ffff...". */
	for (i = 1; i < n; i++)
		if (v[i] != v[0])
			return 0;
	return 1;
}

int ident_device(const char *raw, struct ident *id)
{
	struct buf *v = &id->value;
	size_t i, j = 0, stripped = 0;

	if (ident_text(raw, id))
		return -1;
	/* GUIDs come as {A1B2...}, A1B2-..., a1b2...: braces, hyphens, colons and spaces go. */
	for (i = 0; i < v->len; i++) {
		char c = v->s[i];

		if (c == '{' || c == '}' || c == '-' || c == ':' || c == ' ' || c == '_') {
			stripped = 1;
			continue;
		}
		v->s[j++] = c;
	}
	v->s[j] = '\0';
	v->len = j;
	if (stripped)
		ident_add_word(&id->note, "separators stripped");
	if (ident_refold(v) < 0)
		return ident_reset(id), -1;
	if (!v->len) {
		/* "{-}", "--": nothing but separators, a null id all the same */
		buf_adds(v, "-");
	}
	if (device_is_null(v->s, v->len)) {
		ident_add_word(&id->note, "null device id");
		ident_add_word(&id->flags, "null");
		ident_add_word(&id->flags, "nolink");
	}
	return 0;
}

/* IP addresses */

static int in4(const unsigned char *a, unsigned net, unsigned bits)
{
	uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 | (uint32_t)a[2] << 8 | a[3];
	uint32_t mask = bits ? 0xffffffffu << (32 - bits) : 0;

	return (x & mask) == (net & mask);
}

/* The class of an IPv4 address that never identifies one customer, or NULL. */
static const char *class4(const unsigned char *a)
{
	static const struct {
		unsigned net, bits;
		const char *flag;
	} nets[] = {
		{ 0x00000000, 8, "reserved" },       /* 0/8 "this network" */
		{ 0x0a000000, 8, "private" },        /* 10/8 */
		{ 0x64400000, 10, "cgnat" },         /* 100.64/10 carrier-grade NAT */
		{ 0x7f000000, 8, "loopback" },       /* 127/8 */
		{ 0xa9fe0000, 16, "linklocal" },     /* 169.254/16 */
		{ 0xac100000, 12, "private" },       /* 172.16/12 */
		{ 0xc0000000, 24, "reserved" },      /* 192.0.0/24 IETF protocol assignments */
		{ 0xc0000200, 24, "documentation" }, /* 192.0.2/24 TEST-NET-1 */
		{ 0xc0a80000, 16, "private" },       /* 192.168/16 */
		{ 0xc6120000, 15, "benchmark" },     /* 198.18/15 */
		{ 0xc6336400, 24, "documentation" }, /* 198.51.100/24 TEST-NET-2 */
		{ 0xcb007100, 24, "documentation" }, /* 203.0.113/24 TEST-NET-3 */
		{ 0xe0000000, 4, "multicast" },      /* 224/4 */
		{ 0xf0000000, 4, "reserved" },       /* 240/4 and the broadcast address */
	};
	size_t i;

	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
		if (in4(a, nets[i].net, nets[i].bits))
			return nets[i].flag;
	return NULL;
}

static const char *class6(const unsigned char *a)
{
	static const unsigned char zero[16];

	if (memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1))
		return a[15] ? "loopback" : "reserved";
	if ((a[0] & 0xfe) == 0xfc)
		return "private"; /* fc00::/7 unique local */
	if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
		return "linklocal"; /* fe80::/10 */
	if (a[0] == 0xff)
		return "multicast";
	if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8)
		return "documentation"; /* 2001:db8::/32 */
	return NULL;
}

int ident_ip(const char *raw, struct ident *id)
{
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN + 8], out[INET6_ADDRSTRLEN];
	const char *s, *e, *cls;
	size_t n;
	int v6;

	ident_reset(id);
	if (!raw)
		return -1;
	for (s = raw; *s == ' ' || *s == '\t'; s++)
		;
	for (e = s + strlen(s);
		e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'); e--)
		;
	/* Web logs write [2001:db8::1]:443 and 203.0.113.9:5060; the port is not the address. */
	if (s < e && *s == '[') {
		const char *close = memchr(s, ']', (size_t)(e - s));

		if (!close)
			return -1;
		s++;
		e = close;
	}
	n = (size_t)(e - s);
	if (n == 0 || n >= sizeof(text))
		return -1;
	memcpy(text, s, n);
	text[n] = '\0';
	v6 = strchr(text, ':') != NULL;
	if (v6 && strchr(text, '.') && strchr(text, ':') == strrchr(text, ':')) {
		*strchr(text, ':') = '\0'; /* a.b.c.d:port */
		v6 = 0;
	}
	if (v6 && strchr(text, '%'))
		*strchr(text, '%') = '\0'; /* zone id: fe80::1%eth0 */
	if (inet_pton(v6 ? AF_INET6 : AF_INET, text, a) != 1)
		return -1;
	if (v6) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
			0xff };

		if (memcmp(a, mapped, 12) == 0) {
			memmove(a, a + 12, 4);
			v6 = 0;
			ident_add_word(&id->note, "ipv4-mapped");
		}
	}
	cls = v6 ? class6(a) : class4(a);
	if (v6 && !cls) {
		/* One household or one phone gets a whole /64: the prefix is the identifier. */
		memset(a + 8, 0, 8);
		ident_add_word(&id->note, "ipv6 /64 prefix");
	}
	if (!inet_ntop(v6 ? AF_INET6 : AF_INET, a, out, sizeof(out)))
		return -1;
	buf_adds(&id->value, out);
	if (v6 && !cls)
		buf_adds(&id->value, "/64");
	if (cls) {
		ident_add_word(&id->flags, cls);
		ident_add_word(&id->flags, "nolink");
		ident_add_word(&id->note, cls);
	}
	return 0;
}

/* Payment instruments */

static int luhn_ok(const char *d, size_t n)
{
	int sum = 0, dbl = 0;

	while (n--) {
		int x = d[n] - '0';

		if (dbl && (x *= 2) > 9)
			x -= 9;
		sum += x;
		dbl = !dbl;
	}
	return sum % 10 == 0;
}

static int iban_ok(const char *s, size_t n)
{
	unsigned rem = 0;
	size_t i;

	if (n < 15 || n > 34)
		return 0;
	/* ISO 13616: move the first four characters to the end, letters become 10..35, mod 97. */
	for (i = 0; i < n; i++) {
		char c = s[(i + 4) % n];

		if (c >= '0' && c <= '9')
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
		else if (c >= 'A' && c <= 'Z')
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else
			return 0;
	}
	return rem == 1;
}

static int looks_iban(const char *s, size_t n)
{
	return n >= 15 && n <= 34 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
		s[2] >= '0' && s[2] <= '9' && s[3] >= '0' && s[3] <= '9';
}

static int type_is(const char *type, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(type, *names) == 0)
			return 1;
	return 0;
}

/* Keep only characters that are not separators, ASCII-uppercased, into d; 0 or -1 if too long. */
static int compact(const char *s, char *d, size_t cap, size_t *len)
{
	size_t j = 0;

	for (; *s; s++) {
		char c = *s;

		if (c == ' ' || c == '-' || c == '.' || c == '\t' || c == '/' || c == '_')
			continue;
		if (j + 1 >= cap)
			return -1;
		d[j++] = c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
	}
	d[j] = '\0';
	*len = j;
	return 0;
}

static int all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

/*
 * HMAC-SHA-256 of msg under key into out[32]. OpenSSL 3's one-shot HMAC() fetches the digest
 * and builds a context on every call; a dump has millions of instruments under one store key,
 * so the context is kept per thread and re-keyed only when the key changes.
 */
/* The HMAC of hmac_sha256(), one a thread. */
static _Thread_local EVP_MAC *hmac_mac;
static _Thread_local EVP_MAC_CTX *hmac_ctx;
static _Thread_local unsigned char hmac_lastkey[32];
static _Thread_local int hmac_keyed;

static int hmac_sha256(
	const unsigned char key[32], const char *msg, size_t n, unsigned char out[32])
{
	OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(
					OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end() };
	size_t outl = 0;

	if ((!hmac_mac && !(hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL))) ||
		(!hmac_ctx && !(hmac_ctx = EVP_MAC_CTX_new(hmac_mac))))
		return -1;
	if (hmac_keyed && CRYPTO_memcmp(hmac_lastkey, key, 32) == 0) {
		if (!EVP_MAC_init(hmac_ctx, NULL, 0, NULL))
			return -1;
	} else {
		hmac_keyed = 0;
		if (!EVP_MAC_init(hmac_ctx, key, 32, params))
			return -1;
		memcpy(hmac_lastkey, key, 32);
		hmac_keyed = 1;
	}
	if (!EVP_MAC_update(hmac_ctx, (const unsigned char *)msg, n) ||
		!EVP_MAC_final(hmac_ctx, out, &outl, 32) || outl != 32)
		return -1;
	return 0;
}

/* The scratch space of ident_payment(), one a thread, so that a warm call allocates nothing. */
static _Thread_local struct ident pay_sub;
static _Thread_local struct buf pay_t;

int ident_payment(const unsigned char key[32], const char *type, const char *raw, struct ident *id)
{
	static const char *const cards[] = { "card", "credit_card", "debit_card", "creditcard",
		"debitcard", "visa", "mastercard", "amex", "unionpay", "jcb", "discover",
		"bank_card", "bankcard", "cn_bank_card", NULL };
	static const char *const banks[] = { "bank", "bank_account", "account", "cn_bank", NULL };
	static const char *const wallets[] = { "alipay", "wechat", "weixin", "wechat_pay",
		"wechatpay", "paypal", "wallet", "venmo", "payoneer", "crypto", NULL };
	char norm[256], msg[320];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, i;
	const char *cls;
	size_t n = 0, mlen, at, k;
	int rc = -1;

	ident_reset(id);
	buf_reset(&pay_t);
	if (!raw || ident_text(type ? type : "", &pay_sub) < 0)
		buf_adds(&pay_t, "other");
	else
		buf_adds(&pay_t, pay_sub.value.s);
	for (i = 0; i < pay_t.len; i++)
		if (pay_t.s[i] == ' ' || pay_t.s[i] == '-')
			pay_t.s[i] = '_';
	ident_reset(&pay_sub);
	if (!raw)
		goto out;
	if (type_is(pay_t.s, wallets)) {
		/* A wallet whose account is a phone or an email is that phone or email. */
		const char *kind = NULL;

		if (strchr(raw, '@') || strstr(raw, "\xef\xbc\xa0")) { /* @ or full-width @ */
			if (ident_email(raw, &pay_sub) == 0)
				kind = "email";
		} else if (ident_phone(raw,
				   strcmp(pay_t.s, "alipay") == 0 || strncmp(pay_t.s, "we", 2) == 0
					   ? "CN"
					   : NULL,
				   &pay_sub) == 0 &&
			!strstr(pay_sub.flags.s ? pay_sub.flags.s : "", "local")) {
			kind = "phone";
		}
		if (kind) {
			if (pay_sub.value.len + 8 > sizeof(norm))
				goto out;
			n = (size_t)snprintf(norm, sizeof(norm), "%s:%s", kind, pay_sub.value.s);
			ident_add_word(&id->note, kind);
		} else {
			ident_reset(&pay_sub);
			if (ident_text(raw, &pay_sub) < 0)
				goto out;
			/* EVM addresses are hex: case carries no meaning; base58 ids are case-sensitive. */
			if (!(raw[0] == '0' && (raw[1] == 'x' || raw[1] == 'X')) &&
				strncmp(pay_sub.value.s, "bc1", 3) != 0) {
				const char *e;

				while (*raw == ' ' || *raw == '\t')
					raw++;
				for (e = raw + strlen(raw);
					e > raw && (e[-1] == ' ' || e[-1] == '\t');)
					e--;
				ident_reset(&pay_sub);
				buf_add(&pay_sub.value, raw, (size_t)(e - raw));
			}
			if (pay_sub.value.len + 4 > sizeof(norm))
				goto out;
			n = (size_t)snprintf(norm, sizeof(norm), "id:%s", pay_sub.value.s);
		}
		cls = "wallet";
	} else {
		if (compact(raw, norm, sizeof(norm), &n) < 0 || n == 0)
			goto out;
		if (looks_iban(norm, n) && !type_is(pay_t.s, cards)) {
			cls = "iban";
			ident_add_word(&id->note, iban_ok(norm, n) ? "iban-ok" : "iban-bad");
		} else if (all_digits(norm, n) && n >= 12 && n <= 19 &&
			(type_is(pay_t.s, cards) ||
				(type_is(pay_t.s, banks) && norm[0] == '6' && norm[1] == '2'))) {
			/* A UnionPay card (62...) listed as a bank account is still that card. */
			cls = "card";
			if (!type_is(pay_t.s, cards))
				ident_add_word(&id->note, "cn bank card");
			ident_add_word(&id->note, luhn_ok(norm, n) ? "luhn-ok" : "luhn-bad");
		} else if (type_is(pay_t.s, cards)) {
			goto out; /* not 12 to 19 digits: no card number */
		} else if (type_is(pay_t.s, banks)) {
			cls = "bank";
		} else {
			cls = pay_t.s;
		}
	}
	mlen = (size_t)snprintf(msg, sizeof(msg), "%s:%s", cls, norm);
	if (mlen >= sizeof(msg))
		goto out;
	if (hmac_sha256(key, msg, mlen, mac))
		goto out;
	maclen = 32;
	buf_adds(&id->value, "v1:");
	for (i = 0; i < maclen; i++) {
		buf_addc(&id->value, "0123456789abcdef"[mac[i] >> 4]);
		buf_addc(&id->value, "0123456789abcdef"[mac[i] & 15]);
	}
	/* The last four characters, not bytes: a cut UTF-8 sequence is no text to show. */
	for (at = n, k = 0; at > 0 && k < 4; k++)
		while (at > 0 && (norm[--at] & 0xC0) == 0x80)
			;
	snprintf(id->last4, sizeof(id->last4), "%s", norm + at);
	/* The class leads the note: "card,luhn-ok", "wallet,email". */
	{
		char *rules = buf_detach(&id->note);

		ident_add_word(&id->note, cls);
		if (*rules)
			ident_add_word(&id->note, rules);
		free(rules);
	}
	rc = 0;
out:
	/* The instrument must not outlive this call anywhere in memory we hand back. */
	OPENSSL_cleanse(norm, sizeof(norm));
	OPENSSL_cleanse(msg, sizeof(msg));
	if (pay_sub.value.s)
		OPENSSL_cleanse(pay_sub.value.s, pay_sub.value.cap);
	if (rc)
		ident_reset(id);
	ident_reset(&pay_sub);
	return rc;
}

void ident_thread_free(void)
{
	size_t i;

	for (i = 0; i < sizeof(scratch) / sizeof(*scratch); i++) {
		free(scratch[i].s);
		scratch[i].s = NULL;
		scratch[i].cap = 0;
	}
	buf_free(&refold_t);
	ident_free(&pay_sub);
	OPENSSL_cleanse(pay_t.s, pay_t.len);
	buf_free(&pay_t);
	EVP_MAC_CTX_free(hmac_ctx);
	EVP_MAC_free(hmac_mac);
	hmac_ctx = NULL, hmac_mac = NULL, hmac_keyed = 0;
	OPENSSL_cleanse(hmac_lastkey, sizeof(hmac_lastkey));
	ident_address_thread_free();
	ident_phone_thread_free();
	ident_email_thread_free();
}
