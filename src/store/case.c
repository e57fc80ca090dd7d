/* case.c - fold a case's messages into its state. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "case.h"
#include "error.h"
#include "text.h"
#include "vocab.h"

/* Why a message did not count: marked for xgettext (--keyword=N_), and
 * translated where it is printed. */
#define N_(s) s

static int cmp_event(const void *a, const void *b)
{
	const struct hl_case_event *x = a, *y = b;
	int c;

	if (x->after != y->after)
		return x->after < y->after ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	c = strcmp(x->from, y->from);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int log_before(const struct hl_case_event *e, int side, uint64_t seq)
{
	return e->side < side || (e->side == side && e->seq < seq);
}

/* A binary search of by_log when the fold made it, else a walk. */
int hl_case_find(const struct hl_case *c, int side, uint64_t seq)
{
	size_t lo = 0, hi = c->n;

	if (!c->by_log) {
		for (size_t i = 0; i < c->n; i++)
			if (c->ev[i].side == side && c->ev[i].seq == seq)
				return (int)i;
		return -1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (log_before(&c->ev[c->by_log[mid]], side, seq))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->n && c->ev[c->by_log[lo]].side == side && c->ev[c->by_log[lo]].seq == seq)
		return (int)c->by_log[lo];
	return -1;
}

/* by_log: the events' indices in (side, seq) order, for hl_case_find,
 * so a case of many messages folds in O(n log n).  Each event kept its
 * place in that order (log_pos) from before the fold's sort. */
static void index_by_log(struct hl_case *c)
{
	free(c->by_log);
	c->by_log = malloc((c->n + 1) * sizeof(*c->by_log));
	if (!c->by_log)
		return;
	for (size_t i = 0; i < c->n; i++)
		c->by_log[c->ev[i].log_pos] = (uint32_t)i;
}

static void ignore(struct hl_case_event *e, const char *why)
{
	e->flags |= HL_EV_IGNORED;
	e->why = why;
}

/* What a retract or correct names, if it may: a message of its own
 * sender in this case that is not itself a retraction or correction. */
static int own_target(const struct hl_case *c, struct hl_case_event *e)
{
	int t = e->ref_side < 0 ? -1 : hl_case_find(c, e->ref_side, e->ref_seq);

	if (t < 0) {
		ignore(e, N_("names no message of this case"));
		return -1;
	}
	if (c->ev[t].side != e->side) {
		ignore(e, N_("names the other party's message"));
		return -1;
	}
	if (!strcmp(c->ev[t].type, "retract") || !strcmp(c->ev[t].type, "correct")) {
		ignore(e, N_("names a retraction or correction"));
		return -1;
	}
	return t;
}

/* A field as it counts: the last correction's, if it gives one. */
static const char *field(const struct hl_case *c, const struct hl_case_event *e,
			 size_t off)
{
	const char *own = (const char *)e + off;

	if (e->corrected_by >= 0) {
		const char *fix = (const char *)&c->ev[e->corrected_by] + off;

		if (*fix)
			return fix;
	}
	return own;
}

#define FIELD(c, e, f) field(c, e, offsetof(struct hl_case_event, f))

static void set(char *dst, size_t cap, const char *v)
{
	if (*v)
		snprintf(dst, cap, "%s", v);
}

static void answer(struct hl_case *c, struct hl_case_event *e, bool closed)
{
	int t = e->ref_side < 0 ? -1 : hl_case_find(c, e->ref_side, e->ref_seq);
	struct hl_case_event *req = t < 0 ? NULL : &c->ev[t];

	if (closed)
		ignore(e, N_("the case was closed"));
	else if (!req || strcmp(req->type, "request") != 0)
		ignore(e, N_("names no request of this case"));
	else if (req->side == e->side)
		ignore(e, N_("answers its own sender's request"));
	else if (req->flags & HL_EV_RETRACTED)
		ignore(e, N_("the request was withdrawn"));
	else if (!strcmp(req->state, "declined") || !strcmp(req->state, "done"))
		ignore(e, N_("the request was already answered"));
	else {
		snprintf(req->state, sizeof(req->state), "%s", e->answer);
		req->answered_by = (int)(e - c->ev);
	}
}

static int cmp_log(const void *a, const void *b)
{
	const struct hl_case_event *x = a, *y = b;

	if (x->side != y->side)
		return x->side < y->side ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* In an array sorted by (side, seq): the index of (side, seq) or -1. */
static int find_log(const struct hl_case *c, int side, uint64_t seq)
{
	struct hl_case_event key = {.side = side, .seq = seq};
	const struct hl_case_event *e = bsearch(&key, c->ev, c->n, sizeof(key), cmp_log);

	return e ? (int)(e - c->ev) : -1;
}

/* What event i must follow: the message it names, and its sender's
 * previous message in the case (the one before it, sorted by log). */
static void deps(const struct hl_case *c, size_t i, int dep[2])
{
	const struct hl_case_event *e = &c->ev[i];

	dep[0] = e->ref_side >= 0 ? find_log(c, e->ref_side, e->ref_seq) : -1;
	dep[1] = i > 0 && c->ev[i - 1].side == e->side ? (int)i - 1 : -1;
}

/* The causal order: each message's "after" is the latest of its own
 * time and the "after" of what it must follow; its rank counts how many
 * of those it follows at that same time.  Sorting by (after, rank, from,
 * seq) then puts every message after what it names, on both sides
 * alike.  The messages a ref can name were signed before it, so there
 * is no cycle; one is cut all the same.  A depth-first walk with its own
 * stack, since a peer decides how long a case's chains are. */
static int order(struct hl_case *c)	/* c->ev sorted by log */
{
	unsigned char *state = calloc(c->n + 1, 1);	/* 0 new, 1 open, 2 done */
	size_t *stack = malloc((3 * c->n + 1) * sizeof(*stack)), top = 0;

	if (!state || !stack) {
		free(state);
		free(stack);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->n; i++) {
		if (state[i])
			continue;
		stack[top++] = i;
		while (top) {
			size_t j = stack[top - 1];
			struct hl_case_event *e = &c->ev[j];
			int dep[2];

			deps(c, j, dep);
			if (state[j] == 2) {
				top--;
			} else if (state[j] == 0) {
				state[j] = 1;
				for (int k = 0; k < 2; k++)
					if (dep[k] >= 0 && !state[dep[k]])
						stack[top++] = (size_t)dep[k];
			} else {
				e->after = e->time;
				e->rank = 0;
				for (int k = 0; k < 2; k++) {
					const struct hl_case_event *b;

					if (dep[k] < 0 || state[dep[k]] != 2)
						continue;
					b = &c->ev[dep[k]];
					if (b->after > e->after) {
						e->after = b->after;
						e->rank = b->rank + 1;
					} else if (b->after == e->after && b->rank + 1 > e->rank) {
						e->rank = b->rank + 1;
					}
				}
				state[j] = 2;
				top--;
			}
		}
	}
	free(state);
	free(stack);
	return 0;
}

void hl_case_fold(struct hl_case *c)
{
	bool closed = false, retracted = false;

	qsort(c->ev, c->n, sizeof(*c->ev), cmp_log);
	for (size_t i = 0; i < c->n; i++) {
		c->ev[i].after = c->ev[i].time;
		c->ev[i].rank = 0;
		c->ev[i].log_pos = (uint32_t)i;
	}
	/* Out of memory, the order is by time alone. */
	order(c);
	qsort(c->ev, c->n, sizeof(*c->ev), cmp_event);
	index_by_log(c);
	for (size_t i = 0; i < c->n; i++) {
		c->ev[i].flags = 0;
		c->ev[i].why = NULL;
		c->ev[i].corrected_by = -1;
		c->ev[i].answered_by = -1;
		c->ev[i].state[0] = 0;
	}
	/* Retractions and corrections first: they change what counts. */
	for (size_t i = 0; i < c->n; i++) {
		struct hl_case_event *e = &c->ev[i];
		int t;

		if (strcmp(e->type, "retract") && strcmp(e->type, "correct"))
			continue;
		t = own_target(c, e);
		if (t < 0)
			continue;
		if (!strcmp(e->type, "retract")) {
			c->ev[t].flags |= HL_EV_RETRACTED;
		} else {
			c->ev[t].flags |= HL_EV_CORRECTED;
			c->ev[t].corrected_by = (int)i;
		}
	}
	c->state[0] = c->category[0] = c->tlp[0] = c->severity[0] = 0;
	c->opened = c->closed = c->last = 0;
	c->requests = c->pending = 0;
	for (size_t i = 0; i < c->n; i++) {
		struct hl_case_event *e = &c->ev[i];

		if (e->time > c->last)
			c->last = e->time;
		if (e->side == c->side && e->seq == c->seq) {
			c->opened = e->time;
			retracted = e->flags & HL_EV_RETRACTED;
		}
		if (e->flags & HL_EV_RETRACTED) {
			if (!strcmp(e->type, "request"))
				snprintf(e->state, sizeof(e->state), "withdrawn");
			continue;
		}
		if (!strcmp(e->type, "notify") && (e->side != c->side || e->seq != c->seq)) {
			ignore(e, N_("its sender opened a case of this number before"));
			continue;
		}
		if (!strcmp(e->type, "notify") || !strcmp(e->type, "update")) {
			if (closed && strcmp(e->type, "notify")) {
				ignore(e, N_("the case was closed"));
				continue;
			}
			set(c->category, sizeof(c->category), FIELD(c, e, category));
			set(c->tlp, sizeof(c->tlp), FIELD(c, e, tlp));
			set(c->severity, sizeof(c->severity), FIELD(c, e, severity));
		} else if (!strcmp(e->type, "request")) {
			if (closed) {
				ignore(e, N_("the case was closed"));
				continue;
			}
			snprintf(e->state, sizeof(e->state), "pending");
		} else if (!strcmp(e->type, "answer")) {
			answer(c, e, closed);
		} else if (!strcmp(e->type, "close")) {
			if (closed) {
				ignore(e, N_("the case was already closed"));
				continue;
			}
			closed = true;
			c->closed = e->time;
		}
	}
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->ev[i].type, "request") || !c->ev[i].state[0])
			continue;
		if (strcmp(c->ev[i].state, "withdrawn"))
			c->requests++;
		if (!strcmp(c->ev[i].state, "pending") || !strcmp(c->ev[i].state, "accepted"))
			c->pending++;
	}
	snprintf(c->state, sizeof(c->state), "%s",
		 retracted ? "retracted" : closed ? "closed" : "open");
	if (!closed)
		c->closed = 0;
}

