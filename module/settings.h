/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_SETTINGS_H
#define _PTUN_SETTINGS_H

#include <linux/in6.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <uapi/linux/ptun.h>

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
 * @data: where the arrays and strings live (one allocation)
 *
 * Replaced whole under rtnl (struct ptun_device.settings), read under rtnl
 * or RCU, freed by RCU. Routing, enforcement and DNS will read it from
 * there; this object stores and reports only.
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
	u8 data[] __aligned(8);
};

struct ptun_settings *ptun_settings_alloc(const unsigned int n[PTUN_SL_MAX],
					  size_t str_bytes, char **strings);
void ptun_settings_replace(struct ptun_device *ptun, struct ptun_settings *s);
void ptun_settings_free(struct ptun_device *ptun);
unsigned int ptun_settings_items(const struct ptun_settings *s);
void ptun_status_update(struct ptun_device *ptun);

extern u32 ptun_settings_seq;

#endif /* _PTUN_SETTINGS_H */
