// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's state and a small RCU: a reader publishes the grace-period
 * number it started in; synchronize_rcu() starts a new period and waits
 * until no reader is left in an older one, then frees what kfree_rcu()
 * queued before it began.
 */
#include <pthread.h>

#include "shim.h"

unsigned long shim_errors;
unsigned long shim_warnings;
long shim_live_allocs;
long shim_fail_alloc_in;
__thread bool shim_rtnl_held;
__thread int shim_rcu_nesting, shim_rcu_bh_nesting;

#define MAX_READERS 64

/* Per reader thread: the period its read-side section began in, 0 if none. */
static unsigned long reader_period[MAX_READERS];
static int nr_readers;
static __thread int reader_idx = -1;
static unsigned long period = 1;
/* Queued by kfree_rcu(); writer side only. */
static struct rcu_head *pending;

void shim_report(const char *what, const char *file, int line, const char *cond)
{
	printf("# %s at %s:%d: %s\n", what, file, line, cond);
	fflush(stdout);
}

void shim_rcu_register_thread(void)
{
	if (reader_idx >= 0)
		return;
	reader_idx = __atomic_fetch_add(&nr_readers, 1, __ATOMIC_SEQ_CST);
	if (reader_idx >= MAX_READERS) {
		fprintf(stderr, "shim: too many reader threads\n");
		abort();
	}
}

void shim_rcu_enter(void)
{
	if (shim_rcu_nesting + shim_rcu_bh_nesting)
		return;
	shim_rcu_register_thread();
	__atomic_store_n(&reader_period[reader_idx],
			 __atomic_load_n(&period, __ATOMIC_SEQ_CST),
			 __ATOMIC_SEQ_CST);
	/* Pairs with the fences in synchronize_rcu(). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

void shim_rcu_exit(void)
{
	if (shim_rcu_nesting + shim_rcu_bh_nesting)
		return;
	/* Release: everything this reader did precedes the free. */
	__atomic_store_n(&reader_period[reader_idx], 0, __ATOMIC_RELEASE);
}

void shim_kfree_rcu(struct rcu_head *head, size_t offset)
{
	head->offset = offset;
	head->next = pending;
	pending = head;
}

void synchronize_rcu(void)
{
	struct rcu_head *list = pending, *next;
	unsigned long target, p;
	int i, n;

	if (shim_rcu_nesting + shim_rcu_bh_nesting) {
		__atomic_add_fetch(&shim_errors, 1, __ATOMIC_RELAXED);
		shim_report("synchronize_rcu() in a read-side section",
			    __FILE__, __LINE__, "");
		return;
	}
	pending = NULL;
	/* The unlinking stores before this fence are seen by new readers. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	target = __atomic_add_fetch(&period, 1, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	n = __atomic_load_n(&nr_readers, __ATOMIC_SEQ_CST);
	for (i = 0; i < n; i++) {
		while ((p = __atomic_load_n(&reader_period[i], __ATOMIC_ACQUIRE)) &&
		       p < target)
			sched_yield();
	}
	for (; list; list = next) {
		next = list->next;
		kfree((char *)list - list->offset);
	}
}
