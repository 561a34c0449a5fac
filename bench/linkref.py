#!/usr/bin/env python3
"""linkref.py - the plain reference linker that accuracy-link.sh compares casekit link with.

usage: linkref.py STORE > members.tsv
Exact matches on lightly cleaned raw values (case folded, spaces and - ( ) + . { } removed;
payments by their keyed hash, the only form stored), every kind but building keys and IPs
without the same-day rule, one fixed cap: a value held by more than 20 sellers links nobody.
Prints network_id, seller_id as casekit link --members -f tsv does.
"""
import re
import sqlite3
import sys
from collections import defaultdict

CAP = 20
clean = re.compile(r"[\s\-()+.{}]")
db = sqlite3.connect(sys.argv[1])
db.text_factory = lambda b: b.decode("utf-8", "replace")
groups = defaultdict(set)
for holder, kind, value, raw in db.execute(
        # (a raw that only repeats the value is NULL since schema 7)
        "SELECT holder_id, kind, value, coalesce(raw, value) FROM identifiers"
        " WHERE holder_kind = 'seller' AND kind <> 'address_building'"):
    v = value if kind == "payment" or raw is None else clean.sub("", raw.casefold())
    if v:
        groups[(kind, v)].add(holder)
parent = {}


def find(x):
    parent.setdefault(x, x)
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


for holders in groups.values():
    if 2 <= len(holders) <= CAP:
        hs = sorted(holders)
        for h in hs[1:]:
            a, b = find(hs[0]), find(h)
            if a != b:
                parent[b] = a
nets = defaultdict(list)
for x in list(parent):
    nets[find(x)].append(x)
print("network_id\tseller_id")
for root, members in sorted(nets.items()):
    if len(members) > 1:
        for m in sorted(members):
            print(f"ref:{root}\t{m}")
