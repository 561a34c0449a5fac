#!/bin/bash
# ingest.sh - casekit ingest: every row kept or reported, files whole or not at all
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

D="$DATA/ingest"
Q() { "$CASEKIT" query -d "$1" "$2" 2>&1; }
# same DESC EXPECTED ACTUAL: two strings are equal
same() {
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "wanted: $2"$'\n'"got:    $3"; fi
}

check_grep "--help shows usage" "^usage: casekit ingest" ingest --help
check_exit 64 "a bad option is a usage error" ingest --bogus
ck init -q "$T/db"
check_exit 64 "stdin without -k is a usage error" ingest -d "$T/db"
cp "$D/sellers.csv" "$T/shops.csv"
check_exit 64 "a file whose name says no kind needs -k" ingest -d "$T/db" "$T/shops.csv"
check_exit 66 "a missing file exits 66" ingest -d "$T/db" "$T/nope.csv"
check_exit 66 "a missing store exits 66" ingest -d "$T/nodb" "$D"

# A folder loads in dependency order: listings need their sellers first.
check_exit 0 "a folder loads with rejects and exit 0" ingest -d "$T/db" "$D"
grep -q "orders.csv' (orders): 3 rows read, 1 kept, 2 rejected" "$T/err" &&
	pass "rows read = kept + rejected, per file" || fail "rows read = kept + rejected, per file" "$(cat "$T/err")"
grep -q "orders.csv:3: listing_id 'L9' is not in the store" "$T/err" &&
	pass "a reject names file, line and reason" || fail "a reject names file, line and reason" "$(cat "$T/err")"
grep -q "orders.csv:4: bad number 'x' in quantity" "$T/err" &&
	pass "a bad number is rejected" || fail "a bad number is rejected" "$(cat "$T/err")"
same "every kind lands" "sellers 3 listings 3 orders 1 logins 2 payments 2" \
	"$(Q "$T/db" "select 'sellers', (select count(*) from sellers), 'listings', (select count(*) from listings), 'orders', (select count(*) from orders), 'logins', (select count(*) from logins), 'payments', (select count(*) from payments)" | tail -1 | tr '\t' ' ')"
same "money becomes minor units by currency" "L1 12900 USD|L2 4500 JPY|L3 8950 USD" \
	"$(Q "$T/db" "select listing_id||' '||price||' '||currency from listings order by 1" | tail -n +2 | paste -sd'|')"
same "times become ISO 8601 UTC; a date stays a date" "2025-03-01T00:00:00Z|2025-06-02T09:30:00Z|2025-06-03" \
	"$(Q "$T/db" "select registered_at from sellers where seller_id='S1' union all select created_at from listings where listing_id in ('L2','L3')" | tail -n +2 | paste -sd'|')"
same "extra columns are kept as attrs" '{"colour":"black"}' "$(Q "$T/db" "select attrs from listings where listing_id='L1'" | tail -1)"
same "every row knows its file and line" "listings.csv 4" \
	"$(Q "$T/db" "select replace(s.path, rtrim(s.path, replace(s.path, '/', '')), '')||' '||l.line from listings l join sources s using(source_id) where listing_id='L3'" | tail -1)"
same "sources hold SHA-256 and size" "$(sha256sum "$D/listings.csv" | cut -d' ' -f1) $(stat -c %s "$D/listings.csv")" \
	"$(Q "$T/db" "select sha256||' '||size from sources where kind='listings'" | tail -1)"
same "rejects are kept in the store" "3|listing_id 'L9' is not in the store|O2,L9,S1,B2,1,10.00,USD,2025-06-05T12:00:00Z,,paid" \
	"$(Q "$T/db" "select line||'|'||reason||'|'||raw from rejects order by line" | sed -n 2p)"
same "identifiers are recorded with holder and row" "seller S1 phone 2" \
	"$(Q "$T/db" "select holder_kind||' '||holder_id||' '||kind||' '||line from identifiers where kind='phone' order by holder_id" | sed -n 2p)"
same "an address gives a unit and a building key" "address_building address_unit" \
	"$(Q "$T/db" "select kind from identifiers where holder_id='S1' and field='address' order by kind" | tail -n +2 | paste -sd' ')"
same "an IP login keeps its UTC day" "2025-06-02" "$(Q "$T/db" "select day from identifiers where kind='ip' and holder_id='S1'" | tail -1)"
same "payments keep a hash and the last four" "1111 v1:" \
	"$(Q "$T/db" "select instrument_last4||' '||substr(instrument_hash,1,3) from payments where seller_id='S1'" | tail -1)"
same "payment identifiers are masked" "****1111" "$(Q "$T/db" "select raw from identifiers where kind='payment' limit 1" | tail -1)"
"$CASEKIT" stats -d "$T/db" >/dev/null # closes the store: the WAL is folded into the file
sqlite_only_begin "the bytes of the SQLite file"
if grep -aq -e 4111111111111111 -e '4111 1111' "$T/db" "$T/db-wal" 2>/dev/null; then
	fail "no raw card number anywhere in the store"
else pass "no raw card number anywhere in the store"; fi
sqlite_only_end

# The same file again is skipped; a newer version of a record replaces the old one.
check_exit 0 "the same file again exits 0" ingest -d "$T/db" "$D/listings.csv"
grep -q "already ingested as source 2 .*same SHA-256.*skipped" "$T/err" && pass "and says it was skipped" ||
	fail "and says it was skipped" "$(cat "$T/err")"
same "and adds nothing" "3 5" "$(Q "$T/db" "select (select count(*) from listings)||' '||(select count(*) from sources)" | tail -1)"
printf 'seller_id,phone,email\nS1,+8613911112222,li@example.com\n' >"$T/sellers.csv"
check_exit 0 "a newer sellers file loads" ingest -d "$T/db" "$T/sellers.csv"
# (a server's source ids may skip one a rolled-back load took: casekit-store(5))
last=$(Q "$T/db" "select max(source_id) from sources" | tail -1)
same "the newer record replaces the older row" "+8613911112222 $last 2" \
	"$(Q "$T/db" "select phone||' '||source_id||' '||line from sellers where seller_id='S1'" | tail -1)"
same "the old row's identifiers go with it" "+8613911112222|li@example.com" \
	"$(Q "$T/db" "select coalesce(raw, value) from identifiers where holder_id='S1' and field in ('phone','email','address') order by kind desc" | tail -n +2 | paste -sd'|')"
same "both sources stay on record" "2" "$(Q "$T/db" "select count(*) from sources where kind='sellers'" | tail -1)"
same "other sellers keep theirs" "1" "$(Q "$T/db" "select count(*) from identifiers where holder_id='S2' and kind='phone'" | tail -1)"

# Schema 7: a raw that only repeats the value is not kept; each note text is kept once.
ck init -q "$T/notes"
printf 'seller_id,phone,email\nN1,0086 19936365902,a@example.com\nN2,+8619936365903,b@example.com\nN3,0086 19936365904,C@Example.com\n' >"$T/nsellers.csv"
ck ingest -q -k sellers -d "$T/notes" "$T/nsellers.csv"
same "a raw that differs from the value is kept" "N1 0086 19936365902|N3 0086 19936365904|N3 C@Example.com" \
	"$(Q "$T/notes" "select holder_id||' '||raw from identifiers where raw is not null order by ident_id" | tail -n +2 | paste -sd'|')"
same "a raw that only repeats it is not" "N1 a@example.com|N2 +8619936365903|N2 b@example.com" \
	"$(Q "$T/notes" "select holder_id||' '||value from identifiers where raw is null order by ident_id" | tail -n +2 | paste -sd'|')"
same "two rows with the same rules share one note" "idd cut 2 1" \
	"$(Q "$T/notes" "select n.note||' '||count(*)||' '||(select count(*) from ident_notes) from identifiers i join ident_notes n using (note_id) group by n.note" | tail -n +2 | paste -sd'|')"
printf 'seller_id,phone\nN4,0086 19936365905\n' >"$T/nsellers2.csv"
ck ingest -q -k sellers -d "$T/notes" "$T/nsellers2.csv"
same "a later file finds the note there" "idd cut 3 1" \
	"$(Q "$T/notes" "select n.note||' '||count(*)||' '||(select count(*) from ident_notes) from identifiers i join ident_notes n using (note_id) group by n.note" | tail -n +2 | paste -sd'|')"

# A seller twice in one file, into an empty table: the later row wins, wherever the rows fall
# in the batches ingest writes, and only its identifiers stay.
ck init -q "$T/twice"
{
	echo seller_id,phone,email
	for i in $(seq 1 40); do echo "T$i,+86139111100$((10 + i)),t$i@example.com"; done
	echo T5,+8613999990005,new5@example.com
	echo T40,+8613999990040,new40@example.com
} >"$T/sellers.csv"
check_exit 0 "a sellers file with repeated sellers loads" ingest -d "$T/twice" "$T/sellers.csv"
grep -q "sellers.csv': 2 rows replaced an older version of their record" "$T/err" &&
	pass "and counts the repeats as replaced" || fail "and counts the repeats as replaced" "$(cat "$T/err")"
