#!/bin/bash
# identity-deep.sh - do two casekit binaries give the same case, trace and link outputs?
#
#   bench/identity-deep.sh OLD NEW [SELLERS [SEED]]     default 1000 sellers, seed 7
#
# What bench/identity.sh leaves out, for moving store code (#16): OLD makes one store (synth,
# ingest, screen, link, trace's indexes); each binary then works on its own copy of it:
# every case action (new, note, add, remove, grade, refresh, list), every section of case show
# and a redacted export (the package's files, unpacked); trace in every format, from each kind
# of lead, --tree and dot; link --full with every view, --network, --explain, an incremental
# run after 1% more sellers and a --fuzzy run, with the link tables as stored. Times and
# hashes (which hold times) are masked, and the lines of each output compared as sorted sets
# (the timeline sorts by time to the second). Prints the files that differ with their diff;
# exits 0 when none does. Both binaries run as "casekit" (custody logs the command line).
set -u
[ $# -ge 2 ] || { echo "usage: bench/identity-deep.sh OLD NEW [SELLERS [SEED]]" >&2; exit 64; }
cd "$(dirname "$0")/.."
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 not found" >&2; exit 1; }
OLD=$(realpath "$1") NEW=$(realpath "$2") N=${3:-1000} SEED=${4:-7}
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share} SOURCE_DATE_EPOCH=1700000000
export CASEKIT_ANALYST=bench CASEKIT_ORGANIZATION=bench CASEKIT_CONTACT_EMAIL=bench@example.org
W=$(mktemp -d "${TMPDIR:-/tmp}/casekit-identity-deep.XXXXXX")
trap 'rm -rf "$W"' EXIT

mkdir "$W/prep" && cd "$W/prep" || exit 1
export XDG_DATA_HOME=$W/prep
"$OLD" synth -q -o dump --sellers "$N" --seed "$SEED"
"$OLD" synth -q -o more --sellers $((N / 100 + 1)) --seed $((SEED + 1))
mkdir new
for f in sellers logins payments; do sed 's/\bS\([0-9]\)/Z\1/g' "more/$f.csv" >"new/$f.csv"; done
"$OLD" init -q s.db
"$OLD" ingest -q -d s.db --country CN dump 2>/dev/null
"$OLD" screen -d s.db -f csv --min-score 60 >screen.csv 2>/dev/null
"$OLD" link -d s.db -f csv >link.csv 2>/dev/null
"$OLD" trace -d s.db -f csv seller:S0000001 >/dev/null 2>&1 # its indexes, made once

tables() {
	local t
	for t in networks network_members link_edges link_hubs network_aliases; do
		echo "== $t"
		sqlite3 s.db "SELECT * FROM $t ORDER BY 1, 2"
	done
	sqlite3 s.db "SELECT run_id, mode, last_ident_id, params, rows_seen, sellers, networks,
		members, edges, hubs FROM link_runs"
}

