/* test_transcript.c - sends, pushes, the witness rule, receipts, proofs
 * and the check of a whole link, over real SQLite files.
 *
 * ru-cert (A) sends to us-cert (B), each with its own database in a
 * fresh folder.  B is the witness of A's log: every push that B refuses
 * must leave B's database as it was (apart from evidence), and every
 * cosignature B hands out must already be on disk.  A2 is another key
 * under A's name, C (jp-cert) a stranger.
 *
 * Buffers, parsed batches, extra databases and links belong to the
 * test's fixture and are released by teardown, so a failing assertion
 * leaks nothing and each test reads as the story it tells.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "batch.h"
#include "checkpoint.h"
#include "content.h"
#include "envelope.h"
#include "error.h"
#include "keys.h"
#include "party.h"
#include "proof.h"
#include "store.h"
#include "transcript.h"
#include "testlib.h"
#include "storelib.h"

#define EM_DASH "\xe2\x80\x94"
#define T0 (TL_CREATED + 3600)
#define ENV_MAX (HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX)
#define CS_MAX (HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX)
#define ANY UINT64_MAX

static struct hl_party *A, *B, *A2, *C;

struct fx {
	char dir[TS_PATH_MAX];
	char pa[TS_PATH_MAX], pb[TS_PATH_MAX];
	struct hl_store *sa, *sb;
	struct hl_link la;	/* A's link to B */
	struct hl_link lb;	/* B's link to A */
	int64_t now;		/* advanced by each step, so times differ */
	uint64_t flow;		/* test_flow's size */
	struct ts_pool pool;	/* released by teardown */
};

static int group_setup(void **state)
{
	(void)state;
	A = ts_party_new("ru-cert", 1);
	B = ts_party_new("us-cert", 2);
	C = ts_party_new("jp-cert", 3);
	A2 = ts_party_new("ru-cert", 4);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	hl_party_free(A);
	hl_party_free(B);
	hl_party_free(C);
	hl_party_free(A2);
	return 0;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->flow = *state ? *(const uint64_t *)*state : 0;
	ts_dir_new(f->dir);
	ts_path(f->dir, "a.db", f->pa);
	ts_path(f->dir, "b.db", f->pb);
	f->sa = ts_open(f->pa);
	f->sb = ts_open(f->pb);
	ts_link(f->sa, A, B, NULL, true, T0, &f->la);
	ts_link(f->sb, B, A, NULL, true, T0, &f->lb);
	assert_memory_equal(f->la.link_id, f->lb.link_id, HL_LINK_ID_LEN);
	f->now = T0 + 600;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	ts_pool_free(&f->pool);
	hl_link_free(&f->la);
	hl_link_free(&f->lb);
	hl_store_close(f->sa);
	hl_store_close(f->sb);
	ts_dir_remove(f->dir);
	free(f);
	return 0;
}

/* ---- the fixture's belongings ---- */

static struct hl_buf *buf(struct fx *f, size_t max)
{
	return ts_buf(&f->pool, max);
}

static struct hl_batch *parse_batch(struct fx *f, const struct hl_buf *batch)
{
	struct hl_batch *b = ts_keep(&f->pool, malloc(sizeof(struct hl_batch)));

	assert_int_equal(hl_batch_parse(batch->data, batch->len, b), 0);
	return b;
}

static void assert_res(const struct hl_witness_result *res, uint64_t old,
		       uint64_t size, uint64_t added, bool repeat)
{
	assert_int_equal(res->old, old);
	assert_int_equal(res->size, size);
	assert_int_equal(res->added, added);
	assert_int_equal(res->repeat, repeat);
}

/* ---- steps ---- */

/* The plaintext of message seq; variant 1 is what an equivocating
 * sender says instead. */
static size_t text(uint64_t seq, int variant, char *out, size_t cap)
{
	int n = snprintf(out, cap, "{\"type\":\"notify\",\"seq\":%llu,\"text\":"
			 "\"%s\",\"lang\":\"ru\"}", (unsigned long long)seq,
			 variant ? "Ложная тревога" : "Атака на энергосеть");

	assert_true(n > 0 && (size_t)n < cap);
	return (size_t)n;
}

/* me sends n messages on l; their sequence numbers follow on. */
static void send_as(struct fx *f, struct hl_store *st, const struct hl_party *me,
		    const struct hl_link *l, uint64_t n, int variant)
{
	static const char *const kinds[] = {"notify", "ack", "check", "update"};
	uint64_t size = 0, seq = 0;
	char plain[256];

	assert_int_equal(hl_store_log_size(st, l->id, HL_OURS, &size), 0);
	for (uint64_t i = size + 1; i <= size + n; i++) {
		struct hl_send msg = {
			.precedence = (enum hl_precedence)(i % 4), .kind = kinds[i % 4],
			.plain = plain, .plain_len = text(i, variant, plain, sizeof(plain)),
			.now = ++f->now,
		};

		assert_int_equal(hl_transcript_send(st, me, l, &msg, &seq), 0);
		assert_int_equal(seq, i);
	}
}

static void send_a(struct fx *f, uint64_t n)
{
	send_as(f, f->sa, A, &f->la, n, 0);
}

/* A push of want envelopes (ANY: any number). */
static struct hl_buf *push_as(struct fx *f, struct hl_store *st, const struct hl_party *me,
			      const struct hl_link *l, uint64_t want)
{
	struct hl_buf *out = buf(f, HL_BATCH_MAX);
	uint64_t count = 99;

	assert_int_equal(hl_transcript_push(st, me, l, out, &count), 0);
	if (want != ANY)
		assert_int_equal(count, want);
	return out;
}

static struct hl_buf *push_a(struct fx *f, uint64_t want)
{
	return push_as(f, f->sa, A, &f->la, want);
}

/* B witnesses the n bytes at p (a heap copy of exactly n, for ASan);
 * line, when given, gets the answer, which is empty on failure. */
static int witness_in(struct fx *f, struct hl_store *st, const struct hl_link *l,
		      const void *p, size_t n, struct hl_witness_result *res,
		      struct hl_buf *line)
{
	unsigned char *copy = tl_dup(p, n);
	struct hl_buf tmp;
	int r;

	hl_buf_init(&tmp, HL_COSIG_LINE_MAX);
	r = hl_transcript_witness(st, B, l, copy, n, ++f->now, line ? line : &tmp, res);
	if (r < 0)
		assert_int_equal((line ? line : &tmp)->len, 0);
	hl_buf_free(&tmp);
	free(copy);
	return r;
}

static int witness(struct fx *f, const struct hl_buf *batch,
		   struct hl_witness_result *res, struct hl_buf *line)
{
	return witness_in(f, f->sb, &f->lb, batch->data, batch->len, res, line);
}

/* A's stored checkpoint of size with line appended. */
static struct hl_buf *cosigned_at_a(struct fx *f, uint64_t size, const struct hl_buf *line)
{
	struct hl_buf *out = buf(f, CS_MAX);

	assert_int_equal(hl_store_checkpoint_get(f->sa, f->la.id, HL_OURS, size, out,
						 NULL, NULL), 0);
	assert_int_equal(hl_buf_append(out, line->data, line->len), 0);
	return out;
}

static int receipt(struct fx *f, const struct hl_buf *cosigned, uint64_t *size)
{
	unsigned char *copy = tl_dup(cosigned->data, cosigned->len);
	int r = hl_transcript_receipt(f->sa, A, &f->la, copy, cosigned->len, size);

	free(copy);
	return r;
}

/* A pushes, B witnesses, A stores the receipt: the size receipted. */
static uint64_t round_trip(struct fx *f, struct hl_buf *line)
{
	struct hl_witness_result res;
	struct hl_buf *batch = push_a(f, ANY);
	uint64_t size = 0;

	if (!line)
		line = buf(f, HL_COSIG_LINE_MAX);
	assert_int_equal(witness(f, batch, &res, line), 0);
	assert_false(res.repeat);
	assert_int_equal(receipt(f, cosigned_at_a(f, res.size, line), &size), 0);
	assert_int_equal(size, res.size);
	return size;
}

/* B's log size, cosigned size, checkpoint rows and evidence. */
static void assert_b(struct fx *f, uint64_t size, uint64_t cosigned,
		     int64_t checkpoints, uint64_t evidence)
{
	uint64_t v = 99;

	assert_int_equal(hl_store_log_size(f->sb, f->lb.id, HL_THEIRS, &v), 0);
	assert_int_equal(v, size);
	assert_int_equal(hl_store_cosigned_size(f->sb, f->lb.id, HL_THEIRS, &v), 0);
	assert_int_equal(v, cosigned);
	assert_int_equal(ts_sql_int(f->pb, "SELECT count(*) FROM checkpoint"), checkpoints);
	assert_int_equal(ts_sql_int(f->pb, "SELECT count(*) FROM message"), (int64_t)size);
	assert_int_equal(hl_store_evidence_count(f->sb, f->lb.id, &v), 0);
	assert_int_equal(v, evidence);
}

static void assert_a_cosigned(struct fx *f, uint64_t want)
{
	uint64_t v = 99;

	assert_int_equal(hl_store_cosigned_size(f->sa, f->la.id, HL_OURS, &v), 0);
	assert_int_equal(v, want);
}

/* A push of envelopes [from, to) of b with old, proof and checkpoint. */
static struct hl_buf *rebuild(struct fx *f, const struct hl_batch *b, size_t from,
			      size_t to, uint64_t old, const hl_hash *proof, size_t np,
			      const void *cp, size_t cpn)
{
	struct hl_buf *out = buf(f, HL_BATCH_MAX);

	assert_int_equal(hl_batch_begin(out), 0);
	for (size_t i = from; i < to; i++)
		assert_int_equal(hl_batch_add(out, b->env[i].p, b->env[i].n), 0);
	assert_int_equal(hl_batch_end(out, old, proof, np, cp, cpn), 0);
	return out;
}

/* A checkpoint with the origin of A's log on the A-B link, signed by sk. */
static struct hl_buf *sign_cp(struct fx *f, const char *sender, const unsigned char *sk,
			      uint64_t size, const hl_hash root)
{
	struct hl_buf *out = buf(f, CS_MAX);
	char origin[HL_ORIGIN_MAX + 1];

	hl_log_origin(f->la.link_id, sender, origin);
	assert_int_equal(hl_checkpoint_sign(origin, size, root, sk, out), 0);
	return out;
}

