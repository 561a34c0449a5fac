/* ident.c - micro benchmark of the identifier normalisers (built and run by bench/ident.sh)
 *
 *   ident KIND FILE ROUNDS   KIND: phone email address device ip payment text lower
 *
 * Normalises every line of FILE, ROUNDS times, and prints "KIND calls seconds": the same
 * loop with KIND "lower" (ASCII lowercase into the same buffer) is the trivial peer.
 */
#include "casekit.h"
#include "ident.h"
#include "payment.h"
#include <time.h>

int main(int argc, char **argv)
{
	static const unsigned char key[32] = { 1 };
	struct ident id = { 0 };
	struct buf all = { 0 };
	char line[4096], **v = NULL;
	size_t n = 0, cap = 0, i, r, rounds, calls = 0, j;
	struct timespec t0, t1;
	const char *kind;
	FILE *fp;

	if (argc != 4 || !(fp = fopen(argv[2], "r")))
		return 64;
	kind = argv[1];
	rounds = (size_t)atol(argv[3]);
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (n == cap)
			v = xrealloc(v, (cap = cap * 2 + 1024) * sizeof(*v));
		v[n++] = xstrdup(line);
	}
	fclose(fp);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (r = 0; r < rounds; r++)
		for (i = 0; i < n; i++, calls++) {
			switch (kind[0]) {
			case 'p':
				if (kind[1] == 'h')
					ident_phone(v[i], "CN", &id);
				else
					payment_ident(key, "card", v[i], &id);
				break;
			case 'e':
				ident_email(v[i], &id);
				break;
			case 'a':
				ident_address(v[i], "CN", &id);
				break;
			case 'd':
				ident_device(v[i], &id);
				break;
			case 'i':
				ident_ip(v[i], &id);
				break;
			case 't':
				ident_text(v[i], &id);
				break;
			default:
				/* the peer: what a normaliser that only lowercases ASCII costs */
				buf_reset(&all);
				for (j = 0; v[i][j]; j++)
					buf_addc(&all,
						(char)((v[i][j] >= 'A' && v[i][j] <= 'Z')
								? v[i][j] + 32
								: v[i][j]));
			}
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%s %zu %.6f\n", kind, calls,
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
	ident_free(&id);
	buf_free(&all);
	return 0;
}
