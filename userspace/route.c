// SPDX-License-Identifier: GPL-2.0
/*
 * The FIB a device's settings call for, made to match through rtnetlink:
 * the settings' addresses on the device (those of earlier settings that
 * the new ones lack removed, others left alone), its routing table T (included routes into the
 * device, throws for what must stay out) and one "not fwmark M lookup T"
 * rule per family at the settings' priority. The kernel module cannot
 * insert routes itself (fib_table_insert and ip6_route_add are not
 * exported), so the tool does it after the kernel accepted the settings.
 *
 * Everything is a diff: the current state is read (addresses through
 * libnl-route's cache, routes and rules by dumps), the wanted state is
 * computed, and only the differences are sent. Routes are added or
 * replaced before the stale ones are deleted, so no destination is ever
 * without its route in between. Route, rule and address requests go out
 * in batches, many messages per sendmsg(); only the last of a batch asks
 * for an ACK, so the kernel answers the others only when they fail, and
 * the first failure is reported with its extended ACK text.
 *
 * If a change fails half-way, what was read before is programmed back the
 * same way (a diff again), so the FIB ends as it was.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <linux/fib_rules.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "nl.h"
#include "ptun.h"
#include "route.h"
#include "show.h"

/* IPv6 routes added without a metric get this one (IP6_RT_PRIO_USER). */
#define IP6_USER_METRIC		1024
/* Messages per sendmsg(): their error replies must fit the receive buffer. */
#define BATCH_MSGS		512
/* Room for one request message. */
#define MSG_ROOM		256
#define RECV_SIZE		(256 * 1024)
#define RCVBUF_SIZE		(8 * 1024 * 1024)
#define DUMP_TRIES		5

/**
 * struct froute - a route of the FIB, as far as the tool cares
 * @table: its table
 * @prio: its metric (RTA_PRIORITY)
 * @family: AF_INET or AF_INET6
 * @len: its prefix length
 * @tos: its TOS (IPv4)
 * @type: RTN_UNICAST, RTN_THROW, ...
 * @scope: its scope
 * @proto: who added it (RTPROT_*)
 * @has_gw: it has a gateway (in any nexthop)
 * @via_dev: a nexthop goes out the ptun device
 * @oif: the device of its (first) nexthop, 0 for none
 * @dst: its destination, host bits zero
 * @gw: its gateway, if @has_gw and single-path
 */
struct froute {
	uint32_t table;
	uint32_t prio;
	uint8_t family;
	uint8_t len;
	uint8_t tos;
	uint8_t type;
	uint8_t scope;
	uint8_t proto;
	bool has_gw;
	bool via_dev;
	int oif;
	uint8_t dst[16];
	uint8_t gw[16];
};

/* A policy rule of the shape the tool adds (FIB_RULE_INVERT, fwmark). */
struct frule {
	uint8_t family;
	uint8_t action;
	uint32_t flags;
	uint32_t prio;
	uint32_t table;
	uint32_t mark;
	uint32_t mask;
};

/* An address of the device. */
struct faddr {
	uint8_t family;
	uint8_t len;
	uint8_t addr[16];
};

/**
 * struct fstate - the part of the FIB that belongs to a device's settings
 * @routes: the routes of the settings' tables (old and new)
 * @main: the routes of table main (for the throws), not restored
 * @rules: the rules of the tool's shape at the settings' priorities
 * @addrs: the device's addresses, but for link-local ones
 * @up: the device is up (1), down (0), or left as it is (-1)
 */
struct fstate {
	struct froute *routes;
	size_t nr_routes, cap_routes;
	struct froute *main;
	size_t nr_main, cap_main;
	struct frule *rules;
	size_t nr_rules, cap_rules;
	struct faddr *addrs;
	size_t nr_addrs, cap_addrs;
	int up;
};

/* What a request of a batch does, for its error message. */
enum op_kind {
	OP_ADD_ROUTE,
	OP_DEL_ROUTE,
	OP_ADD_RULE,
	OP_DEL_RULE,
	OP_ADD_ADDR,
	OP_DEL_ADDR,
};

struct op {
	enum op_kind kind;
	const void *obj;
};

/**
 * struct ctx - the sockets and the batch of one FIB change
 * @dev: the device
 * @lsk: libnl-route socket (address cache, link changes)
 * @bsk: raw rtnetlink socket for batches and dumps
 * @fd: @bsk's file descriptor
 * @seq: the last sequence number used on @bsk
 * @tables: the tables whose routes are read (0: none)
 * @prios: the priorities whose rules are read (0: none)
 * @rbuf: receive buffer
 * @buf: the batch being built
 * @len: bytes in @buf
 * @cap: room in @buf
 * @last: offset of the last message in @buf
 * @first_seq: sequence number of the first message in @buf
 * @ops: what each message of @buf does
 * @nr_ops: number of messages in @buf
 * @error: the errno of the first request the kernel refused, or 0
 */
struct ctx {
	const struct ptun_fib_dev *dev;
	struct nl_sock *lsk;
	struct nl_sock *bsk;
	int fd;
	uint32_t seq;
	uint32_t tables[2];
	uint32_t prios[2];
	char *rbuf;
	char *buf;
	size_t len;
	size_t cap;
	size_t last;
	uint32_t first_seq;
	struct op ops[BATCH_MSGS];
	size_t nr_ops;
	int error;
};

static void *push(void *arrp, size_t *nr, size_t *cap, size_t size)
{
	void **arr = arrp;
	void *p;

	if (*nr == *cap) {
		size_t n = *cap ? *cap * 2 : 16;

		p = realloc(*arr, n * size);
		if (!p) {
			fprintf(stderr, "ptun: out of memory\n");
			return NULL;
		}
		*arr = p;
		*cap = n;
	}
	p = (char *)*arr + (*nr)++ * size;
	memset(p, 0, size);
	return p;
}

static void fstate_free(struct fstate *st)
{
	free(st->routes);
	free(st->main);
	free(st->rules);
	free(st->addrs);
	memset(st, 0, sizeof(*st));
}

