// SPDX-License-Identifier: GPL-2.0
/*
 * ptun settings set|clear: a device's network settings, replaced as a
 * whole. "settings set" sends one request with everything (the settings
 * attributes are not nested, so thousands of routes fit one message; the
 * socket's send buffer is raised to carry it); what is not on the command
 * line is gone afterwards. The words are checked here as far as the tool
 * can (syntax, prefix lengths, host bits, number ranges); the rest (domain
 * names, counts, the device's MTU range) is the kernel's, whose extended
 * ACK text ends up in the error message.
 *
 * Once the kernel took them, route.c makes the FIB match and dns.c hands
 * DNS to the resolver; if the FIB cannot follow, the previous settings go
 * back to the kernel. "settings clear" and "link del" take the FIB and
 * DNS part away first, while the settings can still be read.
 */

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ptun.h>

#include "nl.h"
#include "ptun.h"
#include "route.h"
#include "show.h"

#define SETTINGS_MTU_MAX	65535

/* Room for one ip nest (IPv6 with a prefix length) and one domain. */
#define IP_SIZE		(NLA_HDRLEN + NLA_HDRLEN + 16 + NLA_HDRLEN + \
			 NLA_ALIGN(1))
#define DOMAIN_SIZE	(NLA_HDRLEN + NLA_ALIGN(PTUN_MAX_DOMAIN_LEN + 1))
/* Room for the scalars. */
#define SCALARS_SIZE	256

/* The words that may repeat: each is a list. */
enum list_word {
	W_REMOTE,
	W_ADDRESS,
	W_INCLUDE,
	W_EXCLUDE,
	W_DNS,
	W_SEARCH,
	W_MATCH,
	NR_LIST_WORDS
};

static const struct {
	const char *name;
	int attr;
} list_words[NR_LIST_WORDS] = {
	[W_REMOTE]	= { "remote", PTUN_A_SETTINGS_REMOTE },
	[W_ADDRESS]	= { "address", PTUN_A_SETTINGS_ADDRESS },
	[W_INCLUDE]	= { "include", PTUN_A_SETTINGS_INCLUDE_ROUTE },
	[W_EXCLUDE]	= { "exclude", PTUN_A_SETTINGS_EXCLUDE_ROUTE },
	[W_DNS]		= { "dns", PTUN_A_SETTINGS_DNS_SERVER },
	[W_SEARCH]	= { "search-domain", PTUN_A_SETTINGS_SEARCH_DOMAIN },
	[W_MATCH]	= { "match-domain", PTUN_A_SETTINGS_MATCH_DOMAIN },
};

/* The words given at most once. */
enum settings_opt {
	OPT_ENFORCE,
	OPT_INCLUDE_ALL,
	OPT_EXCLUDE_LOCAL,
	OPT_MTU,
	OPT_TABLE,
	OPT_PRIORITY,
	NR_SETTINGS_OPTS
};

static const char *const on_off[] = { "off", "on", NULL };

static const struct ptun_opt settings_opts[NR_SETTINGS_OPTS] = {
	[OPT_ENFORCE] = {
		.name = "enforce-routes", .kind = PTUN_OPT_CHOICE,
		.choices = on_off, .attr = PTUN_A_SETTINGS_ENFORCE_ROUTES,
		.bits = 8,
	},
	[OPT_INCLUDE_ALL] = {
		.name = "include-all-networks", .kind = PTUN_OPT_CHOICE,
		.choices = on_off,
		.attr = PTUN_A_SETTINGS_INCLUDE_ALL_NETWORKS, .bits = 8,
	},
	[OPT_EXCLUDE_LOCAL] = {
		.name = "exclude-local-networks", .kind = PTUN_OPT_CHOICE,
		.choices = on_off,
		.attr = PTUN_A_SETTINGS_EXCLUDE_LOCAL_NETWORKS, .bits = 8,
	},
	[OPT_MTU] = {
		.name = "mtu", .min = PTUN_MIN_MTU, .max = SETTINGS_MTU_MAX,
		.attr = PTUN_A_SETTINGS_MTU, .bits = 32,
	},
	[OPT_TABLE] = {
		.name = "table", .min = 1, .max = UINT32_MAX,
		.attr = PTUN_A_SETTINGS_TABLE, .bits = 32,
	},
	[OPT_PRIORITY] = {
		.name = "priority", .min = 1, .max = PTUN_MAX_RULE_PRIORITY,
		.attr = PTUN_A_SETTINGS_PRIORITY, .bits = 32,
	},
};

