/* report.h - the files of a case package: CSV tables, DOT graph, HTML report, JSON-LD */
#ifndef CASEKIT_REPORT_H
#define CASEKIT_REPORT_H
#include <stddef.h>
#include <stdio.h>

struct store;

/* A file already made for the package, as the JSON-LD and the report cite it. */
struct report_file {
	const char *path; /* "data/tables/accounts.csv" */
	char sha256[65];
	size_t size;
	const char *mime;
};

/* What every part of a package shares; case_gather() must have run on the store. */
struct report_ctx {
	struct store *st;
	const char *case_id, *title, *status, *opened_at;
	const char *when;     /* the export time: that of its custody entry */
	long long export_seq; /* the export's custody entry, written before the package */
	char export_hash[65];
	const char *analyst;   /* who exports */
	const char *recipient; /* the receiving unit, or NULL */
	const char *org;       /* Source-Organization */
	int redact;            /* buyers pseudonymised */
	char store_digest[65];
	const struct report_file *files; /* the payload files made before the report */
	size_t nfiles;
	char evidence_digest[65]; /* SHA-256 over "hash  path" lines of those files */
};

/* One section of the case (case_section_sql()) as CSV with a header row. 0 or EX_*. */
int report_csv(struct report_ctx *c, const char *section, FILE *fp);
/* The identifiers of the case's sellers and parties as CSV (payments are masked). */
int report_identifiers_csv(struct report_ctx *c, FILE *fp);
/* The network: sellers joined by link evidence, parties shipping to them (Graphviz DOT). */
int report_dot(struct report_ctx *c, FILE *fp);
/* The custody log of the case as text, one entry a line, export entries left out. */
int report_custody(struct report_ctx *c, FILE *fp);
/*
 * Give every source of the store its name in the package, "data/sources/NAME.csv": a TEMP
 * table sources shadows the store's for the rest of the connection, with path holding that
 * name, so every source reference the package gives (the tables' file columns, the report,
 * the JSON-LD) resolves inside it and none names the analyst's disk. Call before
 * case_gather(); the store digest reads the same ids, hashes and counts. 0 or EX_*.
 */
int report_sources_begin(struct report_ctx *c);
/*
 * The cited source rows (after case_gather()): for each source a row of the package cites,
 * data/sources/NAME.csv with a first column line (the row's line in the source file) and the
 * source's header, holding the header and every cited row, read again from the file: only the
 * spans of it that hold them when ingest marked it (source_marks), each of which must still
 * have the SHA-256 it was ingested with, else the whole file, which must; then data/sources/SOURCES.txt naming each
 * source with its size, SHA-256 and rows cited. Payment instruments are masked, buyers'
 * columns pseudonymised as in the tables. add takes each file over (malloc'd data). A source
 * missing or changed since ingest is warned about and said so in SOURCES.txt. 0 or EX_*.
 */
int report_sources(struct report_ctx *c,
	void (*add)(void *arg, const char *path, char *data, size_t len), void *arg);
/* The self-contained HTML report; dot is the network in DOT (drawn as SVG with libgvc). */
int report_html(struct report_ctx *c, const char *dot, FILE *fp);
/* The CASE/UCO 1.4 JSON-LD description of the case. */
int report_jsonld(struct report_ctx *c, FILE *fp);
#endif
