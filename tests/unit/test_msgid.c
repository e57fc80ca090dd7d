/* test_msgid.c - the names "LINK/SEQ" and "LINK/out/SEQ" that the desk
 * and the CLI both read (one parser since the two copies were merged):
 * each boundary from both sides, and formatting reads back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "msgid.h"

static void test_parse(void **state)
{
	char link[HL_NAME_MAX + 1];
	uint64_t seq = 0;
	int side = -1;

	(void)state;
	assert_true(hl_msgid_parse("ru-cert/17", link, &side, &seq));
	assert_string_equal(link, "ru-cert");
	assert_int_equal(side, HL_THEIRS);
	assert_int_equal(seq, 17);
	assert_true(hl_msgid_parse("ru-cert/out/1", link, &side, &seq));
	assert_int_equal(side, HL_OURS);
	assert_int_equal(seq, 1);
	assert_true(hl_msgid_parse("ru-cert/9223372036854775807", link, &side, &seq));
	assert_int_equal(seq, INT64_MAX);
	/* An archived link's name. */
	assert_true(hl_msgid_parse("ru-cert~12/out/3", link, &side, &seq));
	assert_string_equal(link, "ru-cert~12");
	assert_int_equal(side, HL_OURS);
}

static void test_refused(void **state)
{
	static const char *const bad[] = {
		"ru-cert", "ru-cert/", "ru-cert/0", "ru-cert/out/0", "ru-cert/out/",
		"/5", "Ru-Cert/5", "ru-cert/05", "ru-cert/5x", "ru-cert/in/5",
		"ru-cert/-1", "ru-cert/9223372036854775808", "ru cert/5",
		"ru-cert~/5", "ru-cert~0/5", "~1/5", "ru-cert~1~2/5", "ru-cert-~1/5",
	};
	char link[HL_NAME_MAX + 1];
	uint64_t seq;
	int side;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_false(hl_msgid_parse(bad[i], link, &side, &seq));
}

static void test_name_length(void **state)
{
	char id[HL_NAME_MAX + 8], link[HL_NAME_MAX + 1];
	uint64_t seq;
	int side;

	(void)state;
	memset(id, 'a', HL_NAME_MAX);
	memcpy(id + HL_NAME_MAX, "/3", 3);
	assert_true(hl_msgid_parse(id, link, &side, &seq));
	assert_int_equal(strlen(link), HL_NAME_MAX);
	memset(id, 'a', HL_NAME_MAX + 1);
	memcpy(id + HL_NAME_MAX + 1, "/3", 3);
	assert_false(hl_msgid_parse(id, link, &side, &seq));
}

static void test_round_trip(void **state)
{
	char id[HL_MSGID_MAX + 1], link[HL_NAME_MAX + 1], name[HL_NAME_MAX + 1];
	uint64_t seq;
	int side;

	(void)state;
	memset(name, 'z', HL_NAME_MAX);
	name[HL_NAME_MAX] = 0;
	hl_msgid_format(name, HL_OURS, INT64_MAX, id);
	assert_true(hl_msgid_parse(id, link, &side, &seq));
	assert_string_equal(link, name);
	assert_int_equal(side, HL_OURS);
	assert_int_equal(seq, INT64_MAX);
	hl_msgid_format("us-cert", HL_THEIRS, 42, id);
	assert_string_equal(id, "us-cert/42");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_name_length),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests_name("msgid", tests, NULL, NULL);
}
