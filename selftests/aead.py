#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ptun datagrams opened and sealed by another AEAD implementation.

Python's cryptography package (OpenSSL) stands in for a peer that shares
nothing with the module but the wire format (Documentation/protocol.rst)
and the key file, so a driver that computed anything but RFC 8439's
ChaCha20-Poly1305 or GCM would fail here even if both ends agreed.

  aead.py open PCAP --port P --key-file F --half 0|1 --cipher C
          [--marker HEX]
      open every datagram to port P of the capture with half H of the key
      file (0: the first 32 bytes, the initiator's sending key; 1: the
      last 32); print one JSON object a line: counter, len (plaintext),
      src and dst of the inner IP packet, marker (whether the plaintext
      holds the marker's bytes). Exits 1 if a datagram does not open.
  aead.py seal PCAP --port P --key-file F --half H --cipher C
          --to ADDR:PORT --src A --dst A --dport N --payload TEXT
      seal an inner IPv4 UDP packet A -> A:N carrying TEXT with the header
      of the last datagram to port P, its counter advanced by 1000, and
      send it to ADDR:PORT from a socket of our own. Prints the counter.
"""

import argparse
import base64
import ipaddress
import json
import socket
import struct
import sys

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

import wire

CIPHERS = {'chacha20-poly1305': ChaCha20Poly1305, 'aes-256-gcm': AESGCM}


def aead_of(args):
    with open(args.key_file) as f:
        material = base64.b64decode(f.read().strip())
    if len(material) != 64:
        sys.exit('aead.py: %s holds %d bytes, not 64' %
                 (args.key_file, len(material)))
    half = material[32 * args.half:32 * args.half + 32]
    return CIPHERS[args.cipher](half)


def nonce(counter):
    """4 zero bytes, then the counter big-endian (protocol.rst)."""
    return bytes(4) + struct.pack('>Q', counter)


def chosen(args):
    got = [d for d in wire.datagrams(args.pcap) if d['dport'] == args.port]
    if not got:
        sys.exit('aead.py: no datagram to port %d in %s' %
                 (args.port, args.pcap))
    return got


def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('>%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def udp4(src, dst, dport, payload):
    """An IPv4 UDP packet with both checksums."""
    s, d = ipaddress.IPv4Address(src).packed, ipaddress.IPv4Address(dst).packed
    ulen = 8 + len(payload)
    udp = struct.pack('>HHHH', 40000, dport, ulen, 0) + payload
    ck = csum(s + d + struct.pack('>BBH', 0, 17, ulen) + udp) or 0xffff
    udp = udp[:6] + struct.pack('>H', ck) + udp[8:]
    ip = struct.pack('>BBHHHBBH4s4s', 0x45, 0, 20 + ulen, 0, 0x4000, 64, 17,
                     0, s, d)
    return ip[:10] + struct.pack('>H', csum(ip)) + ip[12:] + udp


def inner_addrs(pt):
    if len(pt) >= 20 and pt[0] >> 4 == 4:
        return (str(ipaddress.IPv4Address(pt[12:16])),
                str(ipaddress.IPv4Address(pt[16:20])))
    if len(pt) >= 40 and pt[0] >> 4 == 6:
        return (str(ipaddress.IPv6Address(pt[8:24])),
                str(ipaddress.IPv6Address(pt[24:40])))
    return (None, None)


def do_open(args):
    aead = aead_of(args)
    marker = bytes.fromhex(args.marker) if args.marker else None
    bad = 0
    for d in chosen(args):
        p = d['payload']
        hdr = p[:wire.HEADER.size]
        counter = wire.HEADER.unpack_from(p)[5]
        try:
            pt = aead.decrypt(nonce(counter), p[wire.HEADER.size:], hdr)
        except InvalidTag:
            print(json.dumps({'counter': counter, 'opened': False}))
            bad += 1
            continue
        src, dst = inner_addrs(pt)
        out = {'counter': counter, 'opened': True, 'len': len(pt),
               'src': src, 'dst': dst}
        if marker:
            out['marker'] = marker in pt
        print(json.dumps(out))
    sys.exit(1 if bad else 0)


def do_seal(args):
    aead = aead_of(args)
    last = chosen(args)[-1]['payload']
    fields = list(wire.HEADER.unpack_from(last))
    fields[5] += 1000
    hdr = wire.HEADER.pack(*fields)
    inner = udp4(args.src, args.dst, args.dport, args.payload.encode())
    sock, addr = wire.udp_to(args.to)
    sock.sendto(hdr + aead.encrypt(nonce(fields[5]), inner, hdr), addr)
    print(json.dumps({'counter': fields[5], 'len': len(inner)}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='what', required=True)
    for name in ('open', 'seal'):
        p = sub.add_parser(name)
        p.add_argument('pcap')
        p.add_argument('--port', type=int, required=True)
        p.add_argument('--key-file', required=True)
        p.add_argument('--half', type=int, choices=(0, 1), required=True)
        p.add_argument('--cipher', choices=sorted(CIPHERS), required=True)
    sub.choices['open'].add_argument('--marker')
    sl = sub.choices['seal']
    sl.add_argument('--to', required=True)
    sl.add_argument('--src', required=True)
    sl.add_argument('--dst', required=True)
    sl.add_argument('--dport', type=int, required=True)
    sl.add_argument('--payload', required=True)
    args = ap.parse_args()
    (do_open if args.what == 'open' else do_seal)(args)


if __name__ == '__main__':
    main()
