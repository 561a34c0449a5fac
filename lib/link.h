/* link.h - join seller accounts into networks by shared identifiers, with the evidence */
#ifndef CASEKIT_LINK_H
#define CASEKIT_LINK_H
#include <stddef.h>
#include <stdint.h>

struct store;

/*
 * The classes of evidence. A phone flagged landline, tollfree or local is a landline (FF: a few
 * accounts may share it); any kind a profile adds is text. address_building and address_area
 * (a town or postcode with no street-level place) are relations only: they never join accounts
 * and are shown by --explain.
 */
enum link_class {
	LINK_DEVICE,
	LINK_PAYMENT,
	LINK_EMAIL,
	LINK_PHONE,
	LINK_LANDLINE,
	LINK_ADDRESS,
	LINK_IP,
	LINK_TEXT,
	LINK_BUILDING,
	LINK_NCLASS
};

/* Tunable knobs; link_params_init() sets the defaults of casekit-link(1). */
struct link_params {
	double threshold;         /* bits of evidence a pair needs to join */
	double base[LINK_NCLASS]; /* weight of a value held by two accounts */
	long cap[LINK_NCLASS];    /* more holders than this: a hub, links nobody */
	int fuzzy;                /* also compare names, addresses and text ids (--fuzzy) */
};
void link_params_init(struct link_params *p);
/* Apply "CLASS=N" (a cap). 0, or -1 when the class or number is bad. */
int link_params_set_cap(struct link_params *p, const char *spec);
/* The parameters as text, stored with each run (a change forces a full run). */
char *link_params_text(const struct link_params *p);
/* Read link_params_text()'s text back into p: 0, or -1 (p untouched) when it is not such text. */
int link_params_parse(struct link_params *p, const char *text);
/*
 * The settings of the store's last link run into p: 1 when there is one, 0 when there is none
 * or its text is not understood (p untouched), or an EX_* code after one message.
 */
int link_params_last(struct store *st, struct link_params *p);
const char *link_class_name(enum link_class c);
/* The class of an identifier kind, given its flags (comma-separated words, or NULL). */
enum link_class link_class_of(const char *kind, const char *flags);
/* 1 if the comma-separated flags hold word. */
int link_has_flag(const char *flags, const char *word);
/*
 * The weight in bits of a value of class c held by n accounts: base - log2(n/2), so each
 * doubling of the holders costs one bit (term frequency). 0 for a building.
 */
double link_weight(const struct link_params *p, enum link_class c, long n);

/*
 * Comparators of --fuzzy, on bytes: Jaro-Winkler (prefix scale 0.1, up to 4 characters),
 * Jaccard of the sets of 3-byte grams, both in [0, 1].
 */
double link_jaro_winkler(const char *a, const char *b);
double link_jaccard3(const char *a, const char *b);

/* Union-find over dense uint32 ids: union by size, path halving. Zero-initialise. */
struct uf {
	uint32_t *parent, *size;
	size_t n, cap;
};
uint32_t uf_add(struct uf *u);
uint32_t uf_find(struct uf *u, uint32_t x);
/* Join the sets of a and b; 1 if they were apart, 0 if already one. */
int uf_union(struct uf *u, uint32_t a, uint32_t b);
void uf_free(struct uf *u);

/*
 * The id of a new network: "N" and 16 hex digits of SHA-256 over "network:" and its anchor
 * (the member whose id sorts first, in byte order), written into out[18].
 */
void link_network_id(const char *anchor, char out[18]);

/* What a run did, for the summary line. */
struct link_summary {
	const char *mode; /* "full", "incremental" or "none" (nothing new) */
	long long sellers, networks, members, edges, hubs, new_rows;
};
#define LINK_FULL 0x1 /* relink everything even when an incremental run would do */
/*
 * Bring the link results in st up to date with its identifiers: nothing when nothing changed,
 * an incremental run when only new identifier rows arrived and none of them can undo an
 * earlier join, else a full run. 0, or a message printed and an EX_* code.
 */
int link_run(
	struct store *st, const struct link_params *p, unsigned flags, struct link_summary *sum);

/* One piece of evidence two accounts share (or a shared value that does not count, and why). */
struct link_piece {
	char *kind, *value, *display; /* display: the raw value for payments (masked) */
	enum link_class cls;
	double weight;              /* 0 when it does not count */
	long holders;               /* accounts that hold the value (that day, for an IP) */
	long long ident_a, ident_b; /* identifiers rows of both sides */
	char *source_a, *source_b;  /* "path:line" of both sides */
	char *field_a, *field_b;    /* the columns they came from (return_address, ...) */
	const char *why;            /* NULL when it counts, else why it does not */
};
struct link_pair {
	struct link_piece *v;
	size_t n;
	double score; /* sum over classes of the best counting piece of each */
};
/* Every value a and b share, counted as a run counts them. 0, or an EX_* code. */
int link_pair_evidence(struct store *st, const struct link_params *p, const char *a, const char *b,
	struct link_pair *out);
void link_pair_free(struct link_pair *pr);

/* A blocking key held by more records than this pairs none of them (it says too little). */
#define LINK_FUZZY_BLOCK_CAP 50
/* What --fuzzy makes of one pair: the comparators that added or took bits, their sum, and whether
 * the two share a blocking key (only such pairs are ever compared). */
struct link_fuzzy_piece {
	const char *comparator;     /* jaro_winkler, jaccard3 or levenshtein */
	double score, weight;       /* weight < 0: the comparator took bits away */
	int apart;                  /* unit addresses in two places (towns or postcodes) */
	char *kind, *value;         /* name, address_unit or a text kind; "a ~ b" */
	long long ident_a, ident_b; /* identifiers rows (0 for a name) */
};
struct link_fuzzy {
	struct link_fuzzy_piece v[3];
	size_t n;
	double sum;  /* all comparators, those that took bits away too */
	int blocked; /* 1 when a blocking key is shared */
};
/* Score a and b as a fuzzy run would. 0, or an EX_* code; link_fuzzy_free() after either. */
int link_fuzzy_pair(struct store *st, const char *a, const char *b, struct link_fuzzy *out);
void link_fuzzy_free(struct link_fuzzy *f);

/*
 * The bridges of a stored network: pairs of members whose evidence is the only path between two
 * parts of it (a likely false link when it is weak). *pairs holds 2 * *npairs malloc'd seller ids
 * (a, b); the caller frees them. 0, or an EX_* code.
 */
int link_bridges(struct store *st, const struct link_params *p, const char *network_id,
	char ***pairs, size_t *npairs);
#endif
