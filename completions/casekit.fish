# fish completion for casekit: the binary is asked what exists
# (`casekit --list-commands`, `casekit APPLET --list-options`, and `casekit --list-ids KIND
# PREFIX` for ids from the store named by -d on the command line or $CASEKIT_DB).

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
			# As complete_kind_for() in lib/complete.c: the option's name, else its argument's.
			set -l kind
			switch "$long:$arg"
				case '--case:*' '--seller:*' '--listing:*' '--party:*' '--network:*' '--kind:*' '--profile:*'
					set kind (string replace -- '--' '' $long)
				case '*:CASE' '*:CASE-ID'
					set kind case
				case '*:SELLER' '*:LISTING' '*:PARTY' '*:NETWORK' '*:KIND' '*:PROFILE'
					set kind (string lower (string replace -r '.*:' '' -- "$long:$arg"))
				case '*:ID'
					set kind any
			end
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
