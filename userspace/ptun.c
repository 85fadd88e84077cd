// SPDX-License-Identifier: GPL-2.0
/*
 * ptun - configure ptun tunnel devices through the "ptun" generic netlink
 * family. This file holds the command table and the help; args.c checks
 * the words of the command line that the commands share.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
	&ptun_peer_cmd,
	&ptun_key_cmd,
	&ptun_settings_cmd,
	&ptun_show_cmd,
	&ptun_monitor_cmd,
	&ptun_up_cmd,
	&ptun_down_cmd,
	&ptun_showconf_cmd,
	&help_cmd,
};

#define NR_CMDS		ARRAY_SIZE(cmds)

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
		fprintf(f, "  %-8s %s\n", cmds[i]->name, cmds[i]->summary);
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
