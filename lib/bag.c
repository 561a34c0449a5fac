/* bag.c - BagIt (RFC 8493) bags: verify a bag directory or a tar.gz, and write one */
#include "casekit.h"
#include "bag.h"
#include "text.h"
#include "sign.h"
#include "tar.h"
#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unicode/ucnv.h>
#include <unistd.h>

/*
 * The tag files verify reads as text (bagit.txt, bag-info.txt, fetch.txt, the manifests and
 * the signature) are held in memory, at most this much of them in all; any other tag file is
 * only hashed, as it streams past.
 */
#define PARSED_MAX (8u << 20)

static void hex_of(const EVP_MD *md, const void *data, size_t len, char *hex);

/* The checksum algorithms a bag may use, in the order manifests are reported. */
enum { A_MD5, A_SHA1, A_SHA224, A_SHA256, A_SHA384, A_SHA512, NALG };
static const char *const alg_name[NALG] = { "md5", "sha1", "sha224", "sha256", "sha384", "sha512" };
static const EVP_MD *alg_md(int a)
{
	switch (a) {
	case A_MD5:
		return EVP_md5();
	case A_SHA1:
		return EVP_sha1();
	case A_SHA224:
		return EVP_sha224();
	case A_SHA256:
		return EVP_sha256();
	case A_SHA384:
		return EVP_sha384();
	default:
		return EVP_sha512();
	}
}

struct bfile {
	char *path; /* relative to the bag's base folder */
	char *key;  /* its NFC form, for comparisons */
	unsigned long long size;
	char *data;          /* content, for the tag files that are parsed only */
	int payload;         /* under data/ */
	int dup;             /* a second entry of the same name */
	unsigned need, have; /* algorithms to compute, computed */
	char *hex[NALG];     /* computed checksums, allocated as they are computed */
};

struct mline {
	char *path, *key, *hash;
	int line;
};

struct manifest {
	char *name;
	int alg, tag;
	struct mline *l;
	size_t n, cap;
};

struct bag {
	struct bag_report *r;
	const char *label;
	/* the source: a directory, or an archive on fd */
	const char *dir;
	int fd;
	char *top; /* the archive's one top folder */
	struct bfile *f;
	size_t nf, cap;
	int sorted, has_data;
	int major, minor;
	char *encoding;
	struct manifest *m;
	size_t nm;
	unsigned long long parsed; /* bytes of tag files held in memory */
};

static void problem(struct bag *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct bag *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(b->r->problems, fmt, ap);
	va_end(ap);
	fputc('\n', b->r->problems);
	b->r->nproblems++;
}

static void warning(struct bag *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warning(struct bag *b, const char *fmt, ...)
{
	va_list ap;

	b->r->nwarnings++;
	if (b->r->quiet || ck.quiet)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "casekit %s: warning: ", ck.applet ? ck.applet : "verify");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/*
 * Text in normal form C, or NFKC with case folding; invalid UTF-8 is kept byte for byte (it
 * then only equals itself: ICU would make U+FFFD of every bad byte and join them).
 */
static char *normal(const char *s, int (*form)(const char *, size_t, struct buf *))
{
	struct buf b = { 0 };

	if (!text_utf8_valid(s, strlen(s)) || form(s, strlen(s), &b) < 0) {
		buf_free(&b);
		return xstrdup(s);
	}
	return buf_detach(&b);
}

static char *nfc(const char *s)
{
	return normal(s, text_nfc);
}

/*
 * NFKC with case folding: two names with the same fold may land on one file (a
 * case-insensitive file system, or a tool that normalises), so an archive may not hold both.
 */
static char *fold(const char *s)
{
	return normal(s, text_fold);
}

static struct bfile *add_file(struct bag *b, const char *path)
{
	struct bfile *f;

	if (b->nf == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->f = xrealloc(b->f, b->cap * sizeof(*b->f));
	}
	f = &b->f[b->nf++];
	memset(f, 0, sizeof(*f));
	f->path = xstrdup(path);
	f->key = nfc(path);
	f->payload = strncmp(path, "data/", 5) == 0;
	b->sorted = 0;
	return f;
}

static int cmp_file(const void *a, const void *c)
{
	const struct bfile *x = a, *y = c;
	int d = strcmp(x->key, y->key);

	return d ? d : (x->dup - y->dup);
}

static void sort_files(struct bag *b)
{
	if (!b->sorted)
		if (b->nf)
			ck_sort(b->f, b->nf, sizeof(*b->f), cmp_file);
	b->sorted = 1;
}

static struct bfile *find_file(struct bag *b, const char *key)
{
	size_t lo = 0, hi;

	sort_files(b);
	hi = b->nf;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(key, b->f[mid].key);

		if (c == 0) {
			while (mid > 0 && strcmp(b->f[mid - 1].key, key) == 0)
				mid--;
			return &b->f[mid];
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Is a path (relative to the base folder, '/'-separated) safe to name? NULL, or why not. */
static const char *unsafe(const char *p)
{
	const char *c;

	if (!*p)
		return "it is empty";
	if (*p == '/')
		return "it is absolute";
	if (*p == '~')
		return "it starts with '~'";
	if (strchr(p, '\\'))
		return "it holds a backslash";
	if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) && p[1] == ':')
		return "it names a drive";
	for (c = p; *c;) {
		const char *slash = strchr(c, '/');
		size_t n = slash ? (size_t)(slash - c) : strlen(c);

		if (n == 0)
			return "it has an empty component";
		if ((n == 2 && c[0] == '.' && c[1] == '.') || (n == 1 && c[0] == '.'))
			return "it has a '.' or '..' component";
		c += n;
		if (*c)
			c++;
	}
	return NULL;
}

/* Is rel (below the base folder) a tag file verify reads as text? */
static int parsed_tag_file(const char *rel)
{
	if (strchr(rel, '/'))
		return 0;
	return strcmp(rel, "bagit.txt") == 0 || strcmp(rel, "bag-info.txt") == 0 ||
		strcmp(rel, "package-info.txt") == 0 || strcmp(rel, "fetch.txt") == 0 ||
		strcmp(rel, SIGN_FILE) == 0 || strncmp(rel, "manifest-", 9) == 0 ||
		strncmp(rel, "tagmanifest-", 12) == 0;
}

/* May f's content be held in memory? 1, or 0 after a problem when the cap is reached. */
static int may_hold(struct bag *b, struct bfile *f)
{
	if (!parsed_tag_file(f->path))
		return 0;
	if (f->size > PARSED_MAX - b->parsed) {
		problem(b, "%s: %llu bytes of tag files to read, more than %u MiB in all", f->path,
			b->parsed + f->size, PARSED_MAX >> 20);
		return 0;
	}
	b->parsed += f->size;
	return 1;
}

/* Gathering from a directory. */

static int read_whole(const char *path, char **out, unsigned long long size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char *d;
	size_t got = 0;

	if (fd < 0)
		return -1;
	d = xmalloc((size_t)size + 1);
	while (got < size) {
		ssize_t n = read(fd, d + got, (size_t)size - got);

		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			break;
		}
		got += (size_t)n;
	}
	close(fd);
	if (got != size) {
		free(d);
		return -1;
	}
	d[size] = '\0';
	*out = d;
	return 0;
}

