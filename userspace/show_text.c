// SPDX-License-Identifier: GPL-2.0
/*
 * ptun show: the human output, in blocks like "wg show": each device,
 * then each of its peers, separated by blank lines. Unset values read
 * "(none)" or "off". Scripts should use --json: these lines may change.
 */

#include <inttypes.h>
#include <stdio.h>
#include <time.h>

#include "show.h"

static void print_bytes(uint64_t n)
{
	static const char *const units[] = {
		"KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	double v = n;
	size_t i;

	if (n < 1024) {
		printf("%" PRIu64 " B", n);
		return;
	}
	for (i = 0, v /= 1024; v >= 1024 && i + 1 < ARRAY_SIZE(units); i++)
		v /= 1024;
	printf("%.2f %s", v, units[i]);
}

/* Print "N unit", with a plural s unless N is 1. */
static void print_count(uint64_t n, const char *unit)
{
	printf("%" PRIu64 " %s%s", n, unit, n == 1 ? "" : "s");
}

/* Print how long ago @ms (since the epoch) was: "1 hour, 2 seconds ago". */
static void print_ago(uint64_t ms)
{
	static const struct {
		const char *unit;
		uint64_t secs;
	} parts[] = {
		{ "day", 86400 }, { "hour", 3600 }, { "minute", 60 },
		{ "second", 1 },
	};
	struct timespec ts = { 0 };
	uint64_t now, secs = 0;
	bool first = true;
	size_t i;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	if (now > ms)
		secs = (now - ms) / 1000;
	if (!secs) {
		fputs("just now", stdout);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(parts); i++) {
		if (secs < parts[i].secs)
			continue;
		fputs(first ? "" : ", ", stdout);
		print_count(secs / parts[i].secs, parts[i].unit);
		secs %= parts[i].secs;
		first = false;
	}
	fputs(" ago", stdout);
}

static void print_drops(const struct show_dev *dev)
{
	bool first = true;
	int attr;

	fputs("  drops: ", stdout);
	for (attr = 1; attr <= PTUN_A_DROPS_MAX; attr++) {
		if (!dev->drops[attr])
			continue;
		printf("%s%s %" PRIu64, first ? "" : ", ",
		       show_drop_names[attr].text, dev->drops[attr]);
		first = false;
	}
	puts(first ? "(none)" : "");
}

/* "key primary: id 1 chacha20-poly1305, 12 packets sent (soft 1, hard 2)" */
static void print_key(const struct show_peer *peer, uint32_t slot)
{
	static const struct {
		const char *name;
		int attr;
	} limits[] = {
		{ "soft", PTUN_A_KEYCONF_SOFT_LIMIT },
		{ "hard", PTUN_A_KEYCONF_HARD_LIMIT },
	};
	const struct show_key *key = NULL;
	const char *sep = " (";
	const char *cipher;
	size_t i;

	for (i = 0; i < peer->nr_keys; i++)
		if (show_has(peer->keys[i].has, PTUN_A_KEYCONF_SLOT) &&
		    peer->keys[i].num[PTUN_A_KEYCONF_SLOT] == slot)
			key = &peer->keys[i];
	printf("  key %s: ", ptun_slot_names[slot]);
	if (!key) {
		puts("(none)");
		return;
	}
	cipher = show_enum_name(ptun_cipher_names,
				key->num[PTUN_A_KEYCONF_CIPHER]);
	printf("id %" PRIu64 " %s, ", key->num[PTUN_A_KEYCONF_KEY_ID],
	       cipher ?: "(unknown cipher)");
	print_count(key->num[PTUN_A_KEYCONF_TX_PACKETS], "packet");
	fputs(" sent", stdout);
	for (i = 0; i < ARRAY_SIZE(limits); i++) {
		if (!show_has(key->has, limits[i].attr))
			continue;
		printf("%s%s %" PRIu64, sep, limits[i].name,
		       key->num[limits[i].attr]);
		sep = ", ";
	}
	puts(*sep == ',' ? ")" : "");
}

static void print_peer(const struct show_peer *peer)
{
	char buf[PTUN_ADDR_STRLEN];
	const uint64_t *num = peer->num;
	size_t i;

	printf("peer: %" PRIu64 "\n", num[PTUN_A_PEER_ID]);
	if (show_has(peer->has, PTUN_A_PEER_REMOTE_ID))
		printf("  remote id: %" PRIu64 "\n",
		       num[PTUN_A_PEER_REMOTE_ID]);
	if (peer->has_endpoint)
		ptun_format_endpoint(buf, &peer->endpoint);
	printf("  endpoint: %s\n", peer->has_endpoint ? buf : "(none)");

	fputs("  allowed ips: ", stdout);
	for (i = 0; i < peer->nr_ips; i++) {
		ptun_format_prefix(buf, &peer->ips[i]);
		printf("%s%s", i ? ", " : "", buf);
	}
	puts(peer->nr_ips ? "" : "(none)");

	fputs("  latest receive: ", stdout);
	if (show_has(peer->has, PTUN_A_PEER_LAST_RX))
		print_ago(num[PTUN_A_PEER_LAST_RX]);
	else
		fputs("(none)", stdout);
	fputs("\n  transfer: ", stdout);
	print_bytes(num[PTUN_A_PEER_RX_BYTES]);
	fputs(" received (", stdout);
	print_count(num[PTUN_A_PEER_RX_PACKETS], "packet");
	fputs("), ", stdout);
	print_bytes(num[PTUN_A_PEER_TX_BYTES]);
	fputs(" sent (", stdout);
	print_count(num[PTUN_A_PEER_TX_PACKETS], "packet");
	fputs(")\n", stdout);

	fputs("  keepalive: ", stdout);
	if (num[PTUN_A_PEER_KEEPALIVE]) {
		fputs("every ", stdout);
		print_count(num[PTUN_A_PEER_KEEPALIVE], "second");
	} else {
		fputs("off", stdout);
	}
	/* A timeout of 0 means three keepalive intervals. */
	fputs("\n  keepalive timeout: ", stdout);
	if (num[PTUN_A_PEER_KEEPALIVE_TIMEOUT]) {
		print_count(num[PTUN_A_PEER_KEEPALIVE_TIMEOUT], "second");
	} else if (num[PTUN_A_PEER_KEEPALIVE]) {
		print_count(3 * num[PTUN_A_PEER_KEEPALIVE], "second");
		fputs(" (default)", stdout);
	} else {
		fputs("off", stdout);
	}
	putchar('\n');
	printf("  dead: %s\n",
	       show_has(peer->has, PTUN_A_PEER_DEAD) ? "yes" : "no");
	print_key(peer, PTUN_KEY_SLOT_PRIMARY);
	print_key(peer, PTUN_KEY_SLOT_SECONDARY);
}

/* Print "  NAME: a, b, c" or "  NAME: (none)". */
static void print_addrs(const char *name, const struct ptun_addr *addrs,
			size_t nr)
{
	char buf[PTUN_ADDR_STRLEN];
	size_t i;

	printf("    %s: ", name);
	for (i = 0; i < nr; i++)
		printf("%s%s", i ? ", " : "", ptun_format_addr(buf, &addrs[i]));
	puts(nr ? "" : "(none)");
}

static void print_prefixes(const char *name, const struct ptun_prefix *p,
			   size_t nr)
{
	char buf[PTUN_PREFIX_STRLEN];
	size_t i;

	printf("    %s: ", name);
	for (i = 0; i < nr; i++) {
		ptun_format_prefix(buf, &p[i]);
		printf("%s%s", i ? ", " : "", buf);
	}
	puts(nr ? "" : "(none)");
}

static void print_words(const char *name, char *const *words, size_t nr)
{
	size_t i;

	printf("    %s: ", name);
	for (i = 0; i < nr; i++)
		printf("%s%s", i ? ", " : "", words[i]);
	puts(nr ? "" : "(none)");
}

static void print_settings(const struct show_settings *set)
{
	if (!set) {
		puts("  settings: (none)");
		return;
	}
	printf("  settings: generation %u\n", set->generation);
	print_addrs("remote", set->remote, set->nr_remote);
	print_prefixes("addresses", set->addresses, set->nr_addresses);
	print_prefixes("included routes", set->include, set->nr_include);
	print_prefixes("excluded routes", set->exclude, set->nr_exclude);
	printf("    enforce routes: %s\n", set->enforce_routes ? "on" : "off");
	printf("    include all networks: %s\n",
	       set->include_all_networks ? "on" : "off");
	printf("    exclude local networks: %s\n",
	       set->exclude_local_networks ? "on" : "off");
	print_addrs("dns servers", set->dns, set->nr_dns);
	print_words("search domains", set->search, set->nr_search);
	print_words("match domains", set->match, set->nr_match);
	if (set->has_mtu)
		printf("    mtu: %u\n", set->mtu);
	else
		puts("    mtu: (computed)");
	printf("    table: %u\n", set->table);
	printf("    priority: %u\n", set->priority);
}

void show_print_text(const struct show_list *list)
{
	const struct show_dev *dev;
	size_t i, j;

	for (i = 0; i < list->len; i++) {
		dev = &list->devs[i];
		if (i)
			putchar('\n');
		printf("interface: %s\n", dev->ifname);
		printf("  ifindex: %u\n", dev->ifindex);
		if (dev->listen_port)
			printf("  listen port: %u\n", dev->listen_port);
		else
			printf("  listen port: (auto)\n");
		if (dev->fwmark)
			printf("  fwmark: 0x%x\n", dev->fwmark);
		else
			printf("  fwmark: off\n");
		printf("  mtu: %u\n", dev->mtu);
		if (dev->has_status) {
			const char *st = show_enum_name(show_status_names,
							dev->status);

			printf("  status: %s\n", st ?: "(unknown)");
		}
		print_drops(dev);
		print_settings(dev->settings);
		printf("  peers: %zu\n", dev->nr_peers);
		for (j = 0; j < dev->nr_peers; j++) {
			putchar('\n');
			print_peer(&dev->peers[j]);
		}
	}
}
