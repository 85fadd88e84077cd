#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Keys: swapping slots under traffic loses nothing, a key's soft limit asks
# for a new key and its hard limit stops it, key material never comes back
# out, and bad peer or key configuration is refused with a message and
# changes nothing.
source "$(dirname "$0")/lib.sh"

# key_of NS ID SLOT JQ: JQ of the key in SLOT of peer ID in NS.
key_of() {
	peer_val "$1" "$2" ".keys[] | select(.slot == \"$3\") | $4"
}

# key_tx_over NS ID SLOT N: for wait_for.
key_tx_over() {
	[ "$(key_of "$1" "$2" "$3" .tx_packets)" -gt "$4" ]
}

peer_rx_over() {
	[ "$(peer_val "$1" "$2" .rx_packets)" -gt "$3" ]
}

# sent_eq_received: every datagram each side sent the other was received
# (authenticated and accepted); for wait_for.
sent_eq_received() {
	local c s
	c=$(peer_val c1 100 '"\(.tx_packets) \(.rx_packets)"')
	s=$(peer_val srv 1 '"\(.rx_packets) \(.tx_packets)"')
	echo "# client sent/received $c, server received/sent $s"
	[ "$c" = "$s" ]
}

# Both sides put a new key (another cipher too) in the secondary slot and
# swap, one after the other, while pings flow every 10 ms: none is lost,
# by ping's count and by the peers' datagram counters.
swap_under_ping_flood_loses_nothing() {
	tun_join srv c1 1 chacha20-poly1305 4
	ev_start srv "$DTMP/ev" --cmd PTUN_CMD_KEY_SWAP_NTF
	bgns c1 ping -n -q -i 0.01 -w 300 10.9.0.1 > "$DTMP/ping"
	local ping_pid=$BG_PID rx sent got
	wait_for 60 peer_rx_over srv 1 100
	key_pair srv c1 1 2 aes-256-gcm secondary
	nsrun srv "$PTUN" key swap ptun0 1
	# pings cross with the two sides on different primaries for a while
	rx=$(peer_val srv 1 .rx_packets)
	wait_for 30 key_tx_over srv 1 primary 30
	wait_for 30 peer_rx_over srv 1 $((rx + 30))
	nsrun c1 "$PTUN" key swap ptun0 100
	wait_for 30 key_tx_over c1 100 primary 30
	kill -0 "$ping_pid" || fail "the ping flood ended before both swaps"
	kill -INT "$ping_pid"
	wait "$ping_pid" || true
	sed 's/^/# /' "$DTMP/ping"
	# ping stops at once: the last request may be on its way
	read -r sent got < <(sed -nE 's/^([0-9]+) packets transmitted, ([0-9]+) received.*/\1 \2/p' "$DTMP/ping")
	[ "$got" -ge $((sent - 1)) ] || fail "$sent pings sent, $got answered"
	poll 10 sent_eq_received || { sent_eq_received; fail "datagrams lost"; }
	sent_eq_received
	expect_eq "$(peer_val srv 1 '[.keys[] | "\(.slot):\(.key_id):\(.cipher)"] | sort | join(" ")')" \
		"primary:2:aes-256-gcm secondary:1:chacha20-poly1305" "server's slots"
	expect_eq "$(peer_val c1 100 '[.keys[] | "\(.slot):\(.key_id)"] | sort | join(" ")')" \
		"primary:2 secondary:1" "client's slots"
	wait_for 10 ev_has "$DTMP/ev" '.keyconf.peer_id == 1'
	sed 's/^/# event: /' "$DTMP/ev"
	expect_eq "$(drops_line srv) / $(drops_line c1)" " / " "drops"
	ping_ok c1 fd09::1
}

# The client's key may seal 10 datagrams and asks for a new one after 5:
# rekey-needed comes at the soft limit, sending stops at the hard limit
# (counted as tx_no_key), and a new key swapped in resumes traffic.
soft_and_hard_limits() {
	local CLI_KEY=(soft-limit 5 hard-limit 10) out n
	tun_join srv c1 1 chacha20-poly1305 4
	CLI_KEY=()
	expect_eq "$(key_of c1 100 primary '"\(.soft_limit) \(.hard_limit)"')" "5 10" "limits"
	ev_start c1 "$DTMP/ev" --cmd PTUN_CMD_REKEY_NEEDED_NTF
	out=$(nsrun c1 ping -n -c 14 -i 0.1 -W 1 10.9.0.1 2>&1 || true)
	echo "$out" | tail -n 2 | sed 's/^/# /'
	expect_match "$out" '14 packets transmitted, 10 received' "pings within the hard limit"
	expect_eq "$(key_of c1 100 primary .tx_packets)" 10 "key's tx_packets"
	expect_eq "$(drop_val c1 tx_no_key)" 4 "tx_no_key"
	wait_for 10 ev_has "$DTMP/ev" '.keyconf.tx_packets == 10'
	sed 's/^/# event: /' "$DTMP/ev"
	expect_eq "$(ev_count "$DTMP/ev" '.keyconf.tx_packets >= 5 and .keyconf.tx_packets < 10')" 1 \
		"rekey-needed events at the soft limit"
	n=$(ev_count "$DTMP/ev" '.keyconf.tx_packets == 10 and .keyconf.hard_limit == 10')
	[ "$n" -ge 1 ] || fail "no rekey-needed event at the hard limit"
	expect_eq "$(ev_count "$DTMP/ev" '.keyconf.peer_id != 100 or .keyconf.key_id != 1')" 0 \
		"events naming another peer or key"
	key_pair srv c1 1 2 chacha20-poly1305 secondary
	nsrun srv "$PTUN" key swap ptun0 1
	nsrun c1 "$PTUN" key swap ptun0 100
	ping_ok c1 10.9.0.1
	expect_eq "$(drop_val c1 tx_no_key)" 4 "tx_no_key after the new key"
}

