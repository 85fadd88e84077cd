// SPDX-License-Identifier: GPL-2.0
/*
 * AEAD through the kernel crypto API. Transforms are allocated when a key
 * is installed, never per packet, and only synchronous implementations are
 * asked for, so a datagram is sealed or opened in place, by the crypto
 * worker that takes it (queue.c), with the request in a per-CPU scratch
 * area: no allocation on the packet path.
 */

#include <crypto/aead.h>
#include <linux/percpu.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "chachapoly.h"
#include "compat.h"
#include "crypto.h"
#include "proto.h"

/* Room for an aead_request and its implementation's private state. */
#define PTUN_REQ_SIZE	2048
/* Scatterlist entries on the stack: a linear part, frags, the tag. */
#define PTUN_MAX_SG	(MAX_SKB_FRAGS + 8)

struct ptun_req_scratch {
	u8 buf[PTUN_REQ_SIZE];
	struct scatterlist sg[PTUN_MAX_SG];
} __aligned(64);

/*
 * One request, and the scatterlist it walks, per CPU (too big for the
 * stack of a softirq). Every user is a crypto worker with bottom halves
 * disabled, and each finishes with the request before it goes on to the
 * next datagram, so uses never nest.
 */
static struct ptun_req_scratch __percpu *ptun_req;

/* Work that may sleep, or must outlive an RCU grace period: key and peer
 * freeing, events. Drained at module exit.
 */
struct workqueue_struct *ptun_wq;

static const char *const ptun_cipher_alg[] = {
	[PTUN_CIPHER_CHACHA20_POLY1305]	= "rfc7539(chacha20,poly1305)",
	[PTUN_CIPHER_AES_256_GCM]	= "gcm(aes)",
};

static void ptun_tfm_free(struct crypto_aead *tfm)
{
	ptun_chachapoly_repin(tfm);
	crypto_free_aead(tfm);
}

static struct crypto_aead *ptun_tfm_new(enum ptun_cipher cipher, const u8 *key)
{
	struct crypto_aead *tfm;
	int err;

	/* Synchronous only: the request lives in per-CPU scratch. */
	tfm = crypto_alloc_aead(ptun_cipher_alg[cipher], 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(tfm))
		return tfm;
	ptun_chachapoly_unpin(tfm);
	err = -EOPNOTSUPP;
	if (sizeof(struct aead_request) + crypto_aead_reqsize(tfm) >
	    PTUN_REQ_SIZE || crypto_aead_ivsize(tfm) != PTUN_NONCE_LEN)
		goto err_free;
	err = crypto_aead_setkey(tfm, key, PTUN_KEY_LEN);
	if (err)
		goto err_free;
	err = crypto_aead_setauthsize(tfm, PTUN_TAG_LEN);
	if (err)
		goto err_free;
	return tfm;

err_free:
	ptun_tfm_free(tfm);
	return ERR_PTR(err);
}

/**
 * ptun_key_create() - build a key from its two directions' material
 * @cipher: the AEAD
 * @key_id: id datagrams sealed with it carry
 * @enc_key: PTUN_KEY_LEN bytes for sending
 * @dec_key: PTUN_KEY_LEN bytes for receiving
 * @soft_limit: counter raising rekey-needed, 0 for the default
 * @hard_limit: counter stopping the key, 0 for the cipher's default
 *
 * The caller wipes its copies of the material.
 *
 * Return: the key or an ERR_PTR.
 */
struct ptun_key *ptun_key_create(enum ptun_cipher cipher, u8 key_id,
				 const u8 *enc_key, const u8 *dec_key,
				 u64 soft_limit, u64 hard_limit)
{
	struct ptun_key *key;
	int err;

	key = kzalloc(sizeof(*key), GFP_KERNEL);
	if (!key)
		return ERR_PTR(-ENOMEM);
	key->enc = ptun_tfm_new(cipher, enc_key);
	if (IS_ERR(key->enc)) {
		err = PTR_ERR(key->enc);
		goto err_free_key;
	}
	key->dec = ptun_tfm_new(cipher, dec_key);
	if (IS_ERR(key->dec)) {
		err = PTR_ERR(key->dec);
		goto err_free_enc;
	}
	if (!hard_limit)
		hard_limit = cipher == PTUN_CIPHER_AES_256_GCM ?
			     PTUN_HARD_LIMIT_GCM : PTUN_HARD_LIMIT_CHACHA;
	if (!soft_limit)
		soft_limit = hard_limit - hard_limit / 8;
	key->hard_limit = hard_limit;
	key->soft_limit = min(soft_limit, hard_limit);
	key->cipher = cipher;
	key->key_id = key_id;
	atomic64_set(&key->tx_counter, 0);
	ptun_replay_init(&key->replay);
	return key;

err_free_enc:
	ptun_tfm_free(key->enc);
err_free_key:
	kfree(key);
	return ERR_PTR(err);
}

