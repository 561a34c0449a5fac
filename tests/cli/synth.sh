#!/bin/sh
# synth.sh - casekit synth: every kind with its header, determinism, truth that matches the
# files, size that follows --sellers, real gzip
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

rows() { echo $(($(wc -l <"$1") - 1)); }
kinds="sellers listings orders logins payments parties shipments testbuys takedowns brands"

check_grep "--help shows usage" "^usage: casekit synth" synth --help
check_exit 64 "an operand is a usage error" synth -o "$T/x" extra
check_exit 64 "--sellers 0 is a usage error" synth -o "$T/x" --sellers 0
check_exit 64 "a word for --sellers is a usage error" synth -o "$T/x" --sellers many
check_exit 64 "an unknown language is a usage error" synth -o "$T/x" --lang fr
check_exit 64 "a negative seed is a usage error" synth -o "$T/x" --seed -1
check_exit 73 "a folder under a missing parent exits 73" synth -o "$T/no/such/dir"
touch "$T/file"
check_exit 73 "a file in the way exits 73" synth -o "$T/file"

check_exit 0 "300 sellers" synth -q -o "$T/a" --sellers 300 --seed 7
expect "-q is quiet" test ! -s "$T/err"
for k in $kinds; do
	expect "$k.csv is written" test -s "$T/a/$k.csv"
done
expect "truth.json is written" test -s "$T/a/truth.json"
cat >"$T/headers" <<'H'
sellers seller_id,platform,shop_name,owner_name,registered_at,phone,email,address,return_address,status
listings listing_id,seller_id,title,brand,category,price,currency,created_at,status,image_text,url
orders order_id,listing_id,seller_id,buyer_id,quantity,amount,currency,ordered_at,ship_to_address,status
logins seller_id,device_id,ip,user_agent,at
payments seller_id,instrument_type,instrument_id,holder_name,bank,added_at
parties party_id,kind,name,phone,email,address
shipments shipment_id,from_id,from_name,from_address,to_id,to_name,to_address,carrier,tracking_no,goods,quantity,declared_value,currency,shipped_at
testbuys testbuy_id,listing_id,order_id,bought_at,cost,currency,verdict,report_ref
takedowns notice_id,rights_holder,listing_id,received_at,resolved_at,outcome
brands brand,aliases,category,reference_price,currency,rights_holder
H
while read -r k h; do
	expect "$k.csv has the generic header" test "$(head -1 "$T/a/$k.csv")" = "$h"
	expect "$k.csv has rows" test "$(wc -l <"$T/a/$k.csv")" -gt 1
done <"$T/headers"

check_exit 0 "the same seed again" synth -q -o "$T/b" --sellers 300 --seed 7
expect "the same seed gives the same bytes" diff -r "$T/a" "$T/b"
check_exit 0 "another seed" synth -q -o "$T/c" --sellers 300 --seed 8
expect "another seed gives other sellers" sh -c "! cmp -s '$T/a/sellers.csv' '$T/c/sellers.csv'"
expect "and other listings" sh -c "! cmp -s '$T/a/listings.csv' '$T/c/listings.csv'"

if command -v python3 >/dev/null; then
	expect "truth matches the files (seed 7)" python3 "$TOP_SRCDIR/tests/cli/synth_check.py" "$T/a"
	expect "truth matches the files (seed 8)" python3 "$TOP_SRCDIR/tests/cli/synth_check.py" "$T/c"
	run synth -q -o "$T/d" --sellers 2000 --seed 3
	expect "truth matches the files (2000 sellers)" python3 "$TOP_SRCDIR/tests/cli/synth_check.py" "$T/d"
	# The checker must be able to fail: one operation's member loses its shared identifiers.
	python3 - "$T/c" <<'PY'
import json, sys
p = sys.argv[1] + "/truth.json"
t = json.load(open(p, encoding="utf-8"))
op = max(t["operations"], key=lambda o: len(o["sellers"]))
op["sellers"].append("S0000001" if "S0000001" not in op["sellers"] else "S0000002")
t["hubs"][0]["holders"] += 1
json.dump(t, open(p, "w", encoding="utf-8"))
PY
	expect "a doctored truth is caught" sh -c "! python3 '$TOP_SRCDIR/tests/cli/synth_check.py' '$T/c'"
	# casekit's own normalisers, through ingest, reconcile what synth spelled apart.
	if ck init -q --country CN "$T/a.db" && ck ingest -q -d "$T/a.db" "$T/a" 2>"$T/ingest.err"; then
		ok=1
		for k in $kinds; do
			n=$(ck query -d "$T/a.db" -f tsv "select count(*) from $k" | tail -1)
			[ "$n" = "$(rows "$T/a/$k.csv")" ] || { ok=0; echo "$k: $n in the store" >&2; }
		done 2>"$T/count.err"
		expect "ingest keeps every row of every kind" test $ok = 1
		ids=$T/a.db
		if [ -n "$ON_PG" ]; then
			# synth_store.py reads a SQLite file: the server's identifiers, copied into one
			ids=$T/a-ids.sqlite
			ck query -d "$T/a.db" -f csv "select holder_kind, holder_id, kind, value, flags
				from identifiers" >"$T/ids.csv"
			: >"$ids" && sqlite3 "$ids" ".import --csv '$T/ids.csv' identifiers"
		fi
		expect "shared values meet in the store, hubs never link" \
			python3 "$TOP_SRCDIR/tests/cli/synth_store.py" "$T/a" "$ids"
	else
		fail "the dump loads into a store" "$(cat "$T/ingest.err")"
	fi
	# Hard addresses for honest sellers: a district and postcode only, shared by strangers,
	# and one street name in two districts; linking joins none of them.
	ck init -q "$T/d.db" && ck ingest -q -d "$T/d.db" "$T/d" && ck link -q -d "$T/d.db" \
		--members -f tsv >"$T/d.members"
	run query -d "$T/d.db" -f tsv "select count(*), count(distinct value), max(n) from
		(select value, count(distinct holder_id) n from identifiers
		 where kind = 'address_area' group by value)"
	expect "some sellers give a district and postcode only (address_area)" \
		sh -c "tail -1 '$T/out' | awk '{ exit !(\$1 >= 40) }'"
	expect "strangers share one area" sh -c "tail -1 '$T/out' | awk '{ exit !(\$3 >= 2) }'"
	expect "one street, number and flat in two districts" python3 - "$T/d" <<'PY'
