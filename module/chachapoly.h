/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_CHACHAPOLY_H
#define _PTUN_CHACHAPOLY_H

#include <crypto/aead.h>

int ptun_chachapoly_init(void);
void ptun_chachapoly_uninit(void);
void ptun_chachapoly_unpin(struct crypto_aead *tfm);
void ptun_chachapoly_repin(struct crypto_aead *tfm);

#endif /* _PTUN_CHACHAPOLY_H */
