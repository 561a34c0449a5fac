/*
 * text.h - UTF-8 text, one set of helpers for every module: validation, code points, white
 * space, normal forms and case folding (ICU underneath)
 */
#ifndef CASEKIT_TEXT_H
#define CASEKIT_TEXT_H
#include <stddef.h>
#include "util.h"

/* 1 if s[0..n) is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF). */
int text_utf8_valid(const char *s, size_t n);
/* The length of the longest well-formed UTF-8 prefix of s[0..n): n when it is all valid. */
size_t text_utf8_valid_prefix(const char *s, size_t n);
/* 1 if s[0..n) is all ASCII. */
int text_is_ascii(const char *s, size_t n);
/* The code point at s[*i] (U+FFFD for a bad byte), advancing *i; -1 at the end. */
int text_next_cp(const char *s, size_t n, size_t *i);
/* Unicode white space, plus the zero-width spaces that pasted text carries. */
int text_is_space(int c);

/*
 * Append the NFKC case fold (Unicode NFKC_Casefold) of s[0..n) to out: full-width forms
 * become ASCII, U+3000 a space, letters lowercase. ASCII takes a fast path; invalid UTF-8
 * becomes U+FFFD. 0, or -1 if ICU fails. The helpers keep per-thread scratch space and cached
 * ICU objects, so they allocate nothing per call once warm.
 */
int text_fold(const char *s, size_t n, struct buf *out);
/* Append s in Unicode normal form C; invalid UTF-8 becomes U+FFFD. 0, or -1 on an ICU error. */
int text_nfc(const char *s, size_t n, struct buf *out);
/* Fold b again in place if it holds non-ASCII text (after characters were cut out of it). */
int text_refold(struct buf *b);
/* Strip combining marks that sit on Latin letters (é to e, ệ to e), in place; 0 or -1. */
int text_strip_marks(struct buf *b);
#endif
