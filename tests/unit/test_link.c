/* test_link.c - union-find, weights, hub caps, stable ids, and small stores linked end to end */
#include "casekit.h"
#include "link.h"
#include "store.h"
#include "store_db.h"
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <unistd.h>

Test(link, union_find_joins_and_counts)
{
	struct uf u = { 0 };
	uint32_t i;

	for (i = 0; i < 10; i++)
		cr_assert_eq(uf_add(&u), i);
	cr_assert_eq(uf_union(&u, 1, 2), 1);
	cr_assert_eq(uf_union(&u, 2, 3), 1);
	cr_assert_eq(uf_union(&u, 1, 3), 0, "already one set");
	cr_assert_eq(uf_find(&u, 3), uf_find(&u, 1));
	cr_assert_neq(uf_find(&u, 4), uf_find(&u, 1));
	cr_assert_eq(u.size[uf_find(&u, 1)], 3);
	uf_free(&u);
}

Test(link, union_by_size_keeps_the_bigger_root)
{
	struct uf u = { 0 };
	uint32_t i;

	for (i = 0; i < 5; i++)
		uf_add(&u);
	uf_union(&u, 0, 1);
	uf_union(&u, 0, 2);
	uf_union(&u, 4, 0);
	cr_assert_eq(uf_find(&u, 4), uf_find(&u, 0));
	cr_assert_eq(u.size[uf_find(&u, 4)], 4);
	cr_assert_eq(uf_find(&u, 0), 0, "the larger set's root stays the root");
	uf_free(&u);
}

Test(link, weight_loses_a_bit_per_doubling_of_holders)
{
	struct link_params p;

	link_params_init(&p);
	cr_assert_float_eq(link_weight(&p, LINK_DEVICE, 2), 16.0, 1e-9);
	cr_assert_float_eq(link_weight(&p, LINK_DEVICE, 4), 15.0, 1e-9);
	cr_assert_float_eq(link_weight(&p, LINK_DEVICE, 32), 12.0, 1e-9);
	cr_assert_float_eq(link_weight(&p, LINK_IP, 2), 6.0, 1e-9);
	cr_assert_eq(link_weight(&p, LINK_BUILDING, 2), 0.0);
}

Test(link, strong_kinds_join_alone_up_to_their_cap_weak_ones_never)
{
	struct link_params p;
	int c;

	link_params_init(&p);
	for (c = 0; c < LINK_BUILDING; c++) {
		int strong = c != LINK_LANDLINE && c != LINK_IP;

		cr_assert_eq(link_weight(&p, c, p.cap[c]) >= p.threshold, strong, "%s",
			link_class_name(c));
	}
	cr_assert_lt(link_weight(&p, LINK_IP, 2), p.threshold);
	cr_assert_geq(link_weight(&p, LINK_IP, 2) + link_weight(&p, LINK_LANDLINE, 2), p.threshold);
}

Test(link, settings_read_back_from_their_text)
{
	struct link_params p, q;
	char *a, *b;

	link_params_init(&p);
	p.fuzzy = 1;
	p.threshold = 12.5;
	cr_assert_eq(link_params_set_cap(&p, "phone=7"), 0);
	a = link_params_text(&p);
	link_params_init(&q);
	cr_assert_eq(link_params_parse(&q, a), 0, "%s", a);
	cr_assert(q.fuzzy && q.threshold == 12.5 && q.cap[LINK_PHONE] == 7);
	b = link_params_text(&q);
	cr_assert_str_eq(a, b);
	free(b);
	link_params_init(&q);
	cr_assert_eq(link_params_parse(&q, "threshold=10 fuzzy"), -1, "classes missing");
	cr_assert_eq(link_params_parse(&q, "threshold=-1"), -1);
	cr_assert_eq(link_params_parse(&q, ""), -1);
	cr_assert(!q.fuzzy && q.threshold == 10, "a refused text leaves the settings alone");
	free(a);
}

