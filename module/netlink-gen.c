// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ptun.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "netlink-gen.h"

#include <uapi/linux/ptun.h>

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

/* Ops table for ptun */
const struct genl_ops ptun_nl_ops[4] = {
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
};
