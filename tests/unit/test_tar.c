/* test_tar.c - the ustar writer and reader: round trips, long names, damage */
#include "casekit.h"
#include "tar.h"
#include <sys/mman.h>
#include <unistd.h>
#include <criterion/criterion.h>

/* Write entries through tarw into memory and hand back an fd holding the bytes. */
static int archive(void (*fill)(struct tarw *), char **bytes, size_t *len)
{
	FILE *mem = open_memstream(bytes, len);
	struct tarw *w;
	int fd;

	cr_assert(mem);
	w = tarw_open(mem, 1764547200);
	fill(w);
	cr_assert_eq(tarw_close(w), 0);
	fclose(mem);
	fd = memfd_create("tar", 0);
	cr_assert_eq(write(fd, *bytes, *len), (ssize_t)*len);
	lseek(fd, 0, SEEK_SET);
	return fd;
}

static const char longname[] =
	"top/data/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.csv";

static void three(struct tarw *w)
{
	cr_assert_eq(tarw_dir(w, "top"), 0);
	cr_assert_eq(tarw_file(w, "top/a.txt", "hello\n", 6), 0);
	cr_assert_eq(tarw_file(w, longname, "x", 1), 0);
}

Test(tar, round_trip_keeps_names_types_and_content)
{
	char *bytes = NULL, buf[16];
	size_t len = 0;
	int fd = archive(three, &bytes, &len);
	struct tarr *r = tarr_open(fd);
	struct tar_entry e;

	cr_assert_eq(tarr_next(r, &e), 1);
	cr_assert_str_eq(e.name, "top/");
	cr_assert_eq(e.type, TAR_DIR);
	cr_assert_eq(tarr_next(r, &e), 1);
	cr_assert_str_eq(e.name, "top/a.txt");
	cr_assert_eq(e.size, 6);
	cr_assert_eq(tarr_read(r, buf, sizeof(buf)), 6);
	cr_assert_eq(memcmp(buf, "hello\n", 6), 0);
	cr_assert_eq(tarr_next(r, &e), 1);
	cr_assert_str_eq(e.name, longname, "a name over 100 bytes is split into prefix and name");
	cr_assert_eq(tarr_next(r, &e), 0);
	tarr_close(r);
	close(fd);
	free(bytes);
}

