/* lists.c - the desk's listings of messages: inbox, show, outbox. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "keyring.h"
#include "keys.h"
#include "case.h"
#include "content.h"
#include "groupmsg.h"
#include "courier.h"
#include "deskcase.h"
#include "error.h"
#include "lists.h"
#include "suspect.h"
#include "text.h"

/* ---- inbox ---- */

struct inbox {
	struct hl_desk *d;
	const struct hl_desk_req *q;
	const struct hl_link *l;
	const char *only;
	struct hl_desk_suspect sus;	/* of the link being listed */
	struct hl_page pg;
};

/* The case a received message belongs to, "opener#N", or null. */
static json_t *case_of(const struct inbox *in, uint64_t seq)
{
	char id[HL_CASE_ID_MAX + 1];
	struct hl_item it;

	if (hl_store_item_get(in->d->st, in->l->id, HL_THEIRS, seq, &it) < 0 ||
	    it.case_side < 0 || it.case_no == 0)
		return json_null();
	hl_case_id(it.case_side == HL_OURS ? in->d->me->card.name : in->l->card.name,
		   it.case_no, id);
	return json_string(id);
}

/* One row: {"id", "link", "seq", "sent", "precedence", "kind", "case", "ack",
 * "suspect"}. */
static json_t *inbox_row(const struct inbox *in, const struct hl_message *m)
{
	char id[HL_MSGID_MAX + 1];

	hl_msgid_format(in->l->name, HL_THEIRS, m->seq, id);
	return json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:o, s:o, s:o}", "id", id,
			 "link", in->l->name, "seq", (json_int_t)m->seq,
			 "sent", (json_int_t)m->time, "precedence", m->precedence,
			 "kind", m->kind, "case", case_of(in, m->seq),
			 "ack", hl_desk_ack_json(in->d, in->l, HL_THEIRS, m->seq, m->kind,
						 m->precedence, m->time, in->q->now),
			 "suspect", hl_desk_suspect_json(&in->sus, m->seq, m->time));
}

static int inbox_msg(void *ctx, const struct hl_message *m)
{
	struct inbox *in = ctx;
	char key[HL_PAGE_KEY_MAX];

	hl_page_key(key, in->l->name, m->seq);
	return hl_page_add(&in->pg, key, inbox_row(in, m));
}

/* The number of a key's part: its zero-padded digits (cursors are
 * checked only as keys: a forged one gives some other page, no more). */
static uint64_t key_number(const char *s)
{
	uint64_t v = 0;

	for (size_t i = 0; i < 20 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	return v > INT64_MAX ? INT64_MAX : v;
}

/* Each link in name order; on the cursor's link, after its seq. */
static int inbox_link(void *ctx, const struct hl_link *l)
{
	struct inbox *in = ctx;
	char key[HL_PAGE_KEY_MAX];
	uint64_t after = 0;
	size_t n = strlen(l->name);
	int r;

	if (in->only && strcmp(in->only, l->name) != 0)
		return 0;
	hl_page_key(key, l->name, UINT64_MAX >> 1);
	if (!hl_page_wants(&in->pg, key))
		return 0;
	if (!strncmp(in->pg.after, l->name, n) && in->pg.after[n] == '\x01')
		after = key_number(in->pg.after + n + 1);
	in->l = l;
	r = hl_desk_suspect_load(in->d, l, HL_THEIRS, &in->sus);
	if (r == 0)
		r = hl_store_message_each(in->d->st, l->id, HL_THEIRS, after, inbox_msg, in);
	hl_desk_suspect_free(&in->sus);
	return r;
}

/* A link named by an argument must exist; "" names none. */
static bool only_link(struct hl_desk *d, const struct hl_desk_req *q, const char **only,
		      struct hl_desk_err *e)
{
	struct hl_link l = {0};
	bool ok;

	if (!hl_desk_arg_str(q, "link", only, e))
		return false;
	if (!*only)
		return true;
	ok = hl_desk_link(d, *only, &l, e);
	hl_link_free(&l);
	return ok;
}

/* {"link"?, "limit"?, "after"?} -> a page of received messages, by link
 * and seq. */
json_t *hl_desk_inbox(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	struct inbox in = {.d = d, .q = q};
	int r;

	if (!hl_desk_args_only(q, e, "link", "limit", "after", NULL) ||
	    !only_link(d, q, &in.only, e) || !hl_page_start(q, &in.pg, e))
		return NULL;
	if (!hl_desk_index(d, e)) {
		hl_page_free(&in.pg);
		return NULL;
	}
	r = hl_store_link_each(d->st, inbox_link, &in);
	if (r < 0) {
		hl_page_free(&in.pg);
		return hl_desk_fail(e, 503, "inbox: the store failed: %s", hl_store_errmsg(d->st));
	}
	return hl_page_end(&in.pg);
}

/* ---- show ---- */

/* The content JSON as sent when it is hotline content, else the body as
 * a string when it is UTF-8 ("raw"), else neither. */
static void content_members(json_t *j, const struct hl_buf *plain)
{
	struct hl_content c;
	json_t *content = NULL, *raw = NULL;

	if (hl_content_parse(plain->data, plain->len, &c) == 0) {
		content = json_incref(c.json);
		hl_content_free(&c);
	} else if (hl_utf8_valid(plain->data, plain->len)) {
		raw = json_stringn((const char *)plain->data, plain->len);
	}
	json_object_set_new(j, "content", content ? content : json_null());
	json_object_set_new(j, "raw", raw ? raw : json_null());
}

/* The envelope's facts: {"id", "link", "from", "to", "seq", "sent",
 * "precedence", "kind", "receipted", "ack", "suspect"}. */
static json_t *facts(struct hl_desk *d, const struct hl_desk_req *q, const struct hl_link *l,
		     int side, const struct hl_envelope *env)
{
	char id[HL_MSGID_MAX + 1];
	const char *prec = hl_precedence_name(env->precedence);
	struct hl_desk_suspect sus;
	uint64_t cosigned = 0;
	json_t *j;

	hl_msgid_format(l->name, side, env->seq, id);
	hl_store_cosigned_size(d->st, l->id, side, &cosigned);
	/* The envelope verified with its era's key: a store that cannot
	 * list the eras now only leaves the mark out. */
	(void)hl_desk_suspect_load(d, l, side, &sus);
	j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:b, s:o, s:o}", "id", id,
		      "link", l->name, "from", env->from, "to", env->to,
		      "seq", (json_int_t)env->seq, "sent", (json_int_t)env->time,
		      "precedence", prec, "kind", env->kind, "receipted", env->seq <= cosigned,
		      "ack", hl_desk_ack_json(d, l, side, env->seq, env->kind, prec,
					      env->time, q->now),
		      "suspect", hl_desk_suspect_json(&sus, env->seq, env->time));
	hl_desk_suspect_free(&sus);
	return j;
}

