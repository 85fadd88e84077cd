/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of the ptun tool share: the command descriptor each
 * subcommand file exports, and the checks for words of the command line.
 */

#ifndef _PTUN_PTUN_H
#define _PTUN_PTUN_H

#include <stdbool.h>
#include <stdint.h>

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

extern const struct ptun_cmd ptun_genkey_cmd;
extern const struct ptun_cmd ptun_link_cmd;
extern const struct ptun_cmd ptun_show_cmd;

void ptun_bad_word(const char *before, const char *word, const char *after);
bool ptun_parse_uint(const char *s, bool hex, uint32_t max, uint32_t *out);
bool ptun_valid_ifname(const char *name);

#endif /* _PTUN_PTUN_H */
