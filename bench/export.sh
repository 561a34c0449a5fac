#!/bin/bash
# export.sh - export of a one-network case against the ingest of its store (#15's bar: 1%)
#
# usage: bench/export.sh [SELLERS [RUNS]]     default 100000 sellers, 3 exports
# GZ=1 gzips the dump first, so that every source is read through zlib.
# Builds one store (synth, ingest, screen, link), opens a case on the biggest network with
# flagged listings (as bench/scale.sh does), exports it RUNS times and prints ingest's wall
# time, the median export's wall and CPU time, how many source rows the package cites, and
# export / ingest.
set -euo pipefail
SELLERS=${1:-100000}
RUNS=${2:-3}
CASEKIT=${CASEKIT:-./_build/casekit}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) not found" >&2; exit 1; }
W=$(mktemp -d "${TMPDIR:-/tmp}/ckexport.XXXXXX")
trap 'rm -rf "$W"' EXIT
export XDG_DATA_HOME="$W/data" XDG_CONFIG_HOME="$W/config" CASEKIT_DB="$W/case.db"
export CASEKIT_ANALYST=bench CASEKIT_ORGANIZATION=bench CASEKIT_CONTACT_EMAIL=bench@example.org
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$PWD/share}
mkdir -p "$W/bin" && cp "$CASEKIT" "$W/bin/casekit"
CK=$W/bin/casekit
q() { "$CK" query -f tsv "$1" | tail -n +2; }
timed() { # timed FILE CMD...: wall and CPU seconds of CMD into FILE
	local f=$1
	shift
	$TIME -f '%e %U %S' -o "$f" "$@" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; exit 1; }
}

"$CK" synth -q --sellers "$SELLERS" -s 1 -o "$W/dump"
[ "${GZ:-0}" = 1 ] && gzip -1 "$W"/dump/*.csv
"$CK" init -q "$CASEKIT_DB"
timed "$W/t.ingest" "$CK" ingest -q --country CN "$W/dump"
"$CK" screen -q -f ids --min-score 50 >/dev/null
"$CK" link -q -f ids >/dev/null
NET=$(q "select n.network_id from networks n join network_members m using (network_id)
	join listings l on l.seller_id = m.seller_id join scores s using (listing_id)
	where s.flagged != 0 group by n.network_id order by count(distinct m.seller_id) desc,
	n.network_id limit 1")
"$CK" case new -q "bench" --lead "network:$NET" >/dev/null
ID=$(q "select case_id from cases order by case_id desc limit 1")
for i in $(seq "$RUNS"); do
	timed "$W/t.export$i" "$CK" export -q "$ID" -o "$W/p$i.tar.gz"
done
CITED=$(tar -xzOf "$W/p1.tar.gz" --wildcards '*/data/sources/SOURCES.txt' |
	awk -F'\t' '!/^#/ && NR > 1 && $6 ~ /^[0-9]+$/ { n += $6 } END { print n + 0 }')
MEMBERS=$(q "select count(*) from network_members where network_id = '$NET'")
read -r IW _ <"$W/t.ingest"
read -r EW EC <<<"$(for i in $(seq "$RUNS"); do awk '{ print $1, $2 + $3 }' "$W/t.export$i"; done |
	sort -n | awk '{ w[NR] = $1; c[NR] = $2 } END { m = int((NR + 1) / 2); print w[m], c[m] }')"
printf 'sellers %s%s, network of %s accounts, %s source rows cited\n' "$SELLERS" \
	"$([ "${GZ:-0}" = 1 ] && echo ' (gzip)')" "$MEMBERS" "$CITED"
printf 'ingest %.2f s; export (median of %s) %.2f s wall, %.2f s CPU\n' "$IW" "$RUNS" "$EW" "$EC"
awk -v e="$EW" -v i="$IW" 'BEGIN { printf "export / ingest: %.4f\n", e / i }'
