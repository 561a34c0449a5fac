#!/bin/sh
# link.sh - casekit link: networks, members, hubs, one network, --explain, --from, runs
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

mkstore() {
	rm -f "$1" && ck init -q "$1" && sqlite3 "$1" <"$DATA/link/store.sql"
}
if ! command -v sqlite3 >/dev/null; then
	skip "link tests" "no sqlite3 CLI to build the fixture store"
	done_testing
fi
mkstore "$T/db"
export CASEKIT_DB="$T/db"

check_grep "--help shows usage" "^usage: casekit link" link --help
check_exit 64 "an operand without --explain is a usage error" link S1
check_exit 64 "--explain wants two operands" link --explain S1
check_exit 64 "two modes at once" link --hubs --members
check_exit 64 "a bad cap" link --cap wifi=3
check_exit 64 "a bad threshold" link --threshold -1
check_exit 66 "a missing store exits 66" link -d "$T/none.db"

# Networks: S1-S2 by device, S2-S3 by payout account; S4-S5 by IP and landline together.
run link -f tsv
expect "a run says what it did" grep -q "full run: 22 sellers, 3 networks of 17 accounts, 0 hubs" "$T/err"
cut -f2,3,4 "$T/out" >"$T/got"
printf 'size\tmembers\tkinds\n12\tH1 H10 H11 H12 H2 H3 H4 H5 H6 H7 H8 H9\taddress_unit\n3\tS1 S2 S3\tdevice,payment\n2\tS4 S5\tip,phone\n' >"$T/want"
expect "networks, largest first, every member in tsv" cmp "$T/want" "$T/got"
expect "ids are N and 16 hex digits" sh -c "cut -f1 '$T/out' | sed 1d | grep -cxE 'N[0-9a-f]{16}' | grep -qx 3"
run link -f table
expect "a table shows five members and how many more" grep -q "H1 H10 H11 H12 H2 +7" "$T/out"
run link -f json
expect "-f json: members and kinds are arrays" sh -c "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); n=d[1]; assert n[\"members\"]==[\"S1\",\"S2\",\"S3\"] and n[\"kinds\"]==[\"device\",\"payment\"] and isinstance(n[\"flagged_value\"], (list, type(None)))' '$T/out'"
run link -f tsv
expect "an unchanged store is not relinked" test ! -s "$T/err"

# A forwarder's unit address held by 12 accounts is a hub under a cap of 10, whatever the spelling.
run link --members -f csv --cap address_unit=10
expect "--members csv header" sh -c "head -1 '$T/out' | grep -q '^network_id,seller_id'"
expect "--members: five members in two networks" test "$(sed 1d "$T/out" | wc -l)" = 5
expect "a changed cap relinks in full" grep -q "full run" "$T/err"
# The cap stays for later runs until --defaults.
run link --hubs -f tsv
printf 'kind\tvalue\tholders\tday\naddress_unit\tcn|shenzhen|fwd 1|a\t12\t\n' >"$T/want"
expect "--hubs lists the forwarder once with its count" cmp "$T/want" "$T/out"
run link --explain H1 H2 -f tsv
expect "--explain: not joined exits 1" test "$rc" = 1
expect "--explain names the hub, the column and its count" \
	grep -q "both use it as return_address, but it is a hub held by 12 accounts" "$T/out"
run link --defaults --hubs -f tsv
expect "--defaults drops the cap and relinks in full" \
	sh -c "grep -q 'full run' '$T/err' && test \$(sed 1d '$T/out' | wc -l) = 0"

# The IP same-day rule, nolink flags, the building relation.
run link --explain S4 S6 -f tsv
expect "an IP used on different days does not count" grep -q "used on different days" "$T/out"
expect "S4 and S6 not joined" test "$rc" = 1
run link --explain S7 S8 -f tsv
expect "null device ids and private IPs never link" test "$(grep -c 'never links (flagged nolink)' "$T/out")" = 2
run link --explain S9 S10 -f tsv
expect "neighbours in one building are not joined" grep -q "same building: a weak relation only" "$T/out"
expect "and exit 1" test "$rc" = 1
run link --explain S1 S10 -f tsv
expect "nothing shared: no rows, the reason on stderr" grep -q "share no identifier" "$T/err"