/* ---- loading from the content index ---- */

struct load {
	const char *me;
	const struct hl_link *l;
	struct hl_case *c;
	size_t cap;
	int err;
};

static void copy_code(json_t *j, const char *key, char *dst, size_t cap)
{
	const char *v = json_string_value(json_object_get(j, key));

	if (v && strlen(v) < cap)
		memcpy(dst, v, strlen(v) + 1);
}

static void read_fields(const char *fields, struct hl_case_event *e)
{
	json_t *j = fields ? json_loads(fields, 0, NULL) : NULL;
	json_t *a, *v, *stix;
	size_t i;

	if (!j)
		return;
	copy_code(j, "category", e->category, sizeof(e->category));
	copy_code(j, "tlp", e->tlp, sizeof(e->tlp));
	copy_code(j, "severity", e->severity, sizeof(e->severity));
	copy_code(j, "answer", e->answer, sizeof(e->answer));
	a = json_object_get(j, "actions");
	json_array_foreach(a, i, v) {
		int k = json_is_string(v) ? hl_vocab_index(HL_VOCAB_ACTION, json_string_value(v),
							   json_string_length(v)) : -1;

		if (k >= 0)
			e->actions |= 1u << k;
	}
	stix = json_object_get(j, "stix");
	if (json_is_true(stix))
		snprintf(e->stix, sizeof(e->stix), "valid");
	else if (json_is_string(stix))
		snprintf(e->stix, sizeof(e->stix), "%s", json_string_value(stix));
	json_decref(j);
}

