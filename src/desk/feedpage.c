/* feedpage.c - the pages the TAXII door streams (feed.h): a
 * collection's objects, one object, its versions, the manifest.
 *
 * Opening a page finds it whole in the objects table (store/stixobj.h):
 * how many rows, the date_added of the first and the last (the
 * X-TAXII-Date-Added-* headers, sent before the body), the last row's
 * id (the next token) and whether more follow.  The body is then read
 * again a few rows at a time, each piece with a store handle taken and
 * given back, never the page whole in memory, and never past the last
 * row the headers named: rows added meanwhile wait for the next page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deskpriv.h"
#include "feedpriv.h"
#include "stixobj.h"

#define PIECE_ROWS 250		/* rows read from the store at a time, */
#define PIECE_BYTES (256u << 10)	/* or fewer once their text is this long */
#define OUT_MAX (64u << 20)	/* a piece's text, at most */

enum { PAST = 1, FULL = 2 };	/* why piece_row stopped a read */

enum state { HEAD, ROWS, TAIL, DONE };

struct hl_feed_page {
	struct hl_desk_shared *s;
	enum hl_taxii_res res;
	struct hl_stix_query q;
	char *lists[4];			/* ids, types, specs, version_list: owned */
	size_t count, sent;		/* rows in the page; rows sent */
	int64_t first, last, last_id;
	bool more;
	char case_name[HL_NAME_MAX + 24];	/* a group case's: q.case_name */
	char next[HL_TAXII_NEXT_LEN + 1];
	enum state state;
	struct hl_buf out;		/* the piece being sent */
	size_t off;
};

/* The walk of a link's cases as collections. */
struct cases {
	const char *me;
	const struct hl_link *l;
	int (*fn)(void *ctx, const struct feed_coll *c);
	void *ctx;
};

static int case_one(void *ctx, const struct hl_stix_case *sc)
{
	struct cases *x = ctx;
	struct feed_coll c = {.tlp = -1, .case_side = sc->side, .case_seq = sc->seq};
	char *hash;

	snprintf(c.alias, sizeof(c.alias), "case-%s", sc->name);
	hash = strchr(c.alias, '#');
	if (hash)
		*hash = '-';
	snprintf(c.title, sizeof(c.title), "Case %s", sc->name);
	snprintf(c.description, sizeof(c.description),
		 "The STIX objects of case %s, between %s and %s", sc->name, x->me, x->l->name);
	hl_taxii_uuid(x->me, x->l->name, c.alias, c.id);
	return x->fn(x->ctx, &c);
}

int feed_case_collections(struct hl_store *st, const char *me, const struct hl_link *l,
			  int (*fn)(void *ctx, const struct feed_coll *c), void *ctx)
{
	struct cases x = {.me = me, .l = l, .fn = fn, .ctx = ctx};

	return hl_store_stix_cases(st, l->id, case_one, &x);
}

/* A filter's list as the JSON text the store binds; NULL for none. */
static char *list_text(const json_t *a)
{
	return a ? json_dumps(a, JSON_COMPACT) : NULL;
}

static int versions_bits(enum hl_taxii_versions v)
{
	return v == HL_TAXII_V_FIRST ? HL_STIX_FIRST : v == HL_TAXII_V_ALL ? HL_STIX_ALL :
	       v == HL_TAXII_V_LIST ? HL_STIX_LIST : HL_STIX_LAST;
}

/* The store's query of request q in collection c; -1 with e. */
static int query(struct hl_feed_page *p, const struct hl_feed_req *q, int64_t link,
		 const struct feed_coll *c, struct hl_desk_err *e)
{
	const struct hl_taxii_filter *f = q->f;
	json_t *one = NULL;

	if (q->path->res == HL_TAXII_OBJECT || q->path->res == HL_TAXII_VERSIONS)
		one = json_pack("[s]", q->path->object);
	p->lists[0] = list_text(one ? one : f->ids);
	json_decref(one);
	p->lists[1] = list_text(f->types);
	p->lists[2] = list_text(f->specs);
	p->lists[3] = list_text(f->version_list);
	p->q = (struct hl_stix_query){
		.link = link, .tlp = c->tlp, .clearance = q->rd->clearance,
		.case_side = c->case_side, .case_seq = c->case_seq, .added_after = f->added_after,
		.ids = p->lists[0], .types = p->lists[1], .specs = p->lists[2],
		.versions = q->path->res == HL_TAXII_VERSIONS ? HL_STIX_ALL : versions_bits(f->versions),
		.version_list = p->lists[3], .limit = f->limit,
	};
	if (f->next[0]) {
		char scope[512];

		snprintf(scope, sizeof(scope), "%s\n%s\n%s", q->scope, c->id, q->path->object);
		if (hl_taxii_next_read(q->next_key, scope, f->next, &p->q.after) < 0) {
			hl_desk_fail(e, 400, "next: not a token this server gave for this "
				     "collection and reader");
			return -1;
		}
	}
	return 0;
}

