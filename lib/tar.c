/* tar.c - deterministic ustar writer into gzip, and a careful streaming ustar reader */
#include "casekit.h"
#include "tar.h"
#include <stdarg.h>
#include <unistd.h>
#include <zlib.h>

#define BLOCK 512
#define RECORD 10240

struct tarw {
	FILE *fp;
	z_stream z;
	gz_header gzh;
	long long mtime;
	uint64_t written; /* uncompressed bytes, for the final padding */
	int err;
	unsigned char out[1 << 16];
};

static void w_flush(struct tarw *w, int flush)
{
	int zrc;

	do {
		w->z.next_out = w->out;
		w->z.avail_out = sizeof(w->out);
		zrc = deflate(&w->z, flush);
		if (zrc == Z_STREAM_ERROR)
			ck_bug("deflate: stream error");
		if (fwrite(w->out, 1, sizeof(w->out) - w->z.avail_out, w->fp) !=
			sizeof(w->out) - w->z.avail_out)
			w->err = 1;
	} while (w->z.avail_out == 0 || (flush == Z_FINISH && zrc != Z_STREAM_END));
}

static void w_put(struct tarw *w, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n > 0) {
		/* zlib takes a uInt: feed big contents in pieces. */
		uInt take = n > (1u << 30) ? (1u << 30) : (uInt)n;

		w->z.next_in = (unsigned char *)s;
		w->z.avail_in = take;
		w_flush(w, Z_NO_FLUSH);
		s += take;
		n -= take;
		w->written += take;
	}
}

struct tarw *tarw_open(FILE *fp, long long mtime)
{
	struct tarw *w = xcalloc(1, sizeof(*w));