static int walk(struct bag *b, const char *rel)
{
	char *full = rel[0] ? ck_path_join(b->dir, rel) : xstrdup(b->dir);
	DIR *d = opendir(full);
	struct dirent *de;
	int rc = 0;

	if (!d) {
		rc = ck_error(EX_IOERR, "cannot read '%s': %s", full, strerror(errno));
		free(full);
		return rc;
	}
	while (!rc && (de = readdir(d))) {
		char *r, *p;
		struct stat sb;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		r = rel[0] ? xasprintf("%s/%s", rel, de->d_name) : xstrdup(de->d_name);
		p = ck_path_join(b->dir, r);
		if (lstat(p, &sb) < 0) {
			rc = ck_error(EX_IOERR, "cannot read '%s': %s", p, strerror(errno));
		} else if (S_ISDIR(sb.st_mode)) {
			if (strcmp(r, "data") == 0)
				b->has_data = 1;
			rc = walk(b, r);
		} else if (S_ISLNK(sb.st_mode)) {
			problem(b, "%s: a symbolic link (refused)", r);
		} else if (!S_ISREG(sb.st_mode)) {
			problem(b, "%s: not a regular file (refused)", r);
		} else {
			struct bfile *f = add_file(b, r);

			f->size = (unsigned long long)sb.st_size;
			if (!f->payload && may_hold(b, f)) {
				if (read_whole(p, &f->data, f->size) < 0)
					rc = ck_error(EX_IOERR, "cannot read '%s': %s", p,
						strerror(errno));
			}
		}
		free(r);
		free(p);
	}
	closedir(d);
	free(full);
	return rc;
}

/* Gathering from an archive: the names must all lie in one top folder. */

/* Strip "./" prefixes and trailing slashes; NULL if the name is unsafe (problem reported). */
static char *archive_name(struct bag *b, const char *raw)
{
	char *n, *e;
	const char *why, *p = raw;

	while (p[0] == '.' && p[1] == '/')
		p += 2;
	n = xstrdup(p);
	for (e = n + strlen(n); e > n && e[-1] == '/'; e--)
		e[-1] = '\0';
	if ((why = unsafe(n))) {
		problem(b, "archive member '%s' is unsafe: %s", raw, why);
		free(n);
		return NULL;
	}
	return n;
}

/* The name below the top folder, or NULL when it is the top folder itself or outside. */
static const char *below_top(struct bag *b, const char *name, const char *raw, int isdir)
{
	size_t tl;
	const char *slash = strchr(name, '/');

	if (!b->top) {
		b->top = slash ? xstrndup(name, (size_t)(slash - name)) : xstrdup(name);
		if (!slash && !isdir)
			problem(b, "archive member '%s' lies outside a top folder", raw);
	}
	tl = strlen(b->top);
	if (strncmp(name, b->top, tl) != 0 || (name[tl] != '/' && name[tl] != '\0')) {
		problem(b, "archive member '%s' lies outside the top folder '%s'", raw, b->top);
		return NULL;
	}
	if (name[tl] == '\0') {
		if (!isdir)
			problem(b, "archive member '%s' lies outside a top folder", raw);
		return NULL;
	}
	return name + tl + 1;
}

static int archive_error(struct bag *b, struct tarr *t)
{
	int rc = ck_error(
		tarr_io_error(t) ? EX_IOERR : EX_DATAERR, "'%s': %s", b->label, tarr_error(t));

	tarr_close(t);
	return rc;
}

/* A member name as stored, and folded for comparison. */
struct seen {
	char *fold, *name;
	int file;
};

static int cmp_seen(const void *a, const void *c)
{
	const struct seen *x = a, *y = c;
	int d = strcmp(x->fold, y->fold);

	return d ? d : strcmp(x->name, y->name);
}

static void free_seen(struct seen *seen, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(seen[i].fold);
		free(seen[i].name);
	}
	free(seen);
}

/*
 * Names that another reader or file system could take for one file: the same name twice,
 * names equal after NFKC and case folding, and a file that is also used as a folder.
 */
