#!/usr/bin/env bash
# stream.sh - how fast does casekit screen --stream answer, per listing and in bulk?
#
#   bench/stream.sh [SELLERS [RUNS [ROUNDTRIPS]]]   default 20000 sellers (about 160,000
#                                                   listings), 3 runs, 2000 round trips
#
# casekit synth writes a dump, which is loaded, linked and screened once (so the stream has
# market prices, seller facts and a network signal to use). Then:
#   throughput  the dump's listings.csv piped through --stream (-f tsv, one flush per verdict),
#               less the time of an empty stream (start-up: rules, market prices), median of RUNS
#   round trip  one listing written into --stream's stdin and its verdict read back before the
#               next is written, ROUNDTRIPS times: the latency a platform sees per listing
#               (median and 99th percentile; the Python driver's own time is included)
#   peer        a full 'casekit screen' of the same listings, stored, in the same runs: the
#               ratio stream / full says what one flush and one verdict per listing cost
set -euo pipefail
cd "$(dirname "$0")/.."
CK=${CASEKIT:-$PWD/_build/casekit}
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share}
SELLERS=${1:-20000}
RUNS=${2:-3}
TRIPS=${3:-2000}
D=$(mktemp -d "${TMPDIR:-/tmp}/casekit-bench.XXXXXX")
export XDG_DATA_HOME="$D" # the stores' payment key files, removed with the rest
trap 'rm -rf "$D"' EXIT

"$CK" synth -q -o "$D/dump" --sellers "$SELLERS" -s 1
"$CK" init -q "$D/s.db"
"$CK" ingest -q -d "$D/s.db" --country CN "$D/dump"
"$CK" link -q -d "$D/s.db" >/dev/null
"$CK" screen -q -d "$D/s.db" -f ids >/dev/null
L=$D/dump/listings.csv
head -1 "$L" >"$D/header.csv"
n=$(($(wc -l <"$L") - 1))
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
secs() {
	local TIMEFORMAT='%R' t
	t=$({ time "$@" >/dev/null; } 2>&1)
	echo "$t"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >"$D/full.t"
: >"$D/empty.t"
: >"$D/batch.t"
for run in $(seq "$RUNS"); do
	# --rescore: a full run again, not the last run's scores reused (nothing changed between)
	secs "$CK" screen -q -d "$D/s.db" -f ids --rescore >>"$D/batch.t"
	secs sh -c "'$CK' screen -q -d '$D/s.db' --stream -f tsv <'$L' >/dev/null" >>"$D/full.t"
	secs sh -c "'$CK' screen -q -d '$D/s.db' --stream -f tsv <'$D/header.csv' >/dev/null" >>"$D/empty.t"
done
fw=$(median <"$D/full.t")
ew=$(median <"$D/empty.t")
sw=$(calc "$fw - $ew")
bw=$(median <"$D/batch.t")

# Round trips: the first TRIPS listings, one at a time: each is written, flushed, and its
# verdict read back before the next goes in. A Python driver does it (bash reads a pipe a byte
# at a time, which would cost more than casekit); its own time is in the figure.
sed -n "2,$((TRIPS + 1))p" "$L" >"$D/trips.csv"
trips() {
	python3 - "$D/header.csv" "$D/trips.csv" "$@" <<'PY'
import subprocess, sys, time
header, trips, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
lines = open(trips, "rb").read().splitlines(keepends=True)
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
out = p.stdout
p.stdin.write(open(header, "rb").read())
t = []
for i, line in enumerate(lines):
    t0 = time.perf_counter_ns()
    p.stdin.write(line)
    got = out.readline()
    if i == 0 and got.startswith(b"listing_id"):
        got = out.readline()  # tsv's header comes with the first verdict
    t.append(time.perf_counter_ns() - t0)
p.stdin.close()
p.wait()
t = sorted(t[1:])  # the first one waits for start-up
print("%.1f %.1f" % (t[len(t) // 2] / 1e3, t[int(len(t) * 0.99)] / 1e3))
PY
}
read -r rt rt99 < <(trips "$CK" screen -q -d "$D/s.db" --stream -f tsv)
k=$(wc -l <"$D/trips.csv")

printf 'listings             %d (synth, %d sellers; median of %d runs)\n' "$n" "$SELLERS" "$RUNS"
printf 'stream, all of them  %.3f s wall, of which start-up %.3f s (rules, market prices)\n' "$fw" "$ew"
printf 'throughput           %.0f listings/s, %.1f µs per listing (start-up left out)\n' \
	"$(calc "$n / $sw")" "$(calc "$sw / $n * 1e6")"
printf 'peer: full screen   %.3f s wall for the same listings in the store; stream / full %.2f\n' \
	"$bw" "$(calc "$fw / $bw")"
printf 'round trip           %.1f µs median, %.1f µs p99 per listing, one at a time (%d listings)\n' \
	"$rt" "$rt99" "$k"
