#!/bin/bash
# scale.sh - the whole chain at one size: each step's wall and CPU time, peak RSS and rate,
# the store's size against the CSV, and sqlite3's plain .import of the same files as the peer
#
# usage: bench/scale.sh [SELLERS]    (default 300000)
# Needs the built binary ($CASEKIT, default ./_build/casekit), sqlite3 and GNU time.
# Steps: synth, init, ingest (the whole dump), screen, link, trace from 2,000 flagged
# listings, case new from the biggest network with flagged listings, case show, export,
# verify, stats. The peer: sqlite3 .import --csv of sellers.csv and listings.csv into tables
# with the same columns and no checks (what a user would run instead of ingest).
# Each step runs once (a big store takes minutes to build); run the script again for a
# median. The ratios at the end are what #15's bars are stated in, of wall time and of CPU.
# Where a step's time goes: run it again with CASEKIT_SQL_PROFILE=1 (casekit(1)), which
# lists the statements that took longest.
set -euo pipefail
SELLERS=${1:-300000}
CASEKIT=${CASEKIT:-./_build/casekit}
TIME=/usr/bin/time
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 not found" >&2; exit 1; }
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) not found" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/ckscale.XXXXXX")
trap 'rm -rf "$W"' EXIT
export XDG_DATA_HOME="$W/data" XDG_CONFIG_HOME="$W/config" CASEKIT_DB="$W/case.db"
export CASEKIT_ANALYST=bench CASEKIT_ORGANIZATION=bench CASEKIT_CONTACT_EMAIL=bench@example.org
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share}
mkdir -p "$W/bin" && cp "$CASEKIT" "$W/bin/casekit" # a rebuild while the bench runs does not pull it away
CK=$W/bin/casekit

printf '%-10s %9s %9s %10s %12s  %s\n' step wall_s cpu_s peak_mb rows_per_s note
declare -A WALL CPU

# step NAME ROWS NOTE CMD...: run CMD once under GNU time, print one line, keep its wall time
step() {
	local name=$1 rows=$2 note=$3 wall cpu rss rate
	shift 3
	if ! $TIME -f '%e %U %S %M' -o "$W/time" "$@" >"$W/$name.out" 2>"$W/$name.err"; then
		echo "bench: $name failed:" >&2
		tail -5 "$W/$name.err" >&2
		exit 1
	fi
	read -r wall u s rss <"$W/time"
	cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
	rate=-
	[ "$rows" -gt 0 ] && rate=$(awk -v r="$rows" -v w="$wall" 'BEGIN { printf "%.0f", (w > 0 ? r / w : 0) }')
	WALL[$name]=$wall
	CPU[$name]=$cpu
	printf '%-10s %9s %9s %10.1f %12s  %s\n' "$name" "$wall" "$cpu" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$rate" "$note"
}

q() { "$CK" query -f tsv "$1" | tail -n +2; }

step synth 0 "$SELLERS sellers" "$CK" synth -q --sellers "$SELLERS" -s 1 -o "$W/dump"
CSV_BYTES=$(cat "$W"/dump/*.csv | wc -c)
ROWS=$(( $(cat "$W"/dump/*.csv | wc -l) - $(ls "$W"/dump/*.csv | wc -l) ))
step init 0 "" "$CK" init -q "$CASEKIT_DB"
step ingest "$ROWS" "$ROWS rows, $((CSV_BYTES / 1048576)) MiB of CSV" "$CK" ingest -q --country CN "$W/dump"
LISTINGS=$(q "select count(*) from listings")
step screen "$LISTINGS" "" "$CK" screen -q -f ids --min-score 50
step link "$SELLERS" "" "$CK" link -q -f ids
q "select listing_id from scores where flagged != 0 order by listing_id limit 2000" |
	sed 's/^/listing:/' >"$W/leads"
step trace 2000 "from $(wc -l <"$W/leads") flagged listings" "$CK" trace -q -f tsv --from "$W/leads"
NET=$(q "select n.network_id from networks n join network_members m using (network_id)
	join listings l on l.seller_id = m.seller_id join scores s using (listing_id)
	where s.flagged != 0 group by n.network_id order by count(distinct m.seller_id) desc,
	n.network_id limit 1" 2>/dev/null || true)
if [ -n "$NET" ]; then
	step case_new 0 "network:$NET" "$CK" case new -q "scale" --lead "network:$NET"
	ID=$(q "select case_id from cases order by case_id desc limit 1")
	step case_show 0 "$ID" "$CK" case show -f json "$ID"
	step export 0 "$ID" "$CK" export -q "$ID" -o "$W/$ID.tar.gz"
	step verify 0 "" "$CK" verify -q "$W/$ID.tar.gz"
else
	echo "bench: no network with flagged listings; case, export and verify skipped" >&2
fi
step stats 0 "" "$CK" stats -f json

STORE_BYTES=$(stat -c %s "$CASEKIT_DB")

# The peer: sqlite3's .import of the same sellers and listings, no schema beyond the header,
# against casekit ingest of those two files into a new store.
SL_ROWS=$(( $(cat "$W/dump/sellers.csv" "$W/dump/listings.csv" | wc -l) - 2 ))
"$CK" init -q "$W/sl.db"
step ingest_sl "$SL_ROWS" "sellers+listings only" "$CK" ingest -q -d "$W/sl.db" \
	"$W/dump/sellers.csv" "$W/dump/listings.csv"
step import "$SL_ROWS" "sqlite3 .import sellers+listings" sqlite3 "$W/peer.db" \
	".import --csv $W/dump/sellers.csv sellers" ".import --csv $W/dump/listings.csv listings"

echo
awk -v s="$STORE_BYTES" -v c="$CSV_BYTES" 'BEGIN { printf "store / CSV bytes:          %.2f (%d MiB / %d MiB)\n", s / c, s / 1048576, c / 1048576 }'
# Wall and CPU: on a shared machine the wall ratio also measures the neighbours' disk use.
ratio() {
	awk -v a="${WALL[$1]:-0}" -v b="${WALL[$2]:-0}" -v c="${CPU[$1]:-0}" -v d="${CPU[$2]:-0}" \
		-v t="$3" 'BEGIN { if (b > 0) printf "%-27s %.3f (cpu %.3f)\n", t, a / b, (d > 0 ? c / d : 0) }'
}
ratio ingest_sl import "ingest / sqlite3 .import:"
ratio trace ingest "trace / ingest:"
ratio export ingest "export / ingest:"
ratio stats ingest "stats / ingest:"
ratio screen ingest "screen / ingest:"
ratio link ingest "link / ingest:"
