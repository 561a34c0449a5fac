/* test_trace.c - the upstream walk: cycles, depth, ties, hubs and ranking by specificity */
#include "casekit.h"
#include "leads.h"
#include "store.h"
#include "trace.h"
#include "unit.h"
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <unistd.h>

static struct store *st;

/*
 * Operation S1 S2 S3: factory F1 -> warehouse W1 -> the three sellers, and W1 sends a return
 * to F1 (a cycle). Carrier C1 ships more than anyone, to all eight sellers (S1 twice). F2
 * supplies two honest sellers. P9 shares a phone with S3; P8's phone has four holders.
 */
static const char graph[] =
	"INSERT INTO sellers(seller_id, shop_name, source_id, line) VALUES"
	" ('S1','a',1,1),('S2','b',1,2),('S3','c',1,3),('S4','d',1,4),('S5','e',1,5),"
	" ('S6','f',1,6),('S7','g',1,7),('S8','h',1,8);"
	"INSERT INTO parties(party_id, kind, name, source_id, line) VALUES"
	" ('F1','factory','Leather',2,1),('W1','warehouse','Store',2,2),"
	" ('C1','carrier','FastShip',2,3),('F2','factory','Good',2,4),"
	" ('P9','supplier','Friend',2,5),('P8','forwarder','Hub',2,6);"
	"INSERT INTO listings(listing_id, seller_id, source_id, line) VALUES ('L3','S3',3,1);"
	"INSERT INTO shipments(shipment_id, from_id, to_id, quantity, declared_value, currency,"
	" source_id, line) VALUES"
	" ('H1','F1','W1',500,250000,'CNY',4,1),('H2','W1','S1',100,1,'CNY',4,2),"
	" ('H3','W1','S2',100,1,'CNY',4,3),('H4','W1','S3',100,1,'CNY',4,4),"
	" ('H5','W1','F1',5,1,'CNY',4,5),"
	" ('C1a','C1','S1',900,1,'CNY',4,6),('C1b','C1','S2',900,1,'CNY',4,7),"
	" ('C1c','C1','S3',900,1,'CNY',4,8),('C1d','C1','S4',900,1,'CNY',4,9),"
	" ('C1e','C1','S5',900,1,'CNY',4,10),('C1f','C1','S6',900,1,'CNY',4,11),"
	" ('C1g','C1','S7',900,1,'CNY',4,12),('C1h','C1','S8',900,1,'CNY',4,13),"
	" ('C1i','C1','S1',900,1,'CNY',4,16),"
	" ('F2a','F2','S4',50,1,'CNY',4,14),('F2b','F2','S5',50,1,'CNY',4,15);"
	"INSERT INTO identifiers(holder_kind, holder_id, kind, value, source_id, line) VALUES"
	" ('party','P9','phone','+861',2,5),('seller','S3','phone','+861',1,3),"
	" ('party','P8','phone','+862',2,6),('seller','S1','phone','+862',1,1),"
	" ('seller','S4','phone','+862',1,4),('seller','S5','phone','+862',1,5);";

static void setup(void)
{
	st = unit_store();
	cr_assert_eq(store_exec(st, graph), 0);
}

static void teardown(void)
{
	unit_store_close(st);
}

TestSuite(trace, .init = setup, .fini = teardown);

static struct trace *walk(const char *const *ids, int depth, enum trace_rank rank, int hubs)
{
	struct leads l = { 0 };
	struct trace_opts o;
	struct trace *t;

	for (; *ids; ids++)
		cr_assert_eq(leads_add(&l, *ids, "seller", NULL), 0);
	trace_opts_init(&o);
	o.depth = depth;
	o.rank = rank;
	if (hubs)
		o.max_holders = hubs;
	cr_assert_eq(trace_run(st, &l, &o, &t), 0);
	leads_free(&l);
	return t;
}

/* The rank (1-based) of id, or 0 when the walk did not reach it. */
static size_t rank_of(const struct trace *t, const char *id)
{
	size_t i;

	for (i = 0; i < trace_count(t); i++)
		if (strcmp(trace_party_at(t, i)->id, id) == 0)
			return i + 1;
	return 0;
}

static const char *const op[] = { "S1", "S2", "S3", NULL };

