#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh: build (once) a small 6.12 kernel with KASAN, lockdep,
# PROVE_RCU, DEBUG_ATOMIC_SLEEP, kmemleak and UBSAN from linux-source-6.12,
# tinyconfig plus selftests/vm/debug.config, and print
#   RELEASE IMAGE KDIR
# The build is cached outside the checkout, keyed by the config, the source
# tree and the compiler, so it is redone only when one of them changes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ksrc=${KSRC:-/var/cache/ptun/linux-source-6.12}
cache=${PTUN_CACHE:-/var/cache/ptun}

[ -f "$ksrc/Makefile" ] ||
	{ echo "debug-kernel.sh: no kernel source at $ksrc (run make deps)" >&2; exit 1; }
key=$( { cat "$here/debug.config" "$here/debug-kernel.sh";
	 head -n 6 "$ksrc/Makefile"; gcc --version | head -n 1; } |
	 sha256sum | cut -c1-16)
out=$cache/debug-kernel-$key

if [ ! -f "$out/.built" ]; then
	echo "debug-kernel.sh: building the debug kernel in $out (about 10 min)" >&2
	rm -rf "$out"
	mkdir -p "$out"
	log=$out/build.log
	{
		make -C "$ksrc" O="$out" tinyconfig
		"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$out" \
			"$out/.config" "$here/debug.config"
		make -C "$ksrc" O="$out" olddefconfig
	} > "$log" 2>&1 || { tail -n 30 "$log" >&2; exit 1; }
	# Every option asked for must have survived olddefconfig.
	bad=0
	while IFS= read -r line; do
		case $line in CONFIG_*) ;; *) continue ;; esac
		opt=${line%%=*} val=${line#*=}
		if [ "$val" = n ]; then
			grep -q "^$opt=" "$out/.config" && { echo "debug-kernel.sh: $opt is set" >&2; bad=1; }
		else
			grep -qx -- "$line" "$out/.config" || { echo "debug-kernel.sh: $line did not stick" >&2; bad=1; }
		fi
	done < "$here/debug.config"
	[ "$bad" -eq 0 ] || exit 1
	make -C "$ksrc" O="$out" -j"$(nproc)" >> "$log" 2>&1 ||
		{ tail -n 30 "$log" >&2; exit 1; }
	touch "$out/.built"
fi
rel=$(make -s -C "$ksrc" O="$out" kernelrelease)
echo "$rel $out/arch/x86/boot/bzImage $out"
