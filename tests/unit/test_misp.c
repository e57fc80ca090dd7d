/* test_misp.c - a case and its bundle as a MISP event.
 *
 * Fixtures are written with ` for " so they read as JSON; load() swaps
 * them back.  Patterns use ' as STIX does.
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

#include "misp.h"
#include "vocab.h"

#define ORG_UUID "5b1e9c3a-6f0e-4c1d-9a57-0d4f8e2b7c11"
#define RED "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
#define AMBER "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
#define TIMES "`created`:`2026-11-22T10:00:00.000Z`,`modified`:`2026-11-22T10:30:00.500Z`"
#define IND(n, pattern, extra) "{`type`:`indicator`,`spec_version`:`2.1`," \
	"`id`:`indicator--" n "`," TIMES ",`pattern_type`:`stix`," \
	"`valid_from`:`2026-11-22T10:00:00Z`,`pattern`:`" pattern "`" extra "}"

static const char bundle_text[] =
	"{`type`:`bundle`,`id`:`bundle--f43d105a-e88c-4d9f-8577-33d779593099`,`objects`:["
	IND("00000000-0000-4000-8000-000000000001", "[ipv4-addr:value = '203.0.113.7']",
	    ",`name`:`ransomware C2`")
	"," IND("00000000-0000-4000-8000-000000000002",
	       "[domain-name:value = 'Evil.Example' OR url:value = 'https://evil.example/x']"
	       " OR [file:hashes.'SHA-256' = "
	       "'4BF2A7AC5C4FF7A6CD5EE1D1AB9AD4B1B2B7B38B8AE5FB79F3B8AE1F48D7E5C0']", "")
	"," IND("00000000-0000-4000-8000-000000000003",
	       "[file:name = 'a.exe' AND file:size = 3]", "")
	"," IND("00000000-0000-4000-8000-000000000004",
	       "[ipv4-addr:value = '198.51.100.9'] WITHIN 60 SECONDS", "")
	"," IND("00000000-0000-4000-8000-000000000005", "[file:hashes.MD5 = 'abc']", "")
	"," IND("00000000-0000-4000-8000-000000000006", "[email-addr:value = 'x@evil.example']",
	       ",`object_marking_refs`:[`" RED "`]")
	",{`type`:`ipv4-addr`,`id`:`ipv4-addr--00000000-0000-4000-8000-000000000010`,"
	"`value`:`203.0.113.7`}"
	",{`type`:`ipv4-addr`,`id`:`ipv4-addr--00000000-0000-4000-8000-000000000011`,"
	"`value`:`192.0.2.1`,`object_marking_refs`:[`" AMBER "`,`" RED "`]}"
	",{`type`:`ipv4-addr`,`id`:`ipv4-addr--00000000-0000-4000-8000-000000000012`,"
	"`value`:`192.0.2.2`,`object_marking_refs`:[`" AMBER "`]}"
	",{`type`:`file`,`id`:`file--00000000-0000-4000-8000-000000000013`,`name`:`drop.dll`,"
	"`hashes`:{`MD5`:`D41D8CD98F00B204E9800998ECF8427E`,`SHA-1`:`nothex`}}"
	",{`type`:`threat-actor`,`spec_version`:`2.1`,"
	"`id`:`threat-actor--00000000-0000-4000-8000-000000000014`," TIMES ",`name`:`Sandworm`}"
	",{`type`:`vulnerability`,`spec_version`:`2.1`,"
	"`id`:`vulnerability--00000000-0000-4000-8000-000000000015`," TIMES ",`name`:`CVE-2024-3094`}"
	",{`type`:`vulnerability`,`spec_version`:`2.1`,"
	"`id`:`vulnerability--00000000-0000-4000-8000-000000000016`," TIMES ",`name`:`log4shell`}"
	",{`type`:`malware`,`spec_version`:`2.1`,"
	"`id`:`malware--00000000-0000-4000-8000-000000000017`," TIMES ",`name`:`LockBit`,"
	"`is_family`:true}"
	"]}";

static json_t *load(const char *text)
{
	char *s = strdup(text);
	json_error_t err;
	json_t *j;

	assert_non_null(s);
	for (char *p = s; *p; p++)
		if (*p == '`')
			*p = '"';
	j = json_loads(s, 0, &err);
	if (!j)
		fail_msg("fixture: %s at %d", err.text, err.position);
	free(s);
	return j;
}

static struct hl_misp_case the_case(void)
{
	return (struct hl_misp_case){
		.id = "eg-cert#1", .to = "ru-cert", .title = "Ransomware C2\nsecond line",
		.opener = "eg-cert", .opener_uuid = ORG_UUID,
		.category = "malicious-code/c2-server", .tlp = "TLP:AMBER", .severity = "high",
		.closed = false, .opened = 1795341600, .last = 1795345200,
	};
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s)
		fail_msg("%s: not a string", key);
	return s;
}

/* The attribute of this type and value, or NULL. */
static json_t *find(const json_t *ev, const char *type, const char *value)
{
	json_t *a;
	size_t i;

	json_array_foreach(json_object_get(ev, "Attribute"), i, a)
		if (!strcmp(str(a, "type"), type) && !strcmp(str(a, "value"), value))
			return a;
	return NULL;
}