/**
 * struct item - a word of a list, checked
 * @word: which list
 * @addr: its address (all but the domains)
 * @len: its prefix length, or -1 for none (remote, dns)
 * @domain: the domain as written (search-domain, match-domain)
 * @text: the word as written, for messages
 */
struct item {
	enum list_word word;
	struct ptun_addr addr;
	int len;
	const char *domain;
	const char *text;
};

/**
 * struct settings_conf - a settings set command, checked
 * @vals: the words given once
 * @items: the list words, in command-line order
 * @nr_items: their number
 * @nr_domains: how many of them are domains
 */
struct settings_conf {
	struct ptun_optval vals[NR_SETTINGS_OPTS];
	struct item *items;
	size_t nr_items;
	size_t nr_domains;
};

/* Report @word as the bad value of list word @w, with @why. */
static void bad_value(enum list_word w, const char *word, const char *why)
{
	char before[48];

	snprintf(before, sizeof(before), "invalid %s ", list_words[w].name);
	ptun_bad_word(before, word, why);
}

/*
 * Check "ADDR" (remote, dns), "ADDR[/LEN]" (address) or "PREFIX[/LEN]"
 * (include, exclude: host bits must be zero) into @item.
 * Return: 0, or 1 after reporting.
 */
static int parse_item(enum list_word w, const char *word, struct item *item)
{
	const char *slash = strchr(word, '/');
	size_t alen = slash ? (size_t)(slash - word) : strlen(word);
	unsigned int max, i;
	uint64_t len;

	item->word = w;
	if (w == W_SEARCH || w == W_MATCH) {
		item->domain = word;
		return 0;
	}
	if (!ptun_parse_addr(word, alen, &item->addr)) {
		bad_value(w, word, " (not an IPv4 or IPv6 address)");
		return 1;
	}
	max = ptun_addr_len(&item->addr) * 8;
	item->len = -1;
	if (w == W_REMOTE || w == W_DNS) {
		if (slash) {
			bad_value(w, word, " (an address, without /LENGTH)");
			return 1;
		}
		return 0;
	}
	len = max;
	if (slash && !ptun_parse_uint(slash + 1, false, max, &len)) {
		bad_value(w, word, max == 32 ?
			  " (prefix length must be 0-32)" :
			  " (prefix length must be 0-128)");
		return 1;
	}
	if (w == W_ADDRESS && !len) {
		bad_value(w, word, " (prefix length must be at least 1)");
		return 1;
	}
	item->len = len;
	if (w == W_ADDRESS)
		return 0;
	/* A route names a network: no bits set past its length. */
	for (i = len / 8; i < max / 8; i++) {
		uint8_t host = i == len / 8 ? 0xff >> (len % 8) : 0xff;

		if (item->addr.bytes[i] & host) {
			bad_value(w, word, " (host bits set beyond the prefix length)");
			return 1;
		}
	}
	return 0;
}

/* Order of items: by list, then value; equal values are duplicates. */
static int item_cmp(const void *pa, const void *pb)
{
	const struct item *a = *(const struct item *const *)pa;
	const struct item *b = *(const struct item *const *)pb;

	if (a->word != b->word)
		return a->word < b->word ? -1 : 1;
	if (a->domain || b->domain)
		return strcasecmp(a->domain, b->domain);
	if (a->addr.family != b->addr.family)
		return a->addr.family < b->addr.family ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->addr.bytes, b->addr.bytes, sizeof(a->addr.bytes));
}

/*
 * A list names each element once: a route, an address or a domain given
 * twice is refused, as ip(8) refuses to add one twice.
 * Return: 0, or 1 after reporting.
 */
