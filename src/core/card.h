/* card.h - a party's public identity, as a self-signed note.
 *
 *   hotline.card/v1
 *   name ru-cert
 *   sign <base64 Ed25519 public key>
 *   box <base64 X25519 public key>
 *   tls <base64 SHA-256 of the TLS certificate's SubjectPublicKeyInfo>
 *   endpoint https://hotline.ru-cert.example:7443 | none
 *   created 2026-11-22T09:54:00Z
 *
 *   — ru-cert <base64(key ID || Ed25519 signature)>
 *
 * The signature by the card's own sign key certifies the box key, the
 * TLS pin and the endpoint.  Trust comes from the fingerprint of
 * (name, sign key), read aloud between the parties.
 */
#ifndef HL_CARD_H
#define HL_CARD_H

#include <stdint.h>

#include "buf.h"
#include "note.h"
#include "text.h"

#define HL_CARD_TYPE "hotline.card/v1"
#define HL_CARD_MAX 4096
#define HL_ENDPOINT_MAX 255
#define HL_FINGERPRINT_GROUPS 6
#define HL_FINGERPRINT_LEN (HL_FINGERPRINT_GROUPS * 6 - 1)	/* "12345 ..." */

struct hl_card {
	char name[HL_NAME_MAX + 1];
	unsigned char sign_pk[HL_ED25519_PK_LEN];
	unsigned char box_pk[32];
	unsigned char tls_pin[32];
	char endpoint[HL_ENDPOINT_MAX + 1];	/* "" when it has none */
	int64_t created;
};

/* Appends the signed card to out; sk must belong to card->sign_pk. */
int hl_card_encode(const struct hl_card *card,
		   const unsigned char sk[HL_ED25519_SK_LEN], struct hl_buf *out);

/* Parses a card and checks its self-signature. */
int hl_card_parse(const unsigned char *buf, size_t n, struct hl_card *card);

/* 0 for "" or an https:// URL of printable ASCII. */
int hl_endpoint_check(const char *url);

/* Six groups of five digits, derived from (name, sign key) only, so a
 * new box key or TLS certificate keeps the fingerprint. */
void hl_card_fingerprint(const struct hl_card *card,
			 char out[HL_FINGERPRINT_LEN + 1]);

#endif