static json_t *export(const struct hl_misp_case *c, const json_t *b)
{
	json_t *top = hl_misp_event(c, b), *ev;

	assert_non_null(top);
	assert_int_equal(json_object_size(top), 1);
	ev = json_incref(json_object_get(top, "Event"));
	assert_non_null(ev);
	json_decref(top);
	return ev;
}

static bool uuid_shape(const char *u)
{
	if (strlen(u) != 36 || u[14] != '4' || !strchr("89ab", u[19]))
		return false;
	for (int i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? u[i] != '-' :
		    !strchr("0123456789abcdef", u[i]))
			return false;
	return true;
}

static void test_event_fields(void **state)
{
	struct hl_misp_case c = the_case();
	json_t *b = load(bundle_text), *ev = export(&c, b), *tags;

	(void)state;
	assert_true(uuid_shape(str(ev, "uuid")));
	assert_string_equal(str(ev, "info"), "eg-cert#1: Ransomware C2");
	assert_string_equal(str(ev, "date"), "2026-11-22");
	assert_string_equal(str(ev, "threat_level_id"), "1");
	assert_string_equal(str(ev, "analysis"), "1");
	assert_string_equal(str(ev, "distribution"), "0");
	assert_string_equal(str(ev, "sharing_group_id"), "0");
	assert_string_equal(str(ev, "publish_timestamp"), "0");
	assert_true(json_is_false(json_object_get(ev, "published")));
	/* The case's last message, later than every object. */
	assert_string_equal(str(ev, "timestamp"), "1795345200");
	assert_string_equal(str(json_object_get(ev, "Orgc"), "name"), "eg-cert");
	assert_string_equal(str(json_object_get(ev, "Orgc"), "uuid"), ORG_UUID);
	tags = json_object_get(ev, "Tag");
	assert_int_equal(json_array_size(tags), 2);
	assert_string_equal(str(json_array_get(tags, 0), "name"), "tlp:amber");
	assert_string_equal(str(json_array_get(tags, 1), "name"),
			    "rsit:malicious-code=\"c2-server\"");
	assert_true(json_is_true(json_object_get(json_array_get(tags, 1), "exportable")));
	{
		char n[24];

		snprintf(n, sizeof(n), "%zu", json_array_size(json_object_get(ev, "Attribute")));
		assert_string_equal(str(ev, "attribute_count"), n);
	}
	json_decref(ev);
	json_decref(b);
}

