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

/*
 * The reader. It is strict so that it can never read an archive differently from GNU tar,
 * libarchive or Python's tarfile: a name comes from pax path=, else a GNU long name, else
 * the ustar prefix and name, and anything those readers could take another way is refused
 * (both kinds of long name, a global header that sets a name or a size, sparse files and
 * other member types a bag never holds, data after the end of the archive).
 */

struct tarr {
	int fd;
	int gz;    /* 1 gzip, 0 plain tar, -1 not yet known */
	int zdone; /* the gzip stream (trailer included) has ended */
	int ended; /* the end of the archive was read and checked */
	z_stream z;
	uint64_t pos;     /* uncompressed offset of the next byte */
	uint64_t left;    /* content bytes of the current member still unread */
	uint64_t padding; /* zero bytes after it */
	char *name;       /* the current member's name */
	char *longname;   /* from a GNU 'L' member, for the next header */
	char *paxpath;    /* from a pax 'x' path=, for the next header */
	int64_t paxsize;  /* from pax size=, or -1 */
	int nlong, npax;  /* extended headers seen for the next header */
	unsigned long members;
	uint64_t namebytes;
	int ioerr;
	char err[300];
	unsigned char in[1 << 16];
	size_t inlen, inoff; /* plain tar: bytes buffered in in[] */
};

struct tarr *tarr_open(int fd)
{
	struct tarr *r = xcalloc(1, sizeof(*r));

	r->fd = fd;
	r->gz = -1;
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

/* Fill in[] from the file: the count read, 0 at its end, -1 on a read error. */
static ssize_t fill(struct tarr *r)
{
	ssize_t n;

	do
		n = read(r->fd, r->in, sizeof(r->in));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->ioerr = 1;
		return fail(r, "read error: %s", strerror(errno));
	}
	return n;
}

/*
 * Up to n bytes of the tar stream into buf: the count, 0 at the end of the stream, -1 on
 * error. A gzip stream is inflated to its end, where zlib checks the trailer's CRC-32 and
 * length; nothing may follow it in the file (no second gzip member, no garbage).
 */
static long raw(struct tarr *r, unsigned char *buf, size_t n)
{
	uInt want;

	if (r->gz < 0) {
		ssize_t got = fill(r);

		if (got < 0)
			return -1;
		r->inlen = (size_t)got;
		r->gz = got >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b;
		if (r->gz) {
			if (inflateInit2(&r->z, 15 + 16) != Z_OK)
				ck_bug("inflateInit2 failed");
			r->z.next_in = r->in;
			r->z.avail_in = (uInt)got;
		}
	}
	if (!r->gz) {
		size_t take;

		if (r->inoff == r->inlen) {
			ssize_t got = fill(r);

			if (got <= 0)
				return got;
			r->inlen = (size_t)got;
			r->inoff = 0;
		}
		take = r->inlen - r->inoff < n ? r->inlen - r->inoff : n;
		memcpy(buf, r->in + r->inoff, take);
		r->inoff += take;
		return (long)take;
	}
	if (r->zdone)
		return 0;
	want = n > (1u << 30) ? (1u << 30) : (uInt)n;
	r->z.next_out = buf;
	r->z.avail_out = want;
	while (r->z.avail_out > 0) {
		int zrc;

		if (r->z.avail_in == 0) {
			ssize_t got = fill(r);

			if (got < 0)
				return -1;
			if (got == 0)
				return fail(r,
					"truncated compressed data (the gzip stream does "
					"not end)");
			r->z.next_in = r->in;
			r->z.avail_in = (uInt)got;
		}
		zrc = inflate(&r->z, Z_NO_FLUSH);
		if (zrc == Z_STREAM_END) {
			r->zdone = 1;
			if (r->z.avail_in > 0 || fill(r) != 0)
				return r->ioerr ? -1
						: fail(r, "data after the end of the gzip stream");
			break;
		}
		if (zrc == Z_DATA_ERROR)
			return fail(
				r, "damaged compressed data: %s", r->z.msg ? r->z.msg : "bad data");
		if (zrc == Z_MEM_ERROR)
			ck_die(EX_OSERR, "out of memory");
		if (zrc != Z_OK && zrc != Z_BUF_ERROR)
			return fail(r, "damaged compressed data");
	}
	return (long)(want - r->z.avail_out);
}

