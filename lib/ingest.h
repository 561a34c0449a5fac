/* ingest.h - load marketplace dumps into the case store, losing nothing */
#ifndef CASEKIT_INGEST_H
#define CASEKIT_INGEST_H
#include <stddef.h>
#include <stdint.h>

struct store;

struct ingest_opts {
	const char *kind;        /* -k: the kind of every operand; NULL: from the file name */
	const char *profile;     /* a profile name or file; NULL: generic */
	const char *encoding;    /* ICU converter name; NULL: UTF-8 */
	const char *country;     /* --country: default region of phones and addresses, or NULL */
	char delim;              /* 0: detect from the header line */
	const char *reject_file; /* CSV of rejected rows (file, line, reason, raw), or NULL */
	int strict;              /* any rejected row fails its file */
	int dry_run;             /* read and check everything, write nothing */
	int replace;             /* load files again, replacing the rows of their earlier loads */
};

/*
 * Load paths (files, folders, "-" for stdin) into st, in dependency order (store_kinds). Each
 * file is one transaction. The default country of phones and addresses is a row's country
 * column, else o->country, else the profile's, else the store's (meta.country, from init). Returns 0 (rows may have been rejected: they are reported), or the
 * EX_* code of the first file that failed, after one message; files before it stay loaded.
 */
int ingest_run(struct store *st, const struct ingest_opts *o, int npaths, char **paths);

/*
 * Rows of one kind read from a file or stdin ("-"), checked and converted as ingest checks and
 * converts them, and written nowhere: for filters such as screen --stream. References to other
 * records (a listing's seller) are not checked, as there is no store; payments, which need the
 * store's key, cannot be read this way. Records are handed over as soon as their line is read,
 * without read-ahead, so a pipe gets an answer per record.
 */
struct ingest_rows;
#define INGEST_ROW 1      /* ingest_rows_next(): a row, its fields by ingest_rows_text/num */
#define INGEST_REJECTED 2 /* a row ingest would reject: ingest_rows_reason() says why */
/*
 * Open path for rows of o->kind (o->profile, o->encoding and o->delim as for ingest) and read
 * its header. 0 and *out set, or an EX_* code after one message (no such kind or file, an empty
 * file, a header without the kind's key column).
 */
int ingest_rows_open(struct ingest_rows **out, const struct ingest_opts *o, const char *path);
/* The next record: INGEST_ROW, INGEST_REJECTED, 0 at the end, or an EX_* code (broken input). */
int ingest_rows_next(struct ingest_rows *r);
/* The index of the kind's field name ("price"), or -1 when the kind has none. */
int ingest_rows_field(const struct ingest_rows *r, const char *name);
/* A field of the row, converted (times ISO 8601 UTC, the currency upper-case); NULL: missing. */
const char *ingest_rows_text(const struct ingest_rows *r, int field);
/* A number field of the row (money in minor units): 1 and *v set, or 0 when it is missing. */
int ingest_rows_num(const struct ingest_rows *r, int field, int64_t *v);
/* The line on which the record starts, and why it was rejected. */
unsigned long ingest_rows_line(const struct ingest_rows *r);
const char *ingest_rows_reason(const struct ingest_rows *r);
/* Records read so far, and how many of them were rejected. */
uint64_t ingest_rows_read(const struct ingest_rows *r);
uint64_t ingest_rows_rejected(const struct ingest_rows *r);
void ingest_rows_close(struct ingest_rows *r); /* NULL is a no-op */

/*
 * The fields of a kind, as profiles name them (casekit-store(5)): 1 if kind has field. When it
 * has not, *guess is set to its closest field (a typo), or NULL.
 */
int ingest_kind_has_field(const char *kind, const char *field, const char **guess);
/* 1 if rows of kind belong to an account or party, so that they can carry identifiers. */
int ingest_kind_holds_idents(const char *kind);

/*
 * The field parsers, exported for the tests and the fuzzer. Each returns 0, or -1 when s is
 * not a value of its type.
 */
/* An ISO 4217 code: three ASCII letters, written upper-case into out[4]. */
int ingest_currency(const char *s, char out[4]);
/*
 * A time as ISO 8601 UTC text in out[21]: "2026-01-31T09:30:00Z", or "2026-01-31" for a bare
 * date. fmt is a strptime(3) format, or NULL for ISO 8601 (a space may replace the T, a zone
 * offset is applied, no zone is UTC; fractions of a second are dropped).
 */
int ingest_time(const char *s, const char *fmt, char out[21]);
#endif
