#!/bin/sh
# keyfile.sh - the payment key lives in a key file, apart from the store; old stores move it out
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

IN=$DATA/ingest
meta() { sqlite3 "$1" "select value from meta where key='$2'"; }
# bytes_have FILE HEX: the file's bytes hold the bytes HEX
bytes_have() { od -An -tx1 -v "$1" | tr -d ' \n' | grep -q "$2"; }

check_grep "init --help names --key-file" "--key-file PATH" init --help
check_grep "ingest --help names --key-file" "--key-file PATH" ingest --help
check_exit 0 "init makes a store" init "$T/a.db"
ID=$(meta "$T/a.db" store_id)
K=$XDG_DATA_HOME/casekit/keys/$ID.key
expect "the store id is 16 hex digits" sh -c "echo '$ID' | grep -Eqx '[0-9a-f]{16}'"
expect "init wrote the key file under XDG_DATA_HOME" test -f "$K"
expect "the key file is mode 0600" test "$(stat -c %a "$K")" = 600
expect "its folder is mode 0700" test "$(stat -c %a "$(dirname "$K")")" = 700
KEY=$(cat "$K")
expect "the key file holds 64 hex digits" sh -c "echo '$KEY' | grep -Eqx '[0-9a-f]{64}'"
FP=$(python3 -c "import hashlib, sys; print(hashlib.sha256(bytes.fromhex(sys.argv[1])).hexdigest())" "$KEY")
check_out "meta keeps the key's fingerprint, SHA-256" "$(printf 'fp\n%s' "$FP")" \
	query -d "$T/a.db" -f tsv "select value as fp from meta where key='payment_key_fingerprint'"
check_exit 0 "ingest of payments with the key" ingest -d "$T/a.db" "$IN/sellers.csv" "$IN/payments.csv"
run query -d "$T/a.db" -f tsv "select * from meta"
expect "select * from meta shows no payment key" sh -c "! grep -qi '$KEY' '$T/out' && ! grep -q secret '$T/out'"
sqlite_only "the bytes of the SQLite file" expect "the store's bytes hold no key (hex or raw)" sh -c "! grep -qi '$KEY' '$T/a.db' && ! od -An -tx1 -v '$T/a.db' | tr -d ' \n' | grep -q '$KEY'"
sqlite_only "the bytes of the SQLite file" expect "strings finds no key in the store" sh -c "! strings '$T/a.db' | grep -qi '$KEY'"
check_out "payments are hashed" "$(printf 'n\n2')" query -d "$T/a.db" -f tsv "select count(*) as n from payments where instrument_hash like 'v1:%'"

# Without the key: every other applet works, payments are refused naming the file and the id.
mv "$K" "$T/a.key"
check_exit 0 "without the key, other kinds load" ingest -q -d "$T/a.db" "$IN/listings.csv"
check_exit 0 "without the key, query works" query -d "$T/a.db" "select count(*) from payments"
check_exit 0 "without the key, screen works" screen -q -d "$T/a.db"
check_exit 0 "without the key, link works" link -q -d "$T/a.db"
check_exit 0 "without the key, stats works" stats -d "$T/a.db"
mkdir "$T/p2" "$T/p3"
sed 's/S1,card,4111111111111111/S3,card,5500000000000004/; 3d' "$IN/payments.csv" >"$T/p2/payments.csv"
check_exit 78 "payments without the key exit 78" ingest -d "$T/a.db" "$T/p2/payments.csv"
expect "the message names the key file and the store id" grep -q "$ID.*'$K'" "$T/err"
check_out "and nothing was loaded" "$(printf 'n\n2')" query -d "$T/a.db" -f tsv "select count(*) as n from payments"
check_exit 78 "payments among other files: nothing is loaded" ingest -d "$T/a.db" "$IN/orders.csv" "$T/p2/payments.csv"
check_out "not even the other files" "$(printf 'n\n0')" query -d "$T/a.db" -f tsv "select count(*) as n from orders"

