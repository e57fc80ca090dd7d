/* groupboard.c - the board of a group message, at its owner (issue 13,
 * DESIGN.md decision 12): GET /v1/group/board and GET
 * /v1/group/messages.
 *
 * Each member's envelope is a bilateral message like any other, so its
 * state is read as a link's is: the peer's receipt (the cosignature of
 * the first checkpoint covering its seq, dated by the peer), the
 * acknowledgment (hl_store_acked_by: when, by whom), the deadlines
 * (hl_desk_due), the clock's escalation steps, and the courier's last
 * attempt.  A member removed after the send whose receipt or ack came
 * after its removal is kept and shown "late": never counted as a
 * member's answer.  Each member is counted once by its state in the
 * totals, apart from "receipted", which counts every receipt stored.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "courier.h"
#include "deskcase.h"
#include "deskpriv.h"
#include "error.h"
#include "groupboard.h"
#include "groups.h"
#include "index.h"

#define MESSAGES_MAX 1000	/* messages listed at most */

enum mstate { M_HELD, M_DROPPED, M_SENT, M_RECEIPTED, M_ACKED, M_OVERDUE, M_ESCALATED,
	      M_UNREACHABLE, M_LATE };
static const char *const mstate_name[] = {
	"held", "dropped", "sent", "receipted", "acknowledged", "overdue", "escalated",
	"unreachable", "late",
};

struct totals {
	unsigned n[M_LATE + 1];		/* members by state */
	unsigned members, receipted;
};

/* A link read once per call, by id. */
struct blink {
	int64_t id;
	struct hl_link l;
};

struct board {
	struct hl_desk *d;
	int64_t now;
	struct hl_courier_link *cl;	/* the courier's lanes */
	size_t ncl;
	struct hl_group_member *mem;	/* every membership of the group */
	size_t nmem, capmem;
	int64_t group;
	struct blink *links;
	size_t nlinks, caplinks;
	json_t *rows;			/* NULL: the totals only */
	struct totals t;
};

/* What one member's envelope came to. */
struct mfacts {
	const struct hl_group_envelope *ge;
	const struct hl_link *l;
	int64_t receipt, receipt_due, ack_due;
	bool needs_ack, acked, esc, esc_ack, unreachable;
	struct hl_item ack;
	struct hl_escalation_step last;
	const struct hl_courier_link *cl;
	int64_t removed;
	const char *late;		/* "ack", "receipt" or NULL */
	const char *overdue;		/* "receipt", "ack" or NULL */
};

