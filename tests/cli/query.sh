#!/bin/sh
# query.sh - casekit query: read-only SQL in every format; writes are refused
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

ck init -q "$T/db"
Q() { ck query -d "$T/db" "$@"; }
# query speaks the store's own SQL (casekit-query(1)): these are SQLite's
dialect="the SQL is the server's: no PRAGMA, json_array or date(0, 'unixepoch') there"
check_grep "--help shows usage" "^usage: casekit query" query --help
check_out "a select prints tsv when piped" "$(printf 'n\n3')" query -d "$T/db" "select 3 as n"
check_out "json escapes per RFC 8259" '[
{"s":"a\"b\\c\nd\te","n":null,"i":42,"r":1.5}
]' query -d "$T/db" -f json "select 'a\"b\\c'||char(10)||'d'||char(9)||'e' as s, null as n, 42 as i, 1.5 as r"
check_out "csv quotes what needs quoting" "$(printf 'a,b\r\n"x,y","say ""hi"""\r')" query -d "$T/db" -f csv "select 'x,y' as a, 'say \"hi\"' as b"
check_out "tsv escapes tab, newline and backslash" "$(printf '%s\n' v 'a\tb\nc\\')" query -d "$T/db" -f tsv "select 'a'||char(9)||'b'||char(10)||'c\\' as v"
sqlite_only "PostgreSQL text cannot hold invalid UTF-8" check_out "invalid UTF-8 comes out as U+FFFD" '{"v":"a�b"}' query -d "$T/db" -f ndjson "select cast(x'61ff62' as text) as v"
check_out "ids passes typed ids through" "seller:S1" query -d "$T/db" -f ids "select 'seller:S1'"
check_out "an empty result still has its header" "seller_id" query -d "$T/db" "select seller_id from sellers"
check_out "table aligns wide characters" "$(printf 'name      n\n高仿      1\nabcdefgh  2')" query -d "$T/db" -f table "select '高仿' as name, 1 as n union all select 'abcdefgh', 2"
check_out "several statements print in turn" "$(printf 'a\n1\nb\n2')" query -d "$T/db" "select 1 as a; select 2 as b"
echo "select 7 as seven" >"$T/q.sql"
rc=0; "$CASEKIT" query -d "$T/db" - <"$T/q.sql" >"$T/out" 2>&1 || rc=$?
[ "$(tail -1 "$T/out")" = 7 ] && pass "SQL from stdin" || fail "SQL from stdin" "$(cat "$T/out")"
for sql in "drop table sellers" "delete from sellers" "insert into meta values('x',1)" \
	"create table x(y)" "attach 'x.db' as x" "pragma user_version=9" "pragma journal_mode=delete" \
	"select 1; drop table sellers" "update meta set value=1" "vacuum" "begin"; do
	check_exit 65 "refused: $sql" query -d "$T/db" "$sql"
done
check_grep "refusal says why" "only read-only SQL is allowed" query -d "$T/db" "drop table sellers"
check_out "the store survives" "$(printf 'n\n0')" query -d "$T/db" "select count(*) as n from sellers"
sqlite_only "$dialect" check_out "read pragmas are allowed" "$(printf 'user_version\n7')" query -d "$T/db" "pragma user_version"
sqlite_only "$dialect" check_grep "table_info is allowed" "seller_id" query -d "$T/db" "pragma table_info(sellers)"
sqlite_only "$dialect" check_out "table-valued pragma_table_info is allowed" "$(printf 'name\nseller_id')" query -d "$T/db" "select name from pragma_table_info('sellers') where pk"
check_exit 65 "the schema still cannot be written" query -d "$T/db" "update sqlite_master set sql = 'x'"
check_exit 65 "nor a pragma with side effects read as a table" query -d "$T/db" "select * from pragma_optimize"
check_exit 65 "fts3_tokenizer is refused" query -d "$T/db" "select fts3_tokenizer('simple')"
check_exit 65 "fts3_tokenizer with two arguments is refused" query -d "$T/db" "select fts3_tokenizer('x', x'0000000000000000')"
check_exit 65 "load_extension is refused" query -d "$T/db" "select load_extension('x')"
check_grep "a refused function is named" "fts3_tokenizer" query -d "$T/db" "select fts3_tokenizer('simple')"
sqlite_only "$dialect" check_out "scalar, json, date, aggregate and window functions are allowed" "$(printf 'u\tj\td\tn\tr\nA\t[1]\t1970-01-01\t1\t1')" query -d "$T/db" "select upper('a') u, json_array(1) j, date(0, 'unixepoch') d, count(*) n, row_number() over () r from meta where key = 'created_at'"
check_out "ids sort as people read them with ck_natural" "$(printf 'x\nL20\nL100')" query -d "$T/db" "select x from (select 'L100' as x union all select 'L20') order by x collate ck_natural"
check_out "casekit's own ck_money is allowed" "$(printf 'm\n1.00')" query -d "$T/db" "select ck_money(100, 'EUR') as m"
check_exit 65 "a syntax error exits 65" query -d "$T/db" "selec 1"
check_grep "and names the problem" "syntax error" query -d "$T/db" "selec 1"
check_exit 64 "two SQL operands is a usage error" query -d "$T/db" "select 1" "select 2"
done_testing
