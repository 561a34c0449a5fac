#!/bin/bash
# export.sh - casekit export: a deterministic, verifiable BagIt case package, read by real
# clients (GNU tar, Python hashlib, Chromium, rdflib)
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

# load DB: a new store with the fixture dump ingested (its rows keep the file names dump/*.csv)
cp -r "$DATA/case/dump" "$T/dump"
load() { ck init -q "$1" && (cd "$T" && "$CASEKIT" ingest -q -d "$1" dump); }
load "$T/db" || { fail "ingest the fixture dump"; done_testing; }
check_exit 0 "casekit link runs on the fixture (the network cases below need it)" link -q -d "$T/db"
export CASEKIT_DB="$T/db"
run case new "Lux Deals ring" --lead seller:S1 --lead listing:L3
id=$(cat "$T/out")
run case note "$id" "test buy confirmed by the brand's lab"

check_grep "--help shows usage" "^usage: casekit export" export --help
check_exit 64 "no case is a usage error" export -o "$T/p.tar.gz"
check_exit 64 "no -o is a usage error" export "$id"
check_exit 64 "a bad --redact is a usage error" export "$id" -o "$T/p.tar.gz" --redact all
check_exit 66 "a missing case exits 66" export CASE-1999-0001 -o "$T/p.tar.gz"
check_exit 66 "a missing signing key exits 66" export "$id" -o "$T/p.tar.gz" --sign "$T/nokey"
expect "and nothing is written" test ! -e "$T/p.tar.gz"

check_exit 0 "export writes the package" export "$id" -o "$T/$id.tar.gz" --recipient "Unit 7"
check_exit 73 "an existing package is never overwritten" export "$id" -o "$T/$id.tar.gz"
run verify "$T/$id.tar.gz"
expect "casekit verify says it is valid" grep -q "valid: BagIt 1.0, [0-9]* payload files" "$T/out"
mkdir "$T/x" && tar -C "$T/x" -xzf "$T/$id.tar.gz"
expect "it unpacks into one folder named after the file" test "$(ls "$T/x")" = "$id"
B="$T/x/$id"
expect "the payload is all there" test -s "$B/data/report/report.html" -a -s "$B/data/case/case.jsonld" \
	-a -s "$B/data/graph/network.dot" -a -s "$B/data/case/custody.log" -a -s "$B/data/tables/accounts.csv" \
	-a -s "$B/data/tables/identifiers.csv" -a -s "$B/data/tables/links.csv"
expect "bagit.txt is exactly the 1.0 declaration" test "$(cat "$B/bagit.txt")" = "$(printf 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8')"
expect "bag-info names the case" grep -qx "External-Identifier: $id" "$B/bag-info.txt"
expect "bag-info has the recipient" grep -qx "Case-Referral-Recipient: Unit 7" "$B/bag-info.txt"
expect "bag-info has the real date, whatever SOURCE_DATE_EPOCH says" grep -qx "Bagging-Date: $(date -u +%F)" "$B/bag-info.txt"
expect "the manifests pass sha256sum -c" sh -c "cd '$B' && sha256sum --quiet -c manifest-sha256.txt && sha256sum --quiet -c tagmanifest-sha256.txt"
expect "and sha512sum -c" sh -c "cd '$B' && sha512sum --quiet -c manifest-sha512.txt && sha512sum --quiet -c tagmanifest-sha512.txt"
expect "certification.txt names the payload manifest's digest" \
	grep -qx "Manifest-SHA256: $(sha256sum <"$B/manifest-sha256.txt" | cut -d' ' -f1)" "$B/certification.txt"
if command -v python3 >/dev/null; then
	expect "an independent check with Python's hashlib passes" python3 "$TOP_SRCDIR/tests/bagit_check.py" "$T/$id.tar.gz"
else
	skip "an independent check with Python's hashlib passes" "python3 not installed"
fi

# The export's custody entry is written first, at the real time, and the package carries it.
run case -d "$T/db" show "$id" --section custody -f tsv
tail -1 "$T/out" >"$T/entry"
expect "the export is in the custody log with its file, recipient and redaction" \
	grep -q "	export	tester	.*	$id.tar.gz recipient=Unit 7 redact=buyers	" "$T/entry"
expect "at the real time, whatever SOURCE_DATE_EPOCH says" grep -q "	$(date -u +%F)T" "$T/entry"
expect "bag-info names that entry by seq and hash" \
	grep -qx "Custody-Entry: $(cut -f1 "$T/entry") $(cut -f9 "$T/entry")" "$B/bag-info.txt"
expect "and its time is the package's" \
	grep -qx "Export-Timestamp: $(cut -f2 "$T/entry")" "$B/bag-info.txt"
expect "the packed custody log ends with that entry" \
	sh -c "tail -1 '$B/data/case/custody.log' | cut -f2,3,9 | grep -qx '$(cut -f2,3,9 "$T/entry")'"
expect "the gzip header has time 0 and OS 3" test "$(head -c 10 "$T/$id.tar.gz" | od -An -tx1 | tr -d ' \n')" = "1f8b0800000000000203"
if tar --help 2>/dev/null | grep -q -- "--sort"; then
	(cd "$T/x" && LC_ALL=C tar --format=ustar --sort=name --mtime=@"$SOURCE_DATE_EPOCH" --owner=0 --group=0 \
		--numeric-owner --mode=go+u,go-w -cf - "$id") >"$T/oracle.tar"
	gzip -dc "$T/$id.tar.gz" >"$T/mine.tar"
	expect "the tar is byte for byte what GNU tar --sort=name writes (mtimes from SOURCE_DATE_EPOCH)" cmp "$T/oracle.tar" "$T/mine.tar"
