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

#define LINK_MTU_MAX	65535

/* The device settings "link add" and "link set" take, in any order. */
enum link_opt {
	OPT_LISTEN_PORT,
	OPT_FWMARK,
	OPT_MTU,
	NR_LINK_OPTS
};

/**
 * struct link_opt_desc - a setting of the command line and its attribute
 * @name: its word
 * @hex: the value may also be written 0x...
 * @min: smallest value
 * @max: largest value; the kernel may know a tighter bound
 * @attr: PTUN_A_DEV_*
 * @bits: width of @attr, 16 or 32
 */
struct link_opt_desc {
	const char *name;
	bool hex;
	uint32_t min;
	uint32_t max;
	int attr;
	int bits;
};

static const struct link_opt_desc link_opts[NR_LINK_OPTS] = {
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

struct link_conf {
	bool set[NR_LINK_OPTS];
	uint32_t val[NR_LINK_OPTS];
};

/*
 * Parse "[listen-port P] [fwmark M] [mtu N]" from @argv, each word at most
 * once. Return: 0, or -1 after reporting the bad word.
 */
static int parse_conf(int argc, char *argv[], struct link_conf *conf)
{
	const struct link_opt_desc *desc;
	char what[32];
	uint32_t val;
	int i, opt;

	for (i = 0; i < argc; i += 2) {
		for (opt = 0; opt < NR_LINK_OPTS; opt++)
			if (!strcmp(argv[i], link_opts[opt].name))
				break;
		if (opt == NR_LINK_OPTS) {
			ptun_bad_word("unknown option ", argv[i], NULL);
			return -1;
		}
		desc = &link_opts[opt];
		if (conf->set[opt]) {
			ptun_bad_word(NULL, desc->name, " given twice");
			return -1;
		}
		if (i + 1 == argc) {
			ptun_bad_word(NULL, desc->name, " needs a value");
			return -1;
		}
		if (!ptun_parse_uint(argv[i + 1], desc->hex, desc->max, &val) ||
		    val < desc->min) {
			snprintf(what, sizeof(what), "invalid %s ", desc->name);
			ptun_bad_word(what, argv[i + 1], NULL);
			return -1;
		}
		conf->set[opt] = true;
		conf->val[opt] = val;
	}
	return 0;
}

/* Check the DEV word, which every link command takes first. */
static int parse_dev(int argc, char *argv[], const char **dev)
{
	if (argc < 2) {
		fprintf(stderr, "ptun: link %s: missing DEV\n", argv[0]);
		return -1;
	}
	if (!ptun_valid_ifname(argv[1])) {
		ptun_bad_word("invalid device name ", argv[1], NULL);
		return -1;
	}
	*dev = argv[1];
	return 0;
}

static int put_conf(struct nl_msg *msg, const struct link_conf *conf)
{
	const struct link_opt_desc *desc;
	int opt, err;

	for (opt = 0; opt < NR_LINK_OPTS; opt++) {
		if (!conf->set[opt])
			continue;
		desc = &link_opts[opt];
		if (desc->bits == 16)
			err = nla_put_u16(msg, desc->attr, conf->val[opt]);
		else
			err = nla_put_u32(msg, desc->attr, conf->val[opt]);
		if (err < 0)
			return err;
	}
	return 0;
}

/* Send @cmd for @dev with the settings in @conf. Return: 0 or 1. */
static int link_request(uint8_t cmd, const char *verb, const char *dev,
			const struct link_conf *conf)
{
	struct nl_msg *msg = NULL;
	struct ptun_nl nl;
	char what[64];
	int ret = 1;

	snprintf(what, sizeof(what), "link %s %s", verb, dev);
	if (ptun_nl_open(&nl))
		return 1;
	msg = ptun_nl_msg(&nl, cmd, 0);
	if (!msg || nla_put_string(msg, PTUN_A_DEV_IFNAME, dev) < 0 ||
	    put_conf(msg, conf) < 0) {
		fprintf(stderr, "ptun: %s: cannot build the request\n", what);
		goto out;
	}
	if (ptun_nl_talk(&nl, msg, NULL, NULL, what) >= 0)
		ret = 0;
out:
	nlmsg_free(msg);
	ptun_nl_close(&nl);
	return ret;
}

static int link_add(int argc, char *argv[])
{
	struct link_conf conf = { 0 };
	const char *dev;

	if (parse_dev(argc, argv, &dev) ||
	    parse_conf(argc - 2, argv + 2, &conf))
		return PTUN_EUSAGE;
	return link_request(PTUN_CMD_DEV_NEW, "add", dev, &conf);
}

static int link_del(int argc, char *argv[])
{
	struct link_conf conf = { 0 };
	const char *dev;

	if (parse_dev(argc, argv, &dev))
		return PTUN_EUSAGE;
	if (argc > 2) {
		ptun_bad_word("unexpected argument ", argv[2], NULL);
		return PTUN_EUSAGE;
	}
	return link_request(PTUN_CMD_DEV_DEL, "del", dev, &conf);
}

static int link_set(int argc, char *argv[])
{
	struct link_conf conf = { 0 };
	const char *dev;

	if (parse_dev(argc, argv, &dev) ||
	    parse_conf(argc - 2, argv + 2, &conf))
		return PTUN_EUSAGE;
	if (argc == 2) {
		fprintf(stderr,
			"ptun: link set: nothing to set (give listen-port, fwmark or mtu)\n");
		return PTUN_EUSAGE;
	}
	return link_request(PTUN_CMD_DEV_SET, "set", dev, &conf);
}

static const struct {
	const char *name;
	int (*run)(int argc, char *argv[]);
} link_cmds[] = {
	{ "add", link_add },
	{ "del", link_del },
	{ "set", link_set },
};

static int link_run(int argc, char *argv[])
{
	size_t i;

	if (argc < 2) {
		fprintf(stderr, "ptun: link: missing add, del or set\n");
		return PTUN_EUSAGE;
	}
	for (i = 0; i < sizeof(link_cmds) / sizeof(link_cmds[0]); i++)
		if (!strcmp(argv[1], link_cmds[i].name))
			return link_cmds[i].run(argc - 1, argv + 1);
	ptun_bad_word("unknown link command ", argv[1], NULL);
	return PTUN_EUSAGE;
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
