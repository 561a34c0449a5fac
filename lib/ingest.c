/* ingest.c - load marketplace dumps into the case store, losing nothing */
#include "casekit.h"
#include "csvio.h"
#include "ident.h"
#include "ingest.h"
#include "link.h"
#include "money.h"
#include "output.h"
#include "payment.h"
#include "profile.h"
#include "progress.h"
#include "stats.h"
#include "store.h"
#include "text.h"
#include <dirent.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <openssl/crypto.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum ftype { T_TEXT, T_INT, T_MONEY, T_TIME, T_CUR, T_INSTR };
#define F_KEY 0x1 /* part of the record's key: required */
#define F_REQ 0x2 /* required */

struct fspec {
	const char *name;
	enum ftype type;
	unsigned flags;
	const char *ref; /* a table whose key this field must name, when given */
};

/* An identifier a kind records: the field it comes from, and its kind. */
struct ispec {
	const char *field;
	const char *kind;
};

struct kspec {
	const char *kind;
	const struct fspec *f;
	const char *conflict; /* the key columns for UPSERT; NULL: rows are only added */
	const char *holder_kind, *holder_field;
	const struct ispec *ids;
};

#define MAXF 16
/*
 * Rows of a kind whose writes read nothing back (no old row to find) are written ROWS to an
 * INSERT: running a statement once a row costs more than the row. Every INSERT of a load is
 * OR FAIL: a statement of many rows that could abort halfway needs SQLite to copy each page
 * it touches to a statement journal first (a temporary file past 64 KiB: four writes a
 * payment row), and a failed statement fails the whole file, whose transaction is rolled
 * back, so there is nothing for that journal to undo.
 */
#define ROWS 32

static const struct fspec f_brands[] = {
	{ "brand", T_TEXT, F_KEY, NULL },
	{ "aliases", T_TEXT, 0, NULL },
	{ "category", T_TEXT, F_KEY, NULL },
	{ "reference_price", T_MONEY, 0, NULL },
	{ "currency", T_CUR, 0, NULL },
	{ "rights_holder", T_TEXT, 0, NULL },
	{ NULL, 0, 0, NULL },
};
static const struct fspec f_sellers[] = {
	{ "seller_id", T_TEXT, F_KEY, NULL },
	{ "platform", T_TEXT, 0, NULL },
	{ "shop_name", T_TEXT, 0, NULL },
	{ "owner_name", T_TEXT, 0, NULL },
	{ "registered_at", T_TIME, 0, NULL },
	{ "phone", T_TEXT, 0, NULL },
	{ "email", T_TEXT, 0, NULL },
	{ "address", T_TEXT, 0, NULL },
	{ "return_address", T_TEXT, 0, NULL },
	{ "status", T_TEXT, 0, NULL },
	{ NULL, 0, 0, NULL },
};
static const struct fspec f_parties[] = {
	{ "party_id", T_TEXT, F_KEY, NULL },
	{ "kind", T_TEXT, 0, NULL },
	{ "name", T_TEXT, 0, NULL },
	{ "phone", T_TEXT, 0, NULL },
	{ "email", T_TEXT, 0, NULL },
	{ "address", T_TEXT, 0, NULL },
	{ NULL, 0, 0, NULL },
};
static const struct fspec f_listings[] = {
	{ "listing_id", T_TEXT, F_KEY, NULL },
	{ "seller_id", T_TEXT, F_REQ, "sellers" },
	{ "title", T_TEXT, 0, NULL },
	{ "brand", T_TEXT, 0, NULL },
	{ "category", T_TEXT, 0, NULL },
	{ "price", T_MONEY, 0, NULL },
	{ "currency", T_CUR, 0, NULL },
	{ "created_at", T_TIME, 0, NULL },
	{ "status", T_TEXT, 0, NULL },
	{ "image_text", T_TEXT, 0, NULL },
	{ "url", T_TEXT, 0, NULL },
	{ NULL, 0, 0, NULL },
};
static const struct fspec f_orders[] = {
	{ "order_id", T_TEXT, F_KEY, NULL },
	{ "listing_id", T_TEXT, 0, "listings" },
	{ "seller_id", T_TEXT, 0, "sellers" },
	{ "buyer_id", T_TEXT, 0, NULL },
	{ "quantity", T_INT, 0, NULL },
	{ "amount", T_MONEY, 0, NULL },
	{ "currency", T_CUR, 0, NULL },
	{ "ordered_at", T_TIME, 0, NULL },
	{ "ship_to_address", T_TEXT, 0, NULL },
	{ "status", T_TEXT, 0, NULL },
	{ NULL, 0, 0, NULL },
};
static const struct fspec f_logins[] = {
	{ "seller_id", T_TEXT, F_REQ, "sellers" },
	{ "device_id", T_TEXT, 0, NULL },
	{ "ip", T_TEXT, 0, NULL },
	{ "user_agent", T_TEXT, 0, NULL },
	{ "at", T_TIME, 0, NULL },
	{ NULL, 0, 0, NULL },
};
static const struct fspec f_payments[] = {
	{ "seller_id", T_TEXT, F_REQ, "sellers" },
	{ "instrument_type", T_TEXT, 0, NULL },
	{ "instrument_id", T_INSTR, F_REQ, NULL },
	{ "holder_name", T_TEXT, 0, NULL },
	{ "bank", T_TEXT, 0, NULL },
	{ "added_at", T_TIME, 0, NULL },
	{ NULL, 0, 0, NULL },
};
static const struct fspec f_shipments[] = {
	{ "shipment_id", T_TEXT, F_KEY, NULL },
	{ "from_id", T_TEXT, 0, NULL },
	{ "from_name", T_TEXT, 0, NULL },
	{ "from_address", T_TEXT, 0, NULL },
	{ "to_id", T_TEXT, 0, NULL },
	{ "to_name", T_TEXT, 0, NULL },
	{ "to_address", T_TEXT, 0, NULL },
	{ "carrier", T_TEXT, 0, NULL },
	{ "tracking_no", T_TEXT, 0, NULL },
	{ "goods", T_TEXT, 0, NULL },
	{ "quantity", T_INT, 0, NULL },
	{ "declared_value", T_MONEY, 0, NULL },
	{ "currency", T_CUR, 0, NULL },
	{ "shipped_at", T_TIME, 0, NULL },
	{ NULL, 0, 0, NULL },
};
static const struct fspec f_testbuys[] = {
	{ "testbuy_id", T_TEXT, F_KEY, NULL },
	{ "listing_id", T_TEXT, 0, "listings" },
	{ "order_id", T_TEXT, 0, NULL },
	{ "bought_at", T_TIME, 0, NULL },
	{ "cost", T_MONEY, 0, NULL },
	{ "currency", T_CUR, 0, NULL },
	{ "verdict", T_TEXT, 0, NULL },
	{ "report_ref", T_TEXT, 0, NULL },
	{ NULL, 0, 0, NULL },
};
static const struct fspec f_takedowns[] = {
	{ "notice_id", T_TEXT, F_KEY, NULL },
	{ "rights_holder", T_TEXT, 0, NULL },
	{ "listing_id", T_TEXT, 0, "listings" },
	{ "received_at", T_TIME, 0, NULL },
	{ "resolved_at", T_TIME, 0, NULL },
	{ "outcome", T_TEXT, 0, NULL },
	{ NULL, 0, 0, NULL },
};
static const struct fspec f_notifiers[] = {
	{ "notifier", T_TEXT, F_KEY, NULL },
	{ "acts_for", T_TEXT, F_KEY, NULL },
	{ "contact_email", T_TEXT, 0, NULL },
	{ "since", T_TIME, 0, NULL },
	{ NULL, 0, 0, NULL },
};
/* A notice must be answered even when its listing is gone: listing_id is not checked here. */
static const struct fspec f_notices[] = {
	{ "notice_id", T_TEXT, F_KEY, NULL },
	{ "rights_holder", T_TEXT, 0, NULL },
	{ "brand", T_TEXT, 0, NULL },
	{ "listing_id", T_TEXT, 0, NULL },
	{ "url", T_TEXT, 0, NULL },
	{ "grounds", T_TEXT, 0, NULL },
	{ "received_at", T_TIME, 0, NULL },
	{ "contact_email", T_TEXT, 0, NULL },
	{ NULL, 0, 0, NULL },
};

static const struct ispec i_sellers[] = {
	{ "phone", IDENT_PHONE },
	{ "email", IDENT_EMAIL },
	{ "address", IDENT_ADDRESS_UNIT },
	{ "return_address", IDENT_ADDRESS_UNIT },
	{ NULL, NULL },
};
static const struct ispec i_parties[] = {
	{ "phone", IDENT_PHONE },
	{ "email", IDENT_EMAIL },
	{ "address", IDENT_ADDRESS_UNIT },
	{ NULL, NULL },
};
static const struct ispec i_logins[] = {
	{ "device_id", IDENT_DEVICE },
	{ "ip", IDENT_IP },
	{ NULL, NULL },
};
static const struct ispec i_payments[] = {
	{ "instrument_id", IDENT_PAYMENT },
	{ NULL, NULL },
};
static const struct ispec i_none[] = {
	{ NULL, NULL },
};

/* In the order of store_kinds: referenced kinds first. */
static const struct kspec kinds[] = {
	{ "brands", f_brands, "brand, category, currency", NULL, NULL, i_none },
	{ "sellers", f_sellers, "seller_id", "seller", "seller_id", i_sellers },
	{ "parties", f_parties, "party_id", "party", "party_id", i_parties },
	{ "listings", f_listings, "listing_id", NULL, NULL, i_none },
	{ "orders", f_orders, "order_id", NULL, NULL, i_none },
	{ "logins", f_logins, NULL, "seller", "seller_id", i_logins },
	{ "payments", f_payments, NULL, "seller", "seller_id", i_payments },
	{ "shipments", f_shipments, "shipment_id", NULL, NULL, i_none },
	{ "testbuys", f_testbuys, "testbuy_id", NULL, NULL, i_none },
	{ "takedowns", f_takedowns, "notice_id", NULL, NULL, i_none },
	{ "notifiers", f_notifiers, "notifier, acts_for", NULL, NULL, i_none },
	{ "notices", f_notices, "notice_id", NULL, NULL, i_none },
};
#define NKINDS (sizeof(kinds) / sizeof(*kinds))

int ingest_kind_has_field(const char *kind, const char *field, const char **guess)
{
	const struct kspec *k = NULL;
	size_t i, best = (size_t)-1, d;

	*guess = NULL;
	for (i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			k = &kinds[i];
	if (!k)
		return 0;
	for (i = 0; k->f[i].name; i++) {
		if (strcmp(k->f[i].name, field) == 0)
			return 1;
		d = ck_levenshtein(k->f[i].name, field);
		if (d < best && d <= 2 + strlen(field) / 4)
			best = d, *guess = k->f[i].name;
	}
	return 0;
}

int ingest_kind_holds_idents(const char *kind)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return kinds[i].holder_kind != NULL;
	return 0;
}

/* ---- field parsers ---- */

int ingest_currency(const char *s, char out[4])
{
	int i;

	for (i = 0; i < 3; i++) {
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z')))
			return -1;
		out[i] = (char)(s[i] & ~0x20);
	}
	if (s[3])
		return -1;
	out[3] = '\0';
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

static int digits(const char **s, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return -1;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*out = v;
	return 0;
}

static char *put2(char *p, int v)
{
	*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* 0, or -1 when the year does not fit four digits (a typo, not a time casekit can sort). */
static int write_time(const struct tm *tm, int date_only, char out[21])
{
	int y = tm->tm_year + 1900;
	char *p = out;

	if (y < 1000 || y > 9999)
		return -1;
	p = put2(p, y / 100);
	p = put2(p, y % 100);
	*p++ = '-';
	p = put2(p, tm->tm_mon + 1);
	*p++ = '-';
	p = put2(p, tm->tm_mday);
	if (!date_only) {
		*p++ = 'T';
		p = put2(p, tm->tm_hour);
		*p++ = ':';
		p = put2(p, tm->tm_min);
		*p++ = ':';
		p = put2(p, tm->tm_sec);
		*p++ = 'Z';
	}
	*p = '\0';
	return 0;
}

int ingest_time(const char *s, const char *fmt, char out[21])
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, off = 0, oh, om, date_only = 1;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (fmt) {
		const char *end = strptime(s, fmt, &tm);

		if (!end || *end)
			return -1;
		/* A format without a time of day gives a date, as the source did. */
		date_only = !strstr(fmt, "%H") && !strstr(fmt, "%T") && !strstr(fmt, "%s") &&
			!strstr(fmt, "%R");
		y = tm.tm_year + 1900, mo = tm.tm_mon + 1, d = tm.tm_mday;
		if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
			return -1;
		t = timegm(&tm);
		gmtime_r(&t, &tm);
		return write_time(&tm, date_only, out);
	}
	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
		digits(&s, 2, &d))
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		date_only = 0;
		if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi))
			return -1;
		if (*s == ':') {
			s++;
			if (digits(&s, 2, &sec))
				return -1;
			if (*s == '.' || *s == ',') {
				s++;
				if (*s < '0' || *s > '9')
					return -1;
				while (*s >= '0' && *s <= '9')
					s++;
			}
		}
		if (h > 23 || mi > 59 || sec > 60)
			return -1;
		if (*s == 'Z' || *s == 'z') {
			s++;
		} else if (*s == '+' || *s == '-') {
			int sign = *s++ == '-' ? -1 : 1;

			if (digits(&s, 2, &oh))
				return -1;
			if (*s == ':')
				s++;
			if (digits(&s, 2, &om) || oh > 23 || om > 59)
				return -1;
			off = sign * (oh * 3600 + om * 60);
		}
	}
	if (*s)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (off == 0 && sec < 60) /* already UTC and in range: no calendar arithmetic needed */
		return write_time(&tm, date_only, out);
	t = timegm(&tm) - off;
	gmtime_r(&t, &tm);
	return write_time(&tm, date_only, out);
}

/* ---- the loader ---- */

/*
 * Ids known to be in the store, so that a million listings of ten thousand sellers ask SQLite
 * once per seller, not once per listing. Only hits are kept: ingest never deletes a seller or
 * a listing, so a hit stays true for the whole run. Open addressing, FNV-1a; the ids sit in
 * one arena, each after its length (a varint), and a slot holds the upper half of the id's
 * hash and its place in the arena: 8 bytes, so that the table's misses rarely touch the arena.
 * Memory is bounded whatever the store holds: at most REF_MAX ids and REF_BYTES of them a set
 * (about 32 MB, the table at most half full); past that, SQLite answers.
 */
#define REF_MAX (1u << 20)
#define REF_BYTES (16u << 20)
struct refent {
	uint32_t tag;  /* the upper 32 bits of the id's hash */
	uint32_t off1; /* where the id's length starts in the arena, + 1; 0 for an empty slot */
};
struct refset {
	struct refent *v;
	size_t cap, n;
	struct buf ids;
};

/*
 * The sorted pass over the references of a file (ref_pass()): where it stands, what the
 * writer's first looks into the store cost, and what the pass found.
 */
enum { RP_SAMPLE, RP_WANT, RP_ON, RP_OFF };
struct refpass {
	int state;
	int64_t after;          /* RP_SAMPLE: the pass is wanted after this many looks; -1: judge */
	uint64_t looks, misses; /* the writer's looks into the store in this file, and misses */
	struct refset missing[2]; /* RP_ON: the ids of sellers (0) and listings (1) not in it */
	uint64_t n, h;            /* RP_ON: the references the pass read: count and hash, */
	uint64_t seen_n, seen_h;  /* and those the writer has checked since */
};

/*
 * What became of the identifier values of one kind in a run: keys made, and of those how many
 * are weak in a way the user can fix or should know (casekit-ingest(1), IDENTIFIER QUALITY).
 */
struct iq {
	char *kind;
	uint64_t values, keys, national, coarse, nolink, hubs, unparsed;
};

#define MADE_KINDS 16
struct ingest {
	struct store *st;
	const struct ingest_opts *o;
	struct profile *prof;
	unsigned char key[STORE_KEY_LEN];
	int have_key;
	struct store_stmt *ins[NKINDS], *old[NKINDS];
	struct store_stmt *insn[NKINDS]; /* ROWS rows at once, for kinds without old[] */
	/* instead of insn[] and ins_idents, where the store loads in bulk (a server's COPY) */
	struct store_load *load[NKINDS], *load_idents;
	/* and instead of insn[] for kinds with old[]: the rows whose key is new (fresh_key()) */
	struct store_load *loadn[NKINDS];
	struct kind_row *prow; /* rows waiting for it */
	size_t nprow;
	int64_t max_rowid;             /* of the table being loaded: a new row gets the next */
	struct store_stmt *ins_idents; /* IDENT_ROWS identifiers at once */
	struct ident_row *pend;        /* identifiers waiting for it */
	size_t npend;
	/*
	 * The notes of ident_notes by text, each with its note_id (schema 7); those from
	 * nnotes_stored on were numbered by this file and go to the store at its end.
	 */
	struct ck_names notes;
	int64_t *note_ids;
	int nnotes_stored, nnote_ids, capnote_ids;
	int64_t next_note;
	struct buf notebuf; /* the note looked up last, */
	int last_note;      /* and its number in notes + 1 (0: none since notes_load()) */
	struct store_stmt *ref_sellers, *ref_listings, *ins_ident, *ins_reject, *ins_source,
		*upd_source, *dup_source, *add_replaced, *del_replaced, *clear_replaced,
		*get_rejects;
	FILE *rejf;
	struct out *rejo;
	/*
	 * Ids known to be in the store. The worker threads look in known_* while a file loads,
	 * so the writer adds what the store gives to its own later_*, merged after the file.
	 */
	struct refset known_sellers, known_listings, later_sellers, later_listings;
	/*
	 * While the table was empty when the file began (fresh): the keys this file wrote, in
	 * seen, so that a row whose key is not among them is new: no older row is looked for
	 * and it goes ROWS to an INSERT. And as many of them as written has room for, which
	 * join the known set after the file.
	 */
	uint64_t *seen;
	struct refset written;
	int fresh;
	int preloaded[2]; /* known_sellers, known_listings: ref_preload() was run */
	struct refpass rp;
	char country[3]; /* the default country of this run, or "" */
	struct iq *iq;   /* per identifier kind, in the order first seen */
	size_t niq;
	char **hubs; /* "kind\tvalue" of the hub candidates counted, not to count them twice */
	size_t nhubs;
	struct store_stmt *get_hubs, *seek_hubs, *get_kind_hubs;
	/*
	 * The hub candidates wait for the end of the run (finish_hubs()): hubs_from is the first
	 * identifier not counted yet (-1: none), made the kinds recorded since (nmade past
	 * MADE_KINDS: too many to list, or not known), refill that rows were written over.
	 */
	int64_t hubs_from;
	const char *made[MADE_KINDS];
	size_t nmade;
	int refill;
	struct buf ident_reindex;  /* the identifiers' indexes the run dropped, to make again */
	struct stats_tally *tally; /* the file's changes to the counts stats reads */
	int loaded;                /* rows kept in this run: indexes are (re)built after */
};

