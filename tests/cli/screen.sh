#!/bin/sh
# screen.sh - casekit screen: scores, reasons, formats, --explain, --from, --stream, rules errors
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

printf '%s\n' 'listing_id	seller_id	score	reasons	title	price	currency	url' \
	'L01	S1	100	brand~gucci(homoglyph) kw:高仿 price:0.12×ref new-seller:9d	Guссi Marmont bag 高仿	276.00	USD	' \
	'L04	S3	100	brand:rolex kw:replica price:0.03×ref testbuy:failed	r.e.p.l.i.c.a Rolex watch	200.00	USD	' \
	'L10	S2	90	brand:gucci kw:1:1 price:0.03×ref	古驰 女包 1：1	500.00	CNY	' \
	'L03	S2	80	brand~gucci(spaced) price:0.09×ref	G U C C I belt	40.00	USD	' \
	'L12	S3	80	brand:gucci price:0.01×ref seller-testbuys:1	plain canvas tote	15.00	USD	' \
	'L11	S2	50	brand:zorblax price:0.10×ref	Zorblax widget pro	10.00	USD	' >"$T/want"
check "flagged listings, highest first, as tsv, with title, price in major units and url" \
	"$T/want" screen -d "$T/db"
sqlite3 "$T/db" "update listings set url = 'https://shop.example/l/11' where listing_id = 'L11'"
check_grep "csv names the price, its currency and the url" \
	'^L11,S2,50,brand:zorblax price:0.10×ref,Zorblax widget pro,10.00,USD,https://shop.example/l/11' \
	screen -d "$T/db" -f csv
check_grep "a summary goes to stderr" "12 listings scored, 6 flagged" screen -d "$T/db"
check_grep "under --min-score the summary names both thresholds" \
	"12 listings scored, 6 flagged \(score >= 50\), 3 listed \(score >= 90\)" \
	screen -d "$T/db" --min-score 90
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
check_grep "json is an array of objects" '^\{"listing_id":"L11","seller_id":"S2","score":50,"reasons":"brand:zorblax price:0.10×ref","title":"Zorblax widget pro","price":10.00,"currency":"USD","url":"https://shop.example/l/11"\}$' \
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

# --stream: the store's listings as a dump (the columns of ingest -k listings) on stdin.
listings_csv() {
	sqlite3 -csv -header "$1" "select listing_id, seller_id, title, brand, category,
		(price / 100) || '.' || (CASE WHEN price % 100 < 10 THEN '0' ELSE '' END) ||
		(price % 100) as price, currency, created_at, image_text
		from listings order by listing_id"
}
# stream ARGS...: casekit screen --stream ARGS with stdin from $IN, leaving out, err and rc as run
stream() {
	rc=0
	"$CASEKIT" screen --stream "$@" <"$IN" >"$T/out" 2>"$T/err" || rc=$?
}
listings_csv "$T/db" >"$T/l.csv"
check_exit 64 "--stream with operands is a usage error" screen -d "$T/db" --stream L01
check_exit 64 "--stream with --explain is a usage error" screen -d "$T/db" --stream --explain L01
check_grep "-f table cannot stream" "table cannot stream" screen -d "$T/db" --stream -f table
IN=$T/l.csv stream -d "$T/db"
[ "$rc" = 0 ] && [ "$(wc -l <"$T/out")" = 12 ] && pass "--stream prints one verdict per listing" ||
	fail "--stream prints one verdict per listing" "exit $rc; $(cat "$T/out" "$T/err")"
expect "as ndjson by default" grep -q '^{"listing_id":"L01","seller_id":"S1","score":100,"flagged":1,"reasons":"brand~gucci(homoglyph) kw:高仿 price:0.12×ref new-seller:9d"}$' "$T/out"
expect "and says how many it screened" grep -q "12 listings screened, 6 flagged" "$T/err"
{ head -1 "$T/l.csv"; tail -n +2 "$T/l.csv" | sort -r; } >"$T/rev.csv"
sed -n 's/^\(L[0-9]*\),.*/listing:\1/p' "$T/rev.csv" >"$T/want"
IN=$T/rev.csv stream -q -d "$T/db" -f ids
[ "$rc" = 0 ] && cmp -s "$T/out" "$T/want" && pass "--stream keeps the order of its input" ||
	fail "--stream keeps the order of its input" "exit $rc; $(diff "$T/want" "$T/out"; cat "$T/err")"
IN=$T/l.csv stream -q -d "$T/db" -f ids --min-score 90
[ "$(cat "$T/out")" = "$(printf 'listing:L01\nlisting:L04\nlisting:L10')" ] &&
	pass "--stream --min-score prints only the listings that reach it" ||
	fail "--stream --min-score prints only the listings that reach it" "$(cat "$T/out" "$T/err")"
