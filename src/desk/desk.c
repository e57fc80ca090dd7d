/* desk.c - the desk's shared state, its rights and its dispatch. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "content.h"
#include "desk.h"
#include "deskpriv.h"
#include "error.h"
#include "text.h"
#include "trail.h"

/* Store handles kept open between calls: a call takes one of its own,
 * so readers run in parallel and a send waiting for its commit holds
 * no lock.  Past this many at once, callers wait: a send keeps its
 * handle while its group commits, so this bounds the sends in flight
 * and with them the writer's groups (16 halved make bench's rate). */
#define DESK_HANDLES 64

const struct hl_desk_route *hl_desk_route(const char *method, const char *path)
{
	for (const struct hl_desk_route *r = hl_desk_routes; r->method; r++)
		if (strcmp(r->method, method) == 0 && strcmp(r->path, path) == 0)
			return r;
	return NULL;
}

static const char *const role_names[] = {"duty", "supervisor", "auditor", "admin"};

const char *hl_role_name(enum hl_role r)
{
	for (size_t i = 0; i < 4; i++)
		if ((unsigned)r == 1u << i)
			return role_names[i];
	return "?";
}

int hl_role_parse(const char *s, enum hl_role *r)
{
	for (size_t i = 0; i < 4; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*r = (enum hl_role)(1u << i);
			return 0;
		}
	return -HL_ESYNTAX;
}

/* The roles that grant each right, the lowest first. */
static unsigned right_roles(enum hl_right right)
{
	switch (right) {
	case HL_RIGHT_NONE:
		return HL_ROLES_ALL;
	case HL_RIGHT_READ:
		return HL_ROLE_DUTY | HL_ROLE_SUPERVISOR | HL_ROLE_AUDITOR;
	case HL_RIGHT_ACK:
	case HL_RIGHT_SEND:
		return HL_ROLE_DUTY | HL_ROLE_SUPERVISOR;
	case HL_RIGHT_CLOSE:
	case HL_RIGHT_LINK:
		return HL_ROLE_SUPERVISOR;
	case HL_RIGHT_ADMIN:
		return HL_ROLE_ADMIN;
	case HL_RIGHT_AUDIT:
		return HL_ROLE_AUDITOR | HL_ROLE_ADMIN;
	case HL_RIGHT_GROUP:
		return HL_ROLE_SUPERVISOR | HL_ROLE_ADMIN;
	}
	return 0;
}

bool hl_desk_allows(const struct hl_operator *op, enum hl_right right, const char **needs)
{
	unsigned want = right_roles(right);

	*needs = NULL;
	if (op->disabled)
		return false;	/* whatever the right: hl_desk_call says why */
	if (right == HL_RIGHT_NONE || (op->roles & want))
		return true;
	*needs = hl_role_name((enum hl_role)(want & -want));
	return false;
}

const char *hl_desk_acting_role(const struct hl_operator *op, enum hl_right right)
{
	unsigned have = op->roles & right_roles(right);

	if (!have)
		have = op->roles;
	return have ? hl_role_name((enum hl_role)(have & -have)) : "none";
}

void hl_desk_sign_as(const struct hl_desk_req *q, enum hl_right right, struct hl_content *c)
{
	snprintf(c->op_name, sizeof(c->op_name), "%s", q->op->name);
	snprintf(c->op_role, sizeof(c->op_role), "%s", hl_desk_acting_role(q->op, right));
}

/* Keeps each argument of fmt as text in e->args; e->fmt stays NULL
 * when fmt has a conversion this does not know. */
static void keep_args(struct hl_desk_err *e, const char *fmt, va_list ap)
{
	e->fmt = fmt;
	e->nargs = 0;
	for (const char *p = fmt; (p = strchr(p, '%')); p++) {
		char *out = e->nargs < HL_DESK_ARGS_MAX ? e->args[e->nargs] : NULL;
		size_t cap = sizeof(e->args[0]);

		p++;
		if (*p == '%')
			continue;
		if (!out)
			goto bad;
		if (*p == 's')
			snprintf(out, cap, "%s", va_arg(ap, const char *));
		else if (*p == 'd')
			snprintf(out, cap, "%d", va_arg(ap, int));
		else if (*p == 'u')
			snprintf(out, cap, "%u", va_arg(ap, unsigned));
		else if (!strncmp(p, "lld", 3))
			snprintf(out, cap, "%lld", va_arg(ap, long long));
		else if (!strncmp(p, "llu", 3))
			snprintf(out, cap, "%llu", va_arg(ap, unsigned long long));
		else
			goto bad;
		p += *p == 'l' ? 2 : 0;
		e->nargs++;
	}
	return;
bad:
	e->fmt = NULL;
	e->nargs = 0;
}

