/* taxii.c - the TAXII 2.1 door (taxii.h). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "feed.h"
#include "http.h"
#include "taxii.h"
#include "taxiiq.h"

#define PIECE 16384		/* bytes handed to libmicrohttpd at a time */
#define HOST_MAX 255

/* The key of next tokens: random for each start of the daemon, so a
 * token outlives neither the daemon nor another reader's scope. */
static unsigned char next_key[32];
static pthread_once_t next_once = PTHREAD_ONCE_INIT;

static void next_key_make(void)
{
	randombytes_buf(next_key, sizeof(next_key));
}

/* One request. */
struct req {
	struct hl_desk_shared *s;
	struct MHD_Connection *c;
	const char *method, *target;
	struct hl_feed_reader rd;
	bool have_reader;
	struct hl_taxii_path path;
	struct hl_taxii_filter f;
	char why[256];
	char base[HOST_MAX + 16];
};

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static void common_headers(struct MHD_Response *r)
{
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, HL_TAXII_MEDIA);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

static const char *title(unsigned status)
{
	switch (status) {
	case 400: return "Bad request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not found";
	case 406: return "Not acceptable";
	case 503: return "Unavailable";
	default: return "Server error";
	}
}

/* Queues j (taken) with status; NULL j is a fixed 500. */
static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *j,
				 bool challenge)
{
	static const char broken[] = "{\"title\":\"Server error\",\"http_status\":\"500\"}";
	struct MHD_Response *r = hl_http_json(j, broken, &status);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	common_headers(r);
	if (challenge)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
					"Basic realm=\"hotline\"");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The TAXII error object for status, recorded in the audit trail. */
static enum MHD_Result refuse(struct req *q, unsigned status, const char *why)
{
	char code[8];
	json_t *j;

	snprintf(code, sizeof(code), "%u", status);
	j = json_pack("{s:s, s:s, s:s}", "title", title(status), "description", why,
		      "http_status", code);
	hl_desk_feed_record(q->s, q->have_reader || q->rd.op.name[0] ? &q->rd : NULL, q->method,
			    q->target, 0, status, why);
	return send_json(q->c, status, j, status == MHD_HTTP_UNAUTHORIZED);
}

static int authenticate(struct req *q, struct hl_desk_err *e)
{
	const char *h = header(q->c, MHD_HTTP_HEADER_AUTHORIZATION);
	char user[HL_NAME_MAX + 1], secret[HL_TAXII_SECRET_MAX + 1];
	int r;

	if (!h) {
		hl_desk_fail(e, 401, "no credentials: a feed token as HTTP Basic or Bearer");
		return -1;
	}
	if (hl_taxii_auth_parse(h, user, sizeof(user), secret, sizeof(secret)) < 0) {
		hl_desk_fail(e, 401, "the Authorization header is neither Basic nor Bearer");
		return -1;
	}
	r = hl_desk_feed_auth(q->s, user[0] ? user : NULL, secret, &q->rd, e);
	sodium_memzero(secret, sizeof(secret));
	q->have_reader = r == 0;
	return r;
}

struct args {
	struct req *q;
	unsigned allow;
	int r;
};

static enum MHD_Result one_arg(void *cls, enum MHD_ValueKind kind, const char *key,
			       const char *value)
{
	struct args *a = cls;

	(void)kind;
	a->r = hl_taxii_arg(&a->q->f, a->allow, key, value, a->q->why, sizeof(a->q->why));
	return a->r < 0 ? MHD_NO : MHD_YES;
}

/* "https://HOST" of the request, for discovery's URLs; "" when the
 * Host header is no host name and port. */
