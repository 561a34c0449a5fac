#!/usr/bin/env python3
"""tarshapes.py - craft tar.gz shapes of a bag folder for tests/cli/tarshapes.sh.

usage: tarshapes.py BAGDIR OUTDIR [bomb]
Writes OUTDIR/NAME.tar.gz for each shape and OUTDIR/index (NAME TAB want TAB regex): want is
'refused' (casekit verify must refuse it, naming the regex) or 'any' (refusing is fine, but
if casekit calls it valid, every tar reader must extract exactly the signed bag).
With 'bomb', writes only OUTDIR/bomb.tar.gz: the bag plus 24 unlisted 63 MiB tag files.
"""
import gzip, os, sys, tarfile, zlib

B = 512


def header(name, size=0, typ=b"0", magic=b"ustar\x0000", prefix=b"", link=b""):
    h = bytearray(B)
    h[0:len(name)] = name
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"%011o\0" % 1764547200
    h[148:156] = b" " * 8
    h[156:157] = typ
    h[157:157 + len(link)] = link
    h[257:265] = magic
    h[345:345 + len(prefix)] = prefix
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def member(name, data=b"", typ=b"0", **kw):
    return header(name, len(data), typ, **kw) + data + b"\0" * (-len(data) % B)


def pax(recs, typ=b"x"):
    body = b""
    for k, v in recs:
        rec = b" " + k + b"=" + v + b"\n"
        n = len(rec) + 1
        while len(b"%d" % n) + len(rec) != n:
            n += 1
        body += b"%d" % n + rec
    return member(b"PaxHeaders/x", body, typ)


def longname(name):
    return member(b"././@LongLink", name + b"\0", b"L", magic=b"ustar  \0")


def end(tar):
    tar += b"\0" * 1024
    return tar + b"\0" * (-len(tar) % 10240)


def gz(tar):
    return gzip.compress(tar, mtime=0)


def bag_members(src, skip=()):
    out = [member(b"bag/", typ=b"5")]
    for root, dirs, files in os.walk(src):
        dirs.sort()
        rel = os.path.relpath(root, src)
        base = "bag" if rel == "." else "bag/" + rel
        if rel != ".":
            out.append(member(base.encode() + b"/", typ=b"5"))
        for f in sorted(files):
            if f"{rel}/{f}".lstrip("./") in skip:
                continue
            with open(os.path.join(root, f), "rb") as fp:
                out.append(member(f"{base}/{f}".encode(), fp.read()))
    return b"".join(out)


