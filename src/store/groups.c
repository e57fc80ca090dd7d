/* groups.c - groups of links at their owner (groups.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "db.h"

#include "error.h"
#include "groups.h"
#include "storepriv.h"

enum {
	Q_CREATE = HL_XSTMT_GROUP, Q_GET, Q_EACH, Q_ADD, Q_REMOVE, Q_NOW, Q_ALL, Q_AT,
	Q_END
};
_Static_assert(Q_END <= HL_XSTMT_GROUP + 16, "groups.c owns 16 statement keys");

#define GROUP_COLS "SELECT g.id, g.name, g.open, g.created, g.created_by," \
		   " (SELECT count(*) FROM group_member m" \
		   "  WHERE m.grp = g.id AND m.removed IS NULL) FROM link_group g"
#define MEMBER_COLS "SELECT m.link, l.name, m.added, m.removed FROM group_member m" \
		    " JOIN link l ON l.id = m.link WHERE m.grp = ?1"

static const char *const sql[] = {
	[Q_CREATE - Q_CREATE] = "INSERT INTO link_group (name, open, created, created_by)"
				" VALUES (?1, ?2, ?3, ?4)",
	[Q_GET - Q_CREATE] = GROUP_COLS " WHERE g.name = ?1",
	[Q_EACH - Q_CREATE] = GROUP_COLS " ORDER BY g.name",
	[Q_ADD - Q_CREATE] = "INSERT INTO group_member (grp, link, added) VALUES (?1, ?2, ?3)",
	[Q_REMOVE - Q_CREATE] = "UPDATE group_member SET removed = ?3"
				" WHERE grp = ?1 AND link = ?2 AND removed IS NULL",
	[Q_NOW - Q_CREATE] = MEMBER_COLS " AND m.removed IS NULL ORDER BY l.name",
	[Q_ALL - Q_CREATE] = MEMBER_COLS " ORDER BY l.name, m.added, m.id",
	[Q_AT - Q_CREATE] = "SELECT EXISTS (SELECT 1 FROM group_member"
			    " WHERE grp = ?1 AND link = ?2 AND added <= ?3"
			    " AND (removed IS NULL OR ?3 < removed))",
};

static struct hl_dbs *stmt(struct hl_store *st, int key)
{
	return hl_store_stmt(st, key, sql[key - Q_CREATE]);
}

static void text(char *dst, size_t cap, struct hl_dbs *s, int col)
{
	const unsigned char *t = hl_db_column_text(s, col);

	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

int hl_store_group_create(struct hl_store *st, const char *name, bool open,
			  int64_t now, const char *by)
{
	struct hl_dbs *s;
	int r;

	if (!hl_name_valid(name, strlen(name)))
		return -HL_ENAME;
	s = stmt(st, Q_CREATE);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, name, -1, HL_DB_STATIC);
	hl_db_bind_int(s, 2, open ? 1 : 0);
	hl_db_bind_int64(s, 3, now);
	hl_db_bind_text(s, 4, by, -1, HL_DB_STATIC);
	r = hl_store_done(st, s);
	return r == -HL_EDUPLICATE ? -EEXIST : r;
}

static int groups(struct hl_store *st, struct hl_dbs *s, hl_group_fn fn, void *ctx)
{
	int rc, r = 0;

	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		struct hl_group g = {
			.id = hl_db_column_int64(s, 0),
			.open = hl_db_column_int(s, 2) != 0,
			.created = hl_db_column_int64(s, 3),
			.members = (unsigned)hl_db_column_int64(s, 5),
		};

		text(g.name, sizeof(g.name), s, 1);
		text(g.created_by, sizeof(g.created_by), s, 4);
		r = fn(ctx, &g);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

static int copy_group(void *ctx, const struct hl_group *g)
{
	*(struct hl_group *)ctx = *g;
	return 1;
}

int hl_store_group_get(struct hl_store *st, const char *name, struct hl_group *g)
{
	struct hl_dbs *s = stmt(st, Q_GET);
	int r;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, name, -1, HL_DB_STATIC);
	r = groups(st, s, copy_group, g);
	return r == 1 ? 0 : r == 0 ? -ENOENT : r;
}

int hl_store_group_each(struct hl_store *st, hl_group_fn fn, void *ctx)
{
	struct hl_dbs *s = stmt(st, Q_EACH);

	return s ? groups(st, s, fn, ctx) : -HL_ESTORE;
}

/* Runs membership statement q (an add or a remove) on (group, link, now). */
static int member_change(struct hl_store *st, int q, int64_t group, int64_t link, int64_t now)
{
	struct hl_dbs *s = stmt(st, q);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, group);
	hl_db_bind_int64(s, 2, link);
	hl_db_bind_int64(s, 3, now);
	return hl_store_done(st, s);
}

int hl_store_group_add(struct hl_store *st, int64_t group, int64_t link, int64_t now)
{
	int r = member_change(st, Q_ADD, group, link, now);

	return r == -HL_EDUPLICATE ? -EEXIST : r;
}

int hl_store_group_remove(struct hl_store *st, int64_t group, int64_t link, int64_t now)
{
	int r = member_change(st, Q_REMOVE, group, link, now);

	if (r == 0 && hl_db_changes(hl_store_db(st)) == 0)
		r = -ENOENT;
	return r;
}

int hl_store_group_members(struct hl_store *st, int64_t group, bool all,
			   hl_group_member_fn fn, void *ctx)
{
	struct hl_dbs *s = stmt(st, all ? Q_ALL : Q_NOW);
	int rc, r = 0;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, group);
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		struct hl_group_member m = {
			.link = hl_db_column_int64(s, 0),
			.added = hl_db_column_int64(s, 2),
			.removed = hl_db_column_int64(s, 3),	/* NULL reads 0 */
		};

		text(m.name, sizeof(m.name), s, 1);
		r = fn(ctx, &m);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_group_member_at(struct hl_store *st, int64_t group, int64_t link,
			     int64_t t, bool *member)
{
	struct hl_dbs *s = stmt(st, Q_AT);
	int r = 0;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, group);
	hl_db_bind_int64(s, 2, link);
	hl_db_bind_int64(s, 3, t);
	if (hl_db_step(s) == HL_DB_ROW)
		*member = hl_db_column_int(s, 0) != 0;
	else
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}
