// SPDX-License-Identifier: GPL-2.0
/*
 * Addresses on the command line and in output: endpoints written
 * "192.0.2.1:51820" or "[2001:db8::1]:51820", and prefixes written
 * "10.0.0.0/24" or "fd00::/64". Numeric only: no host names, no scope ids.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ptun.h"

size_t ptun_addr_len(const struct ptun_addr *addr)
{
	return addr->family == AF_INET ? 4 : 16;
}

/*
 * Parse the first @len characters of @s as an address: IPv6 if they hold
 * a ':', else IPv4.
 */
bool ptun_parse_addr(const char *s, size_t len, struct ptun_addr *addr)
{
	char buf[INET6_ADDRSTRLEN];

	if (len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(addr, 0, sizeof(*addr));
	addr->family = memchr(buf, ':', len) ? AF_INET6 : AF_INET;
	return inet_pton(addr->family, buf, addr->bytes) == 1;
}

/**
 * ptun_parse_endpoint() - parse "IPV4:PORT" or "[IPV6]:PORT"
 * @s: the word
 * @ep: the endpoint, set on success
 *
 * Return: whether @s is such an endpoint with a port from 1 to 65535.
 */
bool ptun_parse_endpoint(const char *s, struct ptun_endpoint *ep)
{
	const char *addr = s, *colon;
	size_t len;
	uint64_t port;

	if (*s == '[') {
		addr = s + 1;
		colon = strchr(addr, ']');
		if (!colon || colon[1] != ':')
			return false;
		len = colon - addr;
		colon++;
	} else {
		colon = strchr(s, ':');
		if (!colon)
			return false;
		len = colon - addr;
	}
	if (!ptun_parse_addr(addr, len, &ep->addr) ||
	    (ep->addr.family == AF_INET6) != (*s == '['))
		return false;
	if (!ptun_parse_uint(colon + 1, false, UINT16_MAX, &port) || !port)
		return false;
	ep->port = port;
	return true;
}

/**
 * ptun_parse_prefix() - parse "ADDR/LEN", or "ADDR" for a single address
 * @s: the word
 * @prefix: the prefix, set on success, with the bits of the address beyond
 *	the length cleared ("10.1.2.3/8" is 10.0.0.0/8, as WireGuard does)
 *
 * Return: whether @s is such a prefix with a length of at most 32 (IPv4) or
 * 128 (IPv6).
 */
bool ptun_parse_prefix(const char *s, struct ptun_prefix *prefix)
{
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	struct ptun_addr *addr = &prefix->addr;
	unsigned int max, i;
	uint64_t cidr;

	if (!ptun_parse_addr(s, len, addr))
		return false;
	max = ptun_addr_len(addr) * 8;
	if (!slash)
		cidr = max;
	else if (!ptun_parse_uint(slash + 1, false, max, &cidr))
		return false;
	prefix->cidr = cidr;

	/* The byte the prefix ends in keeps its top cidr % 8 bits. */
	for (i = cidr / 8; i < max / 8; i++)
		addr->bytes[i] &= i == cidr / 8 ? 0xff00 >> cidr % 8 : 0;
	return true;
}

/* Write @addr into @buf, which has room for INET6_ADDRSTRLEN. */
const char *ptun_format_addr(char *buf, const struct ptun_addr *addr)
{
	return inet_ntop(addr->family, addr->bytes, buf, INET6_ADDRSTRLEN);
}

/* @buf has room for PTUN_ENDPOINT_STRLEN. */
void ptun_format_endpoint(char *buf, const struct ptun_endpoint *ep)
{
	char addr[INET6_ADDRSTRLEN];

	ptun_format_addr(addr, &ep->addr);
	snprintf(buf, PTUN_ENDPOINT_STRLEN,
		 ep->addr.family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr,
		 ep->port);
}

/* @buf has room for PTUN_PREFIX_STRLEN. */
void ptun_format_prefix(char *buf, const struct ptun_prefix *prefix)
{
	char addr[INET6_ADDRSTRLEN];

	ptun_format_addr(addr, &prefix->addr);
	snprintf(buf, PTUN_PREFIX_STRLEN, "%s/%u", addr, prefix->cidr);
}
