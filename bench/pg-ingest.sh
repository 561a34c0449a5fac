#!/bin/bash
# pg-ingest.sh - casekit ingest into a PostgreSQL store against psql's \copy of the same file
#
# usage: bench/pg-ingest.sh [SELLERS] [RUNS]    (default 20000 sellers, 3 runs; medians printed)
# Needs the built binary ($CASEKIT, default ./_build/casekit), a PostgreSQL server
# (tests/pg/cluster.sh starts a throwaway one on port $BENCH_PORT, default 56090) and psql.
# The file is the listings of `casekit synth --sellers SELLERS` (about 8 a seller). Each run
# loads it into the listings table of a store that holds the sellers, with casekit ingest
# (COPY from the client after its checks: field count, UTF-8, the seller exists, money and
# time, provenance), and with psql's \copy into a table of the same columns, key and types
# (price numeric: the file has major units), without any check; the two take turns going
# first. ratio = psql / casekit, the median of each run's: above 1.0 casekit is the faster.
# #17's bar: ratio >= 1.0.
set -euo pipefail
SELLERS=${1:-20000}
RUNS=${2:-3}
CASEKIT=${CASEKIT:-./_build/casekit}
. "$(dirname "$0")/lib.sh"
bench_pg "${BENCH_PORT:-56090}"

echo "generating $SELLERS sellers in $W" >&2
"$CK" synth -q --sellers "$SELLERS" -s 1 -o "$W/dump" >/dev/null
L=$W/dump/listings.csv
ROWS=$(($(wc -l <"$L") - 1))
"$CK" init -q "$URI"
"$CK" ingest -q -d "$URI" "$W/dump/sellers.csv"
psql_ -c "CREATE TABLE peer (LIKE listings INCLUDING ALL);
	ALTER TABLE peer ALTER price TYPE numeric, ALTER source_id DROP NOT NULL,
	ALTER line DROP NOT NULL"
COLS=$(head -1 "$L")

now() { date +%s.%N; }
# timed CMD...: run CMD (which prints nothing), print the seconds it took
timed() {
	local t0
	t0=$(now)
	"$@" >/dev/null
	awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'
}
copy_peer() { psql_ -c "\\copy peer($COLS) FROM '$L' WITH (FORMAT csv, HEADER true)"; }
for r in $(seq "$RUNS"); do
	psql_ -c "TRUNCATE listings; DELETE FROM source_marks WHERE source_id IN
		(SELECT source_id FROM sources WHERE kind = 'listings');
		DELETE FROM sources WHERE kind = 'listings'; TRUNCATE peer; CHECKPOINT"
	# in turn first and second, so that neither always meets the warmer cache
	if [ $((r % 2)) = 1 ]; then
		c=$(timed "$CK" ingest -q -d "$URI" "$L")
		p=$(timed copy_peer)
	else
		p=$(timed copy_peer)
		c=$(timed "$CK" ingest -q -d "$URI" "$L")
	fi
	echo "$c $p" | awk '{ printf "%.3f %.3f %.3f\n", $1, $2, $2 / $1 }'
done >"$W/times"
[ "$(psql_ -c 'SELECT count(*) FROM listings')" = "$ROWS" ] || { echo "bench: casekit lost rows" >&2; exit 1; }
[ "$(psql_ -c 'SELECT count(*) FROM peer')" = "$ROWS" ] || { echo "bench: psql lost rows" >&2; exit 1; }
ck=$(cut -d' ' -f1 "$W/times" | bench_median)
ps=$(cut -d' ' -f2 "$W/times" | bench_median)
ratio=$(cut -d' ' -f3 "$W/times" | bench_median)
printf 'listings: %d rows, %d runs (medians)\n' "$ROWS" "$RUNS"
printf '  casekit ingest  %8.3f s\n  psql \\copy      %8.3f s\n' "$ck" "$ps"
printf '  ratio (psql / casekit, median of each run'"'"'s) %.2f (bar >= 1.00)\n' "$ratio"