/* ---- proofs ---- */

static void check_proof(struct fx *f, bool at_b, uint64_t seq, bool disclose,
			uint64_t want_cp)
{
	struct hl_proof_result res;
	struct hl_proof p;
	struct hl_buf out, plain;
	char want[256];
	size_t wn = text(seq, 0, want, sizeof(want));
	unsigned char *copy;

	hl_buf_init(&out, HL_PROOF_MAX);
	assert_int_equal(hl_transcript_proof(at_b ? f->sb : f->sa, at_b ? B : A,
					     at_b ? &f->lb : &f->la, at_b ? HL_THEIRS : HL_OURS,
					     seq, disclose, &out), 0);
	copy = tl_dup(out.data, out.len);
	assert_int_equal(hl_proof_parse(copy, out.len, &p), 0);
	assert_int_equal(p.has_key, disclose);
	/* A stranger's card, or another key under A's name, stands in for
	 * neither party. */
	assert_true(hl_proof_verify(&p, &A->card, &C->card, &res) < 0);
	assert_true(hl_proof_verify(&p, &A2->card, &B->card, &res) < 0);
	assert_int_equal(hl_proof_verify(&p, &B->card, &A->card, &res), 0);
	assert_int_equal(hl_proof_verify(&p, &A->card, &B->card, &res), 0);
	assert_ptr_equal(res.sender, &A->card);
	assert_int_equal(res.env.seq, seq);
	assert_int_equal(res.cp.size, want_cp);
	assert_true(res.receipt_time > (uint64_t)T0);
	if (disclose) {
		hl_buf_init(&plain, HL_PLAIN_MAX);
		assert_int_equal(hl_envelope_decrypt(&res.env, p.key, &plain), 0);
		ts_assert_bytes(&plain, want, wn);
		hl_buf_free(&plain);
	}
	free(copy);
	hl_buf_free(&out);
}

/* At A (its own log) and at B (the peer's), with and without the key. */
static void check_proofs(struct fx *f, uint64_t seq, uint64_t want_cp)
{
	for (int at_b = 0; at_b < 2; at_b++)
		for (int d = 0; d < 2; d++)
			check_proof(f, at_b, seq, d, want_cp);
}

/* ---- the full flow ---- */

static void flow(struct fx *f, uint64_t n)
{
	struct hl_witness_result res;
	struct hl_buf *batch, *line = buf(f, HL_COSIG_LINE_MAX), *cs;
	struct hl_buf *a_cs = buf(f, CS_MAX), *b_cs = buf(f, CS_MAX);
	struct hl_buf *env_a = buf(f, ENV_MAX), *env_b = buf(f, ENV_MAX);
	struct hl_batch *b;
	uint64_t size = 0;

	send_a(f, n);
	batch = push_a(f, n);
	b = parse_batch(f, batch);
	assert_int_equal(b->nenv, n);
	assert_int_equal(b->old, 0);
	assert_int_equal(b->nproof, 0);

	assert_int_equal(witness(f, batch, &res, line), 0);
	assert_res(&res, 0, n, n, false);
	assert_int_equal(memcmp(line->data, EM_DASH " us-cert ", 12), 0);
	assert_int_equal(line->data[line->len - 1], '\n');
	assert_b(f, n, n, 1, 0);
	/* B holds A's exact bytes. */
	for (uint64_t seq = 1; seq <= n; seq++) {
		env_a->len = env_b->len = 0;
		assert_int_equal(hl_store_envelope_get(f->sa, f->la.id, HL_OURS, seq,
						       env_a, NULL), 0);
		assert_int_equal(hl_store_envelope_get(f->sb, f->lb.id, HL_THEIRS, seq,
						       env_b, NULL), 0);
		ts_assert_bytes(env_a, env_b->data, env_b->len);
		ts_assert_bytes(env_a, b->env[seq - 1].p, b->env[seq - 1].n);
	}
	/* No proof before the receipt. */
	assert_int_equal(hl_transcript_proof(f->sa, A, &f->la, HL_OURS, 1, false, env_a),
			 -HL_ENOTFOUND);

	cs = cosigned_at_a(f, n, line);
	assert_int_equal(receipt(f, cs, &size), 0);
	assert_int_equal(size, n);
	assert_a_cosigned(f, n);
	/* Both sides hold the same cosigned checkpoint, byte for byte. */
	assert_int_equal(hl_transcript_cosigned(f->sa, &f->la, HL_OURS, n, a_cs), 0);
	assert_int_equal(hl_transcript_cosigned(f->sb, &f->lb, HL_THEIRS, n, b_cs), 0);
	ts_assert_bytes(a_cs, cs->data, cs->len);
	ts_assert_bytes(b_cs, cs->data, cs->len);
	/* The same receipt again changes nothing. */
	assert_int_equal(receipt(f, b_cs, &size), 0);
	assert_a_cosigned(f, n);

	for (uint64_t seq = 1; seq <= n; seq++)
		check_proofs(f, seq, n);
	assert_int_equal(push_a(f, 0)->len, 0);
}

/* Its size is the test's initial state (see main). */
static void test_flow(void **state)
{
	struct fx *f = *state;

	flow(f, f->flow);
}

static void test_incremental(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *batch, *line = buf(f, HL_COSIG_LINE_MAX), *old = buf(f, CS_MAX);
	struct hl_checkpoint old_cp, new_cp;
	struct hl_batch *b;
	uint64_t size = 0;

	send_a(f, 3);
	assert_int_equal(round_trip(f, NULL), 3);
	send_a(f, 5);
	batch = push_a(f, 5);
	b = parse_batch(f, batch);
	assert_int_equal(b->old, 3);
	assert_int_equal(b->nenv, 5);
	assert_true(b->nproof > 0);
	assert_int_equal(hl_store_checkpoint_get(f->sa, f->la.id, HL_OURS, 3, old, NULL, NULL), 0);
	assert_int_equal(hl_checkpoint_parse(old->data, old->len, &old_cp), 0);
	assert_int_equal(hl_checkpoint_parse(b->checkpoint, b->checkpoint_len, &new_cp), 0);
	assert_int_equal(new_cp.size, 8);
	assert_true(hl_merkle_verify_consistency(3, 8, old_cp.root, new_cp.root,
						 b->proof, b->nproof));
	new_cp.root[0] ^= 1;
	assert_false(hl_merkle_verify_consistency(3, 8, old_cp.root, new_cp.root,
						  b->proof, b->nproof));

	assert_int_equal(witness(f, batch, &res, line), 0);
	assert_res(&res, 3, 8, 5, false);
	assert_b(f, 8, 8, 2, 0);
	assert_int_equal(receipt(f, cosigned_at_a(f, 8, line), &size), 0);
	assert_int_equal(size, 8);
	/* A proof uses the smallest cosigned checkpoint that covers it. */
	check_proofs(f, 1, 3);
	check_proofs(f, 3, 3);
	check_proofs(f, 4, 8);
	check_proofs(f, 8, 8);
}

/* A push never carries more than HL_BATCH_ENVELOPES_MAX envelopes. */
static void test_batch_cap(void **state)
{
	struct fx *f = *state;

	send_a(f, HL_BATCH_ENVELOPES_MAX + 2);
	assert_int_equal(round_trip(f, NULL), HL_BATCH_ENVELOPES_MAX);
	push_a(f, 2);
	assert_int_equal(round_trip(f, NULL), HL_BATCH_ENVELOPES_MAX + 2);
	assert_b(f, HL_BATCH_ENVELOPES_MAX + 2, HL_BATCH_ENVELOPES_MAX + 2, 2, 0);
	check_proofs(f, HL_BATCH_ENVELOPES_MAX + 1, HL_BATCH_ENVELOPES_MAX + 2);
}

/* ---- the witness rule ---- */

static void test_resend(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *batch, *line1 = buf(f, HL_COSIG_LINE_MAX);

	send_a(f, 4);
	batch = push_a(f, 4);
	assert_int_equal(witness(f, batch, &res, line1), 0);
	/* Later, the byte-identical push, as B received it or as A makes
	 * it again: the stored line, not a new one. */
	f->now += 1000;
	for (int k = 0; k < 2; k++) {
		struct hl_buf *line = buf(f, HL_COSIG_LINE_MAX);

		assert_int_equal(witness(f, k ? push_a(f, 4) : batch, &res, line), 0);
		assert_res(&res, 4, 4, 0, true);
		ts_assert_bytes(line, line1->data, line1->len);
	}
	assert_b(f, 4, 4, 1, 0);
}

/* An older push after a newer one was cosigned: the old answer if B
 * cosigned it, else a gap; never a change. */
static void test_replay_older(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *p1, *p3, *line1 = buf(f, HL_COSIG_LINE_MAX);
	struct hl_buf *line = buf(f, HL_COSIG_LINE_MAX);

	send_a(f, 1);
	p1 = push_a(f, 1);
	assert_int_equal(round_trip(f, line1), 1);
	send_a(f, 1);
	assert_int_equal(round_trip(f, NULL), 2);
	assert_int_equal(witness(f, p1, &res, line), 0);
	assert_res(&res, 2, 1, 0, true);
	ts_assert_bytes(line, line1->data, line1->len);
	assert_b(f, 2, 2, 2, 0);

	/* A checkpoint of 3 that B never saw, then one of 4 that it
	 * cosigned: the push of 3 arrives late. */
	send_a(f, 1);
	p3 = push_a(f, 1);
	send_a(f, 1);
	assert_int_equal(round_trip(f, NULL), 4);
	assert_int_equal(witness(f, p3, &res, NULL), -HL_EGAP);
	assert_int_equal(res.old, 4);
	assert_b(f, 4, 4, 3, 0);
}

