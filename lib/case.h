/* case.h - cases: leads, members, custody log, grades, and the rows a case gathers */
#ifndef CASEKIT_CASE_H
#define CASEKIT_CASE_H
#include <stddef.h>

struct store;

/* The lead kinds a case takes. */
#define CASE_LEAD_KINDS "seller|listing|network|party"

/*
 * The digest of the store state an action read: SHA-256 over one line per source
 * ("source ID SHA256 ROWS_KEPT ROWS_REJECTED") in id order, then one line per run table that
 * exists ("run screen_runs N", "run link_runs N": the last run). The sources determine the
 * data and the last runs the derived tables; the case tables and custody are left out. Reads
 * no table whole. Written as 64 hex digits into hex[65]. 0 or an EX_* code.
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

struct leads;

/*
 * The analyst's actions on a case. Each is one transaction that checks, writes and appends
 * its custody entry; each returns 0, or EX_NOINPUT (no such case), EX_DATAERR (a closed case,
 * a lead that names nothing, a missing finding) or another EX_* code after one message.
 *
 * A case is a snapshot: opening it pins the last screen and link runs and keeps the members,
 * flagged listings, orders (amount, currency, status), test buys, takedowns, upstream parties
 * and link evidence that make it, so later ingests, screens and links change it only through
 * case_refresh(). add and remove take the store as it is now, and their custody entries list
 * what that changed beside the leads.
 */
/* Open a case titled title from leads; *id_out gets its new id (malloc'd). */
int case_open(struct store *st, const char *title, const struct leads *leads, const char *analyst,
	char **id_out);
/* Add (add set) or remove leads. Removing a lead the case lacks is EX_DATAERR. */
int case_leads_change(struct store *st, const char *case_id, const struct leads *leads, int add,
	const char *analyst);
/*
 * Take what newer data and runs change into the case's snapshot, with a custody entry
 * ("refresh") that lists each changed id and the value per currency. *changes gets the changes
 * in words (malloc'd), or NULL when nothing changed (then nothing is written).
 */
int case_refresh(struct store *st, const char *case_id, const char *analyst, char **changes);
int case_note(struct store *st, const char *case_id, const char *text, const char *analyst);
int case_close(struct store *st, const char *case_id, const char *analyst);
/* Override a finding's grade: GRADE like B2 or B23 (reliability, confidence, handling). */
int case_grade(struct store *st, const char *case_id, const char *finding, const char *grade,
	const char *reason, const char *analyst);
/* Split a grade like B2 or B23; -1 when it is not one. */
int case_grade_parse(const char *grade, char rel[2], int *conf, char hand[2]);
/*
 * The case an applet works on: given (an operand or option; "case:ID" is ID) when not NULL,
 * else the current case, $CASEKIT_CASE (set by .case in casekit shell), else NULL.
 */
const char *case_current(const char *given);
/* Warn when newer data would change the case (see case_pending()); 0 or EX_*. Reads only. */
int case_warn_pending(struct store *st, const char *case_id);
/* 1 when the store has a case of that id, else 0; quiet. */
int case_exists(struct store *st, const char *case_id);
/* 0 when the case exists (and, with need_open, is open); else one message and EX_*. */
int case_status(struct store *st, const char *case_id, int need_open);
/*
 * What the store as it is now would change in the case, compared with its snapshot:
 * *summary in words ("2 listings newly flagged, value +1,197.00 CNY") and *detail every
 * changed id, both malloc'd, or both NULL when nothing would change (or the case is closed,
 * and takes nothing in). Leaves the TEMP tables
 * holding the store as it is now: call case_gather() after it. Reads only.
 */
int case_pending(struct store *st, const char *case_id, char **summary, char **detail);
/*
 * Get a case ready for case_print_section(): it exists, its snapshot is gathered with buyers
 * in clear, *pending holds what newer data would change (NULL: nothing; also shown in the
 * summary section), and a broken custody chain has been warned about. Reads only.
 */
int case_show_prepare(struct store *st, const char *case_id, char **pending);
/* Print one section of the gathered case to stdout in format fmt (enum out_format). */
int case_print_section(struct store *st, const char *case_id, const char *name, int fmt);
/* Print the list of cases to stdout in format fmt. */
int case_print_list(struct store *st, int fmt);
/* Store migration to schema 4: snapshot every case not yet pinned, as it stands. */
int case_pin_existing(struct store *st);

/*
 * Fill the TEMP tables that show and export read from the case's snapshot, for case_id:
 *   case_sellers(seller_id, network_id, via)      the members
 *   case_listings(listing_id, seller_id, why,     flagged listings: leads, screening flags,
 *                 price, currency)                counterfeit test buys, takedowns
 *   case_orders(order_id, listing_id, seller_id,  the orders of the flagged listings
 *               amount, currency, status)
 *   case_testbuys(testbuy_id, listing_id, verdict) test buys of the members' listings
 *   case_takedowns(notice_id, listing_id)         notices on the flagged listings
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

/*
 * Each upstream party's shipments and units in all, into the TEMP table case_party_totals
 * (party_id, n, q) that the parties section reads: one read of each party's range of the
 * sender's index, once a case_gather() however many sections read it. 0 or EX_*.
 */
int case_party_totals(struct store *st);

/* The section names of a case, in report order, NULL-terminated. */
extern const char *const case_sections[];
/*
 * The SQL of a section (?1 is the case id) over the TEMP tables of case_gather(), and the
 * column that holds its typed id for -f ids (-1: none). NULL for an unknown name.
 */
const char *case_section_sql(const char *name, int *id_col);
#endif
