#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The data plane: inner IPv4 and IPv6 carried over outer IPv4 and IPv6 with
# both ciphers, a server with several clients, nothing of the inner packet
# on the wire, unreachable destinations, a device moved to a container, and
# unloading the module under traffic (last).
source "$(dirname "$0")/lib.sh"

# ul_counters NS: nft counters of the outer datagrams to the server's port,
# by family, read by ul_count NS 4|6.
ul_counters() {
	nsrun "$1" nft -f - <<-EOF
	table inet ul {
		counter v4 { }
		counter v6 { }
		chain in {
			type filter hook input priority 0;
			meta nfproto ipv4 udp dport $SRV_PORT counter name v4
			meta nfproto ipv6 udp dport $SRV_PORT counter name v6
		}
	}
	EOF
}

ul_count() {
	ip netns exec "$1" nft list counter inet ul "v$2" |
		sed -nE 's/.*packets ([0-9]+) bytes.*/\1/p'
}

# both_ways CIPHER IPERF...: every inner family over every outer family
# between two namespaces, pings both ways, and iperf3 for the combinations
# IPERF names (OUTER/INNER-ADDRESS); the nft counters prove which outer
# family carried each run.
both_ways() {
	local cipher=$1 fam pair there here v4 v6 a b
	shift
	local iperf=" $* "
	tun_join srv c1 1 "$cipher" 4
	ul_counters srv
	for fam in 4 6; do
		nsrun srv "$PTUN" peer set ptun0 1 endpoint "$(endpoint_of 1 c $fam)"
		nsrun c1 "$PTUN" peer set ptun0 100 endpoint "$(endpoint_of 1 s $fam)"
		v4=$(ul_count srv 4) v6=$(ul_count srv 6)
		for pair in "10.9.0.1 10.9.1.1" "fd09::1 fd09:0:0:1::1"; do
			read -r there here <<<"$pair"
			ping_ok c1 "$there"
			ping_ok srv "$here"
			[[ $iperf != *" $fam/$there "* ]] || iperf_ok srv c1 "$there"
		done
		a=$(ul_count srv 4) b=$(ul_count srv 6)
		echo "# outer IPv$fam: $((a - v4)) IPv4 and $((b - v6)) IPv6 datagrams to the server"
		if [ "$fam" = 4 ]; then
			[ "$a" -gt "$v4" ] || fail "no IPv4 datagrams"
			expect_eq "$b" "$v6" "IPv6 datagrams while the endpoints are IPv4"
		else
			[ "$b" -gt "$v6" ] || fail "no IPv6 datagrams"
			expect_eq "$a" "$v4" "IPv4 datagrams while the endpoints are IPv6"
		fi
	done
	expect_eq "$(peer_val srv 1 '.keys[0].cipher')" "$cipher" "cipher"
	expect_eq "$(drops_line srv)" "" "server drops"
	expect_eq "$(drops_line c1)" "" "client drops"
}

# Each inner/outer combination gets one iperf3 run, with one cipher or the
# other.
chacha_both_ways() { both_ways chacha20-poly1305 4/10.9.0.1 6/fd09::1; }
aes_both_ways() { both_ways aes-256-gcm 4/fd09::1 6/10.9.0.1; }

# A server with three clients: mixed ciphers and outer families. Each
# client's prefix is routed to it and only to it (per-peer counters).
server_three_clients() {
	tun_join srv c1 1 chacha20-poly1305 4
	tun_join srv c2 2 aes-256-gcm 6
	tun_join srv c3 3 aes-256-gcm 4
	local n tx pids=()
	for n in 1 2 3; do
		ping_ok "c$n" 10.9.0.1
		ping_ok "c$n" fd09::1
		tx=$(pj srv | jq -c '[.devices[0].peers | sort_by(.id)[] | .tx_packets]')
		ping_ok srv "10.9.$n.1"
		ping_ok srv "fd09:0:0:$n::1"
		# Only peer n's transmit counter moved (by the 6 echo requests).
		expect_eq "$(pj srv | jq -c --argjson old "$tx" --argjson n "$n" '
			[.devices[0].peers | sort_by(.id)[] | .tx_packets] as $new |
			[range(3) | if . == $n - 1 then $new[.] - $old[.] >= 6
					  else $new[.] == $old[.] end]')" \
			"[true,true,true]" "only peer $n's tx_packets moved (by 6 or more)"
	done
	# the three clients at once, each to an iperf3 server of its own
	for n in 1 2 3; do
		bgns srv iperf3 -s -1 -p $((5200 + n)) >/dev/null 2>&1
	done
	wait_for 20 sh -c "[ \$(ip netns exec srv ss -Htln 'sport >= :5201 and sport <= :5203' | wc -l) = 3 ]"
	for n in 1 2 3; do
		bgns "c$n" iperf3 -c 10.9.0.1 -p $((5200 + n)) -t 2 -J > "$DTMP/iperf$n"
		pids+=("$BG_PID")
	done
	for n in 1 2 3; do
		wait "${pids[$((n - 1))]}" || fail "iperf3 from c$n: $(jq -r .error "$DTMP/iperf$n")"
		echo "# iperf3 from c$n: $(jq '.end.sum_received.bits_per_second / 1e6 | floor' "$DTMP/iperf$n") Mbit/s"
		[ "$(jq .end.sum_received.bytes "$DTMP/iperf$n")" -gt 0 ] || fail "iperf3 from c$n moved nothing"
	done
	expect_eq "$(pj srv | jq -r '[.devices[0].peers | sort_by(.id)[] |
		"\(.id):\(.remote_id):\(.endpoint):\(.keys[0].cipher)"] | join(" ")')" \
		"1:100:10.1.1.2:$CLI_PORT:chacha20-poly1305 2:100:[fd01:2::2]:$CLI_PORT:aes-256-gcm 3:100:10.1.3.2:$CLI_PORT:aes-256-gcm" \
		"server's peers"
	[ "$(peer_val srv 2 .rx_packets)" -gt 0 ] || fail "peer 2 received nothing"
	expect_eq "$(drops_line srv)" "" "server drops"
}

