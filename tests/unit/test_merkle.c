/* test_merkle.c - RFC 6962 roots and proofs against reference values,
 * and every proof for every small tree checked by the RFC 9162 rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "ctref.h"
#include "error.h"
#include "merkle.h"

#define MAXLEAVES 70

#define MEM_LEVELS 8
#define MEM_LEAVES MAXLEAVES
#include "memlog.h"

/* The recursive definition, straight from RFC 6962 2.1. */
static void mth(const hl_hash *leaves, uint64_t n, hl_hash out)
{
	hl_hash l, r;
	uint64_t k = 1;

	if (n == 0) {
		hl_merkle_empty(out);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], HL_HASH_LEN);
		return;
	}
	while (k << 1 < n)
		k <<= 1;
	mth(leaves, k, l);
	mth(leaves + k, n - k, r);
	hl_merkle_interior(l, r, out);
}

static void hex(const hl_hash h, char out[65])
{
	sodium_bin2hex(out, 65, h, HL_HASH_LEN);
}

static void test_reference_roots(void **state)
{
	static struct mem m;
	struct hl_merkle_src src = {mem_node, &m};
	char got[65];
	hl_hash leaf, root;

	(void)state;
	memset(&m, 0, sizeof(m));
	hl_merkle_empty(root);
	hex(root, got);
	assert_string_equal(got, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	for (int i = 0; i < 8; i++) {
		hl_merkle_leaf(ref_leaves[i].d, ref_leaves[i].n, leaf);
		mem_add_hash(&m, leaf);
		assert_int_equal(hl_merkle_root(&src, m.size, root), 0);
		hex(root, got);
		assert_string_equal(got, ref_roots[i + 1]);
	}
}

static void build(struct mem *m, hl_hash *leaves, size_t n)
{
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n; i++) {
		unsigned char b[2] = {(unsigned char)i, (unsigned char)(i >> 8)};

		hl_merkle_leaf(b, sizeof(b), leaves[i]);
		mem_add_hash(m, leaves[i]);
	}
}

static void test_roots_match_definition_and_frontier(void **state)
{
	static struct mem m;
	static hl_hash leaves[MAXLEAVES];
	struct hl_merkle_src src = {mem_node, &m};
	struct hl_merkle_frontier f;
	struct hl_merkle_node out[HL_MERKLE_LEVELS];
	size_t cnt;
	hl_hash a, b, c;

	(void)state;
	build(&m, leaves, MAXLEAVES);
	hl_merkle_frontier_init(&f);
	for (uint64_t n = 1; n <= MAXLEAVES; n++) {
		hl_merkle_frontier_add(&f, leaves[n - 1], out, &cnt);
		/* The frontier completes the same nodes the store keeps. */
		for (size_t i = 0; i < cnt; i++)
			assert_memory_equal(out[i].hash, m.nodes[out[i].level][out[i].index],
					    HL_HASH_LEN);
		mth(leaves, n, a);
		assert_int_equal(hl_merkle_root(&src, n, b), 0);
		hl_merkle_frontier_root(&f, c);
		assert_memory_equal(a, b, HL_HASH_LEN);
		assert_memory_equal(a, c, HL_HASH_LEN);
	}
}

static void test_every_inclusion_proof(void **state)
{
	static struct mem m;
	static hl_hash leaves[MAXLEAVES];
	struct hl_merkle_src src = {mem_node, &m};
	hl_hash proof[HL_MERKLE_PROOF_MAX], root, bad;
	size_t n;

	(void)state;
	build(&m, leaves, MAXLEAVES);
	for (uint64_t size = 1; size <= MAXLEAVES; size++) {
		assert_int_equal(hl_merkle_root(&src, size, root), 0);
		for (uint64_t i = 0; i < size; i++) {
			assert_int_equal(hl_merkle_inclusion(&src, i, size, proof, &n), 0);
			assert_true(hl_merkle_verify_inclusion(leaves[i], i, size, proof, n, root));
			/* Wrong index, wrong leaf, damaged or short proof.  (A wrong
			 * size alone can pass where the path's shape is the same:
			 * size and root are bound together by the checkpoint.) */
			if (size > 1)
				assert_false(hl_merkle_verify_inclusion(leaves[i], (i + 1) % size,
									size, proof, n, root));
			memcpy(bad, leaves[i], HL_HASH_LEN);
			bad[0] ^= 1;
			assert_false(hl_merkle_verify_inclusion(bad, i, size, proof, n, root));
			if (n > 0) {
				proof[n - 1][31] ^= 1;
				assert_false(hl_merkle_verify_inclusion(leaves[i], i, size,
									proof, n, root));
				assert_false(hl_merkle_verify_inclusion(leaves[i], i, size,
									proof, n - 1, root));
			}
		}
	}
	assert_int_equal(hl_merkle_inclusion(&src, 5, 5, proof, &n), -HL_ENUMBER);
}

static void test_every_consistency_proof(void **state)
{
	static struct mem m;
	static hl_hash leaves[MAXLEAVES];
	struct hl_merkle_src src = {mem_node, &m};
	hl_hash proof[HL_MERKLE_PROOF_MAX], r1, r2;
	size_t n;

	(void)state;
	build(&m, leaves, MAXLEAVES);
	for (uint64_t b = 1; b <= MAXLEAVES; b++) {
		assert_int_equal(hl_merkle_root(&src, b, r2), 0);
		for (uint64_t a = 0; a <= b; a++) {
			assert_int_equal(hl_merkle_root(&src, a, r1), 0);
			assert_int_equal(hl_merkle_consistency(&src, a, b, proof, &n), 0);
			assert_true(hl_merkle_verify_consistency(a, b, r1, r2, proof, n));
			if (a == 0 || a == b)
				continue;
			/* A fork: another first root does not verify. */
			r1[0] ^= 1;
			assert_false(hl_merkle_verify_consistency(a, b, r1, r2, proof, n));
			r1[0] ^= 1;
			proof[0][5] ^= 1;
			assert_false(hl_merkle_verify_consistency(a, b, r1, r2, proof, n));
			proof[0][5] ^= 1;
			assert_false(hl_merkle_verify_consistency(a, b, r1, r2, proof, n - 1));
		}
	}
	/* A log that shrinks is never consistent. */
	assert_false(hl_merkle_verify_consistency(5, 4, r1, r2, proof, 0));
	assert_int_equal(hl_merkle_consistency(&src, 5, 4, proof, &n), -HL_ENUMBER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reference_roots),
		cmocka_unit_test(test_roots_match_definition_and_frontier),
		cmocka_unit_test(test_every_inclusion_proof),
		cmocka_unit_test(test_every_consistency_proof),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("merkle", tests, NULL, NULL);
}
