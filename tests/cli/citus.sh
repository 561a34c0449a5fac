#!/bin/sh
# citus.sh - a distributed store on a Citus cluster of three nodes on this machine: init
# --distributed lays the tables out as casekit-store(5) says
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "$TOP_SRCDIR/tests/pg/lib.sh"
pg_start 56120 citus
# check_sql DESC SQL WANT: psql's answer to SQL is WANT
check_sql() {
	got=$(sql "$2" 2>&1)
	if [ "$got" = "$3" ]; then pass "$1"; else fail "$1" "$got"; fi
}

check_exit 64 "--distributed wants a URI, not a file" init --distributed "$T/x.db"
expect "and the file is not made" test ! -e "$T/x.db"
sql "create database plain" >/dev/null 2>&1
plain=$(echo "$URI" | sed 's|/casekit?|/plain?|')
check_exit 78 "a database without the citus extension is refused" init --distributed "$plain"
check_grep "and says what it lacks" "has no citus extension" init --distributed "$plain"
check_sql "and nothing is left there" \
	"select count(*) from pg_tables where schemaname = 'public'" 0

check_exit 0 "init --distributed makes a store on the coordinator" init -q --distributed "$URI"
check_sql "meta says the layout" "select value from meta where key = 'layout'" citus
check_sql "the account-centred tables are distributed on the seller and co-located" \
	"select string_agg(table_name || ':' || distribution_column, ' ' order by table_name::text)
	from citus_tables where citus_table_type = 'distributed'
	and colocation_id = (select colocation_id from citus_tables where table_name = 'sellers'::regclass)" \
	"identifiers:holder_id listings:seller_id logins:seller_id orders:seller_id payments:seller_id scores:seller_id sellers:seller_id"
check_sql "small tables are reference tables" \
	"select count(*) from citus_tables where citus_table_type = 'reference'
	and table_name::text in ('brands', 'parties', 'meta', 'sources', 'networks', 'network_members')" 6
check_sql "cases and the custody log stay on the coordinator, out of Citus" \
	"select count(*) from pg_class c where relname in ('cases', 'custody', 'case_members', 'notice_decisions')
	and relkind = 'r' and not exists (select 1 from pg_dist_partition p where p.logicalrelid = c.oid)" 4
check_sql "listings' key holds the seller id" \
	"select pg_get_constraintdef(oid) from pg_constraint where conname = 'listings_pkey'" \
	"PRIMARY KEY (seller_id, listing_id)"
for t in sellers listings link_values; do
	check_sql "$t has shards on both workers" \
		"select count(distinct n.nodename) from pg_dist_shard s join pg_dist_placement p using (shardid)
		join pg_dist_node n using (groupid) where s.logicalrelid = '$t'::regclass and n.groupid <> 0" 2
done
check_exit 73 "a second init refuses" init --distributed "$URI"

# The same dump into the file store and the distributed one.
ck synth -q -o "$T/dump" --sellers 200 --seed 1
ck init -q "$T/file.db"
ck ingest -q -d "$T/file.db" "$T/dump"
check_exit 0 "ingest loads a dump into the distributed store" ingest -q -d "$URI" "$T/dump"
counts="select (select count(*) from sellers) || ' ' || (select count(*) from listings) || ' ' ||
	(select count(*) from orders) || ' ' || (select count(*) from identifiers) || ' ' ||
	(select count(*) from rejects) as n"
check_out "with every row the file store keeps" "$(ck query -d "$T/file.db" -f tsv "$counts")" \
	query -d "$URI" -f tsv "$counts"
# A listing loaded again with another price replaces the one there, as on the file store.
head -4 "$T/dump/listings.csv" | awk -F, 'BEGIN { OFS = "," } NR > 1 { $6 = "1.23" } { print }' \
	>"$T/again.csv"
ck ingest -q -d "$T/file.db" -k listings "$T/again.csv"
check_grep "a listing loaded again replaces the older row" "3 rows replaced" \
	ingest -d "$URI" -k listings "$T/again.csv"
prices="select listing_id, price from listings where price = 123 order by listing_id"
check_out "with the same result as on the file store" "$(ck query -d "$T/file.db" -f tsv "$prices")" \
	query -d "$URI" -f tsv "$prices"
# Screen and link give what they give on the file store: flagged listings, then networks.
ck screen -q -d "$T/file.db" --min-score 70 -f ids | sort >"$T/flagged.file"
ck screen -q -d "$URI" --min-score 70 -f ids >"$T/flagged.citus" 2>"$T/err"
sort "$T/flagged.citus" >"$T/flagged.sorted"
if [ -s "$T/flagged.file" ] && cmp -s "$T/flagged.file" "$T/flagged.sorted"; then
	pass "screen flags the same listings ($(wc -l <"$T/flagged.file"))"