static void test_simple_patterns(void **state)
{
	struct hl_misp_case c = the_case();
	json_t *b = load(bundle_text), *ev = export(&c, b), *a;

	(void)state;
	/* One comparison; the same address as an SCO joins it. */
	a = find(ev, "ip-dst", "203.0.113.7");
	assert_non_null(a);
	assert_string_equal(str(a, "category"), "Network activity");
	assert_true(json_is_true(json_object_get(a, "to_ids")));
	assert_string_equal(str(a, "comment"),
			    "indicator--00000000-0000-4000-8000-000000000001: ransomware C2");
	assert_string_equal(str(a, "timestamp"), "1795343400");
	assert_string_equal(str(a, "distribution"), "5");
	assert_null(json_object_get(a, "Tag"));
	assert_true(uuid_shape(str(a, "uuid")));
	/* ORs, inside and between brackets: one attribute each, domains
	 * and hashes lower-cased as MISP keeps them. */
	assert_non_null(find(ev, "domain", "evil.example"));
	assert_non_null(find(ev, "url", "https://evil.example/x"));
	a = find(ev, "sha256", "4bf2a7ac5c4ff7a6cd5ee1d1ab9ad4b1b2b7b38b8ae5fb79f3b8ae1f48d7e5c0");
	assert_non_null(a);
	assert_string_equal(str(a, "category"), "Payload delivery");
	json_decref(ev);
	json_decref(b);
}

static void test_other_patterns(void **state)
{
	struct hl_misp_case c = the_case();
	json_t *b = load(bundle_text), *ev = export(&c, b), *a;

	(void)state;
	/* AND, a qualifier, or a value MISP would refuse: the whole pattern. */
	a = find(ev, "stix2-pattern", "[file:name = 'a.exe' AND file:size = 3]");
	assert_non_null(a);
	assert_true(json_is_true(json_object_get(a, "to_ids")));
	assert_string_equal(str(a, "category"), "Network activity");
	assert_non_null(find(ev, "stix2-pattern",
			     "[ipv4-addr:value = '198.51.100.9'] WITHIN 60 SECONDS"));
	assert_null(find(ev, "ip-dst", "198.51.100.9"));
	assert_non_null(find(ev, "stix2-pattern", "[file:hashes.MD5 = 'abc']"));
	assert_null(find(ev, "md5", "abc"));
	json_decref(ev);
	json_decref(b);
}

static void test_observables(void **state)
{
	struct hl_misp_case c = the_case();
	json_t *b = load(bundle_text), *ev = export(&c, b), *a;

	(void)state;
	a = find(ev, "ip-dst", "192.0.2.2");
	assert_non_null(a);
	assert_true(json_is_false(json_object_get(a, "to_ids")));
	assert_string_equal(str(a, "comment"), "ipv4-addr--00000000-0000-4000-8000-000000000012");
	/* An SCO has no time of its own: the case's opening. */
	assert_string_equal(str(a, "timestamp"), "1795341600");
	assert_non_null(find(ev, "filename", "drop.dll"));
	assert_non_null(find(ev, "md5", "d41d8cd98f00b204e9800998ecf8427e"));
	assert_null(find(ev, "sha1", "nothex"));
	a = find(ev, "threat-actor", "Sandworm");
	assert_non_null(a);
	assert_string_equal(str(a, "category"), "Attribution");
	assert_non_null(find(ev, "vulnerability", "CVE-2024-3094"));
	assert_null(find(ev, "vulnerability", "log4shell"));
	/* Each value once: the SCO 203.0.113.7 joined the indicator's. */
	{
		size_t i, n = 0;
		json_t *x;

		json_array_foreach(json_object_get(ev, "Attribute"), i, x)
			n += !strcmp(str(x, "value"), "203.0.113.7");
		assert_int_equal(n, 1);
	}
	json_decref(ev);

	/* The SCO seen later than the indicator: the value takes its time,
	 * and the event is not older than any of its attributes. */
	c.opened = 1795350000;
	ev = export(&c, b);
	assert_string_equal(str(find(ev, "ip-dst", "203.0.113.7"), "timestamp"), "1795350000");
	assert_true(json_is_true(json_object_get(find(ev, "ip-dst", "203.0.113.7"), "to_ids")));
	assert_string_equal(str(ev, "timestamp"), "1795350000");
	json_decref(ev);
	json_decref(b);
}

