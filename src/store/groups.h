/* groups.h - groups of links at their owner (DESIGN.md decision 12).
 *
 * A group is a named set of this party's links; a group message goes
 * as one envelope per member on each member's own link.  Membership
 * keeps its history: a removal sets the row's removed time, and a link
 * added again gets a new row, so whether a link was a member at a given
 * time is always known (added <= t < removed).  A record: rebuild keeps
 * it.  Functions return 0 or -errno / -HL_E*, as the rest of the store;
 * a callback's nonzero return stops a walk and is returned.
 */
#ifndef HL_GROUPS_H
#define HL_GROUPS_H

#include <stdbool.h>
#include <stdint.h>

#include "store.h"
#include "text.h"

struct hl_group {
	int64_t id;
	char name[HL_NAME_MAX + 1];
	bool open;			/* members named in the signed content */
	int64_t created;
	char created_by[HL_NAME_MAX + 1];
	unsigned members;		/* members now */
};

struct hl_group_member {
	int64_t link;
	char name[HL_NAME_MAX + 1];	/* the link's name */
	int64_t added, removed;		/* removed 0: a member now */
};

typedef int (*hl_group_fn)(void *ctx, const struct hl_group *g);
typedef int (*hl_group_member_fn)(void *ctx, const struct hl_group_member *m);

/* A new group, by the operator by: -HL_ENAME for a name not spelt as a
 * party's, -EEXIST for a taken one. */
int hl_store_group_create(struct hl_store *st, const char *name, bool open,
			  int64_t now, const char *by);
/* -ENOENT when there is no group of that name. */
int hl_store_group_get(struct hl_store *st, const char *name, struct hl_group *g);
/* Every group, in name order. */
int hl_store_group_each(struct hl_store *st, hl_group_fn fn, void *ctx);

/* Makes link a member from now: -EEXIST when it is a member now.  The
 * caller checks the link (confirmed, not archived, not suspended) and
 * wraps several adds in one transaction when they go together. */
int hl_store_group_add(struct hl_store *st, int64_t group, int64_t link, int64_t now);
/* Ends link's membership at now: -ENOENT when it is not a member now. */
int hl_store_group_remove(struct hl_store *st, int64_t group, int64_t link, int64_t now);

/* Members now (all false; in link-name order), or every membership
 * ever, removed ones too (all true; by name, then added). */
int hl_store_group_members(struct hl_store *st, int64_t group, bool all,
			   hl_group_member_fn fn, void *ctx);

/* Whether link was a member of group at time t (added <= t < removed). */
int hl_store_group_member_at(struct hl_store *st, int64_t group, int64_t link,
			     int64_t t, bool *member);

#endif
