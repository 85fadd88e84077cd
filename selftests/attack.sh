#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an attacker on the path can do to a tunnel: replay, tamper with,
# truncate and forge captured datagrams, replay ones from behind the window,
# and a client spoofing another client's inner address. Each is dropped, is
# counted under its reason, moves no receive counter and no endpoint, and
# leaves the tunnel working. Then floods beyond what the queues to the
# crypto workers hold, received and sent: the excess is dropped before any
# crypto, counted, and the tunnel goes on.
source "$(dirname "$0")/lib.sh"

CAP=$DTMP/c2s.pcap
TO=10.1.1.1:$SRV_PORT

# captured_tunnel [CIPHER [SIZE]]: a tunnel srv <-> c1 and CAP holding the
# datagrams of 5 pings from c1 (SIZE bytes of payload, default 56), listed
# in LIST (wire.py list).
captured_tunnel() {
	tun_join srv c1 1 "${1:-chacha20-poly1305}" 4
	capture_start srv s1 "$CAP" udp dst port $SRV_PORT
	nsrun c1 ping -n -q -c 5 -i 0.1 -s "${2:-56}" 10.9.0.1
	wait_for 10 cap_has "$CAP" 5
	capture_stop
	LIST=$(python3 "$WIRE" list "$CAP")
	echo "$LIST" | sed 's/^/# /'
	expect_eq "$(echo "$LIST" | wc -l)" 5 "datagrams captured"
	# Let the pings' replies land before the counters are taken.
	wait_for 10 peer_eq c1 100 .rx_packets 5
}

# rx_state: the server device's rx_packets, then its peer 1's rx_packets
# and endpoint.
rx_state() {
	echo "$(stat_val srv ptun0 rx.packets) $(peer_val srv 1 '"\(.rx_packets) \(.endpoint)"')"
}

# snapshot: remember the server's drops (DROPS0) and receive counters (RX0).
snapshot() {
	local j
	j=$(pj srv | jq -r '.devices[0] | (.drops | tojson),
		(.peers[] | select(.id == 1) | "\(.rx_packets) \(.endpoint)")')
	DROPS0=$(echo "$j" | head -n 1)
	RX0="$(stat_val srv ptun0 rx.packets) $(echo "$j" | tail -n 1)"
}

# drops_delta: how the server's drop counters moved since the snapshot,
# as a JSON object with sorted keys holding only those that moved.
drops_delta() {
	pj srv | jq -cS --argjson b "$DROPS0" \
		'.devices[0].drops | with_entries(.value -= $b[.key] | select(.value != 0))'
}

# delta_is JSON...: for poll; the drops moved as one of the JSON objects
# (compact, keys sorted).
delta_is() {
	local got want
	got=$(drops_delta)
	for want in "$@"; do
		[ "$got" != "$want" ] || return 0
	done
	return 1
}

delta_not() {
	! delta_is "$1"
}

# forge WIRE-SEND-ARGS...: send captured datagrams again, from c1 but from
# a port of its own.
forge() {
	local out
	out=$(nsrun c1 python3 "$WIRE" send "$CAP" --port $SRV_PORT --to "$TO" "$@")
	echo "$out" | sed 's/^/#   sent /'
}

# expect_dropped JSON: the drop counters moved by exactly JSON (compact,
# keys sorted; waited for)
# and nothing was received: device rx_packets, the peer's rx_packets and
# its endpoint are unchanged.
expect_dropped() {
	poll 10 delta_is "$1" || fail "drops moved by $(drops_delta), want $1"
	expect_eq "$(rx_state)" "$RX0" "rx_packets (device, peer) and endpoint"
}

replayed_datagrams_dropped() {
	captured_tunnel
	snapshot
	forge --all --job '2 repeat=3'
	expect_dropped '{"replayed":8}'
	ping_ok c1 10.9.0.1
}

tampered_datagrams_dropped() {
	captured_tunnel aes-256-gcm
	snapshot
	# a bit of the ciphertext, of the tag and of the counter (all
	# authenticated); a counter far ahead, which must not move the replay
	# window (the pings after it would be too old).
	forge --job '0 xor=20:01' --job '1 xor=-1:80' --job '2 xor=15:01' \
		--job '3 set=8:00000000ffffffff'
	expect_dropped '{"auth_failed":4}'
	# a reserved byte that is not zero may also be refused as a bad header
	forge --job '4 xor=3:01'
	poll 10 delta_is '{"auth_failed":5}' '{"auth_failed":4,"bad_header":1}' ||
		fail "reserved byte set: drops moved by $(drops_delta)"
	ping_ok c1 10.9.0.1
	ping_ok srv 10.9.1.1
}

truncated_datagrams_dropped() {
	captured_tunnel
	snapshot
	# shorter than header and tag; then header and tag present with the
	# ciphertext cut: the tag cannot verify.
	forge --job '0 truncate=0' --job '1 truncate=8' --job '2 truncate=31' \
		--job '3 truncate=40'
	expect_dropped '{"auth_failed":1,"truncated":3}'
	ping_ok c1 10.9.0.1
}

unknown_key_peer_or_version_counted() {
	captured_tunnel
	snapshot
	forge --job '0 set=2:77' --job '1 set=4:0000270f' --job '2 set=0:02' \
		--job '3 set=1:09'
	expect_dropped '{"bad_header":2,"unknown_key":1,"unknown_peer":1}'
	ping_ok c1 10.9.0.1
}

# client_tx: the counter the client's primary key will use next.
client_tx() {
	peer_val c1 100 '.keys[] | select(.slot == "primary") | .tx_packets'
}

# The first captured datagram, replayed while less than 2048 newer ones
# arrived, is "replayed"; once enough newer ones arrived it is "too_old".
too_old_for_the_window() {
	captured_tunnel
	local c0 gap=0 prev want verdict
	c0=$(echo "$LIST" | head -n 1 | jq .counter)
	want=2040
	for _ in 1 2 3 4 5 6 7 8; do
		prev=$gap
		gap=$(( $(client_tx) - 1 - c0 ))
		if [ "$gap" -lt "$want" ]; then
			nsrun c1 python3 "$WIRE" blast --to 10.9.0.1:9 \
				--count $((want - gap - 3)) | sed 's/^/# /'
		fi
		# the newest counter surely arrived: a ping's request did.
		ping_ok c1 10.9.0.1
		gap=$(( $(client_tx) - 1 - c0 ))
		snapshot
		forge --index 0
		poll 10 delta_not '{}' || fail "the replay of counter $c0 was not counted"
		verdict=$(drops_delta)
		echo "# counter $c0 replayed $gap behind the newest: $verdict"
		case $verdict in
		'{"replayed":1}')
			;;
		'{"too_old":1}')
			[ "$gap" -ge 2048 ] || fail "too_old only $gap behind: window < 2048"
			echo "# the window holds more than $prev and less than $gap counters"
			expect_eq "$(stat_val srv ptun0 rx.packets) $(peer_val srv 1 .endpoint)" \
				"$(echo "$RX0" | cut -d' ' -f1,3)" "rx_packets and endpoint"
			return 0
			;;
		*)
			fail "replay of counter $c0: drops moved by $verdict"
			return 1
			;;
		esac
		want=$((want * 2))
	done
	fail "still within the window $gap behind"
}