# Joined: the chain of evidence down to file and line.
run link --explain S1 S3 -f tsv
printf '1\tS1\tS2\tdevice\ta1b2c3\t16\t2\tlogins.csv:2\tlogins.csv:3\tjoins on its own\n2\tS2\tS3\tpayment\tcard ****1234\t16\t2\tpayments.csv:2\tpayments.csv:3\tjoins on its own\n' >"$T/want"
sed 1d "$T/out" >"$T/got"
expect "--explain S1 S3: two steps with file and line" cmp "$T/want" "$T/got"
expect "--explain joined exits 0" test "$rc" = 0
run link --explain S3 S1 -f tsv
expect "--explain the other way round walks back" sh -c "sed 1d '$T/out' | cut -f2,3 | tr '\n' ' ' | grep -qx 'S3	S2 S2	S1 '"
run link --explain S4 S5 -f tsv
expect "weak pieces add up: IP and landline" test "$(grep -c 'counts toward the threshold' "$T/out")" = 2
check_exit 65 "--explain an unknown seller" link --explain S1 nobody

# One network, by id or prefix, with its bridges.
net=$(ck link --members -f tsv | awk -F'\t' '$2 == "S1" { print $1 }')
run link --network "$net" -f tsv
expect "--network: one row per edge" test "$(sed 1d "$T/out" | wc -l)" = 2
expect "--network: a path's edges are bridges" test "$(cut -f11 "$T/out" | grep -c yes)" = 2
expect "--network: file and line of both sides" grep -q "payments.csv:2	payments.csv:3" "$T/out"
check_grep "--network takes a unique prefix" "a1b2c3" link --network "$(echo "$net" | cut -c1-8)" -f tsv
check_exit 65 "--network of nothing" link --network Nnothing
check_out "--network -f ids prints the members" "$(printf 'seller:S1\nseller:S2\nseller:S3')" link --network "$net" -f ids

# --from: the networks of the leads; a lead in no network stands alone.
printf 'seller:S2\nS10\n' >"$T/leads"
check_out "--from -f ids" "$(printf 'seller:S1\nseller:S2\nseller:S3\nseller:S10')" link --from "$T/leads" -f ids
run link --from - -f tsv </dev/null
printf 'S5\n' | "$CASEKIT" link --from - -f ids >"$T/out" 2>"$T/err"
expect "--from - reads stdin" test "$(cat "$T/out" | tr '\n' ' ')" = "seller:S4 seller:S5 "
printf 'case:C1\n' >"$T/bad"
check_exit 65 "--from with a lead of the wrong type" link --from "$T/bad"

# Flagged listings and their order value, from the screen's scores.
sqlite3 "$T/db" "insert into listings(listing_id, seller_id, source_id, line) values ('L1', 'S1', 1, 1), ('L2', 'S4', 1, 2);
	insert into scores values ('L1', 'S1', 90, 1, 'gucci', 'kw:replica', 1), ('L2', 'S4', 10, 0, NULL, '', 1);
	insert into orders(order_id, listing_id, seller_id, amount, currency, source_id, line) values
	('O1', 'L1', 'S1', 12900, 'EUR', 1, 1), ('O2', 'L1', 'S1', 100, 'EUR', 1, 2), ('O3', 'L1', 'S1', 500, 'USD', 1, 3);
	insert into orders(order_id, listing_id, seller_id, amount, currency, status, source_id, line) values
	('O4', 'L1', 'S1', 99900, 'EUR', 'cancelled', 1, 4), ('O5', 'L1', 'S1', 700, 'USD', 'Refunded', 1, 5)"
run link -f tsv
expect "a network shows its flagged listings and their value per currency, cancelled and refunded orders left out" \
	grep -q "	S1 S2 S3	device,payment	1	130.00 EUR, 5.00 USD$" "$T/out"
