# lib.sh - TAP helpers for the CLI tests: one line per case, run against the built binary
#
# Each script sources this file, then calls the checks; done_testing prints the plan. The
# binary is $CASEKIT (set by make check); every script works in its own temporary folder $T.
# A script always exits 0 itself: the TAP lines carry the verdict (77 would read as SKIP).
#
# With $CASEKIT_TEST_PG set to a server's libpq URI (make check-pg), every store path the
# script names lives in a PostgreSQL database of its own instead (tests/pg/map.sh):
# $CASEKIT runs casekit through tests/pg/casekit-on-pg, and sqlite3, rm and cp follow the
# mapping. A check that is about the SQLite file itself is marked `sqlite_only REASON`.

: "${CASEKIT:?run through make check, or set CASEKIT}"
: "${TOP_SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
export CASEKIT_DATADIR="${CASEKIT_DATADIR:-$TOP_SRCDIR/share}"
export LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=1764547200 CASEKIT_ANALYST=tester
unset CASEKIT_DB
# Case ids and custody entries take the real clock, not SOURCE_DATE_EPOCH.
Y=$(date -u +%Y)
T=$(mktemp -d "${TMPDIR:-/tmp}/casekit-test.XXXXXX")
# Key files go under the test's folder, never into $HOME.
export XDG_DATA_HOME="$T/xdg"
unset CASEKIT_KEY_FILE
cleanup() { [ -n "${CASEKIT_TEST_PG:-}" ] && pgmap_cleanup; command rm -rf "$T"; }
trap cleanup EXIT
# Nothing from the tester's own config file.
export XDG_CONFIG_HOME="$T/config"
unset CASEKIT_CONFIG CASEKIT_ORGANIZATION CASEKIT_CONTACT_EMAIL
DATA="$TOP_SRCDIR/tests/data"
tap_n=0
ON_PG=
[ -n "${CASEKIT_TEST_PG:-}" ] && . "$TOP_SRCDIR/tests/pg/lib-map.sh"

ck() { "$CASEKIT" "$@"; }

# pass DESC / fail DESC [DETAIL]
pass() {
	[ -z "$SQLITE_ONLY" ] || { skip "$1" "SQLite only: $SQLITE_ONLY"; return 0; }
	tap_n=$((tap_n + 1)); echo "ok $tap_n - $1"
}
fail() {
	[ -z "$SQLITE_ONLY" ] || { skip "$1" "SQLite only: $SQLITE_ONLY"; return 0; }
	tap_n=$((tap_n + 1)); echo "not ok $tap_n - $1"
	[ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/# /' | head -40
	return 0
}
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }

# has_store PATH: casekit init made a store at PATH (a file, or on PostgreSQL its database)
has_store() {
	if [ -z "$ON_PG" ]; then test -f "$1"
	else pgmap_known "$1" && [ "$(sqlite3 "$1" "select count(*) from meta")" -gt 0 ]; fi
}

# no_store PATH: nothing at PATH, neither a file nor (on PostgreSQL) a database with tables
no_store() {
	[ ! -e "$1" ] || return 1
	[ -z "$ON_PG" ] || ! pgmap_known "$1" ||
		[ -z "$(sqlite3 "$1" "select 1 from pg_tables where schemaname = current_schema()")" ]
}

# sqlite_only REASON CHECK DESC ARGS...: run the check on a SQLite store; on PostgreSQL
# (make check-pg) say it skips and why. Only for what the server has no counterpart of.
# sqlite_only_begin REASON ... sqlite_only_end: the same for every check in between.
SQLITE_ONLY=
sqlite_only() {
	local why=$1; shift
	[ -n "$ON_PG" ] && SQLITE_ONLY=$why
	"$@"
	SQLITE_ONLY=
}
sqlite_only_begin() { [ -z "$ON_PG" ] || SQLITE_ONLY=$1; }
sqlite_only_end() { SQLITE_ONLY=; }

# run ARGS...: run casekit, leaving its stdout in $T/out, stderr in $T/err and status in $rc
run() {
	rc=0
	[ -z "$SQLITE_ONLY" ] || { : >"$T/out"; : >"$T/err"; return 0; }
	"$CASEKIT" "$@" >"$T/out" 2>"$T/err" </dev/null || rc=$?
	[ -z "$ON_PG" ] || pgmap_unmap "$T/out" "$T/err"
}

# check_exit CODE DESC ARGS...: the exit status is CODE
check_exit() {
	local want=$1 desc=$2; shift 2
	run "$@"
	if [ "$rc" = "$want" ]; then pass "$desc"
	else fail "$desc" "exit $rc, wanted $want; stderr: $(cat "$T/err")"; fi
}

# check DESC EXPECTED_FILE ARGS...: exit 0 and stdout equals the file
check() {
	local desc=$1 want=$2; shift 2
	run "$@"
	if [ "$rc" = 0 ] && cmp -s "$T/out" "$want"; then pass "$desc"
	else fail "$desc" "exit $rc; $(diff "$want" "$T/out" | head -20; cat "$T/err")"; fi
}

# check_out DESC EXPECTED ARGS...: exit 0 and stdout equals the string (plus a newline)
check_out() {
	local desc=$1 want=$2; shift 2
	printf '%s\n' "$want" >"$T/want"
	check "$desc" "$T/want" "$@"
}

# check_grep DESC REGEX ARGS...: stdout or stderr matches the extended regex (any exit status)
check_grep() {
	local desc=$1 re=$2; shift 2
	run "$@"
	if grep -Eq -- "$re" "$T/out" "$T/err"; then pass "$desc"
	else fail "$desc" "exit $rc; no match for $re in: $(cat "$T/out" "$T/err" | head -20)"; fi
}

# expect DESC COMMAND...: a shell command (not casekit) succeeds
expect() {
	local desc=$1; shift
	[ -z "$SQLITE_ONLY" ] || { skip "$desc" "SQLite only: $SQLITE_ONLY"; return 0; }
	if "$@" >"$T/expect.out" 2>&1; then pass "$desc"
	else fail "$desc" "$(cat "$T/expect.out")"; fi
}

done_testing() { echo "1..$tap_n"; exit 0; }