/* Where one field of a kind comes from in this file. */
struct src {
	const struct profile_tmpl *tmpl; /* NULL: the field is not in the file */
	int *cols;                       /* column of each part, -1 for literals */
	const char *date_format;
	const struct profile_lookup *lookup; /* the value is mapped through it, or NULL */
};

struct file {
	const struct kspec *k;
	const struct profile_kind *pk;
	struct csvio *r;
	struct csvio_opts co; /* r's, for a second read (ref_pass()) */
	const char *path;
	int64_t source_id;
	size_t ncols;
	char **cols;
	unsigned char *used;
	int country_col, instr_col;
	struct src fs[MAXF];
	struct src *xs; /* the profile's extra identifiers */
	size_t nxs;
	struct profile_tmpl *own; /* templates made for plain same-name columns */
	uint64_t read, kept, rejected, replaced;
	int counted; /* committed: its identifiers count in the run's quality */
	struct buf raw, reason;
};

struct pipeline;

/*
 * One record being converted, and the scratch space that takes: each thread that converts
 * records has its own.
 */
struct row {
	/* The record, converted: each field's text (NULL: missing) and number. */
	const char *v[MAXF];
	size_t vl[MAXF];
	int64_t num[MAXF];
	char tbuf[MAXF][21], cur[4];
	const char *day; /* a login's day, for its IP */
	int ref[MAXF];   /* the fields whose reference the writer checks, in order */
	size_t nref;
	struct buf val[MAXF], *xval; /* templates' values: the fields', the extra identifiers' */
	size_t nxval;
	struct buf reason, attrs;
	struct ident id, id2;
	struct pipeline *pipe; /* of the worker thread that owns it */
};

static void row_init(struct row *w, const struct file *f)
{
	memset(w, 0, sizeof(*w));
	w->nxval = f->nxs;
	w->xval = xcalloc(f->nxs ? f->nxs : 1, sizeof(*w->xval));
}

static void row_free(struct row *w)
{
	size_t i;

	for (i = 0; i < MAXF; i++)
		buf_free(&w->val[i]);
	for (i = 0; i < w->nxval; i++)
		buf_free(&w->xval[i]);
	free(w->xval);
	buf_free(&w->reason);
	buf_free(&w->attrs);
	ident_free(&w->id);
	ident_free(&w->id2);
	OPENSSL_cleanse(w->tbuf, sizeof(w->tbuf));
}

/* The statements of a run are prepared once, kept out until the run ends and reused. */
static int prep(struct ingest *in, struct store_stmt **s, const char *sql)
{
	if (*s)
		return 0;
	return (*s = store_prepare(in->st, sql)) ? 0 : EX_SOFTWARE;
}

static const struct kspec *kspec_of(const char *kind)
{
	size_t i;

	for (i = 0; i < NKINDS; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

/* One INSERT (an UPSERT for keyed kinds) per table, prepared once and reused. */
static int prep_kind(struct ingest *in, const struct kspec *k)
{
	size_t ki = (size_t)(k - kinds), i;
	struct buf cols = { 0 }, vals = { 0 }, set = { 0 }, sql = { 0 };
	int rc = 0, nb = 0, r;

	if (in->ins[ki])
		return 0;
	for (i = 0; k->f[i].name; i++) {
		const char *names[2] = { k->f[i].name, NULL };
		int j;

		if (k->f[i].type == T_INSTR)
			names[0] = "instrument_hash", names[1] = "instrument_last4";
		for (j = 0; j < 2 && names[j]; j++) {
			buf_addf(&cols, "%s%s", nb ? ", " : "", names[j]);
			buf_addf(&vals, "%s?", nb ? ", " : "");
			if (!(k->f[i].flags & F_KEY))
				buf_addf(&set, "%s%s=excluded.%s", set.len ? ", " : "", names[j],
					names[j]);
			nb++;
		}
	}
	buf_reset(&sql);
	buf_addf(&sql, "%s, attrs, source_id, line", cols.s);
	if (!(k->holder_kind && k->conflict))
		in->load[ki] = store_load_new(in->st, k->kind, sql.s, k->conflict);
	else
		in->loadn[ki] = store_load_new(in->st, k->kind, sql.s, NULL);
	for (r = 0; r < 2 && !rc; r++) {
		buf_reset(&sql);
		buf_addf(&sql,
			"INSERT OR FAIL INTO %s(%s, attrs, source_id, line) VALUES(%s, ?, ?, ?)",
			k->kind, cols.s, vals.s);
		for (i = 1; r && i < ROWS; i++)
			buf_addf(&sql, ",(%s, ?, ?, ?)", vals.s);
		if (k->conflict)
			buf_addf(&sql,
				" ON CONFLICT(%s) DO UPDATE SET %s, attrs=excluded.attrs, "
				"source_id=excluded.source_id, line=excluded.line",
				k->conflict, set.s);
		/* a server's store loads in bulk what it can */
		if (!r || !(in->load[ki] || in->loadn[ki]))
			rc = prep(in, r ? &in->insn[ki] : &in->ins[ki], sql.s);
	}
	if (!rc && k->holder_kind && k->conflict) {
		/* the old row's identifier columns with a value, to take them back (stats) */
		char *nonempty = stats_tally_cols(k->kind);

		buf_reset(&sql);
		buf_addf(&sql, "SELECT source_id, line%s FROM %s WHERE %s=?", nonempty, k->kind,
			k->conflict);
		free(nonempty);
		rc = prep(in, &in->old[ki], sql.s);
	}
	buf_free(&cols);
	buf_free(&vals);
	buf_free(&set);
	buf_free(&sql);
	return rc;
}

/* A row waiting to be written: its batch stays put until flush_rows(). */
struct kind_row {
	const struct obatch *b;
	const struct orow *r;
	unsigned long line;
};

/* An identifier waiting to be written: its batch stays put until flush_idents(). */
struct ident_row {
	const struct obatch *b;
	const struct orow *r;
	const struct oid *id;
	unsigned long line;
};

/*
 * Identifiers are written IDENT_ROWS to an INSERT: a sellers file has several to a row, and a
 * statement run once for each costs more than its rows. They keep their order (ident_id).
 */
#define IDENT_ROWS 32
#define IDENT_COLS \
	"INSERT OR FAIL INTO identifiers(holder_kind, holder_id, kind, value, raw, note_id, " \
	"flags, day, field, source_id, line) VALUES(?,?,?,?,?,?,?,?,?,?,?)"

static int prep_all(struct ingest *in)
{
	struct buf sql = { 0 };
	int rc, i;

	if ((rc = store_exec(in->st,
		     "CREATE TEMP TABLE IF NOT EXISTS ck_replaced(holder_id TEXT, source_id INTEGER, "
		     "line INTEGER)")))
		return rc;
	if ((rc = prep(in, &in->ref_sellers, "SELECT 1 FROM sellers WHERE seller_id=?")) ||
		(rc = prep(in, &in->ref_listings, "SELECT 1 FROM listings WHERE listing_id=?")) ||
		(rc = prep(in, &in->ins_ident, IDENT_COLS)) ||
		(rc = prep(in, &in->ins_reject,
			 "INSERT INTO rejects(source_id, path, line, reason, raw) "
			 "VALUES(?,?,?,?,?)")) ||
		(rc = prep(in, &in->ins_source,
			 "INSERT INTO sources(path, sha256, size, kind, profile, encoding, "
			 "ingested_at) VALUES(?, 'pending', 0, ?, ?, ?, ?)")) ||
		(rc = prep(in, &in->upd_source,
			 "UPDATE sources SET sha256=?, size=?, rows_read=?, rows_kept=?, "
			 "rows_rejected=? WHERE source_id=?")) ||
		(rc = prep(in, &in->dup_source,
			 "SELECT source_id, path FROM sources WHERE sha256=? AND source_id<>? "
			 "AND replaced_by IS NULL ORDER BY source_id LIMIT 1")) ||
		(rc = prep(in, &in->add_replaced, "INSERT INTO temp.ck_replaced VALUES(?,?,?)")) ||
		(rc = prep(in, &in->del_replaced,
			 "DELETE FROM identifiers WHERE holder_kind=? AND (holder_id, source_id, line) "
			 "IN (SELECT holder_id, source_id, line FROM temp.ck_replaced)")) ||
		(rc = prep(in, &in->clear_replaced, "DELETE FROM temp.ck_replaced")) ||
		(rc = prep(in, &in->get_rejects,
			 "SELECT path, line, reason, raw FROM rejects WHERE source_id=? "
			 "ORDER BY line")))
		return rc;
	buf_adds(&sql, IDENT_COLS);
	for (i = 1; i < IDENT_ROWS; i++)
		buf_adds(&sql, ",(?,?,?,?,?,?,?,?,?,?,?)");
	rc = prep(in, &in->ins_idents, sql.s);
	buf_free(&sql);
	in->load_idents = store_load_new(in->st, "identifiers",
		"holder_kind, holder_id, kind, value, raw, note_id, flags, day, field, source_id, line",
		NULL);
	in->pend = xcalloc(IDENT_ROWS, sizeof(*in->pend));
	in->tally = stats_tally_new();
	in->prow = xcalloc(ROWS, sizeof(*in->prow));
	return rc;
}

static void finalize_all(struct ingest *in)
{
	struct store_stmt **all[] = { &in->ins_idents, &in->get_hubs, &in->seek_hubs,
		&in->get_kind_hubs, &in->ref_sellers, &in->ref_listings, &in->ins_ident,
		&in->ins_reject, &in->ins_source, &in->upd_source, &in->dup_source,
		&in->add_replaced, &in->del_replaced, &in->clear_replaced, &in->get_rejects };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(*all); i++) {
		store_done(*all[i]);
		*all[i] = NULL;
	}
	for (i = 0; i < NKINDS; i++) {
		store_done(in->ins[i]);
		store_done(in->insn[i]);
		store_done(in->old[i]);
		in->ins[i] = in->insn[i] = in->old[i] = NULL;
		store_load_free(in->load[i]);
		store_load_free(in->loadn[i]);
		in->load[i] = in->loadn[i] = NULL;
	}
	store_load_free(in->load_idents);
	in->load_idents = NULL;
}

/* Run a kept statement that gives no rows and rewind it: 0, or an EX_* code (message printed). */
static int step_done(struct store_stmt *s)
{
	int rc = store_step(s);

	store_reset(s);
	return rc == STORE_DONE || rc == STORE_ROW ? 0 : rc;
}

static int column_of(struct file *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->ncols; i++)
		if (strcmp(f->cols[i], name) == 0)
			return (int)i;
	return -1;
}

/*
 * Resolve a template against the header: 0, or an EX_CONFIG message naming the profile's line
 * and the column the file lacks.
 */
static int bind_src(struct ingest *in, struct file *f, struct src *s, const struct profile_tmpl *t,
	const char *what, unsigned long pline)
{
	size_t i;

	s->tmpl = t;
	s->cols = xcalloc(t->n ? t->n : 1, sizeof(int));
	for (i = 0; i < t->n; i++) {
		s->cols[i] = -1;
		if (!t->parts[i].is_col)
			continue;
		if ((s->cols[i] = column_of(f, t->parts[i].text)) < 0)
			return ck_error(EX_CONFIG,
				"%s:%lu: no column '%s' in '%s' (the profile maps it to %s)",
				in->prof->path, pline, t->parts[i].text, f->path, what);
		f->used[s->cols[i]] = 1;
	}
	return 0;
}

/* Read the header and work out where every field comes from. */
static int map_header(struct ingest *in, struct file *f, struct csvio_rec *h)
{
	const struct kspec *k = f->k;
	size_t i, j;
	int rc;

	f->ncols = h->n;
	f->cols = xcalloc(h->n, sizeof(char *));
	f->used = xcalloc(h->n, 1);
	f->own = xcalloc(MAXF, sizeof(*f->own));
	for (i = 0; i < h->n; i++) {
		if (h->len[i] == 0 || !text_utf8_valid(h->f[i], h->len[i]) ||
			strlen(h->f[i]) != h->len[i])
			return ck_error(EX_DATAERR,
				"'%s': line %lu: the header has an empty or unreadable column name "
				"(column %zu): is this %s %s file?",
				f->path, h->line, i + 1, ck_article(k->kind), k->kind);
		f->cols[i] = xstrdup(h->f[i]);
		for (j = 0; j < i; j++)
			if (strcmp(f->cols[j], f->cols[i]) == 0)
				return ck_error(EX_DATAERR,
					"'%s': line %lu: column '%s' appears twice in the header",
					f->path, h->line, f->cols[i]);
	}
	for (i = 0; k->f[i].name; i++) {
		const struct profile_map *m = NULL;
		char *what;

		for (j = 0; f->pk && j < f->pk->nmaps; j++)
			if (strcmp(f->pk->maps[j].field, k->f[i].name) == 0)
				m = &f->pk->maps[j];
		f->fs[i].date_format = m && m->date_format ? m->date_format : in->prof->date_format;
		what = xasprintf("%s.%s", k->kind, k->f[i].name);
		if (m) {
			f->fs[i].lookup = m->lookup;
			rc = bind_src(in, f, &f->fs[i], &m->tmpl, what, m->line);
		} else if (column_of(f, k->f[i].name) >= 0) {
			const char *why;

			profile_tmpl_parse(&f->own[i], k->f[i].name, &why);
			rc = bind_src(in, f, &f->fs[i], &f->own[i], what, 0);
		} else {
			rc = 0;
		}
		free(what);
		if (rc)
			return rc;
		if ((k->f[i].flags & F_KEY) && !f->fs[i].tmpl &&
			!(strcmp(k->kind, "brands") == 0 && strcmp(k->f[i].name, "category") == 0))
			return ck_error(EX_DATAERR,
				"'%s': line %lu: no '%s' column, which every %s row needs "
				"(is this %s %s file? see casekit-profile(5))",
				f->path, h->line, k->f[i].name, k->kind, ck_article(k->kind),
				k->kind);
		if (k->f[i].type == T_INSTR)
			f->instr_col =
				f->fs[i].tmpl && f->fs[i].tmpl->n == 1 ? f->fs[i].cols[0] : -2;
	}
	if (f->pk && f->pk->nidents) {
		f->nxs = f->pk->nidents;
		f->xs = xcalloc(f->nxs, sizeof(*f->xs));
		for (j = 0; j < f->nxs; j++) {
			char *what = xasprintf("identifier %s", f->pk->idents[j].field);

			f->xs[j].lookup = f->pk->idents[j].lookup;
			rc = bind_src(in, f, &f->xs[j], &f->pk->idents[j].tmpl, what,
				f->pk->idents[j].line);
			free(what);
			if (rc)
				return rc;
		}
	}
	f->country_col = column_of(f, "country");
	return 0;
}

static const char *eval_tmpl(
	const struct src *s, const struct csvio_rec *rec, struct buf *val, size_t *len);

/*
 * The value of a source for this record: a pointer into the record, into val, or into the
 * profile's lookup table (a value the table does not have stays as it is).
 */
static const char *eval(
	const struct src *s, const struct csvio_rec *rec, struct buf *val, size_t *len)
{
	const char *v = eval_tmpl(s, rec, val, len), *m;
	size_t n;

	if (v && s->lookup && (m = profile_lookup_get(s->lookup, v, *len, &n))) {
		*len = n;
		return n ? m : NULL;
	}
	return v;
}

static const char *eval_tmpl(
	const struct src *s, const struct csvio_rec *rec, struct buf *val, size_t *len)
{
	const struct profile_tmpl *t = s->tmpl;
	size_t i;
	int any = 0, col = 0, last = 0;

	*len = 0;
	if (!t)
		return NULL;
	if (t->n == 1 && t->parts[0].is_col) {
		*len = rec->len[s->cols[0]];
		return *len ? rec->f[s->cols[0]] : NULL;
	}
	buf_reset(val);
	for (i = 0; i < t->n; i++) {
		if (t->parts[i].is_col) {
			const char *v = rec->f[s->cols[i]];

			col = 1;
			last = rec->len[s->cols[i]] > 0;
			if (!last)
				continue;
			/* The literal before a column goes in only when the column has a value. */
			if (i > 0 && !t->parts[i - 1].is_col && (any || i == 1))
				buf_adds(val, t->parts[i - 1].text);
			buf_add(val, v, rec->len[s->cols[i]]);
			any = 1;
		} else if (i + 1 == t->n && last) {
			/* a closing literal belongs to the column before it: "({colour})" */
			buf_adds(val, t->parts[i].text);
		}
	}
	if (!col)
		buf_adds(val, t->parts[0].text), any = 1;
	if (!any || !val->len)
		return NULL;
	*len = val->len;
	return val->s;
}

/*
 * The store keeps a sample of each file's rejects, so that hostile input cannot grow it
 * without bound: the first REJECT_SAMPLE rows, each cut to REJECT_RAW_MAX bytes. The counts
 * (sources.rows_rejected, the summary) stay exact.
 */
#define REJECT_SAMPLE 1000
#define REJECT_RAW_MAX 4096

