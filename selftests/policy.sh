#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Route policy end to end, the tool and the module together (issue 4):
# a client on a LAN behind a router, a second LAN host, a VPN server with a
# private network behind it and two internet hosts. Each scenario sends
# pings from the client and proves where they went by counters on the
# other hosts (nft, at prerouting) and by a capture of the client's
# underlay: split and full tunnel, excluded routes, the system table
# against enforce-routes, a socket bound to the underlay, the
# include-all-networks kill switch (connecting, connected, reasserting) with
# the status events, Apple's exclude-local-networks example, a refused
# request, routes and rules deleted by hand, clear and link del, and
# 10 000 routes.
#
#   lan2 (10.10.0.3, fd10:10::3; also 10.20.5.5, fd20:5::5 "gw")
#     |
#   [lan 10.10.0.0/16 fd10:10::/64]--rtr (NAT)--[wan 203.0.113.0/24 2001:db8:100::/64]
#     |                                             |        |        |
#   cli (10.10.0.2, fd10:10::2)                    srv     inet1    inet2
#     ptun0 -------- tunnel (UDP 6000 -> 5000) ---- ptun0   (.10)    (.20)
#                                                   |
#                                  [10.20.0.0/16 fd20:20::/64] priv (10.20.0.2)
#
# The router masquerades the LAN and has no route to the private network:
# only the tunnel reaches it. The server routes the client's tunnel and LAN
# addresses into its ptun0 and masquerades what the client sends to the
# internet, so an internet host sees the router's address for what the
# client sent directly and the server's for what came through the tunnel.
# The client's main table routes 10.20.5.0/24 and fd20:5::/64 via lan2
# ("gw"): a route of the system table more specific than the included
# private network.
source "$(dirname "$0")/lib.sh"

T=28788		# the settings' default table
P=28788		# and rule priority
CAP=$DTMP/eth0.pcap
SRV_PORT=5000
CLI_PORT=6000

# addr_of LABEL FAMILY: the address pinged for LABEL.
addr_of() {
	case $1/$2 in
	lan2/4) echo 10.10.0.3 ;;	lan2/6) echo fd10:10::3 ;;
	gw/4) echo 10.20.5.5 ;;		gw/6) echo fd20:5::5 ;;
	priv/4) echo 10.20.0.2 ;;	priv/6) echo fd20:20::2 ;;
	inet1/4) echo 203.0.113.10 ;;	inet1/6) echo 2001:db8:100::10 ;;
	inet2/4) echo 203.0.113.20 ;;	inet2/6) echo 2001:db8:100::20 ;;
	server/4) echo 203.0.113.2 ;;	server/6) echo 2001:db8:100::2 ;;
	esac
}

# direct_host LABEL: where the counter of LABEL's plaintext path is (for
# priv the router: nothing else reaches it that way).
direct_host() {
	case $1 in
	lan2 | gw) echo lan2 ;;
	priv) echo rtr ;;
	inet1 | inet2) echo "$1" ;;
	server) echo srv ;;
	esac
}

# host_port NS BRIDGE ADDR4 ADDR6: NS's eth0, a port of the router's
# BRIDGE.
host_port() {
	local ns=$1 br=$2
	ns_add "$ns"
	run ip -n rtr link add "p-$ns" type veth peer name eth0 netns "$ns"
	run ip -n rtr link set "p-$ns" master "$br" up
	nsrun "$ns" ip -batch - <<-EOB
	addr add $3 dev eth0
	addr add $4 dev eth0 nodad
	link set eth0 up
	EOB
}

