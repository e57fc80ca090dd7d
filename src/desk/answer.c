/* answer.c - the desk's actions that name another message: an
 * acknowledgment (or a check's reply), an answer to a request, and the
 * retraction or correction of one of this party's own messages. */
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "error.h"
#include "index.h"
#include "text.h"

/* The message named by "id", which must be on side want: its link,
 * its index entry, and its case (c->n == 0 when it has none). */
struct target {
	const char *id;
	struct hl_link l;
	struct hl_item it;
	struct hl_case c;
	uint64_t seq;
};

static void target_free(struct target *t)
{
	hl_case_free(&t->c);
	hl_link_free(&t->l);
}

/* The id's syntax and side: refused before anything is read. */
static bool target_id(const char *id, int want, char link[HL_NAME_MAX + 1], uint64_t *seq,
		      struct hl_desk_err *e)
{
	int side = HL_THEIRS;

	if (!hl_msgid_parse(id, link, &side, seq))
		hl_desk_fail(e, 400, "%s: name a message as LINK/N (received) or LINK/out/N (sent)",
			     id);
	else if (side != want && want == HL_OURS)
		hl_desk_fail(e, 422, "%s: a message the peer sent; only its sender may retract or "
			     "correct it", id);
	else if (side != want)
		hl_desk_fail(e, 422, "%s: a message this party sent; answer a request received", id);
	else
		return true;
	return false;
}

static bool target_get(struct hl_desk *d, int want, struct target *t, struct hl_desk_err *e)
{
	char name[HL_NAME_MAX + 1];
	int r;

	memset(&t->l, 0, sizeof(t->l));
	memset(&t->c, 0, sizeof(t->c));
	if (!target_id(t->id, want, name, &t->seq, e) || !hl_desk_link(d, name, &t->l, e) ||
	    !hl_desk_index(d, e))
		return false;
	r = hl_store_item_get(d->st, t->l.id, want, t->seq, &t->it);
	if (r == 0 && t->it.case_side >= 0)
		r = hl_case_load(d->st, d->me->card.name, &t->l, t->it.case_side,
				 t->it.case_seq, &t->c);
	if (r == -HL_ENOTFOUND)
		hl_desk_fail(e, 404, "%s: no such message", t->id);
	else if (r < 0)
		hl_desk_fail_code(e, r, t->id);
	return r == 0;
}

/* m's ref to the target, and to its case when it has one. */
static bool refs(struct hl_desk *d, const struct target *t, struct hl_content *m,
		 struct hl_desk_err *e)
{
	int r = hl_desk_ref(d, &t->l, t->it.side, t->it.seq, &m->ref);

	m->has_ref = true;
	if (r == 0 && t->c.n) {
		m->has_case = true;
		r = hl_desk_ref(d, &t->l, t->c.side, t->c.seq, &m->case_ref);
	}
	if (r < 0)
		hl_desk_fail_code(e, r, t->id);
	return r == 0;
}

static enum hl_precedence precedence_of(const struct hl_item *it)
{
	enum hl_precedence p = HL_ROUTINE;

	hl_precedence_parse(it->precedence, &p);
	return p;
}

/* ---- ack ---- */

/* The acknowledgment already sent for it: a 200 that says so. */
static json_t *already(const struct hl_link *l, uint64_t seq, uint64_t ack_seq, int64_t when,
		       enum hl_precedence p, const char *kind)
{
	char id[HL_MSGID_MAX + 1];
	json_t *j = hl_act_result(l->name, ack_seq, p, kind, NULL);

	hl_msgid_format(l->name, HL_THEIRS, seq, id);
	json_object_set_new(j, "acked", json_string(id));
	json_object_set_new(j, "already", json_true());
	json_object_set_new(j, "at", json_integer(when));
	return j;
}

/* The envelope's kind and precedence, which its index entry repeats. */
static bool needs_ack(const struct target *t, enum hl_precedence *p, struct hl_desk_err *e)
{
	*p = precedence_of(&t->it);
	if (hl_kind_needs_ack(t->it.type, *p))
		return true;
	hl_desk_fail(e, 409, "%s/%llu needs no acknowledgment (a %s)", t->l.name,
		     (unsigned long long)t->seq, hl_act_label(HL_VOCAB_KIND, t->it.type));
	return false;
}

/* {"id": "LINK/SEQ", "text"?, "lang"?}: says, at the message's own
 * precedence, that this operator read and accepted it; a check is
 * answered with a check-reply.  Once: a second ack answers with the
 * first ("already": true, "at"). */
