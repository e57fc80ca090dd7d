/* clock.c - find what is late and escalate it, step by step.
 *
 * The open deadlines live in the store handle's own pending table,
 * ordered by when each next needs a look: a tick adds what arrived
 * since the last (every message of the history on the first), and only
 * entries due are read again, so a tick costs what is new and what is
 * due, not the history.  An entry due is looked at once more just
 * before its step runs (still unreceipted, unacknowledged?), then runs
 * the highest step now due, and the lower ones not run are recorded
 * skipped.  The hooks run side by side (hook.c), HOOKS_PER_LINK at most
 * for one link, so that a link with a backlog of slow hooks keeps no
 * other's step waiting; the thread never waits for a hook to end: it
 * starts them, waits on them and on its tick, never longer than a tick,
 * on CLOCK_MONOTONIC, and collects those that ended.  A lane for each
 * link, as many as there are links, keyed by the link's id.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "check.h"
#include "clock.h"
#include "error.h"
#include "events.h"
#include "groupmsg.h"
#include "held.h"
#include "hook.h"
#include "index.h"
#include "keyring.h"
#include "keys.h"
#include "linkterms.h"
#include "log.h"
#include "msgid.h"
#include "peer.h"
#include "store.h"

#define TICK_MS 1000
#define INDEX_EVERY_MS 200	/* new acks are looked for this often at most */
#define HOOKS_AT_ONCE 64
#define HOOKS_PER_LINK 8	/* one link's share: its backlog never holds them all */
#define CHECK_RETRY_S 60	/* after a scheduled check failed to append */
#define BATCH 256		/* messages read, or entries taken, at a time */

/* What the clock knows of a link between ticks. */
struct lane {
	int64_t id;
	char name[HL_NAME_MAX + 1];
	bool confirmed;
	uint64_t seen[2];	/* messages added to pending, by side */
	int64_t check_retry;	/* no scheduled check before, after a failure */
	int64_t pin_since;	/* the pin mismatch escalated, 0 none */
	/* The terms the two parties agreed (protocol.md 8.13), read again
	 * when a terms message was added to pending: their deadlines
	 * replace hotline.conf's for the messages dated after each. */
	struct hl_link_terms terms;
	bool terms_stale;
	bool peer_new;		/* a message of the peer to index (group_reused) */
	bool terms_read;	/* read once: a new version is news */
	bool peer_archived;	/* the peer's archive message came (8.15) */
	bool archived;		/* nothing of the link escalates any more */
	unsigned hooks;		/* its steps whose hooks run */
	/* Entries put off while its share was taken, looked at again at
	 * once when one of its hooks ends (the others a second later):
	 * room for HOOKS_PER_LINK, made when the share is first taken. */
	struct hl_pending *parked;
	unsigned nparked;
	int64_t indexed;	/* CLOCK_MONOTONIC ms of its last index update */
};

/* The lanes, one for each link seen, as many as there are links: each
 * its own allocation (a lane stays where it is as the table grows), in
 * the order first seen, and an index by link id, open addressing in a
 * power of two of slots at most half full (1 + the lane's place; 0 for
 * an empty slot).  Lanes are never removed. */
struct lanes {
	struct lane **v;
	size_t n, cap;
	size_t *slot;
	size_t nslot;
};

struct hl_clock {
	const struct hl_party *me;	/* keys and card: the one party in memory */
	const struct hl_config *conf;	/* the settings of the last (re)load */
	struct hl_store *st;
	struct hl_courier *courier;
	struct hl_hooks *hooks;
	pthread_t thread;
	pthread_mutex_t lock;
	bool stopping, started;
	struct lanes lanes;
};

/* One step under way: what the hooks were told, for the log and the
 * record when they end. */
struct step {
	int64_t link;
	char link_name[HL_NAME_MAX + 1];
	int side;
	uint64_t seq;
	char event[32];
	unsigned step;
	int64_t late;
	char id[HL_NAME_MAX + 32];	/* ru-cert/1, ru-cert/out/1 */
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool stopping(struct hl_clock *c)
{
	bool s;

	pthread_mutex_lock(&c->lock);
	s = c->stopping;
	pthread_mutex_unlock(&c->lock);
	return s;
}

static size_t slot_of(int64_t id, size_t nslot)
{
	uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 32) & (nslot - 1);
}

static struct lane *lane_by_id(const struct hl_clock *c, int64_t id)
{
	const struct lanes *ls = &c->lanes;

	for (size_t i = ls->nslot ? slot_of(id, ls->nslot) : 0; ls->nslot && ls->slot[i];
	     i = (i + 1) & (ls->nslot - 1))
		if (ls->v[ls->slot[i] - 1]->id == id)
			return ls->v[ls->slot[i] - 1];
	return NULL;
}