topo() {
	ns_add rtr
	nsrun rtr ip -batch - <<-EOB
	link add lan type bridge mcast_snooping 0
	link add wan type bridge mcast_snooping 0
	addr add 10.10.0.1/16 dev lan
	addr add fd10:10::1/64 dev lan nodad
	addr add 203.0.113.1/24 dev wan
	addr add 2001:db8:100::1/64 dev wan nodad
	link set lan up
	link set wan up
	EOB
	host_port cli lan 10.10.0.2/16 fd10:10::2/64
	host_port lan2 lan 10.10.0.3/16 fd10:10::3/64
	host_port srv wan 203.0.113.2/24 2001:db8:100::2/64
	host_port inet1 wan 203.0.113.10/24 2001:db8:100::10/64
	host_port inet2 wan 203.0.113.20/24 2001:db8:100::20/64
	ns_add priv
	run ip -n srv link add priv type veth peer name eth0 netns priv
	nsrun srv ip -batch - <<-EOB
	addr add 10.20.0.1/16 dev priv
	addr add fd20:20::1/64 dev priv nodad
	link set priv up
	EOB
	nsrun priv ip -batch - <<-EOB
	addr add 10.20.0.2/16 dev eth0
	addr add fd20:20::2/64 dev eth0 nodad
	link set eth0 up
	route add default via 10.20.0.1
	route add default via fd20:20::1
	EOB
	nsrun cli ip -batch - <<-EOB
	route add default via 10.10.0.1
	route add default via fd10:10::1
	route add 10.20.5.0/24 via 10.10.0.3
	route add fd20:5::/64 via fd10:10::3
	EOB
	nsrun lan2 ip -batch - <<-EOB
	addr add 10.20.5.5/32 dev lo
	addr add fd20:5::5/128 dev lo
	route add default via 10.10.0.1
	route add default via fd10:10::1
	EOB
	local ns
	for ns in rtr srv; do
		ip netns exec $ns sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	done
	# (the sentinels' DAD starts at once)
	ip netns exec cli sysctl -qw net.ipv6.conf.eth0.router_solicitation_delay=0
	nsrun rtr nft -f - <<-EOF
	table inet nat {
		chain post {
			type nat hook postrouting priority 100;
			oifname "wan" masquerade
		}
	}
	EOF
	nsrun srv nft -f - <<-EOF
	table inet nat {
		chain post {
			type nat hook postrouting priority 100;
			iifname "ptun0" oifname "eth0" masquerade
		}
	}
	EOF
}

# tun_up: the server's ptun0 with its routes to the client, the client's
# ptun0 up, each the other's peer; no key yet (keys_up).
tun_up() {
	nsrun srv "$PTUN" link add ptun0 listen-port $SRV_PORT
	nsrun srv ip -batch - <<-EOB
	addr add 10.7.0.1/32 dev ptun0
	addr add fd07::1/128 dev ptun0 nodad
	link set ptun0 up
	route add 10.7.0.0/24 dev ptun0
	route add 10.10.0.0/16 dev ptun0
	route add fd07::/64 dev ptun0
	route add fd10:10::/64 dev ptun0
	EOB
	nsrun cli "$PTUN" link add ptun0 listen-port $CLI_PORT
	run ip -n cli link set ptun0 up
	# (the router keeps the client's port when it masquerades; the
	# server would learn another one from the first datagram anyway)
	nsrun srv "$PTUN" peer add ptun0 1 endpoint 203.0.113.1:$CLI_PORT \
		allowed-ips 10.7.0.0/24,10.10.0.0/16,fd07::/64,fd10:10::/64 remote-id 100
	nsrun cli "$PTUN" peer add ptun0 100 endpoint 203.0.113.2:$SRV_PORT \
		allowed-ips 0.0.0.0/0,::/0 remote-id 1
}

KID=0
keys_up() {
	KID=$((KID + 1))
	key_pair srv cli 1 $KID chacha20-poly1305
}

