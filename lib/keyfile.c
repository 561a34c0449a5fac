/* keyfile.c - the payment key, kept in a file of its own apart from the store it protects */
#include "casekit.h"
#include "bag.h"
#include "keyfile.h"
#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

char *keyfile_path(const char *store_id)
{
	const char *p = getenv("CASEKIT_KEY_FILE"), *data = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");

	if (ck.key_file && *ck.key_file)
		return xstrdup(ck.key_file);
	if (p && *p)
		return xstrdup(p);
	/* The XDG base directory spec ignores a relative XDG_DATA_HOME. */
	if (data && *data == '/')
		return xasprintf("%s/casekit/keys/%s.key", data, store_id);
	if (home && *home)
		return xasprintf("%s/.local/share/casekit/keys/%s.key", home, store_id);
	ck_error(EX_CONFIG,
		"no place for the key file of store %s: HOME is not set (give "
		"--key-file or set CASEKIT_KEY_FILE)",
		store_id);
	return NULL;
}

/* mkdir -p of the folders above path, each new one 0700: they hold keys. */
static int make_parents(const char *path)
{
	char *d = xstrdup(path), *s;
	int rc = 0;

	for (s = strchr(d + 1, '/'); s && !rc; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(d, 0700) != 0 && errno != EEXIST)
			rc = ck_error(EX_CANTCREAT,
				"cannot create folder '%s' for the key file: %s", d,
				strerror(errno));
		*s = '/';
	}
	free(d);
	return rc;
}

int keyfile_create(const char *path, const unsigned char key[KEYFILE_LEN])
{
	static const char digits[] = "0123456789abcdef";
	char text[2 * KEYFILE_LEN + 1];
	int fd, i, rc = 0;

	if ((rc = make_parents(path)))
		return rc;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return ck_error(
			EX_CANTCREAT, "cannot create key file '%s': %s", path, strerror(errno));
	for (i = 0; i < KEYFILE_LEN; i++) {
		text[2 * i] = digits[key[i] >> 4];
		text[2 * i + 1] = digits[key[i] & 15];
	}
	text[2 * KEYFILE_LEN] = '\n';
	/* fsync: the store will soon hold only the fingerprint, so the key must be on disk first */
	if (write(fd, text, sizeof(text)) != (ssize_t)sizeof(text) || fsync(fd) != 0)
		rc = ck_error(EX_CANTCREAT, "cannot write key file '%s': %s", path,
			strerror(errno ? errno : EIO));
	if (close(fd) != 0 && !rc)
		rc = ck_error(
			EX_CANTCREAT, "cannot write key file '%s': %s", path, strerror(errno));
	OPENSSL_cleanse(text, sizeof(text));
	if (rc)
		unlink(path);
	return rc;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int keyfile_read(const char *path, unsigned char key[KEYFILE_LEN])
{
	char text[2 * KEYFILE_LEN + 4];
	struct stat sb;
	ssize_t n;
	int fd, i, err = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno;
	if (fstat(fd, &sb) != 0) {
		err = errno;
	} else if (!S_ISREG(sb.st_mode)) {
		err = EINVAL;
	} else {
		n = read(fd, text, sizeof(text) - 1);
		if (n < 0)
			err = errno;
		else
			text[n] = '\0';
		/* 64 hex digits, then an optional newline (CRLF from an editor too), and no more */
		if (!err &&
			(n < 2 * KEYFILE_LEN ||
				strspn(text + 2 * KEYFILE_LEN, "\r\n") !=
					(size_t)n - 2 * KEYFILE_LEN ||
				n > 2 * KEYFILE_LEN + 2))
			err = EINVAL;
		for (i = 0; !err && i < KEYFILE_LEN; i++) {
			int hi = hexval(text[2 * i]), lo = hexval(text[2 * i + 1]);

			if (hi < 0 || lo < 0)
				err = EINVAL;
			else
				key[i] = (unsigned char)(hi << 4 | lo);
		}
		if (!err && (sb.st_mode & 077))
			ck_warn("key file '%s' may be read by others: 'chmod 600' it", path);
	}
	close(fd);
	OPENSSL_cleanse(text, sizeof(text));
	if (err)
		OPENSSL_cleanse(key, KEYFILE_LEN);
	return err;
}

void keyfile_fingerprint(const unsigned char key[KEYFILE_LEN], char hex[65])
{
	bag_sha256_hex(key, KEYFILE_LEN, hex);
}