static json_t *time_json(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

static void board_free(struct board *b)
{
	for (size_t i = 0; i < b->nlinks; i++)
		hl_link_free(&b->links[i].l);
	free(b->links);
	free(b->mem);
	free(b->cl);
}

/* The courier's lanes, all of them however many there are. */
static int courier_lanes(struct board *b)
{
	size_t cap = 256;

	if (!b->d->courier)
		return 0;
	for (;;) {
		b->cl = calloc(cap, sizeof(*b->cl));
		if (!b->cl)
			return -ENOMEM;
		b->ncl = hl_courier_status(b->d->courier, b->cl, cap);
		if (b->ncl < cap)
			return 0;
		free(b->cl);
		cap *= 2;
	}
}

static int add_membership(void *ctx, const struct hl_group_member *m)
{
	struct board *b = ctx;

	if (b->nmem == b->capmem) {
		size_t cap = b->capmem ? 2 * b->capmem : 16;
		struct hl_group_member *p = realloc(b->mem, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		b->mem = p;
		b->capmem = cap;
	}
	b->mem[b->nmem++] = *m;
	return 0;
}

/* The memberships of group, once per call. */
static int memberships(struct board *b, int64_t group)
{
	if (b->mem && b->group == group)
		return 0;
	b->nmem = 0;
	b->group = group;
	return hl_store_group_members(b->d->st, group, true, add_membership, b);
}

/* When the membership that the envelope went under ended; 0 while it
 * lasts. */
static int64_t removed_at(const struct board *b, const struct hl_group_envelope *ge)
{
	for (size_t i = 0; i < b->nmem; i++) {
		const struct hl_group_member *m = &b->mem[i];

		if (m->link == ge->link && m->added <= ge->time &&
		    (!m->removed || m->removed > ge->time))
			return m->removed;
	}
	return 0;
}

/* The link of id, read once per call; NULL on a store error. */
static const struct hl_link *board_link(struct board *b, int64_t id, const char *name)
{
	struct blink *bl;

	for (size_t i = 0; i < b->nlinks; i++)
		if (b->links[i].id == id)
			return &b->links[i].l;
	if (b->nlinks == b->caplinks) {
		size_t cap = b->caplinks ? 2 * b->caplinks : 16;

		bl = realloc(b->links, cap * sizeof(*bl));
		if (!bl)
			return NULL;
		b->links = bl;
		b->caplinks = cap;
	}
	bl = &b->links[b->nlinks];
	if (hl_store_link_get(b->d->st, name, &bl->l) < 0)
		return NULL;
	bl->id = id;
	b->nlinks++;
	return &bl->l;
}

/* When the peer's receipt covering our seq was made, by its
 * cosignature; 0 while none is stored. */
static int64_t receipt_time(struct hl_store *st, int64_t link, uint64_t seq)
{
	uint64_t size = 0;
	int64_t when = 0;

	if (hl_store_cosigned_covering(st, link, HL_OURS, seq, &size) < 0 ||
	    hl_store_checkpoint_get(st, link, HL_OURS, size, NULL, NULL, &when) < 0)
		return 0;
	return when;
}

/* Whether the member's answer at t came after its membership ended. */
static bool after_removal(struct board *b, const struct hl_group_envelope *ge, int64_t t)
{
	bool member = true;

	return t && hl_store_group_member_at(b->d->st, ge->group, ge->link, t, &member) == 0 &&
	       !member;
}

static void courier_facts(const struct board *b, struct mfacts *f)
{
	f->cl = hl_courier_find(b->cl, b->ncl, f->l->name);
	if (f->cl)
		f->unreachable = !f->cl->reachable && !f->receipt;
}

/* What the store, the clock and the courier say of one sent envelope. */
static void facts(struct board *b, struct mfacts *f)
{
	const struct hl_group_envelope *ge = f->ge;
	struct hl_escalation_step ea;
	struct hl_store *st = b->d->st;

	f->receipt = receipt_time(st, ge->link, ge->seq);
	f->acked = hl_store_acked_by(st, ge->link, HL_OURS, ge->seq, &f->ack) == 0;
	f->needs_ack = hl_kind_needs_ack(ge->kind, ge->precedence);
	f->receipt_due = hl_desk_due(b->d, f->l, false, ge->precedence, ge->time);
	f->ack_due = f->needs_ack ? hl_desk_due(b->d, f->l, true, ge->precedence, ge->time) : 0;
	f->esc = hl_store_escalation_last(st, ge->link, HL_OURS, ge->seq, NULL, &f->last) == 0;
	f->esc_ack = f->esc && hl_store_escalation_last(st, ge->link, HL_OURS, ge->seq,
							"peer-ack-overdue", &ea) == 0;
	courier_facts(b, f);
	f->removed = removed_at(b, ge);
	if (f->acked && after_removal(b, ge, f->ack.time))
		f->late = "ack";
	else if (f->receipt && after_removal(b, ge, f->receipt))
		f->late = "receipt";
	if (!f->receipt && b->now > f->receipt_due)
		f->overdue = "receipt";
	else if (f->needs_ack && !f->acked && b->now > f->ack_due)
		f->overdue = "ack";
}

/* One state a member: its answer first, then what stands in its way. */
static enum mstate state_of(const struct mfacts *f)
{
	if (f->late)
		return M_LATE;
	if (f->acked)
		return M_ACKED;
	if (f->receipt)
		return f->esc_ack ? M_ESCALATED : f->overdue ? M_OVERDUE : M_RECEIPTED;
	if (f->unreachable)
		return M_UNREACHABLE;
	return f->esc ? M_ESCALATED : f->overdue ? M_OVERDUE : M_SENT;
}

static json_t *escalation_json(const struct board *b, const struct mfacts *f)
{
	const struct hl_config *conf = &b->d->me->conf;
	json_t *j;

	if (!f->esc)
		return json_null();
	j = json_pack("{s:s, s:i, s:s, s:I}", "event", f->last.event, "step",
		      (int)f->last.step + 1, "status", f->last.status, "fired",
		      (json_int_t)f->last.fired);
	if (j && f->last.step < conf->nladder)
		json_object_set_new(j, "step_name", json_string(conf->ladder[f->last.step]));
	return j;
}

static json_t *courier_json(const struct mfacts *f)
{
	if (!f->cl)
		return json_null();
	return json_pack("{s:b, s:o, s:o, s:i, s:s}", "reachable", f->cl->reachable,
			 "last_ok", time_json(f->cl->last_ok), "last_attempt",
			 time_json(f->cl->last_attempt), "attempts", (int)f->cl->attempts,
			 "last_error", f->cl->last_error);
}

static json_t *ack_json(const struct mfacts *f)
{
	char id[HL_MSGID_MAX + 1];

	if (!f->acked)
		return json_null();
	hl_msgid_format(f->l->name, HL_THEIRS, f->ack.seq, id);
	return json_pack("{s:I, s:s, s:s, s:s, s:s}", "time", (json_int_t)f->ack.time,
			 "operator", f->ack.op_name, "role", f->ack.op_role, "by", f->ack.type,
			 "id", id);
}

/* A sent member's row: {"link", "seq", "id", "state", "late", "late_what",
 * "overdue", "sent", "receipted", "receipt_due", "acknowledged",
 * "ack_due", "ack", "escalation", "courier", "removed", "held"?}: "held"
 * when it was held on a suspended link before it went. */
static json_t *sent_row(const struct board *b, const struct mfacts *f, enum mstate s)
{
	char id[HL_MSGID_MAX + 1];
	json_t *j;

	hl_msgid_format(f->l->name, HL_OURS, f->ge->seq, id);
	j = json_pack("{s:s, s:I, s:s, s:s, s:b, s:o, s:o, s:I, s:o, s:I, s:o, s:o}",
		      "link", f->l->name, "seq", (json_int_t)f->ge->seq, "id", id,
		      "state", mstate_name[s], "late", f->late != NULL,
		      "late_what", f->late ? json_string(f->late) : json_null(),
		      "overdue", f->overdue ? json_string(f->overdue) : json_null(),
		      "sent", (json_int_t)f->ge->time, "receipted", time_json(f->receipt),
		      "receipt_due", (json_int_t)f->receipt_due,
		      "acknowledged", time_json(f->acked ? f->ack.time : 0),
		      "ack_due", time_json(f->ack_due));
	if (!j)
		return NULL;
	json_object_set_new(j, "ack", ack_json(f));
	json_object_set_new(j, "escalation", escalation_json(b, f));
	json_object_set_new(j, "courier", courier_json(f));
	json_object_set_new(j, "removed", time_json(f->removed));
	if (f->ge->held) {
		char held[HL_MSGID_MAX + 32];

		snprintf(held, sizeof(held), "%s/held/%lld", f->l->name, (long long)f->ge->held);
		json_object_set_new(j, "held", json_string(held));
	}
	return j;
}

/* A member whose message is held on its suspended link (or was held
 * and then dropped by an operator). */
static int held_member(struct board *b, const struct hl_group_envelope *ge)
{
	char id[HL_MSGID_MAX + 32];
	bool waiting = false;
	enum mstate s;
	int r = hl_store_held_waiting(b->d->st, ge->held, &waiting);

	if (r < 0)
		return r;
	s = waiting ? M_HELD : M_DROPPED;
	b->t.n[s]++;
	if (!b->rows)
		return 0;
	snprintf(id, sizeof(id), "%s/held/%lld", ge->link_name, (long long)ge->held);
	return json_array_append_new(b->rows, json_pack("{s:s, s:s, s:s, s:I, s:b, s:o}",
			"link", ge->link_name, "held", id, "state", mstate_name[s],
			"sent", (json_int_t)ge->time, "late", 0,
			"removed", time_json(removed_at(b, ge)))) < 0 ? -ENOMEM : 0;
}

static int member(void *ctx, const struct hl_group_envelope *ge)
{
	struct board *b = ctx;
	struct mfacts f = {.ge = ge};
	enum mstate s;
	int r = memberships(b, ge->group);

	if (r < 0)
		return r;
	b->t.members++;
	if (!ge->seq)
		return held_member(b, ge);
	f.l = board_link(b, ge->link, ge->link_name);
	if (!f.l)
		return -HL_ESTORE;
	facts(b, &f);
	s = state_of(&f);
	b->t.n[s]++;
	b->t.receipted += f.receipt && !f.late;
	if (!b->rows)
		return 0;
	return json_array_append_new(b->rows, sent_row(b, &f, s)) < 0 ? -ENOMEM : 0;
}

/* {"members", "receipted", "acknowledged", "overdue", "escalated",
 * "unreachable", "held", "late", "sent", "waiting", "dropped"}: each
 * member counted once by its state, "waiting" being those sent or
 * receipted within their deadlines ("sent": not yet receipted); but
 * "receipted" counts every receipt stored, whatever the state, late
 * ones apart. */
static json_t *totals_json(const struct totals *t)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}",
			 "members", (int)t->members, "receipted", (int)t->receipted,
			 "acknowledged", (int)t->n[M_ACKED], "overdue", (int)t->n[M_OVERDUE],
			 "escalated", (int)t->n[M_ESCALATED],
			 "unreachable", (int)t->n[M_UNREACHABLE], "held", (int)t->n[M_HELD],
			 "late", (int)t->n[M_LATE], "sent", (int)t->n[M_SENT],
			 "waiting", (int)(t->n[M_SENT] + t->n[M_RECEIPTED]),
			 "dropped", (int)t->n[M_DROPPED]);
}

