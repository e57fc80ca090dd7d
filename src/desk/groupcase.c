/* groupcase.c - the group case at its owner (groupcase.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "deskcase.h"
#include "deskpriv.h"
#include "error.h"
#include "groupcase.h"
#include "groupmsg.h"
#include "groupout.h"
#include "groups.h"
#include "lists.h"
#include "text.h"
#include "writer.h"

/* ---- loading ---- */

struct first {
	struct hl_desk *d;
	uint64_t number;
	char gid[HL_GROUP_ID_HEX + 1];	/* "" when the notify has none */
	bool found;
};

/* The group id our message seq on l carries; "" for none. */
static void group_id(struct hl_desk *d, const struct hl_link *l, uint64_t seq,
		     char gid[HL_GROUP_ID_HEX + 1])
{
	struct hl_content c;
	struct hl_buf plain;

	gid[0] = 0;
	hl_buf_init(&plain, HL_PLAIN_MAX);
	if (hl_desk_open_content(d, l, HL_OURS, seq, &plain, &c) == 0) {
		if (c.has_group)
			memcpy(gid, c.group.id, HL_GROUP_ID_HEX + 1);
		hl_content_free(&c);
	}
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	hl_buf_free(&plain);
}

/* The first link that holds our notify numbered f->number, and the
 * group id its content carries. */
static int first_on(void *ctx, const struct hl_link *l)
{
	struct first *f = ctx;
	uint64_t seq = 0;
	int r = hl_store_case_find(f->d->st, l->id, HL_OURS, f->number, &seq);

	if (r == -HL_ENOTFOUND)
		return 0;
	if (r < 0)
		return r;
	f->found = true;
	group_id(f->d, l, seq, f->gid);
	return 1;
}

struct sent_as {
	int64_t link;
	uint64_t number;
	bool yes;
};

static int is_notify_of(void *ctx, const struct hl_group_envelope *ge)
{
	struct sent_as *sa = ctx;

	sa->yes |= ge->link == sa->link && ge->case_no == sa->number &&
		   !strcmp(ge->kind, "notify");
	return 0;
}

bool hl_desk_gcase_notify(struct hl_desk *d, const struct hl_link *l, uint64_t seq,
			  uint64_t number)
{
	struct sent_as sa = {l->id, number, false};
	char gid[HL_GROUP_ID_HEX + 1];

	group_id(d, l, seq, gid);
	return gid[0] && hl_store_group_envelopes(d->st, gid, is_notify_of, &sa) == 0 && sa.yes;
}

static int add_member(struct hl_gcase *g, const struct hl_group_envelope *ge)
{
	struct hl_gcase_member *m;

	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 8;

		m = realloc(g->m, cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		g->m = m;
		g->cap = cap;
	}
	m = &g->m[g->n++];
	memset(m, 0, sizeof(*m));
	m->l.id = ge->link;
	snprintf(m->l.name, sizeof(m->l.name), "%s", ge->link_name);
	m->held = ge->seq ? 0 : ge->held;
	return 0;
}

/* The owner's record of the group notify: the links it went to. */
static int recorded(void *ctx, const struct hl_group_envelope *ge)
{
	struct hl_gcase *g = ctx;

	if (strcmp(ge->kind, "notify") || ge->case_no != g->number)
		return 0;
	g->group = ge->group;
	snprintf(g->group_name, sizeof(g->group_name), "%s", ge->group_name);
	return add_member(g, ge);
}

static int member_now(void *ctx, const struct hl_group_member *gm)
{
	struct hl_gcase *g = ctx;

	for (size_t i = 0; i < g->n; i++)
		if (g->m[i].l.id == gm->link)
			g->m[i].member = true;
	return 0;
}

/* Which of the links the notify went to are members now. */
static int members_now(struct hl_desk *d, struct hl_gcase *g)
{
	for (size_t i = 0; i < g->n; i++)
		g->m[i].member = false;
	return hl_store_group_members(d->st, g->group, false, member_now, g);
}

