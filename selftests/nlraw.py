#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink client for ptun's tests.

Sends hand-built requests (including malformed ones no real tool would send)
and reports what the kernel answered, with the extended ack, as JSON:

  nlraw.py request CMD [--dump] [ATTR:KIND:VALUE ...]
  nlraw.py batch < REQUESTS   (one "CMD ATTR:KIND:VALUE ..." a line; prints
                               "error|extack|bad attribute" a line)
  nlraw.py listen [--count N] [--timeout S] [--cmd NAME]... [--ready FILE]
                  [--time] -- SHELL-COMMAND

CMD and ATTR are names from include/uapi/linux/ptun.h (PTUN_CMD_DEV_GET,
PTUN_A_DEV_IFNAME) or numbers; KIND is u8, u16, u32, u64, str (with NUL),
rawstr (without NUL), hex (raw bytes) or ip (an ip nest: ADDR or ADDR/LEN,
the length unchecked).

Nested attributes (peer, keyconf, drops, allowed-ip) are decoded into
objects, multi-attributes into lists, addresses into their text form. With
--raw, request also prints each reply's attributes as hex. listen prints one
JSON object per event: only those named by --cmd (if given), with the time
it arrived (--time, seconds since the epoch); --ready FILE is created once
the socket has joined the group, so a test can start it in the background.
"""

import argparse
import json
import os
import re
import select
import socket
import struct
import subprocess
import sys
import time

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_ADD_MEMBERSHIP = 1
NETLINK_EXT_ACK = 11
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2
NLA_F_NESTED = 0x8000
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2

HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                      '..', 'include', 'uapi', 'linux', 'ptun.h')


def uapi_names():
    """Map the enum names of the uapi header to their values."""
    names = {}
    text = open(HEADER).read()
    for body in re.findall(r'enum[^{]*\{([^}]*)\}', text):
        value = 0
        for item in body.split(','):
            item = item.strip()
            m = re.match(r'^(\w+)(?:\s*=\s*(\w+))?', item)
            if not m:
                continue
            if m.group(2) is not None:
                v = m.group(2)
                value = names[v] if v in names else int(v, 0)
            names[m.group(1)] = value
            value += 1
    return names


def attr(atype, payload):
    hdr = struct.pack('HH', 4 + len(payload), atype)
    pad = b'\0' * ((4 - len(payload) % 4) % 4)
    return hdr + payload + pad


def parse_attrs(data):
    out = []
    off = 0
    while off + 4 <= len(data):
        alen, atype = struct.unpack_from('HH', data, off)
        if alen < 4:
            break
        out.append((atype & 0x3fff, data[off + 4:off + alen], off))
        off += (alen + 3) & ~3
    return out


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.bind((0, 0))
        self.sock.settimeout(120)
        self.seq = int(time.time())

    def send(self, family, cmd, attrs, flags):
        self.seq += 1
        payload = struct.pack('BBH', cmd, 1, 0) + attrs
        msg = struct.pack('IHHII', 16 + len(payload), family, flags,
                          self.seq, 0) + payload
        self.sock.send(msg)
        return msg

    def transact(self, family, cmd, attrs, flags):
        """Send a request; return (replies, errno, extack msg, bad attr).

        self.parts counts the datagrams the replies came in."""
        sent = self.send(family, cmd, attrs, flags | NLM_F_REQUEST | NLM_F_ACK)
        replies = []
        self.parts = 0
        while True:
            data, _, mflags, _ = self.sock.recvmsg(1 << 20)
            if mflags & socket.MSG_TRUNC:
                sys.exit('nlraw: a reply did not fit the buffer')
            self.parts += 1
            off = 0
            while off < len(data):
                mlen, mtype, mflags, seq, _ = struct.unpack_from('IHHII',
                                                                 data, off)
                body = data[off + 16:off + mlen]
                off += (mlen + 3) & ~3
                if seq != self.seq:
                    continue
                if mtype == NLMSG_DONE:
                    return replies, 0, None, None
                if mtype != NLMSG_ERROR:
                    replies.append(parse_attrs(body[4:]))
                    continue
                err = -struct.unpack_from('i', body)[0]
                skip = 4 + (16 if mflags & NLM_F_CAPPED else
                            struct.unpack_from('I', body, 4)[0])
                msg, bad = None, None
                if mflags & NLM_F_ACK_TLVS:
                    for atype, val, _ in parse_attrs(body[skip:]):
                        if atype == NLMSGERR_ATTR_MSG:
                            msg = val.rstrip(b'\0').decode()
                        elif atype == NLMSGERR_ATTR_OFFS:
                            offs = struct.unpack('I', val)[0]
                            bad = attr_at(sent, offs)
                return replies, err, msg, bad

    def family(self, name):
        replies, err, msg, _ = self.transact(
            GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
            attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b'\0'), 0)
        if err:
            sys.exit(f'nlraw: family {name}: {os.strerror(err)}')
        fid, groups = None, {}
        for atype, val, _ in replies[0]:
            if atype == CTRL_ATTR_FAMILY_ID:
                fid = struct.unpack('H', val[:2])[0]
            elif atype == CTRL_ATTR_MCAST_GROUPS:
                for _, grp, _ in parse_attrs(val):
                    g = {t: v for t, v, _ in parse_attrs(grp)}
                    gname = g[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b'\0').decode()
                    groups[gname] = struct.unpack('I',
                                                  g[CTRL_ATTR_MCAST_GRP_ID])[0]
        return fid, groups


def attr_at(sent, offs):
    """The type of the attribute the kernel's error offset points into."""
    for atype, val, aoff in parse_attrs(sent[20:]):
        start = 20 + aoff
        if start <= offs < start + 4 + len(val):
            return atype
    return None


