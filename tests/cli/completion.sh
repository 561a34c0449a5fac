#!/bin/bash
# completion.sh - bash, zsh and fish complete option values and ids from the store
. "${TOP_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

ck init -q "$T/db"
sqlite3 "$T/db" "insert into sources(source_id, path, sha256, size, kind, ingested_at)
	values(1, 'sellers.csv', 'x', 1, 'sellers', '2026-01-01T00:00:00Z');
	insert into sellers(seller_id, source_id, line) values
	('SEL-1', 1, 2), ('SEL-2', 1, 3), ('ZED', 1, 4);
	insert into parties(party_id, kind, source_id, line) values ('SELF-FACTORY', 'factory', 1, 5);"
has() { [ -n "$(sqlite3 "$T/db" "select 1 from sqlite_master where name = '$1'")" ]; }
has networks && sqlite3 "$T/db" "insert into networks(network_id, size, anchor, kinds,
	created_run, updated_run) values ('N-abc', 2, 'SEL-1', 'phone', 1, 1), ('N-abd', 2, 'ZED', 'ip', 1, 1)"
sqlite3 "$T/db" "insert into cases(case_id, title, opened_at, opened_by) values
	('CASE-2026-0001', 'a', 'x', 'y'), ('CASE-2026-0002', 'b', 'x', 'y'), ('CASE-2027-0001', 'c', 'x', 'y')"
subs="new list show add remove note grade close refresh"
mkdir -p "$T/share/profiles" "$T/bin" "$T/files"
touch "$T/share/profiles/acme.profile" "$T/share/profiles/generic.profile" "$T/files/SELECTION.csv"
ln -sf "$CASEKIT" "$T/bin/casekit"

# --list-ids, the hidden question the completions ask
rc=0; CASEKIT_DB="$T/db" "$CASEKIT" --list-ids seller SEL >"$T/out" 2>&1 || rc=$?
expect "--list-ids reads the store in CASEKIT_DB" test "$rc $(echo $(cat "$T/out"))" = "0 SEL-1 SEL-2"
rc=0; CASEKIT_DB="$T/db" "$CASEKIT" --list-ids any seller:SEL >"$T/out" 2>&1 || rc=$?
expect "--list-ids types ids when the prefix is typed" test "$(echo $(cat "$T/out"))" = "seller:SEL-1 seller:SEL-2"
rc=0; CASEKIT_DB="$T/db" "$CASEKIT" --list-ids any SEL >"$T/out" 2>&1 || rc=$?
expect "--list-ids any offers every kind" test "$(echo $(cat "$T/out"))" = "SEL-1 SEL-2 SELF-FACTORY"
rc=0; CASEKIT_DB="$T/none.db" "$CASEKIT" --list-ids seller "" >"$T/out" 2>&1 || rc=$?
expect "no store: no ids and no noise" test "$rc:$(cat "$T/out")" = "0:"
# A server that takes the connection and never answers: completion gives up, not hangs.
if command -v python3 >/dev/null; then
	python3 -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); time.sleep(60)' >"$T/port" & psilent=$!
while ! [ -s "$T/port" ]; do sleep 0.05; done
rc=0; CASEKIT_DB="postgresql://127.0.0.1:$(cat "$T/port")/casekit" timeout 20 \
	"$CASEKIT" --list-ids seller "" >"$T/out" 2>&1 || rc=$?
kill $psilent 2>/dev/null; wait $psilent 2>/dev/null
expect "a server that never answers: no ids, no noise, no hang" test "$rc:$(cat "$T/out")" = "0:"
fi
rc=0; CASEKIT_DATADIR="$T/share" "$CASEKIT" --list-ids profile "" >"$T/out" 2>&1 || rc=$?
expect "--list-ids profile lists the profiles" test "$(echo $(cat "$T/out"))" = "acme generic"
check_out "--list-ids kind lists the dump kinds" "$(printf 'sellers\nshipments')" --list-ids kind s
check_exit 64 "--list-ids refuses an unknown kind" --list-ids planet ""
# --list-subcommands: what case's first operand can be, and what comes after it
run case --list-subcommands
expect "case --list-subcommands names them in the usage line's order" \
	test "$rc $(echo $(cut -d' ' -f1 "$T/out"))" = "0 $subs"
expect "case --list-subcommands: show takes a CASE" grep -qx "show CASE" "$T/out"
expect "case --list-subcommands: new takes no id" grep -qx "new -" "$T/out"
run init --list-subcommands
expect "an applet without subcommands lists none" test "$rc:$(cat "$T/out")" = "0:"