same "the later rows win" "40 +8613999990005 42 +8613999990040 43" \
	"$(Q "$T/twice" "select (select count(*) from sellers)||' '||(select phone||' '||line from sellers where seller_id='T5')||' '||(select phone||' '||line from sellers where seller_id='T40')" | tail -1)"
same "only the later rows' identifiers stay" "T40 email 43|T40 phone 43|T5 email 42|T5 phone 42" \
	"$(Q "$T/twice" "select holder_id||' '||kind||' '||line from identifiers where holder_id in ('T5','T40') order by 1" | tail -n +2 | paste -sd'|')"
same "the others keep theirs" "76" "$(Q "$T/twice" "select count(*) from identifiers where holder_id not in ('T5','T40')" | tail -1)"

# gzip is known by its magic bytes, and stdin works with -k.
ck init -q "$T/gz"
gzip -c "$D/sellers.csv" >"$T/sellers.dat"
check_exit 0 "gzip input with -k loads" ingest -d "$T/gz" -k sellers "$T/sellers.dat"
gzip -c "$D/listings.csv" | "$CASEKIT" ingest -q -d "$T/gz" -k listings - && pass "stdin with -k loads" || fail "stdin with -k loads"
same "gzip and stdin give the same rows" "$(Q "$T/db" "select listing_id, price, created_at from listings order by 1")" \
	"$(Q "$T/gz" "select listing_id, price, created_at from listings order by 1")"
same "stdin's source keeps the compressed SHA-256" "$(gzip -c "$D/listings.csv" | sha256sum | cut -d' ' -f1)" \
	"$(Q "$T/gz" "select sha256 from sources where path='-'" | tail -1)"

printf 'listing_id,seller_id,title,price,currency\nL1,S1,New title,99.00,USD\nL7,S1,brand new,1.00,USD\n' >"$T/listings.csv"
check_exit 0 "a newer listings file loads" ingest -d "$T/db" "$T/listings.csv"
grep -q "listings.csv': 1 row replaced an older version of its record" "$T/err" && pass "and counts the records it replaced" ||
	fail "and counts the records it replaced" "$(cat "$T/err")"
same "the replaced listing has the new values" "New title 9900 4" \
	"$(Q "$T/db" "select title||' '||price||' '||(select count(*) from listings) from listings where listing_id='L1'" | tail -1)"

# --strict, --dry-run, --reject-file
ck init -q "$T/s"
ck ingest -q -d "$T/s" "$D/sellers.csv" "$D/listings.csv"
check_exit 65 "--strict fails a file with rejects" ingest -d "$T/s" --strict "$D/orders.csv"
same "and nothing of it lands" "0 0" "$(Q "$T/s" "select (select count(*) from orders)||' '||(select count(*) from sources where kind='orders')" | tail -1)"
check_exit 0 "--dry-run exits 0" ingest -d "$T/s" -n "$D/orders.csv"
grep -q "1 kept, 2 rejected" "$T/err" && pass "--dry-run reports the counts" || fail "--dry-run reports the counts" "$(cat "$T/err")"
same "--dry-run writes nothing" "0 0 0" "$(Q "$T/s" "select (select count(*) from orders)||' '||(select count(*) from sources where kind='orders')||' '||(select count(*) from rejects)" | tail -1)"
check_exit 0 "--reject-file exits 0" ingest -d "$T/s" --reject-file "$T/rej.csv" "$D/orders.csv"
same "--reject-file is CSV: file, line, reason, raw" "file,line,reason,raw
$D/orders.csv,3,listing_id 'L9' is not in the store,\"O2,L9,S1,B2,1,10.00,USD,2025-06-05T12:00:00Z,,paid\"
$D/orders.csv,4,bad number 'x' in quantity,\"O3,L2,S2,B3,x,10,JPY,2025-06-05T12:00:00Z,,paid\"" "$(tr -d '\r' <"$T/rej.csv")"
check_exit 73 "an uncreatable reject file exits 73" ingest -d "$T/s" --reject-file "$T/no/such/dir.csv" "$D/orders.csv"
cp "$D/orders.csv" "$T/in-orders.csv"
check_exit 64 "--reject-file naming an input is refused" ingest -d "$T/s" -k orders --reject-file "$T/in-orders.csv" "$T/in-orders.csv"
same "and the input stays whole" "" "$(cmp "$D/orders.csv" "$T/in-orders.csv" 2>&1)"
sqlite_only "a server store is no file to name" check_exit 64 "--reject-file naming the store is refused" ingest -d "$T/s" --reject-file "$T/s" "$D/orders.csv"
ln -s "$T/in-orders.csv" "$T/rej-link.csv"
check_exit 73 "--reject-file through a symbolic link is refused" ingest -d "$T/s" -k orders --reject-file "$T/rej-link.csv" "$D/orders.csv"
same "and its target stays whole" "" "$(cmp "$D/orders.csv" "$T/in-orders.csv" 2>&1)"
printf 'old\n' >"$T/rej2.csv"
ln "$T/rej2.csv" "$T/rej2-hard.csv"
check_exit 0 "an existing reject file is replaced" ingest -d "$T/s" --reject-file "$T/rej2.csv" "$D/orders.csv"
same "by a new file, not written in place" "old file,line,reason,raw" "$(cat "$T/rej2-hard.csv") $(head -1 "$T/rej2.csv" | tr -d "\r")"
same "leaving no temporary file" "" "$(ls -A "$T" | grep '^\.rej')"
# A rejected row is the seller's text: opened in a spreadsheet, it must not run as a formula.
printf 'order_id,listing_id,seller_id,buyer_id,quantity,amount,currency,ordered_at,ship_to_address,status\n=cmd|x,L2,S2,B3,x,10,JPY,2025-06-05T12:00:00Z,,paid\n' >"$T/evil-orders.csv"
check_exit 65 "a file whose one row reads as a formula is rejected" ingest -d "$T/s" -k orders --reject-file "$T/rej3.csv" "$T/evil-orders.csv"
same "and its raw cell in the reject file gets a leading '" "$T/evil-orders.csv,2,bad number 'x' in quantity,\"'=cmd|x,L2,S2,B3,x,10,JPY,2025-06-05T12:00:00Z,,paid\"" "$(tr -d '\r' <"$T/rej3.csv" | tail -1)"

# Messy but valid CSV: delimiters, BOM, CRLF, quoted newlines, spaces, no final newline.
ck init -q "$T/m"
printf '\xef\xbb\xbfseller_id;shop_name;status\r\nM1; "Semi, colon" ;active\r\nM2;"two\r\nlines";new' >"$T/sellers.csv"
check_exit 0 "a ';' file with BOM and CRLF loads" ingest -d "$T/m" "$T/sellers.csv"
same "fields come out clean" "M1|Semi, colon|active|2" \
	"$(Q "$T/m" "select seller_id||'|'||shop_name||'|'||status||'|'||line from sellers where seller_id='M1'" | tail -1)"
same "a quoted newline stays in its field; no final newline is fine" "M2 two|lines 3" \
	"$(Q "$T/m" "select seller_id||' '||replace(replace(shop_name, char(13), ''), char(10), '|')||' '||line from sellers where seller_id='M2'" | tail -1)"
printf 'listing_id\tseller_id\ttitle\nT1\tM1\ta, b\n' >"$T/listings.tsv"
check_exit 0 "a tab-separated file loads" ingest -d "$T/m" "$T/listings.tsv"
same "with tabs as delimiters" "a, b" "$(Q "$T/m" "select title from listings where listing_id='T1'" | tail -1)"
printf 'listing_id|seller_id|title\nP1|M1|pipe\n' >"$T/pipe.csv"
check_exit 0 "--delimiter sets the delimiter" ingest -d "$T/m" -k listings --delimiter '|' "$T/pipe.csv"
same "and is used" "pipe" "$(Q "$T/m" "select title from listings where listing_id='P1'" | tail -1)"
printf 'seller_id,status\nE1,a\r\nE2,b\rE3,c\n\nE4,"d\ne"\rE5,f\n' >"$T/sellers.csv"
check_exit 0 "mixed line endings load" ingest -d "$T/m" "$T/sellers.csv"
same "and every row keeps its line" "E1 2|E2 3|E3 4|E4 6|E5 8" \
	"$(Q "$T/m" "select seller_id||' '||line from sellers where seller_id like 'E%' order by 1" | tail -n +2 | paste -sd'|')"