static size_t alen(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

/* Clear the bits of @a past @len. */
static void mask_addr(uint8_t *a, uint8_t family, unsigned int len)
{
	unsigned int i;

	for (i = len / 8; i < alen(family); i++)
		a[i] &= i == len / 8 ? (uint8_t)(0xff00 >> (len % 8)) : 0;
}

static void format_prefix(char *buf, uint8_t family, const uint8_t *a,
			  unsigned int len)
{
	char s[INET6_ADDRSTRLEN];

	inet_ntop(family, a, s, sizeof(s));
	snprintf(buf, PTUN_PREFIX_STRLEN, "%s/%u", s, len);
}

static const char *type_name(uint8_t type)
{
	switch (type) {
	case RTN_UNICAST:
		return "unicast";
	case RTN_THROW:
		return "throw";
	case RTN_BLACKHOLE:
		return "blackhole";
	case RTN_UNREACHABLE:
		return "unreachable";
	case RTN_PROHIBIT:
		return "prohibit";
	default:
		return "route";
	}
}

/* "add route throw 10.0.0.0/8 to table 28788", for error messages. */
static void describe(char *buf, size_t size, const struct op *op)
{
	char p[PTUN_PREFIX_STRLEN];

	switch (op->kind) {
	case OP_ADD_ROUTE:
	case OP_DEL_ROUTE: {
		const struct froute *r = op->obj;

		format_prefix(p, r->family, r->dst, r->len);
		snprintf(buf, size, "%s %s %s %s table %u",
			 op->kind == OP_ADD_ROUTE ? "add route" :
						    "delete route",
			 type_name(r->type), p,
			 op->kind == OP_ADD_ROUTE ? "to" : "from", r->table);
		break;
	}
	case OP_ADD_RULE:
	case OP_DEL_RULE: {
		const struct frule *r = op->obj;

		snprintf(buf, size,
			 "%s IPv%d rule \"not fwmark 0x%x lookup %u priority %u\"",
			 op->kind == OP_ADD_RULE ? "add" : "delete",
			 r->family == AF_INET ? 4 : 6, r->mark, r->table,
			 r->prio);
		break;
	}
	case OP_ADD_ADDR:
	case OP_DEL_ADDR: {
		const struct faddr *a = op->obj;

		format_prefix(p, a->family, a->addr, a->len);
		snprintf(buf, size, "%s address %s", op->kind == OP_ADD_ADDR ?
			 "add" : "delete", p);
		break;
	}
	}
}

/* ---- the raw socket: batches and dumps ---------------------------------- */

static int ctx_open(struct ctx *c, const struct ptun_fib_dev *dev)
{
	int one = 1, rcvbuf = RCVBUF_SIZE;
	int err;

	memset(c, 0, sizeof(*c));
	c->dev = dev;
	c->fd = -1;
	c->rbuf = malloc(RECV_SIZE);
	c->lsk = nl_socket_alloc();
	c->bsk = nl_socket_alloc();
	if (!c->rbuf || !c->lsk || !c->bsk) {
		fprintf(stderr, "ptun: out of memory\n");
		return -1;
	}
	err = nl_connect(c->lsk, NETLINK_ROUTE);
	if (!err)
		err = nl_connect(c->bsk, NETLINK_ROUTE);
	if (err) {
		fprintf(stderr, "ptun: %s: cannot open an rtnetlink socket: %s\n",
			dev->what, nl_geterror(err));
		return -1;
	}
	c->fd = nl_socket_get_fd(c->bsk);
	(void)setsockopt(c->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one,
			 sizeof(one));
	(void)setsockopt(c->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one,
			 sizeof(one));
	/* The error replies of a whole batch must fit. */
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		       sizeof(rcvbuf)))
		(void)setsockopt(c->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				 sizeof(rcvbuf));
	c->seq = time(NULL);
	return 0;
}

static void ctx_close(struct ctx *c)
{
	nl_socket_free(c->lsk);
	nl_socket_free(c->bsk);
	free(c->rbuf);
	free(c->buf);
}

/* Start a request in the batch; attributes follow with put_attr(). */
static struct nlmsghdr *msg_start(struct ctx *c, int type, int flags,
				  const void *hdr, size_t hlen,
				  enum op_kind kind, const void *obj)
{
	struct nlmsghdr *nlh;

	if (c->cap - c->len < MSG_ROOM) {
		size_t n = c->cap ? c->cap * 2 : 64 * 1024;
		char *p = realloc(c->buf, n);

		if (!p) {
			fprintf(stderr, "ptun: out of memory\n");
			return NULL;
		}
		c->buf = p;
		c->cap = n;
	}
	nlh = (struct nlmsghdr *)(c->buf + c->len);
	memset(nlh, 0, NLMSG_SPACE(hlen));
	nlh->nlmsg_len = NLMSG_LENGTH(hlen);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++c->seq;
	memcpy(NLMSG_DATA(nlh), hdr, hlen);
	if (!c->nr_ops)
		c->first_seq = nlh->nlmsg_seq;
	c->last = c->len;
	c->ops[c->nr_ops].kind = kind;
	c->ops[c->nr_ops].obj = obj;
	c->nr_ops++;
	return nlh;
}

static void put_attr(struct nlmsghdr *nlh, int type, const void *data,
		     size_t len)
{
	struct rtattr *rta;

	rta = (struct rtattr *)((char *)nlh + NLMSG_ALIGN(nlh->nlmsg_len));
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	nlh->nlmsg_len = NLMSG_ALIGN(nlh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static void put_u32(struct nlmsghdr *nlh, int type, uint32_t v)
{
	put_attr(nlh, type, &v, sizeof(v));
}

static int batch_flush(struct ctx *c);

/* The message is complete: count it in, send the batch when it is full. */
static int msg_end(struct ctx *c, struct nlmsghdr *nlh)
{
	c->len += NLMSG_ALIGN(nlh->nlmsg_len);
	return c->nr_ops == BATCH_MSGS ? batch_flush(c) : 0;
}

static int send_buf(struct ctx *c, const void *buf, size_t len)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	n = sendto(c->fd, buf, len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel));
	if (n < 0 || (size_t)n != len) {
		fprintf(stderr, "ptun: %s: cannot send to rtnetlink: %s\n",
			c->dev->what, strerror(n < 0 ? errno : EMSGSIZE));
		return -1;
	}
	return 0;
}

