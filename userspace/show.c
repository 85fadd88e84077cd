// SPDX-License-Identifier: GPL-2.0
/*
 * ptun show [DEV] [--json]: print the ptun devices and their peers. The
 * devices come from a PTUN_CMD_DEV_GET dump (or a get of DEV), then each
 * device's peers from a PTUN_CMD_PEER_GET dump, one message per peer over
 * as many datagrams as it takes. Everything is collected into a struct
 * show_list first, so an interrupted dump can be redone from scratch, then
 * printed by one of two separate printers: the human one (show_text.c) and
 * the JSON one (show_json.c).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nl.h"
#include "show.h"

/* A dump that keeps racing changes is retried this many times in all. */
#define SHOW_DUMP_TRIES	5

const struct show_drop_name show_drop_names[PTUN_A_DROPS_MAX + 1] = {
	[PTUN_A_DROPS_TRUNCATED]	= { "truncated", "truncated" },
	[PTUN_A_DROPS_BAD_HEADER]	= { "bad_header", "bad header" },
	[PTUN_A_DROPS_UNKNOWN_PEER]	= { "unknown_peer", "unknown peer" },
	[PTUN_A_DROPS_UNKNOWN_KEY]	= { "unknown_key", "unknown key" },
	[PTUN_A_DROPS_AUTH_FAILED]	= { "auth_failed", "auth failed" },
	[PTUN_A_DROPS_REPLAYED]		= { "replayed", "replayed" },
	[PTUN_A_DROPS_TOO_OLD]		= { "too_old", "too old" },
	[PTUN_A_DROPS_BAD_SOURCE]	= { "bad_source", "bad source" },
	[PTUN_A_DROPS_BAD_INNER]	= { "bad_inner", "bad inner" },
	[PTUN_A_DROPS_TX_NO_KEY]	= { "tx_no_key", "tx no key" },
	[PTUN_A_DROPS_TX_NO_ENDPOINT]	= {
		"tx_no_endpoint", "tx no endpoint",
	},
	[PTUN_A_DROPS_TX_TOO_BIG]	= { "tx_too_big", "tx too big" },
	[PTUN_A_DROPS_QUEUE_FULL]	= { "queue_full", "queue full" },
	[PTUN_A_DROPS_TX_QUEUE_FULL]	= { "tx_queue_full", "tx queue full" },
};

const char *const show_status_names[] = {
	[PTUN_STATUS_DISCONNECTED]	= "disconnected",
	[PTUN_STATUS_CONNECTING]	= "connecting",
	[PTUN_STATUS_CONNECTED]		= "connected",
	[PTUN_STATUS_REASSERTING]	= "reasserting",
	[PTUN_STATUS_DISCONNECTING]	= "disconnecting",
	NULL,
};

/*
 * The attributes of the replies and events, shared with monitor.c. Of a
 * device, all but drops are required; of a peer, only the id. Unknown
 * attributes (a newer module) are ignored.
 */
const struct nla_policy ptun_dev_policy[PTUN_A_DEV_MAX + 1] = {
	[PTUN_A_DEV_IFINDEX]		= { .type = NLA_U32 },
	[PTUN_A_DEV_IFNAME]		= { .type = NLA_STRING,
					    .maxlen = PTUN_IFNAME_MAX_LEN + 1 },
	[PTUN_A_DEV_LISTEN_PORT]	= { .type = NLA_U16 },
	[PTUN_A_DEV_FWMARK]		= { .type = NLA_U32 },
	[PTUN_A_DEV_MTU]		= { .type = NLA_U32 },
	[PTUN_A_DEV_STATUS]		= { .type = NLA_U32 },
	[PTUN_A_DEV_PEER]		= { .type = NLA_NESTED },
	[PTUN_A_DEV_KEYCONF]		= { .type = NLA_NESTED },
	[PTUN_A_DEV_DROPS]		= { .type = NLA_NESTED },
};

static const struct nla_policy drops_policy[PTUN_A_DROPS_MAX + 1] = {
	[1 ... PTUN_A_DROPS_MAX] = { .type = NLA_U64 },
};

