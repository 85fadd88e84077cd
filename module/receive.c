// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: the UDP socket's encap hook checks the header, finds the peer by
 * the receiver id and queues the datagram (queue.c). A worker on any CPU
 * opens it in place with the key its id names and records it in the replay
 * window. The peer's NAPI then takes the opened datagrams in the order they
 * came: roaming, the inner source check (cryptokey routing) and GRO.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "compat.h"
#include "crypto.h"
#include "device.h"
#include "lookup.h"
#include "peer.h"
#include "proto.h"
#include "queue.h"
#include "socket.h"

static struct ptun_key *ptun_recv_key(struct ptun_peer *peer, u8 key_id)
{
	struct ptun_keyring *ring = rcu_dereference_bh(peer->keys);
	int i;

	if (unlikely(!ring))
		return NULL;
	for (i = 0; i < ARRAY_SIZE(ring->slot); i++)
		if (ring->slot[i] && ring->slot[i]->key_id == key_id)
			return ring->slot[i];
	return NULL;
}

/* The outer source of a datagram, and the local address it came to. */
static void ptun_recv_endpoint(struct sk_buff *skb, struct ptun_endpoint *ep)
{
	struct udphdr *uh = udp_hdr(skb);

	memset(ep, 0, sizeof(*ep));
	if (ip_hdr(skb)->version == 4) {
		ep->addr4.sin_family = AF_INET;
		ep->addr4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		ep->addr4.sin_port = uh->source;
		ep->src4 = ip_hdr(skb)->daddr;
	} else {
		ep->addr6.sin6_family = AF_INET6;
		ep->addr6.sin6_addr = ipv6_hdr(skb)->saddr;
		ep->addr6.sin6_port = uh->source;
		ep->addr6.sin6_scope_id = ipv6_iface_scope_id(&ipv6_hdr(skb)->saddr,
							      skb->skb_iif);
		ep->src6 = ipv6_hdr(skb)->daddr;
	}
}

/* Whether the peer's address and port are those of @b. */
static bool ptun_endpoint_remote_eq(const struct ptun_endpoint *a,
				    const struct ptun_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr &&
		       a->addr4.sin_port == b->addr4.sin_port;
	return ipv6_addr_equal(&a->addr6.sin6_addr, &b->addr6.sin6_addr) &&
	       a->addr6.sin6_port == b->addr6.sin6_port &&
	       a->addr6.sin6_scope_id == b->addr6.sin6_scope_id;
}

/* Whether our own address towards the peer is that of @b. */
static bool ptun_endpoint_local_eq(const struct ptun_endpoint *a,
				   const struct ptun_endpoint *b)
{
	if (a->addr.sa_family == AF_INET)
		return a->src4 == b->src4;
	return ipv6_addr_equal(&a->src6, &b->src6);
}

/*
 * Roaming: an authenticated datagram from somewhere else moves the peer
 * there and raises endpoint-changed. One that only shows which of our
 * addresses the peer reaches (the first datagram from a configured
 * endpoint, or our address changed) updates the endpoint without an event:
 * the peer did not move. Reading under the lock first keeps the common
 * case a shared lock.
 */
static void ptun_recv_roam(struct ptun_peer *peer, struct sk_buff *skb)
{
	struct ptun_endpoint ep;
	bool remote, local;

	ptun_recv_endpoint(skb, &ep);
	read_lock(&peer->endpoint_lock);
	remote = ptun_endpoint_remote_eq(&peer->endpoint, &ep);
	local = remote && ptun_endpoint_local_eq(&peer->endpoint, &ep);
	read_unlock(&peer->endpoint_lock);
	if (likely(local))
		return;
	ptun_peer_set_endpoint(peer, &ep);
	if (!remote)
		ptun_peer_raise(peer, PTUN_EV_ENDPOINT);
}

/*
 * Check the decrypted payload is one whole IPv4 or IPv6 packet from an
 * address of the peer; trim what follows it. Returns the drop reason or -1.
 */
static int ptun_recv_inner(struct ptun_device *ptun, struct ptun_peer *peer,
			   struct sk_buff *skb)
{
	unsigned int len;
	const void *saddr;
	int family;

