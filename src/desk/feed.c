/* feed.c - what the TAXII door serves (feed.h): discovery, one API root
 * per confirmed link, the collections of each (one per TLP level the
 * reader is cleared for, one per case of the link that carried STIX
 * objects), and the record of every request in the audit trail.  The
 * pages of objects are feedpage.c's. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "deskpriv.h"
#include "error.h"
#include "feed.h"
#include "feedpriv.h"
#include "index.h"
#include "stixfeed.h"

static const char *const tlp_aliases[] = {"tlp-clear", "tlp-green", "tlp-amber",
					  "tlp-amber-strict", "tlp-red"};

/* The link of an API root, confirmed, its index brought up to date
 * (the objects table is filled as messages are indexed); 0 or -1 with
 * e (404, 503). */
int feed_root(struct hl_store *st, const struct hl_party *me, const char *root,
	      struct hl_link *l, struct hl_desk_err *e)
{
	uint64_t added = 0;
	int r = hl_store_link_get(st, root, l);

	if (r == 0 && !l->confirmed) {
		hl_link_free(l);
		r = -HL_ENOTFOUND;
	}
	if (r == -HL_ENOLINK || r == -HL_ENOTFOUND) {
		hl_desk_fail(e, 404, "no such API root: %s", root);
		return -1;
	}
	if (r == 0)
		r = hl_index_update(st, me, l, &added);
	if (r < 0) {
		hl_link_free(l);
		hl_desk_fail(e, 503, "the store cannot be read");
		return -1;
	}
	return 0;
}

void feed_coll_tlp(const char *me, const char *root, int tlp, struct feed_coll *c)
{
	memset(c, 0, sizeof(*c));
	c->tlp = tlp;
	c->case_side = -1;
	snprintf(c->alias, sizeof(c->alias), "%s", tlp_aliases[tlp]);
	snprintf(c->title, sizeof(c->title), "%s", hl_stixfeed_level_code(tlp));
	hl_taxii_uuid(me, root, c->alias, c->id);
}

static void coll_tlp(const char *me, const struct hl_link *l, int tlp, struct feed_coll *c)
{
	feed_coll_tlp(me, l->name, tlp, c);
	snprintf(c->description, sizeof(c->description),
		 "The STIX objects on the link between %s and %s marked %s", me, l->name,
		 hl_stixfeed_level_code(tlp));
}

int feed_collections(struct hl_store *st, const char *me, const struct hl_link *l,
		     int clearance, int (*fn)(void *ctx, const struct feed_coll *c), void *ctx)
{
	struct feed_coll c;
	int r = 0;

	for (int t = 0; r == 0 && t <= clearance && t < 5; t++) {
		coll_tlp(me, l, t, &c);
		r = fn(ctx, &c);
	}
	if (r == 0)
		r = feed_case_collections(st, me, l, fn, ctx);
	return r;
}

int feed_find_one(void *ctx, const struct feed_coll *c)
{
	struct feed_find *f = ctx;

	if (strcmp(f->want, c->id) != 0 && strcmp(f->want, c->alias) != 0)
		return 0;
	*f->out = *c;
	return 1;
}

int feed_found(int r, const char *want, struct hl_desk_err *e)
{
	if (r == 1)
		return 0;
	if (r < 0)
		hl_desk_fail(e, 503, "the store cannot be read");
	else
		hl_desk_fail(e, 404, "no such collection: %s", want);
	return -1;
}

int feed_collection(struct hl_store *st, const char *me, const struct hl_link *l,
		    int clearance, const char *want, struct feed_coll *out,
		    struct hl_desk_err *e)
{
	struct feed_find f = {.want = want, .out = out};

	return feed_found(feed_collections(st, me, l, clearance, feed_find_one, &f), want, e);
}

json_t *feed_coll_json(const struct feed_coll *c)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:[s]}", "id", c->id, "title", c->title,
			 "description", c->description, "alias", c->alias, "can_read", 1,
			 "can_write", 0, "media_types", HL_TAXII_STIX_MEDIA);
}

int feed_list_coll(void *ctx, const struct feed_coll *c)
{
	json_t *j = feed_coll_json(c);

	return j ? json_array_append_new(ctx, j) : -1;
}

struct roots {
	json_t *urls;
	const char *base;
};

static int root_one(void *ctx, const struct hl_link *l)
{
	struct roots *rs = ctx;

	if (!l->confirmed)
		return 0;
	return json_array_append_new(rs->urls, json_sprintf("%s/taxii2/%s/", rs->base, l->name));
}