# counters: t_LABEL_FAM on the server (echo requests that came out of its
# ptun0), d_LABEL_FAM where the plaintext path ends, v_LABEL_FAM on the
# internet hosts and priv (arrived by way of the server).
counters() {
	local l f a
	{
		for l in lan2 gw priv inet1 inet2; do
			for f in 4 6; do
				a=$(addr_of $l $f)
				if [ $f = 4 ]; then
					echo "t_${l}_4 iifname \"ptun0\" ip daddr $a icmp type echo-request"
				else
					echo "t_${l}_6 iifname \"ptun0\" ip6 daddr $a icmpv6 type echo-request"
				fi
			done
		done
		echo "d_server_4 iifname \"eth0\" ip saddr 203.0.113.1 ip daddr 203.0.113.2 icmp type echo-request"
		echo "d_server_6 iifname \"eth0\" ip6 saddr 2001:db8:100::1 ip6 daddr 2001:db8:100::2 icmpv6 type echo-request"
	} | cnt_load srv
	cnt_load lan2 <<-EOF
	d_lan2_4 iifname "eth0" ip daddr 10.10.0.3 icmp type echo-request
	d_lan2_6 iifname "eth0" ip6 daddr fd10:10::3 icmpv6 type echo-request
	d_gw_4 iifname "eth0" ip daddr 10.20.5.5 icmp type echo-request
	d_gw_6 iifname "eth0" ip6 daddr fd20:5::5 icmpv6 type echo-request
	EOF
	cnt_load rtr <<-EOF
	d_priv_4 iifname "lan" ip daddr 10.20.0.2 icmp type echo-request
	d_priv_6 iifname "lan" ip6 daddr fd20:20::2 icmpv6 type echo-request
	EOF
	cnt_load priv <<-EOF
	v_priv_4 ip daddr 10.20.0.2 icmp type echo-request
	v_priv_6 ip6 daddr fd20:20::2 icmpv6 type echo-request
	EOF
	for l in inet1 inet2; do
		a=$(addr_of $l 4)
		cnt_load $l <<-EOF
		d_${l}_4 ip saddr 203.0.113.1 ip daddr $a icmp type echo-request
		v_${l}_4 ip saddr 203.0.113.2 ip daddr $a icmp type echo-request
		d_${l}_6 ip6 saddr 2001:db8:100::1 ip6 daddr $(addr_of $l 6) icmpv6 type echo-request
		v_${l}_6 ip6 saddr 2001:db8:100::2 ip6 daddr $(addr_of $l 6) icmpv6 type echo-request
		EOF
	done
}

# setup [keys]: the topology, the tunnel (with a key if asked), the
# counters and the capture of the client's underlay.
setup() {
	topo
	tun_up
	[ "${1:-}" != keys ] || keys_up
	counters
	CLI_MAC=$(ip netns exec cli cat /sys/class/net/eth0/address)
	capture_start cli eth0 "$CAP"
	SENT=0
}

# sent_counts: "ADDR N" for every destination the client sent echo
# requests to by its underlay (plaintext), from the capture.
sent_counts() {
	tcpdump -r "$CAP" -n "ether src $CLI_MAC and
		((icmp and icmp[0] == 8) or (icmp6 and ip6[40] == 128))" 2>/dev/null |
		awk '{ d = $5; sub(/:$/, "", d); n[d]++ } END { for (d in n) print d, n[d] }'
}

# all_counts: "NS NAME PACKETS" for every counter of every host.
all_counts() {
	local ns
	for ns in srv lan2 rtr priv inet1 inet2; do
		cnt_list $ns | sed "s/^/$ns /"
	done
}

# sentinel: a fresh address on the client's eth0 makes the kernel send a
# duplicate address detection NS (ICMPv6 135, exempt from every policy)
# by it; once the capture holds that NS it holds everything sent before.
# (Deprecated at once, so that no ping takes it for its source.)
sentinel() {
	SENT=$((SENT + 1))
	run ip -n cli addr add "fd10:10::ff:$(printf %x $SENT)/128" dev eth0 preferred_lft 0
	wait_for 60 cap_has "$CAP" 1 "icmp6 and ip6[40] == 135 and ip6[60:4] == $((0xff0000 + SENT))" ||
		fail "the DAD NS of fd10:10::ff:$(printf %x $SENT) never left the client"
}

