/* groups.c - the desk's groups of links (DESIGN.md decision 12): a
 * named set of this party's confirmed links, kept at the owner with
 * the history of its membership (store/groups.h).
 *
 * Supervisors and admins make groups and change their members; any
 * operator lists them.  The links of one add, or of one remove, change
 * together or not at all.  A removal holds the desk's groups mutex, as
 * a send to the group does, so that a member removed receives nothing
 * sent to the group after its removal.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deskcase.h"
#include "deskpriv.h"
#include "error.h"
#include "groups.h"
#include "text.h"

static json_t *group_json(const struct hl_group *g)
{
	return json_pack("{s:s, s:b, s:I, s:s, s:I}", "name", g->name, "open", g->open,
			 "created", (json_int_t)g->created, "created_by", g->created_by,
			 "members", (json_int_t)g->members);
}

/* The group that argument "name" names; false with e filled. */
static bool named_group(struct hl_desk *d, const struct hl_desk_req *q, struct hl_group *g,
			struct hl_desk_err *e)
{
	const char *name;
	int r;

	if (!hl_desk_arg_need(q, "name", &name, e))
		return false;
	if (!hl_name_valid(name, strlen(name))) {
		hl_desk_fail(e, 400, "name: %s", hl_strerror(-HL_ENAME));
		return false;
	}
	r = hl_store_group_get(d->st, name, g);
	if (r == -ENOENT)
		hl_desk_fail(e, 404, "no group is named %s ('hotline group list' shows them)", name);
	else if (r < 0)
		hl_desk_fail(e, 503, "%s: the store failed: %s", name, hl_store_errmsg(d->st));
	return r == 0;
}

/* "links": a list of one or more link names; false with e filled. */
static bool links_arg(const struct hl_desk_req *q, json_t **links, struct hl_desk_err *e)
{
	size_t i;
	json_t *v;

	*links = json_object_get(q->args, "links");
	if (!json_is_array(*links) || json_array_size(*links) == 0) {
		hl_desk_fail(e, 400, "links: give a list of one or more link names");
		return false;
	}
	json_array_foreach(*links, i, v)
		if (!json_is_string(v)) {
			hl_desk_fail(e, 400, "links: give a list of one or more link names");
			return false;
		}
	return true;
}

/* Whether l is suspended now, by either side; -1 with e filled. */
static int suspended(struct hl_desk *d, const struct hl_link *l, int64_t now,
		     struct hl_desk_err *e)
{
	json_t *st = hl_desk_link_state(d, l->name, now);
	const char *s = json_string_value(json_object_get(st, "state"));
	int r = s ? strcmp(s, "suspended") == 0 : -1;

	if (r < 0)
		hl_desk_fail(e, 503, "%s: the store failed: %s", l->name, hl_store_errmsg(d->st));
	json_decref(st);
	return r;
}

/* The link named name, if it may join a group: confirmed, neither
 * archived nor being archived, not suspended.  Its id; 0 with e filled. */
static int64_t joinable(struct hl_desk *d, const struct hl_desk_req *q, const char *name,
			struct hl_desk_err *e)
{
	struct hl_link l;
	int64_t id = 0;
	int s;

	if (!hl_desk_link(d, name, &l, e))
		return 0;
	if (!l.confirmed)
		hl_desk_fail(e, 409, "link %s is not confirmed: confirm its fingerprint first",
			     l.name);
	else if (l.archived || l.archiving)
		hl_desk_fail(e, 409, "link %s is archived or being archived", l.name);
	else if ((s = suspended(d, &l, q->now, e)) > 0)
		hl_desk_fail(e, 409, "link %s is suspended: resume it first", l.name);
	else if (s == 0)
		id = l.id;
	hl_link_free(&l);
	return id;
}

/* The ids of the links named in "links", each checked by check (or only
 * looked up when check is NULL); NULL with e filled. */
static int64_t *link_ids(struct hl_desk *d, const struct hl_desk_req *q, json_t *links,
			 bool check, struct hl_desk_err *e)
{
	int64_t *ids = calloc(json_array_size(links), sizeof(*ids));
	struct hl_link l;
	size_t i;
	json_t *v;

	if (!ids) {
		hl_desk_fail(e, 503, "out of memory");
		return NULL;
	}
	json_array_foreach(links, i, v) {
		if (check) {
			ids[i] = joinable(d, q, json_string_value(v), e);
		} else if (hl_desk_link(d, json_string_value(v), &l, e)) {
			ids[i] = l.id;
			hl_link_free(&l);
		}
		if (!ids[i]) {
			free(ids);
			return NULL;
		}
	}
	return ids;
}

/* The group as it now is, with the names that changed as key (when
 * links is not NULL); NULL with e filled. */
static json_t *changed(struct hl_desk *d, const char *name, const char *key, json_t *links,
		       struct hl_desk_err *e)
{
	struct hl_group g;
	json_t *res;
	int r = hl_store_group_get(d->st, name, &g);

	if (r < 0)
		return hl_desk_fail(e, 503, "%s: the store failed: %s", name,
				    hl_store_errmsg(d->st));
	res = group_json(&g);
	if (res && links)
		json_object_set(res, key, links);
	return res;
}

