#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The genetlink family validates strictly and says why it refused, naming
# the attribute; the events group reports device changes.
source "$(dirname "$0")/lib.sh"
NLRAW=$top/selftests/nlraw.py

# Each line: the request, then what the kernel must answer: the error (a
# regex: kernels differ on EINVAL vs ERANGE for some policy failures) and
# the attribute it must blame ("-" for none). Every refusal must carry an
# extack message. One nlraw.py run sends them all.
strict_validation_with_extack() {
	run "$PTUN" link add ptun0 mtu 1400
	local before cases req want_err want_bad got err msg bad n=0
	before=$("$PTUN" show --json)
	cases=$(cat <<-'CASES'
	PTUN_CMD_DEV_GET PTUN_A_DEV_IFNAME:str:ptun0 200:u32:1	Invalid argument	-
	PTUN_CMD_DEV_SET PTUN_A_DEV_IFNAME:str:ptun0 PTUN_A_DEV_MTU:u16:1300	Invalid argument|Numerical result out of range	PTUN_A_DEV_MTU
	PTUN_CMD_DEV_SET PTUN_A_DEV_IFNAME:str:ptun0 PTUN_A_DEV_MTU:u32:67	Numerical result out of range	PTUN_A_DEV_MTU
	PTUN_CMD_DEV_SET PTUN_A_DEV_IFNAME:str:ptun0 PTUN_A_DEV_MTU:u32:65456	Invalid argument	PTUN_A_DEV_MTU
	PTUN_CMD_DEV_NEW PTUN_A_DEV_IFNAME:str:0123456789abcdef	Invalid argument|Numerical result out of range	PTUN_A_DEV_IFNAME
	PTUN_CMD_DEV_NEW PTUN_A_DEV_IFNAME:rawstr:ptun9	Invalid argument	PTUN_A_DEV_IFNAME
	PTUN_CMD_DEV_SET PTUN_A_DEV_IFNAME:str:ptun0 PTUN_A_DEV_LISTEN_PORT:u32:1	Invalid argument|Numerical result out of range	PTUN_A_DEV_LISTEN_PORT
	PTUN_CMD_DEV_GET PTUN_A_DEV_IFINDEX:u32:0	Numerical result out of range	PTUN_A_DEV_IFINDEX
	PTUN_CMD_DEV_GET PTUN_A_DEV_IFINDEX:u32:1 PTUN_A_DEV_IFNAME:str:ptun0	Invalid argument	PTUN_A_DEV_IFNAME
	PTUN_CMD_DEV_GET PTUN_A_DEV_IFINDEX:u32:1	Operation not supported	PTUN_A_DEV_IFINDEX
	PTUN_CMD_DEV_DEL	Invalid argument	-
	PTUN_CMD_DEV_GET PTUN_A_DEV_IFNAME:str:ptun0 PTUN_A_DEV_LISTEN_PORT:u16:1	Invalid argument	PTUN_A_DEV_LISTEN_PORT
	PTUN_CMD_DEV_NEW PTUN_A_DEV_IFNAME:str:ptun8 PTUN_A_DEV_IFINDEX:u32:1	Invalid argument	PTUN_A_DEV_IFINDEX
	CASES
	)
	got=$(echo "$cases" | cut -f1 | run python3 "$NLRAW" batch)
	while IFS=$'\t' read -r req want_err want_bad; do
		n=$((n + 1))
		IFS='|' read -r err msg bad <<<"$(echo "$got" | sed -n "${n}p")"
		echo "# $req -> $err ($msg) [$bad]"
		expect_match "$err" "^($want_err)\$" "$req: error"
		[ -n "$msg" ] || fail "$req: no extack message"
		[ "$want_bad" = - ] || expect_eq "$bad" "$want_bad" "$req: blamed attribute"
	done <<<"$cases"
	expect_eq "$n" "13" "cases checked"
	got=$(printf '99\nPTUN_CMD_DEV_GET PTUN_A_DEV_IFNAME:str:ptun0\n' |
		run python3 "$NLRAW" batch)
	echo "$got" | sed 's/^/# /'
	expect_eq "$(echo "$got" | sed -n 1p | cut -d'|' -f1)" "Operation not supported" "unknown command"
	expect_eq "$(echo "$got" | sed -n 2p)" "ok||" "a good request"
	expect_eq "$("$PTUN" show --json)" "$before" "state after rejected requests"
}

events_report_changes() {
	local ev
	ev=$(run python3 "$NLRAW" listen --count 4 --timeout 30 -- sh -c "
		'$PTUN' link add ev0 listen-port 7 &&
		'$PTUN' link set ev0 mtu 1300 &&
		ip link add ev1 type ptun &&
		'$PTUN' link del ev0")
	echo "$ev" | sed 's/^/# /'
	expect_eq "$(echo "$ev" | jq -r '"\(.cmd) \(.ifname) \(.listen_port) \(.mtu)"')" \
"PTUN_CMD_DEV_NEW_NTF ev0 7 1420
PTUN_CMD_DEV_CHANGE_NTF ev0 7 1300
PTUN_CMD_DEV_NEW_NTF ev1 0 1420
PTUN_CMD_DEV_DEL_NTF ev0 7 1300" "events"
}

events_stay_in_their_namespace() {
	run ip netns add a
	# Nothing that happens in namespace a may reach a listener in the root
	# namespace; the root namespace's own event arrives after it.
	local ev
	ev=$(run python3 "$NLRAW" listen --count 1 --timeout 30 -- sh -c "
		ip netns exec a '$PTUN' link add other0 &&
		ip netns exec a '$PTUN' link del other0 &&
		'$PTUN' link add mine0")
	echo "# $ev"
	expect_match "$ev" '"ifname": "mine0"' "first event is the root namespace's"
}

ktap_test "unknown or malformed attributes are refused with extack" strict_validation_with_extack
ktap_test "events report add, change and delete in order" events_report_changes
ktap_test "events stay in their namespace" events_stay_in_their_namespace
ktap_done
