// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace proof of module/lookup.c, compiled unchanged against shim.h.
 * The file is included, not linked, so the checks can also look inside the
 * nodes: parent links, forks, masking, depth.
 *
 * Every answer of ptun_trie_lookup() is compared with a brute-force
 * longest-prefix scan over a plain array of (prefix, owner) pairs, written
 * with byte arithmetic independent of the trie's.
 *
 * Usage: lookup_test TEST [SEED]; prints "# " diagnostics, exits 0 or 1.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <time.h>

#include "../../module/lookup.c"

struct ptun_peer {
	unsigned int id;
	struct list_head nodes;
};

static int failures;

#define fail(...) do {							\
	printf("# FAIL %s:%d: ", __func__, __LINE__);			\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	failures++;							\
} while (0)

#define expect(c, ...) do {						\
	if (!(c))							\
		fail(__VA_ARGS__);					\
} while (0)

/* ---- randomness: splitmix64, per thread ---- */

static __thread u64 rng;

static u64 rnd(void)
{
	u64 z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned int rnd_below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static void rnd_bytes(u8 *p, unsigned int n)
{
	while (n--)
		*p++ = rnd();
}

/* CPU time of this thread: a busy machine must not fail the scale test. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- byte arithmetic on network-order addresses ---- */

static unsigned int fam_bits(int family)
{
	return family == AF_INET ? 32 : 128;
}

static unsigned int fam_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

static unsigned int bit_of(const u8 *a, unsigned int pos)
{
	return (a[pos / 8] >> (7 - pos % 8)) & 1;
}

static void flip_bit(u8 *a, unsigned int pos)
{
	a[pos / 8] ^= 0x80 >> (pos % 8);
}

static void mask_bytes(u8 *a, unsigned int len, unsigned int cidr)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		if (cidr >= 8 * (i + 1))
			continue;
		if (cidr <= 8 * i)
			a[i] = 0;
		else
			a[i] &= 0xff << (8 - (cidr - 8 * i));
	}
}

/* Does prefix p/cidr contain address a? */
static bool contains(const u8 *p, unsigned int cidr, const u8 *a)
{
	unsigned int i;

	for (i = 0; i < cidr; i++)
		if (bit_of(p, i) != bit_of(a, i))
			return false;
	return true;
}

static void fmt_addr(char *buf, size_t size, int family, const u8 *a)
{
	if (!inet_ntop(family, a, buf, size))
		snprintf(buf, size, "?");
}

/* ---- the reference: a plain array, with a hash for exact lookups ---- */

struct ref {
	int family;
	u8 addr[16];
	u8 cidr;
	struct ptun_peer *peer;
};

#define MAX_REFS 40000
#define HASH_SIZE 131072

static struct ref refs[MAX_REFS];
static unsigned int nrefs;
static int hash[HASH_SIZE];	/* index + 1 into refs, 0: empty */

static unsigned int ref_hash(int family, const u8 *addr, u8 cidr)
{
	unsigned int h = family * 31 + cidr, i;

	for (i = 0; i < 16; i++)
		h = h * 16777619u ^ addr[i];
	return h % HASH_SIZE;
}

static int ref_find(int family, const u8 *addr, u8 cidr)
{
	unsigned int h = ref_hash(family, addr, cidr);
	struct ref *r;

	for (; hash[h]; h = (h + 1) % HASH_SIZE) {
		r = &refs[hash[h] - 1];
		if (r->family == family && r->cidr == cidr &&
		    !memcmp(r->addr, addr, 16))
			return hash[h] - 1;
	}
	return -1;
}

static void ref_rehash(void)
{
	unsigned int i, h;

	memset(hash, 0, sizeof(hash));
	for (i = 0; i < nrefs; i++) {
		h = ref_hash(refs[i].family, refs[i].addr, refs[i].cidr);
		while (hash[h])
			h = (h + 1) % HASH_SIZE;
		hash[h] = i + 1;
	}
}

static void ref_set(int family, const u8 *raw, u8 cidr, struct ptun_peer *peer)
{
	unsigned int h;
	u8 addr[16] = {};
	int i;

	memcpy(addr, raw, fam_len(family));
	mask_bytes(addr, 16, cidr);
	i = ref_find(family, addr, cidr);
	if (i >= 0) {
		refs[i].peer = peer;
		return;
	}
	if (nrefs == MAX_REFS) {
		fprintf(stderr, "reference table full\n");
		exit(1);
	}
	refs[nrefs].family = family;
	memcpy(refs[nrefs].addr, addr, 16);
	refs[nrefs].cidr = cidr;
	refs[nrefs].peer = peer;
	h = ref_hash(family, addr, cidr);
	while (hash[h])
		h = (h + 1) % HASH_SIZE;
	hash[h] = ++nrefs;
}

