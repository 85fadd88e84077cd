#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 in the guest, after switch_root into the host's (read-only) root:
# guest-init.sh MODULE -- COMMAND...
# Loads MODULE, runs COMMAND with its output in /run/out/output, then records
# its exit status, the kernel log and any kmemleak report in /run/out and
# powers the VM off. The host reads only those files.
out=/run/out
module=$1
shift 2

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C.UTF-8

# devtmpfs has no /dev/fd (udev makes it on a real system): bash's process
# substitution needs it.
ln -sfn /proc/self/fd /dev/fd
ln -sfn /proc/self/fd/0 /dev/stdin
ln -sfn /proc/self/fd/1 /dev/stdout
ln -sfn /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /run/netns /var/lib/ptun
hostname ptun-vm
ip link set lo up

{
	echo "# kernel $(uname -r)"
	# insmod does not load what the module needs (the UDP tunnel helpers).
	deps=$(modinfo -F depends "$module" | tr , ' ')
	[ -z "$deps" ] || modprobe -a $deps
	if insmod "$module"; then
		"$@"
	else
		echo "Bail out! insmod $module failed"
		false
	fi
} > "$out/output" 2>&1
echo $? > "$out/status"

# kmemleak reports what it found on a scan; two scans age new objects.
if [ -w /sys/kernel/debug/kmemleak ]; then
	echo scan > /sys/kernel/debug/kmemleak
	echo scan > /sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak > "$out/kmemleak"
fi
dmesg > "$out/dmesg"
sync
echo o > /proc/sysrq-trigger
sleep 30
