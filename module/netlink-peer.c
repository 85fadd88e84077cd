// SPDX-License-Identifier: GPL-2.0
/*
 * Handlers of the peer and key commands, and the peer and key events. Like
 * the device handlers they run under rtnl with the device found by pre_doit;
 * every request is checked whole before anything changes.
 */

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/ptun.h>

#include "compat.h"
#include "crypto.h"
#include "device.h"
#include "lookup.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "peer.h"
#include "settings.h"
#include "socket.h"

/* What a peer-new or peer-set request asks for, once checked. */
struct ptun_peer_conf {
	u32 id;
	u32 remote_id;
	bool has_endpoint;
	struct ptun_endpoint ep;
	bool has_keepalive;
	u32 keepalive;
	bool has_timeout;
	u32 timeout;
	bool replace_ips;
	unsigned int n_ips;
	struct nlattr *peer;
};

static int ptun_nl_parse_ip(struct nlattr *nest, struct netlink_ext_ack *extack,
			    int *family, u8 addr[16], u8 *cidr)
{
	struct nlattr *tb[PTUN_A_ALLOWED_IP_MAX + 1];
	unsigned int len;
	int err;

	err = nla_parse_nested(tb, PTUN_A_ALLOWED_IP_MAX, nest,
			       ptun_allowed_ip_nl_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, PTUN_A_ALLOWED_IP_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, PTUN_A_ALLOWED_IP_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, PTUN_A_ALLOWED_IP_CIDR))
		return -EINVAL;
	*family = nla_get_u16(tb[PTUN_A_ALLOWED_IP_FAMILY]);
	*cidr = nla_get_u8(tb[PTUN_A_ALLOWED_IP_CIDR]);
	len = nla_len(tb[PTUN_A_ALLOWED_IP_ADDR]);
	if (*family == AF_INET) {
		if (len != 4 || *cidr > 32) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "IPv4 prefix needs a 4-byte address and a length of at most 32");
			return -EINVAL;
		}
	} else if (*family == AF_INET6) {
		if (len != 16 || *cidr > 128) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "IPv6 prefix needs a 16-byte address and a length of at most 128");
			return -EINVAL;
		}
	} else {
		NL_SET_ERR_MSG_ATTR(extack, tb[PTUN_A_ALLOWED_IP_FAMILY],
				    "family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	memset(addr, 0, 16);
	memcpy(addr, nla_data(tb[PTUN_A_ALLOWED_IP_ADDR]), len);
	return 0;
}

/* Check a peer nest whole; nothing is applied here. */
static int ptun_nl_parse_peer(struct genl_info *info, bool create,
			      struct ptun_peer_conf *c)
{
	struct nlattr *tb[PTUN_A_PEER_MAX + 1];
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *a, *port;
	int err, rem;

	memset(c, 0, sizeof(*c));
	if (GENL_REQ_ATTR_CHECK(info, PTUN_A_DEV_PEER))
		return -EINVAL;
	c->peer = info->attrs[PTUN_A_DEV_PEER];
	err = nla_parse_nested(tb, PTUN_A_PEER_MAX, c->peer,
			       ptun_peer_nl_policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, c->peer, tb, PTUN_A_PEER_ID))
		return -EINVAL;
	c->id = nla_get_u32(tb[PTUN_A_PEER_ID]);
	c->remote_id = c->id;
	if (tb[PTUN_A_PEER_REMOTE_ID]) {
		if (!create) {
			NL_SET_ERR_MSG_ATTR(extack, tb[PTUN_A_PEER_REMOTE_ID],
					    "remote-id is fixed when the peer is added");
			return -EINVAL;
		}
		c->remote_id = nla_get_u32(tb[PTUN_A_PEER_REMOTE_ID]);
	}

	port = tb[PTUN_A_PEER_ENDPOINT_PORT];
	if (tb[PTUN_A_PEER_ENDPOINT_IPV4] && tb[PTUN_A_PEER_ENDPOINT_IPV6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[PTUN_A_PEER_ENDPOINT_IPV6],
				    "endpoint is either IPv4 or IPv6");
		return -EINVAL;
	}
	a = tb[PTUN_A_PEER_ENDPOINT_IPV4] ?: tb[PTUN_A_PEER_ENDPOINT_IPV6];
	if (!!a != !!port) {
		NL_SET_ERR_MSG_ATTR(extack, a ?: port,
				    "endpoint needs both an address and a port");
		return -EINVAL;
	}
	if (a) {
		c->has_endpoint = true;
		if (tb[PTUN_A_PEER_ENDPOINT_IPV4]) {
			c->ep.addr4.sin_family = AF_INET;
			c->ep.addr4.sin_addr.s_addr = nla_get_in_addr(a);
			c->ep.addr4.sin_port = htons(nla_get_u16(port));
		} else {
			c->ep.addr6.sin6_family = AF_INET6;
			c->ep.addr6.sin6_addr = nla_get_in6_addr(a);
			c->ep.addr6.sin6_port = htons(nla_get_u16(port));
		}
	}
	if (tb[PTUN_A_PEER_KEEPALIVE]) {
		c->has_keepalive = true;
		c->keepalive = nla_get_u32(tb[PTUN_A_PEER_KEEPALIVE]);
	}
	if (tb[PTUN_A_PEER_KEEPALIVE_TIMEOUT]) {
		c->has_timeout = true;
		c->timeout = nla_get_u32(tb[PTUN_A_PEER_KEEPALIVE_TIMEOUT]);
	}

	/* Without replace-allowed-ips, peer-set adds to the peer's prefixes. */
	c->replace_ips = create || tb[PTUN_A_PEER_REPLACE_ALLOWED_IPS];
	nla_for_each_nested(a, c->peer, rem) {
		u8 addr[16], cidr;
		int family;

		if (nla_type(a) != PTUN_A_PEER_ALLOWED_IP)
			continue;
		err = ptun_nl_parse_ip(a, extack, &family, addr, &cidr);
		if (err)
			return err;
		c->n_ips++;
	}
	return 0;
}