const struct nla_policy ptun_peer_policy[PTUN_A_PEER_MAX + 1] = {
	[PTUN_A_PEER_ID]		= { .type = NLA_U32 },
	[PTUN_A_PEER_REMOTE_ID]		= { .type = NLA_U32 },
	[PTUN_A_PEER_ENDPOINT_IPV4]	= { .type = NLA_U32 },
	[PTUN_A_PEER_ENDPOINT_IPV6]	= { .minlen = 16 },
	[PTUN_A_PEER_ENDPOINT_PORT]	= { .type = NLA_U16 },
	[PTUN_A_PEER_ALLOWED_IP]	= { .type = NLA_NESTED },
	[PTUN_A_PEER_KEEPALIVE]		= { .type = NLA_U32 },
	[PTUN_A_PEER_KEEPALIVE_TIMEOUT]	= { .type = NLA_U32 },
	[PTUN_A_PEER_RX_BYTES]		= { .type = NLA_U64 },
	[PTUN_A_PEER_RX_PACKETS]	= { .type = NLA_U64 },
	[PTUN_A_PEER_TX_BYTES]		= { .type = NLA_U64 },
	[PTUN_A_PEER_TX_PACKETS]	= { .type = NLA_U64 },
	[PTUN_A_PEER_LAST_RX]		= { .type = NLA_U64 },
	[PTUN_A_PEER_DEAD]		= { .type = NLA_FLAG },
	[PTUN_A_PEER_KEY]		= { .type = NLA_NESTED },
};

const struct nla_policy ptun_allowed_ip_policy[PTUN_A_ALLOWED_IP_MAX + 1] = {
	[PTUN_A_ALLOWED_IP_FAMILY]	= { .type = NLA_U16 },
	[PTUN_A_ALLOWED_IP_ADDR]	= { .minlen = 4 },
	[PTUN_A_ALLOWED_IP_CIDR]	= { .type = NLA_U8 },
};

const struct nla_policy ptun_key_policy[PTUN_A_KEYCONF_MAX + 1] = {
	[PTUN_A_KEYCONF_PEER_ID]	= { .type = NLA_U32 },
	[PTUN_A_KEYCONF_SLOT]		= { .type = NLA_U32 },
	[PTUN_A_KEYCONF_KEY_ID]		= { .type = NLA_U8 },
	[PTUN_A_KEYCONF_CIPHER]		= { .type = NLA_U32 },
	[PTUN_A_KEYCONF_SOFT_LIMIT]	= { .type = NLA_U64 },
	[PTUN_A_KEYCONF_HARD_LIMIT]	= { .type = NLA_U64 },
	[PTUN_A_KEYCONF_TX_PACKETS]	= { .type = NLA_U64 },
};

/**
 * show_enum_name() - the name of a value of one of the family's enums
 * @names: its names, NULL-terminated
 * @val: the value
 *
 * Return: the name, or NULL for a value this tool does not know.
 */
const char *show_enum_name(const char *const *names, uint64_t val)
{
	uint64_t i;

	for (i = 0; names[i]; i++)
		if (i == val)
			return names[i];
	return NULL;
}

/*
 * Make room for one more element in @arr, which holds @len of @size bytes
 * and has room for *@cap. Return: the array, maybe moved, or NULL (then
 * @arr is untouched) after reporting that memory ran out.
 */
static void *grow(void *arr, size_t *cap, size_t len, size_t size)
{
	size_t new_cap;
	void *p;

	if (len < *cap)
		return arr;
	new_cap = *cap ? 2 * *cap : 8;
	p = reallocarray(arr, new_cap, size);
	if (!p) {
		fprintf(stderr, "ptun: out of memory\n");
		return NULL;
	}
	*cap = new_cap;
	return p;
}

/*
 * Copy the number attributes of @tb, whose types @policy gives, into
 * @num. Return: a bit for every attribute present, numbers or not.
 */
