#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# mkinitramfs.sh RELEASE OUT: a small busybox initramfs that loads what the
# kernel RELEASE needs to mount the host's root over virtio-9p (modules of
# the host's /lib/modules/RELEASE, decompressed because busybox insmod reads
# only plain .ko), mounts it read-only and switch_roots into it. A kernel with
# everything built in (the debug kernel) gets the same image with no modules.
set -euo pipefail

rel=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,newroot,lib/mods}
cp /bin/busybox "$work/bin/busybox"
cp "$here/initramfs-init" "$work/init"
chmod 755 "$work/init"

: > "$work/lib/mods/order"
if [ -d "/lib/modules/$rel" ]; then
	for m in 9p 9pnet_virtio virtio_pci; do
		modprobe --show-depends -S "$rel" "$m"
	done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' |
	while read -r ko; do
		base=$(basename "$ko")
		base=${base%.xz}
		base=${base%.zst}
		case $ko in
		*.xz) xz -dc "$ko" > "$work/lib/mods/$base" ;;
		*.zst) zstd -qdc "$ko" > "$work/lib/mods/$base" ;;
		*) cp "$ko" "$work/lib/mods/$base" ;;
		esac
		echo "$base" >> "$work/lib/mods/order"
	done
fi

(cd "$work" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out.tmp.$$"
mv "$out.tmp.$$" "$out"