static void test_stricter_tlp(void **state)
{
	struct hl_misp_case c = the_case();
	json_t *b = load(bundle_text), *ev = export(&c, b), *a, *tags;

	(void)state;
	/* Marked RED besides the case's AMBER: its own tag. */
	a = find(ev, "ip-dst", "192.0.2.1");
	assert_non_null(a);
	tags = json_object_get(a, "Tag");
	assert_int_equal(json_array_size(tags), 1);
	assert_string_equal(str(json_array_get(tags, 0), "name"), "tlp:red");
	assert_string_equal(str(a, "distribution"), "0");
	a = find(ev, "email-src", "x@evil.example");
	assert_non_null(a);
	assert_string_equal(str(json_array_get(json_object_get(a, "Tag"), 0), "name"), "tlp:red");
	/* Marked as the case is: it inherits the event's. */
	assert_null(json_object_get(find(ev, "ip-dst", "192.0.2.2"), "Tag"));
	json_decref(ev);

	/* A CLEAR case: AMBER objects now stand out too, and the event is
	 * for all communities. */
	c.tlp = "TLP:CLEAR";
	ev = export(&c, b);
	assert_string_equal(str(ev, "distribution"), "3");
	a = find(ev, "ip-dst", "192.0.2.2");
	assert_string_equal(str(json_array_get(json_object_get(a, "Tag"), 0), "name"), "tlp:amber");
	json_decref(ev);
	json_decref(b);
}

static void test_deterministic(void **state)
{
	struct hl_misp_case c = the_case();
	json_t *b = load(bundle_text), *e1 = hl_misp_event(&c, b), *e2 = hl_misp_event(&c, b);
	char *s1 = json_dumps(e1, JSON_SORT_KEYS), *s2 = json_dumps(e2, JSON_SORT_KEYS);
	json_t *other;

	(void)state;
	assert_string_equal(s1, s2);
	c.id = "eg-cert#2";
	other = export(&c, b);
	assert_string_not_equal(str(json_object_get(e1, "Event"), "uuid"), str(other, "uuid"));
	assert_string_not_equal(
		str(find(json_object_get(e1, "Event"), "ip-dst", "192.0.2.2"), "uuid"),
		str(find(other, "ip-dst", "192.0.2.2"), "uuid"));
	free(s1);
	free(s2);
	json_decref(e1);
	json_decref(e2);
	json_decref(other);
	json_decref(b);
}

static void test_case_fields(void **state)
{
	struct hl_misp_case c = the_case();
	char long_title[1200];
	json_t *ev;

	(void)state;
	/* No bundle, no TLP, no category, no severity, closed. */
	c.tlp = "";
	c.category = "";
	c.severity = "";
	c.closed = true;
	ev = export(&c, NULL);
	assert_int_equal(json_array_size(json_object_get(ev, "Attribute")), 0);
	assert_int_equal(json_array_size(json_object_get(ev, "Tag")), 0);
	assert_string_equal(str(ev, "threat_level_id"), "4");
	assert_string_equal(str(ev, "analysis"), "2");
	assert_string_equal(str(ev, "distribution"), "0");
	assert_string_equal(str(ev, "attribute_count"), "0");
	json_decref(ev);
	c.severity = "low";
	/* info: at most 256 characters, whole UTF-8 sequences. */
	for (size_t i = 0; i + 2 < sizeof(long_title); i += 2)
		memcpy(long_title + i, "\xc3\xa9", 2);
	long_title[sizeof(long_title) - 2] = 0;
	c.title = long_title;
	ev = export(&c, NULL);
	assert_string_equal(str(ev, "threat_level_id"), "3");
	assert_int_equal(strlen(str(ev, "info")), strlen("eg-cert#1: ") + 2 * (256 - 11));
	json_decref(ev);
	c.title = "";
	ev = export(&c, NULL);
	assert_string_equal(str(ev, "info"), "eg-cert#1");
	json_decref(ev);
	/* An incomplete case makes no event. */
	c.opener_uuid = "short";
	assert_null(hl_misp_event(&c, NULL));
	c.opener_uuid = ORG_UUID;
	c.to = NULL;
	assert_null(hl_misp_event(&c, NULL));
}

