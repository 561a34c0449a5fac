/* profile.c - map another platform's files and columns onto casekit's kinds and fields */
#include "casekit.h"
#include "csvio.h"
#include "ingest.h"
#include "profile.h"
#include "store.h"
#include <ctype.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unicode/ucnv.h>
#include <unicode/ucurr.h>
#include <unicode/uenum.h>
#include <unistd.h>
#include <unicode/uloc.h>

#define PROFILE_MAX_BYTES (1024 * 1024) /* bigger is not a profile */

/*
 * The generic profile, also shipped as share/profiles/generic.profile; this copy lets a
 * binary that is not installed still read its own layout.
 */
static const char generic_text[] = "profile generic\n"
				   "[brands]\nfiles brands.csv brands.tsv brands.txt\n"
				   "[sellers]\nfiles sellers.csv sellers.tsv sellers.txt\n"
				   "[parties]\nfiles parties.csv parties.tsv parties.txt\n"
				   "[listings]\nfiles listings.csv listings.tsv listings.txt\n"
				   "[orders]\nfiles orders.csv orders.tsv orders.txt\n"
				   "[logins]\nfiles logins.csv logins.tsv logins.txt\n"
				   "[payments]\nfiles payments.csv payments.tsv payments.txt\n"
				   "[shipments]\nfiles shipments.csv shipments.tsv shipments.txt\n"
				   "[testbuys]\nfiles testbuys.csv testbuys.tsv testbuys.txt\n"
				   "[takedowns]\nfiles takedowns.csv takedowns.tsv takedowns.txt\n"
				   "[notifiers]\nfiles notifiers.csv notifiers.tsv notifiers.txt\n"
				   "[notices]\nfiles notices.csv notices.tsv notices.txt\n";

int profile_country(const char *s, char out[3])
{
	const char *const *c;

	if (!s || !isalpha((unsigned char)s[0]) || !isalpha((unsigned char)s[1]) || s[2])
		return -1;
	out[0] = (char)toupper((unsigned char)s[0]);
	out[1] = (char)toupper((unsigned char)s[1]);
	out[2] = '\0';
	/* ICU's list is ISO 3166-1 alpha-2, deprecated codes left out. */
	for (c = uloc_getISOCountries(); *c; c++)
		if (strcmp(*c, out) == 0)
			return 0;
	return -1;
}

int profile_currency(const char *s, char out[4])
{
	UErrorCode err = U_ZERO_ERROR;
	UEnumeration *e;
	const char *c;
	int found = 0;

	if (ingest_currency(s, out))
		return -1;
	/* Every code ISO 4217 has had, historic ones too: old dumps hold old money. */
	e = ucurr_openISOCurrencies(UCURR_ALL, &err);
	if (U_FAILURE(err))
		return -1;
	while (!found && (c = uenum_next(e, NULL, &err)) && U_SUCCESS(err))
		found = strcmp(c, out) == 0;
	uenum_close(e);
	return found ? 0 : -1;
}

void profile_tmpl_free(struct profile_tmpl *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->parts[i].text);
	free(t->parts);
	t->parts = NULL;
	t->n = 0;
}

static void add_part(struct profile_tmpl *t, const char *s, size_t n, int is_col)
{
	t->parts = xrealloc(t->parts, (t->n + 1) * sizeof(*t->parts));
	t->parts[t->n].text = xstrndup(s, n);
	t->parts[t->n].is_col = is_col;
	t->n++;
}

