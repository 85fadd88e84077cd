// SPDX-License-Identifier: GPL-2.0
/*
 * The device's UDP sockets (IPv4 and IPv6 on one port), which live in the
 * namespace that created the device, and the routing and sending of outer
 * datagrams through them.
 */

#include <linux/inet.h>
#include <linux/net.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/dst_cache.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "device.h"
#include "peer.h"
#include "proto.h"
#include "settings.h"
#include "socket.h"

static int ptun_route4(struct net *net, struct sock *sk, struct net_device *dev,
		       const struct ptun_endpoint *ep, u32 mark,
		       struct dst_cache *cache, struct ptun_route *r)
{
	struct flowi4 fl = {
		.daddr		= ep->addr4.sin_addr.s_addr,
		.saddr		= ep->src4,
		.fl4_dport	= ep->addr4.sin_port,
		.fl4_sport	= sk ? inet_sk(sk)->inet_sport : 0,
		.flowi4_mark	= mark,
		.flowi4_proto	= IPPROTO_UDP,
	};
	struct rtable *rt = NULL;

	if (cache)
		rt = dst_cache_get_ip4(cache, &fl.saddr);
	if (!rt) {
		rt = ip_route_output_flow(net, &fl, sk);
		if (IS_ERR(rt) && ep->src4) {
			/* Our address the peer used is gone: let routing pick. */
			fl.saddr = 0;
			fl.daddr = ep->addr4.sin_addr.s_addr;
			rt = ip_route_output_flow(net, &fl, sk);
		}
		if (IS_ERR(rt))
			return PTR_ERR(rt);
		if (rt->dst.dev == dev) {
			ip_rt_put(rt);
			return -ELOOP;
		}
		if (cache)
			dst_cache_set_ip4(cache, &rt->dst, fl.saddr);
	}
	r->family = AF_INET;
	r->dst = &rt->dst;
	r->saddr4 = fl.saddr;
	r->daddr4 = ep->addr4.sin_addr.s_addr;
	r->dport = ep->addr4.sin_port;
	r->mark = mark;
	return 0;
}

static int ptun_route6(struct net *net, struct sock *sk, struct net_device *dev,
		       const struct ptun_endpoint *ep, u32 mark,
		       struct dst_cache *cache, struct ptun_route *r)
{
	struct flowi6 fl = {
		.daddr		= ep->addr6.sin6_addr,
		.saddr		= ep->src6,
		.fl6_dport	= ep->addr6.sin6_port,
		.fl6_sport	= sk ? inet_sk(sk)->inet_sport : 0,
		.flowi6_mark	= mark,
		.flowi6_oif	= ep->addr6.sin6_scope_id,
		.flowi6_proto	= IPPROTO_UDP,
	};
	struct dst_entry *dst = NULL;

	if (cache)
		dst = dst_cache_get_ip6(cache, &fl.saddr);
	if (!dst) {
		if (!ipv6_addr_any(&fl.saddr) &&
		    !ipv6_chk_addr(net, &fl.saddr, NULL, 0))
			fl.saddr = in6addr_any;
		dst = ip6_dst_lookup_flow(net, sk, &fl, NULL);
		if (IS_ERR(dst))
			return PTR_ERR(dst);
		if (dst->dev == dev) {
			dst_release(dst);
			return -ELOOP;
		}
		if (cache)
			dst_cache_set_ip6(cache, dst, &fl.saddr);
	}
	r->family = AF_INET6;
	r->dst = dst;
	r->saddr6 = fl.saddr;
	r->daddr6 = ep->addr6.sin6_addr;
	r->dport = ep->addr6.sin6_port;
	r->mark = mark;
	return 0;
}

/**
 * ptun_socket_mark() - the outer mark M of a device's datagrams
 * @ptun: the device
 *
 * The device's fwmark if set, else the settings' routing table while the
 * device has settings (the tool's rules send everything not marked so
 * into that table, so the datagrams must carry it), else 0.
 *
 * Context: RCU-bh read side or rtnl held.
 */