S -q >/dev/null
ck query -d "$T/db" -f tsv "select listing_id, seller_id, score, flagged, reasons from scores order by listing_id" >"$T/want"
IN=$T/l.csv stream -q -d "$T/db" -f tsv
[ "$rc" = 0 ] && cmp -s "$T/out" "$T/want" && pass "a streamed listing gets the score and reasons a full run stores" ||
	fail "a streamed listing gets the score and reasons a full run stores" "exit $rc; $(diff "$T/want" "$T/out"; cat "$T/err")"

# Bad rows are named by line (a quoted newline counts) and skipped; the others are screened.
printf '%s\n' 'listing_id,seller_id,title,brand,category,price,currency,created_at,image_text' \
	'L01,S1,"Guссi Marmont bag' '高仿",,bags,276.00,USD,2026-01-10T00:00:00Z,' \
	'L90,S1,x,,bags,12.345,USD,,' ',S1,no id,,bags,1.00,USD,,' 'L91,S1,short' \
	'L92,S9,r.e.p.l.i.c.a Rolex watch,Rolex,watches,20.00,USD,2026-01-10,' >"$T/bad.csv"
IN=$T/bad.csv stream -d "$T/db" -f ids
[ "$rc" = 0 ] && [ "$(cat "$T/out")" = "$(printf 'listing:L01\nlisting:L92')" ] &&
	pass "--stream skips bad rows, exits 0 as ingest does, screens the rest (an unknown seller too)" ||
	fail "--stream skips bad rows, exits 0 as ingest does, screens the rest (an unknown seller too)" "exit $rc; $(cat "$T/out" "$T/err")"
expect "a bad number is named by its line" grep -qx "casekit screen: <stdin>:4: bad number '12.345' in price" "$T/err"
expect "a missing key too" grep -qx "casekit screen: <stdin>:5: missing listing_id" "$T/err"
expect "a short row too" grep -qx "casekit screen: <stdin>:6: wrong field count: 3 fields, the header has 9" "$T/err"
expect "and they are counted" grep -q "3 of 5 rows rejected" "$T/err"
IN=$T/bad.csv stream -q -d "$T/db" -f ids
expect "-q keeps the bad rows' lines" test "$(grep -c '<stdin>:' "$T/err")" = 3
printf 'seller_id,title\nS1,x\n' >"$T/nokey.csv"
IN=$T/nokey.csv stream -d "$T/db"
[ "$rc" = 65 ] && grep -q "no 'listing_id' column" "$T/err" && pass "a header without listing_id exits 65" ||
	fail "a header without listing_id exits 65" "exit $rc; $(cat "$T/err")"

# A verdict goes out as soon as its listing is read, while stdin is still open.
mkfifo "$T/fifo"
timeout 60 "$CASEKIT" screen -q -d "$T/db" --stream -f tsv <"$T/fifo" >"$T/live" 2>"$T/live.err" &
pid=$!
exec 3>"$T/fifo"
# wait_for RE: up to 10 s for a verdict; a buffered one fails here rather than hangs
wait_for() {
	i=0
	while [ $i -lt 100 ] && ! grep -q "$1" "$T/live"; do sleep 0.1; i=$((i + 1)); done
	grep -q "$1" "$T/live"
}
(trap '' PIPE; head -1 "$T/l.csv"; grep '^L04,' "$T/l.csv") >&3 2>/dev/null
wait_for '^L04	S3	100	1	' && pass "--stream answers a listing before stdin closes" ||
	fail "--stream answers a listing before stdin closes" "$(cat "$T/live" "$T/live.err")"
(trap '' PIPE; grep '^L02,' "$T/l.csv") >&3 2>/dev/null
wait_for '^L02	S2	' && pass "and the next one too" ||
	fail "and the next one too" "$(cat "$T/live" "$T/live.err")"
exec 3>&-
rc=0; wait $pid || rc=$?
expect "and ends at the end of stdin" test "$rc" = 0 -a "$(wc -l <"$T/live")" = 3

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
check_out "the run counts what the network signal flagged" "$(sqlite3 "$T/db" "select 'n'; select count(*) from scores where flagged = 1")" \
	query -d "$T/db" "select flagged as n from screen_runs order by run_id desc limit 1"
check_grep "--explain shows the network signal" "^L02	network	15	network:N1\(2\)" screen -d "$T/db" --explain L02
ck query -d "$T/db" -f tsv "select listing_id, seller_id, score, flagged, reasons from scores order by listing_id" >"$T/want"
[ -n "$ON_PG" ] || sha256sum "$T/db" >"$T/sum.before"
sqlite3 "$T/db" .dump >"$T/dump.before"
IN=$T/l.csv stream -q -d "$T/db" -f tsv
[ "$rc" = 0 ] && cmp -s "$T/out" "$T/want" && pass "--stream adds the network signal as a full run does" ||
	fail "--stream adds the network signal as a full run does" "exit $rc; $(diff "$T/want" "$T/out"; cat "$T/err")"
