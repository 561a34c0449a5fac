#!/bin/sh
# takedown.sh - notices and notifiers as kinds, and casekit takedown on them
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

# ---- the notices and notifiers kinds ----
ck init -q "$T/k.db"
mkdir "$T/k"
printf 'seller_id\nS1\n' >"$T/k/sellers.csv"
printf 'listing_id,seller_id,title,url\nL1,S1,Gucci bag,https://m.example/L1\n' >"$T/k/listings.csv"
cat >"$T/k/notices.csv" <<'CSV'
notice_id,rights_holder,brand,listing_id,url,grounds,received_at,contact_email
N1,Guccio Gucci S.p.A.,Gucci,L1,,trademark,2025-11-01T10:00:00Z,legal@gucci.example
N2,Guccio Gucci S.p.A.,Gucci,L404,,trademark,2025-11-02,legal@gucci.example
N3,Guccio Gucci S.p.A.,Gucci,,,trademark,2025-11-02,
N4,Guccio Gucci S.p.A.,Gucci,,https://m.example/L1,trademark,yesterday,
N5,Guccio Gucci S.p.A.,Gucci,,https://m.example/L1,copyright,2025-11-03 08:00,
CSV
cat >"$T/k/notifiers.csv" <<'CSV'
notifier,acts_for,contact_email,since
Brandwatch Legal,Guccio Gucci S.p.A.,tk@bw.example,2024-01-01
,Guccio Gucci S.p.A.,,
CSV
check_exit 0 "a folder with notices and notifiers loads" ingest -d "$T/k.db" --reject-file "$T/rej.csv" "$T/k"
check_out "a notice of a listing not in the store is kept" "$(printf 'n\nN1 N2 N5')" \
	query -d "$T/k.db" -f tsv "select group_concat(notice_id, ' ') n from (select notice_id from notices order by 1)"
expect "a notice with neither listing_id nor url is in the reject file" \
	grep -q "notices.csv,4,a notice needs a listing_id or a url" "$T/rej.csv"
expect "a bad received_at is rejected by line" grep -q "notices.csv,5,bad date 'yesterday' in received_at" "$T/rej.csv"
expect "a notifier row without a notifier is rejected by line" grep -q "notifiers.csv,3,missing notifier" "$T/rej.csv"
check_out "a notifier names whom it acts for" "$(printf "notifier\tacts_for\tsince\nBrandwatch Legal\tGuccio Gucci S.p.A.\t2024-01-01")" \
	query -d "$T/k.db" -f tsv "select notifier, acts_for, since from notifiers"
check_out "received_at is ISO 8601 UTC" "$(printf 'received_at\n2025-11-03T08:00:00Z')" \
	query -d "$T/k.db" -f tsv "select received_at from notices where notice_id = 'N5'"

# ---- synth: notices with their truth ----
ck synth -q -o "$T/s1" --sellers 2000 --seed 11
ck synth -q -o "$T/s2" --sellers 2000 --seed 11
ck synth -q -o "$T/s3" --sellers 2000 --seed 12
expect "synth writes notices, notifiers and their truth" test -s "$T/s1/notices.csv" -a -s "$T/s1/notifiers.csv" -a -s "$T/s1/notices_truth.json"
expect "the same seed gives the same notices" cmp "$T/s1/notices.csv" "$T/s2/notices.csv"
expect "the same seed gives the same truth" cmp "$T/s1/notices_truth.json" "$T/s2/notices_truth.json"
if cmp -s "$T/s1/notices.csv" "$T/s3/notices.csv"; then fail "another seed gives other notices"
else pass "another seed gives other notices"; fi
for c in valid bad_faith wrong_holder brand_mismatch unknown_listing duplicate; do
	expect "the truth holds $c notices" grep -q "\"class\": \"$c\"" "$T/s1/notices_truth.json"
