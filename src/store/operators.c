/* operators.c - the operator and operator_user tables (operators.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include "db.h"

#include "error.h"
#include "operators.h"
#include "storepriv.h"
#include "text.h"

enum {
	Q_ADD = HL_XSTMT_OPERATOR, Q_GET, Q_ALL, Q_ROLES, Q_DISABLE, Q_ENABLE,
	Q_PASSWD, Q_TOTP, Q_SECRETS, Q_FAILED, Q_LOCK, Q_LOGGED_IN, Q_COUNT,
	Q_MAP, Q_UNMAP, Q_BY_USER, Q_USERS, Q_ROW_BY_USER,
	Q_END
};
_Static_assert(Q_END <= HL_XSTMT_OPERATOR + 32, "operators.c owns 32 statement keys");

#define COLS "name, roles, max_precedence, disabled, created, pwhash IS NOT NULL," \
	     " totp IS NOT NULL, failures, locked_until"

static const char *const sql[] = {
	[Q_ADD - Q_ADD] = "INSERT INTO operator (name, roles, max_precedence, created)"
			  " VALUES (?1, ?2, ?3, ?4)",
	[Q_GET - Q_ADD] = "SELECT " COLS " FROM operator WHERE name = ?1",
	[Q_ALL - Q_ADD] = "SELECT " COLS " FROM operator ORDER BY name",
	[Q_ROLES - Q_ADD] = "UPDATE operator SET roles = ?2, max_precedence = ?3 WHERE name = ?1",
	[Q_DISABLE - Q_ADD] = "UPDATE operator SET disabled = 1 WHERE name = ?1",
	[Q_ENABLE - Q_ADD] = "UPDATE operator SET disabled = 0, failures = 0, locked_until = 0"
			     " WHERE name = ?1",
	[Q_PASSWD - Q_ADD] = "UPDATE operator SET pwhash = ?2, failures = 0, locked_until = 0"
			     " WHERE name = ?1",
	[Q_TOTP - Q_ADD] = "UPDATE operator SET totp = ?2, totp_step = 0 WHERE name = ?1",
	[Q_SECRETS - Q_ADD] = "SELECT pwhash, totp, totp_step FROM operator WHERE name = ?1",
	[Q_FAILED - Q_ADD] = "UPDATE operator SET failures = failures + 1 WHERE name = ?1"
			     " RETURNING failures",
	[Q_LOCK - Q_ADD] = "UPDATE operator SET locked_until = ?2 WHERE name = ?1",
	[Q_LOGGED_IN - Q_ADD] = "UPDATE operator SET totp_step = ?2, failures = 0, locked_until = 0"
				" WHERE name = ?1 AND totp_step < ?2",
	[Q_COUNT - Q_ADD] = "SELECT count(*) FROM operator WHERE disabled = 0"
			    " AND (roles & ?1) = ?1",
	[Q_MAP - Q_ADD] = "INSERT INTO operator_user (\"user\", operator) VALUES (?1, ?2)",
	[Q_UNMAP - Q_ADD] = "DELETE FROM operator_user WHERE \"user\" = ?1 AND operator = ?2",
	[Q_BY_USER - Q_ADD] = "SELECT operator FROM operator_user WHERE \"user\" = ?1",
	[Q_USERS - Q_ADD] = "SELECT \"user\" FROM operator_user WHERE operator = ?1 ORDER BY \"user\"",
	[Q_ROW_BY_USER - Q_ADD] = "SELECT " COLS " FROM operator WHERE name ="
				  " (SELECT operator FROM operator_user WHERE \"user\" = ?1)",
};

static struct hl_dbs *stmt(struct hl_store *st, int key)
{
	return hl_store_stmt(st, key, sql[key - Q_ADD]);
}

/* A statement with name bound as ?1. */
static struct hl_dbs *named(struct hl_store *st, int key, const char *name)
{
	struct hl_dbs *s = stmt(st, key);

	if (s)
		hl_db_bind_text(s, 1, name, -1, HL_DB_STATIC);
	return s;
}

/* Runs an UPDATE on one operator: -HL_ENOTFOUND when it matched none. */
static int update(struct hl_store *st, struct hl_dbs *s)
{
	int r;

	if (!s)
		return -HL_ESTORE;
	r = hl_store_done(st, s);
	if (r == 0 && hl_db_changes(hl_store_db(st)) == 0)
		r = -HL_ENOTFOUND;
	if (r == 0)
		hl_store_ops_touched(st);
	return r;
}

