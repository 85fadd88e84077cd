#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The benchmark, inside the VM (ptun.ko loaded; see scripts/bench.sh). Not a
# test: it measures and reports, and exits 0 whatever the figures are.
#
# Topology, the same for every variant: two hosts, network namespaces "a"
# and "b", joined by one veth pair (underlay 198.18.0.1 <-> 198.18.0.2, the
# RFC 2544 benchmarking range). On top of it, all at once, each variant with
# its own inner addresses 198.18.N.1 (in a) <-> 198.18.N.2 (in b):
#
#   veth         N=0  the underlay itself, no tunnel
#   ipip         N=1  IP-in-IP, no crypto: the ceiling of any tunnel here
#   wireguard    N=2  wireguard.ko (ChaCha20-Poly1305, its own crypto library)
#   esp-chacha   N=3  xfrm ESP tunnel mode, rfc7539esp(chacha20,poly1305)
#   esp-gcm      N=4  xfrm ESP tunnel mode, rfc4106(gcm(aes)), AES-256
#   ptun-chacha  N=5  ptun, chacha20-poly1305 (rfc7539(chacha20,poly1305))
#   ptun-gcm     N=6  ptun, aes-256-gcm (gcm(aes))
#
# ESP and ptun use the same crypto API AEAD templates, so the crypto API
# picks the same drivers for both; /proc/crypto is recorded at the end.
#
# Rounds interleave the variants (round 1: every variant, round 2: every
# variant, ...; the order rotates each round) so a slow stretch of the VM
# hits all of them alike. Per variant and round: iperf3 TCP one stream and
# four streams (a -> b, Mbit/s received), iperf3 UDP with 64-byte payloads
# at full speed (packets per second received by b), and ping RTT (average of
# 20 pings 50 ms apart). The table holds the medians over the rounds.
#
# Then heap allocations per packet: ftrace's kmem:kmalloc and
# kmem:kmem_cache_alloc events (and the *_node ones where they exist) whose
# call_site lies in a module, over a ping flood through its tunnel, divided
# by the packets the tunnels carried (both directions, both hosts).
#
# Environment: BENCH_ROUNDS (default 5), BENCH_SECONDS (per iperf3 run,
# default 3, after 1 s omitted), BENCH_PROGRESS (a file, e.g. /dev/ttyS0, to
# log each step to as it starts), BENCH_PINGS (flood pings for the allocation
# count, default 10000), BENCH_VARIANTS (space-separated subset).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
PTUN=${PTUN:-$top/userspace/ptun}
ROUNDS=${BENCH_ROUNDS:-5}
SECS=${BENCH_SECONDS:-3}
PINGS=${BENCH_PINGS:-10000}
ALL_VARIANTS="veth ipip wireguard esp-chacha esp-gcm ptun-chacha ptun-gcm"
VARIANTS=${BENCH_VARIANTS:-$ALL_VARIANTS}
METRICS="tcp1 tcp4 udp64 rtt"

umask 077	# key files (wg genkey, ptun genkey) readable by root only
work=$(mktemp -d /tmp/bench.XXXXXX)
results=$work/results	# round variant metric value
: > "$results"

log() { echo "# $*"; }
# BENCH_PROGRESS=FILE (e.g. /dev/ttyS0): say what runs, as it starts.
progress() { [ -z "${BENCH_PROGRESS:-}" ] || echo "bench: $*" >> "$BENCH_PROGRESS"; }

declare -A num=([veth]=0 [ipip]=1 [wireguard]=2 [esp-chacha]=3 [esp-gcm]=4
	[ptun-chacha]=5 [ptun-gcm]=6)
declare -A why=()	# variant -> why it is not measured

addr() { echo "198.18.${num[$1]}.$2"; }	# addr VARIANT 1|2
port() { echo $((5200 + ${num[$1]})); }	# the variant's iperf3 server port

hexkey() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }

# ---------------------------------------------------------------- setup

