/* api.c - the operator API on a unix socket (libmicrohttpd, jansson). */
#include <errno.h>
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

#include "api.h"
#include "desk.h"
#include "error.h"
#include "http.h"
#include "text.h"
#include "version.h"

/* Connections served at once; the listen backlog holds as many, so a
 * burst of clients connecting together is queued, not refused. */
#define API_CONN_MAX 256

struct hl_api {
	struct MHD_Daemon *mhd;
	const struct hl_party *me;
	struct hl_courier *courier;
	struct hl_writer *writer;
	struct hl_desk_shared *desk;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int fd;
};

/* Queues j (taken) as the reply; a reply that cannot be built is a 500
 * with a fixed JSON body, never a dropped connection. */
static enum MHD_Result json_reply(struct MHD_Connection *c, unsigned status, json_t *j)
{
	static const char broken[] = "{\"error\":\"cannot build the reply\",\"status\":500}";
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	struct MHD_Response *r;
	enum MHD_Result ret;

	json_decref(j);
	if (s) {
		r = MHD_create_response_from_buffer(strlen(s), s, MHD_RESPMEM_MUST_FREE);
	} else {
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		r = MHD_create_response_from_buffer(sizeof(broken) - 1, (void *)broken,
						    MHD_RESPMEM_PERSISTENT);
	}
	if (!r) {
		free(s);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
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
		size_t k = p[i] < 0x80 ? 1 : (p[i] & 0xe0) == 0xc0 ? 2 :
			   (p[i] & 0xf0) == 0xe0 ? 3 : (p[i] & 0xf8) == 0xf0 ? 4 : 0;

		if (!k || k > n - i || !hl_utf8_valid(p + i, k))
			break;
		i += k;
	}
	return i;
}

/* {"status": N, "error": why}: why is cut before any byte that is not
 * whole UTF-8, so the reply is always valid JSON. */
static enum MHD_Result error_reply(struct MHD_Connection *c, unsigned status,
				   const char *why)
{
	json_t *j = json_object();

	json_object_set_new(j, "error", json_stringn(why, utf8_prefix(why)));
	json_object_set_new(j, "status", json_integer(status));
	return json_reply(c, status, j);
}

/* A request hl_http_strict refuses: its JSON error, and the close. */
static enum MHD_Result refuse_close(struct MHD_Connection *c, unsigned status,
				    const char *why)
{
	json_t *j = json_pack("{s:s,s:i}", "error", why, "status", (int)status);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	enum MHD_Result ret = s ? hl_http_refuse(c, status, "application/json", s) : MHD_NO;

	json_decref(j);
	free(s);
	return ret;
}

/* One request in flight: its route and the body read so far. */
struct call {
	const struct hl_desk_route *route;
	struct hl_buf body;
};

/* Checks what can be checked before a body byte is read: the strict
 * HTTP rules, the route, and the declared length against its cap. */
static int peer_operator(struct hl_api *api, struct MHD_Connection *c,
			 struct hl_operator *op);

/* Refuses a call to route r before the desk is reached, and records the
 * refusal in the audit trail. */
static enum MHD_Result refuse_call(struct hl_api *api, struct MHD_Connection *c,
				   const struct hl_desk_route *r, unsigned status,
				   const char *why)
{
	struct hl_operator op;
	struct hl_desk_req q = {.op = &op, .door = "unix", .now = (int64_t)time(NULL)};
	json_t *none = json_object();

	q.args = none;
	if (peer_operator(api, c, &op) == 0)
		hl_desk_audit_refusal(api->desk, r, &q, status, why);
	json_decref(none);
	return error_reply(c, status, why);
}

static enum MHD_Result admit(struct hl_api *api, struct MHD_Connection *c, const char *url,
			     const char *method, const char *version, void **con_cls)
{
	struct call *k = calloc(1, sizeof(*k));
	const char *len_s, *why;
	uint64_t len = 0;
	unsigned bad;

	if (!k)
		return MHD_NO;
	*con_cls = k;
	hl_buf_init(&k->body, 0);
	bad = hl_http_strict(c, method, url, version, true, &why);
	if (bad)
		return refuse_close(c, bad, why);
	k->route = hl_desk_route(method, url);
	if (!k->route || strcmp(method, "POST") != 0)
		return MHD_YES;
	/* No Content-Length is an empty body (hl_http_strict refuses a
	 * chunked one): the cap is then 0. */
	len_s = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (len_s && hl_parse_u64(len_s, strlen(len_s), UINT64_MAX, &len) < 0)
		return error_reply(c, MHD_HTTP_BAD_REQUEST, "Content-Length is not a number");
	if (len > k->route->body_max)
		return refuse_call(api, c, k->route, MHD_HTTP_CONTENT_TOO_LARGE, "body too large");
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
 * GET's query string; NULL with *why when the body is not an object. */
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
	return j;
}

