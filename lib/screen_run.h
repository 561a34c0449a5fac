/* screen_run.h - a screening run over the store: score and store, explain, stream */
#ifndef CASEKIT_SCREEN_RUN_H
#define CASEKIT_SCREEN_RUN_H
#include <stdio.h>
#include "output.h"

struct leads;
struct screen_run;
struct store;

/*
 * Ready a run over st: load the rules in rules (NULL: the installed ones) with the store's
 * brands, the market prices and the failed test buys. min_score is what is printed (-1: the
 * rules' flag, or every listing when streaming). 0 and *out set, or an EX_* code after one
 * message. The store stays the caller's; it must outlive the run.
 */
int screen_run_open(
	struct screen_run **out, struct store *st, const char *rules, int min_score, int streaming);
void screen_run_close(struct screen_run *r); /* NULL is a no-op */

/*
 * Score the listings of leads (listing:ID, seller:ID: all its listings) when restricted, else
 * every listing, store the scores and the network signal, and record the run (screen_runs),
 * all of a full run in one transaction. 0 or an EX_* code.
 */
int screen_run_score(struct screen_run *r, const struct leads *leads, int restricted);
/*
 * Take the store's last run for this one, instead of scoring again, when it was a full run
 * with the same rules digest, nothing it read has changed since (no ingest, no link run, the
 * same rows in listings, sellers, test buys and networks) and the scores are all its own.
 * 1 and *run_id and started_at set (ISO 8601), or 0: score.
 */
int screen_run_reuse(struct screen_run *r, long long *run_id, char started_at[21]);
/* Print the listings of the run at or above the minimum score, highest first, to fp. */
int screen_run_print(struct screen_run *r, FILE *fp);
/* Every rule checked for one listing, and its score, to fp; writes nothing to the store. */
int screen_run_explain(struct screen_run *r, const char *listing_id, FILE *fp);
/*
 * Listings as CSV with a header on stdin, one verdict each on stdout in fmt, flushed at once;
 * rows ingest would reject are named on stderr and skipped. Reads the store only.
 */
int screen_run_stream(struct screen_run *r, enum out_format fmt);

/* What a run did, for its summary line. */
struct screen_run_counts {
	long long scored, flagged, listed;
	int min_score, threshold;
};
void screen_run_counts(const struct screen_run *r, struct screen_run_counts *c);
#endif