int profile_tmpl_parse(struct profile_tmpl *t, const char *s, const char **why)
{
	const char *p, *q;
	size_t n = strlen(s);

	memset(t, 0, sizeof(*t));
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		add_part(t, s + 1, n - 2, 0);
		return 0;
	}
	if (!strchr(s, '{')) {
		if (!*s || strchr(s, '}')) {
			*why = "a column name, a \"constant\" or a {template} is needed";
			return -1;
		}
		add_part(t, s, n, 1);
		return 0;
	}
	for (p = s; *p;) {
		if (*p == '{') {
			if (!(q = strchr(p, '}')) || q == p + 1) {
				profile_tmpl_free(t);
				*why = "'{' without a column name and '}'";
				return -1;
			}
			add_part(t, p + 1, (size_t)(q - p - 1), 1);
			p = q + 1;
		} else {
			q = strchr(p, '{');
			if (!q)
				q = p + strlen(p);
			if (memchr(p, '}', (size_t)(q - p))) {
				profile_tmpl_free(t);
				*why = "'}' without '{'";
				return -1;
			}
			add_part(t, p, (size_t)(q - p), 0);
			p = q;
		}
	}
	return 0;
}

struct lookup_ent {
	char *k, *v;
	size_t kn, vn;
	uint64_t h;
};
struct profile_lookup {
	struct lookup_ent *e;
	size_t cap, n;
};

static size_t lookup_slot(const struct profile_lookup *l, const char *k, size_t n, uint64_t h)
{
	size_t i = (size_t)h & (l->cap - 1);

	while (l->e[i].k && !(l->e[i].h == h && l->e[i].kn == n && memcmp(l->e[i].k, k, n) == 0))
		i = (i + 1) & (l->cap - 1);
	return i;
}

static void lookup_add(struct profile_lookup *l, const char *k, size_t kn, const char *v, size_t vn)
{
	uint64_t h = ck_fnv1a(k, kn);
	size_t i, j;

	if (2 * (l->n + 1) > l->cap) {
		struct profile_lookup g = { NULL, l->cap ? 2 * l->cap : 256, l->n };

		g.e = xcalloc(g.cap, sizeof(*g.e));
		for (j = 0; j < l->cap; j++)
			if (l->e[j].k)
				g.e[lookup_slot(&g, l->e[j].k, l->e[j].kn, l->e[j].h)] = l->e[j];
		free(l->e);
		*l = g;
	}
	i = lookup_slot(l, k, kn, h);
	if (l->e[i].k)
		return; /* the first row of a key wins */
	l->e[i].k = xstrndup(k, kn);
	l->e[i].v = xstrndup(v, vn);
	l->e[i].kn = kn;
	l->e[i].vn = vn;
	l->e[i].h = h;
	l->n++;
}

const char *profile_lookup_get(
	const struct profile_lookup *l, const char *key, size_t n, size_t *len)
{
	size_t i;

	if (!l->cap)
		return NULL;
	i = lookup_slot(l, key, n, ck_fnv1a(key, n));
	if (!l->e[i].k)
		return NULL;
	*len = l->e[i].vn;
	return l->e[i].v;
}

static void lookup_free(struct profile_lookup *l)
{
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->cap; i++) {
		free(l->e[i].k);
		free(l->e[i].v);
	}
	free(l->e);
	free(l);
}

/* The largest lookup file read (it is held in memory whole, as a table). */
#define PROFILE_LOOKUP_MAX (256 << 20)

static int perr(const char *path, unsigned long line, const char *fmt, const char *arg);

static void trim(char **s)
{
	char *e;

	while (isspace((unsigned char)**s))
		(*s)++;
	e = *s + strlen(*s);
	while (e > *s && isspace((unsigned char)e[-1]))
		*--e = '\0';
}

/*
 * "lookup(FILE, KEY, VALUE, TEMPLATE)": read FILE (relative to the profile's folder) into a
 * table from its KEY column to its VALUE column; *tmpl points at the template. 0, or a
 * message naming the profile's line and EX_CONFIG.
 */
static int lookup_load(
	struct profile_lookup **out, char *args, char **tmpl, const char *path, unsigned long line)
{
	char *a[3], *p = args, *file;
	const char *slash = strrchr(path, '/');
	struct csvio *r = NULL;
	struct csvio_opts co = { 0 };
	struct csvio_rec *rec;
	int i, kc = -1, vc = -1, rc, fd = -1;
	size_t j;
	struct stat sb;

