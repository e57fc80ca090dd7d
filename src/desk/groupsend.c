/* groupsend.c - a message to a group (DESIGN.md decision 12;
 * docs/protocol.md 8.16): POST /v1/send and POST /v1/check/run with
 * "group" instead of "to" or "link".
 *
 * Each member now gets its own envelope on its own bilateral link, its
 * content sealed for that member alone, so no key of the message is
 * ever wrapped for anyone else; every envelope carries the same group
 * id, and a notify's one case number, so the case SENDER#N is the same
 * at every member.  A confidential group's content says nothing about
 * the other members; an open group's names them all.  The groups mutex
 * is held from reading the members to the record of what went where, so
 * a removal never falls in the middle of a send: a member removed
 * receives nothing sent to the group after the removal.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "actions.h"
#include "deskpriv.h"
#include "error.h"
#include "groupmsg.h"
#include "groupout.h"
#include "groups.h"
#include "text.h"
#include "transcript.h"
#include "writer.h"

/* One member now, and what became of its envelope. */
struct gmember {
	struct hl_link l;
	bool have;			/* l was read */
	bool held;			/* held while its link is suspended */
	char held_id[HL_MSGID_MAX + 32];
	uint64_t seq;
	int result;
};

struct gsend {
	struct hl_group g;
	const char *kind;
	enum hl_precedence prec;
	struct gmember *m;
	size_t n, cap;
	char gid[HL_GROUP_ID_HEX + 1];
	const char **names;		/* an open group's members' card names */
};

