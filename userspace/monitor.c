// SPDX-License-Identifier: GPL-2.0
/*
 * ptun monitor: print the notifications of the family's "events" multicast
 * group, one line each, until interrupted.
 *
 * The printer is driven by two tables. fields[] says where a field comes
 * from (an attribute of the message, of its peer nest or of its keyconf
 * nest), what it is and how it is named; events[] lists, by command id,
 * each notification's name and the fields it prints, in order, and may add
 * a printer of its own for attributes the field table cannot describe. A
 * new notification is one entry of events[]. A notification this tool does
 * not know is printed with its command id ("cmd-42") and its device only:
 * nothing is printed that the tables do not name, so no unknown binary
 * attribute (let alone key material, which the kernel never sends) ends
 * up on the output.
 *
 * Text: "EVENT DEV key value ...", e.g.
 *	endpoint-changed ptun0 peer 1 endpoint 10.1.1.3:6000
 * JSON: one object per line with "event", "ifname", "ifindex" and the
 * fields, named as in the text with '_' for '-'.
 */

#define _GNU_SOURCE		/* ppoll() */

#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <linux/ptun.h>
#include <netlink/genl/ctrl.h>

#include "nl.h"
#include "ptun.h"
#include "show.h"

/* Where a field's attribute is. */
enum mon_nest {
	MON_DEV,		/* the message itself (PTUN_A_DEV_*) */
	MON_PEER,		/* its PTUN_A_DEV_PEER nest */
	MON_KEY,		/* its PTUN_A_DEV_KEYCONF nest */
	MON_SETTINGS,		/* the message, as PTUN_A_SETTINGS_* */
};

/* How a field is printed. */
enum mon_kind {
	MON_NUM,		/* an unsigned number of the attribute's width */
	MON_HEX,		/* the same, in hexadecimal */
	MON_ENUM,		/* a name of .names */
	MON_ENDPOINT,		/* ADDR:PORT from the peer's endpoint attributes */
	MON_PREFIXES,		/* the peer's allowed-ip nests, as a list */
};

enum mon_field {
	F_END,
	F_LISTEN_PORT,
	F_FWMARK,
	F_MTU,
	F_PEER,
	F_REMOTE_ID,
	F_ENDPOINT,
	F_ALLOWED_IPS,
	F_KEEPALIVE,
	F_KEEPALIVE_TIMEOUT,
	F_KEY_PEER,
	F_SLOT,
	F_KEY_ID,
	F_CIPHER,
	F_TX_PACKETS,
	F_SOFT_LIMIT,
	F_HARD_LIMIT,
	F_STATUS,
	F_GENERATION,
	NR_FIELDS
};

/**
 * struct mon_field_desc - a field an event may print
 * @name: its key in the text ("remote-id"); JSON has '_' for '-'
 * @nest: where its attribute is
 * @attr: the attribute, in @nest's attribute set (unused for MON_ENDPOINT
 *	and MON_PREFIXES, which read several)
 * @kind: how it is printed
 * @names: for MON_ENUM, the names of the values, NULL-terminated
 */
struct mon_field_desc {
	const char *name;
	enum mon_nest nest;
	int attr;
	enum mon_kind kind;
	const char *const *names;
};

