/* output.h - one result layer for every applet: table, csv, tsv, json, ndjson and ids */
#ifndef CASEKIT_OUTPUT_H
#define CASEKIT_OUTPUT_H
#include <stdio.h>

#define OUT_FORMAT_NAMES_NO_IDS "table|csv|tsv|json|ndjson"
#define OUT_FORMAT_NAMES OUT_FORMAT_NAMES_NO_IDS "|ids"
enum out_format { OUT_TABLE, OUT_CSV, OUT_TSV, OUT_JSON, OUT_NDJSON, OUT_IDS };

struct out;
struct store_stmt;
struct store;

/* The format -f asked for, else table when fp is a terminal and tsv otherwise. */
enum out_format out_format_for(FILE *fp);
/* Parse a format name; -1 if it is not one. */
int out_format_parse(const char *name);

/*
 * Start a result of ncols columns on fp in format fmt. The column names are copied. Cells
 * then follow row by row (out_text() and friends), each row closed by out_end_row(); out_close()
 * finishes the document (the table is aligned there) and frees o. Invalid UTF-8 in text is
 * written as U+FFFD, so the output is always valid UTF-8.
 */
struct out *out_open(FILE *fp, enum out_format fmt, const char *const *cols, int ncols);
/*
 * The same, with the columns of a statement of the store (store.h). Columns named as in
 * OUT_MONEY_COLUMNS hold amounts (SQL selects them through ck_money()): their decimals are
 * numbers in JSON.
 */
struct out *out_open_query(FILE *fp, enum out_format fmt, struct store_stmt *s);
#define OUT_MONEY_COLUMNS "amount|price|cost|declared_value|reference_price"
/* Column col holds decimal amounts as text: a cell that is a plain decimal is a number. */
void out_set_decimal(struct out *o, int col);
/*
 * Column col holds JSON text when the format is json or ndjson (an array SQLite's json
 * functions built): it is written as it is there, and as text in every other format.
 */
void out_set_json(struct out *o, int col);
/*
 * For -f ids: column col holds the id and kind is its type ("listing" prints "listing:ID").
 * With kind NULL the column already holds typed ids. Without this call, -f ids is refused.
 */
void out_set_ids(struct out *o, const char *kind, int col);
/*
 * For files opened in a spreadsheet: a CSV cell that starts with = + - @, a tab or a carriage
 * return and is not a number gets a leading ' (as OWASP advises), so it cannot run as a formula.
 */
void out_set_guard(struct out *o);
/* 1 when s[0..n) would be read as a formula: it starts with = + - @ tab or CR, not a number. */
int out_is_formula(const char *s, size_t n);
void out_null(struct out *o);
void out_int(struct out *o, long long v);
void out_real(struct out *o, double v);
/* An amount of money in minor units, printed in major units ("59.10"), a number in JSON. */
void out_money(struct out *o, long long minor, const char *currency);
void out_text(struct out *o, const char *s); /* NULL is a null cell */
void out_textn(struct out *o, const char *s, size_t n);
void out_end_row(struct out *o);
/* Append the current row of s as one whole row (its columns in order). */
void out_query_row(struct out *o, struct store_stmt *s);
/*
 * Write every row of s, give s back (store_done()) and close o. Returns 0, or the EX_* code
 * of a failed step (message printed) or EX_IOERR.
 */
int out_query_all(struct out *o, struct store_stmt *s);
/* Finish and free; returns 0, or EX_IOERR after a failed write (message printed). */
int out_close(struct out *o);

/*
 * Write s as a Graphviz DOT string (quotes included; quotes and backslashes escaped, a newline
 * as \n), with a leading ' before text a spreadsheet would run as a formula, as in CSV.
 */
void out_dot_str(FILE *fp, const char *s);
/* Display width of UTF-8 text on a terminal (East Asian wide characters count two). */
size_t out_display_width(const char *s, size_t n);
/* Write s as a JSON string literal (quotes included), with invalid UTF-8 as U+FFFD. */
void out_json_string(FILE *fp, const char *s, size_t n);
#endif
