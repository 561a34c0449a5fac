#!/usr/bin/env python3
# synth_store.py - after `casekit ingest` of a synth dump: do casekit's own normalisers give
# every shared phone, email, device and payment of an operation one value, held by exactly
# the sellers truth.json names, and mark the innocent hubs as never linking? Addresses are
# left out while the address normaliser is a stub. Prints one problem a line; exits 1 if any.
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
        elif kind == "payment":
            # Stored as a keyed hash: find the one value all holders share.
            q = ("select value from identifiers where kind = 'payment' and holder_id in (%s)"
                 " group by value having count(distinct holder_id) = ?" % ",".join("?" * len(want)))
            vals = [r[0] for r in c.execute(q, (*sorted(want), len(want)))]
            got = holders(kind, vals[0]) if len(vals) == 1 else set()
        else:
            continue
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
for p in problems[:40]:
    print(p)
sys.exit(1 if problems else 0)
