/* index.c - open new envelopes and record what they say. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "keyring.h"
#include "content.h"
#include "error.h"
#include "groupmsg.h"
#include "hash.h"
#include "index.h"
#include "stix.h"
#include "stixfeed.h"
#include "stixobj.h"
#include "vocab.h"

bool hl_kind_needs_ack(const char *kind, enum hl_precedence p)
{
	static const char *const none[] = {
		"ack", "answer", "check-reply", "close", "correct", "retract",
		"terms-accept", "terms-decline", "card", "rekey", "archive",
	};

	if (strcmp(kind, "update") == 0)
		return p == HL_FLASH || p == HL_IMMEDIATE;
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		if (strcmp(kind, none[i]) == 0)
			return false;
	return true;
}

/* The log a ref names, relative to us, if it names an envelope we hold
 * with that leaf hash (and, when kind is given, of that kind); -1
 * otherwise. */
static int ref_side(struct hl_store *st, const struct hl_party *me,
		    const struct hl_link *l, const struct hl_ref *ref, const char *kind)
{
	int side = strcmp(ref->from, me->card.name) == 0 ? HL_OURS :
		   strcmp(ref->from, l->card.name) == 0 ? HL_THEIRS : -1;
	struct hl_envelope env;
	struct hl_buf raw;
	hl_hash leaf;
	int r;

	if (side < 0)
		return -1;
	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	r = hl_store_envelope_get(st, l->id, side, ref->seq, &raw, leaf);
	if (r == 0 && sodium_memcmp(leaf, ref->leaf, sizeof(leaf)) != 0)
		r = -1;
	if (r == 0 && kind && (hl_envelope_parse(raw.data, raw.len, &env) < 0 ||
			       strcmp(env.kind, kind) != 0))
		r = -1;
	hl_buf_free(&raw);
	return r < 0 ? -1 : side;
}

struct terms {
	struct hl_store *st;
	const struct hl_link *l;
	const struct hl_item *it;
};

static int put_term(void *ctx, const char *object, const char *kind, const char *value)
{
	struct terms *t = ctx;

	return hl_store_term_put(t->st, t->l->id, t->it->side, t->it->seq, object, kind, value);
}

/* The structured fields of c, without its text: what case state and
 * listings need without opening the envelope again.  A STIX bundle is
 * replaced by whether it is valid ("stix": true) or why not.  A
 * suspension keeps its text, the reason that status shows. */
static char *fields_json(const struct hl_content *c, const struct hl_stix_error *bad)
{
	/* Shallow: only members of the top level are dropped or replaced,
	 * and the bundle, the largest of them, is never copied. */
	json_t *j = json_copy(c->json);
	char *s;

	if (!j)
		return NULL;
	json_object_del(j, "v");
	json_object_del(j, "type");
	if (strcmp(c->type, "suspend") != 0)
		json_object_del(j, "text");
	json_object_del(j, "summary");
	json_object_del(j, "ref");
	json_object_del(j, "case");
	json_object_del(j, "operator");	/* in columns of its own */
	if (c->stix && bad) {
		char why[sizeof(bad->id) + sizeof(bad->reason) + 2];

		snprintf(why, sizeof(why), "%s%s%s", bad->id, bad->id[0] ? ": " : "",
			 bad->reason);
		json_object_set_new(j, "stix", json_string(why));
	} else if (c->stix) {
		json_object_set_new(j, "stix", json_true());
	}
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}

/* The structured fields' codes as search terms, each with its field
 * name as kind and no STIX object. */
static int put_fields(struct terms *t, const struct hl_content *c)
{
	const char *const codes[][2] = {
		{"category", c->category}, {"tlp", c->tlp}, {"severity", c->severity},
		{"answer", c->answer},
	};
	size_t n;
	const struct hl_term *all = hl_vocab_terms(HL_VOCAB_ACTION, &n);
	int r = 0;

	for (size_t i = 0; r == 0 && i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i][1])
			r = put_term(t, "", codes[i][0], codes[i][1]);
	for (size_t i = 0; r == 0 && i < n; i++)
		if (c->actions & (1u << i))
			r = put_term(t, "", "action", all[i].code);
	return r;
}

/* The free text and summary, one body in the full-text index. */
static int put_text(struct hl_store *st, const struct hl_link *l, const struct hl_item *it,
		    const struct hl_content *c)
{
	struct hl_buf body;
	int r;

	if (!c->text.len && !c->has_summary)
		return 0;
	hl_buf_init(&body, 2 * HL_PLAIN_MAX);
	r = hl_buf_append(&body, c->text.text, c->text.len);
	if (r == 0 && c->has_summary)
		r = hl_buf_append(&body, "\n", 1);
	if (r == 0 && c->has_summary)
		r = hl_buf_append(&body, c->summary.text, c->summary.len);
	if (r == 0)
		r = hl_store_text_put(st, l->id, it->side, it->seq, (const char *)body.data,
				      body.len);
	if (body.data)
		sodium_memzero(body.data, body.cap);
	hl_buf_free(&body);
	return r;
}

