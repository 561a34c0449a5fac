#!/bin/bash
# ingest.sh - casekit ingest against the sqlite3 CLI's .import of the same file
#
# usage: bench/ingest.sh [ROWS] [RUNS]    (default 1000000 rows, 3 runs; medians are printed)
# Needs the built binary ($CASEKIT, default ./_build/casekit), sqlite3, gzip and GNU time.
# The listings come from `casekit synth` (ROWS/8 sellers give about ROWS listings, ~140 bytes
# a row, Chinese and English titles) unless BENCH_AWK=1 or the binary has no synth; then from
# the awk generator below (same columns, ~130 bytes a row, 12 % of titles quoted).
# The peer is what a user would run instead: a fresh database, the table created with the
# store's listings columns and key, then `.import --csv --skip 1` (one transaction).
# casekit does more: it checks every row (field count, UTF-8, the seller exists, money and
# time formats), converts money and times, records provenance and builds its indexes.
set -euo pipefail
ROWS=${1:-1000000}
RUNS=${2:-3}
CASEKIT=${CASEKIT:-./_build/casekit}
W=$(mktemp -d "${TMPDIR:-/tmp}/ckbench.XXXXXX")
export XDG_DATA_HOME="$W" # the stores' payment key files, removed with the rest
trap 'rm -rf "$W"' EXIT
TIME=/usr/bin/time
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 not found" >&2; exit 1; }
[ -x "$TIME" ] || { echo "bench: GNU time (/usr/bin/time) not found" >&2; exit 1; }

SELLERS=$(( ROWS / 100 + 1 ))
echo "generating about $ROWS listings in $W" >&2
if "$CASEKIT" synth --help >/dev/null 2>&1 && [ -z "${BENCH_AWK:-}" ] &&
	"$CASEKIT" synth -q --sellers $(( ROWS / 8 + 1 )) -o "$W/synth" >/dev/null 2>&1 &&
	[ -f "$W/synth/listings.csv" ]; then
	cp "$W/synth/sellers.csv" "$W/sellers.csv"
	cp "$W/synth/listings.csv" "$W/listings.csv"
	src="casekit synth"
else
	awk -v n="$SELLERS" 'BEGIN { print "seller_id,shop_name,status"
		for (i = 1; i <= n; i++) printf "S%07d,Shop %d,active\n", i, i }' >"$W/sellers.csv"
	awk -v rows="$ROWS" -v n="$SELLERS" 'BEGIN { srand(42)
		split("Chanel Gucci Rolex Nike Prada Hermes Dior Apple", B, " ")
		split("bags watches shoes phones", C, " ")
		print "listing_id,seller_id,title,brand,category,price,currency,created_at,status,image_text,url"
		for (i = 1; i <= rows; i++) {
			b = B[int(rand() * 8) + 1]; t = b " classic item " i
			if (rand() < 0.12) t = "\"" b " bag, mirror quality " i "\""
			if (rand() < 0.06) t = "\"" b " \"\"AAA\"\" replica " i "\""
			printf "L%08d,S%07d,%s,%s,%s,%d.%02d,USD,2025-%02d-%02dT%02d:%02d:00Z,active,,https://shop.example/item/%d\n",
				i, int(rand() * n) + 1, t, b, C[int(rand() * 4) + 1], int(rand() * 900) + 10,
				int(rand() * 100), int(rand() * 12) + 1, int(rand() * 28) + 1, int(rand() * 24),
				int(rand() * 60), i }
	}' >"$W/listings.csv"
	src="awk generator"
fi
gzip -6 -c "$W/listings.csv" >"$W/listings.csv.gz"
BYTES=$(stat -c %s "$W/listings.csv")
DATA_ROWS=$(( $(wc -l <"$W/listings.csv") - 1 ))

# run LABEL SETUP CMD: time CMD (after SETUP, untimed) RUNS times; prints "median_s peak_kb"
run() {
	local setup=$2 cmd=$3 i t=() m=()
	for i in $(seq 1 "$RUNS"); do
		bash -c "$setup" >/dev/null 2>&1
		$TIME -f '%e %M' -o "$W/time" bash -c "$cmd" >/dev/null 2>"$W/err" ||
			{ echo "bench: $1 failed:" >&2; cat "$W/err" >&2; exit 1; }
		read -r s kb <"$W/time"
		t+=("$s"); m+=("$kb")
	done
	printf '%s %s\n' "$(printf '%s\n' "${t[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" \
		"$(printf '%s\n' "${m[@]}" | sort -n | tail -1)"
}

SCHEMA="create table listings(listing_id TEXT PRIMARY KEY, seller_id TEXT NOT NULL, title TEXT,
 brand TEXT, category TEXT, price INTEGER, currency TEXT, created_at TEXT, status TEXT,
 image_text TEXT, url TEXT)"
setup_ck="rm -f $W/ck.db*; '$CASEKIT' init -q $W/ck.db && '$CASEKIT' ingest -q -d $W/ck.db $W/sellers.csv"
setup_sq="rm -f $W/sq.db*"
read -r ck_t ck_m < <(run "casekit ingest" "$setup_ck" "'$CASEKIT' ingest -q -d $W/ck.db $W/listings.csv")
read -r sq_t sq_m < <(run "sqlite3 .import" "$setup_sq" "sqlite3 $W/sq.db \"$SCHEMA\" '.import --csv --skip 1 $W/listings.csv listings'")
read -r ckz_t ckz_m < <(run "casekit ingest .gz" "$setup_ck" "'$CASEKIT' ingest -q -d $W/ck.db $W/listings.csv.gz")
read -r sqz_t sqz_m < <(run "sqlite3 .import |gzip -dc" "$setup_sq" "sqlite3 $W/sq.db \"$SCHEMA\" '.import --csv --skip 1 \"|gzip -dc $W/listings.csv.gz\" listings'")
got=$(sqlite3 "$W/ck.db" "select count(*) from listings")
[ "$got" = "$DATA_ROWS" ] || { echo "bench: casekit kept $got of $DATA_ROWS rows" >&2; exit 1; }

line() { # LABEL SECONDS KB
	awk -v l="$1" -v s="$2" -v kb="$3" -v r="$DATA_ROWS" -v b="$BYTES" 'BEGIN {
		printf "%-28s %8.2f s %10.0f rows/s %7.1f MB/s %7.1f MB peak RSS\n", l, s, r / s, b / 1e6 / s, kb / 1024 }'
}
echo "listings: $DATA_ROWS rows, $(awk -v b="$BYTES" 'BEGIN { printf "%.1f", b / 1e6 }') MB ($src); median of $RUNS runs"
line "casekit ingest" "$ck_t" "$ck_m"
line "sqlite3 .import" "$sq_t" "$sq_m"
line "casekit ingest (.gz)" "$ckz_t" "$ckz_m"
line "sqlite3 .import |gzip -dc" "$sqz_t" "$sqz_m"
awk -v a="$sq_t" -v b="$ck_t" -v c="$sqz_t" -v d="$ckz_t" 'BEGIN {
	printf "ratio (sqlite3 time / casekit time): plain %.2f, gzip %.2f (>= 1.0 required, 1.5 target)\n", a / b, c / d }'
awk -v m="$ck_m" -v z="$ckz_m" 'BEGIN { p = (m > z ? m : z) / 1024
	printf "casekit peak RSS %.1f MB (must stay < 200 MB): %s\n", p, p < 200 ? "ok" : "TOO BIG" }'
