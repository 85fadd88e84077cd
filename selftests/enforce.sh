#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module's enforcement of a device's settings, with no route or rule of
# the tool in the FIB: the settings are sent raw (nlraw.py), and the
# destinations the tests use are routed out the underlay by the main table.
# Evidence: what a capture on the server's side of the underlay sees, the
# server's counters, and the client's policy_taken counter (ethtool -S).
#
# Client c1 (u0 10.1.1.2/24, fd01:1::2/64) reaches the server srv (s1
# 10.1.1.1 and 10.1.1.3, fd01:1::1 and fd01:1::3) over the veth; the
# tunnel's addresses are 10.9.1.1 / fd09:0:0:1::1 (client) and 10.9.0.1 /
# fd09::1 (server). The server's peer endpoint is 10.1.1.1:5000; 10.1.1.3
# and fd01:1::3 are directly connected destinations that are no endpoint.
source "$(dirname "$0")/lib.sh"

# pcap filters (and/or have equal precedence there: keep the parentheses)
ECHO4='(icmp[icmptype] == icmp-echo)'
ECHO6='(icmp6 and ip6[40] == 128)'
TUNNEL="(udp and port $SRV_PORT)"

# kset NS [include|exclude CIDR] [remote ADDR] [enforce] [all] [local]
#	[mtu N]...: set ptun0's settings in NS with a raw request, so that
# nothing but the kernel sees them (no route, rule or address is added).
kset() {
	local ns=$1 out
	local a=(PTUN_A_SETTINGS_IFNAME:str:ptun0)
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		include) a+=("PTUN_A_SETTINGS_INCLUDE_ROUTE:ip:$2"); shift ;;
		exclude) a+=("PTUN_A_SETTINGS_EXCLUDE_ROUTE:ip:$2"); shift ;;
		remote) a+=("PTUN_A_SETTINGS_REMOTE:ip:$2"); shift ;;
		mtu) a+=("PTUN_A_SETTINGS_MTU:u32:$2"); shift ;;
		enforce) a+=(PTUN_A_SETTINGS_ENFORCE_ROUTES:u8:1) ;;
		all) a+=(PTUN_A_SETTINGS_INCLUDE_ALL_NETWORKS:u8:1) ;;
		local) a+=(PTUN_A_SETTINGS_EXCLUDE_LOCAL_NETWORKS:u8:1) ;;
		*) fail "kset: unknown word $1"; return 1 ;;
		esac
		shift
	done
	out=$(nsrun "$ns" python3 "$NLRAW" request PTUN_CMD_SETTINGS_SET "${a[@]}")
	expect_eq "$(echo "$out" | jq -r .errno)" 0 "settings set: $(echo "$out" | jq -c .extack)"
}

# kclear NS: clear ptun0's settings in NS.
kclear() {
	local out
	out=$(nsrun "$1" python3 "$NLRAW" request PTUN_CMD_SETTINGS_CLEAR \
		PTUN_A_SETTINGS_IFNAME:str:ptun0)
	expect_eq "$(echo "$out" | jq -r .errno)" 0 "settings clear: $(echo "$out" | jq -c .extack)"
}

# taken NS [NAME]: ptun0's policy_taken (or NAME) counter in NS (ethtool
# -S, by ioctl).
taken() {
	ip netns exec "$1" python3 - "${2:-policy_taken}" <<'EOP'

import array, fcntl, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
def ethtool(buf):
    a = array.array("B", buf)
    fcntl.ioctl(s, 0x8946, struct.pack("16sP", b"ptun0", a.buffer_info()[0]))
    return a.tobytes()
# ETHTOOL_GSTRINGS (ETH_SS_STATS; len 0: the kernel says how many, room
# for 16), then ETHTOOL_GSTATS with that many
names = ethtool(struct.pack("III", 0x1b, 1, 0) + bytes(32 * 16))
cnt = struct.unpack_from("I", names, 8)[0]
vals = ethtool(struct.pack("II", 0x1d, cnt) + bytes(8 * 16))
for i in range(cnt):
    name = names[12 + 32 * i:12 + 32 * (i + 1)].rstrip(b"\0").decode()
    if name == sys.argv[1]:
        print(struct.unpack_from("Q", vals, 8 + 8 * i)[0])
EOP
}

