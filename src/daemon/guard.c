/* guard.c - who may hold one of the peer server's connections (guard.h).
 *
 * Everything here runs in libmicrohttpd's one polling thread (accept
 * policy, connection notices, the TLS handshake, the access handler),
 * so the list of connections needs no lock.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <gnutls/abstract.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "guard.h"
#include "hash.h"
#include "log.h"
#include "wire.h"

struct conn {
	struct hl_guard *g;
	struct conn *prev, *next;
	int fd;
	char ip[INET6_ADDRSTRLEN];
	int64_t since;		/* ms: accepted, or its last request done */
	bool trusted;		/* a confirmed link's certificate */
	bool busy;		/* a request's head has arrived */
	bool cut;		/* shut down by the guard */
	bool told;		/* its refusal was logged */
	unsigned char pin[32];	/* its certificate's, once trusted */
};

/* What the guard remembers of one address. */
struct addr {
	char ip[INET6_ADDRSTRLEN];
	int64_t seen;		/* ms: its last connection */
	int64_t peer_at;	/* ms: a confirmed peer's handshake from it */
	double tokens;		/* new connections it may still open now */
};

#define SAY_PER_SECOND 5

struct hl_guard {
	hl_guard_known_fn known;
	void *ctx;
	struct addr addrs[HL_WIRE_ADDRS];
	struct conn *head;
	unsigned pending;	/* not trusted and not cut */
	/* Refusals are logged one by one up to SAY_PER_SECOND a second;
	 * past that, how many were not, once the second is over. */
	int64_t said_at;
	unsigned said, unsaid;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(struct hl_guard *g, const char *ip, const char *what)
{
	int64_t now = now_ms() / 1000;

	if (now != g->said_at) {
		if (g->unsaid)
			log_warn("peer connections: %u more refused in the second before, "
				 "not logged one by one", g->unsaid);
		g->said_at = now;
		g->said = 0;
		g->unsaid = 0;
	}
	if (g->said == SAY_PER_SECOND) {
		g->unsaid++;
		return;
	}
	g->said++;
	log_warn("peer %s: %s", ip, what);
}

static void ip_of(const struct sockaddr *sa, char out[INET6_ADDRSTRLEN])
{
	const void *a = sa->sa_family == AF_INET6 ?
			(const void *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr :
			(const void *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;

	if (!inet_ntop(sa->sa_family, a, out, INET6_ADDRSTRLEN))
		memcpy(out, "?", 2);
}

/* Ends a connection from outside libmicrohttpd's request cycle: its
 * next read fails and libmicrohttpd closes it (the descriptor stays
 * open until then, so no other connection can reuse it meanwhile). */
static void cut(struct conn *k)
{
	if (k->cut)
		return;
	shutdown(k->fd, SHUT_RDWR);
	k->cut = true;
	if (!k->trusted)
		k->g->pending--;
}

/* Cuts what overstayed: a stranger that has not finished its handshake
 * in HL_WIRE_HELLO_MS, a peer that has not sent a request's head
 * HL_WIRE_HEAD_MS after its last one (or its handshake). */
static void sweep(struct hl_guard *g, int64_t now)
{
	for (struct conn *k = g->head; k; k = k->next) {
		if (k->cut || k->busy)
			continue;
		if (now - k->since > (k->trusted ? HL_WIRE_HEAD_MS : HL_WIRE_HELLO_MS))
			cut(k);
	}
}

/* The record of ip, or a new one in place of the one seen longest ago
 * (an address a peer came from is kept over any other). */
static struct addr *addr_of(struct hl_guard *g, const char *ip, int64_t now)
{
	struct addr *a, *old = NULL;

	for (size_t i = 0; i < HL_WIRE_ADDRS; i++) {
		a = &g->addrs[i];
		if (strcmp(a->ip, ip) == 0)
			return a;
		if (!old || (old->peer_at && !a->peer_at) ||
		    (!old->peer_at == !a->peer_at && a->seen < old->seen))
			old = a;
	}
	memset(old, 0, sizeof(*old));
	memcpy(old->ip, ip, sizeof(old->ip));
	old->seen = now;
	old->tokens = HL_WIRE_HELLO_BURST;
	return old;
}

/* A token bucket per address: a stranger may open HL_WIRE_HELLO_RATE
 * connections a second (HL_WIRE_HELLO_BURST at once), so that its
 * handshakes cannot take the server's time; an address a confirmed
 * peer came from within HL_WIRE_PEER_MS is not limited. */
static bool may_open(struct addr *a, int64_t now)
{
	if (a->peer_at && now - a->peer_at < HL_WIRE_PEER_MS)
		return true;
	a->tokens += (double)(now - a->seen) * HL_WIRE_HELLO_RATE / 1000.0;
	if (a->tokens > HL_WIRE_HELLO_BURST)
		a->tokens = HL_WIRE_HELLO_BURST;
	a->seen = now;
	if (a->tokens < 1.0)
		return false;
	a->tokens -= 1.0;
	return true;
}

static unsigned pending_from(const struct hl_guard *g, const char *ip)
{
	unsigned n = 0;

	for (const struct conn *k = g->head; k; k = k->next)
		n += !k->trusted && !k->cut && strcmp(k->ip, ip) == 0;
	return n;
}

static struct conn *oldest_pending(const struct hl_guard *g)
{
	struct conn *old = NULL;

	for (struct conn *k = g->head; k; k = k->next)
		if (!k->trusted && !k->cut && (!old || k->since < old->since))
			old = k;
	return old;
}

enum MHD_Result hl_guard_policy(void *cls, const struct sockaddr *sa, socklen_t len)
{
	struct hl_guard *g = cls;
	char ip[INET6_ADDRSTRLEN];
	struct conn *old;

	int64_t now = now_ms();

	(void)len;
	ip_of(sa, ip);
	sweep(g, now);
	if (!may_open(addr_of(g, ip, now), now)) {
		say(g, ip, "refused: too many new connections from this address");
		return MHD_NO;
	}
	if (pending_from(g, ip) >= HL_WIRE_PENDING_PER_IP) {
		say(g, ip, "refused: too many connections from this address in handshake");
		return MHD_NO;
	}
	/* Room for a newcomer, which may be a peer: the stranger that has
	 * waited longest goes. */
	if (g->pending >= HL_WIRE_PENDING_MAX) {
		old = oldest_pending(g);
		if (old)
			cut(old);
	}
	return MHD_YES;
}

/* The SPKI SHA-256 pin of the client's certificate, if it sent one. */
int hl_guard_pin(gnutls_session_t s, unsigned char pin[32])
{
	const gnutls_datum_t *certs;
	gnutls_x509_crt_t crt = NULL;
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t spki = {NULL, 0};
	unsigned n = 0;
	int r = -1;

	certs = s ? gnutls_certificate_get_peers(s, &n) : NULL;
	if (!certs || n == 0)
		return r;
	if (gnutls_x509_crt_init(&crt) == 0 &&
	    gnutls_x509_crt_import(crt, &certs[0], GNUTLS_X509_FMT_DER) == 0 &&
	    gnutls_pubkey_init(&pub) == 0 && gnutls_pubkey_import_x509(pub, crt, 0) == 0 &&
	    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki) == 0) {
		hl_sha256(spki.data, spki.size, pin);
		r = 0;
	}
	gnutls_free(spki.data);
	if (pub)
		gnutls_pubkey_deinit(pub);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	return r;
}

/* In the handshake, when the client's certificate has come: a
 * certificate on no confirmed link's card ends the handshake with an
 * alert, before any HTTP byte is read. */
static int verify(gnutls_session_t s)
{
	struct conn *k = gnutls_session_get_ptr(s);
	unsigned char pin[32];
	char why[128] = "no client certificate";

	if (!k || k->cut)
		return -1;
	if (hl_guard_pin(s, pin) == 0 && k->g->known(k->g->ctx, pin, why, sizeof(why)) == 0) {
		k->trusted = true;
		memcpy(k->pin, pin, sizeof(k->pin));
		k->since = now_ms();
		k->g->pending--;
		addr_of(k->g, k->ip, k->since)->peer_at = k->since;
		return 0;
	}
	say(k->g, k->ip, why);
	k->told = true;
	return -1;
}

static void started(struct hl_guard *g, struct MHD_Connection *c, void **sc)
{
	const union MHD_ConnectionInfo *tls =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	const union MHD_ConnectionInfo *fd =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *addr =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	struct conn *k = calloc(1, sizeof(*k));

	if (!k || !tls || !tls->tls_session || !fd || !addr) {
		/* Without its session the certificate cannot be checked in
		 * the handshake: end it (the gate would refuse it anyway). */
		free(k);
		if (fd)
			shutdown(fd->connect_fd, SHUT_RDWR);
		return;
	}
	k->g = g;
	k->fd = fd->connect_fd;
	k->since = now_ms();
	ip_of(addr->client_addr, k->ip);
	k->next = g->head;
	if (g->head)
		g->head->prev = k;
	g->head = k;
	g->pending++;
	*sc = k;
	gnutls_session_set_ptr(tls->tls_session, k);
	gnutls_session_set_verify_function(tls->tls_session, verify);
	gnutls_certificate_server_set_request(tls->tls_session, GNUTLS_CERT_REQUIRE);
}

static void closed(struct hl_guard *g, struct conn *k)
{
	if (!k)
		return;
	if (!k->trusted && !k->told)
		say(g, k->ip, k->cut ? "TLS handshake not finished in time: cut" :
			      "TLS handshake failed or abandoned (no client certificate?)");
	if (!k->trusted && !k->cut)
		g->pending--;
	if (k->prev)
		k->prev->next = k->next;
	else
		g->head = k->next;
	if (k->next)
		k->next->prev = k->prev;
	free(k);
}

void hl_guard_notify(void *cls, struct MHD_Connection *c, void **sc,
		     enum MHD_ConnectionNotificationCode toe)
{
	struct hl_guard *g = cls;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		started(g, c, sc);
	else
		closed(g, *sc);
	if (toe != MHD_CONNECTION_NOTIFY_STARTED)
		*sc = NULL;
}

static struct conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci ? ci->socket_context : NULL;
}

bool hl_guard_request(struct MHD_Connection *c, unsigned char pin[32])
{
	struct conn *k = conn_of(c);

	if (!k || !k->trusted || k->cut)
		return false;
	k->busy = true;
	memcpy(pin, k->pin, sizeof(k->pin));
	return true;
}

void hl_guard_done(struct MHD_Connection *c)
{
	struct conn *k = conn_of(c);

	if (!k)
		return;
	k->busy = false;
	k->since = now_ms();
}

struct hl_guard *hl_guard_new(hl_guard_known_fn known, void *ctx)
{
	struct hl_guard *g = calloc(1, sizeof(*g));

	if (g) {
		g->known = known;
		g->ctx = ctx;
	}
	return g;
}

void hl_guard_free(struct hl_guard *g)
{
	while (g && g->head)
		closed(g, g->head);
	free(g);
}