/* The record as a CSV line for the reject report; a payment instrument is masked. */
static void raw_line(struct file *f, const struct csvio_rec *rec, char delim)
{
	size_t i, j;

	buf_reset(&f->raw);
	if (f->instr_col == -2 || (f->instr_col >= 0 && rec->n != f->ncols)) {
		buf_adds(&f->raw, "(withheld: it may hold a payment instrument)");
		return;
	}
	for (i = 0; i < rec->n && f->raw.len < REJECT_RAW_MAX; i++) {
		const char *v = rec->f[i];
		size_t n = rec->len[i];

		if (i)
			buf_addc(&f->raw, delim);
		if ((int)i == f->instr_col && n) {
			buf_adds(&f->raw, "****");
			if (n > 4 && rec->n == f->ncols)
				buf_add(&f->raw, v + n - 4, 4);
			continue;
		}
		if (memchr(v, delim, n) || memchr(v, '"', n) || memchr(v, '\n', n) ||
			memchr(v, '\r', n)) {
			buf_addc(&f->raw, '"');
			for (j = 0; j < n; j++) {
				if (v[j] == '"')
					buf_addc(&f->raw, '"');
				buf_addc(&f->raw, v[j] ? v[j] : ' ');
			}
			buf_addc(&f->raw, '"');
		} else {
			for (j = 0; j < n; j++)
				buf_addc(&f->raw, v[j] ? v[j] : ' ');
		}
	}
	if (f->raw.len > REJECT_RAW_MAX || i < rec->n) {
		/* Cut at a character boundary, so that the sample stays readable UTF-8. */
		size_t cut = f->raw.len < REJECT_RAW_MAX ? f->raw.len : REJECT_RAW_MAX;

		while (cut > 0 && ((unsigned char)f->raw.s[cut] & 0xc0) == 0x80)
			cut--;
		f->raw.len = cut;
		f->raw.s[cut] = '\0';
		buf_adds(&f->raw, "...");
	}
	ck_mask_cards(f->raw.s, f->raw.len);
	if (!text_utf8_valid(f->raw.s, f->raw.len)) {
		/* Keep the report readable text: broken bytes become '?'. */
		for (j = 0; j < f->raw.len; j++)
			if ((unsigned char)f->raw.s[j] >= 0x80)
				f->raw.s[j] = '?';
	}
}

#define REJECTED 1 /* convert_row(): the record cannot be kept; the reason says why */

/* Set the reason a record cannot be kept; returns REJECTED. */
static int bad(struct buf *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct buf *reason, const char *fmt, ...)
{
	va_list ap;

	buf_reset(reason);
	va_start(ap, fmt);
	buf_vaddf(reason, fmt, ap);
	va_end(ap);
	ck_mask_cards(reason->s, reason->len);
	return REJECTED;
}

/* Count a rejected record and write it, with its reason, to the rejects table. */
static int reject(struct ingest *in, struct file *f, const struct csvio_rec *rec,
	const char *reason, size_t reason_len)
{
	struct store_stmt *s = in->ins_reject;

	if (++f->rejected > REJECT_SAMPLE)
		return 0;
	raw_line(f, rec, csvio_delim(f->r));
	store_bind_int(s, 1, f->source_id);
	store_bind_text(s, 2, f->path);
	store_bind_int(s, 3, (int64_t)rec->line);
	store_bind_textn(s, 4, reason, reason_len);
	store_bind_textn(s, 5, f->raw.s, f->raw.len);
	return step_done(s);
}

/* A value quoted for a message: at most 40 bytes of it. */
static const char *shown(const char *v, size_t n, char out[48])
{
	snprintf(out, 48, "%.*s%s", (int)(n > 40 ? 40 : n), v, n > 40 ? "..." : "");
	return out;
}

/* The id that starts at off in r's arena: its bytes, and their count in *n. */
static const char *ref_id(const struct refset *r, size_t off, size_t *n)
{
	const unsigned char *p = (const unsigned char *)r->ids.s + off;
	size_t len = 0;
	int shift = 0;

	do
		len |= (size_t)(*p & 0x7f) << shift, shift += 7;
	while (*p++ & 0x80);
	*n = len;
	return (const char *)p;
}

/* The slot of v in r: where it is, or the empty slot where it would go. */
static size_t ref_slot(const struct refset *r, const char *v, size_t n, uint64_t h)
{
	size_t i = (size_t)h & (r->cap - 1), len;
	uint32_t tag = (uint32_t)(h >> 32);

	for (; r->v[i].off1; i = (i + 1) & (r->cap - 1)) {
		const char *id;

		if (r->v[i].tag != tag)
			continue;
		id = ref_id(r, r->v[i].off1 - 1, &len);
		if (len == n && memcmp(id, v, n) == 0)
			break;
	}
	return i;
}

/* Add v to r: 1, or 0 when r is full and v was left out. */
static int ref_add(struct refset *r, const char *v, size_t n, uint64_t h)
{
	unsigned char len[10];
	size_t i, j, nlen = 0, m = n;

	do
		len[nlen++] = (unsigned char)((m & 0x7f) | (m > 0x7f ? 0x80 : 0)), m >>= 7;
	while (m);
	if (r->n >= REF_MAX || r->ids.len + nlen + n > REF_BYTES)
		return 0;
	if (2 * (r->n + 1) > r->cap) {
		struct refset g = { NULL, r->cap ? 2 * r->cap : 1024, r->n, r->ids };

		g.v = xcalloc(g.cap, sizeof(*g.v));
		for (j = 0; j < r->cap; j++)
			if (r->v[j].off1) {
				size_t idn;
				const char *id = ref_id(r, r->v[j].off1 - 1, &idn);

				g.v[ref_slot(&g, id, idn, ck_fnv1a(id, idn))] = r->v[j];
			}
		free(r->v);
		*r = g;
	}
	i = ref_slot(r, v, n, h);
	if (!r->v[i].off1) {
		r->v[i].tag = (uint32_t)(h >> 32);
		r->v[i].off1 = (uint32_t)r->ids.len + 1;
		buf_add(&r->ids, (const char *)len, nlen);
		buf_add(&r->ids, v, n);
		r->n++;
	}
	return 1;
}

/* 1 if r holds v. */
static int ref_has(const struct refset *r, const char *v, size_t n, uint64_t h)
{
	return r->cap && r->v[ref_slot(r, v, n, h)].off1;
}

static void ref_free(struct refset *r)
{
	free(r->v);
	buf_free(&r->ids);
	memset(r, 0, sizeof(*r));
}

/* Add the ids of from, now in the store, to to; from is left empty. */
static void ref_merge(struct refset *to, struct refset *from)
{
	size_t i;

	if (!to->n) {
		ref_free(to);
		*to = *from;
		memset(from, 0, sizeof(*from));
		return;
	}
	for (i = 0; i < from->cap; i++)
		if (from->v[i].off1) {
			size_t n;
			const char *id = ref_id(from, from->v[i].off1 - 1, &n);

			ref_add(to, id, n, ck_fnv1a(id, n));
		}
	ref_free(from);
}

/*
 * The keys a file wrote, as a Bloom filter of SEEN_BITS bits, SEEN_HASHES to a key: one in a
 * hundred keys it never saw look seen at 13 million keys (16 MB), and a key that looks seen
 * only takes the way of a key the store may hold. A set of the keys themselves would stop at
 * REF_MAX, and every row of a bigger file would take that way.
 */
#define SEEN_BITS (1u << 27)
#define SEEN_HASHES 4

/* 1 if the key of hash h may have been added to seen before; it is added. */
static int seen_add(uint64_t *seen, uint64_t h)
{
	uint32_t a, b;
	int i, was = 1;

	/* FNV-1a leaves its low bits little mixed: mix them all (MurmurHash3's finaliser) */
	h ^= h >> 33, h *= 0xff51afd7ed558ccdULL, h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL, h ^= h >> 33;
	a = (uint32_t)h, b = (uint32_t)(h >> 32) | 1;
	for (i = 0; i < SEEN_HASHES; i++, a += b) {
		uint32_t bit = a & (SEEN_BITS - 1);
		uint64_t m = (uint64_t)1 << (bit & 63);

		was &= (seen[bit >> 6] & m) != 0;
		seen[bit >> 6] |= m;
	}
	return was;
}

/*
 * 1 if the row with key v (hash h) is new to its table by the file's own count (in->fresh):
 * its key is not in the store, nor among the keys this file wrote, to which it is added.
 */
static int fresh_key(struct ingest *in, const char *v, size_t n, uint64_t h)
{
	if (!in->fresh)
		return 0;
	if (!in->seen)
		in->seen = xcalloc(SEEN_BITS / 64, sizeof(*in->seen));
	if (seen_add(in->seen, h))
		return 0;
	ref_add(&in->written, v, n, h);
	return 1;
}

/*
 * Note that the store holds v, a key of sellers (t 0) or listings (t 1), in the writer's own
 * set: that and the workers' together stay within the bounds of one.
 */
static void ref_later(struct ingest *in, int t, const char *v, size_t n, uint64_t h)
{
	const struct refset *k = t == 0 ? &in->known_sellers : &in->known_listings;
	struct refset *r = t == 0 ? &in->later_sellers : &in->later_listings;

	if (k->n + r->n < REF_MAX && k->ids.len + r->ids.len + n <= REF_BYTES)
		ref_add(r, v, n, h);
}

/*
 * A platform lists its orders by time: each names a listing anywhere in the listings' key
 * index, and past the page cache each look into the store reads a page of the file (#15).
 * When the writer's first REF_SAMPLE looks in a file miss the page cache once every
 * REF_MISS_ROWS rows or more, the rest of the file is read once more (ref_pass()), its
 * references sorted and looked for in the order of the key's index. Measured with
 * bench/orders-order.sh, the pass costs about a microsecond and a half a row and a miss about
 * seven: it pays from a miss every five rows or so.
 * CASEKIT_REF_PASS=N wants the pass after the writer's Nth look (0: from the file's first
 * row), =never never.
 */
#define REF_SAMPLE 4096
#define REF_MISS_ROWS 4

/* Count a look into the store that missed its page cache miss times, rows into the file. */
static void ref_judge(struct ingest *in, int64_t miss, uint64_t rows)
{
	struct refpass *p = &in->rp;

	p->looks++;
	p->misses += miss > 0 ? (uint64_t)miss : 0;
	if (p->after >= 0 ? p->looks >= (uint64_t)p->after : p->looks >= REF_SAMPLE)
		p->state = p->after >= 0 || p->misses * REF_MISS_ROWS >= rows ? RP_WANT : RP_OFF;
}

/* Add a reference to table, v, to a count and an order-sensitive hash of references. */
static void ref_count(uint64_t *n, uint64_t *h, const char *table, const char *v, size_t len)
{
	(*n)++;
	*h = (*h ^ ck_fnv1a(v, len) ^ (uint64_t)(*table == 's')) * 0x100000001b3ULL;
}

/*
 * 1 if the store holds v, a key of table, named by a row of f: the writer's look, past the
 * workers' (known_*).
 */
static int ref_exists(
	struct ingest *in, const struct file *f, const char *table, const char *v, size_t n)
{
	int sellers = strcmp(table, "sellers") == 0;
	struct store_stmt *s = sellers ? in->ref_sellers : in->ref_listings;
	struct refset *r = sellers ? &in->later_sellers : &in->later_listings;
	uint64_t h = ck_fnv1a(v, n);
	int64_t miss = 0;
	int rc;

	if (in->rp.state == RP_ON)
		return !ref_has(&in->rp.missing[!sellers], v, n, h);
	if (ref_has(r, v, n, h))
		return 1;
	if (in->rp.state == RP_SAMPLE)
		miss = store_cache_misses(in->st);
	store_bind_textn(s, 1, v, n);
	rc = store_step(s);
	store_reset(s);
	if (in->rp.state == RP_SAMPLE)
		ref_judge(in, store_cache_misses(in->st) - miss, f->read);
	if (rc == STORE_ROW)
		ref_later(in, !sellers, v, n, h);
	return rc == STORE_ROW;
}

/*
 * Before a file whose rows name records of table: read the keys table holds into its known
 * set at once, as far as the set has room, when the file has 16 bytes or more for each of
 * them (a file that may ask for a good share of them one at a time), or always on a server,
 * where each question is a round trip: one scan of the key's index costs less than a lookup
 * a key. A key not read is asked of the store as before.
 */
static int ref_preload(struct ingest *in, const struct file *f, const char *table)
{
	int t = strcmp(table, "sellers") == 0 ? 0 : 1, rc;
	struct refset *r = t == 0 ? &in->known_sellers : &in->known_listings;
	struct store_stmt *s;
	int64_t rows;
	char *sql;

	if (in->preloaded[t])
		return 0;
	if ((rows = store_count(in->st, table)) < 0)
		return EX_SOFTWARE;
	if (rows == 0 || r->n >= (size_t)rows ||
		(!in->load_idents && csvio_file_size(f->r) / 16 < (uint64_t)rows))
		return 0;
	in->preloaded[t] = 1;
	sql = xasprintf("SELECT %s FROM %s", t == 0 ? "seller_id" : "listing_id", table);
	s = store_prepare(in->st, sql);
	free(sql);
	if (!s)
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *v = store_col_text(s, 0);
		size_t n = store_col_bytes(s, 0);

		if (v && !ref_add(r, v, n, ck_fnv1a(v, n)))
			break;
	}
	store_done(s);
	return rc == STORE_ROW || rc == STORE_DONE ? 0 : rc;
}

/*
 * Converted records, a batch at a time: what the worker threads hand the writer. Text is kept
 * as offsets into the batch's bytes (which grow while it fills).
 */
enum { OV_NULL, OV_TEXT, OV_INT };
struct oval {
	int type;
	size_t off, n; /* OV_TEXT */
	int64_t i;     /* OV_INT */
};

/* The quality classes of one identifier value (iq_count()). */
#define IQ_UNPARSED 0x1
#define IQ_LOCAL 0x2
#define IQ_COARSE 0x4
#define IQ_NOLINK 0x8

/* An identifier of a record: counted in the run's quality, recorded, or both. */
struct oid {
	const char *iq_kind; /* counted under this kind, or NULL */
	const char *kind;    /* recorded as this kind, or NULL */
	const char *field;
	unsigned q;
	struct oval value, raw, note, flags, day;
};

/* A field whose reference (a listing's seller) the writer checks, in the record's order. */
struct oref {
	int field;
	int known; /* a worker found it in the known set: the writer need not look */
	struct oval v;
};

struct orow {
	size_t rec; /* its record in the input batch */
	int rejected;
	struct oval reason; /* why, when rejected (unless a reference fails first) */
	struct oval holder; /* whose identifiers these are, and the record's key */
	uint64_t hkey;      /* ck_fnv1a() of the key, for kinds that look for older rows */
	size_t val0, nval, ref0, nref, id0, nid;
};

struct obatch {
	struct csvio_batch *in; /* the records, kept for the reject report */
	int ready;
	struct buf bytes;
	struct orow *rows;
	size_t nrows, caprows;
	struct oval *vals;
	size_t nvals, capvals;
	struct oref *refs;
	size_t nrefs, caprefs;
	struct oid *ids;
	size_t nids, capids;
};

/* Room for one more element of an array that doubles as it grows. */
static void *grow(void *p, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return p;
	*cap = *cap ? 2 * *cap : 256;
	return xrealloc(p, *cap * size);
}

static void ob_reset(struct obatch *ob)
{
	buf_reset(&ob->bytes);
	ob->nrows = ob->nvals = ob->nrefs = ob->nids = 0;
}

static void ob_free(struct obatch *ob)
{
	buf_free(&ob->bytes);
	free(ob->rows);
	free(ob->vals);
	free(ob->refs);
	free(ob->ids);
}

static struct oval ob_text(struct obatch *ob, const char *s, size_t n)
{
	struct oval v = { OV_TEXT, ob->bytes.len, n, 0 };

	buf_add(&ob->bytes, s, n);
	return v;
}

static struct oval ob_textz(struct obatch *ob, const char *s)
{
	struct oval v = { OV_NULL, 0, 0, 0 };

	return s ? ob_text(ob, s, strlen(s)) : v;
}

static struct oval ob_buf(struct obatch *ob, const struct buf *b)
{
	struct oval v = { OV_NULL, 0, 0, 0 };

	return b->len ? ob_text(ob, b->s, b->len) : v;
}

static void ob_val(struct obatch *ob, struct oval v)
{
	ob->vals = grow(ob->vals, ob->nvals, &ob->capvals, sizeof(*ob->vals));
	ob->vals[ob->nvals++] = v;
}

static void ob_int(struct obatch *ob, int64_t i)
{
	struct oval v = { OV_INT, 0, 0, i };

	ob_val(ob, v);
}

static struct oid *ob_id(struct obatch *ob, const char *iq_kind, const char *kind,
	const char *field, const struct ident *id)
{
	struct oid *o;

	ob->ids = grow(ob->ids, ob->nids, &ob->capids, sizeof(*ob->ids));
	o = &ob->ids[ob->nids++];
	memset(o, 0, sizeof(*o));
	o->iq_kind = iq_kind;
	o->kind = kind;
	o->field = field;
	if (id) {
		o->value = ob_buf(ob, &id->value);
		o->note = ob_buf(ob, &id->note);
		o->flags = ob_buf(ob, &id->flags);
	}
	return o;
}

/* Bind v, text from the batch b, as parameter i. */
static void bind_oval(struct store_stmt *s, int i, const struct obatch *b, const struct oval *v)
{
	if (v->type == OV_TEXT)
		store_bind_textn(s, i, v->n ? b->bytes.s + v->off : "", v->n);
	else if (v->type == OV_INT)
		store_bind_int(s, i, v->i);
	else
		store_bind_null(s, i);
}

/* Give the note ck_name_id() numbered i the note_id id. */
static void note_set(struct ingest *in, int i, int64_t id)
{
	if (i >= in->capnote_ids) {
		in->capnote_ids = in->capnote_ids ? in->capnote_ids * 2 : 64;
		while (i >= in->capnote_ids)
			in->capnote_ids *= 2;
		in->note_ids = xrealloc(in->note_ids, (size_t)in->capnote_ids * sizeof(int64_t));
	}
	in->note_ids[i] = id;
}

/*
 * The note_id of an identifier's note (0: it has none), numbered anew when this store has not
 * seen the text yet: ids follow the order in which the rows first give a note.
 */
static int64_t note_id(struct ingest *in, const struct obatch *b, const struct oval *v)
{
	int i;

	if (v->type != OV_TEXT || !v->n)
		return 0;
	/* the identifiers of a row, and the rows after it, mostly say the same note again */
	if (in->last_note && in->notebuf.len == v->n &&
		memcmp(in->notebuf.s, b->bytes.s + v->off, v->n) == 0)
		return in->note_ids[in->last_note - 1];
	buf_reset(&in->notebuf);
	buf_add(&in->notebuf, b->bytes.s + v->off, v->n);
	i = ck_name_id(&in->notes, in->notebuf.s);
	if (i == in->nnote_ids) /* new: ck_name_id() numbers in order too */
		note_set(in, in->nnote_ids++, in->next_note++);
	in->last_note = i + 1;
	return in->note_ids[i];
}

