/* peer.c - the peer server (libmicrohttpd over GnuTLS).
 *
 * Every request goes through the same gate before a body byte is read:
 * a known method and path, a client certificate whose SPKI pin is the
 * one on a confirmed link's card, and a declared length under the cap.
 * Then the body is buffered up to that length and handed to the
 * transcript.  Every answer goes through respond().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <microhttpd.h>
#include <sodium.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "error.h"
#include "events.h"
#include "file.h"
#include "guard.h"
#include "keyring.h"
#include "hash.h"
#include "http.h"
#include "keys.h"
#include "net.h"
#include "log.h"
#include "peer.h"
#include "transcript.h"
#include "wire.h"
#include "trace.h"

enum route { R_PUSH, R_PULL, R_RECEIPT, R_CHECKPOINT, R_CARD };

static const struct {
	const char *method, *path;
	bool body;
} routes[] = {
	[R_PUSH] = {"POST", HL_PATH_PUSH, true},
	[R_PULL] = {"GET", HL_PATH_PULL, false},
	[R_RECEIPT] = {"POST", HL_PATH_RECEIPT, true},
	[R_CHECKPOINT] = {"GET", HL_PATH_CHECKPOINT, false},
	[R_CARD] = {"GET", HL_PATH_CARD, false},
};

struct hl_peer_server {
	struct MHD_Daemon *mhd;
	struct sockaddr_storage ss;	/* where it listens */
	struct hl_guard *guard;
	const struct hl_party *me;
	struct hl_store *st;
	struct hl_buf key, crt;
	void (*on_change)(void *ctx, const char *link);
	void *ctx;
	/* libmicrohttpd's own complaints, at most one line a second. */
	struct hl_http_log log;
};

struct request {
	enum route route;
	struct hl_link link;
	struct hl_buf body;
	char addr[INET6_ADDRSTRLEN + 8];
	/* A push witnessed: what is said of it once its cosignature is
	 * on its way (completed), not before. */
	bool witnessed;
	uint64_t old, added, size;
};

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status,
			       const char *type, const void *body, size_t n)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(n, (void *)body,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result refuse(struct MHD_Connection *c, const char *addr,
			      unsigned status, const char *why)
{
	char body[256];

	log_warn("peer %s: refused (%u): %s", addr, status, why);
	snprintf(body, sizeof(body), "%s\n", why);
	return respond(c, status, HL_TYPE_TEXT, body, strlen(body));
}

static void client_addr(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(out, n, "?");
	if (sa && getnameinfo(sa, sa->sa_family == AF_INET6 ?
			      sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in),
			      out, (socklen_t)n, NULL, 0, NI_NUMERICHOST) != 0)
		snprintf(out, n, "?");
}

/* The pins a link accepts: its card's, and its old one while the
 * peer's TLS key changes over (protocol.md 10.1). */
static bool link_pins(const struct hl_link *l, const unsigned char pin[32])
{
	return memcmp(l->card.tls_pin, pin, 32) == 0 ||
	       (l->has_old_pin && memcmp(l->old_pin, pin, 32) == 0);
}

struct find {
	const unsigned char *pin;
	struct hl_link *out;
	bool found, ambiguous;
};

/* Pins are public: anyone can put one on a card.  Only confirmed links
 * that are not archived count, and a pin on two of them identifies
 * nobody. */
static int match_pin(void *ctx, const struct hl_link *l)
{
	struct find *f = ctx;

	if (!l->confirmed || l->archived || !link_pins(l, f->pin))
		return 0;
	if (f->found) {
		f->ambiguous = true;
		return 1;
	}
	f->found = true;
	*f->out = *l;
	/* The copy must own its card text: link_each frees the original. */
	hl_buf_init(&f->out->card_text, HL_CARD_MAX);
	return hl_buf_append(&f->out->card_text, l->card_text.data, l->card_text.len) < 0 ?
	       -ENOMEM : 0;
}

