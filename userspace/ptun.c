// SPDX-License-Identifier: GPL-2.0
/*
 * ptun - configure ptun tunnel devices through the "ptun" generic netlink
 * family. This file holds the command table, the help and the checks of
 * command-line words shared by the commands.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <linux/ptun.h>

#include "ptun.h"

static int help_run(int argc, char *argv[]);

static const struct ptun_cmd help_cmd = {
	.name		= "help",
	.run		= help_run,
	.synopsis	= "ptun help [COMMAND]\n"
			  "ptun COMMAND help\n",
	.summary	= "print this help, or the words of COMMAND",
};

static const struct ptun_cmd *const cmds[] = {
	&ptun_genkey_cmd,
	&ptun_link_cmd,
	&ptun_show_cmd,
	&help_cmd,
};

#define NR_CMDS		(sizeof(cmds) / sizeof(cmds[0]))

static bool is_help(const char *word)
{
	return !strcmp(word, "help") || !strcmp(word, "--help") ||
	       !strcmp(word, "-h");
}

static const struct ptun_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CMDS; i++)
		if (!strcmp(cmds[i]->name, name))
			return cmds[i];
	return NULL;
}

/* Print "Usage: " and the first line, then the others aligned under it. */
static void print_synopsis(FILE *f, const char *synopsis, bool *first)
{
	const char *line;
	size_t len;

	for (line = synopsis; *line; line += len + (line[len] == '\n')) {
		len = strcspn(line, "\n");
		fprintf(f, "%s%.*s\n", *first ? "Usage: " : "       ",
			(int)len, line);
		*first = false;
	}
}

static void cmd_usage(FILE *f, const struct ptun_cmd *cmd)
{
	bool first = true;

	print_synopsis(f, cmd->synopsis, &first);
	if (cmd->details)
		fprintf(f, "\n%s", cmd->details);
}

static void usage(FILE *f)
{
	bool first = true;
	size_t i;

	for (i = 0; i < NR_CMDS; i++)
		print_synopsis(f, cmds[i]->synopsis, &first);
	fputs("\nCommands:\n", f);
	for (i = 0; i < NR_CMDS; i++)
		fprintf(f, "  %-7s %s\n", cmds[i]->name, cmds[i]->summary);
	fputs("\nRun \"ptun COMMAND help\" for the words COMMAND takes.\n", f);
}

static int help_run(int argc, char *argv[])
{
	const struct ptun_cmd *cmd;

	if (argc > 2) {
		ptun_bad_word("unexpected argument ", argv[2], NULL);
		return PTUN_EUSAGE;
	}
	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	cmd = find_cmd(argv[1]);
	if (!cmd) {
		ptun_bad_word("unknown command ", argv[1], NULL);
		return PTUN_EUSAGE;
	}
	cmd_usage(stdout, cmd);
	return 0;
}

/**
 * ptun_bad_word() - report a wrong word of the command line
 * @before: text before the word, or NULL
 * @word: the word, printed in double quotes with control characters,
 *	quotes and backslashes escaped, so the message stays on one line
 * @after: text after the word, or NULL
 */
void ptun_bad_word(const char *before, const char *word, const char *after)
{
	const unsigned char *c;

	fprintf(stderr, "ptun: %s\"", before ?: "");
	for (c = (const unsigned char *)word; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(stderr, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(stderr, "\\x%02x", *c);
		else
			fputc(*c, stderr);
	}
	fprintf(stderr, "\"%s\n", after ?: "");
}

/**
 * ptun_parse_uint() - parse a number of the command line
 * @s: the word
 * @hex: also accept hexadecimal with a "0x" prefix
 * @max: the largest value accepted
 * @out: the value, set only on success
 *
 * Only digits are accepted: no sign, no blanks, no empty word.
 *
 * Return: whether @s is such a number no larger than @max.
 */
bool ptun_parse_uint(const char *s, bool hex, uint32_t max, uint32_t *out)
{
	unsigned int base = 10;
	uint64_t val = 0;
	unsigned int digit;

	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			digit = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			digit = *s - 'A' + 10;
		else
			return false;
		/* val <= max < 2^32 before this, so it cannot overflow. */
		val = val * base + digit;
		if (val > max)
			return false;
	}
	*out = val;
	return true;
}

/**
 * ptun_valid_ifname() - whether the kernel could name a device so
 * @name: the word
 *
 * Return: whether @name has 1 to PTUN_IFNAME_MAX_LEN characters, is not
 * "." or "..", and holds no '/', ':' or whitespace (the kernel's rules).
 */
bool ptun_valid_ifname(const char *name)
{
	const char *c;

	if (!*name || strlen(name) > PTUN_IFNAME_MAX_LEN)
		return false;
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (c = name; *c; c++)
		if (strchr("/: \t\n\v\f\r", *c))
			return false;
	return true;
}

int main(int argc, char *argv[])
{
	const struct ptun_cmd *cmd;
	int ret;

	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	cmd = is_help(argv[1]) ? &help_cmd : find_cmd(argv[1]);
	if (!cmd) {
		ptun_bad_word("unknown command ", argv[1], NULL);
		usage(stderr);
		return 1;
	}
	if (cmd != &help_cmd && argc >= 3 && is_help(argv[2])) {
		if (argc > 3) {
			ptun_bad_word("unexpected argument ", argv[3], NULL);
			cmd_usage(stderr, cmd);
			return 1;
		}
		cmd_usage(stdout, cmd);
		ret = 0;
	} else {
		ret = cmd->run(argc - 1, argv + 1);
		if (ret == PTUN_EUSAGE)
			cmd_usage(stderr, cmd);
	}

	if (fflush(stdout) == EOF) {
		fprintf(stderr, "ptun: cannot write the output: %s\n",
			strerror(errno));
		ret = 1;
	} else if (ferror(stdout)) {
		fprintf(stderr, "ptun: cannot write the output\n");
		ret = 1;
	}
	return ret ? 1 : 0;
}