/* A notify opens the case of its number (its seq when it gives none),
 * unless an earlier notify of its log opened that number: it then joins
 * that case, where it does not count (case.c).  Our own numbers are
 * recorded, so that the next one we give is above them. */
static int opens(struct hl_store *st, const struct hl_link *l, struct hl_item *it,
		 const struct hl_content *c)
{
	uint64_t first = 0;
	int r;

	it->case_no = c->has_number ? c->number : it->seq;
	it->case_side = it->side;
	it->case_seq = it->seq;
	r = hl_store_case_find(st, l->id, it->side, it->case_no, &first);
	if (r == 0 && first != it->seq)
		it->case_seq = first;
	if (r == -HL_ENOTFOUND)
		r = 0;
	if (r == 0 && it->side == HL_OURS) {
		r = hl_store_case_number_take(st, it->case_no);
		if (r == -HL_EDUPLICATE)
			r = 0;
	}
	return r;
}

/* ---- the STIX objects a feed serves (stixobj.h, docs/feeds.md) ---- */

/* The case number of the notify (side, seq) as its content gives it,
 * read from the envelope: for a message indexed before the notify of
 * its case (a reply of ours to a notify of theirs, when both logs are
 * indexed in one go).  -1 when it cannot be read. */
static int64_t notify_number(struct hl_store *st, const struct hl_party *me,
			     const struct hl_link *l, int side, uint64_t seq)
{
	unsigned char *key = sodium_malloc(HL_KEY_LEN);
	struct hl_buf raw, plain;
	struct hl_envelope env;
	struct hl_content c;
	int64_t n = -1;

	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	hl_buf_init(&plain, HL_PLAIN_MAX);
	if (key && hl_store_envelope_get(st, l->id, side, seq, &raw, NULL) == 0 &&
	    hl_envelope_parse(raw.data, raw.len, &env) == 0 &&
	    hl_party_unwrap(me, &env, key) == 0 &&
	    hl_envelope_decrypt(&env, key, &plain) == 0 &&
	    hl_content_parse(plain.data, plain.len, &c) == 0) {
		n = c.has_number ? (int64_t)c.number : (int64_t)seq;
		hl_content_free(&c);
	}
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	hl_buf_free(&raw);
	hl_buf_free(&plain);
	sodium_free(key);
	return n;
}

/* Where the objects of item it go. */
struct feed {
	struct hl_store *st;
	const struct hl_link *l;
	const struct hl_item *it;
	int case_side;			/* the notify that opened its case */
	uint64_t case_seq;
	char case_name[HL_NAME_MAX + 24];	/* "OWNER#N", or "" */
	char creator[HL_STIXFEED_ID_LEN + 1];
	int level;			/* the message's TLP */
	unsigned used;			/* bit i: level i served */
	int64_t sent;			/* the order of sending (stixobj.h) */
	int64_t now;
};

/* Names the case of it, by the notify that opened it (the first of its
 * number, as opens() finds it). */
static void feed_case(struct feed *x, const struct hl_party *me)
{
	const struct hl_item *it = x->it;
	struct hl_item named;
	int64_t number = -1;

	x->case_side = it->case_side;
	x->case_seq = it->case_seq;
	if (it->case_side < 0)
		return;
	if (strcmp(it->type, "notify") == 0) {
		number = (int64_t)it->case_no;
	} else if (hl_store_item_get(x->st, x->l->id, it->case_side, it->case_seq,
				     &named) == 0) {
		number = (int64_t)named.case_no;
		x->case_seq = named.case_seq;
	} else {
		uint64_t first;

		number = notify_number(x->st, me, x->l, it->case_side, it->case_seq);
		if (number > 0 && hl_store_case_find(x->st, x->l->id, it->case_side,
						     (uint64_t)number, &first) == 0)
			x->case_seq = first;
	}
	if (number > 0)
		snprintf(x->case_name, sizeof(x->case_name), "%s#%lld",
			 it->case_side == HL_OURS ? me->card.name : x->l->card.name,
			 (long long)number);
}

/* Records one object as served; (side, seq) and the case are the
 * item's, or -1, 0 for the rows the index adds itself. */