mkdir "$T/dir" && cp "$D/sellers.csv" "$T/dir/" && echo hi >"$T/dir/notes.txt"
ck init -q "$T/dir/case.db"
check_exit 0 "a folder holding the store loads" ingest -d "$T/dir/case.db" "$T/dir"
same "naming the files it leaves, not the store" "notes.txt': its name says no kind" "$(grep -o "[a-z.]*': its name says no kind" "$T/err" | paste -sd'|')"
ck init -q "$T/kd"
check_exit 0 "-k with a folder loads only that kind" ingest -d "$T/kd" -k sellers "$D"
same "and nothing else" "3 1" "$(Q "$T/kd" "select (select count(*) from sellers)||' '||(select count(*) from sources)" | tail -1)"

# Encodings
printf 'seller_id,shop_name\nG1,高仿名牌\n' | iconv -f UTF-8 -t GB18030 >"$T/sellers.csv"
check_exit 0 "--encoding gb18030 converts" ingest -d "$T/m" --encoding gb18030 "$T/sellers.csv"
same "to UTF-8" "高仿名牌" "$(Q "$T/m" "select shop_name from sellers where seller_id='G1'" | tail -1)"
printf 'seller_id,shop_name\nG2,\xb8\xdf\xb7\xc2\nG3,ok\n' >"$T/sellers.csv"
check_exit 0 "GBK bytes without --encoding: the row is rejected" ingest -d "$T/m" "$T/sellers.csv"
grep -q "sellers.csv:2: broken UTF-8 in column 'shop_name'" "$T/err" && pass "as broken UTF-8" || fail "as broken UTF-8" "$(cat "$T/err")"
check_exit 64 "an unknown encoding is a usage error" ingest -d "$T/m" --encoding no-such-enc "$T/sellers.csv"
{ printf 'seller_id,shop_name\n'; for i in $(seq 1 20); do echo "G$i,shop $i"; done; printf 'GX,\x81\x20bad\n'; for i in $(seq 1 20000); do echo "H$i,shop number $i"; done; } >"$T/sellers.csv"
check_exit 65 "a byte gb18030 does not allow fails the file" ingest -d "$T/m" --encoding gb18030 "$T/sellers.csv"
grep -q "sellers.csv': line 22: bytes that are not valid gb18030 (byte 245)" "$T/err" && pass "naming its line and byte" || fail "naming its line and byte" "$(cat "$T/err")"

# Broken inputs: a clear message, and nothing partial.
ck init -q "$T/b"
count() { Q "$T/b" "select (select count(*) from sellers)||' '||(select count(*) from sources)" | tail -1; }
: >"$T/sellers.csv"
check_exit 65 "an empty file exits 65" ingest -d "$T/b" "$T/sellers.csv"
check_grep "and says it is empty" "is empty" ingest -d "$T/b" "$T/sellers.csv"
printf 'seller_id,shop_name\n' >"$T/sellers.csv"
check_exit 0 "a header-only file loads no rows" ingest -d "$T/b" "$T/sellers.csv"
grep -q "0 rows read, 0 kept, 0 rejected" "$T/err" && pass "and says so" || fail "and says so" "$(cat "$T/err")"
{ printf 'seller_id,shop_name\n'; for i in $(seq 1 3000); do echo "Z$i,shop $i"; done; } | gzip -c | head -c 4000 >"$T/sellers.csv.gz"
check_exit 65 "a truncated gzip exits 65" ingest -d "$T/b" "$T/sellers.csv.gz"
grep -q "truncated gzip" "$T/err" && pass "and says truncated gzip" || fail "and says truncated gzip" "$(cat "$T/err")"
same "and nothing of it lands" "0 1" "$(count)"
head -c 3000 /dev/urandom >"$T/sellers.csv"
check_exit 65 "binary garbage exits 65" ingest -d "$T/b" "$T/sellers.csv"
same "and nothing of it lands" "0 1" "$(count)"
printf 'seller_id,shop_name\nN1,a\0b\nN2,ok\n' >"$T/sellers.csv"
check_exit 0 "a NUL byte rejects its row" ingest -d "$T/b" "$T/sellers.csv"
grep -q "sellers.csv:2: a NUL byte in column 'shop_name'" "$T/err" && pass "and names it" || fail "and names it" "$(cat "$T/err")"
{ printf 'seller_id,shop_name\nB1,'; head -c 1000000 /dev/zero | tr '\0' x; printf '\nB2,ok\n'; } >"$T/sellers.csv"
check_exit 0 "a 1 MB field loads" ingest -d "$T/b" "$T/sellers.csv"
same "whole" "1000000" "$(Q "$T/b" "select length(shop_name) from sellers where seller_id='B1'" | tail -1)"
{ printf 'seller_id,shop_name\nC1,"'; head -c 1100000 /dev/zero | tr '\0' x; printf '\nC2,ok\n'; } >"$T/sellers.csv"
check_exit 65 "an unclosed quote running past 1 MiB exits 65" ingest -d "$T/b" "$T/sellers.csv"
grep -q "line 2: a quoted field is not closed" "$T/err" && pass "and names the line" || fail "and names the line" "$(cat "$T/err")"
# Limits on one record: the row is rejected, the others land, memory stays bounded.
{ printf 'seller_id,shop_name\nL1,'; head -c 1048576 /dev/zero | tr '\0' x; printf '\nL2,'; head -c 1048577 /dev/zero | tr '\0' x; printf '\nL3,ok\n'; } >"$T/sellers.csv"
check_exit 0 "a field of exactly 1 MiB loads, one byte more rejects its row" ingest -d "$T/b" "$T/sellers.csv"
grep -q "sellers.csv:3: a field longer than 1048576 bytes" "$T/err" && pass "naming file, line and limit" || fail "naming file, line and limit" "$(cat "$T/err")"
same "and the other rows land" "L1 L3" "$(Q "$T/b" "select group_concat(seller_id, ' ') from sellers where seller_id like 'L%'" | tail -1)"
{ printf 'seller_id,shop_name\nF1'; head -c 4095 /dev/zero | tr '\0' ,; printf '\nF2'; head -c 4096 /dev/zero | tr '\0' ,; printf '\nF3,ok\n'; } >"$T/sellers.csv"
check_exit 0 "4096 fields are a record, 4097 over the limit" ingest -d "$T/b" "$T/sellers.csv"
same "each with its reason" "2|wrong field count: 4096 fields, the header has 2
3|more than 4096 fields" "$(Q "$T/b" "select line||'|'||reason from rejects where source_id=(select max(source_id) from sources) order by line" | tail -n +2)"
{ printf 'seller_id,shop_name\nM1,ok\n'; head -c $((40 * 1024 * 1024)) /dev/zero | tr '\0' ,; printf '\nM2,ok\n'; } | gzip -c >"$T/sellers.csv.gz"
# Unbounded, this row took 2 GB; a 600 MB address space would not hold it. (AddressSanitizer
# reserves terabytes of address space up front: under it the limit cannot be set.)
vlimit=600000
grep -qa __asan_init "$CASEKIT" && vlimit=unlimited
(ulimit -v $vlimit && "$CASEKIT" ingest -d "$T/b" "$T/sellers.csv.gz") 2>"$T/err"
same "a row of 40 Mi commas is rejected in bounded memory" "M1 M2" "$(Q "$T/b" "select group_concat(seller_id, ' ') from sellers where seller_id like 'M%'" | tail -1)"
grep -q "sellers.csv.gz:3: more than 4096 fields" "$T/err" && pass "as more than 4096 fields" || fail "as more than 4096 fields" "$(cat "$T/err")"
# The store keeps the first 1000 rejects of a file, each cut to 4 KiB; the counts stay exact.
{ printf 'seller_id,shop_name\n'; printf 'R1,'; head -c 10000 /dev/zero | tr '\0' y; printf ',extra\n'; for i in $(seq 2 1500); do echo "R$i,a,b"; done; echo "R0,ok"; } >"$T/sellers.csv"
check_exit 0 "1500 bad rows load the good one" ingest -d "$T/b" "$T/sellers.csv"
grep -q "1501 rows read, 1 kept, 1500 rejected" "$T/err" && pass "counting every reject" || fail "counting every reject" "$(cat "$T/err")"
same "the store keeps a sample of 1000 and the exact count" "1000 1500 4099" "$(Q "$T/b" "select count(*)||' '||max(s.rows_rejected)||' '||max(length(raw)) from rejects r join sources s using (source_id) where source_id=(select max(source_id) from sources)" | tail -1)"
printf 'seller_id,shop_name\nQ1,"open\nQ2,x\n' >"$T/sellers.csv"
check_exit 65 "a quote open at the end of the file exits 65" ingest -d "$T/b" "$T/sellers.csv"
same "nothing partial" "0" "$(Q "$T/b" "select count(*) from sellers where seller_id like 'Q%'" | tail -1)"
printf 'shop_name,phone\nx,1\n' >"$T/sellers.csv"
check_exit 65 "a header without the key column exits 65" ingest -d "$T/b" "$T/sellers.csv"
check_grep "and names the column" "no 'seller_id' column" ingest -d "$T/b" "$T/sellers.csv"
printf 'seller_id,a,a\nx,1,2\n' >"$T/sellers.csv"
check_exit 65 "a column twice in the header exits 65" ingest -d "$T/b" "$T/sellers.csv"
printf 'seller_id,shop_name\nW1,a,b\nW2\n,empty key\nW3,good\n' >"$T/sellers.csv"
check_exit 0 "wrong field counts and a missing key are rejected" ingest -d "$T/b" "$T/sellers.csv"
same "each with its reason" "2|wrong field count: 3 fields, the header has 2
3|wrong field count: 1 fields, the header has 2
4|missing seller_id" "$(Q "$T/b" "select line||'|'||reason from rejects where source_id=(select max(source_id) from sources) order by line" | tail -n +2)"

