#!/bin/sh
# sample.sh - casekit sample: test buys within a budget, weighted by risk, the same per seed
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

ck init -q "$T/db"
ck ingest -q -d "$T/db" "$DATA/sample"
sqlite3 "$T/db" <"$DATA/sample/scores.sql"
export CASEKIT_DB="$T/db"

check_grep "--help shows usage" "^usage: casekit sample" sample --help
check_exit 64 "no budget is a usage error" sample
check_exit 64 "a budget that is no amount is a usage error" sample --budget lots
check_exit 64 "more decimals than the currency has" sample --budget 5.123CNY
check_exit 64 "yen have no decimals" sample --budget 100.5JPY
check_exit 64 "a zero budget is a usage error" sample --budget 0
check_exit 64 "two currencies is a usage error" sample --budget "CNY 5 USD"
check_exit 64 "an operand is a usage error" sample --budget 5 A1
check_exit 64 "a bad seed is a usage error" sample --budget 5 --seed x
check_exit 66 "a missing store exits 66" sample -d "$T/none.db" --budget 5

# The budget holds for every seed, and the excluded listings never come out.
ok=1 seen=
for s in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	run sample -f tsv --budget 400CNY --seed $s
	spent=$(awk -F'\t' 'NR > 1 { t += $4 } END { print t + 0 }' "$T/out")
	[ "$rc" = 0 ] && [ "$spent" -le 40000 ] && [ "$spent" -gt 0 ] || ok=0
	seen="$seen $(awk -F'\t' 'NR > 1 { printf "%s ", $1 }' "$T/out")"
done
expect "the budget is never exceeded (20 seeds)" test "$ok" = 1
expect "removed, test-bought, low-scored and USD listings are never chosen" \
	sh -c "! printf '%s\n' '$seen' | grep -Eq '(^| )(A6|A8|A9|U1|A10)( |$)'"
expect "an affordable flagged listing is chosen under some seed" sh -c "printf '%s\n' '$seen' | grep -q 'A3'"

run sample -f tsv --budget 400 --seed 42
cp "$T/out" "$T/first"
run sample -f tsv --budget 400 --seed 42
expect "the same seed gives the same choice" cmp "$T/first" "$T/out"
differ=0
for s in 1 2 3 4 5 6 7 8; do
	run sample -f tsv --budget 400 --seed $s
	cmp -s "$T/first" "$T/out" || differ=1
done
expect "other seeds give other choices" test "$differ" = 1
check_grep "a budget without a currency takes the commonest one" "^A[0-9]+	S[0-9]	[a-z]+	[0-9]+\.[0-9][0-9]	CNY	" sample -f tsv --budget 400
check_grep "the summary says what was spent" "chosen for [0-9]+\.[0-9]{2} of 400\.00 CNY" sample -f tsv --budget 400
check_out "a USD budget draws the USD listing only" "listing:U1" sample -f ids --budget USD60
check_grep "min-score 0 lets unscored listings in" "^A10	S7	nike	30\.00	CNY		unscored;" sample -f tsv --budget 30 --min-score 0
check_out "nothing fits a tiny budget: header only" "listing_id	seller_id	brand	price	currency	score	why" sample -f tsv --budget 1
run sample -f tsv --budget 2000 --seed 3
expect "a big budget buys every candidate once" test "$(tail -n +2 "$T/out" | cut -f1 | sort | tr '\n' ' ')" = "A1 A2 A3 A4 A5 A7 "
expect "why names the score, brand and seller counts" grep -Eq "	score [0-9]+; (1st|2nd|3rd) of brand gucci; (1st|2nd) of seller S1; chance 0\.[0-9]{3}$" "$T/out"
check_grep "json is an array of objects" '^\[?\{"listing_id":"A[0-9]+","seller_id":"S[0-9]","brand":"[a-z]+","price":[0-9]+\.[0-9][0-9],"currency":"CNY","score":[0-9]+,"why":' sample -f json --budget 400
check_grep "ndjson is one object a line" '^\{"listing_id":"A[0-9]+".*"why":"score [0-9]+;[^"]*"\}$' sample -f ndjson --budget 400
check_grep "csv has a header" "^listing_id,seller_id,brand,price,currency,score,why" sample -f csv --budget 400
check_grep "table is aligned" "^listing_id +seller_id +brand +price" sample -f table --budget 400

# Spread: ten cheap gucci listings of one seller against one each of three other brands.
# Weighted by score alone gucci would take about 3.4 of every 4 buys; spread, far fewer.
mkdir -p "$T/more"
{
	echo "listing_id,seller_id,title,brand,category,price,currency,created_at,status,image_text,url"
	for i in 0 1 2 3 4 5 6 7 8 9; do echo "G$i,S1,bag,gucci,bags,10.00,CNY,,,,"; done
	echo "P1,S3,bag,prada,bags,10.00,CNY,,,,"
	echo "C1,S4,belt,coach,belts,10.00,CNY,,,,"
	echo "H1,S6,bag,hermes,bags,10.00,CNY,,,,"
} >"$T/more/listings.csv"
cp "$T/db" "$T/spread.db"
ck ingest -q -d "$T/spread.db" "$T/more"
sqlite3 "$T/spread.db" "insert into scores(listing_id, seller_id, score, flagged, reasons, run_id) select listing_id, seller_id, case brand when 'gucci' then 95 else 60 end, 1, '', 1 from listings where price = 1000"
g=0
for s in 1 2 3 4 5 6 7 8 9 10; do
	run sample -d "$T/spread.db" -f tsv --budget 40 --seed $s
	g=$((g + $(tail -n +2 "$T/out" | cut -f3 | grep -c '^gucci$')))
done
expect "buys spread across brands and sellers ($g of 40 gucci; unspread: 34)" test "$g" -le 20
# Networks from link: two listings of one network are spread like one seller's.
sqlite3 "$T/db" "create table if not exists network_members(seller_id text primary key, network_id text not null); insert into network_members(seller_id, network_id) values ('S1','N1'),('S2','N1')"
check_grep "a network is named in why" "of network N1; chance" sample -f tsv --budget 2000
# Without scores every listing weighs the same, and a warning says so.
sqlite3 "$T/db" "delete from scores"
check_grep "no scores: a warning" "no screening scores in the store" sample -f tsv --budget 400
check_grep "no scores: unscored listings are candidates" "unscored; 1st of brand" sample -f tsv --budget 1000
done_testing