static void ref_remove_peer(struct ptun_peer *peer)
{
	unsigned int i, j = 0;

	for (i = 0; i < nrefs; i++)
		if (refs[i].peer != peer)
			refs[j++] = refs[i];
	nrefs = j;
	ref_rehash();
}

static void ref_clear(void)
{
	nrefs = 0;
	ref_rehash();
}

static struct ptun_peer *ref_lookup(int family, const u8 *addr)
{
	struct ptun_peer *best = NULL;
	int best_cidr = -1;
	unsigned int i;

	for (i = 0; i < nrefs; i++) {
		if (refs[i].family != family || refs[i].cidr <= best_cidr ||
		    !contains(refs[i].addr, refs[i].cidr, addr))
			continue;
		best = refs[i].peer;
		best_cidr = refs[i].cidr;
	}
	return best;
}

/* ---- the system under test ---- */

static struct ptun_trie trie;
/* Whether the nodes must match the reference (not in the scale test). */
static bool use_refs = true;
static struct ptun_peer *peers;
static unsigned int npeers;

static void peers_alloc(unsigned int n)
{
	unsigned int i;

	peers = calloc(n, sizeof(*peers));
	npeers = n;
	for (i = 0; i < n; i++) {
		peers[i].id = i;
		INIT_LIST_HEAD(&peers[i].nodes);
	}
}

static struct ptun_peer *lookup(int family, const u8 *addr)
{
	struct ptun_peer *p;

	/* Both read-side flavours the packet path uses. */
	if (rnd() & 1) {
		rcu_read_lock();
		p = ptun_trie_lookup(&trie, family, addr);
		rcu_read_unlock();
	} else {
		rcu_read_lock_bh();
		p = ptun_trie_lookup(&trie, family, addr);
		rcu_read_unlock_bh();
	}
	return p;
}

static int peer_id(const struct ptun_peer *p)
{
	return p ? (int)p->id : -1;
}

/* Insert and mirror in the reference; the pool must cover the insertion. */
static void insert(int family, const u8 *addr, u8 cidr, struct ptun_peer *peer,
		   struct ptun_trie_pool *pool)
{
	unsigned int before = pool->count;

	ptun_trie_insert(&trie, family, addr, cidr, peer, &peer->nodes, pool);
	expect(before - pool->count <= 2, "insert took %u nodes",
	       before - pool->count);
	ref_set(family, addr, cidr, peer);
}

static void insert_one(int family, const u8 *addr, u8 cidr,
		       struct ptun_peer *peer)
{
	struct ptun_trie_pool pool;

	expect(!ptun_trie_pool_fill(&pool, 1), "pool_fill");
	insert(family, addr, cidr, peer, &pool);
	ptun_trie_pool_drain(&pool);
}

static void remove_peer(struct ptun_peer *peer)
{
	ptun_trie_remove_peer(&trie, &peer->nodes);
	expect(list_empty(&peer->nodes), "peer %u still has prefixes", peer->id);
	ref_remove_peer(peer);
}

static bool compare(int family, const u8 *addr)
{
	struct ptun_peer *got = lookup(family, addr), *want;
	char buf[64];

	want = ref_lookup(family, addr);
	if (got == want)
		return true;
	fmt_addr(buf, sizeof(buf), family, addr);
	fail("lookup %s: peer %d, brute force says %d", buf, peer_id(got),
	     peer_id(want));
	return false;
}

/* ---- structure ---- */

struct walk_stats {
	unsigned int nodes, owned, max_depth;
};

static struct ptun_peer *node_owner(struct ptun_trie_node *node)
{
	return rcu_dereference_protected(node->peer, lockdep_rtnl_is_held());
}

static struct ptun_trie_node *node_child(struct ptun_trie_node *node, int b)
{
	return rcu_dereference_protected(node->child[b], lockdep_rtnl_is_held());
}

/* Every invariant of the trie, checked from the prefixes' byte form. */
static void check_family(struct ptun_trie_node *root, int family,
			 struct walk_stats *ws)
{
	struct { struct ptun_trie_node *node; unsigned int depth; } stack[260];
	u8 a[16], ca[16], masked[16], cidr, ccidr;
	struct ptun_trie_node *node, *child;
	unsigned int sp = 0, depth, kids;
	struct ptun_peer *owner;
	int fam, i, b;

