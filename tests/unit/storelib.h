/* storelib.h - parties, folders and databases for the store tests.
 *
 * Each test gets a fresh folder from mkdtemp() holding real SQLite
 * files, and removes it afterwards.  With HOTLINE_TEST_ENGINE=postgresql
 * the same tests run on PostgreSQL: a store's path is then a connection
 * string to the server HOTLINE_TEST_PG names (make check's throw-away
 * cluster), whose schema, named after the folder and the file, is made
 * fresh and dropped with the folder.  Parties are built in memory from
 * testlib.h's fixed seeds, as struct hl_party with sodium_malloc'd
 * secrets, so hl_party_free() releases them.  Include after testlib.h.
 */
#ifndef HL_STORELIB_H
#define HL_STORELIB_H

#include <dirent.h>
#include <stdint.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "envelope.h"
#include "party.h"
#include "store.h"

#define TS_PATH_MAX 256

/* A party with the keys of tl_party_init(name, seed); hl_party_free()s. */
static inline struct hl_party *ts_party_new(const char *name, unsigned char seed)
{
	struct hl_party *p = calloc(1, sizeof(*p));
	struct tl_party t;

	assert_non_null(p);
	hl_config_defaults(&p->conf);	/* as a hotline.conf of one name */
	tl_party_init(&t, name, seed);
	p->card = t.card;
	tl_card_encode(&t, &p->card_text);
	p->sign_sk = sodium_malloc(HL_ED25519_SK_LEN);
	p->box_sk = sodium_malloc(32);
	assert_non_null(p->sign_sk);
	assert_non_null(p->box_sk);
	memcpy(p->sign_sk, t.sign_sk, HL_ED25519_SK_LEN);
	memcpy(p->box_sk, t.box_sk, 32);
	sodium_memzero(&t, sizeof(t));
	return p;
}

/* A fresh folder under $TMPDIR or /tmp into dir. */
static inline void ts_dir_new(char dir[TS_PATH_MAX])
{
	const char *tmp = getenv("TMPDIR");

	assert_true(snprintf(dir, TS_PATH_MAX, "%s/hl-unit-XXXXXX",
			     tmp && *tmp ? tmp : "/tmp") < TS_PATH_MAX);
	assert_non_null(mkdtemp(dir));
}

/* The PostgreSQL server the tests run on, or NULL for SQLite files. */
static inline const char *ts_pg(void)
{
	const char *e = getenv("HOTLINE_TEST_ENGINE");

	if (!e || strcmp(e, "postgresql") != 0)
		return NULL;
	e = getenv("HOTLINE_TEST_PG");
	if (!e || !*e)
		fail_msg("HOTLINE_TEST_ENGINE=postgresql needs HOTLINE_TEST_PG");
	return e;
}

/* A test of what only SQLite has (its files, PRAGMAs, migrations from
 * old layouts): skipped on PostgreSQL. */
#define TS_SQLITE_ONLY() \
	do { \
		if (ts_pg()) \
			skip(); \
	} while (0)

/* Runs sql on the test server, outside any store. */
static inline void ts_pg_exec(const char *sql)
{
	PGconn *c = PQconnectdb(ts_pg());
	PGresult *res;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s: %s", ts_pg(), PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	res = PQexec(c, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(c);
}

/* A folder's schemas are named t_<its last part>_<file>, in lower case
 * letters, digits and _ (mkdtemp's letters are of both cases: each
 * capital is written _ and the letter, so no two folders collide). */
static inline void ts_pg_name(const char *dir, const char *file, char out[64])
{
	const char *base = strrchr(dir, '/');
	size_t n = 0;

	n += (size_t)snprintf(out, 64, "t_");
	for (const char *c = base ? base + 1 : dir; *c && n < 40; c++) {
		if (*c >= 'A' && *c <= 'Z') {
			out[n++] = '_';
			out[n++] = (char)(*c - 'A' + 'a');
		} else {
			out[n++] = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ? *c : '_';
		}
	}
	out[n++] = '_';
	for (const char *c = file; c && *c && n < 62; c++)
		out[n++] = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ? *c : '_';
	out[n] = '\0';
}

