/* api.c - the operator API: one request path, two doors.
 *
 * The unix socket (<home>/hotlined.sock) and, when console.listen is
 * set, an HTTPS listener serve the same routes (desk/routes.c) the same
 * way: admit the head (strict HTTP, the route, the operator, the
 * declared length) before a body byte is read, read the body up to the
 * route's cap, make the arguments, call the desk, reply in JSON.  The
 * doors differ only in how the operator is found: on the socket, the
 * Unix user at the other end (SO_PEERCRED); over HTTPS, the session of
 * the request's cookie (session.c), its operator re-read from the store
 * on every call, with the session's CSRF token on every POST and no
 * foreign Origin.  Login (with a password and a TOTP code, or with a
 * one-time ticket) and logout are the HTTPS door's own routes; its
 * paths under /taxii2/ are the TAXII feed's (taxii.c), its other
 * paths outside /v1/ the console's files (console.c).  Every
 * refusal of an API path is a JSON error, recorded in the audit trail.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>

#include "api.h"
#include "cookie.h"
#include "apisock.h"
#include "console.h"
#include "desk.h"
#include "error.h"
#include "file.h"
#include "http.h"
#include "net.h"
#include "session.h"
#include "sse.h"
#include "taxii.h"
#include "taxiiq.h"
#include "text.h"
#include "version.h"
#include "trace.h"

/* Connections served at once; the listen backlog holds as many, so a
 * burst of clients connecting together is queued, not refused. */
#define API_CONN_MAX 256
#define HTTPS_CONN_MAX 64
#define HTTPS_CONN_PER_IP 16
#define BODY_LOGIN 4096

enum door_kind { DOOR_UNIX, DOOR_HTTPS };

struct door {
	struct hl_api *api;
	enum door_kind kind;
	const char *name;		/* for the audit trail */
	struct MHD_Daemon *mhd;
};

struct hl_api {
	const struct hl_party *me;
	struct hl_courier *courier;
	struct hl_writer *writer;
	struct hl_desk_shared *desk;
	struct door local, https;
	struct hl_sessions *sessions;
	struct hl_buf key, crt;		/* the HTTPS door's, as PEM */
	struct hl_http_log log;		/* the HTTPS door's failed handshakes */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
};

/* The HTTPS door's own routes.  Login is no desk function of the usual
 * kind (it makes the operator that others act as); logout is one, so
 * that it is recorded, and then ends the session. */
static const struct hl_desk_route login_route = {
	.method = "POST", .path = "/v1/login", .fn = NULL, .right = HL_RIGHT_NONE,
	.body_max = BODY_LOGIN, .changes = true};
static const struct hl_desk_route logout_route = {
	.method = "POST", .path = "/v1/logout", .fn = hl_desk_whoami, .right = HL_RIGHT_NONE,
	.body_max = BODY_LOGIN, .changes = true};

/* One request in flight. */
struct call {
	struct door *door;
	const struct hl_desk_route *route;
	struct hl_operator op;		/* who asks; "-" until known */
	char cookie[160];		/* Set-Cookie for the answer, or "" */
	bool close;			/* answer with Connection: close */
	bool answered;			/* answered in admit: refused, or a file */
	bool taxii;			/* a TAXII GET or HEAD: answered once whole */
	char why[256];			/* a refusal's words, when made up */
	char *target;			/* HTTPS: the path as sent (raw_target) */
	struct hl_buf body;
};

/* Headers every HTTPS answer carries: nothing cached, no sniffing, no
 * content of any kind loaded from an API answer, HTTPS only. */
static void secure_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'none'; frame-ancestors 'none'");
	MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
}

/* Every answer: j (taken) as JSON with status.  A reply that cannot be
 * built is a 500 with a fixed JSON body, never a dropped connection. */