static void check_names(struct bag *b, struct seen *seen, size_t n)
{
	size_t i, lo, hi;

	if (n)
		ck_sort(seen, n, sizeof(*seen), cmp_seen);
	for (i = 1; i < n; i++) {
		if (strcmp(seen[i].fold, seen[i - 1].fold) != 0)
			continue;
		if (strcmp(seen[i].name, seen[i - 1].name) != 0)
			problem(b,
				"archive members '%s' and '%s' are one name after NFKC and case "
				"folding",
				seen[i - 1].name, seen[i].name);
		else if (i < 2 || strcmp(seen[i].name, seen[i - 2].name) != 0)
			problem(b, "archive member '%s' appears more than once", seen[i].name);
	}
	for (i = 0; i < n; i++) {
		char *pre;
		size_t pl;

		if (!seen[i].file)
			continue;
		pre = xasprintf("%s/", seen[i].fold);
		pl = strlen(pre);
		/* The first name not below pre, by binary search from i. */
		for (lo = i + 1, hi = n; lo < hi;) {
			size_t mid = (lo + hi) / 2;

			if (strcmp(seen[mid].fold, pre) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n && strncmp(seen[lo].fold, pre, pl) == 0)
			problem(b, "archive member '%s' is a file, but '%s' uses it as a folder",
				seen[i].name, seen[lo].name);
		free(pre);
	}
}

static int gather_archive(struct bag *b)
{
	struct tarr *t;
	struct tar_entry e;
	struct seen *seen = NULL;
	size_t nseen = 0, capseen = 0, i;
	int rc, nent = 0;

	if (lseek(b->fd, 0, SEEK_SET) < 0)
		return ck_error(
			EX_IOERR, "'%s' cannot be read twice: %s", b->label, strerror(errno));
	if (!(t = tarr_open(b->fd)))
		return ck_error(EX_IOERR, "cannot read '%s': %s", b->label, strerror(errno));
	while ((rc = tarr_next(t, &e)) == 1) {
		char *name = archive_name(b, e.name);
		const char *rel;

		nent++;
		if (!name)
			continue;
		if (nseen == capseen) {
			capseen = capseen ? capseen * 2 : 64;
			seen = xrealloc(seen, capseen * sizeof(*seen));
		}
		seen[nseen].fold = fold(name);
		seen[nseen].name = xstrdup(name);
		seen[nseen++].file = e.type == TAR_FILE;
		if (!(rel = below_top(b, name, e.name, e.type == TAR_DIR))) {
			free(name);
			continue;
		}
		switch (e.type) {
		case TAR_DIR:
			if (strcmp(rel, "data") == 0)
				b->has_data = 1;
			break;
		case TAR_LINK:
			problem(b, "archive member '%s' is a link (refused)", e.name);
			break;
		case TAR_DEVICE:
			problem(b, "archive member '%s' is a device (refused)", e.name);
			break;
		case TAR_FIFO:
			problem(b, "archive member '%s' is a FIFO (refused)", e.name);
			break;
		case TAR_OTHER:
			problem(b, "archive member '%s' has unknown type '%c' (refused)", e.name,
				e.typeflag ? e.typeflag : '0');
			break;
		case TAR_FILE: {
			struct bfile *f = add_file(b, rel);

			f->size = e.size;
			if (strncmp(rel, "data/", 5) == 0)
				b->has_data = 1;
			if (!f->payload && may_hold(b, f)) {
				long n;
				size_t got = 0;

				f->data = xmalloc((size_t)f->size + 1);
				while (got < f->size &&
					(n = tarr_read(t, f->data + got, (size_t)f->size - got)) >
						0)
					got += (size_t)n;
				if (got != f->size) {
					free(name);
					rc = -1;
					goto out;
				}
				f->data[got] = '\0';
			}
			break;
		}
		}
		free(name);
	}
out:
	if (rc < 0) {
		free_seen(seen, nseen);
		return archive_error(b, t);
	}
	tarr_close(t);
	if (nent == 0) {
		free_seen(seen, nseen);
		return ck_error(EX_DATAERR, "'%s': an empty archive", b->label);
	}
	check_names(b, seen, nseen);
	free_seen(seen, nseen);
	sort_files(b);
	for (i = 1; i < b->nf; i++)
		if (strcmp(b->f[i].path, b->f[i - 1].path) == 0)
			b->f[i].dup = 1;
	return 0;
}

/* Tag file text: decoded from the declared encoding into UTF-8, a BOM removed. */
static char *decode(struct bag *b, struct bfile *f)
{
	const char *enc = b->encoding ? b->encoding : "UTF-8";
	UErrorCode e = U_ZERO_ERROR;
	char *out;
	int32_t n;

	if (strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0) {
		const char *d = f->data;
		size_t len = (size_t)f->size;

		if (len >= 3 && memcmp(d, "\xef\xbb\xbf", 3) == 0) {
			warning(b, "%s: a UTF-8 byte-order mark", f->path);
			d += 3;
			len -= 3;
		}
		if (!text_utf8_valid(d, len))
			problem(b, "%s: not valid UTF-8", f->path);
		return xstrndup(d, len);
	}
	if (f->size > (1u << 28))
		return xstrdup("");
	out = xmalloc((size_t)f->size * 3 + 4);
	n = ucnv_convert(
		"UTF-8", enc, out, (int32_t)f->size * 3 + 4, f->data, (int32_t)f->size, &e);
	if (U_FAILURE(e)) {
		problem(b, "%s: cannot be read as %s", f->path, enc);
		out[0] = '\0';
		return out;
	}
	out[n] = '\0';
	if (n >= 3 && memcmp(out, "\xef\xbb\xbf", 3) == 0)
		memmove(out, out + 3, (size_t)n - 2);
	return out;
}

/* The next line of text at *p (LF, CR or CRLF ends it); NULL at the end. Modifies text. */
static char *next_line(char **p)
{
	char *s = *p, *e;

	if (!*s)
		return NULL;
	e = s + strcspn(s, "\r\n");
	if (*e == '\r' && e[1] == '\n') {
		*e = '\0';
		*p = e + 2;
	} else if (*e) {
		*e = '\0';
		*p = e + 1;
	} else {
		*p = e;
	}
	return s;
}

/*
 * Split "Label: value". strict (BagIt 1.0): no white space before the colon and exactly one
 * space or tab after it; else any white space around the colon. 0, 1 when loose white space
 * was found, or -1 when there is no label.
 */
static int label_line(char *line, char **label, char **value)
{
	char *colon = strchr(line, ':'), *e, *v;
	int loose = 0;

	if (!colon || colon == line)
		return -1;
	for (e = colon; e > line && (e[-1] == ' ' || e[-1] == '\t'); e--)
		loose = 1;
	if (e == line)
		return -1;
	*e = '\0';
	v = colon + 1;
	if (*v == ' ' || *v == '\t')
		v++;
	else if (*v)
		loose = 1;
	while (*v == ' ' || *v == '\t') {
		v++;
		loose = 1;
	}
	*label = line;
	*value = v;
	return loose;
}

static int check_bagit_txt(struct bag *b)
{
	struct bfile *f = find_file(b, "bagit.txt");
	char *text, *p, *line, *label, *value, *version = NULL;
	int n = 0, loose = 0, rc = 0;

	if (!f || f->dup) {
		problem(b, "bagit.txt is missing");
		return -1;
	}
	if (!f->data)
		return -1;
	if (f->size >= 3 && memcmp(f->data, "\xef\xbb\xbf", 3) == 0) {
		problem(b, "bagit.txt: a byte-order mark is not allowed");
		rc = -1;
	}
	if (!text_utf8_valid(f->data, (size_t)f->size)) {
		problem(b, "bagit.txt: not valid UTF-8");
		return -1;
	}
	p = text = xstrdup(f->data);
	while ((line = next_line(&p))) {
		int l;

		if (!*line)
			continue;
		n++;
		if ((l = label_line(line, &label, &value)) < 0) {
			problem(b, "bagit.txt line %d: not 'Label: value'", n);
			rc = -1;
			continue;
		}
		loose |= l;
		if (n == 1 && strcmp(label, "BagIt-Version") == 0)
			version = xstrdup(value);
		else if (n == 2 && strcmp(label, "Tag-File-Character-Encoding") == 0)
			b->encoding = xstrdup(value);
		else {
			problem(b, "bagit.txt line %d: unexpected '%s'", n, label);
			rc = -1;
		}
	}
	free(text);
	if (!version) {
		problem(b, "bagit.txt: BagIt-Version is missing");
		free(version);
		return -1;
	}
	if (!b->encoding) {
		problem(b, "bagit.txt: Tag-File-Character-Encoding is missing");
		rc = -1;
	}
	{
		const char *q = version;
		int ok = 1, ma = 0, mi = 0;

		if (!(*q >= '0' && *q <= '9'))
			ok = 0;
		while (ok && *q >= '0' && *q <= '9' && ma < 1000)
			ma = ma * 10 + (*q++ - '0');
		if (ok && *q++ != '.')
			ok = 0;
		if (ok && !(*q >= '0' && *q <= '9'))
			ok = 0;
		while (ok && *q >= '0' && *q <= '9' && mi < 1000)
			mi = mi * 10 + (*q++ - '0');
		if (!ok || *q) {
			problem(b, "bagit.txt: BagIt-Version '%s' is not MAJOR.MINOR", version);
			free(version);
			return -1;
		}
		b->major = ma;
		b->minor = mi;
		snprintf(b->r->version, sizeof(b->r->version), "%d.%d", ma, mi);
	}
	if (b->major > 1 || (b->major == 0 && b->minor < 93)) {
		problem(b,
			"bagit.txt: BagIt-Version %s is not one this verifier knows (0.93 to 1.0)",
			version);
		rc = -1;
	}
	free(version);
	if (loose && b->major >= 1) {
		problem(b, "bagit.txt: white space around the colon is not allowed in BagIt 1.0");
		rc = -1;
	}
	if (b->encoding && strcasecmp(b->encoding, "UTF-8") != 0)
		warning(b, "tag files are in %s, not UTF-8", b->encoding);
	return rc;
}

static int v10(const struct bag *b)
{
	return b->major >= 1;
}

/* bag-info.txt (package-info.txt before 0.96): labels, and Payload-Oxum checked. */
static void check_bag_info(struct bag *b)
{
	const char *name = "bag-info.txt";
	struct bfile *f = find_file(b, name);
	char *text, *p, *line, *label, *value;
	int ln = 0, noxum = 0;
	unsigned long long obytes = 0, ofiles = 0;

	if (!f && b->major == 0 && b->minor < 96) {
		name = "package-info.txt";
		f = find_file(b, name);
	}
	if (!f || !f->data)
		return;
	p = text = decode(b, f);
	while ((line = next_line(&p))) {
		int l;

		ln++;
		if (!*line)
			continue;
		if (*line == ' ' || *line == '\t')
			continue; /* a continuation line */
		if ((l = label_line(line, &label, &value)) < 0) {
			problem(b, "%s line %d: not 'Label: value'", name, ln);
			continue;
		}
		if (l && v10(b))
			warning(b,
				"%s line %d: white space around the colon (BagIt 1.0 allows one "
				"space after it)",
				name, ln);
		if (strcasecmp(label, "Payload-Oxum") == 0) {
			char *dot = strchr(value, '.');
			long long x, y;

			if (++noxum > 1) {
				problem(b, "%s line %d: Payload-Oxum repeats", name, ln);
				continue;
			}
			if (!dot) {
				problem(b, "%s line %d: Payload-Oxum '%s' is not BYTES.FILES", name,
					ln, value);
				continue;
			}
			*dot = '\0';
			if (ck_parse_long(value, &x) < 0 || ck_parse_long(dot + 1, &y) < 0 ||
				x < 0 || y < 0) {
				*dot = '.';
				problem(b, "%s line %d: Payload-Oxum '%s' is not BYTES.FILES", name,
					ln, value);
				continue;
			}
			obytes = (unsigned long long)x;
			ofiles = (unsigned long long)y;
		}
	}
	free(text);
	if (noxum == 1 && (obytes != b->r->payload_bytes || ofiles != b->r->payload_files))
		problem(b, "Payload-Oxum says %s in %s; the payload has %s in %s",
			ck_count((long long)obytes, "byte", "bytes"),
			ck_count((long long)ofiles, "file", "files"),
			ck_count((long long)b->r->payload_bytes, "byte", "bytes"),
			ck_count((long long)b->r->payload_files, "file", "files"));
	if (!noxum)
		warning(b, "no Payload-Oxum in %s", name);
}

static int alg_of(const char *name)
{
	int a;

	for (a = 0; a < NALG; a++)
		if (strcmp(alg_name[a], name) == 0)
			return a;
	return -1;
}

/* Decode %0D %0A %25 (BagIt 1.0); 0, or -1 on a '%' that starts no code we know (kept). */
static void percent_decode(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '%' && (s[1] == '0' || s[1] == '2')) {
			char c = 0;

			if (s[1] == '0' && (s[2] == 'd' || s[2] == 'D'))
				c = '\r';
			else if (s[1] == '0' && (s[2] == 'a' || s[2] == 'A'))
				c = '\n';
			else if (s[1] == '2' && s[2] == '5')
				c = '%';
			if (c) {
				*w++ = c;
				s += 2;
				continue;
			}
		}
		*w++ = *s;
	}
	*w = '\0';
}

