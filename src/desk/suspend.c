/* suspend.c - the desk's suspension of a link (docs/protocol.md 8.14):
 * suspend, resume after checking both cards, the state a link is in,
 * and the new cases and requests held while it is suspended.
 *
 * A suspension is one party's decision, so only that party lifts it.
 * While any suspension is in force, the transport and every answer go
 * on; what would start something new (a notify, a request) waits,
 * unsealed, in the held table, unless a supervisor overrides. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "actions.h"
#include "case.h"
#include "courier.h"
#include "deskcase.h"
#include "error.h"
#include "events.h"
#include "file.h"
#include "held.h"
#include "linkterms.h"
#include "msgid.h"
#include "tlscert.h"

/* The link's control fold and the suspensions in force at now.  A link
 * that never carried a suspend needs neither the index nor the fold. */
struct susp {
	struct hl_link_terms f;
	const struct hl_suspension *in[2];	/* ours first */
	size_t n;
};

static bool suspensions(struct hl_desk *d, const struct hl_link *l, int64_t now,
			struct susp *s, struct hl_desk_err *e)
{
	bool ever = false;
	int r;

	memset(s, 0, sizeof(*s));
	r = hl_store_ever_suspended(d->st, l->name, &ever);
	if (r == 0 && !ever)
		return true;
	if (r == 0 && !hl_desk_index(d, e))
		return false;
	if (r == 0)
		r = hl_store_link_terms(d->st, d->me, l, &s->f);
	if (r < 0) {
		hl_desk_fail_code(e, r, l->name);
		return false;
	}
	s->n = hl_link_suspensions(&s->f, now, s->in);
	return true;
}

static const struct hl_suspension *ours(const struct susp *s)
{
	return s->n && s->in[0]->side == HL_OURS ? s->in[0] : NULL;
}

static const struct hl_suspension *theirs(const struct susp *s)
{
	return s->n && s->in[s->n - 1]->side == HL_THEIRS ? s->in[s->n - 1] : NULL;
}

/* {"by", "since", "message", "operator"?, "reason": {"lang", "text"}} */
static json_t *suspension_json(struct hl_desk *d, const struct hl_link *l,
			       const struct hl_suspension *s)
{
	char id[HL_MSGID_MAX + 1];
	struct hl_content c;
	struct hl_buf plain;
	json_t *j;

	hl_msgid_format(l->name, s->side, s->seq, id);
	j = json_pack("{s:s, s:I, s:s}", "by", s->side == HL_OURS ? d->me->card.name : l->name,
		      "since", (json_int_t)s->since, "message", id);
	hl_buf_init(&plain, 2 * HL_PLAIN_MAX);
	if (j && hl_desk_open_content(d, l, s->side, s->seq, &plain, &c) == 0) {
		json_object_set_new(j, "reason", json_pack("{s:s, s:s%}", "lang", c.text.lang,
							   "text", c.text.text, c.text.len));
		if (c.op_name[0])
			json_object_set_new(j, "operator", json_pack("{s:s, s:s}", "name",
								     c.op_name, "role", c.op_role));
		hl_content_free(&c);
	}
	hl_buf_free(&plain);
	return j;
}

json_t *hl_desk_link_state(struct hl_desk *d, const char *name, int64_t now)
{
	struct hl_desk_err e;
	struct hl_link l;
	struct susp s = {0};
	uint64_t held = 0;
	bool ever = false;
	json_t *list;

	/* Messages are held only while a suspend is in force. */
	if (hl_store_ever_suspended(d->st, name, &ever) < 0)
		return NULL;
	if (!ever)
		return json_pack("{s:s, s:[], s:i}", "state", "active", "suspended", "held", 0);
	if (!hl_desk_link(d, name, &l, &e))
		return NULL;
	list = json_array();
	if (suspensions(d, &l, now, &s, &e) && hl_store_held_count(d->st, l.id, &held) == 0)
		for (size_t i = 0; i < s.n; i++)
			json_array_append_new(list, suspension_json(d, &l, s.in[i]));
	else
		json_decref(list), list = NULL;
	hl_link_terms_free(&s.f);
	hl_link_free(&l);
	return list ? json_pack("{s:s, s:o, s:I}", "state", s.n ? "suspended" : "active",
				"suspended", list, "held", (json_int_t)held) : NULL;
}

/* ---- suspend, resume ---- */

