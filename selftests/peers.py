#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Add many peers to a ptun device in one process, for the scale test.

  peers.py DEV COUNT [FIRST_ID]

Peer i (FIRST_ID .. FIRST_ID+COUNT-1) gets allowed-ips 10.(i>>16).(i>>8).i/32
and fd00::i/128 (i in hex) and an endpoint 192.0.2.1:(1024 + i % 60000).
Requests are pipelined, a window at a time, and every ACK is checked;
prints "added N peers in S s" and exits 1 on the first error.
"""

import socket
import struct
import sys
import time

NETLINK_GENERIC, SOL_NETLINK, NETLINK_EXT_ACK = 16, 270, 11
NLM_F_REQUEST, NLM_F_ACK = 1, 4
NLMSG_ERROR = 2
NLA_F_NESTED = 0x8000
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
# From include/uapi/linux/ptun.h
PTUN_CMD_PEER_NEW = 8
PTUN_A_DEV_IFNAME, PTUN_A_DEV_PEER = 2, 6
PTUN_A_PEER_ID, PTUN_A_PEER_ENDPOINT_IPV4 = 1, 3
PTUN_A_PEER_ENDPOINT_PORT, PTUN_A_PEER_ALLOWED_IP = 5, 6
PTUN_A_ALLOWED_IP_FAMILY, PTUN_A_ALLOWED_IP_ADDR = 1, 2
PTUN_A_ALLOWED_IP_CIDR = 3


def attr(atype, payload):
    pad = b'\0' * ((4 - len(payload) % 4) % 4)
    return struct.pack('HH', 4 + len(payload), atype) + payload + pad


def nest(atype, payload):
    return attr(atype | NLA_F_NESTED, payload)


def prefix(family, addr, cidr):
    return nest(PTUN_A_PEER_ALLOWED_IP,
                attr(PTUN_A_ALLOWED_IP_FAMILY, struct.pack('H', family)) +
                attr(PTUN_A_ALLOWED_IP_ADDR, addr) +
                attr(PTUN_A_ALLOWED_IP_CIDR, struct.pack('B', cidr)))


def message(family, seq, cmd, attrs):
    payload = struct.pack('BBH', cmd, 1, 0) + attrs
    return struct.pack('IHHII', 16 + len(payload), family,
                       NLM_F_REQUEST | NLM_F_ACK, seq, 0) + payload


def acks(sock, want):
    """Read ACKs until `want` have come; return the first error or None."""
    got = 0
    while got < want:
        data = sock.recv(1 << 20)
        off = 0
        while off < len(data):
            mlen, mtype, _, seq, _ = struct.unpack_from('IHHII', data, off)
            if mtype == NLMSG_ERROR:
                got += 1
                err = struct.unpack_from('i', data, off + 16)[0]
                if err:
                    return 'request %d: errno %d' % (seq, -err)
            off += (mlen + 3) & ~3
    return None


def main():
    dev, count = sys.argv[1], int(sys.argv[2])
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.bind((0, 0))
    sock.send(message(GENL_ID_CTRL, 1, CTRL_CMD_GETFAMILY,
                      attr(CTRL_ATTR_FAMILY_NAME, b'ptun\0')))
    data = sock.recv(65536)
    family = None
    off = 20
    while off + 4 <= len(data):
        alen, atype = struct.unpack_from('HH', data, off)
        if atype == CTRL_ATTR_FAMILY_ID:
            family = struct.unpack_from('H', data, off + 4)[0]
        off += (alen + 3) & ~3
    if family is None:
        sys.exit('peers.py: no ptun family')

    start = time.monotonic()
    window = 64
    pending = 0
    for i in range(first, first + count):
        peer = (attr(PTUN_A_PEER_ID, struct.pack('I', i)) +
                attr(PTUN_A_PEER_ENDPOINT_IPV4, bytes([192, 0, 2, 1])) +
                attr(PTUN_A_PEER_ENDPOINT_PORT,
                     struct.pack('H', 1024 + i % 60000)) +
                prefix(socket.AF_INET,
                       bytes([10, (i >> 16) & 255, (i >> 8) & 255, i & 255]),
                       32) +
                prefix(socket.AF_INET6,
                       b'\xfd' + b'\0' * 11 + struct.pack('>I', i), 128))
        sock.send(message(family, i, PTUN_CMD_PEER_NEW,
                          attr(PTUN_A_DEV_IFNAME, dev.encode() + b'\0') +
                          nest(PTUN_A_DEV_PEER, peer)))
        pending += 1
        if pending == window:
            err = acks(sock, pending)
            if err:
                sys.exit('peers.py: ' + err)
            pending = 0
    err = acks(sock, pending)
    if err:
        sys.exit('peers.py: ' + err)
    print('added %d peers in %.2f s' % (count, time.monotonic() - start))


if __name__ == '__main__':
    main()