/* The operator at the other end of the unix socket: its Unix user,
 * from the kernel (SO_PEERCRED), mapped to an operator. */
static int peer_operator(struct hl_api *api, struct MHD_Connection *c, struct hl_operator *op)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (!ci || getsockopt(ci->connect_fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	return hl_desk_operator_by_uid(api->desk, cred.uid, op);
}

static enum MHD_Result call_reply(struct MHD_Connection *c, const struct hl_desk_err *e)
{
	json_t *j = json_object();

	json_object_set_new(j, "error", json_stringn(e->why, utf8_prefix(e->why)));
	json_object_set_new(j, "status", json_integer(e->status));
	if (e->needs)
		json_object_set_new(j, "needs", json_string(e->needs));
	if (e->fmt) {
		json_t *args = json_array();

		for (unsigned i = 0; i < e->nargs; i++)
			json_array_append_new(args, json_stringn(e->args[i], utf8_prefix(e->args[i])));
		json_object_set_new(j, "format", json_string(e->fmt));
		json_object_set_new(j, "args", args);
	}
	return json_reply(c, e->status, j);
}

static enum MHD_Result serve(struct hl_api *api, struct MHD_Connection *c, struct call *k)
{
	struct hl_operator op;
	struct hl_desk_err e = {0};
	struct hl_desk_req q = {.op = &op, .door = "unix"};
	json_error_t jerr;
	json_t *args, *res;

	if (peer_operator(api, c, &op) < 0)
		return error_reply(c, MHD_HTTP_FORBIDDEN,
				   "this Unix user is no operator of this party");
	args = arguments(c, k, &jerr);
	if (!args)
		return refuse_call(api, c, k->route, MHD_HTTP_BAD_REQUEST, jerr.text);
	q.args = args;
	q.now = (int64_t)time(NULL);
	res = hl_desk_call(api->desk, k->route, &q, &e);
	json_decref(args);
	return res ? json_reply(c, MHD_HTTP_OK, res) : call_reply(c, &e);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *data, size_t *size, void **con_cls)
{
	struct call *k = *con_cls;

	if (!k)
		return admit(cls, c, url, method, version, con_cls);
	if (*size) {
		if (hl_buf_append(&k->body, data, *size) < 0)
			return error_reply(c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large");
		*size = 0;
		return MHD_YES;
	}
	if (!k->route)
		return error_reply(c, MHD_HTTP_NOT_FOUND, "no such endpoint");
	return serve(cls, c, k);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct call *k = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (k) {
		hl_buf_free(&k->body);
		free(k);
	}
	*con_cls = NULL;
}

/* Binds the socket, unless a live daemon already answers on it. */
static int bind_socket(struct hl_api *api, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

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
	api->fd = fd;
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
	r = hl_desk_start(me, db, writer, courier, &api->desk, err, errlen);
	if (r < 0) {
		hl_api_stop(api);
		return r;
	}
	r = hl_party_path(me->home, HL_API_SOCKET, api->path, sizeof(api->path));
	if (r == 0)
		r = bind_socket(api, err, errlen);
	if (r == 0) {
		/* A thread per connection: a send waits for its group's commit. */
		api->mhd = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
			MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
			0, NULL, NULL, handle, api,
			MHD_OPTION_LISTEN_SOCKET, api->fd,
			MHD_OPTION_NOTIFY_COMPLETED, completed, api,
			MHD_OPTION_CONNECTION_LIMIT, (unsigned)API_CONN_MAX,
			MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
			MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
			MHD_OPTION_END);
		if (!api->mhd) {
			snprintf(err, errlen, "cannot serve %s", api->path);
			r = -EIO;
		}
	}
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
	if (api->mhd)
		MHD_stop_daemon(api->mhd);
	if (api->fd >= 0) {
		close(api->fd);
		unlink(api->path);
	}
	hl_desk_stop(api->desk);
	free(api);
}
