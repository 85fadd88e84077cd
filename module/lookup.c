// SPDX-License-Identifier: GPL-2.0
/*
 * Cryptokey routing: the longest configured prefix containing an inner
 * address names the peer that packet belongs to.
 *
 * Each family has a path-compressed binary trie. A node stands for the
 * prefix key/cidr; its children hold longer prefixes that go on with a 0 or
 * a 1 at bit position cidr. Nodes exist only for configured prefixes and for
 * the points where two of them part ways, so a node without a peer always
 * has two children: n prefixes take at most 2n - 1 nodes, and every walk
 * visits at most 33 (IPv4) or 129 (IPv6) of them.
 *
 * Readers walk without locks under RCU. A node's key and cidr never change
 * once it is reachable, and a node is complete before rcu_assign_pointer()
 * makes it reachable, so a reader follows either the old or the new link
 * and finds an answer that was right before or after the change. Writers
 * hold rtnl; a node is freed only after a grace period following its
 * unlinking.
 */

#include <linux/bitops.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/byteorder.h>

#include "lookup.h"

/**
 * struct ptun_trie_node - a configured prefix, or a fork between prefixes
 * @child: longer prefixes going on with a 0 (@child[0]) or a 1 (@child[1])
 *	at bit position @cidr. Written under rtnl, read under RCU.
 * @peer: owner of the prefix; NULL for a fork, which then has two children.
 *	Written under rtnl, read under RCU.
 * @key: the prefix as a 128-bit number in host order, most significant
 *	half first, bits from @cidr on zero; IPv4 uses the top 32 bits.
 *	Fixed while the node is in a trie.
 * @cidr: prefix length, fixed while the node is in a trie
 * @family: AF_INET or AF_INET6, fixed while the node is in a trie
 * @parent_bit: which child of @parent this node is (rtnl)
 * @parent: the node whose child this is, NULL for a root (rtnl)
 * @peer_list: entry on the owner's list of prefixes, on a pool while
 *	unused, else linked to itself (rtnl)
 * @rcu: frees the node once readers are done with it
 *
 * What the packet path reads comes first, to share a cache line.
 */
struct ptun_trie_node {
	struct ptun_trie_node __rcu *child[2];
	struct ptun_peer __rcu *peer;
	u64 key[2];
	u8 cidr;
	u8 family;
	u8 parent_bit;
	struct ptun_trie_node *parent;
	struct list_head peer_list;
	struct rcu_head rcu;
};

/* Readers may hold either flavour of the RCU read lock. */
#define deref_reader(p) rcu_dereference_check(p, rcu_read_lock_bh_held())
#define deref_writer(p) rcu_dereference_protected(p, lockdep_rtnl_is_held())

static unsigned int family_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static struct ptun_trie_node __rcu **root_of(struct ptun_trie *t, int family)
{
	return family == AF_INET ? &t->root4 : &t->root6;
}

static void key_from_addr(u64 key[2], int family, const void *addr)
{
	__be64 a6[2];
	__be32 a4;

	if (family == AF_INET) {
		memcpy(&a4, addr, sizeof(a4));
		key[0] = (u64)be32_to_cpu(a4) << 32;
		key[1] = 0;
	} else {
		memcpy(a6, addr, sizeof(a6));
		key[0] = be64_to_cpu(a6[0]);
		key[1] = be64_to_cpu(a6[1]);
	}
}

/* The top @n bits of a u64, for 0 <= n <= 64 (a shift by 64 is undefined). */
static u64 top_bits(unsigned int n)
{
	return n ? ~0ULL << (64 - n) : 0;
}

static void key_mask(u64 key[2], unsigned int cidr)
{
	if (cidr <= 64) {
		key[0] &= top_bits(cidr);
		key[1] = 0;
	} else {
		key[1] &= top_bits(cidr - 64);
	}
}

/* Bit @pos of @key, counting from the most significant; pos < 128. */
static unsigned int key_bit(const u64 key[2], unsigned int pos)
{
	return (key[pos / 64] >> (63 - pos % 64)) & 1;
}

/* How many leading bits @a and @b share, 0 to 128. */
static unsigned int common_bits(const u64 a[2], const u64 b[2])
{
	u64 x;

	x = a[0] ^ b[0];
	if (x)
		return 64 - fls64(x);
	x = a[1] ^ b[1];
	if (x)
		return 128 - fls64(x);
	return 128;
}

