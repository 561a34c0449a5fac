/* leads.c - typed ids read from --from FILE|- and operands: seller:ID, listing:ID, ... */
#include "casekit.h"
#include "leads.h"
#include "link_show.h"
#include "store.h"
#include <ctype.h>

int leads_add(struct leads *l, const char *text, const char *default_kind, const char *allowed)
{
	const char *colon = strchr(text, ':'), *kind = default_kind, *id = text;
	size_t klen = strlen(default_kind), i;

	if (colon && ck_in_list(LEAD_KINDS, text, (size_t)(colon - text))) {
		kind = text;
		klen = (size_t)(colon - text);
		id = colon + 1;
	}
	if (!*id)
		return -1;
	if (allowed && !ck_in_list(allowed, kind, klen))
		return -1;
	/* A lead named twice (a pipeline often repeats them) is one lead. */
	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i].kind) == klen && memcmp(l->v[i].kind, kind, klen) == 0 &&
			strcmp(l->v[i].id, id) == 0)
			return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	memcpy(l->v[l->n].kind, kind, klen);
	l->v[l->n].kind[klen] = '\0';
	l->v[l->n].id = xstrdup(id);
	l->n++;
	return 0;
}

int leads_read(struct leads *l, const char *path, const char *default_kind, const char *allowed)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL, *s, *e;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;

	if (!fp)
		return ck_error(EX_NOINPUT, "cannot open '%s': %s", path, strerror(errno));
	while (getline(&line, &cap, fp) > 0) {
		lineno++;
		for (s = line; isspace((unsigned char)*s); s++)
			;
		for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
			;
		*e = '\0';
		if (!*s || *s == '#')
			continue;
		if (leads_add(l, s, default_kind, allowed)) {
			rc = ck_error(EX_DATAERR,
				"%s:%ld: '%s' is not a lead this applet takes (%s)",
				strcmp(path, "-") == 0 ? "stdin" : path, lineno, s,
				allowed ? allowed : LEAD_KINDS);
			break;
		}
	}
	if (!rc && ferror(fp))
		rc = ck_error(EX_IOERR, "cannot read '%s': %s", path, strerror(errno));
	free(line);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

void leads_free(struct leads *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].id);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

/* Add seller id to out once (out may be NULL). */
static void reach(struct leads *out, const char *id)
{
	if (out && id)
		leads_add(out, id, "seller", "seller");
}

int leads_resolve(struct store *st, const struct lead *l, struct leads *sellers)
{
	const char *sql;
	struct store_stmt *s;
	char *net = NULL;
	int found = 0, rc;

	if (strcmp(l->kind, "seller") == 0)
		sql = "SELECT seller_id FROM sellers WHERE seller_id = ?1";
	else if (strcmp(l->kind, "listing") == 0)
		sql = "SELECT seller_id FROM listings WHERE listing_id = ?1";
	else if (strcmp(l->kind, "party") == 0)
		/* A party is there when it is listed or ships; it reaches whom it ships to. */
		sql = "SELECT NULL FROM parties WHERE party_id = ?1 UNION ALL "
		      "SELECT s.seller_id FROM shipments sh JOIN sellers s "
		      "ON s.seller_id = sh.to_id WHERE sh.from_id = ?1 UNION ALL "
		      "SELECT NULL WHERE EXISTS (SELECT 1 FROM shipments WHERE from_id = ?1)";
	else if (strcmp(l->kind, "case") == 0)
		sql = "SELECT NULL FROM cases WHERE case_id = ?1 UNION ALL "
		      "SELECT seller_id FROM case_members WHERE case_id = ?1";
	else if (!store_table_exists(st, "networks"))
		return ck_error(
			EX_DATAERR, "network:%s: no networks yet (run 'casekit link')", l->id);
	/* A network is named as casekit link names it: its id, an id it had, or a prefix. */
	else if (!(net = link_show_resolve(st, l->id)))
		return EX_DATAERR;
	else
		sql = "SELECT seller_id FROM network_members WHERE network_id = ?1";
	if (!(s = store_prepare(st, sql))) {
		free(net);
		return EX_SOFTWARE;
	}
	store_bind_text(s, 1, net ? net : l->id);
	while ((rc = store_step(s)) == STORE_ROW) {
		found = 1;
		reach(sellers, store_col_text(s, 0));
	}
	store_done(s);
	free(net);
	if (rc != STORE_DONE)
		return rc;
	return found ? 0 : ck_error(EX_DATAERR, "%s:%s is not in the store", l->kind, l->id);
}
