/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <asm/byteorder.h>: see shim.h. */
#include "../../shim.h"
