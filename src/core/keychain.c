/* keychain.c - eras of one party on one link: lookups, revocation, the
 * witness's rules for a key change, and the forward trust walk. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "keychain.h"

#define ERA_TIME_MIN INT64_MIN	/* era 0 holds every time before era 1 */
#define SKEW_MAX 31622400	/* 366 days: more is a configuration error */

void hl_keychain_init(struct hl_keychain *kc, const struct hl_card *card,
		      const unsigned char *raw, size_t raw_len)
{
	struct hl_era *e = &kc->era[0];

	memset(kc, 0, sizeof(*kc));
	e->card = *card;
	e->raw = raw;
	e->raw_len = raw ? raw_len : 0;
	e->from_seq = 1;
	e->from_time = ERA_TIME_MIN;
	e->how = HL_ERA_FOUNDING;
	kc->n = 1;
}

int hl_keychain_add(struct hl_keychain *kc, const struct hl_card *card,
		    const unsigned char *raw, size_t raw_len, uint64_t via_seq,
		    int64_t time, enum hl_era_how how)
{
	const struct hl_era *last = &kc->era[kc->n - 1];
	struct hl_era *e;
	uint64_t from = how == HL_ERA_REKEYED ? via_seq : via_seq + 1;

	if (kc->n == HL_ERAS_MAX)
		return -HL_ETOOBIG;
	if (how == HL_ERA_FOUNDING || via_seq <= last->via_seq || via_seq == UINT64_MAX ||
	    from < last->from_seq)
		return -HL_ENUMBER;
	if (!hl_time_valid(time) || time < last->from_time)
		return -HL_ETIME;
	if (strcmp(card->name, kc->era[0].card.name) != 0)
		return -HL_ENAME;
	e = &kc->era[kc->n++];
	memset(e, 0, sizeof(*e));
	e->card = *card;
	e->raw = raw;
	e->raw_len = raw ? raw_len : 0;
	e->from_seq = from;
	e->from_time = time;
	e->via_seq = via_seq;
	e->how = how;
	return 0;
}

int hl_keychain_revoke(struct hl_keychain *kc, size_t i, unsigned uses, int64_t at)
{
	struct hl_era *e;

	if (i >= kc->n || (uses & ~HL_USE_ALL) != 0)
		return -HL_ENUMBER;
	e = &kc->era[i];
	if (!hl_time_valid(at))
		return -HL_ETIME;
	for (unsigned k = 0; k < 3; k++) {
		if (!(uses & (1u << k)))
			continue;
		if (!(e->revoked & (1u << k)) || at < e->revoked_at[k])
			e->revoked_at[k] = at;
		e->revoked |= 1u << k;
	}
	return 0;
}

int hl_keychain_revoke_window(struct hl_keychain *kc, unsigned uses, int64_t at,
			      int64_t window)
{
	int r;

	if (window < 0 || !hl_time_valid(at))
		return -HL_ETIME;
	r = hl_keychain_revoke(kc, kc->n - 1, uses, at);
	for (size_t i = kc->n - 1; r == 0 && i-- > 1;)
		if (kc->era[i].from_time >= at - window)
			r = hl_keychain_revoke(kc, i, uses, at);
	return r;
}

int hl_keychain_for_seq(const struct hl_keychain *kc, uint64_t seq, size_t *i)
{
	size_t k = kc->n - 1;

	if (seq == 0)
		return -HL_ENUMBER;
	while (k > 0 && kc->era[k].from_seq > seq)
		k--;
	*i = k;
	return 0;
}

size_t hl_keychain_for_size(const struct hl_keychain *kc, uint64_t size)
{
	size_t i = 0;

	if (size > 0)
		hl_keychain_for_seq(kc, size, &i);
	return i;
}

size_t hl_keychain_for_time(const struct hl_keychain *kc, int64_t t)
{
	size_t k = kc->n - 1;

	while (k > 0 && kc->era[k].from_time > t)
		k--;
	return k;
}

static const unsigned char *use_key(const struct hl_card *c, unsigned use)
{
	if (use == HL_USE_SIGN)
		return c->sign_pk;
	return use == HL_USE_BOX ? c->box_pk : c->tls_pin;
}

