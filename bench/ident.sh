#!/usr/bin/env bash
# ident.sh - how fast are the identifier normalisers? calls per second, against a trivial peer
#
#   bench/ident.sh [SELLERS]        default 20000 sellers of casekit synth
#
# casekit synth writes a dump; its phone, email, address, device, IP and card columns (as
# sellers, logins and payments spell them) become one input file per kind. bench/ident.c,
# built against the library of _build/, normalises every value several rounds, and so does
# the peer: an ASCII-lowercase copy of the same strings into the same kind of buffer. Printed
# per kind: calls/s (median of 3 runs) and the ratio to the peer on the same strings. Ingest
# calls one normaliser per identifier cell, so calls/s against its rows/s says whether the
# normalisers matter to a load.
set -euo pipefail
cd "$(dirname "$0")/.."
TOP=$PWD
BUILD=${BUILD:-$TOP/_build}
CK=${CASEKIT:-$BUILD/casekit}
SELLERS=${1:-20000}
D=$(mktemp -d "${TMPDIR:-/tmp}/casekit-ident.XXXXXX")
trap 'rm -rf "$D"' EXIT
export CASEKIT_DATADIR=${CASEKIT_DATADIR:-$TOP/share}

"$CK" synth -q -o "$D/s" --sellers "$SELLERS" -s 1
python3 - "$D" <<'PY'
import csv, sys
d = sys.argv[1]
def col(f, name):
    with open(f"{d}/s/{f}", newline="", encoding="utf-8") as fp:
        return [r[name] for r in csv.DictReader(fp) if r[name]]
out = {
    "phone": col("sellers.csv", "phone"),
    "email": col("sellers.csv", "email"),
    "address": col("sellers.csv", "address") + col("sellers.csv", "return_address"),
    "device": col("logins.csv", "device_id"),
    "ip": col("logins.csv", "ip"),
    "payment": col("payments.csv", "instrument_id"),
}
for k, v in out.items():
    with open(f"{d}/{k}.txt", "w", encoding="utf-8") as fp:
        fp.write("\n".join(v) + "\n")
PY
cc -O2 -I"$BUILD" -I"$TOP/lib" -I"$TOP/cmd" "$TOP/bench/ident.c" "$BUILD/lib/libcasekit.a" \
	$(pkg-config --libs icu-uc icu-i18n libcrypto sqlite3 zlib) -lcsv -lpthread -o "$D/ident"

# median SECONDS of 3 runs of: ident KIND FILE ROUNDS
median() {
	for _ in 1 2 3; do "$D/ident" "$@" | awk '{ print $3 }'; done | sort -g | sed -n 2p
}
printf '%-8s %8s %12s %12s %8s\n' kind values calls/s peer/s ratio
for k in phone email address device ip payment; do
	n=$(wc -l <"$D/$k.txt")
	rounds=$(( (400000 + n - 1) / n ))
	t=$(median "$k" "$D/$k.txt" "$rounds")
	p=$(median lower "$D/$k.txt" "$rounds")
	awk -v k="$k" -v n="$n" -v c=$((n * rounds)) -v t="$t" -v p="$p" 'BEGIN {
		printf "%-8s %8d %12.0f %12.0f %8.1f\n", k, n, c / t, c / p, t / p }'
done
