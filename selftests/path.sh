#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The path between the peers: the endpoint follows a client that moves,
# keepalives keep an idle tunnel alive at their interval, a silent peer is
# declared dead after its timeout, and packets too big for the path are
# answered with the path's MTU.
source "$(dirname "$0")/lib.sh"

# A client changes its underlay address (IPv4, then IPv6), then its outer
# family: the server's endpoint for it follows each time, with an event,
# and the server reaches it at the new place; its automatic MTU follows the
# new path.
endpoint_follows_client() {
	tun_join srv c1 1 chacha20-poly1305 4
	ping_ok c1 10.9.0.1
	ev_start srv "$DTMP/ev" --cmd PTUN_CMD_ENDPOINT_CHANGED_NTF
	# the new address's path is narrower: the server's automatic MTU
	# follows the roam (1400 less 20 + 8 + 32 of outer headers; not
	# below 1280, which would take IPv6 off the device)
	local mtu0
	mtu0=$(ip netns exec srv cat /sys/class/net/ptun0/mtu)
	nsrun srv ip route add 10.1.1.3/32 dev s1 mtu 1400
	nsrun c1 ip addr del 10.1.1.2/24 dev u0
	nsrun c1 ip addr add 10.1.1.3/24 dev u0
	# the first pings may still leave from the old address
	wait_for 30 nsrun c1 ping -n -c 1 -W 1 10.9.0.1
	ping_ok c1 10.9.0.1
	expect_eq "$(peer_val srv 1 .endpoint)" "10.1.1.3:$CLI_PORT" "endpoint after the IPv4 move"
	ping_ok srv 10.9.1.1
	wait_for 10 ev_has "$DTMP/ev" '.peer.endpoint_ipv4 == "10.1.1.3"'
	wait_for 10 mtu_is srv 1340
	echo "# the server's MTU: $mtu0 before the move, 1340 after"
	[ "$mtu0" -gt 1340 ] || fail "the server's MTU was already $mtu0"

	nsrun srv "$PTUN" peer set ptun0 1 endpoint "[fd01:1::2]:$CLI_PORT"
	nsrun c1 "$PTUN" peer set ptun0 100 endpoint "[fd01:1::1]:$SRV_PORT"
	ping_ok c1 fd09::1
	nsrun c1 ip addr del fd01:1::2/64 dev u0
	nsrun c1 ip addr add fd01:1::3/64 dev u0 nodad
	wait_for 30 nsrun c1 ping -n -c 1 -W 1 fd09::1
	ping_ok c1 fd09::1
	expect_eq "$(peer_val srv 1 .endpoint)" "[fd01:1::3]:$CLI_PORT" "endpoint after the IPv6 move"
	ping_ok srv fd09:0:0:1::1
	wait_for 10 ev_has "$DTMP/ev" '.peer.endpoint_ipv6 == "fd01:1::3"'

	# back to IPv4: the client alone changes its endpoint for the server
	nsrun c1 "$PTUN" peer set ptun0 100 endpoint "10.1.1.1:$SRV_PORT"
	ping_ok c1 10.9.0.1
	expect_eq "$(peer_val srv 1 .endpoint)" "10.1.1.3:$CLI_PORT" "endpoint after the family change"
	ping_ok srv fd09:0:0:1::1
	wait_for 10 ev_twice "$DTMP/ev" '.peer.endpoint_ipv4 == "10.1.1.3"'
	sed 's/^/# event: /' "$DTMP/ev"
	expect_eq "$(ev_count "$DTMP/ev" '.peer.id != 1 or .peer.endpoint_port != '$CLI_PORT)" 0 \
		"events for another peer or port"
}

# A path narrower than IPv6's minimum: the automatic MTU stops at 1280
# while the device has IPv6 (below it the kernel would take IPv6 off the
# device for good), and IPv6 still crosses the tunnel.
auto_mtu_keeps_ipv6() {
	tun_join srv c1 1 chacha20-poly1305 4
	ping_ok c1 10.9.0.1
	# 1300 less 20 + 8 + 32 of outer headers would be 1240
	nsrun srv ip route add 10.1.1.3/32 dev s1 mtu 1300
	client_moves 2 3
	wait_for 10 mtu_is srv 1280
	expect_match "$(ip -n srv -6 addr show dev ptun0)" "inet6 fd09::1/128" "ptun0's IPv6 address"
	ping_ok srv fd09:0:0:1::1
	ping_ok c1 fd09::1
	# without IPv6 on the device the path's own figure stands
	nsrun srv sysctl -qw net.ipv6.conf.ptun0.disable_ipv6=1
	nsrun srv ip route add 10.1.1.4/32 dev s1 mtu 1290
	client_moves 3 4
	wait_for 10 mtu_is srv 1230
	ping_ok srv 10.9.1.1
}