static uint32_t get_nums(struct nlattr **tb, const struct nla_policy *policy,
			 int max, uint64_t *num)
{
	uint32_t has = 0;
	int attr;

	for (attr = 1; attr <= max; attr++) {
		if (!tb[attr])
			continue;
		has |= 1u << attr;
		switch (policy[attr].type) {
		case NLA_U8:
			num[attr] = nla_get_u8(tb[attr]);
			break;
		case NLA_U16:
			num[attr] = nla_get_u16(tb[attr]);
			break;
		case NLA_U32:
			num[attr] = nla_get_u32(tb[attr]);
			break;
		case NLA_U64:
			num[attr] = nla_get_u64(tb[attr]);
			break;
		}
	}
	return has;
}

static int dev_parse(struct nl_msg *msg, struct show_dev *dev)
{
	struct nlattr *drops[PTUN_A_DROPS_MAX + 1];
	struct nlattr *tb[PTUN_A_DEV_MAX + 1];
	int attr;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, PTUN_A_DEV_MAX,
			  ptun_dev_policy) < 0)
		return -1;
	for (attr = PTUN_A_DEV_IFINDEX; attr <= PTUN_A_DEV_MTU; attr++)
		if (!tb[attr])
			return -1;
	memset(dev, 0, sizeof(*dev));
	nla_strlcpy(dev->ifname, tb[PTUN_A_DEV_IFNAME], sizeof(dev->ifname));
	dev->ifindex = nla_get_u32(tb[PTUN_A_DEV_IFINDEX]);
	dev->listen_port = nla_get_u16(tb[PTUN_A_DEV_LISTEN_PORT]);
	dev->fwmark = nla_get_u32(tb[PTUN_A_DEV_FWMARK]);
	dev->mtu = nla_get_u32(tb[PTUN_A_DEV_MTU]);
	if (tb[PTUN_A_DEV_DROPS]) {
		if (nla_parse_nested(drops, PTUN_A_DROPS_MAX,
				     tb[PTUN_A_DEV_DROPS], drops_policy) < 0)
			return -1;
		get_nums(drops, drops_policy, PTUN_A_DROPS_MAX, dev->drops);
	}
	if (tb[PTUN_A_DEV_STATUS]) {
		dev->has_status = true;
		dev->status = nla_get_u32(tb[PTUN_A_DEV_STATUS]);
	}
	return 0;
}

/* ptun_nl_reply_fn: add the device a reply describes to the list. */
static int dev_reply(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct show_list *list = arg;
	struct show_dev *devs;

	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_hdr(nlh)->cmd != PTUN_CMD_DEV_GET)
		return 0;
	devs = grow(list->devs, &list->cap, list->len, sizeof(*devs));
	if (!devs)
		return -1;
	list->devs = devs;
	if (dev_parse(msg, &list->devs[list->len])) {
		fprintf(stderr,
			"ptun: show: malformed device in the kernel's reply\n");
		return -1;
	}
	list->len++;
	return 0;
}

static int prefix_parse(struct nlattr *nest, struct ptun_prefix *prefix)
{
	struct nlattr *tb[PTUN_A_ALLOWED_IP_MAX + 1];
	struct ptun_addr *addr = &prefix->addr;

	if (nla_parse_nested(tb, PTUN_A_ALLOWED_IP_MAX, nest,
			     ptun_allowed_ip_policy) < 0 ||
	    !tb[PTUN_A_ALLOWED_IP_FAMILY] || !tb[PTUN_A_ALLOWED_IP_ADDR] ||
	    !tb[PTUN_A_ALLOWED_IP_CIDR])
		return -1;
	memset(prefix, 0, sizeof(*prefix));
	addr->family = nla_get_u16(tb[PTUN_A_ALLOWED_IP_FAMILY]);
	prefix->cidr = nla_get_u8(tb[PTUN_A_ALLOWED_IP_CIDR]);
	if ((addr->family != AF_INET && addr->family != AF_INET6) ||
	    nla_len(tb[PTUN_A_ALLOWED_IP_ADDR]) != (int)ptun_addr_len(addr) ||
	    prefix->cidr > ptun_addr_len(addr) * 8)
		return -1;
	memcpy(addr->bytes, nla_data(tb[PTUN_A_ALLOWED_IP_ADDR]),
	       ptun_addr_len(addr));
	return 0;
}