/* Indexes the lanes again in nslot slots. */
static int lanes_index(struct lanes *ls, size_t nslot)
{
	size_t *slot = calloc(nslot, sizeof(*slot));

	if (!slot)
		return -ENOMEM;
	for (size_t k = 0; k < ls->n; k++) {
		size_t i = slot_of(ls->v[k]->id, nslot);

		while (slot[i])
			i = (i + 1) & (nslot - 1);
		slot[i] = k + 1;
	}
	free(ls->slot);
	ls->slot = slot;
	ls->nslot = nslot;
	return 0;
}

/* Adds ln to the lanes and to the index. */
static int lanes_add(struct lanes *ls, struct lane *ln)
{
	size_t i;

	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? 2 * ls->cap : 16;
		struct lane **v = realloc(ls->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ls->v = v;
		ls->cap = cap;
	}
	ls->v[ls->n++] = ln;
	if (2 * ls->n > ls->nslot) {
		if (lanes_index(ls, ls->nslot ? 2 * ls->nslot : 32) == 0)
			return 0;
		ls->n--;
		return -ENOMEM;
	}
	for (i = slot_of(ln->id, ls->nslot); ls->slot[i]; i = (i + 1) & (ls->nslot - 1))
		;
	ls->slot[i] = ls->n;
	return 0;
}

static void lanes_free(struct lanes *ls)
{
	for (size_t i = 0; i < ls->n; i++) {
		hl_link_terms_free(&ls->v[i]->terms);
		free(ls->v[i]->parked);
		free(ls->v[i]);
	}
	free(ls->v);
	free(ls->slot);
}

/* The lane of l, made at its first sight; NULL only without memory. */
static struct lane *lane_of(struct hl_clock *c, const struct hl_link *l)
{
	struct lane *ln = lane_by_id(c, l->id);

	if (!ln) {
		ln = malloc(sizeof(*ln));
		if (!ln)
			return NULL;
		*ln = (struct lane){.id = l->id, .terms_stale = true};
		snprintf(ln->name, sizeof(ln->name), "%s", l->name);
		if (lanes_add(&c->lanes, ln) < 0) {
			free(ln);
			return NULL;
		}
	}
	ln->confirmed = l->confirmed;
	return ln;
}

/* ---- the record of each step ---- */

static void record(struct hl_clock *c, const struct step *s, const char *status,
		   const char *outcome)
{
	const char *name = s->step < c->conf->nladder ? c->conf->ladder[s->step] : "";

	if (hl_store_escalation_done(c->st, s->link, s->side, s->seq, s->event, s->step,
				     status, outcome) < 0)
		log_warn("escalation: store: %s", hl_store_errmsg(c->st));
	hl_event("escalation", json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:I}",
		 "link", s->link_name, "event", s->event, "message", s->id,
		 "step", (int)s->step + 1, "step_name", name, "status", status,
		 "outcome", outcome, "late_seconds", (json_int_t)s->late));
}

/* The hooks of s ended, or are abandoned: a place in its link's share
 * is free, for an entry put off, if one was (ended only: nothing runs
 * after abandoned). */
static void hooks_out(struct hl_clock *c, const struct step *s, bool next)
{
	struct lane *ln = lane_by_id(c, s->link);

	if (!ln)
		return;
	if (ln->hooks)
		ln->hooks--;
	if (next && ln->nparked)
		hl_store_pending_set(c->st, &ln->parked[--ln->nparked], (int64_t)time(NULL));
}

static void ended(void *ctx, void *tag, const struct hl_hook_result *r)
{
	struct hl_clock *c = ctx;
	struct step *s = tag;
	const char *name = s->step < c->conf->nladder ? c->conf->ladder[s->step] : "";

	log_warn("escalation: %s %s, %lld s late: step %u (%s)%s%s", s->event, s->id,
		 (long long)s->late, s->step + 1, name, r->what[0] ? ": " : "", r->what);
	if (r->failed)
		log_warn("escalation hook failing: %s (step %u of %s %s)", r->what, s->step + 1,
			 s->event, s->id);
	record(c, s, r->failed ? "failed" : "ok", r->what);
	hooks_out(c, s, true);
	free(s);
}

static void abandoned(void *ctx, void *tag)
{
	struct hl_clock *c = ctx;
	struct step *s = tag;

	log_info("escalation: %s %s: step %u abandoned as hotlined stops", s->event, s->id,
		 s->step + 1);
	record(c, s, "abandoned", "hotlined stopped");
	hooks_out(c, s, false);
	free(s);
}

/* ---- new messages into pending ---- */

struct batch {
	struct hl_message m[BATCH];
	size_t n;
};

static int take(void *ctx, const struct hl_message *m)
{
	struct batch *b = ctx;

	b->m[b->n++] = *m;
	return b->n == BATCH;
}

/* The events m may come to: receipt-overdue for ours not receipted,
 * an ack event when its kind needs an acknowledgment. */