static int check_duplicates(const struct settings_conf *conf)
{
	const struct item **sorted;
	size_t i;
	int ret = 0;

	if (conf->nr_items < 2)
		return 0;
	sorted = calloc(conf->nr_items, sizeof(*sorted));
	if (!sorted) {
		fprintf(stderr, "ptun: out of memory\n");
		return 1;
	}
	for (i = 0; i < conf->nr_items; i++)
		sorted[i] = &conf->items[i];
	qsort(sorted, conf->nr_items, sizeof(*sorted), item_cmp);
	for (i = 1; i < conf->nr_items; i++)
		if (!item_cmp(&sorted[i - 1], &sorted[i])) {
			char before[48];

			snprintf(before, sizeof(before), "%s ",
				 list_words[sorted[i]->word].name);
			ptun_bad_word(before, sorted[i]->text,
				      " is given twice");
			ret = 1;
			break;
		}
	free(sorted);
	return ret;
}

/*
 * Parse the words after DEV into @conf. Return: 0, 1 or PTUN_EUSAGE after
 * reporting the bad word.
 */
static int parse_settings(int argc, char *argv[], struct settings_conf *conf)
{
	size_t w, opt;
	int i, ret;

	conf->items = calloc(argc / 2 + 1, sizeof(*conf->items));
	if (!conf->items) {
		fprintf(stderr, "ptun: out of memory\n");
		return 1;
	}
	for (i = 0; i < argc; i += 2) {
		for (w = 0; w < NR_LIST_WORDS; w++)
			if (!strcmp(argv[i], list_words[w].name))
				break;
		if (w < NR_LIST_WORDS) {
			if (i + 1 == argc) {
				ptun_bad_word(NULL, argv[i], " needs a value");
				return PTUN_EUSAGE;
			}
			if (parse_item(w, argv[i + 1],
				       &conf->items[conf->nr_items]))
				return 1;
			conf->items[conf->nr_items].text = argv[i + 1];
			conf->nr_domains += w == W_SEARCH || w == W_MATCH;
			conf->nr_items++;
			continue;
		}
		for (opt = 0; opt < NR_SETTINGS_OPTS; opt++)
			if (!strcmp(argv[i], settings_opts[opt].name))
				break;
		if (opt == NR_SETTINGS_OPTS) {
			ptun_bad_word("unknown option ", argv[i], NULL);
			return PTUN_EUSAGE;
		}
		/* One word (and its value) at a time, for its messages. */
		ret = ptun_parse_opts("settings set", i + 2 <= argc ? 2 : 1,
				      argv + i, &settings_opts[opt], 1,
				      &conf->vals[opt]);
		if (ret)
			return ret;
	}
	return check_duplicates(conf);
}

static int put_item(struct nl_msg *msg, const struct item *item)
{
	int attr = list_words[item->word].attr;
	struct nlattr *nest;

	if (item->word == W_SEARCH || item->word == W_MATCH)
		return nla_put_string(msg, attr, item->domain);
	nest = ptun_nest_start(msg, attr);
	if (!nest)
		goto nla_put_failure;
	if (item->addr.family == AF_INET)
		NLA_PUT(msg, PTUN_A_IP_IPV4, 4, item->addr.bytes);
	else
		NLA_PUT(msg, PTUN_A_IP_IPV6, 16, item->addr.bytes);
	if (item->len >= 0)
		NLA_PUT_U8(msg, PTUN_A_IP_PREFIX_LEN, item->len);
	return nla_nest_end(msg, nest);

nla_put_failure:
	return -NLE_NOMEM;
}

/* ptun_nl_put_fn: everything of @arg, a struct settings_conf. */
static int put_settings(struct nl_msg *msg, const void *arg)
{
	const struct settings_conf *conf = arg;
	size_t i;
	int err;

	err = ptun_nl_put_opts(msg, settings_opts, conf->vals,
			       NR_SETTINGS_OPTS);
	for (i = 0; !err && i < conf->nr_items; i++)
		err = put_item(msg, &conf->items[i]);
	return err < 0 ? err : 0;
}

