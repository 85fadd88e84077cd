/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the ptun generic netlink family through libnl: one socket per
 * run of the tool, one request at a time.
 */

#ifndef _PTUN_NL_H
#define _PTUN_NL_H

#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

/* ptun_nl_talk() result: the dump raced a change and should be redone. */
#define PTUN_NL_DUMP_INTR	1

/**
 * struct ptun_nl - a generic netlink socket bound to the ptun family
 * @sk: the socket
 * @family: the family's id, resolved by name
 */
struct ptun_nl {
	struct nl_sock *sk;
	int family;
};

/**
 * typedef ptun_nl_reply_fn - called for each reply message of a request
 *
 * Return: 0 to go on, or -1 after reporting an error on stderr, which ends
 * the request as a failure.
 */
typedef int (*ptun_nl_reply_fn)(struct nl_msg *msg, void *arg);

int ptun_nl_open(struct ptun_nl *nl);
void ptun_nl_close(struct ptun_nl *nl);
struct nl_msg *ptun_nl_msg(const struct ptun_nl *nl, uint8_t cmd, int flags);
int ptun_nl_talk(struct ptun_nl *nl, struct nl_msg *msg, ptun_nl_reply_fn fn,
		 void *arg, const char *what);

#endif /* _PTUN_NL_H */
