#!/bin/sh
# trace.sh - casekit trace: leads in, ranked upstream parties out, in every format
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

ck init -q "$T/db"
ck ingest -q -d "$T/db" "$DATA/trace"
export CASEKIT_DB="$T/db"

check_grep "--help shows usage" "^usage: casekit trace" trace --help
check_exit 64 "a bad option is a usage error" trace --deep 3 S1
check_exit 64 "depth 0 is a usage error" trace --depth 0 S1
check_exit 64 "an unknown ranking is a usage error" trace --rank loud S1
check_exit 64 "an empty typed id is a usage error" trace seller:
check_exit 64 "--tree with -f is a usage error" trace --tree -f csv S1
check_exit 66 "a missing store exits 66" trace -d "$T/none.db" S1
check_exit 66 "a missing --from file exits 66" trace --from "$T/none.txt"
printf 'seller:S1\nseller:\n' >"$T/bad.txt"
check_exit 65 "a bad lead line exits 65" trace --from "$T/bad.txt"
check_exit 66 "a network lead without link results exits 66" trace network:N1

# The factory feeding only the operation outranks the carrier that ships to everyone.
run trace -v -f tsv S1 S2 S3
expect "a freshly loaded store has every index the walk seeks by" sh -c "! grep -q indexing '$T/err'"
for ix in orders_buyer shipments_from_to scores_score; do
	expect "ingest made $ix" test "$(sqlite3 "$T/db" "select count(*) from sqlite_master where name = '$ix'")" = 1
done
head -1 "$T/out" >"$T/got"
printf 'rank\tparty_id\tkind\tname\tdepth\tflagged_sellers\tnetworks\tshare_flagged\tinputs\tscore\tquantity\tvalue\tcurrency\tpath\n' >"$T/want"
expect "tsv has the documented columns" cmp "$T/want" "$T/got"
expect "the factory is first" test "$(sed -n 2p "$T/out" | cut -f2,3,5,14)" = "$(printf 'F1\tfactory\t2\tS1<-W1<-F1')"
expect "the warehouse is second" test "$(sed -n 3p "$T/out" | cut -f2)" = W1
crank=$(awk -F'\t' '$2 == "C1" { print $1 }' "$T/out")
expect "the carrier is not in the top 3" test "${crank:-0}" -gt 3
# C1 delivers 900 to each of eight sellers: three leads, and S4, which passes half of what it
# sells to a lead (S4's own share, 0.5); the other four pass nothing on. (2700 + 450) / 7200.
expect "the carrier's share counts what its customers pass on" test "$(awk -F'\t' '$2 == "C1" { print $8 }' "$T/out")" = 0.4375
expect "a shared phone shows in the path" grep -q "S3<~phone~P9" "$T/out"
expect "a sender known by name only is kept" grep -q "^.*name:Mr Wu	unlisted" "$T/out"
expect "a seller who sold to a lead is upstream" grep -q "S2<-S4" "$T/out"
run trace -f tsv --rank count S1 S2 S3
expect "ranking by count alone puts the carrier first" test "$(sed -n 2p "$T/out" | cut -f2)" = C1

run trace -f tsv --depth 1 S1 S2 S3
expect "depth 1 stops before the factory" sh -c "! grep -q F1 '$T/out'"
printf 'listing:L1\n' | "$CASEKIT" trace -f ids --from - >"$T/ids" 2>"$T/err"
expect "a listing lead walks from its seller; ids are typed" grep -qx "party:F1" "$T/ids"
expect "ids leave name-only senders out" sh -c "! grep -q name: '$T/ids'"
printf 'S2\n' | "$CASEKIT" trace -f ids >"$T/ids" 2>"$T/err"
expect "leads from stdin with no operand; upstream sellers are seller ids" grep -qx "seller:S4" "$T/ids"
check_grep "csv has a header" "^rank,party_id,kind,name,depth" trace -f csv S1
check_grep "json is an array of objects" '^\[?\{"rank":1,"party_id":"F1","kind":"factory"' trace -f json S1
check_grep "ndjson is one object a line" '^\{"rank":1,"party_id":"F1".*"path":"S1<-W1<-F1"\}$' trace -f ndjson S1
check_grep "table is aligned" "^ +1 +F1 +factory" trace -f table S1

