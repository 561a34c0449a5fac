#!/bin/bash
# shell.sh - casekit shell: scripts on stdin, and typing, Tab and Ctrl-C on a real terminal
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

ck init -q "$T/db"
# A few sellers and a case table as the later applets make them, for id completion.
sqlite3 "$T/db" "insert into sources(source_id, path, sha256, size, kind, ingested_at)
	values(1, 'sellers.csv', 'x', 1, 'sellers', '2026-01-01T00:00:00Z');
	insert into sellers(seller_id, shop_name, source_id, line) values
	('SHOP-0017', 'a', 1, 2), ('SHOP-0018', 'b', 1, 3), ('ZED-1', 'c', 1, 4);"
ck case -d "$T/db" new "Week 48" --lead seller:ZED-1 >/dev/null

# sh_run SCRIPT [ARGS]: run the shell on a script, stdout in $T/out, stderr in $T/err
sh_run() {
	local script=$1; shift
	rc=0
	printf '%s' "$script" | "$CASEKIT" shell -d "$T/db" "$@" >"$T/out" 2>"$T/err" || rc=$?
}

check_grep "--help shows usage" "^usage: casekit shell" shell --help
check_exit 64 "an operand is a usage error" shell extra

sh_run $'select 1 as one;\nselect\n  2 as two\n;\n'
expect "SQL lines run, and a statement may span lines" test "$(cat "$T/out")" = "$(printf 'one\n1\ntwo\n2')"
[ $rc = 0 ] && pass "a clean script exits 0" || fail "a clean script exits 0" "rc $rc"
expect "no prompt when stdin is not a terminal" sh -c "! grep -q 'casekit>' '$T/out' '$T/err'"

sh_run $'.format json\nselect 3 as n;\nquery "select 4 as m"\n'
expect ".format applies to SQL and to applet lines" test "$(cat "$T/out")" = \
	"$(printf '[\n{"n":3}\n]\n[\n{"m":4}\n]')"

sh_run $'query \'select 1 as "a b"\'\nquery "select \'it\'\'s\' as y"\n'
expect "words split with shell quoting" test "$(cat "$T/out")" = "$(printf 'a b\n1\ny\nit'"'"'s')"

sh_run $'# a comment\n\nselect count(*) as n from sellers;\n'
expect "comments and blank lines are skipped" test "$(cat "$T/out")" = "$(printf 'n\n3')"

sh_run $'select 1 as a;\nstats --bogus\nselect 2 as b;\n'
[ $rc = 64 ] && pass "a failing line ends the script with its status" || fail "a failing line ends the script with its status" "rc $rc"
expect "lines after the failure do not run" test "$(cat "$T/out")" = "$(printf 'a\n1')"
expect "the stop names the line" grep -q "casekit shell: stdin line 2: stopped with exit status 64" "$T/err"

sh_run $'drop table sellers;\n'
[ $rc = 65 ] && pass "writing SQL is refused with 65" || fail "writing SQL is refused with 65" "rc $rc"
expect "and says why" grep -q "only read-only SQL is allowed" "$T/err"
sh_run $'with x as (select 1) delete from sellers;\n'
[ $rc = 65 ] && pass "a with that writes is refused" || fail "a with that writes is refused" "rc $rc"
check_out "the store is untouched" "$(printf 'n\n3')" query -d "$T/db" "select count(*) as n from sellers"
sh_run $'select\n  nosuchcolumn\nfrom sellers;\n'
expect "a bad statement is reported at the line it began" grep -q "stdin line 1: stopped with exit status 65" "$T/err"

sh_run $'query\nselect 5 as five;\n'
expect "an applet does not eat the rest of the script" grep -qx 5 "$T/out"
sh_run $'stats -d "'"$T"'/nope.db"\n'
[ $rc = 66 ] && pass "an applet's exit status comes back" || fail "an applet's exit status comes back" "rc $rc"
sh_run $'.nope\n'
[ $rc = 64 ] && grep -q "unknown command '.nope'" "$T/err" && pass "an unknown dot-command is a usage error" ||
	fail "an unknown dot-command is a usage error" "rc $rc $(cat "$T/err")"
sh_run $'query "select 1\n'
[ $rc = 64 ] && grep -q "quote is not closed" "$T/err" && pass "an open quote is reported" ||
	fail "an open quote is reported" "rc $rc $(cat "$T/err")"
sh_run $'screen -f ids | head -3\n'
[ $rc = 64 ] && grep -q "'|': pipes, redirections and command lists are not run here" "$T/err" &&
	pass "a pipe is refused, saying so" || fail "a pipe is refused, saying so" "rc $rc $(cat "$T/err")"
