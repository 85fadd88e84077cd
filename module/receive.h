/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _PTUN_RECEIVE_H
#define _PTUN_RECEIVE_H

struct work_struct;

void ptun_recv_work(struct work_struct *work);

#endif /* _PTUN_RECEIVE_H */
