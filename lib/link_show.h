/* link_show.h - what casekit link prints: networks, members, hubs, evidence, --explain */
#ifndef CASEKIT_LINK_SHOW_H
#define CASEKIT_LINK_SHOW_H
#include <stdio.h>
#include "output.h"

struct link_params;
struct store;

/* Where and how to print, over the results of the store's last link run. */
struct link_show {
	struct store *st;
	const struct link_params *p; /* the threshold and caps, for --explain and bridges */
	FILE *fp;
	enum out_format fmt;
	int filtered; /* set by link_show_select(): temp.lead_nets and temp.lead_sellers */
};

/*
 * A network id as given, an old id (a network merged into another; a warning names the new
 * one) or a unique prefix of one: malloc'd, or NULL after one message (none, or ambiguous).
 */
char *link_show_resolve(struct store *st, const char *given);
/*
 * --from: the sellers the typed ids in path name (a listing names its seller) and the
 * networks they or a network lead belong to; the listings below show only those.
 */
int link_show_select(struct link_show *c, const char *path);
/* The networks, largest first: members, kinds, flagged listings and their value. */
int link_show_networks(struct link_show *c);
/* One row per member (network_id, seller_id), of one network or of all (network NULL). */
int link_show_members(struct link_show *c, const char *network);
/* The values that linked nobody: held by more accounts than their class allows. */
int link_show_hubs(struct link_show *c);
/* One network (given as link_show_resolve() takes it): its evidence edges, bridges marked. */
int link_show_network(struct link_show *c, const char *given);
/*
 * The networks as a Graphviz DOT picture (undirected): one cluster per network, labelled with
 * its size, kinds and flagged listings; its sellers as boxes (red with flagged listings) and
 * one line per evidence edge with its kinds, dashed when fuzzy. network (a resolved id) draws
 * that one alone; after link_show_select() the lead networks and lead sellers.
 */
int link_show_dot(struct link_show *c, const char *network);
/*
 * Why sellers a and b are one network (the chain of evidence, step by step) or why not (what
 * they share and why it does not count). 0 joined, 1 not, or an EX_* code after a message.
 */
int link_show_explain(struct link_show *c, const char *a, const char *b);
#endif
