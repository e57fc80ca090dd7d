/* test_stix.c - STIX 2.1 bundles: checks, patterns, search terms, merges.
 *
 * Fixtures are written with ` for " so they read as JSON; load() swaps
 * them back.  Patterns are set with json_string(), so their quotes and
 * backslashes are the pattern's own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>

#include "error.h"
#include "stix.h"

#define BUNDLE_ID "bundle--f43d105a-e88c-4d9f-8577-33d779593099"
#define IND_ID "indicator--fa341487-12ff-428b-ba06-06eaeb841773"
#define MAL_ID "malware--cf240168-8ed8-4600-ac2f-a1ae346c18fd"
#define TA_ID "threat-actor--a4206079-f2a0-493d-b5fe-f9431b96d44a"
#define REL_ID "relationship--25b46950-5854-4d80-a998-27a7fe8e2997"
#define IDENT_ID "identity--3012e599-bdc4-4fc3-9af2-428419d0f742"
#define REPORT_ID "report--3df6a37b-1abc-4dfd-ba08-a80eb171cdfe"
#define IPV4_ID "ipv4-addr--3d06a3dd-48ed-5f55-a9ed-dfe2577cbfaf"
#define IPV6_ID "ipv6-addr--d7a3eef2-0650-5d30-9218-834b7b7bd347"
#define DOMAIN_ID "domain-name--3dc97d05-8729-5012-a9d7-cd1bb23b3cd9"
#define URL_ID "url--7d865463-ee89-51bd-bcc5-87a745b21f33"
#define EMAIL_ID "email-addr--538dc5b5-5216-575a-aadb-6c08aa4a5dad"
#define FILE_ID "file--8d1bfbb1-340b-545d-bed3-6ea532524eb3"
#define AS_ID "autonomous-system--c87d90d4-2e0f-554c-af58-70064f7169c1"
#define MAC_ID "mac-addr--026f00e2-df71-5c20-a4e0-63d9ccb41c26"
#define SHA256 "4bf2a7ac5c4ff7a6cd5ee1d1ab9ad4b1b2b7b38b8ae5fb79f3b8ae1f48d7e5c0"

#define TIMES "`created`:`2026-11-22T09:54:00.000Z`,`modified`:`2026-11-22T09:54:00.000Z`"
#define SDO(type, id) "{`type`:`" type "`,`spec_version`:`2.1`,`id`:`" id "`," TIMES

/* Objects 0-14, in the order the term test expects them. */
static const char bundle_text[] =
	"{`type`:`bundle`,`id`:`" BUNDLE_ID "`,`objects`:["
	SDO("indicator", IND_ID) ",`name`:`C2 server`,`indicator_types`:[`malicious-activity`],"
	"`pattern`:`[ipv4-addr:value = '203.0.113.7']`,`pattern_type`:`stix`,"
	"`valid_from`:`2026-11-22T09:54:00Z`,`created_by_ref`:`" IDENT_ID "`},"
	SDO("malware", MAL_ID) ",`name`:`BlackLotus`,`is_family`:true,`aliases`:[`BL-kit`]},"
	SDO("threat-actor", TA_ID) ",`name`:`Sandworm Team`,`threat_actor_types`:[`nation-state`]},"
	SDO("relationship", REL_ID) ",`relationship_type`:`indicates`,"
	"`source_ref`:`" IND_ID "`,`target_ref`:`" MAL_ID "`},"
	"{`type`:`ipv4-addr`,`spec_version`:`2.1`,`id`:`" IPV4_ID "`,`value`:`198.51.100.3`},"
	"{`type`:`ipv6-addr`,`id`:`" IPV6_ID "`,`value`:`2001:db8::1`},"
	"{`type`:`domain-name`,`id`:`" DOMAIN_ID "`,`value`:`evil.example`},"
	"{`type`:`url`,`id`:`" URL_ID "`,`value`:`https://evil.example/payload`},"
	"{`type`:`email-addr`,`id`:`" EMAIL_ID "`,`value`:`ops@evil.example`},"
	"{`type`:`file`,`id`:`" FILE_ID "`,`name`:`dropper.exe`,`hashes`:{`SHA-256`:`" SHA256 "`}},"
	"{`type`:`autonomous-system`,`id`:`" AS_ID "`,`number`:64500},"
	"{`type`:`mac-addr`,`id`:`" MAC_ID "`,`value`:`00:00:5e:00:53:af`},"
	SDO("identity", IDENT_ID) ",`name`:`RU-CERT`,`identity_class`:`organization`},"
	SDO("report", REPORT_ID) ",`name`:`Water utility`,`published`:`2026-11-22T10:00:00Z`,"
	"`object_refs`:[`" IND_ID "`,`" MAL_ID "`]},"
	"{`type`:`x-hotline-case`,`id`:`x-hotline-case--1d7a3c0e-62f4-4b1a-9f0e-2f1d7c6b5a40`,"
	"`x_ref`:17}"
	"]}";

