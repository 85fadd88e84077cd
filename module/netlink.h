/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_NETLINK_H
#define _PTUN_NETLINK_H

#include <linux/netdevice.h>
#include <linux/types.h>
#include <net/genetlink.h>

struct ptun_peer;

extern struct genl_family ptun_nl_family;
extern bool ptun_nl_live;

void ptun_nl_notify_dev(struct net_device *dev, u8 cmd);
void ptun_nl_notify_peer(struct ptun_peer *peer, u8 cmd);
void ptun_nl_notify_key(struct ptun_peer *peer, int slot, u8 cmd);
void ptun_nl_notify_settings(struct net_device *dev);
void ptun_nl_multicast(struct sk_buff *msg, struct net *net);
struct net_device *ptun_nl_dev_from_attrs(struct net *net,
					  struct nlattr **attrs,
					  struct netlink_ext_ack *extack);

int ptun_nl_init(void);
void ptun_nl_uninit(void);

#endif /* _PTUN_NETLINK_H */