static void add(struct hl_clock *c, struct lane *ln, int side, const struct hl_message *m,
		uint64_t receipted)
{
	const struct hl_config *conf = c->conf;
	enum hl_precedence p = HL_ROUTINE;
	struct hl_pending e = {.link = ln->id, .side = side, .seq = m->seq};
	int r = 0;

	hl_precedence_parse(m->precedence, &p);
	if (!strncmp(m->kind, "terms", 5) || !strcmp(m->kind, "suspend") ||
	    !strcmp(m->kind, "resume"))
		ln->terms_stale = true;
	if (side == HL_THEIRS && !strcmp(m->kind, "archive"))
		ln->peer_archived = true;
	if (side == HL_THEIRS)
		ln->peer_new = true;
	if (side == HL_OURS && m->seq > receipted) {
		snprintf(e.event, sizeof(e.event), "receipt-overdue");
		e.deadline = hl_link_terms_due(&ln->terms, conf, ln->name, false, p, m->time);
		r = hl_store_pending_put(c->st, &e);
	}
	if (r == 0 && hl_kind_needs_ack(m->kind, p)) {
		snprintf(e.event, sizeof(e.event), "%s",
			 side == HL_THEIRS ? "ack-overdue" : "peer-ack-overdue");
		e.deadline = hl_link_terms_due(&ln->terms, conf, ln->name, true, p, m->time);
		r = hl_store_pending_put(c->st, &e);
	}
	if (r < 0)
		log_warn("clock: pending: %s", hl_store_errmsg(c->st));
}

/* Adds what arrived on ln since the last look.  Read in batches and
 * written after each: a write inside the read would fail once another
 * connection has committed. */
static void scan(struct hl_clock *c, struct lane *ln, struct batch *b)
{
	for (int side = HL_OURS; side <= HL_THEIRS && !stopping(c); side++) {
		uint64_t receipted = 0;

		hl_store_cosigned_size(c->st, ln->id, HL_OURS, &receipted);
		do {
			b->n = 0;
			if (hl_store_message_each(c->st, ln->id, side, ln->seen[side], take, b) < 0)
				log_warn("clock: store: %s", hl_store_errmsg(c->st));
			for (size_t i = 0; i < b->n; i++)
				add(c, ln, side, &b->m[i], receipted);
			if (b->n)
				ln->seen[side] = b->m[b->n - 1].seq;
		} while (b->n == BATCH && !stopping(c));
	}
}

/* ---- the check schedule ---- */

/* Sends a check on l when none went out for check.every.  The check is
 * appended on the clock's own store handle, not through the writer:
 * hl_check_send commits in one BEGIN IMMEDIATE transaction that numbers
 * the envelope inside it, so it serialises with the writer's group
 * commits and the CLI as every writer of the database does, and the
 * clock stays free of the writer's lifetime.  Then the courier is woken,
 * as the writer does after a commit. */
static void schedule(struct hl_clock *c, struct lane *ln, const struct hl_link *l)
{
	const struct hl_config *conf = c->conf;
	int64_t every = hl_config_check_every(conf, l->name), now = (int64_t)time(NULL);
	enum hl_precedence prec = conf->check_precedence;
	int64_t last = 0;
	uint64_t after = 0, seq = 0;
	int r;

	hl_terms_checks(ln->terms.v, ln->terms.nv, now, &every, &prec);
	if (!every || now < ln->check_retry)
		return;
	if (hl_check_last(c->st, l->id, &after, &last) < 0) {
		log_warn("clock: check schedule of %s: %s", l->name, hl_store_errmsg(c->st));
		return;
	}
	if (last && now < last + every)
		return;
	r = hl_check_send(c->st, c->me, l, prec, now, &seq);
	if (r < 0) {
		log_warn("clock: scheduled check to %s: %s", l->name,
			 r == -HL_ESTORE ? hl_store_errmsg(c->st) : hl_strerror(r));
		ln->check_retry = now + CHECK_RETRY_S;
		return;
	}
	log_info("check sent to %s as %s/out/%llu", l->name, l->name, (unsigned long long)seq);
	hl_event_message(l->name, true, seq, "check", hl_precedence_name(prec), now, NULL);
	hl_courier_wake(c->courier, l->name);
}

/* ---- a pin mismatch ---- */

/* Starts the pin-mismatch event of a courier link once per incident
 * (the courier's since); a full set of hooks tries again next tick. */
