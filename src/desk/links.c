/* links.c - the desk's links: add a peer's card, confirm it by its
 * fingerprint, list and show them.
 *
 * Every rule about links lives here: a card must verify and bear the
 * link's name, must not be this party's own nor share a key or TLS pin
 * with ours or another link's (pins identify peers to the server, and
 * they are public); a link starts unconfirmed and is confirmed only by
 * the fingerprint the peer read out.  hotline.conf's link.NAME keys are
 * not checked here: they may name a link before it is added (hotlined
 * starts with them, with a warning, so that it can be added). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "desk.h"
#include "deskcase.h"
#include "error.h"
#include "keys.h"
#include "keysdesk.h"
#include "store.h"

#define LIST_LIMIT_MAX 1000

/* Which generation of the link between me and l's party l is (5.1):
 * 1 until a link between them was archived.  The link ID is made of
 * the founding cards' keys (era 0 of each side): after a key change
 * the cards in force make none, and all 4096 would be tried. */
static unsigned generation(struct hl_store *st, const struct hl_party *me,
			   const struct hl_link *l)
{
	unsigned char id[HL_LINK_ID_LEN];
	struct hl_eras *ours = NULL, *theirs = NULL;
	unsigned g = 0;

	if (hl_store_eras_load(st, l, HL_OURS, &me->card, &me->card_text, &ours) == 0 &&
	    hl_store_eras_load(st, l, HL_THEIRS, &l->card, &l->card_text, &theirs) == 0)
		for (uint32_t k = 1; !g && k <= HL_LINK_GEN_MAX; k++)
			if (hl_link_id_gen(ours->kc.era[0].card.sign_pk,
					   theirs->kc.era[0].card.sign_pk, k, id) == 0 &&
			    sodium_memcmp(id, l->link_id, sizeof(id)) == 0)
				g = k;
	hl_eras_free(ours);
	hl_eras_free(theirs);
	return g;	/* 0: a link ID of no generation (not made here) */
}

/* The view and the link's archive: archived (when) or null, and
 * whether it is being archived (for with_state, which removes it); its
 * generation. */
static json_t *view_archive(json_t *v, unsigned gen, const struct hl_link *l)
{
	if (v) {
		json_object_set_new(v, "generation", json_integer(gen));
		json_object_set_new(v, "archived", l->archived ? json_integer(l->archived) :
				    json_null());
		json_object_set_new(v, "archiving", json_boolean(l->archiving));
	}
	return v;
}

/* The view and whether the peer's TLS key is changing over: its old
 * pin is accepted until its new key is seen (protocol.md 10.1). */
static json_t *view_pin(json_t *v, unsigned gen, const struct hl_link *l)
{
	v = view_archive(v, gen, l);
	if (v)
		json_object_set_new(v, "old_pin", json_boolean(l->has_old_pin));
	return v;
}

/* The view v and the peer's new card after a loss (protocol.md 9.15):
 * {"fingerprint", "confirmed"} until its `rekey` arrives, else null. */
static json_t *view_pending(struct hl_store *st, const struct hl_link *l, int *err,
			    json_t *v)
{
	char fp[HL_FINGERPRINT_LEN + 1];
	struct hl_buf text;
	struct hl_card card;
	int64_t confirmed = 0;
	json_t *p = json_null();
	int r;

	hl_buf_init(&text, HL_CARD_MAX);
	r = v ? hl_store_rekey_card(st, l, &text, &confirmed) : 0;
	if (r == 0 && v && hl_card_parse(text.data, text.len, &card) == 0) {
		hl_card_fingerprint(&card, fp);
		p = json_pack("{s:s, s:o}", "fingerprint", fp, "confirmed",
			      confirmed ? json_integer(confirmed) : json_null());
	}
	hl_buf_free(&text);
	if (v)
		json_object_set_new(v, "pending_card", p ? p : json_null());
	if (r < 0 && r != -HL_ENOTFOUND) {
		*err = r;
		json_decref(v);
		return NULL;
	}
	return v;
}

/* The view v and the keys in force on each side (keysdesk.c), or NULL
 * with *err set. */
static json_t *view_keys(struct hl_store *st, const struct hl_party *me,
			 const struct hl_link *l, int *err, json_t *v)
{
	json_t *keys;

	v = view_pending(st, l, err, v);
	keys = v ? hl_desk_keys_brief(st, me, l, err) : NULL;

	if (!keys || json_object_set_new(v, "keys", keys) < 0) {
		if (v && *err == 0)
			*err = -ENOMEM;
		json_decref(v);
		return NULL;
	}
	return v;
}

