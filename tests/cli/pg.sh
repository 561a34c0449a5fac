#!/bin/sh
# pg.sh - a case store in PostgreSQL: init, open, meta, keys and read-only query on a libpq URI
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "$TOP_SRCDIR/tests/pg/lib.sh"
pg_start 56010
# check_out_sql DESC SQL WANT: psql's answer to SQL is WANT
check_out_sql() { if [ "$(sql "$2" 2>&1)" = "$3" ]; then pass "$1"; else fail "$1" "$(sql "$2" 2>&1)"; fi; }

check_exit 0 "init makes a store in a database" init -q "$URI"
check_grep "a second init refuses" "already holds a store" init "$URI"
check_exit 73 "and exits 73" init "$URI"
id=$(sql "select value from meta where key = 'store_id'")
expect "the store has an id" test -n "$id"
expect "the payment key went to its key file" test -f "$XDG_DATA_HOME/casekit/keys/$id.key"
check_out "meta holds the schema version" "$(printf 'value\n7')" query -d "$URI" "select value from meta where key = 'user_version'"
export CASEKIT_DB="$URI"
check_out "CASEKIT_DB takes a URI as -d does" "$(printf 'n\n0')" query "select count(*) as n from sellers"
unset CASEKIT_DB
check_out "postgres:// is a URI as well" "$(printf 'n\n0')" query -d "$(echo "$URI" | sed 's|^postgresql:|postgres:|')" "select count(*) as n from listings"
sql "create database other"
other=$(echo "$URI" | sed 's|/casekit?|/other?|')
check_exit 78 "a database without a store is no store" query -d "$other" "select 1"
check_grep "and says so" "not a casekit store" query -d "$other" "select 1"
check_exit 66 "a server that is not there" query -d "postgresql:///casekit?host=$T/nowhere&port=1" "select 1"
check_grep "says it cannot connect" "cannot connect to" query -d "postgresql:///casekit?host=$T/nowhere&port=1" "select 1"

# The same SQL functions as a file store.
check_out "ck_money writes major units" "$(printf 'a\tb\tc\td\n123.45\t-5\t-0.005\t')" query -d "$URI" "select ck_money(12345, 'EUR') a, ck_money(-5, 'JPY') b, ck_money(-5, 'BHD') c, ck_money(null, 'EUR') d"
check_out "ids sort as people read them with ck_natural" "$(printf 'x\nL20\nL100')" query -d "$URI" "select x from (select 'L100' as x union all select 'L20') t order by x collate ck_natural"
check_out "several statements print in turn" "$(printf 'a\n1\nb\n2')" query -d "$URI" "select 1 as a; select 2 as b"
check_out "SQLite's ifnull and group_concat" "$(printf 'a\tb\nx\t1,2')" query -d "$URI" "select ifnull(null, 'x') a, group_concat(n) b from (values (1), (2)) v(n)"

# query runs in a read-only transaction: the server refuses every write.
for q in "insert into meta values('x', '1')" "create table x(y int)" "set transaction read write" \
	"drop table custody" "begin" "select 1; delete from meta"; do
	check_exit 65 "refused: $q" query -d "$URI" "$q"
done
sql "create function ck_t_write() returns int language sql as \$\$ insert into meta values('w', '1') returning 1 \$\$"
check_exit 65 "a function that writes fails" query -d "$URI" "select ck_t_write()"
check_grep "in a read-only transaction" "read-only transaction" query -d "$URI" "select ck_t_write()"
check_exit 65 "so does a write in a WITH" query -d "$URI" "with x as (insert into meta values('q', '1') returning 1) select * from x"
check_exit 65 "and a read-write switch through set_config" query -d "$URI" "select set_config('transaction_read_only', 'off', false)"
check_out_sql "nothing was written" "select count(*) from meta where key in ('x', 'w', 'q')" 0
check_exit 65 "a syntax error exits 65" query -d "$URI" "selec 1"
# A result bigger than a batch comes a batch at a time, through a cursor: every row, in order.
{ echo i; seq 25000; } >"$T/seq"
check "query gives every row of a result of many batches" "$T/seq" query -d "$URI" -f tsv "select i from generate_series(1, 25000) i"
export CASEKIT_PG_FETCH=7
check "also in batches of 7 rows" "$T/seq" query -d "$URI" -f tsv "select i from generate_series(1, 25000) i"
{ printf 'a\n'; seq 9; printf 'b\n'; seq 10 15; } >"$T/seq2"
check "and statement after statement" "$T/seq2" query -d "$URI" -f tsv "select i as a from generate_series(1, 9) i; select i as b from generate_series(10, 15) i"
check_exit 65 "an error after the first batches fails the query" query -d "$URI" -f tsv "select 1 / (20 - i) from generate_series(1, 25) i"
check_grep "and says why" "division by zero" query -d "$URI" -f tsv "select 1 / (20 - i) from generate_series(1, 25) i"
unset CASEKIT_PG_FETCH