/* The head of a group message: {"id", "group", "kind", "precedence",
 * "time", "operator", "case"?}. */
static json_t *head_json(const struct hl_desk *d, const struct hl_group_envelope *ge)
{
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s}", "id", ge->gid, "group",
			      ge->group_name, "kind", ge->kind, "precedence",
			      hl_precedence_name(ge->precedence), "time", (json_int_t)ge->time,
			      "operator", ge->op);

	if (j && ge->case_no) {
		char cid[HL_CASE_ID_MAX + 1];

		hl_case_id(d->me->card.name, ge->case_no, cid);
		json_object_set_new(j, "case", json_string(cid));
	}
	return j;
}

struct first {
	struct hl_group_envelope ge;
	bool found;
};

static int take_first(void *ctx, const struct hl_group_envelope *ge)
{
	struct first *f = ctx;

	if (!f->found)
		f->ge = *ge;
	f->found = true;
	return 0;
}

/* The board of gid into b (rows when b->rows); its head, or NULL with
 * e filled. */
static json_t *board_of(struct board *b, const char *gid, struct hl_desk_err *e)
{
	struct first f = {0};
	int r = hl_store_group_envelopes(b->d->st, gid, take_first, &f);

	if (r == 0 && f.found)
		r = hl_store_group_envelopes(b->d->st, gid, member, b);
	if (r < 0)
		return hl_desk_fail_code(e, r, gid);
	if (!f.found)
		return hl_desk_fail(e, 404, "no group message %s was sent by this party "
				    "('hotline group messages GROUP' lists them)", gid);
	return head_json(b->d, &f.ge);
}

