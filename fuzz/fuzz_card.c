/* fuzz_card.c - libFuzzer target for hl_card_parse and the checks of a
 * rotated card's endorsement (hl_card_endorsed, hl_card_text_hash).
 *
 * A card that parses has passed its own signature check, so its fields
 * must be ones hl_card_encode accepts.  For a card of the fixture sender
 * (whose secret key we hold) the re-encoded text must be the parsed
 * text byte for byte: one card, one spelling.  Its text hash is SHA-256
 * of its note text.  Endorsed by the sender's key means, for a card of
 * another key, a second line by that key; a card with one line endorsed
 * by the sender's key must parse as the same card and be endorsed.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "card.h"
#include "error.h"
#include "fixture.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fixture_party sender;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	fixture_sender(&sender);
	return 0;
}

static void check_fields(const struct hl_card *card)
{
	char when[HL_TIME_LEN + 1];
	int64_t t;

	assert(hl_name_valid(card->name, strlen(card->name)));
	assert(hl_endpoint_check(card->endpoint) == 0);
	hl_time_format(card->created, when);
	assert(hl_time_parse(when, HL_TIME_LEN, &t) == 0 && t == card->created);
}

static void check_reencode(const struct hl_card *card, const uint8_t *data,
			   size_t size)
{
	struct hl_note note;
	struct hl_buf out;
	int r;

	if (memcmp(card->sign_pk, sender.card.sign_pk, HL_ED25519_PK_LEN) != 0)
		return;
	r = hl_note_parse(data, size, &note);
	assert(r == 0);
	hl_buf_init(&out, HL_CARD_MAX);
	r = hl_card_encode(card, sender.sign_sk, &out);
	assert(r == 0);
	assert(out.len > note.text_len);
	assert(memcmp(out.data, data, note.text_len + 1) == 0);
	hl_buf_free(&out);
}

static void check_text_hash(const uint8_t *data, size_t size, const struct hl_note *note)
{
	unsigned char h[32], want[32];

	assert(hl_card_text_hash(data, size, h) == 0);
	crypto_hash_sha256(want, note->text, note->text_len);
	assert(memcmp(h, want, sizeof(h)) == 0);
}

static void check_endorsement(const struct hl_card *card, const uint8_t *data,
			      size_t size, const struct hl_note *note)
{
	bool own = memcmp(card->sign_pk, sender.card.sign_pk, HL_ED25519_PK_LEN) == 0;
	int r = hl_card_endorsed(data, size, card->name, sender.card.sign_pk);
	struct hl_card again;
	struct hl_buf out;

	assert(r == 0 || r == -HL_ENOSIG || r == -HL_EBADSIG);
	assert(r != 0 || own || note->nsigs == 2);
	assert(hl_card_endorsed(data, size, card->name, card->sign_pk) == 0);
	if (own || note->nsigs != 1 || size + 200 > HL_CARD_MAX)
		return;
	hl_buf_init(&out, HL_CARD_MAX);
	r = hl_card_endorse(data, size, sender.sign_sk, &out);
	assert(r == 0);
	assert(hl_card_parse(out.data, out.len, &again) == 0);
	assert(memcmp(&again, card, sizeof(again)) == 0);
	assert(hl_card_endorsed(out.data, out.len, card->name, sender.card.sign_pk) == 0);
	hl_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hl_card card;
	struct hl_note note;

	if (hl_card_parse(data, size, &card) < 0)
		return 0;
	check_fields(&card);
	check_reencode(&card, data, size);
	assert(hl_note_parse(data, size, &note) == 0);
	assert(note.nsigs == 1 || note.nsigs == 2);
	check_text_hash(data, size, &note);
	check_endorsement(&card, data, size, &note);
	return 0;
}