static int measure(void *ctx, const struct hl_stix_row *r)
{
	struct hl_feed_page *p = ctx;

	if (!p->count)
		p->first = r->added;
	p->last = r->added;
	p->last_id = r->id;
	p->count++;
	return 0;
}

/* Pass one: the page's rows counted, its dates, its next token. */
static int find_page(struct hl_feed_page *p, struct hl_store *st, const struct hl_feed_req *q,
		     const struct feed_coll *c, struct hl_desk_err *e)
{
	int r = hl_store_stix_each(st, &p->q, measure, p, &p->more);

	if (r < 0) {
		hl_desk_fail(e, 503, "the store cannot be read");
		return -1;
	}
	if (!p->count && !q->f->next[0] &&
	    (p->res == HL_TAXII_OBJECT || p->res == HL_TAXII_VERSIONS)) {
		hl_desk_fail(e, 404, "no such object in this collection: %s", q->path->object);
		return -1;
	}
	if (p->more && p->count) {
		char scope[512];

		snprintf(scope, sizeof(scope), "%s\n%s\n%s", q->scope, c->id, q->path->object);
		hl_taxii_next_make(q->next_key, scope, p->last_id, p->next);
	}
	p->more = p->more && p->count;
	return 0;
}

/* open_in for a group's API root: its query is the group's. */
static int open_group(struct hl_feed_page *p, struct hl_store *st, const struct hl_party *me,
		      const struct hl_feed_req *q, struct hl_desk_err *e)
{
	struct feed_coll c;
	int64_t group;

	if (feed_group_root(st, me, q->path->root, &group, e) < 0 ||
	    feed_group_collection(st, me->card.name, q->path->root, group, q->rd->clearance,
				  q->path->coll, &c, e) < 0 ||
	    query(p, q, 0, &c, e) < 0)
		return -1;
	p->q.group = group;
	snprintf(p->case_name, sizeof(p->case_name), "%s", c.case_name);
	p->q.case_name = p->case_name[0] ? p->case_name : NULL;
	return find_page(p, st, q, &c, e);
}

static int open_in(struct hl_feed_page *p, struct hl_store *st, const struct hl_party *me,
		   const struct hl_feed_req *q, struct hl_desk_err *e)
{
	struct feed_coll c;
	struct hl_link l;
	int r = -1;

	if (feed_is_group(q->path->root))
		return open_group(p, st, me, q, e);
	if (feed_root(st, me, q->path->root, &l, e) < 0)
		return -1;
	if (feed_collection(st, me->card.name, &l, q->rd->clearance, q->path->coll, &c, e) == 0 &&
	    query(p, q, l.id, &c, e) == 0)
		r = find_page(p, st, q, &c, e);
	hl_link_free(&l);
	return r;
}

int hl_desk_feed_page_open(struct hl_desk_shared *s, const struct hl_feed_req *q,
			   struct hl_feed_page **out, struct hl_desk_err *e)
{
	struct hl_feed_page *p = calloc(1, sizeof(*p));
	size_t slot = 0;
	struct hl_store *st;
	int r;

