#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The FIB the tool makes match a device's settings: the device's addresses,
# the routes of the settings' table (included routes into the device,
# throws for excluded routes, remotes and the routes the system keeps) and
# the "not fwmark M lookup T" rules, as ip addr, ip route and ip rule show
# them after set, replace, re-apply, clear and link del; a refused request
# or a FIB that cannot follow changes nothing; 10 000 routes; DNS handed to
# a (fake) resolvconf or resolvectl. Everything runs in namespace r1, whose
# underlay u0 (10.1.1.2/24, fd01:1::2/64) has a default route and a more
# specific one (10.20.0.0/16, fd00:20::/32) through the "router" srv.
source "$(dirname "$0")/lib.sh"

T=28788

p() {
	ip netns exec r1 "$PTUN" "$@"
}

# setup: r1 with its underlay and ptun0 (up).
setup() {
	ul_link srv r1 1
	nsrun r1 ip -batch - <<-EOB
	route add default via 10.1.1.1
	route add 10.20.0.0/16 via 10.1.1.1
	route add ::/0 via fd01:1::1
	route add fd00:20::/32 via fd01:1::1
	EOB
	nsrun r1 "$PTUN" link add ptun0
	nsrun r1 ip link set ptun0 up
}

# routes FAMILY [TABLE]: the routes of TABLE (default T), one a line, the
# words every route of the tool has taken out, sorted.
routes() {
	ip -n r1 "-$1" route show table "${2:-$T}" |
		sed -e 's/ proto static//' -e 's/ scope link//' \
		    -e 's/ metric 1024//' -e 's/ pref medium//' -e 's/ dev lo//' \
		    -e 's/ *$//' | sort
}

# rules: the rules other than the three default ones, both families.
rules() {
	{
		ip -n r1 -4 rule show | sed 's/^/4 /'
		ip -n r1 -6 rule show | sed 's/^/6 /'
	} | grep -Ev '^. (0|32766|32767):' | tr -s ' \t' ' '
}

# addrs: the addresses of ptun0 but link-local ones, sorted.
addrs() {
	ip -n r1 -o addr show dev ptun0 2>/dev/null |
		awk '$4 !~ /^fe80:/ { print $4 }' | sort | tr '\n' ' '
}

# fib: everything, unnormalized, for before/after comparisons; but what
# is link-local, which the kernel brings in its own time (after DAD).
fib() {
	{
		ip -n r1 -4 route show table all
		ip -n r1 -6 route show table all
		ip -n r1 -4 rule show
		ip -n r1 -6 rule show
		ip -n r1 addr show
	} | grep -v -e _lft -e fe80
}

# lines TEXT...: the arguments, one a line, sorted (for expect_eq).
lines() {
	printf '%s\n' "$@" | sort
}

SPLIT=(address 10.7.0.2/24 address fd07::2/64
       include 10.0.0.0/8 include fd00::/8 exclude 10.10.0.0/16
       remote 192.0.2.1 remote 2001:db8::1)