sqlite3 "$T/db" .dump >"$T/dump.after"
sqlite_only "the file's hash (the next check compares the whole database)" \
	expect "--stream writes nothing to the store" sha256sum -c --quiet "$T/sum.before"
expect "not even through the WAL" cmp "$T/dump.before" "$T/dump.after"
ck init -q "$T/net.db"
sqlite3 "$T/net.db" <"$DATA/screen/store.sql"
sqlite3 "$T/net.db" "insert into network_members values ('S2', 'N1'), ('S3', 'N1')"
IN=$T/l.csv stream -d "$T/net.db"
expect "--stream says when there are no scores to count a network by" \
	grep -q "no scores: the network signal is not checked" "$T/err"

# Listings are read and scored on two threads, a few hundred at a time: a dump of some
# thousands goes round that ring several times and ends part-way through a batch.
ck synth -q -o "$T/big" --sellers 300 -s 5
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
ck link -q -d "$T/big.db" >/dev/null
ck screen -q -d "$T/big.db" >/dev/null
nf=$(sqlite3 "$T/big.db" "select count(*) from scores s join score_network n using(listing_id) where s.flagged = 1 and s.score - n.points < 50")
expect "the network signal flags some listings of the linked dump ($nf)" test "$nf" -gt 0
check_out "and the run counts them among its flagged" "$(sqlite3 "$T/big.db" "select 'n'; select count(*) from scores where flagged = 1")" \
	query -d "$T/big.db" "select flagged as n from screen_runs order by run_id desc limit 1"
ck query -d "$T/big.db" -f tsv "select listing_id, seller_id, score, flagged, reasons from scores" |
	tail -n +2 | LC_ALL=C sort >"$T/full"
IN=$T/big/listings.csv stream -q -d "$T/big.db" -f tsv
tail -n +2 "$T/out" | LC_ALL=C sort >"$T/streamed"
expect "the synth dump streamed gets the scores a full run stores, network signal and all" cmp "$T/full" "$T/streamed"
expect "some of them through the network signal" grep -q 'network:' "$T/streamed"
# A run of every listing with nothing it reads changed since the last run takes that run's
# scores, says so and records no run; --rescore, an ingest, a network member or other rules
# make it score again.
B=$T/big.db
nruns() { sqlite3 "$B" "select count(*) from screen_runs"; }
runs=$(nruns)
last=$(sqlite3 "$B" "select run_id || ' of ' || started_at from screen_runs order by run_id desc limit 1")
sqlite3 "$B" "select 'listing:' || listing_id from scores where score >= 70 order by score desc, listing_id" >"$T/want70"
check "a listing run with nothing changed prints what the last run gave" "$T/want70" \
	screen -d "$B" -f ids --min-score 70
expect "and says it reuses that run" grep -q "reusing run $last" "$T/err"
expect "and records no run" test "$(nruns)" = "$runs"
check_grep "its summary still counts the run's flagged listings" \
	"[0-9]+ listings scored, $(sqlite3 "$B" "select flagged from screen_runs order by run_id desc limit 1") flagged" \
	screen -d "$B" -f ids
run screen -d "$B" -f ids --rescore
expect "--rescore scores again, saying nothing of reuse" \
	sh -c "[ $rc = 0 ] && [ $(nruns) = $((runs + 1)) ] && ! grep -q reusing '$T/err'"
sqlite3 "$B" "insert into network_members select seller_id, (select network_id from networks limit 1)
	from sellers where seller_id not in (select seller_id from network_members) limit 1"
run screen -d "$B" -f ids
expect "a network member added since is a change" sh -c "[ $rc = 0 ] && ! grep -q reusing '$T/err'"
run screen -d "$B" -f ids
expect "and the run after that reuses again" grep -q reusing "$T/err"
{ head -1 "$T/big/listings.csv"; sed -n 2p "$T/big/listings.csv" | sed 's/^[^,]*,/LNEW1,/'; } >"$T/new.csv"
ck ingest -q -d "$B" -k listings "$T/new.csv"
run screen -d "$B" -f ids --min-score 0
expect "a listing ingested since is scored" sh -c "! grep -q reusing '$T/err' && grep -q '^listing:LNEW1$' '$T/out'"
cp -r "$TOP_SRCDIR/share/rules" "$T/rules3"
chmod -R u+w "$T/rules3"
echo "# changed" >>"$T/rules3/weights.conf"
run screen -d "$B" -f ids --rules "$T/rules3"
expect "other rules are a change" sh -c "[ $rc = 0 ] && ! grep -q reusing '$T/err'"
run screen -d "$B" -f ids L00000001
run screen -d "$B" -f ids
expect "a run of some listings since is a change" sh -c "[ $rc = 0 ] && ! grep -q reusing '$T/err'"
done_testing
