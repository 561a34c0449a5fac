#!/usr/bin/env python3
"""gen.py - write sellers.csv: a seller list in the layout of a Brazilian marketplace's public
export (seller_id, seller_zip_code_prefix, seller_city, seller_state), with no street: only
city, state and the 5-digit zip prefix, so many strangers share a city and a prefix.

usage: python3 gen.py > sellers.csv   (deterministic: the same file every time)
Invented for casekit's tests (CC0); no row comes from a real list.
"""
import random

# (city as sellers type it, state, zip prefixes of that city); spellings vary as in real lists
CITIES = [
    (["sao paulo", "São Paulo", "SAO PAULO", "sao paulo - sp"], "SP",
     ["01310", "01046", "04195", "03089", "05422"]),
    (["campinas", "Campinas"], "SP", ["13023", "13087"]),
    (["rio de janeiro", "Rio de Janeiro"], "RJ", ["20040", "22790"]),
    (["belo horizonte", "Belo Horizonte"], "MG", ["30140", "31270"]),
    (["curitiba", "Curitiba"], "PR", ["80010", "81200"]),
    (["ibitinga"], "SP", ["14940"]),
]


def main():
    rnd = random.Random(12)
    print("seller_id,seller_zip_code_prefix,seller_city,seller_state")
    for i in range(1, 81):
        names, state, zips = CITIES[0] if i % 3 else rnd.choice(CITIES)
        z = rnd.choice(zips)
        if rnd.random() < 0.3:
            z = z.lstrip("0")  # a spreadsheet dropped the leading zero
        sid = "%032x" % rnd.getrandbits(128)
        print("%s,%s,%s,%s" % (sid, z, rnd.choice(names), state))


main()
