#!/bin/sh
# init.sh - casekit init: create a store, never overwrite
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

check_grep "--help shows usage" "^usage: casekit init" init --help
check_exit 0 "init makes a store" init "$T/a.db"
check_grep "init says what it made" "created case store '.*b.db' \(schema 7\) and its payment key file '.*/casekit/keys/[0-9a-f]{16}\.key'" init "$T/b.db"
file="the SQLite file itself"
sqlite_only "a PRAGMA (on a server: meta, the next check)" check_out "schema version is recorded" "$(printf 'user_version\n7')" query -d "$T/a.db" "pragma user_version"
[ -z "$ON_PG" ] || check_out "schema version is recorded in meta" "$(printf 'v\n7')" query -d "$T/a.db" "select value as v from meta where key = 'user_version'"
check_out "the store has a 16-digit id and a key fingerprint" "$(printf 'id\tfp\n16\t64')" query -d "$T/a.db" -f tsv "select length((select value from meta where key='store_id')) as id, length((select value from meta where key='payment_key_fingerprint')) as fp"
# Bytes 18 and 19 of an SQLite header are 2 in WAL mode.
sqlite_only "$file" expect "the store is in WAL mode" test "$(od -An -tu1 -j18 -N2 "$T/a.db" | tr -s ' ')" = " 2 2"
# Bytes 16 and 17 are the page size, big-endian: 16 KiB, a quarter of the reads and writes a
# load makes with SQLite's default 4 KiB.
sqlite_only "$file" expect "the store has 16 KiB pages" test "$(od -An -tu1 -j16 -N2 "$T/a.db" | tr -s ' ')" = " 64 0"
check_exit 73 "an existing file is not overwritten" init "$T/a.db"
echo "precious" >"$T/file"
check_exit 73 "an existing non-store is not touched" init "$T/file"
expect "the file is unchanged" test "$(cat "$T/file")" = precious
check_exit 0 "-d chooses the path" init -d "$T/c.db"
(cd "$T" && CASEKIT_DB="$T/env.db" "$CASEKIT" init -q) && has_store "$T/env.db" &&
	pass "CASEKIT_DB chooses the default path" || fail "CASEKIT_DB chooses the default path"
(cd "$T" && mkdir cwd && cd cwd && "$CASEKIT" init -q) && has_store "$T/cwd/casekit.db" &&
	pass "default path is ./casekit.db" || fail "default path is ./casekit.db"
check_exit 64 "two operands is a usage error" init "$T/x" "$T/y"
sqlite_only "a server store is in no folder" check_exit 73 "an unwritable folder exits 73" init "$T/no/such/dir/db"

# An applet waits for another one's lock instead of failing at once, as the second stage of
# a pipeline does while the first (screen, under a rollback journal) commits.
ck init -q "$T/lock.db"
if [ -z "$ON_PG" ]; then
	sqlite3 "$T/lock.db" "PRAGMA journal_mode=TRUNCATE" >/dev/null
	(printf 'BEGIN EXCLUSIVE;\nSELECT 1;\n'; sleep 1.5; printf 'COMMIT;\n') | sqlite3 "$T/lock.db" >/dev/null &
	sleep 0.4
fi
sqlite_only "SQLite's file lock: a server's readers never wait" check_out "an applet waits for another's lock on the store" "$(printf 'n\n0')" query -d "$T/lock.db" "select count(*) as n from sellers"
wait

# An older store is brought forward when opened, its scores kept: two screen runs of
# schema 1 become two rows of screen_runs.
V1=$TOP_SRCDIR/tests/data/store/v1.sql
v1="no server store was ever at schema 1"
[ -z "$ON_PG" ] && sqlite3 "$T/v1.db" <"$V1"
[ -z "$ON_PG" ] && sqlite3 "$T/v1.db" "select listing_id, seller_id, score, flagged, brand, reasons from scores order by 1" >"$T/v1.before"
sqlite_only "$v1" check_out "a read-only open brings schema 1 forward to 7" "$(printf 'user_version\n7')" query -d "$T/v1.db" "pragma user_version"
[ -z "$ON_PG" ] && sqlite3 "$T/v1.db" "select listing_id, seller_id, score, flagged, brand, reasons from scores order by 1" >"$T/v1.after"
sqlite_only "$v1" expect "every score is kept" cmp "$T/v1.before" "$T/v1.after"
sqlite_only "$v1" check_out "each old (digest, time) is a run" "$(printf 'started_at\tscored\tflagged\tn\n2025-12-01T00:00:00Z\t9\t6\t9\n2025-12-02T00:00:00Z\t2\t2\t2')" \
	query -d "$T/v1.db" -f tsv "select started_at, r.scored, r.flagged, count(*) as n from screen_runs r join scores s using(run_id) group by run_id order by run_id"
sqlite_only "$v1" check_exit 0 "screen runs on the brought-forward store" screen -q -d "$T/v1.db"
sqlite_only "$v1" check_out "and records its run" "$(printf 'scope\tscored\nall\t11')" \
	query -d "$T/v1.db" -f tsv "select scope, scored from screen_runs order by run_id desc limit 1"
if [ "$(id -u)" -ne 0 ]; then
	sqlite3 "$T/ro.db" <"$V1"
	chmod a-w "$T/ro.db"
	check_exit 78 "a read-only old store is refused, not changed" query -d "$T/ro.db" "select 1"
else
	skip "a read-only old store is refused, not changed" "root may write any file"
fi
done_testing
