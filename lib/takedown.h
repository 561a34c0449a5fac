/* takedown.h - rights holders' notices decided on the evidence the store already holds */
#ifndef CASEKIT_TAKEDOWN_H
#define CASEKIT_TAKEDOWN_H
#include <stddef.h>

struct store;
struct store_stmt;
struct out;

/*
 * The good-faith thresholds (casekit-takedown(1)). A notifier's record counts once it has
 * record_min notices decided; from then on rejections at its fault in barred_share percent
 * of them or more, or barred_reversals reversals, send every notice of it to review. A
 * notifier with trusted_accepts notices accepted, at most trusted_share percent rejected at
 * its fault and none reversed is trusted: its notice is accepted when the listing shows the
 * brand and scores at least half the flag threshold. A network backs a notice when
 * network_min listings of the brand by its other accounts are flagged.
 */
struct takedown_policy {
	int record_min, barred_share, barred_reversals, trusted_accepts, trusted_share;
	int network_min;
};

/*
 * The defaults (20, 30, 2, 20, 5, 2), each replaced by the config file's takedown-record-min,
 * takedown-barred-share, takedown-barred-reversals, takedown-trusted-accepts,
 * takedown-trusted-share or takedown-network-min when set. 0, or EX_CONFIG after one message.
 */
int takedown_policy_load(struct takedown_policy *p);

/*
 * The form in which a notice's address and a listing's are compared (casekit-takedown(1)):
 * surrounding blanks, the fragment, tracking parameters of the query (utm_*, fbclid, gclid,
 * spm ...), an empty query and trailing slashes of the path go; scheme and host are lowercased.
 * The rest (path, the other parameters and their order) is kept as written. A new string the
 * caller frees, or NULL for NULL or an empty address.
 */
char *takedown_url_key(const char *url);

/* The columns of a triage row, in order. */
extern const char *const takedown_triage_cols[];
#define TAKEDOWN_TRIAGE_NCOLS 8

/*
 * Decide every open notice (no decision yet), oldest first, or only those named in ids[0..n)
 * when n > 0, recording each decision (time from the real clock, analyst, reasons, evidence)
 * and writing it to the custody log of every open case that holds the listing. One row per
 * notice goes to o (takedown_triage_cols). rules: the rules folder (NULL: the installed one).
 * 0 or an EX_* code after one message; nothing is recorded then.
 */
int takedown_triage(struct store *st, const struct takedown_policy *p, const char *rules,
	const char *analyst, const char *const *ids, size_t n, struct out *o);

/*
 * An analyst's decision on a notice: decision is "accept" or "reject", reason free text.
 * Recorded and written to the custody log as triage's are. 0, or EX_DATAERR (no such notice)
 * or another EX_* code after one message.
 */
int takedown_decide(struct store *st, const char *notice, const char *decision, const char *reason,
	const char *analyst);

/*
 * The notifiers' good-faith record under policy p, one row a notifier: notifier, notices,
 * accepted, rejected, rejected_on_review, at_fault (the rejections that count: the
 * notifier's own fault or an analyst's), reversed, in_review, standing (trusted, ordinary,
 * barred or new). The caller steps and finishes it (store_done); NULL after one message.
 */
struct store_stmt *takedown_record_prepare(struct store *st, const struct takedown_policy *p);

/*
 * Set up TEMP table td_expand(listing_id, seller_id, network_id, score, reasons) with the other
 * listings of the notice's operation (its seller's network, or the seller alone) that screen
 * flags for the notice's brand. 0, or EX_DATAERR (no such notice, or its listing is unknown).
 */
int takedown_expand(struct store *st, const char *rules, const char *notice);
#endif