/* The group named by "group"; false with e filled. */
static bool named_group(struct hl_desk *d, const char *name, struct hl_group *g,
			struct hl_desk_err *e)
{
	int r = hl_store_group_get(d->st, name, g);

	if (r == -ENOENT)
		hl_desk_fail(e, 404, "no group is named %s ('hotline group list' shows them)", name);
	else if (r < 0)
		hl_desk_fail_code(e, r, name);
	return r == 0;
}

/* The id of the latest message to the group named name into gid;
 * false with e filled. */
static bool latest(struct hl_desk *d, const char *name, char gid[HL_GROUP_ID_HEX + 1],
		   struct hl_desk_err *e)
{
	struct first f = {0};
	struct hl_group g;
	int r;

	if (!named_group(d, name, &g, e))
		return false;
	r = hl_store_group_messages(d->st, g.id, 1, take_first, &f);
	if (r < 0)
		hl_desk_fail_code(e, r, name);
	else if (!f.found)
		hl_desk_fail(e, 404, "nothing was sent to group %s yet", name);
	else
		memcpy(gid, f.ge.gid, HL_GROUP_ID_HEX + 1);
	return r == 0 && f.found;
}

/* The message id asked for: "id", or the latest to "group"; false with
 * e filled. */
static bool board_id(struct hl_desk *d, const struct hl_desk_req *q,
		     char gid[HL_GROUP_ID_HEX + 1], struct hl_desk_err *e)
{
	const char *id = NULL, *group = NULL;

	if (!hl_desk_args_only(q, e, "id", "group", NULL) ||
	    !hl_desk_arg_str(q, "id", &id, e) || !hl_desk_arg_str(q, "group", &group, e))
		return false;
	if (!id == !group) {
		hl_desk_fail(e, 400, "give a group message's id, or a group for its latest "
			     "message (not both)");
		return false;
	}
	if (group)
		return latest(d, group, gid, e);
	if (!hl_content_group_id_valid(id, strlen(id))) {
		hl_desk_fail(e, 400, "%s: not a group message id (32 lowercase hex digits)", id);
		return false;
	}
	memcpy(gid, id, HL_GROUP_ID_HEX + 1);
	return true;
}