/* Reads m's link and, when it holds the notify, its bilateral case. */
static int load_member(struct hl_desk *d, const struct hl_gcase *g, struct hl_gcase_member *m)
{
	char name[HL_NAME_MAX + 1];
	int r;

	snprintf(name, sizeof(name), "%s", m->l.name);
	r = hl_store_link_get(d->st, name, &m->l);
	if (r < 0) {
		/* A link gone from the store is shown by name, holding nothing. */
		memset(&m->l, 0, sizeof(m->l));
		snprintf(m->l.name, sizeof(m->l.name), "%s", name);
		return r == -HL_ENOLINK || r == -HL_ENOTFOUND ? 0 : r;
	}
	m->have = true;
	r = hl_store_case_find(d->st, m->l.id, HL_OURS, g->number, &m->seq);
	if (r == 0)
		r = hl_store_item_get(d->st, m->l.id, HL_OURS, m->seq, &m->it);
	if (r == 0)
		r = hl_case_load(d->st, d->me->card.name, &m->l, HL_OURS, m->seq, &m->c);
	m->holds = r == 0;
	return r == -HL_ENOTFOUND ? 0 : r;
}

static int gcase_load(struct hl_desk *d, const char *id, struct hl_gcase *g)
{
	char name[HL_NAME_MAX + 1];
	struct first f = {.d = d};
	bool group = false;
	int r;

	if (!hl_case_id_parse(id, name, &f.number) || strcmp(name, d->me->card.name))
		return 0;
	r = hl_store_group_case(d->st, f.number, &group);
	if (r < 0 || !group)
		return r;
	r = hl_store_link_each(d->st, first_on, &f);
	if (r < 0 || !f.gid[0])
		return r < 0 ? r : 0;
	g->number = f.number;
	hl_case_id(name, f.number, g->id);
	memcpy(g->gid, f.gid, sizeof(g->gid));
	r = hl_store_group_envelopes(d->st, g->gid, recorded, g);
	if (r < 0 || g->n == 0)
		return r < 0 ? r : 0;
	for (size_t i = 0; r == 0 && i < g->n; i++)
		r = load_member(d, g, &g->m[i]);
	if (r == 0)
		r = members_now(d, g);
	return r < 0 ? r : 1;
}

int hl_desk_gcase_open(struct hl_desk *d, const char *id, struct hl_gcase *g,
		       struct hl_desk_err *e)
{
	int r;

	memset(g, 0, sizeof(*g));
	r = gcase_load(d, id, g);
	if (r < 0)
		hl_desk_fail_code(e, r, id);
	if (r <= 0)
		hl_desk_gcase_free(g);
	return r < 0 ? -1 : r;
}

void hl_desk_gcase_free(struct hl_gcase *g)
{
	for (size_t i = 0; i < g->n; i++) {
		hl_case_free(&g->m[i].c);
		if (g->m[i].have)
			hl_link_free(&g->m[i].l);
	}
	free(g->m);
	memset(g, 0, sizeof(*g));
}

/* ---- reading ---- */

/* Over the links that hold the case and are members now (those the
 * owner still reaches), else over every link that holds it: open while
 * one is open, else closed when one is, else retracted. */
const char *hl_desk_gcase_state(const struct hl_gcase *g)
{
	bool closed = false, any = false, now = false;

	for (size_t i = 0; i < g->n; i++)
		now |= g->m[i].holds && g->m[i].member;
	for (size_t i = 0; i < g->n; i++) {
		if (!g->m[i].holds || (now && !g->m[i].member))
			continue;
		any = true;
		if (!strcmp(g->m[i].c.state, "open"))
			return "open";
		closed |= !strcmp(g->m[i].c.state, "closed");
	}
	return !any ? "open" : closed ? "closed" : "retracted";
}

/* The member whose case changed last: its fields stand for the group
 * case's (an update of the owner's reaches every member alike). */
static const struct hl_gcase_member *latest(const struct hl_gcase *g)
{
	const struct hl_gcase_member *best = NULL;

	for (size_t i = 0; i < g->n; i++)
		if (g->m[i].holds && (!best || g->m[i].c.last > best->c.last))
			best = &g->m[i];
	return best;
}