/* {"name", "text", "lang"?}: suspends the link, saying why. */
json_t *hl_desk_link_suspend(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	struct hl_content m = {.type = "suspend"};
	char since[HL_TIME_LEN + 1];
	struct hl_link l;
	struct susp s;
	const char *name;
	uint64_t seq = 0;
	json_t *res = NULL;

	if (!hl_desk_args_only(q, e, "name", "text", "lang", NULL) ||
	    !hl_desk_arg_need(q, "name", &name, e) || !hl_act_text(q, true, &m.text, e))
		return NULL;
	if (m.text.len == 0)
		return hl_desk_fail(e, 400, "text: say why the link is suspended");
	if (!hl_desk_link(d, name, &l, e))
		return NULL;
	if (suspensions(d, &l, q->now, &s, e)) {
		if (ours(&s)) {
			hl_time_format(ours(&s)->since, since);
			hl_desk_fail(e, 409, "%s is already suspended by us since %s", l.name,
				     since);
		} else if (hl_desk_post(d, q, HL_RIGHT_LINK, &l, &m, HL_IMMEDIATE, &seq, e)) {
			res = hl_act_result(l.name, seq, HL_IMMEDIATE, m.type, NULL);
			hl_event("suspension", json_pack("{s:s, s:s, s:s, s:I}", "link", l.name,
							 "action", "suspended", "by",
							 d->me->card.name, "seq",
							 (json_int_t)seq));
		}
		hl_link_terms_free(&s.f);
	}
	hl_link_free(&l);
	return res;
}

/* Whether we suspended l, and so may resume it; else false with e filled. */
static bool may_resume(const struct hl_link *l, const struct susp *s, struct hl_desk_err *e)
{
	const struct hl_suspension *t = theirs(s);
	char since[HL_TIME_LEN + 1];

	if (ours(s))
		return true;
	if (!t)
		hl_desk_fail(e, 409, "%s is not suspended by us", l->name);
	else {
		hl_time_format(t->since, since);
		hl_desk_fail(e, 409, "%s is suspended by %s, not by us: only %s can resume it "
			     "(since %s)", l->name, l->name, l->name, since);
	}
	return false;
}

/* Our TLS certificate's key is the one our card pins: else the peer
 * would refuse us the moment the link is used again. */
static bool our_tls_current(struct hl_desk *d, const struct hl_link *l, struct hl_desk_err *e)
{
	char path[PATH_MAX];
	struct hl_buf crt;
	unsigned char pin[32];
	int r;

	hl_buf_init(&crt, 64 * 1024);
	r = hl_party_path(d->me->home, "tls.crt", path, sizeof(path));
	if (r == 0)
		r = hl_file_read(path, &crt);
	if (r == 0)
		r = hl_tlscert_pin(crt.data, crt.len, 1, pin);
	hl_buf_free(&crt);
	if (r < 0 || sodium_memcmp(pin, d->me->card.tls_pin, sizeof(pin)) != 0) {
		hl_desk_fail(e, 409, "cannot resume %s: our TLS certificate's key is not the "
			     "one our card pins", l->name);
		return false;
	}
	return true;
}

/* The peer serves the card we hold: a key change of theirs that has not
 * reached us would make the resume name a card no longer in force. */
static bool peer_card_current(struct hl_desk *d, const struct hl_link *l,
			      struct hl_desk_err *e)
{
	char why[300] = "", created[HL_TIME_LEN + 1];
	struct hl_card other;
	char *card = NULL;
	size_t len = 0;
	int r;

	if (!d->courier) {
		hl_desk_fail(e, 503, "cannot resume %s: cannot check its card: no courier", l->name);
		return false;
	}
	r = hl_courier_fetch_card(d->courier, l->name, &card, &len, why, sizeof(why));
	/* A peer that calls us serves no card; until a card can change
	 * (a key change travels in the transcript), the one we hold is it. */
	if (r == -EDESTADDRREQ)
		return true;
	if (r < 0) {
		hl_desk_fail(e, 503, "cannot resume %s: cannot check its card: %s", l->name, why);
		return false;
	}
	if (len == l->card_text.len && memcmp(card, l->card_text.data, len) == 0) {
		free(card);
		return true;
	}
	if (hl_card_parse((const unsigned char *)card, len, &other) == 0)
		hl_time_format(other.created, created);
	else
		snprintf(created, sizeof(created), "%s", "unreadable");
	free(card);
	hl_desk_fail(e, 409, "cannot resume %s: %s serves a card other than the one we hold "
		     "(created %s): its key change has not reached us yet", l->name, l->name,
		     created);
	return false;
}

static int card_hash(const struct hl_buf *text, const char *name, struct hl_card_hash *h)
{
	snprintf(h->name, sizeof(h->name), "%s", name);
	return hl_card_text_hash(text->data, text->len, h->hash);
}

/* "cards": both parties' cards in force, in name order. */
static int cards_member(struct hl_desk *d, const struct hl_link *l, struct hl_content *m)
{
	bool we_first = strcmp(d->me->card.name, l->name) < 0;
	int r = card_hash(&d->me->card_text, d->me->card.name, &m->cards[we_first ? 0 : 1]);

	if (r == 0)
		r = card_hash(&l->card_text, l->name, &m->cards[we_first ? 1 : 0]);
	m->has_cards = r == 0;
	return r;
}