static json_t *load(const char *text)
{
	char *s = strdup(text);
	json_error_t e;
	json_t *j;

	assert_non_null(s);
	for (char *p = s; *p; p++)
		if (*p == '`')
			*p = '"';
	j = json_loads(s, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
	if (!j)
		fail_msg("fixture: %s at %d: %s", e.text, e.position, s);
	free(s);
	return j;
}

static json_t *object(json_t *bundle, size_t i)
{
	json_t *o = json_array_get(json_object_get(bundle, "objects"), i);

	assert_non_null(o);
	return o;
}

/* The fixture with objects[i].key set to the JSON value (or removed
 * when value is NULL). */
static json_t *with(size_t i, const char *key, const char *value)
{
	json_t *b = load(bundle_text);

	if (value)
		assert_int_equal(json_object_set_new(object(b, i), key, load(value)), 0);
	else
		assert_int_equal(json_object_del(object(b, i), key), 0);
	return b;
}

static void is_bad(json_t *b, const char *id, const char *reason)
{
	struct hl_stix_error err;

	assert_int_equal(hl_stix_check(b, &err), -HL_ESTIX);
	assert_string_equal(err.id, id);
	assert_string_equal(err.reason, reason);
	json_decref(b);
}

static void is_good(json_t *b)
{
	struct hl_stix_error err;
	int r = hl_stix_check(b, &err);

	if (r != 0)
		fail_msg("refused: %s: %s", err.id, err.reason);
	assert_string_equal(err.id, "");
	assert_string_equal(err.reason, "");
	json_decref(b);
}

/* The bundle with only its first object, the indicator. */
static json_t *only_indicator(json_t *b)
{
	json_t *objs = json_object_get(b, "objects");
	json_t *ind = json_incref(object(b, 0));

	assert_int_equal(json_array_clear(objs), 0);
	assert_int_equal(json_array_append_new(objs, ind), 0);
	return b;
}

/* A bundle of one indicator with this STIX pattern. */
static json_t *pattern(const char *p)
{
	json_t *b = load(bundle_text);
	json_t *objs = json_object_get(b, "objects");

	assert_int_equal(json_array_remove(objs, 3), 0);	/* its relationship */
	assert_int_equal(json_object_set_new(object(b, 0), "pattern", json_string(p)), 0);
	return b;
}

static void test_valid_bundle(void **state)
{
	json_t *b = load(bundle_text);

	(void)state;
	assert_int_equal(hl_stix_check(b, NULL), 0);
	is_good(b);
	/* objects is optional, and so is the error report. */
	is_good(load("{`type`:`bundle`,`id`:`" BUNDLE_ID "`}"));
	/* Upper-case hex, a leap day, fractions of any length, CIDR blocks. */
	is_good(with(0, "id", "`indicator--FA341487-12FF-428B-BA06-06EAEB841773`"));
	is_good(with(0, "valid_from", "`2024-02-29T23:59:60.123456Z`"));
	is_good(with(2, "modified", "`2026-11-22T09:54:00.0001Z`"));
	is_good(with(4, "value", "`198.51.100.0/24`"));
	is_good(with(5, "value", "`2001:db8::/32`"));
	/* A malware instance (not a family) needs no name. */
	is_good(with(1, "is_family", "false"));
	is_good(with(0, "pattern_type", "`yara`"));	/* not parsed */
	{
		json_t *m = with(1, "is_family", "false");

		assert_int_equal(json_object_del(object(m, 1), "name"), 0);
		is_good(m);
	}
}

static void test_patterns_accepted(void **state)
{
	static const char *const good[] = {
		"[ipv4-addr:value = '203.0.113.7']",
		"[file:hashes.'SHA-256' = '" SHA256 "' OR file:hashes.MD5 = 'a']",
		"[domain-name:value = 'evil.example'] FOLLOWEDBY [url:value = 'https://evil.example/a'] WITHIN 300 SECONDS",
		"[network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24' AND network-traffic:dst_port IN (80, 443)]",
		"([file:name MATCHES '^dropper\\\\.exe$'] AND [process:pid > 4]) REPEATS 5 TIMES",
		"[x-custom:list[*].item NOT = 'it\\'s'] START t'2026-01-01T00:00:00Z' STOP t'2026-01-01T00:00:00.5Z'",
		"[artifact:payload_bin = b'aGVsbG8='] OR [x509-certificate:serial_number = h'0aff']",
		"[file:size >= -1.5 AND file:x_flag = true AND EXISTS file:parent_directory_ref]",
		"[email-message:from_ref.value LIKE '%@evil.example'] WITHIN .5 SECONDS",
		"[user-account:x[-1] != 'a' AND (a-b:c = +1 OR x:y <> 2)]",
		"[file:name IN ()] OR ([a:b = 1] AND [c:d ISSUPERSET 'e']) WITHIN 2 SECONDS REPEATS 2 TIMES",
		"\t[ a : b = 'x' ]\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		is_good(pattern(good[i]));
}

static void test_patterns_refused(void **state)
{
	static const char *const bad[][2] = {
		{"[ipv4-addr:value = '203.0.113.7'", "expected ']' at offset 32"},
		{"[ipv4-addr:value = '203.0.113.7] AND", "unterminated string at offset 19"},
		{"[ipv4-addr:value == '203.0.113.7']", "expected a literal at offset 18"},
		{"[ipv4-addr:value = 'a\\x']", "bad escape (only \\' and \\\\) at offset 21"},
		{"ipv4-addr:value = 'x'", "expected '[' or '(' at offset 0"},
		{"", "expected '[' or '(' at offset 0"},
		{"[file:hashes.SHA-256 = 'x']", "expected a property name at offset 13"},
		{"[file:name 'x']", "expected a comparison operator at offset 11"},
		{"[file = 'x']", "expected ':' at offset 6"},
		{"[file:name = 'x'] AND", "expected '[' or '(' at offset 21"},
		{"[file:name = 'x'] [a:b = 1]", "expected the end at offset 18"},
		{"[a:b = 1] WITHIN 0 SECONDS", "expected a positive number at offset 17"},
		{"[a:b = 1] WITHIN 5", "expected SECONDS at offset 18"},
		{"[a:b = 1] REPEATS 2.5 TIMES", "expected a positive number at offset 18"},
		{"[a:b = 1] START t'2026-02-01T00:00:00Z' STOP t'2026-01-01T00:00:00Z'",
		 "STOP is not later than START at offset 45"},
		{"[a:b = t'2026-02-29T00:00:00Z']", "malformed timestamp literal at offset 7"},
		{"[a:b = h'abc']", "malformed hex literal at offset 7"},
		{"[a:b = b'aGVsbG8']", "malformed base64 literal at offset 7"},
		{"[a:b > true]", "expected an orderable literal at offset 7"},
		{"[a:b = 01]", "malformed number at offset 7"},
		{"[a:b IN ('x' 'y')]", "expected ')' at offset 13"},
		{"[a:b LIKE 5]", "expected a string at offset 10"},
		{"[a:b[x] = 1]", "expected an index or '*' at offset 5"},
		{"[a:b = 1] ; DROP", "unexpected character at offset 10"},
	};
	char want[200];
	json_t *b;

	(void)state;
	/* A NUL would cut the pattern short for any C reader. */
	b = pattern("");
	json_object_set_new(object(b, 0), "pattern", json_stringn("[a:b = 'x\0']", 13));
	is_bad(b, IND_ID, "pattern holds a NUL character");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "pattern: %s", bad[i][1]);
		is_bad(pattern(bad[i][0]), IND_ID, want);
	}
}

