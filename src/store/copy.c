/* copy.c - a SQLite store copied into an empty PostgreSQL one (copy.h).
 *
 * The tables are PostgreSQL's, in the order they were made (each names
 * in its foreign keys only tables made before it), with their columns
 * in order: the same as SQLite's, which t0240 holds to.  Every value
 * keeps its type and every row its keys; the identity columns' counters
 * are then moved past the keys copied, so that the next row PostgreSQL
 * numbers follows them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "db.h"
#include "error.h"
#include "storepriv.h"

#define TABLES "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace" \
	" WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'hl_meta'" \
	" ORDER BY c.oid"
#define COLUMNS "SELECT column_name FROM information_schema.columns" \
	" WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position"
#define IDENTITY "SELECT table_name, column_name FROM information_schema.columns" \
	" WHERE table_schema = current_schema() AND is_identity = 'YES'"
#define MAX_TABLES 64
#define MAX_SQL 2048
#define NAME_MAX_ 64

struct names {
	char v[MAX_TABLES][NAME_MAX_];
	size_t n;
};

/* The first column of each row of sql (with ?1 = arg when given). */
static int names(struct hl_store *st, const char *sql, const char *arg, struct names *out)
{
	struct hl_dbs *s;
	int rc;

	out->n = 0;
	if (hl_db_prepare(hl_store_db(st), sql, false, &s) < 0)
		return hl_store_fail(st);
	if (arg)
		hl_db_bind_text(s, 1, arg, -1, HL_DB_STATIC);
	while ((rc = hl_db_step(s)) == HL_DB_ROW && out->n < MAX_TABLES)
		snprintf(out->v[out->n++], NAME_MAX_, "%s", (const char *)hl_db_column_text(s, 0));
	hl_db_finalize(s);
	if (rc == HL_DB_ROW) {
		hl_store_failf(st, "more than %d tables or columns", MAX_TABLES);
		return -HL_ESTORE;
	}
	return rc == HL_DB_DONE ? 0 : hl_store_fail(st);
}

static int count(struct hl_store *st, const char *table, uint64_t *n)
{
	char sql[128];
	struct hl_dbs *s;
	int r = 0;

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", table);
	if (hl_db_prepare(hl_store_db(st), sql, false, &s) < 0)
		return hl_store_fail(st);
	if (hl_db_step(s) == HL_DB_ROW)
		*n = (uint64_t)hl_db_column_int64(s, 0);
	else
		r = hl_store_fail(st);
	hl_db_finalize(s);
	return r;
}

int hl_store_rows(struct hl_store *st, char first[64], uint64_t *rows)
{
	struct names t;
	int r = names(st, TABLES, NULL, &t);

	first[0] = '\0';
	*rows = 0;
	for (size_t i = 0; r == 0 && i < t.n && !*rows; i++) {
		r = count(st, t.v[i], rows);
		if (r == 0 && *rows)
			snprintf(first, 64, "%s", t.v[i]);
	}
	return r;
}

/* The SELECT of from and the INSERT of to for one table's columns.
 * SQLite's full-text table keeps its key as the rowid. */
static int statements(const char *table, const struct names *cols, char *sel, char *ins)
{
	size_t a = 0, b = 0;

	a += (size_t)snprintf(sel, MAX_SQL, "SELECT ");
	b += (size_t)snprintf(ins, MAX_SQL, "INSERT INTO \"%s\" (", table);
	for (size_t i = 0; i < cols->n && a < MAX_SQL && b < MAX_SQL; i++) {
		bool rowid = strcmp(table, "text_fts") == 0 && strcmp(cols->v[i], "rowid") == 0;

		a += (size_t)snprintf(sel + a, MAX_SQL - a, rowid ? "%s%s" : "%s\"%s\"",
				      i ? ", " : "", cols->v[i]);
		b += (size_t)snprintf(ins + b, MAX_SQL - b, "%s\"%s\"", i ? ", " : "", cols->v[i]);
	}
	if (a < MAX_SQL)
		a += (size_t)snprintf(sel + a, MAX_SQL - a, " FROM \"%s\"", table);
	if (b < MAX_SQL)
		b += (size_t)snprintf(ins + b, MAX_SQL - b, ") VALUES (");
	for (size_t i = 0; i < cols->n && b < MAX_SQL; i++)
		b += (size_t)snprintf(ins + b, MAX_SQL - b, "%s?%zu", i ? ", " : "", i + 1);
	if (b < MAX_SQL)
		b += (size_t)snprintf(ins + b, MAX_SQL - b, ")");
	return a < MAX_SQL && b < MAX_SQL ? 0 : -ENAMETOOLONG;
}