/* {"name", "text"?, "lang"?}: lifts our suspension, once both cards
 * were checked to be current. */
json_t *hl_desk_link_resume(struct hl_desk *d, const struct hl_desk_req *q,
			    struct hl_desk_err *e)
{
	struct hl_content m = {.type = "resume", .has_ref = true};
	struct hl_link l;
	struct susp s;
	const char *name;
	uint64_t seq = 0;
	json_t *res = NULL;

	if (!hl_desk_args_only(q, e, "name", "text", "lang", NULL) ||
	    !hl_desk_arg_need(q, "name", &name, e) || !hl_act_text(q, false, &m.text, e) ||
	    !hl_desk_link(d, name, &l, e))
		return NULL;
	if (!suspensions(d, &l, q->now, &s, e))
		goto out;
	if (!may_resume(&l, &s, e) || !our_tls_current(d, &l, e) ||
	    !peer_card_current(d, &l, e))
		goto out;
	if (hl_desk_ref(d, &l, HL_OURS, ours(&s)->seq, &m.ref) < 0 ||
	    cards_member(d, &l, &m) < 0)
		hl_desk_fail(e, 503, "%s: the store failed: %s", l.name, hl_store_errmsg(d->st));
	else if (hl_desk_post(d, q, HL_RIGHT_LINK, &l, &m, HL_IMMEDIATE, &seq, e))
		res = hl_act_result(l.name, seq, HL_IMMEDIATE, m.type, NULL);
	if (res) {
		hl_event("suspension", json_pack("{s:s, s:s, s:s, s:I}", "link", l.name, "action",
						 "resumed", "by", d->me->card.name, "seq",
						 (json_int_t)seq));
		hl_courier_wake(d->courier, l.name);
	}
out:
	hl_link_terms_free(&s.f);
	hl_link_free(&l);
	return res;
}

/* ---- held messages ---- */

static bool held_kind(const char *kind)
{
	return strcmp(kind, "notify") == 0 || strcmp(kind, "request") == 0;
}

int hl_desk_holds(struct hl_desk *d, const struct hl_desk_req *q, const char *link,
		  const char *kind, struct hl_desk_err *e)
{
	bool override = false, ever = false;
	struct hl_link l;
	struct susp s;
	size_t n;
	int r;

	if (!hl_desk_arg_bool(q, "override", &override, e))
		return -1;
	if (override && !(q->op->roles & HL_ROLE_SUPERVISOR)) {
		e->needs = hl_role_name(HL_ROLE_SUPERVISOR);
		hl_desk_fail(e, 403, "operator %s may not override a suspension: that needs the "
			     "supervisor role", q->op->name);
		return -1;
	}
	if (!held_kind(kind) || override)
		return 0;
	/* Every new case asks: most links were never suspended. */
	r = hl_store_ever_suspended(d->st, link, &ever);
	if (r < 0 || !ever)
		return r < 0 ? (hl_desk_fail_code(e, r, link), -1) : 0;
	if (!hl_desk_link(d, link, &l, e))
		return -1;
	/* An archive outranks a suspension: the send is refused. */
	if (l.archiving || l.archived) {
		hl_link_free(&l);
		return 0;
	}
	r = suspensions(d, &l, q->now, &s, e) ? 0 : -1;
	n = s.n;
	hl_link_terms_free(&s.f);
	hl_link_free(&l);
	return r < 0 ? -1 : n ? 1 : 0;
}

json_t *hl_desk_hold(struct hl_desk *d, const struct hl_desk_req *q, const struct hl_link *l,
		     const char *kind, enum hl_precedence p, const struct hl_buf *content,
		     uint64_t case_no, int *err)
{
	struct hl_held h = {.link = l->id, .queued = q->now, .precedence = p,
			    .case_no = case_no, .content = content->data, .len = content->len};
	char id[HL_MSGID_MAX + 32], cid[HL_CASE_ID_MAX + 1];
	json_t *j;

	snprintf(h.kind, sizeof(h.kind), "%s", kind);
	snprintf(h.op_name, sizeof(h.op_name), "%s", q->op->name);
	snprintf(h.op_role, sizeof(h.op_role), "%s", hl_desk_acting_role(q->op, HL_RIGHT_SEND));
	*err = hl_store_held_put(d->st, &h);
	if (*err < 0)
		return NULL;
	snprintf(id, sizeof(id), "%s/held/%lld", l->name, (long long)h.id);
	j = json_pack("{s:s, s:s, s:s, s:s, s:s}", "link", l->name, "held", id, "kind", kind,
		      "precedence", hl_precedence_name(p), "until", "resumption");
	if (j && case_no) {
		hl_case_id(d->me->card.name, case_no, cid);
		json_object_set_new(j, "case", json_string(cid));
	}
	hl_event("suspension", json_pack("{s:s, s:s, s:s}", "link", l->name, "action", "held",
					 "message", id));
	return j;
}

