/* keygen.c - make an Ed25519 key pair for signing case packages */
#include "casekit.h"
#include "commands.h"
#include "opt.h"
#include "sign.h"

static const char usage[] = "casekit keygen KEYFILE";
static const char help[] =
	"Make an Ed25519 key pair: the private key in KEYFILE (PEM, mode 0600) and the public\n"
	"key in KEYFILE.pub (PEM), to hand to whoever verifies your packages. Existing files are\n"
	"never overwritten. Prints the key's fingerprint, as 'casekit export --sign' and\n"
	"'casekit verify' show it.";

int cmd_keygen(int argc, char **argv)
{
	char fp[72];
	int rc;
	struct ck_opt opts[] = {
		CK_OPT_END,
	};

	argc = ck_parse_opts(argc, argv, opts, usage, help);
	if (argc != 1)
		ck_usage_error("one KEYFILE is needed");
	if ((rc = sign_keygen(argv[0], fp)))
		return rc;
	printf("%s\n", fp);
	if (!ck.quiet)
		fprintf(stderr, "casekit keygen: private key '%s', public key '%s.pub'\n", argv[0],
			argv[0]);
	return 0;
}
