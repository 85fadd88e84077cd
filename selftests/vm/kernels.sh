#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh: the Debian kernels to test, one line each:
#   RELEASE IMAGE KDIR
# the newest installed bookworm 6.1 kernel and the newest 6.12 backport,
# found by globbing (never a hard-coded version). A missing one is an error:
# make deps installs both.
set -euo pipefail

newest() {
	local img
	img=$(ls -1 $1 2>/dev/null | grep -vE -- '-(cloud|rt)-amd64$' | sort -V | tail -n 1)
	[ -n "$img" ] || { echo "kernels.sh: no kernel matches $1 (run make deps)" >&2; return 1; }
	local rel=${img#/boot/vmlinuz-}
	[ -d "/lib/modules/$rel/build" ] ||
		{ echo "kernels.sh: no headers for $rel (run make deps)" >&2; return 1; }
	echo "$rel $img /lib/modules/$rel/build"
}

newest '/boot/vmlinuz-6.1.*-amd64'
newest '/boot/vmlinuz-6.12.*+deb12-amd64'
