/* operator.c - who an operator is, and the admin's routes over them.
 *
 * On the unix socket an operator is the Unix user at the other end,
 * mapped to a named operator in the store (operators.h).  The rules of
 * operator management live here once: names are party names, roles
 * are the four of desk.h, a duty officer's cap is a precedence name,
 * and at least one enabled admin always remains.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <liboath/oath.h>
#include <sodium.h>

#include "desk.h"
#include "deskpriv.h"
#include "error.h"
#include "login.h"
#include "operators.h"
#include "text.h"

#define PASSWORD_MIN 12
#define PASSWORD_MAX 1024
#define DEFAULT_CAP HL_ROUTINE	/* a new duty officer's cap unless given */
#define USER_TTL 10		/* seconds a Unix user's name is kept */

static void from_row(const struct hl_op_row *r, struct hl_operator *op)
{
	memset(op, 0, sizeof(*op));
	snprintf(op->name, sizeof(op->name), "%s", r->name);
	op->roles = r->roles;
	op->max_precedence = r->max_precedence;
	op->disabled = r->disabled;
}

static int by_name(struct hl_store *st, const char *name, struct hl_operator *op)
{
	struct hl_op_row row;
	int r = hl_store_op_get(st, name, &row);

	if (r == 0)
		from_row(&row, op);
	return r;
}

int hl_desk_operator_by_name(struct hl_desk_shared *s, const char *name, struct hl_operator *op)
{
	size_t slot = 0;
	struct hl_store *st = hl_desk_take(s, &slot);
	int r;

	memset(op, 0, sizeof(*op));
	if (!st)
		return -HL_ESTORE;
	r = by_name(st, name, op);
	hl_desk_give(s, slot);
	return r;
}

/* The refusal of a Unix user mapped to no operator, in the audit
 * trail: no operator acted, so the entry names none. */
static void unmapped(struct hl_desk_shared *s, struct hl_store *st, const char *user, uid_t uid)
{
	struct hl_operator none = {0};
	json_t *args = json_object();
	json_t *detail = json_pack("{s:s, s:I}", "unix", user, "uid", (json_int_t)uid);
	struct hl_desk d = {.me = s->me, .st = st, .writer = s->writer, .courier = s->courier,
			    .shared = s};
	struct hl_desk_req q = {.op = &none, .args = args, .now = (int64_t)time(NULL),
				.door = "unix"};

	hl_desk_audit(&d, &q, "unmapped-user", detail, 403);
	json_decref(detail);
	json_decref(args);
}

static int64_t mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The name of Unix user uid.  Each request on the socket asks; the
 * answer is kept USER_TTL seconds, as reading the user database on
 * every request costs more than the request. */
static int user_name(struct hl_desk_shared *s, uid_t uid, char name[HL_NAME_MAX + 1])
{
	char buf[4096];
	struct passwd pw, *res = NULL;
	int64_t now = mono_now();
	struct desk_user *u;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < sizeof(s->users) / sizeof(s->users[0]); i++)
		if (s->users[i].until > now && s->users[i].uid == uid) {
			memcpy(name, s->users[i].name, HL_NAME_MAX + 1);
			pthread_mutex_unlock(&s->lock);
			return 0;
		}
	pthread_mutex_unlock(&s->lock);
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || !res ||
	    strlen(res->pw_name) > HL_NAME_MAX) {
		snprintf(name, HL_NAME_MAX + 1, "#%u", (unsigned)uid);
		return -HL_ENOTFOUND;
	}
	snprintf(name, HL_NAME_MAX + 1, "%s", res->pw_name);
	pthread_mutex_lock(&s->lock);
	u = &s->users[s->users_next++ % (sizeof(s->users) / sizeof(s->users[0]))];
	u->uid = uid;
	u->until = now + USER_TTL;
	memcpy(u->name, name, HL_NAME_MAX + 1);
	pthread_mutex_unlock(&s->lock);
	return 0;
}

int hl_desk_operator_by_uid(struct hl_desk_shared *s, uid_t uid, struct hl_operator *op)
{
	char user[HL_NAME_MAX + 1];
	struct hl_op_row row;
	size_t slot = 0;
	struct hl_store *st;
	int r;

	memset(op, 0, sizeof(*op));
	if (user_name(s, uid, user) < 0) {
		snprintf(op->name, sizeof(op->name), "%s", user);
		return -HL_ENOTFOUND;
	}
	st = hl_desk_take(s, &slot);
	if (!st)
		return -HL_ESTORE;
	r = hl_store_op_get_by_user(st, user, &row);
	if (r == 0)
		from_row(&row, op);
	if (r == -HL_ENOTFOUND)
		unmapped(s, st, user, uid);
	hl_desk_give(s, slot);
	if (r < 0)
		snprintf(op->name, sizeof(op->name), "%s", user);
	return r;
}

