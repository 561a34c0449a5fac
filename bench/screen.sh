#!/usr/bin/env bash
# screen.sh - is screening at least as fast as ingesting the same listings?
#
#   bench/screen.sh [SELLERS [RUNS]]      default 20000 sellers (about 160,000 listings), 3 runs
#
# casekit synth writes a dump; each run makes a fresh store, loads everything but the
# listings, then times 'casekit ingest listings.csv' (the peer) and 'casekit screen' over the
# same listings. Prints the medians and the ratio screen / ingest (target, issue 6: <= 1),
# and the median of each run's own ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
CK=${CASEKIT:-$PWD/_build/casekit}
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share}
SELLERS=${1:-20000}
RUNS=${2:-3}
D=$(mktemp -d "${TMPDIR:-/tmp}/casekit-bench.XXXXXX")
export XDG_DATA_HOME="$D" # the stores' payment key files, removed with the rest
trap 'rm -rf "$D"' EXIT

"$CK" synth -q -o "$D/dump" --sellers "$SELLERS" -s 1
mkdir "$D/rest" "$D/late"
for f in "$D"/dump/*.csv; do
	case $(basename "$f") in
	listings.csv) ;;
	orders.csv | testbuys.csv | takedowns.csv) ln -s "$f" "$D/late/" ;;
	*) ln -s "$f" "$D/rest/" ;;
	esac
done
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
# secs CMD...: wall-clock and CPU (user + system) seconds of CMD, on one line
secs() {
	local TIMEFORMAT='%R %U %S' t
	t=$({ time "$@" >/dev/null; } 2>&1)
	echo "$t" | awk '{ printf "%s %.3f\n", $1, $2 + $3 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >"$D/ingest.t"
: >"$D/screen.t"
for run in $(seq "$RUNS"); do
	rm -f "$D/s.db"*
	"$CK" init -q "$D/s.db"
	"$CK" ingest -q -d "$D/s.db" "$D/rest"
	secs "$CK" ingest -q -d "$D/s.db" -k listings "$D/dump/listings.csv" >>"$D/ingest.t"
	"$CK" ingest -q -d "$D/s.db" "$D/late"
	secs "$CK" screen -q -d "$D/s.db" -f ids >>"$D/screen.t"
done
n=$(sqlite3 "$D/s.db" "select count(*) from scores")
iw=$(cut -d' ' -f1 "$D/ingest.t" | median)
ic=$(cut -d' ' -f2 "$D/ingest.t" | median)
sw=$(cut -d' ' -f1 "$D/screen.t" | median)
sc=$(cut -d' ' -f2 "$D/screen.t" | median)
printf 'listings             %d (median of %d runs)\n' "$n" "$RUNS"
printf 'ingest (peer)        %.3f s wall, %.3f s CPU  (%.0f listings/s)\n' "$iw" "$ic" "$(calc "$n / $iw")"
printf 'screen               %.3f s wall, %.3f s CPU  (%.0f listings/s)\n' "$sw" "$sc" "$(calc "$n / $sw")"
printf 'ratio screen/ingest  %.2f wall, %.2f CPU  (target <= 1)\n' "$(calc "$sw / $iw")" "$(calc "$sc / $ic")"
# Each run's screen beside the ingest just before it: steadier when the load moves between runs.
pw=$(paste -d' ' "$D/ingest.t" "$D/screen.t" | awk '{ print $3 / $1 }' | median)
pc=$(paste -d' ' "$D/ingest.t" "$D/screen.t" | awk '{ print $4 / $2 }' | median)
printf 'paired, median       %.2f wall, %.2f CPU  (each run'"'"'s screen / its ingest)\n' "$pw" "$pc"
