// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink socket of the ptun tool. Requests are sent with
 * NLM_F_ACK, so every one ends with an ACK, an error or, for a dump,
 * NLMSG_DONE; the kernel's extended ACK (NETLINK_EXT_ACK) says why a request
 * was refused, and that text ends up in the error message.
 */

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <linux/ptun.h>
#include <netlink/genl/ctrl.h>

#include "nl.h"
#include "ptun.h"

/**
 * struct req - the state of one request while its replies come in
 * @fn: called for each reply message, may be NULL
 * @arg: passed to @fn
 * @error: the kernel's errno (positive), or 0
 * @done: the request has ended (ACK, error, NLMSG_DONE or @fn failed)
 * @failed: @fn failed and has reported why
 * @intr: a part of the dump carried NLM_F_DUMP_INTR
 * @ext_msg: the kernel's extended ACK message, or empty
 * @ext_off: offset in the request of the attribute the kernel blamed, or -1;
 *	not printed: the family's messages already name the attribute
 */
struct req {
	ptun_nl_reply_fn fn;
	void *arg;
	int error;
	bool done;
	bool failed;
	bool intr;
	char ext_msg[256];
	long ext_off;
};

/*
 * Read the extended ACK TLVs that start @off bytes into @nlh, an NLMSG_ERROR
 * or NLMSG_DONE message whose length libnl has checked against what was
 * received.
 */
static void parse_ext_ack(struct req *req, struct nlmsghdr *nlh, size_t off)
{
	static const struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
		[NLMSGERR_ATTR_MSG]	= { .type = NLA_STRING },
		[NLMSGERR_ATTR_OFFS]	= { .type = NLA_U32 },
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	struct nlattr *head;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= nlh->nlmsg_len)
		return;
	head = (struct nlattr *)((char *)nlh + off);
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, head, nlh->nlmsg_len - off,
		      policy) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		nla_strlcpy(req->ext_msg, tb[NLMSGERR_ATTR_MSG],
			    sizeof(req->ext_msg));
	if (tb[NLMSGERR_ATTR_OFFS])
		req->ext_off = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);
}

/*
 * libnl hands over the struct nlmsgerr, which is the payload of the
 * NLMSG_ERROR message: the header sits NLMSG_HDRLEN bytes before it. After
 * the nlmsgerr comes the payload of our request unless the kernel capped it
 * (NLM_F_CAPPED, asked for with NETLINK_CAP_ACK), then the TLVs.
 */
static int err_cb(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	size_t off = NLMSG_HDRLEN + sizeof(*e);
	struct req *req = arg;

	(void)nla;
	req->error = e->error < 0 ? -e->error : e->error;
	req->done = true;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return NL_STOP;
		off += NLMSG_ALIGN(e->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	parse_ext_ack(req, nlh, off);
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct req *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

/* NLMSG_DONE ends a dump; its payload is the dump's error code. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct req *req = arg;
	int err;

	req->done = true;
	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(err)))
		return NL_STOP;
	memcpy(&err, nlmsg_data(nlh), sizeof(err));
	if (err < 0) {
		req->error = -err;
		parse_ext_ack(req, nlh, NLMSG_LENGTH(NLMSG_ALIGN(sizeof(err))));
	}
	return NL_STOP;
}

/* Note the flag and keep reading: the dump must be drained to its end. */
static int dump_intr_cb(struct nl_msg *msg, void *arg)
{
	struct req *req = arg;

	(void)msg;
	req->intr = true;
	return NL_OK;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct req *req = arg;

	if (!req->fn || req->failed)
		return NL_SKIP;
	if (req->fn(msg, req->arg) < 0) {
		req->failed = true;
		req->done = true;
		return NL_STOP;
	}
	return NL_OK;
}

/**
 * ptun_nl_open() - open a generic netlink socket and find the ptun family
 * @nl: filled in on success
 *
 * Return: 0, or -1 after reporting the error on stderr.
 */
int ptun_nl_open(struct ptun_nl *nl)
{
	int one = 1;
	int err, fd;

	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		fprintf(stderr, "ptun: out of memory\n");
		return -1;
	}
	err = genl_connect(nl->sk);
	if (err < 0) {
		fprintf(stderr,
			"ptun: cannot open a generic netlink socket: %s\n",
			nl_geterror(err));
		goto err_free_sock;
	}
	/* Let libnl size its buffer to each datagram of a dump. */
	nl_socket_enable_msg_peek(nl->sk);

	/*
	 * Both are optional: without the first, errors lack the kernel's
	 * explanation; without the second, they carry a copy of the request.
	 */
	fd = nl_socket_get_fd(nl->sk);
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));

	err = genl_ctrl_resolve(nl->sk, PTUN_FAMILY_NAME);
	if (err < 0) {
		if (err == -NLE_OBJ_NOTFOUND)
			fprintf(stderr,
				"ptun: the ptun kernel module is not loaded (generic netlink family \"%s\" not found)\n",
				PTUN_FAMILY_NAME);
		else
			fprintf(stderr,
				"ptun: cannot look up generic netlink family \"%s\": %s\n",
				PTUN_FAMILY_NAME, nl_geterror(err));
		goto err_free_sock;
	}
	nl->family = err;
	return 0;

