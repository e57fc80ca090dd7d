/* terms.c - the desk's terms of a link: what the two parties agreed,
 * what is proposed, and the actions that propose, accept and decline
 * (docs/protocol.md 8.13). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"
#include "config.h"
#include "deskcase.h"
#include "error.h"
#include "linkterms.h"
#include "msgid.h"

/* The link's terms, from an index brought up to date. */
static bool fold(struct hl_desk *d, const struct hl_link *l, struct hl_link_terms *f,
		 struct hl_desk_err *e)
{
	int r;

	memset(f, 0, sizeof(*f));
	if (!hl_desk_index(d, e))
		return false;
	r = hl_store_link_terms(d->st, d->me, l, f);
	if (r < 0)
		hl_desk_fail_code(e, r, l->name);
	return r == 0;
}

/* What this party would propose next on the link: hotline.conf's
 * deadlines and checks, its terms.languages and terms.suspect, as the
 * version after the one in force. */
static void defaults(const struct hl_desk *d, const struct hl_link *l,
		     const struct hl_link_terms *f, struct hl_terms *t)
{
	const struct hl_terms_version *newest = hl_link_terms_newest(f);
	const struct hl_config *cf = &d->me->conf;
	int64_t every = hl_config_check_every(cf, l->name);

	memset(t, 0, sizeof(*t));
	for (int p = HL_FLASH; p <= HL_ROUTINE; p++) {
		t->ack[p] = hl_config_ack_due(cf, l->name, (enum hl_precedence)p);
		t->receipt[p] = hl_config_receipt_due(cf, l->name, (enum hl_precedence)p);
	}
	t->has_check = every > 0;
	t->check_every = every > 0 ? every : 0;
	t->check_precedence = cf->check_precedence;
	memcpy(t->languages, cf->languages, sizeof(t->languages));
	t->nlanguages = cf->nlanguages;
	t->suspect = cf->suspect;
	t->version = newest ? newest->terms.version + 1 : 1;
}

static json_t *version_json(const struct hl_link *l, const struct hl_terms_version *v)
{
	char p[HL_MSGID_MAX + 1], a[HL_MSGID_MAX + 1];

	hl_msgid_format(l->name, v->proposed_side, v->proposed_seq, p);
	hl_msgid_format(l->name, v->accepted_side, v->accepted_seq, a);
	return json_pack("{s:I, s:I, s:s, s:s, s:o}", "version", (json_int_t)v->terms.version,
			 "since", (json_int_t)v->since, "proposal", p, "acceptance", a,
			 "terms", hl_terms_to_json(&v->terms));
}

/* One message of the history: who sent it, what it did. */
static json_t *item_json(const struct hl_desk *d, const struct hl_link *l,
			 const struct hl_terms_item *it)
{
	char id[HL_MSGID_MAX + 1];
	json_t *j;

	hl_msgid_format(l->name, it->side, it->seq, id);
	j = json_pack("{s:s, s:s, s:s, s:I, s:s}", "id", id, "type", it->type, "by",
		      it->side == HL_OURS ? d->me->card.name : l->name, "time",
		      (json_int_t)it->time, "outcome", it->verdict);
	if (j && it->by_side >= 0) {
		hl_msgid_format(l->name, it->by_side, it->by_seq, id);
		json_object_set_new(j, "settled_by", json_string(id));
	}
	if (j && strcmp(it->type, "terms") == 0 && it->terms.version)
		json_object_set_new(j, "terms", hl_terms_to_json(&it->terms));
	return j;
}

/* GET /v1/link/terms?name=LINK -> {"link", "in_force": {...} | null,
 * "versions": [...], "messages": [...], "defaults": {...}} */
json_t *hl_desk_terms_show(struct hl_desk *d, const struct hl_desk_req *q,
			   struct hl_desk_err *e)
{
	struct hl_terms def;
	struct hl_link_terms f;
	struct hl_link l;
	const char *name;
	json_t *res = NULL, *versions, *messages;

	if (!hl_desk_args_only(q, e, "name", NULL) || !hl_desk_arg_need(q, "name", &name, e) ||
	    !hl_desk_link(d, name, &l, e))
		return NULL;
	if (!fold(d, &l, &f, e)) {
		hl_link_free(&l);
		return NULL;
	}
	versions = json_array();
	messages = json_array();
	for (size_t i = 0; i < f.nv; i++)
		json_array_append_new(versions, version_json(&l, &f.v[i]));
	for (size_t i = 0; i < f.n; i++)
		json_array_append_new(messages, item_json(d, &l, &f.it[i]));
	defaults(d, &l, &f, &def);
	res = json_pack("{s:s, s:o, s:o, s:o, s:o}", "link", l.name, "in_force",
			hl_link_terms_newest(&f) ? version_json(&l, hl_link_terms_newest(&f)) :
			json_null(), "versions", versions,
			"messages", messages, "defaults", hl_terms_to_json(&def));
	hl_link_terms_free(&f);
	hl_link_free(&l);
	return res ? res : hl_desk_fail(e, 500, "out of memory");
}

