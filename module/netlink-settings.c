// SPDX-License-Identifier: GPL-2.0
/*
 * Handlers of the settings commands and the settings events. A settings-set
 * request is read twice: the first pass checks every attribute and counts
 * the lists, the second fills the new object, which cannot fail. Only then
 * is the object published, so a bad request changes nothing.
 *
 * The settings attributes are not nested in the request (a nest holds at
 * most 64 KiB, thousands of routes do not fit), and a device's settings
 * may take several messages of a dump: each carries ifindex and
 * generation, then as many items (the scalars first, then the list
 * elements in order) as fit.
 */

#include <linux/ctype.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/rtnetlink.h>
#include <linux/stringify.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/ptun.h>

#include "compat.h"
#include "device.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "policy.h"
#include "settings.h"

/* pre_doit finds the device by the dev set's attributes. */
static_assert((int)PTUN_A_SETTINGS_IFINDEX == (int)PTUN_A_DEV_IFINDEX);
static_assert((int)PTUN_A_SETTINGS_IFNAME == (int)PTUN_A_DEV_IFNAME);

/* The message for a list longer than its limit. */
#define PTUN_TOO_MANY(what, max) \
	"too many " what " (at most " __stringify(max) ")"

/* IPv6 needs this much MTU on every link (RFC 8200). */
#define PTUN_IPV6_MIN_MTU	1280

/* The largest attribute one list element takes in a message. */
#define PTUN_IP_ATTR_SIZE	(nla_total_size(0) + nla_total_size(16) + \
				 nla_total_size(1))
#define PTUN_DOMAIN_ATTR_SIZE	nla_total_size(PTUN_MAX_DOMAIN_LEN + 1)
/* The scalars: ifname, status, mtu, table, priority and the three bools. */
#define PTUN_SCALARS_SIZE	(nla_total_size(IFNAMSIZ) + \
				 4 * nla_total_size(4) + 3 * nla_total_size(1))
/* A do reply must fit one message of this size; larger ones are dumped. */
#define PTUN_SETTINGS_DO_MAX	(32 * 1024)

/**
 * struct ptun_item - one list element of a request, checked
 * @list: the list it goes in
 * @ip: its address (remote, dns-server, address and routes)
 * @len: its prefix length (address and routes)
 * @str: the domain (search-domain, match-domain), not NUL-terminated
 * @str_len: its length
 */
struct ptun_item {
	enum ptun_settings_list list;
	struct ptun_ipaddr ip;
	u8 len;
	const char *str;
	size_t str_len;
};

/* What the ip nest of @a must hold, by the attribute's type. */
enum ptun_ip_kind {
	PTUN_IP_HOST,		/* remote, dns-server: no prefix-len */
	PTUN_IP_ADDRESS,	/* an address with its prefix length */
	PTUN_IP_ROUTE,		/* a prefix with zero host bits */
};

static bool ptun_v6_host_bits(const struct in6_addr *addr, u8 len)
{
	struct in6_addr prefix;

	ipv6_addr_prefix(&prefix, addr, len);
	return !ipv6_addr_equal(&prefix, addr);
}

static __be32 ptun_v4_mask(u8 len)
{
	return len ? htonl(~0U << (32 - len)) : 0;
}

/* Check an ip nest; on success @item holds its address and length. */
static int ptun_nl_parse_ip(struct nlattr *nest, enum ptun_ip_kind kind,
			    struct netlink_ext_ack *extack,
			    struct ptun_item *item)
{
	struct nlattr *tb[PTUN_A_IP_MAX + 1];
	struct nlattr *plen;
	bool v4, bad;
	int err;