static const struct mon_field_desc fields[NR_FIELDS] = {
	[F_LISTEN_PORT]	= { "listen-port", MON_DEV, PTUN_A_DEV_LISTEN_PORT,
			    MON_NUM },
	[F_FWMARK]	= { "fwmark", MON_DEV, PTUN_A_DEV_FWMARK, MON_HEX },
	[F_MTU]		= { "mtu", MON_DEV, PTUN_A_DEV_MTU, MON_NUM },
	[F_PEER]	= { "peer", MON_PEER, PTUN_A_PEER_ID, MON_NUM },
	[F_REMOTE_ID]	= { "remote-id", MON_PEER, PTUN_A_PEER_REMOTE_ID,
			    MON_NUM },
	[F_ENDPOINT]	= { "endpoint", MON_PEER, 0, MON_ENDPOINT },
	[F_ALLOWED_IPS]	= { "allowed-ips", MON_PEER, 0, MON_PREFIXES },
	[F_KEEPALIVE]	= { "keepalive", MON_PEER, PTUN_A_PEER_KEEPALIVE,
			    MON_NUM },
	[F_KEEPALIVE_TIMEOUT] = { "keepalive-timeout", MON_PEER,
				  PTUN_A_PEER_KEEPALIVE_TIMEOUT, MON_NUM },
	[F_KEY_PEER]	= { "peer", MON_KEY, PTUN_A_KEYCONF_PEER_ID, MON_NUM },
	[F_SLOT]	= { "slot", MON_KEY, PTUN_A_KEYCONF_SLOT, MON_ENUM,
			    ptun_slot_names },
	[F_KEY_ID]	= { "key-id", MON_KEY, PTUN_A_KEYCONF_KEY_ID, MON_NUM },
	[F_CIPHER]	= { "cipher", MON_KEY, PTUN_A_KEYCONF_CIPHER, MON_ENUM,
			    ptun_cipher_names },
	[F_TX_PACKETS]	= { "tx-packets", MON_KEY, PTUN_A_KEYCONF_TX_PACKETS,
			    MON_NUM },
	[F_SOFT_LIMIT]	= { "soft-limit", MON_KEY, PTUN_A_KEYCONF_SOFT_LIMIT,
			    MON_NUM },
	[F_HARD_LIMIT]	= { "hard-limit", MON_KEY, PTUN_A_KEYCONF_HARD_LIMIT,
			    MON_NUM },
	[F_STATUS]	= { "status", MON_DEV, PTUN_A_DEV_STATUS, MON_ENUM,
			    show_status_names },
	[F_GENERATION]	= { "generation", MON_SETTINGS,
			    PTUN_A_SETTINGS_GENERATION, MON_NUM },
};

/* What a message holds: the top level and the nests fields come from. */
struct mon_msg {
	struct nlattr *dev[PTUN_A_DEV_MAX + 1];
	struct nlattr *peer[PTUN_A_PEER_MAX + 1];
	struct nlattr *key[PTUN_A_KEYCONF_MAX + 1];
	struct nlattr *settings[PTUN_A_SETTINGS_MAX + 1];
};

/* The output of one line: text or JSON. */
struct mon_out {
	bool json;
};

/**
 * struct mon_event - a notification the tool knows
 * @cmd: its PTUN_CMD_*
 * @name: the word printed for it
 * @fields: the fields it prints, in order, ending with F_END; or NULL
 * @print: prints more after the fields, or NULL
 */
struct mon_event {
	uint8_t cmd;
	const char *name;
	const enum mon_field *fields;
	void (*print)(const struct mon_out *out, const struct mon_msg *m);
};

static const enum mon_field dev_fields[] = {
	F_LISTEN_PORT, F_FWMARK, F_MTU, F_END
};

static const enum mon_field peer_new_fields[] = {
	F_PEER, F_REMOTE_ID, F_ENDPOINT, F_ALLOWED_IPS, F_KEEPALIVE,
	F_KEEPALIVE_TIMEOUT, F_END
};

static const enum mon_field peer_id_fields[] = { F_PEER, F_END };

static const enum mon_field peer_ep_fields[] = { F_PEER, F_ENDPOINT, F_END };

static const enum mon_field key_fields[] = {
	F_KEY_PEER, F_SLOT, F_KEY_ID, F_CIPHER, F_TX_PACKETS, F_SOFT_LIMIT,
	F_HARD_LIMIT, F_END
};

static const enum mon_field status_fields[] = { F_STATUS, F_END };

static const enum mon_field settings_fields[] = { F_GENERATION, F_END };

static void print_cleared(const struct mon_out *out, const struct mon_msg *m);

