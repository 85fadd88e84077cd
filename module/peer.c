// SPDX-License-Identifier: GPL-2.0
/*
 * Peers: creation, the id hash, endpoints, keepalive and dead-peer timers,
 * events raised from the packet path, and the death in three steps: unlink
 * and mark removed under rtnl; wait until nothing on the packet path can
 * reach the peer, then stop its stages and drop what they hold; free after
 * an RCU grace period.
 */

#include <linux/hashtable.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "crypto.h"
#include "device.h"
#include "netlink.h"
#include "peer.h"
#include "queue.h"
#include "send.h"
#include "settings.h"
#include "socket.h"

/* Free a peer nobody can reach any more. Context: process. */
static void ptun_peer_free(struct ptun_peer *peer)
{
	struct ptun_keyring *ring = rcu_dereference_protected(peer->keys, 1);

	if (ring) {
		ptun_key_free(ring->slot[0]);
		ptun_key_free(ring->slot[1]);
		kfree(ring);
	}
	dst_cache_destroy(&peer->dst_cache);
	free_percpu(peer->stats);
	kfree(peer);
}

static void ptun_peer_free_work(struct work_struct *work)
{
	ptun_peer_free(container_of(to_rcu_work(work), struct ptun_peer,
				    free_work));
}

/* Drop the device's reference. Context: rtnl held. */
static void ptun_peer_put_rtnl(struct ptun_peer *peer)
{
	if (refcount_dec_and_test(&peer->refcount)) {
		INIT_RCU_WORK(&peer->free_work, ptun_peer_free_work);
		queue_rcu_work(ptun_wq, &peer->free_work);
	}
}

/*
 * Drop a work item's reference. Module exit drains ptun_wq, which then must
 * not be fed from outside (as an RCU callback would): wait here instead;
 * only removed peers with pending events get this far.
 */
static void ptun_peer_put_work(struct ptun_peer *peer)
{
	if (refcount_dec_and_test(&peer->refcount)) {
		synchronize_rcu();
		ptun_peer_free(peer);
	}
}

/**
 * ptun_peer_path_mtu() - take the automatic MTU of the path to an endpoint
 * @peer: the peer
 * @ep: its endpoint (just set, or read under its lock)
 *
 * Context: rtnl held.
 * Return: true if the peer's @auto_mtu changed (the device's MTU is then
 * for the caller to update, with ptun_device_update_mtu()).
 */
bool ptun_peer_path_mtu(struct ptun_peer *peer, const struct ptun_endpoint *ep)
{
	unsigned int mtu = ptun_socket_path_mtu(peer->ptun, ep);

	if (mtu == peer->auto_mtu)
		return false;
	peer->auto_mtu = mtu;
	return true;
}

/*
 * A roam may change the path, and with it the automatic MTU.
 * Context: rtnl held.
 */
static void ptun_peer_roam_mtu(struct ptun_peer *peer)
{
	struct ptun_endpoint ep;

	read_lock_bh(&peer->endpoint_lock);
	ep = peer->endpoint;
	read_unlock_bh(&peer->endpoint_lock);
	if (ptun_peer_path_mtu(peer, &ep))
		ptun_device_update_mtu(peer->ptun);
}

static void ptun_peer_event_work(struct work_struct *work)
{
	struct ptun_peer *peer = container_of(work, struct ptun_peer,
					      event_work);

	rtnl_lock();
	if (!peer->removed) {
		if (test_and_clear_bit(PTUN_EV_ENDPOINT, &peer->events)) {
			ptun_peer_roam_mtu(peer);
			ptun_nl_notify_peer(peer, PTUN_CMD_ENDPOINT_CHANGED_NTF);
		}
		if (test_and_clear_bit(PTUN_EV_DEAD, &peer->events))
			ptun_nl_notify_peer(peer, PTUN_CMD_PEER_DEAD_NTF);
		if (test_and_clear_bit(PTUN_EV_REKEY, &peer->events))
			ptun_nl_notify_key(peer, PTUN_KEY_SLOT_PRIMARY,
					   PTUN_CMD_REKEY_NEEDED_NTF);
		/* Dead, alive again or a worn-out key: the status may move. */
		clear_bit(PTUN_EV_ALIVE, &peer->events);
		ptun_status_update(peer->ptun);
	}
	rtnl_unlock();
	ptun_peer_put_work(peer);
}