/* Nesting past HL_STIX_DEPTH is refused where it happens, not by the
 * stack; 100,000 brackets would overflow a naive parser. */
static void test_deep_nesting(void **state)
{
	enum { DEEP = 100000 };
	char *p = malloc(2 * DEEP + 16);
	size_t n = 0;

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < HL_STIX_DEPTH - 1; i++)
		p[n++] = '(';
	memcpy(p + n, "[a:b=1]", 7);
	n += 7;
	for (size_t i = 0; i < HL_STIX_DEPTH - 1; i++)
		p[n++] = ')';
	p[n] = 0;
	is_good(pattern(p));	/* 64 deep, counting the [ */

	memset(p, '(', DEEP);
	p[DEEP] = 0;
	is_bad(pattern(p), IND_ID, "pattern: nested deeper than 64 at offset 64");
	p[30] = '[';	/* comparisons nest too, and count with observations */
	is_bad(pattern(p), IND_ID, "pattern: nested deeper than 64 at offset 64");
	p[0] = '[';
	memset(p + 1, '(', DEEP - 1);
	is_bad(pattern(p), IND_ID, "pattern: nested deeper than 64 at offset 64");
	free(p);
}

static void test_bad_ids(void **state)
{
	json_t *b;

	(void)state;
	is_bad(with(0, "id", "`" MAL_ID "`"), MAL_ID, "id is not indicator--<UUID>");
	/* The variant nibble must be 8, 9, a or b (RFC 4122). */
	is_bad(with(0, "id", "`indicator--fa341487-12ff-428b-ca06-06eaeb841773`"),
	       "indicator--fa341487-12ff-428b-ca06-06eaeb841773", "id is not indicator--<UUID>");
	is_bad(with(0, "id", "`indicator--fa341487-12ff-428b-ba06-06eaeb84177`"),
	       "indicator--fa341487-12ff-428b-ba06-06eaeb84177", "id is not indicator--<UUID>");
	is_bad(with(0, "id", "`indicator-fa341487-12ff-428b-ba06-06eaeb841773`"),
	       "indicator-fa341487-12ff-428b-ba06-06eaeb841773", "id is not indicator--<UUID>");
	is_bad(with(0, "id", "`indicator--fa341487x12ff-428b-ba06-06eaeb841773`"),
	       "indicator--fa341487x12ff-428b-ba06-06eaeb841773", "id is not indicator--<UUID>");
	/* Without an id, the object's place names it. */
	is_bad(with(2, "id", NULL), "", "objects[2]: id is missing");
	is_bad(with(2, "id", "42"), "", "objects[2]: id is missing");
	is_bad(with(3, "source_ref", "`indicator`"), REL_ID, "source_ref is not an identifier");
	is_bad(with(13, "object_refs", "[]"), REPORT_ID,
	       "object_refs is not a non-empty list of identifiers");
	is_bad(with(0, "created_by_ref", "`RU-CERT`"), IND_ID, "created_by_ref is not an identifier");
	/* Types: the grammar, and the id must repeat them. */
	is_bad(with(14, "type", "`X-Hotline-Case`"), "x-hotline-case--1d7a3c0e-62f4-4b1a-9f0e-2f1d7c6b5a40",
	       "type is not a STIX type name (3-250 of a-z, 0-9, -)");
	is_bad(with(14, "type", "`x-hotline-cases`"), "x-hotline-case--1d7a3c0e-62f4-4b1a-9f0e-2f1d7c6b5a40",
	       "id is not x-hotline-cases--<UUID>");
	is_bad(with(14, "type", NULL), "x-hotline-case--1d7a3c0e-62f4-4b1a-9f0e-2f1d7c6b5a40",
	       "type is missing");
	/* The bundle itself. */
	b = load(bundle_text);
	json_object_set_new(b, "id", json_string("bundle--f43d105a-e88c-4d9f-8577-33d77959309"));
	is_bad(b, "", "bundle: id is not bundle--<UUID>");
	b = load(bundle_text);
	json_object_set_new(b, "id", json_string(IND_ID));
	is_bad(b, "", "bundle: id is not bundle--<UUID>");
	b = load(bundle_text);
	json_object_set_new(b, "type", json_string("Bundle"));
	is_bad(b, "", "bundle: type is not \"bundle\"");
	b = load(bundle_text);
	json_object_set_new(b, "objects", json_array());
	is_bad(b, "", "bundle: objects is not a non-empty list");
	b = load(bundle_text);
	json_array_append_new(json_object_get(b, "objects"), json_string(IND_ID));
	is_bad(b, "", "objects[15]: not a JSON object");
	is_bad(json_array(), "", "the bundle is not a JSON object");
}

