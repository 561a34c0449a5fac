#!/bin/sh
# crash.sh - kill -9 in the middle of ingest, screen and link: the store always opens again
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

if ! command -v sqlite3 >/dev/null; then
	skip "crash tests" "no sqlite3 CLI to check integrity"
	done_testing
fi
ck synth -q -o "$T/syn" --sellers 3000 -s 7

# counts DB: what a clean run leaves, one line a table
counts() {
	sqlite3 "$1" "select (select count(*) from sellers), (select count(*) from listings),
		(select count(*) from identifiers), (select count(*) from sources),
		(select count(*) from scores), (select count(*) from scores where flagged),
		(select count(*) from networks), (select count(*) from network_members)" 2>&1
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

# killmid DB ARGS...: start casekit ARGS, kill -9 it once its rollback journal holds pages
# (or it ends first); hot=1 when a journal was left behind.
killmid() {
	local db=$1 i=0; shift
	"$CASEKIT" "$@" >/dev/null 2>&1 &
	pid=$!
	while [ $i -lt 3000 ] && ! [ -s "$db-journal" ] && kill -0 $pid 2>/dev/null; do
		i=$((i + 1)); sleep 0.002
	done
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	if [ -s "$db-journal" ]; then hot=1; else hot=0; fi
}

# reopen DESC DB: the next applet opens the store, integrity holds
reopen() {
	run stats -d "$2"
	if [ "$rc" = 0 ]; then pass "$1: the next applet opens the store"
	else fail "$1: the next applet opens the store" "exit $rc: $(cat "$T/err")"; fi
	expect "$1: integrity_check is ok" sh -c "sqlite3 '$2' 'pragma integrity_check' | grep -qx ok"
}

for app in ingest screen link; do
	hots=0 n=0
	while [ $n -lt 12 ] && [ $hots -lt 5 ]; do
		n=$((n + 1))
		rm -f "$T/db" "$T/db-journal" "$T/db-wal" "$T/db-shm"
		case $app in
		ingest) ck init -q "$T/db"; killmid "$T/db" ingest -q -d "$T/db" "$T/syn" ;;
		screen) cp "$T/base.db" "$T/db"; killmid "$T/db" screen -q -d "$T/db" ;;
		link) cp "$T/base.db" "$T/db"; ck link -q -d "$T/db" >/dev/null
			killmid "$T/db" link -q --full --fuzzy -d "$T/db" ;;
		esac
		hots=$((hots + hot))
		[ $hot = 1 ] || continue
		reopen "$app killed with a hot journal ($hots)" "$T/db"
		ck ingest -q -d "$T/db" "$T/syn" && ck screen -q -d "$T/db" >/dev/null &&
			ck link -q -d "$T/db" >/dev/null
		got=$(counts "$T/db")
		if [ "$app" = link ]; then
			# --fuzzy may join more: compare what a plain rerun of link --full gives
			ck link -q --full --defaults -d "$T/db" >/dev/null
			got=$(counts "$T/db")
		fi
		if [ "$got" = "$want" ]; then pass "$app killed ($hots): a rerun gives the clean result"
		else fail "$app killed ($hots): a rerun gives the clean result" "got $got, want $want"; fi
	done
	if [ $hots -ge 5 ]; then pass "$app: five kills with a hot journal"
	else skip "$app: five kills with a hot journal" "only $hots of $n kills left one"; fi
done
done_testing
