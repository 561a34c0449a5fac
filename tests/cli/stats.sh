#!/bin/sh
# stats.sh - casekit stats: the enforcement figures of a store or a case, in every format
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

ck init -q "$T/db"
check_grep "--help shows usage" "^usage: casekit stats" stats --help
check_exit 64 "an operand is a usage error" stats -d "$T/db" extra
check_exit 66 "a missing store exits 66" stats -d "$T/none.db"
sqlite_only "a server's database is made with createdb, and libpq says it is missing" check_grep "a missing store says how to make one" "no case store at .*casekit init" stats -d "$T/none.db"
printf 'what\tvalue\nbrands\t0\nsellers\t0\n' >"$T/want"
run stats -d "$T/db" -f tsv
head -3 "$T/out" >"$T/got"
expect "tsv: header and zero counts" cmp "$T/want" "$T/got"
check_grep "csv has a header" "^what,value" stats -d "$T/db" -f csv
check_grep "json is an array of objects" '^\{"what":"takedowns","value":0\},?$' stats -d "$T/db" -f json
check_grep "ndjson is one object a line" '^\{"what":"identifiers","value":0\}$' stats -d "$T/db" -f ndjson
check_grep "table is aligned" "^listings +0$" stats -d "$T/db" -f table
check_grep "no takedowns: no handling time" '^\{"what":"takedowns.hours.median","value":null\}$' stats -d "$T/db" -f ndjson
check_exit 64 "ids has no meaning for stats" stats -d "$T/db" -f ids
run stats --help
grep -- "--format" "$T/out" | grep -q "ids" && fail "--help does not offer ids" "$(grep -- --format "$T/out")" || pass "--help does not offer ids"
echo "not sqlite" >"$T/junk"
check_exit 78 "a non-store exits 78" stats -d "$T/junk"
expect "the non-store is unchanged" test "$(cat "$T/junk")" = "not sqlite"
sqlite3 "$T/other.db" "create table t(x)" 2>/dev/null && {
	check_exit 78 "a foreign sqlite file exits 78" stats -d "$T/other.db"
	check_grep "and is named as not a store" "is not a casekit store" stats -d "$T/other.db"
}

# A small enforcement history: four listings, three flagged, orders, test buys and notices.
has() { [ -n "$(sqlite3 "$T/db" "select 1 from sqlite_master where name = '$1'")" ]; }
sqlite3 "$T/db" "
insert into sources(source_id, path, sha256, size, kind, ingested_at)
	values(1, 'dump.csv', 'x', 1, 'listings', '2026-01-01T00:00:00Z');
insert into sellers(seller_id, source_id, line) values ('S1', 1, 2), ('S2', 1, 3), ('S3', 1, 4);
insert into listings(listing_id, seller_id, source_id, line) values
	('L1', 'S1', 1, 2), ('L2', 'S1', 1, 3), ('L3', 'S2', 1, 4), ('L4', 'S3', 1, 5);
insert into orders(order_id, listing_id, seller_id, amount, currency, ordered_at, source_id, line)
	values ('O1', 'L1', 'S1', 12900, 'EUR', '2026-01-05T00:00:00Z', 1, 2),
	('O2', 'L3', 'S2', 5000, 'EUR', '2026-01-05T00:00:00Z', 1, 3),
	('O3', 'L4', 'S3', 2000, 'USD', '2026-01-10T00:00:00Z', 1, 4);
insert into testbuys(testbuy_id, listing_id, cost, currency, verdict, source_id, line) values
	('TB1', 'L1', 12900, 'EUR', 'counterfeit', 1, 2), ('TB2', 'L3', 5000, 'EUR', 'genuine', 1, 3),
	('TB3', 'L4', 2000, 'USD', 'Counterfeit', 1, 4);
insert into takedowns(notice_id, listing_id, received_at, resolved_at, outcome, source_id, line)
	values ('T1', 'L2', '2026-01-01T00:00:00Z', '2026-01-01T01:00:00Z', 'removed', 1, 2),
	('T2', 'L4', '2026-01-01T00:00:00Z', '2026-01-01T02:00:00Z', 'removed', 1, 3),
	('T3', 'L1', '2026-01-02T00:00:00Z', '2026-01-02T03:00:00Z', 'rejected', 1, 4),
	('T4', 'L3', '2026-01-03T00:00:00Z', '2026-01-03T10:00:00Z', 'removed', 1, 5),
	('T5', 'L3', '2026-01-04T00:00:00Z', NULL, NULL, 1, 6),
	('T6', 'L1', '2026-01-05T00:00:00Z', '2026-01-04T00:00:00Z', 'removed', 1, 7);
