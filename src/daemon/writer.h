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

/* courier may be NULL (a test): nothing is woken after a commit. */
int hl_writer_start(const struct hl_party *me, const char *db,
		    struct hl_courier *courier, struct hl_writer **out,
		    char *err, size_t errlen);
/* Appends msg to the log of link and returns once it is durable. */
int hl_writer_send(struct hl_writer *w, const char *link,
		   const struct hl_send *msg, uint64_t *seq);
/* Appends msgs[i] to the log of links[i], all in the same group commit
 * (or consecutive ones, past HL_WRITER_GROUP_MAX), and returns once the
 * last is durable: one wait for all.  Each gets its own seqs[i] and
 * results[i] (0, or the reason that message alone failed: one link's
 * refusal fails no other).  Returns 0 when they were all tried, else
 * -ESHUTDOWN or -ENOMEM, which results[] repeat. */
int hl_writer_send_many(struct hl_writer *w, const char *const *links,
			const struct hl_send *msgs, size_t n, uint64_t *seqs, int *results);
/* Runs in the transaction that appends one call's messages, after
 * them, with their seqs and results (a result < 0: that message is not
 * appended); a nonzero return fails the whole transaction, every
 * message in it, as a store error does. */
typedef int (*hl_writer_then_fn)(void *ctx, struct hl_store *st, const uint64_t *seqs,
				 const int *results, size_t n);
/* hl_writer_send_many, with then: all n (at most HL_WRITER_GROUP_MAX,
 * else -E2BIG) go into one transaction, in which then runs.  1 when
 * then ran and its transaction committed, 0 when it did not run (no
 * message could be appended, or the commit failed: results[] say). */
int hl_writer_send_then(struct hl_writer *w, const char *const *links,
			const struct hl_send *msgs, size_t n, uint64_t *seqs, int *results,
			hl_writer_then_fn then, void *ctx);
/* Commits what is queued, then stops. */
void hl_writer_stop(struct hl_writer *w);

#endif