Test(link, classes_of_kinds_and_flags)
{
	cr_assert_eq(link_class_of("phone", "mobile"), LINK_PHONE);
	cr_assert_eq(link_class_of("phone", NULL), LINK_PHONE);
	cr_assert_eq(link_class_of("phone", "landline"), LINK_LANDLINE);
	cr_assert_eq(link_class_of("phone", "tollfree,x"), LINK_LANDLINE);
	cr_assert_eq(link_class_of("soc_sec_id", NULL), LINK_TEXT);
	cr_assert_eq(link_class_of("address_building", NULL), LINK_BUILDING);
	cr_assert(link_has_flag("private,nolink", "nolink"));
	cr_assert(!link_has_flag("nolinked", "nolink"));
	cr_assert(!link_has_flag(NULL, "nolink"));
}

Test(link, caps_are_set_by_class_name)
{
	struct link_params p;

	link_params_init(&p);
	cr_assert_eq(link_params_set_cap(&p, "ip=3"), 0);
	cr_assert_eq(p.cap[LINK_IP], 3);
	cr_assert_eq(link_params_set_cap(&p, "wifi=3"), -1);
	cr_assert_eq(link_params_set_cap(&p, "ip=0"), -1);
	cr_assert_eq(link_params_set_cap(&p, "ip"), -1);
	cr_assert_eq(link_params_set_cap(&p, "address_building=3"), -1);
}

Test(link, jaro_winkler_rewards_a_common_prefix)
{
	cr_assert_float_eq(link_jaro_winkler("martha", "marhta"), 0.9611, 1e-4);
	cr_assert_float_eq(link_jaro_winkler("dixon", "dicksonx"), 0.8133, 1e-4);
	cr_assert_float_eq(link_jaro_winkler("same", "same"), 1.0, 1e-9);
	cr_assert_float_eq(link_jaro_winkler("abc", "xyz"), 0.0, 1e-9);
	cr_assert_float_eq(link_jaro_winkler("", "abc"), 0.0, 1e-9);
}

Test(link, jaccard_of_trigrams)
{
	/* "abcd": abc bcd; "abce": abc bce; one of three distinct grams is shared */
	cr_assert_float_eq(link_jaccard3("abcd", "abce"), 1.0 / 3, 1e-9);
	cr_assert_float_eq(link_jaccard3("12 main street", "12 main street"), 1.0, 1e-9);
	cr_assert_float_eq(link_jaccard3("ab", "ab"), 1.0, 1e-9);
	cr_assert_float_eq(link_jaccard3("ab", "cd"), 0.0, 1e-9);
}

Test(link, network_ids_come_from_the_anchor)
{
	char a[18], b[18], c[18];

	link_network_id("S1", a);
	link_network_id("S1", b);
	link_network_id("S2", c);
	cr_assert_str_eq(a, b);
	cr_assert_str_neq(a, c);
	cr_assert_eq(strlen(a), 17);
	cr_assert_eq(a[0], 'N');
}

/* A real store in a temporary folder, with identifier rows inserted through SQL. */
static char dir[] = "/tmp/casekit-link.XXXXXX";
static char path[256];
static struct store *st;

static void setup(void)
{
	ck.quiet = 1;
	cr_assert_not_null(mkdtemp(dir));
	/* key files go into the test's folder, never into $HOME */
	cr_assert_eq(setenv("XDG_DATA_HOME", dir, 1), 0);
	snprintf(path, sizeof(path), "%s/t.db", dir);
	cr_assert_eq(store_open(&st, path, STORE_CREATE), 0);
	cr_assert_eq(store_exec(st,
			     "INSERT INTO sources(source_id, path, sha256, size, kind,"
			     " ingested_at) VALUES(1, 's.csv', 'x', 1, 'sellers', 'now')"),
		0);
}

