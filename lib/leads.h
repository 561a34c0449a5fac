/* leads.h - typed ids read from --from FILE|- and operands: seller:ID, listing:ID, ... */
#ifndef CASEKIT_LEADS_H
#define CASEKIT_LEADS_H
#include <stddef.h>

/* The types of lead an applet may take, as written before the colon. */
#define LEAD_KINDS "seller|listing|party|network|case"

struct lead {
	char kind[8]; /* "seller", "listing", "party", "network" or "case" */
	char *id;     /* the id, exactly as given */
};

struct leads {
	struct lead *v;
	size_t n, cap;
};

/*
 * Add one typed id. A bare id (no known type before a colon) gets default_kind; ids may
 * themselves hold colons ("seller:a:b" is seller "a:b"). Returns 0, or -1 when text is empty
 * or names a type this applet does not take (allowed: a LEAD_KINDS-style list, NULL for all).
 */
int leads_add(struct leads *l, const char *text, const char *default_kind, const char *allowed);
/*
 * Read typed ids one a line from path ("-" is stdin). Blank lines and lines starting with '#'
 * are skipped, surrounding white space and a CR are trimmed, and a repeated lead is kept once.
 * Returns 0, or prints "PATH:LINE: ..." and returns EX_DATAERR (bad line) or EX_NOINPUT.
 */
int leads_read(struct leads *l, const char *path, const char *default_kind, const char *allowed);
void leads_free(struct leads *l);

struct store;
/*
 * Resolve one lead against the store, the same way for every applet: a seller is itself, a
 * listing its seller, a network its members (an id a merged network had answers too), a
 * party the sellers it ships to, a case its members. The sellers reached are added to
 * sellers (NULL: only check). 0, or one message and EX_DATAERR when the lead names nothing
 * in the store ("listing:L9 is not in the store"), or another EX_* code.
 */
int leads_resolve(struct store *st, const struct lead *l, struct leads *sellers);
#endif
