/* testlib.h - fixed keys, parties and byte surgery for the unit tests.
 *
 * Every key comes from a constant seed byte, so runs are repeatable and
 * a failure names the same bytes each time.  Test keys only.  Include
 * after <cmocka.h>; call sodium_init() before any helper.
 *
 * Mutated inputs are handed to parsers in heap blocks of exactly their
 * length (tl_dup), so AddressSanitizer reports any read past the end.
 */
#ifndef HL_TESTLIB_H
#define HL_TESTLIB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "card.h"
#include "note.h"

#define TL_CREATED 1795341240	/* 2026-11-22T09:54:00Z */
#define TL_CREATED_STR "2026-11-22T09:54:00Z"

struct tl_party {
	struct hl_card card;
	unsigned char sign_sk[HL_ED25519_SK_LEN];
	unsigned char box_sk[32];
};

/* Ed25519 key pair from 32 copies of seed. */
static inline void tl_sign_keys(unsigned char seed, unsigned char pk[32],
				unsigned char sk[HL_ED25519_SK_LEN])
{
	unsigned char s[crypto_sign_SEEDBYTES];

	memset(s, seed, sizeof(s));
	assert_int_equal(crypto_sign_seed_keypair(pk, sk, s), 0);
}

/* X25519 key pair from 32 copies of seed ^ 0x80 (never the sign seed). */
static inline void tl_box_keys(unsigned char seed, unsigned char pk[32],
			       unsigned char sk[32])
{
	unsigned char s[crypto_box_SEEDBYTES];

	memset(s, seed ^ 0x80, sizeof(s));
	assert_int_equal(crypto_box_seed_keypair(pk, sk, s), 0);
}

/* A party with a valid card: name, keys from seed, a TLS pin of 32
 * copies of seed ^ 0x40, an https endpoint and TL_CREATED. */
static inline void tl_party_init(struct tl_party *p, const char *name,
				 unsigned char seed)
{
	size_t n = strlen(name);

	memset(p, 0, sizeof(*p));
	assert_true(n < sizeof(p->card.name));
	memcpy(p->card.name, name, n + 1);
	tl_sign_keys(seed, p->card.sign_pk, p->sign_sk);
	tl_box_keys(seed, p->card.box_pk, p->box_sk);
	memset(p->card.tls_pin, seed ^ 0x40, sizeof(p->card.tls_pin));
	assert_true(snprintf(p->card.endpoint, sizeof(p->card.endpoint),
			     "https://hotline.%s.example:7443", name) > 0);
	p->card.created = TL_CREATED;
}

/* The party's encoded card in out (initialised here; caller frees). */
static inline void tl_card_encode(const struct tl_party *p, struct hl_buf *out)
{
	hl_buf_init(out, HL_CARD_MAX);
	assert_int_equal(hl_card_encode(&p->card, p->sign_sk, out), 0);
}

/* A heap copy of exactly n bytes (one byte when n is 0); caller frees. */
static inline unsigned char *tl_dup(const void *s, size_t n)
{
	unsigned char *d = malloc(n ? n : 1);

	assert_non_null(d);
	if (n)
		memcpy(d, s, n);
	return d;
}

/* A heap copy of s with its first occurrence of from replaced by to;
 * fails the test when from does not occur.  Caller frees. */
static inline unsigned char *tl_replace(const void *s, size_t n, const char *from,
					const char *to, size_t *outn)
{
	size_t fl = strlen(from), tl = strlen(to), off;
	const unsigned char *at = memmem(s, n, from, fl);
	unsigned char *d;

	assert_non_null(at);
	off = (size_t)(at - (const unsigned char *)s);
	*outn = n - fl + tl;
	d = malloc(*outn ? *outn : 1);
	assert_non_null(d);
	memcpy(d, s, off);
	memcpy(d + off, to, tl);
	memcpy(d + off + tl, at + fl, n - off - fl);
	return d;
}

/* Signs text (with its final newline) as a note under the party's name
 * into out (initialised here; caller frees), so a test can build a
 * well-signed object whose text is wrong in one chosen way. */
static inline void tl_sign_text(const struct tl_party *p, const void *text,
				size_t n, struct hl_buf *out)
{
	hl_buf_init(out, HL_NOTE_MAX);
	assert_int_equal(hl_note_sign_text(out, text, n, p->card.name,
					   p->sign_sk), 0);
}

#endif
