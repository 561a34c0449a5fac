/* stats.h - the enforcement figures of a store or of one case */
#ifndef CASEKIT_STATS_H
#define CASEKIT_STATS_H
struct out;
struct store;

/*
 * Write the figures of the store (case_id NULL) or of one case's sellers to o, one row of
 * two columns (what, value) each, section after section; figures of applets that have not run
 * are left out or null. 0, or the first EX_* code after its message (the rest is still
 * written where it can be).
 */
int stats_write(struct store *st, const char *case_id, struct out *o);
/* 0 if the store has the case, else one message and EX_DATAERR (or an EX_* code of the store). */
int stats_find_case(struct store *st, const char *case_id);
#endif
