/* db.c - the statement interface (db.h): SQLite here, PostgreSQL in
 * pg.c.  A thin layer: each call is the engine's own, on the handle a
 * connection or statement carries.
 *
 * SQLite: one file, WAL journal, synchronous=FULL, foreign keys on.  One
 * busy handler for every connection: while another connection writes,
 * retry every quarter millisecond for up to ten seconds (SQLite's own
 * sleeps up to 100 ms a try, which let a busy writer starve the
 * courier). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db.h"
#include "pgpriv.h"

_Static_assert(HL_DB_INTEGER == SQLITE_INTEGER && HL_DB_FLOAT == SQLITE_FLOAT &&
	       HL_DB_TEXT == SQLITE_TEXT && HL_DB_BLOB == SQLITE_BLOB && HL_DB_NULL == SQLITE_NULL,
	       "db.h numbers types as SQLite does");
_Static_assert(HL_DB_ROW == SQLITE_ROW && HL_DB_DONE == SQLITE_DONE &&
	       HL_DB_OK == SQLITE_OK && HL_DB_ERROR == SQLITE_ERROR,
	       "db.h numbers results as SQLite does");

/* The statements that run around every transaction, prepared once per
 * connection: sqlite3_exec parses its text at every call, and these ran
 * two to four times a message on each thread of the message's way (the
 * last begins a snapshot's read, hl_store_snapshot). */
static const char *const kept_sql[] = {
	"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK",
	"PRAGMA synchronous = FULL", "PRAGMA synchronous = NORMAL",
	"SELECT count(*) FROM link",
};
#define KEPT (sizeof(kept_sql) / sizeof(kept_sql[0]))

struct hl_db {
	sqlite3 *lite;
	struct hl_pgdb *pg;
	sqlite3_stmt *kept[KEPT];
};

struct hl_dbs {
	sqlite3_stmt *lite;
	struct hl_pgs *pg;
};

static int busy(void *ctx, int count)
{
	(void)ctx;
	if (count >= 40000)
		return 0;
	usleep(250);
	return 1;
}

/* A libpq URI, or keyword=value settings (host=, dbname=, service=...):
 * a word of letters and underscores before the first '='. */
bool hl_db_is_postgresql(const char *where)
{
	size_t n = strspn(where, "abcdefghijklmnopqrstuvwxyz_");

	return strncmp(where, "postgresql://", 13) == 0 ||
	       strncmp(where, "postgres://", 11) == 0 || (n > 0 && where[n] == '=');
}

int hl_db_where_check(const char *where, char *why, size_t n)
{
	return hl_pg_conninfo_check(where, why, n);
}

