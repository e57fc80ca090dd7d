/* searchdesk.c - the desk's search of the indicators, fields and text
 * of every message, and the export of a case's indicators as one STIX
 * bundle or one MISP event. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "case.h"
#include "cidr.h"
#include "content.h"
#include "deskcase.h"
#include "lists.h"
#include "misp.h"
#include "stix.h"
#include "stixfeed.h"
#include "text.h"

/* ---- search ---- */

struct names {
	int64_t id[64];
	char name[64][HL_NAME_MAX + 1], peer[64][HL_NAME_MAX + 1];
	unsigned n;
};

static int name_link(void *ctx, const struct hl_link *l)
{
	struct names *nm = ctx;

	if (nm->n < 64) {
		nm->id[nm->n] = l->id;
		snprintf(nm->name[nm->n], sizeof(nm->name[0]), "%s", l->name);
		snprintf(nm->peer[nm->n], sizeof(nm->peer[0]), "%s", l->card.name);
		nm->n++;
	}
	return 0;
}

struct search {
	const struct hl_party *me;
	struct names nm;
	const char *value;
	struct hl_cidr range;	/* when value is an address or a range */
	unsigned phase;		/* 0 addresses, 1 other terms, 2 text */
	struct hl_rows rows;
};

/* One mention: {"time", "case", "message", "link", "found_in" ("stix",
 * "field" or "text"), "object", "kind", "value"}. */
static json_t *hit_json(const struct search *s, const struct hl_term_hit *h)
{
	const char *link = "?", *peer = "?";
	char kase[HL_CASE_ID_MAX + 1], msg[HL_MSGID_MAX + 1];
	const char *found_in = !strcmp(h->kind, "text") && !h->object[0] ? "text" :
			       h->object[0] ? "stix" : "field";

	for (unsigned i = 0; i < s->nm.n; i++) {
		if (s->nm.id[i] == h->link) {
			link = s->nm.name[i];
			peer = s->nm.peer[i];
		}
	}
	hl_msgid_format(link, h->side, h->seq, msg);
	if (h->case_side >= 0 && h->case_no)
		hl_case_id(h->case_side == HL_OURS ? s->me->card.name : peer, h->case_no, kase);
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:o, s:s, s:s}", "time", (json_int_t)h->time,
			 "case", h->case_side >= 0 && h->case_no ? json_string(kase) : json_null(),
			 "message", msg, "link", link, "found_in", found_in,
			 "object", h->object[0] ? json_string(h->object) : json_null(),
			 "kind", h->kind, "value", h->value);
}

/* Keyed by the kind of match (the order the three lookups had), then
 * time, link, side, seq, and what matched. */
static int hit(void *ctx, const struct hl_term_hit *h)
{
	struct search *s = ctx;
	char key[HL_PAGE_KEY_MAX];

	snprintf(key, sizeof(key), "%u\x01%020llu\x01%020llu\x01%d\x01%020llu\x01%.64s\x01%.64s"
		 "\x01%.200s", s->phase, (unsigned long long)h->time ^ (1ull << 63),
		 (unsigned long long)h->link, h->side, (unsigned long long)h->seq,
		 h->object, h->kind, h->value);
	return hl_rows_add(&s->rows, key, hit_json(s, h));
}

/* An indicator address or range that overlaps the one searched. */
static int addr_hit(void *ctx, const struct hl_term_hit *h)
{
	struct search *s = ctx;
	struct hl_cidr c;

	if (!hl_cidr_parse(h->value, &c) || !hl_cidr_overlap(&c, &s->range))
		return 0;
	return hit(ctx, h);
}

static bool addr_kind(const char *kind)
{
	return !strcmp(kind, "ipv4-addr:value") || !strcmp(kind, "ipv6-addr:value");
}

/* An exact match of an address in a term that addr_hit does not see
 * (a pattern's network-traffic:dst_ref[*].value). */
static int other_hit(void *ctx, const struct hl_term_hit *h)
{
	return addr_kind(h->kind) ? 0 : hit(ctx, h);
}

/* Addresses and ranges by containment, other values exactly; the text
 * for all but a range. */
static int find(struct hl_store *st, struct search *s)
{
	bool addr = hl_cidr_parse(s->value, &s->range);
	int r = 0;

	if (addr)
		r = hl_store_term_addrs(st, addr_hit, s);
	s->phase = 1;
	if (r == 0)
		r = hl_store_term_find(st, s->value, addr ? other_hit : hit, s);
	s->phase = 2;
	if (r == 0 && !hl_cidr_is_range(s->value))
		r = hl_store_text_find(st, s->value, hit, s);
	return r;
}

/* {"value", "limit"?, "after"?} -> a page of mentions: indicators and
 * fields, then text, each in order of time. */
