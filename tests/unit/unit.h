/* unit.h - what the unit tests share: a temporary folder, or a new store in one, removed after */
#ifndef CASEKIT_UNIT_H
#define CASEKIT_UNIT_H
#include "casekit.h"
#include "store.h"
#include <criterion/criterion.h>

/* Each test runs in its own process (Criterion forks), so one template serves each. */
static char unit_dir[] = "/tmp/casekit-unit.XXXXXX";

/* A new temporary folder, unit_dir, that also takes key files (never $HOME). */
static inline const char *unit_tmpdir(void)
{
	cr_assert_not_null(mkdtemp(unit_dir));
	cr_assert_eq(setenv("XDG_DATA_HOME", unit_dir, 1), 0);
	return unit_dir;
}

/* Remove unit_dir and what it holds. */
static inline void unit_rmdir(void)
{
	char cmd[sizeof(unit_dir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", unit_dir);
	cr_assert_eq(system(cmd), 0);
}

/* A new store, test.db in a temporary folder that also takes its key file (never $HOME). */
static inline struct store *unit_store(void)
{
	char path[sizeof(unit_dir) + 16];
	struct store *st;

	unit_tmpdir();
	snprintf(path, sizeof(path), "%s/test.db", unit_dir);
	ck.quiet = 1;
	cr_assert_eq(store_open(&st, path, STORE_CREATE), 0);
	return st;
}

/* Close the store and remove its folder. */
static inline void unit_store_close(struct store *st)
{
	store_close(st);
	unit_rmdir();
}
#endif
