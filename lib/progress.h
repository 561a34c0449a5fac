/* progress.h - a progress bar on stderr, shown only when stderr is a terminal */
#ifndef CASEKIT_PROGRESS_H
#define CASEKIT_PROGRESS_H
#include <stdint.h>

struct progress;

/*
 * Start a bar labelled label; total is the amount of work in the unit that progress_update()
 * reports (bytes or rows), 0 if unknown. Returns NULL (and every call below is a no-op) when
 * stderr is not a terminal, or -q or --no-progress was given.
 */
struct progress *progress_start(const char *label, uint64_t total);
/* 1 if progress_start() would show a bar: when it would not, the total need not be counted. */
int progress_shown(void);
/* done: work finished so far, in the total's unit; rows: rows so far, for the rate. */
void progress_update(struct progress *p, uint64_t done, uint64_t rows);
/* Erase the bar and free p. */
void progress_end(struct progress *p);
#endif
