/* test_cursor.c - listings' cursors: a key as opaque hex and back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cursor.h"

static void test_round_trip(void **state)
{
	char cur[64], key[32];

	(void)state;
	assert_true(hl_cursor_encode("ru-cert\x01" "7", cur, sizeof(cur)));
	assert_string_equal(cur, "72752d636572740137");
	assert_true(hl_cursor_decode(cur, key, sizeof(key)));
	assert_string_equal(key, "ru-cert\x01" "7");
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"", "0", "00", "7", "ZZ", "7G", "72 75", "72752D", "727500",
	};
	char key[8], cur[8];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(hl_cursor_decode(bad[i], key, sizeof(key)));
	/* Too long for the room given: refused, not cut. */
	assert_false(hl_cursor_decode("6161616161616161", key, sizeof(key)));
	assert_true(hl_cursor_decode("61616161616161", key, sizeof(key)));
	assert_false(hl_cursor_encode("aaaa", cur, sizeof(cur)));
	assert_true(hl_cursor_encode("aaa", cur, sizeof(cur)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("cursor", tests, NULL, NULL);
}
