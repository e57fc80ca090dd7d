/* test_cidr.c - addresses and CIDR ranges for hotline search. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "cidr.h"

static bool overlap(const char *a, const char *b)
{
	struct hl_cidr x, y;

	assert_true(hl_cidr_parse(a, &x));
	assert_true(hl_cidr_parse(b, &y));
	return hl_cidr_overlap(&x, &y);
}

static void test_parse(void **state)
{
	static const char *const bad[] = {
		"", "/24", "203.0.113.0/", "203.0.113.0/33", "203.0.113.0/024",
		"203.0.113.0/-1", "203.0.113", "203.0.113.256", "2001:db8::/129",
		"2001:db8::g", "LockBit", "203.0.113.0/24/8",
		"0000000000000000000000000000000000000000000000000000000000000",
	};
	struct hl_cidr c;

	(void)state;
	assert_true(hl_cidr_parse("203.0.113.7", &c));
	assert_int_equal(c.family, AF_INET);
	assert_int_equal(c.bits, 32);
	assert_true(hl_cidr_parse("203.0.113.0/24", &c));
	assert_int_equal(c.bits, 24);
	assert_true(hl_cidr_parse("0.0.0.0/0", &c));
	assert_int_equal(c.bits, 0);
	assert_true(hl_cidr_parse("2001:db8::/32", &c));
	assert_int_equal(c.family, AF_INET6);
	assert_int_equal(c.bits, 32);
	assert_true(hl_cidr_parse("2001:db8::1", &c));
	assert_int_equal(c.bits, 128);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(hl_cidr_parse(bad[i], &c));
}

static void test_overlap(void **state)
{
	(void)state;
	assert_true(overlap("203.0.113.0/24", "203.0.113.7"));
	assert_true(overlap("203.0.113.7", "203.0.113.0/24"));
	assert_true(overlap("203.0.113.7/24", "203.0.113.200"));
	assert_false(overlap("203.0.113.0/24", "203.0.114.7"));
	assert_true(overlap("203.0.112.0/23", "203.0.113.7"));
	assert_false(overlap("203.0.112.0/24", "203.0.113.7"));
	assert_true(overlap("203.0.113.0/25", "203.0.113.127"));
	assert_false(overlap("203.0.113.0/25", "203.0.113.128"));
	assert_true(overlap("0.0.0.0/0", "198.51.100.1"));
	assert_true(overlap("203.0.113.7", "203.0.113.7"));
	assert_false(overlap("203.0.113.7", "203.0.113.8"));
	assert_true(overlap("2001:db8::/32", "2001:db8:1::7"));
	assert_false(overlap("2001:db8::/32", "2001:db9::7"));
	assert_true(overlap("2001:db8::/33", "2001:db8:7fff::1"));
	assert_false(overlap("2001:db8::/33", "2001:db8:8000::1"));
	assert_false(overlap("::/0", "203.0.113.7"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_overlap),
	};

	return cmocka_run_group_tests_name("cidr", tests, NULL, NULL);
}
