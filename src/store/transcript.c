/* transcript.c - appends, pushes, the witness rule, receipts, proofs. */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "batch.h"
#include "checkpoint.h"
#include "content.h"
#include "error.h"
#include "hash.h"
#include "keyring.h"
#include "keys.h"
#include "proof.h"
#include "transcript.h"
#include "trace.h"

#define EM_DASH "\xe2\x80\x94"

/* Appends one envelope to a log and its completed Merkle nodes. */
static int append(struct hl_store *st, int64_t link, int side, uint64_t seq,
		  const struct hl_envelope *env, const void *p, size_t n, int64_t now)
{
	struct hl_store_log log = {st, link, side};
	struct hl_merkle_src src = hl_store_merkle(&log);
	struct hl_merkle_node nodes[HL_MERKLE_LEVELS];
	size_t count = 0;
	hl_hash leaf;
	int r;

	hl_merkle_leaf(p, n, leaf);
	r = hl_merkle_append(&src, seq - 1, leaf, nodes, &count);
	for (size_t i = 0; r == 0 && i < count; i++)
		r = hl_store_node_put(st, link, side, &nodes[i]);
	if (r == 0)
		r = hl_store_envelope_put(st, link, side, seq, p, n, leaf, now);
	if (r == 0)
		r = hl_store_message_put(st, link, side, seq, env->time,
					 hl_precedence_name(env->precedence), env->kind);
	return r;
}

/* The card to seal to on l: the peer's new card once it was confirmed
 * by voice (protocol.md 9.15), before its `rekey` makes it link.card:
 * the old box key may be in other hands. */
static int sealing_card(struct hl_store *st, const struct hl_link *l, struct hl_card *to)
{
	struct hl_buf text;
	int64_t confirmed = 0;
	int r;

	*to = l->card;
	hl_buf_init(&text, HL_CARD_MAX);
	r = hl_store_rekey_card(st, l, &text, &confirmed);
	if (r == 0 && confirmed && hl_card_parse(text.data, text.len, to) < 0)
		*to = l->card;	/* checked when given: never */
	hl_buf_free(&text);
	return r == -HL_ENOTFOUND ? 0 : r;
}

/* Seals one job with the next sequence number of its link and appends it. */
static int send_one(struct hl_store *st, const struct hl_party *me,
		    struct hl_send_job *job, struct hl_buf *out)
{
	struct hl_envelope env;
	struct hl_card to;
	uint64_t size;
	int r;

	if (!job->link->confirmed)
		return -HL_EUNCONFIRMED;
	/* Archive (protocol.md 8.15): the archive message is the last. */
	if (job->link->archived)
		return -HL_EARCHIVED;
	if (job->link->archiving && strcmp(job->msg.kind, "archive") != 0)
		return -HL_EARCHIVING;
	r = job->msg.case_no ? hl_store_case_number_take(st, job->msg.case_no) : 0;
	if (r == -HL_EDUPLICATE)
		return -EAGAIN;	/* this job's own failure, not the store's */
	if (r == 0)
		r = hl_store_log_size(st, job->link->id, HL_OURS, &size);
	if (r == 0)
		r = sealing_card(st, job->link, &to);
	/* Never before an envelope sealed earlier (store.h), nor before a
	 * key change of ours. */
	if (job->msg.now < hl_store_sealed_floor(st))
		job->msg.now = hl_store_sealed_floor(st);
	if (r == 0) {
		const struct hl_seal_params p = {
			.from = &me->card, .sign_sk = me->sign_sk, .to = &to,
			.seq = size + 1, .time = job->msg.now,
			.precedence = job->msg.precedence, .kind = job->msg.kind,
			.link = job->link->link_id,
		};

		out->len = 0;
		/* A body sealed before to another box key (a key change of the
		 * peer came in between, or its new card was confirmed) is
		 * sealed again here. */
		if (job->msg.sealed && (!job->msg.plain ||
					sodium_memcmp(job->msg.sealed->to_box, to.box_pk, 32) == 0))
			r = hl_envelope_seal_header(&p, job->msg.sealed, out);
		else
			r = hl_envelope_seal(&p, job->msg.plain, job->msg.plain_len, out);
	}
	if (r == 0)
		r = hl_envelope_parse(out->data, out->len, &env);
	if (r == 0)
		r = append(st, job->link->id, HL_OURS, size + 1, &env, out->data, out->len,
			   job->msg.now);
	if (r == 0)
		job->seq = size + 1;
	if (r == 0)
		hl_store_sealed_set(st, job->msg.now);
	return r;
}

/* Errors of the store abort the whole transaction; a job's own errors
 * (an unconfirmed link, a message too large) fail that job alone. */
static bool store_error(int r)
{
	return r == -HL_ESTORE || r == -HL_EDUPLICATE || r == -ENOMEM;
}

/* Our signing key for a checkpoint of size: the era's that holds it,
 * which after a key change of ours may be a retired key (9.6). */
static int checkpoint_key(struct hl_store *st, const struct hl_party *me,
			  const struct hl_link *l, uint64_t size, const unsigned char **sk)
{
	struct hl_eras *e = NULL;
	int r;

	*sk = me->sign_sk;
	if (!me->ring || atomic_load(&me->ring->nsign) == 0)
		return 0;	/* never changed: one key */
	r = hl_store_eras_load(st, l, HL_OURS, &me->card, &me->card_text, &e);
	if (r == 0)
		*sk = hl_party_sign_sk(me, e->kc.era[hl_keychain_for_size(&e->kc, size)].card.sign_pk);
	if (r == 0 && !*sk)
		r = -HL_ENOKEY;
	hl_eras_free(e);
	return r;
}

/* Our checkpoint at size: as stored, or signed now, and stored too
 * when store is set. */
static int our_checkpoint(struct hl_store *st, const struct hl_party *me,
			  const struct hl_link *l, uint64_t size, bool store, struct hl_buf *note)
{
	struct hl_store_log log = {st, l->id, HL_OURS};
	struct hl_merkle_src src = hl_store_merkle(&log);
	char origin[HL_ORIGIN_MAX + 1];
	const unsigned char *sk;
	hl_hash root;
	int r = hl_store_checkpoint_get(st, l->id, HL_OURS, size, note, NULL, NULL);

	if (r != -HL_ENOTFOUND)
		return r;
	r = hl_merkle_root(&src, size, root);
	hl_log_origin(l->link_id, me->card.name, origin);
	if (r == 0)
		r = checkpoint_key(st, me, l, size, &sk);
	if (r == 0)
		r = hl_checkpoint_sign(origin, size, root, sk, note);
	if (r == 0 && store)
		r = hl_store_checkpoint_put(st, l->id, HL_OURS, size, note->data, note->len);
	return r;
}

/* Appends the jobs, then runs then, in one transaction; a job's own
 * failure fails the transaction too when all is set. */