static int load_item(void *ctx, const struct hl_item *it)
{
	struct load *ld = ctx;
	struct hl_case *c = ld->c;
	struct hl_case_event *e;

	if (c->n == ld->cap) {
		size_t cap = ld->cap ? 2 * ld->cap : 16;
		struct hl_case_event *ev = realloc(c->ev, cap * sizeof(*ev));

		if (!ev)
			return -ENOMEM;
		c->ev = ev;
		ld->cap = cap;
	}
	e = &c->ev[c->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->from, sizeof(e->from), "%s", it->side == HL_OURS ? ld->me : ld->l->card.name);
	e->side = it->side;
	e->seq = it->seq;
	e->time = it->time;
	snprintf(e->precedence, sizeof(e->precedence), "%s", it->precedence);
	snprintf(e->type, sizeof(e->type), "%s", it->type);
	e->ref_side = it->ref_side;
	e->ref_seq = it->ref_seq;
	snprintf(e->op_name, sizeof(e->op_name), "%s", it->op_name);
	snprintf(e->op_role, sizeof(e->op_role), "%s", it->op_role);
	read_fields(it->fields, e);
	if (it->side == c->side && it->seq == c->seq)
		c->number = it->case_no;
	return 0;
}

int hl_case_load(struct hl_store *st, const char *me, const struct hl_link *l,
		 int side, uint64_t seq, struct hl_case *c)
{
	struct load ld = {me, l, c, 0, 0};
	int r, i;

	memset(c, 0, sizeof(*c));
	c->side = side;
	c->seq = seq;
	snprintf(c->to, sizeof(c->to), "%s", side == HL_OURS ? l->card.name : me);
	r = hl_store_case_items(st, l->id, side, seq, load_item, &ld);
	if (r < 0) {
		hl_case_free(c);
		return r;
	}
	i = hl_case_find(c, side, seq);
	if (i < 0 || strcmp(c->ev[i].type, "notify") != 0 || c->number == 0) {
		hl_case_free(c);
		return -HL_ENOTFOUND;
	}
	hl_case_id(side == HL_OURS ? me : l->card.name, c->number, c->id);
	hl_case_fold(c);
	return 0;
}

