#!/usr/bin/env python3
"""bagit_check.py - an independent check of a BagIt 1.0 bag with Python's standard library.

Usage: bagit_check.py PACKAGE.tar.gz|BAGDIR
Reads the archive with tarfile (never extracting it) or walks the folder, then checks what
RFC 8493 requires with hashlib alone: bagit.txt, every payload and tag manifest, that every
payload file is in every payload manifest and every listed file exists, Payload-Oxum, and
every checksum. Prints each problem and exits 1 when there is one, else prints "ok" and
exits 0. It shares no code with casekit, so the two check each other.
"""
import hashlib
import os
import sys
import tarfile


def load(path):
    files = {}
    if os.path.isdir(path):
        for root, _, names in os.walk(path):
            for n in names:
                full = os.path.join(root, n)
                with open(full, "rb") as f:
                    files[os.path.relpath(full, path).replace(os.sep, "/")] = f.read()
        return files
    with tarfile.open(path, "r:*") as t:
        tops = set()
        for m in t.getmembers():
            if not (m.isfile() or m.isdir()):
                raise SystemExit(f"{m.name}: not a file or folder")
            if m.name.startswith("/") or ".." in m.name.split("/"):
                raise SystemExit(f"{m.name}: unsafe name")
            tops.add(m.name.split("/")[0])
            if m.isfile():
                rel = m.name.split("/", 1)[1]
                if rel in files:
                    raise SystemExit(f"{m.name}: twice")
                files[rel] = t.extractfile(m).read()
        if len(tops) != 1:
            raise SystemExit(f"{len(tops)} top folders")
    return files


def manifest(files, name, problems):
    out = {}
    for n, line in enumerate(files[name].decode("utf-8").splitlines(), 1):
        digest, _, p = line.partition("  ")
        if not p:
            problems.append(f"{name} line {n}: malformed")
            continue
        if p in out:
            problems.append(f"{name} line {n}: {p} twice")
        out[p] = digest.lower()
    return out


def main():
    files = load(sys.argv[1])
    problems = []
    if files.get("bagit.txt") != b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n":
        problems.append("bagit.txt is not the BagIt 1.0 declaration")
    payload = {p for p in files if p.startswith("data/")}
    mans = sorted(p for p in files if p.startswith("manifest-") and p.endswith(".txt"))
    tags = sorted(p for p in files if p.startswith("tagmanifest-") and p.endswith(".txt"))
    if not mans:
        problems.append("no payload manifest")
    for name in mans + tags:
        alg = name.split("-", 1)[1][:-4]
        listed = manifest(files, name, problems)
        if name in mans and set(listed) != payload:
            problems.append(f"{name} lists {len(listed)} files, the payload has {len(payload)}")
        for p, digest in sorted(listed.items()):
            if p not in files:
                problems.append(f"{p} is in {name} but missing")
            elif hashlib.new(alg, files[p]).hexdigest() != digest:
                problems.append(f"{p}: {alg} differs")
    info = dict(l.split(": ", 1) for l in files.get("bag-info.txt", b"").decode().splitlines()
                if ": " in l)
    oxum = f"{sum(len(files[p]) for p in payload)}.{len(payload)}"
    if info.get("Payload-Oxum") != oxum:
        problems.append(f"Payload-Oxum {info.get('Payload-Oxum')} != {oxum}")
    for p in problems:
        print(p)
    print("ok" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
