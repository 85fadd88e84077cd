// SPDX-License-Identifier: GPL-2.0
/*
 * Enforcement of a device's settings in the datapath: enforce-routes and
 * include-all-networks hold even when the routes or rules the tool put in
 * the FIB are gone, and for sockets bound to another interface.
 *
 * While a device's settings enforce anything, two netfilter hooks (IPv4
 * and IPv6 POST_ROUTING, before SNAT) watch every packet of the device's
 * namespace that leaves by another interface. A destination the settings
 * include is taken from there and sent into the device instead: it leaves
 * encrypted, or, while the tunnel cannot carry it (no peer, no key, device
 * down), not at all. That is the kill switch. Exempt: the tunnel's own
 * datagrams, loopback, other ptun devices and link control traffic (DHCP,
 * DHCPv6, ICMPv6 neighbour discovery and MLD).
 *
 * The destinations are classified by a table built with the settings: per
 * prefix length a sorted array, searched longest length first.
 */

#include <linux/icmpv6.h>
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/rtnetlink.h>
#include <linux/sort.h>
#include <linux/udp.h>
#include <net/dst.h>
#include <net/ip6_fib.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/udp.h>

#include "device.h"
#include "peer.h"
#include "policy.h"
#include "settings.h"
#include "socket.h"

static u32 ptun_mask4(u8 len)
{
	return len ? ~0U << (32 - len) : 0;
}

static void ptun_mask6(u64 *hi, u64 *lo, u8 len)
{
	if (len <= 64) {
		*hi &= len ? ~0ULL << (64 - len) : 0;
		*lo = 0;
	} else {
		*lo &= ~0ULL << (128 - len);
	}
}

static void ptun_split6(const struct in6_addr *a, u64 *hi, u64 *lo)
{
	*hi = (u64)ntohl(a->s6_addr32[0]) << 32 | ntohl(a->s6_addr32[1]);
	*lo = (u64)ntohl(a->s6_addr32[2]) << 32 | ntohl(a->s6_addr32[3]);
}