/* Bytes the attributes of @conf take at most. */
static size_t conf_size(const struct settings_conf *conf)
{
	return SCALARS_SIZE + conf->nr_domains * DOMAIN_SIZE +
	       (conf->nr_items - conf->nr_domains) * IP_SIZE;
}

static int push_item(struct settings_conf *conf, enum list_word w,
		     const struct ptun_addr *addr, int len, const char *domain)
{
	struct item *item = &conf->items[conf->nr_items++];

	item->word = w;
	if (addr)
		item->addr = *addr;
	item->len = len;
	item->domain = domain;
	conf->nr_domains += !!domain;
	return 0;
}

/*
 * The settings the kernel dumped, as a command line would give them, so
 * that they can be sent back as they were. Return: 0 or -1 out of memory.
 */
static int conf_from_show(const struct show_settings *s,
			  struct settings_conf *conf)
{
	size_t n = s->nr_remote + s->nr_addresses + s->nr_include +
		   s->nr_exclude + s->nr_dns + s->nr_search + s->nr_match, i;
	static const int flags[] = {
		OPT_ENFORCE, OPT_INCLUDE_ALL, OPT_EXCLUDE_LOCAL,
	};
	bool vals[] = {
		s->enforce_routes, s->include_all_networks,
		s->exclude_local_networks,
	};

	memset(conf, 0, sizeof(*conf));
	conf->items = calloc(n + 1, sizeof(*conf->items));
	if (!conf->items) {
		fprintf(stderr, "ptun: out of memory\n");
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		conf->vals[flags[i]].set = true;
		conf->vals[flags[i]].num = vals[i];
	}
	conf->vals[OPT_MTU].set = s->has_mtu;
	conf->vals[OPT_MTU].num = s->mtu;
	conf->vals[OPT_TABLE].set = true;
	conf->vals[OPT_TABLE].num = s->table;
	conf->vals[OPT_PRIORITY].set = true;
	conf->vals[OPT_PRIORITY].num = s->priority;
	for (i = 0; i < s->nr_remote; i++)
		push_item(conf, W_REMOTE, &s->remote[i], -1, NULL);
	for (i = 0; i < s->nr_addresses; i++)
		push_item(conf, W_ADDRESS, &s->addresses[i].addr,
			  s->addresses[i].cidr, NULL);
	for (i = 0; i < s->nr_include; i++)
		push_item(conf, W_INCLUDE, &s->include[i].addr,
			  s->include[i].cidr, NULL);
	for (i = 0; i < s->nr_exclude; i++)
		push_item(conf, W_EXCLUDE, &s->exclude[i].addr,
			  s->exclude[i].cidr, NULL);
	for (i = 0; i < s->nr_dns; i++)
		push_item(conf, W_DNS, &s->dns[i], -1, NULL);
	for (i = 0; i < s->nr_search; i++)
		push_item(conf, W_SEARCH, NULL, -1, s->search[i]);
	for (i = 0; i < s->nr_match; i++)
		push_item(conf, W_MATCH, NULL, -1, s->match[i]);
	return 0;
}

/* The one device of @list, or NULL after reporting it went away. */
static struct show_dev *one_dev(struct show_list *list, const char *what)
{
	if (list->len != 1) {
		fprintf(stderr, "ptun: %s: the device went away\n", what);
		return NULL;
	}
	return &list->devs[0];
}

/*
 * Read device @dev, its settings and peers into @list. Return: the device,
 * or NULL after reporting.
 */
static struct show_dev *get_dev(struct ptun_nl *nl, const char *dev,
				struct show_list *list, const char *what)
{
	if (show_collect(nl, dev, list, what))
		return NULL;
	return one_dev(list, what);
}

static void fib_dev(struct ptun_fib_dev *fd, const struct show_dev *d,
		    const char *what)
{
	fd->name = d->ifname;
	fd->ifindex = d->ifindex;
	fd->fwmark = d->fwmark;
	fd->what = what;
	fd->peers = d->peers;
	fd->nr_peers = d->nr_peers;
}

/*
 * Put @old back in the kernel after the FIB could not be made to match
 * the settings that replaced them (clear them if there were none).
 */