static int open_sqlite(struct hl_db *db, const char *path)
{
	if (sqlite3_open_v2(path, &db->lite, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
			    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		return db->lite ? -1 : -ENOMEM;
	sqlite3_busy_handler(db->lite, busy, NULL);
	if (hl_db_exec(db, "PRAGMA journal_mode = WAL") < 0 ||
	    hl_db_exec(db, "PRAGMA synchronous = FULL") < 0 ||
	    hl_db_exec(db, "PRAGMA foreign_keys = ON") < 0)
		return -1;
	return 0;
}

int hl_db_open(const char *where, struct hl_db **out)
{
	struct hl_db *db = calloc(1, sizeof(*db));
	int r;

	*out = db;
	if (!db)
		return -ENOMEM;
	if (hl_db_is_postgresql(where))
		r = hl_pg_open(where, &db->pg) < 0 ? (db->pg ? -1 : -ENOMEM) : 0;
	else
		r = open_sqlite(db, where);
	if (r == -ENOMEM) {
		hl_db_close(db);
		*out = NULL;
	}
	return r;
}

void hl_db_close(struct hl_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < KEPT; i++)
		sqlite3_finalize(db->kept[i]);
	sqlite3_close(db->lite);
	hl_pg_close(db->pg);
	free(db);
}

sqlite3 *hl_db_sqlite(struct hl_db *db)
{
	return db->lite;
}

/* sql run by its kept statement: 0, -1, or 1 when it is not one. */
static int exec_kept(struct hl_db *db, const char *sql)
{
	for (size_t i = 0; i < KEPT; i++) {
		int rc;

		if (strcmp(sql, kept_sql[i]) != 0)
			continue;
		if (!db->kept[i] && sqlite3_prepare_v3(db->lite, sql, -1, SQLITE_PREPARE_PERSISTENT,
						       &db->kept[i], NULL) != SQLITE_OK)
			return -1;
		rc = sqlite3_step(db->kept[i]);
		while (rc == SQLITE_ROW)	/* a PRAGMA may answer */
			rc = sqlite3_step(db->kept[i]);
		return sqlite3_reset(db->kept[i]) == SQLITE_OK && rc == SQLITE_DONE ? 0 : -1;
	}
	return 1;
}

int hl_db_exec(struct hl_db *db, const char *sql)
{
	const char *pg;
	char *lite;
	int r;

	if (db->pg)
		return hl_pg_exec(db->pg, sql);
	r = exec_kept(db, sql);
	if (r <= 0)
		return r;
	pg = strstr(sql, HL_DB_PG);
	if (!pg)
		return sqlite3_exec(db->lite, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	lite = strndup(sql, (size_t)(pg - sql));
	if (!lite)
		return -1;
	r = sqlite3_exec(db->lite, lite, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
	free(lite);
	return r;
}

int hl_db_durable(struct hl_db *db, bool full)
{
	if (db->pg)
		return hl_pg_exec(db->pg, full ? "SET synchronous_commit = on" :
					  "SET synchronous_commit = off");
	return hl_db_exec(db, full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
}

int hl_db_prepare(struct hl_db *db, const char *sql, bool persistent,
		  struct hl_dbs **out)
{
	struct hl_dbs *s = calloc(1, sizeof(*s));
	int r;

	*out = NULL;
	if (!s)
		return -1;
	if (db->pg) {
		r = hl_pg_prepare(db->pg, sql, persistent, &s->pg);
	} else {
		/* SQLite's text ends where a PostgreSQL form starts. */
		const char *pg = strstr(sql, HL_DB_PG);

		r = sqlite3_prepare_v3(db->lite, sql, pg ? (int)(pg - sql) : -1,
				       persistent ? SQLITE_PREPARE_PERSISTENT : 0,
				       &s->lite, NULL) == SQLITE_OK ? 0 : -1;
	}
	if (r < 0) {
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
	hl_pg_finalize(s->pg);
	free(s);
}

static void (*destructor(enum hl_db_life life))(void *)
{
	return life == HL_DB_STATIC ? SQLITE_STATIC : SQLITE_TRANSIENT;
}

int hl_db_bind_int64(struct hl_dbs *s, int i, int64_t v)
{
	return s->pg ? hl_pg_bind_int64(s->pg, i, v) : sqlite3_bind_int64(s->lite, i, v);
}

int hl_db_bind_int(struct hl_dbs *s, int i, int v)
{
	return hl_db_bind_int64(s, i, v);
}

int hl_db_bind_text(struct hl_dbs *s, int i, const char *p, int n,
		    enum hl_db_life life)
{
	if (s->pg)
		return hl_pg_bind_text(s->pg, i, p, n, life);
	return sqlite3_bind_text(s->lite, i, p, n, destructor(life));
}

int hl_db_bind_blob(struct hl_dbs *s, int i, const void *p, int n,
		    enum hl_db_life life)
{
	if (s->pg)
		return hl_pg_bind_blob(s->pg, i, p, n, life);
	return sqlite3_bind_blob(s->lite, i, p, n, destructor(life));
}

int hl_db_bind_null(struct hl_dbs *s, int i)
{
	return s->pg ? hl_pg_bind_null(s->pg, i) : sqlite3_bind_null(s->lite, i);
}

int hl_db_step(struct hl_dbs *s)
{
	return s->pg ? hl_pg_step(s->pg) : sqlite3_step(s->lite);
}

int hl_db_reset(struct hl_dbs *s)
{
	return s->pg ? hl_pg_reset(s->pg) : sqlite3_reset(s->lite);
}

int hl_db_clear(struct hl_dbs *s)
{
	return s->pg ? hl_pg_clear(s->pg) : sqlite3_clear_bindings(s->lite);
}

int64_t hl_db_column_int64(struct hl_dbs *s, int i)
{
	return s->pg ? hl_pg_column_int64(s->pg, i) : sqlite3_column_int64(s->lite, i);
}

int hl_db_column_int(struct hl_dbs *s, int i)
{
	return (int)hl_db_column_int64(s, i);
}

const unsigned char *hl_db_column_text(struct hl_dbs *s, int i)
{
	return s->pg ? hl_pg_column_text(s->pg, i) : sqlite3_column_text(s->lite, i);
}

const void *hl_db_column_blob(struct hl_dbs *s, int i)
{
	return s->pg ? hl_pg_column_blob(s->pg, i) : sqlite3_column_blob(s->lite, i);
}

int hl_db_column_bytes(struct hl_dbs *s, int i)
{
	return s->pg ? hl_pg_column_bytes(s->pg, i) : sqlite3_column_bytes(s->lite, i);
}

bool hl_db_column_null(struct hl_dbs *s, int i)
{
	if (s->pg)
		return hl_pg_column_null(s->pg, i);
	return sqlite3_column_type(s->lite, i) == SQLITE_NULL;
}

enum hl_db_type hl_db_column_type(struct hl_dbs *s, int i)
{
	if (s->pg)
		return hl_pg_column_type(s->pg, i);
	return (enum hl_db_type)sqlite3_column_type(s->lite, i);
}

int64_t hl_db_changes(struct hl_db *db)
{
	return db->pg ? hl_pg_changes(db->pg) : sqlite3_changes(db->lite);
}

int64_t hl_db_last_insert_rowid(struct hl_db *db)
{
	return db->pg ? hl_pg_last_insert_rowid(db->pg) : sqlite3_last_insert_rowid(db->lite);
}

int hl_db_ping(struct hl_db *db, int ms)
{
	return db->pg ? hl_pg_ping(db->pg, ms) : 0;	/* a file is always there */
}

bool hl_db_in_transaction(struct hl_db *db)
{
	return db->pg ? hl_pg_in_transaction(db->pg) : !sqlite3_get_autocommit(db->lite);
}

const char *hl_db_errmsg(struct hl_db *db)
{
	if (!db)
		return "out of memory";
	return db->pg ? hl_pg_errmsg(db->pg) : sqlite3_errmsg(db->lite);
}

bool hl_db_duplicate(struct hl_db *db)
{
	int ext;

	if (db->pg)
		return hl_pg_duplicate(db->pg);
	ext = sqlite3_extended_errcode(db->lite);
	return ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE;
}
