/* output.c - one result layer for every applet: table, csv, tsv, json, ndjson and ids */
#include "casekit.h"
#include "money.h"
#include "output.h"
#include "store.h"
#include "text.h"
#include <csv.h>
#include <math.h>
#include <sqlite3.h>
#include <unistd.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

static const char *const format_names[] = { "table", "csv", "tsv", "json", "ndjson", "ids" };

enum cell_kind { CELL_NULL, CELL_NUM, CELL_TEXT, CELL_JSON };

/* What a column's text cells hold, beyond text (struct out's coltype). */
#define COL_DECIMAL 0x1 /* a plain decimal is a number */
#define COL_JSON 0x2    /* JSON text (from SQLite's json functions), written as it is */

struct out {
	FILE *fp;
	enum out_format fmt;
	char **cols;
	int ncols;
	int col; /* the next cell's column */
	long long rows;
	const char *idkind; /* for OUT_IDS */
	int idcol;
	int have_ids;
	unsigned char *coltype; /* per column: COL_DECIMAL, COL_JSON */
	int guard;              /* out_set_guard(): CSV cells that could run as formulas get a ' */
	/* OUT_TABLE keeps every cell until out_close() knows the widths. */
	struct buf cells; /* NUL-separated cell texts */
	unsigned char *kinds;
	size_t ncells, capcells;
	size_t *width;
};

int out_format_parse(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(format_names) / sizeof(*format_names); i++)
		if (strcmp(name, format_names[i]) == 0)
			return (int)i;
	return -1;
}

enum out_format out_format_for(FILE *fp)
{
	int f;

	if (ck.format && (f = out_format_parse(ck.format)) >= 0)
		return (enum out_format)f;
	return isatty(fileno(fp)) ? OUT_TABLE : OUT_TSV;
}

struct out *out_open(FILE *fp, enum out_format fmt, const char *const *cols, int ncols)
{
	struct out *o = xcalloc(1, sizeof(*o));
	int i;

	o->fp = fp;
	o->fmt = fmt;
	o->ncols = ncols;
	o->cols = xcalloc((size_t)ncols, sizeof(*o->cols));
	o->width = xcalloc((size_t)ncols, sizeof(*o->width));
	o->coltype = xcalloc((size_t)ncols ? (size_t)ncols : 1, 1);
	for (i = 0; i < ncols; i++) {
		o->cols[i] = xstrdup(cols[i]);
		o->width[i] = out_display_width(cols[i], strlen(cols[i]));
	}
	if (fmt == OUT_JSON)
		fputc('[', fp);
	return o;
}

struct out *out_open_stmt(FILE *fp, enum out_format fmt, struct sqlite3_stmt *st)
{
	int i, n = sqlite3_column_count(st);
	const char **cols = xcalloc((size_t)n, sizeof(*cols));
	struct out *o;

	for (i = 0; i < n; i++)
		cols[i] = sqlite3_column_name(st, i);
	o = out_open(fp, fmt, cols, n);
	for (i = 0; i < n; i++)
		if (ck_in_list(OUT_MONEY_COLUMNS, cols[i], strlen(cols[i])))
			o->coltype[i] |= COL_DECIMAL;
	free(cols);
	return o;
}

struct out *out_open_query(FILE *fp, enum out_format fmt, struct store_stmt *s)
{
	int i, n = store_col_count(s);
	const char **cols = xcalloc((size_t)n, sizeof(*cols));
	struct out *o;

	for (i = 0; i < n; i++)
		cols[i] = store_col_name(s, i);
	o = out_open(fp, fmt, cols, n);
	for (i = 0; i < n; i++)
		if (ck_in_list(OUT_MONEY_COLUMNS, cols[i], strlen(cols[i])))
			o->coltype[i] |= COL_DECIMAL;
	free(cols);
	return o;
}

void out_dot_str(FILE *fp, const char *s)
{
	fputc('"', fp);
	if (s && out_is_formula(s, strlen(s)))
		fputc('\'', fp);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', fp);
		if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
	fputc('"', fp);
}

void out_set_decimal(struct out *o, int col)
{
	if (col >= 0 && col < o->ncols)
		o->coltype[col] |= COL_DECIMAL;
}

void out_set_json(struct out *o, int col)
{
	if (col >= 0 && col < o->ncols)
		o->coltype[col] |= COL_JSON;
}

