/* sse.c - server-sent events from the event hub, one thread per stream. */
#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "events.h"
#include "sse.h"
#include "text.h"

#define SLICE_MS 1000		/* how often a waiting stream looks for a hangup */
#define OUT_MAX (1u << 20)
#define STR(x) #x
#define XSTR(x) STR(x)

struct stream {
	struct hl_events *hub;
	uint64_t after;
	int fd;			/* the connection's socket, to see a hangup */
	unsigned quiet_ms;	/* since the last bytes sent */
	struct hl_buf out;
	size_t sent;		/* of out */
};

static atomic_uint open_streams;

unsigned hl_sse_open(void)
{
	return atomic_load(&open_streams);
}

static enum MHD_Result refuse(struct MHD_Connection *c, unsigned status, const char *why)
{
	json_t *j = json_pack("{s:s, s:i}", "error", why, "status", (int)status);
	char *s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	struct MHD_Response *r = s ? MHD_create_response_from_buffer(strlen(s), s,
				     MHD_RESPMEM_MUST_FREE) : NULL;
	enum MHD_Result ret;

	json_decref(j);
	if (!r) {
		free(s);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Whether the client has gone: a stream waiting for events reads
 * nothing, so only this tells it to end and free its thread. */
static bool hung_up(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLRDHUP};

	return fd >= 0 && poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* Fills s->out with what comes next: events, or a heartbeat comment
 * after HL_SSE_HEARTBEAT_S quiet seconds.  0; or, to end the stream,
 * END_OF_STREAM when the hub closed, END_WITH_ERROR when the client
 * went away (nothing more is sent to it). */
static int refill(struct stream *s)
{
	s->out.len = 0;
	s->sent = 0;
	for (;;) {
		int n = hl_events_read(s->hub, &s->after, SLICE_MS, &s->out);

		if (n == -ESHUTDOWN)
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (n < 0 || hung_up(s->fd))
			return MHD_CONTENT_READER_END_WITH_ERROR;
		if (n > 0)
			break;
		s->quiet_ms += SLICE_MS;
		if (s->quiet_ms >= HL_SSE_HEARTBEAT_S * 1000u) {
			if (hl_buf_puts(&s->out, ": heartbeat\n\n") < 0)
				return MHD_CONTENT_READER_END_WITH_ERROR;
			break;
		}
	}
	s->quiet_ms = 0;
	return 0;
}

static ssize_t pump(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	size_t n;
	int r;

	(void)pos;
	if (s->sent == s->out.len) {
		r = refill(s);
		if (r < 0)
			return r;
	}
	n = s->out.len - s->sent;
	if (n > max)
		n = max;
	memcpy(buf, s->out.data + s->sent, n);
	s->sent += n;
	return (ssize_t)n;
}

static void done(void *cls)
{
	struct stream *s = cls;

	hl_buf_free(&s->out);
	free(s);
	atomic_fetch_sub(&open_streams, 1);
}

/* Where the stream starts: after the Last-Event-ID an EventSource
 * sends when it reconnects, else the desk's "after", else now.  An id
 * that does not parse is one the hub never gave: told "missed". */
static uint64_t start_after(struct MHD_Connection *c, const json_t *res, struct hl_events *hub)
{
	const char *id = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Last-Event-ID");
	json_t *after = json_object_get(res, "after");
	uint64_t v = 0;

	if (id)
		return hl_parse_u64(id, strlen(id), UINT64_MAX, &v) == 0 ? v : 0;
	if (json_is_integer(after))
		return (uint64_t)json_integer_value(after);
	return hl_events_last(hub);
}

enum MHD_Result hl_sse_respond(struct MHD_Connection *c, const json_t *res,
			       void (*headers)(struct MHD_Response *))
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	struct hl_events *hub = hl_events_installed();
	struct MHD_Response *r;
	struct stream *s;
	enum MHD_Result ret;

	if (!hub)
		return refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE, "no events are published");
	if (atomic_fetch_add(&open_streams, 1) >= HL_SSE_MAX) {
		atomic_fetch_sub(&open_streams, 1);
		return refuse(c, MHD_HTTP_SERVICE_UNAVAILABLE,
			      "too many event streams are open (" XSTR(HL_SSE_MAX)
			      "): close one and try again");
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		atomic_fetch_sub(&open_streams, 1);
		return MHD_NO;
	}
	s->hub = hub;
	s->fd = ci ? ci->connect_fd : -1;
	s->after = start_after(c, res, hub);
	hl_buf_init(&s->out, OUT_MAX);
	hl_buf_printf(&s->out, "retry: %u\n: hotline events\n\n", HL_SSE_RETRY_MS);
	r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, pump, s, done);
	if (!r) {
		done(s);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream; charset=utf-8");
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Accel-Buffering", "no");
	if (headers)
		headers(r);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}
