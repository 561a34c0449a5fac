/* export.h - a case package for police referral: its files, its seals and its archive */
#ifndef CASEKIT_EXPORT_H
#define CASEKIT_EXPORT_H
#include <stddef.h>

struct store;
struct bag_writer;
struct report_ctx;

/* The case as its row in the store gives it (malloc'd strings; export_case_free()). */
struct export_case {
	char *title, *status, *opened_at;
};

/* Read case id's row; 0, or EX_NOINPUT after one message when there is no such case. */
int export_case_read(struct store *st, const char *id, struct export_case *r);
void export_case_free(struct export_case *r);
/* The entries of case id's custody log, this export's included once it is written. */
int export_custody_count(struct store *st, const char *id);

/*
 * Every payload file of the package into w, in the order each cites the ones before: the CSV
 * tables, identifiers, the network in DOT, the custody log, the cited source rows, then the
 * HTML report and the JSON-LD. Sets c->files, c->nfiles (owned by c: free(c->files)) and
 * c->evidence_digest. 0, or an EX_* code after a message.
 */
int export_payload(struct report_ctx *c, struct bag_writer *w);

/* Who sends the package and how it is sealed, for its tag files. */
struct export_seal {
	const char *contact_name, *contact_email; /* email may be NULL */
	const char *fingerprint;                  /* of the signing key, or NULL: unsigned */
	int custody_entries;
};
/*
 * The tag files around the payload: bagit.txt, bag-info.txt, the payload manifests,
 * certification.txt (which names the payload manifest's SHA-256), then the tag manifests.
 * Only signature.txt may be added after.
 */
void export_seal(struct report_ctx *c, struct bag_writer *w, const struct export_seal *s);

/* The folder inside the archive: out's stem ("p" for "dir/p.tar.gz"), else the case id. */
char *export_top_folder(const char *out, const char *case_id);
/* An ISO 8601 UTC time ("2026-01-01T00:00:00Z") as epoch seconds; -1 when it is not one. */
long long export_epoch(const char *iso);
/*
 * Write w as a deterministic tar.gz at out, which must not exist: a temporary file beside it
 * is synced, then linked into place, so that a failure leaves nothing and nothing is ever
 * replaced. sha gets the archive's SHA-256. 0, or EX_CANTCREAT / EX_IOERR after a message.
 */
int export_write_archive(
	struct bag_writer *w, const char *top, const char *out, long long mtime, char sha[65]);
#endif