json_t *hl_desk_ack(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	struct hl_content m = {.type = "ack"};
	struct target t = {0};
	enum hl_precedence p = HL_ROUTINE;
	uint64_t ack_seq = 0, seq = 0;
	json_t *res = NULL;
	int64_t when = 0;
	char name[HL_NAME_MAX + 1];
	int side = HL_THEIRS;

	if (!hl_desk_args_only(q, e, "id", "text", "lang", NULL) ||
	    !hl_desk_arg_need(q, "id", &t.id, e))
		return NULL;
	if (hl_msgid_parse(t.id, name, &side, &seq) && side == HL_OURS) {
		hl_desk_fail(e, 400, "%s: that is a message this party sent; acknowledge what you "
			     "received", t.id);
		return NULL;
	}
	if (!hl_act_text(q, false, &m.text, e))
		return NULL;
	if (target_get(d, HL_THEIRS, &t, e) && needs_ack(&t, &p, e)) {
		if (hl_store_acked(d->st, t.l.id, HL_THEIRS, t.seq, &ack_seq, &when) == 0)
			res = already(&t.l, t.seq, ack_seq, when, p,
				      strcmp(t.it.type, "check") ? "ack" : "check-reply");
		else if (!strcmp(t.it.type, "check"))
			snprintf(m.type, sizeof(m.type), "check-reply");
		if (!res && refs(d, &t, &m, e) && hl_desk_post(d, q, HL_RIGHT_ACK, &t.l, &m, p, &seq, e))
			res = hl_act_result(t.l.name, seq, p, m.type, t.c.n ? t.c.id : NULL);
		if (res && !json_object_get(res, "acked")) {
			char id[HL_MSGID_MAX + 1];

			hl_msgid_format(t.l.name, HL_THEIRS, t.seq, id);
			json_object_set_new(res, "acked", json_string(id));
		}
	}
	target_free(&t);
	return res;
}

/* ---- answer ---- */

/* Whether request i of case c takes this answer. */
static bool answerable(const struct target *t, int i, const char *answer,
		       struct hl_desk_err *e)
{
	const struct hl_case *c = &t->c;

	if (strcmp(t->it.type, "request") != 0 || i < 0)
		hl_desk_fail(e, 409, "%s is not a request (it is a %s): only requests are answered",
			     t->id, hl_act_label(HL_VOCAB_KIND, t->it.type));
	else if (strcmp(c->state, "open") != 0)
		hl_desk_fail(e, 409, "case %s is %s: its requests take no more answers", c->id,
			     hl_act_label(HL_VOCAB_STATE, c->state));
	else if (c->ev[i].flags & HL_EV_RETRACTED)
		hl_desk_fail(e, 409, "%s was withdrawn by its sender", t->id);
	else if (!strcmp(c->ev[i].state, "declined") || !strcmp(c->ev[i].state, "done") ||
		 !strcmp(c->ev[i].state, answer))
		hl_desk_fail(e, 409, "%s was already answered: %s", t->id,
			     hl_act_label(HL_VOCAB_STATE, c->ev[i].state));
	else
		return true;
	return false;
}

static bool answer_args(const struct hl_desk_req *q, struct target *t, struct hl_content *m,
			struct hl_desk_err *e)
{
	const char *answer = NULL;
	json_t *stix = NULL;

	if (!hl_desk_args_only(q, e, "id", "answer", "text", "lang", "stix", NULL) ||
	    !hl_desk_arg_need(q, "id", &t->id, e) || !hl_desk_arg_need(q, "answer", &answer, e))
		return false;
	if (!hl_vocab_find(HL_VOCAB_ANSWER, answer)) {
		hl_desk_fail(e, 400, "%s: answer accepted, declined or done", answer);
		return false;
	}
	if (!hl_act_text(q, false, &m->text, e))
		return false;
	if (!strcmp(answer, "declined") && !m->text.len) {
		hl_desk_fail(e, 400, "a 'declined' answer says why: give TEXT");
		return false;
	}
	if (!strcmp(answer, "done") && !m->text.len) {
		hl_desk_fail(e, 400, "a 'done' answer says the result: give TEXT");
		return false;
	}
	if (!hl_act_stix(q, &stix, e))
		return false;
	m->answer = answer;
	m->stix = stix;
	return true;
}

/* {"id": "LINK/N", "answer": "accepted" | "declined" | "done", "text"?,
 * "lang"?, "stix"?}: answers a request received, of an open case. */
