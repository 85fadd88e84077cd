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
	allowed-ips 10.7.0.0/24,fd07::/64 keepalive 25
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
say ip netns exec client "$PTUN" show ptun0 --json
say ip -n client -s link show ptun0
echo
echo "demo: done"
