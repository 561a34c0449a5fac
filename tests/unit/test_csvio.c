/* test_csvio.c - the CSV reader: csv-spectrum conformance, line numbers, gzip, encodings */
#include "casekit.h"
#include "csvio.h"
#include <dirent.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>
#include <criterion/criterion.h>
#include <csv.h>
/* The fuzz target itself, so that every crasher it found is replayed here. */
#include "../fuzz/fuzz_csvio.c"

static char *spectrum(const char *rel)
{
	const char *top = getenv("TOP_SRCDIR");

	return xasprintf("%s/tests/data/csv-spectrum/%s", top ? top : "..", rel);
}

static char *slurp(const char *path)
{
	struct buf b = { 0 };
	char tmp[4096];
	size_t n;
	FILE *fp = fopen(path, "rb");

	cr_assert_not_null(fp, "cannot open %s", path);
	while ((n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(&b, tmp, n);
	fclose(fp);
	return buf_detach(&b);
}

/* A JSON string at *p (the expected files use only \" \\ \n \r and \uXXXX below 0x80). */
static char *json_string(const char **p)
{
	struct buf b = { 0 };
	const char *s = *p;

	while (*s && *s != '"')
		s++;
	cr_assert_eq(*s, '"');
	for (s++; *s && *s != '"'; s++) {
		if (*s != '\\') {
			buf_addc(&b, *s);
			continue;
		}
		s++;
		if (*s == 'n')
			buf_addc(&b, '\n');
		else if (*s == 'r')
			buf_addc(&b, '\r');
		else if (*s == 't')
			buf_addc(&b, '\t');
		else if (*s == 'u') {
			buf_addc(&b, (char)strtol((char[]){ s[1], s[2], s[3], s[4], 0 }, NULL, 16));
			s += 4;
		} else
			buf_addc(&b, *s);
	}
	*p = s + 1;
	if (!b.s)
		buf_adds(&b, "");
	return buf_detach(&b);
}

/* Every value of every record of the CSV, as "key=value" lines in record order. */
static char *parse_csv(const char *path)
{
	struct csvio *r;
	struct csvio_rec *rec;
	struct buf b = { 0 };
	char **head = NULL;
	size_t nh = 0, i;
	int rc;

	cr_assert_eq(csvio_open(&r, path, NULL), 0);
	while ((rc = csvio_next(r, &rec)) == 1) {
		if (!head) {
			nh = rec->n;
			head = xcalloc(nh, sizeof(*head));
			for (i = 0; i < nh; i++)
				head[i] = xstrdup(rec->f[i]);
			continue;
		}
		cr_assert_eq(rec->n, nh, "%s line %lu: %zu fields", path, rec->line, rec->n);
		for (i = 0; i < nh; i++)
			buf_addf(&b, "%s=%s\n", head[i], rec->f[i]);
	}
	cr_assert_eq(rc, 0, "%s: csvio_next gave %d", path, rc);
	csvio_close(r);
	for (i = 0; i < nh; i++)
		free(head[i]);
	free(head);
	if (!b.s)
		buf_adds(&b, "");
	return buf_detach(&b);
}

/* The expected JSON (an array of flat objects of strings) in the same "key=value" form. */
static char *parse_json(const char *path)
{
	char *text = slurp(path), *k, *v;
	const char *p = text;
	struct buf b = { 0 };

	for (;;) {
		while (*p && *p != '"' && *p != ']')
			p++;
		if (*p != '"')
			break;
		k = json_string(&p);
		while (*p && *p != ':')
			p++;
		v = json_string(&p);
		buf_addf(&b, "%s=%s\n", k, v);
		free(k);
		free(v);
	}
	free(text);
	if (!b.s)
		buf_adds(&b, "");
	return buf_detach(&b);
}

static void conforms(const char *name)
{
	char *csv = xasprintf("csvs/%s.csv", name), *json = xasprintf("json/%s.json", name);
	char *cp = spectrum(csv), *jp = spectrum(json);
	char *got = parse_csv(cp), *want = parse_json(jp);

	cr_assert_str_eq(got, want, "%s: got\n%s\nwanted\n%s", name, got, want);
	free(csv), free(json), free(cp), free(jp), free(got), free(want);
}

Test(csvio, spectrum_comma_in_quotes)
{
	conforms("comma_in_quotes");
}
Test(csvio, spectrum_empty)
{
	conforms("empty");
}
Test(csvio, spectrum_empty_crlf)
{
	conforms("empty_crlf");
}
Test(csvio, spectrum_escaped_quotes)
{
	conforms("escaped_quotes");
}
Test(csvio, spectrum_json)
{
	conforms("json");
}
Test(csvio, spectrum_newlines)
{
	conforms("newlines");
}
Test(csvio, spectrum_newlines_crlf)
{
	conforms("newlines_crlf");
}
Test(csvio, spectrum_quotes_and_newlines)
{
	conforms("quotes_and_newlines");
}
Test(csvio, spectrum_simple)
{
	conforms("simple");
}
Test(csvio, spectrum_simple_crlf)
{
	conforms("simple_crlf");
}
Test(csvio, spectrum_utf8)
{
	conforms("utf8");
}

/*
 * Upstream's expectation for location_coordinates is itself wrong: its phone number
 * (1234567890) is not the one in the CSV (2095257564), and it is one object, not an array.
 * We check that we read what the CSV says, and that the columns that agree do agree.
 */
Test(csvio, spectrum_location_coordinates_reads_what_the_csv_says)
{
	char *cp = spectrum("csvs/location_coordinates.csv");
	char *jp = spectrum("json/location_coordinates.json");
	char *got = parse_csv(cp), *want = parse_json(jp);

	cr_assert(strstr(got, "Contact Phone Number=2095257564\n"), "%s", got);
	cr_assert(strstr(want, "Contact Phone Number=1234567890\n"), "upstream fixed it: %s", want);
	cr_assert(strstr(got, "Cities=Modesto\nCounties=Stanislaus\n"));
	cr_assert(strstr(want, "Cities=Modesto\nCounties=Stanislaus\n"));
	cr_assert(strstr(got,
		"Location Coordinates=37\xef\xbf\xbd"
		"36'37.8\"N 121"));
	free(cp), free(jp), free(got), free(want);
}

static char *tmpfile_with(const void *data, size_t n)
{
	char *path = xstrdup("/tmp/test_csvio.XXXXXX");
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, data, n), (ssize_t)n);
	close(fd);
	return path;
}