/* Apply a checked conf; only the trie pool could fail, and it is filled. */
static void ptun_nl_apply_peer(struct ptun_device *ptun, struct ptun_peer *peer,
			       struct ptun_peer_conf *c,
			       struct ptun_trie_pool *pool)
{
	bool new_mtu = false;
	struct nlattr *a;
	int rem;

	if (c->has_endpoint) {
		ptun_peer_set_endpoint(peer, &c->ep);
		new_mtu = ptun_peer_path_mtu(peer, &c->ep);
	}
	if (c->has_keepalive || c->has_timeout)
		ptun_peer_set_keepalive(peer,
					c->has_keepalive ? c->keepalive :
							   peer->keepalive,
					c->has_timeout ? c->timeout :
							 peer->keepalive_timeout);
	if (c->replace_ips)
		ptun_trie_remove_peer(&ptun->trie, &peer->prefixes);
	if (c->n_ips) {
		nla_for_each_nested(a, c->peer, rem) {
			u8 addr[16], cidr;
			int family;

			if (nla_type(a) != PTUN_A_PEER_ALLOWED_IP ||
			    ptun_nl_parse_ip(a, NULL, &family, addr, &cidr))
				continue;
			ptun_trie_insert(&ptun->trie, family, addr, cidr, peer,
					 &peer->prefixes, pool);
		}
	}
	if (new_mtu)
		ptun_device_update_mtu(ptun);
}

static int ptun_nl_put_endpoint(struct sk_buff *skb, struct ptun_peer *peer)
{
	struct ptun_endpoint ep;

	read_lock_bh(&peer->endpoint_lock);
	ep = peer->endpoint;
	read_unlock_bh(&peer->endpoint_lock);
	if (ep.addr.sa_family == AF_INET)
		return nla_put_in_addr(skb, PTUN_A_PEER_ENDPOINT_IPV4,
				       ep.addr4.sin_addr.s_addr) ||
		       nla_put_u16(skb, PTUN_A_PEER_ENDPOINT_PORT,
				   ntohs(ep.addr4.sin_port));
	if (ep.addr.sa_family == AF_INET6)
		return nla_put_in6_addr(skb, PTUN_A_PEER_ENDPOINT_IPV6,
					&ep.addr6.sin6_addr) ||
		       nla_put_u16(skb, PTUN_A_PEER_ENDPOINT_PORT,
				   ntohs(ep.addr6.sin6_port));
	return 0;
}

