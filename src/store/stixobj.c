/* stixobj.c - the STIX objects of a link, as a feed serves them
 * (stixobj.h; the table is migration 21 in sqlite.c).
 *
 * A query is one of five statements, chosen by what drives it: the ids
 * asked for (stix_sid), one type at one TLP level (stix_tlp_type), a TLP
 * level (stix_tlp), a case (stix_case), or else the link's rows in id
 * order.  Each names its index (INDEXED BY), so that its plan does not
 * depend on statistics; every other filter is bound, lists through
 * json_each().  date_added is turned into an id first: added rises
 * strictly with id, so "added > t" is "id > the last id added by t".
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "error.h"
#include "storepriv.h"
#include "stixobj.h"
#include "stixpriv.h"

enum {
	Q_PUT = HL_XSTMT_STIX, Q_VERSIONS, Q_CLEAR, Q_CASES, Q_ADDED,
	Q_BY_ID, Q_BY_TLP_TYPE, Q_BY_TLP, Q_BY_CASE, Q_BY_LINK, Q_HAS,
	Q_END
};
_Static_assert(Q_END <= HL_XSTMT_STIX + 16, "stixobj.c owns 16 statement keys");

#define COLS "SELECT o.id, o.added, o.version, o.sid, o.type, o.spec, o.version_text," \
	     " o.json, o.tlp, o.case_side, o.case_seq, o.case_name FROM stix_object o "
/* What the query may see at all: ?1 link, ?2 clearance, ?3 level or -1,
 * ?4 ?5 the case or -1.  The unary + keeps the clearance, a range, from
 * driving an index in place of the level's equality. */
#define SEEN(a) " " a ".link = ?1 AND +" a ".tlp <= ?2 AND (?3 < 0 OR " a ".tlp = ?3)" \
		" AND (?4 < 0 OR (" a ".case_side = ?4 AND " a ".case_seq = ?5))"
/* ?10: HL_STIX_* bits; ?11 the versions of HL_STIX_LIST.  A row without
 * a newer version anywhere (newer = 0) is the last one without looking:
 * only a row with one looks whether the query may see it. */
#define VERSIONS " AND ((?10 & 4) <> 0 OR ((?10 & 1) <> 0 AND (o.newer = 0 OR NOT EXISTS (SELECT 1" \
		 " FROM stix_object n INDEXED BY stix_sid" \
		 " WHERE n.sid = o.sid AND n.version > o.version AND" SEEN("n") ")))" \
		 " OR ((?10 & 2) <> 0 AND (o.older = 0 OR NOT EXISTS (SELECT 1" \
		 " FROM stix_object n INDEXED BY stix_sid" \
		 " WHERE n.sid = o.sid AND n.version < o.version AND" SEEN("n") ")))" \
		 " OR ((?10 & 8) <> 0 AND o.version IN" \
		 " (SELECT CAST(value AS BIGINT) FROM json_each(?11))))"
/* ?6 the cursor; ?7 ids, ?8 types, ?9 spec versions; ?12 the limit. */
#define REST " AND o.id > ?6" \
	     " AND (CAST(?7 AS TEXT) IS NULL OR o.sid IN (SELECT value FROM json_each(?7)))" \
	     " AND (CAST(?8 AS TEXT) IS NULL OR o.type IN (SELECT value FROM json_each(?8)))" \
	     " AND (CAST(?9 AS TEXT) IS NULL OR o.spec IN (SELECT value FROM json_each(?9)))" \
	     VERSIONS " ORDER BY o.id LIMIT ?12"