/* The notes the store has, read again at the start of each file's transaction. */
static int notes_load(struct ingest *in)
{
	struct store_stmt *s = store_prepare(in->st, "SELECT note_id, note FROM ident_notes");
	int rc;

	ck_names_free(&in->notes);
	memset(&in->notes, 0, sizeof(in->notes));
	in->nnotes_stored = in->nnote_ids = in->last_note = 0;
	in->next_note = 1;
	if (!s)
		return EX_SOFTWARE;
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *t = store_col_text(s, 1);
		int64_t id = store_col_int(s, 0);
		note_set(in, ck_name_id(&in->notes, t ? t : ""), id);
		if (id >= in->next_note)
			in->next_note = id + 1;
	}
	store_done(s);
	in->nnotes_stored = in->nnote_ids = in->notes.n;
	return rc == STORE_DONE ? 0 : rc;
}

/* The notes this file numbered, into ident_notes (in the file's transaction). */
static int notes_save(struct ingest *in)
{
	struct store_stmt *s;
	int rc = 0, i;

	if (in->nnotes_stored == in->notes.n)
		return 0;
	if (!(s = store_prepare(in->st, "INSERT INTO ident_notes(note_id, note) VALUES(?, ?)")))
		return EX_SOFTWARE;
	for (i = in->nnotes_stored; i < in->notes.n && !rc; i++) {
		store_bind_int(s, 1, in->note_ids[i]);
		store_bind_text(s, 2, in->notes.v[i]);
		rc = step_done(s);
	}
	store_done(s);
	if (!rc)
		in->nnotes_stored = in->notes.n;
	return rc;
}

/* Bind an identifier as the parameters from base + 1 on. */
static void bind_ident(struct ingest *in, const struct file *f, struct store_stmt *s, int base,
	const struct ident_row *p)
{
	int64_t note = note_id(in, p->b, &p->id->note);

	store_bind_text(s, base + 1, f->k->holder_kind);
	bind_oval(s, base + 2, p->b, &p->r->holder);
	store_bind_text(s, base + 3, p->id->kind);
	bind_oval(s, base + 4, p->b, &p->id->value);
	bind_oval(s, base + 5, p->b, &p->id->raw);
	if (note)
		store_bind_int(s, base + 6, note);
	else
		store_bind_null(s, base + 6);
	bind_oval(s, base + 7, p->b, &p->id->flags);
	bind_oval(s, base + 8, p->b, &p->id->day);
	store_bind_text(s, base + 9, p->id->field);
	store_bind_int(s, base + 10, f->source_id);
	store_bind_int(s, base + 11, (int64_t)p->line);
}

/* Add v, text from the batch b, to the row being loaded. */
static void load_oval(struct store_load *l, const struct obatch *b, const struct oval *v)
{
	if (v->type == OV_TEXT)
		store_load_text(l, v->n ? b->bytes.s + v->off : "", v->n);
	else if (v->type == OV_INT)
		store_load_int(l, v->i);
	else
		store_load_text(l, NULL, 0);
}

/* Write the identifiers waiting, in order: 0, or an EX_* code (message printed). */
static int flush_idents(struct ingest *in, struct file *f)
{
	size_t i, n = in->npend;
	int rc = 0;

	in->npend = 0;
	for (i = 0; in->load_idents && i < n; i++) {
		const struct ident_row *p = &in->pend[i];
		struct store_load *l = in->load_idents;
		int64_t note = note_id(in, p->b, &p->id->note);

		store_load_textz(l, f->k->holder_kind);
		load_oval(l, p->b, &p->r->holder);
		store_load_textz(l, p->id->kind);
		load_oval(l, p->b, &p->id->value);
		load_oval(l, p->b, &p->id->raw);
		if (note)
			store_load_int(l, note);
		else
			store_load_text(l, NULL, 0);
		load_oval(l, p->b, &p->id->flags);
		load_oval(l, p->b, &p->id->day);
		store_load_textz(l, p->id->field);
		store_load_int(l, f->source_id);
		store_load_int(l, (int64_t)p->line);
		store_load_row(l);
	}
	if (in->load_idents)
		return 0;
	if (n == IDENT_ROWS) {
		for (i = 0; i < n; i++)
			bind_ident(in, f, in->ins_idents, (int)i * 11, &in->pend[i]);
		return step_done(in->ins_idents);
	}
	for (i = 0; i < n && !rc; i++) {
		bind_ident(in, f, in->ins_ident, 0, &in->pend[i]);
		rc = step_done(in->ins_ident);
	}
	return rc;
}

/* Note that the file recorded an identifier of kind (count_hubs() reads only those kinds). */
static void made_kind(struct ingest *in, const char *kind)
{
	size_t i;

	if (in->nmade > MADE_KINDS) /* too many, or not known (hubs_from): the whole index */
		return;
	for (i = 0; i < in->nmade; i++)
		if (in->made[i] == kind || strcmp(in->made[i], kind) == 0)
			return;
	if (in->nmade < MADE_KINDS)
		in->made[in->nmade] = kind;
	in->nmade++;
}

static int add_ident(struct ingest *in, struct file *f, unsigned long line, const struct obatch *b,
	const struct orow *r, const struct oid *id)
{
	struct ident_row *p = &in->pend[in->npend++];

	made_kind(in, id->kind);
	p->b = b, p->r = r, p->id = id, p->line = line;
	return in->npend == IDENT_ROWS ? flush_idents(in, f) : 0;
}

static struct iq *iq_of(struct ingest *in, const char *kind)
{
	size_t i;

	for (i = 0; i < in->niq; i++)
		if (strcmp(in->iq[i].kind, kind) == 0)
			return &in->iq[i];
	in->iq = xrealloc(in->iq, (in->niq + 1) * sizeof(*in->iq));
	memset(&in->iq[in->niq], 0, sizeof(*in->iq));
	in->iq[in->niq].kind = xstrdup(kind);
	return &in->iq[in->niq++];
}