/* Runs an INSERT into the operator tables. */
static int insert(struct hl_store *st, struct hl_dbs *s)
{
	int r = hl_store_done(st, s);

	if (r == 0)
		hl_store_ops_touched(st);
	return r;
}

void hl_op_secrets_wipe(struct hl_op_secrets *s)
{
	sodium_memzero(s, sizeof(*s));
}

int hl_store_op_add(struct hl_store *st, const char *name, unsigned roles,
		    enum hl_precedence max_precedence, int64_t now)
{
	struct hl_dbs *s;

	if (!hl_name_valid(name, strlen(name)))
		return -HL_ENAME;
	s = named(st, Q_ADD, name);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int(s, 2, (int)roles);
	hl_db_bind_text(s, 3, hl_precedence_name(max_precedence), -1, HL_DB_STATIC);
	hl_db_bind_int64(s, 4, now);
	return insert(st, s);
}

static void row_read(struct hl_dbs *s, struct hl_op_row *o)
{
	const char *p = (const char *)hl_db_column_text(s, 2);

	memset(o, 0, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s", (const char *)hl_db_column_text(s, 0));
	o->roles = (unsigned)hl_db_column_int(s, 1);
	if (!p || hl_precedence_parse(p, &o->max_precedence) < 0)
		o->max_precedence = HL_ROUTINE;
	o->disabled = hl_db_column_int(s, 3) != 0;
	o->created = hl_db_column_int64(s, 4);
	o->has_password = hl_db_column_int(s, 5) != 0;
	o->has_totp = hl_db_column_int(s, 6) != 0;
	o->failures = (unsigned)hl_db_column_int(s, 7);
	o->locked_until = hl_db_column_int64(s, 8);
}

static int row_of(struct hl_store *st, int key, const char *key_text, struct hl_op_row *out)
{
	struct hl_dbs *s = named(st, key, key_text);
	int rc, r;

	if (!s)
		return -HL_ESTORE;
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW)
		row_read(s, out);
	r = rc == HL_DB_ROW ? 0 : rc == HL_DB_DONE ? -HL_ENOTFOUND : hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_op_get(struct hl_store *st, const char *name, struct hl_op_row *out)
{
	return row_of(st, Q_GET, name, out);
}

int hl_store_op_get_by_user(struct hl_store *st, const char *user, struct hl_op_row *out)
{
	return row_of(st, Q_ROW_BY_USER, user, out);
}

int hl_store_op_each(struct hl_store *st,
		     int (*fn)(void *ctx, const struct hl_op_row *o), void *ctx)
{
	struct hl_dbs *s = stmt(st, Q_ALL);
	struct hl_op_row o;
	int rc = HL_DB_DONE, r = 0;

	if (!s)
		return -HL_ESTORE;
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		row_read(s, &o);
		r = fn(ctx, &o);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_op_set_roles(struct hl_store *st, const char *name, unsigned roles,
			  enum hl_precedence max_precedence)
{
	struct hl_dbs *s = named(st, Q_ROLES, name);

	if (s) {
		hl_db_bind_int(s, 2, (int)roles);
		hl_db_bind_text(s, 3, hl_precedence_name(max_precedence), -1, HL_DB_STATIC);
	}
	return update(st, s);
}

int hl_store_op_set_disabled(struct hl_store *st, const char *name, bool disabled)
{
	return update(st, named(st, disabled ? Q_DISABLE : Q_ENABLE, name));
}

int hl_store_op_set_password(struct hl_store *st, const char *name, const char *pwhash)
{
	struct hl_dbs *s = named(st, Q_PASSWD, name);

	if (s)
		hl_db_bind_text(s, 2, pwhash, -1, HL_DB_STATIC);
	return update(st, s);
}

int hl_store_op_set_totp(struct hl_store *st, const char *name,
			 const unsigned char *secret, size_t n)
{
	struct hl_dbs *s = named(st, Q_TOTP, name);

	if (s && secret)
		hl_db_bind_blob(s, 2, secret, (int)n, HL_DB_STATIC);
	return update(st, s);
}

int hl_store_op_secrets(struct hl_store *st, const char *name, struct hl_op_secrets *out)
{
	struct hl_dbs *s = named(st, Q_SECRETS, name);
	const char *h;
	const void *t;
	size_t tn;
	int rc, r;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -HL_ESTORE;
	rc = hl_db_step(s);
	r = rc == HL_DB_ROW ? 0 : rc == HL_DB_DONE ? -HL_ENOTFOUND : hl_store_fail(st);
	if (r == 0) {
		h = (const char *)hl_db_column_text(s, 0);
		t = hl_db_column_blob(s, 1);
		tn = (size_t)hl_db_column_bytes(s, 1);
		if (h && strlen(h) < sizeof(out->pwhash))
			memcpy(out->pwhash, h, strlen(h) + 1);
		if (t && tn <= sizeof(out->totp)) {
			memcpy(out->totp, t, tn);
			out->totp_len = tn;
		}
		out->totp_step = (uint64_t)hl_db_column_int64(s, 2);
	}
	/* The engine's copies of the secrets go with the reset; they were
	 * in memory SQLite manages, which is all that can be done there. */
	hl_db_reset(s);
	return r;
}

int hl_store_op_failed(struct hl_store *st, const char *name, unsigned *failures)
{
	struct hl_dbs *s = named(st, Q_FAILED, name);
	int rc, r;

	*failures = 0;
	if (!s)
		return -HL_ESTORE;
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW)
		*failures = (unsigned)hl_db_column_int(s, 0);
	r = rc == HL_DB_ROW ? 0 : rc == HL_DB_DONE ? -HL_ENOTFOUND : hl_store_fail(st);
	/* RETURNING: the change is made when the statement runs to its end. */
	if (r == 0 && hl_db_step(s) != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	if (r == 0)
		hl_store_ops_touched(st);
	return r;
}

int hl_store_op_lock(struct hl_store *st, const char *name, int64_t until)
{
	struct hl_dbs *s = named(st, Q_LOCK, name);

	if (s)
		hl_db_bind_int64(s, 2, until);
	return update(st, s);
}

int hl_store_op_logged_in(struct hl_store *st, const char *name, uint64_t step)
{
	struct hl_dbs *s = named(st, Q_LOGGED_IN, name);
	int r;

	if (s)
		hl_db_bind_int64(s, 2, (int64_t)step);
	r = update(st, s);
	return r == -HL_ENOTFOUND ? -HL_EDUPLICATE : r;
}

int hl_store_op_count(struct hl_store *st, unsigned roles, uint64_t *n)
{
	struct hl_dbs *s = stmt(st, Q_COUNT);
	int r;

	*n = 0;
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int(s, 1, (int)roles);
	r = hl_db_step(s) == HL_DB_ROW ? 0 : hl_store_fail(st);
	if (r == 0)
		*n = (uint64_t)hl_db_column_int64(s, 0);
	hl_db_reset(s);
	return r;
}

int hl_store_op_map(struct hl_store *st, const char *user, const char *name)
{
	struct hl_op_row o;
	struct hl_dbs *s;
	int r;

	if (!hl_unix_name_valid(user))
		return -HL_ENAME;
	r = hl_store_op_get(st, name, &o);
	if (r < 0)
		return r;
	s = stmt(st, Q_MAP);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, user, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 2, name, -1, HL_DB_STATIC);
	return insert(st, s);
}

int hl_store_op_unmap(struct hl_store *st, const char *user, const char *name)
{
	struct hl_dbs *s = stmt(st, Q_UNMAP);

	if (s) {
		hl_db_bind_text(s, 1, user, -1, HL_DB_STATIC);
		hl_db_bind_text(s, 2, name, -1, HL_DB_STATIC);
	}
	return update(st, s);
}

int hl_store_op_by_user(struct hl_store *st, const char *user, char name[HL_NAME_MAX + 1])
{
	struct hl_dbs *s = stmt(st, Q_BY_USER);
	int rc, r;

	name[0] = 0;
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_text(s, 1, user, -1, HL_DB_STATIC);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW)
		snprintf(name, HL_NAME_MAX + 1, "%s", (const char *)hl_db_column_text(s, 0));
	r = rc == HL_DB_ROW ? 0 : rc == HL_DB_DONE ? -HL_ENOTFOUND : hl_store_fail(st);
	hl_db_reset(s);
	return r;
}

int hl_store_op_users(struct hl_store *st, const char *name,
		      int (*fn)(void *ctx, const char *user), void *ctx)
{
	struct hl_dbs *s = named(st, Q_USERS, name);
	int rc = HL_DB_DONE, r = 0;

	if (!s)
		return -HL_ESTORE;
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW)
		r = fn(ctx, (const char *)hl_db_column_text(s, 0));
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	return r;
}