static int count_one(void *ctx, const struct hl_op_row *o)
{
	(void)o;
	++*(unsigned *)ctx;
	return 1;	/* one is enough */
}

int hl_desk_operators_first(struct hl_store *st, int64_t now)
{
	char buf[4096], name[HL_NAME_MAX + 1];
	struct passwd pw, *res = NULL;
	unsigned n = 0;
	int r = hl_store_op_each(st, count_one, &n);

	if (r < 0 || n)
		return r < 0 ? r : 0;
	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) != 0 || !res ||
	    !hl_unix_name_valid(res->pw_name))
		return -HL_ENOTFOUND;
	snprintf(name, sizeof(name), "%s", res->pw_name);
	if (!hl_name_valid(name, strlen(name)))
		snprintf(name, sizeof(name), "admin");
	r = hl_store_begin(st);
	if (r == 0)
		r = hl_store_op_add(st, name, HL_ROLES_ALL, HL_FLASH, now);
	if (r == 0)
		r = hl_store_op_map(st, res->pw_name, name);
	if (r == 0 && strcmp(res->pw_name, "root") != 0)
		r = hl_store_op_map(st, "root", name);
	if (r == 0)
		return hl_store_commit(st) == 0 ? 1 : -HL_ESTORE;
	hl_store_rollback(st);
	return r;
}

/* ["duty", "admin"] for roles bits. */
static json_t *roles_json(unsigned roles)
{
	json_t *a = json_array();

	for (unsigned b = 1; b <= HL_ROLE_ADMIN; b <<= 1)
		if (roles & b)
			json_array_append_new(a, json_string(hl_role_name((enum hl_role)b)));
	return a;
}

json_t *hl_desk_whoami(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	(void)d;
	(void)e;
	return json_pack("{s:s, s:o, s:s}", "name", q->op->name, "roles", roles_json(q->op->roles),
			 "max_precedence", hl_precedence_name(q->op->max_precedence));
}

static int add_user(void *ctx, const char *user)
{
	return json_array_append_new(ctx, json_string(user)) < 0 ? -ENOMEM : 0;
}

/* One operator as the API shows it (docs/api.md); never a secret. */
static json_t *op_json(struct hl_store *st, const struct hl_op_row *o, int64_t now)
{
	json_t *users = json_array();
	bool locked = o->locked_until > now;

	hl_store_op_users(st, o->name, add_user, users);
	return json_pack("{s:s, s:o, s:s, s:b, s:I, s:b, s:b, s:i, s:b, s:o, s:o}",
			 "name", o->name, "roles", roles_json(o->roles),
			 "max_precedence", hl_precedence_name(o->max_precedence),
			 "disabled", o->disabled, "created", (json_int_t)o->created,
			 "password", o->has_password, "totp", o->has_totp,
			 "failures", (int)o->failures, "locked", locked,
			 "locked_until", locked && o->locked_until != HL_LOCKED_FOREVER ?
			 json_integer(o->locked_until) : json_null(),
			 "unix", users);
}

struct listing {
	struct hl_store *st;
	json_t *list;
	int64_t now;
};

static int list_one(void *ctx, const struct hl_op_row *o)
{
	struct listing *l = ctx;

	return json_array_append_new(l->list, op_json(l->st, o, l->now)) < 0 ? -ENOMEM : 0;
}

json_t *hl_desk_operators(struct hl_desk *d, const struct hl_desk_req *q, struct hl_desk_err *e)
{
	struct listing l = {.st = d->st, .list = json_array(), .now = q->now};
	int r;

	if (!hl_desk_args_only(q, e, NULL)) {
		json_decref(l.list);
		return NULL;
	}
	r = hl_store_op_each(d->st, list_one, &l);
	if (r < 0) {
		json_decref(l.list);
		return hl_desk_fail_code(e, r, "operators");
	}
	return json_pack("{s:o}", "operators", l.list);
}

/* The operator that argument "name" names; false with e filled. */
static bool named_op(struct hl_desk *d, const struct hl_desk_req *q, struct hl_op_row *o,
		     const char **name, struct hl_desk_err *e)
{
	int r;

	if (!hl_desk_arg_need(q, "name", name, e))
		return false;
	if (!hl_name_valid(*name, strlen(*name))) {
		hl_desk_fail(e, 400, "name: %s", hl_strerror(-HL_ENAME));
		return false;
	}
	r = hl_store_op_get(d->st, *name, o);
	if (r == -HL_ENOTFOUND)
		hl_desk_fail(e, 404, "no operator is named %s", *name);
	else if (r < 0)
		hl_desk_fail_code(e, r, *name);
	return r == 0;
}