def encode(spec, names):
    aname, kind, value = spec.split(':', 2)
    atype = names[aname] if aname in names else int(aname, 0)
    fmt = {'u8': 'B', 'u16': 'H', 'u32': 'I', 'u64': 'Q'}
    if kind in fmt:
        payload = struct.pack(fmt[kind], int(value, 0))
    elif kind == 'str':
        payload = value.encode() + b'\0'
    elif kind == 'rawstr':
        payload = value.encode()
    elif kind == 'hex':
        payload = bytes.fromhex(value)
    elif kind == 'ip':
        # a nest of the ip set: ADDR or ADDR/LEN, the length unchecked
        addr, _, plen = value.partition('/')
        fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
        payload = attr(names['PTUN_A_IP_IPV4' if fam == socket.AF_INET
                             else 'PTUN_A_IP_IPV6'],
                       socket.inet_pton(fam, addr))
        if plen:
            payload += attr(names['PTUN_A_IP_PREFIX_LEN'],
                            struct.pack('B', int(plen)))
        atype |= NLA_F_NESTED
    else:
        sys.exit(f'nlraw: unknown kind {kind}')
    return attr(atype, payload)


# Nests of the family: attribute name -> (prefix of its attributes' names,
# whether it may repeat).
NESTS = {
    'peer': ('PTUN_A_PEER_', False),
    'keyconf': ('PTUN_A_KEYCONF_', False),
    'drops': ('PTUN_A_DROPS_', False),
    'allowed_ip': ('PTUN_A_ALLOWED_IP_', True),
    'key': ('PTUN_A_KEYCONF_', True),
}
# Settings attributes holding an ip nest, shown as "ADDR" or "ADDR/LEN".
IP_NESTS = ('remote', 'address', 'include_route', 'exclude_route',
            'dns_server')
# Settings attributes that repeat.
MULTI = IP_NESTS + ('search_domain', 'match_domain')


def decode_ip(val):
    d = {t: v for t, v, _ in parse_attrs(val)}
    raw = d.get(1) or d.get(2)
    text = socket.inet_ntop(socket.AF_INET if 1 in d else socket.AF_INET6,
                            raw)
    return text + ('/%d' % d[3][0] if 3 in d else '')


def decode(attrs, names, prefix='PTUN_A_DEV_'):
    rev = {}
    for n, v in names.items():
        if n.startswith(prefix) and not n.endswith('_MAX'):
            rev[v] = n[len(prefix):].lower()
    out = {}
    for atype, val, _ in attrs:
        key = rev.get(atype, str(atype))
        if prefix == 'PTUN_A_SETTINGS_' and key in MULTI:
            out.setdefault(key, []).append(
                decode_ip(val) if key in IP_NESTS
                else val.rstrip(b'\0').decode())
        elif key == 'status':
            out[key] = next((n[len('PTUN_STATUS_'):].lower()
                             for n, v in names.items()
                             if n.startswith('PTUN_STATUS_') and
                             v == int.from_bytes(val, sys.byteorder)),
                            int.from_bytes(val, sys.byteorder))
        elif key in NESTS:
            sub, multi = NESTS[key]
            value = decode(parse_attrs(val), names, sub)
            if key == 'allowed_ip' and 'addr' in value:
                value = '%s/%s' % (socket.inet_ntop(
                    socket.AF_INET if len(value['addr']) == 8
                    else socket.AF_INET6, bytes.fromhex(value['addr'])),
                    value.get('cidr'))
            if multi:
                out.setdefault(key, []).append(value)
            else:
                out[key] = value
        elif key == 'ifname':
            out[key] = val.rstrip(b'\0').decode()
        elif key == 'endpoint_ipv4':
            out[key] = socket.inet_ntop(socket.AF_INET, val)
        elif key == 'endpoint_ipv6':
            out[key] = socket.inet_ntop(socket.AF_INET6, val)
        elif key == 'addr':
            out[key] = val.hex()
        elif len(val) == 0:
            out[key] = True
        elif len(val) in (1, 2, 4, 8):
            out[key] = int.from_bytes(val, sys.byteorder)
        else:
            out[key] = val.hex()
    return out


