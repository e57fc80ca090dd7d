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
#include "case.h"
#include "content.h"
#include "envelope.h"
#include "error.h"
#include "http.h"
#include "stix.h"
#include "text.h"
#include "version.h"

#define API_BODY_MAX (2 * HL_PLAIN_MAX)	/* JSON escapes can double it */
/* Connections served at once; the listen backlog holds as many, so a
 * burst of clients connecting together is queued, not refused. */
#define API_CONN_MAX 256

struct hl_api {
	struct MHD_Daemon *mhd;
	const struct hl_party *me;
	struct hl_courier *courier;
	struct hl_writer *writer;
	struct hl_store *st;		/* for the links' cards, under st_lock */
	pthread_mutex_t st_lock;
	uint64_t case_next;		/* under st_lock: see next_case_no */
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

/* l with a pin_mismatch member when the link is in that alarm. */
static json_t *with_pin(json_t *l, const struct hl_courier_link *cl)
{
	if (l && cl->pin_mismatch)
		json_object_set_new(l, "pin_mismatch", json_pack("{s:I, s:s, s:s}",
				    "since", (json_int_t)cl->pin_since,
				    "expected", cl->pin_expected, "seen", cl->pin_seen));
	return l;
}

static enum MHD_Result status(struct hl_api *api, struct MHD_Connection *c)
{
	struct hl_courier_link *links = calloc(256, sizeof(*links));
	size_t n = links ? hl_courier_status(api->courier, links, 256) : 0;
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, with_pin(json_pack("{s:s, s:b, s:I, s:I, s:I, s:i, s:s}",
			"name", links[i].name, "reachable", links[i].reachable,
			"last_ok", (json_int_t)links[i].last_ok,
			"last_attempt", (json_int_t)links[i].last_attempt,
			"next_attempt", (json_int_t)(links[i].next_attempt / 1000),
			"attempts", (int)links[i].attempts,
			"last_error", links[i].last_error), &links[i]));
	free(links);
	return json_reply(c, MHD_HTTP_OK, json_pack("{s:s, s:s, s:o}", "party",
		api->me->card.name, "version", HL_VERSION, "links", arr));
}

/* What a request says, for the message's content. */
struct request {
	const char *kind, *lang, *text, *summary, *summary_lang;
	const char *category, *tlp, *severity;
	json_t *stix;
	size_t len;
	uint64_t number;	/* a notify's case number */
};

/* The message's content JSON from the request's text, tags and fields;
 * hl_content_write refuses what a message of its kind may not carry. */
static int compose(const struct request *q, char *why, size_t cap, struct hl_buf *out)
{
	struct hl_content c = {.text = {"und", q->text, q->len}};
	struct hl_stix_error bad = {{0}, {0}};
	const char *lang = q->lang, *slang = q->summary_lang;

	if ((lang && strlen(lang) > HL_LANG_MAX) || (slang && strlen(slang) > HL_LANG_MAX))
		return -HL_ELANG;
	if (slang && !q->summary)
		return -HL_ECONTENT;	/* a summary's language without a summary */
	snprintf(c.type, sizeof(c.type), "%s", q->kind);
	if (lang)
		memcpy(c.text.lang, lang, strlen(lang) + 1);
	if (q->summary) {
		c.has_summary = true;
		c.summary.text = q->summary;
		c.summary.len = strlen(q->summary);
		slang = slang ? slang : c.text.lang;
		memcpy(c.summary.lang, slang, strlen(slang) + 1);
	}
	if (q->stix && hl_stix_check(q->stix, &bad) < 0) {
		snprintf(why, cap, "stix: %s%s%s", bad.id, bad.id[0] ? ": " : "", bad.reason);
		return -HL_ESTIX;
	}
	c.category = q->category;
	c.tlp = q->tlp;
	c.severity = q->severity;
	c.stix = q->stix;
	c.has_number = q->number != 0;
	c.number = q->number;
	return hl_content_write(&c, out);
}

/* Seals content for link to's peer; fails (and the writer seals) when
 * the link cannot be read. */
