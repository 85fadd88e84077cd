// SPDX-License-Identifier: GPL-2.0
/*
 * Replay protection: the sliding window of RFC 6479. Bits live in a ring of
 * words; moving the window forward clears whole words instead of shifting
 * the bitmap, so a jump costs at most one pass over the ring.
 */

#include <linux/minmax.h>
#include <linux/string.h>

#include "replay.h"

#define WORDS		(PTUN_REPLAY_BITS / BITS_PER_LONG)
#define WORD_SHIFT	ilog2(BITS_PER_LONG)

void ptun_replay_init(struct ptun_replay *r)
{
	spin_lock_init(&r->lock);
	r->next = 0;
	memset(r->map, 0, sizeof(r->map));
}

/*
 * Cheap early test before spending a decryption on a datagram; racy by
 * design, ptun_replay_accept() decides.
 */
bool ptun_replay_too_old(const struct ptun_replay *r, u64 counter)
{
	u64 next = READ_ONCE(r->next);

	return counter + PTUN_REPLAY_WINDOW < next;
}

/**
 * ptun_replay_accept() - record an authenticated counter
 * @r: the window of the key that opened the datagram
 * @counter: the datagram's counter
 *
 * Call only after the tag verified, so a forger cannot move the window.
 *
 * Return: PTUN_REPLAY_FRESH if the counter was never seen (now it is),
 * PTUN_REPLAY_SEEN for a replay, PTUN_REPLAY_TOO_OLD behind the window.
 */
enum ptun_replay_verdict ptun_replay_accept(struct ptun_replay *r, u64 counter)
{
	enum ptun_replay_verdict v = PTUN_REPLAY_FRESH;
	u64 word = counter >> WORD_SHIFT;

	if (counter == U64_MAX)		/* never sent: the key stops before */
		return PTUN_REPLAY_TOO_OLD;

	spin_lock_bh(&r->lock);
	if (counter + PTUN_REPLAY_WINDOW < r->next) {
		v = PTUN_REPLAY_TOO_OLD;
		goto out;
	}
	if (counter >= r->next) {
		u64 cur = r->next ? (r->next - 1) >> WORD_SHIFT : 0;
		u64 n = min_t(u64, word - cur, WORDS);
		u64 i;

		/* Words the window slides over start empty. */
		for (i = 1; i <= n; i++)
			r->map[(cur + i) & (WORDS - 1)] = 0;
		WRITE_ONCE(r->next, counter + 1);
	}
	if (__test_and_set_bit(counter & (BITS_PER_LONG - 1),
			       &r->map[word & (WORDS - 1)]))
		v = PTUN_REPLAY_SEEN;
out:
	spin_unlock_bh(&r->lock);
	return v;
}
