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
 *   [— ru-cert <base64(...)>: a rotated card, by the key it replaces]
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

/* Parses a card and checks its self-signature.  The self-signature must
 * be the first line; one more line under the card's name is allowed and
 * checked for form only: the endorsement of a rotated card (3.5), which
 * hl_card_endorsed checks. */
int hl_card_parse(const unsigned char *buf, size_t n, struct hl_card *card);

/* SHA-256 of the card's text (3.1): from "hotline.card/v1" to the LF
 * that ends "created", without the signature lines.  buf must parse. */
int hl_card_text_hash(const unsigned char *buf, size_t n,
		      unsigned char out[32]);

/* 0 if the card (which must parse) is name's and is vouched for by
 * old_pk: either old_pk is its own sign key, or its second signature
 * line is by (name, old_pk) and verifies over its text.  -HL_ENAME for
 * another name; -HL_ENOSIG when there is no such line; -HL_EBADSIG when
 * it does not verify. */
int hl_card_endorsed(const unsigned char *buf, size_t n, const char *name,
		     const unsigned char old_pk[HL_ED25519_PK_LEN]);

/* Appends buf, a self-signed card with no endorsement, to out, followed
 * by the endorsement line of old_sk (the key the card replaces, which
 * must differ from its own).  The result parses and is endorsed. */
int hl_card_endorse(const unsigned char *buf, size_t n,
		    const unsigned char old_sk[HL_ED25519_SK_LEN], struct hl_buf *out);

/* 0 for "" or an https:// URL of printable ASCII. */
int hl_endpoint_check(const char *url);

/* Six groups of five digits, derived from (name, sign key) only, so a
 * new box key or TLS certificate keeps the fingerprint. */
void hl_card_fingerprint(const struct hl_card *card,
			 char out[HL_FINGERPRINT_LEN + 1]);

#endif