u32 ptun_socket_mark(struct ptun_device *ptun)
{
	const struct ptun_settings *s;
	u32 mark = READ_ONCE(ptun->fwmark);

	if (mark)
		return mark;
	s = rcu_dereference_check(ptun->settings, rcu_read_lock_bh_held() ||
				  lockdep_rtnl_is_held());
	return s ? s->table : 0;
}

/**
 * ptun_socket_route() - find how a datagram to a peer leaves
 * @ptun: the device
 * @peer: the peer
 * @r: filled in; r->dst holds a reference on success, r->gen is set always
 *
 * Context: RCU read side, bottom halves disabled.
 * Return: 0, or -ENOTCONN without a socket or endpoint, or the routing error.
 */
int ptun_socket_route(struct ptun_device *ptun, struct ptun_peer *peer,
		      struct ptun_route *r)
{
	u32 mark = ptun_socket_mark(ptun);
	struct ptun_endpoint ep;
	struct sock *sk;

	read_lock_bh(&peer->endpoint_lock);
	ep = peer->endpoint;
	r->gen = peer->path_gen;
	read_unlock_bh(&peer->endpoint_lock);

	switch (ep.addr.sa_family) {
	case AF_INET:
		sk = rcu_dereference_bh(ptun->sock4);
		if (!sk)
			return -ENOTCONN;
		r->sk = sk;
		return ptun_route4(sock_net(sk), sk, ptun->dev, &ep, mark,
				   &peer->dst_cache, r);
	case AF_INET6:
		sk = rcu_dereference_bh(ptun->sock6);
		if (!sk)
			return -ENOTCONN;
		r->sk = sk;
		return ptun_route6(sock_net(sk), sk, ptun->dev, &ep, mark,
				   &peer->dst_cache, r);
	default:
		return -ENOTCONN;
	}
}

/**
 * ptun_socket_xmit() - send a sealed datagram along a route
 * @ptun: the device
 * @r: from ptun_socket_route(); its route reference is consumed
 * @skb: ptun header, ciphertext and tag
 *
 * Context: RCU read side, bottom halves disabled.
 */
void ptun_socket_xmit(struct ptun_device *ptun, struct ptun_route *r,
		      struct sk_buff *skb)
{
	struct sock *sk = r->sk;
	__be16 sport = inet_sk(sk)->inet_sport;

	/* The device's tx counters (iptunnel_xmit_stats) count from here. */
	skb_set_inner_network_header(skb, 0);
	skb->dev = ptun->dev;
	skb->mark = r->mark;
	if (r->family == AF_INET) {
		struct rtable *rt = container_of(r->dst, struct rtable, dst);

		udp_tunnel_xmit_skb(rt, sk, skb, r->saddr4, r->daddr4, 0,
				    ip4_dst_hoplimit(r->dst), 0, sport,
				    r->dport,
				    !net_eq(sock_net(sk), dev_net(ptun->dev)),
				    false);
	} else {
		udp_tunnel6_xmit_skb(r->dst, sk, skb, ptun->dev, &r->saddr6,
				     &r->daddr6, 0, ip6_dst_hoplimit(r->dst),
				     0, sport, r->dport, false);
	}
}

/**
 * ptun_socket_path_mtu() - the inner MTU the route to an endpoint allows
 * @ptun: the device
 * @ep: the endpoint
 *
 * Context: rtnl held.
 * Return: the route's MTU less the outer family's overhead, 0 if unknown.
 */
