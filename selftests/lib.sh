#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers for ptun's selftests: KTAP output, network namespaces as
# hosts, commands echoed with the namespace they run in, assertions, and
# polling instead of sleeping. Source it, define scenarios as functions,
# then: ktap_run "what it proves" function ... ; ktap_done.

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PTUN=${PTUN:-$top/userspace/ptun}
KSFT_SKIP=4

ktap_n=0
ktap_pass=0
ktap_fail=0
ktap_skip=0
ktap_names=()
ktap_funcs=()

# ktap_test DESCRIPTION FUNCTION: register a scenario.
ktap_test() {
	ktap_names+=("$1")
	ktap_funcs+=("$2")
}

# Print every command with where it runs, then run it.
run() {
	echo "# [${NS:-root}] $*" >&2
	"$@"
}

# nsrun NS CMD...: run CMD in network namespace NS.
nsrun() {
	local ns=$1
	shift
	echo "# [$ns] $*" >&2
	ip netns exec "$ns" "$@"
}

# Fail the scenario with a message.
fail() {
	echo "# FAIL: $*" >&2
	return 1
}

# expect_fail CMD...: CMD must exit non-zero; its stderr is kept in $ERR.
expect_fail() {
	local errf rc=0
	errf=$(mktemp)
	echo "# [${NS:-root}] (must fail) $*" >&2
	"$@" 2>"$errf" >/dev/null || rc=$?
	ERR=$(cat "$errf")
	rm -f "$errf"
	[ -n "$ERR" ] && echo "$ERR" | sed 's/^/#   stderr: /'
	[ "$rc" -ne 0 ] || fail "'$*' succeeded but must fail"
}

# expect_eq GOT WANT WHAT
expect_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# expect_match TEXT REGEX WHAT
expect_match() {
	echo "$1" | grep -Eq -- "$2" || fail "$3: '$1' does not match /$2/"
}

# wait_for SECONDS CMD...: poll CMD until it succeeds, at most SECONDS.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || fail "timed out waiting for: $*"
		sleep 0.1
	done
}

# Names of the ptun devices in the current namespace, sorted.
ptun_links() {
	ip -o link show type ptun | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
		sort | tr '\n' ' '
}

# Undo whatever a scenario left: namespaces and ptun devices.
cleanup_all() {
	local ns dev
	for ns in $(ip netns list | awk '{ print $1 }'); do
		ip netns del "$ns"
	done
	for dev in $(ptun_links); do
		echo "link del $dev"
	done > /tmp/cleanup.batch
	[ -s /tmp/cleanup.batch ] && ip -batch /tmp/cleanup.batch
	return 0
}

ktap_done() {
	local i name rc log
	echo "KTAP version 1"
	echo "1..${#ktap_funcs[@]}"
	for i in "${!ktap_funcs[@]}"; do
		name=${ktap_names[$i]}
		log=$(mktemp)
		start=$SECONDS
		(set -e; "${ktap_funcs[$i]}") >"$log" 2>&1
		rc=$?
		echo "took $((SECONDS - start)) s" >>"$log"
		cleanup_all >>"$log" 2>&1
		sed -e 's/^/# /' -e 's/^# # /# /' "$log"
		rm -f "$log"
		ktap_n=$((ktap_n + 1))
		if [ "$rc" -eq 0 ]; then
			ktap_pass=$((ktap_pass + 1))
			echo "ok $ktap_n $name"
		elif [ "$rc" -eq "$KSFT_SKIP" ]; then
			ktap_skip=$((ktap_skip + 1))
			echo "ok $ktap_n $name # SKIP"
		else
			ktap_fail=$((ktap_fail + 1))
			echo "not ok $ktap_n $name"
		fi
	done
	echo "# Totals: pass:$ktap_pass fail:$ktap_fail skip:$ktap_skip"
	[ "$ktap_fail" -eq 0 ]
}
