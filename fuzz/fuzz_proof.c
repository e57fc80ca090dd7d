/* fuzz_proof.c - libFuzzer target for hl_proof_parse and hl_proof_verify
 * with the two fixture cards.
 *
 * A proof that parses must re-encode to the same bytes; verification
 * must not depend on the order of the cards; and a proof that verifies
 * must show what it claims: the fixture sender's envelope to the fixture
 * recipient, at leaf seq - 1 of a checkpoint that includes it.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "fixture.h"
#include "proof.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fixture_party sender, recipient;
static struct hl_proof proof;

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

static void check_views(const struct hl_proof *p, const uint8_t *data, size_t size)
{
	const uint8_t *end = data + size;

	assert(p->envelope > data && p->envelope <= end);
	assert(p->envelope_len <= (size_t)(end - p->envelope));
	assert(p->index <= INT64_MAX - 1);
	assert(p->npath <= HL_MERKLE_PROOF_MAX);
	assert(p->checkpoint_len >= 1 && p->checkpoint > p->envelope);
	assert(p->checkpoint + p->checkpoint_len == end);
}

static void check_reencode(const struct hl_proof *p, const uint8_t *data, size_t size)
{
	struct hl_buf out;
	int r;

	hl_buf_init(&out, HL_PROOF_MAX);
	r = hl_proof_encode(&out, p->envelope, p->envelope_len,
			    p->has_key ? p->key : NULL, p->index, p->path, p->npath,
			    p->checkpoint, p->checkpoint_len);
	assert(r == 0);
	assert(out.len == size && memcmp(out.data, data, size) == 0);
	hl_buf_free(&out);
}

static void check_verified(const struct hl_proof *p, const struct hl_proof_result *res)
{
	hl_hash leaf;

	assert(res->sender == &sender.card || res->sender == &recipient.card);
	assert(res->recipient != res->sender);
	assert(strcmp(res->env.from, res->sender->name) == 0);
	assert(strcmp(res->env.to, res->recipient->name) == 0);
	assert(res->env.seq == p->index + 1);
	assert(p->index < res->cp.size);
	assert(res->receipt_time <= INT64_MAX);
	hl_merkle_leaf(p->envelope, p->envelope_len, leaf);
	assert(hl_merkle_verify_inclusion(leaf, p->index, res->cp.size, p->path,
					  p->npath, res->cp.root));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hl_proof_result res, res2;
	int r, r2;

	if (hl_proof_parse(data, size, &proof) < 0)
		return 0;
	check_views(&proof, data, size);
	check_reencode(&proof, data, size);
	r = hl_proof_verify(&proof, &sender.card, &recipient.card, &res);
	r2 = hl_proof_verify(&proof, &recipient.card, &sender.card, &res2);
	assert(r == r2);
	assert(r == 0 || (r < -HL_EBASE && r > -HL_EMAX) || r == -ENOMEM);
	if (r == 0) {
		check_verified(&proof, &res);
		assert(res2.sender == res.sender && res2.recipient == res.recipient);
	}
	sodium_memzero(proof.key, sizeof(proof.key));
	return 0;
}
