/* case.h - cases: leads, members, custody log, grades, and the rows a case gathers */
#ifndef CASEKIT_CASE_H
#define CASEKIT_CASE_H
#include <stddef.h>

struct store;

/* The lead kinds a case takes. */
#define CASE_LEAD_KINDS "seller|listing|network|party"

/*
 * The digest of the store state an action read: SHA-256 over one line per source
 * ("source ID SHA256 ROWS_KEPT ROWS_REJECTED") in id order, then one line per data or derived
 * table that exists ("table NAME ROWS"), case tables and the custody log excepted. Written as
 * 64 hex digits into hex[65]. 0 or an EX_* code.
 */
int case_store_digest(struct store *st, char hex[65]);

/*
 * Append a custody entry for case_id: the UTC time (ck_clock_iso), the analyst, the casekit
 * version, the command line (ck.argv, shell-quoted), the store digest and detail. The entry
 * is chained to the case's previous one by SHA-256. 0 or an EX_* code.
 */
int case_custody_add(struct store *st, const char *case_id, const char *action, const char *analyst,
	const char *detail);

/* The case's last custody entry: its seq, time and hash. 0 or an EX_* code. */
int case_custody_last(
	struct store *st, const char *case_id, long long *seq, char at[21], char hash[65]);

/* Keep the command line (ck.argv) before option parsing reorders it: applets call it first. */
void case_remember_command(void);

/* Check the case's custody chain; 0 when whole, else 1 with why[256] set. */
int case_custody_check(struct store *st, const char *case_id, char why[256]);

/* A new case id for the current UTC year: CASE-YYYY-NNNN, the next free number; malloc'd. */
char *case_new_id(struct store *st);

/*
 * Recompute the case's members (sellers) from its leads: a seller lead, the seller of a
 * listing lead, the members of a network lead, and the sellers a party lead ships to; each
 * then brings its whole network (when casekit link has run). 0 or an EX_* code.
 */
int case_refresh(struct store *st, const char *case_id);

/*
 * Fill the TEMP tables that show and export read, for case_id:
 *   case_sellers(seller_id, network_id, via)      the members
 *   case_listings(listing_id, seller_id, why)     flagged listings: leads, screening flags,
 *                                                 counterfeit test buys, takedowns
 *   case_parties(party_id, depth, via)            upstream parties, through shipments
 *   case_edges(edge_id, seller_a, seller_b, kind, value, weight, holders, comparator,
 *              file_a, line_a, file_b, line_b)    link evidence among members (if linked)
 *   case_findings(finding, kind, subject, what, reliability, confidence, handling, rule,
 *                 file, line)                     every finding with its grade
 * 0 or an EX_* code.
 */
int case_gather(struct store *st, const char *case_id);

/*
 * Buyers' personal data in the sections: with redact set, the SQL function ck_buyer(x) gives
 * "buyer-" and 16 hex digits of HMAC-SHA-256 under the store's pseudonym key (stable within a
 * store, not reversible without it; not the payment key, which stays apart); else x. Registered on the store's connection. 0 or EX_*.
 */
int case_set_redact(struct store *st, int redact);

/* The section names of a case, in report order, NULL-terminated. */
extern const char *const case_sections[];
/*
 * The SQL of a section (?1 is the case id) over the TEMP tables of case_gather(), and the
 * column that holds its typed id for -f ids (-1: none). NULL for an unknown name.
 */
const char *case_section_sql(const char *name, int *id_col);
#endif
