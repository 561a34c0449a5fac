/* fuzz_ident.c - libFuzzer harness over every identifier normaliser
 *
 * The first byte picks the normaliser and its region or payment type; the rest is the raw
 * value. Besides crashes and sanitizer reports it checks what callers rely on: -1 leaves id
 * empty, keys are valid UTF-8, a key normalises to itself, a payment key never holds the
 * instrument.
 */
#include "casekit.h"
#include "ident.h"
#include "payment.h"
#include "text.h"
#include <unicode/ustring.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const regions[] = { "CN", "HK", "TW", "US", "CA", "GB", "DE", "FR", "JP", "KR",
	"SG", "IT", "RU", NULL, "", "ZZ" };
static const char *const types[] = { "card", "bank", "iban", "alipay", "wechat", "paypal", "crypto",
	"other" };

static void check_utf8(const char *s)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t len;

	if (!s)
		return;
	u_strFromUTF8(NULL, 0, &len, s, -1, &err);
	if (err != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(err))
		abort();
}

static void check_empty(const struct ident *id)
{
	if (id->value.len || id->note.len || id->flags.len || id->building.len || id->last4[0])
		abort();
}

/* Normalising a key again must give the key: otherwise two spellings could miss each other. */
static void check_stable(int which, const char *region, const struct ident *id)
{
	struct ident again = { 0 };
	int rc = 0;

	switch (which) {
	case 0:
		if (id->value.s[0] == '+')
			rc = ident_phone(id->value.s, region, &again);
		else
			goto out;
		break;
	case 1:
		rc = ident_email(id->value.s, &again);
		break;
	case 2:
		/* a key made from text with no structure we know is that text: not a key to
		 * parse again */
		if (id->note.s &&
			(strstr(id->note.s, "no street") || strstr(id->note.s, "no house") ||
				strstr(id->note.s, "no structure")))
			goto out;
		rc = ident_address(id->value.s, region, &again);
		break;
	case 3:
		rc = ident_device(id->value.s, &again);
		break;
	case 4:
		if (strchr(id->value.s, '/'))
			goto out;
		rc = ident_ip(id->value.s, &again);
		break;
	case 6:
		rc = ident_text(id->value.s, &again);
		break;
	default:
		goto out;
	}
	if (rc != 0 || strcmp(again.value.s, id->value.s) != 0) {
		fprintf(stderr, "unstable key: '%s' gives '%s'\n", id->value.s,
			rc ? "(nothing)" : again.value.s);
		abort();
	}
out:
	ident_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char key[32] = { 7 };
	struct ident id = { 0 };
	const char *region;
	char *raw;
	int which, rc;

	if (size < 1)
		return 0;
	which = data[0] % 8;
	region = regions[(data[0] >> 3) % 16];
	raw = xstrndup((const char *)data + 1, size - 1);
	switch (which) {
	case 0:
		rc = ident_phone(raw, region, &id);
		break;
	case 1:
		rc = ident_email(raw, &id);
		break;
	case 2:
		rc = ident_address(raw, region, &id);
		break;
	case 3:
		rc = ident_device(raw, &id);
		break;
	case 4:
		rc = ident_ip(raw, &id);
		break;
	case 5:
		rc = payment_ident(key, types[(data[0] >> 3) % 8], raw, &id);
		break;
	case 6:
		rc = ident_text(raw, &id);
		break;
	default: {
		struct buf b = { 0 };

		rc = text_fold(raw, strlen(raw), &b) ? -1 : text_strip_marks(&b);
		if (rc == 0)
			check_utf8(b.s);
		buf_free(&b);
		rc = -1;
		ident_reset(&id);
	}
	}
	if (rc == -1) {
		check_empty(&id);
	} else if (rc == 0) {
		if (!id.value.s || !id.value.len)
			abort();
		check_utf8(id.value.s);
		check_utf8(id.note.s);
		check_utf8(id.building.s);
		if (which == 5 && strlen(raw) >= 8 &&
			(strstr(id.value.s, raw) || (id.note.s && strstr(id.note.s, raw))))
			abort();
		check_stable(which, region, &id);
	} else {
		abort();
	}
	ident_free(&id);
	free(raw);
	return 0;
}
