#!/bin/bash
# ingest.sh - casekit ingest against the sqlite3 CLI's plain .import of the same files
#
# usage: bench/ingest.sh [SELLERS] [RUNS]    (default 300000 sellers, 3 runs; medians are printed)
# Needs the built binary ($CASEKIT, default ./_build/casekit), sqlite3 and GNU time.
# The dump comes from `casekit synth --sellers SELLERS` (about 8 listings a seller).
# The peer is what a user would run instead: `.import --csv` of the same files into a new
# database, no schema (the CLI makes all-TEXT tables from the header), one transaction a file.
# casekit does more: it checks every row (field count, UTF-8, the seller exists, money and
# time formats), converts money and times, normalises the sellers' identifiers, records
# provenance and builds its indexes. Each run times, in turn: sellers+listings into a new
# store and into a new sqlite3 database, then listings alone into a store that holds the
# sellers and into a new database. BENCH_GZ=1 adds listings.csv.gz against `|gzip -dc`;
# BENCH_DUMP=1 adds one ingest of the whole dump, for its peak RSS. CASEKIT_OLD=BINARY times
# an older casekit too, in the same runs, so that a change is measured under the same load as
# its baseline (a shared machine's load moves single runs by a third). Each line gives the
# median wall and CPU (user+sys) seconds; the CPU ratios hold steadier than the wall ones on
# a loaded machine, but favour sqlite3, which uses one core where casekit uses them all.
# #15's bars (on wall time): sellers+listings ratio >= 1.0, listings ratio >= 1.5, peak RSS
# < 200 MB (bench/ingest-rss.sh measures it at two sizes).
set -euo pipefail
SELLERS=${1:-300000}
RUNS=${2:-3}
CASEKIT=${CASEKIT:-./_build/casekit}
W=$(mktemp -d "${TMPDIR:-/tmp}/ckbench.XXXXXX")
export XDG_DATA_HOME="$W" # the stores' payment key files, removed with the rest
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share} # the address rules, as an installed casekit has them
trap 'rm -rf "$W"' EXIT
TIME=/usr/bin/time
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 not found" >&2; exit 1; }
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) not found" >&2; exit 1; }
cp "$CASEKIT" "$W/casekit.bin" # a rebuild while the bench runs does not pull it away
CK=$W/casekit.bin
OLD=
if [ -n "${CASEKIT_OLD:-}" ]; then
	cp "$CASEKIT_OLD" "$W/old-casekit.bin" # not casekit-*: it would dispatch on that name
	OLD=$W/old-casekit.bin
fi

echo "generating $SELLERS sellers in $W" >&2
"$CK" synth -q --sellers "$SELLERS" -s 1 -o "$W/dump" >/dev/null
S=$W/dump/sellers.csv L=$W/dump/listings.csv
[ -z "${BENCH_GZ:-}" ] || gzip -6 -c "$L" >"$W/listings.csv.gz"
L_ROWS=$(( $(wc -l <"$L") - 1 ))
SL_ROWS=$(( L_ROWS + $(wc -l <"$S") - 1 ))
SL_BYTES=$(cat "$S" "$L" | wc -c)
L_BYTES=$(stat -c %s "$L")
"$CK" init -q "$W/sellers.db"
"$CK" ingest -q -d "$W/sellers.db" "$S"
if [ -n "$OLD" ]; then # its own: an older casekit may not open a newer schema
	"$OLD" init -q "$W/sellers-old.db"
	"$OLD" ingest -q -d "$W/sellers-old.db" "$S"
fi