static int seal_body(struct hl_api *api, const char *to, const struct hl_buf *content,
		     struct hl_sealed_body *sb)
{
	struct hl_link l;
	int r;

	pthread_mutex_lock(&api->st_lock);
	r = hl_store_link_get(api->st, to, &l);
	pthread_mutex_unlock(&api->st_lock);
	if (r == 0)
		r = hl_envelope_seal_body(&api->me->card, &l.card, content->data,
					  content->len, sb);
	hl_link_free(&l);
	return r;
}

/* A notify's case number (protocol.md 8.10): above every number the
 * store holds and every one handed out here, so that requests sealing
 * at once differ.  The writer records it; one that a CLI took meanwhile
 * fails the send with -EAGAIN, and the request goes round again. */
static int next_case_no(struct hl_api *api, uint64_t *n)
{
	uint64_t db = 0;
	int r;

	pthread_mutex_lock(&api->st_lock);
	r = hl_store_case_number_next(api->st, &db);
	if (r == 0) {
		*n = db > api->case_next ? db : api->case_next;
		api->case_next = *n + 1;
	}
	pthread_mutex_unlock(&api->st_lock);
	return r;
}

/* A number that went into no message is handed out again, if none was
 * since, so a refused request leaves no gap. */
static void release_case_no(struct hl_api *api, uint64_t n)
{
	pthread_mutex_lock(&api->st_lock);
	if (api->case_next == n + 1)
		api->case_next = n;
	pthread_mutex_unlock(&api->st_lock);
}

/* Composes, seals and appends one message; *seq gets its seq. */
static int send_once(struct hl_api *api, const char *to, struct request *q,
		     struct hl_send *msg, char *why, size_t cap, uint64_t *seq)
{
	struct hl_buf content;
	struct hl_sealed_body sb;
	int r = 0;

	hl_buf_init(&content, 2 * HL_PLAIN_MAX);
	if (strcmp(q->kind, "notify") == 0)
		r = next_case_no(api, &q->number);
	msg->case_no = q->number;
	if (r == 0)
		r = compose(q, why, cap, &content);
	msg->plain = content.data;
	msg->plain_len = content.len;
	msg->sealed = NULL;
	/* Seal the body here, in this request's thread, so requests seal in
	 * parallel and the writer only numbers, signs and commits. */
	if (r == 0 && seal_body(api, to, &content, &sb) == 0)
		msg->sealed = &sb;
	if (r == 0)
		r = hl_writer_send(api->writer, to, msg, seq);
	if (msg->sealed)
		hl_sealed_body_free(&sb);
	msg->sealed = NULL;
	hl_buf_free(&content);
	if (r < 0 && q->number)
		release_case_no(api, q->number);
	return r;
}

/* {"to", "text", "lang"?, "summary"?, "summary_lang"?, "precedence"?, "kind"?,
 *  "category"?, "tlp"?, "severity"?, "stix"?} -> {"link", "seq", "case"?} */
