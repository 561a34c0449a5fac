/* synthnotice.h - rights holders' notices for the synthetic marketplace, with their truth */
#ifndef CASEKIT_SYNTHNOTICE_H
#define CASEKIT_SYNTHNOTICE_H
#include <stddef.h>
#include <stdint.h>

struct synth_opts;
struct synth_notices;

/* What a listing of the dump is, as the generator made it. */
enum { SYNTH_L_GENERIC, SYNTH_L_GENUINE, SYNTH_L_COUNTERFEIT, SYNTH_L_TRAP };

struct synth_notice_listing {
	const char *listing_id, *seller_id;
	int kind;        /* SYNTH_L_* */
	int brand;       /* the brand it shows (an index of the brand table), or -1 */
	uint64_t op;     /* the planted operation of its seller, plus one; 0: none */
	int64_t created; /* seconds since 1970 */
};

/*
 * Start the notices of one synth run. The brand table (names and their rights holders) is the
 * generator's. Randomness comes from a PRNG of its own seeded from o->seed, so the other files
 * of the dump are the same bytes with or without notices. 0, or one message and an EX_* code.
 */
int synth_notices_open(struct synth_notices **out, const struct synth_opts *o,
	const char *const *brand_names, const char *const *holders, size_t nbrands);
/* Perhaps file notices about one listing (called once for every listing, in dump order). */
void synth_notices_listing(struct synth_notices *n, const struct synth_notice_listing *l);
/*
 * Write notices.csv, notifiers.csv (gzip with o->gzip) and notices_truth.json, when keep is
 * set, and free n. *count is the number of notices written. 0 or an EX_* code.
 */
int synth_notices_close(struct synth_notices *n, int keep, uint64_t *count);
#endif
