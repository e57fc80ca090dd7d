/* audit.c - the audit trail: every desk call, as an entry of a Merkle
 * log the party signs (trail.c writes it; auditlog.h has its bytes),
 * and the routes that list it, verify it and prove one entry of it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "auditlog.h"
#include "desk.h"
#include "deskpriv.h"
#include "error.h"
#include "keyring.h"
#include "trail.h"

#define LIST_LIMIT 100
#define LIST_LIMIT_MAX 1000

/* The role op acts in for the route at path (the lowest role it holds
 * for an event that is no route). */
static const char *role_for(const struct hl_operator *op, const char *path)
{
	enum hl_right right = HL_RIGHT_NONE;

	for (const struct hl_desk_route *r = hl_desk_routes; r->method; r++)
		if (strcmp(r->path, path) == 0) {
			right = r->right;
			break;
		}
	return hl_desk_acting_role(op, right);
}

int hl_desk_audit(struct hl_desk *d, const struct hl_desk_req *q, const char *what,
		  const json_t *detail, unsigned status)
{
	struct hl_audit_entry e = {.status = status};

	if (!d->shared || !d->shared->trail)
		return 0;
	e.time = q->now ? q->now : (int64_t)time(NULL);
	snprintf(e.op, sizeof(e.op), "%s", q->op && q->op->name[0] ? q->op->name : "-");
	snprintf(e.role, sizeof(e.role), "%s", q->op ? role_for(q->op, what) : "none");
	snprintf(e.door, sizeof(e.door), "%s", q->door && q->door[0] ? q->door : "-");
	snprintf(e.action, sizeof(e.action), "%s", what);
	return hl_trail_append(d->shared->trail, &e, detail);
}

int hl_desk_audit_event(struct hl_desk_shared *s, const struct hl_desk_req *q,
			const char *what, const json_t *detail, unsigned status)
{
	struct hl_desk d = {.me = s->me, .shared = s};

	return hl_desk_audit(&d, q, what, detail, status);
}

int hl_desk_audit_ready(struct hl_desk_shared *s)
{
	return s->trail ? hl_trail_health(s->trail) : 0;
}

/* An entry as JSON: its fields, or {"seq", "damaged"} when its stored
 * bytes are not an entry. */
static json_t *entry_json(uint64_t seq, const unsigned char *p, size_t n)
{
	struct hl_audit_entry e;
	json_t *detail;
	int r = hl_audit_entry_parse(p, n, &e);

	if (r < 0)
		return json_pack("{s:I, s:s}", "seq", (json_int_t)seq, "damaged", hl_strerror(r));
	detail = json_loadb(e.detail, e.detail_len, 0, NULL);
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:i, s:o}", "seq", (json_int_t)seq,
			 "time", (json_int_t)e.time, "operator", e.op, "role", e.role,
			 "door", e.door, "action", e.action, "status", (int)e.status,
			 "detail", detail ? detail : json_object());
}

static int list_one(void *ctx, uint64_t seq, const unsigned char *p, size_t n)
{
	json_t *j = entry_json(seq, p, n);

	return j ? json_array_append_new(ctx, j) : -ENOMEM;
}

json_t *hl_desk_audit_list(struct hl_desk *d, const struct hl_desk_req *q,
			   struct hl_desk_err *e)
{
	uint64_t after = 0, limit = LIST_LIMIT;
	json_t *entries, *last;
	size_t n;
	int r;

	if (!hl_desk_args_only(q, e, "after", "limit", NULL) ||
	    !hl_desk_arg_u64(q, "after", &after, NULL, e) ||
	    !hl_desk_arg_u64(q, "limit", &limit, NULL, e))
		return NULL;
	if (limit < 1 || limit > LIST_LIMIT_MAX)
		return hl_desk_fail(e, 400, "limit: not between 1 and %d", LIST_LIMIT_MAX);
	/* What was queued before this call is listed. */
	if (d->shared && d->shared->trail)
		hl_trail_flush(d->shared->trail);
	entries = json_array();
	r = entries ? hl_store_audit_each(d->st, after, limit + 1, list_one, entries) : -ENOMEM;
	if (r < 0) {
		json_decref(entries);
		return hl_desk_fail_code(e, r, "the audit trail");
	}
	n = json_array_size(entries);
	if (n > limit)
		json_array_remove(entries, n - 1);
	last = json_array_get(entries, json_array_size(entries) - 1);
	return json_pack("{s:o, s:o}", "entries", entries, "next",
			 n > limit ? json_incref(json_object_get(last, "seq")) : json_null());
}

