/* bag.h - BagIt (RFC 8493) bags: verify a bag directory or a tar.gz, and write one */
#ifndef CASEKIT_BAG_H
#define CASEKIT_BAG_H
#include <stddef.h>
#include <stdio.h>

/* Where verify's findings go: problems make a bag invalid, warnings do not. */
struct bag_report {
	FILE *problems;     /* one line per problem (stdout for the applet) */
	int quiet;          /* no warnings */
	const char *pubkey; /* check signature.txt with this public key, or NULL */
	/* filled in */
	int nproblems, nwarnings;
	unsigned long long payload_bytes, payload_files;
	char version[16];
	char algs[64];   /* "sha256 sha512" */
	char signer[72]; /* the fingerprint in signature.txt, or "" */
	char seal[65];   /* the SHA-256 of tagmanifest-sha256.txt, or "" */
	int sig_checked; /* 1 when --pubkey checked it and it held */
};

/*
 * Verify the bag at path: a directory holding bagit.txt, or a tar archive (gzip or not) with
 * one top folder. Problems are printed one a line to r->problems and counted; warnings go to
 * stderr. Returns 0 valid, 1 invalid, or EX_NOINPUT / EX_DATAERR (the archive cannot be read
 * as tar) / EX_IOERR after a message.
 */
int bag_verify(const char *path, struct bag_report *r);

/*
 * Check an archive held in memory (the fuzzer's entry point): the same as bag_verify() on a
 * file with that content.
 */
int bag_verify_mem(const void *data, size_t len, struct bag_report *r);

/* One file of a bag being written: its path in the bag ("data/report/report.html"). */
struct bag_item {
	char *path;
	char *data;
	size_t len;
};

struct bag_writer {
	struct bag_item *v;
	size_t n, cap;
};

/* Add a file (data is taken over, malloc'd). Paths must be unique; sorted on output. */
void bag_add(struct bag_writer *w, const char *path, char *data, size_t len);
/* The sha256 of data as 64 hex digits into hex[65]. */
void bag_sha256_hex(const void *data, size_t len, char hex[65]);
/* Write manifest-sha256.txt and manifest-sha512.txt over the payload (data/...). */
void bag_payload_manifests(struct bag_writer *w);
/*
 * Write tagmanifest-sha256.txt and tagmanifest-sha512.txt over every other file; after this
 * only signature.txt, which signs tagmanifest-sha256.txt, may be added.
 */
void bag_tag_manifests(struct bag_writer *w);
/* The item at path, or NULL. */
struct bag_item *bag_find(struct bag_writer *w, const char *path);
/* Write the bag as a deterministic tar.gz with top folder top on fp; 0 or EX_IOERR. */
int bag_write_targz(struct bag_writer *w, const char *top, FILE *fp, long long mtime);
void bag_writer_free(struct bag_writer *w);
#endif
