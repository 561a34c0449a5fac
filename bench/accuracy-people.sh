#!/bin/sh
# accuracy-people.sh - casekit link on public person-record benchmarks, against their ground truth.
#
# usage: bench/accuracy-people.sh DIR...      (CASEKIT=binary)
# Each DIR is searched for FEBRL's dataset1.csv, dataset2.csv, dataset3.csv (loaded through the
# shipped febrl profile) and Splink's fake_1000.csv (unique_id, first_name, surname, dob, city,
# email, cluster; loaded through a profile written here, with the city as the address: a
# city-level address that must never join two people on its own). For each file it prints
# pairwise precision, recall and F1 of `casekit link` and of `casekit link --fuzzy`, the
# largest network and the number of networks. Goals (issue 12): FEBRL with --fuzzy P >= 0.98,
# R >= 0.95; fake_1000 networks only where a name, an email or a street-level address agrees.
set -eu
[ $# -ge 1 ] || {
	echo "usage: bench/accuracy-people.sh DIR..." >&2
	exit 64
}
B=$(cd "$(dirname "$0")" && pwd)
CASEKIT=${CASEKIT:-$B/../_build/casekit}
export CASEKIT_DATADIR="${CASEKIT_DATADIR:-$B/../share}"
W=$(mktemp -d "${TMPDIR:-/tmp}/casekit-people.XXXXXX")
export XDG_DATA_HOME="$W"
trap 'rm -rf "$W"' EXIT
ck() { "$CASEKIT" "$@"; }

cat >"$W/fake1000.profile" <<'EOF'
profile fake1000
country GB
[sellers]
files fake_1000*.csv
seller_id = unique_id
platform = "splink"
owner_name = {first_name} {surname}
address = city
EOF

# score LABEL DB TRUTH [LINK OPTIONS]
score() {
	label=$1 db=$2 truth=$3
	shift 3
	if ! ck link -q -d "$db" --members -f tsv "$@" >"$W/members" 2>"$W/err"; then
		printf '  %-9s failed: %s\n' "$label" "$(head -1 "$W/err")"
		return
	fi
	set -- $(python3 "$B/linkeval.py" "$truth" "$W/members")
	nets=$(sed 1d "$W/members" | cut -f1 | sort -u | wc -l)
	printf '  %-9s P %s  R %s  F1 %s   pairs found %s, true %s  largest %s  networks %s\n' \
		"$label" "$3" "$4" "$5" "$2" "$1" "$9" "$nets"
}

# run NAME FILE PROFILE TRUTHCMD
run() {
	db="$W/$1.db"
	rm -f "$db"
	ck init -q "$db"
	ck ingest -q -d "$db" -p "$3" -k sellers "$2"
	"$4" "$2" >"$W/$1.truth"
	echo "$1 ($(($(wc -l <"$2") - 1)) records):"
	score exact "$db" "$W/$1.truth"
	score --fuzzy "$db" "$W/$1.truth" --fuzzy
}

# FEBRL: rec-N-org and rec-N-dup-K are one person
febrl_truth() { sed 1d "$1" | awk -F', *' '{ split($1, a, "-"); print $1 "\t" a[2] }'; }
# fake_1000: the cluster column
fake_truth() { sed 1d "$1" | awk -F, '{ print $1 "\t" $NF }'; }

for d in "$@"; do
	for f in dataset1 dataset2 dataset3; do
		[ -f "$d/$f.csv" ] && run "febrl-$f" "$d/$f.csv" febrl febrl_truth
	done
	[ -f "$d/fake_1000.csv" ] && run fake_1000 "$d/fake_1000.csv" "$W/fake1000.profile" fake_truth
done
exit 0
