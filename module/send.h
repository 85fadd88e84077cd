/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_SEND_H
#define _PTUN_SEND_H

struct ptun_peer;

void ptun_send_keepalive(struct ptun_peer *peer);

#endif /* _PTUN_SEND_H */