	if (!root)
		return;
	expect(!root->parent, "root has a parent");
	stack[sp].node = root;
	stack[sp++].depth = 1;
	while (sp) {
		node = stack[--sp].node;
		depth = stack[sp].depth;
		if (depth > ws->max_depth)
			ws->max_depth = depth;
		ws->nodes++;
		expect(depth <= fam_bits(family) + 1, "depth %u", depth);
		ptun_trie_node_prefix(node, &fam, a, &cidr);
		expect(fam == family, "family %d in the %d trie", fam, family);
		expect(cidr <= fam_bits(family), "cidr %u", cidr);
		memcpy(masked, a, 16);
		mask_bytes(masked, 16, cidr);
		expect(!memcmp(masked, a, 16), "host bits set in a node");
		owner = node_owner(node);
		kids = 0;
		for (b = 0; b < 2; b++) {
			child = node_child(node, b);
			if (!child)
				continue;
			kids++;
			expect(child->parent == node && child->parent_bit == b,
			       "bad parent link");
			ptun_trie_node_prefix(child, &fam, ca, &ccidr);
			expect(ccidr > cidr && contains(a, cidr, ca) &&
			       bit_of(ca, cidr) == (unsigned int)b,
			       "child /%u does not extend /%u on side %d",
			       ccidr, cidr, b);
			if (sp < sizeof(stack) / sizeof(stack[0])) {
				stack[sp].node = child;
				stack[sp++].depth = depth + 1;
			} else {
				fail("walk stack overflow");
			}
		}
		expect(cidr < fam_bits(family) || !kids, "full-length node has children");
		if (!owner) {
			expect(kids == 2, "fork with %u children", kids);
			expect(list_empty(&node->peer_list), "fork on a list");
			continue;
		}
		ws->owned++;
		expect(owner >= peers && owner < peers + npeers, "bad owner pointer");
		if (!use_refs)
			continue;
		i = ref_find(family, a, cidr);
		expect(i >= 0 && refs[i].peer == owner,
		       "node owned by %d, reference says %d", peer_id(owner),
		       i >= 0 ? peer_id(refs[i].peer) : -2);
	}
}

static void check_structure(void)
{
	struct walk_stats ws = {};
	unsigned int i, n, total = 0, *per_peer;
	struct ptun_trie_node *node;
	u8 addr[16], cidr;
	int fam, j;

	check_family(rcu_dereference_protected(trie.root4, lockdep_rtnl_is_held()),
		     AF_INET, &ws);
	check_family(rcu_dereference_protected(trie.root6, lockdep_rtnl_is_held()),
		     AF_INET6, &ws);
	expect(ws.owned == nrefs, "%u owned nodes, %u prefixes", ws.owned, nrefs);
	expect(ws.nodes <= (nrefs ? 2 * nrefs - 1 : 0),
	       "%u nodes for %u prefixes", ws.nodes, nrefs);

	per_peer = calloc(npeers, sizeof(*per_peer));
	for (i = 0; i < nrefs; i++)
		per_peer[refs[i].peer->id]++;
	for (i = 0; i < npeers; i++) {
		n = 0;
		ptun_trie_for_each_prefix(node, &peers[i].nodes) {
			ptun_trie_node_prefix(node, &fam, addr, &cidr);
			j = ref_find(fam, addr, cidr);
			expect(j >= 0 && refs[j].peer == &peers[i],
			       "peer %u lists a prefix it does not own", i);
			n++;
		}
		expect(n == per_peer[i] && ptun_trie_count(&peers[i].nodes) == n,
		       "peer %u: %u listed, count %u, reference %u", i, n,
		       ptun_trie_count(&peers[i].nodes), per_peer[i]);
		total += n;
	}
	expect(total == nrefs, "lists hold %u, reference %u", total, nrefs);
	free(per_peer);

	/* With nothing pending, every live allocation is a node of the trie. */
	rtnl_unlock();
	synchronize_rcu();
	rtnl_lock();
	expect(shim_live_allocs == (long)ws.nodes, "%ld allocations, %u nodes",
	       shim_live_allocs, ws.nodes);
}

/* ---- generators: few bases, so prefixes overlap a lot ---- */

#define NBASES 6
static u8 bases[2][NBASES][16];

