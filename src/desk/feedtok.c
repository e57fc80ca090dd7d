/* feedtok.c - the TAXII feed's tokens: issued, listed and revoked by an
 * admin (POST /v1/feed/token/add, GET /v1/feed/token/list, POST
 * /v1/feed/token/revoke), and checked for each TAXII request. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "deskpriv.h"
#include "error.h"
#include "feed.h"
#include "operators.h"

#define SECRET_BYTES 32

static const char *const tlp_names[] = {"clear", "green", "amber", "amber+strict", "red"};

int hl_feed_tlp_parse(const char *s)
{
	if (!s)
		return -1;
	if (!strncasecmp(s, "TLP:", 4))
		s += 4;
	for (int i = 0; i < 5; i++)
		if (!strcasecmp(s, tlp_names[i]))
			return i;
	return -1;
}

const char *hl_feed_tlp_name(int tlp)
{
	return tlp >= 0 && tlp < 5 ? tlp_names[tlp] : "?";
}

static void secret_hash(const char *secret, unsigned char h[HL_FEED_HASH])
{
	crypto_generichash(h, HL_FEED_HASH, (const unsigned char *)secret, strlen(secret), NULL, 0);
}

/* A tool's name: as a party's, 1..63 of [a-z0-9.-]. */
static bool tool_ok(const char *s)
{
	return hl_name_valid(s, strlen(s));
}

static json_t *token_json(const struct hl_feed_token *t)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:s, s:o}", "operator", t->op, "tool", t->tool,
			 "tlp", hl_feed_tlp_name(t->tlp), "created", (json_int_t)t->created,
			 "created_by", t->created_by, "revoked",
			 t->revoked ? json_integer(t->revoked) : json_null());
}

/* The arguments of add: {operator, tool, tlp?} into t. */
static bool add_args(struct hl_desk *d, const struct hl_desk_req *q, struct hl_feed_token *t,
		     struct hl_desk_err *e)
{
	const char *op, *tool, *tlp = NULL;
	struct hl_op_row row;
	int r;

	if (!hl_desk_args_only(q, e, "operator", "tool", "tlp", NULL) ||
	    !hl_desk_arg_need(q, "operator", &op, e) || !hl_desk_arg_need(q, "tool", &tool, e) ||
	    !hl_desk_arg_str(q, "tlp", &tlp, e))
		return false;
	if (!tool_ok(tool)) {
		hl_desk_fail(e, 400, "tool: %s is no name of [a-z0-9.-]", tool);
		return false;
	}
	t->tlp = tlp ? hl_feed_tlp_parse(tlp) : 3;
	if (t->tlp < 0) {
		hl_desk_fail(e, 400, "tlp: %s is not clear, green, amber, amber+strict or red", tlp);
		return false;
	}
	r = hl_store_op_get(d->st, op, &row);
	if (r < 0) {
		hl_desk_fail_code(e, r, op);
		return false;
	}
	snprintf(t->op, sizeof(t->op), "%s", op);
	snprintf(t->tool, sizeof(t->tool), "%s", tool);
	snprintf(t->created_by, sizeof(t->created_by), "%s", q->op->name);
	t->created = q->now;
	return true;
}