json_t *hl_desk_group_create(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	const char *name;
	bool open = false;
	int r;

	if (!hl_desk_args_only(q, e, "name", "open", NULL) ||
	    !hl_desk_arg_need(q, "name", &name, e) || !hl_desk_arg_bool(q, "open", &open, e))
		return NULL;
	r = hl_store_group_create(d->st, name, open, q->now, q->op->name);
	if (r == -HL_ENAME)
		return hl_desk_fail(e, 400, "name: %s", hl_strerror(r));
	if (r == -EEXIST)
		return hl_desk_fail(e, 409, "a group is already named %s", name);
	if (r < 0)
		return hl_desk_fail(e, 503, "%s: the store failed: %s", name,
				    hl_store_errmsg(d->st));
	return changed(d, name, NULL, NULL, e);
}

/* Adds (or removes) every link of ids to (from) g in one transaction;
 * the first refused undoes them all.  0, or -1 with e filled. */
static int change_all(struct hl_desk *d, const struct hl_desk_req *q, const struct hl_group *g,
		      json_t *links, const int64_t *ids, bool add, struct hl_desk_err *e)
{
	size_t i, n = json_array_size(links);
	int r = hl_store_begin(d->st);

	for (i = 0; r == 0 && i < n; i++)
		r = add ? hl_store_group_add(d->st, g->id, ids[i], q->now) :
			  hl_store_group_remove(d->st, g->id, ids[i], q->now);
	if (r == 0)
		r = hl_store_commit(d->st);
	else
		hl_store_rollback(d->st);
	if (r == -EEXIST)
		hl_desk_fail(e, 409, "link %s is already a member of group %s",
			     json_string_value(json_array_get(links, i - 1)), g->name);
	else if (r == -ENOENT)
		hl_desk_fail(e, 409, "link %s is not a member of group %s",
			     json_string_value(json_array_get(links, i - 1)), g->name);
	else if (r < 0)
		hl_desk_fail(e, 503, "%s: the store failed: %s", g->name, hl_store_errmsg(d->st));
	return r < 0 ? -1 : 0;
}

json_t *hl_desk_group_add(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	struct hl_group g;
	json_t *links, *res = NULL;
	int64_t *ids;

	if (!hl_desk_args_only(q, e, "name", "links", NULL) || !named_group(d, q, &g, e) ||
	    !links_arg(q, &links, e))
		return NULL;
	ids = link_ids(d, q, links, true, e);
	if (ids && change_all(d, q, &g, links, ids, true, e) == 0)
		res = changed(d, g.name, "added", links, e);
	free(ids);
	return res;
}

json_t *hl_desk_group_remove(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	struct hl_group g;
	json_t *links, *res = NULL;
	int64_t *ids;
	int r;

	if (!hl_desk_args_only(q, e, "name", "links", NULL) || !named_group(d, q, &g, e) ||
	    !links_arg(q, &links, e))
		return NULL;
	ids = link_ids(d, q, links, false, e);
	if (!ids)
		return NULL;
	/* Never between a send to the group choosing its members and
	 * sealing their envelopes. */
	pthread_mutex_lock(&d->shared->groups);
	r = change_all(d, q, &g, links, ids, false, e);
	pthread_mutex_unlock(&d->shared->groups);
	if (r == 0)
		res = changed(d, g.name, "removed", links, e);
	free(ids);
	return res;
}

static int list_one(void *ctx, const struct hl_group *g)
{
	return json_array_append_new(ctx, group_json(g)) < 0 ? -ENOMEM : 0;
}

json_t *hl_desk_groups(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	json_t *list;
	int r;

	if (!hl_desk_args_only(q, e, NULL))
		return NULL;
	list = json_array();
	r = list ? hl_store_group_each(d->st, list_one, list) : -ENOMEM;
	if (r < 0) {
		json_decref(list);
		return hl_desk_fail_code(e, r, "groups");
	}
	return json_pack("{s:o}", "groups", list);
}

static int member_one(void *ctx, const struct hl_group_member *m)
{
	json_t *o = json_pack("{s:s, s:I, s:o}", "link", m->name, "added", (json_int_t)m->added,
			      "removed", m->removed ? json_integer(m->removed) : json_null());

	return json_array_append_new(ctx, o) < 0 ? -ENOMEM : 0;
}

json_t *hl_desk_group_show(struct hl_desk *d, const struct hl_desk_req *q,
			   struct hl_desk_err *e)
{
	struct hl_group g;
	bool all = false;
	json_t *res, *list;
	int r;

	if (!hl_desk_args_only(q, e, "name", "all", NULL) || !named_group(d, q, &g, e) ||
	    !hl_desk_arg_bool(q, "all", &all, e))
		return NULL;
	list = json_array();
	r = list ? hl_store_group_members(d->st, g.id, all, member_one, list) : -ENOMEM;
	if (r < 0) {
		json_decref(list);
		return hl_desk_fail_code(e, r, g.name);
	}
	res = group_json(&g);
	json_object_set_new(res, "links", list);
	return res;
}