/* The guard's question, in the handshake: is pin a confirmed link's? */
static int known_pin(void *ctx, const unsigned char pin[32], char *why, size_t n)
{
	struct hl_peer_server *ps = ctx;
	struct hl_link l = {0};
	struct find f = {pin, &l, false, false};
	int r = hl_store_link_each(ps->st, match_pin, &f);

	hl_link_free(&l);
	if (r < 0)
		snprintf(why, n, "TLS handshake refused: store unavailable");
	else if (f.ambiguous)
		snprintf(why, n, "TLS handshake refused: certificate pinned by two confirmed links");
	else if (!f.found)
		snprintf(why, n, "TLS handshake refused: no confirmed link has this certificate");
	return r == 0 && f.found && !f.ambiguous ? 0 : -1;
}

static int route_of(const char *method, const char *url)
{
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(url, routes[i].path) == 0)
			return strcmp(method, routes[i].method) == 0 ? (int)i : -2;
	return -1;
}

/* A refusal after which nothing more is read on the connection. */
static enum MHD_Result refuse_close(struct MHD_Connection *c, const char *addr,
				    unsigned status, const char *why)
{
	char body[256];

	log_warn("peer %s: refused (%u): %s", addr, status, why);
	snprintf(body, sizeof(body), "%s\n", why);
	return hl_http_refuse(c, status, HL_TYPE_TEXT, body);
}

/* The TLS change-over (10.1): the peer's first connection with its
 * card's key drops the old pin.  Failing, it is tried at the next. */
static void new_key_seen(struct hl_peer_server *ps, struct hl_link *l,
			 const unsigned char pin[32])
{
	int r;

	if (!l->has_old_pin || memcmp(l->card.tls_pin, pin, 32) != 0)
		return;
	r = hl_store_link_old_pin_drop(ps->st, l);
	if (r < 0) {
		log_warn("peer %s: cannot drop its old TLS pin: %s", l->name, hl_strerror(r));
		return;
	}
	log_info("peer %s: presents its new TLS key: its old pin is no longer accepted",
		 l->name);
	l->has_old_pin = false;
}

/* The gate: everything checked before the body is read. */
static enum MHD_Result admit(struct hl_peer_server *ps, struct MHD_Connection *c,
			     const char *method, const char *url, const char *version,
			     void **con_cls)
{
	struct request *rq = calloc(1, sizeof(*rq));
	const char *len_s, *bad;
	unsigned char pin[32];
	struct find f;
	uint64_t len = 0;
	unsigned status;
	int route;

	if (!rq)
		return MHD_NO;
	client_addr(c, rq->addr, sizeof(rq->addr));
	*con_cls = rq;
	if (!hl_guard_request(c, pin))
		return refuse_close(c, rq->addr, MHD_HTTP_FORBIDDEN,
				    "no confirmed link has this certificate");
	status = hl_http_strict(c, method, url, version, false, &bad);
	if (status)
		return refuse_close(c, rq->addr, status, bad);
	route = route_of(method, url);
	if (route == -1)
		return refuse(c, rq->addr, MHD_HTTP_NOT_FOUND, "no such path");
	if (route == -2)
		return refuse(c, rq->addr, MHD_HTTP_METHOD_NOT_ALLOWED, "wrong method");
	rq->route = (enum route)route;
	f = (struct find){pin, &rq->link, false, false};
	if (hl_store_link_each(ps->st, match_pin, &f) < 0)
		return refuse(c, rq->addr, MHD_HTTP_SERVICE_UNAVAILABLE, "store unavailable");
	if (f.ambiguous)
		return refuse(c, rq->addr, MHD_HTTP_FORBIDDEN,
			      "certificate pinned by two confirmed links");
	if (!f.found)
		return refuse(c, rq->addr, MHD_HTTP_FORBIDDEN,
			      "no confirmed link has this certificate");
	new_key_seen(ps, &rq->link, pin);
	hl_buf_init(&rq->body, 0);
	len_s = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (!routes[route].body)
		return !len_s || strcmp(len_s, "0") == 0 ? MHD_YES :
		       refuse_close(c, rq->addr, MHD_HTTP_BAD_REQUEST, "no body expected");
	if (!len_s || hl_parse_u64(len_s, strlen(len_s), UINT64_MAX, &len) < 0)
		return refuse(c, rq->addr, MHD_HTTP_LENGTH_REQUIRED, "Content-Length required");
	if (len > HL_WIRE_BODY_MAX)
		return refuse(c, rq->addr, MHD_HTTP_CONTENT_TOO_LARGE, "body too large");
	rq->body.max = (size_t)len;
	return MHD_YES;
}