	err = nla_parse_nested(tb, PTUN_A_IP_MAX, nest, ptun_ip_nl_policy,
			       extack);
	if (err)
		return err;
	if (tb[PTUN_A_IP_IPV4] && tb[PTUN_A_IP_IPV6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PTUN_A_IP_IPV6],
				    "an address is either ipv4 or ipv6, not both");
		return -EINVAL;
	}
	if (!tb[PTUN_A_IP_IPV4] && !tb[PTUN_A_IP_IPV6]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "address missing: give ipv4 or ipv6");
		return -EINVAL;
	}
	v4 = !!tb[PTUN_A_IP_IPV4];
	memset(&item->ip, 0, sizeof(item->ip));
	if (v4) {
		item->ip.family = AF_INET;
		item->ip.v4 = nla_get_in_addr(tb[PTUN_A_IP_IPV4]);
	} else {
		item->ip.family = AF_INET6;
		item->ip.v6 = nla_get_in6_addr(tb[PTUN_A_IP_IPV6]);
	}

	plen = tb[PTUN_A_IP_PREFIX_LEN];
	if (kind == PTUN_IP_HOST) {
		if (plen) {
			NL_SET_ERR_MSG_ATTR(extack, plen,
					    "remote and dns-server take no prefix-len");
			return -EINVAL;
		}
		bad = v4 ? ipv4_is_zeronet(item->ip.v4) ||
			   ipv4_is_multicast(item->ip.v4) ||
			   ipv4_is_lbcast(item->ip.v4) :
			   ipv6_addr_any(&item->ip.v6) ||
			   ipv6_addr_is_multicast(&item->ip.v6);
		if (bad) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "remote or dns-server address is unspecified, multicast or broadcast");
			return -EINVAL;
		}
		return 0;
	}

	if (!plen) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "address and routes need a prefix-len");
		return -EINVAL;
	}
	item->len = nla_get_u8(plen);
	if (v4 && item->len > 32) {
		NL_SET_ERR_MSG_ATTR(extack, plen,
				    "IPv4 prefix-len above 32");
		return -EINVAL;
	}
	if (kind == PTUN_IP_ADDRESS) {
		if (!item->len) {
			NL_SET_ERR_MSG_ATTR(extack, plen,
					    "address prefix-len must be at least 1");
			return -EINVAL;
		}
		bad = v4 ? ipv4_is_zeronet(item->ip.v4) ||
			   ipv4_is_multicast(item->ip.v4) ||
			   ipv4_is_lbcast(item->ip.v4) :
			   ipv6_addr_any(&item->ip.v6) ||
			   ipv6_addr_is_multicast(&item->ip.v6);
		if (bad) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "address is unspecified, multicast or broadcast");
			return -EINVAL;
		}
		return 0;
	}
	bad = v4 ? !!(item->ip.v4 & ~ptun_v4_mask(item->len)) :
		   ptun_v6_host_bits(&item->ip.v6, item->len);
	if (bad) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "route has host bits set beyond its prefix-len");
		return -EINVAL;
	}
	return 0;
}

/*
 * A domain name: labels of 1-63 letters, digits, '-' or '_', no '-' at
 * either end of a label, joined by single dots, an optional final dot;
 * with @root_ok, "." alone (every domain) too.
 */
static bool ptun_domain_valid(const char *d, size_t len, bool root_ok)
{
	size_t i, label = 0;

	if (root_ok && len == 1 && d[0] == '.')
		return true;
	if (len && d[len - 1] == '.')
		len--;
	if (!len)
		return false;
	for (i = 0; i <= len; i++) {
		if (i == len || d[i] == '.') {
			if (!label || label > 63 || d[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum(d[i]) && d[i] != '-' && d[i] != '_')
			return false;
		if (!label && d[i] == '-')
			return false;
		label++;
	}
	return true;
}

static int ptun_nl_parse_domain(struct nlattr *a, bool match,
				struct netlink_ext_ack *extack,
				struct ptun_item *item)
{
	const char *d = nla_data(a);
	size_t len = nla_len(a);

	/* The policy allows a final NUL but does not require it. */
	if (len && !d[len - 1])
		len--;
	if (!ptun_domain_valid(d, len, match)) {
		if (match)
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "invalid match-domain (labels of 1-63 letters, digits, '-' or '_' joined by dots, or \".\")");
		else
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "invalid search-domain (labels of 1-63 letters, digits, '-' or '_' joined by dots)");
		return -EINVAL;
	}
	item->str = d;
	item->str_len = len;
	item->list = match ? PTUN_SL_MATCH : PTUN_SL_SEARCH;
	return 0;
}

/*
 * Check one attribute of a settings-set request. Return: 1 and @item for a
 * list element, 0 for any other attribute, or an error with extack set.
 */
