#!/usr/bin/env bash
# takedown.sh - is triaging notices at most as slow as screening the store's listings?
#
#   bench/takedown.sh [SELLERS [RUNS]]       default 100000 sellers (about 800,000 listings
#                                            and 9,000 notices), 3 runs
#
# casekit synth writes a dump with notices (about one per ten sellers); the store is loaded,
# screened and linked once. Each run times 'casekit screen --rescore' over all its listings
# and 'casekit takedown triage' of all its notices (the decisions of the run before are
# removed first, so every run decides every notice; the first triage, which makes the index
# of listings(url) that later ones search, is timed apart). Prints the medians, the ratio
# triage / screen (target, issue 14: <= 1) and the median of each run's own ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
CK=${CASEKIT:-$PWD/_build/casekit}
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share}
SELLERS=${1:-100000}
RUNS=${2:-3}
D=$(mktemp -d "${TMPDIR:-/tmp}/casekit-bench.XXXXXX")
export XDG_DATA_HOME="$D" # the store's payment key file, removed with the rest
trap 'rm -rf "$D"' EXIT

"$CK" synth -q -o "$D/dump" --sellers "$SELLERS" -s 1
"$CK" init -q "$D/s.db"
"$CK" ingest -q -d "$D/s.db" "$D/dump"
"$CK" screen -q -d "$D/s.db" -f ids >/dev/null
"$CK" link -q -d "$D/s.db" -f ids >/dev/null
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
# secs CMD...: wall-clock and CPU (user + system) seconds of CMD, on one line
secs() {
	local TIMEFORMAT='%R %U %S' t
	t=$({ time "$@" >/dev/null; } 2>&1)
	echo "$t" | awk '{ printf "%s %.3f\n", $1, $2 + $3 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# The first triage makes listings_url, once for the store's life: timed apart from the runs.
sqlite3 "$D/s.db" "drop trigger if exists notice_decisions_no_delete"
first=$(secs "$CK" takedown -d "$D/s.db" triage -f tsv)
: >"$D/screen.t"
: >"$D/triage.t"
for run in $(seq "$RUNS"); do
	# --rescore: a screen run that finds nothing changed takes the last scores instead
	secs "$CK" screen -q -d "$D/s.db" --rescore -f ids >>"$D/screen.t"
	# the store refuses to forget decisions: the bench dropped that guard of its scratch store
	sqlite3 "$D/s.db" "delete from notice_decisions"
	secs "$CK" takedown -d "$D/s.db" triage -f tsv >>"$D/triage.t"
done
listings=$(sqlite3 "$D/s.db" "select count(*) from listings")
notices=$(sqlite3 "$D/s.db" "select count(*) from notices")
decided=$(sqlite3 "$D/s.db" "select count(distinct notice_id) from notice_decisions")
sw=$(cut -d' ' -f1 "$D/screen.t" | median)
sc=$(cut -d' ' -f2 "$D/screen.t" | median)
tw=$(cut -d' ' -f1 "$D/triage.t" | median)
tc=$(cut -d' ' -f2 "$D/triage.t" | median)
paste -d' ' "$D/screen.t" "$D/triage.t" | awk '{ print $3 / $1 }' >"$D/ratio"
echo "sellers $SELLERS, listings $listings, notices $notices (decided $decided), runs $RUNS"
echo "screen: median wall ${sw}s, cpu ${sc}s"
echo "triage: median wall ${tw}s, cpu ${tc}s (the first, which indexed listings(url): wall ${first% *}s, cpu ${first#* }s)"
echo "ratio triage/screen: wall $(calc "$tw / $sw"), cpu $(calc "$tc / $sc"); median of runs $(median <"$D/ratio")"
