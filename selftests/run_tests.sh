#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs every ptun selftest (in the guest, with ptun.ko loaded) and prints
# one KTAP document with a subtest per file, the way kselftest's runner does.
# A file that exits 4 is skipped (missing dependency).
here=$(cd "$(dirname "$0")" && pwd)
# make check runs these files on every kernel (policy.sh, most of an hour
# under TCG, only with make check-policy); PTUN_TESTS=data picks the
# data-plane files (make check-data); PTUN_TESTS="a.sh b.sh" or arguments
# name files.
tests=(link.sh netns.sh perm.sh genl.sh ynl.sh tunnel.sh
	data.sh path.sh attack.sh keys.sh scale.sh monitor.sh settings.sh
	enforce.sh routes.sh conf.sh unload.sh)
case ${PTUN_TESTS:-} in
"") ;;
data) tests=(tunnel.sh data.sh path.sh attack.sh keys.sh scale.sh) ;;
*) read -r -a tests <<<"$PTUN_TESTS" ;;
esac
[ $# -gt 0 ] && tests=("$@")
# PTUN_SKIP="a.sh b.sh": leave those files out of the list.
if [ -n "${PTUN_SKIP:-}" ]; then
	kept=()
	for t in "${tests[@]}"; do
		case " $PTUN_SKIP " in *" $t "*) ;; *) kept+=("$t") ;; esac
	done
	tests=("${kept[@]}")
fi

echo "KTAP version 1"
echo "1..${#tests[@]}"
n=0
rc_all=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	echo "# selftests: ptun: $t"
	start=$SECONDS
	"$here/$t" 2>&1 | sed 's/^/  /'
	rc=${PIPESTATUS[0]}
	echo "# $t took $((SECONDS - start)) s"
	if [ "$rc" -eq 0 ]; then
		echo "ok $n selftests: ptun: $t"
	elif [ "$rc" -eq 4 ]; then
		echo "ok $n selftests: ptun: $t # SKIP"
	else
		echo "not ok $n selftests: ptun: $t # exit=$rc"
		rc_all=1
	fi
done
exit $rc_all
