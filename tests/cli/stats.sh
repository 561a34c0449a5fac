#!/bin/sh
# stats.sh - casekit stats: the figures of a store, in every format
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

ck init -q "$T/db"
check_grep "--help shows usage" "^usage: casekit stats" stats --help
check_exit 64 "an operand is a usage error" stats -d "$T/db" extra
check_exit 66 "a missing store exits 66" stats -d "$T/none.db"
check_grep "a missing store says how to make one" "no case store at .*casekit init" stats -d "$T/none.db"
printf 'what\trows\nbrands\t0\nsellers\t0\n' >"$T/want"
run stats -d "$T/db" -f tsv
head -3 "$T/out" >"$T/got"
expect "tsv: header and zero counts" cmp "$T/want" "$T/got"
check_grep "csv has a header" "^what,rows" stats -d "$T/db" -f csv
check_grep "json is an array of objects" '^\{"what":"takedowns","rows":0\},?$' stats -d "$T/db" -f json
check_grep "ndjson is one object a line" '^\{"what":"identifiers","rows":0\}$' stats -d "$T/db" -f ndjson
check_grep "table is aligned" "^listings +0$" stats -d "$T/db" -f table
check_exit 64 "ids has no meaning for stats" stats -d "$T/db" -f ids
echo "not sqlite" >"$T/junk"
check_exit 78 "a non-store exits 78" stats -d "$T/junk"
expect "the non-store is unchanged" test "$(cat "$T/junk")" = "not sqlite"
sqlite3 "$T/other.db" "create table t(x)" 2>/dev/null && {
	check_exit 78 "a foreign sqlite file exits 78" stats -d "$T/other.db"
	check_grep "and is named as not a store" "is not a casekit store" stats -d "$T/other.db"
}
done_testing
