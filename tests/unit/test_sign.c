/* test_sign.c - Ed25519 keys and signatures: sign, verify, and the keys that are refused */
#include "casekit.h"
#include "sign.h"
#include "unit.h"
#include <criterion/criterion.h>
#include <sys/stat.h>

static const char *dir;
static char key_a[64], key_b[64], pub_a[64], pub_b[64];
static char fp_a[72], fp_b[72];
static const char data[] = "0123abcd  data/tables/accounts.csv\n";

static void setup(void)
{
	dir = unit_tmpdir();
	snprintf(key_a, sizeof(key_a), "%s/a.key", dir);
	snprintf(key_b, sizeof(key_b), "%s/b.key", dir);
	snprintf(pub_a, sizeof(pub_a), "%s/a.key.pub", dir);
	snprintf(pub_b, sizeof(pub_b), "%s/b.key.pub", dir);
	ck.quiet = 1;
	cr_assert_eq(sign_keygen(key_a, fp_a), 0);
	cr_assert_eq(sign_keygen(key_b, fp_b), 0);
}

static void teardown(void)
{
	unit_rmdir();
}

TestSuite(sign, .init = setup, .fini = teardown);

Test(sign, keygen_writes_a_private_key_only_its_owner_reads)
{
	struct stat sb;
	char fp[72];

	cr_assert_eq(stat(key_a, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
	cr_assert_eq(strncmp(fp_a, "SHA256:", 7), 0);
	cr_assert_eq(strlen(fp_a), 7 + 64);
	cr_assert_str_neq(fp_a, fp_b);
	cr_assert_eq(sign_fingerprint(key_a, 1, fp), 0);
	cr_assert_str_eq(fp, fp_a);
	cr_assert_eq(sign_fingerprint(pub_a, 0, fp), 0);
	cr_assert_str_eq(fp, fp_a, "the public key has the private key's fingerprint");
	cr_assert_neq(sign_keygen(key_a, fp), 0, "a key is never overwritten");
}

Test(sign, a_signature_verifies_under_its_public_key)
{
	char fp[72], why[200] = "";
	char *text = sign_text(key_a, data, strlen(data), fp);

	cr_assert_not_null(text);
	cr_assert_str_eq(fp, fp_a);
	cr_assert_not_null(strstr(text, "Signature-Algorithm: Ed25519\n"));
	cr_assert_not_null(strstr(text, fp_a));
	cr_assert_eq(sign_check(pub_a, text, strlen(text), data, strlen(data), why), 1, "%s", why);
	free(text);
}

Test(sign, changed_data_does_not_verify)
{
	char fp[72], why[200] = "";
	char *text = sign_text(key_a, data, strlen(data), fp), *other = xstrdup(data);

	other[0] = '1';
	cr_assert_eq(sign_check(pub_a, text, strlen(text), other, strlen(other), why), 0);
	cr_assert_not_null(strstr(why, "does not verify"), "%s", why);
	free(other);
	free(text);
}

Test(sign, another_key_is_refused)
{
	char fp[72], why[200] = "";
	char *text = sign_text(key_a, data, strlen(data), fp);

	cr_assert_eq(sign_check(pub_b, text, strlen(text), data, strlen(data), why), 0);
	cr_assert_not_null(strstr(why, fp_b), "%s", why);
	free(text);
}

Test(sign, a_signature_under_another_key_claiming_ours_is_refused)
{
	char fp[72], why[200] = "";
	char *text = sign_text(key_b, data, strlen(data), fp), *p;

	/* Name key a as the signer: the fingerprint matches, the signature must not. */
	cr_assert_not_null(p = strstr(text, fp_b));
	memcpy(p, fp_a, strlen(fp_a));
	cr_assert_eq(sign_check(pub_a, text, strlen(text), data, strlen(data), why), 0);
	cr_assert_not_null(strstr(why, "does not verify"), "%s", why);
	free(text);
}

Test(sign, a_private_key_where_a_public_one_is_expected_is_refused)
{
	char fp[72], why[200] = "";
	char *text = sign_text(key_a, data, strlen(data), fp);

	cr_assert_eq(sign_check(key_a, text, strlen(text), data, strlen(data), why), EX_DATAERR);
	cr_assert_eq(sign_fingerprint(key_a, 0, fp), EX_DATAERR);
	free(text);
}

Test(sign, a_public_key_cannot_sign)
{
	char fp[72];

	cr_assert_null(sign_text(pub_a, data, strlen(data), fp));
	cr_assert_eq(sign_fingerprint(pub_a, 1, fp), EX_DATAERR);
}

Test(sign, a_missing_key_is_no_input)
{
	char why[200];
	char path[80];

	snprintf(path, sizeof(path), "%s/none.pub", dir);
	cr_assert_eq(sign_check(path, "x", 1, data, strlen(data), why), EX_NOINPUT);
}
