/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_CRYPTO_H
#define _PTUN_CRYPTO_H

#include <linux/atomic.h>
#include <linux/skbuff.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <uapi/linux/ptun.h>

#include "replay.h"

struct crypto_aead;

/* Default usage limits, far below the 2^64 nonces of a key. */
#define PTUN_HARD_LIMIT_CHACHA	BIT_ULL(60)
#define PTUN_HARD_LIMIT_GCM	BIT_ULL(36)

/**
 * struct ptun_key - one key slot's key: a cipher and one key per direction
 * @enc: transform sealing datagrams to the peer
 * @dec: transform opening datagrams from the peer
 * @replay: window over the counters opened with @dec
 * @tx_counter: next counter (nonce) to seal with; grows past the hard limit
 *	only by failed attempts, which never send
 * @soft_limit: counter at which rekey-needed is raised
 * @hard_limit: counter from which the key no longer seals
 * @cipher: enum ptun_cipher
 * @key_id: id carried in the header
 * @free_work: frees the key after an RCU grace period, in process context
 *
 * Readers find keys under RCU; the slots that point to them change under
 * rtnl. Key material lives only inside the transforms, whose memory the
 * crypto API wipes when they are freed.
 */
struct ptun_key {
	struct crypto_aead *enc;
	struct crypto_aead *dec;
	struct ptun_replay replay;
	atomic64_t tx_counter;
	u64 soft_limit;
	u64 hard_limit;
	enum ptun_cipher cipher;
	u8 key_id;
	struct rcu_work free_work;
};

struct ptun_key *ptun_key_create(enum ptun_cipher cipher, u8 key_id,
				 const u8 *enc_key, const u8 *dec_key,
				 u64 soft_limit, u64 hard_limit);
void ptun_key_free(struct ptun_key *key);
void ptun_key_free_rcu(struct ptun_key *key);

int ptun_crypto_seal(struct ptun_key *key, struct sk_buff *skb, u64 counter);
int ptun_crypto_open(struct ptun_key *key, struct sk_buff *skb, u64 counter);

int ptun_crypto_init(void);
void ptun_crypto_uninit(void);

extern struct workqueue_struct *ptun_wq;

#endif /* _PTUN_CRYPTO_H */