/* Free a key nobody can reach any more. Context: process. */
void ptun_key_free(struct ptun_key *key)
{
	if (!key)
		return;
	/* crypto_destroy_tfm() wipes the transforms, keys included. */
	ptun_tfm_free(key->enc);
	ptun_tfm_free(key->dec);
	kfree_sensitive(key);
}

static void ptun_key_free_work(struct work_struct *work)
{
	ptun_key_free(container_of(to_rcu_work(work), struct ptun_key,
				   free_work));
}

/* Free a key once the readers that may still hold it are gone. */
void ptun_key_free_rcu(struct ptun_key *key)
{
	if (!key)
		return;
	INIT_RCU_WORK(&key->free_work, ptun_key_free_work);
	queue_rcu_work(ptun_wq, &key->free_work);
}

static void ptun_nonce(u8 nonce[PTUN_NONCE_LEN], u64 counter)
{
	memset(nonce, 0, 4);
	put_unaligned_be64(counter, nonce + 4);
}

/*
 * Run one AEAD operation in place over the whole skb: the header is the
 * associated data, the rest the text (plus the tag when opening).
 */
static int ptun_crypt(struct crypto_aead *tfm, struct sk_buff *skb,
		      unsigned int textlen, u64 counter, bool seal)
{
	struct ptun_req_scratch *scratch;
	u8 nonce[PTUN_NONCE_LEN];
	struct aead_request *req;
	struct sk_buff *trailer;
	struct scatterlist *sg;
	int nsg, err;

	nsg = skb_cow_data(skb, seal ? PTUN_TAG_LEN : 0, &trailer);
	if (nsg < 0)
		return nsg;
	if (nsg > PTUN_MAX_SG - 1) {
		if (__skb_linearize(skb))
			return -ENOMEM;
		nsg = 1;
		trailer = skb;
		if (seal && skb_tailroom(skb) < PTUN_TAG_LEN &&
		    pskb_expand_head(skb, 0, PTUN_TAG_LEN, GFP_ATOMIC))
			return -ENOMEM;
	}
	if (seal)
		pskb_put(skb, trailer, PTUN_TAG_LEN);

	scratch = this_cpu_ptr(ptun_req);
	sg = scratch->sg;
	sg_init_table(sg, nsg);
	err = skb_to_sgvec_nomark(skb, sg, 0, skb->len);
	if (unlikely(err < 0))
		return err;
	sg_mark_end(&sg[err - 1]);

	ptun_nonce(nonce, counter);
	req = (struct aead_request *)scratch->buf;
	aead_request_set_tfm(req, tfm);
	aead_request_set_callback(req, 0, NULL, NULL);
	aead_request_set_ad(req, sizeof(struct ptun_hdr));
	aead_request_set_crypt(req, sg, sg, textlen, nonce);
	return seal ? crypto_aead_encrypt(req) : crypto_aead_decrypt(req);
}

/**
 * ptun_crypto_seal() - encrypt a datagram in place and append its tag
 * @key: the key
 * @skb: header followed by the plaintext
 * @counter: the datagram's counter, also in its header
 *
 * Context: bottom halves disabled.
 * Return: 0 or a negative errno.
 */
int ptun_crypto_seal(struct ptun_key *key, struct sk_buff *skb, u64 counter)
{
	return ptun_crypt(key->enc, skb, skb->len - sizeof(struct ptun_hdr),
			  counter, true);
}

/**
 * ptun_crypto_open() - verify and decrypt a datagram in place
 * @key: the key its header names
 * @skb: header, ciphertext and tag; the tag stays, for the caller to trim
 * @counter: the counter from its header
 *
 * Context: bottom halves disabled.
 * Return: 0, -EBADMSG for a forgery, or another negative errno.
 */
int ptun_crypto_open(struct ptun_key *key, struct sk_buff *skb, u64 counter)
{
	return ptun_crypt(key->dec, skb, skb->len - sizeof(struct ptun_hdr),
			  counter, false);
}

int __init ptun_crypto_init(void)
{
	ptun_req = alloc_percpu(struct ptun_req_scratch);
	if (!ptun_req)
		return -ENOMEM;
	ptun_wq = alloc_workqueue("ptun", WQ_UNBOUND, 0);
	if (!ptun_wq) {
		free_percpu(ptun_req);
		return -ENOMEM;
	}
	return 0;
}

/* After every key and peer is gone: waits for their frees first. */
void ptun_crypto_uninit(void)
{
	int cpu;

	rcu_barrier();
	destroy_workqueue(ptun_wq);
	/* Requests keep per-datagram state derived from keys. */
	for_each_possible_cpu(cpu)
		memzero_explicit(per_cpu_ptr(ptun_req, cpu),
				 sizeof(struct ptun_req_scratch));
	free_percpu(ptun_req);
}