static unsigned use_index(unsigned use)
{
	return use == HL_USE_SIGN ? 0 : use == HL_USE_BOX ? 1 : 2;
}

bool hl_keychain_revoked(const struct hl_keychain *kc, unsigned use,
			 const unsigned char key[32], int64_t t, int64_t *at)
{
	bool found = false;
	int64_t first = 0;

	for (size_t i = 0; i < kc->n; i++) {
		const struct hl_era *e = &kc->era[i];

		int64_t rt = e->revoked_at[use_index(use)];

		if (!(e->revoked & use) || rt > t ||
		    sodium_memcmp(use_key(&e->card, use), key, 32) != 0)
			continue;
		if (!found || rt < first)
			first = rt;
		found = true;
	}
	if (found && at)
		*at = first;
	return found;
}

static uint32_t sign_keyid(const struct hl_card *c)
{
	return hl_note_keyid(c->name, HL_SIGTYPE_ED25519, c->sign_pk, HL_ED25519_PK_LEN);
}

int hl_keychain_check_sign(const struct hl_keychain *kc, size_t i, int64_t t,
			   uint64_t seq, char *why, size_t cap)
{
	const struct hl_card *c = &kc->era[i].card;
	char when[HL_TIME_LEN + 1];
	int64_t at;

	if (!hl_keychain_revoked(kc, HL_USE_SIGN, c->sign_pk, t, &at))
		return 0;
	hl_time_format(at, when);
	if (seq)
		snprintf(why, cap, "envelope %" PRIu64 " is signed with %s's key %08x, revoked at %s",
			 seq, c->name, (unsigned)sign_keyid(c), when);
	else
		snprintf(why, cap, "signed with %s's key %08x, revoked at %s",
			 c->name, (unsigned)sign_keyid(c), when);
	return -HL_EREVOKED;
}

void hl_keychain_revocations(const struct hl_keychain *kc, struct hl_revocations *out)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < kc->n; i++) {
		const struct hl_card *c = &kc->era[i].card;
		struct hl_revocation *r = &out->r[out->n];
		bool seen = false;

		for (size_t k = 0; k < out->n; k++)
			seen |= sodium_memcmp(out->r[k].key, c->sign_pk, 32) == 0;
		if (seen || !hl_keychain_revoked(kc, HL_USE_SIGN, c->sign_pk, INT64_MAX, &r->at))
			continue;
		memcpy(r->key, c->sign_pk, 32);
		r->keyid = sign_keyid(c);
		out->n++;
	}
}

/* Whether seq is the `card` envelope that closed era i and revoked its
 * sign key with it (hl_keychain_rotate: T_rev is the next era's start). */
static bool announces(const struct hl_keychain *kc, size_t i, uint64_t seq)
{
	const struct hl_era *e = &kc->era[i], *next;

	if (i + 1 >= kc->n)
		return false;
	next = &kc->era[i + 1];
	return next->how == HL_ERA_ROTATED && next->via_seq == seq &&
	       (e->revoked & HL_USE_SIGN) && e->revoked_at[0] == next->from_time;
}

const struct hl_revocation *hl_keychain_suspect(const struct hl_keychain *kc,
						const struct hl_revocations *rv,
						uint64_t seq, int64_t t)
{
	const unsigned char *key;
	size_t i;

	if (rv->n == 0 || hl_keychain_for_seq(kc, seq, &i) < 0 || announces(kc, i, seq))
		return NULL;
	key = kc->era[i].card.sign_pk;
	for (size_t k = 0; k < rv->n; k++) {
		const struct hl_revocation *r = &rv->r[k];

		if (sodium_memcmp(r->key, key, 32) == 0)
			return t < r->at && t >= r->at - r->window ? r : NULL;
	}
	return NULL;
}

/* "KIND at seq R: " and the sentence in why; always -HL_EKEY. */
static int vrefuse(const char *kind, const struct hl_key_change *c, char *why,
		   size_t cap, const char *fmt, va_list ap)
{
	char tail[512];

	vsnprintf(tail, sizeof(tail), fmt, ap);
	snprintf(why, cap, "%s at seq %" PRIu64 ": %s", kind, c->seq, tail);
	return -HL_EKEY;
}