	*out = NULL;
	memset(e, 0, sizeof(*e));
	if (!p) {
		hl_desk_fail(e, 503, "out of memory");
		return -1;
	}
	p->s = s;
	p->res = q->path->res;
	hl_buf_init(&p->out, OUT_MAX);
	st = hl_desk_take(s, &slot);
	if (!st) {
		hl_feed_page_free(p);
		hl_desk_fail(e, 503, "the store cannot be opened");
		return -1;
	}
	r = open_in(p, st, s->me, q, e);
	hl_desk_give(s, slot);
	if (r < 0) {
		hl_feed_page_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

bool hl_feed_page_dates(const struct hl_feed_page *p, char first[HL_TAXII_TIME_LEN + 1],
			char last[HL_TAXII_TIME_LEN + 1])
{
	if (!p->count)
		return false;
	hl_taxii_time_format(p->first, first);
	hl_taxii_time_format(p->last, last);
	return true;
}

/* The envelope's head: more, next, the list's name. */
static int head(struct hl_feed_page *p)
{
	const char *list = p->res == HL_TAXII_VERSIONS ? "versions" : "objects";

	if (!p->count)
		return hl_buf_puts(&p->out, "{}");
	return hl_buf_printf(&p->out, "{\"more\":%s%s%s%s,\"%s\":[", p->more ? "true" : "false",
			     p->more ? ",\"next\":\"" : "", p->more ? p->next : "",
			     p->more ? "\"" : "", list);
}

/* A version as TAXII spells it: the object's own, else its date_added. */
static void version_of(const struct hl_stix_row *r, char out[HL_TAXII_TIME_LEN + 1])
{
	const char *t = r->version_text;

	if (t && strlen(t) <= HL_TAXII_TIME_LEN && strspn(t, "0123456789TZ:.-") == strlen(t))
		snprintf(out, HL_TAXII_TIME_LEN + 1, "%s", t);
	else
		hl_taxii_time_format(r->version ? r->version : r->added, out);
}

static int manifest_row(struct hl_feed_page *p, const struct hl_stix_row *r)
{
	char added[HL_TAXII_TIME_LEN + 1], version[HL_TAXII_TIME_LEN + 1];
	json_t *j;
	char *s;
	int rc;

	hl_taxii_time_format(r->added, added);
	version_of(r, version);
	j = json_pack("{s:s, s:s, s:s, s:s}", "id", r->sid, "date_added", added, "version",
		      version, "media_type", HL_TAXII_STIX_MEDIA);
	s = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	rc = s ? hl_buf_puts(&p->out, s) : -1;
	free(s);
	return rc;
}

static int piece_row(void *ctx, const struct hl_stix_row *r)
{
	struct hl_feed_page *p = ctx;
	char version[HL_TAXII_TIME_LEN + 1];
	int rc;

	if (r->id > p->last_id || p->sent == p->count)
		return PAST;	/* past the page the headers named */
	p->q.after = r->id;
	if (p->sent++ && hl_buf_puts(&p->out, ",") < 0)
		return -1;
	if (p->res == HL_TAXII_MANIFEST) {
		rc = manifest_row(p, r);
	} else if (p->res == HL_TAXII_VERSIONS) {
		version_of(r, version);
		rc = hl_buf_printf(&p->out, "\"%s\"", version);
	} else {
		rc = hl_buf_append(&p->out, r->json, r->json_len);
	}
	return rc < 0 ? -1 : p->out.len >= PIECE_BYTES ? FULL : 0;
}

/* The next few rows into out; state TAIL once none is left. */
static int rows(struct hl_feed_page *p)
{
	size_t slot = 0, before = p->sent;
	struct hl_store *st = hl_desk_take(p->s, &slot);
	struct hl_stix_query q = p->q;
	int r;

	if (!st)
		return -1;
	q.limit = p->count - p->sent < PIECE_ROWS ? p->count - p->sent : PIECE_ROWS;
	r = q.limit ? hl_store_stix_each(st, &q, piece_row, p, NULL) : 0;
	hl_desk_give(p->s, slot);
	if (r < 0)
		return -1;
	if (r == PAST || p->sent == before || p->sent == p->count)
		p->state = TAIL;
	return 0;
}

/* Makes the next piece of text, or moves to DONE. */
static int produce(struct hl_feed_page *p)
{
	p->out.len = 0;
	p->off = 0;
	switch (p->state) {
	case HEAD:
		p->state = p->count ? ROWS : DONE;
		return head(p);
	case ROWS:
		return rows(p);
	case TAIL:
		p->state = DONE;
		return hl_buf_puts(&p->out, "]}");
	default:
		return 0;
	}
}

ssize_t hl_feed_page_read(struct hl_feed_page *p, char *buf, size_t max)
{
	while (p->off == p->out.len) {
		if (p->state == DONE)
			return 0;
		if (produce(p) < 0)
			return -1;
	}
	if (max > p->out.len - p->off)
		max = p->out.len - p->off;
	memcpy(buf, p->out.data + p->off, max);
	p->off += max;
	return (ssize_t)max;
}

size_t hl_feed_page_sent(const struct hl_feed_page *p)
{
	return p ? p->sent : 0;
}

void hl_feed_page_free(struct hl_feed_page *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < 4; i++)
		free(p->lists[i]);
	hl_buf_free(&p->out);
	free(p);
}