sh_run $'query "select \'a|b\' as x"\n'
[ $rc = 0 ] && grep -q "a|b" "$T/out" && pass "a quoted | is passed on" || fail "a quoted | is passed on" "rc $rc $(cat "$T/err")"
sh_run $'.format xml\n'
[ $rc = 64 ] && pass ".format refuses an unknown format" || fail ".format refuses an unknown format" "rc $rc"
sh_run $'select 6 as six'
expect "SQL without ';' at the end of input still runs" test "$(cat "$T/out")" = "$(printf 'six\n6')"
sh_run $'.case CASE-9\n.case\n.quit\nselect 1;\n'
expect ".case sets and shows the current case, .quit ends" test "$(cat "$T/out")" = CASE-9
sh_run $'.help\n'
expect ".help lists the dot-commands" grep -q "^  .case" "$T/out"
sh_run $'.case NOPE\nstats\n'
expect ".case is exported to applets as CASEKIT_CASE" grep -q "casekit stats: no case 'NOPE'" "$T/err"

# On a terminal: a tmux session of fixed size, keys sent, the screen read back.
if ! command -v tmux >/dev/null; then
	skip "the shell on a terminal" "tmux not installed"
	done_testing
fi
TM="tmux -L casekit-test-$$ -f /dev/null"
cleanup_tmux() { $TM kill-server 2>/dev/null; rm -rf "$T"; }
trap cleanup_tmux EXIT
screen_text() { $TM capture-pane -p -t ck 2>/dev/null; }
# wait_for DESC REGEX: the screen shows REGEX within 20 seconds (capture-pane drops
# trailing blanks, so a completed word shows without the space Tab adds; a sanitizer build
# on a loaded machine is slow)
wait_for() {
	local i
	for i in $(seq 200); do
		screen_text | grep -Eq -- "$2" && { pass "$1"; return; }
		sleep 0.1
	done
	fail "$1" "no match for $2 on the screen: $(screen_text | grep -v '^$' | tail -8)"
}
# keys KEY...: type text or press keys; a word ending in ';' would end the tmux command, so a
# final ';' is typed by its code
keys() {
	local k
	for k in "$@"; do
		case $k in
		*\;) $TM send-keys -t ck -l -- "${k%;}"; $TM send-keys -t ck -H 3b ;;
		*) $TM send-keys -t ck -- "$k" ;;
		esac
	done
}

$TM new-session -d -s ck -x 100 -y 30 "env -u TMUX XDG_STATE_HOME='$T/state' HOME='$T' \
	INPUTRC=/dev/null TERM=screen CASEKIT_DATADIR='$CASEKIT_DATADIR' '$CASEKIT' shell -d '$T/db'"
wait_for "a prompt on a terminal" "^casekit>$"
keys "sta" Tab
wait_for "Tab completes an applet name" "^casekit> stats$"
keys "-f ta" Tab
wait_for "Tab completes an option value" "^casekit> stats -f table$"
keys Enter
wait_for "the applet runs and prints its table" "^takedowns.bad_times +0$"
# keys typed before the applet has finished would land in its output: wait for the prompt
for i in $(seq 200); do
	[ "$(screen_text | grep -v '^$' | tail -1)" = "casekit>" ] && break
	sleep 0.1
done
keys "stats --no-p" Tab
wait_for "Tab completes a long option" "^casekit> stats --no-progress$"
keys C-u "trace SHOP" Tab
wait_for "Tab completes an operand to ids from the store" "^casekit> trace SHOP-001$"
keys C-u "trace seller:Z" Tab
wait_for "Tab completes a typed id" "^casekit> trace seller:ZED-1$"
keys C-u "case sh" Tab
wait_for "Tab completes a subcommand" "^casekit> case show$"
keys "C" Tab
wait_for "and a case id after it" "^casekit> case show CASE-[0-9]+-0001$"
keys C-u ".fo" Tab
wait_for "Tab completes a dot-command" "^casekit> \.format$"
keys C-u "select count(*) from sel" Tab
wait_for "Tab completes a table name in SQL" "^casekit> select count\(\*\) from sellers$"
keys C-u "select seller_id" Enter
wait_for "SQL spans lines with a continuation prompt" "^   \.\.\.>$"
keys "from sellers where seller_id like 'ZED%';" Enter
wait_for "the SQL prints its result" "^ZED-1 *$"
keys 'query "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"' Enter
sleep 0.3
keys C-c
wait_for "Ctrl-C stops the running command and the prompt comes back" "^casekit>$"
keys "select 40 + 2 as answer;" Enter
wait_for "the shell lives on after Ctrl-C" "^ *42$"
keys "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c;" Enter
sleep 0.3
keys C-c
wait_for "Ctrl-C interrupts SQL that runs in the shell" "casekit shell: interrupted"
keys "select 'half" C-c
keys "select 'whole' as w;" Enter
wait_for "Ctrl-C at the prompt drops the line" "^whole *$"
keys ".quit" Enter
for i in $(seq 50); do $TM has-session -t ck 2>/dev/null || break; sleep 0.1; done
$TM has-session -t ck 2>/dev/null && fail ".quit leaves the shell" || pass ".quit leaves the shell"
expect "history is kept in XDG_STATE_HOME/casekit/history" grep -qx "select 40 + 2 as answer;" "$T/state/casekit/history"
done_testing
