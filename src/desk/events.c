/* events.c - the event hub: a ring of recent events, readers that wait. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "events.h"

#define READ_MAX 64		/* events handed to a reader at a time */

struct slot {
	uint64_t id;
	char type[HL_EVENT_TYPE_MAX + 1];
	char *json;
};

struct hl_events {
	pthread_mutex_t lock;	/* guards what follows */
	pthread_cond_t grew;	/* an event was published, or the hub closed */
	struct slot ring[HL_EVENTS_RING];
	uint64_t base;		/* the id of this run's first event */
	uint64_t last;		/* the last id given; base - 1 before any */
	size_t held;		/* events in the ring: ids last - held + 1 .. last */
	bool closed;
};

static struct hl_events *installed;

int hl_events_new(struct hl_events **out)
{
	struct hl_events *h = calloc(1, sizeof(*h));
	pthread_condattr_t ca;
	struct timespec ts;

	*out = NULL;
	if (!h)
		return -ENOMEM;
	clock_gettime(CLOCK_REALTIME, &ts);
	h->base = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	h->last = h->base - 1;
	pthread_mutex_init(&h->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&h->grew, &ca);
	pthread_condattr_destroy(&ca);
	*out = h;
	return 0;
}

void hl_events_free(struct hl_events *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < HL_EVENTS_RING; i++)
		free(h->ring[i].json);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->grew);
	free(h);
}

void hl_events_close(struct hl_events *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->lock);
	h->closed = true;
	pthread_cond_broadcast(&h->grew);
	pthread_mutex_unlock(&h->lock);
}

void hl_events_publish(struct hl_events *h, const char *type, json_t *data)
{
	char *json, *old;
	struct slot *s;

	if (!h || !data || !json_is_object(data)) {
		json_decref(data);
		return;
	}
	if (!json_object_get(data, "time"))
		json_object_set_new(data, "time", json_integer((json_int_t)time(NULL)));
	/* The costly part, outside the lock. */
	json = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	if (!json)
		return;
	pthread_mutex_lock(&h->lock);
	h->last++;
	s = &h->ring[h->last % HL_EVENTS_RING];
	old = s->json;
	s->id = h->last;
	snprintf(s->type, sizeof(s->type), "%s", type);
	s->json = json;
	if (h->held < HL_EVENTS_RING)
		h->held++;
	pthread_cond_broadcast(&h->grew);
	pthread_mutex_unlock(&h->lock);
	free(old);
}

uint64_t hl_events_last(struct hl_events *h)
{
	uint64_t last;

	pthread_mutex_lock(&h->lock);
	last = h->last;
	pthread_mutex_unlock(&h->lock);
	return last;
}

static int frame(struct hl_buf *out, uint64_t id, const char *type, const char *json)
{
	return hl_buf_printf(out, "id: %llu\nevent: %s\ndata: %s\n\n",
			     (unsigned long long)id, type, json);
}

/* The "missed" event for a reader at after: the ring no longer holds
 * (or never held) what follows it.  Called with the lock held. */
static int missed(struct hl_events *h, uint64_t *after, struct hl_buf *out)
{
	char json[160];

	snprintf(json, sizeof(json), "{\"after\":%llu,\"resume\":%llu,\"time\":%lld}",
		 (unsigned long long)*after, (unsigned long long)h->last,
		 (long long)time(NULL));
	*after = h->last;
	return frame(out, h->last, "missed", json) < 0 ? -ENOMEM : 1;
}

/* The absolute CLOCK_MONOTONIC time ms from now. */
static struct timespec deadline_in(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* Copies the held events after *after; called with the lock held. */
static int copy_out(struct hl_events *h, uint64_t *after, struct hl_buf *out)
{
	int n = 0;

	while (*after < h->last && n < READ_MAX) {
		const struct slot *s = &h->ring[(*after + 1) % HL_EVENTS_RING];

		if (frame(out, s->id, s->type, s->json) < 0)
			return n ? n : -ENOMEM;
		*after = s->id;
		n++;
	}
	return n;
}

int hl_events_read(struct hl_events *h, uint64_t *after, int timeout_ms, struct hl_buf *out)
{
	struct timespec until = deadline_in(timeout_ms);
	int r = 0;

	pthread_mutex_lock(&h->lock);
	if (!h->closed && (*after > h->last || *after + 1 < h->last - h->held + 1)) {
		r = missed(h, after, out);
		goto out;
	}
	while (!h->closed && *after == h->last)
		if (pthread_cond_timedwait(&h->grew, &h->lock, &until) == ETIMEDOUT)
			break;
	if (h->closed)
		r = -ESHUTDOWN;
	else if (*after + 1 < h->last - h->held + 1)	/* overtaken while waiting */
		r = missed(h, after, out);
	else
		r = copy_out(h, after, out);
out:
	pthread_mutex_unlock(&h->lock);
	return r;
}

void hl_events_install(struct hl_events *h)
{
	installed = h;
}

struct hl_events *hl_events_installed(void)
{
	return installed;
}

void hl_event(const char *type, json_t *data)
{
	hl_events_publish(installed, type, data);
}

void hl_event_message(const char *link, bool ours, uint64_t seq, const char *kind,
		      const char *precedence, int64_t sent, const char *case_ref)
{
	char id[HL_NAME_MAX + 32];
	json_t *j;

	if (!installed)
		return;
	snprintf(id, sizeof(id), "%s/%s%llu", link, ours ? "out/" : "", (unsigned long long)seq);
	j = json_pack("{s:s, s:s, s:s, s:I, s:s, s:s, s:I}", "link", link, "message", id,
		      "side", ours ? "sent" : "received", "seq", (json_int_t)seq,
		      "kind", kind, "precedence", precedence, "sent", (json_int_t)sent);
	if (j && case_ref)
		json_object_set_new(j, "case", json_string(case_ref));
	hl_event(strcmp(kind, "ack") == 0 ? "ack" : ours ? "sent" : "message", j);
}

static int arrived_one(void *ctx, const struct hl_message *m)
{
	hl_event_message(ctx, false, m->seq, m->kind, m->precedence, m->time, NULL);
	return 0;
}

int hl_event_arrived(struct hl_store *st, const struct hl_link *l, uint64_t after)
{
	if (!installed)
		return 0;
	return hl_store_message_each(st, l->id, HL_THEIRS, after, arrived_one, (void *)l->name);
}

void hl_event_receipt(const char *link, uint64_t size)
{
	if (installed)
		hl_event("receipt", json_pack("{s:s, s:I}", "link", link, "size", (json_int_t)size));
}