/* The extended ACK message of an NLMSG_ERROR (capped: no request copy). */
static void ext_ack_msg(struct nlmsghdr *nlh, char *buf, size_t size)
{
	size_t off = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
	struct rtattr *rta;
	int rem;

	buf[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		struct nlmsgerr *e = NLMSG_DATA(nlh);

		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	}
	if (off >= nlh->nlmsg_len)
		return;
	rem = nlh->nlmsg_len - off;
	for (rta = (struct rtattr *)((char *)nlh + off); RTA_OK(rta, rem);
	     rta = RTA_NEXT(rta, rem)) {
		if (rta->rta_type == NLMSGERR_ATTR_MSG) {
			snprintf(buf, size, "%.*s", (int)RTA_PAYLOAD(rta),
				 (char *)RTA_DATA(rta));
			return;
		}
	}
}

/*
 * Send the batch and read its replies up to the ACK of its last message.
 * Return: 0 if every message succeeded, else -1 after reporting the first
 * failure.
 */
static int batch_flush(struct ctx *c)
{
	uint32_t last_seq = c->first_seq + c->nr_ops - 1;
	char ext[256] = "", what[128];
	struct nlmsghdr *nlh;
	size_t failed = 0;
	int error = 0;
	bool done = false, lost = false;
	ssize_t n;

	if (!c->nr_ops)
		return 0;
	((struct nlmsghdr *)(c->buf + c->last))->nlmsg_flags |= NLM_F_ACK;
	if (send_buf(c, c->buf, c->len)) {
		c->len = c->nr_ops = 0;
		return -1;
	}
	while (!done) {
		n = recv(c->fd, c->rbuf, RECV_SIZE, lost ? MSG_DONTWAIT : 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			/* Replies were lost: drain what is left, then fail. */
			lost = true;
			continue;
		}
		if (n < 0 && lost)
			break;
		if (n < 0) {
			fprintf(stderr, "ptun: %s: cannot read from rtnetlink: %s\n",
				c->dev->what, strerror(errno));
			c->len = c->nr_ops = 0;
			return -1;
		}
		for (nlh = (struct nlmsghdr *)c->rbuf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			struct nlmsgerr *e = NLMSG_DATA(nlh);

			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_seq < c->first_seq ||
			    nlh->nlmsg_seq > last_seq ||
			    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				continue;
			if (e->error && !error) {
				error = -e->error;
				failed = nlh->nlmsg_seq - c->first_seq;
				ext_ack_msg(nlh, ext, sizeof(ext));
			}
			if (nlh->nlmsg_seq == last_seq)
				done = true;
		}
	}
	c->len = c->nr_ops = 0;
	if (!error && !lost)
		return 0;
	if (!c->error)
		c->error = error;
	if (!error) {
		fprintf(stderr,
			"ptun: %s: rtnetlink replies were lost: the FIB may not match\n",
			c->dev->what);
		return -1;
	}
	describe(what, sizeof(what), &c->ops[failed]);
	if (ext[0])
		fprintf(stderr, "ptun: %s: cannot %s: %s (%s)\n", c->dev->what,
			what, strerror(error), ext);
	else
		fprintf(stderr, "ptun: %s: cannot %s: %s\n", c->dev->what, what,
			strerror(error));
	return -1;
}

typedef int (*dump_fn)(struct ctx *c, struct nlmsghdr *nlh, void *arg);

/*
 * Dump @type (RTM_GETROUTE, RTM_GETRULE) of both families, calling @fn for
 * each message. @hdr is the request's header (struct rtmsg or fib_rule_hdr,
 * both 12 bytes). An interrupted dump is reported to the caller as 1.
 * Return: 0, 1, or -1 after reporting.
 */
static int dump(struct ctx *c, int type, const void *hdr, size_t hlen,
		dump_fn fn, void *arg)
{
	char req[NLMSG_SPACE(16)];
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	bool intr = false;
	ssize_t n;

	memset(req, 0, sizeof(req));
	nlh->nlmsg_len = NLMSG_LENGTH(hlen);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++c->seq;
	memcpy(NLMSG_DATA(nlh), hdr, hlen);
	if (send_buf(c, req, nlh->nlmsg_len))
		return -1;
	for (;;) {
		n = recv(c->fd, c->rbuf, RECV_SIZE, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "ptun: %s: cannot read from rtnetlink: %s\n",
				c->dev->what, strerror(errno));
			return -1;
		}
		for (nlh = (struct nlmsghdr *)c->rbuf; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != c->seq)
				continue;
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			if (nlh->nlmsg_type == NLMSG_DONE)
				return intr ? 1 : 0;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(nlh);

				fprintf(stderr, "ptun: %s: cannot dump the FIB: %s\n",
					c->dev->what, strerror(-e->error));
				return -1;
			}
			if (fn(c, nlh, arg))
				return -1;
		}
	}
}

/* ---- reading the current state ------------------------------------------ */

static bool want_table(const struct ctx *c, uint32_t table)
{
	return table && (table == c->tables[0] || table == c->tables[1]);
}

static bool want_prio(const struct ctx *c, uint32_t prio)
{
	return prio == c->prios[0] || prio == c->prios[1];
}

/* The nexthops of RTA_MULTIPATH: any via the device, any gateway. */
static void parse_multipath(struct ctx *c, struct froute *r,
			    struct rtattr *mp)
{
	struct rtnexthop *nh = RTA_DATA(mp);
	int rem = RTA_PAYLOAD(mp);

	while (RTNH_OK(nh, rem)) {
		struct rtattr *a = RTNH_DATA(nh);
		int arem = nh->rtnh_len - RTNH_LENGTH(0);

		if (nh->rtnh_ifindex == c->dev->ifindex)
			r->via_dev = true;
		if (!r->oif)
			r->oif = nh->rtnh_ifindex;
		for (; RTA_OK(a, arem); a = RTA_NEXT(a, arem))
			if (a->rta_type == RTA_GATEWAY ||
			    a->rta_type == RTA_VIA)
				r->has_gw = true;
		rem -= NLMSG_ALIGN(nh->rtnh_len);
		nh = RTNH_NEXT(nh);
	}
}

