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

/*
 * Read an archive from fd, gzip-compressed or plain (zlib tells them apart). The reader owns
 * nothing but its buffers; the caller closes fd. Members are read in order: tarr_next() gives
 * the next header, tarr_read() its content; unread content is skipped.
 */
struct tarr *tarr_open(int fd);
/* 1 and *e filled (valid until the next call), 0 at the end, -1 on a damaged archive. */
int tarr_next(struct tarr *r, struct tar_entry *e);
/* Up to n bytes of the current member's content: the count, 0 at its end, -1 on error. */
long tarr_read(struct tarr *r, void *buf, size_t n);
/* Why the last call failed ("truncated archive", "bad header checksum at byte 1024", ...). */
const char *tarr_error(const struct tarr *r);
/* 1 when the failure was a read error of the file itself (EX_IOERR) rather than bad data. */
int tarr_io_error(const struct tarr *r);
void tarr_close(struct tarr *r);
#endif
