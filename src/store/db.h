/* db.h - the store's SQL engines behind one statement interface.
 *
 * The store's files write each statement once and run it through these
 * calls, which keep SQLite's shape: prepare once per connection, bind
 * parameters from 1, step row by row, read columns from 0, reset.  Each
 * engine takes the same SQL text: numbered parameters (?1, ?2, or ? for
 * the next), integers of 64 bits, blobs and UTF-8 text.
 *
 * A statement that PostgreSQL must be told otherwise carries its form
 * there after HL_DB_PG; SQLite reads the text before it.  Code that must
 * speak to SQLite itself (its PRAGMAs, its schema table, the rebuild
 * check) asks hl_db_sqlite(). */
#ifndef HL_DB_H
#define HL_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sqlite3 sqlite3;

struct hl_db;		/* one connection */
struct hl_dbs;		/* one statement prepared on a connection */

/* hl_db_step's results, as SQLite numbers them. */
enum {
	HL_DB_OK = 0,
	HL_DB_ERROR = 1,
	HL_DB_ROW = 100,
	HL_DB_DONE = 101,
};

/* How a bound text or blob lives: the caller's until the statement is
 * reset (static), or copied now (transient). */
enum hl_db_life { HL_DB_STATIC, HL_DB_TRANSIENT };

/* Where a statement's PostgreSQL form starts, when it has one. */
#define HL_DB_PG "\x1f"

/* Opens the store at where: a PostgreSQL connection string (a
 * postgresql:// URI, or libpq's keyword=value settings), else the path
 * of a SQLite file, created if missing.  0; -1 with *out set for
 * hl_db_errmsg; -ENOMEM. */
int hl_db_open(const char *where, struct hl_db **out);
bool hl_db_is_postgresql(const char *where);
/* Whether libpq reads where as a connection string: 0, or -1 and why. */
int hl_db_where_check(const char *where, char *why, size_t n);
void hl_db_close(struct hl_db *db);
/* The SQLite handle under db, or NULL for another engine. */
sqlite3 *hl_db_sqlite(struct hl_db *db);

/* Runs one or more statements that return no rows: 0 or -1.  BEGIN
 * IMMEDIATE opens a writer's transaction (one at a time, on either
 * engine), BEGIN a reader's snapshot. */
int hl_db_exec(struct hl_db *db, const char *sql);
/* Whether this connection's commits wait for the disk (the default), or
 * may be lost in a power cut but never half applied. */
int hl_db_durable(struct hl_db *db, bool full);
/* Prepares sql; persistent when it will be kept and run many times. */
int hl_db_prepare(struct hl_db *db, const char *sql, bool persistent,
		  struct hl_dbs **out);
void hl_db_finalize(struct hl_dbs *s);

int hl_db_bind_int64(struct hl_dbs *s, int i, int64_t v);
int hl_db_bind_int(struct hl_dbs *s, int i, int v);
int hl_db_bind_text(struct hl_dbs *s, int i, const char *p, int n,
		    enum hl_db_life life);
int hl_db_bind_blob(struct hl_dbs *s, int i, const void *p, int n,
		    enum hl_db_life life);
int hl_db_bind_null(struct hl_dbs *s, int i);

/* HL_DB_ROW while rows come, HL_DB_DONE at the end, else an error. */
int hl_db_step(struct hl_dbs *s);
/* Ready to run again, with its bindings kept; clear drops them. */
int hl_db_reset(struct hl_dbs *s);
int hl_db_clear(struct hl_dbs *s);

int64_t hl_db_column_int64(struct hl_dbs *s, int i);
int hl_db_column_int(struct hl_dbs *s, int i);
/* Text and blobs stay valid until the next step or reset. */
const unsigned char *hl_db_column_text(struct hl_dbs *s, int i);
const void *hl_db_column_blob(struct hl_dbs *s, int i);
int hl_db_column_bytes(struct hl_dbs *s, int i);
bool hl_db_column_null(struct hl_dbs *s, int i);
/* What column i holds in this row, as SQLite says it (its own type). */
enum hl_db_type { HL_DB_INTEGER = 1, HL_DB_FLOAT, HL_DB_TEXT, HL_DB_BLOB, HL_DB_NULL };
enum hl_db_type hl_db_column_type(struct hl_dbs *s, int i);

/* Rows the last INSERT, UPDATE or DELETE changed. */
int64_t hl_db_changes(struct hl_db *db);
int64_t hl_db_last_insert_rowid(struct hl_db *db);
/* Inside a transaction opened by BEGIN (or a SAVEPOINT). */
bool hl_db_in_transaction(struct hl_db *db);
/* Whether the connection answers within ms milliseconds: 0, or -1. */
int hl_db_ping(struct hl_db *db, int ms);
/* The last failure: its message, and whether it was a taken key. */
const char *hl_db_errmsg(struct hl_db *db);
bool hl_db_duplicate(struct hl_db *db);

#endif
