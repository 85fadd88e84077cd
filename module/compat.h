/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference ptun cares about lives here; the rest of
 * the module uses plain kernel APIs or the wrappers below. Supported: the
 * Debian 12 kernels 6.1 and 6.12 (see KERNEL-COMPAT notes in
 * Documentation/design.rst).
 */
#ifndef _PTUN_COMPAT_H
#define _PTUN_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "ptun needs Linux 6.1 or newer"
#endif

/* Lockless transmit: a feature bit up to 6.11, a net_device field after. */
static inline void ptun_compat_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/*
 * Since 6.2 genetlink hands pre_doit/post_doit the split op even for families
 * registered with plain genl_ops; before, the genl_ops itself.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#define ptun_genl_op genl_split_ops
#else
#define ptun_genl_op genl_ops
#endif

/*
 * get_unaligned_*() moved from asm/ to linux/ in 6.12; skb_gso_segment()
 * has its own header since 6.4.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#include <linux/unaligned.h>
#include <net/gso.h>
#else
#include <asm/unaligned.h>
#endif

/* The parsed attributes of a dump request. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define ptun_compat_dump_attrs(cb) (genl_dumpit_info(cb)->info.attrs)
#else
#define ptun_compat_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

#endif /* _PTUN_COMPAT_H */