static int ptun_nl_settings_item(struct nlattr *a,
				 struct netlink_ext_ack *extack,
				 struct ptun_item *item)
{
	bool v4;
	int err;

	switch (nla_type(a)) {
	case PTUN_A_SETTINGS_REMOTE:
	case PTUN_A_SETTINGS_DNS_SERVER:
		err = ptun_nl_parse_ip(a, PTUN_IP_HOST, extack, item);
		item->list = nla_type(a) == PTUN_A_SETTINGS_REMOTE ?
			     PTUN_SL_REMOTE : PTUN_SL_DNS;
		break;
	case PTUN_A_SETTINGS_ADDRESS:
		err = ptun_nl_parse_ip(a, PTUN_IP_ADDRESS, extack, item);
		v4 = item->ip.family == AF_INET;
		item->list = v4 ? PTUN_SL_ADDR4 : PTUN_SL_ADDR6;
		break;
	case PTUN_A_SETTINGS_INCLUDE_ROUTE:
		err = ptun_nl_parse_ip(a, PTUN_IP_ROUTE, extack, item);
		v4 = item->ip.family == AF_INET;
		item->list = v4 ? PTUN_SL_INCLUDE4 : PTUN_SL_INCLUDE6;
		break;
	case PTUN_A_SETTINGS_EXCLUDE_ROUTE:
		err = ptun_nl_parse_ip(a, PTUN_IP_ROUTE, extack, item);
		v4 = item->ip.family == AF_INET;
		item->list = v4 ? PTUN_SL_EXCLUDE4 : PTUN_SL_EXCLUDE6;
		break;
	case PTUN_A_SETTINGS_SEARCH_DOMAIN:
		err = ptun_nl_parse_domain(a, false, extack, item);
		break;
	case PTUN_A_SETTINGS_MATCH_DOMAIN:
		err = ptun_nl_parse_domain(a, true, extack, item);
		break;
	default:
		return 0;
	}
	return err ?: 1;
}

/* Refuse a list that grew past its limit, naming the element too many. */
static int ptun_nl_check_count(const unsigned int n[PTUN_SL_MAX],
			       enum ptun_settings_list list, struct nlattr *a,
			       struct netlink_ext_ack *extack)
{
	switch (list) {
	case PTUN_SL_REMOTE:
		if (n[list] <= PTUN_MAX_REMOTES)
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, a,
				    PTUN_TOO_MANY("remote", PTUN_MAX_REMOTES));
		break;
	case PTUN_SL_ADDR4:
	case PTUN_SL_ADDR6:
		if (n[PTUN_SL_ADDR4] + n[PTUN_SL_ADDR6] <= PTUN_MAX_ADDRESSES)
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, a,
				    PTUN_TOO_MANY("address", PTUN_MAX_ADDRESSES));
		break;
	case PTUN_SL_INCLUDE4:
	case PTUN_SL_INCLUDE6:
		if (n[PTUN_SL_INCLUDE4] + n[PTUN_SL_INCLUDE6] <= PTUN_MAX_ROUTES)
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, a,
				    PTUN_TOO_MANY("include-route", PTUN_MAX_ROUTES));
		break;
	case PTUN_SL_EXCLUDE4:
	case PTUN_SL_EXCLUDE6:
		if (n[PTUN_SL_EXCLUDE4] + n[PTUN_SL_EXCLUDE6] <= PTUN_MAX_ROUTES)
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, a,
				    PTUN_TOO_MANY("exclude-route", PTUN_MAX_ROUTES));
		break;
	case PTUN_SL_DNS:
		if (n[list] <= PTUN_MAX_DNS_SERVERS)
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, a,
				    PTUN_TOO_MANY("dns-server", PTUN_MAX_DNS_SERVERS));
		break;
	case PTUN_SL_SEARCH:
		if (n[list] <= PTUN_MAX_DOMAINS)
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, a,
				    PTUN_TOO_MANY("search-domain", PTUN_MAX_DOMAINS));
		break;
	case PTUN_SL_MATCH:
		if (n[list] <= PTUN_MAX_DOMAINS)
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, a,
				    PTUN_TOO_MANY("match-domain", PTUN_MAX_DOMAINS));
		break;
	default:
		return 0;
	}
	return -E2BIG;
}