static void pin_alarm(struct hl_clock *c, struct lane *ln, const struct hl_courier_link *cl)
{
	const struct hl_config *conf = c->conf;
	char since[HL_TIME_LEN + 1];
	struct step *s;
	bool done = false;
	json_t *j;
	char *json;

	if (!cl->pin_mismatch || ln->pin_since == cl->pin_since || hl_hooks_full(c->hooks))
		return;
	/* Once per incident, also across a restart of the clock alone. */
	ln->pin_since = cl->pin_since;
	if (hl_store_escalated(c->st, ln->id, HL_OURS, (uint64_t)cl->pin_since, "pin-mismatch",
			       0, &done) < 0 || done)
		return;
	s = calloc(1, sizeof(*s));
	if (!s)
		return;
	*s = (struct step){.link = ln->id, .side = HL_OURS, .seq = (uint64_t)cl->pin_since,
			   .step = 0};
	snprintf(s->event, sizeof(s->event), "pin-mismatch");
	snprintf(s->id, sizeof(s->id), "%s", ln->name);
	snprintf(s->link_name, sizeof(s->link_name), "%s", ln->name);
	hl_time_format(cl->pin_since, since);
	j = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s}", "party", c->me->card.name,
		      "event", s->event, "link", ln->name, "step", 1, "step_name",
		      conf->ladder[0], "expected", cl->pin_expected, "seen", cl->pin_seen,
		      "since", since);
	json = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	hl_store_escalation_put(c->st, s->link, s->side, s->seq, s->event, 0,
				(int64_t)time(NULL), "running");
	if (!json || hl_hooks_start(c->hooks, s->event, json, s) < 0) {
		record(c, s, "failed", "cannot start the hooks");
		free(s);
	} else {
		ln->hooks++;
	}
	free(json);
}

/* The courier's links, as many as it has: room for the lanes and some
 * more, twice as much again while that is full. */
static void pin_alarms(struct hl_clock *c)
{
	size_t max = c->lanes.n + 16, n = 0;
	struct hl_courier_link *cl = NULL;

	for (;;) {
		void *p = realloc(cl, max * sizeof(*cl));

		if (!p)
			break;
		cl = p;
		n = hl_courier_status(c->courier, cl, max);
		if (n < max)
			break;
		max *= 2;
	}
	for (size_t i = 0; cl && i < n; i++)
		for (size_t k = 0; cl[i].pin_mismatch && k < c->lanes.n; k++)
			if (strcmp(c->lanes.v[k]->name, cl[i].name) == 0)
				pin_alarm(c, c->lanes.v[k], &cl[i]);
	free(cl);
}

/* ---- the tick ---- */

struct tick {
	struct hl_clock *c;
	struct batch *b;
};

/* Says when the peer suspended or resumed l, as the fold now says. */
static void peer_suspension(struct lane *ln, const struct hl_link *l, const struct hl_link_terms *t)
{
	struct hl_fold was = {.s = ln->terms.s, .ns = ln->terms.ns}, is = {.s = t->s, .ns = t->ns};
	int64_t now = (int64_t)time(NULL);
	const struct hl_suspension *a = hl_suspended_by(&was, HL_THEIRS, now);
	const struct hl_suspension *b = hl_suspended_by(&is, HL_THEIRS, now);
	uint64_t resume_seq = 0;

	if (!ln->terms_read || (a ? a->seq : 0) == (b ? b->seq : 0))
		return;
	for (size_t i = 0; a && i < t->ns; i++)
		if (t->s[i].side == HL_THEIRS && t->s[i].seq == a->seq)
			resume_seq = t->s[i].resume_seq;
	log_info("clock: %s %s the link", l->name, b ? "suspended" : "resumed");
	hl_event("suspension", json_pack("{s:s, s:s, s:s, s:I}", "link", l->name, "action",
					 b ? "suspended" : "resumed", "by", l->name, "seq",
					 (json_int_t)(b ? b->seq : resume_seq)));
}

/* Seals the messages held on l once no suspension is in force: all of
 * them, in the order held, in one transaction (protocol.md 8.14). */
static void release_held(struct hl_clock *c, struct lane *ln, const struct hl_link *l)
{
	const struct hl_suspension *in[2];
	int64_t now = (int64_t)time(NULL);
	uint64_t held = 0, n = 0, first = 0;
	int r;

	if (l->archiving || hl_store_held_count(c->st, l->id, &held) < 0 || !held ||
	    !ln->terms_read ||
	    hl_link_suspensions(&ln->terms, now, in))
		return;
	r = hl_store_held_release(c->st, c->me, l, now, &n, &first);
	if (r < 0) {
		log_warn("clock: held messages to %s: %s", l->name,
			 r == -HL_ESTORE ? hl_store_errmsg(c->st) : hl_strerror(r));
		return;
	}
	log_info("clock: %s: no suspension in force: %llu held message%s sent as %s/out/%llu..%llu", l->name,
		 (unsigned long long)n, n == 1 ? "" : "s", l->name, (unsigned long long)first,
		 (unsigned long long)(first + n - 1));
	hl_event("suspension", json_pack("{s:s, s:s, s:I, s:I}", "link", l->name, "action",
					 "released", "count", (json_int_t)n, "first",
					 (json_int_t)first));
	hl_courier_wake(c->courier, l->name);
}

/* Whether a verdict of the fold (core/terms.c) is one of what a
 * control message may do, rather than why it counts for nothing. */
static bool counts(const char *verdict)
{
	static const char *const fine[] = {
		"counts", "open", "accepted", "declined", "replaced", "stale",
	};

	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
		if (strcmp(verdict, fine[i]) == 0)
			return true;
	return false;
}