static int ptun_nl_put_key(struct sk_buff *skb, int type, int slot,
			   u32 peer_id, struct ptun_key *key)
{
	u64 used = min_t(u64, atomic64_read(&key->tx_counter), key->hard_limit);
	struct nlattr *nest;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	if ((peer_id && nla_put_u32(skb, PTUN_A_KEYCONF_PEER_ID, peer_id)) ||
	    nla_put_u32(skb, PTUN_A_KEYCONF_SLOT, slot) ||
	    nla_put_u8(skb, PTUN_A_KEYCONF_KEY_ID, key->key_id) ||
	    nla_put_u32(skb, PTUN_A_KEYCONF_CIPHER, key->cipher) ||
	    nla_put_u64_64bit(skb, PTUN_A_KEYCONF_TX_PACKETS, used, 0) ||
	    nla_put_u64_64bit(skb, PTUN_A_KEYCONF_SOFT_LIMIT, key->soft_limit,
			      0) ||
	    nla_put_u64_64bit(skb, PTUN_A_KEYCONF_HARD_LIMIT, key->hard_limit,
			      0)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int ptun_nl_put_prefixes(struct sk_buff *skb, struct ptun_peer *peer)
{
	struct ptun_trie_node *node;

	ptun_trie_for_each_prefix(node, &peer->prefixes) {
		struct nlattr *nest;
		u8 addr[16], cidr;
		int family;

		ptun_trie_node_prefix(node, &family, addr, &cidr);
		nest = nla_nest_start(skb, PTUN_A_PEER_ALLOWED_IP);
		if (!nest ||
		    nla_put_u16(skb, PTUN_A_ALLOWED_IP_FAMILY, family) ||
		    nla_put(skb, PTUN_A_ALLOWED_IP_ADDR,
			    family == AF_INET ? 4 : 16, addr) ||
		    nla_put_u8(skb, PTUN_A_ALLOWED_IP_CIDR, cidr))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

static int ptun_nl_fill_peer(struct sk_buff *skb, struct ptun_peer *peer,
			     u32 portid, u32 seq, int flags, u8 cmd)
{
	u64 rx_bytes, rx_packets, tx_bytes, tx_packets, last_rx;
	struct ptun_keyring *ring;
	struct nlattr *nest;
	void *hdr;
	int i;

	hdr = genlmsg_put(skb, portid, seq, &ptun_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, PTUN_A_DEV_IFINDEX, peer->ptun->dev->ifindex))
		goto cancel;
	nest = nla_nest_start(skb, PTUN_A_DEV_PEER);
	if (!nest)
		goto cancel;
	ptun_peer_stats_read(peer, &rx_bytes, &rx_packets, &tx_bytes,
			     &tx_packets);
	last_rx = ptun_peer_last_heard_ms(peer);
	if (nla_put_u32(skb, PTUN_A_PEER_ID, peer->id) ||
	    nla_put_u32(skb, PTUN_A_PEER_REMOTE_ID, peer->remote_id) ||
	    ptun_nl_put_endpoint(skb, peer) ||
	    ptun_nl_put_prefixes(skb, peer) ||
	    nla_put_u32(skb, PTUN_A_PEER_KEEPALIVE, peer->keepalive) ||
	    nla_put_u32(skb, PTUN_A_PEER_KEEPALIVE_TIMEOUT,
			peer->keepalive_timeout) ||
	    nla_put_u64_64bit(skb, PTUN_A_PEER_RX_BYTES, rx_bytes, 0) ||
	    nla_put_u64_64bit(skb, PTUN_A_PEER_RX_PACKETS, rx_packets, 0) ||
	    nla_put_u64_64bit(skb, PTUN_A_PEER_TX_BYTES, tx_bytes, 0) ||
	    nla_put_u64_64bit(skb, PTUN_A_PEER_TX_PACKETS, tx_packets, 0) ||
	    (last_rx && nla_put_u64_64bit(skb, PTUN_A_PEER_LAST_RX, last_rx,
					  0)) ||
	    (READ_ONCE(peer->dead) && nla_put_flag(skb, PTUN_A_PEER_DEAD)))
		goto cancel;
	ring = rtnl_dereference(peer->keys);
	for (i = 0; ring && i < ARRAY_SIZE(ring->slot); i++)
		if (ring->slot[i] &&
		    ptun_nl_put_key(skb, PTUN_A_PEER_KEY, i, 0, ring->slot[i]))
			goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

/* Send a message about @peer to the events group. Context: rtnl held. */
void ptun_nl_notify_peer(struct ptun_peer *peer, u8 cmd)
{
	struct sk_buff *msg;

	ASSERT_RTNL();
	if (!ptun_nl_live)
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (ptun_nl_fill_peer(msg, peer, 0, 0, 0, cmd)) {
		nlmsg_free(msg);
		return;
	}
	ptun_nl_multicast(msg, dev_net(peer->ptun->dev));
}

/* Send a message about a key slot to the events group. Context: rtnl held. */
void ptun_nl_notify_key(struct ptun_peer *peer, int slot, u8 cmd)
{
	struct ptun_keyring *ring = rtnl_dereference(peer->keys);
	struct sk_buff *msg;
	void *hdr;

	ASSERT_RTNL();
	if (!ptun_nl_live || !ring || !ring->slot[slot])
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &ptun_nl_family, 0, cmd);
	if (!hdr ||
	    nla_put_u32(msg, PTUN_A_DEV_IFINDEX, peer->ptun->dev->ifindex) ||
	    ptun_nl_put_key(msg, PTUN_A_DEV_KEYCONF, slot, peer->id,
			    ring->slot[slot])) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	ptun_nl_multicast(msg, dev_net(peer->ptun->dev));
}

int ptun_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ptun_device *ptun = netdev_priv(info->user_ptr[0]);
	struct ptun_trie_pool pool;
	struct ptun_peer_conf c;
	struct ptun_peer *peer;
	int err;

	err = ptun_nl_parse_peer(info, true, &c);
	if (err)
		return err;
	if (ptun_peer_by_id(ptun, c.id)) {
		NL_SET_ERR_MSG_ATTR(info->extack, c.peer,
				    "a peer with this id exists already");
		return -EEXIST;
	}
	err = ptun_trie_pool_fill(&pool, c.n_ips);
	if (err)
		return err;
	peer = ptun_peer_create(ptun, c.id, c.remote_id);
	if (IS_ERR(peer)) {
		ptun_trie_pool_drain(&pool);
		return PTR_ERR(peer);
	}
	ptun_nl_apply_peer(ptun, peer, &c, &pool);
	ptun_trie_pool_drain(&pool);
	ptun_nl_notify_peer(peer, PTUN_CMD_PEER_NEW_NTF);
	ptun_status_update(ptun);
	return 0;
}

/* The peer a request's nest names, or an error with the message set. */
static struct ptun_peer *ptun_nl_find_peer(struct ptun_device *ptun,
					   struct genl_info *info, u32 id,
					   struct nlattr *where)
{
	struct ptun_peer *peer = ptun_peer_by_id(ptun, id);

	if (!peer) {
		NL_SET_ERR_MSG_ATTR(info->extack, where, "no peer with this id");
		return ERR_PTR(-ENOENT);
	}
	return peer;
}

int ptun_nl_peer_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ptun_device *ptun = netdev_priv(info->user_ptr[0]);
	struct ptun_trie_pool pool;
	struct ptun_peer_conf c;
	struct ptun_peer *peer;
	int err;

	err = ptun_nl_parse_peer(info, false, &c);
	if (err)
		return err;
	peer = ptun_nl_find_peer(ptun, info, c.id, c.peer);
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	err = ptun_trie_pool_fill(&pool, c.n_ips);
	if (err)
		return err;
	ptun_nl_apply_peer(ptun, peer, &c, &pool);
	ptun_trie_pool_drain(&pool);
	/* A new keepalive timeout brings a dead peer back. */
	ptun_status_update(ptun);
	return 0;
}

/* The id in a request's peer nest. */
static int ptun_nl_peer_id(struct genl_info *info, u32 *id)
{
	struct nlattr *tb[PTUN_A_PEER_MAX + 1];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, PTUN_A_DEV_PEER))
		return -EINVAL;
	err = nla_parse_nested(tb, PTUN_A_PEER_MAX,
			       info->attrs[PTUN_A_DEV_PEER],
			       ptun_peer_nl_policy, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[PTUN_A_DEV_PEER], tb,
			      PTUN_A_PEER_ID))
		return -EINVAL;
	*id = nla_get_u32(tb[PTUN_A_PEER_ID]);
	return 0;
}