static int parse_route(struct ctx *c, struct nlmsghdr *nlh, void *arg)
{
	struct rtmsg *rtm = NLMSG_DATA(nlh);
	struct fstate *st = arg;
	struct froute r = { 0 }, *p;
	struct rtattr *a;
	int rem;

	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6) ||
	    (rtm->rtm_flags & RTM_F_CLONED) ||
	    rtm->rtm_dst_len > alen(rtm->rtm_family) * 8)
		return 0;
	r.family = rtm->rtm_family;
	r.len = rtm->rtm_dst_len;
	r.tos = rtm->rtm_tos;
	r.type = rtm->rtm_type;
	r.scope = rtm->rtm_scope;
	r.proto = rtm->rtm_protocol;
	r.table = rtm->rtm_table;
	rem = RTM_PAYLOAD(nlh);
	for (a = RTM_RTA(rtm); RTA_OK(a, rem); a = RTA_NEXT(a, rem)) {
		switch (a->rta_type) {
		case RTA_TABLE:
			if (RTA_PAYLOAD(a) >= 4)
				memcpy(&r.table, RTA_DATA(a), 4);
			break;
		case RTA_DST:
			if (RTA_PAYLOAD(a) >= alen(r.family))
				memcpy(r.dst, RTA_DATA(a), alen(r.family));
			break;
		case RTA_PRIORITY:
			if (RTA_PAYLOAD(a) >= 4)
				memcpy(&r.prio, RTA_DATA(a), 4);
			break;
		case RTA_OIF:
			if (RTA_PAYLOAD(a) >= 4)
				memcpy(&r.oif, RTA_DATA(a), 4);
			break;
		case RTA_GATEWAY:
			r.has_gw = true;
			if (RTA_PAYLOAD(a) >= alen(r.family))
				memcpy(r.gw, RTA_DATA(a), alen(r.family));
			break;
		case RTA_VIA:
			r.has_gw = true;
			break;
		case RTA_MULTIPATH:
			parse_multipath(c, &r, a);
			break;
		}
	}
	if (r.oif && r.oif == c->dev->ifindex)
		r.via_dev = true;
	if (want_table(c, r.table))
		p = push(&st->routes, &st->nr_routes, &st->cap_routes,
			 sizeof(r));
	else if (r.table == RT_TABLE_MAIN)
		p = push(&st->main, &st->nr_main, &st->cap_main, sizeof(r));
	else
		return 0;
	if (!p)
		return -1;
	*p = r;
	return 0;
}

static int parse_rule(struct ctx *c, struct nlmsghdr *nlh, void *arg)
{
	struct fib_rule_hdr *frh = NLMSG_DATA(nlh);
	struct fstate *st = arg;
	struct frule r = { 0 }, *p;
	bool has_mark = false;
	struct rtattr *a;
	int rem;

	if (nlh->nlmsg_type != RTM_NEWRULE ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*frh)) ||
	    (frh->family != AF_INET && frh->family != AF_INET6))
		return 0;
	r.family = frh->family;
	r.action = frh->action;
	r.flags = frh->flags;
	r.table = frh->table;
	rem = nlh->nlmsg_len - NLMSG_LENGTH(sizeof(*frh));
	for (a = (struct rtattr *)((char *)frh + NLMSG_ALIGN(sizeof(*frh)));
	     RTA_OK(a, rem); a = RTA_NEXT(a, rem)) {
		if (RTA_PAYLOAD(a) < 4)
			continue;
		switch (a->rta_type) {
		case FRA_PRIORITY:
			memcpy(&r.prio, RTA_DATA(a), 4);
			break;
		case FRA_TABLE:
			memcpy(&r.table, RTA_DATA(a), 4);
			break;
		case FRA_FWMARK:
			memcpy(&r.mark, RTA_DATA(a), 4);
			has_mark = true;
			break;
		case FRA_FWMASK:
			memcpy(&r.mask, RTA_DATA(a), 4);
			break;
		}
	}
	/* Only rules of the tool's shape are the tool's to change. */
	if (!has_mark || !(r.flags & FIB_RULE_INVERT) ||
	    !want_prio(c, r.prio) || !want_table(c, r.table))
		return 0;
	p = push(&st->rules, &st->nr_rules, &st->cap_rules, sizeof(r));
	if (!p)
		return -1;
	*p = r;
	return 0;
}

/* Dump again while the dump keeps being interrupted by changes. */
static int dump_all(struct ctx *c, int type, struct fstate *st)
{
	struct rtmsg rtm = { .rtm_family = AF_UNSPEC };
	struct fib_rule_hdr frh = { .family = AF_UNSPEC };
	int tries, ret;

	for (tries = 0; tries < DUMP_TRIES; tries++) {
		if (type == RTM_GETROUTE) {
			st->nr_routes = st->nr_main = 0;
			ret = dump(c, type, &rtm, sizeof(rtm), parse_route, st);
		} else {
			st->nr_rules = 0;
			ret = dump(c, type, &frh, sizeof(frh), parse_rule, st);
		}
		if (ret <= 0)
			return ret;
	}
	fprintf(stderr, "ptun: %s: the FIB kept changing while it was read\n",
		c->dev->what);
	return -1;
}

static int read_addrs(struct ctx *c, struct fstate *st)
{
	struct nl_cache *cache;
	struct nl_object *obj;
	struct faddr *p;
	int err;

	err = rtnl_addr_alloc_cache(c->lsk, &cache);
	if (err < 0) {
		fprintf(stderr, "ptun: %s: cannot read the addresses: %s\n",
			c->dev->what, nl_geterror(err));
		return -1;
	}
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_addr *a = (struct rtnl_addr *)obj;
		struct nl_addr *local = rtnl_addr_get_local(a);
		int family = rtnl_addr_get_family(a);

		if (rtnl_addr_get_ifindex(a) != c->dev->ifindex || !local ||
		    (family != AF_INET && family != AF_INET6) ||
		    nl_addr_get_len(local) != alen(family))
			continue;
		/* Link-local addresses are the kernel's, not the settings'. */
		if (rtnl_addr_get_scope(a) >= RT_SCOPE_LINK)
			continue;
		p = push(&st->addrs, &st->nr_addrs, &st->cap_addrs,
			 sizeof(*p));
		if (!p) {
			nl_cache_free(cache);
			return -1;
		}
		p->family = family;
		p->len = rtnl_addr_get_prefixlen(a);
		memcpy(p->addr, nl_addr_get_binary_addr(local), alen(family));
	}
	nl_cache_free(cache);
	return 0;
}

