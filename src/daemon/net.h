/* net.h - the socket address a listen setting names, for both of
 * hotlined's servers (the peer port and the console's HTTPS door).
 *
 * A listen setting is "host:port" with a numeric host, an IPv6 one in
 * brackets: "0.0.0.0:8443", "127.0.0.1:8443", "[::1]:8443".  No name is
 * looked up: a server binds where its configuration says, to the byte.
 */
#ifndef HL_NET_H
#define HL_NET_H

#include <sys/socket.h>

/* Fills ss with listen's address; -HL_ECONFIG for one that is not a
 * numeric host and port. */
int hl_net_resolve(const char *listen, struct sockaddr_storage *ss);

#endif
