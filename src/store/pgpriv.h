/* pgpriv.h - the PostgreSQL engine (pg.c) as db.c calls it: db.h's
 * calls one for one, on libpq's connection and statements. */
#ifndef HL_PGPRIV_H
#define HL_PGPRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

/* PostgreSQL's type number for bytea (pg_type.oid). */
#define HL_PG_BYTEA 17

struct hl_pgdb;
struct hl_pgs;

/* 0, or -1 with *out set for hl_pg_errmsg (NULL if memory ran out). */
int hl_pg_open(const char *conninfo, struct hl_pgdb **out);
/* 0 if libpq reads conninfo, else -1 and its words in why. */
int hl_pg_conninfo_check(const char *conninfo, char *why, size_t n);
void hl_pg_close(struct hl_pgdb *db);
int hl_pg_exec(struct hl_pgdb *db, const char *sql);
/* The store's SQL in PostgreSQL's dialect (malloc'd), and the number of
 * its parameters; NULL if memory ran out.  For the tests. */
char *hl_pg_sql(const char *sql, int *nparams);
int hl_pg_prepare(struct hl_pgdb *db, const char *sql, bool persistent,
		  struct hl_pgs **out);
void hl_pg_finalize(struct hl_pgs *s);
int hl_pg_bind_int64(struct hl_pgs *s, int i, int64_t v);
int hl_pg_bind_text(struct hl_pgs *s, int i, const char *t, int n, enum hl_db_life life);
int hl_pg_bind_blob(struct hl_pgs *s, int i, const void *b, int n, enum hl_db_life life);
int hl_pg_bind_null(struct hl_pgs *s, int i);
int hl_pg_step(struct hl_pgs *s);
int hl_pg_reset(struct hl_pgs *s);
int hl_pg_clear(struct hl_pgs *s);
bool hl_pg_column_null(struct hl_pgs *s, int i);
enum hl_db_type hl_pg_column_type(struct hl_pgs *s, int i);
int64_t hl_pg_column_int64(struct hl_pgs *s, int i);
const unsigned char *hl_pg_column_text(struct hl_pgs *s, int i);
const void *hl_pg_column_blob(struct hl_pgs *s, int i);
int hl_pg_column_bytes(struct hl_pgs *s, int i);
int64_t hl_pg_changes(struct hl_pgdb *db);
int64_t hl_pg_last_insert_rowid(struct hl_pgdb *db);
bool hl_pg_in_transaction(struct hl_pgdb *db);
int hl_pg_ping(struct hl_pgdb *db, int ms);
const char *hl_pg_errmsg(struct hl_pgdb *db);
bool hl_pg_duplicate(struct hl_pgdb *db);

#endif