# Without a primary key nothing is sent: dropped and counted.
no_key_no_traffic() {
	tun_join srv c1 1 chacha20-poly1305 4
	ping_ok c1 10.9.0.1
	nsrun c1 "$PTUN" key del ptun0 100 slot primary
	local tx
	tx=$(peer_val c1 100 .tx_packets)
	expect_match "$(nsrun c1 ping -n -c 2 -i 0.2 -W 1 10.9.0.1 2>&1 || true)" \
		' 100% packet loss' "pings without a key"
	expect_eq "$(drop_val c1 tx_no_key)" 2 "tx_no_key"
	expect_eq "$(peer_val c1 100 .tx_packets)" "$tx" "datagrams sent"
	expect_eq "$(peer_val c1 100 '.keys | length')" 0 "keys left"
}

# Neither show nor the raw dumps and events carry the key bytes.
key_material_never_returned() {
	tun_join srv c1 1 aes-256-gcm 4
	local f=$DTMP/key-srv-1-1 halves raw h
	halves=$(base64 -d "$f" | od -An -v -tx1 | tr -d ' \n' | sed -E 's/^(.{64})(.{64})$/\1 \2/')
	[ "$(echo "$halves" | wc -w)" = 2 ] || fail "key file is not 64 bytes"
	raw=$(nsrun srv python3 "$NLRAW" request PTUN_CMD_PEER_GET \
		PTUN_A_DEV_IFNAME:str:ptun0 --dump --raw)
	echo "$raw" | jq -c '.replies[]' | sed 's/^/# /'
	expect_eq "$(echo "$raw" | jq '[.replies[].peer.key[]?] | length')" 1 "keys in the dump"
	expect_eq "$(echo "$raw" | jq '[.replies[].peer.key[]? | keys[] |
		select(test("encrypt|decrypt"))] | length')" 0 "key attributes in the dump"
	raw+=$(nsrun srv python3 "$NLRAW" request PTUN_CMD_DEV_GET --dump --raw)
	raw+=$(nsrun srv "$PTUN" show; nsrun srv "$PTUN" show --json; cat "$f")
	for h in $halves; do
		# the key file itself is in $raw: base64, not hex, so only the
		# dumps can match.
		expect_eq "$(echo "$raw" | grep -c "$h")" 0 "a key half in the dumps"
	done
	expect_eq "$(echo "$raw" | grep -cF "$(cat "$f")")" 1 "the base64 key outside the key file"
}

# bad_input NS CMD-WORDS: must fail with a message.
bad_input() {
	local ns=$1
	shift
	# shellcheck disable=SC2086
	expect_fail ip netns exec "$ns" "$PTUN" "$@"
	[ -n "$ERR" ] || fail "no message for 'ptun $*'"
}

bad_input_changes_nothing() {
	tun_join srv c1 1 chacha20-poly1305 4
	local good=$DTMP/key-srv-1-1 short=$DTMP/short junk=$DTMP/junk before
	head -c 32 /dev/urandom | base64 -w0 > "$short"
	echo 'not base64 at all!' > "$junk"
	before=$(pj srv)
	bad_input srv key add ptun0 1 key-id 3 key-file "$short" role responder
	bad_input srv key add ptun0 1 key-id 3 key-file "$junk" role responder
	bad_input srv key add ptun0 1 key-id 3 key-file /nonexistent role responder
	bad_input srv key add ptun0 99 key-id 3 key-file "$good" role responder
	bad_input srv key add ptun0 1 key-id 3 key-file "$good" role sideways
	bad_input srv key add ptun0 1 key-id 3 key-file "$good" role responder cipher rot13
	bad_input srv key add ptun0 1 key-id 256 key-file "$good" role responder
	bad_input srv key add ptun0 1 key-id 3 key-file "$good" role responder slot tertiary
	bad_input srv key del ptun0 1 slot secondary
	bad_input srv key del ptun0 99 slot primary
	bad_input srv key swap ptun0 99
	bad_input srv peer add ptun0 1 endpoint 10.1.1.9:7
	bad_input srv peer add ptun0 5 allowed-ips 10.99.0.0/33
	bad_input srv peer add ptun0 5 allowed-ips fd99::/129
	bad_input srv peer add ptun0 5 allowed-ips 10.99.0.300/24
	bad_input srv peer add ptun0 5 endpoint 10.1.1.9
	bad_input srv peer add ptun0 5 endpoint 10.1.1.9:0
	bad_input srv peer add ptun0 5 keepalive 3601
	bad_input srv peer add ptun0 5 remote-id 0
	bad_input srv peer add ptun0 0
	bad_input srv peer set ptun0 99 keepalive 5
	bad_input srv peer set ptun0 1 allowed-ips 10.9.1.0/33
	bad_input srv peer del ptun0 99
	bad_input srv peer add nosuch0 5
	expect_eq "$(pj srv)" "$before" "server state after the rejected commands"
	ping_ok c1 10.9.0.1
}

ktap_test "key swap on both sides under a ping flood loses nothing" swap_under_ping_flood_loses_nothing
ktap_test "soft limit raises rekey-needed, hard limit stops sending" soft_and_hard_limits
ktap_test "without a primary key nothing is sent (tx_no_key)" no_key_no_traffic
ktap_test "key material is never returned by dumps or show" key_material_never_returned
ktap_test "bad peer and key input fails with a message and changes nothing" bad_input_changes_nothing
ktap_done
