/* peer.h - the peer server: HTTPS for peers only, mutual TLS 1.3 pinned
 * to the cards.  It witnesses pushes, serves pulls and takes receipts.
 * It runs in libmicrohttpd's thread with a store handle of its own. */
#ifndef HL_PEER_H
#define HL_PEER_H

#include "party.h"

struct hl_peer_server;

/* Starts serving on the party's listen address; db is the store path.
 * on_change is called (from the server's thread) with the link's name
 * when a push or receipt was stored on it, so the courier can react. */
int hl_peer_start(const struct hl_party *me, const char *db,
		  void (*on_change)(void *ctx, const char *link), void *ctx,
		  struct hl_peer_server **out, char *err, size_t errlen);
void hl_peer_stop(struct hl_peer_server *ps);

/* Restarts the server this process runs on tls.key and tls.crt as they
 * are now (a certificate renewed, protocol.md 10.1): the listening
 * socket is kept, so no peer is refused meanwhile, and the requests
 * under way finish first.  -ENOENT when no server runs; on another
 * failure err says what happened (the server keeps the certificate
 * before when it refuses the new one). */
int hl_peer_renew(char *err, size_t errlen);

/* The TLS switch of a key change of ours (protocol.md 9.13): the staged
 * TLS key and certificate of home become the ones in use, and the server
 * restarts on them (hl_peer_renew). */
int hl_peer_tls_switch(const char *home, char *err, size_t errlen);

#endif
