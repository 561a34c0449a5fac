/* tar.h - deterministic ustar writer into gzip, and a careful streaming ustar reader */
#ifndef CASEKIT_TAR_H
#define CASEKIT_TAR_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct tarw;

/*
 * Start a tar.gz on fp (the caller keeps fp). Every entry gets mode 0644 (files) or 0755
 * (directories), uid and gid 0, empty owner names and the given mtime; the gzip header has
 * time 0, no name and OS 3, so the same entries give the same bytes. Entries go out in the
 * order they are added: the caller sorts them.
 */
struct tarw *tarw_open(FILE *fp, long long mtime);
/* A directory entry; name without the trailing slash. 0, or -1 when the name cannot be stored. */
int tarw_dir(struct tarw *w, const char *name);
/* A regular file with its whole content. 0, or -1 when the name cannot be stored. */
int tarw_file(struct tarw *w, const char *name, const void *data, size_t len);
/* Finish the archive (two zero blocks, padded to 10240 bytes) and free w; 0, or EX_IOERR. */
int tarw_close(struct tarw *w);

/* What a reader reports for each member of an archive. */
enum tar_type { TAR_FILE, TAR_DIR, TAR_LINK, TAR_DEVICE, TAR_FIFO, TAR_OTHER };
struct tar_entry {
	char *name; /* as stored (pax or GNU long names applied), NUL-terminated */
	enum tar_type type;
	char typeflag; /* the raw type byte */
	uint64_t size; /* bytes of content (0 for anything but a file) */
};

struct tarr;

/* What the reader accepts at most: a bag never comes near these. */
#define TAR_NAME_MAX 4096       /* bytes in one member name */
#define TAR_MEMBERS_MAX 100000  /* members (pax and GNU long-name records not counted) */
#define TAR_NAMES_MAX (4 << 20) /* bytes in all member names */

/*
 * Read an archive from fd, gzip-compressed or plain (the magic number tells them apart). The
 * reader owns nothing but its buffers; the caller closes fd. Members are read in order:
 * tarr_next() gives the next header, tarr_read() its content; unread content is skipped.
 * Strict, so that no other tar reader can see other names or contents: a name is pax path=,
 * else a GNU long name, else ustar prefix/name; both kinds of long name on one member, global
 * headers that set a path or size, pax keys that change what is extracted (GNU.sparse.*,
 * linkpath, ...), member types other than files, folders, links, devices and FIFOs, content
 * after anything but a file, v7 headers, and anything but zero blocks after the end of the
 * archive are refused. A gzip stream is read to its end, its CRC-32 and length checked, and
 * nothing may follow it.
 */
struct tarr *tarr_open(int fd);
/*
 * 1 and *e filled (valid until the next call), 0 at the end (everything checked), -1 on a
 * damaged or refused archive.
 */
int tarr_next(struct tarr *r, struct tar_entry *e);
/* Up to n bytes of the current member's content: the count, 0 at its end, -1 on error. */
long tarr_read(struct tarr *r, void *buf, size_t n);
/* Why the last call failed ("truncated archive", "bad header checksum at byte 1024", ...). */
const char *tarr_error(const struct tarr *r);
/* 1 when the failure was a read error of the file itself (EX_IOERR) rather than bad data. */
int tarr_io_error(const struct tarr *r);
void tarr_close(struct tarr *r);
#endif