/* The scalars the policy cannot check alone. */
static int ptun_nl_check_scalars(struct net_device *dev, struct genl_info *info,
				 const unsigned int n[PTUN_SL_MAX])
{
	struct nlattr *mtu = info->attrs[PTUN_A_SETTINGS_MTU];
	struct nlattr *table = info->attrs[PTUN_A_SETTINGS_TABLE];
	u32 t;

	if (mtu && nla_get_u32(mtu) > dev->max_mtu) {
		NL_SET_ERR_MSG_ATTR(info->extack, mtu,
				    "mtu above the device's maximum");
		return -EINVAL;
	}
	if (mtu && n[PTUN_SL_ADDR6] && nla_get_u32(mtu) < PTUN_IPV6_MIN_MTU) {
		NL_SET_ERR_MSG_ATTR(info->extack, mtu,
				    "mtu below 1280 with an IPv6 address");
		return -EINVAL;
	}
	if (table) {
		t = nla_get_u32(table);
		if (t == RT_TABLE_UNSPEC || t == RT_TABLE_DEFAULT ||
		    t == RT_TABLE_MAIN || t == RT_TABLE_LOCAL) {
			NL_SET_ERR_MSG_ATTR(info->extack, table,
					    "table 0 and the reserved tables 253-255 cannot be used");
			return -EINVAL;
		}
	}
	return 0;
}

static void ptun_settings_add(struct ptun_settings *s,
			      unsigned int at[PTUN_SL_MAX], char **strings,
			      const struct ptun_item *item)
{
	unsigned int i = at[item->list]++;

	switch (item->list) {
	case PTUN_SL_REMOTE:
		s->remote[i] = item->ip;
		break;
	case PTUN_SL_DNS:
		s->dns[i] = item->ip;
		break;
	case PTUN_SL_ADDR4:
		s->addr4[i] = (struct ptun_route4){ item->ip.v4, item->len };
		break;
	case PTUN_SL_ADDR6:
		s->addr6[i] = (struct ptun_route6){ item->ip.v6, item->len };
		break;
	case PTUN_SL_INCLUDE4:
		s->include4[i] = (struct ptun_route4){ item->ip.v4, item->len };
		break;
	case PTUN_SL_INCLUDE6:
		s->include6[i] = (struct ptun_route6){ item->ip.v6, item->len };
		break;
	case PTUN_SL_EXCLUDE4:
		s->exclude4[i] = (struct ptun_route4){ item->ip.v4, item->len };
		break;
	case PTUN_SL_EXCLUDE6:
		s->exclude6[i] = (struct ptun_route6){ item->ip.v6, item->len };
		break;
	case PTUN_SL_SEARCH:
	case PTUN_SL_MATCH:
		memcpy(*strings, item->str, item->str_len);
		(*strings)[item->str_len] = '\0';
		if (item->list == PTUN_SL_SEARCH)
			s->search[i] = *strings;
		else
			s->match[i] = *strings;
		*strings += item->str_len + 1;
		break;
	default:
		break;
	}
}

static u8 ptun_nl_get_bool(struct genl_info *info, int type)
{
	return info->attrs[type] ? nla_get_u8(info->attrs[type]) : 0;
}

/* Tell the events group that a device's settings were set or cleared. */
void ptun_nl_notify_settings(struct net_device *dev)
{
	struct ptun_device *ptun = netdev_priv(dev);
	struct sk_buff *msg;
	void *hdr;

	ASSERT_RTNL();
	if (!ptun_nl_live)
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ptun_nl_family, 0,
			  PTUN_CMD_SETTINGS_CHANGED_NTF);
	if (!hdr ||
	    nla_put_u32(msg, PTUN_A_SETTINGS_IFINDEX, dev->ifindex) ||
	    nla_put_string(msg, PTUN_A_SETTINGS_IFNAME, dev->name) ||
	    nla_put_u32(msg, PTUN_A_SETTINGS_GENERATION, ptun->settings_gen) ||
	    (!rtnl_dereference(ptun->settings) &&
	     nla_put_flag(msg, PTUN_A_SETTINGS_CLEARED))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	ptun_nl_multicast(msg, dev_net(dev));
}

