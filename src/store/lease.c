/* lease.c - the active node's lease (lease.h), on PostgreSQL. */
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "error.h"
#include "lease.h"
#include "storepriv.h"

enum { Q_TRY = HL_XSTMT_LEASE, Q_NAME, Q_EPOCH, Q_SINCE, Q_HOLDER, Q_CHECK, Q_END };
_Static_assert(Q_END <= HL_XSTMT_LEASE + 8, "lease.c owns 8 statement keys");

/* The lease is the advisory lock (the schema's hash, 1): the writers'
 * lock (BEGIN IMMEDIATE, pg.c) is the schema's hash alone, a lock of
 * another kind, and each party's schema has its own pair. */
#define LEASE_KEY "hashtext(current_schema()), 1"

static const char *const sql[] = {
	[Q_TRY - Q_TRY] = "SELECT pg_try_advisory_lock(" LEASE_KEY ")",
	[Q_NAME - Q_TRY] = "SELECT set_config('application_name', ?1, false)",
	[Q_EPOCH - Q_TRY] = "INSERT INTO hl_meta (key, value) VALUES ('lease_epoch', 1)"
			    " ON CONFLICT (key) DO UPDATE SET value = hl_meta.value + 1"
			    " RETURNING value",
	[Q_SINCE - Q_TRY] = "INSERT INTO hl_meta (key, value) VALUES ('lease_since', ?1)"
			    " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	/* pg_locks names the lock by its two keys as unsigned numbers. */
	[Q_HOLDER - Q_TRY] = "SELECT coalesce((SELECT a.application_name FROM pg_locks l"
			     " JOIN pg_stat_activity a ON a.pid = l.pid"
			     " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2"
			     " AND l.objid = 1 AND l.classid::int8 ="
			     " (hashtext(current_schema())::int8 & 4294967295)"
			     " AND l.database = (SELECT oid FROM pg_database"
			     " WHERE datname = current_database()) LIMIT 1), ''),"
			     " coalesce((SELECT value FROM hl_meta WHERE key = 'lease_epoch'), 0),"
			     " coalesce((SELECT value FROM hl_meta WHERE key = 'lease_since'), 0)",
	[Q_CHECK - Q_TRY] = "SELECT value FROM hl_meta WHERE key = 'lease_epoch'",
};

/* This process's epoch, 0 before it took the lease. */
static atomic_int_fast64_t epoch_held;

static struct hl_dbs *stmt(struct hl_store *st, int key)
{
	return hl_store_stmt(st, key, sql[key - Q_TRY]);
}

/* Steps s for its one row; its first column into *v when v. */
static int one_row(struct hl_store *st, struct hl_dbs *s, int64_t *v)
{
	int rc;

	if (!s)
		return -HL_ESTORE;
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW && v)
		*v = hl_db_column_int64(s, 0);
	if (rc != HL_DB_ROW) {
		int r = hl_store_fail(st);

		hl_db_reset(s);
		return r;
	}
	return 0;
}

bool hl_store_shared(struct hl_store *st)
{
	return !hl_db_sqlite(hl_store_db(st));
}

int hl_store_lease_try(struct hl_store *st, const char *node)
{
	struct hl_dbs *s;
	int64_t got = 0;
	int r;

	if (!hl_store_shared(st))
		return 1;
	s = stmt(st, Q_NAME);
	if (s)
		hl_db_bind_text(s, 1, node, -1, HL_DB_STATIC);
	r = one_row(st, s, NULL);
	if (s)
		hl_db_reset(s);
	if (r == 0)
		r = one_row(st, s = stmt(st, Q_TRY), &got);
	if (r == 0)
		hl_db_reset(s);
	return r < 0 ? r : got != 0;
}

int hl_store_lease_begin(struct hl_store *st, int64_t now, int64_t *epoch)
{
	struct hl_dbs *s;
	int r;

	*epoch = 0;
	if (!hl_store_shared(st))
		return 0;
	r = hl_store_begin(st);
	if (r == 0)
		r = one_row(st, s = stmt(st, Q_EPOCH), epoch);
	if (r == 0) {
		hl_db_step(s);	/* to its end, as RETURNING wants */
		hl_db_reset(s);
		s = stmt(st, Q_SINCE);
		r = s ? 0 : -HL_ESTORE;
	}
	if (r == 0) {
		hl_db_bind_int64(s, 1, now);
		r = hl_store_done(st, s);
	}
	if (r == 0)
		r = hl_store_commit(st);
	else
		hl_store_rollback(st);
	if (r == 0)
		atomic_store(&epoch_held, *epoch);
	return r;
}

int hl_store_lease_holder(struct hl_store *st, char node[HL_NODE_MAX + 1], int64_t *epoch,
			  int64_t *since)
{
	struct hl_dbs *s;
	int r;

	node[0] = '\0';
	*epoch = *since = 0;
	if (!hl_store_shared(st))
		return 0;
	r = one_row(st, s = stmt(st, Q_HOLDER), NULL);
	if (r < 0)
		return r;
	snprintf(node, HL_NODE_MAX + 1, "%s", (const char *)hl_db_column_text(s, 0));
	*epoch = hl_db_column_int64(s, 1);
	*since = hl_db_column_int64(s, 2);
	hl_db_reset(s);
	return 0;
}

int hl_store_lease_check(struct hl_store *st)
{
	int64_t mine = atomic_load(&epoch_held), now = 0;
	struct hl_dbs *s;
	int r;

	if (!mine || !hl_store_shared(st))
		return 0;
	r = one_row(st, s = stmt(st, Q_CHECK), &now);
	if (r < 0)
		return r;
	hl_db_reset(s);
	if (now == mine)
		return 0;
	hl_store_failf(st, "another node took the lease (epoch %lld, this node's %lld):"
		       " this node is no longer active", (long long)now, (long long)mine);
	return -HL_ESTORE;
}

int hl_store_alive(struct hl_store *st, int ms)
{
	return hl_db_ping(hl_store_db(st), ms) == 0 ? 0 : hl_store_fail(st);
}