static int read_up(struct ctx *c, int *up)
{
	struct rtnl_link *link;
	int err;

	err = rtnl_link_get_kernel(c->lsk, c->dev->ifindex, NULL, &link);
	if (err < 0) {
		fprintf(stderr, "ptun: %s: cannot read the device: %s\n",
			c->dev->what, nl_geterror(err));
		return -1;
	}
	*up = !!(rtnl_link_get_flags(link) & IFF_UP);
	rtnl_link_put(link);
	return 0;
}

static int read_state(struct ctx *c, struct fstate *st)
{
	if (read_up(c, &st->up) || read_addrs(c, st) ||
	    dump_all(c, RTM_GETROUTE, st) || dump_all(c, RTM_GETRULE, st))
		return -1;
	return 0;
}

/* ---- the wanted state --------------------------------------------------- */

/* The kernel's key of a route: what NLM_F_REPLACE finds. */
static int route_key_cmp(const void *pa, const void *pb)
{
	const struct froute *a = pa, *b = pb;
	int d;

	if (a->table != b->table)
		return a->table < b->table ? -1 : 1;
	if (a->family != b->family)
		return a->family - b->family;
	if (a->len != b->len)
		return a->len - b->len;
	d = memcmp(a->dst, b->dst, alen(a->family));
	if (d)
		return d;
	if (a->tos != b->tos)
		return a->tos - b->tos;
	if (a->prio != b->prio)
		return a->prio < b->prio ? -1 : 1;
	return 0;
}

/* Same key and the same thing: nothing to do. */
static bool route_same(const struct froute *a, const struct froute *b)
{
	if (a->type != b->type || a->has_gw != b->has_gw)
		return false;
	if (a->has_gw && memcmp(a->gw, b->gw, alen(a->family)))
		return false;
	/* An IPv6 throw hangs on lo: only unicast routes name a device. */
	return a->type != RTN_UNICAST || a->oif == b->oif;
}

static int add_want(struct fstate *want, uint32_t table, int dev,
		    uint8_t family, const uint8_t *dst, unsigned int len,
		    uint8_t type)
{
	struct froute *r;

	r = push(&want->routes, &want->nr_routes, &want->cap_routes,
		 sizeof(*r));
	if (!r)
		return -1;
	r->table = table;
	r->family = family;
	r->len = len;
	r->type = type;
	r->proto = RTPROT_STATIC;
	r->prio = family == AF_INET6 ? IP6_USER_METRIC : 0;
	r->scope = family == AF_INET && type == RTN_UNICAST ?
		   RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	r->oif = type == RTN_UNICAST ? dev : 0;
	memcpy(r->dst, dst, alen(family));
	mask_addr(r->dst, family, len);
	return 0;
}

/* Sort by key; of routes with the same key keep one, a throw if any. */
static void sort_want(struct fstate *want)
{
	size_t i, n = 0;

	qsort(want->routes, want->nr_routes, sizeof(*want->routes),
	      route_key_cmp);
	for (i = 0; i < want->nr_routes; i++) {
		if (n && !route_key_cmp(&want->routes[n - 1], &want->routes[i])) {
			if (want->routes[i].type == RTN_THROW)
				want->routes[n - 1] = want->routes[i];
			continue;
		}
		want->routes[n++] = want->routes[i];
	}
	want->nr_routes = n;
}

/*
 * The wanted routes are looked up only among the first @nr, the part of
 * the table already sorted: the routes pushed after it are what the lookup
 * is deciding on, and must not answer it.
 */
static const struct froute *find_want(const struct fstate *want, size_t nr,
				      uint32_t table, uint8_t family,
				      const uint8_t *dst, unsigned int len)
{
	struct froute key = {
		.table = table, .family = family, .len = len,
		.prio = family == AF_INET6 ? IP6_USER_METRIC : 0,
	};

	memcpy(key.dst, dst, alen(family));
	mask_addr(key.dst, family, len);
	return bsearch(&key, want->routes, nr, sizeof(*want->routes),
		       route_key_cmp);
}

/* The longest of the first @nr wanted routes that covers @dst/@len. */
static const struct froute *longest(const struct fstate *want, size_t nr,
				    uint32_t table, uint8_t family,
				    const uint8_t *dst, int len)
{
	const struct froute *r;

	for (; len >= 0; len--) {
		r = find_want(want, nr, table, family, dst, len);
		if (r)
			return r;
	}
	return NULL;
}

/*
 * Would the route @m of table main lose against an included route that is
 * less specific? That is, does the longest of the first @nr wanted routes
 * that covers @m, no longer than @m, send it into the device?
 */
static bool shadowed(const struct fstate *want, size_t nr, uint32_t table,
		     const struct froute *m)
{
	const struct froute *r = longest(want, nr, table, m->family, m->dst,
					 m->len);

	return r && r->len < m->len && r->type == RTN_UNICAST;
}

/* Would the first @nr wanted routes send address @a into the device? */
static bool covered(const struct fstate *want, size_t nr, uint32_t table,
		    const struct ptun_addr *a)
{
	const struct froute *r = longest(want, nr, table, a->family,
					 a->bytes, alen(a->family) * 8);

	return r && r->type == RTN_UNICAST;
}

/* A directly connected network of table main, not the device's. */
static bool connected(const struct froute *m)
{
	return m->type == RTN_UNICAST && !m->has_gw && m->oif &&
	       !m->via_dev &&
	       (m->family == AF_INET6 || m->scope == RT_SCOPE_LINK);
}

static bool addr_in(const struct faddr *a, const struct fstate *st,
		    bool same_len);

/* Is @a one of the addresses of the settings @s (if any)? */
static bool settings_addr(const struct show_settings *s,
			  const struct faddr *a)
{
	size_t i;

	for (i = 0; s && i < s->nr_addresses; i++)
		if (s->addresses[i].addr.family == a->family &&
		    s->addresses[i].cidr == a->len &&
		    !memcmp(s->addresses[i].addr.bytes, a->addr,
			    alen(a->family)))
			return true;
	return false;
}

