#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ptun devices through rtnetlink (ip link) and through the tool.
source "$(dirname "$0")/lib.sh"

ip_link_lifecycle() {
	run ip link add ptun0 type ptun
	local info
	info=$(run ip -d -o link show ptun0)
	echo "# $info"
	expect_match "$info" '<POINTOPOINT,NOARP>' "flags"
	expect_match "$info" 'link/none' "link type"
	expect_match "$info" ' ptun ' "link kind"
	expect_match "$info" 'mtu 1420 ' "default mtu"
	run ip link set ptun0 up
	expect_match "$(ip -o link show ptun0)" '[<,]UP[,>]' "up"
	run ip link set ptun0 down
	expect_match "$(ip -o link show ptun0)" 'state DOWN' "down"
	run ip link set ptun0 mtu 1280
	expect_match "$(ip -o link show ptun0)" 'mtu 1280 ' "mtu via ip"
	run ip link del ptun0
	expect_eq "$(ptun_links)" "" "devices left"
}

# tx_errors of DEV, from sysfs
tx_errors() {
	cat "/sys/class/net/$1/statistics/tx_errors"
}

no_peer_unreachable() {
	run ip link add ptun0 type ptun
	# IPv6 off first: its own router solicitations and MLD reports would
	# also be refused and counted.
	run sysctl -qw net.ipv6.conf.ptun0.disable_ipv6=1
	run ip addr add 10.99.0.1/24 dev ptun0
	run ip link set ptun0 up
	local out before
	expect_eq "$(tx_errors ptun0)" 0 "tx_errors before"
	out=$(run ping -n -c 1 -W 5 10.99.0.2 2>&1 || true)
	echo "$out" | sed 's/^/# /'
	expect_match "$out" 'Destination Host Unreachable' "ICMP host unreachable"
	expect_eq "$(tx_errors ptun0)" 1 "tx_errors after one IPv4 packet"
	run sysctl -qw net.ipv6.conf.ptun0.disable_ipv6=0
	run ip addr add fd99::1/64 dev ptun0 nodad
	before=$(tx_errors ptun0)
	out=$(run ping -n -6 -c 1 -W 5 fd99::2 2>&1 || true)
	echo "$out" | sed 's/^/# /'
	expect_match "$out" 'Destination unreachable: Address unreachable' "ICMPv6 address unreachable"
	[ "$(tx_errors ptun0)" -gt "$before" ] || fail "tx_errors did not grow with IPv6"
}

tool_link_add_show_del() {
	run "$PTUN" link add ptun1 listen-port 51820 fwmark 0x2a mtu 1400
	local out
	out=$(run "$PTUN" show ptun1)
	echo "$out" | sed 's/^/# /'
	expect_match "$out" '^interface: ptun1$' "name"
	expect_match "$out" 'listen port: 51820' "port"
	expect_match "$out" 'fwmark: 0x2a' "fwmark"
	expect_match "$out" 'mtu: 1400' "mtu"
	expect_match "$(ip -d -o link show ptun1)" 'mtu 1400 .* ptun ' "ip sees it"
	run "$PTUN" link del ptun1
	expect_eq "$(ptun_links)" "" "devices left"
	expect_fail "$PTUN" show ptun1
}

tool_link_set_changes_only_given() {
	run "$PTUN" link add ptun2 listen-port 1000 fwmark 7
	run "$PTUN" link set ptun2 mtu 1300
	local j
	j=$(run "$PTUN" show ptun2 --json)
	echo "# $j"
	expect_eq "$(echo "$j" | jq -r '.devices[0] | "\(.listen_port) \(.fwmark) \(.mtu)"')" \
		"1000 7 1300" "port fwmark mtu"
	run "$PTUN" link set ptun2 listen-port 2000 fwmark 0
	j=$(run "$PTUN" show ptun2 --json)
	expect_eq "$(echo "$j" | jq -r '.devices[0] | "\(.listen_port) \(.fwmark) \(.mtu)"')" \
		"2000 0 1300" "port fwmark mtu after second set"
}