json_t *hl_desk_answer(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	struct hl_content m = {.type = "answer"};
	struct target t = {0};
	enum hl_precedence p;
	json_t *res = NULL;
	uint64_t seq = 0;

	if (!answer_args(q, &t, &m, e))
		return NULL;
	if (target_get(d, HL_THEIRS, &t, e) &&
	    answerable(&t, t.c.n ? hl_case_find(&t.c, t.it.side, t.it.seq) : -1, m.answer, e) &&
	    refs(d, &t, &m, e)) {
		p = precedence_of(&t.it);
		if (hl_desk_post(d, q, HL_RIGHT_ACK, &t.l, &m, p, &seq, e)) {
			res = hl_act_result(t.l.name, seq, p, "answer", t.c.id);
			json_object_set_new(res, "answer", json_string(m.answer));
			json_object_set_new(res, "answered", json_string(t.id));
		}
	}
	target_free(&t);
	return res;
}

/* ---- retract, correct ---- */

/* What a retraction or correction may name. */
static bool amendable(const struct target *t, bool correct, const struct hl_content *m,
		      struct hl_desk_err *e)
{
	const char *k = t->it.type;

	if (!strcmp(k, "retract") || !strcmp(k, "correct") || !strcmp(k, "ack") ||
	    !strcmp(k, "check-reply") || !strcmp(k, "check"))
		hl_desk_fail(e, 409, "%s is a %s: it cannot be retracted or corrected", t->id,
			     hl_act_label(HL_VOCAB_KIND, k));
	else if (correct && (m->category || m->tlp || m->severity) &&
		 strcmp(k, "notify") && strcmp(k, "update"))
		hl_desk_fail(e, 409, "%s is a %s: only a notification's or an update's category, "
			     "TLP and severity can be corrected", t->id, hl_act_label(HL_VOCAB_KIND, k));
	else
		return true;
	return false;
}

static bool amend_args(const struct hl_desk_req *q, bool correct, struct target *t,
		       struct hl_content *m, struct hl_desk_err *e)
{
	if (correct ? !hl_desk_args_only(q, e, "id", "text", "lang", "category", "tlp",
					 "severity", NULL) :
		      !hl_desk_args_only(q, e, "id", "text", "lang", NULL))
		return false;
	if (!hl_desk_arg_need(q, "id", &t->id, e) ||
	    !hl_desk_arg_str(q, "category", &m->category, e) ||
	    !hl_desk_arg_str(q, "tlp", &m->tlp, e) || !hl_desk_arg_str(q, "severity", &m->severity, e))
		return false;
	if (correct && !json_object_get(q->args, "text")) {
		hl_desk_fail(e, 400, "a correction gives the corrected text: give TEXT "
			     "(or - to read it)");
		return false;
	}
	return hl_act_text(q, false, &m->text, e) &&
	       hl_desk_fields_valid(m->category, m->tlp, m->severity, e);
}

static json_t *amend(struct hl_desk *d, const struct hl_desk_req *q, const char *kind,
		     enum hl_right right, struct hl_desk_err *e)
{
	struct hl_content m = {0};
	bool correct = !strcmp(kind, "correct");
	struct target t = {0};
	enum hl_precedence p = HL_ROUTINE;
	json_t *res = NULL;
	uint64_t seq = 0;

	snprintf(m.type, sizeof(m.type), "%s", kind);
	if (!amend_args(q, correct, &t, &m, e))
		return NULL;
	if (target_get(d, HL_OURS, &t, e) && amendable(&t, correct, &m, e) &&
	    refs(d, &t, &m, e)) {
		p = precedence_of(&t.it);
		if (hl_desk_may_send_at(q, p, e) &&
		    hl_desk_post(d, q, right, &t.l, &m, p, &seq, e)) {
			res = hl_act_result(t.l.name, seq, p, kind, t.c.n ? t.c.id : NULL);
			json_object_set_new(res, correct ? "corrected" : "retracted",
					    json_string(t.id));
		}
	}
	target_free(&t);
	return res;
}

/* {"id": "LINK/out/N", "text"?, "lang"?}: withdraws one of this party's
 * messages; a supervisor's (the route's right). */
json_t *hl_desk_retract(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	return amend(d, q, "retract", HL_RIGHT_CLOSE, e);
}

/* {"id": "LINK/out/N", "text", "lang"?, "category"?, "tlp"?, "severity"?}:
 * corrects one of this party's messages. */
json_t *hl_desk_correct(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	return amend(d, q, "correct", HL_RIGHT_SEND, e);
}
