#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A device's network settings: set and read back whole, replaced as a
# whole, refused whole when one field is bad, cleared; thousands of routes
# in one request and a multi-part dump; the tunnel status they drive, with
# its events; only an admin may change them. (Routing and enforcement are
# not there yet: these tests prove the object, not the policy.)
source "$(dirname "$0")/lib.sh"

# settings_json [DEV]: the settings of DEV (default ptun0), as ptun show
# --json gives them (null if none).
settings_json() {
	"$PTUN" show --json "${1:-ptun0}" | jq -c '.devices[0].settings'
}

dev_status() {
	"$PTUN" show --json "${1:-ptun0}" | jq -r '.devices[0].status'
}

# The raw dump of ptun0's settings (every part), for before/after checks.
settings_dump() {
	python3 "$NLRAW" request --dump PTUN_CMD_SETTINGS_GET \
		PTUN_A_SETTINGS_IFNAME:str:ptun0 | jq -c '.replies'
}

FULL=(remote 192.0.2.1 remote 2001:db8::1
      address 10.7.0.2/24 address fd07::2/64
      include 10.0.0.0/8 include fd00::/8 include 0.0.0.0/0
      exclude 10.10.0.0/16 exclude fd00:1::/32
      enforce-routes on include-all-networks on exclude-local-networks on
      dns 10.7.0.53 dns fd07::53 dns 10.7.0.54
      search-domain corp.example.com search-domain example.org.
      match-domain internal.example match-domain .
      mtu 1380 table 1000 priority 2000)

