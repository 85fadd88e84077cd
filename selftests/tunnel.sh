#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The data plane in brief, fast enough for every kernel in make check: a
# tunnel between two namespaces carries IPv4 and IPv6 over IPv4 and IPv6
# with both ciphers, the underlay shows only UDP and no plaintext, a key
# swap keeps it up, a replayed datagram is dropped, and ptun show --json
# matches what was set up. data.sh, path.sh,
# attack.sh and keys.sh (make check-data) go into every feature at length.
source "$(dirname "$0")/lib.sh"

KEY=/tmp/tunnel.key

# Hosts a and b over veth (192.168.9.0/24, fd00:9::/64), tunnel addresses
# 10.99.0.1/2 and fd99::1/2, ports 7001/7002.
pair() {
	run ip netns add a
	run ip netns add b
	run ip link add va netns a type veth peer vb netns b
	nsrun a ip -batch - <<-EOB
	addr add 192.168.9.1/24 dev va
	addr add fd00:9::1/64 dev va nodad
	link set va up
	link set lo up
	EOB
	nsrun b ip -batch - <<-EOB
	addr add 192.168.9.2/24 dev vb
	addr add fd00:9::2/64 dev vb nodad
	link set vb up
	link set lo up
	EOB
	(umask 077; "$PTUN" genkey > "$KEY")
	nsrun a "$PTUN" link add pa listen-port 7001
	nsrun b "$PTUN" link add pb listen-port 7002
	nsrun a ip -batch - <<-EOB
	addr add 10.99.0.1/24 dev pa
	addr add fd99::1/64 dev pa nodad
	link set pa up
	EOB
	nsrun b ip -batch - <<-EOB
	addr add 10.99.0.2/24 dev pb
	addr add fd99::2/64 dev pb nodad
	link set pb up
	EOB
}

# peers OUTER-FAMILY CIPHER
peers() {
	local ea=192.168.9.1:7001 eb=192.168.9.2:7002
	[ "$1" = 6 ] && ea='[fd00:9::1]:7001' eb='[fd00:9::2]:7002'
	nsrun a "$PTUN" peer add pa 1 endpoint "$eb" allowed-ips 10.99.0.2/32,fd99::2/128
	nsrun b "$PTUN" peer add pb 1 endpoint "$ea" allowed-ips 10.99.0.1/32,fd99::1/128
	nsrun a "$PTUN" key add pa 1 key-id 1 key-file "$KEY" role initiator cipher "$2"
	nsrun b "$PTUN" key add pb 1 key-id 1 key-file "$KEY" role responder cipher "$2"
}

# rx_packets NS DEV: the device's received packets
rx_packets() {
	ip -n "$1" -j -s link show "$2" | jq '.[0].stats64.rx.packets'
}

four_ways() {
	local cipher=$1 fam
	pair
	for fam in 4 6; do
		nsrun a "$PTUN" peer del pa 1 2>/dev/null || true
		nsrun b "$PTUN" peer del pb 1 2>/dev/null || true
		peers $fam "$cipher"
		nsrun a ping -c 2 -i 0.2 -W 2 10.99.0.2 >/dev/null ||
			fail "IPv4 in IPv$fam, $cipher" || return 1
		nsrun a ping -c 2 -i 0.2 -W 2 fd99::2 >/dev/null ||
			fail "IPv6 in IPv$fam, $cipher" || return 1
	done
	expect_eq "$(nsrun b "$PTUN" show --json | jq '.devices[0].peers[0].rx_packets >= 4')" true \
		"received datagrams counted on the peer"
}

four_ways_chacha() { four_ways chacha20-poly1305; }
four_ways_gcm() { four_ways aes-256-gcm; }

underlay_only_udp() {
	local cap=/tmp/tunnel.pcap marker=cafe0123cafe4567
	pair
	peers 4 chacha20-poly1305
	nsrun a ping -c 1 -W 2 10.99.0.2 >/dev/null
	bgns b tcpdump -i vb -n -U -w "$cap" 2>/dev/null
	wait_for 60 test -s "$cap"
	nsrun a ping -c 3 -i 0.2 -p "$marker" 10.99.0.2 >/dev/null ||
		fail "no traffic" || return 1
	# the flush of tcpdump's last packets: wait for all six datagrams
	wait_for 30 sh -c "[ \$(tcpdump -r $cap -n 2>/dev/null | wc -l) -ge 6 ]"
	kill "$BG_PID"
	wait "$BG_PID" 2>/dev/null || true
	# Neighbour discovery (ARP, ICMPv6) and the links' own IPv6 multicast
	# (MLD reports, which carry a hop-by-hop header, so "icmp6" misses
	# them) aside, nothing but the tunnel.
	local other
	other=$(tcpdump -r "$cap" -n -v 'not (udp and port 7001 and port 7002) and not arp and not icmp6 and not (ip6 and ip6 multicast)' 2>/dev/null)
	[ -z "$other" ] || echo "$other" | sed 's/^/# other: /'
	expect_eq "$(echo -n "$other" | grep -c '^[0-9]')" 0 \
		"packets other than the tunnel's UDP on the underlay" || return 1
	expect_eq "$(tcpdump -r "$cap" -n -x 2>/dev/null | tr -d ' \n' | grep -c "$marker")" 0 \
		"plaintext marker on the underlay"
}

