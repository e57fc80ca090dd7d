/* test_tlscert.c - the party's TLS certificate: a renewal keeps the key
 * (so the pin on the card), and the expiry that status warns about is
 * the certificate's notAfter (protocol.md 10.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "error.h"
#include "tlscert.h"

#define T0 1800000000		/* 2027-01-15 */
#define DAY 86400

struct pair {
	struct hl_buf key, crt;
	unsigned char pin[HL_TLS_PIN_LEN];
};

static void make(struct pair *p, int64_t now)
{
	hl_buf_init(&p->key, 16384);
	hl_buf_init(&p->crt, 16384);
	assert_int_equal(hl_tlscert_generate("ru-cert", now, &p->key, &p->crt, p->pin), 0);
}

static void drop(struct pair *p)
{
	sodium_memzero(p->key.data, p->key.len);
	hl_buf_free(&p->key);
	hl_buf_free(&p->crt);
}

static void test_expiry(void **state)
{
	struct pair p;
	int64_t until = 0;

	(void)state;
	make(&p, T0);
	assert_int_equal(hl_tlscert_expiry(p.crt.data, p.crt.len, &until), 0);
	assert_int_equal(until, T0 + (int64_t)HL_TLS_VALID_DAYS * DAY);
	assert_int_equal(hl_tlscert_expiry((const unsigned char *)"not PEM", 7, &until),
			 -HL_ETLS);
	drop(&p);
}

/* Twenty years later: the same key, another certificate, valid from a
 * day before the renewal. */
static void test_renew(void **state)
{
	struct pair p;
	struct hl_buf crt;
	unsigned char pin[HL_TLS_PIN_LEN], again[HL_TLS_PIN_LEN];
	int64_t now = T0 + 7300 * (int64_t)DAY, until = 0;

	(void)state;
	make(&p, T0);
	hl_buf_init(&crt, 16384);
	assert_int_equal(hl_tlscert_renew("ru-cert", now, p.key.data, p.key.len, &crt, pin), 0);
	assert_memory_equal(pin, p.pin, sizeof(pin));
	assert_int_equal(hl_tlscert_pin(crt.data, crt.len, 1, again), 0);
	assert_memory_equal(again, p.pin, sizeof(again));
	assert_false(crt.len == p.crt.len && memcmp(crt.data, p.crt.data, crt.len) == 0);
	assert_int_equal(hl_tlscert_expiry(crt.data, crt.len, &until), 0);
	assert_int_equal(until, now + (int64_t)HL_TLS_VALID_DAYS * DAY);
	assert_int_equal(hl_tlscert_renew("ru-cert", now, (const unsigned char *)"junk", 4,
					  &crt, pin), -HL_ETLS);
	hl_buf_free(&crt);
	drop(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_renew),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("tlscert", tests, NULL, NULL);
}