/*
 * Want the addresses of @cur that are not the settings @old's: those were
 * given to the device by other means, and stay.
 */
static int keep_addrs(const struct fstate *cur,
		      const struct show_settings *old, struct fstate *want)
{
	struct faddr *a;
	size_t i;

	for (i = 0; i < cur->nr_addrs; i++) {
		if (settings_addr(old, &cur->addrs[i]))
			continue;
		a = push(&want->addrs, &want->nr_addrs, &want->cap_addrs,
			 sizeof(*a));
		if (!a)
			return -1;
		*a = cur->addrs[i];
	}
	return 0;
}

static int want_settings(const struct ctx *c, const struct fstate *cur,
			 const struct show_settings *s,
			 const struct show_settings *old, struct fstate *want)
{
	static const uint8_t any[16];
	int dev = c->dev->ifindex;
	uint32_t t = s->table;
	size_t i, n;

	for (i = 0; i < s->nr_include; i++)
		if (add_want(want, t, dev, s->include[i].addr.family,
			     s->include[i].addr.bytes, s->include[i].cidr,
			     RTN_UNICAST))
			return -1;
	if (s->include_all_networks &&
	    (add_want(want, t, dev, AF_INET, any, 0, RTN_UNICAST) ||
	     add_want(want, t, dev, AF_INET6, any, 0, RTN_UNICAST)))
		return -1;
	for (i = 0; i < s->nr_exclude; i++)
		if (add_want(want, t, dev, s->exclude[i].addr.family,
			     s->exclude[i].addr.bytes, s->exclude[i].cidr,
			     RTN_THROW))
			return -1;
	for (i = 0; i < s->nr_remote; i++)
		if (add_want(want, t, dev, s->remote[i].family,
			     s->remote[i].bytes,
			     alen(s->remote[i].family) * 8, RTN_THROW))
			return -1;
	sort_want(want);

	/* The peers' endpoints that an included route would take in. */
	n = want->nr_routes;
	for (i = 0; i < c->dev->nr_peers; i++) {
		const struct ptun_addr *a = &c->dev->peers[i].endpoint.addr;

		if (!c->dev->peers[i].has_endpoint)
			continue;
		if (covered(want, n, t, a) &&
		    add_want(want, t, dev, a->family, a->bytes,
			     alen(a->family) * 8, RTN_THROW))
			return -1;
	}
	sort_want(want);

	/* The throws that come from table main, as it is now. */
	n = want->nr_routes;
	for (i = 0; i < cur->nr_main; i++) {
		const struct froute *m = &cur->main[i];
		bool thr = false;

		if (m->via_dev)
			continue;
		if (!s->enforce_routes && !s->include_all_networks)
			thr = shadowed(want, n, t, m);
		else if (s->exclude_local_networks)
			thr = connected(m);
		if (thr && add_want(want, t, dev, m->family, m->dst, m->len,
				    RTN_THROW))
			return -1;
	}
	sort_want(want);

	for (i = 0; i < 2; i++) {
		struct frule *r;

		r = push(&want->rules, &want->nr_rules, &want->cap_rules,
			 sizeof(*r));
		if (!r)
			return -1;
		r->family = i ? AF_INET6 : AF_INET;
		r->action = FR_ACT_TO_TBL;
		r->flags = FIB_RULE_INVERT;
		r->prio = s->priority;
		r->table = t;
		r->mark = ptun_outer_mark(c->dev->fwmark, t);
		r->mask = UINT32_MAX;
	}

	/* The settings' addresses, and those others gave the device. */
	if (keep_addrs(cur, old, want))
		return -1;
	for (i = 0; i < s->nr_addresses; i++) {
		struct faddr *a, sa = {
			.family = s->addresses[i].addr.family,
			.len = s->addresses[i].cidr,
		};

		memcpy(sa.addr, s->addresses[i].addr.bytes, alen(sa.family));
		if (addr_in(&sa, want, true))
			continue;
		a = push(&want->addrs, &want->nr_addrs, &want->cap_addrs,
			 sizeof(*a));
		if (!a)
			return -1;
		*a = sa;
	}
	want->up = 1;
	return 0;
}

/* ---- programming the difference ----------------------------------------- */

static int route_msg(struct ctx *c, const struct froute *r, bool add)
{
	struct rtmsg rtm = {
		.rtm_family = r->family,
		.rtm_dst_len = r->len,
		.rtm_tos = r->tos,
		.rtm_table = r->table < 256 ? r->table : RT_TABLE_UNSPEC,
		.rtm_type = r->type,
	};
	struct nlmsghdr *nlh;

	if (add) {
		rtm.rtm_protocol = r->proto;
		rtm.rtm_scope = r->scope;
	} else {
		/* Any scope, any protocol: the key and type say which. */
		rtm.rtm_scope = RT_SCOPE_NOWHERE;
	}
	nlh = msg_start(c, add ? RTM_NEWROUTE : RTM_DELROUTE,
			add ? NLM_F_CREATE | NLM_F_REPLACE : 0,
			&rtm, sizeof(rtm), add ? OP_ADD_ROUTE : OP_DEL_ROUTE,
			r);
	if (!nlh)
		return -1;
	put_u32(nlh, RTA_TABLE, r->table);
	if (r->len)
		put_attr(nlh, RTA_DST, r->dst, alen(r->family));
	if (r->prio)
		put_u32(nlh, RTA_PRIORITY, r->prio);
	if (r->type == RTN_UNICAST && r->oif)
		put_u32(nlh, RTA_OIF, r->oif);
	if (r->has_gw && (add || r->oif))
		put_attr(nlh, RTA_GATEWAY, r->gw, alen(r->family));
	return msg_end(c, nlh);
}

