/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to the ptun generic netlink family through libnl: one socket per
 * run of the tool, one request at a time.
 */

#ifndef _PTUN_NL_H
#define _PTUN_NL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

/* Socket options older libc headers lack (linux/netlink.h, 4.3 and 4.12). */
#ifndef SOL_NETLINK
#define SOL_NETLINK		270
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK		10
#endif
#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK		11
#endif

/* ptun_nl_talk() result: the dump raced a change and should be redone. */
#define PTUN_NL_DUMP_INTR	1
/* ptun_nl_talk_quiet() result: the kernel refused with the errno given. */
#define PTUN_NL_QUIET		2

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

/**
 * typedef ptun_nl_put_fn - adds a request's attributes after the device's
 *
 * Return: 0, or a negative libnl error if @msg has no room.
 */
typedef int (*ptun_nl_put_fn)(struct nl_msg *msg, const void *arg);

/**
 * struct ptun_nl_req - a request about one device that only wants an ACK
 * @cmd: PTUN_CMD_*
 * @dev: the device, sent as PTUN_A_DEV_IFNAME
 * @put: adds the other attributes, or NULL
 * @arg: passed to @put
 * @size: how many bytes @put may add at most, or 0 for "a few"
 * @secret: the attributes hold key material: wipe the message after use
 * @what: what the request does, to start error messages ("peer add x 1")
 */
struct ptun_nl_req {
	uint8_t cmd;
	const char *dev;
	ptun_nl_put_fn put;
	const void *arg;
	size_t size;
	bool secret;
	const char *what;
};

/*
 * Start a nest with NLA_F_NESTED set, which the kernel's strict validation
 * of a new family's requests insists on.
 */
static inline struct nlattr *ptun_nest_start(struct nl_msg *msg, int type)
{
	return nla_nest_start(msg, NLA_F_NESTED | type);
}

int ptun_nl_open(struct ptun_nl *nl);
void ptun_nl_close(struct ptun_nl *nl);
struct nl_msg *ptun_nl_msg(const struct ptun_nl *nl, uint8_t cmd, int flags,
			   size_t size);
int ptun_nl_talk(struct ptun_nl *nl, struct nl_msg *msg, ptun_nl_reply_fn fn,
		 void *arg, const char *what);
int ptun_nl_talk_quiet(struct ptun_nl *nl, struct nl_msg *msg,
		       ptun_nl_reply_fn fn, void *arg, const char *what,
		       int quiet);
int ptun_nl_request(const struct ptun_nl_req *req);

struct ptun_opt;
struct ptun_optval;
int ptun_nl_put_opts(struct nl_msg *msg, const struct ptun_opt *opts,
		     const struct ptun_optval *vals, size_t nr);

/* The "events" multicast group (monitor.c). */

/**
 * struct ptun_events - an event loop's callbacks and state
 * @event: called with each notification and this structure
 * @idle: called when nothing is left to read (optional)
 * @lost: called when events were lost to an overflow (optional)
 * @what: starts the error messages ("monitor")
 * @done: set by a callback to end the loop
 * @failed: set by a callback (with @done) when it failed
 */
struct ptun_events {
	int (*event)(struct nl_msg *msg, void *arg);
	void (*idle)(struct ptun_events *ev);
	void (*lost)(struct ptun_events *ev);
	const char *what;
	bool done;
	bool failed;
};

extern volatile sig_atomic_t ptun_events_stop;
int ptun_events_signals(sigset_t *waitmask, const char *what);
int ptun_events_open(struct ptun_nl *nl, const char *what);
int ptun_events_loop(struct ptun_nl *nl, struct ptun_events *ev,
		     const sigset_t *waitmask);

#endif /* _PTUN_NL_H */
