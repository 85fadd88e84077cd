#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Configuration files: ptun up, down and showconf (ptun.conf(5)). up then
# down leaves a namespace exactly as it was (addresses, every routing
# table, IPv4 and IPv6 rules); a bad file names its line and changes
# nothing; a request the kernel refuses half-way leaves nothing either;
# showconf prints a file up turns back into the same device; two ends
# brought up from files carry a ping.
source "$(dirname "$0")/lib.sh"

CONF=$DTMP/conf
mkdir -p "$CONF"

# fib_state NS: everything up and down must restore, stable across runs.
fib_state() {
	ip netns exec "$1" sh -c '
		echo "== ip addr";  ip addr
		echo "== ip route"; ip route show table all
		echo "== ip -4 rule"; ip -4 rule
		echo "== ip -6 rule"; ip -6 rule'
}

# no_tentative NS: every interface of NS that is up but lo has its IPv6
# link-local address and no address is still in duplicate address
# detection (which changes ip addr and the local table when it ends).
# The link-local address comes when linkwatch sees the carrier, after
# "ip link set up" returned: look for it first, then for tentative ones,
# or one added between the two looks would pass as settled.
no_tentative() {
	local ifc
	for ifc in $(ip -n "$1" -o link show up |
		     awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
		[ "$ifc" = lo ] && continue
		ip -n "$1" -6 addr show dev "$ifc" scope link | grep -q inet6 ||
			return 1
	done
	[ -z "$(ip -n "$1" addr show tentative)" ]
}

# settled_state NS: fib_state once the namespace's addresses settled.
settled_state() {
	wait_for 60 no_tentative "$1" || return 1
	fib_state "$1"
}

# dev_json NS DEV: ptun show --json DEV without what changes by itself
# (counters, the status, liveness, the ifindex, the settings generation).
dev_json() {
	ip netns exec "$1" "$PTUN" show --json "$2" | jq -S -c 'walk(if type == "object" then
		del(.ifindex, .status, .generation, .drops, .dead, .last_rx_ms,
		    .rx_bytes, .rx_packets, .tx_bytes, .tx_packets) else . end)'
}

# nr_ptun NS: how many ptun devices NS has.
nr_ptun() {
	ip -n "$1" -o link show type ptun | wc -l
}

# full_conf FILE KEYFILE: a file with every key of both sections.
full_conf() {
	cat > "$1" <<-EOF
	# every key ptun.conf(5) knows
	[Interface]
	ListenPort = $CLI_PORT
	FwMark = 0x77
	Address = 10.9.1.1/24, fd09:0:0:1::1/64
	Remote = 10.1.1.1
	Include = 10.9.0.0/16
	Include = fd09::/48, 10.200.0.0/16
	Exclude = 10.9.200.0/24
	EnforceRoutes = off
	IncludeAllNetworks = off
	ExcludeLocalNetworks = on
	DNS = 10.9.0.53, fd09::53
	SearchDomain = corp.example
	MatchDomain = corp.example, internal.example
	Table = 1000
	Priority = 2000
	MTU = 1380

	[Peer]
	Id = 100
	RemoteId = 1
	Endpoint = 10.1.1.1:$SRV_PORT
	AllowedIPs = 10.9.0.0/16, fd09::/48   # the server's side
	Keepalive = 5
	KeepaliveTimeout = 30
	KeyFile = $2
	Role = initiator
	KeyId = 7
	Cipher = aes-256-gcm

	[Peer]
	Id = 200
	Endpoint = [fd01:1::1]:5001
	AllowedIPs = 10.200.0.0/16
	EOF
}