# A card number in a wrong column is masked in messages, rejects and the reject file.
ck init -q "$T/cm"
"$CASEKIT" ingest -q -d "$T/cm" "$D/sellers.csv"
printf 'seller_id,instrument_type,instrument_id,holder_name,bank,added_at\nS1,card,5500000000000004,Li Wei,ICBC,4111111111111111\nS2,card,5500000000000004,Wang,ICBC,4111-1111-1111-1111 x\nS1,card,5500000000000004,Li Wei,ICBC,2025-01-01\n' >"$T/payments.csv"
check_exit 0 "a shifted payments row is rejected" ingest -d "$T/cm" --reject-file "$T/cm.csv" "$T/payments.csv"
grep -q "bad date '\*\*\*\*\*\*\*\*\*\*\*\*1111' in added_at" "$T/err" && pass "its message masks the card number" || fail "its message masks the card number" "$(cat "$T/err")"
same "no card number in rejects, reject file or messages" "" \
	"$({ Q "$T/cm" "select reason, raw from rejects"; cat "$T/cm.csv" "$T/err"; } | grep -E '4111[- ]?1111[- ]?1111[- ]?1111')"
same "rejects keep the last four" "2" "$(Q "$T/cm" "select count(*) from rejects where raw like '%****%1111%' and reason like '%****%1111%'" | tail -1)"

# kill -9 in the middle of a file leaves the store as it was; a rerun completes it once.
ck init -q "$T/k"
ck ingest -q -d "$T/k" "$D/sellers.csv"
awk 'BEGIN { print "listing_id,seller_id,title,price,currency"
	for (i = 1; i <= 300000; i++) printf "K%07d,S%d,\"item %d, a long enough title to fill pages\",%d.99,USD\n", i, i % 3 + 1, i, i % 500 }' >"$T/listings.csv"
"$CASEKIT" ingest -q -d "$T/k" "$T/listings.csv" & pid=$!
# Wait until the transaction has written a good part of the file, then kill it.
loading() {
	if [ -n "$ON_PG" ]; then
		# a server shows the load's COPY (the file goes in several, in one transaction)
		[ "$(sqlite3 "$T/k" "select count(*) from pg_stat_progress_copy
			where datname = current_database()")" -gt 0 ]
	else
		# The bulk load runs under a rollback journal (WAL if that could not be had).
		[ -s "$T/k-journal" ] || [ "$(stat -c %s "$T/k-wal" 2>/dev/null || echo 0)" -gt 4000000 ]
	fi
}
for i in $(seq 1 400); do
	if loading; then
		sleep 0.3
		break
	fi
	kill -0 $pid 2>/dev/null || break
	sleep 0.02
done
if kill -9 $pid 2>/dev/null; then
	wait $pid 2>/dev/null
	same "kill -9 mid-file leaves the store as it was" "0 1 0" \
		"$(Q "$T/k" "select (select count(*) from listings)||' '||(select count(*) from sources)||' '||(select count(*) from rejects)" | tail -1)"
	sqlite_only "integrity_check is SQLite's" expect "the store is intact" sh -c "test \"\$('$CASEKIT' query -d '$T/k' 'pragma integrity_check' | tail -1)\" = ok"
else
	wait $pid
	fail "kill -9 mid-file leaves the store as it was" "the ingest finished before it could be killed"
fi
check_exit 0 "a rerun after the kill loads the file" ingest -d "$T/k" "$T/listings.csv"
# Bytes 18 and 19 of an SQLite header are 2 in WAL mode: the load's rollback journal is gone.
sqlite_only "the SQLite file's header" expect "the store is back in WAL mode" test "$(od -An -tu1 -j18 -N2 "$T/k" | tr -s ' ')" = " 2 2"
same "once, with no duplicates" "300000 300000 2" \
	"$(Q "$T/k" "select (select count(*) from listings)||' '||(select count(distinct listing_id) from listings)||' '||(select count(*) from sources)" | tail -1)"

# Profiles: the shipped febrl profile, and one of the user's own.
ck init -q "$T/f"
check_exit 0 "the febrl profile loads FEBRL records as sellers" ingest -d "$T/f" -p febrl "$DATA/febrl/febrl-sample.csv"
same "every record lands" "16" "$(Q "$T/f" "select count(*) from sellers" | tail -1)"
same "columns are joined, an empty one with its separator left out" "trevorrow|maltby circuit, coaling, coolaroo nsw 3465" \
	"$(Q "$T/f" "select (select owner_name from sellers where seller_id='rec-6-org')||'|'||(select address from sellers where seller_id='rec-10-dup-0')" | tail -1)"
same "constants and attributes" 'febrl {"date_of_birth":"19150612"}' \
	"$(Q "$T/f" "select platform||' '||attrs from sellers where seller_id='rec-10-org'" | tail -1)"
same "soc_sec_id is an extra identifier kind" "rec-10-dup-0 rec-10-org" \
	"$(Q "$T/f" "select group_concat(holder_id, ' ') from (select holder_id from identifiers where kind='soc_sec_id' and value='9004242' order by 1)" | tail -1)"
cat >"$T/shop.profile" <<'PROF'
# a platform that names things its own way
profile shop
currency EUR
date-format %d/%m/%Y
[listings]
files items*.csv
listing_id = item
seller_id = shop
title = {name} ({colour})
price = preis
created_at = listed
status = "active"
date created_at %d.%m.%Y %H:%M
PROF
printf 'seller_id\nS1\n' >"$T/sellers.csv"
printf 'item;shop;name;colour;preis;listed\nI1;S1;Bag;red;12,5;01.02.2025 10:30\nI2;S1;Belt;;19.90;02.02.2025 11:00\n' >"$T/items-2025.csv"
ck ingest -q -d "$T/f" "$T/sellers.csv"
check_exit 0 "a profile of one's own maps files and columns" ingest -d "$T/f" -p "$T/shop.profile" "$T/items-2025.csv"
same "renames, joins, constants, dates and the default currency" "I2|S1|Belt|1990|EUR|2025-02-02T11:00:00Z|active" \
	"$(Q "$T/f" "select listing_id||'|'||seller_id||'|'||title||'|'||price||'|'||currency||'|'||created_at||'|'||status from listings where listing_id='I2'" | tail -1)"
grep -q "items-2025.csv:2: bad number '12,5' in price" "$T/err" && pass "a decimal comma is rejected, not guessed" || fail "a decimal comma is rejected, not guessed" "$(cat "$T/err")"
printf '[listings]\nseller_id shop\n' >"$T/bad.profile"
check_exit 78 "a broken profile exits 78" ingest -d "$T/f" -p "$T/bad.profile" "$T/items-2025.csv"
check_grep "and names its file and line" "bad.profile:2: " ingest -d "$T/f" -p "$T/bad.profile" "$T/items-2025.csv"
check_exit 66 "a missing profile exits 66" ingest -d "$T/f" -p nosuch "$T/items-2025.csv"
# A profile handed to the analyst may be anything: a huge file or a device is refused, not read.
{ echo "profile big"; head -c 1100000 /dev/zero | tr '\0' '#'; echo; } >"$T/big.profile"
check_exit 78 "a profile over 1 MiB exits 78" ingest -n -d "$T/f" -p "$T/big.profile" "$T/items-2025.csv"
check_grep "and says why" "profile '.*big.profile' is bigger than 1 MiB" ingest -n -d "$T/f" -p "$T/big.profile" "$T/items-2025.csv"
check_exit 78 "so is an endless one (/dev/zero)" ingest -n -d "$T/f" -p /dev/zero "$T/items-2025.csv"
# Profiles are checked like code: every mistake names the profile's line, exit 78, no row read.
{ sed 's/^title = .*/title = {nosuch}/' "$T/shop.profile" && printf '[sellers]\nfiles sellers*.csv\n'; } >"$T/gone.profile"
printf 'seller_id\nS9\n' >"$T/sellers2.csv"
check_exit 78 "a profile naming a column the file lacks exits 78" ingest -d "$T/f" -p "$T/gone.profile" -k listings "$T/items-2025.csv"
check_grep "and names the profile's line, the column and the file" "gone.profile:9: no column 'nosuch' in '.*items-2025.csv' .the profile maps it to listings.title" \
	ingest -d "$T/f" -p "$T/gone.profile" "$T/sellers2.csv" "$T/items-2025.csv"