/* What link list and link show say of one link: one shape, made here
 * once (docs/cli-json.md, docs/api.md). */
static json_t *view(struct hl_store *st, const struct hl_party *me, const struct hl_link *l,
		    int *err)
{
	uint64_t n[5] = {0};
	char fp[HL_FINGERPRINT_LEN + 1], id[2 * HL_LINK_ID_LEN + 1];
	json_t *v;
	int r;

	hl_desk_fingerprint(&l->card, fp);
	sodium_bin2hex(id, sizeof(id), l->link_id, sizeof(l->link_id));
	/* A damaged store must fail here, not show a link as empty. */
	r = hl_store_log_size(st, l->id, HL_OURS, &n[0]);
	if (r == 0)
		r = hl_store_cosigned_size(st, l->id, HL_OURS, &n[1]);
	if (r == 0)
		r = hl_store_log_size(st, l->id, HL_THEIRS, &n[2]);
	if (r == 0)
		r = hl_store_cosigned_size(st, l->id, HL_THEIRS, &n[3]);
	if (r == 0)
		r = hl_store_evidence_count(st, l->id, &n[4]);
	*err = r;
	if (r < 0)
		return NULL;
	v = view_pin(json_pack("{s:s, s:s, s:o, s:s, s:o, s:s, s:I, s:I, s:I, s:I, s:I}",
			 "name", l->name, "peer", l->card.name,
			 "confirmed", l->confirmed ? json_integer(l->confirmed) : json_null(),
			 "fingerprint", fp,
			 "endpoint", l->endpoint[0] ? json_string(l->endpoint) : json_null(),
			 "link_id", id, "sent", (json_int_t)n[0], "sent_receipted", (json_int_t)n[1],
			 "received", (json_int_t)n[2], "received_receipted", (json_int_t)n[3],
			 "evidence", (json_int_t)n[4]), generation(st, me, l), l);
	return view_keys(st, me, l, err, v);
}


/* Adds the link's state (suspend.c) to its view v. */
static bool with_state(struct hl_desk *d, json_t *v, int64_t now, struct hl_desk_err *e)
{
	const char *name = json_string_value(json_object_get(v, "name"));
	json_t *state = hl_desk_link_state(d, name, now);
	json_t *archived = json_object_get(v, "archived");

	/* An archive outranks a suspension (protocol.md 8.15). */
	if (state && json_is_integer(archived))
		json_object_set_new(state, "state", json_string("archived"));
	else if (state && json_is_true(json_object_get(v, "archiving")))
		json_object_set_new(state, "state", json_string("archiving"));
	json_object_del(v, "archiving");
	if (!state || json_object_update(v, state) < 0) {
		json_decref(state);
		hl_desk_fail(e, 503, "%s: cannot read its state: %s", name, hl_store_errmsg(d->st));
		return false;
	}
	json_decref(state);
	return true;
}

