/* test_cookie.c - one cookie out of a Cookie header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cookie.h"

/* The value of cookie "s" in h, or NULL when it is not found. */
static const char *find(const char *h)
{
	static char out[128];
	const char *v;
	size_t n;

	if (!hl_cookie_find(h, strlen(h), "s", &v, &n))
		return NULL;
	assert_true(n < sizeof(out));
	memcpy(out, v, n);
	out[n] = 0;
	return out;
}

static void test_found(void **state)
{
	(void)state;
	assert_string_equal(find("s=abc"), "abc");
	assert_string_equal(find("a=1; s=abc; b=2"), "abc");
	assert_string_equal(find("a=1;s=abc"), "abc");
	assert_string_equal(find("  s = abc  ; b=2"), "abc");
	assert_string_equal(find("s=\"abc\""), "abc");
	assert_string_equal(find("s="), "");
	assert_string_equal(find("ss=1; s=2; xs=3"), "2");
	assert_string_equal(find("a=b=c; s=x=y"), "x=y");
}

static void test_refused(void **state)
{
	(void)state;
	assert_null(find(""));
	assert_null(find("a=1; b=2"));
	assert_null(find("s"));
	assert_null(find("S=abc"));
	assert_null(find("s=1; s=2"));		/* which one would the browser mean? */
	assert_null(find("s=1\r\nx: y"));
	assert_null(find("s=a\x01"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("cookie", tests, NULL, NULL);
}