/**
 * ptun_peer_raise() - report an event of the packet path
 * @peer: the peer
 * @ev: what happened
 *
 * Context: any; the report is sent later from process context.
 */
void ptun_peer_raise(struct ptun_peer *peer, enum ptun_peer_event ev)
{
	set_bit(ev, &peer->events);
	if (!refcount_inc_not_zero(&peer->refcount))
		return;
	if (!queue_work(ptun_wq, &peer->event_work))
		refcount_dec(&peer->refcount);	/* the queued work holds one */
}

static void ptun_peer_tick(struct timer_list *t)
{
	struct ptun_peer *peer = from_timer(peer, t, timer);
	u32 ka = READ_ONCE(peer->keepalive);
	u32 to = READ_ONCE(peer->keepalive_timeout) ?: 3 * ka;
	unsigned long now = jiffies;
	u32 interval;

	if (READ_ONCE(peer->removed))
		return;
	if (ka && time_after_eq(now, READ_ONCE(peer->last_tx) + ka * HZ))
		ptun_send_keepalive(peer);
	if (to && !READ_ONCE(peer->dead) &&
	    time_after_eq(now, READ_ONCE(peer->last_rx) + to * HZ)) {
		WRITE_ONCE(peer->dead, true);
		ptun_peer_raise(peer, PTUN_EV_DEAD);
	}
	interval = ka ?: to;
	if (interval)
		mod_timer(&peer->timer, jiffies + interval * HZ);
}

/**
 * ptun_peer_create() - add a peer to a device
 * @ptun: the device
 * @id: our id for it, unused on the device
 * @remote_id: its id for us
 *
 * Context: rtnl held.
 * Return: the peer, linked in the device's hash and list, or an ERR_PTR.
 */
struct ptun_peer *ptun_peer_create(struct ptun_device *ptun, u32 id,
				   u32 remote_id)
{
	struct ptun_peer *peer;
	int err = -ENOMEM;

	ASSERT_RTNL();
	peer = kzalloc(sizeof(*peer), GFP_KERNEL);
	if (!peer)
		return ERR_PTR(-ENOMEM);
	peer->stats = netdev_alloc_pcpu_stats(struct ptun_peer_stats);
	if (!peer->stats)
		goto err_free;
	err = dst_cache_init(&peer->dst_cache, GFP_KERNEL);
	if (err)
		goto err_free_stats;

	peer->ptun = ptun;
	peer->id = id;
	peer->remote_id = remote_id;
	INIT_LIST_HEAD(&peer->prefixes);
	rwlock_init(&peer->endpoint_lock);
	peer->last_rx = jiffies;
	peer->last_tx = jiffies;
	timer_setup(&peer->timer, ptun_peer_tick, 0);
	INIT_WORK(&peer->event_work, ptun_peer_event_work);
	skb_queue_head_init(&peer->tx_queue);
	skb_queue_head_init(&peer->rx_queue);
	INIT_WORK(&peer->tx_work, ptun_send_stage);
	netif_napi_add(ptun->dev, &peer->napi, ptun_recv_poll);
	napi_enable(&peer->napi);
	refcount_set(&peer->refcount, 1);

	hash_add_rcu(ptun->peer_hash, &peer->hash_node, id);
	list_add_tail_rcu(&peer->peer_list, &ptun->peer_list);
	ptun->num_peers++;
	ptun->peer_gen++;
	return peer;

err_free_stats:
	free_percpu(peer->stats);
err_free:
	kfree(peer);
	return ERR_PTR(err);
}

/**
 * ptun_peer_by_id() - find a peer by our id for it
 * @ptun: the device
 * @id: the id
 *
 * Context: rtnl or RCU read side.
 * Return: the peer or NULL.
 */
struct ptun_peer *ptun_peer_by_id(struct ptun_device *ptun, u32 id)
{
	struct ptun_peer *peer;

	hash_for_each_possible_rcu(ptun->peer_hash, peer, hash_node, id,
				   lockdep_rtnl_is_held())
		if (peer->id == id)
			return peer;
	return NULL;
}

