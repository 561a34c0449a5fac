#!/bin/bash
# grammar.sh - what casekit prints about counts reads as English: "1 row", "an orders file"
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

ck init -q "$T/db" && ck init -q "$T/db2"
export CASEKIT_DB="$T/db"
mkdir -p "$T/one" "$T/empty"
cp "$DATA/case/dump/sellers.csv" "$DATA/case/dump/listings.csv" "$T/one/"
head -2 "$DATA/case/dump/orders.csv" >"$T/one/orders.csv"
: >"$T/empty/orders.csv"
(cd "$T" && "$CASEKIT" ingest one/sellers.csv one/listings.csv) >/dev/null 2>&1
check_grep "one row read is '1 row read'" "\(orders\): 1 row read, 1 kept, 0 rejected" ingest "$T/one/orders.csv"
check_grep "and more are rows" "\(sellers\): 4 rows read" ingest -n -d "$T/db2" "$T/one/sellers.csv"
check_grep "an orders file, not a orders file" "is empty: an orders file needs a header line" ingest "$T/empty/orders.csv"
check_grep "a sellers file" "is empty: a sellers file needs a header line" ingest -k sellers "$T/empty/orders.csv"
cp -r "$DATA/case/dump" "$T/dump"
(cd "$T" && "$CASEKIT" ingest -q dump) >/dev/null 2>&1
check_grep "one network is '1 network'" "run: 4 sellers, 1 network of 2 accounts, 0 hubs" link

# A folder given with a trailing slash: the file names have one slash, on screen and in the store.
ck init -q "$T/db3"
(cd "$T" && "$CASEKIT" ingest -d db3 dump/) >"$T/out" 2>"$T/err"
expect "ingest DIR/ prints no double slash" sh -c "grep -q \"'dump/sellers.csv'\" '$T/err' && ! grep -q '//' '$T/err'"
expect "nor keeps one in the sources" test "$(sqlite3 "$T/db3" "select count(*) from sources where path like '%//%'")" = 0
check_grep "synth -o DIR/ neither" "wrote .* to '$T/syn/'" synth -o "$T/syn/" --sellers 20
expect "and writes its files there" test -s "$T/syn/sellers.csv"
done_testing