# What udev's coldplug does on a real machine and this guest (no udev) does
# not: load the crypto drivers that match the CPU's features (aesni-intel,
# ghash-clmulni-intel, ...), so the crypto API can pick them.
load_cpu_crypto() {
	local m
	for m in $(modprobe -R "$(cat /sys/devices/system/cpu/modalias)" 2>/dev/null); do
		case $(modinfo -n "$m" 2>/dev/null) in
		*/arch/x86/crypto/*) modprobe "$m" 2>/dev/null ;;
		esac
	done
}

setup_underlay() {
	ip netns add a && ip netns add b &&
	ip link add veth0 netns a type veth peer name veth0 netns b &&
	ip -n a addr add 198.18.0.1/24 dev veth0 &&
	ip -n b addr add 198.18.0.2/24 dev veth0 &&
	ip -n a link set veth0 up && ip -n b link set veth0 up &&
	ip -n a link set lo up && ip -n b link set lo up
}

setup_veth() { :; }

setup_ipip() {
	modprobe ipip || return 1
	ip -n a link add ipip1 type ipip local 198.18.0.1 remote 198.18.0.2 &&
	ip -n b link add ipip1 type ipip local 198.18.0.2 remote 198.18.0.1 &&
	ip -n a addr add "$(addr ipip 1)/24" dev ipip1 &&
	ip -n b addr add "$(addr ipip 2)/24" dev ipip1 &&
	ip -n a link set ipip1 up && ip -n b link set ipip1 up
}

setup_wireguard() {
	command -v wg >/dev/null || { echo "wg not found (wireguard-tools: make deps)"; return 1; }
	modprobe wireguard || return 1
	local ns other pub
	for ns in a b; do
		wg genkey > "$work/wg-$ns.key" || return 1
		wg pubkey < "$work/wg-$ns.key" > "$work/wg-$ns.pub" || return 1
	done
	for ns in a b; do
		if [ "$ns" = a ]; then other=b; else other=a; fi
		pub=$(cat "$work/wg-$other.pub")
		ip -n "$ns" link add wg0 type wireguard &&
		ip netns exec "$ns" wg set wg0 private-key "$work/wg-$ns.key" \
			listen-port 51820 peer "$pub" \
			endpoint "198.18.0.$([ "$other" = a ] && echo 1 || echo 2):51820" \
			allowed-ips "$(addr wireguard "$([ "$other" = a ] && echo 1 || echo 2)")/32" &&
		ip -n "$ns" addr add "$(addr wireguard "$([ "$ns" = a ] && echo 1 || echo 2)")/24" dev wg0 &&
		ip -n "$ns" link set wg0 up || return 1
	done
}

# setup_esp VARIANT ALGO: ESP tunnel mode between the underlay addresses,
# selected by the variant's inner /32s (on lo), one SA per direction.
setup_esp() {
	local v=$1 algo=$2 n=${num[$1]} ns
	modprobe esp4 2>/dev/null
	modprobe xfrm_user 2>/dev/null
	local ka kb
	ka=0x$(hexkey 36) kb=0x$(hexkey 36)	# 32-byte key + 4-byte salt
	local a1 a2
	a1=$(addr "$v" 1) a2=$(addr "$v" 2)
	ip -n a addr add "$a1/32" dev lo && ip -n b addr add "$a2/32" dev lo &&
	ip -n a route add "$a2/32" dev veth0 src "$a1" &&
	ip -n b route add "$a1/32" dev veth0 src "$a2" || return 1
	for ns in a b; do
		ip -n "$ns" xfrm state add src 198.18.0.1 dst 198.18.0.2 proto esp \
			spi "0x${n}1" reqid "${n}1" mode tunnel aead "$algo" "$ka" 128 &&
		ip -n "$ns" xfrm state add src 198.18.0.2 dst 198.18.0.1 proto esp \
			spi "0x${n}2" reqid "${n}2" mode tunnel aead "$algo" "$kb" 128 ||
			return 1
	done
	ip -n a xfrm policy add src "$a1/32" dst "$a2/32" dir out \
		tmpl src 198.18.0.1 dst 198.18.0.2 proto esp reqid "${n}1" mode tunnel &&
	ip -n a xfrm policy add src "$a2/32" dst "$a1/32" dir in \
		tmpl src 198.18.0.2 dst 198.18.0.1 proto esp reqid "${n}2" mode tunnel &&
	ip -n b xfrm policy add src "$a2/32" dst "$a1/32" dir out \
		tmpl src 198.18.0.2 dst 198.18.0.1 proto esp reqid "${n}2" mode tunnel &&
	ip -n b xfrm policy add src "$a1/32" dst "$a2/32" dir in \
		tmpl src 198.18.0.1 dst 198.18.0.2 proto esp reqid "${n}1" mode tunnel
}
setup_esp-chacha() { setup_esp esp-chacha 'rfc7539esp(chacha20,poly1305)'; }
setup_esp-gcm() { setup_esp esp-gcm 'rfc4106(gcm(aes))'; }

# setup_ptun VARIANT CIPHER: a ptun device in each host, one peer each, one
# key file shared (a initiator, b responder).
setup_ptun() {
	local v=$1 cipher=$2 n=${num[$1]} dev=ptun${num[$1]} ns self other role
	[ -x "$PTUN" ] || { echo "no $PTUN (make tool)"; return 1; }
	"$PTUN" genkey > "$work/$dev.key" || return 1
	for ns in a b; do
		if [ "$ns" = a ]; then self=1 other=2 role=initiator; else self=2 other=1 role=responder; fi
		ip netns exec "$ns" "$PTUN" link add "$dev" listen-port "5182$n" &&
		ip netns exec "$ns" "$PTUN" peer add "$dev" 1 \
			endpoint "198.18.0.$other:5182$n" allowed-ips "$(addr "$v" "$other")/32" &&
		ip netns exec "$ns" "$PTUN" key add "$dev" 1 key-id 1 \
			key-file "$work/$dev.key" role "$role" cipher "$cipher" &&
		ip -n "$ns" addr add "$(addr "$v" "$self")/24" dev "$dev" &&
		ip -n "$ns" link set "$dev" up || return 1
	done
}
setup_ptun-chacha() { setup_ptun ptun-chacha chacha20-poly1305; }
setup_ptun-gcm() { setup_ptun ptun-gcm aes-256-gcm; }

# The variant carries traffic: a -> b pings answered within 10 s.
reachable() {
	local dst i
	dst=$(addr "$1" 2)
	for i in $(seq 10); do
		ip netns exec a ping -c 1 -W 1 -q "$dst" >/dev/null 2>&1 && return 0
	done
	return 1
}

# ESP must really be ESP: its outbound SA has counted packets.
esp_used() {
	local n=${num[$1]}
	ip -n a -s xfrm state list spi "0x${n}1" proto esp 2>/dev/null |
		awk '/lifetime current:/ { getline; if ($2 + 0 > 0) ok = 1 } END { exit !ok }'
}

# ------------------------------------------------------------ measuring

# iperf3_run VARIANT ARGS...: prints iperf3's JSON (a -> b).
iperf3_run() {
	local v=$1
	shift
	ip netns exec a timeout $((SECS + 20)) iperf3 -c "$(addr "$v" 2)" \
		-p "$(port "$v")" -t "$SECS" -O 1 -J "$@" 2>/dev/null
}

measure() {	# measure ROUND VARIANT: one line per metric into $results
	local r=$1 v=$2 j val
	progress "round $r: $v"
	j=$(iperf3_run "$v")
	val=$(jq -r '.end.sum_received.bits_per_second // empty | . / 1e6' <<<"$j" 2>/dev/null)
	echo "$r $v tcp1 ${val:-NA}" >> "$results"
	progress "round $r: $v tcp4"
	j=$(iperf3_run "$v" -P 4)
	val=$(jq -r '.end.sum_received.bits_per_second // empty | . / 1e6' <<<"$j" 2>/dev/null)
	echo "$r $v tcp4 ${val:-NA}" >> "$results"
	progress "round $r: $v udp64"
	j=$(iperf3_run "$v" -u -l 64 -b 0)
	val=$(jq -r '.end.sum_received | select(.seconds > 0) | .bytes / 64 / .seconds / 1000' <<<"$j" 2>/dev/null)
	echo "$r $v udp64 ${val:-NA}" >> "$results"
	progress "round $r: $v ping"
	val=$(ip netns exec a ping -c 20 -i 0.05 -q "$(addr "$v" 2)" 2>/dev/null |
		awk -F/ '/^rtt|^round-trip/ { print $5 }')
	echo "$r $v rtt ${val:-NA}" >> "$results"
}

median() {	# median VARIANT METRIC
	awk -v v="$1" -v m="$2" '$2 == v && $3 == m && $4 != "NA" { print $4 }' "$results" |
		sort -g | awk '{ x[NR] = $1 } END {
			if (NR == 0) { print "NA"; exit }
			if (NR % 2) print x[(NR + 1) / 2]; else print (x[NR / 2] + x[NR / 2 + 1]) / 2 }'
}

# ----------------------------------------------------- heap allocations

tracefs() {
	local t
	for t in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		[ -d "$t/events/kmem" ] && { echo "$t"; return 0; }
	done
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null &&
		[ -d /sys/kernel/tracing/events/kmem ] && { echo /sys/kernel/tracing; return 0; }
	return 1
}

tunnel_packets() {	# tunnel_packets DEV...: tx packets of DEVs in a and b
	local ns dev sum=0 p
	for ns in a b; do
		for dev in "$@"; do
			p=$(ip netns exec "$ns" cat "/sys/class/net/$dev/statistics/tx_packets" 2>/dev/null)
			sum=$((sum + ${p:-0}))
		done
	done
	echo "$sum"
}

KMEM_EVENTS="kmalloc kmem_cache_alloc kmalloc_node kmem_cache_alloc_node"

# trace_init: enable the kmem events once, matching nothing yet, and leave
# them enabled to the end. Enabling or disabling a tracepoint patches kernel
# text (text_poke_bp), and under QEMU TCG patching a hot tracepoint while
# the other vCPU runs through it can end in "Oops: int3" (seen here once in
# a disable). So: one enable while the VM is quiet, no disable, and no
# comm recording (record-cmd would hook sched_switch/sched_wakeup too);
# between variants only the filters and tracing_on change, which patch
# nothing.
TRACE=
trace_init() {
	local t ev
	t=$(tracefs) || return 1
	echo 0 > "$t/tracing_on"
	echo 0 > "$t/options/record-cmd" 2>/dev/null
	echo 8192 > "$t/buffer_size_kb"
	for ev in $KMEM_EVENTS; do
		[ -d "$t/events/kmem/$ev" ] || continue
		echo "call_site == 0" > "$t/events/kmem/$ev/filter" || return 1
		echo 1 > "$t/events/kmem/$ev/enable" || return 1
	done
	echo > "$t/trace"
	TRACE=$t
}

# allocs VARIANT MODULE DEV...: kmalloc/kmem_cache_alloc events whose
# call_site is in MODULE during $PINGS flood pings a -> b through VARIANT.
# Prints "events packets" and keeps the call sites in $work/sites-VARIANT.
allocs() {
	local v=$1 mod=$2 t=$TRACE ev range lo hi before after n
	shift 2
	[ -n "$t" ] || { echo "NA NA"; return; }
	# The module's text, from kallsyms: a coarse numeric filter keeps the
	# trace small; the exact test is the symbolic call site "[MODULE]".
	range=$(awk -v m="[$mod]" '$4 == m && $2 ~ /^[tT]$/ { print $1 }' /proc/kallsyms |
		sort | sed -n '1p;$p' | tr '\n' ' ')
	read -r lo hi <<<"$range"
	[ -n "$lo" ] || { echo "NA NA"; return; }
	hi=$(printf '0x%x' $((0x$hi + 0x10000)))
	for ev in $KMEM_EVENTS; do
		[ -d "$t/events/kmem/$ev" ] || continue
		echo "call_site >= 0x$lo && call_site < $hi" > "$t/events/kmem/$ev/filter" ||
			{ echo "NA NA"; return; }
	done
	echo > "$t/trace"
	progress "allocations: $v"
	before=$(tunnel_packets "$@")
	echo 1 > "$t/tracing_on"
	ip netns exec a ping -f -c "$PINGS" -w 300 -q "$(addr "$v" 2)" > /dev/null 2>&1
	echo 0 > "$t/tracing_on"
	after=$(tunnel_packets "$@")
	for ev in $KMEM_EVENTS; do
		[ -d "$t/events/kmem/$ev" ] || continue
		echo "call_site == 0" > "$t/events/kmem/$ev/filter"
	done
	grep -o "call_site=[^ ]* \[$mod\]" "$t/trace" | sed 's/^call_site=//; s/+0x[0-9a-f]*\/0x[0-9a-f]*//' |
		sort | uniq -c | sort -rn > "$work/sites-$v"
	n=$(awk '{ s += $1 } END { print s + 0 }' "$work/sites-$v")
	if grep -q 'overrun: [1-9]' "$t"/per_cpu/cpu*/stats 2>/dev/null; then
		echo "# warning: the trace buffer overran; the count is a lower bound" >&2
	fi
	echo > "$t/trace"
	echo "$n $((after - before))"
}