/* Longest length first, then by address. */
static int ptun_cmp4(const void *a, const void *b)
{
	const struct ptun_policy4 *x = a, *y = b;

	if (x->tag.len != y->tag.len)
		return x->tag.len > y->tag.len ? -1 : 1;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

static int ptun_cmp6(const void *a, const void *b)
{
	const struct ptun_policy6 *x = a, *y = b;

	if (x->tag.len != y->tag.len)
		return x->tag.len > y->tag.len ? -1 : 1;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return 0;
}

static void ptun_add4(struct ptun_policy *p, __be32 addr, u8 len, u8 verdict)
{
	p->p4[p->n4++] = (struct ptun_policy4){
		.tag = { .len = len, .verdict = verdict },
		.addr = ntohl(addr) & ptun_mask4(len),
	};
}

static void ptun_add6(struct ptun_policy *p, const struct in6_addr *addr,
		      u8 len, u8 verdict)
{
	struct ptun_policy6 *e = &p->p6[p->n6++];

	ptun_split6(addr, &e->hi, &e->lo);
	ptun_mask6(&e->hi, &e->lo, len);
	e->tag.len = len;
	e->tag.verdict = verdict;
}

/*
 * Sort, merge duplicates (a remote wins a tie, then an excluded route) and
 * index the lengths, for
 * either family: @p is the family's array of @n entries of @size bytes,
 * each starting with its struct ptun_policy_tag.
 */
static u32 ptun_index(void *p, u32 n, size_t size,
		      int (*cmp)(const void *, const void *),
		      struct ptun_policy_level *level, u32 *levels)
{
	struct ptun_policy_tag *cur, *last = NULL;
	u32 i, out = 0;

	sort(p, n, size, cmp, NULL);
	*levels = 0;
	for (i = 0; i < n; i++) {
		cur = p + i * size;
		if (last && !cmp(last, cur)) {
			last->verdict = max(last->verdict, cur->verdict);
			continue;
		}
		last = p + out * size;
		if (last != cur)
			memcpy(last, cur, size);
		if (!*levels || level[*levels - 1].len != last->len)
			level[(*levels)++] = (struct ptun_policy_level){
				.start = out, .len = last->len,
			};
		level[*levels - 1].end = ++out;
	}
	return out;
}

/**
 * ptun_policy_build() - build the classifier of a settings object
 * @s: the settings, filled, not published yet
 *
 * Included routes (and 0/0, ::/0 with include-all-networks), excluded
 * routes and the remotes (as host routes). The arrays were
 * reserved by ptun_settings_alloc(); nothing can fail.
 */
void ptun_policy_build(struct ptun_settings *s)
{
	struct ptun_policy *p = &s->policy;
	struct in6_addr any6 = {};
	unsigned int i;

	p->n4 = 0;
	p->n6 = 0;
	for (i = 0; i < s->n[PTUN_SL_INCLUDE4]; i++)
		ptun_add4(p, s->include4[i].addr, s->include4[i].len,
			  PTUN_POLICY_INCLUDED);
	for (i = 0; i < s->n[PTUN_SL_INCLUDE6]; i++)
		ptun_add6(p, &s->include6[i].addr, s->include6[i].len,
			  PTUN_POLICY_INCLUDED);
	if (s->include_all_networks) {
		ptun_add4(p, 0, 0, PTUN_POLICY_INCLUDED);
		ptun_add6(p, &any6, 0, PTUN_POLICY_INCLUDED);
	}
	for (i = 0; i < s->n[PTUN_SL_EXCLUDE4]; i++)
		ptun_add4(p, s->exclude4[i].addr, s->exclude4[i].len,
			  PTUN_POLICY_EXCLUDED);
	for (i = 0; i < s->n[PTUN_SL_EXCLUDE6]; i++)
		ptun_add6(p, &s->exclude6[i].addr, s->exclude6[i].len,
			  PTUN_POLICY_EXCLUDED);
	for (i = 0; i < s->n[PTUN_SL_REMOTE]; i++) {
		if (s->remote[i].family == AF_INET)
			ptun_add4(p, s->remote[i].v4, 32, PTUN_POLICY_REMOTE);
		else
			ptun_add6(p, &s->remote[i].v6, 128,
				  PTUN_POLICY_REMOTE);
	}
	p->n4 = ptun_index(p->p4, p->n4, sizeof(*p->p4), ptun_cmp4,
			   p->level4, &p->levels4);
	p->n6 = ptun_index(p->p6, p->n6, sizeof(*p->p6), ptun_cmp6,
			   p->level6, &p->levels6);
}

/* Longest prefix match of an IPv4 destination. */
enum ptun_policy_verdict ptun_policy_classify4(const struct ptun_policy *p,
					       __be32 daddr)
{
	u32 addr = ntohl(daddr), l;

	for (l = 0; l < p->levels4; l++) {
		const struct ptun_policy_level *lv = &p->level4[l];
		u32 key = addr & ptun_mask4(lv->len);
		u32 lo = lv->start, hi = lv->end;

		while (lo < hi) {
			u32 mid = lo + (hi - lo) / 2;
			const struct ptun_policy4 *e = &p->p4[mid];

			if (e->addr == key)
				return e->tag.verdict;
			if (e->addr < key)
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return PTUN_POLICY_NONE;
}

/* Longest prefix match of an IPv6 destination. */
enum ptun_policy_verdict
ptun_policy_classify6(const struct ptun_policy *p, const struct in6_addr *daddr)
{
	u64 ahi, alo;
	u32 l;

	ptun_split6(daddr, &ahi, &alo);
	for (l = 0; l < p->levels6; l++) {
		const struct ptun_policy_level *lv = &p->level6[l];
		u32 lo = lv->start, hi = lv->end;
		u64 khi = ahi, klo = alo;

		ptun_mask6(&khi, &klo, lv->len);
		while (lo < hi) {
			u32 mid = lo + (hi - lo) / 2;
			const struct ptun_policy6 *e = &p->p6[mid];

			if (e->hi == khi && e->lo == klo)
				return e->tag.verdict;
			if (e->hi < khi || (e->hi == khi && e->lo < klo))
				lo = mid + 1;
			else
				hi = mid;
		}
	}
	return PTUN_POLICY_NONE;
}

/* A datagram of the tunnel itself: sent through one of ptun's sockets. */
static bool ptun_policy_own_sk(const struct sock *sk)
{
	if (!sk || !sk_fullsock(sk) || sk->sk_type != SOCK_DGRAM ||
	    sk->sk_protocol != IPPROTO_UDP)
		return false;
	return READ_ONCE(udp_sk(sk)->encap_rcv) == ptun_udp_recv;
}

/* DHCP, to a server or a client. */
static bool ptun_policy_exempt4(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct udphdr *uh;
	struct udphdr _uh;

	if (iph->protocol != IPPROTO_UDP || iph->frag_off & htons(IP_OFFSET))
		return false;
	uh = skb_header_pointer(skb, skb_network_offset(skb) + iph->ihl * 4,
				sizeof(_uh), &_uh);
	return uh && (uh->dest == htons(67) || uh->dest == htons(68));
}

/*
 * DHCPv6, neighbour discovery (router and neighbour solicitation and
 * advertisement, redirect) and MLD, which neighbour discovery needs on
 * snooping switches.
 */
static bool ptun_policy_exempt6(struct sk_buff *skb)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr, _type;
	const struct udphdr *uh;
	struct udphdr _uh;
	__be16 frag_off;
	const u8 *type;
	int off;

	off = ipv6_skip_exthdr(skb, skb_network_offset(skb) +
			       sizeof(struct ipv6hdr), &nexthdr, &frag_off);
	if (off < 0 || frag_off & htons(IP6_OFFSET))
		return false;
	if (nexthdr == IPPROTO_ICMPV6) {
		type = skb_header_pointer(skb, off, sizeof(_type), &_type);
		return type && ((*type >= ICMPV6_MGM_QUERY &&
				 *type <= NDISC_REDIRECT) ||
				*type == ICMPV6_MLD2_REPORT);
	}
	if (nexthdr != IPPROTO_UDP)
		return false;
	uh = skb_header_pointer(skb, off, sizeof(_uh), &_uh);
	return uh && (uh->dest == htons(546) || uh->dest == htons(547));
}

/* The packet's route has no gateway: its destination is on a link. */
static bool ptun_policy_direct(const struct sk_buff *skb, u8 pf)
{
	const struct dst_entry *dst = skb_dst(skb);

	if (!dst || dst_xfrm(dst))
		return false;
	if (pf == NFPROTO_IPV4)
		return !container_of(dst, struct rtable, dst)->rt_uses_gateway;
	return !(container_of(dst, struct rt6_info, dst)->rt6i_flags &
		 RTF_GATEWAY);
}

/* A peer's current endpoint: kept out of the tunnel like the remotes. */
static bool ptun_policy_endpoint(struct ptun_device *ptun, u8 pf,
				 const void *daddr)
{
	struct ptun_peer *peer;
	bool hit;

	list_for_each_entry_rcu(peer, &ptun->peer_list, peer_list) {
		const struct ptun_endpoint *ep = &peer->endpoint;

		read_lock_bh(&peer->endpoint_lock);
		if (pf == NFPROTO_IPV4)
			hit = ep->addr.sa_family == AF_INET &&
			      ep->addr4.sin_addr.s_addr == *(const __be32 *)daddr;
		else
			hit = ep->addr.sa_family == AF_INET6 &&
			      ipv6_addr_equal(&ep->addr6.sin6_addr, daddr);
		read_unlock_bh(&peer->endpoint_lock);
		if (hit)
			return true;
	}
	return false;
}

static unsigned int ptun_policy_hook(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	const struct net_device *out = state->out;
	struct ptun_device *ptun = priv;
	const struct ptun_settings *s;
	enum ptun_policy_verdict v;
	const void *daddr;

	if (!out || out == ptun->dev || out->flags & IFF_LOOPBACK ||
	    ptun_is_ptun_dev(out))
		return NF_ACCEPT;
	s = rcu_dereference(ptun->settings);
	if (!ptun_policy_wanted(s))
		return NF_ACCEPT;
	if (state->pf == NFPROTO_IPV4) {
		daddr = &ip_hdr(skb)->daddr;
		v = ptun_policy_classify4(&s->policy, ip_hdr(skb)->daddr);
	} else {
		daddr = &ipv6_hdr(skb)->daddr;
		v = ptun_policy_classify6(&s->policy, &ipv6_hdr(skb)->daddr);
	}
	if (v == PTUN_POLICY_NONE || v == PTUN_POLICY_REMOTE ||
	    ptun_policy_own_sk(state->sk))
		return NF_ACCEPT;
	/*
	 * An excluded route leaves by the primary path, but for the kill
	 * switch: with include-all-networks nothing but the remotes, the
	 * exemptions and (with exclude-local-networks) the local networks
	 * leaves while the tunnel is not connected.
	 */
	if (v == PTUN_POLICY_EXCLUDED &&
	    (!s->include_all_networks ||
	     READ_ONCE(ptun->status) == PTUN_STATUS_CONNECTED))
		return NF_ACCEPT;
	if (state->pf == NFPROTO_IPV4 ? ptun_policy_exempt4(skb) :
					ptun_policy_exempt6(skb))
		return NF_ACCEPT;
	if (s->exclude_local_networks && ptun_policy_direct(skb, state->pf))
		return NF_ACCEPT;
	if (ptun_policy_endpoint(ptun, state->pf, daddr))
		return NF_ACCEPT;
	/*
	 * A packet that came out of this tunnel and is forwarded to an
	 * included destination by another interface: taking it back in
	 * would loop it until its TTL ends, so it is held instead.
	 */
	if (v == PTUN_POLICY_EXCLUDED || skb->skb_iif == ptun->dev->ifindex) {
		this_cpu_inc(ptun->drops->policy_dropped);
		return NF_DROP;
	}

	/*
	 * Into the tunnel. The route stays on the skb (the device keeps
	 * it): a packet too big for the tunnel is answered with ICMP along
	 * it, and sending scrubs it.
	 */
	this_cpu_inc(ptun->drops->policy_taken);
	skb->dev = ptun->dev;
	dev_queue_xmit(skb);
	return NF_STOLEN;
}

/**
 * ptun_policy_hooks() - register or unregister a device's hooks
 * @ptun: the device
 * @on: whether they should be registered
 *
 * They are registered in the device's current namespace; the netdevice
 * notifier below moves them with the device.
 *
 * Context: rtnl held.
 * Return: 0 or the error of nf_register_net_hooks().
 */
int ptun_policy_hooks(struct ptun_device *ptun, bool on)
{
	struct net *net = dev_net(ptun->dev);
	int err;

	ASSERT_RTNL();
	if (on == !!ptun->hooks_net)
		return 0;
	if (!on) {
		/* A hook still running holds RCU; the device outlives it. */
		nf_unregister_net_hooks(ptun->hooks_net, ptun->hook_ops,
					ARRAY_SIZE(ptun->hook_ops));
		ptun->hooks_net = NULL;
		return 0;
	}
	ptun->hook_ops[0] = (struct nf_hook_ops){
		.hook		= ptun_policy_hook,
		.priv		= ptun,
		.pf		= NFPROTO_IPV4,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP_PRI_NAT_SRC - 1,
	};
	ptun->hook_ops[1] = (struct nf_hook_ops){
		.hook		= ptun_policy_hook,
		.priv		= ptun,
		.pf		= NFPROTO_IPV6,
		.hooknum	= NF_INET_POST_ROUTING,
		.priority	= NF_IP6_PRI_NAT_SRC - 1,
	};
	err = nf_register_net_hooks(net, ptun->hook_ops,
				    ARRAY_SIZE(ptun->hook_ops));
	if (err)
		return err;
	ptun->hooks_net = net;
	return 0;
}

/*
 * A device that is deleted, or moves to another namespace, unregisters
 * its hooks (NETDEV_UNREGISTER, before ndo_uninit); a device that arrives
 * in a namespace with settings that enforce registers them there. The
 * settings move with the device, so does their enforcement.
 */
static int ptun_policy_netdev_event(struct notifier_block *nb,
				    unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct ptun_device *ptun;

	if (!ptun_is_ptun_dev(dev))
		return NOTIFY_DONE;
	ptun = netdev_priv(dev);
	if (event == NETDEV_UNREGISTER) {
		ptun_policy_hooks(ptun, false);
	} else if (event == NETDEV_REGISTER &&
		   ptun_policy_wanted(rtnl_dereference(ptun->settings)) &&
		   ptun_policy_hooks(ptun, true)) {
		netdev_err(dev, "settings not enforced in the new namespace: cannot register the hooks\n");
	}
	return NOTIFY_DONE;
}

static struct notifier_block ptun_policy_notifier = {
	.notifier_call = ptun_policy_netdev_event,
};

/*
 * A quick check of the classifier at load (longest prefix, ties, the
 * lengths where the 64-bit halves meet, include-all): a classifier that
 * got this wrong would leak, so the module refuses to load.
 */
static int __init ptun_policy_selfcheck(void)
{
	static const struct {
		const char *a;
		enum ptun_policy_verdict want, want_all;
	} cases[] = {
		{ "10.0.0.1",	PTUN_POLICY_INCLUDED, PTUN_POLICY_INCLUDED },
		{ "10.1.0.1",	PTUN_POLICY_EXCLUDED, PTUN_POLICY_EXCLUDED },
		{ "10.1.2.1",	PTUN_POLICY_INCLUDED, PTUN_POLICY_INCLUDED },
		{ "10.1.2.3",	PTUN_POLICY_REMOTE, PTUN_POLICY_REMOTE },
		{ "192.168.9.9", PTUN_POLICY_EXCLUDED, PTUN_POLICY_EXCLUDED },
		{ "11.0.0.0",	PTUN_POLICY_NONE, PTUN_POLICY_INCLUDED },
		{ "2001:db8::1", PTUN_POLICY_INCLUDED, PTUN_POLICY_INCLUDED },
		{ "2001:db8:1::1", PTUN_POLICY_EXCLUDED, PTUN_POLICY_EXCLUDED },
		{ "2001:db8:1:2::", PTUN_POLICY_INCLUDED, PTUN_POLICY_INCLUDED },
		{ "2001:db8:1:2:8000::", PTUN_POLICY_EXCLUDED, PTUN_POLICY_EXCLUDED },
		{ "2001:db8:1:2::5", PTUN_POLICY_REMOTE, PTUN_POLICY_REMOTE },
		{ "2001:db9::", PTUN_POLICY_NONE, PTUN_POLICY_INCLUDED },
	};
	unsigned int n[PTUN_SL_MAX] = {
		[PTUN_SL_INCLUDE4] = 3, [PTUN_SL_EXCLUDE4] = 2,
		[PTUN_SL_INCLUDE6] = 2, [PTUN_SL_EXCLUDE6] = 2,
		[PTUN_SL_REMOTE] = 2,
	};
	struct ptun_settings *s;
	struct in6_addr a6;
	unsigned int i;
	int all, err = 0;
	char *strings;
	__be32 a4;

	s = ptun_settings_alloc(n, 0, &strings);
	if (!s)
		return -ENOMEM;
	s->include4[0] = (struct ptun_route4){ htonl(0x0a000000), 8 };
	s->include4[1] = (struct ptun_route4){ htonl(0x0a010200), 24 };
	s->include4[2] = (struct ptun_route4){ htonl(0xc0a80000), 16 };
	s->exclude4[0] = (struct ptun_route4){ htonl(0x0a010000), 16 };
	s->exclude4[1] = (struct ptun_route4){ htonl(0xc0a80000), 16 };
	s->remote[0] = (struct ptun_ipaddr){ .family = AF_INET,
					     .v4 = htonl(0x0a010203) };
	s->remote[1].family = AF_INET6;
	in6_pton("2001:db8:1:2::5", -1, s->remote[1].v6.s6_addr, -1, NULL);
	in6_pton("2001:db8::", -1, s->include6[0].addr.s6_addr, -1, NULL);
	s->include6[0].len = 32;
	in6_pton("2001:db8:1:2::", -1, s->include6[1].addr.s6_addr, -1, NULL);
	s->include6[1].len = 64;
	in6_pton("2001:db8:1::", -1, s->exclude6[0].addr.s6_addr, -1, NULL);
	s->exclude6[0].len = 48;
	in6_pton("2001:db8:1:2:8000::", -1, s->exclude6[1].addr.s6_addr, -1,
		 NULL);
	s->exclude6[1].len = 65;

	for (all = 0; all < 2 && !err; all++) {
		s->include_all_networks = all;
		ptun_policy_build(s);
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			enum ptun_policy_verdict got, want;

			if (all)
				want = cases[i].want_all;
			else
				want = cases[i].want;
			if (in4_pton(cases[i].a, -1, (u8 *)&a4, -1, NULL)) {
				got = ptun_policy_classify4(&s->policy, a4);
			} else {
				in6_pton(cases[i].a, -1, a6.s6_addr, -1, NULL);
				got = ptun_policy_classify6(&s->policy, &a6);
			}
			if (got != want) {
				pr_err("policy self-check: %s (include-all %d) classified %d, want %d\n",
				       cases[i].a, all, got, want);
				err = -EINVAL;
			}
		}
	}
	kvfree(s);
	return err;
}

int __init ptun_policy_init(void)
{
	int err;

	err = ptun_policy_selfcheck();
	if (err)
		return err;
	return register_netdevice_notifier(&ptun_policy_notifier);
}

void ptun_policy_uninit(void)
{
	unregister_netdevice_notifier(&ptun_policy_notifier);
}