Test(csvio, records_know_their_first_line)
{
	static const char text[] = "a,b\n1,\"x\ny\"\n\n2,z\r\n3,w\r4,v";
	char *path = tmpfile_with(text, sizeof(text) - 1);
	unsigned long want[] = { 1, 2, 5, 6, 7 };
	struct csvio *r;
	struct csvio_rec *rec;
	size_t i = 0;

	cr_assert_eq(csvio_open(&r, path, NULL), 0);
	while (csvio_next(r, &rec) == 1) {
		cr_assert_lt(i, 5);
		cr_assert_eq(rec->line, want[i], "record %zu: line %lu", i, rec->line);
		i++;
	}
	cr_assert_eq(i, 5);
	csvio_close(r);
	unlink(path);
	free(path);
}

/*
 * Marks: every span starts where a record starts, the spans cover the text after the BOM, each
 * has the SHA-256 of its bytes, and each parsed alone gives the records a whole read gives,
 * at the same lines (a quoted line break, CRLF and a lone CR included).
 */
Test(csvio, marks_start_spans_that_parse_alone)
{
	static const char text[] =
		"\xef\xbb\xbf"
		"id,name\r\n1,\"a\r\nb\"\r\n2,c\r\n\r\n3,\"d,e\"\r4,f\n5,\"g\n\nh\"\n6,i";
	char *path = tmpfile_with(text, sizeof(text) - 1);
	struct csvio *r;
	struct csvio_rec *rec;
	const struct csvio_mark *m;
	char *whole[16];
	unsigned long lines[16];
	size_t n = 0, nm, i, k;
	uint64_t at = 3;

	cr_assert_eq(csvio_open(&r, path, NULL), 0);
	csvio_keep_marks(r, 4);
	while (csvio_next(r, &rec) == 1) {
		cr_assert_lt(n, 16);
		lines[n] = rec->line;
		whole[n++] = xasprintf("%s|%s", rec->f[0], rec->n > 1 ? rec->f[1] : "");
	}
	cr_assert_eq(n, 7);
	cr_assert_not_null(m = csvio_marks(r, &nm));
	cr_assert_gt(nm, 3, "%zu marks", nm);
	cr_assert_eq(m[0].line, 1);
	for (i = 0, k = 0; i < nm; i++) {
		unsigned char md[32];
		struct csvio *sr;
		struct csvio_opts co = { 0 };
		int fd = memfd_create("span", 0);

		cr_assert_eq(m[i].offset, at, "mark %zu: offset", i);
		at += m[i].len;
		EVP_Digest(text + m[i].offset, m[i].len, md, NULL, EVP_sha256(), NULL);
		cr_assert_eq(memcmp(md, m[i].sha256, 32), 0, "mark %zu: sha256", i);
		cr_assert_eq(write(fd, text + m[i].offset, m[i].len), (ssize_t)m[i].len);
		lseek(fd, 0, SEEK_SET);
		co.delim = ',';
		cr_assert_eq(csvio_open_fd(&sr, fd, "span", &co), 0);
		while (csvio_next(sr, &rec) == 1) {
			char *got = xasprintf("%s|%s", rec->f[0], rec->n > 1 ? rec->f[1] : "");

			cr_assert_lt(k, n);
			cr_assert_eq(rec->line + m[i].line - 1, lines[k], "record %zu: line", k);
			cr_assert_str_eq(got, whole[k]);
			free(got);
			k++;
		}
		csvio_close(sr);
	}
	cr_assert_eq(k, n);
	cr_assert_eq(at, sizeof(text) - 1);
	for (i = 0; i < n; i++)
		free(whole[i]);
	csvio_close(r);
	unlink(path);
	free(path);
}

