/* profile.h - map another platform's files and columns onto casekit's kinds and fields */
#ifndef CASEKIT_PROFILE_H
#define CASEKIT_PROFILE_H
#include <stddef.h>

/*
 * A value made of parts: literal text and {column} references. A plain column name is one
 * reference, a constant one literal. When a column is empty, the literal before it is left
 * out, so "{street}, {suburb} {postcode}" reads "1 Main St 2000" when suburb is empty; a
 * literal at the end goes with the last column ("{name} ({colour})" reads "Belt").
 */
struct profile_part {
	char *text; /* the literal, or the column name */
	int is_col;
};
struct profile_tmpl {
	struct profile_part *parts;
	size_t n;
};

/* A two-column table read from a file: FIELD = lookup(FILE, KEY, VALUE, {column}). */
struct profile_lookup;

/* One field of a kind: where its value comes from, and its date format (or NULL). */
struct profile_map {
	char *field;
	struct profile_tmpl tmpl;
	char *date_format;
	struct profile_lookup *lookup; /* the template's value is mapped through it, or NULL */
	unsigned long line;            /* where the profile says it, for messages */
};

struct profile_kind {
	char *kind;
	char **globs; /* file names (fnmatch(3) patterns) that hold this kind */
	size_t nglobs;
	struct profile_map *maps; /* fields taken from other columns, or constants */
	size_t nmaps;
	struct profile_map *idents; /* extra identifier kinds: field is the kind's name */
	size_t nidents;
};

struct profile {
	char *name;
	char *path;
	char *currency;    /* default currency for money without one, or NULL */
	char *country;     /* default country for phones and addresses, or NULL */
	char *date_format; /* default strptime(3) format, or NULL: ISO 8601 */
	char *encoding;    /* the files' encoding, or NULL: UTF-8 */
	char delim;        /* 0: detect */
	struct profile_kind *kinds;
	size_t nkinds;
};

/*
 * Load a profile: a name looks for $CASEKIT_DATADIR/profiles/NAME.profile, anything with a '/'
 * or ending in .profile is a path. The format is casekit-profile(5), checked as a whole: an
 * unknown setting, kind or field, a malformed template, a country or currency that is not
 * ISO 3166-1 / ISO 4217, an encoding ICU does not know. Returns 0 and sets *out, or prints one
 * message naming file and line and returns EX_NOINPUT, EX_IOERR or EX_CONFIG.
 */
int profile_load(struct profile **out, const char *name);
/* Parse profile text (path is for messages). Same returns as profile_load(). */
int profile_parse(struct profile **out, const char *text, const char *path);
void profile_free(struct profile *p);
/* The kind whose globs match the file name (no folder part), or NULL. */
const char *profile_kind_of(const struct profile *p, const char *filename);
/* The rules for kind, or NULL when the profile says nothing about it. */
const struct profile_kind *profile_kind(const struct profile *p, const char *kind);
/* Parse a template ("{a} {b}", "name", "=constant"); 0, or -1 with a reason in *why. */
int profile_tmpl_parse(struct profile_tmpl *t, const char *s, const char **why);
void profile_tmpl_free(struct profile_tmpl *t);
/*
 * The value key[0..n) maps to in l (*len set), or NULL when the table has no such key: the
 * caller keeps the value as it was. The first row of a key wins.
 */
const char *profile_lookup_get(
	const struct profile_lookup *l, const char *key, size_t n, size_t *len);
/*
 * An ISO 3166-1 alpha-2 country code (ICU's list), either case: 0 with the upper-case code in
 * out, or -1 ("Brazil", "XX").
 */
int profile_country(const char *s, char out[3]);
/* An ISO 4217 currency code, current or historic (ICU's list): 0 with out set, or -1. */
int profile_currency(const char *s, char out[4]);
#endif