# bash: load the file, set the words and the line, call the function.
bash_complete() {
	local line="$*"
	line=${line// : /:}
	(cd "$T/files" && PATH="$T/bin:$PATH" CASEKIT_DATADIR="$T/share" bash -c '
		. "$1"; shift
		COMP_LINE=$1; COMP_POINT=${#1}; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _casekit
		printf "%s\n" "${COMPREPLY[@]}"' _ "$TOP_SRCDIR/completions/casekit" "$line" "$@")
}
got=$(bash_complete casekit trace -d "$T/db" SEL)
expect "bash: an operand completes to ids of every kind" test "$(echo $got)" = "SEL-1 SEL-2 SELF-FACTORY"
# bash splits seller:SEL at the colon: the word is SEL, the replies must not repeat 'seller:'
got=$(bash_complete casekit trace -d "$T/db" seller : SEL)
expect "bash: a typed prefix completes after its colon" test "$(echo $got)" = "SEL-1 SEL-2"
got=$(CASEKIT_DB="$T/db" bash_complete casekit trace ZE)
expect "bash: the store comes from CASEKIT_DB without -d" test "$(echo $got)" = "ZED"
got=$(bash_complete casekit trace -d "$T/db" SELEC)
expect "bash: no id matches: file names" test "$(echo $got)" = "SELECTION.csv"
got=$(bash_complete casekit ingest --key-file SEL)
expect "bash: --key-file completes file names" test "$(echo $got)" = "SELECTION.csv"
got=$(bash_complete casekit init --key)
expect "bash: init offers --key-file" test "$(echo $got)" = "--key-file"
got=$(bash_complete casekit trace --rank "")
expect "bash: an option's choices" test "$(echo $got)" = "specific count"
got=$(bash_complete casekit-trace --ra)
expect "bash: a casekit-APPLET link completes its applet's options" test "$(echo $got)" = "--rank"
got=$(bash_complete casekit case "")
expect "bash: case completes its subcommands" test "$(echo $got)" = "$subs"
got=$(bash_complete casekit case -d "$T/db" s)
expect "bash: a subcommand by prefix, after options" test "$(echo $got)" = "show"
got=$(bash_complete casekit case -d "$T/db" show CASE-2026)
expect "bash: case show completes case ids" test "$(echo $got)" = "CASE-2026-0001 CASE-2026-0002"
got=$(bash_complete casekit case --section value close -d "$T/db" "")
expect "bash: case close completes case ids, not files" \
	test "$(echo $got)" = "CASE-2026-0001 CASE-2026-0002 CASE-2027-0001"
got=$(bash_complete casekit case --lead seller : SEL-1 "")
expect "bash: an option's value split at its colon is not a subcommand" test "$(echo $got)" = "$subs"
got=$(bash_complete casekit case -d "$T/db" add CASE-2026-0001 SEL)
expect "bash: case add completes leads after the case id" test "$(echo $got)" = "SEL-1 SEL-2 SELF-FACTORY"
got=$(bash_complete casekit-case -d "$T/db" note CASE-2027)
expect "bash: casekit-case completes subcommands and case ids" test "$(echo $got)" = "CASE-2027-0001"
if "$CASEKIT" link --list-options 2>/dev/null | grep -q -- "--network" && has networks; then
	got=$(bash_complete casekit link -d "$T/db" --network N-ab)
	expect "bash: --network completes network ids" test "$(echo $got)" = "N-abc N-abd"
else
	skip "bash: --network completes network ids" "casekit link has not landed"
fi

# zsh: the function with compadd and _files stood in for, as the completion system calls it.
if command -v zsh >/dev/null; then
	# compadd offers only the words that start with PREFIX, as the real one does.
	zsh_complete() {
		local service=casekit
		case $1 in casekit-*) service=$1 ;; esac
		(cd "$T/files" && PATH="$T/bin:$PATH" zsh -f -c '
			compadd() {
				local -a w
				while [[ $1 == -* ]]; do
					case $1 in
					-a) w=(${(P)2}); break ;;
					--) shift; w=("$@"); break ;;
					esac
					shift
				done
				(( $#w )) || w=("$@")
				print -l -- ${(M)w:#$PREFIX*}
			}
			_files() { print -- "<files>"; }
			file=$1 service=$2; shift 2
			words=("$@") CURRENT=$# PREFIX=$argv[-1]
			source $file >/dev/null 2>&1
			_casekit' _ "$TOP_SRCDIR/completions/_casekit" "$service" "$@")
	}
	# compinit reads the #compdef line: casekit-* is a pattern, not a command of that name.
	got=$(zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit; compinit -u -D
		print -r -- "$_comps[casekit] $_patcomps[casekit-*]"' _ "$TOP_SRCDIR/completions")
	expect "zsh: casekit and the casekit-APPLET links are completed" test "$got" = "_casekit _casekit"
	got=$(zsh_complete casekit trace -d "$T/db" SEL)
	expect "zsh: an operand completes to ids" test "$(echo $got)" = "SEL-1 SEL-2 SELF-FACTORY"
	got=$(zsh_complete casekit trace -d "$T/db" seller:SEL)
	expect "zsh: a typed prefix completes to typed ids" test "$(echo $got)" = "seller:SEL-1 seller:SEL-2"
	got=$(zsh_complete casekit trace --rank "")
	expect "zsh: an option's choices" test "$(echo $got)" = "specific count"
	got=$(zsh_complete casekit trace -d "$T/db" QQ)
	expect "zsh: no id matches: file names" test "$got" = "<files>"
	got=$(zsh_complete casekit case "")
	expect "zsh: case completes its subcommands" test "$(echo $got)" = "$subs"
	got=$(zsh_complete casekit case -d "$T/db" s)
	expect "zsh: a subcommand by prefix, after options" test "$(echo $got)" = "show"
	got=$(zsh_complete casekit case -d "$T/db" show CASE-2026)
	expect "zsh: case show completes case ids" test "$(echo $got)" = "CASE-2026-0001 CASE-2026-0002"
	got=$(zsh_complete casekit case --section value close -d "$T/db" "")
	expect "zsh: case close completes case ids, not files" \
		test "$(echo $got)" = "CASE-2026-0001 CASE-2026-0002 CASE-2027-0001"
	got=$(zsh_complete casekit case -d "$T/db" add CASE-2026-0001 SEL)
	expect "zsh: case add completes leads after the case id" test "$(echo $got)" = "SEL-1 SEL-2 SELF-FACTORY"
	got=$(zsh_complete casekit-case -d "$T/db" note CASE-2027)
	expect "zsh: casekit-case completes subcommands and case ids" test "$(echo $got)" = "CASE-2027-0001"
else
	skip "zsh completes ids" "zsh not installed"
fi

# fish: its own completion engine, complete -C.
if command -v fish >/dev/null; then
	fish_complete() {
		(cd "$T/files" && PATH="$T/bin:$PATH" fish -c "source '$TOP_SRCDIR/completions/casekit.fish'; complete -C '$1'")
	}
	got=$(fish_complete "casekit trace -d $T/db SEL" | sort)
	expect "fish: an operand completes to ids" test "$(echo $got)" = "SEL-1 SEL-2 SELF-FACTORY"
	got=$(fish_complete "casekit trace -d $T/db seller:SEL")
	expect "fish: a typed prefix completes to typed ids" test "$(echo $got)" = "seller:SEL-1 seller:SEL-2"
	got=$(fish_complete "casekit trace --rank " | sort)
	expect "fish: an option's choices" test "$(echo $got)" = "count specific"
	got=$(fish_complete "casekit case " | sort)
	expect "fish: case completes its subcommands" test "$(echo $got)" = "$(echo $(printf '%s\n' $subs | sort))"
	got=$(fish_complete "casekit case -d $T/db s")
	expect "fish: a subcommand by prefix, after options" test "$(echo $got)" = "show"
	got=$(fish_complete "casekit case -d $T/db show CASE-2026" | sort)
	expect "fish: case show completes case ids" test "$(echo $got)" = "CASE-2026-0001 CASE-2026-0002"
	got=$(fish_complete "casekit case --section value close -d $T/db " | sort)
	expect "fish: case close completes case ids, not files" \
		test "$(echo $got)" = "CASE-2026-0001 CASE-2026-0002 CASE-2027-0001"
	got=$(fish_complete "casekit case -d $T/db add CASE-2026-0001 SEL" | sort)
	expect "fish: case add completes leads after the case id" test "$(echo $got)" = "SEL-1 SEL-2 SELF-FACTORY"
else
	skip "fish completes ids" "fish not installed"
fi
done_testing
