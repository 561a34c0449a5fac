/* test_bag.c - BagIt bags: one written verifies, a tampered payload or tag file is refused */
#include "casekit.h"
#include "bag.h"
#include "sign.h"
#include "unit.h"
#include <criterion/criterion.h>
#include <criterion/redirect.h>

static const char *dir;
static char path[64];
static char *problems;
static size_t problems_len;

static void setup(void)
{
	dir = unit_tmpdir();
	snprintf(path, sizeof(path), "%s/case.tar.gz", dir);
	cr_redirect_stderr();
	ck.quiet = 1;
}

static void teardown(void)
{
	free(problems);
	problems = NULL;
	unit_rmdir();
}

TestSuite(bag, .init = setup, .fini = teardown);

static void add(struct bag_writer *w, const char *name, const char *text)
{
	bag_add(w, name, xstrdup(text), strlen(text));
}

/* A bag of two payload files with its manifests; the caller may add or change before sealing. */
static void payload(struct bag_writer *w)
{
	add(w, "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
	add(w, "bag-info.txt", "Source-Organization: Unit\nPayload-Oxum: 35.2\n");
	add(w, "data/tables/accounts.csv", "seller_id,name\nS1,Shop One\n");
	add(w, "data/notes.txt", "Ä note\n");
	bag_payload_manifests(w);
}

/* Write w as path and verify it; the problems printed are kept in problems. */
static int write_and_verify(struct bag_writer *w, struct bag_report *r)
{
	FILE *fp = fopen(path, "wb");
	int rc;

	cr_assert_not_null(fp);
	cr_assert_eq(bag_write_targz(w, "case-1", fp, 1700000000), 0);
	cr_assert_eq(fclose(fp), 0);
	bag_writer_free(w);
	free(problems);
	problems = NULL;
	r->problems = open_memstream(&problems, &problems_len);
	r->quiet = 1;
	rc = bag_verify(path, r);
	fclose(r->problems);
	return rc;
}

#define cr_assert_problem(want) \
	cr_assert_not_null(strstr(problems, want), "want '%s' in: %s", want, problems)

Test(bag, a_written_bag_verifies_with_its_counts_and_seal)
{
	struct bag_writer w = { 0 };
	struct bag_report r = { 0 };
	char seal[65];

	payload(&w);
	bag_tag_manifests(&w);
	bag_sha256_hex(bag_find(&w, "tagmanifest-sha256.txt")->data,
		bag_find(&w, "tagmanifest-sha256.txt")->len, seal);
	cr_assert_not_null(bag_find(&w, "manifest-sha512.txt"));
	cr_assert_null(bag_find(&w, "nope.txt"));
	cr_assert_eq(write_and_verify(&w, &r), 0, "%s", problems);
	cr_assert_eq(r.nproblems, 0);
	cr_assert_str_eq(problems, "");
	cr_assert_eq(r.payload_files, 2);
	cr_assert_eq(r.payload_bytes, 35);
	cr_assert_str_eq(r.version, "1.0");
	cr_assert_str_eq(r.algs, "sha256 sha512");
	cr_assert_str_eq(r.seal, seal);
}

Test(bag, sha256_is_hex_of_the_digest)
{
	char hex[65];

	bag_sha256_hex("abc", 3, hex);
	cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

/* Seal the bag, then change one byte of file (after the manifests took its checksum); verify. */
static int tampered(const char *file, size_t at)
{
	struct bag_writer w = { 0 };
	struct bag_report r = { 0 };

	payload(&w);
	bag_tag_manifests(&w);
	bag_find(&w, file)->data[at] = 'X';
	return write_and_verify(&w, &r);
}

Test(bag, a_tampered_payload_file_is_refused)
{
	cr_assert_eq(tampered("data/tables/accounts.csv", 16), 1);
	cr_assert_problem("data/tables/accounts.csv: sha256 checksum differs");
	cr_assert_problem("data/tables/accounts.csv: sha512 checksum differs");
}

Test(bag, a_tampered_tag_file_is_refused_by_the_tag_manifest)
{
	cr_assert_eq(tampered("bag-info.txt", 0), 1);
	cr_assert_problem("bag-info.txt: sha256 checksum differs");
}

Test(bag, a_payload_file_missing_from_the_manifest_is_refused)
{
	struct bag_writer w = { 0 };
	struct bag_report r = { 0 };

	payload(&w);
	add(&w, "data/extra.txt", "slipped in\n");
	bag_tag_manifests(&w);
	cr_assert_eq(write_and_verify(&w, &r), 1);
	cr_assert_problem("data/extra.txt is in the bag but not in manifest-sha256.txt");
}

Test(bag, a_rewritten_payload_manifest_is_refused_by_the_tag_manifest)
{
	struct bag_writer w = { 0 };
	struct bag_report r = { 0 };
	struct bag_item *m;

	payload(&w);
	bag_tag_manifests(&w);
	/* Change a file and its line in the manifest: the tag manifest still holds the old one. */
	bag_find(&w, "data/notes.txt")->data[3] = 'N';
	m = bag_find(&w, "manifest-sha256.txt");
	m->data[0] = m->data[0] == '0' ? '1' : '0';
	cr_assert_eq(write_and_verify(&w, &r), 1);
	cr_assert_problem("manifest-sha256.txt: sha256 checksum differs");
}

Test(bag, a_wrong_payload_oxum_is_refused)
{
	struct bag_writer w = { 0 };
	struct bag_report r = { 0 };

	add(&w, "bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n");
	add(&w, "bag-info.txt", "Payload-Oxum: 36.2\n");
	add(&w, "data/tables/accounts.csv", "seller_id,name\nS1,Shop One\n");
	add(&w, "data/notes.txt", "Ä note\n");
	bag_payload_manifests(&w);
	bag_tag_manifests(&w);
	cr_assert_eq(write_and_verify(&w, &r), 1);
	cr_assert_problem("Payload-Oxum says");
}

/*
 * A sealed bag signed with a new key (its fingerprint in fp), verified under the public key of
 * a new key named check: "k" for the signing key itself, another name for another key.
 */
static int signed_bag(const char *check, struct bag_report *r, char fp[72])
{
	struct bag_writer w = { 0 };
	struct bag_item *t;
	char key[80], other[80], pub[96], ofp[72];
	char *sig;

	snprintf(key, sizeof(key), "%s/k", dir);
	snprintf(other, sizeof(other), "%s/%s", dir, check);
	snprintf(pub, sizeof(pub), "%s/%s.pub", dir, check);
	cr_assert_eq(sign_keygen(key, fp), 0);
	if (strcmp(check, "k") != 0)
		cr_assert_eq(sign_keygen(other, ofp), 0);
	payload(&w);
	bag_tag_manifests(&w);
	t = bag_find(&w, SIGN_SIGNED_FILE);
	cr_assert_not_null(sig = sign_text(key, t->data, t->len, fp));
	bag_add(&w, SIGN_FILE, sig, strlen(sig));
	r->pubkey = pub;
	return write_and_verify(&w, r);
}

Test(bag, a_signed_bag_verifies_under_its_key_only)
{
	struct bag_report r = { 0 };
	char fp[72];

	cr_assert_eq(signed_bag("o", &r, fp), 1, "signed by another key");
	cr_assert_eq(r.sig_checked, 0);
	cr_assert_problem("signed by key");
}

Test(bag, the_signature_is_checked_and_its_signer_named)
{
	struct bag_report r = { 0 };
	char fp[72];

	cr_assert_eq(signed_bag("k", &r, fp), 0, "%s", problems);
	cr_assert_eq(r.sig_checked, 1);
	cr_assert_str_eq(r.signer, fp);
}

Test(bag, a_tar_that_is_not_a_bag_is_refused)
{
	struct bag_writer w = { 0 };
	struct bag_report r = { 0 };

	add(&w, "data/x.txt", "x\n");
	cr_assert_eq(write_and_verify(&w, &r), 1);
	cr_assert_problem("bagit.txt is missing");
}
