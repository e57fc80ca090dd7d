/* suspect.h - the desk's suspect marks (protocol.md 9.14): what a
 * revoked sign key signed in the window before its revocation.
 *
 * The marks are computed when a message is listed or shown, never
 * stored: one side's eras of a link are loaded once per link per
 * request, and each revocation's window is the terms' `suspect` in
 * force at its T_rev, else hotline.conf's terms.suspect.  Nothing to
 * rebuild, nothing that two copies could disagree about.
 */
#ifndef HL_DESK_SUSPECT_H
#define HL_DESK_SUSPECT_H

#include <stdint.h>

#include <jansson.h>

#include "desk.h"
#include "keys.h"

struct hl_desk_suspect {
	const char *name;		/* the side's party */
	struct hl_eras *eras;		/* owned */
	struct hl_revocations rv;	/* with their windows */
};

/* Loads side (HL_OURS, HL_THEIRS) of l into *s (zeroed first; free it
 * with hl_desk_suspect_free either way).  0, -HL_ESTORE or -ENOMEM. */
int hl_desk_suspect_load(struct hl_desk *d, const struct hl_link *l, int side,
			 struct hl_desk_suspect *s);

/* The revocation that makes envelope seq (dated t) of s's side suspect,
 * or NULL (also for a side never loaded). */
const struct hl_revocation *hl_desk_suspect_of(const struct hl_desk_suspect *s,
					       uint64_t seq, int64_t t);

/* {"key": "0102f755", "revoked": T_rev, "window": W} for that, or JSON
 * null: the "suspect" member of a message object (docs/api.md). */
json_t *hl_desk_suspect_json(const struct hl_desk_suspect *s, uint64_t seq, int64_t t);

void hl_desk_suspect_free(struct hl_desk_suspect *s);

#endif
