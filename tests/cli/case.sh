#!/bin/bash
# case.sh - casekit case: open a case from leads, gather it, grade it, keep its custody log
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

# load DB: a new store with the fixture dump ingested (its rows keep the file names dump/*.csv)
cp -r "$DATA/case/dump" "$T/dump"
load() { ck init -q "$1" && (cd "$T" && "$CASEKIT" ingest -q -d "$1" dump); }
load "$T/db" || { fail "ingest the fixture dump"; done_testing; }
export CASEKIT_DB="$T/db"

check_grep "--help shows usage" "^usage: casekit case" case --help
check_exit 64 "no subcommand is a usage error" case
check_exit 64 "an unknown subcommand is a usage error" case open x
check_exit 64 "new without a lead is a usage error" case new "Empty"
check_exit 64 "a lead of a type cases do not take is a usage error" case new "X" --lead case:CASE-1
check_exit 65 "a lead that names nothing is refused" case new "X" --lead seller:NOPE
check_grep "and is named" "seller:NOPE is not in the store" case new "X" --lead seller:NOPE
check_out "new prints the case id (the year of the real clock, whatever SOURCE_DATE_EPOCH says)" "CASE-$Y-0001" \
	case new "Lux Deals ring" --lead seller:S1 --lead listing:L3
printf 'seller:S3\n# a comment\n\nlisting:L4\n' >"$T/leads"
check_out "leads come from --from too, numbered on" "CASE-$Y-0002" case new "Shoes" --from "$T/leads"
run case list -f tsv
expect "list shows both cases" test "$(cut -f1 "$T/out" | tail -n +2 | tr '\n' ' ')" = "CASE-$Y-0001 CASE-$Y-0002 "
check_out "list -f ids types the ids" "$(printf 'case:CASE-%s-0001\ncase:CASE-%s-0002' "$Y" "$Y")" case list -f ids

# What the case gathers (no link run yet: the leads' sellers only).
check_out "sellers of the leads" "$(printf 'seller:S1\nseller:S2')" case show CASE-$Y-0001 --section sellers -f ids
check_out "flagged listings: a lead and a counterfeit test buy" "$(printf 'listing:L1\nlisting:L3')" \
	case show CASE-$Y-0001 --section listings -f ids
printf 'currency\torders\tamount\nEUR\t2\t387.00\nUSD\t1\t80.00\n' >"$T/want"
check "the value per currency in major units, cancelled orders left out" "$T/want" \
	case show CASE-$Y-0001 --section value -f tsv
check_out "upstream parties through shipments, a cycle cut" "$(printf 'party:P1\nparty:P2')" \
	case show CASE-$Y-0001 --section parties -f ids
run case show CASE-$Y-0001 --section findings -f tsv
expect "a test-buy verdict is graded A1" grep -q "^testbuy:TB1	listing:L1	.*	A1/1	a test-buy verdict is confirmed fact	dump/testbuys.csv	2$" "$T/out"
expect "a takedown is graded B2" grep -q "^takedown:N1	.*	B2/1	" "$T/out"
expect "each finding names its source file and line" sh -c "! cut -f6,7 '$T/out' | tail -n +2 | grep -qv 'dump/.*csv	[0-9]'"
run case show CASE-$Y-0001 --section timeline -f tsv
expect "the timeline is in time order" sh -c "tail -n +2 '$T/out' | cut -f1 | sort -c"
expect "the timeline has the test buy" grep -q "test buy TB1: counterfeit	listing:L1" "$T/out"
check_grep "show prints every section" "^== custody" case show CASE-$Y-0001 -f table
check_exit 64 "show -f ids needs a section" case show CASE-$Y-0001 -f ids
check_exit 64 "show -f csv needs a section" case show CASE-$Y-0001 -f csv
check_grep "and says why" "needs --section NAME" case show CASE-$Y-0001 -f tsv
check_grep "show in a pipe is the readable table" "^== value" case show CASE-$Y-0001
run case show CASE-$Y-0001 -f json
expect "show -f json is one JSON document, a key per section" python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d)[:2] == ['summary', 'value'] and 'custody' in d, list(d)
assert d['value'] == [{'currency': 'EUR', 'orders': 2, 'amount': 387.0},
	{'currency': 'USD', 'orders': 1, 'amount': 80.0}], d['value']" "$T/out"