run trace -f dot S1 S2 S3
expect "dot is a digraph" grep -q "^digraph upstream {" "$T/out"
expect "dot draws the factory's shipments as one arrow" grep -q '"F1" -> "W1" \[label="2 shipments, qty 800"\]' "$T/out"
expect "dot draws a tie dashed" grep -q '"P9" -> "S3" \[label="shares phone", style=dashed' "$T/out"
if command -v dot >/dev/null; then
	expect "graphviz reads the dot" dot -Tsvg -o "$T/g.svg" "$T/out"
else
	skip "graphviz reads the dot" "dot not installed"
fi
run trace --tree S1 S2 S3
expect "tree: a lead at a root" grep -q '^seller S1 "Lux Bags"$' "$T/out"
expect "tree: the factory under the warehouse" grep -q '^|   `-- F1 factory "Dongguan Leather" (rank 1, 3 flagged, share 1.00)$' "$T/out"
expect "tree: a tie is named" grep -q '^[|`]-- \[shares phone\] P9 supplier' "$T/out"
expect "tree: every lead seller shows its suppliers" test "$(grep -c '^|-- W1 warehouse' "$T/out")" = 3
expect "tree: a node met again is not unfolded again" grep -q '^|-- W1 warehouse "Yiwu Store 9" (rank 2, see above)$' "$T/out"

# A party lead is where the walk starts, not a flagged seller or a network.
run trace -f tsv party:W1
expect "a party lead flags nobody: the factory above it reaches no flagged seller" test "$(awk -F'\t' '$2 == "F1" { print $6 "/" $7 }' "$T/out")" = 0/0
run trace -f tsv party:W1 S1
expect "with a seller lead beside it, only the seller counts" test "$(awk -F'\t' '$2 == "F1" { print $6 "/" $7 }' "$T/out")" = 1/1

# Screening scores widen the flagged side: S1 flagged by screen makes W1 more specific.
run trace -f tsv S2
w1_before=$(awk -F'\t' '$2 == "W1" { print $8 }' "$T/out")
sqlite3 "$T/db" "insert into scores(listing_id, seller_id, score, flagged, reasons, run_id) values ('L1', 'S1', 90, 1, 'kw:replica', 1)"
run trace -f tsv S2
w1_after=$(awk -F'\t' '$2 == "W1" { print $8 }' "$T/out")
expect "screen-flagged sellers raise the share (1/3 to 2/3)" test "$w1_before/$w1_after" = 0.3333/0.6667
run trace -f tsv --min-score 95 S2
expect "--min-score raises the bar" test "$(awk -F'\t' '$2 == "W1" { print $8 }' "$T/out")" = 0.3333
# scores_score holds only the scores above 0 (most listings score 0); --min-score 0 reads them all.
expect "ingest indexes only the scores above 0" sh -c "sqlite3 '$T/db' \"select sql from sqlite_master where name = 'scores_score'\" | grep -Eq 'WHERE \(?score > 0'"
sqlite3 "$T/db" "update scores set score = 0, flagged = 0 where listing_id = 'L1'"
run trace -f tsv S2
expect "a listing scored 0 flags nobody by default" test "$(awk -F'\t' '$2 == "W1" { print $8 }' "$T/out")" = 0.3333
run trace -f tsv --min-score 0 S2
expect "--min-score 0 flags the seller of a listing scored 0" test "$(awk -F'\t' '$2 == "W1" { print $8 }' "$T/out")" = 0.6667
sqlite3 "$T/db" "update scores set score = 90, flagged = 1 where listing_id = 'L1'"
sqlite3 "$T/db" "insert into network_members(network_id, seller_id) values ('N1','S1'),('N1','S2'),('N1','S3')"
run trace -f tsv network:N1
expect "a network lead walks from its members, one network" test "$(awk -F'\t' '$2 == "F1" { print $6 "/" $7 }' "$T/out")" = 3/1
ck case -q new "Lux bags" --lead seller:S1 --lead seller:S2 >"$T/case.id"
run trace -f tsv "case:$(cat "$T/case.id")"
# casekit case gathers the leads' network N1, so the case has S1, S2 and S3 as members.
expect "a case lead walks from its members" test "$(awk -F'\t' '$2 == "W1" { print $6 }' "$T/out")" = 3
check_exit 65 "an unknown case leaves no lead (65)" trace case:CASE-1999-0009
check_grep "and is reported" "no case 'CASE-1999-0009'" trace case:CASE-1999-0009
check_grep "an unknown listing is reported" "no listing 'L404'" trace listing:L404 S1
done_testing