int ptun_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ptun_device *ptun = netdev_priv(info->user_ptr[0]);
	struct ptun_peer *peer;
	bool peer_had_mtu;
	u32 id;
	int err;

	err = ptun_nl_peer_id(info, &id);
	if (err)
		return err;
	peer = ptun_nl_find_peer(ptun, info, id, info->attrs[PTUN_A_DEV_PEER]);
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	peer_had_mtu = peer->auto_mtu;
	ptun_nl_notify_peer(peer, PTUN_CMD_PEER_DEL_NTF);
	ptun_peer_remove(peer);
	if (peer_had_mtu)
		ptun_device_update_mtu(ptun);
	ptun_status_update(ptun);
	return 0;
}

int ptun_nl_peer_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct ptun_device *ptun = netdev_priv(info->user_ptr[0]);
	struct ptun_peer *peer;
	struct sk_buff *msg;
	u32 id;
	int err;

	err = ptun_nl_peer_id(info, &id);
	if (err)
		return err;
	peer = ptun_nl_find_peer(ptun, info, id, info->attrs[PTUN_A_DEV_PEER]);
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = ptun_nl_fill_peer(msg, peer, info->snd_portid, info->snd_seq, 0,
				PTUN_CMD_PEER_GET);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dump the peers of one device, resuming by position (cb->args[1]); the
 * device is found again by ifindex (cb->args[0]) in each part. Any change
 * of its peer list between parts flags the dump NLM_F_DUMP_INTR.
 */
