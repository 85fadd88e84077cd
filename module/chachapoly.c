// SPDX-License-Identifier: GPL-2.0
/*
 * A synchronous, in-place driver for the crypto API's
 * rfc7539(chacha20,poly1305) AEAD (RFC 8439) and its ESP form
 * rfc7539esp(chacha20,poly1305) (RFC 7634), built on the kernel's ChaCha20
 * and Poly1305 library routines, which use the CPU's vector units where it
 * has them.
 *
 * The chacha20poly1305 template of 6.1 and 6.12 chains an skcipher and an
 * ahash request through about ten steps for every message; for a short
 * datagram those requests cost as much as the arithmetic. This driver does
 * the same computation in one pass over the scatterlist. ptun registers it
 * with a priority just above the template's, so that ptun, and every other
 * user of the two names, still gets whatever implementation the crypto API
 * ranks first, and the crypto manager's self-test checks it against the
 * RFCs' vectors when it is registered. ESP gets it too, so that make bench
 * compares ptun with ESP on the same code.
 */

#include <crypto/algapi.h>
#include <crypto/chacha.h>
#include <crypto/internal/aead.h>
#include <crypto/poly1305.h>
#include <crypto/scatterwalk.h>
#include <linux/module.h>
#include <linux/scatterlist.h>

#include "chachapoly.h"
#include "compat.h"

/* RFC 8439's nonce: 96 bits after the 32-bit block counter. */
#define CP_NONCE_LEN	12
/* The chacha20poly1305 template over the x86 SIMD drivers ranks 300. */
#define CP_PRIORITY	310
#define CP_KEY_WORDS	(CHACHA_KEY_SIZE / sizeof(u32))

/* ESP's variant takes 8 bytes of the nonce from the request, 4 from the key. */
#define CP_ESP_IV_LEN	8

struct cp_ctx {
	u32 key[CP_KEY_WORDS];
	u8 salt[CP_NONCE_LEN - CP_ESP_IV_LEN];
};

/* One message's state; lives on the stack and is wiped after use. */
struct cp_state {
	u32 chacha[CHACHA_STATE_WORDS];
	struct poly1305_desc_ctx poly;
	u8 stream[CHACHA_BLOCK_SIZE];	/* keystream of a split block */
	unsigned int partial;		/* stream bytes already used */
};

static const u8 cp_zero[CHACHA_BLOCK_SIZE];

static int cp_setkey(struct crypto_aead *tfm, const u8 *key,
		     unsigned int keylen)
{
	unsigned int saltlen = CP_NONCE_LEN - crypto_aead_ivsize(tfm);
	struct cp_ctx *ctx = crypto_aead_ctx(tfm);
	int i;

	if (keylen != CHACHA_KEY_SIZE + saltlen)
		return -EINVAL;
	for (i = 0; i < CP_KEY_WORDS; i++)
		ctx->key[i] = get_unaligned_le32(key + i * sizeof(u32));
	memcpy(ctx->salt, key + CHACHA_KEY_SIZE, saltlen);
	return 0;
}

static int cp_setauthsize(struct crypto_aead *tfm, unsigned int authsize)
{
	return authsize == POLY1305_DIGEST_SIZE ? 0 : -EINVAL;
}

/* Pad Poly1305's input to its 16-byte block after @len bytes. */
static void cp_pad(struct cp_state *st, unsigned int len)
{
	if (len % POLY1305_BLOCK_SIZE)
		poly1305_update(&st->poly, cp_zero,
				POLY1305_BLOCK_SIZE - len % POLY1305_BLOCK_SIZE);
}

/*
 * XOR @len bytes at @p with the keystream and feed the ciphertext to
 * Poly1305. A block split between two scatterlist entries is XORed from
 * st->stream; @last says nothing follows, so the tail needs no buffer.
 */
