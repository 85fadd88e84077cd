/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/socket.h>: see shim.h. */
#include "../../shim.h"
