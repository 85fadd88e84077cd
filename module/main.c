// SPDX-License-Identifier: GPL-2.0
/*
 * ptun: a layer-3 packet tunnel whose data plane and routing policy live in
 * the kernel, configured over generic netlink. This file only brings the
 * parts up in order and takes them down in reverse.
 */

#include <linux/module.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>
#include <uapi/linux/ptun.h>

#include "chachapoly.h"
#include "crypto.h"
#include "device.h"
#include "netlink.h"
#include "policy.h"
#include "queue.h"

static int __init ptun_init(void)
{
	int err;

	err = ptun_chachapoly_init();
	if (err)
		return err;
	err = ptun_crypto_init();
	if (err)
		goto err_chachapoly;
	err = ptun_queue_wq_init();
	if (err)
		goto err_crypto;
	err = ptun_policy_init();
	if (err)
		goto err_queue;
	err = ptun_device_init();
	if (err)
		goto err_policy;
	err = ptun_nl_init();
	if (err)
		goto err_device;
	return 0;

err_device:
	ptun_device_uninit();
err_policy:
	ptun_policy_uninit();
err_queue:
	ptun_queue_wq_uninit();
err_crypto:
	ptun_crypto_uninit();
err_chachapoly:
	ptun_chachapoly_uninit();
	return err;
}

static void __exit ptun_exit(void)
{
	ptun_nl_uninit();
	ptun_device_uninit();
	ptun_policy_uninit();
	ptun_queue_wq_uninit();
	/* Waits for every peer and key to be freed. */
	ptun_crypto_uninit();
	ptun_chachapoly_uninit();
}

module_init(ptun_init);
module_exit(ptun_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ptun: packet tunnel provider with in-kernel routing policy");
MODULE_AUTHOR("The ptun authors");
MODULE_ALIAS_RTNL_LINK(KBUILD_MODNAME);
MODULE_ALIAS_GENL_FAMILY(PTUN_FAMILY_NAME);