static void settings_restore(const char *dev, const struct show_settings *old,
			     const char *what)
{
	struct settings_conf conf;
	struct ptun_nl_req req = {
		.dev = dev, .what = what,
	};

	if (!old) {
		req.cmd = PTUN_CMD_SETTINGS_CLEAR;
	} else {
		if (conf_from_show(old, &conf))
			return;
		req.cmd = PTUN_CMD_SETTINGS_SET;
		req.put = put_settings;
		req.arg = &conf;
		req.size = conf_size(&conf);
	}
	if (ptun_nl_request(&req))
		fprintf(stderr,
			"ptun: %s: could not put the previous settings back\n",
			what);
	if (old)
		free(conf.items);
}

/*
 * The kernel took new settings for @dev: make the FIB and DNS match them,
 * or put everything back as it was (@before: the device before).
 * Return: 0 or 1.
 */
static int settings_apply(struct ptun_nl *nl, const char *dev,
			  const struct show_dev *before, const char *what)
{
	struct show_list after = { 0 };
	struct ptun_fib_dev fd;
	struct show_dev *d;
	int ret = 1;

	d = get_dev(nl, dev, &after, what);
	if (!d || !d->settings) {
		if (d)
			fprintf(stderr, "ptun: %s: the settings went away\n",
				what);
		goto out;
	}
	fib_dev(&fd, d, what);
	if (ptun_fib_apply(&fd, PTUN_FIB_SET, d->settings,
			   before->settings)) {
		settings_restore(dev, before->settings, what);
		goto out;
	}
	ptun_dns_apply(dev, d->settings, before->settings);
	ret = 0;
out:
	show_free(&after);
	return ret;
}

static int settings_set(int argc, char *argv[])
{
	struct settings_conf conf = { 0 };
	struct show_list before = { 0 };
	struct show_dev *d = NULL;
	struct ptun_nl nl = { 0 };
	char what[64];
	const char *dev;
	struct ptun_nl_req req = {
		.cmd = PTUN_CMD_SETTINGS_SET, .put = put_settings,
		.arg = &conf, .what = what,
	};
	int ret;

	ret = ptun_parse_dev("settings set", argc, argv, &dev);
	if (ret)
		return ret;
	ret = parse_settings(argc - 2, argv + 2, &conf);
	if (ret)
		goto out;
	snprintf(what, sizeof(what), "settings set %s", dev);
	ret = 1;
	if (ptun_nl_open(&nl))
		goto out;
	ptun_fib_lock();
	/* What was there before, to go back to if the FIB cannot follow. */
	d = get_dev(&nl, dev, &before, what);
	if (!d)
		goto out;
	req.dev = dev;
	req.size = conf_size(&conf);
	if (ptun_nl_request(&req))
		goto out;
	ret = settings_apply(&nl, dev, d, what);
out:
	if (nl.sk) {
		ptun_fib_unlock();
		ptun_nl_close(&nl);
	}
	show_free(&before);
	free(conf.items);
	return ret;
}

/*
 * Take away what the settings of @d put in the FIB and DNS (before they
 * are cleared or the device deleted). Return: 0, or -1 after reporting.
 */
int ptun_settings_unapply(const struct show_dev *d, const char *what)
{
	struct ptun_fib_dev fd;

	if (!d->settings)
		return 0;
	fib_dev(&fd, d, what);
	if (ptun_fib_apply(&fd, PTUN_FIB_CLEAR, NULL, d->settings))
		return -1;
	ptun_dns_apply(d->ifname, NULL, d->settings);
	return 0;
}

/*
 * Program the FIB of @dev's settings (if it has any) again, as the device
 * and its peers are now. Return: 0, or -1 after reporting.
 */
static int reapply(const char *dev, enum ptun_fib_mode mode, const char *what)
{
	struct show_list list = { 0 };
	struct ptun_fib_dev fd;
	struct show_dev *d;
	struct ptun_nl nl;
	int ret = -1;

	if (ptun_nl_open(&nl))
		return -1;
	ptun_fib_lock();
	/* The peers only if there are settings: "up" adds them before. */
	d = show_collect_lazy(&nl, dev, &list, what) ? NULL :
	    one_dev(&list, what);
	if (d && !d->settings) {
		ret = 0;
	} else if (d) {
		fib_dev(&fd, d, what);
		ret = ptun_fib_apply(&fd, mode, d->settings, d->settings);
	}
	ptun_fib_unlock();
	ptun_nl_close(&nl);
	show_free(&list);
	return ret;
}

