#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ptun monitor: every event the kernel sends on the "events" group comes out
# as one line, in text and in JSON, in the order it happened, and the
# monitor ends with status 0 on SIGINT, SIGTERM or after --count events.
source "$(dirname "$0")/lib.sh"

MON=$DTMP/mon

# mon_has FILE... -- PATTERN: every FILE has a line matching PATTERN.
mon_has() {
	local pat=${*: -1} f
	for f in "${@:1:$#-1}"; do
		grep -q -- "$pat" "$f" || return 1
	done
}

# mon_nonempty FILE...: every FILE has a line.
mon_nonempty() {
	local f
	for f in "$@"; do
		[ -s "$f" ] || return 1
	done
}

# mon_wait WHAT PATTERN: both monitors printed a line matching PATTERN.
mon_wait() {
	echo "# waiting for the monitors to print $1"
	wait_for 30 mon_has "$MON.txt" "$MON.json" "$2"
}

# after_marker FILE: the lines after the marker event (mtu 1399).
after_marker() {
	sed -n -e '/mtu[":]* *1399/,$p' "$1" | tail -n +2
}

# A monitor's output is empty until it has joined the group, and nothing
# tells when that is: mon_probe changes the device (dev-change events)
# until every FILE has a line; mon_sync then makes one marker change that
# all of them see, and what is compared starts after it.
mon_probe() {
	local deadline=$((SECONDS + 60))
	until mon_nonempty "$@"; do
		[ "$SECONDS" -lt "$deadline" ] || { fail "no event from the monitor"; return 1; }
		ip netns exec "${MON_NS:-srv}" "$PTUN" link set ptun0 mtu 1400
		poll 1 mon_nonempty "$@" || true
	done
}

mon_sync() {
	local f
	mon_probe "$@"
	nsrun "${MON_NS:-srv}" "$PTUN" link set ptun0 mtu 1399
	for f in "$@"; do
		wait_for 30 grep -q 'mtu[":]* *1399' "$f"
	done
}

# stop_with SIGNAL PID: the monitor ends on SIGNAL with status 0.
stop_with() {
	local rc=0
	kill -"$1" "$2"
	wait "$2" || rc=$?
	expect_eq "$rc" 0 "monitor's exit status after SIG$1"
}