	*out = NULL;
	for (i = 0; i < 3; i++) {
		char *c = strchr(p, ',');

		if (!c)
			return perr(path, line, "%s",
				"lookup takes a file, a key column, a value column and a template: "
				"lookup(FILE, KEY, VALUE, {column})");
		*c = '\0';
		a[i] = p;
		trim(&a[i]);
		p = c + 1;
	}
	trim(&p);
	*tmpl = p;
	if (!*a[0] || !*a[1] || !*a[2] || !*p)
		return perr(
			path, line, "%s", "lookup(FILE, KEY, VALUE, {column}) has an empty part");
	/*
	 * Beside the profile, and only there: a crafted profile must not copy other files of the
	 * analyst's machine into the store (and from there into a package), nor hang on a device.
	 */
	if (a[0][0] == '/' || strcmp(a[0], "..") == 0 || strncmp(a[0], "../", 3) == 0 ||
		strstr(a[0], "/../") ||
		(strlen(a[0]) >= 3 && strcmp(a[0] + strlen(a[0]) - 3, "/..") == 0))
		return perr(path, line,
			"lookup file '%s': name it relative to the profile's folder, without '..'",
			a[0]);
	if (!slash)
		file = xstrdup(a[0]);
	else
		file = xasprintf("%.*s/%s", (int)(slash - path), path, a[0]);
	if ((fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0 || fstat(fd, &sb) != 0 ||
		!S_ISREG(sb.st_mode) || sb.st_size > PROFILE_LOOKUP_MAX) {
		char *m = fd < 0
			? xasprintf("cannot open lookup file '%s': %s", file, strerror(errno))
			: !S_ISREG(sb.st_mode)
			? xasprintf("lookup file '%s' is not a regular file", file)
			: xasprintf("lookup file '%s' is over %d MiB", file,
				  PROFILE_LOOKUP_MAX >> 20);

		if (fd >= 0)
			close(fd);
		rc = perr(path, line, "%s", m);
		free(m);
		free(file);
		return rc;
	}
	close(fd);
	if ((rc = csvio_open(&r, file, &co)) || (rc = csvio_next(r, &rec)) != 1) {
		char *m = xasprintf("lookup file '%s' is empty or unreadable", file);

		csvio_close(r);
		rc = perr(path, line, "%s", m);
		free(m);
		free(file);
		return rc;
	}
	for (j = 0; j < rec->n; j++) {
		if (strcmp(rec->f[j], a[1]) == 0)
			kc = (int)j;
		if (strcmp(rec->f[j], a[2]) == 0)
			vc = (int)j;
	}
	if (kc < 0 || vc < 0) {
		char *m = xasprintf(
			"lookup file '%s' has no column '%s'", file, kc < 0 ? a[1] : a[2]);

		csvio_close(r);
		rc = perr(path, line, "%s", m);
		free(m);
		free(file);
		return rc;
	}
	*out = xcalloc(1, sizeof(**out));
	while ((rc = csvio_next(r, &rec)) == 1)
		if ((size_t)kc < rec->n && (size_t)vc < rec->n && rec->len[kc])
			lookup_add(*out, rec->f[kc], rec->len[kc], rec->f[vc], rec->len[vc]);
	csvio_close(r);
	free(file);
	if (rc != 0) {
		lookup_free(*out);
		*out = NULL;
		return perr(path, line, "%s", "the lookup file is broken (see the message above)");
	}
	return 0;
}

static void free_map(struct profile_map *m)
{
	lookup_free(m->lookup);
	free(m->field);
	free(m->date_format);
	profile_tmpl_free(&m->tmpl);
}

void profile_free(struct profile *p)
{
	size_t i, j;

	if (!p)
		return;
	for (i = 0; i < p->nkinds; i++) {
		struct profile_kind *k = &p->kinds[i];

		for (j = 0; j < k->nglobs; j++)
			free(k->globs[j]);
		for (j = 0; j < k->nmaps; j++)
			free_map(&k->maps[j]);
		for (j = 0; j < k->nidents; j++)
			free_map(&k->idents[j]);
		free(k->globs);
		free(k->maps);
		free(k->idents);
		free(k->kind);
	}
	free(p->kinds);
	free(p->name);
	free(p->path);
	free(p->currency);
	free(p->country);
	free(p->date_format);
	free(p->encoding);
	free(p);
}

const struct profile_kind *profile_kind(const struct profile *p, const char *kind)
{
	size_t i;

	for (i = 0; i < p->nkinds; i++)
		if (strcmp(p->kinds[i].kind, kind) == 0)
			return &p->kinds[i];
	return NULL;
}

const char *profile_kind_of(const struct profile *p, const char *filename)
{
	char *name = xstrdup(filename);
	size_t i, j, n = strlen(name);
	const char *kind = NULL;

	/* Compression is known by content, so a .gz suffix says nothing about the kind. */
	if (n > 3 && strcmp(name + n - 3, ".gz") == 0)
		name[n - 3] = '\0';
	for (i = 0; i < p->nkinds && !kind; i++)
		for (j = 0; j < p->kinds[i].nglobs && !kind; j++)
			if (fnmatch(p->kinds[i].globs[j], name, 0) == 0)
				kind = p->kinds[i].kind;
	free(name);
	return kind;
}

/* Split a line into words; "quoted words" keep their quotes (templates need them). */
static size_t split(char *line, char **w, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (*p && n < max) {
		while (isspace((unsigned char)*p))
			*p++ = '\0';
		if (!*p || *p == '#')
			break;
		w[n++] = p;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				;
			if (*p)
				p++;
		} else {
			while (*p && !isspace((unsigned char)*p))
				p++;
		}
	}
	if (*p == '#')
		*p = '\0';
	return n;
}

