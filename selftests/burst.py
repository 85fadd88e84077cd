#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Numbered UDP datagrams, sent as fast as the socket takes them, and the
order they arrive in.

  burst.py recv ADDR PORT COUNT READY-FILE   prints one JSON line:
      {"received": N, "inversions": N, "first_inversion": [prev, seq] | null}
      once COUNT arrived or nothing came for 5 s (5 s after the first
      datagram, 120 s before it)
  burst.py send ADDR PORT COUNT
"""
import json
import os
import socket
import struct
import sys

SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def recv(addr, port, count, ready):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    # room for the whole burst: a slow reader must not be what drops
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    s.bind((addr, port))
    with open(ready, "w") as f:
        f.write("ready\n")
    s.settimeout(120)
    got, inv, first, prev = 0, 0, None, -1
    while got < count:
        try:
            data = s.recv(64)
        except socket.timeout:
            break
        s.settimeout(5)
        (seq,) = struct.unpack("!Q", data[:8])
        if seq <= prev:
            inv += 1
            if first is None:
                first = [prev, seq]
        prev = seq
        got += 1
    print(json.dumps({"received": got, "inversions": inv,
                      "first_inversion": first}))


def send(addr, port, count):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.connect((addr, port))
    pad = bytes(24)
    for seq in range(count):
        s.send(struct.pack("!Q", seq) + pad)


def main():
    mode, addr, port, count = sys.argv[1:5]
    if mode == "recv":
        recv(addr, int(port), int(count), sys.argv[5])
    else:
        send(addr, int(port), int(count))


if __name__ == "__main__":
    main()
