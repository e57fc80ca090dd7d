/* groupmsg.c - group messages in the store (groupmsg.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "db.h"

#include "error.h"
#include "groupmsg.h"
#include "storepriv.h"

enum {
	Q_PUT = HL_XSTMT_GROUPMSG, Q_LIST, Q_SEEN_PUT, Q_SEEN_OTHER, Q_SEEN_MARK,
	Q_REUSED, Q_NEW, Q_WARNED, Q_AT, Q_CASE, Q_END
};
_Static_assert(Q_END <= HL_XSTMT_GROUPMSG + 16, "groupmsg.c owns 16 statement keys");

static const char *const sql[] = {
	[Q_PUT - Q_PUT] = "INSERT INTO group_envelope (gid, grp, link, seq, held, time, kind,"
			  " precedence, case_no, operator)"
			  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[Q_LIST - Q_PUT] = "SELECT g.gid, g.grp, g.link, l.name, g.seq, g.held, g.time, g.kind,"
			   " g.precedence, g.case_no, g.operator, lg.name"
			   " FROM group_envelope g JOIN link l ON l.id = g.link"
			   " JOIN link_group lg ON lg.id = g.grp"
			   " WHERE g.gid = ?1 ORDER BY l.name, g.id",
	[Q_SEEN_PUT - Q_PUT] = "INSERT INTO group_seen (link, seq, gid, hash) VALUES (?1, ?2, ?3, ?4)"
			       " ON CONFLICT (link, seq) DO NOTHING",
	[Q_SEEN_OTHER - Q_PUT] = "SELECT count(*) FROM group_seen WHERE link = ?1 AND gid = ?2"
				 " AND hash <> ?3",
	[Q_SEEN_MARK - Q_PUT] = "UPDATE group_seen SET reused = 1 WHERE link = ?1 AND gid = ?2",
	[Q_REUSED - Q_PUT] = "SELECT count(*) FROM group_seen WHERE link = ?1 AND reused = 1",
	[Q_NEW - Q_PUT] = "SELECT count(*), min(gid) FROM group_seen"
			  " WHERE link = ?1 AND reused = 1 AND warned = 0",
	[Q_WARNED - Q_PUT] = "UPDATE group_seen SET warned = 1"
			     " WHERE link = ?1 AND reused = 1 AND warned = 0",
	[Q_AT - Q_PUT] = "SELECT reused FROM group_seen WHERE link = ?1 AND seq = ?2",
	[Q_CASE - Q_PUT] = "SELECT EXISTS (SELECT 1 FROM group_envelope INDEXED BY group_envelope_case"
			   " WHERE case_no = ?1 AND kind = 'notify')",
};

static struct hl_dbs *stmt(struct hl_store *st, int key)
{
	return hl_store_stmt(st, key, sql[key - Q_PUT]);
}

static void bind_opt(struct hl_dbs *s, int i, int64_t v)
{
	if (v)
		hl_db_bind_int64(s, i, v);
	else
		hl_db_bind_null(s, i);
}

static int put_one(struct hl_store *st, const struct hl_group_envelope *ge)
{
	struct hl_dbs *s = stmt(st, Q_PUT);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, ge->gid, -1, HL_DB_STATIC);
	hl_db_bind_int64(s, 2, ge->group);
	hl_db_bind_int64(s, 3, ge->link);
	bind_opt(s, 4, (int64_t)ge->seq);
	bind_opt(s, 5, ge->held);
	hl_db_bind_int64(s, 6, ge->time);
	hl_db_bind_text(s, 7, ge->kind, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 8, hl_precedence_name(ge->precedence), -1, HL_DB_STATIC);
	bind_opt(s, 9, (int64_t)ge->case_no);
	hl_db_bind_text(s, 10, ge->op, -1, HL_DB_STATIC);
	return hl_store_done(st, s);
}

int hl_store_group_envelopes_put_in(struct hl_store *st, const struct hl_group_envelope *ge,
				    size_t n)
{
	int r = 0;

	/* The case number is taken here, once for the group message; one
	 * taken already (by the index, say) is no error. */
	if (n && ge[0].case_no) {
		r = hl_store_case_number_take(st, ge[0].case_no);
		if (r == -HL_EDUPLICATE)
			r = 0;
	}
	for (size_t i = 0; r == 0 && i < n; i++)
		r = put_one(st, &ge[i]);
	return r;
}

int hl_store_group_envelopes_put(struct hl_store *st, const struct hl_group_envelope *ge,
				 size_t n)
{
	int r = n ? hl_store_begin(st) : 0;

	if (n == 0)
		return 0;
	if (r == 0)
		r = hl_store_group_envelopes_put_in(st, ge, n);
	if (r == 0)
		return hl_store_commit(st);
	hl_store_rollback(st);
	return r;
}

