#!/bin/sh
# init.sh - casekit init: create a store, never overwrite
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

check_grep "--help shows usage" "^usage: casekit init" init --help
check_exit 0 "init makes a store" init "$T/a.db"
check_grep "init says what it made" "created case store '.*b.db' \(schema 1\)" init "$T/b.db"
check_out "schema version is recorded" "$(printf 'user_version\n1')" query -d "$T/a.db" "pragma user_version"
check_out "the store has a 32-byte secret" "$(printf 'n\n32')" query -d "$T/a.db" "select length(value) as n from meta where key='secret'"
# Bytes 18 and 19 of an SQLite header are 2 in WAL mode.
expect "the store is in WAL mode" test "$(od -An -tu1 -j18 -N2 "$T/a.db" | tr -s ' ')" = " 2 2"
check_exit 73 "an existing file is not overwritten" init "$T/a.db"
echo "precious" >"$T/file"
check_exit 73 "an existing non-store is not touched" init "$T/file"
expect "the file is unchanged" test "$(cat "$T/file")" = precious
check_exit 0 "-d chooses the path" init -d "$T/c.db"
(cd "$T" && CASEKIT_DB="$T/env.db" "$CASEKIT" init -q) && [ -f "$T/env.db" ] &&
	pass "CASEKIT_DB chooses the default path" || fail "CASEKIT_DB chooses the default path"
(cd "$T" && mkdir cwd && cd cwd && "$CASEKIT" init -q) && [ -f "$T/cwd/casekit.db" ] &&
	pass "default path is ./casekit.db" || fail "default path is ./casekit.db"
check_exit 64 "two operands is a usage error" init "$T/x" "$T/y"
check_exit 73 "an unwritable folder exits 73" init "$T/no/such/dir/db"
done_testing
