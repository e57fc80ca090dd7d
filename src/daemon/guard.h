/* guard.h - keeps the peer server's connections for its peers.
 *
 * Strangers must not be able to fill the server.  The guard checks the
 * client's certificate inside the TLS handshake (a certificate on no
 * confirmed link's card, or none, ends it with an alert before any
 * HTTP byte), gives a stranger HL_WIRE_HELLO_MS to finish it and a
 * peer HL_WIRE_HEAD_MS to send each request's head, and keeps
 * connections still in their handshake to HL_WIRE_PENDING_PER_IP per
 * address and HL_WIRE_PENDING_MAX in all, far under the server's
 * HL_WIRE_CONN_LIMIT: when they are all taken, the one that has waited
 * longest makes room for a newcomer, so a peer that finishes its
 * handshake in milliseconds always gets in.  Deadlines are enforced
 * whenever a connection arrives, which is when room is needed, and by
 * libmicrohttpd's idle timeout otherwise.
 *
 * Plug hl_guard_policy and hl_guard_notify into MHD_start_daemon (the
 * accept policy and MHD_OPTION_NOTIFY_CONNECTION), call
 * hl_guard_request at a request's head and hl_guard_done when it
 * completes.  All of it runs in libmicrohttpd's one polling thread.
 */
#ifndef HL_GUARD_H
#define HL_GUARD_H

#include <stdbool.h>
#include <stddef.h>

#include <gnutls/gnutls.h>
#include <microhttpd.h>

/* 0 when pin (SPKI SHA-256) is a confirmed link's; else why not. */
typedef int (*hl_guard_known_fn)(void *ctx, const unsigned char pin[32], char *why,
				 size_t n);

struct hl_guard;

struct hl_guard *hl_guard_new(hl_guard_known_fn known, void *ctx);
/* After MHD_stop_daemon: the connections' notices use it until then. */
void hl_guard_free(struct hl_guard *g);

enum MHD_Result hl_guard_policy(void *cls, const struct sockaddr *sa, socklen_t len);
void hl_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
		     enum MHD_ConnectionNotificationCode toe);
/* True when the connection's certificate passed the handshake check;
 * pin gets that certificate's pin, taken in the handshake (a TLS 1.3
 * session keeps its certificate: no later request presents another). */
bool hl_guard_request(struct MHD_Connection *c, unsigned char pin[32]);
void hl_guard_done(struct MHD_Connection *c);

/* The SPKI SHA-256 pin of the session's client certificate; -1 if none. */
int hl_guard_pin(gnutls_session_t s, unsigned char pin[32]);

#endif
