/* memlog.h - an in-memory Merkle log for the unit tests: the complete
 * subtrees hl_merkle_append makes, kept in arrays, read back through an
 * hl_merkle_src.  Define MEM_LEVELS and MEM_LEAVES before including. */
#ifndef HL_TEST_MEMLOG_H
#define HL_TEST_MEMLOG_H

#include <stdint.h>
#include <string.h>

#include "error.h"
#include "merkle.h"

struct mem {
	hl_hash nodes[MEM_LEVELS][MEM_LEAVES];
	uint64_t size;
};

static int mem_node(void *ctx, unsigned level, uint64_t index, hl_hash out)
{
	struct mem *m = ctx;

	if (level >= MEM_LEVELS || ((index + 1) << level) > m->size)
		return -HL_ENUMBER;
	memcpy(out, m->nodes[level][index], HL_HASH_LEN);
	return 0;
}

/* Appends the leaf hash h. */
static void __attribute__((unused)) mem_add_hash(struct mem *m, const hl_hash h)
{
	struct hl_merkle_src src = {mem_node, m};
	struct hl_merkle_node out[HL_MERKLE_LEVELS];
	size_t count = 0;

	assert_int_equal(hl_merkle_append(&src, m->size, h, out, &count), 0);
	for (size_t i = 0; i < count; i++)
		memcpy(m->nodes[out[i].level][out[i].index], out[i].hash, HL_HASH_LEN);
	m->size++;
}

/* Appends the n bytes of leaf (an envelope), hashed as a leaf. */
static void __attribute__((unused)) mem_add(struct mem *m, const void *leaf, size_t n)
{
	hl_hash h;

	hl_merkle_leaf(leaf, n, h);
	mem_add_hash(m, h);
}

#endif