insert into scores(listing_id, seller_id, score, flagged, reasons, run_id) values
	('L1', 'S1', 90, 1, '', 1), ('L2', 'S1', 80, 1, '', 1),
	('L3', 'S2', 10, 0, '', 1), ('L4', 'S3', 75, 1, '', 1);"
run stats -d "$T/db" -f tsv
fig() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$T/out"; }
expect "listings screened and flagged" test "$(fig listings.screened) $(fig listings.flagged) $(fig listings.flagged_pct)" = "4 3 75"
expect "flagged listings that never sold" test "$(fig listings.flagged_never_sold)" = 1
expect "flagged listings taken down before a sale" test "$(fig listings.flagged_removed_before_sale)" = 2
expect "test buy verdicts, case folded" test "$(fig testbuys.verdict.counterfeit) $(fig testbuys.verdict.genuine)" = "2 1"
expect "test buy spend per currency, in major units" test "$(fig testbuys.cost.EUR) $(fig testbuys.cost.USD)" = "179.00 20.00"
expect "takedowns received, resolved, open" test "$(fig takedowns.received) $(fig takedowns.resolved) $(fig takedowns.open)" = "6 5 1"
expect "handling time median and 95th percentile, in hours" test "$(fig takedowns.hours.median) $(fig takedowns.hours.p95)" = "2.5 10"
expect "a notice resolved before it came is counted, not averaged" test "$(fig takedowns.bad_times)" = 1
expect "takedown outcomes" test "$(fig takedowns.outcome.removed) $(fig takedowns.outcome.none)" = "4 1"
expect "the row counts stay" test "$(fig listings) $(fig takedowns)" = "4 6"
sqlite3 "$T/db" "
insert into testbuys(testbuy_id, listing_id, source_id, line) values ('TB9', 'L9', 1, 5);
insert into takedowns(notice_id, listing_id, received_at, source_id, line)
	values ('T9', 'L9', '2026-01-06T00:00:00Z', 1, 8);"
run stats -d "$T/db" -f tsv
expect "test buys and notices of a listing not in the store are not counted" test "$(fig testbuys.bought) $(fig takedowns.received) $(fig takedowns.open) $(fig takedowns)" = "3 6 1 7"
sqlite3 "$T/db" "delete from testbuys where testbuy_id = 'TB9'; delete from takedowns where notice_id = 'T9'"

if has networks && has network_members; then
	sqlite3 "$T/db" "
	insert into networks(network_id, size, anchor, kinds, created_run, updated_run)
		values ('N1', 2, 'S1', 'phone', 1, 1);
	insert into network_members(seller_id, network_id) values ('S1', 'N1'), ('S2', 'N1');"
	run stats -d "$T/db" -f tsv
	expect "networks and their sizes" test "$(fig networks) $(fig networks.sellers) $(fig networks.size.max) $(fig networks.of_size.2)" = "1 2 2 1"
	expect "networks with flagged listings" test "$(fig networks.with_flagged)" = 1
else
	skip "networks and their sizes" "no networks table yet (casekit link)"
fi
if has cases && has case_members && has case_leads; then
	sqlite3 "$T/db" "
	insert into cases(case_id, title, opened_at, opened_by) values ('C1', 't', 'now', 'me');
	insert into case_leads(case_id, kind, id, added_at, added_by) values ('C1', 'seller', 'S1', 'now', 'me');
	insert into case_members(case_id, seller_id, via) values ('C1', 'S1', 'lead');"
	run stats -d "$T/db" -f tsv
	expect "cases and leads" test "$(fig cases) $(fig cases.open) $(fig leads) $(fig leads.seller)" = "1 1 1 1"
	expect "case values: flagged listings sold, per currency" test "$(fig cases.value.EUR)" = 129.00
	run stats -d "$T/db" -f tsv --case C1
	expect "--case: the case's figures" test "$(fig case.sellers) $(fig case.listings) $(fig listings.flagged) $(fig takedowns.received)" = "1 2 2 3"
	expect "--case: the case value" test "$(fig case.value.EUR)" = 129.00
	rc=0; CASEKIT_CASE=C1 "$CASEKIT" stats -d "$T/db" -f tsv >"$T/out" 2>&1 || rc=$?
	expect "CASEKIT_CASE is the default case" test "$rc $(fig case.sellers)" = "0 1"
	sqlite3 "$T/db" "
	insert into cases(case_id, title, opened_at, opened_by) values ('C2', 't', 'now', 'me');
	insert into case_members(case_id, seller_id, via) values ('C2', 'S1', 'lead'), ('C2', 'S2', 'lead');"
	run stats -d "$T/db" -f tsv
	expect "an order two cases share counts once in the cases' value" test "$(fig cases.value.EUR)" = 179.00
	run stats -d "$T/db" -f tsv --case C2
	expect "a taken-down listing counts in its case's value" test "$(fig case.value.EUR)" = 179.00
	check_exit 65 "an unknown case exits 65" stats -d "$T/db" --case NOPE
	check_grep "and is named" "no case 'NOPE'" stats -d "$T/db" --case NOPE