same "before any file of the run is loaded" "0" "$(Q "$T/f" "select count(*) from sellers where seller_id='S9'" | tail -1)"
bad_profile() { # DESC LINE MESSAGE PROFILE-TEXT
	printf '%b' "$4" >"$T/p.profile"
	check_exit 78 "$1 exits 78" ingest -d "$T/f" -p "$T/p.profile" -k sellers "$T/sellers2.csv"
	expect "and says so at line $2" grep -q "p.profile:$2: $3" "$T/err"
}
bad_profile "a misspelt field" 3 "'adress' is not a field of sellers: did you mean 'address'?" \
	'profile x\n[sellers]\nadress = seller_city\n'
bad_profile "a country that is not ISO 3166-1" 2 "'Brazil' is not an ISO 3166-1 alpha-2 country code" \
	'profile x\ncountry Brazil\n'
bad_profile "a currency that is not ISO 4217" 1 "'BRLX' is not an ISO 4217 currency code" 'currency BRLX\n'
bad_profile "a three-letter currency ISO 4217 lacks" 1 "'BRX' is not an ISO 4217 currency code" 'currency BRX\n'
bad_profile "an unknown kind" 2 "'seller' is not a kind" '\n[seller]\n'
bad_profile "a malformed template" 2 "'{' without a column name and '}'" '[sellers]\naddress = {street\n'
bad_profile "a date for a field the kind lacks" 2 "'opened' is not a field of sellers" '[sellers]\ndate opened %d/%m/%Y\n'
bad_profile "an ident line on a kind with no account" 2 "listings rows hold no account" '[listings]\nident x = y\n'
bad_profile "an encoding ICU does not know" 1 "'latin-9x' is not an encoding ICU knows" 'encoding latin-9x\n'
printf 'country br\ncurrency brl\n[sellers]\nfiles s*.csv\n' >"$T/ok.profile"
check_exit 0 "ISO codes in either case are accepted" ingest -n -d "$T/f" -p "$T/ok.profile" -k sellers "$T/sellers2.csv"
# A brand has a reference price per category and currency: both survive.
printf 'brand,aliases,category,reference_price,currency,rights_holder\nGucci,,bags,18500.00,CNY,G\nGucci,,bags,2605.00,USD,G\n' >"$T/brands.csv"
ck init -q "$T/brands.db"
ck ingest -q -d "$T/brands.db" "$T/brands.csv"
check_out "reference prices per currency are all kept" "$(printf 'currency\treference_price\nCNY\t1850000\nUSD\t260500')" \
	query -d "$T/brands.db" "select currency, reference_price from brands order by currency"
# Writers wait their turn: two ingests at once both finish; a lock held too long gives 75.
ck synth -q -o "$T/w1" --sellers 1500 -s 3
ck synth -q -o "$T/w2" --sellers 1500 -s 4
rm -f "$T/w2/brands.csv"
ck init -q "$T/two.db"
"$CASEKIT" ingest -q -d "$T/two.db" "$T/w1" 2>"$T/w1.err" & p1=$!
"$CASEKIT" ingest -q -d "$T/two.db" "$T/w2" 2>"$T/w2.err" & p2=$!
r1=0; wait $p1 || r1=$?
r2=0; wait $p2 || r2=$?
expect "two ingests at once both finish" test "$r1.$r2" = "0.0"
expect "every file of both landed" sh -c "[ \"\$(sqlite3 '$T/two.db' 'select count(*) from sources')\" -ge 18 ]"
if [ -n "$ON_PG" ] || command -v python3 >/dev/null; then
	if [ -n "$ON_PG" ]; then
		# a server store's writers take casekit's advisory lock (casekit-store(5))
		printf 'select pg_advisory_lock(1131112820);\n\\! touch %s\nselect pg_sleep(4);\n' \
			"$T/locked" | "$PGMAP_PSQL" -X -q -d "$(pgmap_uri "$T/two.db")" >/dev/null & plock=$!
	else
		python3 -c 'import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute("begin exclusive"); open(sys.argv[2], "w").close(); time.sleep(4)' "$T/two.db" "$T/locked" & plock=$!
	fi
	while ! [ -e "$T/locked" ]; do sleep 0.05; done
	rc=0; CASEKIT_BUSY_TIMEOUT=1 "$CASEKIT" ingest -q -d "$T/two.db" "$T/brands.csv" >"$T/out" 2>"$T/err" || rc=$?
	expect "a lock held past CASEKIT_BUSY_TIMEOUT exits 75" test "$rc" = 75
	expect "and says the store is busy" grep -q "is busy: another casekit kept it locked for 1s" "$T/err"
	expect "and says it once" test "$(grep -c "is busy" "$T/err")" = 1
	wait $plock
fi
# Indexes are built by every ingest, even one that loads nothing new.
sqlite3 "$T/two.db" "drop index listings_seller; drop index identifiers_kind_value"
ck ingest -q -d "$T/two.db" "$T/w1"
expect "a rerun that loads nothing still builds the indexes" sh -c "[ \"\$(sqlite3 '$T/two.db' \"select count(*) from sqlite_master where type = 'index' and name in ('listings_seller', 'identifiers_kind_value')\")\" = 2 ]"
# National phone numbers are read in a country: --country, else the profile's, else the store's.
mkdir -p "$T/cn"
printf 'seller_id,phone\nS1,178-6665-8722\nS2,(+86)17866658722\nS3,0086 178 6665 8722\n' >"$T/cn/sellers.csv"
phones() { Q "$1" "select value from identifiers where kind='phone' order by holder_id" | tail -n +2 | paste -sd' '; }
ck init -q "$T/cn0.db"
ck ingest -q -d "$T/cn0.db" "$T/cn/sellers.csv"
same "without a country a national number stays local" "local:17866658722 +8617866658722 +8617866658722" "$(phones "$T/cn0.db")"
ck init -q "$T/cn1.db"
ck ingest -q -d "$T/cn1.db" --country cn "$T/cn/sellers.csv"
same "--country CN gives every spelling one key" "+8617866658722 +8617866658722 +8617866658722" "$(phones "$T/cn1.db")"
check_exit 0 "init --country sets the store's country" init -q --country CN "$T/cn2.db"
same "and keeps it in meta" "CN" "$(Q "$T/cn2.db" "select value from meta where key='country'" | tail -1)"
ck ingest -q -d "$T/cn2.db" "$T/cn/sellers.csv"
same "the store's country reads national numbers" "+8617866658722 +8617866658722 +8617866658722" "$(phones "$T/cn2.db")"
printf 'profile hk\ncountry HK\n[sellers]\nfiles sellers.csv\n' >"$T/hk.profile"
printf 'seller_id,phone,country\nS1,5123 4567,\nS2,07911 123456,GB\n' >"$T/hk.csv"
ck init -q --country CN "$T/cn3.db"
ck ingest -q -d "$T/cn3.db" -p "$T/hk.profile" -k sellers "$T/hk.csv"
same "a profile's country wins over the store's, a row's over both" "+85251234567 +447911123456" "$(phones "$T/cn3.db")"
check_exit 64 "--country takes ISO 3166-1 codes only" ingest -d "$T/cn0.db" --country Brazil "$T/cn/sellers.csv"
check_exit 64 "init --country too" init --country XX "$T/cn4.db"
expect "and makes no store" no_store "$T/cn4.db"
# Identifier quality is said at the end of every ingest, with the fix for national numbers.
printf 'seller_id,phone,email\nS1,178-6665-8722,a@x.cn\nS2,(+86)17866658722,junk\nS3,178 6665 8723,\nS4,17866658724,\n' >"$T/cn/q.csv"
ck init -q "$T/q0.db"
check_exit 0 "a file with national numbers loads" ingest -d "$T/q0.db" -k sellers "$T/cn/q.csv"
expect "ingest says what became of each identifier kind" grep -q "identifiers: phone: 4 keys from 4 values, 3 national without country, 0 null or private, 0 hub candidates, 0 unparsed" "$T/err"
expect "and counts values that gave no key" grep -q "identifiers: email: 1 keys from 2 values, 0 null or private, 0 hub candidates, 1 unparsed" "$T/err"
expect "a large share of national numbers warns and names --country" grep -q "3 of 4 phone numbers are national with no country: they match only each other; name it with --country CC or a profile's country line" "$T/err"
ck init -q "$T/q1.db"
check_exit 0 "with --country CN" ingest -d "$T/q1.db" --country CN -k sellers "$T/cn/q.csv"
expect "no number is national" grep -q "identifiers: phone: 4 keys from 4 values, 0 national without country" "$T/err"
expect "and nothing warns" sh -c "! grep -q 'name it with --country' '$T/err'"
for i in $(seq 1 60); do echo "H$i,+8613800000000,"; done | sed '1i seller_id,phone,email' >"$T/cn/hub.csv"
ck init -q "$T/q2.db"
ck ingest -d "$T/q2.db" -k sellers "$T/cn/hub.csv" 2>"$T/err" >/dev/null
expect "a phone held by more accounts than link's cap is a hub candidate" grep -q "identifiers: phone: 60 keys from 60 values, 0 national without country, 0 null or private, 1 hub candidates" "$T/err"
# A small file counted against a big store: its few values, some of them hubs only with the
# rows of the files before, are counted as in a store of its own size.
{ echo seller_id,phone,email; for i in $(seq 1 2000); do echo "B$i,+86138$(printf '%08d' "$i"),"; done
	for i in $(seq 1 8); do echo "C$i,+8613900000000,"; done; } >"$T/cn/big.csv"