int ptun_nl_settings_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev = info->user_ptr[0];
	struct ptun_device *ptun = netdev_priv(dev);
	unsigned int n[PTUN_SL_MAX] = {}, at[PTUN_SL_MAX] = {};
	int len = genlmsg_len(info->genlhdr), rem, err;
	struct nlattr *head = genlmsg_data(info->genlhdr);
	struct ptun_settings *s;
	struct ptun_item item;
	size_t str_bytes = 0;
	struct nlattr *a;
	char *strings;

	/* First pass: check everything, count the lists. */
	nla_for_each_attr(a, head, len, rem) {
		err = ptun_nl_settings_item(a, info->extack, &item);
		if (err < 0)
			return err;
		if (!err)
			continue;
		n[item.list]++;
		err = ptun_nl_check_count(n, item.list, a, info->extack);
		if (err)
			return err;
		if (item.list == PTUN_SL_SEARCH || item.list == PTUN_SL_MATCH)
			str_bytes += item.str_len + 1;
	}
	err = ptun_nl_check_scalars(dev, info, n);
	if (err)
		return err;

	s = ptun_settings_alloc(n, str_bytes, &strings);
	if (!s)
		return -ENOMEM;
	s->mtu = info->attrs[PTUN_A_SETTINGS_MTU] ?
		 nla_get_u32(info->attrs[PTUN_A_SETTINGS_MTU]) : 0;
	s->table = info->attrs[PTUN_A_SETTINGS_TABLE] ?
		   nla_get_u32(info->attrs[PTUN_A_SETTINGS_TABLE]) :
		   PTUN_DEFAULT_TABLE;
	s->priority = info->attrs[PTUN_A_SETTINGS_PRIORITY] ?
		      nla_get_u32(info->attrs[PTUN_A_SETTINGS_PRIORITY]) :
		      PTUN_DEFAULT_PRIORITY;
	s->enforce_routes = ptun_nl_get_bool(info,
					     PTUN_A_SETTINGS_ENFORCE_ROUTES);
	s->include_all_networks =
		ptun_nl_get_bool(info, PTUN_A_SETTINGS_INCLUDE_ALL_NETWORKS);
	s->exclude_local_networks =
		ptun_nl_get_bool(info, PTUN_A_SETTINGS_EXCLUDE_LOCAL_NETWORKS);

	/* Second pass: everything was checked, nothing can fail. */
	nla_for_each_attr(a, head, len, rem)
		if (ptun_nl_settings_item(a, NULL, &item) > 0)
			ptun_settings_add(s, at, &strings, &item);
	ptun_policy_build(s);

	err = ptun_settings_replace(ptun, s, info->extack);
	if (err) {
		kvfree(s);
		return err;
	}
	ptun_nl_notify_settings(dev);
	ptun_status_update(ptun);
	return 0;
}

int ptun_nl_settings_clear_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev = info->user_ptr[0];
	struct ptun_device *ptun = netdev_priv(dev);

	if (!rtnl_dereference(ptun->settings)) {
		NL_SET_ERR_MSG_MOD(info->extack, "the device has no settings");
		return -ENOENT;
	}
	if (ptun->status != PTUN_STATUS_DISCONNECTING) {
		WRITE_ONCE(ptun->status, PTUN_STATUS_DISCONNECTING);
		ptun_nl_notify_dev(dev, PTUN_CMD_STATUS_CHANGED_NTF);
	}
	ptun_settings_replace(ptun, NULL, NULL);
	ptun_nl_notify_settings(dev);
	ptun_status_update(ptun);
	return 0;
}

