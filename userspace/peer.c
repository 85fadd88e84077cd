// SPDX-License-Identifier: GPL-2.0
/*
 * ptun peer add|set|del: the peers of a device. Each sends one request
 * with the device's name and a PTUN_A_DEV_PEER nest; everything on the
 * command line is checked before the request is built.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "nl.h"
#include "ptun.h"
#include "route.h"

/* Room for one PTUN_A_PEER_ALLOWED_IP nest with an IPv6 address. */
#define ALLOWED_IP_SIZE	(NLA_HDRLEN + NLA_HDRLEN + NLA_ALIGN(2) + \
			 NLA_HDRLEN + 16 + NLA_HDRLEN + NLA_ALIGN(1))
/* Room for the nest and everything in it but the prefixes. */
#define PEER_SIZE	256
/*
 * A nest holds at most 64 KiB, and libnl's send buffer takes a request of
 * about as much: a longer list of prefixes goes in several requests, the
 * first one with everything else (as WireGuard's tools do).
 */
#define PEER_MAX_IPS	1024

/* The options of "peer add"; "peer set" takes all but the last. */
enum peer_opt {
	OPT_ENDPOINT,
	OPT_ALLOWED_IPS,
	OPT_KEEPALIVE,
	OPT_KEEPALIVE_TIMEOUT,
	OPT_REMOTE_ID,
	NR_PEER_OPTS
};

static const struct ptun_opt peer_opts[NR_PEER_OPTS] = {
	[OPT_ENDPOINT]		= { .name = "endpoint", .kind = PTUN_OPT_WORD },
	[OPT_ALLOWED_IPS]	= {
		.name = "allowed-ips", .kind = PTUN_OPT_WORD,
	},
	[OPT_KEEPALIVE]		= {
		.name = "keepalive", .max = PTUN_MAX_KEEPALIVE,
		.attr = PTUN_A_PEER_KEEPALIVE, .bits = 32,
	},
	[OPT_KEEPALIVE_TIMEOUT] = {
		.name = "keepalive-timeout", .max = PTUN_MAX_KEEPALIVE,
		.attr = PTUN_A_PEER_KEEPALIVE_TIMEOUT, .bits = 32,
	},
	[OPT_REMOTE_ID]		= {
		.name = "remote-id", .min = 1, .max = UINT32_MAX,
		.attr = PTUN_A_PEER_REMOTE_ID, .bits = 32,
	},
};

/**
 * struct peer_conf - a peer command, checked
 * @id: the peer's id
 * @vals: the options as given
 * @ep: the endpoint, if @vals[OPT_ENDPOINT] is set
 * @ips: the prefixes of allowed-ips, NULL if none
 * @nr_ips: their number
 * @replace: send PTUN_A_PEER_REPLACE_ALLOWED_IPS (peer set with allowed-ips)
 * @buf: the copy of the allowed-ips word that @ips was parsed from
 * @first_ip: the first of @ips the next request carries; the requests
 *	after the first carry nothing else
 * @chunk: how many of @ips it carries
 */
struct peer_conf {
	uint32_t id;
	struct ptun_optval vals[NR_PEER_OPTS];
	struct ptun_endpoint ep;
	struct ptun_prefix *ips;
	size_t nr_ips;
	bool replace;
	char *buf;
	size_t first_ip;
	size_t chunk;
};

/* Cut the blanks off the end of @s; return its first non-blank. */
static char *trim(char *s)
{
	size_t len;

	s += strspn(s, " \t");
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		s[--len] = '\0';
	return s;
}

/*
 * Parse "CIDR[,CIDR...]", blanks around commas allowed, into @conf; ""
 * and "none" stand for no prefix. Return: 0, or -1 after reporting.
 */
static int parse_allowed_ips(const char *list, struct peer_conf *conf)
{
	char *word, *next;
	size_t nr = 1;
	const char *c;

	conf->buf = strdup(list);
	if (!conf->buf)
		goto err_nomem;
	word = trim(conf->buf);
	if (!*word || !strcmp(word, "none"))
		return 0;
	for (c = word; *c; c++)
		nr += *c == ',';
	conf->ips = calloc(nr, sizeof(*conf->ips));
	if (!conf->ips)
		goto err_nomem;
	for (; word; word = next) {
		next = strchr(word, ',');
		if (next)
			*next++ = '\0';
		word = trim(word);
		if (!ptun_parse_prefix(word, &conf->ips[conf->nr_ips])) {
			ptun_bad_word("invalid prefix ", word, NULL);
			return -1;
		}
		conf->nr_ips++;
	}
	return 0;

err_nomem:
	fprintf(stderr, "ptun: out of memory\n");
	return -1;
}

