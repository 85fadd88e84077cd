// SPDX-License-Identifier: GPL-2.0
/*
 * The ptun net_device: a layer-3 point-to-point device with no link-layer
 * header, created by rtnetlink ("ip link add ... type ptun") or by the
 * genetlink family.
 */

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/if_arp.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/icmp.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <uapi/linux/ptun.h>

#include "compat.h"
#include "device.h"
#include "netlink.h"

/* Every ptun device of every namespace; protected by rtnl. */
static LIST_HEAD(ptun_device_list);

static struct rtnl_link_ops ptun_link_ops;

bool ptun_is_ptun_dev(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &ptun_link_ops;
}

/*
 * No peer owns any inner destination yet, so every packet is undeliverable:
 * say so to the sender the way a route to nowhere would.
 */
static netdev_tx_t ptun_xmit(struct sk_buff *skb, struct net_device *dev)
{
	if (skb->protocol == htons(ETH_P_IP) &&
	    pskb_network_may_pull(skb, sizeof(struct iphdr)) &&
	    ip_hdr(skb)->version == 4)
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_HOST_UNREACH, 0);
	else if (skb->protocol == htons(ETH_P_IPV6) &&
		 pskb_network_may_pull(skb, sizeof(struct ipv6hdr)) &&
		 ipv6_hdr(skb)->version == 6)
		icmpv6_ndo_send(skb, ICMPV6_DEST_UNREACH, ICMPV6_ADDR_UNREACH, 0);

	DEV_STATS_INC(dev, tx_errors);
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops ptun_netdev_ops = {
	.ndo_start_xmit		= ptun_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

static void ptun_setup(struct net_device *dev)
{
	struct ptun_device *ptun = netdev_priv(dev);

	dev->netdev_ops = &ptun_netdev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = PTUN_DEFAULT_MTU;
	dev->min_mtu = PTUN_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - PTUN_MAX_OVERHEAD;
	dev->needs_free_netdev = true;
	dev->pcpu_stat_type = NETDEV_PCPU_STAT_TSTATS;
	ptun_compat_set_lltx(dev);
	/* Keep the route on transmitted skbs: ICMP errors need it. */
	netif_keep_dst(dev);

	ptun->dev = dev;
	INIT_LIST_HEAD(&ptun->device_list);
}

/**
 * ptun_device_alloc() - allocate a ptun device for the genetlink path
 * @net: namespace the device will be registered in
 * @name: its name, possibly with one "%d"
 *
 * Return: the device, not registered yet, or NULL without memory.
 */
struct net_device *ptun_device_alloc(struct net *net, const char *name)
{
	struct net_device *dev;

	dev = alloc_netdev(sizeof(struct ptun_device), name,
			   strchr(name, '%') ? NET_NAME_ENUM : NET_NAME_USER,
			   ptun_setup);
	if (!dev)
		return NULL;
	dev_net_set(dev, net);
	dev->rtnl_link_ops = &ptun_link_ops;
	return dev;
}

/**
 * ptun_device_register() - register a new ptun device
 * @dev: the device, from ptun_device_alloc() or rtnetlink
 * @creating_net: namespace whose UDP socket the device will use
 *
 * Context: rtnl held.
 * Return: 0, or the error of register_netdevice(); the caller frees @dev.
 */
int ptun_device_register(struct net_device *dev, struct net *creating_net)
{
	struct ptun_device *ptun = netdev_priv(dev);
	int err;

	ASSERT_RTNL();
	ptun->creating_net = creating_net;
	err = register_netdevice(dev);
	if (err)
		return err;
	list_add(&ptun->device_list, &ptun_device_list);
	ptun_nl_notify_dev(dev, PTUN_CMD_DEV_NEW_NTF);
	return 0;
}

/**
 * ptun_device_delete() - unregister a ptun device
 * @dev: the device
 * @head: list to queue the device on, or NULL to unregister it now
 *
 * Context: rtnl held.
 */
void ptun_device_delete(struct net_device *dev, struct list_head *head)
{
	struct ptun_device *ptun = netdev_priv(dev);

	ASSERT_RTNL();
	ptun_nl_notify_dev(dev, PTUN_CMD_DEV_DEL_NTF);
	list_del_init(&ptun->device_list);
	unregister_netdevice_queue(dev, head);
}

static int ptun_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	return ptun_device_register(dev, src_net);
}

static struct rtnl_link_ops ptun_link_ops __read_mostly = {
	.kind		= KBUILD_MODNAME,
	.priv_size	= sizeof(struct ptun_device),
	.setup		= ptun_setup,
	.newlink	= ptun_newlink,
	.dellink	= ptun_device_delete,
};

/*
 * A dying namespace may still hold the socket of a device that moved away:
 * forget it so the device never uses a dead namespace (WireGuard's model;
 * the device itself stays until its own namespace or its owner deletes it).
 */
static void ptun_pernet_pre_exit(struct net *net)
{
	struct ptun_device *ptun;

	rtnl_lock();
	list_for_each_entry(ptun, &ptun_device_list, device_list) {
		if (ptun->creating_net == net) {
			ptun->creating_net = NULL;
			netif_carrier_off(ptun->dev);
		}
	}
	rtnl_unlock();
}

static struct pernet_operations ptun_pernet_ops = {
	.pre_exit = ptun_pernet_pre_exit,
};

int __init ptun_device_init(void)
{
	int err;

	err = register_pernet_device(&ptun_pernet_ops);
	if (err)
		return err;
	err = rtnl_link_register(&ptun_link_ops);
	if (err)
		goto err_unregister_pernet;
	return 0;

err_unregister_pernet:
	unregister_pernet_device(&ptun_pernet_ops);
	return err;
}

void ptun_device_uninit(void)
{
	rtnl_link_unregister(&ptun_link_ops);
	unregister_pernet_device(&ptun_pernet_ops);
}