# paths "FAM LABEL WANT [PING-ARGS...]"...: three pings from the client to
# each LABEL (at once) must take the path WANT: "tunnel" (out of the
# server's ptun0 and at its destination, never in plaintext on the
# client's underlay), "direct" (plaintext on the underlay and at its
# destination, not through the tunnel) or "dropped" (nowhere at all).
paths() {
	local spec fam label want args a h n=3 before after sent0 sent1 pids=() p
	local t d c v get
	before=$(all_counts)
	sent0=$(sent_counts)
	for spec in "$@"; do
		read -r fam label want args <<<"$spec"
		a=$(addr_of "$label" "$fam")
		echo "# [cli] ping -c $n $args $a ($label, want $want)"
		# shellcheck disable=SC2086
		ip netns exec cli ping -n -q -c $n -i 0.2 -W 1 $args "$a" >/dev/null 2>&1 &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p" || true
	done
	# what must arrive, has (then nothing more is on its way)
	for spec in "$@"; do
		read -r fam label want args <<<"$spec"
		h=$(direct_host "$label")
		case $want in
		tunnel)
			[ "$label" = server ] ||
				wait_for 60 cnt_ge srv "t_${label}_$fam" \
					$(($(echo "$before" | awk -v n="t_${label}_$fam" '$1 == "srv" && $2 == n { print $3 }') + n))
			case $label in
			priv | inet1 | inet2)
				wait_for 60 cnt_ge "$label" "v_${label}_$fam" \
					$(($(echo "$before" | awk -v h="$label" -v n="v_${label}_$fam" '$1 == h && $2 == n { print $3 }') + n)) ;;
			esac ;;
		direct)
			wait_for 60 cnt_ge "$h" "d_${label}_$fam" \
				$(($(echo "$before" | awk -v h="$h" -v n="d_${label}_$fam" '$1 == h && $2 == n { print $3 }') + n)) ;;
		esac
	done
	sentinel
	after=$(all_counts)
	sent1=$(sent_counts)
	# delta NS NAME: how much a counter moved (0 if there is none)
	get() {
		local b a
		b=$(echo "$before" | awk -v h="$1" -v n="$2" '$1 == h && $2 == n { print $3 }')
		a=$(echo "$after" | awk -v h="$1" -v n="$2" '$1 == h && $2 == n { print $3 }')
		echo $((${a:-0} - ${b:-0}))
	}
	for spec in "$@"; do
		read -r fam label want args <<<"$spec"
		a=$(addr_of "$label" "$fam")
		h=$(direct_host "$label")
		t=$(get srv "t_${label}_$fam")
		d=$(get "$h" "d_${label}_$fam")
		v=$(get "$label" "v_${label}_$fam")
		c=$(( $(echo "$sent1" | awk -v a="$a" '$1 == a { print $2 }')+0 -
		      $(echo "$sent0" | awk -v a="$a" '$1 == a { print $2 }')+0 ))
		echo "# IPv$fam $label${args:+ ($args)}: tunnel +$t, direct +$d, plaintext on the underlay +$c, arrived +$v; want $want"
		case $want in
		tunnel)
			expect_eq "$c/$d" 0/0 "IPv$fam $label: plaintext on the underlay/arrived directly" ;;
		direct)
			[ "$c" -ge $n ] || fail "IPv$fam $label: $c plaintext packets on the underlay, want $n"
			expect_eq "$t" 0 "IPv$fam $label: through the tunnel" ;;
		dropped)
			expect_eq "$t/$d/$c/$v" 0/0/0/0 "IPv$fam $label: tunnel/direct/underlay/arrived" ;;
		esac
	done
}

# paths46 "LABEL WANT [PING-ARGS...]"...: paths for both families.
paths46() {
	local spec specs=()
	for spec in "$@"; do
		specs+=("4 $spec" "6 $spec")
	done
	paths "${specs[@]}"
}

# pset ARGS...: settings set on the client's ptun0 with its remote and
# addresses, and ARGS.
pset() {
	nsrun cli "$PTUN" settings set ptun0 remote 203.0.113.2 remote 2001:db8:100::2 \
		address 10.7.0.2/24 address fd07::2/64 "$@"
}

cli_status() {
	ip netns exec cli "$PTUN" show --json ptun0 | jq -r '.devices[0].status'
}

status_is() {
	[ "$(cli_status)" = "$1" ]
}

# fib_show: the client's policy routing state, for the log and to compare.
fib_show() {
	local f
	for f in 4 6; do
		echo "rules$f:"
		ip -n cli -$f rule show
		echo "table$f:"
		ip -n cli -$f route show table $T
	done
	echo "ptun0:"
	ip -n cli -o addr show dev ptun0 2>&1 | awk '{ print $2, $3, $4 }'
}

# The rule the tool keeps per family: marked outer datagrams skip table T.
fib_rule() {
	ip -n cli -"$1" rule show | grep -E "^$P:[[:space:]]+not from all fwmark 0x7074 lookup $T"
}

# fib_route FAM ROUTE: table T holds ROUTE (one line of ip route show).
fib_route() {
	ip -n cli -"$1" route show table $T | grep -qxE "$2"
}

# fib_has FAM ROUTE-REGEX...: table T of FAM holds these routes and the rule.
fib_has() {
	local fam=$1 r
	shift
	fib_rule "$fam" >/dev/null || { fib_show | sed 's/^/#   /'; fail "no IPv$fam rule at $P"; }
	for r in "$@"; do
		fib_route "$fam" "$r" || { fib_show | sed 's/^/#   /'; fail "table $T lacks /$r/"; }
	done
}