json_t *hl_desk_fail(struct hl_desk_err *e, unsigned status, const char *fmt, ...)
{
	va_list ap, aq;

	e->status = status;
	va_start(ap, fmt);
	va_copy(aq, ap);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	keep_args(e, fmt, aq);
	va_end(aq);
	va_end(ap);
	return NULL;
}

json_t *hl_desk_fail_code(struct hl_desk_err *e, int err, const char *what)
{
	unsigned status = err == -HL_ENOLINK || err == -HL_ENOTFOUND ? 404 :
			  err == -HL_ESTORE || err == -EAGAIN || err == -ENOSPC ? 503 :
			  err == -HL_EUNCONFIRMED || err == -HL_EARCHIVING ||
			  err == -HL_EARCHIVED ? 409 : 400;

	if (what && what[0])
		return hl_desk_fail(e, status, "%s: %s", what, hl_strerror(err));
	return hl_desk_fail(e, status, "%s", hl_strerror(err));
}

bool hl_desk_args_only(const struct hl_desk_req *q, struct hl_desk_err *e, ...)
{
	const char *key, *k;
	json_t *v;
	va_list ap;

	json_object_foreach((json_t *)q->args, key, v) {
		bool known = false;

		va_start(ap, e);
		while (!known && (k = va_arg(ap, const char *)))
			known = strcmp(k, key) == 0;
		va_end(ap);
		if (!known) {
			hl_desk_fail(e, 400, "%s: no such argument", key);
			return false;
		}
	}
	return true;
}

bool hl_desk_arg_str(const struct hl_desk_req *q, const char *key, const char **out,
		     struct hl_desk_err *e)
{
	json_t *v = json_object_get(q->args, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_string(v)) {
		hl_desk_fail(e, 400, "%s: not a string", key);
		return false;
	}
	*out = json_string_value(v);
	return true;
}

bool hl_desk_arg_need(const struct hl_desk_req *q, const char *key, const char **out,
		      struct hl_desk_err *e)
{
	if (!hl_desk_arg_str(q, key, out, e))
		return false;
	if (!*out) {
		hl_desk_fail(e, 400, "%s: missing", key);
		return false;
	}
	return true;
}

bool hl_desk_arg_u64(const struct hl_desk_req *q, const char *key, uint64_t *out,
		     bool *present, struct hl_desk_err *e)
{
	json_t *v = json_object_get(q->args, key);
	const char *s;

	if (present)
		*present = v && !json_is_null(v);
	if (!v || json_is_null(v))
		return true;
	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return true;
	}
	s = json_is_string(v) ? json_string_value(v) : NULL;
	if (s && hl_parse_u64(s, strlen(s), UINT64_MAX, out) == 0)
		return true;
	hl_desk_fail(e, 400, "%s: not a whole number", key);
	return false;
}

bool hl_desk_arg_bool(const struct hl_desk_req *q, const char *key, bool *out,
		      struct hl_desk_err *e)
{
	json_t *v = json_object_get(q->args, key);
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;

	if (!v || json_is_null(v))
		return true;
	if (json_is_boolean(v))
		*out = json_is_true(v);
	else if (s && (!strcmp(s, "1") || !strcmp(s, "true")))
		*out = true;
	else if (s && (!strcmp(s, "0") || !strcmp(s, "false")))
		*out = false;
	else {
		hl_desk_fail(e, 400, "%s: not true or false", key);
		return false;
	}
	return true;
}

int hl_desk_start(const struct hl_party *me, const char *db, struct hl_writer *writer,
		  struct hl_courier *courier, struct hl_desk_shared **out,
		  char *err, size_t errlen)
{
	struct hl_desk_shared *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->me = me;
	s->writer = writer;
	s->courier = courier;
	pthread_mutex_init(&s->groups, NULL);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->freed, NULL);
	s->handles = calloc(DESK_HANDLES, sizeof(*s->handles));
	s->db = strdup(db);
	if (!s->handles || !s->db) {
		hl_desk_stop(s);
		return -ENOMEM;
	}
	/* One handle now, so a store that cannot open fails the start. */
	s->nhandles = 1;
	{
		int r = hl_store_open(db, &s->handles[0].st, err, errlen);

		if (r == 0)	/* a store with no operator gets the first */
			hl_desk_operators_first(s->handles[0].st, (int64_t)time(NULL));
		if (r == 0)
			r = hl_trail_start(me, db, &s->trail, err, errlen);
		if (r < 0) {
			hl_desk_stop(s);
			return r;
		}
	}
	*out = s;
	return 0;
}

void hl_desk_stop(struct hl_desk_shared *s)
{
	if (!s)
		return;
	hl_trail_stop(s->trail);
	for (size_t i = 0; s->handles && i < s->nhandles; i++)
		hl_store_close(s->handles[i].st);
	free(s->handles);
	free(s->db);
	sodium_memzero(s->tickets, sizeof(s->tickets));
	pthread_cond_destroy(&s->freed);
	pthread_mutex_destroy(&s->lock);
	pthread_mutex_destroy(&s->groups);
	free(s);
}

