/* ident.h - normalise identifiers before anything compares them: phones, emails, addresses,
 * device ids, IPs (payment instruments: payment.h) */
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
#define IDENT_ADDRESS_AREA "address_area"         /* town, district, postcode: never links */
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
	char last4[20];      /* payments only: the last four characters, for display */
};
void ident_reset(struct ident *id);
void ident_free(struct ident *id);

/*
 * Each returns 0 with id filled, or -1 when raw holds no usable identifier of that kind (empty,
 * junk, a number no numbering plan allows); -1 is not an error of the row, just nothing to
 * record, and id is left empty. country is an ISO 3166 alpha-2 code (the default region for
 * national phone numbers and addresses), or NULL. The functions keep per-thread scratch space
 * and cached ICU objects, so they allocate nothing per call once warm.
 *
 * Phones: "+8613800138000"; without a region a national number becomes "local:DIGITS" with
 * flag "local". Flags "mobile", "landline", "tollfree" where the region's plan tells.
 * Emails: lowercase, IDN domains as A-labels, provider rules (gmail dots and +tags, Outlook,
 * Yahoo and iCloud tags, Yandex domains). Devices: braces, hyphens and colons gone, lowercase;
 * null ids keep their value with flags "null,nolink". IPs: RFC 5952 text, IPv4-mapped to IPv4,
 * IPv6 keyed on its /64 ("2001:db8:1:2::/64"); special ranges flagged with their class
 * (private, cgnat, loopback, linklocal, documentation, benchmark, multicast, reserved) and
 * "nolink".
 */
int ident_phone(const char *raw, const char *country, struct ident *id);
int ident_email(const char *raw, struct ident *id);
/*
 * Fills value with the unit-level key and building with the building-level key. Chinese:
 * "深圳 技园路 1号 3栋" + " 1201室" (city when share/ident/cn-cities.txt knows it, the last two
 * characters of the road name and its type, house number, building, unit, then the room, or
 * the floor when there is no room); province, district and sub-district are left out, so
 * "广东省深圳市南山区科技园路1号3栋1201室" and "深圳南山科技园路1号3幢1201" agree. Latin:
 * "8 nathan road, kowloon" + " floor 3 unit 12" (number, street with its type expanded,
 * block, then where it is: the postcode, or the first word after the street when there is
 * none, so one street name in two towns never collides; then floor and unit); a street type
 * may come first (rua augusta 1500, 12 rue de la paix). An address that names no street-level
 * place (no house number, unit or building: a town, a district, a state, a postcode) gets
 * flags "coarse,nolink" and no building key: it is recorded as address_area, which never links.
 * Text with no street we can read but a short house number beside words is its own key at
 * both levels (note "no street found"); Chinese or Japanese text we cannot read is its own
 * key when it holds a hyphenated number (1-9-1) or a short one after a road, else an area
 * (note "no structure").
 */
int ident_address(const char *raw, const char *country, struct ident *id);
/* 1 if ident_address() found only an area (flag "coarse"): record it as IDENT_ADDRESS_AREA. */
int ident_address_is_area(const struct ident *id);
int ident_device(const char *raw, struct ident *id);
int ident_ip(const char *raw, struct ident *id);
/* Any other kind: NFKC case-folded text, trimmed, white space runs collapsed to one space. */
int ident_text(const char *raw, struct ident *id);

/* Append word to a comma-separated list (note, flags). */
void ident_add_word(struct buf *b, const char *word);
#endif
