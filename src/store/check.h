/* check.h - communication checks: what one is, and which was last.
 *
 * A check is an envelope of kind "check" in our log on a link, with
 * content of type "check" saying who sent it and when.  The peer's
 * machine receipts it like any envelope and a person there answers it
 * with an ack; whether that happened in time is read from the
 * transcript, so a check is reported and escalated like any message.
 * Both 'hotline check run' and hotlined's clock (the schedule) send
 * checks through hl_check_send, so every check reads the same.
 */
#ifndef HL_CHECK_H
#define HL_CHECK_H

#include <stdint.h>

#include "envelope.h"
#include "party.h"
#include "store.h"

/* Seals and appends a check at precedence p, sent at now, to our log
 * on link l; *seq gets its sequence number.  Safe beside other writers
 * of the same database (other threads' handles, the CLI): the append is
 * one BEGIN IMMEDIATE transaction that takes the next number inside it. */
int hl_check_send(struct hl_store *st, const struct hl_party *me,
		  const struct hl_link *l, enum hl_precedence p, int64_t now,
		  uint64_t *seq);

/* Looks through our messages on link after *after for checks: *when
 * gets the time of the last one found (left alone when none is), and
 * *after the last seq looked at, so a caller that keeps both reads
 * each message once. */
int hl_check_last(struct hl_store *st, int64_t link, uint64_t *after, int64_t *when);

#endif