/* 1 if the comma-separated list b holds word. */
static int has_word(const struct buf *b, const char *word)
{
	size_t n = strlen(word);
	const char *p = b->len ? b->s : "";

	while ((p = strstr(p, word))) {
		if ((p == b->s || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/*
 * The classes of an identifier value: id is what its normaliser made, or NULL when it made
 * nothing (unparsed). The classes are those casekit stats shows (count_kind() in lib/stats.c).
 */
static unsigned iq_bits(const struct ident *id)
{
	unsigned q = 0;

	if (!id)
		return IQ_UNPARSED;
	if (has_word(&id->flags, "local"))
		q |= IQ_LOCAL;
	/* a coarse address is flagged nolink too, but it is neither null nor private */
	if (has_word(&id->flags, "coarse"))
		q |= IQ_COARSE;
	else if (has_word(&id->flags, "nolink"))
		q |= IQ_NOLINK;
	return q;
}

/* Count one identifier value of kind, of the classes q. */
static void iq_count(struct ingest *in, const char *kind, unsigned q)
{
	struct iq *c = iq_of(in, kind);

	c->values++;
	if (q & IQ_UNPARSED) {
		c->unparsed++;
		return;
	}
	c->keys++;
	c->national += (q & IQ_LOCAL) != 0;
	c->coarse += (q & IQ_COARSE) != 0;
	c->nolink += (q & IQ_NOLINK) != 0;
}

/* The raw of o: none where the row said the value itself (schema 7), else raw. */
static void ob_raw(const struct obatch *ob, struct oid *o, struct oval raw)
{
	if (raw.type == OV_TEXT && o->value.type == OV_TEXT && raw.n == o->value.n &&
		memcmp(ob->bytes.s + raw.off, ob->bytes.s + o->value.off, raw.n) == 0)
		raw.type = OV_NULL;
	o->raw = raw;
}

/* The identifiers a record holds, normalised, for the writer to count and record. */
static void stage_idents(const struct file *f, struct row *w, const struct csvio_rec *rec,
	const char *country, struct obatch *ob)
{
	const struct kspec *k = f->k;
	size_t i, j;
	int holder = 0, got = 0;
	struct oid *o;
	/*
	 * The address w->id holds, when the last value normalised was one: a return address is
	 * often the address again, and an address costs more than the rest of the row.
	 */
	const char *addr = NULL;

	for (i = 0; k->f[i].name; i++)
		if (k->holder_field && strcmp(k->f[i].name, k->holder_field) == 0)
			holder = w->v[i] != NULL;
	if (!holder)
		return;
	for (j = 0; k->ids[j].field; j++) {
		const char *kind = k->ids[j].kind, *field = k->ids[j].field, *v = NULL;
		int unit = strcmp(kind, IDENT_ADDRESS_UNIT) == 0;
		struct oval raw;

		if (strcmp(kind, IDENT_PAYMENT) == 0)
			continue; /* recorded with the row: its hash is a column */
		for (i = 0; k->f[i].name; i++)
			if (strcmp(k->f[i].name, field) == 0)
				v = w->v[i];
		if (!v)
			continue;
		if (unit && addr && strcmp(v, addr) == 0)
			; /* normalised just before: w->id and got hold it still */
		else if (strcmp(kind, IDENT_PHONE) == 0)
			got = ident_phone(v, country, &w->id);
		else if (strcmp(kind, IDENT_EMAIL) == 0)
			got = ident_email(v, &w->id);
		else if (unit)
			got = ident_address(v, country, &w->id);
		else if (strcmp(kind, IDENT_DEVICE) == 0)
			got = ident_device(v, &w->id);
		else if (strcmp(kind, IDENT_IP) == 0)
			got = ident_ip(v, &w->id);
		else
			got = ident_text(v, &w->id);
		addr = unit ? v : NULL;
		if (got != 0 || !w->id.value.len) {
			ob_id(ob, kind, NULL, field, NULL)->q = IQ_UNPARSED;
			continue;
		}
		raw = ob_textz(ob, v);
		o = ob_id(ob, kind,
			unit && ident_address_is_area(&w->id) ? IDENT_ADDRESS_AREA : kind, field,
			&w->id);
		o->q = iq_bits(&w->id);
		ob_raw(ob, o, raw);
		if (strcmp(kind, IDENT_IP) == 0 && w->day)
			o->day = ob_text(ob, w->day, 10);
		if (unit && w->id.building.len) {
			o = ob_id(ob, NULL, IDENT_ADDRESS_BUILDING, field, &w->id);
			/* what the row said is the unit's raw: not kept twice (schema 7) */
			o->value = ob_buf(ob, &w->id.building);
		}
	}
	for (j = 0; j < f->nxs; j++) {
		const char *name = f->pk->idents[j].field, *v;
		size_t n;

		if (!(v = eval(&f->xs[j], rec, &w->xval[j], &n)))
			continue;
		if (ident_text(v, &w->id) != 0 || !w->id.value.len) {
			ob_id(ob, name, NULL, name, NULL)->q = IQ_UNPARSED;
			continue;
		}
		o = ob_id(ob, name, name, name, &w->id);
		o->q = iq_bits(&w->id);
		ob_raw(ob, o, ob_textz(ob, v));
	}
}

static void json_str(struct buf *b, const char *s, size_t n)
{
	size_t i;

	buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			buf_addc(b, '\\'), buf_addc(b, (char)c);
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c < 0x20)
			buf_addf(b, "\\u%04x", c);
		else
			buf_addc(b, (char)c);
	}
	buf_addc(b, '"');
}

/*
 * Check one record and convert its fields into w->v (the text: times as ISO 8601 UTC, the
 * currency upper-case; NULL when missing) and w->num (numbers; money in minor units). 0 when
 * it can be kept, else REJECTED with the reason in w->reason. A reference to another record
 * (a listing's seller) is only noted in w->ref, when there is a store: the writer checks it,
 * and it comes first when it fails, as it comes before the fields after it.
 */
static int convert_row(
	const struct ingest *in, const struct file *f, struct row *w, const struct csvio_rec *rec)
{
	const struct kspec *k = f->k;
	char q[48];
	int cur_i = -1;
	size_t i;

	w->cur[0] = '\0';
	w->day = NULL;
	w->nref = 0;
	if (rec->err)
		return bad(&w->reason, "%s", rec->err);
	if (rec->n != f->ncols)
		return bad(&w->reason, "wrong field count: %zu fields, the header has %zu", rec->n,
			f->ncols);
	for (i = 0; i < rec->n; i++) {
		if (rec->len[i] && strlen(rec->f[i]) != rec->len[i])
			return bad(&w->reason, "a NUL byte in column '%s'", f->cols[i]);
		if (!text_utf8_valid(rec->f[i], rec->len[i]))
			return bad(&w->reason, "broken UTF-8 in column '%s'", f->cols[i]);
	}
	for (i = 0; k->f[i].name; i++) {
		w->v[i] = eval(&f->fs[i], rec, &w->val[i], &w->vl[i]);
		if (k->f[i].type == T_CUR)
			cur_i = (int)i;
	}
	if (cur_i >= 0) {
		const char *c = w->v[cur_i] ? w->v[cur_i] : in->prof->currency;

		if (c && ingest_currency(c, w->cur))
			return bad(&w->reason, "bad currency '%s': not an ISO 4217 code",
				shown(c, strlen(c), q));
		if (w->cur[0])
			w->v[cur_i] = w->cur, w->vl[cur_i] = 3;
	}
	for (i = 0; k->f[i].name; i++) {
		const struct fspec *fs = &k->f[i];
		const char *v = w->v[i];
		size_t n = w->vl[i];
		long long ll;

		if (!v && (fs->flags & (F_KEY | F_REQ)) &&
			!(fs->flags & F_KEY && strcmp(fs->name, "category") == 0))
			return bad(&w->reason, "missing %s", fs->name);
		if (v && fs->ref && in->st)
			w->ref[w->nref++] = (int)i;
		if (!v)
			continue;
		switch (fs->type) {
		case T_TEXT:
		case T_CUR:
			break;
		case T_INT:
			if (ck_parse_long(v, &ll))
				return bad(&w->reason, "bad number '%s' in %s", shown(v, n, q),
					fs->name);
			w->num[i] = ll;
			break;
		case T_MONEY:
			if (!w->cur[0])
				return bad(&w->reason, "%s '%s' has no currency", fs->name,
					shown(v, n, q));
			if (money_parse(v, money_exponent(w->cur), &w->num[i]))
				return bad(&w->reason, "bad number '%s' in %s", shown(v, n, q),
					fs->name);
			break;
		case T_TIME:
			if (ingest_time(v, f->fs[i].date_format, w->tbuf[i]))
				return bad(&w->reason, "bad date '%s' in %s", shown(v, n, q),
					fs->name);
			w->v[i] = w->tbuf[i];
			w->vl[i] = strlen(w->tbuf[i]);
			if (strcmp(fs->name, "at") == 0)
				w->day = w->tbuf[i];
			break;
		case T_INSTR:
			/* payments: field 1 is instrument_type, which classes the instrument */
			if (!in->have_key ||
				payment_ident(in->key, w->v[1] ? w->v[1] : "", v, &w->id2) != 0)
				return bad(&w->reason, "instrument_id holds no usable instrument");
			break;
		}
	}
	if (strcmp(k->kind, "notices") == 0 && !w->v[3] && !w->v[4])
		return bad(&w->reason, "a notice needs a listing_id or a url");
	return 0;
}

/*
 * Convert record k of a batch into ob: its checks, the values its INSERT binds, its
 * identifiers. What needs the store (references, the row before it) is left to the writer.
 * The holder of a kind's identifiers is its first field, which is also its key.
 */
static void stage_row(const struct ingest *in, const struct file *f, struct row *w,
	struct obatch *ob, const struct csvio_rec *rec, size_t k, int refs_only)
{
	const struct kspec *ks = f->k;
	const char *country = in->country[0] ? in->country : NULL;
	struct orow *r;
	size_t i;
	int rej = convert_row(in, f, w, rec), have_attrs = 0;

	ob->rows = grow(ob->rows, ob->nrows, &ob->caprows, sizeof(*ob->rows));
	r = &ob->rows[ob->nrows++];
	memset(r, 0, sizeof(*r));
	r->rec = k;
	r->ref0 = ob->nrefs;
	r->nref = w->nref;
	for (i = 0; i < w->nref; i++) {
		struct oref *x;

		ob->refs = grow(ob->refs, ob->nrefs, &ob->caprefs, sizeof(*ob->refs));
		x = &ob->refs[ob->nrefs++];
		x->field = w->ref[i];
		x->v = ob_text(ob, w->v[w->ref[i]], w->vl[w->ref[i]]);
		x->known =
			ref_has(strcmp(ks->f[x->field].ref, "sellers") == 0 ? &in->known_sellers
									    : &in->known_listings,
				w->v[w->ref[i]], w->vl[w->ref[i]],
				ck_fnv1a(w->v[w->ref[i]], w->vl[w->ref[i]]));
	}
	r->val0 = ob->nvals;
	r->id0 = ob->nids;
	if (rej) {
		r->rejected = 1;
		r->reason = ob_text(ob, w->reason.s, w->reason.len);
		return;
	}
	if (refs_only)
		return;
	r->holder = ob_text(ob, w->v[0], w->vl[0]);
	if (ks->holder_kind && ks->conflict)
		r->hkey = ck_fnv1a(w->v[0], w->vl[0]);
	if (f->country_col >= 0 && rec->len[f->country_col])
		country = rec->f[f->country_col];
	for (i = 0; ks->f[i].name; i++) {
		const struct fspec *fs = &ks->f[i];
		struct oval none = { OV_NULL, 0, 0, 0 };

		if (!w->v[i]) {
			if (fs->flags & F_KEY) /* brands without a category: one for all */
				ob_val(ob, ob_text(ob, "", 0));
			else if (fs->type == T_INSTR)
				ob_val(ob, none), ob_val(ob, none);
			else
				ob_val(ob, none);
			continue;
		}
		switch (fs->type) {
		case T_TEXT:
		case T_TIME:
		case T_CUR:
			ob_val(ob, ob_text(ob, w->v[i], w->vl[i]));
			break;
		case T_INT:
		case T_MONEY:
			ob_int(ob, w->num[i]);
			break;
		case T_INSTR:
			ob_val(ob, ob_text(ob, w->id2.value.s, w->id2.value.len));
			ob_val(ob, ob_textz(ob, w->id2.last4));
			break;
		}
	}
	buf_reset(&w->attrs);
	for (i = 0; i < rec->n; i++) {
		if (f->used[i] || rec->len[i] == 0)
			continue;
		buf_addc(&w->attrs, have_attrs++ ? ',' : '{');
		json_str(&w->attrs, f->cols[i], strlen(f->cols[i]));
		buf_addc(&w->attrs, ':');
		json_str(&w->attrs, rec->f[i], rec->len[i]);
	}
	if (have_attrs) {
		struct oval a;

		buf_addc(&w->attrs, '}');
		a = ob_text(ob, w->attrs.s, w->attrs.len);
		ob_val(ob, a);
	} else {
		struct oval none = { OV_NULL, 0, 0, 0 };

		ob_val(ob, none);
	}
	r->nval = ob->nvals - r->val0;
	if (strcmp(ks->kind, "payments") == 0) {
		/* The payment identifier: its value is the hash, its raw form masked. */
		char masked[sizeof(w->id2.last4) + 4];
		struct oid *o;

		snprintf(masked, sizeof(masked), "****%s", w->id2.last4);
		o = ob_id(ob, IDENT_PAYMENT, IDENT_PAYMENT, "instrument_id", &w->id2);
		o->q = iq_bits(&w->id2);
		o->raw = ob_textz(ob, masked);
	}
	stage_idents(f, w, rec, country, ob);
	r->nid = ob->nids - r->id0;
}

/*
 * Write the rows waiting, in order: 0, or an EX_* code (message printed). A row of a keyed kind
 * either makes a new one, whose rowid is the next, or updates the one it replaces: what the
 * rowid of the last new row says is how many were new.
 */
static int flush_rows(struct ingest *in, struct file *f)
{
	size_t ki = (size_t)(f->k - kinds), i, j, n = in->nprow;
	struct store_stmt *s = n == ROWS ? in->insn[ki] : in->ins[ki];
	struct store_load *l = in->load[ki] ? in->load[ki] : in->loadn[ki];
	int rc = 0, base = 0;
	int64_t last;

	in->nprow = 0;
	for (i = 0; l && i < n; i++) {
		const struct kind_row *p = &in->prow[i];

		for (j = 0; j < p->r->nval; j++)
			load_oval(l, p->b, &p->b->vals[p->r->val0 + j]);
		store_load_int(l, f->source_id);
		store_load_int(l, (int64_t)p->line);
		store_load_row(l);
	}
	if (l)
		return 0;
	for (i = 0; i < n && !rc; i++) {
		const struct kind_row *p = &in->prow[i];

		for (j = 0; j < p->r->nval; j++)
			bind_oval(s, base + (int)j + 1, p->b, &p->b->vals[p->r->val0 + j]);
		store_bind_int(s, base + (int)p->r->nval + 1, f->source_id);
		store_bind_int(s, base + (int)p->r->nval + 2, (int64_t)p->line);
		base += (int)p->r->nval + 2;
		if (s == in->insn[ki] && i + 1 < n)
			continue;
		store_set_last_rowid(in->st, 0);
		if ((rc = step_done(s)))
			break;
		last = store_last_rowid(in->st);
		if (f->k->conflict)
			f->replaced += (s == in->insn[ki] ? n : 1) -
				(uint64_t)(last ? last - in->max_rowid : 0);
		if (last)
			in->max_rowid = last;
		base = 0;
	}
	return rc;
}

/*
 * 1 if the value r's identifier i could make nothing of is one that stats counts as unparsed:
 * its field is a column of the row with a value, and no identifier of the row (nor another
 * unparsed value before it) came from that field. A profile's ident line may share a
 * column's name.
 */
static int unparsed_alone(
	const struct kspec *k, const struct obatch *ob, const struct orow *r, size_t i)
{
	const struct oid *id = &ob->ids[r->id0 + i];
	size_t j;

	for (j = 0; j < r->nid; j++) {
		const struct oid *o = &ob->ids[r->id0 + j];

		if (j != i && strcmp(o->field, id->field) == 0 && (o->kind || j < i))
			return 0;
	}
	for (j = 0; k->f[j].name; j++)
		if (strcmp(k->f[j].name, id->field) == 0) {
			const struct oval *v = &ob->vals[r->val0 + j];

			return v->type == OV_INT || (v->type == OV_TEXT && v->n);
		}
	return 0;
}

/*
 * Write one converted record: check its references, then keep it, with its identifiers, or
 * report it. 0 when it was kept or rejected (a reject is data), an EX_* code when the store
 * failed.
 */
static int write_row(
	struct ingest *in, struct file *f, const struct obatch *ob, const struct orow *r)
{
	const struct kspec *k = f->k;
	size_t ki = (size_t)(k - kinds), i;
	struct store_stmt *s = in->ins[ki];
	struct csvio_rec rec;
	int rc;

	csvio_batch_rec(ob->in, r->rec, &rec);
	f->read++;
	for (i = 0; in->rp.state == RP_ON && i < r->nref; i++) {
		const struct oref *x = &ob->refs[r->ref0 + i];

		if (!x->known)
			ref_count(&in->rp.seen_n, &in->rp.seen_h, k->f[x->field].ref,
				ob->bytes.s + x->v.off, x->v.n);
	}
	for (i = 0; i < r->nref; i++) {
		const struct oref *x = &ob->refs[r->ref0 + i];
		const char *v = ob->bytes.s + x->v.off;
		char q[48];

		if (!x->known && !ref_exists(in, f, k->f[x->field].ref, v, x->v.n)) {
			bad(&f->reason, "%s '%s' is not in the store", k->f[x->field].name,
				shown(v, x->v.n, q));
			return reject(in, f, &rec, f->reason.s, f->reason.len);
		}
	}
	if (r->rejected)
		return reject(in, f, &rec, ob->bytes.s + r->reason.off, r->reason.n);
	if (in->load[ki] ||
		((in->insn[ki] || in->loadn[ki]) &&
			(!in->old[ki] ||
				fresh_key(
					in, ob->bytes.s + r->holder.off, r->holder.n, r->hkey)))) {
		struct kind_row *p = &in->prow[in->nprow++];

		p->b = ob, p->r = r, p->line = rec.line;
		if (in->nprow == ROWS && (rc = flush_rows(in, f)))
			return rc;
		goto idents;
	}
	/* the rows waiting go first: the older row may be among them, and they share s */
	if ((in->nprow && (rc = flush_rows(in, f))) ||
		(rc = store_load_flush(in->loadn[ki], NULL, 1)))
		return rc;
	for (i = 0; i < r->nval; i++)
		bind_oval(s, (int)i + 1, ob, &ob->vals[r->val0 + i]);
	store_bind_int(s, (int)r->nval + 1, f->source_id);
	store_bind_int(s, (int)r->nval + 2, (int64_t)rec.line);
	/* A record seen before: the identifiers of its old row go (after the file's rows). */
	if (in->old[ki]) {
		struct store_stmt *o = in->old[ki];

		bind_oval(o, 1, ob, &r->holder);
		if ((rc = store_step(o)) == STORE_ROW) {
			struct store_stmt *a = in->add_replaced;

			stats_tally_old_row(in->tally, store_col_int(o, 0), k->kind, o, 2);
			bind_oval(a, 1, ob, &r->holder);
			store_bind_int(a, 2, store_col_int(o, 0));
			store_bind_int(a, 3, store_col_int(o, 1));
			store_reset(o);
			if ((rc = step_done(a)))
				return rc;
			f->replaced++;
		} else if (rc != STORE_DONE) {
			return rc;
		}
		store_reset(o);
	}
	store_set_last_rowid(in->st, 0);
	if ((rc = step_done(s)))
		return rc;
	if (!in->old[ki] && k->conflict && store_last_rowid(in->st) == 0)
		f->replaced++;
	if (store_last_rowid(in->st) > in->max_rowid) /* the batches count new rows from it */
		in->max_rowid = store_last_rowid(in->st);
idents:
	for (i = 0; i < r->nid; i++) {
		const struct oid *id = &ob->ids[r->id0 + i];

		if (id->iq_kind)
			iq_count(in, id->iq_kind, id->q);
		if (id->kind)
			stats_tally_ident(in->tally, f->source_id, id->kind,
				id->flags.type == OV_TEXT ? ob->bytes.s + id->flags.off : NULL,
				id->flags.n);
		else if ((id->q & IQ_UNPARSED) && unparsed_alone(k, ob, r, i))
			stats_tally_unparsed(in->tally, f->source_id, k->kind, id->field);
		if (id->kind && (rc = add_ident(in, f, rec.line, ob, r, id)))
			return rc;
	}
	f->kept++;
	return 0;
}

static void file_free(struct file *f)
{
	size_t i;

	csvio_close(f->r);
	for (i = 0; i < f->ncols; i++)
		free(f->cols[i]);
	free(f->cols);
	free(f->used);
	for (i = 0; i < MAXF; i++) {
		free(f->fs[i].cols);
		if (f->own)
			profile_tmpl_free(&f->own[i]);
	}
	for (i = 0; i < f->nxs; i++)
		free(f->xs[i].cols);
	free(f->xs);
	free(f->own);
	buf_free(&f->raw);
	buf_free(&f->reason);
}

/* Counters of a file, taken back when the file is skipped or fails. */
static uint64_t *iq_save(const struct ingest *in, size_t *n)
{
	uint64_t *v = xcalloc(in->niq ? in->niq : 1, 7 * sizeof(uint64_t));
	size_t i;

	for (i = 0; i < in->niq; i++) {
		const struct iq *q = &in->iq[i];
		uint64_t *w = v + 7 * i;

		w[0] = q->values, w[1] = q->keys, w[2] = q->national, w[3] = q->coarse;
		w[4] = q->nolink, w[5] = q->hubs, w[6] = q->unparsed;
	}
	*n = in->niq;
	return v;
}

static void iq_restore(struct ingest *in, const uint64_t *v, size_t n)
{
	size_t i;

	for (i = 0; i < in->niq; i++) {
		struct iq *q = &in->iq[i];
		const uint64_t *w = v + 7 * i;

		if (i >= n) {
			q->values = q->keys = q->national = q->coarse = q->nolink = q->hubs =
				q->unparsed = 0;
			continue;
		}
		q->values = w[0], q->keys = w[1], q->national = w[2], q->coarse = w[3];
		q->nolink = w[4], q->hubs = w[5], q->unparsed = w[6];
	}
}

/*
 * The values a file recorded (identifiers past ?1) that have more rows than the smallest cap,
 * each with its greatest flags and its holders on its busiest day, found in one of two ways.
 * HUB_SCAN: one pass over the index on (kind, value) (no row is read) finds the values with
 * more rows than the smallest cap; only those few are counted exactly.
 */
#define HUB_COUNTS \
	"SELECT g.kind, g.value, (SELECT max(flags) FROM identifiers j WHERE j.kind = g.kind AND " \
	"j.value = g.value), (SELECT max(n) FROM (SELECT count(DISTINCT holder_id) AS n FROM " \
	"identifiers j WHERE j.kind = g.kind AND j.value = g.value GROUP BY day) d) "
#define HUB_SCAN \
	HUB_COUNTS "FROM (SELECT kind, value FROM identifiers GROUP BY kind, value HAVING " \
		   "count(*) > 10) g WHERE EXISTS (SELECT 1 FROM identifiers k WHERE k.kind = " \
		   "g.kind AND k.value = g.value AND k.ident_id > ?1)"
/*
 * HUB_SCAN_KIND: the pass over one kind's part of the index, run for each kind the file
 * recorded: a file of payments reads the payment instruments, not every address and device.
 */
#define HUB_SCAN_KIND \
	HUB_COUNTS "FROM (SELECT kind, value FROM identifiers WHERE kind = ?2 GROUP BY kind, " \
		   "value HAVING count(*) > 10) g WHERE EXISTS (SELECT 1 FROM identifiers k " \
		   "WHERE k.kind = g.kind AND k.value = g.value AND k.ident_id > ?1)"
/*
 * HUB_SEEK: the file's own values, read by rowid from its first identifier on, each counted
 * through the index no further than the smallest cap. A seek costs about as much as reading
 * thirty entries in a pass (HUB_SEEK_COST, measured), so it pays for a file that brought few
 * of the identifiers (parties, a later file of a few sellers): the pass over the whole index
 * grows with the store, the seeks only with the file. SQLite only (NOT INDEXED: else it
 * reads the whole index for the DISTINCT).
 */
#define HUB_SEEK \
	HUB_COUNTS "FROM (SELECT DISTINCT kind, value FROM identifiers NOT INDEXED WHERE " \
		   "ident_id > ?1) g WHERE (SELECT count(*) FROM (SELECT 1 FROM identifiers k " \
		   "WHERE k.kind = g.kind AND k.value = g.value LIMIT 11)) > 10"
#define HUB_SEEK_COST 32

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Take the hub candidates s gives (HUB_COUNTS' columns), then reset s. */
static int hub_rows(struct ingest *in, struct store_stmt *s, const struct link_params *lp)
{
	int rc;

	while ((rc = store_step(s)) == STORE_ROW) {
		const char *kind = store_col_text(s, 0);
		const char *value = store_col_text(s, 1);
		const char *flags = store_col_text(s, 2);
		enum link_class c = link_class_of(kind, flags ? flags : "");
		char *key;
		size_t i;

		/* the hub candidates stats reads: in or out, whatever this file made of them */
		if ((rc = stats_hub_seen(in->st, kind, value, flags, store_col_int(s, 3)))) {
			store_reset(s);
			return rc;
		}
		if (c == LINK_BUILDING || store_col_int(s, 3) <= lp->cap[c])
			continue;
		key = xasprintf("%s\t%s", kind, value);
		for (i = 0; i < in->nhubs && strcmp(in->hubs[i], key); i++)
			;
		if (i < in->nhubs) {
			free(key);
			continue;
		}
		in->hubs = xrealloc(in->hubs, (in->nhubs + 1) * sizeof(*in->hubs));
		in->hubs[in->nhubs++] = key;
		iq_of(in, kind)->hubs++;
	}
	store_reset(s);
	return rc == STORE_DONE ? 0 : rc;
}

/*
 * Count the hub candidates among the values this file recorded (identifiers past ident_id
 * first): values held by more accounts than linking's default cap for their class, so that
 * link will list them as hubs and join nobody on them. An IP counts on its busiest day, as
 * link does.
 */
static int count_hubs(struct ingest *in, int64_t first)
{
	struct link_params lp;
	struct store_stmt *s, **slot;
	const char *sql;
	int64_t last = 0;
	int rc, seek, by_kind;
	size_t i;

	if ((rc = store_exec_indexes(in->st,
		     "CREATE INDEX IF NOT EXISTS identifiers_kind_value ON identifiers(kind, value)")))
		return rc;
	/* the identifiers are numbered in order: last - first were made by this file, of last */
	if (!in->load_idents) {
		if (!(s = store_prepare(in->st, "SELECT max(ident_id) FROM identifiers")))
			return EX_SOFTWARE;
		if (store_step(s) == STORE_ROW)
			last = store_col_int(s, 0);
		store_done(s);
	}
	seek = last > first && (last - first) * HUB_SEEK_COST < last;
	by_kind = !seek && !store_is_distributed(in->st) && in->nmade <= MADE_KINDS;
	slot = seek ? &in->seek_hubs : by_kind ? &in->get_kind_hubs : &in->get_hubs;
	if (seek)
		sql = HUB_SEEK;
	else if (by_kind)
		sql = HUB_SCAN_KIND;
	else if (!store_is_distributed(in->st))
		sql = HUB_SCAN;
	else /* Citus cannot correlate on a column it does not distribute identifiers by */
		sql = "SELECT kind, value, max(flags), max(n) FROM (SELECT kind, value, "
		      "max(flags) AS flags, count(DISTINCT holder_id) AS n, count(*) AS c, "
		      "max(ident_id) AS last FROM identifiers GROUP BY kind, value, day) d "
		      "GROUP BY kind, value HAVING sum(c) > 10 AND max(last) > ?1";
	if ((rc = prep(in, slot, sql)))
		return rc;
	link_params_init(&lp);
	s = *slot;
	store_bind_int(s, 1, first);
	if (!by_kind)
		return hub_rows(in, s, &lp);
	/* kind by kind in the order of the index, as one pass over it would give them */
	ck_sort(in->made, in->nmade, sizeof(*in->made), name_cmp);
	for (i = 0; i < in->nmade && !rc; i++) {
		store_bind_text(s, 2, in->made[i]);
		rc = hub_rows(in, s, &lp);
	}
	return rc;
}

/*
 * Start the count at the mark the committed files left, when it comes before in->hubs_from:
 * an earlier ingest stopped between its files, or another one is under way, and the kinds
 * its files made are not known. A mark that is no number counts every identifier (and goes).
 * Under the write lock: no other ingest moves the mark meanwhile.
 */
static void take_mark(struct ingest *in)
{
	char *c = store_meta_get(in->st, STATS_HUBS_PENDING);
	long long v;

	if (c && (ck_parse_long(c, &v) != 0 || v < 0))
		v = 0;
	if (c && (in->hubs_from < 0 || v < in->hubs_from))
		in->hubs_from = v, in->nmade = MADE_KINDS + 1;
	free(c);
}

/*
 * Count the hub candidates of the identifiers made since in->hubs_from, or since an earlier
 * mark (take_mark()), and forget them: at the end of a run (build_indexes()), or of each file
 * of a dry run.
 */
static int finish_hubs(struct ingest *in)
{
	int rc;

	if (!in->o->dry_run)
		take_mark(in);
	if (in->hubs_from < 0)
		return 0;
	if ((rc = count_hubs(in, in->hubs_from)) ||
		(in->refill && (rc = stats_hubs_refill(in->st))) ||
		(!in->o->dry_run &&
			(rc = store_exec(
				 in->st, "DELETE FROM meta WHERE key = '" STATS_HUBS_PENDING "'"))))
		return rc;
	in->hubs_from = -1;
	in->nmade = 0;
	in->refill = 0;
	return 0;
}

/*
 * A file made identifiers from first on (replaced: some over rows of an earlier load). Their
 * hub candidates are counted once, at the end of the run, not after each file: the count
 * needs the index on (kind, value), which a dump's next file of identifiers (sellers, then
 * logins, then payments) would drop again, and each file's count would read the index anew.
 * Where the count starts is kept in meta, committed with the file, so that an ingest stopped
 * before its end leaves it to the next one (casekit stats counts for itself meanwhile).
 */
static int hubs_pending(struct ingest *in, int64_t first, int replaced)
{
	char v[24];

	if (in->hubs_from < 0 || first < in->hubs_from)
		in->hubs_from = first;
	in->refill |= replaced || in->o->replace;
	if (in->o->dry_run) /* before its rollback: the report says what a load would find */
		return finish_hubs(in);
	take_mark(in); /* an earlier mark stays: its files are not counted either */
	snprintf(v, sizeof(v), "%lld", (long long)in->hubs_from);
	return store_meta_set(in->st, STATS_HUBS_PENDING, v);
}

/* 1,234,567: figures people read. */
static const char *thousands(uint64_t v, char out[32])
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v), i, j = 0;

	for (i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[j++] = ',';
		out[j++] = tmp[i];
	}
	out[j] = '\0';
	return out;
}

/* A share worth a warning: at least 1 in 100, and more than a stray value or two. */
static int large(uint64_t part, uint64_t whole)
{
	return part >= 3 && part * 100 >= whole;
}

/*
 * The identifier quality of the run, one line per kind, and a warning with the fix for each
 * large share of values that cannot link as they should.
 */
static void iq_report(const struct ingest *in)
{
	char a[32], b[32];
	size_t i;

	if (ck.quiet)
		return;
	for (i = 0; i < in->niq; i++) {
		const struct iq *q = &in->iq[i];
		struct buf l = { 0 };

		buf_addf(&l, "casekit ingest: identifiers: %s: %s keys from %s values", q->kind,
			thousands(q->keys, a), thousands(q->values, b));
		if (q->national || strcmp(q->kind, IDENT_PHONE) == 0)
			buf_addf(&l, ", %s national without country", thousands(q->national, a));
		if (q->coarse || strcmp(q->kind, IDENT_ADDRESS_UNIT) == 0)
			buf_addf(&l, ", %s coarse", thousands(q->coarse, a));
		buf_addf(&l, ", %s null or private", thousands(q->nolink, a));
		buf_addf(&l, ", %s hub candidates", thousands(q->hubs, a));
		buf_addf(&l, ", %s unparsed", thousands(q->unparsed, a));
		fprintf(stderr, "%s\n", l.s);
		buf_free(&l);
	}
	for (i = 0; i < in->niq; i++) {
		const struct iq *q = &in->iq[i];

		if (large(q->national, q->values))
			ck_warn("%s of %s %s numbers are national with no country: they match only "
				"each other; name it with --country CC or a profile's country line",
				thousands(q->national, a), thousands(q->values, b), q->kind);
		if (large(q->coarse, q->values))
			ck_warn("%s of %s addresses name no street, building or unit: they are no "
				"evidence of one place on their own",
				thousands(q->coarse, a), thousands(q->values, b));
		if (large(q->unparsed, q->values))
			ck_warn("%s of %s %s values gave no key (casekit cannot read them as %s): "
				"check the column the profile maps to it",
				thousands(q->unparsed, a), thousands(q->values, b), q->kind,
				q->kind);
	}
}

/* A reject's reason with its quoted values left out, so that alike rejects add up. */
static void reason_shape(const char *r, struct buf *out)
{
	buf_reset(out);
	for (; *r; r++) {
		if (*r == '\'' && strchr(r + 1, '\'')) {
			buf_adds(out, "'...'");
			r = strchr(r + 1, '\'');
			continue;
		}
		buf_addc(out, *r);
	}
}

struct tally {
	char *what;
	uint64_t n;
};

/*
 * Print the file's figures and its first rejects; write every reject to --reject-file. A file
 * that stays in the store points at its rejects there; one that does not (a dry run, --strict,
 * every row rejected) has them nowhere else, so its report is printed whole: more rejects, and
 * how many of each reason.
 */
static int report(struct ingest *in, struct file *f, int stays)
{
	struct store_stmt *s = in->get_rejects;
	int shown_n = 0, rc, limit = stays ? 5 : 20;
	struct tally *t = NULL;
	struct buf shape = { 0 };
	size_t nt = 0, i;
	char a[32];

	if (!ck.quiet)
		fprintf(stderr, "casekit ingest: '%s' (%s): %s read, %llu kept, %llu rejected\n",
			f->path, f->k->kind, ck_count((long long)f->read, "row", "rows"),
			(unsigned long long)f->kept, (unsigned long long)f->rejected);
	if (f->replaced && !ck.quiet)
		fprintf(stderr, "casekit ingest: '%s': %s an older version of %s record\n", f->path,
			ck_count((long long)f->replaced, "row replaced", "rows replaced"),
			f->replaced == 1 ? "its" : "their");
	if (!f->rejected)
		return 0;
	store_bind_int(s, 1, f->source_id);
	while ((rc = store_step(s)) == STORE_ROW) {
		const char *why = store_col_text(s, 2);

		if (!ck.quiet && shown_n < limit)
			fprintf(stderr, "casekit ingest: %s:%lld: %s\n", f->path,
				(long long)store_col_int(s, 1), why);
		shown_n++;
		if (in->rejo)
			out_query_row(in->rejo, s);
		if (stays)
			continue;
		reason_shape(why ? why : "", &shape);
		for (i = 0; i < nt && strcmp(t[i].what, shape.s); i++)
			;
		if (i == nt) {
			t = xrealloc(t, (nt + 1) * sizeof(*t));
			t[nt].what = xstrdup(shape.s);
			t[nt++].n = 0;
		}
		t[i].n++;
	}
	store_reset(s);
	buf_free(&shape);
	if (rc != STORE_DONE)
		goto out;
	rc = 0;
	if (!ck.quiet && stays && f->rejected > 5)
		fprintf(stderr,
			"casekit ingest: '%s': %llu more rejects; %s: casekit query "
			"\"select * from rejects where source_id=%lld\"\n",
			f->path, (unsigned long long)f->rejected - 5,
			f->rejected > REJECT_SAMPLE ? "the first 1000 of them" : "all of them",
			(long long)f->source_id);
	if (!ck.quiet && !stays && f->rejected > (uint64_t)limit) {
		fprintf(stderr, "casekit ingest: '%s': rejects by reason%s:\n", f->path,
			f->rejected > REJECT_SAMPLE ? " (of the first 1000)" : "");
		for (i = 0; i < nt; i++)
			fprintf(stderr, "casekit ingest:   %s  %s\n", thousands(t[i].n, a),
				t[i].what);
	}
	if (in->rejf && fflush(in->rejf) != 0)
		rc = ck_error(
			EX_IOERR, "cannot write '%s': %s", in->o->reject_file, strerror(errno));
out:
	for (i = 0; i < nt; i++)
		free(t[i].what);
	free(t);
	return rc;
}

/*
 * Loading into an empty table is fastest with no index to keep up: drop the table's indexes
 * (ours and any another applet made) inside the file's transaction and append the SQL that
 * makes them again to *saved, to be run before the commit. A table with rows keeps them: a
 * small file into a big table would pay for the whole table. *was_empty, when given, says which.
 * many says the file brings at least as many rows as the table holds: then the rows kept one
 * by one in an index bigger than the page cache cost more (a random page read and written a
 * row) than building it again, and the indexes go too.
 */
static int drop_indexes_if_empty(
	struct ingest *in, const char *table, struct buf *saved, int *was_empty, int many)
{
	struct store_stmt *s;
	struct buf drop = { 0 };
	char *sql = xasprintf("SELECT 1 FROM \"%s\" LIMIT 1", table);
	int rc, empty;

	s = store_prepare(in->st, sql);
	free(sql);
	if (!s)
		return EX_SOFTWARE;
	empty = store_step(s) == STORE_DONE;
	store_done(s);
	if (was_empty)
		*was_empty = empty;
	if (!empty && !many)
		return 0;
	store_indexes(in->st, table, &drop, saved);
	rc = drop.len ? store_exec(in->st, drop.s) : 0;
	buf_free(&drop);
	return rc;
}

/*
 * --replace: the earlier loads of this file (same path or same SHA-256, same kind, not replaced
 * yet) give way to this one. Their records that this load brought again were replaced row by
 * row already; the others go, with their identifiers. The old sources stay on record, each
 * naming the load that replaced it (replaced_by), with their rejects.
 */
static int replace_sources(struct ingest *in, struct file *f, const char *sha)
{
	struct store_stmt *s;
	int64_t *old = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (!(s = store_prepare(in->st,
		      "SELECT source_id FROM sources WHERE kind=?1 AND replaced_by IS NULL AND "
		      "source_id<>?2 AND (path=?3 OR sha256=?4) ORDER BY source_id")))
		return EX_SOFTWARE;
	store_bind_text(s, 1, f->k->kind);
	store_bind_int(s, 2, f->source_id);
	store_bind_text(s, 3, f->path);
	store_bind_text(s, 4, sha);
	while (store_step(s) == STORE_ROW) {
		old = xrealloc(old, (n + 1) * sizeof(*old));
		old[n++] = store_col_int(s, 0);
	}
	store_done(s);
	for (i = 0; i < n && !rc; i++) {
		char *sql = xasprintf(
			"DELETE FROM %s WHERE source_id=%lld", f->k->kind, (long long)old[i]);
		int64_t gone;

		rc = store_exec(in->st, sql);
		free(sql);
		gone = store_changes(in->st);
		if (rc)
			break;
		sql = xasprintf("DELETE FROM identifiers WHERE source_id=%lld; "
				"DELETE FROM ident_counts WHERE source_id=%lld; "
				"UPDATE sources SET replaced_by=%lld WHERE source_id=%lld",
			(long long)old[i], (long long)old[i], (long long)f->source_id,
			(long long)old[i]);
		rc = store_exec(in->st, sql);
		free(sql);
		if (!rc && !ck.quiet)
			fprintf(stderr,
				"casekit ingest: '%s': replaces source %lld; %lld of its rows that "
				"this load did not bring again were removed\n",
				f->path, (long long)old[i], (long long)gone);
	}
	free(old);
	return rc;
}

/*
 * The rows of a file go through three stages: the reader thread of csvio parses batches of
 * records, worker threads check and convert them (identifier normalisation is most of the
 * work), and this thread writes them in file order, for SQLite has one writer. Batch seq is
 * converted into slot seq % nslots, which is free by then: the reader fills a batch only
 * when one is given back, and the writer gives them back in order.
 */
#define MAX_WORKERS 8

struct pipeline {
	const struct ingest *in;
	const struct file *f;
	int refs_only; /* the records' references are all the reader wants (ref_pass()) */
	pthread_mutex_t mu;
	pthread_cond_t ready;
	struct obatch *slot;
	size_t nslots, nworkers;
	pthread_t th[MAX_WORKERS];
	struct row w[MAX_WORKERS]; /* each worker's; the first is the writer's when none started */
};

/* Convert the records of batch b into its slot. */
static struct obatch *stage_batch(struct pipeline *p, struct row *w, struct csvio_batch *b)
{
	struct obatch *ob = &p->slot[csvio_batch_seq(b) % p->nslots];
	struct csvio_rec rec;
	size_t k, n = csvio_batch_size(b);

	ob_reset(ob);
	ob->in = b;
	for (k = 0; k < n; k++) {
		csvio_batch_rec(b, k, &rec);
		stage_row(p->in, p->f, w, ob, &rec, k, p->refs_only);
	}
	return ob;
}

static void *worker(void *arg)
{
	struct row *w = arg;
	struct pipeline *p = w->pipe;
	struct csvio_batch *b;

	while (csvio_take(p->f->r, &b)) {
		struct obatch *ob = stage_batch(p, w, b);

		pthread_mutex_lock(&p->mu);
		ob->ready = 1;
		pthread_cond_broadcast(&p->ready);
		pthread_mutex_unlock(&p->mu);
	}
	ident_thread_free();
	return NULL;
}

/* The number of worker threads: one a core, at least two, so that order is always tested. */
static size_t worker_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 2 ? 2 : n > MAX_WORKERS ? MAX_WORKERS : (size_t)n;
}

