/* verify.c - check a case package: complete, untampered, signed by whom */
#include "casekit.h"
#include "commands.h"
#include "bag.h"
#include "opt.h"
#include "sign.h"

static const char usage[] = "casekit verify [-q] [--pubkey KEYFILE] PACKAGE.tar.gz|BAGDIR...";
static const char help[] =
	"Check BagIt bags (RFC 8493, versions 0.93 to 1.0): a tar archive, gzip or not, read as\n"
	"a stream and never unpacked, or a bag folder. Reads archives strictly, as GNU tar,\n"
	"bsdtar and tarfile would (refusing anything they could read differently, and data\n"
	"after the end), and refuses absolute paths, '..', links, devices, duplicate names (after\n"
	"NFKC and case folding) and members outside the one top folder; checks bagit.txt,\n"
	"bag-info.txt, every manifest and tag manifest, Payload-Oxum, that no payload file is\n"
	"missing or extra, that a signed bag holds nothing its tag manifests do not list, every\n"
	"checksum and, with --pubkey, the Ed25519 signature. Each problem is one line on stdout,\n"
	"then a verdict line; warnings go to stderr. Exit 0 valid, 1 invalid.";

int cmd_verify(int argc, char **argv)
{
	const char *pubkey = NULL;
	char fp[72];
	int i, rc, worst = 0;
	struct ck_opt opts[] = {
		CK_OPT_STR(0, "pubkey", &pubkey, "KEYFILE",
			"check signature.txt against this public key (casekit keygen)"),
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc < 1)
		ck_usage_error("a package or bag folder is needed");
	/* A key that cannot be read is the caller's mistake, found before any bag is read. */
	if (pubkey && (rc = sign_fingerprint(pubkey, 0, fp)))
		return rc;
	for (i = 0; i < argc; i++) {
		struct bag_report r;

		memset(&r, 0, sizeof(r));
		r.problems = stdout;
		r.pubkey = pubkey;
		rc = bag_verify(argv[i], &r);
		if (rc == 0) {
			printf("%s: valid: BagIt %s, %s, %s, %s", argv[i], r.version,
				ck_count((long long)r.payload_files, "payload file",
					"payload files"),
				ck_count((long long)r.payload_bytes, "byte", "bytes"), r.algs);
			if (r.seal[0])
				printf(", tagmanifest-sha256 %s", r.seal);
			if (r.sig_checked)
				printf(", signed by %s", r.signer);
			else if (r.signer[0])
				printf(", signature not checked (%s)", r.signer);
			putchar('\n');
		} else if (rc == 1) {
			printf("%s: invalid: %d problem%s\n", argv[i], r.nproblems,
				r.nproblems == 1 ? "" : "s");
		}
		fflush(stdout);
		/* A package that cannot be read outranks one that is merely invalid. */
		if (rc > worst)
			worst = rc;
	}
	return worst;
}
