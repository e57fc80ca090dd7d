/* groupboard.c - the board's reads of the store (groupboard.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "db.h"

#include "error.h"
#include "groupboard.h"
#include "storepriv.h"

enum { Q_MESSAGES = HL_XSTMT_GROUPBOARD, Q_ESC_LAST, Q_HELD, Q_HELD_SENT, Q_END };
_Static_assert(Q_END <= HL_XSTMT_GROUPBOARD + 8, "groupboard.c owns 8 statement keys");

static const char *const sql[] = {
	/* A bare column beside min() comes from the row of the minimum. */
	/* Each message's first row: SQLite reads the other columns of the
	 * row min() chose, PostgreSQL takes it with DISTINCT ON. */
	[Q_MESSAGES - Q_MESSAGES] = "SELECT g.gid, min(g.id), g.time, g.kind, g.precedence,"
				    " g.case_no, g.operator, lg.name FROM group_envelope g"
				    " JOIN link_group lg ON lg.id = g.grp WHERE g.grp = ?1"
				    " GROUP BY g.gid ORDER BY min(g.id) DESC LIMIT ?2" HL_DB_PG
				    "SELECT * FROM (SELECT DISTINCT ON (g.gid) g.gid, g.id,"
				    " g.time, g.kind, g.precedence, g.case_no, g.operator, lg.name"
				    " FROM group_envelope g JOIN link_group lg ON lg.id = g.grp"
				    " WHERE g.grp = ?1 ORDER BY g.gid, g.id) AS f"
				    " ORDER BY id DESC LIMIT ?2",
	[Q_ESC_LAST - Q_MESSAGES] = "SELECT event, step, fired, status FROM escalation"
				    " WHERE link = ?1 AND side = ?2 AND seq = ?3"
				    " AND (CAST(?4 AS TEXT) IS NULL OR event = ?4)"
				    " ORDER BY fired DESC, step DESC LIMIT 1",
	[Q_HELD - Q_MESSAGES] = "SELECT 1 FROM held WHERE id = ?1",
	[Q_HELD_SENT - Q_MESSAGES] = "UPDATE group_envelope SET seq = ?3"
				     " WHERE link = ?1 AND held = ?2 AND seq IS NULL",
};

static struct hl_dbs *stmt(struct hl_store *st, int key)
{
	return hl_store_stmt(st, key, sql[key - Q_MESSAGES]);
}

static void text(char *dst, size_t cap, struct hl_dbs *s, int col)
{
	const unsigned char *t = hl_db_column_text(s, col);

	snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

static void message_row(struct hl_dbs *s, struct hl_group_envelope *ge)
{
	char prec[16];

	text(ge->gid, sizeof(ge->gid), s, 0);
	ge->time = hl_db_column_int64(s, 2);
	text(ge->kind, sizeof(ge->kind), s, 3);
	text(prec, sizeof(prec), s, 4);
	if (hl_precedence_parse(prec, &ge->precedence) < 0)
		ge->precedence = HL_ROUTINE;
	ge->case_no = (uint64_t)hl_db_column_int64(s, 5);
	text(ge->op, sizeof(ge->op), s, 6);
	text(ge->group_name, sizeof(ge->group_name), s, 7);
}

int hl_store_group_messages(struct hl_store *st, int64_t group, unsigned limit,
			    hl_group_envelope_fn fn, void *ctx)
{
	struct hl_dbs *s = stmt(st, Q_MESSAGES);
	int rc = HL_DB_DONE, r = 0;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, group);
	hl_db_bind_int64(s, 2, limit);
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		struct hl_group_envelope ge = {.group = group};

		message_row(s, &ge);
		r = fn(ctx, &ge);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_escalation_last(struct hl_store *st, int64_t link, int side, uint64_t seq,
			     const char *event, struct hl_escalation_step *out)
{
	struct hl_dbs *s = stmt(st, Q_ESC_LAST);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	hl_db_bind_int(s, 2, side);
	hl_db_bind_int64(s, 3, (int64_t)seq);
	if (event)
		hl_db_bind_text(s, 4, event, -1, HL_DB_STATIC);
	else
		hl_db_bind_null(s, 4);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW) {
		text(out->event, sizeof(out->event), s, 0);
		out->step = (unsigned)hl_db_column_int(s, 1);
		out->fired = hl_db_column_int64(s, 2);
		text(out->status, sizeof(out->status), s, 3);
	}
	hl_db_reset(s);
	if (rc == HL_DB_ROW)
		return 0;
	return rc == HL_DB_DONE ? -HL_ENOTFOUND : hl_store_fail(st);
}

int hl_store_held_waiting(struct hl_store *st, int64_t id, bool *waiting)
{
	struct hl_dbs *s = stmt(st, Q_HELD);
	int rc;

	*waiting = false;
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, id);
	rc = hl_db_step(s);
	*waiting = rc == HL_DB_ROW;
	hl_db_reset(s);
	return rc == HL_DB_ROW || rc == HL_DB_DONE ? 0 : hl_store_fail(st);
}

int hl_store_group_held_sent(struct hl_store *st, int64_t link, int64_t held, uint64_t seq)
{
	struct hl_dbs *s = stmt(st, Q_HELD_SENT);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	hl_db_bind_int64(s, 2, held);
	hl_db_bind_int64(s, 3, (int64_t)seq);
	return hl_store_done(st, s);
}