/* Read exactly n bytes; -1 with the reason set on a short read. */
static int get(struct tarr *r, void *buf, size_t n)
{
	unsigned char *p = buf;

	while (n > 0) {
		long got = raw(r, p, n);

		if (got < 0)
			return -1;
		if (got == 0)
			return fail(
				r, "truncated archive at byte %llu", (unsigned long long)r->pos);
		r->pos += (uint64_t)got;
		p += got;
		n -= (size_t)got;
	}
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

/*
 * The end of the archive: the first zero block is read. Everything after it, to the end of
 * the stream, must be zero blocks (at least one more), or another reader might go on.
 */
static int finish(struct tarr *r)
{
	unsigned char buf[8192];
	uint64_t start = r->pos;
	long got;
	size_t i;

	while ((got = raw(r, buf, sizeof(buf))) > 0) {
		for (i = 0; i < (size_t)got; i++)
			if (buf[i])
				return fail(r, "data after the end of the archive at byte %llu",
					(unsigned long long)(r->pos + i));
		r->pos += (uint64_t)got;
	}
	if (got < 0)
		return -1;
	if (r->pos - start < BLOCK || r->pos % BLOCK)
		return fail(r,
			"truncated archive at byte %llu (the end-of-archive blocks "
			"are cut short)",
			(unsigned long long)r->pos);
	r->ended = 1;
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

/* pax keywords that change what a reader extracts, or that not all readers know. */
static int pax_refused(const char *k)
{
	static const char *const refused[] = { "linkpath", "hdrcharset", "SCHILY.realsize",
		"SCHILY.filetype", "SCHILY.tarfiletype", "SCHILY.offset" };
	size_t i;

	for (i = 0; i < sizeof(refused) / sizeof(*refused); i++)
		if (strcmp(k, refused[i]) == 0)
			return 1;
	return strncmp(k, "GNU.", 4) == 0 || strncmp(k, "SCHILY.sparse", 13) == 0 ||
		strncmp(k, "SUN.", 4) == 0;
}

/* Read a pax extended header's records, keeping path= and size=. */
static int pax(struct tarr *r, uint64_t size, int global)
{
	char *d, *p, *end;
	uint64_t at = r->pos - BLOCK;
	int npath = 0, nsize = 0;

	if (size > (1u << 20))
		return fail(r, "pax header of %llu bytes at byte %llu is too big",
			(unsigned long long)size, (unsigned long long)at);
	d = xmalloc((size_t)size + 1);
	if (get(r, d, (size_t)size) < 0 || skip(r, (BLOCK - size % BLOCK) % BLOCK) < 0) {
		free(d);
		return -1;
	}
	d[size] = '\0';
	for (p = d, end = d + size; p < end;) {
		char *sp, *eq, *rec_end, *key, *val;
		unsigned long long len = 0;
		size_t vlen;

		for (sp = p; sp < end && *sp >= '0' && *sp <= '9' && len < (1u << 21); sp++)
			len = len * 10 + (unsigned)(*sp - '0');
		if (sp == p || *p == '0' || sp >= end || *sp != ' ' ||
			len > (unsigned long long)(end - p) || len < 5 || p[len - 1] != '\n') {
			free(d);
			return fail(r, "malformed pax record at byte %llu", (unsigned long long)at);
		}
		rec_end = p + len - 1;
		key = sp + 1;
		eq = memchr(key, '=', (size_t)(rec_end - key));
		if (!eq || eq == key || memchr(key, '\0', (size_t)(rec_end - key))) {
			free(d);
			return fail(r, "malformed pax record at byte %llu", (unsigned long long)at);
		}
		*eq = '\0';
		*rec_end = '\0';
		val = eq + 1;
		vlen = (size_t)(rec_end - val);
		if (pax_refused(key) ||
			(global && (strcmp(key, "path") == 0 || strcmp(key, "size") == 0))) {
			int named = strcmp(key, "path") == 0 || strstr(key, "name") != NULL;

			fail(r,
				"%s pax header at byte %llu sets '%s'%s%.200s%s, which tar readers "
				"take differently (refused)",
				global ? "a global" : "a", (unsigned long long)at, key,
				named ? " to '" : "", named ? val : "", named ? "'" : "");
			free(d);
			return -1;
		}
		if (strcmp(key, "path") == 0) {
			if (npath++ || vlen == 0 || vlen > TAR_NAME_MAX) {
				free(d);
				return fail(r, "pax header at byte %llu: %s path",
					(unsigned long long)at, npath > 1 ? "a second" : "a bad");
			}
			free(r->paxpath);
			r->paxpath = xstrndup(val, vlen);
		} else if (strcmp(key, "size") == 0) {
			long long v;

			if (nsize++ || *val < '0' || *val > '9' || ck_parse_long(val, &v) < 0 ||
				v < 0) {
				free(d);
				return fail(r, "pax header at byte %llu: a bad size",
					(unsigned long long)at);
			}
			r->paxsize = v;
		}
		p = rec_end + 1;
	}
	free(d);
	return 0;
}

/* The name the next header gets, for messages about it. */
static const char *pending_name(struct tarr *r, const unsigned char *h)
{
	if (r->paxpath)
		return r->paxpath;
	if (r->longname)
		return r->longname;
	free(r->name);
	r->name = field_str(h, 100);
	return r->name;
}

static const char *type_word(char type)
{
	switch (type) {
	case '1':
		return "a hard link";
	case '2':
		return "a symbolic link";
	case '3':
	case '4':
		return "a device";
	case '6':
		return "a FIFO";
	case '7':
		return "a contiguous file";
	case 'S':
		return "a GNU sparse file";
	case 'K':
		return "a GNU long link name";
	case 'D':
		return "a GNU dump directory";
	case 'M':
		return "a GNU multi-volume part";
	case 'N':
		return "an old GNU long name";
	case 'V':
		return "a GNU volume label";
	default:
		return "an unknown type";
	}
}

int tarr_next(struct tarr *r, struct tar_entry *e)
{
	unsigned char h[BLOCK];
	uint64_t size, sum, mysum, at;
	int i, zero;
	char type;

	if (r->ended)
		return 0;
again:
	if (skip(r, r->left + r->padding) < 0)
		return -1;
	r->left = r->padding = 0;
	free(r->name);
	r->name = NULL;
	if (get(r, h, BLOCK) < 0) {
		if (r->pos == 0 && strncmp(r->err, "truncated archive", 17) == 0)
			return fail(r, "an empty archive");
		return -1;
	}
	at = r->pos - BLOCK;
	for (zero = 1, i = 0; i < BLOCK; i++)
		if (h[i]) {
			zero = 0;
			break;
		}
	if (zero) {
		if (r->npax || r->nlong)
			return fail(r, "archive ends after an extended header");
		return finish(r) < 0 ? -1 : 0;
	}
	if (number(h + 148, 8, &sum) < 0)
		return fail(r, "bad header checksum at byte %llu", (unsigned long long)at);
	for (mysum = 0, i = 0; i < BLOCK; i++)
		mysum += (i >= 148 && i < 156) ? ' ' : h[i];
	if (sum != mysum)
		return fail(r, "bad header checksum at byte %llu", (unsigned long long)at);
	/* Only POSIX ustar and GNU headers: a v7 or star header is read three ways. */
	if (memcmp(h + 257,
		    "ustar\0"
		    "00",
		    8) != 0 &&
		memcmp(h + 257, "ustar  \0", 8) != 0)
		return fail(r, "not a ustar header at byte %llu", (unsigned long long)at);
	if (number(h + 124, 12, &size) < 0)
		return fail(r, "bad size field at byte %llu", (unsigned long long)at);
	type = (char)h[156];
	if (type == 'x' || type == 'g') {
		if (type == 'x' && r->npax++)
			return fail(r, "two pax headers for one member at byte %llu",
				(unsigned long long)at);
		if (pax(r, size, type == 'g') < 0)
			return -1;
		goto again;
	}
	if (type == 'L') {
		size_t n;

		if (r->nlong++)
			return fail(r, "two GNU long names for one member at byte %llu",
				(unsigned long long)at);
		if (size > TAR_NAME_MAX + 1 || size < 2)
			return fail(r, "a GNU long name of %llu bytes at byte %llu",
				(unsigned long long)size, (unsigned long long)at);
		r->longname = xcalloc(1, (size_t)size + 1);
		if (get(r, r->longname, (size_t)size) < 0 ||
			skip(r, (BLOCK - size % BLOCK) % BLOCK) < 0)
			return -1;
		/* The name, then NULs only: no reader may see a different one. */
		for (n = strlen(r->longname); n < size; n++)
			if (r->longname[n])
				return fail(r,
					"a GNU long name with bytes after its end at byte "
					"%llu",
					(unsigned long long)at);
		goto again;
	}
	if (r->nlong && r->npax)
		return fail(r,
			"member '%s' has both a pax header and a GNU long name '%s', which tar "
			"readers resolve differently (refused)",
			r->paxpath ? r->paxpath : pending_name(r, h), r->longname);
	if (type != '0' && type != '\0' && type != '5' && type != '1' && type != '2' &&
		type != '3' && type != '4' && type != '6')
		return fail(r,
			"member '%s' at byte %llu is %s (type '%c'), which a bag never holds",
			pending_name(r, h), (unsigned long long)at, type_word(type), type);
	if (r->paxsize >= 0)
		size = (uint64_t)r->paxsize;
	/* Readers skip content after a link or a folder differently: there must be none. */
	if (type != '0' && type != '\0' && size != 0)
		return fail(r, "member '%s' at byte %llu is %s with %llu bytes of content",
			pending_name(r, h), (unsigned long long)at,
			type == '5' ? "a folder" : type_word(type), (unsigned long long)size);
	if (memcmp(h + 257, "ustar  \0", 8) == 0) {
		/* GNU headers keep times where ustar keeps a prefix; tarfile reads a prefix. */
		for (i = 345; i < 500; i++)
			if (h[i])
				return fail(r,
					"member '%s' at byte %llu: a GNU header with a name prefix",
					pending_name(r, h), (unsigned long long)at);
	}
	if (r->paxpath) {
		r->name = r->paxpath;
		r->paxpath = NULL;
	} else if (r->longname) {
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
	free(r->longname);
	r->longname = NULL;
	r->paxsize = -1;
	r->npax = r->nlong = 0;
	if (strlen(r->name) > TAR_NAME_MAX)
		return fail(r, "member name of %zu bytes at byte %llu is too long (at most %d)",
			strlen(r->name), (unsigned long long)at, TAR_NAME_MAX);
	if ((type == '0' || type == '\0') && r->name[0] && r->name[strlen(r->name) - 1] == '/')
		return fail(r, "member '%s' is a file with a folder's name", r->name);
	if (++r->members > TAR_MEMBERS_MAX)
		return fail(r, "more than %d members", TAR_MEMBERS_MAX);
	if ((r->namebytes += strlen(r->name) + 1) > TAR_NAMES_MAX)
		return fail(r, "member names of more than %d bytes in all", TAR_NAMES_MAX);
	e->name = r->name;
	e->typeflag = type;
	switch (type) {
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
		e->type = TAR_FILE;
		break;
	}
	e->size = size;
	r->left = size;
	r->padding = (BLOCK - size % BLOCK) % BLOCK;
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
	if (r->gz > 0)
		inflateEnd(&r->z);
	free(r->name);
	free(r->longname);
	free(r->paxpath);
	free(r);
}