expect "a network without flagged listings shows 0" grep -q "	S4 S5	ip,phone	0	$" "$T/out"
sqlite3 "$T/db" "insert into listings(listing_id, seller_id, source_id, line) values ('L3', 'S1', 1, 3)"
printf 'listing:L1\nlisting:L3\nlisting:L404\n' >"$T/listing-leads"
run link --from "$T/listing-leads" -f ids
expect "--from: two listings of one seller are both found" test "$(grep -c "no listing" "$T/err")" = 1
expect "--from: only the missing listing is named" grep -q "no listing 'L404'" "$T/err"

# -f dot: the networks for Graphviz, one cluster each, the sellers with flagged listings filled.
run link -f dot
expect "-f dot is an undirected graph" grep -q "^graph networks {" "$T/out"
expect "-f dot draws each network as a cluster" test "$(grep -c 'subgraph "cluster_N' "$T/out")" = 3
expect "-f dot labels an evidence edge with its kinds" grep -q '"seller:S1" -- "seller:S2" \[label="device"\];' "$T/out"
expect "-f dot fills a seller with flagged listings" \
	grep -q '"seller:S1" \[fillcolor="#f4c7c3", label="S1\\n.*\\n1 flagged"\];' "$T/out"
if command -v dot >/dev/null; then
	expect "graphviz reads the dot" dot -Tsvg -o "$T/g.svg" "$T/out"
else
	skip "graphviz reads the dot" "dot not installed"
fi
run link -f dot --network "$(echo "$net" | cut -c1-8)"
expect "-f dot --network draws that network alone" \
	sh -c "[ $rc = 0 ] && [ \$(grep -c subgraph '$T/out') = 1 ] && grep -q 'seller:S3' '$T/out'"
printf 'S10\nseller:S5\n' >"$T/dot-leads"
run link -f dot --from "$T/dot-leads"
expect "-f dot --from: the lead's network, and a lead in none alone" \
	sh -c "[ \$(grep -c subgraph '$T/out') = 1 ] && grep -q 'seller:S4' '$T/out' && grep -q 'seller:S10' '$T/out'"
check_exit 64 "-f dot with --members is a usage error" link -f dot --members

# Formats.
check_grep "json" '^\[' link -f json
check_grep "ndjson" '^\{"network_id":"N[0-9a-f]{16}","size":12,' link -f ndjson
check_exit 64 "--hubs has no ids" link --hubs -f ids --cap address_unit=10

# Stable ids: a rerun in full keeps them; a merge keeps the larger network's id.
ck link --members -f tsv >"$T/m1"
ck link --full -q
ck link --members -f tsv >"$T/m2"
expect "ids survive a full rerun" cmp "$T/m1" "$T/m2"
sqlite3 "$T/db" "INSERT INTO identifiers(holder_kind, holder_id, kind, value, raw, field, source_id, line)
	VALUES('seller', 'S3', 'email', 'x@example.com', 'x@example.com', 'email', 1, 40),
	      ('seller', 'S5', 'email', 'x@example.com', 'X@Example.com', 'email', 1, 41)"
s45=$(awk -F'\t' '$2 == "S4" { print $1 }' "$T/m1")
ck link -q
run link --members -f tsv
expect "a merge keeps the id of the larger network" test "$(awk -F'\t' '$2 == "S4" { print $1 }' "$T/out")" = "$net"
expect "and records the other as an alias" test "$(sqlite3 "$T/db" "select network_id || ' ' || reason from network_aliases where old_id = '$s45'")" = "$net merged"
check_grep "an old id still finds the network" "S1" link --network "$s45" --members -f tsv