/* The next member whose next event comes first in the fold's order
 * (its time, then its rank), members in name order on a tie; g->n when
 * every event was taken.  Each member's own order is kept. */
static size_t next_member(const struct hl_gcase *g, const size_t *pos)
{
	size_t best = g->n;

	for (size_t i = 0; i < g->n; i++) {
		const struct hl_case_event *a, *b;

		if (!g->m[i].holds || pos[i] >= g->m[i].c.n)
			continue;
		if (best == g->n) {
			best = i;
			continue;
		}
		a = &g->m[i].c.ev[pos[i]];
		b = &g->m[best].c.ev[pos[best]];
		if (a->after < b->after || (a->after == b->after && a->rank < b->rank))
			best = i;
	}
	return best;
}

/* Every member's items (one array per member, in its fold's order) in
 * one array in time order, each with "link". */
static json_t *merged(const struct hl_gcase *g, json_t *const *per)
{
	size_t *pos = calloc(g->n ? g->n : 1, sizeof(*pos)), i;
	json_t *all = json_array();

	while (pos && all && (i = next_member(g, pos)) < g->n) {
		json_t *one = json_array_get(per[i], pos[i]++);

		if (!one)
			continue;
		json_object_set_new(one, "link", json_string(g->m[i].l.name));
		json_array_append(all, one);
	}
	free(pos);
	return all;
}

/* {"link", "member", "notify", "state", "requests", "pending"}, or
 * {"link", "member", "held"} while its notify is held. */
static json_t *member_state(const struct hl_gcase_member *m)
{
	char id[HL_MSGID_MAX + 32];

	if (!m->holds && !m->held)	/* its link is gone */
		return json_pack("{s:s, s:b}", "link", m->l.name, "member", m->member);
	if (!m->holds) {
		snprintf(id, sizeof(id), "%s/held/%lld", m->l.name, (long long)m->held);
		return json_pack("{s:s, s:b, s:s}", "link", m->l.name, "member", m->member,
				 "held", id);
	}
	hl_msgid_format(m->l.name, HL_OURS, m->seq, id);
	return json_pack("{s:s, s:b, s:s, s:s, s:i, s:i}", "link", m->l.name,
			 "member", m->member, "notify", id, "state", m->c.state,
			 "requests", (int)m->c.requests, "pending", (int)m->c.pending);
}

static json_t *member_states(const struct hl_gcase *g)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < g->n; i++)
		json_array_append_new(a, member_state(&g->m[i]));
	return a;
}

/* The group case as hl_case_json writes a case, plus "group": {"name",
 * "id"} and "members" (each link the notify went to, member_state());
 * the fields
 * are latest()'s, the state hl_desk_gcase_state's, "opened" the first,
 * "closed" the last close once all are closed; "messages" every
 * member's, merged, each with "link"; no "to". */
static json_t *gcase_obj(const struct hl_gcase *g)
{
	const struct hl_gcase_member *rep = latest(g);
	json_t **per = calloc(g->n ? g->n : 1, sizeof(*per));
	json_t *j = rep ? hl_desk_case_obj(&rep->c) : json_pack("{s:s}", "id", g->id);
	const char *state = hl_desk_gcase_state(g);
	int64_t opened = 0, closed = 0;

	for (size_t i = 0; per && i < g->n; i++) {
		const struct hl_case *c = &g->m[i].c;
		json_t *one;

		if (!g->m[i].holds)
			continue;
		one = hl_desk_case_obj(c);
		per[i] = json_incref(json_object_get(one, "messages"));
		json_decref(one);
		opened = !opened || c->opened < opened ? c->opened : opened;
		closed = c->closed > closed ? c->closed : closed;
	}
	if (j && per) {
		json_object_del(j, "to");
		json_object_set_new(j, "state", json_string(state));
		json_object_set_new(j, "opened", json_integer(opened));
		json_object_set_new(j, "closed", json_integer(strcmp(state, "closed") ? 0 : closed));
		json_object_set_new(j, "group", json_pack("{s:s, s:s}", "name", g->group_name,
							  "id", g->gid));
		json_object_set_new(j, "members", member_states(g));
		json_object_set_new(j, "messages", merged(g, per));
	}
	for (size_t i = 0; per && i < g->n; i++)
		json_decref(per[i]);
	free(per);
	return j;
}

