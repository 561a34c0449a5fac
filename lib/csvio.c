/* csvio.c - read CSV or TSV records from a file or stdin, gzip or not, in any encoding */
#include "casekit.h"
#include "csvio.h"
#include <csv.h>
#include <fcntl.h>
#include <strings.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unicode/ucnv.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (256 * 1024)

/*
 * The input runs through three stages: read(2) (hashed as it comes), inflate when the file
 * starts with the gzip magic, and an ICU conversion to UTF-8 when an encoding was asked for.
 * libcsv is fed one physical line at a time, so that a record's first line is known: libcsv
 * itself counts no lines.
 */
#define RA_BATCHES 3 /* batches read ahead for one taker */
#define RA_MAX_BATCHES 16
#define RA_RECORDS 1024
#define RA_BYTES (1024 * 1024) /* a batch ends once it holds this much */
#define PIECE (64 * 1024)      /* libcsv is fed at most this much at a time */

enum { RA_FREE, RA_FILLING, RA_FULL, RA_TAKEN };

/* A batch of records read ahead: their fields' bytes and where each record starts. */
struct csvio_batch {
	struct buf data;
	size_t *off, *len, nf, capf;
	size_t *first, *nfields, nrec, caprec;
	unsigned long *line;
	const char **err;
	char **fptr;
	size_t capp;
	uint64_t bytes;
	size_t seq;
	int state;
	int rc; /* after the records: 1 more follow, 0 the end, else an EX_* code */
};

/*
 * The reader fills free batches in turn and numbers them; takers get them in that order and
 * give them back in any order. Whoever takes the last one (rc != 1) ends the taking.
 */
struct readahead {
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t filled, emptied;
	struct csvio_batch *b;
	size_t nb, put, take; /* batches; the numbers of the next to fill and to take */
	int stop, ended;
	struct csvio_batch *cur; /* csvio_next() reads this one */
	size_t k;
	uint64_t bytes; /* what the batch csvio_next() reads had reached */
	struct csvio_rec rec;
};

struct csvio {
	struct readahead *ra;
	char *path;
	int fd;
	uint64_t bytes_read, size;
	EVP_MD_CTX *sha;
	char sha_hex[65];
	unsigned char *raw;
	size_t raw_len;
	int raw_eof, raw_fresh;
	/* gzip */
	int gzip, z_end;
	z_stream z;
	unsigned char *zout;
	/* encoding */
	UConverter *src, *u8;
	UChar *pivot, *psrc, *ptgt;
	char *uout;
	const char *mid;
	size_t mid_len;
	int mid_eof, ureset, ubad; /* ubad: the text stops at a byte the encoding refuses */
	uint64_t uoff;             /* bytes of the (inflated) input converted so far */
	char *encoding;
	/* parsing */
	struct csv_parser p;
	int started, finished, eof, cr_pending, ready;
	char delim;
	int quiet; /* csvio_opts.quiet */
	size_t max_field, max_fields, max_record;
	const char *over; /* the limit the record being read is over, or NULL */
	char msg_field[64], msg_fields[64], msg_record[64];
	const char *chunk;
	size_t pos, len;
	unsigned long line, rec_line;
	/* marks (csvio_keep_marks()): where spans of whole records start in the text, hashed */
	size_t mark_span;
	uint64_t toff; /* offset in the text of chunk[0] */
	int bol;       /* the next byte fed starts a physical line */
	EVP_MD_CTX *mark_sha;
	size_t mark_from; /* chunk[mark_from..pos) is read but not yet in the open span's hash */
	pthread_mutex_t mark_mu; /* over marks, nmarks and capmarks: csvio_marks_take() */
	struct csvio_mark *marks;
	size_t nmarks, capmarks;
	uint64_t mark_last; /* the offset of the last mark, if marked: for the reader alone */
	int marked;
	int marks_done;
	struct buf data;
	size_t *off, *flen, nf, cap;
	char **fptr;
	struct csvio_rec rec;
};

