/* actions.c - the desk's actions that open, feed and end a case: one
 * send for every kind a person sends (a notification opens a case; an
 * update or a request is about one), closing a case, and running a
 * communication check.  The rules the CLI held live here, once. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "error.h"
#include "groupcase.h"
#include "lang.h"
#include "text.h"

bool hl_act_lang_valid(const char *lang, struct hl_desk_err *e)
{
	if (!lang || (strlen(lang) <= HL_LANG_MAX && hl_lang_valid(lang, strlen(lang))))
		return true;
	hl_desk_fail(e, 400, "%s: not a BCP 47 language tag (such as ar, en, zh-Hans, es-419)",
		     lang);
	return false;
}

bool hl_act_text(const struct hl_desk_req *q, bool need, struct hl_text *t,
		 struct hl_desk_err *e)
{
	const char *text = NULL, *lang = NULL;

	if (!(need ? hl_desk_arg_need(q, "text", &text, e) : hl_desk_arg_str(q, "text", &text, e)) ||
	    !hl_desk_arg_str(q, "lang", &lang, e) || !hl_act_lang_valid(lang, e))
		return false;
	snprintf(t->lang, sizeof(t->lang), "%s", lang ? lang : "und");
	t->text = text ? text : "";
	t->len = text ? json_string_length(json_object_get(q->args, "text")) : 0;
	return true;
}

bool hl_act_precedence(const struct hl_desk_req *q, enum hl_precedence def,
		       enum hl_precedence *p, struct hl_desk_err *e)
{
	const char *s = NULL;

	*p = def;
	if (!hl_desk_arg_str(q, "precedence", &s, e))
		return false;
	if (s && hl_precedence_parse(s, p) < 0) {
		hl_desk_fail(e, 400, "precedence: %s: not flash, immediate, priority or routine", s);
		return false;
	}
	return true;
}

bool hl_act_stix(const struct hl_desk_req *q, json_t **stix, struct hl_desk_err *e)
{
	*stix = json_object_get(q->args, "stix");
	if (!*stix || json_is_null(*stix)) {
		*stix = NULL;
		return true;
	}
	if (hl_desk_stix_valid(*stix, e))
		return true;
	e->status = 422;	/* a request well formed, a bundle that is not */
	return false;
}

bool hl_act_case_open(struct hl_desk *d, const char *id, const char *only,
		      struct hl_link *l, struct hl_case *c, struct hl_desk_err *e)
{
	if (hl_desk_case_open(d, id, only, l, c, e))
		return true;
	if (e->status == 400)
		e->status = 422;	/* a name that names no one case */
	return false;
}

const char *hl_act_label(enum hl_vocab v, const char *code)
{
	const struct hl_term *t = hl_vocab_find(v, code);

	return t ? t->label : code;
}

json_t *hl_act_result(const char *link, uint64_t seq, enum hl_precedence p,
		      const char *kind, const char *case_id)
{
	char id[HL_MSGID_MAX + 1];
	json_t *j;

	hl_msgid_format(link, HL_OURS, seq, id);
	j = json_pack("{s:s, s:I, s:s, s:s, s:s}", "link", link, "seq", (json_int_t)seq,
		      "id", id, "precedence", hl_precedence_name(p), "kind", kind);
	if (j && case_id)
		json_object_set_new(j, "case", json_string(case_id));
	return j;
}

/* ---- send ---- */

/* The fields a send may give, as the request says them. */
struct sendreq {
	const char *kind, *case_id, *to, *category, *tlp, *severity, *summary_lang;
	json_t *actions, *stix;
};

/* Kinds that have an action of their own. */
static bool own_route(const char *kind, struct hl_desk_err *e)
{
	static const struct {
		const char *kind, *command;
	} own[] = {
		{"ack", "hotline ack"}, {"check-reply", "hotline ack"},
		{"answer", "hotline answer"}, {"close", "hotline case close"},
		{"retract", "hotline retract"}, {"correct", "hotline correct"},
	};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (!strcmp(kind, own[i].kind)) {
			hl_desk_fail(e, 400, "a message of type %s is sent with '%s'", kind,
				     own[i].command);
			return true;
		}
	return false;
}

