/* stixfeed.c - STIX objects as a feed serves them (stixfeed.h). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "hash.h"
#include "stixfeed.h"
#include "text.h"

/* TLP 2.0 (FIRST), as OASIS publishes it for STIX 2.1: the content's
 * codes, the extension's words, the marking definitions' ids. */
static const struct {
	const char *code, *name, *id;
} levels[HL_TLP_LEVELS] = {
	{"TLP:CLEAR", "clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"},
	{"TLP:GREEN", "green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"},
	{"TLP:AMBER", "amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"},
	{"TLP:AMBER+STRICT", "amber+strict",
	 "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"},
	{"TLP:RED", "red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"},
};

/* STIX 2.1's own TLP 1.0 markings (section 7.2.1.4), read as the TLP
 * 2.0 level they became (white is clear). */
static const struct {
	const char *id;
	int level;
} tlp1[] = {
	{"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", HL_TLP_CLEAR},
	{"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", HL_TLP_GREEN},
	{"marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", HL_TLP_AMBER},
	{"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", HL_TLP_RED},
};

/* When OASIS's TLP 2.0 marking definitions were created. */
#define TLP2_CREATED "2022-10-01T00:00:00.000Z"

int hl_stixfeed_level(const char *code)
{
	for (int i = 0; code && i < HL_TLP_LEVELS; i++)
		if (strcmp(code, levels[i].code) == 0)
			return i;
	return HL_TLP_AMBER;
}

const char *hl_stixfeed_level_name(int level)
{
	return level >= 0 && level < HL_TLP_LEVELS ? levels[level].name : NULL;
}

const char *hl_stixfeed_marking_id(int level)
{
	return level >= 0 && level < HL_TLP_LEVELS ? levels[level].id : NULL;
}

int hl_stixfeed_marking_level(const char *id)
{
	for (int i = 0; id && i < HL_TLP_LEVELS; i++)
		if (strcmp(id, levels[i].id) == 0)
			return i;
	for (size_t i = 0; id && i < sizeof(tlp1) / sizeof(tlp1[0]); i++)
		if (strcmp(id, tlp1[i].id) == 0)
			return tlp1[i].level;
	return -1;
}

int hl_stixfeed_time(const char *s, int64_t *us)
{
	char whole[HL_TIME_LEN + 1];
	size_t n = strlen(s), i = 19;
	int64_t secs, frac = 0;
	int digits = 0;

	if (n < HL_TIME_LEN || s[n - 1] != 'Z')
		return -HL_ETIME;
	memcpy(whole, s, 19);
	whole[19] = 'Z';
	whole[20] = '\0';
	if (hl_time_parse(whole, HL_TIME_LEN, &secs) < 0)
		return -HL_ETIME;
	if (s[i] == '.') {
		while (++i < n - 1 && isdigit((unsigned char)s[i]))
			if (digits++ < 6)
				frac = frac * 10 + (s[i] - '0');
		if (digits == 0)
			return -HL_ETIME;
	}
	if (i != n - 1)
		return -HL_ETIME;
	for (; digits < 6; digits++)
		frac *= 10;
	*us = secs * 1000000 + frac;
	return 0;
}

void hl_stixfeed_version(const json_t *o, int64_t *us, const char **text)
{
	const char *t = json_string_value(json_object_get(o, "modified"));

	if (!t)
		t = json_string_value(json_object_get(o, "created"));
	*us = 0;
	*text = NULL;
	if (t && hl_stixfeed_time(t, us) == 0)
		*text = t;
}

int hl_stixfeed_object_level(const json_t *o, int level)
{
	const json_t *refs = json_object_get(o, "object_marking_refs");
	const json_t *v;
	size_t i;

	json_array_foreach(refs, i, v) {
		int l = hl_stixfeed_marking_level(json_string_value(v));

		if (l > level)
			level = l;
	}
	return level;
}

/* o's object_marking_refs without its TLP markings, then level's. */
static int mark(json_t *o, int level)
{
	const json_t *refs = json_object_get(o, "object_marking_refs");
	json_t *out = json_array(), *v;
	size_t i;
	int r = out ? 0 : -1;

	json_array_foreach(refs, i, v)
		if (r == 0 && hl_stixfeed_marking_level(json_string_value(v)) < 0)
			r = json_array_append(out, v);
	if (r == 0)
		r = json_array_append_new(out, json_string(levels[level].id));
	if (r == 0)
		return json_object_set_new(o, "object_marking_refs", out);
	json_decref(out);
	return -1;
}

/* The external reference naming the case, after o's own. */
static int refer(json_t *o, const char *case_name)
{
	json_t *refs = json_object_get(o, "external_references");
	json_t *ref = json_pack("{s:s,s:s}", "source_name", "hotline", "external_id", case_name);

	if (!ref)
		return -1;
	if (json_is_array(refs))
		return json_array_append_new(refs, ref);
	refs = json_array();
	if (!refs || json_array_append_new(refs, ref) < 0) {
		json_decref(refs);
		return -1;
	}
	return json_object_set_new(o, "external_references", refs);
}

json_t *hl_stixfeed_served(const json_t *o, int level, const char *creator,
			   const char *case_name)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	json_t *c = json_deep_copy(o);
	int r = c && level >= 0 && level < HL_TLP_LEVELS ? 0 : -1;

	if (r == 0 && type && strcmp(type, "marking-definition") == 0)
		return c;
	if (r == 0)
		r = mark(c, level);
	if (r == 0 && json_object_get(c, "created")) {
		if (!json_object_get(c, "created_by_ref"))
			r = json_object_set_new(c, "created_by_ref", json_string(creator));
		if (r == 0 && case_name)
			r = refer(c, case_name);
	}
	if (r == 0)
		return c;
	json_decref(c);
	return NULL;
}

void hl_stixfeed_identity_id(const char *name, char out[HL_STIXFEED_ID_LEN + 1])
{
	static const char domain[] = "hotline identity";	/* and its NUL */
	const struct hl_part parts[] = {{domain, sizeof(domain)}, {name, strlen(name)}};
	unsigned char h[HL_SHA256_LEN];

	hl_sha256v(parts, 2, h);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x40);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	snprintf(out, HL_STIXFEED_ID_LEN + 1,
		 "identity--%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7],
		 h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]);
}

json_t *hl_stixfeed_identity(const char *name)
{
	char id[HL_STIXFEED_ID_LEN + 1];

	hl_stixfeed_identity_id(name, id);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "type", "identity",
			 "spec_version", "2.1", "id", id, "created", HL_STIXFEED_IDENTITY_TIME,
			 "modified", HL_STIXFEED_IDENTITY_TIME, "name", name,
			 "identity_class", "organization");
}

json_t *hl_stixfeed_marking(int level)
{
	if (level < 0 || level >= HL_TLP_LEVELS)
		return NULL;
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:{s:s,s:s}}}", "type", "marking-definition",
			 "spec_version", "2.1", "id", levels[level].id, "created", TLP2_CREATED,
			 "name", levels[level].code, "extensions", HL_STIXFEED_TLP_EXTENSION,
			 "extension_type", "property-extension", "tlp_2_0", levels[level].name);
}
