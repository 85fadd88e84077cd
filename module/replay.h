/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_REPLAY_H
#define _PTUN_REPLAY_H

#include <linux/bitops.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/* Bits of history kept; one word of them is the slack RFC 6479 needs. */
#define PTUN_REPLAY_BITS	4096
#define PTUN_REPLAY_WINDOW	(PTUN_REPLAY_BITS - BITS_PER_LONG)

enum ptun_replay_verdict {
	PTUN_REPLAY_FRESH,
	PTUN_REPLAY_SEEN,
	PTUN_REPLAY_TOO_OLD,
};

/**
 * struct ptun_replay - RFC 6479 sliding window over received counters
 * @lock: protects @next and @map; taken on the receive path (softirq)
 * @next: one past the highest counter accepted so far
 * @map: ring of seen bits, one per counter in the window
 */
struct ptun_replay {
	spinlock_t lock;		/* guards next and map */
	u64 next;
	unsigned long map[PTUN_REPLAY_BITS / BITS_PER_LONG];
};

void ptun_replay_init(struct ptun_replay *r);
bool ptun_replay_too_old(const struct ptun_replay *r, u64 counter);
enum ptun_replay_verdict ptun_replay_accept(struct ptun_replay *r, u64 counter);

#endif /* _PTUN_REPLAY_H */