unsigned int ptun_socket_path_mtu(struct ptun_device *ptun,
				  const struct ptun_endpoint *ep)
{
	struct net *net = ptun->creating_net;
	u32 mark = ptun_socket_mark(ptun);
	struct ptun_route r;
	unsigned int mtu;
	int err;

	if (!net)
		return 0;
	if (ep->addr.sa_family == AF_INET)
		err = ptun_route4(net, NULL, ptun->dev, ep, mark, NULL, &r);
	else if (ep->addr.sa_family == AF_INET6)
		err = ptun_route6(net, NULL, ptun->dev, ep, mark, NULL, &r);
	else
		return 0;
	if (err)
		return 0;
	mtu = dst_mtu(r.dst);
	dst_release(r.dst);
	mtu -= r.family == AF_INET ? PTUN_OVERHEAD4 : PTUN_OVERHEAD6;
	return mtu;
}

static struct sock *ptun_sock_new(struct ptun_device *ptun, int family,
				  u16 port)
{
	struct udp_tunnel_sock_cfg tcfg = {
		.sk_user_data	= ptun,
		.encap_type	= 1,
		.encap_rcv	= ptun_udp_recv,
	};
	struct udp_port_cfg cfg = {
		.family		= family,
		.local_udp_port	= htons(port),
	};
	struct socket *sock;
	int err;

	if (family == AF_INET6) {
		cfg.local_ip6 = in6addr_any;
		cfg.ipv6_v6only = 1;
		cfg.use_udp6_tx_checksums = 1;
		cfg.use_udp6_rx_checksums = 1;
	} else {
		cfg.local_ip.s_addr = htonl(INADDR_ANY);
	}
	err = udp_sock_create(ptun->creating_net, &cfg, &sock);
	if (err)
		return ERR_PTR(err);
	setup_udp_tunnel_sock(ptun->creating_net, sock, &tcfg);
	return sock->sk;
}

static void ptun_sock_free(struct sock *sk)
{
	if (sk)
		udp_tunnel_sock_release(sk->sk_socket);
}

/* Publish new sockets (or none), then release the old ones. */
static void ptun_socket_replace(struct ptun_device *ptun, struct sock *sk4,
				struct sock *sk6, u16 port)
{
	struct sock *old4 = rtnl_dereference(ptun->sock4);
	struct sock *old6 = rtnl_dereference(ptun->sock6);

	rcu_assign_pointer(ptun->sock4, sk4);
	rcu_assign_pointer(ptun->sock6, sk6);
	ptun->bound_port = port;
	/* Senders may still hold the old ones. */
	synchronize_net();
	ptun_sock_free(old4);
	ptun_sock_free(old6);
}

/**
 * ptun_socket_open() - (re)open the device's sockets on a port
 * @ptun: the device
 * @port: the port, 0 for any free one (the same for both families)
 *
 * The old sockets keep working until the new ones are bound, so a failure
 * changes nothing.
 *
 * Context: rtnl held.
 * Return: 0 or a negative errno (-ENETDOWN once the creating namespace died).
 */
int ptun_socket_open(struct ptun_device *ptun, u16 port)
{
	struct sock *sk4, *sk6;
	int tries = 0;

	ASSERT_RTNL();
	if (!ptun->creating_net)
		return -ENETDOWN;
again:
	sk4 = ptun_sock_new(ptun, AF_INET, port);
	if (IS_ERR(sk4))
		return PTR_ERR(sk4);
	sk6 = ptun_sock_new(ptun, AF_INET6, ntohs(inet_sk(sk4)->inet_sport));
	if (IS_ERR(sk6)) {
		int err = PTR_ERR(sk6);

		sk6 = NULL;
		if (err == -EADDRINUSE && !port && ++tries < 100) {
			ptun_sock_free(sk4);
			goto again;
		}
		/* A kernel without IPv6 still gets an IPv4 tunnel. */
		if (err != -EAFNOSUPPORT) {
			ptun_sock_free(sk4);
			return err;
		}
	}
	ptun_socket_replace(ptun, sk4, sk6, ntohs(inet_sk(sk4)->inet_sport));
	return 0;
}

/* Context: rtnl held. */
void ptun_socket_close(struct ptun_device *ptun)
{
	ASSERT_RTNL();
	ptun_socket_replace(ptun, NULL, NULL, 0);
}
