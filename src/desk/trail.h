/* trail.h - the audit trail's writer: one thread that numbers, stores
 * and checkpoints the entries of every desk call (desk/audit.c).
 *
 * Entries are group-committed: a caller queues its entry and goes on
 * (it does not wait for the commit, which would add a round of the
 * database's write lock to every action), and the writer stores all
 * the queued entries in its next transaction, in the order queued.
 * Those commits do not fsync (synchronous = NORMAL on the trail's
 * handle): they reach the disk with the database's next fsync (any
 * message's commit, or the next checkpoint's, which syncs).  So an
 * action costs its entry no fsync and no wait; an entry can be lost
 * only by a crash of hotlined within a commit round of its action (50
 * ms at most), or by a power loss before the next fsync (two
 * seconds at most).  A checkpoint of the whole log is
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
#define HL_TRAIL_QUEUE_MAX 65536
/* 50 ms between two commits at least: each takes the write lock that
 * the message's way shares (at 5 ms, one FLASH in eight waited). */
#define HL_TRAIL_GATHER_NS 50000000

struct hl_trail;

/* Starts the writer over the party's store file; me must hold the
 * party's secrets and outlive the trail. */
int hl_trail_start(const struct hl_party *me, const char *db, struct hl_trail **out,
		   char *err, size_t errlen);
/* Stores what is queued, signs a last checkpoint, stops. */
void hl_trail_stop(struct hl_trail *t);

/* Queues an entry made of e's fields (its seq is the trail's to give)
 * and a copy of detail (may be NULL).  Returns 0 once queued, else
 * -ESHUTDOWN or -ENOMEM.  Past HL_TRAIL_QUEUE_MAX entries waiting,
 * waits for room.  Whether it was stored, hl_trail_health and
 * hl_trail_flush tell: a commit that fails (a full disk) loses its
 * group's entries and sets the health until one succeeds. */
int hl_trail_append(struct hl_trail *t, const struct hl_audit_entry *e,
		    const json_t *detail);

/* Returns once every entry queued before it is stored (or failed):
 * the trail's health then. */
int hl_trail_flush(struct hl_trail *t);

/* Signs and stores a checkpoint of every entry appended so far, unless
 * the last one stored covers them; returns once it is stored. */
int hl_trail_checkpoint(struct hl_trail *t);

/* 0 while entries are being stored, else the error of the last failed
 * commit (-HL_ESTORE, -ENOSPC); a later commit that succeeds clears it. */
int hl_trail_health(struct hl_trail *t);

#endif
