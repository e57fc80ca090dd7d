/* logcheck.c - one check of a store against its logs, for the CLI and
 * the desk alike. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "index.h"
#include "logcheck.h"

static const char *const side_key[] = {"sent", "received"};

struct check {
	struct hl_store *st;
	const struct hl_party *me;
	const char *only;
	const struct hl_log_check_ops *ops;
	struct hl_log_check *out;
	int oom;
};

/* A failure's sentence: the error, and SQLite's complaint for a store one. */
static void reason(char *buf, size_t n, int err, const char *store_msg)
{
	snprintf(buf, n, "%s%s%s", hl_strerror(err), err == -HL_ESTORE ? ": " : "",
		 err == -HL_ESTORE && store_msg ? store_msg : "");
}

static void add(struct check *c, json_t *arr, json_t *j)
{
	if (!j || json_array_append_new(arr, j) < 0)
		c->oom = 1;
}

static void fail(struct check *c, const char *what, int err, const char *store_msg)
{
	char why[400];

	c->out->failed = true;
	reason(why, sizeof(why), err, store_msg);
	/* The first step that failed as a whole is named. */
	if (json_is_null(json_object_get(c->out->report, "error"))) {
		char line[600];

		snprintf(line, sizeof(line), "%s: %s", what, why);
		json_object_set_new(c->out->report, "error", json_string(line));
	}
	if (c->ops && c->ops->fail)
		c->ops->fail(c->ops->ctx, what, err, store_msg);
}

static json_t *side_json(const struct hl_log_report *rep, int side)
{
	return json_pack("{sIsIsI}", "envelopes", (json_int_t)rep->envelopes[side],
			 "receipted", (json_int_t)rep->cosigned[side],
			 "checkpoints", (json_int_t)rep->checkpoints[side]);
}

struct loss_ctx {
	struct hl_log_check_link *l;
	json_t *arr;
};

/* A store loss the witness proved and recorded (transcript.h): not a
 * failure now that the logs verify, but what an auditor must know. */
static int add_loss(void *ctx, int side, uint64_t seq, int64_t when)
{
	struct loss_ctx *x = ctx;

	(void)side;
	x->l->losses++;
	if (seq > x->l->lost_to)
		x->l->lost_to = seq;
	return json_array_append_new(x->arr, json_pack("{sIsI}", "receipted", (json_int_t)seq,
						       "seen", (json_int_t)when));
}

static json_t *link_json(struct check *c, struct hl_log_check_link *k)
{
	const struct hl_log_report *rep = &k->rep;
	char why[400];
	json_t *j = json_pack("{sssbsoso}", "link", k->link->name, "ok", k->result == 0,
			      "sent", side_json(rep, HL_OURS),
			      "received", side_json(rep, HL_THEIRS));

	if (!j)
		return NULL;
	reason(why, sizeof(why), k->result, k->store_msg);
	if (k->result == 0) {
		struct loss_ctx x = {k, json_array()};

		json_object_set_new(j, "evidence",
				    json_pack("{sIsIsI}", "incidents", (json_int_t)k->ev.count,
					      "bytes", (json_int_t)k->ev.bytes,
					      "unkept", (json_int_t)k->ev.unkept));
		if (x.arr)
			hl_store_event_each(c->st, k->link->id, HL_EVENT_STORE_LOSS, add_loss, &x);
		json_object_set_new(j, "store_loss", x.arr);
	} else if (rep->bad_what) {
		json_object_set_new(j, "error",
				    json_pack("{sssIssss}", "log", side_key[rep->bad_side],
					      "entry", (json_int_t)rep->bad_at,
					      "check", rep->bad_what, "reason", why));
	} else {
		json_object_set_new(j, "error", json_pack("{ss}", "reason", why));
	}
	return j;
}

