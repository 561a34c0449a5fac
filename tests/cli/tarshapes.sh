#!/bin/bash
# tarshapes.sh - casekit verify against GNU tar, bsdtar and Python's tarfile: for every crafted
# archive (tests/tarshapes.py), verify refuses it or all three extract exactly the signed bag
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

for tool in python3 openssl bsdtar; do
	if ! command -v $tool >/dev/null; then
		skip "tar shapes" "$tool not installed"
		done_testing
		exit 0
	fi
done
# A signed bag with sha256 and sha512 manifests, as casekit export makes them.
B=$T/bag
mkdir -p "$B/data/sub"
printf 'hello\n' >"$B/data/a.txt"
printf 'world\n' >"$B/data/sub/b.txt"
printf 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n' >"$B/bagit.txt"
printf 'Source-Organization: test\nPayload-Oxum: 12.2\n' >"$B/bag-info.txt"
(cd "$B" && for a in sha256 sha512; do find data -type f | LC_ALL=C sort | xargs ${a}sum >manifest-$a.txt; done &&
	for a in sha256 sha512; do ${a}sum bagit.txt bag-info.txt manifest-sha256.txt manifest-sha512.txt >tagmanifest-$a.txt; done)
run keygen "$T/key"
fp=$(cat "$T/out")
sig=$(openssl pkeyutl -sign -rawin -inkey "$T/key" -in "$B/tagmanifest-sha256.txt" | base64 -w0)
printf 'Signature-Algorithm: Ed25519\nSigned-File: tagmanifest-sha256.txt\nKey-Fingerprint: %s\nSignature: %s\n' "$fp" "$sig" >"$B/signature.txt"
valid_signed() { run verify --pubkey "$T/key.pub" "$1" && grep -q ": valid: .*signed by" "$T/out"; }
valid_signed "$B" && pass "the signed bag folder is valid" || fail "the signed bag folder is valid" "$(cat "$T/out" "$T/err")"

python3 "$TOP_SRCDIR/tests/tarshapes.py" "$B" "$T/s" || fail "tarshapes.py runs"
tar -C "$T" --format=gnu -czf "$T/s/gnutar_gnu.tar.gz" bag && printf 'gnutar_gnu\tany\t\n' >>"$T/s/index"
tar -C "$T" --format=pax -czf "$T/s/gnutar_pax.tar.gz" bag && printf 'gnutar_pax\tany\t\n' >>"$T/s/index"
bsdtar -C "$T" -czf "$T/s/bsdtar.tar.gz" bag && printf 'bsdtar\tany\t\n' >>"$T/s/index"
# The last 1 to 20 bytes cut, or one of them inverted: what gzip -t refuses, verify refuses.
# (Inverting the last deflate byte can touch only its padding bits, which no reader checks.)
for n in $(seq 1 20); do
	head -c -$n "$T/s/benign.tar.gz" >"$T/s/cut$n.tar.gz"
	printf 'cut%s\trefused\t(truncated|damaged|after the end)\n' "$n" >>"$T/s/index"
	cp "$T/s/benign.tar.gz" "$T/s/flip$n.tar.gz"
	size=$(stat -c %s "$T/s/flip$n.tar.gz")
	byte=$(od -An -tu1 -j $((size - n)) -N1 "$T/s/flip$n.tar.gz")
	printf "\\$(printf %o $((255 - byte)))" |
		dd of="$T/s/flip$n.tar.gz" bs=1 seek=$((size - n)) conv=notrunc 2>/dev/null
	if gzip -t "$T/s/flip$n.tar.gz" 2>/dev/null; then
		printf 'flip%s\tany\t\n' "$n" >>"$T/s/index"
	else
		printf 'flip%s\trefused\t(truncated|damaged|after the end)\n' "$n" >>"$T/s/index"
	fi
done

# extract TOOL ARCHIVE DIR: 0 when TOOL extracted ARCHIVE into DIR without complaint
extract() {
	rm -rf "$3" && mkdir -p "$3"
	case $1 in
	gnutar) tar -C "$3" -xzf "$2" 2>/dev/null ;;
	bsdtar) bsdtar -C "$3" -xf "$2" 2>/dev/null ;;
	tarfile) python3 -c 'import sys, tarfile
with tarfile.open(sys.argv[1]) as t: t.extractall(sys.argv[2])' "$2" "$3" 2>/dev/null ;;
	esac
}
while IFS=$'\t' read -r name want re; do
	a=$T/s/$name.tar.gz
	run verify --pubkey "$T/key.pub" "$a"
	if [ "$rc" = 0 ] && grep -q ": valid: .*signed by" "$T/out"; then
		if [ "$want" = refused ]; then
			fail "$name is refused" "verify said: $(cat "$T/out")"
			continue
		fi
		bad=
		for tool in gnutar bsdtar tarfile; do
			extract $tool "$a" "$T/x" && diff -r "$B" "$T/x/bag" >/dev/null &&
				[ "$(ls -A "$T/x")" = bag ] || bad="$bad $tool"
		done
		[ -z "$bad" ] && pass "$name: valid, and tar, bsdtar and tarfile extract the signed bag" ||
			fail "$name: valid, but$bad extract something else"
	elif [ "$want" = refused ]; then
		if grep -Eq -- "$re" "$T/out" "$T/err"; then pass "$name is refused, naming /$re/"
		else fail "$name is refused, naming /$re/" "exit $rc: $(cat "$T/out" "$T/err" | head -5)"; fi
	else
		pass "$name: refused ($(head -1 "$T/err" "$T/out" | grep -v '^==' | head -1))"
	fi
done <"$T/s/index"
expect "the benign shapes and every tool's own archive are valid" \
	sh -c "for n in benign pax_size tarfile_ustar tarfile_gnu tarfile_pax gnutar_gnu gnutar_pax bsdtar; do '$CASEKIT' verify -q --pubkey '$T/key.pub' '$T/s/'\$n.tar.gz >/dev/null || exit 1; done"
done_testing
