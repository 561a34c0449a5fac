/* sign.c - Ed25519 keys and detached signatures of a case package (OpenSSL EVP) */
#include "casekit.h"
#include "sign.h"
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

static void fingerprint(EVP_PKEY *k, char fp[72])
{
	unsigned char raw[32], md[32];
	size_t len = sizeof(raw);
	int i;

	if (EVP_PKEY_get_raw_public_key(k, raw, &len) != 1 || len != 32)
		ck_bug("cannot get an Ed25519 public key");
	SHA256(raw, len, md);
	strcpy(fp, "SHA256:");
	for (i = 0; i < 32; i++)
		snprintf(fp + 7 + 2 * i, 3, "%02x", md[i]);
}

enum key_want { KEY_PRIVATE, KEY_PUBLIC };

/*
 * Read a PEM key as an Ed25519 key, private or public as asked; NULL after a message. A public key is asked for only to check a signature: a private key there is
 * refused, since handing it to whoever checks would let them sign.
 */
static EVP_PKEY *read_key(const char *path, enum key_want want, int *code)
{
	FILE *fp = fopen(path, "r");
	EVP_PKEY *k = NULL;

	*code = EX_DATAERR;
	if (!fp) {
		*code = EX_NOINPUT;
		ck_error(EX_NOINPUT, "cannot open key '%s': %s", path, strerror(errno));
		return NULL;
	}
	k = PEM_read_PrivateKey(fp, NULL, NULL, NULL);
	if (k && want == KEY_PUBLIC) {
		fclose(fp);
		EVP_PKEY_free(k);
		ck_error(EX_DATAERR,
			"'%s' is a private key: check with its public key (as written by "
			"'casekit keygen', KEYFILE.pub), and keep the private key to yourself",
			path);
		return NULL;
	}
	if (!k && want == KEY_PUBLIC) {
		rewind(fp);
		k = PEM_read_PUBKEY(fp, NULL, NULL, NULL);
	}
	fclose(fp);
	if (!k) {
		ck_error(EX_DATAERR, "'%s' is not a PEM %skey", path,
			want == KEY_PRIVATE ? "private " : "public ");
		return NULL;
	}
	if (EVP_PKEY_id(k) != EVP_PKEY_ED25519) {
		EVP_PKEY_free(k);
		ck_error(EX_DATAERR, "'%s' is not an Ed25519 key", path);
		return NULL;
	}
	return k;
}

/* Write text to a new file (O_EXCL) with mode; 0 or EX_CANTCREAT / EX_IOERR. */
static int write_new(const char *path, const char *text, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	ssize_t n;

	if (fd < 0)
		return ck_error(EX_CANTCREAT, "cannot create '%s': %s", path, strerror(errno));
	/* umask may have widened nothing, but make the mode exact. */
	if (fchmod(fd, mode) < 0 || (n = write(fd, text, len)) < 0 || (size_t)n != len ||
		fsync(fd) < 0) {
		int e = errno;

		close(fd);
		unlink(path);
		return ck_error(EX_IOERR, "cannot write '%s': %s", path, strerror(e));
	}
	if (close(fd) < 0)
		return ck_error(EX_IOERR, "cannot write '%s': %s", path, strerror(errno));
	return 0;
}

static char *pem_of(EVP_PKEY *k, int private)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p, *s;
	long n;

	if (!b ||
		(private ? PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL)
			 : PEM_write_bio_PUBKEY(b, k)) != 1)
		ck_bug("cannot write a PEM key");
	n = BIO_get_mem_data(b, &p);
	s = xstrndup(p, (size_t)n);
	BIO_free(b);
	return s;
}

int sign_keygen(const char *path, char fp[72])
{
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	EVP_PKEY *k = NULL;
	char *pub = xasprintf("%s.pub", path), *priv_pem, *pub_pem;
	struct stat sb;
	int rc;

	if (stat(path, &sb) == 0 || stat(pub, &sb) == 0) {
		rc = ck_error(EX_CANTCREAT, "'%s' already exists: a key is never overwritten",
			stat(path, &sb) == 0 ? path : pub);
		free(pub);
		EVP_PKEY_CTX_free(c);
		return rc;
	}
	if (!c || EVP_PKEY_keygen_init(c) != 1 || EVP_PKEY_keygen(c, &k) != 1)
		ck_bug("cannot make an Ed25519 key");
	EVP_PKEY_CTX_free(c);
	priv_pem = pem_of(k, 1);
	pub_pem = pem_of(k, 0);
	fingerprint(k, fp);
	rc = write_new(path, priv_pem, strlen(priv_pem), 0600);
	if (!rc && (rc = write_new(pub, pub_pem, strlen(pub_pem), 0644)))
		unlink(path);
	OPENSSL_cleanse(priv_pem, strlen(priv_pem));
	free(priv_pem);
	free(pub_pem);
	free(pub);
	EVP_PKEY_free(k);
	return rc;
}