else
	check_exit 65 "--case without cases exits 65" stats -d "$T/db" --case C1
	skip "case figures" "no case tables yet (casekit case)"
fi
# The store's country and the quality of its identifiers.
ck init -q --country CN "$T/cn.db"
check_grep "the store's country is shown" '^{"what":"country","value":"CN"}$' stats -d "$T/cn.db" -f ndjson
ck init -q "$T/q.db"
printf 'seller_id,phone,email\nS1,178-6665-8722,a@x.cn\nS2,(+86)17866658722,junk\nS3,178 6665 8723,\n' >"$T/sellers.csv"
ck ingest -q -d "$T/q.db" "$T/sellers.csv"
run stats -d "$T/q.db" -f tsv
grep '^identifiers\.' "$T/out" | grep -E 'phone|email' >"$T/got"
for k in email.1.0.0.0.0.1 phone.3.2.0.0.0.0; do
	echo "$k" | awk -F. '{ split("keys national_no_country coarse null_or_private hub_candidates unparsed", n, " ")
		for (i = 1; i <= 6; i++) printf "identifiers.%s.%s\t%s\n", $1, n[i], $(i + 1) }'
done >"$T/want"
expect "identifier quality per kind, as ingest says it" cmp "$T/want" "$T/got"

# The quality figures are what their definition in SQL says, on rows ingest would not make:
# a row with no holder, a holder with no identifiers, an identifier of another holder, holder
# kind or field on the row's line, flags in capitals, a holder kind nobody reads. stats
# --recount reads the rows in the order ingest writes them, or by holder when they are not in
# that order. (Rows written behind casekit's back are not in the counts ingest keeps.)
printf 'seller_id,device_id,ip\nS1,AC196FCD-349F-461E-A788-612F2BB34B0D,10.0.0.1\nS9,dev,1.2.3.4\nS2,,8.8.8.8\n' >"$T/logins.csv"
ck ingest -q -d "$T/q.db" "$T/logins.csv"
printf 'party_id,kind,name,phone,email\nP1,forwarder,F,178-6665-8725,p@x.cn\nP2,forwarder,G,nope,\n' >"$T/parties.csv"
ck ingest -q -d "$T/q.db" "$T/parties.csv"
# (SQLite keeps a NULL in a TEXT PRIMARY KEY; PostgreSQL refuses it: a holder with no row)
nokey=NULL
[ -z "$ON_PG" ] || nokey="'S99'"
sqlite3 "$T/q.db" "
insert into sellers(seller_id, phone, email, source_id, line) values ($nokey, '1', 'x@y.z', 99, 1);
insert into logins(seller_id, device_id, ip, source_id, line) values ('S0', 'd0', '', 99, 2);
insert into identifiers(holder_kind, holder_id, kind, value, flags, field, source_id, line)
	values ('seller', 'S4', 'phone', 'v1', 'Local,mobile', 'phone', 99, 3),
	('seller', 'S2', 'email', 'v2', 'x,COARSE,nolink', 'email', 99, 4),
	('buyer', 'B1', 'phone', 'v3', 'nolink', 'phone', 99, 5),
	('party', 'P2', 'email', 'v4', NULL, 'phone', 99, 6),
	('seller', 'S5', 'phone', 'v5', NULL, 'phone', 99, 7),
	('party', 'S6', 'phone', 'v6', NULL, 'phone', 99, 7),
	('seller', 'S6', 'phone', 'v6', NULL, 'email', 99, 7),
	('seller', 'S8', 'phone', 'v6', NULL, 'phone', 99, 8);