static struct ptun_trie_node *pool_take(struct ptun_trie_pool *pool)
{
	struct ptun_trie_node *node;

	node = list_first_entry(&pool->nodes, struct ptun_trie_node, peer_list);
	list_del_init(&node->peer_list);
	pool->count--;
	return node;
}

/* Fill in a node that no reader can see yet. */
static void node_setup(struct ptun_trie_node *node, int family,
		       const u64 key[2], unsigned int cidr)
{
	RCU_INIT_POINTER(node->child[0], NULL);
	RCU_INIT_POINTER(node->child[1], NULL);
	RCU_INIT_POINTER(node->peer, NULL);
	node->key[0] = key[0];
	node->key[1] = key[1];
	key_mask(node->key, cidr);
	node->cidr = cidr;
	node->family = family;
}

/* Record that @node is child @bit of @parent (NULL: a root); writers only. */
static void node_set_parent(struct ptun_trie_node *node,
			    struct ptun_trie_node *parent, unsigned int bit)
{
	node->parent = parent;
	node->parent_bit = bit;
}

static void node_set_peer(struct ptun_trie_node *node, struct ptun_peer *peer,
			  struct list_head *peer_nodes)
{
	if (deref_writer(node->peer) == peer)
		return;
	/* A fork's entry is linked to itself, so moving works for both. */
	list_move_tail(&node->peer_list, peer_nodes);
	/* The peer may be new: publish its contents along with it. */
	rcu_assign_pointer(node->peer, peer);
}

/**
 * ptun_trie_init() - start an empty trie
 * @t: the trie
 */
void ptun_trie_init(struct ptun_trie *t)
{
	RCU_INIT_POINTER(t->root4, NULL);
	RCU_INIT_POINTER(t->root6, NULL);
}

/**
 * ptun_trie_pool_fill() - allocate the nodes for a batch of insertions
 * @pool: pool to initialise; it must not hold nodes
 * @n: how many prefixes will be inserted
 *
 * An insertion takes at most two nodes: one for the prefix and one where it
 * forks off an existing branch. The pool can be drained whatever this
 * returns. Context: may sleep.
 *
 * Return: 0, or -ENOMEM with @pool empty.
 */
int ptun_trie_pool_fill(struct ptun_trie_pool *pool, unsigned int n)
{
	struct ptun_trie_node *node;
	unsigned int i;

	INIT_LIST_HEAD(&pool->nodes);
	pool->count = 0;
	if (n > UINT_MAX / 2)
		return -ENOMEM;
	for (i = 0; i < 2 * n; i++) {
		node = kzalloc(sizeof(*node), GFP_KERNEL);
		if (!node) {
			ptun_trie_pool_drain(pool);
			return -ENOMEM;
		}
		list_add(&node->peer_list, &pool->nodes);
		pool->count++;
	}
	return 0;
}

/**
 * ptun_trie_pool_drain() - free the nodes a batch did not use
 * @pool: a pool set up by ptun_trie_pool_fill(); left empty
 */
void ptun_trie_pool_drain(struct ptun_trie_pool *pool)
{
	struct ptun_trie_node *node, *tmp;

	list_for_each_entry_safe(node, tmp, &pool->nodes, peer_list) {
		list_del(&node->peer_list);
		kfree(node);
	}
	pool->count = 0;
}

/**
 * ptun_trie_insert() - route a prefix to a peer
 * @t: the trie
 * @family: AF_INET or AF_INET6
 * @addr: 4 or 16 bytes in network order; bits past @cidr are ignored
 * @cidr: prefix length, at most 32 or 128
 * @peer: the new owner, not NULL
 * @peer_nodes: @peer's list of prefixes, where the node is linked
 * @pool: nodes to build with; at most two are taken
 *
 * A prefix that is already in the trie changes owner, leaving the old
 * owner's list. Bad arguments or a pool with too few nodes are caller bugs:
 * they warn and change nothing. Context: rtnl.
 */
void ptun_trie_insert(struct ptun_trie *t, int family, const void *addr, u8 cidr,
		      struct ptun_peer *peer, struct list_head *peer_nodes,
		      struct ptun_trie_pool *pool)
{
	struct ptun_trie_node *node, *parent = NULL, *leaf, *fork_node, *top;
	struct ptun_trie_node __rcu **slot;
	unsigned int bit = 0, common = 0;
	u64 key[2];