static int ptun_nl_put_ip(struct sk_buff *skb, int type, u16 family,
			  const void *addr, int len)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest)
		return -EMSGSIZE;
	if ((family == AF_INET ?
	     nla_put_in_addr(skb, PTUN_A_IP_IPV4, *(const __be32 *)addr) :
	     nla_put_in6_addr(skb, PTUN_A_IP_IPV6, addr)) ||
	    (len >= 0 && nla_put_u8(skb, PTUN_A_IP_PREFIX_LEN, len))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ptun_nl_put_scalars(struct sk_buff *skb, struct net_device *dev,
			       const struct ptun_settings *s)
{
	struct ptun_device *ptun = netdev_priv(dev);

	if (nla_put_string(skb, PTUN_A_SETTINGS_IFNAME, dev->name) ||
	    nla_put_u32(skb, PTUN_A_SETTINGS_STATUS, READ_ONCE(ptun->status)) ||
	    (s->mtu && nla_put_u32(skb, PTUN_A_SETTINGS_MTU, s->mtu)) ||
	    nla_put_u32(skb, PTUN_A_SETTINGS_TABLE, s->table) ||
	    nla_put_u32(skb, PTUN_A_SETTINGS_PRIORITY, s->priority) ||
	    nla_put_u8(skb, PTUN_A_SETTINGS_ENFORCE_ROUTES, s->enforce_routes) ||
	    nla_put_u8(skb, PTUN_A_SETTINGS_INCLUDE_ALL_NETWORKS,
		       s->include_all_networks) ||
	    nla_put_u8(skb, PTUN_A_SETTINGS_EXCLUDE_LOCAL_NETWORKS,
		       s->exclude_local_networks))
		return -EMSGSIZE;
	return 0;
}

/* Put item @idx: 0 is the scalars, then the list elements in order. */
static int ptun_nl_put_item(struct sk_buff *skb, struct net_device *dev,
			    const struct ptun_settings *s, unsigned long idx)
{
	enum ptun_settings_list list;
	const struct ptun_ipaddr *ip;

	if (!idx)
		return ptun_nl_put_scalars(skb, dev, s);
	idx--;
	for (list = 0; list < PTUN_SL_MAX && idx >= s->n[list]; list++)
		idx -= s->n[list];
	switch (list) {
	case PTUN_SL_REMOTE:
	case PTUN_SL_DNS:
		ip = list == PTUN_SL_REMOTE ? &s->remote[idx] : &s->dns[idx];
		return ptun_nl_put_ip(skb, list == PTUN_SL_REMOTE ?
				      PTUN_A_SETTINGS_REMOTE :
				      PTUN_A_SETTINGS_DNS_SERVER,
				      ip->family, ip->family == AF_INET ?
				      (const void *)&ip->v4 : &ip->v6, -1);
	case PTUN_SL_ADDR4:
		return ptun_nl_put_ip(skb, PTUN_A_SETTINGS_ADDRESS, AF_INET,
				      &s->addr4[idx].addr, s->addr4[idx].len);
	case PTUN_SL_ADDR6:
		return ptun_nl_put_ip(skb, PTUN_A_SETTINGS_ADDRESS, AF_INET6,
				      &s->addr6[idx].addr, s->addr6[idx].len);
	case PTUN_SL_INCLUDE4:
		return ptun_nl_put_ip(skb, PTUN_A_SETTINGS_INCLUDE_ROUTE,
				      AF_INET, &s->include4[idx].addr,
				      s->include4[idx].len);
	case PTUN_SL_INCLUDE6:
		return ptun_nl_put_ip(skb, PTUN_A_SETTINGS_INCLUDE_ROUTE,
				      AF_INET6, &s->include6[idx].addr,
				      s->include6[idx].len);
	case PTUN_SL_EXCLUDE4:
		return ptun_nl_put_ip(skb, PTUN_A_SETTINGS_EXCLUDE_ROUTE,
				      AF_INET, &s->exclude4[idx].addr,
				      s->exclude4[idx].len);
	case PTUN_SL_EXCLUDE6:
		return ptun_nl_put_ip(skb, PTUN_A_SETTINGS_EXCLUDE_ROUTE,
				      AF_INET6, &s->exclude6[idx].addr,
				      s->exclude6[idx].len);
	case PTUN_SL_SEARCH:
		return nla_put_string(skb, PTUN_A_SETTINGS_SEARCH_DOMAIN,
				      s->search[idx]);
	case PTUN_SL_MATCH:
		return nla_put_string(skb, PTUN_A_SETTINGS_MATCH_DOMAIN,
				      s->match[idx]);
	default:
		return 0;
	}
}

/**
 * ptun_nl_fill_settings() - put one message of a device's settings
 * @skb: where
 * @dev: the device
 * @s: its settings
 * @portid: netlink port of the requester
 * @seq: sequence number of the request
 * @flags: NLM_F_MULTI in a dump
 * @idx: the first item to put; advanced past those put
 *
 * Return: 0 when the last item is in, 1 when the message is full with more
 * to come, -EMSGSIZE when not even one item fit (nothing was put).
 */
static int ptun_nl_fill_settings(struct sk_buff *skb, struct net_device *dev,
				 const struct ptun_settings *s, u32 portid,
				 u32 seq, int flags, unsigned long *idx)
{
	struct ptun_device *ptun = netdev_priv(dev);
	unsigned long total = 1 + ptun_settings_items(s);
	unsigned long first = *idx;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ptun_nl_family, flags,
			  PTUN_CMD_SETTINGS_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PTUN_A_SETTINGS_IFINDEX, dev->ifindex) ||
	    nla_put_u32(skb, PTUN_A_SETTINGS_GENERATION, ptun->settings_gen))
		goto cancel;
	for (; *idx < total; (*idx)++) {
		if (ptun_nl_put_item(skb, dev, s, *idx)) {
			if (*idx == first)
				goto cancel;
			genlmsg_end(skb, hdr);
			return 1;
		}
	}
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* The room a do reply needs for all of @s. */
static size_t ptun_nl_settings_size(const struct ptun_settings *s)
{
	size_t size = 2 * nla_total_size(4) + PTUN_SCALARS_SIZE;
	int i;

	for (i = 0; i < PTUN_SL_MAX; i++)
		size += s->n[i] * (i == PTUN_SL_SEARCH || i == PTUN_SL_MATCH ?
				   PTUN_DOMAIN_ATTR_SIZE : PTUN_IP_ATTR_SIZE);
	return size;
}

