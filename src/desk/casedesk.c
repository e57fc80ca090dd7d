/* casedesk.c - the desk's listings of cases: case list, case show. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "case.h"
#include "content.h"
#include "deskcase.h"
#include "groupcase.h"
#include "lists.h"
#include "suspect.h"
#include "vocab.h"

json_t *hl_desk_case_obj(const struct hl_case *c)
{
	char *s = hl_case_json(c);
	json_t *j = s ? json_loads(s, 0, NULL) : NULL;

	free(s);
	return j;
}

/* Opens message (side, seq) of l; NULL when it cannot be opened.  The
 * content JSON is returned as the sender composed it. */
static json_t *content_of(struct hl_desk *d, const struct hl_link *l, int side, uint64_t seq)
{
	struct hl_content m;
	struct hl_buf plain;
	json_t *j = NULL;

	hl_buf_init(&plain, HL_PLAIN_MAX);
	if (hl_desk_open_content(d, l, side, seq, &plain, &m) == 0) {
		j = json_incref(m.json);
		hl_content_free(&m);
	}
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	hl_buf_free(&plain);
	return j;
}

json_t *hl_desk_case_title(struct hl_desk *d, const struct hl_link *l, const struct hl_case *c)
{
	json_t *m = content_of(d, l, c->side, c->seq);
	json_t *t = json_object_get(m, json_object_get(m, "summary") ? "summary" : "text");
	const char *s = json_string_value(json_object_get(t, "text"));
	size_t n = s ? strcspn(s, "\n") : 0;
	json_t *out = s ? json_stringn(s, n) : json_string("");

	json_decref(m);
	return out;
}

/* ---- list ---- */

struct lister {
	struct hl_desk *d;
	const struct hl_desk_req *q;
	const struct hl_link *l;
	const char *link, *category;
	bool open;
	struct hl_rows rows;
	json_t *groups;			/* group case id -> its row's key */
	int err;
};

static bool category_matches(const char *want, const char *have)
{
	size_t n = strlen(want);

	return !want[0] || strcmp(want, have) == 0 ||
	       (strncmp(want, have, n) == 0 && have[n] == '/');
}

/* One case: {"case": {...} (hl_case_json), "link", "precedence" (the
 * notify's), "ack" (the notify's), "requests", "pending", "title"};
 * keyed by link, then the notify's time, side and seq. */
static int list_one(void *ctx, const struct hl_item *it)
{
	struct lister *ls = ctx;
	char key[HL_PAGE_KEY_MAX];
	struct hl_case c;
	json_t *j;
	int r = hl_case_load(ls->d->st, ls->d->me->card.name, ls->l, it->side, it->seq, &c);

	if (r < 0)
		return r;
	snprintf(key, sizeof(key), "%s\x01%020llu\x01%d\x01%020llu", ls->l->name,
		 (unsigned long long)it->time ^ (1ull << 63), it->side,
		 (unsigned long long)it->seq);
	/* A group case is listed once, after the walk (group_rows), under
	 * the key of its first link. */
	if (!ls->link && it->side == HL_OURS &&
	    hl_desk_gcase_notify(ls->d, ls->l, it->seq, c.number)) {
		if (!json_object_get(ls->groups, c.id))
			json_object_set_new(ls->groups, c.id, json_string(key));
		hl_case_free(&c);
		return 0;
	}
	if ((ls->open && strcmp(c.state, "open") != 0) ||
	    (ls->category && !category_matches(ls->category, c.category))) {
		hl_case_free(&c);
		return 0;
	}
	j = json_pack("{s:o, s:s, s:s, s:o, s:i, s:i, s:o}", "case", hl_desk_case_obj(&c),
		      "link", ls->l->name, "precedence", it->precedence,
		      "ack", hl_desk_ack_json(ls->d, ls->l, it->side, it->seq, "notify",
					      it->precedence, it->time, ls->q->now),
		      "requests", (int)c.requests, "pending", (int)c.pending,
		      "title", hl_desk_case_title(ls->d, ls->l, &c));
	hl_case_free(&c);
	return hl_rows_add(&ls->rows, key, j);
}

static int list_link(void *ctx, const struct hl_link *l)
{
	struct lister *ls = ctx;

	if (ls->link && strcmp(ls->link, l->name) != 0)
		return 0;
	ls->l = l;
	return hl_store_case_each(ls->d->st, l->id, list_one, ls);
}

/* The group cases met on the walk, each one row: {"case" (the group
 * case's), "link": null, "group": {"name", "id"}, "members",
 * "precedence", "ack" (the worst of the members'), "requests",
 * "pending" (the members' together), "title"}. */
