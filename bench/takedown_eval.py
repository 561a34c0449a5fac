#!/usr/bin/env python3
"""takedown_eval.py - score casekit takedown triage against synth's notices_truth.json.

usage: takedown_eval.py TRIAGE.tsv NOTICES_TRUTH.json [TRUTH.json EXPAND.tsv...]
Prints the bars of issue 14: precision of express accepts, recall of valid notices, every
notice decided, every rejection with a reason; with truth.json and expand outputs, the
listings expand proposes and the share of them that are counterfeit.
"""
import csv
import json
import sys
from collections import Counter


def main():
    rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter="\t"))
    truth = {n["notice_id"]: n for n in json.load(open(sys.argv[2]))["notices"]}
    auto = [r for r in rows if r["decision"] == "accept"]
    valid_auto = sum(truth[r["notice_id"]]["valid"] for r in auto)
    valid = sum(n["valid"] for n in truth.values())
    decided = {r["notice_id"] for r in rows if r["decision"] in ("accept", "review", "reject")}
    rejects = [r for r in rows if r["decision"] == "reject"]
    print(f"notices\t{len(truth)}")
    print(f"decided\t{len(decided & set(truth))}\t{100 * len(decided & set(truth)) / len(truth):.1f}%")
    print(f"accepted_without_review\t{len(auto)}")
    print(f"accepted_valid\t{valid_auto}\t{100 * valid_auto / max(len(auto), 1):.2f}%\t(bar >= 99%)")
    print(f"valid_accepted\t{valid_auto}/{valid}\t{100 * valid_auto / max(valid, 1):.1f}%\t(bar >= 80%)")
    print(f"rejections_with_reason\t{sum(bool(r['reasons']) for r in rejects)}/{len(rejects)}")
    by = Counter((truth[r["notice_id"]]["class"], r["decision"]) for r in rows)
    for (c, d), k in sorted(by.items()):
        print(f"class\t{c}\t{d}\t{k}")
    if len(sys.argv) > 4:
        cf = set(json.load(open(sys.argv[3]))["counterfeit_listings"])
        listed = set()
        for path in sys.argv[4:]:
            for r in csv.DictReader(open(path, encoding="utf-8"), delimiter="\t"):
                listed.add(r["listing_id"])
        good = len(listed & cf)
        print(f"expand_notices\t{len(sys.argv) - 4}")
        print(f"expand_listings\t{len(listed)}\t(bar >= 100)")
        print(f"expand_counterfeit\t{good}\t{100 * good / max(len(listed), 1):.1f}%\t(bar >= 95%)")


if __name__ == "__main__":
    main()
