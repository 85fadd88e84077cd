/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Making the kernel's FIB (addresses of the device, its routing table and
 * its two policy rules) and the system's DNS match a device's settings
 * (route.c, dns.c).
 */

#ifndef _PTUN_ROUTE_H
#define _PTUN_ROUTE_H

#include <stddef.h>
#include <stdint.h>

struct show_settings;
struct show_peer;

/**
 * struct ptun_fib_dev - the device whose settings are programmed
 * @name: its name, for messages
 * @ifindex: its index
 * @fwmark: its fwmark, 0 if none
 * @what: starts the error messages ("settings set ptun0")
 * @peers: the device's peers: their current endpoints are kept out of the
 *	tunnel like the remote addresses (when an included route covers them)
 * @nr_peers: their number
 */
struct ptun_fib_dev {
	const char *name;
	int ifindex;
	uint32_t fwmark;
	const char *what;
	const struct show_peer *peers;
	size_t nr_peers;
};

/* The outer mark: the device's fwmark if it has one, else the table. */
static inline uint32_t ptun_outer_mark(uint32_t fwmark, uint32_t table)
{
	return fwmark ? fwmark : table;
}

/* What ptun_fib_apply() does. */
enum ptun_fib_mode {
	PTUN_FIB_SET,		/* addresses, routes and rules of @new */
	PTUN_FIB_RULES,		/* only the rules of @new (the mark changed) */
	PTUN_FIB_CLEAR,		/* remove what @old put there */
};

int ptun_fib_apply(const struct ptun_fib_dev *dev, enum ptun_fib_mode mode,
		   const struct show_settings *new,
		   const struct show_settings *old);

void ptun_fib_lock(void);
void ptun_fib_unlock(void);

struct show_dev;
int ptun_settings_unapply(const struct show_dev *d, const char *what);
int ptun_settings_remark(const char *dev, const char *what);
int ptun_settings_follow(const char *dev, const char *what);

void ptun_dns_apply(const char *dev, const struct show_settings *new,
		    const struct show_settings *old);

#endif /* _PTUN_ROUTE_H */
