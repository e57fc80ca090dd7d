/* fixture.c - the fixed parties that fuzz seeds are made with. */
#include <string.h>

#include <sodium.h>

#include "fixture.h"

#define FIXTURE_CREATED "2026-11-22T09:54:00Z"

void fixture_party(struct fixture_party *p, const char *name,
		   unsigned char tag, const char *endpoint)
{
	unsigned char seed[32];

	memset(p, 0, sizeof(*p));
	memset(seed, tag, sizeof(seed));
	crypto_sign_seed_keypair(p->card.sign_pk, p->sign_sk, seed);
	seed[0] ^= 0x80;	/* a different key for the box */
	crypto_box_seed_keypair(p->card.box_pk, p->box_sk, seed);
	memset(p->card.tls_pin, tag ^ 0x5a, sizeof(p->card.tls_pin));
	strncpy(p->card.name, name, HL_NAME_MAX);
	strncpy(p->card.endpoint, endpoint, HL_ENDPOINT_MAX);
	hl_time_parse(FIXTURE_CREATED, HL_TIME_LEN, &p->card.created);
}

void fixture_sender(struct fixture_party *p)
{
	fixture_party(p, FIXTURE_SENDER, 0x11,
		      "https://hotline.ru-cert.example:7443");
}

void fixture_recipient(struct fixture_party *p)
{
	fixture_party(p, FIXTURE_RECIPIENT, 0x22, "");
}

void fixture_rotated(struct fixture_party *p)
{
	fixture_party(p, FIXTURE_SENDER, 0x33,
		      "https://hotline.ru-cert.example:7443");
	p->card.created += 86400;
}