/* Pushes from a party that is not B's peer on this link. */
static void test_wrong_party(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *real, *fake;
	struct hl_store *s2, *s3, *sc;
	struct hl_link *l2, *l3, *lc, *bc;
	struct hl_batch *rb;
	char path[TS_PATH_MAX];

	/* A2: A's name, another key, its own link to B. */
	s2 = ts_store(&f->pool, f->dir, "a2.db", path);
	l2 = ts_link_kept(&f->pool, s2, A2, B, NULL, true, T0);
	send_as(f, s2, A2, l2, 2, 0);
	assert_int_equal(witness(f, push_as(f, s2, A2, l2, 2), &res, NULL), -HL_ELINK);
	/* A2 claiming A's link ID: A's origin, not A's signature. */
	s3 = ts_store(&f->pool, f->dir, "a3.db", path);
	l3 = ts_link_kept(&f->pool, s3, A2, B, f->la.link_id, true, T0);
	send_as(f, s3, A2, l3, 2, 0);
	fake = push_as(f, s3, A2, l3, 2);
	assert_int_equal(witness(f, fake, &res, NULL), -HL_ENOSIG);
	/* A's own checkpoint over A2's envelopes: the envelopes fail. */
	send_a(f, 2);
	real = push_a(f, 2);
	rb = parse_batch(f, real);
	assert_int_equal(witness(f, rebuild(f, parse_batch(f, fake), 0, 2, 0, NULL, 0,
					    rb->checkpoint, rb->checkpoint_len), &res, NULL),
			 -HL_ENOSIG);
	/* B takes nothing of A's on its link to C, nor C's on A's. */
	sc = ts_store(&f->pool, f->dir, "c.db", path);
	lc = ts_link_kept(&f->pool, sc, C, B, NULL, true, T0);
	bc = ts_link_kept(&f->pool, f->sb, B, C, NULL, true, T0);
	assert_int_equal(witness_in(f, f->sb, bc, real->data, real->len, &res, NULL),
			 -HL_ELINK);
	send_as(f, sc, C, lc, 1, 0);
	assert_int_equal(witness(f, push_as(f, sc, C, lc, 1), &res, NULL), -HL_ELINK);

	assert_b(f, 0, 0, 0, 0);
}

/* Any byte of an envelope changed: the whole push is refused. */
static void test_forged_envelope(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *batch;
	struct hl_batch *b;
	size_t off;

	send_a(f, 3);
	batch = push_a(f, 3);
	b = parse_batch(f, batch);
	off = (size_t)(b->env[1].p - batch->data);
	for (size_t i = 0; i < b->env[1].n; i++) {
		batch->data[off + i] ^= 0x20;
		if (witness(f, batch, &res, NULL) == 0)
			fail_msg("envelope 2 with byte %zu changed is cosigned", i);
		batch->data[off + i] ^= 0x20;
	}
	assert_b(f, 0, 0, 0, 0);
	/* The untouched push is still taken whole. */
	assert_int_equal(witness(f, batch, &res, NULL), 0);
	assert_b(f, 3, 3, 1, 0);
}

static void test_truncated(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *batch, *longer = buf(f, HL_BATCH_MAX);
	struct hl_batch *b;

	send_a(f, 3);
	batch = push_a(f, 3);
	for (size_t k = 0; k < batch->len; k++)
		if (witness_in(f, f->sb, &f->lb, batch->data, k, &res, NULL) == 0)
			fail_msg("a push cut to %zu of %zu bytes is cosigned", k, batch->len);
	assert_int_equal(hl_buf_append(longer, batch->data, batch->len), 0);
	assert_int_equal(hl_buf_puts(longer, "\n"), 0);
	assert_true(witness(f, longer, &res, NULL) < 0);
	/* Whole envelopes left out: the last, the middle, all. */
	b = parse_batch(f, batch);
	assert_int_equal(witness(f, rebuild(f, b, 0, 2, 0, NULL, 0, b->checkpoint,
					    b->checkpoint_len), &res, NULL), -HL_EGAP);
	b->env[1] = b->env[2];
	assert_int_equal(witness(f, rebuild(f, b, 0, 2, 0, NULL, 0, b->checkpoint,
					    b->checkpoint_len), &res, NULL), -HL_EGAP);
	assert_int_equal(witness(f, rebuild(f, b, 0, 0, 0, NULL, 0, b->checkpoint,
					    b->checkpoint_len), &res, NULL), -HL_EGAP);
	assert_b(f, 0, 0, 0, 0);
}

/* A checkpoint that the envelopes do not add up to. */
static void test_root_mismatch(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *batch, *cp;
	struct hl_checkpoint real;
	struct hl_batch *b;

	send_a(f, 3);
	batch = push_a(f, 3);
	b = parse_batch(f, batch);
	assert_int_equal(hl_checkpoint_parse(b->checkpoint, b->checkpoint_len, &real), 0);
	real.root[5] ^= 0x01;
	cp = sign_cp(f, "ru-cert", A->sign_sk, 3, real.root);
	assert_int_equal(witness(f, rebuild(f, b, 0, 3, 0, NULL, 0, cp->data, cp->len),
				 &res, NULL), -HL_ECONSISTENCY);
	assert_b(f, 0, 0, 0, 1);
	assert_int_equal(ts_sql_int(f->pb, "SELECT count(*) FROM evidence WHERE"
				    " kind = 'checkpoint' AND at = 3 AND side = 1"), 1);
	assert_int_equal(ts_sql_int(f->pb, "SELECT length(other) FROM evidence"),
			 (int64_t)cp->len);
	/* Three envelopes under a checkpoint of two. */
	real.root[5] ^= 0x01;
	cp = sign_cp(f, "ru-cert", A->sign_sk, 2, real.root);
	assert_int_equal(witness(f, rebuild(f, b, 0, 3, 0, NULL, 0, cp->data, cp->len),
				 &res, NULL), -HL_ECONSISTENCY);
	assert_b(f, 0, 0, 0, 1);

	/* A consistency proof that does not prove. */
	assert_int_equal(round_trip(f, NULL), 3);
	send_a(f, 2);
	batch = push_a(f, 2);
	b = parse_batch(f, batch);
	assert_true(b->nproof > 0);
	b->proof[0][0] ^= 0x80;
	assert_int_equal(witness(f, rebuild(f, b, 0, b->nenv, b->old, b->proof, b->nproof,
					    b->checkpoint, b->checkpoint_len), &res, NULL),
			 -HL_ECONSISTENCY);
	assert_b(f, 3, 3, 1, 1);
	assert_int_equal(witness(f, batch, &res, NULL), 0);
	assert_b(f, 5, 5, 2, 1);
}

/* A' has A's keys and a fresh database: it seals another message 1. */
static void test_equivocation(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *batch, *fork, *env1 = buf(f, ENV_MAX), *env = buf(f, ENV_MAX);
	struct hl_buf *cp1 = buf(f, CS_MAX), *kept = buf(f, CS_MAX);
	struct hl_store *s2;
	struct hl_link *l2;
	struct hl_batch *b;
	char path[TS_PATH_MAX];

	send_a(f, 1);
	batch = push_a(f, 1);
	b = parse_batch(f, batch);
	assert_int_equal(witness(f, batch, &res, NULL), 0);
	assert_int_equal(hl_store_envelope_get(f->sb, f->lb.id, HL_THEIRS, 1, env1, NULL), 0);
	assert_int_equal(hl_store_checkpoint_get(f->sb, f->lb.id, HL_THEIRS, 1, cp1,
						 NULL, NULL), 0);

	s2 = ts_store(&f->pool, f->dir, "a-again.db", path);
	l2 = ts_link_kept(&f->pool, s2, A, B, NULL, true, T0);
	send_as(f, s2, A, l2, 1, 1);
	fork = push_as(f, s2, A, l2, 1);
	assert_int_equal(witness(f, fork, &res, NULL), -HL_EEQUIVOCATION);
	assert_b(f, 1, 1, 1, 1);
	/* B's record is what it cosigned, untouched. */
	assert_int_equal(hl_store_envelope_get(f->sb, f->lb.id, HL_THEIRS, 1, env, NULL), 0);
	ts_assert_bytes(env, env1->data, env1->len);
	assert_int_equal(hl_store_checkpoint_get(f->sb, f->lb.id, HL_THEIRS, 1, kept,
						 NULL, NULL), 0);
	ts_assert_bytes(kept, cp1->data, cp1->len);

	/* A' goes on to seq 2: its push carries its own seq 1 again. */
	send_as(f, s2, A, l2, 1, 1);
	assert_int_equal(witness(f, push_as(f, s2, A, l2, 2), &res, NULL), -HL_EEQUIVOCATION);
	/* The same conflicting envelope is kept once, however often it comes. */
	assert_b(f, 1, 1, 1, 1);
	/* A's envelope 1 and its true checkpoint with A''s envelope 1. */
	assert_int_equal(witness(f, rebuild(f, parse_batch(f, fork), 0, 1, 0, NULL, 0,
					    b->checkpoint, b->checkpoint_len), &res, NULL),
			 -HL_EEQUIVOCATION);
	assert_b(f, 1, 1, 1, 1);
	/* The evidence keeps both signed objects. */
	assert_int_equal(ts_sql_int(f->pb, "SELECT count(*) FROM evidence WHERE at = 1"
				    " AND length(kept) > 0 AND length(other) > 0"), 1);
	assert_int_equal(ts_sql_int(f->pb, "SELECT count(*) FROM evidence WHERE"
				    " kind = 'envelope' AND kept = (SELECT bytes FROM envelope)"), 1);
	/* And A's true push is still the same answer. */
	assert_int_equal(witness(f, batch, &res, NULL), 0);
	assert_true(res.repeat);
}