/* What each kind may carry, and which need a case. */
static bool send_rules(const struct sendreq *s, struct hl_desk_err *e)
{
	bool update = !strcmp(s->kind, "update"), request = !strcmp(s->kind, "request");
	bool fields = s->category || s->tlp || s->severity || s->stix;

	if (own_route(s->kind, e))
		return false;
	if (!hl_kind_valid(s->kind, strlen(s->kind)))
		hl_desk_fail(e, 400, "kind: %s: not a message kind", s->kind);
	else if (!s->case_id && (update || request))
		hl_desk_fail(e, 400, "an update or a request is about a case: give --case");
	else if (s->case_id && !update && !request)
		hl_desk_fail(e, 400, "--case makes an update or, with --action, a request");
	else if (s->actions && !request)
		hl_desk_fail(e, 400, "--action makes a request, which is about a case: give --case");
	else if (request && (s->category || s->severity))
		hl_desk_fail(e, 400, "a request carries actions, not a category or severity: "
			     "send an update for those");
	else if (request && s->stix)
		hl_desk_fail(e, 400, "--stix rides in a notification or an update");
	else if (strcmp(s->kind, "notify") && !update && !request && fields)
		hl_desk_fail(e, 400, "a message of type %s carries no category, TLP, severity "
			     "or STIX", s->kind);
	else
		return hl_desk_fields_valid(s->category, s->tlp, s->severity, e);
	return false;
}

/* "investigate,take-down" into the action bits. */
static bool action_bits(const char *arg, unsigned *mask, struct hl_desk_err *e)
{
	while (*arg) {
		size_t len = strcspn(arg, ",");
		int i = hl_vocab_index(HL_VOCAB_ACTION, arg, len);
		char bad[64];

		if (i < 0) {
			snprintf(bad, sizeof(bad), "%.*s", (int)len, arg);
			hl_desk_fail(e, 400, "%s: not an action (investigate, mitigate, take-down, "
				     "block, preserve-evidence, share-indicators, identify-actor)",
				     bad);
			return false;
		}
		*mask |= 1u << i;
		arg += len + (arg[len] == ',');
	}
	return true;
}

/* "actions": a string of codes separated by commas, or an array of such. */
static bool actions_arg(json_t *v, unsigned *mask, struct hl_desk_err *e)
{
	size_t i;
	json_t *a;

	*mask = 0;
	if (!v)
		return true;
	if (json_is_string(v))
		return action_bits(json_string_value(v), mask, e);
	if (!json_is_array(v) || !json_array_size(v)) {
		hl_desk_fail(e, 400, "%s: not a list of actions", "actions");
		return false;
	}
	json_array_foreach(v, i, a) {
		if (!json_is_string(a)) {
			hl_desk_fail(e, 400, "%s: not a list of actions", "actions");
			return false;
		}
		if (!action_bits(json_string_value(a), mask, e))
			return false;
	}
	return true;
}

static bool send_parse(const struct hl_desk_req *q, struct sendreq *s, struct hl_desk_err *e)
{
	const char *lang = NULL;

	if (!hl_desk_arg_str(q, "kind", &s->kind, e) || !hl_desk_arg_str(q, "case", &s->case_id, e) ||
	    !hl_desk_arg_str(q, "to", &s->to, e) || !hl_desk_arg_str(q, "lang", &lang, e) ||
	    !hl_desk_arg_str(q, "summary_lang", &s->summary_lang, e) ||
	    !hl_desk_arg_str(q, "category", &s->category, e) ||
	    !hl_desk_arg_str(q, "tlp", &s->tlp, e) || !hl_desk_arg_str(q, "severity", &s->severity, e) ||
	    !hl_act_lang_valid(lang, e) || !hl_act_lang_valid(s->summary_lang, e))
		return false;
	s->actions = json_object_get(q->args, "actions");
	s->stix = json_object_get(q->args, "stix");
	if (json_is_null(s->actions))
		s->actions = NULL;
	if (json_is_null(s->stix))
		s->stix = NULL;
	if (!s->kind)
		s->kind = s->case_id ? (s->actions ? "request" : "update") : "notify";
	if (!s->to && !s->case_id) {
		hl_desk_fail(e, 400, "%s: missing", "to");
		return false;
	}
	return send_rules(s, e);
}

/* The message's content for an update or a request of case c. */
static bool case_content(const struct hl_desk_req *q, const struct sendreq *s,
			 struct hl_content *m, struct hl_desk_err *e)
{
	const char *summary = NULL;
	json_t *stix = NULL;

	if (!hl_act_text(q, true, &m->text, e) || !hl_desk_arg_str(q, "summary", &summary, e) ||
	    !actions_arg(s->actions, &m->actions, e) || !hl_act_stix(q, &stix, e))
		return false;
	if (s->summary_lang && !summary) {
		hl_desk_fail(e, 400, "a summary's language needs a summary");
		return false;
	}
	snprintf(m->type, sizeof(m->type), "%s", s->kind);
	if (summary) {
		m->has_summary = true;
		m->summary.text = summary;
		m->summary.len = json_string_length(json_object_get(q->args, "summary"));
		snprintf(m->summary.lang, sizeof(m->summary.lang), "%s",
			 s->summary_lang ? s->summary_lang : m->text.lang);
	}
	m->category = s->category;
	m->tlp = s->tlp;
	m->severity = s->severity;
	m->stix = stix;
	return true;
}