/* A store handle no other call holds; NULL when none can be opened. */
struct hl_store *hl_desk_take(struct hl_desk_shared *s, size_t *slot)
{
	struct hl_store *st = NULL;
	char err[256];

	pthread_mutex_lock(&s->lock);
	for (;;) {
		for (size_t i = 0; i < s->nhandles; i++)
			if (!s->handles[i].busy) {
				s->handles[i].busy = true;
				*slot = i;
				st = s->handles[i].st;
				goto out;
			}
		if (s->nhandles < DESK_HANDLES)
			break;
		pthread_cond_wait(&s->freed, &s->lock);
	}
	*slot = s->nhandles;
	if (hl_store_open(s->db, &st, err, sizeof(err)) == 0) {
		s->handles[*slot].st = st;
		s->handles[*slot].busy = true;
		s->nhandles++;
	}
out:
	pthread_mutex_unlock(&s->lock);
	return st;
}

void hl_desk_give(struct hl_desk_shared *s, size_t slot)
{
	pthread_mutex_lock(&s->lock);
	s->handles[slot].busy = false;
	pthread_cond_signal(&s->freed);
	pthread_mutex_unlock(&s->lock);
}

/* A message's words, for the trail: their size and SHA-256, which tie
 * the entry to the message without keeping what it says in clear (the
 * store keeps messages only sealed). */
static json_t *words_digest(const json_t *v)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof(h) + 1];
	const char *p = json_string_value(v);
	size_t n = json_string_length(v);

	crypto_hash_sha256(h, (const unsigned char *)p, n);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return json_pack("{s:s, s:I}", "sha256", hex, "size", (json_int_t)n);
}

/* The audit trail's detail for a call: its arguments, less the ones
 * that are secrets (passwords, TOTP codes, login tickets), and with a message's words
 * and indicators as their digests. */
static json_t *audit_detail(const json_t *args)
{
	static const char *const secret[] = {"password", "new_password", "current", "totp", "code",
					     "ticket"};
	static const char *const words[] = {"text", "summary"};
	/* A shallow copy: every member replaced below is replaced in the
	 * copy alone, and a message's bundle is not copied to be hashed. */
	json_t *d = json_copy((json_t *)args), *v;

	for (size_t i = 0; d && i < sizeof(secret) / sizeof(secret[0]); i++)
		if (json_object_get(d, secret[i]))
			json_object_set_new(d, secret[i], json_string("(secret)"));
	for (size_t i = 0; d && i < sizeof(words) / sizeof(words[0]); i++) {
		v = json_object_get(d, words[i]);
		if (json_is_string(v))
			json_object_set_new(d, words[i], words_digest(v));
	}
	v = d ? json_object_get(d, "stix") : NULL;
	if (v) {
		char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
		json_t *t = text ? json_string(text) : NULL;

		json_object_set_new(d, "stix", t ? words_digest(t) : json_null());
		json_decref(t);
		free(text);
	}
	return d;
}

json_t *hl_desk_call(struct hl_desk_shared *s, const struct hl_desk_route *r,
		     const struct hl_desk_req *q, struct hl_desk_err *e)
{
	struct hl_desk d = {.me = s->me, .writer = s->writer, .courier = s->courier,
			    .shared = s};
	json_t *res = NULL, *detail;
	const char *needs = NULL;
	size_t slot = 0;
	int ar;

	memset(e, 0, sizeof(*e));
	ar = r->changes ? hl_desk_audit_ready(s) : 0;
	d.st = hl_desk_take(s, &slot);
	if (!d.st)
		return hl_desk_fail(e, 503, "the store cannot be opened");
	if (!hl_desk_allows(q->op, r->right, &needs)) {
		e->needs = needs;
		hl_desk_fail(e, 403, q->op->disabled ? "operator %s is disabled" :
			     "operator %s may not do this: it needs the %s role",
			     q->op->name, needs);
	} else if (ar < 0) {
		hl_desk_fail(e, 503, "the audit trail cannot be written (%s): nothing was done",
			     hl_strerror(ar));
	} else {
		res = r->fn(&d, q, e);
		if (res && d.note[0] && json_is_object(res))
			json_object_set_new(res, "note", json_string(d.note));
		if (!res && !e->status)
			hl_desk_fail(e, 500, "the desk gave no answer");
	}
	if (r->changes || !res) {
		detail = audit_detail(q->args);
		ar = hl_desk_audit(&d, q, r->path, detail, res ? 200 : e->status);
		if (ar < 0 && json_is_object(res))
			json_object_set_new(res, "audit", json_sprintf("not recorded: %s",
								       hl_strerror(ar)));
		json_decref(detail);
	}
	hl_desk_due_free(&d);
	hl_desk_give(s, slot);
	return res;
}
