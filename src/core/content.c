/* content.c - the JSON inside envelopes (jansson). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "card.h"
#include "content.h"
#include "error.h"
#include "text.h"
#include "vocab.h"

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

/* The roles an operator acts in (DESIGN.md's vocabulary: duty officer,
 * supervisor, auditor, admin), as the content spells them. */
static const char *const roles[] = {"duty", "supervisor", "auditor", "admin"};

bool hl_content_role_valid(const char *role)
{
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(role, roles[i]) == 0)
			return true;
	return false;
}

/* A message names no operator (op_name and op_role empty), or one by a
 * party-style name and a role. */
static int check_operator(const struct hl_content *c)
{
	if (!c->op_name[0] && !c->op_role[0])
		return 0;
	if (!hl_name_valid(c->op_name, strnlen(c->op_name, sizeof(c->op_name))))
		return -HL_ESYNTAX;
	if (!memchr(c->op_role, 0, sizeof(c->op_role)) || !hl_content_role_valid(c->op_role))
		return -HL_ECONTENT;
	return 0;
}

/* A SHA-256 hash as canonical base64 (protocol.md 1.3). */
static json_t *hash_json(const unsigned char hash[32])
{
	char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(b64, sizeof(b64), hash, 32, sodium_base64_VARIANT_ORIGINAL);
	return json_string(b64);
}

static json_t *ref_json(const struct hl_ref *ref)
{
	return json_pack("{s:s, s:o, s:I}", "from", ref->from, "leaf", hash_json(ref->leaf),
			 "seq", (json_int_t)ref->seq);
}

/* Which members each type may carry; a type not listed may carry a ref
 * and a case, and no structured field. */
#define N HL_NO
#define M HL_MAY
#define U HL_MUST
static const struct {
	const char *type;
	unsigned char rule[HL_M_COUNT];
	bool control;		/* a control message (8.13) */
	bool reason;		/* its text may not be empty */
} rules[] = {
	/*		  ref case cat tlp sev act ans stix num terms card rev cards grp */
	{"notify",	{N,  N,   M,  M,  M,  N,  N,  M,   M,  N,    N,   N,  N,   M}, false, false},
	{"request",	{N,  U,   N,  M,  N,  U,  N,  M,   N,  N,    N,   N,  N,   M}, false, false},
	{"update",	{N,  U,   M,  M,  M,  N,  N,  M,   N,  N,    N,   N,  N,   M}, false, false},
	{"answer",	{U,  U,   N,  N,  N,  N,  U,  M,   N,  N,    N,   N,  N,   N}, false, false},
	{"close",	{N,  U,   N,  N,  N,  N,  N,  N,   N,  N,    N,   N,  N,   M}, false, false},
	{"retract",	{U,  M,   N,  N,  N,  N,  N,  N,   N,  N,    N,   N,  N,   N}, false, false},
	{"correct",	{U,  M,   M,  M,  M,  N,  N,  N,   N,  N,    N,   N,  N,   N}, false, false},
	{"ack",		{U,  M,   N,  N,  N,  N,  N,  N,   N,  N,    N,   N,  N,   N}, false, false},
	{"check",	{N,  N,   N,  N,  N,  N,  N,  N,   N,  N,    N,   N,  N,   M}, false, false},
	{"check-reply",	{U,  N,   N,  N,  N,  N,  N,  N,   N,  N,    N,   N,  N,   N}, false, false},
	{"terms",	{N,  N,   N,  N,  N,  N,  N,  N,   N,  U,    N,   N,  N,   N}, true, false},
	{"terms-accept", {U, N,   N,  N,  N,  N,  N,  N,   N,  N,    N,   N,  N,   N}, true, false},
	{"terms-decline", {U, N,  N,  N,  N,  N,  N,  N,   N,  N,    N,   N,  N,   N}, true, true},
	{"suspend",	{N,  N,   N,  N,  N,  N,  N,  N,   N,  N,    N,   N,  N,   N}, true, true},
	{"resume",	{U,  N,   N,  N,  N,  N,  N,  N,   N,  N,    N,   N,  U,   N}, true, false},
	{"card",	{N,  N,   N,  N,  N,  N,  N,  N,   N,  N,    U,   M,  N,   N}, true, false},
	{"rekey",	{N,  N,   N,  N,  N,  N,  N,  N,   N,  N,    U,   U,  N,   N}, true, false},
	{"archive",	{N,  N,   N,  N,  N,  N,  N,  N,   N,  N,    N,   N,  N,   N}, true, true},
};
#undef N
#undef M
#undef U