/* GET /v1/group/board?id=GID or ?group=NAME (its latest message): the
 * head of the message (head_json), "members" in link-name order
 * (sent_row, or {"link", "held", "state", "sent", "late", "removed"})
 * and "totals" (totals_json).  docs/api.md, "The board of a group
 * message". */
json_t *hl_desk_group_board(struct hl_desk *d, const struct hl_desk_req *q,
			    struct hl_desk_err *e)
{
	struct board b = {.d = d, .now = q->now};
	char gid[HL_GROUP_ID_HEX + 1];
	json_t *res = NULL;

	if (!board_id(d, q, gid, e) || !hl_desk_index(d, e))
		return NULL;
	b.rows = json_array();
	if (!b.rows || courier_lanes(&b) < 0) {
		hl_desk_fail(e, 503, "out of memory");
		goto out;
	}
	res = board_of(&b, gid, e);
	if (res) {
		json_object_set(res, "members", b.rows);
		json_object_set_new(res, "totals", totals_json(&b.t));
	}
out:
	json_decref(b.rows);
	board_free(&b);
	return res;
}

struct listing {
	struct board *b;
	json_t *list;
	struct hl_desk_err *e;
};

static int list_one(void *ctx, const struct hl_group_envelope *ge)
{
	struct listing *ls = ctx;
	json_t *head;

	memset(&ls->b->t, 0, sizeof(ls->b->t));
	head = board_of(ls->b, ge->gid, ls->e);
	if (!head)
		return -EIO;
	json_object_set_new(head, "totals", totals_json(&ls->b->t));
	return json_array_append_new(ls->list, head) < 0 ? -ENOMEM : 0;
}

/* GET /v1/group/messages?group=NAME[&limit=N]: {"group", "messages":
 * [head_json with "totals"]}, newest first, at most limit (50 unless
 * given, up to 1000). */
json_t *hl_desk_group_messages(struct hl_desk *d, const struct hl_desk_req *q,
			       struct hl_desk_err *e)
{
	struct board b = {.d = d, .now = q->now};
	struct listing ls = {.b = &b, .e = e};
	uint64_t limit = 50;
	const char *name = NULL;
	struct hl_group g;
	json_t *res = NULL;
	int r;

	if (!hl_desk_args_only(q, e, "group", "limit", NULL) ||
	    !hl_desk_arg_need(q, "group", &name, e) ||
	    !hl_desk_arg_u64(q, "limit", &limit, NULL, e) || !named_group(d, name, &g, e) ||
	    !hl_desk_index(d, e))
		return NULL;
	if (limit == 0 || limit > MESSAGES_MAX)
		return hl_desk_fail(e, 400, "limit: give 1 to %d", MESSAGES_MAX);
	ls.list = json_array();
	r = ls.list ? courier_lanes(&b) : -ENOMEM;
	if (r == 0)
		r = hl_store_group_messages(d->st, g.id, (unsigned)limit, list_one, &ls);
	if (r == 0)
		res = json_pack("{s:s, s:O}", "group", g.name, "messages", ls.list);
	else if (r != -EIO)
		hl_desk_fail_code(e, r, name);
	json_decref(ls.list);
	board_free(&b);
	return res;
}
