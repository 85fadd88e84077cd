# SPDX-License-Identifier: GPL-2.0
#
# bash completion for ptun(8): the commands and words of the tool, device
# names from "ip -o link show type ptun", files after key-file.
# Installed as /usr/share/bash-completion/completions/ptun.

_ptun_devs()
{
	ip -o link show type ptun 2>/dev/null |
		awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'
}

# _ptun_opts ARGS-START WORD...: offer the WORDs not given yet after
# ARGS-START, and complete the value after an option word.
_ptun_opts()
{
	local start=$1 prev=${COMP_WORDS[COMP_CWORD - 1]} w i used
	shift
	if [ "$COMP_CWORD" -gt "$start" ]; then
		case $prev in
		role)
			COMPREPLY=($(compgen -W 'initiator responder' -- "$cur"))
			return ;;
		cipher)
			COMPREPLY=($(compgen -W 'chacha20-poly1305 aes-256-gcm' -- "$cur"))
			return ;;
		slot)
			COMPREPLY=($(compgen -W 'primary secondary' -- "$cur"))
			return ;;
		key-file)
			COMPREPLY=($(compgen -f -- "$cur"))
			return ;;
		enforce-routes|include-all-networks|exclude-local-networks)
			COMPREPLY=($(compgen -W 'on off' -- "$cur"))
			return ;;
		listen-port|fwmark|mtu|endpoint|allowed-ips|keepalive|\
		keepalive-timeout|remote-id|key-id|soft-limit|hard-limit|\
		--count)
			return ;;
		remote|address|include|exclude|dns|search-domain|match-domain)
			# may be repeated: a value, no word
			return ;;
		esac
	fi
	local words=()
	for w in "$@"; do
		used=
		for ((i = start; i < COMP_CWORD; i++)); do
			[ "${COMP_WORDS[i]}" = "$w" ] && used=1
		done
		case $w in
		remote|address|include|exclude|dns|search-domain|match-domain) used= ;;
		esac
		[ -z "$used" ] && words+=("$w")
	done
	COMPREPLY=($(compgen -W "${words[*]}" -- "$cur"))
}

_ptun()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local cmd=${COMP_WORDS[1]} sub=${COMP_WORDS[2]}
	local cmds='genkey link peer key settings show monitor up down showconf help'

	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		return
	fi
	case $cmd in
	help)
		[ "$COMP_CWORD" -eq 2 ] &&
			COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
		return ;;
	genkey)
		return ;;
	show)
		if [[ $cur == -* ]]; then
			_ptun_opts 2 --json
		else
			COMPREPLY=($(compgen -W "$(_ptun_devs) --json" -- "$cur"))
		fi
		return ;;
	monitor)
		_ptun_opts 2 --json --count
		return ;;
	up|down)
		# NAME of /etc/ptun/NAME.conf, or a file
		[ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -f -- "$cur") \
			$(compgen -W "$(cd /etc/ptun 2>/dev/null &&
				ls -- *.conf 2>/dev/null | sed 's/\.conf$//')" -- "$cur"))
		return ;;
	showconf)
		[ "$COMP_CWORD" -eq 2 ] &&
			COMPREPLY=($(compgen -W "$(_ptun_devs)" -- "$cur"))
		return ;;
	esac

	if [ "$COMP_CWORD" -eq 2 ]; then
		case $cmd in
		link|peer) COMPREPLY=($(compgen -W 'add del set help' -- "$cur")) ;;
		key) COMPREPLY=($(compgen -W 'add swap del help' -- "$cur")) ;;
		settings) COMPREPLY=($(compgen -W 'set clear follow help' -- "$cur")) ;;
		esac
		return
	fi
	# DEV: an existing device, except for the new one of "link add"
	if [ "$COMP_CWORD" -eq 3 ]; then
		[ "$cmd $sub" = "link add" ] ||
			COMPREPLY=($(compgen -W "$(_ptun_devs)" -- "$cur"))
		return
	fi
	case "$cmd $sub" in
	"link add"|"link set")
		_ptun_opts 4 listen-port fwmark mtu
		return ;;
	"settings set")
		_ptun_opts 4 remote address include exclude enforce-routes \
			include-all-networks exclude-local-networks dns \
			search-domain match-domain mtu
		return ;;
	esac
	# peer and key subcommands: ID, then their words
	[ "$COMP_CWORD" -eq 4 ] && return
	case "$cmd $sub" in
	"peer add")
		_ptun_opts 5 endpoint allowed-ips keepalive keepalive-timeout \
			remote-id ;;
	"peer set")
		_ptun_opts 5 endpoint allowed-ips keepalive keepalive-timeout ;;
	"key add")
		_ptun_opts 5 key-id key-file role cipher slot soft-limit \
			hard-limit ;;
	"key del")
		_ptun_opts 5 slot ;;
	esac
}

complete -F _ptun ptun
