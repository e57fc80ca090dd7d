/* status.c - each link's delivery at a glance, for hotline status: the
 * courier's view of each link and what the store says of it, with a
 * level as a monitoring plugin gives one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "courier.h"
#include "deskcase.h"
#include "deskpriv.h"
#include "lists.h"
#include "suspect.h"
#include "transcript.h"
#include "version.h"

enum level { LEVEL_OK, LEVEL_WARNING, LEVEL_CRITICAL, LEVEL_UNKNOWN };
static const char *const level_name[] = {"ok", "warning", "critical", "unknown"};

/* Where a link's peer stands at the courier's last attempt. */
static const char *reach(const struct hl_link *l, const struct hl_courier_link *cl)
{
	if (!l->endpoint[0])
		return "no-endpoint";
	if (!cl || cl->last_attempt == 0)
		return "not-tried";
	if (cl->pin_mismatch)
		return "pin-mismatch";
	return cl->reachable ? "yes" : "no";
}

struct status {
	struct hl_desk *d;
	const struct hl_desk_req *q;
	struct hl_courier_link *cl;
	size_t ncl;
	json_t *links;
	int level;
};

struct counter {
	struct hl_desk *d;
	const struct hl_link *l;
	int side;
	int64_t now;
	uint64_t count;
};

static int count_overdue(void *ctx, const struct hl_message *m)
{
	struct counter *o = ctx;
	json_t *a = hl_desk_ack_json(o->d, o->l, o->side, m->seq, m->kind, m->precedence,
				     m->time, o->now);

	o->count += hl_desk_ack_overdue(a);
	json_decref(a);
	return 0;
}

/* Messages past their acknowledgment deadline: ours to answer (side
 * THEIRS) or the peer's (side OURS). */
static uint64_t overdue(struct status *s, const struct hl_link *l, int side)
{
	struct counter o = {s->d, l, side, s->q->now, 0};

	hl_store_message_each(s->d->st, l->id, side, 0, count_overdue, &o);
	return o.count;
}

static int count_late_receipt(void *ctx, const struct hl_message *m)
{
	struct counter *o = ctx;
	enum hl_precedence p = HL_ROUTINE;

	hl_precedence_parse(m->precedence, &p);
	o->count += o->now > hl_desk_due(o->d, o->l, false, p, m->time);
	return 0;
}

/* Our messages after the receipted ones, past their receipt deadline. */
static uint64_t late_receipts(struct status *s, const struct hl_link *l, uint64_t acked)
{
	struct counter o = {s->d, l, HL_OURS, s->q->now, 0};

	hl_store_message_each(s->d->st, l->id, HL_OURS, acked, count_late_receipt, &o);
	return o.count;
}

struct cases {
	struct hl_desk *d;
	const struct hl_link *l;
	unsigned open, pending;
};

static int count_case(void *ctx, const struct hl_item *it)
{
	struct cases *cs = ctx;
	struct hl_case c;

	if (hl_case_load(cs->d->st, cs->d->me->card.name, cs->l, it->side, it->seq, &c) < 0)
		return 0;
	if (!strcmp(c.state, "open")) {
		cs->open++;
		cs->pending += c.pending;
	}
	hl_case_free(&c);
	return 0;
}

struct losses {
	uint64_t n, to;
};

static int count_loss(void *ctx, int side, uint64_t seq, int64_t when)
{
	struct losses *ls = ctx;

	(void)side;
	(void)when;
	ls->n++;
	if (seq > ls->to)
		ls->to = seq;
	return 0;
}

struct suspects {
	const struct hl_desk_suspect *sus;
	uint64_t n[HL_ERAS_MAX];	/* by revocation */
};

static int count_suspect(void *ctx, const struct hl_message *m)
{
	struct suspects *c = ctx;
	const struct hl_revocation *r = hl_desk_suspect_of(c->sus, m->seq, m->time);

	if (r)
		c->n[r - c->sus->rv.r]++;
	return 0;
}

/* A side's sign keys revoked less than their window ago, each as
 * {"by", "key", "revoked", "window", "suspect": N}, onto a. */
