/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/errno.h>: see shim.h. The C library reaches
 * this name too (bits/errno.h), so the real header comes first.
 */
#include_next <linux/errno.h>
#include "../../shim.h"