/*
 * The device's mark changed (link set fwmark): if it has settings, its
 * rules follow. Return: 0, or -1 after reporting.
 */
int ptun_settings_remark(const char *dev, const char *what)
{
	return reapply(dev, PTUN_FIB_RULES, what);
}

/*
 * A peer came, went or moved: if the device has settings, the throws of
 * its peers' endpoints follow. Return: 0, or -1 after reporting.
 */
int ptun_settings_follow(const char *dev, const char *what)
{
	return reapply(dev, PTUN_FIB_SET, what);
}

/* "settings clear DEV", "settings follow DEV": DEV and nothing else. */
static int parse_dev_alone(const char *what, int argc, char *argv[],
			   const char **dev)
{
	int ret = ptun_parse_dev(what, argc, argv, dev);

	if (!ret && argc > 2) {
		ptun_bad_word("unexpected argument ", argv[2], NULL);
		ret = PTUN_EUSAGE;
	}
	return ret;
}

static int settings_clear(int argc, char *argv[])
{
	struct show_list before = { 0 };
	struct show_dev *d;
	struct ptun_nl nl;
	char what[64];
	const char *dev;
	struct ptun_nl_req req = {
		.cmd = PTUN_CMD_SETTINGS_CLEAR, .what = what,
	};
	int ret;

	ret = parse_dev_alone("settings clear", argc, argv, &dev);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "settings clear %s", dev);
	if (ptun_nl_open(&nl))
		return 1;
	ret = 1;
	ptun_fib_lock();
	d = get_dev(&nl, dev, &before, what);
	ptun_nl_close(&nl);
	/* Without settings, the kernel says so. */
	if (d && !ptun_settings_unapply(d, what)) {
		req.dev = dev;
		ret = ptun_nl_request(&req) ? 1 : 0;
	}
	ptun_fib_unlock();
	show_free(&before);
	return ret;
}

/**
 * struct follow_state - what "settings follow" keeps between events
 * @ev: the event loop (first: follow_event() is given it)
 * @ifindex: the device followed
 * @dirty: an event came that the FIB has not followed yet
 */
struct follow_state {
	struct ptun_events ev;
	uint32_t ifindex;
	bool dirty;
};

/* ptun_events: a peer of the device came, went or moved; or it went. */
static int follow_event(struct nl_msg *msg, void *arg)
{
	struct follow_state *st = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	struct nlattr *a;
	int type = PTUN_A_DEV_IFINDEX;

	if (!genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	if (ghdr->cmd == PTUN_CMD_SETTINGS_CHANGED_NTF)
		type = PTUN_A_SETTINGS_IFINDEX;
	a = nla_find(genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0),
		     type);
	if (!a || nla_len(a) != sizeof(uint32_t) ||
	    nla_get_u32(a) != st->ifindex)
		return NL_OK;
	switch (ghdr->cmd) {
	case PTUN_CMD_DEV_DEL_NTF:
		st->ev.done = true;
		return NL_STOP;
	case PTUN_CMD_PEER_NEW_NTF:
	case PTUN_CMD_PEER_DEL_NTF:
	case PTUN_CMD_ENDPOINT_CHANGED_NTF:
	case PTUN_CMD_SETTINGS_CHANGED_NTF:
		st->dirty = true;
		break;
	}
	return NL_OK;
}

/* The FIB follows what the events said (a failure waits for the next). */
static void follow_idle(struct ptun_events *ev)
{
	struct follow_state *st = (struct follow_state *)ev;
	char name[IF_NAMESIZE];

	if (!st->dirty)
		return;
	st->dirty = false;
	if (!if_indextoname(st->ifindex, name))
		return;	/* gone: its dev-del event ends the loop */
	(void)reapply(name, PTUN_FIB_SET, ev->what);
}