static int rule_of(const char *type)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].type, type) == 0)
			return (int)i;
	return -1;
}

bool hl_content_is_control(const char *type)
{
	int i = rule_of(type);

	return i >= 0 && rules[i].control;
}

enum hl_member_rule hl_content_rule(const char *type, enum hl_member m)
{
	int i = rule_of(type);

	if (i >= 0)
		return (enum hl_member_rule)rules[i].rule[m];
	return m == HL_M_REF || m == HL_M_CASE ? HL_MAY : HL_NO;
}

static int check_ref(const struct hl_ref *ref)
{
	if (!hl_name_valid(ref->from, strlen(ref->from)) || ref->seq == 0 ||
	    ref->seq > INT64_MAX)
		return -HL_ESYNTAX;
	return 0;
}

static bool code_valid(enum hl_vocab v, const char *code)
{
	return code && hl_vocab_find(v, code) != NULL;
}

/* A control message's own rules: a reason where one is needed, terms
 * that make sense, a card of the format, known key uses (a rekey's
 * naming "sign"), two distinct parties' card hashes. */
static int check_control(const struct hl_content *c, int i, size_t nuses)
{
	if (i >= 0 && rules[i].reason && c->text.len == 0)
		return -HL_ECONTENT;
	if (c->has_terms && hl_terms_check(&c->terms, NULL, 0) < 0)
		return -HL_ETERMS;
	if (c->card && (c->card_len == 0 || c->card_len > HL_CARD_MAX))
		return -HL_ECONTENT;
	if ((c->revoke >> nuses) != 0)
		return -HL_ECONTENT;
	if (strcmp(c->type, "rekey") == 0 &&
	    !(c->revoke & (1u << hl_vocab_index(HL_VOCAB_KEYUSE, "sign", 4))))
		return -HL_ECONTENT;
	if (c->has_cards &&
	    (!hl_name_valid(c->cards[0].name, strnlen(c->cards[0].name, HL_NAME_MAX + 1)) ||
	     !hl_name_valid(c->cards[1].name, strnlen(c->cards[1].name, HL_NAME_MAX + 1)) ||
	     strcmp(c->cards[0].name, c->cards[1].name) >= 0))
		return -HL_ECONTENT;
	return 0;
}