static enum MHD_Result reply(struct call *k, struct MHD_Connection *c, unsigned status,
			     json_t *j)
{
	static const char broken[] = "{\"error\":\"cannot build the reply\",\"status\":500}";
	struct MHD_Response *r = hl_http_json(j, broken, &status);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	if (k->door->kind == DOOR_HTTPS)
		secure_headers(r);
	if (k->cookie[0])
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, k->cookie);
	if (k->close)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The longest prefix of s that is whole UTF-8 characters: an error text
 * cut to a fixed size (jansson's 160 bytes) may end inside one. */
static size_t utf8_prefix(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0;

	while (i < n) {
		size_t m = p[i] < 0x80 ? 1 : (p[i] & 0xe0) == 0xc0 ? 2 :
			   (p[i] & 0xf0) == 0xe0 ? 3 : (p[i] & 0xf8) == 0xf0 ? 4 : 0;

		if (!m || m > n - i || !hl_utf8_valid(p + i, m))
			break;
		i += m;
	}
	return i;
}

/* {"error", "status", "needs"?, "format"?, "args"?} for a refusal. */
static enum MHD_Result error_reply(struct call *k, struct MHD_Connection *c,
				   const struct hl_desk_err *e)
{
	json_t *j = json_object();

	json_object_set_new(j, "error", json_stringn(e->why, utf8_prefix(e->why)));
	json_object_set_new(j, "status", json_integer(e->status));
	if (e->needs)
		json_object_set_new(j, "needs", json_string(e->needs));
	if (e->fmt && strcmp(e->fmt, "%s") != 0) {
		json_t *args = json_array();

		for (unsigned i = 0; i < e->nargs; i++)
			json_array_append_new(args, json_stringn(e->args[i], utf8_prefix(e->args[i])));
		json_object_set_new(j, "format", json_string(e->fmt));
		json_object_set_new(j, "args", args);
	}
	return reply(k, c, e->status, j);
}

/* A refusal of the door's own (no session, no CSRF token, a body that
 * is no JSON...): recorded in the audit trail as the desk records its
 * refusals, then answered. */
static enum MHD_Result refuse(struct call *k, struct MHD_Connection *c, const char *method,
			      const char *url, unsigned status, const char *why)
{
	struct hl_desk_route r = {.method = method, .path = url, .fn = hl_desk_refusal,
				  .right = HL_RIGHT_NONE};
	struct hl_desk_req q = {.op = &k->op, .now = (int64_t)time(NULL),
				.door = k->door->name};
	struct hl_desk_err e = {0};
	json_t *args = json_pack("{s:i,s:s%}", "status", (int)status, "error", why,
				 utf8_prefix(why));

	q.args = args ? args : json_object();
	json_decref(hl_desk_call(k->door->api->desk, &r, &q, &e));
	json_decref((json_t *)q.args);
	k->answered = true;
	return error_reply(k, c, &e);
}

/* A head hl_http_strict refuses: its JSON error, and the close. */
static enum MHD_Result refuse_close(struct call *k, struct MHD_Connection *c,
				    unsigned status, const char *why)
{
	k->close = true;
	k->answered = true;
	return reply(k, c, status, json_pack("{s:s,s:i}", "error", why, "status", (int)status));
}

/* A unix-socket connection's operator, as found for its first request:
 * the peer's Unix user cannot change while it lasts, and the operator
 * it maps to is found again whenever this process writes the operator
 * tables (hl_store_ops_generation). */
struct peer {
	bool known;
	uint64_t generation;
	struct hl_operator op;
};

static void connection(void *cls, struct MHD_Connection *c, void **socket_context,
		       enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	(void)c;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		*socket_context = calloc(1, sizeof(struct peer));
	else if (toe == MHD_CONNECTION_NOTIFY_CLOSED) {
		free(*socket_context);
		*socket_context = NULL;
	}
}

/* The operator at the other end of the unix socket: its Unix user,
 * from the kernel (SO_PEERCRED), mapped to an operator. */
static int peer_operator(struct hl_api *api, struct MHD_Connection *c, struct hl_operator *op)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	const union MHD_ConnectionInfo *sc =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct peer *p = sc ? sc->socket_context : NULL;
	uint64_t generation = hl_store_ops_generation();
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int r;

	if (p && p->known && p->generation == generation) {
		*op = p->op;
		return 0;
	}
	if (!ci || getsockopt(ci->connect_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	r = hl_desk_operator_by_uid(api->desk, cred.uid, op);
	if (r == 0 && p) {
		p->op = *op;
		p->generation = generation;
		p->known = true;
	}
	return r;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* An Origin, when a browser sends one, must be this listener's own:
 * https:// and the Host the request names. */
static bool origin_ok(struct MHD_Connection *c)
{
	const char *origin = header(c, "Origin"), *host = header(c, MHD_HTTP_HEADER_HOST);

	if (!origin)
		return true;
	return host && strncmp(origin, "https://", 8) == 0 && strcmp(origin + 8, host) == 0;
}

/* The session's operator over HTTPS, as the store holds it now; 0, or
 * the status to refuse with and *why. */
static unsigned session_operator(struct call *k, struct MHD_Connection *c,
				 const char *method, const char **why)
{
	struct hl_api *api = k->door->api;
	const char *cookies = header(c, MHD_HTTP_HEADER_COOKIE);
	const char *csrf = header(c, HL_SESSION_CSRF_HEADER), *id = NULL;
	char name[HL_NAME_MAX + 1];
	size_t len = 0;
	bool csrf_ok;
	enum hl_session_state st = HL_SESSION_NONE;

	if (cookies && hl_cookie_find(cookies, strlen(cookies), HL_SESSION_COOKIE, &id, &len))
		st = hl_session_find(api->sessions, id, len, (int64_t)time(NULL), csrf,
				     csrf ? strlen(csrf) : 0, name, &csrf_ok);
	*why = st == HL_SESSION_EXPIRED ? "the session expired: log in again" :
	       "no session: log in first (POST /v1/login)";
	if (st != HL_SESSION_OK)
		return MHD_HTTP_UNAUTHORIZED;
	snprintf(k->op.name, sizeof(k->op.name), "%s", name);
	*why = "missing or wrong CSRF token (the " HL_SESSION_CSRF_HEADER " header)";
	if (strcmp(method, "POST") == 0 && !csrf_ok)
		return MHD_HTTP_FORBIDDEN;
	if (hl_desk_operator_by_name(api->desk, name, &k->op) < 0) {
		hl_session_close(api->sessions, id, len);
		*why = "the session's operator is gone: log in again";
		return MHD_HTTP_UNAUTHORIZED;
	}
	/* Disabled since the login: the session ends now. */
	if (k->op.disabled) {
		hl_session_close(api->sessions, id, len);
		snprintf(k->why, sizeof(k->why), "operator %s is disabled", k->op.name);
		*why = k->why;
		return MHD_HTTP_FORBIDDEN;
	}
	return 0;
}

/* Who asks, by the door's own means; 0, or the status to refuse with. */
static unsigned find_operator(struct call *k, struct MHD_Connection *c, const char *method,
			      const char **why)
{
	if (k->door->kind == DOOR_UNIX) {
		if (peer_operator(k->door->api, c, &k->op) == 0)
			return 0;
		snprintf(k->why, sizeof(k->why), "Unix user %s is mapped to no operator of this "
			 "party; an admin maps it with 'hotline operator map OPERATOR %s'",
			 k->op.name, k->op.name);
		snprintf(k->op.name, sizeof(k->op.name), "-");
		*why = k->why;
		return MHD_HTTP_FORBIDDEN;
	}
	*why = "the request's Origin is not this listener";
	if (!origin_ok(c))
		return MHD_HTTP_FORBIDDEN;
	return k->route == &login_route ? 0 : session_operator(k, c, method, why);
}

/* The route for method and url at this door. */
static const struct hl_desk_route *door_route(const struct door *dr, const char *method,
					      const char *url)
{
	if (dr->kind == DOOR_HTTPS && strcmp(method, "POST") == 0) {
		if (strcmp(url, login_route.path) == 0)
			return &login_route;
		if (strcmp(url, logout_route.path) == 0)
			return &logout_route;
	}
	return hl_desk_route(method, url);
}

/* Checks what can be checked before a body byte is read: the strict
 * HTTP rules, the route, the operator, and the declared length against
 * the route's cap. */
static enum MHD_Result admit(struct door *dr, struct MHD_Connection *c, const char *url,
			     const char *method, const char *version, void **con_cls)
{
	struct call *k = *con_cls ? *con_cls : calloc(1, sizeof(*k));
	const char *len_s, *why;
	uint64_t len = 0;
	unsigned bad;

	if (!k)
		return MHD_NO;
	*con_cls = k;
	k->door = dr;
	snprintf(k->op.name, sizeof(k->op.name), "-");
	hl_buf_init(&k->body, 0);
	bad = hl_http_strict(c, method, url, version, true, &why);
	if (bad)
		return refuse_close(k, c, bad, why);
	if (dr->kind == DOOR_HTTPS && k->target && hl_taxii_owns(k->target)) {
		/* The TAXII feed's, whole (taxii.c).  A read is answered on
		 * the next call, once the request is whole: an answer queued
		 * before that makes libmicrohttpd close the connection, and a
		 * client paging with `next` would pay a TLS handshake a page.
		 * Anything else is refused at once, its body unread. */
		if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0) {
			k->taxii = true;
			return MHD_YES;
		}
		k->answered = true;
		return hl_taxii_answer(dr->api->desk, c, method, k->target);
	}
	if (dr->kind == DOOR_HTTPS && hl_console_owns(url)) {
		k->answered = true;	/* a file, or its plain refusal */
		return k->target ? hl_console_answer(&dr->api->me->conf, c, method, k->target) :
		       MHD_NO;
	}
	k->route = door_route(dr, method, url);
	if (!k->route)
		return refuse(k, c, method, url, MHD_HTTP_NOT_FOUND, "no such endpoint");
	bad = find_operator(k, c, method, &why);
	if (bad)
		return refuse(k, c, method, url, bad, why);
	if (strcmp(method, "POST") != 0)
		return MHD_YES;
	/* No Content-Length is an empty body (hl_http_strict refuses a
	 * chunked one): the cap is then 0. */
	len_s = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (len_s && hl_parse_u64(len_s, strlen(len_s), UINT64_MAX, &len) < 0)
		return refuse(k, c, method, url, MHD_HTTP_BAD_REQUEST,
			      "Content-Length is not a number");
	if (len > k->route->body_max)
		return refuse(k, c, method, url, MHD_HTTP_CONTENT_TOO_LARGE, "body too large");
	k->body.max = (size_t)len;
	return MHD_YES;
}

static enum MHD_Result add_query_arg(void *cls, enum MHD_ValueKind kind,
				     const char *key, const char *value)
{
	(void)kind;
	json_object_set_new(cls, key, json_string(value ? value : ""));
	return MHD_YES;
}

/* The call's arguments: a POST's JSON object (an empty body is {}), a
 * GET's query string; NULL with jerr->text when the body is not an
 * object. */
static json_t *arguments(struct MHD_Connection *c, struct call *k, json_error_t *jerr)
{
	json_t *j;

	if (strcmp(k->route->method, "GET") == 0) {
		j = json_object();
		MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, add_query_arg, j);
		return j;
	}
	if (k->body.len == 0)
		return json_object();
	j = json_loadb((const char *)k->body.data, k->body.len, JSON_REJECT_DUPLICATES, jerr);
	if (j && !json_is_object(j)) {
		json_decref(j);
		snprintf(jerr->text, sizeof(jerr->text), "the body is not a JSON object");
		return NULL;
	}
	if (!j) {
		char why[sizeof(jerr->text)], *near = strstr(jerr->text, " near ");

		/* jansson's words quote the bytes near the fault, which may be
		 * a password or a login ticket: the answer and the audit trail
		 * say where it is instead. */
		if (near)
			*near = 0;
		snprintf(why, sizeof(why), "the body is not JSON: %.100s (line %d, column %d)",
			 jerr->text, jerr->line, jerr->column);
		memcpy(jerr->text, why, sizeof(why));
	}
	return j;
}

/* The desk's check of a login's arguments: {name, password, totp}, or
 * {ticket}; 0, or -1 with e filled and *door_refused when the
 * arguments themselves are wrong (the door records that refusal). */
static int login_check(struct call *k, const struct hl_desk_req *q, struct hl_desk_err *e,
		       bool *door_refused)
{
	struct hl_api *api = k->door->api;
	const char *name = NULL, *pw = NULL, *totp = NULL, *ticket = NULL;

	*door_refused = true;
	if (json_object_get(q->args, "ticket")) {
		if (!hl_desk_args_only(q, e, "ticket", NULL) ||
		    !hl_desk_arg_need(q, "ticket", &ticket, e))
			return -1;
		*door_refused = false;
		return hl_desk_login_ticket(api->desk, ticket, q->now, "https", &k->op, e);
	}
	if (!hl_desk_args_only(q, e, "name", "password", "totp", NULL) ||
	    !hl_desk_arg_need(q, "name", &name, e) ||
	    !hl_desk_arg_need(q, "password", &pw, e) ||
	    !hl_desk_arg_need(q, "totp", &totp, e))
		return -1;
	*door_refused = false;
	return hl_desk_login(api->desk, name, pw, totp, q->now, "https", &k->op, e);
}

/* POST /v1/login {name, password, totp} or {ticket}: the desk checks
 * them; a new session's id goes into the cookie, its CSRF token into
 * the answer, beside what GET /v1/whoami says. */
static enum MHD_Result login(struct call *k, struct MHD_Connection *c, const json_t *args,
			     int64_t now)
{
	struct hl_api *api = k->door->api;
	struct hl_desk_req q = {.op = &k->op, .args = args, .now = now, .door = "https"};
	struct hl_desk_err e = {0};
	char id[HL_SESSION_HEX + 1], csrf[HL_SESSION_HEX + 1];
	bool door_refused;
	json_t *res;

	if (login_check(k, &q, &e, &door_refused) < 0)
		return door_refused ? refuse(k, c, "POST", login_route.path, e.status, e.why) :
		       error_reply(k, c, &e);
	/* From now, not from the request's start: the password hash alone
	 * takes a while. */
	if (hl_session_open(api->sessions, k->op.name, (int64_t)time(NULL), id, csrf) < 0)
		return refuse(k, c, "POST", login_route.path, MHD_HTTP_SERVICE_UNAVAILABLE,
			      "too many sessions; try again later");
	q.args = json_object();
	res = hl_desk_call(api->desk, hl_desk_route("GET", "/v1/whoami"), &q, &e);
	json_decref((json_t *)q.args);
	if (res) {
		json_object_set_new(res, "csrf", json_string(csrf));
		json_object_set_new(res, "idle", json_integer(api->me->conf.console_idle));
		json_object_set_new(res, "lifetime",
				    json_integer(api->me->conf.console_lifetime));
		snprintf(k->cookie, sizeof(k->cookie),
			 "%s=%s; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=%lld",
			 HL_SESSION_COOKIE, id, (long long)api->me->conf.console_lifetime);
	}
	sodium_memzero(id, sizeof(id));
	sodium_memzero(csrf, sizeof(csrf));
	return res ? reply(k, c, MHD_HTTP_OK, res) : error_reply(k, c, &e);
}

/* After POST /v1/logout answered for its operator: the session ends,
 * and the browser is told to drop its cookie. */
static void logout(struct call *k, struct MHD_Connection *c)
{
	const char *cookies = header(c, MHD_HTTP_HEADER_COOKIE), *id;
	size_t len;

	if (cookies && hl_cookie_find(cookies, strlen(cookies), HL_SESSION_COOKIE, &id, &len))
		hl_session_close(k->door->api->sessions, id, len);
	snprintf(k->cookie, sizeof(k->cookie),
		 "%s=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0", HL_SESSION_COOKIE);
}

static enum MHD_Result serve(struct call *k, struct MHD_Connection *c)
{
	struct hl_desk_err e = {0};
	struct hl_desk_req q = {.op = &k->op, .door = k->door->name};
	json_error_t jerr;
	json_t *args, *res;
	enum MHD_Result ret;

	q.now = (int64_t)time(NULL);
	hl_trace("api.read", 0);
	args = arguments(c, k, &jerr);
	if (k->body.data)
		sodium_memzero(k->body.data, k->body.len);	/* a login's password */
	if (!args)
		return refuse(k, c, k->route->method, k->route->path, MHD_HTTP_BAD_REQUEST,
			      jerr.text);
	if (k->route == &login_route) {
		ret = login(k, c, args, q.now);
		json_decref(args);
		return ret;
	}
	q.args = args;
	hl_trace("api.parsed", 0);
	res = hl_desk_call(k->door->api->desk, k->route, &q, &e);
	json_decref(args);
	hl_trace("api.answer", 0);
	if (res && k->route->stream) {
		ret = hl_sse_respond(c, res, k->door->kind == DOOR_HTTPS ? secure_headers : NULL);
		json_decref(res);
		return ret;
	}
	if (res && k->route == &logout_route)
		logout(k, c);
	return res ? reply(k, c, MHD_HTTP_OK, res) : error_reply(k, c, &e);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *data, size_t *size, void **con_cls)
{
	struct call *k = *con_cls;

	if (!k || !k->door)
		return admit(cls, c, url, method, version, con_cls);
	if (k->answered) {
		*size = 0;	/* refused: the body is not read */
		return MHD_YES;
	}
	if (k->taxii) {
		if (*size) {
			*size = 0;	/* a read's body is not read */
			return MHD_YES;
		}
		k->answered = true;
		return hl_taxii_answer(k->door->api->desk, c, method, k->target);
	}
	if (*size) {
		if (hl_buf_append(&k->body, data, *size) < 0)
			return refuse(k, c, method, url, MHD_HTTP_CONTENT_TOO_LARGE,
				      "body too large");
		*size = 0;
		return MHD_YES;
	}
	return serve(k, c);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct call *k = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (k) {
		if (k->body.data)
			sodium_memzero(k->body.data, k->body.len);
		hl_buf_free(&k->body);
		free(k->target);
		free(k);
	}
	*con_cls = NULL;
}

/* The HTTPS door's first look at a request: its call, holding the
 * target's path as sent.  libmicrohttpd then decodes escapes in the
 * path in place, where a %00 would cut it short; the console's files
 * are named by what the client sent (console.c). */
static void *raw_target(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct call *k = calloc(1, sizeof(*k));

	(void)cls;
	(void)c;
	if (k)
		k->target = strndup(uri, strcspn(uri, "?"));
	if (k && !k->target) {
		free(k);
		k = NULL;
	}
	return k;
}

/* Binds the socket, unless a live daemon already answers on it. */
static int bind_socket(struct hl_api *api, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0)
		return -errno;
	memcpy(sa.sun_path, api->path, strlen(api->path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(fd);
		snprintf(err, errlen, "another hotlined already serves %s", api->path);
		return -EADDRINUSE;
	}
	unlink(api->path);	/* a stale socket from a daemon that died */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(api->path, 0600) < 0 || listen(fd, API_CONN_MAX) < 0) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", api->path, strerror(e));
		close(fd);
		return -e;
	}
	r = hl_apisock_share(api->me, api->path, err, errlen);	/* api.group */
	if (r < 0) {
		close(fd);
		return r;
	}
	api->fd = fd;
	return 0;
}

