/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ptun's wire format (Documentation/protocol.rst): what one UDP payload
 * holds. Everything here is authenticated; only the header is in clear.
 */
#ifndef _PTUN_PROTO_H
#define _PTUN_PROTO_H

#include <linux/types.h>

#define PTUN_PROTO_VERSION	1

enum ptun_msg_type {
	/* An inner IP packet, or a keepalive when the plaintext is empty. */
	PTUN_MSG_DATA = 1,
};

/**
 * struct ptun_hdr - header of every ptun datagram, the AEAD's associated data
 * @version: PTUN_PROTO_VERSION
 * @type: enum ptun_msg_type
 * @key_id: id of the key slot that sealed the datagram
 * @reserved: zero
 * @receiver_id: id the receiving device knows the sender by
 * @counter: per-key packet counter, the nonce; never repeats under one key
 */
struct ptun_hdr {
	u8 version;
	u8 type;
	u8 key_id;
	u8 reserved;
	__be32 receiver_id;
	__be64 counter;
} __packed;

#define PTUN_TAG_LEN		16
#define PTUN_NONCE_LEN		12
/* Bytes a datagram adds to its inner packet, outer IP and UDP aside. */
#define PTUN_ENCAP_LEN		(sizeof(struct ptun_hdr) + PTUN_TAG_LEN)
#define PTUN_OVERHEAD4		(20 + 8 + PTUN_ENCAP_LEN)
#define PTUN_OVERHEAD6		(40 + 8 + PTUN_ENCAP_LEN)

#endif /* _PTUN_PROTO_H */
