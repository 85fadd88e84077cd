// SPDX-License-Identifier: GPL-2.0
/*
 * ptun key add|swap|del: the key slots of a peer. Each sends one request
 * with the device's name and a PTUN_A_DEV_KEYCONF nest. Key material comes
 * only from a key file (or stdin), never from the command line, and every
 * buffer that held it is wiped, the request included.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nl.h"
#include "ptun.h"

/* A key file's text with trailing blanks; more is not a key file. */
#define KEYFILE_MAX	256

const char *const ptun_cipher_names[] = {
	[PTUN_CIPHER_CHACHA20_POLY1305]	= "chacha20-poly1305",
	[PTUN_CIPHER_AES_256_GCM]	= "aes-256-gcm",
	NULL
};

const char *const ptun_slot_names[] = {
	[PTUN_KEY_SLOT_PRIMARY]		= "primary",
	[PTUN_KEY_SLOT_SECONDARY]	= "secondary",
	NULL
};

/* Which half of the key file we send with. */
enum key_role {
	ROLE_INITIATOR,		/* the first */
	ROLE_RESPONDER,		/* the second */
};

static const char *const role_names[] = {
	[ROLE_INITIATOR]	= "initiator",
	[ROLE_RESPONDER]	= "responder",
	NULL
};

/*
 * The options of "key add". "key del" takes only slot, from del_opts:
 * OPT_SLOT comes first so that it has the same index there.
 */
enum key_opt {
	OPT_SLOT,
	OPT_KEY_ID,
	OPT_CIPHER,
	OPT_SOFT_LIMIT,
	OPT_HARD_LIMIT,
	OPT_KEY_FILE,
	OPT_ROLE,
	NR_KEY_OPTS
};

static const struct ptun_opt key_opts[NR_KEY_OPTS] = {
	[OPT_SLOT]	 = {
		.name = "slot", .kind = PTUN_OPT_CHOICE,
		.choices = ptun_slot_names,
		.attr = PTUN_A_KEYCONF_SLOT, .bits = 32,
	},
	[OPT_KEY_ID]	 = {
		.name = "key-id", .required = true, .max = UINT8_MAX,
		.attr = PTUN_A_KEYCONF_KEY_ID, .bits = 8,
	},
	[OPT_CIPHER]	 = {
		.name = "cipher", .kind = PTUN_OPT_CHOICE,
		.choices = ptun_cipher_names,
		.attr = PTUN_A_KEYCONF_CIPHER, .bits = 32,
	},
	[OPT_SOFT_LIMIT] = {
		.name = "soft-limit", .max = UINT64_MAX,
		.attr = PTUN_A_KEYCONF_SOFT_LIMIT, .bits = 64,
	},
	[OPT_HARD_LIMIT] = {
		.name = "hard-limit", .min = 1, .max = UINT64_MAX,
		.attr = PTUN_A_KEYCONF_HARD_LIMIT, .bits = 64,
	},
	[OPT_KEY_FILE]	 = {
		.name = "key-file", .kind = PTUN_OPT_WORD, .required = true,
	},
	[OPT_ROLE]	 = {
		.name = "role", .kind = PTUN_OPT_CHOICE, .required = true,
		.choices = role_names,
	},
};

static const struct ptun_opt del_opts[] = {
	{
		.name = "slot", .kind = PTUN_OPT_CHOICE, .required = true,
		.choices = ptun_slot_names,
		.attr = PTUN_A_KEYCONF_SLOT, .bits = 32,
	},
};

/**
 * struct key_conf - a key command, checked
 * @peer_id: the peer
 * @opts: the options of the command
 * @vals: what the command line gave for each of @opts
 * @nr: number of @opts
 * @has_key: @key holds the key file's bytes
 * @key: the key file's bytes: the initiator's sending key, then the
 *	responder's
 */
struct key_conf {
	uint32_t peer_id;
	const struct ptun_opt *opts;
	struct ptun_optval vals[NR_KEY_OPTS];
	size_t nr;
	bool has_key;
	uint8_t key[PTUN_KEYFILE_LEN];
};