/* "group_reused": true on a message of the peer whose group id the
 * peer used before with other content (groupmsg.h), as the index
 * found it. */
static void group_mark(struct hl_desk *d, const struct hl_link *l, uint64_t seq, json_t *j)
{
	bool reused = false;

	if (hl_store_group_reused_at(d->st, l->id, seq, &reused) == 0 && reused)
		json_object_set_new(j, "group_reused", json_true());
}

/* Verifies and opens message (side, seq) of l: its facts and content. */
static int show_one(struct hl_desk *d, const struct hl_desk_req *q, const struct hl_link *l,
		    int side, uint64_t seq, json_t **out)
{
	const struct hl_party *p = d->me;
	unsigned char *key = sodium_malloc(HL_KEY_LEN);
	struct hl_card sender;
	struct hl_buf raw, plain;
	struct hl_envelope env;
	int r = key ? 0 : -ENOMEM;

	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	hl_buf_init(&plain, HL_PLAIN_MAX);
	if (r == 0)
		r = hl_store_envelope_get(d->st, l->id, side, seq, &raw, NULL);
	if (r == 0)
		r = hl_envelope_parse(raw.data, raw.len, &env);
	/* With the key of its time (a key change since, protocol.md 9.6). */
	if (r == 0)
		r = side == HL_OURS ?
		    hl_store_signer(d->st, l, side, &p->card, &p->card_text, seq, &sender) :
		    hl_store_signer(d->st, l, side, &l->card, &l->card_text, seq, &sender);
	if (r == 0)
		r = hl_envelope_verify(&env, &sender);
	if (r == 0)
		r = hl_party_unwrap(p, &env, key);
	if (r == 0)
		r = hl_envelope_decrypt(&env, key, &plain);
	if (r == 0) {
		*out = facts(d, q, l, side, &env);
		if (*out)
			content_members(*out, &plain);
		else
			r = -ENOMEM;
	}
	if (r == 0 && side == HL_THEIRS)
		group_mark(d, l, seq, *out);
	sodium_free(key);
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	hl_buf_free(&plain);
	hl_buf_free(&raw);
	return r;
}

/* {"id": "LINK/SEQ" | "LINK/out/SEQ"} -> the message's facts, with its
 * content JSON as its sender composed it ("content"), or its bytes
 * ("raw") when they are not hotline content. */