/*
 * Parse "DEV ID [option value]..." with the first @nr_opts options into
 * @conf, whose buffers peer_conf_free() frees. Return: 0, 1 or
 * PTUN_EUSAGE after reporting the bad word.
 */
static int parse_peer(const char *what, int argc, char *argv[],
		      size_t nr_opts, const char **dev, struct peer_conf *conf)
{
	const struct ptun_optval *vals = conf->vals;
	int ret;

	ret = ptun_parse_peer(what, argc, argv, dev, &conf->id);
	if (ret)
		return ret;
	if (!nr_opts && argc > 3) {
		ptun_bad_word("unexpected argument ", argv[3], NULL);
		return PTUN_EUSAGE;
	}
	ret = ptun_parse_opts(what, argc - 3, argv + 3, peer_opts, nr_opts,
			      conf->vals);
	if (ret)
		return ret;
	if (vals[OPT_ENDPOINT].set &&
	    !ptun_parse_endpoint(vals[OPT_ENDPOINT].word, &conf->ep)) {
		ptun_bad_word("invalid endpoint ", vals[OPT_ENDPOINT].word,
			      " (IPV4:PORT or [IPV6]:PORT)");
		return 1;
	}
	if (vals[OPT_ALLOWED_IPS].set &&
	    parse_allowed_ips(vals[OPT_ALLOWED_IPS].word, conf))
		return 1;
	return 0;
}

static void peer_conf_free(struct peer_conf *conf)
{
	free(conf->ips);
	free(conf->buf);
}

static int put_endpoint(struct nl_msg *msg, const struct ptun_endpoint *ep)
{
	if (ep->addr.family == AF_INET)
		NLA_PUT(msg, PTUN_A_PEER_ENDPOINT_IPV4, 4, ep->addr.bytes);
	else
		NLA_PUT(msg, PTUN_A_PEER_ENDPOINT_IPV6, 16, ep->addr.bytes);
	NLA_PUT_U16(msg, PTUN_A_PEER_ENDPOINT_PORT, ep->port);
	return 0;

nla_put_failure:
	return -NLE_NOMEM;
}

static int put_prefix(struct nl_msg *msg, const struct ptun_prefix *prefix)
{
	const struct ptun_addr *addr = &prefix->addr;
	struct nlattr *nest;

	nest = ptun_nest_start(msg, PTUN_A_PEER_ALLOWED_IP);
	if (!nest)
		goto nla_put_failure;
	NLA_PUT_U16(msg, PTUN_A_ALLOWED_IP_FAMILY, addr->family);
	NLA_PUT(msg, PTUN_A_ALLOWED_IP_ADDR, ptun_addr_len(addr), addr->bytes);
	NLA_PUT_U8(msg, PTUN_A_ALLOWED_IP_CIDR, prefix->cidr);
	return nla_nest_end(msg, nest);

nla_put_failure:
	return -NLE_NOMEM;
}

/*
 * ptun_nl_put_fn: the PTUN_A_DEV_PEER nest of @arg, a struct peer_conf,
 * with its current chunk of prefixes.
 */
static int put_peer(struct nl_msg *msg, const void *arg)
{
	const struct peer_conf *conf = arg;
	struct nlattr *nest;
	size_t i;

	nest = ptun_nest_start(msg, PTUN_A_DEV_PEER);
	if (!nest)
		goto nla_put_failure;
	NLA_PUT_U32(msg, PTUN_A_PEER_ID, conf->id);
	if (!conf->first_ip) {
		if (ptun_nl_put_opts(msg, peer_opts, conf->vals,
				     NR_PEER_OPTS) < 0)
			goto nla_put_failure;
		if (conf->vals[OPT_ENDPOINT].set &&
		    put_endpoint(msg, &conf->ep) < 0)
			goto nla_put_failure;
		if (conf->replace)
			NLA_PUT_FLAG(msg, PTUN_A_PEER_REPLACE_ALLOWED_IPS);
	}
	for (i = conf->first_ip; i < conf->first_ip + conf->chunk; i++)
		if (put_prefix(msg, &conf->ips[i]) < 0)
			goto nla_put_failure;
	return nla_nest_end(msg, nest);

nla_put_failure:
	return -NLE_NOMEM;
}