static int start_local(struct hl_api *api, char *err, size_t errlen)
{
	int r = hl_party_path(api->me->home, HL_API_SOCKET, api->path, sizeof(api->path));

	if (r == 0)
		r = bind_socket(api, err, errlen);
	if (r < 0)
		return r;
	/* A thread per connection: a send waits for its group's commit. */
	api->local.mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
		0, NULL, NULL, handle, &api->local,
		MHD_OPTION_LISTEN_SOCKET, api->fd,
		MHD_OPTION_NOTIFY_COMPLETED, completed, api,
		MHD_OPTION_NOTIFY_CONNECTION, connection, NULL,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)API_CONN_MAX,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_END);
	if (!api->local.mhd) {
		snprintf(err, errlen, "cannot serve %s", api->path);
		return -EIO;
	}
	return 0;
}

/* The HTTPS door's certificate and key: console.cert and console.key,
 * or the party's own TLS pair. */
static int load_pair(struct hl_api *api, char *err, size_t errlen)
{
	const struct hl_config *cf = &api->me->conf;
	char crt[PATH_MAX], key[PATH_MAX];
	int r = 0;

	hl_buf_init(&api->key, 16384);
	hl_buf_init(&api->crt, 65536);
	if (cf->console_cert[0]) {
		snprintf(crt, sizeof(crt), "%s", cf->console_cert);
		snprintf(key, sizeof(key), "%s", cf->console_key);
	} else {
		r = hl_party_path(api->me->home, "tls.crt", crt, sizeof(crt));
		if (r == 0)
			r = hl_party_path(api->me->home, "tls.key", key, sizeof(key));
	}
	if (r == 0 && (r = hl_file_read(crt, &api->crt)) < 0)
		snprintf(err, errlen, "console.cert %s: %s", crt, hl_strerror(r));
	else if (r == 0 && (r = hl_file_read(key, &api->key)) < 0)
		snprintf(err, errlen, "console.key %s: %s", key, hl_strerror(r));
	return r;
}