def attr_prefix(cmd):
    """The attribute set of a command's messages."""
    return ('PTUN_A_SETTINGS_' if str(cmd).startswith('PTUN_CMD_SETTINGS_')
            else 'PTUN_A_DEV_')


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest='what', required=True)
    rq = sub.add_parser('request')
    rq.add_argument('cmd')
    rq.add_argument('--dump', action='store_true')
    rq.add_argument('--raw', action='store_true')
    rq.add_argument('attrs', nargs='*')
    sub.add_parser('batch')
    ls = sub.add_parser('listen')
    ls.add_argument('--count', type=int, default=1)
    ls.add_argument('--timeout', type=float, default=10)
    ls.add_argument('--cmd', action='append', default=[])
    ls.add_argument('--ready')
    ls.add_argument('--time', action='store_true')
    ls.add_argument('command', nargs=argparse.REMAINDER)
    args = ap.parse_args()

    names = uapi_names()
    nl = Genl()
    fid, groups = nl.family('ptun')
    rev_cmd = {v: n for n, v in names.items() if n.startswith('PTUN_CMD_')}

    def request(cmd, attrs, flags):
        cmd = names[cmd] if cmd in names else int(cmd, 0)
        payload = b''.join(encode(a, names) for a in attrs)
        replies, err, msg, bad = nl.transact(fid, cmd, payload, flags)
        badname = None
        if bad is not None:
            pfx = attr_prefix(next((n for n, v in names.items()
                                    if v == cmd and
                                    n.startswith('PTUN_CMD_')), ''))
            badname = next((n for n, v in names.items()
                            if v == bad and n.startswith(pfx)), str(bad))
        return replies, err, msg, badname

    if args.what == 'batch':
        for line in sys.stdin:
            words = line.split()
            if not words or words[0].startswith('#'):
                continue
            _, err, msg, badname = request(words[0], words[1:], 0)
            print('%s|%s|%s' % (os.strerror(err) if err else 'ok',
                                msg or '', badname or ''), flush=True)
        return

    if args.what == 'request':
        # A socket that has not read yet gets a dump's first part in a
        # NLMSG_GOODSIZE buffer (the kernel sizes later ones to the reader's
        # buffer): a dump larger than that must come in several parts.
        nl = Genl()
        replies, err, msg, badname = request(
            args.cmd, args.attrs, NLM_F_DUMP if args.dump else 0)
        out = {'errno': err, 'error': os.strerror(err) if err else None,
               'extack': msg, 'bad_attr': badname, 'parts': nl.parts,
               'replies': [decode(r, names, attr_prefix(args.cmd))
                           for r in replies]}
        if args.raw:
            out['raw'] = [b''.join(attr(t, v) for t, v, _ in r).hex()
                          for r in replies]
        print(json.dumps(out))
        return

    nl.sock.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
                       groups['events'])
    if args.ready:
        open(args.ready, 'w').close()
    cmdline = args.command[1:] if args.command[:1] == ['--'] else args.command
    if cmdline:
        subprocess.run(cmdline, check=True, stdout=sys.stderr)
    got = 0
    deadline = time.monotonic() + args.timeout
    while got < args.count:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([nl.sock], [], [], left)[0]:
            break
        data = nl.sock.recv(1 << 20)
        off = 0
        while off < len(data) and got < args.count:
            mlen, mtype = struct.unpack_from('IH', data, off)
            body = data[off + 16:off + mlen]
            off += (mlen + 3) & ~3
            if mtype != fid:
                continue
            ev = {'cmd': rev_cmd.get(body[0], body[0])}
            if args.cmd and ev['cmd'] not in args.cmd:
                continue
            ev.update(decode(parse_attrs(body[4:]), names,
                             attr_prefix(ev['cmd'])))
            if args.time:
                ev['time'] = time.time()
            print(json.dumps(ev), flush=True)
            got += 1
    sys.exit(0 if got == args.count else 1)


if __name__ == '__main__':
    main()