static void key_file_error(const char *path, const char *why)
{
	fputs("ptun: key file ", stderr);
	ptun_print_word(stderr, path);
	fprintf(stderr, ": %s\n", why);
}

/*
 * Read the key file @path ("-": stdin) into @key: base64 of
 * PTUN_KEYFILE_LEN bytes, maybe followed by blanks and newlines. It is
 * read with read(2), so no stdio buffer keeps a copy.
 *
 * Return: 0, or -1 after reporting the error.
 */
static int read_key_file(const char *path, uint8_t *key)
{
	bool is_stdin = !strcmp(path, "-");
	char text[KEYFILE_MAX + 1];
	size_t len = 0;
	int fd, ret = -1;
	ssize_t n;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		key_file_error(path, strerror(errno));
		return -1;
	}
	/* One byte more than a key file may have tells a longer file. */
	while (len < sizeof(text)) {
		n = read(fd, text + len, sizeof(text) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			key_file_error(path, strerror(errno));
			goto out;
		}
		if (!n)
			break;
		len += n;
	}
	if (len > KEYFILE_MAX)
		goto err_format;
	while (len && isspace((unsigned char)text[len - 1]))
		len--;
	if (!ptun_base64_decode(key, PTUN_KEYFILE_LEN, text, len))
		goto err_format;
	ret = 0;
	goto out;

err_format:
	key_file_error(path, "must hold 64 bytes in base64");
out:
	explicit_bzero(text, sizeof(text));
	if (!is_stdin)
		close(fd);
	return ret;
}

/* ptun_nl_put_fn: the PTUN_A_DEV_KEYCONF nest of @arg, a struct key_conf. */
static int put_keyconf(struct nl_msg *msg, const void *arg)
{
	const struct key_conf *conf = arg;
	const uint8_t *tx = conf->key, *rx = conf->key + PTUN_KEY_LEN;
	struct nlattr *nest;

	nest = ptun_nest_start(msg, PTUN_A_DEV_KEYCONF);
	if (!nest)
		goto nla_put_failure;
	NLA_PUT_U32(msg, PTUN_A_KEYCONF_PEER_ID, conf->peer_id);
	if (ptun_nl_put_opts(msg, conf->opts, conf->vals, conf->nr) < 0)
		goto nla_put_failure;
	if (conf->has_key) {
		if (conf->vals[OPT_ROLE].num == ROLE_RESPONDER) {
			tx = conf->key + PTUN_KEY_LEN;
			rx = conf->key;
		}
		NLA_PUT(msg, PTUN_A_KEYCONF_ENCRYPT_KEY, PTUN_KEY_LEN, tx);
		NLA_PUT(msg, PTUN_A_KEYCONF_DECRYPT_KEY, PTUN_KEY_LEN, rx);
	}
	return nla_nest_end(msg, nest);

nla_put_failure:
	return -NLE_NOMEM;
}

/*
 * Give "key add" its defaults and check what the options say together.
 * Return: 0, or -1 after reporting.
 */
static int check_add(struct key_conf *conf)
{
	struct ptun_optval *vals = conf->vals;

	if (!vals[OPT_SLOT].set)
		vals[OPT_SLOT] = (struct ptun_optval){
			.set = true, .num = PTUN_KEY_SLOT_PRIMARY,
		};
	if (!vals[OPT_CIPHER].set)
		vals[OPT_CIPHER] = (struct ptun_optval){
			.set = true, .num = PTUN_CIPHER_CHACHA20_POLY1305,
		};
	if (vals[OPT_SOFT_LIMIT].set && vals[OPT_HARD_LIMIT].set &&
	    vals[OPT_SOFT_LIMIT].num > vals[OPT_HARD_LIMIT].num) {
		ptun_bad_word("soft-limit ", vals[OPT_SOFT_LIMIT].word,
			      " is above hard-limit");
		return -1;
	}
	return 0;
}