every_field_reads_back() {
	run "$PTUN" link add ptun0
	expect_eq "$(settings_json)" null "settings before"
	expect_eq "$(dev_status)" disconnected "status before"
	run "$PTUN" settings set ptun0 "${FULL[@]}"
	local got want
	got=$(settings_json)
	echo "# $got"
	want='{"generation":1,"remote":["192.0.2.1","2001:db8::1"],'
	want+='"addresses":["10.7.0.2/24","fd07::2/64"],'
	want+='"include_routes":["10.0.0.0/8","0.0.0.0/0","fd00::/8"],'
	want+='"exclude_routes":["10.10.0.0/16","fd00:1::/32"],'
	want+='"enforce_routes":true,"include_all_networks":true,"exclude_local_networks":true,'
	want+='"dns_servers":["10.7.0.53","fd07::53","10.7.0.54"],'
	want+='"search_domains":["corp.example.com","example.org."],'
	want+='"match_domains":["internal.example","."],'
	want+='"mtu":1380,"table":1000,"priority":2000}'
	expect_eq "$got" "$want" "JSON settings"
	expect_eq "$(dev_status)" connecting "status with settings and no peer"

	got=$("$PTUN" show ptun0)
	echo "$got" | sed 's/^/# /'
	local line
	while IFS= read -r line; do
		echo "$got" | grep -qxF -- "$line" || fail "text output lacks '$line'"
	done <<-'EOF'
	  status: connecting
	  settings: generation 1
	    remote: 192.0.2.1, 2001:db8::1
	    addresses: 10.7.0.2/24, fd07::2/64
	    included routes: 10.0.0.0/8, 0.0.0.0/0, fd00::/8
	    excluded routes: 10.10.0.0/16, fd00:1::/32
	    enforce routes: on
	    include all networks: on
	    exclude local networks: on
	    dns servers: 10.7.0.53, fd07::53, 10.7.0.54
	    search domains: corp.example.com, example.org.
	    match domains: internal.example, .
	    mtu: 1380
	    table: 1000
	    priority: 2000
	EOF

	# The kernel's own view: one do reply with every attribute.
	got=$(run python3 "$NLRAW" request PTUN_CMD_SETTINGS_GET \
		PTUN_A_SETTINGS_IFNAME:str:ptun0 | jq -c '.replies[0] |
		[.status, .include_route, .dns_server, .match_domain, .table]')
	expect_eq "$got" '["connecting",["10.0.0.0/8","0.0.0.0/0","fd00::/8"],["10.7.0.53","fd07::53","10.7.0.54"],["internal.example","."],1000]' \
		"settings-get do"
}

replaced_as_a_whole() {
	run "$PTUN" link add ptun0
	run "$PTUN" settings set ptun0 "${FULL[@]}"
	run "$PTUN" settings set ptun0 include 192.168.0.0/16
	local want='{"generation":2,"remote":[],"addresses":[],"include_routes":["192.168.0.0/16"],'
	want+='"exclude_routes":[],"enforce_routes":false,"include_all_networks":false,'
	want+='"exclude_local_networks":false,"dns_servers":[],"search_domains":[],'
	want+='"match_domains":[],"mtu":null,"table":28788,"priority":28788}'
	expect_eq "$(settings_json)" "$want" "settings after the second set"
	# Empty settings are settings too (the defaults).
	run "$PTUN" settings set ptun0
	expect_eq "$(settings_json | jq -c '[.generation, .include_routes, .table]')" \
		'[3,[],28788]' "empty settings"
}

# bad WHAT REGEX ARGS...: "settings set ptun0 ARGS" fails with a message
# matching REGEX, and the settings (the kernel's dump) stay as they were.
bad() {
	local what=$1 re=$2
	shift 2
	expect_fail "$PTUN" settings set ptun0 "$@"
	# One line says why; a wrong shape of command line adds the usage.
	expect_match "$(echo "$ERR" | head -n 1)" "^ptun: .*$re" "$what: message"
	[ "$(echo "$ERR" | wc -l)" -eq 1 ] ||
		expect_match "$(echo "$ERR" | sed -n 2p)" '^Usage: ' "$what: after the message"
	# (the tool's dump, not nlraw's: python starts slowly under TCG)
	expect_eq "$("$PTUN" show --json ptun0)" "$BEFORE_SHOW" "$what: settings after"
}

bad_field_changes_nothing() {
	run "$PTUN" link add ptun0
	run "$PTUN" settings set ptun0 "${FULL[@]}"
	BEFORE=$(settings_dump)
	BEFORE_SHOW=$("$PTUN" show --json ptun0)
	[ "$(echo "$BEFORE" | jq length)" -ge 1 ] || fail "no settings dumped"
	expect_match "$BEFORE_SHOW" '"include_routes":\["10\.0\.0\.0/8"' "settings shown before"
	local dns17=() i
	for i in $(seq 1 17); do dns17+=(dns "10.53.0.$i"); done
	# Each one also carries good fields, which must not be applied either.
	bad "/33" 'invalid include "10\.0\.0\.0/33" \(prefix length must be 0-32\)' \
		include 172.16.0.0/12 include 10.0.0.0/33
	bad "/129" 'invalid exclude "fd00::/129"' include 172.16.0.0/12 exclude fd00::/129
	bad "host bits" 'invalid include "10\.1\.2\.3/8" \(host bits set' \
		include 172.16.0.0/12 include 10.1.2.3/8
	bad "v6 host bits" 'invalid exclude "fd00::1/64" \(host bits set' exclude fd00::1/64
	bad "mtu range" 'invalid mtu "67"' include 172.16.0.0/12 mtu 67
	bad "mtu over the device's" "mtu above the device's maximum" \
		include 172.16.0.0/12 mtu 65500
	bad "mtu under IPv6's" "mtu below 1280 with an IPv6 address" \
		address fd07::2/64 mtu 1000
	bad "domain" 'invalid search-domain' include 172.16.0.0/12 search-domain 'bad..example'
	bad "domain charset" 'invalid match-domain' match-domain 'ex ample.com'
	bad "label with a dash" 'invalid search-domain' search-domain '-bad.example'
	bad "too many" 'too many dns-server \(at most 16\)' include 172.16.0.0/12 "${dns17[@]}"
	bad "reserved table" 'reserved tables' include 172.16.0.0/12 table 254
	bad "unknown word" 'unknown option "frobnicate"' include 172.16.0.0/12 frobnicate 1
	bad "on|off" 'invalid enforce-routes "yes"' enforce-routes yes
	bad "mtu twice" '"mtu" given twice' mtu 1400 mtu 1400
	bad "address" 'invalid remote "192\.0\.2\.1/32"' remote 192.0.2.1/32
	bad "a route twice" 'include "10\.0\.0\.0/8" is given twice' \
		include 10.0.0.0/8 exclude 10.0.0.0/8 include 10.0.0.0/8
	bad "a domain twice" 'search-domain "[aA]\.example" is given twice' \
		search-domain a.example search-domain A.example

	# What the tool never sends, straight to the kernel: each refused
	# with an extack message naming the attribute.
	local cases got req want_err want_bad err msg badattr n=0
	cases=$(cat <<-'CASES'
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_INCLUDE_ROUTE:ip:10.0.0.0/33	IPv4 prefix-len above 32	PTUN_A_SETTINGS_INCLUDE_ROUTE
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_EXCLUDE_ROUTE:ip:fd00::/129	.	PTUN_A_SETTINGS_EXCLUDE_ROUTE
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_INCLUDE_ROUTE:ip:10.1.2.3/8	host bits	PTUN_A_SETTINGS_INCLUDE_ROUTE
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_EXCLUDE_ROUTE:ip:fd00::1/64	host bits	PTUN_A_SETTINGS_EXCLUDE_ROUTE
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_INCLUDE_ROUTE:ip:10.0.0.0	need a prefix-len	PTUN_A_SETTINGS_INCLUDE_ROUTE
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_REMOTE:ip:192.0.2.1/32	take no prefix-len	PTUN_A_SETTINGS_REMOTE
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_DNS_SERVER:ip:0.0.0.0	unspecified	PTUN_A_SETTINGS_DNS_SERVER
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_ADDRESS:ip:10.7.0.2/0	at least 1	PTUN_A_SETTINGS_ADDRESS
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_ADDRESS:ip:224.0.0.1/4	multicast	PTUN_A_SETTINGS_ADDRESS
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 0x8005:hex:0500030020000000	ipv4 or ipv6	PTUN_A_SETTINGS_REMOTE
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_MTU:u32:65456	maximum	PTUN_A_SETTINGS_MTU
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_MTU:u32:67	.	PTUN_A_SETTINGS_MTU
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_TABLE:u32:0	reserved tables	PTUN_A_SETTINGS_TABLE
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_PRIORITY:u32:32766	.	PTUN_A_SETTINGS_PRIORITY
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_ENFORCE_ROUTES:u8:2	.	PTUN_A_SETTINGS_ENFORCE_ROUTES
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_SEARCH_DOMAIN:str:a.b-	invalid search-domain	PTUN_A_SETTINGS_SEARCH_DOMAIN
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_SEARCH_DOMAIN:str:.	invalid search-domain	PTUN_A_SETTINGS_SEARCH_DOMAIN
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_MATCH_DOMAIN:str:	invalid match-domain	PTUN_A_SETTINGS_MATCH_DOMAIN
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_MATCH_DOMAIN:str:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com	invalid match-domain	PTUN_A_SETTINGS_MATCH_DOMAIN
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_STATUS:u32:2	.	PTUN_A_SETTINGS_STATUS
	PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0 200:u32:1	.	-
	PTUN_CMD_SETTINGS_CLEAR PTUN_A_SETTINGS_IFNAME:str:ptun0 PTUN_A_SETTINGS_MTU:u32:1400	.	PTUN_A_SETTINGS_MTU
	CASES
	)
	got=$(echo "$cases" | cut -f1 | run python3 "$NLRAW" batch)
	while IFS=$'\t' read -r req want_err want_bad; do
		n=$((n + 1))
		IFS='|' read -r err msg badattr <<<"$(echo "$got" | sed -n "${n}p")"
		echo "# ${req#*ptun0 } -> $err ($msg) [$badattr]"
		[ "$err" != ok ] || fail "$req: accepted"
		[ -n "$msg" ] || fail "$req: no extack message"
		expect_match "$msg" "$want_err" "$req: extack"
		[ "$want_bad" = - ] || expect_eq "$badattr" "$want_bad" "$req: blamed attribute"
	done <<<"$cases"
	expect_eq "$n" 22 "kernel cases checked"
	# 65 addresses: one too many, refused by the kernel.
	req="PTUN_CMD_SETTINGS_SET PTUN_A_SETTINGS_IFNAME:str:ptun0"
	for i in $(seq 1 65); do req+=" PTUN_A_SETTINGS_ADDRESS:ip:10.8.0.$i/24"; done
	got=$(echo "$req" | python3 "$NLRAW" batch)
	echo "# 65 addresses -> $got"
	expect_match "$got" '^Argument list too long\|too many address \(at most 64\)\|PTUN_A_SETTINGS_ADDRESS$' \
		"65 addresses"
	expect_eq "$(settings_dump)" "$BEFORE" "settings after the raw requests"
}

cleared() {
	run "$PTUN" link add ptun0
	expect_fail "$PTUN" settings clear ptun0
	expect_match "$ERR" 'No such file or directory \((ptun: )?the device has no settings\)' "clear without settings"
	run "$PTUN" settings set ptun0 include 10.0.0.0/8 dns 10.0.0.53
	run "$PTUN" settings clear ptun0
	expect_eq "$(settings_json)" null "settings after clear"
	expect_eq "$(dev_status)" disconnected "status after clear"
	expect_eq "$(settings_dump)" "[]" "dump after clear"
	got=$(python3 "$NLRAW" request PTUN_CMD_SETTINGS_GET PTUN_A_SETTINGS_IFNAME:str:ptun0)
	expect_eq "$(echo "$got" | jq -r .error)" "No such file or directory" "settings-get do after clear"
	# Set again: a new generation, nothing of the old.
	run "$PTUN" settings set ptun0 exclude 10.1.0.0/16
	expect_eq "$(settings_json | jq -c '[.generation, .include_routes, .exclude_routes, .dns_servers]')" \
		'[3,[],["10.1.0.0/16"],[]]' "settings after clear and set"
	# Deleting the device takes them along (kmemleak would tell).
	run "$PTUN" link del ptun0
	expect_eq "$(settings_dump | jq -r 'length')" 0 "dump after link del"
}

# 10 000 IPv4 routes and 2 000 IPv6 ones in one request, dumped back in
# several parts, in order, none lost or doubled.
ten_thousand_routes() {
	run "$PTUN" link add ptun0
	run "$PTUN" link add ptun1
	local args=() want4 want6 got start took parts
	# (awk, not bash loops: those take minutes under TCG)
	want4=$(awk 'BEGIN { for (i = 0; i < 10000; i++)
		printf "10.%d.%d.0/24\n", int(i / 256), i % 256 }')
	want6=$(awk 'BEGIN { for (i = 1; i <= 2000; i++) printf "fd00:%x::/32\n", i }')
	mapfile -t args < <(echo "$want4" | sed 's/^/include\n/'; echo "$want6" | sed 's/^/exclude\n/')
	expect_eq "${#args[@]}" 24000 "words built"
	run "$PTUN" settings set ptun1 include 10.0.0.0/8
	start=$SECONDS
	echo "# [root] $PTUN settings set ptun0 (12000 routes)"
	"$PTUN" settings set ptun0 "${args[@]}" dns 10.0.0.53
	took=$((SECONDS - start))
	echo "# settings set with 12000 routes took $took s"
	[ "$took" -le 120 ] || fail "settings set took $took s"

	start=$SECONDS
	got=$("$PTUN" show --json ptun0)
	took=$((SECONDS - start))
	echo "# show took $took s"
	[ "$took" -le 120 ] || fail "show took $took s"
	expect_eq "$(echo "$got" | jq '.devices[0].settings.include_routes | length')" 10000 "included routes"
	expect_eq "$(echo "$got" | jq '.devices[0].settings.exclude_routes | length')" 2000 "excluded routes"
	expect_eq "$(echo "$got" | jq -r '.devices[0].settings.include_routes[]')" "$want4" "included routes, in order"
	expect_eq "$(echo "$got" | jq -r '.devices[0].settings.exclude_routes[]')" "$want6" "excluded routes, in order"
	expect_eq "$(echo "$got" | jq -c '.devices[0].settings.dns_servers')" '["10.0.0.53"]' "dns after the routes"

	# The raw dump of all devices: several parts, every message with its
	# device's ifindex; ptun1's settings whole after ptun0's.
	local if0 if1
	if0=$(cat /sys/class/net/ptun0/ifindex)
	if1=$(cat /sys/class/net/ptun1/ifindex)
	got=$(run python3 "$NLRAW" request --dump PTUN_CMD_SETTINGS_GET)
	parts=$(echo "$got" | jq .parts)
	echo "# dump: $(echo "$got" | jq '.replies | length') messages in $parts parts"
	[ "$parts" -gt 2 ] || fail "dump of 12000 routes in $parts parts"
	expect_eq "$(echo "$got" | jq -r --argjson i "$if0" \
		'.replies[] | select(.ifindex == $i) | .include_route // [] | .[]')" \
		"$want4" "included routes in the raw dump"
	expect_eq "$(echo "$got" | jq -c --argjson i "$if1" \
		'[.replies[] | select(.ifindex == $i) | .include_route // [] | .[]]')" \
		'["10.0.0.0/8"]' "the other device's settings"
	expect_eq "$(echo "$got" | jq '[.replies[] | select(.ifindex == null)] | length')" 0 \
		"messages without ifindex"
	# Too big for a do reply: the kernel says to dump.
	got=$(python3 "$NLRAW" request PTUN_CMD_SETTINGS_GET PTUN_A_SETTINGS_IFNAME:str:ptun0)
	expect_match "$(echo "$got" | jq -r '"\(.error) (\(.extack))"')" \
		'^Message too long \((ptun: )?settings too large for one message: dump them\)$' "settings-get do"

	# One route more than the kernel takes is refused whole.
	mapfile -t args < <(awk 'BEGIN { for (i = 0; i <= 16384; i++)
		printf "include\n11.%d.%d.0/24\n", int(i / 256), i % 256 }')
	# (through a function: the log gets its name, not 32 770 words)
	expect_fail set_too_many
	expect_match "$ERR" 'too many include-route \(at most 16384\)' "16385 routes"
	expect_eq "$("$PTUN" show --json ptun0 | jq '.devices[0].settings.include_routes | length')" 10000 \
		"routes after the refused request"
}

# set_too_many: settings set with the included routes in args (the
# caller's array).
set_too_many() {
	"$PTUN" settings set ptun0 "${args[@]}"
}

# ev_list FILE: the recorded status and settings events, one a line.
ev_list() {
	jq -r 'if .cmd == "PTUN_CMD_STATUS_CHANGED_NTF" then "status \(.status)"
		else "settings \(.generation)\(if .cleared then " cleared" else "" end)" end' "$1"
}

# ev_lines FILE N: at least N events recorded; for wait_for.
ev_lines() {
	[ "$(ev_list "$1" | wc -l)" -ge "$2" ]
}

status_follows_the_tunnel() {
	local SRV_PEER=() CLI_PEER=() ev=$DTMP/status-ev want
	ns_add srv c1
	tun_server srv
	ul_link srv c1 1
	nsrun c1 "$PTUN" link add ptun0 listen-port $CLI_PORT
	tun_client_addrs c1 1
	# (ev_start, waiting longer: python starts slowly on a loaded host)
	rm -f "$ev" "$ev.ready"
	bgns c1 python3 "$NLRAW" listen --count 100000 --timeout 3600 --time \
		--ready "$ev.ready" --cmd PTUN_CMD_STATUS_CHANGED_NTF \
		--cmd PTUN_CMD_SETTINGS_CHANGED_NTF > "$ev"
	wait_for 180 test -e "$ev.ready"
	expect_eq "$(ip netns exec c1 "$PTUN" show --json | jq -r '.devices[0].status')" disconnected "status at first"

	nsrun c1 "$PTUN" settings set ptun0 remote 10.1.1.1 include 10.9.0.0/24
	wait_for 60 ev_lines "$ev" 2
	expect_eq "$(ip netns exec c1 "$PTUN" show --json | jq -r '.devices[0].status')" connecting "status after set"
	# A peer without a key does not connect.
	nsrun srv "$PTUN" peer add ptun0 1 endpoint "$(endpoint_of 1 c 4)" \
		allowed-ips 10.9.1.0/24 remote-id 100
	nsrun c1 "$PTUN" peer add ptun0 100 endpoint "$(endpoint_of 1 s 4)" \
		allowed-ips 10.9.0.0/24 remote-id 1
	key_pair srv c1 1 1 chacha20-poly1305
	wait_for 60 ev_lines "$ev" 3
	expect_eq "$(ip netns exec c1 "$PTUN" show --json | jq -r '.devices[0].status')" connected "status with a keyed peer"
	ping_ok c1 10.9.0.1
	# The same settings again: settings-changed, no status change.
	nsrun c1 "$PTUN" settings set ptun0 remote 10.1.1.1 include 10.9.0.0/24
	# The key goes: reasserting; a new one: connected again.
	nsrun c1 "$PTUN" key del ptun0 100 slot primary
	wait_for 60 ev_lines "$ev" 5
	expect_eq "$(ip netns exec c1 "$PTUN" show --json | jq -r '.devices[0].status')" reasserting "status without the key"
	key_pair srv c1 1 2 chacha20-poly1305
	wait_for 60 ev_lines "$ev" 6
	# Silence past the keepalive timeout: reasserting; the server's
	# keepalives bring it back (a datagram heard, not a command).
	nsrun c1 "$PTUN" peer set ptun0 100 keepalive-timeout 2
	wait_for 60 ev_lines "$ev" 7
	expect_eq "$(ip netns exec c1 "$PTUN" show --json | jq -r '.devices[0].peers[0].dead')" true "peer dead"
	nsrun srv "$PTUN" peer set ptun0 1 keepalive 1
	wait_for 60 ev_lines "$ev" 8
	# No more dead-peer detection: a slow machine could flap it.
	nsrun c1 "$PTUN" peer set ptun0 100 keepalive-timeout 0
	nsrun c1 "$PTUN" settings clear ptun0
	wait_for 60 ev_has "$ev" '.status == "disconnected"'
	expect_eq "$(ip netns exec c1 "$PTUN" show --json | jq -r '.devices[0].status')" disconnected "status after clear"
	ev_list "$ev" | sed 's/^/# event: /'
	want="settings 1
status connecting
status connected
settings 2
status reasserting
status connected
status reasserting
status connected"
	expect_eq "$(ev_list "$ev" | head -n 8)" "$want" "events up to the revival"
	want="status disconnecting
settings 3 cleared
status disconnected"
	expect_eq "$(ev_list "$ev" | tail -n 3)" "$want" "events of the clear"
	# Between them at most a dead-alive flap of a loaded machine.
	expect_eq "$(ev_list "$ev" | sed '1,8d' | head -n -3 | grep -cvE '^status (reasserting|connected)$')" 0 \
		"other events between"
	expect_eq "$(jq -r .ifname "$ev" | sort -u)" ptun0 "events' device"
}

unpriv() {
	run setpriv --reuid 65534 --regid 65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$@"
}

unprivileged_gets_eperm() {
	run "$PTUN" link add ptun0
	run "$PTUN" settings set ptun0 include 10.0.0.0/8
	local before
	before=$("$PTUN" show --json ptun0)
	expect_match "$before" '"include_routes":\["10\.0\.0\.0/8"\]' "settings before"
	expect_fail unpriv "$PTUN" settings set ptun0 include 10.1.0.0/16
	expect_match "$ERR" 'Operation not permitted' "settings set"
	expect_fail unpriv "$PTUN" settings clear ptun0
	expect_match "$ERR" 'Operation not permitted' "settings clear"
	expect_eq "$("$PTUN" show --json ptun0)" "$before" "settings"
	# Reading is not a change of state.
	expect_match "$(unpriv "$PTUN" show ptun0)" 'included routes: 10\.0\.0\.0/8' "unprivileged show"
}

ktap_test "every settings field is stored and shown back (text, JSON)" every_field_reads_back
ktap_test "settings set replaces the settings as a whole" replaced_as_a_whole
ktap_test "a bad field refuses the request and changes nothing" bad_field_changes_nothing
ktap_test "settings clear removes the settings" cleared
ktap_test "10 000 routes in one request, dumped back in parts" ten_thousand_routes
ktap_test "status follows settings, keys and peer liveness, with events" status_follows_the_tunnel
ktap_test "an unprivileged caller gets EPERM for settings changes" unprivileged_gets_eperm
ktap_done
