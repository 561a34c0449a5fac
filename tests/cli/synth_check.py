#!/usr/bin/env python3
# synth_check.py - check a `casekit synth` dump against its truth.json, as a user would:
# every planted operation is joined through its shared identifiers once they are normalised
# (a small normaliser after the linking notes, section 1), every shared value and every hub is
# held by exactly the sellers truth names, near misses share a building but not a flat, and
# every id truth names exists. Prints one problem a line; exits 1 if there is any.
import csv, gzip, json, os, re, sys, unicodedata
from collections import defaultdict

d = sys.argv[1]
problems = []


def rows(kind):
    p = os.path.join(d, kind + ".csv")
    fp = open(p, newline="", encoding="utf-8") if os.path.exists(p) else \
        gzip.open(p + ".gz", "rt", newline="", encoding="utf-8")
    with fp:
        yield from csv.DictReader(fp)


def nfkc(s):
    return unicodedata.normalize("NFKC", s)


def phone(s):
    t = re.sub(r"\D", "", nfkc(s))
    if t.startswith("00"):
        t = t[2:]
    if len(t) == 11 and t[0] == "1":
        t = "86" + t
    return "+" + t


def email(s):
    local, _, dom = nfkc(s).strip().lower().rpartition("@")
    if dom == "googlemail.com":
        dom = "gmail.com"
    if dom in ("gmail.com", "outlook.com", "hotmail.com", "icloud.com"):
        local = local.split("+")[0]
    if dom == "gmail.com":
        local = local.replace(".", "")
    return local + "@" + dom


HK = {"unit": "flat", "rd": "road", "rd.": "road", "st": "street", "st.": "street",
      "hk": "hong kong"}


def address(s, building=False):
    s = nfkc(s)
    if re.search(r"[\u4e00-\u9fff]", s):
        s = re.sub(r"\s+", "", s).replace("幢", "栋").replace("座", "栋").replace("房", "室")
        s = re.sub(r"[^\s区市省]{2,3}(街道|镇)", "", s, count=1)
        s = s.replace("省", "").replace("市", "")
        return re.sub(r"\d+室$", "", s) if building else s
    toks = [HK.get(t, t) for t in re.split(r"[\s,]+", s.lower()) if t]
    if building:
        toks = toks[2:]
    return " ".join(toks)


def device(s):
    return re.sub(r"[{}\-]", "", s).lower()


def digits(s):
    return re.sub(r"\D", "", nfkc(s))


norm = {"phone": phone, "email": email, "address_unit": address, "device": device,
        "payment": digits, "ip": lambda s: s}

# Who holds which normalised value, per kind.
held = defaultdict(set)
sellers = set()
for r in rows("sellers"):
    sid = r["seller_id"]
    sellers.add(sid)
    if r["phone"]:
        held["phone", phone(r["phone"])].add(sid)
    if r["email"]:
        held["email", email(r["email"])].add(sid)
    for col in ("address", "return_address"):
        if r[col]:
            held["address_unit", address(r[col])].add(sid)
for r in rows("logins"):
    held["device", device(r["device_id"])].add(r["seller_id"])
    held["ip", r["ip"]].add(r["seller_id"])
for r in rows("payments"):
    if r["instrument_type"] in ("card", "bank"):
        held["payment", digits(r["instrument_id"])].add(r["seller_id"])

truth = json.load(open(os.path.join(d, "truth.json"), encoding="utf-8"))
if truth["sellers"] != len(sellers):
    problems.append(f"truth says {truth['sellers']} sellers, sellers.csv has {len(sellers)}")

in_op = set()
for op in truth["operations"]:
    members = set(op["sellers"])
    if not members <= sellers:
        problems.append(f"{op['id']}: unknown sellers {sorted(members - sellers)}")
    if members & in_op:
        problems.append(f"{op['id']}: sellers in two operations {sorted(members & in_op)}")
    in_op |= members
    parent = {m: m for m in members}

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for sh in op["shared"]:
        key = (sh["kind"], norm[sh["kind"]](sh["value"]))
        got = held.get(key, set())
        if got != set(sh["holders"]):
            problems.append(f"{op['id']}: {sh['kind']} {sh['value']} held by {sorted(got)}, "
                            f"truth says {sorted(sh['holders'])}")
        hs = [h for h in sh["holders"] if h in parent]
        for h in hs[1:]:
            parent[find(h)] = find(hs[0])
    roots = {find(m) for m in members}
    if len(roots) != 1:
        problems.append(f"{op['id']}: {len(members)} sellers fall into {len(roots)} parts")

for hub in truth["hubs"]:
    n = len(held.get((hub["kind"], norm[hub["kind"]](hub["value"])), ()))
    if n != hub["holders"]:
        problems.append(f"hub {hub['kind']} {hub['value']}: {n} holders, truth says "
                        f"{hub['holders']}")