	w->fp = fp;
	w->mtime = mtime < 0 ? 0 : mtime;
	/* 15 + 16: a gzip wrapper. The header is fixed so that no platform or clock shows. */
	if (deflateInit2(&w->z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		ck_bug("deflateInit2 failed");
	w->gzh.time = 0;
	w->gzh.os = 3;
	if (deflateSetHeader(&w->z, &w->gzh) != Z_OK)
		ck_bug("deflateSetHeader failed");
	return w;
}

static void octal(char *field, size_t width, uint64_t v)
{
	/* width - 1 digits, zero-padded, then NUL */
	snprintf(field, width, "%0*llo", (int)(width - 1), (unsigned long long)v);
}

/* Split name into ustar name[100] and prefix[155] at a slash; -1 if it does not fit. */
static int split_name(const char *name, char hname[100], char prefix[155])
{
	size_t len = strlen(name), i;

	if (len <= 100) {
		memcpy(hname, name, len);
		return 0;
	}
	for (i = len - 1; i > 0; i--) {
		if (name[i] != '/' || i > 155 || len - i - 1 > 100 || len - i - 1 == 0)
			continue;
		memcpy(prefix, name, i);
		memcpy(hname, name + i + 1, len - i - 1);
		return 0;
	}
	return -1;
}

static int header(struct tarw *w, const char *name, char type, unsigned mode, uint64_t size)
{
	unsigned char h[BLOCK];
	unsigned sum = 0;
	size_t i;

	memset(h, 0, sizeof(h));
	if (split_name(name, (char *)h, (char *)h + 345) < 0)
		return -1;
	octal((char *)h + 100, 8, mode);
	octal((char *)h + 108, 8, 0);
	octal((char *)h + 116, 8, 0);
	octal((char *)h + 124, 12, size);
	octal((char *)h + 136, 12, (uint64_t)w->mtime);
	memset(h + 148, ' ', 8);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	octal((char *)h + 329, 8, 0);
	octal((char *)h + 337, 8, 0);
	for (i = 0; i < BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 7, "%06o", sum);
	h[154] = '\0';
	h[155] = ' ';
	w_put(w, h, BLOCK);
	return 0;
}

static void pad(struct tarw *w, size_t to)
{
	static const unsigned char zero[RECORD];
	size_t rem = (size_t)(w->written % to);

	if (rem)
		w_put(w, zero, to - rem);
}

int tarw_dir(struct tarw *w, const char *name)
{
	char *n = xasprintf("%s/", name);
	int rc = header(w, n, '5', 0755, 0);

	free(n);
	return rc;
}

int tarw_file(struct tarw *w, const char *name, const void *data, size_t len)
{
	if (header(w, name, '0', 0644, len) < 0)
		return -1;
	w_put(w, data, len);
	pad(w, BLOCK);
	return 0;
}

int tarw_close(struct tarw *w)
{
	static const unsigned char zero[2 * BLOCK];
	int err;

	w_put(w, zero, sizeof(zero));
	pad(w, RECORD);
	w->z.next_in = NULL;
	w->z.avail_in = 0;
	w_flush(w, Z_FINISH);
	deflateEnd(&w->z);
	err = w->err || fflush(w->fp) != 0 || ferror(w->fp);
	free(w);
	return err ? EX_IOERR : 0;
}

/* The reader. */

struct tarr {
	gzFile gz;
	uint64_t pos;     /* uncompressed offset of the next byte */
	uint64_t left;    /* content bytes of the current member still unread */
	uint64_t padding; /* zero bytes after it */
	char *name;       /* the current member's name */
	char *longname;   /* from a pax 'x' path= or a GNU 'L' member, for the next header */
	int64_t paxsize;  /* from pax size=, or -1 */
	int ioerr;
	char err[160];
};

struct tarr *tarr_open(int fd)
{
	struct tarr *r = xcalloc(1, sizeof(*r));
	int dfd = dup(fd);

	if (dfd < 0 || !(r->gz = gzdopen(dfd, "rb"))) {
		if (dfd >= 0)
			close(dfd);
		free(r);
		return NULL;
	}
	gzbuffer(r->gz, 1 << 17);
	r->paxsize = -1;
	return r;
}

static int fail(struct tarr *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct tarr *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* Read exactly n bytes; -1 with the reason set on a short read. */
static int get(struct tarr *r, void *buf, size_t n)
{
	int got = gzread(r->gz, buf, (unsigned)n);

	if (got < 0) {
		int zerr;
		const char *msg = gzerror(r->gz, &zerr);

		if (zerr == Z_ERRNO) {
			r->ioerr = 1;
			return fail(r, "read error: %s", strerror(errno));
		}
		return fail(r, "damaged compressed data: %s", msg);
	}
	r->pos += (unsigned)got;
	if ((size_t)got < n)
		return fail(r, "truncated archive at byte %llu", (unsigned long long)r->pos);
	return 0;
}

static int skip(struct tarr *r, uint64_t n)
{
	unsigned char buf[8192];

	while (n > 0) {
		size_t take = n > sizeof(buf) ? sizeof(buf) : (size_t)n;

		if (get(r, buf, take) < 0)
			return -1;
		n -= take;
	}
	return 0;
}

/* A numeric header field: octal digits, spaces and NULs; or base-256 (GNU) for big values. */
static int number(const unsigned char *f, size_t width, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (f[0] & 0x80) {
		if (f[0] != 0x80)
			return -1;
		for (i = 1; i < width; i++) {
			if (v >> 55)
				return -1;
			v = v << 8 | f[i];
		}
		*out = v;
		return 0;
	}
	while (i < width && f[i] == ' ')
		i++;
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v >> 60)
			return -1;
		v = v * 8 + (uint64_t)(f[i] - '0');
	}
	for (; i < width; i++)
		if (f[i] != ' ' && f[i] != '\0')
			return -1;
	*out = v;
	return 0;
}

static char *field_str(const unsigned char *f, size_t width)
{
	size_t n = 0;

	while (n < width && f[n])
		n++;
	return xstrndup((const char *)f, n);
}

/* Read a pax extended header's records, keeping path= and size=. */
static int pax(struct tarr *r, uint64_t size, int global)
{
	char *d, *p, *end;

	if (size > (1u << 20))
		return fail(r, "pax header of %llu bytes is too big", (unsigned long long)size);
	d = xmalloc((size_t)size + 1);
	if (get(r, d, (size_t)size) < 0 || skip(r, (BLOCK - size % BLOCK) % BLOCK) < 0) {
		free(d);
		return -1;
	}
	d[size] = '\0';
	for (p = d, end = d + size; p < end;) {
		char *sp, *eq, *rec_end;
		unsigned long long len = 0;

		for (sp = p; sp < end && *sp >= '0' && *sp <= '9' && len < (1u << 21); sp++)
			len = len * 10 + (unsigned)(*sp - '0');
		if (sp == p || sp >= end || *sp != ' ' || len > (unsigned long long)(end - p) ||
			len < 5 || p[len - 1] != '\n') {
			free(d);
			return fail(r, "malformed pax record");
		}
		rec_end = p + len - 1;
		*rec_end = '\0';
		eq = strchr(sp + 1, '=');
		if (!eq) {
			free(d);
			return fail(r, "malformed pax record");
		}
		*eq = '\0';
		if (!global && strcmp(sp + 1, "path") == 0) {
			free(r->longname);
			r->longname = xstrdup(eq + 1);
		} else if (!global && strcmp(sp + 1, "size") == 0) {
			long long v;

			if (ck_parse_long(eq + 1, &v) < 0 || v < 0) {
				free(d);
				return fail(r, "bad pax size");
			}
			r->paxsize = v;
		}
		p = rec_end + 1;
	}
	free(d);
	return 0;
}

int tarr_next(struct tarr *r, struct tar_entry *e)
{
	unsigned char h[BLOCK];
	uint64_t size, sum, mysum;
	int i, zero;
	char type;

again:
	if (skip(r, r->left + r->padding) < 0)
		return -1;
	r->left = r->padding = 0;
	free(r->name);
	r->name = NULL;
	{
		/* An archive that ends cleanly between members (no zero blocks) ends there. */
		int got = gzread(r->gz, h, BLOCK);

		if (got == 0 && gzeof(r->gz) && !r->longname && r->paxsize < 0)
			return 0;
		if (got < 0 || got < BLOCK) {
			if (got > 0)
				r->pos += (unsigned)got;
			if (got >= 0)
				return fail(r, "truncated archive at byte %llu",
					(unsigned long long)r->pos);
			return get(r, h, BLOCK);
		}
		r->pos += BLOCK;
	}
	for (zero = 1, i = 0; i < BLOCK; i++)
		if (h[i]) {
			zero = 0;
			break;
		}
	if (zero) {
		if (r->longname || r->paxsize >= 0)
			return fail(r, "archive ends after an extended header");
		return 0;
	}
	if (number(h + 148, 8, &sum) < 0)
		return fail(r, "bad header checksum at byte %llu",
			(unsigned long long)(r->pos - BLOCK));
	for (mysum = 0, i = 0; i < BLOCK; i++)
		mysum += (i >= 148 && i < 156) ? ' ' : h[i];
	if (sum != mysum)
		return fail(r, "bad header checksum at byte %llu",
			(unsigned long long)(r->pos - BLOCK));
	if (memcmp(h + 257, "ustar", 5) != 0)
		return fail(
			r, "not a ustar header at byte %llu", (unsigned long long)(r->pos - BLOCK));
	if (number(h + 124, 12, &size) < 0)
		return fail(r, "bad size field at byte %llu", (unsigned long long)(r->pos - BLOCK));
	type = (char)h[156];
	if (r->paxsize >= 0 && type != 'x' && type != 'g' && type != 'L')
		size = (uint64_t)r->paxsize;
	if (type == 'x' || type == 'g') {
		if (pax(r, size, type == 'g') < 0)
			return -1;
		goto again;
	}
	if (type == 'L') {
		if (size > 65536)
			return fail(r, "long name of %llu bytes", (unsigned long long)size);
		free(r->longname);
		r->longname = xcalloc(1, (size_t)size + 1);
		if (get(r, r->longname, (size_t)size) < 0 ||
			skip(r, (BLOCK - size % BLOCK) % BLOCK) < 0)
			return -1;
		goto again;
	}
	if (r->longname) {
		r->name = r->longname;
		r->longname = NULL;
	} else if (h[345] && memcmp(h + 257, "ustar\0", 6) == 0) {
		char *pre = field_str(h + 345, 155), *nm = field_str(h, 100);

		r->name = xasprintf("%s/%s", pre, nm);
		free(pre);
		free(nm);
	} else {
		r->name = field_str(h, 100);
	}
	r->paxsize = -1;
	e->name = r->name;
	e->typeflag = type;
	switch (type) {
	case '0':
	case '\0':
	case '7':
		e->type = TAR_FILE;
		break;
	case '5':
		e->type = TAR_DIR;
		break;
	case '1':
	case '2':
		e->type = TAR_LINK;
		break;
	case '3':
	case '4':
		e->type = TAR_DEVICE;
		break;
	case '6':
		e->type = TAR_FIFO;
		break;
	default:
		e->type = TAR_OTHER;
		break;
	}
	/* As POSIX readers do, only files (and unknown types) are followed by content. */
	e->size = e->type == TAR_FILE ? size : 0;
	if (e->type == TAR_FILE || e->type == TAR_OTHER) {
		r->left = size;
		r->padding = (BLOCK - size % BLOCK) % BLOCK;
	}
	return 1;
}

long tarr_read(struct tarr *r, void *buf, size_t n)
{
	if (n > r->left)
		n = (size_t)r->left;
	if (n > (1u << 30))
		n = 1u << 30;
	if (n == 0)
		return 0;
	if (get(r, buf, n) < 0)
		return -1;
	r->left -= n;
	return (long)n;
}

const char *tarr_error(const struct tarr *r)
{
	return r->err;
}

int tarr_io_error(const struct tarr *r)
{
	return r->ioerr;
}

void tarr_close(struct tarr *r)
{
	if (!r)
		return;
	gzclose(r->gz);
	free(r->name);
	free(r->longname);
	free(r);
}
