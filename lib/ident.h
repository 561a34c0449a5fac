/* ident.h - normalise identifiers before anything compares them: phones, emails, addresses,
 * device ids, IPs and payment instruments */
#ifndef CASEKIT_IDENT_H
#define CASEKIT_IDENT_H
#include "util.h"

/*
 * The identifier kinds, as stored in identifiers.kind. Profiles may add kinds of their own
 * (soc_sec_id, ...): those are compared as trimmed, case-folded text.
 */
#define IDENT_PHONE "phone"
#define IDENT_EMAIL "email"
#define IDENT_ADDRESS_UNIT "address_unit"         /* building + unit, floor, room: links */
#define IDENT_ADDRESS_BUILDING "address_building" /* same building: a weak relation only */
#define IDENT_DEVICE "device"
#define IDENT_IP "ip"
#define IDENT_PAYMENT "payment"

/*
 * What a normaliser found. value is the key that linking compares; note names the rules that
 * fired ("gmail dots removed,+tag cut"); flags are words separated by commas that say how the
 * value may be used: "nolink" (never link on it: private, loopback, CGNAT or documentation IPs,
 * null device ids), "private", "cgnat", "null", "mobile", "landline", "tollfree", "local" (a
 * phone with no country). Callers zero-initialise it and free it with ident_free().
 */
struct ident {
	struct buf value;
	struct buf note;
	struct buf flags;
	struct buf building; /* addresses only: the building-level key */
	char last4[8];       /* payments only: the last four characters, for display */
};
void ident_reset(struct ident *id);
void ident_free(struct ident *id);

/*
 * Each returns 0 with id filled, or -1 when raw holds no usable identifier of that kind (empty,
 * junk); -1 is not an error of the row, just nothing to record. country is an ISO 3166 alpha-2
 * code (the default region for national phone numbers and addresses), or NULL.
 */
int ident_phone(const char *raw, const char *country, struct ident *id);
int ident_email(const char *raw, struct ident *id);
/* Fills value with the unit-level key and building with the building-level key. */
int ident_address(const char *raw, const char *country, struct ident *id);
int ident_device(const char *raw, struct ident *id);
int ident_ip(const char *raw, struct ident *id);
/*
 * type is the instrument type as given (card, bank, iban, alipay, wechat, paypal, wallet, ...).
 * value becomes "v1:" + hex HMAC-SHA-256 under key of "TYPECLASS:" + the normalised
 * instrument, so equal digit strings of different classes never collide; last4 is kept for
 * display. The raw number must not be stored anywhere.
 */
int ident_payment(const unsigned char key[32], const char *type, const char *raw, struct ident *id);
/* Any other kind: trimmed, NFKC case-folded text. */
int ident_text(const char *raw, struct ident *id);
#endif