# The events of a tunnel's life, from the server's namespace: peers come
# and go (IPv4 and IPv6 endpoints), the client roams, goes silent past its
# keepalive timeout, the server swaps in a key whose soft limit the
# replies then reach, and the device goes away.
events_of_a_tunnel() {
	local txt_pid json_pid count_pid idx rc=0 got
	ns_add srv
	tun_server srv
	bgns srv "$PTUN" monitor > "$MON.txt"
	txt_pid=$BG_PID
	bgns srv "$PTUN" monitor --json > "$MON.json"
	json_pid=$BG_PID
	bgns srv timeout 120 "$PTUN" monitor --count 2 > "$MON.count"
	count_pid=$BG_PID
	# --count 2: once it printed one event, one more ends it
	mon_probe "$MON.count"
	nsrun srv "$PTUN" link set ptun0 mtu 1400
	wait "$count_pid" || rc=$?
	expect_eq "$rc" 0 "exit status of monitor --count 2"
	expect_eq "$(wc -l < "$MON.count")" 2 "lines of monitor --count 2"
	sed 's/^/# count: /' "$MON.count"
	mon_sync "$MON.txt" "$MON.json"
	idx=$(ip netns exec srv cat /sys/class/net/ptun0/ifindex)

	tun_join srv c1 1 chacha20-poly1305 4
	mon_wait peer-new 'peer-new.*peer[":]* *1\b'
	nsrun srv "$PTUN" peer add ptun0 2 endpoint "[fd01:1::9]:7000" \
		allowed-ips fd09:0:0:2::/64 keepalive 25
	nsrun srv "$PTUN" peer del ptun0 2
	mon_wait peer-del 'peer-del.*peer[":]* *2\b'

	# The first datagram comes from the configured address: the server
	# learns which of its addresses it came to, which is no roam and
	# raises nothing (the expected lines below have no event for it).
	ping_ok c1 10.9.0.1
	nsrun c1 ip addr del 10.1.1.2/24 dev u0
	nsrun c1 ip addr add 10.1.1.3/24 dev u0
	# the first pings may still leave from the old address
	wait_for 30 nsrun c1 ping -n -c 1 -W 1 10.9.0.1
	mon_wait "the roam's endpoint-changed" 'endpoint-changed.*10\.1\.1\.3:6000'

	# the client says nothing more: dead after 2 s
	nsrun srv "$PTUN" peer set ptun0 1 keepalive-timeout 2
	mon_wait peer-dead peer-dead
	nsrun srv "$PTUN" peer set ptun0 1 keepalive-timeout 0

	local SRV_KEY=(soft-limit 3)
	key_pair srv c1 1 2 chacha20-poly1305 secondary
	SRV_KEY=()
	nsrun srv "$PTUN" key swap ptun0 1
	mon_wait key-swap key-swap
	# four replies with the new key: the fourth is past the soft limit
	got=$(nsrun c1 ping -n -q -c 4 -i 0.2 -w 20 10.9.0.1 2>&1 || true)
	expect_match "$got" '4 packets transmitted, 4 received' "pings with the new key"
	mon_wait rekey-needed rekey-needed

	nsrun srv "$PTUN" peer del ptun0 1
	# settings with no peer: connecting; cleared: disconnecting, then
	# disconnected
	nsrun srv "$PTUN" settings set ptun0 include 10.9.0.0/16
	mon_wait "status connecting" 'status[":]* *"*connecting'
	nsrun srv "$PTUN" settings clear ptun0
	mon_wait "status disconnected" 'status[":]* *"*disconnected'
	nsrun srv "$PTUN" link del ptun0
	mon_wait dev-del dev-del

	stop_with INT "$txt_pid"
	stop_with TERM "$json_pid"

	sed 's/^/# text: /' "$MON.txt"
	sed 's/^/# json: /' "$MON.json"
	python3 -c '
import json, sys
for n, line in enumerate(open(sys.argv[1]), 1):
    v = json.loads(line)
    assert isinstance(v, dict), "line %d is not an object" % n
' "$MON.json" || fail "a line of monitor --json is not a JSON object"

	# The expected lines are files of their own (selftests/expected/).
	diff -u "$top/selftests/expected/monitor.txt" <(after_marker "$MON.txt") ||
		fail "text events"
	diff -u "$top/selftests/expected/monitor.json" \
		<(after_marker "$MON.json" |
		  sed "s/\"ifindex\":$idx\([,}]\)/\"ifindex\":IDX\1/") ||
		fail "JSON events"
}

# A monitor only sees the events of its own namespace: one in b, known to
# be listening, prints nothing of a change in a made before b's marker.
namespaces_apart() {
	ns_add a b
	nsrun a "$PTUN" link add ptun0 listen-port 7000
	nsrun b "$PTUN" link add ptun0 listen-port 7001
	bgns b "$PTUN" monitor > "$MON.b"
	MON_NS=b mon_sync "$MON.b"
	nsrun a "$PTUN" link set ptun0 mtu 1300
	nsrun b "$PTUN" link set ptun0 mtu 1398
	wait_for 30 grep -q 'mtu 1398' "$MON.b"
	sed 's/^/# b: /' "$MON.b"
	expect_eq "$(grep -c 'listen-port 7001 ' "$MON.b")" "$(wc -l < "$MON.b")" \
		"lines of b's monitor about b's device"
}

# Wrong command lines are refused with a message and status 1.
bad_command_lines() {
	local w
	for w in "--count" "--count 0" "--count x" "--count 4294967296" \
		 "--json --json" "--count 1 --count 2" "--bogus" "ptun0"; do
		# shellcheck disable=SC2086
		expect_fail "$PTUN" monitor $w
		[ -n "$ERR" ] || fail "no message for monitor $w"
	done
}

ktap_test "every event of a tunnel's life, in text and JSON" events_of_a_tunnel
ktap_test "a monitor sees only its own namespace's events" namespaces_apart
ktap_test "wrong monitor command lines are refused" bad_command_lines
ktap_done