static void test_gap(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *batch, *line = buf(f, HL_COSIG_LINE_MAX);
	struct hl_store *s2;
	struct hl_link *l2;
	char path[TS_PATH_MAX];
	uint64_t size = 0;

	/* B cosigns 3, but the receipt never reaches A... */
	send_a(f, 3);
	assert_int_equal(witness(f, push_a(f, 3), &res, NULL), 0);
	/* ...so A's next push starts at 0 again; B checks all and takes it. */
	send_a(f, 2);
	batch = push_a(f, 5);
	assert_int_equal(parse_batch(f, batch)->old, 0);
	assert_int_equal(witness(f, batch, &res, line), 0);
	assert_res(&res, 3, 5, 2, false);
	assert_int_equal(receipt(f, cosigned_at_a(f, 5, line), &size), 0);

	/* B's database restored from before: a push from 5 is a gap. */
	send_a(f, 1);
	batch = push_a(f, 1);
	s2 = ts_store(&f->pool, f->dir, "b-restored.db", path);
	l2 = ts_link_kept(&f->pool, s2, B, A, NULL, true, T0);
	assert_int_equal(witness_in(f, s2, l2, batch->data, batch->len, &res, NULL), -HL_EGAP);
	assert_int_equal(res.old, 0);
	assert_int_equal(ts_sql_int(path, "SELECT count(*) FROM envelope"), 0);
	assert_int_equal(ts_sql_int(path, "SELECT count(*) FROM checkpoint"), 0);
}

/* A push from F and its count; the checkpoint it ends with, parsed. */
static struct hl_buf *push_from_a(struct fx *f, uint64_t from, uint64_t want,
				  struct hl_checkpoint *cp)
{
	struct hl_buf *out = buf(f, HL_BATCH_MAX);
	struct hl_batch *b;
	uint64_t count = 99;

	assert_int_equal(hl_transcript_push_from(f->sa, A, &f->la, from, out, &count), 0);
	assert_int_equal(count, want);
	b = parse_batch(f, out);
	assert_int_equal(hl_checkpoint_parse(b->checkpoint, b->checkpoint_len, cp), 0);
	return out;
}

/* B receipted 5 and lost it all: A's resend from 0 ends at 3, the first
 * size B cosigned, with B's own cosignature, which proves the loss to
 * B; a forged one proves nothing; the refill is an ordinary push. */
static void test_store_loss(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *batch, *line = buf(f, HL_COSIG_LINE_MAX), *kept = buf(f, CS_MAX);
	struct hl_buf *ours = buf(f, CS_MAX), *forged = buf(f, CS_MAX);
	struct hl_checkpoint cp;
	struct hl_store *s2, *s3;
	struct hl_link *l2, *l3;
	char path[TS_PATH_MAX], path3[TS_PATH_MAX];
	uint64_t size = 0;

	send_a(f, 3);
	assert_int_equal(round_trip(f, NULL), 3);
	send_a(f, 2);
	assert_int_equal(round_trip(f, NULL), 5);
	s2 = ts_store(&f->pool, f->dir, "b-lost.db", path);
	l2 = ts_link_kept(&f->pool, s2, B, A, NULL, true, T0);
	s3 = ts_store(&f->pool, f->dir, "b-lost-too.db", path3);
	l3 = ts_link_kept(&f->pool, s3, B, A, NULL, true, T0);

	batch = push_from_a(f, 0, 3, &cp);
	assert_int_equal(cp.size, 3);
	assert_int_equal(hl_cosig_verify(&cp, B->card.name, B->card.sign_pk, NULL), 0);
	/* The same push with B's cosignature damaged: no proof, but a push. */
	assert_int_equal(hl_buf_append(forged, batch->data, batch->len), 0);
	/* Another base64 letter, so that the line still parses (a bit
	 * flipped there could make no base64 at all: 'A' ^ 1 is '@'). */
	forged->data[forged->len - 10] = forged->data[forged->len - 10] == 'A' ? 'B' : 'A';
	assert_int_equal(witness_in(f, s3, l3, forged->data, forged->len, &res, NULL), 0);
	assert_int_equal(res.lost_to, 0);
	assert_int_equal(ts_sql_int(path3, "SELECT count(*) FROM escalation"), 0);

	assert_int_equal(witness_in(f, s2, l2, batch->data, batch->len, &res, line), 0);
	assert_res(&res, 0, 3, 3, false);
	assert_int_equal(res.lost_to, 3);
	assert_int_equal(ts_sql_int(path, "SELECT seq FROM escalation WHERE side = 1 AND"
				    " event = 'store-loss' AND step = 0"), 3);
	/* B keeps A's checkpoint as A stored it: no second cosignature. */
	assert_int_equal(hl_store_checkpoint_get(s2, l2->id, HL_THEIRS, 3, kept, NULL, NULL), 0);
	assert_int_equal(hl_store_checkpoint_get(f->sa, f->la.id, HL_OURS, 3, ours, NULL, NULL),
			 0);
	ts_assert_bytes(kept, ours->data, ours->len);
	assert_int_equal(receipt(f, cosigned_at_a(f, 3, line), &size), 0);

	/* On from 3: up to 5, proven again; then nothing is left. */
	batch = push_from_a(f, 3, 2, &cp);
	line = buf(f, HL_COSIG_LINE_MAX);
	assert_int_equal(witness_in(f, s2, l2, batch->data, batch->len, &res, line), 0);
	assert_res(&res, 3, 5, 2, false);
	assert_int_equal(res.lost_to, 5);
	assert_int_equal(ts_sql_int(path, "SELECT count(*) FROM escalation"), 2);
	assert_int_equal(receipt(f, cosigned_at_a(f, 5, line), &size), 0);
	push_a(f, 0);
	/* A push of what B holds again proves nothing new. */
	assert_int_equal(witness_in(f, s2, l2, batch->data, batch->len, &res, NULL), 0);
	assert_true(res.repeat);
	assert_int_equal(res.lost_to, 0);
}

/* Past evidence.max, an incident keeps its hash and no bytes, and is
 * raised once however often it comes. */
static void test_evidence_cap(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_evidence_stats ev;
	struct hl_buf *fork2, *fork3;
	struct hl_store *s2, *s3;
	struct hl_link *l2, *l3;
	char path[TS_PATH_MAX];
	int64_t saved = B->conf.evidence_max;

	send_a(f, 2);
	assert_int_equal(round_trip(f, NULL), 2);
	/* Two forks of A, each with another envelope 1. */
	s2 = ts_store(&f->pool, f->dir, "a-again.db", path);
	l2 = ts_link_kept(&f->pool, s2, A, B, NULL, true, T0);
	send_as(f, s2, A, l2, 2, 1);
	fork2 = push_as(f, s2, A, l2, 2);
	s3 = ts_store(&f->pool, f->dir, "a-third.db", path);
	l3 = ts_link_kept(&f->pool, s3, A, B, NULL, true, T0);
	send_as(f, s3, A, l3, 1, 1);
	fork3 = push_as(f, s3, A, l3, 1);
	assert_int_equal(witness(f, fork2, &res, NULL), -HL_EEQUIVOCATION);
	assert_false(res.unkept);
	/* Room for this incident, not another. */
	assert_int_equal(hl_store_evidence_stats(f->sb, f->lb.id, &ev), 0);
	B->conf.evidence_max = (int64_t)ev.bytes + 1;
	assert_int_equal(witness(f, fork3, &res, NULL), -HL_EEQUIVOCATION);
	assert_true(res.unkept);
	assert_int_equal(witness(f, fork3, &res, NULL), -HL_EEQUIVOCATION);
	assert_false(res.unkept);
	assert_int_equal(witness(f, fork2, &res, NULL), -HL_EEQUIVOCATION);
	assert_false(res.unkept);
	B->conf.evidence_max = saved;
	assert_int_equal(hl_store_evidence_stats(f->sb, f->lb.id, &ev), 0);
	assert_int_equal(ev.count, 2);
	assert_int_equal(ev.unkept, 1);
	assert_true(ev.bytes > 0);
	assert_int_equal(ts_sql_int(f->pb, "SELECT count(*) FROM evidence WHERE"
				    " length(kept) = 0 AND length(other) = 0 AND"
				    " length(other_hash) = 32"), 1);
	assert_b(f, 2, 2, 1, 2);
}

/* Clocks are bounded (protocol.md 9.5 step 10.4): a new envelope dated
 * more than the skew ahead of the witness's clock, or before its
 * predecessor (in the push or held), is refused with both times, and
 * nothing of the push is stored. */
static void test_clock_rule(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *batch, *line = buf(f, HL_COSIG_LINE_MAX);
	int64_t sent, held;
	uint64_t size = 9;
	char why[160];

	B->conf.clock_skew = 300;
	send_a(f, 1);
	sent = f->now;
	batch = push_a(f, 1);
	/* One second more than the skew ahead: refused, with both times. */
	f->now = sent - 302;
	assert_int_equal(witness(f, batch, &res, line), -HL_ETIME);
	assert_int_equal(res.clock, HL_CLOCK_AHEAD);
	assert_int_equal(res.clock_seq, 1);
	assert_int_equal(res.clock_time, sent);
	assert_int_equal(res.clock_limit, sent - 301);
	assert_int_equal(hl_store_log_size(f->sb, f->lb.id, HL_THEIRS, &size), 0);
	assert_int_equal(size, 0);
	hl_transcript_clock_why(&res, 300, why, sizeof(why));
	assert_non_null(strstr(why, "envelope 1 is dated "));
	assert_non_null(strstr(why, ", more than 5m ahead of our clock ("));
	/* Exactly the skew ahead: taken. */
	assert_int_equal(witness(f, batch, &res, line), 0);
	assert_int_equal(res.size, 1);
	assert_int_equal(receipt(f, cosigned_at_a(f, 1, line), &size), 0);
	/* Dated before the one held (envelope 1, read from B's store):
	 * refused; dated the same second: taken. */
	held = sent;
	f->now = held - 2;
	hl_store_sealed_set(f->sa, INT64_MIN);	/* a sender that skips the rule */
	send_a(f, 1);
	f->now = held + 2000;
	assert_int_equal(witness(f, push_a(f, 1), &res, line), -HL_ETIME);
	assert_int_equal(res.clock, HL_CLOCK_BEFORE);
	assert_int_equal(res.clock_seq, 2);
	assert_int_equal(res.clock_time, held - 1);
	assert_int_equal(res.clock_limit, held);
	hl_transcript_clock_why(&res, 300, why, sizeof(why));
	assert_non_null(strstr(why, "envelope 2 is dated "));
	assert_non_null(strstr(why, ", before envelope 1 ("));
	assert_int_equal(hl_store_log_size(f->sb, f->lb.id, HL_THEIRS, &size), 0);
	assert_int_equal(size, 1);
	B->conf.clock_skew = 0;
}