static int start_https(struct hl_api *api, char *err, size_t errlen)
{
	const struct hl_config *cf = &api->me->conf;
	struct sockaddr_storage ss;
	int r = hl_sessions_new(cf->console_idle, cf->console_lifetime, &api->sessions);

	if (r == 0)
		r = load_pair(api, err, errlen);
	if (r == 0 && hl_net_resolve(cf->console_listen, &ss) < 0) {
		snprintf(err, errlen, "console.listen %s: want a numeric address",
			 cf->console_listen);
		r = -HL_ECONFIG;
	}
	if (r < 0)
		return r;
	api->https.mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_TLS | MHD_USE_ERROR_LOG,
		0, NULL, NULL, handle, &api->https,
		/* First, so that libmicrohttpd says nothing past it. */
		MHD_OPTION_EXTERNAL_LOGGER, hl_http_log, &api->log,
		MHD_OPTION_SOCK_ADDR, &ss,
		MHD_OPTION_HTTPS_MEM_KEY, (const char *)api->key.data,
		MHD_OPTION_HTTPS_MEM_CERT, (const char *)api->crt.data,
		MHD_OPTION_HTTPS_PRIORITIES, "NORMAL:-VERS-ALL:+VERS-TLS1.3",
		MHD_OPTION_NOTIFY_COMPLETED, completed, api,
		MHD_OPTION_URI_LOG_CALLBACK, raw_target, NULL,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTPS_CONN_MAX,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTPS_CONN_PER_IP,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
		MHD_OPTION_END);
	if (!api->https.mhd) {
		snprintf(err, errlen, "cannot listen on console.listen %s: %s", cf->console_listen,
			 strerror(errno ? errno : EADDRINUSE));
		return -HL_ECONFIG;
	}
	return 0;
}