bool hl_content_group_id_valid(const char *s, size_t n)
{
	if (n != HL_GROUP_ID_HEX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* A group's id; an open group's name and members: valid names, at
 * least one, at most HL_GROUP_MEMBERS_MAX, in byte order, each once. */
static int check_group(const struct hl_content_group *g)
{
	if (!memchr(g->id, 0, sizeof(g->id)) || !hl_content_group_id_valid(g->id, strlen(g->id)))
		return -HL_ECONTENT;
	if (!g->open)
		return g->nmembers == 0 ? 0 : -HL_ECONTENT;
	if (!hl_name_valid(g->name, strnlen(g->name, sizeof(g->name))) ||
	    g->nmembers == 0 || g->nmembers > HL_GROUP_MEMBERS_MAX || !g->members)
		return -HL_ECONTENT;
	for (size_t i = 0; i < g->nmembers; i++) {
		const char *m = g->members[i];

		if (!m || !hl_name_valid(m, strnlen(m, HL_NAME_MAX + 1)) ||
		    (i > 0 && strcmp(g->members[i - 1], m) >= 0))
			return -HL_ECONTENT;
	}
	return 0;
}

/* The members c has against the rules of its type. */
static int check_rules(const struct hl_content *c)
{
	bool has[HL_M_COUNT] = {
		[HL_M_REF] = c->has_ref, [HL_M_CASE] = c->has_case,
		[HL_M_CATEGORY] = c->category != NULL, [HL_M_TLP] = c->tlp != NULL,
		[HL_M_SEVERITY] = c->severity != NULL, [HL_M_ACTIONS] = c->actions != 0,
		[HL_M_ANSWER] = c->answer != NULL, [HL_M_STIX] = c->stix != NULL,
		[HL_M_NUMBER] = c->has_number, [HL_M_TERMS] = c->has_terms,
		[HL_M_CARD] = c->card != NULL, [HL_M_REVOKE] = c->revoke != 0,
		[HL_M_CARDS] = c->has_cards, [HL_M_GROUP] = c->has_group,
	};
	size_t nactions, nuses;
	int i = rule_of(c->type);

	hl_vocab_terms(HL_VOCAB_ACTION, &nactions);
	hl_vocab_terms(HL_VOCAB_KEYUSE, &nuses);
	for (int m = 0; m < HL_M_COUNT; m++) {
		enum hl_member_rule rule = hl_content_rule(c->type, (enum hl_member)m);

		if ((rule == HL_NO && has[m]) || (rule == HL_MUST && !has[m]))
			return -HL_ECONTENT;
	}
	if ((c->category && !code_valid(HL_VOCAB_CATEGORY, c->category)) ||
	    (c->tlp && !code_valid(HL_VOCAB_TLP, c->tlp)) ||
	    (c->severity && !code_valid(HL_VOCAB_SEVERITY, c->severity)) ||
	    (c->answer && !code_valid(HL_VOCAB_ANSWER, c->answer)) ||
	    (c->actions >> nactions) != 0)
		return -HL_ECONTENT;
	if (c->stix && !json_is_object((json_t *)c->stix))
		return -HL_ECONTENT;
	if (c->has_number && (c->number == 0 || c->number > INT64_MAX))
		return -HL_ECONTENT;
	if (c->has_group && check_group(&c->group) < 0)
		return -HL_ECONTENT;
	return check_control(c, i, nuses);
}

static int set_code(json_t *j, const char *key, const char *code)
{
	return code ? json_object_set_new(j, key, json_string(code)) : 0;
}

/* The control members of c into j: nonzero on failure. */
static int build_control(json_t *j, const struct hl_content *c)
{
	const struct hl_term *uses;
	json_t *a;
	size_t n;
	int r = 0;

	if (c->has_terms)
		r |= json_object_set_new(j, "terms", hl_terms_to_json(&c->terms));
	if (c->card)
		r |= json_object_set_new(j, "card", json_stringn(c->card, c->card_len));
	if (c->revoke) {
		uses = hl_vocab_terms(HL_VOCAB_KEYUSE, &n);
		a = json_array();
		r |= json_object_set_new(j, "revoke", a);
		for (size_t i = 0; a && i < n; i++)
			if (c->revoke & (1u << i))
				r |= json_array_append_new(a, json_string(uses[i].code));
	}
	if (c->has_cards)
		r |= json_object_set_new(j, "cards", json_pack("{s:o, s:o}",
				c->cards[0].name, hash_json(c->cards[0].hash),
				c->cards[1].name, hash_json(c->cards[1].hash)));
	return r;
}

/* {"id"} or {"id", "members", "name"}; NULL on failure. */
static json_t *group_json(const struct hl_content_group *g)
{
	json_t *j = json_pack("{s:s}", "id", g->id), *a;
	int r = 0;

	if (!j || !g->open)
		return j;
	a = json_array();
	r |= json_object_set_new(j, "members", a);
	r |= json_object_set_new(j, "name", json_string(g->name));
	for (size_t i = 0; a && i < g->nmembers; i++)
		r |= json_array_append_new(a, json_string(g->members[i]));
	if (r) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *build(const struct hl_content *c)
{
	const struct hl_term *actions;
	json_t *j, *a;
	size_t n;
	int r;

	j = json_pack("{s:i, s:s, s:o}", "v", HL_CONTENT_VERSION, "type", c->type,
		      "text", text_json(&c->text));
	if (!j)
		return NULL;
	r = 0;
	if (c->has_summary)
		r |= json_object_set_new(j, "summary", text_json(&c->summary));
	if (c->has_ref)
		r |= json_object_set_new(j, "ref", ref_json(&c->ref));
	if (c->has_case)
		r |= json_object_set_new(j, "case", ref_json(&c->case_ref));
	r |= set_code(j, "category", c->category);
	r |= set_code(j, "tlp", c->tlp);
	r |= set_code(j, "severity", c->severity);
	r |= set_code(j, "answer", c->answer);
	if (c->actions) {
		actions = hl_vocab_terms(HL_VOCAB_ACTION, &n);
		a = json_array();
		r |= json_object_set_new(j, "actions", a);
		for (size_t i = 0; a && i < n; i++)
			if (c->actions & (1u << i))
				r |= json_array_append_new(a, json_string(actions[i].code));
	}
	if (c->stix)
		r |= json_object_set(j, "stix", (json_t *)c->stix);
	if (c->has_number)
		r |= json_object_set_new(j, "number", json_integer((json_int_t)c->number));
	if (c->op_name[0])
		r |= json_object_set_new(j, "operator", json_pack("{s:s, s:s}", "name", c->op_name,
								   "role", c->op_role));
	if (c->has_group)
		r |= json_object_set_new(j, "group", group_json(&c->group));
	r |= build_control(j, c);
	if (r) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int hl_content_write(const struct hl_content *c, struct hl_buf *out)
{
	json_t *j;
	char *s;
	int r = check_text(&c->text);

	if (r == 0 && c->has_summary)
		r = check_text(&c->summary);
	if (r == 0 && !hl_kind_valid(c->type, strlen(c->type)))
		r = -HL_ESYNTAX;
	if (r == 0 && c->has_ref)
		r = check_ref(&c->ref);
	if (r == 0 && c->has_case)
		r = check_ref(&c->case_ref);
	if (r == 0)
		r = check_operator(c);
	if (r == 0)
		r = check_rules(c);
	if (r < 0)
		return r;
	j = build(c);
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

int hl_content_encode(const char *type, const struct hl_text *text,
		      const struct hl_text *summary, const struct hl_ref *ref,
		      struct hl_buf *out)
{
	struct hl_content c = {.text = *text};

	if (strlen(type) > HL_KIND_MAX)
		return -HL_ESYNTAX;
	memcpy(c.type, type, strlen(type) + 1);
	if (summary) {
		c.has_summary = true;
		c.summary = *summary;
	}
	if (ref) {
		c.has_ref = true;
		c.ref = *ref;
	}
	return hl_content_write(&c, out);
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

/* ["investigate", ...]: known codes, each once, at least one. */
static int parse_actions(json_t *a, unsigned *mask)
{
	size_t i;
	json_t *v;

	if (!json_is_array(a) || json_array_size(a) == 0)
		return -HL_ECONTENT;
	json_array_foreach(a, i, v) {
		int k = json_is_string(v) ? hl_vocab_index(HL_VOCAB_ACTION, json_string_value(v),
							   json_string_length(v)) : -1;
		unsigned bit;

		if (k < 0)
			return -HL_ECONTENT;
		bit = 1u << k;
		if (*mask & bit)
			return -HL_ECONTENT;
		*mask |= bit;
	}
	return 0;
}

/* {"name": NAME, "role": ROLE} and nothing else: who made the message. */
static int parse_operator(json_t *o, struct hl_content *c)
{
	const char *name = NULL, *role = NULL;

	if (json_unpack(o, "{s:s, s:s!}", "name", &name, "role", &role) < 0 ||
	    !hl_name_valid(name, strlen(name)) || !hl_content_role_valid(role))
		return -HL_ECONTENT;
	memcpy(c->op_name, name, strlen(name) + 1);
	memcpy(c->op_role, role, strlen(role) + 1);
	return 0;
}

/* A notify's case number: an integer from 1 to 2^63 - 1. */
static int parse_number(json_t *n, struct hl_content *c)
{
	if (!json_is_integer(n) || json_integer_value(n) <= 0)
		return -HL_ECONTENT;
	c->has_number = true;
	c->number = (uint64_t)json_integer_value(n);
	return 0;
}

/* ["sign", "box"]: known key uses, at least one, in vocabulary order. */
static int parse_revoke(json_t *a, unsigned *mask)
{
	int last = -1;
	size_t i;
	json_t *v;

	if (!json_is_array(a) || json_array_size(a) == 0)
		return -HL_ECONTENT;
	json_array_foreach(a, i, v) {
		int k = json_is_string(v) ? hl_vocab_index(HL_VOCAB_KEYUSE, json_string_value(v),
							   json_string_length(v)) : -1;

		if (k <= last)
			return -HL_ECONTENT;
		*mask |= 1u << k;
		last = k;
	}
	return 0;
}

/* {"ru-cert": BASE64, "us-cert": BASE64}: two parties, each card's hash;
 * kept in name order. */
static int parse_cards(json_t *o, struct hl_content *c)
{
	const char *name;
	size_t k = 0;
	json_t *v;

	if (!json_is_object(o) || json_object_size(o) != 2)
		return -HL_ECONTENT;
	json_object_foreach(o, name, v) {
		struct hl_card_hash *h = &c->cards[k++];

		if (!hl_name_valid(name, strlen(name)) || !json_is_string(v) ||
		    hl_b64_exact(json_string_value(v), json_string_length(v), h->hash, 32) < 0)
			return -HL_ECONTENT;
		memcpy(h->name, name, strlen(name) + 1);
	}
	if (strcmp(c->cards[0].name, c->cards[1].name) > 0) {
		struct hl_card_hash t = c->cards[0];

		c->cards[0] = c->cards[1];
		c->cards[1] = t;
	}
	c->has_cards = true;
	return 0;
}

/* {"id": HEX} or {"id": HEX, "members": [NAME, ...], "name": NAME}
 * and nothing else; the names' order and uniqueness are check_group's. */
static int parse_group(json_t *o, struct hl_content *c)
{
	struct hl_content_group *g = &c->group;
	json_t *members = NULL, *v;
	const char *id = NULL, *name = NULL, **names;
	size_t i;

	c->has_group = true;
	if (json_unpack(o, "{s:s, s?:o, s?:s!}", "id", &id, "members", &members,
			"name", &name) < 0 || !hl_content_group_id_valid(id, strlen(id)) ||
	    !members != !name)
		return -HL_ECONTENT;
	memcpy(g->id, id, HL_GROUP_ID_HEX + 1);
	if (!name)
		return 0;
	g->open = true;
	if (!json_is_array(members) || json_array_size(members) == 0 ||
	    json_array_size(members) > HL_GROUP_MEMBERS_MAX || strlen(name) > HL_NAME_MAX)
		return -HL_ECONTENT;
	memcpy(g->name, name, strlen(name) + 1);
	names = calloc(json_array_size(members), sizeof(*names));
	if (!names)
		return -ENOMEM;
	g->members = names;
	json_array_foreach(members, i, v) {
		if (!json_is_string(v))
			return -HL_ECONTENT;
		names[i] = json_string_value(v);
		g->nmembers++;
	}
	return 0;
}

/* The members only control messages carry (8.13). */
static int parse_control(json_t *terms, json_t *card, json_t *revoke, json_t *cards,
			 struct hl_content *c)
{
	int r = 0;

	if (terms) {
		c->has_terms = true;
		r = hl_terms_from_json(terms, &c->terms, NULL, 0);
	}
	if (r == 0 && card) {
		if (!json_is_string(card))
			return -HL_ECONTENT;
		c->card = json_string_value(card);
		c->card_len = json_string_length(card);
		if (memchr(c->card, 0, c->card_len))
			return -HL_ECONTENT;
	}
	if (r == 0 && revoke)
		r = parse_revoke(revoke, &c->revoke);
	if (r == 0 && cards)
		r = parse_cards(cards, c);
	return r;
}

int hl_content_parse(const unsigned char *buf, size_t n, struct hl_content *c)
{
	json_t *j, *text = NULL, *summary = NULL, *ref = NULL, *kase = NULL;
	json_t *actions = NULL, *stix = NULL, *number = NULL, *op = NULL;
	json_t *terms = NULL, *card = NULL, *revoke = NULL, *cards = NULL, *group = NULL;
	const char *type = NULL;
	json_int_t v = 0;
	int r;

	memset(c, 0, sizeof(*c));
	if (n > 2 * HL_PLAIN_MAX + 4096)
		return -HL_ETOOBIG;
	j = json_loadb((const char *)buf, n, JSON_REJECT_DUPLICATES, NULL);
	if (!j)
		return -HL_ECONTENT;
	r = json_unpack(j, "{s:I, s:s, s:o, s?:o, s?:o, s?:o, s?:s, s?:s, s?:s, s?:s, s?:o, s?:o,"
			" s?:o, s?:o, s?:o, s?:o, s?:o, s?:o, s?:o!}",
			"v", &v, "type", &type, "text", &text, "summary", &summary,
			"ref", &ref, "case", &kase, "category", &c->category, "tlp", &c->tlp,
			"severity", &c->severity, "answer", &c->answer, "actions", &actions,
			"stix", &stix, "number", &number, "operator", &op, "terms", &terms,
			"card", &card, "revoke", &revoke, "cards", &cards, "group", &group) < 0 ?
			-HL_ECONTENT : 0;
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
	if (r == 0 && kase) {
		c->has_case = true;
		r = parse_ref(kase, &c->case_ref);
	}
	if (r == 0 && actions)
		r = parse_actions(actions, &c->actions);
	if (r == 0 && number)
		r = parse_number(number, c);
	if (r == 0 && op)
		r = parse_operator(op, c);
	if (r == 0)
		r = parse_control(terms, card, revoke, cards, c);
	if (r == 0 && group)
		r = parse_group(group, c);
	c->stix = stix;
	if (r == 0)
		r = check_rules(c);
	if (r < 0) {
		free((void *)c->group.members);
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
		free((void *)c->group.members);
		c->group.members = NULL;
		json_decref(c->json);
		c->json = NULL;
	}
}