/* The same rule between two new envelopes of one push. */
static void test_clock_rule_in_push(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *line = buf(f, HL_COSIG_LINE_MAX);
	int64_t first;

	send_a(f, 1);
	first = f->now;
	send_a(f, 1);		/* one second later: fine */
	f->now = first - 10;
	hl_store_sealed_set(f->sa, INT64_MIN);	/* a sender that skips the rule */
	send_a(f, 1);		/* before the second */
	f->now = first + 100;
	assert_int_equal(witness(f, push_a(f, 3), &res, line), -HL_ETIME);
	assert_int_equal(res.clock, HL_CLOCK_BEFORE);
	assert_int_equal(res.clock_seq, 3);
	assert_int_equal(res.clock_time, first - 9);
	assert_int_equal(res.clock_limit, first + 1);
}

/* Nothing moves on a link whose fingerprint was not confirmed. */
static void test_unconfirmed(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *batch = buf(f, HL_BATCH_MAX);
	struct hl_send msg = {HL_FLASH, "notify", "x", 1, T0};
	struct hl_store *s2;
	struct hl_link *lc, *l2;
	char path[TS_PATH_MAX];
	uint64_t seq = 99, count = 99;

	lc = ts_link_kept(&f->pool, f->sa, A, C, NULL, false, T0);
	assert_int_equal(hl_transcript_send(f->sa, A, lc, &msg, &seq), -HL_EUNCONFIRMED);
	assert_int_equal(seq, 99);
	assert_int_equal(hl_transcript_push(f->sa, A, lc, batch, &count), -HL_EUNCONFIRMED);
	assert_int_equal(batch->len, 0);
	assert_int_equal(ts_sql_int(f->pa, "SELECT count(*) FROM envelope"), 0);
	assert_int_equal(ts_sql_int(f->pa, "SELECT count(*) FROM checkpoint"), 0);

	/* B's other database, where A's link is not confirmed yet. */
	send_a(f, 2);
	batch = push_a(f, 2);
	s2 = ts_store(&f->pool, f->dir, "b2.db", path);
	l2 = ts_link_kept(&f->pool, s2, B, A, NULL, false, T0);
	assert_int_equal(witness_in(f, s2, l2, batch->data, batch->len, &res, NULL),
			 -HL_EUNCONFIRMED);
	assert_int_equal(ts_sql_int(path, "SELECT count(*) FROM envelope"), 0);
	assert_int_equal(hl_store_link_confirm(s2, l2->id, f->now), 0);
	hl_link_free(l2);
	assert_int_equal(hl_store_link_get(s2, "ru-cert", l2), 0);
	assert_int_equal(witness_in(f, s2, l2, batch->data, batch->len, &res, NULL), 0);
}

/* hl_transcript_push_read of hotlined's courier: our checkpoint signed
 * and not stored, the same bytes at every push of that size; stored
 * with the receipt (hl_transcript_receipt_pushed), and not when the
 * receipt is refused. */
static void test_push_read(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *line = buf(f, HL_COSIG_LINE_MAX), *again = buf(f, HL_BATCH_MAX);
	struct hl_buf *out = buf(f, HL_BATCH_MAX);
	struct hl_batch *b = calloc(1, sizeof(*b));
	uint64_t count = 0, size = 99;
	unsigned char was;

	assert_non_null(b);
	send_a(f, 3);
	assert_int_equal(hl_transcript_push_read(f->sa, A, &f->la, UINT64_MAX, out, &count), 0);
	assert_int_equal(count, 3);
	assert_int_equal(ts_sql_int(f->pa, "SELECT count(*) FROM checkpoint"), 0);
	assert_int_equal(hl_transcript_push_read(f->sa, A, &f->la, UINT64_MAX, again, &count), 0);
	assert_int_equal(again->len, out->len);
	assert_memory_equal(again->data, out->data, out->len);
	assert_int_equal(hl_batch_parse(out->data, out->len, b), 0);
	assert_int_equal(witness(f, out, &res, line), 0);
	assert_int_equal(res.size, 3);
	/* A broken answer: nothing stored, not even our checkpoint. */
	was = line->data[line->len - 10];
	line->data[line->len - 10] = was == 'A' ? 'B' : 'A';
	assert_int_equal(hl_transcript_receipt_pushed(f->sa, A, &f->la, b->checkpoint,
						      b->checkpoint_len, line->data, line->len,
						      &size), -HL_EBADSIG);
	assert_int_equal(size, 99);
	assert_int_equal(ts_sql_int(f->pa, "SELECT count(*) FROM checkpoint"), 0);
	line->data[line->len - 10] = was;
	assert_int_equal(hl_transcript_receipt_pushed(f->sa, A, &f->la, b->checkpoint,
						      b->checkpoint_len, line->data, line->len,
						      &size), 0);
	assert_int_equal(size, 3);
	assert_a_cosigned(f, 3);
	assert_int_equal(ts_sql_int(f->pa, "SELECT count(*) FROM checkpoint"), 1);
	/* The same answer again: the checkpoint is found stored now. */
	assert_int_equal(hl_transcript_receipt_pushed(f->sa, A, &f->la, b->checkpoint,
						      b->checkpoint_len, line->data, line->len,
						      &size), 0);
	assert_int_equal(ts_sql_int(f->pa, "SELECT count(*) FROM checkpoint"), 1);
	/* Nothing left to push. */
	assert_int_equal(hl_transcript_push_read(f->sa, A, &f->la, UINT64_MAX, out, &count), 0);
	assert_int_equal(count, 0);
	free(b);
}

/* Receipts that B did not give, for a checkpoint that A did make. */
static void test_receipt_bad_cosig(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *line = buf(f, HL_COSIG_LINE_MAX), *cs;
	struct hl_checkpoint cp;
	uint64_t size = 99;
	size_t cut;

	send_a(f, 2);
	assert_int_equal(witness(f, push_a(f, 2), &res, line), 0);
	cs = cosigned_at_a(f, 2, line);
	cut = cs->len - line->len;
	assert_int_equal(hl_checkpoint_parse(cs->data, cut, &cp), 0);
	for (int k = 0; k < 4; k++) {
		struct hl_buf *bad = buf(f, CS_MAX);

		assert_int_equal(hl_buf_append(bad, cs->data, cut), 0);
		if (k == 0)	/* C's key under B's name */
			assert_int_equal(hl_cosig_sign(&cp, "us-cert", C->sign_sk, 7, bad), 0);
		if (k == 1)	/* C's own cosignature */
			assert_int_equal(hl_cosig_sign(&cp, "jp-cert", C->sign_sk, 7, bad), 0);
		if (k == 2) {	/* B's key ID, a broken signature */
			assert_int_equal(hl_buf_append(bad, line->data, line->len), 0);
			bad->data[bad->len - 10] = bad->data[bad->len - 10] == 'A' ? 'B' : 'A';
		}
		/* k == 3: no cosignature at all */
		assert_int_equal(receipt(f, bad, &size), k == 2 ? -HL_EBADSIG : -HL_ENOSIG);
	}
	/* The line alone is no checkpoint. */
	assert_true(receipt(f, line, &size) < 0);
	assert_int_equal(size, 99);
	assert_a_cosigned(f, 0);
	assert_int_equal(receipt(f, cs, &size), 0);
	assert_a_cosigned(f, 2);
}

/* Receipts whose copy of A's own signature is not the one A made: a
 * byte of it changed, or the line gone. */
static void test_receipt_ours_damaged(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *line = buf(f, HL_COSIG_LINE_MAX), *cs;
	const struct hl_note_sig *ours = NULL;
	struct hl_checkpoint cp;
	uint64_t size = 99;
	size_t at, end;

	send_a(f, 2);
	assert_int_equal(witness(f, push_a(f, 2), &res, line), 0);
	cs = cosigned_at_a(f, 2, line);
	assert_int_equal(hl_checkpoint_parse(cs->data, cs->len, &cp), 0);
	for (size_t i = 0; i < cp.note.nsigs; i++)
		if (cp.note.sigs[i].name_len == strlen(cp.origin) &&
		    memcmp(cp.note.sigs[i].name, cp.origin, strlen(cp.origin)) == 0)
			ours = &cp.note.sigs[i];
	assert_non_null(ours);
	at = (size_t)((const unsigned char *)ours->b64 - cs->data) + ours->b64_len - 10;
	end = (size_t)((const unsigned char *)ours->b64 - cs->data) + ours->b64_len + 1;
	for (int k = 0; k < 2; k++) {
		struct hl_buf *bad = buf(f, CS_MAX);
		size_t from = (size_t)((const unsigned char *)ours->name - cs->data) -
			      strlen(EM_DASH " ");

		if (k == 0) {	/* one byte of the signature changed */
			assert_int_equal(hl_buf_append(bad, cs->data, cs->len), 0);
			bad->data[at] = bad->data[at] == 'A' ? 'B' : 'A';
		} else {	/* A's line cut out */
			assert_int_equal(hl_buf_append(bad, cs->data, from), 0);
			assert_int_equal(hl_buf_append(bad, cs->data + end, cs->len - end), 0);
		}
		assert_int_equal(receipt(f, bad, &size), k == 0 ? -HL_EBADSIG : -HL_ENOSIG);
	}
	assert_int_equal(size, 99);
	assert_a_cosigned(f, 0);
	assert_int_equal(receipt(f, cs, &size), 0);
	assert_a_cosigned(f, 2);
}