static void bases_init(void)
{
	int f, i;

	for (f = 0; f < 2; f++)
		for (i = 0; i < NBASES; i++)
			rnd_bytes(bases[f][i], 16);
}

static int rnd_family(void)
{
	return rnd() & 1 ? AF_INET : AF_INET6;
}

/* An address near a base: a few bits flipped, mostly late ones. */
static void near_base(int family, u8 *a)
{
	unsigned int bits = fam_bits(family), n = rnd_below(4);

	memset(a, 0, 16);
	memcpy(a, bases[family == AF_INET6][rnd_below(NBASES)], fam_len(family));
	while (n--)
		flip_bit(a, bits - 1 - rnd_below(rnd() & 1 ? bits : bits / 4));
}

/* Host bits are left random: the trie must mask them. */
static void gen_prefix(int *family, u8 *addr, u8 *cidr)
{
	static const u8 usual4[] = { 8, 12, 16, 20, 24, 28, 30, 31 };
	static const u8 usual6[] = { 16, 32, 48, 56, 63, 64, 65, 96, 112, 127 };
	unsigned int bits, r = rnd_below(20);

	*family = rnd_family();
	bits = fam_bits(*family);
	near_base(*family, addr);
	if (r == 0)
		*cidr = 0;
	else if (r < 5)
		*cidr = bits;
	else if (r < 10)
		*cidr = *family == AF_INET ? usual4[rnd_below(sizeof(usual4))] :
					     usual6[rnd_below(sizeof(usual6))];
	else
		*cidr = rnd_below(bits + 1);
}

static void gen_query(int *family, u8 *a)
{
	unsigned int r = rnd_below(8), bits, pos;
	struct ref *ref;

	if (nrefs && r < 4) {
		/* Inside a stored prefix, or just outside it. */
		ref = &refs[rnd_below(nrefs)];
		*family = ref->family;
		bits = fam_bits(*family);
		memcpy(a, ref->addr, 16);
		for (pos = ref->cidr; pos < bits; pos++)
			if (rnd() & 1)
				flip_bit(a, pos);
		if (r == 3 && ref->cidr)
			flip_bit(a, ref->cidr - 1 - rnd_below(ref->cidr < 3 ? ref->cidr : 3));
	} else if (r < 7) {
		*family = rnd_family();
		near_base(*family, a);
	} else {
		*family = rnd_family();
		memset(a, 0, 16);
		rnd_bytes(a, fam_len(*family));
	}
}

/* ---- tests ---- */

static bool check_step(unsigned int queries)
{
	int before = failures, family;
	unsigned int i;
	u8 a[16];

	for (i = 0; i < queries; i++) {
		gen_query(&family, a);
		if (!compare(family, a))
			break;
	}
	check_structure();
	return failures == before;
}

static void t_random(void)
{
	struct ptun_trie_pool pool;
	unsigned int step, i, k, steps = 8000, max_refs = 0;
	struct ptun_peer *peer;
	int family, r;
	u8 a[16], cidr;

	peers_alloc(48);
	bases_init();
	ptun_trie_init(&trie);
	rtnl_lock();
	for (step = 0; step < steps && !failures; step++) {
		r = rnd_below(100);
		/* Let the table grow to some hundreds of prefixes, then shrink. */
		if (nrefs > 600 && r < 70)
			r += 50;
		if (nrefs > max_refs)
			max_refs = nrefs;
		peer = &peers[rnd_below(npeers)];
		if (r < 70) {
			/* A batch, as a netlink message brings them. */
			k = 1 + rnd_below(6);
			expect(!ptun_trie_pool_fill(&pool, k), "pool_fill");
			for (i = 0; i < k; i++) {
				gen_prefix(&family, a, &cidr);
				insert(family, a, cidr, peer, &pool);
			}
			ptun_trie_pool_drain(&pool);
		} else if (r < 90 && nrefs) {
			/* The same prefix again: to a new owner, or the same. */
			i = rnd_below(nrefs);
			memcpy(a, refs[i].addr, 16);
			if (rnd() & 1)
				rnd_bytes(a + (refs[i].cidr + 7) / 8,
					  16 - (refs[i].cidr + 7) / 8);
			if (rnd_below(4) == 0)
				peer = refs[i].peer;
			insert_one(refs[i].family, a, refs[i].cidr, peer);
		} else if (r < 99) {
			remove_peer(peer);
		} else {
			/* Teardown with peers still holding prefixes. */
			ptun_trie_free(&trie);
			for (i = 0; i < npeers; i++)
				expect(list_empty(&peers[i].nodes),
				       "peer %u kept prefixes after free", i);
			ref_clear();
		}
		if (!check_step(48))
			printf("# at step %u\n", step);
	}
	printf("# %u steps, up to %u prefixes\n", step, max_refs);
	for (i = 0; i < npeers; i++)
		remove_peer(&peers[i]);
	check_structure();
	expect(!trie.root4 && !trie.root6, "trie not empty after removing all");
	rtnl_unlock();
	synchronize_rcu();
	expect(shim_live_allocs == 0, "%ld allocations left", shim_live_allocs);
}