/*
 * Each span's SHA-256 is that of its bytes when spans cross the chunks the file is read in,
 * a CR ends one chunk and its LF starts the next, and a line longer than a piece is fed in
 * pieces: the spans follow each other from the first mark to the end of the file.
 */
Test(csvio, marks_hash_their_bytes_across_chunks)
{
	static const char *const ends[] = { "\n", "\r\n", "\r" };
	struct buf text = { 0 };
	char *path;
	struct csvio *r;
	struct csvio_rec *rec;
	const struct csvio_mark *m;
	size_t nm, i, nrec = 0, want = 1; /* the header is a record too */
	uint64_t at;

	buf_adds(&text, "id,name\n");
	for (i = 0; text.len < 1200 * 1024; i++) {
		if (i == 500) { /* one line of 70 kB, longer than a piece */
			buf_addf(&text, "%zu,", i);
			while (text.len < 80 * 1024)
				buf_adds(&text, "abcdefghij");
			buf_adds(&text, "\n");
		} else if (i % 5 == 0) {
			buf_addf(&text, "%zu,\"name %zu\nwith a line break\"%s", i, i, ends[i % 3]);
		} else {
			buf_addf(&text, "%zu,name %zu%s", i, i, ends[i % 3]);
		}
		want++;
		if (text.len % (256 * 1024) > 256 * 1024 - 40) {
			/* a record "x...x,y" whose CR is the last byte of a chunk, its LF the first */
			while (text.len % (256 * 1024) != 256 * 1024 - 3)
				buf_addc(&text, 'x');
			buf_adds(&text, ",y\r\n");
			want++;
		}
	}
	path = tmpfile_with(text.s, text.len);
	cr_assert_eq(csvio_open(&r, path, NULL), 0);
	csvio_keep_marks(r, 1000);
	while (csvio_next(r, &rec) == 1)
		nrec++;
	cr_assert_eq(nrec, want, "%zu records, %zu written", nrec, want);
	cr_assert_not_null(m = csvio_marks(r, &nm));
	cr_assert_gt(nm, 1000, "%zu marks", nm);
	for (i = 0, at = m[0].offset; i < nm; i++) {
		unsigned char md[32];

		cr_assert_eq(m[i].offset, at, "mark %zu: offset", i);
		at += m[i].len;
		EVP_Digest(text.s + m[i].offset, m[i].len, md, NULL, EVP_sha256(), NULL);
		cr_assert_eq(memcmp(md, m[i].sha256, 32), 0, "mark %zu: sha256", i);
	}
	cr_assert_eq(at, text.len);
	csvio_close(r);
	unlink(path);
	free(path);
	buf_free(&text);
}