# Incremental: a second dump links only what it touches and gives what a full run gives.
mkstore "$T/inc"
mkstore "$T/all"
ck link -q -d "$T/inc" --cap address_unit=10
sqlite3 "$T/inc" <"$DATA/link/more.sql"
sqlite3 "$T/all" <"$DATA/link/more.sql"
run link -d "$T/inc" --cap address_unit=10 --members -f tsv
expect "new rows are linked incrementally" grep -q "^casekit link: incremental run" "$T/err"
mv "$T/out" "$T/inc.members"
run link -d "$T/all" --cap address_unit=10 --members -f tsv
expect "incremental = full, ids included" cmp "$T/inc.members" "$T/out"
expect "the merged network holds S1 S2 S3 S4 S5 S11" test "$(awk -F'\t' '$2 ~ /^S(1|2|3|4|5|11)$/ { print $1 }' "$T/out" | sort -u | wc -l)" = 1
expect "weak pieces from the new dump join S9 and S10, an email S6" test "$(awk -F'\t' '$2 ~ /^S(6|9|10)$/ { print $1 }' "$T/out" | sort -u | wc -l)" = 1
run link -d "$T/inc" --cap address_unit=10 --explain S9 S10 -f tsv
expect "--explain after an incremental run shows the new rows" grep -q "more/sellers.csv:5" "$T/out"
ck link -d "$T/inc" --cap address_unit=10 --hubs -f tsv >"$T/inc.hubs"
ck link -d "$T/all" --cap address_unit=10 --hubs -f tsv >"$T/all.hubs"
expect "a hub that gained a holder counts it, as a full run does" cmp "$T/inc.hubs" "$T/all.hubs"
expect "the forwarder is now held by 13" grep -q "	13	" "$T/inc.hubs"
sqlite3 "$T/inc" <"$DATA/link/undo.sql"
sqlite3 "$T/all" <"$DATA/link/undo.sql"
run link -d "$T/inc" --cap address_unit=10 --members -f tsv
expect "a row that weakens an earlier join relinks in full" grep -q "^casekit link: full run" "$T/err"
mv "$T/out" "$T/inc.members"
run link -d "$T/all" --cap address_unit=10 --full --members -f tsv
expect "and again gives the networks of a full run" cmp "$T/inc.members" "$T/out"
# Rows the last run saw and that are gone since (a newer version of a record drops the old
# row's identifiers) may undo joins: the next run is a full one, also in a store whose last
# run noted no deletes (an older casekit's).
del_rows() {
	sqlite3 "$T/inc" "$1"
	sqlite3 "$T/all" "$1"
}
del_rows "DELETE FROM identifiers WHERE holder_id = 'S10' AND kind = 'phone'"
run link -d "$T/inc" --cap address_unit=10 --members -f tsv
expect "a deleted row relinks in full" grep -q "^casekit link: full run" "$T/err"
mv "$T/out" "$T/inc.members"
run link -d "$T/all" --cap address_unit=10 --full --members -f tsv
expect "and S10 leaves S9's network, as in a full run" cmp "$T/inc.members" "$T/out"
expect "S10 is in no network" test "$(grep -c "	S10$" "$T/out")" = 0
sqlite3 "$T/inc" "DROP TRIGGER IF EXISTS link_identifiers_deleted"
del_rows "DELETE FROM identifiers WHERE holder_id = 'S6' AND kind = 'email'"
run link -d "$T/inc" --cap address_unit=10 --members -f tsv
expect "a deleted row relinks in full without the trigger that notes deletes" \
	grep -q "^casekit link: full run" "$T/err"
mv "$T/out" "$T/inc.members"
run link -d "$T/all" --cap address_unit=10 --full --members -f tsv
expect "and again gives the networks of a full run" cmp "$T/inc.members" "$T/out"
run link -d "$T/inc" --cap address_unit=10 --members -f tsv
expect "and then the store is unchanged" test ! -s "$T/err"
# The last row deleted and a new one in its place takes its ident_id: the counts match again.
del_rows "DELETE FROM identifiers WHERE ident_id = (SELECT max(ident_id) FROM identifiers);
	INSERT INTO identifiers(holder_kind, holder_id, kind, value, raw, field, source_id, line)
	VALUES('seller', 'S8', 'email', 'nine@example.com', 'nine@example.com', 'email', 5, 10)"
run link -d "$T/inc" --cap address_unit=10 --members -f tsv
expect "a row in a deleted row's place relinks in full" grep -q "^casekit link: full run" "$T/err"
mv "$T/out" "$T/inc.members"
run link -d "$T/all" --cap address_unit=10 --full --members -f tsv
expect "and S8 joins S9 by their email, as in a full run" cmp "$T/inc.members" "$T/out"