up_down_restores_the_namespace() {
	ul_link srv c1 1
	"$PTUN" genkey > "$CONF/k1"
	full_conf "$CONF/ptun0.conf" "$CONF/k1"
	local before after_up after
	before=$(settled_state c1)
	nsrun c1 "$PTUN" up "$CONF/ptun0.conf"
	after_up=$(settled_state c1)
	echo "# after up:"
	diff <(echo "$before") <(echo "$after_up") | sed 's/^/#   /' || true
	expect_match "$(ip -n c1 link show ptun0)" '[<,]UP[,>]' "ptun0 up"
	local got
	got=$(ip netns exec c1 "$PTUN" show --json ptun0 | jq -c '.devices[0] |
		[.listen_port, .fwmark, .settings.table, .settings.priority,
		 .settings.mtu, .settings.addresses, .settings.include_routes,
		 .settings.exclude_routes, .settings.dns_servers,
		 .settings.match_domains, .settings.exclude_local_networks,
		 [.peers[] | [.id, .remote_id, .endpoint, .allowed_ips,
			      .keepalive, .keepalive_timeout,
			      [.keys[] | [.slot, .key_id, .cipher]]]]]')
	expect_eq "$got" '[6000,119,1000,2000,1380,["10.9.1.1/24","fd09:0:0:1::1/64"],["10.9.0.0/16","10.200.0.0/16","fd09::/48"],["10.9.200.0/24"],["10.9.0.53","fd09::53"],["corp.example","internal.example"],true,[[100,1,"10.1.1.1:5000",["10.9.0.0/16","fd09::/48"],5,30,[["primary",7,"aes-256-gcm"]]],[200,200,"[fd01:1::1]:5001",["10.200.0.0/16"],0,0,[]]]]' \
		"the device up made"
	nsrun c1 "$PTUN" down "$CONF/ptun0.conf"
	after=$(settled_state c1)
	expect_eq "$(nr_ptun c1)" 0 "ptun devices after down"
	if ! diff <(echo "$before") <(echo "$after") > "$CONF/diff"; then
		sed 's/^/#   /' "$CONF/diff"
		fail "up then down did not restore ip addr/route/rule"
	fi
}

# bad_line N SED-SCRIPT: the full file edited by SED-SCRIPT must be refused
# at line N with nothing created.
bad_line() {
	local n=$1 f=$CONF/ptun0.conf
	sed "$2" "$CONF/good.conf" > "$f"
	NS=c1 expect_fail ip netns exec c1 "$PTUN" up "$f"
	expect_match "$ERR" "^$f:$n: " "error of '$2'"
	expect_eq "$(nr_ptun c1)" 0 \
		"ptun devices after '$2'"
}

bad_file_names_the_line() {
	ul_link srv c1 1
	"$PTUN" genkey > "$CONF/k1"
	full_conf "$CONF/good.conf" "$CONF/k1"
	local before
	before=$(settled_state c1)
	# Lines of full_conf: 2 [Interface], 3 ListenPort, 5 Address,
	# 7 Include, 15 MatchDomain, 16 Table, 17 Priority, 20 [Peer],
	# 23 Endpoint, 27 KeyFile, 28 Role, 32 [Peer], 33 Id, 35 AllowedIPs.
	bad_line 1 '1i[Interfaces]'
	bad_line 3 's|^ListenPort = .*|Colour = blue|'
	bad_line 5 's|^Address = 10.9.1.1/24|Address = 10.9.1.1/33|'
	bad_line 7 's|^Include = 10.9.0.0/16|Include = 10.9.0.1/16|'
	bad_line 8 's|^Include = fd09::/48, 10.200.0.0/16|Include = fd09::/48, 10.9.0.0/16|'
	bad_line 15 's|^MatchDomain = corp.example|MatchDomain = -corp.example|'
	bad_line 16 's|^Table = 1000|Table = 0|'
	bad_line 18 's|^Priority = 2000|Priority = 2000\nTable = 5|'
	bad_line 23 's|^Endpoint = 10.1.1.1:.*|Endpoint = 10.1.1.1|'
	bad_line 27 "s|^KeyFile = .*|KeyFile = $CONF/missing|"
	bad_line 28 's|^Role = initiator|Role = both|'
	bad_line 27 's|^Role = initiator||'
	bad_line 32 's|^Id = 200||'
	bad_line 33 's|^Id = 200|Id = 100|'
	bad_line 35 's|^AllowedIPs = 10.200.0.0/16|ListenPort = 1|'
	expect_eq "$(settled_state c1)" "$before" "ip addr/route/rule after the bad files"
}

kernel_refusal_leaves_nothing() {
	ul_link srv c1 1
	"$PTUN" genkey > "$CONF/k1"
	full_conf "$CONF/ptun0.conf" "$CONF/k1"
	# 17 remotes: the file is well formed, the kernel allows 16.
	local r i
	r="Remote = 10.1.1.1"
	for i in $(seq 2 17); do r+=", 192.0.2.$i"; done
	sed -i "s|^Remote = .*|$r|" "$CONF/ptun0.conf"
	local before
	before=$(settled_state c1)
	NS=c1 expect_fail ip netns exec c1 "$PTUN" up "$CONF/ptun0.conf"
	expect_match "$ERR" 'settings set ptun0: .*remote' "the kernel's reason"
	expect_eq "$(nr_ptun c1)" 0 \
		"ptun devices after the refusal"
	expect_eq "$(settled_state c1)" "$before" "ip addr/route/rule after the refusal"

	# A device of that name already there: refused, and left alone.
	full_conf "$CONF/ptun0.conf" "$CONF/k1"
	nsrun c1 "$PTUN" link add ptun0 listen-port 7000
	NS=c1 expect_fail ip netns exec c1 "$PTUN" up "$CONF/ptun0.conf"
	expect_match "$ERR" 'already exists' "up over an existing device"
	expect_eq "$(ip netns exec c1 "$PTUN" show --json ptun0 | jq -c '[.devices[0].listen_port, .devices[0].peers, .devices[0].settings]')" \
		'[7000,[],null]' "the existing device"
}

showconf_round_trips() {
	ul_link srv c1 1
	"$PTUN" genkey > "$CONF/k1"
	full_conf "$CONF/ptun0.conf" "$CONF/k1"
	nsrun c1 "$PTUN" up "$CONF/ptun0.conf"
	local want got
	want=$(dev_json c1 ptun0)
	echo "# $want"
	mkdir -p "$CONF/rt"
	ip netns exec c1 "$PTUN" showconf ptun0 > "$CONF/rt/ptun0.conf"
	sed 's/^/#   /' "$CONF/rt/ptun0.conf"
	nsrun c1 "$PTUN" down ptun0

	# As printed, through a pipe into "up - DEV": everything but the
	# key, which it cannot give back.
	cat "$CONF/rt/ptun0.conf" | nsrun c1 "$PTUN" up - ptun0
	got=$(dev_json c1 ptun0)
	expect_eq "$got" "$(echo "$want" | jq -S -c '.devices[0].peers[].keys = []')" \
		"showconf | up, without the key"
	nsrun c1 "$PTUN" down ptun0

	# A bad line on standard input is named as such; nothing is made.
	sed 's|^MTU = .*|MTU = 20|' "$CONF/rt/ptun0.conf" > "$CONF/rt/bad"
	NS=c1 expect_fail ip netns exec c1 "$PTUN" up - ptun0 < "$CONF/rt/bad"
	expect_match "$ERR" '^\(standard input\):[0-9]+: MTU' "error of up -"
	expect_eq "$(nr_ptun c1)" 0 "ptun devices after a bad up -"

	# With the key file and the role filled in: the same device.
	sed -i -e "s|^# KeyFile = .*|KeyFile = $CONF/k1|" \
	       -e 's|^# Role = .*|Role = initiator|' \
	       -e 's|^# KeyId|KeyId|' -e 's|^# Cipher|Cipher|' "$CONF/rt/ptun0.conf"
	nsrun c1 "$PTUN" up "$CONF/rt/ptun0.conf"
	got=$(dev_json c1 ptun0)
	expect_eq "$got" "$want" "showconf | up, key filled in"
	nsrun c1 "$PTUN" down "$CONF/rt/ptun0.conf"
}

# has_addr NS DEV ADDR: for the check below.
has_addr() {
	ip -n "$1" addr show dev "$2" | grep -q "inet6\? $3/"
}

two_ends_carry_a_ping() {
	ul_link srv c1 1
	"$PTUN" genkey > "$CONF/k1"
	mkdir -p "$CONF/srv" "$CONF/c1"
	cat > "$CONF/srv/ptun0.conf" <<-EOF
	[Interface]
	ListenPort = $SRV_PORT
	Address = 10.9.0.1/24, fd09::1/64
	Include = 10.9.0.0/24, fd09::/64

	[Peer]
	Id = 1
	RemoteId = 100
	Endpoint = 10.1.1.2:$CLI_PORT
	AllowedIPs = 10.9.0.2/32, fd09::2/128
	KeyFile = ../k1
	Role = responder
	EOF
	cat > "$CONF/c1/ptun0.conf" <<-EOF
	[Interface]
	ListenPort = $CLI_PORT
	Address = 10.9.0.2/24, fd09::2/64
	Remote = 10.1.1.1
	Include = 10.9.0.0/24, fd09::/64

	[Peer]
	Id = 100
	RemoteId = 1
	Endpoint = 10.1.1.1:$SRV_PORT
	AllowedIPs = 10.9.0.0/24, fd09::/64
	Keepalive = 1
	KeyFile = ../k1     # KeyId: 0 by default
	Role = initiator
	EOF
	nsrun srv "$PTUN" up "$CONF/srv/ptun0.conf"
	nsrun c1 "$PTUN" up "$CONF/c1/ptun0.conf"
	local ns n
	for ns in srv c1; do
		n=1
		[ "$ns" = c1 ] && n=2
		has_addr "$ns" ptun0 "10.9.0.$n" && continue
		# The tool before "settings set" put addresses in the FIB.
		echo "# $ns: up put no address on ptun0: added by hand"
		ip -n "$ns" addr add "10.9.0.$n/24" dev ptun0
		ip -n "$ns" addr add "fd09::$n/64" dev ptun0 nodad
	done
	wait_for 30 peer_is srv 1 '.last_rx_ms != null'
	ping_ok c1 10.9.0.1
	ping_ok c1 fd09::1
	ping_ok srv 10.9.0.2
	nsrun c1 "$PTUN" down "$CONF/c1/ptun0.conf"
	nsrun srv "$PTUN" down "$CONF/srv/ptun0.conf"
}

ktap_test "up then down leaves ip addr, route and rule as they were" up_down_restores_the_namespace
ktap_test "a bad file is refused at its line with nothing created" bad_file_names_the_line
ktap_test "a request the kernel refuses during up leaves nothing" kernel_refusal_leaves_nothing
ktap_test "showconf prints a file up turns into the same device" showconf_round_trips
ktap_test "two ends brought up from files carry a ping" two_ends_carry_a_ping
ktap_done
