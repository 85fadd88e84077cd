/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of the ptun tool share: the command descriptor each
 * command file exports, the checks for words of the command line
 * (args.c), addresses (addr.c), base64 (base64.c) and the names of the
 * family's enums (key.c).
 */

#ifndef _PTUN_PTUN_H
#define _PTUN_PTUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <netinet/in.h>
#include <linux/ptun.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A command's run() returns this for a wrong command line: print usage. */
#define PTUN_EUSAGE	2

/**
 * struct ptun_cmd - a top-level command ("link", "show", ...)
 * @name: the word that selects it
 * @run: does the work; argv[0] is @name. Returns 0 on success, 1 on a
 *	failure it has reported, PTUN_EUSAGE on a wrong command line it has
 *	reported (the caller then prints the usage)
 * @synopsis: its forms, one per line, each ending in a newline
 * @summary: one line for the overall help
 * @details: what its words mean, or NULL
 */
struct ptun_cmd {
	const char *name;
	int (*run)(int argc, char *argv[]);
	const char *synopsis;
	const char *summary;
	const char *details;
};

/**
 * struct ptun_subcmd - a word after a command ("add" in "link add")
 * @name: the word
 * @run: does the work; argv[0] is @name. Returns as &struct ptun_cmd.run
 */
struct ptun_subcmd {
	const char *name;
	int (*run)(int argc, char *argv[]);
};

extern const struct ptun_cmd ptun_monitor_cmd;
extern const struct ptun_cmd ptun_genkey_cmd;
extern const struct ptun_cmd ptun_link_cmd;
extern const struct ptun_cmd ptun_peer_cmd;
extern const struct ptun_cmd ptun_key_cmd;
extern const struct ptun_cmd ptun_show_cmd;
extern const struct ptun_cmd ptun_settings_cmd;
extern const struct ptun_cmd ptun_up_cmd;
extern const struct ptun_cmd ptun_down_cmd;
extern const struct ptun_cmd ptun_showconf_cmd;

/* What the value of an option must be. */
enum ptun_opt_kind {
	PTUN_OPT_NUM,		/* a number from .min to .max */
	PTUN_OPT_CHOICE,	/* one of .choices; .num is its index */
	PTUN_OPT_WORD,		/* any word, checked by the caller */
};

/**
 * struct ptun_opt - an option "NAME VALUE" of a subcommand
 * @name: NAME
 * @kind: what VALUE must be
 * @hex: a number may also be written 0x...
 * @required: the subcommand needs it
 * @min: smallest number
 * @max: largest number
 * @choices: the words a choice may be, NULL-terminated
 * @attr: the attribute a number or choice is sent in, or 0 (see
 *	ptun_nl_put_opts())
 * @bits: the width of @attr: 8, 16, 32 or 64
 */
struct ptun_opt {
	const char *name;
	enum ptun_opt_kind kind;
	bool hex;
	bool required;
	uint64_t min;
	uint64_t max;
	const char *const *choices;
	int attr;
	int bits;
};

/**
 * struct ptun_optval - an option as given on the command line
 * @set: it was given
 * @num: the number, or the index of the choice
 * @word: VALUE as written
 */
struct ptun_optval {
	bool set;
	uint64_t num;
	const char *word;
};

void ptun_print_word(FILE *f, const char *word);
void ptun_bad_word(const char *before, const char *word, const char *after);
bool ptun_parse_uint(const char *s, bool hex, uint64_t max, uint64_t *out);
bool ptun_valid_ifname(const char *name);
int ptun_parse_dev(const char *what, int argc, char *argv[], const char **dev);
int ptun_parse_peer(const char *what, int argc, char *argv[], const char **dev,
		    uint32_t *id);
int ptun_parse_opts(const char *what, int argc, char *argv[],
		    const struct ptun_opt *opts, size_t nr,
		    struct ptun_optval *vals);
int ptun_run_subcmd(const char *name, const struct ptun_subcmd *subs,
		    size_t nr, int argc, char *argv[]);

/**
 * struct ptun_addr - an IPv4 or IPv6 address
 * @family: AF_INET or AF_INET6
 * @bytes: the address in network order: 4 bytes for AF_INET, 16 for AF_INET6
 */
struct ptun_addr {
	uint16_t family;
	uint8_t bytes[16];
};

/**
 * struct ptun_endpoint - a peer's outer address
 * @addr: its address
 * @port: its UDP port, host order
 */
struct ptun_endpoint {
	struct ptun_addr addr;
	uint16_t port;
};

/**
 * struct ptun_prefix - an inner prefix
 * @addr: its address, host bits zero
 * @cidr: its length
 */
struct ptun_prefix {
	struct ptun_addr addr;
	uint8_t cidr;
};

/* Room for "[address]:port", for "address/length", and for either. */
#define PTUN_ENDPOINT_STRLEN	(INET6_ADDRSTRLEN + 8)
#define PTUN_PREFIX_STRLEN	(INET6_ADDRSTRLEN + 4)
#define PTUN_ADDR_STRLEN	PTUN_ENDPOINT_STRLEN

size_t ptun_addr_len(const struct ptun_addr *addr);
bool ptun_parse_addr(const char *s, size_t len, struct ptun_addr *addr);
const char *ptun_format_addr(char *buf, const struct ptun_addr *addr);
bool ptun_parse_endpoint(const char *s, struct ptun_endpoint *ep);
bool ptun_parse_prefix(const char *s, struct ptun_prefix *prefix);
void ptun_format_endpoint(char *buf, const struct ptun_endpoint *ep);
void ptun_format_prefix(char *buf, const struct ptun_prefix *prefix);

/* A key file: both directions' keys, base64 (four characters per three). */
#define PTUN_KEYFILE_LEN	(2 * PTUN_KEY_LEN)
#define PTUN_KEYFILE_B64_LEN	((PTUN_KEYFILE_LEN + 2) / 3 * 4)

void ptun_base64_encode(char *out, const uint8_t *in, size_t len);
bool ptun_base64_decode(uint8_t *out, size_t len, const char *in,
			size_t in_len);

/* Names of enum ptun_cipher and enum ptun_key_slot, NULL-terminated. */
extern const char *const ptun_cipher_names[];
extern const char *const ptun_slot_names[];

#endif /* _PTUN_PTUN_H */