static const struct mon_event events[] = {
	{ PTUN_CMD_DEV_NEW_NTF,		"dev-new",	dev_fields, NULL },
	{ PTUN_CMD_DEV_DEL_NTF,		"dev-del",	NULL, NULL },
	{ PTUN_CMD_DEV_CHANGE_NTF,	"dev-change",	dev_fields, NULL },
	{ PTUN_CMD_PEER_NEW_NTF,	"peer-new",	peer_new_fields, NULL },
	{ PTUN_CMD_PEER_DEL_NTF,	"peer-del",	peer_id_fields, NULL },
	{ PTUN_CMD_ENDPOINT_CHANGED_NTF, "endpoint-changed", peer_ep_fields, NULL },
	{ PTUN_CMD_PEER_DEAD_NTF,	"peer-dead",	peer_ep_fields, NULL },
	{ PTUN_CMD_REKEY_NEEDED_NTF,	"rekey-needed",	key_fields, NULL },
	{ PTUN_CMD_KEY_SWAP_NTF,	"key-swap",	key_fields, NULL },
	{ PTUN_CMD_STATUS_CHANGED_NTF,	"status-changed", status_fields, NULL },
	{ PTUN_CMD_SETTINGS_CHANGED_NTF, "settings-changed", settings_fields,
	  print_cleared },
};

/* settings-changed carries the settings set's attributes, not the dev's. */
static const struct nla_policy settings_policy[PTUN_A_SETTINGS_MAX + 1] = {
	[PTUN_A_SETTINGS_IFINDEX]	= { .type = NLA_U32 },
	[PTUN_A_SETTINGS_IFNAME]	= { .type = NLA_STRING,
					    .maxlen = PTUN_IFNAME_MAX_LEN + 1 },
	[PTUN_A_SETTINGS_GENERATION]	= { .type = NLA_U32 },
	[PTUN_A_SETTINGS_CLEARED]	= { .type = NLA_FLAG },
};


/*
 * What C allows a signal handler to write (checkpatch's volatile rule is
 * about the kernel).
 */
volatile sig_atomic_t ptun_events_stop;

static void on_signal(int sig)
{
	(void)sig;
	ptun_events_stop = 1;
}

/**
 * ptun_events_signals() - let SIGINT and SIGTERM end an event loop
 * @waitmask: set to the mask to give ppoll()
 * @what: starts the error message ("monitor")
 *
 * SIGINT and SIGTERM stay blocked except inside ppoll(), so one that comes
 * between two reads is not lost: ppoll() returns at once with EINTR, and
 * ptun_events_stop is set.
 *
 * Return: 0, or -1 after reporting.
 */
int ptun_events_signals(sigset_t *waitmask, const char *what)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &block, waitmask) < 0 ||
	    sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0) {
		fprintf(stderr, "ptun: %s: cannot handle signals: %s\n",
			what, strerror(errno));
		return -1;
	}
	sigdelset(waitmask, SIGINT);
	sigdelset(waitmask, SIGTERM);
	return 0;
}

/**
 * ptun_events_open() - a socket that receives the "events" group
 * @nl: set to the socket, non-blocking; ptun_nl_close() it
 * @what: starts the error messages ("monitor")
 *
 * Return: 0, or -1 after reporting.
 */
int ptun_events_open(struct ptun_nl *nl, const char *what)
{
	int grp, err;

	if (ptun_nl_open(nl))
		return -1;
	grp = genl_ctrl_resolve_grp(nl->sk, PTUN_FAMILY_NAME,
				    PTUN_MCGRP_EVENTS);
	if (grp < 0) {
		fprintf(stderr,
			"ptun: %s: cannot find the \"%s\" multicast group: %s\n",
			what, PTUN_MCGRP_EVENTS, nl_geterror(grp));
		goto fail;
	}
	err = nl_socket_add_membership(nl->sk, grp);
	if (!err)
		err = nl_socket_set_nonblocking(nl->sk);
	if (err < 0) {
		fprintf(stderr, "ptun: %s: cannot join the \"%s\" group: %s\n",
			what, PTUN_MCGRP_EVENTS, nl_geterror(err));
		goto fail;
	}
	/* Bursts (a device with many peers going away) fit, mostly. */
	(void)nl_socket_set_buffer_size(nl->sk, 1 << 20, 0);
	return 0;
fail:
	ptun_nl_close(nl);
	return -1;
}