int sign_fingerprint(const char *keypath, int private_key, char fp[72])
{
	int code;
	EVP_PKEY *k = read_key(keypath, private_key ? KEY_PRIVATE : KEY_PUBLIC, &code);

	if (!k)
		return code;
	fingerprint(k, fp);
	EVP_PKEY_free(k);
	return 0;
}

char *sign_text(const char *keypath, const void *data, size_t len, char fp[72])
{
	int code;
	EVP_PKEY *k = read_key(keypath, KEY_PRIVATE, &code);
	EVP_MD_CTX *m;
	unsigned char sig[64], b64[96];
	size_t slen = sizeof(sig);

	if (!k)
		return NULL;
	m = EVP_MD_CTX_new();
	/* Ed25519 is one-shot: no digest is named, the message is hashed inside. */
	if (!m || EVP_DigestSignInit(m, NULL, NULL, NULL, k) != 1 ||
		EVP_DigestSign(m, sig, &slen, data, len) != 1 || slen != 64)
		ck_bug("Ed25519 signing failed");
	EVP_MD_CTX_free(m);
	fingerprint(k, fp);
	EVP_PKEY_free(k);
	EVP_EncodeBlock(b64, sig, 64);
	return xasprintf("Signature-Algorithm: Ed25519\nSigned-File: %s\nKey-Fingerprint: %s\n"
			 "Signature: %s\n",
		SIGN_SIGNED_FILE, fp, b64);
}

/* The value of label in text ("Label: value" lines), malloc'd, or NULL. */
static char *label(const char *text, size_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t ll = eol ? (size_t)(eol - p) : (size_t)(end - p);

		if (ll > nl + 2 && memcmp(p, name, nl) == 0 && p[nl] == ':' && p[nl + 1] == ' ') {
			size_t vl = ll - nl - 2;

			if (vl && p[nl + 2 + vl - 1] == '\r')
				vl--;
			return xstrndup(p + nl + 2, vl);
		}
		p += ll + 1;
	}
	return NULL;
}

int sign_check(const char *pubpath, const char *text, size_t len, const void *data, size_t dlen,
	char why[200])
{
	int code;
	EVP_PKEY *k = read_key(pubpath, KEY_PUBLIC, &code);
	char *alg, *file, *kfp, *sig;
	unsigned char raw[128];
	char fp[72];
	EVP_MD_CTX *m;
	int n, ok = 0;

	if (!k)
		return code;
	fingerprint(k, fp);
	alg = label(text, len, "Signature-Algorithm");
	file = label(text, len, "Signed-File");
	kfp = label(text, len, "Key-Fingerprint");
	sig = label(text, len, "Signature");
	if (!alg || strcmp(alg, "Ed25519") != 0)
		snprintf(why, 200, "%s: the algorithm is not Ed25519", SIGN_FILE);
	else if (!file || strcmp(file, SIGN_SIGNED_FILE) != 0)
		snprintf(why, 200, "%s: it does not sign %s", SIGN_FILE, SIGN_SIGNED_FILE);
	else if (!sig || strlen(sig) != 88 ||
		(n = EVP_DecodeBlock(raw, (const unsigned char *)sig, 88)) != 66)
		snprintf(why, 200, "%s: the signature is not 64 bytes of base64", SIGN_FILE);
	else if (!kfp || strcmp(kfp, fp) != 0)
		snprintf(why, 200, "signed by key %s, not by %s (%s)", kfp ? kfp : "(none named)",
			fp, pubpath);
	else {
		m = EVP_MD_CTX_new();
		if (!m || EVP_DigestVerifyInit(m, NULL, NULL, NULL, k) != 1)
			ck_bug("Ed25519 verify init failed");
		ok = EVP_DigestVerify(m, raw, 64, data, dlen) == 1;
		EVP_MD_CTX_free(m);
		if (!ok)
			snprintf(why, 200, "the signature of %s does not verify under %s",
				SIGN_SIGNED_FILE, fp);
	}
	free(alg);
	free(file);
	free(kfp);
	free(sig);
	EVP_PKEY_free(k);
	return ok;
}