for i in $(seq 1 52); do echo "D$i,+8613900000000,"; done | sed '1i seller_id,phone,email' >"$T/cn/late.csv"
ck init -q "$T/q3.db"
ck ingest -q -d "$T/q3.db" -k sellers "$T/cn/big.csv"
ck ingest -d "$T/q3.db" -k sellers "$T/cn/late.csv" 2>"$T/err" >/dev/null
expect "a later small file makes a hub of a phone with the rows before it" grep -q "identifiers: phone: 52 keys from 52 values, 0 national without country, 0 null or private, 1 hub candidates" "$T/err"
"$CASEKIT" stats -d "$T/q3.db" -f tsv >"$T/kept" 2>&1
"$CASEKIT" stats -d "$T/q3.db" -f tsv --recount >"$T/recount" 2>&1
expect "and stats counts it as a recount does" diff "$T/recount" "$T/kept"
expect "one hub candidate in all" grep -q "identifiers.phone.hub_candidates	1$" "$T/kept"
# A later file too big to seek its values one by one is counted in a pass over the index,
# kind by kind for the kinds it recorded: its phones make a hub with the rows before it.
for i in $(seq 1 100); do echo "E$i,+8613900000000,e$i@x.cn"; done | sed '1i seller_id,phone,email' >"$T/cn/late2.csv"
ck init -q "$T/q4.db"
ck ingest -q -d "$T/q4.db" -k sellers "$T/cn/big.csv"
ck ingest -d "$T/q4.db" -k sellers "$T/cn/late2.csv" 2>"$T/err" >/dev/null
expect "a later big file makes a hub of a phone with the rows before it" grep -q "identifiers: phone: 100 keys from 100 values, 0 national without country, 0 null or private, 1 hub candidates" "$T/err"
expect "and none of its own emails" grep -q "identifiers: email: 100 keys from 100 values, 0 null or private, 0 hub candidates" "$T/err"
"$CASEKIT" stats -d "$T/q4.db" -f tsv >"$T/kept" 2>&1
"$CASEKIT" stats -d "$T/q4.db" -f tsv --recount >"$T/recount" 2>&1
expect "and stats counts it as a recount does" diff "$T/recount" "$T/kept"
# The hub candidates of a run are counted once, at its end, over every file it loaded.
ck init -q "$T/q5.db"
ck ingest -d "$T/q5.db" -k sellers "$T/cn/big.csv" "$T/cn/late2.csv" 2>"$T/err" >/dev/null
expect "two files in one run make a hub of a phone together" grep -q "identifiers: phone: 2,108 keys from 2,108 values, 0 national without country, 0 null or private, 1 hub candidates" "$T/err"
same "and leave nothing to count" "0" "$(Q "$T/q5.db" "select count(*) from meta where key = 'hubs_pending'" | tail -1)"
"$CASEKIT" stats -d "$T/q5.db" -f tsv >"$T/kept" 2>&1
"$CASEKIT" stats -d "$T/q5.db" -f tsv --recount >"$T/recount" 2>&1
expect "and stats counts them as a recount does" diff "$T/recount" "$T/kept"
# A run stopped between its files leaves meta's hubs_pending and ident_hubs short of the
# hubs of the files it committed: stats counts them itself; the next ingest counts them.
sqlite3 "$T/q5.db" "insert into meta values('hubs_pending', '0'); delete from ident_hubs"
"$CASEKIT" stats -d "$T/q5.db" -f tsv >"$T/kept" 2>&1
expect "stats counts the hubs a stopped ingest left" diff "$T/recount" "$T/kept"
ck ingest -q -d "$T/q5.db" -k sellers "$T/cn/big.csv"
same "the next ingest counts them, though it loads nothing" "1" "$(Q "$T/q5.db" "select count(*) from ident_hubs" | tail -1)"
same "and takes the mark away" "0" "$(Q "$T/q5.db" "select count(*) from meta where key = 'hubs_pending'" | tail -1)"
"$CASEKIT" stats -d "$T/q5.db" -f tsv >"$T/kept" 2>&1
expect "and stats reads them again" diff "$T/recount" "$T/kept"
sqlite3 "$T/q5.db" "insert into meta values('hubs_pending', '0'); delete from ident_hubs"
printf 'seller_id,phone,email\nF1,+8613700000001,\n' >"$T/cn/late3.csv"
ck ingest -q -d "$T/q5.db" -k sellers "$T/cn/late3.csv"
same "a run with identifiers of its own counts from the earlier mark too" "1" "$(Q "$T/q5.db" "select count(*) from ident_hubs" | tail -1)"
sqlite3 "$T/q5.db" "insert or replace into meta values('hubs_pending', 'x'); delete from ident_hubs"
ck ingest -q -d "$T/q5.db" -k sellers "$T/cn/late3.csv"
same "a mark that is no number counts every identifier" "1" "$(Q "$T/q5.db" "select count(*) from ident_hubs" | tail -1)"
same "and goes" "0" "$(Q "$T/q5.db" "select count(*) from meta where key = 'hubs_pending'" | tail -1)"
# A file whose every row is rejected is not loaded and exits 65; a dry run prints its report.
ck init -q "$T/rj.db"
printf 'seller_id,shop_name\nS1,a\n' >"$T/rj-sellers.csv"
ck ingest -q -d "$T/rj.db" -k sellers "$T/rj-sellers.csv"
{ echo "listing_id,seller_id,price,currency"; for i in $(seq 1 30); do echo "L$i,S9,1.00,USD"; done; echo "L99,S1,x,USD"; } >"$T/rj-listings.csv"
check_exit 65 "a file whose every row is rejected exits 65 without --strict" ingest -d "$T/rj.db" -k listings "$T/rj-listings.csv"
expect "and says nothing was loaded" grep -q "all 31 rows rejected: nothing loaded" "$T/err"
expect "never that the rest were loaded" sh -c "! grep -q 'the rest were loaded' '$T/err'"
same "and its source is not kept (a fixed file can be loaded)" "0" "$(Q "$T/rj.db" "select count(*) from sources where kind='listings'" | tail -1)"
check_exit 65 "a dry run of it exits 65 too" ingest -n -d "$T/rj.db" -k listings "$T/rj-listings.csv"
expect "and prints its rejects by reason" grep -q "^casekit ingest:   30  seller_id '...' is not in the store" "$T/err"
expect "instead of pointing at a query that returns nothing" sh -c "! grep -q 'casekit query' '$T/err'"
check_exit 0 "a dry run reads a file loaded before" ingest -n -d "$T/rj.db" -k sellers "$T/rj-sellers.csv"
expect "and checks it, saying a load would skip it" grep -q "already ingested as source 1 .*a load would skip it; checked anyway" "$T/err"
expect "with its figures" grep -q "rj-sellers.csv' (sellers): 1 row read, 1 kept, 0 rejected" "$T/err"
# --replace loads a file again through a fixed profile; both loads stay in sources.
ck init -q "$T/rp.db"
printf 'seller_id,shop_name,seller_city,tel\nS1,a,Rua A 1,138 0013 8000\nS2,b,Rua B 2,139 0013 8000\n' >"$T/rp.csv"
printf 'profile shops\n[sellers]\nphone = tel\n' >"$T/rp1.profile"
ck ingest -q -d "$T/rp.db" -p "$T/rp1.profile" -k sellers "$T/rp.csv"
check_exit 0 "the same file again is skipped" ingest -d "$T/rp.db" -p "$T/rp1.profile" -k sellers "$T/rp.csv"
expect "saying --replace loads it again" grep -q "skipped (--replace loads it again)" "$T/err"
printf 'profile shops\ncountry CN\n[sellers]\nphone = tel\naddress = seller_city\n' >"$T/rp2.profile"
check_exit 0 "--replace loads it again through the fixed profile" ingest -d "$T/rp.db" -p "$T/rp2.profile" --replace -k sellers "$T/rp.csv"
r2=$(Q "$T/rp.db" "select max(source_id) from sources" | tail -1)
same "its rows come from the new load" "S1|Rua A 1|$r2 S2|Rua B 2|$r2" \
	"$(Q "$T/rp.db" "select seller_id||'|'||address||'|'||source_id from sellers order by 1" | tail -n +2 | paste -sd' ')"