static void test_marking_in_bundle(void **state)
{
	struct hl_misp_case c = the_case();
	json_t *b = load("{`type`:`bundle`,`id`:`bundle--f43d105a-e88c-4d9f-8577-33d779593099`,"
			 "`objects`:[{`type`:`marking-definition`,`spec_version`:`2.1`,"
			 "`id`:`marking-definition--00000000-0000-4000-8000-0000000000aa`,"
			 "`created`:`2026-01-01T00:00:00Z`,`definition_type`:`tlp`,"
			 "`definition`:{`tlp`:`red`}},"
			 "{`type`:`domain-name`,`id`:`domain-name--00000000-0000-4000-8000-0000000000ab`,"
			 "`value`:`c2.example`,`object_marking_refs`:"
			 "[`marking-definition--00000000-0000-4000-8000-0000000000aa`]},"
			 "{`type`:`domain-name`,`id`:`domain-name--00000000-0000-4000-8000-0000000000ac`,"
			 "`value`:`not a domain`}]}");
	json_t *ev = export(&c, b), *a;

	(void)state;
	a = find(ev, "domain", "c2.example");
	assert_non_null(a);
	assert_string_equal(str(json_array_get(json_object_get(a, "Tag"), 0), "name"), "tlp:red");
	assert_int_equal(json_array_size(json_object_get(ev, "Attribute")), 1);
	json_decref(ev);
	json_decref(b);
}

/* Every category code is an RSIT machine tag, and every TLP label a
 * tag of MISP's tlp taxonomy. */
static void test_vocabularies(void **state)
{
	struct hl_misp_case c = the_case();
	const struct hl_term *t;
	char want[160];
	size_t n;

	(void)state;
	t = hl_vocab_terms(HL_VOCAB_CATEGORY, &n);
	for (size_t i = 0; i < n; i++) {
		const char *slash = strchr(t[i].code, '/');
		json_t *ev;

		c.category = t[i].code;
		ev = export(&c, NULL);
		snprintf(want, sizeof(want), "rsit:%.*s=\"%s\"", (int)(slash - t[i].code),
			 t[i].code, slash + 1);
		assert_string_equal(str(json_array_get(json_object_get(ev, "Tag"), 1), "name"), want);
		json_decref(ev);
	}
	t = hl_vocab_terms(HL_VOCAB_TLP, &n);
	for (size_t i = 0; i < n; i++) {
		json_t *ev;

		c.tlp = t[i].code;
		ev = export(&c, NULL);
		snprintf(want, sizeof(want), "tlp:%s", t[i].code + 4);
		for (char *p = want; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		assert_string_equal(str(json_array_get(json_object_get(ev, "Tag"), 0), "name"), want);
		json_decref(ev);
	}
}

static void test_uuid(void **state)
{
	const char *a[] = {"x", "y"}, *b[] = {"xy"}, *c[] = {"x\ny"};
	char u1[HL_MISP_UUID_LEN + 1], u2[HL_MISP_UUID_LEN + 1], u3[HL_MISP_UUID_LEN + 1];

	(void)state;
	hl_misp_uuid(a, 2, u1);
	hl_misp_uuid(b, 1, u2);
	hl_misp_uuid(c, 1, u3);
	assert_true(uuid_shape(u1));
	assert_string_not_equal(u1, u2);
	/* Each part is counted: "x","y" is not "x\ny", whatever it holds. */
	assert_string_not_equal(u1, u3);
	/* A golden value, so a change of derivation is a visible diff. */
	hl_misp_uuid(b, 1, u2);
	assert_string_equal(u2, "da9639fd-c8d7-4abe-9531-591d4ab831b8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_fields),
		cmocka_unit_test(test_simple_patterns),
		cmocka_unit_test(test_other_patterns),
		cmocka_unit_test(test_observables),
		cmocka_unit_test(test_stricter_tlp),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_case_fields),
		cmocka_unit_test(test_marking_in_bundle),
		cmocka_unit_test(test_vocabularies),
		cmocka_unit_test(test_uuid),
	};

	return cmocka_run_group_tests_name("misp", tests, NULL, NULL);
}
