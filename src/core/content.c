/* content.c - the JSON inside envelopes (jansson). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "content.h"
#include "error.h"
#include "text.h"

static json_t *text_json(const struct hl_text *t)
{
	return json_pack("{s:s, s:s%}", "lang", t->lang, "text", t->text, t->len);
}

static int check_text(const struct hl_text *t)
{
	if (!hl_lang_valid(t->lang, strlen(t->lang)))
		return -HL_ELANG;
	if (t->len > HL_PLAIN_MAX)
		return -HL_ETOOBIG;
	if (memchr(t->text, 0, t->len) ||
	    !hl_utf8_valid((const unsigned char *)t->text, t->len))
		return -HL_EUTF8;
	return 0;
}

static json_t *ref_json(const struct hl_ref *ref)
{
	char leaf[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(leaf, sizeof(leaf), ref->leaf, 32, sodium_base64_VARIANT_ORIGINAL);
	return json_pack("{s:s, s:s, s:I}", "from", ref->from, "leaf", leaf,
			 "seq", (json_int_t)ref->seq);
}

int hl_content_encode(const char *type, const struct hl_text *text,
		      const struct hl_text *summary, const struct hl_ref *ref,
		      struct hl_buf *out)
{
	json_t *j;
	char *s;
	int r = check_text(text);

	if (r == 0 && summary)
		r = check_text(summary);
	if (r == 0 && !hl_kind_valid(type, strlen(type)))
		r = -HL_ESYNTAX;
	if (r == 0 && ref && (!hl_name_valid(ref->from, strlen(ref->from)) ||
			      ref->seq == 0 || ref->seq > INT64_MAX))
		r = -HL_ESYNTAX;
	if (r < 0)
		return r;
	j = json_pack("{s:i, s:s, s:o}", "v", HL_CONTENT_VERSION, "type", type,
		      "text", text_json(text));
	if (j && summary && json_object_set_new(j, "summary", text_json(summary)) < 0) {
		json_decref(j);
		j = NULL;
	}
	if (j && ref && json_object_set_new(j, "ref", ref_json(ref)) < 0) {
		json_decref(j);
		j = NULL;
	}
	if (!j)
		return -ENOMEM;
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	if (!s)
		return -ENOMEM;
	r = hl_buf_puts(out, s);
	free(s);
	return r;
}

/* {"lang": TAG, "text": TEXT} and nothing else. */
static int parse_text(json_t *o, struct hl_text *t)
{
	const char *lang = NULL;
	size_t n = 0;

	if (json_unpack(o, "{s:s, s:s%!}", "lang", &lang, "text", &t->text, &n) < 0)
		return -HL_ECONTENT;
	if (strlen(lang) > HL_LANG_MAX || !hl_lang_valid(lang, strlen(lang)))
		return -HL_ELANG;
	memcpy(t->lang, lang, strlen(lang) + 1);
	t->len = n;
	return memchr(t->text, 0, n) ? -HL_ECONTENT : 0;
}

/* {"from": NAME, "leaf": BASE64, "seq": N} and nothing else. */
static int parse_ref(json_t *o, struct hl_ref *ref)
{
	const char *from = NULL, *leaf = NULL;
	json_int_t seq = 0;

	if (json_unpack(o, "{s:s, s:s, s:I!}", "from", &from, "leaf", &leaf, "seq", &seq) < 0)
		return -HL_ECONTENT;
	if (!hl_name_valid(from, strlen(from)) || seq <= 0 ||
	    hl_b64_exact(leaf, strlen(leaf), ref->leaf, 32) < 0)
		return -HL_ECONTENT;
	memcpy(ref->from, from, strlen(from) + 1);
	ref->seq = (uint64_t)seq;
	return 0;
}

int hl_content_parse(const unsigned char *buf, size_t n, struct hl_content *c)
{
	json_t *j, *text = NULL, *summary = NULL, *ref = NULL;
	const char *type = NULL;
	json_int_t v = 0;
	int r;

	memset(c, 0, sizeof(*c));
	if (n > 2 * HL_PLAIN_MAX + 4096)
		return -HL_ETOOBIG;
	j = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, NULL);
	if (!j)
		return -HL_ECONTENT;
	r = json_unpack(j, "{s:I, s:s, s:o, s?:o, s?:o!}", "v", &v, "type", &type,
			"text", &text, "summary", &summary, "ref", &ref) < 0 ? -HL_ECONTENT : 0;
	if (r == 0 && (v != HL_CONTENT_VERSION || !hl_kind_valid(type, strlen(type))))
		r = -HL_ECONTENT;
	if (r == 0) {
		memcpy(c->type, type, strlen(type) + 1);
		r = parse_text(text, &c->text);
	}
	if (r == 0 && summary) {
		c->has_summary = true;
		r = parse_text(summary, &c->summary);
	}
	if (r == 0 && ref) {
		c->has_ref = true;
		r = parse_ref(ref, &c->ref);
	}
	if (r < 0) {
		json_decref(j);
		memset(c, 0, sizeof(*c));
		return r;
	}
	c->json = j;
	return 0;
}

void hl_content_free(struct hl_content *c)
{
	if (c && c->json) {
		json_decref(c->json);
		c->json = NULL;
	}
}