insert into sellers(seller_id, phone, source_id, line) values ('S6', 'p', 99, 7), ('S8', 'p', 99, 8);
delete from identifiers where holder_id = 'S1' and field = 'ip';"
unparsed() { # TABLE HOLDER_KIND HOLDER FIELD KIND: the definition, one column
	echo "insert into u SELECT '$5', count(*) FROM $1 t WHERE coalesce(t.$4, '') <> '' AND
	NOT EXISTS (SELECT 1 FROM identifiers i WHERE i.holder_kind = '$2' AND i.holder_id = t.$3
	AND i.field = '$4' AND i.source_id = t.source_id AND i.line = t.line);"
}
quality_sql() {
	{
		echo "create temp table u(k text, n integer);"
		unparsed sellers seller seller_id phone phone
		unparsed sellers seller seller_id email email
		unparsed sellers seller seller_id address address_unit
		unparsed sellers seller seller_id return_address address_unit
		unparsed parties party party_id phone phone
		unparsed parties party party_id email email
		unparsed parties party party_id address address_unit
		unparsed logins seller seller_id device_id device
		unparsed logins seller seller_id ip ip
		echo "create temp table q(kind text primary key, keys integer, national integer,
			coarse integer, nolink integer);
		insert into q SELECT kind, count(*),
			sum(CASE WHEN ','||lower(flags)||',' LIKE '%,local,%' THEN 1 ELSE 0 END),
			sum(CASE WHEN ','||lower(flags)||',' LIKE '%,coarse,%' THEN 1 ELSE 0 END),
			sum(CASE WHEN ','||lower(flags)||',' LIKE '%,nolink,%' AND
				','||lower(flags)||',' NOT LIKE '%,coarse,%' THEN 1 ELSE 0 END)
			FROM identifiers WHERE kind <> 'address_building' GROUP BY kind;
		insert into q SELECT DISTINCT k, 0, 0, 0, 0 FROM u WHERE n > 0
			AND k NOT IN (SELECT kind FROM q);
		SELECT kind, coalesce(keys, 0), coalesce(national, 0), coalesce(coarse, 0),
			coalesce(nolink, 0), 0, (SELECT sum(n) FROM u WHERE k = kind) FROM q;"
	} | sqlite3 -separator ' ' "$T/q.db" | sort
}
quality_got() {
	run stats -d "$T/q.db" -f tsv --recount
	awk -F'\t' '$1 ~ /^identifiers\./ { split($1, p, "."); v[p[2]] = v[p[2]] " " $2 }
		END { for (k in v) print k v[k] }' "$T/out" | sort
}
out_of_order() { # TABLE ID: rows whose (source_id, line) is less than the row's before
	sqlite3 "$T/q.db" "SELECT count(*) FROM (SELECT source_id s, line l, lag(source_id)
		OVER (ORDER BY $2) ps, lag(line) OVER (ORDER BY $2) pl FROM $1) AS t
		WHERE s < ps OR (s = ps AND l < pl)"
}
expect "the edge rows are in" test "$(sqlite3 "$T/q.db" "select count(*) from sellers where source_id = 99")" = 3
expect "the rows are in the order ingest writes them" test \
	"$(out_of_order identifiers ident_id)$(out_of_order sellers rowid)$(out_of_order logins rowid)$(out_of_order parties rowid)" = 0000
quality_sql >"$T/want"
quality_got >"$T/got"
expect "identifier quality is its definition in SQL, edge rows included" diff "$T/want" "$T/got"
expect "and the edge rows are there to count" grep -Eq '^phone [0-9]+ [0-9]+ 0 [1-9][0-9]* 0 [1-9][0-9]*$' "$T/got"
# A second load of sellers that are in the store writes them over their old rows, in place.
printf 'seller_id,phone,email,address\nS1,178-6665-8722,a@x.cn,\nS2,junk,b@x.cn,\nS4,178 6665 8724,,\n' >"$T/q2.csv"
ck ingest -q -k sellers -d "$T/q.db" "$T/q2.csv" 2>/dev/null
expect "now they are not" test "$(out_of_order sellers rowid)" -gt 0
quality_sql >"$T/want"
quality_got >"$T/got"
expect "rows out of order: the same definition" diff "$T/want" "$T/got"

# stats reads the counts ingest keeps; --recount counts the rows again. They agree after
# loads with rejects, sellers and parties written over by a later file and twice in one file,
# several sources, --replace of a file and of one written over, and hubs that come and go.
ck init -q "$T/k.db"
ck synth -q -o "$T/kd" --sellers 400 -s 3
ck ingest -q -d "$T/k.db" "$T/kd"
kept_is_recount() { # DESC
	"$CASEKIT" stats -d "$T/k.db" -f tsv >"$T/kept" 2>&1
	"$CASEKIT" stats -d "$T/k.db" -f tsv --recount >"$T/recount" 2>&1
	expect "$1" diff "$T/recount" "$T/kept"
}
kfig() { awk -F'\t' -v k="$1" '$1 == k { print $2 }' "$T/kept"; }
kept_is_recount "kept counts: a whole dump"
awk -F, -v OFS=, 'NR == 1 { print; next } NR <= 120 { if (NR % 3 == 0) $6 = "junk"
	if (NR % 5 == 0) $7 = ""; if (NR % 7 == 0) $8 = "x"; print
	if (NR % 11 == 0) { $6 = ""; $7 = "dup@x.cn"; print } }
	END { print ",,,,,,,,,"; print "S9999999,p,s,o,notadate,1,2,3,4,5" }' "$T/kd/sellers.csv" >"$T/s2.csv"
