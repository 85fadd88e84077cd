/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_QUEUE_H
#define _PTUN_QUEUE_H

#include <linux/ptr_ring.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>

struct ptun_peer;

/* Datagrams a device's ring, or one peer's queue, holds at most. */
#define PTUN_QUEUE_LEN		1024
/* Datagrams a worker or a stage handles with bottom halves disabled. */
#define PTUN_QUEUE_BATCH	16

/* Where a queued datagram is: waiting for its crypto, done, or to drop. */
enum ptun_cb_state {
	PTUN_CB_QUEUED,
	PTUN_CB_DONE,
	PTUN_CB_DEAD,
};

/**
 * struct ptun_cb - what a queued datagram carries in skb->cb
 * @peer: its peer; alive while the datagram is queued (see
 *	ptun_peer_remove_all())
 * @counter: receive: the counter from its header
 * @len: transmit: the inner packet's length, for the peer's counters
 * @state: enum ptun_cb_state; written with release by the crypto worker,
 *	read with acquire by the peer's stage
 * @key_id: receive: the key id from its header
 * @why: the enum ptun_drop a dead datagram is counted under, or -1
 * @xnet: receive: the device is in another namespace than the socket
 */
struct ptun_cb {
	struct ptun_peer *peer;
	u64 counter;
	unsigned int len;
	u8 state;
	u8 key_id;
	s8 why;
	bool xnet;
};

#define PTUN_CB(skb)	((struct ptun_cb *)(skb)->cb)

struct ptun_crypt_queue;

/**
 * struct ptun_worker - one CPU's crypto worker of a ring
 * @work: runs on that CPU, in the bound ptun-crypt workqueue
 * @queue: the ring it drains
 */
struct ptun_worker {
	struct work_struct work;
	struct ptun_crypt_queue *queue;
};

/**
 * struct ptun_crypt_queue - a device's datagrams of one direction waiting
 *	for their crypto, on any CPU
 * @ring: the datagrams, in no order that matters: each is also in its
 *	peer's queue, which keeps the order
 * @worker: per-CPU workers that drain @ring
 * @crypt: seals or opens one datagram and marks it
 * @wake: wakes a peer's stage, once per run of its datagrams in a batch
 * @last_cpu: the CPU given the previous datagram (round robin; racy, as
 *	only the spread matters)
 * @full_why: the drop reason of a datagram that finds @ring or its peer's
 *	queue full
 */
struct ptun_crypt_queue {
	struct ptr_ring ring;
	struct ptun_worker __percpu *worker;
	void (*crypt)(struct sk_buff *skb);
	void (*wake)(struct ptun_peer *peer);
	int last_cpu;
	int full_why;
};

int ptun_queue_init(struct ptun_crypt_queue *q,
		    void (*crypt)(struct sk_buff *skb),
		    void (*wake)(struct ptun_peer *peer), int full_why);
void ptun_queue_free(struct ptun_crypt_queue *q);
void ptun_queue_flush(struct ptun_crypt_queue *q);
int ptun_queue_enqueue(struct ptun_crypt_queue *q, struct sk_buff_head *pq,
		       struct sk_buff *skb);
struct sk_buff *ptun_queue_ready(struct sk_buff_head *pq);

/* The crypto of a datagram is over: hand it to its peer's stage. */
static inline void ptun_cb_finish(struct sk_buff *skb, enum ptun_cb_state st,
				  int why)
{
	PTUN_CB(skb)->why = why;
	/* Pairs with ptun_queue_ready(): the stage sees the whole result. */
	smp_store_release(&PTUN_CB(skb)->state, st);
}

int ptun_queue_wq_init(void);
void ptun_queue_wq_uninit(void);

extern struct workqueue_struct *ptun_crypt_wq;

#endif /* _PTUN_QUEUE_H */