/* A plain decimal, as ck_money() writes one: -?[0-9]+(.[0-9]+)? */
static int is_decimal(const char *s, size_t n)
{
	size_t i = 0, d = 0;

	if (i < n && s[i] == '-')
		i++;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		d++;
	if (!d)
		return 0;
	if (i < n && s[i] == '.') {
		for (d = 0, i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			d++;
		if (!d)
			return 0;
	}
	return i == n;
}

int out_is_formula(const char *s, size_t n)
{
	if (!s || n == 0 || !strchr("=+-@\t\r", s[0]))
		return 0;
	return !is_decimal(s[0] == '+' ? s + 1 : s, s[0] == '+' ? n - 1 : n);
}

void out_set_guard(struct out *o)
{
	if (o)
		o->guard = 1;
}

void out_set_ids(struct out *o, const char *kind, int col)
{
	o->idkind = kind;
	o->idcol = col;
	o->have_ids = 1;
}

/* Call emit on the valid runs of s, with U+FFFD for each invalid sequence. */
static void each_valid_run(
	const char *s, size_t n, void (*emit)(struct out *, const char *, size_t), struct out *o)
{
	while (n) {
		size_t ok = text_utf8_valid_prefix(s, n);
		int32_t i = (int32_t)ok;
		UChar32 c;

		if (ok)
			emit(o, s, ok);
		if (ok == n)
			return;
		U8_NEXT(s, i, (int32_t)n, c);
		(void)c;
		emit(o, "\xEF\xBF\xBD", 3);
		s += i;
		n -= (size_t)i;
	}
}

size_t out_display_width(const char *s, size_t n)
{
	int32_t i = 0;
	size_t w = 0;
	UChar32 c;

	while ((size_t)i < n) {
		if ((unsigned char)s[i] < 0x80) {
			w++;
			i++;
			continue;
		}
		U8_NEXT(s, i, (int32_t)n, c);
		if (c < 0) {
			w++;
			continue;
		}
		switch (u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH)) {
		case U_EA_WIDE:
		case U_EA_FULLWIDTH:
			w += 2;
			break;
		default:
			if (u_charType(c) != U_NON_SPACING_MARK &&
				u_charType(c) != U_ENCLOSING_MARK)
				w++;
		}
	}
	return w;
}

static void fp_write(struct out *o, const char *s, size_t n)
{
	fwrite(s, 1, n, o->fp);
}

static void json_run(struct out *o, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char hex[8];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		switch (c) {
		case '"':
			esc = "\\\"";
			break;
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		case '\b':
			esc = "\\b";
			break;
		case '\f':
			esc = "\\f";
			break;
		default:
			snprintf(hex, sizeof(hex), "\\u%04x", c);
			esc = hex;
		}
		fwrite(s + start, 1, i - start, o->fp);
		fputs(esc, o->fp);
		start = i + 1;
	}
	fwrite(s + start, 1, n - start, o->fp);
}

void out_json_string(FILE *fp, const char *s, size_t n)
{
	struct out tmp = { .fp = fp };

	fputc('"', fp);
	each_valid_run(s, n, json_run, &tmp);
	fputc('"', fp);
}

static void tsv_run(struct out *o, const char *s, size_t n)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		const char *esc;

		switch (s[i]) {
		case '\t':
			esc = "\\t";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\\':
			esc = "\\\\";
			break;
		default:
			continue;
		}
		fwrite(s + start, 1, i - start, o->fp);
		fputs(esc, o->fp);
		start = i + 1;
	}
	fwrite(s + start, 1, n - start, o->fp);
}

/* Table cells are for eyes: control characters become visible escapes, as in tsv. */
static void table_run(struct out *o, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			buf_adds(&o->cells, "\\n");
		else if (c == '\t')
			buf_adds(&o->cells, "\\t");
		else if (c < 0x20 || c == 0x7f)
			buf_addf(&o->cells, "\\x%02x", c);
		else
			buf_addc(&o->cells, (char)c);
	}
}

