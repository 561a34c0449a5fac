#!/bin/sh
# screen.sh - casekit screen: scores, reasons, formats, --explain, --from, rules errors
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

ck init -q "$T/db"
if ! sqlite3 "$T/db" <"$DATA/screen/store.sql" 2>"$T/sqlerr"; then
	fail "fixture store loads" "$(cat "$T/sqlerr")"
	done_testing
fi
S() { ck screen -d "$T/db" "$@"; }

check_grep "--help shows usage" "^usage: casekit screen" screen --help
check_exit 64 "a bad option is a usage error" screen -d "$T/db" --min-scor 3
check_exit 64 "--min-score past 100 is a usage error" screen -d "$T/db" --min-score 101
check_exit 64 "--explain with operands is a usage error" screen -d "$T/db" --explain L01 L02
check_exit 66 "a missing store exits 66" screen -d "$T/none.db"

printf '%s\n' 'listing_id	seller_id	score	reasons' \
	'L01	S1	100	brand~gucci(homoglyph) kw:高仿 price:0.12×ref new-seller:9d' \
	'L04	S3	100	brand:rolex kw:replica price:0.03×ref testbuy:failed' \
	'L10	S2	90	brand:gucci kw:1:1 price:0.03×ref' \
	'L03	S2	80	brand~gucci(spaced) price:0.09×ref' \
	'L12	S3	80	brand:gucci price:0.01×ref seller-testbuys:1' \
	'L11	S2	50	brand:zorblax price:0.10×ref' >"$T/want"
check "flagged listings, highest first, as tsv" "$T/want" screen -d "$T/db"
check_grep "a summary goes to stderr" "12 listings scored, 6 flagged" screen -d "$T/db"
check_out "the honest traps are left alone" "$(printf 'n\n0')" query -d "$T/db" \
	"select count(*) as n from scores where flagged and listing_id in ('L02','L05','L06','L07','L08','L09')"
check_out "every listing gets a score row" "$(printf 'n\n12')" query -d "$T/db" \
	"select count(*) as n from scores join screen_runs using(run_id) where length(rules_digest) = 64"
check_out "the run is recorded with its counts" "$(printf 'scope\tscored\tflagged\nall\t12\t6')" query -d "$T/db" -f tsv \
	"select scope, scored, flagged from screen_runs order by run_id desc limit 1"
check_out "a brand from the store's brands table is known" "$(printf 'brand\nZorblax')" query -d "$T/db" \
	"select brand from scores where listing_id = 'L11'"

check_out "ids prints typed listing ids" "$(printf 'listing:L01\nlisting:L04\nlisting:L10')" \
	screen -d "$T/db" -f ids --min-score 90
check_grep "csv has a header" "^listing_id,seller_id,score,reasons" screen -d "$T/db" -f csv
check_grep "json is an array of objects" '^\{"listing_id":"L11","seller_id":"S2","score":50,"reasons":"brand:zorblax price:0.10×ref"\}$' \
	screen -d "$T/db" -f json
check_grep "ndjson is one object a line" '^\{"listing_id":"L03",' screen -d "$T/db" -f ndjson
check_grep "table is aligned" "^L11 +S2 +50 +brand:zorblax" screen -d "$T/db" -f table
run screen -d "$T/db" --min-score 0
expect "--min-score 0 prints every listing" test "$(wc -l <"$T/out")" = 13

check_grep "--explain names each rule and its points" "^L01	brand~	45	brand~gucci\(homoglyph\)	'guссi' in the title imitates Gucci" \
	screen -d "$T/db" --explain L01
check_grep "--explain shows a guard that took a term back" "^L05	guard	0		'高仿' is guarded by '高仿真'" \
	screen -d "$T/db" --explain L05
check_grep "--explain says the network signal was not checked" "^L01	network	0		not checked: no link results" \
	screen -d "$T/db" --explain L01
check_grep "--explain ends with the score" "^L01	score	100	" screen -d "$T/db" --explain L01
check_exit 65 "--explain of an unknown listing exits 65" screen -d "$T/db" --explain L99

printf 'listing:L03\n# a comment\nL11\nseller:S1\n' >"$T/leads"
check_out "--from scores only the leads" "$(printf 'listing:L01\nlisting:L03\nlisting:L11')" \
	screen -d "$T/db" --from "$T/leads" -f ids
check_out "a run of some listings says so" "$(printf 'scope\tscored\nsome\t3')" query -d "$T/db" -f tsv \
	"select scope, scored from screen_runs order by run_id desc limit 1"
