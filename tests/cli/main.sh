#!/bin/sh
# main.sh - the multi-call binary: dispatch, help, version, unknown applets
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

check_grep "no arguments lists the applets" "^  query " 
check_exit 0 "help exits 0" help
check_grep "help lists init" "^  init +create a case store" help
check_grep "help APPLET equals APPLET --help" "^usage: casekit query" help query
check_grep "--version prints the version" "^casekit [0-9]+\.[0-9]+\.[0-9]+$" --version
check_exit 64 "unknown applet exits 64" qurey
check_grep "unknown applet gets a suggestion" "did you mean 'query'\?" qurey
check_grep "far-off applet gets no guess" "'zzzzzzzz' is not a casekit applet; see 'casekit help'" zzzzzzzz
check_exit 64 "unknown option exits 64" stats --bogus
check_grep "unknown option names itself and hints" "try 'casekit stats --help'" stats --bogus
check_exit 64 "option missing its value exits 64" stats -d
check_exit 64 "bad format value exits 64" stats -f xml
check_grep "help of an unknown applet fails" "is not a casekit applet" help nope
ln -s "$CASEKIT" "$T/casekit-stats"
rc=0; "$T/casekit-stats" --help >"$T/out" 2>&1 || rc=$?
if [ $rc = 0 ] && grep -q "^usage: casekit stats" "$T/out"; then pass "casekit-stats link runs stats"
else fail "casekit-stats link runs stats" "$(cat "$T/out")"; fi
ck init -q "$T/db"
rc=0; "$CASEKIT" query -d "$T/db" "select 1 as n union all select 2 union all select 3" 2>/dev/null | head -1 >"$T/out" || rc=$?
if [ "$(cat "$T/out")" = "n" ]; then pass "a closed pipe ends quietly"; else fail "a closed pipe ends quietly"; fi
if [ -w /dev/full ]; then
	rc=0; "$CASEKIT" stats -d "$T/db" >/dev/full 2>"$T/err" || rc=$?
	if [ $rc = 74 ] && grep -q "cannot write output" "$T/err"; then pass "a full disk on stdout exits 74"
	else fail "a full disk on stdout exits 74" "exit $rc: $(cat "$T/err")"; fi
else
	skip "a full disk on stdout exits 74" "no /dev/full"
fi
# CASEKIT_SQL_PROFILE says where an applet's time in SQLite went, longest first, when it ends.
printf 'seller_id,phone\nS1,+8613800000001\nS2,+8613800000002\n' >"$T/prof.csv"
ck init -q "$T/prof.db"
rc=0; CASEKIT_SQL_PROFILE=1 "$CASEKIT" ingest -q -d "$T/prof.db" -k sellers "$T/prof.csv" >"$T/out" 2>"$T/err" || rc=$?
sqlite_only "the profile is of SQLite's statements" expect "CASEKIT_SQL_PROFILE lists each statement with its time and runs" \
	grep -Eq "^casekit: sql: +[0-9]+\.[0-9]{3} s +2 runs  COMMIT$" "$T/err"
sqlite_only "the profile is of SQLite's statements" expect "the 25 that took longest" \
	test "$(grep -c '^casekit: sql:' "$T/err")" = 25
sqlite_only "the profile is of SQLite's statements" expect "longest first" \
	sh -c "grep '^casekit: sql:' '$T/err' | awk '{print \$3}' | sort -rn -c"
expect "and the applet's own output is as without it" test "$rc" = 0 -a ! -s "$T/out"
done_testing
