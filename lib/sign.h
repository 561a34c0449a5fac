/* sign.h - Ed25519 keys and detached signatures of a case package (OpenSSL EVP) */
#ifndef CASEKIT_SIGN_H
#define CASEKIT_SIGN_H
#include <stddef.h>

/* The file in a bag that holds the signature, and what it signs. */
#define SIGN_FILE "signature.txt"
#define SIGN_SIGNED_FILE "tagmanifest-sha256.txt"

/*
 * Make a key pair: the private key as PKCS#8 PEM in path (mode 0600, never over an existing
 * file) and the public key as SubjectPublicKeyInfo PEM in path.pub. The fingerprint
 * ("SHA256:" and 64 hex digits of the raw public key) goes into fp[72]. 0 or an EX_* code.
 */
int sign_keygen(const char *path, char fp[72]);
/*
 * Sign data with the private key in keypath and return the text of signature.txt (malloc'd):
 * the algorithm, the signed file, the key's fingerprint and the signature in base64. Sets
 * fp[72] to the fingerprint. NULL after a message.
 */
char *sign_text(const char *keypath, const void *data, size_t len, char fp[72]);
/*
 * The fingerprint of the key in keypath: a private PEM key when private_key, else a public
 * one (a private key is refused there); 0 or an EX_* code.
 */
int sign_fingerprint(const char *keypath, int private_key, char fp[72]);
/*
 * Check signature.txt (text, len) against data under the public key in pubpath. Returns 1 good,
 * 0 bad (why in why[200]), or an EX_* code when the key cannot be read.
 */
int sign_check(const char *pubpath, const char *text, size_t len, const void *data, size_t dlen,
	char why[200]);
#endif