static void text_col(struct hl_dbs *s, int i, char *out, size_t cap)
{
	const unsigned char *t = hl_db_column_text(s, i);

	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

int hl_store_group_envelopes(struct hl_store *st, const char *gid,
			     hl_group_envelope_fn fn, void *ctx)
{
	struct hl_dbs *s = stmt(st, Q_LIST);
	int rc, r = 0;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, gid, -1, HL_DB_TRANSIENT);
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		struct hl_group_envelope ge = {
			.group = hl_db_column_int64(s, 1),
			.link = hl_db_column_int64(s, 2),
			.seq = (uint64_t)hl_db_column_int64(s, 4),
			.held = hl_db_column_int64(s, 5),
			.time = hl_db_column_int64(s, 6),
			.case_no = (uint64_t)hl_db_column_int64(s, 9),
		};
		char prec[16];

		text_col(s, 0, ge.gid, sizeof(ge.gid));
		text_col(s, 3, ge.link_name, sizeof(ge.link_name));
		text_col(s, 7, ge.kind, sizeof(ge.kind));
		text_col(s, 8, prec, sizeof(prec));
		text_col(s, 10, ge.op, sizeof(ge.op));
		text_col(s, 11, ge.group_name, sizeof(ge.group_name));
		if (hl_precedence_parse(prec, &ge.precedence) < 0)
			ge.precedence = HL_ROUTINE;
		r = fn(ctx, &ge);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

/* How many envelopes of link carried gid with content other than hash. */
static int others(struct hl_store *st, int64_t link, const char *gid,
		  const unsigned char hash[32], int64_t *n)
{
	struct hl_dbs *s = stmt(st, Q_SEEN_OTHER);
	int r;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	hl_db_bind_text(s, 2, gid, -1, HL_DB_TRANSIENT);
	hl_db_bind_blob(s, 3, hash, 32, HL_DB_STATIC);
	r = hl_db_step(s) == HL_DB_ROW ? 0 : hl_store_fail(st);
	*n = r == 0 ? hl_db_column_int64(s, 0) : 0;
	hl_db_reset(s);
	return r;
}

static int seen(struct hl_store *st, int64_t link, uint64_t seq, const char *gid,
		const unsigned char hash[32], bool *reused)
{
	struct hl_dbs *s = stmt(st, Q_SEEN_PUT);
	int64_t n = 0;
	int r;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	hl_db_bind_int64(s, 2, (int64_t)seq);
	hl_db_bind_text(s, 3, gid, -1, HL_DB_TRANSIENT);
	hl_db_bind_blob(s, 4, hash, 32, HL_DB_STATIC);
	r = hl_store_done(st, s);
	if (r < 0 || hl_db_changes(hl_store_db(st)) == 0)
		return r;	/* the same envelope again: nothing changes */
	r = others(st, link, gid, hash, &n);
	if (r < 0 || n == 0)
		return r;
	*reused = true;
	s = stmt(st, Q_SEEN_MARK);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	hl_db_bind_text(s, 2, gid, -1, HL_DB_TRANSIENT);
	return hl_store_done(st, s);
}

int hl_store_group_seen(struct hl_store *st, int64_t link, uint64_t seq, const char *gid,
			const unsigned char hash[32], bool *reused)
{
	*reused = false;
	return seen(st, link, seq, gid, hash, reused);
}

int hl_store_group_reused(struct hl_store *st, int64_t link, uint64_t *n)
{
	struct hl_dbs *s = stmt(st, Q_REUSED);
	int r;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	r = hl_db_step(s) == HL_DB_ROW ? 0 : hl_store_fail(st);
	*n = r == 0 ? (uint64_t)hl_db_column_int64(s, 0) : 0;
	hl_db_reset(s);
	return r;
}

int hl_store_group_reused_take(struct hl_store *st, int64_t link, uint64_t *n,
			       char gid[HL_GROUP_ID_HEX + 1])
{
	struct hl_dbs *s = stmt(st, Q_NEW);
	int r;

	*n = 0;
	gid[0] = 0;
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	r = hl_db_step(s) == HL_DB_ROW ? 0 : hl_store_fail(st);
	if (r == 0) {
		*n = (uint64_t)hl_db_column_int64(s, 0);
		text_col(s, 1, gid, HL_GROUP_ID_HEX + 1);
	}
	hl_db_reset(s);
	if (r < 0 || *n == 0)
		return r;
	s = stmt(st, Q_WARNED);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	return hl_store_done(st, s);
}

int hl_store_group_reused_at(struct hl_store *st, int64_t link, uint64_t seq, bool *reused)
{
	struct hl_dbs *s = stmt(st, Q_AT);
	int rc;

	*reused = false;
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	hl_db_bind_int64(s, 2, (int64_t)seq);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW)
		*reused = hl_db_column_int(s, 0) != 0;
	hl_db_reset(s);
	return rc == HL_DB_ROW || rc == HL_DB_DONE ? 0 : hl_store_fail(st);
}

int hl_store_group_case(struct hl_store *st, uint64_t number, bool *yes)
{
	struct hl_dbs *s = stmt(st, Q_CASE);
	int rc;

	*yes = false;
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, (int64_t)number);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW)
		*yes = hl_db_column_int(s, 0) != 0;
	hl_db_reset(s);
	return rc == HL_DB_ROW ? 0 : hl_store_fail(st);
}