done
expect "every notice has its truth" test "$(($(wc -l <"$T/s1/notices.csv") - 1))" = "$(grep -c '"notice_id"' "$T/s1/notices_truth.json")"
ck init -q "$T/s.db"
check_exit 0 "the synth dump loads" ingest -q -d "$T/s.db" "$T/s1"
check_out "and no notice is rejected" "$(printf 'n\n0')" query -d "$T/s.db" -f tsv \
	"select count(*) n from rejects r join sources s using(source_id) where s.kind in ('notices', 'notifiers')"
ck takedown -d "$T/s.db" triage -f tsv >"$T/s.tsv"
expect "only the notices of unknown listings find none, however their addresses are written" test \
	"$(awk -F'\t' '$4 ~ /no-listing/' "$T/s.tsv" | wc -l)" = "$(grep -c '"class": "unknown_listing"' "$T/s1/notices_truth.json")"
ck synth -q -o "$T/s4" --sellers 2000 --seed 11 --notices-until 2025-12-02
expect "--notices-until changes only the times of the notices" cmp "$T/s1/notices_truth.json" "$T/s4/notices_truth.json"
grep -oE '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z' "$T/s4/notices.csv" | sort >"$T/times"
expect "which fall in the 24 hours before it" test "$(wc -l <"$T/times") $(head -1 "$T/times" | cut -c1-10) $(tail -1 "$T/times" | cut -c1-10)" = \
	"$(($(wc -l <"$T/s4/notices.csv") - 1)) 2025-12-01 2025-12-01"
check_exit 64 "--notices-until takes a time" synth -o "$T/s5" --notices-until yesterday
check_exit 64 "--notices-until comes after the dump's listings" synth -o "$T/s5" --notices-until 2025-11-01
# Notices received in the last day and triaged now: stats gives the share triage decided.
ck synth -q -o "$T/s6" --sellers 2000 --seed 11 --notices-until now
ck init -q "$T/s6.db" && ck ingest -q -d "$T/s6.db" "$T/s6" && ck screen -q -d "$T/s6.db" -f ids >/dev/null
ck takedown -d "$T/s6.db" triage -f tsv >"$T/s6.tsv"
want=$(awk -F'\t' 'NR > 1 { n++; if ($2 != "review") d++ } END { printf "%.1f", 100 * d / n }' "$T/s6.tsv")
run stats -d "$T/s6.db" -f tsv
expect "stats gives the share of recent synth notices decided within 24 hours ($want%)" \
	sh -c "test '$want' != 0.0 && grep -qx '$(printf 'notices.decided_24h_pct\t')$want' '$T/out'"

# ---- triage on a hand-made store: one notice for each path ----
ck init -q "$T/f.db"
ck ingest -q -d "$T/f.db" "$DATA/takedown"
ck screen -q -d "$T/f.db" -f tsv >/dev/null
ck link -q -d "$T/f.db" -f ids >/dev/null
check_grep "--help shows usage" "^usage: casekit takedown" takedown --help
check_exit 64 "no subcommand is a usage error" takedown -d "$T/f.db"
check_exit 64 "an unknown subcommand is a usage error" takedown -d "$T/f.db" triag
check_exit 64 "decide needs --reason" takedown -d "$T/f.db" decide N2 reject
check_exit 64 "decide takes accept or reject only" takedown -d "$T/f.db" decide N2 maybe --reason x
check_exit 64 "--open goes with list" takedown -d "$T/f.db" triage --open
check_exit 64 "--overdue takes hours" takedown -d "$T/f.db" list --overdue soon
check_exit 66 "a missing store exits 66" takedown -d "$T/none.db" list
check_out "nothing decided yet: every notice is open" "$(printf 'n\n10')" \
	query -d "$T/f.db" -f tsv "select count(*) n from notices where notice_id not in (select notice_id from notice_decisions)"
