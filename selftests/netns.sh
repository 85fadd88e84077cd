#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ptun devices and network namespaces: creation in the caller's namespace,
# moving, per-namespace dumps, and namespace teardown.
source "$(dirname "$0")/lib.sh"

# The devices of a "ptun show --json" as NAME:PORT:FWMARK:MTU words.
json_dev() {
	jq -r '[.devices[] | "\(.ifname):\(.listen_port):\(.fwmark):\(.mtu)"] | join(" ")'
}

created_in_callers_namespace() {
	run ip netns add a
	nsrun a "$PTUN" link add ptun0 listen-port 1234
	expect_eq "$(ptun_links)" "" "devices in the root namespace"
	expect_eq "$(nsrun a "$PTUN" show --json | json_dev)" "ptun0:1234:0:1420" "devices in a"
	expect_eq "$("$PTUN" show --json | json_dev)" "" "root namespace dump"
}

move_keeps_configuration() {
	run ip netns add a
	run "$PTUN" link add ptun0 listen-port 4242 fwmark 9 mtu 1300
	run ip link set ptun0 netns a
	expect_eq "$(ptun_links)" "" "devices left in the root namespace"
	expect_eq "$(nsrun a "$PTUN" show --json | json_dev)" "ptun0:4242:9:1300" "moved device"
	nsrun a ip link set ptun0 up
	nsrun a "$PTUN" link set ptun0 mtu 1200
	expect_match "$(nsrun a ip -o link show ptun0)" '[<,]UP[,>].* mtu 1200 ' "configured in a"
	# and back again
	nsrun a ip link set ptun0 netns 1
	expect_eq "$("$PTUN" show --json | json_dev)" "ptun0:4242:9:1200" "moved back"
}

namespace_dumps_are_separate() {
	run ip netns add a
	run ip netns add b
	nsrun a "$PTUN" link add pa0
	nsrun a "$PTUN" link add pa1
	nsrun b "$PTUN" link add pb0
	nsrun b ip link add pa0 type ptun
	expect_eq "$(nsrun a "$PTUN" show --json | json_dev | tr ' ' '\n' | cut -d: -f1 | sort | xargs)" "pa0 pa1" "a"
	expect_eq "$(nsrun b "$PTUN" show --json | json_dev | tr ' ' '\n' | cut -d: -f1 | sort | xargs)" "pa0 pb0" "b"
	expect_fail nsrun a "$PTUN" show pb0
}

namespace_deletion_with_devices() {
	run ip netns add a
	nsrun a "$PTUN" link add ptun0
	nsrun a ip link add ptun1 type ptun
	nsrun a ip link set ptun1 up
	run "$PTUN" link add keep0 listen-port 99
	run ip netns del a
	# Teardown is asynchronous; a device left behind would hold the namespace
	# and show in the kernel log (checked after the run) as a refcount wait.
	expect_eq "$("$PTUN" show --json | json_dev)" "keep0:99:0:1420" "root namespace"
	run ip netns add a
	nsrun a "$PTUN" link add ptun0
	expect_eq "$(nsrun a "$PTUN" show --json | json_dev)" "ptun0:0:0:1420" "fresh namespace a"
}

device_outlives_creating_namespace() {
	run ip netns add a
	run ip netns add b
	nsrun a "$PTUN" link add ptun0 listen-port 777
	nsrun a ip link set ptun0 netns b
	nsrun b ip link set ptun0 up
	expect_eq "$(nsrun b cat /sys/class/net/ptun0/carrier)" "1" "carrier before"
	run ip netns del a
	# Once namespace a (which holds the socket) is gone the device stays in b,
	# without carrier: it can no longer send.
	wait_for 30 sh -c '[ "$(ip netns exec b cat /sys/class/net/ptun0/carrier)" = 0 ]'
	expect_eq "$(nsrun b "$PTUN" show --json | json_dev)" "ptun0:777:0:1420" "device in b"
	nsrun b "$PTUN" link del ptun0
}

ktap_test "dev-new creates the device in the caller's namespace" created_in_callers_namespace
ktap_test "moving to another namespace keeps the configuration" move_keeps_configuration
ktap_test "each namespace dumps only its own devices" namespace_dumps_are_separate
ktap_test "deleting a namespace with ptun devices leaves others intact" namespace_deletion_with_devices
ktap_test "a device outlives its creating namespace, without carrier" device_outlives_creating_namespace
ktap_done