err_free_sock:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -1;
}

void ptun_nl_close(struct ptun_nl *nl)
{
	nl_socket_free(nl->sk);
	nl->sk = NULL;
}

/**
 * ptun_nl_msg() - start a request of the ptun family
 * @nl: the socket
 * @cmd: PTUN_CMD_*
 * @flags: extra netlink flags, such as NLM_F_DUMP
 * @size: room for attributes, in bytes, or 0 for libnl's default (a page)
 *
 * Return: the message (free it with nlmsg_free()), or NULL if out of memory.
 */
struct nl_msg *ptun_nl_msg(const struct ptun_nl *nl, uint8_t cmd, int flags,
			   size_t size)
{
	struct nl_msg *msg;

	if (size)
		msg = nlmsg_alloc_size(NLMSG_SPACE(GENL_HDRLEN) + size);
	else
		msg = nlmsg_alloc();
	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, PTUN_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/**
 * ptun_nl_talk_quiet() - send a request and read its replies to the end
 * @nl: the socket
 * @msg: the request, left to the caller to free
 * @fn: called for each reply message; may be NULL
 * @arg: passed to @fn
 * @what: what the request does, to start the error message ("link add x")
 * @quiet: an errno the caller handles itself, or 0
 *
 * A kernel error other than @quiet is reported as
 * "ptun: @what: <strerror> (<extack message>)".
 *
 * Return: 0 on success; PTUN_NL_DUMP_INTR if a dump saw its object list
 * change, in which case what @fn got may be inconsistent and the dump should
 * be redone; PTUN_NL_QUIET if the kernel refused with @quiet; -1 after
 * reporting an error on stderr.
 */
int ptun_nl_talk_quiet(struct ptun_nl *nl, struct nl_msg *msg,
		       ptun_nl_reply_fn fn, void *arg, const char *what,
		       int quiet)
{
	struct req req = { .fn = fn, .arg = arg, .ext_off = -1 };
	struct nl_cb *cb;
	int ret;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		fprintf(stderr, "ptun: out of memory\n");
		return -1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &req);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, dump_intr_cb, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, err_cb, &req);

	ret = nl_send_auto(nl->sk, msg);
	if (ret < 0) {
		fprintf(stderr, "ptun: %s: cannot send the request: %s\n",
			what, nl_geterror(ret));
		ret = -1;
		goto out;
	}
	/*
	 * The callbacks end the request; a negative return without that is
	 * a failure of the socket or of libnl, and 0 means nothing came.
	 */
	while (!req.done) {
		ret = nl_recvmsgs_report(nl->sk, cb);
		if (req.done)
			break;
		if (ret <= 0) {
			fprintf(stderr, "ptun: %s: cannot read the reply: %s\n",
				what, ret ? nl_geterror(ret) : "no answer");
			ret = -1;
			goto out;
		}
	}

	if (req.failed) {
		ret = -1;
	} else if (req.error && req.error == quiet) {
		ret = PTUN_NL_QUIET;
	} else if (req.error) {
		if (req.ext_msg[0])
			fprintf(stderr, "ptun: %s: %s (%s)\n", what,
				strerror(req.error), req.ext_msg);
		else
			fprintf(stderr, "ptun: %s: %s\n", what,
				strerror(req.error));
		ret = -1;
	} else {
		ret = req.intr ? PTUN_NL_DUMP_INTR : 0;
	}
