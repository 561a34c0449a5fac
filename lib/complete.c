/* complete.c - candidates for completion: ids from the store by prefix, kinds and profiles */
#include "casekit.h"
#include "complete.h"
#include "store.h"
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

/* Each id kind, the table and the column that hold its ids. */
static const struct {
	const char *kind, *table, *col;
} id_kinds[] = {
	{ "seller", "sellers", "seller_id" },
	{ "listing", "listings", "listing_id" },
	{ "party", "parties", "party_id" },
	{ "network", "networks", "network_id" },
	{ "case", "cases", "case_id" },
	{ "notice", "notices", "notice_id" },
};
#define NID_KINDS (sizeof(id_kinds) / sizeof(*id_kinds))

/*
 * The ids of kind k that start with prefix, at most limit of them, to fn; nothing when st has no
 * such table yet (networks and cases come from later applets). The count given.
 */
static int ids_of(struct store *st, size_t k, const char *prefix, int typed, size_t limit,
	complete_fn *fn, void *arg)
{
	struct store_stmt *s;
	char *sql;
	int n = 0;

	if (!st || !store_column_exists(st, id_kinds[k].table, id_kinds[k].col))
		return 0;
	/* A range, not LIKE: it uses the primary key index, and ids are case-sensitive. */
	sql = xasprintf("SELECT DISTINCT %s FROM %s WHERE %s >= ?1 AND %s < ?1 || char(1114111) "
			"ORDER BY 1 LIMIT ?2",
		id_kinds[k].col, id_kinds[k].table, id_kinds[k].col, id_kinds[k].col);
	s = store_prepare(st, sql);
	free(sql);
	if (!s)
		return 0;
	store_bind_text(s, 1, prefix);
	store_bind_int(s, 2, (int64_t)limit);
	while (store_step(s) == STORE_ROW) {
		const char *id = store_col_text(s, 0);

		if (!id)
			continue;
		if (typed) {
			char *t = xasprintf("%s:%s", id_kinds[k].kind, id);

			fn(t, arg);
			free(t);
		} else {
			fn(id, arg);
		}
		n++;
	}
	store_done(s);
	return n;
}

static int list_profiles(const char *prefix, complete_fn *fn, void *arg)
{
	char *dir = xasprintf("%s/profiles", ck_datadir());
	struct dirent **ents;
	int i, m, n = 0;

	m = scandir(dir, &ents, NULL, alphasort);
	free(dir);
	for (i = 0; i < m; i++) {
		char *name = ents[i]->d_name, *dot = strchr(name, '.');

		if (dot && dot != name)
			*dot = '\0';
		if (name[0] != '.' && strncmp(name, prefix, strlen(prefix)) == 0) {
			fn(name, arg);
			n++;
		}
		free(ents[i]);
	}
	if (m > 0)
		free(ents);
	return n;
}

int complete_values(struct store *st, const char *kind, const char *prefix, size_t limit,
	complete_fn *fn, void *arg)
{
	const char *colon;
	size_t k;
	int n = 0;

	if (strcmp(kind, "kind") == 0) {
		for (k = 0; store_kinds[k]; k++)
			if (strncmp(store_kinds[k], prefix, strlen(prefix)) == 0) {
				fn(store_kinds[k], arg);
				n++;
			}
		return n;
	}
	if (strcmp(kind, "profile") == 0)
		return list_profiles(prefix, fn, arg);
	if (strcmp(kind, "table") == 0)
		return st ? store_tables(st, prefix, fn, arg) : 0;
	if (strcmp(kind, "any") == 0) {
		colon = strchr(prefix, ':');
		for (k = 0; k < NID_KINDS; k++) {
			size_t len = strlen(id_kinds[k].kind);

			if (!colon)
				n += ids_of(st, k, prefix, 0, limit, fn, arg);
			else if ((size_t)(colon - prefix) == len &&
				strncmp(prefix, id_kinds[k].kind, len) == 0)
				n += ids_of(st, k, colon + 1, 1, limit, fn, arg);
		}
		return n;
	}
	for (k = 0; k < NID_KINDS; k++)
		if (strcmp(kind, id_kinds[k].kind) == 0)
			return ids_of(st, k, prefix, 0, limit, fn, arg);
	return -1;
}

const char *complete_kind_for(const char *longopt, const char *argname)
{
	static const struct {
		const char *arg, *kind;
	} map[] = {
		{ "CASE", "case" },
		{ "CASE-ID", "case" },
		{ "ID", "any" },
		{ "KIND", "kind" },
		{ "LISTING", "listing" },
		{ "NETWORK", "network" },
		{ "NOTICE", "notice" },
		{ "PARTY", "party" },
		{ "PROFILE", "profile" },
		{ "SELLER", "seller" },
	};
	size_t i;

	if (longopt && strncmp(longopt, "--", 2) == 0)
		longopt += 2;
	for (i = 0; longopt && i < NID_KINDS; i++)
		if (strcmp(longopt, id_kinds[i].kind) == 0)
			return id_kinds[i].kind;
	if (longopt && (strcmp(longopt, "kind") == 0 || strcmp(longopt, "profile") == 0))
		return strcmp(longopt, "kind") == 0 ? "kind" : "profile";
	if (!argname)
		return NULL;
	for (i = 0; i < sizeof(map) / sizeof(*map); i++)
		if (strcmp(argname, map[i].arg) == 0)
			return map[i].kind;
	return NULL;
}

static void print_line(const char *s, void *arg)
{
	fprintf(arg, "%s\n", s);
}

struct store *complete_open(void)
{
	const char *path = ck.db ? ck.db : store_default_path();
	struct store *st = NULL;
	int saved, null;

	if (!store_is_uri(path))
		/* Only open what exists: store_open() would speak up about a missing store. */
		return access(path, R_OK) == 0 && store_open(&st, path, STORE_READONLY) == 0 ? st
											     : NULL;
	/*
	 * a server is asked, and its refusal kept off the command line being completed; one that
	 * never answers is given up after 2 s (libpq's PGCONNECT_TIMEOUT, unless the user set it
	 * or the URI's connect_timeout), not waited for while the user's Tab hangs
	 */
	setenv("PGCONNECT_TIMEOUT", "2", 0);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	if ((null = open("/dev/null", O_WRONLY)) >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
	if (store_open(&st, path, STORE_READONLY) != 0)
		st = NULL;
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	return st;
}

int complete_list_ids(int argc, char **argv)
{
	const char *kind, *prefix;
	struct store *st = NULL;
	int n;

	if (argc < 1 || argc > 2)
		return ck_error(EX_USAGE, "usage: casekit --list-ids %s [PREFIX]", COMPLETE_KINDS);
	kind = argv[0];
	prefix = argc > 1 ? argv[1] : "";
	if (strcmp(kind, "kind") != 0 && strcmp(kind, "profile") != 0)
		st = complete_open();
	n = complete_values(st, kind, prefix, 200, print_line, stdout);
	store_close(st);
	if (n < 0)
		return ck_error(EX_USAGE, "'%s' is not one of %s", kind, COMPLETE_KINDS);
	return 0;
}
