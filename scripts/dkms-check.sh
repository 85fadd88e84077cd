#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms add + build against every Debian kernel's headers, in a private DKMS
# tree (--dkmstree, --sourcetree) so the machine's DKMS state is untouched.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src/ptun-$ver
mkdir -p "$src" "$tmp/tree"
git -C "$top" ls-files -z -- dkms.conf Kbuild Makefile module include |
	xargs -0 cp --parents -t "$src" -- 2>/dev/null ||
	cp -r "$top/dkms.conf" "$top/Kbuild" "$top/Makefile" "$top/module" "$top/include" "$src/"

dk=(--dkmstree "$tmp/tree" --sourcetree "$tmp/src")
dkms add "${dk[@]}" "ptun/$ver" > "$tmp/add.log" 2>&1 || { cat "$tmp/add.log"; exit 1; }
rc=0
while read -r rel _ _; do
	if dkms build "${dk[@]}" "ptun/$ver" -k "$rel" > "$tmp/build.log" 2>&1 &&
	   ls "$tmp/tree/ptun/$ver/$rel/x86_64/module/ptun.ko"* >/dev/null 2>&1; then
		echo "dkms: ptun/$ver builds for $rel"
	else
		cat "$tmp/build.log"
		find "$tmp/tree" -name make.log -exec cat {} +
		echo "dkms: ptun/$ver FAILED for $rel"
		rc=1
	fi
done < <("$top/selftests/vm/kernels.sh")
exit $rc
