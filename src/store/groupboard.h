/* groupboard.h - what the board of a group message reads from the
 * store beyond the record of what went to whom (groupmsg.h): a group's
 * messages, newest first; the latest escalation step of one message;
 * whether a held message still waits.  And the one write the board
 * needs to follow a held member: when a held message is released, the
 * seq its envelope got is written beside its held id.
 */
#ifndef HL_GROUPBOARD_H
#define HL_GROUPBOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "groupmsg.h"
#include "store.h"

/* The messages of group (link_group's id), newest first, at most
 * limit: one call each with the first envelope recorded of it (gid,
 * time, kind, precedence, case_no, op, group_name; link 0). */
int hl_store_group_messages(struct hl_store *st, int64_t group, unsigned limit,
			    hl_group_envelope_fn fn, void *ctx);

/* The latest escalation step run for (link, side, seq), of event (NULL:
 * any event): the step counts from 0 as the store keeps it; status is
 * "running", "skipped", "ok", "failed", "abandoned" (or "done", from
 * before statuses were kept).  -HL_ENOTFOUND when none ran. */
struct hl_escalation_step {
	char event[32];
	unsigned step;
	int64_t fired;
	char status[16];
};
int hl_store_escalation_last(struct hl_store *st, int64_t link, int side, uint64_t seq,
			     const char *event, struct hl_escalation_step *out);

/* Whether held message id still waits (not released nor dropped). */
int hl_store_held_waiting(struct hl_store *st, int64_t id, bool *waiting);

/* In the releasing transaction: held message held of link went as our
 * envelope seq; the group message that held it now names that seq
 * (nothing changes when no group message held it). */
int hl_store_group_held_sent(struct hl_store *st, int64_t link, int64_t held, uint64_t seq);

#endif
