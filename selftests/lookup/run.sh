#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the lookup tests built in DIR (default build) and prints one KTAP
# line per scenario, then "N passed, N failed"; exits 1 on any failure.
# SEED picks the random sequence (default 1); a failure names its seed.
set -u
dir=${1:-build}
seed=${SEED:-1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:exitcode=66}

# binary|test|seed offset|what it proves
scenarios=(
	"lookup_test_asan|random|0|random inserts, owner moves and peer removals agree with a brute-force scan (ASan/UBSan)"
	"lookup_test|random|1000|the same at -O2 with another seed"
	"lookup_test_asan|edges|0|/0, host routes, both 64-bit halves, host bits masked, misuse warns"
	"lookup_test_asan|pool|0|a pool fill failing at any allocation leaves nothing allocated"
	"lookup_test_asan|readers|0|readers during churn always find host routes; frees wait for them (ASan)"
	"lookup_test_tsan|readers-short|0|readers during churn: no data race (TSan)"
	"lookup_test|scale|0|10000 peers with /32 and /128 plus overlaps: insert, 1M lookups, remove"
)

echo "KTAP version 1"
echo "1..${#scenarios[@]}"
n=0
pass=0
fail=0
for s in "${scenarios[@]}"; do
	IFS='|' read -r bin test offset what <<< "$s"
	n=$((n + 1))
	"$dir/$bin" "$test" $((seed + offset)) 2>&1 | sed 's/^\([^#]\)/# \1/'
	rc=${PIPESTATUS[0]}
	if [ "$rc" -eq 0 ]; then
		echo "ok $n lookup: $what"
		pass=$((pass + 1))
	else
		echo "not ok $n lookup: $what # exit=$rc: $dir/$bin $test $((seed + offset))"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
