/* test_merkle.c - RFC 6962 roots and proofs against reference values,
 * and every proof for every small tree checked by the RFC 9162 rules. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "error.h"
#include "merkle.h"

#define MAXLEAVES 70

/* The eight leaves of the certificate-transparency reference tests. */
static const struct { const char *d; size_t n; } ref_leaves[8] = {
	{"", 0}, {"\x00", 1}, {"\x10", 1}, {"\x20\x21", 2}, {"\x30\x31", 2},
	{"\x40\x41\x42\x43", 4}, {"\x50\x51\x52\x53\x54\x55\x56\x57", 8},
	{"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16},
};
static const char *const ref_roots[8] = {
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

/* An in-memory store of complete nodes, filled through append. */
struct mem {
	hl_hash nodes[8][MAXLEAVES];
	uint64_t size;
};

static int mem_node(void *ctx, unsigned level, uint64_t index, hl_hash out)
{
	struct mem *m = ctx;

	if (level >= 8 || ((index + 1) << level) > m->size)
		return -HL_ENUMBER;
	memcpy(out, m->nodes[level][index], HL_HASH_LEN);
	return 0;
}

static void mem_add(struct mem *m, const struct hl_merkle_src *src, const hl_hash leaf)
{
	struct hl_merkle_node out[HL_MERKLE_LEVELS];
	size_t n = 0;

	assert_int_equal(hl_merkle_append(src, m->size, leaf, out, &n), 0);
	for (size_t i = 0; i < n; i++)
		memcpy(m->nodes[out[i].level][out[i].index], out[i].hash, HL_HASH_LEN);
	m->size++;
}

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
		mem_add(&m, &src, leaf);
		assert_int_equal(hl_merkle_root(&src, m.size, root), 0);
		hex(root, got);
		assert_string_equal(got, ref_roots[i]);
	}
}

static void build(struct mem *m, hl_hash *leaves, size_t n)
{
	struct hl_merkle_src src = {mem_node, m};

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n; i++) {
		unsigned char b[2] = {(unsigned char)i, (unsigned char)(i >> 8)};

		hl_merkle_leaf(b, sizeof(b), leaves[i]);
		mem_add(m, &src, leaves[i]);
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
