/* complete.h - candidates for completion: ids from the store by prefix, kinds and profiles */
#ifndef CASEKIT_COMPLETE_H
#define CASEKIT_COMPLETE_H
#include <stddef.h>

struct store;

/* What complete_values() can list, in the order 'any' walks the id kinds. */
#define COMPLETE_KINDS "seller|listing|party|network|case|notice|any|kind|profile|table"

/* Called once per candidate; the string is only valid during the call. */
typedef void complete_fn(const char *candidate, void *arg);

/*
 * Offer each value of kind (one of COMPLETE_KINDS) that starts with prefix, sorted, at most
 * limit of each kind. Ids come from the store (st may be NULL: then none); networks and cases
 * only once the store has their tables. With kind "any" a prefix such as "seller:S1" offers
 * typed ids of that kind, and a bare prefix offers bare ids of every kind. "kind" offers the
 * dump kinds, "profile" the profiles in the data folder, "table" the store's tables.
 * Returns the number offered, or -1 when kind is not one of COMPLETE_KINDS.
 */
int complete_values(struct store *st, const char *kind, const char *prefix, size_t limit,
	complete_fn *fn, void *arg);
/*
 * The completion kind of an option's value: from its long name when that names an id kind
 * (--network, --case, --seller ...), else from its argument name (CASE, SELLER, KIND,
 * PROFILE, ID ...); NULL when its values are files or free text.
 */
const char *complete_kind_for(const char *longopt, const char *argname);
/*
 * The store ids are completed from (-d, else $CASEKIT_DB, else ./casekit.db), read-only, or
 * NULL when there is none: a missing file is not opened, and a server's refusal is not shown.
 */
struct store *complete_open(void);
/*
 * The hidden `casekit --list-ids KIND [PREFIX]` of the shell completions: print the values of
 * complete_values() one a line, from the store named by $CASEKIT_DB (or ./casekit.db). A
 * missing store offers no ids and is not an error: completion must stay quiet. Returns 0, or
 * EX_USAGE for a bad kind or operand count.
 */
int complete_list_ids(int argc, char **argv);
#endif
