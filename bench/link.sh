#!/bin/sh
# link.sh - speed of casekit link against ingest of the same dump, in one script and machine.
#
# usage: bench/link.sh [SELLERS [RUNS]]      (default 20000 sellers, 3 runs; CASEKIT=binary)
# Prints the median wall and CPU (user + system) time of: ingest of a casekit synth dump; a
# full link of it; an incremental link after 1% more sellers (their sellers, logins and
# payments, ids renamed S -> Z) were ingested; and the ratios the issue sets (full/ingest
# <= 0.5, incremental/full <= 0.1). CPU time is the steadier figure on a shared machine.
# With PEAK=1 it also prints the peak RSS of a full link.
set -eu
N=${1:-20000}
RUNS=${2:-3}
CASEKIT=${CASEKIT:-$(dirname "$0")/../_build/casekit}
W=$(mktemp -d "${TMPDIR:-/tmp}/casekit-bench.XXXXXX")
export XDG_DATA_HOME="$W" # the stores' payment key files, removed with the rest
trap 'rm -rf "$W"' EXIT
ck() { "$CASEKIT" "$@"; }

# median COL < FILE: the median of column COL (1 wall, 2 CPU)
median() { awk -v c="$1" '{ print $c }' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# timeit CMD...: "wall cpu" seconds of one run (GNU time)
timeit() {
	/usr/bin/time -f "%e %U %S" -o "$W/time" "$@" >/dev/null 2>"$W/last.err"
	awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$W/time"
}

ck synth -q -o "$W/dump" --sellers "$N" -s 7
extra=$((N / 100))
[ "$extra" -ge 1 ] || extra=1
ck synth -q -o "$W/more" --sellers "$extra" -s 8
mkdir "$W/new"
for f in sellers logins payments; do
	sed 's/\bS\([0-9]\)/Z\1/g' "$W/more/$f.csv" >"$W/new/$f.csv"
done

: >"$W/ingest.t"
for i in $(seq "$RUNS"); do
	rm -f "$W/s.db" "$W/s.db-wal" "$W/s.db-shm"
	ck init -q "$W/s.db"
	timeit "$CASEKIT" ingest -q -d "$W/s.db" --country CN "$W/dump" >>"$W/ingest.t"
done
ck link -q -d "$W/s.db" >/dev/null
cp "$W/s.db" "$W/base.db"
: >"$W/full.t"
for i in $(seq "$RUNS"); do
	timeit "$CASEKIT" link -q --full -d "$W/s.db" >>"$W/full.t"
done
: >"$W/incr.t"
for i in $(seq "$RUNS"); do
	cp "$W/base.db" "$W/i.db"
	ck ingest -q -d "$W/i.db" --country CN "$W/new"
	timeit "$CASEKIT" link -d "$W/i.db" >>"$W/incr.t"
done
mode=$(sed -n 's/^casekit link: \([a-z]*\) run.*/\1/p' "$W/last.err")
echo "sellers $N, +$extra new; medians of $RUNS runs      wall s   cpu s"
for t in ingest full incr; do
	case $t in
	ingest) label="ingest          " ;;
	full) label="link (full)     " ;;
	incr) label="link (after +1%)" ;;
	esac
	printf '%s %16s %8s\n' "$label" "$(median 1 <"$W/$t.t")" "$(median 2 <"$W/$t.t")"
done
echo "the run after +1% was: $mode"
for c in 1 2; do
	[ $c = 1 ] && what=wall || what=cpu
	echo "$(median $c <"$W/full.t") $(median $c <"$W/ingest.t") $(median $c <"$W/incr.t")" |
		awk -v w=$what '{ printf "%-4s full / ingest %.3f (goal <= 0.5), incremental / full %.3f (goal <= 0.1)\n", w, $1 / $2, $3 / $1 }'
done
if [ "${PEAK:-0}" = 1 ] && [ -x /usr/bin/time ]; then
	/usr/bin/time -f "%M" -o "$W/rss" "$CASEKIT" link -q --full -d "$W/s.db" >/dev/null
	echo "peak RSS of a full link: $(awk '{ printf "%.1f MB", $1 / 1024 }' "$W/rss")"
fi