/* Cosignatures by B over checkpoints that A never made. */
static void test_receipt_never_made(void **state)
{
	struct fx *f = *state;
	struct hl_checkpoint c;
	hl_hash root;
	uint64_t size = 99;

	send_a(f, 2);
	assert_int_equal(round_trip(f, NULL), 2);
	memset(root, 0x42, sizeof(root));
	for (int k = 0; k < 3; k++) {
		/* A size A has no checkpoint of; A's size with another root;
		 * B's own log. */
		struct hl_buf *cp = k < 2 ? sign_cp(f, "ru-cert", A->sign_sk, k ? 2 : 5, root) :
					    sign_cp(f, "us-cert", B->sign_sk, 2, root);

		assert_int_equal(hl_checkpoint_parse(cp->data, cp->len, &c), 0);
		assert_int_equal(hl_cosig_sign(&c, "us-cert", B->sign_sk, 9, cp), 0);
		assert_int_equal(receipt(f, cp, &size),
				 k == 0 ? -HL_ENOTFOUND : k == 1 ? -HL_ECONSISTENCY : -HL_ELINK);
	}
	assert_int_equal(size, 99);
	assert_a_cosigned(f, 2);
	assert_int_equal(ts_sql_int(f->pa, "SELECT count(*) FROM checkpoint"), 1);
	assert_int_equal(ts_sql_int(f->pa, "SELECT cosig_time FROM checkpoint"), f->now);
}

/* ---- durability ---- */

static void test_durable(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *batch, *line = buf(f, HL_COSIG_LINE_MAX);
	struct hl_buf *again = buf(f, HL_COSIG_LINE_MAX), *cs = buf(f, CS_MAX);
	struct hl_buf *out = buf(f, HL_PROOF_MAX);
	uint64_t v = 0;

	send_a(f, 6);
	batch = push_a(f, 6);
	assert_int_equal(witness(f, batch, &res, line), 0);
	/* Committed when witness returns: another connection sees it all. */
	assert_int_equal(ts_sql_int(f->pb, "SELECT count(*) FROM envelope WHERE side = 1"), 6);
	assert_int_equal(ts_sql_int(f->pb, "SELECT count(*) FROM checkpoint"
				    " WHERE size = 6 AND cosig IS NOT NULL"), 1);
	hl_store_close(f->sb);
	f->sb = ts_open(f->pb);
	assert_b(f, 6, 6, 1, 0);
	assert_int_equal(hl_transcript_cosigned(f->sb, &f->lb, HL_THEIRS, 6, cs), 0);
	assert_int_equal(memcmp(cs->data + cs->len - line->len, line->data, line->len), 0);
	assert_int_equal(witness(f, batch, &res, again), 0);
	assert_true(res.repeat);
	ts_assert_bytes(again, line->data, line->len);
	/* A's receipt survives A's restart too. */
	assert_int_equal(receipt(f, cs, &v), 0);
	hl_store_close(f->sa);
	f->sa = ts_open(f->pa);
	assert_a_cosigned(f, 6);
	check_proofs(f, 6, 6);
	assert_int_equal(hl_transcript_proof(f->sa, A, &f->la, HL_OURS, 7, false, out),
			 -HL_ENOTFOUND);
	assert_int_equal(hl_transcript_proof(f->sb, B, &f->lb, HL_OURS, 1, false, out),
			 -HL_ENOTFOUND);
	assert_int_equal(out->len, 0);
}

/* ---- checking a whole link ---- */

/* B sends n to A as well, so both databases hold both logs. */
static void b_sends(struct fx *f, uint64_t n)
{
	struct hl_witness_result res;
	struct hl_buf *batch, *line = buf(f, HL_COSIG_LINE_MAX), *cs = buf(f, CS_MAX);
	uint64_t size = 0;

	send_as(f, f->sb, B, &f->lb, n, 0);
	batch = push_as(f, f->sb, B, &f->lb, n);
	assert_int_equal(hl_transcript_witness(f->sa, A, &f->la, batch->data, batch->len,
					       ++f->now, line, &res), 0);
	assert_int_equal(hl_transcript_cosigned(f->sa, &f->la, HL_THEIRS, res.size, cs), 0);
	assert_int_equal(hl_transcript_receipt(f->sb, B, &f->lb, cs->data, cs->len, &size), 0);
}

static void assert_report(const struct hl_log_report *rep, uint64_t ours,
			  uint64_t theirs, uint64_t cps_ours, uint64_t cps_theirs)
{
	assert_int_equal(rep->envelopes[HL_OURS], ours);
	assert_int_equal(rep->envelopes[HL_THEIRS], theirs);
	assert_int_equal(rep->checkpoints[HL_OURS], cps_ours);
	assert_int_equal(rep->checkpoints[HL_THEIRS], cps_theirs);
	assert_null(rep->bad_what);
}

static void test_verify(void **state)
{
	struct fx *f = *state;
	struct hl_log_report rep;

	assert_int_equal(hl_transcript_verify(f->sa, A, &f->la, &rep), 0);
	assert_report(&rep, 0, 0, 0, 0);
	send_a(f, 3);
	assert_int_equal(round_trip(f, NULL), 3);
	send_a(f, 4);
	assert_int_equal(round_trip(f, NULL), 7);
	b_sends(f, 5);
	send_a(f, 1);	/* not pushed yet */
	assert_int_equal(hl_transcript_verify(f->sa, A, &f->la, &rep), 0);
	assert_report(&rep, 8, 5, 2, 1);
	assert_int_equal(rep.cosigned[HL_OURS], 7);
	assert_int_equal(rep.cosigned[HL_THEIRS], 5);
	assert_int_equal(rep.evidence, 0);
	assert_int_equal(hl_transcript_verify(f->sb, B, &f->lb, &rep), 0);
	assert_report(&rep, 5, 7, 1, 2);
	assert_int_equal(rep.cosigned[HL_OURS], 5);
	assert_int_equal(rep.cosigned[HL_THEIRS], 7);
}

/* Damage under the store, one kind at a time: verify names the place,
 * and after each the undamaged rows are copied back. */
static void test_verify_damaged(void **state)
{
	static const struct {
		const char *sql;
		uint64_t at;
	} cases[] = {
		{"UPDATE envelope SET bytes = bytes || x'00' WHERE seq = 4", 4},
		{"UPDATE envelope SET leaf = zeroblob(32) WHERE seq = 5", 5},
		{"UPDATE node SET hash = zeroblob(32) WHERE level = 1 AND idx = 1", 4},
		{"DELETE FROM node WHERE level = 2 AND idx = 0", 4},
		{"DELETE FROM envelope WHERE seq = 2", 3},
		{"UPDATE checkpoint SET cosig = substr(cosig, 1, 30) || CASE"
		 " substr(cosig, 31, 1) WHEN 'A' THEN 'B' ELSE 'A' END || substr(cosig, 32)", 5},
		{"UPDATE checkpoint SET note = replace(note, 'ru-cert', 'ru-cerx')", 5},
		{"UPDATE checkpoint SET size = 4", 4},
	};
	struct fx *f = *state;
	struct hl_log_report rep;
	char path[TS_PATH_MAX], q[512];

	TS_SQLITE_ONLY();

	send_a(f, 5);
	assert_int_equal(round_trip(f, NULL), 5);
	ts_path(f->dir, "b.orig", path);
	snprintf(q, sizeof(q), "VACUUM INTO '%s'", path);
	ts_sql(f->pb, q);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ts_sql(f->pb, cases[i].sql);
		assert_true(hl_transcript_verify(f->sb, B, &f->lb, &rep) < 0);
		if (!rep.bad_what || rep.bad_side != HL_THEIRS || rep.bad_at != cases[i].at)
			fail_msg("%s: side %d at %llu (%s)", cases[i].sql, rep.bad_side,
				 (unsigned long long)rep.bad_at, rep.bad_what);
		snprintf(q, sizeof(q), "ATTACH '%s' AS o; DELETE FROM main.envelope;"
			 " INSERT INTO main.envelope SELECT * FROM o.envelope;"
			 " DELETE FROM main.node; INSERT INTO main.node SELECT * FROM o.node;"
			 " DELETE FROM main.checkpoint;"
			 " INSERT INTO main.checkpoint SELECT * FROM o.checkpoint", path);
		ts_sql(f->pb, q);
	}
	assert_int_equal(hl_transcript_verify(f->sb, B, &f->lb, &rep), 0);
	assert_report(&rep, 0, 5, 0, 1);
}


/* ---- key eras (links.md 4): the peer's rotation at the witness ---- */

/* A's next card, created at created: A2's sign key with A's box key,
 * TLS pin and endpoint (edited by fn, may be NULL), self-signed by
 * sign_sk (A2's when NULL) and endorsed by endorser (none when NULL). */
static struct hl_buf *next_card(struct fx *f, int64_t created,
				void (*fn)(struct hl_card *), const unsigned char *sign_sk,
				const unsigned char *endorser)
{
	struct hl_buf *self = buf(f, HL_CARD_MAX), *out = buf(f, HL_CARD_MAX);
	struct hl_card c = A->card;

	memcpy(c.sign_pk, A2->card.sign_pk, sizeof(c.sign_pk));
	c.created = created;
	if (fn)
		fn(&c);
	assert_int_equal(hl_card_encode(&c, sign_sk ? sign_sk : A2->sign_sk, self), 0);
	if (!endorser)
		return self;
	assert_int_equal(hl_card_endorse(self->data, self->len, endorser, out), 0);
	return out;
}

/* me sends a `card` (or `rekey`, revoking the sign key) envelope
 * carrying card on l: its seq. */
static uint64_t send_change(struct fx *f, const struct hl_party *me, const struct hl_link *l,
			    const struct hl_buf *card, const char *kind)
{
	json_t *j = json_pack("{s:i, s:s, s:{s:s, s:s}, s:s%}", "v", HL_CONTENT_VERSION,
			      "type", kind, "text", "lang", "en", "text", "new keys",
			      "card", (const char *)card->data, card->len);
	char *plain;

	if (strcmp(kind, "rekey") == 0)
		json_object_set_new(j, "revoke", json_pack("[s]", "sign"));
	plain = json_dumps(j, JSON_COMPACT);
	struct hl_send msg = {
		.precedence = HL_ROUTINE, .kind = kind, .plain = plain,
		.plain_len = strlen(plain), .now = ++f->now,
	};
	uint64_t seq = 0;

	assert_int_equal(hl_transcript_send(f->sa, me, l, &msg, &seq), 0);
	free(plain);
	json_decref(j);
	return seq;
}

static uint64_t send_card(struct fx *f, const struct hl_party *me, const struct hl_link *l,
			  const struct hl_buf *card)
{
	return send_change(f, me, l, card, "card");
}

