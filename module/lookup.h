/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Cryptokey routing: which peer owns an inner address. A path-compressed
 * binary radix trie per address family maps prefixes to peers; the packet
 * path looks up under RCU, configuration changes it under rtnl.
 */
#ifndef _PTUN_LOOKUP_H
#define _PTUN_LOOKUP_H

#include <linux/compiler_types.h>
#include <linux/list.h>
#include <linux/types.h>

struct ptun_peer;
struct ptun_trie_node;

/**
 * struct ptun_trie - longest-prefix-match table of one device
 * @root4: top of the IPv4 trie, NULL when empty
 * @root6: top of the IPv6 trie, NULL when empty
 *
 * Both roots, and every link below them, are written under rtnl and read
 * under rcu_read_lock() or rcu_read_lock_bh().
 */
struct ptun_trie {
	struct ptun_trie_node __rcu *root4;
	struct ptun_trie_node __rcu *root6;
};

/**
 * struct ptun_trie_pool - nodes allocated ahead of a batch of insertions
 * @nodes: the unused nodes
 * @count: how many nodes are on @nodes
 *
 * Allocating before taking the decision to change the trie lets a list of
 * prefixes go in either completely or not at all. Owned by one writer;
 * no locking of its own.
 */
struct ptun_trie_pool {
	struct list_head nodes;
	unsigned int count;
};

void ptun_trie_init(struct ptun_trie *t);
void ptun_trie_free(struct ptun_trie *t);

int ptun_trie_pool_fill(struct ptun_trie_pool *pool, unsigned int n);
void ptun_trie_pool_drain(struct ptun_trie_pool *pool);

void ptun_trie_insert(struct ptun_trie *t, int family, const void *addr, u8 cidr,
		      struct ptun_peer *peer, struct list_head *peer_nodes,
		      struct ptun_trie_pool *pool);
void ptun_trie_remove_peer(struct ptun_trie *t, struct list_head *peer_nodes);

struct ptun_peer *ptun_trie_lookup(struct ptun_trie *t, int family, const void *addr);

bool ptun_trie_next_prefix(const struct list_head **pos,
			   const struct list_head *peer_nodes,
			   struct ptun_trie_node **node);
void ptun_trie_node_prefix(const struct ptun_trie_node *node, int *family,
			   u8 addr[16], u8 *cidr);
unsigned int ptun_trie_count(const struct list_head *peer_nodes);

/**
 * ptun_trie_for_each_prefix - walk the prefixes a peer owns
 * @node: struct ptun_trie_node * cursor
 * @peer_nodes: the peer's list head, as given to ptun_trie_insert()
 *
 * Under rtnl; the body must not insert or remove prefixes. Read each
 * prefix with ptun_trie_node_prefix().
 */
#define ptun_trie_for_each_prefix(node, peer_nodes)			\
	for (const struct list_head *__ptun_head = (peer_nodes),	\
	     *__ptun_pos = __ptun_head;					\
	     ptun_trie_next_prefix(&__ptun_pos, __ptun_head, &(node));)

#endif /* _PTUN_LOOKUP_H */