# fib_empty: no rule at P, nothing in T, no global address on ptun0.
fib_empty() {
	local f
	for f in 4 6; do
		expect_eq "$(ip -n cli -$f rule show | grep -c "^$P:")" 0 "IPv$f rules at $P"
		expect_eq "$(ip -n cli -$f route show table $T 2>/dev/null)" "" "IPv$f table $T"
	done
	expect_eq "$(ip -n cli -o addr show dev ptun0 scope global 2>/dev/null)" "" "ptun0's addresses"
}

# by_hand: another program deletes the tool's rules and routes.
by_hand() {
	local f
	for f in 4 6; do
		while ip -n cli -$f rule show | grep -q "^$P:"; do
			run ip -n cli -$f rule del priority $P
		done
		run ip -n cli -$f route flush table $T || true
	done
	fib_show | sed 's/^/# after: /'
}

# ---------------------------------------------------------------------------

# The topology itself, before any settings: the counters and the capture
# tell the paths apart, the private network is reached only through the
# tunnel, and the tunnel crosses the NAT.
topology() {
	setup keys
	paths46 "inet1 direct" "lan2 direct" "gw direct" "priv direct" "server direct"
	expect_eq "$(cnt_get priv v_priv_4)/$(cnt_get priv v_priv_6)" 0/0 \
		"the private network reached without the tunnel"
	nsrun cli ip route add 10.20.0.0/16 dev ptun0
	nsrun cli ip route add fd20:20::/64 dev ptun0
	paths46 "priv tunnel" "inet1 direct"
	ping_ok cli 10.20.0.2
	ping_ok cli fd20:20::2
	expect_eq "$(cli_status)" disconnected "status without settings"
}

# Split tunnel: the included private network through the tunnel, the rest
# as before; the more specific main route (gw) wins without enforce.
split_tunnel() {
	setup keys
	pset include 10.20.0.0/16 include fd20::/16
	wait_for 60 status_is connected
	fib_has 4 '10\.20\.0\.0/16 dev ptun0.*' 'throw 10\.20\.5\.0/24.*'
	fib_has 6 'fd20::/16 dev ptun0.*' 'throw fd20:5::/64.*'
	expect_eq "$(ip -n cli -o -4 addr show dev ptun0 | awk '{ print $4 }')" 10.7.0.2/24 "ptun0's IPv4 address"
	paths46 "priv tunnel" "inet1 direct" "lan2 direct" "gw direct"
	ping_ok cli 10.20.0.2
	ping_ok cli fd20:20::2
}

# Full tunnel: everything through it but the LAN (the system table's
# connected routes win without enforce) and the server itself (remote),
# and the outer datagrams do not loop into the tunnel.
full_tunnel() {
	setup keys
	pset include 0.0.0.0/0 include ::/0
	wait_for 60 status_is connected
	fib_has 4 'default dev ptun0.*' 'throw 203\.0\.113\.2( .*)?' 'throw 10\.10\.0\.0/16.*'
	fib_has 6 'default dev ptun0.*' 'throw 2001:db8:100::2( .*)?'
	paths46 "inet1 tunnel" "inet2 tunnel" "priv tunnel" "lan2 direct" "server direct"
	ping_ok cli 203.0.113.10
	ping_ok cli 2001:db8:100::10
	# the tunnel's datagrams left by the underlay to the server
	local udp
	udp=$(tcpdump -r "$CAP" -n "ether src $CLI_MAC and udp and dst host 203.0.113.2 and dst port $SRV_PORT" 2>/dev/null | wc -l)
	echo "# $udp outer datagrams to the server on the underlay"
	[ "$udp" -ge 24 ] || fail "$udp outer datagrams for 24 pings through the tunnel"
}

# Excluded routes: out the underlay in a full tunnel, a tie between
# included and excluded goes to excluded, and with enforce-routes an
# excluded route inside an included one stays out too.
excluded_routes() {
	setup keys
	pset include 0.0.0.0/0 include ::/0 include 203.0.113.20/32 exclude 203.0.113.20/32 \
		exclude 2001:db8:100::20/128
	wait_for 60 status_is connected
	fib_has 4 'throw 203\.0\.113\.20( .*)?'
	fib_has 6 'throw 2001:db8:100::20( .*)?'
	paths46 "inet2 direct" "inet1 tunnel"
	pset include 10.20.0.0/16 include fd20::/16 exclude 10.20.5.0/24 exclude fd20:5::/64 \
		enforce-routes on
	paths46 "gw direct" "priv tunnel"
}