/*
 * Start reading ahead and the workers (refs_only: converting the records only as far as
 * their references); with no thread to be had, the writer does it all.
 */
static void pipeline_start(
	struct pipeline *p, const struct ingest *in, const struct file *f, int refs_only)
{
	size_t i, n = worker_count();

	memset(p, 0, sizeof(*p));
	p->in = in;
	p->f = f;
	p->refs_only = refs_only;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->ready, NULL);
	p->nslots = 2 * n + 2;
	p->slot = xcalloc(p->nslots, sizeof(*p->slot));
	for (i = 0; i < n; i++) {
		row_init(&p->w[i], f);
		p->w[i].pipe = p;
	}
	if (csvio_readahead_n(f->r, p->nslots) != 0)
		ck_die(EX_OSERR, "cannot start a thread: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		if (pthread_create(&p->th[i], NULL, worker, &p->w[i]) != 0)
			break;
		p->nworkers++;
	}
}

/*
 * The converted batch of number seq, in its turn: 1 with *out set, or 0 when there is none
 * (csvio_take() said so: the batch before was the last).
 */
static int pipeline_next(struct pipeline *p, size_t seq, struct obatch **out)
{
	struct obatch *ob = &p->slot[seq % p->nslots];
	struct csvio_batch *b;

	if (!p->nworkers) {
		if (!csvio_take(p->f->r, &b))
			return 0;
		*out = stage_batch(p, &p->w[0], b);
		return 1;
	}
	pthread_mutex_lock(&p->mu);
	while (!ob->ready || csvio_batch_seq(ob->in) != seq)
		pthread_cond_wait(&p->ready, &p->mu);
	pthread_mutex_unlock(&p->mu);
	*out = ob;
	return 1;
}

/* Give a written batch back, to be read into again. */
static void pipeline_done(struct pipeline *p, struct obatch *ob)
{
	struct csvio_batch *b = ob->in;

	pthread_mutex_lock(&p->mu);
	ob->ready = 0;
	ob->in = NULL;
	pthread_mutex_unlock(&p->mu);
	csvio_give(p->f->r, b);
}

/* Stop the reader and the workers (at once, when the writer failed) and free it all. */
static void pipeline_end(struct pipeline *p)
{
	size_t i;

	csvio_cancel(p->f->r);
	for (i = 0; i < p->nworkers; i++)
		pthread_join(p->th[i], NULL);
	for (i = 0; i < MAX_WORKERS; i++)
		if (p->w[i].pipe)
			row_free(&p->w[i]);
	for (i = 0; i < p->nslots; i++)
		ob_free(&p->slot[i]);
	free(p->slot);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->ready);
#ifdef __GLIBC__
	/*
	 * The workers' arenas keep what their batches freed (about 5 MB a thread); the index
	 * builds that may follow want it back, and the next file's workers start afresh.
	 */
	malloc_trim(0);
#endif
}

/*
 * On a store that loads in bulk (a server), each question is a round trip: ask once a batch
 * which of the references it names are in the store, REF_ASK at a time, that the workers did
 * not find (known), so that ref_exists() finds them in the writer's set.
 */
#define REF_ASK 64

static int ref_prefetch(struct ingest *in, const struct file *f, const struct obatch *ob)
{
	static const char *const tables[] = { "sellers", "listings" };
	struct refset *later[] = { &in->later_sellers, &in->later_listings };
	struct buf sql = { 0 };
	size_t t, i, k;
	int rc = 0, n;

	for (t = 0; t < 2 && !rc; t++) {
		const char *last = NULL;
		size_t lastn = 0;
		struct store_stmt *s;

		buf_reset(&sql);
		buf_addf(&sql, "SELECT %.*s_id FROM %s WHERE %.*s_id IN (?1",
			(int)strlen(tables[t]) - 1, tables[t], tables[t],
			(int)strlen(tables[t]) - 1, tables[t]);
		for (k = 2; k <= REF_ASK; k++)
			buf_addf(&sql, ", ?%zu", k);
		buf_adds(&sql, ")");
		if (!(s = store_prepare(in->st, sql.s))) {
			rc = EX_SOFTWARE;
			break;
		}
		for (i = 0, n = 0; i <= ob->nrefs && !rc; i++) {
			const struct oref *x = i < ob->nrefs ? &ob->refs[i] : NULL;
			const char *v = x ? ob->bytes.s + x->v.off : NULL;

			if (x &&
				(x->known || strcmp(f->k->f[x->field].ref, tables[t]) != 0 ||
					(last && lastn == x->v.n && memcmp(last, v, lastn) == 0) ||
					ref_has(later[t], v, x->v.n, ck_fnv1a(v, x->v.n))))
				continue;
			if (x) {
				store_bind_textn(s, ++n, v, x->v.n);
				last = v, lastn = x->v.n;
			}
			if (n == REF_ASK || (!x && n)) {
				while ((rc = store_step(s)) == STORE_ROW) {
					const char *id = store_col_text(s, 0);
					size_t idn = store_col_bytes(s, 0);

					ref_later(in, (int)t, id, idn, ck_fnv1a(id, idn));
				}
				rc = rc == STORE_DONE ? 0 : rc;
				store_done(s);
				s = store_prepare(in->st, sql.s);
				n = 0;
			}
		}
		store_done(s);
	}
	buf_free(&sql);
	return rc;
}

/*
 * Keep the file's marks (csvio_keep_marks()), so that export reads again only the spans that
 * hold the rows a case cites, checked against their SHA-256 (#15).
 */
#define INGEST_MARK_SPAN (16 * 1024)

/* Store n marks of f's. */
static int put_marks(struct ingest *in, struct file *f, const struct csvio_mark *m, size_t n)
{
	struct store_stmt *s;
	struct store_load *l;
	size_t i;
	int rc = 0;

	if (!n)
		return 0;
	if ((l = store_load_new(
		     in->st, "source_marks", "source_id, line, \"offset\", len, sha256", NULL))) {
		/* a new source has no marks yet: nothing to replace */
		for (i = 0; i < n; i++) {
			store_load_int(l, f->source_id);
			store_load_int(l, (int64_t)m[i].line);
			store_load_int(l, (int64_t)m[i].offset);
			store_load_int(l, (int64_t)m[i].len);
			store_load_blob(l, m[i].sha256, sizeof(m[i].sha256));
			store_load_row(l);
		}
		rc = store_load_flush(l, NULL, 1);
		store_load_free(l);
		return rc;
	}
	if (!(s = store_prepare(in->st,
		      "INSERT OR REPLACE INTO source_marks VALUES(?1, ?2, ?3, "
		      "?4, ?5)")))
		return EX_SOFTWARE;
	for (i = 0; i < n && !rc; i++) {
		store_bind_int(s, 1, f->source_id);
		store_bind_int(s, 2, (int64_t)m[i].line);
		store_bind_int(s, 3, (int64_t)m[i].offset);
		store_bind_int(s, 4, (int64_t)m[i].len);
		store_bind_blob(s, 5, m[i].sha256, sizeof(m[i].sha256));
		rc = store_step(s);
		store_reset(s);
	}
	store_done(s);
	return rc;
}

