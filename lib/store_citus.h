/*
 * store_citus.h - a case store spread over a Citus cluster (distributed PostgreSQL), for
 * lib/store.c only: `casekit init --distributed URI` makes the plain PostgreSQL schema
 * (pg_create_schema()) and then hands its tables to Citus, as casekit-store(5) describes.
 */
#ifndef CASEKIT_STORE_CITUS_H
#define CASEKIT_STORE_CITUS_H

struct pg;

/*
 * Distribute the schema pg_create_schema() has just made on c (the database at uri), in the
 * same transaction: the account-centred tables hash-distributed on the seller id and
 * co-located (their keys widened to hold it), the small shared tables as reference tables on
 * every node, cases, the custody log and the notice decisions left on the coordinator. Records
 * the layout in meta (layout = citus). 0, or one message and EX_CONFIG (the database has no
 * citus extension) or another EX_* code.
 */
int citus_distribute(struct pg *c, const char *uri);
/*
 * Make table, new in a schema step, a reference table as citus_distribute() makes the small
 * shared tables (nothing when it is one already): 0 or an EX_* code, with one message.
 */
int citus_reference(struct pg *c, const char *table);
/*
 * The key of table on a distributed store, for key, its key in the plain schema: "seller_id,
 * listing_id" for listings' "listing_id"; key itself where the distribution left it. The
 * result lasts until the next call.
 */
const char *citus_key(const char *table, const char *key);
#endif
