#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ptun at scale: 10 000 peers on one device, added, dumped, used and
# removed.
source "$(dirname "$0")/lib.sh"

# Two hosts, a and b, over veth; a has 10 000 peers plus b (id 20000).
setup_pair() {
	run ip netns add a
	run ip netns add b
	run ip link add va netns a type veth peer vb netns b
	nsrun a ip addr add 192.168.7.1/24 dev va
	nsrun b ip addr add 192.168.7.2/24 dev vb
	nsrun a ip link set va up
	nsrun b ip link set vb up
	umask 077
	"$PTUN" genkey > /tmp/scale.key
	nsrun a "$PTUN" link add pa listen-port 7001
	nsrun b "$PTUN" link add pb listen-port 7002
	nsrun a ip addr add 10.250.0.1/16 dev pa
	nsrun b ip addr add 10.250.0.2/16 dev pb
	nsrun a ip link set pa up
	nsrun b ip link set pb up
}

ten_thousand_peers() {
	local out n
	setup_pair
	out=$(nsrun a "$top/selftests/peers.py" pa 10000) || return 1
	echo "# $out"
	nsrun a "$PTUN" peer add pa 20000 endpoint 192.168.7.2:7002 allowed-ips 10.250.0.2/32
	nsrun b "$PTUN" peer add pb 20000 endpoint 192.168.7.1:7001 allowed-ips 10.250.0.1/32
	nsrun a "$PTUN" key add pa 20000 key-id 1 key-file /tmp/scale.key role initiator
	nsrun b "$PTUN" key add pb 20000 key-id 1 key-file /tmp/scale.key role responder
	# the dump spans many datagrams and must list every peer once
	n=$(nsrun a "$PTUN" show pa --json | jq '[.devices[0].peers[].id] | unique | length')
	expect_eq "$n" 10001 "peers dumped" || return 1
	# cryptokey routing finds the one real peer among 10 000
	nsrun a ping -c 3 -i 0.2 -W 2 10.250.0.2 || fail "no traffic with 10 000 peers" || return 1
	expect_eq "$(nsrun a "$PTUN" show pa --json |
		jq '.devices[0].peers[] | select(.id == 20000) | .rx_packets >= 3')" true \
		"replies counted on the real peer" || return 1
	# a prefix of a fake peer routes to it: its endpoint has no route, so
	# the packet is dropped as tx-no-endpoint
	nsrun a ip route add 10.0.0.0/8 dev pa
	nsrun a ping -c 1 -W 1 10.0.19.136 >/dev/null || true
	expect_eq "$(nsrun a "$PTUN" show pa --json | jq '.devices[0].drops.tx_no_endpoint >= 1')" true \
		"packet to peer 5000 routed to it" || return 1
	nsrun a "$PTUN" peer del pa 5000
	n=$(nsrun a "$PTUN" show pa --json | jq '.devices[0].peers | length')
	expect_eq "$n" 10000 "peers after one deletion" || return 1
	# deleting the device frees them all (kmemleak checks the rest)
	nsrun a ip link del pa
	expect_eq "$(nsrun a ip -o link show type ptun)" "" "device gone"
}

ktap_test "10 000 peers: added, dumped, routed to and freed" ten_thousand_peers
ktap_done