set_replace_reapply_clear() {
	setup
	nsrun r1 "$PTUN" settings set ptun0 "${SPLIT[@]}"
	echo "# table $T:"; ip -n r1 -4 route show table $T | sed 's/^/#   /'
	ip -n r1 -6 route show table $T | sed 's/^/#   /'
	expect_eq "$(addrs)" "10.7.0.2/24 fd07::2/64 " "addresses"
	# Without enforce-routes, what table main has that is more specific
	# than an included route stays main's: 10.1.1.0/24 (u0),
	# 10.20.0.0/16 and fd00:20::/32 (via the router), fd01:1::/64 (u0);
	# not the device's own prefixes.
	expect_eq "$(routes 4)" "$(lines "10.0.0.0/8 dev ptun0" "throw 10.1.1.0/24" \
		"throw 10.10.0.0/16" "throw 10.20.0.0/16" "throw 192.0.2.1")" "IPv4 routes"
	expect_eq "$(routes 6)" "$(lines "fd00::/8 dev ptun0" "throw fd00:20::/32" \
		"throw fd01:1::/64" "throw 2001:db8::1")" "IPv6 routes"
	expect_eq "$(rules)" "$(printf '4 28788: not from all fwmark 0x7074 lookup 28788\n6 28788: not from all fwmark 0x7074 lookup 28788')" "rules"

	# The same again: nothing changes, not even an order.
	local before
	before=$(fib)
	nsrun r1 "$PTUN" settings set ptun0 "${SPLIT[@]}"
	expect_eq "$(fib)" "$before" "FIB after re-applying"

	# Replaced: another table and priority; the old ones are emptied.
	nsrun r1 "$PTUN" settings set ptun0 address 10.8.0.2/24 \
		include 172.16.0.0/12 table 1000 priority 2000
	expect_eq "$(addrs)" "10.8.0.2/24 " "addresses after replace"
	expect_eq "$(routes 4)" "" "IPv4 routes of $T after replace"
	expect_eq "$(routes 6)" "" "IPv6 routes of $T after replace"
	expect_eq "$(routes 4 1000)" "172.16.0.0/12 dev ptun0" "IPv4 routes of 1000"
	expect_eq "$(routes 6 1000)" "" "IPv6 routes of 1000"
	expect_eq "$(rules)" "$(printf '4 2000: not from all fwmark 0x3e8 lookup 1000\n6 2000: not from all fwmark 0x3e8 lookup 1000')" "rules after replace"
	# Same table, other routes: stale ones go.
	nsrun r1 "$PTUN" settings set ptun0 address 10.8.0.2/24 \
		include 172.16.0.0/16 exclude 172.16.1.0/24 table 1000 priority 2000
	expect_eq "$(routes 4 1000)" "$(lines "172.16.0.0/16 dev ptun0" "throw 172.16.1.0/24")" \
		"IPv4 routes of 1000 after the second replace"

	# An address ptun0 got otherwise is not the settings' to remove.
	nsrun r1 ip addr add 10.99.0.1/24 dev ptun0
	nsrun r1 "$PTUN" settings set ptun0 "${SPLIT[@]}"
	expect_eq "$(addrs)" "10.7.0.2/24 10.99.0.1/24 fd07::2/64 " "addresses after set"
	expect_eq "$(routes 4 1000)" "" "table 1000 after going back"

	nsrun r1 "$PTUN" settings clear ptun0
	expect_eq "$(addrs)" "10.99.0.1/24 " "addresses after clear"
	expect_eq "$(routes 4)" "" "IPv4 routes after clear"
	expect_eq "$(routes 6)" "" "IPv6 routes after clear"
	expect_eq "$(rules)" "" "rules after clear"
	expect_eq "$(p show --json ptun0 | jq -c '.devices[0].settings')" null "settings after clear"

	# link del takes them away too.
	nsrun r1 "$PTUN" settings set ptun0 "${SPLIT[@]}"
	[ -n "$(routes 4)" ] || fail "no routes before link del"
	nsrun r1 "$PTUN" link del ptun0
	expect_eq "$(routes 4)" "" "IPv4 routes after link del"
	expect_eq "$(routes 6)" "" "IPv6 routes after link del"
	expect_eq "$(rules)" "" "rules after link del"
}