# Another key is refused as the missing one is; --key-file and CASEKIT_KEY_FILE find the right one.
ck init -q --key-file "$T/b.key" "$T/b.db"
expect "init --key-file writes there, mode 0600" test "$(stat -c %a "$T/b.key")" = 600
check_exit 78 "another store's key is refused" ingest -d "$T/a.db" --key-file "$T/b.key" "$T/p2/payments.csv"
expect "saying it is not this store's key" grep -q "is not the payment key of store $ID" "$T/err"
printf 'not a key\n' >"$T/junk.key"
check_exit 78 "a file that is no key is refused" ingest -d "$T/a.db" --key-file "$T/junk.key" "$T/p2/payments.csv"
check_exit 0 "--key-file gives the key" ingest -q -d "$T/a.db" --key-file "$T/a.key" "$T/p2/payments.csv"
cp "$IN/payments.csv" "$T/p3/payments.csv"; echo "S3,card,6011000000000004,Chen,BOC,2025-06-01" >>"$T/p3/payments.csv"
rc=0; CASEKIT_KEY_FILE="$T/a.key" "$CASEKIT" ingest -q -d "$T/a.db" "$T/p3/payments.csv" 2>"$T/err" || rc=$?
expect "CASEKIT_KEY_FILE gives the key" test "$rc" = 0
check_exit 73 "init never overwrites a key file" init --key-file "$T/a.key" "$T/c.db"
expect "and makes no store then" no_store "$T/c.db"
expect "the key file is unchanged" test "$(cat "$T/a.key")" = "$KEY"

# A schema 2 store: the key moves out once, and the same card hashes as before.
sqlite_only_begin "no server store was ever at schema 2"
sqlite3 "$T/v2.db" <"$DATA/store/v2.sql"
OLD=$(sqlite3 "$T/v2.db" "select hex(value) from meta where key='secret'" | tr A-F a-f)
expect "the old store holds its key in its bytes" bytes_have "$T/v2.db" "$OLD"
HASH=$(sqlite3 "$T/v2.db" "select instrument_hash from payments where payment_id=1")
check_grep "opening it moves the key out, and says so" "moved the payment key of '.*v2.db' out of the store into '.*/casekit/keys/[0-9a-f]{16}\.key'" \
	query -d "$T/v2.db" "select 1"
ID2=$(meta "$T/v2.db" store_id)
K2=$XDG_DATA_HOME/casekit/keys/$ID2.key
expect "the key file holds the old key" test "$(cat "$K2")" = "$OLD"
expect "mode 0600" test "$(stat -c %a "$K2")" = 600
check_out "meta keeps no secret" "$(printf 'n\n0')" query -d "$T/v2.db" -f tsv "select count(*) as n from meta where key='secret'"
expect "the store is at schema 7" test "$(sqlite3 "$T/v2.db" "pragma user_version")" = 7
expect "the key's bytes are gone from the store file" sh -c "! od -An -tx1 -v '$T/v2.db' | tr -d ' \n' | grep -q '$OLD'"
expect "and from its log" sh -c "! [ -s '$T/v2.db-wal' ] || ! od -An -tx1 -v '$T/v2.db-wal' | tr -d ' \n' | grep -q '$OLD'"
run query -d "$T/v2.db" "select 1"
expect "the second open moves nothing" test ! -s "$T/err"
sed 's/^S2,/S3,/' "$IN/payments.csv" >"$T/again.csv"
check_exit 0 "payments load after the migration with the moved key" ingest -q -d "$T/v2.db" -k payments "$T/again.csv"
check_out "the same card hashes as before the migration" "$(printf 'n\n4')" query -d "$T/v2.db" -f tsv \
	"select count(*) as n from payments where instrument_hash = '$HASH'"
mv "$K2" "$T/v2.key"
check_exit 78 "the migrated store needs its key file for payments" ingest -d "$T/v2.db" -k payments "$T/p2/payments.csv"
# A migration pointed at a file holding another key is refused, and the store left as it was.
sqlite3 "$T/v2b.db" <"$DATA/store/v2.sql"
rc=0; CASEKIT_KEY_FILE="$T/b.key" "$CASEKIT" query -d "$T/v2b.db" "select 1" >/dev/null 2>"$T/err" || rc=$?
expect "a migration onto another key file is refused" test "$rc" = 73
expect "and the old store keeps its key" test "$(sqlite3 "$T/v2b.db" "select hex(value) from meta where key='secret'" | tr A-F a-f)" = "$OLD"
sqlite_only_end
done_testing