Test(tar, same_entries_give_same_bytes_with_a_fixed_gzip_header)
{
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	int fa = archive(three, &a, &la), fb = archive(three, &b, &lb);

	cr_assert_eq(la, lb);
	cr_assert_eq(memcmp(a, b, la), 0);
	cr_assert_eq(memcmp(a, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03", 10), 0);
	close(fa);
	close(fb);
	free(a);
	free(b);
}

static void toolong(struct tarw *w)
{
	char name[300];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	cr_assert_eq(tarw_file(w, name, "", 0), -1, "a name that fits no ustar field is refused");
}

Test(tar, names_that_do_not_fit_are_refused)
{
	char *bytes = NULL;
	size_t len = 0;

	close(archive(toolong, &bytes, &len));
	free(bytes);
}

Test(tar, a_damaged_header_is_named_with_its_offset)
{
	unsigned char h[1024];
	struct tar_entry e;
	struct tarr *r;
	int fd = memfd_create("tar", 0);

	memset(h, 0, sizeof(h));
	memcpy(h, "x", 1);
	memcpy(h + 148, "0000000", 7); /* a checksum that cannot be right */
	memcpy(h + 257, "ustar", 6);
	cr_assert_eq(write(fd, h, sizeof(h)), (ssize_t)sizeof(h));
	lseek(fd, 0, SEEK_SET);
	r = tarr_open(fd);
	cr_assert_eq(tarr_next(r, &e), -1);
	cr_assert_str_eq(tarr_error(r), "bad header checksum at byte 0");
	tarr_close(r);
	close(fd);
}

/* A plain ustar header for an empty file, checksum and all. */
static void header(unsigned char h[512], const char *name)
{
	unsigned sum = 0;
	int i;

	memset(h, 0, 512);
	strcpy((char *)h, name);
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 124, "00000000000", 11);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
}

Test(tar, an_archive_cut_before_its_end_blocks_or_in_a_header_is_truncated)
{
	unsigned char h[1024];
	struct tar_entry e;
	struct tarr *r;
	int whole = memfd_create("whole", 0), cut = memfd_create("cut", 0);

	header(h, "top/a");
	header(h + 512, "top/b");
	cr_assert_eq(write(whole, h, 512), 512);
	cr_assert_eq(write(cut, h, 612), 612);
	lseek(whole, 0, SEEK_SET);
	lseek(cut, 0, SEEK_SET);
	r = tarr_open(whole);
	cr_assert_eq(tarr_next(r, &e), 1);
	cr_assert_str_eq(e.name, "top/a");
	cr_assert_eq(tarr_next(r, &e), -1, "an end between members without zero blocks is damage");
	cr_assert_str_eq(tarr_error(r), "truncated archive at byte 512");
	tarr_close(r);
	r = tarr_open(cut);
	cr_assert_eq(tarr_next(r, &e), 1);
	cr_assert_eq(tarr_next(r, &e), -1, "a header cut short is damage");
	cr_assert_str_eq(tarr_error(r), "truncated archive at byte 612");
	tarr_close(r);
	close(whole);
	close(cut);
}

/* Read every member of the bytes in an fd; the last tarr_next() result, error in *why. */
static int read_all(const char *bytes, size_t len, char *why, size_t whylen)
{
	int fd = memfd_create("tar", 0), rc;
	struct tarr *r;
	struct tar_entry e;

	cr_assert_eq(write(fd, bytes, len), (ssize_t)len);
	lseek(fd, 0, SEEK_SET);
	r = tarr_open(fd);
	while ((rc = tarr_next(r, &e)) == 1)
		;
	snprintf(why, whylen, "%s", tarr_error(r));
	tarr_close(r);
	close(fd);
	return rc;
}

Test(tar, the_gzip_trailer_is_checked_and_nothing_may_follow_it)
{
	char *bytes = NULL, why[300], *more;
	size_t len = 0;
	int fd = archive(three, &bytes, &len);

	close(fd);
	cr_assert_eq(read_all(bytes, len, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(read_all(bytes, len - 1, why, sizeof(why)), -1, "the last byte cut");
	cr_assert(strstr(why, "truncated compressed data"), "%s", why);
	bytes[len - 5] ^= 1;
	cr_assert_eq(read_all(bytes, len, why, sizeof(why)), -1, "the CRC changed");
	cr_assert(strstr(why, "damaged compressed data"), "%s", why);
	bytes[len - 5] ^= 1;
	more = xmalloc(len + 3);
	memcpy(more, bytes, len);
	memcpy(more + len, "abc", 3);
	cr_assert_eq(read_all(more, len + 3, why, sizeof(why)), -1, "garbage after the stream");
	cr_assert_str_eq(why, "data after the end of the gzip stream");
	free(more);
	free(bytes);
}

Test(tar, a_pax_path_and_a_gnu_long_name_on_one_member_are_refused)
{
	unsigned char t[512 * 8];
	const char rec[] = "29 path=top/data/report.html\n";
	char why[300];

	memset(t, 0, sizeof(t));
	header(t, "top/PaxHeaders/x");
	t[156] = 'x';
	snprintf((char *)t + 124, 12, "%011o", (unsigned)strlen(rec));
	memset(t + 148, ' ', 8);
	{
		unsigned sum = 0, i;

		for (i = 0; i < 512; i++)
			sum += t[i];
		snprintf((char *)t + 148, 8, "%06o", sum);
	}
	memcpy(t + 512, rec, strlen(rec));
	header(t + 1024, "././@LongLink");
	memcpy(t + 1024 + 257, "ustar  ", 8);
	t[1024 + 156] = 'L';
	snprintf((char *)t + 1024 + 124, 12, "%011o", 11u);
	memset(t + 1024 + 148, ' ', 8);
	{
		unsigned sum = 0, i;

		for (i = 0; i < 512; i++)
			sum += t[1024 + i];
		snprintf((char *)t + 1024 + 148, 8, "%06o", sum);
	}
	memcpy(t + 1536, "top/README", 11);
	header(t + 2048, "top/README");
	cr_assert_eq(read_all((char *)t, sizeof(t), why, sizeof(why)), -1);
	cr_assert(strstr(why,
			  "'top/data/report.html' has both a pax header and a GNU long name "
			  "'top/README'"),
		"%s", why);
}
