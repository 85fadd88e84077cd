#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: from a fresh Debian 12 machine (as root) install what is
# needed, build ptun for the newest Debian kernel, boot that kernel in a VM
# and, inside, make two hosts (network namespaces joined by a veth pair)
# with a ptun device each, keys and peers, and traffic through the tunnel.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

scripts/deps.sh
make -s -C userspace
read -r rel image kdir < <(selftests/vm/kernels.sh | tail -n 1)
echo "demo: building ptun.ko for $rel"
ko=$(selftests/vm/build-module.sh "$kdir" "$top/build/$rel")
echo "demo: booting $rel under QEMU (TCG); the guest's output follows"
rc=0
selftests/vm/vm.sh "$image" "$rel" "$top/build/vm/demo" 600 "$ko" \
	"$top/scripts/demo-guest.sh" || rc=$?
cat "$top/build/vm/demo/output"
exit $rc
