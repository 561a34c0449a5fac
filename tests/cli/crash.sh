#!/bin/sh
# crash.sh - kill -9 in the middle of ingest, screen and link: the store always opens again
# (on PostgreSQL too: the server rolls back what the killed client began)
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

if ! command -v sqlite3 >/dev/null; then
	skip "crash tests" "no sqlite3 CLI to check integrity"
	done_testing
fi
ck synth -q -o "$T/syn" --sellers 3000 -s 7

# counts DB: what a clean run leaves, one line a table (and the hub candidates, which a run
# killed between files leaves to the next ingest to count)
counts() {
	sqlite3 "$1" "select (select count(*) from sellers), (select count(*) from listings),
		(select count(*) from identifiers), (select count(*) from sources),
		(select count(*) from scores), (select count(*) from scores where flagged = 1),
		(select count(*) from networks), (select count(*) from network_members),
		(select count(*) from ident_hubs),
		(select count(*) from meta where key = 'hubs_pending')" 2>&1
}
# Reference: the same work, never interrupted.
ck init -q "$T/ref.db"
ck ingest -q -d "$T/ref.db" "$T/syn"
ck screen -q -d "$T/ref.db" >/dev/null
ck link -q -d "$T/ref.db" >/dev/null
want=$(counts "$T/ref.db")
ck init -q "$T/base.db"
ck ingest -q -d "$T/base.db" "$T/syn"
ck screen -q -d "$T/base.db" >/dev/null
# What the link kills below leave once rerun, had the killed run never started: link, then
# the rerun (screen now sees link's networks), then a plain link --full.
cp "$T/base.db" "$T/linked.db"
for a in link ingest screen link; do
	if [ $a = ingest ]; then ck ingest -q -d "$T/linked.db" "$T/syn"; else ck $a -q -d "$T/linked.db" >/dev/null; fi
done
ck link -q --full --defaults -d "$T/linked.db" >/dev/null
want_link=$(counts "$T/linked.db")

# writing DB LOG: a write transaction is under way: its log (DB-journal for a bulk write under
# a rollback journal, DB-wal for link's derived writes in WAL) holds pages, or on a server
# store casekit's advisory lock is held (the server rolls back what a killed client began)
writing() {
	if [ -n "$ON_PG" ]; then
		[ "$(sqlite3 "$1" "select count(*) from pg_locks where locktype = 'advisory' and granted
			and database = (select oid from pg_database where datname = current_database())")" -gt 0 ]
	else
		[ -s "$1-$2" ]
	fi
}
# killmid DB LOG ARGS...: start casekit ARGS, kill -9 it once it is writing, or it ends
# first; hot=1 when its transaction was cut short (the log left behind; on a server, seen
# under way just before the kill).
killmid() {
	local db=$1 log=$2 i=0 w=0; shift 2
	"$CASEKIT" "$@" >/dev/null 2>&1 &
	pid=$!
	while [ $i -lt 3000 ] && ! writing "$db" "$log" && kill -0 $pid 2>/dev/null; do
		i=$((i + 1)); sleep 0.002
	done
	[ -n "$ON_PG" ] && writing "$db" "$log" && w=1
	if kill -9 $pid 2>/dev/null; then hot=1; else hot=0; fi
	[ -n "$ON_PG" ] && [ $w = 0 ] && hot=0
	[ -z "$ON_PG" ] && ! [ -s "$db-$log" ] && hot=0
	wait $pid 2>/dev/null
}

# reopen DESC DB: the next applet opens the store, integrity holds
reopen() {
	run stats -d "$2"
	if [ "$rc" = 0 ]; then pass "$1: the next applet opens the store"
	else fail "$1: the next applet opens the store" "exit $rc: $(cat "$T/err")"; fi
	sqlite_only "integrity_check is SQLite's" expect "$1: integrity_check is ok" sh -c "sqlite3 '$2' 'pragma integrity_check' | grep -qx ok"
}