json_t *hl_desk_show(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	char name[HL_NAME_MAX + 1];
	struct hl_link l = {0};
	const char *id = NULL;
	json_t *res = NULL;
	int side = HL_THEIRS, r;
	uint64_t seq = 0;

	if (!hl_desk_args_only(q, e, "id", NULL) || !hl_desk_arg_need(q, "id", &id, e))
		return NULL;
	if (!hl_msgid_parse(id, name, &side, &seq))
		return hl_desk_fail(e, 400, "%s: not a message (LINK/N, LINK/out/N)", id);
	if (!hl_desk_link(d, name, &l, e) || !hl_desk_index(d, e)) {
		hl_link_free(&l);
		return NULL;
	}
	r = show_one(d, q, &l, side, seq, &res);
	hl_link_free(&l);
	if (r == -HL_ENOTFOUND)
		return hl_desk_fail(e, 404, "%s: no such message", id);
	if (r == -HL_ESTORE)
		return hl_desk_fail(e, 503, "%s: the store failed: %s", id,
				    hl_store_errmsg(d->st));
	if (r < 0)
		return hl_desk_fail_code(e, r, id);
	return res;
}

/* ---- outbox ---- */

struct outbox {
	struct hl_desk *d;
	const char *only;
	struct hl_courier_link *cl;	/* the courier's view */
	size_t ncl;
	struct hl_page pg;
};

struct outbox_msgs {
	const char *link;
	json_t *msgs;
	struct hl_desk_suspect sus;
};

/* {"id", "seq", "sent", "precedence", "kind", "suspect"} */
static int outbox_msg(void *ctx, const struct hl_message *m)
{
	struct outbox_msgs *om = ctx;
	char id[HL_MSGID_MAX + 1];

	hl_msgid_format(om->link, HL_OURS, m->seq, id);
	return json_array_append_new(om->msgs, json_pack("{s:s, s:I, s:I, s:s, s:s, s:o}",
				     "id", id, "seq", (json_int_t)m->seq,
				     "sent", (json_int_t)m->time, "precedence", m->precedence,
				     "kind", m->kind, "suspect",
				     hl_desk_suspect_json(&om->sus, m->seq, m->time))) ? -ENOMEM : 0;
}

static const struct hl_courier_link *courier_link(const struct outbox *o, const char *name)
{
	return hl_courier_find(o->cl, o->ncl, name);
}

/* A link of the outbox: {"link", "awaiting", "attempts", "last_error",
 * "messages": [...]}, its messages oldest first. */
static int outbox_link(void *ctx, const struct hl_link *l)
{
	struct outbox *o = ctx;
	const struct hl_courier_link *cl = courier_link(o, l->name);
	uint64_t sent = 0, acked = 0;
	char key[HL_PAGE_KEY_MAX];
	struct outbox_msgs om = {.link = l->name};
	json_t *j;
	int r;

	if ((o->only && strcmp(o->only, l->name) != 0))
		return 0;
	snprintf(key, sizeof(key), "%s", l->name);
	if (!hl_page_wants(&o->pg, key))
		return 0;
	hl_store_log_size(o->d->st, l->id, HL_OURS, &sent);
	hl_store_cosigned_size(o->d->st, l->id, HL_OURS, &acked);
	j = json_pack("{s:s, s:I, s:I, s:o, s:[]}", "link", l->name,
		      "awaiting", (json_int_t)(sent - acked),
		      "attempts", (json_int_t)(cl ? cl->attempts : 0),
		      "last_error", cl && cl->last_error[0] ? json_string(cl->last_error) :
		      json_null(), "messages");
	if (!j)
		return -ENOMEM;
	om.msgs = json_object_get(j, "messages");
	r = hl_desk_suspect_load(o->d, l, HL_OURS, &om.sus);
	if (r == 0)
		r = hl_store_message_each(o->d->st, l->id, HL_OURS, acked, outbox_msg, &om);
	hl_desk_suspect_free(&om.sus);
	if (r < 0) {
		json_decref(j);
		return r;
	}
	return hl_page_add(&o->pg, key, j);
}

/* {"link"?, "limit"?, "after"?} -> a page of links, each with every
 * message of ours that awaits the peer's receipt. */
json_t *hl_desk_outbox(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	struct outbox o = {.d = d};
	size_t ncl;
	int r;

	if (!hl_desk_args_only(q, e, "link", "limit", "after", NULL) ||
	    !only_link(d, q, &o.only, e) || !hl_page_start(q, &o.pg, e))
		return NULL;
	/* Room for every link the courier has met (it has no fixed limit). */
	ncl = d->courier ? hl_courier_count(d->courier) : 0;
	o.cl = calloc(ncl + 1, sizeof(*o.cl));
	if (!o.cl) {
		hl_page_free(&o.pg);
		return hl_desk_fail(e, 503, "out of memory");
	}
	o.ncl = d->courier ? hl_courier_status(d->courier, o.cl, ncl) : 0;
	r = hl_desk_index(d, e) ? hl_store_link_each(d->st, outbox_link, &o) : -EINVAL;
	free(o.cl);
	if (r == -EINVAL) {
		hl_page_free(&o.pg);
		return NULL;
	}
	if (r < 0) {
		hl_page_free(&o.pg);
		return hl_desk_fail(e, 503, "outbox: the store failed: %s", hl_store_errmsg(d->st));
	}
	return hl_page_end(&o.pg);
}
