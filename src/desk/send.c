/* send.c - the desk's send: compose, seal and append one message. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "case.h"
#include "content.h"
#include "courier.h"
#include "deskcase.h"
#include "error.h"
#include "stix.h"
#include "text.h"
#include "writer.h"
#include "trace.h"

/* What a request says, for the message's content. */
struct request {
	const char *to, *kind, *lang, *text, *summary, *summary_lang;
	const char *category, *tlp, *severity;
	json_t *stix;
	size_t len;
	uint64_t number;	/* a notify's case number */
};

/* The message's content JSON from the request's text, tags and fields;
 * hl_content_write refuses what a message of its kind may not carry. */
static int compose(const struct hl_desk_req *hq, const struct request *q, char *why,
		   size_t cap, struct hl_buf *out)
{
	struct hl_content c = {.text = {"und", q->text, q->len}};
	struct hl_stix_error bad = {{0}, {0}};
	const char *lang = q->lang, *slang = q->summary_lang;

	if ((lang && strlen(lang) > HL_LANG_MAX) || (slang && strlen(slang) > HL_LANG_MAX))
		return -HL_ELANG;
	if (slang && !q->summary)
		return -HL_ECONTENT;	/* a summary's language without a summary */
	snprintf(c.type, sizeof(c.type), "%s", q->kind);
	if (lang)
		memcpy(c.text.lang, lang, strlen(lang) + 1);
	if (q->summary) {
		c.has_summary = true;
		c.summary.text = q->summary;
		c.summary.len = strlen(q->summary);
		slang = slang ? slang : c.text.lang;
		memcpy(c.summary.lang, slang, strlen(slang) + 1);
	}
	if (q->stix && hl_stix_check(q->stix, &bad) < 0) {
		snprintf(why, cap, "stix: %s%s%s", bad.id, bad.id[0] ? ": " : "", bad.reason);
		return -HL_ESTIX;
	}
	c.category = q->category;
	c.tlp = q->tlp;
	c.severity = q->severity;
	c.stix = q->stix;
	c.has_number = q->number != 0;
	c.number = q->number;
	hl_desk_sign_as(hq, HL_RIGHT_SEND, &c);
	return hl_content_write(&c, out);
}

/* Composes, seals (for l's peer; the writer seals when l is NULL, a
 * link that could not be read) and appends one message; *seq gets its
 * seq. */
static int send_once(struct hl_desk *d, const struct hl_desk_req *hq, struct request *q,
		     const struct hl_link *l, struct hl_send *msg, char *why, size_t cap,
		     uint64_t *seq)
{
	struct hl_buf content;
	struct hl_sealed_body sb;
	int r = 0;

	hl_buf_init(&content, 2 * HL_PLAIN_MAX);
	if (strcmp(q->kind, "notify") == 0)
		r = hl_desk_case_number(d, &q->number);
	msg->case_no = q->number;
	if (r == 0)
		r = compose(hq, q, why, cap, &content);
	msg->plain = content.data;
	msg->plain_len = content.len;
	msg->sealed = NULL;
	/* Seal the body here, in this request's thread, so requests seal in
	 * parallel and the writer only numbers, signs and commits. */
	if (r == 0 && l && hl_envelope_seal_body(&d->me->card, &l->card, content.data,
						 content.len, &sb) == 0)
		msg->sealed = &sb;
	hl_trace("send.sealed", 0);
	if (r == 0)
		r = hl_writer_send(d->writer, q->to, msg, seq);
	if (msg->sealed)
		hl_sealed_body_free(&sb);
	msg->sealed = NULL;
	hl_buf_free(&content);
	if (r < 0 && q->number)
		hl_desk_case_number_release(d, q->number);
	return r;
}

static bool parse(const struct hl_desk_req *hq, struct request *q, struct hl_send *msg,
		  struct hl_desk_err *e)
{
	const char *prec = NULL, *kind = NULL;

	if (!hl_desk_args_only(hq, e, "to", "text", "precedence", "kind", "lang", "summary",
			       "summary_lang", "category", "tlp", "severity", "stix", "override",
			       NULL) ||
	    !hl_desk_arg_need(hq, "to", &q->to, e) || !hl_desk_arg_need(hq, "text", &q->text, e) ||
	    !hl_desk_arg_str(hq, "precedence", &prec, e) || !hl_desk_arg_str(hq, "kind", &kind, e) ||
	    !hl_desk_arg_str(hq, "lang", &q->lang, e) ||
	    !hl_desk_arg_str(hq, "summary", &q->summary, e) ||
	    !hl_desk_arg_str(hq, "summary_lang", &q->summary_lang, e) ||
	    !hl_desk_arg_str(hq, "category", &q->category, e) ||
	    !hl_desk_arg_str(hq, "tlp", &q->tlp, e) ||
	    !hl_desk_arg_str(hq, "severity", &q->severity, e))
		return false;
	q->len = json_string_length(json_object_get(hq->args, "text"));
	q->stix = json_object_get(hq->args, "stix");
	if (prec && hl_precedence_parse(prec, &msg->precedence) < 0) {
		hl_desk_fail(e, 400, "precedence: %s: not flash, immediate, priority or routine",
			     prec);
		return false;
	}
	if (kind && !hl_kind_valid(kind, strlen(kind))) {
		hl_desk_fail(e, 400, "kind: %s: not a message kind", kind);
		return false;
	}
	/* What becomes of the link itself has its own actions and rights. */
	if (kind && hl_content_is_control(kind)) {
		hl_desk_fail(e, 400, "kind: %s: a control message of the link, which send "
			     "does not make", kind);
		return false;
	}
	msg->kind = q->kind = kind ? kind : "notify";
	return true;
}