# ingest: the same dump into a file store and the server store keeps the same rows.
ck synth -q -o "$T/dump" --sellers 60 --seed 7
ck init -q "$T/file.db"
check_exit 0 "ingest loads a dump into the server store" ingest -q -d "$URI" "$T/dump"
ck ingest -q -d "$T/file.db" "$T/dump" 2>/dev/null
# same_rows DESC SQL: the query gives the same rows on both stores
same_rows() {
	"$CASEKIT" query -d "$T/file.db" -f tsv "$2" >"$T/a" 2>&1
	"$CASEKIT" query -d "$URI" -f tsv "$2" >"$T/b" 2>&1
	if cmp -s "$T/a" "$T/b" && [ "$(wc -l <"$T/a")" -gt 1 ]; then pass "$1"
	else fail "$1" "$(diff "$T/a" "$T/b" | head -10)"; fi
}
for t in sellers listings orders logins shipments testbuys takedowns brands parties notices notifiers; do
	cols=$(sqlite3 "$T/file.db" "select group_concat(name, ', ') from pragma_table_info('$t')" 2>/dev/null) ||
		cols="*"
	same_rows "ingest keeps the same $t" "select $cols from $t order by source_id, line"
done
same_rows "the same identifiers, payments aside (each store has its own key)" \
	"select ident_id, holder_kind, holder_id, kind, value, raw, note_id, flags, day, field, line from identifiers where kind <> 'payment' order by ident_id"
same_rows "the same sources" "select source_id, path, sha256, size, kind, rows_read, rows_kept, rows_rejected from sources order by 1"
same_rows "the same marks" "select source_id, line, len, hex(sha256) as h from source_marks order by 1, 2"
check_grep "a file loaded before is skipped" "already ingested" ingest -d "$URI" "$T/dump/sellers.csv"
# a file with keys already there: its rows replace theirs, the last of a key winning
mkdir "$T/again"
{ head -1 "$T/dump/listings.csv"; sed -n '2,6p' "$T/dump/listings.csv" | sed 's/,/,new /2'; sed -n 3p "$T/dump/listings.csv"; } >"$T/again/listings.csv"
ck ingest -q -d "$T/file.db" "$T/again" 2>/dev/null
check_grep "rows that replace rows are counted" "6 rows replaced" ingest -d "$URI" "$T/again"
# (a server's ids may have gaps: the skipped load above took one)
same_rows "and replace them as in a file store" "select listing_id, title, line from listings order by listing_id"
# Into an empty table, sellers with new keys go by COPY; a key seen before in the same file
# makes the rows before it land first, then replaces its row and takes back its identifiers.
mkdir "$T/dup"
{ head -4 "$T/dump/sellers.csv"; sed -n 3p "$T/dump/sellers.csv" | sed 's/,/,twice /2'; sed -n '5,9p' "$T/dump/sellers.csv"; } >"$T/dup/sellers.csv"
{ head -3 "$T/dump/parties.csv"; sed -n 2p "$T/dump/parties.csv"; } >"$T/dup/parties.csv"
ck init -q "$other"
ck init -q "$T/dup.db"
ck ingest -q -d "$T/dup.db" "$T/dup" 2>/dev/null
check_grep "a seller twice in a new file is counted as replaced" "1 row replaced" ingest -d "$other" "$T/dup/sellers.csv"
check_exit 0 "parties load as well" ingest -q -d "$other" "$T/dup/parties.csv"
for q in "select seller_id, shop_name, line from sellers order by seller_id" \
	"select party_id, name, line from parties order by party_id" \
	"select holder_id, kind, value, line from identifiers where kind <> 'payment' order by ident_id"; do
	"$CASEKIT" query -d "$T/dup.db" -f tsv "$q" >"$T/a" 2>&1
	"$CASEKIT" query -d "$other" -f tsv "$q" >"$T/b" 2>&1
	if cmp -s "$T/a" "$T/b" && [ "$(wc -l <"$T/a")" -gt 2 ]; then pass "as a file store does: $q"
	else fail "as a file store does: $q" "$(diff "$T/a" "$T/b" | head -10)"; fi
done
ck stats -d "$T/dup.db" -f tsv >"$T/a" 2>&1
check "with the same figures in stats" "$T/a" stats -d "$other" -f tsv

