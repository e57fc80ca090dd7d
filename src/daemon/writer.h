/* writer.h - group commit for messages sent through the operator API.
 *
 * Each fsync costs milliseconds, so sending one message per transaction
 * caps a party at a few hundred a second.  Requests that arrive while a
 * commit is under way wait in a queue; the writer thread appends all of
 * them in the next transaction and wakes each requester when it is
 * durable.  One thread, with a store handle of its own. */
#ifndef HL_WRITER_H
#define HL_WRITER_H

#include <stdint.h>

#include "courier.h"
#include "party.h"
#include "transcript.h"

#define HL_WRITER_GROUP_MAX 1024

struct hl_writer;

int hl_writer_start(const struct hl_party *me, const char *db,
		    struct hl_courier *courier, struct hl_writer **out,
		    char *err, size_t errlen);
/* Appends msg to the log of link and returns once it is durable. */
int hl_writer_send(struct hl_writer *w, const char *link,
		   const struct hl_send *msg, uint64_t *seq);
/* Commits what is queued, then stops. */
void hl_writer_stop(struct hl_writer *w);

#endif
