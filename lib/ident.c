/* ident.c - normalise identifiers before anything compares them */
#include "casekit.h"
#include "ident.h"
#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/*
 * First version: trimming and ASCII case folding only, enough for the store and ingest to be
 * built against the API. The rules of notes section 1 replace these bodies.
 */

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

static int trimmed_lower(const char *raw, struct ident *id)
{
	const char *end;

	ident_reset(id);
	if (!raw)
		return -1;
	while (isspace((unsigned char)*raw))
		raw++;
	end = raw + strlen(raw);
	while (end > raw && isspace((unsigned char)end[-1]))
		end--;
	if (end == raw)
		return -1;
	for (; raw < end; raw++)
		buf_addc(&id->value, (char)tolower((unsigned char)*raw));
	return 0;
}

int ident_phone(const char *raw, const char *country, struct ident *id)
{
	(void)country;
	return trimmed_lower(raw, id);
}

int ident_email(const char *raw, struct ident *id)
{
	return trimmed_lower(raw, id);
}

int ident_address(const char *raw, const char *country, struct ident *id)
{
	(void)country;
	if (trimmed_lower(raw, id))
		return -1;
	buf_adds(&id->building, id->value.s);
	return 0;
}

int ident_device(const char *raw, struct ident *id)
{
	return trimmed_lower(raw, id);
}

int ident_ip(const char *raw, struct ident *id)
{
	return trimmed_lower(raw, id);
}

int ident_text(const char *raw, struct ident *id)
{
	return trimmed_lower(raw, id);
}

int ident_payment(const unsigned char key[32], const char *type, const char *raw, struct ident *id)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;
	struct buf msg = { 0 };
	size_t n;

	if (trimmed_lower(raw, id))
		return -1;
	n = id->value.len;
	snprintf(id->last4, sizeof(id->last4), "%s", id->value.s + (n > 4 ? n - 4 : 0));
	buf_addf(&msg, "%s:%s", type ? type : "", id->value.s);
	HMAC(EVP_sha256(), key, 32, (const unsigned char *)msg.s, msg.len, mac, &len);
	buf_free(&msg);
	buf_reset(&id->value);
	buf_adds(&id->value, "v1:");
	for (i = 0; i < len; i++)
		buf_addf(&id->value, "%02x", mac[i]);
	return 0;
}
