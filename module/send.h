/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_SEND_H
#define _PTUN_SEND_H

struct ptun_device;
struct ptun_peer;
struct work_struct;

void ptun_send_keepalive(struct ptun_peer *peer);
void ptun_send_stage(struct work_struct *work);
int ptun_send_init(struct ptun_device *ptun);

#endif /* _PTUN_SEND_H */
