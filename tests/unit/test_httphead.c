/* test_httphead.c - a request head as libmicrohttpd 0.9.75 leaves it
 * (a 0 over each separator, two over each CR LF) is intact; one with a
 * NUL byte or a bare LF the client sent is not (t0031 shows the same on
 * a real daemon). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "httphead.h"

/* The head of "GET /hotline/v1/push HTTP/1.1\r\nHost: x\r\nX-A: <v>\r\n\r\n"
 * as parsed in place, with v's n bytes as sent (a NUL among them cuts
 * the value the server is given). */
static bool check(const char *v, size_t n)
{
	static char b[256];
	static const char *key[2], *value[2];
	size_t at = 0;
	struct hl_http_head h = {.block = b, .key = key, .value = value, .nfields = 2};

#define PUT(s, len) (memcpy(b + at, (s), (len)), at += (len))
	PUT("GET\0/hotline/v1/push\0HTTP/1.1\0\0", 31);
	h.url = b + 4;
	h.version = b + 21;
	key[0] = b + at;
	PUT("Host\0 ", 6);
	value[0] = b + at;
	PUT("x\0\0", 3);
	key[1] = b + at;
	PUT("X-A\0 ", 5);
	value[1] = b + at;
	PUT(v, n);
	PUT("\0\0\0\0", 4);
#undef PUT
	h.n = at;
	return hl_http_head_intact(&h);
}

static void test_clean(void **state)
{
	(void)state;
	assert_true(check("abc", 3));
	assert_true(check("a b\tc", 5));
	assert_true(check("", 0));
}

static void test_nul(void **state)
{
	(void)state;
	assert_false(check("a\0b", 3));
	assert_false(check("\0b", 2));
	assert_false(check("a\0", 2));
	assert_false(check("\0", 1));
}

/* A bare LF ends a line with one 0 where CR LF leaves two. */
static void test_bare_lf(void **state)
{
	static char b[64];
	static const char *key[1], *value[1];
	struct hl_http_head h = {.block = b, .key = key, .value = value, .nfields = 1};

	(void)state;
	memcpy(b, "GET\0/\0HTTP/1.1\0Host\0 x\0\0\0", 26);
	h.url = b + 4;
	h.version = b + 6;
	key[0] = b + 15;
	value[0] = b + 21;
	h.n = 25;
	assert_false(hl_http_head_intact(&h));
	memcpy(b, "GET\0/\0HTTP/1.1\0\0Host\0 x\0\0\0\0", 28);
	key[0] = b + 16;
	value[0] = b + 22;
	h.n = 27;
	assert_true(hl_http_head_intact(&h));
}

/* A NUL inside the target shortens it; one at its end leaves two 0s. */
static void test_target(void **state)
{
	static char b[64];
	struct hl_http_head h = {.block = b};

	(void)state;
	memcpy(b, "GET\0/a\0b\0HTTP/1.1\0\0\0\0", 22);
	h.url = b + 4;
	h.version = b + 9;
	h.n = 21;
	assert_false(hl_http_head_intact(&h));
	memcpy(b, "GET\0/a\0\0HTTP/1.1\0\0\0\0", 21);
	h.version = b + 8;
	h.n = 20;
	assert_false(hl_http_head_intact(&h));
	h.query = true;
	assert_false(hl_http_head_intact(&h));
	memcpy(b, "GET\0/ab\0HTTP/1.1\0\0\0\0", 21);
	h.query = false;
	assert_true(hl_http_head_intact(&h));
}

/* Pointers outside the block: not libmicrohttpd 0.9.75's layout,
 * nothing can be said. */
static void test_foreign(void **state)
{
	static char b[32], other[8] = "x";
	struct hl_http_head h = {.block = b, .n = 21, .url = other, .version = b + 9};

	(void)state;
	memcpy(b, "GET\0/a\0b\0HTTP/1.1\0\0\0\0", 21);
	assert_true(hl_http_head_intact(&h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_bare_lf),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_foreign),
	};

	return cmocka_run_group_tests_name("httphead", tests, NULL, NULL);
}