ck ingest -q -k sellers -d "$T/k.db" "$T/s2.csv" 2>/dev/null
kept_is_recount "kept counts: sellers written over, in a later file and twice in one"
expect "and those loads had rejects and unparsed phones" test "$(kfig rejects)" -gt 0 -a "$(kfig identifiers.phone.unparsed)" -gt 0
awk 'NR == 1 || NR % 2 == 0' "$T/s2.csv" >"$T/s2b.csv" && mv "$T/s2b.csv" "$T/s2.csv"
ck ingest -q -k sellers --replace -d "$T/k.db" "$T/s2.csv" 2>/dev/null
kept_is_recount "kept counts: --replace of a file that wrote over another"
hubs0=$(kfig identifiers.ip.hub_candidates)
{
	echo "seller_id,device_id,ip,user_agent,at"
	i=201; while [ $i -le 270 ]; do printf 'S%07d,SHARED-1,9.9.9.9,ua,2025-10-01T00:00:00Z\n' $i; i=$((i + 1)); done
	echo "S0000202,zz,not-an-ip,ua,2025-10-01T00:00:00Z"
} >"$T/l2.csv"
ck ingest -q -k logins -d "$T/k.db" "$T/l2.csv" 2>/dev/null
kept_is_recount "kept counts: an IP seventy sellers share"
expect "is a hub candidate, and an IP that does not parse is unparsed" test "$(kfig identifiers.ip.hub_candidates)" -gt "$hubs0" -a "$(kfig identifiers.ip.unparsed)" -gt 0
head -6 "$T/l2.csv" >"$T/l2b.csv" && mv "$T/l2b.csv" "$T/l2.csv"
ck ingest -q -k logins --replace -d "$T/k.db" "$T/l2.csv" 2>/dev/null
kept_is_recount "kept counts: --replace leaves that IP to five sellers"
expect "and it is a hub candidate no more" test "$(kfig identifiers.ip.hub_candidates)" = "$hubs0"
awk -F, -v OFS=, 'NR == 1 { print; next } { if (NR % 2 == 0) $4 = "nope"; print
	if (NR % 3 == 0) { $5 = ""; print } }' "$T/kd/parties.csv" >"$T/p2.csv"
ck ingest -q -k parties -d "$T/k.db" "$T/p2.csv" 2>/dev/null
kept_is_recount "kept counts: parties written over"
ck ingest -q --replace -d "$T/k.db" "$T/kd/sellers.csv" "$T/kd/logins.csv" 2>/dev/null
kept_is_recount "kept counts: --replace of the first sellers and logins"
expect "the counts are per source, none for a source replaced" test "$(sqlite3 "$T/k.db" "select count(*) from ident_counts where source_id in (select source_id from sources where replaced_by is not null)")" = 0
# A profile's ident line named like an identifier column: a value counts as unparsed only
# when neither made an identifier, and only when the column itself has a value.
printf '[sellers]\nident phone = {alt}\nident wechat = {wx}\n' >"$T/alt.profile"
printf 'seller_id,phone,alt,wx\nS9000001,junk,,w1\nS9000002,junk,13912345678,\nS9000003,,nope,w1\nS9000004,,,\nS9000005,13912345679,,w2\n' >"$T/alt.csv"
ck ingest -q -k sellers -p "$T/alt.profile" -d "$T/k.db" "$T/alt.csv" 2>/dev/null
kept_is_recount "kept counts: a profile's ident line named like a column"
expect "and its own kind is counted" test "$(kfig identifiers.wechat.keys)" = 3
check_grep "--recount is offered" "--recount" stats --help
# A schema 5 store has no counts: opening it fills them from its rows.
if [ -n "$ON_PG" ]; then cp "$T/k.db" "$T/v5.db"; else sqlite3 "$T/k.db" ".backup '$T/v5.db'"; fi
sqlite3 "$T/v5.db" "drop table ident_counts; drop table ident_hubs; pragma user_version=5"
run stats -d "$T/v5.db" -f tsv
expect "a schema 5 store gets its counts: the same figures" diff "$T/kept" "$T/out"
expect "and is at schema 7" test "$(sqlite3 "$T/v5.db" "pragma user_version")" = 7
done_testing
