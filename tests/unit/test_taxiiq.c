/* test_taxiiq.c - what a TAXII client sends: paths, query, headers,
 * next tokens, timestamps, collection ids (core/taxiiq.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "taxiiq.h"

static int path(const char *s, struct hl_taxii_path *t)
{
	return hl_taxii_path_parse(s, t);
}

static void test_paths(void **state)
{
	struct hl_taxii_path t;
	static const char *const bad[] = {
		"/taxii", "/taxii2x/", "/v1/whoami", "/taxii2/eg-cert/x/",
		"/taxii2/../v1/", "/taxii2/eg-cert/collections/%2e%2e/",
		"/taxii2/eg-cert/collections/../", "/taxii2/eg-cert/collections/./objects/",
		"/taxii2/eg-cert/collections/A/", "/taxii2//", "/taxii2/eg-cert//collections/",
		"/taxii2/eg-cert/collections/c/objects/i/versions/x/",
		"/taxii2/eg-cert/collections/c/manifest/x/",
	};

	(void)state;
	assert_int_equal(path("/taxii2/", &t), 0);
	assert_int_equal(t.res, HL_TAXII_DISCOVERY);
	assert_int_equal(path("/taxii2", &t), 0);
	assert_int_equal(path("/taxii2/eg-cert/", &t), 0);
	assert_int_equal(t.res, HL_TAXII_ROOT);
	assert_string_equal(t.root, "eg-cert");
	assert_int_equal(path("/taxii2/eg-cert/collections/", &t), 0);
	assert_int_equal(t.res, HL_TAXII_COLLECTIONS);
	assert_int_equal(path("/taxii2/eg-cert/collections/tlp-amber", &t), 0);
	assert_int_equal(t.res, HL_TAXII_COLLECTION);
	assert_string_equal(t.coll, "tlp-amber");
	assert_int_equal(path("/taxii2/eg-cert/collections/tlp-amber/manifest/", &t), 0);
	assert_int_equal(t.res, HL_TAXII_MANIFEST);
	assert_int_equal(path("/taxii2/eg-cert/collections/c/objects/", &t), 0);
	assert_int_equal(t.res, HL_TAXII_OBJECTS);
	assert_int_equal(path("/taxii2/eg-cert/collections/c/objects/indicator--1/", &t), 0);
	assert_int_equal(t.res, HL_TAXII_OBJECT);
	assert_string_equal(t.object, "indicator--1");
	assert_int_equal(path("/taxii2/eg-cert/collections/c/objects/x/versions/", &t), 0);
	assert_int_equal(t.res, HL_TAXII_VERSIONS);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(path(bad[i], &t), -ENOENT);
}

static int arg(struct hl_taxii_filter *f, const char *k, const char *v)
{
	char why[128];

	return hl_taxii_arg(f, hl_taxii_params(HL_TAXII_OBJECTS), k, v, why, sizeof(why));
}

static void test_query(void **state)
{
	struct hl_taxii_filter f;

	(void)state;
	hl_taxii_filter_init(&f);
	assert_int_equal(f.limit, 1000);
	assert_int_equal(f.added_after, -1);
	assert_int_equal(arg(&f, "limit", "1000000000000"), 0);
	assert_int_equal(f.limit, 1000);
	assert_int_equal(arg(&f, "limit", "5"), -EINVAL);	/* twice */
	assert_int_equal(arg(&f, "added_after", "2026-11-22T10:00:00.5Z"), 0);
	assert_int_equal(f.added_after, 1795341600500000LL);
	assert_int_equal(arg(&f, "match[type]", "indicator,malware"), 0);
	assert_int_equal(json_array_size(f.types), 2);
	assert_int_equal(arg(&f, "match[version]", "all,first"), 0);
	assert_int_equal(f.versions, HL_TAXII_V_ALL);
	assert_int_equal(arg(&f, "match[colour]", "red"), -EINVAL);
	assert_int_equal(arg(&f, "match[id]", "indicator--x"), -EINVAL);
	assert_int_equal(arg(&f, "match[id]", "indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
			 -EINVAL);	/* refused once: given before */
	hl_taxii_filter_free(&f);
	hl_taxii_filter_init(&f);
	assert_int_equal(arg(&f, "limit", "0"), -EINVAL);
	assert_int_equal(arg(&f, "match[id]", "indicator--1e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"), 0);
	assert_int_equal(arg(&f, "match[version]", "2026-11-22T10:00:00Z"), 0);
	assert_int_equal(f.versions, HL_TAXII_V_LIST);
	assert_int_equal(json_integer_value(json_array_get(f.version_list, 0)),
			 1795341600000000LL);
	assert_int_equal(arg(&f, "match[spec_version]", "2.1,"), -EINVAL);
	hl_taxii_filter_free(&f);
	hl_taxii_filter_init(&f);
	assert_int_equal(arg(&f, "match[version]", "first,last"), -EINVAL);
	assert_int_equal(hl_taxii_arg(&f, 0, "limit", "1", (char[64]){0}, 64), -EINVAL);
	hl_taxii_filter_free(&f);
}