/* ck_error(); or, r opened quiet (a second read, whose breaks the first tells), the code alone. */
static int rd_error(const struct csvio *r, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int rd_error(const struct csvio *r, int code, const char *fmt, ...)
{
	va_list ap;

	if (r->quiet)
		return code;
	va_start(ap, fmt);
	ck_verror(code, fmt, ap);
	va_end(ap);
	return code;
}

static int space_only(unsigned char c)
{
	return c == ' ';
}

static int space_or_tab(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static int open_at(struct csvio **out, int fd, const char *path, const struct csvio_opts *opts);

int csvio_open(struct csvio **out, const char *path, const struct csvio_opts *opts)
{
	return open_at(out, -1, path, opts);
}

int csvio_open_fd(struct csvio **out, int fd, const char *name, const struct csvio_opts *opts)
{
	return open_at(out, fd, name, opts);
}

/* Open path, or fd (taken over) when it is not -1. */
static int open_at(struct csvio **out, int fd, const char *path, const struct csvio_opts *opts)
{
	struct csvio *r;
	struct stat sb;
	UErrorCode err = U_ZERO_ERROR;

	*out = NULL;
	r = xcalloc(1, sizeof(*r));
	r->path = xstrdup(path);
	r->fd = fd; /* -1 or the caller's, which csvio_close() closes */
	r->line = 1;
	r->bol = 1;
	r->delim = opts ? opts->delim : 0;
	r->quiet = opts && opts->quiet;
	r->max_field = opts && opts->max_field ? opts->max_field : CSVIO_MAX_FIELD;
	r->max_fields = opts && opts->max_fields ? opts->max_fields : CSVIO_MAX_FIELDS;
	r->max_record = opts && opts->max_record ? opts->max_record : CSVIO_MAX_RECORD;
	snprintf(r->msg_field, sizeof(r->msg_field), "a field longer than %zu bytes", r->max_field);
	snprintf(r->msg_fields, sizeof(r->msg_fields), "more than %zu fields", r->max_fields);
	snprintf(r->msg_record, sizeof(r->msg_record), "a record longer than %zu bytes",
		r->max_record);
	if (opts && opts->encoding && *opts->encoding && strcasecmp(opts->encoding, "utf-8") &&
		strcasecmp(opts->encoding, "utf8")) {
		r->src = ucnv_open(opts->encoding, &err);
		if (U_FAILURE(err) || err == U_AMBIGUOUS_ALIAS_WARNING) {
			if (r->src)
				ucnv_close(r->src);
			r->src = NULL;
			if (U_FAILURE(err)) {
				csvio_close(r);
				return ck_error(EX_USAGE, "unknown encoding '%s'", opts->encoding);
			}
			err = U_ZERO_ERROR;
			r->src = ucnv_open(opts->encoding, &err);
		}
		r->u8 = ucnv_open("UTF-8", &err);
		if (U_FAILURE(err))
			ck_bug("no UTF-8 converter: %s", u_errorName(err));
		/* Stop at the first byte the encoding does not allow: never guess a character. */
		ucnv_setToUCallBack(r->src, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &err);
		ucnv_setFromUCallBack(r->u8, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &err);
		r->pivot = xmalloc(CHUNK / 2 * sizeof(UChar));
		r->psrc = r->ptgt = r->pivot;
		r->uout = xmalloc(CHUNK);
		r->ureset = 1;
		r->encoding = xstrdup(opts->encoding);
	}
	if (fd >= 0) {
		/* given */
	} else if (strcmp(path, "-") == 0) {
		r->fd = STDIN_FILENO;
	} else if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int e = errno;

		csvio_close(r);
		return ck_error(EX_NOINPUT, "cannot open '%s': %s", path, strerror(e));
	}
	if (fstat(r->fd, &sb) == 0 && S_ISREG(sb.st_mode))
		r->size = (uint64_t)sb.st_size;
	else if (fstat(r->fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		csvio_close(r);
		return ck_error(EX_NOINPUT, "'%s' is a directory", path);
	}
	r->sha = EVP_MD_CTX_new();
	if (!r->sha || !EVP_DigestInit_ex(r->sha, EVP_sha256(), NULL))
		ck_bug("cannot start SHA-256");
	r->raw = xmalloc(CHUNK);
	if (csv_init(&r->p, CSV_APPEND_NULL))
		ck_bug("csv_init failed");
	*out = r;
	return 0;
}

static void ra_stop(struct csvio *r);

void csvio_close(struct csvio *r)
{
	if (!r)
		return;
	ra_stop(r);
	if (r->fd > STDIN_FILENO)
		close(r->fd);
	if (r->gzip)
		inflateEnd(&r->z);
	if (r->src)
		ucnv_close(r->src);
	if (r->u8)
		ucnv_close(r->u8);
	if (r->sha)
		EVP_MD_CTX_free(r->sha);
	if (r->mark_sha) {
		EVP_MD_CTX_free(r->mark_sha);
		pthread_mutex_destroy(&r->mark_mu);
	}
	free(r->marks);
	if (r->raw)
		csv_free(&r->p);
	free(r->pivot);
	free(r->uout);
	free(r->zout);
	free(r->raw);
	free(r->encoding);
	free(r->path);
	buf_free(&r->data);
	free(r->off);
	free(r->flen);
	free(r->fptr);
	free(r);
}

const char *csvio_path(const struct csvio *r)
{
	return r->path;
}

char csvio_delim(const struct csvio *r)
{
	return r->delim;
}

int csvio_is_gzip(const struct csvio *r)
{
	return r->gzip;
}

uint64_t csvio_bytes_read(const struct csvio *r)
{
	/* With read-ahead, what the batch being read had reached: the reader owns the rest. */
	return r->ra ? r->ra->bytes : r->bytes_read;
}

uint64_t csvio_file_size(const struct csvio *r)
{
	return r->size;
}

const char *csvio_sha256(struct csvio *r)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	ra_stop(r); /* the reader is done (the caller saw the end): join it */
	if (!r->sha_hex[0]) {
		EVP_DigestFinal_ex(r->sha, md, &n);
		for (i = 0; i < n && i < 32; i++)
			snprintf(r->sha_hex + 2 * i, 3, "%02x", md[i]);
	}
	return r->sha_hex;
}

/* Stage 1: the next bytes of the file. 1 with raw/raw_len set, 0 at its end, or an EX_* code. */
static int read_raw(struct csvio *r)
{
	ssize_t n;

	if (r->raw_eof)
		return 0;
	do
		n = read(r->fd, r->raw, CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rd_error(r, EX_IOERR, "cannot read '%s': %s", r->path, strerror(errno));
	if (n == 0) {
		r->raw_eof = 1;
		return 0;
	}
	r->raw_len = (size_t)n;
	r->bytes_read += (uint64_t)n;
	EVP_DigestUpdate(r->sha, r->raw, (size_t)n);
	return 1;
}

/* Stage 2: the file's bytes, inflated when it is gzip (several members are one stream). */
static int get_bytes(struct csvio *r, const char **p, size_t *n)
{
	int rc, zr;

	if (!r->gzip) {
		if (r->raw_fresh)
			r->raw_fresh = 0;
		else if ((rc = read_raw(r)) != 1)
			return rc;
		*p = (const char *)r->raw;
		*n = r->raw_len;
		return 1;
	}
	for (;;) {
		if (r->z.avail_in == 0) {
			if ((rc = read_raw(r)) > 1)
				return rc;
			if (rc == 0) {
				if (!r->z_end)
					return rd_error(r, EX_DATAERR,
						"'%s': truncated gzip stream (the file ends "
						"inside compressed data)",
						r->path);
				return 0;
			}
			r->z.next_in = r->raw;
			r->z.avail_in = (uInt)r->raw_len;
		}
		if (r->z_end) {
			if (inflateReset(&r->z) != Z_OK)
				ck_bug("inflateReset failed");
			r->z_end = 0;
		}
		r->z.next_out = r->zout;
		r->z.avail_out = CHUNK;
		zr = inflate(&r->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END)
			r->z_end = 1;
		else if (zr != Z_OK && zr != Z_BUF_ERROR)
			return rd_error(r, EX_DATAERR, "'%s': corrupt gzip data: %s", r->path,
				r->z.msg ? r->z.msg : zError(zr));
		if (r->z.avail_out < CHUNK) {
			*p = (const char *)r->zout;
			*n = CHUNK - r->z.avail_out;
			return 1;
		}
	}
}

/* Stage 3: UTF-8 text, converted from the asked-for encoding. */
static int get_text(struct csvio *r, const char **p, size_t *n)
{
	UErrorCode err;
	char *t;
	int rc;

	if (!r->src)
		return get_bytes(r, p, n);
	t = r->uout;
	if (r->ubad)
		/* Reported once the text before it is parsed, so that the line is the right one. */
		return rd_error(r, EX_DATAERR,
			"'%s': line %lu: bytes that are not valid %s (byte %llu)", r->path, r->line,
			r->encoding, (unsigned long long)r->uoff);
	for (;;) {
		if (!r->mid_len && !r->mid_eof) {
			rc = get_bytes(r, &r->mid, &r->mid_len);
			if (rc > 1)
				return rc;
			if (rc == 0)
				r->mid_eof = 1;
		}
		if (r->mid_eof && r->ureset == 2)
			break;
		err = U_ZERO_ERROR;
		{
			const char *s = r->mid, *lim = r->mid + r->mid_len;

			ucnv_convertEx(r->u8, r->src, &t, r->uout + CHUNK, &s, lim, r->pivot,
				&r->psrc, &r->ptgt, r->pivot + CHUNK / 2, r->ureset == 1,
				r->mid_eof, &err);
			r->mid_len -= (size_t)(s - r->mid);
			r->uoff += (uint64_t)(s - r->mid);
			r->mid = s;
		}
		if (r->ureset == 1)
			r->ureset = 0;
		if (err == U_BUFFER_OVERFLOW_ERROR)
			break;
		if (U_FAILURE(err)) {
			UErrorCode e2 = U_ZERO_ERROR;
			char bad[32];
			int8_t nbad = sizeof(bad);

			ucnv_getInvalidChars(r->src, bad, &nbad, &e2);
			if (U_SUCCESS(e2) && (uint64_t)nbad <= r->uoff)
				r->uoff -= (uint64_t)nbad;
			/* What was converted before the bad byte still goes to the parser. */
			e2 = U_ZERO_ERROR;
			ucnv_fromUnicode(r->u8, &t, r->uout + CHUNK, (const UChar **)&r->psrc,
				r->ptgt, NULL, 0, &e2);
			r->ubad = 1;
			if (t == r->uout)
				return get_text(r, p, n);
			break;
		}
		if (r->mid_eof) {
			r->ureset = 2; /* flushed */
			break;
		}
		if (t > r->uout + CHUNK / 2)
			break;
	}
	if (t == r->uout)
		return 0;
	*p = r->uout;
	*n = (size_t)(t - r->uout);
	return 1;
}

static void on_field(void *s, size_t len, void *data)
{
	struct csvio *r = data;

	if (r->over)
		return;
	if (r->nf == r->max_fields)
		r->over = r->msg_fields;
	else if (len > r->max_field)
		r->over = r->msg_field;
	else if (r->data.len + len + 1 + (r->nf + 1) * 3 * sizeof(size_t) > r->max_record)
		r->over = r->msg_record;
	if (r->over)
		return;
	if (r->nf == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 32;
		r->off = xrealloc(r->off, r->cap * sizeof(*r->off));
		r->flen = xrealloc(r->flen, r->cap * sizeof(*r->flen));
		r->fptr = xrealloc(r->fptr, r->cap * sizeof(*r->fptr));
	}
	r->off[r->nf] = r->data.len;
	r->flen[r->nf] = len;
	r->nf++;
	buf_add(&r->data, s ? s : "", len);
	buf_addc(&r->data, '\0');
}

static void on_row(int c, void *data)
{
	struct csvio *r = data;
	size_t i;

	(void)c;
	for (i = 0; i < r->nf; i++)
		r->fptr[i] = r->data.s + r->off[i];
	r->rec.n = r->nf;
	r->rec.f = r->fptr;
	r->rec.len = r->flen;
	r->rec.line = r->rec_line;
	r->rec.err = r->over;
	r->ready = 1;
}

/* The delimiter the header line uses most, outside quotes: ',' unless ';' or tab win. */
static char detect_delim(const char *s, size_t n)
{
	size_t comma = 0, semi = 0, tab = 0, i;
	int quoted = 0;

	for (i = 0; i < n && (quoted || (s[i] != '\n' && s[i] != '\r')); i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == ',')
			comma++;
		else if (!quoted && s[i] == ';')
			semi++;
		else if (!quoted && s[i] == '\t')
			tab++;
	}
	if (tab > comma && tab >= semi)
		return '\t';
	if (semi > comma)
		return ';';
	return ',';
}

/* The first bytes: gzip magic, a byte-order mark, the delimiter. */
static int start(struct csvio *r)
{
	int rc;

	r->started = 1;
	if ((rc = read_raw(r)) > 1)
		return rc;
	if (rc == 1 && r->raw_len >= 2 && r->raw[0] == 0x1f && r->raw[1] == 0x8b) {
		r->gzip = 1;
		/* 16 + 15: a gzip wrapper only; multi-member files are read to the end. */
		if (inflateInit2(&r->z, 16 + MAX_WBITS) != Z_OK)
			ck_bug("inflateInit2 failed");
		r->zout = xmalloc(CHUNK);
		r->z.next_in = r->raw;
		r->z.avail_in = (uInt)r->raw_len;
	} else if (rc == 1) {
		r->raw_fresh = 1;
	}
	if (rc == 1 && (rc = get_text(r, &r->chunk, &r->len)) > 1)
		return rc;
	if (rc == 0)
		return 0;
	if (r->len >= 3 && memcmp(r->chunk, "\xef\xbb\xbf", 3) == 0)
		r->pos = 3;
	else if (!r->src && r->len >= 2 &&
		(memcmp(r->chunk, "\xff\xfe", 2) == 0 || memcmp(r->chunk, "\xfe\xff", 2) == 0))
		return rd_error(r, EX_DATAERR,
			"'%s' is UTF-16 (it starts with a UTF-16 byte-order mark): "
			"give --encoding utf-16",
			r->path);
	if (!r->delim)
		r->delim = detect_delim(r->chunk + r->pos, r->len - r->pos);
	csv_set_delim(&r->p, (unsigned char)r->delim);
	csv_set_space_func(&r->p, r->delim == '\t' ? space_only : space_or_tab);
	return 1;
}

/*
 * Hash the text read since the last call into the open span, if one is: in one piece a chunk
 * or a span rather than one a line, which costs twice as much.
 */
static void mark_hash(struct csvio *r)
{
	if (r->marked && r->pos > r->mark_from)
		EVP_DigestUpdate(r->mark_sha, r->chunk + r->mark_from, r->pos - r->mark_from);
	r->mark_from = r->pos;
}

/* Close the span open since the last mark at the text read so far. */
static void mark_close(struct csvio *r)
{
	struct csvio_mark *m = &r->marks[r->nmarks - 1];
	unsigned int n = 0;

	m->len = r->toff + r->pos - m->offset;
	EVP_DigestFinal_ex(r->mark_sha, m->sha256, &n);
}

/* A record starts at the start of this line: a mark when the span since the last is full. */
static void mark_here(struct csvio *r)
{
	uint64_t off = r->toff + r->pos;

	if (r->marked && off - r->mark_last < r->mark_span)
		return;
	mark_hash(r);
	pthread_mutex_lock(&r->mark_mu);
	if (r->nmarks)
		mark_close(r);
	if (r->nmarks == r->capmarks) {
		r->capmarks = r->capmarks ? 2 * r->capmarks : 64;
		r->marks = xrealloc(r->marks, r->capmarks * sizeof(*r->marks));
	}
	r->marks[r->nmarks].line = r->line;
	r->marks[r->nmarks].offset = off;
	r->nmarks++;
	pthread_mutex_unlock(&r->mark_mu);
	r->mark_last = off;
	r->marked = 1;
	if (!EVP_DigestInit_ex(r->mark_sha, EVP_sha256(), NULL))
		ck_bug("cannot start SHA-256");
}

void csvio_keep_marks(struct csvio *r, size_t span)
{
	/* Offsets into converted text would name no byte of the file: none are kept then. */
	if (r->started || r->src || r->fd == STDIN_FILENO || !span)
		return;
	r->mark_span = span;
	if (!(r->mark_sha = EVP_MD_CTX_new()))
		ck_bug("cannot start SHA-256");
	pthread_mutex_init(&r->mark_mu, NULL);
}

size_t csvio_marks_take(struct csvio *r, struct csvio_mark *out, size_t max)
{
	size_t n = 0;

	if (!r->mark_span)
		return 0;
	pthread_mutex_lock(&r->mark_mu);
	if (!r->marks_done && r->nmarks > max) {
		n = max;
		memcpy(out, r->marks, n * sizeof(*out));
		memmove(r->marks, r->marks + n, (r->nmarks - n) * sizeof(*r->marks));
		r->nmarks -= n;
	}
	pthread_mutex_unlock(&r->mark_mu);
	return n;
}

const struct csvio_mark *csvio_marks(struct csvio *r, size_t *n)
{
	ra_stop(r); /* the reader is done (the caller saw the end): join it */
	*n = 0;
	if (!r->mark_span || !r->finished || !r->nmarks)
		return NULL;
	if (!r->marks_done) {
		mark_hash(r);
		mark_close(r);
		r->marks_done = 1;
	}
	*n = r->nmarks;
	return r->marks;
}

/*
 * A whole line that starts a record and holds no quote, split as libcsv splits it (CSV_APPEND_NULL,
 * its space function, no CSV_REPALL_NL): fields end at the delimiter, lose the spaces at both
 * ends, and a line of nothing but spaces is no record. libcsv costs a call and a branch a byte;
 * most lines of a dump take this way.
 */
static void split_line(struct csvio *r, const char *s, const char *end)
{
	int (*space)(unsigned char) = r->delim == '\t' ? space_only : space_or_tab;
	const char *e = end, *q, *t;
	char d = r->delim;
	int begun = 0;

	while (e > s && (e[-1] == '\n' || e[-1] == '\r'))
		e--;
	for (;;) {
		while (s < e && *s != d && space((unsigned char)*s))
			s++;
		if (s >= e) {
			if (!begun)
				return; /* blank: libcsv gives no record */
			on_field((void *)"", 0, r);
			break;
		}
		begun = 1;
		q = memchr(s, d, (size_t)(e - s));
		t = q ? q : e;
		while (t > s && space((unsigned char)t[-1]))
			t--;
		on_field((void *)s, (size_t)(t - s), r);
		if (!q)
			break;
		s = q + 1;
	}
	on_row(0, r);
}

/* Feed libcsv the next physical line (or the part of it in this chunk). */
static int feed_line(struct csvio *r)
{
	const char *s = r->chunk + r->pos, *nl, *cr, *lim, *end;
	size_t rem = r->len - r->pos;
	int line_end = 1;

	if (r->cr_pending) {
		r->cr_pending = 0;
		if (*s == '\n') {
			csv_parse(&r->p, s, 1, on_field, on_row, r);
			r->pos++;
			return 0;
		}
	}
	if (r->mark_span && r->bol && r->p.pstate == 0)
		mark_here(r);
	nl = memchr(s, '\n', rem);
	lim = nl ? nl : s + rem;
	cr = memchr(s, '\r', (size_t)(lim - s));
	if (cr && cr + 1 < lim)
		end = cr + 1; /* a lone CR ends a line, as old Mac files have it */
	else if (nl)
		end = nl + 1;
	else if (cr)
		end = cr + 1, r->cr_pending = 1; /* CR at the end of the chunk: LF may follow */
	else
		end = s + rem, line_end = 0;
	if (end - s > PIECE) {
		/* A long line goes in pieces, so that the limits hold after each of them. */
		end = s + PIECE, line_end = 0;
		r->cr_pending = 0;
	}
	if (r->p.pstate == 0) /* libcsv's ROW_NOT_BEGUN: a record starts on this line */
		r->rec_line = r->line;
	if (r->p.pstate == 0 && line_end && !memchr(s, '"', (size_t)(end - s)))
		split_line(r, s, end);
	else if (csv_parse(&r->p, s, (size_t)(end - s), on_field, on_row, r) != (size_t)(end - s))
		return rd_error(r, EX_SOFTWARE, "'%s': line %lu: %s", r->path, r->line,
			csv_strerror(csv_error(&r->p)));
	r->pos += (size_t)(end - s);
	r->bol = line_end;
	if (line_end)
		r->line++;
	if (!r->over && !r->ready) {
		/* The field being read: trailing spaces may yet be trimmed, nothing else. */
		size_t n = r->p.entry_pos > r->p.spaces ? r->p.entry_pos - r->p.spaces : 0;

		if (n > r->max_field)
			r->over = r->msg_field;
		else if (r->data.len + n + r->nf * 3 * sizeof(size_t) > r->max_record)
			r->over = r->msg_record;
	}
	if (r->over && !r->ready) {
		/* Over a limit: libcsv goes on to find the record's end, keeping nothing. */
		r->p.entry_pos = 0;
		r->p.spaces = 0;
	}
	return 0;
}

static int next_record(struct csvio *r, struct csvio_rec **rec)
{
	int rc;

	r->ready = 0;
	r->nf = 0;
	r->over = NULL;
	buf_reset(&r->data);
	if (!r->started) {
		if ((rc = start(r)) > 1)
			return rc;
		if (rc == 0)
			r->eof = 1;
	}
	for (;;) {
		if (r->ready) {
			*rec = &r->rec;
			return 1;
		}
		if (r->pos == r->len) {
			if (r->eof) {
				if (r->finished)
					return 0;
				r->finished = 1;
				if (r->p.pstate == 0)
					r->rec_line = r->line;
				/* FIELD_BEGUN inside quotes; CSV_STRICT_FINI alone does not check it */
				if ((r->p.pstate == 2 && r->p.quoted) ||
					csv_fini(&r->p, on_field, on_row, r) != 0)
					return rd_error(r, EX_DATAERR,
						"'%s': line %lu: a quoted field is not closed "
						"before the end of the file",
						r->path, r->rec_line);
				continue;
			}
			mark_hash(r); /* the chunk is about to be read over */
			r->toff += r->len;
			rc = get_text(r, &r->chunk, &r->len);
			r->pos = r->mark_from = 0;
			if (rc > 1)
				return rc;
			if (rc == 0) {
				r->len = 0;
				r->eof = 1;
			}
			continue;
		}
		if ((rc = feed_line(r)))
			return rc;
	}
}

/* ---- read-ahead: the reader thread parses while the caller stores ---- */

static void ra_add(struct csvio_batch *b, const struct csvio_rec *rec)
{
	size_t i;

	if (b->nrec == b->caprec) {
		b->caprec = b->caprec ? 2 * b->caprec : RA_RECORDS;
		b->first = xrealloc(b->first, b->caprec * sizeof(*b->first));
		b->nfields = xrealloc(b->nfields, b->caprec * sizeof(*b->nfields));
		b->line = xrealloc(b->line, b->caprec * sizeof(*b->line));
		b->err = xrealloc(b->err, b->caprec * sizeof(*b->err));
	}
	b->err[b->nrec] = rec->err;
	b->first[b->nrec] = b->nf;
	b->nfields[b->nrec] = rec->n;
	b->line[b->nrec] = rec->line;
	b->nrec++;
	for (i = 0; i < rec->n; i++) {
		if (b->nf == b->capf) {
			b->capf = b->capf ? 2 * b->capf : 16 * RA_RECORDS;
			b->off = xrealloc(b->off, b->capf * sizeof(*b->off));
			b->len = xrealloc(b->len, b->capf * sizeof(*b->len));
		}
		b->off[b->nf] = b->data.len;
		b->len[b->nf] = rec->len[i];
		b->nf++;
		buf_add(&b->data, rec->f[i], rec->len[i] + 1); /* with its NUL */
	}
}

static void *ra_main(void *arg)
{
	struct csvio *r = arg;
	struct readahead *ra = r->ra;
	struct csvio_rec *rec;
	int rc = 1;

	while (rc == 1) {
		struct csvio_batch *b = NULL;
		size_t i;

		pthread_mutex_lock(&ra->mu);
		while (!ra->stop) {
			for (i = 0; i < ra->nb && ra->b[i].state != RA_FREE; i++)
				;
			if (i < ra->nb) {
				b = &ra->b[i];
				b->state = RA_FILLING;
				break;
			}
			pthread_cond_wait(&ra->emptied, &ra->mu);
		}
		pthread_mutex_unlock(&ra->mu);
		if (!b)
			break;
		buf_reset(&b->data);
		b->nf = b->nrec = 0;
		while (b->nrec < RA_RECORDS && b->data.len < RA_BYTES &&
			(rc = next_record(r, &rec)) == 1)
			ra_add(b, rec);
		b->bytes = r->bytes_read;
		b->rc = rc;
		pthread_mutex_lock(&ra->mu);
		b->seq = ra->put++;
		b->state = RA_FULL;
		pthread_cond_broadcast(&ra->filled);
		pthread_mutex_unlock(&ra->mu);
	}
	return NULL;
}

int csvio_readahead_n(struct csvio *r, size_t nbatches)
{
	struct readahead *ra;

	if (r->ra)
		return 0;
	ra = xcalloc(1, sizeof(*ra));
	ra->nb = nbatches < 2 ? 2 : nbatches > RA_MAX_BATCHES ? RA_MAX_BATCHES : nbatches;
	ra->b = xcalloc(ra->nb, sizeof(*ra->b));
	ra->bytes = r->bytes_read;
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->filled, NULL);
	pthread_cond_init(&ra->emptied, NULL);
	r->ra = ra;
	if (pthread_create(&ra->th, NULL, ra_main, r) != 0) {
		r->ra = NULL;
		pthread_mutex_destroy(&ra->mu);
		pthread_cond_destroy(&ra->filled);
		pthread_cond_destroy(&ra->emptied);
		free(ra->b);
		free(ra);
		return -1; /* the caller reads on its own thread, which works as well */
	}
	return 0;
}

