/* held.h - messages held while a link is suspended (protocol.md 8.14).
 *
 * A new case (notify) or a request to a suspended link is not sealed:
 * its content waits in the held table, exactly as it will be sealed,
 * and hotlined's clock appends every held message of the link, in the
 * order they were held, in one transaction that also deletes them, once
 * no suspension is in force.  A held notify's case number is taken when
 * it is held, so its case's name does not change.
 */
#ifndef HL_HELD_H
#define HL_HELD_H

#include <stdbool.h>
#include <stdint.h>

#include "envelope.h"
#include "party.h"
#include "store.h"

struct hl_held {
	int64_t id;
	int64_t link;
	int64_t queued;
	char kind[HL_KIND_MAX + 1];
	enum hl_precedence precedence;
	uint64_t case_no;		/* a notify's, else 0 */
	const unsigned char *content;	/* valid during a callback */
	size_t len;
	char op_name[HL_NAME_MAX + 1];
	char op_role[16];
};

/* Holds h (its id is set), taking its case number in the same
 * transaction: -EAGAIN when the number was taken meanwhile. */
int hl_store_held_put(struct hl_store *st, struct hl_held *h);

/* The held messages of link (0: of every link), in the order held. */
int hl_store_held_each(struct hl_store *st, int64_t link,
		       int (*fn)(void *ctx, const struct hl_held *h), void *ctx);

/* How many messages wait on link. */
int hl_store_held_count(struct hl_store *st, int64_t link, uint64_t *n);

/* Drops one: -HL_ENOTFOUND when it is not held. */
int hl_store_held_drop(struct hl_store *st, int64_t id);

/* Whether our or the peer's log on the link named link ever held a
 * suspend: when not, the link is not suspended, and no fold (nor even
 * reading the link) is needed to say so. */
int hl_store_ever_suspended(struct hl_store *st, const char *link, bool *yes);

/* Seals every held message of l and appends them in the order held, in
 * one transaction that deletes them; *n gets how many, *first the seq
 * of the first.  A crash leaves all of them held or none. */
int hl_store_held_release(struct hl_store *st, const struct hl_party *me,
			  const struct hl_link *l, int64_t now, uint64_t *n, uint64_t *first);

#endif