static void cp_text(struct cp_state *st, u8 *p, unsigned int len, bool seal,
		    bool last)
{
	unsigned int n = len, l;
	u8 *q = p;

	if (!seal)
		poly1305_update(&st->poly, p, len);
	if (st->partial) {
		l = min(n, CHACHA_BLOCK_SIZE - st->partial);
		crypto_xor(q, st->stream + st->partial, l);
		st->partial = (st->partial + l) % CHACHA_BLOCK_SIZE;
		q += l;
		n -= l;
	}
	l = last ? n : round_down(n, CHACHA_BLOCK_SIZE);
	if (l) {
		chacha20_crypt(st->chacha, q, q, l);
		q += l;
		n -= l;
	}
	if (n) {
		chacha20_crypt(st->chacha, st->stream, cp_zero,
			       CHACHA_BLOCK_SIZE);
		crypto_xor(q, st->stream, n);
		st->partial = n;
	}
	if (seal)
		poly1305_update(&st->poly, p, len);
}

/*
 * Copy what the operation reads from @src to @dst, so that it can run in
 * place. Only for callers that pass two scatterlists; ptun passes one.
 */
static void cp_copy(struct scatterlist *dst, struct scatterlist *src,
		    unsigned int len)
{
	struct sg_mapping_iter m;
	unsigned int off = 0, l;

	sg_miter_start(&m, src, sg_nents(src),
		       SG_MITER_FROM_SG | SG_MITER_ATOMIC);
	while (off < len && sg_miter_next(&m)) {
		l = min_t(size_t, m.length, len - off);
		scatterwalk_map_and_copy(m.addr, dst, off, l, 1);
		off += l;
	}
	sg_miter_stop(&m);
}

/*
 * One pass over dst: the associated data into Poly1305, then the text
 * XORed with the keystream and into Poly1305, then the lengths. ESP's
 * variant (8-byte IV) counts its IV in assoclen, between the associated
 * data and the text, and leaves it out of both.
 */
static int cp_crypt(struct aead_request *req, bool seal)
{
	struct crypto_aead *tfm = crypto_aead_reqtfm(req);
	unsigned int ivsize = crypto_aead_ivsize(tfm);
	struct cp_ctx *ctx = crypto_aead_ctx(tfm);
	unsigned int adlen, ad, skip, textlen, text, l;
	u8 tag[2][POLY1305_DIGEST_SIZE];
	struct sg_mapping_iter m;
	struct cp_state st;
	__le64 lens[2];
	u8 iv[16];
	int err = 0;

	textlen = req->cryptlen;
	if (!seal) {
		if (textlen < POLY1305_DIGEST_SIZE)
			return -EINVAL;
		textlen -= POLY1305_DIGEST_SIZE;
	}
	skip = ivsize == CP_ESP_IV_LEN ? CP_ESP_IV_LEN : 0;
	if (req->assoclen < skip)
		return -EINVAL;
	adlen = req->assoclen - skip;
	if (req->src != req->dst)
		cp_copy(req->dst, req->src, req->assoclen + textlen);

	/* Block 0 keys Poly1305; the text starts at block 1. */
	memset(iv, 0, sizeof(u32));
	memcpy(iv + sizeof(u32), ctx->salt, CP_NONCE_LEN - ivsize);
	memcpy(iv + sizeof(u32) + CP_NONCE_LEN - ivsize, req->iv, ivsize);
	chacha_init(st.chacha, ctx->key, iv);
	chacha20_crypt(st.chacha, st.stream, cp_zero, POLY1305_KEY_SIZE);
	poly1305_init(&st.poly, st.stream);
	st.partial = 0;

	ad = adlen;
	text = textlen;
	sg_miter_start(&m, req->dst, sg_nents(req->dst),
		       SG_MITER_TO_SG | SG_MITER_FROM_SG | SG_MITER_ATOMIC);
	while ((ad || skip || text) && sg_miter_next(&m)) {
		unsigned int len = m.length;
		u8 *p = m.addr;

		l = min(len, ad);
		if (l) {
			poly1305_update(&st.poly, p, l);
			ad -= l;
			if (!ad)
				cp_pad(&st, adlen);
			p += l;
			len -= l;
		}
		l = min(len, skip);
		skip -= l;
		p += l;
		len -= l;
		l = min(len, text);
		if (l) {
			text -= l;
			cp_text(&st, p, l, seal, !text);
		}
	}
	sg_miter_stop(&m);
	if (ad || skip || text) {	/* the scatterlist is shorter than said */
		err = -EINVAL;
		goto out;
	}

	cp_pad(&st, textlen);
	lens[0] = cpu_to_le64(adlen);
	lens[1] = cpu_to_le64(textlen);
	poly1305_update(&st.poly, (u8 *)lens, sizeof(lens));
	poly1305_final(&st.poly, tag[0]);

	if (seal) {
		scatterwalk_map_and_copy(tag[0], req->dst,
					 req->assoclen + textlen,
					 sizeof(tag[0]), 1);
	} else {
		scatterwalk_map_and_copy(tag[1], req->src,
					 req->assoclen + textlen,
					 sizeof(tag[1]), 0);
		if (crypto_memneq(tag[0], tag[1], sizeof(tag[0])))
			err = -EBADMSG;
	}
out:
	memzero_explicit(&st, sizeof(st));
	memzero_explicit(tag, sizeof(tag));
	return err;
}

