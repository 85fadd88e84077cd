#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The spec and the module agree: the kernel's own YNL cli drives the family
# with Documentation/netlink/specs/ptun.yaml. KSRC names an unpacked
# linux-source tree (make deps unpacks one); without it the test skips.
source "$(dirname "$0")/lib.sh"

KSRC=${KSRC:-/var/cache/ptun/linux-source-6.12}
CLI=$KSRC/tools/net/ynl/cli.py
SPEC=$top/Documentation/netlink/specs/ptun.yaml

# The schema check is slow under TCG: the first scenario validates the
# spec against the schema, the others skip it (--no-schema).
ynl() {
	run /usr/bin/python3 "$CLI" --spec "$SPEC" --no-schema "$@"
}

setup_schema() {
	[ -f "$CLI" ] || return $KSFT_SKIP
	# The 6.12 schema predates uns-admin-perm; add that one value (as
	# scripts/regen.sh does) and validate the spec against the rest.
	SCHEMA=$(mktemp --suffix=.yaml)
	sed 's/enum: \[ admin-perm \]/enum: [ admin-perm, uns-admin-perm ]/' \
		"$KSRC/Documentation/netlink/genetlink.yaml" > "$SCHEMA"
}

ynl_dump_matches_tool() {
	setup_schema || return
	run "$PTUN" link add ptun0 listen-port 51820 fwmark 0x10 mtu 1380
	run ip link add ptun1 type ptun
	local mine theirs
	mine=$("$PTUN" show --json | jq -r '.devices | sort_by(.ifname)[] |
		"\(.ifindex) \(.ifname) \(.listen_port) \(.fwmark) \(.mtu)"')
	theirs=$(run /usr/bin/python3 "$CLI" --spec "$SPEC" --schema "$SCHEMA" \
		--dump dev-get --output-json | jq -r 'sort_by(.ifname)[] |
		"\(.ifindex) \(.ifname) \(.["listen-port"]) \(.fwmark) \(.mtu)"')
	echo "$theirs" | sed 's/^/# ynl: /'
	expect_eq "$theirs" "$mine" "ynl dump vs ptun show"
	expect_eq "$(echo "$theirs" | wc -l)" "2" "devices"
	# and the peers of one device, a message each
	run "$PTUN" peer add ptun0 1 endpoint 192.0.2.1:51820 allowed-ips 10.0.0.1/32
	run "$PTUN" peer add ptun0 2 allowed-ips 10.0.0.2/32,fd00::2/128 keepalive 25
	mine=$("$PTUN" show --json ptun0 | jq -r '.devices[0].peers | sort_by(.id)[] |
		"\(.id) \(.keepalive) \(.allowed_ips | length)"')
	theirs=$(ynl --dump peer-get --json '{"ifname": "ptun0"}' --output-json |
		jq -r 'map(.peer) | sort_by(.id)[] |
		"\(.id) \(.keepalive // 0) \(.["allowed-ip"] | length)"')
	echo "$theirs" | sed 's/^/# ynl peers: /'
	expect_eq "$theirs" "$mine" "ynl peer dump vs ptun show"
	expect_eq "$(echo "$theirs" | wc -l)" "2" "peers"
}

ynl_do_commands() {
	setup_schema || return
	local out
	# One cli.py run, three requests in one batch, handled in order.
	out=$(ynl --multi dev-new '{"ifname": "ynl0", "listen-port": 999}' \
		  --multi dev-set '{"ifname": "ynl0", "mtu": 1280}' \
		  --multi dev-get '{"ifname": "ynl0"}' --output-json)
	echo "# $out"
	expect_eq "$(echo "$out" | jq -r '.[0].ifname')" "ynl0" "dev-new reply"
	expect_eq "$(echo "$out" | jq -r '.[2] | "\(.mtu) \(.["listen-port"])"')" \
		"1280 999" "dev-get after dev-set"
	expect_eq "$(ip -o link show ynl0 | grep -o 'mtu [0-9]*')" "mtu 1280" "ip sees the mtu"
	# cli.py prints the kernel's error (with its extack) on stdout
	if out=$(ynl --do dev-set --json '{"ifname": "ynl0", "mtu": 20}' 2>&1); then
		fail "mtu 20 accepted"
	fi
	echo "# $out"
	expect_match "$out" 'bad-attr.*mtu|mtu.*range|out of range' "error names the mtu"
	ynl --do dev-del --json '{"ifname": "ynl0"}'
	expect_eq "$(ptun_links)" "" "devices after dev-del"
}

# subscribed PID: the process PID has a generic netlink socket that joined
# a multicast group (/proc/net/netlink: Eth 16, Pid, Groups).
subscribed() {
	awk -v pid="$1" '$2 == 16 && $3 == pid && $4 != "00000000"' \
		/proc/net/netlink | grep -q .
}

ynl_receives_events() {
	setup_schema || return
	run "$PTUN" link add ev0
	local out=/tmp/ynl-events pid
	# cli.py of 6.12 cannot take a notification in the middle of its own
	# request, so it only listens: it subscribes, waits --sleep seconds,
	# then prints what arrived. The change is made once it has subscribed;
	# the kernel queues the event before "link set" returns.
	/usr/bin/python3 "$CLI" --spec "$SPEC" --no-schema \
		--subscribe events --sleep 20 --output-json > "$out" 2>&1 &
	pid=$!
	# Starting cli.py takes a minute on the debug kernel.
	wait_for 300 subscribed "$pid"
	run "$PTUN" link set ev0 mtu 1300
	wait "$pid" || fail "cli.py failed: $(cat "$out")"
	sed 's/^/# /' "$out"
	expect_match "$(cat "$out")" 'dev-change-ntf' "notification name"
	expect_match "$(cat "$out")" '"mtu": 1300' "notification body"
}

# The settings commands through the spec: nested addresses in lists, the
# tunnel status as an enum name, a filtered dump, clear.
ynl_settings() {
	setup_schema || return
	run "$PTUN" link add ptun0
	local out
	# 10.0.0.0/8, fd00::/8 and 10.0.0.53 (ipv4 is a big-endian u32)
	ynl --do settings-set --json '{"ifname": "ptun0",
		"include-route": [{"ipv4": 167772160, "prefix-len": 8},
				  {"ipv6": "fd000000000000000000000000000000", "prefix-len": 8}],
		"dns-server": [{"ipv4": 167772213}],
		"search-domain": ["corp.example"], "enforce-routes": 1, "table": 100}'
	expect_eq "$("$PTUN" show --json ptun0 | jq -c '.devices[0].settings |
		[.include_routes, .dns_servers, .search_domains, .enforce_routes, .table]')" \
		'[["10.0.0.0/8","fd00::/8"],["10.0.0.53"],["corp.example"],true,100]' "ptun show after ynl set"
	out=$(ynl --dump settings-get --json '{"ifname": "ptun0"}' --output-json)
	echo "# $out"
	expect_eq "$(echo "$out" | jq -c '.[0] | [.status, ."include-route", ."dns-server", ."search-domain", .table]')" \
		'["connecting",[{"ipv4":"10.0.0.0","prefix-len":8},{"ipv6":"fd00::","prefix-len":8}],[{"ipv4":"10.0.0.53"}],["corp.example"],100]' \
		"ynl settings dump"
	out=$(ynl --do dev-get --json '{"ifname": "ptun0"}' --output-json)
	expect_eq "$(echo "$out" | jq -r .status)" connecting "dev-get status"
	ynl --do settings-clear --json '{"ifname": "ptun0"}'
	expect_eq "$("$PTUN" show --json ptun0 | jq -c '.devices[0] | [.status, .settings]')" \
		'["disconnected",null]' "after ynl clear"
}

# Capability discovery: the kernel's policy dump (nlctrl getpolicy) lists
# every command of the spec with the checks the kernel applies, so a
# program can see what this module's version accepts before asking.
ynl_policy_dump() {
	setup_schema || return
	local out ops want
	out=$(run /usr/bin/python3 "$CLI" --no-schema \
		--spec "$KSRC/Documentation/netlink/specs/nlctrl.yaml" \
		--dump getpolicy --json '{"family-name": "ptun"}' --output-json)
	echo "$out" | jq -c '.[]' | head -n 3 | cut -c1-300 | sed 's/^/# /'
	# every operation of the spec with a do or dump has an op-policy
	want=$(python3 -c 'import sys, yaml
ops = yaml.safe_load(open(sys.argv[1]))["operations"]["list"]
print(sum(1 for o in ops if "do" in o or "dump" in o))' "$SPEC")
	ops=$(echo "$out" | jq '[.[] | ."op-policy" // empty | ."op-id"] | unique | length')
	expect_eq "$ops" "$want" "operations with a policy"
	# the MTU's lower bound (min-mtu, 68) is one of the checks reported
	echo "$out" | jq -c '.. | objects | select(has("min-value-u"))' |
		head -n 3 | sed 's/^/# /'
	expect_eq "$(echo "$out" | jq '[.. | objects |
		select(."min-value-u" == 68)] | length > 0')" true \
		"mtu lower bound (68) in the policy"
}

ktap_test "ynl cli dump of the spec matches ptun show" ynl_dump_matches_tool
ktap_test "ynl cli drives dev-new, dev-set, dev-get, dev-del" ynl_do_commands
ktap_test "ynl cli receives events with --subscribe" ynl_receives_events
ktap_test "ynl cli sets, dumps and clears settings" ynl_settings
ktap_test "the policy dump lists every command and its checks" ynl_policy_dump
ktap_done
