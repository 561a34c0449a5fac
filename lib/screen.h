/* screen.h - score a listing for counterfeit risk from rules that are data */
#ifndef CASEKIT_SCREEN_H
#define CASEKIT_SCREEN_H
#include "util.h"

struct screen;
struct store;

/*
 * Load the rules in dir (NULL: ck_datadir()/rules): brands.tsv, vocab.tsv, guards.tsv and
 * weights.conf, described in casekit-rules(5). Opens the ICU objects once. Returns 0 and sets
 * *out, or prints "FILE:LINE: ..." and returns EX_DATAERR (a malformed rule), EX_NOINPUT (a
 * missing file) or EX_SOFTWARE (ICU failed). The object holds scratch space: one per thread.
 */
int screen_open(struct screen **out, const char *dir);
void screen_close(struct screen *s); /* NULL is a no-op */
/* Merge the brands that rights holders supplied (the store's brands table) into the rules. */
int screen_add_store_brands(struct screen *s, struct store *st);
/* SHA-256 (hex) of every rule file and every merged brand row: what the scores depend on. */
const char *screen_digest(struct screen *s);
/* The score at which a listing is flagged (weights.conf "flag", default 50). */
int screen_flag_threshold(const struct screen *s);
/* The points of the network signal (weights.conf "network.flagged"). */
int screen_network_points(const struct screen *s);
/*
 * The brand that text names, read as a listing's brand field is read (aliases, look-alikes),
 * as named in the rules; NULL when it names none. The string belongs to s.
 */
const char *screen_brand_of(struct screen *s, const char *text);
/* With on, screen_score() also records the rules checked that gave nothing, with details. */
void screen_set_explain(struct screen *s, int on);

/* One listing as the store holds it; any field may be NULL. price is in minor units. */
struct screen_listing {
	const char *listing_id, *seller_id, *title, *brand, *category, *currency, *created_at;
	const char *image_text;
	long long price;
	int has_price;
};

/* The few seller facts a score may use besides the listing. */
struct screen_seller {
	const char *registered_at; /* the account's registration, or NULL */
	int failed_listing;        /* failed test buys of this very listing */
	int failed_seller;         /* failed test buys of the seller's other listings */
	int network_flagged;    /* flagged listings of other accounts in its network; -1: unknown */
	const char *network_id; /* the network, when network_flagged >= 0 */
	const char *network_note; /* why the network signal was not checked, for --explain */
};

/*
 * Prices of the market, for the robust z-score of log price per brand, category and currency.
 * Feed every listing whose brand field names a known brand (screen_market_add), then call
 * screen_market_done() once before scoring; without it no z-score is given.
 */
void screen_market_add(struct screen *s, const char *brand, const char *category,
	const char *currency, long long price);
void screen_market_done(struct screen *s);

/* One rule that fired (or was checked and did not count: points 0, reason NULL). */
struct screen_hit {
	char *rule; /* "brand", "brand~", "kw", "price", "z", "seller", "testbuy", "network", "guard" */
	char *reason; /* the short form in scores.reasons ("kw:replica"), or NULL */
	char *detail; /* a sentence for --explain */
	int points;
};

struct screen_result {
	int score;          /* 0 to 100 */
	int flagged;        /* score >= screen_flag_threshold() */
	const char *brand;  /* the brand claimed or imitated (owned by the screen), or NULL */
	struct buf reasons; /* the short forms, separated by spaces */
	struct screen_hit *hits;
	size_t nhits, caphits;
};

/*
 * Score one listing: a pure function of the listing, the rules, the market prices and the
 * seller facts (f may be NULL). r is zero-initialised by the caller, reused across calls and
 * freed with screen_result_free(). Returns the score.
 */
int screen_score(struct screen *s, const struct screen_listing *l, const struct screen_seller *f,
	struct screen_result *r);
void screen_result_free(struct screen_result *r);
#endif