static json_t *member_ack(struct hl_desk *d, const struct hl_desk_req *q,
			  const struct hl_gcase_member *m)
{
	return hl_desk_ack_json(d, &m->l, HL_OURS, m->seq, "notify", m->it.precedence,
				m->it.time, q->now);
}

/* member_state() and its notify's "ack". */
static json_t *member_json(struct hl_desk *d, const struct hl_desk_req *q,
			   const struct hl_gcase_member *m)
{
	json_t *j = member_state(m);

	if (j && m->holds)
		json_object_set_new(j, "ack", member_ack(d, q, m));
	return j;
}

static void totals(const struct hl_gcase *g, int *requests, int *pending)
{
	*requests = *pending = 0;
	for (size_t i = 0; i < g->n; i++) {
		*requests += (int)g->m[i].c.requests;
		*pending += (int)g->m[i].c.pending;
	}
}

json_t *hl_desk_gcase_show(struct hl_desk *d, const struct hl_desk_req *q,
			   const struct hl_gcase *g)
{
	json_t **per = calloc(g->n ? g->n : 1, sizeof(*per));
	json_t *members = json_array(), *res = NULL;
	int requests, pending;

	for (size_t i = 0; per && members && i < g->n; i++) {
		json_array_append_new(members, member_json(d, q, &g->m[i]));
		if (g->m[i].holds)
			per[i] = hl_desk_case_events(d, &g->m[i].l, &g->m[i].c);
	}
	totals(g, &requests, &pending);
	if (per && members)
		res = json_pack("{s:o, s:n, s:{s:s, s:s}, s:i, s:i, s:O, s:o}", "case",
				gcase_obj(g), "link", "group", "name", g->group_name, "id",
				g->gid, "requests", requests, "pending", pending,
				"members", members, "events", merged(g, per));
	for (size_t i = 0; per && i < g->n; i++)
		json_decref(per[i]);
	free(per);
	json_decref(members);
	return res;
}

/* Where the acknowledgments stand, the worst first: overdue, due,
 * acknowledged, none. */
static int ack_rank(const json_t *ack)
{
	static const char *const order[] = {"none", "acked", "due", "overdue"};
	const char *s = json_string_value(json_object_get(ack, "state"));

	for (int i = 3; s && i >= 0; i--)
		if (!strcmp(s, order[i]))
			return i;
	return 0;
}

json_t *hl_desk_gcase_row(struct hl_desk *d, const struct hl_desk_req *q,
			  const struct hl_gcase *g)
{
	const struct hl_gcase_member *first = NULL;
	json_t *ack = NULL;
	int requests, pending;

	for (size_t i = 0; i < g->n; i++) {
		json_t *a;

		if (!g->m[i].holds)
			continue;
		first = first ? first : &g->m[i];
		a = member_ack(d, q, &g->m[i]);
		if (!ack || ack_rank(a) > ack_rank(ack)) {
			json_decref(ack);
			ack = a;
		} else {
			json_decref(a);
		}
	}
	if (!first)
		return NULL;
	totals(g, &requests, &pending);
	return json_pack("{s:o, s:n, s:{s:s, s:s}, s:i, s:s, s:o, s:i, s:i, s:o}", "case",
			 gcase_obj(g), "link", "group", "name", g->group_name, "id", g->gid,
			 "members", (int)g->n, "precedence", first->it.precedence, "ack", ack,
			 "requests", requests, "pending", pending,
			 "title", hl_desk_case_title(d, &first->l, &first->c));
}

/* ---- sending about it ---- */

/* One envelope of the group message about the case, to member i. */
struct part {
	bool to;			/* it goes to this member */
	bool held;			/* held while its link is suspended */
	struct hl_buf content;
	char held_id[HL_MSGID_MAX + 32];
	uint64_t seq;
	int result;
};

