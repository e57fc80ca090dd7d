/* groupmsg.h - group messages in the store (DESIGN.md decision 12;
 * docs/protocol.md 8.16).
 *
 * At the owner: a group message is one envelope per member, each on
 * the member's own link; this records which envelope (link, seq) went
 * to which member for which group message (its id, the content's
 * "group" id), so the board of a group message can read them back.  A
 * member whose link was suspended has its message held: seq 0 and the
 * held message's id until the link is resumed.
 *
 * At a member: each envelope of the peer that carried a group id, with
 * the SHA-256 of its content.  The owner sends one envelope per member
 * per group message, so the same id twice on one link with other
 * content is a forged or buggy owner's: it is kept and marked.
 */
#ifndef HL_GROUPMSG_H
#define HL_GROUPMSG_H

#include <stdbool.h>
#include <stdint.h>

#include "content.h"
#include "envelope.h"
#include "store.h"

struct hl_group_envelope {
	char gid[HL_GROUP_ID_HEX + 1];
	int64_t group;				/* link_group's id */
	char group_name[HL_NAME_MAX + 1];	/* filled when listed */
	int64_t link;
	char link_name[HL_NAME_MAX + 1];	/* filled when listed */
	uint64_t seq;				/* 0 while held */
	int64_t held;				/* the held message's id, or 0 */
	int64_t time;
	char kind[HL_KIND_MAX + 1];
	enum hl_precedence precedence;
	uint64_t case_no;			/* a notify's case number, or 0 */
	char op[HL_NAME_MAX + 1];		/* the operator who sent it */
};

typedef int (*hl_group_envelope_fn)(void *ctx, const struct hl_group_envelope *ge);

/* Records n envelopes of one group message, in one transaction: all or
 * none, with their case number (ge[0].case_no, the same in all; 0 for
 * none) among the numbers this party took (hl_store_case_number_take:
 * one group message, one number, taken once).  -HL_EDUPLICATE when a
 * (link, seq) was recorded before. */
int hl_store_group_envelopes_put(struct hl_store *st, const struct hl_group_envelope *ge,
				 size_t n);
/* The same inside the caller's transaction (the writer's, which
 * appends the envelopes: both commit or neither). */
int hl_store_group_envelopes_put_in(struct hl_store *st, const struct hl_group_envelope *ge,
				    size_t n);
/* The envelopes of group message gid, in link-name order; a callback's
 * nonzero return stops the walk and is returned. */
int hl_store_group_envelopes(struct hl_store *st, const char *gid,
			     hl_group_envelope_fn fn, void *ctx);
/* Whether our case numbered number was opened by a group notify (one
 * is recorded here in the transaction that appends it): false spares
 * opening the case's first message to read its group id. */
int hl_store_group_case(struct hl_store *st, uint64_t number, bool *yes);

/* At a member, inside the caller's transaction (the index's):
 * envelope seq of link carried group id gid, its content hashing to
 * hash.  *reused is set when an envelope of the same link carried gid
 * with other content; both are kept and marked.  Recording the same
 * envelope again changes nothing. */
int hl_store_group_seen(struct hl_store *st, int64_t link, uint64_t seq, const char *gid,
			const unsigned char hash[32], bool *reused);
/* How many envelopes of link carry a reused group id (0: none). */
int hl_store_group_reused(struct hl_store *st, int64_t link, uint64_t *n);
/* The same for those not yet warned of, which are then marked warned,
 * and one of their group ids in gid ("" for none): the daemon logs each
 * reuse once. */
int hl_store_group_reused_take(struct hl_store *st, int64_t link, uint64_t *n,
			       char gid[HL_GROUP_ID_HEX + 1]);
/* Whether envelope seq of link carries a reused group id. */
int hl_store_group_reused_at(struct hl_store *st, int64_t link, uint64_t seq, bool *reused);

#endif