static void base_url(struct req *q)
{
	const char *host = header(q->c, MHD_HTTP_HEADER_HOST);
	size_t n = host ? strlen(host) : 0;

	q->base[0] = 0;
	if (!n || n > HOST_MAX || strspn(host, "abcdefghijklmnopqrstuvwxyz"
					 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") != n)
		return;
	snprintf(q->base, sizeof(q->base), "https://%s", host);
}

static enum MHD_Result info(struct req *q, const struct hl_feed_req *fr)
{
	struct hl_desk_err e;
	json_t *j = hl_desk_feed_info(q->s, fr, &e);

	if (!j)
		return refuse(q, e.status, e.why);
	hl_desk_feed_record(q->s, &q->rd, q->method, q->target, 0, 200, NULL);
	return send_json(q->c, MHD_HTTP_OK, j, false);
}

/* A page being streamed, and what its record needs at its end. */
struct stream {
	struct hl_desk_shared *s;
	struct hl_feed_page *page;
	struct hl_feed_reader rd;
	char method[8];
	char *target;
	bool failed;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	ssize_t n = hl_feed_page_read(st->page, buf, max);

	(void)pos;
	if (n < 0) {
		st->failed = true;
		return MHD_CONTENT_READER_END_WITH_ERROR;
	}
	return n ? n : MHD_CONTENT_READER_END_OF_STREAM;
}

static void stream_free(void *cls)
{
	struct stream *st = cls;

	hl_desk_feed_record(st->s, &st->rd, st->method, st->target,
			    hl_feed_page_sent(st->page), st->failed ? 503 : 200,
			    st->failed ? "the store failed midway: the answer was cut short" : NULL);
	hl_feed_page_free(st->page);
	free(st->target);
	free(st);
}

static enum MHD_Result page(struct req *q, const struct hl_feed_req *fr)
{
	struct stream *st = calloc(1, sizeof(*st));
	char first[HL_TAXII_TIME_LEN + 1], last[HL_TAXII_TIME_LEN + 1];
	struct MHD_Response *r;
	struct hl_desk_err e;
	enum MHD_Result ret;

	if (!st || !(st->target = strdup(q->target))) {
		free(st);
		return refuse(q, 503, "out of memory");
	}
	if (hl_desk_feed_page_open(q->s, fr, &st->page, &e) < 0) {
		free(st->target);
		free(st);
		return refuse(q, e.status, e.why);
	}
	st->s = q->s;
	st->rd = q->rd;
	snprintf(st->method, sizeof(st->method), "%s", q->method);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, PIECE, stream_read, st,
					      stream_free);
	if (!r) {
		stream_free(st);
		return MHD_NO;
	}
	common_headers(r);
	if (hl_feed_page_dates(st->page, first, last)) {
		MHD_add_response_header(r, "X-TAXII-Date-Added-First", first);
		MHD_add_response_header(r, "X-TAXII-Date-Added-Last", last);
	}
	ret = MHD_queue_response(q->c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* After the reader is known: the method, the resource, its query. */
static enum MHD_Result serve(struct req *q)
{
	struct hl_feed_req fr = {.rd = &q->rd, .path = &q->path, .f = &q->f, .base = q->base};
	struct args a = {.q = q};
	char scope[HL_NAME_MAX + HL_FEED_TOOL_MAX + 2];

	if (strcmp(q->method, "GET") != 0 && strcmp(q->method, "HEAD") != 0)
		return refuse(q, 403, "the feed is read only: no object is written through TAXII");
	if (hl_taxii_path_parse(q->target, &q->path) < 0)
		return refuse(q, 404, "no such TAXII resource");
	a.allow = hl_taxii_params(q->path.res);
	MHD_get_connection_values(q->c, MHD_GET_ARGUMENT_KIND, one_arg, &a);
	if (a.r < 0)
		return refuse(q, 400, q->why);
	base_url(q);
	if (q->path.res <= HL_TAXII_COLLECTION)
		return info(q, &fr);
	pthread_once(&next_once, next_key_make);
	snprintf(scope, sizeof(scope), "%s\n%s", q->rd.op.name, q->rd.tool);
	fr.next_key = next_key;
	fr.scope = scope;
	return page(q, &fr);
}

enum MHD_Result hl_taxii_answer(struct hl_desk_shared *s, struct MHD_Connection *c,
				const char *method, const char *target)
{
	struct req *q = calloc(1, sizeof(*q));
	struct hl_desk_err e = {0};
	enum MHD_Result ret;

	if (!q)
		return MHD_NO;
	*q = (struct req){.s = s, .c = c, .method = method, .target = target};
	hl_taxii_filter_init(&q->f);
	if (!hl_taxii_accept_ok(header(c, MHD_HTTP_HEADER_ACCEPT)))
		ret = refuse(q, 406, "the Accept header allows no " HL_TAXII_MEDIA);
	else if (authenticate(q, &e) < 0)
		ret = refuse(q, e.status, e.why);
	else
		ret = serve(q);
	hl_taxii_filter_free(&q->f);
	sodium_memzero(q, sizeof(*q));
	free(q);
	return ret;
}