static void test_times(void **state)
{
	char t[HL_TAXII_TIME_LEN + 1];
	int64_t us;

	(void)state;
	assert_int_equal(hl_taxii_time_parse("2026-11-22T10:00:00Z", 20, &us), 0);
	assert_int_equal(us, 1795341600000000LL);
	assert_int_equal(hl_taxii_time_parse("2026-11-22T10:00:00.123456789Z", 30, &us), 0);
	assert_int_equal(us, 1795341600123456LL);
	assert_true(hl_taxii_time_format(us, t));
	assert_string_equal(t, "2026-11-22T10:00:00.123456Z");
	assert_int_equal(hl_taxii_time_parse("2026-11-22T10:00:00", 19, &us), -EINVAL);
	assert_int_equal(hl_taxii_time_parse("2026-11-22T10:00:00.Z", 21, &us), -EINVAL);
	assert_int_equal(hl_taxii_time_parse("2026-02-30T10:00:00Z", 20, &us), -EINVAL);
	assert_int_equal(hl_taxii_time_parse("2026-11-22T10:00:00.1234567890Z", 31, &us), -EINVAL);
}

static void test_next(void **state)
{
	static const unsigned char key[32] = {7}, other[32] = {8};
	char tok[HL_TAXII_NEXT_LEN + 1];
	int64_t id = 0;

	(void)state;
	hl_taxii_next_make(key, "ana\nmisp\nC\n", 12345, tok);
	assert_int_equal(strlen(tok), HL_TAXII_NEXT_LEN);
	assert_int_equal(hl_taxii_next_read(key, "ana\nmisp\nC\n", tok, &id), 0);
	assert_int_equal(id, 12345);
	assert_int_equal(hl_taxii_next_read(key, "ana\nmisp\nD\n", tok, &id), -EINVAL);
	assert_int_equal(hl_taxii_next_read(other, "ana\nmisp\nC\n", tok, &id), -EINVAL);
	tok[0] = tok[0] == 'A' ? 'B' : 'A';
	assert_int_equal(hl_taxii_next_read(key, "ana\nmisp\nC\n", tok, &id), -EINVAL);
	assert_int_equal(hl_taxii_next_read(key, "ana\nmisp\nC\n", "short", &id), -EINVAL);
}

static void test_headers(void **state)
{
	char user[64], secret[129];

	(void)state;
	assert_int_equal(hl_taxii_auth_parse("Basic YW5hOnNlOmNyZXQ=", user, sizeof(user), secret,
					     sizeof(secret)), 0);
	assert_string_equal(user, "ana");
	assert_string_equal(secret, "se:cret");
	assert_int_equal(hl_taxii_auth_parse("Bearer abc", user, sizeof(user), secret,
					     sizeof(secret)), 0);
	assert_string_equal(user, "");
	assert_string_equal(secret, "abc");
	assert_int_equal(hl_taxii_auth_parse("Basic YW5h", user, sizeof(user), secret,
					     sizeof(secret)), -EINVAL);	/* no ':' */
	assert_int_equal(hl_taxii_auth_parse("Digest x", user, sizeof(user), secret,
					     sizeof(secret)), -EINVAL);
	assert_int_equal(hl_taxii_auth_parse("Basic ***", user, sizeof(user), secret,
					     sizeof(secret)), -EINVAL);
	assert_true(hl_taxii_accept_ok(NULL));
	assert_true(hl_taxii_accept_ok("application/taxii+json;version=2.1"));
	assert_true(hl_taxii_accept_ok("application/taxii+json; version=2.1; q=0.5"));
	assert_true(hl_taxii_accept_ok("text/html, */*"));
	assert_false(hl_taxii_accept_ok("application/json"));
	assert_false(hl_taxii_accept_ok("application/taxii+json;version=2.0"));
	assert_false(hl_taxii_accept_ok("*/*;q=0"));
}

static void test_uuid(void **state)
{
	char a[37], b[37];

	(void)state;
	hl_taxii_uuid("ru-cert", "eg-cert", "tlp-amber", a);
	hl_taxii_uuid("ru-cert", "eg-cert", "tlp-red", b);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[14], '4');
	assert_non_null(strchr("89ab", a[19]));
	assert_string_not_equal(a, b);
	hl_taxii_uuid("ru-cert", "eg-cert", "tlp-amber", b);
	assert_string_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths), cmocka_unit_test(test_query),
		cmocka_unit_test(test_times), cmocka_unit_test(test_next),
		cmocka_unit_test(test_headers), cmocka_unit_test(test_uuid),
	};

	return cmocka_run_group_tests_name("taxiiq", tests, NULL, NULL);
}