# ---------------------------------------------------------------- main

echo "# ptun benchmark (not a test): $(date -u '+%Y-%m-%d %H:%M UTC'), ptun ${BENCH_COMMIT:-(commit unknown)}"
if [ "${BENCH_OTHERS:-0}" -gt 0 ]; then
	echo "# LOADED HOST: $BENCH_OTHERS other QEMU guest(s) ran on the host when this one started;"
	echo "# handoffs between vCPUs (wireguard.ko's workers) suffer most: do not hold ptun to these ratios"
fi
echo "# kernel $(uname -r); CPU $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
	"$(nproc) vCPUs (QEMU TCG); rounds $ROUNDS, iperf3 -t $SECS -O 1"
echo "# CPU flags used by the crypto API: $(grep -m1 -ow -E 'aes|pclmulqdq|avx|avx2|avx512f|ssse3|sse4_1' /proc/cpuinfo | sort -u | tr '\n' ' ')"

load_cpu_crypto
setup_underlay || { echo "Bail out! cannot build the underlay"; exit 1; }
measured=()
for v in $VARIANTS; do
	if ! err=$(setup_"$v" 2>&1); then
		why[$v]="setup failed: $(echo "$err" | tail -n 1)"
	elif ! reachable "$v"; then
		why[$v]="no traffic (ping $(addr "$v" 2) from a failed)"
	elif [[ $v == esp-* ]] && ! esp_used "$v"; then
		why[$v]="the ping did not go through the ESP SA"
	else
		ip netns exec b iperf3 -s -D -p "$(port "$v")" 2>/dev/null
		measured+=("$v")
		log "$v: set up, carries traffic"
		continue
	fi
	log "$v: not measured: ${why[$v]}"