/* A request held while its link is suspended (suspend.c). */
static json_t *hold_case(struct hl_desk *d, const struct hl_desk_req *q, const struct hl_link *l,
			 struct hl_content *m, enum hl_precedence prec, struct hl_desk_err *e)
{
	struct hl_buf content;
	json_t *res = NULL;
	int r;

	hl_buf_init(&content, 2 * HL_PLAIN_MAX);
	hl_desk_sign_as(q, HL_RIGHT_SEND, m);
	r = hl_content_write(m, &content);
	if (r == 0)
		res = hl_desk_hold(d, q, l, m->type, prec, &content, 0, &r);
	hl_buf_free(&content);
	return res ? res : hl_desk_fail_code(e, r < 0 ? r : -ENOMEM, l->name);
}

/* A group case this party opened (groupcase.h), unless a link names
 * one member's bilateral case: true when it is one, with *res the
 * answer (NULL with e filled); false when id names no group case. */
static bool group_case(struct hl_desk *d, const struct hl_desk_req *q, const char *id,
		       const char *only, enum hl_right right, struct hl_content *m,
		       enum hl_precedence prec, json_t **res, struct hl_desk_err *e)
{
	struct hl_gcase g;
	int r;

	*res = NULL;
	if (only)
		return false;
	r = hl_desk_gcase_open(d, id, &g, e);
	if (r > 0) {
		*res = hl_desk_gcase_post(d, q, right, &g, m, prec, e);
		hl_desk_gcase_free(&g);
	}
	return r != 0;
}

/* An update or a request of an open case; of a group case, to every
 * member now that holds it. */
static json_t *send_case(struct hl_desk *d, const struct hl_desk_req *q,
			 const struct sendreq *s, struct hl_desk_err *e)
{
	struct hl_content m = {.has_case = true};
	enum hl_precedence prec;
	struct hl_link l = {0};
	struct hl_case c = {0};
	const char *only = s->to;
	json_t *res = NULL;
	uint64_t seq = 0;
	int hold = 0;

	/* "link" names the link as "to" does (the CLI's --link). */
	if (!hl_desk_args_only(q, e, "to", "link", "case", "kind", "text", "lang", "summary",
			       "summary_lang", "precedence", "category", "tlp", "severity",
			       "actions", "stix", "override", NULL) ||
	    (!only && !hl_desk_arg_str(q, "link", &only, e)) ||
	    !hl_act_precedence(q, HL_ROUTINE, &prec, e) || !hl_desk_may_send_at(q, prec, e) ||
	    !case_content(q, s, &m, e) || !hl_desk_index(d, e) ||
	    group_case(d, q, s->case_id, only, HL_RIGHT_SEND, &m, prec, &res, e) ||
	    !hl_act_case_open(d, s->case_id, only, &l, &c, e))
		return res;
	if (strcmp(c.state, "open") != 0)
		hl_desk_fail(e, 409, "case %s is %s: it takes no more updates or requests", c.id,
			     hl_act_label(HL_VOCAB_STATE, c.state));
	else if (hl_desk_ref(d, &l, c.side, c.seq, &m.case_ref) < 0)
		hl_desk_fail(e, 503, "%s: the store failed: %s", c.id, hl_store_errmsg(d->st));
	else if ((hold = hl_desk_holds(d, q, l.name, s->kind, e)) > 0)
		res = hold_case(d, q, &l, &m, prec, e);
	else if (hold == 0 && hl_desk_post(d, q, HL_RIGHT_SEND, &l, &m, prec, &seq, e))
		res = hl_act_result(l.name, seq, prec, s->kind, c.id);
	hl_case_free(&c);
	hl_link_free(&l);
	return res;
}

/* A notify's case number is above the numbers of the content index
 * too (protocol.md 8.10), where a notify whose sender gave it no number
 * (written before numbers were party-wide) counts by its seq.  Every
 * notify hotlined sends carries its number, which the store keeps; so
 * the index is brought up to date before the first notify this process
 * sends, not before each: indexing takes the store's write lock, and
 * on every send it would stall the writer's group commits (make bench).
 * What is written behind hotlined's back later counts once the index
 * next catches up (any action that reads it). */
static atomic_bool numbers_indexed;

static bool index_once(struct hl_desk *d, struct hl_desk_err *e)
{
	if (atomic_load(&numbers_indexed))
		return true;
	if (!hl_desk_index(d, e))
		return false;
	atomic_store(&numbers_indexed, true);
	return true;
}

/* POST /v1/send: a notification (send.c's hl_desk_send), or an update
 * or a request of a case. */