/*
 * Store the marks the reader has completed, MARKS_TAKE at a time (16 MB of input), and at
 * the end (last) the rest: a file's marks are not all held till its end (#15: about 3.5 MB
 * a GB of input).
 */
#define MARKS_TAKE 1024

static int save_marks(struct ingest *in, struct file *f, int last)
{
	struct csvio_mark *m = xmalloc(MARKS_TAKE * sizeof(*m));
	const struct csvio_mark *rest;
	size_t n;
	int rc = 0;

	while (!rc && (n = csvio_marks_take(f->r, m, MARKS_TAKE)))
		rc = put_marks(in, f, m, n);
	free(m);
	if (!rc && last && (rest = csvio_marks(f->r, &n)))
		rc = put_marks(in, f, rest, n);
	return rc;
}

/* Before the rows of f: whether, and when, its references want the sorted pass. */
static void ref_pass_start(struct ingest *in, const struct file *f)
{
	struct refpass *p = &in->rp;
	const char *e = getenv("CASEKIT_REF_PASS");
	long long after;
	struct stat sb;
	size_t i;
	int refs = 0;

	memset(p, 0, sizeof(*p)); /* missing[] is empty: ref_pass_end() freed it */
	p->state = RP_OFF;
	p->after = -1;
	for (i = 0; f->k->f[i].name; i++)
		refs |= f->k->f[i].ref != NULL && strcmp(f->k->f[i].ref, f->k->kind) != 0;
	/* a server asks once a batch (ref_prefetch()); a pipe cannot be read twice */
	if (!refs || in->load[f->k - kinds] || store_cache_misses(in->st) < 0 ||
		stat(f->path, &sb) != 0 || !S_ISREG(sb.st_mode) || (e && strcmp(e, "never") == 0))
		return;
	p->state = RP_SAMPLE;
	if (e && *e && ck_parse_long(e, &after) == 0 && after >= 0) {
		p->after = after;
		p->state = after == 0 ? RP_WANT : RP_SAMPLE;
	}
}

/*
 * The references the sorted pass holds at once: REF_CHUNK of them, their ids in an arena of
 * REF_CHUNK_BYTES (about 64 MB with the sort's own copy). A file with more is sorted and
 * looked up a chunk at a time, each chunk in the key's order.
 */
#define REF_CHUNK (1u << 20)
#define REF_CHUNK_BYTES (16u << 20)
struct pref {
	uint64_t head; /* the id's first 8 bytes, big-endian: most comparisons end here */
	const char *id;
	uint32_t n, t; /* its length; sellers (0) or listings (1) */
};

static int pref_cmp(const void *a, const void *b)
{
	const struct pref *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->head != y->head)
		return x->head < y->head ? -1 : 1;
	if (n > 8 && (c = memcmp(x->id + 8, y->id + 8, n - 8)) != 0)
		return c;
	return x->n < y->n ? -1 : x->n > y->n;
}

/*
 * Look up the n references of v, sorted first, in the order of the key's index; add the ids
 * the store lacks to missing[]. 0, 1 when missing[] is full, or an EX_* code.
 */
static int ref_lookup_sorted(struct ingest *in, struct pref *v, size_t n)
{
	size_t i;

	ck_sort(v, n, sizeof(*v), pref_cmp);
	for (i = 0; i < n; i++) {
		struct store_stmt *s = v[i].t ? in->ref_listings : in->ref_sellers;
		int rc;

		if (i && pref_cmp(&v[i - 1], &v[i]) == 0)
			continue;
		store_bind_textn(s, 1, v[i].id, v[i].n);
		rc = store_step(s);
		store_reset(s);
		if (rc != STORE_ROW && rc != STORE_DONE)
			return rc;
		if (rc == STORE_DONE &&
			!ref_add(&in->rp.missing[v[i].t], v[i].id, v[i].n,
				ck_fnv1a(v[i].id, v[i].n)))
			return 1;
	}
	return 0;
}

/*
 * The sorted pass (ref_judge()): read f again from the writer's next record (f->read) to the
 * end, converted by a pipeline of its own as the load converts it, and look up the references
 * that the known sets do not hold, sorted a chunk at a time, so that the key's index is read
 * in its order. The ids the store lacks, REF_MAX of them at most, are kept (missing[]): from
 * then on the writer looks there, not in the store. What the writer checks must be what the
 * pass read: the count and a hash of the references are compared at the file's end
 * (ref_pass_end()). 0, also when the pass was given up (too many ids missing: the writer asks
 * the store as before), or an EX_* code.
 */
static int ref_pass(struct ingest *in, struct file *f)
{
	struct refpass *p = &in->rp;
	struct file g = *f; /* f, read again */
	struct csvio_rec *rec;
	struct pipeline pipe;
	struct obatch *ob;
	struct pref *v = xmalloc(REF_CHUNK * sizeof(*v));
	char *arena = xmalloc(REF_CHUNK_BYTES);
	uint64_t skip = f->read, rows = 0;
	size_t seq, i, j, nv = 0, used = 0;
	int rc, more = 1;
	struct progress *pg = NULL;

	p->state = RP_OFF;
	g.co.quiet = 1; /* a break is the load's to tell, when it reaches it */
	if ((rc = csvio_open(&g.r, f->path, &g.co)))
		goto out;
	if ((rc = csvio_next(g.r, &rec)) != 1) /* the header, read before */
		goto out;
	rc = 0;
	if (progress_shown()) {
		char *label = xasprintf("%s, its references again", f->path);

		pg = progress_start(label, csvio_file_size(g.r));
		free(label);
	}
	pipeline_start(&pipe, in, &g, 1);
	for (seq = 0; more && !rc && pipeline_next(&pipe, seq, &ob); seq++) {
		for (i = 0; i < ob->nrows && !rc; i++) {
			const struct orow *r = &ob->rows[i];

			if (skip) {
				skip--;
				continue;
			}
			for (j = 0; j < r->nref && !rc; j++) {
				const struct oref *x = &ob->refs[r->ref0 + j];
				const char *table = f->k->f[x->field].ref,
					   *id = ob->bytes.s + x->v.off;
				struct pref *e;
				unsigned char h[8] = { 0 };
				size_t k, n = x->v.n;

				if (x->known)
					continue;
				ref_count(&p->n, &p->h, table, id, n);
				if (nv == REF_CHUNK || used + n > REF_CHUNK_BYTES) {
					rc = ref_lookup_sorted(in, v, nv);
					nv = used = 0;
					if (!rc && n > REF_CHUNK_BYTES)
						rc = 1; /* no chunk holds it: given up */
					if (rc)
						break;
				}
				e = &v[nv++];
				e->id = memcpy(arena + used, id, n);
				used += n;
				e->n = (uint32_t)n;
				e->t = strcmp(table, "sellers") != 0;
				memcpy(h, id, n < 8 ? n : 8);
				for (e->head = 0, k = 0; k < 8; k++)
					e->head = e->head << 8 | h[k];
			}
		}
		/* the input broke: given up, and the load says where when it gets there */
		if (!rc && (more = csvio_batch_rc(ob->in)) != 1 && more)
			rc = 1;
		rows += ob->nrows;
		progress_update(pg, csvio_batch_bytes(ob->in), rows);
		pipeline_done(&pipe, ob);
	}
	pipeline_end(&pipe);
	if (!rc)
		rc = ref_lookup_sorted(in, v, nv);
	if (rc == 0)
		p->state = RP_ON;
	else if (rc == 1) /* given up: the writer asks the store as before */
		rc = 0;
out:
	if (p->state != RP_ON) {
		ref_free(&p->missing[0]);
		ref_free(&p->missing[1]);
	}
	progress_end(pg);
	csvio_close(g.r);
	free(v);
	free(arena);
	return rc;
}

/*
 * After the rows of f: 0 when the writer checked the references the sorted pass read, or an
 * error: the file changed between the two reads.
 */
static int ref_pass_end(struct ingest *in, const struct file *f)
{
	struct refpass *p = &in->rp;
	int on = p->state == RP_ON;

	p->state = RP_OFF;
	ref_free(&p->missing[0]);
	ref_free(&p->missing[1]);
	if (on && (p->n != p->seen_n || p->h != p->seen_h))
		return ck_error(EX_IOERR, "'%s' changed while it was read: nothing loaded from it",
			f->path);
	return 0;
}

/*
 * Write the rows of a file whose header has been read, in order: 0 at its end, or an EX_*
 * code when the input broke (csvio said why) or the store failed.
 */
static int load_rows(struct ingest *in, struct file *f)
{
	struct pipeline p;
	struct progress *pg = progress_start(f->path, csvio_file_size(f->r));
	struct obatch *ob;
	size_t seq, i;
	int rc = 0, err, more = 1;
	size_t ki = (size_t)(f->k - kinds);
	char *sql;

	in->max_rowid = 0;
	if (in->insn[ki]) {
		/* Rows are counted as new by their rowids: a table without them is written a row at a time. */
		sql = xasprintf("SELECT 1 FROM sqlite_master WHERE name = '%s' AND sql LIKE "
				"'%%WITHOUT ROWID%%'",
			f->k->kind);
		if (store_has_rows(in->st, sql)) {
			store_done(in->insn[ki]);
			in->insn[ki] = NULL;
		}
		free(sql);
	}
	if (in->insn[ki]) {
		struct store_stmt *m;

		sql = xasprintf("SELECT max(rowid) FROM %s", f->k->kind);
		m = store_prepare(in->st, sql);
		free(sql);
		if (!m)
			return EX_SOFTWARE;
		if ((rc = store_step(m)) == STORE_ROW)
			in->max_rowid = store_col_int(m, 0), rc = 0;
		store_done(m);
		if (rc)
			return rc;
	}
	ref_pass_start(in, f);
	pipeline_start(&p, in, f, 0);
	for (seq = 0; more && !rc && pipeline_next(&p, seq, &ob); seq++) {
		if (in->load[ki] && ob->nrefs)
			rc = ref_prefetch(in, f, ob);
		if (in->rp.state == RP_WANT)
			rc = ref_pass(in, f);
		for (i = 0; i < ob->nrows && !rc; i++)
			rc = write_row(in, f, ob, &ob->rows[i]);
		/* before the batch goes back: the rows waiting point into it */
		if (!rc)
			rc = flush_rows(in, f);
		if (!rc)
			rc = flush_idents(in, f);
		if (!rc)
			rc = store_load_flush(in->load[ki], &f->replaced, 0);
		if (!rc)
			rc = store_load_flush(in->loadn[ki], NULL, 0);
		if (!rc)
			rc = store_load_flush(in->load_idents, NULL, 0);
		/* a server's bulk load of the rows is open on the connection till the end */
		if (!rc && !in->load[ki] && seq % 64 == 63)
			rc = save_marks(in, f, 0);
		in->npend = in->nprow = 0;
		if (!rc && (more = csvio_batch_rc(ob->in)) != 1)
			rc = more; /* 0 at the end, else the input broke */
		progress_update(pg, csvio_batch_bytes(ob->in), f->read);
		pipeline_done(&p, ob);
	}
	pipeline_end(&p);
	if (!rc)
		rc = store_load_flush(in->load[ki], &f->replaced, 1);
	if (!rc)
		rc = store_load_flush(in->loadn[ki], NULL, 1);
	if (!rc)
		rc = store_load_flush(in->load_idents, NULL, 1);
	if ((err = ref_pass_end(in, f)) && !rc)
		rc = err;
	progress_end(pg);
	return rc;
}

/* Load one file in one transaction. */
static int load_file(struct ingest *in, const char *path, const char *kind)
{
	struct file f;
	struct csvio_rec *rec;
	struct buf reindex = { 0 };
	struct store_stmt *s;
	int64_t first_ident = 0;
	char now[21];
	int rc, in_tx = 0, made_idents, all_rejected;
	size_t nsaved, i;
	uint64_t *saved = iq_save(in, &nsaved);

	stats_tally_reset(in->tally);
	memset(&f, 0, sizeof(f));
	f.path = path;
	f.k = kspec_of(kind);
	f.pk = profile_kind(in->prof, kind);
	f.instr_col = -1;
	f.co.delim = in->o->delim ? in->o->delim : in->prof->delim;
	f.co.encoding = in->o->encoding ? in->o->encoding : in->prof->encoding;
	if ((rc = csvio_open(&f.r, path, &f.co)) || (rc = prep_kind(in, f.k)))
		goto out;
	if (!in->o->dry_run)
		csvio_keep_marks(f.r, INGEST_MARK_SPAN);
	if ((rc = store_begin(in->st)))
		goto out;
	in_tx = 1;
	if ((rc = notes_load(in)))
		goto out;
	s = in->ins_source;
	ck_now_iso(now);
	store_bind_text(s, 1, path);
	store_bind_text(s, 2, kind);
	store_bind_text(s, 3, in->prof->name);
	store_bind_text(s, 4, f.co.encoding ? f.co.encoding : "UTF-8");
	store_bind_text(s, 5, now);
	if ((rc = step_done(s)))
		goto out;
	f.source_id = store_last_rowid(in->st);
	made_idents = f.k->ids[0].field || (f.pk && f.pk->nidents);
	if (made_idents) {
		struct store_stmt *m =
			store_prepare(in->st, "SELECT max(ident_id) FROM identifiers");

		if (!m) {
			rc = EX_SOFTWARE;
			goto out;
		}
		if (store_step(m) == STORE_ROW)
			first_ident = store_col_int(m, 0);
		store_done(m);
	}
	ref_free(&in->written);
	/*
	 * About an identifier for every 64 bytes: logins make two of a 140-byte line. A server
	 * (bulk loads) keeps its indexes: its page cache is not ours to count on. The
	 * identifiers' indexes, once gone, stay gone till the run's last file (build_indexes()).
	 */
	if ((rc = drop_indexes_if_empty(in, kind, &reindex, &in->fresh, 0)) ||
		(made_idents &&
			(rc = drop_indexes_if_empty(in, "identifiers",
				 in->o->dry_run ? &reindex : &in->ident_reindex, NULL,
				 !in->load_idents &&
					 (uint64_t)first_ident <= csvio_file_size(f.r) / 64))))
		goto out;
	rc = csvio_next(f.r, &rec);
	if (rc == 0) {
		rc = ck_error(EX_DATAERR, "'%s' is empty: %s %s file needs a header line", path,
			ck_article(kind), kind);
		goto out;
	}
	if (rc > 1 || (rc = map_header(in, &f, rec)))
		goto out;
	for (i = 0; f.k->f[i].name; i++)
		if (f.k->f[i].ref && (rc = ref_preload(in, &f, f.k->f[i].ref)))
			goto out;
	rc = load_rows(in, &f);
	/* the workers are done: what the writer found goes where they look */
	ref_merge(&in->known_sellers, &in->later_sellers);
	ref_merge(&in->known_listings, &in->later_listings);
	if (strcmp(kind, "sellers") != 0) /* only sellers keep theirs, for the files after */
		ref_free(&in->written);
	if (rc || (rc = notes_save(in)))
		goto out;
	/* before the identifiers of rows written over go, and the sources replaced */
	if ((f.replaced && in->old[f.k - kinds] &&
		    (rc = stats_tally_replaced(in->tally, in->st, kind))) ||
		(rc = stats_tally_write(in->st, in->tally)))
		goto out;
	if (f.replaced && in->old[f.k - kinds]) {
		store_bind_text(in->del_replaced, 1, f.k->holder_kind);
		if ((rc = step_done(in->del_replaced)) || (rc = step_done(in->clear_replaced)))
			goto out;
	}
	/* A file loaded before (same SHA-256) is skipped, unless --replace; -n checks it. */
	s = in->dup_source;
	store_bind_text(s, 1, csvio_sha256(f.r));
	store_bind_int(s, 2, f.source_id);
	if (store_step(s) == STORE_ROW && !in->o->replace) {
		if (!ck.quiet)
			fprintf(stderr,
				"casekit ingest: '%s': already ingested as source %lld ('%s', "
				"same SHA-256): %s\n",
				path, (long long)store_col_int(s, 0), store_col_text(s, 1),
				in->o->dry_run ? "a load would skip it; checked anyway"
					       : "skipped (--replace loads it again)");
		store_reset(s);
		if (!in->o->dry_run) {
			rc = store_exec(in->st, "ROLLBACK");
			in_tx = 0;
			goto out;
		}
	}
	store_reset(s);
	if (in->o->replace && (rc = replace_sources(in, &f, csvio_sha256(f.r))))
		goto out;
	if (reindex.len && (rc = store_exec_indexes(in->st, reindex.s)))
		goto out;
	if (made_idents && f.kept && (rc = hubs_pending(in, first_ident, f.replaced)))
		goto out;
	s = in->upd_source;
	store_bind_text(s, 1, csvio_sha256(f.r));
	store_bind_int(s, 2, (int64_t)csvio_bytes_read(f.r));
	store_bind_int(s, 3, (int64_t)f.read);
	store_bind_int(s, 4, (int64_t)f.kept);
	store_bind_int(s, 5, (int64_t)f.rejected);
	store_bind_int(s, 6, f.source_id);
	if ((rc = step_done(s)) || (rc = save_marks(in, &f, 1)))
		goto out;
	all_rejected = f.read > 0 && f.kept == 0;
	if ((rc = report(
		     in, &f, !in->o->dry_run && !(in->o->strict && f.rejected) && !all_rejected)))
		goto out;
	if (in->o->strict && f.rejected) {
		rc = ck_error(EX_DATAERR, "'%s': %s rejected and --strict: nothing loaded", path,
			ck_count((long long)f.rejected, "row", "rows"));
		goto out;
	}
	if (all_rejected) {
		/* Nothing to keep: a profile or a file that does not fit, not a few bad rows. */
		rc = ck_error(EX_DATAERR, "'%s': all %llu rows rejected: nothing %s", path,
			(unsigned long long)f.read, in->o->dry_run ? "would load" : "loaded");
		goto out;
	}
	if (in->o->dry_run) {
		rc = store_exec(in->st, "ROLLBACK");
		in_tx = 0;
		f.counted = 1;
		goto out;
	}
	if ((rc = store_commit(in->st)))
		goto out;
	in_tx = 0;
	f.counted = 1;
	if (strcmp(kind, "sellers") == 0) /* the listings after them need not ask for them */
		ref_merge(&in->known_sellers, &in->written);
	in->loaded += f.kept > 0;
	if (f.rejected)
		ck_warn("'%s': %llu of %s rejected; the rest were loaded", path,
			(unsigned long long)f.rejected, ck_count((long long)f.read, "row", "rows"));
out:
	if (in_tx)
		store_rollback(in->st);
	/* A file that did not land (failed, or skipped as loaded before) counts for nothing. */
	if (rc || !f.counted)
		iq_restore(in, saved, nsaved);
	free(saved);
	file_free(&f);
	buf_free(&reindex);
	ref_free(&in->written);
	free(in->seen);
	in->seen = NULL;
	in->fresh = 0;
	return rc;
}

