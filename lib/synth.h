/* synth.h - a synthetic marketplace dump with planted counterfeit operations and its truth */
#ifndef CASEKIT_SYNTH_H
#define CASEKIT_SYNTH_H
#include <stdint.h>
#include "util.h"

/*
 * The generator's own PRNG: xoshiro256** seeded through splitmix64. Never rand() or the clock,
 * so that one seed gives the same bytes on every machine.
 */
struct synth_rng {
	uint64_t s[4];
};
/* splitmix64: one step of the seed expander; also a good 64-bit mixer. */
uint64_t synth_splitmix64(uint64_t *state);
void synth_rng_seed(struct synth_rng *r, uint64_t seed);
uint64_t synth_rng_next(struct synth_rng *r);
/* A uniform integer in [0, n); n > 0. */
uint64_t synth_rng_below(struct synth_rng *r, uint64_t n);

/*
 * A keyed permutation of [0, n): seller index to slot and back, so that planted operations are
 * scattered over the seller ids without a table of n entries (a Feistel network with cycle
 * walking).
 */
struct synth_perm {
	uint64_t n, key;
	unsigned half; /* bits in each half of the Feistel domain */
};
void synth_perm_init(struct synth_perm *p, uint64_t n, uint64_t key);
uint64_t synth_perm_fwd(const struct synth_perm *p, uint64_t x);
uint64_t synth_perm_inv(const struct synth_perm *p, uint64_t y);

/* t (seconds since 1970, UTC) as "2025-01-31T23:59:59Z", without strftime. */
void synth_iso_time(char out[21], int64_t t);

/* The Luhn check digit that completes the digits in s. */
int synth_luhn_digit(const char *s);

/* Spellings of one identifier as different people type it, and its canonical form. */
void synth_phone_spell(struct buf *out, const char *national, int variant, int intl);
void synth_email_spell(struct buf *out, const char *local, const char *domain, int variant);
void synth_email_canon(struct buf *out, const char *local, const char *domain);
void synth_device_spell(struct buf *out, const char *hex32, int variant);
void synth_number_spell(struct buf *out, const char *digits, int variant);

struct synth_opts {
	const char *dir;  /* output folder; created if missing */
	uint64_t sellers; /* number of seller accounts */
	uint64_t seed;    /* the only source of randomness */
	int gzip;         /* write NAME.csv.gz instead of NAME.csv */
	int zh, en;       /* listing languages */
	/*
	 * Seconds since 1970: notices arrive in the 24 hours before it, as a notice desk gets
	 * them between two triage runs; 0: over the weeks after each listing appeared.
	 */
	int64_t notices_until;
};

/* Figures of a finished run, for the summary line. */
struct synth_stats {
	uint64_t rows[10]; /* per kind, in synth_kinds order */
	uint64_t total, operations, op_sellers;
	uint64_t notices; /* notices.csv, apart from rows[] and total */
};
extern const char *const synth_kinds[10];

/*
 * Write every kind of the generic layout plus truth.json into o->dir, streaming: memory does not
 * grow with o->sellers beyond the small tables of operations, parties and hubs. 0, or one
 * message and an EX_* code (73 cannot create, 74 write failed).
 */
int synth_run(const struct synth_opts *o, struct synth_stats *st);
#endif