struct gpost {
	struct hl_gcase *g;
	struct part *p;			/* one per member of g */
	size_t k;			/* how many it goes to */
	char gid[HL_GROUP_ID_HEX + 1];
	const char **names;		/* an open group's members' card names */
	const char *kind;
	enum hl_precedence prec;
};

static void gpost_free(struct gpost *gp)
{
	for (size_t i = 0; gp->p && i < gp->g->n; i++) {
		if (gp->p[i].content.data)
			sodium_memzero(gp->p[i].content.data, gp->p[i].content.cap);
		hl_buf_free(&gp->p[i].content);
	}
	free(gp->p);
	free(gp->names);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Who gets it: a link that holds the case open, live, a member now;
 * false with e filled when no one does or a suspension's check fails. */
static bool targets(struct hl_desk *d, const struct hl_desk_req *q, struct gpost *gp,
		    struct hl_desk_err *e)
{
	struct hl_gcase *g = gp->g;
	int r = members_now(d, g);

	if (r < 0) {
		hl_desk_fail_code(e, r, g->group_name);
		return false;
	}
	for (size_t i = 0; i < g->n; i++) {
		const struct hl_gcase_member *m = &g->m[i];

		gp->p[i].to = m->holds && m->member && !m->l.archived && !m->l.archiving &&
			      !strcmp(m->c.state, "open");
		if (!gp->p[i].to)
			continue;
		r = hl_desk_holds(d, q, m->l.name, gp->kind, e);
		if (r < 0)
			return false;
		gp->p[i].held = r > 0;
		gp->k++;
	}
	if (!gp->k)
		hl_desk_fail(e, 409, "case %s: no member of group %s holds it open now", g->id,
			     g->group_name);
	return gp->k > 0;
}

/* The content's "group": a fresh id; an open group's names of those it
 * goes to, in byte order. */
static int group_of(struct hl_desk *d, struct gpost *gp, struct hl_content *c)
{
	unsigned char id[HL_GROUP_ID_HEX / 2];
	struct hl_group grp;
	size_t k = 0;
	int r = hl_store_group_get(d->st, gp->g->group_name, &grp);

	if (r < 0)
		return r;
	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(gp->gid, sizeof(gp->gid), id, sizeof(id));
	c->has_group = true;
	memset(&c->group, 0, sizeof(c->group));
	memcpy(c->group.id, gp->gid, sizeof(gp->gid));
	if (!grp.open)
		return 0;
	gp->names = calloc(gp->k, sizeof(*gp->names));
	if (!gp->names)
		return -ENOMEM;
	for (size_t i = 0; i < gp->g->n; i++)
		if (gp->p[i].to)
			gp->names[k++] = gp->g->m[i].l.card.name;
	qsort(gp->names, k, sizeof(*gp->names), by_name);
	c->group.open = true;
	snprintf(c->group.name, sizeof(c->group.name), "%s", grp.name);
	c->group.members = gp->names;
	c->group.nmembers = k;
	return 0;
}

/* Each member's content: the same but for the case it names, its own
 * link's notify. */
static int compose(struct hl_desk *d, struct gpost *gp, struct hl_content *c)
{
	int r = 0;

	c->has_case = true;
	for (size_t i = 0; r == 0 && i < gp->g->n; i++) {
		const struct hl_gcase_member *m = &gp->g->m[i];

		hl_buf_init(&gp->p[i].content, 2 * HL_PLAIN_MAX);
		if (!gp->p[i].to)
			continue;
		r = hl_desk_ref(d, &m->l, HL_OURS, m->seq, &c->case_ref);
		if (r == 0)
			r = hl_content_write(c, &gp->p[i].content);
	}
	return r;
}

/* Holds or appends each member's content, with the record of what
 * went to whom (groupout.h); each member's outcome into gp. */
static int deliver_all(struct hl_desk *d, const struct hl_desk_req *q, struct gpost *gp)
{
	struct hl_gmsg g = {.group = gp->g->group, .kind = gp->kind, .prec = gp->prec,
			    .n = gp->g->n};
	int r;

	g.out = calloc(g.n ? g.n : 1, sizeof(*g.out));
	if (!g.out)
		return -ENOMEM;
	memcpy(g.gid, gp->gid, sizeof(g.gid));
	for (size_t i = 0; i < g.n; i++)
		g.out[i] = (struct hl_gout){.l = &gp->g->m[i].l, .content = &gp->p[i].content,
			.to = gp->p[i].to, .held = gp->p[i].held, .result = gp->p[i].result};
	r = hl_desk_gmsg_deliver(d, q, &g);
	for (size_t i = 0; i < g.n; i++) {
		gp->p[i].seq = g.out[i].seq;
		gp->p[i].result = g.out[i].result;
		memcpy(gp->p[i].held_id, g.out[i].held_id, sizeof(gp->p[i].held_id));
	}
	hl_desk_gmsg_free(&g);
	return r;
}

/* A group send's answer (groupsend.c) with "case": {"group", "id",
 * "kind", "precedence", "case", "members": [{"link", "seq", "id"} |
 * {"link", "held"} | {"link", "error"}], "sent", "held", "failed"}. */
static json_t *answer(const struct gpost *gp)
{
	json_t *a = json_array(), *j;
	json_int_t sent = 0, held = 0, failed = 0;

	for (size_t i = 0; a && i < gp->g->n; i++) {
		const struct part *p = &gp->p[i];
		const char *link = gp->g->m[i].l.name;
		char id[HL_MSGID_MAX + 1];

		if (!p->to)
			continue;
		if (p->result < 0) {
			j = json_pack("{s:s, s:s}", "link", link, "error", hl_strerror(p->result));
			failed++;
		} else if (p->held_id[0]) {
			j = json_pack("{s:s, s:s}", "link", link, "held", p->held_id);
			held++;
		} else {
			hl_msgid_format(link, HL_OURS, p->seq, id);
			j = json_pack("{s:s, s:I, s:s}", "link", link, "seq", (json_int_t)p->seq,
				      "id", id);
			sent++;
		}
		json_array_append_new(a, j);
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:I}", "group",
			 gp->g->group_name, "id", gp->gid, "kind", gp->kind, "precedence",
			 hl_precedence_name(gp->prec), "case", gp->g->id, "members", a,
			 "sent", sent, "held", held, "failed", failed);
}

