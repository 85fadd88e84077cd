// SPDX-License-Identifier: GPL-2.0
/*
 * The words of the command line: the checks every command shares (device
 * names, numbers, peer ids), the "NAME VALUE" option lists the commands
 * take in any order, and the dispatch of a command's subcommands. Every
 * error names the word that is wrong, on one line of stderr.
 *
 * The parsers return what the command should exit with: 0 to go on, 1
 * for a word with a wrong value (the message says all), PTUN_EUSAGE for a
 * command line of the wrong shape (a word missing, unknown or repeated),
 * after which the command's usage is printed too.
 */

#include <stdio.h>
#include <string.h>

#include <linux/ptun.h>

#include "ptun.h"

/**
 * ptun_print_word() - print a word of the command line or a file name
 * @f: where
 * @word: printed with control characters, quotes and backslashes escaped,
 *	so that a message stays on one line
 */
void ptun_print_word(FILE *f, const char *word)
{
	const unsigned char *c;

	for (c = (const unsigned char *)word; *c; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(f, "\\%c", *c);
		else if (*c < 0x20 || *c == 0x7f)
			fprintf(f, "\\x%02x", *c);
		else
			fputc(*c, f);
	}
}

/**
 * ptun_bad_word() - report a wrong word of the command line
 * @before: text before the word, or NULL
 * @word: the word, printed in double quotes by ptun_print_word()
 * @after: text after the word, or NULL
 */
