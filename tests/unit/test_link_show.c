/* test_link_show.c - network ids as given, aliases and prefixes; the DOT picture */
#include "casekit.h"
#include "link.h"
#include "link_show.h"
#include "output.h"
#include "store.h"
#include "unit.h"
#include <criterion/criterion.h>

static struct store *st;

static void setup(void)
{
	st = unit_store();
	cr_assert_eq(
		store_exec(st,
			"INSERT INTO networks VALUES ('Nab12', 2, 'S1', 'device', 1, 1),"
			" ('Nab34', 2, 'S3', 'payment', 1, 1), ('Ncd56', 3, 'S5', 'phone', 1, 2);"
			"INSERT INTO network_aliases VALUES ('Nold1', 'Ncd56', 2, 'merged');"
			"INSERT INTO network_members VALUES ('S1', 'Nab12'), ('S2', 'Nab12');"
			"INSERT INTO link_edges VALUES (1, 'Nab12', 'S1', 'S2', 'device', 'd1', 16,"
			" 2, NULL, NULL, NULL, NULL), (1, 'Nab12', 'S1', 'S2', 'email', 'e1', 12,"
			" 2, NULL, NULL, NULL, NULL)"),
		0);
}

static void teardown(void)
{
	unit_store_close(st);
}

TestSuite(link_show, .init = setup, .fini = teardown);

static void resolves(const char *given, const char *want)
{
	char *id = link_show_resolve(st, given);

	if (want) {
		cr_assert_not_null(id, "'%s'", given);
		cr_assert_str_eq(id, want);
	} else {
		cr_assert_null(id, "'%s' gave '%s'", given, id);
	}
	free(id);
}

Test(link_show, resolve_takes_an_id_an_alias_or_a_unique_prefix)
{
	resolves("Nab12", "Nab12");
	resolves("Nold1", "Ncd56");
	resolves("Ncd", "Ncd56");
	resolves("Nab3", "Nab34");
}

Test(link_show, resolve_refuses_an_ambiguous_prefix_and_an_unknown_id)
{
	resolves("Nab", NULL);
	resolves("Nzz", NULL);
}

Test(link_show, dot_draws_one_cluster_and_one_line_per_edge)
{
	struct link_params p;
	struct link_show c = { .st = st, .p = &p, .fmt = OUT_TSV };
	char *text = NULL;
	size_t len = 0;

	link_params_init(&p);
	c.fp = open_memstream(&text, &len);
	cr_assert_eq(link_show_dot(&c, "Nab12"), 0);
	fclose(c.fp);
	cr_assert_not_null(strstr(text, "graph networks {\n"), "%s", text);
	cr_assert_not_null(strstr(text, "subgraph \"cluster_Nab12\""), "%s", text);
	cr_assert_null(strstr(text, "cluster_Nab34"), "%s", text);
	/* the two pieces of edge 1 are one line with both kinds */
	cr_assert_not_null(
		strstr(text, "\"seller:S1\" -- \"seller:S2\" [label=\"device, email\"];"), "%s",
		text);
	free(text);
}
