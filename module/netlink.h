/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_NETLINK_H
#define _PTUN_NETLINK_H

#include <linux/netdevice.h>
#include <linux/types.h>

void ptun_nl_notify_dev(struct net_device *dev, u8 cmd);

int ptun_nl_init(void);
void ptun_nl_uninit(void);

#endif /* _PTUN_NETLINK_H */