run takedown -d "$T/f.db" --rules "$T/norules" triage -f tsv
expect "missing rules exit 66 and print no rows" test "$rc:$(cat "$T/out")" = "66:"
run takedown -d "$T/f.db" triage -f tsv
cp "$T/out" "$T/triage.tsv"
expect "triage exits 0" test "$rc" = 0
expect "triage prints its columns" test "$(head -1 "$T/triage.tsv")" = "$(printf 'notice_id\tdecision\tlane\treasons\tlisting_id\tseller_id\tnetwork_id\thours_open')"
expect "one row per notice" test "$(wc -l <"$T/triage.tsv")" = 11
row() { awk -F'\t' -v id="$1" '$1 == id { print $2 " " $3 " " $4 }' "$T/triage.tsv"; }
expect "a flagged listing of the brand is accepted in the express lane" test "$(row N1)" = "accept express screen:100 testbuy:TB2"
expect "a genuine test buy and a price at the reference send to review" test "$(row N2)" = "review review genuine-testbuy:TB1 price-at-reference"
expect "a counterfeit test buy of the seller backs the notice" test "$(row N12)" = "accept express screen:60 testbuy:TB2"
expect "a notifier that is not the holder is rejected" sh -c "echo '$(row N3)' | grep -q '^reject auto not-holder'"
expect "a declared agent is the holder's: only the duplicate counts" test "$(row N4)" = "reject auto duplicate:N1"
expect "a listing that does not show the brand is rejected" test "$(row N5)" = "reject auto brand-not-shown"
expect "a listing not in the store is rejected" test "$(row N6)" = "reject auto no-listing"
expect "a url finds its listing" sh -c "awk -F'\t' '\$1 == \"N7\" { print \$2, \$5 }' '$T/triage.tsv' | grep -qx 'accept L3'"
expect "flagged listings of the brand by another account of the network back a notice" \
	sh -c "echo '$(row N13)' | grep -Eqx 'accept express testbuy:TB2 network:N[0-9a-f]+\(3\)'"
expect "an authorised seller sends to review despite the flag" test "$(row N8)" = "review review screen:100 authorised"
expect "every rejection has a reason" sh -c "awk -F'\t' 'NR > 1 && \$2 == \"reject\" && \$4 == \"\"' '$T/triage.tsv' | grep -q . && exit 1 || exit 0"
check_out "a second triage finds nothing open" "$(printf 'notice_id\tdecision\tlane\treasons\tlisting_id\tseller_id\tnetwork_id\thours_open')" \
	takedown -d "$T/f.db" triage -f tsv
check_out "every decision is recorded with analyst and evidence" "$(printf 'analyst\tevidence\ntester\tlisting:L1 score:L1 testbuy:TB2')" \
	query -d "$T/f.db" -f tsv "select analyst, evidence from notice_decisions where notice_id = 'N1'"
check_out "the decision time is the real clock" "$(printf 'y\n1')" \
	query -d "$T/f.db" -f tsv "select count(*) y from notice_decisions where notice_id = 'N1' and decided_at like '$Y-%'"
# Decisions are part of the record, as the custody log is: the store refuses to change them.
rc=0; sqlite3 "$T/f.db" "delete from notice_decisions where notice_id = 'N1'" 2>"$T/err" || rc=$?
expect "the store refuses DELETE of a decision" sh -c "test $rc != 0 && grep -q 'append-only' '$T/err'"
rc=0; sqlite3 "$T/f.db" "update notice_decisions set decision = 'reject' where notice_id = 'N1'" 2>"$T/err" || rc=$?
expect "and UPDATE" sh -c "test $rc != 0 && grep -q 'append-only' '$T/err'"
check_out "the decision is still there, unchanged" "$(printf 'decision\naccept')" \
	query -d "$T/f.db" -f tsv "select decision from notice_decisions where notice_id = 'N1'"
sqlite_only_begin "no server store was ever at schema 4"
if [ -z "$ON_PG" ]; then
	sqlite3 "$T/f.db" "vacuum into '$T/v4.db'"
	sqlite3 "$T/v4.db" "drop trigger notice_decisions_no_delete; pragma user_version=4"
	ck takedown -d "$T/v4.db" list -f ids >/dev/null
	rc=0; sqlite3 "$T/v4.db" "delete from notice_decisions" 2>/dev/null || rc=$?
fi
expect "a schema 4 store refuses DELETE once opened (schema 5)" \
	test "$rc" != 0