static int key_parse(struct nlattr *nest, struct show_key *key)
{
	struct nlattr *tb[PTUN_A_KEYCONF_MAX + 1];

	if (nla_parse_nested(tb, PTUN_A_KEYCONF_MAX, nest, ptun_key_policy) < 0)
		return -1;
	memset(key, 0, sizeof(*key));
	key->has = get_nums(tb, ptun_key_policy, PTUN_A_KEYCONF_MAX, key->num);
	return 0;
}

/* An endpoint is an address of either family and a port. */
static void endpoint_parse(struct nlattr **tb, struct show_peer *peer)
{
	struct ptun_endpoint *ep = &peer->endpoint;
	struct nlattr *addr;

	addr = tb[PTUN_A_PEER_ENDPOINT_IPV4] ?: tb[PTUN_A_PEER_ENDPOINT_IPV6];
	if (!addr || !tb[PTUN_A_PEER_ENDPOINT_PORT])
		return;
	ep->addr.family = tb[PTUN_A_PEER_ENDPOINT_IPV4] ? AF_INET : AF_INET6;
	memcpy(ep->addr.bytes, nla_data(addr), ptun_addr_len(&ep->addr));
	ep->port = nla_get_u16(tb[PTUN_A_PEER_ENDPOINT_PORT]);
	peer->has_endpoint = true;
}

/*
 * Parse a PTUN_A_DEV_PEER nest into @peer. Return: 0, -ENOMEM or -EINVAL
 * (malformed); on failure nothing is left to free.
 */
static int peer_parse(struct nlattr *nest, struct show_peer *peer)
{
	struct nlattr *tb[PTUN_A_PEER_MAX + 1];
	struct nlattr *a;
	size_t nr = 0;
	int rem;

	memset(peer, 0, sizeof(*peer));
	if (nla_parse_nested(tb, PTUN_A_PEER_MAX, nest, ptun_peer_policy) < 0 ||
	    !tb[PTUN_A_PEER_ID])
		return -EINVAL;
	peer->has = get_nums(tb, ptun_peer_policy, PTUN_A_PEER_MAX, peer->num);
	endpoint_parse(tb, peer);

	/* The prefixes and keys are repeated attributes. */
	nla_for_each_nested(a, nest, rem)
		nr += nla_type(a) == PTUN_A_PEER_ALLOWED_IP;
	if (nr) {
		peer->ips = calloc(nr, sizeof(*peer->ips));
		if (!peer->ips)
			return -ENOMEM;
	}
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) == PTUN_A_PEER_ALLOWED_IP) {
			if (prefix_parse(a, &peer->ips[peer->nr_ips++]))
				goto err_inval;
		} else if (nla_type(a) == PTUN_A_PEER_KEY) {
			if (peer->nr_keys == SHOW_MAX_KEYS ||
			    key_parse(a, &peer->keys[peer->nr_keys++]))
				goto err_inval;
		}
	}
	return 0;

err_inval:
	free(peer->ips);
	return -EINVAL;
}

/* ptun_nl_reply_fn: add the peer a reply describes to the device @arg. */
static int peer_reply(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[PTUN_A_DEV_MAX + 1];
	struct show_dev *dev = arg;
	struct show_peer *peers;
	int err;

	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_hdr(nlh)->cmd != PTUN_CMD_PEER_GET)
		return 0;
	if (genlmsg_parse(nlh, 0, tb, PTUN_A_DEV_MAX, ptun_dev_policy) < 0 ||
	    !tb[PTUN_A_DEV_PEER])
		goto err_malformed;
	if (tb[PTUN_A_DEV_IFINDEX] &&
	    nla_get_u32(tb[PTUN_A_DEV_IFINDEX]) != dev->ifindex)
		return 0;
	peers = grow(dev->peers, &dev->cap_peers, dev->nr_peers,
		     sizeof(*peers));
	if (!peers)
		return -1;
	dev->peers = peers;
	err = peer_parse(tb[PTUN_A_DEV_PEER], &dev->peers[dev->nr_peers]);
	if (err == -ENOMEM) {
		fprintf(stderr, "ptun: out of memory\n");
		return -1;
	}
	if (err)
		goto err_malformed;
	dev->nr_peers++;
	return 0;