static void parse(int family, const char *s, u8 *a)
{
	memset(a, 0, 16);
	if (inet_pton(family, s, a) != 1) {
		fprintf(stderr, "bad address %s\n", s);
		exit(1);
	}
}

static void put(const char *s, u8 cidr, unsigned int peer)
{
	int family = strchr(s, ':') ? AF_INET6 : AF_INET;
	u8 a[16];

	parse(family, s, a);
	insert_one(family, a, cidr, &peers[peer]);
}

static void want(const char *s, int peer)
{
	int family = strchr(s, ':') ? AF_INET6 : AF_INET;
	struct ptun_peer *got;
	u8 a[16];

	parse(family, s, a);
	got = lookup(family, a);
	expect(peer_id(got) == peer, "%s: peer %d, want %d", s, peer_id(got), peer);
	/* The reference must agree with the hand-written answer, too. */
	expect(ref_lookup(family, a) == got, "%s: reference disagrees", s);
}

static void t_edges(void)
{
	struct ptun_trie_pool pool;
	struct ptun_trie_node *node;
	unsigned long warnings;
	u8 a[16], b[16], cidr;
	int family;

	peers_alloc(8);
	ptun_trie_init(&trie);
	rtnl_lock();
	want("10.0.0.1", -1);
	want("::", -1);

	put("10.1.2.3", 32, 1);
	put("10.0.0.0", 8, 2);
	put("10.1.0.0", 16, 3);
	put("0.0.0.0", 0, 4);
	want("10.1.2.3", 1);
	want("10.1.2.4", 3);
	want("10.2.0.0", 2);
	want("11.0.0.0", 4);
	want("255.255.255.255", 4);
	want("::1", -1);	/* an IPv4 default covers no IPv6 */

	/* Host bits are dropped: the stored prefix is 192.168.1.0/24. */
	put("192.168.1.77", 24, 5);
	parse(AF_INET, "192.168.1.0", b);
	ptun_trie_for_each_prefix(node, &peers[5].nodes) {
		ptun_trie_node_prefix(node, &family, a, &cidr);
		expect(family == AF_INET && cidr == 24 && !memcmp(a, b, 16),
		       "peer 5 has the wrong prefix");
	}
	expect(ptun_trie_count(&peers[5].nodes) == 1, "peer 5 count");
	want("192.168.1.200", 5);
	want("192.168.2.1", 4);

	/* The same prefix to another peer moves it. */
	put("10.1.0.0", 16, 2);
	expect(ptun_trie_count(&peers[3].nodes) == 0, "peer 3 kept 10.1/16");
	expect(ptun_trie_count(&peers[2].nodes) == 2, "peer 2 has %u",
	       ptun_trie_count(&peers[2].nodes));
	want("10.1.9.9", 2);
	remove_peer(&peers[2]);
	want("10.1.9.9", 4);
	want("10.1.2.3", 1);
	remove_peer(&peers[4]);
	want("10.1.9.9", -1);
	check_structure();

	/* IPv6 across the 64-bit halves of the key. */
	put("2001:db8::", 32, 1);
	put("2001:db8:0:0:8000::", 65, 2);
	put("2001:db8::1", 128, 3);
	put("2001:db8::", 127, 4);
	put("2001:db8:0:1::", 64, 5);
	put("::", 0, 6);
	want("2001:db8::1", 3);
	want("2001:db8::", 4);
	want("2001:db8::2", 1);
	want("2001:db8:0:0:8000::1", 2);
	want("2001:db8:0:0:7fff::1", 1);
	want("2001:db8:0:1:ffff::", 5);
	want("2001:db9::", 6);
	want("10.1.2.3", 1);
	check_structure();

	/* Forks go when their prefixes go, and come back as prefixes. */
	remove_peer(&peers[3]);
	remove_peer(&peers[4]);
	want("2001:db8::1", 1);
	put("2001:db8::", 126, 7);
	want("2001:db8::3", 7);
	check_structure();

	/* Misuse warns and changes nothing. */
	printf("# four warnings expected:\n");
	warnings = shim_warnings;
	parse(AF_INET, "1.2.3.4", a);
	expect(!ptun_trie_pool_fill(&pool, 1), "pool_fill");
	ptun_trie_insert(&trie, AF_INET, a, 33, &peers[1], &peers[1].nodes, &pool);
	ptun_trie_insert(&trie, AF_PACKET, a, 8, &peers[1], &peers[1].nodes, &pool);
	ptun_trie_insert(&trie, AF_INET, a, 8, NULL, &peers[1].nodes, &pool);
	expect(pool.count == 2, "a bad insert took nodes");
	ptun_trie_pool_drain(&pool);
	expect(!ptun_trie_pool_fill(&pool, 0) && pool.count == 0, "empty pool");
	ptun_trie_insert(&trie, AF_INET, a, 8, &peers[1], &peers[1].nodes, &pool);
	ptun_trie_pool_drain(&pool);
	expect(shim_warnings == warnings + 4, "%lu warnings, want 4",
	       shim_warnings - warnings);
	shim_warnings = warnings;
	want("1.2.3.4", -1);
	rcu_read_lock();
	expect(!ptun_trie_lookup(&trie, AF_PACKET, a), "lookup of AF_PACKET");
	rcu_read_unlock();
	check_structure();

	/* Teardown with owners left, then the trie is usable again. */
	ptun_trie_free(&trie);
	ref_clear();
	expect(ptun_trie_count(&peers[1].nodes) == 0, "peer 1 kept prefixes");
	want("2001:db8::1", -1);
	put("0.0.0.0", 0, 1);
	want("8.8.8.8", 1);
	ptun_trie_free(&trie);
	ref_clear();
	check_structure();
	rtnl_unlock();
	synchronize_rcu();
	expect(shim_live_allocs == 0, "%ld allocations left", shim_live_allocs);
}

