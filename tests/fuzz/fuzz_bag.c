/* fuzz_bag.c - libFuzzer harness: the tar reader and the BagIt checks of casekit verify */
#include "casekit.h"
#include "bag.h"

static FILE *sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bag_report r;
	int rc;

	if (!sink)
		sink = fopen("/dev/null", "w");
	ck.applet = "verify";
	ck.quiet = 1;
	memset(&r, 0, sizeof(r));
	r.problems = sink;
	r.quiet = 1;
	rc = bag_verify_mem(data, size, &r);
	/* Every outcome is one of the documented exit codes; anything else is a bug. */
	if (rc != 0 && rc != 1 && rc != EX_DATAERR && rc != EX_IOERR)
		abort();
	if (rc == 0 && r.nproblems)
		abort();
	return 0;
}