/* B's rows of A's eras, and B's link.card as it now reads. */
static void assert_b_eras(struct fx *f, int64_t n, const struct hl_buf *card)
{
	struct hl_link l;

	assert_int_equal(ts_sql_int(f->pb, "SELECT count(*) FROM link_key WHERE side = 1"), n);
	assert_int_equal(hl_store_link_get(f->sb, "ru-cert", &l), 0);
	ts_assert_bytes(&l.card_text, card->data, card->len);
	hl_link_free(&l);
}

/* A after its rotation: A2's sign key with the rest of A, as `card
 * rotate` will leave it (the next brief): this test stores A's own era. */
static void a_rotated(struct fx *f, const struct hl_buf *card, uint64_t r,
		      struct hl_party *a3)
{
	struct hl_key_change c = {.seq = r, .card = card->data, .card_len = card->len};
	struct hl_eras *e = NULL;
	struct hl_buf env;

	hl_buf_init(&env, ENV_MAX);
	assert_int_equal(hl_store_envelope_get(f->sa, f->la.id, HL_OURS, r, &env, NULL), 0);
	{
		struct hl_envelope h;

		assert_int_equal(hl_envelope_parse(env.data, env.len, &h), 0);
		c.time = h.time;
	}
	*a3 = *A;
	assert_int_equal(hl_card_parse(card->data, card->len, &a3->card), 0);
	a3->sign_sk = A2->sign_sk;
	assert_int_equal(hl_store_eras_load(f->sa, &f->la, HL_OURS, &A->card, &A->card_text,
					    &e), 0);
	assert_int_equal(hl_store_begin(f->sa), 0);
	assert_int_equal(hl_store_era_rotate(f->sa, &f->la, HL_OURS, e, &c, &a3->card), 0);
	assert_int_equal(hl_store_commit(f->sa), 0);
	hl_eras_free(e);
	hl_buf_free(&env);
}

/* A rotates its sign key: B's witness stores the era and the new card,
 * the push ends after the card, later envelopes verify with the new key,
 * and one signed with the old key after the card is refused. */
static void test_rotation(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *card = next_card(f, T0 + 1, NULL, NULL, A->sign_sk);
	struct hl_buf *old_push, *batch, *cp2, *line = buf(f, HL_COSIG_LINE_MAX);
	struct hl_checkpoint cp;
	struct hl_batch *b;
	struct hl_log_report rep;
	struct hl_party a3;
	uint64_t r, size = 0;
	int got;

	send_a(f, 2);
	r = send_card(f, A, &f->la, card);
	assert_int_equal(r, 3);
	send_a(f, 2);		/* signed with the old key, after the card */
	/* The push ends after the card: its checkpoint is of the old era. */
	batch = push_a(f, 3);
	got = witness(f, batch, &res, line);
	if (got != 0)
		fail_msg("%s: %s", hl_strerror(got), res.why);
	assert_res(&res, 0, 3, 3, false);
	assert_int_equal(receipt(f, cosigned_at_a(f, 3, line), &size), 0);
	assert_b(f, 3, 3, 1, 0);
	assert_b_eras(f, 2, card);
	assert_int_equal(ts_sql_int(f->pb, "SELECT from_seq * 100 + via_seq FROM link_key"
				    " WHERE side = 1 AND era = 1 AND how = 'rotated'"), 403);
	/* Envelopes 4 and 5, signed with the old key, are refused now. */
	old_push = push_a(f, 2);
	assert_int_equal(witness(f, old_push, &res, NULL), -HL_ENOSIG);
	/* With a checkpoint of the new key, the envelope itself fails. */
	b = parse_batch(f, old_push);
	assert_int_equal(hl_checkpoint_parse(b->checkpoint, b->checkpoint_len, &cp), 0);
	cp2 = sign_cp(f, "ru-cert", A2->sign_sk, cp.size, cp.root);
	batch = rebuild(f, b, 0, b->nenv, b->old, b->proof, b->nproof, cp2->data, cp2->len);
	assert_int_equal(witness(f, batch, &res, NULL), -HL_ENOSIG);
	assert_b(f, 3, 3, 1, 0);

	/* A as rotated: a fresh pair of stores, where A's log after the card
	 * is signed with the new key, verifies at B and receipts at A. */
	hl_link_free(&f->la);
	hl_link_free(&f->lb);
	hl_store_close(f->sa);
	hl_store_close(f->sb);
	ts_path(f->dir, "a2.db", f->pa);
	ts_path(f->dir, "b2.db", f->pb);
	f->sa = ts_open(f->pa);
	f->sb = ts_open(f->pb);
	ts_link(f->sa, A, B, NULL, true, T0, &f->la);
	ts_link(f->sb, B, A, NULL, true, T0, &f->lb);
	send_a(f, 2);
	assert_int_equal(send_card(f, A, &f->la, card), 3);
	assert_int_equal(round_trip(f, NULL), 3);
	a_rotated(f, card, 3, &a3);
	send_as(f, f->sa, &a3, &f->la, 3, 0);
	batch = push_as(f, f->sa, &a3, &f->la, 3);
	line->len = 0;
	assert_int_equal(witness(f, batch, &res, line), 0);
	assert_res(&res, 3, 6, 3, false);
	assert_int_equal(receipt(f, cosigned_at_a(f, 6, line), &size), 0);
	assert_int_equal(size, 6);
	hl_link_free(&f->lb);
	assert_int_equal(hl_store_link_get(f->sb, "ru-cert", &f->lb), 0);
	ts_assert_bytes(&f->lb.card_text, card->data, card->len);
	assert_int_equal(hl_transcript_verify(f->sb, B, &f->lb, &rep), 0);
	assert_int_equal(rep.envelopes[HL_THEIRS], 6);
	assert_int_equal(rep.cosigned[HL_THEIRS], 6);
	assert_int_equal(hl_transcript_verify(f->sa, &a3, &f->la, &rep), 0);
	assert_int_equal(rep.envelopes[HL_OURS], 6);
	assert_int_equal(rep.cosigned[HL_OURS], 6);
}

/* A's own rekeyed era from seq r, whose envelope carries card. */
static void a_rekeyed(struct fx *f, const struct hl_buf *card, uint64_t r)
{
	struct hl_key_change c = {.seq = r, .card = card->data, .card_len = card->len,
				  .revoke = HL_USE_SIGN};
	struct hl_eras *e = NULL;
	struct hl_envelope h;
	struct hl_card parsed;
	struct hl_buf env;

	hl_buf_init(&env, ENV_MAX);
	assert_int_equal(hl_store_envelope_get(f->sa, f->la.id, HL_OURS, r, &env, NULL), 0);
	assert_int_equal(hl_envelope_parse(env.data, env.len, &h), 0);
	c.time = h.time;
	assert_int_equal(hl_card_parse(card->data, card->len, &parsed), 0);
	assert_int_equal(hl_store_eras_load(f->sa, &f->la, HL_OURS, &A->card, &A->card_text,
					    &e), 0);
	assert_int_equal(hl_store_begin(f->sa), 0);
	assert_int_equal(hl_store_era_rekey(f->sa, &f->la, HL_OURS, e, &c, &parsed, 3600, 0), 0);
	assert_int_equal(hl_store_commit(f->sa), 0);
	hl_eras_free(e);
	hl_buf_free(&env);
}

/* B's pending card of A (link rekey), confirmed by voice at t. */
static void b_pending(struct fx *f, const struct hl_buf *card, int64_t t)
{
	assert_int_equal(hl_store_rekey_card_set(f->sb, &f->lb, card->data, card->len), 0);
	assert_int_equal(hl_store_rekey_card_confirm(f->sb, &f->lb, t), 0);
}

/* A loses its key (protocol.md 9.15).  A `rekey` signed by the old key
 * with no card confirmed at B is refused and kept; one signed by the new
 * key waits (403) until B confirms a card, is refused when the card B
 * confirmed is another, and is taken with it: era 1 rekeyed from its own
 * seq, confirmed, era 0's sign key revoked at its time, link.card the
 * new card, the pending card cleared, and B's copy verifies. */
static void test_rekey(void **state)
{
	struct fx *f = *state;
	struct hl_witness_result res;
	struct hl_buf *card = next_card(f, T0 + 1, NULL, NULL, NULL);
	struct hl_buf *other = next_card(f, T0 + 2, NULL, NULL, NULL);
	struct hl_buf *batch, *held = buf(f, HL_CARD_MAX), *line = buf(f, HL_COSIG_LINE_MAX);
	struct hl_log_report rep;
	struct hl_party a3;
	int64_t confirmed = 0;
	uint64_t size = 0;

	send_a(f, 2);
	assert_int_equal(round_trip(f, NULL), 2);
	assert_int_equal(send_change(f, A, &f->la, card, "rekey"), 3);
	assert_int_equal(witness(f, push_a(f, 1), &res, NULL), -HL_EKEY);
	assert_string_equal(res.why, "rekey at seq 3: no new card of ru-cert was confirmed "
			    "by voice ('hotline link rekey')");
	assert_b(f, 2, 2, 1, 1);

	/* A as it rekeyed: fresh stores, the rekey signed by the new key. */
	hl_link_free(&f->la);
	hl_link_free(&f->lb);
	hl_store_close(f->sa);
	hl_store_close(f->sb);
	ts_path(f->dir, "a2.db", f->pa);
	ts_path(f->dir, "b2.db", f->pb);
	f->sa = ts_open(f->pa);
	f->sb = ts_open(f->pb);
	ts_link(f->sa, A, B, NULL, true, T0, &f->la);
	ts_link(f->sb, B, A, NULL, true, T0, &f->lb);
	send_a(f, 2);
	assert_int_equal(round_trip(f, NULL), 2);
	a3 = *A;
	assert_int_equal(hl_card_parse(card->data, card->len, &a3.card), 0);
	a3.sign_sk = A2->sign_sk;
	assert_int_equal(send_change(f, &a3, &f->la, card, "rekey"), 3);
	a_rekeyed(f, card, 3);
	send_as(f, f->sa, &a3, &f->la, 1, 0);
	batch = push_as(f, f->sa, &a3, &f->la, 1);	/* ends after the rekey */
	assert_int_equal(witness(f, batch, &res, NULL), -HL_EUNCONFIRMED);
	assert_string_equal(res.why, "waiting for the voice confirmation of ru-cert's new card");
	assert_b(f, 2, 2, 1, 0);
	b_pending(f, other, T0 + 5);
	assert_int_equal(witness(f, batch, &res, NULL), -HL_EKEY);
	assert_string_equal(res.why, "rekey at seq 3: the card is not the one confirmed by voice");
	assert_b(f, 2, 2, 1, 1);
	b_pending(f, card, T0 + 6);
	assert_int_equal(witness(f, batch, &res, line), 0);
	assert_res(&res, 2, 3, 1, false);
	assert_int_equal(receipt(f, cosigned_at_a(f, 3, line), &size), 0);
	assert_int_equal(size, 3);
	assert_b_eras(f, 2, card);
	assert_int_equal(ts_sql_int(f->pb, "SELECT from_seq * 100 + via_seq FROM link_key"
				    " WHERE side = 1 AND era = 1 AND how = 'rekeyed'"), 303);
	assert_int_equal(ts_sql_int(f->pb, "SELECT confirmed FROM link_key"
				    " WHERE side = 1 AND era = 1"), T0 + 6);
	assert_int_equal(ts_sql_int(f->pb, "SELECT count(*) FROM link_key WHERE side = 1"
				    " AND era = 0 AND revoked_uses = 'sign' AND revoked_by = 3"), 1);
	assert_int_equal(hl_store_rekey_card(f->sb, &f->lb, held, &confirmed), -HL_ENOTFOUND);
	/* The envelope after it verifies with the new era. */
	assert_int_equal(witness(f, push_as(f, f->sa, &a3, &f->la, 1), &res, NULL), 0);
	assert_res(&res, 3, 4, 1, false);
	hl_link_free(&f->lb);
	assert_int_equal(hl_store_link_get(f->sb, "ru-cert", &f->lb), 0);
	assert_int_equal(hl_transcript_verify(f->sb, B, &f->lb, &rep), 0);
	assert_int_equal(rep.envelopes[HL_THEIRS], 4);
}