/*
 * Print @s as a JSON string. Control characters are escaped; bytes of
 * 0x80 and above become U+FFFD, so every line stays valid JSON whatever
 * bytes a device's name holds.
 */
static void json_string(const char *s)
{
	const unsigned char *c;

	putchar('"');
	for (c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			printf("\\u%04x", *c);
		else if (*c >= 0x80)
			fputs("\\ufffd", stdout);
		else
			putchar(*c);
	}
	putchar('"');
}

/* Print the key of a field: " key " in text, ",\"key\":" in JSON. */
static void out_key(const struct mon_out *out, const char *key)
{
	const char *c;

	if (!out->json) {
		printf(" %s ", key);
		return;
	}
	fputs(",\"", stdout);
	for (c = key; *c; c++)
		putchar(*c == '-' ? '_' : *c);
	fputs("\":", stdout);
}

static void out_num(const struct mon_out *out, const char *key, uint64_t v)
{
	out_key(out, key);
	printf("%" PRIu64, v);
}

/* JSON has no hexadecimal: a number there, 0x... in the text. */
static void out_hex(const struct mon_out *out, const char *key, uint64_t v)
{
	out_key(out, key);
	printf(out->json ? "%" PRIu64 : "0x%" PRIx64, v);
}

/* @s is one word of the tool's own making (a name, an address). */
static void out_str(const struct mon_out *out, const char *key, const char *s)
{
	out_key(out, key);
	if (out->json)
		printf("\"%s\"", s);
	else
		fputs(s, stdout);
}

/* The width of a number attribute comes from its policy. */
static uint64_t attr_num(const struct nlattr *a, const struct nla_policy *p)
{
	struct nlattr *na = (struct nlattr *)a;

	switch (p->type) {
	case NLA_U8:
		return nla_get_u8(na);
	case NLA_U16:
		return nla_get_u16(na);
	case NLA_U32:
		return nla_get_u32(na);
	default:
		return nla_get_u64(na);
	}
}

static void print_endpoint(const struct mon_out *out, const char *key,
			   struct nlattr **tb)
{
	char buf[PTUN_ENDPOINT_STRLEN];
	struct ptun_endpoint ep = { 0 };
	uint32_t v4;

	if (!tb[PTUN_A_PEER_ENDPOINT_PORT])
		return;
	if (tb[PTUN_A_PEER_ENDPOINT_IPV4]) {
		ep.addr.family = AF_INET;
		v4 = nla_get_u32(tb[PTUN_A_PEER_ENDPOINT_IPV4]);
		memcpy(ep.addr.bytes, &v4, sizeof(v4));
	} else if (tb[PTUN_A_PEER_ENDPOINT_IPV6]) {
		ep.addr.family = AF_INET6;
		memcpy(ep.addr.bytes, nla_data(tb[PTUN_A_PEER_ENDPOINT_IPV6]),
		       16);
	} else {
		return;
	}
	ep.port = nla_get_u16(tb[PTUN_A_PEER_ENDPOINT_PORT]);
	ptun_format_endpoint(buf, &ep);
	out_str(out, key, buf);
}

/* One allowed-ip nest as text, or false if it is not a valid prefix. */
static bool format_prefix(char *buf, struct nlattr *nest)
{
	struct nlattr *tb[PTUN_A_ALLOWED_IP_MAX + 1];
	struct ptun_prefix p = { 0 };

	if (nla_parse_nested(tb, PTUN_A_ALLOWED_IP_MAX, nest,
			     ptun_allowed_ip_policy) < 0 ||
	    !tb[PTUN_A_ALLOWED_IP_FAMILY] || !tb[PTUN_A_ALLOWED_IP_ADDR] ||
	    !tb[PTUN_A_ALLOWED_IP_CIDR])
		return false;
	p.addr.family = nla_get_u16(tb[PTUN_A_ALLOWED_IP_FAMILY]);
	if (p.addr.family != AF_INET && p.addr.family != AF_INET6)
		return false;
	if ((size_t)nla_len(tb[PTUN_A_ALLOWED_IP_ADDR]) !=
	    ptun_addr_len(&p.addr))
		return false;
	memcpy(p.addr.bytes, nla_data(tb[PTUN_A_ALLOWED_IP_ADDR]),
	       ptun_addr_len(&p.addr));
	p.cidr = nla_get_u8(tb[PTUN_A_ALLOWED_IP_CIDR]);
	if (p.cidr > 8 * ptun_addr_len(&p.addr))
		return false;
	ptun_format_prefix(buf, &p);
	return true;
}