static json_t *discovery(struct hl_desk *d, const struct hl_feed_req *q, struct hl_desk_err *e)
{
	struct roots rs = {.urls = json_array(), .base = q->base};
	const char *me = d->me->card.name;

	if (hl_store_link_each(d->st, root_one, &rs) < 0 ||
	    feed_group_roots(d->st, q->base, rs.urls) < 0) {
		json_decref(rs.urls);
		return hl_desk_fail(e, 503, "the store cannot be read");
	}
	return json_pack("{s:o, s:s, s:o}", "title", json_sprintf("Hotline %s", me),
			 "description", "The STIX objects carried on this party's links: one"
			 " API root per link, then one per group", "api_roots", rs.urls);
}

static json_t *root_info(struct hl_desk *d, const struct hl_link *l)
{
	json_t *j = json_pack("{s:s, s:[s], s:i}", "title", l->name, "versions", HL_TAXII_MEDIA,
			      "max_content_length", 0);

	json_object_set_new(j, "description",
			    json_sprintf("The STIX objects carried between %s and %s, either way",
					 d->me->card.name, l->name));
	return j;
}

static json_t *info(struct hl_desk *d, const struct hl_feed_req *q, struct hl_desk_err *e)
{
	const char *me = d->me->card.name;
	struct feed_coll c;
	struct hl_link l;
	json_t *res = NULL, *a;

	if (q->path->res == HL_TAXII_DISCOVERY)
		return discovery(d, q, e);
	if (feed_is_group(q->path->root))
		return feed_group_info(d->st, d->me, q, e);
	if (feed_root(d->st, d->me, q->path->root, &l, e) < 0)
		return NULL;
	if (q->path->res == HL_TAXII_ROOT) {
		res = root_info(d, &l);
	} else if (q->path->res == HL_TAXII_COLLECTIONS) {
		a = json_array();
		if (feed_collections(d->st, me, &l, q->rd->clearance, feed_list_coll, a) < 0)
			hl_desk_fail(e, 503, "the store cannot be read");
		else
			res = json_pack("{s:O}", "collections", a);
		json_decref(a);
	} else if (feed_collection(d->st, me, &l, q->rd->clearance, q->path->coll, &c, e) == 0) {
		res = feed_coll_json(&c);
	}
	hl_link_free(&l);
	return res;
}

json_t *hl_desk_feed_info(struct hl_desk_shared *s, const struct hl_feed_req *q,
			  struct hl_desk_err *e)
{
	struct hl_desk d = {.me = s->me, .writer = s->writer, .courier = s->courier, .shared = s};
	size_t slot = 0;
	json_t *res;

	memset(e, 0, sizeof(*e));
	d.st = hl_desk_take(s, &slot);
	if (!d.st)
		return hl_desk_fail(e, 503, "the store cannot be opened");
	res = info(&d, q, e);
	if (!res && !e->status)
		hl_desk_fail(e, 500, "the desk gave no answer");
	hl_desk_give(s, slot);
	return res;
}

/* path as ASCII for the trail: a byte outside it is a '?'. */
static void ascii(const char *path, char *out, size_t cap)
{
	size_t i = 0;

	for (; path[i] && i + 1 < cap; i++)
		out[i] = (unsigned char)path[i] < 0x20 || (unsigned char)path[i] > 0x7e ?
			 '?' : path[i];
	out[i] = 0;
}

void hl_desk_feed_record(struct hl_desk_shared *s, const struct hl_feed_reader *rd,
			 const char *method, const char *path, size_t objects, unsigned status,
			 const char *why)
{
	struct hl_operator none = {.name = "-"};
	struct hl_desk_req q = {.op = rd && rd->op.name[0] ? &rd->op : &none,
				.now = (int64_t)time(NULL), .door = "https"};
	char p[512], m[16];
	json_t *detail;

	ascii(path, p, sizeof(p));
	ascii(method, m, sizeof(m));
	detail = json_pack("{s:s, s:s, s:s, s:I}", "method", m, "path", p, "tool",
			   rd && rd->tool[0] ? rd->tool : "-", "objects", (json_int_t)objects);
	if (detail && why && why[0])
		json_object_set_new(detail, "error", json_string(why));
	hl_desk_audit_event(s, &q, "taxii", detail, status);
	json_decref(detail);
}
