#!/bin/sh
# accuracy-country.sh - link precision and recall on a dump whose phones mix national and
# international spellings, loaded without a country and with --country CN.
#
# usage: bench/accuracy-country.sh [SELLERS] [SEEDS]   (CASEKIT=binary; default 20000, "1 2 3")
# casekit synth writes the generic layout with no country column; an operation's shared mainland
# mobile is spelled by each account as its owner would (178-6665-8722, 17866658722,
# (+86) 17866658722, +86 178 6665 8722, 0086 ...). For each seed it prints pairwise P, R, F1
# (bench/linkeval.py against truth.json) with no country and with --country CN, and whether
# ingest warned naming --country. Goals (issue 12): with --country CN, P >= 0.99 and R >= 0.97;
# without it, the warning.
set -eu
N=${1:-20000}
SEEDS=${2:-1 2 3}
B=$(cd "$(dirname "$0")" && pwd)
CASEKIT=${CASEKIT:-$B/../_build/casekit}
export CASEKIT_DATADIR="${CASEKIT_DATADIR:-$B/../share}"
W=$(mktemp -d "${TMPDIR:-/tmp}/casekit-country.XXXXXX")
export XDG_DATA_HOME="$W" # the stores' payment key files, removed with the rest
trap 'rm -rf "$W"' EXIT
ck() { "$CASEKIT" "$@"; }

for seed in $SEEDS; do
	d="$W/s$seed"
	ck synth -q -o "$d" --sellers "$N" -s "$seed"
	python3 "$B/synthtruth.py" "$d/truth.json" "$d/sellers.csv" >"$d.truth"
	for cc in none CN; do
		rm -f "$d.db"*
		ck init -q "$d.db"
		if [ "$cc" = none ]; then
			ck ingest -d "$d.db" "$d" 2>"$d.err"
		else
			ck ingest -d "$d.db" --country "$cc" "$d" 2>"$d.err"
		fi
		ck link -q -d "$d.db" --members -f tsv >"$d.members"
		set -- $(python3 "$B/linkeval.py" "$d.truth" "$d.members")
		warned=no
		grep -q "national with no country.*--country CC" "$d.err" && warned=yes
		printf 'seed %s, %s sellers, country %-4s  P %s  R %s  F1 %s  largest %s  warning naming --country: %s\n' \
			"$seed" "$N" "$cc" "$3" "$4" "$5" "$9" "$warned"
		grep "identifiers: phone" "$d.err" | sed 's/^/    /'
	done
done