static int feed_put(struct feed *x, const json_t *served, int level, bool own)
{
	const char *spec = json_string_value(json_object_get(served, "spec_version"));
	struct hl_stix_obj o = {
		.link = x->l->id, .side = own ? x->it->side : -1, .seq = own ? x->it->seq : 0,
		.case_side = own ? x->case_side : -1, .case_seq = own ? x->case_seq : 0,
		.case_name = own && x->case_name[0] ? x->case_name : NULL,
		.sid = json_string_value(json_object_get(served, "id")),
		.type = json_string_value(json_object_get(served, "type")),
		.spec = spec ? spec : "2.1", .tlp = level, .sent = own ? x->sent : 0,
		.now = x->now,
	};
	char *json;
	int r;

	if (!o.sid || !o.type)
		return 0;
	hl_stixfeed_version(served, &o.version, &o.version_text);
	json = json_dumps(served, JSON_COMPACT);
	if (!json)
		return -ENOMEM;
	o.json = json;
	o.json_len = strlen(json);
	r = hl_store_stix_put(x->st, &o, NULL);
	free(json);
	return r;
}

static int feed_object(struct feed *x, const json_t *o)
{
	int level = hl_stixfeed_object_level(o, x->level);
	json_t *served = hl_stixfeed_served(o, level, x->creator,
					    x->case_name[0] ? x->case_name : NULL);
	int r;

	if (!served)
		return -ENOMEM;
	r = feed_put(x, served, level, true);
	json_decref(served);
	x->used |= 1u << level;
	return r;
}

/* The objects served beside a link's own, once per link (a second
 * copy is ignored): both parties' identities and the TLP markings used,
 * all TLP:CLEAR. */
static int feed_extras(struct feed *x, const struct hl_party *me)
{
	const char *names[] = {me->card.name, x->l->card.name};
	int r = 0;

	for (size_t i = 0; r == 0 && i < 2; i++) {
		json_t *id = hl_stixfeed_identity(names[i]);

		r = id ? feed_put(x, id, HL_TLP_CLEAR, false) : -ENOMEM;
		json_decref(id);
	}
	for (int level = 0; r == 0 && level < HL_TLP_LEVELS; level++) {
		json_t *m = x->used & (1u << level) ? hl_stixfeed_marking(level) : NULL;

		if (m)
			r = feed_put(x, m, HL_TLP_CLEAR, false);
		json_decref(m);
	}
	return r;
}

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Every object of the valid bundle of content c, as served. */
static int put_objects(struct hl_store *st, const struct hl_party *me,
		       const struct hl_link *l, const struct hl_item *it,
		       const struct hl_content *c)
{
	const json_t *objects = json_object_get(c->stix, "objects"), *o;
	const char *from = it->side == HL_OURS ? me->card.name : l->card.name;
	const char *to = it->side == HL_OURS ? l->card.name : me->card.name;
	struct feed x = {.st = st, .l = l, .it = it, .level = hl_stixfeed_level(c->tlp),
			 .now = now_us()};
	size_t i;
	int r = 0;

	if (json_array_size(objects) == 0)
		return 0;
	feed_case(&x, me);
	hl_stixfeed_identity_id(from, x.creator);
	x.sent = it->time * 2 + (strcmp(from, to) > 0);
	json_array_foreach(objects, i, o) {
		r = feed_object(&x, o);
		if (r < 0)
			return r;
	}
	return feed_extras(&x, me);
}

/* Records what the opened content c of item it says. */
static int index_content(struct hl_store *st, const struct hl_party *me,
			 const struct hl_link *l, struct hl_item *it,
			 const struct hl_content *c)
{
	struct hl_stix_error bad = {{0}, {0}};
	bool stix_ok = false;
	char *fields;
	int r;

	if (c->has_ref) {
		it->ref_side = ref_side(st, me, l, &c->ref, NULL);
		it->ref_seq = it->ref_side < 0 ? 0 : c->ref.seq;
	}
	if (strcmp(it->type, "notify") == 0) {
		r = opens(st, l, it, c);
		if (r < 0)
			return r;
	} else if (c->has_case) {
		it->case_side = ref_side(st, me, l, &c->case_ref, "notify");
		it->case_seq = it->case_side < 0 ? 0 : c->case_ref.seq;
	} else if (it->ref_side >= 0) {
		/* An ack or a retraction without "case" belongs to the case of
		 * what it names, when that is indexed. */
		struct hl_item named;

		if (hl_store_item_get(st, l->id, it->ref_side, it->ref_seq, &named) == 0) {
			it->case_side = named.case_side;
			it->case_seq = named.case_seq;
		}
	}
	snprintf(it->op_name, sizeof(it->op_name), "%s", c->op_name);
	snprintf(it->op_role, sizeof(it->op_role), "%s", c->op_role);
	if (c->stix)
		stix_ok = hl_stix_check(c->stix, &bad) == 0;
	fields = fields_json(c, stix_ok || !c->stix ? NULL : &bad);
	if (!fields)
		return -ENOMEM;
	it->fields = fields;
	r = hl_store_item_put(st, l->id, it);
	if (r == 0) {
		struct terms t = {st, l, it};

		r = put_fields(&t, c);
		if (r == 0 && stix_ok)
			r = hl_stix_terms(c->stix, put_term, &t);
		if (r == 0 && stix_ok)
			r = put_objects(st, me, l, it, c);
		if (r == 0)
			r = put_text(st, l, it, c);
	}
	free(fields);
	it->fields = NULL;
	return r;
}