static int cp_encrypt(struct aead_request *req)
{
	return cp_crypt(req, true);
}

static int cp_decrypt(struct aead_request *req)
{
	return cp_crypt(req, false);
}

/* Whether cp_algs are registered; set at init only. */
static bool cp_registered = true;

/* The two forms differ only in their names and in the IV they take. */
#define CP_ALG(name, driver, iv_len) {					\
	.setkey		= cp_setkey,					\
	.setauthsize	= cp_setauthsize,				\
	.encrypt	= cp_encrypt,					\
	.decrypt	= cp_decrypt,					\
	.ivsize		= iv_len,					\
	.maxauthsize	= POLY1305_DIGEST_SIZE,				\
	.chunksize	= CHACHA_BLOCK_SIZE,				\
	.base = {							\
		.cra_name	 = name,				\
		.cra_driver_name = driver,				\
		.cra_priority	 = CP_PRIORITY,				\
		.cra_blocksize	 = 1,					\
		.cra_ctxsize	 = sizeof(struct cp_ctx),		\
		.cra_module	 = THIS_MODULE,				\
	},								\
}

static struct aead_alg cp_algs[] = {
	CP_ALG("rfc7539(chacha20,poly1305)",
	       "rfc7539-chacha20poly1305-ptun", CP_NONCE_LEN),
	CP_ALG("rfc7539esp(chacha20,poly1305)",
	       "rfc7539esp-chacha20poly1305-ptun", CP_ESP_IV_LEN),
};

/**
 * ptun_chachapoly_unpin() - give back the reference a ptun key holds on ptun
 * @tfm: a transform ptun allocated for its own key
 *
 * A transform holds a reference on its driver's module. ptun's keys are
 * freed by ptun's module exit, which deletes the devices, so with this
 * driver they would keep that exit from ever running. ptun's own
 * transforms give the reference back here and take it again, through
 * ptun_chachapoly_repin(), just before they are freed. Other users (ESP)
 * keep theirs, and keep ptun.ko loaded.
 */
void ptun_chachapoly_unpin(struct crypto_aead *tfm)
{
	if (crypto_aead_alg(tfm)->base.cra_module == THIS_MODULE)
		module_put(THIS_MODULE);
}

/* Before freeing a transform ptun_chachapoly_unpin() was given. */
void ptun_chachapoly_repin(struct crypto_aead *tfm)
{
	if (crypto_aead_alg(tfm)->base.cra_module == THIS_MODULE)
		__module_get(THIS_MODULE);
}

/*
 * Registration runs the crypto manager's self-test. A driver that failed
 * it is never handed out, but it would still shadow the template
 * (lookups of the name then fail with -ELIBBAD): take both back out, so
 * that the template serves, and say so.
 */
int __init ptun_chachapoly_init(void)
{
	struct crypto_aead *tfm;
	int i, err;

	err = crypto_register_aeads(cp_algs, ARRAY_SIZE(cp_algs));
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(cp_algs); i++) {
		tfm = crypto_alloc_aead(cp_algs[i].base.cra_driver_name, 0, 0);
		if (IS_ERR(tfm)) {
			pr_err("ptun: %s unusable (%ld), the kernel's template serves\n",
			       cp_algs[i].base.cra_driver_name, PTR_ERR(tfm));
			crypto_unregister_aeads(cp_algs, ARRAY_SIZE(cp_algs));
			cp_registered = false;
			return 0;
		}
		crypto_free_aead(tfm);
	}
	return 0;
}

void ptun_chachapoly_uninit(void)
{
	if (cp_registered)
		crypto_unregister_aeads(cp_algs, ARRAY_SIZE(cp_algs));
}
