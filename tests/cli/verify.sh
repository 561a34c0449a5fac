#!/bin/bash
# verify.sh - casekit verify: BagIt bags from any tool, judged as RFC 8493 and the LoC
# conformance suite's categories say (fixtures are written here), and hostile archives
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

# remanifest DIR: sha256 payload and tag manifests for the bag in DIR
remanifest() {
	(cd "$1" && find data -type f | LC_ALL=C sort | xargs -r sha256sum >manifest-sha256.txt &&
		sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
}
# mkbag DIR [VERSION]: a small valid bag
mkbag() {
	mkdir -p "$1/data/sub"
	printf 'hello\n' >"$1/data/a.txt"
	printf 'world\n' >"$1/data/sub/b.txt"
	printf 'BagIt-Version: %s\nTag-File-Character-Encoding: UTF-8\n' "${2:-1.0}" >"$1/bagit.txt"
	printf 'Source-Organization: test\nPayload-Oxum: 12.2\n' >"$1/bag-info.txt"
	remanifest "$1"
}
# invalid DESC REGEX ARGS...: verify exits 1 and says REGEX
invalid() {
	local desc=$1 re=$2; shift 2
	run verify "$@"
	if [ "$rc" = 1 ] && grep -Eq -- "$re" "$T/out"; then pass "$desc"
	else fail "$desc" "exit $rc; wanted 1 and /$re/; $(cat "$T/out" "$T/err" | head -20)"; fi
}
# valid DESC ARGS...: verify exits 0
valid() {
	local desc=$1; shift
	run verify "$@"
	if [ "$rc" = 0 ] && grep -q ': valid: ' "$T/out"; then pass "$desc"
	else fail "$desc" "exit $rc; $(cat "$T/out" "$T/err" | head -20)"; fi
}
# warns DESC REGEX: the last run printed a warning matching REGEX on stderr
warns() {
	if grep -Eq -- "warning: .*$2" "$T/err"; then pass "$1"
	else fail "$1" "stderr: $(cat "$T/err")"; fi
}

check_grep "--help shows usage" "^usage: casekit verify" verify --help
check_exit 64 "no operand is a usage error" verify
check_exit 66 "a missing package exits 66" verify "$T/none.tar.gz"

mkbag "$T/ok/bag"
valid "a 1.0 bag folder is valid" "$T/ok/bag"
expect "the verdict names version, files and bytes" \
	grep -q "bag: valid: BagIt 1.0, 2 payload files, 12 bytes, sha256" "$T/out"
tar -C "$T/ok" -czf "$T/ok.tar.gz" bag
valid "the same bag as tar.gz is valid" "$T/ok.tar.gz"
tar -C "$T/ok" -cf "$T/ok.tar" bag
valid "and as plain tar" "$T/ok.tar"
tar -C "$T/ok" --format=pax -czf "$T/okpax.tar.gz" bag
valid "and as pax tar" "$T/okpax.tar.gz"
mkdir -p "$T/long/bag/data/$(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})"
mkbag "$T/long/bag"
echo deep >"$T/long/bag/data/$(printf 'd%.0s' {1..60})/$(printf 'e%.0s' {1..60})/$(printf 'f%.0s' {1..90}).txt"
remanifest "$T/long/bag"
sed -i 's/^Payload-Oxum: .*/Payload-Oxum: 17.3/' "$T/long/bag/bag-info.txt" && remanifest "$T/long/bag"
tar -C "$T/long" --format=gnu -czf "$T/long.tar.gz" bag
valid "GNU long names are read" "$T/long.tar.gz"
tar -C "$T/long" --format=pax -czf "$T/longpax.tar.gz" bag
valid "pax long names are read" "$T/longpax.tar.gz"

# Tampering: every single file of the bag, one byte changed, is caught.
n=0 caught=0
for f in $(cd "$T/ok/bag" && find . -type f | sort); do
	rm -rf "$T/flip" && cp -r "$T/ok/bag" "$T/flip"
	printf 'X' | dd of="$T/flip/$f" bs=1 seek=1 conv=notrunc 2>/dev/null
	n=$((n + 1))
	run verify "$T/flip"
	[ "$rc" = 1 ] && caught=$((caught + 1)) || echo "# not caught: $f (exit $rc)"
done
expect "a changed byte in any of the $n files is caught" test "$caught" = "$n"
rm -rf "$T/flip" && cp -r "$T/ok/bag" "$T/flip" && sed -i 's/hello/hellp/' "$T/flip/data/a.txt"
invalid "a corrupt payload file names the file" "data/a.txt: sha256 checksum differs" "$T/flip"
rm -rf "$T/flip" && cp -r "$T/ok/bag" "$T/flip" && echo "Contact-Name: x" >>"$T/flip/bag-info.txt"
invalid "a changed tag file is caught by the tag manifest" "bag-info.txt: sha256 checksum differs" "$T/flip"

# Completeness.
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && echo extra >"$T/x/data/extra.txt"
invalid "an extra payload file" "data/extra.txt is in the bag but not in manifest-sha256.txt" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && rm "$T/x/data/sub/b.txt"
invalid "a missing payload file" "data/sub/b.txt is listed in manifest-sha256.txt but missing" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && rm "$T/x/bag-info.txt"
invalid "a missing tag file listed in the tag manifest" "bag-info.txt is listed in tagmanifest" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && rm "$T/x/bagit.txt"
invalid "no bagit.txt" "bagit.txt is missing" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && rm -r "$T/x/data" && : >"$T/x/manifest-sha256.txt" &&
	sed -i 's/^Payload-Oxum: .*/Payload-Oxum: 0.0/' "$T/x/bag-info.txt"
invalid "no data folder" "payload folder data/ is missing" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && rm "$T/x/manifest-sha256.txt"
invalid "no payload manifest" "no payload manifest" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" &&
	(cd "$T/x" && sha512sum data/a.txt >manifest-sha512.txt)
invalid "not every manifest lists every file" "data/sub/b.txt is in the bag but not in manifest-sha512.txt" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && sed -i 's/^Payload-Oxum: .*/Payload-Oxum: 13.2/' "$T/x/bag-info.txt" && remanifest "$T/x"
invalid "a wrong Payload-Oxum" "Payload-Oxum says 13 bytes in 2 files; the payload has 12 bytes in 2 files" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && echo "Payload-Oxum: 12.2" >>"$T/x/bag-info.txt" && remanifest "$T/x"
invalid "a repeated Payload-Oxum" "Payload-Oxum repeats" "$T/x"

# bagit.txt.
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && printf 'BagIt-Version : 1.0\nTag-File-Character-Encoding: UTF-8\n' >"$T/x/bagit.txt" && remanifest "$T/x"
invalid "1.0: white space before the colon (the LoC validator misses it)" "white space around the colon" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && printf 'BagIt-Version: .97\nTag-File-Character-Encoding: UTF-8\n' >"$T/x/bagit.txt" && remanifest "$T/x"
invalid "a version that is not M.N" "'.97' is not MAJOR.MINOR" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && printf '\357\273\277BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n' >"$T/x/bagit.txt" && remanifest "$T/x"
invalid "a BOM in bagit.txt" "byte-order mark" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && printf 'BagIt-Version: 0.97\n' >"$T/x/bagit.txt" && remanifest "$T/x"
invalid "no Tag-File-Character-Encoding" "Tag-File-Character-Encoding is missing" "$T/x"

# Manifests: paths that escape, repeats, other tools' habits.
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x"
for p in ../../../README.md /tmp/foo '~/foo' '~root/foo' 'C:\foo' 'data\..\..\x' 'data/../../x'; do
	printf '%s  %s\n' "$(sha256sum <"$T/x/data/a.txt" | cut -d' ' -f1)" "$p" >>"$T/x/manifest-sha256.txt"
done
(cd "$T/x" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
run verify "$T/x"
expect "every escaping manifest path is refused (7 of 7)" test "$(grep -c 'is unsafe' "$T/out")" = 7
expect "and the bag is invalid" test "$rc" = 1
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && printf 'http://example.org/x 3 ../../../README.md\n' >"$T/x/fetch.txt"
invalid "an escaping fetch.txt path" "fetch.txt line 1: path '../../../README.md' is unsafe" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && printf 'http://example.org/x 3 C:\\\\data\\\\a.txt\nhttp://example.org/y 3 %%HomeDrive%%\\\\x\n' >"$T/x/fetch.txt"
run verify "$T/x"
expect "Windows fetch paths are refused on Linux too (the LoC validator misses them)" \
	test "$(grep -c 'fetch.txt line [12]: path .* is unsafe' "$T/out")" = 2
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && printf 'http://example.org/x 3 data/c.txt\n' >"$T/x/fetch.txt"
invalid "a fetch.txt file not in the manifest" "'data/c.txt' is not in manifest-sha256.txt" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && head -1 "$T/x/manifest-sha256.txt" | sed 's/^./0/' >>"$T/x/manifest-sha256.txt" && remanifest2=1
(cd "$T/x" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
invalid "a file listed twice with different checksums" "listed twice with different checksums" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && head -1 "$T/x/manifest-sha256.txt" >>"$T/x/manifest-sha256.txt"
(cd "$T/x" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
invalid "1.0: the same line twice" "listed twice \(BagIt 1.0: exactly once\)" "$T/x"
sed -i 's/1.0/0.97/' "$T/x/bagit.txt" && (cd "$T/x" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
valid "0.97: the same line twice is allowed" "$T/x"
warns "with a warning" "listed twice"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && sed -i 's/^[0-9a-f]*/zz&/' "$T/x/manifest-sha256.txt"
invalid "a malformed checksum" "is not a sha256 checksum" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && sed -i 's/^[0-9a-f]*/\U&/' "$T/x/manifest-sha256.txt"
(cd "$T/x" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
valid "upper-case hex is accepted" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && sed -i 's|  data/|  ./data/|' "$T/x/manifest-sha256.txt"
(cd "$T/x" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
valid "./data/ paths are accepted" "$T/x"
warns "with a warning" "a './' before"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && rm "$T/x/manifest-sha256.txt" &&
	(cd "$T/x" && md5sum -b data/a.txt data/sub/b.txt >manifest-md5.txt && md5sum bagit.txt bag-info.txt manifest-md5.txt >tagmanifest-md5.txt && rm tagmanifest-sha256.txt)
valid "md5sum -b manifests are accepted" "$T/x"
warns "with a warning on the '*'" "md5sum style"
warns "and on md5" "weak checksum"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && echo "x" >"$T/x/data/.DS_Store" && remanifest "$T/x" &&
	sed -i 's/^Payload-Oxum: .*/Payload-Oxum: 14.3/' "$T/x/bag-info.txt" && remanifest "$T/x"
valid "system files in the payload are kept" "$T/x"
warns "with a warning" "operating system made"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && mv "$T/x/data/a.txt" "$T/x/data/a 100%.txt" &&
	sed -i 's|data/a.txt|data/a 100%25.txt|' "$T/x/manifest-sha256.txt" &&
	(cd "$T/x" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
valid "1.0: %25 in a manifest is a percent sign, spaces are kept" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && printf 'BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-8\n' >"$T/x/bagit.txt" &&
	mv "$T/x/data/a.txt" "$T/x/data/a%7E.txt" && remanifest "$T/x"
valid "0.97: a literal %7E name" "$T/x"
# NFC vs NFD: the manifest says e + combining acute, the file system has é.
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && mv "$T/x/data/a.txt" "$T/x/data/caf$(printf '\303\251').txt" &&
	sed -i "s|data/a.txt|data/cafe$(printf '\314\201').txt|" "$T/x/manifest-sha256.txt" &&
	(cd "$T/x" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
valid "names are compared in Unicode NFC" "$T/x"

# Older bags and other encodings.
rm -rf "$T/old" && mkbag "$T/old" 0.97
sed -i 's/$/\r/' "$T/old/bagit.txt" "$T/old/manifest-sha256.txt"
printf 'Source-Organization : test\r\nPayload-Oxum:  12.2\r\nExternal-Description: a long\r\n  continued line\r\n' >"$T/old/bag-info.txt"
(cd "$T/old" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
valid "0.97: CRLF and loose separators" "$T/old"
rm -rf "$T/old" && mkbag "$T/old" 0.95 && mv "$T/old/bag-info.txt" "$T/old/package-info.txt" && rm "$T/old/tagmanifest-sha256.txt" &&
	sed -i 's/12.2/13.2/' "$T/old/package-info.txt"
invalid "0.95: package-info.txt is read" "Payload-Oxum says 13 bytes" "$T/old"
rm -rf "$T/old" && mkbag "$T/old" 0.97 && printf 'BagIt-Version: 0.97\nTag-File-Character-Encoding: ISO-8859-1\n' >"$T/old/bagit.txt" &&
	mv "$T/old/data/a.txt" "$T/old/data/$(printf 'caf\303\251').txt" &&
	printf '%s  data/caf\351.txt\n%s  data/sub/b.txt\n' "$(sha256sum <"$T/old/data/caf"*.txt | cut -d' ' -f1)" \
		"$(sha256sum <"$T/old/data/sub/b.txt" | cut -d' ' -f1)" >"$T/old/manifest-sha256.txt" &&
	printf 'Source-Organization: Soci\351t\351\nPayload-Oxum: 12.2\n' >"$T/old/bag-info.txt" &&
	(cd "$T/old" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt >tagmanifest-sha256.txt)
valid "0.97: ISO-8859-1 tag files" "$T/old"
if command -v iconv >/dev/null; then
	rm -rf "$T/old" && mkbag "$T/old" 0.97 && printf 'BagIt-Version: 0.97\nTag-File-Character-Encoding: UTF-16\n' >"$T/old/bagit.txt" &&
		for f in manifest-sha256.txt bag-info.txt; do iconv -f UTF-8 -t UTF-16 "$T/old/$f" >"$T/old/$f.16" && mv "$T/old/$f.16" "$T/old/$f"; done &&
		(cd "$T/old" && sha256sum bagit.txt bag-info.txt manifest-sha256.txt | iconv -f UTF-8 -t UTF-16 >tagmanifest-sha256.txt)
	valid "0.97: UTF-16 tag files with a BOM" "$T/old"
else
	skip "0.97: UTF-16 tag files with a BOM" "iconv not installed"
fi

# A bag in the payload is only payload.
rm -rf "$T/nest" && mkbag "$T/nest" && mkbag "$T/nest/data/inner" && sed -i 's/^Payload-Oxum: .*/Payload-Oxum: 0.0/' "$T/nest/bag-info.txt"
n=$(find "$T/nest/data" -type f | wc -l) b=$(find "$T/nest/data" -type f -exec cat {} + | wc -c)
sed -i "s/^Payload-Oxum: .*/Payload-Oxum: $b.$n/" "$T/nest/bag-info.txt" && remanifest "$T/nest"
valid "a bag inside the payload" "$T/nest"

# Folders with links and special files.
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && ln -s /etc/passwd "$T/x/data/pw"
invalid "a symbolic link in a bag folder is refused" "data/pw: a symbolic link" "$T/x"
rm -rf "$T/x" && cp -r "$T/ok/bag" "$T/x" && mkfifo "$T/x/data/fifo"
invalid "a FIFO in a bag folder is refused" "data/fifo: not a regular file" "$T/x"

# Hostile archives, made with Python's tarfile.
if command -v python3 >/dev/null; then
	mkhostile() {
		python3 - "$T/ok/bag" "$T/h" <<'PY'
import io, os, sys, tarfile
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
def bag(t, top="bag"):
    for root, dirs, files in os.walk(src):
        dirs.sort()
        rel = os.path.relpath(root, src)
        t.add(root, arcname=top if rel == "." else f"{top}/{rel}", recursive=False)
        for f in sorted(files):
            t.add(os.path.join(root, f), arcname=f"{top}/{rel}/{f}".replace("/./", "/"))
def member(t, name, typ=tarfile.REGTYPE, data=b"x", link=""):
    i = tarfile.TarInfo(name); i.type = typ; i.linkname = link
    if typ == tarfile.REGTYPE:
        i.size = len(data); t.addfile(i, io.BytesIO(data))
    else:
        t.addfile(i)
cases = {
    "abs": lambda t: member(t, "/etc/evil"),
    "dotdot": lambda t: member(t, "bag/../../evil"),
    "symlink": lambda t: member(t, "bag/data/link", tarfile.SYMTYPE, link="/etc/passwd"),
    "hardlink": lambda t: member(t, "bag/data/hard", tarfile.LNKTYPE, link="bag/data/a.txt"),
    "device": lambda t: member(t, "bag/data/dev", tarfile.CHRTYPE),
    "fifo": lambda t: member(t, "bag/data/fifo", tarfile.FIFOTYPE),
    "dup": lambda t: member(t, "bag/data/a.txt", data=b"hello\n"),
    "twotops": lambda t: member(t, "other/x"),
    "topfile": lambda t: member(t, "README"),
}
for name, add in cases.items():
    with tarfile.open(f"{out}/{name}.tar.gz", "w:gz", format=tarfile.USTAR_FORMAT) as t:
        bag(t); add(t)
PY
	}
	mkhostile
	invalid "an absolute member name" "'/etc/evil' is unsafe: it is absolute" "$T/h/abs.tar.gz"
	invalid "a '..' member name" "'bag/../../evil' is unsafe" "$T/h/dotdot.tar.gz"
	invalid "a symbolic link member" "'bag/data/link' is a link" "$T/h/symlink.tar.gz"
	invalid "a hard link member" "'bag/data/hard' is a link" "$T/h/hardlink.tar.gz"
	invalid "a device member" "'bag/data/dev' is a device" "$T/h/device.tar.gz"
	invalid "a FIFO member" "'bag/data/fifo' is a FIFO" "$T/h/fifo.tar.gz"
	invalid "a duplicate member (same content)" "'bag/data/a.txt' appears more than once" "$T/h/dup.tar.gz"
	invalid "a second top folder" "'other/x' lies outside the top folder 'bag'" "$T/h/twotops.tar.gz"
	invalid "a file beside the top folder" "'README' lies outside" "$T/h/topfile.tar.gz"
	expect "nothing was written outside" test ! -e /etc/evil -a ! -e "$T/evil"
else
	skip "hostile archives" "python3 not installed"
fi

# Archives that cannot be read.
head -c 300 "$T/ok.tar.gz" >"$T/trunc.tar.gz"
check_exit 65 "a truncated archive exits 65" verify "$T/trunc.tar.gz"
echo "not a tar file at all, just text" >"$T/junk.tar"
check_exit 65 "a file that is not tar exits 65" verify "$T/junk.tar"
cp "$T/ok.tar" "$T/badsum.tar" && printf 'Z' | dd of="$T/badsum.tar" bs=1 seek=10 conv=notrunc 2>/dev/null
check_grep "a bad header checksum is named" "bad header checksum at byte 0" verify "$T/badsum.tar"
: >"$T/empty.tar.gz"
check_exit 65 "an empty file exits 65" verify "$T/empty.tar.gz"
check_exit 1 "one invalid bag of two makes exit 1" verify "$T/ok/bag" "$T/h/abs.tar.gz"

# Signatures, made with openssl alone (an independent signer).
if command -v openssl >/dev/null; then
	run keygen "$T/key"
	fp=$(cat "$T/out")
	run keygen "$T/other"
	rm -rf "$T/s" && cp -r "$T/ok/bag" "$T/s"
	sig=$(openssl pkeyutl -sign -rawin -inkey "$T/key" -in "$T/s/tagmanifest-sha256.txt" | base64 -w0)
	printf 'Signature-Algorithm: Ed25519\nSigned-File: tagmanifest-sha256.txt\nKey-Fingerprint: %s\nSignature: %s\n' "$fp" "$sig" >"$T/s/signature.txt"
	valid "a signature by the key is good" --pubkey "$T/key.pub" "$T/s"
	expect "and the verdict names the signer" grep -q "signed by $fp" "$T/out"
	valid "without --pubkey the bag is valid" "$T/s"
	warns "and the signer is named but not checked" "signed by $fp"
	invalid "another key is refused" "signed by key $fp, not by" --pubkey "$T/other.pub" "$T/s"
	check_exit 1 "an unsigned bag is invalid under --pubkey" verify --pubkey "$T/key.pub" "$T/ok/bag"
	cp -r "$T/s" "$T/s2" && sed -i 's/^\([0-9a-f]\)/0\1/;s/^0\(.\{64\}\)/\1/' "$T/s2/tagmanifest-sha256.txt"
	sed -i '1s/^./f/' "$T/s2/tagmanifest-sha256.txt"
	invalid "a changed tag manifest breaks the signature" "does not verify" --pubkey "$T/key.pub" "$T/s2"
	check_exit 66 "a missing public key exits 66" verify --pubkey "$T/nokey.pub" "$T/s"
	check_exit 65 "a private key given as --pubkey is refused" verify --pubkey "$T/key" "$T/s"
	check_grep "saying to use the public key" "is a private key: check with its public key" verify --pubkey "$T/key" "$T/s"
	check_exit 65 "a public key that is not PEM exits 65" verify --pubkey "$T/s/bagit.txt" "$T/s"
else
	skip "signatures" "openssl not installed"
fi
done_testing