json_t *hl_desk_search(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	struct search s = {.me = d->me};
	struct hl_page pg;
	int r;

	if (!hl_desk_args_only(q, e, "value", "limit", "after", NULL) ||
	    !hl_desk_arg_need(q, "value", &s.value, e))
		return NULL;
	if (!s.value[0])
		return hl_desk_fail(e, 400, "value: empty");
	if (!hl_page_start(q, &pg, e))
		return NULL;
	r = hl_desk_index(d, e) ? hl_store_link_each(d->st, name_link, &s.nm) : -EINVAL;
	if (r == 0)
		r = find(d->st, &s);
	if (r < 0) {
		hl_rows_free(&s.rows);
		hl_page_free(&pg);
		return r == -EINVAL ? NULL : hl_desk_fail_code(e, r, "searching");
	}
	hl_rows_page(&s.rows, &pg);
	hl_rows_free(&s.rows);
	return hl_page_end(&pg);
}

/* ---- export ---- */

/* The TLP 2.0 marking definition of a content's TLP code
 * ("TLP:AMBER"), the one the feed serves (stixfeed.h); NULL for none. */
static json_t *tlp_marking(const char *label, const char **id)
{
	int level = hl_stixfeed_level(label);

	if (strcmp(label, hl_stixfeed_level_code(level)) != 0)
		return NULL;
	*id = hl_stixfeed_marking_id(level);
	return hl_stixfeed_marking(level);
}

/* A party as a STIX identity: the feed's (stixfeed.h), named by the
 * party's name, so the same through key changes and at both parties. */
static json_t *party_identity(const struct hl_card *card, char id[64])
{
	_Static_assert(HL_STIXFEED_ID_LEN < 64, "an identity id fits");
	hl_stixfeed_identity_id(card->name, id);
	return hl_stixfeed_identity(card->name);
}

/* Who sent each object first: object id -> the sender's identity id. */
static void note_creators(json_t *creators, const json_t *bundle, const char *who)
{
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(bundle, "objects"), i, o) {
		const char *id = json_string_value(json_object_get(o, "id"));

		if (id && !json_object_get(creators, id))
			json_object_set_new(creators, id, json_string(who));
	}
}

/* Marks every object but the marking with it, and names the creator of
 * each SDO and SRO (those with "created") that names none. */
static void mark_objects(json_t *merged, const json_t *creators, const char *marking)
{
	size_t i;
	json_t *o;

	json_array_foreach(json_object_get(merged, "objects"), i, o) {
		const char *type = json_string_value(json_object_get(o, "type"));
		const char *id = json_string_value(json_object_get(o, "id"));
		json_t *by = id ? json_object_get(creators, id) : NULL;
		json_t *refs = json_object_get(o, "object_marking_refs");

		if (type && !strcmp(type, "marking-definition"))
			continue;
		if (by && json_object_get(o, "created") && !json_object_get(o, "created_by_ref"))
			json_object_set(o, "created_by_ref", by);
		if (!marking)
			continue;
		if (!json_is_array(refs)) {
			refs = json_array();
			json_object_set_new(o, "object_marking_refs", refs);
		}
		for (size_t k = 0; k <= json_array_size(refs); k++) {
			if (k == json_array_size(refs)) {
				json_array_append_new(refs, json_string(marking));
				break;
			}
			const char *v = json_string_value(json_array_get(refs, k));

			if (v && !strcmp(v, marking))
				break;
		}
	}
}

/* Whether objs holds an object with this id: a re-sent export already
 * carries the marking and the identities. */
static bool has_id(const json_t *objs, const char *id)
{
	size_t i;
	json_t *o;

	json_array_foreach(objs, i, o) {
		const char *v = json_string_value(json_object_get(o, "id"));

		if (v && !strcmp(v, id))
			return true;
	}
	return false;
}

/* The merged bundle with the case's TLP as a marking and its senders
 * as identities; NULL when it cannot be built. */
static json_t *export_bundle(json_t **bundles, const char **senders, size_t n,
			     const struct hl_party *p, const struct hl_link *l,
			     const struct hl_case *c)
{
	json_t *merged = hl_stix_merge(bundles, n), *creators = json_object(), *objs;
	const struct hl_card *cards[2] = {&p->card, &l->card};
	const char *marking = NULL;
	json_t *mark = c->tlp[0] ? tlp_marking(c->tlp, &marking) : NULL;
	char ids[2][64];

	if (!merged || !creators) {
		json_decref(merged);
		merged = NULL;
		goto out;
	}
	objs = json_object_get(merged, "objects");
	for (int k = 0; k < 2; k++) {
		json_t *who = party_identity(cards[k], ids[k]);
		bool sent = false;

		for (size_t i = 0; i < n; i++)
			sent |= !strcmp(senders[i], cards[k]->name);
		if (sent && !has_id(objs, ids[k]))
			json_array_append_new(objs, who);
		else
			json_decref(who);
	}
	for (size_t i = 0; i < n; i++)
		note_creators(creators, bundles[i],
			      ids[strcmp(senders[i], p->card.name) == 0 ? 0 : 1]);
	if (mark && !has_id(objs, marking)) {
		json_array_insert_new(objs, 0, mark);
		mark = NULL;
	}
	mark_objects(merged, creators, marking);
out:
	json_decref(mark);
	json_decref(creators);
	return merged;
}

/* The bundles of the case's counted messages, both sides', not
 * retracted; n counts them. */