static int revoked_side(struct status *s, const struct hl_link *l, int side, json_t *a)
{
	struct suspects c = {0};
	struct hl_desk_suspect sus;
	bool recent = false;
	int r = hl_desk_suspect_load(s->d, l, side, &sus);

	for (size_t k = 0; r == 0 && k < sus.rv.n; k++)
		recent |= s->q->now < sus.rv.r[k].at + sus.rv.r[k].window;
	c.sus = &sus;
	if (r == 0 && recent)
		r = hl_store_message_each(s->d->st, l->id, side, 0, count_suspect, &c);
	for (size_t k = 0; r == 0 && recent && k < sus.rv.n; k++) {
		const struct hl_revocation *rv = &sus.rv.r[k];
		char key[9];

		if (s->q->now >= rv->at + rv->window)
			continue;
		snprintf(key, sizeof(key), "%08x", (unsigned)rv->keyid);
		json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:I, s:I}", "by", sus.name,
						   "key", key, "revoked", (json_int_t)rv->at,
						   "window", (json_int_t)rv->window,
						   "suspect", (json_int_t)c.n[k]));
	}
	hl_desk_suspect_free(&sus);
	return r;
}

/* [{...}] of both sides (revoked_side), the peer's first. */
static json_t *key_revoked(struct status *s, const struct hl_link *l)
{
	json_t *a = json_array();

	/* What could be read: status never fails for it. */
	if (a && revoked_side(s, l, HL_THEIRS, a) == 0)
		(void)revoked_side(s, l, HL_OURS, a);
	return a;
}

static const struct hl_courier_link *courier_link(const struct status *s, const char *name)
{
	return hl_courier_find(s->cl, s->ncl, name);
}

/* The courier's part of a link: reachable, attempts, errors, times. */
static void courier_members(json_t *j, const struct hl_link *l,
			    const struct hl_courier_link *cl)
{
	json_object_set_new(j, "reachable", json_string(reach(l, cl)));
	json_object_set_new(j, "last_error", cl && cl->last_error[0] ?
			    json_string(cl->last_error) : json_null());
	json_object_set_new(j, "attempts", json_integer(cl ? cl->attempts : 0));
	json_object_set_new(j, "last_ok", json_integer(cl ? cl->last_ok : 0));
	json_object_set_new(j, "last_attempt", json_integer(cl ? cl->last_attempt : 0));
	json_object_set_new(j, "next_attempt", json_integer(cl ? cl->next_attempt / 1000 : 0));
	if (cl && l->endpoint[0] && cl->last_attempt && cl->pin_mismatch)
		json_object_set_new(j, "pin_mismatch", json_pack("{s:I, s:s, s:s}",
				    "since", (json_int_t)cl->pin_since,
				    "expected", cl->pin_expected, "seen", cl->pin_seen));
}

/* The level of a link from what its object says. */
static int link_level(const json_t *j)
{
	const char *reach = json_string_value(json_object_get(j, "reachable"));

	if (json_integer_value(json_object_get(j, "evidence")) || !strcmp(reach, "pin-mismatch"))
		return LEVEL_CRITICAL;
	if (json_integer_value(json_object_get(j, "overdue_received")) ||
	    json_integer_value(json_object_get(j, "overdue_sent")) ||
	    json_integer_value(json_object_get(j, "late_receipts")) ||
	    json_integer_value(json_object_get(j, "store_losses")) ||
	    json_array_size(json_object_get(j, "key_revoked")) || !strcmp(reach, "no"))
		return LEVEL_WARNING;
	return LEVEL_OK;
}