/* Text: "allowed-ips A,B" (left out if none); JSON: an array, maybe []. */
static void print_prefixes(const struct mon_out *out, const char *key,
			   struct nlattr *peer)
{
	char buf[PTUN_PREFIX_STRLEN];
	bool first = true;
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, peer, rem) {
		if (nla_type(a) != PTUN_A_PEER_ALLOWED_IP ||
		    !format_prefix(buf, a))
			continue;
		if (first)
			out_key(out, key);
		if (out->json)
			printf("%s\"%s\"", first ? "[" : ",", buf);
		else
			printf("%s%s", first ? "" : ",", buf);
		first = false;
	}
	if (!out->json)
		return;
	if (first) {
		out_key(out, key);
		putchar('[');
	}
	putchar(']');
}

/* The name of @v in @names, or NULL if @names is shorter. */
static const char *enum_name(const char *const *names, uint64_t v)
{
	uint64_t i;

	for (i = 0; names && names[i]; i++)
		if (i == v)
			return names[i];
	return NULL;
}

static void print_field(const struct mon_out *out, const struct mon_msg *m,
			struct nlattr *peer_nest, enum mon_field f)
{
	const struct mon_field_desc *d = &fields[f];
	const struct nla_policy *policy;
	struct nlattr *const *tb;
	const char *name;
	uint64_t v;

	switch (d->nest) {
	case MON_PEER:
		tb = m->peer;
		policy = ptun_peer_policy;
		break;
	case MON_KEY:
		tb = m->key;
		policy = ptun_key_policy;
		break;
	case MON_SETTINGS:
		tb = m->settings;
		policy = settings_policy;
		break;
	default:
		tb = m->dev;
		policy = ptun_dev_policy;
		break;
	}
	if (d->kind == MON_ENDPOINT) {
		print_endpoint(out, d->name, (struct nlattr **)tb);
		return;
	}
	if (d->kind == MON_PREFIXES) {
		if (peer_nest)
			print_prefixes(out, d->name, peer_nest);
		return;
	}
	if (!tb[d->attr])
		return;
	v = attr_num(tb[d->attr], &policy[d->attr]);
	switch (d->kind) {
	case MON_HEX:
		out_hex(out, d->name, v);
		break;
	case MON_ENUM:
		/* A value newer than the tool is printed as its number. */
		name = enum_name(d->names, v);
		if (name)
			out_str(out, d->name, name);
		else
			out_num(out, d->name, v);
		break;
	default:
		out_num(out, d->name, v);
		break;
	}
}

/* settings-changed: "cleared" when the settings were removed. */
static void print_cleared(const struct mon_out *out, const struct mon_msg *m)
{
	if (!m->settings[PTUN_A_SETTINGS_CLEARED])
		return;
	if (out->json)
		fputs(",\"cleared\":true", stdout);
	else
		fputs(" cleared", stdout);
}

static const struct mon_event *find_event(uint8_t cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(events); i++)
		if (events[i].cmd == cmd)
			return &events[i];
	return NULL;
}

/**
 * struct mon_state - what the monitor keeps between events
 * @ev: the event loop (first: event_cb() is given it)
 * @out: how to print
 * @left: events still to print before stopping, or 0 for no limit
 */
struct mon_state {
	struct ptun_events ev;
	struct mon_out out;
	uint64_t left;
};

/*
 * One notification, one line. Messages of other kinds than
 * notifications of our family cannot come: the socket only joined our
 * group and sends nothing.
 */
