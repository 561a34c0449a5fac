/*
 * payment.h - payment instruments, normalised and keyed so that the raw number is kept nowhere
 * (phone and email wallets through ident.h's rules)
 */
#ifndef CASEKIT_PAYMENT_H
#define CASEKIT_PAYMENT_H

struct ident;

/*
 * Normalise the instrument raw into id: 0 with id filled, or -1 when raw holds nothing to
 * record (not an error of the row). type is the instrument type as given (card, bank, iban,
 * alipay, wechat, paypal, wallet, ...). The instrument is normalised by class: card (12-19 digits; a UnionPay 62... number given as a
 * bank account is a card too; note "luhn-ok" or "luhn-bad"), iban (uppercase, no spaces; note
 * "iban-ok" or "iban-bad"), bank (other account numbers), wallet (an account that is a phone
 * or an email goes through those rules first: "phone:+86...", "email:..."; other wallet ids
 * keep their case unless hex or bech32), or the type itself. value becomes "v1:" + hex
 * HMAC-SHA-256 under key of "CLASS:" + the normalised instrument, so equal digit strings of
 * different classes never collide; the note starts with the class; last4 is kept for display.
 * The raw number is in no field, no message, and is wiped from scratch memory.
 */
int payment_ident(const unsigned char key[32], const char *type, const char *raw, struct ident *id);
#endif
