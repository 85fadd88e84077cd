// SPDX-License-Identifier: GPL-2.0
/*
 * ptun show --json: one JSON document, whose keys scripts and the
 * selftests rely on. Every key is always printed; an absent value is null
 * (except the drop counters, which are 0 when the kernel does not report
 * them); numbers are JSON numbers.
 */

#include <inttypes.h>
#include <stdio.h>

#include "show.h"

/* Length of the well-formed UTF-8 sequence @s starts with, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	/* A NUL is no continuation byte: this stops at the end. */
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * Print @s as a JSON string. Device names are bytes, not text: a byte that
 * is not part of well-formed UTF-8 becomes U+FFFD, so the document stays
 * valid.
 */
static void json_string(const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	size_t len;

	putchar('"');
	while (*c) {
		if (*c == '"' || *c == '\\') {
			printf("\\%c", *c);
		} else if (*c < 0x20) {
			printf("\\u%04x", *c);
		} else {
			len = utf8_len(c);
			if (!len) {
				fputs("\\ufffd", stdout);
				len = 1;
			} else {
				fwrite(c, 1, len, stdout);
			}
			c += len;
			continue;
		}
		c++;
	}
	putchar('"');
}

/* Print ",\"@name\":" and @num if @has says it came, else null. */
static void json_num(const char *name, uint32_t has, int attr,
		     const uint64_t *num)
{
	printf(",\"%s\":", name);
	if (show_has(has, attr))
		printf("%" PRIu64, num[attr]);
	else
		fputs("null", stdout);
}

/* Print the name of enum value @num[@attr], or null. */
static void json_enum(const char *const *names, uint32_t has, int attr,
		      const uint64_t *num)
{
	const char *s = NULL;

	if (show_has(has, attr))
		s = show_enum_name(names, num[attr]);
	if (s)
		json_string(s);
	else
		fputs("null", stdout);
}

static void json_drops(const struct show_dev *dev)
{
	int attr;

	fputs(",\"drops\":{", stdout);
	for (attr = 1; attr <= PTUN_A_DROPS_MAX; attr++)
		printf("%s\"%s\":%" PRIu64, attr > 1 ? "," : "",
		       show_drop_names[attr].json, dev->drops[attr]);
	putchar('}');
}

static void json_key(const struct show_key *key)
{
	fputs("{\"slot\":", stdout);
	json_enum(ptun_slot_names, key->has, PTUN_A_KEYCONF_SLOT, key->num);
	json_num("key_id", key->has, PTUN_A_KEYCONF_KEY_ID, key->num);
	fputs(",\"cipher\":", stdout);
	json_enum(ptun_cipher_names, key->has, PTUN_A_KEYCONF_CIPHER,
		  key->num);
	json_num("tx_packets", key->has, PTUN_A_KEYCONF_TX_PACKETS, key->num);
	json_num("soft_limit", key->has, PTUN_A_KEYCONF_SOFT_LIMIT, key->num);
	json_num("hard_limit", key->has, PTUN_A_KEYCONF_HARD_LIMIT, key->num);
	putchar('}');
}

static void json_peer(const struct show_peer *peer)
{
	char buf[PTUN_ADDR_STRLEN];
	size_t i;

	printf("{\"id\":%" PRIu64, peer->num[PTUN_A_PEER_ID]);
	json_num("remote_id", peer->has, PTUN_A_PEER_REMOTE_ID, peer->num);
	fputs(",\"endpoint\":", stdout);
	if (peer->has_endpoint) {
		ptun_format_endpoint(buf, &peer->endpoint);
		json_string(buf);
	} else {
		fputs("null", stdout);
	}
	fputs(",\"allowed_ips\":[", stdout);
	for (i = 0; i < peer->nr_ips; i++) {
		if (i)
			putchar(',');
		ptun_format_prefix(buf, &peer->ips[i]);
		json_string(buf);
	}
	putchar(']');
	json_num("keepalive", peer->has, PTUN_A_PEER_KEEPALIVE, peer->num);
	json_num("keepalive_timeout", peer->has,
		 PTUN_A_PEER_KEEPALIVE_TIMEOUT, peer->num);
	json_num("rx_bytes", peer->has, PTUN_A_PEER_RX_BYTES, peer->num);
	json_num("rx_packets", peer->has, PTUN_A_PEER_RX_PACKETS, peer->num);
	json_num("tx_bytes", peer->has, PTUN_A_PEER_TX_BYTES, peer->num);
	json_num("tx_packets", peer->has, PTUN_A_PEER_TX_PACKETS, peer->num);
	json_num("last_rx_ms", peer->has, PTUN_A_PEER_LAST_RX, peer->num);
	printf(",\"dead\":%s",
	       show_has(peer->has, PTUN_A_PEER_DEAD) ? "true" : "false");
	fputs(",\"keys\":[", stdout);
	for (i = 0; i < peer->nr_keys; i++) {
		if (i)
			putchar(',');
		json_key(&peer->keys[i]);
	}
	fputs("]}", stdout);
}