# A dump in the generic layout through casekit ingest: identifiers are normalised first.
unset CASEKIT_DB
mkdir "$T/g" && cp "$DATA/link/generic/"*.csv "$T/g/"
ck init -q "$T/g.db"
(cd "$T/g" && "$CASEKIT" ingest -q -d "$T/g.db" sellers.csv logins.csv)
run link -d "$T/g.db" --members -f tsv
printf 'G1\nG2\n' >"$T/want"
cut -f2 "$T/out" | sed 1d >"$T/got"
expect "gmail dots, +tag and googlemail spell one email: G1 and G2 join" cmp "$T/want" "$T/got"
run link -d "$T/g.db" --explain G1 G3 -f tsv
expect "the zero device id and a private IP link nobody" test "$(grep -c 'never links' "$T/out")" = 2
expect "with file and line from the dump" grep -q "	logins.csv:3	logins.csv:5	" "$T/out"

# A seller list with city, state and zip prefix only (tests/data/link/br): strangers share a
# city and a prefix, and no network may form from the address alone.
cp "$DATA/link/br/sellers.csv" "$T/br.csv"
ck init -q "$T/br.db"
(cd "$T" && "$CASEKIT" ingest -d "$T/br.db" -p "$DATA/link/br/br.profile" -k sellers br.csv) \
	2>"$T/br.err"
expect "ingest counts the coarse addresses and says so" sh -c "grep -q 'address_unit: 80 keys from \
80 values, 80 coarse, 0 null or private' '$T/br.err' && grep -q '80 of 80 addresses name no \
street' '$T/br.err'"
run query -d "$T/br.db" -f tsv "select kind, count(*) as n from identifiers group by kind"
printf 'kind\tn\naddress_area\t80\n' >"$T/want"
expect "city, state and zip prefix are address_area, with no building key" cmp "$T/want" "$T/out"
run link -d "$T/br.db" -f tsv
expect "a city-level seller list forms no network" grep -q "80 sellers, 0 networks" "$T/err"
run link -d "$T/br.db" --fuzzy -f tsv
expect "nor with --fuzzy" grep -q "80 sellers, 0 networks" "$T/err"
pair=$(ck query -d "$T/br.db" -f tsv "select group_concat(holder_id, ' ') from (select holder_id
	from identifiers where value = 'campinas sp 13087' order by holder_id limit 2)" | sed 1d)
run link -d "$T/br.db" --explain $pair -f tsv
expect "--explain lists the shared area as corroboration only" \
	grep -q "address_area	campinas sp 13087	.*same area (no street-level place): corroboration only" "$T/out"
expect "and the two are not joined" test "$rc" = 1
# the control: the same profile does join two sellers on one street-level address
{
	cat "$T/br.csv"
	printf 'c1,01305,"Rua Augusta, 1500, Sao Paulo",SP\nc2,1305,rua augusta 1500 sao paulo,SP\n'
} >"$T/br2.csv"
ck init -q "$T/br2.db"
(cd "$T" && "$CASEKIT" ingest -q -d "$T/br2.db" -p "$DATA/link/br/br.profile" -k sellers br2.csv)
run link -d "$T/br2.db" --members -f tsv
printf 'c1\nc2\n' >"$T/want"
cut -f2 "$T/out" | sed 1d >"$T/got"
expect "a street-level address in the same list still links" cmp "$T/want" "$T/got"