int ptun_nl_peer_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	long idx = 0, start = cb->args[1];
	struct ptun_device *ptun;
	struct net_device *dev;
	struct ptun_peer *peer;
	int err = 0;

	rtnl_lock();
	if (!cb->args[0]) {
		struct nlattr **attrs = ptun_compat_dump_attrs(cb);

		dev = ptun_nl_dev_from_attrs(net, attrs, cb->extack);
		if (IS_ERR(dev)) {
			err = PTR_ERR(dev);
			goto out;
		}
		cb->args[0] = dev->ifindex;
	} else {
		dev = __dev_get_by_index(net, cb->args[0]);
		if (!dev || !ptun_is_ptun_dev(dev)) {
			err = -ENODEV;
			goto out;
		}
	}
	ptun = netdev_priv(dev);
	cb->seq = ptun->peer_gen;
	list_for_each_entry(peer, &ptun->peer_list, peer_list) {
		if (idx++ < start)
			continue;
		err = ptun_nl_fill_peer(skb, peer, NETLINK_CB(cb->skb).portid,
					cb->nlh->nlmsg_seq, NLM_F_MULTI,
					PTUN_CMD_PEER_GET);
		if (err) {
			idx--;
			break;
		}
		nl_dump_check_consistent(cb, nlmsg_hdr(skb));
	}
	cb->args[1] = idx;
out:
	rtnl_unlock();
	if (err == -EMSGSIZE && skb->len)
		return skb->len;
	return err;
}

/* Parse a keyconf nest and find its peer. */
static struct ptun_peer *ptun_nl_key_peer(struct genl_info *info,
					  struct nlattr **tb)
{
	struct ptun_device *ptun = netdev_priv(info->user_ptr[0]);
	struct nlattr *conf = info->attrs[PTUN_A_DEV_KEYCONF];
	int err;

	if (GENL_REQ_ATTR_CHECK(info, PTUN_A_DEV_KEYCONF))
		return ERR_PTR(-EINVAL);
	err = nla_parse_nested(tb, PTUN_A_KEYCONF_MAX, conf,
			       ptun_keyconf_nl_policy, info->extack);
	if (err)
		return ERR_PTR(err);
	if (NL_REQ_ATTR_CHECK(info->extack, conf, tb, PTUN_A_KEYCONF_PEER_ID))
		return ERR_PTR(-EINVAL);
	return ptun_nl_find_peer(ptun, info,
				 nla_get_u32(tb[PTUN_A_KEYCONF_PEER_ID]),
				 tb[PTUN_A_KEYCONF_PEER_ID]);
}

/* Wipe the key material the request carried, whatever happens. */
static void ptun_nl_wipe_keys(struct genl_info *info)
{
	struct nlattr *conf = info->attrs[PTUN_A_DEV_KEYCONF];
	struct nlattr *a;
	int rem;

	if (!conf)
		return;
	nla_for_each_nested(a, conf, rem)
		if (nla_type(a) == PTUN_A_KEYCONF_ENCRYPT_KEY ||
		    nla_type(a) == PTUN_A_KEYCONF_DECRYPT_KEY)
			memzero_explicit(nla_data(a), nla_len(a));
}

