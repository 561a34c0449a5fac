#!/bin/bash
# identity.sh - do two casekit binaries give byte-identical outputs on one fixed pipeline?
#
#   bench/identity.sh OLD NEW [SELLERS [SEED]]     default 2000 sellers, seed 5
#
# For moving code between files (#16): build the old commit, then run this with both
# binaries. Each runs synth, init, ingest, screen (csv, tsv --min-score, --explain, leads,
# --from, --stream), link (csv, json, table, ids, --members, --hubs, --network, --from,
# --explain of a joined and an unjoined pair), sample, stats (store and case), trace and a
# case, in a fresh folder with SOURCE_DATE_EPOCH set, and keeps stdout, stderr and the
# stored scores. Prints the files that differ with their diff; exits 0 when none does.
# bench/identity-deep.sh goes further into case (actions, show, export), trace and link.
# Wrap a binary in a folder named casekit (it dispatches on its name).
set -u
[ $# -ge 2 ] || { echo "usage: bench/identity.sh OLD NEW [SELLERS [SEED]]" >&2; exit 64; }
cd "$(dirname "$0")/.."
OLD=$(realpath "$1") NEW=$(realpath "$2") N=${3:-2000} SEED=${4:-5}
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share} SOURCE_DATE_EPOCH=1700000000
W=$(mktemp -d "${TMPDIR:-/tmp}/casekit-identity.XXXXXX")
trap 'rm -rf "$W"' EXIT

pipeline() {
	local CK=$1 O=$2 A B NET
	mkdir -p "$O" "$O.w" && cd "$O.w" || return
	export XDG_DATA_HOME=$PWD
	"$CK" synth -q -o dump --sellers "$N" --seed "$SEED"
	"$CK" init -q s.db
	"$CK" ingest -q -d s.db dump 2>"$O/ingest.err"
	"$CK" screen -d s.db -f csv >"$O/screen.csv" 2>"$O/screen.err"
	"$CK" screen -d s.db -f tsv --min-score 70 --rescore >"$O/screen70.tsv" 2>/dev/null ||
		"$CK" screen -d s.db -f tsv --min-score 70 >"$O/screen70.tsv" 2>/dev/null
	"$CK" screen -d s.db -f tsv --explain "$(sed -n 2p "$O/screen.csv" | cut -d, -f1)" \
		>"$O/screen-explain.tsv" 2>&1
	"$CK" link -d s.db -f csv >"$O/link.csv" 2>"$O/link.err"
	"$CK" link -d s.db -f json >"$O/link.json" 2>&1
	"$CK" link -d s.db -f table >"$O/link.txt" 2>&1
	"$CK" link -d s.db -f ids >"$O/link.ids" 2>&1
	"$CK" link -d s.db -f tsv --members >"$O/link-members.tsv" 2>&1
	"$CK" link -d s.db -f tsv --hubs >"$O/link-hubs.tsv" 2>&1
	NET=$(sed -n 2p "$O/link.csv" | cut -d, -f1)
	"$CK" link -d s.db -f tsv --network "$NET" >"$O/link-network.tsv" 2>&1
	A=$(awk -F'\t' 'NR == 2 { print $2 }' "$O/link-members.tsv")
	B=$(awk -F'\t' 'NR == 3 { print $2 }' "$O/link-members.tsv")
	printf 'seller:%s\nlisting:NOPE\n' "$A" |
		"$CK" link -d s.db -f json --from - >"$O/link-from.json" 2>&1
	"$CK" link -d s.db -f tsv --explain "$A" "$B" >"$O/link-explain.tsv" 2>&1
	"$CK" link -d s.db -f tsv --explain "$A" S0000001 >"$O/link-explain-not.tsv" 2>&1
	"$CK" sample -d s.db -f tsv --budget 5000CNY --seed 3 >"$O/sample.tsv" 2>&1
	"$CK" stats -d s.db -f json >"$O/stats.json" 2>&1
	"$CK" trace -d s.db -f csv "seller:$A" >"$O/trace.csv" 2>&1
	"$CK" case -d s.db -q --analyst t new "identity" --lead "seller:$A" >/dev/null 2>&1
	"$CK" stats -d s.db -f json --case CASE-2026-0001 >"$O/stats-case.json" 2>&1
	"$CK" screen -d s.db -f tsv --stream <dump/listings.csv >"$O/stream.tsv" 2>&1
	"$CK" screen -d s.db -f tsv "seller:$A" >"$O/screen-leads.tsv" 2>&1
	sqlite3 s.db "SELECT listing_id, seller_id, score, flagged, brand, reasons FROM scores
		ORDER BY 1" >"$O/scores.txt" 2>/dev/null
	cd "$W" && rm -rf "$O.w"
}
pipeline "$OLD" "$W/old"
pipeline "$NEW" "$W/new"
if diff -r "$W/old" "$W/new"; then
	echo "identical: $(ls "$W/new" | wc -l) outputs of $N sellers, seed $SEED"
else
	exit 1
fi
