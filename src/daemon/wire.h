/* wire.h - the peer protocol's paths, media types and limits, shared by
 * the peer server (peer.c) and the courier (courier.c).  docs/protocol.md
 * specifies each exchange. */
#ifndef HL_WIRE_H
#define HL_WIRE_H

#define HL_PATH_PUSH "/hotline/v1/push"		/* POST a push batch */
#define HL_PATH_PULL "/hotline/v1/pull"		/* GET a push batch for the caller */
#define HL_PATH_RECEIPT "/hotline/v1/receipt"	/* POST a cosigned checkpoint */
#define HL_PATH_CHECKPOINT "/hotline/v1/checkpoint" /* GET what we cosigned */
#define HL_PATH_CARD "/hotline/v1/card"		/* GET this party's current card */

#define HL_TYPE_PUSH "application/x.hotline.push"
#define HL_TYPE_COSIG "text/x.tlog.cosignature"
#define HL_TYPE_SIZE "text/x.tlog.size"
#define HL_TYPE_CHECKPOINT "text/x.tlog.checkpoint"
#define HL_TYPE_CARD "text/x.hotline.card"
#define HL_TYPE_TEXT "text/plain; charset=utf-8"

#define HL_WIRE_BODY_MAX (16 * 1024 * 1024)	/* a request body */
#define HL_WIRE_CONN_MEMORY (64 * 1024)		/* headers etc., per connection */
#define HL_WIRE_CONN_LIMIT 256			/* in all (select: < FD_SETSIZE) */
#define HL_WIRE_CONN_PER_IP 64			/* from one address, peers too */
#define HL_WIRE_PENDING_MAX 128			/* in their TLS handshake (guard.h) */
#define HL_WIRE_PENDING_PER_IP 8		/* of those, from one address */
#define HL_WIRE_HELLO_MS 5000			/* to finish the handshake */
#define HL_WIRE_HEAD_MS 10000			/* for a peer to send a request's head */
#define HL_WIRE_HELLO_RATE 4			/* new connections a second, per stranger */
#define HL_WIRE_HELLO_BURST 8			/* of which at once */
#define HL_WIRE_PEER_MS (3600 * 1000)		/* a peer's address is known that long */
#define HL_WIRE_ADDRS 256			/* addresses the guard remembers */
#define HL_WIRE_TIMEOUT 30			/* seconds of silence */
#define HL_WIRE_FIELDS_MAX 64		/* header fields and query arguments */

#endif
