/* stats.h - the enforcement figures of a store or of one case */
#ifndef CASEKIT_STATS_H
#define CASEKIT_STATS_H
#include <stddef.h>
#include <stdint.h>
struct out;
struct store;
struct store_stmt;
struct stats_tally;

#define STATS_RECOUNT 0x1 /* identifier figures from the rows, not from the counts kept */

/*
 * Write the figures of the store (case_id NULL) or of one case's sellers to o, one row of
 * two columns (what, value) each, section after section; figures of applets that have not run
 * are left out or null. The quality of the identifiers comes from the counts ingest keeps
 * (ident_counts, ident_hubs), or with STATS_RECOUNT from the identifiers and their tables.
 * 0, or the first EX_* code after its message (the rest is still written where it can be).
 */
int stats_write(struct store *st, const char *case_id, unsigned flags, struct out *o);
/* 0 if the store has the case, else one message and EX_DATAERR (or an EX_* code of the store). */
int stats_find_case(struct store *st, const char *case_id);

/*
 * The counts ingest keeps, per source, in the transaction of the rows they count, so that
 * stats reads them instead of every identifier. A tally adds up what a file's load changes;
 * stats_tally_write() adds it to ident_counts. Callers own the tally (stats_tally_free()).
 */
struct stats_tally *stats_tally_new(void);
void stats_tally_free(struct stats_tally *t);  /* NULL is a no-op */
void stats_tally_reset(struct stats_tally *t); /* forget what it counted; NULL is a no-op */
/* One identifier row written for source src: its kind and flags (n bytes; NULL for null). */
void stats_tally_ident(
	struct stats_tally *t, int64_t src, const char *kind, const char *flags, size_t n);
/* A value of table's field, in a row of source src, that gave no identifier. */
void stats_tally_unparsed(struct stats_tally *t, int64_t src, const char *table, const char *field);
/*
 * The columns to add to a SELECT of a row of table that is about to be written over (", " and
 * one 0/1 column per identifier column stats reads; "" for a table it reads none of),
 * malloc'd; stats_tally_old_row() takes them from column col0 of s on and takes back the
 * values of that row, of source src.
 */
char *stats_tally_cols(const char *table);
void stats_tally_old_row(
	struct stats_tally *t, int64_t src, const char *table, struct store_stmt *s, int col0);
/*
 * The identifiers of the rows of table written over, listed in temp.ck_replaced(holder_id,
 * source_id, line), are about to be deleted: take back what they counted. 0 or an EX_* code.
 */
int stats_tally_replaced(struct stats_tally *t, struct store *st, const char *table);
/* Add the tally to ident_counts and empty it: 0 or an EX_* code. */
int stats_tally_write(struct store *st, struct stats_tally *t);
/*
 * A value of kind with these greatest flags and holders on its busiest day, more than ten
 * rows of it (as ingest's hub count finds them): in ident_hubs if it is a hub candidate, out
 * of it if not. After identifiers were deleted, any value may have changed (a row gone may
 * change a value's class, and its cap): stats_hubs_refill() finds them all again, one pass
 * over the index on (kind, value). 0 or an EX_* code.
 */
int stats_hub_seen(
	struct store *st, const char *kind, const char *value, const char *flags, int64_t holders);
int stats_hubs_refill(struct store *st);
/*
 * The meta key ingest sets, in the transaction of a file that made identifiers, to the first
 * identifier whose hub candidates are not counted yet; it goes when they are, at the end of
 * the run. While it is there, ident_hubs may lack some: stats counts them itself.
 */
#define STATS_HUBS_PENDING "hubs_pending"
/* Fill ident_counts and ident_hubs from the store's rows (the schema 6 migration). */
int stats_counts_fill(struct store *st);
#endif