static int held_one(void *ctx, const struct hl_held *h)
{
	json_t *items = json_object_get(ctx, "items");
	const char *link = json_string_value(json_object_get(ctx, "link"));
	char id[HL_MSGID_MAX + 32];
	json_t *content = json_loadb((const char *)h->content, h->len, 0, NULL);

	snprintf(id, sizeof(id), "%s/held/%lld", link, (long long)h->id);
	return json_array_append_new(items, json_pack(
		"{s:s, s:I, s:s, s:s, s:I, s:o, s:{s:s, s:s}}", "id", id, "queued",
		(json_int_t)h->queued, "kind", h->kind, "precedence",
		hl_precedence_name(h->precedence), "case_no", (json_int_t)h->case_no,
		"content", content ? content : json_null(), "operator", "name", h->op_name,
		"role", h->op_role)) < 0 ? -ENOMEM : 0;
}

struct owner {
	int64_t id;
	bool found;
	char op[HL_NAME_MAX + 1];
};

static int find_held(void *ctx, const struct hl_held *h)
{
	struct owner *o = ctx;

	if (h->id != o->id)
		return 0;
	o->found = true;
	snprintf(o->op, sizeof(o->op), "%s", h->op_name);
	return 1;
}

/* Held message id is on link and q's operator may drop it: who held it,
 * or a supervisor. */
static int owned(struct hl_desk *d, const struct hl_desk_req *q, int64_t link, int64_t id,
		 struct hl_desk_err *e)
{
	struct owner o = {.id = id};
	int r = hl_store_held_each(d->st, link, find_held, &o);

	if (r < 0)
		return r;
	if (!o.found)
		return -HL_ENOTFOUND;
	if (strcmp(o.op, q->op->name) == 0 || (q->op->roles & HL_ROLE_SUPERVISOR))
		return 0;
	e->needs = hl_role_name(HL_ROLE_SUPERVISOR);
	hl_desk_fail(e, 403, "held by %s: only they or a supervisor may drop it", o.op);
	return -EPERM;
}

/* GET /v1/held?link=NAME -> {"link", "items": [...]} */
json_t *hl_desk_held_list(struct hl_desk *d, const struct hl_desk_req *q,
			  struct hl_desk_err *e)
{
	struct hl_link l;
	const char *name;
	json_t *res;
	int r;

	if (!hl_desk_args_only(q, e, "link", NULL) || !hl_desk_arg_need(q, "link", &name, e) ||
	    !hl_desk_link(d, name, &l, e))
		return NULL;
	res = json_pack("{s:s, s:[]}", "link", l.name, "items");
	r = res ? hl_store_held_each(d->st, l.id, held_one, res) : -ENOMEM;
	hl_link_free(&l);
	if (r < 0) {
		json_decref(res);
		return hl_desk_fail_code(e, r, name);
	}
	return res;
}

/* {"id": "LINK/held/N"}: drops a held message, the sender's or, for a
 * supervisor, anyone's. */
json_t *hl_desk_held_drop(struct hl_desk *d, const struct hl_desk_req *q,
			  struct hl_desk_err *e)
{
	char name[HL_NAME_MAX + 1];
	const char *id, *slash;
	long long n = 0;
	struct hl_link l;
	int r, used = 0;

	if (!hl_desk_args_only(q, e, "id", NULL) || !hl_desk_arg_need(q, "id", &id, e))
		return NULL;
	slash = strstr(id, "/held/");
	if (!slash || slash == id || (size_t)(slash - id) > HL_NAME_MAX ||
	    sscanf(slash + 6, "%lld%n", &n, &used) != 1 || slash[6 + used] || n < 1)
		return hl_desk_fail(e, 400, "%s: name a held message as LINK/held/N", id);
	snprintf(name, sizeof(name), "%.*s", (int)(slash - id), id);
	if (!hl_desk_link(d, name, &l, e))
		return NULL;
	r = owned(d, q, l.id, n, e);
	if (r == 0)
		r = hl_store_held_drop(d->st, n);
	hl_link_free(&l);
	if (r == -HL_ENOTFOUND)
		return hl_desk_fail(e, 404, "%s: no such held message", id);
	if (r < 0)
		return e->status ? NULL : hl_desk_fail_code(e, r, id);
	return json_pack("{s:s}", "dropped", id);
}
