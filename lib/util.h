/* util.h - messages, exit codes, allocate-or-die wrappers and a growable buffer */
#ifndef CASEKIT_UTIL_H
#define CASEKIT_UTIL_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Options every applet shares; set by ck_parse_opts() and the environment. */
struct ck_globals {
	const char *applet;   /* "ingest"; NULL before dispatch */
	const char *db;       /* -d/--db, else $CASEKIT_DB, else "casekit.db" */
	const char *format;   /* -f/--format as given, or NULL for the default */
	const char *key_file; /* --key-file (init, ingest): the payment key file, or NULL */
	int quiet;            /* -q: no warnings or summaries */
	int verbose;          /* -v: more detail on stderr */
	int no_progress;      /* --no-progress */
	int argc;             /* the whole command line, for the custody log */
	char **argv;
};
extern struct ck_globals ck;

/* Print "casekit APPLET: msg" to stderr and return code, so callers can `return ck_error(...)`. */
int ck_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int ck_verror(int code, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* The same, with no return value; suppressed by -q. */
void ck_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print a note only under -v. */
void ck_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the message and exit with code. */
_Noreturn void ck_die(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An internal error: message with file and line, exit 70. */
#define ck_bug(...) ck_bug_at(__FILE__, __LINE__, __VA_ARGS__)
_Noreturn void ck_bug_at(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Flush stdout and report a failed write (exit code 74), else return rc unchanged. */
int ck_finish_stdout(int rc);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable, always NUL-terminated byte buffer. Zero-initialise, then use; buf_free() releases. */
struct buf {
	char *s;
	size_t len, cap;
};
void buf_grow(struct buf *b, size_t extra);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* Hand the string over to the caller (who frees it) and leave b empty. */
char *buf_detach(struct buf *b);

/* The data folder: $CASEKIT_DATADIR if set, else the installed pkgdatadir. */
const char *ck_datadir(void);
/*
 * The current UTC time as ISO 8601 ("2026-12-01T03:04:05Z"), written into out[21]; for data
 * timestamps (ingested_at, link runs), which SOURCE_DATE_EPOCH pins for reproducible runs.
 */
void ck_now_iso(char out[21]);
/* The same from the system clock, whatever SOURCE_DATE_EPOCH says: case actions, custody. */
void ck_clock_iso(char out[21]);
/*
 * A setting: the environment variable env when set and not empty, else "key = value" from
 * the config file ($CASEKIT_CONFIG, else $XDG_CONFIG_HOME/casekit/config, else
 * ~/.config/casekit/config), else NULL.
 */
const char *ck_setting(const char *env, const char *key);
/* The analyst: $CASEKIT_ANALYST, else analyst in the config file, else $USER, else "unknown". */
const char *ck_analyst(void);
/* Parse a whole decimal integer; 0 on success, -1 on junk or overflow. */
int ck_parse_long(const char *s, long long *out);
/* 1 if the n bytes at s are one of the words of list, which are separated by '|' ("a|b"). */
int ck_in_list(const char *list, const char *s, size_t n);
/*
 * Mask card-like numbers in s[0..n), in place: a run of 13 to 19 digits (single spaces or dashes
 * between them allowed) that passes the Luhn check keeps its last four digits, the others
 * become '*'. Returns how many runs were masked.
 */
size_t ck_mask_cards(char *s, size_t n);
/* FNV-1a over n bytes: a quick hash for in-memory tables. */
uint64_t ck_fnv1a(const void *p, size_t n);

/*
 * splitmix64 (Steele, Lea, Flood 2014): the next number of the sequence that *state seeds;
 * tiny, fast and the same on every platform, so a seed gives the same draw everywhere.
 */
uint64_t ck_splitmix64(uint64_t *state);
/* A uniform double in [0, 1) from the same sequence (53 bits of the next number). */
double ck_uniform(uint64_t *state);

/* Small ids of strings: the strings, and a hash of them. */
struct ck_names {
	char **v;
	int n;
	uint32_t *slot; /* id + 1, 0 when empty; a power of two long */
	uint32_t nslot;
};
/* The id of s in t, added if new. */
int ck_name_id(struct ck_names *t, const char *s);
/* The id of s in t, or -1. */
int ck_name_find(const struct ck_names *t, const char *s);
void ck_names_free(struct ck_names *t);
/* qsort() that accepts an empty array with a NULL base (qsort itself must not be given NULL). */
void ck_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* Levenshtein distance between two byte strings (small strings; suggestions, fuzzy keys). */
size_t ck_levenshtein(const char *a, const char *b);
/*
 * A count with its noun, for every message that counts: "1 row", "2 rows", "0 rows"
 * (ck_count(n, "row", "rows")). The text lives in one of eight static buffers that turn
 * round, so up to eight may appear in one printf().
 */
const char *ck_count(long long n, const char *one, const char *many);
/*
 * Compare two byte strings as people sort ids: runs of digits by their number, the rest byte
 * by byte, so "link:20" comes before "link:100" and "L9" before "L10"; strings equal so
 * ("S7", "S007") are ordered by their bytes. <0, 0 (the same bytes) or >0.
 */
int ck_natural_cmp(const char *a, size_t na, const char *b, size_t nb);
/*
 * dir and name joined by one slash, whatever slashes dir ends with ("dump/" and "sellers.csv"
 * give "dump/sellers.csv", not "dump//sellers.csv"); malloc'd.
 */
char *ck_path_join(const char *dir, const char *name);
/* The indefinite article of word: "an" before a vowel letter ("an orders file"), else "a". */
const char *ck_article(const char *word);
#endif
