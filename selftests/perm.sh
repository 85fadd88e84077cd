#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Changing state needs CAP_NET_ADMIN over the namespace; reading does not.
source "$(dirname "$0")/lib.sh"

unpriv() {
	run setpriv --reuid 65534 --regid 65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$@"
}

unprivileged_gets_eperm() {
	run "$PTUN" link add ptun0 listen-port 1 mtu 1400
	local before
	before=$(ip -d link show ptun0; "$PTUN" show --json)
	expect_fail unpriv "$PTUN" link add ptun1
	expect_match "$ERR" 'Operation not permitted' "link add"
	expect_fail unpriv "$PTUN" link set ptun0 mtu 1300
	expect_match "$ERR" 'Operation not permitted' "link set"
	expect_fail unpriv "$PTUN" link del ptun0
	expect_match "$ERR" 'Operation not permitted' "link del"
	expect_eq "$(ip -d link show ptun0; "$PTUN" show --json)" "$before" "state"
	expect_eq "$(ptun_links)" "ptun0 " "devices"
	# Reading is not a change of state.
	expect_match "$(unpriv "$PTUN" show ptun0)" 'listen port: 1' "unprivileged show"
}

owner_of_user_namespace_is_admin() {
	# root of a new user namespace owns the network namespace it creates:
	# GENL_UNS_ADMIN_PERM lets it manage ptun devices there and only there.
	command -v unshare >/dev/null || return $KSFT_SKIP
	local out
	out=$(run setpriv --reuid 65534 --regid 65534 --clear-groups \
		unshare --user --map-root-user --net sh -c \
		"'$PTUN' link add ptun5 listen-port 5 && '$PTUN' show --json")
	echo "# $out"
	expect_match "$out" '"ifname":"ptun5"' "device made in the user's own namespace"
	expect_eq "$(ptun_links)" "" "root namespace untouched"
}

ktap_test "an unprivileged caller gets EPERM for every change" unprivileged_gets_eperm
ktap_test "root of a user namespace manages its own network namespace" owner_of_user_namespace_is_admin
ktap_done
