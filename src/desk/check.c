/* check.c - the desk's report of communication checks on one link:
 * each check with when its receipt and its answer came and where it
 * stands, the schedule, and the peer's last sign of life.  The CLI's
 * table and its --json both print this one object (docs/cli-json.md). */
#include <stdio.h>
#include <string.h>

#include "actions.h"
#include "error.h"

#define SILENT_AFTER (7 * 24 * 3600)	/* no sign of life for a week */

/* Where a check stands, as docs/cli-json.md names it. */
enum check_state {
	CHECK_ANSWERED, CHECK_LATE, CHECK_MISSED, CHECK_MISSED_UNRECEIPTED,
	CHECK_UNRECEIPTED, CHECK_AWAITING, CHECK_NOT_YET,
};
static const char *const check_state_name[] = {
	"answered", "answered-late", "missed", "missed-not-receipted",
	"not-receipted-in-time", "awaiting-answer", "not-yet-receipted",
};

struct report {
	struct hl_desk *d;
	const struct hl_link *l;
	int64_t now;
	unsigned checks, missed, unreceipted;
	int64_t last;		/* when the last check was sent */
	json_t *rows;
};

static json_t *time_json(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

/* When the peer's receipt for our message seq came, or 0. */
static int64_t receipt_time(struct hl_store *st, const struct hl_link *l, uint64_t seq)
{
	uint64_t size = 0;
	int64_t when = 0;

	if (hl_store_cosigned_covering(st, l->id, HL_OURS, seq, &size) < 0 ||
	    hl_store_checkpoint_get(st, l->id, HL_OURS, size, NULL, NULL, &when) < 0)
		return 0;
	return when;
}

/* One check's row; counts it as missed or unreceipted. */
static json_t *check_row(struct report *rp, const struct hl_message *m)
{
	enum hl_precedence p = HL_ROUTINE;
	char id[HL_MSGID_MAX + 1];
	int64_t receipt, answer = 0, due;
	uint64_t ack_seq = 0;
	enum check_state s;
	bool lost;

	hl_precedence_parse(m->precedence, &p);
	receipt = receipt_time(rp->d->st, rp->l, m->seq);
	if (hl_store_acked(rp->d->st, rp->l->id, HL_OURS, m->seq, &ack_seq, &answer) < 0)
		answer = 0;
	due = hl_desk_due(rp->d, rp->l, true, p, m->time);
	/* Never receipted, though it should have been by now: the peer's
	 * machine did not get it, which no person there can answer. */
	lost = !receipt && !answer && rp->now > hl_desk_due(rp->d, rp->l, false, p, m->time);
	if (answer)
		s = answer <= due ? CHECK_ANSWERED : CHECK_LATE;
	else if (rp->now > due)
		s = lost ? CHECK_MISSED_UNRECEIPTED : CHECK_MISSED;
	else
		s = lost ? CHECK_UNRECEIPTED : receipt ? CHECK_AWAITING : CHECK_NOT_YET;
	rp->unreceipted += lost;
	rp->missed += (answer && answer > due) || (!answer && rp->now > due);
	hl_msgid_format(rp->l->name, HL_OURS, m->seq, id);
	return json_pack("{s:s, s:I, s:I, s:s, s:o, s:o, s:s}", "id", id,
			 "seq", (json_int_t)m->seq, "sent", (json_int_t)m->time,
			 "precedence", m->precedence, "receipt", time_json(receipt),
			 "answer", time_json(answer), "state", check_state_name[s]);
}

static int report_one(void *ctx, const struct hl_message *m)
{
	struct report *rp = ctx;

	if (strcmp(m->kind, "check") != 0)
		return 0;
	rp->checks++;
	rp->last = m->time;
	return json_array_append_new(rp->rows, check_row(rp, m)) ? -1 : 0;
}

/* The peer's last sign of life: its last receipt or last message. */
static int64_t last_heard(struct hl_store *st, const struct hl_link *l)
{
	uint64_t acked = 0, got = 0;
	int64_t a = 0, b = 0;
	struct hl_buf env;
	struct hl_envelope e;

	if (hl_store_cosigned_size(st, l->id, HL_OURS, &acked) == 0 && acked)
		hl_store_checkpoint_get(st, l->id, HL_OURS, acked, NULL, NULL, &a);
	hl_buf_init(&env, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	if (hl_store_log_size(st, l->id, HL_THEIRS, &got) == 0 && got &&
	    hl_store_envelope_get(st, l->id, HL_THEIRS, got, &env, NULL) == 0 &&
	    hl_envelope_parse(env.data, env.len, &e) == 0)
		b = e.time;
	hl_buf_free(&env);
	return a > b ? a : b;
}

/* The report as one object: the checks and what the table says below. */
static json_t *report_json(const struct report *rp, int64_t heard)
{
	int64_t every = hl_config_check_every(&rp->d->me->conf, rp->l->name);
	int64_t next = !every ? 0 : !rp->last || rp->last + every <= rp->now ? rp->now :
		       rp->last + every;

	return json_pack("{s:s, s:O, s:i, s:i, s:i, s:o, s:o, s:o, s:b}", "link", rp->l->name,
			 "checks", rp->rows, "count", (int)rp->checks, "missed", (int)rp->missed,
			 "unreceipted", (int)rp->unreceipted,
			 "every", every ? json_integer(every) : json_null(),
			 "next_due", time_json(next), "last_heard", time_json(heard),
			 "silent", !heard || rp->now - heard > SILENT_AFTER);
}

/* GET /v1/check/report?link=LINK: the checks sent on LINK. */
json_t *hl_desk_check_report(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	struct report rp = {.d = d, .now = q->now};
	struct hl_link l = {0};
	const char *name = NULL;
	json_t *res = NULL;

	if (!hl_desk_args_only(q, e, "link", NULL) || !hl_desk_arg_need(q, "link", &name, e) ||
	    !hl_desk_link(d, name, &l, e) || !hl_desk_index(d, e))
		return NULL;
	rp.l = &l;
	rp.rows = json_array();
	if (!rp.rows || hl_store_message_each(d->st, l.id, HL_OURS, 0, report_one, &rp) < 0)
		hl_desk_fail(e, 503, "%s: the store failed: %s", l.name, hl_store_errmsg(d->st));
	else
		res = report_json(&rp, last_heard(d->st, &l));
	json_decref(rp.rows);
	hl_link_free(&l);
	return res;
}