static const char *const sql[] = {
	[Q_PUT - Q_PUT] =
		"INSERT INTO stix_object (link, side, seq, case_side, case_seq, case_name,"
		" sid, type, spec, version, version_text, tlp, added, json, sent, newer, older)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
		" max(?13, coalesce((SELECT added FROM stix_object ORDER BY id DESC LIMIT 1),"
		" 0) + 1), ?14, ?15,"
		" CASE WHEN EXISTS (SELECT 1 FROM stix_object INDEXED BY stix_sid"
		"  WHERE link = ?1 AND sid = ?7 AND version > ?10) THEN 1 ELSE 0 END,"
		" CASE WHEN EXISTS (SELECT 1 FROM stix_object INDEXED BY stix_sid"
		"  WHERE link = ?1 AND sid = ?7 AND version < ?10) THEN 1 ELSE 0 END)"
		" ON CONFLICT (link, sid, version) DO UPDATE SET side = ?2, seq = ?3,"
		" case_side = ?4, case_seq = ?5, case_name = ?6, tlp = ?12, json = ?14, sent = ?15"
		" WHERE (?15, ?3) < (stix_object.sent, stix_object.seq)",
	[Q_VERSIONS - Q_PUT] = "UPDATE stix_object INDEXED BY stix_sid"
			       " SET newer = CASE WHEN newer <> 0 OR version < ?3 THEN 1 ELSE 0 END,"
			       " older = CASE WHEN older <> 0 OR version > ?3 THEN 1 ELSE 0 END"
			       " WHERE link = ?1 AND sid = ?2 AND version <> ?3",
	[Q_CLEAR - Q_PUT] = "DELETE FROM stix_object",
	/* The first row of each case, found by skipping through stix_case
	 * from one case to the next (a seek each: the next case of the
	 * side, else the first of the next side; a row value (side, seq) >
	 * (?, ?) would seek on the side alone and read its every row),
	 * never reading the cases' other rows: a million rows in a
	 * thousand cases cost a thousand seeks, not a million. */
	[Q_CASES - Q_PUT] =
		"WITH RECURSIVE k(id) AS ("
		" SELECT (SELECT id FROM stix_object INDEXED BY stix_case"
		"  WHERE link = ?1 AND case_side >= 0 ORDER BY case_side, case_seq, id LIMIT 1)"
		" UNION ALL"
		" SELECT coalesce("
		"  (SELECT n.id FROM stix_object n INDEXED BY stix_case WHERE n.link = ?1"
		"   AND n.case_side = o.case_side AND n.case_seq > o.case_seq"
		"   ORDER BY n.case_seq, n.id LIMIT 1),"
		"  (SELECT n.id FROM stix_object n INDEXED BY stix_case WHERE n.link = ?1"
		"   AND n.case_side > o.case_side ORDER BY n.case_side, n.case_seq, n.id LIMIT 1))"
		" FROM k JOIN stix_object o ON o.id = k.id)"
		" SELECT o.case_side, o.case_seq, o.case_name, o.added"
		" FROM k JOIN stix_object o ON o.id = k.id ORDER BY o.id",
	[Q_ADDED - Q_PUT] = "SELECT id FROM stix_object INDEXED BY stix_added"
			    " WHERE added <= ?1 ORDER BY added DESC LIMIT 1",
	[Q_BY_ID - Q_PUT] = COLS "INDEXED BY stix_sid WHERE" SEEN("o")
			    " AND o.sid IN (SELECT value FROM json_each(?7))" REST,
	[Q_BY_TLP_TYPE - Q_PUT] = COLS "INDEXED BY stix_tlp_type WHERE" SEEN("o")
				  " AND o.tlp = ?3 AND o.type = ?13" REST,
	[Q_BY_TLP - Q_PUT] = COLS "INDEXED BY stix_tlp WHERE" SEEN("o") " AND o.tlp = ?3" REST,
	[Q_BY_CASE - Q_PUT] = COLS "INDEXED BY stix_case WHERE" SEEN("o")
			      " AND o.case_side = ?4 AND o.case_seq = ?5" REST,
	[Q_BY_LINK - Q_PUT] = COLS "NOT INDEXED WHERE" SEEN("o") REST,
	[Q_HAS - Q_PUT] = "SELECT count(*) FROM stix_object WHERE link = ?1 AND sid = ?2"
			  " AND version = ?3",
};

static struct hl_dbs *stmt(struct hl_store *st, int key)
{
	return hl_store_stmt(st, key, sql[key - Q_PUT]);
}

static void bind_text(struct hl_dbs *s, int i, const char *t)
{
	if (t)
		hl_db_bind_text(s, i, t, -1, HL_DB_STATIC);
}

/* Whether the store has a row of o's object and version: PostgreSQL's
 * upsert does not say whether it added or replaced one. */
