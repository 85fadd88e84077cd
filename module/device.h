/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_DEVICE_H
#define _PTUN_DEVICE_H

#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/types.h>
#include <net/net_namespace.h>

/**
 * struct ptun_device - private part of a ptun net_device
 * @dev: the net_device this is embedded in
 * @creating_net: namespace the device was created in, where its UDP socket
 *	lives even after the device moves to another namespace. Not
 *	refcounted: when that namespace dies, pre_exit sets it to NULL first.
 *	Written under rtnl.
 * @device_list: entry in the list of all ptun devices, protected by rtnl
 * @listen_port: UDP port in host order, 0 for the kernel's choice (rtnl)
 * @fwmark: mark put on outer datagrams, 0 for none (rtnl)
 */
struct ptun_device {
	struct net_device *dev;
	struct net *creating_net;
	struct list_head device_list;
	u16 listen_port;
	u32 fwmark;
};

/*
 * Worst-case bytes added to an inner packet: outer IPv6 (40) and UDP (8)
 * headers, ptun's header (16) and the AEAD tag (16).
 */
#define PTUN_MAX_OVERHEAD	80
/* Inner MTU of a new device: a 1500-byte underlay less that overhead. */
#define PTUN_DEFAULT_MTU	(ETH_DATA_LEN - PTUN_MAX_OVERHEAD)

bool ptun_is_ptun_dev(const struct net_device *dev);
struct net_device *ptun_device_alloc(struct net *net, const char *name);
int ptun_device_register(struct net_device *dev, struct net *creating_net);
void ptun_device_delete(struct net_device *dev, struct list_head *head);

int ptun_device_init(void);
void ptun_device_uninit(void);

#endif /* _PTUN_DEVICE_H */
