#!/usr/bin/env bash
# synth.sh - how fast does casekit synth write, and does its memory stay flat?
#
#   bench/synth.sh [SELLERS [RUNS]]      default 200000 sellers, 3 runs (medians)
#
# Prints, for SELLERS and for SELLERS/10: rows written, wall seconds, rows per second and
# peak resident memory (from /usr/bin/time), then two ratios:
#   - rows/s of synth against a peer that does the least a generator can do: one awk
#     printf per row of the same count and a similar width (no randomness, no spelling);
#   - peak RSS at SELLERS against SELLERS/10: flat memory means a ratio near 1.
# Targets (issue 3): linear time, and --sellers 1000000 under 300 MB resident.
set -euo pipefail
cd "$(dirname "$0")/.."
CK=${CASEKIT:-$PWD/_build/casekit}
SELLERS=${1:-200000}
RUNS=${2:-3}
D=$(mktemp -d "${TMPDIR:-/tmp}/casekit-bench.XXXXXX")
trap 'rm -rf "$D"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# run N: median wall seconds and peak RSS (KB) of synth at N sellers; rows of the last run.
run() {
	local n=$1 i
	: >"$D/t" && : >"$D/m"
	for i in $(seq "$RUNS"); do
		rm -rf "$D/out"
		/usr/bin/time -f "%e %M" -o "$D/time" "$CK" synth -q -o "$D/out" --sellers "$n" -s "$i"
		read -r secs kb <"$D/time"
		echo "$secs" >>"$D/t"
		echo "$kb" >>"$D/m"
	done
	rows=$(cat "$D"/out/*.csv | wc -l)
	rows=$((rows - 10))
	secs=$(median <"$D/t")
	kb=$(median <"$D/m")
}

run $((SELLERS / 10))
small_kb=$kb
printf '%-9s %10s rows %7.2f s %12.0f rows/s %8d KB peak\n' $((SELLERS / 10)) "$rows" "$secs" \
	"$(awk "BEGIN { print $rows / $secs }")" "$kb"
run "$SELLERS"
big_rows=$rows big_secs=$secs big_kb=$kb
printf '%-9s %10s rows %7.2f s %12.0f rows/s %8d KB peak\n' "$SELLERS" "$rows" "$secs" \
	"$(awk "BEGIN { print $rows / $secs }")" "$kb"

# The peer: awk writes the same number of rows, about as wide, to a file.
: >"$D/t"
for i in $(seq "$RUNS"); do
	/usr/bin/time -f "%e" -o "$D/time" awk -v n="$big_rows" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "L%08d,S%07d,title of listing %d,Brand,bags,%d.00,CNY,2025-01-01T00:00:00Z,active,,https://market.example/item/L%08d\n", i, i / 8, i, i % 1000, i
	}' >"$D/peer.csv"
	cat "$D/time" >>"$D/t"
done
peer=$(median <"$D/t")
printf 'peer awk: %10s rows %7.2f s %12.0f rows/s\n' "$big_rows" "$peer" \
	"$(awk "BEGIN { print $big_rows / $peer }")"
printf 'ratio synth/awk rows per second: %.2f (above 1: synth is faster)\n' \
	"$(awk "BEGIN { print $peer / $big_secs }")"
printf 'ratio peak RSS %d / %d sellers: %.2f (near 1: memory is flat)\n' "$SELLERS" \
	$((SELLERS / 10)) "$(awk "BEGIN { print $big_kb / $small_kb }")"