else
	fail "screen flags the same listings" "$(cat "$T/err"; diff "$T/flagged.file" "$T/flagged.sorted")"
fi
ck link -q -d "$T/file.db" >/dev/null
check_exit 0 "link runs on the distributed store" link -q -d "$URI"
# nets STORE: one line per network, its sellers in order
nets() {
	ck query -d "$1" -f tsv "select network_id, seller_id from network_members" | tail -n +2 |
		sort | awk -F'\t' '$1 != p { if (p != "") print s; s = $2; p = $1; next }
			{ s = s " " $2 } END { if (p != "") print s }' | sort
}
nets "$T/file.db" >"$T/nets.file"
nets "$URI" >"$T/nets.citus"
if [ -s "$T/nets.file" ] && cmp -s "$T/nets.file" "$T/nets.citus"; then
	pass "link finds the same networks, as sets of sellers ($(wc -l <"$T/nets.file"))"
else
	fail "link finds the same networks, as sets of sellers" "$(diff "$T/nets.file" "$T/nets.citus")"
fi
check_out "and shows them as the file store does" "$(ck link -q -d "$T/file.db" -f tsv)" \
	link -q -d "$URI" -f tsv
check_sql "link groups identifiers in a copy spread by value" \
	"select distribution_column from citus_tables where table_name = 'link_values'::regclass" value
check_sql "which it leaves empty" "select count(*) from link_values" 0
# a store made before link_values: link reads every seller identifier, with the same result
sql "alter table link_values rename to link_values_old" >/dev/null
check_out "a store without that copy links as before" "$(ck link -q -d "$T/file.db" -f tsv)" \
	link -q --full -d "$URI" -f tsv
sql "alter table link_values_old rename to link_values" >/dev/null
check_out "and with it again" "$(ck link -q -d "$T/file.db" -f tsv)" link -q --full -d "$URI" -f tsv
# Twenty more sellers (renamed Z...), then an incremental link on both, and one pair explained.
ck synth -q -o "$T/more" --sellers 20 --seed 8
mkdir "$T/new"
for f in sellers logins payments; do
	sed 's/\bS\([0-9]\)/Z\1/g' "$T/more/$f.csv" >"$T/new/$f.csv"
done
ck ingest -q -d "$T/file.db" "$T/new"
ck link -q -d "$T/file.db" >/dev/null
ck ingest -q -d "$URI" "$T/new"
check_grep "an incremental link runs there" "incremental run" link -d "$URI"
nets "$URI" >"$T/nets.citus"
nets "$T/file.db" >"$T/nets.file"
if cmp -s "$T/nets.file" "$T/nets.citus"; then
	pass "with the same networks as the file store"
else
	fail "with the same networks as the file store" "$(diff "$T/nets.file" "$T/nets.citus")"
fi
pair=$(ck query -d "$T/file.db" -f tsv "select seller_a, seller_b from link_edges order by edge_id limit 1" |
	sed -n 2p | tr '\t' ' ')
# shellcheck disable=SC2086
check_out "link --explain gives the same evidence, file and line" \
	"$(ck link -q -d "$T/file.db" --explain $pair)" link -q -d "$URI" --explain $pair
check_out "a screen after link adds the same network signal" \
	"$(ck screen -q -d "$T/file.db" --min-score 70 -f tsv)" screen -q -d "$URI" --min-score 70 -f tsv
