// SPDX-License-Identifier: GPL-2.0
/*
 * ptun show [DEV] [--json]: print the ptun devices. The replies are first
 * collected into a list of struct show_dev, so an interrupted dump can be
 * redone from scratch, then printed by one of two separate printers: the
 * human one (wg-like blocks) and the JSON one (one document, stable keys).
 * A new field goes into struct show_dev, dev_parse() and both printers.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/ptun.h>

#include "nl.h"
#include "ptun.h"

/* A dump that keeps racing changes is retried this many times in all. */
#define SHOW_DUMP_TRIES	5

struct show_dev {
	char ifname[PTUN_IFNAME_MAX_LEN + 1];
	uint32_t ifindex;
	uint16_t listen_port;
	uint32_t fwmark;
	uint32_t mtu;
};

struct show_list {
	struct show_dev *devs;
	size_t len;
	size_t cap;
};

/* The attributes of a PTUN_CMD_DEV_GET reply; all of them are required. */
static const struct nla_policy dev_policy[PTUN_A_DEV_MAX + 1] = {
	[PTUN_A_DEV_IFINDEX]	 = { .type = NLA_U32 },
	[PTUN_A_DEV_IFNAME]	 = { .type = NLA_STRING,
				     .maxlen = PTUN_IFNAME_MAX_LEN + 1 },
	[PTUN_A_DEV_LISTEN_PORT] = { .type = NLA_U16 },
	[PTUN_A_DEV_FWMARK]	 = { .type = NLA_U32 },
	[PTUN_A_DEV_MTU]	 = { .type = NLA_U32 },
};

static int dev_parse(struct nl_msg *msg, struct show_dev *dev)
{
	struct nlattr *tb[PTUN_A_DEV_MAX + 1];
	int attr;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, PTUN_A_DEV_MAX,
			  dev_policy) < 0)
		return -1;
	for (attr = PTUN_A_DEV_IFINDEX; attr <= PTUN_A_DEV_MTU; attr++)
		if (!tb[attr])
			return -1;
	memset(dev, 0, sizeof(*dev));
	nla_strlcpy(dev->ifname, tb[PTUN_A_DEV_IFNAME], sizeof(dev->ifname));
	dev->ifindex = nla_get_u32(tb[PTUN_A_DEV_IFINDEX]);
	dev->listen_port = nla_get_u16(tb[PTUN_A_DEV_LISTEN_PORT]);
	dev->fwmark = nla_get_u32(tb[PTUN_A_DEV_FWMARK]);
	dev->mtu = nla_get_u32(tb[PTUN_A_DEV_MTU]);
	return 0;
}

/* ptun_nl_reply_fn: add the device a reply describes to the list. */
static int dev_reply(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct show_list *list = arg;
	struct show_dev *devs;
	size_t cap;

	if (!genlmsg_valid_hdr(nlh, 0) ||
	    genlmsg_hdr(nlh)->cmd != PTUN_CMD_DEV_GET)
		return 0;
	if (list->len == list->cap) {
		cap = list->cap ? 2 * list->cap : 8;
		devs = realloc(list->devs, cap * sizeof(*devs));
		if (!devs) {
			fprintf(stderr, "ptun: out of memory\n");
			return -1;
		}
		list->devs = devs;
		list->cap = cap;
	}
	if (dev_parse(msg, &list->devs[list->len])) {
		fprintf(stderr,
			"ptun: show: malformed device in the kernel's reply\n");
		return -1;
	}
	list->len++;
	return 0;
}

static void print_human(const struct show_list *list)
{
	const struct show_dev *dev;
	size_t i;

	for (i = 0; i < list->len; i++) {
		dev = &list->devs[i];
		if (i)
			putchar('\n');
		printf("interface: %s\n", dev->ifname);
		printf("  ifindex: %u\n", dev->ifindex);
		if (dev->listen_port)
			printf("  listen port: %u\n", dev->listen_port);
		else
			printf("  listen port: (auto)\n");
		if (dev->fwmark)
			printf("  fwmark: 0x%x\n", dev->fwmark);
		else
			printf("  fwmark: off\n");
		printf("  mtu: %u\n", dev->mtu);
	}
}

