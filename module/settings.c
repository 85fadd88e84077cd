// SPDX-License-Identifier: GPL-2.0
/*
 * A device's network settings (the packet tunnel provider's settings) and
 * the tunnel status derived from them and from the peers.
 *
 * The settings are one immutable object per device, built whole from a
 * checked request, published with rcu_assign_pointer() under rtnl and freed
 * after a grace period: a reader (a dump now; routing and enforcement
 * later) sees the old object or the new one, never a mix. Programming the
 * FIB and enforcing the policy are the next step; they will read the
 * object from struct ptun_device.settings.
 */

#include <linux/overflow.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "crypto.h"
#include "device.h"
#include "netlink.h"
#include "peer.h"
#include "settings.h"

/*
 * Bumped on every settings change of any device, under rtnl: with the
 * namespace's dev_base_seq it tells a settings dump that something changed
 * between two of its parts.
 */
u32 ptun_settings_seq;

/* Bytes one element of each list takes in the object, strings aside. */
static const size_t ptun_sl_size[PTUN_SL_MAX] = {
	[PTUN_SL_REMOTE]	= sizeof(struct ptun_ipaddr),
	[PTUN_SL_ADDR4]		= sizeof(struct ptun_route4),
	[PTUN_SL_ADDR6]		= sizeof(struct ptun_route6),
	[PTUN_SL_INCLUDE4]	= sizeof(struct ptun_route4),
	[PTUN_SL_INCLUDE6]	= sizeof(struct ptun_route6),
	[PTUN_SL_EXCLUDE4]	= sizeof(struct ptun_route4),
	[PTUN_SL_EXCLUDE6]	= sizeof(struct ptun_route6),
	[PTUN_SL_DNS]		= sizeof(struct ptun_ipaddr),
	[PTUN_SL_SEARCH]	= sizeof(char *),
	[PTUN_SL_MATCH]		= sizeof(char *),
};

/**
 * ptun_settings_alloc() - allocate a settings object with room for its lists
 * @n: the number of elements of each list
 * @str_bytes: room for the domain strings with their NULs
 * @strings: set to where the strings go
 *
 * The caller fills the lists and the strings, then publishes the object
 * with ptun_settings_replace(). The counts are bounded by the request's
 * checks, so the size cannot overflow; it is checked anyway.
 *
 * Return: the object, zeroed but for the list pointers and counts, or NULL.
 */
struct ptun_settings *ptun_settings_alloc(const unsigned int n[PTUN_SL_MAX],
					  size_t str_bytes, char **strings)
{
	size_t size = sizeof(struct ptun_settings), off[PTUN_SL_MAX];
	struct ptun_settings *s;
	int i;

	for (i = 0; i < PTUN_SL_MAX; i++) {
		size = ALIGN(size, 8);
		off[i] = size;
		size = size_add(size, array_size(n[i], ptun_sl_size[i]));
	}
	size = size_add(size, str_bytes);
	if (size == SIZE_MAX)
		return NULL;
	s = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!s)
		return NULL;
	memcpy(s->n, n, sizeof(s->n));
	s->remote = (void *)s + off[PTUN_SL_REMOTE];
	s->addr4 = (void *)s + off[PTUN_SL_ADDR4];
	s->addr6 = (void *)s + off[PTUN_SL_ADDR6];
	s->include4 = (void *)s + off[PTUN_SL_INCLUDE4];
	s->include6 = (void *)s + off[PTUN_SL_INCLUDE6];
	s->exclude4 = (void *)s + off[PTUN_SL_EXCLUDE4];
	s->exclude6 = (void *)s + off[PTUN_SL_EXCLUDE6];
	s->dns = (void *)s + off[PTUN_SL_DNS];
	s->search = (void *)s + off[PTUN_SL_SEARCH];
	s->match = (void *)s + off[PTUN_SL_MATCH];
	*strings = (void *)s + size - str_bytes;
	return s;
}

/* How many list elements the object holds, all lists together. */
unsigned int ptun_settings_items(const struct ptun_settings *s)
{
	unsigned int i, items = 0;

	for (i = 0; i < PTUN_SL_MAX; i++)
		items += s->n[i];
	return items;
}

/**
 * ptun_settings_replace() - publish a device's new settings
 * @ptun: the device
 * @s: the new settings, or NULL to clear them
 *
 * The old object is freed after a grace period. Nothing is reported here:
 * the caller raises settings-changed and updates the status.
 *
 * Context: rtnl held.
 */
void ptun_settings_replace(struct ptun_device *ptun, struct ptun_settings *s)
{
	struct ptun_settings *old = rtnl_dereference(ptun->settings);

	ASSERT_RTNL();
	rcu_assign_pointer(ptun->settings, s);
	ptun->settings_gen++;
	ptun_settings_seq++;
	if (old)
		kvfree_rcu(old, rcu);
}

/* Drop the settings of a device that goes away. Context: rtnl held. */
void ptun_settings_free(struct ptun_device *ptun)
{
	ptun_settings_replace(ptun, NULL);
	ptun->status = PTUN_STATUS_DISCONNECTED;
}

/*
 * A peer carries the tunnel when its primary key can still send and, if it
 * has a keepalive timeout, it has not been declared dead.
 */
static bool ptun_peer_usable(struct ptun_peer *peer)
{
	struct ptun_keyring *ring = rtnl_dereference(peer->keys);
	struct ptun_key *key;

	key = ring ? ring->slot[PTUN_KEY_SLOT_PRIMARY] : NULL;
	if (!key || atomic64_read(&key->tx_counter) >= key->hard_limit)
		return false;
	return !READ_ONCE(peer->dead);
}

static enum ptun_status ptun_status_compute(struct ptun_device *ptun)
{
	struct ptun_peer *peer;

	if (!rtnl_dereference(ptun->settings))
		return PTUN_STATUS_DISCONNECTED;
	list_for_each_entry(peer, &ptun->peer_list, peer_list)
		if (ptun_peer_usable(peer))
			return PTUN_STATUS_CONNECTED;
	if (ptun->status == PTUN_STATUS_CONNECTED ||
	    ptun->status == PTUN_STATUS_REASSERTING)
		return PTUN_STATUS_REASSERTING;
	return PTUN_STATUS_CONNECTING;
}

/**
 * ptun_status_update() - recompute the tunnel status after a change
 * @ptun: the device
 *
 * Called wherever an input changes: settings set or cleared, a key added,
 * swapped or removed, a peer added, changed or removed, a peer declared
 * dead or heard from again, a key worn out. Raises status-changed only
 * when the status really changes.
 *
 * Context: rtnl held.
 */
void ptun_status_update(struct ptun_device *ptun)
{
	enum ptun_status status;

	ASSERT_RTNL();
	if (ptun->dev->reg_state != NETREG_REGISTERED)
		return;
	status = ptun_status_compute(ptun);
	if (status == ptun->status)
		return;
	WRITE_ONCE(ptun->status, status);
	ptun_nl_notify_dev(ptun->dev, PTUN_CMD_STATUS_CHANGED_NTF);
}
