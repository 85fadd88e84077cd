#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate the uapi header and the kernel policy tables from
# Documentation/netlink/specs/ptun.yaml with the kernel's own ynl-gen-c.py.
#
# The spec is plain "protocol: genetlink", whose kernel code generator emits
# split ops. Debian's 6.1 kernel has no split ops, so the kernel tables are
# generated from a copy of the spec that only adds "kernel-policy: per-op"
# (which the genetlink-legacy schema allows): per-op tables use struct genl_ops,
# which both supported kernels have. In that mode the generator leaves the
# genl_family (with its multicast groups) to us: module/netlink.c has it.
#
# The 6.12 schemas predate "uns-admin-perm" (added upstream later); the copies
# used here get that one enum value added, nothing else.
#
# With --check, nothing is written: the exit status says whether the
# committed files are what the spec generates.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
check=
[ "${1:-}" = --check ] && check=1
ksrc=${KSRC:?set KSRC to an unpacked linux-source-6.12 tree (make deps)}
gen=$ksrc/tools/net/ynl/ynl-gen-c.py
# Debian's python3, which make deps gives python3-yaml and python3-jsonschema
py=${PYTHON:-/usr/bin/python3}
spec=Documentation/netlink/specs/ptun.yaml

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/uapi/Documentation/netlink/specs" \
	 "$tmp/kernel/Documentation/netlink/specs"
for t in uapi kernel; do
	: > "$tmp/$t/MAINTAINERS"	# ynl-gen-c.py looks for a tree root
	for f in "$ksrc"/Documentation/netlink/genetlink*.yaml; do
		sed 's/enum: \[ admin-perm \]/enum: [ admin-perm, uns-admin-perm ]/' \
			"$f" > "$tmp/$t/Documentation/netlink/${f##*/}"
	done
done
cp "$top/$spec" "$tmp/uapi/$spec"
"$py" - "$top/$spec" "$tmp/kernel/$spec" <<'PY'
import sys, yaml
spec = yaml.safe_load(open(sys.argv[1]))
spec['protocol'] = 'genetlink-legacy'
spec['kernel-policy'] = 'per-op'
# The generator makes the multicast group table static in netlink-gen.c,
# where netlink.c cannot reach it; netlink.c declares the group itself.
spec.pop('mcast-groups', None)
for op in spec['operations']['list']:
    op.pop('mcgrp', None)
with open(sys.argv[2], 'w') as out:
    out.write(open(sys.argv[1]).readline())    # the SPDX line
    yaml.safe_dump(spec, out, sort_keys=False)
PY

mkdir -p "$tmp/out/include/uapi/linux" "$tmp/out/module"
"$py" "$gen" --mode uapi --header --spec "$tmp/uapi/$spec" \
	-o "$tmp/out/include/uapi/linux/ptun.h"
"$py" "$gen" --mode kernel --header --spec "$tmp/kernel/$spec" \
	-o "$tmp/out/module/netlink-gen.h"
"$py" "$gen" --mode kernel --source --spec "$tmp/kernel/$spec" \
	-o "$tmp/out/module/netlink-gen.c"

rc=0
for f in include/uapi/linux/ptun.h module/netlink-gen.h module/netlink-gen.c; do
	if [ -n "$check" ]; then
		diff -u "$top/$f" "$tmp/out/$f" ||
			{ echo "regen: $f is stale, run make regen" >&2; rc=1; }
	else
		cp "$tmp/out/$f" "$top/$f"
	fi
done
exit $rc