/*
 * Marks taken two at a time while the file is read, then the rest, are the marks a read that
 * takes none gives, in order: none lost, none twice, none before its span is complete.
 */
Test(csvio, marks_taken_while_reading_are_the_marks)
{
	struct buf text = { 0 };
	char *path;
	struct csvio *r;
	struct csvio_rec *rec;
	const struct csvio_mark *all, *rest;
	struct csvio_mark *want, got[64], two[2];
	size_t nall, nrest, ngot = 0, i;

	buf_adds(&text, "id,name\n");
	for (i = 0; i < 40; i++)
		buf_addf(&text, "%zu,\"name %zu\nwith a line break\"\n", i, i);
	path = tmpfile_with(text.s, text.len);
	cr_assert_eq(csvio_open(&r, path, NULL), 0);
	csvio_keep_marks(r, 32);
	while (csvio_next(r, &rec) == 1)
		;
	cr_assert_not_null(all = csvio_marks(r, &nall));
	cr_assert_gt(nall, 10, "%zu marks", nall);
	want = xmalloc(nall * sizeof(*want));
	memcpy(want, all, nall * sizeof(*want));
	csvio_close(r);

	cr_assert_eq(csvio_open(&r, path, NULL), 0);
	csvio_keep_marks(r, 32);
	while (csvio_next(r, &rec) == 1) {
		size_t n = csvio_marks_take(r, two, 2);

		cr_assert(n == 0 || n == 2);
		cr_assert_leq(ngot + n, 64);
		for (i = 0; i < n; i++) /* a taken span lies within the text */
			cr_assert_leq(two[i].offset + two[i].len, (uint64_t)text.len);
		memcpy(got + ngot, two, n * sizeof(*two));
		ngot += n;
	}
	cr_assert_gt(ngot, 0);
	cr_assert_not_null(rest = csvio_marks(r, &nrest));
	cr_assert_leq(ngot + nrest, 64);
	memcpy(got + ngot, rest, nrest * sizeof(*rest));
	cr_assert_eq(ngot + nrest, nall);
	for (i = 0; i < nall; i++) {
		cr_assert_eq(got[i].line, want[i].line, "mark %zu: line", i);
		cr_assert_eq(got[i].offset, want[i].offset, "mark %zu: offset", i);
		cr_assert_eq(got[i].len, want[i].len, "mark %zu: len", i);
		cr_assert_eq(memcmp(got[i].sha256, want[i].sha256, 32), 0, "mark %zu: sha256", i);
	}
	free(want);
	buf_free(&text);
	csvio_close(r);
	unlink(path);
	free(path);
}

