// SPDX-License-Identifier: GPL-2.0
/*
 * The ptun net_device: a layer-3 point-to-point device with no link-layer
 * header, created by rtnetlink ("ip link add ... type ptun") or by the
 * genetlink family.
 */

#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include <net/rtnetlink.h>
#include <uapi/linux/ptun.h>

#include "compat.h"
#include "device.h"
#include "netlink.h"
#include "peer.h"
#include "proto.h"
#include "send.h"
#include "settings.h"
#include "socket.h"

/* Every ptun device of every namespace; protected by rtnl. */
static LIST_HEAD(ptun_device_list);

static struct rtnl_link_ops ptun_link_ops;

bool ptun_is_ptun_dev(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &ptun_link_ops;
}

static int ptun_dev_init(struct net_device *dev)
{
	struct ptun_device *ptun = netdev_priv(dev);
	int err;

	ptun->drops = alloc_percpu(struct ptun_drops);
	if (!ptun->drops)
		return -ENOMEM;
	err = ptun_send_init(ptun);
	if (err)
		goto err_free_drops;
	err = ptun_recv_init(ptun);
	if (err)
		goto err_free_tx;
	ptun_trie_init(&ptun->trie);
	hash_init(ptun->peer_hash);
	INIT_LIST_HEAD(&ptun->peer_list);
	return 0;

err_free_tx:
	ptun_queue_free(&ptun->tx_queue);
err_free_drops:
	free_percpu(ptun->drops);
	return err;
}

/*
 * Called once the device is down and no transmit can run: the sockets are
 * closed (ndo_stop), so nothing on the packet path can reach the peers.
 */
static void ptun_dev_uninit(struct net_device *dev)
{
	struct ptun_device *ptun = netdev_priv(dev);

	ptun_peer_remove_all(ptun);
	ptun_settings_free(ptun);
	ptun_trie_free(&ptun->trie);
	/* Empty: removing the peers waited for the workers. */
	ptun_queue_free(&ptun->tx_queue);
	ptun_queue_free(&ptun->rx_queue);
	free_percpu(ptun->drops);
}

static int ptun_dev_open(struct net_device *dev)
{
	struct ptun_device *ptun = netdev_priv(dev);

	return ptun_socket_open(ptun, ptun->listen_port);
}

static int ptun_dev_stop(struct net_device *dev)
{
	ptun_socket_close(netdev_priv(dev));
	return 0;
}

static int ptun_dev_change_mtu(struct net_device *dev, int mtu)
{
	struct ptun_device *ptun = netdev_priv(dev);

	/* Any change but our own makes the MTU the user's from now on. */
	if (!ptun->mtu_auto)
		ptun->mtu_user = true;
	WRITE_ONCE(dev->mtu, mtu);
	return 0;
}

/* Has @dev IPv6 (an inet6_dev that is not disabled)? Context: rtnl held. */
static bool ptun_device_has_ipv6(struct net_device *dev)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct inet6_dev *idev = __in6_dev_get(dev);

	return idev && !READ_ONCE(idev->cnf.disable_ipv6);
#else
	return false;
#endif
}

/**
 * ptun_device_update_mtu() - follow the peers' paths unless the user chose
 * @ptun: the device
 *
 * The automatic MTU is the smallest one the routes to the peers' endpoints
 * allow (route MTU less the outer family's overhead), or the default with
 * no endpoint known. The settings' MTU, while they have one, stands
 * instead.
 *
 * Context: rtnl held.
 */
