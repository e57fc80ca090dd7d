/* fuzz_auditlog.c - libFuzzer target for the audit trail's parsers:
 * hl_audit_proof_parse and hl_audit_proof_verify with the fixture
 * sender's card, and hl_audit_entry_parse on the same bytes.
 *
 * A proof that parses must re-encode to the same bytes; one that
 * verifies must show an entry of the fixture sender's trail at index
 * seq - 1 of a checkpoint that includes it.  An entry that parses must
 * encode again, from its fields and its detail, to the same bytes: an
 * entry has one byte form.
 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auditlog.h"
#include "error.h"
#include "fixture.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fixture_party party;
static struct hl_audit_proof proof;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	fixture_sender(&party);
	return 0;
}

static void check_proof(const uint8_t *data, size_t size)
{
	struct hl_audit_entry e;
	struct hl_checkpoint cp;
	struct hl_buf out;
	hl_hash leaf;
	int r;

	if (hl_audit_proof_parse(data, size, &proof) < 0)
		return;
	assert(proof.checkpoint + proof.checkpoint_len == data + size);
	assert(proof.npath <= HL_MERKLE_PROOF_MAX);
	hl_buf_init(&out, HL_AUDIT_PROOF_MAX);
	r = hl_audit_proof_encode(&out, proof.entry, proof.entry_len, proof.index,
				  (const hl_hash *)proof.path, proof.npath, proof.checkpoint,
				  proof.checkpoint_len);
	assert(r == 0 && out.len == size && memcmp(out.data, data, size) == 0);
	hl_buf_free(&out);
	r = hl_audit_proof_verify(&proof, party.card.name, party.card.sign_pk, &e, &cp);
	assert(r == 0 || (r < -HL_EBASE && r > -HL_EMAX) || r == -ENOMEM);
	if (r < 0)
		return;
	assert(e.seq == proof.index + 1 && proof.index < cp.size);
	hl_merkle_leaf(proof.entry, proof.entry_len, leaf);
	assert(hl_merkle_verify_inclusion(leaf, proof.index, cp.size,
					  (const hl_hash *)proof.path, proof.npath, cp.root));
}

static void check_entry(const uint8_t *data, size_t size)
{
	struct hl_audit_entry e;
	struct hl_buf out;
	json_t *detail;
	int r;

	if (hl_audit_entry_parse(data, size, &e) < 0)
		return;
	detail = json_loadb(e.detail, e.detail_len, 0, NULL);
	assert(json_is_object(detail));
	hl_buf_init(&out, HL_AUDIT_ENTRY_MAX + 1024);
	r = hl_audit_entry_encode(&e, detail, &out);
	assert(r == 0 && out.len == size && memcmp(out.data, data, size) == 0);
	hl_buf_free(&out);
	json_decref(detail);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_proof(data, size);
	check_entry(data, size);
	return 0;
}
