/* db.c - the statement interface (db.h) on SQLite.
 *
 * A thin layer: each call is SQLite's own, on the handle a connection or
 * statement carries.  One busy handler for every connection: while
 * another connection writes, retry every quarter millisecond for up to
 * ten seconds (SQLite's own sleeps up to 100 ms a try, which let a busy
 * writer starve the courier). */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"

_Static_assert(HL_DB_ROW == SQLITE_ROW && HL_DB_DONE == SQLITE_DONE &&
	       HL_DB_OK == SQLITE_OK && HL_DB_ERROR == SQLITE_ERROR,
	       "db.h numbers results as SQLite does");

struct hl_db {
	sqlite3 *lite;
};

struct hl_dbs {
	sqlite3_stmt *lite;
};

static int busy(void *ctx, int count)
{
	(void)ctx;
	if (count >= 40000)
		return 0;
	usleep(250);
	return 1;
}

int hl_db_open_sqlite(const char *path, struct hl_db **out)
{
	struct hl_db *db = calloc(1, sizeof(*db));

	*out = db;
	if (!db)
		return -1;
	if (sqlite3_open_v2(path, &db->lite, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		if (!db->lite) {
			free(db);
			*out = NULL;
		}
		return -1;
	}
	sqlite3_busy_handler(db->lite, busy, NULL);
	return 0;
}

void hl_db_close(struct hl_db *db)
{
	if (!db)
		return;
	sqlite3_close(db->lite);
	free(db);
}

sqlite3 *hl_db_sqlite(struct hl_db *db)
{
	return db->lite;
}

int hl_db_exec(struct hl_db *db, const char *sql)
{
	return sqlite3_exec(db->lite, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

int hl_db_prepare(struct hl_db *db, const char *sql, bool persistent,
		  struct hl_dbs **out)
{
	struct hl_dbs *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return -1;
	if (sqlite3_prepare_v3(db->lite, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0,
			       &s->lite, NULL) != SQLITE_OK) {
		free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void hl_db_finalize(struct hl_dbs *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->lite);
	free(s);
}

static void (*destructor(enum hl_db_life life))(void *)
{
	return life == HL_DB_STATIC ? SQLITE_STATIC : SQLITE_TRANSIENT;
}

int hl_db_bind_int64(struct hl_dbs *s, int i, int64_t v)
{
	return sqlite3_bind_int64(s->lite, i, v);
}

int hl_db_bind_int(struct hl_dbs *s, int i, int v)
{
	return sqlite3_bind_int64(s->lite, i, v);
}

int hl_db_bind_text(struct hl_dbs *s, int i, const char *p, int n,
		    enum hl_db_life life)
{
	return sqlite3_bind_text(s->lite, i, p, n, destructor(life));
}

int hl_db_bind_blob(struct hl_dbs *s, int i, const void *p, int n,
		    enum hl_db_life life)
{
	return sqlite3_bind_blob(s->lite, i, p, n, destructor(life));
}

int hl_db_bind_null(struct hl_dbs *s, int i)
{
	return sqlite3_bind_null(s->lite, i);
}

int hl_db_step(struct hl_dbs *s)
{
	return sqlite3_step(s->lite);
}

int hl_db_reset(struct hl_dbs *s)
{
	return sqlite3_reset(s->lite);
}

int hl_db_clear(struct hl_dbs *s)
{
	return sqlite3_clear_bindings(s->lite);
}

int64_t hl_db_column_int64(struct hl_dbs *s, int i)
{
	return sqlite3_column_int64(s->lite, i);
}

int hl_db_column_int(struct hl_dbs *s, int i)
{
	return sqlite3_column_int(s->lite, i);
}

const unsigned char *hl_db_column_text(struct hl_dbs *s, int i)
{
	return sqlite3_column_text(s->lite, i);
}

const void *hl_db_column_blob(struct hl_dbs *s, int i)
{
	return sqlite3_column_blob(s->lite, i);
}

int hl_db_column_bytes(struct hl_dbs *s, int i)
{
	return sqlite3_column_bytes(s->lite, i);
}

bool hl_db_column_null(struct hl_dbs *s, int i)
{
	return sqlite3_column_type(s->lite, i) == SQLITE_NULL;
}

int64_t hl_db_changes(struct hl_db *db)
{
	return sqlite3_changes(db->lite);
}

int64_t hl_db_last_insert_rowid(struct hl_db *db)
{
	return sqlite3_last_insert_rowid(db->lite);
}

bool hl_db_in_transaction(struct hl_db *db)
{
	return !sqlite3_get_autocommit(db->lite);
}

const char *hl_db_errmsg(struct hl_db *db)
{
	return db ? sqlite3_errmsg(db->lite) : "out of memory";
}

bool hl_db_duplicate(struct hl_db *db)
{
	int ext = sqlite3_extended_errcode(db->lite);

	return ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE;
}