static int add_member(void *ctx, const struct hl_group_member *gm)
{
	struct gsend *gs = ctx;
	struct gmember *m;

	if (gs->n == gs->cap) {
		size_t cap = gs->cap ? 2 * gs->cap : 16;

		m = realloc(gs->m, cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		gs->m = m;
		gs->cap = cap;
	}
	m = &gs->m[gs->n++];
	memset(m, 0, sizeof(*m));
	snprintf(m->l.name, sizeof(m->l.name), "%s", gm->name);
	return 0;
}

static void gsend_free(struct gsend *gs)
{
	for (size_t i = 0; i < gs->n; i++)
		if (gs->m[i].have)
			hl_link_free(&gs->m[i].l);
	free(gs->m);
	free(gs->names);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The members now, each link read, and whether it holds the message;
 * false with e filled. */
static bool members(struct hl_desk *d, const struct hl_desk_req *q, struct gsend *gs,
		    struct hl_desk_err *e)
{
	int r = hl_store_group_members(d->st, gs->g.id, false, add_member, gs);

	if (r < 0) {
		hl_desk_fail_code(e, r, gs->g.name);
		return false;
	}
	if (gs->n == 0) {
		hl_desk_fail(e, 409, "group %s has no members: add some with 'hotline group add'",
			     gs->g.name);
		return false;
	}
	for (size_t i = 0; i < gs->n; i++) {
		struct gmember *m = &gs->m[i];
		char name[HL_NAME_MAX + 1];

		snprintf(name, sizeof(name), "%s", m->l.name);
		m->have = hl_store_link_get(d->st, name, &m->l) == 0;
		if (!m->have) {
			memset(&m->l, 0, sizeof(m->l));
			snprintf(m->l.name, sizeof(m->l.name), "%s", name);
			m->result = -HL_ENOLINK;
			continue;
		}
		r = hl_desk_holds(d, q, name, gs->kind, e);
		if (r < 0)
			return false;
		m->held = r > 0;
	}
	return true;
}

/* Whether m gets the message (sent or held): a link read, not archived. */
static bool reached(const struct gmember *m)
{
	return m->have && !m->l.archived && !m->l.archiving;
}

/* The content's "group": a fresh id; an open group's members by their
 * cards' names, in byte order. */
static int group_member(struct gsend *gs, struct hl_content *c)
{
	unsigned char id[HL_GROUP_ID_HEX / 2];
	size_t k = 0;

	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(gs->gid, sizeof(gs->gid), id, sizeof(id));
	c->has_group = true;
	memcpy(c->group.id, gs->gid, sizeof(gs->gid));
	if (!gs->g.open)
		return 0;
	gs->names = calloc(gs->n, sizeof(*gs->names));
	if (!gs->names)
		return -ENOMEM;
	for (size_t i = 0; i < gs->n; i++)
		if (reached(&gs->m[i]))
			gs->names[k++] = gs->m[i].l.card.name;
	qsort(gs->names, k, sizeof(*gs->names), by_name);
	c->group.open = true;
	snprintf(c->group.name, sizeof(c->group.name), "%s", gs->g.name);
	c->group.members = gs->names;
	c->group.nmembers = k;
	return 0;
}

/* Holds or appends the content for every member, with the record of
 * what went to whom (groupout.h); each member's outcome into gs. */
static int deliver_all(struct hl_desk *d, const struct hl_desk_req *q, struct gsend *gs,
		       const struct hl_buf *content, uint64_t case_no)
{
	struct hl_gmsg g = {.group = gs->g.id, .kind = gs->kind, .prec = gs->prec,
			    .case_no = case_no, .n = gs->n};
	int r;

	g.out = calloc(gs->n ? gs->n : 1, sizeof(*g.out));
	if (!g.out)
		return -ENOMEM;
	memcpy(g.gid, gs->gid, sizeof(g.gid));
	for (size_t i = 0; i < gs->n; i++)
		g.out[i] = (struct hl_gout){.l = &gs->m[i].l, .content = content,
			.to = gs->m[i].have, .held = gs->m[i].held && reached(&gs->m[i]),
			.result = gs->m[i].result};
	r = hl_desk_gmsg_deliver(d, q, &g);
	for (size_t i = 0; i < gs->n; i++) {
		gs->m[i].seq = g.out[i].seq;
		gs->m[i].result = g.out[i].result;
		memcpy(gs->m[i].held_id, g.out[i].held_id, sizeof(gs->m[i].held_id));
	}
	hl_desk_gmsg_free(&g);
	return r;
}

/* {"group", "id", "kind", "precedence", "case"?, "members": [{"link",
 * "seq", "id"} | {"link", "held"} | {"link", "error"}], "sent", "held",
 * "failed"}, members in name order. */
static json_t *answer(struct hl_desk *d, const struct gsend *gs, uint64_t case_no)
{
	json_t *a = json_array(), *j;
	unsigned sent = 0, held = 0, failed = 0;

	for (size_t i = 0; a && i < gs->n; i++) {
		const struct gmember *m = &gs->m[i];
		char id[HL_MSGID_MAX + 1];

		if (m->result < 0) {
			j = json_pack("{s:s, s:s}", "link", m->l.name, "error",
				      hl_strerror(m->result));
			failed++;
		} else if (m->held_id[0]) {
			j = json_pack("{s:s, s:s}", "link", m->l.name, "held", m->held_id);
			held++;
		} else {
			hl_msgid_format(m->l.name, HL_OURS, m->seq, id);
			j = json_pack("{s:s, s:I, s:s}", "link", m->l.name, "seq",
				      (json_int_t)m->seq, "id", id);
			sent++;
		}
		json_array_append_new(a, j);
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:o, s:I, s:I, s:I}", "group", gs->g.name,
		      "id", gs->gid, "kind", gs->kind, "precedence",
		      hl_precedence_name(gs->prec), "members", a, "sent", (json_int_t)sent,
		      "held", (json_int_t)held, "failed", (json_int_t)failed);
	if (j && case_no) {
		char cid[HL_CASE_ID_MAX + 1];

		hl_case_id(d->me->card.name, case_no, cid);
		json_object_set_new(j, "case", json_string(cid));
	}
	return j;
}

/* Composes c for every member and sends or holds it; the groups mutex
 * is held by the caller. */
static json_t *deliver(struct hl_desk *d, const struct hl_desk_req *q, struct gsend *gs,
		       struct hl_content *c, struct hl_desk_err *e)
{
	struct hl_buf content;
	uint64_t case_no = 0;
	json_t *res = NULL;
	int r;

	if (!members(d, q, gs, e))
		return NULL;
	hl_buf_init(&content, 2 * HL_PLAIN_MAX);
	r = group_member(gs, c);
	if (r == 0 && strcmp(gs->kind, "notify") == 0)
		r = hl_desk_case_number(d, &case_no);
	c->has_number = case_no != 0;
	c->number = case_no;
	hl_desk_sign_as(q, HL_RIGHT_SEND, c);
	if (r == 0)
		r = hl_content_write(c, &content);
	if (r < 0) {
		if (case_no)
			hl_desk_case_number_release(d, case_no);
		hl_buf_free(&content);
		return r == -HL_EUTF8 ? hl_desk_fail(e, 400, "the message is not UTF-8 text") :
			hl_desk_fail_code(e, r, gs->g.name);
	}
	r = deliver_all(d, q, gs, &content, case_no);
	if (r < 0)
		hl_desk_fail_code(e, r, gs->g.name);
	else
		res = answer(d, gs, case_no);
	if (content.data)
		sodium_memzero(content.data, content.cap);
	hl_buf_free(&content);
	return res;
}

/* The group named by "group", and the groups mutex taken around the
 * delivery. */
static json_t *to_group(struct hl_desk *d, const struct hl_desk_req *q, const char *name,
			const char *kind, enum hl_precedence prec, struct hl_content *c,
			struct hl_desk_err *e)
{
	struct gsend gs = {.kind = kind, .prec = prec};
	json_t *res;
	int r = hl_store_group_get(d->st, name, &gs.g);

	if (r == -ENOENT)
		return hl_desk_fail(e, 404, "no group named %s ('hotline group list')", name);
	if (r < 0)
		return hl_desk_fail_code(e, r, name);
	pthread_mutex_lock(&d->shared->groups);
	res = deliver(d, q, &gs, c, e);
	pthread_mutex_unlock(&d->shared->groups);
	gsend_free(&gs);
	return res;
}

/* What a group notify may give: a notification, or a check. */
static bool group_kind(const char *kind, struct hl_desk_err *e)
{
	if (!strcmp(kind, "notify") || !strcmp(kind, "check"))
		return true;
	hl_desk_fail(e, 400, "kind: %s: a group message is a notify or a check", kind);
	return false;
}

/* POST /v1/send with "group": {"group", "text", "lang"?, "summary"?,
 * "summary_lang"?, "precedence"?, "kind"?, "category"?, "tlp"?,
 * "severity"?, "stix"?, "override"?}. */
json_t *hl_desk_group_send(struct hl_desk *d, const struct hl_desk_req *q,
			   struct hl_desk_err *e)
{
	struct hl_content c = {0};
	const char *name = NULL, *kind = "notify", *summary = NULL, *slang = NULL;
	enum hl_precedence prec;
	json_t *stix = NULL;

	if (json_object_get(q->args, "to") || json_object_get(q->args, "case"))
		return hl_desk_fail(e, 400, "a message goes to a group or to a link (--to), "
				    "not both, and opens a case of its own (no --case)");
	if (!hl_desk_args_only(q, e, "group", "text", "precedence", "kind", "lang", "summary",
			       "summary_lang", "category", "tlp", "severity", "stix", "override",
			       NULL) ||
	    !hl_desk_arg_need(q, "group", &name, e) || !hl_desk_arg_str(q, "kind", &kind, e) ||
	    !group_kind(kind ? kind : "notify", e) ||
	    !hl_act_precedence(q, HL_ROUTINE, &prec, e) || !hl_desk_may_send_at(q, prec, e) ||
	    !hl_act_text(q, true, &c.text, e) || !hl_desk_arg_str(q, "summary", &summary, e) ||
	    !hl_desk_arg_str(q, "summary_lang", &slang, e) || !hl_act_lang_valid(slang, e) ||
	    !hl_desk_arg_str(q, "category", &c.category, e) ||
	    !hl_desk_arg_str(q, "tlp", &c.tlp, e) || !hl_desk_arg_str(q, "severity", &c.severity, e) ||
	    !hl_act_stix(q, &stix, e))
		return NULL;
	kind = kind ? kind : "notify";
	if (strcmp(kind, "notify") && (c.category || c.tlp || c.severity || stix))
		return hl_desk_fail(e, 400, "a message of type %s carries no category, TLP, "
				    "severity or STIX", kind);
	if (!hl_desk_fields_valid(c.category, c.tlp, c.severity, e))
		return NULL;
	if (slang && !summary)
		return hl_desk_fail(e, 400, "a summary's language needs a summary");
	snprintf(c.type, sizeof(c.type), "%s", kind);
	if (summary) {
		c.has_summary = true;
		c.summary.text = summary;
		c.summary.len = json_string_length(json_object_get(q->args, "summary"));
		snprintf(c.summary.lang, sizeof(c.summary.lang), "%s", slang ? slang : c.text.lang);
	}
	c.stix = stix;
	return to_group(d, q, name, kind, prec, &c, e);
}

/* POST /v1/check/run with "group": {"group", "precedence"?}, a
 * communication check to every member (IMMEDIATE unless given). */
json_t *hl_desk_group_check(struct hl_desk *d, const struct hl_desk_req *q,
			    struct hl_desk_err *e)
{
	char when[HL_TIME_LEN + 1], text[HL_NAME_MAX + 64];
	struct hl_content c = {.type = "check"};
	enum hl_precedence prec;
	const char *name = NULL;

	if (json_object_get(q->args, "link"))
		return hl_desk_fail(e, 400, "a check goes to a group or to a link, not both");
	if (!hl_desk_args_only(q, e, "group", "precedence", NULL) ||
	    !hl_desk_arg_need(q, "group", &name, e) ||
	    !hl_act_precedence(q, HL_IMMEDIATE, &prec, e) || !hl_desk_may_send_at(q, prec, e))
		return NULL;
	hl_time_format(q->now, when);
	c.text.len = (size_t)snprintf(text, sizeof(text), "Communication check from %s at %s",
				      d->me->card.name, when);
	c.text.text = text;
	memcpy(c.text.lang, "en", 3);
	return to_group(d, q, name, "check", prec, &c, e);
}

struct listing {
	json_t *res, *members;
	const struct hl_desk *d;
};

static int listed(void *ctx, const struct hl_group_envelope *ge)
{
	struct listing *ls = ctx;
	char id[HL_MSGID_MAX + 32];
	json_t *m;

	if (!ls->res) {
		ls->members = json_array();
		ls->res = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:o}", "id", ge->gid,
				    "group", ge->group_name, "kind", ge->kind, "precedence",
				    hl_precedence_name(ge->precedence), "time", (json_int_t)ge->time,
				    "operator", ge->op, "members", ls->members);
		if (!ls->res)
			return -ENOMEM;
		if (ge->case_no) {
			char cid[HL_CASE_ID_MAX + 1];

			hl_case_id(ls->d->me->card.name, ge->case_no, cid);
			json_object_set_new(ls->res, "case", json_string(cid));
		}
	}
	if (ge->seq) {
		hl_msgid_format(ge->link_name, HL_OURS, ge->seq, id);
		m = json_pack("{s:s, s:I, s:s}", "link", ge->link_name, "seq", (json_int_t)ge->seq,
			      "id", id);
	} else {
		m = json_object();
	}
	/* Held, and once released its envelope beside (groupboard.h). */
	if (m && ge->held) {
		snprintf(id, sizeof(id), "%s/held/%lld", ge->link_name, (long long)ge->held);
		json_object_set_new(m, "link", json_string(ge->link_name));
		json_object_set_new(m, "held", json_string(id));
	}
	return json_array_append_new(ls->members, m) < 0 ? -ENOMEM : 0;
}

/* GET /v1/group/message?id=GID: which envelope went to which member
 * for one group message, as the owner recorded it: {"id", "group",
 * "kind", "precedence", "time", "operator", "case"?, "members": [{"link",
 * "seq", "id"} | {"link", "held"}]}, members in name order. */
json_t *hl_desk_group_message(struct hl_desk *d, const struct hl_desk_req *q,
			      struct hl_desk_err *e)
{
	struct listing ls = {.d = d};
	const char *gid = NULL;
	int r;

	if (!hl_desk_args_only(q, e, "id", NULL) || !hl_desk_arg_need(q, "id", &gid, e))
		return NULL;
	if (!hl_content_group_id_valid(gid, strlen(gid)))
		return hl_desk_fail(e, 400, "%s: not a group message id (32 lowercase hex digits)",
				    gid);
	r = hl_store_group_envelopes(d->st, gid, listed, &ls);
	if (r < 0) {
		json_decref(ls.res);
		return hl_desk_fail_code(e, r, gid);
	}
	if (!ls.res)
		return hl_desk_fail(e, 404, "no group message %s sent by this party", gid);
	return ls.res;
}