/* A group message of the peer (groupmsg.h): its id reused by the
 * same peer with other content is marked, both kept. */
static int group_seen(struct hl_store *st, const struct hl_link *l, uint64_t seq,
		      const struct hl_content *c, const struct hl_buf *plain)
{
	unsigned char hash[HL_SHA256_LEN];
	bool reused;

	hl_sha256(plain->data, plain->len, hash);
	return hl_store_group_seen(st, l->id, seq, c->group.id, hash, &reused);
}

/* Opens one envelope with our box key and records what it says; what
 * cannot be opened or parsed is indexed as type "?". */
static int index_one(struct hl_store *st, const struct hl_party *me,
		     const struct hl_link *l, int side, uint64_t seq,
		     unsigned char *key, struct hl_buf *raw, struct hl_buf *plain)
{
	struct hl_item it = {.side = side, .seq = seq, .type = "?", .ref_side = -1,
			     .case_side = -1};
	struct hl_envelope env;
	struct hl_content c;
	int r;

	raw->len = 0;
	plain->len = 0;
	r = hl_store_envelope_get(st, l->id, side, seq, raw, NULL);
	if (r < 0)
		return r;
	if (hl_envelope_parse(raw->data, raw->len, &env) < 0)
		return hl_store_item_put(st, l->id, &it);
	it.time = env.time;	/* which copy of a STIX object came first */
	if (hl_party_unwrap(me, &env, key) == 0 &&
	    hl_envelope_decrypt(&env, key, plain) == 0 &&
	    hl_content_parse(plain->data, plain->len, &c) == 0) {
		if (strcmp(c.type, env.kind) == 0) {
			memcpy(it.type, env.kind, strlen(env.kind) + 1);
			r = index_content(st, me, l, &it, &c);
			if (r == 0 && side == HL_THEIRS && c.has_group)
				r = group_seen(st, l, seq, &c, plain);
		} else {
			r = hl_store_item_put(st, l->id, &it);
		}
		hl_content_free(&c);
		return r;
	}
	return hl_store_item_put(st, l->id, &it);
}

static int update(struct hl_store *st, const struct hl_party *me,
		  const struct hl_link *l, uint64_t *added, unsigned char *key)
{
	struct hl_buf raw, plain;
	uint64_t next[2] = {1, 1};
	int r = 0;

	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	hl_buf_init(&plain, HL_PLAIN_MAX);
	for (int side = HL_OURS; r == 0 && side <= HL_THEIRS; side++) {
		uint64_t size = 0;

		r = hl_store_item_next(st, l->id, side, &next[side]);
		if (r == 0)
			r = hl_store_log_size(st, l->id, side, &size);
		for (uint64_t seq = next[side]; r == 0 && seq <= size; seq++) {
			r = index_one(st, me, l, side, seq, key, &raw, &plain);
			(*added)++;
		}
	}
	/* Now that both logs' notifies are in, what names a case takes its
	 * number (a message of ours may name a notify of theirs indexed
	 * after it). */
	for (int side = HL_OURS; r == 0 && side <= HL_THEIRS; side++)
		r = hl_store_case_numbers_fill(st, l->id, side, next[side]);
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	hl_buf_free(&raw);
	hl_buf_free(&plain);
	return r;
}

int hl_index_update(struct hl_store *st, const struct hl_party *me,
		    const struct hl_link *l, uint64_t *added)
{
	unsigned char *key = sodium_malloc(HL_KEY_LEN);
	/* Not waited for on the disk: the index is a projection of the logs,
	 * and a power cut that loses its last commit loses no envelope (the
	 * logs' commits are synced) and nothing after it (the write-ahead
	 * log is synced in order, so the next synced commit carries this
	 * one); what it lost is indexed again from where it stands. */
	int r = key ? hl_store_begin_lazy(st) : -ENOMEM;

	*added = 0;
	if (r == 0) {
		r = update(st, me, l, added, key);
		if (r == 0)
			r = hl_store_commit(st);
		else
			hl_store_rollback(st);
	}
	sodium_free(key);
	return r;
}
