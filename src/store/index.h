/* index.h - the content index: what the encrypted bodies say.
 *
 * Only a holder of the party's box key can read the bodies, so the index
 * is filled above the store, by whoever reads with the keys: for every
 * envelope since the last one indexed, its kind (from the signed header)
 * is recorded, and an ack is opened and the envelope its ref names
 * recorded too (an ack's ref
 * must name an envelope of the link, by the right leaf hash, or it
 * names nothing).  Like every projection, it is rebuilt from the logs.
 */
#ifndef HL_INDEX_H
#define HL_INDEX_H

#include <stdint.h>

#include "envelope.h"
#include "party.h"
#include "store.h"

/* Indexes what is new in both logs of link l; *added counts it. */
int hl_index_update(struct hl_store *st, const struct hl_party *me,
		    const struct hl_link *l, uint64_t *added);

/* Whether a message of this kind awaits a person's acknowledgment. */
bool hl_kind_needs_ack(const char *kind);

#endif