/* The verdict the last read gave message (side, seq), or NULL. */
static const char *verdict_was(const struct hl_link_terms *was, int side, uint64_t seq)
{
	for (size_t i = 0; i < was->n; i++)
		if (was->it[i].side == side && was->it[i].seq == seq)
			return was->it[i].verdict;
	return NULL;
}

/* Says of each control message that now counts for nothing, and did
 * not at the last read, why (protocol.md 8.13, 8.14): it is stored and
 * receipted, as every message is, but does nothing.  An acceptance can
 * come to count for nothing when an earlier one of the other party
 * arrives.  What was there at the first read was said before. */
static void say_ignored(const struct lane *ln, const struct hl_link *l,
			const struct hl_link_terms *t)
{
	for (size_t i = 0; ln->terms_read && i < t->n; i++) {
		const struct hl_terms_item *it = &t->it[i];
		const char *was = verdict_was(&ln->terms, it->side, it->seq);
		char id[HL_MSGID_MAX + 1];

		if (counts(it->verdict) || (was && strcmp(was, it->verdict) == 0))
			continue;
		hl_msgid_format(l->name, it->side, it->seq, id);
		log_warn("clock: %s: %s %s does not count: %s", l->name, it->type, id,
			 it->verdict);
		hl_event(strncmp(it->type, "terms", 5) == 0 ? "terms" : "suspension",
			 json_pack("{s:s, s:s, s:s, s:s, s:s}", "link", l->name, "action",
				   "ignored", "message", id, "type", it->type, "reason",
				   it->verdict));
	}
}

/* A group message id the peer reused with other content (groupmsg.h),
 * as the index just found it: said once, both messages kept. */
static void group_reused(struct hl_clock *c, const struct hl_link *l)
{
	char gid[HL_GROUP_ID_HEX + 1];
	uint64_t n = 0;

	if (hl_store_group_reused_take(c->st, l->id, &n, gid) < 0) {
		log_warn("clock: group messages of %s: %s", l->name, hl_store_errmsg(c->st));
		return;
	}
	if (n == 0)
		return;
	log_warn("clock: %s reused group message id %s with other content (%llu "
		 "envelopes): a forged or faulty sender; both kept", l->name, gid,
		 (unsigned long long)n);
	hl_event("group", json_pack("{s:s, s:s, s:s, s:I}", "link", l->name, "action", "reused",
				    "id", gid, "count", (json_int_t)n));
}

/* New messages of the peer, indexed now: a group id reused shows at
 * once, not at the next read. */
static void peer_indexed(struct hl_clock *c, struct lane *ln, const struct hl_link *l)
{
	uint64_t added;

	ln->peer_new = false;
	if (hl_index_update(c->st, c->me, l, &added) < 0)
		log_warn("clock: indexing %s: %s", l->name, hl_store_errmsg(c->st));
	else
		group_reused(c, l);
}

/* Reads the link's terms again, from an index brought up to date; when
 * a new version came into force, every deadline of the link is planned
 * again (the steps already run are in the escalation table, and do not
 * run twice). */
static void terms_again(struct hl_clock *c, struct lane *ln, const struct hl_link *l)
{
	const struct hl_terms_version *newest = hl_link_terms_newest(&ln->terms);
	uint64_t added, was = newest ? newest->terms.version : 0, now;
	struct hl_link_terms t;
	bool first;

	if (hl_index_update(c->st, c->me, l, &added) < 0 ||
	    hl_store_link_terms(c->st, c->me, l, &t) < 0) {
		log_warn("clock: terms of %s: %s", l->name, hl_store_errmsg(c->st));
		return;
	}
	peer_suspension(ln, l, &t);
	say_ignored(ln, l, &t);
	hl_link_terms_free(&ln->terms);
	ln->terms = t;
	ln->terms_stale = false;
	first = !ln->terms_read;
	ln->terms_read = true;
	newest = hl_link_terms_newest(&ln->terms);
	now = newest ? newest->terms.version : 0;
	if (now == was)
		return;
	log_info("clock: %s: terms version %llu in force; its deadlines planned again",
		 l->name, (unsigned long long)now);
	if (!first && newest)
		hl_event("terms", json_pack("{s:s, s:I, s:I}", "link", l->name, "version",
					    (json_int_t)now, "since",
					    (json_int_t)newest->since));
	if (hl_store_pending_forget(c->st, ln->id) < 0)
		log_warn("clock: pending: %s", hl_store_errmsg(c->st));
	ln->seen[HL_OURS] = ln->seen[HL_THEIRS] = 0;
}

/* Archives l once our archive message is receipted, or when the peer's
 * came: from then on nothing is sent on it, and nothing of it escalates
 * (protocol.md 8.15). */
