#!/bin/bash
# pipeline.sh - the applets chain through -f ids and --from -: screen | link | trace, and
# screen | case new, on a small synthetic dump whose truth.json says what they should find
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

applets=$("$CASEKIT" --list-commands)
need() {
	local a
	for a in "$@"; do
		printf '%s\n' "$applets" | grep -qx "$a" || { missing=$a; return 1; }
	done
}
if ! need synth ingest; then
	skip "pipelines" "casekit $missing has not landed"
	done_testing
fi
db=$T/db
ck synth -q -o "$T/dump" --sellers 200 --seed 7
ck init -q "$db"
ck ingest -q -d "$db" "$T/dump"
# truth KEY: one value a line from truth.json (operations' sellers, factories, listings)
truth() {
	python3 - "$T/dump/truth.json" "$1" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
k = sys.argv[2]
if k == "op_sellers":
    vals = [s for o in t["operations"] for s in o["sellers"]]
elif k == "factories":
    vals = [o["factory"] for o in t["operations"]]
else:
    vals = t[k] if isinstance(t[k], list) else [t[k]]
print("\n".join(str(v) for v in vals))
PY
}
# share FILE1 FILE2: how many lines of FILE1 are in FILE2
share() { grep -cxFf "$2" "$1" || true; }

if ! need screen; then
	skip "screen | link | trace" "casekit screen has not landed"
	skip "screen | case new" "casekit screen has not landed"
	done_testing
fi
"$CASEKIT" screen -d "$db" --min-score 70 -f ids >"$T/flagged.ids" 2>"$T/err"
n=$(wc -l <"$T/flagged.ids")
expect "screen -f ids prints typed listing ids" test "$n" -gt 0 -a "$(grep -vc '^listing:' "$T/flagged.ids")" = 0
sed 's/^listing://' "$T/flagged.ids" >"$T/flagged"
truth counterfeit_listings >"$T/fakes"
truth trap_listings >"$T/traps"
hits=$(share "$T/flagged" "$T/fakes")
expect "flagged listings are counterfeits planted by synth ($hits of $n; 80% or more)" \
	test $((hits * 100)) -ge $((n * 80))
expect "and at least half of the planted counterfeits are flagged" \
	test $((hits * 2)) -ge "$(wc -l <"$T/fakes")"
expect "no trap listing (genuine, but looks suspicious) reaches 70" test "$(share "$T/flagged" "$T/traps")" = 0

if need link trace; then
	"$CASEKIT" screen -d "$db" --min-score 70 -f ids 2>/dev/null |
		"$CASEKIT" link -d "$db" --from - -f ids 2>"$T/link.err" >"$T/linked.ids"
	expect "link --from - -f ids prints typed ids" test -s "$T/linked.ids" -a \
		"$(grep -Evc '^(seller|network):' "$T/linked.ids")" = 0
	sed -n 's/^seller://p' "$T/linked.ids" >"$T/linked"
	truth op_sellers >"$T/ops"
	expect "every seller of every planted operation comes out of link" \
		test "$(share "$T/ops" "$T/linked")" = "$(wc -l <"$T/ops")"
	"$CASEKIT" screen -d "$db" --min-score 70 -f ids 2>/dev/null |
		"$CASEKIT" link -d "$db" --from - -f ids 2>/dev/null |
		"$CASEKIT" trace -d "$db" --from - -f tsv >"$T/trace.tsv" 2>"$T/err"
	cut -f2 "$T/trace.tsv" | tail -n +2 >"$T/upstream"
	truth factories >"$T/factories"
	expect "screen | link | trace reaches every planted factory" \
		test "$(share "$T/factories" "$T/upstream")" = "$(wc -l <"$T/factories")"
	carrier=$(truth carrier)
	expect "the carrier that ships for everyone does not rank first" \
		test "$(sed -n 2p "$T/trace.tsv" | cut -f2)" != "$carrier"
else
	skip "screen | link | trace" "casekit $missing has not landed"
fi

if need case; then
	"$CASEKIT" screen -d "$db" --min-score 70 -f ids 2>/dev/null | tee "$T/leads.ids" |
		"$CASEKIT" case -d "$db" new "Pipeline" --from - >"$T/case.out" 2>"$T/err"
	id=$(head -1 "$T/case.out")
	expect "screen | case new --from - opens a case and prints its id" grep -Eq '^CASE-[0-9]{4}-[0-9]+$' "$T/case.out"
	run query -d "$db" -f tsv "select count(*) from case_leads where case_id = '$id' and kind = 'listing'"
	expect "every flagged listing is a lead of the case" test "$(tail -1 "$T/out")" = "$(wc -l <"$T/leads.ids")"
	if need link; then
		run query -d "$db" -f tsv "select seller_id from case_members where case_id = '$id'"
		expect "the case holds the planted operations' sellers" \
			test "$(share "$T/ops" "$T/out")" = "$(wc -l <"$T/ops")"
	fi
	"$CASEKIT" case -d "$db" show "$id" --section value -f tsv | tail -n +2 | cut -f1,3 | sort >"$T/v1"
	"$CASEKIT" stats -d "$db" --case "$id" -f tsv | sed -n 's/^case\.value\.//p' | sort >"$T/v2"
	expect "stats --case gives the value case show gives" test -s "$T/v1" -a "$(cat "$T/v1")" = "$(cat "$T/v2")"
else
	skip "screen | case new" "casekit case has not landed"
fi
done_testing