modes() {
	setup
	# With enforce-routes, table main does not supersede: no throws.
	nsrun r1 "$PTUN" settings set ptun0 include 10.0.0.0/8 include fd00::/8 \
		enforce-routes on
	expect_eq "$(routes 4)" "10.0.0.0/8 dev ptun0" "IPv4 routes with enforce"
	expect_eq "$(routes 6)" "fd00::/8 dev ptun0" "IPv6 routes with enforce"
	# ... but with exclude-local-networks the connected ones stay local.
	nsrun r1 "$PTUN" settings set ptun0 include 10.0.0.0/8 include fd00::/8 \
		enforce-routes on exclude-local-networks on
	expect_eq "$(routes 4)" "$(lines "10.0.0.0/8 dev ptun0" "throw 10.1.1.0/24")" \
		"IPv4 routes with enforce and exclude-local"
	expect_eq "$(routes 6)" "$(lines "fd00::/8 dev ptun0" "throw fd01:1::/64" "throw fe80::/64")" \
		"IPv6 routes with enforce and exclude-local"
	# include-all-networks: default routes; the same prefix included and
	# excluded is thrown; the remote is thrown.
	nsrun r1 "$PTUN" settings set ptun0 include-all-networks on \
		include 10.30.0.0/16 exclude 10.30.0.0/16 remote 10.1.1.1
	expect_eq "$(routes 4)" "$(lines "default dev ptun0" "throw 10.1.1.1" "throw 10.30.0.0/16")" \
		"IPv4 routes with include-all"
	expect_eq "$(routes 6)" "default dev ptun0" "IPv6 routes with include-all"
	# A route of main equal to an included one is not "more specific".
	nsrun r1 "$PTUN" settings set ptun0 include 10.20.0.0/16 include 10.0.0.0/8
	expect_eq "$(routes 4)" "$(lines "10.0.0.0/8 dev ptun0" "10.20.0.0/16 dev ptun0" "throw 10.1.1.0/24")" \
		"IPv4 routes, a main route equal to an included one"
	# A throw that is replaced by a route: one NLM_F_REPLACE, no delete.
	nsrun r1 "$PTUN" settings set ptun0 include 10.0.0.0/8 exclude 10.5.0.0/16 include fd00::/8 exclude fd00:5::/32
	nsrun r1 "$PTUN" settings set ptun0 include 10.0.0.0/8 include 10.5.0.0/16 include fd00::/8 include fd00:5::/32
	expect_eq "$(routes 4 | grep 10.5)" "10.5.0.0/16 dev ptun0" "throw turned route (IPv4)"
	expect_eq "$(routes 6 | grep fd00:5)" "fd00:5::/32 dev ptun0" "throw turned route (IPv6)"
}

remark() {
	setup
	nsrun r1 "$PTUN" settings set ptun0 include 10.0.0.0/8
	nsrun r1 "$PTUN" link set ptun0 fwmark 0x55
	expect_eq "$(rules)" "$(printf '4 28788: not from all fwmark 0x55 lookup 28788\n6 28788: not from all fwmark 0x55 lookup 28788')" "rules with fwmark 0x55"
	nsrun r1 "$PTUN" link set ptun0 fwmark 0
	expect_eq "$(rules)" "$(printf '4 28788: not from all fwmark 0x7074 lookup 28788\n6 28788: not from all fwmark 0x7074 lookup 28788')" "rules without fwmark"
	# No settings: the rules are not the tool's business.
	nsrun r1 "$PTUN" settings clear ptun0
	nsrun r1 "$PTUN" link set ptun0 fwmark 0x56
	expect_eq "$(rules)" "" "rules without settings"
}

# settings_of: ptun0's settings but their generation.
settings_of() {
	p show --json ptun0 | jq -c '.devices[0].settings | del(.generation)'
}

refused_changes_nothing() {
	setup
	nsrun r1 "$PTUN" settings set ptun0 "${SPLIT[@]}"
	local before set_before
	before=$(fib)
	set_before=$(settings_of)
	# Refused by the tool, then by the kernel.
	expect_fail p settings set ptun0 include 172.16.0.0/12 include 10.0.0.0/33
	expect_eq "$(fib)" "$before" "FIB after a bad prefix"
	expect_fail p settings set ptun0 include 172.16.0.0/12 table 254
	expect_match "$ERR" 'reserved tables' "kernel's message"
	expect_eq "$(fib)" "$before" "FIB after a reserved table"
	expect_eq "$(settings_of)" "$set_before" "settings after the refused requests"

	# Accepted by the kernel, but the FIB cannot follow (no IPv6 on
	# ptun0): settings and FIB go back as they were, exit status 1.
	nsrun r1 sysctl -qw net.ipv6.conf.ptun0.disable_ipv6=1
	before=$(fib)
	expect_fail p settings set ptun0 address 10.8.0.2/24 address fd08::2/64 \
		include 172.16.0.0/12 include fd00::/8 table 1000
	expect_match "$ERR" 'cannot add address fd08::2/64' "message"
	expect_eq "$(fib)" "$before" "FIB after a failed apply"
	expect_eq "$(settings_of)" "$set_before" "settings after a failed apply"
	# The same without settings before: they are cleared again.
	nsrun r1 "$PTUN" settings clear ptun0
	before=$(fib)
	expect_fail p settings set ptun0 include 172.16.0.0/12 include fd00::/8
	expect_match "$ERR" 'cannot add route unicast fd00::/8 to table 28788' "message"
	expect_eq "$(fib)" "$before" "FIB after a failed first apply"
	expect_eq "$(settings_of)" null "settings after a failed first apply"
}

