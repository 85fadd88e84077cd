/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptun show: what show.c collects from the kernel and the two printers
 * (show_text.c, show_json.c) print. A new field goes into these structs,
 * the parser in show.c and both printers.
 */

#ifndef _PTUN_SHOW_H
#define _PTUN_SHOW_H

#include <netlink/attr.h>

#include "ptun.h"

/* A peer has two key slots. */
#define SHOW_MAX_KEYS	2

/**
 * struct show_key - a key slot of a peer, as PTUN_A_PEER_KEY gave it
 * @num: the value of each number attribute, by PTUN_A_KEYCONF_*
 * @has: bit n is set if attribute n came
 */
struct show_key {
	uint64_t num[PTUN_A_KEYCONF_MAX + 1];
	uint32_t has;
};

/**
 * struct show_peer - a peer, as a PTUN_CMD_PEER_GET reply gave it
 * @num: the value of each number attribute, by PTUN_A_PEER_*
 * @has: bit n is set if attribute n came (PTUN_A_PEER_DEAD included)
 * @has_endpoint: @endpoint is set
 * @endpoint: the endpoint
 * @ips: the allowed prefixes, in the kernel's order
 * @nr_ips: their number
 * @keys: the installed key slots
 * @nr_keys: their number
 */
struct show_peer {
	uint64_t num[PTUN_A_PEER_MAX + 1];
	uint32_t has;
	bool has_endpoint;
	struct ptun_endpoint endpoint;
	struct ptun_prefix *ips;
	size_t nr_ips;
	struct show_key keys[SHOW_MAX_KEYS];
	size_t nr_keys;
};

/**
 * struct show_settings - a device's settings, as a PTUN_CMD_SETTINGS_GET
 *	dump gave them (over one message or several)
 * @generation: their generation
 * @status: the tunnel status the first message reported
 * @has_mtu: @mtu is set (else the MTU is computed)
 * @mtu: the tunnel MTU
 * @table: the routing table
 * @priority: the rule priority
 * @enforce_routes: enforce-routes is on
 * @include_all_networks: include-all-networks is on
 * @exclude_local_networks: exclude-local-networks is on
 * @remote: the remote addresses
 * @nr_remote: their number
 * @addresses: the device's addresses with their prefix lengths
 * @nr_addresses: their number
 * @include: the included routes, in the kernel's order (IPv4 first)
 * @nr_include: their number
 * @exclude: the excluded routes
 * @nr_exclude: their number
 * @dns: the DNS servers
 * @nr_dns: their number
 * @search: the search domains
 * @nr_search: their number
 * @match: the match domains
 * @nr_match: their number
 * @cap: room in each array, by the order of the arrays above
 */
struct show_settings {
	uint32_t generation;
	uint32_t status;
	bool has_mtu;
	uint32_t mtu;
	uint32_t table;
	uint32_t priority;
	bool enforce_routes;
	bool include_all_networks;
	bool exclude_local_networks;
	struct ptun_addr *remote;
	size_t nr_remote;
	struct ptun_prefix *addresses;
	size_t nr_addresses;
	struct ptun_prefix *include;
	size_t nr_include;
	struct ptun_prefix *exclude;
	size_t nr_exclude;
	struct ptun_addr *dns;
	size_t nr_dns;
	char **search;
	size_t nr_search;
	char **match;
	size_t nr_match;
	size_t cap[7];
};

/**
 * struct show_dev - a device, as a PTUN_CMD_DEV_GET reply gave it
 * @ifname: its name
 * @ifindex: its index
 * @listen_port: its UDP port, 0 if not chosen yet
 * @fwmark: its mark, 0 if none
 * @mtu: its MTU
 * @drops: its drop counters by PTUN_A_DROPS_*, 0 for those not reported
 * @has_status: @status came (an older module does not send it)
 * @status: its tunnel status, enum ptun_status
 * @settings: its settings, NULL if it has none
 * @peers: its peers, by id
 * @nr_peers: their number
 * @cap_peers: room in @peers
 */
struct show_dev {
	char ifname[PTUN_IFNAME_MAX_LEN + 1];
	uint32_t ifindex;
	uint16_t listen_port;
	uint32_t fwmark;
	uint32_t mtu;
	uint64_t drops[PTUN_A_DROPS_MAX + 1];
	bool has_status;
	uint32_t status;
	struct show_settings *settings;
	struct show_peer *peers;
	size_t nr_peers;
	size_t cap_peers;
};

struct show_list {
	struct show_dev *devs;
	size_t len;
	size_t cap;
};

static inline bool show_has(uint32_t has, int attr)
{
	return has & (1u << attr);
}

/* The JSON and the text name of each drop counter, by PTUN_A_DROPS_*. */
struct show_drop_name {
	const char *json;
	const char *text;
};

extern const struct show_drop_name show_drop_names[PTUN_A_DROPS_MAX + 1];

/* Names of enum ptun_status, NULL-terminated. */
extern const char *const show_status_names[];

/* The attribute policies of the replies and events (show.c). */
extern const struct nla_policy ptun_dev_policy[PTUN_A_DEV_MAX + 1];
extern const struct nla_policy ptun_peer_policy[PTUN_A_PEER_MAX + 1];
extern const struct nla_policy ptun_key_policy[PTUN_A_KEYCONF_MAX + 1];
extern const struct nla_policy
	ptun_allowed_ip_policy[PTUN_A_ALLOWED_IP_MAX + 1];

struct ptun_nl;
int show_collect(struct ptun_nl *nl, const char *dev, struct show_list *list,
		 const char *what);
int show_collect_lazy(struct ptun_nl *nl, const char *dev,
		      struct show_list *list, const char *what);
void show_free(struct show_list *list);

const char *show_enum_name(const char *const *names, uint64_t val);
void show_print_text(const struct show_list *list);
void show_print_json(const struct show_list *list);

#endif /* _PTUN_SHOW_H */
