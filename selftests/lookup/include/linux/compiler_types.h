/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/compiler_types.h>: see shim.h. */
#include "../../shim.h"