int csvio_readahead(struct csvio *r)
{
	return csvio_readahead_n(r, RA_BATCHES);
}

int csvio_take(struct csvio *r, struct csvio_batch **out)
{
	struct readahead *ra = r->ra;
	struct csvio_batch *b = NULL;
	size_t i;

	*out = NULL;
	pthread_mutex_lock(&ra->mu);
	while (!ra->stop && !ra->ended) {
		for (i = 0; i < ra->nb; i++)
			if (ra->b[i].state == RA_FULL && ra->b[i].seq == ra->take)
				b = &ra->b[i];
		if (b) {
			b->state = RA_TAKEN;
			ra->take++;
			ra->ended = b->rc != 1;
			break;
		}
		pthread_cond_wait(&ra->filled, &ra->mu);
	}
	pthread_mutex_unlock(&ra->mu);
	if (!b)
		return 0;
	if (b->capp < b->nf) {
		b->capp = b->nf;
		b->fptr = xrealloc(b->fptr, b->capp * sizeof(*b->fptr));
	}
	for (i = 0; i < b->nf; i++)
		b->fptr[i] = b->data.s + b->off[i];
	*out = b;
	return 1;
}

void csvio_give(struct csvio *r, struct csvio_batch *b)
{
	struct readahead *ra = r->ra;

	if (!b)
		return;
	pthread_mutex_lock(&ra->mu);
	b->state = RA_FREE;
	pthread_cond_signal(&ra->emptied);
	pthread_mutex_unlock(&ra->mu);
}