static void archive_when_done(struct hl_clock *c, struct lane *ln, const struct hl_link *l)
{
	char as[HL_NAME_MAX + 1];
	uint64_t receipted = 0;

	if (!ln->peer_archived &&
	    (!l->archive_seq || hl_store_cosigned_size(c->st, l->id, HL_OURS, &receipted) < 0 ||
	     receipted < l->archive_seq))
		return;
	if (hl_store_link_archive(c->st, l, (int64_t)time(NULL), as) < 0) {
		log_warn("clock: archive of %s: %s", l->name, hl_store_errmsg(c->st));
		return;
	}
	log_info("clock: %s archived as %s (%s)", l->name, as,
		 ln->peer_archived ? "by the peer's archive message" : "our archive was receipted");
	hl_event("archive", json_pack("{s:s, s:s, s:s}", "link", l->name, "archived_as", as,
				      "by", ln->peer_archived ? l->name : c->me->card.name));
	ln->archived = true;
	snprintf(ln->name, sizeof(ln->name), "%s", as);
	hl_courier_wake(c->courier, l->name);
}

static int tick_one(void *ctx, const struct hl_link *l)
{
	struct tick *t = ctx;
	struct lane *ln;

	/* An archived link takes no lane; one it had stops escalating. */
	if (l->archived) {
		ln = lane_by_id(t->c, l->id);
		if (ln)
			ln->archived = true;
		return 0;
	}
	ln = lane_of(t->c, l);
	if (!ln || !l->confirmed || stopping(t->c))
		return 0;
	if (ln->terms_stale)
		terms_again(t->c, ln, l);
	if (!l->archiving)
		schedule(t->c, ln, l);
	scan(t->c, ln, t->b);
	if (ln->terms_stale)
		terms_again(t->c, ln, l);
	if (ln->peer_new)
		peer_indexed(t->c, ln, l);
	release_held(t->c, ln, l);
	archive_when_done(t->c, ln, l);
	return 0;
}

/* 1 while live link l has not receipted our latest key change. */
static int tls_waiting(void *ctx, const struct hl_link *l)
{
	struct hl_clock *c = ctx;
	uint64_t via = 0, got = 0;

	if (l->archived || !l->confirmed)
		return 0;
	if (hl_store_own_change_seq(c->st, l, &via) < 0 ||
	    hl_store_cosigned_size(c->st, l->id, HL_OURS, &got) < 0)
		return -HL_ESTORE;
	return got < via;
}

/* A new TLS key of ours goes into use once every live link has
 * receipted the card that carries it (protocol.md 9.13): until then
 * the peers accept both keys, and after it the old one no more. */
static void tls_switch_when_done(struct hl_clock *c)
{
	char err[PATH_MAX + 128] = "";
	int r;

	if (hl_party_tls_pending(c->me->home) != 1)
		return;
	r = hl_store_link_each(c->st, tls_waiting, c);
	if (r < 0)
		log_warn("clock: store: %s", hl_store_errmsg(c->st));
	if (r != 0)
		return;
	if (hl_peer_tls_switch(c->me->home, err, sizeof(err)) < 0) {
		log_warn("clock: the TLS switch: %s", err);
		return;
	}
	hl_courier_new_cert(c->courier);
	log_info("clock: every peer has receipted our new card: our new TLS key is in use");
	hl_event("key", json_pack("{s:s, s:s}", "action", "tls-switched", "side", "ours"));
}

static void tick(struct hl_clock *c)
{
	struct tick t = {c, malloc(sizeof(struct batch))};

	if (t.b && hl_store_link_each(c->st, tick_one, &t) < 0)
		log_warn("clock: store: %s", hl_store_errmsg(c->st));
	free(t.b);
	pin_alarms(c);
	tls_switch_when_done(c);
}

/* ---- running what is due ---- */

/* Whether nothing more can happen to e: receipted, or acknowledged. */
static bool settled(struct hl_clock *c, const struct hl_pending *e)
{
	uint64_t size = 0, ack_seq;
	int64_t ack_time;

	if (strcmp(e->event, "receipt-overdue") == 0)
		return hl_store_cosigned_size(c->st, e->link, HL_OURS, &size) == 0 &&
		       e->seq <= size;
	return hl_store_acked(c->st, e->link, e->side, e->seq, &ack_seq, &ack_time) == 0;
}

static int first(void *ctx, const struct hl_message *m)
{
	*(struct hl_message *)ctx = *m;
	return 1;
}

/* The version of the agreed terms in force at t on a link, 0 for none
 * (hotline.conf's deadlines). */
static uint64_t terms_version(const struct hl_clock *c, int64_t link, int64_t t)
{
	const struct lane *ln = lane_by_id(c, link);
	const struct hl_terms_version *v = ln ? hl_terms_at(ln->terms.v, ln->terms.nv, t) : NULL;

	return v ? v->terms.version : 0;
}