static int is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
			    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return s[n] == '\0';
}

static int cmp_mline(const void *a, const void *c)
{
	const struct mline *x = a, *y = c;
	int d = strcmp(x->key, y->key);

	return d ? d : x->line - y->line;
}

static int cmp_mline_key(const void *a, const void *c)
{
	return strcmp(((const struct mline *)a)->key, ((const struct mline *)c)->key);
}

static void parse_manifest(struct bag *b, struct bfile *f, struct manifest *m)
{
	char *text, *p, *line;
	int ln = 0;
	size_t i, hexlen = (size_t)EVP_MD_size(alg_md(m->alg)) * 2;

	p = text = decode(b, f);
	while ((line = next_line(&p))) {
		char *sp, *path;
		const char *why;
		struct mline *l;

		ln++;
		if (!*line)
			continue;
		sp = line + strcspn(line, " \t");
		if (!*sp) {
			problem(b, "%s line %d: not 'CHECKSUM PATH'", m->name, ln);
			continue;
		}
		*sp++ = '\0';
		while (*sp == ' ' || *sp == '\t')
			sp++;
		path = sp;
		if (!is_hex(line, hexlen)) {
			problem(b, "%s line %d: '%s' is not a %s checksum", m->name, ln, line,
				alg_name[m->alg]);
			continue;
		}
		if (*path == '*') {
			warning(b, "%s line %d: a '*' before the path (md5sum style)", m->name, ln);
			path++;
		}
		if (path[0] == '.' && path[1] == '/') {
			warning(b, "%s line %d: a './' before '%s'", m->name, ln, path + 2);
			path += 2;
		}
		if (v10(b))
			percent_decode(path);
		if ((why = unsafe(path))) {
			problem(b, "%s line %d: path '%s' is unsafe: %s", m->name, ln, path, why);
			continue;
		}
		if (!m->tag && strncmp(path, "data/", 5) != 0) {
			problem(b, "%s line %d: '%s' lies outside data/", m->name, ln, path);
			continue;
		}
		if (m->tag && strncmp(path, "data/", 5) == 0) {
			problem(b, "%s line %d: a tag manifest lists the payload file '%s'",
				m->name, ln, path);
			continue;
		}
		if (m->tag && strncmp(path, "tagmanifest-", 12) == 0) {
			problem(b, "%s line %d: a tag manifest lists the tag manifest '%s'",
				m->name, ln, path);
			continue;
		}
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 64;
			m->l = xrealloc(m->l, m->cap * sizeof(*m->l));
		}
		l = &m->l[m->n++];
		l->path = xstrdup(path);
		l->key = nfc(path);
		l->hash = xstrdup(line);
		l->line = ln;
		for (char *h = l->hash; *h; h++)
			if (*h >= 'A' && *h <= 'F')
				*h = (char)(*h - 'A' + 'a');
	}
	free(text);
	if (m->n)
		ck_sort(m->l, m->n, sizeof(*m->l), cmp_mline);
	for (i = 1; i < m->n; i++) {
		struct mline *x = &m->l[i - 1], *y = &m->l[i];

		if (strcmp(x->key, y->key) != 0)
			continue;
		if (strcmp(x->hash, y->hash) != 0)
			problem(b,
				"%s lines %d and %d: '%s' is listed twice with different checksums",
				m->name, x->line, y->line, y->path);
		else if (v10(b) && strcmp(x->path, y->path) == 0)
			problem(b,
				"%s lines %d and %d: '%s' is listed twice (BagIt 1.0: exactly once)",
				m->name, x->line, y->line, y->path);
		else if (v10(b))
			problem(b,
				"%s lines %d and %d: '%s' is listed twice in different Unicode forms",
				m->name, x->line, y->line, y->path);
		else
			warning(b, "%s lines %d and %d: '%s' is listed twice", m->name, x->line,
				y->line, y->path);
	}
}