/* Maps a transcript error to an HTTP status. */
static unsigned status_of(int r)
{
	switch (-r) {
	case HL_EGAP:
	case HL_EEQUIVOCATION:
		return MHD_HTTP_CONFLICT;
	case HL_ECONSISTENCY:
	case HL_EPROOF:
	case HL_EKEY:
	case HL_EREVOKED:
		return MHD_HTTP_UNPROCESSABLE_CONTENT;
	case HL_EBADSIG:
	case HL_ENOSIG:
	case HL_ELINK:
	case HL_EUNCONFIRMED:
		return MHD_HTTP_FORBIDDEN;
	case HL_ESTORE:
	case ENOMEM:
	case ENOSPC:
	case EIO:
		return MHD_HTTP_SERVICE_UNAVAILABLE;
	default:
		return MHD_HTTP_BAD_REQUEST;
	}
}

static enum MHD_Result push(struct hl_peer_server *ps, struct MHD_Connection *c,
			    struct request *rq)
{
	struct hl_witness_result res;
	struct hl_buf line;
	enum MHD_Result ret;
	char size[32], why[256], clock[160];
	int r;

	hl_trace("peer.push", 0);
	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	r = hl_transcript_witness(ps->st, ps->me, &rq->link, rq->body.data, rq->body.len,
				  (int64_t)time(NULL), &line, &res);
	if (r == 0) {
		if (res.lost_to)
			log_warn("peer %s: STORE LOSS: we had receipted its log up to %llu but "
				 "held only %llu (a backup restored? a lost write-ahead log?): "
				 "refilling from its resend", rq->link.name,
				 (unsigned long long)res.lost_to, (unsigned long long)res.old);
		ret = respond(c, MHD_HTTP_OK, HL_TYPE_COSIG, line.data, line.len);
		hl_trace("peer.answered", res.size);
		rq->witnessed = !res.repeat;
		rq->old = res.old;
		rq->added = res.added;
		rq->size = res.size;
	} else if (r == -HL_EGAP) {
		log_warn("peer %s: push does not start where we stand (%llu): resync",
			 rq->link.name, (unsigned long long)res.old);
		snprintf(size, sizeof(size), "%llu\n", (unsigned long long)res.old);
		ret = respond(c, MHD_HTTP_CONFLICT, HL_TYPE_SIZE, size, strlen(size));
	} else if (res.why[0] && r == -HL_EUNCONFIRMED) {
		/* A rekey before its voice confirmation (protocol.md 9.15): a
		 * transient the sender retries. */
		log_info("peer %s: %s", rq->link.name, res.why);
		ret = refuse(c, rq->addr, status_of(r), res.why);
	} else if (res.why[0]) {
		/* A key change refused, or a revoked key: the sentence alone
		 * (links.md 8), which the sender's courier keeps. */
		log_warn("peer %s: key change refused: %s", rq->link.name, res.why);
		ret = refuse(c, rq->addr, status_of(r), res.why);
	} else if (res.clock) {
		hl_transcript_clock_why(&res, ps->me->conf.clock_skew, clock, sizeof(clock));
		snprintf(why, sizeof(why), "push from %s: %s", rq->link.name, clock);
		ret = refuse(c, rq->addr, MHD_HTTP_UNPROCESSABLE_CONTENT, why);
	} else {
		if (res.unkept)
			log_warn("peer %s: equivocation evidence past evidence.max: "
				 "this incident is kept by its hash only", rq->link.name);
		snprintf(why, sizeof(why), "push from %s: %s%s%s", rq->link.name,
			 hl_strerror(r), r == -HL_ESTORE ? ": " : "",
			 r == -HL_ESTORE ? hl_store_errmsg(ps->st) : "");
		ret = refuse(c, rq->addr, status_of(r), why);
	}
	hl_buf_free(&line);
	return ret;
}

static enum MHD_Result pull(struct hl_peer_server *ps, struct MHD_Connection *c,
			    struct request *rq)
{
	struct hl_buf out;
	uint64_t count = 0;
	enum MHD_Result ret;
	int r;

