/* util.c - messages, exit codes, allocate-or-die wrappers and a growable buffer */
#include "casekit.h"
#include <limits.h>
#include <time.h>

struct ck_globals ck;

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

size_t ck_mask_cards(char *s, size_t n)
{
	size_t i = 0, masked = 0;

	while (i < n) {
		size_t j = i, digits = 0, sum = 0, k, seen;

		if (!is_digit(s[i]) || (i > 0 && is_digit(s[i - 1]))) {
			i++;
			continue;
		}
		/* The run: digits, with one separator at a time between them. */
		while (j < n &&
			(is_digit(s[j]) ||
				((s[j] == ' ' || s[j] == '-') && j + 1 < n && is_digit(s[j + 1]) &&
					is_digit(s[j - 1])))) {
			digits += is_digit(s[j]);
			j++;
		}
		if (digits >= 13 && digits <= 19) {
			/* Luhn, from the rightmost digit. */
			for (k = j, seen = 0; k > i; k--) {
				int d;

				if (!is_digit(s[k - 1]))
					continue;
				d = s[k - 1] - '0';
				if (seen++ % 2 == 1)
					d = d * 2 > 9 ? d * 2 - 9 : d * 2;
				sum += (size_t)d;
			}
			if (sum % 10 == 0) {
				for (k = i, seen = 0; k < j; k++)
					if (is_digit(s[k]) && seen++ < digits - 4)
						s[k] = '*';
				masked++;
			}
		}
		i = j;
	}
	return masked;
}

static void vmessage(const char *fmt, va_list ap)
{
	struct buf b = { 0 };

	/* Whatever a message quotes from the input, a card number does not leave casekit. */
	buf_vaddf(&b, fmt, ap);
	ck_mask_cards(b.s, b.len);
	if (ck.applet)
		fprintf(stderr, "casekit %s: %s\n", ck.applet, b.s ? b.s : "");
	else
		fprintf(stderr, "casekit: %s\n", b.s ? b.s : "");
	buf_free(&b);
}

int ck_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	return code;
}

int ck_verror(int code, const char *fmt, va_list ap)
{
	vmessage(fmt, ap);
	return code;
}

void ck_warn(const char *fmt, ...)
{
	va_list ap;

	if (ck.quiet)
		return;
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

void ck_info(const char *fmt, ...)
{
	va_list ap;

	if (!ck.verbose)
		return;
	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
}

_Noreturn void ck_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(fmt, ap);
	va_end(ap);
	fflush(stdout);
	exit(code);
}

_Noreturn void ck_bug_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	struct buf b = { 0 };

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	ck_die(EX_SOFTWARE, "internal error at %s:%d: %s", file, line, b.s);
}

int ck_finish_stdout(int rc)
{
	/*
	 * A closed pipe (`casekit query ... | head`) is not an error worth a message: SIGPIPE
	 * normally ends us first, and if it is ignored the EPIPE lands here.
	 */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno == EPIPE)
			return rc;
		return ck_error(EX_IOERR, "cannot write output: %s", strerror(errno));
	}
	return rc;
}

