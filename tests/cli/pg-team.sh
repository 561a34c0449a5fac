#!/bin/bash
# pg-team.sh - several analysts on one PostgreSQL store at once: ingests, screens, links and
# case actions run concurrently, every row is kept and every command succeeds
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"
. "$TOP_SRCDIR/tests/pg/lib.sh"
pg_start 56050
cd "$T" || exit 1
# three dumps with ids of their own (S, Y, Z sellers; L, M, N listings; ...)
ck synth -q -o a --sellers 150 --seed 1
for x in b:Y:M:Q c:Z:N:R; do
	IFS=: read -r d s l o <<<"$x"
	ck synth -q -o "$d" --sellers 150 --seed $((RANDOM % 50 + 2))
	for f in "$d"/*.csv; do
		sed -i -E "s/\bS([0-9]{7})/$s\1/g; s/\bL([0-9]{8})/$l\1/g; s/\bO([0-9]{9})/$o\1/g;
			s/\b(SH|TB|N|P|TD)([0-9]+)/\1$d\2/g" "$f"
	done
done
rm -f ./*/brands.csv ./*/notifiers.csv b/notices.csv c/notices.csv
ck init -q "$URI"
ck ingest -q -d "$URI" a 2>/dev/null
ck screen -q -d "$URI" >/dev/null && ck link -q -d "$URI" >/dev/null
ck case -q -d "$URI" new one --lead seller:S0000001 >/dev/null
# all at once: two ingests, a screen, a link, notes on a case by two analysts, a query
job() {
	local n=$1
	shift
	(CASEKIT_ANALYST="analyst-$n" "$CASEKIT" "$@" >"$T/$n.out" 2>"$T/$n.err"; echo $? >"$T/$n.rc") &
	pids="$pids $!"
}
pids=
job ingest-b ingest -q -d "$URI" b
job ingest-c ingest -q -d "$URI" c
job screen screen -q -d "$URI"
job link link -q -d "$URI"
job note-1 case -d "$URI" note "CASE-$Y-0001" first
job note-2 case -d "$URI" note "CASE-$Y-0001" second
job query query -d "$URI" "select count(*) from listings"
# shellcheck disable=SC2086
wait $pids
for f in "$T"/*.rc; do
	n=$(basename "$f" .rc)
	if [ "$(cat "$f")" = 0 ]; then pass "concurrent $n succeeds"
	else fail "concurrent $n succeeds" "exit $(cat "$f"): $(cat "$T/$n.err")"; fi
done
# every row of every file is in: as many as the files hold
for t in sellers listings orders logins payments; do
	want=$(($(cat a/$t.csv b/$t.csv c/$t.csv | wc -l) - 3))
	got=$(sql "select count(*) from $t")
	if [ "$got" = "$want" ]; then pass "every row of $t is kept ($want)"
	else fail "every row of $t is kept" "got $got, want $want"; fi
done
if [ "$(sql "select count(*) from sources where rows_rejected > 0")" = 0 ]; then pass "no row was rejected"
else fail "no row was rejected" "$(sql "select path, rows_rejected from sources where rows_rejected > 0")"; fi
# the store stays whole: screen and link once more over everything, the case's log intact
check_exit 0 "screen over all the sellers" screen -q -d "$URI"
check_exit 0 "link over all the sellers" link -q -d "$URI"
want=$(($(cat a/listings.csv b/listings.csv c/listings.csv | wc -l) - 3))
if [ "$(sql "select count(*) from scores")" = "$want" ]; then pass "every listing is scored"
else fail "every listing is scored" "$(sql "select count(*) from scores"), want $want"; fi
check_exit 0 "the case's custody log verifies" case -d "$URI" show CASE-$Y-0001 --section custody
if [ "$(sql "select count(*) from custody where action = 'note'")" = 2 ]; then pass "both notes are on record"
else fail "both notes are on record" "$(sql "select * from custody")"; fi
if [ "$(sql "select count(distinct analyst) from custody where action = 'note'")" = 2 ] &&
	[ "$(sql "select count(*) from custody where db_user <> current_user")" = 0 ]; then
	pass "each note records its analyst and the database user"
else fail "each note records its analyst and the database user" "$(sql "select analyst, db_user from custody")"; fi
done_testing
