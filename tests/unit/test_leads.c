/* test_leads.c - typed ids: types, bare ids, duplicates, bad lines */
#include "casekit.h"
#include "leads.h"
#include <unistd.h>
#include <criterion/criterion.h>

Test(leads, typed_and_bare_ids)
{
	struct leads l = { 0 };

	cr_assert_eq(leads_add(&l, "listing:L1", "seller", NULL), 0);
	cr_assert_eq(leads_add(&l, "S9", "seller", NULL), 0);
	cr_assert_eq(leads_add(&l, "weird:id", "seller", NULL), 0);
	cr_assert_str_eq(l.v[0].kind, "listing");
	cr_assert_str_eq(l.v[0].id, "L1");
	cr_assert_str_eq(l.v[1].kind, "seller");
	cr_assert_str_eq(l.v[2].id, "weird:id");
	leads_free(&l);
}

Test(leads, repeated_lead_is_kept_once)
{
	struct leads l = { 0 };

	leads_add(&l, "seller:S1", "seller", NULL);
	leads_add(&l, "S1", "seller", NULL);
	cr_assert_eq(l.n, 1);
	leads_free(&l);
}

Test(leads, disallowed_type_is_refused)
{
	struct leads l = { 0 };

	cr_assert_eq(leads_add(&l, "case:C1", "seller", "seller|listing"), -1);
	cr_assert_eq(leads_add(&l, "seller:", "seller", NULL), -1);
	leads_free(&l);
}

Test(leads, read_skips_blanks_and_comments_and_names_bad_lines)
{
	char path[] = "/tmp/casekit-leads.XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	struct leads l = { 0 };

	fputs("# leads\n\n  seller:S1 \r\nlisting:L2\ncase:C1\n", fp);
	fclose(fp);
	ck.quiet = 1;
	cr_assert_eq(leads_read(&l, path, "seller", "seller|listing"), EX_DATAERR);
	cr_assert_eq(l.n, 2);
	cr_assert_str_eq(l.v[0].id, "S1");
	leads_free(&l);
	unlink(path);
}
