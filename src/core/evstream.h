/* evstream.h - reading a stream of server-sent events, as a client.
 *
 * The text/event-stream format of the WHATWG HTML standard (9.2): lines
 * ending in CR LF, LF or CR; "field: value" lines ("data", "event",
 * "id", "retry"); lines starting with ':' are comments; a blank line
 * ends an event.  Bytes are fed as they arrive, in pieces of any size;
 * each whole event is handed to a callback.  Pure: no I/O.  Lines and
 * an event's data are capped, so a stream cannot make the reader
 * allocate without bound.
 */
#ifndef HL_EVSTREAM_H
#define HL_EVSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define HL_EVSTREAM_FIELD_MAX 64	/* event type and id */

struct hl_evstream_event {
	const char *type;	/* "message" when the stream named none */
	const char *id;		/* the last id the stream gave, "" for none */
	const char *data;	/* the data lines, joined by LF; a NUL past len
				 * (the stream may hold NUL bytes: use len) */
	size_t len;
};

struct hl_evstream {
	struct hl_buf line, data;
	char type[HL_EVSTREAM_FIELD_MAX + 1];
	char id[HL_EVSTREAM_FIELD_MAX + 1];
	uint64_t retry_ms;	/* the last "retry:" given, 0 for none */
	int cr;			/* the last byte fed was a CR */
	void (*on_event)(void *ctx, const struct hl_evstream_event *ev);
	void *ctx;
};

/* Starts a reader whose lines and data are capped at max bytes. */
void hl_evstream_init(struct hl_evstream *s, size_t max,
		      void (*on_event)(void *ctx, const struct hl_evstream_event *ev),
		      void *ctx);
/* Feeds n bytes; calls on_event for each event they end.  0, or
 * -HL_ETOOBIG for a line or data past the cap (the reader is then
 * unusable), -ENOMEM. */
int hl_evstream_feed(struct hl_evstream *s, const void *p, size_t n);
void hl_evstream_free(struct hl_evstream *s);

#endif