static json_t *deliver(struct hl_desk *d, const struct hl_desk_req *q, struct gpost *gp,
		       struct hl_content *m, struct hl_desk_err *e)
{
	int r;

	if (!targets(d, q, gp, e))
		return NULL;
	r = group_of(d, gp, m);
	if (r == 0)
		r = compose(d, gp, m);
	if (r == -HL_EUTF8)
		return hl_desk_fail(e, 400, "the message is not UTF-8 text");
	if (r == 0)
		r = deliver_all(d, q, gp);
	if (r < 0)
		return hl_desk_fail_code(e, r, gp->g->id);
	for (size_t i = 0; i < gp->g->n; i++)
		if (gp->p[i].to && !gp->p[i].held && gp->p[i].result == 0 &&
		    (m->text.len || m->has_summary))
			hl_desk_lang_note(d, &gp->g->m[i].l, q->now, m->text.lang,
					  m->has_summary ? m->summary.lang : NULL);
	return answer(gp);
}

json_t *hl_desk_gcase_post(struct hl_desk *d, const struct hl_desk_req *q,
			   enum hl_right right, struct hl_gcase *g, struct hl_content *m,
			   enum hl_precedence prec, struct hl_desk_err *e)
{
	struct gpost gp = {.g = g, .kind = m->type, .prec = prec};
	json_t *res = NULL;

	gp.p = calloc(g->n ? g->n : 1, sizeof(*gp.p));
	if (!gp.p)
		return hl_desk_fail(e, 503, "out of memory");
	hl_desk_sign_as(q, right, m);
	/* As a group send: no removal falls between the members read and
	 * the record of what went where. */
	pthread_mutex_lock(&d->shared->groups);
	res = deliver(d, q, &gp, m, e);
	pthread_mutex_unlock(&d->shared->groups);
	gpost_free(&gp);
	return res;
}