/* The rest of the line after word i, as written (templates hold spaces). */
static char *rest(char *line_copy, char *const *w, char *line, size_t i)
{
	char *s = line_copy + (w[i] - line), *e = s + strlen(s);

	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int perr(const char *path, unsigned long line, const char *fmt, const char *arg)
{
	char *m = xasprintf(fmt, arg);
	int rc = ck_error(EX_CONFIG, "%s:%lu: %s", path, line, m);

	free(m);
	return rc;
}

/* Parse value into m: a template, or lookup(FILE, KEY, VALUE, TEMPLATE). */
static int set_value(struct profile_map *m, const char *value, const char *path, unsigned long line)
{
	const char *why = NULL;
	int rc = 0;

	lookup_free(m->lookup);
	m->lookup = NULL;
	profile_tmpl_free(&m->tmpl);
	m->line = line;
	if (strncmp(value, "lookup(", 7) == 0 && value[strlen(value) - 1] == ')') {
		char *args = xstrndup(value + 7, strlen(value) - 8), *tmpl = NULL;

		rc = lookup_load(&m->lookup, args, &tmpl, path, line);
		if (!rc && profile_tmpl_parse(&m->tmpl, tmpl, &why))
			rc = perr(path, line, "%s", why);
		free(args);
	} else if (profile_tmpl_parse(&m->tmpl, value, &why)) {
		rc = perr(path, line, "%s", why);
	}
	return rc;
}

static int add_map(struct profile_map **maps, size_t *n, const char *field, const char *value,
	const char *path, unsigned long line)
{
	struct profile_map *m;
	int rc;

	*maps = xrealloc(*maps, (*n + 1) * sizeof(**maps));
	m = &(*maps)[*n];
	memset(m, 0, sizeof(*m));
	if ((rc = set_value(m, value, path, line))) {
		free_map(m);
		return rc;
	}
	m->field = xstrdup(field);
	(*n)++;
	return 0;
}

/* 0 if kind k has the field, else a message naming the line (and the field meant). */
static int check_field(
	const struct profile_kind *k, const char *field, const char *path, unsigned long line)
{
	const char *guess;
	char *m;
	int rc;

	if (ingest_kind_has_field(k->kind, field, &guess))
		return 0;
	if (guess)
		m = xasprintf(
			"'%s' is not a field of %s: did you mean '%s'? (see casekit-store(5))",
			field, k->kind, guess);
	else
		m = xasprintf("'%s' is not a field of %s (see casekit-store(5))", field, k->kind);
	rc = perr(path, line, "%s", m);
	free(m);
	return rc;
}

/* The settings that name a code: checked against ICU's lists. */
static int check_setting(const char *key, const char *v, const char *path, unsigned long line)
{
	char code[4];
	UErrorCode err = U_ZERO_ERROR;
	UConverter *cv;

	if (strcmp(key, "country") == 0 && profile_country(v, code))
		return perr(path, line,
			"'%s' is not an ISO 3166-1 alpha-2 country code (CN, AU, BR ...)", v);
	if (strcmp(key, "currency") == 0 && profile_currency(v, code))
		return perr(
			path, line, "'%s' is not an ISO 4217 currency code (CNY, AUD, BRL ...)", v);
	if (strcmp(key, "encoding") == 0) {
		cv = ucnv_open(v, &err);
		if (U_FAILURE(err))
			return perr(path, line, "'%s' is not an encoding ICU knows", v);
		ucnv_close(cv);
	}
	return 0;
}

int profile_parse(struct profile **out, const char *text, const char *path)
{
	struct profile *p = xcalloc(1, sizeof(*p));
	struct profile_kind *k = NULL;
	const char *s = text, *e;
	unsigned long lineno = 0;
	char *line = NULL, *copy = NULL, *w[64];
	size_t n, i;
	int rc = 0;

	*out = NULL;
	p->path = xstrdup(path);
	for (; *s && !rc; s = *e ? e + 1 : e) {
		e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s);
		lineno++;
		free(line);
		free(copy);
		line = xstrndup(s, (size_t)(e - s));
		copy = xstrdup(line);
		n = split(line, w, 64);
		if (n == 0)
			continue;
		if (w[0][0] == '[') {
			size_t len = strlen(w[0]);

			if (n != 1 || len < 3 || w[0][len - 1] != ']') {
				rc = perr(path, lineno, "a section is one word in brackets: %s",
					"[kind]");
				break;
			}
			w[0][len - 1] = '\0';
			if (!store_is_kind(w[0] + 1)) {
				rc = perr(path, lineno,
					"'%s' is not a kind (see casekit-profile(5))", w[0] + 1);
				break;
			}
			if ((k = (struct profile_kind *)profile_kind(p, w[0] + 1)))
				continue;
			p->kinds = xrealloc(p->kinds, (p->nkinds + 1) * sizeof(*p->kinds));
			k = &p->kinds[p->nkinds++];
			memset(k, 0, sizeof(*k));
			k->kind = xstrdup(w[0] + 1);
			continue;
		}
		if (!k) {
			char **slot = NULL;

			if (n != 2 && strcmp(w[0], "date-format") != 0) {
				rc = perr(path, lineno, "'%s' takes one value", w[0]);
				break;
			}
			if (strcmp(w[0], "profile") == 0)
				slot = &p->name;
			else if (strcmp(w[0], "currency") == 0)
				slot = &p->currency;
			else if (strcmp(w[0], "country") == 0)
				slot = &p->country;
			else if (strcmp(w[0], "encoding") == 0)
				slot = &p->encoding;
			else if (strcmp(w[0], "date-format") == 0 && n >= 2) {
				free(p->date_format);
				p->date_format = xstrdup(rest(copy, w, line, 1));
				continue;
			} else if (strcmp(w[0], "delimiter") == 0) {
				if (strcmp(w[1], "tab") == 0)
					p->delim = '\t';
				else if (strlen(w[1]) == 1)
					p->delim = w[1][0];
				else
					rc = perr(path, lineno,
						"a delimiter is one character or 'tab', not '%s'",
						w[1]);
				continue;
			} else {
				rc = perr(path, lineno, "unknown setting '%s'", w[0]);
				break;
			}
			if ((rc = check_setting(w[0], w[1], path, lineno)))
				break;
			free(*slot);
			*slot = xstrdup(w[1]);
			continue;
		}
		if (strcmp(w[0], "files") == 0) {
			if (n < 2)
				rc = perr(path, lineno, "'%s' needs at least one file name pattern",
					"files");
			for (i = 1; i < n; i++) {
				k->globs = xrealloc(k->globs, (k->nglobs + 1) * sizeof(*k->globs));
				k->globs[k->nglobs++] = xstrdup(w[i]);
			}
		} else if (strcmp(w[0], "date") == 0 && n >= 3) {
			if ((rc = check_field(k, w[1], path, lineno)))
				break;
			for (i = 0; i < k->nmaps; i++)
				if (strcmp(k->maps[i].field, w[1]) == 0)
					break;
			if (i == k->nmaps)
				rc = add_map(&k->maps, &k->nmaps, w[1], w[1], path, lineno);
			if (!rc) {
				/* a second date line for the field wins */
				free(k->maps[i].date_format);
				k->maps[i].date_format = xstrdup(rest(copy, w, line, 2));
			}
		} else if (strcmp(w[0], "ident") == 0 && n >= 4 && strcmp(w[2], "=") == 0) {
			if (!ingest_kind_holds_idents(k->kind)) {
				rc = perr(path, lineno,
					"%s rows hold no account: only sellers, parties, logins "
					"and payments take an ident line",
					k->kind);
				break;
			}
			rc = add_map(&k->idents, &k->nidents, w[1], rest(copy, w, line, 3), path,
				lineno);
		} else if (n >= 3 && strcmp(w[1], "=") == 0) {
			if ((rc = check_field(k, w[0], path, lineno)))
				break;
			for (i = 0; i < k->nmaps; i++)
				if (strcmp(k->maps[i].field, w[0]) == 0)
					break;
			if (i < k->nmaps) {
				rc = set_value(&k->maps[i], rest(copy, w, line, 2), path, lineno);
			} else {
				rc = add_map(&k->maps, &k->nmaps, w[0], rest(copy, w, line, 2),
					path, lineno);
			}
		} else {
			rc = perr(path, lineno,
				"cannot read '%s': expected FIELD = VALUE, files, date or ident",
				w[0]);
		}
	}
	free(line);
	free(copy);
	if (rc) {
		profile_free(p);
		return rc;
	}
	if (!p->name)
		p->name = xstrdup(path);
	*out = p;
	return 0;
}

