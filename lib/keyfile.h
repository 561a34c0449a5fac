/* keyfile.h - the payment key, kept in a file of its own apart from the store it protects */
#ifndef CASEKIT_KEYFILE_H
#define CASEKIT_KEYFILE_H

#define KEYFILE_LEN 32 /* bytes of key; the file holds them as 64 hex digits and a newline */

/*
 * The key file of the store whose id is store_id: --key-file (ck.key_file), else
 * $CASEKIT_KEY_FILE, else $XDG_DATA_HOME/casekit/keys/STORE-ID.key, XDG_DATA_HOME being
 * ~/.local/share when unset. malloc'd, or NULL after one message when there is no HOME.
 */
char *keyfile_path(const char *store_id);
/*
 * Write key into a new file at path, mode 0600, making missing folders (mode 0700). An existing
 * file, or a symlink, is never replaced. 0, or EX_CANTCREAT after one message.
 */
int keyfile_create(const char *path, const unsigned char key[KEYFILE_LEN]);
/*
 * Read the key at path into key. 0, or an errno value and no message: ENOENT, EACCES ... or
 * EINVAL when the file holds no key. Warns when others may read the file.
 */
int keyfile_read(const char *path, unsigned char key[KEYFILE_LEN]);
/* The fingerprint a store keeps instead of its key: the key's SHA-256, 64 hex digits. */
void keyfile_fingerprint(const unsigned char key[KEYFILE_LEN], char hex[65]);
#endif