# cap_start NS IF FILE: capture_start, but tcpdump may take up to 120 s to
# start listening (one run waited more than lib.sh's 20 s on a loaded host).
cap_start() {
	local ns=$1 ifc=$2 file=$3
	rm -f "$file" "$file.err"
	bgns "$ns" tcpdump -n -U -i "$ifc" -w "$file" 2>"$file.err"
	CAP_PID=$BG_PID
	wait_for 120 grep -q 'listening on' "$file.err"
}

# count FILE FILTER: packets of a capture matching FILTER.
count() {
	tcpdump -r "$1" -n "$2" 2>/dev/null | wc -l
}

# enf_setup [nokey]: the tunnel of client 1, the server's second underlay
# addresses, and the tunnel's prefixes routed out the underlay in c1 (the
# tunnel's own routes deleted). With nokey, the client has no key: its
# status is connecting, the tunnel carries nothing.
enf_setup() {
	tun_join srv c1 1 chacha20-poly1305 4
	nsrun srv ip -batch - <<-EOB
	addr add 10.1.1.3/24 dev s1
	addr add fd01:1::3/64 dev s1 nodad
	EOB
	nsrun c1 ip -batch - <<-EOB
	route del 10.9.0.0/24 dev ptun0
	route del fd09::/64 dev ptun0
	route add 10.9.0.0/24 via 10.1.1.1 dev u0
	route add fd09::/64 via fd01:1::1 dev u0
	EOB
	[ "${1:-}" = nokey ] || return 0
	nsrun c1 "$PTUN" key del ptun0 100 slot primary
	# a full tunnel's peer: what is taken finds it, and no key
	nsrun c1 "$PTUN" peer set ptun0 100 allowed-ips 0.0.0.0/0,::/0
}

# mtu_of NS: ptun0's MTU in NS.
mtu_of() {
	ip netns exec "$1" cat /sys/class/net/ptun0/mtu
}

# ping_n NS DST [ARGS...]: three pings whose answers do not matter.
ping_n() {
	local ns=$1 dst=$2
	shift 2
	nsrun "$ns" ping -n -q -c 3 -i 0.2 -W 2 "$@" "$dst" >/dev/null 2>&1 || true
}

# Included destinations go through the tunnel though the main table
# routes them out the underlay, once enforce-routes is on; without it the
# system table supersedes (plaintext, which also shows the capture sees
# those pings).
included_beats_main_table() {
	local cap=$DTMP/inc.pcap t0 t1
	enf_setup
	cap_start srv s1 "$cap"
	ping_ok c1 10.9.0.1
	ping_ok c1 fd09::1
	kset c1 include 10.9.0.0/24 include fd09::/64
	ping_ok c1 10.9.0.1 -I 10.9.1.1
	wait_for 20 cap_has "$cap" 6 "$ECHO4"
	capture_stop
	echo "# without settings and without enforce: $(count "$cap" "$ECHO4") IPv4, $(count "$cap" "$ECHO6") IPv6 echo requests on the underlay"
	[ "$(count "$cap" "$ECHO6")" -ge 3 ] || fail "IPv6 pings not seen on the underlay"

	kset c1 include 10.9.0.0/24 include fd09::/64 enforce
	t0=$(taken c1)
	cap_start srv s1 "$cap"
	ping_ok c1 10.9.0.1 -I 10.9.1.1
	ping_ok c1 fd09::1 -I fd09:0:0:1::1
	wait_for 20 cap_has "$cap" 12 "$TUNNEL"
	capture_stop
	t1=$(taken c1)
	echo "# enforced: $(count "$cap" "$TUNNEL") tunnel datagrams, policy_taken $t0 -> $t1"
	expect_eq "$(count "$cap" "$ECHO4 or $ECHO6")" 0 "plaintext echo requests on the underlay"
	[ "$t1" -ge $((t0 + 6)) ] || fail "policy_taken $t0 -> $t1, want +6"
	[ "$(peer_val srv 1 .rx_packets)" -ge 6 ] || fail "the server received $(peer_val srv 1 .rx_packets) through the tunnel"
}

