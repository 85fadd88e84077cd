#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-suite.sh [debian] [debug]: for each kernel (both Debian kernels by
# default, the debug kernel with "debug"), build ptun.ko for it, boot it
# under QEMU, run selftests/run_tests.sh inside and check the kernel log.
# Prints one KTAP document (a subtest per kernel) and the closing line
# "N passed, N failed"; exits 1 if anything failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(debian)

# What in a kernel log means the run failed, whatever the tests said.
bad_log='WARNING:|BUG:|BUG |Oops|KASAN|UBSAN|kernel BUG|general protection fault|Call Trace:|possible recursive locking|circular locking|suspicious RCU|inconsistent lock state|kmemleak: [0-9]+ new suspected|unreferenced object|unregister_netdevice: waiting'

kernels=()
for s in "${sets[@]}"; do
	case $s in
	debian) mapfile -t -O ${#kernels[@]} kernels < <("$here/kernels.sh") || exit 1 ;;
	debug) kernels+=("$("$here/debug-kernel.sh")") || exit 1 ;;
	*) echo "run-suite.sh: unknown kernel set $s" >&2; exit 2 ;;
	esac
done
for k in "${kernels[@]}"; do
	[ -n "$k" ] || { echo "run-suite.sh: a kernel could not be found" >&2; exit 1; }
done

make -s -C "$top/userspace" >&2 || exit 1

pass=0
fail=0
echo "KTAP version 1"
echo "1..${#kernels[@]}"
n=0
for k in "${kernels[@]}"; do
	read -r rel image kdir <<<"$k"
	n=$((n + 1))
	out=$top/build/vm/run-$rel
	echo "# kernel $rel ($image)"
	ok=1
	sub=()
	if ko=$("$here/build-module.sh" "$kdir" "$top/build/$rel" 2>"$top/build/build-$rel.err"); then
		sub+=("ok 1 module builds without warnings")
	else
		sed 's/^/# /' "$top/build/build-$rel.err"
		sub+=("not ok 1 module builds without warnings")
		ok=0
	fi
	timeout=900
	case $rel in *debug*) timeout=2400 ;; esac
	if [ "$ok" = 1 ]; then
		"$here/vm.sh" "$image" "$rel" "$out" "$timeout" "$ko" \
			env PTUN_KO="$ko" PTUN_TESTS="${PTUN_TESTS:-}" \
			"$top/selftests/run_tests.sh"
		rc=$?
		[ -f "$out/output" ] && sed 's/^/  /' "$out/output"
		if [ "$rc" -eq 0 ]; then
			sub+=("ok 2 the suite ran in the guest and passed")
		else
			sub+=("not ok 2 the suite ran in the guest and passed # exit=$rc")
			ok=0
		fi
		if [ -f "$out/dmesg" ] && ! cat "$out/dmesg" "$out/kmemleak" 2>/dev/null |
			grep -E "$bad_log" > "$out/bad-log"; then
			sub+=("ok 3 kernel log clean (no WARNING, BUG, Oops, KASAN, UBSAN, lockdep or kmemleak report)")
		else
			sed 's/^/# dmesg: /' "$out/bad-log" 2>/dev/null | head -n 40
			sub+=("not ok 3 kernel log clean (no WARNING, BUG, Oops, KASAN, UBSAN, lockdep or kmemleak report)")
			ok=0
		fi
	fi
	# Count every scenario the guest reported, and the harness's own checks.
	if [ -f "$out/output" ]; then
		# scenarios are indented once; a file that failed with no failed
		# scenario (it crashed) counts as one failure of its own.
		read -r p f < <(awk '
			/^  ok /     { p++ }
			/^  not ok / { f++; nested++ }
			/^not ok /   { if (!nested) f++ }
			/^(not )?ok / { nested = 0 }
			END { print p + 0, f + 0 }' "$out/output")
		pass=$((pass + p))
		fail=$((fail + f))
	fi
	echo "  KTAP version 1"
	echo "  1..${#sub[@]}"
	for line in "${sub[@]}"; do
		echo "  $line"
		case $line in "ok "*) pass=$((pass + 1)) ;; *) fail=$((fail + 1)) ;; esac
	done
	if [ "$ok" = 1 ]; then
		echo "ok $n kernel $rel"
	else
		echo "not ok $n kernel $rel"
	fi
done
mkdir -p "$top/build/vm"
echo "$pass $fail" > "$top/build/vm/totals"
# Under make check the closing line is check.sh's, over everything.
if [ -n "${PTUN_SUITE_NESTED:-}" ]; then
	echo "# VM suite: $pass passed, $fail failed"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" -eq 0 ]
