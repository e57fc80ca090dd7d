/* test_schema.c - docs/content.schema.json says what the code does.
 *
 * The JSON Schema of message content is documentation for other
 * implementations; this test keeps it true: its vocabularies are
 * vocab.c's, in order, and its rule for each type is hl_content_rule's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "content.h"
#include "vocab.h"

static json_t *schema;

static int load(void **state)
{
	const char *src = getenv("HOTLINE_SRC");
	char path[4096];
	json_error_t err;

	(void)state;
	snprintf(path, sizeof(path), "%s%sdocs/content.schema.json",
		 src && *src ? src : "", src && *src ? "/" : "");
	schema = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!schema)
		fprintf(stderr, "# %s: %s (line %d)\n", path, err.text, err.line);
	return schema ? 0 : -1;
}

static int unload(void **state)
{
	(void)state;
	json_decref(schema);
	return 0;
}

/* The enum of a property (or of its items) equals vocabulary v. */
static void same_enum(const char *property, enum hl_vocab v)
{
	json_t *p = json_object_get(json_object_get(schema, "properties"), property);
	json_t *e = json_object_get(p, "enum");
	const struct hl_term *t;
	size_t n;

	if (!e)
		e = json_object_get(json_object_get(p, "items"), "enum");
	t = hl_vocab_terms(v, &n);
	if (json_array_size(e) != n)
		fail_msg("%s: the schema lists %zu codes, vocab.c %zu", property,
			 json_array_size(e), n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(json_string_value(json_array_get(e, i)), t[i].code) != 0)
			fail_msg("%s: the schema's code %zu is %s, vocab.c's %s", property, i,
				 json_string_value(json_array_get(e, i)), t[i].code);
}

static void test_vocabularies(void **state)
{
	(void)state;
	same_enum("category", HL_VOCAB_CATEGORY);
	same_enum("tlp", HL_VOCAB_TLP);
	same_enum("severity", HL_VOCAB_SEVERITY);
	same_enum("actions", HL_VOCAB_ACTION);
	same_enum("answer", HL_VOCAB_ANSWER);
	same_enum("revoke", HL_VOCAB_KEYUSE);
}

/* The operator's roles are the ones hl_content_role_valid takes. */
static void test_roles(void **state)
{
	json_t *op = json_object_get(json_object_get(schema, "properties"), "operator");
	json_t *e = json_object_get(json_object_get(json_object_get(op, "properties"), "role"),
				    "enum"), *v;
	size_t i;

	(void)state;
	assert_int_equal(json_array_size(e), 4);
	json_array_foreach(e, i, v)
		if (!hl_content_role_valid(json_string_value(v)))
			fail_msg("operator.role: the schema's %s is not a role to the code",
				 json_string_value(v));
	assert_false(hl_content_role_valid("none"));
}

static const char *const members[HL_M_COUNT] = {
	[HL_M_REF] = "ref", [HL_M_CASE] = "case", [HL_M_CATEGORY] = "category",
	[HL_M_TLP] = "tlp", [HL_M_SEVERITY] = "severity", [HL_M_ACTIONS] = "actions",
	[HL_M_ANSWER] = "answer", [HL_M_STIX] = "stix", [HL_M_NUMBER] = "number",
	[HL_M_TERMS] = "terms", [HL_M_CARD] = "card", [HL_M_REVOKE] = "revoke",
	[HL_M_CARDS] = "cards", [HL_M_GROUP] = "group",
};

static bool listed(json_t *array, const char *name)
{
	size_t i;
	json_t *v;

	json_array_foreach(array, i, v)
		if (strcmp(json_string_value(v), name) == 0)
			return true;
	return false;
}

/* Each "if type is T then ..." rule: required members are the MUSTs,
 * members set to false the NOs, and every type of the code has one. */
static void test_type_rules(void **state)
{
	json_t *rules = json_object_get(schema, "allOf"), *r;
	size_t i, types;

	(void)state;
	hl_vocab_terms(HL_VOCAB_KIND, &types);
	assert_int_equal(json_array_size(rules), types);
	json_array_foreach(rules, i, r) {
		const char *type = json_string_value(json_object_get(json_object_get(
			json_object_get(json_object_get(r, "if"), "properties"), "type"), "const"));
		json_t *then = json_object_get(r, "then");
		json_t *req = json_object_get(then, "required");
		json_t *props = json_object_get(then, "properties");

		assert_non_null(type);
		assert_non_null(hl_vocab_find(HL_VOCAB_KIND, type));
		for (int m = 0; m < HL_M_COUNT; m++) {
			enum hl_member_rule want = hl_content_rule(type, (enum hl_member)m);
			bool must = listed(req, members[m]);
			bool no = json_is_false(json_object_get(props, members[m]));
			enum hl_member_rule got = must ? HL_MUST : no ? HL_NO : HL_MAY;

			if (got != want)
				fail_msg("%s.%s: the schema says %d, the code %d", type, members[m],
					 got, want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vocabularies),
		cmocka_unit_test(test_type_rules),
		cmocka_unit_test(test_roles),
	};

	return cmocka_run_group_tests_name("schema", tests, load, unload);
}