static int known(struct hl_store *st, const struct hl_stix_obj *o, bool *has)
{
	struct hl_dbs *s = stmt(st, Q_HAS);
	int r = 0;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, o->link);
	bind_text(s, 2, o->sid);
	hl_db_bind_int64(s, 3, o->version);
	if (hl_db_step(s) == HL_DB_ROW)
		*has = hl_db_column_int64(s, 0) > 0;
	else
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_stix_put(struct hl_store *st, const struct hl_stix_obj *o, bool *added)
{
	sqlite3 *lite = hl_db_sqlite(hl_store_db(st));
	struct hl_dbs *s;
	bool had = false;
	int r;

	if (added)
		*added = false;
	if (!lite && (r = known(st, o, &had)) < 0)
		return r;
	s = stmt(st, Q_PUT);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, o->link);
	hl_db_bind_int(s, 2, o->side);
	hl_db_bind_int64(s, 3, (int64_t)o->seq);
	hl_db_bind_int(s, 4, o->case_side);
	hl_db_bind_int64(s, 5, (int64_t)o->case_seq);
	bind_text(s, 6, o->case_name);
	bind_text(s, 7, o->sid);
	bind_text(s, 8, o->type);
	bind_text(s, 9, o->spec);
	hl_db_bind_int64(s, 10, o->version);
	bind_text(s, 11, o->version_text);
	hl_db_bind_int(s, 12, o->tlp);
	hl_db_bind_int64(s, 13, o->now);
	hl_db_bind_text(s, 14, o->json, (int)o->json_len, HL_DB_STATIC);
	hl_db_bind_int64(s, 15, o->sent);
	/* A copy sent earlier takes the row's place, keeping its id and
	 * added; only a new row sets the last rowid. */
	if (lite)
		sqlite3_set_last_insert_rowid(lite, 0);
	r = hl_store_done(st, s);
	if (r < 0 || (lite ? hl_db_last_insert_rowid(hl_store_db(st)) == 0 : had))
		return r;
	if (added)
		*added = true;
	/* The other versions learn that this one is newer, or older. */
	s = stmt(st, Q_VERSIONS);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, o->link);
	bind_text(s, 2, o->sid);
	hl_db_bind_int64(s, 3, o->version);
	return hl_store_done(st, s);
}

int hl_store_stix_clear(struct hl_store *st)
{
	struct hl_dbs *s = stmt(st, Q_CLEAR);

	return s ? hl_store_done(st, s) : -HL_ESTORE;
}

/* Whether list is NULL or a JSON array whose members all have type t;
 * *one gets its only member when it has exactly one string. */
bool hl_stix_list_ok(const char *list, json_type t, char *one, size_t cap)
{
	json_t *j, *v;
	size_t i;
	bool ok;

	if (one)
		one[0] = '\0';
	if (!list)
		return true;
	j = json_loads(list, JSON_DECODE_ANY, NULL);
	ok = json_is_array(j);
	json_array_foreach(j, i, v)
		ok = ok && json_typeof(v) == t;
	if (ok && one && json_array_size(j) == 1 &&
	    strlen(json_string_value(json_array_get(j, 0))) < cap)
		snprintf(one, cap, "%s", json_string_value(json_array_get(j, 0)));
	json_decref(j);
	return ok;
}

int hl_stix_after(struct hl_store *st, const struct hl_stix_query *q, int64_t *after)
{
	struct hl_dbs *s;
	int rc;

	*after = q->after;
	if (q->added_after < 0)
		return 0;
	s = stmt(st, Q_ADDED);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, q->added_after);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW && hl_db_column_int64(s, 0) > *after)
		*after = hl_db_column_int64(s, 0);
	hl_db_reset(s);
	return rc == HL_DB_ROW || rc == HL_DB_DONE ? 0 : hl_store_fail(st);
}

static const char *col_text(struct hl_dbs *s, int i)
{
	return (const char *)hl_db_column_text(s, i);
}