run() {
	local O=$W/$1 CK=casekit NET L L2 P F A B sec f Y
	mkdir -p "$O" "$W/bin.$1" && ln -s "$2" "$W/bin.$1/casekit"
	cp -a "$W/prep" "$O.w" && cd "$O.w" || return
	export XDG_DATA_HOME=$PWD PATH=$W/bin.$1:$PATH
	NET=$(sed -n 2p link.csv | cut -d, -f1)
	L=$(sed -n 2p screen.csv | cut -d, -f1)
	L2=$(sed -n 3p screen.csv | cut -d, -f1)
	P=$(sed -n 2p dump/parties.csv | cut -d, -f1)
	Y=$(date -u +%Y) # case ids are numbered by the year of the clock
	tail -n +2 screen.csv | cut -d, -f1 | head -300 | sed 's/^/listing:/' >leads.txt
	# case
	$CK case -d s.db -q new one --lead "network:$NET" --lead seller:S0000003 \
		--lead "listing:$L" --lead "listing:$L2" >"$O/case-new" 2>&1
	$CK case -d s.db note CASE-$Y-0001 "a note" >"$O/case-note" 2>&1
	$CK case -d s.db add CASE-$Y-0001 seller:S0000010 >"$O/case-add" 2>&1
	$CK case -d s.db remove CASE-$Y-0001 seller:S0000010 >"$O/case-remove" 2>&1
	F=$($CK case -d s.db show CASE-$Y-0001 -f tsv --section findings | awk -F'\t' 'NR == 2 { print $1 }')
	$CK case -d s.db grade CASE-$Y-0001 "$F" C3 --reason why >"$O/case-grade" 2>&1
	$CK case -d s.db new two --lead seller:S0000020 >"$O/case-new2" 2>&1
	$CK case -d s.db refresh CASE-$Y-0002 >"$O/case-refresh" 2>&1
	$CK case -d s.db list -f tsv >"$O/case-list" 2>&1
	for sec in summary value leads sellers listings orders testbuys takedowns parties links \
		findings timeline notes custody; do
		$CK case -d s.db show CASE-$Y-0001 -f json --section $sec >"$O/case-show-$sec" 2>&1
	done
	$CK case -d s.db show CASE-$Y-0001 -f table >"$O/case-show" 2>&1
	$CK export -d s.db CASE-$Y-0001 -o x.tar.gz --redact buyers >"$O/export" 2>&1
	mkdir x && tar -xzf x.tar.gz -C x &&
		(cd x && find . -type f | sort | while read -r f; do
			echo "== $f"
			case "$f" in *.gz | *.zip) md5sum <"$f" ;; *) cat "$f" ;; esac
		done) >"$O/export-files"
	# trace
	for f in csv json tsv table ids; do
		$CK trace -d s.db -f $f --from leads.txt >"$O/trace.$f" 2>&1
	done
	$CK trace -d s.db -f tsv "network:$NET" seller:S0000002 >"$O/trace-network" 2>&1
	$CK trace -d s.db -f tsv "party:$P" >"$O/trace-party" 2>&1
	$CK trace -d s.db -f tsv --case CASE-$Y-0001 >"$O/trace-case" 2>&1
	$CK trace -d s.db --tree --depth 3 --rank reach --from leads.txt >"$O/trace-tree" 2>&1
	$CK trace -d s.db -f dot --from leads.txt >"$O/trace-dot" 2>&1
	$CK trace -d s.db -f tsv listing:NOPE network:NOPE >"$O/trace-nope" 2>&1
	echo "exit $?" >>"$O/trace-nope"
	# link
	$CK link -d s.db --full -f csv >"$O/link-full" 2>&1
	tables >"$O/link-full-tables"
	$CK link -d s.db -f tsv --members >"$O/link-members" 2>&1
	$CK link -d s.db -f json --hubs >"$O/link-hubs" 2>&1
	$CK link -d s.db -f dot >"$O/link-dot" 2>&1
	for NET in $(tail -n +2 "$O/link-full" | cut -d, -f1 | head -5); do
		$CK link -d s.db -f tsv --network "$NET" >>"$O/link-network" 2>&1
	done
	A=$(awk -F'\t' 'NR == 2 { print $2 }' "$O/link-members")
	B=$(awk -F'\t' 'NR == 3 { print $2 }' "$O/link-members")
	$CK link -d s.db -f tsv --explain "$A" "$B" >"$O/link-explain" 2>&1
	$CK link -d s.db -f tsv --explain "$A" S0000009 >"$O/link-explain-not" 2>&1
	$CK ingest -q -d s.db --country CN new 2>/dev/null
	$CK link -d s.db -f csv >"$O/link-incremental" 2>&1
	tables >"$O/link-incremental-tables"
	$CK link -d s.db -f csv --fuzzy >"$O/link-fuzzy" 2>&1
	tables >"$O/link-fuzzy-tables"
	cd "$W" && rm -rf "$O.w"
}
run old "$OLD"
run new "$NEW"
sed -i -E -e 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/TIME/g' \
	-e 's/\b[0-9a-f]{64}([0-9a-f]{64})?\b/HASH/g' "$W"/old/* "$W"/new/*
for f in "$W"/old/* "$W"/new/*; do sort -o "$f" "$f"; done
if diff -r "$W/old" "$W/new"; then
	echo "identical: $(ls "$W/new" | wc -l) case, trace and link outputs of $N sellers, seed $SEED"
else
	exit 1
fi
