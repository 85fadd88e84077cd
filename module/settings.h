/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_SETTINGS_H
#define _PTUN_SETTINGS_H

#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <uapi/linux/ptun.h>

struct netlink_ext_ack;
struct ptun_device;

/**
 * struct ptun_ipaddr - an address of either family
 * @family: AF_INET or AF_INET6
 * @v4: the IPv4 address
 * @v6: the IPv6 address
 */
struct ptun_ipaddr {
	u16 family;
	union {
		__be32 v4;
		struct in6_addr v6;
	};
};

/**
 * struct ptun_route4 - an IPv4 prefix (route) or address with its length
 * @addr: the address; a route's host bits are zero
 * @len: the prefix length, 0-32
 */
struct ptun_route4 {
	__be32 addr;
	u8 len;
};

/**
 * struct ptun_route6 - an IPv6 prefix (route) or address with its length
 * @addr: the address; a route's host bits are zero
 * @len: the prefix length, 0-128
 */
struct ptun_route6 {
	struct in6_addr addr;
	u8 len;
};

/**
 * struct ptun_policy_tag - what both families' classifier entries start with
 * @len: the prefix length
 * @excluded: excluded (or a remote), else included
 */
struct ptun_policy_tag {
	u8 len;
	bool excluded;
};

/**
 * struct ptun_policy4 - one IPv4 prefix of the classifier
 * @tag: its length and class
 * @addr: the prefix in host order, host bits zero
 */
struct ptun_policy4 {
	struct ptun_policy_tag tag;
	u32 addr;
};

/**
 * struct ptun_policy6 - one IPv6 prefix of the classifier
 * @tag: its length and class
 * @hi: the first 64 bits of the prefix in host order, host bits zero
 * @lo: the last 64 bits
 */
struct ptun_policy6 {
	struct ptun_policy_tag tag;
	u64 hi;
	u64 lo;
};

/**
 * struct ptun_policy_level - the prefixes of one length in the classifier
 * @start: index of the first, in the family's sorted array
 * @end: index after the last
 * @len: their length
 */
struct ptun_policy_level {
	u32 start;
	u32 end;
	u8 len;
};

/**
 * struct ptun_policy - the destination classifier of a settings object
 * @n4: prefixes in @p4
 * @n6: prefixes in @p6
 * @levels4: distinct lengths of @p4
 * @levels6: distinct lengths of @p6
 * @level4: per length (longest first) where its prefixes are in @p4
 * @level6: the same for @p6
 * @p4: IPv4 prefixes sorted by length (longest first), then address
 * @p6: IPv6 prefixes, the same way
 *
 * Built with the settings, immutable, freed with them: a lookup takes the
 * longest length first and binary-searches its prefixes, so the packet
 * path allocates nothing and takes no lock.
 */
struct ptun_policy {
	u32 n4;
	u32 n6;
	u32 levels4;
	u32 levels6;
	struct ptun_policy_level level4[33];
	struct ptun_policy_level level6[129];
	struct ptun_policy4 *p4;
	struct ptun_policy6 *p6;
};

/*
 * The lists of a settings object, in the order a dump sends them: each
 * element of each list is one attribute (struct ptun_settings.n).
 */
enum ptun_settings_list {
	PTUN_SL_REMOTE,
	PTUN_SL_ADDR4,
	PTUN_SL_ADDR6,
	PTUN_SL_INCLUDE4,
	PTUN_SL_INCLUDE6,
	PTUN_SL_EXCLUDE4,
	PTUN_SL_EXCLUDE6,
	PTUN_SL_DNS,
	PTUN_SL_SEARCH,
	PTUN_SL_MATCH,
	PTUN_SL_MAX,
};

/**
 * struct ptun_settings - a device's network settings, immutable once
 *	published
 * @rcu: frees the object after a grace period
 * @mtu: tunnel MTU, 0 for the computed one
 * @table: routing table of the tunnel's routes
 * @priority: priority of the tunnel's policy rules
 * @enforce_routes: included routes win over the system table
 * @include_all_networks: full tunnel with a kill switch
 * @exclude_local_networks: directly connected networks stay local
 * @n: number of elements of each list, by enum ptun_settings_list
 * @remote: the tunnel's remote addresses, in the order given
 * @addr4: the device's IPv4 addresses with their prefix lengths
 * @addr6: the device's IPv6 addresses with their prefix lengths
 * @include4: included IPv4 routes, in the order given
 * @include6: included IPv6 routes
 * @exclude4: excluded IPv4 routes
 * @exclude6: excluded IPv6 routes
 * @dns: DNS servers, in order of preference
 * @search: search domains, NUL-terminated, in order
 * @match: match domains, NUL-terminated ("." for all), in order
 * @policy: the classifier of destinations, built from the routes
 * @data: where the arrays and strings live (one allocation)
 *
 * Replaced whole under rtnl (struct ptun_device.settings), read under rtnl
 * or RCU, freed by RCU. The enforcement hooks (policy.c) and the outer
 * mark (socket.c) read it from there.
 */
struct ptun_settings {
	struct rcu_head rcu;
	u32 mtu;
	u32 table;
	u32 priority;
	bool enforce_routes;
	bool include_all_networks;
	bool exclude_local_networks;
	unsigned int n[PTUN_SL_MAX];
	struct ptun_ipaddr *remote;
	struct ptun_route4 *addr4;
	struct ptun_route6 *addr6;
	struct ptun_route4 *include4;
	struct ptun_route6 *include6;
	struct ptun_route4 *exclude4;
	struct ptun_route6 *exclude6;
	struct ptun_ipaddr *dns;
	const char **search;
	const char **match;
	struct ptun_policy policy;
	u8 data[] __aligned(8);
};

struct ptun_settings *ptun_settings_alloc(const unsigned int n[PTUN_SL_MAX],
					  size_t str_bytes, char **strings);
int ptun_settings_replace(struct ptun_device *ptun, struct ptun_settings *s,
			  struct netlink_ext_ack *extack);
void ptun_settings_free(struct ptun_device *ptun);
unsigned int ptun_settings_items(const struct ptun_settings *s);
void ptun_status_update(struct ptun_device *ptun);

extern u32 ptun_settings_seq;

#endif /* _PTUN_SETTINGS_H */