# a store of schema 5 is brought forward on open, once, with the counts stats reads filled
ck stats -d "$URI" -f tsv >"$T/stats6" 2>&1
sql "drop table ident_counts; drop table ident_hubs; drop index scores_flagged;
	update meta set value = '5' where key = 'user_version'"
check_out "an open brings schema 5 to 7" "$(printf 'value\n7')" query -d "$URI" "select value from meta where key = 'user_version'"
check "with the counts as ingest keeps them" "$T/stats6" stats -d "$URI" -f tsv
sql "insert into ident_hubs values('x', 'y')"
ck stats -q -d "$URI" >/dev/null 2>&1
check_out_sql "and a store of 7 is left as it is" "select count(*) from ident_hubs where kind = 'x'" 1
sql "delete from ident_hubs where kind = 'x'"
# a store of schema 6 (note as text, raw repeated, no ident_notes) comes to the layout of 7,
# with the note ids a new store gives (the file store's, compared row by row)
sql "alter table identifiers add column note text;
	update identifiers i set note = n.note from ident_notes n where n.note_id = i.note_id;
	update identifiers i set raw = (select coalesce(u.raw, u.value) from identifiers u where
		u.holder_id = i.holder_id and u.holder_kind = i.holder_kind and u.source_id = i.source_id
		and u.line = i.line and u.field = i.field and u.kind in ('address_unit', 'address_area'))
		where i.kind = 'address_building';
	update identifiers set raw = value where raw is null and kind <> 'payment';
	alter table identifiers drop column note_id; drop table ident_notes;
	update meta set value = '6' where key = 'user_version'"
check_out_sql "(a store of schema 6 has notes as text)" "select count(*) > 0 from identifiers where note like '%,%'" t
check_out "an open brings schema 6 to 7" "$(printf 'value\n7')" query -d "$URI" "select value from meta where key = 'user_version'"
same_rows "with the identifiers and notes a new store has" \
	"select i.ident_id, i.kind, i.value, i.raw, i.note_id, n.note from identifiers i left join ident_notes n using (note_id) where i.kind <> 'payment' order by ident_id"

# stats, screen and link give the same answers on both stores (ids and times aside)
for f in tsv json; do
	ck stats -d "$T/file.db" -f $f >"$T/a" 2>&1
	ck stats -d "$URI" -f $f >"$T/b" 2>&1
	if cmp -s "$T/a" "$T/b"; then pass "stats -f $f gives the same figures"; else fail "stats -f $f gives the same figures" "$(diff "$T/a" "$T/b" | head)"; fi
done
for f in tsv json ids; do
	ck screen -q -d "$T/file.db" -f $f >"$T/a" 2>&1
	ck screen -q -d "$URI" -f $f >"$T/b" 2>&1
	if cmp -s "$T/a" "$T/b" && [ -s "$T/a" ]; then pass "screen -f $f flags the same listings"; else fail "screen -f $f flags the same listings" "$(diff "$T/a" "$T/b" | head)"; fi
done
for f in tsv json; do
	ck link -q -d "$T/file.db" -f $f >"$T/a" 2>&1
	ck link -q -d "$URI" -f $f >"$T/b" 2>&1
	if cmp -s "$T/a" "$T/b" && [ -s "$T/a" ]; then pass "link -f $f finds the same networks"; else fail "link -f $f finds the same networks" "$(diff "$T/a" "$T/b" | head)"; fi
done
same_rows "the same scores" "select listing_id, seller_id, score, flagged, brand, reasons from scores order by listing_id"
same_rows "the same networks" "select network_id, size, anchor, kinds from networks order by network_id"
same_rows "the same evidence (payment keys aside)" "select edge_id, network_id, seller_a, seller_b, kind, case when kind = 'payment' then '' else value end as v, weight, holders, comparator from link_edges order by edge_id, kind, v"
# The custody log is append-only in the database itself, and records the database user.
sql "insert into cases(case_id, title, opened_at, opened_by) values('C1', 't', 'now', 'a')"
sql "insert into custody(case_id, action, at, analyst, version, command, store_digest, prev, hash, db_user) values('C1', 'open', 'now', 'someone', 'v', 'c', 'd', 'p', 'h', 'forged')"
check_out_sql "a custody entry records the database user, not what it claims" "select db_user = current_user from custody" t
for q in "update custody set analyst = 'x'" "delete from custody" "truncate custody"; do
	if sql "$q" >"$T/o" 2>&1; then fail "the server refuses: $q"; else pass "the server refuses: $q"; fi
done
check_out_sql "the entry is still there" "select analyst from custody" someone
done_testing