	ASSERT_RTNL();
	if (WARN_ON_ONCE(family != AF_INET && family != AF_INET6) ||
	    WARN_ON_ONCE(cidr > family_bits(family) || !peer))
		return;
	key_from_addr(key, family, addr);
	key_mask(key, cidr);

	/* Go down while the node's prefix contains ours. */
	slot = root_of(t, family);
	while ((node = deref_writer(*slot))) {
		common = min_t(unsigned int, common_bits(node->key, key), cidr);
		if (common < node->cidr)
			break;
		if (node->cidr == cidr) {
			node_set_peer(node, peer, peer_nodes);
			return;
		}
		parent = node;
		bit = key_bit(key, node->cidr);
		slot = &node->child[bit];
	}

	/* Ours goes at *slot, above @node, or beside it under a new fork. */
	if (WARN_ON_ONCE(pool->count < (node && common < cidr ? 2 : 1)))
		return;
	leaf = pool_take(pool);
	node_setup(leaf, family, key, cidr);
	RCU_INIT_POINTER(leaf->peer, peer);
	list_add_tail(&leaf->peer_list, peer_nodes);

	top = leaf;
	if (!node) {
		node_set_parent(leaf, parent, bit);
	} else if (common == cidr) {
		/* Ours contains @node's prefix: it becomes our child. */
		node_set_parent(leaf, parent, bit);
		RCU_INIT_POINTER(leaf->child[key_bit(node->key, cidr)], node);
		node_set_parent(node, leaf, key_bit(node->key, cidr));
	} else {
		/* They part at bit @common, where a fork holds both. */
		fork_node = pool_take(pool);
		node_setup(fork_node, family, key, common);
		node_set_parent(fork_node, parent, bit);
		RCU_INIT_POINTER(fork_node->child[key_bit(key, common)], leaf);
		node_set_parent(leaf, fork_node, key_bit(key, common));
		RCU_INIT_POINTER(fork_node->child[key_bit(node->key, common)], node);
		node_set_parent(node, fork_node, key_bit(node->key, common));
		top = fork_node;
	}
	/* Readers see nothing new until here; the barrier orders the above. */
	rcu_assign_pointer(*slot, top);
}

/*
 * Take out @node if it is a fork with fewer than two children, then its
 * parent if that became one; they are freed after a grace period.
 */
static void prune(struct ptun_trie *t, struct ptun_trie_node *node)
{
	struct ptun_trie_node *child, *other, *parent;
	struct ptun_trie_node __rcu **slot;

	while (node && !deref_writer(node->peer)) {
		child = deref_writer(node->child[0]);
		other = deref_writer(node->child[1]);
		if (child && other)
			return;
		child = child ?: other;
		parent = node->parent;
		slot = parent ? &parent->child[node->parent_bit] :
				root_of(t, node->family);
		if (child)
			node_set_parent(child, parent, node->parent_bit);
		/*
		 * Readers already on @node still find their way down from
		 * it; its links stay intact until it is freed.
		 */
		rcu_assign_pointer(*slot, child);
		kfree_rcu(node, rcu);
		/* The parent kept as many children as it had. */
		if (child)
			return;
		node = parent;
	}
}

/**
 * ptun_trie_remove_peer() - take every prefix of a peer out of the trie
 * @t: the trie
 * @peer_nodes: the peer's list of prefixes; left empty
 *
 * Packets may still be routed to the peer until a grace period has passed.
 * Context: rtnl.
 */
void ptun_trie_remove_peer(struct ptun_trie *t, struct list_head *peer_nodes)
{
	struct ptun_trie_node *node, *tmp;

	ASSERT_RTNL();
	/* Pruning frees only forks, never the next node on this list. */
	list_for_each_entry_safe(node, tmp, peer_nodes, peer_list) {
		list_del_init(&node->peer_list);
		RCU_INIT_POINTER(node->peer, NULL);
		prune(t, node);
	}
}

/**
 * ptun_trie_lookup() - find the peer owning the longest prefix of an address
 * @t: the trie
 * @family: AF_INET or AF_INET6; anything else finds nothing
 * @addr: 4 or 16 bytes in network order
 *
 * Context: rcu_read_lock() or rcu_read_lock_bh(); the peer is only
 * guaranteed to exist while that is held.
 *
 * Return: the peer, or NULL when no prefix contains @addr.
 */
