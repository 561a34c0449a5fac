# fish completion for casekit: the binary is asked what exists
# (`casekit --list-commands`, `casekit APPLET --list-options` and `--list-subcommands`, and
# `casekit --list-ids KIND PREFIX` for ids from the store named by -d on the command line or
# $CASEKIT_DB).

function __casekit_applet
	set -l words (commandline -opc)
	if string match -q 'casekit-*' -- $words[1]
		string replace 'casekit-' '' -- $words[1]
		return
	end
	if test (count $words) -ge 2; and test "$words[2]" != help
		echo $words[2]
	end
end

function __casekit_needs_applet
	set -l words (commandline -opc)
	test (count $words) -eq 1; and test "$words[1]" = casekit
end

# __casekit_ids KIND PREFIX: ids from the store on the command line
function __casekit_ids
	set -l words (commandline -opc)
	set -l db $CASEKIT_DB
	for i in (seq (count $words))
		switch $words[$i]
			case -d --db
				set -l j (math $i + 1)
				test $j -le (count $words); and set db $words[$j]
			case '--db=*'
				set db (string replace -- '--db=' '' $words[$i])
		end
	end
	env CASEKIT_DB=$db casekit --list-ids $argv[1] $argv[2] 2>/dev/null
end

# __casekit_kind LONG ARG: the --list-ids kind of an option's value (or of an operand, with
# LONG empty), as complete_kind_for() in lib/complete.c: the option's name, else its argument's.
function __casekit_kind
	switch "$argv[1]:$argv[2]"
		case '--case:*' '--seller:*' '--listing:*' '--party:*' '--network:*' '--kind:*' '--profile:*'
			string replace -- '--' '' $argv[1]
		case '*:CASE' '*:CASE-ID'
			echo case
		case '*:SELLER' '*:LISTING' '*:PARTY' '*:NETWORK' '*:NOTICE' '*:KIND' '*:PROFILE'
			string lower -- $argv[2]
		case '*:ID'
			echo any
	end
end

# __casekit_subcommand APPLET: for an applet with subcommands (casekit case), its subcommands
# when the cursor is at the first operand, or the ids that its subcommand's first operand takes
# (case ids for show); nothing, and status 1, elsewhere.
function __casekit_subcommand
	set -l subs (casekit $argv[1] --list-subcommands 2>/dev/null)
	test (count $subs) -gt 0; or return 1
	set -l vals
	casekit $argv[1] --list-options 2>/dev/null | while read -l short long arg choices
		if test "$arg" != -
			test "$short" != -; and set -a vals $short
			set -a vals $long
		end
	end
	# The operands before the cursor: options and their values left out.
	set -l words (commandline -opc)
	set -l i 3
	string match -q 'casekit-*' -- $words[1]; and set i 2
	set -l ops
	set -l only
	while test $i -le (count $words)
		set -l w $words[$i]
		if test -z "$only"; and string match -q -- '-?*' $w
			test "$w" = --; and set only 1
			contains -- $w $vals; and set i (math $i + 1)
		else
			set -a ops $w
		end
		set i (math $i + 1)
	end
	if test (count $ops) -eq 0
		string replace -r ' .*' '' -- $subs
		return 0
	end
	test (count $ops) -eq 1; or return 1
	for l in $subs
		set -l f (string split ' ' -- $l)
		if test "$f[1]" = "$ops[1]"
			set -l kind (__casekit_kind '' $f[2])
			test -n "$kind"; or return 1
			__casekit_ids $kind (commandline -ct)
			return 0
		end
	end
	return 1
end

complete -c casekit -f -n __casekit_needs_applet -a '(casekit --list-commands 2>/dev/null) help'
complete -c casekit -f -n '__fish_seen_subcommand_from help' -a '(casekit --list-commands 2>/dev/null)'
complete -c casekit -f -n 'not __casekit_needs_applet' -a '(__casekit_complete_options)'

function __casekit_complete_options
	set -l tok (commandline -ct)
	set -l applet (__casekit_applet)
	test -n "$applet"; or return
	set -l prev (commandline -opc)[-1]
	casekit $applet --list-options 2>/dev/null | while read -l short long arg choices
		if test "$arg" != -; and begin; test "$prev" = "$short"; or test "$prev" = "$long"; end
			set -l kind (__casekit_kind $long $arg)
			if test "$choices" != -
				string split '|' -- $choices
			else if test -n "$kind"
				__casekit_ids $kind $tok
			else
				__fish_complete_path $tok
			end
			return
		end
	end
	if string match -q -- '-*' $tok
		casekit $applet --list-options 2>/dev/null | while read -l short long arg choices
			test "$short" != -; and echo $short
			echo $long
		end
	else
		# An applet with subcommands: a subcommand, or the ids its first operand takes.
		__casekit_subcommand $applet; and return
		# An operand: ids from the store by prefix (typed as seller:S1, or bare), else files.
		set -l ids
		test -n "$tok"; and set ids (__casekit_ids any $tok)
		if test (count $ids) -gt 0
			printf '%s\n' $ids
		else
			__fish_complete_path $tok
		end
	end
end
