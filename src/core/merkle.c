/* merkle.c - RFC 6962 Merkle tree hashing, proofs and verification. */
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "hash.h"
#include "merkle.h"

void hl_merkle_leaf(const void *leaf, size_t n, hl_hash out)
{
	static const unsigned char zero = 0x00;
	const struct hl_part parts[] = {{&zero, 1}, {leaf, n}};

	hl_sha256v(parts, 2, out);
}

void hl_merkle_interior(const hl_hash left, const hl_hash right, hl_hash out)
{
	unsigned char buf[1 + 2 * HL_HASH_LEN];

	buf[0] = 0x01;
	memcpy(buf + 1, left, HL_HASH_LEN);
	memcpy(buf + 1 + HL_HASH_LEN, right, HL_HASH_LEN);
	hl_sha256(buf, sizeof(buf), out);
}

void hl_merkle_empty(hl_hash out)
{
	hl_sha256("", 0, out);
}

static bool is_pow2(uint64_t n)
{
	return n && !(n & (n - 1));
}

/* The largest power of two smaller than n (n > 1). */
static uint64_t split(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

static unsigned log2u(uint64_t n)
{
	unsigned l = 0;

	while (n >>= 1)
		l++;
	return l;
}

/* MTH of leaves [start, start + n); start is a multiple of every power
 * of two the recursion splits off, so each whole piece is a node. */
static int subtree(const struct hl_merkle_src *src, uint64_t start, uint64_t n,
		   hl_hash out)
{
	hl_hash l, r;
	uint64_t k;
	int e;

	if (n == 0) {
		hl_merkle_empty(out);
		return 0;
	}
	if (is_pow2(n))
		return src->node(src->ctx, log2u(n), start >> log2u(n), out);
	k = split(n);
	e = subtree(src, start, k, l);
	if (e == 0)
		e = subtree(src, start + k, n - k, r);
	if (e == 0)
		hl_merkle_interior(l, r, out);
	return e;
}

int hl_merkle_root(const struct hl_merkle_src *src, uint64_t size, hl_hash out)
{
	return subtree(src, 0, size, out);
}

int hl_merkle_append(const struct hl_merkle_src *src, uint64_t index,
		     const hl_hash leaf, struct hl_merkle_node out[HL_MERKLE_LEVELS],
		     size_t *count)
{
	uint64_t i = index;
	unsigned level = 0;
	size_t n = 0;

	out[n].level = 0;
	out[n].index = index;
	memcpy(out[n].hash, leaf, HL_HASH_LEN);
	n++;
	while (i & 1) {
		hl_hash left;
		int e = src->node(src->ctx, level, i - 1, left);

		if (e < 0)
			return e;
		hl_merkle_interior(left, out[n - 1].hash, out[n].hash);
		level++;
		i >>= 1;
		out[n].level = level;
		out[n].index = i;
		n++;
	}
	*count = n;
	return 0;
}

static int push(hl_hash *proof, size_t *count, const hl_hash h)
{
	if (*count >= HL_MERKLE_PROOF_MAX)
		return -HL_ETOOBIG;
	memcpy(proof[(*count)++], h, HL_HASH_LEN);
	return 0;
}

/* PATH(m, D[start : start + n]) */
static int path(const struct hl_merkle_src *src, uint64_t m, uint64_t start,
		uint64_t n, hl_hash *proof, size_t *count)
{
	hl_hash h;
	uint64_t k;
	int e;

	if (n <= 1)
		return 0;
	k = split(n);
	if (m < k) {
		e = path(src, m, start, k, proof, count);
		if (e == 0)
			e = subtree(src, start + k, n - k, h);
	} else {
		e = path(src, m - k, start + k, n - k, proof, count);
		if (e == 0)
			e = subtree(src, start, k, h);
	}
	return e < 0 ? e : push(proof, count, h);
}

int hl_merkle_inclusion(const struct hl_merkle_src *src, uint64_t index,
			uint64_t size, hl_hash proof[HL_MERKLE_PROOF_MAX],
			size_t *count)
{
	*count = 0;
	if (index >= size)
		return -HL_ENUMBER;
	return path(src, index, 0, size, proof, count);
}

/* SUBPROOF(m, D[start : start + n], whole) */
static int subproof(const struct hl_merkle_src *src, uint64_t m, uint64_t start,
		    uint64_t n, bool whole, hl_hash *proof, size_t *count)
{
	hl_hash h;
	uint64_t k;
	int e;

	if (m == n) {
		if (whole)
			return 0;
		e = subtree(src, start, n, h);
		return e < 0 ? e : push(proof, count, h);
	}
	k = split(n);
	if (m <= k) {
		e = subproof(src, m, start, k, whole, proof, count);
		if (e == 0)
			e = subtree(src, start + k, n - k, h);
	} else {
		e = subproof(src, m - k, start + k, n - k, false, proof, count);
		if (e == 0)
			e = subtree(src, start, k, h);
	}
	return e < 0 ? e : push(proof, count, h);
}

int hl_merkle_consistency(const struct hl_merkle_src *src, uint64_t m,
			  uint64_t n, hl_hash proof[HL_MERKLE_PROOF_MAX],
			  size_t *count)
{
	*count = 0;
	if (m > n)
		return -HL_ENUMBER;
	if (m == 0 || m == n)
		return 0;
	return subproof(src, m, 0, n, true, proof, count);
}

bool hl_merkle_verify_inclusion(const hl_hash leaf, uint64_t index,
				uint64_t size, const hl_hash *proof,
				size_t count, const hl_hash root)
{
	uint64_t fn = index, sn = size - 1;
	hl_hash r;

	if (index >= size)
		return false;
	memcpy(r, leaf, HL_HASH_LEN);
	for (size_t i = 0; i < count; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			hl_merkle_interior(proof[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			hl_merkle_interior(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && sodium_memcmp(r, root, HL_HASH_LEN) == 0;
}

bool hl_merkle_verify_consistency(uint64_t m, uint64_t n, const hl_hash root_m,
				  const hl_hash root_n, const hl_hash *proof,
				  size_t count)
{
	uint64_t fn, sn;
	hl_hash fr, sr;
	size_t i = 0;

	if (m > n)
		return false;
	if (m == 0)
		return count == 0;
	if (m == n)
		return count == 0 && sodium_memcmp(root_m, root_n, HL_HASH_LEN) == 0;
	if (count == 0)
		return false;
	/* A first tree that is a whole subtree is not in the proof. */
	if (is_pow2(m)) {
		memcpy(fr, root_m, HL_HASH_LEN);
	} else {
		memcpy(fr, proof[0], HL_HASH_LEN);
		i = 1;
	}
	memcpy(sr, fr, HL_HASH_LEN);
	fn = m - 1;
	sn = n - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	for (; i < count; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			hl_merkle_interior(proof[i], fr, fr);
			hl_merkle_interior(proof[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			hl_merkle_interior(sr, proof[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && sodium_memcmp(fr, root_m, HL_HASH_LEN) == 0 &&
	       sodium_memcmp(sr, root_n, HL_HASH_LEN) == 0;
}

void hl_merkle_frontier_init(struct hl_merkle_frontier *f)
{
	memset(f, 0, sizeof(*f));
}

void hl_merkle_frontier_add(struct hl_merkle_frontier *f, const hl_hash leaf,
			    struct hl_merkle_node out[HL_MERKLE_LEVELS],
			    size_t *count)
{
	uint64_t i = f->size;
	unsigned level = 0;
	size_t n = 0;
	hl_hash h;

	memcpy(h, leaf, HL_HASH_LEN);
	out[n].level = 0;
	out[n].index = i;
	memcpy(out[n++].hash, h, HL_HASH_LEN);
	while (i & 1) {
		hl_merkle_interior(f->h[level], h, h);
		level++;
		i >>= 1;
		out[n].level = level;
		out[n].index = i;
		memcpy(out[n++].hash, h, HL_HASH_LEN);
	}
	memcpy(f->h[level], h, HL_HASH_LEN);
	f->size++;
	*count = n;
}

void hl_merkle_frontier_root(const struct hl_merkle_frontier *f, hl_hash out)
{
	bool have = false;

	if (f->size == 0) {
		hl_merkle_empty(out);
		return;
	}
	/* Fold the complete subtrees from the smallest (rightmost) up. */
	for (unsigned l = 0; l < HL_MERKLE_LEVELS; l++) {
		if (!(f->size >> l & 1))
			continue;
		if (have) {
			hl_merkle_interior(f->h[l], out, out);
		} else {
			memcpy(out, f->h[l], HL_HASH_LEN);
			have = true;
		}
	}
}