static void load_manifests(struct bag *b)
{
	size_t i;

	for (i = 0; i < b->nf; i++) {
		struct bfile *f = &b->f[i];
		const char *n = f->path, *alg;
		char name[32];
		int tag = 0, a;

		if (strncmp(n, "tagmanifest-", 12) == 0)
			tag = 1, alg = n + 12;
		else if (strncmp(n, "manifest-", 9) == 0)
			alg = n + 9;
		else
			continue;
		if (f->dup || !f->data || strchr(n, '/'))
			continue;
		if (strlen(alg) < 5 || strlen(alg) > 20 || strcmp(alg + strlen(alg) - 4, ".txt")) {
			warning(b, "%s: not a manifest name (ignored)", n);
			continue;
		}
		snprintf(name, sizeof(name), "%.*s", (int)(strlen(alg) - 4), alg);
		if ((a = alg_of(name)) < 0) {
			problem(b, "%s: unknown checksum algorithm '%s'", n, name);
			continue;
		}
		if (a == A_MD5 || a == A_SHA1)
			warning(b, "%s: %s is a weak checksum; sha256 or sha512 is recommended", n,
				name);
		b->m = xrealloc(b->m, (b->nm + 1) * sizeof(*b->m));
		memset(&b->m[b->nm], 0, sizeof(*b->m));
		b->m[b->nm].name = xstrdup(n);
		b->m[b->nm].alg = a;
		b->m[b->nm].tag = tag;
		b->nm++;
	}
	for (i = 0; i < b->nm; i++)
		parse_manifest(b, find_file(b, b->m[i].name), &b->m[i]);
}