out:
	nl_cb_put(cb);
	return ret;
}

/* ptun_nl_talk_quiet() that reports every error. */
int ptun_nl_talk(struct ptun_nl *nl, struct nl_msg *msg, ptun_nl_reply_fn fn,
		 void *arg, const char *what)
{
	return ptun_nl_talk_quiet(nl, msg, fn, arg, what, 0);
}

/*
 * The kernel refuses a request longer than the socket's send buffer (about
 * 208 KiB by default): make room for @len bytes. Root may go past the
 * system's limit (SO_SNDBUFFORCE); others get what SO_SNDBUF allows, and
 * the kernel's EMSGSIZE if that is not enough.
 */
static void ptun_nl_sndbuf(struct ptun_nl *nl, size_t len)
{
	int fd = nl_socket_get_fd(nl->sk);
	socklen_t optlen = sizeof(int);
	int cur = 0, want;

	if (len > INT_MAX / 2 - 65536)
		return;
	want = len + 65536;
	if (!getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &cur, &optlen) &&
	    cur >= want)
		return;
	/* The kernel doubles the value for its bookkeeping. */
	want /= 2;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &want, sizeof(want)))
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &want,
				 sizeof(want));
}

/**
 * ptun_nl_request() - open a socket, send one request, wait for its ACK
 * @req: the request
 *
 * Return: 0, or -1 after reporting the error on stderr.
 */
int ptun_nl_request(const struct ptun_nl_req *req)
{
	struct nl_msg *msg;
	struct ptun_nl nl;
	size_t size = 0;
	int ret = -1;

	/* Room for @put's attributes after the device's name. */
	if (req->size)
		size = nla_total_size(PTUN_IFNAME_MAX_LEN + 1) + req->size;
	if (ptun_nl_open(&nl))
		return -1;
	msg = ptun_nl_msg(&nl, req->cmd, 0, size);
	if (!msg || nla_put_string(msg, PTUN_A_DEV_IFNAME, req->dev) < 0 ||
	    (req->put && req->put(msg, req->arg) < 0)) {
		fprintf(stderr, "ptun: %s: cannot build the request\n",
			req->what);
		goto out;
	}
	ptun_nl_sndbuf(&nl, nlmsg_hdr(msg)->nlmsg_len);
	if (ptun_nl_talk(&nl, msg, NULL, NULL, req->what) >= 0)
		ret = 0;
out:
	/* libnl sends from this buffer and keeps no other copy. */
	if (msg && req->secret)
		explicit_bzero(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
	nlmsg_free(msg);
	ptun_nl_close(&nl);
	return ret;
}

/**
 * ptun_nl_put_opts() - add the options given that have an attribute
 * @msg: the request
 * @opts: the options
 * @vals: what the command line gave for each
 * @nr: number of @opts
 *
 * Return: 0, or a negative libnl error if @msg has no room.
 */
int ptun_nl_put_opts(struct nl_msg *msg, const struct ptun_opt *opts,
		     const struct ptun_optval *vals, size_t nr)
{
	uint64_t v;
	size_t i;
	int err;

	for (i = 0; i < nr; i++) {
		if (!vals[i].set || !opts[i].attr)
			continue;
		v = vals[i].num;
		switch (opts[i].bits) {
		case 8:
			err = nla_put_u8(msg, opts[i].attr, v);
			break;
		case 16:
			err = nla_put_u16(msg, opts[i].attr, v);
			break;
		case 32:
			err = nla_put_u32(msg, opts[i].attr, v);
			break;
		default:
			err = nla_put_u64(msg, opts[i].attr, v);
			break;
		}
		if (err < 0)
			return err;
	}
	return 0;
}
