/* synthnotice.c - rights holders' notices for the synthetic marketplace, with their truth */
#include "casekit.h"
#include "synthnotice.h"
#include "synth.h"
#include <zlib.h>

/*
 * Who files what. Valid notices name a counterfeit listing and the brand it shows, filed by
 * the brand's holder or an agent the notifiers file declares for it. The others are what a
 * notice desk gets besides: bad faith against genuine goods (a competitor, a grey-market
 * quarrel), the wrong notifier (another holder, an agent nobody declared), a brand the
 * listing does not show, a listing that is not there, a second notice for the same listing,
 * and one declared agent that files mostly bad notices.
 */
enum {
	NT_VALID,
	NT_BAD_FAITH,
	NT_WRONG_HOLDER,
	NT_BRAND_MISMATCH,
	NT_UNKNOWN_LISTING,
	NT_DUPLICATE,
	NT_NCLASSES
};
static const char *const class_name[NT_NCLASSES] = { "valid", "bad_faith", "wrong_holder",
	"brand_mismatch", "unknown_listing", "duplicate" };

/* The agents: two honest firms sharing the holders, and one that files carelessly. */
static const char *const agent_name[] = { "Corsearch Brand Protection", "OpSec Online" };
static const char *const agent_email[] = { "notices@corsearch.example", "ntd@opsec.example" };
#define BAD_AGENT "SwiftNotice Ltd"
#define BAD_AGENT_EMAIL "filing@swiftnotice.example"
#define UNDECLARED_AGENT "Global IP Enforcement"
/* The bad agent acts for the holders of these brands (indexes of the generator's table). */
#define BAD_AGENT_BRAND_A 2
#define BAD_AGENT_BRAND_B 3

#define T1 1764460800LL /* 2025-11-30: the dump's last day */
#define DAY 86400LL

struct notice {
	char id[16];
	char listing[24];
	const char *notifier, *email;
	int brand, url_only, class, counterfeit;
	int64_t at;
};

struct synth_notices {
	const struct synth_opts *o;
	const char *const *names, *const *holders;
	size_t nbrands;
	struct synth_rng r;
	struct notice *v;
	size_t n, cap;
	uint64_t fake_listing;
};

int synth_notices_open(struct synth_notices **out, const struct synth_opts *o,
	const char *const *brand_names, const char *const *holders, size_t nbrands)
{
	struct synth_notices *n = xcalloc(1, sizeof(*n));

	n->o = o;
	n->names = brand_names;
	n->holders = holders;
	n->nbrands = nbrands;
	/* A stream of its own: "notices" in ASCII keeps it apart from every other use of seed. */
	synth_rng_seed(&n->r, o->seed ^ 0x6e6f7469636573ULL);
	*out = n;
	return 0;
}

static int below(struct synth_notices *n, uint64_t k)
{
	return (int)synth_rng_below(&n->r, k);
}

static struct notice *add(struct synth_notices *n, int class, int brand, const char *listing,
	const char *notifier, const char *email, int64_t at, int counterfeit)
{
	struct notice *x;

	if (n->n == n->cap) {
		n->cap = n->cap ? 2 * n->cap : 1024;
		n->v = xrealloc(n->v, n->cap * sizeof(*n->v));
	}
	x = &n->v[n->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->id, sizeof(x->id), "NT%07zu", n->n);
	snprintf(x->listing, sizeof(x->listing), "%s", listing);
	x->class = class;
	x->brand = brand;
	x->notifier = notifier;
	x->email = email;
	if (n->o->notices_until)
		x->at = at > n->o->notices_until ? n->o->notices_until : at;
	else
		x->at = at > T1 + 7 * DAY ? T1 + 7 * DAY : at;
	x->counterfeit = counterfeit;
	/* A fifth of the notices give the listing's address instead of its id. */
	x->url_only = below(n, 5) == 0;
	return x;
}