# Apple: without enforce-routes the routes of the system table more
# specific than an included route supersede it (gw by its route via lan2,
# lan2 by the LAN's connected route); with it, the tunnel wins.
system_table_vs_enforce() {
	setup keys
	pset include 10.0.0.0/8 include fd00::/8
	wait_for 60 status_is connected
	fib_has 4 'throw 10\.20\.5\.0/24.*' 'throw 10\.10\.0\.0/16.*'
	paths46 "gw direct" "lan2 direct" "priv tunnel"
	pset include 10.0.0.0/8 include fd00::/8 enforce-routes on
	paths46 "gw tunnel" "lan2 tunnel" "priv tunnel" "inet1 direct"
}

# A socket bound to the underlay (ping -I eth0: SO_BINDTODEVICE) leaks an
# included destination without enforce (the check sees a leak), and
# cannot with it.
bound_socket() {
	setup keys
	pset include 10.20.0.0/16 include fd20::/16
	wait_for 60 status_is connected
	paths46 "priv direct -I eth0"
	pset include 10.20.0.0/16 include fd20::/16 enforce-routes on
	paths46 "priv tunnel -I eth0" "gw tunnel -I eth0" "inet1 direct -I eth0"
}

# strays: packets the client sent by its underlay that no policy lets out
# while nothing is connected: not ARP, not ND/MLD (MLD reports come after
# a hop-by-hop header), not the tunnel's datagrams, not DHCP, not to the
# server (a remote).
strays() {
	tcpdump -r "$CAP" -n "ether src $CLI_MAC and not arp and
		not (icmp6 and (ip6[40] >= 130 and ip6[40] <= 137 or ip6[40] == 143)) and
		not (ip6[6] == 0 and ip6[40] == 58 and
		     (ip6[48] >= 130 and ip6[48] <= 132 or ip6[48] == 143)) and
		not (udp and dst host 203.0.113.2 and dst port $SRV_PORT) and
		not (udp and (port 67 or port 68 or port 546 or port 547)) and
		not dst host 203.0.113.2 and not dst host 2001:db8:100::2" 2>/dev/null
}

# include-all-networks: while connecting (no key) nothing leaves but the
# exemptions, even with the tool's rules and routes deleted; connected, it
# all goes through the tunnel, the LAN too; reasserting (the key gone),
# nothing again. Each status change raises its event.
include_all_kill_switch() {
	setup
	local ev=$DTMP/events s
	mon_start cli "$ev"
	pset include-all-networks on
	wait_for 60 status_is connecting
	fib_has 4 'default dev ptun0.*'
	fib_has 6 'default dev ptun0.*'
	paths46 "inet1 dropped" "priv dropped" "lan2 dropped" "server direct"
	by_hand
	paths46 "inet1 dropped" "priv dropped" "lan2 dropped" "inet2 dropped -I eth0"
	# DHCP and DHCPv6 still leave (the rules are gone: by the underlay)
	echo dhcp | nsrun cli nc -u -w 1 -q 0 -p 68 10.10.0.1 67 || true
	echo dhcp6 | nsrun cli nc -6 -u -w 1 -q 0 -p 546 fd10:10::1 547 || true
	sentinel
	expect_eq "$(tcpdump -r "$CAP" -n "ether src $CLI_MAC and udp and (dst port 67 or dst port 547)" 2>/dev/null | wc -l)" 2 \
		"DHCP and DHCPv6 datagrams on the underlay"
	s=$(strays)
	[ -z "$s" ] || { echo "$s" | sed 's/^/#   leaked: /'; fail "packets left while connecting"; }
	# The same settings again restore what was deleted.
	pset include-all-networks on
	fib_has 4 'default dev ptun0.*'
	keys_up
	wait_for 60 status_is connected
	paths46 "inet1 tunnel" "priv tunnel" "lan2 tunnel"
	ping_ok cli 203.0.113.10
	ping_ok cli 2001:db8:100::10
	nsrun cli "$PTUN" key del ptun0 100 slot primary
	wait_for 60 status_is reasserting
	paths46 "inet1 dropped" "lan2 dropped"
	by_hand
	paths46 "inet1 dropped" "priv dropped"
	# only the tunnel's datagrams (while connected) and exemptions
	s=$(strays)
	[ -z "$s" ] || { echo "$s" | sed 's/^/#   leaked: /'; fail "packets left the underlay"; }
	nsrun cli "$PTUN" settings clear ptun0
	wait_for 60 status_is disconnected
	wait_for 60 grep -q '"status":"disconnected"' "$ev"
	sed 's/^/# event: /' "$ev"
	expect_eq "$(mon_events "$ev" ptun0 status-changed status | tr '\n' ' ')" \
		"connecting connected reasserting disconnecting disconnected " "status events"
	expect_eq "$(mon_events "$ev" ptun0 settings-changed generation | tr '\n' ' ')" \
		"1 2 3 " "settings events (generations)"
	expect_eq "$(jq -r 'select(.ifname == "ptun0" and .event == "settings-changed") | .cleared // false' "$ev" | tr '\n' ' ')" \
		"false false true " "the last settings event says cleared"
	paths46 "inet1 direct"
}