ten_thousand_routes() {
	ns_add r1
	nsrun r1 "$PTUN" link add ptun0
	nsrun r1 ip link set ptun0 up
	local args=() want start took
	want=$(awk 'BEGIN { for (i = 0; i < 10000; i++)
		printf "10.%d.%d.0/24 dev ptun0\n", int(i / 256), i % 256 }' | sort)
	mapfile -t args < <(echo "$want" | awk '{ print "include"; print $1 }')
	expect_eq "${#args[@]}" 20000 "words built"
	echo "# [r1] $PTUN settings set ptun0 (10000 routes)"
	start=$(date +%s%N)
	p settings set ptun0 "${args[@]}"
	took=$((($(date +%s%N) - start) / 1000000))
	echo "# settings set with 10000 routes took $took ms (under TCG)"
	expect_eq "$(routes 4)" "$want" "the 10000 routes"
	# Again: nothing to do, the same table.
	start=$(date +%s%N)
	p settings set ptun0 "${args[@]}"
	took=$((($(date +%s%N) - start) / 1000000))
	echo "# the same settings again took $took ms (under TCG)"
	expect_eq "$(routes 4)" "$want" "the 10000 routes after re-applying"
	# Half of them: the other half goes.
	p settings set ptun0 "${args[@]:0:10000}"
	expect_eq "$(routes 4)" "$(echo "$want" | awk '{ print $1 }' | head -n 5000 | sort |
		sed 's/$/ dev ptun0/')" "5000 routes after replace"
	nsrun r1 "$PTUN" settings clear ptun0
	expect_eq "$(routes 4 | wc -l)" 0 "routes after clear"
}

# A fake resolver command in $DTMP/bin that records its arguments and stdin.
fake() {
	mkdir -p "$DTMP/bin"
	cat > "$DTMP/bin/$1" <<-EOF
	#!/bin/sh
	echo "\$*" >> $DTMP/$1.args
	/bin/cat >> $DTMP/$1.stdin
	EOF
	chmod +x "$DTMP/bin/$1"
	rm -f "$DTMP/$1.args" "$DTMP/$1.stdin"
}

# pd ARGS...: the tool with only $DTMP/bin on its PATH; stderr in $DTMP/err.
pd() {
	echo "# [r1] PATH=$DTMP/bin ptun $*" >&2
	ip netns exec r1 env PATH="$DTMP/bin" "$PTUN" "$@" 2>"$DTMP/err"
	local rc=$?
	sed 's/^/#   stderr: /' "$DTMP/err"
	return $rc
}