int hl_stix_rows(struct hl_store *st, struct hl_dbs *s, size_t limit, hl_stix_row_fn fn,
		 void *ctx, bool *more)
{
	size_t n = 0;
	int rc = HL_DB_DONE, r = 0;

	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		struct hl_stix_row row = {
			.id = hl_db_column_int64(s, 0),
			.added = hl_db_column_int64(s, 1),
			.version = hl_db_column_int64(s, 2),
			.sid = col_text(s, 3),
			.type = col_text(s, 4),
			.spec = col_text(s, 5),
			.version_text = col_text(s, 6),
			.json = col_text(s, 7),
			.json_len = (size_t)hl_db_column_bytes(s, 7),
			.tlp = hl_db_column_int(s, 8),
			.case_side = hl_db_column_int(s, 9),
			.case_seq = (uint64_t)hl_db_column_int64(s, 10),
			.case_name = col_text(s, 11),
		};

		if (limit && n == limit) {
			*more = true;
			rc = HL_DB_DONE;
			break;
		}
		n++;
		r = fn(ctx, &row);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

/* The statement that drives q; one_type is its only type, if any. */
static int driver(const struct hl_stix_query *q, const char *one_type)
{
	if (q->ids)
		return Q_BY_ID;
	if (q->tlp >= 0 && one_type[0])
		return Q_BY_TLP_TYPE;
	if (q->tlp >= 0)
		return Q_BY_TLP;
	return q->case_side >= 0 ? Q_BY_CASE : Q_BY_LINK;
}

/* The driver of q, after its lists are checked. */
static int query_key(const struct hl_stix_query *q, char *one_type, size_t cap)
{
	if (!hl_stix_list_ok(q->ids, JSON_STRING, NULL, 0) ||
	    !hl_stix_list_ok(q->types, JSON_STRING, one_type, cap) ||
	    !hl_stix_list_ok(q->specs, JSON_STRING, NULL, 0) ||
	    !hl_stix_list_ok(q->version_list, JSON_INTEGER, NULL, 0))
		return -EINVAL;
	return driver(q, one_type);
}

int hl_store_stix_each(struct hl_store *st, const struct hl_stix_query *q,
		       hl_stix_row_fn fn, void *ctx, bool *more)
{
	char one_type[256];
	int64_t after;
	bool more_unused;
	struct hl_dbs *s;
	int key = query_key(q, one_type, sizeof(one_type)), r = 0;

	if (q->group > 0)
		return hl_store_stix_group_each(st, q, fn, ctx, more);
	if (!more)
		more = &more_unused;
	*more = false;
	if (key < 0)
		return key;
	r = hl_stix_after(st, q, &after);
	if (r < 0)
		return r;
	s = stmt(st, key);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, q->link);
	hl_db_bind_int(s, 2, q->clearance);
	hl_db_bind_int(s, 3, q->tlp);
	hl_db_bind_int(s, 4, q->case_side);
	hl_db_bind_int64(s, 5, (int64_t)q->case_seq);
	hl_db_bind_int64(s, 6, after);
	bind_text(s, 7, q->ids);
	bind_text(s, 8, q->types);
	bind_text(s, 9, q->specs);
	hl_db_bind_int(s, 10, q->versions ? q->versions : HL_STIX_LAST);
	bind_text(s, 11, q->version_list ? q->version_list : "[]");
	hl_db_bind_int64(s, 12, q->limit ? (int64_t)q->limit + 1 : INT64_MAX);
	if (one_type[0])
		hl_db_bind_text(s, 13, one_type, -1, HL_DB_STATIC);
	return hl_stix_rows(st, s, q->limit, fn, ctx, more);
}

int hl_store_stix_cases(struct hl_store *st, int64_t link, hl_stix_case_fn fn, void *ctx)
{
	struct hl_dbs *s = stmt(st, Q_CASES);
	int rc = HL_DB_DONE, r = 0;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, link);
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		const char *name = col_text(s, 2);
		struct hl_stix_case c = {
			.side = hl_db_column_int(s, 0),
			.seq = (uint64_t)hl_db_column_int64(s, 1),
			.name = name ? name : "",
			.first_added = hl_db_column_int64(s, 3),
		};

		r = fn(ctx, &c);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_stix_plan(struct hl_store *st, const struct hl_stix_query *q, char *out,
		       size_t cap)
{
	char one_type[256];
	int key = query_key(q, one_type, sizeof(one_type));
	struct hl_db *db = hl_store_db(st);
	struct hl_dbs *s = NULL;
	size_t len = 0;
	int rc = HL_DB_DONE;
	char *text;

	if (key < 0)
		return key;
	text = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql[key - Q_PUT]);
	if (!text)
		return -ENOMEM;
	if (hl_db_prepare(db, text, false, &s) < 0) {
		sqlite3_free(text);
		return hl_store_fail(st);
	}
	sqlite3_free(text);
	out[0] = '\0';
	while ((rc = hl_db_step(s)) == HL_DB_ROW && len < cap)
		len += (size_t)snprintf(out + len, cap - len, "%s%s", len ? "; " : "",
					(const char *)hl_db_column_text(s, 3));
	hl_db_finalize(s);
	return rc == HL_DB_ROW || rc == HL_DB_DONE ? 0 : -HL_ESTORE;
}