/*
 * Parse "DEV ID [option value]..." with @nr @opts (none for swap) and send
 * @cmd. Return: 0, 1 or PTUN_EUSAGE.
 */
static int key_request(uint8_t cmd, const struct ptun_opt *opts, size_t nr,
		       int argc, char *argv[])
{
	struct key_conf conf = { .opts = opts, .nr = nr };
	char what[64];
	const char *dev;
	struct ptun_nl_req req = {
		.cmd = cmd, .put = put_keyconf, .arg = &conf, .what = what,
		.secret = true,
	};
	int ret;

	snprintf(what, sizeof(what), "key %s", argv[0]);
	ret = ptun_parse_peer(what, argc, argv, &dev, &conf.peer_id);
	if (ret)
		return ret;
	if (!nr && argc > 3) {
		ptun_bad_word("unexpected argument ", argv[3], NULL);
		return PTUN_EUSAGE;
	}
	ret = ptun_parse_opts(what, argc - 3, argv + 3, opts, nr, conf.vals);
	if (ret)
		return ret;
	if (cmd == PTUN_CMD_KEY_NEW) {
		if (check_add(&conf))
			return 1;
		if (read_key_file(conf.vals[OPT_KEY_FILE].word, conf.key)) {
			ret = 1;
			goto out;
		}
		conf.has_key = true;
	}

	snprintf(what, sizeof(what), "key %s %s %u", argv[0], dev,
		 conf.peer_id);
	req.dev = dev;
	ret = ptun_nl_request(&req) ? 1 : 0;
out:
	explicit_bzero(conf.key, sizeof(conf.key));
	return ret;
}

static int key_add(int argc, char *argv[])
{
	return key_request(PTUN_CMD_KEY_NEW, key_opts, NR_KEY_OPTS, argc,
			   argv);
}

static int key_swap(int argc, char *argv[])
{
	return key_request(PTUN_CMD_KEY_SWAP, NULL, 0, argc, argv);
}

static int key_del(int argc, char *argv[])
{
	return key_request(PTUN_CMD_KEY_DEL, del_opts, ARRAY_SIZE(del_opts),
			   argc, argv);
}

static const struct ptun_subcmd key_cmds[] = {
	{ "add", key_add },
	{ "swap", key_swap },
	{ "del", key_del },
};

static int key_run(int argc, char *argv[])
{
	return ptun_run_subcmd("key", key_cmds, ARRAY_SIZE(key_cmds), argc,
			       argv);
}

const struct ptun_cmd ptun_key_cmd = {
	.name		= "key",
	.run		= key_run,
	.synopsis	=
"ptun key add DEV ID key-id N key-file FILE role initiator|responder\n"
"             [cipher chacha20-poly1305|aes-256-gcm]\n"
"             [slot primary|secondary]\n"
"             [soft-limit PACKETS] [hard-limit PACKETS]\n"
"ptun key swap DEV ID\n"
"ptun key del DEV ID slot primary|secondary\n",
	.summary	= "install, swap or remove a peer's keys",
	.details	=
"  ID          the peer's id on DEV\n"
"  key-id      the id datagrams sealed with the key carry, 0-255\n"
"  key-file    a file holding 64 bytes in base64 (\"ptun genkey\"); \"-\"\n"
"              reads stdin. Both ends use the same file\n"
"  role        initiator: send with the first 32 bytes, receive with the\n"
"              last 32; responder: the reverse\n"
"  cipher      the AEAD (default: chacha20-poly1305)\n"
"  slot        primary sends and receives, secondary only receives\n"
"              (default: primary)\n"
"  soft-limit  datagrams after which a rekey is asked for\n"
"              (default: 7/8 of hard-limit)\n"
"  hard-limit  datagrams after which the key never sends again\n"
"              (default: 2^60 for chacha20-poly1305, 2^36 for aes-256-gcm)\n"
"\"key swap\" makes the secondary key primary and the primary secondary.\n",
};
