// SPDX-License-Identifier: GPL-2.0
/*
 * ptun link add|del|set: create, delete and configure ptun devices. Each
 * sends one request naming the device by PTUN_A_DEV_IFNAME; the kernel's
 * reply to dev-new (the new device's ifindex and name) is not printed.
 */

#include <stdio.h>
#include <string.h>

#include <linux/ptun.h>

#include "nl.h"
#include "ptun.h"
#include "route.h"
#include "show.h"

#define LINK_MTU_MAX	65535

/* The device settings "link add" and "link set" take, in any order. */
enum link_opt {
	OPT_LISTEN_PORT,
	OPT_FWMARK,
	OPT_MTU,
	NR_LINK_OPTS
};

static const struct ptun_opt link_opts[NR_LINK_OPTS] = {
	[OPT_LISTEN_PORT] = {
		.name = "listen-port", .max = UINT16_MAX,
		.attr = PTUN_A_DEV_LISTEN_PORT, .bits = 16,
	},
	[OPT_FWMARK] = {
		.name = "fwmark", .hex = true, .max = UINT32_MAX,
		.attr = PTUN_A_DEV_FWMARK, .bits = 32,
	},
	[OPT_MTU] = {
		.name = "mtu", .min = PTUN_MIN_MTU, .max = LINK_MTU_MAX,
		.attr = PTUN_A_DEV_MTU, .bits = 32,
	},
};

/* ptun_nl_put_fn: the settings given, @arg being NR_LINK_OPTS values. */
static int put_conf(struct nl_msg *msg, const void *arg)
{
	return ptun_nl_put_opts(msg, link_opts, arg, NR_LINK_OPTS);
}

/* Before "link del": undo what the device's settings did, if any. */
static int unapply(const char *dev, const char *what)
{
	struct show_list list = { 0 };
	struct ptun_nl nl;
	int ret = -1;

	if (ptun_nl_open(&nl))
		return -1;
	if (!show_collect(&nl, dev, &list, what) && list.len == 1)
		ret = ptun_settings_unapply(&list.devs[0], what);
	ptun_nl_close(&nl);
	show_free(&list);
	return ret;
}

/*
 * Parse "DEV [listen-port P] [fwmark M] [mtu N]" and send @cmd.
 * Return: 0, 1 or PTUN_EUSAGE.
 */
static int link_request(uint8_t cmd, int argc, char *argv[])
{
	struct ptun_optval vals[NR_LINK_OPTS] = { 0 };
	char what[64];
	const char *dev;
	struct ptun_nl_req req = {
		.cmd = cmd, .put = put_conf, .arg = vals, .what = what,
	};
	int ret;

	snprintf(what, sizeof(what), "link %s", argv[0]);
	ret = ptun_parse_dev(what, argc, argv, &dev);
	if (ret)
		return ret;
	if (cmd == PTUN_CMD_DEV_DEL && argc > 2) {
		ptun_bad_word("unexpected argument ", argv[2], NULL);
		return PTUN_EUSAGE;
	}
	ret = ptun_parse_opts(what, argc - 2, argv + 2, link_opts,
			      NR_LINK_OPTS, vals);
	if (ret)
		return ret;
	if (cmd == PTUN_CMD_DEV_SET && argc == 2) {
		fprintf(stderr,
			"ptun: link set: nothing to set (give listen-port, fwmark or mtu)\n");
		return PTUN_EUSAGE;
	}
	snprintf(what, sizeof(what), "link %s %s", argv[0], dev);
	req.dev = dev;
	/* The FIB and DNS of its settings go first, while they can be read. */
	if (cmd != PTUN_CMD_DEV_DEL) {
		if (ptun_nl_request(&req))
			return 1;
	} else {
		ptun_fib_lock();
		ret = unapply(dev, what) || ptun_nl_request(&req);
		ptun_fib_unlock();
		if (ret)
			return 1;
	}
	/* A new mark: the rules that let the outer datagrams out change. */
	if (cmd == PTUN_CMD_DEV_SET && vals[OPT_FWMARK].set &&
	    ptun_settings_remark(dev, what))
		return 1;
	return 0;
}

static int link_add(int argc, char *argv[])
{
	return link_request(PTUN_CMD_DEV_NEW, argc, argv);
}

static int link_del(int argc, char *argv[])
{
	return link_request(PTUN_CMD_DEV_DEL, argc, argv);
}

static int link_set(int argc, char *argv[])
{
	return link_request(PTUN_CMD_DEV_SET, argc, argv);
}

static const struct ptun_subcmd link_cmds[] = {
	{ "add", link_add },
	{ "del", link_del },
	{ "set", link_set },
};

static int link_run(int argc, char *argv[])
{
	return ptun_run_subcmd("link", link_cmds, ARRAY_SIZE(link_cmds), argc,
			       argv);
}

const struct ptun_cmd ptun_link_cmd = {
	.name		= "link",
	.run		= link_run,
	.synopsis	=
"ptun link add DEV [listen-port P] [fwmark M] [mtu N]\n"
"ptun link del DEV\n"
"ptun link set DEV [listen-port P] [fwmark M] [mtu N]\n",
	.summary	= "create, delete or configure a ptun device",
	.details	=
"  DEV          device name: 1-15 characters, no '/', ':' or whitespace\n"
"  listen-port  UDP port, 0-65535 (0: chosen automatically)\n"
"  fwmark       mark of the tunnel's own packets, 0-0xffffffff (0: none)\n"
"  mtu          tunnel MTU, 68-65535\n"
"\"link set\" takes at least one of listen-port, fwmark and mtu.\n",
};