json_t *hl_desk_operator_show(struct hl_desk *d, const struct hl_desk_req *q,
			      struct hl_desk_err *e)
{
	struct hl_op_row o;
	const char *name;

	if (!hl_desk_args_only(q, e, "name", NULL) || !named_op(d, q, &o, &name, e))
		return NULL;
	return op_json(d->st, &o, q->now);
}

/* "roles": a JSON array of one or more role names. */
static bool roles_arg(const struct hl_desk_req *q, unsigned *roles, struct hl_desk_err *e)
{
	json_t *v = json_object_get(q->args, "roles"), *x;
	size_t i;

	*roles = 0;
	if (!json_is_array(v) || json_array_size(v) == 0) {
		hl_desk_fail(e, 400, "roles: give a list of one or more of duty, supervisor, "
			     "auditor, admin");
		return false;
	}
	json_array_foreach(v, i, x) {
		enum hl_role r;

		if (!json_is_string(x) || hl_role_parse(json_string_value(x), &r) < 0) {
			hl_desk_fail(e, 400, "roles: %s is not a role: the roles are duty, "
				     "supervisor, auditor, admin",
				     json_is_string(x) ? json_string_value(x) : "(not a string)");
			return false;
		}
		*roles |= (unsigned)r;
	}
	return true;
}

static bool cap_arg(const struct hl_desk_req *q, enum hl_precedence *cap, bool *given,
		    struct hl_desk_err *e)
{
	const char *s;

	if (!hl_desk_arg_str(q, "max_precedence", &s, e))
		return false;
	*given = s != NULL;
	if (s && hl_precedence_parse(s, cap) < 0) {
		hl_desk_fail(e, 400, "max_precedence: %s is not a precedence: flash, immediate, "
			     "priority or routine", s);
		return false;
	}
	return true;
}

/* Maps each of "unix" (a list of user names) to name. */
static json_t *map_users(struct hl_desk *d, const json_t *users, const char *name,
			 struct hl_desk_err *e)
{
	char other[HL_NAME_MAX + 1];
	json_t *x;
	size_t i;
	int r;

	json_array_foreach(users, i, x) {
		const char *u = json_is_string(x) ? json_string_value(x) : "";

		if (!hl_unix_name_valid(u))
			return hl_desk_fail(e, 400, "unix: '%s' is not a Unix user name", u);
		r = hl_store_op_map(d->st, u, name);
		if (r == -HL_EDUPLICATE && hl_store_op_by_user(d->st, u, other) == 0)
			return hl_desk_fail(e, 409, "Unix user %s is already mapped to operator %s",
					    u, other);
		if (r < 0)
			return hl_desk_fail_code(e, r, u);
	}
	return json_true();
}

/* Commits the change made since begin if an enabled admin remains;
 * else undoes it and says why. */
static json_t *keep_an_admin(struct hl_desk *d, const char *name, struct hl_desk_err *e)
{
	uint64_t n = 0;
	int r = hl_store_op_count(d->st, HL_ROLE_ADMIN, &n);

	if (r == 0 && n == 0) {
		hl_store_rollback(d->st);
		return hl_desk_fail(e, 409, "operator %s is the last enabled admin: give another "
				    "operator the admin role first", name);
	}
	if (r == 0)
		r = hl_store_commit(d->st);
	else
		hl_store_rollback(d->st);
	return r < 0 ? hl_desk_fail_code(e, r, name) : json_true();
}

/* Runs the change of op_row o, then the last-admin rule, in one
 * transaction; returns the operator as it now is. */
static json_t *change(struct hl_desk *d, const struct hl_desk_req *q, const char *name,
		      int (*fn)(struct hl_desk *d, const void *arg), const void *arg,
		      struct hl_desk_err *e)
{
	struct hl_op_row o;
	json_t *ok;
	int r = hl_store_begin(d->st);

	if (r < 0)
		return hl_desk_fail_code(e, r, name);
	r = fn(d, arg);
	if (r < 0) {
		hl_store_rollback(d->st);
		return hl_desk_fail_code(e, r, name);
	}
	ok = keep_an_admin(d, name, e);
	if (!ok)
		return NULL;
	json_decref(ok);
	r = hl_store_op_get(d->st, name, &o);
	return r < 0 ? hl_desk_fail_code(e, r, name) : op_json(d->st, &o, q->now);
}