check_exit 66 "show of a missing case exits 66" case show CASE-1999-0001

# Networks, once casekit link has run: a member brings its whole network.
load "$T/db2"
check_exit 0 "casekit link runs on the fixture (the network cases below need it)" link -q -d "$T/db2"
run case -d "$T/db2" new "Network" --lead seller:S1
check_out "a seller brings its network" "$(printf 'seller:S1\nseller:S2')" \
	case -d "$T/db2" show CASE-$Y-0001 --section sellers -f ids
run case -d "$T/db2" show CASE-$Y-0001 --section links -f tsv
expect "the link evidence names both source rows" grep -q "	S1	S2	device	devabc	.*	dump/logins.csv	2	dump/logins.csv	3$" "$T/out"
run case -d "$T/db2" show CASE-$Y-0001 --section findings -f tsv
expect "a shared device is graded A2" grep -q "^link:[0-9]*:device	.*	A2/1	a shared device is reliable machine evidence" "$T/out"
finding=$(grep -o "^link:[0-9]*:device" "$T/out")
run case -d "$T/db2" grade CASE-$Y-0001 "$finding" C4 --reason "shared office PC"
run case -d "$T/db2" show CASE-$Y-0001 --section findings -f tsv
expect "the analyst can regrade a finding" grep -q "^$finding	.*	C4/1	analyst tester: shared office PC" "$T/out"
check_exit 64 "a bad grade is a usage error" case -d "$T/db2" grade CASE-$Y-0001 "$finding" F9
check_exit 65 "a missing finding is refused" case -d "$T/db2" grade CASE-$Y-0001 link:999:x B2

# add, remove, note, close, and the custody log.
run case add CASE-$Y-0001 listing:L4
check_out "add brings the new lead's seller" "$(printf 'seller:S1\nseller:S2\nseller:S3')" \
	case show CASE-$Y-0001 --section sellers -f ids
run case remove CASE-$Y-0001 listing:L4
check_out "remove takes it out again" "$(printf 'seller:S1\nseller:S2')" \
	case show CASE-$Y-0001 --section sellers -f ids
check_exit 65 "removing a lead the case lacks is refused" case remove CASE-$Y-0001 seller:S4
run case note CASE-$Y-0001 "called the rights holder"
run case show CASE-$Y-0001 --section notes -f tsv
expect "with analyst and the real time" grep -qE "^$(date -u +%F)T[0-9:]{8}Z	tester	called the rights holder$" "$T/out"
run case close CASE-$Y-0001
check_exit 65 "a closed case cannot change" case note CASE-$Y-0001 "late"
run case show CASE-$Y-0001 --section custody -f tsv
expect "the custody log has each action in order" test "$(cut -f3 "$T/out" | tail -n +2 | tr '\n' ' ')" = "open add remove note close "
expect "with analyst and version" sh -c "tail -n +2 '$T/out' | cut -f4,5 | sort -u | grep -qx 'tester	casekit [0-9.]*'"
expect "and the exact command line" grep -q "case note CASE-$Y-0001 'called the rights holder'" "$T/out"
expect "and a store digest" sh -c "tail -n +2 '$T/out' | cut -f7 | grep -qxE '[0-9a-f]{64}'"
expect "the digest stays while the data does" sh -c "test \$(tail -n +2 '$T/out' | cut -f7 | sort -u | wc -l) = 1"
printf 'brand,aliases,category,reference_price,currency,rights_holder\nNike,,shoes,120.00,EUR,Nike Inc\n' >"$T/brands.csv"
run case note CASE-$Y-0002 "before"
(cd "$T" && "$CASEKIT" ingest -q brands.csv)
run case note CASE-$Y-0002 "after"
run case show CASE-$Y-0002 --section custody -f tsv
expect "and changes when a dump is loaded" sh -c "test \$(tail -n 2 '$T/out' | cut -f7 | sort -u | wc -l) = 2"
expect "sqlite3 cannot change the custody log" sh -c "! sqlite3 '$T/db' \"update custody set analyst = 'x'\" 2>/dev/null"
expect "sqlite3 cannot delete from it" sh -c "! sqlite3 '$T/db' 'delete from custody' 2>/dev/null"
expect "the log is unchanged" test "$(sqlite3 "$T/db" "select count(*) from custody where analyst = 'tester'")" = 8
sqlite3 "$T/db" "drop trigger custody_no_update; update custody set analyst = 'mallory' where seq = 3"
check_grep "a bypassed trigger shows as a broken chain" "custody log is broken: custody entry 3 was changed" \
	case show CASE-$Y-0001 --section summary
