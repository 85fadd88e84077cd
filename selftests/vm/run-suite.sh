#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-suite.sh [debian] [debug]: for each kernel (both Debian kernels by
# default, the debug kernel with "debug"), build ptun.ko for it, boot it
# under QEMU, run selftests/run_tests.sh inside and check the kernel log.
# PTUN_TESTS names the files to run (see run_tests.sh), PTUN_DEBUG_TESTS
# those for the debug kernel (default: the same); PTUN_NEWEST_ONLY names
# files that only the newest Debian kernel runs, PTUN_OLDER_ONLY files that
# only the others run (tests of the tool more than of the module, shared
# out when time is short). The kernels' VMs run
# concurrently. A list split by "|" ("a.sh b.sh | c.sh") runs as that many
# VMs of the same kernel side by side, one per part (shards), so that a
# slow kernel keeps both host CPUs busy once the others are done. Prints one KTAP document (a subtest
# per kernel, in order) and the closing line "N passed, N failed"; exits 1
# if anything failed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(debian)

# What in a kernel log means the run failed, whatever the tests said.
bad_log='WARNING:|BUG:|BUG |Oops|KASAN|UBSAN|kernel BUG|general protection fault|Call Trace:|possible recursive locking|circular locking|suspicious RCU|inconsistent lock state|kmemleak: [0-9]+ new suspected|unreferenced object|unregister_netdevice: waiting|alg: .*(test|tests) .*failed'

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
# kernels.sh lists the Debian kernels oldest first
newest=
for k in "${kernels[@]}"; do
	case $k in *debug*) ;; *) newest=${k%% *} ;; esac
done

make -s -C "$top/userspace" >&2 || exit 1

# One job per VM: "REL IMAGE KDIR SHARD" with SHARD 0 for a kernel run
# whole, else the part's number in its list.
jobs=()
for k in "${kernels[@]}"; do
	read -r rel image kdir <<<"$k"
	list=${PTUN_TESTS:-}
	case $rel in *debug*) list=${PTUN_DEBUG_TESTS:-$list} ;; esac
	case $list in
	*"|"*)
		IFS='|' read -r -a parts <<<"$list"
		for i in "${!parts[@]}"; do
			jobs+=("$rel $image $kdir $((i + 1))")
		done ;;
	*) jobs+=("$rel $image $kdir 0") ;;
	esac
done

# job_name REL SHARD: the name of a job's output directory.
job_name() {
	if [ "$2" -gt 1 ]; then echo "$1-s$2"; else echo "$1"; fi
}

# run_kernel N REL IMAGE KDIR SHARD: build, boot and judge one kernel (or
# one part of its list); writes its KTAP subtest to $out.d/report and
# "PASS FAIL" to $out.d/counts.
run_kernel() {
	local n=$1 rel=$2 image=$3 kdir=$4 shard=$5 name
	local out ok=1 sub=() rc ko timeout tests skip p=0 f=0 line parts
	name=$(job_name "$rel" "$shard")
	out=$top/build/vm/run-$name
	mkdir -p "$out.d"
	{
	echo "# kernel $rel ($image)"
	if ko=$("$here/build-module.sh" "$kdir" "$top/build/$name" 2>"$top/build/build-$name.err"); then
		sub+=("ok 1 module builds without warnings")
	else
		sed 's/^/# /' "$top/build/build-$name.err"
		sub+=("not ok 1 module builds without warnings")
		ok=0
	fi
	# The whole suite, data-plane files included, takes 10-20 minutes
	# on a Debian kernel and about three times that on the debug one.
	timeout=4800 tests=${PTUN_TESTS:-} skip=
	case $rel in *debug*) timeout=5000 tests=${PTUN_DEBUG_TESTS:-$tests} ;; esac
	case $rel in
	*debug*) ;;
	"$newest") skip=${PTUN_OLDER_ONLY:-} ;;
	*) skip=${PTUN_NEWEST_ONLY:-} ;;
	esac
	[ -z "$skip" ] || echo "# left to the other Debian kernel: $skip"
	if [ "$shard" -gt 0 ]; then
		IFS='|' read -r -a parts <<<"$tests"
		tests=${parts[$((shard - 1))]}
		echo "# part $shard of the list: $tests"
	fi
	if [ "$ok" = 1 ]; then
		"$here/vm.sh" "$image" "$rel" "$out" "$timeout" "$ko" \
			env PTUN_KO="$ko" PTUN_TESTS="$tests" PTUN_SKIP="$skip" \
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
			sub+=("ok 3 kernel log clean (no WARNING, BUG, Oops, KASAN, UBSAN, lockdep, kmemleak or crypto self-test failure)")
		else
			sed 's/^/# dmesg: /' "$out/bad-log" 2>/dev/null | head -n 40
			sub+=("not ok 3 kernel log clean (no WARNING, BUG, Oops, KASAN, UBSAN, lockdep, kmemleak or crypto self-test failure)")
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
	fi
	echo "  KTAP version 1"
	echo "  1..${#sub[@]}"
	for line in "${sub[@]}"; do
		echo "  $line"
		case $line in "ok "*) p=$((p + 1)) ;; *) f=$((f + 1)) ;; esac
	done
	[ "$shard" -gt 0 ] && name="$rel part $shard"
	if [ "$ok" = 1 ]; then
		echo "ok $n kernel $name"
	else
		echo "not ok $n kernel $name"
	fi
	} > "$out.d/report" 2>&1
	echo "$p $f" > "$out.d/counts"
}

# The kernels run at the same time, each in its own VM: a guest keeps
# about one host CPU busy, the rest of its time it waits (timers, tcpdump,
# polling), so running them side by side nearly halves the wall time.
pass=0
fail=0
echo "KTAP version 1"
echo "1..${#jobs[@]}"
n=0
pids=()
for j in "${jobs[@]}"; do
	read -r rel image kdir shard <<<"$j"
	n=$((n + 1))
	rm -rf "$top/build/vm/run-$(job_name "$rel" "$shard").d"
	run_kernel "$n" "$rel" "$image" "$kdir" "$shard" &
	pids+=($!)
done
wait "${pids[@]}"
for j in "${jobs[@]}"; do
	read -r rel image kdir shard <<<"$j"
	d=$top/build/vm/run-$(job_name "$rel" "$shard").d
	if [ -f "$d/counts" ]; then
		cat "$d/report"
		read -r p f < "$d/counts"
	else
		echo "not ok kernel $rel # the runner left no result"
		p=0 f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
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
