/* sample.h - choose listings for test purchases within a budget, weighted by risk */
#ifndef CASEKIT_SAMPLE_H
#define CASEKIT_SAMPLE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct store;

struct sample_opts {
	const char *currency; /* ISO 4217: only listings priced in it are drawn */
	int64_t budget;       /* in the currency's minor units */
	uint64_t seed;        /* of the draw: the same store, budget and seed, the same choice */
	int min_score; /* only listings screened at this or more, when the store has scores */
};

struct sample_result {
	size_t candidates, chosen;
	int64_t spent; /* minor units */
};

/* The currency most listings are priced in, for a budget given without one: 0, or EX_DATAERR. */
int sample_currency(struct store *st, char cur[4]);
/*
 * Draw listings to test-buy, one at a time until nothing affordable is left: each with a
 * chance in proportion to its score, divided by four for each listing already chosen of the
 * same brand and of the same network (or seller), and write them to fp (listing_id, seller_id,
 * brand, price, currency, score, why). 0 and *res set, or an EX_* code after one message.
 */
int sample_draw(
	struct store *st, const struct sample_opts *so, FILE *fp, struct sample_result *res);
#endif