static int group_rows(struct lister *ls, struct hl_desk_err *e)
{
	const char *id;
	json_t *key;

	json_object_foreach(ls->groups, id, key) {
		struct hl_gcase g;
		json_t *row, *c;
		int r = hl_desk_gcase_open(ls->d, id, &g, e);

		if (r < 0)
			return -EIO;
		if (r == 0)
			continue;
		row = hl_desk_gcase_row(ls->d, ls->q, &g);
		hl_desk_gcase_free(&g);
		c = json_object_get(row, "case");
		if (!row || (ls->open && strcmp(json_string_value(json_object_get(c, "state")),
						"open")) ||
		    (ls->category && !category_matches(ls->category,
				json_string_value(json_object_get(c, "category"))))) {
			json_decref(row);
			continue;
		}
		r = hl_rows_add(&ls->rows, json_string_value(key), row);
		if (r < 0)
			return r;
	}
	return 0;
}

/* {"open"?, "category"?, "link"?, "limit"?, "after"?} -> a page of
 * cases, by link and the time of their notification; a group case
 * once, unless "link" narrows the list to one link's bilateral cases. */
json_t *hl_desk_case_list(struct hl_desk *d, const struct hl_desk_req *q,
			  struct hl_desk_err *e)
{
	struct lister ls = {.d = d, .q = q};
	struct hl_page pg;
	struct hl_link l = {0};
	int r;

	if (!hl_desk_args_only(q, e, "open", "category", "link", "limit", "after", NULL) ||
	    !hl_desk_arg_bool(q, "open", &ls.open, e) ||
	    !hl_desk_arg_str(q, "category", &ls.category, e) ||
	    !hl_desk_arg_str(q, "link", &ls.link, e))
		return NULL;
	if (ls.link && !hl_desk_link(d, ls.link, &l, e))
		return NULL;
	hl_link_free(&l);
	if (!hl_page_start(q, &pg, e))
		return NULL;
	ls.groups = json_object();
	if (!ls.groups)
		hl_desk_fail(e, 503, "out of memory");
	if (!ls.groups || !hl_desk_index(d, e)) {
		json_decref(ls.groups);
		hl_page_free(&pg);
		return NULL;
	}
	r = hl_store_link_each(d->st, list_link, &ls);
	if (r == 0)
		r = group_rows(&ls, e);
	json_decref(ls.groups);
	if (r < 0) {
		hl_rows_free(&ls.rows);
		hl_page_free(&pg);
		return r == -EIO ? NULL : hl_desk_fail_code(e, r, "listing cases");
	}
	hl_rows_page(&ls.rows, &pg);
	hl_rows_free(&ls.rows);
	return hl_page_end(&pg);
}

/* ---- show ---- */

static json_t *or_null(json_t *j)
{
	return j ? j : json_null();
}

static json_t *str_or_null(const char *s)
{
	return s && s[0] ? json_string(s) : json_null();
}

static json_t *event_id(const struct hl_link *l, int side, uint64_t seq)
{
	char id[HL_MSGID_MAX + 1];

	hl_msgid_format(l->name, side, seq, id);
	return json_string(id);
}

static json_t *actions(unsigned mask)
{
	size_t n;
	const struct hl_term *all = hl_vocab_terms(HL_VOCAB_ACTION, &n);
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_string(all[i].code));
	return a;
}

/* One event of the timeline, with its content JSON as sent: {"id",
 * "from", "time", "type", "precedence", "retracted", "not_counted" (why,
 * or null), "about" and "about_type" (or null), "category", "tlp",
 * "severity", "answer", "state" (a request's), "stix" (null, "valid" or
 * why not), "actions", "corrected_by" (or null), "by" ({"name", "role"}
 * of the operator who made it, or null), "suspect" (suspect.h: sus holds
 * both sides' eras), "content" (or null when it cannot be opened)}. */