static void test_spec_version(void **state)
{
	json_t *b;

	(void)state;
	is_bad(with(1, "spec_version", NULL), MAL_ID, "spec_version is missing");
	is_bad(with(1, "spec_version", "`2.0`"), MAL_ID, "spec_version is not \"2.1\"");
	is_bad(with(3, "spec_version", "2.1"), REL_ID, "spec_version is not \"2.1\"");
	/* SCOs may leave it out, but not claim another version. */
	is_bad(with(4, "spec_version", "`2.0`"), IPV4_ID, "spec_version is not \"2.1\"");
	/* A 2.0 bundle says so on the bundle. */
	b = load(bundle_text);
	json_object_set_new(b, "spec_version", json_string("2.0"));
	is_bad(b, "", "bundle: spec_version is not \"2.1\"");
}

static void test_timestamps(void **state)
{
	json_t *b;
	static const char *const bad[] = {
		"`2026-11-22T09:54:00`", "`2026-11-22 09:54:00Z`", "`2026-11-22t09:54:00Z`",
		"`2026-02-29T00:00:00Z`", "`2026-11-31T00:00:00Z`", "`2026-13-01T00:00:00Z`",
		"`2026-11-22T24:00:00Z`", "`2026-11-22T09:60:00Z`", "`2026-11-22T09:54:61Z`",
		"`2026-11-22T09:54:00.Z`", "`2026-11-22T09:54:00+00:00`", "`2026-11-22T09:54Z`",
		"`26-11-22T09:54:00Z`", "`2026-11-22T09:54:00.5Zx`", "1795341240", "`2026-1x-22T09:54:00Z`",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_bad(with(2, "created", bad[i]), TA_ID, "created is not a STIX timestamp");
	is_bad(with(0, "valid_from", "`2026-11-22`"), IND_ID, "valid_from is not a STIX timestamp");
	is_bad(with(2, "modified", NULL), TA_ID, "modified is missing");
	is_bad(with(2, "modified", "`2026-11-22T09:53:59.999Z`"), TA_ID,
	       "modified is earlier than created");
	/* .1 is later than .09, whatever the number of digits; .000 is 0. */
	b = with(2, "created", "`2026-11-22T09:54:00.1Z`");
	json_object_set_new(object(b, 2), "modified", json_string("2026-11-22T09:54:00.09Z"));
	is_bad(b, TA_ID, "modified is earlier than created");
	b = with(2, "created", "`2026-11-22T09:54:00.09Z`");
	json_object_set_new(object(b, 2), "modified", json_string("2026-11-22T09:54:00.1Z"));
	is_good(b);
	is_good(with(2, "modified", "`2026-11-22T09:54:00Z`"));
}

static void test_required_properties(void **state)
{
	json_t *b;

	(void)state;
	is_bad(with(1, "is_family", NULL), MAL_ID, "is_family is missing");
	is_bad(with(1, "is_family", "`yes`"), MAL_ID, "is_family is not a boolean");
	is_bad(with(1, "name", NULL), MAL_ID, "name is missing");
	is_bad(with(2, "name", NULL), TA_ID, "name is missing");
	is_bad(with(2, "name", "[`Sandworm`]"), TA_ID, "name is not a string");
	is_bad(with(0, "pattern", NULL), IND_ID, "pattern is missing");
	is_bad(with(0, "pattern_type", NULL), IND_ID, "pattern_type is missing");
	is_bad(with(0, "valid_from", NULL), IND_ID, "valid_from is missing");
	is_bad(with(0, "valid_until", "`2026-11-22T09:54:00Z`"), IND_ID,
	       "valid_until is not later than valid_from");
	is_bad(with(3, "relationship_type", NULL), REL_ID, "relationship_type is missing");
	is_bad(with(3, "target_ref", NULL), REL_ID, "target_ref is missing");
	is_bad(with(12, "name", NULL), IDENT_ID, "name is missing");
	is_bad(with(13, "published", "`yesterday`"), REPORT_ID, "published is not a STIX timestamp");
	is_bad(with(4, "value", "`198.51.100.256`"), IPV4_ID, "value is not an IPv4 address or CIDR block");
	is_bad(with(4, "value", "`198.51.100.0/33`"), IPV4_ID, "value is not an IPv4 address or CIDR block");
	is_bad(with(4, "value", "`198.51.100.0/`"), IPV4_ID, "value is not an IPv4 address or CIDR block");
	is_bad(with(4, "value", "`2001:db8::1`"), IPV4_ID, "value is not an IPv4 address or CIDR block");
	is_bad(with(4, "value", NULL), IPV4_ID, "value is missing");
	is_bad(with(5, "value", "`2001:db8::/129`"), IPV6_ID, "value is not an IPv6 address or CIDR block");
	is_bad(with(6, "value", "7"), DOMAIN_ID, "value is not a string");
	is_bad(with(7, "value", NULL), URL_ID, "value is missing");
	is_bad(with(8, "value", NULL), EMAIL_ID, "value is missing");
	is_bad(with(9, "hashes", "{`SHA-256`:1}"), FILE_ID, "hashes is not a dictionary of strings");
	is_bad(with(10, "number", "-1"), AS_ID, "number is not a non-negative integer");
	b = with(9, "hashes", NULL);
	assert_int_equal(json_object_del(object(b, 9), "name"), 0);
	is_bad(b, FILE_ID, "a file needs hashes or a name");
	/* A custom type gets only the common checks. */
	is_good(with(14, "x_anything", "{`deep`:[1,2,3]}"));
	is_bad(with(14, "created", "`now`"), "x-hotline-case--1d7a3c0e-62f4-4b1a-9f0e-2f1d7c6b5a40",
	       "created is not a STIX timestamp");
}

struct terms {
	char line[40][320];
	size_t n;
	int stop_at;		/* return 7 on this term (1-based), or never */
};

static int collect(void *ctx, const char *id, const char *kind, const char *value)
{
	struct terms *t = ctx;

	assert_true(t->n < 40);
	snprintf(t->line[t->n++], sizeof(t->line[0]), "%s %s %s", id, kind, value);
	return (int)t->n == t->stop_at ? 7 : 0;
}

static void same_terms(struct terms *t, const char *const *want, size_t n)
{
	for (size_t i = 0; i < n && i < t->n; i++)
		assert_string_equal(t->line[i], want[i]);
	assert_int_equal(t->n, n);
}

static void test_terms(void **state)
{
	static const char *const want[] = {
		IND_ID " ipv4-addr:value 203.0.113.7",
		MAL_ID " malware BlackLotus",
		MAL_ID " malware BL-kit",
		TA_ID " threat-actor Sandworm Team",
		IPV4_ID " ipv4-addr:value 198.51.100.3",
		IPV6_ID " ipv6-addr:value 2001:db8::1",
		DOMAIN_ID " domain-name:value evil.example",
		URL_ID " url:value https://evil.example/payload",
		EMAIL_ID " email-addr:value ops@evil.example",
		FILE_ID " file:name dropper.exe",
		FILE_ID " file:hashes.SHA-256 " SHA256,
		AS_ID " autonomous-system:number AS64500",
		MAC_ID " mac-addr:value 00:00:5e:00:53:af",
	};
	/* Values looked for, not ones excluded (!=, NOT) or shapes (LIKE). */
	static const char *const want_pattern[] = {
		IND_ID " file:hashes.SHA-256 aa'b\\c",
		IND_ID " file:name a.exe",
		IND_ID " file:name b.exe",
		IND_ID " autonomous-system:number AS64500",
		IND_ID " network-traffic:dst_ref[*].value 198.51.100.0/24",
	};
	struct terms t = {.n = 0};
	json_t *b = load(bundle_text);

	(void)state;
	assert_int_equal(hl_stix_terms(b, collect, &t), 0);
	same_terms(&t, want, sizeof(want) / sizeof(want[0]));
	/* The callback stops the walk, and its value comes back. */
	memset(&t, 0, sizeof(t));
	t.stop_at = 3;
	assert_int_equal(hl_stix_terms(b, collect, &t), 7);
	assert_int_equal(t.n, 3);
	json_decref(b);

	b = only_indicator(pattern("[file:hashes.'SHA-256' = 'aa\\'b\\\\c' OR file:name IN ('a.exe', '', 'b.exe')]"
		    " AND [domain-name:value != 'good.example' AND url:value NOT = 'x'"
		    " AND url:value LIKE 'http%' AND file:size > 'z' AND file:name NOT IN ('c')]"
		    " FOLLOWEDBY [autonomous-system:number = +64500 AND"
		    " network-traffic:dst_ref[*].value ISSUBSET '198.51.100.0/24']"));
	is_good(json_incref(b));
	memset(&t, 0, sizeof(t));
	assert_int_equal(hl_stix_terms(b, collect, &t), 0);
	same_terms(&t, want_pattern, sizeof(want_pattern) / sizeof(want_pattern[0]));
	json_decref(b);
	/* Another pattern language is not ours to read. */
	b = only_indicator(with(0, "pattern_type", "`snort`"));
	memset(&t, 0, sizeof(t));
	assert_int_equal(hl_stix_terms(b, collect, &t), 0);
	assert_int_equal(t.n, 0);
	json_decref(b);
}

#define BUNDLE2_ID "bundle--07de21b9-7633-4b28-8b2c-3661ab580565"
#define IS_ID "intrusion-set--aaf65701-d0ec-4612-964c-81da4b23597d"

/* A later version of the indicator, the same IPv4 SCO with another
 * value, a version of the malware as recent as the first bundle's, and
 * a new intrusion set. */
static const char bundle2_text[] =
	"{`type`:`bundle`,`id`:`" BUNDLE2_ID "`,`objects`:["
	"{`type`:`indicator`,`spec_version`:`2.1`,`id`:`" IND_ID "`,"
	"`created`:`2026-11-22T09:54:00.000Z`,`modified`:`2026-11-23T08:00:00Z`,"
	"`pattern`:`[ipv4-addr:value = '203.0.113.8']`,`pattern_type`:`stix`,"
	"`valid_from`:`2026-11-22T09:54:00Z`},"
	"{`type`:`ipv4-addr`,`id`:`" IPV4_ID "`,`value`:`198.51.100.4`},"
	SDO("malware", MAL_ID) ",`name`:`Other name`,`is_family`:true},"
	SDO("intrusion-set", IS_ID) ",`name`:`APT-Example`}"
	"]}";

static const char *member(json_t *bundle, size_t i, const char *key)
{
	return json_string_value(json_object_get(object(bundle, i), key));
}

static void test_merge(void **state)
{
	json_t *a = load(bundle_text), *b = load(bundle2_text), *m, *again;
	json_t *ab[2] = {a, b}, *ba[2] = {b, a};
	const char *id;

	(void)state;
	m = hl_stix_merge(ab, 2);
	assert_non_null(m);
	is_good(json_incref(m));
	id = json_string_value(json_object_get(m, "id"));
	assert_non_null(id);
	assert_string_not_equal(id, BUNDLE_ID);
	assert_string_not_equal(id, BUNDLE2_ID);
	assert_int_equal(json_array_size(json_object_get(m, "objects")), 16);
	assert_string_equal(member(m, 0, "pattern"), "[ipv4-addr:value = '203.0.113.8']");
	assert_string_equal(member(m, 1, "name"), "BlackLotus");	/* a tie: first */
	assert_string_equal(member(m, 4, "value"), "198.51.100.3");	/* SCO: first */
	assert_string_equal(member(m, 15, "id"), IS_ID);
	/* The merged objects are copies. */
	json_object_set_new(object(m, 2), "name", json_string("changed"));
	assert_string_equal(member(a, 2, "name"), "Sandworm Team");

	again = hl_stix_merge(ba, 2);
	assert_non_null(again);
	is_good(json_incref(again));
	assert_string_not_equal(json_string_value(json_object_get(again, "id")), id);
	assert_int_equal(json_array_size(json_object_get(again, "objects")), 16);
	assert_string_equal(member(again, 0, "pattern"), "[ipv4-addr:value = '203.0.113.8']");
	assert_string_equal(member(again, 1, "value"), "198.51.100.4");
	assert_string_equal(member(again, 2, "name"), "Other name");
	json_decref(again);
	json_decref(m);

	/* Nothing to merge: a bundle without objects, which is still STIX. */
	m = hl_stix_merge(NULL, 0);
	assert_non_null(m);
	assert_null(json_object_get(m, "objects"));
	is_good(m);
	json_decref(a);
	json_decref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_bundle),
		cmocka_unit_test(test_patterns_accepted),
		cmocka_unit_test(test_patterns_refused),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_bad_ids),
		cmocka_unit_test(test_spec_version),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_required_properties),
		cmocka_unit_test(test_terms),
		cmocka_unit_test(test_merge),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("stix", tests, NULL, NULL);
}