	/* No IP packet is shorter than an IPv4 header. */
	if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
		return PTUN_DROP_BAD_INNER;
	if (ip_hdr(skb)->version == 4) {
		len = ntohs(ip_hdr(skb)->tot_len);
		if (len < ip_hdr(skb)->ihl * 4u || ip_hdr(skb)->ihl < 5)
			return PTUN_DROP_BAD_INNER;
		family = AF_INET;
		skb->protocol = htons(ETH_P_IP);
	} else if (ip_hdr(skb)->version == 6) {
		if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
			return PTUN_DROP_BAD_INNER;
		len = sizeof(struct ipv6hdr) +
		      ntohs(ipv6_hdr(skb)->payload_len);
		family = AF_INET6;
		skb->protocol = htons(ETH_P_IPV6);
	} else {
		return PTUN_DROP_BAD_INNER;
	}
	if (len > skb->len || pskb_trim(skb, len))
		return PTUN_DROP_BAD_INNER;

	saddr = family == AF_INET ? (void *)&ip_hdr(skb)->saddr :
				    (void *)&ipv6_hdr(skb)->saddr;
	if (ptun_trie_lookup(&ptun->trie, family, saddr) != peer)
		return PTUN_DROP_BAD_SOURCE;
	return -1;
}

/*
 * The crypto worker's part (queue.c): open with the key the header names,
 * in either slot, then the replay window, which takes counters in any
 * order. Context: RCU-bh read side.
 */
static void ptun_recv_crypt(struct sk_buff *skb)
{
	struct ptun_cb *cb = PTUN_CB(skb);
	enum ptun_replay_verdict verdict;
	struct ptun_key *key;
	int why = -1;

	key = ptun_recv_key(cb->peer, cb->key_id);
	if (unlikely(!key)) {
		why = PTUN_DROP_UNKNOWN_KEY;
	} else if (unlikely(ptun_crypto_open(key, skb, cb->counter))) {
		why = PTUN_DROP_AUTH_FAILED;
	} else {
		verdict = ptun_replay_accept(&key->replay, cb->counter);
		if (unlikely(verdict == PTUN_REPLAY_SEEN))
			why = PTUN_DROP_REPLAYED;
		else if (unlikely(verdict != PTUN_REPLAY_FRESH))
			why = PTUN_DROP_TOO_OLD;
	}
	ptun_cb_finish(skb, why < 0 ? PTUN_CB_DONE : PTUN_CB_DEAD, why);
}

static void ptun_recv_wake(struct ptun_peer *peer)
{
	napi_schedule(&peer->napi);
}

/* Deliver one opened datagram (or drop a dead one). Context: NAPI. */
static void ptun_recv_deliver(struct ptun_peer *peer, struct sk_buff *skb)
{
	struct ptun_device *ptun = peer->ptun;
	struct net_device *dev = ptun->dev;
	unsigned int plen;
	int why;

	if (unlikely(PTUN_CB(skb)->state == PTUN_CB_DEAD)) {
		ptun_drop_skb(ptun, skb, PTUN_CB(skb)->why, true);
		return;
	}

	/* Authentic and fresh: it counts as heard from, and may roam. */
	ptun_peer_heard(peer);
	ptun_recv_roam(peer, skb);
	plen = skb->len - PTUN_ENCAP_LEN;
	ptun_peer_rx_add(peer, plen);
	if (!plen) {			/* keepalive */
		consume_skb(skb);
		return;
	}

	__skb_pull(skb, sizeof(struct ptun_hdr));
	if (unlikely(pskb_trim(skb, plen))) {
		ptun_drop_skb(ptun, skb, PTUN_DROP_BAD_INNER, true);
		return;
	}
	skb_reset_network_header(skb);
	why = ptun_recv_inner(ptun, peer, skb);
	if (unlikely(why >= 0)) {
		ptun_drop_skb(ptun, skb, why, true);
		return;
	}
	if (unlikely(!netif_running(dev))) {
		kfree_skb(skb);
		return;
	}

	skb_scrub_packet(skb, PTUN_CB(skb)->xnet);
	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	/* The tag covered every byte: no checksum needs checking again. */
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	skb->csum_level = ~0;
	dev_sw_netstats_rx_add(dev, skb->len);
	napi_gro_receive(&peer->napi, skb);
}

