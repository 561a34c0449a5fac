#!/usr/bin/env python3
"""synthtruth.py - truth.json of casekit synth as "seller<TAB>cluster" lines for linkeval.py.

usage: synthtruth.py TRUTH_JSON SELLERS_CSV
Operation members get their operation id; every other seller is a cluster of its own.
"""
import csv
import json
import sys

truth = json.load(open(sys.argv[1]))
op = {}
for o in truth["operations"]:
    for s in o["sellers"]:
        op[s] = o["id"]
with open(sys.argv[2], newline="") as f:
    for row in csv.DictReader(f):
        s = row["seller_id"]
        print(f"{s}\t{op.get(s, 'single:' + s)}")