/* fetch.txt: never fetched; its paths must be safe and in the payload manifests. */
static void check_fetch(struct bag *b)
{
	struct bfile *f = find_file(b, "fetch.txt");
	char *text, *p, *line;
	int ln = 0;

	if (!f || !f->data)
		return;
	warning(b, "fetch.txt: remote files are never fetched; each must be present");
	p = text = decode(b, f);
	while ((line = next_line(&p))) {
		char *url = line, *len, *path;
		const char *why;
		size_t j;

		ln++;
		if (!*line)
			continue;
		len = url + strcspn(url, " \t");
		if (*len)
			*len++ = '\0';
		len += strspn(len, " \t");
		path = len + strcspn(len, " \t");
		if (*path)
			*path++ = '\0';
		path += strspn(path, " \t");
		if (!*path || !strchr(url, ':')) {
			problem(b, "fetch.txt line %d: not 'URL LENGTH PATH'", ln);
			continue;
		}
		if (v10(b))
			percent_decode(path);
		if ((why = unsafe(path)) || strncmp(path, "data/", 5) != 0) {
			problem(b, "fetch.txt line %d: path '%s' is unsafe: %s", ln, path,
				why ? why : "it lies outside data/");
			continue;
		}
		for (j = 0; j < b->nm; j++) {
			struct manifest *m = &b->m[j];
			struct mline key = { 0 };
			char *k = nfc(path);

			key.key = k;
			if (!m->tag &&
				(!m->n || !bsearch(&key, m->l, m->n, sizeof(*m->l), cmp_mline_key)))
				problem(b, "fetch.txt line %d: '%s' is not in %s", ln, path,
					m->name);
			free(k);
		}
	}
	free(text);
}

static struct mline *in_manifest(struct manifest *m, const char *key)
{
	struct mline k = { 0 };

	k.key = (char *)key;
	return m->n ? bsearch(&k, m->l, m->n, sizeof(*m->l), cmp_mline_key) : NULL;
}

/* Every payload file in every payload manifest, every listed file present. */
static void check_complete(struct bag *b)
{
	size_t i, j, k;
	int npayload = 0;

	for (j = 0; j < b->nm; j++)
		npayload += !b->m[j].tag;
	if (!npayload)
		problem(b, "no payload manifest (manifest-ALGORITHM.txt)");
	if (!b->has_data)
		problem(b, "the payload folder data/ is missing");
	for (j = 0; j < b->nm; j++) {
		struct manifest *m = &b->m[j];

		for (k = 0; k < m->n; k++) {
			struct bfile *f;

			if (k > 0 && strcmp(m->l[k].key, m->l[k - 1].key) == 0)
				continue;
			if (!(f = find_file(b, m->l[k].key)))
				problem(b, "%s is listed in %s but missing", m->l[k].path, m->name);
			else
				f->need |= 1u << m->alg;
		}
	}
	for (i = 0; i < b->nf; i++) {
		struct bfile *f = &b->f[i];
		const char *base = strrchr(f->path, '/');

		if (!f->payload || f->dup)
			continue;
		base = base ? base + 1 : f->path;
		if (strcmp(base, ".DS_Store") == 0 || strcmp(base, "Thumbs.db") == 0 ||
			strcmp(base, "desktop.ini") == 0)
			warning(b, "%s: a file the operating system made", f->path);
		if (i > 0 && b->f[i - 1].payload && strcmp(f->key, b->f[i - 1].key) != 0 &&
			strcasecmp(f->key, b->f[i - 1].key) == 0)
			warning(b, "%s and %s differ only in case", b->f[i - 1].path, f->path);
		for (j = 0; j < b->nm; j++)
			if (!b->m[j].tag && !in_manifest(&b->m[j], f->key))
				problem(b, "%s is in the bag but not in %s", f->path, b->m[j].name);
	}
}

/*
 * A signed bag is sealed: the signature covers tagmanifest-sha256.txt, so beside the payload
 * it may hold only the files its tag manifests list, the tag manifests and the signature, and
 * each payload manifest keeps its tag manifest. Anything else could be added or removed
 * without breaking the signature.
 */
static void check_sealed(struct bag *b)
{
	size_t i, j;
	int ntag = 0;

	if (!find_file(b, SIGN_FILE))
		return;
	for (j = 0; j < b->nm; j++)
		ntag += b->m[j].tag;
	if (!ntag) {
		problem(b, "the bag is signed but has no tag manifest");
		return;
	}
	for (i = 0; i < b->nf; i++) {
		struct bfile *f = &b->f[i];

		if (f->payload || f->dup || strcmp(f->path, SIGN_FILE) == 0 ||
			(strncmp(f->path, "tagmanifest-", 12) == 0 && !strchr(f->path, '/')))
			continue;
		for (j = 0; j < b->nm; j++)
			if (b->m[j].tag && !in_manifest(&b->m[j], f->key))
				problem(b, "%s is in the signed bag but not in %s", f->path,
					b->m[j].name);
	}
	for (j = 0; j < b->nm; j++) {
		char name[40];

		if (b->m[j].tag)
			continue;
		snprintf(name, sizeof(name), "tagmanifest-%s.txt", alg_name[b->m[j].alg]);
		if (!find_file(b, name))
			problem(b, "%s is missing from the signed bag, which has %s", name,
				b->m[j].name);
	}
}

static void hash_update(EVP_MD_CTX **c, unsigned need, const void *p, size_t n)
{
	int a;

	for (a = 0; a < NALG; a++)
		if (need & (1u << a))
			EVP_DigestUpdate(c[a], p, n);
}

static void hash_begin(EVP_MD_CTX **c, unsigned need)
{
	int a;

	for (a = 0; a < NALG; a++) {
		c[a] = NULL;
		if (need & (1u << a)) {
			c[a] = EVP_MD_CTX_new();
			if (!c[a] || EVP_DigestInit_ex(c[a], alg_md(a), NULL) != 1)
				ck_bug("cannot start %s", alg_name[a]);
		}
	}
}

static void hash_end(EVP_MD_CTX **c, struct bfile *f)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len, i;
	int a;

	for (a = 0; a < NALG; a++) {
		if (!c[a])
			continue;
		EVP_DigestFinal_ex(c[a], md, &len);
		EVP_MD_CTX_free(c[a]);
		f->hex[a] = xmalloc(2 * (size_t)len + 1);
		for (i = 0; i < len; i++)
			snprintf(f->hex[a] + 2 * i, 3, "%02x", md[i]);
		f->have |= 1u << a;
	}
}

#define HASHBUF (1u << 18)

