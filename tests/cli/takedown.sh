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
done_testing