/* Holds the message while its link is suspended: composed now, with
 * its case number, to be sealed when the link is resumed. */
static json_t *hold(struct hl_desk *d, const struct hl_desk_req *hq, struct request *q,
		    enum hl_precedence p, struct hl_desk_err *e)
{
	struct hl_buf content;
	struct hl_link l;
	char why[400] = "";
	json_t *res = NULL;
	int r = hl_store_link_get(d->st, q->to, &l);

	hl_buf_init(&content, 2 * HL_PLAIN_MAX);
	for (int tries = 1; r == 0; tries++) {
		content.len = 0;
		q->number = 0;
		if (strcmp(q->kind, "notify") == 0)
			r = hl_desk_case_number(d, &q->number);
		if (r == 0)
			r = compose(hq, q, why, sizeof(why), &content);
		if (r == 0)
			res = hl_desk_hold(d, hq, &l, q->kind, p, &content, q->number, &r);
		if (r != -EAGAIN || tries == 16)
			break;
	}
	if (!res && q->number)
		hl_desk_case_number_release(d, q->number);
	hl_buf_free(&content);
	hl_link_free(&l);
	if (!res && why[0])
		return hl_desk_fail(e, 400, "%s", why);
	return res ? res : hl_desk_fail_code(e, r < 0 ? r : -ENOMEM, q->to);
}

/* A duty officer sends up to the precedence the admin set; above it
 * the send needs a supervisor. */
bool hl_desk_may_send_at(const struct hl_desk_req *hq, enum hl_precedence p,
			 struct hl_desk_err *e)
{
	const struct hl_operator *op = hq->op;

	if ((op->roles & HL_ROLE_SUPERVISOR) || p >= op->max_precedence)
		return true;
	e->needs = hl_role_name(HL_ROLE_SUPERVISOR);
	hl_desk_fail(e, 403, "operator %s may send up to %s: a %s message needs the "
		     "supervisor role", op->name, hl_precedence_name(op->max_precedence),
		     hl_precedence_name(p));
	return false;
}

/* The working languages' hint for what was sent (hl_desk_lang_note). */
static void note(struct hl_desk *d, const struct hl_desk_req *hq, const struct request *q,
		 const struct hl_link *l)
{
	const char *lang = q->lang ? q->lang : "und";

	hl_desk_lang_note(d, l, hq->now, lang,
			  q->summary ? (q->summary_lang ? q->summary_lang : lang) : NULL);
}

/* {"to", "text", "lang"?, "summary"?, "summary_lang"?, "precedence"?, "kind"?,
 *  "category"?, "tlp"?, "severity"?, "stix"?} -> {"link", "seq", "case"?} */
json_t *hl_desk_send(struct hl_desk *d, const struct hl_desk_req *hq, struct hl_desk_err *e)
{
	struct hl_send msg = {.precedence = HL_ROUTINE};
	struct request q = {0};
	struct hl_link l;
	char why[400] = "", id[HL_CASE_ID_MAX + 1];
	uint64_t seq = 0;
	json_t *res;
	bool have;
	int r = 0;

	if (!parse(hq, &q, &msg, e) || !hl_desk_may_send_at(hq, msg.precedence, e))
		return NULL;
	r = hl_desk_holds(d, hq, q.to, q.kind, e);
	if (r < 0)
		return NULL;
	if (r > 0)
		return hold(d, hq, &q, msg.precedence, e);
	msg.now = hq->now;
	/* Read once, to seal in this request's thread and for the note. */
	have = hl_store_link_get(d->st, q.to, &l) == 0;
	for (int tries = 1;; tries++) {
		r = send_once(d, hq, &q, have ? &l : NULL, &msg, why, sizeof(why), &seq);
		if (r != -EAGAIN || tries == 16)
			break;
		q.number = 0;
	}
	if (r == 0 && have)
		note(d, hq, &q, &l);
	hl_link_free(&l);
	if (r < 0 && why[0])
		return hl_desk_fail(e, 400, "%s", why);
	if (r < 0)
		return hl_desk_fail_code(e, r, r == -HL_ENOLINK || r == -HL_EARCHIVING ||
						 r == -HL_EARCHIVED ? q.to : NULL);
	res = json_pack("{s:s, s:I}", "link", q.to, "seq", (json_int_t)seq);
	if (res && q.number) {
		hl_case_id(d->me->card.name, q.number, id);
		json_object_set_new(res, "case", json_string(id));
	}
	return res;
}

json_t *hl_desk_wake(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	(void)q;
	(void)e;
	hl_courier_wake(d->courier, NULL);
	return json_pack("{s:b}", "ok", 1);
}