check_out "and keeps its decisions" "$(printf 'v\tn\n7\t1')" query -d "$T/v4.db" -f tsv \
	"select (select user_version from pragma_user_version) v, count(*) > 0 n from notice_decisions"
sqlite_only_end
check_exit 0 "decide records an analyst's reject" takedown -d "$T/f.db" decide N2 reject --reason "licensed boutique, invoices seen"
run takedown -d "$T/f.db" list -f tsv
expect "list shows the analyst's reject as the state" sh -c "grep '^N2' '$T/out' | cut -f2,3 | grep -qx \"\$(printf 'reject\tanalyst')\""
expect "list marks a notice whose listing is missing" sh -c "grep '^N6' '$T/out' | cut -f7 | grep -qx missing"
check_out "list --open shows what waits for review" "notice:N8" takedown -d "$T/f.db" list --open -f ids
check_out "list --overdue 1 shows it too (received in 2025)" "notice:N8" takedown -d "$T/f.db" list --overdue 1 -f ids
run takedown -d "$T/f.db" list --overdue 876000 -f ids
expect "list --overdue of a century shows nothing" test "$rc:$(cat "$T/out")" = "0:"
check_exit 65 "decide on an unknown notice exits 65" takedown -d "$T/f.db" decide N404 accept --reason x
check_exit 0 "decide reverses an accept" takedown -d "$T/f.db" decide N1 reject --reason "withdrawn by the holder"
run takedown -d "$T/f.db" notifiers -f tsv
printf 'notifier\tnotices\taccepted\trejected\trejected_on_review\tat_fault\treversed\tin_review\tstanding\nGuccio Gucci S.p.A.\t7\t2\t4\t2\t3\t1\t1\tnew\n' >"$T/want"
grep -e '^notifier' -e '^Guccio' "$T/out" >"$T/got"
expect "the notifier's record shows the reversal and the analyst's rejections" cmp "$T/want" "$T/got"
run takedown -d "$T/f.db" export -f csv
expect "export gives each notice's last decision" test "$(sed -n 2p "$T/out" | cut -d, -f1-3)" = "N1,reject,analyst"
run takedown -d "$T/f.db" export --all -f json
expect "export --all gives every decision as JSON" sh -c "grep -o '\"decision_id\"' '$T/out' | wc -l | grep -qx 12"
check_out "expand lists the operation's other flagged listings of the brand" "$(printf 'listing:L7\nlisting:L8')" takedown -d "$T/f.db" expand N4 -f ids
check_exit 65 "expand of a notice without a listing exits 65" takedown -d "$T/f.db" expand N6
run takedown -d "$T/f.db" expand N1 -f tsv
expect "expand gives the network, score and reasons" grep -Eq '^L7	S1	N[0-9a-f]+	100	brand:gucci' "$T/out"
# A decision on a listing of a case goes to its custody log.
ck case -d "$T/f.db" new "Gucci copies" --lead seller:S1 >/dev/null
printf 'notice_id,rights_holder,brand,listing_id,received_at\nN9,Guccio Gucci S.p.A.,Gucci,L7,2025-11-11\n' >"$T/n9.csv"
ck ingest -q -d "$T/f.db" -k notices "$T/n9.csv"
printf 'notice:N404\n' >"$T/ids"
check_grep "--from names an id that is no notice" "notice 'N404' is not in the store" takedown -d "$T/f.db" triage --from "$T/ids" -f tsv
echo notice:N9 >"$T/ids"
check_grep "--from triages only the notices named" "^N9	accept	express" takedown -d "$T/f.db" triage --from "$T/ids" -f tsv
check_out "the decision is in the case's custody log" "$(printf 'action\tanalyst\ntakedown\ttester')" \
	query -d "$T/f.db" -f tsv "select action, analyst from custody where detail like 'notice N9 %'"
