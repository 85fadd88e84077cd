/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel APIs module/lookup.c uses, on plain C and pthreads, so the
 * file compiles unchanged in userspace (the stub headers under include/
 * all lead here). Beyond compiling, the shim checks what lockdep would:
 * rcu_dereference_check() outside a read-side section, *_protected() or
 * ASSERT_RTNL() without rtnl. kfree_rcu() really waits for readers:
 * synchronize_rcu() is a small grace-period implementation, so the sanitizers
 * catch a node freed while a reader can still reach it.
 */
#ifndef _PTUN_SELFTEST_SHIM_H
#define _PTUN_SELFTEST_SHIM_H

#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef uint32_t __be32;
typedef uint64_t __be64;
typedef unsigned int gfp_t;

#define __rcu
#define __force
#define GFP_KERNEL 0u

#define be32_to_cpu(x) be32toh(x)
#define cpu_to_be32(x) htobe32(x)
#define be64_to_cpu(x) be64toh(x)
#define cpu_to_be64(x) htobe64(x)

#define min(a, b) ((a) < (b) ? (a) : (b))
#define min_t(t, a, b) min((t)(a), (t)(b))

static inline int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

/* Problems the kernel would report (lockdep, WARN) are counted, not fatal. */
extern unsigned long shim_errors;
extern unsigned long shim_warnings;
void shim_report(const char *what, const char *file, int line, const char *cond);

#define WARN_ON_ONCE(c) ({						\
	bool __c = !!(c);						\
	if (__c) {							\
		__atomic_add_fetch(&shim_warnings, 1, __ATOMIC_RELAXED); \
		shim_report("WARNING", __FILE__, __LINE__, #c);		\
	}								\
	__c;								\
})

/* ---- lists ---- */

struct list_head {
	struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }
#define LIST_HEAD(name) struct list_head name = LIST_HEAD_INIT(name)

static inline void INIT_LIST_HEAD(struct list_head *l)
{
	l->next = l;
	l->prev = l;
}

static inline void __list_link(struct list_head *e, struct list_head *prev,
			       struct list_head *next)
{
	next->prev = e;
	e->next = next;
	e->prev = prev;
	prev->next = e;
}

static inline void list_add(struct list_head *e, struct list_head *head)
{
	__list_link(e, head, head->next);
}

static inline void list_add_tail(struct list_head *e, struct list_head *head)
{
	__list_link(e, head->prev, head);
}

static inline void __list_unlink(struct list_head *e)
{
	if (e->prev->next != e || e->next->prev != e) {
		__atomic_add_fetch(&shim_errors, 1, __ATOMIC_RELAXED);
		shim_report("list corruption", __FILE__, __LINE__, "unlink");
	}
	e->next->prev = e->prev;
	e->prev->next = e->next;
}

static inline void list_del(struct list_head *e)
{
	__list_unlink(e);
	e->next = (struct list_head *)0x100;	/* poison, as the kernel does */
	e->prev = (struct list_head *)0x122;
}

static inline void list_del_init(struct list_head *e)
{
	__list_unlink(e);
	INIT_LIST_HEAD(e);
}

static inline void list_move_tail(struct list_head *e, struct list_head *head)
{
	__list_unlink(e);
	list_add_tail(e, head);
}

static inline int list_empty(const struct list_head *head)
{
	return head->next == head;
}

#define list_entry(ptr, type, member) container_of(ptr, type, member)
#define list_first_entry(ptr, type, member) list_entry((ptr)->next, type, member)
#define list_next_entry(pos, member) \
	list_entry((pos)->member.next, typeof(*(pos)), member)
#define list_for_each_entry(pos, head, member)				\
	for (pos = list_first_entry(head, typeof(*pos), member);	\
	     &pos->member != (head); pos = list_next_entry(pos, member))
#define list_for_each_entry_safe(pos, n, head, member)			\
	for (pos = list_first_entry(head, typeof(*pos), member),	\
	     n = list_next_entry(pos, member);				\
	     &pos->member != (head);					\
	     pos = n, n = list_next_entry(n, member))

