/* store_citus.c - a case store spread over a Citus cluster: the distributed layout */
#include "casekit.h"
#include "store_citus.h"
#include "store_pg.h"

/*
 * The account-centred tables, hash-distributed on the seller id and co-located with sellers:
 * a seller's listings, orders, logins, payments, identifiers, scores and network membership
 * sit in the same shard on the same worker, so that what is done seller by seller (screening
 * a seller's listings, reading an account's identifiers) joins on the worker, in parallel.
 * Citus wants the distribution column in every primary key of a distributed table: key names
 * the plain schema's key column, which the distribution widens to (column, key); NULL keeps
 * the key (it is the column already, or there is none). identifiers are distributed on their
 * holder: a seller's are co-located with the seller, a party's land by the party's id.
 */
static const struct dist {
	const char *table, *column, *key;
} distributed[] = {
	{ "sellers", "seller_id", NULL },
	{ "listings", "seller_id", "listing_id" },
	{ "orders", "seller_id", "order_id" },
	{ "logins", "seller_id", "login_id" },
	{ "payments", "seller_id", "payment_id" },
	{ "identifiers", "holder_id", "ident_id" },
	{ "scores", "seller_id", "listing_id" },
};

const char *citus_key(const char *table, const char *key)
{
	static char wide[128];
	size_t i;

	for (i = 0; i < sizeof(distributed) / sizeof(*distributed); i++) {
		const struct dist *d = &distributed[i];

		if (d->key && strcmp(d->table, table) == 0 && strcmp(d->key, key) == 0) {
			snprintf(wide, sizeof(wide), "%s, %s", d->column, d->key);
			return wide;
		}
	}
	return key;
}

/*
 * Small tables that every node reads, copied whole to each (reference tables): joins with a
 * distributed table then stay on the worker. Referenced tables come before the tables that
 * reference them (rejects and source_marks name a source). Link's results are among them,
 * written by the coordinator that runs link, and few beside the accounts: networks, their
 * members (sellers in a network, a few in a hundred), which cases and link join by network
 * id, and their evidence (link_edges), from which link sets each network's kinds in one
 * UPDATE, which Citus runs on a reference table only when all it reads is reference tables
 * too. So are the points the network signal adds to a listing (score_network), which have no
 * seller id: screen joins them to scores on the listing id, in an outer join that Citus takes
 * only with a reference table on its inner side.
 */
static const char *const reference[] = {
	"meta",
	"sources",
	"rejects",
	"source_marks",
	"brands",
	"parties",
	"shipments",
	"testbuys",
	"takedowns",
	"notifiers",
	"notices",
	"screen_runs",
	"link_runs",
	"networks",
	"network_members",
	"link_edges",
	"link_hubs",
	"score_network",
	"network_aliases",
	"ident_counts",
	"ident_hubs",
	"ident_notes",
};

/*
 * Cases, their snapshots, the custody log and the notice decisions stay plain tables on the
 * coordinator: a team's case actions then go through one node, in one transaction each, the
 * custody chain (each entry hashes the one before) is extended under one lock, and the
 * append-only triggers and revoked rights of the plain schema hold as they are (Citus runs no
 * triggers on a distributed or reference table unless told that they are safe). They are
 * small; Citus joins them with distributed tables by shipping their rows to the workers.
 */

static int run(struct pg *c, const char *sql)
{
	return pg_exec(c, sql, 0);
}

int citus_reference(struct pg *c, const char *table)
{
	char sql[256];

	snprintf(sql, sizeof(sql),
		"SELECT create_reference_table(t) FROM to_regclass('%s') t WHERE t IS NOT NULL AND "
		"NOT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = t)",
		table);
	return run(c, sql);
}