err_malformed:
	fprintf(stderr, "ptun: show: malformed peer in the kernel's reply\n");
	return -1;
}

static void free_peers(void *arg)
{
	struct show_dev *dev = arg;
	size_t i;

	for (i = 0; i < dev->nr_peers; i++)
		free(dev->peers[i].ips);
	dev->nr_peers = 0;
}


static const struct nla_policy ip_policy[PTUN_A_IP_MAX + 1] = {
	[PTUN_A_IP_IPV4]	= { .type = NLA_U32 },
	[PTUN_A_IP_IPV6]	= { .minlen = 16 },
	[PTUN_A_IP_PREFIX_LEN]	= { .type = NLA_U8 },
};

/* Parse an ip nest; @len is set to its prefix length, or -1 if none. */
static int ip_parse(struct nlattr *nest, struct ptun_addr *addr, int *len)
{
	struct nlattr *tb[PTUN_A_IP_MAX + 1];
	struct nlattr *a;

	if (nla_parse_nested(tb, PTUN_A_IP_MAX, nest, ip_policy) < 0)
		return -1;
	memset(addr, 0, sizeof(*addr));
	a = tb[PTUN_A_IP_IPV4] ?: tb[PTUN_A_IP_IPV6];
	if (!a)
		return -1;
	addr->family = tb[PTUN_A_IP_IPV4] ? AF_INET : AF_INET6;
	memcpy(addr->bytes, nla_data(a), ptun_addr_len(addr));
	*len = tb[PTUN_A_IP_PREFIX_LEN] ?
	       nla_get_u8(tb[PTUN_A_IP_PREFIX_LEN]) : -1;
	if (*len > (int)ptun_addr_len(addr) * 8)
		return -1;
	return 0;
}