else
	skip "the tar is byte for byte what GNU tar --sort=name writes" "GNU tar with --sort not found"
fi
mv "$T/$id.tar.gz" "$T/first.tar.gz"
run export "$id" -o "$T/$id.tar.gz" --recipient "Unit 7"
mkdir "$T/x2" && tar -C "$T/x2" -xzf "$T/$id.tar.gz"
expect "exporting again changes only the custody record and what names it" sh -c \
	"diff -rq '$B' '$T/x2/$id' | sed 's|.*/$id/||; s| differ||' | sort | tr '\n' ' ' | grep -qx 'bag-info.txt certification.txt data/case/case.jsonld data/case/custody.log data/report/report.html manifest-sha256.txt manifest-sha512.txt tagmanifest-sha256.txt tagmanifest-sha512.txt '"
expect "a second export has its own entry" test "$(grep -c '	export	' "$T/x2/$id/data/case/custody.log")" = 2

# Who sends it: a warning for each unknown, then options, environment and config file.
run export "$id" -o "$T/who1.tar.gz"
expect "an unknown organization is warned about" grep -q "organization is unknown" "$T/err"
expect "and a missing contact email" grep -q "no contact email" "$T/err"
mkdir -p "$XDG_CONFIG_HOME/casekit"
printf '# who we are\norganization = Brand Protection Ltd\ncontact-email = bp@example.org\n' \
	>"$XDG_CONFIG_HOME/casekit/config"
run export "$id" -o "$T/who2.tar.gz"
expect "the config file fills them in, with no warning" sh -c "! grep -q \"unknown\\|no contact\" \"$T/err\""
mkdir "$T/who" && tar -C "$T/who" -xzf "$T/who2.tar.gz"
expect "bag-info names the organization from the config file" \
	grep -qx "Source-Organization: Brand Protection Ltd" "$T/who/who2/bag-info.txt"
CASEKIT_ORGANIZATION="Unit X" run export "$id" -o "$T/who3.tar.gz" --contact-email x@y.z
mkdir "$T/who3" && tar -C "$T/who3" -xzf "$T/who3.tar.gz"
expect "the environment wins over the config file" \
	grep -qx "Source-Organization: Unit X" "$T/who3/who3/bag-info.txt"
expect "and an option over both" grep -qx "Contact-Email: x@y.z" "$T/who3/who3/bag-info.txt"
rm "$XDG_CONFIG_HOME/casekit/config"

# Tampering: one byte changed in any file of the bag is caught.
n=0 caught=0
for f in $(cd "$B" && find . -type f | sort); do
	rm -rf "$T/flip" && cp -r "$B" "$T/flip"
	size=$(stat -c %s "$T/flip/$f")
	off=$(( (size * 7 / 13) % size ))
	printf '\x01' | dd of="$T/flip/$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
	cmp -s "$B/$f" "$T/flip/$f" || printf '\x02' | dd of="$T/flip/$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
	n=$((n + 1))
	run verify "$T/flip"
	[ "$rc" = 1 ] && caught=$((caught + 1)) || echo "# not caught: $f (exit $rc)"
done
expect "a changed byte in any of the $n files is caught" test "$caught" = "$n"

# Buyers: pseudonymised by default, included with --redact none.
expect "buyers are pseudonymised" sh -c "! grep -q 'B-alice\|Rue de Paris' -r '$B/data'"
expect "as stable keyed hashes" grep -q ",buyer-[0-9a-f]\{16\}," "$B/data/tables/orders.csv"
run export "$id" -o "$T/full.tar.gz" --redact none
expect "--redact none includes them" sh -c "gzip -dc '$T/full.tar.gz' | grep -aq 'B-alice'"
expect "payment instruments never appear" sh -c "! gzip -dc '$T/full.tar.gz' | grep -aq '4111111111111234'"

# Signing.
run keygen "$T/key"
fp=$(cat "$T/out")
check_exit 65 "a public key is refused for --sign" export "$id" -o "$T/pub.tar.gz" --sign "$T/key.pub"
[ ! -e "$T/pub.tar.gz" ] && pass "and no package is written" || fail "and no package is written"
run export "$id" -o "$T/signed.tar.gz" --sign "$T/key"
run verify --pubkey "$T/key.pub" "$T/signed.tar.gz"
expect "a signed package verifies under its key" grep -q "valid: .*signed by $fp" "$T/out"
run keygen "$T/other"
check_exit 1 "and not under another" verify --pubkey "$T/other.pub" "$T/signed.tar.gz"
mkdir "$T/s" && tar -C "$T/s" -xzf "$T/signed.tar.gz" && S="$T/s/signed"
expect "the signature is checked by openssl alone" sh -c "sed -n 's/^Signature: //p' '$S/signature.txt' | base64 -d >'$T/sig.bin' && openssl pkeyutl -verify -pubin -inkey '$T/key.pub' -rawin -in '$S/tagmanifest-sha256.txt' -sigfile '$T/sig.bin'"
n=0 caught=0
for f in signature.txt tagmanifest-sha256.txt bag-info.txt data/tables/orders.csv; do
	rm -rf "$T/flip" && cp -r "$S" "$T/flip"
	printf '\x01' | dd of="$T/flip/$f" bs=1 seek=3 conv=notrunc 2>/dev/null
	n=$((n + 1))
	run verify --pubkey "$T/key.pub" "$T/flip"
	[ "$rc" = 1 ] && caught=$((caught + 1)) || echo "# not caught: $f (exit $rc)"