ck case -d "$T/f.db" new "One listing" --lead listing:L5 >/dev/null
printf 'notice_id,rights_holder,brand,listing_id,received_at\nN11,Guccio Gucci S.p.A.,Gucci,L5,2025-11-11\n' | ck ingest -q -d "$T/f.db" -k notices -
echo N11 >"$T/ids"
ck takedown -d "$T/f.db" triage --from "$T/ids" -f tsv >/dev/null
check_out "a decision goes to the case that holds the listing, and only there" "$(printf 'case_id\nCASE-%s-0002' "$Y")" \
	query -d "$T/f.db" -f tsv "select case_id from custody where detail like 'notice N11 %'"

# A notifier with a long clean record is accepted on weaker evidence: a listing that shows
# the brand and scores half the flag threshold (30 here: brand claim, price), never flagged.
{
	echo "listing_id,seller_id,title,brand,category,price,currency"
	for i in $(seq 20); do echo "U$i,S1,Gucci replica 1:1 bag $i,Gucci,bags,500.00,CNY"; done
	echo "T1,S4,Gucci canvas tote,Gucci,bags,9000.00,CNY"
	echo "T2,S4,Gucci canvas tote,Gucci,bags,9000.00,CNY"
} >"$T/u.csv"
{
	echo "notice_id,rights_holder,brand,listing_id,received_at"
	for i in $(seq 20); do echo "B$i,Brandwatch Legal,Gucci,U$i,2025-11-12"; done
	echo "B21,Brandwatch Legal,Gucci,T1,2025-11-13"
	echo "B22,Guccio Gucci S.p.A.,Gucci,T2,2025-11-14"
} >"$T/b.csv"
printf 'seller_id\nS4\n' | ck ingest -q -d "$T/f.db" -k sellers -
ck ingest -q -d "$T/f.db" -k listings "$T/u.csv"
ck ingest -q -d "$T/f.db" -k notices "$T/b.csv"
ck screen -q -d "$T/f.db" -f tsv >/dev/null
run takedown -d "$T/f.db" triage -f tsv
expect "twenty flagged listings are accepted in the express lane" test "$(grep -c '	accept	express	' "$T/out")" = 20
expect "then the trusted notifier is accepted on weaker evidence" grep -q "^B21	accept	trusted	trusted-notifier score:30	T1" "$T/out"
expect "a notifier without that record goes to review on the same listing" grep -q "^B22	review	review	no-evidence	T2" "$T/out"
run takedown -d "$T/f.db" notifiers -f tsv
expect "the record shows the standing" grep -q "^Brandwatch Legal	22	21	1	0	0	0	0	trusted$" "$T/out"
# The thresholds are the config file's when it sets them.
printf '# stricter trust\ntakedown-trusted-accepts = 30\n' >"$T/strict.conf"
export CASEKIT_CONFIG="$T/strict.conf"
run takedown -d "$T/f.db" notifiers -f tsv
expect "a config that asks 30 accepts for trust leaves the notifier ordinary" grep -q "^Brandwatch Legal	22	21	1	0	0	0	0	ordinary$" "$T/out"
printf 'listing_id,seller_id,title,brand,category,price,currency\nT3,S4,Gucci canvas tote,Gucci,bags,9000.00,CNY\n' | ck ingest -q -d "$T/f.db" -k listings -
printf 'notice_id,rights_holder,brand,listing_id,received_at\nB23,Brandwatch Legal,Gucci,T3,2025-11-15\n' | ck ingest -q -d "$T/f.db" -k notices -
ck screen -q -d "$T/f.db" -f tsv >/dev/null
echo B23 >"$T/ids"
run takedown -d "$T/f.db" triage --from "$T/ids" -f tsv
expect "and triage sends its weaker notice to review" grep -q "^B23	review	review	no-evidence	T3" "$T/out"
printf 'takedown-barred-share = 130\n' >"$T/bad.conf"
CASEKIT_CONFIG="$T/bad.conf"
run takedown -d "$T/f.db" notifiers
unset CASEKIT_CONFIG
expect "a threshold out of range is a config error (78)" sh -c "test $rc = 78 && grep -q \"config 'takedown-barred-share' takes a whole number from 0 to 100, not '130'\" '$T/err'"