json_t *hl_desk_send_any(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	struct sendreq s = {0};
	enum hl_precedence prec;
	json_t *res, *stix;

	/* To a group (groupsend.c): one envelope per member. */
	if (json_object_get(q->args, "group")) {
		if (!json_is_string(json_object_get(q->args, "kind")) ||
		    !strcmp(json_string_value(json_object_get(q->args, "kind")), "notify"))
			if (!index_once(d, e))
				return NULL;
		return hl_desk_group_send(d, q, e);
	}
	if (!send_parse(q, &s, e) || !hl_act_stix(q, &stix, e))
		return NULL;
	if (s.case_id)
		return send_case(d, q, &s, e);
	if (!hl_act_precedence(q, HL_ROUTINE, &prec, e) ||
	    (!strcmp(s.kind, "notify") && !index_once(d, e)))
		return NULL;
	res = hl_desk_send(d, q, e);
	/* A held message has no number yet (suspend.c). */
	if (res && !json_object_get(res, "held")) {
		char id[HL_MSGID_MAX + 1];

		hl_msgid_format(s.to, HL_OURS,
			(uint64_t)json_integer_value(json_object_get(res, "seq")), id);
		json_object_set_new(res, "id", json_string(id));
		json_object_set_new(res, "precedence", json_string(hl_precedence_name(prec)));
		json_object_set_new(res, "kind", json_string(s.kind));
	}
	return res;
}

/* ---- case close ---- */

/* {"case", "link"?, "text"?, "lang"?, "precedence"?}: a close of an
 * open case, of a group case to every member now that holds it open; a
 * supervisor's (the route's right). */
json_t *hl_desk_close(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	struct hl_content m = {.type = "close", .has_case = true};
	const char *id = NULL, *only = NULL;
	enum hl_precedence prec;
	struct hl_link l = {0};
	struct hl_case c = {0};
	json_t *res = NULL;
	uint64_t seq = 0;

	if (!hl_desk_args_only(q, e, "case", "link", "text", "lang", "precedence", NULL) ||
	    !hl_desk_arg_need(q, "case", &id, e) || !hl_desk_arg_str(q, "link", &only, e) ||
	    !hl_act_precedence(q, HL_ROUTINE, &prec, e) || !hl_act_text(q, false, &m.text, e) ||
	    !hl_desk_index(d, e) || group_case(d, q, id, only, HL_RIGHT_CLOSE, &m, prec, &res, e) ||
	    !hl_act_case_open(d, id, only, &l, &c, e))
		return res;
	if (strcmp(c.state, "open") != 0)
		hl_desk_fail(e, 409, "case %s is %s: there is nothing to close", c.id,
			     hl_act_label(HL_VOCAB_STATE, c.state));
	else if (hl_desk_ref(d, &l, c.side, c.seq, &m.case_ref) < 0)
		hl_desk_fail(e, 503, "%s: the store failed: %s", c.id, hl_store_errmsg(d->st));
	else if (hl_desk_post(d, q, HL_RIGHT_CLOSE, &l, &m, prec, &seq, e))
		res = hl_act_result(l.name, seq, prec, "close", c.id);
	hl_case_free(&c);
	hl_link_free(&l);
	return res;
}

/* ---- check run ---- */

/* {"link", "precedence"?}: a communication check (IMMEDIATE unless
 * given), which the peer's duty officer answers with a check-reply. */
json_t *hl_desk_check_run(struct hl_desk *d, const struct hl_desk_req *q,
			  struct hl_desk_err *e)
{
	char when[HL_TIME_LEN + 1], text[HL_NAME_MAX + 64];
	struct hl_content m = {.type = "check"};
	enum hl_precedence prec;
	struct hl_link l = {0};
	const char *name = NULL;
	json_t *res = NULL;
	uint64_t seq = 0;

	if (json_object_get(q->args, "group"))
		return hl_desk_group_check(d, q, e);	/* groupsend.c */
	if (!hl_desk_args_only(q, e, "link", "precedence", NULL) ||
	    !hl_desk_arg_need(q, "link", &name, e) ||
	    !hl_act_precedence(q, HL_IMMEDIATE, &prec, e) || !hl_desk_may_send_at(q, prec, e) ||
	    !hl_desk_link(d, name, &l, e))
		return NULL;
	hl_time_format(q->now, when);
	m.text.len = (size_t)snprintf(text, sizeof(text), "Communication check from %s at %s",
				      d->me->card.name, when);
	m.text.text = text;
	memcpy(m.text.lang, "en", 3);
	if (hl_desk_post(d, q, HL_RIGHT_SEND, &l, &m, prec, &seq, e))
		res = hl_act_result(l.name, seq, prec, "check", NULL);
	hl_link_free(&l);
	return res;
}
