/* fuzz_misp.c - libFuzzer target for the MISP event of a bundle.
 *
 * Any input is tried as a bundle (JSON) and, when it is UTF-8 (as every
 * string jansson parsed is), as the STIX pattern of an indicator marked
 * TLP:RED.  Whatever it holds, an event is made (the
 * case is complete), every attribute has a uuid, a category and type
 * from the module's table and a non-empty value, and making it again
 * gives the same bytes.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "misp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char indicator[] =
	"{\"type\":\"bundle\",\"id\":\"bundle--f43d105a-e88c-4d9f-8577-33d779593099\","
	"\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\","
	"\"id\":\"indicator--fa341487-12ff-428b-ba06-06eaeb841773\","
	"\"created\":\"2026-11-22T09:54:00Z\",\"modified\":\"2026-11-22T09:54:00Z\","
	"\"object_marking_refs\":[\"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1\"],"
	"\"pattern_type\":\"stix\",\"valid_from\":\"2026-11-22T09:54:00Z\"}]}";

static const struct hl_misp_case the_case = {
	.id = "eg-cert#1", .to = "ru-cert", .title = "fuzz", .opener = "eg-cert",
	.opener_uuid = "5b1e9c3a-6f0e-4c1d-9a57-0d4f8e2b7c11",
	.category = "malicious-code/c2-server", .tlp = "TLP:AMBER", .severity = "high",
	.opened = 1795341600, .last = 1795345200,
};

static void try_bundle(const json_t *b)
{
	json_t *e1 = hl_misp_event(&the_case, b), *e2 = hl_misp_event(&the_case, b), *a;
	char *s1, *s2;
	size_t i;

	assert(e1 && e2);
	json_array_foreach(json_object_get(json_object_get(e1, "Event"), "Attribute"), i, a) {
		const char *v = json_string_value(json_object_get(a, "value"));

		assert(strlen(json_string_value(json_object_get(a, "uuid"))) == HL_MISP_UUID_LEN);
		assert(json_string_value(json_object_get(a, "category")));
		assert(json_string_value(json_object_get(a, "type")));
		assert(v && v[0]);
	}
	s1 = json_dumps(e1, JSON_SORT_KEYS);
	s2 = json_dumps(e2, JSON_SORT_KEYS);
	assert(s1 && s2 && strcmp(s1, s2) == 0);
	free(s1);
	free(s2);
	json_decref(e1);
	json_decref(e2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *b = json_loadb((const char *)data, size, 0, NULL);
	json_t *t = json_loads(indicator, 0, NULL), *p = json_stringn((const char *)data, size);

	if (b) {
		try_bundle(b);
		json_decref(b);
	}
	assert(t);
	if (p) {
		assert(json_object_set_new(json_array_get(json_object_get(t, "objects"), 0),
					   "pattern", p) == 0);
		try_bundle(t);
	}
	json_decref(t);
	return 0;
}