# A socket bound to the underlay (SO_BINDTODEVICE: ping -I u0) does not
# get around enforce-routes: its packets go into the tunnel (the server
# drops them there: their source is the client's underlay address, not in
# the client's prefixes).
bound_socket_enters_tunnel() {
	local cap=$DTMP/bound.pcap b0 b1
	enf_setup
	cap_start srv s1 "$cap"
	ping_ok c1 10.9.0.1 -I u0
	wait_for 20 cap_has "$cap" 3 "$ECHO4"
	capture_stop
	kset c1 include 10.9.0.0/24 enforce
	b0=$(drop_val srv bad_source)
	cap_start srv s1 "$cap"
	ping_n c1 10.9.0.1 -I u0
	wait_for 20 cap_has "$cap" 3 "$TUNNEL"
	capture_stop
	b1=$(drop_val srv bad_source)
	echo "# bound pings: $(count "$cap" "$TUNNEL") tunnel datagrams, server bad_source $b0 -> $b1"
	expect_eq "$(count "$cap" "$ECHO4")" 0 "plaintext echo requests on the underlay"
	[ "$b1" -ge $((b0 + 3)) ] || fail "the server got $((b1 - b0)) of the bound pings through the tunnel, want 3"
}

# include-all-networks while the tunnel cannot carry anything (no key, then
# the device down): nothing leaves by the underlay but DHCP, DHCPv6 and
# neighbour discovery.
kill_switch_while_connecting() {
	local cap=$DTMP/kill.pcap t0 t1
	enf_setup nokey
	cap_start srv s1 "$cap"
	ping_ok c1 10.1.1.3
	wait_for 20 cap_has "$cap" 3 "$ECHO4"
	capture_stop
	kset c1 all
	expect_eq "$(nsrun c1 "$PTUN" show --json | jq -r '.devices[0].status')" \
		connecting "status"
	t0=$(taken c1)
	cap_start srv s1 "$cap"
	ping_n c1 10.1.1.3
	ping_n c1 fd01:1::3
	echo ptun-dhcp | nsrun c1 nc -u -w 1 -q 0 10.1.1.3 67 || true
	echo ptun-dhcp6 | nsrun c1 nc -u -w 1 -q 0 fd01:1::3 547 || true
	echo ptun-other | nsrun c1 nc -u -w 1 -q 0 10.1.1.3 9 || true
	# duplicate address detection: a neighbour solicitation
	nsrun c1 ip addr add fd01:1::9/64 dev u0
	nsrun c1 ip link set ptun0 down
	ping_n c1 10.1.1.3
	# a last DHCP datagram: once it is in, all before it is too
	echo ptun-dhcp | nsrun c1 nc -u -w 1 -q 0 10.1.1.3 67 || true
	wait_for 30 cap_has "$cap" 1 "icmp6 and ip6[40] == 135 and ip6 src ::"
	wait_for 20 cap_has "$cap" 2 "udp dst port 67"
	wait_for 20 cap_has "$cap" 1 "udp dst port 547"
	capture_stop
	tcpdump -r "$cap" -n 2>/dev/null | sed 's/^/#   /'
	t1=$(taken c1)
	echo "# policy_taken $t0 -> $t1; client drops: $(drops_line c1)"
	expect_eq "$(count "$cap" "$ECHO4 or $ECHO6")" 0 "echo requests on the underlay"
	expect_eq "$(count "$cap" "udp dst port 9")" 0 "other UDP on the underlay"
	expect_eq "$(count "$cap" "ip and src 10.1.1.2 and not udp dst port 67")" 0 \
		"IPv4 from the client but DHCP"
	[ "$t1" -ge $((t0 + 10)) ] || fail "policy_taken $t0 -> $t1, want +10"
	[ "$(drop_val c1 tx_no_key)" -ge 7 ] || fail "tx_no_key $(drop_val c1 tx_no_key), want 7"
}