# A burst of numbered datagrams through one peer arrives in the order it was
# sent, for inner IPv4 and IPv6: the crypto workers of every CPU seal and
# open the burst, and each peer's stages let datagrams go on only in the
# order they were queued.
burst_in_order() {
	local dst out pid got n=3000
	tun_join srv c1 1 chacha20-poly1305 4
	ping_ok c1 10.9.0.1
	for dst in 10.9.0.1 fd09::1; do
		out=$DTMP/burst-$dst
		rm -f "$DTMP/ready"
		bgns srv python3 "$BURST" recv "$dst" 7000 "$n" "$DTMP/ready" > "$out"
		pid=$BG_PID
		wait_for 60 test -s "$DTMP/ready"
		nsrun c1 python3 "$BURST" send "$dst" 7000 "$n"
		wait "$pid"
		echo "# to $dst: $(cat "$out")"
		got=$(jq .received "$out")
		[ "$got" -ge $((n * 9 / 10)) ] || fail "only $got of $n datagrams arrived"
		expect_eq "$(jq .inversions "$out")" 0 "datagrams out of order"
	done
	expect_eq "$(drops_line srv)" "" "server drops"
}

# The underlay sees only UDP to and from the tunnel ports and no byte of
# the inner packets: a marker sent in pings and UDP is found on ptun0 (so it
# was sent) and nowhere in the veth capture.
underlay_shows_no_plaintext() {
	local marker=ptunMARK mhex=7074756e4d41524b cap=$DTMP/ul.pcap in=$DTMP/in.pcap
	tun_join srv c1 1 chacha20-poly1305 4
	capture_start srv s1 "$cap"
	local ul_pid=$CAP_PID
	capture_start srv ptun0 "$in"
	nsrun c1 ping -n -q -c 5 -i 0.1 -p "$mhex" 10.9.0.1
	nsrun c1 ping -n -q -c 5 -i 0.1 -p "$mhex" fd09::1
	echo "$marker-udp-$marker" | nsrun c1 nc -u -w 1 -q 0 10.9.0.1 9 || true
	nsrun srv "$PTUN" peer set ptun0 1 endpoint "$(endpoint_of 1 c 6)"
	nsrun c1 "$PTUN" peer set ptun0 100 endpoint "$(endpoint_of 1 s 6)"
	nsrun c1 ping -n -q -c 5 -i 0.1 -p "$mhex" fd09::1
	nsrun srv ping -n -q -c 5 -i 0.1 -p "$mhex" 10.9.1.1
	# 20 pings each way and the UDP datagram: 41 or more
	wait_for 20 cap_has "$cap" 41 udp and "(port $SRV_PORT or port $CLI_PORT)"
	capture_stop
	CAP_PID=$ul_pid capture_stop
	local inner outer udp other
	inner=$(grep -caF "$marker" "$in" || true)
	outer=$(grep -caF "$marker" "$cap" || true)
	echo "# marker lines: $inner in the ptun0 capture, $outer in the underlay capture"
	[ "$inner" -gt 0 ] || fail "the marker never crossed ptun0"
	expect_eq "$outer" 0 "marker on the underlay"
	udp=$(tcpdump -r "$cap" -n "udp and (port $SRV_PORT or port $CLI_PORT)" 2>/dev/null | wc -l)
	# neighbour discovery and link-local chatter aside, nothing else.
	other=$(tcpdump -r "$cap" -n "not arp and not (ip6 and (ip6 multicast or
		(icmp6 and ip6[40] >= 133 and ip6[40] <= 137))) and
		not (udp and src port $SRV_PORT and dst port $CLI_PORT) and
		not (udp and src port $CLI_PORT and dst port $SRV_PORT)" 2>/dev/null)
	echo "# underlay: $udp tunnel datagrams"
	[ -z "$other" ] || { echo "$other" | sed 's/^/#   /'; fail "other traffic on the underlay"; }
	# each datagram: version 1, type 1, the receiver's id for us, a
	# fresh counter for each direction.
	local dups
	dups=$(python3 "$WIRE" list "$cap" --port $SRV_PORT | jq -s -r '
		(map(select(.version != 1 or .type != 1 or .reserved != 0)) | length),
		(map(select(.dport == '$SRV_PORT' and .receiver != 1)) | length),
		(map(select(.dport == '$CLI_PORT' and .receiver != 100)) | length),
		(group_by(.dport) | map(group_by(.counter) | map(select(length > 1)) | length) | add)' |
		tr '\n' ' ')
	expect_eq "$dups" "0 0 0 0 " "bad version/type, wrong receiver ids, reused counters"
}

