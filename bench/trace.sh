#!/usr/bin/env bash
# trace.sh - is a trace small against the ingest of the same dump? (issue 15)
#
#   bench/trace.sh [SELLERS [RUNS]]     default 100000 sellers, median of 3 runs
#
# casekit synth writes a dump of SELLERS sellers; casekit ingest loads it into a fresh store
# RUNS times (each timed); casekit screen scores the first store; casekit trace runs RUNS
# times from 2,000 flagged listings (the first 2,000 by id that screen flagged, as
# bench/scale.sh picks them). Printed: the medians of wall and CPU time (user + system) of
# ingest and trace, and trace / ingest as ratios of those medians. Target (issue 15): trace
# at most 3% of the ingest at 300,000 sellers. CASEKIT names the binary (default
# _build/casekit); the dump and stores go to a temporary folder, removed at the end. The
# machine may be shared: CPU time is the steadier figure.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
RUNS=${2:-3}
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time (/usr/bin/time) not found" >&2; exit 1; }
D=$(mktemp -d "${TMPDIR:-/tmp}/casekit-trace.XXXXXX")
trap 'rm -rf "$D"' EXIT
export XDG_DATA_HOME="$D/data" CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share}
cp "${CASEKIT:-$PWD/_build/casekit}" "$D/casekit.bin" # a rebuild does not pull it away
CK=$D/casekit.bin

# timed FILE CMD...: run CMD, append "wall cpu" to FILE
timed() {
	local f=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$D/t" "$@" >"$D/out" 2>"$D/err" || {
		echo "bench: $* failed:" >&2
		tail -5 "$D/err" >&2
		exit 1
	}
	awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$D/t" >>"$f"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "synth $N sellers ..." >&2
"$CK" synth -q --sellers "$N" -s 1 -o "$D/dump"
: >"$D/ingest.t"
for r in $(seq "$RUNS"); do
	echo "ingest, run $r of $RUNS ..." >&2
	"$CK" init -q "$D/s$r.db"
	timed "$D/ingest.t" "$CK" ingest -q -d "$D/s$r.db" "$D/dump"
	[ "$r" = 1 ] || rm -f "$D/s$r.db"*
done
echo "screen ..." >&2
"$CK" screen -q -d "$D/s1.db" -f ids --min-score 50 >/dev/null
sqlite3 "$D/s1.db" "select 'listing:' || listing_id from scores where flagged != 0
	order by listing_id limit 2000" >"$D/leads"
: >"$D/trace.t"
for r in $(seq "$RUNS"); do
	echo "trace, run $r of $RUNS ..." >&2
	timed "$D/trace.t" "$CK" trace -q -d "$D/s1.db" -f tsv --from "$D/leads"
done
rows=$(($(wc -l <"$D/out") - 1))

iw=$(cut -d' ' -f1 "$D/ingest.t" | median) ic=$(cut -d' ' -f2 "$D/ingest.t" | median)
tw=$(cut -d' ' -f1 "$D/trace.t" | median) tc=$(cut -d' ' -f2 "$D/trace.t" | median)
printf '%s sellers, %s flagged listings as leads, %s parties ranked; medians of %s runs\n' \
	"$N" "$(wc -l <"$D/leads")" "$rows" "$RUNS"
runs() { awk '{ printf "%s%s/%s", (NR > 1 ? ", " : ""), $1, $2 }' "$1"; }
printf 'ingest   wall %8.2f s   cpu %8.2f s   (runs, wall/cpu: %s)\n' "$iw" "$ic" "$(runs "$D/ingest.t")"
printf 'trace    wall %8.2f s   cpu %8.2f s   (runs, wall/cpu: %s)\n' "$tw" "$tc" "$(runs "$D/trace.t")"
awk -v tw="$tw" -v iw="$iw" -v tc="$tc" -v ic="$ic" 'BEGIN {
	printf "trace / ingest: wall %.2f%%, cpu %.2f%%  (target: at most 3%%)\n",
		100 * tw / iw, 100 * tc / ic }'