int ptun_nl_settings_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev = info->user_ptr[0];
	struct ptun_device *ptun = netdev_priv(dev);
	const struct ptun_settings *s;
	unsigned long idx = 0;
	struct sk_buff *msg;
	size_t size;
	int err;

	s = rtnl_dereference(ptun->settings);
	if (!s) {
		NL_SET_ERR_MSG_MOD(info->extack, "the device has no settings");
		return -ENOENT;
	}
	size = ptun_nl_settings_size(s);
	if (size > PTUN_SETTINGS_DO_MAX) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "settings too large for one message: dump them");
		return -EMSGSIZE;
	}
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = ptun_nl_fill_settings(msg, dev, s, info->snd_portid,
				    info->snd_seq, 0, &idx);
	if (err) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dump the settings of every device that has some, or of the one device
 * the request names. Resumes at device position cb->args[0], item
 * cb->args[1] within it. Any settings change, or a change of the
 * namespace's device list, between two parts flags the dump
 * NLM_F_DUMP_INTR.
 */
int ptun_nl_settings_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb)
{
	struct nlattr **attrs = ptun_compat_dump_attrs(cb);
	struct net *net = sock_net(skb->sk);
	long pos = 0, start = cb->args[0];
	struct net_device *dev, *only = NULL;
	const struct ptun_settings *s;
	int err = 0;

	rtnl_lock();
	if (attrs[PTUN_A_SETTINGS_IFINDEX] || attrs[PTUN_A_SETTINGS_IFNAME]) {
		only = ptun_nl_dev_from_attrs(net, attrs, cb->extack);
		if (IS_ERR(only)) {
			err = PTR_ERR(only);
			goto out;
		}
	}
	cb->seq = net->dev_base_seq + ptun_settings_seq;
	for_each_netdev(net, dev) {
		if (!ptun_is_ptun_dev(dev) || (only && dev != only))
			continue;
		s = rtnl_dereference(((struct ptun_device *)netdev_priv(dev))->settings);
		if (!s || pos++ < start)
			continue;
		err = ptun_nl_fill_settings(skb, dev, s,
					    NETLINK_CB(cb->skb).portid,
					    cb->nlh->nlmsg_seq, NLM_F_MULTI,
					    (unsigned long *)&cb->args[1]);
		if (err != -EMSGSIZE)
			nl_dump_check_consistent(cb, nlmsg_hdr(skb));
		if (err) {
			pos--;
			break;
		}
		cb->args[1] = 0;
	}
	cb->args[0] = pos;
out:
	rtnl_unlock();
	if (err < 0 && err != -EMSGSIZE)
		return err;
	return skb->len;
}