json_t *hl_desk_feed_token_add(struct hl_desk *d, const struct hl_desk_req *q,
			       struct hl_desk_err *e)
{
	struct hl_feed_token t = {0};
	unsigned char raw[SECRET_BYTES], h[HL_FEED_HASH];
	char secret[sodium_base64_ENCODED_LEN(SECRET_BYTES,
					      sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
	json_t *res = NULL;
	int r;

	if (!add_args(d, q, &t, e))
		return NULL;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(secret, sizeof(secret), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	secret_hash(secret, h);
	r = hl_store_feed_token_add(d->st, &t, h);
	if (r == -HL_EDUPLICATE)
		hl_desk_fail(e, 409, "%s has a live token for %s already: revoke it first", t.op,
			     t.tool);
	else if (r < 0)
		hl_desk_fail_code(e, r, "feed token");
	else
		res = token_json(&t);
	if (res)
		json_object_set_new(res, "secret", json_string(secret));
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(secret, sizeof(secret));
	return res;
}

static int list_one(void *ctx, const struct hl_feed_token *t)
{
	json_t *j = token_json(t);

	return j ? json_array_append_new(ctx, j) : -1;
}

json_t *hl_desk_feed_token_list(struct hl_desk *d, const struct hl_desk_req *q,
				struct hl_desk_err *e)
{
	json_t *a = json_array();
	int r;

	if (!hl_desk_args_only(q, e, NULL)) {
		json_decref(a);
		return NULL;
	}
	r = hl_store_feed_token_each(d->st, list_one, a);
	if (r < 0) {
		json_decref(a);
		return hl_desk_fail_code(e, r, "feed tokens");
	}
	return json_pack("{s:o}", "tokens", a);
}

json_t *hl_desk_feed_token_revoke(struct hl_desk *d, const struct hl_desk_req *q,
				  struct hl_desk_err *e)
{
	const char *op, *tool;
	int r;

	if (!hl_desk_args_only(q, e, "operator", "tool", NULL) ||
	    !hl_desk_arg_need(q, "operator", &op, e) || !hl_desk_arg_need(q, "tool", &tool, e))
		return NULL;
	r = hl_store_feed_token_revoke(d->st, op, tool, q->now);
	if (r == -HL_ENOTFOUND)
		return hl_desk_fail(e, 404, "%s has no live token for %s", op, tool);
	if (r < 0)
		return hl_desk_fail_code(e, r, "feed token");
	return json_pack("{s:s, s:s, s:I}", "operator", op, "tool", tool, "revoked",
			 (json_int_t)q->now);
}

/* The token of secret, checked against user; 0 or -1 with e. */
static int token_of(struct hl_store *st, const char *user, const char *secret,
		    struct hl_feed_token *t, struct hl_desk_err *e)
{
	unsigned char h[HL_FEED_HASH];
	int r;

	secret_hash(secret, h);
	r = hl_store_feed_token_find(st, h, t);
	if (r == -HL_ENOTFOUND || (r == 0 && user && strcmp(user, t->op) != 0)) {
		hl_desk_fail(e, 401, "no such feed token (a wrong secret, or another operator's)");
		return -1;
	}
	if (r < 0) {
		hl_desk_fail(e, 503, "the store cannot be read");
		return -1;
	}
	if (t->revoked) {
		hl_desk_fail(e, 403, "the token of %s for %s was revoked", t->op, t->tool);
		return -1;
	}
	return 0;
}

/* Whether the token's operator may read, as the store holds it now. */
static int reader_of(struct hl_store *st, const struct hl_feed_token *t,
		     struct hl_feed_reader *rd, struct hl_desk_err *e)
{
	struct hl_op_row row;
	const char *needs;

	if (hl_store_op_get(st, t->op, &row) < 0) {
		hl_desk_fail(e, 403, "operator %s is gone", t->op);
		return -1;
	}
	snprintf(rd->op.name, sizeof(rd->op.name), "%s", row.name);
	rd->op.roles = row.roles;
	rd->op.max_precedence = row.max_precedence;
	rd->op.disabled = row.disabled;
	snprintf(rd->tool, sizeof(rd->tool), "%s", t->tool);
	rd->clearance = t->tlp;
	if (row.disabled) {
		hl_desk_fail(e, 403, "operator %s is disabled", t->op);
		return -1;
	}
	if (!hl_desk_allows(&rd->op, HL_RIGHT_READ, &needs)) {
		hl_desk_fail(e, 403, "operator %s may not read: it needs the %s role", t->op,
			     needs);
		return -1;
	}
	return 0;
}

int hl_desk_feed_auth(struct hl_desk_shared *s, const char *user, const char *secret,
		      struct hl_feed_reader *rd, struct hl_desk_err *e)
{
	struct hl_feed_token t;
	size_t slot = 0;
	struct hl_store *st = hl_desk_take(s, &slot);
	int r = -1;

	memset(rd, 0, sizeof(*rd));
	memset(e, 0, sizeof(*e));
	if (!st) {
		hl_desk_fail(e, 503, "the store cannot be opened");
		return -1;
	}
	if (token_of(st, user, secret, &t, e) == 0)
		r = reader_of(st, &t, rd, e);
	else if (e->status == 403) {
		snprintf(rd->op.name, sizeof(rd->op.name), "%s", t.op);
		snprintf(rd->tool, sizeof(rd->tool), "%s", t.tool);
	}
	hl_desk_give(s, slot);
	return r;
}
