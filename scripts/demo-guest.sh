#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the VM (ptun.ko loaded): two hosts, "client" and
# "server", joined by a veth underlay, each with a ptun device.
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

echo "== server: a ptun device, its UDP port set to 51820"
say ip netns exec server "$PTUN" link add ptun0 listen-port 51820
say ip netns exec server ip link set ptun0 up
echo "== client: a ptun device made with ip(8), then configured by the tool"
say ip -n client link add ptun0 type ptun
say ip netns exec client "$PTUN" link set ptun0 listen-port 51821 fwmark 0x51 mtu 1400
say ip netns exec client ip link set ptun0 up

echo "== what each host has"
say ip netns exec server "$PTUN" show
say ip netns exec client "$PTUN" show
say ip netns exec client "$PTUN" show --json
say ip -n client -d link show ptun0
echo
echo "demo: done (peers, keys and traffic come with the data plane)"