done
sleep 1

nv=${#measured[@]}
for r in $(seq "$ROUNDS"); do
	start=$SECONDS
	order=()
	for i in $(seq 0 $((nv - 1))); do
		order+=("${measured[$(((i + r - 1) % nv))]}")
	done
	for v in "${order[@]}"; do
		measure "$r" "$v"
	done
	log "round $r/$ROUNDS done in $((SECONDS - start)) s (order: ${order[*]})"
done

# /proc/crypto while every tunnel is still up: which drivers the templates
# resolved to (refcnt counts the transforms in use).
crypto=$work/crypto
awk -v RS= -v ORS='\n\n' '/name *: (rfc7539(esp)?\(chacha20,poly1305\)|rfc4106\(gcm\(aes\)\)|gcm\(aes\)|chacha20|poly1305|ctr\(aes\)|ghash|aes)\n/' \
	/proc/crypto | awk -F': ' '
	/^name/ { n = $2 } /^driver/ { d = $2 } /^module/ { m = $2 }
	/^priority/ { p = $2 } /^refcnt/ { c = $2 }
	/^type/ { t = $2 }
	/^$/ && n { printf "%-32s %-44s %-18s %5s %6s %s\n", n, d, m, p, c, t; n = "" }
	END { if (n) printf "%-32s %-44s %-18s %5s %6s %s\n", n, d, m, p, c, t }' |
	sort > "$crypto"

declare -A apk=()	# variant -> "events packets"
sleep 2	# let the last iperf3 runs wind down: trace_init patches text
trace_init || log "ftrace kmem events unavailable: no allocation counts"
for v in wireguard esp-chacha esp-gcm ptun-chacha ptun-gcm; do
	[[ " ${measured[*]} " == *" $v "* ]] || continue
	case $v in
	wireguard) apk[$v]=$(allocs "$v" wireguard wg0) ;;
	esp-*) apk[$v]=$(allocs "$v" esp4 veth0) ;;
	ptun-*) apk[$v]=$(allocs "$v" ptun "ptun${num[$v]}") ;;
	esac
