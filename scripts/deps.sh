#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything ptun's build, tests and demo need, from Debian's
# archive only; safe to run again. Both test kernels come with their
# headers; linux-source-6.12 is unpacked once under /var/cache/ptun for
# checkpatch, the YNL tools and the debug kernel.
set -euo pipefail

KSRC=${KSRC:-/var/cache/ptun/linux-source-6.12}
pkgs=(
	make gcc libc6-dev pkg-config kmod
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
	qemu-system-x86 busybox-static cpio gzip xz-utils zstd
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-source-6.12
	flex bison bc libelf-dev libssl-dev
	dkms sparse
	iproute2 iperf3 tcpdump iputils-ping netcat-openbsd nftables
	util-linux python3 python3-yaml python3-jsonschema python3-cryptography jq
	wireguard-tools groff-base man-db
)

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: run as root (apt-get install)" >&2
	exit 1
fi

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -f "$KSRC/Makefile" ]; then
	tarball=$(ls -1 /usr/src/linux-source-6.12*.tar.* | sort -V | tail -n 1)
	echo "deps.sh: unpacking $tarball into $(dirname "$KSRC")"
	mkdir -p "$(dirname "$KSRC")"
	tmp=$(mktemp -d "$(dirname "$KSRC")/unpack.XXXXXX")
	tar -xf "$tarball" -C "$tmp"
	rm -rf "$KSRC"
	mv "$tmp"/linux-source-6.12 "$KSRC"
	rmdir "$tmp"
fi
echo "deps.sh: all dependencies present"
