#!/bin/sh
# keygen.sh - casekit keygen: Ed25519 key pairs, private key 0600, never overwritten
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

check_grep "--help shows usage" "^usage: casekit keygen" keygen --help
check_exit 64 "no operand is a usage error" keygen
check_exit 64 "two operands are a usage error" keygen "$T/a" "$T/b"
check_grep "prints a SHA256 fingerprint" '^SHA256:[0-9a-f]{64}$' keygen "$T/k"
expect "the private key is mode 0600" test "$(stat -c %a "$T/k")" = 600
expect "the public key is mode 0644" test "$(stat -c %a "$T/k.pub")" = 644
expect "the private key is PEM PKCS#8" grep -q "^-----BEGIN PRIVATE KEY-----$" "$T/k"
expect "the public key is PEM" grep -q "^-----BEGIN PUBLIC KEY-----$" "$T/k.pub"
if command -v openssl >/dev/null; then
	expect "openssl reads it as an ED25519 key" sh -c "openssl pkey -in '$T/k' -noout -text | grep -q ED25519"
	# The fingerprint is the SHA-256 of the 32 raw public key bytes (the DER's last 32).
	run keygen "$T/k2"
	fp2=$(openssl pkey -in "$T/k2.pub" -pubin -outform DER | tail -c 32 | sha256sum | cut -d' ' -f1)
	expect "the fingerprint is sha256 of the raw public key" test "$(cat "$T/out")" = "SHA256:$fp2"
else
	skip "openssl reads it as an ED25519 key" "openssl not installed"
	skip "the fingerprint is sha256 of the raw public key" "openssl not installed"
fi
cp "$T/k" "$T/k.before"
check_exit 73 "an existing key is not overwritten" keygen "$T/k"
expect "and is left as it was" cmp "$T/k" "$T/k.before"
echo "other" >"$T/only.pub"
check_exit 73 "an existing .pub is not overwritten" keygen "$T/only"
expect "and no private key is left behind" test ! -e "$T/only"
check_exit 73 "a missing folder exits 73" keygen "$T/no/such/key"
run keygen "$T/k3"
expect "two keys differ" sh -c "! cmp -s '$T/k2.pub' '$T/k3.pub'"
done_testing
