// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: pick the peer by the inner destination (cryptokey routing),
 * segment GSO packets, route to the peer's endpoint and answer packets too
 * big for that path, on the sending CPU. Then queue them (queue.c): a
 * worker on any CPU seals each in place with the primary key, and the
 * peer's send stage sends them in the order they were queued. No
 * allocation but the stack's own.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/dst.h>
#include <net/icmp.h>
#include <net/ip.h>

#include "compat.h"
#include "crypto.h"
#include "device.h"
#include "lookup.h"
#include "peer.h"
#include "proto.h"
#include "queue.h"
#include "send.h"
#include "socket.h"

/* Room in front of an inner packet for everything put before it. */
#define PTUN_HEADROOM	(sizeof(struct ptun_hdr) + 8 + 40)

/*
 * Take the next counter of the primary key, or fail when there is none or
 * it reached its hard limit. Crossing a limit raises rekey-needed once.
 */
static struct ptun_key *ptun_send_key(struct ptun_peer *peer, u64 *counter)
{
	struct ptun_keyring *ring = rcu_dereference_bh(peer->keys);
	struct ptun_key *key;
	u64 n;

	key = ring ? ring->slot[PTUN_KEY_SLOT_PRIMARY] : NULL;
	if (unlikely(!key))
		return NULL;
	if (unlikely(atomic64_read(&key->tx_counter) >= key->hard_limit))
		return NULL;
	n = atomic64_inc_return(&key->tx_counter) - 1;
	if (unlikely(n >= key->hard_limit))
		return NULL;
	if (unlikely(n == key->soft_limit || n + 1 == key->hard_limit))
		ptun_peer_raise(peer, PTUN_EV_REKEY);
	*counter = n;
	return key;
}

/* Tell the inner sender how big a packet the path takes. */
static void ptun_send_too_big(struct sk_buff *skb, unsigned int mtu)
{
	if (skb->protocol == htons(ETH_P_IP)) {
		if (ip_hdr(skb)->frag_off & htons(IP_DF))
			icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
				      htonl(mtu));
	} else {
		icmpv6_ndo_send(skb, ICMPV6_PKT_TOOBIG, 0, mtu);
	}
}

static bool ptun_send_fits(struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu)
		return true;
	if (skb_is_gso(skb))
		return skb_gso_validate_network_len(skb, mtu);
	/* IPv4 without DF may be fragmented by the outer path. */
	return skb->protocol == htons(ETH_P_IP) &&
	       !(ip_hdr(skb)->frag_off & htons(IP_DF));
}

/*
 * The crypto worker's part (queue.c): take a counter of the primary key,
 * put the header in front and seal. Context: RCU-bh read side.
 */