# The server's settings send the clients' underlay (10.1.0.0/16) into the
# tunnel, yet each peer's current endpoint is thrown out of table T: at
# "settings set", by "peer set" and "peer del" themselves, and while
# "settings follow" runs, after every roam. Evidence: table T, the route
# the kernel picks for the endpoint, and a ping over the underlay that
# leaves nothing in ptun0.
endpoint_throw_follows() {
	tun_join srv c1 1 chacha20-poly1305 4
	ping_ok c1 10.9.0.1
	nsrun srv "$PTUN" settings set ptun0 include 10.1.0.0/16 enforce-routes on
	expect_eq "$(throws srv)" "10.1.1.2" "throws after settings set"
	expect_eq "$(route_dev srv 10.1.1.2)" s1 "route to the endpoint"
	expect_eq "$(route_dev srv 10.1.1.9)" ptun0 "route to the rest of the underlay"

	# a roam without the agent: the throw stays where the peer was
	client_moves 2 3
	expect_eq "$(throws srv)" "10.1.1.2" "throws after a roam without follow"
	expect_eq "$(route_dev srv 10.1.1.3)" ptun0 "route to the roamed endpoint without follow"

	# the agent catches up at once, then follows the next roam
	bgns srv "$PTUN" settings follow ptun0
	local agent=$BG_PID
	wait_for 20 throws_are srv "10.1.1.3"
	client_moves 3 4
	wait_for 20 throws_are srv "10.1.1.4"
	expect_eq "$(route_dev srv 10.1.1.4)" s1 "route to the endpoint after the roam"
	local tx0
	tx0=$(stat_val srv ptun0 tx.packets)
	ping_ok srv 10.1.1.4
	expect_eq "$(stat_val srv ptun0 tx.packets)" "$tx0" "ptun0 tx packets during an underlay ping"
	ping_ok srv 10.9.1.1
	kill -TERM "$agent"
	local rc=0
	wait "$agent" || rc=$?
	expect_eq "$rc" 0 "the agent's exit status on SIGTERM"

	# the tool's own changes follow without the agent
	nsrun srv "$PTUN" peer set ptun0 1 endpoint "10.1.1.5:$CLI_PORT"
	expect_eq "$(throws srv)" "10.1.1.5" "throws after peer set"
	nsrun srv "$PTUN" peer del ptun0 1
	expect_eq "$(throws srv)" "" "throws after peer del"
	nsrun srv "$PTUN" peer add ptun0 1 endpoint "10.1.1.4:$CLI_PORT" \
		allowed-ips 10.9.1.0/24 remote-id 100
	expect_eq "$(throws srv)" "10.1.1.4" "throws after peer add"

	# the agent ends with the device
	bgns srv "$PTUN" settings follow ptun0
	agent=$BG_PID
	wait_for 20 agent_joined srv
	nsrun srv "$PTUN" link del ptun0
	rc=0
	wait "$agent" || rc=$?
	expect_eq "$rc" 0 "the agent's exit status when the device goes"
	expect_eq "$(ip -n srv route show table 28788)" "" "table T after link del"
}

# client_moves A B: client 1 moves from 10.1.1.A to 10.1.1.B and pings the
# server through the tunnel from there (the server learns the roam).
client_moves() {
	nsrun c1 ip addr del "10.1.1.$1/24" dev u0
	nsrun c1 ip addr add "10.1.1.$2/24" dev u0
	wait_for 30 nsrun c1 ping -n -c 1 -W 1 10.9.0.1
	wait_for 10 peer_is_at "10.1.1.$2:$CLI_PORT"
}

# peer_is_at EP: the server's peer 1 is at EP.
peer_is_at() {
	[ "$(peer_val srv 1 .endpoint)" = "$1" ]
}

# agent_joined NS: a generic netlink socket of NS is in a multicast group
# (the agent's: nothing else listens there).
agent_joined() {
	ip netns exec "$1" awk '$2 == 16 && $4 != "00000000" { f = 1 } END { exit !f }' \
		/proc/net/netlink
}