/* What verify found, as it walks the checkpoints, then the entries. */
struct verify {
	const struct hl_party *me;
	struct hl_store *st;
	struct vcp {
		uint64_t size;
		hl_hash root;
	} *cps;
	size_t ncps, next;
	struct hl_merkle_frontier f;
	uint64_t good;			/* the last checkpoint that matched */
	uint64_t bad_seq, bad_cp;	/* 0: none */
	char why[300];
};

static int verify_cp(void *ctx, uint64_t size, const unsigned char *p, size_t n)
{
	struct verify *v = ctx;
	struct hl_checkpoint cp;
	struct vcp *more;
	const struct hl_keyring *ring = v->me->ring;
	int r = hl_audit_checkpoint_open(p, n, v->me->card.name, v->me->card.sign_pk, &cp);

	/* Checkpoints signed before a change of our signing key. */
	for (size_t i = 0; r == -HL_ENOSIG && ring && i < atomic_load(&ring->nsign); i++)
		r = hl_audit_checkpoint_open(p, n, v->me->card.name, ring->sign[i].pk, &cp);

	if (r == 0 && cp.size != size)
		r = -HL_EFIELD;
	if (r < 0) {
		v->bad_cp = size;
		snprintf(v->why, sizeof(v->why), "checkpoint of size %llu: %s",
			 (unsigned long long)size, hl_strerror(r));
		return 1;
	}
	more = realloc(v->cps, (v->ncps + 1) * sizeof(*v->cps));
	if (!more)
		return -ENOMEM;
	v->cps = more;
	v->cps[v->ncps].size = size;
	memcpy(v->cps[v->ncps++].root, cp.root, HL_HASH_LEN);
	return 0;
}

static int bad_entry(struct verify *v, uint64_t seq, const char *why)
{
	v->bad_seq = seq;
	snprintf(v->why, sizeof(v->why), "entry %llu: %s", (unsigned long long)seq, why);
	return 1;
}

/* Compares the tree so far with each checkpoint of its size. */
static int verify_roots(struct verify *v)
{
	hl_hash root;

	for (; v->next < v->ncps && v->cps[v->next].size == v->f.size; v->next++) {
		hl_merkle_frontier_root(&v->f, root);
		if (memcmp(root, v->cps[v->next].root, HL_HASH_LEN) != 0) {
			v->bad_cp = v->f.size;
			return bad_entry(v, v->good + 1,
					 "an entry from this one on was changed: the "
					 "entries do not match the signed checkpoint");
		}
		v->good = v->f.size;
	}
	return 0;
}

static int verify_entry(void *ctx, uint64_t seq, const unsigned char *p, size_t n)
{
	struct verify *v = ctx;
	struct hl_merkle_node nodes[HL_MERKLE_LEVELS];
	struct hl_audit_entry e;
	hl_hash leaf, kept;
	size_t count;
	int r;

	if (seq != v->f.size + 1)
		return bad_entry(v, v->f.size + 1, "missing");
	r = hl_audit_entry_parse(p, n, &e);
	if (r < 0)
		return bad_entry(v, seq, hl_strerror(r));
	if (e.seq != seq)
		return bad_entry(v, seq, "its bytes name another number");
	hl_merkle_leaf(p, n, leaf);
	r = hl_store_audit_node_get(v->st, 0, seq - 1, kept);
	if (r == -HL_ENOTFOUND || (r == 0 && memcmp(leaf, kept, HL_HASH_LEN) != 0))
		return bad_entry(v, seq, "changed since hotlined wrote it");
	if (r < 0)
		return r;
	hl_merkle_frontier_add(&v->f, leaf, nodes, &count);
	return verify_roots(v);
}