static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *ghdr = nlmsg_data(nlh);
	char name_buf[IF_NAMESIZE] = "";
	struct mon_state *st = arg;
	const struct mon_out *out = &st->out;
	const struct mon_event *ev;
	struct mon_msg m;
	struct nlattr *peer_nest;
	const char *ifname;
	uint32_t ifindex = 0;
	const enum mon_field *f;

	if (st->ev.done || !genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	ev = find_event(ghdr->cmd);
	memset(&m, 0, sizeof(m));
	if (ghdr->cmd == PTUN_CMD_SETTINGS_CHANGED_NTF) {
		/* Its ifindex and ifname have the dev set's numbers. */
		if (genlmsg_parse(nlh, 0, m.settings, PTUN_A_SETTINGS_MAX,
				  settings_policy) < 0)
			memset(m.settings, 0, sizeof(m.settings));
		m.dev[PTUN_A_DEV_IFINDEX] = m.settings[PTUN_A_SETTINGS_IFINDEX];
		m.dev[PTUN_A_DEV_IFNAME] = m.settings[PTUN_A_SETTINGS_IFNAME];
	} else if (genlmsg_parse(nlh, 0, m.dev, PTUN_A_DEV_MAX,
				 ptun_dev_policy) < 0) {
		memset(m.dev, 0, sizeof(m.dev));
	}
	peer_nest = m.dev[PTUN_A_DEV_PEER];
	if (peer_nest &&
	    nla_parse_nested(m.peer, PTUN_A_PEER_MAX, peer_nest,
			     ptun_peer_policy) < 0) {
		memset(m.peer, 0, sizeof(m.peer));
		peer_nest = NULL;
	}
	if (m.dev[PTUN_A_DEV_KEYCONF] &&
	    nla_parse_nested(m.key, PTUN_A_KEYCONF_MAX,
			     m.dev[PTUN_A_DEV_KEYCONF], ptun_key_policy) < 0)
		memset(m.key, 0, sizeof(m.key));

	if (m.dev[PTUN_A_DEV_IFINDEX])
		ifindex = nla_get_u32(m.dev[PTUN_A_DEV_IFINDEX]);
	if (m.dev[PTUN_A_DEV_IFNAME])
		ifname = nla_get_string(m.dev[PTUN_A_DEV_IFNAME]);
	else if (ifindex && if_indextoname(ifindex, name_buf))
		ifname = name_buf;
	else
		ifname = NULL;

	if (out->json) {
		fputs("{\"event\":", stdout);
		if (ev)
			printf("\"%s\"", ev->name);
		else
			printf("\"cmd-%u\",\"cmd\":%u", ghdr->cmd, ghdr->cmd);
		fputs(",\"ifname\":", stdout);
		if (ifname)
			json_string(ifname);
		else
			fputs("null", stdout);
		fputs(",\"ifindex\":", stdout);
		if (ifindex)
			printf("%u", ifindex);
		else
			fputs("null", stdout);
	} else {
		if (ev)
			fputs(ev->name, stdout);
		else
			printf("cmd-%u", ghdr->cmd);
		putchar(' ');
		if (ifname)
			ptun_print_word(stdout, ifname);
		else
			putchar('-');
	}
	for (f = ev ? ev->fields : NULL; f && *f != F_END; f++)
		print_field(out, &m, peer_nest, *f);
	if (ev && ev->print)
		ev->print(out, &m);
	if (out->json)
		putchar('}');
	putchar('\n');

	/* stdout may be a pipe: each event goes out as it comes. */
	if (fflush(stdout) == EOF || ferror(stdout)) {
		fprintf(stderr, "ptun: monitor: cannot write the output: %s\n",
			strerror(errno));
		st->ev.failed = true;
		st->ev.done = true;
		return NL_STOP;
	}
	if (st->left && !--st->left) {
		st->ev.done = true;
		return NL_STOP;
	}
	return NL_OK;
}