static void ptun_send_crypt(struct sk_buff *skb)
{
	struct ptun_peer *peer = PTUN_CB(skb)->peer;
	struct ptun_key *key;
	struct ptun_hdr *hdr;
	u64 counter;

	key = ptun_send_key(peer, &counter);
	if (unlikely(!key)) {
		ptun_cb_finish(skb, PTUN_CB_DEAD, PTUN_DROP_TX_NO_KEY);
		return;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto dead;
	hdr = skb_push(skb, sizeof(*hdr));
	hdr->version = PTUN_PROTO_VERSION;
	hdr->type = PTUN_MSG_DATA;
	hdr->key_id = key->key_id;
	hdr->reserved = 0;
	hdr->receiver_id = htonl(peer->remote_id);
	hdr->counter = cpu_to_be64(counter);
	if (unlikely(ptun_crypto_seal(key, skb, counter)))
		goto dead;
	ptun_cb_finish(skb, PTUN_CB_DONE, -1);
	return;
dead:
	ptun_cb_finish(skb, PTUN_CB_DEAD, -1);
}

/*
 * Remember the path a route to the peer takes, for ptun_xmit(): its inner
 * MTU (0 when routing failed, so the next packet routes and answers) and
 * its device's link-layer room. Nothing is stored when the peer moved or
 * was rerouted after @r was found. Return: the inner MTU, 0 on failure.
 */
static unsigned int ptun_send_learn(struct ptun_peer *peer,
				    const struct ptun_route *r, int err)
{
	unsigned int mtu = 0, room = 0;

	if (!err) {
		mtu = dst_mtu(r->dst) - (r->family == AF_INET ?
					 PTUN_OVERHEAD4 : PTUN_OVERHEAD6);
		room = LL_RESERVED_SPACE(r->dst->dev);
	}
	read_lock_bh(&peer->endpoint_lock);
	if (r->gen == peer->path_gen &&
	    (READ_ONCE(peer->tx_mtu) != mtu ||
	     READ_ONCE(peer->tx_headroom) != room)) {
		WRITE_ONCE(peer->tx_headroom, room);
		WRITE_ONCE(peer->tx_mtu, mtu);
	}
	read_unlock_bh(&peer->endpoint_lock);
	return mtu;
}

/*
 * Send a batch of the sealed datagrams at the head of the peer's queue, in
 * order, along one route. Return: whether the queue may hold more.
 */
static bool ptun_send_batch(struct ptun_peer *peer)
{
	struct ptun_device *ptun = peer->ptun;
	struct ptun_route r;
	struct sk_buff *skb;
	int err = 1, n;

	rcu_read_lock_bh();
	for (n = 0; n < PTUN_QUEUE_BATCH; n++) {
		skb = ptun_queue_ready(&peer->tx_queue);
		if (!skb)
			break;
		if (PTUN_CB(skb)->state == PTUN_CB_DEAD) {
			ptun_drop_skb(ptun, skb, PTUN_CB(skb)->why, false);
			continue;
		}
		if (err > 0) {
			err = ptun_socket_route(ptun, peer, &r);
			/* The path may have changed: ptun_xmit() checks by it. */
			ptun_send_learn(peer, &r, err);
		}
		if (unlikely(err)) {
			ptun_drop_skb(ptun, skb, PTUN_DROP_TX_NO_ENDPOINT,
				      false);
			continue;
		}
		ptun_peer_tx_add(peer, PTUN_CB(skb)->len);
		if (time_after(jiffies, READ_ONCE(peer->last_tx)))
			WRITE_ONCE(peer->last_tx, jiffies);
		if (!skb->protocol)	/* a keepalive */
			skb->protocol = r.family == AF_INET ?
					htons(ETH_P_IP) : htons(ETH_P_IPV6);
		dst_hold(r.dst);
		ptun_socket_xmit(ptun, &r, skb);
	}
	if (!err)
		dst_release(r.dst);
	rcu_read_unlock_bh();
	return n == PTUN_QUEUE_BATCH;
}

/* Wake the peer's send stage. Context: bottom halves disabled. */
static void ptun_send_wake(struct ptun_peer *peer)
{
	queue_work(ptun_crypt_wq, &peer->tx_work);
}

/**
 * ptun_send_stage() - a peer's send stage: its sealed datagrams, in order
 * @work: the peer's tx_work
 *
 * Context: process (ptun_crypt_wq); never runs twice at once.
 */
void ptun_send_stage(struct work_struct *work)
{
	struct ptun_peer *peer = container_of(work, struct ptun_peer,
					      tx_work);

	while (ptun_send_batch(peer))
		cond_resched();
}

/* Queue one datagram for sealing. Context: bottom halves disabled. */
static void ptun_send_queue(struct ptun_device *ptun, struct ptun_peer *peer,
			    struct sk_buff *skb)
{
	int err;

	PTUN_CB(skb)->peer = peer;
	PTUN_CB(skb)->len = skb->len;
	err = ptun_queue_enqueue(&ptun->tx_queue, &peer->tx_queue, skb);
	if (unlikely(err == -ENOSPC))
		ptun_drop_skb(ptun, skb, PTUN_DROP_TX_QUEUE_FULL, false);
	else if (unlikely(err))
		ptun_send_wake(peer);
}

/* Queue a packet that fits the path. Context: bottom halves disabled. */
static void ptun_send_one(struct ptun_device *ptun, struct ptun_peer *peer,
			  struct sk_buff *skb)
{
	/* Room for the outer headers now, so the stage need not copy. */
	if (skb_cow_head(skb, PTUN_HEADROOM + READ_ONCE(peer->tx_headroom))) {
		ptun_drop_skb(ptun, skb, -1, false);
		return;
	}
	/* Nothing of the inner packet's routing or conntrack goes outside. */
	skb_scrub_packet(skb, false);
	ptun_send_queue(ptun, peer, skb);
}

static void ptun_send_unreachable(struct net_device *dev, struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH,
				0);
	DEV_STATS_INC(dev, tx_errors);
}