void ptun_bad_word(const char *before, const char *word, const char *after)
{
	fprintf(stderr, "ptun: %s\"", before ?: "");
	ptun_print_word(stderr, word);
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
bool ptun_parse_uint(const char *s, bool hex, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	unsigned int digit;
	uint64_t val = 0;

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
		/* Checked before the step, so it cannot overflow. */
		if (digit > max || val > (max - digit) / base)
			return false;
		val = val * base + digit;
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

/**
 * ptun_parse_dev() - check the DEV word a subcommand takes first
 * @what: the subcommand, for the message ("link add")
 * @argc: its argument count; argv[0] is the subcommand's own word
 * @argv: its arguments
 * @dev: set to argv[1] on success
 *
 * Return: 0, 1 or PTUN_EUSAGE after reporting the error.
 */
int ptun_parse_dev(const char *what, int argc, char *argv[], const char **dev)
{
	if (argc < 2) {
		fprintf(stderr, "ptun: %s: missing DEV\n", what);
		return PTUN_EUSAGE;
	}
	if (!ptun_valid_ifname(argv[1])) {
		ptun_bad_word("invalid device name ", argv[1], NULL);
		return 1;
	}
	*dev = argv[1];
	return 0;
}

/**
 * ptun_parse_peer() - check the "DEV ID" words of a peer or key subcommand
 * @what: the subcommand, for the message ("peer add")
 * @argc: its argument count; argv[0] is the subcommand's own word
 * @argv: its arguments
 * @dev: set to argv[1] on success
 * @id: set to the peer id, 1 to 2^32 - 1, on success
 *
 * Return: 0, 1 or PTUN_EUSAGE after reporting the error.
 */
int ptun_parse_peer(const char *what, int argc, char *argv[], const char **dev,
		    uint32_t *id)
{
	uint64_t val;
	int ret;

	ret = ptun_parse_dev(what, argc, argv, dev);
	if (ret)
		return ret;
	if (argc < 3) {
		fprintf(stderr, "ptun: %s: missing ID\n", what);
		return PTUN_EUSAGE;
	}
	if (!ptun_parse_uint(argv[2], false, UINT32_MAX, &val) || !val) {
		ptun_bad_word("invalid peer id ", argv[2], " (1-4294967295)");
		return 1;
	}
	*id = val;
	return 0;
}

/* Print @word as item @i of a list of @nr alternatives: "a, b or c". */
static void print_alternative(FILE *f, size_t i, size_t nr, const char *word)
{
	fprintf(f, "%s%s", i ? (i + 1 < nr ? ", " : " or ") : "", word);
}

/* Report a value of @opt that is not one of its choices. */
static void bad_choice(const struct ptun_opt *opt, const char *word)
{
	size_t nr, i;

	for (nr = 0; opt->choices[nr]; nr++)
		;
	fprintf(stderr, "ptun: invalid %s \"", opt->name);
	ptun_print_word(stderr, word);
	fputs("\" (", stderr);
	for (i = 0; i < nr; i++)
		print_alternative(stderr, i, nr, opt->choices[i]);
	fputs(")\n", stderr);
}

/* Check @word as the value of @opt into @val. Return: 0, or 1 reported. */
static int parse_value(const struct ptun_opt *opt, const char *word,
		       struct ptun_optval *val)
{
	char what[32], range[48];
	size_t i;

	switch (opt->kind) {
	case PTUN_OPT_NUM:
		if (!ptun_parse_uint(word, opt->hex, opt->max, &val->num) ||
		    val->num < opt->min) {
			snprintf(what, sizeof(what), "invalid %s ", opt->name);
			snprintf(range, sizeof(range), " (%llu-%llu)",
				 (unsigned long long)opt->min,
				 (unsigned long long)opt->max);
			ptun_bad_word(what, word, range);
			return 1;
		}
		break;
	case PTUN_OPT_CHOICE:
		for (i = 0; opt->choices[i]; i++)
			if (!strcmp(word, opt->choices[i]))
				break;
		if (!opt->choices[i]) {
			bad_choice(opt, word);
			return 1;
		}
		val->num = i;
		break;
	case PTUN_OPT_WORD:
		break;
	}
	val->word = word;
	val->set = true;
	return 0;
}

/**
 * ptun_parse_opts() - parse "NAME VALUE" pairs given in any order
 * @what: the subcommand, for the message about a missing option
 * @argc: number of words in @argv
 * @argv: the words, starting at the first NAME
 * @opts: the options the subcommand takes
 * @nr: number of @opts
 * @vals: @nr results, zeroed by the caller; an option given on the command
 *	line has .set, .word and, for a number or a choice, .num
 *
 * Each option may be given once; an option with .required must be.
 *
 * Return: 0, 1 or PTUN_EUSAGE after reporting the bad word.
 */
int ptun_parse_opts(const char *what, int argc, char *argv[],
		    const struct ptun_opt *opts, size_t nr,
		    struct ptun_optval *vals)
{
	size_t opt;
	int i;

	for (i = 0; i < argc; i += 2) {
		for (opt = 0; opt < nr; opt++)
			if (!strcmp(argv[i], opts[opt].name))
				break;
		if (opt == nr) {
			ptun_bad_word("unknown option ", argv[i], NULL);
			return PTUN_EUSAGE;
		}
		if (vals[opt].set) {
			ptun_bad_word(NULL, argv[i], " given twice");
			return PTUN_EUSAGE;
		}
		if (i + 1 == argc) {
			ptun_bad_word(NULL, argv[i], " needs a value");
			return PTUN_EUSAGE;
		}
		if (parse_value(&opts[opt], argv[i + 1], &vals[opt]))
			return 1;
	}
	for (opt = 0; opt < nr; opt++) {
		if (opts[opt].required && !vals[opt].set) {
			fprintf(stderr, "ptun: %s: missing %s\n", what,
				opts[opt].name);
			return PTUN_EUSAGE;
		}
	}
	return 0;
}

/**
 * ptun_run_subcmd() - run the subcommand argv[1] of command @name
 * @name: the command ("link")
 * @subs: its subcommands
 * @nr: number of @subs
 * @argc: the command's argument count; argv[0] is @name
 * @argv: its arguments
 *
 * Return: what the subcommand returns, or PTUN_EUSAGE after reporting a
 * missing or unknown subcommand.
 */
int ptun_run_subcmd(const char *name, const struct ptun_subcmd *subs,
		    size_t nr, int argc, char *argv[])
{
	char what[48];
	size_t i;

	if (argc >= 2) {
		for (i = 0; i < nr; i++)
			if (!strcmp(argv[1], subs[i].name))
				return subs[i].run(argc - 1, argv + 1);
		snprintf(what, sizeof(what), "unknown %s command ", name);
		ptun_bad_word(what, argv[1], NULL);
		return PTUN_EUSAGE;
	}
	fprintf(stderr, "ptun: %s: missing ", name);
	for (i = 0; i < nr; i++)
		print_alternative(stderr, i, nr, subs[i].name);
	fputc('\n', stderr);
	return PTUN_EUSAGE;
}