static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/**
 * ptun_events_loop() - read events until a signal, the end or an error
 * @nl: from ptun_events_open()
 * @ev: what to do with them; @ev->event is given @ev as its argument
 * @waitmask: from ptun_events_signals()
 *
 * Each notification goes to @ev->event, which sets @ev->done to end the
 * loop (and @ev->failed if it failed). @ev->lost, if set, is called when
 * the socket overflowed and events were dropped; @ev->idle, if set, when
 * nothing is left to read.
 *
 * Return: 0, or 1 if something failed (after reporting).
 */
int ptun_events_loop(struct ptun_nl *nl, struct ptun_events *ev,
		     const sigset_t *waitmask)
{
	struct pollfd pfd = { .fd = nl_socket_get_fd(nl->sk),
			      .events = POLLIN };
	struct nl_cb *cb;
	int ret = 0, err;

	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		fprintf(stderr, "ptun: out of memory\n");
		return 1;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, ev->event, ev);
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);

	while (!ptun_events_stop && !ev->done) {
		if (ppoll(&pfd, 1, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "ptun: %s: poll: %s\n", ev->what,
				strerror(errno));
			ret = 1;
			break;
		}
		err = nl_recvmsgs(nl->sk, cb);
		if (err == -NLE_NOMEM) {
			/* ENOBUFS: the socket overflowed, events were lost. */
			if (ev->lost)
				ev->lost(ev);
		} else if (err < 0 && err != -NLE_AGAIN) {
			fprintf(stderr, "ptun: %s: cannot read events: %s\n",
				ev->what, nl_geterror(err));
			ret = 1;
			break;
		}
		if (ev->idle && !ev->done && poll(&pfd, 1, 0) == 0)
			ev->idle(ev);
	}
	nl_cb_put(cb);
	return ev->failed ? 1 : ret;
}

static void monitor_lost(struct ptun_events *ev)
{
	(void)ev;
	fprintf(stderr, "ptun: monitor: events lost (socket buffer overflow)\n");
}

static int monitor_run(int argc, char *argv[])
{
	struct mon_state st = {
		.ev = { .event = event_cb, .lost = monitor_lost,
			.what = "monitor" },
	};
	bool count_set = false;
	sigset_t waitmask;
	struct ptun_nl nl;
	int i, ret;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			if (st.out.json) {
				ptun_bad_word(NULL, argv[i], " given twice");
				return PTUN_EUSAGE;
			}
			st.out.json = true;
		} else if (!strcmp(argv[i], "--count")) {
			if (count_set) {
				ptun_bad_word(NULL, argv[i], " given twice");
				return PTUN_EUSAGE;
			}
			if (i + 1 >= argc) {
				fprintf(stderr, "ptun: monitor: --count needs a number\n");
				return PTUN_EUSAGE;
			}
			if (!ptun_parse_uint(argv[++i], false, UINT32_MAX,
					     &st.left) || !st.left) {
				ptun_bad_word("invalid --count ", argv[i],
					      " (1 to 4294967295)");
				return 1;
			}
			count_set = true;
		} else {
			ptun_bad_word(argv[i][0] == '-' ? "unknown option " :
				      "unexpected argument ", argv[i], NULL);
			return PTUN_EUSAGE;
		}
	}

	if (ptun_events_signals(&waitmask, "monitor") ||
	    ptun_events_open(&nl, "monitor"))
		return 1;
	ret = ptun_events_loop(&nl, &st.ev, &waitmask);
	ptun_nl_close(&nl);
	return ret;
}

const struct ptun_cmd ptun_monitor_cmd = {
	.name		= "monitor",
	.run		= monitor_run,
	.synopsis	= "ptun monitor [--json] [--count N]\n",
	.summary	= "print the ptun events as they come, one per line",
	.details	=
"  --json     print each event as one JSON object\n"
"  --count N  exit after N events (default: until interrupted)\n"
"Each line is the event, the device and the event's fields, e.g.\n"
"  endpoint-changed ptun0 peer 1 endpoint 10.1.1.3:6000\n"
"SIGINT or SIGTERM ends it with status 0.\n",
};