# With include-all-networks, excluded routes, the remotes and the peer's
# endpoint still leave by the underlay in plaintext; what is included by
# 0/0 and ::/0 does not.
excluded_and_remotes_leave() {
	local cap=$DTMP/excl.pcap
	enf_setup
	kset c1 all exclude 10.9.0.0/24 exclude fd09::/64 remote 10.1.1.3
	cap_start srv s1 "$cap"
	ping_ok c1 10.9.0.1
	ping_ok c1 fd09::1
	ping_ok c1 10.1.1.3
	ping_ok c1 10.1.1.1
	ping_n c1 fd01:1::3
	# a last one that leaves: once it is in, all before it is too
	ping_ok c1 10.1.1.3
	wait_for 20 cap_has "$cap" 6 "$ECHO4 and dst 10.1.1.3"
	capture_stop
	local dst n
	for dst in 10.9.0.1 fd09::1 10.1.1.3 10.1.1.1; do
		n=$(count "$cap" "($ECHO4 or $ECHO6) and dst $dst")
		echo "# $dst: $n echo requests on the underlay"
		[ "$n" -ge 3 ] || fail "$dst did not leave by the underlay"
	done
	expect_eq "$(count "$cap" "$ECHO6 and dst fd01:1::3")" 0 \
		"echo requests to fd01:1::3 (included by ::/0)"
}

# include-all-networks while connecting: an excluded route waits too (the
# kill switch lets nothing but the remotes and the exemptions out), a
# remote leaves; once connected the excluded route leaves as well.
excluded_wait_while_connecting() {
	local cap=$DTMP/exclw.pcap d0 d1
	enf_setup nokey
	kset c1 all exclude 10.9.0.0/24 remote 10.1.1.3
	expect_eq "$(nsrun c1 "$PTUN" show --json | jq -r '.devices[0].status')" \
		connecting "status"
	d0=$(taken c1 policy_dropped)
	cap_start srv s1 "$cap"
	ping_n c1 10.9.0.1
	# the remote leaves; once its echoes are in, all before them are too
	ping_ok c1 10.1.1.3
	wait_for 20 cap_has "$cap" 3 "$ECHO4 and dst 10.1.1.3"
	capture_stop
	d1=$(taken c1 policy_dropped)
	echo "# policy_dropped $d0 -> $d1"
	expect_eq "$(count "$cap" "$ECHO4 and dst 10.9.0.1")" 0 \
		"echo requests to the excluded 10.9.0.1 while connecting"
	[ "$d1" -ge $((d0 + 3)) ] || fail "policy_dropped $d0 -> $d1, want +3"
	# connected: the key is back, the excluded route leaves in plaintext
	nsrun c1 "$PTUN" key add ptun0 100 key-id 1 key-file "$DTMP/key-srv-1-1" \
		role initiator cipher chacha20-poly1305
	expect_eq "$(nsrun c1 "$PTUN" show --json | jq -r '.devices[0].status')" \
		connected "status with a key"
	cap_start srv s1 "$cap"
	ping_n c1 10.9.0.1
	ping_ok c1 10.1.1.3
	wait_for 20 cap_has "$cap" 3 "$ECHO4 and dst 10.1.1.3"
	capture_stop
	[ "$(count "$cap" "$ECHO4 and dst 10.9.0.1")" -ge 3 ] ||
		fail "the excluded 10.9.0.1 did not leave once connected"
}

