/* test_stixfeed.c - STIX objects as a feed serves them (stixfeed.h):
 * TLP levels and OASIS's marking ids, timestamps to microseconds,
 * versions, the effective level, the object as served, the parties'
 * identities and the marking definitions.
 *
 * Fixtures are written with ` for " so they read as JSON; load() swaps
 * them back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "error.h"
#include "stixfeed.h"

#define IND_ID "indicator--fa341487-12ff-428b-ba06-06eaeb841773"
#define CREATOR "identity--3012e599-bdc4-4fc3-9af2-428419d0f742"
#define TLP2_AMBER "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
#define TLP2_RED "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
#define TLP2_CLEAR "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
#define TLP1_GREEN "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
#define TLP1_WHITE "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
#define STATEMENT "marking-definition--ad2caa47-58fd-4491-8b1d-e1bb3e7a2d17"

static json_t *load(const char *text)
{
	char *s = strdup(text);
	json_error_t e;
	json_t *j;

	assert_non_null(s);
	for (char *p = s; *p; p++)
		if (*p == '`')
			*p = '"';
	j = json_loads(s, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		fail_msg("fixture: %s at %d: %s", e.text, e.position, s);
	free(s);
	return j;
}

/* j as compact text with sorted keys, for comparing; freed by the
 * caller. */
static char *text(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);

	assert_non_null(s);
	for (char *p = s; *p; p++)
		if (*p == '"')
			*p = '`';
	return s;
}

static void assert_json(const json_t *j, const char *want)
{
	char *s = text(j);

	if (strcmp(s, want) != 0)
		fail_msg("got  %s\nwant %s", s, want);
	free(s);
}

static void test_levels(void **state)
{
	(void)state;
	assert_int_equal(hl_stixfeed_level("TLP:CLEAR"), HL_TLP_CLEAR);
	assert_int_equal(hl_stixfeed_level("TLP:GREEN"), HL_TLP_GREEN);
	assert_int_equal(hl_stixfeed_level("TLP:AMBER"), HL_TLP_AMBER);
	assert_int_equal(hl_stixfeed_level("TLP:AMBER+STRICT"), HL_TLP_AMBER_STRICT);
	assert_int_equal(hl_stixfeed_level("TLP:RED"), HL_TLP_RED);
	/* No handling, or none TLP 2.0 knows: amber. */
	assert_int_equal(hl_stixfeed_level(NULL), HL_TLP_AMBER);
	assert_int_equal(hl_stixfeed_level("TLP:WHITE"), HL_TLP_AMBER);
	assert_string_equal(hl_stixfeed_level_name(HL_TLP_AMBER_STRICT), "amber+strict");
	assert_null(hl_stixfeed_level_name(HL_TLP_LEVELS));
	assert_null(hl_stixfeed_level_name(-1));
	/* OASIS's ids, each to its level and back. */
	assert_string_equal(hl_stixfeed_marking_id(HL_TLP_RED), TLP2_RED);
	assert_string_equal(hl_stixfeed_marking_id(HL_TLP_AMBER), TLP2_AMBER);
	assert_null(hl_stixfeed_marking_id(5));
	for (int l = 0; l < HL_TLP_LEVELS; l++)
		assert_int_equal(hl_stixfeed_marking_level(hl_stixfeed_marking_id(l)), l);
	assert_int_equal(hl_stixfeed_marking_level(TLP1_GREEN), HL_TLP_GREEN);
	assert_int_equal(hl_stixfeed_marking_level(TLP1_WHITE), HL_TLP_CLEAR);
	assert_int_equal(hl_stixfeed_marking_level(STATEMENT), -1);
	assert_int_equal(hl_stixfeed_marking_level(NULL), -1);
}