static void case_bundles(struct hl_desk *d, const struct hl_link *l, const struct hl_case *c,
			struct hl_content *m, json_t **bundles, const char **senders, size_t *n)
{
	struct hl_buf plain;

	hl_buf_init(&plain, HL_PLAIN_MAX);
	for (size_t i = 0; i < c->n; i++) {
		const struct hl_case_event *e = &c->ev[i];

		if (strcmp(e->stix, "valid") || (e->flags & HL_EV_RETRACTED))
			continue;
		if (hl_desk_open_content(d, l, e->side, e->seq, &plain, &m[*n]) < 0)
			continue;
		if (!m[*n].stix) {
			hl_content_free(&m[*n]);
			continue;
		}
		senders[*n] = e->from;
		bundles[*n] = m[*n].stix;
		(*n)++;
	}
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	hl_buf_free(&plain);
}

/* The case as a MISP event (misp.h), its Orgc the opener named as
 * the STIX export names it; merged may be NULL (no indicators). */
static json_t *misp_event(struct hl_desk *d, const struct hl_link *l, const struct hl_case *c,
			  const json_t *merged)
{
	const struct hl_card *opener = c->side == HL_OURS ? &d->me->card : &l->card;
	json_t *title = hl_desk_case_title(d, l, c), *who, *ev = NULL;
	char ident[64];
	struct hl_misp_case mc = {
		.id = c->id, .to = c->to, .opener = opener->name, .category = c->category,
		.tlp = c->tlp, .severity = c->severity, .closed = !strcmp(c->state, "closed"),
		.opened = c->opened, .last = c->last,
	};

	who = party_identity(opener, ident);
	mc.title = json_string_value(title);
	mc.opener_uuid = ident + strlen("identity--");
	if (who && mc.title)
		ev = hl_misp_event(&mc, merged);
	json_decref(who);
	json_decref(title);
	return ev;
}

/* "format": absent or "stix", or "misp"; false with e filled. */
static bool export_format(const struct hl_desk_req *q, bool *misp, struct hl_desk_err *e)
{
	const char *f = NULL;

	if (!hl_desk_arg_str(q, "format", &f, e))
		return false;
	*misp = f && !strcmp(f, "misp");
	if (f && !*misp && strcmp(f, "stix")) {
		hl_desk_fail(e, 400, "format: stix or misp, not %s", f);
		return false;
	}
	return true;
}

/* The answer: the merged bundle, or the MISP event made of it. */
static json_t *export_answer(struct hl_desk *d, const struct hl_link *l, const struct hl_case *c,
			     json_t *merged, size_t n, bool misp, struct hl_desk_err *e)
{
	json_t *ev;

	if (!misp)
		return json_pack("{s:s, s:I, s:O}", "case", c->id, "bundles", (json_int_t)n,
				 "bundle", merged);
	ev = misp_event(d, l, c, merged);
	if (!ev)
		return hl_desk_fail(e, 503, "out of memory");
	return json_pack("{s:s, s:I, s:o}", "case", c->id, "bundles", (json_int_t)n, "event", ev);
}

/* {"case": CASE, "format"?} -> {"case", "bundles": how many were
 * merged, and "bundle": the merged STIX 2.1 bundle, or with "format":
 * "misp", "event": the MISP event}; the door writes it.  A MISP event
 * is made for a case without indicators too: its tags still say what
 * the case is. */
json_t *hl_desk_export(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	const char *id = NULL, **senders = NULL;
	struct hl_content *m = NULL;
	json_t **bundles = NULL, *merged = NULL, *res = NULL;
	struct hl_link l;
	struct hl_case c;
	bool misp = false;
	size_t n = 0;

	if (!hl_desk_args_only(q, e, "case", "format", NULL) ||
	    !hl_desk_arg_need(q, "case", &id, e) || !export_format(q, &misp, e) ||
	    !hl_desk_index(d, e) || !hl_desk_case_open(d, id, NULL, &l, &c, e))
		return NULL;
	bundles = calloc(c.n + 1, sizeof(*bundles));
	senders = calloc(c.n + 1, sizeof(*senders));
	m = calloc(c.n + 1, sizeof(*m));
	if (!bundles || !senders || !m) {
		hl_desk_fail(e, 503, "out of memory");
		goto out;
	}
	case_bundles(d, &l, &c, m, bundles, senders, &n);
	if (!n && !misp) {
		hl_desk_fail(e, 404, "case %s carries no indicators", c.id);
		goto out;
	}
	merged = n ? export_bundle(bundles, senders, n, d->me, &l, &c) : NULL;
	if (n && (!merged || hl_stix_check(merged, NULL) < 0)) {
		hl_desk_fail(e, 500, "case %s: the merged bundle is not valid STIX 2.1", c.id);
		goto out;
	}
	res = export_answer(d, &l, &c, merged, n, misp, e);
out:
	json_decref(merged);
	for (size_t i = 0; m && i < n; i++)
		hl_content_free(&m[i]);
	free(m);
	free(senders);
	free(bundles);
	hl_case_free(&c);
	hl_link_free(&l);
	return res;
}
