/* msgid.h - the name an operator gives a message: "LINK/SEQ" for the
 * one the peer on link LINK sent with number SEQ, "LINK/out/SEQ" for
 * the one this party sent it.  The desk writes these names and reads
 * them from requests; the CLI reads them from its arguments.
 */
#ifndef HL_MSGID_H
#define HL_MSGID_H

#include <stdbool.h>
#include <stdint.h>

#include "text.h"

#define HL_MSGID_MAX (HL_NAME_MAX + 25)

/* Which of a link's two logs: this party's (what it sent), or the
 * peer's (what it received). */
enum hl_side { HL_OURS = 0, HL_THEIRS = 1 };

/* id into its link's name, its side and its number (from 1); false
 * for anything else. */
bool hl_msgid_parse(const char *id, char link[HL_NAME_MAX + 1], int *side, uint64_t *seq);

/* The name of message seq of side on link. */
void hl_msgid_format(const char *link, int side, uint64_t seq, char out[HL_MSGID_MAX + 1]);

#endif
