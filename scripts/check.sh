#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: everything, from a fresh Debian 12 machine (as root):
# dependencies, the tool, generated code up to date, checkpatch and sparse,
# DKMS against every Debian kernel, make install/uninstall into a temporary
# DESTDIR, then the VM suite on both Debian kernels
# and on the debug kernel (built once and cached). Prints KTAP and, last,
# "N passed, N failed" over the host checks and every VM scenario.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
mkdir -p build

host=()
hpass=0
hfail=0
# step NAME CMD...: one host check, its log shown only when it fails.
step() {
	local name=$1 log
	shift
	log=build/check-$(echo "$name" | tr -c 'a-zA-Z0-9\n' - | cut -c1-40).log
	echo "# $name: $*"
	if "$@" > "$log" 2>&1; then
		host+=("ok $(( ${#host[@]} + 1 )) $name")
		hpass=$((hpass + 1))
	else
		sed 's/^/# /' "$log" | tail -n 60
		host+=("not ok $(( ${#host[@]} + 1 )) $name")
		hfail=$((hfail + 1))
		return 1
	fi
}

step "dependencies installed" scripts/deps.sh || {
	echo "not ok 1 dependencies installed"
	echo "0 passed, 1 failed"
	exit 1
}
step "tool builds without warnings" make -C userspace clean all
step "generated code matches the netlink spec" make regen-check
step "checkpatch and sparse clean on module/" make style
step "dkms add/build against every Debian kernel" scripts/dkms-check.sh
step "prefix trie agrees with a brute-force scan (userspace)" make -C selftests/lookup check
step "make install into a DESTDIR installs and uninstall removes every file" \
	scripts/install-check.sh

# The kernels boot side by side. The Debian kernels run every file of
# run_tests.sh's list (each leaves some of the tool's files to the
# other); the debug kernel (KASAN, lockdep, kmemleak: about three times
# slower) runs the files that exercise different kernel code,
# leaving out the timing scenarios of path.sh, the 10 000 peers of
# scale.sh, tunnel.sh (data.sh, attack.sh and keys.sh cover its paths) and
# the files that test the tool more than the module (ynl.sh, monitor.sh,
# settings.sh, routes.sh, conf.sh) and enforce.sh (43 minutes there:
# too long for CI's time), in two VMs side by side ("|" splits
# the list), so that make check stays well within 90 minutes on two
# cores. make check-debug runs every file on it.
debug_tests="link.sh perm.sh netns.sh data.sh"
debug_tests+=" | genl.sh attack.sh keys.sh unload.sh"
# The files that test the tool more than the module run on one Debian
# kernel each: the whole must end well within CI's 90 minutes.
PTUN_SUITE_NESTED=1 PTUN_DEBUG_TESTS=$debug_tests \
	PTUN_NEWEST_ONLY="routes.sh conf.sh" PTUN_OLDER_ONLY="ynl.sh monitor.sh" \
	selftests/vm/run-suite.sh debian debug
vm_rc=$?
read -r vpass vfail < build/vm/totals 2>/dev/null || { vpass=0; vfail=1; }

echo "# host checks"
echo "KTAP version 1"
echo "1..${#host[@]}"
printf '%s\n' "${host[@]}"
pass=$((hpass + vpass))
fail=$((hfail + vfail))
[ "$vm_rc" -eq 0 ] || [ "$vfail" -gt 0 ] || fail=$((fail + 1))
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