/*
 * Parse "DEV ID" and the first @nr_opts options, and send @cmd.
 * Return: 0, 1 or PTUN_EUSAGE.
 */
static int peer_request(uint8_t cmd, size_t nr_opts, int argc, char *argv[])
{
	struct peer_conf conf = { 0 };
	char what[64];
	const char *dev;
	struct ptun_nl_req req = {
		.cmd = cmd, .put = put_peer, .arg = &conf, .what = what,
	};
	int ret;

	snprintf(what, sizeof(what), "peer %s", argv[0]);
	ret = parse_peer(what, argc, argv, nr_opts, &dev, &conf);
	if (ret)
		goto out;
	if (cmd == PTUN_CMD_PEER_SET) {
		if (argc == 3) {
			fprintf(stderr,
				"ptun: peer set: nothing to set (give endpoint, allowed-ips, keepalive or keepalive-timeout)\n");
			ret = PTUN_EUSAGE;
			goto out;
		}
		conf.replace = conf.vals[OPT_ALLOWED_IPS].set;
	}

	snprintf(what, sizeof(what), "peer %s %s %u", argv[0], dev, conf.id);
	req.dev = dev;
	do {
		conf.chunk = conf.nr_ips - conf.first_ip;
		if (conf.chunk > PEER_MAX_IPS)
			conf.chunk = PEER_MAX_IPS;
		req.size = PEER_SIZE + conf.chunk * ALLOWED_IP_SIZE;
		ret = ptun_nl_request(&req) ? 1 : 0;
		/* The rest of the prefixes are added to the peer. */
		req.cmd = PTUN_CMD_PEER_SET;
		conf.first_ip += conf.chunk;
	} while (!ret && conf.first_ip < conf.nr_ips);
	/* A new, moved or removed endpoint: the settings' throws follow. */
	if (!ret && (cmd == PTUN_CMD_PEER_DEL || conf.vals[OPT_ENDPOINT].set) &&
	    ptun_settings_follow(dev, what))
		ret = 1;
out:
	peer_conf_free(&conf);
	return ret;
}

static int peer_add(int argc, char *argv[])
{
	return peer_request(PTUN_CMD_PEER_NEW, NR_PEER_OPTS, argc, argv);
}

static int peer_set(int argc, char *argv[])
{
	return peer_request(PTUN_CMD_PEER_SET, OPT_REMOTE_ID, argc, argv);
}

static int peer_del(int argc, char *argv[])
{
	return peer_request(PTUN_CMD_PEER_DEL, 0, argc, argv);
}

static const struct ptun_subcmd peer_cmds[] = {
	{ "add", peer_add },
	{ "set", peer_set },
	{ "del", peer_del },
};

static int peer_run(int argc, char *argv[])
{
	return ptun_run_subcmd("peer", peer_cmds, ARRAY_SIZE(peer_cmds), argc,
			       argv);
}

const struct ptun_cmd ptun_peer_cmd = {
	.name		= "peer",
	.run		= peer_run,
	.synopsis	=
"ptun peer add DEV ID [endpoint ADDR:PORT] [allowed-ips CIDR[,CIDR...]]\n"
"              [keepalive SECS] [keepalive-timeout SECS] [remote-id R]\n"
"ptun peer set DEV ID [endpoint ADDR:PORT] [allowed-ips CIDR[,CIDR...]]\n"
"              [keepalive SECS] [keepalive-timeout SECS]\n"
"ptun peer del DEV ID\n",
	.summary	= "add, change or remove a peer of a ptun device",
	.details	=
"  ID                 the peer's id on DEV, 1-4294967295\n"
"  endpoint           the peer's address and UDP port: 192.0.2.1:51820 or\n"
"                     [2001:db8::1]:51820\n"
"  allowed-ips        the inner prefixes routed to the peer and accepted from\n"
"                     it, comma-separated (10.0.0.2/32,fd00::/64); host bits\n"
"                     are cleared; \"none\" or \"\" for none. \"peer set\"\n"
"                     replaces the peer's list with this one. More than\n"
"                     1024 prefixes take several requests: if one fails,\n"
"                     the peer keeps those sent before\n"
"  keepalive          seconds between keepalives, 0-3600 (0: off)\n"
"  keepalive-timeout  seconds of silence after which the peer is dead,\n"
"                     0-3600 (0: three keepalive intervals)\n"
"  remote-id          the id the peer's device knows this one by\n"
"                     (default: ID)\n",
};