/**
 * ptun_recv_poll() - a peer's receive stage: its opened datagrams, in order
 * @napi: the peer's NAPI
 * @budget: datagrams it may take
 *
 * Context: NAPI (softirq).
 * Return: the datagrams taken.
 */
int ptun_recv_poll(struct napi_struct *napi, int budget)
{
	struct ptun_peer *peer = container_of(napi, struct ptun_peer, napi);
	struct sk_buff *skb;
	int done = 0;

	while (done < budget &&
	       (skb = ptun_queue_ready(&peer->rx_queue)) != NULL) {
		ptun_recv_deliver(peer, skb);
		done++;
	}
	if (done < budget)
		napi_complete_done(napi, done);
	return done;
}

/**
 * ptun_udp_recv() - the UDP encap hook of the device's sockets
 * @sk: the socket
 * @skb: a datagram, data at the UDP header, checksum verified
 *
 * Context: softirq, RCU read side.
 * Return: 0: every datagram is consumed, queued or dropped.
 */
int ptun_udp_recv(struct sock *sk, struct sk_buff *skb)
{
	unsigned int off = skb_transport_offset(skb) + sizeof(struct udphdr);
	struct ptun_device *ptun = rcu_dereference_sk_user_data(sk);
	struct ptun_peer *peer;
	struct ptun_key *key;
	struct ptun_hdr *hdr;
	int why = PTUN_DROP_TRUNCATED;
	u64 counter;
	int err;

	if (unlikely(!ptun)) {
		kfree_skb(skb);
		return 0;
	}
	if (unlikely(skb->len < off + PTUN_ENCAP_LEN ||
		     !pskb_may_pull(skb, off + sizeof(*hdr))))
		goto drop;
	hdr = (struct ptun_hdr *)(skb->data + off);
	why = PTUN_DROP_BAD_HEADER;
	if (unlikely(hdr->version != PTUN_PROTO_VERSION ||
		     hdr->type != PTUN_MSG_DATA || hdr->reserved))
		goto drop;
	why = PTUN_DROP_UNKNOWN_PEER;
	peer = ptun_peer_by_id(ptun, ntohl(hdr->receiver_id));
	if (unlikely(!peer))
		goto drop;
	/* Cheap tests first: no worker's time for what cannot be opened. */
	why = PTUN_DROP_UNKNOWN_KEY;
	key = ptun_recv_key(peer, hdr->key_id);
	if (unlikely(!key))
		goto drop;
	why = PTUN_DROP_TOO_OLD;
	counter = be64_to_cpu(hdr->counter);
	if (unlikely(ptun_replay_too_old(&key->replay, counter)))
		goto drop;

	PTUN_CB(skb)->peer = peer;
	PTUN_CB(skb)->counter = counter;
	PTUN_CB(skb)->key_id = hdr->key_id;
	PTUN_CB(skb)->xnet = !net_eq(sock_net(sk), dev_net(ptun->dev));
	/* From here the skb is ours to change: start it at the header. */
	__skb_pull(skb, off);
	/* Queued beyond this softirq: keep no reference to the underlay. */
	skb_dst_drop(skb);
	skb->dev = ptun->dev;
	err = ptun_queue_enqueue(&ptun->rx_queue, &peer->rx_queue, skb);
	if (unlikely(err == -ENOSPC))
		ptun_drop_skb(ptun, skb, PTUN_DROP_QUEUE_FULL, true);
	else if (unlikely(err))
		ptun_recv_wake(peer);
	return 0;

drop:
	ptun_drop_skb(ptun, skb, why, true);
	return 0;
}

int ptun_recv_init(struct ptun_device *ptun)
{
	return ptun_queue_init(&ptun->rx_queue, ptun_recv_crypt,
			       ptun_recv_wake, PTUN_DROP_QUEUE_FULL);
}
