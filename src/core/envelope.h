/* envelope.h - one signed, encrypted message on one link.
 *
 * An envelope is a signed note (the header) followed directly by the
 * encrypted body as raw bytes; the header declares the body's length
 * and SHA-256, so the signature covers both:
 *
 *   hotline.envelope/v1
 *   link <base64 link ID>
 *   from ru-cert
 *   to us-cert
 *   seq 1
 *   time 2026-11-22T09:54:00Z
 *   precedence flash
 *   kind notify
 *   body <length> <base64 SHA-256 of the body>
 *   commit <base64 SHA-256 commitment to the content key>
 *   key us-cert <base64 content key sealed to us-cert's box key>
 *   key ru-cert <base64 content key sealed to ru-cert's box key>
 *
 *   — ru-cert <base64(key ID || signature)>
 *   <body: 24-byte nonce || XChaCha20-Poly1305 ciphertext>
 *
 * Each body has its own random content key, so revealing that one key
 * discloses that one message and nothing else.  The commitment stops a
 * sender from giving the two parties (or a third) different keys that
 * open the same body to different texts.
 */
#ifndef HL_ENVELOPE_H
#define HL_ENVELOPE_H

#include <stdint.h>

#include <sodium.h>

#include "buf.h"
#include "card.h"
#include "note.h"

#define HL_ENVELOPE_TYPE "hotline.envelope/v1"
#define HL_ENVELOPE_HEADER_MAX 4096
#define HL_PLAIN_MAX (8 * 1024 * 1024)
#define HL_KEY_LEN crypto_aead_xchacha20poly1305_ietf_KEYBYTES
#define HL_NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define HL_TAG_LEN crypto_aead_xchacha20poly1305_ietf_ABYTES
#define HL_BODY_MAX (HL_NONCE_LEN + HL_PLAIN_MAX + HL_TAG_LEN)
#define HL_WRAP_LEN (crypto_box_SEALBYTES + HL_KEY_LEN)
#define HL_LINK_ID_LEN 32
#define HL_KIND_MAX 32

enum hl_precedence {
	HL_FLASH,
	HL_IMMEDIATE,
	HL_PRIORITY,
	HL_ROUTINE,
};

struct hl_envelope {
	unsigned char link[HL_LINK_ID_LEN];
	char from[HL_NAME_MAX + 1];
	char to[HL_NAME_MAX + 1];
	uint64_t seq;
	int64_t time;
	enum hl_precedence precedence;
	char kind[HL_KIND_MAX + 1];
	uint64_t body_len;
	unsigned char body_hash[32];
	unsigned char commit[32];
	unsigned char wrap_to[HL_WRAP_LEN];
	unsigned char wrap_from[HL_WRAP_LEN];
	/* Views into the parsed bytes, which must outlive the struct. */
	const unsigned char *header;	/* the signed note */
	size_t header_len;
	const unsigned char *body;
	struct hl_note note;
};

struct hl_seal_params {
	const struct hl_card *from;	/* the sender's card */
	const unsigned char *sign_sk;	/* its Ed25519 secret key, 64 bytes */
	const struct hl_card *to;
	uint64_t seq;			/* 1, 2, ... on this link */
	int64_t time;
	enum hl_precedence precedence;
	const char *kind;		/* [a-z-], 1..32 */
	/* The link's ID, HL_LINK_ID_LEN bytes; NULL for generation 1's,
	 * which the two cards give (hl_link_id). */
	const unsigned char *link;
};

/* Link ID: SHA-256("hotline.link/v1\n" || lower key || higher key) of the
 * two parties' sign keys, the same from either side. */
void hl_link_id(const unsigned char a[HL_ED25519_PK_LEN],
		const unsigned char b[HL_ED25519_PK_LEN],
		unsigned char out[HL_LINK_ID_LEN]);

/* The link ID of generation g (a new link with the same party after an
 * archive): generation 1 is hl_link_id, and
 * link_id(g+1) = SHA-256("hotline.link/v1\n" || lo || hi || link_id(g)).
 * -HL_ENUMBER for g outside 1..HL_LINK_GEN_MAX. */
#define HL_LINK_GEN_MAX 4096
int hl_link_id_gen(const unsigned char a[HL_ED25519_PK_LEN],
		   const unsigned char b[HL_ED25519_PK_LEN], uint32_t g,
		   unsigned char out[HL_LINK_ID_LEN]);

const char *hl_precedence_name(enum hl_precedence p);
int hl_precedence_parse(const char *s, enum hl_precedence *out);
bool hl_kind_valid(const char *s, size_t n);

/* Sealing in two steps, so the costly part (the body's encryption and
 * the two key wraps, which do not depend on the sequence number) can run
 * in parallel, before the sequence number is known; the header step
 * then only numbers and signs.  A sealed body names the box keys it was
 * sealed to, and the header step refuses a body sealed for others. */
struct hl_sealed_body {
	struct hl_buf body;	/* nonce || ciphertext */
	uint64_t body_len;
	unsigned char body_hash[32];
	unsigned char commit[32];
	unsigned char wrap_to[HL_WRAP_LEN];
	unsigned char wrap_from[HL_WRAP_LEN];
	unsigned char to_box[32], from_box[32];
};
int hl_envelope_seal_body(const struct hl_card *from, const struct hl_card *to,
			  const unsigned char *plain, size_t plain_len,
			  struct hl_sealed_body *sb);
int hl_envelope_seal_header(const struct hl_seal_params *p,
			    const struct hl_sealed_body *sb, struct hl_buf *out);
void hl_sealed_body_free(struct hl_sealed_body *sb);

/* Encrypts plain under a fresh content key and appends the envelope. */
int hl_envelope_seal(const struct hl_seal_params *p, const unsigned char *plain,
		     size_t plain_len, struct hl_buf *out);

/* Parses the structure of all of buf; checks no signature. */
int hl_envelope_parse(const unsigned char *buf, size_t n,
		      struct hl_envelope *env);

/* Checks that sender signed it and that the body matches its hash. */
int hl_envelope_verify(const struct hl_envelope *env,
		       const struct hl_card *sender);

/* Checks that the envelope belongs to the link of these two parties:
 * its link ID and names.  hl_envelope_verify() does not know the
 * recipient, so a receiver calls both.  link is the link's ID as
 * stored (a later generation's, 5.1), or NULL for generation 1's. */
int hl_envelope_check_link(const struct hl_envelope *env, const unsigned char *link,
			   const struct hl_card *sender, const struct hl_card *recipient);

/* Unwraps the content key for the party named me (the recipient or the
 * sender) into key, which the caller wipes; checks the commitment. */
int hl_envelope_unwrap(const struct hl_envelope *env, const char *me,
		       const unsigned char box_pk[32],
		       const unsigned char box_sk[32],
		       unsigned char key[HL_KEY_LEN]);

/* Decrypts the body with a content key (unwrapped, or disclosed to a
 * third party) after checking the key against the commitment. */
int hl_envelope_decrypt(const struct hl_envelope *env,
			const unsigned char key[HL_KEY_LEN], struct hl_buf *plain);

#endif
