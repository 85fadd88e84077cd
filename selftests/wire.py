#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ptun datagrams from a tcpdump capture, for the replay and forgery tests.

  wire.py list PCAP [--port P]
      one JSON object a line for each UDP datagram from or to port P (all
      UDP without --port): n (its number among those listed), time, src,
      sport, dst, dport, len (UDP payload) and, when the payload holds a
      header, version, type, key_id, reserved, receiver and counter.
  wire.py send PCAP --port P --to ADDR:PORT [--index I] [--all]
               [--set OFF:HEX]... [--xor OFF:HEX]... [--truncate N]
               [--repeat K] [--job 'I [set=OFF:HEX] [xor=OFF:HEX]
               [truncate=N] [repeat=K]']...
      send again the payload of the datagram number I (default 0; negative
      counts from the end) of those sent to port P, or of every one (--all),
      from a socket of our own to ADDR:PORT ([v6]:port for IPv6), after
      overwriting (--set) or flipping (--xor) bytes at OFF (negative: from
      the end; write --xor=-1:80) and cutting it to N bytes (--truncate).
      Each --job sends one more datagram with its own changes, in order
      (after those of --all; instead of --index).
      Prints what it sent, a JSON object a line.
  wire.py blast --to ADDR:PORT --count N [--size S]
      send N UDP datagrams of S bytes (default 1) to ADDR:PORT as fast as
      the socket takes them: cheap traffic to move a tunnel's counters.

  With --starve, send and blast send while every CPU is held by a
  real-time busy loop (starve.py): ptun's crypto workers and send stages
  do not run until every datagram was sent, so its queues fill. They then
  also print {"starved": SECONDS, "backlog_dropped": N}, and fail if the
  loops gave up first.

The wire format (Documentation/protocol.rst): version u8, type u8, key id
u8, reserved u8, receiver id be32, counter be64, ciphertext, 16-byte tag.
"""

import argparse
import contextlib
import json
import socket
import struct
import sys

import starve

SO_SNDBUFFORCE = getattr(socket, 'SO_SNDBUFFORCE', 32)

HEADER = struct.Struct('>BBBBIQ')


def packets(path):
    """Yield (time, link type, frame) for each record of a pcap file."""
    with open(path, 'rb') as f:
        data = f.read()
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        end = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        end = '>'
    else:
        sys.exit(f'wire.py: {path} is not a pcap file')
    nano = magic in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d')
    linktype = struct.unpack_from(end + 'I', data, 20)[0] & 0xffff
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack_from(end + 'IIII', data, off)
        off += 16
        frame = data[off:off + incl]
        off += incl
        yield sec + frac / (1e9 if nano else 1e6), linktype, frame


def ip_of(linktype, frame):
    """The IP packet of a frame and its ethertype, or (None, None)."""
    if linktype == 1:			# Ethernet
        proto, off = struct.unpack_from('>H', frame, 12)[0], 14
        while proto in (0x8100, 0x88a8):
            proto, off = struct.unpack_from('>H', frame, off + 2)[0], off + 4
    elif linktype == 113:		# Linux cooked
        proto, off = struct.unpack_from('>H', frame, 14)[0], 16
    elif linktype == 276:		# Linux cooked v2
        proto, off = struct.unpack_from('>H', frame, 0)[0], 20
    elif linktype in (12, 101):		# raw IP
        off = 0
        proto = 0x0800 if frame[0] >> 4 == 4 else 0x86dd
    else:
        sys.exit(f'wire.py: link type {linktype} not handled')
    return frame[off:], proto


def datagrams(path):
    """Yield a dict for each UDP datagram of the capture."""
    for t, linktype, frame in packets(path):
        pkt, proto = ip_of(linktype, frame)
        if proto == 0x0800 and len(pkt) >= 20:
            ihl = (pkt[0] & 15) * 4
            if pkt[9] != 17 or struct.unpack_from('>H', pkt, 6)[0] & 0x3fff:
                continue
            src = socket.inet_ntop(socket.AF_INET, pkt[12:16])
            dst = socket.inet_ntop(socket.AF_INET, pkt[16:20])
            udp = pkt[ihl:]
        elif proto == 0x86dd and len(pkt) >= 40:
            if pkt[6] != 17:
                continue
            src = socket.inet_ntop(socket.AF_INET6, pkt[8:24])
            dst = socket.inet_ntop(socket.AF_INET6, pkt[24:40])
            udp = pkt[40:]
        else:
            continue
        if len(udp) < 8:
            continue
        sport, dport, ulen = struct.unpack_from('>HHH', udp)
        yield {'time': t, 'src': src, 'sport': sport, 'dst': dst,
               'dport': dport, 'payload': udp[8:ulen]}


def describe(d):
    out = {k: v for k, v in d.items() if k != 'payload'}
    out['len'] = len(d['payload'])
    if len(d['payload']) >= HEADER.size:
        (out['version'], out['type'], out['key_id'], out['reserved'],
         out['receiver'], out['counter']) = HEADER.unpack_from(d['payload'])
    return out


def edit(payload, args):
    buf = bytearray(payload)
    for spec, xor in [(s, False) for s in args.set] + \
                     [(s, True) for s in args.xor]:
        off, hexval = spec.split(':', 1)
        off = int(off, 0)
        if off < 0:
            off += len(buf)
        for i, b in enumerate(bytes.fromhex(hexval)):
            buf[off + i] = buf[off + i] ^ b if xor else b
    if args.truncate is not None:
        del buf[args.truncate:]
    return bytes(buf)


def udp_to(where):
    """A UDP socket for ADDR:PORT or [ADDR]:PORT, and the address."""
    host, port = where.rsplit(':', 1)
    family = socket.AF_INET
    if host.startswith('['):
        host, family = host[1:-1], socket.AF_INET6
    return socket.socket(family, socket.SOCK_DGRAM), (host, int(port))


@contextlib.contextmanager
def sending(sock, args):
    """Where to send from: starved (--starve) or not."""
    if not args.starve:
        yield
        return
    # Datagrams the workers have not sent stay charged to the socket:
    # room for all, so no send waits for a worker that cannot run.
    sock.setsockopt(socket.SOL_SOCKET, SO_SNDBUFFORCE, 64 << 20)
    took = []
    try:
        with starve.starved(took):
            yield
    except starve.Overrun as e:
        sys.exit('wire.py: %s' % e)
    print(json.dumps({'starved': took[0], 'backlog_dropped': took[1]}))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='what', required=True)
    ls = sub.add_parser('list')
    ls.add_argument('pcap')
    ls.add_argument('--port', type=int)
    sd = sub.add_parser('send')
    sd.add_argument('pcap')
    sd.add_argument('--port', type=int, required=True)
    sd.add_argument('--to', required=True)
    sd.add_argument('--index', type=int, default=0)
    sd.add_argument('--all', action='store_true')
    sd.add_argument('--set', action='append', default=[])
    sd.add_argument('--xor', action='append', default=[])
    sd.add_argument('--truncate', type=int)
    sd.add_argument('--repeat', type=int, default=1)
    sd.add_argument('--job', action='append', default=[])
    sd.add_argument('--starve', action='store_true')
    bl = sub.add_parser('blast')
    bl.add_argument('--to', required=True)
    bl.add_argument('--count', type=int, required=True)
    bl.add_argument('--size', type=int, default=1)
    bl.add_argument('--starve', action='store_true')
    args = ap.parse_args()

    if args.what == 'blast':
        sock, addr = udp_to(args.to)
        payload = b'x' * args.size
        sent = 0
        with sending(sock, args):
            for _ in range(args.count):
                try:
                    sock.sendto(payload, addr)
                    sent += 1
                except OSError:
                    pass
        print(json.dumps({'sent': sent}))
        return

    if args.what == 'list':
        n = 0
        for d in datagrams(args.pcap):
            if args.port and args.port not in (d['sport'], d['dport']):
                continue
            out = describe(d)
            out['n'] = n
            n += 1
            print(json.dumps(out))
        return

    chosen = [d for d in datagrams(args.pcap) if d['dport'] == args.port]
    if not chosen:
        sys.exit('wire.py: no datagram to port %d in %s' %
                 (args.port, args.pcap))
    jobs = []
    if args.all:
        jobs = [(d, args) for d in chosen]
    elif not args.job:
        jobs = [(chosen[args.index], args)]
    if args.job:
        for job in args.job:
            words = job.split()
            one = argparse.Namespace(set=[], xor=[], truncate=None, repeat=1)
            for w in words[1:]:
                key, val = w.split('=', 1)
                if key in ('set', 'xor'):
                    getattr(one, key).append(val)
                else:
                    setattr(one, key, int(val))
            jobs.append((chosen[int(words[0])], one))
    sock, addr = udp_to(args.to)
    done = []
    with sending(sock, args):
        for d, how in jobs:
            payload = edit(d['payload'], how)
            for _ in range(how.repeat):
                sock.sendto(payload, addr)
            done.append((d, how, payload))
    for d, how, payload in done:
        out = describe(dict(d, payload=payload))
        out['sent'] = how.repeat
        print(json.dumps(out))


if __name__ == '__main__':
    main()