int citus_distribute(struct pg *c, const char *uri)
{
	char sql[256];
	size_t i;
	int rc;

	if (pg_exec(c,
		    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')"
		    " THEN RAISE EXCEPTION 'no citus'; END IF; END $$",
		    1))
		return ck_error(EX_CONFIG,
			"'%s' has no citus extension: a distributed store needs Citus "
			"('create extension citus' there, its workers added with citus_add_node())",
			uri);
	if (pg_exec(c,
		    "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_dist_node WHERE noderole = "
		    "'primary' AND groupid <> 0) THEN RAISE EXCEPTION 'no workers'; END IF; END $$",
		    1))
		ck_warn("'%s' has no Citus worker yet: the shards stay on the coordinator until "
			"workers are added (citus_add_node(), then citus_rebalance_start())",
			uri);
	/*
	 * One connection per worker for the whole transaction: the tables were made in it, and
	 * Citus can only see them from the connection that made them.
	 */
	/*
	 * Citus runs no trigger on a distributed table's shards (not safely: each shard's would
	 * write meta from its worker), so link counts deleted identifiers there instead.
	 */
	if ((rc = run(c, "SET LOCAL citus.multi_shard_modify_mode TO 'sequential'")) ||
		(rc = run(c, "INSERT INTO meta VALUES('layout', 'citus')")) ||
		(rc = run(c, "DROP TRIGGER IF EXISTS link_identifiers_deleted ON identifiers")))
		return rc;
	for (i = 0; i < sizeof(distributed) / sizeof(*distributed); i++) {
		const struct dist *d = &distributed[i];

		if (!d->key)
			continue;
		snprintf(sql, sizeof(sql),
			"ALTER TABLE %s DROP CONSTRAINT %s_pkey, ADD PRIMARY KEY (%s, %s)",
			d->table, d->table, d->column, d->key);
		if ((rc = run(c, sql)))
			return rc;
	}
	for (i = 0; i < sizeof(reference) / sizeof(*reference); i++) {
		/* a table of a newer schema the server's DDL may not have yet stays local */
		snprintf(sql, sizeof(sql),
			"SELECT create_reference_table(t) FROM to_regclass('%s') t WHERE t IS NOT NULL",
			reference[i]);
		if ((rc = run(c, sql)))
			return rc;
	}
	for (i = 0; i < sizeof(distributed) / sizeof(*distributed); i++) {
		const struct dist *d = &distributed[i];

		snprintf(sql, sizeof(sql),
			"SELECT create_distributed_table('%s', '%s', 'hash', '%s')", d->table,
			d->column, i ? "sellers" : "none");
		if ((rc = run(c, sql)))
			return rc;
	}
	/*
	 * Link's scratch copy of the seller identifiers, spread by value rather than holder: a
	 * full link fills it worker to worker (Citus repartitions an INSERT ... SELECT between
	 * tables spread on different columns), groups it by value where it lies, and reads back
	 * only the values that two or more sellers hold. Nothing else reads it, and link empties
	 * it again when done. It has no key: a row is one identifiers row, for one run. Its
	 * shards are fewer than the accounts' (two a worker): each shard of identifiers sends a
	 * piece to each of them, and with 32 of each those 1,024 pieces cost more than the rows.
	 */
	if ((rc = run(c,
		     "CREATE TABLE link_values(ident_id bigint, kind text, value text, "
		     "holder_id text, flags text, day text, raw text)")) ||
		(rc = run(c,
			 "SELECT create_distributed_table('link_values', 'value', 'hash', "
			 "'none', shard_count => greatest(2, 2 * (SELECT count(*) FROM "
			 "pg_dist_node WHERE noderole = 'primary' AND groupid <> 0))::int)")))
		return rc;
	/*
	 * Queries join listings with orders, scores with listings, on the listing id: not the
	 * distribution column, so Citus must repartition one side, which it does only when asked.
	 * And they join a case's temporary tables with distributed ones: those are small, so they
	 * go to the workers rather than the other way round.
	 */
	return run(c,
		"DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET "
		"citus.enable_repartition_joins = on', current_database());\n"
		"EXECUTE format('ALTER DATABASE %I SET citus.local_table_join_policy = "
		"''prefer-distributed''', current_database());\n"
		"EXCEPTION WHEN insufficient_privilege THEN RAISE WARNING 'only the owner of the "
		"database can set citus.enable_repartition_joins and "
		"citus.local_table_join_policy for it: ask them to';\n"
		"END $$");
}
