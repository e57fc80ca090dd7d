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
 * acknowledgment or receipt stops the ladder.  One thread, with a store
 * handle of its own.
 */
#ifndef HL_CLOCK_H
#define HL_CLOCK_H

#include "party.h"

struct hl_clock;

int hl_clock_start(const struct hl_party *me, const char *db, struct hl_clock **out,
		   char *err, size_t errlen);
void hl_clock_stop(struct hl_clock *c);

#endif
