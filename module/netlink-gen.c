// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ptun.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/ptun.h>

/* Common nested types */
const struct nla_policy ptun_allowed_ip_nl_policy[PTUN_A_ALLOWED_IP_CIDR + 1] = {
	[PTUN_A_ALLOWED_IP_FAMILY] = { .type = NLA_U16, },
	[PTUN_A_ALLOWED_IP_ADDR] = { .type = NLA_BINARY, },
	[PTUN_A_ALLOWED_IP_CIDR] = NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy ptun_ip_nl_policy[PTUN_A_IP_PREFIX_LEN + 1] = {
	[PTUN_A_IP_IPV4] = { .type = NLA_U32, },
	[PTUN_A_IP_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[PTUN_A_IP_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
};

const struct nla_policy ptun_keyconf_nl_policy[PTUN_A_KEYCONF_TX_PACKETS + 1] = {
	[PTUN_A_KEYCONF_PEER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_KEYCONF_SLOT] = NLA_POLICY_MAX(NLA_U32, 1),
	[PTUN_A_KEYCONF_KEY_ID] = { .type = NLA_U8, },
	[PTUN_A_KEYCONF_CIPHER] = NLA_POLICY_MAX(NLA_U32, 1),
	[PTUN_A_KEYCONF_ENCRYPT_KEY] = NLA_POLICY_EXACT_LEN(PTUN_KEY_LEN),
	[PTUN_A_KEYCONF_DECRYPT_KEY] = NLA_POLICY_EXACT_LEN(PTUN_KEY_LEN),
	[PTUN_A_KEYCONF_SOFT_LIMIT] = { .type = NLA_U64, },
	[PTUN_A_KEYCONF_HARD_LIMIT] = { .type = NLA_U64, },
	[PTUN_A_KEYCONF_TX_PACKETS] = { .type = NLA_U64, },
};

const struct nla_policy ptun_peer_nl_policy[PTUN_A_PEER_KEY + 1] = {
	[PTUN_A_PEER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_PEER_REMOTE_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_PEER_ENDPOINT_IPV4] = { .type = NLA_U32, },
	[PTUN_A_PEER_ENDPOINT_IPV6] = NLA_POLICY_EXACT_LEN(16),
	[PTUN_A_PEER_ENDPOINT_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[PTUN_A_PEER_ALLOWED_IP] = NLA_POLICY_NESTED(ptun_allowed_ip_nl_policy),
	[PTUN_A_PEER_REPLACE_ALLOWED_IPS] = { .type = NLA_FLAG, },
	[PTUN_A_PEER_KEEPALIVE] = NLA_POLICY_MAX(NLA_U32, PTUN_MAX_KEEPALIVE),
	[PTUN_A_PEER_KEEPALIVE_TIMEOUT] = NLA_POLICY_MAX(NLA_U32, PTUN_MAX_KEEPALIVE),
	[PTUN_A_PEER_RX_BYTES] = { .type = NLA_U64, },
	[PTUN_A_PEER_RX_PACKETS] = { .type = NLA_U64, },
	[PTUN_A_PEER_TX_BYTES] = { .type = NLA_U64, },
	[PTUN_A_PEER_TX_PACKETS] = { .type = NLA_U64, },
	[PTUN_A_PEER_LAST_RX] = { .type = NLA_U64, },
	[PTUN_A_PEER_DEAD] = { .type = NLA_FLAG, },
	[PTUN_A_PEER_KEY] = NLA_POLICY_NESTED(ptun_keyconf_nl_policy),
};

/* PTUN_CMD_DEV_NEW - do */
const struct nla_policy ptun_dev_new_nl_policy[PTUN_A_DEV_MTU + 1] = {
	[PTUN_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
	[PTUN_A_DEV_LISTEN_PORT] = { .type = NLA_U16, },
	[PTUN_A_DEV_FWMARK] = { .type = NLA_U32, },
	[PTUN_A_DEV_MTU] = NLA_POLICY_MIN(NLA_U32, PTUN_MIN_MTU),
};

/* PTUN_CMD_DEV_DEL - do */
const struct nla_policy ptun_dev_del_nl_policy[PTUN_A_DEV_IFNAME + 1] = {
	[PTUN_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
};

/* PTUN_CMD_DEV_SET - do */
const struct nla_policy ptun_dev_set_nl_policy[PTUN_A_DEV_MTU + 1] = {
	[PTUN_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
	[PTUN_A_DEV_LISTEN_PORT] = { .type = NLA_U16, },
	[PTUN_A_DEV_FWMARK] = { .type = NLA_U32, },
	[PTUN_A_DEV_MTU] = NLA_POLICY_MIN(NLA_U32, PTUN_MIN_MTU),
};

/* PTUN_CMD_DEV_GET - do */
const struct nla_policy ptun_dev_get_nl_policy[PTUN_A_DEV_IFNAME + 1] = {
	[PTUN_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
};

/* PTUN_CMD_PEER_NEW - do */
const struct nla_policy ptun_peer_new_nl_policy[PTUN_A_DEV_PEER + 1] = {
	[PTUN_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
	[PTUN_A_DEV_PEER] = NLA_POLICY_NESTED(ptun_peer_nl_policy),
};

/* PTUN_CMD_PEER_SET - do */
const struct nla_policy ptun_peer_set_nl_policy[PTUN_A_DEV_PEER + 1] = {
	[PTUN_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
	[PTUN_A_DEV_PEER] = NLA_POLICY_NESTED(ptun_peer_nl_policy),
};

/* PTUN_CMD_PEER_DEL - do */
const struct nla_policy ptun_peer_del_nl_policy[PTUN_A_DEV_PEER + 1] = {
	[PTUN_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
	[PTUN_A_DEV_PEER] = NLA_POLICY_NESTED(ptun_peer_nl_policy),
};

/* PTUN_CMD_PEER_GET - do */
const struct nla_policy ptun_peer_get_nl_policy[PTUN_A_DEV_PEER + 1] = {
	[PTUN_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
	[PTUN_A_DEV_PEER] = NLA_POLICY_NESTED(ptun_peer_nl_policy),
};

/* PTUN_CMD_KEY_NEW - do */
const struct nla_policy ptun_key_new_nl_policy[PTUN_A_DEV_KEYCONF + 1] = {
	[PTUN_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
	[PTUN_A_DEV_KEYCONF] = NLA_POLICY_NESTED(ptun_keyconf_nl_policy),
};

/* PTUN_CMD_KEY_SWAP - do */
const struct nla_policy ptun_key_swap_nl_policy[PTUN_A_DEV_KEYCONF + 1] = {
	[PTUN_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
	[PTUN_A_DEV_KEYCONF] = NLA_POLICY_NESTED(ptun_keyconf_nl_policy),
};

/* PTUN_CMD_KEY_DEL - do */
const struct nla_policy ptun_key_del_nl_policy[PTUN_A_DEV_KEYCONF + 1] = {
	[PTUN_A_DEV_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_DEV_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
	[PTUN_A_DEV_KEYCONF] = NLA_POLICY_NESTED(ptun_keyconf_nl_policy),
};

/* PTUN_CMD_SETTINGS_SET - do */
const struct nla_policy ptun_settings_set_nl_policy[PTUN_A_SETTINGS_PRIORITY + 1] = {
	[PTUN_A_SETTINGS_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_SETTINGS_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
	[PTUN_A_SETTINGS_REMOTE] = NLA_POLICY_NESTED(ptun_ip_nl_policy),
	[PTUN_A_SETTINGS_ADDRESS] = NLA_POLICY_NESTED(ptun_ip_nl_policy),
	[PTUN_A_SETTINGS_INCLUDE_ROUTE] = NLA_POLICY_NESTED(ptun_ip_nl_policy),
	[PTUN_A_SETTINGS_EXCLUDE_ROUTE] = NLA_POLICY_NESTED(ptun_ip_nl_policy),
	[PTUN_A_SETTINGS_ENFORCE_ROUTES] = NLA_POLICY_MAX(NLA_U8, 1),
	[PTUN_A_SETTINGS_INCLUDE_ALL_NETWORKS] = NLA_POLICY_MAX(NLA_U8, 1),
	[PTUN_A_SETTINGS_EXCLUDE_LOCAL_NETWORKS] = NLA_POLICY_MAX(NLA_U8, 1),
	[PTUN_A_SETTINGS_DNS_SERVER] = NLA_POLICY_NESTED(ptun_ip_nl_policy),
	[PTUN_A_SETTINGS_SEARCH_DOMAIN] = { .type = NLA_STRING, .len = PTUN_MAX_DOMAIN_LEN, },
	[PTUN_A_SETTINGS_MATCH_DOMAIN] = { .type = NLA_STRING, .len = PTUN_MAX_DOMAIN_LEN, },
	[PTUN_A_SETTINGS_MTU] = NLA_POLICY_MIN(NLA_U32, PTUN_MIN_MTU),
	[PTUN_A_SETTINGS_TABLE] = { .type = NLA_U32, },
	[PTUN_A_SETTINGS_PRIORITY] = NLA_POLICY_RANGE(NLA_U32, 1, PTUN_MAX_RULE_PRIORITY),
};

/* PTUN_CMD_SETTINGS_GET - do */
const struct nla_policy ptun_settings_get_nl_policy[PTUN_A_SETTINGS_IFNAME + 1] = {
	[PTUN_A_SETTINGS_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_SETTINGS_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
};

/* PTUN_CMD_SETTINGS_CLEAR - do */
const struct nla_policy ptun_settings_clear_nl_policy[PTUN_A_SETTINGS_IFNAME + 1] = {
	[PTUN_A_SETTINGS_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[PTUN_A_SETTINGS_IFNAME] = { .type = NLA_NUL_STRING, .len = PTUN_IFNAME_MAX_LEN, },
};

/* Ops table for ptun */
const struct genl_ops ptun_nl_ops[14] = {
	{
		.cmd		= PTUN_CMD_DEV_NEW,
		.doit		= ptun_nl_dev_new_doit,
		.policy		= ptun_dev_new_nl_policy,
		.maxattr	= PTUN_A_DEV_MTU,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PTUN_CMD_DEV_DEL,
		.doit		= ptun_nl_dev_del_doit,
		.policy		= ptun_dev_del_nl_policy,
		.maxattr	= PTUN_A_DEV_IFNAME,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PTUN_CMD_DEV_SET,
		.doit		= ptun_nl_dev_set_doit,
		.policy		= ptun_dev_set_nl_policy,
		.maxattr	= PTUN_A_DEV_MTU,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PTUN_CMD_DEV_GET,
		.doit		= ptun_nl_dev_get_doit,
		.dumpit		= ptun_nl_dev_get_dumpit,
		.policy		= ptun_dev_get_nl_policy,
		.maxattr	= PTUN_A_DEV_IFNAME,
	},
	{
		.cmd		= PTUN_CMD_PEER_NEW,
		.doit		= ptun_nl_peer_new_doit,
		.policy		= ptun_peer_new_nl_policy,
		.maxattr	= PTUN_A_DEV_PEER,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PTUN_CMD_PEER_SET,
		.doit		= ptun_nl_peer_set_doit,
		.policy		= ptun_peer_set_nl_policy,
		.maxattr	= PTUN_A_DEV_PEER,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PTUN_CMD_PEER_DEL,
		.doit		= ptun_nl_peer_del_doit,
		.policy		= ptun_peer_del_nl_policy,
		.maxattr	= PTUN_A_DEV_PEER,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PTUN_CMD_PEER_GET,
		.doit		= ptun_nl_peer_get_doit,
		.dumpit		= ptun_nl_peer_get_dumpit,
		.policy		= ptun_peer_get_nl_policy,
		.maxattr	= PTUN_A_DEV_PEER,
	},
	{
		.cmd		= PTUN_CMD_KEY_NEW,
		.doit		= ptun_nl_key_new_doit,
		.policy		= ptun_key_new_nl_policy,
		.maxattr	= PTUN_A_DEV_KEYCONF,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PTUN_CMD_KEY_SWAP,
		.doit		= ptun_nl_key_swap_doit,
		.policy		= ptun_key_swap_nl_policy,
		.maxattr	= PTUN_A_DEV_KEYCONF,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PTUN_CMD_KEY_DEL,
		.doit		= ptun_nl_key_del_doit,
		.policy		= ptun_key_del_nl_policy,
		.maxattr	= PTUN_A_DEV_KEYCONF,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PTUN_CMD_SETTINGS_SET,
		.doit		= ptun_nl_settings_set_doit,
		.policy		= ptun_settings_set_nl_policy,
		.maxattr	= PTUN_A_SETTINGS_PRIORITY,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= PTUN_CMD_SETTINGS_GET,
		.doit		= ptun_nl_settings_get_doit,
		.dumpit		= ptun_nl_settings_get_dumpit,
		.policy		= ptun_settings_get_nl_policy,
		.maxattr	= PTUN_A_SETTINGS_IFNAME,
	},
	{
		.cmd		= PTUN_CMD_SETTINGS_CLEAR,
		.doit		= ptun_nl_settings_clear_doit,
		.policy		= ptun_settings_clear_nl_policy,
		.maxattr	= PTUN_A_SETTINGS_IFNAME,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};