Test(trace, factory_outranks_the_carrier_that_ships_to_everyone)
{
	struct trace *t = walk(op, 4, TRACE_RANK_SPECIFIC, 0);
	size_t f1 = rank_of(t, "F1"), c1 = rank_of(t, "C1");

	cr_assert(f1 >= 1 && f1 <= 2, "F1 is rank %zu", f1);
	cr_assert_gt(c1, 3, "the carrier is rank %zu", c1);
	cr_assert_eq(trace_party_at(t, c1 - 1)->flagged_sellers, 3);
	cr_assert_float_eq(trace_party_at(t, c1 - 1)->share_flagged, 4.0 / 9, 1e-9);
	cr_assert_float_eq(trace_party_at(t, f1 - 1)->share_flagged, 1.0, 1e-9);
	trace_free(t);
}

Test(trace, count_ranking_puts_the_carrier_first)
{
	struct trace *t = walk(op, 4, TRACE_RANK_COUNT, 0);

	cr_assert_str_eq(trace_party_at(t, 0)->id, "C1");
	trace_free(t);
}

Test(trace, cycle_is_walked_once_with_shortest_paths)
{
	struct trace *t = walk(op, 8, TRACE_RANK_SPECIFIC, 0);
	const struct trace_party *p = trace_party_at(t, rank_of(t, "F1") - 1);

	cr_assert_eq(p->depth, 2);
	cr_assert_str_eq(p->path, "S1<-W1<-F1");
	cr_assert_eq(p->quantity, 500);
	cr_assert_eq(p->value, 250000);
	cr_assert_str_eq(p->currency, "CNY");
	cr_assert_eq(trace_count(t), 5); /* W1 F1 C1 P9 P8, each once */
	trace_free(t);
}

Test(trace, depth_limit_stops_the_walk)
{
	struct trace *t = walk(op, 1, TRACE_RANK_SPECIFIC, 0);

	cr_assert_eq(rank_of(t, "F1"), 0);
	cr_assert_neq(rank_of(t, "W1"), 0);
	trace_free(t);
}

Test(trace, shared_identifier_ties_a_party_and_says_so)
{
	struct trace *t = walk(op, 4, TRACE_RANK_SPECIFIC, 0);
	size_t p9 = rank_of(t, "P9");

	cr_assert_neq(p9, 0);
	cr_assert_str_eq(trace_party_at(t, p9 - 1)->path, "S3<~phone~P9");
	trace_free(t);
}

Test(trace, hub_identifier_ties_nobody)
{
	struct trace *t = walk(op, 4, TRACE_RANK_SPECIFIC, 3);

	cr_assert_eq(rank_of(t, "P8"), 0);
	cr_assert_neq(rank_of(t, "P9"), 0);
	trace_free(t);
}

Test(trace, listing_lead_walks_from_its_seller)
{
	static const char *const lead[] = { "listing:L3", NULL };
	struct trace *t = walk(lead, 4, TRACE_RANK_SPECIFIC, 0);

	cr_assert_str_eq(trace_party_at(t, rank_of(t, "W1") - 1)->path, "S3<-W1");
	cr_assert_eq(trace_party_at(t, rank_of(t, "W1") - 1)->flagged_sellers, 1);
	trace_free(t);
}

Test(trace, network_lead_without_link_results_is_no_input)
{
	struct leads l = { 0 };
	struct trace_opts o;
	struct trace *t;

	leads_add(&l, "network:N1", "seller", NULL);
	trace_opts_init(&o);
	cr_assert_eq(trace_run(st, &l, &o, &t), EX_NOINPUT);
	cr_assert_null(t);
	leads_free(&l);
}

Test(trace, network_lead_walks_from_its_members)
{
	static const char *const lead[] = { "network:N1", NULL };
	struct trace *t;

	cr_assert_eq(store_exec(st,
			     "INSERT INTO network_members(network_id, seller_id)"
			     " VALUES ('N1','S1'),('N1','S2');"),
		0);
	t = walk(lead, 4, TRACE_RANK_SPECIFIC, 0);
	/* Two sellers of one network: W1 feeds two flagged sellers but one network. */
	cr_assert_eq(trace_party_at(t, rank_of(t, "W1") - 1)->flagged_sellers, 2);
	cr_assert_eq(trace_party_at(t, rank_of(t, "W1") - 1)->networks, 1);
	trace_free(t);
}

