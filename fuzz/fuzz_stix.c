/* fuzz_stix.c - libFuzzer target for STIX 2.1 bundles and patterns.
 *
 * Any input is tried as a bundle (JSON) and as the STIX pattern of an
 * otherwise valid indicator.  Whatever the verdict, listing terms must
 * not fault; a refusal names a reason, and a pattern's refusal names
 * the indicator and an offset within the pattern (or the NUL byte that
 * no C string could carry).  A bundle that passes
 * must still pass once merged with itself, with no more objects, and
 * each of its objects as a feed serves it (stixfeed.h) still passes,
 * marked at its level.  The input is also tried as a STIX timestamp.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "error.h"
#include "stix.h"
#include "stixfeed.h"

#define IND_ID "indicator--fa341487-12ff-428b-ba06-06eaeb841773"
#define IDENT_ID "identity--2964a73c-28f3-4b28-b18f-6c52d7a7b3db"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char indicator[] =
	"{\"type\":\"bundle\",\"id\":\"bundle--f43d105a-e88c-4d9f-8577-33d779593099\","
	"\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"" IND_ID "\","
	"\"created\":\"2026-11-22T09:54:00Z\",\"modified\":\"2026-11-22T09:54:00Z\","
	"\"pattern_type\":\"stix\",\"valid_from\":\"2026-11-22T09:54:00Z\"}]}";

static json_t *template;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	template = json_loads(indicator, 0, NULL);
	if (!template)
		abort();
	return 0;
}

static int term(void *ctx, const char *id, const char *kind, const char *value)
{
	(void)ctx;
	assert(id && kind && value);
	assert(kind[0] && value[0]);
	return 0;
}

static size_t objects(const json_t *bundle)
{
	return json_array_size(json_object_get(bundle, "objects"));
}

/* Each object of a valid bundle b, as served, in a bundle that passes
 * too; its level's marking is on it unless it is a marking definition. */
static void serve_all(const json_t *b)
{
	struct hl_stix_error err;
	json_t *out = json_pack("{s:s,s:s,s:[]}", "type", "bundle", "id",
				"bundle--f43d105a-e88c-4d9f-8577-33d779593099", "objects");
	const json_t *o;
	size_t i;

	assert(out);
	json_array_foreach(json_object_get(b, "objects"), i, o) {
		int level = hl_stixfeed_object_level(o, HL_TLP_AMBER);
		json_t *s = hl_stixfeed_served(o, level, IDENT_ID, "eg-cert#1");
		const char *text;
		int64_t us, again;

		assert(level >= HL_TLP_AMBER && level < HL_TLP_LEVELS && s);
		assert(hl_stixfeed_object_level(s, HL_TLP_CLEAR) == level ||
		       json_equal(s, o));
		hl_stixfeed_version(s, &us, &text);
		assert(!text || (hl_stixfeed_time(text, &again) == 0 && again == us));
		assert(json_array_append_new(json_object_get(out, "objects"), s) == 0);
	}
	/* (A list may not be empty: a bundle without objects has none.) */
	assert(objects(out) == 0 || hl_stix_check(out, &err) == 0);
	json_decref(out);
}

static void try_time(const uint8_t *data, size_t size)
{
	char s[64];
	int64_t us;

	if (size >= sizeof(s) || memchr(data, 0, size))
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	if (hl_stixfeed_time(s, &us) == 0)
		assert(us >= 0 && size >= 20 && s[size - 1] == 'Z');
}

static void try_bundle(json_t *b)
{
	struct hl_stix_error err;
	json_t *twice[2] = {b, b}, *m;

	assert(hl_stix_terms(b, term, NULL) == 0);
	if (hl_stix_check(b, &err) < 0) {
		assert(err.reason[0]);
		return;
	}
	m = hl_stix_merge(twice, 2);
	assert(m);
	assert(objects(m) <= objects(b));
	assert(hl_stix_check(m, &err) == 0);
	json_decref(m);
	serve_all(b);
}

static void try_pattern(const uint8_t *data, size_t size)
{
	struct hl_stix_error err;
	json_t *b = json_deep_copy(template);
	json_t *ind = json_array_get(json_object_get(b, "objects"), 0);
	const char *at;
	int r;

	/* Any bytes, not only UTF-8: the parser must not care. */
	assert(json_object_set_new(ind, "pattern",
				   json_stringn_nocheck((const char *)data, size)) == 0);
	r = hl_stix_check(b, &err);
	if (memchr(data, 0, size)) {
		assert(r == -HL_ESTIX);
		assert(strcmp(err.reason, "pattern holds a NUL character") == 0);
	} else if (r < 0) {
		assert(r == -HL_ESTIX && strcmp(err.id, IND_ID) == 0);
		assert(strncmp(err.reason, "pattern: ", 9) == 0);
		at = strstr(err.reason, " at offset ");
		assert(at && strtoul(at + 11, NULL, 10) <= size);
	}
	assert(hl_stix_terms(b, term, NULL) == 0);
	json_decref(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *b = json_loadb((const char *)data, size, 0, NULL);

	if (b) {
		try_bundle(b);
		json_decref(b);
	}
	try_pattern(data, size);
	try_time(data, size);
	return 0;
}