/* The holder of brand b, or its declared agent (each holder has one of the two firms). */
static void filer(struct synth_notices *n, int b, const char **who, const char **email)
{
	if (below(n, 100) < 40) {
		*who = agent_name[b % 2];
		*email = agent_email[b % 2];
	} else {
		*who = n->holders[b];
		*email = "legal@holder.example";
	}
}

static int64_t when(struct synth_notices *n, int64_t created)
{
	int64_t from = created + DAY, span = T1 + 7 * DAY - from;

	/* One draw either way: the same notices, at other times. */
	if (n->o->notices_until) {
		from = n->o->notices_until - DAY;
		span = (int64_t)synth_rng_below(&n->r, span > 0 ? (uint64_t)span : 1) % DAY;
		return from + span;
	}
	return from + (span > 0 ? (int64_t)synth_rng_below(&n->r, (uint64_t)span) : 0);
}

/* A second notice about the same listing, some time after the first. */
static int64_t later(struct synth_notices *n, int64_t first)
{
	int64_t gap = DAY + below(n, 5 * DAY);

	if (n->o->notices_until)
		return first + gap % (n->o->notices_until - first);
	return first + gap;
}

static int other_brand(struct synth_notices *n, int b)
{
	int o = below(n, n->nbrands - 1);

	return o >= b ? o + 1 : o;
}

void synth_notices_listing(struct synth_notices *n, const struct synth_notice_listing *l)
{
	const char *who, *email;
	unsigned p = (unsigned)below(n, 10000);
	int b = l->brand, bad_agent_brand = b == BAD_AGENT_BRAND_A || b == BAD_AGENT_BRAND_B;
	int cf = l->kind == SYNTH_L_COUNTERFEIT;
	struct notice *x;

	/* A listing that does not exist: a typo, a listing removed before the dump was taken. */
	if (below(n, 10000) < 5) {
		char fake[24];

		snprintf(fake, sizeof(fake), "L9%07llu", (unsigned long long)++n->fake_listing);
		b = below(n, n->nbrands);
		filer(n, b, &who, &email);
		add(n, NT_UNKNOWN_LISTING, b, fake, who, email, when(n, l->created), 0);
		b = l->brand;
	}
	if (cf && b >= 0) {
		if (p < 1400) {
			filer(n, b, &who, &email);
			x = add(n, NT_VALID, b, l->listing_id, who, email, when(n, l->created), 1);
			/* The holder chases a listing that is still up, by another channel. */
			if (below(n, 100) < 4) {
				add(n, NT_DUPLICATE, b, l->listing_id, who, email, later(n, x->at),
					1);
			}
		} else if (p < 1550) {
			/* Another brand's holder, or an agent no notifiers file declares. */
			int o = other_brand(n, b);

			if (below(n, 2))
				add(n, NT_WRONG_HOLDER, b, l->listing_id, n->holders[o],
					"legal@holder.example", when(n, l->created), 1);
			else
				add(n, NT_WRONG_HOLDER, b, l->listing_id, UNDECLARED_AGENT,
					"info@globalip.example", when(n, l->created), 1);
		} else if (p < 1700) {
			/* A holder that names its own brand on a copy of someone else's. */
			int o = other_brand(n, b);

			filer(n, o, &who, &email);
			add(n, NT_BRAND_MISMATCH, o, l->listing_id, who, email, when(n, l->created),
				1);
		} else if (p < 1900 && bad_agent_brand) {
			add(n, NT_VALID, b, l->listing_id, BAD_AGENT, BAD_AGENT_EMAIL,
				when(n, l->created), 1);
		}
	} else if (l->kind == SYNTH_L_GENUINE && b >= 0) {
		if (p < 40) {
			filer(n, b, &who, &email);
			add(n, NT_BAD_FAITH, b, l->listing_id, who, email, when(n, l->created), 0);
		} else if (p < 150 && bad_agent_brand) {
			add(n, NT_BAD_FAITH, b, l->listing_id, BAD_AGENT, BAD_AGENT_EMAIL,
				when(n, l->created), 0);
		}
	} else if (l->kind == SYNTH_L_TRAP && b >= 0) {
		/* A licensed replica jersey, a case "compatible with" a phone: not counterfeits. */
		if (p < 300) {
			filer(n, b, &who, &email);
			add(n, NT_BAD_FAITH, b, l->listing_id, who, email, when(n, l->created), 0);
		}
	} else if (l->kind == SYNTH_L_GENERIC) {
		if (p < 3) {
			b = below(n, n->nbrands);
			filer(n, b, &who, &email);
			add(n, NT_BRAND_MISMATCH, b, l->listing_id, who, email, when(n, l->created),
				0);
		} else if (p < 8) {
			b = below(n, 2) ? BAD_AGENT_BRAND_A : BAD_AGENT_BRAND_B;
			add(n, NT_BRAND_MISMATCH, b, l->listing_id, BAD_AGENT, BAD_AGENT_EMAIL,
				when(n, l->created), 0);
		}
	}
}

