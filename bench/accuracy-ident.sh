#!/usr/bin/env bash
# accuracy-ident.sh - do the normalisers give every spelling of a planted identifier one key?
#
#   bench/accuracy-ident.sh [SELLERS [SEEDS...]]     default 20000 sellers, seeds 1 2
#
# casekit synth plants operations whose sellers share a phone, an email, an address, a device
# or a payment instrument, each holder spelling it its own way (+86 138-... / 0086 138... /
# full-width digits, gmail dots and +tags, 幢/座/栋 and 房/室, Flat/Unit, Rd/Road, GUID braces,
# card separators), and near-miss pairs of honest sellers who must stay apart (a neighbouring
# flat, a similar name). After casekit ingest, counted per kind: shared identifiers whose
# holders all got one common key (joined) or not (split), and near-miss pairs that share a
# key other than a hub (a value held by more than 20 sellers, which linking caps anyway).
# Target: every shared identifier joined, no near-miss pair joined.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_args "1 2" "$@"

for seed in $SEEDS; do
	bench_store "$seed"
done

D="$D" SEEDS="$SEEDS" python3 - <<'PY'
import collections, json, os, sqlite3
D = os.environ["D"]
total = collections.Counter()
near = collections.Counter()
npairs = 0
for seed in os.environ["SEEDS"].split():
    truth = json.load(open(f"{D}/s{seed}/truth.json"))
    db = sqlite3.connect(f"{D}/s{seed}.db")
    keys = collections.defaultdict(lambda: collections.defaultdict(set))
    for h, k, v in db.execute(
            "select holder_id, kind, value from identifiers where holder_kind = 'seller'"):
        keys[h][k].add(v)
    holders = collections.Counter()
    for k, v, n in db.execute("select kind, value, count(distinct holder_id) "
                              "from identifiers group by kind, value"):
        holders[(k, v)] = n
    for op in truth["operations"]:
        for sh in op["shared"]:
            kind = "address_unit" if sh["kind"].startswith("address") else sh["kind"]
            sets = [keys[h][kind] for h in sh.get("holders", op["sellers"])]
            total[(kind, "joined" if sets and set.intersection(*sets) else "split")] += 1
    for a, b in truth["near_misses"]:
        npairs += 1
        for kind in ("phone", "email", "address_unit", "device", "payment"):
            if any(holders[(kind, v)] <= 20 for v in keys[a][kind] & keys[b][kind]):
                near[kind] += 1
print(f"{'kind':<14}{'shared':>8}{'joined':>8}{'split':>8}{'near-miss joined':>18}")
for kind in ("phone", "email", "address_unit", "device", "payment"):
    j, s = total[(kind, "joined")], total[(kind, "split")]
    print(f"{kind:<14}{j + s:>8}{j:>8}{s:>8}{near[kind]:>18}")
print(f"near-miss pairs: {npairs}")
PY