void csvio_cancel(struct csvio *r)
{
	struct readahead *ra = r->ra;

	if (!ra)
		return;
	pthread_mutex_lock(&ra->mu);
	ra->stop = 1;
	pthread_cond_broadcast(&ra->emptied);
	pthread_cond_broadcast(&ra->filled);
	pthread_mutex_unlock(&ra->mu);
}

size_t csvio_batch_size(const struct csvio_batch *b)
{
	return b->nrec;
}

size_t csvio_batch_seq(const struct csvio_batch *b)
{
	return b->seq;
}

uint64_t csvio_batch_bytes(const struct csvio_batch *b)
{
	return b->bytes;
}

int csvio_batch_rc(const struct csvio_batch *b)
{
	return b->rc;
}

void csvio_batch_rec(const struct csvio_batch *b, size_t k, struct csvio_rec *rec)
{
	rec->n = b->nfields[k];
	rec->f = b->fptr + b->first[k];
	rec->len = b->len + b->first[k];
	rec->line = b->line[k];
	rec->err = b->err[k];
}

static void ra_stop(struct csvio *r)
{
	struct readahead *ra = r->ra;
	size_t i;

	if (!ra)
		return;
	csvio_cancel(r);
	pthread_join(ra->th, NULL);
	for (i = 0; i < ra->nb; i++) {
		struct csvio_batch *b = &ra->b[i];

		buf_free(&b->data);
		free(b->off), free(b->len), free(b->first), free(b->nfields), free(b->line);
		free(b->err);
		free(b->fptr);
	}
	pthread_mutex_destroy(&ra->mu);
	pthread_cond_destroy(&ra->filled);
	pthread_cond_destroy(&ra->emptied);
	free(ra->b);
	free(ra);
	r->ra = NULL;
}

/* One taker reading record by record: each batch in turn, given back when it is read. */
static int ra_next(struct csvio *r, struct csvio_rec **rec)
{
	struct readahead *ra = r->ra;

	for (;;) {
		if (!ra->cur) {
			if (!csvio_take(r, &ra->cur))
				return 0; /* not reached: the last batch is kept (below) */
			ra->k = 0;
			ra->bytes = ra->cur->bytes;
		}
		if (ra->k < ra->cur->nrec) {
			csvio_batch_rec(ra->cur, ra->k++, &ra->rec);
			*rec = &ra->rec;
			return 1;
		}
		if (ra->cur->rc != 1)
			return ra->cur->rc; /* stay at the end: every later call says the same */
		csvio_give(r, ra->cur);
		ra->cur = NULL;
	}
}

int csvio_next(struct csvio *r, struct csvio_rec **rec)
{
	if (r->ra)
		return ra_next(r, rec);
	return next_record(r, rec);
}
