/* merkle.h - RFC 6962 Merkle trees: roots, proofs and their checks.
 *
 * Leaves are hashed SHA-256(0x00 || leaf), interior nodes
 * SHA-256(0x01 || left || right), the empty tree is SHA-256("").
 *
 * A tree is read through struct hl_merkle_src, which returns the hash of
 * a complete, aligned subtree: level L, index i covers leaves
 * [i * 2^L, (i + 1) * 2^L).  The store keeps exactly those nodes, so an
 * append writes O(log n) of them and a root or proof reads O(log n)
 * (O(log^2 n) for proofs), never recomputing from the leaves.
 */
#ifndef HL_MERKLE_H
#define HL_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HL_HASH_LEN 32
#define HL_MERKLE_PROOF_MAX 128	/* hashes; a 2^63-leaf tree needs < 2 * 63 */
#define HL_MERKLE_LEVELS 64

typedef unsigned char hl_hash[HL_HASH_LEN];

struct hl_merkle_src {
	/* Fills out with node (level, index); 0 or a negative error. */
	int (*node)(void *ctx, unsigned level, uint64_t index, hl_hash out);
	void *ctx;
};

struct hl_merkle_node {
	unsigned level;
	uint64_t index;
	hl_hash hash;
};

void hl_merkle_leaf(const void *leaf, size_t n, hl_hash out);
void hl_merkle_interior(const hl_hash left, const hl_hash right, hl_hash out);
void hl_merkle_empty(hl_hash out);

/* The nodes that appending leaf number index (0-based, hash leaf) makes
 * complete, the leaf itself first; *count is at most HL_MERKLE_LEVELS. */
int hl_merkle_append(const struct hl_merkle_src *src, uint64_t index,
		     const hl_hash leaf, struct hl_merkle_node out[HL_MERKLE_LEVELS],
		     size_t *count);

int hl_merkle_root(const struct hl_merkle_src *src, uint64_t size, hl_hash out);

/* RFC 6962 2.1.1 audit path for leaf index in a tree of size leaves. */
int hl_merkle_inclusion(const struct hl_merkle_src *src, uint64_t index,
			uint64_t size, hl_hash proof[HL_MERKLE_PROOF_MAX],
			size_t *count);

/* RFC 6962 2.1.2 consistency proof from size m to size n (0 < m <= n). */
int hl_merkle_consistency(const struct hl_merkle_src *src, uint64_t m,
			  uint64_t n, hl_hash proof[HL_MERKLE_PROOF_MAX],
			  size_t *count);

/* RFC 9162 2.1.3.2: true if leaf is at index in the tree with root. */
bool hl_merkle_verify_inclusion(const hl_hash leaf, uint64_t index,
				uint64_t size, const hl_hash *proof,
				size_t count, const hl_hash root);

/* RFC 9162 2.1.4.2, plus the trivial cases: m == 0 (empty proof) and
 * m == n (empty proof, equal roots). */
bool hl_merkle_verify_consistency(uint64_t m, uint64_t n, const hl_hash root_m,
				  const hl_hash root_n, const hl_hash *proof,
				  size_t count);

/* An in-memory frontier: the roots of the complete subtrees of a tree
 * being built leaf by leaf, for checking a whole log in one pass. */
struct hl_merkle_frontier {
	uint64_t size;
	hl_hash h[HL_MERKLE_LEVELS];	/* h[L] valid when bit L of size is set */
};
void hl_merkle_frontier_init(struct hl_merkle_frontier *f);
/* Adds a leaf; out receives the completed nodes as hl_merkle_append's. */
void hl_merkle_frontier_add(struct hl_merkle_frontier *f, const hl_hash leaf,
			    struct hl_merkle_node out[HL_MERKLE_LEVELS],
			    size_t *count);
void hl_merkle_frontier_root(const struct hl_merkle_frontier *f, hl_hash out);

#endif
