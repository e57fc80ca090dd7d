/* sse.h - GET /v1/events as a stream of server-sent events.
 *
 * A door (api.c) hands a request for a route flagged stream, once the
 * desk has allowed it, to hl_sse_respond(): the reply is
 * text/event-stream, fed from the daemon's event hub (events.h) in the
 * connection's own thread, which waits on the hub.  The stream begins
 * with "retry:" and goes on with one frame per event; a comment every
 * HL_SSE_HEARTBEAT_S seconds keeps proxies from closing it.  It
 * resumes after the Last-Event-ID header, else the desk's "after"
 * argument, else from now.  At most HL_SSE_MAX streams are open at
 * once; one more is refused with 503.  When the hub closes (hotlined
 * stopping), every stream ends at once.
 */
#ifndef HL_SSE_H
#define HL_SSE_H

#include <jansson.h>
#include <microhttpd.h>

#define HL_SSE_MAX 16
#define HL_SSE_HEARTBEAT_S 15
#define HL_SSE_RETRY_MS 3000

/* Queues the stream on c; res is the desk's answer ({"after": ID} or
 * {}), borrowed; headers, when not NULL, adds the door's own headers. */
enum MHD_Result hl_sse_respond(struct MHD_Connection *c, const json_t *res,
			       void (*headers)(struct MHD_Response *));

/* Streams open now. */
unsigned hl_sse_open(void);

#endif