# Apple's example: included 10.0.0.0/8, the LAN 10.10.0.0/16 local. With
# enforce-routes and exclude-local-networks the LAN host is reached
# directly, the rest of 10/8 through the tunnel (gw too: its route has a
# gateway, it is not local), also with the routes deleted; without
# exclude-local-networks the LAN host goes into the tunnel; with
# include-all-networks and no key the LAN stays reachable and the rest not.
exclude_local_apple() {
	setup keys
	pset include 10.0.0.0/8 include fd00::/8 enforce-routes on exclude-local-networks on
	wait_for 60 status_is connected
	fib_has 4 '10\.0\.0\.0/8 dev ptun0.*' 'throw 10\.10\.0\.0/16.*'
	fib_has 6 'fd00::/8 dev ptun0.*' 'throw fd10:10::/64.*'
	paths46 "lan2 direct" "priv tunnel" "gw tunnel"
	by_hand
	paths46 "lan2 direct" "priv tunnel" "gw tunnel"
	pset include 10.0.0.0/8 include fd00::/8 enforce-routes on
	paths46 "lan2 tunnel" "priv tunnel"
	pset include-all-networks on exclude-local-networks on
	nsrun cli "$PTUN" key del ptun0 100 slot primary
	wait_for 60 status_is reasserting
	paths46 "lan2 direct" "inet1 dropped" "gw dropped"
}

# A refused request (one bad field among good ones) changes nothing: not
# the settings, not the FIB, not where packets go.
bad_field_changes_nothing() {
	setup keys
	pset include 10.20.0.0/16 include fd20::/16 enforce-routes on
	wait_for 60 status_is connected
	local fib settings
	fib=$(fib_show; ip -n cli -4 route show table all; ip -n cli -6 route show table all)
	settings=$(ip netns exec cli "$PTUN" show --json ptun0 | jq -c '.devices[0] | [.status, .settings, .mtu]')
	fib_show | sed 's/^/# before: /'
	expect_fail pset include 0.0.0.0/0 include-all-networks on include 10.0.0.0/33
	expect_fail pset include 0.0.0.0/0 exclude fd00::1/64
	expect_fail pset include 192.168.0.0/16 mtu 67
	expect_fail pset include 192.168.0.0/16 table 254
	expect_fail pset include 192.168.0.0/16 address 10.7.0.3/24 dns 0.0.0.0
	expect_eq "$(fib_show; ip -n cli -4 route show table all; ip -n cli -6 route show table all)" \
		"$fib" "the FIB after the refused requests"
	expect_eq "$(ip netns exec cli "$PTUN" show --json ptun0 | jq -c '.devices[0] | [.status, .settings, .mtu]')" \
		"$settings" "settings after the refused requests"
	paths46 "gw tunnel" "inet1 direct"
}

# Another program deletes the tool's rules and routes: enforce-routes and
# include-all-networks still send the included destinations through the
# tunnel, also from a socket bound to the underlay.
deleted_by_hand() {
	setup keys
	pset include 10.20.0.0/16 include fd20::/16 enforce-routes on
	wait_for 60 status_is connected
	by_hand
	paths46 "priv tunnel" "gw tunnel" "inet1 direct"
	paths46 "priv tunnel -I eth0"
	pset include-all-networks on
	fib_has 4 'default dev ptun0.*'
	by_hand
	paths46 "inet1 tunnel" "inet2 tunnel -I eth0" "priv tunnel" "server direct"
}

