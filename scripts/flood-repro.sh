#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# flood-repro.sh [LOOPS]: a debugging aid, not a test. Boots one kernel
# (REPRO_KERNEL: 6.12 by default, 6.1, or "debug" for the KASAN/lockdep
# kernel) under QEMU with a monitor socket and runs
# scripts/flood-repro-guest.sh: the 64-byte UDP flood of make bench through
# ptun and wireguard.ko, LOOPS times (REPRO_TCP=1 adds the TCP and ping
# steps; REPRO_SECONDS sets each flood's length, 1 s by default). It
# watches the serial console: when nothing is written for
# REPRO_STALL seconds (45) it samples, into OUTDIR/stall, QEMU's threads
# (host CPU use), each vCPU's RIP, flags and halt state and the words on its
# stack, named through the guest's kallsyms, and a backtrace of QEMU's
# threads; it says when the console resumes, and gives up after REPRO_KILL
# seconds (600) of silence. So a guest that is frozen (RIP stuck, IF=0) can
# be told from one that waits for QEMU (vCPUs halted or in an MMIO exit,
# QEMU's main thread busy). OUTDIR is build/vm/flood-RELEASE.
#
# Exits 0 if every loop ran (stalls that resumed are reported), 1 otherwise.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
loops=${1:-20}

make -s -C userspace || exit 1
case ${REPRO_KERNEL:-6.12} in
debug) line=$(selftests/vm/debug-kernel.sh | tail -n 1) ;;
*) line=$(selftests/vm/kernels.sh | awk -v k="${REPRO_KERNEL:-6.12}" 'index($1, k) == 1' | tail -n 1) ;;
esac
read -r rel image kdir <<<"$line"
[ -n "${rel:-}" ] || { echo "flood-repro: no kernel ${REPRO_KERNEL:-6.12}" >&2; exit 1; }
ko=$(selftests/vm/build-module.sh "$kdir" "$top/build/flood/$rel") || exit 1
out=$top/build/vm/flood-$rel
stall_after=${REPRO_STALL:-45}
give_up=${REPRO_KILL:-600}

PTUN_VM_TCG=multi VM_MONITOR=yes selftests/vm/vm.sh "$image" "$rel" "$out" $((1200 + loops * 300)) "$ko" \
	env LOOPS="$loops" REPRO_TCP="${REPRO_TCP:-0}" REPRO_SECONDS="${REPRO_SECONDS:-1}" \
	"$top/scripts/flood-repro-guest.sh" > /dev/null 2>&1 &
vm=$!

# monitor CMD...: the QEMU monitor's answers to CMDs.
monitor() {
	python3 - "$out/monitor" "$@" <<-'EOPY'
	import socket, sys, time
	s = socket.socket(socket.AF_UNIX)
	s.connect(sys.argv[1])
	s.settimeout(1)
	def answer():
	    # Up to the next prompt: a vCPU's registers wait for it to stop.
	    data, end = b'', time.time() + 20
	    while not data.rstrip().endswith(b'(qemu)') and time.time() < end:
	        try:
	            d = s.recv(65536)
	        except socket.timeout:
	            continue
	        if not d:
	            break
	        data += d
	    return data.decode(errors='replace')
	answer()
	for cmd in sys.argv[2:]:
	    s.sendall(cmd.encode() + b'\n')
	    print(answer())
	EOPY
}

# symbols ADDR...: kernel addresses named through the guest's kallsyms.
symbols() {
	python3 - "$out/kallsyms" "$@" <<-'EOPY'
	import bisect, sys
	syms = []
	for line in open(sys.argv[1]):
	    f = line.split()
	    if len(f) >= 3 and f[1] in 'tTwW':
	        syms.append((int(f[0], 16), f[2] + (' ' + f[3] if len(f) > 3 else '')))
	syms.sort()
	keys = [a for a, _ in syms]
	for a in sys.argv[2:]:
	    v = int(a, 16)
	    i = bisect.bisect_right(keys, v) - 1
	    if i >= 0 and v - keys[i] < 0x10000:
	        print('%s %s+0x%x' % (a, syms[i][1], v - keys[i]))
	EOPY
}

qemu_pid() {	# the QEMU process with this run's monitor socket
	local p
	for p in $(pgrep qemu-system); do
		grep -qaF "$out/monitor" "/proc/$p/cmdline" 2>/dev/null && echo "$p"
	done | tail -n 1
}

sample() {	# sample SECONDS-SILENT
	local qemu c regs rip words
	qemu=$(qemu_pid)
	echo "=== $(date -u +%T): $1 s without console output"
	[ -n "$qemu" ] && top -b -n 1 -H -p "$qemu" | tail -n +7
	for c in 0 1; do
		regs=$(monitor "cpu $c" "info registers" | tr -d '\r' | grep -a -E '^(RIP|RSP)')
		echo "vCPU $c: $(grep -a '^RIP' <<<"$regs")"
		[ -s "$out/kallsyms" ] || continue
		rip=$(grep -a -o '^RIP=[0-9a-f]*' <<<"$regs" | cut -d= -f2)
		[ -n "$rip" ] && symbols "$rip" | sed 's/^/  at /'
		# (the monitor names the 64-bit stack pointer $esp)
		words=$(monitor "cpu $c" 'x/48gx $esp' | tr -d '\r' | grep -a -o ' 0x[0-9a-f]\{16\}' |
			sed 's/ 0x//' | grep '^ffffffff')
		[ -n "$words" ] && symbols $words | sed 's/^/  stack /'
	done
}

last=-1 quiet_since=$SECONDS sampled=0 rc=0
while kill -0 "$vm" 2>/dev/null; do
	sleep 5
	size=$(stat -c %s "$out/console" 2>/dev/null || echo 0)
	if [ "$size" != "$last" ]; then
		[ "$sampled" = 0 ] || echo "=== $(date -u +%T): resumed after $((SECONDS - quiet_since)) s" >> "$out/stall"
		last=$size quiet_since=$SECONDS sampled=0
		continue
	fi
	silent=$((SECONDS - quiet_since))
	[ "$silent" -ge "$stall_after" ] || continue
	sample "$silent" >> "$out/stall" 2>&1
	if [ "$sampled" = 0 ]; then
		qemu=$(qemu_pid)
		[ -n "$qemu" ] && timeout 60 gdb -p "$qemu" -batch -ex 'thread apply all bt 8' >> "$out/stall" 2>&1
		sampled=1
	fi
	if [ "$silent" -ge "$give_up" ]; then
		echo "=== $(date -u +%T): no console output for $silent s: stopping the VM" >> "$out/stall"
		qemu=$(qemu_pid)
		[ -z "$qemu" ] || kill "$qemu"
		rc=1
		break
	fi
done
wait "$vm" || rc=1
grep -h 'udp64' "$out/output" 2>/dev/null | tail -n 4
grep -q 'rounds done' "$out/console" 2>/dev/null || rc=1
[ -f "$out/stall" ] && grep -a -E '^===' "$out/stall" | sed 's/^=== /flood-repro: /' >&2
grep -a -m 3 -E 'Kernel panic|BUG:|Oops|WARNING:' "$out/console" 2>/dev/null |
	sed 's/^/flood-repro: guest console: /' >&2
echo "flood-repro: $rel, $loops loops: $([ "$rc" = 0 ] && echo completed || echo 'did not complete')" \
     "(details in $out)" >&2
exit "$rc"