struct ptun_peer *ptun_trie_lookup(struct ptun_trie *t, int family, const void *addr)
{
	struct ptun_peer *found = NULL, *peer;
	struct ptun_trie_node *node;
	unsigned int bits;
	u64 key[2];

	if (family == AF_INET)
		node = deref_reader(t->root4);
	else if (family == AF_INET6)
		node = deref_reader(t->root6);
	else
		return NULL;
	bits = family_bits(family);
	key_from_addr(key, family, addr);

	while (node && common_bits(node->key, key) >= node->cidr) {
		peer = deref_reader(node->peer);
		if (peer)
			found = peer;
		if (node->cidr == bits)
			break;
		node = deref_reader(node->child[key_bit(key, node->cidr)]);
	}
	return found;
}

/* Where a post-order walk of @node's subtree starts: down to a leaf. */
static struct ptun_trie_node *leftmost_leaf(struct ptun_trie_node *node)
{
	struct ptun_trie_node *child;

	while (node) {
		child = deref_writer(node->child[0]) ?: deref_writer(node->child[1]);
		if (!child)
			break;
		node = child;
	}
	return node;
}

static void free_family(struct ptun_trie_node __rcu **root)
{
	struct ptun_trie_node *node, *parent, *next;
	unsigned int bit;

	node = leftmost_leaf(deref_writer(*root));
	RCU_INIT_POINTER(*root, NULL);
	/*
	 * Post-order by parent links, children before parents, without
	 * touching links that late readers may still follow.
	 */
	while (node) {
		parent = node->parent;
		bit = node->parent_bit;
		list_del_init(&node->peer_list);
		kfree_rcu(node, rcu);
		if (!parent)
			break;
		next = bit ? NULL : deref_writer(parent->child[1]);
		node = next ? leftmost_leaf(next) : parent;
	}
}

/**
 * ptun_trie_free() - empty a trie
 * @t: the trie, left empty and reusable
 *
 * Prefixes still owned by a peer leave that peer's list, which must
 * therefore still exist. Nodes are freed after a grace period.
 * Context: rtnl.
 */
void ptun_trie_free(struct ptun_trie *t)
{
	ASSERT_RTNL();
	free_family(&t->root4);
	free_family(&t->root6);
}

/**
 * ptun_trie_next_prefix() - step of ptun_trie_for_each_prefix()
 * @pos: cursor on the peer's list, advanced by one entry
 * @peer_nodes: the peer's list of prefixes
 * @node: set to the prefix at the new position
 *
 * Return: false at the end of the list, leaving @node alone.
 */
bool ptun_trie_next_prefix(const struct list_head **pos,
			   const struct list_head *peer_nodes,
			   struct ptun_trie_node **node)
{
	*pos = (*pos)->next;
	if (*pos == peer_nodes)
		return false;
	*node = list_entry(*pos, struct ptun_trie_node, peer_list);
	return true;
}

/**
 * ptun_trie_node_prefix() - read the prefix a node stands for
 * @node: a node on a peer's list
 * @family: set to AF_INET or AF_INET6
 * @addr: set to the address in network order, 4 bytes for IPv4 followed by
 *	zeroes
 * @cidr: set to the prefix length
 *
 * Context: rtnl.
 */
void ptun_trie_node_prefix(const struct ptun_trie_node *node, int *family,
			   u8 addr[16], u8 *cidr)
{
	__be64 a6[2];
	__be32 a4;

	*family = node->family;
	*cidr = node->cidr;
	memset(addr, 0, 16);
	if (node->family == AF_INET) {
		a4 = cpu_to_be32(node->key[0] >> 32);
		memcpy(addr, &a4, sizeof(a4));
	} else {
		a6[0] = cpu_to_be64(node->key[0]);
		a6[1] = cpu_to_be64(node->key[1]);
		memcpy(addr, a6, sizeof(a6));
	}
}

/**
 * ptun_trie_count() - how many prefixes a peer owns
 * @peer_nodes: the peer's list of prefixes
 *
 * Context: rtnl.
 *
 * Return: the number of prefixes.
 */
unsigned int ptun_trie_count(const struct list_head *peer_nodes)
{
	const struct list_head *pos;
	unsigned int n = 0;

	for (pos = peer_nodes->next; pos != peer_nodes; pos = pos->next)
		n++;
	return n;
}