for app in ingest screen link; do
	hots=0 n=0
	while [ $n -lt 12 ] && [ $hots -lt 5 ]; do
		n=$((n + 1))
		rm -f "$T/db" "$T/db-journal" "$T/db-wal" "$T/db-shm"
		case $app in
		ingest) ck init -q "$T/db"; killmid "$T/db" journal ingest -q -d "$T/db" "$T/syn" ;;
		screen) cp "$T/base.db" "$T/db"; killmid "$T/db" journal screen -q --rescore -d "$T/db" ;;
		link) cp "$T/base.db" "$T/db"; ck link -q -d "$T/db" >/dev/null
			killmid "$T/db" wal link -q --full --fuzzy -d "$T/db" ;;
		esac
		hots=$((hots + hot))
		[ $hot = 1 ] || continue
		reopen "$app killed with a hot journal ($hots)" "$T/db"
		ck ingest -q -d "$T/db" "$T/syn" && ck screen -q -d "$T/db" >/dev/null &&
			ck link -q -d "$T/db" >/dev/null
		got=$(counts "$T/db")
		w=$want
		if [ "$app" = link ]; then
			# --fuzzy may join more: compare what a plain rerun of link --full gives
			ck link -q --full --defaults -d "$T/db" >/dev/null
			got=$(counts "$T/db") w=$want_link
		fi
		if [ "$got" = "$w" ]; then pass "$app killed ($hots): a rerun gives the clean result"
		else fail "$app killed ($hots): a rerun gives the clean result" "got $got, want $w"; fi
	done
	if [ $hots -ge 5 ]; then pass "$app: five kills with a hot journal"
	else skip "$app: five kills with a hot journal" "only $hots of $n kills left one"; fi
done
# A kill in the middle of a threaded load (reader, workers and writer all busy with one big
# file) leaves a store that the next ingest opens and completes, with every row once.
mkdir -p "$T/big"
awk -F, 'NR > 1 { id[++n] = $1 } END { print "listing_id,seller_id,title,price,currency,created_at"
	for (i = 1; i <= 200000; i++)
		printf "L%d,%s,\"title %d, of a listing\",%d.25,CNY,2025-01-02T03:04:05Z\n", i, id[i % n + 1], i, i % 900 }' \
	"$T/syn/sellers.csv" >"$T/big/listings.csv"
killed=0 n=0
while [ $n -lt 5 ] && [ $killed = 0 ]; do
	n=$((n + 1))
	rm -f "$T/db" "$T/db-journal" "$T/db-wal" "$T/db-shm"
	ck init -q "$T/db"
	ck ingest -q -d "$T/db" "$T/syn/sellers.csv"
	"$CASEKIT" ingest -q -d "$T/db" "$T/big/listings.csv" >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 3000 ] && ! writing "$T/db" journal && kill -0 $pid 2>/dev/null; do
		i=$((i + 1)); sleep 0.002
	done
	sleep 0.$((n * 2))
	if kill -9 $pid 2>/dev/null; then killed=1; fi
	wait $pid 2>/dev/null
done
if [ $killed = 1 ]; then
	reopen "threaded ingest killed mid-file" "$T/db"
	run ingest -q -d "$T/db" "$T/big/listings.csv"
	if [ "$rc" = 0 ]; then pass "threaded ingest killed mid-file: the next ingest completes"
	else fail "threaded ingest killed mid-file: the next ingest completes" "exit $rc: $(cat "$T/err")"; fi
	got=$(sqlite3 "$T/db" "select count(*), count(distinct listing_id), min(line), max(line),
		(select group_concat(rows_read || '/' || rows_kept) from sources where kind = 'listings')
		from listings")
	if [ "$got" = "200000|200000|2|200001|200000/200000" ]; then pass "and every row is in once"
	else fail "and every row is in once" "got $got"; fi
else
	skip "threaded ingest killed mid-file" "the load ended before each of $n kills"
fi
done_testing