same "with the new identifiers only" "+8613800138000 +8613900138000" \
	"$(Q "$T/rp.db" "select value from identifiers where kind='phone' order by 1" | tail -n +2 | paste -sd' ')"
same "both loads stay in sources, the first naming the second" "1|$r2 $r2|" \
	"$(Q "$T/rp.db" "select source_id||'|'||coalesce(replaced_by||'','') from sources order by 1" | tail -n +2 | paste -sd' ')"
printf 'seller_id,shop_name,seller_city,tel\nS1,a,Rua A 1,138 0013 8000\n' >"$T/rp.csv"
check_exit 0 "--replace by name: a file with a record less" ingest -d "$T/rp.db" -p "$T/rp2.profile" --replace -k sellers "$T/rp.csv"
same "the record it no longer has goes, with its identifiers" "S1 0" \
	"$(Q "$T/rp.db" "select group_concat(seller_id), (select count(*) from identifiers where holder_id='S2') from sellers" | tail -1 | tr '\t' ' ')"
expect "and ingest says so" grep -q "replaces source $r2; 1 of its rows that this load did not bring again were removed" "$T/err"
# Lookups: a value mapped through a two-column file, a field taken from another file by key.
mkdir -p "$T/olist"
printf 'product_category_name,product_category_name_english\nbeleza_saude,health_beauty\n' >"$T/olist/cats.csv"
printf 'order_id,product_id,seller_id\nO1,P1,S1\nO2,P2,S2\nO3,P1,S9\n' >"$T/olist/items.csv"
printf 'product_id,product_category_name\nP1,beleza_saude\nP2,brinquedos\n' >"$T/olist/products.csv"
cat >"$T/olist/olist.profile" <<'PROF'
profile olist
[listings]
files products.csv
listing_id = product_id
category = lookup(cats.csv, product_category_name, product_category_name_english, {product_category_name})
seller_id = lookup(items.csv, product_id, seller_id, product_id)
PROF
ck init -q "$T/lk.db"
printf 'seller_id\nS1\nS2\n' >"$T/olist/sellers.csv"
ck ingest -q -d "$T/lk.db" "$T/olist/sellers.csv"
check_exit 0 "a profile with lookups loads" ingest -d "$T/lk.db" -p "$T/olist/olist.profile" "$T/olist/products.csv"
same "a category is translated, one the table lacks is kept; the seller comes from another file (first row of a key)" \
	"P1|S1|health_beauty P2|S2|brinquedos" \
	"$(Q "$T/lk.db" "select listing_id||'|'||seller_id||'|'||category from listings order by 1" | tail -n +2 | paste -sd' ')"
sed 's/product_category_name_english,/english,/' "$T/olist/olist.profile" >"$T/olist/bad.profile"
check_exit 78 "a lookup column the file lacks exits 78" ingest -d "$T/lk.db" -p "$T/olist/bad.profile" "$T/olist/products.csv"
expect "naming the profile's line" grep -q "bad.profile:5: lookup file '.*cats.csv' has no column 'english'" "$T/err"
# A lookup file sits beside the profile: a crafted profile cannot read other files into a
# police package, nor hang ingest on a device or a FIFO.
printf 'product_category_name,product_category_name_english\nbeleza_saude,secret\n' >"$T/secret.csv"
mkfifo "$T/olist/fifo.csv"
for f in "$T/secret.csv" ../secret.csv /dev/zero fifo.csv; do
	sed "s|cats.csv|$f|" "$T/olist/olist.profile" >"$T/olist/far.profile"
	rc=0
	timeout 10 "$CASEKIT" ingest -d "$T/lk.db" -p "$T/olist/far.profile" "$T/olist/products.csv" 2>"$T/err" || rc=$?
	[ $rc = 78 ] && pass "a lookup file '$f' is refused" || fail "a lookup file '$f' is refused" "exit $rc: $(cat "$T/err")"
done
# Worker threads convert batches of rows (1024 a batch) while one thread writes: with rejects
# scattered through files of many batches, every row is kept or reported, in line order.
ck synth -q -o "$T/thr" --sellers 4000 -s 11
awk 'NR == 1 { print; next } NR % 397 == 0 { print $0 ",extra"; next }
	NR % 211 == 0 { printf "%s\xff\n", $0; next } { print }' "$T/thr/sellers.csv" >"$T/thr-sellers.csv"
listings_of() {
	awk 'BEGIN { print "listing_id,seller_id,title,price,currency,created_at" }
	{ id[NR] = $1 } END { for (i = 1; i <= 30000; i++) {
		l = i + 1; s = id[(i * 7) % NR + 1]; d = "2025-03-04T05:06:07Z"
		if (l % 293 == 0) s = "S-GONE"
		if (l % 389 == 0) d = "2025-02-30"
		if (l % 577 == 0) { printf "L%d,%s,\"a title, quoted\",9.99,CNY,%s,surplus\n", i, s, d; continue }
		printf "L%d,%s,\"title %d\",%d.50,CNY,%s\n", i, s, i, i % 500, d } }'
}
# want FILE MODS...: the line numbers of FILE divisible by one of MODS, in order
want_lines() {
	local f=$1; shift
	awk -v m="$*" 'BEGIN { n = split(m, M, " ") } NR > 1 { for (i = 1; i <= n; i++) if (NR % M[i] == 0) { print NR; break } }' "$f"
}
ck init -q "$T/thr.db"
run ingest -d "$T/thr.db" --reject-file "$T/thr-rej.csv" "$T/thr-sellers.csv" -k sellers
rej_s=$(want_lines "$T/thr-sellers.csv" 397 211 | wc -l)
n_s=$(( $(wc -l <"$T/thr-sellers.csv") - 1 ))
grep -q ": $n_s rows read, $((n_s - rej_s)) kept, $rej_s rejected" "$T/err" &&
	pass "threaded: sellers read = kept + rejected" || fail "threaded: sellers read = kept + rejected" "$(head -3 "$T/err")"
same "threaded: the sellers rejected are the bad lines, in line order" "$(want_lines "$T/thr-sellers.csv" 397 211)" \
	"$(Q "$T/thr.db" "select line from rejects order by rowid" | tail -n +2)"
same "threaded: the sellers kept are in line order" \
	"$(awk 'NR > 1 && NR % 397 && NR % 211 { print NR }' "$T/thr-sellers.csv")" \
	"$(Q "$T/thr.db" "select line from sellers order by rowid" | tail -n +2)"
same "threaded: identifiers are recorded in line order" "0" \
	"$(Q "$T/thr.db" "select count(*) from identifiers a join identifiers b on b.ident_id = a.ident_id + 1 where b.line < a.line" | tail -1)"
same "threaded: the first rejects name file:line in order" \
	"$(want_lines "$T/thr-sellers.csv" 397 211 | head -5 | sed "s|^|casekit ingest: $T/thr-sellers.csv:|")" \
	"$(grep -o "^casekit ingest: $T/thr-sellers.csv:[0-9]*" "$T/err")"
Q "$T/thr.db" "select seller_id from sellers" | tail -n +2 | listings_of >"$T/thr-listings.csv"
run ingest -d "$T/thr.db" --reject-file "$T/thr-rej.csv" "$T/thr-listings.csv" -k listings
rej_l=$(want_lines "$T/thr-listings.csv" 293 389 577 | wc -l)
grep -q ": 30000 rows read, $((30000 - rej_l)) kept, $rej_l rejected" "$T/err" &&
	pass "threaded: listings read = kept + rejected" || fail "threaded: listings read = kept + rejected" "$(head -3 "$T/err")"
same "threaded: the listings rejected are the bad lines, in line order" \
	"$(want_lines "$T/thr-listings.csv" 293 389 577)" \
	"$(tail -n +2 "$T/thr-rej.csv" | cut -d, -f2)"
same "threaded: each reject has the reason of its first bad field" "$rej_l" \
	"$(tail -n +2 "$T/thr-rej.csv" | awk -F, '($2 % 293 == 0 && /S-GONE. is not in the store/) ||
		($2 % 293 && $2 % 389 == 0 && /bad date/) || ($2 % 293 && $2 % 389 && /wrong field count/)' | wc -l)"
