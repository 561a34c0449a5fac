/* progress.c - a progress bar on stderr, shown only when stderr is a terminal */
#include "casekit.h"
#include "progress.h"
#include <time.h>
#include <unistd.h>

struct progress {
	char *label;
	uint64_t total;
	double start, last;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int progress_shown(void)
{
	return !ck.quiet && !ck.no_progress && isatty(STDERR_FILENO);
}

struct progress *progress_start(const char *label, uint64_t total)
{
	struct progress *p;

	if (!progress_shown())
		return NULL;
	p = xcalloc(1, sizeof(*p));
	p->label = xstrdup(label);
	p->total = total;
	p->start = p->last = now();
	return p;
}

void progress_update(struct progress *p, uint64_t done, uint64_t rows)
{
	double t, elapsed, rate;
	char bar[21];
	int i, fill;

	if (!p)
		return;
	t = now();
	/* Five redraws a second are plenty, and keep the terminal out of the hot path. */
	if (t - p->last < 0.2)
		return;
	p->last = t;
	elapsed = t - p->start;
	rate = elapsed > 0 ? (double)rows / elapsed : 0;
	if (p->total) {
		double frac = (double)done / (double)p->total;

		if (frac > 1)
			frac = 1;
		fill = (int)(frac * 20);
		for (i = 0; i < 20; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[20] = '\0';
		fprintf(stderr, "\r%s [%s] %3d%% %llu rows %.0f rows/s", p->label, bar,
			(int)(frac * 100), (unsigned long long)rows, rate);
		if (frac > 0.01)
			fprintf(stderr, " %.0fs left ", elapsed / frac - elapsed);
	} else {
		fprintf(stderr, "\r%s %llu rows %.0f rows/s ", p->label, (unsigned long long)rows,
			rate);
	}
	fflush(stderr);
}

void progress_end(struct progress *p)
{
	if (!p)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	free(p->label);
	free(p);
}