static int refuse(const struct hl_key_change *c, char *why, size_t cap,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int refuse_rekey(const struct hl_key_change *c, char *why, size_t cap,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int refuse(const struct hl_key_change *c, char *why, size_t cap,
		  const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vrefuse("card", c, why, cap, fmt, ap);
	va_end(ap);
	return r;
}

static int refuse_rekey(const struct hl_key_change *c, char *why, size_t cap,
			const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vrefuse("rekey", c, why, cap, fmt, ap);
	va_end(ap);
	return r;
}

static bool same_keys(const struct hl_card *a, const struct hl_card *b, unsigned use)
{
	return sodium_memcmp(use_key(a, use), use_key(b, use), 32) == 0;
}

static unsigned changed_uses(const struct hl_card *old, const struct hl_card *new)
{
	unsigned u = 0;

	for (unsigned use = HL_USE_SIGN; use <= HL_USE_TLS; use <<= 1)
		if (!same_keys(old, new, use))
			u |= use;
	return u;
}

/* Rules 2, 3 and 5: the card is the sender's, vouched for by the key in
 * force, and changes something. */
static int check_form(const struct hl_era *cur, const struct hl_key_change *c,
		      const struct hl_card *card, char *why, size_t cap)
{
	char kid[9];

	if (strcmp(card->name, cur->card.name) != 0)
		return refuse(c, why, cap, "the new card is for %s, not %s",
			      card->name, cur->card.name);
	if (hl_card_endorsed(c->card, c->card_len, card->name, cur->card.sign_pk) < 0) {
		snprintf(kid, sizeof(kid), "%08x", (unsigned)sign_keyid(&cur->card));
		return refuse(c, why, cap, "the new card is not signed by %s's key in force (%s)",
			      cur->card.name, kid);
	}
	return 0;
}

static int check_times(const struct hl_era *cur, const struct hl_key_change *c,
		       const struct hl_card *card, char *why, size_t cap)
{
	int64_t skew = c->skew < 0 ? 0 : c->skew > SKEW_MAX ? SKEW_MAX : c->skew;
	char when[HL_TIME_LEN + 1];

	if (card->created <= cur->card.created) {
		hl_time_format(cur->card.created, when);
		return refuse(c, why, cap, "the new card is not newer than the one in force (created %s)",
			      when);
	}
	if (!hl_time_valid(c->time) || card->created - skew > c->time) {
		hl_time_format(card->created, when);
		return refuse(c, why, cap, "the new card is dated after its envelope (created %s)",
			      when);
	}
	return 0;
}

/* Rule 7 within this link: a key of an earlier era that is not the
 * current one's, revoked or only retired. */
static int check_own_eras(const struct hl_keychain *kc, size_t cur,
			  const struct hl_key_change *c, const struct hl_card *card,
			  char *why, size_t cap)
{
	const struct hl_card *now = &kc->era[cur].card;
	char when[HL_TIME_LEN + 1];

	for (unsigned use = HL_USE_SIGN; use <= HL_USE_TLS; use <<= 1) {
		const unsigned char *k = use_key(card, use);
		int64_t at;

		if (same_keys(card, now, use))
			continue;
		if (hl_keychain_revoked(kc, use, k, INT64_MAX, &at)) {
			hl_time_format(at, when);
			return refuse(c, why, cap, "the new card reuses %s's key revoked at %s",
				      now->name, when);
		}
		for (size_t i = 0; i < kc->n; i++)
			for (unsigned u = HL_USE_SIGN; u <= HL_USE_TLS; u <<= 1)
				if (i != cur && sodium_memcmp(use_key(&kc->era[i].card, u), k, 32) == 0) {
					return refuse(c, why, cap, "the new card returns to a key %s retired (era %zu)",
						      now->name, i);
				}
	}
	return 0;
}

/* Rule 7 across links: the caller's list, revocations first. */
static int check_taboo(const struct hl_key_change *c, const struct hl_card *card,
		       char *why, size_t cap)
{
	static const enum hl_taboo_kind order[] = {HL_TABOO_REVOKED, HL_TABOO_OURS, HL_TABOO_LINK};
	char when[HL_TIME_LEN + 1];

	for (size_t o = 0; o < sizeof(order) / sizeof(order[0]); o++)
		for (size_t i = 0; i < c->ntaboo; i++) {
			const struct hl_taboo *t = &c->taboo[i];

			if (t->kind != order[o])
				continue;
			for (unsigned use = HL_USE_SIGN; use <= HL_USE_TLS; use <<= 1) {
				if (sodium_memcmp(use_key(card, use), t->key, 32) != 0)
					continue;
				if (t->kind == HL_TABOO_OURS)
					return refuse(c, why, cap, "the new card carries this party's own key or TLS pin");
				if (t->kind == HL_TABOO_LINK)
					return refuse(c, why, cap, "the new card carries the key or TLS pin of link %s",
						      t->link);
				hl_time_format(t->at, when);
				return refuse(c, why, cap, "the new card carries a key revoked on link %s at %s",
					      t->link, when);
			}
		}
	return 0;
}

static int check_revoke(const struct hl_key_change *c, unsigned changed,
			char *why, size_t cap)
{
	static const char *const names[] = {"sign key", "box key", "TLS key"};

	if (c->revoke & ~HL_USE_ALL)
		return refuse(c, why, cap, "revokes an unknown key use");
	for (unsigned i = 0; i < 3; i++)
		if ((c->revoke & (1u << i)) && !(changed & (1u << i)))
			return refuse(c, why, cap, "revokes the %s but keeps it", names[i]);
	return 0;
}

int hl_keychain_check_change(const struct hl_keychain *kc,
			     const struct hl_key_change *c, struct hl_card *card,
			     char *why, size_t cap)
{
	const struct hl_era *cur;
	unsigned changed;
	size_t i;
	int r;

	memset(card, 0, sizeof(*card));
	if (hl_keychain_for_seq(kc, c->seq, &i) < 0)
		return refuse(c, why, cap, "not a place in the log");
	cur = &kc->era[i];
	r = hl_card_parse(c->card, c->card_len, card);
	if (r < 0)
		return refuse(c, why, cap, "the new card does not parse: %s", hl_strerror(r));
	r = check_form(cur, c, card, why, cap);
	if (r == 0)
		r = hl_keychain_check_sign(kc, i, c->time, c->seq, why, cap);
	changed = changed_uses(&cur->card, card);
	if (r == 0 && !changed && strcmp(card->endpoint, cur->card.endpoint) == 0)
		r = refuse(c, why, cap, "the new card changes nothing");
	if (r == 0)
		r = check_times(cur, c, card, why, cap);
	if (r == 0)
		r = check_own_eras(kc, i, c, card, why, cap);
	if (r == 0)
		r = check_taboo(c, card, why, cap);
	if (r == 0)
		r = check_revoke(c, changed, why, cap);
	if (r < 0)
		memset(card, 0, sizeof(*card));
	return r;
}

int hl_keychain_rotate(struct hl_keychain *kc, const struct hl_key_change *c,
		       const struct hl_card *card)
{
	size_t old;
	int r = hl_keychain_for_seq(kc, c->seq, &old);

	/* The new era holds cosignatures, and the revocation counts, from
	 * the second after the envelope's: in that second the old key may
	 * still have cosigned, and it signed the envelope itself. */
	if (r == 0)
		r = hl_keychain_add(kc, card, c->card, c->card_len, c->seq, c->time + 1,
				    HL_ERA_ROTATED);
	if (r == 0)
		r = hl_keychain_revoke(kc, old, c->revoke, c->time + 1);
	return r;
}

int hl_keychain_check_rekey(const struct hl_keychain *kc,
			    const struct hl_key_change *c,
			    const unsigned char *pending, size_t pending_len,
			    struct hl_card *card, char *why, size_t cap)
{
	const char *name = kc->era[0].card.name;
	size_t i;
	int r;

	memset(card, 0, sizeof(*card));
	if (hl_keychain_for_seq(kc, c->seq, &i) < 0)
		return refuse_rekey(c, why, cap, "not a place in the log");
	if (!pending)
		return refuse_rekey(c, why, cap, "no new card of %s was confirmed by voice "
				    "('hotline link rekey')", name);
	if (c->card_len != pending_len || memcmp(c->card, pending, pending_len) != 0)
		return refuse_rekey(c, why, cap, "the card is not the one confirmed by voice");
	r = hl_card_parse(c->card, c->card_len, card);
	if (r == 0 && strcmp(card->name, name) != 0)
		r = refuse_rekey(c, why, cap, "the new card is for %s, not %s", card->name, name);
	else if (r < 0)
		r = refuse_rekey(c, why, cap, "the new card does not parse: %s", hl_strerror(r));
	if (r == 0 && same_keys(card, &kc->era[i].card, HL_USE_SIGN))
		r = refuse_rekey(c, why, cap, "the new card keeps the sign key in force");
	if (r == 0 && !(c->revoke & HL_USE_SIGN))
		r = refuse_rekey(c, why, cap, "does not revoke the sign key");
	if (r < 0)
		memset(card, 0, sizeof(*card));
	return r;
}

int hl_keychain_rekey(struct hl_keychain *kc, const struct hl_key_change *c,
		      const struct hl_card *card, int64_t window)
{
	int r = hl_keychain_revoke_window(kc, c->revoke, c->time, window);

	if (r == 0)
		r = hl_keychain_add(kc, card, c->card, c->card_len, c->seq, c->time,
				    HL_ERA_REKEYED);
	return r;
}

static bool given_card(const struct hl_card *c, const struct hl_card *given, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(given[i].name, c->name) == 0 &&
		    sodium_memcmp(given[i].sign_pk, c->sign_pk, HL_ED25519_PK_LEN) == 0)
			return true;
	return false;
}

/* Whether era k follows era k - 1 by its key: an endorsed rotation. */
static bool step_endorsed(const struct hl_keychain *kc, size_t k)
{
	const struct hl_era *e = &kc->era[k], *prev = &kc->era[k - 1];

	if (e->how != HL_ERA_ROTATED)
		return false;
	if (same_keys(&e->card, &prev->card, HL_USE_SIGN))
		return true;
	return e->raw && hl_card_endorsed(e->raw, e->raw_len, prev->card.name,
					  prev->card.sign_pk) == 0;
}

static int untrusted(const struct hl_keychain *kc, size_t i, size_t broke,
		     const struct hl_card *given, size_t ngiven, char *why, size_t cap)
{
	const struct hl_era *b = &kc->era[broke];
	const char *name = kc->era[0].card.name;

	for (size_t j = i + 1; j < kc->n; j++)
		if (given_card(&kc->era[j].card, given, ngiven)) {
			snprintf(why, cap, "the message was signed with %s's key of era %zu, before the card you trust (era %zu): give an earlier card of %s",
				 name, i, j, name);
			return -HL_ETRUST;
		}
	if (broke && b->how == HL_ERA_REKEYED)
		snprintf(why, cap, "%s's key changed by voice at seq %" PRIu64 ": give its new card with --card to go on",
			 name, b->via_seq);
	else if (broke)
		snprintf(why, cap, "%s's card of era %zu is not endorsed by its key of era %zu",
			 name, broke, broke - 1);
	else
		snprintf(why, cap, "no card you gave is %s's of era %zu or leads to it: give a card of %s",
			 name, i, name);
	return -HL_ETRUST;
}

int hl_keychain_trust(const struct hl_keychain *kc, size_t i,
		      const struct hl_card *given, size_t ngiven,
		      char *why, size_t cap)
{
	bool trusted = false;
	size_t broke = 0;

	if (i >= kc->n)
		return -HL_ENUMBER;
	for (size_t k = 0; k <= i; k++) {
		bool follows = trusted && k > 0 && step_endorsed(kc, k);

		if (trusted && !follows)
			broke = k;
		trusted = follows || given_card(&kc->era[k].card, given, ngiven);
		if (trusted)
			broke = 0;
	}
	return trusted ? 0 : untrusted(kc, i, broke, given, ngiven, why, cap);
}
