/* feedtoken.c - the TAXII feed's tokens in the store (feedtoken.h). */
#include <stdio.h>
#include <string.h>

#include "db.h"

#include "error.h"
#include "feedtoken.h"
#include "storepriv.h"

enum { Q_ADD = HL_XSTMT_FEEDTOKEN, Q_FIND, Q_REVOKE, Q_EACH, Q_END };
_Static_assert(Q_END <= HL_XSTMT_FEEDTOKEN + 8, "feedtoken.c owns 8 statement keys");

#define COLUMNS "id, operator, tool, tlp, created, created_by, coalesce(revoked, 0)"

static const char *const sql[] = {
	[Q_ADD - Q_ADD] = "INSERT INTO feed_token (operator, tool, hash, tlp, created, created_by)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_FIND - Q_ADD] = "SELECT " COLUMNS " FROM feed_token WHERE hash = ?1",
	[Q_REVOKE - Q_ADD] = "UPDATE feed_token SET revoked = ?3"
			     " WHERE operator = ?1 AND tool = ?2 AND revoked IS NULL",
	[Q_EACH - Q_ADD] = "SELECT " COLUMNS " FROM feed_token ORDER BY id",
};

static struct hl_dbs *stmt(struct hl_store *st, int key)
{
	return hl_store_stmt(st, key, sql[key - Q_ADD]);
}

static void text(char *dst, size_t cap, struct hl_dbs *s, int col)
{
	const unsigned char *t = hl_db_column_text(s, col);

	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static void row(struct hl_dbs *s, struct hl_feed_token *t)
{
	memset(t, 0, sizeof(*t));
	t->id = hl_db_column_int64(s, 0);
	text(t->op, sizeof(t->op), s, 1);
	text(t->tool, sizeof(t->tool), s, 2);
	t->tlp = hl_db_column_int(s, 3);
	t->created = hl_db_column_int64(s, 4);
	text(t->created_by, sizeof(t->created_by), s, 5);
	t->revoked = hl_db_column_int64(s, 6);
}

int hl_store_feed_token_add(struct hl_store *st, const struct hl_feed_token *t,
			    const unsigned char hash[HL_FEED_HASH])
{
	struct hl_dbs *s = stmt(st, Q_ADD);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, t->op, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 2, t->tool, -1, HL_DB_STATIC);
	hl_db_bind_blob(s, 3, hash, HL_FEED_HASH, HL_DB_STATIC);
	hl_db_bind_int(s, 4, t->tlp);
	hl_db_bind_int64(s, 5, t->created);
	hl_db_bind_text(s, 6, t->created_by, -1, HL_DB_STATIC);
	return hl_store_done(st, s);
}

int hl_store_feed_token_find(struct hl_store *st, const unsigned char hash[HL_FEED_HASH],
			     struct hl_feed_token *out)
{
	struct hl_dbs *s = stmt(st, Q_FIND);
	int rc, r = 0;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_blob(s, 1, hash, HL_FEED_HASH, HL_DB_STATIC);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW)
		row(s, out);
	else if (rc == HL_DB_DONE)
		r = -HL_ENOTFOUND;
	else
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_feed_token_revoke(struct hl_store *st, const char *op, const char *tool,
			       int64_t now)
{
	struct hl_dbs *s = stmt(st, Q_REVOKE);
	int r;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, op, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 2, tool, -1, HL_DB_STATIC);
	hl_db_bind_int64(s, 3, now);
	r = hl_store_done(st, s);
	if (r == 0 && hl_db_changes(hl_store_db(st)) == 0)
		r = -HL_ENOTFOUND;
	return r;
}

int hl_store_feed_token_each(struct hl_store *st,
			     int (*fn)(void *ctx, const struct hl_feed_token *t), void *ctx)
{
	struct hl_dbs *s = stmt(st, Q_EACH);
	int rc = HL_DB_DONE, r = 0;

	if (!s)
		return -HL_ESTORE;
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		struct hl_feed_token t;

		row(s, &t);
		r = fn(ctx, &t);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}
