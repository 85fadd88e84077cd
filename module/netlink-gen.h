/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ptun.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_PTUN_GEN_H
#define _LINUX_PTUN_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/ptun.h>

/* Common nested types */
extern const struct nla_policy ptun_allowed_ip_nl_policy[PTUN_A_ALLOWED_IP_CIDR + 1];
extern const struct nla_policy ptun_ip_nl_policy[PTUN_A_IP_PREFIX_LEN + 1];
extern const struct nla_policy ptun_keyconf_nl_policy[PTUN_A_KEYCONF_TX_PACKETS + 1];
extern const struct nla_policy ptun_peer_nl_policy[PTUN_A_PEER_KEY + 1];

extern const struct nla_policy ptun_dev_new_nl_policy[PTUN_A_DEV_MTU + 1];

extern const struct nla_policy ptun_dev_del_nl_policy[PTUN_A_DEV_IFNAME + 1];

extern const struct nla_policy ptun_dev_set_nl_policy[PTUN_A_DEV_MTU + 1];

extern const struct nla_policy ptun_dev_get_nl_policy[PTUN_A_DEV_IFNAME + 1];

extern const struct nla_policy ptun_peer_new_nl_policy[PTUN_A_DEV_PEER + 1];

extern const struct nla_policy ptun_peer_set_nl_policy[PTUN_A_DEV_PEER + 1];

extern const struct nla_policy ptun_peer_del_nl_policy[PTUN_A_DEV_PEER + 1];

extern const struct nla_policy ptun_peer_get_nl_policy[PTUN_A_DEV_PEER + 1];

extern const struct nla_policy ptun_key_new_nl_policy[PTUN_A_DEV_KEYCONF + 1];

extern const struct nla_policy ptun_key_swap_nl_policy[PTUN_A_DEV_KEYCONF + 1];

extern const struct nla_policy ptun_key_del_nl_policy[PTUN_A_DEV_KEYCONF + 1];

extern const struct nla_policy ptun_settings_set_nl_policy[PTUN_A_SETTINGS_PRIORITY + 1];

extern const struct nla_policy ptun_settings_get_nl_policy[PTUN_A_SETTINGS_IFNAME + 1];

extern const struct nla_policy ptun_settings_clear_nl_policy[PTUN_A_SETTINGS_IFNAME + 1];

/* Ops table for ptun */
extern const struct genl_ops ptun_nl_ops[14];

int ptun_nl_dev_new_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_dev_del_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_dev_set_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_dev_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ptun_nl_peer_new_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_peer_set_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_peer_del_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_peer_get_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_peer_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int ptun_nl_key_new_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_key_swap_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_key_del_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_settings_set_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_settings_get_doit(struct sk_buff *skb, struct genl_info *info);
int ptun_nl_settings_get_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int ptun_nl_settings_clear_doit(struct sk_buff *skb, struct genl_info *info);

#endif /* _LINUX_PTUN_GEN_H */