# A destination in the device's routes but in no peer's prefixes is
# refused with ICMP unreachable and counted in tx_errors.
no_peer_for_destination() {
	tun_join srv c1 1 chacha20-poly1305 4
	local before out
	before=$(stat_val srv ptun0 tx.errors)
	out=$(nsrun srv ping -n -c 1 -W 5 10.9.7.7 2>&1 || true)
	echo "$out" | sed 's/^/# /'
	expect_match "$out" 'Unreachable' "ICMP unreachable"
	out=$(nsrun srv ping -n -c 1 -W 5 fd09:0:0:7::7 2>&1 || true)
	echo "$out" | sed 's/^/# /'
	expect_match "$out" 'Destination unreachable' "ICMPv6 unreachable"
	[ "$(stat_val srv ptun0 tx.errors)" -ge $((before + 2)) ] ||
		fail "tx_errors $before -> $(stat_val srv ptun0 tx.errors), want +2"
	expect_eq "$(peer_val srv 1 .tx_packets)" 0 "sent to peer 1"
	ping_ok c1 10.9.0.1
}

# The device moves into a container namespace; its socket stays where it
# was created and the tunnel keeps working.
moved_device_keeps_tunnel() {
	tun_join srv c1 1 aes-256-gcm 4
	ping_ok c1 10.9.0.1
	ns_add box
	nsrun c1 ip link set ptun0 netns box
	tun_client_addrs box 1
	ping_ok box 10.9.0.1
	ping_ok box fd09::1
	ping_ok srv 10.9.1.1
	expect_eq "$(peer_val box 100 '"\(.endpoint) \(.keys[0].key_id)"')" \
		"10.1.1.1:$SRV_PORT 1" "peer and key in the container"
	expect_match "$(nsrun c1 ss -Huan "sport = :$CLI_PORT")" ":$CLI_PORT" \
		"socket in the creating namespace"
	expect_eq "$(nsrun box ss -Huan "sport = :$CLI_PORT")" "" "socket in the container"
	expect_eq "$(ip -n c1 link show ptun0 2>/dev/null)" "" "device left in c1"
	iperf_ok srv box 10.9.0.1
}

# peers_received NS N: every peer of ptun0 in NS received more than N.
peers_received() {
	[ "$(pj "$1" | jq '[.devices[0].peers[].rx_packets] | min')" -gt "$2" ]
}

reload() {
	grep -q '^ptun ' /proc/modules || run insmod "$PTUN_KO"
}

# rmmod while a ping flood crosses the tunnel: the devices go, nothing is
# left behind (the harness checks the kernel log), and it loads again.
unload_under_traffic() {
	[ -n "${PTUN_KO:-}" ] || return $KSFT_SKIP
	tun_join srv c1 1 chacha20-poly1305 4
	tun_join srv c2 2 aes-256-gcm 6
	bgns c1 ping -q -f -w 60 10.9.0.1 >/dev/null
	local p1=$BG_PID
	bgns c2 ping -q -f -w 60 fd09::1 >/dev/null
	local p2=$BG_PID
	wait_for 30 peers_received srv 200
	run rmmod ptun
	expect_eq "$(grep -c '^ptun ' /proc/modules)" 0 "module gone"
	kill -0 "$p1" && kill -0 "$p2" || fail "a ping flood ended before the unload"
	expect_eq "$(ip -n srv -o link show | grep -c ptun0)" 0 "server device left"
	expect_eq "$(ip -n c1 -o link show | grep -c ptun0)" 0 "client device left"
	run insmod "$PTUN_KO"
	nsrun srv "$PTUN" link add again0
	expect_eq "$(pj srv | jq -r '.devices[].ifname')" again0 "works after reload"
}

trap reload EXIT
ktap_test "v4/v6 in v4/v6 ping and iperf3 between two namespaces, chacha20-poly1305" chacha_both_ways
ktap_test "v4/v6 in v4/v6 ping and iperf3 between two namespaces, aes-256-gcm" aes_both_ways
ktap_test "a server with three clients reaches each through its own peer" server_three_clients
ktap_test "a burst through one peer arrives in the order it was sent" burst_in_order
ktap_test "the underlay carries only UDP between the ports, no plaintext" underlay_shows_no_plaintext
ktap_test "no peer for the destination: ICMP unreachable and tx_errors" no_peer_for_destination
ktap_test "a device moved to another namespace keeps the tunnel up" moved_device_keeps_tunnel
ktap_test "unloading the module under a ping flood is clean" unload_under_traffic
ktap_done