/*
 * Read a file's header and map it as loading would, and nothing more, so that a file that
 * cannot be read or a profile that names a column a file lacks fails the run before any file
 * is loaded. An empty file is left to load_file(), which says so in its turn.
 */
static int check_header(struct ingest *in, const char *path, const char *kind)
{
	struct file f;
	struct csvio_opts co = { 0 };
	struct csvio_rec *rec;
	int rc;

	memset(&f, 0, sizeof(f));
	f.path = path;
	f.k = kspec_of(kind);
	f.pk = profile_kind(in->prof, kind);
	f.instr_col = -1;
	co.delim = in->o->delim ? in->o->delim : in->prof->delim;
	co.encoding = in->o->encoding ? in->o->encoding : in->prof->encoding;
	if (!(rc = csvio_open(&f.r, path, &co)) && (rc = csvio_next(f.r, &rec)) == 1)
		rc = map_header(in, &f, rec);
	file_free(&f);
	return rc;
}

/* The kind of a file: -k, else the profile's file names. */
static const char *kind_of(struct ingest *in, const char *path)
{
	const char *base = strrchr(path, '/');

	if (in->o->kind)
		return in->o->kind;
	return profile_kind_of(in->prof, base ? base + 1 : path);
}

struct job {
	char *path;
	const char *kind;
	int order;
	size_t seq;
};

static int job_cmp(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	if (x->order != y->order)
		return x->order - y->order;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void add_job(struct job **jobs, size_t *n, const char *path, const char *kind)
{
	size_t i;

	for (i = 0; i < NKINDS && strcmp(kinds[i].kind, kind); i++)
		;
	*jobs = xrealloc(*jobs, (*n + 1) * sizeof(**jobs));
	(*jobs)[*n].path = xstrdup(path);
	(*jobs)[*n].kind = kinds[i].kind;
	(*jobs)[*n].order = (int)i;
	(*jobs)[*n].seq = *n;
	(*n)++;
}

/* Every file of a folder whose name says its kind; the others are named and left. */
static int add_dir(struct ingest *in, struct job **jobs, size_t *n, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, *store_real = realpath(store_path(in->st), NULL);
	size_t nn = 0, i, sl = store_real ? strlen(store_real) : 0;
	struct stat sb;

	if (!d)
		return ck_error(EX_NOINPUT, "cannot open '%s': %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		names = xrealloc(names, (nn + 1) * sizeof(*names));
		names[nn++] = ck_path_join(dir, e->d_name);
	}
	closedir(d);
	ck_sort(names, nn, sizeof(*names), name_cmp);
	for (i = 0; i < nn; i++) {
		const char *kind;
		char *real = realpath(names[i], NULL);
		/* The store itself (and its -wal and -shm files) may sit beside the dumps. */
		int ours = real && store_real && strncmp(real, store_real, sl) == 0 &&
			(real[sl] == '\0' || real[sl] == '-');

		free(real);
		if (!ours && stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode)) {
			kind = profile_kind_of(in->prof, strrchr(names[i], '/') + 1);
			if (kind && (!in->o->kind || strcmp(kind, in->o->kind) == 0))
				add_job(jobs, n, names[i], kind);
			else if (kind)
				ck_info("'%s' holds %s, not %s: not loaded", names[i], kind,
					in->o->kind);
			else
				ck_warn("'%s': its name says no kind (profile %s): not loaded",
					names[i], in->prof->name);
		}
		free(names[i]);
	}
	free(names);
	free(store_real);
	return 0;
}

/*
 * Indexes that loading does not need, built once the rows are in. Under the write lock: two
 * ingests at once would both make an index, and a server refuses the second one's.
 */
static int build_indexes(struct ingest *in)
{
	int rc;

	if ((rc = store_begin(in->st)))
		return rc;
	/* as they were (ours, or another applet's), then any of ours an earlier run left out */
	if (in->ident_reindex.len && (rc = store_exec_indexes(in->st, in->ident_reindex.s))) {
		store_rollback(in->st);
		return rc;
	}
	rc = store_exec_indexes(in->st,
		"CREATE INDEX IF NOT EXISTS identifiers_kind_value ON identifiers(kind, value);\n"
		"CREATE INDEX IF NOT EXISTS identifiers_holder ON identifiers(holder_kind, "
		"holder_id);\n"
		"CREATE INDEX IF NOT EXISTS listings_seller ON listings(seller_id);\n"
		"CREATE INDEX IF NOT EXISTS orders_listing ON orders(listing_id);\n"
		"CREATE INDEX IF NOT EXISTS orders_seller ON orders(seller_id);\n"
		/* trace: who bought from a seller, what a party shipped, which sellers are flagged */
		"CREATE INDEX IF NOT EXISTS orders_buyer ON orders(buyer_id);\n"
		"CREATE INDEX IF NOT EXISTS logins_seller ON logins(seller_id);\n"
		"CREATE INDEX IF NOT EXISTS payments_seller ON payments(seller_id);\n"
		/* The other holders of a case's instrument (export's "also used by"), index only. */
		"CREATE INDEX IF NOT EXISTS payments_instrument ON payments(instrument_hash, "
		"seller_id);\n"
		"CREATE INDEX IF NOT EXISTS shipments_from_to ON shipments(from_id, to_id, quantity);\n"
		"DROP INDEX IF EXISTS shipments_from;\n"
		/* only the listings that scored: trace asks for --min-score 1 or more, and most
		 * listings score 0 (three in four of synth's) */
		"CREATE INDEX IF NOT EXISTS scores_score ON scores(score, seller_id) WHERE score > 0;\n"
		"CREATE INDEX IF NOT EXISTS shipments_to ON shipments(to_id);\n"
		"CREATE INDEX IF NOT EXISTS testbuys_listing ON testbuys(listing_id);\n"
		"CREATE INDEX IF NOT EXISTS takedowns_listing ON takedowns(listing_id);\n"
		"CREATE INDEX IF NOT EXISTS rejects_source ON rejects(source_id);\n");
	if (!rc)
		rc = finish_hubs(in);
	if (rc) {
		store_rollback(in->st);
		return rc;
	}
	return store_commit(in->st);
}

/* 1 if path is the file that sb describes. */
static int same_file(const char *path, const struct stat *sb)
{
	struct stat ib;

	return stat(path, &ib) == 0 && ib.st_dev == sb->st_dev && ib.st_ino == sb->st_ino;
}

/*
 * Open a temporary file beside --reject-file, to be renamed over it at the end: never an input
 * or the store (64), never through a symbolic link (73). 0 with in->rejf and *tmp set.
 */
static int open_reject_file(struct ingest *in, const struct job *jobs, size_t njobs, char **tmp)
{
	const char *path = in->o->reject_file, *slash = strrchr(path, '/');
	struct stat sb;
	mode_t mask;
	size_t i;
	int fd;

	if (lstat(path, &sb) == 0) {
		if (S_ISLNK(sb.st_mode))
			return ck_error(EX_CANTCREAT,
				"'%s' is a symbolic link: a reject file is not written through one",
				path);
		for (i = 0; i < njobs; i++)
			if (strcmp(jobs[i].path, "-") && same_file(jobs[i].path, &sb))
				return ck_error(EX_USAGE,
					"--reject-file '%s' is an input: it would be overwritten",
					path);
		if (same_file(store_path(in->st), &sb))
			return ck_error(EX_USAGE,
				"--reject-file '%s' is the store: it would be overwritten", path);
	}
	if (slash)
		*tmp = xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		*tmp = xasprintf(".%s.XXXXXX", path);
	if ((fd = mkstemp(*tmp)) < 0) {
		int e = errno;

		free(*tmp);
		*tmp = NULL;
		return ck_error(EX_CANTCREAT, "cannot create '%s': %s", path, strerror(e));
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || !(in->rejf = fdopen(fd, "w"))) {
		int e = errno;

		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
		return ck_error(EX_CANTCREAT, "cannot create '%s': %s", path, strerror(e));
	}
	return 0;
}

/* The run's default country: --country, else the profile's, else the store's. */
static int default_country(struct ingest *in)
{
	char *meta = NULL;
	const char *cc = in->o->country;
	int rc = 0;

	if (!cc)
		cc = in->prof->country;
	if (!cc)
		cc = meta = store_meta_get(in->st, "country");
	/* The profile's is checked as it is read; the store's was checked by init. */
	if (cc && profile_country(cc, in->country))
		rc = ck_error(EX_CONFIG, "'%s' is not an ISO 3166-1 alpha-2 country code", cc);
	free(meta);
	return rc;
}

int ingest_run(struct store *st, const struct ingest_opts *o, int npaths, char **paths)
{
	char *rej_tmp = NULL;
	struct ingest in;
	struct job *jobs = NULL;
	size_t njobs = 0, i;
	struct stat sb;
	int rc = 0, rc2, k;

	memset(&in, 0, sizeof(in));
	in.st = st;
	in.o = o;
	in.hubs_from = -1;
	if (o->kind && !kspec_of(o->kind))
		return ck_error(EX_USAGE, "'%s' is not a kind", o->kind);
	if ((rc = profile_load(&in.prof, o->profile ? o->profile : "generic")))
		return rc;
	if ((rc = default_country(&in)))
		goto done;
	for (k = 0; k < npaths && !rc; k++) {
		const char *kind;

		if (strcmp(paths[k], "-") == 0) {
			if (!o->kind)
				rc = ck_error(EX_USAGE, "stdin needs its kind: give -k KIND");
			else
				add_job(&jobs, &njobs, "-", o->kind);
		} else if (stat(paths[k], &sb) != 0) {
			rc = ck_error(
				EX_NOINPUT, "cannot open '%s': %s", paths[k], strerror(errno));
		} else if (S_ISDIR(sb.st_mode)) {
			rc = add_dir(&in, &jobs, &njobs, paths[k]);
		} else if (!(kind = kind_of(&in, paths[k]))) {
			rc = ck_error(EX_USAGE,
				"cannot tell the kind of '%s' from its name: give -k KIND "
				"or name it KIND.csv",
				paths[k]);
		} else {
			add_job(&jobs, &njobs, paths[k], kind);
		}
	}
	if (!rc && njobs)
		ck_sort(jobs, njobs, sizeof(*jobs), job_cmp);
	for (i = 0; !rc && i < njobs; i++)
		if (strcmp(jobs[i].path, "-") != 0)
			rc = check_header(&in, jobs[i].path, jobs[i].kind);
	if (!rc && o->reject_file)
		rc = open_reject_file(&in, jobs, njobs, &rej_tmp);
	if (in.rejf) {
		static const char *const rcols[] = { "file", "line", "reason", "raw" };

		in.rejo = out_open(in.rejf, OUT_CSV, rcols, 4);
		out_set_guard(in.rejo); /* the rows are the sellers' text, opened in spreadsheets */
	}
	if (!rc && njobs == 0)
		ck_warn("no files to load");
	if (!rc && njobs) {
		ck_sort(jobs, njobs, sizeof(*jobs), job_cmp);
		/*
		 * WAL with synchronous=NORMAL keeps every committed file through a crash of
		 * casekit; a 32 MB page cache keeps memory bounded whatever the input size
		 * (index builds sort in runs of a few MiB: store_exec_indexes()).
		 */
		rc = store_exec(st, "PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768");
		/*
		 * Only payments need the payment key, which is kept apart from the store; a load
		 * with payments but no key is refused before any file is read, not half done.
		 */
		for (i = 0; !rc && i < njobs && !in.have_key; i++)
			if (strcmp(jobs[i].kind, "payments") == 0 &&
				!(rc = store_payment_key(st, in.key)))
				in.have_key = 1;
		if (!rc && !o->dry_run)
			store_bulk(st, 1);
		if (!rc)
			rc = prep_all(&in);
	}
	for (i = 0; !rc && i < njobs; i++)
		rc = load_file(&in, jobs[i].path, jobs[i].kind);
	/* the index builds take as much memory again as the sets: they go first */
	ref_free(&in.known_sellers);
	ref_free(&in.known_listings);
	ref_free(&in.later_sellers);
	ref_free(&in.later_listings);
	/*
	 * Always, not only after a load: an ingest killed between its last file and its indexes
	 * leaves them missing, and a rerun loads nothing (every file already in) but must still
	 * build them. A failed file keeps its exit status; the files before it are in. Not when
	 * the store was busy: the lock that stopped the file would stop the build too, after
	 * another wait and a second message.
	 */
	if (!o->dry_run && rc != EX_TEMPFAIL && (rc2 = build_indexes(&in)) && !rc)
		rc = rc2;
	if (njobs && !o->dry_run)
		store_bulk(st, 0);
	if (!rc && njobs)
		iq_report(&in);
	if (!rc && o->dry_run && njobs)
		ck_warn("dry run: nothing was written to the store");
	if (in.rejo && out_close(in.rejo) && !rc)
		rc = ck_error(EX_IOERR, "cannot write '%s'", o->reject_file);
	if (in.rejf && fclose(in.rejf) != 0 && !rc)
		rc = ck_error(EX_IOERR, "cannot write '%s': %s", o->reject_file, strerror(errno));
	if (rej_tmp) {
		/* The reject file appears whole, in place of any old one. */
		if (rc == EX_IOERR || rename(rej_tmp, o->reject_file) != 0) {
			if (!rc)
				rc = ck_error(EX_CANTCREAT, "cannot create '%s': %s",
					o->reject_file, strerror(errno));
			unlink(rej_tmp);
		}
		free(rej_tmp);
	}
done:
	for (i = 0; i < in.niq; i++)
		free(in.iq[i].kind);
	free(in.iq);
	for (i = 0; i < in.nhubs; i++)
		free(in.hubs[i]);
	free(in.hubs);
	stats_tally_free(in.tally);
	buf_free(&in.ident_reindex);
	ck_names_free(&in.notes);
	free(in.note_ids);
	buf_free(&in.notebuf);
	finalize_all(&in);
	free(in.pend);
	free(in.prow);
	ref_free(&in.known_sellers);
	ref_free(&in.known_listings);
	ref_free(&in.later_sellers);
	ref_free(&in.later_listings);
	OPENSSL_cleanse(in.key, sizeof(in.key));
	profile_free(in.prof);
	for (i = 0; i < njobs; i++)
		free(jobs[i].path);
	free(jobs);
	return rc;
}

/* ---- rows without a store ---- */

struct ingest_rows {
	struct ingest in;
	struct ingest_opts o;
	struct file f;
	struct row w;
	int have_row;
	struct csvio_rec *rec;
};

int ingest_rows_open(struct ingest_rows **out, const struct ingest_opts *o, const char *path)
{
	struct ingest_rows *r;
	struct csvio_opts co = { 0 };
	struct csvio_rec *h;
	size_t i;
	int rc;

	*out = NULL;
	r = xcalloc(1, sizeof(*r));
	r->o = *o;
	r->in.o = &r->o;
	r->f.path = path;
	r->f.instr_col = -1;
	if (!o->kind || !(r->f.k = kspec_of(o->kind))) {
		rc = ck_error(EX_USAGE, "'%s' is not a kind", o->kind ? o->kind : "");
		goto fail;
	}
	for (i = 0; r->f.k->f[i].name; i++)
		if (r->f.k->f[i].type == T_INSTR) {
			rc = ck_error(EX_USAGE,
				"%s rows need the store's key: load them with ingest", o->kind);
			goto fail;
		}
	if ((rc = profile_load(&r->in.prof, o->profile ? o->profile : "generic")))
		goto fail;
	r->f.pk = profile_kind(r->in.prof, o->kind);
	co.delim = o->delim ? o->delim : r->in.prof->delim;
	co.encoding = o->encoding ? o->encoding : r->in.prof->encoding;
	if ((rc = csvio_open(&r->f.r, path, &co)))
		goto fail;
	rc = csvio_next(r->f.r, &h);
	if (rc == 0)
		rc = ck_error(EX_DATAERR, "'%s' is empty: %s %s file needs a header line", path,
			ck_article(o->kind), o->kind);
	if (rc != 1 || (rc = map_header(&r->in, &r->f, h)))
		goto fail;
	row_init(&r->w, &r->f);
	r->have_row = 1;
	*out = r;
	return 0;
fail:
	ingest_rows_close(r);
	return rc;
}

int ingest_rows_next(struct ingest_rows *r)
{
	int rc = csvio_next(r->f.r, &r->rec);

	if (rc != 1)
		return rc;
	r->f.read++;
	if (convert_row(&r->in, &r->f, &r->w, r->rec)) {
		r->f.rejected++;
		return INGEST_REJECTED;
	}
	return INGEST_ROW;
}

int ingest_rows_field(const struct ingest_rows *r, const char *name)
{
	int i;

	for (i = 0; r->f.k->f[i].name; i++)
		if (strcmp(r->f.k->f[i].name, name) == 0)
			return i;
	return -1;
}

const char *ingest_rows_text(const struct ingest_rows *r, int field)
{
	return field < 0 ? NULL : r->w.v[field];
}

int ingest_rows_num(const struct ingest_rows *r, int field, int64_t *v)
{
	if (field < 0 || !r->w.v[field] ||
		(r->f.k->f[field].type != T_INT && r->f.k->f[field].type != T_MONEY))
		return 0;
	*v = r->w.num[field];
	return 1;
}

unsigned long ingest_rows_line(const struct ingest_rows *r)
{
	return r->rec ? r->rec->line : 0;
}

const char *ingest_rows_reason(const struct ingest_rows *r)
{
	return r->w.reason.s ? r->w.reason.s : "";
}

uint64_t ingest_rows_read(const struct ingest_rows *r)
{
	return r->f.read;
}

uint64_t ingest_rows_rejected(const struct ingest_rows *r)
{
	return r->f.rejected;
}

void ingest_rows_close(struct ingest_rows *r)
{
	if (!r)
		return;
	file_free(&r->f);
	if (r->have_row)
		row_free(&r->w);
	profile_free(r->in.prof);
	free(r);
}
