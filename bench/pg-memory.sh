#!/bin/bash
# pg-memory.sh - peak memory of screen, link and query on a PostgreSQL store, at two sizes
#
# usage: bench/pg-memory.sh [SMALL [BIG]]    (sellers; default 5000 and 20000)
# Needs the built binary ($CASEKIT, default ./_build/casekit), a PostgreSQL server
# (tests/pg/cluster.sh starts a throwaway one on port $BENCH_PORT, default 56091), psql and
# GNU time (/usr/bin/time, Debian's time package).
# A server store's rows come a batch at a time (casekit-store(5)), so an applet should hold
# what it keeps, not every row it reads. Each size is a synth dump loaded into an emptied store;
# then `screen --rescore`, `link --full` and `query 'select * from identifiers'` run once each
# under GNU time. Printed: peak RSS (MB) and CPU seconds (user+sys) of each at both sizes, and
# big/small RSS ratio. With CASEKIT_OLD=BINARY, that binary runs the same steps on the same
# stores (the peer: before streaming, RSS grew with the store).
set -euo pipefail
SMALL=${1:-5000}
BIG=${2:-20000}
CASEKIT=${CASEKIT:-./_build/casekit}
. "$(dirname "$0")/lib.sh"
bench_pg "${BENCH_PORT:-56091}"
BINS=new
if [ -n "${CASEKIT_OLD:-}" ]; then
	cp "$CASEKIT_OLD" "$W/old.bin"
	BINS="new old"
fi
bin() { if [ "$1" = new ]; then echo "$W/casekit.bin"; else echo "$W/old.bin"; fi; }

# measure SIZE BIN NAME ARGS...: one line "SIZE BIN NAME RSS_KB CPU_S" into $W/rows
measure() {
	local size=$1 b=$2 name=$3
	shift 3
	/usr/bin/time -f '%M %U %S' -o "$W/time" "$(bin "$b")" "$@" -d "$URI" >/dev/null
	awk -v s="$size" -v b="$b" -v n="$name" '{ printf "%s %s %s %d %.2f\n", s, b, n, $1, $2 + $3 }' \
		"$W/time" >>"$W/rows"
}

: >"$W/rows"
for size in "$SMALL" "$BIG"; do
	echo "generating and loading $size sellers in $W" >&2
	rm -rf "$W/dump"
	"$W/casekit.bin" synth -q --sellers "$size" -s 1 -o "$W/dump" >/dev/null
	psql_ -c "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public"
	"$W/casekit.bin" init -q "$URI"
	"$W/casekit.bin" ingest -q -d "$URI" "$W/dump"
	idents=$(psql_ -c 'SELECT count(*) FROM identifiers')
	listings=$(psql_ -c 'SELECT count(*) FROM listings')
	echo "$size sellers: $listings listings, $idents identifiers" >>"$W/sizes"
	for b in $BINS; do
		measure "$size" "$b" screen screen -q --rescore
		measure "$size" "$b" link link -q --full
		measure "$size" "$b" query query -f tsv 'select * from identifiers'
	done
done
cat "$W/sizes"
printf '%-7s %-4s %10s %8s %10s %8s %7s\n' step bin "RSS@$SMALL" CPU "RSS@$BIG" CPU ratio
for b in $BINS; do
	for name in screen link query; do
		awk -v b="$b" -v n="$name" -v s="$SMALL" -v g="$BIG" '
			$2 == b && $3 == n && $1 == s { r1 = $4; c1 = $5 }
			$2 == b && $3 == n && $1 == g { r2 = $4; c2 = $5 }
			END { printf "%-7s %-4s %8.1fMB %7.2fs %8.1fMB %7.2fs %7.2f\n", n, b,
				r1 / 1024, c1, r2 / 1024, c2, r2 / r1 }' "$W/rows"
	done
done