Test(csvio, gzip_is_known_by_magic_and_hashed_compressed)
{
	static const char text[] = "a;b\n1;2\n";
	unsigned char z[256];
	uLongf zn = sizeof(z);
	z_stream s = { 0 };
	char *path;
	struct csvio *r;
	struct csvio_rec *rec;

	/* A gzip member made by zlib itself. */
	cr_assert_eq(deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	s.next_in = (unsigned char *)text;
	s.avail_in = sizeof(text) - 1;
	s.next_out = z;
	s.avail_out = sizeof(z);
	cr_assert_eq(deflate(&s, Z_FINISH), Z_STREAM_END);
	zn = sizeof(z) - s.avail_out;
	deflateEnd(&s);
	path = tmpfile_with(z, zn);
	cr_assert_eq(csvio_open(&r, path, NULL), 0);
	cr_assert_eq(csvio_next(r, &rec), 1);
	cr_assert_eq(csvio_delim(r), ';');
	cr_assert(csvio_is_gzip(r));
	cr_assert_eq(csvio_next(r, &rec), 1);
	cr_assert_str_eq(rec->f[1], "2");
	cr_assert_eq(csvio_next(r, &rec), 0);
	cr_assert_eq(csvio_bytes_read(r), zn);
	cr_assert_eq(strlen(csvio_sha256(r)), 64);
	csvio_close(r);
	unlink(path);
	free(path);
}

Test(csvio, utf16_without_encoding_is_refused)
{
	static const char text[] = "\xff\xfe"
				   "a\0,\0b\0\n\0";
	char *path = tmpfile_with(text, sizeof(text) - 1);
	struct csvio *r;
	struct csvio_rec *rec;

	cr_assert_eq(csvio_open(&r, path, NULL), 0);
	cr_assert_eq(csvio_next(r, &rec), EX_DATAERR);
	csvio_close(r);
	unlink(path);
	free(path);
}

Test(csvio, utf16_with_encoding_is_converted)
{
	static const char text[] = "\xff\xfe"
				   "a\0,\0b\0\n\0"
				   "1\0,\0\xe4\x5b\n\0";
	struct csvio_opts o = { .encoding = "utf-16" };
	char *path = tmpfile_with(text, sizeof(text) - 1);
	struct csvio *r;
	struct csvio_rec *rec;

	cr_assert_eq(csvio_open(&r, path, &o), 0);
	cr_assert_eq(csvio_next(r, &rec), 1);
	cr_assert_str_eq(rec->f[0], "a");
	cr_assert_eq(csvio_next(r, &rec), 1);
	cr_assert_str_eq(rec->f[1], "\xe5\xaf\xa4"); /* U+5BE4 */
	csvio_close(r);
	unlink(path);
	free(path);
}

/* Each input in tests/fuzz/regress/fuzz_csvio once crashed the fuzz target; none may now. */
Test(csvio, fuzz_crashers_stay_fixed)
{
	const char *top = getenv("TOP_SRCDIR");
	char *dir = xasprintf("%s/tests/fuzz/regress/fuzz_csvio", top ? top : "..");
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	cr_assert_not_null(d, "no %s", dir);
	while ((e = readdir(d))) {
		char *path, *data;
		FILE *fp;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, e->d_name);
		data = xmalloc(1 << 20);
		fp = fopen(path, "rb");
		cr_assert_not_null(fp);
		len = fread(data, 1, 1 << 20, fp);
		fclose(fp);
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		free(data);
		free(path);
		n++;
	}
	closedir(d);
	free(dir);
	cr_assert_gt(n, 0);
}

Test(csvio, a_record_over_a_limit_is_read_to_its_end_and_flagged)
{
	static const char text[] = "a,b\n1,2,3,4,5\n\"12345\",x\n\"123456\nmore\",y\n"
				   "aaaa,bbbb,cccc\nok,1\n";
	char *path = tmpfile_with(text, sizeof(text) - 1);
	struct csvio_opts o = { .max_fields = 4, .max_field = 5, .max_record = 200 };
	struct csvio *r;
	struct csvio_rec *rec;

	cr_assert_eq(csvio_open(&r, path, &o), 0);
	cr_assert_eq(csvio_next(r, &rec), 1);
	cr_assert_null(rec->err);
	cr_assert_eq(csvio_next(r, &rec), 1);
	cr_assert_str_eq(rec->err, "more than 4 fields");
	cr_assert_eq(rec->line, 2);
	cr_assert_eq(rec->n, 4, "what came before the limit is kept");
	cr_assert_eq(csvio_next(r, &rec), 1);
	cr_assert_null(rec->err, "a field of exactly the limit is fine");
	cr_assert_eq(csvio_next(r, &rec), 1);
	cr_assert_str_eq(rec->err, "a field longer than 5 bytes");
	cr_assert_eq(rec->line, 4);
	cr_assert_eq(csvio_next(r, &rec), 1);
	cr_assert_null(rec->err);
	cr_assert_eq(rec->line, 6, "the record after it starts on its own line");
	cr_assert_eq(rec->n, 3);
	cr_assert_eq(csvio_next(r, &rec), 1);
	cr_assert_str_eq(rec->f[0], "ok");
	cr_assert_eq(csvio_next(r, &rec), 0);
	csvio_close(r);
	unlink(path);
	free(path);
}

