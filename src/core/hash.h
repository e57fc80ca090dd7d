/* hash.h - SHA-256 for logs, pins and key IDs.
 *
 * Through GnuTLS, whose SHA-256 uses the CPU's instructions (libsodium's
 * does not).  Pure computation: no state, no I/O.
 */
#ifndef HL_HASH_H
#define HL_HASH_H

#include <stddef.h>

#define HL_SHA256_LEN 32

void hl_sha256(const void *p, size_t n, unsigned char out[HL_SHA256_LEN]);

/* SHA-256 over the concatenation of n parts (ptr, len pairs). */
struct hl_part {
	const void *p;
	size_t n;
};
void hl_sha256v(const struct hl_part *parts, size_t count,
		unsigned char out[HL_SHA256_LEN]);

#endif