/* Binds column i of the row of s to parameter i + 1 of ins, as it is. */
static int bind(struct hl_dbs *ins, struct hl_dbs *s, int i)
{
	switch (hl_db_column_type(s, i)) {
	case HL_DB_INTEGER:
		return hl_db_bind_int64(ins, i + 1, hl_db_column_int64(s, i));
	case HL_DB_TEXT:
		return hl_db_bind_text(ins, i + 1, (const char *)hl_db_column_text(s, i),
				       hl_db_column_bytes(s, i), HL_DB_STATIC);
	case HL_DB_BLOB:
		return hl_db_bind_blob(ins, i + 1, hl_db_column_blob(s, i) ?
				       hl_db_column_blob(s, i) : "", hl_db_column_bytes(s, i),
				       HL_DB_STATIC);
	case HL_DB_NULL:
		return hl_db_bind_null(ins, i + 1);
	default:
		return HL_DB_ERROR;	/* the store keeps no floating point */
	}
}

static int copy_table(struct hl_store *from, struct hl_store *to, const char *table,
		      hl_copy_progress fn, void *ctx, uint64_t *rows)
{
	char sel[MAX_SQL], ins[MAX_SQL];
	struct hl_dbs *s = NULL, *w = NULL;
	struct names cols;
	uint64_t n = 0;
	int rc = HL_DB_DONE, r = names(to, COLUMNS, table, &cols);

	if (r == 0)
		r = statements(table, &cols, sel, ins);
	if (r == 0 && hl_db_prepare(hl_store_db(from), sel, false, &s) < 0)
		r = hl_store_fail(from);
	if (r == 0 && hl_db_prepare(hl_store_db(to), ins, true, &w) < 0)
		r = hl_store_fail(to);
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		hl_db_reset(w);
		hl_db_clear(w);
		for (int i = 0; r == 0 && i < (int)cols.n; i++)
			r = bind(w, s, i) == HL_DB_OK ? 0 : hl_store_fail(to);
		if (r == 0)
			r = hl_store_done(to, w);
		if (r == 0 && ++n % 10000 == 0 && fn)
			fn(ctx, table, n, false);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(from);
	hl_db_finalize(s);
	hl_db_finalize(w);
	if (r == 0 && fn)
		fn(ctx, table, n, true);
	*rows += n;
	return r;
}

/* Each identity column's counter, past the largest key copied. */
static int counters(struct hl_store *to)
{
	struct hl_dbs *s, *set = NULL;
	char sql[MAX_SQL];
	int rc, r = 0;

	if (hl_db_prepare(hl_store_db(to), IDENTITY, false, &s) < 0)
		return hl_store_fail(to);
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		const char *t = (const char *)hl_db_column_text(s, 0);
		const char *c = (const char *)hl_db_column_text(s, 1);

		snprintf(sql, sizeof(sql), "SELECT setval(pg_get_serial_sequence('\"%s\"', '%s'),"
			 " coalesce((SELECT max(\"%s\") FROM \"%s\"), 0) + 1, false)", t, c, c, t);
		if (hl_db_prepare(hl_store_db(to), sql, false, &set) < 0)
			r = hl_store_fail(to);
		else if (hl_db_step(set) != HL_DB_ROW)
			r = hl_store_fail(to);
		if (set)
			hl_db_finalize(set);
		set = NULL;
	}
	hl_db_finalize(s);
	return r;
}

int hl_store_copy(struct hl_store *from, struct hl_store *to, hl_copy_progress fn, void *ctx,
		  uint64_t *rows)
{
	struct names t;
	int r;

	*rows = 0;
	if (!hl_db_sqlite(hl_store_db(from)) || hl_db_sqlite(hl_store_db(to))) {
		hl_store_failf(to, "a store is copied from SQLite into PostgreSQL only");
		return -HL_ESTORE;
	}
	r = names(to, TABLES, NULL, &t);
	if (r == 0)
		r = hl_store_snapshot(from);
	if (r < 0)
		return r;
	r = hl_store_begin(to);
	for (size_t i = 0; r == 0 && i < t.n; i++)
		r = copy_table(from, to, t.v[i], fn, ctx, rows);
	if (r == 0)
		r = counters(to);
	if (r == 0)
		r = hl_store_commit(to);
	else
		hl_store_rollback(to);
	hl_store_snapshot_end(from);
	return r;
}