# ---- addresses: a notice's url finds its listing in the normalised form (see the man page) ----
ck init -q "$T/u.db"
ck ingest -q -d "$T/u.db" "$DATA/takedown"
printf 'listing_id,seller_id,title,brand,url\nL20,S1,Nike Air replica,Nike,https://M.EXAMPLE/item/L20/?spm=a1z.2#top\n' >"$T/l20.csv"
ck ingest -q -d "$T/u.db" -k listings "$T/l20.csv"
cat >"$T/urls.csv" <<'CSV'
notice_id,rights_holder,brand,url,received_at
U1,"Nike, Inc.",Nike,HTTPS://M.Example/item/L3/?utm_source=newsletter&utm_medium=email#reviews,2025-11-20
U2,"Nike, Inc.",Nike,https://m.example/item/l3,2025-11-20
U3,"Nike, Inc.",Nike,https://m.example/item/L,2025-11-20
U4,"Nike, Inc.",Nike,https://m.example/item/L3/reviews,2025-11-20
U5,"Nike, Inc.",Nike,https://m.example/item/L20,2025-11-20
CSV
ck ingest -q -d "$T/u.db" -k notices "$T/urls.csv"
run takedown -d "$T/u.db" list -f tsv
expect "before triage, list says an address is unchecked" sh -c "grep '^U1	' '$T/out' | cut -f7 | grep -qx unchecked"
printf 'U1\nU2\nU3\nU4\nU5\n' >"$T/ids"
run takedown -d "$T/u.db" triage --from "$T/ids" -f tsv
urlrow() { awk -F'\t' -v id="$1" '$1 == id { print $5 }' "$T/out"; }
expect "scheme and host case, a trailing slash, tracking parameters and a fragment do not matter" test "$(urlrow U1)" = L3
expect "the path's case does" test "$(urlrow U2)" = ""
expect "a prefix of an address finds nothing" test "$(urlrow U3)" = ""
expect "nor a page below the listing's" test "$(urlrow U4)" = ""
expect "the listing's own address is read the same way" test "$(urlrow U5)" = L20
idx="select count(*) n from sqlite_master where type = 'index' and name = 'listings_url'"
[ -z "$ON_PG" ] || idx="select count(*) n from pg_indexes where indexname = 'listings_url'"
check_out "triage indexes listings(url) for addresses" "$(printf 'n\n1')" query -d "$T/u.db" -f tsv "$idx"
run takedown -d "$T/u.db" list -f tsv
expect "after triage, list says whether it was found" sh -c "grep '^U1	' '$T/out' | cut -f7 | grep -qx found && grep '^U2	' '$T/out' | cut -f7 | grep -qx missing"

# ---- shell and completion ----
rc=0
printf 'takedown list --open -f ids\n' | "$CASEKIT" shell -d "$T/f.db" >"$T/out" 2>"$T/err" || rc=$?
expect "the shell runs takedown" test "$rc:$(echo $(cat "$T/out"))" = "0:notice:N8 notice:B22 notice:B23"
rc=0; CASEKIT_DB="$T/f.db" "$CASEKIT" --list-ids notice N >"$T/out" 2>&1 || rc=$?
expect "completion offers notice ids" test "$rc $(echo $(cat "$T/out"))" = "0 N1 N11 N12 N13 N2 N3 N4 N5 N6 N7 N8 N9"
run takedown --list-subcommands
expect "decide and expand complete notice ids" sh -c "grep -qx 'decide NOTICE' '$T/out' && grep -qx 'expand NOTICE' '$T/out'"

