#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install into a private DESTDIR installs every file, and make
# uninstall removes every one of them again. Runs on a copy of the tree (the
# module is built in place by make install) and never writes outside it and
# a temporary directory: no install into /, no change to /lib/modules
# (depmod is only run with -b, dry).
#
# Also checks what was installed: the man page renders without a groff
# warning, the systemd unit passes systemd-analyze verify, the completion
# file sources in bash and completes, the tool runs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/ptun-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
src=$tmp/src
dest=$tmp/dest
prefix=/usr/local
failed=0

bad() {
	echo "FAIL: $*"
	failed=1
}

mkdir -p "$src"
# the tree's files, committed or not, without build output
if git -C "$top" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
	(cd "$top" && git ls-files -z -c -o --exclude-standard |
		cpio -0 -pdm --quiet "$src")
else
	tar -C "$top" --exclude=./build --exclude='*.o' --exclude='*.ko' -cf - . |
		tar -C "$src" -xf -
fi

echo "# make install DESTDIR=$dest PREFIX=$prefix"
make -C "$src" install DESTDIR="$dest" PREFIX="$prefix" > "$tmp/install.log" 2>&1 ||
	{ tail -n 40 "$tmp/install.log"; exit 1; }
# shellcheck disable=SC2016 # $(KREL) is make's
krel=$(cd "$src" && make -s --no-print-directory -f Makefile \
	-f <(printf 'print-krel:\n\t@echo $(KREL)\n') print-krel)
echo "# kernel release: $krel"

expected=(
	"$prefix/sbin/ptun"
	"$prefix/share/man/man8/ptun.8"
	/usr/share/bash-completion/completions/ptun
	/lib/systemd/system/ptun@.service
)
for f in "$top"/Documentation/*.5; do
	[ -e "$f" ] && expected+=("$prefix/share/man/man5/${f##*/}")
done
mod=$(cd "$dest" && find "lib/modules/$krel/updates/module" -name 'ptun.ko*' 2>/dev/null | head -n 1)
[ -n "$mod" ] || bad "no module under $dest/lib/modules/$krel/updates/module"
expected+=("/$mod")

for f in "${expected[@]}"; do
	if [ -f "$dest$f" ]; then echo "# installed $f"; else bad "$f not installed"; fi
done
# nothing else than those files
got=$(cd "$dest" && find . -type f -o -type l | sed 's/^\.//' | sort)
want=$(printf '%s\n' "${expected[@]}" | sort)
[ "$got" = "$want" ] || { bad "installed files differ"; diff <(echo "$want") <(echo "$got") || true; }

"$dest$prefix/sbin/ptun" help > /dev/null || bad "the installed tool does not run"
[ -x "$dest$prefix/sbin/ptun" ] || bad "the tool is not executable"

# depmod can index the module (dry run: prints, writes nothing)
out=$(depmod -n -b "$dest" "$krel" 2>&1) || bad "depmod -n -b failed: $out"
grep -q 'updates/module/ptun\.ko.*:' <<<"$out" || bad "depmod -b does not see the module"

# the man page: no warning from groff, and man renders it
man8=$dest$prefix/share/man/man8/ptun.8
warn=$(groff -ww -man -Tutf8 "$man8" 2>&1 >/dev/null)
[ -z "$warn" ] || bad "groff warns about ptun.8: $warn"
out=$(groff -man -Tascii -P-cbou "$man8" 2>/dev/null)
grep -q '^ *monitor \[--json\]' <<<"$out" || bad "the man page does not describe monitor"
if command -v man >/dev/null; then
	warn=$(MANWIDTH=80 man -l "$man8" 2>&1 >/dev/null)
	[ -z "$warn" ] || bad "man -l warns: $warn"
fi
# and ptun.conf(5), the configuration file of ptun up/down
man5=$dest$prefix/share/man/man5/ptun.conf.5
warn=$(groff -ww -man -Tutf8 "$man5" 2>&1 >/dev/null)
[ -z "$warn" ] || bad "groff warns about ptun.conf.5: $warn"
out=$(groff -man -Tascii -P-cbou "$man5" 2>/dev/null)
grep -q 'Interface' <<<"$out" || bad "ptun.conf(5) does not describe [Interface]"
grep -q '^ *up \[\?.*FILE' <(groff -man -Tascii -P-cbou "$man8" 2>/dev/null) ||
	bad "the man page does not describe up"
if command -v man >/dev/null; then
	warn=$(MANWIDTH=80 man -l "$man5" 2>&1 >/dev/null)
	[ -z "$warn" ] || bad "man -l warns about ptun.conf.5: $warn"
fi

# the unit: its ExecStart names the installed tool, and it verifies
unit=$dest/lib/systemd/system/ptun@.service
grep -qx "ExecStartPre=$prefix/sbin/ptun up %i" "$unit" || bad "ExecStartPre of the unit"
grep -qx "ExecStart=$prefix/sbin/ptun settings follow %i" "$unit" || bad "ExecStart of the unit"
grep -qx "ExecStopPost=-$prefix/sbin/ptun down %i" "$unit" || bad "ExecStopPost of the unit"
if command -v systemd-analyze >/dev/null; then
	# a copy whose commands point into DESTDIR, as they will at the root;
	# the man page is checked above (--man=no: it is not on this host)
	mkdir -p "$tmp/unit"
	sed "s|^\(Exec[A-Za-z]*=-\?\)$prefix/|\1$dest$prefix/|" "$unit" > "$tmp/unit/ptun@.service"
	out=$(systemd-analyze verify --man=no "$tmp/unit/ptun@test.service" 2>&1) ||
		bad "systemd-analyze verify failed: $out"
	[ -z "$out" ] || bad "systemd-analyze verify: $out"
fi

# the completion sources cleanly and completes the commands
comp=$dest/usr/share/bash-completion/completions/ptun
out=$(bash -c '
	source "$1" || exit 1
	COMP_WORDS=(ptun mon); COMP_CWORD=1; _ptun
	echo "${COMPREPLY[*]}"
	COMP_WORDS=(ptun key add ptun0 1 role ""); COMP_CWORD=6; _ptun
	echo "${COMPREPLY[*]}"' bash "$comp" 2>&1) || bad "the completion does not source: $out"
[ "$out" = $'monitor\ninitiator responder' ] || bad "completion gave: $out"

echo "# make uninstall DESTDIR=$dest PREFIX=$prefix"
make -C "$src" uninstall DESTDIR="$dest" PREFIX="$prefix" > "$tmp/uninstall.log" 2>&1 ||
	{ tail -n 40 "$tmp/uninstall.log"; exit 1; }
left=$(cd "$dest" && find . -type f -o -type l)
[ -z "$left" ] || bad "uninstall left: $left"

[ "$failed" -eq 0 ] && echo "# install and uninstall: every file checked"
exit "$failed"