/* libcsv's records of text, as csvio reads with delimiter d: "field|field|...\n" each. */
static int lib_space(unsigned char c)
{
	return c == ' ' || c == '\t';
}

static int lib_space_tsv(unsigned char c)
{
	return c == ' ';
}

static void lib_field(void *s, size_t len, void *data)
{
	struct buf *b = data;

	buf_add(b, s ? s : "", len);
	buf_addc(b, '|');
}

static void lib_row(int c, void *data)
{
	(void)c;
	buf_addc(data, '\n');
}

static char *lib_records(const char *text, size_t n, char d, size_t *len)
{
	struct csv_parser p;
	struct buf b = { 0 };

	cr_assert_eq(csv_init(&p, CSV_APPEND_NULL), 0);
	csv_set_delim(&p, (unsigned char)d);
	csv_set_space_func(&p, d == '\t' ? lib_space_tsv : lib_space);
	cr_assert_eq(csv_parse(&p, text, n, lib_field, lib_row, &b), n);
	csv_fini(&p, lib_field, lib_row, &b);
	csv_free(&p);
	*len = b.len;
	return buf_detach(&b);
}

/*
 * Lines without a quote are split without libcsv: random lines of delimiters, spaces, tabs,
 * line ends (CRLF and lone CR), NUL and UTF-8 bytes, some with quotes, split as libcsv splits
 * them, in CSV and TSV.
 */
Test(csvio, lines_without_quotes_split_as_libcsv_splits_them)
{
	static const char alphabet[] = { 'a', 'b', ' ', ' ', '\t', ',', ';', '\r', '\n', '\n', '\0',
		'"', '\xc3', '\xa9' };
	unsigned seed = 7;
	int round;

	for (round = 0; round < 400; round++) {
		char d = round % 2 ? ',' : '\t', *path, *want;
		struct buf text = { 0 }, got = { 0 };
		struct csvio_opts co = { 0 };
		struct csvio *r;
		struct csvio_rec *rec;
		size_t i, n = 1 + (size_t)(round * 7 % 300), wn;
		int quotes = round % 3 == 0, rc;

		buf_adds(&text, "h1,h2\n");
		for (i = 0; i < n; i++) {
			char c;

			seed = seed * 1103515245u + 12345u;
			c = alphabet[(seed >> 16) % sizeof(alphabet)];
			if (c == '"' && !quotes)
				c = 'q';
			buf_addc(&text, c);
		}
		buf_addc(&text, '\n');
		want = lib_records(text.s, text.len, d, &wn);
		path = tmpfile_with(text.s, text.len);
		co.delim = d;
		cr_assert_eq(csvio_open(&r, path, &co), 0);
		while ((rc = csvio_next(r, &rec)) == 1) {
			for (i = 0; i < rec->n; i++)
				lib_field(rec->f[i], rec->len[i], &got);
			lib_row(0, &got);
		}
		if (rc == 0)
			cr_assert(got.len == wn && memcmp(got.s, want, wn) == 0,
				"round %d: csvio and libcsv split the text apart", round);
		csvio_close(r);
		unlink(path);
		free(path), free(want), buf_free(&text), buf_free(&got);
	}
}
