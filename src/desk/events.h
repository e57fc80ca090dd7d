/* events.h - the event hub: live changes, for GET /v1/events.
 *
 * The parts of hotlined (peer server, courier, writer, clock) publish
 * what just happened: a message arrived, a receipt came back, one of
 * ours was committed, a deadline passed, an escalation step ran.  The
 * hub keeps the recent events in a ring, each with an id larger than
 * every earlier one, so a reader that reconnects with the last id it
 * saw gets exactly what it missed, or, when the ring no longer holds
 * that, one "missed" event telling it to reload its listings.
 *
 * Publishing never waits for a reader: it takes the hub's lock for a
 * few stores, whatever the readers do; a slow reader only falls behind
 * and is told it missed events.  Ids begin, in each run of hotlined,
 * at the wall clock in microseconds, so an id from an earlier run is
 * below every id of this one and is answered with "missed".
 *
 * One hub serves the daemon: hl_events_install() makes it the one
 * hl_event() publishes to, as log.c is the one the daemon logs to, so
 * a part need not be handed it.  docs/api.md lists the event types.
 */
#ifndef HL_EVENTS_H
#define HL_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "store.h"

#define HL_EVENTS_RING 4096	/* events kept for readers that resume */
#define HL_EVENT_TYPE_MAX 16

struct hl_events;

/* A hub whose first event will have an id above every id of an
 * earlier run.  0, or -ENOMEM. */
int hl_events_new(struct hl_events **out);
/* Frees the hub; its readers must have ended (hl_events_close first). */
void hl_events_free(struct hl_events *h);
/* Wakes every reader, and makes every read from now on end
 * (-ESHUTDOWN): a daemon stopping must not wait on open streams. */
void hl_events_close(struct hl_events *h);

/* Publishes an event of type ("message", "receipt", ...) with data, a
 * JSON object (taken; NULL is dropped); "time" is added when absent.
 * Safe from any thread; never blocks on a reader. */
void hl_events_publish(struct hl_events *h, const char *type, json_t *data);

/* The id of the last event published (or the one before the first). */
uint64_t hl_events_last(struct hl_events *h);

/* Appends to out, as server-sent event frames ("id:", "event:",
 * "data:" lines and a blank line), the events after *after, and moves
 * *after past them.  When none is there yet, waits up to timeout_ms
 * for one.  When events after *after are no longer held (or *after is
 * not an id of this run), appends one "missed" event instead and moves
 * *after to the last id.  Returns the number of events appended (0
 * when the wait ended with none), or -ESHUTDOWN once the hub is
 * closed, or -ENOMEM. */
int hl_events_read(struct hl_events *h, uint64_t *after, int timeout_ms, struct hl_buf *out);

/* The daemon's hub, for hl_event(); NULL to uninstall.  Set before the
 * publishing threads start and cleared after they stopped. */
void hl_events_install(struct hl_events *h);
struct hl_events *hl_events_installed(void);
/* Publishes to the installed hub; drops data when none is. */
void hl_event(const char *type, json_t *data);

/* The publishers' shorthands, so each type's data is made in one
 * place (docs/api.md lists them).  A message committed to a log: on
 * ours "sent", on theirs "message", and "ack" on either for a message
 * of kind ack; case_ref ("ru-cert#4") or NULL. */
void hl_event_message(const char *link, bool ours, uint64_t seq, const char *kind,
		      const char *precedence, int64_t sent, const char *case_ref);
/* One event for each message of the peer's log of l after seq after:
 * what a push or a pull just stored.  0, or an error of the store. */
int hl_event_arrived(struct hl_store *st, const struct hl_link *l, uint64_t after);
/* The peer cosigned our log of link up to size. */
void hl_event_receipt(const char *link, uint64_t size);

#endif
