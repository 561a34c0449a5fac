/* csvio.h - read CSV or TSV records from a file or stdin, gzip or not, in any encoding */
#ifndef CASEKIT_CSVIO_H
#define CASEKIT_CSVIO_H
#include <stddef.h>
#include <stdint.h>

struct csvio;

/*
 * Limits on one record. A record over one of them is read to its end without keeping more of
 * it and handed over with err set, so that a hostile row costs bounded memory.
 */
#define CSVIO_MAX_FIELD (1024 * 1024)       /* bytes in one field */
#define CSVIO_MAX_FIELDS 4096               /* fields in one record */
#define CSVIO_MAX_RECORD (16 * 1024 * 1024) /* bytes a record holds, fields and bookkeeping */

struct csvio_opts {
	char delim;           /* ',' ';' '\t' ...; 0: detect it from the header line */
	const char *encoding; /* an ICU converter name; NULL or "utf-8": bytes pass as they are */
	size_t max_field;     /* 0: CSVIO_MAX_FIELD */
	size_t max_fields;    /* 0: CSVIO_MAX_FIELDS */
	size_t max_record;    /* 0: CSVIO_MAX_RECORD */
	int quiet;            /* a broken input is only returned (its code), never told */
};

/*
 * One record. f[i] points at field i: len[i] bytes, NUL-terminated (a field may itself hold a
 * NUL byte, which len shows); an empty field has len 0. line is the line of the input on which
 * the record starts (1 is the first). Valid until the next csvio_next().
 */
struct csvio_rec {
	size_t n;
	char **f;
	size_t *len;
	unsigned long line;
	const char *err; /* NULL, or the limit the record is over: f holds what came before it */
};

/*
 * Open path ("-" is stdin) for reading. gzip input is known by its magic bytes and inflated as
 * a stream; a UTF-8 byte-order mark is dropped. Returns 0 and sets *out, or prints one message
 * and returns EX_NOINPUT or EX_USAGE (an unknown encoding).
 */
int csvio_open(struct csvio **out, const char *path, const struct csvio_opts *opts);
/*
 * The next record: 1 and *rec set, 0 at the end of the input, or an EX_* code after one
 * message naming the file (and line) when the input itself is broken: a truncated or corrupt
 * gzip stream, bytes the encoding does not allow, a quote open at the end, a read error.
 */
int csvio_next(struct csvio *r, struct csvio_rec **rec);
/*
 * Read ahead on a thread of its own: csvio_next() then hands out records the thread has
 * already parsed, so parsing and the caller's work overlap. Call after the first record.
 * 0, or -1 when no thread could be made (reading goes on as before).
 */
int csvio_readahead(struct csvio *r);
int csvio_readahead_n(struct csvio *r, size_t nbatches); /* with nbatches in flight (2..16) */
/*
 * Several takers (worker threads) share the read-ahead: csvio_take() gives each the next batch
 * of records in file order, numbered from 0 (csvio_batch_seq()), and the batch is the taker's
 * until csvio_give() hands it back (any thread, in any order; at most nbatches are out or
 * read ahead at once). 1 with *b set, or 0 once the last batch has been taken or after
 * csvio_cancel(). The last batch is the one whose csvio_batch_rc() is not 1: 0 at the end of
 * the input, else the EX_* code of csvio_next() (its message printed). Do not mix with
 * csvio_next() on one reader. csvio_cancel() wakes every taker and stops the reader; join the
 * takers before csvio_close().
 */
struct csvio_batch;
int csvio_take(struct csvio *r, struct csvio_batch **b);
void csvio_give(struct csvio *r, struct csvio_batch *b);
void csvio_cancel(struct csvio *r);
size_t csvio_batch_size(const struct csvio_batch *b); /* its records */
size_t csvio_batch_seq(const struct csvio_batch *b);
uint64_t csvio_batch_bytes(const struct csvio_batch *b); /* csvio_bytes_read() at its end */
int csvio_batch_rc(const struct csvio_batch *b);
/* Record k of the batch into *rec (its arrays point into the batch). */
void csvio_batch_rec(const struct csvio_batch *b, size_t k, struct csvio_rec *rec);
/* The delimiter in use (known after the first record). */
char csvio_delim(const struct csvio *r);
int csvio_is_gzip(const struct csvio *r);
/* Bytes read from the file so far (compressed bytes for gzip), and its size (0: unknown). */
uint64_t csvio_bytes_read(const struct csvio *r);
uint64_t csvio_file_size(const struct csvio *r);
/* The SHA-256 of every byte read, as 64 hex digits; complete once csvio_next() returned 0. */
const char *csvio_sha256(struct csvio *r);
/*
 * Marks, for reading a few records again later without the whole file: call
 * csvio_keep_marks() before the first csvio_next(), and the reader notes, every span bytes or
 * so, the line and byte offset where a record starts, and the SHA-256 of the bytes from there
 * to the next mark (the last runs to the end). Each span holds whole records and parses alone
 * with the file's delimiter; the first starts at line 1, the header, after any byte-order
 * mark. Offsets are in the inflated text of a gzip file. A file read through an encoding
 * converter, or stdin, gets none.
 */
struct csvio_mark {
	unsigned long line;
	uint64_t offset, len;
	unsigned char sha256[32];
};
void csvio_keep_marks(struct csvio *r, size_t span);
/*
 * The marks, once csvio_next() returned 0 (NULL and *n 0 when none were kept), but for those
 * csvio_marks_take() took.
 */
const struct csvio_mark *csvio_marks(struct csvio *r, size_t *n);
/*
 * Take the first n marks into out, in order, once their spans are complete, to be stored
 * while the file is still read (a file's marks would grow with its size): n, or 0 while
 * fewer are complete; csvio_marks() gives the rest. Any thread may call it while another
 * reads ahead.
 */
size_t csvio_marks_take(struct csvio *r, struct csvio_mark *out, size_t n);
/*
 * Open an open file descriptor (taken over) as csvio_open() opens a path; name is what
 * messages call it.
 */
int csvio_open_fd(struct csvio **out, int fd, const char *name, const struct csvio_opts *opts);
/* The path as given ("-" for stdin). */
const char *csvio_path(const struct csvio *r);
void csvio_close(struct csvio *r); /* NULL is a no-op */
#endif