/* Append @addr (or, with a length, a prefix) to the list @i of @set. */
static int settings_add_ip(struct show_settings *set, int i, struct nlattr *a)
{
	static const struct {
		size_t arr;
		size_t nr;
		bool prefix;
	} lists[] = {
		{ offsetof(struct show_settings, remote),
		  offsetof(struct show_settings, nr_remote), false },
		{ offsetof(struct show_settings, addresses),
		  offsetof(struct show_settings, nr_addresses), true },
		{ offsetof(struct show_settings, include),
		  offsetof(struct show_settings, nr_include), true },
		{ offsetof(struct show_settings, exclude),
		  offsetof(struct show_settings, nr_exclude), true },
		{ offsetof(struct show_settings, dns),
		  offsetof(struct show_settings, nr_dns), false },
	};
	void **arr = (void **)((char *)set + lists[i].arr);
	size_t *nr = (size_t *)((char *)set + lists[i].nr);
	size_t size = lists[i].prefix ? sizeof(struct ptun_prefix) :
					sizeof(struct ptun_addr);
	struct ptun_addr addr;
	void *p;
	int len;

	if (ip_parse(a, &addr, &len) || (len >= 0) != lists[i].prefix)
		return -EINVAL;
	p = grow(*arr, &set->cap[i], *nr, size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	if (lists[i].prefix) {
		struct ptun_prefix *prefix = (struct ptun_prefix *)p + *nr;

		prefix->addr = addr;
		prefix->cidr = len;
	} else {
		((struct ptun_addr *)p)[*nr] = addr;
	}
	(*nr)++;
	return 0;
}

static int settings_add_domain(struct show_settings *set, bool match,
			       struct nlattr *a)
{
	char ***arr = match ? &set->match : &set->search;
	size_t *nr = match ? &set->nr_match : &set->nr_search;
	void *p;

	p = grow(*arr, &set->cap[match ? 6 : 5], *nr, sizeof(char *));
	if (!p)
		return -ENOMEM;
	*arr = p;
	(*arr)[*nr] = strndup(nla_data(a), nla_len(a));
	if (!(*arr)[*nr])
		return -ENOMEM;
	(*nr)++;
	return 0;
}

/* Add the attributes of one settings message, in their order, to @set. */
static int settings_parse(struct nlmsghdr *nlh, struct show_settings *set)
{
	struct nlattr *a;
	int rem, err = 0;

	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem) {
		switch (nla_type(a)) {
		case PTUN_A_SETTINGS_GENERATION:
		case PTUN_A_SETTINGS_STATUS:
		case PTUN_A_SETTINGS_MTU:
		case PTUN_A_SETTINGS_TABLE:
		case PTUN_A_SETTINGS_PRIORITY:
			if (nla_len(a) != 4)
				return -EINVAL;
			break;
		case PTUN_A_SETTINGS_ENFORCE_ROUTES:
		case PTUN_A_SETTINGS_INCLUDE_ALL_NETWORKS:
		case PTUN_A_SETTINGS_EXCLUDE_LOCAL_NETWORKS:
			if (nla_len(a) < 1)
				return -EINVAL;
			break;
		}
		switch (nla_type(a)) {
		case PTUN_A_SETTINGS_GENERATION:
			set->generation = nla_get_u32(a);
			break;
		case PTUN_A_SETTINGS_STATUS:
			set->status = nla_get_u32(a);
			break;
		case PTUN_A_SETTINGS_MTU:
			set->has_mtu = true;
			set->mtu = nla_get_u32(a);
			break;
		case PTUN_A_SETTINGS_TABLE:
			set->table = nla_get_u32(a);
			break;
		case PTUN_A_SETTINGS_PRIORITY:
			set->priority = nla_get_u32(a);
			break;
		case PTUN_A_SETTINGS_ENFORCE_ROUTES:
			set->enforce_routes = nla_get_u8(a);
			break;
		case PTUN_A_SETTINGS_INCLUDE_ALL_NETWORKS:
			set->include_all_networks = nla_get_u8(a);
			break;
		case PTUN_A_SETTINGS_EXCLUDE_LOCAL_NETWORKS:
			set->exclude_local_networks = nla_get_u8(a);
			break;
		case PTUN_A_SETTINGS_REMOTE:
			err = settings_add_ip(set, 0, a);
			break;
		case PTUN_A_SETTINGS_ADDRESS:
			err = settings_add_ip(set, 1, a);
			break;
		case PTUN_A_SETTINGS_INCLUDE_ROUTE:
			err = settings_add_ip(set, 2, a);
			break;
		case PTUN_A_SETTINGS_EXCLUDE_ROUTE:
			err = settings_add_ip(set, 3, a);
			break;
		case PTUN_A_SETTINGS_DNS_SERVER:
			err = settings_add_ip(set, 4, a);
			break;
		case PTUN_A_SETTINGS_SEARCH_DOMAIN:
			err = settings_add_domain(set, false, a);
			break;
		case PTUN_A_SETTINGS_MATCH_DOMAIN:
			err = settings_add_domain(set, true, a);
			break;
		}
		if (err)
			return err;
	}
	return 0;
}

/* ptun_nl_reply_fn: add a part of the settings of the device @arg. */
static int settings_reply(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[PTUN_A_SETTINGS_MAX + 1];
	struct show_dev *dev = arg;
	int err;

	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_hdr(nlh)->cmd != PTUN_CMD_SETTINGS_GET)
		return 0;
	/* Only the types matter here; settings_parse() checks the rest. */
	if (genlmsg_parse(nlh, 0, tb, PTUN_A_SETTINGS_MAX, NULL) < 0 ||
	    !tb[PTUN_A_SETTINGS_IFINDEX] ||
	    nla_len(tb[PTUN_A_SETTINGS_IFINDEX]) != 4)
		goto err_malformed;
	if (nla_get_u32(tb[PTUN_A_SETTINGS_IFINDEX]) != dev->ifindex)
		return 0;
	if (!dev->settings) {
		dev->settings = calloc(1, sizeof(*dev->settings));
		if (!dev->settings)
			goto err_nomem;
	}
	err = settings_parse(nlh, dev->settings);
	if (err == -ENOMEM)
		goto err_nomem;
	if (err)
		goto err_malformed;
	return 0;

