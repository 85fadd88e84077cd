/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_SOCKET_H
#define _PTUN_SOCKET_H

#include <linux/in6.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct dst_entry;
struct napi_struct;
struct ptun_device;
struct ptun_endpoint;
struct ptun_peer;
struct sock;

/**
 * struct ptun_route - how one datagram leaves: socket, route and addresses
 * @sk: the device's socket of the endpoint's family
 * @dst: route to the endpoint, referenced (the send consumes it)
 * @family: AF_INET or AF_INET6
 * @saddr4: our address
 * @daddr4: the peer's address
 * @saddr6: our address
 * @daddr6: the peer's address
 * @dport: the peer's port
 * @mark: the outer mark M the route was found with; the datagram carries it
 * @gen: the peer's path_gen when its endpoint was read
 */
struct ptun_route {
	struct sock *sk;
	struct dst_entry *dst;
	int family;
	union {
		struct {
			__be32 saddr4;
			__be32 daddr4;
		};
		struct {
			struct in6_addr saddr6;
			struct in6_addr daddr6;
		};
	};
	__be16 dport;
	u32 mark;
	u32 gen;
};

u32 ptun_socket_mark(struct ptun_device *ptun);
int ptun_socket_route(struct ptun_device *ptun, struct ptun_peer *peer,
		      struct ptun_route *r);
void ptun_socket_xmit(struct ptun_device *ptun, struct ptun_route *r,
		      struct sk_buff *skb);
unsigned int ptun_socket_path_mtu(struct ptun_device *ptun,
				  const struct ptun_endpoint *ep);
int ptun_socket_open(struct ptun_device *ptun, u16 port);
void ptun_socket_close(struct ptun_device *ptun);

int ptun_udp_recv(struct sock *sk, struct sk_buff *skb);
int ptun_recv_poll(struct napi_struct *napi, int budget);
int ptun_recv_init(struct ptun_device *ptun);

#endif /* _PTUN_SOCKET_H */