json_t *hl_desk_operator_add(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	enum hl_precedence cap = DEFAULT_CAP;
	json_t *users, *ok;
	struct hl_op_row o;
	const char *name;
	unsigned roles;
	bool given;
	int r;

	if (!hl_desk_args_only(q, e, "name", "roles", "max_precedence", "unix", NULL) ||
	    !hl_desk_arg_need(q, "name", &name, e) || !roles_arg(q, &roles, e) ||
	    !cap_arg(q, &cap, &given, e))
		return NULL;
	if (!hl_name_valid(name, strlen(name)))
		return hl_desk_fail(e, 400, "name: %s", hl_strerror(-HL_ENAME));
	users = json_object_get(q->args, "unix");
	if (users && !json_is_array(users))
		return hl_desk_fail(e, 400, "unix: give a list of Unix user names");
	r = hl_store_begin(d->st);
	if (r == 0)
		r = hl_store_op_add(d->st, name, roles, cap, q->now);
	if (r == -HL_EDUPLICATE) {
		hl_store_rollback(d->st);
		return hl_desk_fail(e, 409, "an operator is already named %s", name);
	}
	ok = r < 0 ? hl_desk_fail_code(e, r, name) :
	     users ? map_users(d, users, name, e) : json_true();
	if (ok)
		r = hl_store_commit(d->st);
	else
		hl_store_rollback(d->st);
	json_decref(ok);
	if (!ok || r < 0)
		return ok ? hl_desk_fail_code(e, r, name) : NULL;
	r = hl_store_op_get(d->st, name, &o);
	return r < 0 ? hl_desk_fail_code(e, r, name) : op_json(d->st, &o, q->now);
}

static int set_disabled(struct hl_desk *d, const void *arg)
{
	return hl_store_op_set_disabled(d->st, arg, true);
}

json_t *hl_desk_operator_disable(struct hl_desk *d, const struct hl_desk_req *q,
				 struct hl_desk_err *e)
{
	struct hl_op_row o;
	const char *name;

	if (!hl_desk_args_only(q, e, "name", NULL) || !named_op(d, q, &o, &name, e))
		return NULL;
	return change(d, q, name, set_disabled, name, e);
}

json_t *hl_desk_operator_enable(struct hl_desk *d, const struct hl_desk_req *q,
				struct hl_desk_err *e)
{
	struct hl_op_row o;
	const char *name;
	int r;

	if (!hl_desk_args_only(q, e, "name", NULL) || !named_op(d, q, &o, &name, e))
		return NULL;
	r = hl_store_op_set_disabled(d->st, name, false);
	if (r == 0)
		r = hl_store_op_get(d->st, name, &o);
	return r < 0 ? hl_desk_fail_code(e, r, name) : op_json(d->st, &o, q->now);
}

struct roles_change {
	const char *name;
	unsigned roles;
	enum hl_precedence cap;
};

static int set_roles(struct hl_desk *d, const void *arg)
{
	const struct roles_change *c = arg;

	return hl_store_op_set_roles(d->st, c->name, c->roles, c->cap);
}

json_t *hl_desk_operator_role(struct hl_desk *d, const struct hl_desk_req *q,
			      struct hl_desk_err *e)
{
	struct roles_change c;
	struct hl_op_row o;
	bool given;

	if (!hl_desk_args_only(q, e, "name", "roles", "max_precedence", NULL) ||
	    !named_op(d, q, &o, &c.name, e) || !roles_arg(q, &c.roles, e))
		return NULL;
	c.cap = o.max_precedence;
	if (!cap_arg(q, &c.cap, &given, e))
		return NULL;
	return change(d, q, c.name, set_roles, &c, e);
}

/* May q's operator set name's password?  An admin sets anyone's; any
 * operator sets their own by giving their current password. */
static bool may_set_password(struct hl_desk *d, const struct hl_desk_req *q, const char *name,
			     struct hl_desk_err *e)
{
	struct hl_op_secrets sec;
	const char *current;
	bool ok;

	if ((q->op->roles & HL_ROLE_ADMIN) && !q->op->disabled)
		return true;
	if (strcmp(q->op->name, name) != 0) {
		e->needs = "admin";
		hl_desk_fail(e, 403, "operator %s may not set another operator's password: "
			     "it needs the %s role", q->op->name, "admin");
		return false;
	}
	if (!hl_desk_arg_str(q, "current", &current, e))
		return false;
	if (!current) {
		hl_desk_fail(e, 403, "current: give your current password to change it");
		return false;
	}
	if (hl_store_op_secrets(d->st, name, &sec) < 0)
		sec.pwhash[0] = 0;
	ok = hl_login_password_ok(sec.pwhash, current);
	hl_op_secrets_wipe(&sec);
	if (!ok)
		hl_desk_fail(e, 403, "current: that is not your current password");
	return ok;
}

