/* terms.c - the terms of a link: checking and JSON (terms.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "error.h"
#include "terms.h"

static const char *const names[4] = {"flash", "immediate", "priority", "routine"};

static int why_not(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int why_not(char *why, size_t cap, const char *fmt, ...)
{
	va_list ap;

	if (why && cap) {
		va_start(ap, fmt);
		vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return -HL_ETERMS;
}

static bool in_range(int64_t s)
{
	return s >= 1 && s <= HL_TERMS_SECONDS_MAX;
}

/* A deadline per precedence: each in range, none later than the one of
 * a lower precedence. */
static int check_ladder(const char *what, const int64_t d[4], char *why, size_t cap)
{
	for (int p = 0; p < 4; p++) {
		if (!in_range(d[p]))
			return why_not(why, cap, "%s.%s (%lld s) is not from 1 s to 366 days",
				       what, names[p], (long long)d[p]);
		if (p && d[p - 1] > d[p])
			return why_not(why, cap, "%s.%s (%lld s) is later than %s.%s (%lld s)",
				       what, names[p - 1], (long long)d[p - 1], what, names[p],
				       (long long)d[p]);
	}
	return 0;
}

static int check_languages(const struct hl_terms *t, char *why, size_t cap)
{
	if (t->nlanguages == 0 || t->nlanguages > HL_TERMS_LANGS_MAX)
		return why_not(why, cap, "languages: give from 1 to %d language tags",
			       HL_TERMS_LANGS_MAX);
	for (unsigned i = 0; i < t->nlanguages; i++) {
		const char *l = t->languages[i];

		if (!memchr(l, 0, sizeof(t->languages[i])) || !hl_lang_valid(l, strlen(l)))
			return why_not(why, cap, "languages: %.*s is not a language tag",
				       HL_LANG_MAX, l);
		for (unsigned k = 0; k < i; k++)
			if (strcmp(t->languages[k], l) == 0)
				return why_not(why, cap, "languages: %s is given twice", l);
	}
	return 0;
}

int hl_terms_check(const struct hl_terms *t, char *why, size_t cap)
{
	int r;

	if (t->version == 0 || t->version > INT64_MAX)
		return why_not(why, cap, "version: not from 1 to 2^63 - 1");
	r = check_ladder("receipt", t->receipt, why, cap);
	if (r == 0)
		r = check_ladder("ack", t->ack, why, cap);
	for (int p = 0; r == 0 && p < 4; p++)
		if (t->receipt[p] > t->ack[p])
			return why_not(why, cap, "receipt.%s (%lld s) is later than ack.%s (%lld s): "
				       "a person cannot acknowledge what did not arrive",
				       names[p], (long long)t->receipt[p], names[p],
				       (long long)t->ack[p]);
	if (r == 0 && t->has_check) {
		if ((unsigned)t->check_precedence > HL_ROUTINE)
			return why_not(why, cap, "check.precedence: not a precedence");
		if (!in_range(t->check_every))
			return why_not(why, cap, "check.every (%lld s) is not from 1 s to 366 days",
				       (long long)t->check_every);
		if (t->check_every < t->ack[t->check_precedence])
			return why_not(why, cap, "check.every (%lld s) is sooner than ack.%s "
				       "(%lld s): a check would be due before the last was late",
				       (long long)t->check_every, names[t->check_precedence],
				       (long long)t->ack[t->check_precedence]);
	}
	if (r == 0)
		r = check_languages(t, why, cap);
	if (r == 0 && !in_range(t->suspect))
		return why_not(why, cap, "suspect (%lld s) is not from 1 s to 366 days",
			       (long long)t->suspect);
	return r;
}

/* {"flash": N, "immediate": N, "priority": N, "routine": N}, exactly. */
static int ladder_from(json_t *o, int64_t d[4])
{
	json_int_t v[4];

	if (json_unpack(o, "{s:I, s:I, s:I, s:I!}", names[0], &v[0], names[1], &v[1],
			names[2], &v[2], names[3], &v[3]) < 0)
		return -HL_ECONTENT;
	for (int p = 0; p < 4; p++)
		d[p] = (int64_t)v[p];
	return 0;
}

static int check_from(json_t *o, struct hl_terms *t)
{
	const char *prec = NULL;
	json_int_t every = 0;

	if (json_unpack(o, "{s:I, s:s!}", "every", &every, "precedence", &prec) < 0 ||
	    hl_precedence_parse(prec, &t->check_precedence) < 0)
		return -HL_ECONTENT;
	t->has_check = true;
	t->check_every = (int64_t)every;
	return 0;
}

static int languages_from(json_t *a, struct hl_terms *t)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a) || json_array_size(a) > HL_TERMS_LANGS_MAX)
		return -HL_ECONTENT;
	json_array_foreach(a, i, v) {
		if (!json_is_string(v) || json_string_length(v) > HL_LANG_MAX)
			return -HL_ECONTENT;
		memcpy(t->languages[i], json_string_value(v), json_string_length(v) + 1);
	}
	t->nlanguages = (unsigned)json_array_size(a);
	return 0;
}

int hl_terms_from_json(const void *json, struct hl_terms *t, char *why, size_t cap)
{
	json_t *ack = NULL, *receipt = NULL, *check = NULL, *langs = NULL;
	json_int_t version = 0, suspect = 0;
	int r;

	memset(t, 0, sizeof(*t));
	if (why && cap)
		why[0] = 0;
	if (json_unpack((json_t *)json, "{s:o, s?:o, s:o, s:o, s:I, s:I!}", "ack", &ack,
			"check", &check, "languages", &langs, "receipt", &receipt,
			"suspect", &suspect, "version", &version) < 0)
		return -HL_ECONTENT;
	r = ladder_from(ack, t->ack);
	if (r == 0)
		r = ladder_from(receipt, t->receipt);
	if (r == 0 && check)
		r = check_from(check, t);
	if (r == 0)
		r = languages_from(langs, t);
	if (r < 0)
		return r;
	t->version = version > 0 ? (uint64_t)version : 0;
	t->suspect = (int64_t)suspect;
	return hl_terms_check(t, why, cap);
}

static json_t *ladder_json(const int64_t d[4])
{
	return json_pack("{s:I, s:I, s:I, s:I}", names[0], (json_int_t)d[0], names[1],
			 (json_int_t)d[1], names[2], (json_int_t)d[2], names[3], (json_int_t)d[3]);
}

void *hl_terms_to_json(const struct hl_terms *t)
{
	json_t *j, *langs = json_array();
	int r = langs ? 0 : -1;

	for (unsigned i = 0; r == 0 && i < t->nlanguages && i < HL_TERMS_LANGS_MAX; i++)
		r = json_array_append_new(langs, json_string(t->languages[i]));
	j = r == 0 ? json_pack("{s:o, s:o, s:o, s:I, s:I}", "ack", ladder_json(t->ack),
			       "languages", langs, "receipt", ladder_json(t->receipt),
			       "suspect", (json_int_t)t->suspect, "version",
			       (json_int_t)t->version) : NULL;
	if (!j) {
		if (r < 0)
			json_decref(langs);
		return NULL;
	}
	if (t->has_check &&
	    json_object_set_new(j, "check", json_pack("{s:I, s:s}", "every",
						       (json_int_t)t->check_every, "precedence",
						       hl_precedence_name(t->check_precedence))) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}