static void test_time(void **state)
{
	int64_t us = -1;

	(void)state;
	assert_int_equal(hl_stixfeed_time("2026-11-22T09:54:00Z", &us), 0);
	assert_int_equal(us, 1795341240000000LL);
	assert_int_equal(hl_stixfeed_time("2026-11-22T09:54:00.1Z", &us), 0);
	assert_int_equal(us, 1795341240100000LL);
	assert_int_equal(hl_stixfeed_time("2026-11-22T09:54:00.123456Z", &us), 0);
	assert_int_equal(us, 1795341240123456LL);
	/* Past microseconds, the digits are cut. */
	assert_int_equal(hl_stixfeed_time("2026-11-22T09:54:00.1234569Z", &us), 0);
	assert_int_equal(us, 1795341240123456LL);
	us = 7;
	assert_int_equal(hl_stixfeed_time("2026-11-22T09:54:00.Z", &us), -HL_ETIME);
	assert_int_equal(hl_stixfeed_time("2026-11-22T09:54:00", &us), -HL_ETIME);
	assert_int_equal(hl_stixfeed_time("2026-11-22T09:54:00.5", &us), -HL_ETIME);
	assert_int_equal(hl_stixfeed_time("2026-11-22 09:54:00Z", &us), -HL_ETIME);
	assert_int_equal(hl_stixfeed_time("2026-02-30T09:54:00Z", &us), -HL_ETIME);
	assert_int_equal(hl_stixfeed_time("2026-11-22T09:54:00.1x2Z", &us), -HL_ETIME);
	assert_int_equal(hl_stixfeed_time("1969-12-31T23:59:59Z", &us), -HL_ETIME);
	assert_int_equal(hl_stixfeed_time("", &us), -HL_ETIME);
	assert_int_equal(us, 7);
}

static void test_version(void **state)
{
	json_t *o = load("{`created`:`2026-11-22T09:54:00Z`,`modified`:`2026-11-22T10:00:00.5Z`}");
	const char *t;
	int64_t us;

	(void)state;
	hl_stixfeed_version(o, &us, &t);
	assert_int_equal(us, 1795341600500000LL);
	assert_string_equal(t, "2026-11-22T10:00:00.5Z");
	json_object_del(o, "modified");
	hl_stixfeed_version(o, &us, &t);
	assert_int_equal(us, 1795341240000000LL);
	assert_string_equal(t, "2026-11-22T09:54:00Z");
	json_object_del(o, "created");	/* an SCO */
	hl_stixfeed_version(o, &us, &t);
	assert_int_equal(us, 0);
	assert_null(t);
	json_decref(o);
}

static void test_object_level(void **state)
{
	json_t *o = load("{`object_marking_refs`:[`" STATEMENT "`,`" TLP2_RED "`]}");
	json_t *g = load("{`object_marking_refs`:[`" TLP1_GREEN "`]}");
	json_t *none = load("{`object_marking_refs`:`not a list`}");

	(void)state;
	assert_int_equal(hl_stixfeed_object_level(o, HL_TLP_AMBER), HL_TLP_RED);
	/* A weaker marking does not lower the message's level. */
	assert_int_equal(hl_stixfeed_object_level(g, HL_TLP_AMBER), HL_TLP_AMBER);
	assert_int_equal(hl_stixfeed_object_level(g, HL_TLP_CLEAR), HL_TLP_GREEN);
	assert_int_equal(hl_stixfeed_object_level(none, HL_TLP_GREEN), HL_TLP_GREEN);
	json_decref(o);
	json_decref(g);
	json_decref(none);
}

#define SDO "{`type`:`indicator`,`spec_version`:`2.1`,`id`:`" IND_ID "`," \
	    "`created`:`2026-11-22T09:54:00.000Z`,`modified`:`2026-11-22T09:54:00.000Z`"