static int rule_msg(struct ctx *c, const struct frule *r, bool add)
{
	struct fib_rule_hdr frh = {
		.family = r->family,
		.table = r->table < 256 ? r->table : RT_TABLE_UNSPEC,
		.action = r->action,
		.flags = r->flags & FIB_RULE_INVERT,
	};
	struct nlmsghdr *nlh;

	nlh = msg_start(c, add ? RTM_NEWRULE : RTM_DELRULE,
			add ? NLM_F_CREATE : 0, &frh, sizeof(frh),
			add ? OP_ADD_RULE : OP_DEL_RULE, r);
	if (!nlh)
		return -1;
	put_u32(nlh, FRA_PRIORITY, r->prio);
	put_u32(nlh, FRA_TABLE, r->table);
	put_u32(nlh, FRA_FWMARK, r->mark);
	put_u32(nlh, FRA_FWMASK, r->mask);
	return msg_end(c, nlh);
}

static int addr_msg(struct ctx *c, const struct faddr *a, bool add)
{
	struct ifaddrmsg ifa = {
		.ifa_family = a->family,
		.ifa_prefixlen = a->len,
		.ifa_index = c->dev->ifindex,
	};
	struct nlmsghdr *nlh;

	/* No duplicate address detection inside the tunnel. */
	if (add && a->family == AF_INET6)
		ifa.ifa_flags = IFA_F_NODAD;
	nlh = msg_start(c, add ? RTM_NEWADDR : RTM_DELADDR,
			add ? NLM_F_CREATE | NLM_F_REPLACE : 0, &ifa,
			sizeof(ifa), add ? OP_ADD_ADDR : OP_DEL_ADDR, a);
	if (!nlh)
		return -1;
	put_attr(nlh, IFA_LOCAL, a->addr, alen(a->family));
	put_attr(nlh, IFA_ADDRESS, a->addr, alen(a->family));
	return msg_end(c, nlh);
}

static bool addr_in(const struct faddr *a, const struct fstate *st,
		    bool same_len)
{
	size_t i;

	for (i = 0; i < st->nr_addrs; i++)
		if (st->addrs[i].family == a->family &&
		    !memcmp(st->addrs[i].addr, a->addr, alen(a->family)) &&
		    (!same_len || st->addrs[i].len == a->len))
			return true;
	return false;
}

static bool rule_in(const struct frule *r, const struct fstate *st)
{
	size_t i;

	for (i = 0; i < st->nr_rules; i++) {
		const struct frule *o = &st->rules[i];

		if (o->family == r->family && o->prio == r->prio &&
		    o->table == r->table && o->mark == r->mark &&
		    o->mask == r->mask && o->action == r->action &&
		    (o->flags & FIB_RULE_INVERT) == (r->flags & FIB_RULE_INVERT))
			return true;
	}
	return false;
}

static int set_up(struct ctx *c, bool up)
{
	struct rtnl_link *link, *change;
	int err;

	link = rtnl_link_alloc();
	change = rtnl_link_alloc();
	if (!link || !change) {
		rtnl_link_put(link);
		rtnl_link_put(change);
		fprintf(stderr, "ptun: out of memory\n");
		return -1;
	}
	rtnl_link_set_ifindex(link, c->dev->ifindex);
	if (up)
		rtnl_link_set_flags(change, IFF_UP);
	else
		rtnl_link_unset_flags(change, IFF_UP);
	err = rtnl_link_change(c->lsk, link, change, 0);
	rtnl_link_put(link);
	rtnl_link_put(change);
	if (err < 0) {
		fprintf(stderr, "ptun: %s: cannot set %s %s: %s\n",
			c->dev->what, c->dev->name, up ? "up" : "down",
			nl_geterror(err));
		return -1;
	}
	return 0;
}

/* Which parts program() changes, and in which order. */
#define PART_ADDRS	0x1
#define PART_ROUTES	0x2
#define PART_RULES	0x4
#define PART_ALL	(PART_ADDRS | PART_ROUTES | PART_RULES)
/* Rules, routes, then addresses (taking down, not building up). */
#define PART_ADDRS_LAST	0x8

/*
 * The addresses of @want on the device, those of @cur not in @want gone.
 * Return: how many were deleted, or -1 after reporting.
 */
static int program_addrs(struct ctx *c, const struct fstate *cur,
			 const struct fstate *want)
{
	int deleted = 0;
	size_t i;

	/* An IPv6 address is one whatever its length: make room first. */
	for (i = 0; i < cur->nr_addrs; i++)
		if (!addr_in(&cur->addrs[i], want, true) &&
		    addr_in(&cur->addrs[i], want, false)) {
			if (addr_msg(c, &cur->addrs[i], false))
				return -1;
			deleted++;
		}
	if (batch_flush(c))
		return -1;
	for (i = 0; i < want->nr_addrs; i++)
		if (!addr_in(&want->addrs[i], cur, true) &&
		    addr_msg(c, &want->addrs[i], true))
			return -1;
	for (i = 0; i < cur->nr_addrs; i++)
		if (!addr_in(&cur->addrs[i], want, false)) {
			if (addr_msg(c, &cur->addrs[i], false))
				return -1;
			deleted++;
		}
	if (batch_flush(c))
		return -1;
	return deleted;
}

/* The routes of @cur's tables such that @want's are there, and no others. */
static int program_routes(struct ctx *c, const struct fstate *cur,
			  const struct fstate *want)
{
	size_t i, j;
	int cmp;

	/* Adds and replacements first, then what is left over. */
	for (i = 0, j = 0; j < want->nr_routes; ) {
		cmp = i < cur->nr_routes ?
		      route_key_cmp(&cur->routes[i], &want->routes[j]) : 1;
		if (cmp < 0) {
			i++;
			continue;
		}
		if (cmp > 0 || !route_same(&cur->routes[i], &want->routes[j]))
			if (route_msg(c, &want->routes[j], true))
				return -1;
		if (!cmp)
			i++;
		j++;
	}
	if (batch_flush(c))
		return -1;
	for (i = 0, j = 0; i < cur->nr_routes; ) {
		cmp = j < want->nr_routes ?
		      route_key_cmp(&cur->routes[i], &want->routes[j]) : -1;
		if (cmp > 0) {
			j++;
			continue;
		}
		if (cmp < 0 && route_msg(c, &cur->routes[i], false))
			return -1;
		if (!cmp)
			j++;
		i++;
	}
	return batch_flush(c);
}

