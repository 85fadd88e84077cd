/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/ptun.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_PTUN_H
#define _UAPI_LINUX_PTUN_H

#define PTUN_FAMILY_NAME	"ptun"
#define PTUN_FAMILY_VERSION	1

#define PTUN_IFNAME_MAX_LEN	15
#define PTUN_MIN_MTU		68

enum {
	PTUN_A_DEV_IFINDEX = 1,
	PTUN_A_DEV_IFNAME,
	PTUN_A_DEV_LISTEN_PORT,
	PTUN_A_DEV_FWMARK,
	PTUN_A_DEV_MTU,

	__PTUN_A_DEV_MAX,
	PTUN_A_DEV_MAX = (__PTUN_A_DEV_MAX - 1)
};

enum {
	PTUN_CMD_DEV_NEW = 1,
	PTUN_CMD_DEV_DEL,
	PTUN_CMD_DEV_SET,
	PTUN_CMD_DEV_GET,
	PTUN_CMD_DEV_NEW_NTF,
	PTUN_CMD_DEV_DEL_NTF,
	PTUN_CMD_DEV_CHANGE_NTF,

	__PTUN_CMD_MAX,
	PTUN_CMD_MAX = (__PTUN_CMD_MAX - 1)
};

#define PTUN_MCGRP_EVENTS	"events"

#endif /* _UAPI_LINUX_PTUN_H */
