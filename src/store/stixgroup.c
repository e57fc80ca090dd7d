/* stixgroup.c - the STIX objects of a group's API root, at its owner
 * (stixobj.h, hl_store_stix_group_*; docs/feeds.md "Group API roots").
 *
 * A row is the group's when it is on a link that was ever a member and
 * either our envelope that carried it is one of the group's messages
 * (group_envelope), or the member sent it, in a case whose notify is
 * one of them, while the link was a member (the row's sent is its
 * message's time * 2, + 1), or it is one of the rows the index adds
 * itself (the identities, the TLP markings).  Of the group's rows of
 * one STIX id and version that a query may see, only the first by id
 * is served: rows are only ever added after it, so the one served never
 * changes and a reader's cursor stays right.  Each statement names its
 * index; the first-of-its-object test and the versions go through
 * stix_sid_any (migration 23).  A page without ids is read in row order
 * from the cursor (the rowid), stopping at its limit: merging the member
 * links' (link, tlp, id) indexes would sort every row of the group past
 * the cursor first, 14 times slower at 193 links of 500 objects.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <jansson.h>
#include "db.h"

#include "error.h"
#include "storepriv.h"
#include "stixobj.h"
#include "stixpriv.h"

enum {
	G_BY_ID = HL_XSTMT_STIXGROUP, G_BY_TLP, G_ALL, G_CASES,
	G_END
};
_Static_assert(G_END <= HL_XSTMT_STIXGROUP + 8, "stixgroup.c owns 8 statement keys");

#define COLS "SELECT o.id, o.added, o.version, o.sid, o.type, o.spec, o.version_text," \
	     " o.json, o.tlp, o.case_side, o.case_seq, o.case_name FROM stix_object o "
/* Whether row a is group ?1's and the query may see it: ?2 clearance,
 * ?3 level or -1, ?4 the case's name or NULL. */
#define GROUP(a) " " a ".link IN (SELECT link FROM group_member WHERE grp = ?1)" \
	" AND +" a ".tlp <= ?2 AND (?3 < 0 OR " a ".tlp = ?3)" \
	" AND (CAST(?4 AS TEXT) IS NULL OR " a ".case_name = ?4) AND (" \
	"(" a ".side = 0 AND EXISTS (SELECT 1 FROM group_envelope g" \
	"  WHERE g.link = " a ".link AND g.seq = " a ".seq AND g.grp = ?1))" \
	" OR (" a ".side = 1 AND " a ".case_side = 0 AND EXISTS (SELECT 1 FROM group_envelope g" \
	"  WHERE g.link = " a ".link AND g.seq = " a ".case_seq AND g.grp = ?1)" \
	"  AND EXISTS (SELECT 1 FROM group_member m WHERE m.grp = ?1 AND m.link = " a ".link" \
	"  AND m.added <= " a ".sent / 2 AND (m.removed IS NULL OR " a ".sent / 2 < m.removed)))" \
	" OR (" a ".side < 0 AND CAST(?4 AS TEXT) IS NULL))"
/* The first row of its object among those the query may see. */
#define FIRST " AND NOT EXISTS (SELECT 1 FROM stix_object p INDEXED BY stix_sid_any" \
	      " WHERE p.sid = o.sid AND p.version = o.version AND p.id < o.id AND" GROUP("p") ")"
/* ?10 HL_STIX_* bits, ?11 the versions of HL_STIX_LIST: as stixobj.c,
 * across the group's links. */
#define VERSIONS " AND ((?10 & 4) <> 0 OR ((?10 & 1) <> 0 AND NOT EXISTS (SELECT 1" \
		 " FROM stix_object n INDEXED BY stix_sid_any" \
		 " WHERE n.sid = o.sid AND n.version > o.version AND" GROUP("n") "))" \
		 " OR ((?10 & 2) <> 0 AND NOT EXISTS (SELECT 1" \
		 " FROM stix_object n INDEXED BY stix_sid_any" \
		 " WHERE n.sid = o.sid AND n.version < o.version AND" GROUP("n") "))" \
		 " OR ((?10 & 8) <> 0 AND o.version IN" \
		 " (SELECT CAST(value AS BIGINT) FROM json_each(?11))))"
