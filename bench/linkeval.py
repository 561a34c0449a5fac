#!/usr/bin/env python3
"""linkeval.py - score networks against ground truth: pairwise P R F1, B-cubed P R F1.

usage: linkeval.py TRUTH MEMBERS
TRUTH: one record a line, "record<TAB>cluster" (every record, a singleton has its own cluster).
MEMBERS: `casekit link --members -f tsv` (header network_id, seller_id); records not in it
stand alone. Prints one line: pairs_true pairs_found P R F1 b3P b3R b3F1 largest.
"""
import sys
from collections import defaultdict


def load(truth_path, members_path):
    truth = {}
    with open(truth_path) as f:
        for line in f:
            rec, _, cl = line.rstrip("\n").partition("\t")
            if rec:
                truth[rec] = cl
    found = {}
    with open(members_path) as f:
        next(f, None)
        for line in f:
            net, _, rec = line.rstrip("\n").partition("\t")
            if rec in truth:
                found[rec] = net
    for rec in truth:
        found.setdefault(rec, "single:" + rec)
    return truth, found


def groups(assign):
    g = defaultdict(set)
    for rec, c in assign.items():
        g[c].add(rec)
    return g


def main():
    truth, found = load(sys.argv[1], sys.argv[2])
    tg, fg = groups(truth), groups(found)
    pairs = lambda g: sum(len(s) * (len(s) - 1) // 2 for s in g.values())
    tp = 0
    for s in fg.values():
        cnt = defaultdict(int)
        for r in s:
            cnt[truth[r]] += 1
        tp += sum(n * (n - 1) // 2 for n in cnt.values())
    pt, pf = pairs(tg), pairs(fg)
    p = tp / pf if pf else 1.0
    r = tp / pt if pt else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    bp = br = 0.0
    for rec in truth:
        c, t = fg[found[rec]], tg[truth[rec]]
        inter = len(c & t)
        bp += inter / len(c)
        br += inter / len(t)
    n = len(truth)
    bp, br = bp / n, br / n
    bf = 2 * bp * br / (bp + br) if bp + br else 0.0
    largest = max(len(s) for s in fg.values())
    print(f"{pt} {pf} {p:.4f} {r:.4f} {f1:.4f} {bp:.4f} {br:.4f} {bf:.4f} {largest}")


if __name__ == "__main__":
    main()