/* No lookup finds the peer after this, and its timer is stopped. */
static void ptun_peer_unlink(struct ptun_peer *peer)
{
	struct ptun_device *ptun = peer->ptun;

	WRITE_ONCE(peer->removed, true);
	hash_del_rcu(&peer->hash_node);
	ptun_trie_remove_peer(&ptun->trie, &peer->prefixes);
	timer_shutdown_sync(&peer->timer);
}

/*
 * Wait until no datagram of an unlinked peer can be on its way to it:
 * senders and the receive hook that found it are done (a grace period),
 * and the workers have handed on what they took (queue.c).
 */
static void ptun_peer_quiesce(struct ptun_device *ptun)
{
	synchronize_net();
	ptun_queue_flush(&ptun->tx_queue);
	ptun_queue_flush(&ptun->rx_queue);
}

/* Once quiesced: stop the stages, drop what is queued, let it go. */
static void ptun_peer_finish(struct ptun_peer *peer)
{
	struct ptun_device *ptun = peer->ptun;

	list_del_rcu(&peer->peer_list);
	ptun->num_peers--;
	ptun->peer_gen++;
	napi_disable(&peer->napi);
	/* Readers of the device's NAPI list are gone before the free. */
	__netif_napi_del(&peer->napi);
	cancel_work_sync(&peer->tx_work);
	skb_queue_purge(&peer->tx_queue);
	skb_queue_purge(&peer->rx_queue);
	ptun_peer_put_rtnl(peer);
}

/**
 * ptun_peer_remove() - unlink a peer and free it after a grace period
 * @peer: the peer
 *
 * Datagrams still queued for it are dropped. Its keys are wiped when it is
 * freed.
 *
 * Context: rtnl held; sleeps.
 */
void ptun_peer_remove(struct ptun_peer *peer)
{
	ASSERT_RTNL();
	ptun_peer_unlink(peer);
	ptun_peer_quiesce(peer->ptun);
	ptun_peer_finish(peer);
}

/*
 * Publish a ring with @slot set to @key (may be NULL) and, if @swap, the
 * slots exchanged; the replaced key is freed after a grace period.
 */
static int ptun_peer_new_ring(struct ptun_peer *peer, int slot,
			      struct ptun_key *key, bool swap)
{
	struct ptun_keyring *old = rtnl_dereference(peer->keys);
	struct ptun_key *gone = NULL;
	struct ptun_keyring *ring;

