/* clock.h - deadlines and escalation.
 *
 * Once a second the clock opens what arrived (the content index), then
 * looks for what is late: a received message a person here has not
 * acknowledged in time (ack-overdue), one of our messages the peer's
 * machine has not receipted in time (receipt-overdue), or one the peer's
 * person has not acknowledged in time (peer-ack-overdue).  For each, the
 * ladder's first step runs at the deadline and each next one
 * escalate.every later: the configured command gets the event as JSON
 * on its standard input, and the webhook is POSTed the same JSON.  Each
 * step runs once per message and event (recorded in the store after it
 * ran, so a crash between may repeat a step but never skip one), and an
 * acknowledgment or receipt stops the ladder.
 *
 * It also keeps the check schedule: on each confirmed link with a
 * check.every (hotline.conf), when our log holds no check sent within
 * that span, it sends one at check.precedence (logged as "check sent to
 * LINK as LINK/out/N") and wakes the courier.  A check not receipted
 * or answered in time escalates like any message.  One thread, with a
 * store handle of its own.
 */
#ifndef HL_CLOCK_H
#define HL_CLOCK_H

#include "courier.h"
#include "party.h"

struct hl_clock;

/* courier is woken after each scheduled check; it must outlive the clock. */
int hl_clock_start(const struct hl_party *me, const char *db, struct hl_courier *courier,
		   struct hl_clock **out, char *err, size_t errlen);
void hl_clock_stop(struct hl_clock *c);

#endif
