// SPDX-License-Identifier: GPL-2.0
/*
 * ptun genkey: print a new key for "ptun key add ... key-file FILE": 64
 * random bytes from getrandom(2), base64-encoded. The key goes straight to
 * the file descriptor, not through stdio, and every copy is wiped.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ptun.h"

static int get_random(uint8_t *buf, size_t len)
{
	ssize_t ret;

	while (len) {
		ret = getrandom(buf, len, 0);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += ret;
		len -= ret;
	}
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t ret;

	while (len) {
		ret = write(fd, buf, len);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += ret;
		len -= ret;
	}
	return 0;
}

static int genkey_run(int argc, char *argv[])
{
	char text[PTUN_KEYFILE_B64_LEN + 1];
	uint8_t key[PTUN_KEYFILE_LEN];
	struct stat st;
	int ret = 1;

	if (argc > 1) {
		ptun_bad_word("unexpected argument ", argv[1], NULL);
		return PTUN_EUSAGE;
	}

	if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) &&
	    (st.st_mode & S_IRWXO))
		fprintf(stderr,
			"ptun: warning: writing a key to a file others can read (set umask 077 first)\n");

	if (get_random(key, sizeof(key))) {
		fprintf(stderr, "ptun: genkey: cannot get random bytes: %s\n",
			strerror(errno));
		goto out;
	}
	ptun_base64_encode(text, key, sizeof(key));
	text[PTUN_KEYFILE_B64_LEN] = '\n';
	if (write_all(STDOUT_FILENO, text, sizeof(text))) {
		fprintf(stderr, "ptun: genkey: cannot write the key: %s\n",
			strerror(errno));
		goto out;
	}
	ret = 0;
out:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(text, sizeof(text));
	return ret;
}

const struct ptun_cmd ptun_genkey_cmd = {
	.name		= "genkey",
	.run		= genkey_run,
	.synopsis	= "ptun genkey\n",
	.summary	= "print a new random key (64 bytes, base64)",
	.details	=
"Prints 64 random bytes from getrandom(2), base64-encoded, for a key file.\n",
};
