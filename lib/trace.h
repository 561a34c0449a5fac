/* trace.h - walk upstream from leads to suppliers, warehouses and factories, and rank them */
#ifndef CASEKIT_TRACE_H
#define CASEKIT_TRACE_H
#include <stddef.h>
#include <stdio.h>

struct store;
struct leads;
struct trace;

enum trace_rank {
	TRACE_RANK_SPECIFIC, /* share of a party's deliveries that go to the flagged side */
	TRACE_RANK_COUNT,    /* flagged sellers reached, then quantity: for comparison only */
};

struct trace_opts {
	int depth;            /* hops upstream from a lead (default 4) */
	enum trace_rank rank; /* how parties are ordered */
	int min_score;        /* a listing scored this or more by screen flags its seller */
	int max_holders;      /* an identifier held by more holders ties nobody (a hub) */
};

/* One upstream node, in rank order. Strings belong to the trace. */
struct trace_party {
	const char *id;
	const char *kind; /* the party's kind, "seller", "unknown" or "unlisted" (a name only) */
	const char *name;
	int depth;            /* fewest hops from a lead */
	int flagged_sellers;  /* distinct flagged leads it reaches within the depth */
	int networks;         /* distinct networks among them (a seller in none is its own) */
	double share_flagged; /* share of what it delivers that ends with flagged sellers */
	double inputs;        /* share of its shipments to the walk that are materials or parts */
	double score;
	long long quantity; /* goods it shipped to the flagged side */
	long long value;    /* their declared value, minor units of currency */
	const char *currency;
	const char *path; /* the shortest path from a lead: "S1<-P2<-P3", ties as "S1<~phone~P2" */
};

/* The defaults: depth 4, specific ranking, min score 50, hubs past 20 holders. */
void trace_opts_init(struct trace_opts *o);
/*
 * Walk upstream from the leads (seller, listing, network, party, case) and rank every node
 * reached.
 * Unknown leads are reported (warnings) and skipped. Returns 0 and sets *out, or prints one
 * message and returns an EX_* code (no usable lead: EX_DATAERR; network leads without link
 * results: EX_NOINPUT).
 */
int trace_run(struct store *st, const struct leads *leads, const struct trace_opts *o,
	struct trace **out);
/* The number of ranked parties, and the one at rank i + 1. */
size_t trace_count(const struct trace *t);
const struct trace_party *trace_party_at(const struct trace *t, size_t i);
/* What the run read besides the graph: "scores" and "networks" tables, or NULL when absent. */
const char *trace_scores_table(const struct trace *t);
const char *trace_networks_table(const struct trace *t);
/* The upstream graph in Graphviz DOT (goods flow along the arrows); 0 or EX_IOERR. */
int trace_write_dot(const struct trace *t, FILE *fp);
/* An indented upstream tree, one lead at a root, along the shortest paths. */
int trace_write_tree(const struct trace *t, FILE *fp);
void trace_free(struct trace *t); /* NULL is a no-op */
#endif
