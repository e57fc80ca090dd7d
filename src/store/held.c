/* held.c - messages held while a link is suspended (held.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#include "error.h"
#include "groupboard.h"
#include "held.h"
#include "storepriv.h"
#include "transcript.h"

enum { Q_PUT = HL_XSTMT_HELD, Q_EACH, Q_ALL, Q_COUNT, Q_DROP, Q_EVER, Q_END };
_Static_assert(Q_END <= HL_XSTMT_HELD + 8, "held.c owns 8 statement keys");

#define COLS "id, link, queued, kind, precedence, case_no, content, op_name, op_role"

static const char *const sql[] = {
	[Q_PUT - Q_PUT] = "INSERT INTO held (link, queued, kind, precedence, case_no, content,"
			  " op_name, op_role) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[Q_EACH - Q_PUT] = "SELECT " COLS " FROM held WHERE link = ?1 ORDER BY id",
	[Q_ALL - Q_PUT] = "SELECT " COLS " FROM held ORDER BY id",
	[Q_COUNT - Q_PUT] = "SELECT count(*) FROM held WHERE link = ?1",
	[Q_DROP - Q_PUT] = "DELETE FROM held WHERE id = ?1",
	[Q_EVER - Q_PUT] = "SELECT 1 FROM message INDEXED BY message_suspend"
			   " WHERE link = (SELECT id FROM link WHERE name = ?1)"
			   " AND kind = 'suspend' LIMIT 1",
};

static struct hl_dbs *stmt(struct hl_store *st, int key)
{
	return hl_store_stmt(st, key, sql[key - Q_PUT]);
}

static int put_row(struct hl_store *st, struct hl_held *h)
{
	struct hl_dbs *s = stmt(st, Q_PUT);
	int r;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, h->link);
	hl_db_bind_int64(s, 2, h->queued);
	hl_db_bind_text(s, 3, h->kind, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 4, hl_precedence_name(h->precedence), -1, HL_DB_STATIC);
	hl_db_bind_int64(s, 5, (int64_t)h->case_no);
	hl_db_bind_blob(s, 6, h->content, (int)h->len, HL_DB_STATIC);
	hl_db_bind_text(s, 7, h->op_name, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 8, h->op_role, -1, HL_DB_STATIC);
	r = hl_store_done(st, s);
	if (r == 0)
		h->id = hl_db_last_insert_rowid(hl_store_db(st));
	return r;
}

int hl_store_held_put(struct hl_store *st, struct hl_held *h)
{
	int r = hl_store_begin(st);

	if (r == 0 && h->case_no) {
		r = hl_store_case_number_take(st, h->case_no);
		if (r == -HL_EDUPLICATE)
			r = -EAGAIN;
	}
	if (r == 0)
		r = put_row(st, h);
	if (r == 0)
		return hl_store_commit(st);
	hl_store_rollback(st);
	return r;
}

static int rows(struct hl_store *st, struct hl_dbs *s,
		int (*fn)(void *ctx, const struct hl_held *h), void *ctx)
{
	int rc, r = 0;

	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		struct hl_held h = {
			.id = hl_db_column_int64(s, 0),
			.link = hl_db_column_int64(s, 1),
			.queued = hl_db_column_int64(s, 2),
			.case_no = (uint64_t)hl_db_column_int64(s, 5),
			.content = hl_db_column_blob(s, 6),
			.len = (size_t)hl_db_column_bytes(s, 6),
		};

		snprintf(h.kind, sizeof(h.kind), "%s", (const char *)hl_db_column_text(s, 3));
		if (hl_precedence_parse((const char *)hl_db_column_text(s, 4), &h.precedence) < 0)
			h.precedence = HL_ROUTINE;
		snprintf(h.op_name, sizeof(h.op_name), "%s", (const char *)hl_db_column_text(s, 7));
		snprintf(h.op_role, sizeof(h.op_role), "%s", (const char *)hl_db_column_text(s, 8));
		r = fn(ctx, &h);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r < 0 ? r : 0;
}

int hl_store_held_each(struct hl_store *st, int64_t link,
		       int (*fn)(void *ctx, const struct hl_held *h), void *ctx)
{
	struct hl_dbs *s = stmt(st, link ? Q_EACH : Q_ALL);

	if (!s)
		return -HL_ESTORE;
	if (link)
		hl_db_bind_int64(s, 1, link);
	return rows(st, s, fn, ctx);
}

int hl_store_held_count(struct hl_store *st, int64_t link, uint64_t *n)
{
	struct hl_dbs *s = stmt(st, Q_COUNT);
	int r = 0;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	if (hl_db_step(s) == HL_DB_ROW)
		*n = (uint64_t)hl_db_column_int64(s, 0);
	else
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_held_drop(struct hl_store *st, int64_t id)
{
	struct hl_dbs *s = stmt(st, Q_DROP);
	int r;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, id);
	r = hl_store_done(st, s);
	if (r == 0 && hl_db_changes(hl_store_db(st)) == 0)
		r = -HL_ENOTFOUND;
	return r;
}

int hl_store_ever_suspended(struct hl_store *st, const char *link, bool *yes)
{
	struct hl_dbs *s = stmt(st, Q_EVER);
	int rc;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, link, -1, HL_DB_STATIC);
	rc = hl_db_step(s);
	*yes = rc == HL_DB_ROW;
	hl_db_reset(s);
	return rc == HL_DB_ROW || rc == HL_DB_DONE ? 0 : hl_store_fail(st);
}

/* ---- release ---- */