dns() {
	setup
	rm -rf "$DTMP/bin"
	fake resolvconf
	pd settings set ptun0 include 10.0.0.0/8 dns 10.7.0.53 dns fd07::53 \
		search-domain corp.example.com search-domain example.org \
		match-domain internal.example
	expect_eq "$(cat "$DTMP/resolvconf.args")" "-a ptun0" "resolvconf arguments"
	expect_eq "$(cat "$DTMP/resolvconf.stdin")" "$(printf 'nameserver 10.7.0.53\nnameserver fd07::53\nsearch corp.example.com example.org')" \
		"resolvconf input"
	expect_eq "$(cat "$DTMP/err")" "" "stderr"
	# Settings without DNS take it back; clear too.
	pd settings set ptun0 include 10.0.0.0/8
	expect_eq "$(sed -n 2p "$DTMP/resolvconf.args")" "-d ptun0" "resolvconf after DNS went"
	pd settings set ptun0 include 10.0.0.0/8 dns 10.7.0.53
	pd settings clear ptun0
	expect_eq "$(tail -n 1 "$DTMP/resolvconf.args")" "-d ptun0" "resolvconf after clear"
	expect_eq "$(wc -l < "$DTMP/resolvconf.args")" 4 "resolvconf runs"

	# systemd-resolved (its socket stands for it running) comes first.
	fake resolvectl
	mkdir -p /run/systemd/resolve
	: > /run/systemd/resolve/io.systemd.Resolve
	pd settings set ptun0 dns 10.7.0.53 dns fd07::53 search-domain corp.example.com \
		match-domain internal.example match-domain . ||
		{ rm -rf /run/systemd/resolve; fail "settings set with resolvectl"; }
	pd settings clear ptun0
	rm -rf /run/systemd/resolve
	expect_eq "$(cat "$DTMP/resolvectl.args")" "$(printf 'dns ptun0 10.7.0.53 fd07::53\ndomain ptun0 corp.example.com ~internal.example ~.\nrevert ptun0')" \
		"resolvectl arguments"
	expect_eq "$(wc -l < "$DTMP/resolvconf.args")" 4 "resolvconf not run with resolved"

	# Neither: a warning, and the settings stand.
	rm -rf "$DTMP/bin"
	mkdir -p "$DTMP/bin"
	pd settings set ptun0 include 10.0.0.0/8 dns 10.7.0.53 || fail "settings set without a resolver"
	expect_match "$(cat "$DTMP/err")" '^ptun: warning: ptun0: DNS not applied: neither systemd-resolved nor resolvconf was found$' \
		"warning"
	expect_eq "$(routes 4 | grep ptun0)" "10.0.0.0/8 dev ptun0" "routes without a resolver"
	# Nothing to warn about without DNS.
	pd settings set ptun0 include 10.0.0.0/8
	pd settings set ptun0 include 10.0.0.0/8
	expect_eq "$(cat "$DTMP/err")" "" "stderr without DNS"
}

# The FIB writers take turns: while another holds /run/ptun.lock, "settings
# set" waits for it (the kernel lists it as a blocked waiter) before it even
# reads the device, and goes on once the lock is let go.
fib_lock_turns() {
	setup
	local fifo=$DTMP/lock.fifo holder setter rc=0
	mkfifo "$fifo"
	bgns r1 flock /run/ptun.lock cat "$fifo"
	holder=$BG_PID
	wait_for 20 lock_state FLOCK
	bgns r1 "$PTUN" settings set ptun0 include 10.0.0.0/8
	setter=$BG_PID
	wait_for 20 lock_state "-> FLOCK"
	expect_eq "$(routes 4)" "" "table T while the lock is held"
	expect_eq "$(p show --json | jq -r '.devices[0].status')" disconnected \
		"status while the lock is held"
	kill -0 "$setter" || fail "settings set ended while the lock was held"
	echo > "$fifo"
	wait "$holder" || true
	wait "$setter" || rc=$?
	expect_eq "$rc" 0 "settings set's exit status"
	expect_eq "$(routes 4)" "$(lines "10.0.0.0/8 dev ptun0" "throw 10.1.1.0/24" \
		"throw 10.20.0.0/16")" "table T once the lock is let go"
}

# lock_state WORDS: a line of /proc/locks about /run/ptun.lock holds WORDS
# ("FLOCK"; "-> FLOCK" for a waiter).
lock_state() {
	local ino
	ino=$(stat -c %i /run/ptun.lock) || return 1
	grep -F -- "$1" /proc/locks | grep -Eq ":$ino "
}

ktap_test "set, replace, re-apply, clear and link del: addresses, routes, rules" set_replace_reapply_clear
ktap_test "enforce, exclude-local and include-all: which throws and defaults" modes
ktap_test "link set fwmark moves the rules to the new mark" remark
ktap_test "a refused request or a failed apply leaves FIB and settings as they were" refused_changes_nothing
ktap_test "10 000 routes applied, re-applied and replaced" ten_thousand_routes
ktap_test "DNS goes to resolvconf or resolvectl, else a warning" dns
ktap_test "FIB writers take turns on /run/ptun.lock" fib_lock_turns
ktap_done