# Client 1 sends with a source address in client 2's prefix: the server
# authenticates it as client 1's and drops it.
spoofed_inner_source_dropped() {
	tun_join srv c1 1 chacha20-poly1305 4
	tun_join srv c2 2 chacha20-poly1305 4
	ping_ok c2 10.9.0.1
	nsrun c1 ip addr add 10.9.2.77/32 dev ptun0
	nsrun c1 ip addr add fd09:0:0:2::77/128 dev ptun0 nodad
	local rx out
	DROPS0=$(pj srv | jq -c '.devices[0].drops')
	rx="$(stat_val srv ptun0 rx.packets) $(peer_val srv 2 .rx_packets)"
	out=$(nsrun c1 ping -n -c 3 -i 0.2 -W 1 -I 10.9.2.77 10.9.0.1 2>&1 || true)
	expect_match "$out" ' 100% packet loss' "IPv4 pings from a spoofed source"
	out=$(nsrun c1 ping -n -c 3 -i 0.2 -W 1 -I fd09:0:0:2::77 fd09::1 2>&1 || true)
	expect_match "$out" ' 100% packet loss' "IPv6 pings from a spoofed source"
	poll 10 delta_is '{"bad_source":6}' ||
		fail "drops moved by $(drops_delta), want bad_source 6"
	expect_eq "$(stat_val srv ptun0 rx.packets) $(peer_val srv 2 .rx_packets)" "$rx" \
		"rx_packets of the device and of the spoofed client's peer"
	ping_ok c1 10.9.0.1
	ping_ok c2 10.9.0.1
}

# replays_counted N: the server counted N replays, as replayed or
# queue_full (for poll).
replays_counted() {
	[ "$(drops_delta | jq '(.replayed // 0) + (.queue_full // 0)')" = "$1" ]
}