	hl_buf_init(&out, HL_WIRE_BODY_MAX);
	r = hl_transcript_push(ps->st, ps->me, &rq->link, &out, &count);
	if (r < 0)
		ret = refuse(c, rq->addr, status_of(r), hl_strerror(r));
	else if (count == 0)
		ret = respond(c, MHD_HTTP_NO_CONTENT, HL_TYPE_TEXT, "", 0);
	else
		ret = respond(c, MHD_HTTP_OK, HL_TYPE_PUSH, out.data, out.len);
	hl_buf_free(&out);
	return ret;
}

static enum MHD_Result receipt(struct hl_peer_server *ps, struct MHD_Connection *c,
			       struct request *rq)
{
	uint64_t size = 0;
	int r = hl_transcript_receipt(ps->st, ps->me, &rq->link, rq->body.data,
				      rq->body.len, &size);

	if (r < 0)
		return refuse(c, rq->addr, status_of(r), hl_strerror(r));
	log_info("peer %s: receipted our log up to %llu", rq->link.name,
		 (unsigned long long)size);
	hl_event_receipt(rq->link.name, size);
	if (ps->on_change)
		ps->on_change(ps->ctx, rq->link.name);
	return respond(c, MHD_HTTP_OK, HL_TYPE_TEXT, "OK\n", 3);
}

static enum MHD_Result checkpoint(struct hl_peer_server *ps, struct MHD_Connection *c,
				  struct request *rq)
{
	struct hl_buf out;
	uint64_t size = 0;
	enum MHD_Result ret;
	int r;

	hl_buf_init(&out, HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX);
	r = hl_store_cosigned_size(ps->st, rq->link.id, HL_THEIRS, &size);
	if (r == 0 && size == 0)
		r = -HL_ENOTFOUND;
	if (r == 0)
		r = hl_transcript_cosigned(ps->st, &rq->link, HL_THEIRS, size, &out);
	if (r == -HL_ENOTFOUND)
		ret = respond(c, MHD_HTTP_NOT_FOUND, HL_TYPE_TEXT, "none\n", 5);
	else if (r < 0)
		ret = refuse(c, rq->addr, status_of(r), hl_strerror(r));
	else
		ret = respond(c, MHD_HTTP_OK, HL_TYPE_CHECKPOINT, out.data, out.len);
	hl_buf_free(&out);
	return ret;
}

/* This party's card as its home holds it now, read for each request:
 * a rotation replaces the file while the daemon runs. */
static enum MHD_Result card(struct hl_peer_server *ps, struct MHD_Connection *c,
			    struct request *rq)
{
	char path[PATH_MAX];
	struct hl_buf text;
	enum MHD_Result ret;
	int r = hl_party_path(ps->me->home, "card", path, sizeof(path));

	hl_buf_init(&text, HL_CARD_MAX);
	if (r == 0)
		r = hl_file_read(path, &text);
	if (r < 0) {
		log_warn("peer %s: our card cannot be read: %s", rq->link.name, hl_strerror(r));
		ret = respond(c, MHD_HTTP_SERVICE_UNAVAILABLE, HL_TYPE_TEXT,
			      "card unavailable\n", 17);
	} else {
		ret = respond(c, MHD_HTTP_OK, HL_TYPE_CARD, text.data, text.len);
	}
	hl_buf_free(&text);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *data, size_t *size, void **con_cls)
{
	struct hl_peer_server *ps = cls;
	struct request *rq = *con_cls;

	if (!rq)
		return admit(ps, c, method, url, version, con_cls);
	if (*size) {
		if (hl_buf_append(&rq->body, data, *size) < 0)
			return refuse(c, rq->addr, MHD_HTTP_CONTENT_TOO_LARGE,
				      "body longer than declared");
		*size = 0;
		return MHD_YES;
	}
	switch (rq->route) {
	case R_PUSH: return push(ps, c, rq);
	case R_PULL: return pull(ps, c, rq);
	case R_RECEIPT: return receipt(ps, c, rq);
	case R_CARD: return card(ps, c, rq);
	default: return checkpoint(ps, c, rq);
	}
}