static void csv_cell(struct out *o, const char *s, size_t n)
{
	size_t i;
	int quote = n > 0 && (s[0] == ' ' || s[n - 1] == ' ');

	for (i = 0; i < n && !quote; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			quote = 1;
	if (quote)
		csv_fwrite(o->fp, s, n);
	else
		fwrite(s, 1, n, o->fp);
}

static void csv_run(struct out *o, const char *s, size_t n)
{
	csv_cell(o, s, n);
}

static void begin_cell(struct out *o)
{
	if (o->col >= o->ncols)
		ck_bug("row has more than %d cells", o->ncols);
	switch (o->fmt) {
	case OUT_CSV:
		if (o->rows == 0 && o->col == 0) {
			int i;

			for (i = 0; i < o->ncols; i++) {
				if (i)
					fputc(',', o->fp);
				csv_cell(o, o->cols[i], strlen(o->cols[i]));
			}
			fputs("\r\n", o->fp);
		}
		if (o->col)
			fputc(',', o->fp);
		break;
	case OUT_TSV:
		if (o->rows == 0 && o->col == 0) {
			int i;

			for (i = 0; i < o->ncols; i++) {
				if (i)
					fputc('\t', o->fp);
				each_valid_run(o->cols[i], strlen(o->cols[i]), tsv_run, o);
			}
			fputc('\n', o->fp);
		}
		if (o->col)
			fputc('\t', o->fp);
		break;
	case OUT_JSON:
	case OUT_NDJSON:
		if (o->col == 0) {
			if (o->fmt == OUT_JSON)
				fputs(o->rows ? ",\n" : "\n", o->fp);
			fputc('{', o->fp);
		} else {
			fputc(',', o->fp);
		}
		out_json_string(o->fp, o->cols[o->col], strlen(o->cols[o->col]));
		fputc(':', o->fp);
		break;
	case OUT_TABLE:
		if (o->ncells == o->capcells) {
			o->capcells = o->capcells ? o->capcells * 2 : 256;
			o->kinds = xrealloc(o->kinds, o->capcells);
		}
		break;
	case OUT_IDS:
		if (!o->have_ids)
			ck_die(EX_USAGE, "this output has no ids; choose another format");
		break;
	}
}

static void end_table_cell(struct out *o, enum cell_kind kind, size_t start)
{
	size_t w = out_display_width(o->cells.s + start, o->cells.len - start);

	if (w > o->width[o->col])
		o->width[o->col] = w;
	buf_addc(&o->cells, '\0');
	o->kinds[o->ncells++] = (unsigned char)kind;
}

static void cell(struct out *o, enum cell_kind kind, const char *s, size_t n)
{
	size_t start;

	begin_cell(o);
	switch (o->fmt) {
	case OUT_TABLE:
		start = o->cells.len;
		each_valid_run(s, n, table_run, o);
		end_table_cell(o, kind, start);
		break;
	case OUT_CSV:
		if (o->guard && out_is_formula(s, n)) {
			char *g = xmalloc(n + 1);

			g[0] = '\'';
			memcpy(g + 1, s, n);
			each_valid_run(g, n + 1, csv_run, o);
			free(g);
		} else {
			each_valid_run(s, n, csv_run, o);
		}
		break;
	case OUT_TSV:
		each_valid_run(s, n, tsv_run, o);
		break;
	case OUT_JSON:
	case OUT_NDJSON:
		if (kind == CELL_NULL)
			fputs("null", o->fp);
		else if (kind == CELL_NUM || kind == CELL_JSON)
			fwrite(s, 1, n, o->fp);
		else
			out_json_string(o->fp, s, n);
		break;
	case OUT_IDS:
		if (o->col == o->idcol && kind != CELL_NULL) {
			if (o->idkind)
				fprintf(o->fp, "%s:", o->idkind);
			each_valid_run(s, n, fp_write, o);
			fputc('\n', o->fp);
		}
		break;
	}
	o->col++;
}

void out_null(struct out *o)
{
	cell(o, CELL_NULL, "", 0);
}

void out_int(struct out *o, long long v)
{
	char tmp[32];

	cell(o, CELL_NUM, tmp, (size_t)snprintf(tmp, sizeof(tmp), "%lld", v));
}

void out_real(struct out *o, double v)
{
	char tmp[40];

	if (!isfinite(v)) {
		out_null(o);
		return;
	}
	cell(o, CELL_NUM, tmp, (size_t)snprintf(tmp, sizeof(tmp), "%.15g", v));
}

void out_money(struct out *o, long long minor, const char *currency)
{
	char tmp[MONEY_MAX];

	money_format(minor, currency, tmp);
	cell(o, CELL_NUM, tmp, strlen(tmp));
}

void out_text(struct out *o, const char *s)
{
	if (!s)
		out_null(o);
	else
		out_textn(o, s, strlen(s));
}

void out_textn(struct out *o, const char *s, size_t n)
{
	unsigned t = o->col < o->ncols ? o->coltype[o->col] : 0;

	if ((t & COL_DECIMAL) && is_decimal(s, n))
		cell(o, CELL_NUM, s, n);
	else
		cell(o, t & COL_JSON ? CELL_JSON : CELL_TEXT, s, n);
}

void out_stmt_row(struct out *o, struct sqlite3_stmt *st)
{
	int i, n = sqlite3_column_count(st);

	for (i = 0; i < n; i++) {
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_NULL:
			out_null(o);
			break;
		case SQLITE_INTEGER:
			out_int(o, sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			out_real(o, sqlite3_column_double(st, i));
			break;
		case SQLITE_BLOB: {
			/* Blobs (key hashes) are shown as hex, never as raw bytes. */
			const unsigned char *p = sqlite3_column_blob(st, i);
			int j, len = sqlite3_column_bytes(st, i);
			struct buf b = { 0 };

			for (j = 0; j < len; j++)
				buf_addf(&b, "%02x", p[j]);
			out_textn(o, b.s ? b.s : "", b.len);
			buf_free(&b);
			break;
		}
		default:
			out_textn(o, (const char *)sqlite3_column_text(st, i),
				(size_t)sqlite3_column_bytes(st, i));
		}
	}
	out_end_row(o);
}

int out_stmt_all(struct out *o, struct sqlite3_stmt *st, struct store *store, const char *what)
{
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		out_stmt_row(o, st);
	if (rc != SQLITE_DONE) {
		/* The message needs the statement's error, so report before finalizing. */
		rc = store_error(store, what);
		sqlite3_finalize(st);
		out_close(o);
		return rc;
	}
	sqlite3_finalize(st);
	return out_close(o);
}

void out_query_row(struct out *o, struct store_stmt *s)
{
	int i, n = store_col_count(s);

	for (i = 0; i < n; i++) {
		switch (store_col_type(s, i)) {
		case STORE_NULL:
			out_null(o);
			break;
		case STORE_INT:
			out_int(o, store_col_int(s, i));
			break;
		case STORE_REAL:
			out_real(o, store_col_double(s, i));
			break;
		case STORE_BLOB: {
			/* Blobs (key hashes) are shown as hex, never as raw bytes. */
			const unsigned char *p = store_col_blob(s, i);
			size_t j, len = store_col_bytes(s, i);
			struct buf b = { 0 };

			for (j = 0; j < len; j++)
				buf_addf(&b, "%02x", p[j]);
			out_textn(o, b.s ? b.s : "", b.len);
			buf_free(&b);
			break;
		}
		default:
			out_textn(o, store_col_text(s, i), store_col_bytes(s, i));
		}
	}
	out_end_row(o);
}

int out_query_all(struct out *o, struct store_stmt *s)
{
	int rc;

	while ((rc = store_step(s)) == STORE_ROW)
		out_query_row(o, s);
	store_done(s);
	if (rc) {
		out_close(o);
		return rc;
	}
	return out_close(o);
}

void out_end_row(struct out *o)
{
	while (o->col < o->ncols)
		out_null(o);
	switch (o->fmt) {
	case OUT_CSV:
		fputs("\r\n", o->fp);
		break;
	case OUT_TSV:
		fputc('\n', o->fp);
		break;
	case OUT_JSON:
		fputc('}', o->fp);
		break;
	case OUT_NDJSON:
		fputs("}\n", o->fp);
		/* Line by line, so `| jq` and `| head` see each object as it is made. */
		fflush(o->fp);
		break;
	case OUT_TABLE:
	case OUT_IDS:
		break;
	}
	o->col = 0;
	o->rows++;
}

static void pad(FILE *fp, size_t n)
{
	while (n--)
		fputc(' ', fp);
}

static void flush_table(struct out *o)
{
	const char *p = o->cells.s;
	size_t i, w;
	int c;

	for (c = 0; c < o->ncols; c++) {
		w = out_display_width(o->cols[c], strlen(o->cols[c]));
		fputs(o->cols[c], o->fp);
		if (c + 1 < o->ncols)
			pad(o->fp, o->width[c] - w + 2);
	}
	fputc('\n', o->fp);
	for (i = 0; i < o->ncells; i++) {
		size_t len = strlen(p);

		c = (int)(i % (size_t)o->ncols);
		w = out_display_width(p, len);
		/* Numbers line up on the right, text on the left; the last column is not padded. */
		if (o->kinds[i] == CELL_NUM)
			pad(o->fp, o->width[c] - w);
		fputs(p, o->fp);
		if (c + 1 < o->ncols) {
			if (o->kinds[i] != CELL_NUM)
				pad(o->fp, o->width[c] - w);
			pad(o->fp, 2);
		} else {
			fputc('\n', o->fp);
		}
		p += len + 1;
	}
}

int out_close(struct out *o)
{
	int i, rc;

	if (!o)
		return 0;
	if (o->col)
		out_end_row(o);
	if (o->fmt == OUT_TABLE)
		flush_table(o);
	else if (o->fmt == OUT_JSON)
		fputs(o->rows ? "\n]\n" : "]\n", o->fp);
	else if ((o->fmt == OUT_TSV || o->fmt == OUT_CSV) && o->rows == 0 && o->ncols) {
		/* An empty result still says what its columns would have been. */
		o->col = 0;
		begin_cell(o);
	}
	rc = ferror(o->fp) && errno != EPIPE
		? ck_error(EX_IOERR, "cannot write output: %s", strerror(errno))
		: 0;
	for (i = 0; i < o->ncols; i++)
		free(o->cols[i]);
	free(o->cols);
	free(o->width);
	free(o->coltype);
	free(o->kinds);
	buf_free(&o->cells);
	free(o);
	return rc;
}
