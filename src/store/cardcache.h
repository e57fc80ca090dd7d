/* cardcache.h - cards already verified, known again by their bytes.
 *
 * Every read of a link parses its peer's card, and parsing verifies
 * the card's Ed25519 self-signature: a pass over a thousand links would
 * verify a thousand signatures each time.  The cache keeps what
 * hl_card_parse gave for each card it accepted, keyed by the SHA-256 of
 * the card's whole bytes (text and signature lines), so the same bytes
 * again cost a hash and a copy; other bytes (a rotation, a rekey, a
 * forgery of a card seen before) are parsed and verified, and only a
 * card that verifies is kept.  At most HL_CARDCACHE_MAX cards: past
 * that the cache forgets them all and fills again.  A cache belongs to
 * one store handle and is used by one thread at a time, as its handle.
 */
#ifndef HL_CARDCACHE_H
#define HL_CARDCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "card.h"

#define HL_CARDCACHE_MAX 4096

struct hl_cardcache;

/* *cc may be NULL: the cache is made at its first use. */
void hl_cardcache_free(struct hl_cardcache *cc);

/* hl_card_parse(buf, n, card), through the cache *cc: the same result,
 * and the same error for a card that does not parse or verify (never
 * kept).  Without memory for the cache, the card is parsed as if there
 * were none. */
int hl_cardcache_parse(struct hl_cardcache **cc, const unsigned char *buf, size_t n,
		       struct hl_card *card);

/* How many parses the cache answered, and how many it verified. */
void hl_cardcache_counts(const struct hl_cardcache *cc, uint64_t *hits, uint64_t *verified);

#endif