addr = {r["seller_id"]: r["address"] for r in rows("sellers")}
for a, b in truth["near_misses"]:
    if a in in_op or b in in_op:
        problems.append(f"near miss {a} {b} is in an operation")
    if address(addr[a]) == address(addr[b]):
        problems.append(f"near miss {a} {b}: same flat")
    if address(addr[a], True) != address(addr[b], True):
        problems.append(f"near miss {a} {b}: not one building")

listings = {r["listing_id"] for r in rows("listings")}
cf, trap = set(truth["counterfeit_listings"]), set(truth["trap_listings"])
if not cf <= listings or not trap <= listings:
    problems.append("truth names listings that do not exist")
if cf & trap:
    problems.append("a listing is both counterfeit and a trap")
parties = {r["party_id"] for r in rows("parties")}
for op in truth["operations"]:
    if op["factory"] not in parties:
        problems.append(f"{op['id']}: unknown factory {op['factory']}")
if truth["carrier"] not in parties:
    problems.append("unknown carrier")

# References and the order of time: nothing happens before the account or the listing exists.
reg = {r["seller_id"]: r["registered_at"] for r in rows("sellers")}
lst = {}
for r in rows("listings"):
    lst[r["listing_id"]] = (r["seller_id"], r["created_at"])
    if r["seller_id"] not in reg:
        problems.append(f"listing {r['listing_id']}: unknown seller {r['seller_id']}")
    elif r["created_at"] < reg[r["seller_id"]]:
        problems.append(f"listing {r['listing_id']} created before its seller registered")
orders = set()
for r in rows("orders"):
    orders.add(r["order_id"])
    sel, created = lst.get(r["listing_id"], (None, None))
    if sel != r["seller_id"]:
        problems.append(f"order {r['order_id']}: listing {r['listing_id']} not of {r['seller_id']}")
    elif r["ordered_at"] < created:
        problems.append(f"order {r['order_id']} placed before its listing was created")
for r in rows("logins"):
    if r["at"] < reg.get(r["seller_id"], ""):
        problems.append(f"login of {r['seller_id']} at {r['at']} before it registered")
for r in rows("testbuys"):
    if r["order_id"] not in orders or r["listing_id"] not in lst:
        problems.append(f"test buy {r['testbuy_id']}: unknown order or listing")
    if r["verdict"] not in ("counterfeit", "genuine"):
        problems.append(f"test buy {r['testbuy_id']}: verdict {r['verdict']}")
    elif (r["verdict"] == "counterfeit") != (r["listing_id"] in cf):
        problems.append(f"test buy {r['testbuy_id']}: verdict disagrees with truth")
for r in rows("takedowns"):
    if r["listing_id"] not in lst:
        problems.append(f"notice {r['notice_id']}: unknown listing")
    if r["resolved_at"] and r["resolved_at"] < r["received_at"]:
        problems.append(f"notice {r['notice_id']} resolved before it was received")
ships = defaultdict(set)  # from -> to
for r in rows("shipments"):
    for end in ("from_id", "to_id"):
        if r[end] not in parties and r[end] not in reg:
            problems.append(f"shipment {r['shipment_id']}: unknown {end} {r[end]}")
    ships[r["from_id"]].add(r["to_id"])

# The upstream world trace is measured on: each factory feeds one or two operations, each
# through its two warehouses, which deliver to that operation's sellers and nobody else; the
# decoys (the factory's suppliers, the carrier) ship to the factory or nearly every seller.
feeds = defaultdict(list)
for op in truth["operations"]:
    feeds[op["factory"]].append(op["id"])
    whs = op.get("warehouses", [])
    if len(whs) != 2 or not all(w in ships[op["factory"]] for w in whs):
        problems.append(f"{op['id']}: its factory does not ship to two warehouses")
    served = set().union(*(ships[w] for w in whs)) if whs else set()
    if served != set(op["sellers"]):
        problems.append(f"{op['id']}: its warehouses serve {len(served)} sellers, "
                        f"not its {len(op['sellers'])}")
    for x in op.get("decoys", []):
        if x != truth["carrier"] and op["factory"] not in ships[x]:
            problems.append(f"{op['id']}: decoy {x} does not supply its factory")
for f, ops in feeds.items():
    if len(ops) > 2:
        problems.append(f"factory {f} feeds {len(ops)} operations")
if truth["operations"] and len(ships[truth["carrier"]]) < 0.9 * len(reg):
    problems.append(f"the carrier reaches {len(ships[truth['carrier']])} of {len(reg)} sellers")

for p in problems[:50]:
    print(p)
sys.exit(1 if problems else 0)