err_nomem:
	fprintf(stderr, "ptun: out of memory\n");
	return -1;
err_malformed:
	fprintf(stderr,
		"ptun: show: malformed settings in the kernel's reply\n");
	return -1;
}

static void free_settings(void *arg)
{
	struct show_dev *dev = arg;
	struct show_settings *set = dev->settings;
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->nr_search; i++)
		free(set->search[i]);
	for (i = 0; i < set->nr_match; i++)
		free(set->match[i]);
	free(set->remote);
	free(set->addresses);
	free(set->include);
	free(set->exclude);
	free(set->dns);
	free(set->search);
	free(set->match);
	free(set);
	dev->settings = NULL;
}

static void free_devs(void *arg)
{
	struct show_list *list = arg;
	size_t i;

	for (i = 0; i < list->len; i++) {
		free_settings(&list->devs[i]);
		free_peers(&list->devs[i]);
		free(list->devs[i].peers);
	}
	list->len = 0;
}

static int cmp_peers(const void *a, const void *b)
{
	const struct show_peer *pa = a, *pb = b;
	uint64_t ida = pa->num[PTUN_A_PEER_ID], idb = pb->num[PTUN_A_PEER_ID];

	return (ida > idb) - (ida < idb);
}

/**
 * struct show_req - a get or a dump, done again while it is interrupted
 * @cmd: PTUN_CMD_*
 * @dump: a dump, not a get
 * @ifname: the device by name, or NULL
 * @ifindex: the device by index, or 0
 * @fn: called for each reply
 * @reset: forgets what @fn collected, before the request is done again
 * @arg: passed to @fn and @reset
 * @objects: what is dumped, for the message when it keeps changing
 * @what: starts the error messages
 * @quiet: an errno not to report (see ptun_nl_talk_quiet()), or 0
 */
struct show_req {
	uint8_t cmd;
	bool dump;
	const char *ifname;
	uint32_t ifindex;
	ptun_nl_reply_fn fn;
	void (*reset)(void *arg);
	void *arg;
	const char *objects;
	const char *what;
	int quiet;
};

/* Return: as ptun_nl_talk_quiet(), but never PTUN_NL_DUMP_INTR. */
static int show_talk(struct ptun_nl *nl, const struct show_req *req)
{
	struct nl_msg *msg;
	int tries, ret;

	for (tries = 1; ; tries++) {
		msg = ptun_nl_msg(nl, req->cmd, req->dump ? NLM_F_DUMP : 0, 0);
		if (!msg ||
		    (req->ifname && nla_put_string(msg, PTUN_A_DEV_IFNAME,
						   req->ifname) < 0) ||
		    (req->ifindex && nla_put_u32(msg, PTUN_A_DEV_IFINDEX,
						 req->ifindex) < 0)) {
			fprintf(stderr, "ptun: %s: cannot build the request\n",
				req->what);
			nlmsg_free(msg);
			return -1;
		}
		ret = ptun_nl_talk_quiet(nl, msg, req->fn, req->arg, req->what,
					 req->quiet);
		nlmsg_free(msg);
		if (ret != PTUN_NL_DUMP_INTR)
			return ret;
		req->reset(req->arg);
		if (tries == SHOW_DUMP_TRIES) {
			fprintf(stderr,
				"ptun: %s: the %s kept changing during the dump, try again\n",
				req->what, req->objects);
			return -1;
		}
	}
}

/*
 * Get device @dev, or dump all devices, then the settings and the peers of
 * each; if @lazy, the peers only of a device that has settings.
 * Return: 0, or -1 once reported.
 */
