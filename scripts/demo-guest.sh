#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the VM (ptun.ko loaded): two hosts, "client" and
# "server", joined by a veth underlay, each with a ptun device; keys from
# one key file, peers, then traffic through the tunnel, shown on both ends
# and on the underlay.
set -euo pipefail
PTUN=$(cd "$(dirname "$0")/.." && pwd)/userspace/ptun

say() { printf '\n$ %s\n' "$*"; "$@"; }

ip netns add client
ip netns add server
ip link add veth0 netns client type veth peer name veth0 netns server
ip -n client addr add 192.0.2.1/24 dev veth0
ip -n server addr add 192.0.2.2/24 dev veth0
ip -n client link set veth0 up
ip -n server link set veth0 up
ip -n client link set lo up
ip -n server link set lo up

# Behind the server: a private network (10.8.0.0/24) and "the internet"
# (198.51.100.0/24). The client has no route to either but the tunnel.
for h in private internet; do
	ip netns add $h
	ip -n $h link set lo up
done
ip link add veth1 netns server type veth peer name veth0 netns private
ip link add veth2 netns server type veth peer name veth0 netns internet
ip -n server addr add 10.8.0.1/24 dev veth1
ip -n private addr add 10.8.0.2/24 dev veth0
ip -n server addr add 198.51.100.1/24 dev veth2
ip -n internet addr add 198.51.100.2/24 dev veth0
for l in "server veth1" "server veth2" "private veth0" "internet veth0"; do
	set -- $l
	ip -n "$1" link set "$2" up
done
ip -n private route add default via 10.8.0.1
ip -n internet route add default via 198.51.100.1
ip netns exec server sysctl -qw net.ipv4.ip_forward=1

echo "== one key file for the pair: the client is the initiator"
umask 077
say sh -c "$PTUN genkey > /tmp/pair.key"

echo "== server: a ptun device on UDP port 51820, the client as peer 1"
say ip netns exec server "$PTUN" link add ptun0 listen-port 51820
say ip -n server addr add 10.7.0.1/24 dev ptun0
say ip -n server addr add fd07::1/64 dev ptun0
say ip -n server link set ptun0 up
say ip netns exec server "$PTUN" peer add ptun0 1 allowed-ips 10.7.0.2/32,fd07::2/128
say ip netns exec server "$PTUN" key add ptun0 1 key-id 1 key-file /tmp/pair.key role responder

echo "== client: a device made with ip(8), the server as peer 1 at 192.0.2.2:51820"
say ip -n client link add ptun0 type ptun
say ip netns exec client "$PTUN" link set ptun0 listen-port 51821
say ip -n client addr add 10.7.0.2/24 dev ptun0
say ip -n client addr add fd07::2/64 dev ptun0
say ip -n client link set ptun0 up
say ip netns exec client "$PTUN" peer add ptun0 1 endpoint 192.0.2.2:51820 \
	allowed-ips 0.0.0.0/0,::/0 keepalive 25
say ip netns exec client "$PTUN" key add ptun0 1 key-id 1 key-file /tmp/pair.key role initiator

echo "== traffic through the tunnel, IPv4 and IPv6 inside, captured on the underlay"
ip netns exec server tcpdump -i veth0 -n -c 4 udp port 51820 2>/dev/null &
sleep 1
say ip netns exec client ping -c 3 -i 0.3 10.7.0.1
say ip netns exec client ping -c 3 -i 0.3 fd07::1
wait
ip netns exec server iperf3 -s -1 -D
sleep 0.5
say ip netns exec client iperf3 -c 10.7.0.1 -t 2

echo "== the server learnt the client's endpoint from its first datagram"
say ip netns exec server "$PTUN" show

echo "== split tunnel: the client's settings send only 10.8.0.0/24 into the tunnel"
say ip netns exec client "$PTUN" settings set ptun0 remote 192.0.2.2 \
	address 10.7.0.2/24 include 10.8.0.0/24 dns 10.8.0.53 search-domain corp.example
say ip -n client rule show
say ip -n client route show table 28788
say ip netns exec client ping -c 2 -i 0.3 10.8.0.2
echo "(198.51.100.2 is not included: the client has no route to it)"
say ip netns exec client ping -c 1 -W 1 198.51.100.2 || true

echo "== full tunnel with the kill switch: everything goes through the server"
say ip netns exec client "$PTUN" settings set ptun0 remote 192.0.2.2 \
	address 10.7.0.2/24 include-all-networks on exclude-local-networks on
say ip -n client route show table 28788
ip netns exec server tcpdump -i veth0 -n -c 2 udp port 51820 2>/dev/null &
sleep 1
say ip netns exec client ping -c 2 -i 0.3 198.51.100.2
wait

echo "== the client loses its key: the status leaves connected, and nothing leaks"
say ip netns exec client "$PTUN" key del ptun0 1 slot primary
say ip netns exec client "$PTUN" show ptun0
echo "(someone adds a plaintext route to the internet via the server and"
echo " deletes the tunnel's routes: the module's hooks still hold)"
say ip -n client route add 198.51.100.0/24 via 192.0.2.2 dev veth0
say ip -n client route flush table 28788
ip netns exec server tcpdump -i veth0 -n -l icmp 2>/dev/null > /tmp/leak.txt &
tcpdump_pid=$!
sleep 1
say ip netns exec client ping -c 2 -W 1 198.51.100.2 || true
sleep 1
kill "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null || true
echo "plaintext ICMP seen on the underlay: $(grep -c ICMP /tmp/leak.txt) packets"
say ip -n client -s link show ptun0

echo "== clear: routes, rules and addresses go, the kill switch lifts"
say ip netns exec client "$PTUN" settings clear ptun0
say ip -n client route
say ip -n client rule show
say ip -n client route show table 28788
echo "(the kill switch is lifted: the plaintext route works again)"
say ip netns exec client ping -c 1 198.51.100.2
say ip netns exec client "$PTUN" show ptun0 --json
echo
echo "demo: done"