rc=0; "$CASEKIT" screen -d "$T/db" --from - -f ids <"$T/leads" >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" = 0 ] && [ "$(wc -l <"$T/out")" = 3 ] && pass "--from - reads stdin" || fail "--from - reads stdin" "$(cat "$T/out" "$T/err")"
printf 'party:P1\n' >"$T/badleads"
check_exit 65 "a party lead is refused" screen -d "$T/db" --from "$T/badleads"
check_grep "and named by file and line" "badleads:1: 'party:P1'" screen -d "$T/db" --from "$T/badleads"

S -q >/dev/null
sqlite3 "$T/db" "select listing_id, seller_id, score, flagged, brand, reasons from scores order by listing_id" >"$T/first"
S -q >/dev/null
sqlite3 "$T/db" "select listing_id, seller_id, score, flagged, brand, reasons from scores order by listing_id" >"$T/second"
expect "the same store and rules give the same scores" cmp "$T/first" "$T/second"

cp -r "$TOP_SRCDIR/share/rules" "$T/rules"
chmod -R u+w "$T/rules"
printf 'flag = 95\n' >>"$T/rules/weights.conf"
check_out "--rules reads another folder" "$(printf 'listing:L01\nlisting:L04')" \
	screen -d "$T/db" --rules "$T/rules" -f ids --min-score 95
check_out "and the digest follows the rules" "$(printf 'n\n1')" query -d "$T/db" \
	"select count(distinct rules_digest) as n from scores join screen_runs using(run_id) where listing_id in ('L01','L02')"
printf 'fake\tmighty\ten\n' >>"$T/rules/vocab.tsv"
check_exit 65 "a malformed rule file exits 65" screen -d "$T/db" --rules "$T/rules"
n=$(grep -c '' "$T/rules/vocab.tsv")
check_grep "and names file and line" "vocab.tsv:$n: unknown tier 'mighty'" screen -d "$T/db" --rules "$T/rules"
cp -r "$TOP_SRCDIR/share/rules" "$T/rules2"
chmod -R u+w "$T/rules2"
rm "$T/rules2/guards.tsv"
check_exit 66 "a missing rule file exits 66" screen -d "$T/db" --rules "$T/rules2"

# Link results: S2 and S3 are one network; S3's flagged listings raise S2's, not S3's own.
sqlite3 "$T/db" "insert into network_members values ('S2', 'N1'), ('S3', 'N1')"
S -q >/dev/null
check_out "the network signal counts other accounts' flagged listings" \
	"$(printf 'score\treasons\n25\tbrand:gucci network:N1(2)')" query -d "$T/db" \
	"select score, reasons from scores where listing_id = 'L02'"
check_out "and not the seller's own" "$(printf 'reasons\nseller-testbuys:1 network:N1(3)')" \
	query -d "$T/db" "select reasons from scores where listing_id = 'L06'"
sqlite3 "$T/db" "select listing_id, seller_id, score, flagged, brand, reasons from scores order by listing_id" >"$T/first"
S -q >/dev/null
sqlite3 "$T/db" "select listing_id, seller_id, score, flagged, brand, reasons from scores order by listing_id" >"$T/second"
expect "reruns with the network signal give the same scores" cmp "$T/first" "$T/second"
check_grep "--explain shows the network signal" "^L02	network	15	network:N1\(2\)" screen -d "$T/db" --explain L02

# Listings are read and scored on two threads, a few hundred at a time: a dump of some
# thousands goes round that ring several times and ends part-way through a batch.
ck synth -q -o "$T/big" -n 300 -s 5
ck init -q "$T/big.db"
ck ingest -q -d "$T/big.db" "$T/big"
n=$(sqlite3 "$T/big.db" "select count(*) from listings")
expect "the synth dump is big enough to go round the ring" test "$n" -gt 2000
ck screen -q -d "$T/big.db" >/dev/null
check_out "a full run scores every listing once" "$(printf 'n\tscored\n%s\t%s' "$n" "$n")" \
	query -d "$T/big.db" -f tsv "select count(*) as n, (select scored from screen_runs) as scored from scores"
sqlite3 "$T/big.db" "select listing_id, seller_id, score, flagged, brand, reasons from scores order by listing_id" >"$T/full"
sqlite3 "$T/big.db" "select 'listing:' || listing_id from listings order by rowid desc" >"$T/all"
ck screen -q -d "$T/big.db" --from "$T/all" >/dev/null
sqlite3 "$T/big.db" "select listing_id, seller_id, score, flagged, brand, reasons from scores order by listing_id" >"$T/some"
expect "scoring them one by one gives the same scores" cmp "$T/full" "$T/some"
done_testing
