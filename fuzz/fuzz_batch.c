/* fuzz_batch.c - libFuzzer target for hl_batch_parse and what a witness
 * does next: parse and verify each envelope as the fixture sender's on
 * its link to the fixture recipient, parse and verify the checkpoint,
 * and check the consistency proof it carries.
 *
 * A push that parses must re-encode to the same bytes: the envelope
 * lengths, "old" and the proof hashes have one spelling each, and the
 * views the parser hands out tile the input exactly.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "batch.h"
#include "error.h"
#include "fixture.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fixture_party sender, recipient;
static struct hl_batch batch;	/* large: kept off the stack */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	fixture_sender(&sender);
	fixture_recipient(&recipient);
	return 0;
}

static void check_views(const struct hl_batch *b, const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size;

	assert(b->nenv <= HL_BATCH_ENVELOPES_MAX);
	assert(b->nproof <= HL_WITNESS_PROOF_MAX);
	assert(b->old <= INT64_MAX);
	for (size_t i = 0; i < b->nenv; i++) {
		assert(b->env[i].p > data && b->env[i].p <= end);
		assert(b->env[i].n <= (size_t)(end - b->env[i].p));
		if (i > 0)
			assert(b->env[i].p > b->env[i - 1].p + b->env[i - 1].n);
	}
	assert(b->checkpoint_len >= 1 && b->checkpoint > data);
	assert(b->checkpoint + b->checkpoint_len == end);
}

static void check_reencode(const struct hl_batch *b, const uint8_t *data, size_t size)
{
	struct hl_buf out;
	int r;

	hl_buf_init(&out, HL_BATCH_MAX);
	r = hl_batch_begin(&out);
	for (size_t i = 0; r == 0 && i < b->nenv; i++)
		r = hl_batch_add(&out, b->env[i].p, b->env[i].n);
	if (r == 0)
		r = hl_batch_end(&out, b->old, b->proof, b->nproof, b->checkpoint,
				 b->checkpoint_len);
	assert(r == 0);
	assert(out.len == size && memcmp(out.data, data, size) == 0);
	hl_buf_free(&out);
}

static void check_envelope(const struct hl_batch_env *e)
{
	struct hl_envelope env;
	int r = hl_envelope_parse(e->p, e->n, &env);

	if (r < 0)
		return;
	r = hl_envelope_verify(&env, &sender.card);
	assert(r == 0 || r == -HL_ENOSIG || r == -HL_EBADSIG || r == -HL_EBODYHASH);
	r = hl_envelope_check_link(&env, &sender.card, &recipient.card);
	assert(r == 0 || r == -HL_ELINK);
}

static void check_checkpoint(const struct hl_batch *b)
{
	struct hl_checkpoint cp;
	hl_hash old_root;
	int r = hl_checkpoint_parse(b->checkpoint, b->checkpoint_len, &cp);

	if (r < 0)
		return;
	r = hl_checkpoint_verify(&cp, sender.card.sign_pk);
	assert(r == 0 || r == -HL_ENOSIG || r == -HL_EBADSIG);
	/* The witness would use its own old root; any root walks the proof. */
	memset(old_root, 0, sizeof(old_root));
	(void)hl_merkle_verify_consistency(b->old, cp.size, old_root, cp.root,
					   b->proof, b->nproof);
	if (b->old == 0 && b->nproof > 0)
		assert(!hl_merkle_verify_consistency(0, cp.size, old_root, cp.root,
						     b->proof, b->nproof));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (hl_batch_parse(data, size, &batch) < 0)
		return 0;
	check_views(&batch, data, size);
	check_reencode(&batch, data, size);
	for (size_t i = 0; i < batch.nenv; i++)
		check_envelope(&batch.env[i]);
	check_checkpoint(&batch);
	return 0;
}