check_out "--analyst names who acts" "CASE-$Y-0003" case new "Third" --lead S4 --analyst "J. Smith"
run case show CASE-$Y-0003 --section leads -f tsv
expect "and a bare lead is a seller" grep -qE "^seller:S4	$(date -u +%F)T[0-9:]{8}Z	J. Smith$" "$T/out"

# Screening flags, once casekit screen has run, bring listings in with a weaker grade.
load "$T/db3"
check_exit 0 "casekit screen runs on the fixture" screen -q -d "$T/db3" -f tsv
run case -d "$T/db3" new "Screened" --lead seller:S2
check_out "a screening flag brings a listing in, the unflagged one stays out" "listing:L3" \
	case -d "$T/db3" show CASE-$Y-0001 --section listings -f ids
run case -d "$T/db3" show CASE-$Y-0001 --section findings -f tsv
expect "graded C3 as probable, not proof" grep -q "^listing:L3	seller:S2	flagged: score [0-9]*	C3/1	automated screening is probable, not proof" "$T/out"
run case -d "$T/db3" note CASE-$Y-0001 "before the rerun"
ck screen -q -d "$T/db3" --rescore -f tsv >/dev/null
run case -d "$T/db3" note CASE-$Y-0001 "after the rerun"
run case -d "$T/db3" show CASE-$Y-0001 --section custody -f tsv
expect "the store digest names the last screen run" sh -c "test \$(tail -n 2 '$T/out' | cut -f7 | sort -u | wc -l) = 2"

# A case is a snapshot: later ingests, screens and links change it only through refresh.
load "$T/db4"
mkdir -p "$T/more"
printf 'listing_id,seller_id,title,brand,category,price,currency,created_at,status,image_text,url\nL5,S1,Nike Air replica 1:1 AAA,Nike,shoes,1197.00,CNY,2026-05-01T00:00:00Z,active,,\n' >"$T/more/listings.csv"
printf 'order_id,listing_id,seller_id,buyer_id,quantity,amount,currency,ordered_at,ship_to_address,status\nO6,L1,S1,B-dave,1,129.00,EUR,2026-05-02T10:00:00Z,"4 Elm St",delivered\nO7,L5,S1,B-erin,1,1197.00,CNY,2026-05-03T10:00:00Z,"5 Oak St",delivered\n' >"$T/more/orders.csv"
export CASEKIT_DB="$T/db4"
ck screen -q -f tsv >/dev/null && ck link -q >/dev/null
run case new "Snapshot" --lead seller:S1
ck case show CASE-$Y-0001 --section value -f tsv >"$T/value.before" 2>/dev/null
ck case show CASE-$Y-0001 --section summary -f tsv >"$T/summary.before" 2>/dev/null
(cd "$T" && "$CASEKIT" ingest -q more/listings.csv more/orders.csv) && ck screen -q -f tsv >/dev/null && ck link -q >/dev/null
check "new listings and orders of a lead seller, ingested, screened and linked, leave the value as it was" \
	"$T/value.before" case show CASE-$Y-0001 --section value -f tsv
check_grep "show says what newer data would change, and how to take it in" \
	"CASE-$Y-0001: not taken in yet: .*new orders?, value \+1,197\.00 CNY, value \+129\.00 EUR: casekit case refresh CASE-$Y-0001" \
	case show CASE-$Y-0001 --section value -f tsv
