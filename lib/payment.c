/*
 * payment.c - payment instruments normalised by class (card, iban, bank, wallet) and keyed by
 * HMAC, so that the raw number is stored nowhere. A wallet that is a phone or an email goes
 * through phone.c or email.c first: this file sits above them, and nothing below calls it.
 */
#include "casekit.h"
#include "ident.h"
#include "payment.h"
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

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
static int hmac_sha256(
	const unsigned char key[32], const char *msg, size_t n, unsigned char out[32])
{
	static _Thread_local EVP_MAC *mac;
	static _Thread_local EVP_MAC_CTX *ctx;
	static _Thread_local unsigned char lastkey[32];
	static _Thread_local int keyed;
	OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(
					OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0),
		OSSL_PARAM_construct_end() };
	size_t outl = 0;

	if ((!mac && !(mac = EVP_MAC_fetch(NULL, "HMAC", NULL))) ||
		(!ctx && !(ctx = EVP_MAC_CTX_new(mac))))
		return -1;
	if (keyed && CRYPTO_memcmp(lastkey, key, 32) == 0) {
		if (!EVP_MAC_init(ctx, NULL, 0, NULL))
			return -1;
	} else {
		keyed = 0;
		if (!EVP_MAC_init(ctx, key, 32, params))
			return -1;
		memcpy(lastkey, key, 32);
		keyed = 1;
	}
	if (!EVP_MAC_update(ctx, (const unsigned char *)msg, n) ||
		!EVP_MAC_final(ctx, out, &outl, 32) || outl != 32)
		return -1;
	return 0;
}

int payment_ident(const unsigned char key[32], const char *type, const char *raw, struct ident *id)
{
	static const char *const cards[] = { "card", "credit_card", "debit_card", "creditcard",
		"debitcard", "visa", "mastercard", "amex", "unionpay", "jcb", "discover",
		"bank_card", "bankcard", "cn_bank_card", NULL };
	static const char *const banks[] = { "bank", "bank_account", "account", "cn_bank", NULL };
	static const char *const wallets[] = { "alipay", "wechat", "weixin", "wechat_pay",
		"wechatpay", "paypal", "wallet", "venmo", "payoneer", "crypto", NULL };
	/* per-thread scratch, so that a warm call allocates nothing */
	static _Thread_local struct ident sub;
	static _Thread_local struct buf t;
	char norm[256], msg[320];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0, i;
	const char *cls;
	size_t n = 0, mlen, at, k;
	int rc = -1;

	ident_reset(id);
	buf_reset(&t);
	if (!raw || ident_text(type ? type : "", &sub) < 0)
		buf_adds(&t, "other");
	else
		buf_adds(&t, sub.value.s);
	for (i = 0; i < t.len; i++)
		if (t.s[i] == ' ' || t.s[i] == '-')
			t.s[i] = '_';
	ident_reset(&sub);
	if (!raw)
		goto out;
	if (type_is(t.s, wallets)) {
		/* A wallet whose account is a phone or an email is that phone or email. */
		const char *kind = NULL;

		if (strchr(raw, '@') || strstr(raw, "\xef\xbc\xa0")) { /* @ or full-width @ */
			if (ident_email(raw, &sub) == 0)
				kind = "email";
		} else if (ident_phone(raw,
				   strcmp(t.s, "alipay") == 0 || strncmp(t.s, "we", 2) == 0 ? "CN"
											    : NULL,
				   &sub) == 0 &&
			!strstr(sub.flags.s ? sub.flags.s : "", "local")) {
			kind = "phone";
		}
		if (kind) {
			if (sub.value.len + 8 > sizeof(norm))
				goto out;
			n = (size_t)snprintf(norm, sizeof(norm), "%s:%s", kind, sub.value.s);
			ident_add_word(&id->note, kind);
		} else {
			ident_reset(&sub);
			if (ident_text(raw, &sub) < 0)
				goto out;
			/* EVM addresses are hex: case carries no meaning; base58 ids are case-sensitive. */
			if (!(raw[0] == '0' && (raw[1] == 'x' || raw[1] == 'X')) &&
				strncmp(sub.value.s, "bc1", 3) != 0) {
				const char *e;

				while (*raw == ' ' || *raw == '\t')
					raw++;
				for (e = raw + strlen(raw);
					e > raw && (e[-1] == ' ' || e[-1] == '\t');)
					e--;
				ident_reset(&sub);
				buf_add(&sub.value, raw, (size_t)(e - raw));
			}
			if (sub.value.len + 4 > sizeof(norm))
				goto out;
			n = (size_t)snprintf(norm, sizeof(norm), "id:%s", sub.value.s);
		}
		cls = "wallet";
	} else {
		if (compact(raw, norm, sizeof(norm), &n) < 0 || n == 0)
			goto out;
		if (looks_iban(norm, n) && !type_is(t.s, cards)) {
			cls = "iban";
			ident_add_word(&id->note, iban_ok(norm, n) ? "iban-ok" : "iban-bad");
		} else if (all_digits(norm, n) && n >= 12 && n <= 19 &&
			(type_is(t.s, cards) ||
				(type_is(t.s, banks) && norm[0] == '6' && norm[1] == '2'))) {
			/* A UnionPay card (62...) listed as a bank account is still that card. */
			cls = "card";
			if (!type_is(t.s, cards))
				ident_add_word(&id->note, "cn bank card");
			ident_add_word(&id->note, luhn_ok(norm, n) ? "luhn-ok" : "luhn-bad");
		} else if (type_is(t.s, cards)) {
			goto out; /* not 12 to 19 digits: no card number */
		} else if (type_is(t.s, banks)) {
			cls = "bank";
		} else {
			cls = t.s;
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
	if (sub.value.s)
		OPENSSL_cleanse(sub.value.s, sub.value.cap);
	if (rc)
		ident_reset(id);
	ident_reset(&sub);
	return rc;
}