static json_t *event_json(struct hl_desk *d, const struct hl_link *l, const struct hl_case *c,
			  const struct hl_case_event *ev, const struct hl_desk_suspect sus[2])
{
	int t = ev->ref_side >= 0 ? hl_case_find(c, ev->ref_side, ev->ref_seq) : -1;
	const struct hl_case_event *fix = ev->corrected_by >= 0 ? &c->ev[ev->corrected_by] : NULL;
	json_t *j = json_object();

	json_object_set_new(j, "id", event_id(l, ev->side, ev->seq));
	json_object_set_new(j, "from", json_string(ev->from));
	json_object_set_new(j, "time", json_integer(ev->time));
	json_object_set_new(j, "type", json_string(ev->type));
	json_object_set_new(j, "precedence", json_string(ev->precedence));
	json_object_set_new(j, "retracted", json_boolean(ev->flags & HL_EV_RETRACTED));
	json_object_set_new(j, "not_counted", (ev->flags & HL_EV_IGNORED) && ev->why ?
			    json_string(ev->why) : json_null());
	json_object_set_new(j, "about", ev->ref_side >= 0 ?
			    event_id(l, ev->ref_side, ev->ref_seq) : json_null());
	json_object_set_new(j, "about_type", t >= 0 ? json_string(c->ev[t].type) : json_null());
	json_object_set_new(j, "category", str_or_null(ev->category));
	json_object_set_new(j, "tlp", str_or_null(ev->tlp));
	json_object_set_new(j, "severity", str_or_null(ev->severity));
	json_object_set_new(j, "answer", str_or_null(ev->answer));
	json_object_set_new(j, "state", str_or_null(!strcmp(ev->type, "request") ?
						    ev->state : NULL));
	json_object_set_new(j, "stix", str_or_null(ev->stix));
	json_object_set_new(j, "actions", actions(ev->actions));
	json_object_set_new(j, "corrected_by", fix ? event_id(l, fix->side, fix->seq) :
			    json_null());
	json_object_set_new(j, "by", ev->op_name[0] ? json_pack("{s:s, s:s}", "name",
			    ev->op_name, "role", ev->op_role) : json_null());
	json_object_set_new(j, "suspect", hl_desk_suspect_json(&sus[ev->side ? 1 : 0],
							       ev->seq, ev->time));
	json_object_set_new(j, "content", or_null(content_of(d, l, ev->side, ev->seq)));
	return j;
}

json_t *hl_desk_case_events(struct hl_desk *d, const struct hl_link *l, const struct hl_case *c)
{
	struct hl_desk_suspect sus[2];
	json_t *events;
	int r;

	memset(sus, 0, sizeof(sus));
	r = hl_desk_suspect_load(d, l, HL_OURS, &sus[HL_OURS]);
	if (r == 0)
		r = hl_desk_suspect_load(d, l, HL_THEIRS, &sus[HL_THEIRS]);
	events = r == 0 ? json_array() : NULL;
	for (size_t i = 0; events && i < c->n; i++)
		json_array_append_new(events, event_json(d, l, c, &c->ev[i], sus));
	hl_desk_suspect_free(&sus[HL_OURS]);
	hl_desk_suspect_free(&sus[HL_THEIRS]);
	return events;
}

/* A group case this party opened (groupcase.h), unless --link names
 * one member's bilateral case: NULL with *done false when id is none. */
static json_t *group_show(struct hl_desk *d, const struct hl_desk_req *q, const char *id,
			  bool *done, struct hl_desk_err *e)
{
	struct hl_gcase g;
	json_t *res;
	int r = hl_desk_gcase_open(d, id, &g, e);

	*done = r != 0;
	if (r <= 0)
		return NULL;
	res = hl_desk_gcase_show(d, q, &g);
	hl_desk_gcase_free(&g);
	return res ? res : hl_desk_fail(e, 503, "out of memory");
}

/* {"id": CASE, "link"?} -> {"case": {...} (hl_case_json), "link",
 * "requests", "pending", "events": [...] in the fold's order}; a group
 * case's without "link" (groupcase.h; docs/api.md). */
json_t *hl_desk_case_show(struct hl_desk *d, const struct hl_desk_req *q,
			  struct hl_desk_err *e)
{
	const char *id = NULL, *link = NULL;
	bool done = false;
	struct hl_link l;
	struct hl_case c;
	json_t *events, *res;

	if (!hl_desk_args_only(q, e, "id", "link", NULL) || !hl_desk_arg_need(q, "id", &id, e) ||
	    !hl_desk_arg_str(q, "link", &link, e) || !hl_desk_index(d, e))
		return NULL;
	if (!link) {
		res = group_show(d, q, id, &done, e);
		if (done)
			return res;
	}
	if (!hl_desk_case_open(d, id, link, &l, &c, e))
		return NULL;
	events = hl_desk_case_events(d, &l, &c);
	if (!events) {
		hl_case_free(&c);
		hl_link_free(&l);
		return hl_desk_fail(e, 503, "%s: the store failed: %s", id, hl_store_errmsg(d->st));
	}
	res = json_pack("{s:o, s:s, s:i, s:i, s:o}", "case", hl_desk_case_obj(&c), "link", l.name,
			"requests", (int)c.requests, "pending", (int)c.pending, "events", events);
	hl_case_free(&c);
	hl_link_free(&l);
	return res ? res : hl_desk_fail(e, 503, "out of memory");
}