check_grep "and so does the summary" "^not taken in	.*casekit case refresh CASE-$Y-0001" \
	case show CASE-$Y-0001 --section summary -f tsv
check_grep "the summary names the runs the case is pinned to" "^pinned	screen run 1, link run 1, taken " \
	case show CASE-$Y-0001 --section summary -f tsv
run case show CASE-$Y-0001 --section orders -f tsv
expect "the orders are the snapshot's" test "$(tail -n +2 "$T/out" | cut -f1 | tr '\n' ' ')" = "O1 O2 O3 O4 "
CASEKIT_ORGANIZATION=Unit "$CASEKIT" export CASE-$Y-0001 -o "$T/snap.tar.gz" >/dev/null 2>"$T/err"
expect "export warns of what is not taken in" grep -q "not taken in yet: .*casekit case refresh" "$T/err"
mkdir "$T/snapx" && tar -C "$T/snapx" -xzf "$T/snap.tar.gz"
expect "and its package has the snapshot's orders" \
	test "$(cut -d, -f1 "$T/snapx/snap/data/tables/orders.csv" | tail -n +2 | tr '\n' ' ')" = "O1 O2 O3 O4 "
expect "and the report counts them" sh -c "! grep -q 'O6\|O7\|L5' '$T/snapx/snap/data/report/report.html'"
check_grep "refresh takes the changes in" "CASE-$Y-0001: took in .*value \+1,197\.00 CNY" case refresh CASE-$Y-0001
run case show CASE-$Y-0001 --section value -f tsv
expect "the value is the store's now" sh -c "! cmp -s '$T/value.before' '$T/out' && grep -q '^CNY	1	1197.00$' '$T/out' && grep -q '^EUR	3	516.00$' '$T/out'"
run case show CASE-$Y-0001 --section custody -f tsv
expect "the custody log has a refresh entry" test "$(cut -f3 "$T/out" | tail -n +2 | tr '\n' ' ')" = "open export refresh "
expect "that lists each change and the value" grep -qE "	refresh	.*screen run 2, link run [0-9]+: .*\+order:O6 .*\+order:O7.*value \+129\.00 EUR" "$T/out"
check_grep "a second refresh has nothing to take in" "nothing to take in" case refresh CASE-$Y-0001
run case show CASE-$Y-0001 --section custody -f tsv
expect "and writes no entry" test "$(tail -n +2 "$T/out" | wc -l)" = 3
run case show CASE-$Y-0001 --section value -f tsv
expect "show is quiet once nothing is pending" test ! -s "$T/err"

# The current case: .case in casekit shell, CASEKIT_CASE everywhere a case is taken.
cp "$T/out" "$T/value.now"
CASEKIT_CASE=CASE-$Y-0001 "$CASEKIT" case show --section value -f tsv >"$T/out" 2>&1
expect "CASEKIT_CASE=ID casekit case show --section value" cmp "$T/value.now" "$T/out"
run case new "Other" --lead seller:S4
export CASEKIT_CASE=CASE-$Y-0001
check_exit 0 "note takes the current case" case note "about the current case"
check_exit 0 "add takes the current case" case add listing:L4
check_out "and adds to it" "$(printf 'seller:S1\nseller:S2\nseller:S3')" case show --section sellers -f ids
check_exit 0 "remove takes the current case" case remove listing:L4
check_exit 0 "an id operand still wins" case note CASE-$Y-0002 "named"
check_exit 0 "a typed case id too" case note case:CASE-$Y-0002 "typed"
run case show --section custody -f tsv
expect "all of it went to the current case" test "$(cut -f3 "$T/out" | tail -n +2 | tr '\n' ' ')" = "open export refresh note add remove "
run case show CASE-$Y-0002 --section notes -f tsv
expect "and the named one to the named case" test "$(tail -n +2 "$T/out" | cut -f3 | tr '\n' ' ')" = "named typed "
# A section in CSV is bound for a spreadsheet: a cell that would run as a formula gets a leading '
# (as in an evidence package), a number with a sign does not.
run case note CASE-$Y-0002 '=HYPERLINK("http://x.example","open")'
run case note CASE-$Y-0002 '+8613800000001'
run case show CASE-$Y-0002 --section notes -f csv
tr -d '\r' <"$T/out" >"$T/notes.csv" # CSV lines end in CRLF
expect "case show -f csv writes a formula as text" grep -q "^[^,]*,[^,]*,\"'=HYPERLINK(\"\"http://x.example\"\",\"\"open\"\")\"$" "$T/notes.csv"
expect "and a number as it is" grep -q ",+8613800000001$" "$T/notes.csv"
run case show CASE-$Y-0002 --section notes -f json
expect "other formats keep the text as it was" grep -q '"=HYPERLINK' "$T/out"
check_exit 0 "refresh takes the current case" case refresh
unset CASEKIT_CASE
check_grep "without one, a case id is needed" "show needs a case ID \(or a current case" case show
check_exit 64 "and that is a usage error" case show