# ---- stats: how fast notices are decided ----
now1=$(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%SZ)
printf 'notice_id,rights_holder,brand,listing_id,received_at\nN10,"Nike, Inc.",Nike,L3,%s\n' "$now1" >"$T/n10.csv"
ck ingest -q -d "$T/f.db" -k notices "$T/n10.csv"
ck takedown -d "$T/f.db" triage -f tsv >/dev/null
run stats -d "$T/f.db" -f tsv
expect "stats counts the notices received" grep -qx "$(printf 'notices.received\t36')" "$T/out"
expect "stats counts them by decision" grep -qx "$(printf 'notices.decision.reject\t8')" "$T/out"
expect "stats gives the share decided within 24 hours" grep -qx "$(printf 'notices.decided_24h_pct\t2.8')" "$T/out"
expect "stats gives the removals proposed per accepted notice" grep -q "^notices.proposed_per_accept	" "$T/out"
# A store with known decision times gives the known share and hours. Decisions are made by the
# real clock: these are written straight into the table, as a past desk would have left them.
ck init -q "$T/h.db"
ck ingest -q -d "$T/h.db" -k sellers "$DATA/takedown/sellers.csv"
ck ingest -q -d "$T/h.db" -k listings "$DATA/takedown/listings.csv"
cat >"$T/h.csv" <<'CSV'
notice_id,rights_holder,brand,listing_id,received_at
HA,Guccio Gucci S.p.A.,Gucci,L1,2025-11-01T00:00:00Z
HB,Guccio Gucci S.p.A.,Gucci,L2,2025-11-01T00:00:00Z
HC,Guccio Gucci S.p.A.,Gucci,L5,2025-11-01T00:00:00Z
HD,Guccio Gucci S.p.A.,Gucci,L7,2025-11-01T00:00:00Z
HE,Guccio Gucci S.p.A.,Gucci,L8,2025-11-01T00:00:00Z
HF,Guccio Gucci S.p.A.,Gucci,L9,2025-11-05T00:00:00Z
CSV
ck ingest -q -d "$T/h.db" -k notices "$T/h.csv"
sqlite3 "$T/h.db" "insert into notice_decisions(notice_id, decided_at, analyst, decision, lane, reasons, evidence) values
	('HA', '2025-11-01T02:00:00Z', 'a', 'accept', 'express', 'screen:90', ''),
	('HB', '2025-11-01T01:00:00Z', 'a', 'review', 'review', 'no-evidence', ''),
	('HB', '2025-11-02T00:00:00Z', 'b', 'reject', 'analyst', 'licensed', ''),
	('HC', '2025-11-01T01:00:00Z', 'a', 'review', 'review', 'no-evidence', ''),
	('HC', '2025-11-03T00:00:00Z', 'b', 'accept', 'analyst', 'test buy', ''),
	('HD', '2025-11-01T01:00:00Z', 'a', 'review', 'review', 'no-evidence', ''),
	('HF', '2025-11-04T00:00:00Z', 'a', 'accept', 'express', 'screen:90', '')"
run stats -d "$T/h.db" -f tsv
# HA 2 h and HB 24 h count; HC took 48 h, HD waits in review, HE is open, and HF's decision
# is dated before its receipt (bad data), which counts as no time at all: 2 of 6.
expect "stats gives the known share decided within 24 hours" grep -qx "$(printf 'notices.decided_24h_pct\t33.3')" "$T/out"
expect "and the hours to the first accept or reject" sh -c "grep -qx '$(printf 'notices.hours.median\t24')' '$T/out' && grep -qx '$(printf 'notices.hours.p95\t48')' '$T/out'"
# A notice is the notifier's text: exported as CSV for a spreadsheet, no cell may run as a formula.
mkdir "$T/evil" && cp "$DATA"/takedown/*.csv "$T/evil/"
echo 'N90,"=HYPERLINK(""http://x/"")",Gucci,L1,,trademark,2025-11-11T08:00:00Z,=cmd|x' >>"$T/evil/notices.csv"
ck init -q "$T/evil.db" && ck ingest -q -d "$T/evil.db" "$T/evil" && ck takedown -q -d "$T/evil.db" triage >/dev/null
run takedown -d "$T/evil.db" export -f csv
expect "takedown export gives a formula cell a leading '" sh -c "grep '^N90,' '$T/out' | grep -qF ',\"'\''=HYPERLINK(\"\"http://x/\"\")\",'\''=cmd|x,'"
done_testing