static void t_pool(void)
{
	struct ptun_trie_pool pool;
	int i, err;

	for (i = 1; i <= 6; i++) {
		shim_fail_alloc_in = i;
		err = ptun_trie_pool_fill(&pool, 3);
		expect(err == -ENOMEM && pool.count == 0 && list_empty(&pool.nodes),
		       "allocation %d failing: %d, %u nodes", i, err, pool.count);
		expect(shim_live_allocs == 0, "%ld allocations leaked", shim_live_allocs);
		ptun_trie_pool_drain(&pool);
	}
	shim_fail_alloc_in = 0;
	expect(!ptun_trie_pool_fill(&pool, 3) && pool.count == 6, "fill 3");
	ptun_trie_pool_drain(&pool);
	expect(pool.count == 0 && shim_live_allocs == 0, "drain");
	expect(ptun_trie_pool_fill(&pool, UINT_MAX) == -ENOMEM, "huge fill");
	ptun_trie_pool_drain(&pool);
}

/*
 * 10 000 peers, each with a /32 and a /128, every 16th also with a /24 and
 * a /64 over its neighbours, and a default route: insertion, a million
 * lookups and removal must each stay well within a second of CPU time.
 */
static void t_scale(void)
{
	const unsigned int n = 10000, nlookups = 1000000;
	double t0, t_ins, t_look, t_del;
	unsigned int i, j, ok = 0, *order;
	struct ptun_trie_pool pool;
	struct walk_stats ws = {};
	u8 a4[16], a6[16], a[16], (*v6)[16];
	struct ptun_peer *p;

	peers_alloc(n);
	use_refs = false;
	v6 = malloc(n * sizeof(*v6));
	ptun_trie_init(&trie);
	rtnl_lock();
	t0 = now();
	for (i = 0; i < n; i++) {
		memset(a4, 0, 16);
		a4[0] = 10;
		a4[1] = i >> 16;
		a4[2] = i >> 8;
		a4[3] = i;
		parse(AF_INET6, "fd00::", a6);
		a6[8] = i >> 8;
		a6[9] = i;
		rnd_bytes(a6 + 10, 6);
		memcpy(v6[i], a6, 16);
		expect(!ptun_trie_pool_fill(&pool, 4), "pool_fill");
		ptun_trie_insert(&trie, AF_INET, a4, 32, &peers[i], &peers[i].nodes, &pool);
		ptun_trie_insert(&trie, AF_INET6, a6, 128, &peers[i], &peers[i].nodes, &pool);
		if (i % 16 == 0) {
			ptun_trie_insert(&trie, AF_INET, a4, 24, &peers[i],
					 &peers[i].nodes, &pool);
			ptun_trie_insert(&trie, AF_INET6, a6, 64, &peers[i],
					 &peers[i].nodes, &pool);
		}
		if (i == 0) {
			ptun_trie_insert(&trie, AF_INET, a4, 0, &peers[i],
					 &peers[i].nodes, &pool);
			ptun_trie_insert(&trie, AF_INET6, a6, 0, &peers[i],
					 &peers[i].nodes, &pool);
		}
		ptun_trie_pool_drain(&pool);
	}
	t_ins = now() - t0;

	check_family(rcu_dereference_protected(trie.root4, lockdep_rtnl_is_held()),
		     AF_INET, &ws);
	check_family(rcu_dereference_protected(trie.root6, lockdep_rtnl_is_held()),
		     AF_INET6, &ws);
	printf("# %u nodes, deepest walk %u nodes\n", ws.nodes, ws.max_depth);
	expect(ws.max_depth <= 129, "depth %u", ws.max_depth);

	/* Each peer's own /32 and /128 are the most specific. */
	t0 = now();
	rcu_read_lock_bh();
	for (j = 0; j < nlookups; j++) {
		i = rnd_below(n);
		p = NULL;
		if (j & 1) {
			memset(a, 0, 16);
			a[0] = 10;
			a[1] = i >> 16;
			a[2] = i >> 8;
			a[3] = i;
			p = ptun_trie_lookup(&trie, AF_INET, a);
		} else {
			p = ptun_trie_lookup(&trie, AF_INET6, v6[i]);
		}
		ok += p == &peers[i];
	}
	rcu_read_unlock_bh();
	t_look = now() - t0;
	expect(ok == nlookups, "%u of %u lookups right", ok, nlookups);

	order = malloc(n * sizeof(*order));
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = rnd_below(i + 1);
		ok = order[i];
		order[i] = order[j];
		order[j] = ok;
	}
	t0 = now();
	for (i = 0; i < n; i++)
		ptun_trie_remove_peer(&trie, &peers[order[i]].nodes);
	t_del = now() - t0;
	free(order);
	free(v6);
	expect(!trie.root4 && !trie.root6, "trie not empty");
	rtnl_unlock();
	synchronize_rcu();
	expect(shim_live_allocs == 0, "%ld allocations left", shim_live_allocs);

	printf("# insert %.1f ms (%.0f ns/prefix), lookup %.0f ns, remove %.1f ms\n",
	       t_ins * 1e3, t_ins * 1e9 / (2 * n + 2 * n / 16 + 2),
	       t_look * 1e9 / nlookups, t_del * 1e3);
	expect(t_ins < 1 && t_look < 2 && t_del < 1, "too slow");
}

