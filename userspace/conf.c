// SPDX-License-Identifier: GPL-2.0
/*
 * ptun up|down FILE|NAME and ptun showconf DEV: a tunnel described by an
 * INI file in the spirit of wg-quick (see ptun.conf(5)).
 *
 * "up" reads and checks the whole file first (every error names the file
 * and the line), then runs the tool's own commands in turn, with argument
 * vectors built from the file: "link add", "peer add", "key add",
 * "settings set". So whatever those commands do (the FIB programming of
 * "settings set" included) comes along. If any of them fails, the device
 * "up" created is deleted with "link del", which takes everything under it
 * away: all or nothing.
 *
 * "down" runs "settings clear" (when the device has settings) and "link
 * del". "showconf" prints what the kernel reports in the same format.
 */

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nl.h"
#include "ptun.h"
#include "show.h"

#define CONF_DIR	"/etc/ptun"
#define STDIN_NAME	"(standard input)"
#define CONF_SUFFIX	".conf"
/* A line longer than this is refused (a key file is never inline). */
#define CONF_LINE_MAX	4096
/* A key file's text with trailing blanks, as key.c reads it. */
#define KEYFILE_MAX	256

enum conf_section {
	SEC_INTERFACE,
	SEC_PEER,
};

/* What a value must be. */
enum conf_kind {
	K_NUM,		/* a number from .min to .max (.hex: or 0x...) */
	K_FWMARK,	/* a number, 0x... or "off" */
	K_BOOL,		/* on/off, true/false, yes/no, 1/0 */
	K_CHOICE,	/* one of .choices */
	K_ADDR,		/* an address, no length */
	K_ADDRESS,	/* an address with an optional length (1-max) */
	K_ROUTE,	/* a prefix, host bits zero */
	K_PREFIX,	/* a prefix, host bits cleared by the kernel */
	K_DOMAIN,	/* a domain name */
	K_MATCH,	/* a domain name or "." */
	K_ENDPOINT,	/* ADDR:PORT */
	K_PATH,		/* a key file, read to check it */
};

/* Which command a key's value goes to. */
enum conf_target {
	T_NONE,		/* used by the code itself */
	T_LINK,		/* link add */
	T_SETTINGS,	/* settings set */
	T_PEER,		/* peer add */
	T_KEY,		/* key add */
};

static const char *const role_names[] = { "initiator", "responder", NULL };

/**
 * struct conf_key - a key of the file
 * @name: its name (matched without regard to case)
 * @section: the section it belongs to
 * @kind: what its value must be
 * @list: it takes comma-separated values and may be repeated
 * @hex: a number may be 0x...
 * @min: smallest number
 * @max: largest number
 * @choices: for K_CHOICE
 * @target: the command its value goes to
 * @word: the word of that command
 */
struct conf_key {
	const char *name;
	enum conf_section section;
	enum conf_kind kind;
	bool list;
	bool hex;
	uint64_t min;
	uint64_t max;
	const char *const *choices;
	enum conf_target target;
	const char *word;
};

enum conf_key_idx {
	/* [Interface] */
	C_LISTEN_PORT,
	C_FWMARK,
	C_MTU,
	C_TABLE,
	C_PRIORITY,
	C_ADDRESS,
	C_REMOTE,
	C_INCLUDE,
	C_EXCLUDE,
	C_ENFORCE,
	C_INCLUDE_ALL,
	C_EXCLUDE_LOCAL,
	C_DNS,
	C_SEARCH,
	C_MATCH,
	/* [Peer] */
	C_ID,
	C_REMOTE_ID,
	C_ENDPOINT,
	C_ALLOWED_IPS,
	C_KEEPALIVE,
	C_KEEPALIVE_TIMEOUT,
	C_KEY_FILE,
	C_KEY_ID,
	C_ROLE,
	C_CIPHER,
	NR_CONF_KEYS
};

#define FIRST_PEER_KEY	C_ID