/* After a push's answer went out (or failed to: what was stored is
 * stored either way): the log line, the desk's events, the courier's
 * wake.  They took a store read and a log write off the cosignature's
 * way back. */
static void witnessed(struct hl_peer_server *ps, const struct request *rq)
{
	log_info("peer %s: stored %llu message(s), receipted up to %llu", rq->link.name,
		 (unsigned long long)rq->added, (unsigned long long)rq->size);
	if (rq->added)
		hl_event_arrived(ps->st, &rq->link, rq->old);
	if (ps->on_change)
		ps->on_change(ps->ctx, rq->link.name);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct request *rq = *con_cls;

	(void)toe;
	hl_guard_done(c);
	if (!rq)
		return;
	if (rq->witnessed)
		witnessed(cls, rq);
	hl_link_free(&rq->link);
	hl_buf_free(&rq->body);
	free(rq);
	*con_cls = NULL;
}

/* The TLS key and certificate in home, as they are now. */
static int load(const char *home, struct hl_buf *key, struct hl_buf *crt)
{
	char path[PATH_MAX];
	int r = hl_party_path(home, "tls.key", path, sizeof(path));

	hl_buf_init(key, 16384);
	hl_buf_init(crt, 16384);
	if (r == 0)
		r = hl_file_read(path, key);
	if (r == 0)
		r = hl_party_path(home, "tls.crt", path, sizeof(path));
	if (r == 0)
		r = hl_file_read(path, crt);
	return r;
}

static void unload(struct hl_buf *key, struct hl_buf *crt)
{
	if (key->data)
		sodium_memzero(key->data, key->len);
	hl_buf_free(key);
	hl_buf_free(crt);
}

/* libmicrohttpd serving ps's key and certificate, with a new guard: on
 * ps->ss, or on the listening socket fd when it is not -1 (a restart). */
static struct MHD_Daemon *serve(struct hl_peer_server *ps, int fd)
{
	struct MHD_OptionItem where[] = {
		fd == -1 ? (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ps->ss} :
			   (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, fd, NULL},
		{MHD_OPTION_END, 0, NULL},
	};

	ps->guard = hl_guard_new(known_pin, ps);
	if (!ps->guard)
		return NULL;
	/* A trust list makes GnuTLS ask for the client's certificate and
	 * the guard require one; the pin on the card, not this list,
	 * decides who the client is, in the handshake (guard.c).  ITC: a
	 * restart quiesces the server (hl_peer_renew). */
	return MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS |
				MHD_USE_ERROR_LOG | MHD_USE_ITC, 0, hl_guard_policy, ps->guard,
				handle, ps,
		MHD_OPTION_EXTERNAL_LOGGER, hl_http_log, &ps->log,
		MHD_OPTION_ARRAY, where,
		MHD_OPTION_HTTPS_MEM_KEY, (const char *)ps->key.data,
		MHD_OPTION_HTTPS_MEM_CERT, (const char *)ps->crt.data,
		MHD_OPTION_HTTPS_MEM_TRUST, (const char *)ps->crt.data,
		MHD_OPTION_HTTPS_PRIORITIES, "NORMAL:-VERS-ALL:+VERS-TLS1.3",
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HL_WIRE_CONN_MEMORY,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)HL_WIRE_CONN_LIMIT,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HL_WIRE_CONN_PER_IP,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HL_WIRE_TIMEOUT,
		MHD_OPTION_NOTIFY_COMPLETED, completed, ps,
		MHD_OPTION_NOTIFY_CONNECTION, hl_guard_notify, ps->guard,
		MHD_OPTION_UNESCAPE_CALLBACK, hl_http_no_unescape, NULL,
		MHD_OPTION_END);
}

/* The server this process runs, for hl_peer_renew: one at a time. */
static pthread_mutex_t serving_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hl_peer_server *serving;

int hl_peer_start(const struct hl_party *me, const char *db,
		  void (*on_change)(void *ctx, const char *link), void *ctx,
		  struct hl_peer_server **out, char *err, size_t errlen)
{
	struct hl_peer_server *ps = calloc(1, sizeof(*ps));
	int r;

