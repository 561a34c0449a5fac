#!/usr/bin/env python3
# synth_store.py - after `casekit ingest` of a synth dump: do casekit's own normalisers give
# every shared phone, email, device, payment and flat of an operation one value, held by
# exactly the sellers truth.json names, and count and mark the innocent hubs as truth says?
# Prints one problem a line; exits 1 if any.
import json, sqlite3, sys

d, db = sys.argv[1], sys.argv[2]
t = json.load(open(d + "/truth.json", encoding="utf-8"))
c = sqlite3.connect(db)
problems = []


def holders(kind, value):
    return {r[0] for r in c.execute(
        "select distinct holder_id from identifiers where holder_kind = 'seller' and kind = ?"
        " and value = ?", (kind, value))}


checked = 0
for op in t["operations"]:
    for sh in op["shared"]:
        kind, want = sh["kind"], set(sh["holders"])
        if kind in ("phone", "email", "device"):
            got = holders(kind, sh["value"])
        else:
            # A keyed hash, or an address key of the normaliser's own making: among the values
            # all holders share (a forwarder's warehouse may be one more), one must be held by
            # exactly them.
            q = ("select value from identifiers where kind = ? and holder_id in (%s)"
                 " group by value having count(distinct holder_id) = ?" % ",".join("?" * len(want)))
            sets = [holders(kind, r[0]) for r in c.execute(q, (kind, *sorted(want), len(want)))]
            got = want if want in sets else (sets[0] if sets else set())
        checked += 1
        if got != want:
            problems.append(f"{op['id']} {kind} {sh['value']}: store has {sorted(got)}, "
                            f"truth {sorted(want)}")
if not checked:
    problems.append("no shared value was checked")
for hub in t["hubs"]:
    if hub["kind"] not in ("device", "ip"):
        continue
    n, flags = c.execute("select count(distinct holder_id), group_concat(distinct flags) from"
                         " identifiers where kind = ? and value = ?",
                         (hub["kind"], hub["value"])).fetchone()
    if n != hub["holders"]:
        problems.append(f"hub {hub['value']}: {n} holders in the store, truth {hub['holders']}")
    if n and "nolink" not in (flags or ""):
        problems.append(f"hub {hub['value']} is not marked nolink: {flags}")
# The forwarder's warehouse: the key of the forwarder party's own address.
fwd = [h for h in t["hubs"] if h["kind"] == "address_unit"][0]
row = c.execute("select value from identifiers where holder_kind = 'party' and holder_id = ?"
                " and kind = 'address_unit'", (t["forwarder"],)).fetchone()
n = len(holders("address_unit", row[0])) if row else -1
if n != fwd["holders"]:
    problems.append(f"forwarder warehouse: {n} sellers in the store, truth {fwd['holders']}")
# The aggregator's account: the payment value most sellers hold.
agg = [h for h in t["hubs"] if h["kind"] == "payment"][0]
row = c.execute("select count(distinct holder_id) n from identifiers where kind = 'payment'"
                " group by value order by n desc limit 1").fetchone()
if not row or row[0] != agg["holders"]:
    problems.append(f"aggregator account: {row and row[0]} sellers in the store, truth "
                    f"{agg['holders']}")
for p in problems[:40]:
    print(p)
sys.exit(1 if problems else 0)