static enum MHD_Result send_msg(struct hl_api *api, struct MHD_Connection *c,
				const struct hl_buf *body)
{
	struct hl_send msg = {.precedence = HL_ROUTINE, .kind = "notify"};
	struct request q = {.kind = "notify"};
	const char *to = NULL, *prec = NULL, *kind = NULL;
	char why[400] = "";
	json_error_t jerr;
	json_t *j = json_loadb((const char *)body->data, body->len, JSON_REJECT_DUPLICATES, &jerr);
	uint64_t seq = 0;
	enum MHD_Result ret;
	int r;

	if (!j)
		return error_reply(c, MHD_HTTP_BAD_REQUEST, jerr.text);
	if (json_unpack_ex(j, &jerr, JSON_STRICT,
			   "{s:s, s:s%, s?:s, s?:s, s?:s, s?:s, s?:s, s?:s, s?:s, s?:s, s?:o}",
			   "to", &to, "text", &q.text, &q.len, "precedence", &prec, "kind", &kind,
			   "lang", &q.lang, "summary", &q.summary, "summary_lang", &q.summary_lang,
			   "category", &q.category, "tlp", &q.tlp, "severity", &q.severity,
			   "stix", &q.stix) < 0) {
		ret = error_reply(c, MHD_HTTP_BAD_REQUEST, jerr.text);
		json_decref(j);
		return ret;
	}
	r = 0;
	if (prec && hl_precedence_parse(prec, &msg.precedence) < 0)
		r = -HL_ESYNTAX;
	if (kind && hl_kind_valid(kind, strlen(kind)))
		msg.kind = q.kind = kind;
	else if (kind)
		r = -HL_ESYNTAX;
	msg.now = (int64_t)time(NULL);
	for (int tries = 1; r == 0; tries++) {
		r = send_once(api, to, &q, &msg, why, sizeof(why), &seq);
		if (r != -EAGAIN || tries == 16)
			break;
		r = 0;
		q.number = 0;
	}
	if (r == 0 && q.number) {
		char id[HL_CASE_ID_MAX + 1];

		hl_case_id(api->me->card.name, q.number, id);
		ret = json_reply(c, MHD_HTTP_OK, json_pack("{s:s, s:I, s:s}", "link", to,
							   "seq", (json_int_t)seq, "case", id));
	} else if (r == 0) {
		ret = json_reply(c, MHD_HTTP_OK, json_pack("{s:s, s:I}", "link", to,
							   "seq", (json_int_t)seq));
	} else {
		ret = error_reply(c, r == -HL_ENOLINK ? MHD_HTTP_NOT_FOUND :
				  r == -HL_ESTORE || r == -EAGAIN ? MHD_HTTP_SERVICE_UNAVAILABLE :
				  MHD_HTTP_BAD_REQUEST, why[0] ? why : hl_strerror(r));
	}
	json_decref(j);
	return ret;
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

static enum MHD_Result admit(struct MHD_Connection *c, const char *url,
			     const char *method, const char *version, void **con_cls)
{
	struct hl_buf *body = calloc(1, sizeof(*body));
	const char *len_s, *why;
	uint64_t len = 0;
	unsigned bad;

	if (!body)
		return MHD_NO;
	*con_cls = body;
	hl_buf_init(body, 0);
	bad = hl_http_strict(c, method, url, version, true, &why);
	if (bad)
		return refuse_close(c, bad, why);
	if (strcmp(method, "POST") != 0 || strcmp(url, "/v1/send") != 0)
		return MHD_YES;
	len_s = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (!len_s || hl_parse_u64(len_s, strlen(len_s), UINT64_MAX, &len) < 0)
		return error_reply(c, MHD_HTTP_LENGTH_REQUIRED, "Content-Length required");
	if (len > API_BODY_MAX)
		return error_reply(c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large");
	body->max = (size_t)len;
	return MHD_YES;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version,
			      const char *data, size_t *size, void **con_cls)
{
	struct hl_api *api = cls;
	struct hl_buf *body = *con_cls;

	if (!body)
		return admit(c, url, method, version, con_cls);
	if (*size) {
		if (hl_buf_append(body, data, *size) < 0)
			return error_reply(c, MHD_HTTP_CONTENT_TOO_LARGE, "body too large");
		*size = 0;
		return MHD_YES;
	}
	if (strcmp(url, "/v1/send") == 0 && strcmp(method, "POST") == 0)
		return send_msg(api, c, body);
	if (strcmp(url, "/v1/status") == 0 && strcmp(method, "GET") == 0)
		return status(api, c);
	if (strcmp(url, "/v1/wake") == 0 && strcmp(method, "POST") == 0) {
		hl_courier_wake(api->courier);
		return json_reply(c, MHD_HTTP_OK, json_pack("{s:b}", "ok", 1));
	}
	return error_reply(c, MHD_HTTP_NOT_FOUND, "no such endpoint");
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	struct hl_buf *body = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (body) {
		hl_buf_free(body);
		free(body);
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
	pthread_mutex_init(&api->st_lock, NULL);
	r = hl_store_open(db, &api->st, err, errlen);
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
	hl_store_close(api->st);
	pthread_mutex_destroy(&api->st_lock);
	free(api);
}
