// SPDX-License-Identifier: GPL-2.0
/*
 * Handlers of the ptun generic netlink family. The policies and the ops
 * table are generated from Documentation/netlink/specs/ptun.yaml into
 * netlink-gen.[ch]; this file holds the family, its multicast group and the
 * handlers, which stay thin: look the device up once (pre_doit), check what
 * the policy cannot, act, reply.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <uapi/linux/ptun.h>

#include "compat.h"
#include "device.h"
#include "netlink-gen.h"
#include "netlink.h"
#include "peer.h"
#include "socket.h"

enum ptun_nl_mcgrp {
	PTUN_NLGRP_EVENTS,
};

static const struct genl_multicast_group ptun_nl_mcgrps[] = {
	[PTUN_NLGRP_EVENTS] = { .name = PTUN_MCGRP_EVENTS, },
};

/*
 * Notifications go out only while the family is registered. Both this flag
 * and every notification are under rtnl, so none can race the family's
 * unregistration.
 */
bool ptun_nl_live;

static int ptun_nl_pre_doit(const struct ptun_genl_op *ops,
			    struct sk_buff *skb, struct genl_info *info);
static void ptun_nl_post_doit(const struct ptun_genl_op *ops,
			      struct sk_buff *skb, struct genl_info *info);

struct genl_family ptun_nl_family __ro_after_init = {
	.name		= PTUN_FAMILY_NAME,
	.version	= PTUN_FAMILY_VERSION,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.pre_doit	= ptun_nl_pre_doit,
	.post_doit	= ptun_nl_post_doit,
	.ops		= ptun_nl_ops,
	.n_ops		= ARRAY_SIZE(ptun_nl_ops),
	.mcgrps		= ptun_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(ptun_nl_mcgrps),
};

/**
 * ptun_nl_dev_from_attrs() - find the ptun device a request names
 * @net: the requester's namespace
 * @attrs: the request's attributes (ifindex and/or ifname)
 * @extack: for the error message
 *
 * Context: rtnl held.
 * Return: the device or an ERR_PTR.
 */
struct net_device *ptun_nl_dev_from_attrs(struct net *net,
					  struct nlattr **attrs,
					  struct netlink_ext_ack *extack)
{
	struct nlattr *ifindex = attrs[PTUN_A_DEV_IFINDEX];
	struct nlattr *ifname = attrs[PTUN_A_DEV_IFNAME];
	struct net_device *dev = NULL;