done
expect "under --pubkey a changed byte anywhere, signature included, is caught" test "$caught" = "$n"

# The report in a real browser, the JSON-LD in a real RDF library.
if command -v chromium >/dev/null; then
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
		--user-data-dir="$T/chr" --screenshot="$T/shot.png" --window-size=1200,900 \
		"file://$B/data/report/report.html" >/dev/null 2>&1
	expect "report.html renders in headless Chromium" test -s "$T/shot.png"
	if command -v python3 >/dev/null; then
		expect "and the screenshot is not blank" python3 -c "
import sys, zlib, struct
d = open(sys.argv[1], 'rb').read()
w, h, depth, ctype = struct.unpack('>IIBB', d[16:26])
idat = b''.join(d[i + 8:i + 8 + struct.unpack('>I', d[i:i + 4])[0]] for i in range(8, len(d))
               if d[i + 4:i + 8] == b'IDAT')
raw = zlib.decompress(idat)
sys.exit(0 if len(set(raw[::97])) > 8 else 1)" "$T/shot.png"
	fi
else
	skip "report.html renders in headless Chromium" "chromium not installed"
fi
expect "report.html needs nothing from outside" sh -c "! grep -Eq '(src|href)=\"(https?:)?//|@import|url\\(' '$B/data/report/report.html'"
expect "it links only inside itself and loads nothing: no src, every href a #fragment" sh -c "! grep -Eqi '[^a-z-](src|srcset|action|data)=|href=\"[^#]|<(script|link|img|image|iframe|object|embed|base)[ >]' '$B/data/report/report.html'"
expect "and its Content-Security-Policy forbids loading anything, should escaping ever fail" \
	grep -qF "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">" "$B/data/report/report.html"
expect "report.html shows the value exactly, in major units" grep -q ">387.00 EUR<" "$B/data/report/report.html"
expect "and its certification block" grep -q "Certification" "$B/data/report/report.html"
pyrdf=
for p in python3 /usr/bin/python3; do "$p" -c "import rdflib" 2>/dev/null && { pyrdf=$p; break; }; done
if [ -n "$pyrdf" ]; then
	expect "case.jsonld parses in rdflib with one DigitalAccount per seller" "$pyrdf" -c "
import sys, rdflib
g = rdflib.Graph(); g.parse(sys.argv[1], format='json-ld')
obs = rdflib.Namespace('https://ontology.unifiedcyberontology.org/uco/observable/')
inv = rdflib.Namespace('https://ontology.caseontology.org/case/investigation/')
accounts = set(g.subjects(rdflib.RDF.type, obs.DigitalAccount))
actions = set(g.subjects(rdflib.RDF.type, inv.InvestigativeAction))
rels = set(g.subjects(rdflib.RDF.type, obs.ObservableRelationship))
assert len(accounts) == 2, accounts
assert len(actions) == 3, actions  # open, note, and this export
assert len(rels) == 1, rels
assert len(set(g.subjects(rdflib.RDF.type, inv.Investigation))) == 1
" "$B/data/case/case.jsonld"
else
	skip "case.jsonld parses in rdflib" "python3-rdflib not installed"
fi

# The package stands alone: the cited source rows travel with it, and it names no path of this
# machine, even when the dump was ingested and the package written by absolute paths.
mkdir -p "$T/abs" && cp -r "$DATA/case/dump" "$T/abs/dump"
printf '%s\n' 'L6,S1,<script>alert(1)</script> Rolex "Sub",Rolex,watches,399.00,CNY,2026-03-09T00:00:00Z,active,,https://market.example/item/L6?a=1&b=<2>' \
	>>"$T/abs/dump/listings.csv"
sed -i '2s/^S1,\([^,]*\),[^,]*,/S1,\1,"<\/text><script>alert(2)<\/script>",/' "$T/abs/dump/sellers.csv"
# A name with no space to break at (here 300 letters) must not widen a table past the page.
sed -i "3s/,Wang Fang,/,Wang$(printf 'W%.0s' $(seq 300)),/" "$T/abs/dump/sellers.csv"
# A shop name that reads as another: a right-to-left override and a zero-width space.
sed -i "3s/,Brand Outlet,/,Brand $(printf '\342\200\213')Outlet$(printf '\342\200\256')teltuO,/" "$T/abs/dump/sellers.csv"
mkdir "$T/abs/more" && { head -1 "$T/abs/dump/listings.csv"; echo "L7,S2,Gucci bag,Gucci,bags,20.00,USD,2026-03-10T00:00:00Z,active,,"; } >"$T/abs/more/listings.csv"
ck init -q "$T/abs.db" && ck ingest -q -d "$T/abs.db" "$T/abs/dump" && ck ingest -q -d "$T/abs.db" "$T/abs/more" &&
	ck screen -q -d "$T/abs.db" >/dev/null && ck link -q -d "$T/abs.db" >/dev/null
