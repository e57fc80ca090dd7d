/* fixture.h - fixed parties for the fuzz targets and their seeds.
 *
 * Every key here comes from a constant seed, so the seed generator and
 * the fuzz targets derive the same parties: a committed seed signed by
 * "ru-cert" verifies inside the fuzzer, and an envelope sealed to
 * "us-cert" unwraps there, which lets mutations reach the verify,
 * unwrap and decrypt paths.  Test keys only; they protect nothing.
 */
#ifndef FUZZ_FIXTURE_H
#define FUZZ_FIXTURE_H

#include "card.h"

#define FIXTURE_SENDER "ru-cert"
#define FIXTURE_RECIPIENT "us-cert"

struct fixture_party {
	struct hl_card card;
	unsigned char sign_sk[HL_ED25519_SK_LEN];
	unsigned char box_sk[32];
};

/* Derives the party called name from the constant tag; endpoint may be
 * "" for none.  Call after sodium_init(). */
void fixture_party(struct fixture_party *p, const char *name,
		   unsigned char tag, const char *endpoint);

/* The two parties of the seeds: ru-cert sends to us-cert. */
void fixture_sender(struct fixture_party *p);
void fixture_recipient(struct fixture_party *p);

/* ru-cert's next keys, a day later: the card a rotation makes. */
void fixture_rotated(struct fixture_party *p);

#endif