static int hash_dir_file(struct bag *b, struct bfile *f, unsigned char *buf)
{
	char *p = ck_path_join(b->dir, f->path);
	int fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	EVP_MD_CTX *c[NALG];
	ssize_t n;

	if (fd < 0) {
		int rc = ck_error(EX_IOERR, "cannot read '%s': %s", p, strerror(errno));

		free(p);
		return rc;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	hash_begin(c, f->need);
	while ((n = read(fd, buf, HASHBUF)) > 0)
		hash_update(c, f->need, buf, (size_t)n);
	hash_end(c, f);
	close(fd);
	if (n < 0) {
		int rc = ck_error(EX_IOERR, "cannot read '%s': %s", p, strerror(errno));

		free(p);
		return rc;
	}
	free(p);
	return 0;
}

/* The second pass over an archive: hash the files the manifests name not yet in memory. */
static int hash_archive(struct bag *b, unsigned char *buf)
{
	struct tarr *t;
	struct tar_entry e;
	int rc;

	if (lseek(b->fd, 0, SEEK_SET) < 0 || !(t = tarr_open(b->fd)))
		return ck_error(EX_IOERR, "cannot read '%s' again: %s", b->label, strerror(errno));
	while ((rc = tarr_next(t, &e)) == 1) {
		const char *n = e.name, *rel;
		struct bfile *f;
		EVP_MD_CTX *c[NALG];
		char *key;
		long got;

		if (e.type != TAR_FILE)
			continue;
		while (n[0] == '.' && n[1] == '/')
			n += 2;
		if (!b->top || strncmp(n, b->top, strlen(b->top)) != 0 || n[strlen(b->top)] != '/')
			continue;
		rel = n + strlen(b->top) + 1;
		key = nfc(rel);
		f = find_file(b, key);
		free(key);
		if (!f || !f->need || f->have || f->data || strcmp(f->path, rel) != 0)
			continue;
		hash_begin(c, f->need);
		while ((got = tarr_read(t, buf, HASHBUF)) > 0)
			hash_update(c, f->need, buf, (size_t)got);
		hash_end(c, f);
		if (got < 0)
			return archive_error(b, t);
	}
	if (rc < 0)
		return archive_error(b, t);
	tarr_close(t);
	return 0;
}

static int check_fixity(struct bag *b)
{
	unsigned char *buf = xmalloc(HASHBUF);
	size_t i, j, k;
	int rc = 0;

	for (i = 0; i < b->nf && !rc; i++) {
		struct bfile *f = &b->f[i];
		EVP_MD_CTX *c[NALG];

		if (!f->need || f->dup)
			continue;
		if (f->data) {
			hash_begin(c, f->need);
			hash_update(c, f->need, f->data, (size_t)f->size);
			hash_end(c, f);
		} else if (b->dir) {
			rc = hash_dir_file(b, f, buf);
		}
	}
	if (!rc && !b->dir)
		rc = hash_archive(b, buf);
	free(buf);
	if (rc)
		return rc;
	for (j = 0; j < b->nm; j++) {
		struct manifest *m = &b->m[j];

		for (k = 0; k < m->n; k++) {
			struct bfile *f = find_file(b, m->l[k].key);

			if (!f || !(f->have & (1u << m->alg)))
				continue;
			if (strcmp(f->hex[m->alg], m->l[k].hash) != 0)
				problem(b, "%s: %s checksum differs from %s line %d", m->l[k].path,
					alg_name[m->alg], m->name, m->l[k].line);
		}
	}
	return 0;
}

static void check_signature(struct bag *b)
{
	struct bfile *s = find_file(b, SIGN_FILE), *t = find_file(b, SIGN_SIGNED_FILE);
	char why[200];
	int rc;

	if (s && s->data) {
		const char *fp = strstr(s->data, "Key-Fingerprint: ");

		if (fp)
			snprintf(b->r->signer, sizeof(b->r->signer), "%.*s",
				(int)strcspn(fp + 17, "\r\n"), fp + 17);
	}
	if (!b->r->pubkey) {
		if (s)
			warning(b, "the bag is signed by %s; give --pubkey to check the signature",
				b->r->signer[0] ? b->r->signer : "an unnamed key");
		return;
	}
	if (!s || !s->data) {
		problem(b, "the bag is not signed (no %s)", SIGN_FILE);
		return;
	}
	if (!t || !t->data) {
		problem(b, "%s is missing, so the signature signs nothing", SIGN_SIGNED_FILE);
		return;
	}
	rc = sign_check(b->r->pubkey, s->data, (size_t)s->size, t->data, (size_t)t->size, why);
	if (rc == 1)
		b->r->sig_checked = 1;
	else if (rc == 0)
		problem(b, "%s", why);
	else
		b->r->nproblems++; /* the key could not be read: message printed */
}

static void free_bag(struct bag *b)
{
	size_t i, k;
	int j;

	for (i = 0; i < b->nf; i++) {
		free(b->f[i].path);
		free(b->f[i].key);
		free(b->f[i].data);
		for (j = 0; j < NALG; j++)
			free(b->f[i].hex[j]);
	}
	free(b->f);
	for (i = 0; i < b->nm; i++) {
		for (k = 0; k < b->m[i].n; k++) {
			free(b->m[i].l[k].path);
			free(b->m[i].l[k].key);
			free(b->m[i].l[k].hash);
		}
		free(b->m[i].l);
		free(b->m[i].name);
	}
	free(b->m);
	free(b->top);
	free(b->encoding);
}

/* The checks, in the order of the notes: structure, bagit.txt, manifests, Oxum, fixity. */
static int verify(struct bag *b)
{
	size_t i;
	int rc, j;

	rc = b->dir ? walk(b, "") : gather_archive(b);
	if (rc)
		return rc;
	sort_files(b);
	for (i = 0; i < b->nf; i++)
		if (b->f[i].payload && !b->f[i].dup) {
			b->r->payload_bytes += b->f[i].size;
			b->r->payload_files++;
		}
	if (check_bagit_txt(b) < 0 && !find_file(b, "bagit.txt"))
		return 1;
	if (!b->major && !b->minor)
		b->major = 1;
	load_manifests(b);
	check_fetch(b);
	check_bag_info(b);
	check_complete(b);
	check_sealed(b);
	if ((rc = check_fixity(b)))
		return rc;
	check_signature(b);
	{
		struct bfile *t = find_file(b, "tagmanifest-sha256.txt");

		if (t && t->data)
			hex_of(EVP_sha256(), t->data, (size_t)t->size, b->r->seal);
	}
	b->r->algs[0] = '\0';
	for (j = 0; j < NALG; j++)
		for (i = 0; i < b->nm; i++)
			if (!b->m[i].tag && b->m[i].alg == j) {
				size_t l = strlen(b->r->algs);

				snprintf(b->r->algs + l, sizeof(b->r->algs) - l, "%s%s",
					l ? " " : "", alg_name[j]);
				break;
			}
	return b->r->nproblems ? 1 : 0;
}

int bag_verify(const char *path, struct bag_report *r)
{
	struct bag b;
	struct stat sb;
	int rc;

	memset(&b, 0, sizeof(b));
	b.r = r;
	b.label = path;
	b.fd = -1;
	if (stat(path, &sb) < 0)
		return ck_error(EX_NOINPUT, "cannot open '%s': %s", path, strerror(errno));
	if (S_ISDIR(sb.st_mode)) {
		b.dir = path;
	} else if ((b.fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		return ck_error(EX_NOINPUT, "cannot open '%s': %s", path, strerror(errno));
	}
	rc = verify(&b);
	if (b.fd >= 0)
		close(b.fd);
	free_bag(&b);
	return rc;
}

int bag_verify_mem(const void *data, size_t len, struct bag_report *r)
{
	struct bag b;
	int rc, fd = memfd_create("bag", MFD_CLOEXEC);

	if (fd < 0)
		return ck_error(EX_IOERR, "memfd_create: %s", strerror(errno));
	if (write(fd, data, len) != (ssize_t)len) {
		close(fd);
		return ck_error(EX_IOERR, "memfd write: %s", strerror(errno));
	}
	memset(&b, 0, sizeof(b));
	b.r = r;
	b.label = "(memory)";
	b.fd = fd;
	rc = verify(&b);
	close(fd);
	free_bag(&b);
	return rc;
}

/* The writer. */

void bag_add(struct bag_writer *w, const char *path, char *data, size_t len)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 32;
		w->v = xrealloc(w->v, w->cap * sizeof(*w->v));
	}
	w->v[w->n].path = xstrdup(path);
	w->v[w->n].data = data;
	w->v[w->n].len = len;
	w->n++;
}

