/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_PEER_H
#define _PTUN_PEER_H

#include <linux/in.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <uapi/linux/ptun.h>

struct ptun_device;
struct ptun_key;

/**
 * struct ptun_keyring - a peer's two key slots, replaced as a whole
 * @slot: primary and secondary key (enum ptun_key_slot), either may be NULL
 * @rcu: frees the ring (not the keys) after a grace period
 *
 * Swapping publishes one new ring, so a reader always sees both keys: a
 * swap loses no datagram.
 */
struct ptun_keyring {
	struct ptun_key *slot[2];
	struct rcu_head rcu;
};

/**
 * struct ptun_endpoint - where a peer's datagrams go, and from where
 * @addr: the peer's address and port (family AF_UNSPEC when unknown)
 * @src4: our IPv4 address the peer last reached us on, 0 if none
 * @src6: the same for IPv6
 */
struct ptun_endpoint {
	union {
		struct sockaddr addr;
		struct sockaddr_in addr4;
		struct sockaddr_in6 addr6;
	};
	union {
		__be32 src4;
		struct in6_addr src6;
	};
};

/**
 * struct ptun_peer_stats - per-CPU traffic counters of a peer
 * @rx_bytes: inner bytes received
 * @rx_packets: authenticated datagrams received
 * @tx_bytes: inner bytes sent
 * @tx_packets: datagrams sent
 * @syncp: consistent 64-bit reads on 32-bit machines
 */
struct ptun_peer_stats {
	u64_stats_t rx_bytes;
	u64_stats_t rx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t tx_packets;
	struct u64_stats_sync syncp;
};

/* Events the packet path raises and a work item reports (peer->events). */
enum ptun_peer_event {
	PTUN_EV_ENDPOINT,
	PTUN_EV_DEAD,
	PTUN_EV_REKEY,
	PTUN_EV_ALIVE,
};

/**
 * struct ptun_peer - a peer of a ptun device
 * @ptun: the device
 * @id: our id for the peer; its datagrams carry it
 * @remote_id: the peer's id for us; our datagrams carry it
 * @hash_node: entry in the device's id hash (rtnl; RCU readers)
 * @peer_list: entry in the device's peer list (rtnl; RCU readers)
 * @prefixes: the peer's trie nodes (rtnl)
 * @endpoint_lock: protects @endpoint and @path_gen; readers on the packet
 *	path
 * @endpoint: where the peer is
 * @path_gen: bumped whenever the way to @endpoint may have changed (a move,
 *	the device's mark, the settings): what was learnt of an older
 *	generation's route is not stored
 * @dst_cache: cached route to @endpoint, reset when it changes
 * @tx_mtu: inner MTU of the path the send stage last routed along, 0 when
 *	unknown; lets ptun_xmit() skip routing each packet (lockless)
 * @tx_headroom: link-layer room that path's device wants (lockless)
 * @keys: the key slots; RCU, replaced under rtnl
 * @stats: traffic counters
 * @last_rx: jiffies of the last authenticated datagram, or of the moment
 *	dead-peer detection (re)started
 * @last_heard: jiffies of the last authenticated datagram, if @heard
 * @heard: an authenticated datagram ever came
 * @last_tx: jiffies of the last datagram sent
 * @keepalive: seconds between keepalives, 0 for none (rtnl; read locklessly)
 * @keepalive_timeout: seconds before peer-dead, 0 for 3 * @keepalive
 * @dead: peer-dead was raised and nothing came since
 * @removed: unlinked from the device; the packet path and the event work
 *	do nothing more for it (set under rtnl)
 * @timer: keepalive and dead-peer tick
 * @events: pending enum ptun_peer_event bits
 * @event_work: reports @events under rtnl
 * @auto_mtu: device MTU the route to @endpoint allows, 0 if unknown
 * @tx_queue: datagrams to send, in order, sealed or waiting for a worker
 * @rx_queue: datagrams received, in order, opened or waiting for a worker
 * @tx_work: the send stage: sends the sealed head of @tx_queue
 * @napi: the receive stage: delivers the opened head of @rx_queue
 * @refcount: the device's reference plus one per queued work
 * @free_work: frees the peer after an RCU grace period
 */
struct ptun_peer {
	struct ptun_device *ptun;
	u32 id;
	u32 remote_id;
	struct hlist_node hash_node;
	struct list_head peer_list;
	struct list_head prefixes;
	rwlock_t endpoint_lock;
	struct ptun_endpoint endpoint;
	u32 path_gen;
	struct dst_cache dst_cache;
	unsigned int tx_mtu;
	unsigned int tx_headroom;
	struct ptun_keyring __rcu *keys;
	struct ptun_peer_stats __percpu *stats;
	unsigned long last_rx;
	unsigned long last_heard;
	bool heard;
	unsigned long last_tx;
	u32 keepalive;
	u32 keepalive_timeout;
	bool dead;
	bool removed;
	struct timer_list timer;
	unsigned long events;
	struct work_struct event_work;
	unsigned int auto_mtu;
	struct sk_buff_head tx_queue;
	struct sk_buff_head rx_queue;
	struct work_struct tx_work;
	struct napi_struct napi;
	refcount_t refcount;
	struct rcu_work free_work;
};

struct ptun_peer *ptun_peer_create(struct ptun_device *ptun, u32 id,
				   u32 remote_id);
void ptun_peer_remove(struct ptun_peer *peer);
void ptun_peer_remove_all(struct ptun_device *ptun);
struct ptun_peer *ptun_peer_by_id(struct ptun_device *ptun, u32 id);
void ptun_peer_set_endpoint(struct ptun_peer *peer,
			    const struct ptun_endpoint *ep);
bool ptun_peer_path_mtu(struct ptun_peer *peer,
			const struct ptun_endpoint *ep);
void ptun_peer_reroute(struct ptun_peer *peer);
void ptun_peer_set_keepalive(struct ptun_peer *peer, u32 keepalive,
			     u32 timeout);
int ptun_peer_set_key(struct ptun_peer *peer, enum ptun_key_slot slot,
		      struct ptun_key *key);
int ptun_peer_swap_keys(struct ptun_peer *peer);
void ptun_peer_raise(struct ptun_peer *peer, enum ptun_peer_event ev);
void ptun_peer_heard(struct ptun_peer *peer);
u64 ptun_peer_last_heard_ms(struct ptun_peer *peer);
void ptun_peer_stats_read(struct ptun_peer *peer, u64 *rx_bytes,
			  u64 *rx_packets, u64 *tx_bytes, u64 *tx_packets);

static inline void ptun_peer_rx_add(struct ptun_peer *peer, unsigned int len)
{
	struct ptun_peer_stats *s = this_cpu_ptr(peer->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->rx_bytes, len);
	u64_stats_inc(&s->rx_packets);
	u64_stats_update_end(&s->syncp);
}

static inline void ptun_peer_tx_add(struct ptun_peer *peer, unsigned int len)
{
	struct ptun_peer_stats *s = this_cpu_ptr(peer->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->tx_bytes, len);
	u64_stats_inc(&s->tx_packets);
	u64_stats_update_end(&s->syncp);
}

#endif /* _PTUN_PEER_H */
