/* fuzz_card.c - libFuzzer target for hl_card_parse.
 *
 * A card that parses has passed its own signature check, so its fields
 * must be ones hl_card_encode accepts.  For a card of the fixture sender
 * (whose secret key we hold) the re-encoded text must be the parsed
 * text byte for byte: one card, one spelling.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "card.h"
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hl_card card;

	if (hl_card_parse(data, size, &card) < 0)
		return 0;
	check_fields(&card);
	check_reencode(&card, data, size);
	return 0;
}
