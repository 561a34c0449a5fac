/* link.c - join seller accounts into networks by shared identifiers, with the evidence */
#include "casekit.h"
#include "commands.h"
#include "link.h"
#include "link_show.h"
#include "opt.h"
#include "output.h"
#include "store.h"

static const char usage[] =
	"casekit link [-d PATH] [-f FMT] [--full] [--defaults] [--fuzzy] [--threshold BITS] "
	"[--cap CLASS=N]... "
	"[--from FILE|-] [--members|--hubs|--network ID|--explain A B]";
static const char help[] =
	"Join seller accounts that share identifiers (device, payment account, phone, email,\n"
	"address unit, an IP on the same day, a profile's own kinds) into networks, and print\n"
	"them. Each shared value weighs some bits, fewer the more accounts hold it; a pair\n"
	"joins when its evidence reaches the threshold. A value held by more accounts than its\n"
	"class allows is a hub and links nobody. The results stay in the store: a later run\n"
	"does only what new identifiers need. --network shows one network's evidence edges\n"
	"down to file and line, and --explain why two accounts are joined, or why not.\n"
	"A run keeps the settings of the last one (--fuzzy, --threshold, --cap) unless it is\n"
	"given new ones; --defaults starts again from the defaults.\n"
	"-f dot draws the networks (or the one of --network, or those of --from) for Graphviz.\n"
	"Classes for --cap: device payment email phone landline address_unit ip text.";

int cmd_link(int argc, char **argv)
{
	const char *from = NULL, *network = NULL, *threshold = NULL;
	int members = 0, hubs = 0, explain_mode = 0, full = 0, fuzzy = 0, defaults = 0, modes, rc,
	    i, dot;
	double bits = 0;
	struct ck_list caps = { 0 };
	struct link_summary sum;
	struct link_params p;
	struct link_show c = { .p = &p, .fp = stdout };
	struct ck_opt opts[] = {
		CK_OPT_DB,
		CK_OPT_CHOICE('f', "format", &ck.format, "FMT", OUT_FORMAT_NAMES "|dot",
			"output: " OUT_FORMAT_NAMES "|dot (table on a terminal, else tsv)"),
		CK_OPT_BOOL(0, "members", &members, "one row per member: network_id, seller_id"),
		CK_OPT_BOOL(0, "hubs", &hubs, "the values that linked nobody: too many holders"),
		CK_OPT_STR(
			0, "network", &network, "ID", "one network's evidence edges and bridges"),
		CK_OPT_BOOL(0, "explain", &explain_mode, "why operands A and B are joined, or not"),
		CK_OPT_STR(
			0, "from", &from, "FILE", "only the networks of these typed ids (- stdin)"),
		CK_OPT_BOOL(0, "full", &full, "relink everything, not only what is new"),
		CK_OPT_BOOL(0, "defaults", &defaults,
			"the default settings, not those of the last run"),
		CK_OPT_BOOL(
			0, "fuzzy", &fuzzy, "also join near-identical names, addresses, text ids"),
		CK_OPT_STR(
			0, "threshold", &threshold, "BITS", "evidence a pair needs (default 10)"),
		CK_OPT_LIST(0, "cap", &caps, "CLASS=N", "more holders than N: a hub (repeatable)"),
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	modes = members + hubs + explain_mode + (network != NULL);
	if (modes > 1 && !(members && network && modes == 2))
		ck_usage_error("choose one of --members, --hubs, --network and --explain");
	if (explain_mode ? argc != 2 : argc != 0)
		ck_usage_error(
			explain_mode ? "--explain needs two seller ids" : "no operands expected");
	if (from && (hubs || explain_mode || network))
		ck_usage_error("--from goes with the network list or --members");
	dot = ck.format && strcmp(ck.format, "dot") == 0;
	if (dot && (members || hubs || explain_mode))
		ck_usage_error("-f dot draws networks: not with --members, --hubs or --explain");
	link_params_init(&p);
	if (threshold) {
		char *end;

		bits = strtod(threshold, &end);
		if (*end || end == threshold || !(bits > 0))
			ck_usage_error(
				"--threshold wants a positive number of bits, not '%s'", threshold);
	}
	for (i = 0; i < (int)caps.n; i++)
		if (link_params_set_cap(&p, caps.v[i]))
			ck_usage_error(
				"bad --cap '%s': want CLASS=N with a class of: device payment"
				" email phone landline address_unit ip text",
				caps.v[i]);
	c.fmt = out_format_for(stdout);
	if ((rc = store_open(&c.st, NULL, 0)))
		goto out;
	/* The last run's settings, then what this one names on top. */
	if (!defaults && (rc = link_params_last(c.st, &p)) > 1)
		goto out;
	if (fuzzy)
		p.fuzzy = 1;
	if (threshold)
		p.threshold = bits;
	for (i = 0; i < (int)caps.n; i++)
		link_params_set_cap(&p, caps.v[i]);
	if ((rc = link_run(c.st, &p, full ? LINK_FULL : 0, &sum)))
		goto out;
	if (strcmp(sum.mode, "none") != 0 && !ck.quiet)
		fprintf(stderr, "casekit link: %s run: %s, %s of %s, %s\n", sum.mode,
			ck_count(sum.sellers, "seller", "sellers"),
			ck_count(sum.networks, "network", "networks"),
			ck_count(sum.members, "account", "accounts"),
			ck_count(sum.hubs, "hub", "hubs"));
	if (from && (rc = link_show_select(&c, from)))
		goto out;
	if (explain_mode) {
		if (strcmp(argv[0], argv[1]) == 0)
			ck_usage_error("--explain needs two different accounts");
		rc = link_show_explain(&c, argv[0], argv[1]);
	} else if (hubs)
		rc = link_show_hubs(&c);
	else if (network && members) {
		char *id = link_show_resolve(c.st, network);

		rc = id ? link_show_members(&c, id) : EX_DATAERR;
		free(id);
	} else if (network && dot) {
		char *id = link_show_resolve(c.st, network);

		rc = id ? link_show_dot(&c, id) : EX_DATAERR;
		free(id);
	} else if (network)
		rc = link_show_network(&c, network);
	else if (dot)
		rc = link_show_dot(&c, NULL);
	else if (members || c.fmt == OUT_IDS)
		rc = link_show_members(&c, NULL);
	else
		rc = link_show_networks(&c);
out:
	store_close(c.st);
	free(caps.v);
	return rc;
}
