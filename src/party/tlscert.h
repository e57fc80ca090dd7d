/* tlscert.h - the party's TLS key and self-signed certificate.
 *
 * Peers authenticate each other by the SHA-256 of the certificate's
 * SubjectPublicKeyInfo, carried on the signed card (the same pin form
 * libcurl's CURLOPT_PINNEDPUBLICKEY takes), so no certificate
 * authority is involved.  ECDSA P-256: every TLS 1.3 stack has it.
 */
#ifndef HL_TLSCERT_H
#define HL_TLSCERT_H

#include <stdint.h>

#include "buf.h"

#define HL_TLS_PIN_LEN 32
#define HL_TLS_VALID_DAYS (20 * 366)

/* Makes a key and a certificate for name, valid from a day before now.
 * key_pem must be wiped by the caller (it is a secret). */
int hl_tlscert_generate(const char *name, int64_t now, struct hl_buf *key_pem,
			struct hl_buf *crt_pem, unsigned char pin[HL_TLS_PIN_LEN]);

/* A new certificate for name and the key in key_pem (PEM, n bytes),
 * valid from a day before now for HL_TLS_VALID_DAYS: the same key, so
 * the same pin (into pin), appended to crt_pem. */
int hl_tlscert_renew(const char *name, int64_t now, const unsigned char *key_pem,
		     size_t n, struct hl_buf *crt_pem, unsigned char pin[HL_TLS_PIN_LEN]);

/* The notAfter of a PEM certificate, in seconds since the epoch. */
int hl_tlscert_expiry(const unsigned char *crt, size_t n, int64_t *not_after);

/* The SPKI SHA-256 pin of a PEM or DER certificate. */
int hl_tlscert_pin(const unsigned char *crt, size_t n, int pem,
		   unsigned char pin[HL_TLS_PIN_LEN]);

#endif