static void follow_lost(struct ptun_events *ev)
{
	((struct follow_state *)ev)->dirty = true;
}

/*
 * "settings follow DEV": keep the FIB of DEV's settings following its
 * peers (the throws of their endpoints) as they come, go and roam, until
 * SIGINT, SIGTERM or the device's deletion.
 */
static int settings_follow(int argc, char *argv[])
{
	struct follow_state st = {
		.ev = { .event = follow_event, .idle = follow_idle,
			.lost = follow_lost },
	};
	sigset_t waitmask;
	struct ptun_nl nl;
	char what[64];
	const char *dev;
	int ret;

	ret = parse_dev_alone("settings follow", argc, argv, &dev);
	if (ret)
		return ret;
	snprintf(what, sizeof(what), "settings follow %s", dev);
	st.ev.what = what;
	if (ptun_events_signals(&waitmask, what) ||
	    ptun_events_open(&nl, what))
		return 1;
	/* Joined first, then read: no move is lost in between. */
	st.ifindex = if_nametoindex(dev);
	if (!st.ifindex) {
		fprintf(stderr, "ptun: %s: no such device\n", what);
		ret = 1;
	} else if (reapply(dev, PTUN_FIB_SET, what)) {
		ret = 1;
	} else {
		ret = ptun_events_loop(&nl, &st.ev, &waitmask);
	}
	ptun_nl_close(&nl);
	return ret;
}

static const struct ptun_subcmd settings_cmds[] = {
	{ "set", settings_set },
	{ "clear", settings_clear },
	{ "follow", settings_follow },
};

static int settings_run(int argc, char *argv[])
{
	return ptun_run_subcmd("settings", settings_cmds,
			       ARRAY_SIZE(settings_cmds), argc, argv);
}

const struct ptun_cmd ptun_settings_cmd = {
	.name		= "settings",
	.run		= settings_run,
	.synopsis	=
"ptun settings set DEV [remote ADDR]... [address CIDR]... [include CIDR]...\n"
"              [exclude CIDR]... [enforce-routes on|off]\n"
"              [include-all-networks on|off] [exclude-local-networks on|off]\n"
"              [dns ADDR]... [search-domain D]... [match-domain D]...\n"
"              [mtu N] [table N] [priority N]\n"
"ptun settings clear DEV\n"
"ptun settings follow DEV\n",
	.summary	= "set or clear the network settings of a ptun device",
	.details	=
"  remote                  the tunnel's server address, kept out of the tunnel\n"
"  address                 an address of the device with its prefix length\n"
"                          (10.0.0.2/24, fd00::2/64)\n"
"  include                 a destination prefix sent into the tunnel\n"
"                          (0.0.0.0/0 or ::/0: all); host bits must be zero\n"
"  exclude                 a destination prefix kept out of the tunnel\n"
"  enforce-routes          included routes win over the system's (off)\n"
"  include-all-networks    full tunnel with a kill switch (off)\n"
"  exclude-local-networks  directly connected networks stay local (off)\n"
"  dns                     a DNS server, in order of preference\n"
"  search-domain           a DNS search domain\n"
"  match-domain            a domain resolved by the tunnel's DNS (\".\": all)\n"
"  mtu                     tunnel MTU, 68-65535 (default: computed)\n"
"  table                   routing table of the routes (default 28788)\n"
"  priority                priority of the policy rules, 1-32765\n"
"                          (default 28788)\n"
"\"settings set\" replaces all of the device's settings: what is not given\n"
"is gone. The words that end in ... may be given many times, each value\n"
"once. Once the kernel took them, the device's addresses, the routes of the\n"
"table and one rule per family (not fwmark M lookup TABLE) are made to\n"
"match, and DNS goes to systemd-resolved or resolvconf; \"settings clear\"\n"
"takes them away.\n"
"\"settings follow\" stays running (ptun@.service runs it) and keeps the\n"
"peers' current endpoints out of the tunnel as peers come, go and roam,\n"
"until SIGINT, SIGTERM or the device is deleted.\n",
};