	ring = kzalloc(sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return -ENOMEM;
	if (old)
		memcpy(ring->slot, old->slot, sizeof(ring->slot));
	if (swap) {
		swap(ring->slot[0], ring->slot[1]);
	} else {
		gone = ring->slot[slot];
		ring->slot[slot] = key;
	}
	rcu_assign_pointer(peer->keys, ring);
	if (old)
		kfree_rcu(old, rcu);
	ptun_key_free_rcu(gone);
	return 0;
}

/**
 * ptun_peer_set_key() - install or remove the key of a slot
 * @peer: the peer
 * @slot: which slot
 * @key: the new key, or NULL to empty the slot
 *
 * The slot's old key is wiped after a grace period. On failure the caller
 * still owns @key.
 *
 * Context: rtnl held.
 * Return: 0 or -ENOMEM.
 */
int ptun_peer_set_key(struct ptun_peer *peer, enum ptun_key_slot slot,
		      struct ptun_key *key)
{
	ASSERT_RTNL();
	return ptun_peer_new_ring(peer, slot, key, false);
}

/* Exchange the primary and secondary slot. Context: rtnl held. */
int ptun_peer_swap_keys(struct ptun_peer *peer)
{
	ASSERT_RTNL();
	return ptun_peer_new_ring(peer, 0, NULL, true);
}

/* Remove every peer of a device, waiting once. Context: rtnl held. */
void ptun_peer_remove_all(struct ptun_device *ptun)
{
	struct ptun_peer *peer, *tmp;

	ASSERT_RTNL();
	if (list_empty(&ptun->peer_list))
		return;
	list_for_each_entry(peer, &ptun->peer_list, peer_list)
		ptun_peer_unlink(peer);
	ptun_peer_quiesce(ptun);
	list_for_each_entry_safe(peer, tmp, &ptun->peer_list, peer_list)
		ptun_peer_finish(peer);
}

/* The route and what was learnt of it. Context: endpoint_lock written. */
static void ptun_peer_forget_path(struct ptun_peer *peer)
{
	peer->path_gen++;
	WRITE_ONCE(peer->tx_mtu, 0);
	dst_cache_reset(&peer->dst_cache);
}

/**
 * ptun_peer_set_endpoint() - move a peer
 * @peer: the peer
 * @ep: its new endpoint
 *
 * Context: any; bottom halves may be enabled.
 */
void ptun_peer_set_endpoint(struct ptun_peer *peer,
			    const struct ptun_endpoint *ep)
{
	write_lock_bh(&peer->endpoint_lock);
	peer->endpoint = *ep;
	ptun_peer_forget_path(peer);
	write_unlock_bh(&peer->endpoint_lock);
}

/**
 * ptun_peer_reroute() - forget the route to a peer: it is found again
 * @peer: the peer
 *
 * For what changes routing to the endpoint without moving it (the device's
 * mark, the settings' table).
 *
 * Context: any; bottom halves may be enabled.
 */
void ptun_peer_reroute(struct ptun_peer *peer)
{
	write_lock_bh(&peer->endpoint_lock);
	ptun_peer_forget_path(peer);
	write_unlock_bh(&peer->endpoint_lock);
}

/**
 * ptun_peer_set_keepalive() - set the keepalive interval and dead timeout
 * @peer: the peer
 * @keepalive: seconds between keepalives, 0 for none
 * @timeout: seconds before peer-dead, 0 for three intervals
 *
 * Dead-peer detection starts over from now.
 *
 * Context: rtnl held.
 */
void ptun_peer_set_keepalive(struct ptun_peer *peer, u32 keepalive,
			     u32 timeout)
{
	u32 interval = keepalive ?: timeout;

	ASSERT_RTNL();
	WRITE_ONCE(peer->keepalive, keepalive);
	WRITE_ONCE(peer->keepalive_timeout, timeout);
	WRITE_ONCE(peer->last_rx, jiffies);
	WRITE_ONCE(peer->dead, false);
	if (interval)
		mod_timer(&peer->timer, jiffies + interval * HZ);
	else
		timer_delete(&peer->timer);
}

/* An authenticated datagram came. Context: packet path. */
void ptun_peer_heard(struct ptun_peer *peer)
{
	unsigned long now = jiffies;

	/* Plain jiffies: no clock read per packet; dumps convert. */
	if (READ_ONCE(peer->last_rx) != now)
		WRITE_ONCE(peer->last_rx, now);
	if (READ_ONCE(peer->last_heard) != now)
		WRITE_ONCE(peer->last_heard, now);
	if (unlikely(!READ_ONCE(peer->heard)))
		WRITE_ONCE(peer->heard, true);
	if (unlikely(READ_ONCE(peer->dead))) {
		WRITE_ONCE(peer->dead, false);
		ptun_peer_raise(peer, PTUN_EV_ALIVE);
	}
}

/* When the peer was last heard from, in ms of CLOCK_REALTIME; 0 if never. */
u64 ptun_peer_last_heard_ms(struct ptun_peer *peer)
{
	unsigned long ago = jiffies - READ_ONCE(peer->last_heard);

	if (!READ_ONCE(peer->heard))
		return 0;
	return div_u64(ktime_get_real_ns(), NSEC_PER_MSEC) -
	       jiffies_to_msecs(ago);
}

void ptun_peer_stats_read(struct ptun_peer *peer, u64 *rx_bytes,
			  u64 *rx_packets, u64 *tx_bytes, u64 *tx_packets)
{
	int cpu;

	*rx_bytes = *rx_packets = *tx_bytes = *tx_packets = 0;
	for_each_possible_cpu(cpu) {
		struct ptun_peer_stats *s = per_cpu_ptr(peer->stats, cpu);
		u64 rb, rp, tb, tp;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			rb = u64_stats_read(&s->rx_bytes);
			rp = u64_stats_read(&s->rx_packets);
			tb = u64_stats_read(&s->tx_bytes);
			tp = u64_stats_read(&s->tx_packets);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		*rx_bytes += rb;
		*rx_packets += rp;
		*tx_bytes += tb;
		*tx_packets += tp;
	}
}