static void test_served(void **state)
{
	json_t *o = load(SDO ",`object_marking_refs`:[`" TLP1_GREEN "`,`" STATEMENT "`],"
			 "`external_references`:[{`source_name`:`cve`,`external_id`:`CVE-2026-1`}]}");
	json_t *s;

	(void)state;
	s = hl_stixfeed_served(o, HL_TLP_AMBER, CREATOR, "eg-cert#4");
	assert_non_null(s);
	assert_json(s, "{`created`:`2026-11-22T09:54:00.000Z`,`created_by_ref`:`" CREATOR "`,"
		    "`external_references`:[{`external_id`:`CVE-2026-1`,`source_name`:`cve`},"
		    "{`external_id`:`eg-cert#4`,`source_name`:`hotline`}],"
		    "`id`:`" IND_ID "`,`modified`:`2026-11-22T09:54:00.000Z`,"
		    "`object_marking_refs`:[`" STATEMENT "`,`" TLP2_AMBER "`],"
		    "`spec_version`:`2.1`,`type`:`indicator`}");
	json_decref(s);
	/* The original is untouched. */
	assert_int_equal(json_array_size(json_object_get(o, "object_marking_refs")), 2);
	json_decref(o);

	/* A creator of its own stays; no case, no reference. */
	o = load(SDO ",`created_by_ref`:`identity--11111111-1111-4111-8111-111111111111`}");
	s = hl_stixfeed_served(o, HL_TLP_RED, CREATOR, NULL);
	assert_json(s, "{`created`:`2026-11-22T09:54:00.000Z`,"
		    "`created_by_ref`:`identity--11111111-1111-4111-8111-111111111111`,"
		    "`id`:`" IND_ID "`,`modified`:`2026-11-22T09:54:00.000Z`,"
		    "`object_marking_refs`:[`" TLP2_RED "`],`spec_version`:`2.1`,`type`:`indicator`}");
	json_decref(s);
	json_decref(o);

	/* An SCO gets the marking only. */
	o = load("{`type`:`ipv4-addr`,`id`:`ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd`,"
		 "`value`:`198.51.100.3`}");
	s = hl_stixfeed_served(o, HL_TLP_CLEAR, CREATOR, "eg-cert#4");
	assert_json(s, "{`id`:`ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd`,"
		    "`object_marking_refs`:[`" TLP2_CLEAR "`],`type`:`ipv4-addr`,"
		    "`value`:`198.51.100.3`}");
	json_decref(s);
	json_decref(o);

	/* A marking definition is served as it came. */
	o = load("{`type`:`marking-definition`,`spec_version`:`2.1`,`id`:`" STATEMENT "`,"
		 "`created`:`2026-11-22T09:54:00.000Z`,`definition_type`:`statement`,"
		 "`definition`:{`statement`:`Copyright`}}");
	s = hl_stixfeed_served(o, HL_TLP_RED, CREATOR, "eg-cert#4");
	assert_true(json_equal(s, o));
	json_decref(s);
	assert_null(hl_stixfeed_served(o, HL_TLP_LEVELS, CREATOR, NULL));
	json_decref(o);
}

static void test_identity(void **state)
{
	char id[HL_STIXFEED_ID_LEN + 1], other[HL_STIXFEED_ID_LEN + 1];
	json_t *j;

	(void)state;
	hl_stixfeed_identity_id("eg-cert", id);
	assert_int_equal(strlen(id), HL_STIXFEED_ID_LEN);
	/* SHA-256("hotline identity\0eg-cert"), version and variant set
	 * (golden: t0230 computes it the same way with Perl). */
	assert_string_equal(id, "identity--2964a73c-28f3-4b28-b18f-6c52d7a7b3db");
	assert_int_equal(id[24], '4');
	assert_non_null(strchr("89ab", id[29]));
	hl_stixfeed_identity_id("ru-cert", other);
	assert_string_not_equal(id, other);
	j = hl_stixfeed_identity("eg-cert");
	assert_json(j, "{`created`:`2000-01-01T00:00:00.000Z`,`id`:`" "identity--2964a73c-28f3-"
		    "4b28-b18f-6c52d7a7b3db`,`identity_class`:`organization`,"
		    "`modified`:`2000-01-01T00:00:00.000Z`,`name`:`eg-cert`,"
		    "`spec_version`:`2.1`,`type`:`identity`}");
	json_decref(j);
}

static void test_marking(void **state)
{
	json_t *j = hl_stixfeed_marking(HL_TLP_AMBER_STRICT);

	(void)state;
	assert_json(j, "{`created`:`2022-10-01T00:00:00.000Z`,`extensions`:{"
		    "`extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d`:{"
		    "`extension_type`:`property-extension`,`tlp_2_0`:`amber+strict`}},"
		    "`id`:`marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003`,"
		    "`name`:`TLP:AMBER+STRICT`,`spec_version`:`2.1`,`type`:`marking-definition`}");
	json_decref(j);
	assert_null(hl_stixfeed_marking(-1));
	assert_null(hl_stixfeed_marking(HL_TLP_LEVELS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_version),
		cmocka_unit_test(test_object_level),
		cmocka_unit_test(test_served),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_marking),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
