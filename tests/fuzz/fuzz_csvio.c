/* fuzz_csvio.c - libFuzzer target: the CSV reader (plain, gzip, converted) and the field
 * parsers, fed arbitrary bytes. Build and run with `make fuzz`. */
#include "casekit.h"
#include "csvio.h"
#include "ingest.h"
#include "money.h"
#include "profile.h"
#include "text.h"
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parsers(const char *s)
{
	char t[21], c[4];
	int64_t v;
	struct profile *p = NULL;
	struct profile_tmpl tmpl;
	const char *why;

	money_parse(s, 2, &v);
	money_parse(s, 0, &v);
	money_parse(s, 3, &v);
	ingest_time(s, NULL, t);
	ingest_time(s, "%d/%m/%Y %H:%M", t);
	ingest_currency(s, c);
	money_exponent(s);
	text_utf8_valid(s, strlen(s));
	if (profile_parse(&p, s, "fuzz") == 0) {
		profile_kind_of(p, "sellers.csv");
		profile_free(p);
	}
	if (profile_tmpl_parse(&tmpl, s, &why) == 0)
		profile_tmpl_free(&tmpl);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csvio_opts o = { .max_field = 4096 };
	struct csvio *r;
	struct csvio_rec *rec;
	char path[64], *text;
	int fd, rc, n = 0;

	/* The first byte picks the reader's options; the rest is the input. */
	if (size == 0)
		return 0;
	if (data[0] & 1)
		o.encoding = "gb18030";
	if (data[0] & 2)
		o.delim = '\t';
	text = xstrndup((const char *)data + 1, size - 1);
	parsers(text);
	free(text);
	fd = memfd_create("fuzz", 0);
	if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (csvio_open(&r, path, &o) == 0) {
		if (data[0] & 4) {
			if ((rc = csvio_next(r, &rec)) == 1)
				csvio_readahead(r);
		}
		while ((rc = csvio_next(r, &rec)) == 1 && n++ < 100000) {
			size_t i;

			for (i = 0; i < rec->n; i++)
				if (rec->f[i][rec->len[i]] != '\0')
					abort(); /* every field is NUL-terminated */
		}
		csvio_sha256(r);
		csvio_close(r);
	}
	close(fd);
	return 0;
}
