#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# sparse (C=2: every file, built or not) on module/ for each Debian kernel;
# any sparse warning or error in ptun's own files fails.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
rc=0
while read -r rel _ kdir; do
	out=$top/build/sparse-$rel
	rm -rf "$out"
	mkdir -p "$out"
	cp -r "$top/Kbuild" "$top/module" "$top/include" "$out/"
	find "$out" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod*' \) -delete
	log=$out/sparse.log
	make -C "$kdir" M="$out" C=2 CHECK="sparse" modules > "$log" 2>&1 ||
		{ cat "$log"; rc=1; continue; }
	if grep -E "^$out/.*: (warning|error):" "$log"; then
		echo "sparse: findings on $rel"
		rc=1
	else
		echo "sparse: clean on $rel"
	fi
done < <("$top/selftests/vm/kernels.sh")
exit $rc