# exclude-local-networks: directly connected destinations stay local, a
# destination behind a gateway goes into the tunnel.
local_networks_stay_local() {
	local cap=$DTMP/local.pcap
	enf_setup
	kset c1 all local
	cap_start srv s1 "$cap"
	ping_ok c1 10.1.1.3
	ping_ok c1 fd01:1::3
	ping_ok c1 10.9.0.1 -I 10.9.1.1
	ping_ok c1 fd09::1 -I fd09:0:0:1::1
	ping_ok c1 10.1.1.3
	wait_for 20 cap_has "$cap" 6 "$ECHO4 and dst 10.1.1.3"
	capture_stop
	[ "$(count "$cap" "$ECHO4 and dst 10.1.1.3")" -ge 3 ] || fail "10.1.1.3 not on the underlay"
	[ "$(count "$cap" "$ECHO6 and dst fd01:1::3")" -ge 3 ] || fail "fd01:1::3 not on the underlay"
	expect_eq "$(count "$cap" "($ECHO4 or $ECHO6) and (dst 10.9.0.1 or dst fd09::1)")" 0 \
		"echo requests behind the gateway on the underlay"
}

# Clearing the settings, settings that enforce nothing, and deleting the
# device each lift the kill switch; setting it again restores it.
clear_lifts_enforcement() {
	local cap=$DTMP/clear.pcap
	enf_setup nokey
	cap_start srv s1 "$cap"
	kset c1 all
	ping_n c1 10.1.1.3
	kclear c1
	ping_ok c1 10.1.1.3
	kset c1 all
	ping_n c1 10.1.1.3
	kset c1 include 0.0.0.0/0
	ping_ok c1 10.1.1.3
	kset c1 all
	ping_n c1 10.1.1.3
	nsrun c1 ip link del ptun0
	ping_ok c1 10.1.1.3
	wait_for 20 cap_has "$cap" 9 "$ECHO4"
	capture_stop
	expect_eq "$(count "$cap" "$ECHO4")" 9 "echo requests on the underlay (3 rounds of 6 enforced)"
}

# The hooks follow the device into another namespace: the kill switch
# leaves the namespace the device left and holds in the one it went to.
enforcement_moves_with_device() {
	local cap=$DTMP/move.pcap
	enf_setup nokey
	kset c1 all
	ul_link srv box 2
	nsrun c1 ip link set ptun0 netns box
	cap_start srv s2 "$cap"
	ping_ok c1 10.1.1.3
	ping_n box 10.1.2.1
	kclear box
	ping_ok box 10.1.2.1
	wait_for 20 cap_has "$cap" 3 "$ECHO4"
	capture_stop
	expect_eq "$(count "$cap" "$ECHO4")" 3 "echo requests from box (3 enforced, 3 not)"
	kset box all
	nsrun box ip link del ptun0
}

# The settings' MTU is the device's while they stand; without it, or once
# cleared, the device goes back to its computed MTU, or to the user's.
settings_mtu() {
	local mtu0
	enf_setup
	mtu0=$(mtu_of c1)
	kset c1 mtu 1300
	expect_eq "$(mtu_of c1)" 1300 "mtu with settings"
	kset c1 include 10.0.0.0/8
	expect_eq "$(mtu_of c1)" "$mtu0" "mtu with settings without mtu"
	kset c1 mtu 1280
	expect_eq "$(mtu_of c1)" 1280 "mtu with settings again"
	kclear c1
	expect_eq "$(mtu_of c1)" "$mtu0" "mtu after clear"
	nsrun c1 ip link set ptun0 mtu 1400
	kset c1 mtu 1300
	expect_eq "$(mtu_of c1)" 1300 "mtu with settings over the user's"
	kclear c1
	expect_eq "$(mtu_of c1)" 1400 "the user's mtu after clear"
}

# The tunnel's datagrams carry the outer mark M: the fwmark if set, else
# the settings' table, else nothing.
outer_mark() {
	enf_setup
	nsrun c1 nft -f - <<-EOF
	table inet m {
		counter mtable { }
		counter mfw { }
		counter mnone { }
		chain out {
			type filter hook output priority 0;
			udp dport $SRV_PORT meta mark 28788 counter name mtable
			udp dport $SRV_PORT meta mark 7 counter name mfw
			udp dport $SRV_PORT meta mark 0 counter name mnone
		}
	}
	EOF
	local c n
	nsrun c1 ip route replace 10.9.0.0/24 dev ptun0
	ping_ok c1 10.9.0.1 -I 10.9.1.1
	kset c1 include 10.9.0.0/24 enforce
	ping_ok c1 10.9.0.1 -I 10.9.1.1
	nsrun c1 "$PTUN" link set ptun0 fwmark 7
	ping_ok c1 10.9.0.1 -I 10.9.1.1
	for c in mnone mtable mfw; do
		n=$(ip netns exec c1 nft list counter inet m $c | sed -nE 's/.*packets ([0-9]+) .*/\1/p')
		echo "# datagrams with mark $c: $n"
		[ "$n" -ge 3 ] || fail "mark $c: $n datagrams, want 3"
	done
}