int profile_load(struct profile **out, const char *name)
{
	struct buf b = { 0 };
	char *path, tmp[8192];
	size_t n;
	FILE *fp;
	int rc;

	*out = NULL;
	if (strchr(name, '/') || (strlen(name) > 8 && !strcmp(name + strlen(name) - 8, ".profile")))
		path = xstrdup(name);
	else
		path = xasprintf("%s/profiles/%s.profile", ck_datadir(), name);
	if (!(fp = fopen(path, "r"))) {
		int e = errno;

		if (strcmp(name, "generic") == 0) {
			free(path);
			return profile_parse(out, generic_text, "generic");
		}
		rc = ck_error(EX_NOINPUT, "cannot open profile '%s': %s", path, strerror(e));
		free(path);
		return rc;
	}
	/* A profile may come from anyone: a huge file or a device is refused, not read whole. */
	while (b.len <= PROFILE_MAX_BYTES && (n = fread(tmp, 1, sizeof(tmp), fp)) > 0)
		buf_add(&b, tmp, n);
	if (b.len > PROFILE_MAX_BYTES)
		rc = ck_error(EX_CONFIG, "profile '%s' is bigger than 1 MiB", path);
	else if (ferror(fp))
		rc = ck_error(EX_IOERR, "cannot read profile '%s': %s", path, strerror(errno));
	else
		rc = profile_parse(out, b.s ? b.s : "", path);
	fclose(fp);
	buf_free(&b);
	free(path);
	return rc;
}
