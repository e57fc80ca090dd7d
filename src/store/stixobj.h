/* stixobj.h - the STIX objects of a link, as a feed serves them.
 *
 * A projection (migration 21, docs/feeds.md "The objects"): one row per
 * STIX object that a valid bundle carried in a message of a link, either
 * side, filled by the content index (index.c) and cleared by
 * hl_store_rebuild like the rest of it.  Each row keeps the object as
 * served (its TLP marking, creator and case reference already in it), so
 * a read copies text and never parses.  Rows are numbered in the order
 * they were added (id), and their date_added (added, microseconds) rises
 * strictly with id across the whole store, so a reader that resumes
 * after the last id it saw loses nothing and sees nothing twice while
 * rows are added.  An object (same link, id and version) has one row:
 * of its copies, the one whose message was sent first (sent, then seq)
 * is served, whatever order they are indexed in, so a rebuild serves the
 * same, and so do both parties.
 *
 * Functions return 0 or -errno / -HL_E*, as the rest of the store; a
 * callback's nonzero return stops a walk and is returned.
 */
#ifndef HL_STIXOBJ_H
#define HL_STIXOBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* TLP levels as stored: 0 clear, 1 green, 2 amber, 3 amber+strict,
 * 4 red (stix.h's HL_TLP_*). */

/* Which versions of each object a query returns (TAXII's match[version]),
 * or'd; 0 means HL_STIX_LAST.  "Last" and "first" are among the rows the
 * query may see at all (its link, clearance, TLP and case). */
#define HL_STIX_LAST 1
#define HL_STIX_FIRST 2
#define HL_STIX_ALL 4
#define HL_STIX_LIST 8		/* the versions in version_list */

struct hl_stix_query {
	int64_t link;
	int tlp;			/* -1: any level; else exactly this one */
	int clearance;			/* rows with tlp <= this only (always set) */
	int case_side;			/* -1: any case; else this case's notify */
	uint64_t case_seq;
	int64_t after;			/* rows with id > after (the cursor); 0 */
	int64_t added_after;		/* µs; rows with added > it; -1: none */
	const char *ids, *types, *specs;	/* JSON arrays of strings, or NULL */
	int versions;			/* HL_STIX_* or'd; 0: HL_STIX_LAST */
	const char *version_list;	/* JSON array of µs integers (HL_STIX_LIST) */
	size_t limit;			/* at most this many rows; 0: no limit */
	/* A group's API root (hl_store_stix_group_each): the group's id
	 * (link is then ignored), and the group case's name ("OWNER#N") or
	 * NULL for any (case_side is then ignored). */
	int64_t group;
	const char *case_name;
};

struct hl_stix_row {
	int64_t id, added, version;
	const char *sid, *type, *spec;
	const char *version_text;	/* "modified" (else "created"), or NULL */
	const char *json;		/* the object as served, compact */
	size_t json_len;
	int tlp;
	int case_side;			/* -1: none */
	uint64_t case_seq;
	const char *case_name;		/* "OWNER#N", or NULL */
};
/* Strings in a row are valid during the callback only. */
typedef int (*hl_stix_row_fn)(void *ctx, const struct hl_stix_row *r);

/* The rows of q in id order, at most q->limit.  *more (when more is not
 * NULL) says whether a row past the last one given matches q too: TAXII's
 * "more".  -EINVAL when a list is not a JSON array of strings (of
 * integers for version_list). */
int hl_store_stix_each(struct hl_store *st, const struct hl_stix_query *q,
		       hl_stix_row_fn fn, void *ctx, bool *more);

/* One object to record; see the table in docs/feeds.md. */
struct hl_stix_obj {
	int64_t link;
	int side;			/* the envelope that carried it; */
	uint64_t seq;			/* -1, 0 for the rows the index adds */
	int case_side;			/* -1, 0: none */
	uint64_t case_seq;
	const char *case_name;		/* or NULL */
	const char *sid, *type, *spec;
	int64_t version;		/* µs; 0 for none */
	const char *version_text;	/* or NULL */
	int tlp;
	const char *json;
	size_t json_len;
	/* The order of sending, the same at both parties: its message's
	 * time * 2, + 1 when sent by the party whose name sorts after the
	 * other's; 0 for the rows the index adds. */
	int64_t sent;
	int64_t now;			/* µs: added is max(now, the last added + 1) */
};
/* Records o; *added (when not NULL) says whether it made a new row:
 * false for another copy, which takes the row's place (keeping its id
 * and added) when it was sent before the row's, and is ignored else. */
int hl_store_stix_put(struct hl_store *st, const struct hl_stix_obj *o, bool *added);

/* The cases of a link that carried objects, in the order of their first
 * object: for the feed's case collections.  A seek per case, whatever
 * their rows (no count, no highest level: those would read every row). */
struct hl_stix_case {
	int side;
	uint64_t seq;
	const char *name;		/* "OWNER#N"; valid during the callback */
	int64_t first_added;		/* its first object's */
};
typedef int (*hl_stix_case_fn)(void *ctx, const struct hl_stix_case *c);
int hl_store_stix_cases(struct hl_store *st, int64_t link, hl_stix_case_fn fn, void *ctx);

/* A group's API root, at its owner (docs/feeds.md "Group API roots"):
 * the rows on the links ever members of q->group that its messages
 * carried (our envelopes recorded in group_envelope for it), that a
 * member sent in one of its cases (the case's notify is such an
 * envelope) while it was a member, and the parties' identities and TLP
 * markings; of the rows of one STIX id and version, only the first (by
 * id) that q may see, so each object comes once whatever the members it
 * went to, and a cursor stays right while rows are added.
 * hl_store_stix_each gives q to it when q->group is set. */
int hl_store_stix_group_each(struct hl_store *st, const struct hl_stix_query *q,
			     hl_stix_row_fn fn, void *ctx, bool *more);
/* The cases of group that carried objects, by the name every member's
 * link knows them by ("OWNER#N"), in the order of their first row. */
typedef int (*hl_stix_group_case_fn)(void *ctx, const char *name);
int hl_store_stix_group_cases(struct hl_store *st, int64_t group, hl_stix_group_case_fn fn,
			      void *ctx);

/* SQLite's plan for q (EXPLAIN QUERY PLAN), its steps' details joined
 * by "; " into out: for the tests and the bench, which check that each
 * query is driven by an index. */
int hl_store_stix_plan(struct hl_store *st, const struct hl_stix_query *q, char *out,
		       size_t cap);

#endif