run case new -d "$T/abs.db" "Absolute ring" --lead seller:S1 --lead seller:S2 --lead listing:L6 --lead listing:L7
aid=$(cat "$T/out")
check_exit 0 "a store ingested by absolute paths exports" export -d "$T/abs.db" "$aid" -o "$T/abs/$aid.tar.gz" --recipient "Unit 7"
check_grep "and verifies" ": valid: " verify "$T/abs/$aid.tar.gz"
mkdir "$T/ax" && tar -C "$T/ax" -xzf "$T/abs/$aid.tar.gz" && A="$T/ax/$aid"
expect "the package has data/sources with SOURCES.txt" test -s "$A/data/sources/SOURCES.txt" -a -s "$A/data/sources/listings.csv"
expect "SOURCES.txt names each file with its size and SHA-256" \
	grep -q "^data/sources/listings.csv	listings.csv	listings	$(stat -c %s "$T/abs/dump/listings.csv")	$(sha256sum <"$T/abs/dump/listings.csv" | cut -d' ' -f1)	" "$A/data/sources/SOURCES.txt"
expect "a cited row keeps its original line number" \
	grep -q "^$(grep -n '^L6,' "$T/abs/dump/listings.csv" | cut -d: -f1),L6,S1," "$A/data/sources/listings.csv"
expect "and the source's header, after line" sh -c "head -1 '$A/data/sources/listings.csv' | tr -d '\r' | grep -qx 'line,$(head -1 "$T/abs/dump/listings.csv")'"
expect "a second file of the same name gets its own name" grep -q '^2,L7,S2,' "$A/data/sources/listings-2.csv"
expect "uncited rows stay out" sh -c "! grep -q '^[0-9]*,L4,' '$A/data/sources/listings.csv'"
expect "the tables' source references resolve inside the package" \
	grep -q ",data/sources/listings.csv,[0-9]" "$A/data/tables/listings.csv"
expect "every source reference in the report names a file of the package" sh -c "
	grep -oE 'data/sources/[A-Za-z0-9._-]+[.](csv|txt)' '$A/data/report/report.html' | sort -u | while read -r f; do
		test -f '$A'/\"\$f\" || { echo \"missing \$f\"; exit 1; }; done"
expect "report.html names no path of this machine" sh -c "! grep -qF '$T' '$A/data/report/report.html'"
expect "nor does any file of the package" sh -c "! grep -rqF '$T' '$A'"
expect "report.html has no keyed hash (v1:)" sh -c "! grep -q 'v1:' '$A/data/report/report.html'"
expect "nor does any file of the package: a payment's value is masked in the tables" \
	sh -c "! grep -rq 'v1:[0-9a-f]\{16\}' '$A' && grep -q ',payment,\*\*\*\*1234,' '$A/data/tables/identifiers.csv'"
expect "a payment shows masked, with the record to request" \
	grep -q "\*\*\*\*1234.*data/sources/payments.csv line 2" "$A/data/report/report.html"
expect "the copied payment row is masked too" sh -c "grep -q ',\*\*\*\*1234,' '$A/data/sources/payments.csv' && ! grep -rq 4111111111111234 '$A'"
expect "a listing priced 399.00 reads 399.00 CNY" grep -q ">399.00 CNY<" "$A/data/report/report.html"
expect "each flagged listing says why, in words" sh -c "grep -qF 'price 6% of the brand'\''s reference price' '$A/data/report/report.html' && grep -qF 'counterfeit wording “mirror quality”' '$A/data/report/report.html' && grep -qF 'a lead of the analyst' '$A/data/report/report.html'"
expect "with its URL" grep -qF "https://market.example/item/L6?a=1&amp;b=&lt;2&gt;" "$A/data/report/report.html"
expect "the sellers' text is escaped" sh -c "! grep -q '<script' '$A/data/report/report.html' && grep -qF '&lt;script&gt;alert(1)&lt;/script&gt; Rolex &quot;Sub&quot;' '$A/data/report/report.html'"
expect "and so is a shop name, in the tables and in the network picture" sh -c "grep -q '<svg' '$A/data/report/report.html' && ! grep -q '<script\|</text><' '$A/data/report/report.html'"
expect "invisible and direction-changing characters are shown, not obeyed" sh -c "! LC_ALL=C grep -q '$(printf '\342\200[\213\256]')' '$A/data/report/report.html' && grep -qF 'Brand [U+200B]Outlet[U+202E]teltuO' '$A/data/report/report.html'"
if grep -q '<svg' "$A/data/report/report.html"; then
	expect "in the network picture too" sh -c "sed -n '/<svg/,/<\/svg>/p' '$A/data/report/report.html' | grep -qF 'Outlet[U+202E]'"
else
	skip "in the network picture too" "casekit built without Graphviz"
fi
expect "the report has a table of contents" grep -q '<nav class="toc">' "$A/data/report/report.html"
expect "and prints on A4 with the case id on every page" grep -q "@page{size:A4;.*content:\"$aid\"" "$A/data/report/report.html"

sqlite_only "a server store is in no folder (casekit-export(1))" \
	expect "a dump ingested by a relative path beside the store is found from elsewhere" \
	test -s "$B/data/sources/listings.csv" -a -s "$B/data/sources/payments.csv"