static int check_link(void *ctx, const struct hl_link *l)
{
	struct check *c = ctx;
	struct hl_log_check_link k = {.link = l};

	k.result = hl_transcript_verify(c->st, c->me, l, &k.rep);
	if (k.result == 0)
		k.result = hl_store_evidence_stats(c->st, l->id, &k.ev);
	if (k.result == -HL_ESTORE)
		k.store_msg = hl_store_errmsg(c->st);
	c->out->failed |= k.result < 0;
	c->out->evidence |= k.ev.count > 0;
	add(c, json_object_get(c->out->report, "links"), link_json(c, &k));
	if (c->ops && c->ops->link)
		c->ops->link(c->ops->ctx, &k);
	/* Go on with the other links: each is checked on its own. */
	return 0;
}

static int on_mismatch(void *ctx, const struct hl_store_mismatch *m)
{
	struct check *c = ctx;

	if (c->only && strcmp(c->only, m->link) != 0)
		return 0;
	c->out->failed = true;
	add(c, json_object_get(c->out->report, "projections"),
	    json_pack("{sssssIsssoss}", "link", m->link, "log", side_key[m->side ? 1 : 0],
		      "entry", (json_int_t)m->seq, "index", m->table,
		      "column", m->column ? json_string(m->column) : json_null(),
		      "problem", m->what));
	if (c->ops && c->ops->mismatch)
		c->ops->mismatch(c->ops->ctx, m);
	return 0;
}

struct index_ctx {
	struct hl_store *st;
	const struct hl_party *me;
};

static int index_link(void *ctx, const struct hl_link *l)
{
	const struct index_ctx *x = ctx;
	uint64_t added = 0;

	return hl_index_update(x->st, x->me, l, &added);
}

/* Recomputes the projections on a handle of its own, in memory, and
 * compares them with the stored ones. */
static void check_projections(struct check *c, const char *db)
{
	struct hl_store *st = NULL;
	char err[256] = "";
	uint64_t n = 0;
	int r = hl_store_open(db, &st, err, sizeof(err));

	if (r == 0)
		r = hl_store_shadow(st);
	if (r == 0)
		r = hl_store_rebuild(st, &n);
	if (r == 0) {
		struct index_ctx x = {st, c->me};

		r = hl_store_link_each(st, index_link, &x);
	}
	if (r == 0)
		r = hl_store_shadow_diff(st, on_mismatch, c);
	if (r < 0)
		fail(c, "indexes", r, st ? hl_store_errmsg(st) : err);
	hl_store_close(st);
	json_object_set_new(c->out->report, "indexes_checked", json_true());
}

int hl_log_check(struct hl_store *st, const struct hl_party *me, const char *db,
		 const char *only, const struct hl_log_check_ops *ops,
		 struct hl_log_check *out)
{
	struct check c = {st, me, only, ops, out, 0};
	int r;

	memset(out, 0, sizeof(*out));
	out->report = json_pack("{sisosbsoso}", "version", 1, "links", json_array(),
				"indexes_checked", 0, "projections", json_array(),
				"error", json_null());
	if (!out->report)
		return -ENOMEM;
	/* The logs as they are now, whatever hotlined commits meanwhile. */
	r = hl_store_snapshot(st);
	if (r < 0) {
		fail(&c, "links", r, hl_store_errmsg(st));
	} else if (!only) {
		/* Reading the links themselves may fail too (a damaged store). */
		r = hl_store_link_each(st, check_link, &c);
		if (r < 0)
			fail(&c, "links", r, hl_store_errmsg(st));
	} else {
		struct hl_link l = {0};

		r = hl_store_link_get(st, only, &l);
		if (r == 0)
			check_link(&c, &l);
		else
			fail(&c, only, r, hl_store_errmsg(st));
		hl_link_free(&l);
	}
	hl_store_snapshot_end(st);
	/* Indexes built from damaged logs would say nothing more. */
	if (!out->failed)
		check_projections(&c, db);
	if (c.oom) {
		json_decref(out->report);
		out->report = NULL;
		return -ENOMEM;
	}
	return 0;
}