void ptun_device_update_mtu(struct ptun_device *ptun)
{
	const struct ptun_settings *s = rtnl_dereference(ptun->settings);
	struct net_device *dev = ptun->dev;
	unsigned int mtu = 0;
	struct ptun_peer *peer;

	ASSERT_RTNL();
	if (ptun->mtu_user || dev->reg_state != NETREG_REGISTERED ||
	    (s && s->mtu))
		return;
	list_for_each_entry(peer, &ptun->peer_list, peer_list)
		if (peer->auto_mtu && (!mtu || peer->auto_mtu < mtu))
			mtu = peer->auto_mtu;
	if (!mtu)
		mtu = PTUN_DEFAULT_MTU;
	/*
	 * Below IPV6_MIN_MTU the kernel takes IPv6 off the device, and it
	 * does not come back when the MTU rises again: while the device has
	 * IPv6, the automatic MTU stays at 1280, and the underlay fragments
	 * the few outer datagrams that then exceed a narrower path.
	 */
	if (mtu < IPV6_MIN_MTU && ptun_device_has_ipv6(dev))
		mtu = IPV6_MIN_MTU;
	mtu = clamp(mtu, dev->min_mtu, dev->max_mtu);
	if (mtu == dev->mtu)
		return;
	ptun->mtu_auto = true;
	dev_set_mtu(dev, mtu);
	ptun->mtu_auto = false;
}

/* Sum the per-CPU drop counters. */
void ptun_device_drops(struct ptun_device *ptun, u64 out[PTUN_DROP_MAX])
{
	int cpu, i;

	memset(out, 0, sizeof(u64) * PTUN_DROP_MAX);
	for_each_possible_cpu(cpu) {
		struct ptun_drops *d = per_cpu_ptr(ptun->drops, cpu);

		for (i = 0; i < PTUN_DROP_MAX; i++)
			out[i] += READ_ONCE(d->count[i]);
	}
}

/* Device counters beyond rtnl_link_stats64 and the drops: ethtool -S. */
static const char ptun_stat_names[][ETH_GSTRING_LEN] = {
	"policy_taken",
	"policy_dropped",
};

static void ptun_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
}

static int ptun_get_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(ptun_stat_names) : -EOPNOTSUPP;
}

static void ptun_get_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, ptun_stat_names, sizeof(ptun_stat_names));
}

static void ptun_get_ethtool_stats(struct net_device *dev,
				   struct ethtool_stats *stats, u64 *data)
{
	struct ptun_device *ptun = netdev_priv(dev);
	int cpu;

	data[0] = 0;
	data[1] = 0;
	for_each_possible_cpu(cpu) {
		const struct ptun_drops *d = per_cpu_ptr(ptun->drops, cpu);

		data[0] += READ_ONCE(d->policy_taken);
		data[1] += READ_ONCE(d->policy_dropped);
	}
}

static const struct ethtool_ops ptun_ethtool_ops = {
	.get_drvinfo		= ptun_get_drvinfo,
	.get_sset_count		= ptun_get_sset_count,
	.get_strings		= ptun_get_strings,
	.get_ethtool_stats	= ptun_get_ethtool_stats,
};

static const struct net_device_ops ptun_netdev_ops = {
	.ndo_init		= ptun_dev_init,
	.ndo_uninit		= ptun_dev_uninit,
	.ndo_open		= ptun_dev_open,
	.ndo_stop		= ptun_dev_stop,
	.ndo_change_mtu		= ptun_dev_change_mtu,
	.ndo_start_xmit		= ptun_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

static void ptun_setup(struct net_device *dev)
{
	struct ptun_device *ptun = netdev_priv(dev);

	dev->netdev_ops = &ptun_netdev_ops;
	dev->ethtool_ops = &ptun_ethtool_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_POINTOPOINT | IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = PTUN_DEFAULT_MTU;
	dev->min_mtu = PTUN_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU - PTUN_MAX_OVERHEAD;
	dev->needs_free_netdev = true;
	/* Outer IPv6 + UDP + ptun header in front, the tag behind. */
	dev->needed_headroom = LL_MAX_HEADER + PTUN_MAX_OVERHEAD -
			       PTUN_TAG_LEN;
	dev->needed_tailroom = PTUN_TAG_LEN;
	dev->features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
			 NETIF_F_HIGHDMA | NETIF_F_GSO_SOFTWARE;
	dev->hw_features |= dev->features;
	dev->hw_enc_features |= dev->features;
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
			ptun_socket_close(ptun);
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
