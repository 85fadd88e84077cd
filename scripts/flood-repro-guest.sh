#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the VM (see scripts/flood-repro.sh): ptun (chacha20-poly1305) and
# wireguard.ko between namespaces a and b over veth, as make bench sets them
# up, then LOOPS rounds of iperf3's 64-byte UDP flood through each (and, with
# REPRO_TCP=1, TCP with 1 and 4 streams and a ping first). Each step is
# logged on the serial console as it starts, so the host sees where a run
# stops; the guest's /proc/kallsyms is copied to the output directory first,
# for the host to name the addresses it samples.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
PTUN=$top/userspace/ptun
LOOPS=${LOOPS:-20}
SECS=${REPRO_SECONDS:-1}
say() { echo "repro: $*" > /dev/ttyS0; }

cp /proc/kallsyms /run/out/kallsyms
sysctl -qw kernel.softlockup_all_cpu_backtrace=1 kernel.printk="7 4 1 7"
(while sleep 5; do echo "alive $(cut -d' ' -f1-4 /proc/loadavg)" > /dev/ttyS0; done) &
alive=$!
for m in $(modprobe -R "$(cat /sys/devices/system/cpu/modalias)" 2>/dev/null); do
	case $(modinfo -n "$m" 2>/dev/null) in
	*/arch/x86/crypto/*) modprobe "$m" 2>/dev/null ;;
	esac
done

umask 077
w=$(mktemp -d)
ip netns add a && ip netns add b &&
ip link add veth0 netns a type veth peer name veth0 netns b &&
ip -n a addr add 198.18.0.1/24 dev veth0 && ip -n b addr add 198.18.0.2/24 dev veth0 &&
ip -n a link set veth0 up && ip -n b link set veth0 up || exit 1
"$PTUN" genkey > "$w/ptun.key" || exit 1
modprobe wireguard || exit 1
for ns in a b; do
	wg genkey > "$w/wg-$ns.key" && wg pubkey < "$w/wg-$ns.key" > "$w/wg-$ns.pub" || exit 1
done
for ns in a b; do
	if [ "$ns" = a ]; then s=1 o=2 on=b role=initiator; else s=2 o=1 on=a role=responder; fi
	ip -n "$ns" link set lo up &&
	ip netns exec "$ns" "$PTUN" link add ptun5 listen-port 51825 &&
	ip netns exec "$ns" "$PTUN" peer add ptun5 1 endpoint "198.18.0.$o:51825" \
		allowed-ips "198.18.5.$o/32" &&
	ip netns exec "$ns" "$PTUN" key add ptun5 1 key-id 1 key-file "$w/ptun.key" \
		role "$role" cipher chacha20-poly1305 &&
	ip -n "$ns" addr add "198.18.5.$s/24" dev ptun5 && ip -n "$ns" link set ptun5 up &&
	ip -n "$ns" link add wg0 type wireguard &&
	ip netns exec "$ns" wg set wg0 private-key "$w/wg-$ns.key" listen-port 51820 \
		peer "$(cat "$w/wg-$on.pub")" endpoint "198.18.0.$o:51820" \
		allowed-ips "198.18.2.$o/32" &&
	ip -n "$ns" addr add "198.18.2.$s/24" dev wg0 && ip -n "$ns" link set wg0 up || exit 1
done
ip netns exec b iperf3 -s -D -p 5202 && ip netns exec b iperf3 -s -D -p 5205 || exit 1
for n in 2 5; do
	ip netns exec a ping -c 3 -W 2 -q "198.18.$n.2" > /dev/null || { echo "no traffic through 198.18.$n.2"; exit 1; }
done

client() {	# client N ARGS...: iperf3 from a to 198.18.N.2
	local n=$1
	shift
	ip netns exec a timeout $((SECS + 30)) iperf3 -c "198.18.$n.2" -p "520$n" \
		-t "$SECS" -O 1 -J "$@"
}
for i in $(seq "$LOOPS"); do
	for n in 2 5; do
		name=$([ "$n" = 2 ] && echo wireguard || echo ptun-chacha)
		if [ "${REPRO_TCP:-0}" = 1 ]; then
			say "$i $name tcp"
			client "$n" > /dev/null
			say "$i $name tcp4"
			client "$n" -P 4 > /dev/null
			say "$i $name ping"
			ip netns exec a ping -c 20 -i 0.05 -q "198.18.$n.2" > /dev/null
		fi
		say "$i $name udp64"
		kpps=$(client "$n" -u -l 64 -b 0 |
			jq -r '.end.sum_received | select(.seconds > 0) | .bytes / 64 / .seconds / 1000')
		echo "$i $name udp64 ${kpps:-NA} kpps"
	done
done
say "all $LOOPS rounds done"
kill "$alive"