	if (!ifindex && !ifname) {
		NL_SET_ERR_MSG_MOD(extack,
				   "device not named: give ifindex or ifname");
		return ERR_PTR(-EINVAL);
	}
	if (ifindex) {
		dev = __dev_get_by_index(net, nla_get_u32(ifindex));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(extack, ifindex, "no such device");
			return ERR_PTR(-ENODEV);
		}
	}
	if (ifname) {
		struct net_device *by_name = __dev_get_by_name(net,
							       nla_data(ifname));

		if (!by_name) {
			NL_SET_ERR_MSG_ATTR(extack, ifname, "no such device");
			return ERR_PTR(-ENODEV);
		}
		if (dev && dev != by_name) {
			NL_SET_ERR_MSG_ATTR(extack, ifname,
					    "ifindex and ifname name different devices");
			return ERR_PTR(-EINVAL);
		}
		dev = by_name;
	}
	if (!ptun_is_ptun_dev(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, ifindex ?: ifname,
				    "not a ptun device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return dev;
}

/*
 * Every doit runs under rtnl: it guards the device's configuration and its
 * lifetime. Every command but dev-new acts on an existing device, found once
 * here and handed on in user_ptr[0].
 */
static int ptun_nl_pre_doit(const struct ptun_genl_op *ops,
			    struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;

	rtnl_lock();
	if (ops->cmd == PTUN_CMD_DEV_NEW)
		return 0;

	dev = ptun_nl_dev_from_attrs(genl_info_net(info), info->attrs,
				     info->extack);
	if (IS_ERR(dev)) {
		rtnl_unlock();
		return PTR_ERR(dev);
	}
	info->user_ptr[0] = dev;
	return 0;
}

static void ptun_nl_post_doit(const struct ptun_genl_op *ops,
			      struct sk_buff *skb, struct genl_info *info)
{
	rtnl_unlock();
}

/* Drop reason i is attribute i + 1 of the drops nest. */
static_assert((int)PTUN_DROP_MAX == (int)PTUN_A_DROPS_MAX);

static int ptun_nl_put_drops(struct sk_buff *skb, struct ptun_device *ptun)
{
	u64 drops[PTUN_DROP_MAX];
	struct nlattr *nest;
	int i;

	/* Not for a device that is not registered yet (dev-new's reply). */
	if (!ptun->drops)
		return 0;
	ptun_device_drops(ptun, drops);
	nest = nla_nest_start(skb, PTUN_A_DEV_DROPS);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < PTUN_DROP_MAX; i++)
		if (nla_put_u64_64bit(skb, i + 1, drops[i], 0))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int ptun_nl_fill_dev(struct sk_buff *skb, struct net_device *dev,
			    u32 portid, u32 seq, int flags, u8 cmd)
{
	struct ptun_device *ptun = netdev_priv(dev);
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &ptun_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	/* While up, the port the sockets are bound to (the kernel's pick). */
	if (nla_put_u32(skb, PTUN_A_DEV_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, PTUN_A_DEV_IFNAME, dev->name) ||
	    nla_put_u16(skb, PTUN_A_DEV_LISTEN_PORT,
			ptun->bound_port ?: ptun->listen_port) ||
	    nla_put_u32(skb, PTUN_A_DEV_FWMARK, ptun->fwmark) ||
	    nla_put_u32(skb, PTUN_A_DEV_MTU, dev->mtu) ||
	    ptun_nl_put_drops(skb, ptun) ||
	    nla_put_u32(skb, PTUN_A_DEV_STATUS, READ_ONCE(ptun->status))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Send a ready message to the events group of a namespace. */
void ptun_nl_multicast(struct sk_buff *msg, struct net *net)
{
	genlmsg_multicast_netns(&ptun_nl_family, net, msg, 0,
				PTUN_NLGRP_EVENTS, GFP_KERNEL);
}

/**
 * ptun_nl_notify_dev() - tell the events group about a device
 * @dev: the device
 * @cmd: PTUN_CMD_DEV_NEW_NTF, PTUN_CMD_DEV_DEL_NTF or PTUN_CMD_DEV_CHANGE_NTF
 *
 * Context: rtnl held.
 */
void ptun_nl_notify_dev(struct net_device *dev, u8 cmd)
{
	struct sk_buff *msg;

	ASSERT_RTNL();
	if (!ptun_nl_live)
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (ptun_nl_fill_dev(msg, dev, 0, 0, 0, cmd)) {
		nlmsg_free(msg);
		return;
	}
	ptun_nl_multicast(msg, dev_net(dev));
}

/* Checks the policy cannot make, shared by dev-new and dev-set. */
static int ptun_nl_check_conf(struct net_device *dev, struct genl_info *info)
{
	struct nlattr *mtu = info->attrs[PTUN_A_DEV_MTU];

	if (mtu && nla_get_u32(mtu) > dev->max_mtu) {
		NL_SET_ERR_MSG_ATTR(info->extack, mtu,
				    "mtu above the device's maximum");
		return -EINVAL;
	}
	return 0;
}

/*
 * Apply what ptun_nl_check_conf() accepted. Changing a registered device's
 * MTU can fail (a notifier may veto it), and so can binding a new port while
 * the device is up: the MTU goes first and is put back if the port fails.
 */
static int ptun_nl_apply_conf(struct net_device *dev, struct genl_info *info)
{
	struct ptun_device *ptun = netdev_priv(dev);
	struct nlattr **attrs = info->attrs;
	unsigned int old_mtu = dev->mtu;
	bool old_user = ptun->mtu_user;
	struct ptun_peer *peer;
	int err;

	if (attrs[PTUN_A_DEV_MTU]) {
		u32 mtu = nla_get_u32(attrs[PTUN_A_DEV_MTU]);

		ptun->mtu_user = true;
		if (dev->reg_state == NETREG_UNINITIALIZED) {
			dev->mtu = mtu;
		} else {
			err = dev_set_mtu(dev, mtu);
			if (err) {
				ptun->mtu_user = old_user;
				NL_SET_ERR_MSG_ATTR(info->extack,
						    attrs[PTUN_A_DEV_MTU],
						    "mtu change refused");
				return err;
			}
		}
	}
	if (attrs[PTUN_A_DEV_LISTEN_PORT]) {
		u16 port = nla_get_u16(attrs[PTUN_A_DEV_LISTEN_PORT]);

		if (netif_running(dev) && port != ptun->bound_port) {
			err = ptun_socket_open(ptun, port);
			if (err) {
				NL_SET_ERR_MSG_ATTR(info->extack,
						    attrs[PTUN_A_DEV_LISTEN_PORT],
						    "cannot bind the new port");
				if (dev->mtu != old_mtu)
					dev_set_mtu(dev, old_mtu);
				ptun->mtu_user = old_user;
				return err;
			}
		}
		ptun->listen_port = port;
	}
	if (attrs[PTUN_A_DEV_FWMARK]) {
		WRITE_ONCE(ptun->fwmark, nla_get_u32(attrs[PTUN_A_DEV_FWMARK]));
		/* Routes to the peers may depend on the mark. */
		if (dev->reg_state == NETREG_REGISTERED)
			list_for_each_entry(peer, &ptun->peer_list, peer_list)
				ptun_peer_reroute(peer);
	}
	return 0;
}

int ptun_nl_dev_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *ifname = info->attrs[PTUN_A_DEV_IFNAME];
	struct net *net = genl_info_net(info);
	struct net_device *dev;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	dev = ptun_device_alloc(net, ifname ? nla_data(ifname) : "ptun%d");
	if (!dev) {
		err = -ENOMEM;
		goto err_free_msg;
	}
	/* Not registered yet: nothing else can see it, and nobody is told. */
	err = ptun_nl_check_conf(dev, info);
	if (err)
		goto err_free_dev;
	err = ptun_nl_apply_conf(dev, info);
	if (err)
		goto err_free_dev;

	err = ptun_device_register(dev, net);
	if (err) {
		if (err == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, ifname,
					    "device name already in use");
		else if (err == -EINVAL || err == -ENFILE)
			NL_SET_ERR_MSG_ATTR(info->extack, ifname,
					    "invalid device name");
		goto err_free_dev;
	}

	err = ptun_nl_fill_dev(msg, dev, info->snd_portid, info->snd_seq, 0,
			       PTUN_CMD_DEV_NEW);
	if (err) {
		/* Cannot happen with NLMSG_GOODSIZE; keep the device anyway. */
		nlmsg_free(msg);
		return 0;
	}
	return genlmsg_reply(msg, info);

err_free_dev:
	free_netdev(dev);
err_free_msg:
	nlmsg_free(msg);
	return err;
}

int ptun_nl_dev_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	ptun_device_delete(info->user_ptr[0], NULL);
	return 0;
}

int ptun_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev = info->user_ptr[0];
	int err;

	err = ptun_nl_check_conf(dev, info);
	if (err)
		return err;
	err = ptun_nl_apply_conf(dev, info);
	if (err)
		return err;
	ptun_nl_notify_dev(dev, PTUN_CMD_DEV_CHANGE_NTF);
	return 0;
}