# settings clear and ptun link del leave no rule, route or address, and
# lift the kill switch.
clear_and_link_del() {
	setup
	pset include-all-networks on dns 10.7.0.53
	wait_for 60 status_is connecting
	fib_has 4 'default dev ptun0.*'
	fib_has 6 'default dev ptun0.*'
	expect_match "$(ip -n cli -o -4 addr show dev ptun0)" '10\.7\.0\.2/24' "ptun0's address"
	paths46 "inet1 dropped"
	nsrun cli "$PTUN" settings clear ptun0
	fib_empty
	paths46 "inet1 direct"
	pset include-all-networks on
	wait_for 60 status_is connecting
	fib_has 4 'default dev ptun0.*'
	paths46 "inet1 dropped"
	nsrun cli "$PTUN" link del ptun0
	fib_empty
	expect_eq "$(ip -n cli -o link show ptun0 2>/dev/null)" "" "ptun0 after link del"
	paths46 "inet1 direct" "priv direct"
}

# 10 000 IPv4 and 2 000 IPv6 routes: all in table T, the policy holds with
# them (and without them), and clear removes them all.
ten_thousand_routes() {
	setup keys
	local args=() start took
	mapfile -t args < <(awk 'BEGIN {
		for (i = 0; i < 10000; i++)
			printf "include\n10.%d.%d.0/24\n", 20 + int(i / 256), i % 256
		for (i = 0; i < 2000; i++)
			printf "include\nfd20:%x::/32\n", i }')
	expect_eq "${#args[@]}" 24000 "words built"
	start=$(date +%s%N)
	echo "# [cli] $PTUN settings set ptun0 (12000 routes) enforce-routes on"
	ip netns exec cli "$PTUN" settings set ptun0 "${args[@]}" enforce-routes on
	took=$((($(date +%s%N) - start) / 1000000))
	echo "# settings set with 12 000 routes took $took ms (under TCG; not asserted)"
	expect_eq "$(ip -n cli -4 route show table $T | grep -c ' dev ptun0')" 10000 "IPv4 routes in table $T"
	expect_eq "$(ip -n cli -6 route show table $T | grep -c ' dev ptun0')" 2000 "IPv6 routes in table $T"
	wait_for 60 status_is connected
	paths46 "priv tunnel" "gw tunnel" "inet1 direct"
	by_hand
	paths46 "gw tunnel" "priv tunnel -I eth0"
	start=$(date +%s%N)
	ip netns exec cli "$PTUN" settings set ptun0 "${args[@]}" enforce-routes on
	took=$((($(date +%s%N) - start) / 1000000))
	echo "# re-applied (after the routes were deleted) in $took ms"
	expect_eq "$(ip -n cli -4 route show table $T | grep -c ' dev ptun0')" 10000 "IPv4 routes re-applied"
	start=$(date +%s%N)
	nsrun cli "$PTUN" settings clear ptun0
	took=$((($(date +%s%N) - start) / 1000000))
	echo "# cleared in $took ms"
	fib_empty
	paths46 "gw direct"
}

ktap_test "the topology: paths told apart, the private network only through the tunnel" topology
ktap_test "split tunnel: the included network through the tunnel, the rest not" split_tunnel
ktap_test "full tunnel (0.0.0.0/0, ::/0) without a routing loop" full_tunnel
ktap_test "excluded routes go out the underlay, a tie is excluded" excluded_routes
ktap_test "the system table wins without enforce-routes, the tunnel with it" system_table_vs_enforce
ktap_test "a socket bound to the underlay cannot leak under enforce-routes" bound_socket
ktap_test "include-all-networks: kill switch connecting and reasserting, all through when connected, events" include_all_kill_switch
ktap_test "exclude-local-networks with Apple's example (10.0.0.0/8, local 10.10.0.0/16)" exclude_local_apple
ktap_test "a bad field refuses the request: FIB and behaviour unchanged" bad_field_changes_nothing
ktap_test "routes and rules deleted by hand open no leak (enforce, include-all)" deleted_by_hand
ktap_test "settings clear and link del leave nothing behind and lift the kill switch" clear_and_link_del
ktap_test "10 000 routes applied, enforced and cleared" ten_thousand_routes
ktap_done