static void json_addrs(const char *name, const struct ptun_addr *addrs,
		       size_t nr)
{
	char buf[PTUN_ADDR_STRLEN];
	size_t i;

	printf(",\"%s\":[", name);
	for (i = 0; i < nr; i++) {
		if (i)
			putchar(',');
		json_string(ptun_format_addr(buf, &addrs[i]));
	}
	putchar(']');
}

static void json_prefixes(const char *name, const struct ptun_prefix *p,
			  size_t nr)
{
	char buf[PTUN_PREFIX_STRLEN];
	size_t i;

	printf(",\"%s\":[", name);
	for (i = 0; i < nr; i++) {
		if (i)
			putchar(',');
		ptun_format_prefix(buf, &p[i]);
		json_string(buf);
	}
	putchar(']');
}

static void json_words(const char *name, char *const *words, size_t nr)
{
	size_t i;

	printf(",\"%s\":[", name);
	for (i = 0; i < nr; i++) {
		if (i)
			putchar(',');
		json_string(words[i]);
	}
	putchar(']');
}

static const char *json_bool(bool b)
{
	return b ? "true" : "false";
}

/* The settings object, or null; every key always there. */
static void json_settings(const struct show_settings *set)
{
	fputs(",\"settings\":", stdout);
	if (!set) {
		fputs("null", stdout);
		return;
	}
	printf("{\"generation\":%u", set->generation);
	json_addrs("remote", set->remote, set->nr_remote);
	json_prefixes("addresses", set->addresses, set->nr_addresses);
	json_prefixes("include_routes", set->include, set->nr_include);
	json_prefixes("exclude_routes", set->exclude, set->nr_exclude);
	printf(",\"enforce_routes\":%s", json_bool(set->enforce_routes));
	printf(",\"include_all_networks\":%s",
	       json_bool(set->include_all_networks));
	printf(",\"exclude_local_networks\":%s",
	       json_bool(set->exclude_local_networks));
	json_addrs("dns_servers", set->dns, set->nr_dns);
	json_words("search_domains", set->search, set->nr_search);
	json_words("match_domains", set->match, set->nr_match);
	if (set->has_mtu)
		printf(",\"mtu\":%u", set->mtu);
	else
		fputs(",\"mtu\":null", stdout);
	printf(",\"table\":%u,\"priority\":%u}", set->table,
	       set->priority);
}

void show_print_json(const struct show_list *list)
{
	const struct show_dev *dev;
	size_t i, j;

	fputs("{\"devices\":[", stdout);
	for (i = 0; i < list->len; i++) {
		dev = &list->devs[i];
		if (i)
			putchar(',');
		fputs("{\"ifname\":", stdout);
		json_string(dev->ifname);
		printf(",\"ifindex\":%u", dev->ifindex);
		printf(",\"listen_port\":%u", dev->listen_port);
		printf(",\"fwmark\":%u", dev->fwmark);
		printf(",\"mtu\":%u", dev->mtu);
		fputs(",\"status\":", stdout);
		if (dev->has_status &&
		    show_enum_name(show_status_names, dev->status))
			json_string(show_enum_name(show_status_names,
						   dev->status));
		else
			fputs("null", stdout);
		json_drops(dev);
		json_settings(dev->settings);
		fputs(",\"peers\":[", stdout);
		for (j = 0; j < dev->nr_peers; j++) {
			if (j)
				putchar(',');
			json_peer(&dev->peers[j]);
		}
		fputs("]}", stdout);
	}
	fputs("]}\n", stdout);
}