/* ?6 the cursor; ?7 ids, ?8 types, ?9 spec versions; ?12 the limit. */
#define REST " AND o.id > ?6" \
	     " AND (CAST(?7 AS TEXT) IS NULL OR o.sid IN (SELECT value FROM json_each(?7)))" \
	     " AND (CAST(?8 AS TEXT) IS NULL OR o.type IN (SELECT value FROM json_each(?8)))" \
	     " AND (CAST(?9 AS TEXT) IS NULL OR o.spec IN (SELECT value FROM json_each(?9)))" \
	     FIRST VERSIONS " ORDER BY o.id LIMIT ?12"

static const char *const sql[] = {
	[G_BY_ID - G_BY_ID] = COLS "INDEXED BY stix_sid_any WHERE"
			      " o.sid IN (SELECT value FROM json_each(?7)) AND" GROUP("o") REST,
	[G_BY_TLP - G_BY_ID] = COLS "NOT INDEXED WHERE o.tlp = ?3 AND" GROUP("o") REST,
	[G_ALL - G_BY_ID] = COLS "NOT INDEXED WHERE" GROUP("o") REST,
	[G_CASES - G_BY_ID] =
		"SELECT o.case_name FROM group_envelope g"
		" JOIN stix_object o INDEXED BY stix_case ON o.link = g.link"
		"  AND o.case_side = 0 AND o.case_seq = g.seq"
		" WHERE g.grp = ?1 AND g.kind = 'notify' AND o.case_name IS NOT NULL"
		" GROUP BY o.case_name ORDER BY min(o.id)",
};

static struct hl_dbs *stmt(struct hl_store *st, int key)
{
	return hl_store_stmt(st, key, sql[key - G_BY_ID]);
}

static void bind_text(struct hl_dbs *s, int i, const char *t)
{
	if (t)
		hl_db_bind_text(s, i, t, -1, HL_DB_STATIC);
}


static int group_key(const struct hl_stix_query *q)
{
	if (!hl_stix_list_ok(q->ids, JSON_STRING, NULL, 0) ||
	    !hl_stix_list_ok(q->types, JSON_STRING, NULL, 0) ||
	    !hl_stix_list_ok(q->specs, JSON_STRING, NULL, 0) ||
	    !hl_stix_list_ok(q->version_list, JSON_INTEGER, NULL, 0))
		return -EINVAL;
	if (q->ids)
		return G_BY_ID;
	return q->tlp >= 0 ? G_BY_TLP : G_ALL;
}

int hl_store_stix_group_each(struct hl_store *st, const struct hl_stix_query *q,
			     hl_stix_row_fn fn, void *ctx, bool *more)
{
	int64_t after;
	bool more_unused;
	struct hl_dbs *s;
	int key = group_key(q), r;

	if (!more)
		more = &more_unused;
	*more = false;
	if (key < 0)
		return key;
	r = hl_stix_after(st, q, &after);
	if (r < 0)
		return r;
	s = stmt(st, key);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, q->group);
	hl_db_bind_int(s, 2, q->clearance);
	hl_db_bind_int(s, 3, q->tlp);
	bind_text(s, 4, q->case_name);
	hl_db_bind_int64(s, 6, after);
	bind_text(s, 7, q->ids);
	bind_text(s, 8, q->types);
	bind_text(s, 9, q->specs);
	hl_db_bind_int(s, 10, q->versions ? q->versions : HL_STIX_LAST);
	bind_text(s, 11, q->version_list ? q->version_list : "[]");
	hl_db_bind_int64(s, 12, q->limit ? (int64_t)q->limit + 1 : INT64_MAX);
	return hl_stix_rows(st, s, q->limit, fn, ctx, more);
}

int hl_store_stix_group_cases(struct hl_store *st, int64_t group, hl_stix_group_case_fn fn,
			      void *ctx)
{
	struct hl_dbs *s = stmt(st, G_CASES);
	int rc = HL_DB_DONE, r = 0;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, group);
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW)
		r = fn(ctx, (const char *)hl_db_column_text(s, 0));
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}