/* The view of link name, or NULL with e filled. */
static json_t *view_of(struct hl_desk *d, const char *name, int64_t now, struct hl_desk_err *e)
{
	struct hl_link l;
	json_t *v = NULL;
	int r = hl_store_link_get(d->st, name, &l);

	if (r == 0)
		v = view(d->st, d->me, &l, &r);
	if (r < 0)
		hl_desk_fail_code(e, r, name);
	else if (!v)
		hl_desk_fail(e, 503, "out of memory");
	hl_link_free(&l);
	if (v && !with_state(d, v, now, e)) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

struct clash {
	const struct hl_card *card;
	char with[HL_NAME_MAX + 1];
};

static int find_clash(void *ctx, const struct hl_link *l)
{
	struct clash *c = ctx;

	/* An archived link to the same party gives way to a new one. */
	if (l->archived && strcmp(l->card.name, c->card->name) == 0)
		return 0;
	if (memcmp(l->card.tls_pin, c->card->tls_pin, 32) != 0 &&
	    memcmp(l->card.sign_pk, c->card->sign_pk, 32) != 0)
		return 0;
	snprintf(c->with, sizeof(c->with), "%s", l->name);
	return 1;
}

/* Refuses a card this party may not link to: NULL when allowed, else
 * e filled and e itself returned. */
static const struct hl_desk_err *card_refused(struct hl_desk *d, const char *name,
					      const struct hl_card *card, struct hl_desk_err *e)
{
	const struct hl_card *me = &d->me->card;
	struct clash c = {card, ""};
	int r = hl_store_link_each(d->st, find_clash, &c);

	if (strcmp(card->name, name) != 0)
		hl_desk_fail(e, 400, "the card is %s's, not %s's", card->name, name);
	else if (strcmp(card->name, me->name) == 0)
		hl_desk_fail(e, 400, "that is this party's own card");
	else if (!memcmp(card->tls_pin, me->tls_pin, 32) ||
		 !sodium_memcmp(card->sign_pk, me->sign_pk, 32))
		hl_desk_fail(e, 400, "the card carries this party's own key or TLS pin");
	else if (r < 0)
		hl_desk_fail_code(e, r, "links");
	else if (c.with[0] && strcmp(c.with, name) == 0)
		hl_desk_fail(e, 409, "%s: a link to that party already exists", name);
	else if (c.with[0])
		hl_desk_fail(e, 409, "the card carries the key or TLS pin of link %s: refused",
			     c.with);
	return e->status ? e : NULL;
}

/* The ID of a new link to card's party: the first generation (5.1)
 * whose ID the store does not hold, so that after an archive both
 * parties, who archived the same links, agree on the next. */
static int new_link_id(struct hl_desk *d, const struct hl_card *card,
		       unsigned char id[HL_LINK_ID_LEN])
{
	struct hl_link old;
	int r = -HL_ENUMBER;

	for (uint32_t g = 1; g <= HL_LINK_GEN_MAX; g++) {
		r = hl_link_id_gen(d->me->card.sign_pk, card->sign_pk, g, id);
		if (r == 0)
			r = hl_store_link_by_id(d->st, id, &old);
		hl_link_free(&old);
		if (r == -HL_ENOLINK)
			return 0;
		if (r < 0)
			return r;
	}
	return -HL_ENUMBER;
}

/* {"name", "card": the card's text, "endpoint"?} -> the new link's view */
json_t *hl_desk_link_add(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	const char *name, *text, *ep;
	unsigned char id[HL_LINK_ID_LEN];
	struct hl_card card;
	size_t len;
	int r;

	if (!hl_desk_args_only(q, e, "name", "card", "endpoint", NULL) ||
	    !hl_desk_arg_need(q, "name", &name, e) || !hl_desk_arg_need(q, "card", &text, e) ||
	    !hl_desk_arg_str(q, "endpoint", &ep, e))
		return NULL;
	if (ep && hl_endpoint_check(ep) < 0)
		return hl_desk_fail(e, 400, "endpoint: %s: want https://HOST[:PORT]", ep);
	len = json_string_length(json_object_get(q->args, "card"));
	if (len > HL_CARD_MAX)
		return hl_desk_fail(e, 400, "not a valid card: %s", hl_strerror(-HL_ETOOBIG));
	r = hl_card_parse((const unsigned char *)text, len, &card);
	if (r < 0)
		return hl_desk_fail(e, 400, "not a valid card: %s", hl_strerror(r));
	if (card_refused(d, name, &card, e))
		return NULL;
	r = new_link_id(d, &card, id);
	if (r == 0)
		r = hl_store_link_add(d->st, name, id, text, len, ep ? ep : card.endpoint, q->now);
	if (r == -HL_EDUPLICATE)
		return hl_desk_fail(e, 409, "%s: a link to that party already exists", name);
	if (r < 0)
		return hl_desk_fail_code(e, r, name);
	return view_of(d, name, q->now, e);
}

/* The digits of s, without spaces or dashes, into out; false if
 * anything else, or none. */
static bool digits_only(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '-' || *s == '\n')
			continue;
		if (*s < '0' || *s > '9' || n + 1 >= cap)
			return false;
		out[n++] = *s;
	}
	out[n] = 0;
	return n > 0;
}

/* The peer's pending card of l (rekey.c) into card, and when it was
 * confirmed (0: not yet): 1, or 0 when there is none. */
static int pending_card(struct hl_store *st, const struct hl_link *l, struct hl_card *card,
			int64_t *confirmed)
{
	struct hl_buf text;
	int r;

	hl_buf_init(&text, HL_CARD_MAX);
	r = hl_store_rekey_card(st, l, &text, confirmed);
	if (r == 0)
		r = hl_card_parse(text.data, text.len, card) == 0 ? 1 : -HL_ESTORE;
	hl_buf_free(&text);
	return r == -HL_ENOTFOUND ? 0 : r;
}

/* {"name", "fingerprint": the digits the peer read out} -> the link's
 * view; with a pending card, the fingerprint is that card's. */