done

# ---------------------------------------------------------------- report

fmt() {	# fmt VALUE DIGITS
	[ "$1" = NA ] && { echo "n/a"; return; }
	printf "%.*f" "$2" "$1"
}
ratio() {	# ratio A B
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b == 0) print "n/a"; else printf "%.2f", a / b }'
}
declare -A med=()
for v in $ALL_VARIANTS; do
	for m in $METRICS; do
		med[$v.$m]=$(median "$v" "$m")
	done
done

echo
echo "## Medians over $ROUNDS rounds"
echo
echo "| variant | TCP 1 stream (Mbit/s) | TCP 4 streams (Mbit/s) | UDP 64 B (kpps rx) | ping RTT (ms) | allocations/packet |"
echo "|---|---:|---:|---:|---:|---:|"
for v in $ALL_VARIANTS; do
	if [ -n "${why[$v]:-}" ] || [[ " $VARIANTS " != *" $v "* ]]; then
		echo "| $v | ${why[$v]:-not run} | | | | |"
		continue
	fi
	a=n/a
	if [ -n "${apk[$v]:-}" ]; then
		read -r e p <<<"${apk[$v]}"
		a=$(awk -v e="$e" -v p="$p" 'BEGIN { if (e == "NA" || p + 0 == 0) print "n/a"; else printf "%.3f (%d/%d)", e / p, e, p }')
	fi
	echo "| $v | $(fmt "${med[$v.tcp1]}" 0) | $(fmt "${med[$v.tcp4]}" 0) | $(fmt "${med[$v.udp64]}" 1) | $(fmt "${med[$v.rtt]}" 3) | $a |"