struct bag_item *bag_find(struct bag_writer *w, const char *path)
{
	size_t i;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->v[i].path, path) == 0)
			return &w->v[i];
	return NULL;
}

static int cmp_item(const void *a, const void *c)
{
	return strcmp(((const struct bag_item *)a)->path, ((const struct bag_item *)c)->path);
}

static void hex_of(const EVP_MD *md, const void *data, size_t len, char *hex)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned n, i;

	if (EVP_Digest(data, len, d, &n, md, NULL) != 1)
		ck_bug("digest failed");
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

void bag_sha256_hex(const void *data, size_t len, char hex[65])
{
	hex_of(EVP_sha256(), data, len, hex);
}

static void manifest(struct bag_writer *w, const char *name, const EVP_MD *md, int tag)
{
	struct buf m = { 0 };
	char hex[129];
	size_t i, n = w->n;

	if (w->n)
		ck_sort(w->v, w->n, sizeof(*w->v), cmp_item);
	for (i = 0; i < n; i++) {
		const char *p = w->v[i].path;

		if ((strncmp(p, "data/", 5) == 0) == tag || strncmp(p, "tagmanifest-", 12) == 0)
			continue;
		hex_of(md, w->v[i].data, w->v[i].len, hex);
		buf_addf(&m, "%s  %s\n", hex, p);
	}
	buf_add(&m, "", 0);
	i = m.len;
	bag_add(w, name, buf_detach(&m), i);
}

void bag_payload_manifests(struct bag_writer *w)
{
	manifest(w, "manifest-sha256.txt", EVP_sha256(), 0);
	manifest(w, "manifest-sha512.txt", EVP_sha512(), 0);
}

void bag_tag_manifests(struct bag_writer *w)
{
	manifest(w, "tagmanifest-sha256.txt", EVP_sha256(), 1);
	manifest(w, "tagmanifest-sha512.txt", EVP_sha512(), 1);
}

/* Depth-first, children sorted bytewise, directories explicit (GNU tar --sort=name). */
static int cmp_tar_order(const void *a, const void *c)
{
	const unsigned char *x = (const unsigned char *)((const struct bag_item *)a)->path;
	const unsigned char *y = (const unsigned char *)((const struct bag_item *)c)->path;

	for (; *x && *x == *y; x++, y++)
		;
	/* A '/' sorts before any other byte, so a folder's files come together. */
	if (*x == '/' && *y)
		return -1;
	if (*y == '/' && *x)
		return 1;
	return (int)*x - (int)*y;
}

int bag_write_targz(struct bag_writer *w, const char *top, FILE *fp, long long mtime)
{
	struct tarw *t = tarw_open(fp, mtime);
	char **dirs = NULL;
	size_t i, nd = 0;
	int rc = 0;

	if (w->n)
		ck_sort(w->v, w->n, sizeof(*w->v), cmp_tar_order);
	tarw_dir(t, top);
	for (i = 0; i < w->n && !rc; i++) {
		const char *p = w->v[i].path, *s;
		char *full;

		/* Each folder on the way that was not written yet. */
		for (s = strchr(p, '/'); s; s = strchr(s + 1, '/')) {
			char *d = xasprintf("%s/%.*s", top, (int)(s - p), p);
			size_t k;

			for (k = 0; k < nd && strcmp(dirs[k], d); k++)
				;
			if (k < nd) {
				free(d);
				continue;
			}
			if (tarw_dir(t, d) < 0)
				rc = ck_error(EX_SOFTWARE, "'%s' is too long for a tar name", d);
			dirs = xrealloc(dirs, (nd + 1) * sizeof(*dirs));
			dirs[nd++] = d;
		}
		full = xasprintf("%s/%s", top, p);
		if (!rc && tarw_file(t, full, w->v[i].data, w->v[i].len) < 0)
			rc = ck_error(EX_SOFTWARE, "'%s' is too long for a tar name", full);
		free(full);
	}
	for (i = 0; i < nd; i++)
		free(dirs[i]);
	free(dirs);
	i = (size_t)tarw_close(t);
	return rc ? rc : (int)i;
}

void bag_writer_free(struct bag_writer *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		free(w->v[i].path);
		free(w->v[i].data);
	}
	free(w->v);
	memset(w, 0, sizeof(*w));
}