json_t *hl_desk_link_confirm(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	char fp[HL_FINGERPRINT_LEN + 1], want[64], got[64];
	const char *name, *given;
	struct hl_card card;
	struct hl_link l;
	int64_t pending = 0;
	int r;

	if (!hl_desk_args_only(q, e, "name", "fingerprint", NULL) ||
	    !hl_desk_arg_need(q, "name", &name, e) ||
	    !hl_desk_arg_need(q, "fingerprint", &given, e))
		return NULL;
	r = hl_store_link_get(d->st, name, &l);
	if (r < 0)
		return hl_desk_fail_code(e, r, name);
	/* A new card after a loss (protocol.md 9.15) is the one to confirm
	 * while it is pending. */
	r = pending_card(d->st, &l, &card, &pending);
	if (r < 0) {
		hl_link_free(&l);
		return hl_desk_fail_code(e, r, name);
	}
	hl_card_fingerprint(r == 1 ? &card : &l.card, fp);
	if (!digits_only(fp, want, sizeof(want)) || !digits_only(given, got, sizeof(got)) ||
	    strcmp(want, got) != 0)
		hl_desk_fail(e, 409, "%s: the fingerprint does not match the card's; the link "
			     "stays unconfirmed. Check with the peer: a different card may have "
			     "been sent.", name);
	else if (r == 1 && !pending)
		r = hl_store_rekey_card_confirm(d->st, &l, q->now);
	else if (r == 0 && !l.confirmed)
		r = hl_store_link_confirm(d->st, l.id, q->now);
	hl_link_free(&l);
	if (e->status)
		return NULL;
	if (r < 0)
		return hl_desk_fail_code(e, r, name);
	return view_of(d, name, q->now, e);
}

struct page {
	struct hl_store *st;
	const struct hl_party *me;
	const char *after;
	uint64_t limit;
	json_t *items;
	const char *last;	/* the last link on the page */
	bool more;
	bool archived;		/* archived links too */
	int err;
};

static int page_one(void *ctx, const struct hl_link *l)
{
	struct page *p = ctx;
	json_t *v;

	if ((p->after && strcmp(l->name, p->after) <= 0) || (l->archived && !p->archived))
		return 0;
	if (json_array_size(p->items) == p->limit) {
		p->more = true;
		return 1;
	}
	v = view(p->st, p->me, l, &p->err);
	if (!v)
		return p->err < 0 ? p->err : -ENOMEM;
	json_array_append_new(p->items, v);
	return 0;
}

/* {"after"?: a cursor, "limit"?, "archived"?} -> {"items": [view, ...],
 * "next": cursor or null}; archived links only when asked for.
 * Links come in name order; a cursor is the last name of a page, so
 * it stays good while links are added. */
json_t *hl_desk_link_list(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	struct page p = {.st = d->st, .me = d->me, .limit = 100};
	json_t *last, *res;
	int r;

	if (!hl_desk_args_only(q, e, "after", "limit", "archived", NULL) ||
	    !hl_desk_arg_bool(q, "archived", &p.archived, e) ||
	    !hl_desk_arg_str(q, "after", &p.after, e) ||
	    !hl_desk_arg_u64(q, "limit", &p.limit, NULL, e))
		return NULL;
	if (p.limit < 1 || p.limit > LIST_LIMIT_MAX)
		return hl_desk_fail(e, 400, "limit: want 1 to %d", LIST_LIMIT_MAX);
	p.items = json_array();
	r = p.items ? hl_store_link_each(d->st, page_one, &p) : -ENOMEM;
	if (r < 0) {
		json_decref(p.items);
		return hl_desk_fail_code(e, r, "links");
	}
	for (size_t i = 0; i < json_array_size(p.items); i++)
		if (!with_state(d, json_array_get(p.items, i), q->now, e)) {
			json_decref(p.items);
			return NULL;
		}
	last = json_array_get(p.items, json_array_size(p.items) - 1);
	res = json_pack("{s:o, s:o}", "items", p.items, "next",
			p.more && last ? json_copy(json_object_get(last, "name")) : json_null());
	return res ? res : hl_desk_fail(e, 503, "out of memory");
}

/* {"name"} -> the link's view */
json_t *hl_desk_link_show(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	const char *name;

	if (!hl_desk_args_only(q, e, "name", NULL) || !hl_desk_arg_need(q, "name", &name, e))
		return NULL;
	return view_of(d, name, q->now, e);
}