static inline void ts_path(const char *dir, const char *file, char out[TS_PATH_MAX])
{
	char name[64], sql[128];

	if (!ts_pg()) {
		assert_true(snprintf(out, TS_PATH_MAX, "%s/%s", dir, file) < TS_PATH_MAX);
		return;
	}
	ts_pg_name(dir, file, name);
	snprintf(sql, sizeof(sql), "CREATE SCHEMA IF NOT EXISTS %s", name);
	ts_pg_exec(sql);
	assert_true(snprintf(out, TS_PATH_MAX, "%s options=-csearch_path=%s", ts_pg(), name) <
		    TS_PATH_MAX);
}

/* Drops the schemas of the folder dir. */
static inline void ts_pg_drop(const char *dir)
{
	char prefix[64], sql[512];

	ts_pg_name(dir, "", prefix);
	snprintf(sql, sizeof(sql),
		 "DO $$DECLARE n name; BEGIN FOR n IN SELECT nspname FROM pg_namespace"
		 " WHERE starts_with(nspname, '%s') LOOP"
		 " EXECUTE 'DROP SCHEMA ' || quote_ident(n) || ' CASCADE'; END LOOP; END$$",
		 prefix);
	ts_pg_exec(sql);
}

/* Removes the folder and the files in it (the tests make no others). */
static inline void ts_dir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d))) {
		char p[TS_PATH_MAX * 2];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		assert_int_equal(unlink(p), 0);
	}
	closedir(d);
	assert_int_equal(rmdir(dir), 0);
	if (ts_pg())
		ts_pg_drop(dir);
}

static inline struct hl_store *ts_open(const char *path)
{
	struct hl_store *st = NULL;
	char err[256] = "";

	if (hl_store_open(path, &st, err, sizeof(err)) != 0)
		fail_msg("hl_store_open(%s): %s", path, err);
	return st;
}

/* me's link to peer, added at time now and confirmed if asked, into l
 * (hl_link_free() it). */
static inline void ts_link(struct hl_store *st, const struct hl_party *me,
			   const struct hl_party *peer, const unsigned char *link_id,
			   bool confirm, int64_t now, struct hl_link *l)
{
	unsigned char id[HL_LINK_ID_LEN];

	if (!link_id) {
		hl_link_id(me->card.sign_pk, peer->card.sign_pk, id);
		link_id = id;
	}
	assert_int_equal(hl_store_link_add(st, peer->card.name, link_id,
					   peer->card_text.data, peer->card_text.len,
					   peer->card.endpoint, now), 0);
	assert_int_equal(hl_store_link_get(st, peer->card.name, l), 0);
	if (confirm) {
		assert_int_equal(hl_store_link_confirm(st, l->id, now + 60), 0);
		hl_link_free(l);
		assert_int_equal(hl_store_link_get(st, peer->card.name, l), 0);
	}
}

/* Runs sql on the store at path (a connection string) directly; the
 * first column of its first row when it has one, else 0.  As a raw
 * SQLite connection does, it leaves foreign keys unchecked (the tests
 * write rows of links they never made), and it takes SQLite's blob
 * literals, x'0102', as bytea's '\x0102'. */
static inline int64_t ts_pg_sql(const char *path, const char *sql)
{
	PGconn *c = PQconnectdb(path);
	PGresult *res;
	int64_t v = 0;
	char *q = malloc(2 * strlen(sql) + 1), *o = q;

	assert_non_null(q);
	for (const char *p = sql; *p; p++) {
		if ((*p == 'x' || *p == 'X') && p[1] == '\'' && (p == sql || p[-1] == ' ' ||
								 p[-1] == '(' || p[-1] == ',')) {
			*o++ = '\'';
			*o++ = '\\';
			*o++ = 'x';
			p++;
			continue;
		}
		*o++ = *p;
	}
	*o = '\0';
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("%s: %s", path, PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning;"
			  " SET session_replication_role = replica"));
	res = PQexec(c, q);
	free(q);
	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(res));
	if (PQntuples(res) > 0 && PQnfields(res) > 0)
		v = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	PQfinish(c);
	return v;
}