static int send_txn(struct hl_store *st, const struct hl_party *me, struct hl_send_job *jobs,
		    size_t n, int (*then)(void *ctx, struct hl_store *st), void *ctx, bool all)
{
	struct hl_buf out;
	int r;

	hl_buf_init(&out, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	r = hl_store_begin(st);
	for (size_t i = 0; r == 0 && i < n; i++) {
		jobs[i].seq = 0;
		jobs[i].result = send_one(st, me, &jobs[i], &out);
		if (store_error(jobs[i].result) || (all && jobs[i].result < 0))
			r = jobs[i].result;
	}
	if (r == 0 && then)
		r = then(ctx, st);
	if (r == 0)
		r = hl_store_commit(st);
	else
		hl_store_rollback(st);
	for (size_t i = 0; r < 0 && i < n; i++) {
		jobs[i].result = r;
		jobs[i].seq = 0;
	}
	hl_buf_free(&out);
	return r;
}

/* A key change's transaction: first (may be NULL) before the jobs are
 * sealed, then after; lead seconds after every envelope and cosignature
 * made before. */
static int send_keys(struct hl_store *st, const struct hl_party *me, struct hl_send_job *jobs,
		     size_t n, const struct hl_key_send *k, int64_t lead)
{
	struct hl_buf out;
	int64_t t;
	int r;

	hl_buf_init(&out, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	r = hl_store_begin(st);
	/* No earlier than every envelope and cosignature made before: those
	 * were made in transactions that ended before this one began. */
	t = (int64_t)time(NULL);
	if (t < hl_store_sealed_floor(st))
		t = hl_store_sealed_floor(st);
	t += lead;
	if (r == 0 && k->first)
		r = k->first(k->ctx, st, t);
	for (size_t i = 0; r == 0 && i < n; i++) {
		jobs[i].seq = 0;
		jobs[i].msg.now = t;
		jobs[i].result = send_one(st, me, &jobs[i], &out);
		r = jobs[i].result;
	}
	if (r == 0)
		r = k->then(k->ctx, st, t);
	if (r == 0) {
		r = hl_store_commit_or(st, k->undo, k->ctx);
	} else {
		if (k->first)
			k->undo(k->ctx);	/* still inside the transaction's gate */
		hl_store_rollback(st);
	}
	for (size_t i = 0; r < 0 && i < n; i++)
		jobs[i].seq = 0;
	hl_buf_free(&out);
	return r;
}

int hl_transcript_send_keys(struct hl_store *st, const struct hl_party *me,
			    struct hl_send_job *jobs, size_t n,
			    int (*then)(void *ctx, struct hl_store *st, int64_t t),
			    void (*undo)(void *ctx), void *ctx)
{
	const struct hl_key_send k = {.then = then, .undo = undo, .ctx = ctx};

	return send_keys(st, me, jobs, n, &k, 0);
}

int hl_transcript_send_rekey(struct hl_store *st, const struct hl_party *me,
			     struct hl_send_job *jobs, size_t n, const struct hl_key_send *k)
{
	/* A second after everything the old key signed: it is revoked from
	 * the rekey's own time (protocol.md 9.15). */
	return send_keys(st, me, jobs, n, k, 1);
}

int hl_transcript_send_then(struct hl_store *st, const struct hl_party *me,
			    struct hl_send_job *jobs, size_t n,
			    int (*then)(void *ctx, struct hl_store *st), void *ctx)
{
	return send_txn(st, me, jobs, n, then, ctx, then != NULL);
}

int hl_transcript_send_each_then(struct hl_store *st, const struct hl_party *me,
				 struct hl_send_job *jobs, size_t n,
				 int (*then)(void *ctx, struct hl_store *st), void *ctx)
{
	return send_txn(st, me, jobs, n, then, ctx, false);
}

int hl_transcript_send_many(struct hl_store *st, const struct hl_party *me,
			    struct hl_send_job *jobs, size_t n)
{
	return send_txn(st, me, jobs, n, NULL, NULL, false);
}

int hl_transcript_send(struct hl_store *st, const struct hl_party *me,
		       const struct hl_link *l, const struct hl_send *msg,
		       uint64_t *seq)
{
	struct hl_send_job job = {.link = l, .msg = *msg};
	int r = hl_transcript_send_many(st, me, &job, 1);

	if (r == 0)
		r = job.result;
	if (r == 0)
		*seq = job.seq;
	return r;
}

/* A `card` or `rekey` envelope: a key change, after which a push ends. */
static bool is_key_change(const struct hl_buf *bytes)
{
	struct hl_envelope env;

	return hl_envelope_parse(bytes->data, bytes->len, &env) == 0 &&
	       (strcmp(env.kind, "card") == 0 || strcmp(env.kind, "rekey") == 0);
}

static int push_body(struct hl_store *st, const struct hl_party *me,
		     const struct hl_link *l, uint64_t from, bool store, struct hl_buf *out,
		     uint64_t *count)
{
	struct hl_store_log log = {st, l->id, HL_OURS};
	struct hl_merkle_src src = hl_store_merkle(&log);
	hl_hash proof[HL_MERKLE_PROOF_MAX];
	struct hl_buf note, env;
	uint64_t size, acked, target, proven = 0;
	size_t np = 0;
	int r;

	*count = 0;
	hl_buf_init(&note, HL_CHECKPOINT_MAX);
	hl_buf_init(&env, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	r = hl_store_log_size(st, l->id, HL_OURS, &size);
	if (r == 0)
		r = hl_store_cosigned_size(st, l->id, HL_OURS, &acked);
	if (r < 0)
		goto out;
	/* A witness that lost what it cosigned asks to start earlier.  The
	 * push then ends at the first size it had cosigned, carrying its
	 * own cosignature, which proves the loss to it (loss_proven()). */
	if (from < acked && hl_store_cosigned_covering(st, l->id, HL_OURS, from + 1,
						       &proven) == 0)
		size = proven;
	if (from < acked)
		acked = from;
	if (size == acked)
		goto out;
	target = acked;
	r = hl_batch_begin(out);
	/* Envelopes first, up to a count and a byte budget (one at least),
	 * then the checkpoint at the size they reach. */
	while (r == 0 && target < size && target - acked < HL_BATCH_ENVELOPES_MAX &&
	       (target == acked || out->len < HL_PUSH_SOFT_MAX)) {
		env.len = 0;
		r = hl_store_envelope_get(st, l->id, HL_OURS, target + 1, &env, NULL);
		if (r == 0 && target > acked && out->len + env.len > HL_PUSH_SOFT_MAX)
			break;
		if (r == 0)
			r = hl_batch_add(out, env.data, env.len);
		if (r == 0)
			target++;
		/* A push ends after a key change of ours (links.md 4): its
		 * checkpoint is signed by a key the witness already holds. */
		if (r == 0 && is_key_change(&env))
			break;
	}
	if (r == 0 && proven && target == proven)
		r = hl_transcript_cosigned(st, l, HL_OURS, target, &note);
	else if (r == 0)
		r = our_checkpoint(st, me, l, target, store, &note);
	if (r == 0)
		r = hl_merkle_consistency(&src, acked, target, proof, &np);
	if (r == 0)
		r = hl_batch_end(out, acked, proof, np, note.data, note.len);
	if (r == 0)
		*count = target - acked;
out:
	hl_buf_free(&note);
	hl_buf_free(&env);
	return r;
}

int hl_transcript_push(struct hl_store *st, const struct hl_party *me,
		       const struct hl_link *l, struct hl_buf *out, uint64_t *count)
{
	return hl_transcript_push_from(st, me, l, UINT64_MAX, out, count);
}

int hl_transcript_push_from(struct hl_store *st, const struct hl_party *me,
			    const struct hl_link *l, uint64_t from,
			    struct hl_buf *out, uint64_t *count)
{
	int r;

	if (!l->confirmed)
		return -HL_EUNCONFIRMED;
	/* What this writes is our checkpoint at the size pushed, which a
	 * crash before the next fsync loses at no cost: signed again after
	 * it, it is the same bytes (the same root, the same key, and
	 * Ed25519 signs deterministically), so no second checkpoint of a
	 * size can exist, and the receipt's commit, fsynced, makes it
	 * durable. */
	r = hl_store_begin_lazy(st);
	if (r < 0)
		return r;
	r = push_body(st, me, l, from, true, out, count);
	if (r == 0)
		r = hl_store_commit(st);
	else
		hl_store_rollback(st);
	return r;
}

int hl_transcript_push_read(struct hl_store *st, const struct hl_party *me,
			    const struct hl_link *l, uint64_t from,
			    struct hl_buf *out, uint64_t *count)
{
	int r;

	if (!l->confirmed)
		return -HL_EUNCONFIRMED;
	/* Our checkpoint is signed here when it is not stored, and stored
	 * with its receipt (hl_transcript_receipt_pushed): the push takes
	 * no write lock and writes nothing that every other connection of
	 * the file would then read again. */
	r = hl_store_snapshot(st);
	if (r < 0)
		return r;
	r = push_body(st, me, l, from, false, out, count);
	hl_store_snapshot_end(st);
	return r;
}

/* ---- the witness rule ---- */

struct witness {
	struct hl_store *st;
	const struct hl_party *me;
	const struct hl_link *l;
	struct hl_batch *b;
	struct hl_checkpoint cp;
	struct hl_witness_result *res;
	int64_t now;
	/* The sender's eras, and the sign key of the one that holds the
	 * checkpoint's size. */
	struct hl_eras *eras;
	unsigned char cp_pk[32];
	/* The last envelope seen in order, for the clock rule. */
	uint64_t prev_seq;
	int64_t prev_time;
	/* Evidence to keep after the transaction that found it rolls back. */
	const char *ev_kind;
	uint64_t ev_at;
	struct hl_buf ev_kept;
	const void *ev_other;
	size_t ev_other_len;
	/* The peer's new card after a loss (9.15), given by `link rekey`,
	 * and when it was confirmed by voice (0: not, or none). */
	struct hl_buf pending;
	int64_t pending_confirmed;
	struct hl_card pending_card;
};

static void evidence(struct witness *w, const char *kind, uint64_t at,
		     const void *other, size_t on)
{
	w->ev_kind = kind;
	w->ev_at = at;
	w->ev_other = other;
	w->ev_other_len = on;
}

/* The time of envelope seq of the sender's log, as it signed it. */
static int held_time(struct witness *w, uint64_t seq, int64_t *time)
{
	struct hl_envelope env;
	struct hl_buf held;
	int r;

	hl_buf_init(&held, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	r = hl_store_envelope_get(w->st, w->l->id, HL_THEIRS, seq, &held, NULL);
	if (r == 0)
		r = hl_envelope_parse(held.data, held.len, &env);
	if (r == 0)
		*time = env.time;
	hl_buf_free(&held);
	return r;
}

/* Clocks are bounded (9.5 step 10.4): a new envelope may not be dated
 * more than the skew ahead of our clock, nor before its predecessor. */
static int clock_rule(struct witness *w, const struct hl_envelope *env)
{
	struct hl_witness_result *res = w->res;
	int64_t prev = 0;
	int r = 0;

	if (env->time > w->now + w->me->conf.clock_skew) {
		res->clock = HL_CLOCK_AHEAD;
		res->clock_limit = w->now;
	} else if (env->seq > 1) {
		if (w->prev_seq == env->seq - 1)
			prev = w->prev_time;
		else
			r = held_time(w, env->seq - 1, &prev);
		if (r < 0)
			return r;
		if (env->time < prev) {
			res->clock = HL_CLOCK_BEFORE;
			res->clock_limit = prev;
		}
	}
	w->prev_seq = env->seq;
	w->prev_time = env->time;
	if (res->clock == HL_CLOCK_OK)
		return 0;
	res->clock_seq = env->seq;
	res->clock_time = env->time;
	return -HL_ETIME;
}

void hl_transcript_clock_why(const struct hl_witness_result *res, int64_t skew,
			     char *out, size_t n)
{
	char at[HL_TIME_LEN + 1], limit[HL_TIME_LEN + 1], d[16];

	hl_time_format(res->clock_time, at);
	hl_time_format(res->clock_limit, limit);
	hl_duration_format(skew, d, sizeof(d));
	if (res->clock == HL_CLOCK_AHEAD)
		snprintf(out, n, "envelope %llu is dated %s, more than %s ahead of our "
			 "clock (%s)", (unsigned long long)res->clock_seq, at, d, limit);
	else if (res->clock == HL_CLOCK_BEFORE)
		snprintf(out, n, "envelope %llu is dated %s, before envelope %llu (%s)",
			 (unsigned long long)res->clock_seq, at,
			 (unsigned long long)res->clock_seq - 1, limit);
	else
		snprintf(out, n, "%s", hl_strerror(-HL_ETIME));
}

/* Opens a `card` or `rekey` envelope (type) with our box key (rule 1
 * of a key change). */
static int open_card(struct witness *w, const struct hl_envelope *env, const char *type,
		     struct hl_buf *plain, struct hl_content *c)
{
	const struct hl_party *me = w->me;
	unsigned char *key = sodium_malloc(HL_KEY_LEN);
	int r = key ? 0 : -ENOMEM;

	if (r == 0)
		r = hl_party_unwrap(me, env, key);
	if (r == 0)
		r = hl_envelope_decrypt(env, key, plain);
	sodium_free(key);
	if (r == 0)
		r = hl_content_parse(plain->data, plain->len, c);
	if (r == 0 && (strcmp(c->type, type) != 0 || !c->card)) {
		hl_content_free(c);
		r = -HL_ECONTENT;
	}
	return r;
}

/* The rules 2 to 8 of a key change (keychain.h) against every key the
 * new card must not carry.  A new TLS pin is accepted: the old one stays
 * accepted beside it until the new key is seen (10.1), unless revoked. */
static int check_change(struct witness *w, const struct hl_key_change *c,
			struct hl_card *card)
{
	struct hl_key_change k = *c;
	struct hl_taboo *taboo = NULL;
	int r = hl_store_taboo(w->st, w->l, &w->me->card, &taboo, &k.ntaboo);

	k.taboo = taboo;
	if (r == 0)
		r = hl_keychain_check_change(&w->eras->kc, &k, card, w->res->why,
					     sizeof(w->res->why));
	free(taboo);
	return r;
}

/* Checks and applies a peer's key change c carried by the envelope of
 * era `old`'s card; *card gets the new card.  -HL_EKEY or -HL_EREVOKED
 * with the sentence in w->res->why refuses the push. */
typedef int key_apply_fn(struct witness *w, struct hl_key_change *c, struct hl_card *card,
			 const struct hl_card *old);

/* A `card` envelope (9.5, between 10.4 and 10.5): a rotation endorsed
 * by the key in force. */
static int rotate_apply(struct witness *w, struct hl_key_change *c, struct hl_card *card,
			const struct hl_card *old)
{
	int r = check_change(w, c, card);

	if (r == 0)
		r = hl_store_era_rotate(w->st, w->l, HL_THEIRS, w->eras, c, card);
	if (r == 0)
		r = hl_store_link_card_set(w->st, w->l, c->card, c->card_len, old, card);
	if (r == 0)
		r = hl_store_link_old_pin_set(w->st, w->l, old, card, c->revoke);
	return r;
}

/* A `rekey` envelope (9.15, beside 10.4a): a new card after a loss,
 * accepted only when it is the card confirmed here by voice, byte for
 * byte, and revokes the sign key; its era from seq r, the revocations,
 * link.card, and the pending card cleared. */
static int rekey_apply(struct witness *w, struct hl_key_change *c, struct hl_card *card,
		       const struct hl_card *old)
{
	int64_t window;
	int r = hl_keychain_check_rekey(&w->eras->kc, c,
					w->pending_confirmed ? w->pending.data : NULL,
					w->pending.len, card, w->res->why, sizeof(w->res->why));

	if (r < 0)
		return r;
	window = hl_store_suspect_window(w->st, w->me, w->l, c->time);
	r = hl_store_era_rekey(w->st, w->l, HL_THEIRS, w->eras, c, card, window,
			       w->pending_confirmed);
	if (r == 0)
		r = hl_store_link_card_set(w->st, w->l, c->card, c->card_len, old, card);
	if (r == 0)
		r = hl_store_link_old_pin_set(w->st, w->l, old, card, c->revoke);
	if (r == 0)
		r = hl_store_rekey_card_set(w->st, w->l, NULL, 0);
	if (r == 0)
		w->pending_confirmed = 0;	/* the eras hold it now */
	return r;
}

/* A key change of the peer, a `card` or a `rekey` envelope (kind):
 * applied in this transaction when it keeps every rule; else the whole
 * push is refused, the envelope kept as evidence. */
static int key_change(struct witness *w, const struct hl_envelope *env,
		      const struct hl_batch_env *e, const char *kind, key_apply_fn *apply)
{
	struct hl_key_change c = {.seq = env->seq, .time = env->time,
				  .skew = w->me->conf.clock_skew};
	struct hl_card card, old;
	struct hl_content content;
	struct hl_buf plain;
	size_t era;
	int r = hl_keychain_for_seq(&w->eras->kc, env->seq, &era);

	if (r < 0)
		return r;
	old = w->eras->kc.era[era].card;
	hl_buf_init(&plain, HL_PLAIN_MAX);
	r = open_card(w, env, kind, &plain, &content);
	if (r == -ENOMEM) {
		hl_buf_free(&plain);
		return r;
	}
	if (r < 0) {
		snprintf(w->res->why, sizeof(w->res->why), "%s at seq %llu: cannot open "
			 "the body: %s", kind, (unsigned long long)env->seq, hl_strerror(r));
		r = -HL_EKEY;
	} else {
		c.card = (const unsigned char *)content.card;
		c.card_len = content.card_len;
		c.revoke = content.revoke;
		r = apply(w, &c, &card, &old);
		hl_content_free(&content);
	}
	hl_buf_free(&plain);
	if (r == -HL_EKEY || r == -HL_EREVOKED) {
		const struct hl_era *cur = &w->eras->kc.era[era];

		w->ev_kept.len = 0;
		if (hl_buf_append(&w->ev_kept, cur->raw, cur->raw_len) == 0)
			evidence(w, "card", env->seq, e->p, e->n);
	}
	return r;
}

/* Stores one envelope of the push, or checks it against the stored one;
 * with store false (a checkpoint we cosigned before), only checks. */
static int take_envelope(struct witness *w, const struct hl_batch_env *e,
			 uint64_t *stored, bool store)
{
	const struct hl_keychain *kc = &w->eras->kc;
	const struct hl_card *signer = NULL;
	struct hl_envelope env;
	bool rekey = false;
	size_t era = 0;
	int r = hl_envelope_parse(e->p, e->n, &env);

	/* Each envelope with the key of the era that holds its seq; a new
	 * `rekey` with the new card confirmed by voice (9.15). */
	if (r == 0)
		r = hl_keychain_for_seq(kc, env.seq, &era);
	if (r == 0) {
		rekey = strcmp(env.kind, "rekey") == 0 && env.seq > *stored;
		signer = rekey && w->pending_confirmed ? &w->pending_card : &kc->era[era].card;
	}
	if (r == 0)
		r = hl_envelope_verify(&env, signer);
	if (r == 0)
		r = hl_envelope_check_link(&env, w->l->link_id, signer, &w->me->card);
	if (r < 0)
		return r;
	if (env.seq > *stored + 1)
		return -HL_EGAP;
	if (env.seq <= *stored) {
		w->ev_kept.len = 0;
		r = hl_store_envelope_get(w->st, w->l->id, HL_THEIRS, env.seq, &w->ev_kept, NULL);
		if (r < 0)
			return r;
		if (w->ev_kept.len == e->n && memcmp(w->ev_kept.data, e->p, e->n) == 0) {
			w->prev_seq = env.seq;
			w->prev_time = env.time;
			return 0;
		}
		evidence(w, "envelope", env.seq, e->p, e->n);
		return -HL_EEQUIVOCATION;
	}
	if (!store)
		return -HL_ECONSISTENCY;	/* beyond the checkpoint we cosigned */
	/* A rekey signed by its new key: the old one's revocation is what
	 * it announces. */
	if (signer != &w->pending_card)
		r = hl_keychain_check_sign(kc, era, env.time, env.seq, w->res->why,
					   sizeof(w->res->why));
	if (r < 0) {
		w->ev_kept.len = 0;
		evidence(w, "revoked", env.seq, e->p, e->n);
		return r;
	}
	r = clock_rule(w, &env);
	if (r == 0 && strcmp(env.kind, "card") == 0)
		r = key_change(w, &env, e, "card", rotate_apply);
	else if (r == 0 && rekey)
		r = key_change(w, &env, e, "rekey", rekey_apply);
	if (r == 0)
		r = append(w->st, w->l->id, HL_THEIRS, env.seq, &env, e->p, e->n, w->now);
	if (r == 0)
		(*stored)++;
	return r;
}

/* A checkpoint no larger than what we cosigned: the same answer for
 * one we cosigned, evidence for a different one of that size, and
 * otherwise a gap that tells the sender where we stand. */
static int repeat(struct witness *w, struct hl_buf *line, struct hl_witness_result *res)
{
	struct hl_checkpoint old;
	struct hl_buf note;
	int r;

	hl_buf_init(&note, HL_CHECKPOINT_MAX);
	r = hl_store_checkpoint_get(w->st, w->l->id, HL_THEIRS, w->cp.size, &note, line, NULL);
	if (r == -HL_ENOTFOUND || (r == 0 && line->len == 0))
		r = -HL_EGAP;
	if (r == 0)
		r = hl_checkpoint_parse(note.data, note.len, &old);
	if (r == 0 && (old.note.text_len != w->cp.note.text_len ||
		       memcmp(old.note.text, w->cp.note.text, old.note.text_len) != 0)) {
		w->ev_kept.len = 0;
		r = hl_buf_append(&w->ev_kept, note.data, note.len);
		evidence(w, "checkpoint", w->cp.size, w->b->checkpoint, w->b->checkpoint_len);
		if (r == 0)
			r = -HL_EEQUIVOCATION;
	}
	hl_buf_free(&note);
	if (r == 0) {
		res->repeat = true;
		res->size = w->cp.size;
	}
	return r;
}

/* Checks the new tree against the checkpoint and the old one. */
static int check_tree(struct witness *w, uint64_t cosigned)
{
	struct hl_store_log log = {w->st, w->l->id, HL_THEIRS};
	struct hl_merkle_src src = hl_store_merkle(&log);
	hl_hash root, old_root;
	int r = hl_merkle_root(&src, w->cp.size, root);

	if (r < 0)
		return r;
	if (sodium_memcmp(root, w->cp.root, HL_HASH_LEN) != 0) {
		w->ev_kept.len = 0;
		evidence(w, "checkpoint", w->cp.size, w->b->checkpoint, w->b->checkpoint_len);
		return -HL_ECONSISTENCY;
	}
	r = hl_merkle_root(&src, cosigned, old_root);
	if (r == 0 && !hl_merkle_verify_consistency(cosigned, w->cp.size, old_root,
						    w->cp.root, w->b->proof, w->b->nproof))
		r = -HL_ECONSISTENCY;
	return r;
}

/* The checkpoint as we keep it: its text and its owner's signature, and
 * nothing else a pusher added, so every proof built on it verifies. */
static int canonical(const struct hl_checkpoint *cp, const unsigned char pk[32],
		     struct hl_buf *out)
{
	uint32_t id = hl_note_keyid(cp->origin, HL_SIGTYPE_ED25519, pk, 32);
	const struct hl_note_sig *sig = hl_note_find(&cp->note, cp->origin, id);
	int r;

	if (!sig)
		return -HL_ENOSIG;
	r = hl_buf_append(out, cp->note.text, cp->note.text_len);
	if (r == 0)
		r = hl_buf_printf(out, "\n" EM_DASH " %s ", cp->origin);
	if (r == 0)
		r = hl_buf_append(out, sig->b64, sig->b64_len);
	if (r == 0)
		r = hl_buf_puts(out, "\n");
	return r;
}

static int cosign(struct witness *w, struct hl_buf *line)
{
	int64_t t = w->now;
	struct hl_buf note;
	int r;

	hl_buf_init(&note, HL_CHECKPOINT_MAX);
	r = canonical(&w->cp, w->cp_pk, &note);
	if (r == 0)
		r = hl_store_checkpoint_put(w->st, w->l->id, HL_THEIRS, w->cp.size,
					    note.data, note.len);
	hl_buf_free(&note);
	/* Our keys in force since `since` (a key change dated a second
	 * ahead): a cosignature is never dated before its key's era. */
	if (t < w->me->since)
		t = w->me->since;
	if (r == 0)
		r = hl_cosig_sign(&w->cp, w->me->card.name, w->me->sign_sk, (uint64_t)t, line);
	if (r == 0)
		r = hl_store_cosig_set(w->st, w->l->id, HL_THEIRS, w->cp.size,
				       (const char *)line->data, line->len, t);
	return r;
}

/* Whether the push's checkpoint bears our own valid cosignature for a
 * size beyond what we hold cosigned: then we receipted more than the
 * store still has (a truncated write-ahead log, a backup restored). */
static bool loss_proven(const struct witness *w, uint64_t cosigned)
{
	const struct hl_card *me = &w->me->card;
	uint32_t id = hl_note_keyid(me->name, HL_SIGTYPE_COSIG, me->sign_pk, 32);

	return w->cp.size > cosigned && hl_note_find(&w->cp.note, me->name, id) &&
	       hl_cosig_verify(&w->cp, me->name, me->sign_pk, NULL) == 0;
}

static int witness_body(struct witness *w, struct hl_buf *line,
			struct hl_witness_result *res)
{
	uint64_t cosigned, stored;
	int r = hl_store_cosigned_size(w->st, w->l->id, HL_THEIRS, &cosigned);

	if (r == 0)
		r = hl_store_log_size(w->st, w->l->id, HL_THEIRS, &stored);
	if (r < 0)
		return r;
	res->old = cosigned;
	/* Recorded with the refill it comes with: the alarm stays even
	 * when the refill is what the store now shows. */
	if (loss_proven(w, cosigned)) {
		res->lost_to = w->cp.size;
		r = hl_store_escalation_put(w->st, w->l->id, HL_THEIRS, w->cp.size,
					    HL_EVENT_STORE_LOSS, 0, w->now, "recorded");
		if (r < 0)
			return r;
	}
	/* Even with a checkpoint we cosigned, every envelope is checked: a
	 * second envelope for a taken seq is evidence however it comes. */
	if (w->cp.size <= cosigned) {
		for (size_t i = 0; r == 0 && i < w->b->nenv; i++)
			r = take_envelope(w, &w->b->env[i], &stored, false);
		return r < 0 ? r : repeat(w, line, res);
	}
	/* A push may start before what we cosigned (its receipt was lost):
	 * the envelopes we hold must then be identical, and consistency is
	 * checked from its old size.  It may not start after it. */
	if (w->b->old > cosigned)
		return -HL_EGAP;
	for (size_t i = 0; r == 0 && i < w->b->nenv; i++)
		r = take_envelope(w, &w->b->env[i], &stored, true);
	if (r == 0 && stored < w->cp.size)
		r = -HL_EGAP;
	if (r == 0 && stored > w->cp.size)
		r = -HL_ECONSISTENCY;
	if (r == 0)
		r = check_tree(w, w->b->old);
	if (r == 0)
		r = cosign(w, line);
	if (r == 0) {
		res->size = w->cp.size;
		res->added = w->cp.size - cosigned;
	}
	return r;
}

/* Evidence is kept up to the link's cap (evidence.max), so that a peer
 * equivocating without end cannot fill the disk; past it the incident is
 * still recorded, by the other object's hash. */
static int keep_evidence(struct witness *w, struct hl_witness_result *res)
{
	struct hl_evidence_stats ev;
	uint64_t need = w->ev_kept.len + w->ev_other_len;
	bool over;
	int r = hl_store_begin(w->st);

	if (r == 0)
		r = hl_store_evidence_stats(w->st, w->l->id, &ev);
	over = r == 0 && ev.bytes + need > (uint64_t)w->me->conf.evidence_max;
	if (r == 0 && !over) {
		r = hl_store_evidence_put(w->st, w->l->id, HL_THEIRS, w->ev_kind, w->ev_at,
					  w->ev_kept.data ? (void *)w->ev_kept.data : "",
					  w->ev_kept.len, w->ev_other, w->ev_other_len, w->now);
	} else if (r == 0) {
		hl_hash h;

		hl_sha256(w->ev_other, w->ev_other_len, h);
		r = hl_store_evidence_incident(w->st, w->l->id, HL_THEIRS, w->ev_kind,
					       w->ev_at, h, w->now);
		/* Raised once per incident, not at each resend of it. */
		res->unkept = r > 0;
		if (r > 0)
			r = 0;
	}
	if (r == 0)
		return hl_store_commit(w->st);
	hl_store_rollback(w->st);
	return r;
}

/* Whether the push carries a `rekey` envelope of its sender. */
static bool carries_rekey(const struct witness *w)
{
	struct hl_envelope env;

	for (size_t i = 0; i < w->b->nenv; i++)
		if (hl_envelope_parse(w->b->env[i].p, w->b->env[i].n, &env) == 0 &&
		    strcmp(env.kind, "rekey") == 0)
			return true;
	return false;
}

/* A checkpoint after a rekey of the sender (9.15): signed by its new
 * key, which only the card confirmed here by voice vouches for.  Until
 * that confirmation the push waits (403, a transient: no evidence). */
static int rekey_checkpoint(struct witness *w)
{
	if (!w->pending_confirmed) {
		snprintf(w->res->why, sizeof(w->res->why), "waiting for the voice "
			 "confirmation of %s's new card", w->l->card.name);
		return -HL_EUNCONFIRMED;
	}
	memcpy(w->cp_pk, w->pending_card.sign_pk, 32);
	return hl_checkpoint_verify(&w->cp, w->cp_pk);
}

/* The peer's new card after a loss, if one was given ('link rekey'):
 * w->pending_confirmed stays 0 unless it was confirmed by voice. */
static int load_pending(struct witness *w)
{
	int r = hl_store_rekey_card(w->st, w->l, &w->pending, &w->pending_confirmed);

	if (r == -HL_ENOTFOUND)
		return 0;
	if (r == 0 && w->pending_confirmed &&
	    hl_card_parse(w->pending.data, w->pending.len, &w->pending_card) < 0)
		w->pending_confirmed = 0;	/* checked when given: never */
	return r;
}

static int check_push(struct witness *w)
{
	char origin[HL_ORIGIN_MAX + 1];
	size_t era;
	int r = hl_checkpoint_parse(w->b->checkpoint, w->b->checkpoint_len, &w->cp);

	if (r < 0)
		return r;
	hl_log_origin(w->l->link_id, w->l->card.name, origin);
	if (strcmp(origin, w->cp.origin) != 0)
		return -HL_ELINK;
	/* The checkpoint with the era that holds its size, as stored: the
	 * witness never looks ahead (a push ends after a `card`). */
	era = hl_keychain_for_size(&w->eras->kc, w->cp.size);
	memcpy(w->cp_pk, w->eras->kc.era[era].card.sign_pk, 32);
	r = hl_checkpoint_verify(&w->cp, w->cp_pk);
	if ((r == -HL_ENOSIG || r == -HL_EBADSIG) && carries_rekey(w))
		r = rekey_checkpoint(w);
	if (r == 0 && w->cp.size == 0)
		r = -HL_ENUMBER;
	if (r == 0 && w->b->old > w->cp.size)
		r = -HL_ENUMBER;	/* malformed, as tlog-witness says (400) */
	return r;
}

int hl_transcript_witness(struct hl_store *st, const struct hl_party *me,
			  const struct hl_link *l, const void *batch, size_t n,
			  int64_t now, struct hl_buf *line,
			  struct hl_witness_result *res)
{
	struct witness w = {.st = st, .me = me, .l = l, .now = now, .res = res};
	int r;

	memset(res, 0, sizeof(*res));
	if (!l->confirmed)
		return -HL_EUNCONFIRMED;
	w.b = malloc(sizeof(*w.b));
	if (!w.b)
		return -ENOMEM;
	hl_buf_init(&w.ev_kept, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	hl_buf_init(&w.pending, HL_CARD_MAX);
	r = hl_batch_parse(batch, n, w.b);
	/* One write transaction: the check of the old size and the new
	 * cosignature are atomic, and the cosignature is only handed out
	 * after commit has made everything it receipts durable.  The eras
	 * are read in it, so a key change stored by another door counts. */
	if (r == 0)
		r = hl_store_begin(st);
	if (r == 0) {
		r = hl_store_eras_load(st, l, HL_THEIRS, &l->card, &l->card_text, &w.eras);
		if (r == 0)
			r = load_pending(&w);
		if (r == 0)
			r = check_push(&w);
		if (r == 0)
			r = witness_body(&w, line, res);
		hl_trace("witness.verified", res->size);
		if (r == 0)
			r = hl_store_commit(st);
		else
			hl_store_rollback(st);
		if (r < 0)
			line->len = 0;
		hl_trace("witness.committed", res->size);
	}
	if (w.ev_kind && (r == -HL_EEQUIVOCATION || r == -HL_ECONSISTENCY ||
			  r == -HL_EKEY || r == -HL_EREVOKED))
		keep_evidence(&w, res);
	hl_eras_free(w.eras);
	hl_buf_free(&w.ev_kept);
	hl_buf_free(&w.pending);
	free(w.b);
	return r;
}

/* ---- receipts ---- */

/* Rebuilds the cosignature line of (name, pk) found in cp. */
static int cosig_line(const struct hl_checkpoint *cp, const char *name,
		      const unsigned char pk[32], struct hl_buf *line)
{
	uint32_t id = hl_note_keyid(name, HL_SIGTYPE_COSIG, pk, 32);
	const struct hl_note_sig *sig = hl_note_find(&cp->note, name, id);
	int r;

	if (!sig)
		return -HL_ENOSIG;
	r = hl_buf_printf(line, EM_DASH " %s ", name);
	if (r == 0)
		r = hl_buf_append(line, sig->b64, sig->b64_len);
	if (r == 0)
		r = hl_buf_puts(line, "\n");
	return r;
}

/* The era of kc whose sign key made name's cosignature on cp and
 * holds its timestamp (*time): the latest era first. */
static int cosig_era(const struct hl_keychain *kc, const struct hl_checkpoint *cp,
		     const char *name, uint64_t *time, size_t *era)
{
	int latest = -HL_ENOSIG;

	for (size_t i = kc->n; i-- > 0;) {
		int q = hl_cosig_verify(cp, name, kc->era[i].card.sign_pk, time);
		int64_t t = *time > INT64_MAX ? INT64_MAX : (int64_t)*time;

		if (q == 0 && hl_keychain_for_time(kc, t) == i) {
			*era = i;
			return 0;
		}
		if (q == 0)
			q = -HL_EBADSIG;	/* by a key not in force at its time */
		if (i == kc->n - 1)
			latest = q;
	}
	return latest;
}

/* Our signature on cp is the one we stored with our checkpoint: every
 * line of cp under our name and key ID holds the same bytes, and there
 * is one.  Ed25519 signs deterministically, so this is what verifying
 * it against our key again would say, without the curve's work. */
static int ours_intact(const struct hl_checkpoint *mine, const struct hl_checkpoint *cp)
{
	size_t nlen = strlen(cp->origin), found = 0;

	for (size_t i = 0; i < mine->note.nsigs; i++) {
		const struct hl_note_sig *a = &mine->note.sigs[i];

		if (a->name_len != nlen || memcmp(a->name, cp->origin, nlen) != 0)
			continue;
		for (size_t j = 0; j < cp->note.nsigs; j++) {
			const struct hl_note_sig *b = &cp->note.sigs[j];

			if (b->keyid != a->keyid || b->name_len != nlen ||
			    memcmp(b->name, cp->origin, nlen) != 0)
				continue;
			if (b->b64_len != a->b64_len || memcmp(b->b64, a->b64, a->b64_len) != 0)
				return -HL_EBADSIG;
			found++;
		}
	}
	return found ? 0 : -HL_ENOSIG;
}

/* Our checkpoint as we stored it, the peer's cosignature with its era
 * for the timestamp; *pk gets that key. */
static int receipt_check(struct hl_store *st, const struct hl_party *me,
			 const struct hl_link *l, const struct hl_checkpoint *cp,
			 uint64_t *time, unsigned char pk[32])
{
	char origin[HL_ORIGIN_MAX + 1];
	struct hl_eras *theirs = NULL;
	struct hl_checkpoint mine;
	struct hl_buf note;
	size_t era = 0;
	int r;

	hl_log_origin(l->link_id, me->card.name, origin);
	if (strcmp(origin, cp->origin) != 0)
		return -HL_ELINK;
	hl_buf_init(&note, HL_CHECKPOINT_MAX);
	r = hl_store_checkpoint_get(st, l->id, HL_OURS, cp->size, &note, NULL, NULL);
	if (r == 0)
		r = hl_checkpoint_parse(note.data, note.len, &mine);
	if (r == 0 && (mine.note.text_len != cp->note.text_len ||
		       memcmp(mine.note.text, cp->note.text, cp->note.text_len) != 0))
		r = -HL_ECONSISTENCY;
	/* The same text is not enough: our own signature line must be
	 * intact too, or a damaged copy would pass as our checkpoint. */
	if (r == 0)
		r = ours_intact(&mine, cp);
	if (r == 0)
		r = hl_store_eras_load(st, l, HL_THEIRS, &l->card, &l->card_text, &theirs);
	if (r == 0)
		r = cosig_era(&theirs->kc, cp, l->card.name, time, &era);
	if (r == 0)
		memcpy(pk, theirs->kc.era[era].card.sign_pk, 32);
	hl_eras_free(theirs);
	hl_buf_free(&note);
	return r;
}

/* The receipt cp, checked and its cosignature line stored, inside the
 * caller's transaction. */
static int receipt_in(struct hl_store *st, const struct hl_party *me, const struct hl_link *l,
		      const struct hl_checkpoint *cp)
{
	struct hl_buf line;
	unsigned char pk[32];
	uint64_t time = 0;
	int r;

	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	r = receipt_check(st, me, l, cp, &time, pk);
	if (r == 0)
		r = cosig_line(cp, l->card.name, pk, &line);
	if (r == 0)
		r = hl_store_cosig_set(st, l->id, HL_OURS, cp->size,
				       (const char *)line.data, line.len, (int64_t)time);
	hl_buf_free(&line);
	return r;
}

static int receipt_end(struct hl_store *st, int r, const struct hl_checkpoint *cp,
		       uint64_t *size)
{
	if (r == 0)
		r = hl_store_commit(st);
	else
		hl_store_rollback(st);
	if (r == 0)
		*size = cp->size;
	return r;
}

int hl_transcript_receipt(struct hl_store *st, const struct hl_party *me,
			  const struct hl_link *l, const void *cosigned, size_t n,
			  uint64_t *size)
{
	struct hl_checkpoint cp;
	int r;

	if (!l->confirmed)
		return -HL_EUNCONFIRMED;
	r = hl_checkpoint_parse(cosigned, n, &cp);
	if (r == 0)
		r = hl_store_begin(st);
	if (r < 0)
		return r;
	return receipt_end(st, receipt_in(st, me, l, &cp), &cp, size);
}

int hl_transcript_receipt_pushed(struct hl_store *st, const struct hl_party *me,
				 const struct hl_link *l, const void *note, size_t n,
				 const void *answer, size_t len, uint64_t *size)
{
	struct hl_checkpoint pushed, cp;
	struct hl_buf cosigned;
	int r;

	if (!l->confirmed)
		return -HL_EUNCONFIRMED;
	r = hl_checkpoint_parse(note, n, &pushed);
	if (r == 0)
		r = hl_store_begin(st);
	if (r < 0)
		return r;
	hl_buf_init(&cosigned, HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX);
	/* Our checkpoint as stored: a push that proves a loss carries the
	 * peer's older cosignature on it too.  A push that signed it and
	 * did not store it (hl_transcript_push_read) carries it alone. */
	r = hl_store_checkpoint_get(st, l->id, HL_OURS, pushed.size, &cosigned, NULL, NULL);
	if (r == -HL_ENOTFOUND) {
		r = hl_store_checkpoint_put(st, l->id, HL_OURS, pushed.size, note, n);
		if (r == 0)
			r = hl_buf_append(&cosigned, note, n);
	}
	if (r == 0)
		r = hl_buf_append(&cosigned, answer, len);
	if (r == 0)
		r = hl_checkpoint_parse(cosigned.data, cosigned.len, &cp);
	if (r == 0)
		r = receipt_in(st, me, l, &cp);
	r = receipt_end(st, r, &cp, size);
	hl_buf_free(&cosigned);
	return r;
}

int hl_transcript_cosigned(struct hl_store *st, const struct hl_link *l, int side,
			   uint64_t size, struct hl_buf *out)
{
	struct hl_buf line;
	int r;

	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	r = hl_store_checkpoint_get(st, l->id, side, size, out, &line, NULL);
	if (r == 0 && line.len == 0)
		r = -HL_ENOTFOUND;
	if (r == 0)
		r = hl_buf_append(out, line.data, line.len);
	hl_buf_free(&line);
	return r;
}

/* ---- proofs ---- */

static int disclose_key(const struct hl_party *me, const struct hl_buf *env_bytes,
			unsigned char *key)
{
	struct hl_envelope env;
	int r = hl_envelope_parse(env_bytes->data, env_bytes->len, &env);

	return r < 0 ? r : hl_party_unwrap(me, &env, key);
}

int hl_transcript_proof(struct hl_store *st, const struct hl_party *me,
			const struct hl_link *l, int side, uint64_t seq,
			bool disclose, struct hl_buf *out)
{
	struct hl_store_log log = {st, l->id, side};
	struct hl_merkle_src src = hl_store_merkle(&log);
	hl_hash path[HL_MERKLE_PROOF_MAX];
	unsigned char *key = sodium_malloc(HL_KEY_LEN);
	struct hl_buf env, cp;
	uint64_t size = 0;
	size_t np = 0;
	int r = key ? 0 : -ENOMEM;

	hl_buf_init(&env, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	hl_buf_init(&cp, HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX);
	if (r == 0)
		r = hl_store_envelope_get(st, l->id, side, seq, &env, NULL);
	if (r == 0)
		r = hl_store_cosigned_covering(st, l->id, side, seq, &size);
	if (r == 0)
		r = hl_transcript_cosigned(st, l, side, size, &cp);
	if (r == 0)
		r = hl_merkle_inclusion(&src, seq - 1, size, path, &np);
	if (r == 0 && disclose)
		r = disclose_key(me, &env, key);
	if (r == 0)
		r = hl_proof_encode(out, env.data, env.len, disclose ? key : NULL,
				    seq - 1, path, np, cp.data, cp.len);
	sodium_free(key);
	hl_buf_free(&env);
	hl_buf_free(&cp);
	return r;
}

/* ---- checking a whole link ---- */

struct stored_cp {
	uint64_t size;
	struct hl_buf note;	/* with the cosignature line appended, if any */
	bool cosigned;
};

struct walk {
	struct hl_store *st;
	const struct hl_link *l;
	int side;
	const struct hl_keychain *sender, *other;	/* their eras */
	struct hl_merkle_frontier f;
	struct stored_cp *cps;
	size_t ncps, next;
	struct hl_log_report *rep;
};

static int bad(struct walk *w, uint64_t at, const char *what, int err)
{
	w->rep->bad_side = w->side;
	w->rep->bad_at = at;
	w->rep->bad_what = what;
	return err;
}

static int collect_cp(void *ctx, uint64_t size, const void *note, size_t n,
		      const char *cosig, size_t cn, int64_t time)
{
	struct walk *w = ctx;
	struct stored_cp *cps = realloc(w->cps, (w->ncps + 1) * sizeof(*cps));
	struct stored_cp *c;
	int r;

	(void)time;
	if (!cps)
		return -ENOMEM;
	w->cps = cps;
	c = &cps[w->ncps++];
	c->size = size;
	c->cosigned = cosig != NULL;
	hl_buf_init(&c->note, HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX);
	r = hl_buf_append(&c->note, note, n);
	if (r == 0 && cosig)
		r = hl_buf_append(&c->note, cosig, cn);
	return r;
}

static int check_cp(struct walk *w, const struct stored_cp *c)
{
	char origin[HL_ORIGIN_MAX + 1];
	struct hl_checkpoint cp;
	hl_hash root;
	int r = hl_checkpoint_parse(c->note.data, c->note.len, &cp);

	if (r < 0 || cp.size != c->size)
		return bad(w, c->size, "checkpoint unreadable", r < 0 ? r : -HL_ESYNTAX);
	hl_log_origin(w->l->link_id, w->sender->era[0].card.name, origin);
	if (strcmp(origin, cp.origin) != 0)
		return bad(w, c->size, "checkpoint of another log", -HL_ELINK);
	r = hl_checkpoint_verify(&cp, w->sender->era[hl_keychain_for_size(w->sender,
								   c->size)].card.sign_pk);
	if (r < 0)
		return bad(w, c->size, "checkpoint signature", r);
	hl_merkle_frontier_root(&w->f, root);
	if (sodium_memcmp(root, cp.root, HL_HASH_LEN) != 0)
		return bad(w, c->size, "checkpoint root differs from the envelopes",
			   -HL_ECONSISTENCY);
	if (c->cosigned) {
		uint64_t t;
		size_t era;

		r = cosig_era(w->other, &cp, w->other->era[0].card.name, &t, &era);
		if (r < 0)
			return bad(w, c->size, "cosignature", r);
		w->rep->cosigned[w->side] = c->size;
	}
	w->rep->checkpoints[w->side]++;
	return 0;
}

/* Checks the nodes the new leaf completed against the stored ones. */
static int check_nodes(struct walk *w, uint64_t seq, const hl_hash leaf)
{
	struct hl_merkle_node nodes[HL_MERKLE_LEVELS];
	size_t count = 0;

	hl_merkle_frontier_add(&w->f, leaf, nodes, &count);
	for (size_t i = 0; i < count; i++) {
		hl_hash h;
		int r = hl_store_node_get(w->st, w->l->id, w->side, nodes[i].level,
					  nodes[i].index, h);

		if (r < 0)
			return bad(w, seq, "Merkle node missing", r);
		if (sodium_memcmp(h, nodes[i].hash, HL_HASH_LEN) != 0)
			return bad(w, seq, "Merkle node differs", -HL_ECONSISTENCY);
	}
	return 0;
}

static int walk_envelope(void *ctx, uint64_t seq, const void *p, size_t n,
			 const hl_hash stored_leaf)
{
	struct walk *w = ctx;
	struct hl_envelope env;
	size_t era = 0;
	hl_hash leaf;
	int r;

	if (seq != w->f.size + 1)
		return bad(w, seq, "sequence has a gap", -HL_EGAP);
	hl_merkle_leaf(p, n, leaf);
	if (sodium_memcmp(leaf, stored_leaf, HL_HASH_LEN) != 0)
		return bad(w, seq, "leaf hash differs from the envelope", -HL_ECONSISTENCY);
	r = hl_envelope_parse(p, n, &env);
	if (r == 0)
		r = hl_keychain_for_seq(w->sender, seq, &era);
	if (r == 0)
		r = hl_envelope_verify(&env, &w->sender->era[era].card);
	if (r == 0)
		r = hl_envelope_check_link(&env, w->l->link_id, &w->sender->era[era].card,
					   &w->other->era[0].card);
	if (r == 0 && env.seq != seq)
		r = -HL_ESYNTAX;
	if (r < 0)
		return bad(w, seq, "envelope", r);
	r = check_nodes(w, seq, leaf);
	while (r == 0 && w->next < w->ncps && w->cps[w->next].size == w->f.size)
		r = check_cp(w, &w->cps[w->next++]);
	w->rep->envelopes[w->side]++;
	return r;
}

static int verify_side(struct walk *w)
{
	int r = hl_store_checkpoint_each(w->st, w->l->id, w->side, collect_cp, w);

	if (r == 0)
		r = hl_store_envelope_each(w->st, w->l->id, w->side, walk_envelope, w);
	if (r == 0 && w->next < w->ncps)
		r = bad(w, w->cps[w->next].size, "checkpoint beyond the log", -HL_ECONSISTENCY);
	for (size_t i = 0; i < w->ncps; i++)
		hl_buf_free(&w->cps[i].note);
	free(w->cps);
	return r;
}

int hl_transcript_verify(struct hl_store *st, const struct hl_party *me,
			 const struct hl_link *l, struct hl_log_report *rep)
{
	struct hl_eras *eras[2] = {NULL, NULL};
	int r;

	memset(rep, 0, sizeof(*rep));
	r = hl_store_eras_load(st, l, HL_OURS, &me->card, &me->card_text, &eras[HL_OURS]);
	if (r == 0)
		r = hl_store_eras_load(st, l, HL_THEIRS, &l->card, &l->card_text,
				       &eras[HL_THEIRS]);
	for (int side = HL_OURS; r == 0 && side <= HL_THEIRS; side++) {
		struct walk w = {
			.st = st, .l = l, .side = side, .rep = rep,
			.sender = &eras[side]->kc, .other = &eras[!side]->kc,
		};

		hl_merkle_frontier_init(&w.f);
		r = verify_side(&w);
	}
	hl_eras_free(eras[HL_OURS]);
	hl_eras_free(eras[HL_THEIRS]);
	if (r == 0)
		r = hl_store_evidence_count(st, l->id, &rep->evidence);
	return r;
}
