/* cardcache.c - verified cards by the SHA-256 of their bytes. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cardcache.h"
#include "hash.h"

/* Open addressing in a power of two of slots, at most half full; the
 * key is a SHA-256, so its first bytes are as good as any hash. */
struct entry {
	bool used;
	unsigned char key[HL_SHA256_LEN];
	struct hl_card card;
};

struct hl_cardcache {
	struct entry *slot;
	size_t nslot, n;
	uint64_t hits, verified;
};

void hl_cardcache_free(struct hl_cardcache *cc)
{
	if (!cc)
		return;
	free(cc->slot);
	free(cc);
}

static size_t first_slot(const struct hl_cardcache *cc, const unsigned char key[HL_SHA256_LEN])
{
	size_t h;

	memcpy(&h, key, sizeof(h));
	return h & (cc->nslot - 1);
}

/* The entry of key, or the empty slot where it would go. */
static struct entry *find(const struct hl_cardcache *cc, const unsigned char key[HL_SHA256_LEN])
{
	size_t i = first_slot(cc, key);

	while (cc->slot[i].used && memcmp(cc->slot[i].key, key, HL_SHA256_LEN) != 0)
		i = (i + 1) & (cc->nslot - 1);
	return &cc->slot[i];
}

/* Makes room for one more entry: twice the slots when half full, or
 * an empty cache of the same size once it holds HL_CARDCACHE_MAX. */
static int room(struct hl_cardcache *cc)
{
	struct entry *old = cc->slot;
	size_t nold = cc->nslot, nslot = nold ? 2 * nold : 16;

	if (cc->n >= HL_CARDCACHE_MAX) {
		memset(cc->slot, 0, cc->nslot * sizeof(*cc->slot));
		cc->n = 0;
		return 0;
	}
	if (2 * (cc->n + 1) <= cc->nslot)
		return 0;
	cc->slot = calloc(nslot, sizeof(*cc->slot));
	if (!cc->slot) {
		cc->slot = old;
		return -ENOMEM;
	}
	cc->nslot = nslot;
	for (size_t i = 0; i < nold; i++)
		if (old[i].used)
			*find(cc, old[i].key) = old[i];
	free(old);
	return 0;
}

int hl_cardcache_parse(struct hl_cardcache **cc, const unsigned char *buf, size_t n,
		       struct hl_card *card)
{
	unsigned char key[HL_SHA256_LEN];
	struct entry *e;
	int r;

	if (!*cc)
		*cc = calloc(1, sizeof(**cc));
	if (!*cc)
		return hl_card_parse(buf, n, card);
	hl_sha256(buf, n, key);
	if ((*cc)->nslot) {
		e = find(*cc, key);
		if (e->used) {
			*card = e->card;
			(*cc)->hits++;
			return 0;
		}
	}
	r = hl_card_parse(buf, n, card);
	(*cc)->verified++;
	if (r < 0 || room(*cc) < 0)
		return r;
	e = find(*cc, key);
	*e = (struct entry){.used = true, .card = *card};
	memcpy(e->key, key, sizeof(key));
	(*cc)->n++;
	return 0;
}

void hl_cardcache_counts(const struct hl_cardcache *cc, uint64_t *hits, uint64_t *verified)
{
	*hits = cc ? cc->hits : 0;
	*verified = cc ? cc->verified : 0;
}