# Replays flooding in while the crypto workers cannot run (starve.py holds
# every CPU): the receive hook queues what the queues hold (1024) and drops
# the rest unopened, as queue_full; the queued ones are opened once the
# workers run again, and dropped as replayed. Every replay is counted under
# one of the two, nothing is delivered, and the tunnel works after.
# (Starving is not airtight on a loaded host, so only the sum is exact.
# The replayed datagram is a large one, so that opening it costs a worker
# many times what sending it costs the flood: a worker that gets a slice
# meanwhile cannot keep the queues from filling.)
replay_flood_beyond_the_queues() {
	local n=3000 d full replayed drop0
	captured_tunnel chacha20-poly1305 1300
	snapshot
	drop0=$(stat_val srv ptun0 rx.dropped)
	forge --index -1 --repeat $n --starve
	poll 60 replays_counted $n || fail "drops moved by $(drops_delta), want $n in all"
	d=$(drops_delta)
	echo "# drops moved by $d"
	expect_eq "$(echo "$d" | jq -c keys)" '["queue_full","replayed"]' "reasons"
	full=$(echo "$d" | jq .queue_full)
	replayed=$(echo "$d" | jq .replayed)
	echo "# $full dropped unopened, $replayed opened and dropped as replays"
	expect_eq "$(( $(stat_val srv ptun0 rx.dropped) - drop0 ))" $n "rx_dropped"
	expect_eq "$(rx_state)" "$RX0" "rx_packets (device, peer) and endpoint"
	ping_ok c1 10.9.0.1
}

# tx_accounted N FULL0 SFULL0 RX0: since the client's tx_queue_full FULL0,
# the server's queue_full SFULL0 and rx_packets RX0, N packets were each
# dropped as one of those two or received by the server.
tx_accounted() {
	[ $(( $(drop_val c1 tx_queue_full) - $2 + $(drop_val srv queue_full) - $3 +
	      $(stat_val srv ptun0 rx.packets) - $4 )) = "$1" ]
}

# Packets sent while the crypto workers cannot run: the client queues what
# its queues hold and drops the rest unsealed, as tx_queue_full and
# tx_dropped; the queued ones are sealed and sent once the workers run
# again. Every packet is dropped so or arrives (or, if the workers got a
# slice meanwhile, is dropped by the server's full queue).
send_flood_beyond_the_queues() {
	local n=3000 full0 sfull0 drop0 rx0 full
	tun_join srv c1 1 chacha20-poly1305 4
	ping_ok c1 10.9.0.1
	full0=$(drop_val c1 tx_queue_full)
	sfull0=$(drop_val srv queue_full)
	drop0=$(stat_val c1 ptun0 tx.dropped)
	rx0=$(stat_val srv ptun0 rx.packets)
	# large packets, for the reason given above the receive flood
	nsrun c1 python3 "$WIRE" blast --to 10.9.0.1:9 --count $n --size 1200 --starve |
		sed 's/^/# /'
	poll 60 tx_accounted $n "$full0" "$sfull0" "$rx0" ||
		fail "$(( $(drop_val c1 tx_queue_full) - full0 )) + $(( $(drop_val srv queue_full) - sfull0 )) dropped and $(( $(stat_val srv ptun0 rx.packets) - rx0 )) received of $n"
	full=$(( $(drop_val c1 tx_queue_full) - full0 ))
	echo "# $full dropped unsealed, $(( $(drop_val srv queue_full) - sfull0 )) by the server, $(( $(stat_val srv ptun0 rx.packets) - rx0 )) received"
	[ "$full" -gt 0 ] || fail "nothing was dropped as tx_queue_full"
	expect_eq "$(( $(stat_val c1 ptun0 tx.dropped) - drop0 ))" "$full" "tx_dropped"
	ping_ok c1 10.9.0.1
}

ktap_test "replayed datagrams are dropped and counted as replayed" replayed_datagrams_dropped
ktap_test "tampered datagrams fail authentication and are dropped" tampered_datagrams_dropped
ktap_test "truncated datagrams are dropped and counted" truncated_datagrams_dropped
ktap_test "unknown key id, receiver id or version is counted and dropped" unknown_key_peer_or_version_counted
ktap_test "a datagram behind the replay window is counted as too_old" too_old_for_the_window
ktap_test "an inner source outside the sender's allowed-ips is dropped" spoofed_inner_source_dropped
ktap_test "replays beyond the receive queue are dropped unopened as queue_full" replay_flood_beyond_the_queues
ktap_test "packets beyond the send queue are dropped unsealed as tx_queue_full" send_flood_beyond_the_queues
ktap_done