/*
 * Readers look up without pause while one writer churns prefixes around a
 * fixed set of host routes (anchors). Nothing can be longer than a host
 * route, so an anchor's address must find its peer at every instant, even
 * while forks appear and vanish on its path; any other answer must be a
 * real peer. Under ThreadSanitizer this also proves that every node is
 * complete before readers can reach it and freed only after they left.
 */
#define NANCHORS 128
#define NCHURN 24

static u8 anchor_addr[2 * NANCHORS][16];
static bool stop;

struct reader_arg {
	pthread_t thread;
	u64 seed;
	unsigned long lookups, bad;
};

static void *reader(void *arg)
{
	struct reader_arg *ra = arg;
	struct ptun_peer *p, *q;
	unsigned int i;
	int family;
	u8 a[16];

	rng = ra->seed;
	shim_rcu_register_thread();
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		i = rnd_below(2 * NANCHORS);
		family = i < NANCHORS ? AF_INET : AF_INET6;
		near_base(rnd_family(), a);
		if (rnd() & 1) {
			rcu_read_lock();
			p = ptun_trie_lookup(&trie, family, anchor_addr[i]);
			q = ptun_trie_lookup(&trie, AF_INET6, a);
			q = q ?: ptun_trie_lookup(&trie, AF_INET, a);
			rcu_read_unlock();
		} else {
			rcu_read_lock_bh();
			p = ptun_trie_lookup(&trie, family, anchor_addr[i]);
			q = ptun_trie_lookup(&trie, AF_INET, a);
			q = q ?: ptun_trie_lookup(&trie, AF_INET6, a);
			rcu_read_unlock_bh();
		}
		if (p != &peers[i] || (q && (q < peers || q >= peers + npeers)))
			ra->bad++;
		ra->lookups++;
	}
	return NULL;
}