/* ---- output ---- */

struct out {
	FILE *fp;
	gzFile gz;
	char *path, *part;
	int err;
};

static int out_open_file(struct out *f, const char *dir, const char *name, int gz)
{
	memset(f, 0, sizeof(*f));
	f->path = xasprintf("%s/%s%s", dir, name, gz ? ".gz" : "");
	f->part = xasprintf("%s.part", f->path);
	{
		/* One folder never mixes two runs: NAME.csv goes when NAME.csv.gz is written. */
		char *other = xasprintf("%s/%s%s", dir, name, gz ? "" : ".gz");

		unlink(other);
		free(other);
	}
	if (gz) {
		/* gzopen writes no name and mtime 0: the same bytes every run. */
		f->gz = gzopen(f->part, "wb9");
		if (!f->gz)
			return ck_error(
				EX_CANTCREAT, "cannot create '%s': %s", f->part, strerror(errno));
	} else if (!(f->fp = fopen(f->part, "w"))) {
		return ck_error(EX_CANTCREAT, "cannot create '%s': %s", f->part, strerror(errno));
	}
	return 0;
}

static void put(struct out *f, const char *s)
{
	size_t len = strlen(s);

	if (f->gz) {
		if (len && gzwrite(f->gz, s, (unsigned)len) != (int)len)
			f->err = 1;
	} else if (fputs(s, f->fp) == EOF) {
		f->err = 1;
	}
}

/* One CSV field, quoted when it holds a comma, a quote or a line break. */
static void field(struct out *f, const char *s, int last)
{
	if (s && strpbrk(s, ",\"\r\n")) {
		struct buf b = { 0 };

		buf_addc(&b, '"');
		for (; *s; s++) {
			if (*s == '"')
				buf_addc(&b, '"');
			buf_addc(&b, *s);
		}
		buf_addc(&b, '"');
		put(f, b.s);
		buf_free(&b);
	} else if (s) {
		put(f, s);
	}
	put(f, last ? "\n" : ",");
}

static int out_close_file(struct out *f, int keep)
{
	int rc = 0, bad = f->err;

	if (f->gz)
		bad |= gzclose(f->gz) != Z_OK;
	else if (f->fp)
		bad |= ferror(f->fp) | (fclose(f->fp) != 0);
	if (keep && bad)
		rc = ck_error(EX_IOERR, "cannot write '%s'", f->part);
	else if (keep && rename(f->part, f->path) != 0)
		rc = ck_error(EX_CANTCREAT, "cannot rename '%s' to '%s': %s", f->part, f->path,
			strerror(errno));
	if (!keep || rc)
		unlink(f->part);
	free(f->path);
	free(f->part);
	return rc;
}

