# fish completion for casekit: the binary is asked what exists
# (`casekit --list-commands`, `casekit APPLET --list-options`).

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


complete -c casekit -f -n __casekit_needs_applet -a '(casekit --list-commands 2>/dev/null) help'
complete -c casekit -f -n '__fish_seen_subcommand_from help' -a '(casekit --list-commands 2>/dev/null)'
complete -c casekit -n 'not __casekit_needs_applet' -a '(__casekit_complete_options)'

function __casekit_complete_options
	set -l tok (commandline -ct)
	set -l applet (__casekit_applet)
	test -n "$applet"; or return
	set -l prev (commandline -opc)[-1]
	casekit $applet --list-options 2>/dev/null | while read -l short long arg choices
		if test "$arg" != -; and begin; test "$prev" = "$short"; or test "$prev" = "$long"; end
			if test "$choices" != -
				string split '|' -- $choices
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
		__fish_complete_path $tok
	end
end