struct release {
	struct hl_send_job *jobs;
	unsigned char **plain;
	int64_t *ids;
	size_t n, cap;
	const struct hl_link *l;
	int64_t now;
};

static int take(void *ctx, const struct hl_held *h)
{
	struct release *rl = ctx;
	struct hl_send_job *job;

	if (rl->n == rl->cap) {
		size_t cap = rl->cap ? 2 * rl->cap : 8;
		void *j = realloc(rl->jobs, cap * sizeof(*rl->jobs));
		void *p = j ? realloc(rl->plain, cap * sizeof(*rl->plain)) : NULL;
		void *i = p ? realloc(rl->ids, cap * sizeof(*rl->ids)) : NULL;

		if (j)
			rl->jobs = j;
		if (p)
			rl->plain = p;
		if (!i)
			return -ENOMEM;
		rl->ids = i;
		rl->cap = cap;
	}
	rl->plain[rl->n] = malloc(h->len ? h->len : 1);
	if (!rl->plain[rl->n])
		return -ENOMEM;
	memcpy(rl->plain[rl->n], h->content, h->len);
	job = &rl->jobs[rl->n];
	*job = (struct hl_send_job){.link = rl->l};
	job->msg = (struct hl_send){.precedence = h->precedence, .plain = rl->plain[rl->n],
				    .plain_len = h->len, .now = rl->now};
	/* The kind must outlive the row: keep it in the copy's buffer. */
	job->msg.kind = strcmp(h->kind, "notify") == 0 ? "notify" : "request";
	rl->ids[rl->n++] = h->id;
	return 0;
}

/* In the sending transaction: the held rows go as their envelopes come,
 * and a group message that held one names the envelope now
 * (groupboard.h). */
static int drop_all(void *ctx, struct hl_store *st)
{
	struct release *rl = ctx;
	int r = 0;

	for (size_t i = 0; r == 0 && i < rl->n; i++) {
		r = hl_store_group_held_sent(st, rl->l->id, rl->ids[i], rl->jobs[i].seq);
		if (r == 0)
			r = hl_store_held_drop(st, rl->ids[i]);
	}
	return r;
}

int hl_store_held_release(struct hl_store *st, const struct hl_party *me,
			  const struct hl_link *l, int64_t now, uint64_t *n, uint64_t *first)
{
	struct release rl = {.l = l, .now = now};
	int r = hl_store_held_each(st, l->id, take, &rl);

	*n = 0;
	*first = 0;
	if (r == 0 && rl.n)
		r = hl_transcript_send_then(st, me, rl.jobs, rl.n, drop_all, &rl);
	for (size_t i = 0; r == 0 && i < rl.n; i++)
		if (rl.jobs[i].result < 0)
			r = rl.jobs[i].result;
	if (r == 0 && rl.n) {
		*n = rl.n;
		*first = rl.jobs[0].seq;
	}
	for (size_t i = 0; i < rl.n; i++)
		free(rl.plain[i]);
	free(rl.plain);
	free(rl.jobs);
	free(rl.ids);
	return r;
}