static _Noreturn void oom(size_t n)
{
	ck_die(EX_OSERR, "out of memory allocating %zu bytes", n);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom(n * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

void buf_grow(struct buf *b, size_t extra)
{
	size_t want = b->len + extra + 1;

	if (want <= b->cap)
		return;
	if (want < b->cap * 2)
		want = b->cap * 2;
	if (want < 64)
		want = 64;
	b->s = xrealloc(b->s, want);
	b->cap = want;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		ck_bug("bad format '%s'", fmt);
	buf_grow(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vaddf(b, fmt, ap);
	va_end(ap);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

char *buf_detach(struct buf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

const char *ck_datadir(void)
{
	const char *d = getenv("CASEKIT_DATADIR");

	return d && *d ? d : PKGDATADIR;
}

void ck_now_iso(char out[21])
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	long long v;
	time_t t;
	struct tm tm;

	/* Reproducible builds and tests pin the clock the same way packagers do. */
	if (sde && ck_parse_long(sde, &v) == 0)
		t = (time_t)v;
	else
		t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void ck_clock_iso(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The config file's settings, read once: "key = value" lines; # starts a comment. */
static char **config;
static size_t nconfig;

static void config_load(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path, *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *fp;

	if (config)
		return;
	config = xcalloc(1, sizeof(*config));
	if ((path = getenv("CASEKIT_CONFIG")) && *path)
		path = xstrdup(path);
	else if (xdg && *xdg)
		path = xasprintf("%s/casekit/config", xdg);
	else if (home && *home)
		path = xasprintf("%s/.config/casekit/config", home);
	else
		return;
	if (!(fp = fopen(path, "r"))) {
		if (errno != ENOENT)
			ck_warn("%s: %s", path, strerror(errno));
		free(path);
		return;
	}
	while ((n = getline(&line, &cap, fp)) >= 0) {
		char *s = line, *eq, *k, *v;

		while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
			s[--n] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if (!(eq = strchr(s, '='))) {
			ck_warn("%s: '%s' is not 'key = value'", path, s);
			continue;
		}
		for (k = eq; k > s && (k[-1] == ' ' || k[-1] == '\t'); k--)
			;
		for (v = eq + 1; *v == ' ' || *v == '\t'; v++)
			;
		config = xrealloc(config, (nconfig + 3) * sizeof(*config));
		config[nconfig++] = xstrndup(s, (size_t)(k - s));
		config[nconfig++] = xstrdup(v);
		config[nconfig] = NULL;
	}
	free(line);
	fclose(fp);
	free(path);
}

const char *ck_setting(const char *env, const char *key)
{
	const char *s = env ? getenv(env) : NULL;
	size_t i;

	if (s && *s)
		return s;
	config_load();
	for (i = 0; i + 1 < nconfig; i += 2)
		if (strcmp(config[i], key) == 0 && *config[i + 1])
			return config[i + 1];
	return NULL;
}

const char *ck_analyst(void)
{
	const char *s = ck_setting("CASEKIT_ANALYST", "analyst");

	if (!s)
		s = getenv("USER");
	return s && *s ? s : "unknown";
}

int ck_parse_long(const char *s, long long *out)
{
	char *end;
	long long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || end == s)
		return -1;
	*out = v;
	return 0;
}

uint64_t ck_fnv1a(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}

/* The slot of s in t: where it is, or the empty one where it would go. */
static uint32_t name_slot(const struct ck_names *t, const char *s)
{
	uint32_t mask = t->nslot - 1, i;

	for (i = (uint32_t)ck_fnv1a(s, strlen(s)) & mask; t->slot[i]; i = (i + 1) & mask)
		if (strcmp(t->v[t->slot[i] - 1], s) == 0)
			break;
	return i;
}

int ck_name_find(const struct ck_names *t, const char *s)
{
	return t->nslot ? (int)t->slot[name_slot(t, s)] - 1 : -1;
}

int ck_name_id(struct ck_names *t, const char *s)
{
	uint32_t i;

	if ((uint32_t)t->n * 2 >= t->nslot) {
		int k;

		free(t->slot);
		t->nslot = t->nslot ? t->nslot * 2 : 64;
		t->slot = xcalloc(t->nslot, sizeof(*t->slot));
		for (k = 0; k < t->n; k++)
			t->slot[name_slot(t, t->v[k])] = (uint32_t)k + 1;
	}
	i = name_slot(t, s);
	if (t->slot[i])
		return (int)t->slot[i] - 1;
	if ((t->n & (t->n - 1)) == 0) /* 0, 1, 2, 4, ...: grow to the next power of two */
		t->v = xrealloc(t->v, (t->n ? (size_t)t->n * 2 : 1) * sizeof(*t->v));
	t->v[t->n] = xstrdup(s);
	t->slot[i] = (uint32_t)++t->n;
	return t->n - 1;
}

void ck_names_free(struct ck_names *t)
{
	int i;

	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

int ck_in_list(const char *list, const char *s, size_t n)
{
	const char *p = list;

	for (;;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && memcmp(p, s, n) == 0)
			return 1;
		if (!bar)
			return 0;
		p = bar + 1;
	}
}

void ck_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

size_t ck_levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, *row, prev, tmp, best;

	row = xmalloc((lb + 1) * sizeof(*row));
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	best = row[lb];
	free(row);
	return best;
}

const char *ck_count(long long n, const char *one, const char *many)
{
	static char bufs[8][128];
	static unsigned next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%lld %s", n, n == 1 || n == -1 ? one : many);
	return b;
}

const char *ck_article(const char *word)
{
	return word && strchr("aeiouAEIOU", *word) && *word ? "an" : "a";
}

static int natural_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	size_t i = 0, j = 0;

	while (i < na && j < nb) {
		if (a[i] >= '0' && a[i] <= '9' && b[j] >= '0' && b[j] <= '9') {
			size_t si, sj, li, lj;

			/* Leading zeros do not count; then the longer run is the larger number. */
			while (i < na && a[i] == '0')
				i++;
			while (j < nb && b[j] == '0')
				j++;
			for (si = i; i < na && a[i] >= '0' && a[i] <= '9'; i++)
				;
			for (sj = j; j < nb && b[j] >= '0' && b[j] <= '9'; j++)
				;
			li = i - si;
			lj = j - sj;
			if (li != lj)
				return li < lj ? -1 : 1;
			if (li && memcmp(a + si, b + sj, li) != 0)
				return memcmp(a + si, b + sj, li);
			continue;
		}
		if (a[i] != b[j])
			return (unsigned char)a[i] < (unsigned char)b[j] ? -1 : 1;
		i++;
		j++;
	}
	return na - i == nb - j ? 0 : na - i < nb - j ? -1 : 1;
}

int ck_natural_cmp(const char *a, size_t na, const char *b, size_t nb)
{
	int c = natural_cmp(a, na, b, nb);

	/* Equal as numbers ("S7", "S007"): the bytes decide, so the order is total. */
	if (c == 0 && (c = memcmp(a, b, na < nb ? na : nb)) == 0 && na != nb)
		c = na < nb ? -1 : 1;
	return c;
}

char *ck_path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return xasprintf("/%s", name);
	return xasprintf("%.*s/%s", (int)n, dir, name);
}

uint64_t ck_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double ck_uniform(uint64_t *state)
{
	return (double)(ck_splitmix64(state) >> 11) * (1.0 / 9007199254740992.0);
}