# A source changed or gone since ingest: its rows stay out, said in SOURCES.txt, and on stderr.
echo "L9,S1,late row,,shoes,1.00,EUR,2026-03-09T00:00:00Z,active,," >>"$T/abs/dump/listings.csv"
rm "$T/abs/dump/testbuys.csv"
run export -d "$T/abs.db" "$aid" -o "$T/abs/changed.tar.gz"
expect "a changed source is warned about" grep -q "source 'listings.csv': changed since it was ingested" "$T/err"
expect "and so is a missing one" grep -q "source 'testbuys.csv': not found at export" "$T/err"
mkdir "$T/cx" && tar -C "$T/cx" -xzf "$T/abs/changed.tar.gz"
expect "SOURCES.txt says so, and their rows stay out" sh -c "grep -q '^data/sources/listings.csv	.*changed since it was ingested' '$T/cx/changed/data/sources/SOURCES.txt' && test ! -e '$T/cx/changed/data/sources/listings.csv'"
check_grep "and the package still verifies" ": valid: " verify "$T/abs/changed.tar.gz"
# A crafted store may name a device or a pipe as a source: export neither hangs nor reads it.
if command -v sqlite3 >/dev/null; then
	cp "$T/abs.db" "$T/craft.db" && mkfifo "$T/fifo"
	sqlite3 "$T/craft.db" "UPDATE sources SET path = '/dev/zero' WHERE kind = 'sellers';
		UPDATE sources SET path = '$T/fifo' WHERE kind = 'payments'"
	timeout 60 "$CASEKIT" export -d "$T/craft.db" "$aid" -o "$T/abs/craft.tar.gz" >"$T/out" 2>"$T/err" </dev/null
	expect "a source that is a device or a pipe is left out, not read" sh -c "test -s '$T/abs/craft.tar.gz' &&
		grep -q \"source 'zero': not a regular file\" '$T/err' && grep -q \"source 'fifo': not a regular file\" '$T/err'"
	# ... or a name, kind and digest with line breaks, tabs and terminal escapes.
	cp "$T/abs.db" "$T/craft2.db"
	sqlite3 "$T/craft2.db" "UPDATE sources SET path = '../'||char(10)||'ev'||char(9)||'il/x'||char(27)||'[31m.csv'
		WHERE kind = 'sellers'; UPDATE sources SET kind = 'list'||char(10)||'ings', sha256 = 'ab'||char(9)||'cd'
		WHERE kind = 'listings'"
	run export -d "$T/craft2.db" "$aid" -o "$T/abs/craft2.tar.gz"
	mkdir "$T/c2x" && tar -C "$T/c2x" -xzf "$T/abs/craft2.tar.gz"
	expect "SOURCES.txt keeps one line of 7 fields per source, with no control character" sh -c "
		awk -F '\t' '!/^#/ && NF != 7 { exit 1 }' '$T/c2x/craft2/data/sources/SOURCES.txt' &&
		test \$(grep -vc '^#' '$T/c2x/craft2/data/sources/SOURCES.txt') = \$(( \$(sqlite3 '$T/craft2.db' 'select count(*) from sources') + 1 )) &&
		! grep -q \"\$(printf '\033')\" '$T/c2x/craft2/data/sources/SOURCES.txt' '$T/err'"
else
	skip "a source that is a device or a pipe is left out, not read" "sqlite3 not installed"
	skip "SOURCES.txt keeps one line of 7 fields per source" "sqlite3 not installed"
fi
# A source replaced by a symlink to another file is a changed source.
cp "$T/abs/dump/orders.csv" "$T/abs/orders.orig" && ln -sf "$T/abs/dump/logins.csv" "$T/abs/dump/orders.csv"
run export -d "$T/abs.db" "$aid" -o "$T/abs/symlink.tar.gz"
expect "a source now a symlink to another file is left out as changed" \
	grep -q "source 'orders.csv': changed since it was ingested" "$T/err"
rm "$T/abs/dump/orders.csv" && mv "$T/abs/orders.orig" "$T/abs/dump/orders.csv"

