#!/usr/bin/env bash
# takedown_quality.sh - the bars of casekit takedown, measured against synth's notice truth
#
#   bench/takedown_quality.sh [SELLERS [SEED]]     default 20000 sellers (about 1,900 notices)
#
# casekit synth writes a marketplace with notices and notices_truth.json; the store is
# loaded, screened, linked and screened again (the network signal), then every notice is
# triaged. Prints (bench/takedown_eval.py): the share of notices accepted without review that
# are valid (bar >= 99%), the share of valid notices accepted without review (>= 80%), every
# notice decided, every rejection with a reason, and what 'takedown expand' lists from the
# first 20 notices accepted: further listings (>= 100) and the share counterfeit (>= 95%).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_args 1 "${1:-20000}"
SEED=${2:-1}
# Notices received over the last day, so that stats' handling times mean something.
"$CK" synth -q -o "$D/s$SEED" --sellers "$SELLERS" -s "$SEED" --notices-until now
"$CK" init -q "$D/s$SEED.db"
"$CK" ingest -q -d "$D/s$SEED.db" --country CN "$D/s$SEED"
db=$D/s$SEED.db
"$CK" screen -q -d "$db" -f ids >/dev/null
"$CK" link -q -d "$db" -f ids >/dev/null
"$CK" screen -q -d "$db" -f ids >/dev/null
"$CK" takedown -d "$db" triage -f tsv >"$D/triage.tsv"
n=0
for id in $(awk -F'\t' '$2 == "accept" { print $1 }' "$D/triage.tsv" | sort | head -20); do
	"$CK" takedown -d "$db" expand "$id" -f tsv >"$D/expand.$id.tsv"
	n=$((n + 1))
done
echo "sellers	$SELLERS"
echo "seed	$SEED"
python3 bench/takedown_eval.py "$D/triage.tsv" "$D/s$SEED/notices_truth.json" "$D/s$SEED/truth.json" \
	"$D"/expand.*.tsv
"$CK" stats -d "$db" -f tsv | grep '^notices\.'
