/* keysdesk.h - the desk's showing of the key history (keysdesk.c):
 * each side's eras of a link, this party's card with its eras on every
 * link, and the keys in force for the link object. */
#ifndef HL_KEYSDESK_H
#define HL_KEYSDESK_H

#include "desk.h"

hl_desk_fn hl_desk_link_keys, hl_desk_card_show;

/* {"ours": {"era", "fingerprint", "since"}, "theirs": ...}: the era in
 * force on each side of l (me: this party), a new reference; NULL with
 * *err set (-ENOMEM, or the store's error). */
json_t *hl_desk_keys_brief(struct hl_store *st, const struct hl_party *me,
			   const struct hl_link *l, int *err);

/* hl_card_fingerprint(c, out), each (name, sign key) computed once in
 * the process (a fingerprint takes about a millisecond, on purpose). */
void hl_desk_fingerprint(const struct hl_card *c, char out[HL_FINGERPRINT_LEN + 1]);

#endif
