/* audit.c - the audit trail's tables in SQLite (audit.h). */
#include <string.h>

#include "audit.h"
#include "error.h"
#include "storepriv.h"

enum {
	A_SIZE = HL_XSTMT_AUDIT,
	A_PUT,
	A_GET,
	A_EACH,
	A_NODE_PUT,
	A_NODE_GET,
	A_CP_PUT,
	A_CP_LAST,
	A_CP_EACH,
	A_LEAVES,
};

static struct hl_dbs *stmt(struct hl_store *st, int k)
{
	static const char *const sql[] = {
		[A_SIZE - HL_XSTMT_AUDIT] = "SELECT coalesce(max(seq), 0) FROM audit_entry",
		[A_PUT - HL_XSTMT_AUDIT] = "INSERT INTO audit_entry (seq, bytes) VALUES (?1, ?2)",
		[A_GET - HL_XSTMT_AUDIT] = "SELECT bytes FROM audit_entry WHERE seq = ?1",
		[A_EACH - HL_XSTMT_AUDIT] = "SELECT seq, bytes FROM audit_entry WHERE seq > ?1"
					    " ORDER BY seq LIMIT ?2",
		/* last, the node's last leaf, is hl_store_node_last's. */
		[A_NODE_PUT - HL_XSTMT_AUDIT] = "INSERT OR REPLACE INTO audit_node"
						" (level, idx, hash, last)"
						" VALUES (?1, ?2, ?3, ?4)" HL_DB_PG
						"INSERT INTO audit_node (level, idx, hash, last)"
						" VALUES (?1, ?2, ?3, ?4) ON CONFLICT"
						" (last, level) DO UPDATE SET idx = excluded.idx,"
						" hash = excluded.hash",
		[A_NODE_GET - HL_XSTMT_AUDIT] = "SELECT hash FROM audit_node"
						" WHERE last = ?2 AND level = ?1",
		[A_CP_PUT - HL_XSTMT_AUDIT] = "INSERT OR IGNORE INTO audit_checkpoint (size, note)"
					      " VALUES (?1, ?2)",
		[A_CP_LAST - HL_XSTMT_AUDIT] = "SELECT size, note FROM audit_checkpoint"
					       " ORDER BY size DESC LIMIT 1",
		[A_CP_EACH - HL_XSTMT_AUDIT] = "SELECT size, note FROM audit_checkpoint ORDER BY size",
		[A_LEAVES - HL_XSTMT_AUDIT] = "SELECT coalesce(max(last) + 1, 0) FROM audit_node"
					      " WHERE level = 0",
	};

	return hl_store_stmt(st, k, sql[k - HL_XSTMT_AUDIT]);
}

/* Steps s to its end: HL_DB_DONE is 0, anything else the store's error. */
static int finish(struct hl_store *st, struct hl_dbs *s, int rc)
{
	int r = rc == HL_DB_DONE ? 0 : hl_store_fail(st);

	hl_db_reset(s);
	return r;
}

/* The one integer that statement k yields. */
static int one_count(struct hl_store *st, int k, uint64_t *out)
{
	struct hl_dbs *s = stmt(st, k);
	int rc;

	if (!s)
		return -HL_ESTORE;
	rc = hl_db_step(s);
	if (rc != HL_DB_ROW)
		return finish(st, s, rc);
	*out = (uint64_t)hl_db_column_int64(s, 0);
	hl_db_reset(s);
	return 0;
}

int hl_store_audit_sync(struct hl_store *st, bool full)
{
	return hl_db_durable(hl_store_db(st), full) == 0 ? 0 : hl_store_fail(st);
}

int hl_store_audit_leaves(struct hl_store *st, uint64_t *n)
{
	return one_count(st, A_LEAVES, n);
}

int hl_store_audit_size(struct hl_store *st, uint64_t *size)
{
	return one_count(st, A_SIZE, size);
}

int hl_store_audit_put(struct hl_store *st, uint64_t seq, const void *bytes, size_t n)
{
	struct hl_dbs *s = stmt(st, A_PUT);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, (int64_t)seq);
	hl_db_bind_blob(s, 2, n ? bytes : "", (int)n, HL_DB_STATIC);
	return hl_store_done(st, s);
}

/* The one row's first blob column appended to out; -HL_ENOTFOUND. */
static int one_blob(struct hl_store *st, struct hl_dbs *s, int col, struct hl_buf *out)
{
	int rc = hl_db_step(s), r;

	if (rc != HL_DB_ROW) {
		r = finish(st, s, rc);
		return r < 0 ? r : -HL_ENOTFOUND;
	}
	r = hl_buf_append(out, hl_db_column_blob(s, col),
			  (size_t)hl_db_column_bytes(s, col));
	hl_db_reset(s);
	return r;
}