swap_and_replay() {
	local cap=/tmp/replay.pcap before
	pair
	peers 4 chacha20-poly1305
	"$PTUN" genkey > /tmp/tunnel2.key
	nsrun a "$PTUN" key add pa 1 key-id 2 key-file /tmp/tunnel2.key role initiator slot secondary
	nsrun b "$PTUN" key add pb 1 key-id 2 key-file /tmp/tunnel2.key role responder slot secondary
	nsrun a "$PTUN" key swap pa 1
	nsrun a ping -c 2 -i 0.2 -W 2 10.99.0.2 >/dev/null ||
		fail "traffic with the swap done on one side only" || return 1
	nsrun b "$PTUN" key swap pb 1
	bgns b tcpdump -i vb -n -U -w "$cap" udp and dst port 7002 2>/dev/null
	wait_for 60 test -s "$cap"
	nsrun a ping -c 2 -i 0.2 -W 2 10.99.0.2 >/dev/null ||
		fail "traffic after the swap on both sides" || return 1
	wait_for 30 sh -c "[ \$(tcpdump -r $cap -n 2>/dev/null | wc -l) -ge 2 ]"
	kill "$BG_PID"
	wait "$BG_PID" 2>/dev/null || true
	expect_eq "$(nsrun a "$PTUN" show --json | jq -r '.devices[0].peers[0].keys[] | select(.slot == "primary") | .key_id')" 2 \
		"primary key after the swap" || return 1
	# send the captured datagrams again, from a's address and port
	before=$(rx_packets b pb)
	nsrun a "$WIRE" send "$cap" --port 7002 --to 192.168.9.2:7002 --all >/dev/null
	wait_for 30 sh -c "ip netns exec b $PTUN show --json | jq -e '.devices[0].drops.replayed >= 2' >/dev/null"
	expect_eq "$(rx_packets b pb)" "$before" "device rx packets after the replay"
}

# ptun show --json is one JSON document (python3 -m json.tool reads it)
# that matches the state: the device as ip sees it, the peer, its key
# without material, the settings, the status and the counters.
json_matches_state() {
	pair
	peers 4 chacha20-poly1305
	nsrun a ping -c 3 -i 0.2 -W 2 10.99.0.2 >/dev/null || fail "ping" || return 1
	nsrun a "$PTUN" settings set pa include 10.98.0.0/16 dns 10.98.0.53 \
		search-domain corp.example
	local j
	j=$(ip netns exec a "$PTUN" show --json)
	echo "# $j"
	echo "$j" | python3 -m json.tool > /dev/null || fail "python3 -m json.tool refuses it"
	# no byte of the key's material, in base64 or in hex
	if echo "$j" | grep -qF "$(head -c 20 "$KEY")"; then
		fail "the key file's text is in the JSON"
	fi
	if echo "$j" | grep -qiF "$(base64 -d "$KEY" | head -c 8 | od -An -tx1 | tr -d ' \n')"; then
		fail "the key's bytes are in the JSON"
	fi
	local ifindex mtu
	ifindex=$(ip netns exec a cat /sys/class/net/pa/ifindex)
	mtu=$(ip netns exec a cat /sys/class/net/pa/mtu)
	echo "$j" | python3 -c '
import json, sys
ifindex, mtu = (int(v) for v in sys.argv[1:3])
d = json.load(sys.stdin)["devices"]
assert [x["ifname"] for x in d] == ["pa"], d
d = d[0]
assert (d["ifindex"], d["listen_port"], d["mtu"]) == (ifindex, 7001, mtu), d
assert d["status"] == "connected", d["status"]
assert isinstance(d["drops"], dict) and d["drops"] and \
    all(isinstance(v, int) for v in d["drops"].values()), d["drops"]
p = d["peers"]
assert len(p) == 1, p
p = p[0]
assert (p["id"], p["endpoint"]) == (1, "192.168.9.2:7002"), p
assert sorted(p["allowed_ips"]) == ["10.99.0.2/32", "fd99::2/128"], p
assert p["tx_packets"] >= 3 and p["rx_packets"] >= 3, p
k = p["keys"]
assert len(k) == 1 and (k[0]["slot"], k[0]["key_id"], k[0]["cipher"]) == \
    ("primary", 1, "chacha20-poly1305"), k
assert not set(k[0]) & {"key", "key_material", "material", "secret"}, k
s = d["settings"]
assert s["include_routes"] == ["10.98.0.0/16"], s
assert (s["dns_servers"], s["search_domains"]) == \
    (["10.98.0.53"], ["corp.example"]), s
assert s["enforce_routes"] is False and s["mtu"] is None, s
' "$ifindex" "$mtu" || fail "the JSON does not match the state"
	nsrun a "$PTUN" settings clear pa
	expect_eq "$(ip netns exec a "$PTUN" show --json | python3 -c \
		'import json, sys; d = json.load(sys.stdin)["devices"][0]; print(d["settings"], d["status"])')" \
		"None disconnected" "settings and status after clear"
}

ktap_test "IPv4 and IPv6 in IPv4 and IPv6, chacha20-poly1305" four_ways_chacha
ktap_test "IPv4 and IPv6 in IPv4 and IPv6, aes-256-gcm" four_ways_gcm
ktap_test "the underlay carries only the tunnel's UDP and no plaintext" underlay_only_udp
ktap_test "a key swap keeps traffic flowing; replayed datagrams are dropped" swap_and_replay
ktap_test "show --json is one document that matches the state" json_matches_state
ktap_done