/* The proposal's terms: the defaults, with the members "terms" gives
 * (an object of some of the members of protocol.md 8.13 but version). */
static bool proposal(const struct hl_desk_req *q, const struct hl_terms *def,
		     struct hl_terms *t, struct hl_desk_err *e)
{
	json_t *given = json_object_get(q->args, "terms"), *full;
	char why[256];
	int r;

	if (given && (!json_is_object(given) || json_object_get(given, "version"))) {
		hl_desk_fail(e, 400, "terms: give an object of the terms to change, without "
			     "version (the desk sets it)");
		return false;
	}
	full = hl_terms_to_json(def);
	if (!full || (given && json_object_update_recursive(full, given) < 0)) {
		json_decref(full);
		hl_desk_fail(e, 500, "out of memory");
		return false;
	}
	/* "check": null for no checks; a check without its precedence
	 * takes hotline.conf's. */
	if (json_is_null(json_object_get(full, "check")))
		json_object_del(full, "check");
	else if (json_is_object(json_object_get(full, "check")) &&
		 !json_object_get(json_object_get(full, "check"), "precedence"))
		json_object_set_new(json_object_get(full, "check"), "precedence",
				    json_string(hl_precedence_name(def->check_precedence)));
	r = hl_terms_from_json(full, t, why, sizeof(why));
	json_decref(full);
	if (r == -HL_ETERMS)
		hl_desk_fail(e, 400, "terms: %s", why);
	else if (r < 0)
		hl_desk_fail(e, 400, "terms: not of the form of protocol.md 8.13");
	return r == 0;
}

/* {"name", "terms"?, "text"?, "lang"?}: proposes this party's defaults
 * for the link, changed by "terms", as the next version. */
json_t *hl_desk_terms_propose(struct hl_desk *d, const struct hl_desk_req *q,
			      struct hl_desk_err *e)
{
	struct hl_content m = {.type = "terms", .has_terms = true};
	struct hl_terms def;
	struct hl_link_terms f;
	struct hl_link l;
	const char *name;
	uint64_t seq = 0;
	json_t *res = NULL;

	if (!hl_desk_args_only(q, e, "name", "terms", "text", "lang", NULL) ||
	    !hl_desk_arg_need(q, "name", &name, e) || !hl_act_text(q, false, &m.text, e) ||
	    !hl_desk_link(d, name, &l, e))
		return NULL;
	if (fold(d, &l, &f, e)) {
		defaults(d, &l, &f, &def);
		if (proposal(q, &def, &m.terms, e) &&
		    hl_desk_post(d, q, HL_RIGHT_LINK, &l, &m, HL_IMMEDIATE, &seq, e))
			res = hl_act_result(l.name, seq, HL_IMMEDIATE, m.type, NULL);
		if (res)
			json_object_set_new(res, "version", json_integer((json_int_t)def.version));
		hl_link_terms_free(&f);
	}
	hl_link_free(&l);
	return res;
}

/* The open proposal of the peer that id names, for an answer. */
static bool open_proposal(struct hl_desk *d, const char *id, struct hl_link *l,
			  struct hl_link_terms *f, size_t *at, struct hl_desk_err *e)
{
	char name[HL_NAME_MAX + 1];
	int side = HL_THEIRS;
	uint64_t seq = 0;

	if (!hl_msgid_parse(id, name, &side, &seq)) {
		hl_desk_fail(e, 400, "%s: name a proposal as LINK/N", id);
		return false;
	}
	if (side != HL_THEIRS) {
		hl_desk_fail(e, 422, "%s: a proposal of this party: the peer answers it", id);
		return false;
	}
	if (!hl_desk_link(d, name, l, e))
		return false;
	if (!fold(d, l, f, e)) {
		hl_link_free(l);
		return false;
	}
	for (*at = 0; *at < f->n; (*at)++)
		if (f->it[*at].side == HL_THEIRS && f->it[*at].seq == seq)
			break;
	if (*at == f->n || strcmp(f->it[*at].type, "terms") != 0)
		hl_desk_fail(e, 404, "%s: no proposal of terms", id);
	else if (strcmp(f->it[*at].verdict, "open") != 0)
		hl_desk_fail(e, 409, "%s: the proposal is %s, not open", id, f->it[*at].verdict);
	else
		return true;
	hl_link_terms_free(f);
	hl_link_free(l);
	return false;
}

