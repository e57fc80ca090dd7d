/* tlscert.c - TLS key and self-signed certificate through GnuTLS. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <sodium.h>

#include "error.h"
#include "hash.h"
#include "tlscert.h"

static int pin_of(gnutls_x509_crt_t crt, unsigned char pin[HL_TLS_PIN_LEN])
{
	gnutls_pubkey_t pub = NULL;
	gnutls_datum_t spki = {NULL, 0};
	int r = -HL_ETLS;

	if (gnutls_pubkey_init(&pub) < 0)
		return r;
	if (gnutls_pubkey_import_x509(pub, crt, 0) == 0 &&
	    gnutls_pubkey_export2(pub, GNUTLS_X509_FMT_DER, &spki) == 0) {
		hl_sha256(spki.data, spki.size, pin);
		r = 0;
	}
	gnutls_free(spki.data);
	gnutls_pubkey_deinit(pub);
	return r;
}

static int make_crt(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key,
		    const char *name, int64_t now)
{
	unsigned char serial[16];

	randombytes_buf(serial, sizeof(serial));
	serial[0] &= 0x7f;	/* a positive INTEGER */
	if (gnutls_x509_crt_set_version(crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)) < 0 ||
	    gnutls_x509_crt_set_activation_time(crt, (time_t)(now - 86400)) < 0 ||
	    gnutls_x509_crt_set_expiration_time(crt,
			(time_t)(now + (int64_t)HL_TLS_VALID_DAYS * 86400)) < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
					  name, (unsigned)strlen(name)) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, name,
						 (unsigned)strlen(name),
						 GNUTLS_FSAN_SET) < 0 ||
	    gnutls_x509_crt_set_key(crt, key) < 0 ||
	    gnutls_x509_crt_set_basic_constraints(crt, 0, -1) < 0 ||
	    gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE) < 0 ||
	    gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER, 0) < 0 ||
	    gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_CLIENT, 0) < 0 ||
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0)
		return -HL_ETLS;
	return 0;
}

int hl_tlscert_generate(const char *name, int64_t now, struct hl_buf *key_pem,
			struct hl_buf *crt_pem, unsigned char pin[HL_TLS_PIN_LEN])
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_datum_t kd = {NULL, 0}, cd = {NULL, 0};
	int r = -HL_ETLS;

	if (gnutls_x509_privkey_init(&key) < 0 || gnutls_x509_crt_init(&crt) < 0)
		goto out;
	if (gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
			GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0)
		goto out;
	r = make_crt(crt, key, name, now);
	if (r < 0)
		goto out;
	r = -HL_ETLS;
	if (gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &kd) < 0 ||
	    gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cd) < 0)
		goto out;
	r = pin_of(crt, pin);
	if (r == 0)
		r = hl_buf_append(key_pem, kd.data, kd.size);
	if (r == 0)
		r = hl_buf_append(crt_pem, cd.data, cd.size);
out:
	if (kd.data) {
		sodium_memzero(kd.data, kd.size);
		gnutls_free(kd.data);
	}
	gnutls_free(cd.data);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return r;
}

/* crt (its key's) exported as PEM to crt_pem, its pin into pin. */
static int export_crt(gnutls_x509_crt_t crt, struct hl_buf *crt_pem,
		      unsigned char pin[HL_TLS_PIN_LEN])
{
	gnutls_datum_t cd = {NULL, 0};
	int r = gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &cd) < 0 ? -HL_ETLS : 0;

	if (r == 0)
		r = pin_of(crt, pin);
	if (r == 0)
		r = hl_buf_append(crt_pem, cd.data, cd.size);
	gnutls_free(cd.data);
	return r;
}

int hl_tlscert_renew(const char *name, int64_t now, const unsigned char *key_pem,
		     size_t n, struct hl_buf *crt_pem, unsigned char pin[HL_TLS_PIN_LEN])
{
	gnutls_datum_t kd = {(unsigned char *)key_pem, (unsigned)n};
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	int r = -HL_ETLS;

	if (gnutls_x509_privkey_init(&key) < 0 || gnutls_x509_crt_init(&crt) < 0)
		goto out;
	if (gnutls_x509_privkey_import(key, &kd, GNUTLS_X509_FMT_PEM) < 0)
		goto out;
	r = make_crt(crt, key, name, now);
	if (r == 0)
		r = export_crt(crt, crt_pem, pin);
out:
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return r;
}

int hl_tlscert_expiry(const unsigned char *crt, size_t n, int64_t *not_after)
{
	gnutls_x509_crt_t c = NULL;
	gnutls_datum_t d = {(unsigned char *)crt, (unsigned)n};
	time_t t;
	int r = -HL_ETLS;

	if (gnutls_x509_crt_init(&c) < 0)
		return r;
	if (gnutls_x509_crt_import(c, &d, GNUTLS_X509_FMT_PEM) == 0) {
		t = gnutls_x509_crt_get_expiration_time(c);
		if (t != (time_t)-1) {
			*not_after = (int64_t)t;
			r = 0;
		}
	}
	gnutls_x509_crt_deinit(c);
	return r;
}

int hl_tlscert_pin(const unsigned char *crt, size_t n, int pem,
		   unsigned char pin[HL_TLS_PIN_LEN])
{
	gnutls_x509_crt_t c = NULL;
	gnutls_datum_t d = {(unsigned char *)crt, (unsigned)n};
	int r = -HL_ETLS;

	if (gnutls_x509_crt_init(&c) < 0)
		return r;
	if (gnutls_x509_crt_import(c, &d, pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER) == 0)
		r = pin_of(c, pin);
	gnutls_x509_crt_deinit(c);
	return r;
}