netdev_tx_t ptun_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct ptun_device *ptun = netdev_priv(dev);
	struct sk_buff *segs, *next;
	struct ptun_peer *peer;
	struct ptun_route r;
	unsigned int mtu;
	const void *daddr;
	int family, err;
	bool fits;

	if (skb->protocol == htons(ETH_P_IP) &&
	    pskb_network_may_pull(skb, sizeof(struct iphdr)) &&
	    ip_hdr(skb)->version == 4) {
		family = AF_INET;
		daddr = &ip_hdr(skb)->daddr;
	} else if (skb->protocol == htons(ETH_P_IPV6) &&
		   pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) &&
		   ipv6_hdr(skb)->version == 6) {
		family = AF_INET6;
		daddr = &ipv6_hdr(skb)->daddr;
	} else {
		DEV_STATS_INC(dev, tx_errors);
		goto drop;
	}

	rcu_read_lock_bh();
	peer = ptun_trie_lookup(&ptun->trie, family, daddr);
	if (unlikely(!peer)) {
		ptun_send_unreachable(dev, skb);
		goto unlock_drop;
	}
	/*
	 * Measure the packet against the path the send stage last routed
	 * along. Route here only when that is unknown, or when the packet
	 * seems too big, since the path may have grown: so a packet is
	 * refused only by a fresh route, and one too big for a path that
	 * shrank since the last batch goes fragmented outside.
	 */
	mtu = READ_ONCE(peer->tx_mtu);
	fits = mtu && ptun_send_fits(skb, mtu);
	if (unlikely(!fits)) {
		err = ptun_socket_route(ptun, peer, &r);
		mtu = ptun_send_learn(peer, &r, err);
		if (unlikely(err)) {
			ptun_drop_inc(ptun, PTUN_DROP_TX_NO_ENDPOINT);
			ptun_send_unreachable(dev, skb);
			goto unlock_drop;
		}
		dst_release(r.dst);
		fits = ptun_send_fits(skb, mtu);
	}

	if (unlikely(!fits)) {
		ptun_drop_inc(ptun, PTUN_DROP_TX_TOO_BIG);
		ptun_send_too_big(skb, mtu);
		DEV_STATS_INC(dev, tx_dropped);
		goto unlock_drop;
	}
	if (!skb_is_gso(skb)) {
		ptun_send_one(ptun, peer, skb);
	} else {
		/* Each segment fits: that is what the GSO check said. */
		segs = skb_gso_segment(skb, 0);
		if (IS_ERR_OR_NULL(segs)) {
			DEV_STATS_INC(dev, tx_dropped);
			goto unlock_drop;
		}
		consume_skb(skb);
		skb_list_walk_safe(segs, skb, next) {
			skb_mark_not_on_list(skb);
			ptun_send_one(ptun, peer, skb);
		}
	}
	rcu_read_unlock_bh();
	return NETDEV_TX_OK;

unlock_drop:
	rcu_read_unlock_bh();
drop:
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

/**
 * ptun_send_keepalive() - send an authenticated empty datagram
 * @peer: the peer
 *
 * Context: timer (softirq).
 */
void ptun_send_keepalive(struct ptun_peer *peer)
{
	struct ptun_device *ptun = peer->ptun;
	struct ptun_route r;
	struct sk_buff *skb;

	rcu_read_lock_bh();
	if (!netif_running(ptun->dev) || ptun_socket_route(ptun, peer, &r))
		goto out;
	dst_release(r.dst);
	skb = alloc_skb(PTUN_HEADROOM + MAX_HEADER + PTUN_TAG_LEN, GFP_ATOMIC);
	if (!skb)
		goto out;
	skb_reserve(skb, PTUN_HEADROOM + MAX_HEADER);
	skb_reset_network_header(skb);
	ptun_send_queue(ptun, peer, skb);
out:
	rcu_read_unlock_bh();
}

int ptun_send_init(struct ptun_device *ptun)
{
	return ptun_queue_init(&ptun->tx_queue, ptun_send_crypt,
			       ptun_send_wake, PTUN_DROP_TX_QUEUE_FULL);
}
