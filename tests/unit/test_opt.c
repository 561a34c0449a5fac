/* test_opt.c - the option parser: long, short, bundled, values, operands */
#include "casekit.h"
#include "opt.h"
#include <criterion/criterion.h>

static int flag_n;
static const char *kind;
static long long depth = 4;
static struct ck_list leads;

static const struct ck_opt opts[] = { CK_OPT_BOOL('n', "dry-run", &flag_n, "x"),
	CK_OPT_STR('k', "kind", &kind, "KIND", "x"), CK_OPT_INT(0, "depth", &depth, "N", "x"),
	CK_OPT_LIST(0, "lead", &leads, "ID", "x"), CK_OPT_END };

static int parse(char **argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	flag_n = 0;
	kind = NULL;
	depth = 4;
	free(leads.v);
	leads.v = NULL;
	leads.n = 0;
	return ck_parse_opts(argc, argv, opts, "casekit t", "help");
}

Test(opt, mixes_options_and_operands)
{
	char *argv[] = { "t", "a", "-nk", "sellers", "b", "--depth=6", "--lead", "seller:1",
		"--lead", "party:2", "-", NULL };
	int n = parse(argv);

	cr_assert_eq(n, 3);
	cr_assert_str_eq(argv[0], "a");
	cr_assert_str_eq(argv[1], "b");
	cr_assert_str_eq(argv[2], "-");
	cr_assert_eq(flag_n, 1);
	cr_assert_str_eq(kind, "sellers");
	cr_assert_eq(depth, 6);
	cr_assert_eq(leads.n, 2);
	cr_assert_str_eq(leads.v[1], "party:2");
}

Test(opt, double_dash_ends_options)
{
	char *argv[] = { "t", "--", "-n", NULL };
	int n = parse(argv);

	cr_assert_eq(n, 1);
	cr_assert_str_eq(argv[0], "-n");
	cr_assert_eq(flag_n, 0);
}

Test(opt, attached_short_value)
{
	char *argv[] = { "t", "-klistings", NULL };

	cr_assert_eq(parse(argv), 0);
	cr_assert_str_eq(kind, "listings");
}

Test(opt, unknown_option_exits_64, .exit_code = 64)
{
	char *argv[] = { "t", "--bogus", NULL };

	parse(argv);
}

Test(opt, bad_number_exits_64, .exit_code = 64)
{
	char *argv[] = { "t", "--depth", "four", NULL };

	parse(argv);
}

Test(opt, format_choices_are_enforced, .exit_code = 64)
{
	const struct ck_opt f[] = { CK_OPT_FORMAT, CK_OPT_END };
	char *argv[] = { "t", "-f", "xml", NULL };

	ck_parse_opts(3, argv, f, "casekit t", "help");
}

static const struct ck_sub subs[] = { CK_SUB("new", NULL), CK_SUB("show", "CASE"), CK_SUB_END };

Test(opt, subcommand_is_the_first_operand)
{
	const struct ck_opt o[] = { CK_OPT_FORMAT, CK_OPT_END };
	char *argv[] = { "t", "-f", "tsv", "show", "C1", NULL };

	cr_assert_eq(ck_parse_subcommand(5, argv, o, subs, "casekit t", "help"), 2);
	cr_assert_str_eq(argv[0], "show");
	cr_assert_str_eq(argv[1], "C1");
}

Test(opt, unknown_subcommand_exits_64, .exit_code = 64)
{
	const struct ck_opt o[] = { CK_OPT_END };
	char *argv[] = { "t", "open", NULL };

	ck_parse_subcommand(2, argv, o, subs, "casekit t", "help");
}

Test(opt, missing_subcommand_exits_64, .exit_code = 64)
{
	const struct ck_opt o[] = { CK_OPT_END };
	char *argv[] = { "t", NULL };

	ck_parse_subcommand(1, argv, o, subs, "casekit t", "help");
}