same "threaded: the listings kept are in line order" \
	"$(awk 'NR > 1 && NR % 293 && NR % 389 && NR % 577 { print NR }' "$T/thr-listings.csv")" \
	"$(Q "$T/thr.db" "select line from listings order by rowid" | tail -n +2)"
# The known sellers are kept by hash with each id's length before it: ids of every length, some
# longer than a one-byte length (127) holds, are found, and one a byte off is not.
mkdir "$T/long"
awk 'BEGIN { print "seller_id,shop_name"
	for (n = 1; n <= 300; n += 7) { id = ""; for (i = 0; i < n; i++) id = id "s"; printf "%sQ,shop %d\n", id, n } }' \
	>"$T/long/sellers.csv"
awk 'BEGIN { print "listing_id,seller_id,title"
	for (n = 1; n <= 300; n += 7) { id = ""; for (i = 0; i < n; i++) id = id "s"
		printf "L%d,%sQ,kept\nM%d,%sR,gone\nN%d,%s,gone\n", n, id, n, id, n, id } }' \
	>"$T/long/listings.csv"
ck init -q "$T/long.db"
run ingest -d "$T/long.db" "$T/long"
same "long seller ids: every listing of a seller is kept, no other" "43 kept" \
	"$(Q "$T/long.db" "select count(*)||' '||min(title) from listings where seller_id in (select seller_id from sellers)" | tail -1)"
same "long seller ids: the listings of ids a byte off are rejected" "86 0" \
	"$(Q "$T/long.db" "select count(*), (select count(*) from listings where title='gone') from rejects where reason like 'seller_id%not in the store'" | tail -1 | tr '\t' ' ')"
# A file that brings more identifiers than the store holds has the identifier indexes built
# again after its rows, in its transaction: they are all there, whole, with every row. Its
# identifiers are more than one of the index builds' sort runs holds: the runs are merged.
ck init -q "$T/idx.db"
run ingest -d "$T/idx.db" "$T/thr/sellers.csv"
run ingest -d "$T/idx.db" "$T/thr/logins.csv"
idxq="select name from sqlite_master where type='index' and tbl_name='identifiers' order by 1"
[ -z "$ON_PG" ] || idxq="select indexname from pg_indexes where tablename = 'identifiers'
	and indexname not like '%_pkey' order by 1"
same "a big identifier file: the identifier indexes are there again" \
	"identifiers_holder identifiers_kind_value" \
	"$(Q "$T/idx.db" "$idxq" | tail -n +2 | paste -sd' ')"
sqlite_only_begin "integrity_check and INDEXED BY are SQLite's"
same "a big identifier file: the indexes hold every identifier" "ok" \
	"$(Q "$T/idx.db" "pragma integrity_check" | tail -1)"
same "a big identifier file: its identifiers are found through the index" \
	"$(Q "$T/idx.db" "select count(*) from identifiers not indexed where kind='ip'" | tail -1)" \
	"$(Q "$T/idx.db" "select count(*) from identifiers indexed by identifiers_kind_value where kind='ip'" | tail -1)"
sqlite_only_end
# The sorted pass over a file's references (CASEKIT_REF_PASS): orders in time order name
# listings all over a big store; read once more and looked up in key order, they must load,
# and be rejected, exactly as looked up one at a time. Listings outnumber the file's bytes/16,
# so they are not read into the known set beforehand and each reference needs the store.
mkdir "$T/rp"
awk 'BEGIN { print "seller_id,platform,shop_name"
	for (i = 1; i <= 300; i++) printf "S%d,shop,Shop %d\n", i, i }' >"$T/rp/sellers.csv"
awk 'BEGIN { print "listing_id,seller_id,title,price,currency"
	for (i = 1; i <= 20000; i++) printf "L%05d,S%d,bag %d,10.00,USD\n", i, i % 300 + 1, i }' \
	>"$T/rp/listings.csv"
# 1,000 orders over 400 listings in a scrambled order; one in ten names the same listing the
# store lacks, one a seller it lacks, one another listing it lacks and a bad quantity, one a
# bad currency (checked before any reference)
awk 'BEGIN { print "order_id,listing_id,seller_id,buyer_id,quantity,amount,currency,ordered_at"
	x = 7
	for (i = 1; i <= 1000; i++) {
		x = (x * 1103515245 + 12345) % 2147483648
		l = sprintf("L%05d", int(x / 65536) % 400 * 50 + 1); s = "S" (x % 300 + 1)
		q = 1; c = "USD"
		if (i % 10 == 5) l = "L99999"
		if (i == 300) s = "S999"
		if (i == 500) { l = "L88888"; q = "x" }
		if (i == 700) c = "US$"
		printf "O%d,%s,%s,B%d,%s,10.00,%s,2025-06-05T12:00:00Z\n", i, l, s, i, q, c
	} }' >"$T/rp/orders.csv"
gzip -c "$T/rp/orders.csv" >"$T/rp/orders.csv.gz"
for m in never 0 250 0.gz; do
	gz=; [ "${m%.gz}" = "$m" ] || gz=.gz
	ck init -q "$T/rp-$m.db"
	ck ingest -q -d "$T/rp-$m.db" "$T/rp/sellers.csv" "$T/rp/listings.csv"
	CASEKIT_REF_PASS=${m%.gz} CASEKIT_SQL_PROFILE=1 "$CASEKIT" ingest -d "$T/rp-$m.db" \
		--reject-file "$T/rp/rej-$m.csv" "$T/rp/orders.csv$gz" >"$T/rp/out-$m" 2>"$T/rp/err-$m"
	Q "$T/rp-$m.db" "select * from orders order by rowid" >"$T/rp/orders-$m"
	Q "$T/rp-$m.db" "select line, reason, raw from rejects order by rowid" >"$T/rp/rejects-$m"
	grep -v '^casekit: sql:' "$T/rp/err-$m" >"$T/rp/msg-$m"
done
same "orders checked one at a time: 103 rejects, 897 kept" "103 897" \
	"$(Q "$T/rp-never.db" "select (select count(*) from rejects), (select count(*) from orders)" | tail -1 | tr '\t' ' ')"
same "orders checked one at a time: each missing reference named, in file order" \
	"100 301 seller_id 'S999' is not in the store|501 listing_id 'L88888' is not in the store|701 bad currency 'US$': not an ISO 4217 code" \
	"$(grep -c "listing_id 'L99999' is not in the store" "$T/rp/rejects-never") $(tail -n +2 "$T/rp/rejects-never" | cut -f1,2 | grep -v L99999 | tr '\t' ' ' | paste -sd'|')"
for m in 0 250; do
	what="the sorted pass from row $m"
	expect "$what: the same orders as one at a time" cmp "$T/rp/orders-never" "$T/rp/orders-$m"
	expect "$what: the same rejects, in the same order" cmp "$T/rp/rejects-never" "$T/rp/rejects-$m"
	expect "$what: the same reject file" cmp "$T/rp/rej-never.csv" "$T/rp/rej-$m.csv"
	expect "$what: the same messages" cmp "$T/rp/msg-never" "$T/rp/msg-$m"
done
expect "the sorted pass reads a gzip file again: the same orders" cmp "$T/rp/orders-never" "$T/rp/orders-0.gz"
expect "the sorted pass reads a gzip file again: the same rejects" cmp "$T/rp/rejects-never" "$T/rp/rejects-0.gz"
# A file that breaks is told once, by the load, whether or not the pass read it first.
head -c 3000 "$T/rp/orders.csv.gz" >"$T/rp/cut.csv.gz"
for m in never 0; do
	CASEKIT_REF_PASS=$m "$CASEKIT" ingest -d "$T/rp-never.db" -k orders "$T/rp/cut.csv.gz" \
		>/dev/null 2>"$T/rp/cut-$m" && echo 0 >>"$T/rp/cut-$m" || echo "exit $?" >>"$T/rp/cut-$m"
done
same "a broken file with the sorted pass: one message, exit 65" \
	"casekit ingest: '$T/rp/cut.csv.gz': truncated gzip stream (the file ends inside compressed data)|exit 65" \
	"$(paste -sd'|' "$T/rp/cut-0")"
expect "a broken file: the same message and exit with and without the pass" cmp "$T/rp/cut-never" "$T/rp/cut-0"
# What the profile shows: one at a time, the store is asked once for each listing it holds
# (353 of them named: the writer keeps what it found) and once for each order naming a
# missing one (101); sorted, once for each listing named (the 353 and the 2 missing).
looks() { awk '/SELECT 1 FROM listings WHERE listing_id/ { print $5 }' "$T/rp/err-$1"; }
sqlite_only "the profile is of SQLite's statements" same \
	"listings asked of the store: one at a time, sorted from the start (plain, gzip)" "454 355 355" "$(looks never) $(looks 0) $(looks 0.gz)"
done_testing
