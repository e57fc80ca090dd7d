/* clock.h - deadlines and escalation.
 *
 * The clock looks for what is late: a received message a person here
 * has not acknowledged in time (ack-overdue), one of our messages the
 * peer's machine has not receipted in time (receipt-overdue), or one
 * the peer's person has not acknowledged in time (peer-ack-overdue);
 * which messages need an acknowledgment, and what gives one, is
 * hl_kind_needs_ack's and hl_store_acked's rule.  Step k of the ladder
 * is due at the deadline + (k-1) * escalate.every; when several are due
 * at once (a restart, an outage, a late arrival) only the highest runs
 * and the lower are recorded skipped.  A step is recorded before its
 * hooks start (hook.c, up to 8 side by side), so none runs twice, and
 * an acknowledgment or receipt seen just before a step stops the
 * ladder.  A TLS pin mismatch the courier reports escalates once per
 * incident (pin-mismatch).  docs/protocol.md 8.8.
 *
 * It also keeps the check schedule: on each confirmed link with a
 * check.every (hotline.conf), when our log holds no check sent within
 * that span, it sends one at check.precedence (logged as "check sent to
 * LINK as LINK/out/N") and wakes the courier.  One thread, with a store
 * handle of its own; hl_clock_stop returns at once, killing hooks that
 * still run.
 */
#ifndef HL_CLOCK_H
#define HL_CLOCK_H

#include "courier.h"
#include "party.h"

struct hl_clock;

/* The clock signs as me and follows the settings conf (a reload's,
 * which must outlive it).  courier is woken after each scheduled check;
 * it must outlive the clock. */
int hl_clock_start(const struct hl_party *me, const struct hl_config *conf, const char *db,
		   struct hl_courier *courier, struct hl_clock **out, char *err, size_t errlen);
void hl_clock_stop(struct hl_clock *c);

#endif
