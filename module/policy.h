/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_POLICY_H
#define _PTUN_POLICY_H

#include <linux/types.h>

#include "settings.h"

struct ptun_device;

/* How the settings classify a destination. */
enum ptun_policy_verdict {
	PTUN_POLICY_NONE,	/* in no route: the system decides */
	PTUN_POLICY_INCLUDED,	/* must go through the tunnel */
	PTUN_POLICY_EXCLUDED,	/* must not go through the tunnel */
};

/* Settings that enforce anything: enforce-routes or include-all-networks. */
static inline bool ptun_policy_wanted(const struct ptun_settings *s)
{
	return s && (s->enforce_routes || s->include_all_networks);
}

void ptun_policy_build(struct ptun_settings *s);
enum ptun_policy_verdict ptun_policy_classify4(const struct ptun_policy *p,
					       __be32 daddr);
enum ptun_policy_verdict
ptun_policy_classify6(const struct ptun_policy *p, const struct in6_addr *daddr);
int ptun_policy_hooks(struct ptun_device *ptun, bool on);

int ptun_policy_init(void);
void ptun_policy_uninit(void);

#endif /* _PTUN_POLICY_H */
