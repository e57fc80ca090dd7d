/* feedpriv.h - what feed.c and feedpage.c share: the collections. */
#ifndef HL_FEEDPRIV_H
#define HL_FEEDPRIV_H

#include "feed.h"

/* A collection of an API root: a TLP level (case_side -1), or a case
 * (tlp -1). */
struct feed_coll {
	char id[37];
	char alias[HL_NAME_MAX + 32];
	char title[HL_NAME_MAX + 32];
	char description[256];
	int tlp;
	int case_side;
	uint64_t case_seq;
	char case_name[HL_NAME_MAX + 24];	/* a group case's "OWNER#N", or "" */
};

/* The link of API root root, confirmed, its index brought up to date:
 * 0, or -1 with e (404, 503). */
int feed_root(struct hl_store *st, const struct hl_party *me, const char *root,
	      struct hl_link *l, struct hl_desk_err *e);

/* Each collection of link l that a reader cleared up to clearance
 * sees: the TLP levels, then the cases; fn's nonzero stops and is
 * returned. */
/* A TLP collection of root (a link's name, or a group's root): its
 * level, alias, title and id; the caller writes its description. */
void feed_coll_tlp(const char *me, const char *root, int tlp, struct feed_coll *c);
/* Finding a collection by its id or alias: walk the collections with
 * feed_find_one and a struct feed_find; feed_found turns the walk's
 * result into 0, or -1 with e (404 none, 503 the store). */
struct feed_find {
	const char *want;
	struct feed_coll *out;
};
int feed_find_one(void *ctx, const struct feed_coll *c);
int feed_found(int r, const char *want, struct hl_desk_err *e);
/* Appends c as TAXII's collection resource to the JSON array ctx. */
int feed_list_coll(void *ctx, const struct feed_coll *c);
int feed_collections(struct hl_store *st, const char *me, const struct hl_link *l,
		     int clearance, int (*fn)(void *ctx, const struct feed_coll *c), void *ctx);
/* The collection of l whose id or alias is want: 0, or -1 with e (404
 * for none the reader sees). */
int feed_collection(struct hl_store *st, const char *me, const struct hl_link *l,
		    int clearance, const char *want, struct feed_coll *out,
		    struct hl_desk_err *e);

/* feedpage.c: the cases of l that carried objects, as collections. */
int feed_case_collections(struct hl_store *st, const char *me, const struct hl_link *l,
			  int (*fn)(void *ctx, const struct feed_coll *c), void *ctx);

/* feed.c: collection c as TAXII's JSON. */
json_t *feed_coll_json(const struct feed_coll *c);

/* feedgroup.c: the group API roots, "group_NAME" (docs/feeds.md "Group
 * API roots").  Whether root names one: */
bool feed_is_group(const char *root);
/* Appends the URL of each group's root to urls. */
int feed_group_roots(struct hl_store *st, const char *base, json_t *urls);
/* The group of root, its members' indexes brought up to date: 0, or -1
 * with e (404, 503). */
int feed_group_root(struct hl_store *st, const struct hl_party *me, const char *root,
		    int64_t *group, struct hl_desk_err *e);
/* The collection of group root root whose id or alias is want: 0, or
 * -1 with e (404 for none the reader sees). */
int feed_group_collection(struct hl_store *st, const char *me, const char *root,
			  int64_t group, int clearance, const char *want,
			  struct feed_coll *out, struct hl_desk_err *e);
/* The API root, its collections or one of them, for the door. */
json_t *feed_group_info(struct hl_store *st, const struct hl_party *me,
			const struct hl_feed_req *q, struct hl_desk_err *e);

#endif
