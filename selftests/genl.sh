#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The genetlink family validates strictly and says why it refused, naming
# the attribute; the events group reports device changes.
source "$(dirname "$0")/lib.sh"
NLRAW=$top/selftests/nlraw.py

# rq CMD ATTR...: send a raw request, print the JSON verdict.
rq() {
	run python3 "$NLRAW" request "$@"
}

# field JSON KEY: one field of a verdict.
field() {
	python3 -c 'import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print("" if v is None else v)' "$1" "$2"
}

# rejected JSON ERROR-REGEX BAD-ATTR WHAT: the request failed as expected
# (kernels differ on EINVAL vs ERANGE for some policy failures), with an
# extack message and (when given) the attribute it blames.
rejected() {
	local error extack bad
	echo "# $1"
	{ read -r error; read -r extack; read -r bad; } < <(python3 -c '
import json, sys
v = json.loads(sys.argv[1])
for k in ("error", "extack", "bad_attr"):
    print(v[k] or "")' "$1")
	expect_match "$error" "^($2)\$" "$4: error"
	[ -n "$extack" ] || fail "$4: no extack message"
	[ -z "$3" ] || expect_eq "$bad" "$3" "$4: blamed attribute"
}

strict_validation_with_extack() {
	run "$PTUN" link add ptun0 mtu 1400
	local before v
	before=$("$PTUN" show --json)
	v=$(rq PTUN_CMD_DEV_GET PTUN_A_DEV_IFNAME:str:ptun0 200:u32:1)
	rejected "$v" "Invalid argument" "" "unknown attribute type"
	v=$(rq PTUN_CMD_DEV_SET PTUN_A_DEV_IFNAME:str:ptun0 PTUN_A_DEV_MTU:u16:1300)
	rejected "$v" "Invalid argument|Numerical result out of range" PTUN_A_DEV_MTU "u16 where u32 belongs"
	v=$(rq PTUN_CMD_DEV_SET PTUN_A_DEV_IFNAME:str:ptun0 PTUN_A_DEV_MTU:u32:67)
	rejected "$v" "Numerical result out of range" PTUN_A_DEV_MTU "mtu below minimum"
	v=$(rq PTUN_CMD_DEV_SET PTUN_A_DEV_IFNAME:str:ptun0 PTUN_A_DEV_MTU:u32:65456)
	rejected "$v" "Invalid argument" PTUN_A_DEV_MTU "mtu above maximum"
	v=$(rq PTUN_CMD_DEV_NEW PTUN_A_DEV_IFNAME:str:0123456789abcdef)
	rejected "$v" "Invalid argument|Numerical result out of range" PTUN_A_DEV_IFNAME "name too long"
	v=$(rq PTUN_CMD_DEV_NEW PTUN_A_DEV_IFNAME:rawstr:ptun9)
	rejected "$v" "Invalid argument" PTUN_A_DEV_IFNAME "name without NUL"
	v=$(rq PTUN_CMD_DEV_SET PTUN_A_DEV_IFNAME:str:ptun0 PTUN_A_DEV_LISTEN_PORT:u32:1)
	rejected "$v" "Invalid argument|Numerical result out of range" PTUN_A_DEV_LISTEN_PORT "u32 where u16 belongs"
	v=$(rq PTUN_CMD_DEV_GET PTUN_A_DEV_IFINDEX:u32:0)
	rejected "$v" "Numerical result out of range" PTUN_A_DEV_IFINDEX "ifindex 0"
	v=$(rq PTUN_CMD_DEV_GET PTUN_A_DEV_IFINDEX:u32:1 PTUN_A_DEV_IFNAME:str:ptun0)
	rejected "$v" "Invalid argument" PTUN_A_DEV_IFNAME "ifindex and ifname disagree"
	v=$(rq PTUN_CMD_DEV_GET PTUN_A_DEV_IFINDEX:u32:1)
	rejected "$v" "Operation not supported" PTUN_A_DEV_IFINDEX "lo is not ptun"
	v=$(rq PTUN_CMD_DEV_DEL)
	rejected "$v" "Invalid argument" "" "device not named"
	# dev-get takes no listen-port: an attribute the op does not accept
	v=$(rq PTUN_CMD_DEV_GET PTUN_A_DEV_IFNAME:str:ptun0 PTUN_A_DEV_LISTEN_PORT:u16:1)
	rejected "$v" "Invalid argument" PTUN_A_DEV_LISTEN_PORT "attribute outside the op"
	# dev-new names no existing device: ifindex has no place in it
	v=$(rq PTUN_CMD_DEV_NEW PTUN_A_DEV_IFNAME:str:ptun8 PTUN_A_DEV_IFINDEX:u32:1)
	rejected "$v" "Invalid argument" PTUN_A_DEV_IFINDEX "ifindex on dev-new"
	v=$(rq 99)
	expect_eq "$(field "$v" error)" "Operation not supported" "unknown command"
	expect_eq "$("$PTUN" show --json)" "$before" "state after rejected requests"
	# and a good one goes through
	v=$(rq PTUN_CMD_DEV_GET PTUN_A_DEV_IFNAME:str:ptun0)
	expect_match "$v" '"mtu": 1400' "good request"
}

events_report_changes() {
	local ev
	ev=$(run python3 "$NLRAW" listen --count 4 --timeout 30 -- sh -c "
		'$PTUN' link add ev0 listen-port 7 &&
		'$PTUN' link set ev0 mtu 1300 &&
		ip link add ev1 type ptun &&
		'$PTUN' link del ev0")
	echo "$ev" | sed 's/^/# /'
	expect_eq "$(echo "$ev" | python3 -c '
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    print(e["cmd"], e["ifname"], e.get("listen_port"), e.get("mtu"))')" \
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