Test(trace, screen_flagged_sellers_count_on_the_flagged_side)
{
	static const char *const lead[] = { "S1", NULL };
	struct trace *t;

	cr_assert_eq(store_exec(st,
			     "INSERT INTO scores(listing_id, seller_id, score, flagged, reasons,"
			     " run_id) VALUES ('L3', 'S3', 90, 1, 'kw:replica', 1);"),
		0);
	t = walk(lead, 4, TRACE_RANK_SPECIFIC, 0);
	/*
	 * W1 ships 100 each to S1 (a lead), S3 (flagged by screen) and S2 (neither), and 5 back to
	 * F1, which passes all it makes to W1: the share is 200 / 300 whatever the return.
	 */
	cr_assert_float_eq(trace_party_at(t, rank_of(t, "W1") - 1)->share_flagged, 2.0 / 3, 1e-9);
	cr_assert_str_eq(trace_scores_table(t), "scores");
	trace_free(t);
}

/*
 * A second operation S6 S7, flagged by screen, gets its goods from F1 through warehouse W2;
 * M1 ships leather rolls (an input) to F1 alone; K1 ships boxes to M1.
 */
static const char shared[] =
	"INSERT INTO parties(party_id, kind, name, source_id, line) VALUES"
	" ('W2','warehouse','Store 2',2,7),('M1','supplier','Leather mill',2,8),"
	" ('K1','supplier','Boxes',2,9);"
	"INSERT INTO listings(listing_id, seller_id, source_id, line) VALUES"
	" ('L6','S6',3,2),('L7','S7',3,3);"
	"INSERT INTO scores(listing_id, seller_id, score, flagged, reasons, run_id) VALUES"
	" ('L6','S6',90,1,'kw:replica',1),('L7','S7',90,1,'kw:replica',1);"
	"INSERT INTO shipments(shipment_id, from_id, to_id, goods, quantity, source_id, line)"
	" VALUES ('X1','F1','W2','handbags',500,4,20),('X2','W2','S6','handbags',50,4,21),"
	" ('X3','W2','S7','handbags',50,4,22),('X4','M1','F1','PU leather rolls',3000,4,23),"
	" ('X5','K1','M1','印刷礼盒',10,4,24);";

Test(trace, factory_feeding_two_flagged_operations_is_specific_to_both)
{
	struct trace *t;

	cr_assert_eq(store_exec(st, shared), 0);
	t = walk(op, 4, TRACE_RANK_SPECIFIC, 0);
	/* Half of F1's goods go to W2, outside the walk, but W2 passes them all to S6 and S7. */
	cr_assert_float_eq(trace_party_at(t, rank_of(t, "F1") - 1)->share_flagged, 1.0, 1e-9);
	cr_assert_eq(rank_of(t, "F1"), 1);
	trace_free(t);
}

Test(trace, a_supplier_of_inputs_never_outranks_the_factory_it_feeds)
{
	struct trace *t;
	const struct trace_party *m1, *f1;

	cr_assert_eq(store_exec(st, shared), 0);
	t = walk(op, 4, TRACE_RANK_SPECIFIC, 0);
	m1 = trace_party_at(t, rank_of(t, "M1") - 1);
	f1 = trace_party_at(t, rank_of(t, "F1") - 1);
	/* M1 feeds F1 alone: as specific, as far-reaching, but what it ships is an input. */
	cr_assert_float_eq(m1->share_flagged, 1.0, 1e-9);
	cr_assert_eq(m1->flagged_sellers, f1->flagged_sellers);
	cr_assert_float_eq(m1->inputs, 1.0, 1e-9);
	cr_assert_float_eq(f1->inputs, 0.0, 1e-9);
	cr_assert_lt(m1->score, f1->score);
	/* Chinese words count too, and the cap passes up the chain. */
	cr_assert_neq(rank_of(t, "K1"), 0);
	cr_assert_lt(trace_party_at(t, rank_of(t, "K1") - 1)->score, m1->score);
	cr_assert_float_eq(trace_party_at(t, rank_of(t, "K1") - 1)->inputs, 1.0, 1e-9);
	trace_free(t);
}

Test(trace, a_party_lead_is_neither_a_flagged_seller_nor_a_network)
{
	static const char *const lead[] = { "party:W1", NULL };
	struct trace *t = walk(lead, 4, TRACE_RANK_SPECIFIC, 0);
	const struct trace_party *f1 = trace_party_at(t, rank_of(t, "F1") - 1);

	cr_assert_eq(f1->flagged_sellers, 0);
	cr_assert_eq(f1->networks, 0);
	trace_free(t);
}
