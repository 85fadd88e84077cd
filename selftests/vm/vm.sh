#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm.sh KERNEL-IMAGE RELEASE OUTDIR TIMEOUT MODULE COMMAND...
#
# Boots KERNEL-IMAGE under QEMU (TCG: KVM guests hang on this host) with the
# host root shared read-only over 9p, loads MODULE (a path on the host) in the
# guest and runs COMMAND there. Nothing is loaded into the host kernel.
# Afterwards OUTDIR holds: output (COMMAND's stdout+stderr), status (its exit
# code), dmesg, kmemleak (if the kernel has it) and console (serial log).
# Exits with COMMAND's status, or 125 if the guest never reported one.
# VM_MONITOR=yes adds a QEMU monitor on the socket OUTDIR/monitor (for
# scripts/flood-repro.sh to look at the vCPUs of a guest that stops).
set -euo pipefail

kernel=$1 rel=$2 outdir=$3 timeout=$4 module=$5
shift 5
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
case $top in
*[[:space:]]*) echo "vm.sh: the checkout's path may not contain spaces: $top" >&2; exit 2 ;;
esac

initrd=$top/build/vm/initramfs-$rel.cpio.gz
mkdir -p "$top/build/vm"
if [ ! -s "$initrd" ] || [ "$here/mkinitramfs.sh" -nt "$initrd" ] ||
   [ "$here/initramfs-init" -nt "$initrd" ]; then
	"$here/mkinitramfs.sh" "$rel" "$initrd"
fi

rm -rf "$outdir"
mkdir -p "$outdir"
{
	printf 'exec %q %q --' "$here/guest-init.sh" "$module"
	printf ' %q' "$@"
	echo
} > "$outdir/job"

# One host thread runs both vCPUs (thread=single) unless PTUN_VM_TCG=multi
# (the bench, which measures parallelism). With a thread per vCPU, a
# static key flipped during a test (tcpdump turning on timestamps flips
# netstamp_needed_key) was once seen executing stale code on the other
# vCPU: "Oops: int3" in __netif_receive_skb_core right after the kernel
# had finished patching the site. QEMU's multi-threaded TCG does not make
# such cross-modified code visible the way hardware does; one thread does.
monitor=()
[ -z "${VM_MONITOR:-}" ] || monitor=(-monitor "unix:$outdir/monitor,server,nowait")
rc=0
timeout --foreground -k 10 "$timeout" \
	qemu-system-x86_64 -accel "tcg,thread=${PTUN_VM_TCG:-single}" -cpu max -smp 2 -m 2048 \
	-nographic -no-reboot -nic none "${monitor[@]}" \
	-kernel "$kernel" -initrd "$initrd" \
	-append "console=ttyS0 panic=-1 quiet loglevel=4 ptun_src=$top" \
	-virtfs local,path=/,mount_tag=root,security_model=none,readonly=on,multidevs=remap \
	-virtfs "local,path=$top,mount_tag=src,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=$outdir,mount_tag=out,security_model=none,multidevs=remap" \
	< /dev/null > "$outdir/console" 2>&1 || rc=$?

if [ ! -s "$outdir/status" ]; then
	echo "vm.sh: the guest ($rel) reported no result (qemu exit $rc);" \
	     "last console lines:" >&2
	tail -n 30 "$outdir/console" >&2
	exit 125
fi
exit "$(cat "$outdir/status")"