# timed LABEL SETUP CMD: run CMD (after SETUP, untimed) once; append "seconds kb cpu" to $W/LABEL
timed() {
	bash -c "$2" >/dev/null 2>&1
	$TIME -f '%e %M %U %S' -o "$W/time" bash -c "$3" >/dev/null 2>"$W/err" ||
		{ echo "bench: $1 failed:" >&2; cat "$W/err" >&2; exit 1; }
	awk '{ print $1, $2, $3 + $4 }' "$W/time" >>"$W/$1.t"
}
median() { awk '{ print $1 }' "$W/$1.t" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
cpu() { awk '{ print $3 }' "$W/$1.t" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
peak() { awk '{ print $2 }' "$W/$1.t" | sort -n | tail -1; }

import() { # DB FILE TABLE...: the peer's command line
	local db=$1 a=()
	shift
	while [ $# -gt 0 ]; do a+=(".import --csv $1 $2"); shift 2; done
	printf 'sqlite3 %s' "$db"
	printf " '%s'" "${a[@]}"
}
for i in $(seq 1 "$RUNS"); do
	echo "run $i of $RUNS" >&2
	timed ck_sl "rm -f $W/ck.db*; '$CK' init -q $W/ck.db" "'$CK' ingest -q -d $W/ck.db $S $L"
	timed sq_sl "rm -f $W/sq.db*" "$(import "$W/sq.db" "$S" sellers "$L" listings)"
	timed ck_l "rm -f $W/ck.db*; cp $W/sellers.db $W/ck.db" "'$CK' ingest -q -d $W/ck.db $L"
	timed sq_l "rm -f $W/sq.db*" "$(import "$W/sq.db" "$L" listings)"
	if [ -n "$OLD" ]; then
		timed old_sl "rm -f $W/ck.db*; '$OLD' init -q $W/ck.db" "'$OLD' ingest -q -d $W/ck.db $S $L"
		timed old_l "rm -f $W/ck.db*; cp $W/sellers-old.db $W/ck.db" "'$OLD' ingest -q -d $W/ck.db $L"
	fi
	if [ -n "${BENCH_GZ:-}" ]; then
		timed ck_z "rm -f $W/ck.db*; cp $W/sellers.db $W/ck.db" \
			"'$CK' ingest -q -d $W/ck.db $W/listings.csv.gz"
		timed sq_z "rm -f $W/sq.db*" "$(import "$W/sq.db" "\"|gzip -dc $W/listings.csv.gz\"" listings)"
	fi
done
got=$(sqlite3 "$W/ck.db" "select count(*) from listings")
[ "$got" = "$L_ROWS" ] || { echo "bench: casekit kept $got of $L_ROWS listings" >&2; exit 1; }
rm -f "$W"/ck.db* "$W"/sq.db*
if [ -n "${BENCH_DUMP:-}" ]; then
	echo "whole dump" >&2
	timed ck_all "'$CK' init -q $W/all.db" "'$CK' ingest -q -d $W/all.db $W/dump"
	rm -f "$W"/all.db*
fi

line() { # LABEL NAME ROWS BYTES
	awk -v l="$1" -v s="$(median "$2")" -v c="$(cpu "$2")" -v kb="$(peak "$2")" -v r="$3" -v b="$4" 'BEGIN {
		printf "%-30s %8.2f s %7.2f s CPU %10.0f rows/s %7.1f MB/s %7.1f MB peak RSS\n", l, s, c, r / s, b / 1e6 / s, kb / 1024 }'
}
echo "$SELLERS sellers: $SL_ROWS sellers and listings rows, $L_ROWS listings; median of $RUNS runs"
line "casekit sellers+listings" ck_sl "$SL_ROWS" "$SL_BYTES"
line "sqlite3 .import sellers+listings" sq_sl "$SL_ROWS" "$SL_BYTES"
line "casekit listings" ck_l "$L_ROWS" "$L_BYTES"
line "sqlite3 .import listings" sq_l "$L_ROWS" "$L_BYTES"
if [ -n "$OLD" ]; then
	line "old casekit sellers+listings" old_sl "$SL_ROWS" "$SL_BYTES"
	line "old casekit listings" old_l "$L_ROWS" "$L_BYTES"
fi
if [ -n "${BENCH_GZ:-}" ]; then
	line "casekit listings .gz" ck_z "$L_ROWS" "$L_BYTES"
	line "sqlite3 .import |gzip -dc" sq_z "$L_ROWS" "$L_BYTES"
fi
[ -z "${BENCH_DUMP:-}" ] || awk -v s="$(median ck_all)" -v kb="$(peak ck_all)" 'BEGIN {
	printf "%-30s %8.2f s %7.1f MB peak RSS\n", "casekit whole dump (one run)", s, kb / 1024 }'
ratio() { awk -v a="$(median "$2")" -v b="$(median "$3")" -v ca="$(cpu "$2")" -v cb="$(cpu "$3")" -v t="$1" -v bar="$4" 'BEGIN {
	printf "%-44s %.2f (%s %s); CPU %.2f\n", t, a / b, bar, (a / b >= bar) ? "ok" : "NOT MET", ca / cb }'; }
echo "ratios (sqlite3 time / casekit time; wall, and CPU after it):"
ratio "  sellers+listings" sq_sl ck_sl 1.0
ratio "  listings" sq_l ck_l 1.5
[ -z "${BENCH_GZ:-}" ] || ratio "  listings .gz" sq_z ck_z 1.0
if [ -n "$OLD" ]; then
	echo "the old casekit in the same runs (sqlite3 time / old casekit time):"
	ratio "  sellers+listings" sq_sl old_sl 1.0
	ratio "  listings" sq_l old_l 1.5
fi
p=0
for n in ck_sl ck_l ${BENCH_GZ:+ck_z} ${BENCH_DUMP:+ck_all}; do
	k=$(peak "$n")
	[ "$k" -gt "$p" ] && p=$k
done
awk -v p="$p" 'BEGIN { printf "casekit peak RSS %.1f MB (< 200 MB required): %s\n", p / 1024, (p / 1024 < 200) ? "ok" : "TOO BIG" }'