done

echo
echo "## Ratios (medians; RTT: lower is better)"
echo
echo "| ratio | TCP 1 | TCP 4 | UDP 64 B | RTT |"
echo "|---|---:|---:|---:|---:|"
for pair in ptun-chacha:wireguard ptun-chacha:esp-chacha ptun-gcm:wireguard ptun-gcm:esp-gcm \
	ptun-chacha:ipip ptun-gcm:ipip wireguard:esp-chacha wireguard:ipip ipip:veth; do
	x=${pair%:*} y=${pair#*:}
	echo "| $x / $y | $(ratio "${med[$x.tcp1]}" "${med[$y.tcp1]}") | $(ratio "${med[$x.tcp4]}" "${med[$y.tcp4]}") | $(ratio "${med[$x.udp64]}" "${med[$y.udp64]}") | $(ratio "${med[$x.rtt]}" "${med[$y.rtt]}") |"
done

echo
echo "## Targets (ptun with chacha20-poly1305)"
echo
target() {	# target WHAT VALUE OP LIMIT
	local verdict
	if [ "$2" = n/a ]; then
		verdict="n/a "
	elif awk -v x="$2" -v l="$4" -v op="$3" 'BEGIN { exit !((op == ">=") ? x >= l : x <= l) }'; then
		verdict="PASS"
	else
		verdict="MISS"
	fi
	printf -- "- %s %s: %s (target %s %s)\n" "$verdict" "$1" "$2" "$3" "$4"
}
target "TCP 1 stream vs wireguard" "$(ratio "${med[ptun-chacha.tcp1]}" "${med[wireguard.tcp1]}")" ">=" 1.2
target "TCP 4 streams vs wireguard" "$(ratio "${med[ptun-chacha.tcp4]}" "${med[wireguard.tcp4]}")" ">=" 1.2
target "TCP 1 stream vs ESP (rfc7539esp)" "$(ratio "${med[ptun-chacha.tcp1]}" "${med[esp-chacha.tcp1]}")" ">=" 1.5
target "TCP 4 streams vs ESP (rfc7539esp)" "$(ratio "${med[ptun-chacha.tcp4]}" "${med[esp-chacha.tcp4]}")" ">=" 1.5
target "UDP 64 B packet rate vs wireguard" "$(ratio "${med[ptun-chacha.udp64]}" "${med[wireguard.udp64]}")" ">=" 1.0
target "ping RTT vs wireguard" "$(ratio "${med[ptun-chacha.rtt]}" "${med[wireguard.rtt]}")" "<=" 1.05
for v in ptun-chacha ptun-gcm; do
	a=n/a
	if [ -n "${apk[$v]:-}" ]; then
		read -r e p <<<"${apk[$v]}"
		a=$(awk -v e="$e" -v p="$p" 'BEGIN { if (e == "NA" || p + 0 == 0) print "n/a"; else printf "%.3f", e / p }')
	fi
	target "heap allocations per packet, $v" "$a" "<=" 0
done

echo
echo "## Allocation call sites (events over the ping flood: $PINGS pings, both directions)"
for v in wireguard esp-chacha esp-gcm ptun-chacha ptun-gcm; do
	[ -f "$work/sites-$v" ] || continue
	echo "# $v: ${apk[$v]% *} events over ${apk[$v]#* } tunnel packets"
	sed 's/^/#   /' "$work/sites-$v" | head -n 10
done

echo
echo "## Crypto API drivers (/proc/crypto after the runs, tunnels up)"
echo "# name                             driver                                       module             prio refcnt type"
sed 's/^/# /' "$crypto"

echo
echo "## Every measurement (round variant metric value)"
sed 's/^/# /' "$results"
[ -d /run/out ] && [ -w /run/out ] && cp "$results" /run/out/results.tsv 2>/dev/null

ip netns pids a 2>/dev/null | xargs -r kill 2>/dev/null
ip netns pids b 2>/dev/null | xargs -r kill 2>/dev/null
exit 0
