#!/bin/sh
# accuracy-link.sh - casekit link against ground truth: casekit synth (three seeds) and FEBRL.
#
# usage: bench/accuracy-link.sh [SELLERS] [FEBRL_DATASET3_CSV]   (CASEKIT=binary)
# For each synth seed (20,000 sellers by default) it prints pairwise precision, recall and F1,
# B-cubed precision, recall and F1, the largest network, the honest sellers put in a network,
# the honest neighbours (near misses) joined, and the same figures for a plain reference (exact
# matches on lightly cleaned values, one fixed cap: bench/linkref.py). Goals: P >= 0.99,
# R >= 0.97, B-cubed F1 >= 0.98, no honest seller joined. With the FEBRL file (dataset3, loaded
# through the febrl profile) it prints P, R and F1 with and without --fuzzy (goal F1 >= 0.95).
set -eu
N=${1:-20000}
FEBRL=${2:-}
B=$(cd "$(dirname "$0")" && pwd)
CASEKIT=${CASEKIT:-$B/../_build/casekit}
export CASEKIT_DATADIR="${CASEKIT_DATADIR:-$B/../share}"
W=$(mktemp -d "${TMPDIR:-/tmp}/casekit-acc.XXXXXX")
export XDG_DATA_HOME="$W" # the stores' payment key files, removed with the rest
trap 'rm -rf "$W"' EXIT
ck() { "$CASEKIT" "$@"; }

# report LABEL TRUTH MEMBERS NEARMISSES
report() {
	set -- "$1" "$2" "$3" "$4" $(python3 "$B/linkeval.py" "$2" "$3")
	honest=$(awk -F'\t' 'NR == FNR { if ($2 ~ /^single:/) h[$1] = 1; next }
		FNR > 1 && ($2 in h) { n++ } END { print n + 0 }' "$2" "$3")
	near=0
	if [ -s "$4" ]; then
		near=$(awk -F'\t' 'NR == FNR { if (FNR > 1) net[$2] = $1; next }
			($1 in net) && ($2 in net) && net[$1] == net[$2] { n++ } END { print n + 0 }' \
			"$3" "$4")
	fi
	printf '%-22s P %s  R %s  F1 %s   B3 P %s  R %s  F1 %s   largest %s  honest joined %s  neighbours joined %s\n' \
		"$1" "$7" "$8" "$9" "${10}" "${11}" "${12}" "${13}" "$honest" "$near"
}

for seed in 1 2 3; do
	d="$W/synth$seed"
	ck synth -q -o "$d" --sellers "$N" -s "$seed"
	ck init -q "$d.db"
	ck ingest -q -d "$d.db" --country CN "$d"
	ck link -q -d "$d.db" --members -f tsv >"$d.members"
	python3 "$B/synthtruth.py" "$d/truth.json" "$d/sellers.csv" >"$d.truth"
	python3 -c 'import json, sys
for a, b in json.load(open(sys.argv[1]))["near_misses"]:
    print(a + "\t" + b)' "$d/truth.json" >"$d.near"
	python3 "$B/linkref.py" "$d.db" >"$d.ref"
	echo "synth seed $seed, $N sellers:"
	report "  casekit link" "$d.truth" "$d.members" "$d.near"
	report "  plain reference" "$d.truth" "$d.ref" "$d.near"
done

if [ -n "$FEBRL" ]; then
	ck init -q "$W/febrl.db"
	ck ingest -q -d "$W/febrl.db" -p febrl -k sellers "$FEBRL"
	ck query -d "$W/febrl.db" -f tsv "select seller_id from sellers" | sed 1d |
		awk '{ split($1, a, "-"); print $1 "\t" a[2] }' >"$W/febrl.truth"
	echo "FEBRL $(basename "$FEBRL"):"
	ck link -q -d "$W/febrl.db" --members -f tsv >"$W/febrl.exact"
	report "  exact" "$W/febrl.truth" "$W/febrl.exact" /dev/null
	if ck link -q -d "$W/febrl.db" --fuzzy --members -f tsv >"$W/febrl.fuzzy" 2>/dev/null; then
		report "  --fuzzy" "$W/febrl.truth" "$W/febrl.fuzzy" /dev/null
	fi
fi