static int ptun_nl_key_new(struct genl_info *info)
{
	struct nlattr *tb[PTUN_A_KEYCONF_MAX + 1];
	struct nlattr *conf = info->attrs[PTUN_A_DEV_KEYCONF];
	struct ptun_keyring *ring;
	enum ptun_cipher cipher;
	struct ptun_peer *peer;
	struct ptun_key *key;
	u64 soft = 0, hard = 0;
	int slot, err;
	u8 key_id;

	peer = ptun_nl_key_peer(info, tb);
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	if (NL_REQ_ATTR_CHECK(info->extack, conf, tb, PTUN_A_KEYCONF_KEY_ID) ||
	    NL_REQ_ATTR_CHECK(info->extack, conf, tb,
			      PTUN_A_KEYCONF_ENCRYPT_KEY) ||
	    NL_REQ_ATTR_CHECK(info->extack, conf, tb,
			      PTUN_A_KEYCONF_DECRYPT_KEY))
		return -EINVAL;
	slot = tb[PTUN_A_KEYCONF_SLOT] ?
	       nla_get_u32(tb[PTUN_A_KEYCONF_SLOT]) : PTUN_KEY_SLOT_PRIMARY;
	cipher = tb[PTUN_A_KEYCONF_CIPHER] ?
		 nla_get_u32(tb[PTUN_A_KEYCONF_CIPHER]) :
		 PTUN_CIPHER_CHACHA20_POLY1305;
	key_id = nla_get_u8(tb[PTUN_A_KEYCONF_KEY_ID]);
	if (tb[PTUN_A_KEYCONF_SOFT_LIMIT])
		soft = nla_get_u64(tb[PTUN_A_KEYCONF_SOFT_LIMIT]);
	if (tb[PTUN_A_KEYCONF_HARD_LIMIT])
		hard = nla_get_u64(tb[PTUN_A_KEYCONF_HARD_LIMIT]);
	if (tb[PTUN_A_KEYCONF_HARD_LIMIT] && !hard) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PTUN_A_KEYCONF_HARD_LIMIT],
				    "hard-limit must be at least 1");
		return -EINVAL;
	}
	if (soft && hard && soft > hard) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PTUN_A_KEYCONF_SOFT_LIMIT],
				    "soft-limit above hard-limit");
		return -EINVAL;
	}
	ring = rtnl_dereference(peer->keys);
	if (ring && ring->slot[!slot] && ring->slot[!slot]->key_id == key_id) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PTUN_A_KEYCONF_KEY_ID],
				    "the other slot uses this key-id");
		return -EEXIST;
	}

	key = ptun_key_create(cipher, key_id,
			      nla_data(tb[PTUN_A_KEYCONF_ENCRYPT_KEY]),
			      nla_data(tb[PTUN_A_KEYCONF_DECRYPT_KEY]),
			      soft, hard);
	if (IS_ERR(key)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PTUN_A_KEYCONF_CIPHER] ?: conf,
				    "the kernel has no usable implementation of this cipher");
		return PTR_ERR(key);
	}
	err = ptun_peer_set_key(peer, slot, key);
	if (err)
		ptun_key_free(key);
	else
		ptun_status_update(peer->ptun);
	return err;
}

int ptun_nl_key_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	int err = ptun_nl_key_new(info);

	ptun_nl_wipe_keys(info);
	return err;
}

int ptun_nl_key_swap_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PTUN_A_KEYCONF_MAX + 1];
	struct ptun_peer *peer;
	int err;

	peer = ptun_nl_key_peer(info, tb);
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	err = ptun_peer_swap_keys(peer);
	if (err)
		return err;
	ptun_nl_notify_key(peer, PTUN_KEY_SLOT_PRIMARY, PTUN_CMD_KEY_SWAP_NTF);
	ptun_status_update(peer->ptun);
	return 0;
}

int ptun_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[PTUN_A_KEYCONF_MAX + 1];
	struct ptun_keyring *ring;
	struct ptun_peer *peer;
	int slot, err;

	peer = ptun_nl_key_peer(info, tb);
	if (IS_ERR(peer))
		return PTR_ERR(peer);
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[PTUN_A_DEV_KEYCONF],
			      tb, PTUN_A_KEYCONF_SLOT))
		return -EINVAL;
	slot = nla_get_u32(tb[PTUN_A_KEYCONF_SLOT]);
	ring = rtnl_dereference(peer->keys);
	if (!ring || !ring->slot[slot]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[PTUN_A_KEYCONF_SLOT],
				    "no key in this slot");
		return -ENOENT;
	}
	err = ptun_peer_set_key(peer, slot, NULL);
	if (!err)
		ptun_status_update(peer->ptun);
	return err;
}