static const struct conf_key conf_keys[NR_CONF_KEYS] = {
	[C_LISTEN_PORT] = { "ListenPort", SEC_INTERFACE, K_NUM,
			    .max = UINT16_MAX, .target = T_LINK,
			    .word = "listen-port" },
	[C_FWMARK] = { "FwMark", SEC_INTERFACE, K_FWMARK, .hex = true,
		       .max = UINT32_MAX, .target = T_LINK, .word = "fwmark" },
	[C_MTU] = { "MTU", SEC_INTERFACE, K_NUM, .min = PTUN_MIN_MTU,
		    .max = 65535, .target = T_SETTINGS, .word = "mtu" },
	[C_TABLE] = { "Table", SEC_INTERFACE, K_NUM, .min = 1,
		      .max = UINT32_MAX, .target = T_SETTINGS,
		      .word = "table" },
	[C_PRIORITY] = { "Priority", SEC_INTERFACE, K_NUM, .min = 1,
			 .max = PTUN_MAX_RULE_PRIORITY, .target = T_SETTINGS,
			 .word = "priority" },
	[C_ADDRESS] = { "Address", SEC_INTERFACE, K_ADDRESS, true,
			.target = T_SETTINGS, .word = "address" },
	[C_REMOTE] = { "Remote", SEC_INTERFACE, K_ADDR, true,
		       .target = T_SETTINGS, .word = "remote" },
	[C_INCLUDE] = { "Include", SEC_INTERFACE, K_ROUTE, true,
			.target = T_SETTINGS, .word = "include" },
	[C_EXCLUDE] = { "Exclude", SEC_INTERFACE, K_ROUTE, true,
			.target = T_SETTINGS, .word = "exclude" },
	[C_ENFORCE] = { "EnforceRoutes", SEC_INTERFACE, K_BOOL,
			.target = T_SETTINGS, .word = "enforce-routes" },
	[C_INCLUDE_ALL] = { "IncludeAllNetworks", SEC_INTERFACE, K_BOOL,
			    .target = T_SETTINGS,
			    .word = "include-all-networks" },
	[C_EXCLUDE_LOCAL] = { "ExcludeLocalNetworks", SEC_INTERFACE, K_BOOL,
			      .target = T_SETTINGS,
			      .word = "exclude-local-networks" },
	[C_DNS] = { "DNS", SEC_INTERFACE, K_ADDR, true, .target = T_SETTINGS,
		    .word = "dns" },
	[C_SEARCH] = { "SearchDomain", SEC_INTERFACE, K_DOMAIN, true,
		       .target = T_SETTINGS, .word = "search-domain" },
	[C_MATCH] = { "MatchDomain", SEC_INTERFACE, K_MATCH, true,
		      .target = T_SETTINGS, .word = "match-domain" },

	[C_ID] = { "Id", SEC_PEER, K_NUM, .min = 1, .max = UINT32_MAX },
	[C_REMOTE_ID] = { "RemoteId", SEC_PEER, K_NUM, .min = 1,
			  .max = UINT32_MAX, .target = T_PEER,
			  .word = "remote-id" },
	[C_ENDPOINT] = { "Endpoint", SEC_PEER, K_ENDPOINT, .target = T_PEER,
			 .word = "endpoint" },
	[C_ALLOWED_IPS] = { "AllowedIPs", SEC_PEER, K_PREFIX, true },
	[C_KEEPALIVE] = { "Keepalive", SEC_PEER, K_NUM,
			  .max = PTUN_MAX_KEEPALIVE, .target = T_PEER,
			  .word = "keepalive" },
	[C_KEEPALIVE_TIMEOUT] = { "KeepaliveTimeout", SEC_PEER, K_NUM,
				  .max = PTUN_MAX_KEEPALIVE, .target = T_PEER,
				  .word = "keepalive-timeout" },
	[C_KEY_FILE] = { "KeyFile", SEC_PEER, K_PATH, .target = T_KEY,
			 .word = "key-file" },
	[C_KEY_ID] = { "KeyId", SEC_PEER, K_NUM, .max = UINT8_MAX,
		       .target = T_KEY, .word = "key-id" },
	[C_ROLE] = { "Role", SEC_PEER, K_CHOICE, .choices = role_names,
		     .target = T_KEY, .word = "role" },
	[C_CIPHER] = { "Cipher", SEC_PEER, K_CHOICE,
		       .choices = ptun_cipher_names, .target = T_KEY,
		       .word = "cipher" },
};

/**
 * struct conf_vals - the values of one section
 * @line: the line of the section's header
 * @line_of: the line each key was given at first, 0 if not given
 * @val: each key's values, checked and normalized
 * @nr: how many values each key has
 */
struct conf_vals {
	int line;
	int line_of[NR_CONF_KEYS];
	char **val[NR_CONF_KEYS];
	size_t nr[NR_CONF_KEYS];
};

/**
 * struct conf - a file, checked
 * @path: its path
 * @dir: the directory relative key file paths start from
 * @iface: its [Interface] section
 * @has_iface: it had one
 * @peers: its [Peer] sections
 * @nr_peers: their number
 */
struct conf {
	const char *path;
	char *dir;
	struct conf_vals iface;
	bool has_iface;
	struct conf_vals *peers;
	size_t nr_peers;
};

static void vals_free(struct conf_vals *v)
{
	size_t k, i;

	for (k = 0; k < NR_CONF_KEYS; k++) {
		for (i = 0; i < v->nr[k]; i++)
			free(v->val[k][i]);
		free(v->val[k]);
	}
}

static void conf_free(struct conf *conf)
{
	size_t i;

	vals_free(&conf->iface);
	for (i = 0; i < conf->nr_peers; i++)
		vals_free(&conf->peers[i]);
	free(conf->peers);
	free(conf->dir);
}

