/* feedgroup.c - a group's API root on the TAXII door (feedpriv.h;
 * docs/feeds.md "Group API roots").  At the owner, each group is the
 * root "group_NAME": a party name never holds '_', so no link's root
 * is spelt so.  Its collections are a link's kinds (a TLP level each
 * within the reader's clearance, then the group's cases that carried
 * objects); what each holds is the store's (stixobj.h,
 * hl_store_stix_group_each), its pages feedpage.c's as on a link. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deskpriv.h"
#include "error.h"
#include "feedpriv.h"
#include "groups.h"
#include "index.h"
#include "stixfeed.h"
#include "stixobj.h"

#define PREFIX "group_"

bool feed_is_group(const char *root)
{
	return strncmp(root, PREFIX, strlen(PREFIX)) == 0;
}

struct roots {
	const char *base;
	json_t *urls;
};

static int root_one(void *ctx, const struct hl_group *g)
{
	struct roots *rs = ctx;

	return json_array_append_new(rs->urls,
				     json_sprintf("%s/taxii2/" PREFIX "%s/", rs->base, g->name));
}

int feed_group_roots(struct hl_store *st, const char *base, json_t *urls)
{
	struct roots rs = {.base = base, .urls = urls};

	return hl_store_group_each(st, root_one, &rs);
}

/* The names of every link ever a member (duplicates are harmless). */
struct names {
	char (*name)[HL_NAME_MAX + 1];
	size_t n, cap;
};

static int name_one(void *ctx, const struct hl_group_member *m)
{
	struct names *ns = ctx;

	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 16;
		void *p = realloc(ns->name, cap * sizeof(*ns->name));

		if (!p)
			return -1;
		ns->name = p;
		ns->cap = cap;
	}
	snprintf(ns->name[ns->n++], HL_NAME_MAX + 1, "%s", m->name);
	return 0;
}

/* Brings the index of each link ever a member of group up to date. */
static int update_members(struct hl_store *st, const struct hl_party *me, int64_t group)
{
	struct names ns = {0};
	uint64_t added = 0;
	int r = hl_store_group_members(st, group, true, name_one, &ns);

	for (size_t i = 0; r == 0 && i < ns.n; i++) {
		struct hl_link l;

		if (hl_store_link_get(st, ns.name[i], &l) < 0)
			continue;	/* a link gone: its rows went with it */
		r = hl_index_update(st, me, &l, &added);
		hl_link_free(&l);
	}
	free(ns.name);
	return r;
}

int feed_group_root(struct hl_store *st, const struct hl_party *me, const char *root,
		    int64_t *group, struct hl_desk_err *e)
{
	struct hl_group g;
	int r = feed_is_group(root) ? hl_store_group_get(st, root + strlen(PREFIX), &g) :
		-ENOENT;

	if (r < 0 && r != -HL_ESTORE) {	/* no such group, or a name none has */
		hl_desk_fail(e, 404, "no such API root: %s", root);
		return -1;
	}
	if (r == 0)
		r = update_members(st, me, g.id);
	if (r < 0) {
		hl_desk_fail(e, 503, "the store cannot be read");
		return -1;
	}
	*group = g.id;
	return 0;
}

static void coll_tlp(const char *me, const char *root, int tlp, struct feed_coll *c)
{
	feed_coll_tlp(me, root, tlp, c);
	snprintf(c->description, sizeof(c->description),
		 "The STIX objects of group %s on its members' links marked %s",
		 root + strlen(PREFIX), hl_stixfeed_level_code(tlp));
}

struct cases {
	const char *me, *root;
	int (*fn)(void *ctx, const struct feed_coll *c);
	void *ctx;
};

static int case_one(void *ctx, const char *name)
{
	struct cases *x = ctx;
	struct feed_coll c = {.tlp = -1, .case_side = 0};
	char *hash;

	snprintf(c.case_name, sizeof(c.case_name), "%s", name);
	snprintf(c.alias, sizeof(c.alias), "case-%s", name);
	hash = strchr(c.alias, '#');
	if (hash)
		*hash = '-';
	snprintf(c.title, sizeof(c.title), "Case %s", name);
	snprintf(c.description, sizeof(c.description),
		 "The STIX objects of group case %s, on the links of group %s", name,
		 x->root + strlen(PREFIX));
	hl_taxii_uuid(x->me, x->root, c.alias, c.id);
	return x->fn(x->ctx, &c);
}

static int collections(struct hl_store *st, const char *me, const char *root, int64_t group,
		       int clearance, int (*fn)(void *ctx, const struct feed_coll *c), void *ctx)
{
	struct cases x = {.me = me, .root = root, .fn = fn, .ctx = ctx};
	struct feed_coll c;
	int r = 0;

	for (int t = 0; r == 0 && t <= clearance && t < 5; t++) {
		coll_tlp(me, root, t, &c);
		r = fn(ctx, &c);
	}
	return r ? r : hl_store_stix_group_cases(st, group, case_one, &x);
}

int feed_group_collection(struct hl_store *st, const char *me, const char *root,
			  int64_t group, int clearance, const char *want,
			  struct feed_coll *out, struct hl_desk_err *e)
{
	struct feed_find f = {.want = want, .out = out};

	return feed_found(collections(st, me, root, group, clearance, feed_find_one, &f), want, e);
}

static json_t *root_info(const char *me, const char *root)
{
	json_t *j = json_pack("{s:s, s:[s], s:i}", "title", root, "versions", HL_TAXII_MEDIA,
			      "max_content_length", 0);

	json_object_set_new(j, "description",
			    json_sprintf("The STIX objects of %s's group %s: its messages and"
					 " its members' in its cases, each once", me,
					 root + strlen(PREFIX)));
	return j;
}

json_t *feed_group_info(struct hl_store *st, const struct hl_party *me,
			const struct hl_feed_req *q, struct hl_desk_err *e)
{
	const char *root = q->path->root;
	struct feed_coll c;
	int64_t group;
	json_t *a, *res = NULL;

	if (feed_group_root(st, me, root, &group, e) < 0)
		return NULL;
	if (q->path->res == HL_TAXII_ROOT)
		return root_info(me->card.name, root);
	if (q->path->res != HL_TAXII_COLLECTIONS) {
		if (feed_group_collection(st, me->card.name, root, group, q->rd->clearance,
					  q->path->coll, &c, e) < 0)
			return NULL;
		return feed_coll_json(&c);
	}
	a = json_array();
	if (collections(st, me->card.name, root, group, q->rd->clearance, feed_list_coll, a) < 0)
		hl_desk_fail(e, 503, "the store cannot be read");
	else
		res = json_pack("{s:O}", "collections", a);
	json_decref(a);
	return res;
}