# --fuzzy: near-identical names, addresses and text ids, through strict blocks.
cp "$DATA/link/febrl.csv" "$T/febrl.csv"
ck init -q "$T/f.db"
(cd "$T" && "$CASEKIT" ingest -q -d "$T/f.db" -p febrl -k sellers febrl.csv)
run link -d "$T/f.db" --members -f tsv
expect "exact evidence alone does not join typo'd records" test "$(sed 1d "$T/out" | wc -l)" = 0
run link -d "$T/f.db" --fuzzy --members -f tsv
printf 'rec-1-dup-0\nrec-1-org\n' >"$T/want"
cut -f2 "$T/out" | sed 1d >"$T/got"
expect "--fuzzy joins a duplicate with a typo in name, street and id" cmp "$T/want" "$T/got"
expect "--fuzzy relinks in full" grep -q "full run" "$T/err"
run link -d "$T/f.db" --fuzzy --explain rec-1-org rec-1-dup-0 -f tsv
expect "each fuzzy piece names its comparator and score" \
	sh -c "grep -q 'fuzzy: jaro_winkler 0.9' '$T/out' && grep -q 'fuzzy: levenshtein 1' '$T/out'"
expect "with file and line of a fuzzy id" grep -q "febrl.csv:2	febrl.csv:3	fuzzy: levenshtein" "$T/out"
run link -d "$T/f.db" --fuzzy --explain rec-3-org rec-4-org -f tsv
expect "a similar name in another street stays apart" test "$rc" = 1
expect "--explain shows what --fuzzy made of the pair, bits taken away too" \
	sh -c "grep -q '	name	brown peter ~ browne peter	3	' '$T/out' && grep -q '	-4	.*fuzzy: jaccard3' '$T/out'"
expect "and why that is not enough" grep -q -- "--fuzzy: their near matches weigh -7.00 bits, the threshold is 10.00" "$T/err"
run link -d "$T/f.db" --fuzzy --explain rec-2-org rec-3-org -f tsv
expect "a pair --fuzzy never compares is said to be one" grep -q -- "--fuzzy never compared them" "$T/err"
# One street name in two towns is two places; a misspelt town is the same one.
cp "$DATA/link/febrl-towns.csv" "$T/febrl-towns.csv"
ck init -q "$T/t.db"
(cd "$T" && "$CASEKIT" ingest -q -d "$T/t.db" -p febrl -k sellers febrl-towns.csv)
run link -d "$T/t.db" --members -f tsv
printf 'rec-20-dup-0\nrec-20-org\n' >"$T/want"
cut -f2 "$T/out" | sed 1d | sort >"$T/got"
expect "the same postcode joins a misspelt town; one street in two towns does not" \
	cmp "$T/want" "$T/got"
run link -d "$T/t.db" --explain rec-10-org rec-11-org -f tsv
expect "14 station street in burwood and in box hill share no key" test "$rc" = 1
run link -d "$T/t.db" --fuzzy --members -f tsv
printf 'rec-20-dup-0\nrec-20-org\nrec-30-dup-0\nrec-30-org\n' >"$T/want"
cut -f2 "$T/out" | sed 1d | sort >"$T/got"
expect "--fuzzy joins a town misspelt with no postcode, not a namesake in another town" \
	cmp "$T/want" "$T/got"
net=$(ck link -d "$T/f.db" --fuzzy --members -f tsv | sed -n '2s/\t.*//p')
run link -d "$T/f.db" --fuzzy --network "$net" -f tsv
expect "--network shows comparator and score" grep -q "	jaccard3	0\.[0-9]*$" "$T/out"
# A run keeps the last run's settings: showing fuzzy networks does not relink them exactly.
run link -d "$T/f.db" --members -f tsv
cut -f2 "$T/out" | sed 1d >"$T/got"
printf 'rec-1-dup-0\nrec-1-org\n' >"$T/want"
expect "after --fuzzy, a plain --members shows the fuzzy networks" cmp "$T/want" "$T/got"
expect "and runs nothing new" sh -c "! grep -q 'run:' '$T/err'"
run link -d "$T/f.db" --explain rec-1-org rec-1-dup-0 -f tsv
expect "a plain --explain explains the fuzzy join" test "$rc" = 0
run link -d "$T/f.db" --defaults --members -f tsv
expect "--defaults goes back to exact links" sh -c "grep -q 'full run' '$T/err' && test \$(sed 1d '$T/out' | wc -l) = 0"
run link -d "$T/f.db" --members -f tsv
expect "and that sticks" test "$(sed 1d "$T/out" | wc -l)" = 0
done_testing