json_t *hl_desk_operator_passwd(struct hl_desk *d, const struct hl_desk_req *q,
				struct hl_desk_err *e)
{
	char hash[HL_PWHASH_MAX];
	struct hl_op_row o;
	const char *name, *pw;
	size_t n;
	int r;

	if (!hl_desk_args_only(q, e, "name", "password", "current", NULL) ||
	    !named_op(d, q, &o, &name, e) || !hl_desk_arg_need(q, "password", &pw, e) ||
	    !may_set_password(d, q, name, e))
		return NULL;
	n = strlen(pw);
	if (n < PASSWORD_MIN || n > PASSWORD_MAX)
		return hl_desk_fail(e, 400, "password: give %d to %d characters",
				    PASSWORD_MIN, PASSWORD_MAX);
	r = hl_login_hash(pw, hash);
	if (r == 0)
		r = hl_store_op_set_password(d->st, name, hash);
	sodium_memzero(hash, sizeof(hash));
	if (r == 0)
		r = hl_store_op_get(d->st, name, &o);
	return r < 0 ? hl_desk_fail_code(e, r, name) : op_json(d->st, &o, q->now);
}

/* otpauth://totp/PARTY:NAME?secret=...&issuer=PARTY (Google's Key Uri
 * Format, which authenticator apps read); SHA-1, 6 digits, 30 s. */
static json_t *totp_reply(const char *party, const char *name, const char *b32)
{
	char uri[512];
	json_t *j;

	snprintf(uri, sizeof(uri), "otpauth://totp/%s:%s?secret=%s&issuer=%s"
		 "&algorithm=SHA1&digits=6&period=30", party, name, b32, party);
	j = json_pack("{s:s, s:s, s:s}", "name", name, "secret", b32, "uri", uri);
	sodium_memzero(uri, sizeof(uri));
	return j;
}

json_t *hl_desk_operator_totp(struct hl_desk *d, const struct hl_desk_req *q,
			      struct hl_desk_err *e)
{
	unsigned char secret[HL_TOTP_SECRET_LEN];
	struct hl_op_row o;
	const char *name;
	char *b32 = NULL;
	size_t b32len = 0;
	json_t *res = NULL;
	int r;

	if (!hl_desk_args_only(q, e, "name", NULL) || !named_op(d, q, &o, &name, e))
		return NULL;
	if (hl_login_oath() < 0)
		return hl_desk_fail(e, 503, "liboath cannot start");
	randombytes_buf(secret, sizeof(secret));
	r = hl_store_op_set_totp(d->st, name, secret, sizeof(secret));
	if (r == 0 && oath_base32_encode((const char *)secret, sizeof(secret), &b32,
					 &b32len) != OATH_OK)
		r = -ENOMEM;
	if (r == 0)
		res = totp_reply(d->me->card.name, name, b32);
	sodium_memzero(secret, sizeof(secret));
	if (b32) {
		sodium_memzero(b32, b32len);
		free(b32);
	}
	return r < 0 ? hl_desk_fail_code(e, r, name) : res;
}

json_t *hl_desk_operator_map(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	struct hl_op_row o;
	const char *name, *user;
	json_t *users, *ok;

	if (!hl_desk_args_only(q, e, "name", "unix", NULL) || !named_op(d, q, &o, &name, e) ||
	    !hl_desk_arg_need(q, "unix", &user, e))
		return NULL;
	users = json_pack("[s]", user);
	ok = map_users(d, users, name, e);
	json_decref(users);
	if (!ok)
		return NULL;
	json_decref(ok);
	return op_json(d->st, &o, q->now);
}

json_t *hl_desk_operator_unmap(struct hl_desk *d, const struct hl_desk_req *q,
			       struct hl_desk_err *e)
{
	struct hl_op_row o;
	const char *name, *user;
	int r;

	if (!hl_desk_args_only(q, e, "name", "unix", NULL) || !named_op(d, q, &o, &name, e) ||
	    !hl_desk_arg_need(q, "unix", &user, e))
		return NULL;
	r = hl_store_op_unmap(d->st, user, name);
	if (r == -HL_ENOTFOUND)
		return hl_desk_fail(e, 404, "Unix user %s is not mapped to operator %s", user, name);
	return r < 0 ? hl_desk_fail_code(e, r, name) : op_json(d->st, &o, q->now);
}