int ptun_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = ptun_nl_fill_dev(msg, info->user_ptr[0], info->snd_portid,
			       info->snd_seq, 0, PTUN_CMD_DEV_GET);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dump every ptun device of the caller's namespace, resuming by position
 * (cb->args[0]) as rtnetlink's link dump does; a change of the namespace's
 * device list between two parts flags the dump NLM_F_DUMP_INTR.
 */
int ptun_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	long idx = 0, start = cb->args[0];
	struct net_device *dev;
	int err = 0;

	rtnl_lock();
	cb->seq = net->dev_base_seq;
	for_each_netdev(net, dev) {
		if (!ptun_is_ptun_dev(dev))
			continue;
		if (idx++ < start)
			continue;
		err = ptun_nl_fill_dev(skb, dev, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI,
				       PTUN_CMD_DEV_GET);
		if (err) {
			idx--;
			break;
		}
		nl_dump_check_consistent(cb, nlmsg_hdr(skb));
	}
	rtnl_unlock();
	cb->args[0] = idx;
	/* A full skb ends this part; the next call resumes at idx. */
	return err == -EMSGSIZE ? skb->len : err;
}

int __init ptun_nl_init(void)
{
	int err;

	err = genl_register_family(&ptun_nl_family);
	if (err)
		return err;
	rtnl_lock();
	ptun_nl_live = true;
	rtnl_unlock();
	return 0;
}

void ptun_nl_uninit(void)
{
	rtnl_lock();
	ptun_nl_live = false;
	rtnl_unlock();
	genl_unregister_family(&ptun_nl_family);
}