static int collect(struct ptun_nl *nl, const char *dev, struct show_list *list,
		   const char *whatarg, bool lazy)
{
	struct show_req req = {
		.cmd = PTUN_CMD_DEV_GET, .dump = !dev, .ifname = dev,
		.fn = dev_reply, .reset = free_devs, .arg = list,
		.objects = "devices",
	};
	struct show_dev *d;
	char what[64];
	size_t i;
	int ret;

	if (whatarg)
		snprintf(what, sizeof(what), "%s", whatarg);
	else if (dev)
		snprintf(what, sizeof(what), "show %s", dev);
	else
		snprintf(what, sizeof(what), "show");
	req.what = what;
	if (show_talk(nl, &req))
		return -1;

	for (i = 0; i < list->len; ) {
		d = &list->devs[i];
		req = (struct show_req){
			.cmd = PTUN_CMD_SETTINGS_GET, .dump = true,
			.ifindex = d->ifindex, .fn = settings_reply,
			.reset = free_settings, .arg = d,
			.objects = "settings", .what = what,
			/* Of all devices, one deleted meanwhile is left out. */
			.quiet = dev ? 0 : ENODEV,
		};
		ret = show_talk(nl, &req);
		if (ret < 0)
			return -1;
		if (ret != PTUN_NL_QUIET && (!lazy || d->settings)) {
			req.cmd = PTUN_CMD_PEER_GET;
			req.fn = peer_reply;
			req.reset = free_peers;
			req.objects = "peers";
			ret = show_talk(nl, &req);
			if (ret < 0)
				return -1;
		}
		if (ret == PTUN_NL_QUIET) {
			free_settings(d);
			free_peers(d);
			free(d->peers);
			memmove(d, d + 1, (--list->len - i) * sizeof(*d));
			continue;
		}
		if (d->nr_peers > 1)
			qsort(d->peers, d->nr_peers, sizeof(*d->peers),
			      cmp_peers);
		i++;
	}
	return 0;
}

/**
 * show_collect() - read device @dev (or all) with its settings and peers
 * @nl: the socket
 * @dev: the device's name, or NULL for all
 * @list: filled in; free with show_free() whatever the result
 * @what: starts the error messages
 *
 * Return: 0, or -1 after reporting the error on stderr.
 */
int show_collect(struct ptun_nl *nl, const char *dev, struct show_list *list,
		 const char *what)
{
	return collect(nl, dev, list, what, false);
}

/*
 * show_collect() of one device, but its peers only if it has settings:
 * all that programming the FIB of its settings needs, and cheap without.
 */
int show_collect_lazy(struct ptun_nl *nl, const char *dev,
		      struct show_list *list, const char *what)
{
	return collect(nl, dev, list, what, true);
}

void show_free(struct show_list *list)
{
	free_devs(list);
	free(list->devs);
	list->devs = NULL;
	list->cap = 0;
}

static int show_run(int argc, char *argv[])
{
	struct show_list list = { 0 };
	const char *dev = NULL;
	bool json = false;
	struct ptun_nl nl;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			if (json) {
				ptun_bad_word(NULL, argv[i], " given twice");
				return PTUN_EUSAGE;
			}
			json = true;
		} else if (argv[i][0] == '-') {
			ptun_bad_word("unknown option ", argv[i], NULL);
			return PTUN_EUSAGE;
		} else if (dev) {
			ptun_bad_word("unexpected argument ", argv[i], NULL);
			return PTUN_EUSAGE;
		} else if (!ptun_valid_ifname(argv[i])) {
			ptun_bad_word("invalid device name ", argv[i], NULL);
			return 1;
		} else {
			dev = argv[i];
		}
	}

	if (ptun_nl_open(&nl))
		return 1;
	ret = collect(&nl, dev, &list, NULL, false);
	ptun_nl_close(&nl);
	if (!ret) {
		if (json)
			show_print_json(&list);
		else
			show_print_text(&list);
	}
	free_devs(&list);
	free(list.devs);
	return ret ? 1 : 0;
}

const struct ptun_cmd ptun_show_cmd = {
	.name		= "show",
	.run		= show_run,
	.synopsis	= "ptun show [DEV] [--json]\n",
	.summary	= "show ptun devices, their status, settings and peers",
	.details	=
"  DEV     show only this device (default: all ptun devices)\n"
"  --json  print one JSON document instead of text\n"
"Key material is never shown: the kernel does not give it back.\n",
};