/* Report "FILE:LINE: reason" (no line for @line 0). Return: -1. */
static int __attribute__((format(printf, 3, 4)))
conf_error(const struct conf *conf, int line, const char *fmt, ...)
{
	va_list ap;

	ptun_print_word(stderr, conf->path);
	if (line)
		fprintf(stderr, ":%d", line);
	fputs(": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* Cut the blanks off both ends of @s. */
static char *trim(char *s)
{
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return s;
}

/* The checks of the kernel (module/netlink-settings.c), for a line number. */
static bool domain_valid(const char *d, bool root_ok)
{
	size_t i, label = 0, len = strlen(d);

	if (root_ok && !strcmp(d, "."))
		return true;
	if (len > PTUN_MAX_DOMAIN_LEN)
		return false;
	if (len && d[len - 1] == '.')
		len--;
	if (!len)
		return false;
	for (i = 0; i <= len; i++) {
		if (i == len || d[i] == '.') {
			if (!label || label > 63 || d[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)d[i]) && d[i] != '-' && d[i] != '_')
			return false;
		if (!label && d[i] == '-')
			return false;
		label++;
	}
	return true;
}

/*
 * Whether the key file @path holds 64 bytes in base64 (what "key add"
 * will read). Sets errno, or 0 for a file of the wrong format.
 */
static bool key_file_ok(const char *path)
{
	char text[KEYFILE_MAX + 1];
	uint8_t key[PTUN_KEYFILE_LEN];
	size_t len = 0;
	bool ok = false;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (len < sizeof(text)) {
		n = read(fd, text + len, sizeof(text) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	if (n >= 0) {
		errno = 0;
		while (len && isspace((unsigned char)text[len - 1]))
			len--;
		ok = len <= KEYFILE_MAX &&
		     ptun_base64_decode(key, sizeof(key), text, len);
	}
	explicit_bzero(text, sizeof(text));
	explicit_bzero(key, sizeof(key));
	close(fd);
	return ok;
}

/*
 * Check the value @s of key @k at @line, and return it normalized in a
 * new string (*@out), or report and return -1.
 */
static int check_value(const struct conf *conf, int line,
		       const struct conf_key *k, const char *s, char **out)
{
	static const char *const yes[] = { "on", "true", "yes", "1", NULL };
	static const char *const no[] = { "off", "false", "no", "0", NULL };
	const char *slash = strchr(s, '/');
	struct ptun_endpoint ep;
	struct ptun_prefix prefix;
	struct ptun_addr addr;
	unsigned int max, i;
	uint64_t num;
	char *p;

	*out = NULL;
	switch (k->kind) {
	case K_FWMARK:
		if (!strcasecmp(s, "off")) {
			s = "0";
			break;
		}
		/* fall through */
	case K_NUM:
		if (!ptun_parse_uint(s, k->hex, k->max, &num) || num < k->min)
			return conf_error(conf, line,
					  "%s must be a number from %llu to %llu%s, not \"%s\"",
					  k->name, (unsigned long long)k->min,
					  (unsigned long long)k->max,
					  k->kind == K_FWMARK ? " or off" : "",
					  s);
		break;
	case K_BOOL:
		for (i = 0; yes[i]; i++) {
			if (!strcasecmp(s, yes[i])) {
				s = "on";
				break;
			}
			if (!strcasecmp(s, no[i])) {
				s = "off";
				break;
			}
		}
		if (!yes[i])
			return conf_error(conf, line,
					  "%s must be on or off, not \"%s\"",
					  k->name, s);
		break;
	case K_CHOICE:
		for (i = 0; k->choices[i]; i++)
			if (!strcmp(s, k->choices[i]))
				break;
		if (!k->choices[i])
			return conf_error(conf, line,
					  "%s must be %s or %s, not \"%s\"",
					  k->name, k->choices[0],
					  k->choices[1], s);
		break;
	case K_ADDR:
		if (slash || !ptun_parse_addr(s, strlen(s), &addr))
			return conf_error(conf, line,
					  "%s: \"%s\" is not an IPv4 or IPv6 address",
					  k->name, s);
		break;
	case K_ADDRESS:
	case K_ROUTE:
		if (!ptun_parse_addr(s, slash ? (size_t)(slash - s) : strlen(s),
				     &addr))
			return conf_error(conf, line,
					  "%s: \"%s\" is not an IPv4 or IPv6 %s",
					  k->name, s, k->kind == K_ROUTE ?
					  "prefix" : "address");
		max = ptun_addr_len(&addr) * 8;
		num = max;
		if (slash && !ptun_parse_uint(slash + 1, false, max, &num))
			return conf_error(conf, line,
					  "%s: \"%s\": the prefix length must be 0-%u",
					  k->name, s, max);
		if (k->kind == K_ADDRESS) {
			if (!num)
				return conf_error(conf, line,
						  "%s: \"%s\": the prefix length must be at least 1",
						  k->name, s);
			break;
		}
		for (i = num / 8; i < max / 8; i++) {
			uint8_t host = i == num / 8 ? 0xff >> (num % 8) : 0xff;

			if (addr.bytes[i] & host)
				return conf_error(conf, line,
						  "%s: \"%s\" has host bits set beyond the prefix length",
						  k->name, s);
		}
		break;
	case K_PREFIX:
		if (!ptun_parse_prefix(s, &prefix))
			return conf_error(conf, line,
					  "%s: \"%s\" is not an IPv4 or IPv6 prefix",
					  k->name, s);
		break;
	case K_DOMAIN:
	case K_MATCH:
		if (!domain_valid(s, k->kind == K_MATCH))
			return conf_error(conf, line,
					  "%s: \"%s\" is not a domain name (labels of 1-63 letters, digits, '-' or '_' joined by dots%s)",
					  k->name, s, k->kind == K_MATCH ?
					  ", or \".\"" : "");
		break;
	case K_ENDPOINT:
		if (!ptun_parse_endpoint(s, &ep))
			return conf_error(conf, line,
					  "%s: \"%s\" is not IPV4:PORT or [IPV6]:PORT",
					  k->name, s);
		break;
	case K_PATH:
		if (!*s)
			return conf_error(conf, line, "%s is empty", k->name);
		if (*s != '/' && conf->dir) {
			p = malloc(strlen(conf->dir) + strlen(s) + 2);
			if (!p)
				goto err_nomem;
			sprintf(p, "%s/%s", conf->dir, s);
		} else {
			p = strdup(s);
			if (!p)
				goto err_nomem;
		}
		if (!key_file_ok(p)) {
			int err = errno;

			conf_error(conf, line, "KeyFile \"%s\": %s", p,
				   err ? strerror(err) :
				   "must hold 64 bytes in base64 (ptun genkey)");
			free(p);
			return -1;
		}
		*out = p;
		return 0;
	}
	*out = strdup(s);
	if (*out)
		return 0;
err_nomem:
	fprintf(stderr, "ptun: out of memory\n");
	return -1;
}

/* Add the value @s of key @k (index @ki) given at @line to @v. */
static int add_value(const struct conf *conf, struct conf_vals *v, int line,
		     size_t ki, const char *s)
{
	const struct conf_key *k = &conf_keys[ki];
	char **arr;
	char *val;

	size_t i;

	if (check_value(conf, line, k, s, &val))
		return -1;
	/* A settings list names each element once (as settings set wants). */
	for (i = 0; k->target == T_SETTINGS && k->list && i < v->nr[ki]; i++)
		if (!strcasecmp(v->val[ki][i], val)) {
			free(val);
			return conf_error(conf, line, "%s: \"%s\" is given twice",
					  k->name, s);
		}
	arr = reallocarray(v->val[ki], v->nr[ki] + 1, sizeof(*arr));
	if (!arr) {
		free(val);
		fprintf(stderr, "ptun: out of memory\n");
		return -1;
	}
	arr[v->nr[ki]++] = val;
	v->val[ki] = arr;
	return 0;
}

/* A line "Key = value" of section @v. */
static int parse_key_line(struct conf *conf, struct conf_vals *v,
			  enum conf_section sec, int line, char *text)
{
	char *eq = strchr(text, '=');
	char *name, *value, *item, *next;
	size_t ki;

	if (!eq)
		return conf_error(conf, line,
				  "expected \"Key = value\" or a [Section]");
	*eq = '\0';
	name = trim(text);
	value = trim(eq + 1);
	for (ki = 0; ki < NR_CONF_KEYS; ki++)
		if (!strcasecmp(name, conf_keys[ki].name))
			break;
	if (ki == NR_CONF_KEYS)
		return conf_error(conf, line, "unknown key \"%s\"", name);
	if (conf_keys[ki].section != sec)
		return conf_error(conf, line, "%s belongs in [%s], not [%s]",
				  conf_keys[ki].name,
				  sec == SEC_PEER ? "Interface" : "Peer",
				  sec == SEC_PEER ? "Peer" : "Interface");
	if (!conf_keys[ki].list) {
		if (v->line_of[ki])
			return conf_error(conf, line,
					  "%s given twice (first at line %d)",
					  conf_keys[ki].name, v->line_of[ki]);
		v->line_of[ki] = line;
		return add_value(conf, v, line, ki, value);
	}
	if (!v->line_of[ki])
		v->line_of[ki] = line;
	if (!*value)
		return conf_error(conf, line, "%s is empty", conf_keys[ki].name);
	for (item = value; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		item = trim(item);
		if (!*item)
			return conf_error(conf, line,
					  "%s: empty item in the list",
					  conf_keys[ki].name);
		if (add_value(conf, v, line, ki, item))
			return -1;
	}
	return 0;
}

/* What a [Peer] must say as a whole. */
static int check_peer(struct conf *conf, size_t n)
{
	const struct conf_vals *p = &conf->peers[n];
	size_t i;

	if (!p->nr[C_ID])
		return conf_error(conf, p->line, "[Peer] without Id");
	for (i = 0; i < n; i++)
		if (!strcmp(conf->peers[i].val[C_ID][0], p->val[C_ID][0]))
			return conf_error(conf, p->line_of[C_ID],
					  "peer Id %s given twice (first at line %d)",
					  p->val[C_ID][0],
					  conf->peers[i].line_of[C_ID]);
	if (!p->nr[C_KEY_FILE]) {
		for (i = C_KEY_ID; i <= C_CIPHER; i++)
			if (p->nr[i])
				return conf_error(conf, p->line_of[i],
						  "%s without KeyFile",
						  conf_keys[i].name);
		return 0;
	}
	if (!p->nr[C_ROLE])
		return conf_error(conf, p->line_of[C_KEY_FILE],
				  "KeyFile without Role (initiator or responder)");
	return 0;
}

/* Read and check @conf->path (which @f is open on). Return: 0 or -1. */
static int parse_file(struct conf *conf, FILE *f)
{
	enum conf_section sec = SEC_INTERFACE;
	struct conf_vals *v = NULL, *peers;
	char *buf = NULL, *text, *hash;
	size_t cap = 0;
	ssize_t len;
	int line = 0, ret = -1;

	while ((len = getline(&buf, &cap, f)) >= 0) {
		line++;
		if (len > CONF_LINE_MAX) {
			conf_error(conf, line, "line too long");
			goto out;
		}
		if ((size_t)len != strlen(buf)) {
			conf_error(conf, line, "NUL character in the line");
			goto out;
		}
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		text = trim(buf);
		if (!*text)
			continue;
		if (*text == '[') {
			if (v && sec == SEC_PEER &&
			    check_peer(conf, conf->nr_peers - 1))
				goto out;
			if (!strcasecmp(text, "[Interface]")) {
				if (conf->has_iface) {
					conf_error(conf, line,
						   "second [Interface] (the first is at line %d)",
						   conf->iface.line);
					goto out;
				}
				conf->has_iface = true;
				sec = SEC_INTERFACE;
				v = &conf->iface;
			} else if (!strcasecmp(text, "[Peer]")) {
				peers = reallocarray(conf->peers,
						     conf->nr_peers + 1,
						     sizeof(*peers));
				if (!peers) {
					fprintf(stderr, "ptun: out of memory\n");
					goto out;
				}
				conf->peers = peers;
				v = &peers[conf->nr_peers++];
				memset(v, 0, sizeof(*v));
				sec = SEC_PEER;
			} else {
				conf_error(conf, line,
					   "unknown section %s (expected [Interface] or [Peer])",
					   text);
				goto out;
			}
			v->line = line;
			continue;
		}
		if (!v) {
			conf_error(conf, line,
				   "a key before the first [Interface] or [Peer]");
			goto out;
		}
		if (parse_key_line(conf, v, sec, line, text))
			goto out;
	}
	if (ferror(f)) {
		conf_error(conf, 0, "%s", strerror(errno));
		goto out;
	}
	if (v && sec == SEC_PEER && check_peer(conf, conf->nr_peers - 1))
		goto out;
	if (!conf->has_iface) {
		conf_error(conf, 0, "no [Interface] section");
		goto out;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

/*
 * From FILE|NAME to a file path and a device name: a word with a '/' or
 * ending in ".conf" is a path, whose base name without ".conf" is the
 * device's; anything else is a NAME, read from /etc/ptun/NAME.conf.
 * Return: 0, or 1 after reporting.
 */
static int resolve(const char *what, const char *arg, char **path,
		   char *dev)
{
	size_t slen = strlen(CONF_SUFFIX);
	const char *base;
	size_t len;

	len = strlen(arg);
	if (strchr(arg, '/') || (len > slen &&
				 !strcmp(arg + len - slen, CONF_SUFFIX))) {
		base = strrchr(arg, '/');
		base = base ? base + 1 : arg;
		len = strlen(base);
		if (len > slen && !strcmp(base + len - slen, CONF_SUFFIX))
			len -= slen;
		*path = strdup(arg);
	} else {
		base = arg;
		*path = malloc(sizeof(CONF_DIR "/" CONF_SUFFIX) + len);
		if (*path)
			sprintf(*path, "%s/%s%s", CONF_DIR, arg, CONF_SUFFIX);
	}
	if (!*path) {
		fprintf(stderr, "ptun: out of memory\n");
		return 1;
	}
	if (len > PTUN_IFNAME_MAX_LEN || (memcpy(dev, base, len), dev[len] = '\0',
					  !ptun_valid_ifname(dev))) {
		fprintf(stderr, "ptun: %s: ", what);
		ptun_print_word(stderr, arg);
		fprintf(stderr,
			": the file's name without .conf is the device's: 1-%d characters, no ':' or whitespace\n",
			PTUN_IFNAME_MAX_LEN);
		free(*path);
		return 1;
	}
	return 0;
}

/* An argument vector for one of the tool's commands, NULL-terminated. */
struct cmd_args {
	char **v;
	int n;
	int cap;
};

static int args_push(struct cmd_args *a, const char *word)
{
	char **v;

	if (a->n + 2 > a->cap) {
		v = reallocarray(a->v, a->cap ? 2 * a->cap : 32, sizeof(*v));
		if (!v) {
			fprintf(stderr, "ptun: out of memory\n");
			return -1;
		}
		a->v = v;
		a->cap = a->cap ? 2 * a->cap : 32;
	}
	/* The commands do not change their words: the cast is safe. */
	a->v[a->n++] = (char *)word;
	a->v[a->n] = NULL;
	return 0;
}

/* Push "word value" for every value of every key of @v going to @target. */
static int args_push_keys(struct cmd_args *a, const struct conf_vals *v,
			  enum conf_target target)
{
	size_t k, i;

	for (k = 0; k < NR_CONF_KEYS; k++) {
		if (conf_keys[k].target != target)
			continue;
		for (i = 0; i < v->nr[k]; i++)
			if (args_push(a, conf_keys[k].word) ||
			    args_push(a, v->val[k][i]))
				return -1;
	}
	return 0;
}

/* Run @cmd with the words of @a. Return: 0, or 1 (reported). */
static int args_run(const struct ptun_cmd *cmd, struct cmd_args *a)
{
	int ret = cmd->run(a->n, a->v) ? 1 : 0;

	a->n = 0;
	return ret;
}

/*
 * Read and check FILE|NAME, or standard input when @arg is "-" (the device
 * is then @name). Return: 0, or 1 after reporting.
 */
static int conf_load(const char *what, const char *arg, const char *name,
		     struct conf *conf, char *dev)
{
	char *path, *slash;
	FILE *f;
	int ret;

	memset(conf, 0, sizeof(*conf));
	if (!strcmp(arg, "-")) {
		if (!ptun_valid_ifname(name)) {
			ptun_bad_word("invalid device name ", name, NULL);
			return 1;
		}
		strcpy(dev, name);
		/* Relative KeyFile paths are taken from the working directory. */
		conf->path = strdup(STDIN_NAME);
		if (!conf->path) {
			fprintf(stderr, "ptun: out of memory\n");
			return 1;
		}
		ret = parse_file(conf, stdin) ? 1 : 0;
		if (ret) {
			conf_free(conf);
			free((char *)conf->path);
		}
		return ret;
	}
	if (resolve(what, arg, &path, dev))
		return 1;
	conf->path = path;
	slash = strrchr(path, '/');
	conf->dir = slash ? strndup(path, slash - path ?: 1) : NULL;
	if (slash && !conf->dir) {
		fprintf(stderr, "ptun: out of memory\n");
		free(path);
		return 1;
	}
	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "ptun: %s: ", what);
		ptun_print_word(stderr, path);
		fprintf(stderr, ": %s\n", strerror(errno));
		conf_free(conf);
		free(path);
		return 1;
	}
	ret = parse_file(conf, f) ? 1 : 0;
	fclose(f);
	if (ret) {
		conf_free(conf);
		free(path);
	}
	return ret;
}

/* Bring @dev up (IFF_UP), as "ip link set DEV up". */
static int link_up(const char *dev)
{
	struct ifreq ifr = { 0 };
	int fd, ret = -1;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto out;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		goto out;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		goto out;
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "ptun: up: cannot bring %s up: %s\n", dev,
			strerror(errno));
	if (fd >= 0)
		close(fd);
	return ret;
}

static bool has_settings(const struct conf *conf)
{
	size_t k;

	for (k = 0; k < FIRST_PEER_KEY; k++)
		if (conf_keys[k].target == T_SETTINGS && conf->iface.nr[k])
			return true;
	return false;
}

/* Everything after "link add": the device exists. Return: 0 or 1. */
static int up_configure(const struct conf *conf, const char *dev,
			struct cmd_args *a)
{
	const struct conf_vals *p;
	size_t i, j, len;
	char *ips;
	int ret;

	if (link_up(dev))
		return 1;
	for (i = 0; i < conf->nr_peers; i++) {
		p = &conf->peers[i];
		if (args_push(a, "peer") || args_push(a, "add") ||
		    args_push(a, dev) || args_push(a, p->val[C_ID][0]) ||
		    args_push_keys(a, p, T_PEER))
			return 1;
		ips = NULL;
		if (p->nr[C_ALLOWED_IPS]) {
			for (j = 0, len = 0; j < p->nr[C_ALLOWED_IPS]; j++)
				len += strlen(p->val[C_ALLOWED_IPS][j]) + 1;
			ips = malloc(len);
			if (!ips) {
				fprintf(stderr, "ptun: out of memory\n");
				return 1;
			}
			ips[0] = '\0';
			for (j = 0; j < p->nr[C_ALLOWED_IPS]; j++) {
				if (j)
					strcat(ips, ",");
				strcat(ips, p->val[C_ALLOWED_IPS][j]);
			}
			if (args_push(a, "allowed-ips") || args_push(a, ips)) {
				free(ips);
				return 1;
			}
		}
		ret = args_run(&ptun_peer_cmd, a);
		free(ips);
		if (ret)
			return 1;
		if (!p->nr[C_KEY_FILE])
			continue;
		if (args_push(a, "key") || args_push(a, "add") ||
		    args_push(a, dev) || args_push(a, p->val[C_ID][0]) ||
		    args_push_keys(a, p, T_KEY) ||
		    /* KeyId defaults to 0; "key add" wants it said. */
		    (!p->nr[C_KEY_ID] &&
		     (args_push(a, "key-id") || args_push(a, "0"))) ||
		    args_run(&ptun_key_cmd, a))
			return 1;
	}
	if (!has_settings(conf))
		return 0;
	if (args_push(a, "settings") || args_push(a, "set") ||
	    args_push(a, dev) || args_push_keys(a, &conf->iface, T_SETTINGS))
		return 1;
	return args_run(&ptun_settings_cmd, a);
}

static int up_run(int argc, char *argv[])
{
	char dev[PTUN_IFNAME_MAX_LEN + 1];
	struct cmd_args a = { 0 };
	struct conf conf;
	int ret;

	if (argc < 2) {
		fprintf(stderr, "ptun: up: missing FILE, NAME or -\n");
		return PTUN_EUSAGE;
	}
	if (!strcmp(argv[1], "-") && argc != 3) {
		if (argc < 3)
			fprintf(stderr, "ptun: up: - (standard input) needs the device's name: ptun up - DEV\n");
		else
			ptun_bad_word("unexpected argument ", argv[3], NULL);
		return PTUN_EUSAGE;
	}
	if (strcmp(argv[1], "-") && argc != 2) {
		ptun_bad_word("unexpected argument ", argv[2], NULL);
		return PTUN_EUSAGE;
	}
	if (conf_load("up", argv[1], argv[2], &conf, dev))
		return 1;
	ret = 1;
	if (if_nametoindex(dev)) {
		fprintf(stderr, "ptun: up: device %s already exists\n", dev);
		goto out;
	}
	if (args_push(&a, "link") || args_push(&a, "add") ||
	    args_push(&a, dev) || args_push_keys(&a, &conf.iface, T_LINK) ||
	    args_run(&ptun_link_cmd, &a))
		goto out;
	ret = up_configure(&conf, dev, &a);
	if (ret) {
		/* All or nothing: the device goes, with all under it. */
		a.n = 0;
		if (!args_push(&a, "link") && !args_push(&a, "del") &&
		    !args_push(&a, dev))
			args_run(&ptun_link_cmd, &a);
	}
out:
	free(a.v);
	free((char *)conf.path);
	conf_free(&conf);
	return ret;
}

static int down_run(int argc, char *argv[])
{
	char dev[PTUN_IFNAME_MAX_LEN + 1];
	struct show_list list = { 0 };
	struct cmd_args a = { 0 };
	struct ptun_nl nl;
	char what[32];
	bool settings;
	char *path;
	int ret = 1;

	if (argc != 2) {
		if (argc < 2)
			fprintf(stderr, "ptun: down: missing FILE or NAME\n");
		else
			ptun_bad_word("unexpected argument ", argv[2], NULL);
		return PTUN_EUSAGE;
	}
	if (resolve("down", argv[1], &path, dev))
		return 1;
	free(path);
	if (!if_nametoindex(dev)) {
		fprintf(stderr, "ptun: down: no device %s\n", dev);
		return 1;
	}
	if (ptun_nl_open(&nl))
		return 1;
	snprintf(what, sizeof(what), "down %s", dev);
	ret = show_collect(&nl, dev, &list, what);
	ptun_nl_close(&nl);
	if (ret)
		goto out;
	settings = list.len && list.devs[0].settings;
	ret = 1;
	if (settings &&
	    (args_push(&a, "settings") || args_push(&a, "clear") ||
	     args_push(&a, dev) || args_run(&ptun_settings_cmd, &a)))
		goto out;
	if (args_push(&a, "link") || args_push(&a, "del") ||
	    args_push(&a, dev) || args_run(&ptun_link_cmd, &a))
		goto out;
	ret = 0;
out:
	free(a.v);
	show_free(&list);
	return ret;
}

/* "Key = a, b, c" for a list of @nr things printed by @fmt, or nothing. */
static void print_addrs(const char *key, const struct ptun_addr *addrs,
			size_t nr)
{
	char buf[INET6_ADDRSTRLEN];
	size_t i;

	if (!nr)
		return;
	printf("%s = ", key);
	for (i = 0; i < nr; i++)
		printf("%s%s", i ? ", " : "", ptun_format_addr(buf, &addrs[i]));
	putchar('\n');
}

static void print_prefixes(const char *key, const struct ptun_prefix *p,
			   size_t nr)
{
	char buf[PTUN_PREFIX_STRLEN];
	size_t i;

	if (!nr)
		return;
	printf("%s = ", key);
	for (i = 0; i < nr; i++) {
		ptun_format_prefix(buf, &p[i]);
		printf("%s%s", i ? ", " : "", buf);
	}
	putchar('\n');
}

static void print_domains(const char *key, char *const *d, size_t nr)
{
	size_t i;

	if (!nr)
		return;
	printf("%s = ", key);
	for (i = 0; i < nr; i++)
		printf("%s%s", i ? ", " : "", d[i]);
	putchar('\n');
}

static void print_key(const struct show_key *key)
{
	const char *cipher = show_enum_name(ptun_cipher_names,
					    key->num[PTUN_A_KEYCONF_CIPHER]);
	bool secondary = key->num[PTUN_A_KEYCONF_SLOT] ==
			 PTUN_KEY_SLOT_SECONDARY;

	if (secondary) {
		printf("# A secondary key (KeyId %llu, %s) is installed: a file installs\n"
		       "# only the primary one (ptun key add ... slot secondary).\n",
		       (unsigned long long)key->num[PTUN_A_KEYCONF_KEY_ID],
		       cipher ?: "unknown cipher");
		return;
	}
	printf("# The kernel gives back neither the key file nor the role of the\n"
	       "# installed key: fill them in and uncomment these lines to install it.\n"
	       "# KeyFile = FILE\n"
	       "# Role = initiator|responder\n"
	       "# KeyId = %llu\n",
	       (unsigned long long)key->num[PTUN_A_KEYCONF_KEY_ID]);
	if (cipher)
		printf("# Cipher = %s\n", cipher);
}

static void print_conf(const struct show_dev *dev)
{
	const struct show_settings *s = dev->settings;
	char buf[PTUN_ENDPOINT_STRLEN];
	const struct show_peer *p;
	size_t i, j;

	printf("# ptun showconf %s\n", dev->ifname);
	printf("[Interface]\n");
	printf("ListenPort = %u\n", dev->listen_port);
	if (dev->fwmark)
		printf("FwMark = 0x%x\n", dev->fwmark);
	if (s) {
		/* Always printed: they make "up" set the settings. */
		printf("Table = %u\n", s->table);
		printf("Priority = %u\n", s->priority);
		if (s->has_mtu)
			printf("MTU = %u\n", s->mtu);
		print_prefixes("Address", s->addresses, s->nr_addresses);
		print_addrs("Remote", s->remote, s->nr_remote);
		print_prefixes("Include", s->include, s->nr_include);
		print_prefixes("Exclude", s->exclude, s->nr_exclude);
		printf("EnforceRoutes = %s\n", s->enforce_routes ? "on" : "off");
		printf("IncludeAllNetworks = %s\n",
		       s->include_all_networks ? "on" : "off");
		printf("ExcludeLocalNetworks = %s\n",
		       s->exclude_local_networks ? "on" : "off");
		print_addrs("DNS", s->dns, s->nr_dns);
		print_domains("SearchDomain", s->search, s->nr_search);
		print_domains("MatchDomain", s->match, s->nr_match);
	}
	for (i = 0; i < dev->nr_peers; i++) {
		p = &dev->peers[i];
		printf("\n[Peer]\n");
		printf("Id = %llu\n",
		       (unsigned long long)p->num[PTUN_A_PEER_ID]);
		if (show_has(p->has, PTUN_A_PEER_REMOTE_ID) &&
		    p->num[PTUN_A_PEER_REMOTE_ID] != p->num[PTUN_A_PEER_ID])
			printf("RemoteId = %llu\n",
			       (unsigned long long)p->num[PTUN_A_PEER_REMOTE_ID]);
		if (p->has_endpoint) {
			ptun_format_endpoint(buf, &p->endpoint);
			printf("Endpoint = %s\n", buf);
		}
		print_prefixes("AllowedIPs", p->ips, p->nr_ips);
		if (p->num[PTUN_A_PEER_KEEPALIVE])
			printf("Keepalive = %llu\n",
			       (unsigned long long)p->num[PTUN_A_PEER_KEEPALIVE]);
		if (p->num[PTUN_A_PEER_KEEPALIVE_TIMEOUT])
			printf("KeepaliveTimeout = %llu\n",
			       (unsigned long long)p->num[PTUN_A_PEER_KEEPALIVE_TIMEOUT]);
		for (j = 0; j < p->nr_keys; j++)
			print_key(&p->keys[j]);
	}
}

static int showconf_run(int argc, char *argv[])
{
	struct show_list list = { 0 };
	struct ptun_nl nl;
	char what[32];
	int ret;

	if (argc != 2) {
		if (argc < 2)
			fprintf(stderr, "ptun: showconf: missing DEV\n");
		else
			ptun_bad_word("unexpected argument ", argv[2], NULL);
		return PTUN_EUSAGE;
	}
	if (!ptun_valid_ifname(argv[1])) {
		ptun_bad_word("invalid device name ", argv[1], NULL);
		return 1;
	}
	if (ptun_nl_open(&nl))
		return 1;
	snprintf(what, sizeof(what), "showconf %s", argv[1]);
	ret = show_collect(&nl, argv[1], &list, what);
	ptun_nl_close(&nl);
	if (!ret && list.len == 1)
		print_conf(&list.devs[0]);
	show_free(&list);
	return ret ? 1 : 0;
}

const struct ptun_cmd ptun_up_cmd = {
	.name		= "up",
	.run		= up_run,
	.synopsis	= "ptun up FILE|NAME\n"
			  "ptun up - DEV\n",
	.summary	= "create a tunnel from a configuration file",
	.details	=
"  FILE  a configuration file (ptun.conf(5)); the device is named after\n"
"        its base name without \".conf\" (wg0.conf: wg0)\n"
"  NAME  stands for /etc/ptun/NAME.conf\n"
"  -     the file comes on standard input and the device is DEV\n"
"        (ptun showconf wg0 | ssh host ptun up - wg0)\n"
"The whole file is checked before anything changes; if a step fails, the\n"
"device is deleted again: all or nothing.\n",
};

const struct ptun_cmd ptun_down_cmd = {
	.name		= "down",
	.run		= down_run,
	.synopsis	= "ptun down FILE|NAME\n",
	.summary	= "remove a tunnel made by \"ptun up\"",
	.details	=
"  FILE|NAME  as for \"ptun up\": only the device name is taken from it\n"
"Clears the device's settings (if any), then deletes it.\n",
};

const struct ptun_cmd ptun_showconf_cmd = {
	.name		= "showconf",
	.run		= showconf_run,
	.synopsis	= "ptun showconf DEV\n",
	.summary	= "print a device's configuration as a file for \"ptun up\"",
	.details	=
"Key files and roles cannot be read back from the kernel: they are printed\n"
"as comments to fill in.\n",
};