/* Runs SQL on the file directly, bypassing the store. */
static inline void ts_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;

	if (ts_pg()) {
		ts_pg_sql(path, sql);
		return;
	}

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* The text of the first column of the only row of sql, run directly. */
static inline void ts_sql_text(const char *path, const char *sql, char *out, size_t cap)
{
	if (ts_pg()) {
		PGconn *c = PQconnectdb(path);
		PGresult *res = PQexec(c, sql);

		if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
			fail_msg("%s: %s", sql, PQresultErrorMessage(res));
		snprintf(out, cap, "%s", PQgetvalue(res, 0, 0));
		PQclear(res);
		PQfinish(c);
	} else {
		sqlite3 *db;
		sqlite3_stmt *s;

		assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
		if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
			fail_msg("%s: %s", sql, sqlite3_errmsg(db));
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		snprintf(out, cap, "%s", (const char *)sqlite3_column_text(s, 0));
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_finalize(s);
		sqlite3_close(db);
	}
}

/* The first column of the first row of a query run directly. */
static inline int64_t ts_sql_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int64_t v;

	if (ts_pg())
		return ts_pg_sql(path, sql);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* What a test made and teardown releases, so a failed assertion leaks
 * nothing: buffers, heap blocks, extra databases and links. */
struct ts_pool {
	struct hl_buf bufs[48];
	size_t nbufs;
	void *mem[8];
	size_t nmem;
	struct hl_store *stores[4];
	size_t nstores;
	struct hl_link links[4];
	size_t nlinks;
};

#define TS_FITS(pool, arr, n) assert_true((pool)->n < sizeof((pool)->arr) / sizeof((pool)->arr[0]))

static inline struct hl_buf *ts_buf(struct ts_pool *pool, size_t max)
{
	TS_FITS(pool, bufs, nbufs);
	hl_buf_init(&pool->bufs[pool->nbufs], max);
	return &pool->bufs[pool->nbufs++];
}

static inline void *ts_keep(struct ts_pool *pool, void *p)
{
	assert_non_null(p);
	TS_FITS(pool, mem, nmem);
	return pool->mem[pool->nmem++] = p;
}

/* A database file in dir, opened. */
static inline struct hl_store *ts_store(struct ts_pool *pool, const char *dir,
					const char *file, char path[TS_PATH_MAX])
{
	TS_FITS(pool, stores, nstores);
	ts_path(dir, file, path);
	return pool->stores[pool->nstores++] = ts_open(path);
}

/* A link as ts_link() makes it, kept in the pool. */
static inline struct hl_link *ts_link_kept(struct ts_pool *pool, struct hl_store *st,
					   const struct hl_party *me,
					   const struct hl_party *peer,
					   const unsigned char *id, bool confirm, int64_t now)
{
	TS_FITS(pool, links, nlinks);
	ts_link(st, me, peer, id, confirm, now, &pool->links[pool->nlinks]);
	return &pool->links[pool->nlinks++];
}

static inline void ts_pool_free(struct ts_pool *pool)
{
	for (size_t i = 0; i < pool->nbufs; i++)
		hl_buf_free(&pool->bufs[i]);
	for (size_t i = 0; i < pool->nmem; i++)
		free(pool->mem[i]);
	for (size_t i = 0; i < pool->nlinks; i++)
		hl_link_free(&pool->links[i]);
	for (size_t i = 0; i < pool->nstores; i++)
		hl_store_close(pool->stores[i]);
	memset(pool, 0, sizeof(*pool));
}

/* Two buffers (or a buffer and bytes) hold the same bytes. */
#define ts_assert_bytes(b, p, n) do { \
		assert_int_equal((b)->len, (n)); \
		assert_memory_equal((b)->data, (p), (n)); \
	} while (0)

#endif