# The current case in the other applets that take one: export, trace, stats, casekit shell.
export CASEKIT_DB="$T/db4"
CASEKIT_CASE=CASE-$Y-0001 "$CASEKIT" export -o "$T/cur.tar.gz" >"$T/out" 2>"$T/err"
expect "export takes CASEKIT_CASE" tar -tzf "$T/cur.tar.gz" cur/bag-info.txt
expect "and the package is the current case's" sh -c "tar -xzOf '$T/cur.tar.gz' cur/bag-info.txt | grep -qx 'External-Identifier: CASE-$Y-0001'"
check_exit 64 "export without a case or a current one is a usage error" export -o "$T/none.tar.gz"
run trace -f tsv --case CASE-$Y-0001
cp "$T/out" "$T/trace.case"
expect "trace --case walks from the case" grep -q "	P1	warehouse	.*	S1<-P1$" "$T/trace.case"
CASEKIT_CASE=CASE-$Y-0001 "$CASEKIT" trace -f tsv >"$T/out" 2>"$T/err" </dev/null
expect "trace with no leads walks from CASEKIT_CASE" cmp "$T/trace.case" "$T/out"
printf 'seller:S4\n' | CASEKIT_CASE=CASE-$Y-0001 "$CASEKIT" trace -f tsv >"$T/out" 2>"$T/err"
expect "but leads in a pipe come first" sh -c "! cmp -s '$T/trace.case' '$T/out'"
run case show CASE-$Y-0001 --section value -f tsv
cp "$T/out" "$T/value.now"
printf '.case CASE-%s-0001\ncase show --section value -f tsv\n' "$Y" |
	"$CASEKIT" shell >"$T/out" 2>"$T/err"
expect ".case in casekit shell is the case of case show" cmp "$T/value.now" "$T/out"
printf '.case CASE-%s-0001\ncase note "from the shell"\n' "$Y" | "$CASEKIT" shell >/dev/null 2>&1
run case show CASE-$Y-0001 --section notes -f tsv
expect "and of case note" grep -q "	from the shell$" "$T/out"

# Schema 3 to 4: a case made before snapshots is pinned as it stood, and says so.
load "$T/db5"
ck case -d "$T/db5" new "Old" --lead seller:S1 >/dev/null
sqlite3 "$T/db5" "drop table case_pins; drop table case_snap_listings; drop table case_snap_orders;
	drop table case_snap_testbuys; drop table case_snap_takedowns; drop table case_snap_parties;
	drop table case_snap_edges; pragma user_version=3"
run case -d "$T/db5" show CASE-$Y-0001 --section custody -f tsv
old="no server store was ever at schema 3"
sqlite_only "$old" expect "opening a schema 3 store snapshots its cases with a custody entry" \
	grep -qE "	snapshot	tester	.*	store schema 4: the case as it stood, kept as its snapshot; pinned to no screen run, no link run: 1 seller, 1 flagged listing, 2 orders" "$T/out"