static int program_rules(struct ctx *c, const struct fstate *cur,
			 const struct fstate *want)
{
	size_t i;

	for (i = 0; i < want->nr_rules; i++)
		if (!rule_in(&want->rules[i], cur) &&
		    rule_msg(c, &want->rules[i], true))
			return -1;
	for (i = 0; i < cur->nr_rules; i++)
		if (!rule_in(&cur->rules[i], want) &&
		    rule_msg(c, &cur->rules[i], false))
			return -1;
	return batch_flush(c);
}

/*
 * Change the FIB from @cur (as read) to @want. @want's routes must be
 * sorted (sort_want() or an earlier program() of them as @cur); @cur's
 * are sorted here, and @cur is otherwise left as it was read.
 */
static int program(struct ctx *c, struct fstate *cur,
		   const struct fstate *want, int parts)
{
	struct fstate fresh = { 0 };
	const struct fstate *routes = cur;
	int ret = -1, deleted;

	/* Sorted first: should this fail, @cur is what restore() wants. */
	qsort(cur->routes, cur->nr_routes, sizeof(*cur->routes),
	      route_key_cmp);
	if (want->up >= 0 && want->up != cur->up && want->up &&
	    set_up(c, true))
		return -1;

	if ((parts & PART_ADDRS) && !(parts & PART_ADDRS_LAST)) {
		deleted = program_addrs(c, cur, want);
		if (deleted < 0)
			return -1;
		/*
		 * The last IPv4 address of a device takes the device's IPv4
		 * routes with it (fib_disable_ip()): look again.
		 */
		if (deleted && (parts & PART_ROUTES)) {
			if (dump_all(c, RTM_GETROUTE, &fresh))
				goto out;
			qsort(fresh.routes, fresh.nr_routes,
			      sizeof(*fresh.routes), route_key_cmp);
			routes = &fresh;
		}
	}
	if ((parts & PART_RULES) && (parts & PART_ADDRS_LAST) &&
	    program_rules(c, cur, want))
		goto out;
	if ((parts & PART_ROUTES) && program_routes(c, routes, want))
		goto out;
	if ((parts & PART_RULES) && !(parts & PART_ADDRS_LAST) &&
	    program_rules(c, cur, want))
		goto out;
	if ((parts & PART_ADDRS) && (parts & PART_ADDRS_LAST) &&
	    program_addrs(c, cur, want) < 0)
		goto out;

	if (want->up == 0 && cur->up && set_up(c, false))
		goto out;
	ret = 0;
out:
	fstate_free(&fresh);
	return ret;
}

/* Put the FIB back as @saved was read; say so if even that fails. */
static void restore(struct ctx *c, const struct fstate *saved)
{
	struct fstate now = { 0 };
	int ret;

	c->len = c->nr_ops = 0;
	/* (@saved's routes were sorted by program()) */
	ret = read_state(c, &now);
	if (!ret)
		ret = program(c, &now, saved, PART_ALL);
	if (ret)
		fprintf(stderr,
			"ptun: %s: could not restore the routes, rules and addresses as they were\n",
			c->dev->what);
	fstate_free(&now);
}

/**
 * ptun_fib_apply() - make the FIB match a device's settings
 * @dev: the device
 * @mode: what to do
 * @new: the settings now in the kernel (PTUN_FIB_SET, PTUN_FIB_RULES)
 * @old: the settings the FIB was made for before, or NULL
 *
 * On failure the FIB is put back as it was read at the start.
 *
 * Return: 0, or -1 after reporting the error.
 */
int ptun_fib_apply(const struct ptun_fib_dev *dev, enum ptun_fib_mode mode,
		   const struct show_settings *new,
		   const struct show_settings *old)
{
	struct fstate cur = { 0 }, want = { 0 };
	const struct show_settings *s = new ? new : old;
	int parts = PART_ALL, ret = -1;
	struct ctx c;

	if (ctx_open(&c, dev))
		goto out;
	c.tables[0] = s->table;
	c.prios[0] = s->priority;
	if (old) {
		c.tables[1] = old->table;
		c.prios[1] = old->priority;
	}
	if (read_state(&c, &cur))
		goto out;

	switch (mode) {
	case PTUN_FIB_SET:
		if (want_settings(&c, &cur, new, old, &want))
			goto out;
		break;
	case PTUN_FIB_RULES:
		parts = PART_RULES;
		if (want_settings(&c, &cur, new, old, &want))
			goto out;
		want.up = -1;
		break;
	case PTUN_FIB_CLEAR:
		/* No routes, no rules; the addresses but the settings'. */
		parts |= PART_ADDRS_LAST;
		want.up = -1;
		if (keep_addrs(&cur, old, &want))
			goto out;
		break;
	}

	if (program(&c, &cur, &want, parts)) {
		/* Without the right to change the FIB, nothing was changed. */
		if (c.error != EPERM)
			restore(&c, &cur);
		goto out;
	}
	ret = 0;
out:
	fstate_free(&cur);
	fstate_free(&want);
	ctx_close(&c);
	return ret;
}

/* ---- one writer at a time ---------------------------------------------- */

#define PTUN_FIB_LOCK "/run/ptun.lock"

static int lock_fd = -1;
static unsigned int lock_depth;

/**
 * ptun_fib_lock() - take the lock of the FIB writers
 *
 * "settings set", "settings clear", "settings follow", "link del" and
 * "link set fwmark" each read the device and then program the FIB from
 * what they read; two at once could leave the FIB made for settings or
 * endpoints that are gone.
 * They hold this lock (an flock on PTUN_FIB_LOCK, shared by all
 * namespaces) from the read to the last change. Taken again by the same
 * process it nests. Without /run (or the right to create the file) the
 * caller goes on unlocked: the kernel refuses it anyway if it may not
 * change the FIB.
 */
void ptun_fib_lock(void)
{
	if (lock_depth++)
		return;
	lock_fd = open(PTUN_FIB_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock_fd < 0)
		return;
	while (flock(lock_fd, LOCK_EX) < 0) {
		if (errno == EINTR)
			continue;
		close(lock_fd);
		lock_fd = -1;
		return;
	}
}

/* ptun_fib_unlock() - let go of what ptun_fib_lock() took */
void ptun_fib_unlock(void)
{
	if (!lock_depth || --lock_depth)
		return;
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
}