# dropped_from NS N: ptun0's policy_dropped in NS is at least N.
dropped_from() {
	[ "$(taken "$1" policy_dropped)" -ge "$2" ]
}

# A packet that came out of the tunnel and that the server forwards to an
# included destination by another interface is held there (policy_dropped):
# taking it back into the tunnel would loop it, letting it out would leak
# it. Without enforce-routes the server forwards it (it asks the underlay
# for the destination's neighbour).
forwarded_from_tunnel_held() {
	local cap=$DTMP/fwd.pcap d0 d1 t0 t1
	enf_setup
	nsrun srv sysctl -qw net.ipv4.ip_forward=1
	nsrun c1 "$PTUN" peer set ptun0 100 \
		allowed-ips 10.9.0.0/24,10.1.1.77/32,fd09::/64
	nsrun c1 ip route add 10.1.1.77/32 dev ptun0
	cap_start srv s1 "$cap"
	ping_n c1 10.1.1.77 -I 10.9.1.1
	wait_for 20 cap_has "$cap" 1 "arp host 10.1.1.77"
	capture_stop
	echo "# forwarded without enforce: $(count "$cap" "arp host 10.1.1.77") ARP requests for 10.1.1.77"

	kset srv include 10.1.1.77/32 enforce
	d0=$(taken srv policy_dropped)
	t0=$(taken srv)
	# the neighbour entry of the first try must not answer for this one
	nsrun srv ip neigh flush dev s1
	cap_start srv s1 "$cap"
	ping_n c1 10.1.1.77 -I 10.9.1.1
	wait_for 20 dropped_from srv $((d0 + 3))
	# a last packet that leaves: once it is in, all before it are too
	ping_ok c1 10.1.1.1
	wait_for 20 cap_has "$cap" 1 "$ECHO4 and dst 10.1.1.1"
	capture_stop
	d1=$(taken srv policy_dropped)
	t1=$(taken srv)
	echo "# enforced: policy_dropped $d0 -> $d1, policy_taken $t0 -> $t1"
	expect_eq "$(count "$cap" "arp host 10.1.1.77 or host 10.1.1.77")" 0 \
		"packets for 10.1.1.77 on the underlay"
	expect_eq "$t1" "$t0" "policy_taken (taken back into the tunnel)"
	[ "$(peer_val srv 1 .rx_packets)" -ge 6 ] ||
		fail "the server received $(peer_val srv 1 .rx_packets) through the tunnel"
}

ktap_test "included routes win over the main table with enforce-routes" included_beats_main_table
ktap_test "a socket bound to the underlay enters the tunnel" bound_socket_enters_tunnel
ktap_test "include-all while connecting: only DHCP and ND leave" kill_switch_while_connecting
ktap_test "excluded routes, remotes and the endpoint leave in plaintext" excluded_and_remotes_leave
ktap_test "include-all while connecting: excluded routes wait, remotes leave" excluded_wait_while_connecting
ktap_test "exclude-local-networks keeps connected networks local" local_networks_stay_local
ktap_test "clear, non-enforcing settings and link del lift enforcement" clear_lifts_enforcement
ktap_test "enforcement moves with the device to another namespace" enforcement_moves_with_device
ktap_test "the settings' mtu stands while they do" settings_mtu
ktap_test "outer datagrams carry the fwmark, else the table" outer_mark
ktap_test "what came out of the tunnel is not forwarded back in or out" forwarded_from_tunnel_held
ktap_done
