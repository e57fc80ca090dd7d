/* trail.h - the audit trail's writer: one thread that numbers, stores
 * and checkpoints the entries of every desk call (desk/audit.c).
 *
 * Entries are group-committed: callers that arrive while a commit is
 * under way wait in a queue, and the next transaction stores all of
 * them.  Those commits do not fsync (synchronous = NORMAL on the
 * trail's handle): an entry survives a crash of hotlined once its
 * caller returns, and a power loss once the database's next fsync has
 * run (any message's commit, or the next checkpoint's, which syncs).
 * So an action costs its entry no fsync.  A checkpoint of the whole log is
 * signed with the party's identity key when the log has grown and
 * HL_TRAIL_CHECKPOINT_EVERY seconds have passed since the last one,
 * when asked (hl_trail_checkpoint), and when the trail stops.
 */
#ifndef HL_TRAIL_H
#define HL_TRAIL_H

#include <stdint.h>

#include <jansson.h>

#include "auditlog.h"
#include "party.h"

#define HL_TRAIL_CHECKPOINT_EVERY 2
#define HL_TRAIL_GROUP_MAX 1024

struct hl_trail;

/* Starts the writer over the party's store file; me must hold the
 * party's secrets and outlive the trail. */
int hl_trail_start(const struct hl_party *me, const char *db, struct hl_trail **out,
		   char *err, size_t errlen);
/* Stores what is queued, signs a last checkpoint, stops. */
void hl_trail_stop(struct hl_trail *t);

/* Appends an entry made of e's fields (its seq is the trail's to give)
 * and detail (borrowed, may be NULL); returns once it is committed, with
 * *seq its number.  On failure (a full disk) the entry is not stored
 * and the trail reports the error (hl_trail_health) until a later
 * entry is stored. */
int hl_trail_append(struct hl_trail *t, const struct hl_audit_entry *e,
		    const json_t *detail, uint64_t *seq);

/* Signs and stores a checkpoint of every entry appended so far, unless
 * the last one stored covers them; returns once it is stored. */
int hl_trail_checkpoint(struct hl_trail *t);

/* 0 while entries are being stored, else the error of the last failed
 * commit (-HL_ESTORE, -ENOSPC). */
int hl_trail_health(struct hl_trail *t);

#endif