static void same_sign(struct hl_card *c)
{
	memcpy(c->sign_pk, A->card.sign_pk, sizeof(c->sign_pk));
}

static void c_sign(struct hl_card *c)
{
	memcpy(c->sign_pk, C->card.sign_pk, sizeof(c->sign_pk));
}

static void new_tls(struct hl_card *c)
{
	memset(c->tls_pin, 0x5a, sizeof(c->tls_pin));
}

static void new_tls_only(struct hl_card *c)
{
	same_sign(c);
	new_tls(c);
}

static void c_tls(struct hl_card *c)
{
	memcpy(c->tls_pin, C->card.tls_pin, sizeof(c->tls_pin));
}

/* A new TLS pin alone (protocol.md 10.1): the old pin is kept beside it
 * as link.old_pin until the new key is seen, which drops it. */
static void test_rotation_tls(void **state)
{
	struct fx *f = *state;
	struct hl_buf *card = next_card(f, T0 + 1, new_tls_only, A->sign_sk, NULL);
	struct hl_link l;

	send_a(f, 1);
	assert_int_equal(send_card(f, A, &f->la, card), 2);
	assert_int_equal(round_trip(f, NULL), 2);
	assert_b_eras(f, 2, card);
	assert_int_equal(hl_store_link_get(f->sb, "ru-cert", &l), 0);
	assert_true(l.has_old_pin);
	assert_memory_equal(l.old_pin, A->card.tls_pin, 32);
	assert_int_equal(l.card.tls_pin[0], 0x5a);
	assert_int_equal(hl_store_link_old_pin_drop(f->sb, &l), 0);
	hl_link_free(&l);
	assert_int_equal(hl_store_link_get(f->sb, "ru-cert", &l), 0);
	assert_false(l.has_old_pin);
	hl_link_free(&l);
}

static void new_endpoint(struct hl_card *c)
{
	same_sign(c);
	snprintf(c->endpoint, sizeof(c->endpoint), "https://new.ru-cert.example:7443");
}

static void newer_endpoint(struct hl_card *c)
{
	same_sign(c);
	snprintf(c->endpoint, sizeof(c->endpoint), "https://newer.ru-cert.example:7443");
}

/* A new endpoint alone is a key change too: link.endpoint follows the
 * card while it was the old card's, and one set by hand stays. */
static void test_rotation_endpoint(void **state)
{
	struct fx *f = *state;
	struct hl_buf *card = next_card(f, T0 + 1, new_endpoint, A->sign_sk, NULL);
	struct hl_buf *card2 = next_card(f, T0 + 2, newer_endpoint, A->sign_sk, NULL);
	struct hl_link l;

	send_a(f, 1);
	assert_int_equal(send_card(f, A, &f->la, card), 2);
	assert_int_equal(round_trip(f, NULL), 2);
	assert_b_eras(f, 2, card);
	assert_int_equal(hl_store_link_get(f->sb, "ru-cert", &l), 0);
	assert_string_equal(l.endpoint, "https://new.ru-cert.example:7443");
	assert_string_equal(l.card.endpoint, "https://new.ru-cert.example:7443");
	hl_link_free(&l);
	ts_sql(f->pb, "UPDATE link SET endpoint = 'https://by-hand.example'");
	assert_int_equal(send_card(f, A, &f->la, card2), 3);
	assert_int_equal(round_trip(f, NULL), 3);
	assert_b_eras(f, 3, card2);
	assert_int_equal(hl_store_link_get(f->sb, "ru-cert", &l), 0);
	assert_string_equal(l.endpoint, "https://by-hand.example");
	hl_link_free(&l);
}

/* An invalid key change refuses the whole push with its sentence, keeps
 * the envelope as evidence and stores nothing. */
static void test_rotation_refused(void **state)
{
	struct fx *f = *state;
	struct {
		struct hl_buf *card;
		const char *why;
	} cases[5];
	char why0[128], orig[TS_PATH_MAX], q[2 * TS_PATH_MAX];

	TS_SQLITE_ONLY();

	/* B also has a link to jp-cert, whose key A's new card takes. */
	ts_link_kept(&f->pool, f->sb, B, C, NULL, true, T0);
	snprintf(why0, sizeof(why0), "the new card is not signed by ru-cert's key in force"
		 " (%08x)", (unsigned)hl_note_keyid("ru-cert", HL_SIGTYPE_ED25519,
						    A->card.sign_pk, HL_ED25519_PK_LEN));
	cases[0].card = next_card(f, T0 + 1, NULL, NULL, C->sign_sk);
	cases[1].card = next_card(f, T0 + 1, c_sign, C->sign_sk, A->sign_sk);
	cases[2].card = next_card(f, T0 + 1, same_sign, A->sign_sk, NULL);
	cases[3].card = next_card(f, T0 + 1, c_tls, NULL, A->sign_sk);
	cases[4].card = buf(f, HL_CARD_MAX);
	assert_int_equal(hl_buf_puts(cases[4].card, "not a card"), 0);
	cases[0].why = why0;
	cases[1].why = "the new card carries the key or TLS pin of link jp-cert";
	cases[2].why = "the new card changes nothing";
	cases[3].why = "the new card carries the key or TLS pin of link jp-cert";
	cases[4].why = "the new card does not parse: ";
	send_a(f, 1);
	assert_int_equal(round_trip(f, NULL), 1);
	ts_path(f->dir, "a.orig", orig);
	snprintf(q, sizeof(q), "VACUUM INTO '%s'", orig);
	ts_sql(f->pa, q);
	for (size_t i = 0; i < 5; i++) {
		struct hl_witness_result res;
		struct hl_buf *batch;
		const char *want = cases[i].why;
		char head[32];

		/* Each case from A's store as it was after seq 1. */
		hl_store_close(f->sa);
		snprintf(head, sizeof(head), "a%zu.db", i);
		ts_path(f->dir, head, f->pa);
		snprintf(q, sizeof(q), "VACUUM INTO '%s'", f->pa);
		ts_sql(orig, q);
		assert_int_equal(chmod(f->pa, 0600), 0);
		f->sa = ts_open(f->pa);
		assert_int_equal(send_card(f, A, &f->la, cases[i].card), 2);
		batch = push_a(f, 1);
		assert_int_equal(witness(f, batch, &res, NULL), -HL_EKEY);
		snprintf(head, sizeof(head), "card at seq 2: ");
		assert_int_equal(strncmp(res.why, head, strlen(head)), 0);
		if (i == 4 && strncmp(res.why + strlen(head), want, strlen(want)) != 0)
			fail_msg("%s", res.why);
		else if (i < 4)
			assert_string_equal(res.why + strlen(head), want);
		/* Nothing stored, the card kept as evidence. */
		assert_b(f, 1, 1, 1, i + 1);
		assert_b_eras(f, 0, &f->lb.card_text);
		assert_int_equal(ts_sql_int(f->pb, "SELECT count(*) FROM evidence WHERE"
					    " kind = 'card' AND at = 2"), (int64_t)i + 1);
	}
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
#define FLOW(n) {"test_flow_" #n, test_flow, setup, teardown, &(uint64_t){n}}
	const struct CMUnitTest tests[] = {
		FLOW(1), FLOW(2), FLOW(37),
		T(test_incremental),
		T(test_batch_cap),
		T(test_resend),
		T(test_replay_older),
		T(test_wrong_party),
		T(test_forged_envelope),
		T(test_truncated),
		T(test_root_mismatch),
		T(test_equivocation),
		T(test_gap),
		T(test_store_loss),
		T(test_evidence_cap),
		T(test_unconfirmed),
		T(test_clock_rule),
		T(test_clock_rule_in_push),
		T(test_push_read),
		T(test_receipt_bad_cosig),
		T(test_receipt_ours_damaged),
		T(test_receipt_never_made),
		T(test_durable),
		T(test_verify),
		T(test_verify_damaged),
		T(test_rotation),
		T(test_rotation_refused),
		T(test_rotation_endpoint),
		T(test_rotation_tls),
		T(test_rekey),
	};
#undef T
#undef FLOW

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("transcript", tests, group_setup, group_teardown);
}
