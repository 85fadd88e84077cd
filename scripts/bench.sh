#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: a benchmark, not a test. Builds ptun.ko for a Debian kernel
# (the newest installed, 6.12, unless BENCH_KERNEL=6.1), boots it once under
# QEMU (TCG; nothing is loaded into the host kernel) and runs
# scripts/bench-guest.sh inside: raw veth, ipip, wireguard.ko, xfrm ESP
# (rfc7539esp and rfc4106(gcm(aes))) and ptun with each cipher, on the same
# two-namespace topology, in interleaved rounds; it prints a table of
# medians with ratios, the targets as PASS/MISS, heap allocations per packet
# and the crypto drivers that ran. Documentation/performance.md says how to
# read it and holds one run's figures.
#
# Exits 0 whatever the figures are (a MISS is a finding, not a failure);
# non-zero only if the benchmark could not run at all.
#
# Environment (passed on to the guest): BENCH_ROUNDS (default 5),
# BENCH_SECONDS (per iperf3 run, default 3), BENCH_PINGS (flood pings for the
# allocation count, default 10000), BENCH_VARIANTS (a space-separated subset
# of: veth ipip wireguard esp-chacha esp-gcm ptun-chacha ptun-gcm);
# BENCH_KERNEL (6.1 or 6.12) picks the kernel.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

make -s -C userspace || exit 1
for tool in iperf3 jq wg; do
	command -v "$tool" >/dev/null ||
		echo "bench: $tool is missing (make deps installs it);" \
		     "the variants that need it are skipped" >&2
done

case ${BENCH_KERNEL:-} in
'') line=$(selftests/vm/kernels.sh | tail -n 1) ;;
*) line=$(selftests/vm/kernels.sh | awk -v k="$BENCH_KERNEL" 'index($1, k) == 1' | tail -n 1) ;;
esac
read -r rel image kdir <<<"$line"
[ -n "${rel:-}" ] || { echo "bench: no kernel ${BENCH_KERNEL:-} (make deps)" >&2; exit 1; }

echo "bench: building ptun.ko for $rel"
ko=$(selftests/vm/build-module.sh "$kdir" "$top/build/bench/$rel") || exit 1

# The figures are only as good as the host is quiet: say so when other
# guests share its cores.
others=$(pgrep -c '^qemu-system' 2>/dev/null || true)
if [ "${others:-0}" -gt 0 ]; then
	echo "bench: warning: $others other QEMU guest(s) running on this host;" \
	     "they take CPU from this one and the figures will be noisier" >&2
fi

# Which ptun ran: the commit, "+" if module/ differs from it (read-only
# plumbing: nothing in the repository is written).
commit=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$top" diff-index --quiet HEAD -- module include 2>/dev/null || commit="$commit+"
envs=("BENCH_COMMIT=$commit" "BENCH_OTHERS=${others:-0}")
for v in BENCH_ROUNDS BENCH_SECONDS BENCH_PINGS BENCH_VARIANTS; do
	[ -n "${!v:-}" ] && envs+=("$v=${!v}")
done
rounds=${BENCH_ROUNDS:-5}
[ -n "${BENCH_ROUNDS:-}" ] || envs+=("BENCH_ROUNDS=$rounds")
timeout=$((900 + rounds * 400))

out=$top/build/vm/bench-$rel
echo "bench: booting $rel under QEMU (TCG), $rounds rounds; the guest's report follows"
rc=0
# A thread per vCPU: the bench measures how ptun uses both (see vm.sh).
PTUN_VM_TCG=multi selftests/vm/vm.sh "$image" "$rel" "$out" "$timeout" "$ko" \
	env "${envs[@]}" "$top/scripts/bench-guest.sh" || rc=$?
[ -f "$out/output" ] && cat "$out/output"

if [ -f "$out/dmesg" ] &&
   grep -E 'WARNING:|BUG:|Oops|general protection fault|Call Trace:' "$out/dmesg" > "$out/bad-log"; then
	echo "bench: warning: the guest's kernel log has a warning or an oops ($out/dmesg):" >&2
	head -n 20 "$out/bad-log" >&2
fi
echo "bench: report in $out/output, raw figures in $out/results.tsv"
exit "$rc"