static json_t *verify_result(const struct verify *v)
{
	bool ok = !v->bad_seq && !v->bad_cp;

	return json_pack("{s:b, s:I, s:I, s:I, s:o, s:o, s:o}", "ok", ok,
			 "entries", (json_int_t)v->f.size, "checkpoints", (json_int_t)v->ncps,
			 "checked", (json_int_t)v->good,
			 "bad_seq", v->bad_seq ? json_integer((json_int_t)v->bad_seq) : json_null(),
			 "bad_checkpoint",
			 v->bad_cp ? json_integer((json_int_t)v->bad_cp) : json_null(),
			 "error", ok ? json_null() : json_string(v->why));
}

json_t *hl_desk_audit_verify(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	struct verify v = {.me = d->me, .st = d->st};
	json_t *res = NULL;
	int r;

	if (!hl_desk_args_only(q, e, NULL))
		return NULL;
	/* Sign what was appended so far, so that all of it is checked; a
	 * trail that cannot be written is still read. */
	if (d->shared && d->shared->trail)
		hl_trail_checkpoint(d->shared->trail);
	hl_merkle_frontier_init(&v.f);
	r = hl_store_audit_checkpoint_each(d->st, verify_cp, &v);
	if (r == 0)
		r = hl_store_audit_each(d->st, 0, 0, verify_entry, &v);
	if (r == 0 && v.next < v.ncps) {
		v.bad_cp = v.cps[v.next].size;
		snprintf(v.why, sizeof(v.why), "entry %llu: missing, though the checkpoint "
			 "of size %llu holds it", (unsigned long long)v.f.size + 1,
			 (unsigned long long)v.cps[v.next].size);
		v.bad_seq = v.f.size + 1;
	}
	if (r < 0)
		hl_desk_fail_code(e, r, "the audit trail");
	else
		res = verify_result(&v);
	free(v.cps);
	return res;
}

/* The proof of entry seq in the tree of the latest checkpoint. */
static int make_proof(struct hl_store *st, uint64_t seq, struct hl_buf *out,
		      uint64_t *size)
{
	struct hl_merkle_src src = hl_store_audit_src(st);
	hl_hash path[HL_MERKLE_PROOF_MAX];
	struct hl_buf cp, entry;
	size_t npath = 0;
	int r;

	hl_buf_init(&cp, HL_CHECKPOINT_MAX);
	hl_buf_init(&entry, HL_AUDIT_ENTRY_MAX);
	r = hl_store_audit_checkpoint_last(st, size, &cp);
	if (r == 0 && (seq < 1 || seq > *size))
		r = -HL_ENOTFOUND;
	if (r == 0)
		r = hl_store_audit_get(st, seq, &entry);
	if (r == 0)
		r = hl_merkle_inclusion(&src, seq - 1, *size, path, &npath);
	if (r == 0)
		r = hl_audit_proof_encode(out, entry.data, entry.len, seq - 1,
					  (const hl_hash *)path, npath, cp.data, cp.len);
	hl_buf_free(&cp);
	hl_buf_free(&entry);
	return r;
}

json_t *hl_desk_audit_proof(struct hl_desk *d, const struct hl_desk_req *q,
			    struct hl_desk_err *e)
{
	uint64_t seq = 0, size = 0;
	bool present;
	struct hl_buf out;
	json_t *res;
	int r;

	if (!hl_desk_args_only(q, e, "seq", NULL) ||
	    !hl_desk_arg_u64(q, "seq", &seq, &present, e))
		return NULL;
	if (!present)
		return hl_desk_fail(e, 400, "%s: missing", "seq");
	if (d->shared && d->shared->trail) {
		r = hl_trail_checkpoint(d->shared->trail);
		if (r < 0)
			return hl_desk_fail_code(e, r, "the audit trail");
	}
	hl_buf_init(&out, HL_AUDIT_PROOF_MAX);
	r = make_proof(d->st, seq, &out, &size);
	if (r == -HL_ENOTFOUND)
		res = hl_desk_fail(e, 404, "no audit entry %llu", (unsigned long long)seq);
	else if (r < 0)
		res = hl_desk_fail_code(e, r, "the audit trail");
	else
		res = json_pack("{s:I, s:I, s:s%}", "seq", (json_int_t)seq, "size",
				(json_int_t)size, "proof", (const char *)out.data, out.len);
	hl_buf_free(&out);
	return res;
}