static char *event_json(const struct hl_clock *c, const struct step *s,
			const struct hl_message *m, int64_t deadline)
{
	char sent[HL_TIME_LEN + 1], due[HL_TIME_LEN + 1];
	json_t *j;
	char *out;

	hl_time_format(m->time, sent);
	hl_time_format(deadline, due);
	j = json_pack("{s:s, s:s, s:s, s:i, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I}",
		      "party", c->me->card.name, "event", s->event, "link", s->link_name,
		      "step", (int)s->step + 1, "step_name", c->conf->ladder[s->step],
		      "message", s->id, "seq", (json_int_t)m->seq,
		      "side", s->side == HL_OURS ? "sent" : "received",
		      "precedence", m->precedence, "kind", m->kind, "sent", sent,
		      "deadline", due, "late_seconds", (json_int_t)s->late,
		      "terms", (json_int_t)terms_version(c, s->link, m->time));
	out = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	return out;
}

/* Tells the event hub that the deadline of s's event passed: what was
 * due ("ack", "receipt", "peer-ack") on which message, and when. */
static void deadline_passed(const struct step *s, const struct hl_message *m, int64_t deadline)
{
	size_t n = strlen(s->event);
	json_t *j = json_pack("{s:s, s:s, s:s, s:s#, s:s, s:I, s:I}", "link", s->link_name,
			      "message", s->id, "event", s->event, "due", s->event,
			      n > 8 ? (int)(n - 8) : (int)n,	/* "-overdue" off */
			      "side", s->side == HL_OURS ? "sent" : "received",
			      "seq", (json_int_t)s->seq, "deadline", (json_int_t)deadline);

	if (j && m->seq == s->seq) {
		json_object_set_new(j, "kind", json_string(m->kind));
		json_object_set_new(j, "precedence", json_string(m->precedence));
	}
	hl_event("deadline", j);
}

/* Records the steps below top that never ran as skipped. */
static void skip_below(struct hl_clock *c, const struct hl_pending *e, unsigned top,
		       int64_t now)
{
	for (unsigned s = 0; s < top; s++) {
		bool done = false;

		if (hl_store_escalated(c->st, e->link, e->side, e->seq, e->event, s, &done) == 0 &&
		    !done)
			hl_store_escalation_put(c->st, e->link, e->side, e->seq, e->event, s, now,
						"skipped");
	}
}

/* Starts step top of e: recorded "running" before its hooks start, so
 * that a restart never runs it twice. */
static void run_step(struct hl_clock *c, struct lane *ln, const struct hl_pending *e,
		     unsigned top, int64_t now)
{
	struct step *s = calloc(1, sizeof(*s));
	struct hl_message m = {0};
	char *json = NULL;
	bool ran = false;

	if (!s)
		return;
	*s = (struct step){.link = e->link, .side = e->side, .seq = e->seq, .step = top,
			   .late = now - e->deadline};
	snprintf(s->link_name, sizeof(s->link_name), "%s", ln->name);
	snprintf(s->event, sizeof(s->event), "%s", e->event);
	snprintf(s->id, sizeof(s->id), "%s/%s%llu", ln->name, e->side == HL_OURS ? "out/" : "",
		 (unsigned long long)e->seq);
	if (hl_store_message_each(c->st, e->link, e->side, e->seq - 1, first, &m) == 0 &&
	    m.seq == e->seq)
		json = event_json(c, s, &m, e->deadline);
	if (top == 0 || (hl_store_escalated(c->st, e->link, e->side, e->seq, e->event, 0,
					    &ran) == 0 && !ran))
		deadline_passed(s, &m, e->deadline);
	skip_below(c, e, top, now);
	if (hl_store_escalation_put(c->st, e->link, e->side, e->seq, e->event, top, now,
				    "running") < 0)
		log_warn("escalation: store: %s", hl_store_errmsg(c->st));
	if (!json || hl_hooks_start(c->hooks, s->event, json, s) < 0) {
		log_warn("escalation: %s %s: step %u: cannot start the hooks", s->event, s->id,
			 top + 1);
		record(c, s, "failed", "cannot start the hooks");
		free(s);
	} else {
		ln->hooks++;
	}
	free(json);
}

/* Looks at one due entry: drops it when settled or its ladder is done,
 * else runs the highest step due if it has not run, and sets when to
 * look again. */
static void due(struct hl_clock *c, const struct hl_pending *e, int64_t now)
{
	const struct hl_config *conf = c->conf;
	struct lane *ln = lane_by_id(c, e->link);
	int64_t every = conf->escalate_every > 0 ? conf->escalate_every : 1;
	unsigned top = (unsigned)((now - e->deadline) / every);
	bool done = false;

	if (top >= conf->nladder)
		top = conf->nladder - 1;
	if (!ln || !ln->confirmed || ln->archived || settled(c, e)) {
		hl_store_pending_set(c->st, e, INT64_MAX);
		return;
	}
	/* The link's share of the hooks is taken: the entry is put off,
	 * so that another link's entry due is not kept waiting behind this
	 * one's backlog. */
	if (ln->hooks >= HOOKS_PER_LINK) {
		hl_store_pending_set(c->st, e, now + 1);
		if (!ln->parked)
			ln->parked = calloc(HOOKS_PER_LINK, sizeof(*ln->parked));
		if (ln->parked && ln->nparked < HOOKS_PER_LINK)
			ln->parked[ln->nparked++] = *e;
		return;
	}
	if (hl_store_escalated(c->st, e->link, e->side, e->seq, e->event, top, &done) < 0) {
		hl_store_pending_set(c->st, e, now + 1);	/* a store error: again later */
		return;
	}
	hl_store_pending_set(c->st, e, top + 1 >= conf->nladder ? INT64_MAX :
			     e->deadline + (int64_t)(top + 1) * every);
	if (!done)
		run_step(c, ln, e, top, now);
}