static int write_notices(struct synth_notices *n)
{
	struct out f;
	char at[21], url[96];
	size_t i;
	int rc;

	if ((rc = out_open_file(&f, n->o->dir, "notices.csv", n->o->gzip)))
		return rc;
	put(&f,
		"notice_id,rights_holder,brand,listing_id,url,grounds,received_at,"
		"contact_email\n");
	for (i = 0; i < n->n; i++) {
		const struct notice *x = &n->v[i];

		/* Half the addresses as a browser copies them: casekit takedown normalises. */
		static const char *const form[] = { "https://market.example/item/%s",
			"https://market.example/item/%s?utm_source=email&utm_medium=notice",
			"https://market.example/item/%s",
			"https://market.example/item/%s/#description",
			"https://market.example/item/%s",
			"HTTPS://Market.Example/item/%s?spm=a2g0o" };

		snprintf(url, sizeof(url), form[i % 6], x->listing);
		synth_iso_time(at, x->at);
		field(&f, x->id, 0);
		field(&f, x->notifier, 0);
		field(&f, n->names[x->brand], 0);
		field(&f, x->url_only ? NULL : x->listing, 0);
		field(&f, x->url_only ? url : NULL, 0);
		field(&f, "trademark", 0);
		field(&f, at, 0);
		field(&f, x->email, 1);
	}
	return out_close_file(&f, 1);
}

static int write_notifiers(struct synth_notices *n)
{
	struct out f;
	size_t b;
	int rc;

	if ((rc = out_open_file(&f, n->o->dir, "notifiers.csv", n->o->gzip)))
		return rc;
	put(&f, "notifier,acts_for,contact_email,since\n");
	for (b = 0; b < n->nbrands; b++) {
		field(&f, agent_name[b % 2], 0);
		field(&f, n->holders[b], 0);
		field(&f, agent_email[b % 2], 0);
		field(&f, "2023-01-01", 1);
	}
	field(&f, BAD_AGENT, 0);
	field(&f, n->holders[BAD_AGENT_BRAND_A], 0);
	field(&f, BAD_AGENT_EMAIL, 0);
	field(&f, "2024-06-01", 1);
	field(&f, BAD_AGENT, 0);
	field(&f, n->holders[BAD_AGENT_BRAND_B], 0);
	field(&f, BAD_AGENT_EMAIL, 0);
	field(&f, "2024-06-01", 1);
	return out_close_file(&f, 1);
}

static void json_text(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

/* notices_truth.json: the class of every notice, and whether it is valid. */
static int write_truth(struct synth_notices *n)
{
	struct out f;
	struct buf b = { 0 };
	size_t i;
	int rc;

	memset(&f, 0, sizeof(f));
	if ((rc = out_open_file(&f, n->o->dir, "notices_truth.json", 0)))
		return rc;
	buf_addf(&b, "{\n  \"seed\": %llu,\n  \"bad_agent\": ", (unsigned long long)n->o->seed);
	json_text(&b, BAD_AGENT);
	buf_adds(&b, ",\n  \"notices\": [");
	for (i = 0; i < n->n; i++) {
		const struct notice *x = &n->v[i];

		buf_addf(&b, "%s\n    {\"notice_id\": \"%s\", \"class\": \"%s\", \"valid\": %s, ",
			i ? "," : "", x->id, class_name[x->class],
			x->class == NT_VALID ? "true" : "false");
		buf_addf(&b, "\"counterfeit\": %s, \"listing_id\": \"%s\", \"notifier\": ",
			x->counterfeit ? "true" : "false", x->listing);
		json_text(&b, x->notifier);
		buf_adds(&b, "}");
		if (b.len > 1 << 16) {
			put(&f, b.s);
			buf_reset(&b);
		}
	}
	buf_adds(&b, "\n  ]\n}\n");
	put(&f, b.s);
	buf_free(&b);
	return out_close_file(&f, 1);
}

int synth_notices_close(struct synth_notices *n, int keep, uint64_t *count)
{
	int rc = 0;

	if (!n)
		return 0;
	if (keep && !(rc = write_notifiers(n)) && !(rc = write_notices(n)))
		rc = write_truth(n);
	if (count)
		*count = n->n;
	free(n->v);
	free(n);
	return rc;
}