static void teardown(void)
{
	char cmd[300];

	store_close(st);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static void add(
	const char *holder, const char *kind, const char *value, const char *flags, const char *day)
{
	char *sql = sqlite3_mprintf(
		"INSERT INTO identifiers(holder_kind, holder_id, kind, value, flags, day, source_id,"
		" line) VALUES('seller', %Q, %Q, %Q, %Q, %Q, 1, 2)",
		holder, kind, value, flags, day);

	cr_assert_eq(store_exec(st, sql), 0);
	sqlite3_free(sql);
}

static long long count(const char *sql)
{
	sqlite3_stmt *s;
	long long n = -1;

	cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void run(const struct link_params *p, unsigned flags, const char *mode)
{
	struct link_summary sum;

	cr_assert_eq(link_run(st, p, flags, &sum), 0);
	cr_assert_str_eq(sum.mode, mode);
}

TestSuite(linkstore, .init = setup, .fini = teardown);

Test(linkstore, a_chain_of_shared_values_is_one_network_with_a_spanning_forest)
{
	struct link_params p;

	link_params_init(&p);
	add("A", "device", "d1", NULL, NULL);
	add("B", "device", "d1", NULL, NULL);
	add("B", "email", "b@x", NULL, NULL);
	add("C", "email", "b@x", NULL, NULL);
	add("C", "payment", "v1:p", NULL, NULL);
	add("D", "payment", "v1:p", NULL, NULL);
	add("A", "payment", "v1:p", NULL, NULL);
	run(&p, 0, "full");
	cr_assert_eq(count("SELECT count(*) FROM networks"), 1);
	cr_assert_eq(count("SELECT size FROM networks"), 4);
	cr_assert_eq(count("SELECT count(DISTINCT edge_id) FROM link_edges"), 3, "n-1 edges");
	run(&p, 0, "none");
}

Test(linkstore, a_value_over_its_cap_is_one_hub_and_links_nobody)
{
	struct link_params p;
	char h[8];
	int i;

	link_params_init(&p);
	cr_assert_eq(link_params_set_cap(&p, "payment=4"), 0);
	for (i = 0; i < 5; i++) {
		snprintf(h, sizeof(h), "H%d", i);
		add(h, "payment", "v1:aggregator", NULL, NULL);
	}
	run(&p, 0, "full");
	cr_assert_eq(count("SELECT count(*) FROM networks"), 0);
	cr_assert_eq(count("SELECT count(*) FROM link_hubs"), 1);
	cr_assert_eq(count("SELECT holders FROM link_hubs"), 5);
}

Test(linkstore, weak_pieces_join_only_together_and_ips_only_on_one_day)
{
	struct link_params p;

	link_params_init(&p);
	add("A", "ip", "198.51.100.1", NULL, "2026-01-01");
	add("B", "ip", "198.51.100.1", NULL, "2026-01-01");
	add("C", "ip", "198.51.100.1", NULL, "2026-01-02");
	add("C", "phone", "+4420", "landline", NULL);
	add("A", "phone", "+4420", "landline", NULL);
	run(&p, 0, "full");
	cr_assert_eq(count("SELECT count(*) FROM network_members"), 0,
		"A-B share an IP only, A-C a landline and an IP on different days");
	add("B", "phone", "+4420", "landline", NULL);
	/* The landline A and C shared now has a third holder: it weighs less, so all again. */
	run(&p, 0, "full");
	cr_assert_eq(count("SELECT count(*) FROM network_members WHERE seller_id IN ('A', 'B')"), 2,
		"an IP that day and a landline add up");
	cr_assert_eq(count("SELECT count(*) FROM network_members"), 2, "C shares one class only");
}

Test(linkstore, nolink_values_and_buildings_never_join)
{
	struct link_params p;

	link_params_init(&p);
	add("A", "device", "0", "nolink,null", NULL);
	add("B", "device", "0", "nolink,null", NULL);
	add("A", "address_building", "b1", NULL, NULL);
	add("B", "address_building", "b1", NULL, NULL);
	add("A", "ip", "10.0.0.1", "nolink,private", "2026-01-01");
	add("B", "ip", "10.0.0.1", "nolink,private", "2026-01-01");
	run(&p, 0, "full");
	cr_assert_eq(count("SELECT count(*) FROM network_members"), 0);
	cr_assert_eq(count("SELECT count(*) FROM link_hubs"), 0);
}

Test(linkstore, pair_evidence_says_why_a_shared_value_does_not_count)
{
	struct link_params p;
	struct link_pair pr;

	link_params_init(&p);
	link_params_set_cap(&p, "address_unit=2");
	add("A", "address_unit", "fwd", NULL, NULL);
	add("B", "address_unit", "fwd", NULL, NULL);
	add("C", "address_unit", "fwd", NULL, NULL);
	add("A", "email", "a@x", NULL, NULL);
	add("B", "email", "a@x", NULL, NULL);
	cr_assert_eq(link_pair_evidence(st, &p, "A", "B", &pr), 0);
	cr_assert_eq(pr.n, 2);
	cr_assert_str_eq(pr.v[0].kind, "address_unit");
	cr_assert_str_eq(pr.v[0].why, "a hub");
	cr_assert_eq(pr.v[0].holders, 3);
	cr_assert_null(pr.v[1].why);
	cr_assert_float_eq(pr.score, 15.0, 1e-9);
	link_pair_free(&pr);
}

Test(linkstore, stable_ids_survive_reruns_and_a_merge_keeps_the_larger)
{
	struct link_params p;
	char big[18];
	long long n;

	link_params_init(&p);
	add("B", "device", "d1", NULL, NULL);
	add("C", "device", "d1", NULL, NULL);
	add("D", "device", "d1", NULL, NULL);
	add("Y", "email", "y@x", NULL, NULL);
	add("A", "email", "y@x", NULL, NULL);
	run(&p, 0, "full");
	link_network_id("B", big);
	cr_assert_eq(count("SELECT count(*) FROM networks"), 2);
	n = count("SELECT count(*) FROM network_members WHERE network_id = (SELECT network_id FROM"
		  " networks WHERE anchor = 'B')");
	cr_assert_eq(n, 3);
	run(&p, LINK_FULL, "full");
	cr_assert_eq(count("SELECT count(*) FROM network_aliases"), 0, "a rerun changes no id");
	add("D", "phone", "+1555", NULL, NULL);
	add("Y", "phone", "+1555", NULL, NULL);
	run(&p, 0, "incremental");
	cr_assert_eq(count("SELECT count(*) FROM networks"), 1);
	{
		char sql[200];

		snprintf(sql, sizeof(sql), "SELECT count(*) FROM networks WHERE network_id = '%s'",
			big);
		cr_assert_eq(count(sql), 1, "the merged network keeps the larger one's id");
	}
	cr_assert_eq(count("SELECT count(*) FROM network_aliases WHERE reason = 'merged'"), 1);
}

Test(linkstore, an_incremental_run_leaves_untouched_networks_and_their_ids_alone)
{
	struct link_params p;
	char na[18], sql[200];

	link_params_init(&p);
	add("A", "device", "d1", NULL, NULL);
	add("B", "device", "d1", NULL, NULL);
	add("C", "device", "d1", NULL, NULL);
	add("P", "email", "p@x", NULL, NULL);
	add("Q", "email", "p@x", NULL, NULL);
	run(&p, 0, "full");
	link_network_id("A", na);
	/* A leaves: B and C keep the id A's network had, and A is in no network. */
	cr_assert_eq(store_exec(st, "DELETE FROM identifiers WHERE holder_id = 'A'"), 0);
	run(&p, 0, "full");
	snprintf(sql, sizeof(sql), "SELECT size FROM networks WHERE network_id = '%s'", na);
	cr_assert_eq(count(sql), 2);
	cr_assert_eq(count("SELECT max(run_id) FROM link_runs"), 2);
	/* A joins D, both new to networks: their anchor id is taken, so it gets a counter. */
	add("A", "payment", "v1:a", NULL, NULL);
	add("D", "payment", "v1:a", NULL, NULL);
	add("R", "email", "p@x", NULL, NULL);
	run(&p, 0, "incremental");
	snprintf(sql, sizeof(sql),
		"SELECT count(*) FROM network_members WHERE network_id = '%s-2'"
		" AND seller_id IN ('A', 'D')",
		na);
	cr_assert_eq(count(sql), 2);
	snprintf(sql, sizeof(sql),
		"SELECT updated_run FROM networks WHERE network_id = '%s' AND size = 2", na);
	cr_assert_eq(count(sql), 2, "the untouched network is as the full run left it");
	cr_assert_eq(count("SELECT size FROM networks WHERE anchor = 'P'"), 3);
	cr_assert_eq(count("SELECT updated_run FROM networks WHERE anchor = 'P'"), 3);
	cr_assert_eq(count("SELECT count(*) FROM network_members"), 7);
	cr_assert_eq(count("SELECT count(*) FROM link_edges e JOIN network_members m ON"
			   " m.seller_id = e.seller_a AND m.network_id = e.network_id"),
		count("SELECT count(*) FROM link_edges"), "every edge is in its network");
	cr_assert_eq(count("SELECT networks FROM link_runs WHERE run_id = 3"), 3);
}
