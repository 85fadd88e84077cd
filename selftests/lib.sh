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

# On the debug kernel (KASAN, lockdep, kmemleak) everything takes about
# three times as long, and more when the host is busy: the bounds of
# wait_for stretch by PTUN_WAIT_SCALE (4 there, else 1). A bound only
# limits how long evidence may take to appear; nothing waits longer for it.
case $(uname -r) in
*debug*) PTUN_WAIT_SCALE=${PTUN_WAIT_SCALE:-4} ;;
*) PTUN_WAIT_SCALE=${PTUN_WAIT_SCALE:-1} ;;
esac

# wait_for SECONDS CMD...: poll CMD until it succeeds, at most SECONDS.
wait_for() {
	local deadline=$((SECONDS + $1 * PTUN_WAIT_SCALE))
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
		# PTUN_SCENARIOS="func ...": run only those (while developing)
		if [ -n "${PTUN_SCENARIOS:-}" ] &&
		   [[ " $PTUN_SCENARIOS " != *" ${ktap_funcs[$i]} "* ]]; then
			ktap_n=$((ktap_n + 1))
			ktap_skip=$((ktap_skip + 1))
			echo "ok $ktap_n $name # SKIP not in PTUN_SCENARIOS"
			continue
		fi
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

# ---------------------------------------------------------------------------
# Data plane: a server namespace with client namespaces over veth links.
#
# Client N (namespace cN unless named otherwise) reaches the server ("srv")
# over a veth pair: sN in srv (10.1.N.1/24, fd01:N::1/64) and u0 in the
# client (10.1.N.2/24, fd01:N::2/64). Inside the tunnel the server is
# 10.9.0.1 / fd09::1 and owns 10.9.0.0/24, fd09::/64; client N is 10.9.N.1 /
# fd09:0:0:N::1 and owns 10.9.N.0/24, fd09:0:0:N::/64. The server knows
# client N as peer N; each client knows the server as peer 100.
SRV_PORT=5000
CLI_PORT=6000
NLRAW=$top/selftests/nlraw.py
WIRE=$top/selftests/wire.py
AEAD=$top/selftests/aead.py
BURST=$top/selftests/burst.py
DTMP=${DTMP:-$(mktemp -d /tmp/ptun-data.XXXXXX)}

# Background jobs of a scenario; killed when the scenario's subshell exits.
bg_pids=()
bg_reap() {
	local p
	for p in "${bg_pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null
	return 0
}

# bgns NS CMD...: start CMD in namespace NS in the background; its pid is
# left in BG_PID (ip netns exec execs CMD, so that pid is CMD's).
bgns() {
	local ns=$1
	shift
	echo "# [$ns] (background) $*" >&2
	ip netns exec "$ns" "$@" &
	BG_PID=$!
	bg_pids+=("$BG_PID")
	trap bg_reap EXIT
}

# ns_add NS...: namespaces with loopback up.
ns_add() {
	local ns
	for ns in "$@"; do
		[ -e "/run/netns/$ns" ] && continue
		run ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
}

# ul_link SRV CLI N: the veth pair of client N (see above), up.
ul_link() {
	local s=$1 c=$2 n=$3
	ns_add "$s" "$c"
	run ip -n "$s" link add "s$n" type veth peer name u0 netns "$c"
	nsrun "$s" ip -batch - <<-EOB
	addr add 10.1.$n.1/24 dev s$n
	addr add fd01:$n::1/64 dev s$n nodad
	link set s$n up
	EOB
	nsrun "$c" ip -batch - <<-EOB
	addr add 10.1.$n.2/24 dev u0
	addr add fd01:$n::2/64 dev u0 nodad
	link set u0 up
	EOB
}

# tun_server NS: ptun0 of the server, up, with its addresses and routes.
tun_server() {
	nsrun "$1" "$PTUN" link add ptun0 listen-port $SRV_PORT
	nsrun "$1" ip -batch - <<-EOB
	addr add 10.9.0.1/32 dev ptun0
	addr add fd09::1/128 dev ptun0 nodad
	link set ptun0 up
	route add 10.9.0.0/16 dev ptun0
	route add fd09::/48 dev ptun0
	EOB
}

# tun_client NS N [DEV-NS]: ptun0 of client N, created in NS; configured in
# DEV-NS (default NS) where it must already be.
tun_client_addrs() {
	local ns=$1 n=$2
	nsrun "$ns" ip -batch - <<-EOB
	addr add 10.9.$n.1/32 dev ptun0
	addr add fd09:0:0:$n::1/128 dev ptun0 nodad
	link set ptun0 up
	route add 10.9.0.0/24 dev ptun0
	route add fd09::/64 dev ptun0
	EOB
}

# endpoint_of N SIDE FAMILY: the underlay endpoint of the server (SIDE=s) or
# client N (SIDE=c) as ADDR:PORT.
endpoint_of() {
	local n=$1 side=$2 fam=$3 host port
	if [ "$side" = s ]; then host=1 port=$SRV_PORT; else host=2 port=$CLI_PORT; fi
	if [ "$fam" = 6 ]; then
		echo "[fd01:$n::$host]:$port"
	else
		echo "10.1.$n.$host:$port"
	fi
}

# key_pair SRV CLI N KEY-ID CIPHER [SLOT]: a fresh key for the tunnel of
# client N, installed on both sides (the client is the initiator). SRV_KEY
# and CLI_KEY (arrays) add words to the server's and the client's "key add".
key_pair() {
	local s=$1 c=$2 n=$3 kid=$4 cipher=$5 slot=${6:-primary}
	local f=$DTMP/key-$s-$n-$kid
	"$PTUN" genkey > "$f"
	nsrun "$s" "$PTUN" key add ptun0 "$n" key-id "$kid" key-file "$f" \
		role responder cipher "$cipher" slot "$slot" "${SRV_KEY[@]}"
	nsrun "$c" "$PTUN" key add ptun0 100 key-id "$kid" key-file "$f" \
		role initiator cipher "$cipher" slot "$slot" "${CLI_KEY[@]}"
}

# tun_join SRV CLI N CIPHER FAMILY: underlay, device, peers and key 1 for
# client N over the outer FAMILY (4 or 6). SRV_PEER and CLI_PEER (arrays)
# add words to the server's and the client's "peer add".
tun_join() {
	local s=$1 c=$2 n=$3 cipher=$4 fam=$5
	[ -e "/run/netns/$s" ] && ip netns exec "$s" ip link show ptun0 >/dev/null 2>&1 ||
		{ ns_add "$s"; tun_server "$s"; }
	ul_link "$s" "$c" "$n"
	nsrun "$c" "$PTUN" link add ptun0 listen-port $CLI_PORT
	tun_client_addrs "$c" "$n"
	nsrun "$s" "$PTUN" peer add ptun0 "$n" endpoint "$(endpoint_of "$n" c "$fam")" \
		allowed-ips "10.9.$n.0/24,fd09:0:0:$n::/64" remote-id 100 "${SRV_PEER[@]}"
	nsrun "$c" "$PTUN" peer add ptun0 100 endpoint "$(endpoint_of "$n" s "$fam")" \
		allowed-ips 10.9.0.0/24,fd09::/64 remote-id "$n" "${CLI_PEER[@]}"
	key_pair "$s" "$c" "$n" 1 "$cipher"
}

# pj NS: ptun show --json of NS, not echoed (called often).
pj() {
	ip netns exec "$1" "$PTUN" show --json
}

# peer_val NS ID JQ: JQ applied to peer ID of ptun0 in NS.
peer_val() {
	pj "$1" | jq -r --argjson id "$2" \
		".devices[] | select(.ifname == \"ptun0\") | .peers[] | select(.id == \$id) | $3"
}

# drop_val NS REASON: ptun0's drop counter REASON in NS.
drop_val() {
	pj "$1" | jq -r ".devices[] | select(.ifname == \"ptun0\") | .drops.$2"
}

# drops_line NS: ptun0's non-zero drop counters, for the log.
drops_line() {
	pj "$1" | jq -r '.devices[] | select(.ifname == "ptun0") | .drops |
		to_entries | map(select(.value != 0) | "\(.key)=\(.value)") | join(" ")'
}

# stat_val NS DEV FIELD: rtnl_link_stats64 field FIELD (rx.packets,
# tx.errors) of DEV in NS, from sysfs (jq starts slowly under TCG).
stat_val() {
	ip netns exec "$1" cat "/sys/class/net/$2/statistics/${3/./_}"
}

# ping_ok NS DST [PING-ARGS...]: a few pings that must all come back.
ping_ok() {
	local ns=$1 dst=$2 out
	shift 2
	echo "# [$ns] ping -n -q -c 3 -i 0.2 -w 15 $* $dst" >&2
	out=$(ip netns exec "$ns" ping -n -q -c 3 -i 0.2 -w 15 "$@" "$dst" 2>&1) ||
		{ echo "$out" | sed 's/^/#   /'; fail "ping $dst from $ns failed"; return 1; }
	expect_match "$out" ' 0% packet loss' "ping $dst from $ns"
}

# iperf_ok SRV-NS CLI-NS ADDR: a short iperf3 over the tunnel moves data.
iperf_ok() {
	local s=$1 c=$2 addr=$3 out res
	bgns "$s" iperf3 -s -1 -B "$addr" >/dev/null 2>&1
	wait_for 20 sh -c "ip netns exec $s ss -Htln 'sport = :5201' | grep -q ."
	out=$(nsrun "$c" iperf3 -c "$addr" -t 2 -J) ||
		{ echo "$out" | jq -r '.error // empty' | sed 's/^/#   /'; fail "iperf3 to $addr"; return 1; }
	wait "$BG_PID" || true
	res=$(echo "$out" | jq -r '.end.sum_received | "\(.bytes) \(.bits_per_second / 1e6 | floor)"')
	echo "# iperf3 to $addr: ${res#* } Mbit/s"
	[ "${res%% *}" -gt 0 ] || fail "iperf3 to $addr moved nothing"
}

# capture_start NS IF FILE [FILTER...]: tcpdump writing FILE packet by
# packet, once it is listening; its pid in CAP_PID.
capture_start() {
	local ns=$1 ifc=$2 file=$3
	shift 3
	rm -f "$file" "$file.err"
	bgns "$ns" tcpdump -n -U -i "$ifc" -w "$file" "$@" 2>"$file.err"
	CAP_PID=$BG_PID
	# tcpdump can take long to start on a loaded host
	wait_for 60 grep -q 'listening on' "$file.err"
}

# capture_stop: stop the capture started last and wait for its file.
capture_stop() {
	kill "$CAP_PID" 2>/dev/null || true
	wait "$CAP_PID" 2>/dev/null || true
	return 0
}

# ev_start NS FILE [--cmd NAME]...: record ptun events of NS in FILE (JSON
# lines with the time they arrived) from now on.
ev_start() {
	local ns=$1 file=$2
	shift 2
	rm -f "$file" "$file.ready"
	bgns "$ns" python3 "$NLRAW" listen --count 100000 --timeout 3600 --time \
		--ready "$file.ready" "$@" > "$file"
	# python3 starts slowly on the debug kernel of a loaded host (> 30 s seen)
	wait_for 120 test -e "$file.ready"
}

# ev_count FILE JQ-CONDITION: how many recorded events satisfy it.
ev_count() {
	jq -s "map(select($2)) | length" "$1"
}

# ev_has FILE JQ-CONDITION: for wait_for.
ev_has() {
	[ "$(ev_count "$1" "$2")" -gt 0 ]
}

# peer_is NS ID JQ-CONDITION: for wait_for.
peer_is() {
	[ "$(peer_val "$1" "$2" "$3")" = true ]
}

# peer_eq NS ID JQ WANT: for wait_for.
peer_eq() {
	[ "$(peer_val "$1" "$2" "$3")" = "$4" ]
}

# cap_has FILE N [FILTER...]: a capture holds at least N packets (matching
# FILTER); for wait_for before capture_stop, so none is lost in tcpdump.
cap_has() {
	local file=$1 n=$2
	shift 2
	[ "$(tcpdump -r "$file" -n "$@" 2>/dev/null | wc -l)" -ge "$n" ]
}

# poll SECONDS CMD...: like wait_for, but only returns 1 when time is up,
# so it may stand in a condition (wait_for fails the scenario through
# errexit, which a condition turns off).
poll() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# ---------------------------------------------------------------------------
# Counting packets on other hosts: named nft counters in a table "cnt" of
# the host, at prerouting before anything else (forwarded packets count
# too, and nothing the host does later can hide them).

# cnt_load NS: counters from stdin, one "NAME MATCH..." a line (MATCH in
# nft's rule syntax), loaded in one nft run (nft starts slowly under TCG).
cnt_load() {
	local ns=$1 lines
	lines=$(grep -v '^[[:space:]]*$')
	{
		echo "table inet cnt {"
		echo "$lines" | awk '{ printf "\tcounter %s { }\n", $1 }'
		printf '\tchain pre {\n\t\ttype filter hook prerouting priority -500;\n'
		echo "$lines" | awk '{ n = $1; $1 = ""; printf "\t\t%s counter name %s\n", $0, n }'
		printf '\t}\n}\n'
	} > "$DTMP/cnt-$ns.nft"
	nsrun "$ns" nft -f "$DTMP/cnt-$ns.nft"
}

# cnt_list NS: "NAME PACKETS" for every counter of NS.
cnt_list() {
	ip netns exec "$1" nft list counters table inet cnt |
		awk '$1 == "counter" { n = $2 } $1 == "packets" { print n, $2 }'
}

# cnt_get NS NAME: the packets counted by NAME in NS.
cnt_get() {
	cnt_list "$1" | awk -v n="$2" '$1 == n { print $2 }'
}

# cnt_ge NS NAME MIN: NAME counted at least MIN packets; for wait_for.
cnt_ge() {
	[ "$(cnt_get "$1" "$2")" -ge "$3" ]
}

# ---------------------------------------------------------------------------
# ptun monitor --json in the background, once it listens.

# mon_start NS FILE: events of NS from now on in FILE (JSON lines). A
# monitor prints nothing until it has joined the group and nothing says
# when that is, so a probe device "probe0" changes until the monitor
# prints one of its events; read the events of other devices only.
mon_start() {
	local ns=$1 file=$2 deadline=$((SECONDS + 120)) mtu=1400
	rm -f "$file"
	ip netns exec "$ns" "$PTUN" link add probe0 2>/dev/null || true
	bgns "$ns" "$PTUN" monitor --json > "$file"
	MON_PID=$BG_PID
	until grep -q '"probe0"' "$file" 2>/dev/null; do
		[ "$SECONDS" -lt "$deadline" ] || { fail "the monitor in $ns printed nothing"; return 1; }
		mtu=$((mtu == 1400 ? 1401 : 1400))
		ip netns exec "$ns" "$PTUN" link set probe0 mtu $mtu
		poll 1 grep -q '"probe0"' "$file" || true
	done
}

# mon_events FILE DEV EVENT FIELD: FIELD of every EVENT of DEV recorded in
# FILE, one a line, in order.
mon_events() {
	jq -r --arg d "$2" --arg e "$3" \
		"select(.ifname == \$d and .event == \$e) | .$4" "$1"
}