/* One link, as docs/cli-json.md's hotline status --json has it. */
static int status_link(void *ctx, const struct hl_link *l)
{
	struct status *s = ctx;
	struct hl_store *st = s->d->st;
	uint64_t sent = 0, acked = 0, received = 0, evidence = 0;
	struct cases cs = {s->d, l, 0, 0};
	struct losses loss = {0, 0};
	int64_t last_receipt = 0;
	json_t *j, *state;
	int level;

	if (l->archived)
		return 0;	/* no longer a line of this party's */
	j = json_object();
	hl_store_log_size(st, l->id, HL_OURS, &sent);
	hl_store_cosigned_size(st, l->id, HL_OURS, &acked);
	hl_store_log_size(st, l->id, HL_THEIRS, &received);
	hl_store_evidence_count(st, l->id, &evidence);
	hl_store_event_each(st, l->id, HL_EVENT_STORE_LOSS, count_loss, &loss);
	hl_store_case_each(st, l->id, count_case, &cs);
	if (acked)
		hl_store_checkpoint_get(st, l->id, HL_OURS, acked, NULL, NULL, &last_receipt);
	json_object_set_new(j, "name", json_string(l->name));
	json_object_set_new(j, "peer", json_string(l->card.name));
	json_object_set_new(j, "confirmed", json_boolean(l->confirmed));
	courier_members(j, l, courier_link(s, l->name));
	json_object_set_new(j, "outbox", json_integer((json_int_t)(sent - acked)));
	json_object_set_new(j, "received", json_integer((json_int_t)received));
	json_object_set_new(j, "last_receipt", last_receipt ? json_integer(last_receipt) :
			    json_null());
	json_object_set_new(j, "evidence", json_integer((json_int_t)evidence));
	json_object_set_new(j, "store_losses", json_integer((json_int_t)loss.n));
	json_object_set_new(j, "store_lost_to", json_integer((json_int_t)loss.to));
	json_object_set_new(j, "overdue_received", json_integer((json_int_t)overdue(s, l, HL_THEIRS)));
	json_object_set_new(j, "overdue_sent", json_integer((json_int_t)overdue(s, l, HL_OURS)));
	json_object_set_new(j, "late_receipts", json_integer((json_int_t)late_receipts(s, l, acked)));
	json_object_set_new(j, "cases_open", json_integer(cs.open));
	json_object_set_new(j, "requests_pending", json_integer(cs.pending));
	json_object_set_new(j, "key_revoked", key_revoked(s, l));
	/* A suspension is a state, not a fault: the level does not move. */
	state = hl_desk_link_state(s->d, l->name, s->q->now);
	if (state)
		json_object_update(j, state);
	json_decref(state);
	level = link_level(j);
	json_object_set_new(j, "level", json_string(level_name[level]));
	if (level > s->level)
		s->level = level;
	return json_array_append_new(s->links, j);
}

/* The escalation hooks' last run, when it failed: raises the level. */
static json_t *hook_failing(struct status *s)
{
	struct hl_escalation esc;

	if (hl_store_escalation_failing(s->d->st, &esc) < 0)
		return json_null();
	s->level = LEVEL_CRITICAL;
	return json_pack("{s:s, s:i, s:s, s:I}", "outcome", esc.outcome, "step", (int)esc.step + 1,
			 "event", esc.event, "time", (json_int_t)esc.fired);
}

/* {} -> {"party", "version", "hotlined": true, "level", "links": [...],
 * "hook_failing", "tls"}: the level is "unknown" when the store cannot
 * be read, at least "warning" when our TLS certificate is to be renewed. */
json_t *hl_desk_status_links(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	struct status s = {.d = d, .q = q, .level = LEVEL_OK};
	json_t *hook, *tls;
	bool renew;
	size_t ncl;
	int r;

	if (!hl_desk_args_only(q, e, NULL))
		return NULL;
	/* Room for every link the courier has met (it has no fixed limit). */
	ncl = d->courier ? hl_courier_count(d->courier) : 0;
	s.cl = calloc(ncl + 1, sizeof(*s.cl));
	s.links = json_array();
	if (!s.cl || !s.links) {
		free(s.cl);
		json_decref(s.links);
		return hl_desk_fail(e, 503, "out of memory");
	}
	s.ncl = d->courier ? hl_courier_status(d->courier, s.cl, ncl) : 0;
	r = hl_desk_index(d, e) ? hl_store_link_each(d->st, status_link, &s) : -1;
	free(s.cl);
	hook = hook_failing(&s);
	tls = hl_desk_tls_status(d->me, q->now, &renew);
	if (renew && s.level < LEVEL_WARNING)
		s.level = LEVEL_WARNING;
	/* An alarm is never hidden by not knowing the rest. */
	if (r < 0 && s.level != LEVEL_CRITICAL)
		s.level = LEVEL_UNKNOWN;
	return json_pack("{s:s, s:s, s:b, s:s, s:o, s:o, s:o}", "party", d->me->card.name,
			 "version", HL_VERSION, "hotlined", 1, "level", level_name[s.level],
			 "links", s.links, "hook_failing", hook, "tls", tls);
}