/* ---- allocation, with failure injection and a live count ---- */

extern long shim_live_allocs;
extern long shim_fail_alloc_in;	/* fail the Nth allocation from now; 0: never */

static inline void *kzalloc(size_t size, gfp_t gfp)
{
	(void)gfp;
	if (shim_fail_alloc_in > 0 && --shim_fail_alloc_in == 0)
		return NULL;
	__atomic_add_fetch(&shim_live_allocs, 1, __ATOMIC_RELAXED);
	return calloc(1, size);
}

static inline void kfree(const void *p)
{
	if (p)
		__atomic_sub_fetch(&shim_live_allocs, 1, __ATOMIC_RELAXED);
	free((void *)p);
}

/* ---- rtnl: a per-thread flag; the tests have a single writer ---- */

extern __thread bool shim_rtnl_held;

static inline void rtnl_lock(void)
{
	shim_rtnl_held = true;
}

static inline void rtnl_unlock(void)
{
	shim_rtnl_held = false;
}

static inline bool lockdep_rtnl_is_held(void)
{
	return shim_rtnl_held;
}

#define ASSERT_RTNL() do {						\
	if (!shim_rtnl_held) {						\
		__atomic_add_fetch(&shim_errors, 1, __ATOMIC_RELAXED); \
		shim_report("RTNL: assertion failed", __FILE__, __LINE__, ""); \
	}								\
} while (0)

/* ---- RCU ---- */

struct rcu_head {
	struct rcu_head *next;
	size_t offset;		/* of the rcu_head in the object to free */
};

extern __thread int shim_rcu_nesting, shim_rcu_bh_nesting;

void shim_rcu_enter(void);
void shim_rcu_exit(void);
void synchronize_rcu(void);
void shim_kfree_rcu(struct rcu_head *head, size_t offset);
/* Readers must register before their first read-side section. */
void shim_rcu_register_thread(void);

static inline void rcu_read_lock(void)
{
	shim_rcu_enter();
	shim_rcu_nesting++;
}

static inline void rcu_read_unlock(void)
{
	shim_rcu_nesting--;
	shim_rcu_exit();
}

static inline void rcu_read_lock_bh(void)
{
	shim_rcu_enter();
	shim_rcu_bh_nesting++;
}

static inline void rcu_read_unlock_bh(void)
{
	shim_rcu_bh_nesting--;
	shim_rcu_exit();
}

static inline bool rcu_read_lock_held(void)
{
	return shim_rcu_nesting > 0;
}

static inline bool rcu_read_lock_bh_held(void)
{
	return shim_rcu_bh_nesting > 0;
}

#define shim_lockdep(c, what) do {					\
	if (!(c)) {							\
		__atomic_add_fetch(&shim_errors, 1, __ATOMIC_RELAXED); \
		shim_report("suspicious RCU usage: " what,		\
			    __FILE__, __LINE__, #c);			\
	}								\
} while (0)

#define rcu_dereference_check(p, c) ({					\
	shim_lockdep((c) || rcu_read_lock_held(), "rcu_dereference_check"); \
	__atomic_load_n(&(p), __ATOMIC_ACQUIRE);			\
})
#define rcu_dereference(p) rcu_dereference_check(p, 0)
#define rcu_dereference_bh(p) rcu_dereference_check(p, rcu_read_lock_bh_held())
#define rcu_dereference_protected(p, c) ({				\
	shim_lockdep(c, "rcu_dereference_protected");			\
	(p);								\
})
#define rtnl_dereference(p) rcu_dereference_protected(p, lockdep_rtnl_is_held())
#define rcu_assign_pointer(p, v) \
	__atomic_store_n(&(p), (typeof(p))(v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v) \
	__atomic_store_n(&(p), (typeof(p))(v), __ATOMIC_RELAXED)
#define kfree_rcu(p, f) shim_kfree_rcu(&(p)->f, offsetof(typeof(*(p)), f))

#endif /* _PTUN_SELFTEST_SHIM_H */
