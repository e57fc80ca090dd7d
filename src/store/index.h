/* index.h - the content index: what the encrypted bodies say.
 *
 * Only a holder of the party's box key can read the bodies, so the index
 * is filled above the store, by whoever reads with the keys: every
 * envelope since the last one indexed is opened, and its type, the
 * envelope its ref names, its case, the operator who made it and its
 * structured fields recorded
 * (a ref or a case must name an envelope of the link by the right leaf
 * hash, and a case a notify, or it names nothing), and the values of a
 * valid STIX bundle and the codes of the structured fields kept as search
 * terms, and the free text and summary in the full-text index; and
 * each object of a valid bundle as a feed serves it (stixobj.h), with
 * the parties' identities and the TLP markings it uses.  Like every
 * projection, it is rebuilt from the logs.
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

/* Whether a message of this kind (its header's) at precedence p awaits
 * a person's acknowledgment (docs/protocol.md 8.7): a notify, a
 * request, a check, an update at FLASH or IMMEDIATE, and any kind this
 * version does not know; not an ack, answer, check-reply, close,
 * correct or retract.  hl_store_acked says whether one has come. */
bool hl_kind_needs_ack(const char *kind, enum hl_precedence p);

#endif