static void t_readers(unsigned int ops)
{
	struct reader_arg ra[2] = { { .seed = rnd() }, { .seed = rnd() } };
	struct ptun_peer *peer, *churn;
	struct ptun_trie_pool pool;
	unsigned int i, k, op;
	int family;
	u8 a[16], cidr;

	peers_alloc(2 * NANCHORS + NCHURN);
	churn = &peers[2 * NANCHORS];
	bases_init();
	ptun_trie_init(&trie);
	rtnl_lock();
	for (i = 0; i < 2 * NANCHORS; i++) {
		family = i < NANCHORS ? AF_INET : AF_INET6;
		do {
			near_base(family, anchor_addr[i]);
			rnd_bytes(anchor_addr[i] + fam_len(family) - 1, 1);
		} while (ref_find(family, anchor_addr[i], fam_bits(family)) >= 0);
		insert_one(family, anchor_addr[i], fam_bits(family), &peers[i]);
	}
	check_structure();
	for (i = 0; i < 2; i++)
		pthread_create(&ra[i].thread, NULL, reader, &ra[i]);

	for (op = 0; op < ops && !failures; op++) {
		peer = &churn[rnd_below(NCHURN)];
		k = rnd_below(10);
		if (k < 5) {
			k = 1 + rnd_below(4);
			expect(!ptun_trie_pool_fill(&pool, k), "pool_fill");
			while (k--) {
				gen_prefix(&family, a, &cidr);
				if (cidr == fam_bits(family))
					cidr--;
				insert(family, a, cidr, peer, &pool);
			}
			ptun_trie_pool_drain(&pool);
		} else if (k < 7) {
			/* Move a churn prefix to another churn peer. */
			i = rnd_below(nrefs);
			if (refs[i].peer >= churn)
				insert_one(refs[i].family, refs[i].addr,
					   refs[i].cidr, peer);
		} else {
			remove_peer(peer);
		}
		/* Frees what the change unlinked, once readers moved on. */
		rtnl_unlock();
		synchronize_rcu();
		rtnl_lock();
		if (op % 64 == 0 && !check_step(16))
			printf("# at op %u\n", op);
	}
	__atomic_store_n(&stop, true, __ATOMIC_RELEASE);
	for (i = 0; i < 2; i++) {
		pthread_join(ra[i].thread, NULL);
		printf("# reader %u: %lu lookups, %lu wrong\n", i, ra[i].lookups,
		       ra[i].bad);
		expect(!ra[i].bad, "reader %u saw %lu wrong answers", i, ra[i].bad);
		expect(ra[i].lookups > 0, "reader %u never ran", i);
	}
	printf("# %u writer operations, %u prefixes at the end\n", op, nrefs);
	check_step(256);
	for (i = 0; i < npeers; i++)
		remove_peer(&peers[i]);
	check_structure();
	rtnl_unlock();
	synchronize_rcu();
	expect(shim_live_allocs == 0, "%ld allocations left", shim_live_allocs);
}

static void t_readers_long(void)
{
	t_readers(4000);
}

static void t_readers_short(void)
{
	t_readers(600);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{ "random", t_random },
		{ "edges", t_edges },
		{ "pool", t_pool },
		{ "scale", t_scale },
		{ "readers", t_readers_long },
		{ "readers-short", t_readers_short },
	};
	unsigned int i;
	u64 seed = 1;

	if (argc < 2) {
		fprintf(stderr, "usage: %s TEST [SEED]\n", argv[0]);
		return 2;
	}
	if (argc > 2)
		seed = strtoull(argv[2], NULL, 0);
	rng = seed;
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (strcmp(argv[1], tests[i].name))
			continue;
		printf("# %s, seed %llu\n", tests[i].name, (unsigned long long)seed);
		tests[i].fn();
		if (shim_errors)
			fail("%lu lockdep-style errors", shim_errors);
		if (shim_warnings)
			fail("%lu warnings", shim_warnings);
		return failures ? 1 : 0;
	}
	fprintf(stderr, "unknown test %s\n", argv[1]);
	return 2;
}
