// SPDX-License-Identifier: GPL-2.0
/*
 * Spreading the crypto over the CPUs while each peer's order is kept, the
 * way WireGuard does: a datagram goes to the tail of its peer's queue and
 * into its device's ring of that direction, and the next online CPU's worker
 * is woken, round robin. Any worker takes it from the ring, seals or opens
 * it, marks it done (or dead) and wakes the peer's stage. The stage (a work
 * item for transmit, the peer's NAPI for receive) takes datagrams from the
 * head of the peer's queue only while the head is marked, so they leave in
 * the order they came. No allocation: the ring is allocated with the
 * device, the mark lives in skb->cb.
 */

#include <linux/cpumask.h>
#include <linux/percpu.h>
#include <linux/sched.h>

#include "queue.h"

/* Per-CPU, CPU-intensive: the crypto workers and the transmit stages. */
struct workqueue_struct *ptun_crypt_wq;

static void ptun_queue_work(struct work_struct *work)
{
	struct ptun_crypt_queue *q = container_of(work, struct ptun_worker,
						  work)->queue;
	struct ptun_peer *peer, *last;
	struct sk_buff *skb;
	int n;

	do {
		/*
		 * Bottom halves off: the crypto's per-CPU request and the
		 * key lookups need them off, and a batch of datagrams woken
		 * into one NAPI run keeps GRO useful.
		 */
		rcu_read_lock_bh();
		last = NULL;
		for (n = 0; n < PTUN_QUEUE_BATCH; n++) {
			skb = ptr_ring_consume(&q->ring);
			if (!skb)
				break;
			/* Once marked, the skb is the stage's: read it first. */
			peer = PTUN_CB(skb)->peer;
			if (last && last != peer)
				q->wake(last);
			last = peer;
			q->crypt(skb);
		}
		if (last)
			q->wake(last);
		rcu_read_unlock_bh();
		cond_resched();
	} while (skb);
}

/**
 * ptun_queue_init() - set up a device's ring of one direction
 * @q: the ring
 * @crypt: what the workers do to each datagram
 * @wake: how they wake a peer's stage
 * @full_why: the drop reason when the ring or a peer's queue is full
 *
 * Context: process.
 * Return: 0 or -ENOMEM.
 */
int ptun_queue_init(struct ptun_crypt_queue *q,
		    void (*crypt)(struct sk_buff *skb),
		    void (*wake)(struct ptun_peer *peer), int full_why)
{
	int cpu, err;

	err = ptr_ring_init(&q->ring, PTUN_QUEUE_LEN, GFP_KERNEL);
	if (err)
		return err;
	q->worker = alloc_percpu(struct ptun_worker);
	if (!q->worker) {
		ptr_ring_cleanup(&q->ring, NULL);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct ptun_worker *w = per_cpu_ptr(q->worker, cpu);

		INIT_WORK(&w->work, ptun_queue_work);
		w->queue = q;
	}
	q->crypt = crypt;
	q->wake = wake;
	q->last_cpu = -1;
	q->full_why = full_why;
	return 0;
}

static void ptun_queue_drop(void *skb)
{
	kfree_skb(skb);
}

/* Context: process; the workers are idle and nothing enqueues any more. */
void ptun_queue_free(struct ptun_crypt_queue *q)
{
	ptun_queue_flush(q);
	free_percpu(q->worker);
	ptr_ring_cleanup(&q->ring, ptun_queue_drop);
}

/**
 * ptun_queue_flush() - wait until the workers handled every datagram queued
 * @q: the ring
 *
 * A datagram in the ring has its worker's work queued or running, so once
 * every CPU's work is idle, the ring holds nothing put in before the call.
 *
 * Context: process.
 */
void ptun_queue_flush(struct ptun_crypt_queue *q)
{
	int cpu;

	for_each_possible_cpu(cpu)
		flush_work(&per_cpu_ptr(q->worker, cpu)->work);
}

static int ptun_queue_next_cpu(struct ptun_crypt_queue *q)
{
	int cpu = cpumask_next(READ_ONCE(q->last_cpu), cpu_online_mask);

	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(cpu_online_mask);
	WRITE_ONCE(q->last_cpu, cpu);
	return cpu;
}

/**
 * ptun_queue_enqueue() - queue a datagram for its crypto
 * @q: the device's ring of its direction
 * @pq: its peer's queue of that direction
 * @skb: the datagram, PTUN_CB(skb)->peer set
 *
 * Context: bottom halves disabled.
 * Return: 0 when queued; -ENOSPC when the peer's queue is full (the skb is
 * still the caller's, to drop for q->full_why); -ENOBUFS when the ring is
 * full: the skb is in the peer's queue marked dead for q->full_why, and
 * the caller must wake the peer's stage.
 */
int ptun_queue_enqueue(struct ptun_crypt_queue *q, struct sk_buff_head *pq,
		       struct sk_buff *skb)
{
	int cpu;

	PTUN_CB(skb)->state = PTUN_CB_QUEUED;
	spin_lock(&pq->lock);
	if (unlikely(skb_queue_len(pq) >= PTUN_QUEUE_LEN)) {
		spin_unlock(&pq->lock);
		return -ENOSPC;
	}
	__skb_queue_tail(pq, skb);
	spin_unlock(&pq->lock);

	/* Into the ring only once in the peer's queue, where a worker's
	 * wake-up of the stage finds it.
	 */
	if (unlikely(ptr_ring_produce(&q->ring, skb))) {
		ptun_cb_finish(skb, PTUN_CB_DEAD, q->full_why);
		return -ENOBUFS;
	}
	cpu = ptun_queue_next_cpu(q);
	queue_work_on(cpu, ptun_crypt_wq, &per_cpu_ptr(q->worker, cpu)->work);
	return 0;
}

/**
 * ptun_queue_ready() - take the head of a peer's queue if its crypto is over
 * @pq: the peer's queue
 *
 * Context: any but hard interrupt.
 * Return: the datagram, marked PTUN_CB_DONE or PTUN_CB_DEAD, or NULL.
 */
struct sk_buff *ptun_queue_ready(struct sk_buff_head *pq)
{
	struct sk_buff *skb;

	spin_lock_bh(&pq->lock);
	skb = skb_peek(pq);
	/* Pairs with ptun_cb_finish(): the crypto's writes are seen. */
	if (skb && smp_load_acquire(&PTUN_CB(skb)->state) != PTUN_CB_QUEUED)
		__skb_unlink(skb, pq);
	else
		skb = NULL;
	spin_unlock_bh(&pq->lock);
	return skb;
}

int __init ptun_queue_wq_init(void)
{
	ptun_crypt_wq = alloc_workqueue("ptun-crypt",
					WQ_CPU_INTENSIVE | WQ_MEM_RECLAIM, 0);
	return ptun_crypt_wq ? 0 : -ENOMEM;
}

void ptun_queue_wq_uninit(void)
{
	destroy_workqueue(ptun_crypt_wq);
}
