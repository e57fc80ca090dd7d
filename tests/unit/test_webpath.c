/* test_webpath.c - which console file a request's path names. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "webpath.h"

/* url's relative path, or NULL when it names no file. */
static const char *rel(const char *url)
{
	static struct hl_webpath w;

	if (hl_webpath_parse(url, strlen(url), &w) < 0)
		return NULL;
	assert_non_null(w.type);
	return w.rel;
}

static const char *type(const char *url)
{
	struct hl_webpath w;

	assert_int_equal(hl_webpath_parse(url, strlen(url), &w), 0);
	return w.type;
}

static void test_served(void **state)
{
	struct hl_webpath w;

	(void)state;
	assert_string_equal(rel("/"), "index.html");
	assert_string_equal(rel("/index.html"), "index.html");
	assert_string_equal(rel("/main.js"), "main.js");
	assert_string_equal(rel("/pages/inbox.js"), "pages/inbox.js");
	assert_string_equal(rel("/i18n/ar.json"), "i18n/ar.json");
	assert_string_equal(rel("/a-b_c.d/e.f.css"), "a-b_c.d/e.f.css");
	assert_int_equal(hl_webpath_parse("/pages/x.js", 11, &w), 0);
	assert_int_equal(w.base, HL_WEBPATH_ROOT);
	assert_null(w.package);
}

static void test_types(void **state)
{
	(void)state;
	assert_string_equal(type("/"), "text/html; charset=utf-8");
	assert_string_equal(type("/a.html"), "text/html; charset=utf-8");
	assert_string_equal(type("/a.js"), "text/javascript; charset=utf-8");
	assert_string_equal(type("/a.css"), "text/css; charset=utf-8");
	assert_string_equal(type("/a.json"), "application/json");
	assert_string_equal(type("/a.svg"), "image/svg+xml");
	assert_string_equal(type("/a.png"), "image/png");
	assert_string_equal(type("/favicon.ico"), "image/x-icon");
}

static void test_lib(void **state)
{
	struct hl_webpath w;

	(void)state;
	assert_int_equal(hl_webpath_parse("/lib/chart.js", 13, &w), 0);
	assert_int_equal(w.base, HL_WEBPATH_LIB);
	assert_string_equal(w.rel, "chart.js/chart.min.js");
	assert_string_equal(w.type, "text/javascript; charset=utf-8");
	assert_string_equal(w.package, "libjs-chart.js");
	assert_int_equal(hl_webpath_parse("/lib/d3.js", 10, &w), 0);
	assert_int_equal(w.base, HL_WEBPATH_LIB);
	assert_string_equal(w.rel, "d3/d3.min.js");
	assert_string_equal(w.package, "libjs-d3");
	/* Only the table: nothing else under /lib/, even a file that is
	 * in console.root. */
	assert_null(rel("/lib/jquery.js"));
	assert_null(rel("/lib/chart.js/chart.min.js"));
	assert_null(rel("/lib/d3.jsx"));
	assert_null(rel("/lib/"));
	assert_int_equal(hl_webpath_parse("/lib/d3.js", 9, &w), -ENOENT);
}

static void test_refused(void **state)
{
	char longest[HL_WEBPATH_MAX + 2], over[HL_WEBPATH_MAX + 3];

	(void)state;
	assert_null(rel(""));
	assert_null(rel("index.html"));
	assert_null(rel("/.."));
	assert_null(rel("/../etc/passwd.html"));
	assert_null(rel("/pages/../../x.js"));
	assert_null(rel("/pages/..js"));
	assert_null(rel("/./index.html"));
	assert_null(rel("/%2e%2e/x.js"));
	assert_null(rel("/%2e%2e%2fx.js"));
	assert_null(rel("//etc/x.js"));
	assert_null(rel("/pages//x.js"));
	assert_null(rel("/pages/"));
	assert_null(rel("/pages"));
	assert_null(rel("/a\\b.js"));
	assert_null(rel("/.hidden.js"));
	assert_null(rel("/pages/.x.js"));
	assert_null(rel("/.git/config.json"));
	assert_null(rel("/Index.html"));
	assert_null(rel("/a.JS"));
	assert_null(rel("/a.txt"));
	assert_null(rel("/a.js.map"));
	assert_null(rel("/a."));
	assert_null(rel("/a"));
	assert_null(rel("/a b.js"));
	assert_null(rel("/a?.js"));
	assert_null(rel("/\xd0\xb0.js"));
	assert_null(rel("/v1/whoami"));
	/* A NUL inside the path, which a C string would hide. */
	assert_int_equal(hl_webpath_parse("/a.js\0.png", 10, (struct hl_webpath[1]){0}), -ENOENT);
	assert_int_equal(hl_webpath_parse("/a\0.js", 6, (struct hl_webpath[1]){0}), -ENOENT);
	/* At most HL_WEBPATH_MAX bytes after the '/'. */
	longest[0] = '/';
	memset(longest + 1, 'a', HL_WEBPATH_MAX - 3);
	memcpy(longest + HL_WEBPATH_MAX - 2, ".js", 4);
	assert_int_equal(strlen(longest), HL_WEBPATH_MAX + 1);
	assert_non_null(rel(longest));
	over[0] = '/';
	memset(over + 1, 'a', HL_WEBPATH_MAX - 2);
	memcpy(over + HL_WEBPATH_MAX - 1, ".js", 4);
	assert_int_equal(strlen(over), HL_WEBPATH_MAX + 2);
	assert_null(rel(over));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_served),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_lib),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests_name("webpath", tests, NULL, NULL);
}
