/* keys.h - a link's key history in the store (the link_key table).
 *
 * Each side of a link has eras (keychain.h): era 0 the card the link
 * was confirmed with, each later one a card a `card` envelope carried.
 * The peer's era 0 comes from link.card (migration 16); ours from our
 * card file, which SQL cannot read: hl_store_own_eras() adds it, and a
 * side with no rows yet loads as one era of the card given.
 */
#ifndef HL_KEYS_H
#define HL_KEYS_H

#include <stddef.h>

#include "keychain.h"
#include "party.h"
#include "store.h"

/* A side's chain with the card bytes its eras point to, owned, and
 * what each era's row says beside the chain: when its card was
 * confirmed by voice (0: not) and the envelope of that side that
 * revoked its uses (0: none), for the shown history. */
struct hl_eras {
	struct hl_keychain kc;
	unsigned char *raw[HL_ERAS_MAX];
	int64_t confirmed[HL_ERAS_MAX];
	uint64_t revoked_by[HL_ERAS_MAX];
};

/* Loads the eras of side (HL_OURS, HL_THEIRS) of l into a new *out,
 * which hl_eras_free releases.  A side without rows is one era of
 * card (raw as signed).  -HL_ESTORE for rows that do not make a chain. */
int hl_store_eras_load(struct hl_store *st, const struct hl_link *l, int side,
		       const struct hl_card *card, const struct hl_buf *raw,
		       struct hl_eras **out);
void hl_eras_free(struct hl_eras *e);

/* Applies an accepted key change c on side of l: rotates e (the chain
 * hl_keychain_check_change passed), stores the new era (from_seq r + 1)
 * and the old era's revoked uses.  Inside the caller's transaction. */
int hl_store_era_rotate(struct hl_store *st, const struct hl_link *l, int side,
			struct hl_eras *e, const struct hl_key_change *c,
			const struct hl_card *card);

/* Sets link.card to the peer's new card (n bytes), and link.endpoint to
 * its endpoint when it still was the old card's. */
int hl_store_link_card_set(struct hl_store *st, const struct hl_link *l,
			   const void *card, size_t n, const struct hl_card *old,
			   const struct hl_card *now);

/* The TLS change-over (protocol.md 10.1), after link.card went from
 * old to now in the same transaction: link.old_pin becomes old's pin
 * when the pin changed, or NULL when revoke (HL_USE_*) has the TLS key. */
int hl_store_link_old_pin_set(struct hl_store *st, const struct hl_link *l,
			      const struct hl_card *old, const struct hl_card *now,
			      unsigned revoke);

/* The peer showed its card's key in a handshake: drops l's old pin, the
 * one l was read with (a newer change-over keeps its own), in a
 * transaction of its own. */
int hl_store_link_old_pin_drop(struct hl_store *st, const struct hl_link *l);

/* The keys a new card of l's peer must not carry: ours (own) and every
 * era's keys of every other link's peer, into *out (malloc). */
int hl_store_taboo(struct hl_store *st, const struct hl_link *l,
		   const struct hl_card *own, struct hl_taboo **out, size_t *n);

/* Adds our era 0, our card file, to each link that lacks it (called at
 * hotlined's start and by the commands that read logs). */
int hl_store_own_eras(struct hl_store *st, const struct hl_buf *card);

/* The card that signed envelope seq of side of l: its era's (card and
 * raw are the side's current card, as for hl_store_eras_load). */
int hl_store_signer(struct hl_store *st, const struct hl_link *l, int side,
		    const struct hl_card *card, const struct hl_buf *raw, uint64_t seq,
		    struct hl_card *out);

/* The seq of our envelope that began our latest era on l (0: none). */
int hl_store_own_change_seq(struct hl_store *st, const struct hl_link *l, uint64_t *seq);

/* When our latest key change took effect (the cosignatures' earliest
 * time, keyring.h), INT64_MIN when we never changed keys. */
int hl_store_own_since(struct hl_store *st, int64_t *since);

/* 1 when card (n bytes) is one of our eras on some link: the key change
 * that staged it committed. */
int hl_store_own_card_held(struct hl_store *st, const void *card, size_t n);

/* A new card of l's peer after a loss (protocol.md 9.15): given by
 * `hotline link rekey`, confirmed by voice at *confirmed (0: not yet),
 * until the peer's `rekey` envelope carrying it arrives.  out gets the
 * card as given; -HL_ENOTFOUND when there is none. */
int hl_store_rekey_card(struct hl_store *st, const struct hl_link *l, struct hl_buf *out,
			 int64_t *confirmed);
/* Sets the pending card, not confirmed (card NULL clears it). */
int hl_store_rekey_card_set(struct hl_store *st, const struct hl_link *l, const void *card,
			 size_t n);
int hl_store_rekey_card_confirm(struct hl_store *st, const struct hl_link *l, int64_t t);

/* The suspect window of a revocation at t on l: the `suspect` of the
 * terms in force at t, else hotline.conf's terms.suspect (links.md 5). */
int64_t hl_store_suspect_window(struct hl_store *st, const struct hl_party *me,
				const struct hl_link *l, int64_t t);

/* Applies an accepted rekey c on side of l (hl_keychain_rekey: the
 * era in force and those begun within window before c's time revoked
 * at that time, then the rekeyed era from seq r itself), stored with
 * its voice confirmation (0: none, our own side).  Inside the caller's
 * transaction. */
int hl_store_era_rekey(struct hl_store *st, const struct hl_link *l, int side,
		       struct hl_eras *e, const struct hl_key_change *c,
		       const struct hl_card *card, int64_t window, int64_t confirmed);

#endif