int hl_store_audit_get(struct hl_store *st, uint64_t seq, struct hl_buf *out)
{
	struct hl_dbs *s = stmt(st, A_GET);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, (int64_t)seq);
	return one_blob(st, s, 0, out);
}

/* Calls fn with (column 0, column 1's blob) for each row of s. */
static int rows(struct hl_store *st, struct hl_dbs *s,
		int (*fn)(void *ctx, uint64_t n, const unsigned char *p, size_t len),
		void *ctx)
{
	for (;;) {
		int rc = hl_db_step(s), r;
		const unsigned char *p;

		if (rc != HL_DB_ROW)
			return finish(st, s, rc);
		p = hl_db_column_blob(s, 1);
		r = fn(ctx, (uint64_t)hl_db_column_int64(s, 0), p ? p : (const unsigned char *)"",
		       (size_t)hl_db_column_bytes(s, 1));
		if (r != 0) {
			hl_db_reset(s);
			return r;
		}
	}
}

int hl_store_audit_each(struct hl_store *st, uint64_t after, uint64_t limit,
			int (*fn)(void *ctx, uint64_t seq, const unsigned char *p, size_t n),
			void *ctx)
{
	struct hl_dbs *s = stmt(st, A_EACH);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, (int64_t)(after > INT64_MAX ? INT64_MAX : after));
	hl_db_bind_int64(s, 2, limit && limit < INT64_MAX ? (int64_t)limit : INT64_MAX);
	return rows(st, s, fn, ctx);
}

int hl_store_audit_node_put(struct hl_store *st, const struct hl_merkle_node *node)
{
	struct hl_dbs *s = stmt(st, A_NODE_PUT);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int(s, 1, (int)node->level);
	hl_db_bind_int64(s, 2, (int64_t)node->index);
	hl_db_bind_blob(s, 3, node->hash, HL_HASH_LEN, HL_DB_STATIC);
	hl_db_bind_int64(s, 4, hl_store_node_last(node->level, node->index));
	return hl_store_done(st, s);
}

int hl_store_audit_node_get(struct hl_store *st, unsigned level, uint64_t index,
			    hl_hash out)
{
	struct hl_dbs *s = stmt(st, A_NODE_GET);
	struct hl_buf b;
	int r;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int(s, 1, (int)level);
	hl_db_bind_int64(s, 2, hl_store_node_last(level, index));
	hl_buf_init(&b, HL_HASH_LEN);
	r = one_blob(st, s, 0, &b);
	if (r == 0 && b.len != HL_HASH_LEN)
		r = -HL_ESTORE;
	if (r == 0)
		memcpy(out, b.data, HL_HASH_LEN);
	hl_buf_free(&b);
	return r;
}

static int src_node(void *ctx, unsigned level, uint64_t index, hl_hash out)
{
	return hl_store_audit_node_get(ctx, level, index, out);
}

struct hl_merkle_src hl_store_audit_src(struct hl_store *st)
{
	return (struct hl_merkle_src){.node = src_node, .ctx = st};
}

int hl_store_audit_checkpoint_put(struct hl_store *st, uint64_t size,
				  const void *note, size_t n)
{
	struct hl_dbs *s = stmt(st, A_CP_PUT);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, (int64_t)size);
	hl_db_bind_blob(s, 2, note, (int)n, HL_DB_STATIC);
	return hl_store_done(st, s);
}

int hl_store_audit_checkpoint_last(struct hl_store *st, uint64_t *size, struct hl_buf *out)
{
	struct hl_dbs *s = stmt(st, A_CP_LAST);
	int rc;

	*size = 0;
	if (!s)
		return -HL_ESTORE;
	rc = hl_db_step(s);
	if (rc != HL_DB_ROW)
		return finish(st, s, rc);
	*size = (uint64_t)hl_db_column_int64(s, 0);
	rc = hl_buf_append(out, hl_db_column_blob(s, 1), (size_t)hl_db_column_bytes(s, 1));
	hl_db_reset(s);
	return rc;
}

int hl_store_audit_checkpoint_each(struct hl_store *st,
				   int (*fn)(void *ctx, uint64_t size,
					     const unsigned char *p, size_t n),
				   void *ctx)
{
	struct hl_dbs *s = stmt(st, A_CP_EACH);

	if (!s)
		return -HL_ESTORE;
	return rows(st, s, fn, ctx);
}
