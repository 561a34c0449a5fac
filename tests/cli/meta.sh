#!/bin/bash
# meta.sh - every applet answers --help, has a man page whose SYNOPSIS is its usage line,
# and is completed by the bash, zsh and fish completions
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

applets=$("$CASEKIT" --list-commands)
[ -n "$applets" ] && pass "--list-commands lists applets" || fail "--list-commands lists applets"
expect "the applet list is sorted" sh -c "printf '%s\n' \"$applets\" | LC_ALL=C sort -c"
mk_applets=$(sed -n '/^APPLETS = /,/^$/p' "$TOP_SRCDIR/Makefile.am" | tr -d '\\' | awk 'NR > 1 && NF { print $1 }')
expect "Makefile.am APPLETS matches commands.def" test "$(echo $mk_applets)" = "$(echo $applets)"

# The usage line of --help, and the SYNOPSIS of the man page with its font escapes removed.
synopsis() {
	sed -n '/^\.SH SYNOPSIS/,/^\.SH/p' "$1" | sed -n '/^\.nf/,/^\.fi/p' | sed '1d;$d' |
		sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' | head -1
}
for a in $applets; do
	run "$a" --help
	if [ "$rc" = 0 ] && head -1 "$T/out" | grep -q "^usage: casekit $a"; then pass "$a --help"
	else fail "$a --help" "exit $rc"; fi
	usage=$(head -1 "$T/out" | sed 's/^usage: //')
	page="$TOP_SRCDIR/man/casekit-$a.1"
	if [ -f "$page" ]; then
		got=$(synopsis "$page")
		[ "$got" = "$usage" ] && pass "$a man SYNOPSIS matches --help" ||
			fail "$a man SYNOPSIS matches --help" "man: $got / help: $usage"
		grep -q "casekit\\\\-$a(1)\|\\\\fBcasekit\\\\-$a\\\\fR(1)" "$TOP_SRCDIR/man/casekit.1" &&
			pass "casekit(1) points to casekit-$a(1)" || fail "casekit(1) points to casekit-$a(1)"
	else
		fail "$a has a man page" "no $page"
	fi
	run "$a" --list-options
	[ "$rc" = 0 ] && grep -q -- "--help" "$T/out" && pass "$a --list-options" ||
		fail "$a --list-options" "exit $rc"
done

# A short option means one thing in every applet: -n is --dry-run wherever it exists.
bad=
for a in $applets; do
	"$CASEKIT" "$a" --list-options 2>/dev/null | grep -q '^-n ' || continue
	"$CASEKIT" "$a" --list-options | grep -q '^-n --dry-run ' || bad="$bad $a"
done
expect "-n means --dry-run in every applet that has it" test -z "$bad"

# Every applet page has the sections a reader looks for; casekit(1) names every page.
for a in $applets; do
	page="$TOP_SRCDIR/man/casekit-$a.1"
	[ -f "$page" ] || continue
	missing=
	for sec in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
		grep -Eq "^\.SH \"?$sec\"?$" "$page" || missing="$missing '$sec'"
	done
	[ -z "$missing" ] && pass "casekit-$a(1) has every section" ||
		fail "casekit-$a(1) has every section" "missing:$missing"
done
for page in "$TOP_SRCDIR"/man/casekit-*.[5-8]; do
	[ -f "$page" ] || continue
	name=$(basename "$page"); sec=${name##*.}; name=${name%.*}
	want=$(printf '\\fB%s\\fR(%s)' "$(printf %s "$name" | sed 's/-/\\-/')" "$sec")
	grep -qF -- "$want" "$TOP_SRCDIR/man/casekit.1" &&
		pass "casekit(1) points to $name($sec)" || fail "casekit(1) points to $name($sec)" "no $want"
done
grep -q '^\.B CASEKIT_CASE$' "$TOP_SRCDIR/man/casekit.1" && pass "casekit(1) documents CASEKIT_CASE" ||
	fail "casekit(1) documents CASEKIT_CASE"

# Man pages render without a warning.
if command -v groff >/dev/null; then
	for page in "$TOP_SRCDIR"/man/*.[1-9]; do
		w=$(groff -ww -z -man "$page" 2>&1)
		[ -z "$w" ] && pass "$(basename "$page") renders cleanly" || fail "$(basename "$page") renders cleanly" "$w"
	done
else
	skip "man pages render cleanly" "groff not installed"
fi

# bash: load the completion, complete 'casekit ' and 'casekit stats -f '.
mkdir -p "$T/bin" && ln -sf "$CASEKIT" "$T/bin/casekit"
bash_complete() {
	PATH="$T/bin:$PATH" bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _casekit
		printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP_SRCDIR/completions/casekit" "$@"
}
got=$(bash_complete casekit "")
for a in $applets; do
	printf '%s\n' "$got" | grep -qx "$a" && pass "bash completes applet $a" || fail "bash completes applet $a" "$got"
done
got=$(bash_complete casekit query -f "")
[ "$(echo $got)" = "table csv tsv json ndjson ids" ] && pass "bash completes format values" ||
	fail "bash completes format values" "$got"
got=$(bash_complete casekit stats -f "")
[ "$(echo $got)" = "table csv tsv json ndjson" ] && pass "bash offers stats no ids format" ||
	fail "bash offers stats no ids format" "$got"
got=$(bash_complete casekit stats --no-p)
[ "$got" = "--no-progress" ] && pass "bash completes long options" || fail "bash completes long options" "$got"

if command -v zsh >/dev/null; then
	expect "zsh completion parses" zsh -n "$TOP_SRCDIR/completions/_casekit"
else
	skip "zsh completion parses" "zsh not installed"
fi
if command -v fish >/dev/null; then
	got=$(PATH="$T/bin:$PATH" fish -c "source '$TOP_SRCDIR/completions/casekit.fish'; complete -C 'casekit '")
	for a in $applets; do
		printf '%s\n' "$got" | grep -q "^$a" && pass "fish completes applet $a" || fail "fish completes applet $a" "$got"
	done
else
	skip "fish completes applets" "fish not installed"
fi
done_testing
