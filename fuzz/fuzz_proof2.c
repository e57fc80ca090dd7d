/* fuzz_proof2.c - libFuzzer target for hl_proof2_parse and
 * hl_proof2_verify.
 *
 * A proof that parses must re-encode to the same bytes, with every piece
 * inside the input.  It is then verified twice: with the two founding
 * cards it carries as the trusted cards (so that a self-consistent input
 * reaches the eras, the terms and the ack), and with the fixture's
 * parties.  A proof that verifies must show what it claims: the sender's
 * era that holds the message's seq signed it, the receipt is a time, and
 * every error is one of Hotline's codes with a sentence.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "fixture.h"
#include "proof2.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fixture_party sender, recipient;
static struct hl_proof2 *proof;
static struct hl_proof2_result *res;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	fixture_sender(&sender);
	fixture_recipient(&recipient);
	proof = calloc(1, sizeof(*proof));
	res = calloc(1, sizeof(*res));
	if (!proof || !res)
		abort();
	return 0;
}

static void check_span(const struct hl_span *s, const uint8_t *data, size_t size)
{
	assert(s->p >= data && s->p <= data + size);
	assert(s->n <= (size_t)(data + size - s->p));
}

static void check_views(const struct hl_proof2_parts *pp, const uint8_t *data, size_t size)
{
	assert(pp->generation >= 1 && pp->generation <= HL_LINK_GEN_MAX);
	assert(pp->nchain <= HL_PROOF2_CHAIN_MAX);
	assert(pp->nterms == 0 || pp->nterms == 2 || pp->nterms == 4);
	assert(pp->nack <= 1);
	for (int i = 0; i < 2; i++)
		check_span(&pp->card[i], data, size);
	for (size_t i = 0; i < pp->nchain; i++)
		check_span(&pp->chain[i], data, size);
	for (size_t i = 0; i < pp->nterms; i++)
		check_span(&pp->terms[i], data, size);
	for (size_t i = 0; i < pp->nack; i++)
		check_span(&pp->ack[i], data, size);
	check_span(&pp->main, data, size);
	assert(pp->main.p + pp->main.n == data + size);
}

static void check_reencode(const struct hl_proof2 *p, const uint8_t *data, size_t size)
{
	struct hl_buf out;

	hl_buf_init(&out, HL_PROOF2_MAX);
	assert(hl_proof2_encode(&out, &p->parts) == 0);
	assert(out.len == size && memcmp(out.data, data, size) == 0);
	hl_buf_free(&out);
}

static void check_verified(const struct hl_proof2 *p, const struct hl_proof2_result *r)
{
	const struct hl_keychain *kc = &r->chain[r->sender];
	size_t era = 0;

	assert(r->sender == 0 || r->sender == 1);
	assert(kc->n >= 1 && kc->n <= 1 + p->parts.nchain);
	assert(hl_keychain_for_seq(kc, r->main.env.seq, &era) == 0 && era == r->era);
	assert(r->main.sender == &kc->era[era].card);
	assert(strcmp(r->main.env.from, kc->era[0].card.name) == 0);
	assert(r->main.receipt_time <= INT64_MAX);
	assert(r->has_terms == (p->parts.nterms > 0));
	assert(r->has_ack == (p->parts.nack > 0));
	assert(!r->terms.has_next || r->terms.next_since > r->main.env.time);
	assert(!r->has_terms || r->terms.since <= r->main.env.time);
}

static void verify(const struct hl_proof2 *p, const struct hl_card *given, size_t n)
{
	char why[512];
	int r = hl_proof2_verify(p, given, n, res, why, sizeof(why));

	assert(memchr(why, '\0', sizeof(why)));
	if (r == 0)
		check_verified(p, res);
	else
		assert(((r < -HL_EBASE && r > -HL_EMAX) || r == -ENOMEM) && why[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hl_card given[2];
	char why[256];

	if (hl_proof2_parse(data, size, proof, why, sizeof(why)) < 0) {
		assert(memchr(why, '\0', sizeof(why)) && why[0]);
		return 0;
	}
	check_views(&proof->parts, data, size);
	check_reencode(proof, data, size);
	verify(proof, proof->cards, 2);
	given[0] = sender.card;
	given[1] = recipient.card;
	verify(proof, given, 2);
	return 0;
}