# one listing explained, and a seller's listings scored again, with the seller facts and the
# network signal as on the file store (a new account, another account's flagged listings)
lid=$(ck query -d "$T/file.db" -f tsv "select listing_id from scores where reasons like '%new-seller%'
	and reasons like '%network:%' order by listing_id limit 1" | sed -n 2p)
check_out "screen --explain $lid weighs the same facts" \
	"$(ck screen -q -d "$T/file.db" --explain "$lid" -f tsv)" screen -q -d "$URI" --explain "$lid" -f tsv
sid=$(ck query -d "$T/file.db" -f tsv "select seller_id from listings where listing_id = '$lid'" |
	sed -n 2p)
check_out "screen seller:$sid scores its listings again alike" \
	"$(ck screen -q -d "$T/file.db" --min-score 0 -f tsv "seller:$sid")" \
	screen -q -d "$URI" --min-score 0 -f tsv "seller:$sid"
# same_takedown DESC FIELDS ARGS...: `takedown ARGS -f tsv` gives, in its fields FIELDS (cut -f),
# what it gives on the file store, exit status and stderr included (the hours a notice has been
# open grow between the two runs: the callers leave them out)
same_takedown() {
	local desc=$1 fields=$2 s
	shift 2
	for s in file citus; do
		db=$T/file.db
		[ $s = citus ] && db=$URI
		ck takedown -d "$db" "$@" -f tsv >"$T/td.$s" 2>"$T/td.$s.err"
		echo "exit $?" >>"$T/td.$s.err"
		cut -f "$fields" "$T/td.$s" >"$T/td.$s.cut"
	done
	if [ "$(wc -l <"$T/td.file.cut")" -gt 1 ] && cmp -s "$T/td.file.cut" "$T/td.citus.cut" &&
		cmp -s "$T/td.file.err" "$T/td.citus.err"; then
		pass "$desc ($(($(wc -l <"$T/td.file.cut") - 1)) rows)"
	else
		fail "$desc" "$(cat "$T/td.citus.err"; diff "$T/td.file.cut" "$T/td.citus.cut")"
	fi
}
same_takedown "takedown triage decides the notices as on the file store" 1-7 triage
cp "$T/td.file" "$T/triage.file"
same_takedown "takedown list shows the same decisions" 1-8 list
same_takedown "takedown list --open shows the same notices in review" 1-8 list --open
same_takedown "takedown list --overdue shows the same notices waiting" 1-8 list --overdue 1
same_takedown "takedown notifiers gives the same records" 1- notifiers
notice=$(awk -F'\t' '$2 == "accept" { print $1; exit }' "$T/triage.file")
same_takedown "takedown expand $notice lists the same listings" 1- expand "$notice"
notice=$(awk -F'\t' '$2 == "review" { print $1; exit }' "$T/triage.file")
ck takedown -d "$T/file.db" decide "$notice" reject --reason test >/dev/null
check_exit 0 "takedown decide records an analyst's decision" \
	takedown -d "$URI" decide "$notice" reject --reason test
same_takedown "takedown export --all gives the same decisions" 1-14,16 export --all
# A case opened on the biggest network: the same members, in the custody log of the coordinator.
net=$(ck link -q -d "$T/file.db" -f tsv | sed -n 2p | cut -f1)
ck case -q -d "$T/file.db" new "ring" --lead "network:$net" >/dev/null
check_exit 0 "a case opens on the distributed store" case -q -d "$URI" new "ring" --lead "network:$net"
case=$(sql "select case_id from cases")
members="select seller_id, network_id, via from case_members order by seller_id"
check_out "with the members it has on the file store" "$(ck query -d "$T/file.db" -f tsv "$members")" \
	query -d "$URI" -f tsv "$members"
for sec in sellers listings orders value parties findings; do
	check_out "case show --section $sec as on the file store" \
		"$(ck case -d "$T/file.db" show "$case" --section "$sec" -f tsv 2>&1)" \
		case -d "$URI" show "$case" --section "$sec" -f tsv
done
# links, but for the value of a payment, a keyed hash under each store's own key
ck case -d "$T/file.db" show "$case" --section links -f tsv | cut -f1-4,6- >"$T/links.file"
ck case -d "$URI" show "$case" --section links -f tsv 2>"$T/err" | cut -f1-4,6- >"$T/links.citus"
if [ "$(wc -l <"$T/links.file")" -gt 1 ] && cmp -s "$T/links.file" "$T/links.citus"; then
	pass "case show --section links as on the file store, payment hashes aside"
else
	fail "case show --section links as on the file store, payment hashes aside" \
		"$(cat "$T/err"; diff "$T/links.file" "$T/links.citus")"
fi
# a case shown whole says on stderr only what it says on the file store (no Citus warning)
ck case -d "$T/file.db" show "$case" >/dev/null 2>"$T/err.file"
ck case -d "$URI" show "$case" >"$T/show.citus" 2>"$T/err.citus"
if [ -s "$T/show.citus" ] && cmp -s "$T/err.file" "$T/err.citus"; then
	pass "case show prints nothing unexpected on stderr"
else
	fail "case show prints nothing unexpected on stderr" "$(diff "$T/err.file" "$T/err.citus")"
fi
# stats reads the same figures from both stores, for the store and for the case
for scope in "" "$case"; do
	ck stats -d "$T/file.db" --case "$scope" -f tsv >"$T/stats.file"
	ck stats -d "$URI" --case "$scope" -f tsv >"$T/stats.citus" 2>"$T/err"
	if grep -q "^listings.screened	[1-9]" "$T/stats.file" && [ ! -s "$T/err" ] &&
		cmp -s "$T/stats.file" "$T/stats.citus"; then
		pass "stats ${scope:+--case }gives the figures of the file store"
	else
		fail "stats ${scope:+--case }gives the figures of the file store" \
			"$(cat "$T/err"; grep listings "$T/stats.file"; diff "$T/stats.file" "$T/stats.citus")"
	fi
done
# sample draws the same test buys from both stores with the same seed
for seed in 1 7; do
	ck sample -d "$T/file.db" --budget 500 --seed $seed -f tsv >"$T/sample.file" 2>&1
	ck sample -d "$URI" --budget 500 --seed $seed -f tsv >"$T/sample.citus" 2>&1
	if [ "$(wc -l <"$T/sample.file")" -gt 2 ] && cmp -s "$T/sample.file" "$T/sample.citus"; then
		pass "sample --seed $seed picks the test buys it picks on the file store"
	else
		fail "sample --seed $seed picks the test buys it picks on the file store" \
			"$(diff "$T/sample.file" "$T/sample.citus")"
	fi
done
ck keygen "$T/unit.key" >/dev/null 2>&1
check_exit 0 "the case exports from the distributed store" \
	export -q -d "$URI" "$case" -o "$T/case.tar.gz" --sign "$T/unit.key"
check_grep "and the package verifies" "valid" verify --pubkey "$T/unit.key.pub" "$T/case.tar.gz"
# its identifiers, what each row said included (a building key's is its unit's), as on the file
# store (sorted: payments are ordered by their keyed hash, each store's own)
mkdir "$T/file" "$T/x.file" "$T/x.citus"
ck export -q -d "$T/file.db" "$case" -o "$T/file/case.tar.gz" >/dev/null 2>&1
tar -xzf "$T/file/case.tar.gz" -C "$T/x.file" && tar -xzf "$T/case.tar.gz" -C "$T/x.citus"
f=$(cd "$T/x.file" && find . -path '*data/tables/identifiers.csv')
if [ -n "$f" ] && grep -q address_building "$T/x.file/$f" &&
	sort "$T/x.file/$f" >"$T/ids.file" && sort "$T/x.citus/$f" >"$T/ids.citus" &&
	cmp -s "$T/ids.file" "$T/ids.citus"; then
	pass "its identifiers are the file store's ($(wc -l <"$T/x.file/$f") lines)"
else
	fail "its identifiers are the file store's" "$(diff "$T/ids.file" "$T/ids.citus" | head)"
fi
check_sql "its opening and its export are in the custody log" \
	"select string_agg(action, ' ' order by seq) from custody where case_id = '$case'" "open export"
for t in sellers listings identifiers; do
	check_sql "$t rows sit on both workers" \
		"select count(distinct c.nodename) from run_command_on_shards('$t', 'select count(*) from %s') r
		join citus_shards c using (shardid) where r.success and r.result::int > 0" 2
done
check_sql "the custody log is still append-only" \
	"select count(*) from pg_trigger where tgrelid = 'custody'::regclass and not tgisinternal" 3
# A store of schema 5 (no ident_counts nor ident_hubs; the notes as text in identifiers.note,
# no ident_notes) comes forward with those three reference tables, as init --distributed makes
# them, and every note kept.
notes() { sql "select md5(string_agg(i.ident_id || ':' || coalesce(n.note, '-') || ':' || coalesce(i.raw, i.value), ',' order by i.ident_id)) from identifiers i left join ident_notes n using (note_id)"; }
before=$(notes)
# (Citus takes one DDL statement at a time)
sql "ALTER TABLE identifiers ADD COLUMN note text"
sql "UPDATE identifiers i SET note = n.note FROM ident_notes n WHERE n.note_id = i.note_id"
sql "UPDATE identifiers SET raw = value WHERE raw IS NULL AND kind NOT IN ('payment', 'address_building')"
sql "ALTER TABLE identifiers DROP COLUMN note_id"
for t in ident_notes ident_counts ident_hubs; do sql "DROP TABLE $t"; done
sql "UPDATE meta SET value = '5' WHERE key = 'user_version'"
check_sql "the store is put back to schema 5, its notes as text" \
	"select value || ' ' || (select count(*) > 0 from identifiers where note like '%,%') from meta where key = 'user_version'" "5 true"
check_exit 0 "a store of schema 5 opens" query -d "$URI" "select count(*) from sellers"
check_sql "and is brought to schema 7" "select value from meta where key = 'user_version'" 7
check_sql "its new tables are reference tables, as a new store's" \
	"select string_agg(table_name::text || ' ' || citus_table_type, ', ' order by table_name::text) from citus_tables where table_name::text like 'ident\\_%'" \
	"ident_counts reference, ident_hubs reference, ident_notes reference"
check_sql "the counts are filled again" "select count(*) > 0 from ident_counts" t
expect "every identifier keeps its note and what its row said" test -n "$before" -a "$(notes)" = "$before"
done_testing