/* Brings in the acks of ln (its content index), at most every
 * INDEX_EVERY_MS. */
static void index_lane(struct hl_clock *c, struct lane *ln)
{
	struct hl_link l;
	uint64_t added;

	if (!ln->confirmed || mono_ms() - ln->indexed < INDEX_EVERY_MS ||
	    hl_store_link_get(c->st, ln->name, &l) < 0)
		return;
	if (hl_index_update(c->st, c->me, &l, &added) < 0)
		log_warn("clock: indexing %s: %s", l.name, hl_store_errmsg(c->st));
	hl_link_free(&l);
	ln->indexed = mono_ms();
}

/* Runs what is due while hooks are free.  The acks of the links with
 * entries due are brought in before the entries are judged; the links
 * with none due cost nothing. */
static void dispatch(struct hl_clock *c)
{
	struct hl_pending e[32];
	size_t n = 0;

	for (int round = 0; round < BATCH / 32 && !stopping(c); round++) {
		int64_t now = (int64_t)time(NULL);

		if (hl_hooks_full(c->hooks) ||
		    hl_store_pending_due(c->st, now, sizeof(e) / sizeof(e[0]), e, &n) < 0 || !n)
			return;
		for (size_t i = 0; i < n; i++) {
			struct lane *ln = lane_by_id(c, e[i].link);

			if (ln)
				index_lane(c, ln);
		}
		for (size_t i = 0; i < n && !hl_hooks_full(c->hooks) && !stopping(c); i++)
			due(c, &e[i], now);
	}
}

/* How long to wait: until the next tick, or the next entry due when
 * that is sooner and hooks are free to run it. */
static int wait_ms(struct hl_clock *c, int64_t next)
{
	int64_t ms = next - mono_ms(), due = INT64_MAX;
	struct timespec wall;

	if (!hl_hooks_full(c->hooks) && hl_store_pending_next(c->st, &due) == 0 &&
	    due != INT64_MAX) {
		clock_gettime(CLOCK_REALTIME, &wall);
		due = due * 1000 - ((int64_t)wall.tv_sec * 1000 + wall.tv_nsec / 1000000);
		if (due < ms)
			ms = due;
	}
	return ms < 0 ? 0 : (int)ms;
}

static void *run(void *arg)
{
	struct hl_clock *c = arg;
	int64_t next = 0;

	while (!stopping(c)) {
		int64_t now = mono_ms();

		if (now >= next) {
			tick(c);
			next = now + TICK_MS;
		}
		hl_hooks_reap(c->hooks, ended, c);
		dispatch(c);
		if (!stopping(c))
			hl_hooks_wait(c->hooks, wait_ms(c, next));
	}
	return NULL;
}

int hl_clock_start(const struct hl_party *me, const struct hl_config *conf, const char *db,
		   struct hl_courier *courier, struct hl_clock **out, char *err, size_t errlen)
{
	struct hl_clock *c = calloc(1, sizeof(*c));
	int r;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	c->me = me;
	c->conf = conf;
	c->courier = courier;
	pthread_mutex_init(&c->lock, NULL);
	r = hl_hooks_new(conf, HOOKS_AT_ONCE, &c->hooks);
	if (r == 0)
		r = hl_store_open(db, &c->st, err, errlen);
	if (r == 0 && hl_store_pending_reset(c->st) < 0) {
		snprintf(err, errlen, "%s", hl_store_errmsg(c->st));
		r = -HL_ESTORE;
	}
	if (r == 0 && pthread_create(&c->thread, NULL, run, c) != 0)
		r = -errno;
	if (r < 0) {
		hl_clock_stop(c);
		return r;
	}
	c->started = true;
	*out = c;
	return 0;
}

void hl_clock_stop(struct hl_clock *c)
{
	if (!c)
		return;
	if (c->started) {
		pthread_mutex_lock(&c->lock);
		c->stopping = true;
		pthread_mutex_unlock(&c->lock);
		hl_hooks_wake(c->hooks);
		pthread_join(c->thread, NULL);
	}
	/* Hooks still running are killed; their steps stay recorded as
	 * started (abandoned), and steps not started wait for the next
	 * start. */
	hl_hooks_free(c->hooks, abandoned, c);
	lanes_free(&c->lanes);
	hl_store_close(c->st);
	pthread_mutex_destroy(&c->lock);
	free(c);
}