# Printed by a real browser: page one tells the case and its value; no page is wider than A4.
if command -v chromium >/dev/null && command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null; then
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
		--user-data-dir="$T/chr2" --no-pdf-header-footer --print-to-pdf="$T/report.pdf" \
		"file://$A/data/report/report.html" >/dev/null 2>&1
	expect "chromium prints report.html to PDF" test -s "$T/report.pdf"
	pdftotext -f 1 -l 1 -layout "$T/report.pdf" "$T/page1.txt" 2>/dev/null
	expect "page 1 holds the case id" grep -q "$aid" "$T/page1.txt"
	expect "and the value in its currency" grep -q "387.00 EUR" "$T/page1.txt"
	pages=$(pdfinfo "$T/report.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
	pdfinfo -f 1 -l "${pages:-1}" "$T/report.pdf" 2>/dev/null | sed -n 's/^Page *[0-9]* size: *\([0-9.]*\) x.*/\1/p' >"$T/widths"
	expect "no page is wider than A4 ($pages pages)" awk 'END { exit !(NR > 0 && ok) } NR == 1 { ok = 1 } $1 > 595.5 { ok = 0 }' "$T/widths"
	# A table wider than the page would make Chromium shrink the whole report to fit it: the
	# 20pt title would come out smaller, and words would run into the right margin (13 mm).
	pdftotext -bbox "$T/report.pdf" "$T/bbox.html" 2>/dev/null
	expect "no table is wider than the page: nothing is shrunk to fit" awk -v id="$aid" '
		/<word / { split($0, a, "\""); if (a[6] + 0 > xmax) xmax = a[6] + 0
			if (index($0, ">" id "<") && a[8] - a[4] > h) h = a[8] - a[4] }
		END { if (h < 18 || xmax > 560) { print "title " h "pt, rightmost " xmax "pt"; exit 1 } }' "$T/bbox.html"
	pdftotext -layout "$T/report.pdf" "$T/all.txt" 2>/dev/null
	expect "every page names the case" test "$(grep -c "$aid" "$T/all.txt")" -ge "${pages:-1}"
else
	for d in "chromium prints report.html to PDF" "page 1 holds the case id" "and the value in its currency" \
		"no page is wider than A4" "no table is wider than the page" "every page names the case"; do
		skip "$d" "chromium or poppler-utils (pdftotext, pdfinfo) not installed"
	done
fi

# A network too big for one picture is drawn in parts, each legible on A4.
mkdir -p "$T/chain/d"
{ echo "seller_id,platform,shop_name,owner_name,registered_at,phone,email,address,return_address,status"
  for i in $(seq 1 35); do echo "S$i,shopx,Shop $i,Owner $i,2026-01-05T10:00:00Z,,,,,active"; done; } >"$T/chain/d/sellers.csv"
{ echo "seller_id,device_id,ip,user_agent,at"
  for i in $(seq 1 34); do echo "S$i,dev-$i-abcdef,,,2026-02-01T00:00:00Z"; echo "S$((i + 1)),dev-$i-abcdef,,,2026-02-01T00:00:00Z"; done; } >"$T/chain/d/logins.csv"
ck init -q "$T/chain.db" && ck ingest -q -d "$T/chain.db" "$T/chain/d" && ck link -q -d "$T/chain.db" >/dev/null
run case new -d "$T/chain.db" "Chain" --lead seller:S1
check_exit 0 "a case of a 35-account network exports" export -d "$T/chain.db" "$(cat "$T/out")" -o "$T/chain.tar.gz"
mkdir "$T/chx" && tar -C "$T/chx" -xzf "$T/chain.tar.gz"
expect "its network is drawn in two parts" sh -c "grep -c 'part [12] of 2' '$T/chx/chain/data/report/report.html' | grep -qx 2"
if grep -q '<svg' "$T/chx/chain/data/report/report.html" && command -v python3 >/dev/null; then
	expect "each with at most 30 accounts and the accounts it touches" python3 -c "
import re, sys
html = open(sys.argv[1], encoding='utf-8').read()
svgs = re.findall(r'<svg.*?</svg>', html, re.S)
counts = [len(re.findall(r'class=\"node\"', s)) for s in svgs]
sys.exit(0 if len(counts) == 2 and all(c <= 31 for c in counts) and sum(counts) >= 35 else 1)" "$T/chx/chain/data/report/report.html"
else
	skip "each with at most 30 accounts" "casekit built without Graphviz, or no python3"
fi

# A case from leads alone, before any link run, still exports.
load "$T/db2"
run case -d "$T/db2" new "Plain" --lead listing:L4
check_exit 0 "a case without networks exports" export -d "$T/db2" CASE-$Y-0001 -o "$T/plain.tar.gz"
check_grep "and verifies" ": valid: " verify "$T/plain.tar.gz"
# Formula injection: a cell a spreadsheet would run gets a leading ', numbers stay numbers.
mkdir -p "$T/evil/dump"
cat >"$T/evil/dump/sellers.csv" <<'CSV'
seller_id,platform,shop_name,owner_name,registered_at,phone,email,address,return_address,status
S1,shopx,"=cmd|' /C calc'!A0",-2+3+cmd|x,2026-01-05T10:00:00Z,+8613800000001,a@example.com,@SUM(1+1),,active
S2,shopx,"=HYPERLINK(""http://x"")",@SUM(1+1),2026-01-05T10:00:00Z,+8613800000001,b@example.com,+1 street,,active
CSV
cat >"$T/evil/dump/listings.csv" <<'CSV'
listing_id,seller_id,title,brand,category,price,currency,created_at,status,image_text,url
L1,S1,=1+1 Rolex,Rolex,watches,-5.00,EUR,2026-03-01T00:00:00Z,active,,
L2,S2,-cheap,Nike,shoes,12.50,EUR,2026-03-01T00:00:00Z,active,,
CSV
ck init -q "$T/evil.db" && (cd "$T/evil" && "$CASEKIT" ingest -q -d "$T/evil.db" dump) && ck link -q -d "$T/evil.db" >/dev/null
run case new -d "$T/evil.db" "Formula ring" --lead seller:S1 --lead seller:S2
eid=$(cat "$T/out")
check_exit 0 "a case with formula-like names exports" export -d "$T/evil.db" "$eid" -o "$T/evil.tar.gz"
mkdir "$T/ex" && tar -C "$T/ex" -xzf "$T/evil.tar.gz"
if command -v python3 >/dev/null; then
	cat >"$T/cells.py" <<'PY'
import csv, glob, re, sys
num = re.compile(r'^[+-]?[0-9]+(\.[0-9]+)?$')
bad, seen = [], set()
for f in glob.glob(sys.argv[1] + '/*/data/tables/*.csv'):
    for row in csv.reader(open(f, newline='', encoding='utf-8')):
        for c in row:
            seen.add(c)
            if c and c[0] in '=+-@\t\r' and not num.match(c):
                bad.append((f.split('/')[-1], c))
for want in ["'=cmd|' /C calc'!A0", "'=HYPERLINK(\"http://x\")", "'-2+3+cmd|x", "'@SUM(1+1)"]:
    if want not in seen:
        bad.append(('missing', want))
print(bad)
sys.exit(1 if bad else 0)
PY
	expect "no CSV cell starts with = + - @ unless it is a number" python3 "$T/cells.py" "$T/ex"
else
	skip "no CSV cell starts with = + - @ unless it is a number" "python3 not installed"
fi
expect "no DOT label starts with =" sh -c "! grep -F '\"=' '$T'/ex/*/data/graph/network.dot"
expect "and the package verifies" sh -c "'$CASEKIT' verify '$T/evil.tar.gz' | grep -q ': valid: '"
# A title, recipient or name with a line break cannot add labels of its own to the tag files.
run case new -d "$T/evil.db" "$(printf 'Ring\nBagging-Date: 1999-01-01\r')" --lead seller:S1
check_exit 0 "a case titled across lines exports" export -d "$T/evil.db" "$(cat "$T/out")" -o "$T/lines.tar.gz" \
	--recipient "$(printf 'Unit\nSource-Organization: EVIL')" --analyst "$(printf 'an\nExported-By: x')" \
	--organization "$(printf 'Org\nContact-Name: x')"
mkdir "$T/lx" && tar -C "$T/lx" -xzf "$T/lines.tar.gz"
expect "each label of bag-info.txt stays once, on its line" sh -c "cd '$T/lx/lines' &&
	test \"\$(grep -c '^Bagging-Date: ' bag-info.txt) \$(grep -c '^Source-Organization: ' bag-info.txt) \$(grep -c '^Contact-Name: ' bag-info.txt)\" = '1 1 1' &&
	grep -qx 'Case-Referral-Recipient: Unit Source-Organization: EVIL' bag-info.txt && ! grep -q \"\$(printf '\r')\" bag-info.txt"
expect "and of certification.txt" sh -c "test \"\$(grep -c '^Exported-By: ' '$T/lx/lines/certification.txt')\" = 1"
check_grep "and the package verifies" ": valid: " verify "$T/lines.tar.gz"
# -o never writes through a symlink, over the store, a key or any existing file.
ln -s "$T/elsewhere.tar.gz" "$T/dangling.tar.gz"
check_exit 73 "-o naming a symlink is refused" export "$id" -o "$T/dangling.tar.gz"
expect "and nothing is written where it points" test ! -e "$T/elsewhere.tar.gz"
check_grep "and it says why" "is a symbolic link" export "$id" -o "$T/dangling.tar.gz"
sqlite_only_begin "a server store is no file for -o to name"
cp "$T/db" "$T/db.before"
check_exit 73 "-o naming the store is refused" export "$id" -o "$T/db"
expect "and the store is untouched" cmp "$T/db" "$T/db.before"
sqlite_only_end
cp "$T/key" "$T/key.before"
check_exit 73 "-o naming the signing key is refused" export "$id" -o "$T/key" --sign "$T/key"
expect "and the key is untouched" cmp "$T/key" "$T/key.before"
expect "no temporary file is left behind" sh -c "! ls '$T' | grep -q '\.tmp\.'"
# Export reads again only the spans of a source that hold cited rows (source_marks, #15): the
# rows are those a whole read gives, for plain and gzip files and for a quoted field with a
# line break; a file changed under a cited row, even at its size, or moved, is named and left out.
mkdir -p "$T/sp" && ck synth -q -o "$T/sp/dump" --sellers 300 --seed 7
python3 - "$T/sp/dump" >"$T/sp/lead" <<'PY' || fail "make the quoted line breaks"
import csv, io, sys
path = sys.argv[1] + "/sellers.csv"
rows = list(csv.reader(open(path, newline="")))
h = rows[0]
shop = h.index("shop_name")
rows[100][shop] = "before\nthe lead"         # an uncited row: later lines are not records
rows[200][shop] = "Lead Shop\nsecond line"   # the lead's own row, two lines
out = io.StringIO()
csv.writer(out, lineterminator="\n").writerows(rows)
open(path, "w", newline="").write(out.getvalue())
print(rows[200][h.index("seller_id")])
PY
lead=$(cat "$T/sp/lead")
item=$(awk -F, -v s="$lead" '$2 == s { print $1; exit }' "$T/sp/dump/listings.csv")
gzip -n "$T/sp/dump/listings.csv" "$T/sp/dump/orders.csv"
ck init -q "$T/sp/s.db" && (cd "$T/sp" && "$CASEKIT" ingest -q -d "$T/sp/s.db" dump) &&
	ck screen -q -d "$T/sp/s.db" >/dev/null && ck link -q -d "$T/sp/s.db" >/dev/null &&
	ck case new -q -d "$T/sp/s.db" "spans" --lead "seller:$lead" --lead "listing:$item" >"$T/out"
sid=$(cat "$T/out")
# a server store is in no folder: its relative sources are found from where ingest ran
here=$PWD
[ -z "$ON_PG" ] || cd "$T/sp"
check_exit 0 "a store with marks exports" export -d "$T/sp/s.db" "$sid" -o "$T/sp/marked.tar.gz"
mkdir "$T/spx" && tar -C "$T/spx" -xzf "$T/sp/marked.tar.gz"
M="$T/spx/marked/data/sources"
expect "the lead's row is in the package with its line break, at the line it starts on" python3 -c "
import csv, sys
got = [r for r in csv.DictReader(open('$M/sellers.csv', newline='')) if r['seller_id'] == '$lead']
f = csv.reader(open('$T/sp/dump/sellers.csv', newline=''))
end = 0
for r in f:
    if r[0] == '$lead':
        break
    end = f.line_num
sys.exit(not (len(got) == 1 and got[0]['shop_name'] == 'Lead Shop\\nsecond line' and int(got[0]['line']) == end + 1))"
expect "rows of gzip sources are there too" sh -c "test -s '$M/listings.csv' -a -s '$M/orders.csv' && grep -q '^[0-9]*,$item,$lead,' '$M/listings.csv'"
if command -v sqlite3 >/dev/null; then
	expect "the files were marked in spans, gzip ones too" test "$(sqlite3 "$T/sp/s.db" "select count(distinct s.kind) from source_marks m
		join sources s using (source_id) where s.kind in ('sellers', 'listings', 'orders')
		group by s.kind having count(*) > 1" | wc -l)" = 3
	# The same store without marks (as ingested before schema 5) reads each file whole.
	cp "$T/sp/s.db" "$T/sp/whole.db" && sqlite3 "$T/sp/whole.db" "delete from source_marks"
	mkdir -p "$T/sp/w" && run export -d "$T/sp/whole.db" "$sid" -o "$T/sp/w/marked.tar.gz"
	mkdir "$T/spw" && tar -C "$T/spw" -xzf "$T/sp/w/marked.tar.gz"
	expect "every cited row is as a whole read of each file gives it" diff -r "$M" "$T/spw/marked/data/sources"
else
	skip "the files were marked in spans, gzip ones too" "sqlite3 not installed"
	skip "every cited row is as a whole read of each file gives it" "sqlite3 not installed"
fi
# One byte of the lead's row changed, the file's size as it was.
sed -i "s/^$lead,/$lead;/" "$T/sp/dump/sellers.csv"
mv "$T/sp/dump/orders.csv.gz" "$T/sp/orders.csv.gz"
run export -d "$T/sp/s.db" "$sid" -o "$T/sp/changed.tar.gz"
expect "a source changed under a cited row is named" grep -q "source 'sellers.csv': changed since it was ingested" "$T/err"
expect "and so is one moved away" grep -q "source 'orders.csv.gz': not found at export" "$T/err"
mkdir "$T/spc" && tar -C "$T/spc" -xzf "$T/sp/changed.tar.gz"
expect "their rows stay out, and the others are there" sh -c "test ! -e '$T/spc/changed/data/sources/sellers.csv' -a ! -e '$T/spc/changed/data/sources/orders.csv' && cmp '$M/listings.csv' '$T/spc/changed/data/sources/listings.csv'"
cd "$here"
# "Also used by": the case's own holders by name, the others as a count of accounts (one
# holding the card twice counts once), read from the payment identifiers alone.
load "$T/dbpay" || fail "ingest the fixture dump again"
mkdir -p "$T/paymore"
printf 'seller_id,instrument_type,instrument_id,holder_name,bank,added_at\nS1,card,4111111111111234,Li Wei,ICBC,2026-03-01T00:00:00Z\nS3,card,4111111111111234,Ann Lee,ICBC,2026-03-02T00:00:00Z\nS3,card,4111111111111234,Ann Lee,ICBC,2026-03-03T00:00:00Z\nS4,card,4111111111111234,Bo Chen,ICBC,2026-03-04T00:00:00Z\n' >"$T/paymore/payments2.csv"
(cd "$T" && "$CASEKIT" ingest -q -d "$T/dbpay" -k payments paymore/payments2.csv) || fail "ingest more payments"
run case -d "$T/dbpay" new "Shared card" --lead seller:S1 --lead seller:S2
pid=$(cat "$T/out")
check_exit 0 "export of a case whose card others share" export -d "$T/dbpay" "$pid" -o "$T/pay.tar.gz"
mkdir "$T/payx" && tar -C "$T/payx" -xzf "$T/pay.tar.gz"
expect "the report names the case's other holder and counts the 2 outside it" \
	grep -qF '<td>Wang Fang</td><td class="nw">2026-02-10</td><td>S1 (and 2 accounts outside the case)</td>' "$T"/payx/*/data/report/report.html
expect "ingest made the index that counts them" test "$(sqlite3 "$T/dbpay" "SELECT count(*) FROM sqlite_master WHERE name = 'payments_instrument'")" = 1
sqlite3 "$T/dbpay" "DROP INDEX payments_instrument"
check_exit 0 "a store without that index exports too" export -d "$T/dbpay" "$pid" -o "$T/pay2.tar.gz"
mkdir "$T/payx2" && tar -C "$T/payx2" -xzf "$T/pay2.tar.gz"
expect "and counts the same accounts through the payment identifiers" \
	grep -qF '<td>Wang Fang</td><td class="nw">2026-02-10</td><td>S1 (and 2 accounts outside the case)</td>' "$T"/payx2/*/data/report/report.html
done_testing
