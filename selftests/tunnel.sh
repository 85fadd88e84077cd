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

# The other end is Python's cryptography (OpenSSL), not the module: a's
# pings and b's replies open with the key file's halves, and a datagram it
# seals reaches a socket behind b. So the wire is RFC 8439 ChaCha20-Poly1305
# and GCM as protocol.rst writes them, whichever driver the crypto API
# picked, not merely what two copies of the module agree on.
independent_aead() {
	local cipher=$1 cap=/tmp/aead.pcap got=/tmp/aead.got marker=5eed0123feed4567
	local out before text="sealed-outside-$1"
	pair
	peers 4 "$cipher"
	nsrun a ping -c 1 -W 2 10.99.0.2 >/dev/null
	capture_start b vb "$cap" udp
	nsrun a ping -c 3 -i 0.2 -p "$marker" 10.99.0.2 >/dev/null ||
		fail "no traffic" || return 1
	wait_for 30 cap_has "$cap" 6
	capture_stop
	out=$(python3 "$AEAD" open "$cap" --port 7002 --key-file "$KEY" \
		--half 0 --cipher "$cipher" --marker "$marker") ||
		{ echo "$out" | sed 's/^/#   /'; fail "a datagram from a does not open"; return 1; }
	expect_eq "$(echo "$out" | jq -s 'map(select(.src == "10.99.0.1" and .dst == "10.99.0.2" and .marker)) | length')" \
		3 "a's pings opened, marker inside" || return 1
	out=$(python3 "$AEAD" open "$cap" --port 7001 --key-file "$KEY" \
		--half 1 --cipher "$cipher" --marker "$marker") ||
		{ echo "$out" | sed 's/^/#   /'; fail "a datagram from b does not open"; return 1; }
	expect_eq "$(echo "$out" | jq -s 'map(select(.src == "10.99.0.2" and .dst == "10.99.0.1" and .marker)) | length')" \
		3 "b's replies opened, marker inside" || return 1

	rm -f "$got"
	bgns b python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.99.0.2", 7777))
s.settimeout(60)
print(s.recv(200).decode())' > "$got"
	local listener=$BG_PID
	wait_for 60 sh -c "ip netns exec b ss -Huan 'sport = :7777' | grep -q ."
	before=$(rx_packets b pb)
	nsrun a python3 "$AEAD" seal "$cap" --port 7002 --key-file "$KEY" \
		--half 0 --cipher "$cipher" --to 192.168.9.2:7002 \
		--src 10.99.0.1 --dst 10.99.0.2 --dport 7777 --payload "$text"
	wait "$listener" || true
	expect_eq "$(cat "$got")" "$text" "what the socket behind b received" || return 1
	expect_eq "$(rx_packets b pb)" $((before + 1)) "b's rx_packets"
}

# crypto_driver DRIVER: its refcnt and self-test result in /proc/crypto.
crypto_driver() {
	awk -v d="$1" '$1 == "driver" { on = $3 == d }
		on && $1 == "refcnt" { r = $3 } on && $1 == "selftest" { print r, $3 }' /proc/crypto
}

# ptun's own rfc7539 driver (module/chachapoly.c) passed the crypto
# manager's self-test when the module registered it, and the crypto API
# gave it the four transforms of the two ends' key; then the wire check.
independent_chacha() {
	local drv=rfc7539-chacha20poly1305-ptun
	independent_aead chacha20-poly1305 || return 1
	local got
	got=$(crypto_driver $drv)
	echo "# $drv: refcnt and self-test: $got"
	expect_eq "${got#* }" passed "self-test of $drv" || return 1
	[ "${got%% *}" -ge 5 ] || fail "$drv holds ${got%% *} references, not the 4 transforms and its own"
}
independent_gcm() { independent_aead aes-256-gcm; }

# esp_packets NS SPI: packets through the ESP SA SPI in NS.
esp_packets() {
	ip -n "$1" -s xfrm state list spi "$2" proto esp |
		sed -n 's/.*[^0-9]\([0-9][0-9]*\)(packets).*/\1/p' | head -n 1
}

# ptun registers rfc7539esp(chacha20,poly1305) beside rfc7539, so that
# make bench compares ESP on the same ChaCha20-Poly1305 code: the crypto
# manager's self-test passed it (RFC 7634's vectors), and a transport-mode
# ESP SA pair over it carries pings both ways.
esp_over_the_driver() {
	local drv=rfc7539esp-chacha20poly1305-ptun key ns got
	pair
	modprobe -q esp4 || true
	key=0x$(head -c 36 /dev/urandom | od -An -tx1 | tr -d ' \n')
	for ns in a b; do
		nsrun $ns ip xfrm state add src 192.168.9.1 dst 192.168.9.2 proto esp \
			spi 0x101 mode transport aead 'rfc7539esp(chacha20,poly1305)' "$key" 128
		nsrun $ns ip xfrm state add src 192.168.9.2 dst 192.168.9.1 proto esp \
			spi 0x102 mode transport aead 'rfc7539esp(chacha20,poly1305)' "$key" 128
	done
	nsrun a ip xfrm policy add src 192.168.9.1 dst 192.168.9.2 dir out \
		tmpl proto esp mode transport
	nsrun b ip xfrm policy add src 192.168.9.2 dst 192.168.9.1 dir out \
		tmpl proto esp mode transport
	ping_ok a 192.168.9.2 || return 1
	expect_eq "$(esp_packets b 0x101)" 3 "packets b opened" || return 1
	expect_eq "$(esp_packets a 0x102)" 3 "packets a opened" || return 1
	got=$(crypto_driver $drv)
	echo "# $drv: refcnt and self-test: $got"
	expect_eq "${got#* }" passed "self-test of $drv" || return 1
	[ "${got%% *}" -ge 5 ] || fail "$drv holds ${got%% *} references, not the 4 SAs' and its own" ||
		return 1
	# An SA holds ptun.ko: rmmod refuses while the SAs are there; once
	# they are gone, the driver is free again and the module can be
	# unloaded (data.sh, unload.sh).
	if [ -n "${PTUN_KO:-}" ]; then
		got=$(rmmod ptun 2>&1) && fail "rmmod ptun succeeded under ESP SAs"
		echo "# rmmod ptun: $got"
		expect_match "$got" "in use" "rmmod ptun with ESP SAs on the driver" || return 1
	fi
	nsrun a ip xfrm state flush
	nsrun b ip xfrm state flush
	wait_for 30 driver_free $drv
}

# driver_free DRIVER: only its own reference is left; for wait_for.
driver_free() {
	[ "$(crypto_driver "$1" | cut -d' ' -f1)" = 1 ]
}

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
ktap_test "chacha20-poly1305 datagrams open and seal with another implementation" independent_chacha
ktap_test "aes-256-gcm datagrams open and seal with another implementation" independent_gcm
ktap_test "ESP runs over the module's rfc7539esp driver" esp_over_the_driver
ktap_test "the underlay carries only the tunnel's UDP and no plaintext" underlay_only_udp
ktap_test "a key swap keeps traffic flowing; replayed datagrams are dropped" swap_and_replay
ktap_test "show --json is one document that matches the state" json_matches_state
ktap_done
