/* courier.h - outbound delivery: store-and-forward from the durable
 * outbox (our log's entries the peer has not receipted) to each peer,
 * over kept-alive HTTPS pinned to the peer's card.  It also pulls from
 * peers when this party has no endpoint of its own.  One thread finds
 * the links with something to carry; up to 32 workers carry it, each
 * link by one worker at a time, each worker with a store handle of its
 * own (protocol.md 10.8). */
#ifndef HL_COURIER_H
#define HL_COURIER_H

#include <stdbool.h>
#include <stdint.h>

#include "party.h"
#include "text.h"

struct hl_courier;

struct hl_courier_link {
	char name[HL_NAME_MAX + 1];
	bool reachable;		/* the last attempt succeeded */
	int64_t last_ok;	/* time of the last success, 0 never */
	int64_t last_attempt;
	int64_t next_attempt;
	unsigned attempts;	/* failures since the last success */
	char last_error[200];
	bool pin_mismatch;	/* the last attempt met a TLS key not the card's */
	int64_t pin_since;	/* since when (the incident), 0 none */
	char pin_expected[80];	/* sha256//<base64> of the card's pin */
	char pin_seen[80];	/* and of the key the peer presented, or "" */
};

int hl_courier_start(const struct hl_party *me, const char *db,
		     struct hl_courier **out, char *err, size_t errlen);
/* Makes the courier try link now, whatever its backoff (new messages,
 * receipts); NULL: every link (the operator's wake, a new certificate).
 * Another link's backoff stays as it was. */
void hl_courier_wake(struct hl_courier *c, const char *link);
/* Our TLS certificate changed (a TLS switch): each lane's next
 * connection presents the new one. */
void hl_courier_new_cert(struct hl_courier *c);
/* Finishes the attempt under way, then stops. */
void hl_courier_stop(struct hl_courier *c);
/* Copies up to max link states, in name order; returns how many. */
size_t hl_courier_status(struct hl_courier *c, struct hl_courier_link *out, size_t max);
/* The state of link name among n that hl_courier_status copied (a
 * binary search: they are in name order); NULL when none. */
const struct hl_courier_link *hl_courier_find(const struct hl_courier_link *cl, size_t n,
					      const char *name);
/* How many links the courier has met: enough room for a status. */
size_t hl_courier_count(struct hl_courier *c);

/* Fetches the card that the peer of link serves now (GET
 * /hotline/v1/card), pinned and authenticated as the courier's own
 * exchanges are, within 10 s; safe from any thread.  On success *card
 * is the bytes as served (malloc'd, owned by the caller, not
 * terminated) and *len their number; they are not parsed.  Otherwise a
 * sentence in err and -HL_ENOLINK (no such link), -HL_EUNCONFIRMED,
 * -EDESTADDRREQ (the link has no endpoint: the peer pulls from us),
 * -HL_ESTORE, or -HL_EPEER: the peer cannot be reached, does not
 * present the pinned key, or answers anything but 200 and a card of at
 * most HL_CARD_MAX bytes. */
int hl_courier_fetch_card(struct hl_courier *c, const char *link, char **card, size_t *len,
			  char *err, size_t errlen);

#endif
