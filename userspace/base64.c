// SPDX-License-Identifier: GPL-2.0
/*
 * Base64 (RFC 4648, standard alphabet, with padding) for key files: ptun
 * genkey writes them, ptun key add reads them. Decoding is strict: the
 * length, the padding and the unused bits must be what encoding produces,
 * so one key has exactly one text.
 */

#include "ptun.h"

static const char b64_alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * ptun_base64_encode() - encode bytes
 * @out: takes 4 * ((@len + 2) / 3) characters, not NUL-terminated
 * @in: the bytes
 * @len: their number
 */
void ptun_base64_encode(char *out, const uint8_t *in, size_t len)
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

/* The value of base64 digit @c, or -1. */
static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/**
 * ptun_base64_decode() - decode exactly @len bytes
 * @out: the @len bytes, partly written on failure
 * @len: how many bytes the text must hold
 * @in: the text, not necessarily NUL-terminated
 * @in_len: its length
 *
 * Return: whether @in is the encoding of @len bytes.
 */
bool ptun_base64_decode(uint8_t *out, size_t len, const char *in,
			size_t in_len)
{
	size_t pad = (3 - len % 3) % 3;
	size_t i, j, o = 0;
	uint32_t v = 0;
	int d;

	if (in_len != (len + 2) / 3 * 4)
		return false;
	for (i = 0; i < in_len; i += 4) {
		v = 0;
		for (j = i; j < i + 4; j++) {
			if (j >= in_len - pad)
				d = in[j] == '=' ? 0 : -1;
			else
				d = b64_value(in[j]);
			if (d < 0)
				return false;
			v = v << 6 | d;
		}
		for (j = 0; j < 3 && o < len; j++)
			out[o++] = v >> (16 - 8 * j);
	}
	/* The bits of the last group that no byte uses must be zero. */
	return !(v & ((1u << 8 * pad) - 1));
}