static json_t *answer(struct hl_desk *d, const struct hl_desk_req *q, bool accept,
		      struct hl_desk_err *e)
{
	struct hl_content m = {.has_ref = true};
	struct hl_link_terms f;
	struct hl_link l;
	const char *id;
	uint64_t seq = 0;
	json_t *res = NULL;
	size_t at;

	snprintf(m.type, sizeof(m.type), "%s", accept ? "terms-accept" : "terms-decline");
	if (!hl_desk_args_only(q, e, "id", "text", "lang", NULL) ||
	    !hl_desk_arg_need(q, "id", &id, e) || !hl_act_text(q, !accept, &m.text, e))
		return NULL;
	if (!accept && m.text.len == 0)
		return hl_desk_fail(e, 400, "text: say why the terms are declined");
	if (!open_proposal(d, id, &l, &f, &at, e))
		return NULL;
	if (hl_desk_ref(d, &l, HL_THEIRS, f.it[at].seq, &m.ref) < 0)
		hl_desk_fail(e, 500, "%s: cannot name the proposal", id);
	else if (hl_desk_post(d, q, HL_RIGHT_LINK, &l, &m, HL_IMMEDIATE, &seq, e))
		res = hl_act_result(l.name, seq, HL_IMMEDIATE, m.type, NULL);
	if (res) {
		json_object_set_new(res, "answered", json_string(id));
		json_object_set_new(res, "version",
				    json_integer((json_int_t)f.it[at].terms.version));
	}
	hl_link_terms_free(&f);
	hl_link_free(&l);
	return res;
}

/* {"id": "LINK/N", "text"?, "lang"?}: accepts the peer's open proposal. */
json_t *hl_desk_terms_accept(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	return answer(d, q, true, e);
}

/* {"id": "LINK/N", "text", "lang"?}: declines it, saying why. */
json_t *hl_desk_terms_decline(struct hl_desk *d, const struct hl_desk_req *q,
			      struct hl_desk_err *e)
{
	return answer(d, q, false, e);
}

/* The terms of l, read once per call (the index as it stands: an
 * action does not wait for it); NULL when the store cannot say. */
static const struct hl_link_terms *link_terms(struct hl_desk *d, const struct hl_link *l)
{
	struct hl_link_terms *lt = d->terms;

	if (lt && d->terms_link == l->id)
		return lt;
	hl_desk_due_free(d);
	lt = calloc(1, sizeof(*lt));
	if (lt && hl_store_link_terms(d->st, d->me, l, lt) == 0) {
		d->terms = lt;
		d->terms_link = l->id;
		return lt;
	}
	free(lt);
	return NULL;
}

int64_t hl_desk_due(struct hl_desk *d, const struct hl_link *l, bool ack,
		    enum hl_precedence p, int64_t t)
{
	static const struct hl_link_terms none;
	const struct hl_link_terms *lt = link_terms(d, l);

	return hl_link_terms_due(lt ? lt : &none, &d->me->conf, l->name, ack, p, t);
}

/* Whether tag is one of t's working languages. */
static bool working(const struct hl_terms *t, const char *tag)
{
	for (unsigned i = 0; tag && i < t->nlanguages; i++)
		if (hl_lang_same_primary(t->languages[i], tag))
			return true;
	return false;
}

void hl_desk_lang_note(struct hl_desk *d, const struct hl_link *l, int64_t t,
		       const char *lang, const char *summary_lang)
{
	const struct hl_link_terms *lt = link_terms(d, l);
	const struct hl_terms_version *v = lt ? hl_terms_at(lt->v, lt->nv, t) : NULL;
	char list[HL_TERMS_LANGS_MAX * (HL_LANG_MAX + 2)] = "", tags[2 * HL_LANG_MAX + 8];
	size_t n = 0;

	if (!v || !v->terms.nlanguages || working(&v->terms, lang) ||
	    working(&v->terms, summary_lang))
		return;
	for (unsigned i = 0; i < v->terms.nlanguages && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
				      v->terms.languages[i]);
	if (summary_lang && strcasecmp(summary_lang, lang) != 0) {
		snprintf(tags, sizeof(tags), "%s and %s", lang, summary_lang);
		snprintf(d->note, sizeof(d->note), "%s are not working languages of %s (%s): "
			 "write the summary in one of them", tags, l->name, list);
	} else {
		snprintf(d->note, sizeof(d->note), "%s is not a working language of %s (%s): "
			 "%s in one of them", lang, l->name, list,
			 summary_lang ? "write the summary" : "add a summary");
	}
}

void hl_desk_due_free(struct hl_desk *d)
{
	if (d->terms) {
		hl_link_terms_free(d->terms);
		free(d->terms);
	}
	d->terms = NULL;
	d->terms_link = 0;
}
