/* test_store.c - create, reopen, refuse foreign files, keep the payment key apart */
#include "casekit.h"
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/casekit-unit.XXXXXX";
static char path[256];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	/* key files go into the test's folder, never into $HOME */
	cr_assert_eq(setenv("XDG_DATA_HOME", dir, 1), 0);
	snprintf(path, sizeof(path), "%s/test.db", dir);
	ck.quiet = 1;
}

static void teardown(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(store, .init = setup, .fini = teardown);

Test(store, create_then_reopen)
{
	struct store *st;

	cr_assert_eq(store_open(&st, path, STORE_CREATE), 0);
	store_close(st);
	cr_assert_eq(store_open(&st, path, 0), 0);
	cr_assert_eq(store_count(st, "sellers"), 0);
	store_close(st);
}

Test(store, create_refuses_existing_file)
{
	struct store *st;
	FILE *fp = fopen(path, "w");

	fputs("keep me", fp);
	fclose(fp);
	cr_assert_eq(store_open(&st, path, STORE_CREATE), EX_CANTCREAT);
	cr_assert_null(st);
}

Test(store, missing_store_is_no_input)
{
	struct store *st;

	cr_assert_eq(store_open(&st, path, 0), EX_NOINPUT);
}

Test(store, foreign_sqlite_file_is_refused_untouched)
{
	struct store *st;
	sqlite3 *db;
	struct stat before, after;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "create table t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	stat(path, &before);
	cr_assert_eq(store_open(&st, path, 0), EX_CONFIG);
	stat(path, &after);
	cr_assert_eq(before.st_size, after.st_size);
	cr_assert_eq(before.st_mtime, after.st_mtime);
}

Test(store, text_file_is_not_a_store)
{
	struct store *st;
	FILE *fp = fopen(path, "w");

	fputs("sellers,listings\n", fp);
	fclose(fp);
	cr_assert_eq(store_open(&st, path, 0), EX_CONFIG);
}

Test(store, newer_schema_is_refused)
{
	struct store *st;
	sqlite3 *db;

	cr_assert_eq(store_open(&st, path, STORE_CREATE), 0);
	store_close(st);
	sqlite3_open(path, &db);
	sqlite3_exec(db, "pragma user_version=99", NULL, NULL, NULL);
	sqlite3_close(db);
	cr_assert_eq(store_open(&st, path, 0), EX_CONFIG);
}

Test(store, payment_key_is_random_per_store_and_kept_apart)
{
	struct store *a, *b;
	unsigned char ka[STORE_KEY_LEN], kb[STORE_KEY_LEN], pa[STORE_KEY_LEN];
	char p2[300], *ida, *idb, *kpath;

	snprintf(p2, sizeof(p2), "%s/second.db", dir);
	cr_assert_eq(store_open(&a, path, STORE_CREATE), 0);
	cr_assert_eq(store_open(&b, p2, STORE_CREATE), 0);
	cr_assert_eq(store_payment_key(a, ka), 0);
	cr_assert_eq(store_payment_key(b, kb), 0);
	cr_assert_eq(store_pseudonym_key(a, pa), 0);
	cr_assert_neq(memcmp(ka, kb, sizeof(ka)), 0);
	cr_assert_neq(memcmp(ka, pa, sizeof(ka)), 0);
	ida = store_meta_get(a, "store_id");
	idb = store_meta_get(b, "store_id");
	cr_assert_eq(strlen(ida), 16);
	cr_assert_str_neq(ida, idb);
	cr_assert_null(store_meta_get(a, "secret"));
	kpath = store_key_path(a);
	cr_assert_eq(unlink(kpath), 0);
	cr_assert_eq(store_payment_key(a, ka), EX_CONFIG);
	free(kpath);
	free(ida);
	free(idb);
	store_close(a);
	store_close(b);
}

Test(store, readonly_refuses_writes)
{
	struct store *st;

	cr_assert_eq(store_open(&st, path, STORE_CREATE), 0);
	store_close(st);
	cr_assert_eq(store_open(&st, path, STORE_READONLY), 0);
	cr_assert_neq(store_exec(st, "insert into meta values('x', 1)"), 0);
	store_close(st);
}

Test(store, kinds_are_listed_in_load_order)
{
	cr_assert_str_eq(store_kinds[0], "brands");
	cr_assert(store_is_kind("takedowns"));
	cr_assert_not(store_is_kind("users"));
}
