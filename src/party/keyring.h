/* keyring.h - the keys a party held before its current ones, and the
 * files of a key change (docs/protocol.md 9.13).
 *
 *   <home>/keys/identity-<hex>.key   a retired identity key
 *   <home>/keys/box-<hex>.key        a retired box key, kept forever:
 *                                    old bodies stay sealed to it
 *   <home>/identity.key.next         a key change staged (0600), put in
 *   <home>/box.key.next              force by hl_party_settle once the
 *   <home>/card.next                 store holds it
 *
 *   <home>/tls-next.key, tls-next.crt a new TLS key staged: in force once
 *                                    every peer has our card (the TLS
 *                                    switch), when tls.* become tls-prev.*
 *
 * <hex> is the first 8 bytes of the key's public key in lower-case hex.
 *
 * Inside hotlined, p->card, p->card_text, p->sign_sk and p->box_sk change
 * only in hl_party_take/untake, which run inside the store's write
 * transaction (its gate): every thread that signs does so inside one too,
 * so none signs with a key of the wrong era.  The ring only grows while
 * the party is open, and its entries never change.
 */
#ifndef HL_KEYRING_H
#define HL_KEYRING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "envelope.h"
#include "keychain.h"
#include "party.h"

#define IDENTITY_TYPE "hotline.identity-key/v1"
#define BOX_TYPE "hotline.box-key/v1"

struct hl_keypair {
	unsigned char pk[32];
	unsigned char *sk;		/* sodium_malloc: 64 bytes (sign), 32 (box) */
};

struct hl_keyring {
	atomic_size_t nsign, nbox;
	struct hl_keypair sign[HL_ERAS_MAX], box[HL_ERAS_MAX];
};

/* A key file: its type line, then the key in base64 (file is relative
 * to home). */
int hl_party_key_write(const char *home, const char *file, const char *type,
		       const unsigned char *key, size_t n);
int hl_party_key_read(const char *home, const char *file, const char *type,
		      unsigned char *key, size_t n);

/* Loads <home>/keys/ into p->ring (empty when there is no such folder). */
int hl_keyring_load(struct hl_party *p, char *why, size_t whylen);
void hl_keyring_free(struct hl_keyring *k);

/* The secret key of signing key pk, current or retired; NULL if this
 * party never held it. */
const unsigned char *hl_party_sign_sk(const struct hl_party *p, const unsigned char pk[32]);

/* Opens the content key of env wrapped for us, with the current box key
 * or a retired one.  -HL_ECRYPTO when none opens it. */
int hl_party_unwrap(const struct hl_party *p, const struct hl_envelope *env,
		    unsigned char key[32]);

/* A change of our own keys (`hotline card rotate`). */
struct hl_rotation {
	bool sign, box, tls;		/* new keys of these kinds */
	bool self_only;			/* a rekey: the old key does not endorse */
	const char *endpoint;		/* a new endpoint, or NULL */
	int64_t now;
	/* Made by hl_party_stage: */
	struct hl_card card;		/* the new card ... */
	struct hl_buf text;		/* ... as signed (with the old key's line) */
	unsigned char *sign_sk, *box_sk;	/* the new secrets, or NULL */
	/* Kept by hl_party_take for hl_party_untake: */
	struct hl_card old_card;
	struct hl_buf old_text;
	unsigned char *old_sign_sk, *old_box_sk;
	int64_t old_since;
	bool taken;
};

/* Makes the new keys and card and writes them beside the old ones
 * (*.next, 0600, never over an existing file): -HL_EEXIST while another
 * change is staged.  why gets the failing file's name. */
int hl_party_stage(const struct hl_party *p, struct hl_rotation *rot, char *why,
		   size_t whylen);

/* Puts the staged keys in force in memory, from time since on (the old
 * ones join the ring), inside the transaction that records them;
 * hl_party_untake reverses it when that transaction fails. */
int hl_party_take(struct hl_party *p, struct hl_rotation *rot, int64_t since);
void hl_party_untake(struct hl_party *p, struct hl_rotation *rot);
void hl_rotation_free(struct hl_rotation *rot);

/* The staged card (card.next) into out: -ENOENT when none is staged. */
int hl_party_staged_card(const char *home, struct hl_buf *out);

/* Puts the staged files in force (the old keys to keys/, then each
 * .next over its file, card last); safe to run again after a crash.
 * hl_party_unstage removes them instead (a change never recorded). */
int hl_party_settle(const char *home);
int hl_party_unstage(const char *home);

/* 1 while a new TLS key waits for the switch (tls-next.crt exists). */
int hl_party_tls_pending(const char *home);

/* The TLS switch: tls.key and tls.crt become tls-prev.*, and
 * tls-next.* become tls.*.  -ENOENT when none is staged. */
int hl_party_tls_switch(const char *home);

#endif