import collections, csv, re, sys
seen = collections.defaultdict(set)
for r in csv.DictReader(open(sys.argv[1] + "/sellers.csv", encoding="utf-8")):
    m = re.match(r"(?i)(?:flat|unit) (\w+),? (\d+) (.+?) (?:road|rd\.?|street|st\.?),? (.+?),? (?:hong kong|hk)$",
                 r["address"])
    if m:
        seen[m.group(1).lower(), m.group(2), m.group(3).lower()].add(m.group(4).lower())
sys.exit(0 if sum(len(v) > 1 for v in seen.values()) >= 3 else 1)
PY
	expect "and no honest seller is in a network" python3 - "$T/d" "$T/d.members" <<'PY'
import json, sys
ops = {s for op in json.load(open(sys.argv[1] + "/truth.json"))["operations"] for s in op["sellers"]}
got = {l.split("\t")[1] for l in open(sys.argv[2]).read().splitlines()[1:]}
sys.exit(0 if got and got <= ops else 1)
PY
else
	skip "truth matches the files" "python3 not installed"
fi

# Size follows --sellers: rows of sellers exactly, listings about eight a seller.
expect "300 sellers give 300 seller rows" test "$(rows "$T/a/sellers.csv")" = 300
if [ -d "$T/d" ]; then
	expect "2000 sellers give 2000 seller rows" test "$(rows "$T/d/sellers.csv")" = 2000
	n=$(rows "$T/d/listings.csv")
	expect "about eight listings a seller ($n for 2000)" test "$n" -gt 14000 -a "$n" -lt 18000
	o=$(rows "$T/d/orders.csv")
	expect "about 1.6 orders a listing ($o for $n)" test $((o * 10 / n)) -ge 14 -a $((o * 10 / n)) -le 18
fi
check_exit 0 "one seller still makes a dump" synth -q -o "$T/one" --sellers 1
expect "with one seller row" test "$(rows "$T/one/sellers.csv")" = 1

check_exit 0 "--gzip" synth -q -z -o "$T/z" --sellers 300 --seed 7
ok=1
for k in $kinds; do
	gzip -t "$T/z/$k.csv.gz" 2>/dev/null && gzip -dc "$T/z/$k.csv.gz" | cmp -s - "$T/a/$k.csv" || ok=0
done
expect "--gzip writes real gzip with the same content" test $ok = 1
expect "--gzip leaves no plain csv" sh -c "! ls '$T/z'/*.csv 2>/dev/null"
check_exit 0 "--gzip again" synth -q -z -o "$T/z2" --sellers 300 --seed 7
expect "--gzip output is byte-identical (mtime 0)" diff -r "$T/z" "$T/z2"

check_exit 0 "plain output over a gzip run" synth -q -o "$T/z2" --sellers 300 --seed 7
expect "replaces the .csv.gz files, mixing no runs" sh -c "! ls '$T/z2'/*.gz 2>/dev/null"
expect "and writes the same bytes as a fresh run" diff -r "$T/a" "$T/z2"
# A run that fails leaves the earlier dump as it was and no partial file.
mkdir "$T/z2/listings.csv.part"
check_exit 73 "a file that cannot be created exits 73" synth -q -o "$T/z2" --sellers 50 --seed 1
expect "the earlier dump is untouched" diff -r -x '*.part' "$T/a" "$T/z2"
expect "no partial file is left" test "$(ls -a "$T/z2" | grep -c 'part$')" = 1

check_exit 0 "--lang en" synth -q -o "$T/en" --sellers 200 --lang en
expect "--lang en prices every listing in USD" sh -c \
	"test \"\$(cut -d, -f7 '$T/en/listings.csv' | sort -u | grep -c CNY)\" = 0"
check_exit 0 "--lang zh" synth -q -o "$T/zh" --sellers 200 --lang zh
expect "--lang zh prices every listing in CNY" sh -c \
	"! tail -n +2 '$T/zh/listings.csv' | grep -q ',USD,'"
check_grep "the summary names the rows" "wrote [0-9]+ rows to" synth -o "$T/s" --sellers 50
done_testing
