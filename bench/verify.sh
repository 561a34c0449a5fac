#!/bin/sh
# verify.sh - casekit verify's hashing against sha256sum, and export of a big case.
#
# usage: bench/verify.sh [MIB] [SELLERS]   (CASEKIT=binary; defaults 256 MiB, 10000 sellers)
# 1. A bag folder with MIB MiB of payload in 16 files and a sha256 manifest only: the median
#    of three 'casekit verify BAG' runs against three 'sha256sum' runs over the same files
#    (goal: verify at >= 80% of sha256sum's speed, i.e. ratio >= 0.80). The same bag as a
#    tar.gz against 'gzip -dc | sha256sum' for reference (inflate bounds both).
# 2. casekit synth with SELLERS sellers, ingest, link, a case holding every seller, then the
#    median of three exports (goal: seconds), and the package verified.
set -eu
MIB=${1:-256}
N=${2:-10000}
B=$(cd "$(dirname "$0")" && pwd)
CASEKIT=${CASEKIT:-$B/../_build/casekit}
export CASEKIT_DATADIR="${CASEKIT_DATADIR:-$B/../share}"
export SOURCE_DATE_EPOCH=1764547200 CASEKIT_ANALYST=bench
W=$(mktemp -d "${TMPDIR:-/tmp}/casekit-bench.XXXXXX")
export XDG_DATA_HOME="$W" # the stores' payment key files, removed with the rest
trap 'rm -rf "$W"' EXIT
ck() { "$CASEKIT" "$@"; }

# median3 CMD...: run three times, print the median wall time in seconds
median3() {
	for i in 1 2 3; do
		s=$(date +%s.%N)
		"$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
		e=$(date +%s.%N)
		awk -v s="$s" -v e="$e" 'BEGIN { print e - s }'
	done | sort -n | sed -n 2p
}

mkdir -p "$W/bag/data"
per=$((MIB / 16))
i=0
while [ $i -lt 16 ]; do
	head -c $((per * 1048576)) /dev/urandom >"$W/bag/data/part$i.bin"
	i=$((i + 1))
done
printf 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n' >"$W/bag/bagit.txt"
(cd "$W/bag" && sha256sum data/* >manifest-sha256.txt &&
	printf 'Payload-Oxum: %s.16\n' $((per * 16 * 1048576)) >bag-info.txt)
cat "$W"/bag/data/* >/dev/null # warm the page cache for both
t_sum=$(median3 sh -c "cd '$W/bag' && sha256sum data/*")
t_ver=$(median3 "$CASEKIT" verify -q "$W/bag")
printf 'verify folder: %d MiB  sha256sum %.3f s  casekit verify %.3f s  ratio %.2f (goal >= 0.80)\n' \
	"$MIB" "$t_sum" "$t_ver" "$(awk -v a="$t_sum" -v b="$t_ver" 'BEGIN { print a / b }')"
tar -C "$W" -czf "$W/bag.tar.gz" bag
t_zsum=$(median3 sh -c "gzip -dc '$W/bag.tar.gz' | sha256sum")
t_zver=$(median3 "$CASEKIT" verify -q "$W/bag.tar.gz")
printf 'verify tar.gz: %d MiB  gzip -dc|sha256sum %.3f s  casekit verify %.3f s  ratio %.2f\n' \
	"$MIB" "$t_zsum" "$t_zver" "$(awk -v a="$t_zsum" -v b="$t_zver" 'BEGIN { print a / b }')"
rm -rf "$W/bag" "$W/bag.tar.gz"

ck synth -q -o "$W/dump" --sellers "$N" -s 1
ck init -q "$W/db"
ck ingest -q -d "$W/db" --country CN "$W/dump"
ck link -q -d "$W/db" >/dev/null
ck query -d "$W/db" -f tsv "select 'seller:' || seller_id from sellers" | tail -n +2 |
	ck case -d "$W/db" new "Every seller" --from - >/dev/null
sellers=$(ck query -d "$W/db" -f tsv "select count(*) from case_members" | tail -1)
t_exp=$(median3 sh -c "f=\$(mktemp -u '$W/pXXXXXX').tar.gz; '$CASEKIT' export -q -d '$W/db' CASE-$(date -u +%Y)-0001 -o \$f")
ck export -q -d "$W/db" CASE-$(date -u +%Y)-0001 -o "$W/last.tar.gz"
size=$(stat -c %s "$W/last.tar.gz")
t_v=$(median3 "$CASEKIT" verify -q "$W/last.tar.gz")
printf 'export: a case of %s sellers  %.2f s  package %d KiB  verify %.2f s\n' \
	"$sellers" "$t_exp" $((size / 1024)) "$t_v"
