/* hash.c - SHA-256 through GnuTLS. */
#include <stdlib.h>

#include <gnutls/crypto.h>

#include "hash.h"

void hl_sha256(const void *p, size_t n, unsigned char out[HL_SHA256_LEN])
{
	/* Fails only when the library cannot allocate or is broken; a
	 * wrong digest would be worse than stopping. */
	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, p, n, out) < 0)
		abort();
}

void hl_sha256v(const struct hl_part *parts, size_t count,
		unsigned char out[HL_SHA256_LEN])
{
	gnutls_hash_hd_t h;

	if (gnutls_hash_init(&h, GNUTLS_DIG_SHA256) < 0)
		abort();
	for (size_t i = 0; i < count; i++)
		if (parts[i].n && gnutls_hash(h, parts[i].p, parts[i].n) < 0)
			abort();
	gnutls_hash_deinit(h, out);
}
