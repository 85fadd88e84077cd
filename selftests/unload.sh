#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unloading the module with devices present removes them cleanly; it loads
# again afterwards. PTUN_KO names the module file (set by the VM harness).
source "$(dirname "$0")/lib.sh"

reload() {
	grep -q '^ptun ' /proc/modules || run insmod "$PTUN_KO"
}

unload_with_devices_everywhere() {
	[ -n "${PTUN_KO:-}" ] || return $KSFT_SKIP
	run ip netns add a
	run ip netns add b
	run "$PTUN" link add ptun0 listen-port 1
	run ip link add ptun1 type ptun
	run ip link set ptun1 up
	nsrun a "$PTUN" link add ptun0
	nsrun a "$PTUN" link add moved0
	nsrun a ip link set moved0 netns b
	nsrun b ip link add ptun2 type ptun
	run rmmod ptun
	expect_eq "$(grep -c '^ptun ' /proc/modules)" "0" "module gone"
	# "type ptun" means nothing once the kind is gone: look for the names.
	local left
	left=$(ip -o link show; ip -n a -o link show; ip -n b -o link show)
	echo "$left" | sed 's/^/# /'
	expect_eq "$(echo "$left" | grep -cE ': (ptun[0-9]|moved0)[:@]')" "0" "devices left"
	run insmod "$PTUN_KO"
	run "$PTUN" link add again0
	expect_eq "$(ptun_links)" "again0 " "works after reload"
}

load_unload_cycles() {
	[ -n "${PTUN_KO:-}" ] || return $KSFT_SKIP
	local i
	for i in 1 2 3; do
		run rmmod ptun
		run insmod "$PTUN_KO"
		run ip link add cyc$i type ptun
		run "$PTUN" show cyc$i >/dev/null
	done
}

trap reload EXIT
ktap_test "unloading with devices in several namespaces removes them" unload_with_devices_everywhere
ktap_test "load and unload three times" load_unload_cycles
ktap_done
