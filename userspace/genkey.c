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

#define KEY_LEN		64
/* Four characters per started group of three bytes. */
#define KEY_B64_LEN	(((KEY_LEN) + 2) / 3 * 4)

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encode @len bytes of @in into @out, which takes 4 * ((len + 2) / 3). */
static void base64_encode(char *out, const uint8_t *in, size_t len)
{
	uint32_t v;
	size_t i;

	for (i = 0; i + 3 <= len; i += 3) {
		v = (uint32_t)in[i] << 16 | in[i + 1] << 8 | in[i + 2];
		*out++ = b64_alphabet[v >> 18];
		*out++ = b64_alphabet[v >> 12 & 0x3f];
		*out++ = b64_alphabet[v >> 6 & 0x3f];
		*out++ = b64_alphabet[v & 0x3f];
	}
	if (i == len)
		return;
	v = (uint32_t)in[i] << 16;
	if (len - i == 2)
		v |= in[i + 1] << 8;
	*out++ = b64_alphabet[v >> 18];
	*out++ = b64_alphabet[v >> 12 & 0x3f];
	*out++ = len - i == 2 ? b64_alphabet[v >> 6 & 0x3f] : '=';
	*out = '=';
}

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
	char text[KEY_B64_LEN + 1];
	uint8_t key[KEY_LEN];
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
	base64_encode(text, key, sizeof(key));
	text[KEY_B64_LEN] = '\n';
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