void hl_case_free(struct hl_case *c)
{
	free(c->ev);
	free(c->by_log);
	c->ev = NULL;
	c->by_log = NULL;
	c->n = 0;
}

void hl_case_id(const char *opener, uint64_t number, char out[HL_CASE_ID_MAX + 1])
{
	snprintf(out, HL_CASE_ID_MAX + 1, "%.*s#%llu", HL_NAME_MAX, opener,
		 (unsigned long long)number);
}

bool hl_case_id_parse(const char *id, char name[HL_NAME_MAX + 1], uint64_t *number)
{
	const char *hash = strrchr(id, '#');
	size_t n = hash ? (size_t)(hash - id) : 0;
	char *end;
	unsigned long long v;

	if (!hash || n == 0 || n > HL_NAME_MAX || !hl_name_valid(id, n) ||
	    hash[1] < '1' || hash[1] > '9')
		return false;
	errno = 0;
	v = strtoull(hash + 1, &end, 10);
	if (errno || *end || v > INT64_MAX)
		return false;
	memcpy(name, id, n);
	name[n] = 0;
	*number = v;
	return true;
}

static json_t *codes(unsigned mask)
{
	size_t n;
	const struct hl_term *all = hl_vocab_terms(HL_VOCAB_ACTION, &n);
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (mask & (1u << i))
			json_array_append_new(a, json_string(all[i].code));
	return a;
}

static json_t *event_json(const struct hl_case *c, const struct hl_case_event *e)
{
	char id[HL_CASE_ID_MAX + 1];
	json_t *j;

	hl_case_id(e->from, e->seq, id);
	j = json_pack("{s:s, s:s}", "id", id, "type", e->type);
	if (!j)
		return NULL;
	if (e->flags & HL_EV_RETRACTED)
		json_object_set_new(j, "retracted", json_true());
	if (e->corrected_by >= 0) {
		const struct hl_case_event *f = &c->ev[e->corrected_by];

		hl_case_id(f->from, f->seq, id);
		json_object_set_new(j, "corrected_by", json_string(id));
	}
	if (e->flags & HL_EV_IGNORED)
		json_object_set_new(j, "ignored", json_string(e->why));
	if (e->op_name[0])
		json_object_set_new(j, "by", json_pack("{s:s, s:s}", "name", e->op_name,
						       "role", e->op_role));
	if (!strcmp(e->type, "request")) {
		json_object_set_new(j, "actions", codes(e->actions));
		json_object_set_new(j, "state", json_string(e->state));
	}
	return j;
}

char *hl_case_json(const struct hl_case *c)
{
	json_t *j, *msgs;
	char *s;

	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:o}", "id", c->id,
		      "state", c->state, "category", c->category, "tlp", c->tlp,
		      "severity", c->severity, "opened", (json_int_t)c->opened,
		      "closed", (json_int_t)c->closed, "messages", json_array());
	if (!j)
		return NULL;
	if (c->to[0])
		json_object_set_new(j, "to", json_string(c->to));
	msgs = json_object_get(j, "messages");
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(msgs, event_json(c, &c->ev[i]));
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	return s;
}