	*out = NULL;
	if (!ps)
		return -ENOMEM;
	ps->log = (struct hl_http_log)HL_HTTP_LOG_INIT("peer server");
	ps->me = me;
	ps->on_change = on_change;
	ps->ctx = ctx;
	r = load(me->home, &ps->key, &ps->crt);
	if (r == 0)
		r = hl_net_resolve(me->conf.listen, &ps->ss);
	if (r == 0)
		r = hl_store_open(db, &ps->st, err, errlen);
	if (r < 0)
		goto fail;
	ps->mhd = serve(ps, -1);
	if (!ps->mhd) {
		snprintf(err, errlen, "cannot listen on %s: %s", me->conf.listen,
			 strerror(errno ? errno : EADDRINUSE));
		r = -HL_ECONFIG;
		goto fail;
	}
	pthread_mutex_lock(&serving_lock);
	serving = ps;
	pthread_mutex_unlock(&serving_lock);
	*out = ps;
	return 0;
fail:
	hl_peer_stop(ps);
	return r;
}

/* Swaps the key and certificate that ps serves with those in key, crt. */
static void swap(struct hl_peer_server *ps, struct hl_buf *key, struct hl_buf *crt)
{
	struct hl_buf k = ps->key, c = ps->crt;

	ps->key = *key;
	ps->crt = *crt;
	*key = k;
	*crt = c;
}

/* Serves what ps holds now on the listening socket fd, after a stop. */
static int serve_again(struct hl_peer_server *ps, int fd)
{
	hl_guard_free(ps->guard);
	ps->guard = NULL;
	ps->mhd = serve(ps, fd);
	return ps->mhd ? 0 : -HL_ETLS;
}

int hl_peer_renew(char *err, size_t errlen)
{
	struct hl_peer_server *ps;
	struct hl_buf key = {0}, crt = {0};
	MHD_socket fd;
	int r;

	pthread_mutex_lock(&serving_lock);
	ps = serving;
	r = ps ? load(ps->me->home, &key, &crt) : -ENOENT;
	if (r < 0) {
		snprintf(err, errlen, ps ? "cannot read tls.key and tls.crt: %s" :
			 "no peer server runs", hl_strerror(r));
		goto out;
	}
	/* The listening socket stays open, so nobody is refused meanwhile:
	 * connections wait in its backlog.  Stopping lets the requests under
	 * way finish (their handlers run in the server's thread). */
	fd = MHD_quiesce_daemon(ps->mhd);
	if (fd == MHD_INVALID_SOCKET) {
		snprintf(err, errlen, "the peer server cannot be restarted");
		r = -EIO;
		goto out;
	}
	MHD_stop_daemon(ps->mhd);
	swap(ps, &key, &crt);
	r = serve_again(ps, fd);
	if (r < 0) {
		swap(ps, &key, &crt);
		snprintf(err, errlen, "the peer server refused the new certificate: "
			 "it serves the one before");
		if (serve_again(ps, fd) < 0) {
			close(fd);
			snprintf(err, errlen, "the peer server could not restart: it is stopped");
			r = -EIO;
		}
	}
out:
	unload(&key, &crt);
	pthread_mutex_unlock(&serving_lock);
	return r;
}

int hl_peer_tls_switch(const char *home, char *err, size_t errlen)
{
	int r = hl_party_tls_switch(home);

	if (r < 0) {
		snprintf(err, errlen, "%s/tls-next.key, tls-next.crt: %s", home,
			 r == -ENOENT ? "no new TLS key is waiting" : hl_strerror(r));
		return r;
	}
	r = hl_peer_renew(err, errlen);
	return r == -ENOENT ? 0 : r;	/* no server yet: it starts on them */
}

void hl_peer_stop(struct hl_peer_server *ps)
{
	if (!ps)
		return;
	pthread_mutex_lock(&serving_lock);
	if (serving == ps)
		serving = NULL;
	pthread_mutex_unlock(&serving_lock);
	if (ps->mhd)
		MHD_stop_daemon(ps->mhd);
	hl_guard_free(ps->guard);
	hl_store_close(ps->st);
	unload(&ps->key, &ps->crt);
	pthread_mutex_destroy(&ps->log.lock);
	free(ps);
}