int hl_api_start(const struct hl_party *me, const char *db, struct hl_courier *courier,
		 struct hl_writer *writer, struct hl_api **out, char *err, size_t errlen)
{
	struct hl_api *api = calloc(1, sizeof(*api));
	int r;

	*out = NULL;
	if (!api)
		return -ENOMEM;
	api->me = me;
	api->courier = courier;
	api->writer = writer;
	api->fd = -1;
	api->local = (struct door){.api = api, .kind = DOOR_UNIX, .name = "unix"};
	api->https = (struct door){.api = api, .kind = DOOR_HTTPS, .name = "https"};
	api->log = (struct hl_http_log)HL_HTTP_LOG_INIT("console");
	r = hl_desk_start(me, db, writer, courier, &api->desk, err, errlen);
	if (r == 0)
		r = start_local(api, err, errlen);
	if (r == 0 && me->conf.console_listen[0])
		r = start_https(api, err, errlen);
	if (r < 0) {
		hl_api_stop(api);
		return r;
	}
	*out = api;
	return 0;
}

void hl_api_stop(struct hl_api *api)
{
	if (!api)
		return;
	if (api->https.mhd)
		MHD_stop_daemon(api->https.mhd);
	if (api->local.mhd)
		MHD_stop_daemon(api->local.mhd);
	if (api->fd >= 0) {
		close(api->fd);
		unlink(api->path);
	}
	hl_desk_stop(api->desk);
	hl_sessions_free(api->sessions);
	if (api->key.data)
		sodium_memzero(api->key.data, api->key.len);
	hl_buf_free(&api->key);
	hl_buf_free(&api->crt);
	pthread_mutex_destroy(&api->log.lock);
	free(api);
}