duplicate_name_changes_nothing() {
	run "$PTUN" link add dup0 listen-port 4000 mtu 1300
	local before after
	before=$(ip -d link show dup0; "$PTUN" show --json)
	expect_fail "$PTUN" link add dup0 listen-port 5000 mtu 1200
	expect_match "$ERR" 'File exists \(device name already in use\)' "message"
	expect_fail ip link add dup0 type ptun
	after=$(ip -d link show dup0; "$PTUN" show --json)
	expect_eq "$after" "$before" "state after the failed adds"
	# A non-ptun device of that name is refused the same way.
	run ip link add dmy7 type dummy
	expect_fail "$PTUN" link add dmy7
	expect_match "$ERR" 'device name already in use' "message for dmy7"
	expect_match "$(ip -d -o link show dmy7)" ' dummy ' "dmy7 untouched"
	run ip link del dmy7
}

kernel_rejects_bad_values() {
	run "$PTUN" link add bad0 mtu 1400
	local before
	before=$("$PTUN" show --json)
	expect_fail "$PTUN" link set bad0 mtu 65500
	expect_match "$ERR" "mtu above the device's maximum" "extack text"
	expect_fail "$PTUN" link set nosuch0 mtu 1300
	expect_match "$ERR" 'No such device' "unknown device"
	expect_fail "$PTUN" link set lo mtu 1300
	expect_match "$ERR" 'not a ptun device' "non-ptun device"
	expect_fail "$PTUN" link add bad1 mtu 65500
	expect_eq "$("$PTUN" show --json)" "$before" "state"
	expect_eq "$(ptun_links)" "bad0 " "devices"
}

tool_rejects_bad_command_lines() {
	local args
	for args in "" "link" "link add" "link frob x" "link add x bogus 1" \
		    "link add x listen-port" "link add x listen-port 70000" \
		    "link add x listen-port abc" "link add x fwmark 0x1ffffffff" \
		    "link add x mtu 10" "link add x mtu 1400 mtu 1400" \
		    "link add 0123456789abcdef" "link add a/b" "link set x" \
		    "show a b" "nosuchcommand"; do
		# shellcheck disable=SC2086
		expect_fail "$PTUN" $args
		[ -n "$ERR" ] || fail "no message for 'ptun $args'"
	done
	expect_eq "$(ptun_links)" "" "devices"
	run "$PTUN" help >/dev/null
	run "$PTUN" link help >/dev/null
}

dump_spans_many_messages() {
	local i n=400
	# In a namespace of their own: deleting it removes them in one batch.
	run ip netns add many
	for i in $(seq 1 $n); do echo "link add pt$i type ptun"; done > /tmp/batch
	nsrun many ip -batch /tmp/batch
	local names
	names=$(nsrun many "$PTUN" show --json | jq '[.devices[].ifname] | unique | length')
	expect_eq "$names" "$n" "devices in the dump"
	expect_eq "$(nsrun many "$PTUN" show | grep -c '^interface: ')" "$n" "human dump"
	# 400 devices (~70 bytes each) cannot fit the first part of a dump
	# (one page): the dump must resume, and lose nothing.
	local raw
	raw=$(nsrun many python3 "$top/selftests/nlraw.py" request PTUN_CMD_DEV_GET --dump)
	expect_eq "$(echo "$raw" | jq '[.replies[].ifname] | unique | length')" "$n" "raw dump devices"
	[ "$(echo "$raw" | jq .parts)" -ge 2 ] ||
		fail "dump came in $(echo "$raw" | jq .parts) parts, want several"
	echo "# raw dump: $(echo "$raw" | jq .parts) datagrams"
}

ktap_test "ip link add/up/down/mtu/del of type ptun" ip_link_lifecycle
ktap_test "with no peer, packets are refused with ICMP and counted" no_peer_unreachable
ktap_test "tool link add with options, show, del" tool_link_add_show_del
ktap_test "tool link set changes only what is given" tool_link_set_changes_only_given
ktap_test "duplicate name fails with a message and changes nothing" duplicate_name_changes_nothing
ktap_test "kernel rejects bad values with extack and changes nothing" kernel_rejects_bad_values
ktap_test "tool rejects bad command lines with usage, exit 1" tool_rejects_bad_command_lines
ktap_test "dump of 400 devices spans several datagrams, none lost" dump_spans_many_messages
ktap_done
