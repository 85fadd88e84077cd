/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_DEVICE_H
#define _PTUN_DEVICE_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/types.h>
#include <net/net_namespace.h>
#include <uapi/linux/ptun.h>

#include "lookup.h"
#include "queue.h"

struct ptun_settings;

/* Why a datagram or packet was dropped (the "drops" attributes, less 1). */
enum ptun_drop {
	PTUN_DROP_TRUNCATED,
	PTUN_DROP_BAD_HEADER,
	PTUN_DROP_UNKNOWN_PEER,
	PTUN_DROP_UNKNOWN_KEY,
	PTUN_DROP_AUTH_FAILED,
	PTUN_DROP_REPLAYED,
	PTUN_DROP_TOO_OLD,
	PTUN_DROP_BAD_SOURCE,
	PTUN_DROP_BAD_INNER,
	PTUN_DROP_TX_NO_KEY,
	PTUN_DROP_TX_NO_ENDPOINT,
	PTUN_DROP_TX_TOO_BIG,
	PTUN_DROP_QUEUE_FULL,
	PTUN_DROP_TX_QUEUE_FULL,
	PTUN_DROP_MAX,
};

/**
 * struct ptun_drops - per-CPU counters of a device
 * @count: drops by enum ptun_drop
 * @policy_taken: packets the enforcement hooks took from another
 *	interface into the tunnel (ethtool -S)
 * @policy_dropped: packets to an excluded route the kill switch dropped
 *	while the tunnel was not connected (ethtool -S)
 */
struct ptun_drops {
	unsigned long count[PTUN_DROP_MAX];
	unsigned long policy_taken;
	unsigned long policy_dropped;
};

#define PTUN_PEER_HASH_BITS	11

/**
 * struct ptun_device - private part of a ptun net_device
 * @dev: the net_device this is embedded in
 * @creating_net: namespace the device was created in, where its UDP socket
 *	lives even after the device moves to another namespace. Not
 *	refcounted: when that namespace dies, pre_exit closes the sockets and
 *	sets it to NULL first. Written under rtnl.
 * @device_list: entry in the list of all ptun devices, protected by rtnl
 * @listen_port: configured UDP port in host order, 0 for the kernel's
 *	choice (rtnl)
 * @fwmark: mark put on outer datagrams, 0 for none (rtnl; read locklessly)
 * @sock4: IPv4 UDP socket while up; RCU, written under rtnl
 * @sock6: IPv6 UDP socket while up (none without IPv6); as @sock4
 * @bound_port: the port both sockets are bound to, 0 while down (rtnl)
 * @trie: inner prefixes to peers (rtnl; RCU readers)
 * @peer_hash: peers by id (rtnl; RCU readers)
 * @peer_list: peers in creation order, for dumps (rtnl; RCU readers: the
 *	enforcement hooks)
 * @num_peers: length of @peer_list (rtnl)
 * @peer_gen: bumped on every change of @peer_list, for dump consistency
 * @tx_queue: datagrams waiting to be sealed, for the workers of any CPU
 * @rx_queue: datagrams waiting to be opened, likewise
 * @drops: per-CPU drop counters by enum ptun_drop
 * @mtu_user: the MTU was set by the user; no automatic MTU (rtnl)
 * @mtu_auto: an automatic MTU change is in progress (rtnl)
 * @mtu_saved: the MTU before the settings' MTU replaced it (rtnl)
 * @hook_ops: the enforcement hooks, IPv4 and IPv6 (policy.c)
 * @hooks_net: the namespace @hook_ops are registered in, NULL when they
 *	are not (rtnl)
 * @settings: the network settings, NULL if none; replaced whole under rtnl,
 *	RCU readers (see settings.c)
 * @settings_gen: bumped by every settings-set and settings-clear (rtnl)
 * @status: enum ptun_status, written under rtnl by ptun_status_update(),
 *	read locklessly
 */
struct ptun_device {
	struct net_device *dev;
	struct net *creating_net;
	struct list_head device_list;
	u16 listen_port;
	u32 fwmark;
	struct sock __rcu *sock4;
	struct sock __rcu *sock6;
	u16 bound_port;
	struct ptun_trie trie;
	DECLARE_HASHTABLE(peer_hash, PTUN_PEER_HASH_BITS);
	struct list_head peer_list;
	unsigned int num_peers;
	u32 peer_gen;
	struct ptun_crypt_queue tx_queue;
	struct ptun_crypt_queue rx_queue;
	struct ptun_drops __percpu *drops;
	bool mtu_user;
	bool mtu_auto;
	unsigned int mtu_saved;
	struct nf_hook_ops hook_ops[2];
	struct net *hooks_net;
	struct ptun_settings __rcu *settings;
	u32 settings_gen;
	enum ptun_status status;
};

static inline void ptun_drop_inc(struct ptun_device *ptun, enum ptun_drop why)
{
	this_cpu_inc(ptun->drops->count[why]);
}

/*
 * Drop a datagram on the packet path: count it in the device's rx or tx
 * drops and, when @why is a reason (>= 0), by that reason.
 */
static inline void ptun_drop_skb(struct ptun_device *ptun, struct sk_buff *skb,
				 int why, bool rx)
{
	if (why >= 0)
		ptun_drop_inc(ptun, why);
	if (rx)
		DEV_STATS_INC(ptun->dev, rx_dropped);
	else
		DEV_STATS_INC(ptun->dev, tx_dropped);
	kfree_skb(skb);
}

/*
 * Worst-case bytes added to an inner packet: outer IPv6 (40) and UDP (8)
 * headers, ptun's header (16) and the AEAD tag (16).
 */
#define PTUN_MAX_OVERHEAD	80
/* Inner MTU of a new device: a 1500-byte underlay less that overhead. */
#define PTUN_DEFAULT_MTU	(ETH_DATA_LEN - PTUN_MAX_OVERHEAD)

bool ptun_is_ptun_dev(const struct net_device *dev);
struct net_device *ptun_device_alloc(struct net *net, const char *name);
int ptun_device_register(struct net_device *dev, struct net *creating_net);
void ptun_device_delete(struct net_device *dev, struct list_head *head);
void ptun_device_drops(struct ptun_device *ptun, u64 out[PTUN_DROP_MAX]);
void ptun_device_update_mtu(struct ptun_device *ptun);

netdev_tx_t ptun_xmit(struct sk_buff *skb, struct net_device *dev);

int ptun_device_init(void);
void ptun_device_uninit(void);

#endif /* _PTUN_DEVICE_H */