# throws NS: the host throws of ptun0's table in NS, space-separated.
throws() {
	ip -n "$1" -4 route show table 28788 |
		awk '$1 == "throw" && $2 !~ /\// { print $2 }' | sort | xargs
}

# throws_are NS LIST: throws NS gives LIST.
throws_are() {
	[ "$(throws "$1")" = "$2" ]
}

# route_dev NS ADDR: the device of the route the kernel picks for ADDR.
route_dev() {
	ip -n "$1" route get "$2" | awk '{ for (i = 1; i < NF; i++)
		if ($i == "dev") { print $(i + 1); exit } }'
}

# mtu_is NS N: ptun0's MTU in NS is N.
mtu_is() {
	[ "$(ip netns exec "$1" cat /sys/class/net/ptun0/mtu)" = "$2" ]
}

# ev_twice FILE JQ-CONDITION: two recorded events satisfy it.
ev_twice() {
	[ "$(ev_count "$1" "$2")" -ge 2 ]
}

# An idle client with keepalive 1 sends an empty authenticated datagram
# about every second; the server (timeout 5 s) never declares it dead.
# The gaps are read from tcpdump's timestamps in a guest that shares the
# host's CPUs: one late gap is noise, so the median must be about 1 s and
# none may come near the timeout.
keepalive_at_interval() {
	tun_join srv c1 1 chacha20-poly1305 4
	# keepalives on once the keys are in: none can go without one
	nsrun srv "$PTUN" peer set ptun0 1 keepalive 1 keepalive-timeout 5
	nsrun c1 "$PTUN" peer set ptun0 100 keepalive 1
	ev_start srv "$DTMP/ev" --cmd PTUN_CMD_PEER_DEAD_NTF
	local cap=$DTMP/ka.pcap tx0 rx0 gaps list
	tx0=$(peer_val c1 100 .tx_packets)
	rx0=$(stat_val srv ptun0 rx.packets)
	capture_start srv s1 "$cap" udp src port $CLI_PORT
	# (keepalives: UDP length 40, an empty payload between header and tag)
	wait_for 30 cap_has "$cap" 6 'udp[4:2] = 40'
	capture_stop
	list=$(python3 "$WIRE" list "$cap")
	echo "$list" | sed 's/^/# /'
	# all keepalives (32 bytes: header and tag), and the seconds between them
	gaps=$(echo "$list" | jq -s -r '(map(select(.len != 32)) | length),
		([range(1; length) as $i | .[$i].time - .[$i - 1].time] |
		 map(. * 100 | round / 100 | tostring) | join(" "))')
	expect_eq "$(echo "$gaps" | head -n 1)" 0 "datagrams that are not keepalives"
	gaps=$(echo "$gaps" | tail -n 1)
	echo "# seconds between keepalives: $gaps"
	echo "$gaps" | tr ' ' '\n' | sort -n | awk '
		{ g[NR] = $1 }
		END {
			med = g[int((NR + 1) / 2)]
			printf "# median %s s, longest %s s\n", med, g[NR]
			exit !(NR >= 5 && med >= 0.8 && med <= 1.3 && g[1] >= 0.5 && g[NR] <= 4)
		}' || fail "keepalive gaps $gaps: want a median of about 1 s, none under 0.5 or over 4"
	[ "$(peer_val c1 100 .tx_packets)" -ge $((tx0 + 6)) ] ||
		fail "client's tx_packets $tx0 -> $(peer_val c1 100 .tx_packets)"
	expect_eq "$(stat_val srv ptun0 rx.packets)" "$rx0" "inner packets delivered on the server"
	expect_eq "$(peer_val srv 1 .dead)" false "server's peer dead"
	expect_eq "$(ev_count "$DTMP/ev" true)" 0 "peer-dead events"
	expect_eq "$(drops_line srv)" "" "server drops"
}

# The client's datagrams stop (nft drops them on the way out): after its
# keepalive timeout the server raises peer-dead and shows dead; once they
# flow again the peer is alive.
peer_dead_after_timeout() {
	local SRV_PEER=(keepalive 1 keepalive-timeout 2) CLI_PEER=(keepalive 1)
	tun_join srv c1 1 chacha20-poly1305 4
	SRV_PEER=() CLI_PEER=()
	expect_eq "$(peer_val srv 1 '"\(.keepalive) \(.keepalive_timeout)"')" "1 2" "server's keepalive and timeout"
	ping_ok c1 10.9.0.1
	expect_eq "$(peer_val srv 1 .dead)" false "dead while talking"
	ev_start srv "$DTMP/ev" --cmd PTUN_CMD_PEER_DEAD_NTF
	nsrun c1 nft -f - <<-EOF
	table inet away {
		chain out {
			type filter hook output priority 0;
			udp dport $SRV_PORT drop
		}
	}
	EOF
	local last late
	wait_for 20 ev_has "$DTMP/ev" '.peer.id == 1'
	last=$(peer_val srv 1 .last_rx_ms)
	sed 's/^/# event: /' "$DTMP/ev"
	late=$(jq -s -r --argjson last "$last" '.[0].time - $last / 1000 | . * 100 | round / 100' "$DTMP/ev")
	echo "# peer-dead $late s after the last datagram (timeout 2 s, keepalive 1 s)"
	awk -v l="$late" 'BEGIN { exit !(l >= 1.95 && l <= 4.5) }' ||
		fail "peer-dead $late s after the last datagram, want 2 to 3 (+ slack)"
	expect_eq "$(peer_val srv 1 .dead)" true "dead in show"
	nsrun c1 nft delete table inet away
	wait_for 20 peer_eq srv 1 .dead false
	ping_ok c1 10.9.0.1
	expect_eq "$(ev_count "$DTMP/ev" true)" 1 "peer-dead events"
}

# too_big NS DST SIZE-OK MTU: with the path MTU MTU, a DF ping of SIZE-OK
# bytes of payload fits exactly; one byte more is refused with MTU.
too_big() {
	local ns=$1 dst=$2 ok=$3 mtu=$4 before out
	ping_ok "$ns" "$dst" -M "do" -s "$ok"
	before=$(drop_val "$ns" tx_too_big)
	out=$(nsrun "$ns" ping -n -c 2 -i 0.3 -W 1 -M "do" -s $((ok + 1)) "$dst" 2>&1 || true)
	echo "$out" | sed 's/^/# /'
	expect_match "$out" "mtu ?[=:] ?$mtu\b" "$dst: the path MTU in the error"
	[ "$(drop_val "$ns" tx_too_big)" -gt "$before" ] ||
		fail "$dst: tx_too_big did not move"
}

# The tunnel's MTU (1500) is above what the 1400-byte underlay can carry:
# 1400 - 20 - 8 - 32 = 1340 inside IPv4, 1400 - 40 - 8 - 32 = 1320 inside
# IPv6. Exactly that much passes; more gets frag-needed / packet-too-big.
too_big_gets_icmp_with_path_mtu() {
	tun_join srv c1 1 aes-256-gcm 4
	nsrun c1 ip link set u0 mtu 1400
	nsrun srv ip link set s1 mtu 1400
	nsrun c1 "$PTUN" link set ptun0 mtu 1500
	too_big c1 10.9.0.1 $((1340 - 28)) 1340
	too_big c1 fd09::1 $((1340 - 48)) 1340
	nsrun srv "$PTUN" peer set ptun0 1 endpoint "$(endpoint_of 1 c 6)"
	nsrun c1 "$PTUN" peer set ptun0 100 endpoint "$(endpoint_of 1 s 6)"
	# other destinations: the first ones' learnt path MTU is cached
	nsrun srv ip -batch - <<-EOF
	addr add 10.9.0.2/32 dev ptun0
	addr add fd09::2/128 dev ptun0 nodad
	EOF
	too_big c1 10.9.0.2 $((1320 - 28)) 1320
	too_big c1 fd09::2 $((1320 - 48)) 1320
}

ktap_test "the endpoint follows a client's address and family changes" endpoint_follows_client
ktap_test "the automatic MTU stays at 1280 while the device has IPv6" auto_mtu_keeps_ipv6
ktap_test "each peer's current endpoint is thrown out of the settings' table" endpoint_throw_follows
ktap_test "keepalives flow at their interval on an idle tunnel" keepalive_at_interval
ktap_test "a silent peer is declared dead after its keepalive timeout" peer_dead_after_timeout
ktap_test "DF packets too big for the path get ICMP with the path MTU" too_big_gets_icmp_with_path_mtu
ktap_done