sqlite_only "$old" expect "the store is at schema 7" test "$(sqlite3 "$T/db5" "pragma user_version")" = 7
sqlite_only "$old" check_out "the migrated case keeps its value" "$(printf 'currency\torders\tamount\nEUR\t2\t387.00')" \
	case -d "$T/db5" show CASE-$Y-0001 --section value -f tsv
sqlite_only "$old" expect "its custody chain is whole" test ! -s "$T/err"
# Finding ids sort as numbers: link:20 before link:100.
load "$T/db6"
ck link -q -d "$T/db6" >/dev/null
sqlite3 "$T/db6" "insert into link_edges(edge_id, network_id, seller_a, seller_b, kind, value, weight, holders)
	select 100, network_id, 'S1', 'S2', 'email', 'a@example.com', 1, 2 from network_members where seller_id = 'S1'
	union all select 20, network_id, 'S1', 'S2', 'phone', '+1', 1, 2 from network_members where seller_id = 'S1'"
run case -d "$T/db6" new "Sorted" --lead seller:S1
run case -d "$T/db6" show CASE-$Y-0001 --section findings -f tsv
expect "finding ids sort as numbers" test "$(grep -o '^link:[0-9]*' "$T/out" | tr '\n' ' ')" = "link:1 link:20 link:100 "
# A network lead is named as casekit link names it: its id, or a prefix of it; kept in full.
net=$(sqlite3 "$T/db6" "select network_id from network_members where seller_id = 'S1'")
check_out "a network lead may be a prefix of its id" "CASE-$Y-0002" case -d "$T/db6" new "Prefix" --lead "network:${net:0:6}"
run case -d "$T/db6" show CASE-$Y-0002 --section leads -f tsv
expect "and is kept by its whole id" test "$(tail -n +2 "$T/out" | cut -f1)" = "network:$net"
check_out "and brings the network" "$(printf 'seller:S1\nseller:S2')" case -d "$T/db6" show CASE-$Y-0002 --section sellers -f ids
check_exit 65 "a network that is not there is refused" case -d "$T/db6" new "None" --lead network:Nzzzz
# Custody entries of the same second keep the order they were made in (the clock has whole
# seconds; the timeline once sorted them by their words). A second boundary between note and
# add proves nothing, so the pair is made again until both fall in one second.
load "$T/db7" || fail "ingest the fixture dump again"
check_out "a case for the custody order" "CASE-$Y-0001" case -d "$T/db7" new "Order" --lead seller:S3
for i in 1 2 3 4 5; do
	run case -d "$T/db7" note CASE-$Y-0001 "note $i"
	run case -d "$T/db7" add CASE-$Y-0001 listing:L4
	run case -d "$T/db7" remove CASE-$Y-0001 listing:L4
	run case -d "$T/db7" show CASE-$Y-0001 --section custody -f tsv
	[ "$(tail -n 3 "$T/out" | cut -f2 | sort -u | wc -l)" = 1 ] && break
done
run case -d "$T/db7" show CASE-$Y-0001 --section timeline -f tsv
expect "the timeline lists one second's custody entries in the order they were made" \
	test "$(grep -F 'case:CASE-' "$T/out" | tail -n 3 | cut -f2 | cut -d' ' -f2 | tr '\n' ' ')" = "note add remove "
# A closed case takes nothing in: show says nothing is pending.
export CASEKIT_DB="$T/db4"
printf 'order_id,listing_id,seller_id,buyer_id,quantity,amount,currency,ordered_at,ship_to_address,status\nO8,L1,S1,B-fay,1,129.00,EUR,2026-05-04T10:00:00Z,"6 Ash St",delivered\n' >"$T/more/orders2.csv"
(cd "$T" && "$CASEKIT" ingest -q -k orders more/orders2.csv)
check_grep "an open case with a new order says so" "not taken in yet: 1 new order" case show CASE-$Y-0001 --section value
run case close CASE-$Y-0001
run case show CASE-$Y-0001 --section value
expect "once closed, show says nothing is pending" test ! -s "$T/err"
check_exit 65 "and refresh is refused" case refresh CASE-$Y-0001
done_testing
