// SPDX-License-Identifier: GPL-2.0
/*
 * A device's network settings (the packet tunnel provider's settings) and
 * the tunnel status derived from them and from the peers.
 *
 * The settings are one immutable object per device, built whole from a
 * checked request, published with rcu_assign_pointer() under rtnl and freed
 * after a grace period: a reader (a dump, the enforcement hooks, the outer
 * mark) sees the old object or the new one, never a mix. The tool programs
 * the FIB from them; the module enforces them (policy.c) and applies
 * their MTU.
 */

#include <linux/overflow.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "crypto.h"
#include "device.h"
#include "netlink.h"
#include "peer.h"
#include "policy.h"
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
 * The caller fills the lists and the strings, builds the classifier with
 * ptun_policy_build() (room for it is reserved here), then publishes the
 * object with ptun_settings_replace(). The counts are bounded by the
 * request's checks, so the size cannot overflow; it is checked anyway.
 *
 * Return: the object, zeroed but for the list pointers and counts, or NULL.
 */
struct ptun_settings *ptun_settings_alloc(const unsigned int n[PTUN_SL_MAX],
					  size_t str_bytes, char **strings)
{
	size_t size = sizeof(struct ptun_settings), off[PTUN_SL_MAX];
	size_t n4, n6, off4, off6;
	struct ptun_settings *s;
	int i;

	for (i = 0; i < PTUN_SL_MAX; i++) {
		size = ALIGN(size, 8);
		off[i] = size;
		size = size_add(size, array_size(n[i], ptun_sl_size[i]));
	}
	/* The classifier: the routes, the remotes and 0/0 for include-all. */
	n4 = (size_t)n[PTUN_SL_INCLUDE4] + n[PTUN_SL_EXCLUDE4] +
	     n[PTUN_SL_REMOTE] + 1;
	n6 = (size_t)n[PTUN_SL_INCLUDE6] + n[PTUN_SL_EXCLUDE6] +
	     n[PTUN_SL_REMOTE] + 1;
	size = ALIGN(size, 8);
	off4 = size;
	size = size_add(size, array_size(n4, sizeof(struct ptun_policy4)));
	size = ALIGN(size, 8);
	off6 = size;
	size = size_add(size, array_size(n6, sizeof(struct ptun_policy6)));
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
	s->policy.p4 = (void *)s + off4;
	s->policy.p6 = (void *)s + off6;
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

/*
 * Apply the MTU of new settings @s before they are published. Return: 0 or
 * the error of dev_set_mtu(), with nothing changed.
 */
static int ptun_settings_set_mtu(struct ptun_device *ptun,
				 const struct ptun_settings *s)
{
	const struct ptun_settings *old = rtnl_dereference(ptun->settings);
	struct net_device *dev = ptun->dev;
	int err;

	if (!s || !s->mtu)
		return 0;
	if (!old || !old->mtu)
		ptun->mtu_saved = dev->mtu;
	if (dev->mtu == s->mtu)
		return 0;
	ptun->mtu_auto = true;
	err = dev_set_mtu(dev, s->mtu);
	ptun->mtu_auto = false;
	return err;
}

/*
 * Settings with an MTU were replaced by settings without one, or cleared:
 * back to the user's MTU if the user chose one, else to the computed one.
 */
static void ptun_settings_restore_mtu(struct ptun_device *ptun)
{
	struct net_device *dev = ptun->dev;

	if (dev->reg_state != NETREG_REGISTERED)
		return;
	if (!ptun->mtu_user) {
		ptun_device_update_mtu(ptun);
		return;
	}
	ptun->mtu_auto = true;
	if (dev->mtu != ptun->mtu_saved && dev_set_mtu(dev, ptun->mtu_saved))
		netdev_warn(dev, "cannot restore mtu %u\n", ptun->mtu_saved);
	ptun->mtu_auto = false;
}

/**
 * ptun_settings_replace() - publish a device's new settings
 * @ptun: the device
 * @s: the new settings, or NULL to clear them
 * @extack: where to say why it failed, may be NULL
 *
 * Registers the enforcement hooks if @s needs them and applies its MTU
 * first; if either fails, nothing changed. Then @s is published, hooks no
 * longer needed are unregistered, the MTU goes back if @s has none, and
 * the peers' cached routes are dropped (the outer mark may have changed).
 * The old object is freed after a grace period. Nothing is reported here:
 * the caller raises settings-changed and updates the status.
 *
 * Context: rtnl held.
 * Return: 0, or a negative errno (never for @s NULL).
 */
int ptun_settings_replace(struct ptun_device *ptun, struct ptun_settings *s,
			  struct netlink_ext_ack *extack)
{
	struct ptun_settings *old = rtnl_dereference(ptun->settings);
	struct ptun_peer *peer;
	int err;

	ASSERT_RTNL();
	if (ptun_policy_wanted(s)) {
		err = ptun_policy_hooks(ptun, true);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "cannot register the enforcement hooks");
			return err;
		}
	}
	err = ptun_settings_set_mtu(ptun, s);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "the device refused the mtu");
		if (!ptun_policy_wanted(old))
			ptun_policy_hooks(ptun, false);
		return err;
	}

	rcu_assign_pointer(ptun->settings, s);
	ptun->settings_gen++;
	ptun_settings_seq++;
	if (!ptun_policy_wanted(s))
		ptun_policy_hooks(ptun, false);
	if (old && old->mtu && (!s || !s->mtu))
		ptun_settings_restore_mtu(ptun);
	list_for_each_entry(peer, &ptun->peer_list, peer_list)
		ptun_peer_reroute(peer);
	if (old)
		kvfree_rcu(old, rcu);
	return 0;
}

/* Drop the settings of a device that goes away. Context: rtnl held. */
void ptun_settings_free(struct ptun_device *ptun)
{
	ptun_settings_replace(ptun, NULL, NULL);
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
