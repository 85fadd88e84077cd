#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh KDIR OUTDIR: build ptun.ko for the kernel tree KDIR in a
# private copy of the sources under OUTDIR (so modules for several kernels
# can exist side by side), warnings fatal. Prints the .ko path.
set -euo pipefail
kdir=$1
out=$(realpath -m "$2")
top=$(cd "$(dirname "$0")/../.." && pwd)

rm -rf "$out"
mkdir -p "$out"
cp -r "$top/Kbuild" "$top/module" "$top/include" "$out/"
find "$out" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) -delete
log=$out/build.log
if ! make -C "$kdir" M="$out" KCFLAGS=-Werror modules > "$log" 2>&1; then
	cat "$log" >&2
	exit 1
fi
if grep -E 'warning:|WARNING:' "$log" | grep -v 'Skipping BTF' >&2; then
	echo "build-module.sh: warnings building for $kdir" >&2
	exit 1
fi
echo "$out/module/ptun.ko"