def main():
    src, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    if sys.argv[3:] == ["bomb"]:
        # 24 x 63 MiB of zeros, streamed through zlib so that this script stays small too.
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        with open(f"{out}/bomb.tar.gz", "wb") as f:
            f.write(z.compress(bag_members(src)))
            zero = b"\0" * (1 << 20)
            for i in range(24):
                f.write(z.compress(header(b"bag/junk-%02d.txt" % i, 63 << 20)))
                for _ in range(63):
                    f.write(z.compress(zero))
            f.write(z.compress(b"\0" * 10240))
            f.write(z.flush())
        return
    base = bag_members(src)
    forged = b"<html>forged</html>\n"
    shapes = {
        # name: (tar bytes, want, regex naming the member)
        "pax_and_gnu_long": (base + pax([(b"path", b"bag/data/a.txt")]) +
                             longname(b"bag/README-POLICE.html") +
                             member(b"bag/README-POLICE.html", forged), "refused",
                             "bag/data/a.txt.*README-POLICE"),
        "gnu_long_and_pax": (base + longname(b"bag/README-POLICE.html") +
                             pax([(b"path", b"bag/data/a.txt")]) +
                             member(b"bag/README-POLICE.html", forged), "refused",
                             "bag/data/a.txt.*README-POLICE"),
        "global_path": (base + pax([(b"path", b"bag/data/a.txt")], b"g") +
                        member(b"bag/notes.txt", forged), "refused", "global.*bag/data/a.txt"),
        "sparse_name": (base + pax([(b"GNU.sparse.name", b"bag/data/a.txt")]) +
                        member(b"bag/notes.txt", forged), "refused", "GNU.sparse.name.*a.txt"),
        "sparse_type": (base + member(b"bag/data/s.txt", forged, b"S", magic=b"ustar  \0"),
                        "refused", "bag/data/s.txt.*sparse"),
        "contiguous": (base + member(b"bag/data/c.txt", forged, b"7"), "refused",
                       "bag/data/c.txt"),
        "long_link": (base + member(b"././@LongLink", b"x\0", b"K", magic=b"ustar  \0") +
                      member(b"bag/data/l", typ=b"2", link=b"x"), "refused", "long link"),
        "symlink": (base + member(b"bag/data/l", typ=b"2", link=b"/etc/passwd"), "refused",
                    "bag/data/l"),
        "hardlink": (base + member(b"bag/data/h", typ=b"1", link=b"bag/data/a.txt"), "refused",
                     "bag/data/h"),
        "dup_case": (base + member(b"bag/data/A.txt", b"hello\n"), "refused", "A.txt"),
        "dup_nfkc": (base + member("bag/data/\uff41.txt".encode(), b"hello\n"), "refused",
                     "a.txt"),
        "file_as_folder": (base + member(b"bag/data/a.txt/x", forged), "refused",
                           "bag/data/a.txt"),
        "outside_top": (base + member(b"other/x.html", forged), "refused", "other/x.html"),
        "absolute": (base + member(b"/bag/x.html", forged), "refused", "/bag/x.html"),
        "dotdot": (base + member(b"bag/../x.html", forged), "refused", "bag/../x.html"),
        "extra_top": (base + member(b"bag/README-POLICE.html", forged), "refused",
                      "README-POLICE.html"),
        "extra_sub": (base + member(b"bag/notes/x.html", forged), "refused", "notes/x.html"),
        "no_tagmanifest512": (bag_members(src, {"tagmanifest-sha512.txt"}), "refused",
                              "tagmanifest-sha512.txt"),
        "gnu_prefix": (base + member(b"x.html", forged, magic=b"ustar  \0", prefix=b"bag/data"),
                       "refused", "x.html"),
        "folder_content": (base + member(b"bag/data/d/", member(b"bag/data/z", forged)[:B],
                                         b"5"), "refused", "bag/data/d"),
        "slash_file": (base + member(b"bag/data/z/", b"", b"\0"), "refused", "bag/data/z/"),
        "pax_two_paths": (base + pax([(b"path", b"bag/x.html"), (b"path", b"bag/data/a.txt")]) +
                          member(b"bag/y", forged), "refused", "second path"),
        "v7": (base + member(b"bag/v7.html", forged, magic=b"\0" * 8), "refused", "not a ustar"),
        "lone_zero_block": (base + b"\0" * B + member(b"bag/README-POLICE.html", forged),
                            "refused", "after the end of the archive"),
        "pax_size": (base.replace(member(b"bag/data/a.txt", b"hello\n"),
                                  pax([(b"size", b"6")]) + header(b"bag/data/a.txt", 0) +
                                  b"hello\n" + b"\0" * (B - 6)), "any", ""),
        "benign": (base, "any", ""),
    }
    idx = []
    for name, (tar, want, rx) in shapes.items():
        data = gz(end(tar))
        with open(f"{out}/{name}.tar.gz", "wb") as f:
            f.write(data)
        idx.append(f"{name}\t{want}\t{rx}")
    ok = gz(end(base))
    for name, data, rx in [
            ("trailing_garbage", ok + b"garbage", "after the end of the gzip"),
            ("second_gzip_member", ok + gz(end(member(b"bag/README-POLICE.html", forged))),
             "after the end of the gzip"),
            ("nonzero_after_end", gz(end(base) + b"x"), "after the end of the archive")]:
        with open(f"{out}/{name}.tar.gz", "wb") as f:
            f.write(data)
        idx.append(f"{name}\trefused\t{rx}")
    for fmt, fname in [(tarfile.USTAR_FORMAT, "tarfile_ustar"), (tarfile.GNU_FORMAT, "tarfile_gnu"),
                       (tarfile.PAX_FORMAT, "tarfile_pax")]:
        with tarfile.open(f"{out}/{fname}.tar.gz", "w:gz", format=fmt) as t:
            t.add(src, arcname="bag")
        idx.append(f"{fname}\tany\t")
    with open(f"{out}/index", "w") as f:
        f.write("\n".join(idx) + "\n")


main()