/* Length of the well-formed UTF-8 sequence @s starts with, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	/* A NUL is no continuation byte: this stops at the end. */
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * Print @s as a JSON string. Device names are bytes, not text: a byte that
 * is not part of well-formed UTF-8 becomes U+FFFD, so the document stays
 * valid.
 */
static void json_string(const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	size_t len;

	putchar('"');
	while (*c) {
		if (*c == '"' || *c == '\\') {
			printf("\\%c", *c);
		} else if (*c < 0x20) {
			printf("\\u%04x", *c);
		} else {
			len = utf8_len(c);
			if (!len) {
				fputs("\\ufffd", stdout);
				len = 1;
			} else {
				fwrite(c, 1, len, stdout);
			}
			c += len;
			continue;
		}
		c++;
	}
	putchar('"');
}

static void print_json(const struct show_list *list)
{
	const struct show_dev *dev;
	size_t i;

	fputs("{\"devices\":[", stdout);
	for (i = 0; i < list->len; i++) {
		dev = &list->devs[i];
		if (i)
			putchar(',');
		fputs("{\"ifname\":", stdout);
		json_string(dev->ifname);
		printf(",\"ifindex\":%u", dev->ifindex);
		printf(",\"listen_port\":%u", dev->listen_port);
		printf(",\"fwmark\":%u", dev->fwmark);
		printf(",\"mtu\":%u", dev->mtu);
		putchar('}');
	}
	fputs("]}\n", stdout);
}

/* Get one device, or dump them all. Return: 0, or -1 once reported. */
static int collect(struct ptun_nl *nl, const char *dev, struct show_list *list)
{
	struct nl_msg *msg;
	char what[32];
	int tries, ret;

	if (dev)
		snprintf(what, sizeof(what), "show %s", dev);
	else
		snprintf(what, sizeof(what), "show");

	for (tries = 1; ; tries++) {
		msg = ptun_nl_msg(nl, PTUN_CMD_DEV_GET, dev ? 0 : NLM_F_DUMP);
		if (!msg || (dev && nla_put_string(msg, PTUN_A_DEV_IFNAME,
						   dev) < 0)) {
			fprintf(stderr, "ptun: %s: cannot build the request\n",
				what);
			nlmsg_free(msg);
			return -1;
		}
		ret = ptun_nl_talk(nl, msg, dev_reply, list, what);
		nlmsg_free(msg);
		if (ret != PTUN_NL_DUMP_INTR)
			return ret;
		list->len = 0;
		if (tries == SHOW_DUMP_TRIES) {
			fprintf(stderr,
				"ptun: %s: the devices kept changing during the dump, try again\n",
				what);
			return -1;
		}
	}
}

static int show_run(int argc, char *argv[])
{
	struct show_list list = { 0 };
	const char *dev = NULL;
	bool json = false;
	struct ptun_nl nl;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			if (json) {
				ptun_bad_word(NULL, argv[i], " given twice");
				return PTUN_EUSAGE;
			}
			json = true;
		} else if (argv[i][0] == '-') {
			ptun_bad_word("unknown option ", argv[i], NULL);
			return PTUN_EUSAGE;
		} else if (dev) {
			ptun_bad_word("unexpected argument ", argv[i], NULL);
			return PTUN_EUSAGE;
		} else if (!ptun_valid_ifname(argv[i])) {
			ptun_bad_word("invalid device name ", argv[i], NULL);
			return PTUN_EUSAGE;
		} else {
			dev = argv[i];
		}
	}

	if (ptun_nl_open(&nl))
		return 1;
	ret = collect(&nl, dev, &list);
	ptun_nl_close(&nl);
	if (!ret) {
		if (json)
			print_json(&list);
		else
			print_human(&list);
	}
	free(list.devs);
	return ret ? 1 : 0;
}

const struct ptun_cmd ptun_show_cmd = {
	.name		= "show",
	.run		= show_run,
	.synopsis	= "ptun show [DEV] [--json]\n",
	.summary	= "show one or all ptun devices",
	.details	=
"  DEV     show only this device (default: all ptun devices)\n"
"  --json  print one JSON document instead of text\n",
};
