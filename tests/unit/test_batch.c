/* test_batch.c - pushes: a log's new envelopes and the checkpoint that
 * covers them, as the peer (the witness) receives them.
 *
 * ru-cert (A) logs seven sealed envelopes to us-cert (B) in an in-memory
 * Merkle tree; a push carries envelopes old+1..size, the consistency
 * proof from B's last cosigned size and A's checkpoint.  witness_check()
 * does what B must do with one, so the bit-flip test can ask that no
 * damaged push gets past it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <sodium.h>

#include "batch.h"
#include "checkpoint.h"
#include "envelope.h"
#include "error.h"
#include "merkle.h"
#include "testlib.h"

#define LOG_N 7
#define LEVELS 4
#define MEM_LEVELS LEVELS
#define MEM_LEAVES LOG_N
#include "memlog.h"
#define SENT (TL_CREATED + 480)


static struct tl_party A, B;
static char origin[HL_ORIGIN_MAX + 1];
static struct hl_buf env[LOG_N];	/* seq 1..LOG_N */
static struct mem log_a;


static void root_at(uint64_t size, hl_hash out)
{
	struct hl_merkle_src src = {mem_node, &log_a};

	assert_int_equal(hl_merkle_root(&src, size, out), 0);
}

/* Seq 1..LOG_N from A to B; seq 4 is empty, the rest short lines. */
static void seal_log(void)
{
	struct hl_seal_params p = {
		.from = &A.card, .sign_sk = A.sign_sk, .to = &B.card,
		.time = SENT, .precedence = HL_ROUTINE, .kind = "notify",
	};

	memset(&log_a, 0, sizeof(log_a));
	for (int i = 0; i < LOG_N; i++) {
		char text[64];
		int n = snprintf(text, sizeof(text), "Report %d: line up.\n", i + 1);

		assert_true(n > 0);
		p.seq = (uint64_t)i + 1;
		p.time = SENT + i;
		hl_buf_init(&env[i], HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
		assert_int_equal(hl_envelope_seal(&p, (const unsigned char *)text,
						  i == 3 ? 0 : (size_t)n, &env[i]), 0);
		mem_add(&log_a, env[i].data, env[i].len);
	}
}

static int setup(void **state)
{
	unsigned char link[HL_LINK_ID_LEN];

	(void)state;
	tl_party_init(&A, "ru-cert", 1);
	tl_party_init(&B, "us-cert", 2);
	hl_link_id(A.card.sign_pk, B.card.sign_pk, link);
	hl_log_origin(link, A.card.name, origin);
	seal_log();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int i = 0; i < LOG_N; i++)
		hl_buf_free(&env[i]);
	return 0;
}

/* A's checkpoint of its log at size, in out (initialised here). */
static void checkpoint(uint64_t size, struct hl_buf *out)
{
	hl_hash root;

	root_at(size, root);
	hl_buf_init(out, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_checkpoint_sign(origin, size, root, A.sign_sk, out), 0);
}

static size_t consistency(uint64_t old, uint64_t size, hl_hash proof[HL_MERKLE_PROOF_MAX])
{
	struct hl_merkle_src src = {mem_node, &log_a};
	size_t count = 0;

	if (old == 0 || old == size)
		return 0;
	assert_int_equal(hl_merkle_consistency(&src, old, size, proof, &count), 0);
	return count;
}

/* The push of envelopes old+1..size with the proof from old, in out. */
static void push(uint64_t old, uint64_t size, struct hl_buf *out)
{
	hl_hash proof[HL_MERKLE_PROOF_MAX];
	size_t np = consistency(old, size, proof);
	struct hl_buf cp;

	checkpoint(size, &cp);
	hl_buf_init(out, HL_BATCH_MAX);
	assert_int_equal(hl_batch_begin(out), 0);
	for (uint64_t i = old; i < size; i++)
		assert_int_equal(hl_batch_add(out, env[i].data, env[i].len), 0);
	assert_int_equal(hl_batch_end(out, old, proof, np, cp.data, cp.len), 0);
	hl_buf_free(&cp);
}

static struct hl_batch *batch_new(void)
{
	struct hl_batch *b = malloc(sizeof(*b));

	assert_non_null(b);
	return b;
}

/* Parses a heap copy of exactly n bytes. */
static int parse_copy(const void *s, size_t n)
{
	struct hl_batch *b = batch_new();
	unsigned char *p = tl_dup(s, n);
	int r = hl_batch_parse(p, n, b);

	free(p);
	free(b);
	return r;
}

static int parse_buf(struct hl_buf *s)
{
	int r = parse_copy(s->data, s->len);

	hl_buf_free(s);
	return r;
}

static void cat(struct hl_buf *b, const char *s)
{
	assert_int_equal(hl_buf_puts(b, s), 0);
}

static void catb(struct hl_buf *b, const struct hl_buf *s)
{
	assert_int_equal(hl_buf_append(b, s->data, s->len), 0);
}

/* The envelopes as B checks them: A's, on the A-B link, in sequence,
 * adding each to the frontier of what B holds. */
static int check_envelopes(const struct hl_batch *b, struct hl_merkle_frontier *f)
{
	struct hl_merkle_node out[HL_MERKLE_LEVELS];
	size_t count;

	for (size_t i = 0; i < b->nenv; i++) {
		struct hl_envelope e;
		hl_hash leaf;
		int r = hl_envelope_parse(b->env[i].p, b->env[i].n, &e);

		if (r == 0)
			r = hl_envelope_verify(&e, &A.card);
		if (r == 0)
			r = hl_envelope_check_link(&e, NULL, &A.card, &B.card);
		if (r < 0)
			return r;
		if (e.seq != f->size + 1)
			return -HL_EGAP;
		hl_merkle_leaf(b->env[i].p, b->env[i].n, leaf);
		hl_merkle_frontier_add(f, leaf, out, &count);
	}
	return 0;
}

/* The checkpoint: A's, of A's log, over B's leaves, consistent with
 * B's last cosigned size. */
static int check_cp(const struct hl_batch *b, const struct hl_merkle_frontier *f)
{
	struct hl_checkpoint cp;
	hl_hash root, old_root;
	int r = hl_checkpoint_parse(b->checkpoint, b->checkpoint_len, &cp);

	if (r == 0)
		r = hl_checkpoint_verify(&cp, A.card.sign_pk);
	if (r < 0)
		return r;
	hl_merkle_frontier_root(f, root);
	if (strcmp(cp.origin, origin) != 0)
		return -HL_ELINK;
	if (cp.size != f->size || sodium_memcmp(root, cp.root, HL_HASH_LEN) != 0)
		return -HL_EPROOF;
	root_at(b->old, old_root);
	if (!hl_merkle_verify_consistency(b->old, cp.size, old_root, cp.root,
					  b->proof, b->nproof))
		return -HL_ECONSISTENCY;
	return 0;
}

/* B holds A's first old envelopes; checks a push of bytes s. */
static int witness_check(const void *s, size_t n, uint64_t old)
{
	struct hl_batch *b = batch_new();
	unsigned char *p = tl_dup(s, n);
	struct hl_merkle_frontier f;
	struct hl_merkle_node out[HL_MERKLE_LEVELS];
	size_t count;
	int r = hl_batch_parse(p, n, b);

	if (r == 0 && b->old != old)
		r = -HL_ECONSISTENCY;
	hl_merkle_frontier_init(&f);
	for (uint64_t i = 0; r == 0 && i < old; i++) {
		hl_hash leaf;

		hl_merkle_leaf(env[i].data, env[i].len, leaf);
		hl_merkle_frontier_add(&f, leaf, out, &count);
	}
	if (r == 0)
		r = check_envelopes(b, &f);
	if (r == 0)
		r = check_cp(b, &f);
	free(p);
	free(b);
	return r;
}

static void test_empty_push(void **state)
{
	struct hl_buf p, cp;
	struct hl_batch *b = batch_new();
	static const char head[] = "hotline.push/v1\nold 0\n\n";

	(void)state;
	push(0, 0, &p);
	checkpoint(0, &cp);
	assert_int_equal(p.len, strlen(head) + cp.len);
	assert_memory_equal(p.data, head, strlen(head));
	assert_memory_equal(p.data + strlen(head), cp.data, cp.len);
	assert_int_equal(hl_batch_parse(p.data, p.len, b), 0);
	assert_int_equal(b->nenv, 0);
	assert_int_equal(b->old, 0);
	assert_int_equal(b->nproof, 0);
	assert_ptr_equal(b->checkpoint, p.data + strlen(head));
	assert_int_equal(b->checkpoint_len, cp.len);
	assert_int_equal(witness_check(p.data, p.len, 0), 0);
	hl_buf_free(&cp);
	hl_buf_free(&p);
	/* The same checkpoint again, after B cosigned it: no envelopes. */
	push(3, 3, &p);
	assert_int_equal(witness_check(p.data, p.len, 3), 0);
	hl_buf_free(&p);
	free(b);
}

static void test_one_envelope(void **state)
{
	struct hl_buf p, cp;
	struct hl_batch *b = batch_new();
	char head[64];
	int hn;

	(void)state;
	push(0, 1, &p);
	checkpoint(1, &cp);
	hn = snprintf(head, sizeof(head), "hotline.push/v1\nenvelope %zu\n", env[0].len);
	assert_true(hn > 0);
	assert_int_equal(p.len, (size_t)hn + env[0].len + 7 + cp.len);
	assert_memory_equal(p.data, head, (size_t)hn);
	assert_memory_equal(p.data + hn, env[0].data, env[0].len);
	assert_memory_equal(p.data + hn + env[0].len, "old 0\n\n", 7);
	assert_int_equal(hl_batch_parse(p.data, p.len, b), 0);
	assert_int_equal(b->nenv, 1);
	assert_ptr_equal(b->env[0].p, p.data + hn);
	assert_int_equal(b->env[0].n, env[0].len);
	assert_int_equal(b->old, 0);
	assert_int_equal(b->nproof, 0);
	assert_int_equal(b->checkpoint_len, cp.len);
	assert_memory_equal(b->checkpoint, cp.data, cp.len);
	assert_int_equal(witness_check(p.data, p.len, 0), 0);
	/* Pushed to a B that holds nothing, but claiming B holds one. */
	assert_int_equal(witness_check(p.data, p.len, 1), -HL_ECONSISTENCY);
	hl_buf_free(&cp);
	hl_buf_free(&p);
	free(b);
}

static void test_several_envelopes(void **state)
{
	hl_hash proof[HL_MERKLE_PROOF_MAX];
	size_t np = consistency(2, LOG_N, proof);
	struct hl_batch *b = batch_new();
	struct hl_buf p;

	(void)state;
	assert_true(np > 0);
	push(2, LOG_N, &p);
	assert_int_equal(hl_batch_parse(p.data, p.len, b), 0);
	assert_int_equal(b->nenv, LOG_N - 2);
	for (size_t i = 0; i < b->nenv; i++) {
		assert_int_equal(b->env[i].n, env[i + 2].len);
		assert_memory_equal(b->env[i].p, env[i + 2].data, env[i + 2].len);
	}
	assert_int_equal(b->old, 2);
	assert_int_equal(b->nproof, np);
	assert_memory_equal(b->proof, proof, np * HL_HASH_LEN);
	assert_int_equal(witness_check(p.data, p.len, 2), 0);
	assert_int_equal(witness_check(p.data, p.len, 3), -HL_ECONSISTENCY);
	hl_buf_free(&p);
	push(0, LOG_N, &p);
	assert_int_equal(witness_check(p.data, p.len, 0), 0);
	hl_buf_free(&p);
	/* B holds 2; a push that says B holds 3 is refused. */
	push(3, LOG_N, &p);
	assert_int_equal(witness_check(p.data, p.len, 3), 0);
	assert_int_equal(witness_check(p.data, p.len, 2), -HL_ECONSISTENCY);
	hl_buf_free(&p);
	free(b);
}

/* The exact bytes of a push with a proof, built by hand. */
static void test_layout(void **state)
{
	hl_hash proof[HL_MERKLE_PROOF_MAX];
	size_t np = consistency(5, LOG_N, proof);
	struct hl_buf p, want, cp;
	char line[64];

	(void)state;
	push(5, LOG_N, &p);
	checkpoint(LOG_N, &cp);
	hl_buf_init(&want, HL_BATCH_MAX);
	cat(&want, "hotline.push/v1\n");
	for (int i = 5; i < LOG_N; i++) {
		assert_true(snprintf(line, sizeof(line), "envelope %zu\n", env[i].len) > 0);
		cat(&want, line);
		catb(&want, &env[i]);
	}
	cat(&want, "old 5\n");
	for (size_t i = 0; i < np; i++) {
		assert_int_equal(hl_buf_b64(&want, proof[i], HL_HASH_LEN), 0);
		cat(&want, "\n");
	}
	cat(&want, "\n");
	catb(&want, &cp);
	assert_int_equal(p.len, want.len);
	assert_memory_equal(p.data, want.data, want.len);
	hl_buf_free(&want);
	hl_buf_free(&cp);
	hl_buf_free(&p);
}

/* "hotline.push/v1\n<head><envelope 1>old 0\n\n<checkpoint 1>". */
static int parse_envelope_line(const char *head)
{
	struct hl_buf s, cp;

	checkpoint(1, &cp);
	hl_buf_init(&s, HL_BATCH_MAX);
	cat(&s, "hotline.push/v1\n");
	cat(&s, head);
	catb(&s, &env[0]);
	cat(&s, "old 0\n\n");
	catb(&s, &cp);
	hl_buf_free(&cp);
	return parse_buf(&s);
}

static void test_envelope_length(void **state)
{
	char line[64];
	size_t n = env[0].len;

	(void)state;
	assert_true(snprintf(line, sizeof(line), "envelope %zu\n", n) > 0);
	assert_int_equal(parse_envelope_line(line), 0);
	assert_true(snprintf(line, sizeof(line), "envelope %zu\n", n + 1) > 0);
	assert_int_equal(parse_envelope_line(line), -HL_EFIELD);
	assert_true(snprintf(line, sizeof(line), "envelope %zu\n", n - 1) > 0);
	assert_int_equal(parse_envelope_line(line), -HL_EFIELD);
	assert_true(snprintf(line, sizeof(line), "envelope %zu\n", n + 100000) > 0);
	assert_int_equal(parse_envelope_line(line), -HL_ETRUNCATED);
	assert_true(snprintf(line, sizeof(line), "envelope %zu\n",
			     (size_t)(HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX)) > 0);
	assert_int_equal(parse_envelope_line(line), -HL_ETRUNCATED);
	assert_true(snprintf(line, sizeof(line), "envelope %zu\n",
			     (size_t)(HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX + 1)) > 0);
	assert_int_equal(parse_envelope_line(line), -HL_ENUMBER);
	assert_true(snprintf(line, sizeof(line), "envelope 0%zu\n", n) > 0);
	assert_int_equal(parse_envelope_line(line), -HL_ENUMBER);
	assert_true(snprintf(line, sizeof(line), "envelope  %zu\n", n) > 0);
	assert_int_equal(parse_envelope_line(line), -HL_ENUMBER);
	assert_true(snprintf(line, sizeof(line), "envelope +%zu\n", n) > 0);
	assert_int_equal(parse_envelope_line(line), -HL_ENUMBER);
	assert_int_equal(parse_envelope_line("envelope -1\n"), -HL_ENUMBER);
	assert_int_equal(parse_envelope_line("envelope 18446744073709551617\n"),
			 -HL_ENUMBER);
	assert_int_equal(parse_envelope_line("envelope\n"), -HL_EFIELD);
	assert_int_equal(parse_envelope_line("envelopes 1\n"), -HL_EFIELD);
	/* Cut inside the envelope, or right after its length line. */
	assert_int_equal(parse_copy("hotline.push/v1\nenvelope 5\nabc", 30), -HL_ETRUNCATED);
	assert_int_equal(parse_copy("hotline.push/v1\nenvelope 5\n", 27), -HL_ETRUNCATED);
	assert_int_equal(parse_copy("hotline.push/v1\nenvelope 5", 26), -HL_ETRUNCATED);
}

/* A zero-length envelope passes the batch parser, not the envelope's. */
static void test_empty_envelope(void **state)
{
	struct hl_buf s, cp;
	struct hl_batch *b = batch_new();
	struct hl_envelope e;

	(void)state;
	checkpoint(0, &cp);
	hl_buf_init(&s, HL_BATCH_MAX);
	cat(&s, "hotline.push/v1\nenvelope 0\nold 0\n\n");
	catb(&s, &cp);
	assert_int_equal(hl_batch_parse(s.data, s.len, b), 0);
	assert_int_equal(b->nenv, 1);
	assert_int_equal(b->env[0].n, 0);
	assert_int_equal(hl_envelope_parse(b->env[0].p, b->env[0].n, &e), -HL_ETRUNCATED);
	assert_int_equal(witness_check(s.data, s.len, 0), -HL_ETRUNCATED);
	hl_buf_free(&s);
	hl_buf_free(&cp);
	free(b);
}

/* n envelope lines of length 0, then old 0 and a checkpoint. */
static int parse_n_envelopes(size_t n, size_t *nenv)
{
	struct hl_buf s, cp;
	struct hl_batch *b = batch_new();
	int r;

	checkpoint(0, &cp);
	hl_buf_init(&s, HL_BATCH_MAX);
	cat(&s, "hotline.push/v1\n");
	for (size_t i = 0; i < n; i++)
		cat(&s, "envelope 0\n");
	cat(&s, "old 0\n\n");
	catb(&s, &cp);
	r = hl_batch_parse(s.data, s.len, b);
	*nenv = b->nenv;
	hl_buf_free(&s);
	hl_buf_free(&cp);
	free(b);
	return r;
}

static void test_too_many_envelopes(void **state)
{
	size_t nenv;

	(void)state;
	assert_int_equal(parse_n_envelopes(HL_BATCH_ENVELOPES_MAX, &nenv), 0);
	assert_int_equal(nenv, HL_BATCH_ENVELOPES_MAX);
	assert_int_equal(parse_n_envelopes(HL_BATCH_ENVELOPES_MAX + 1, &nenv), -HL_ETOOBIG);
}

/* "hotline.push/v1\nold <old>\n" + n proof lines + "\n" + checkpoint. */
static int parse_proof_lines(const char *old, size_t n, const char *line)
{
	struct hl_buf s, cp;

	checkpoint(LOG_N, &cp);
	hl_buf_init(&s, HL_BATCH_MAX);
	cat(&s, "hotline.push/v1\n");
	cat(&s, old);
	for (size_t i = 0; i < n; i++)
		cat(&s, line);
	cat(&s, "\n");
	catb(&s, &cp);
	hl_buf_free(&cp);
	return parse_buf(&s);
}

/* tlog-witness: at most 63 proof lines, canonical base64 each. */
static void test_proof_lines(void **state)
{
	static const char h[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	hl_hash proof[HL_WITNESS_PROOF_MAX + 1];
	struct hl_buf out;

	(void)state;
	assert_int_equal(HL_WITNESS_PROOF_MAX, 63);
	assert_int_equal(parse_proof_lines("old 2\n", 63, h), 0);
	assert_int_equal(parse_proof_lines("old 2\n", 64, h), -HL_ETOOBIG);
	assert_int_equal(parse_proof_lines("old 2\n", 1000, h), -HL_ETOOBIG);
	assert_int_equal(parse_proof_lines("old 2\n", 1, "AAAA\n"), -HL_EBASE64);
	assert_int_equal(parse_proof_lines("old 2\n", 1,
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n"), -HL_EBASE64);
	assert_int_equal(parse_proof_lines("old 2\n", 1,
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n"), -HL_EBASE64);
	assert_int_equal(parse_proof_lines("old 2\n", 1, " \n"), -HL_EBASE64);
	memset(proof, 0, sizeof(proof));
	hl_buf_init(&out, HL_BATCH_MAX);
	assert_int_equal(hl_batch_end(&out, 2, proof, HL_WITNESS_PROOF_MAX + 1, "x", 1),
			 -HL_ETOOBIG);
	hl_buf_free(&out);
}

static void test_old(void **state)
{
	(void)state;
	assert_int_equal(parse_proof_lines("old 0\n", 0, ""), 0);
	assert_int_equal(parse_proof_lines("old 9223372036854775807\n", 0, ""), 0);
	assert_int_equal(parse_proof_lines("old 9223372036854775808\n", 0, ""), -HL_ENUMBER);
	assert_int_equal(parse_proof_lines("old 00\n", 0, ""), -HL_ENUMBER);
	assert_int_equal(parse_proof_lines("old 02\n", 0, ""), -HL_ENUMBER);
	assert_int_equal(parse_proof_lines("old -1\n", 0, ""), -HL_ENUMBER);
	assert_int_equal(parse_proof_lines("old  2\n", 0, ""), -HL_ENUMBER);
	assert_int_equal(parse_proof_lines("old 2 \n", 0, ""), -HL_ENUMBER);
	assert_int_equal(parse_proof_lines("old\n", 0, ""), -HL_EFIELD);
	assert_int_equal(parse_proof_lines("old \n", 0, ""), -HL_EFIELD);
	assert_int_equal(parse_proof_lines("Old 2\n", 0, ""), -HL_EFIELD);
	assert_int_equal(parse_proof_lines("new 2\n", 0, ""), -HL_EFIELD);
	assert_int_equal(parse_proof_lines("", 0, ""), -HL_EFIELD);
}

static void test_missing_blank_line(void **state)
{
	struct hl_buf s, cp;

	(void)state;
	checkpoint(LOG_N, &cp);
	hl_buf_init(&s, HL_BATCH_MAX);
	cat(&s, "hotline.push/v1\nold 0\n");
	catb(&s, &cp);
	/* The checkpoint's origin line is read as a proof line. */
	assert_int_equal(parse_buf(&s), -HL_EBASE64);
	hl_buf_init(&s, HL_BATCH_MAX);
	cat(&s, "hotline.push/v1\nold 2\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	catb(&s, &cp);
	assert_int_equal(parse_buf(&s), -HL_EBASE64);
	/* No checkpoint at all. */
	assert_int_equal(parse_copy("hotline.push/v1\nold 0\n\n", 23), -HL_ETRUNCATED);
	assert_int_equal(parse_copy("hotline.push/v1\nold 0\n", 22), -HL_ETRUNCATED);
	assert_int_equal(parse_copy("hotline.push/v1\nold 0", 21), -HL_ETRUNCATED);
	hl_buf_free(&cp);
}

static void test_type_line(void **state)
{
	static const char *const bad[] = {
		"hotline.push/v2\n", "hotline.push/v1 \n", " hotline.push/v1\n",
		"Hotline.push/v1\n", "hotline.proof/v1\n", "hotline.push/v1\r\n",
		"\n", "hotline.push\n", "c2sp.org/tlog-witness\n",
	};
	struct hl_buf p;

	(void)state;
	push(5, LOG_N, &p);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct hl_buf s;
		int r;

		hl_buf_init(&s, HL_BATCH_MAX);
		cat(&s, bad[i]);
		assert_int_equal(hl_buf_append(&s, p.data + 16, p.len - 16), 0);
		r = parse_buf(&s);
		if (r != -HL_ETYPE)
			fail_msg("type line %zu: got %d", i, r);
	}
	assert_int_equal(parse_copy("", 0), -HL_ETRUNCATED);
	assert_int_equal(parse_copy("hotline.push/v1", 15), -HL_ETRUNCATED);
	hl_buf_free(&p);
}

/* Every cut fails, or leaves a checkpoint that does not parse. */
static void test_every_truncation(void **state)
{
	struct hl_batch *b = batch_new();
	struct hl_checkpoint cp;
	struct hl_buf p;
	size_t cp_cuts = 0;

	(void)state;
	push(2, LOG_N, &p);
	for (size_t k = 0; k < p.len; k++) {
		unsigned char *c = tl_dup(p.data, k);

		if (hl_batch_parse(c, k, b) == 0) {
			if (hl_checkpoint_parse(b->checkpoint, b->checkpoint_len, &cp) == 0)
				fail_msg("cut at %zu parses whole", k);
			cp_cuts++;
		}
		free(c);
	}
	assert_true(cp_cuts > 0 && cp_cuts < 512);
	hl_buf_free(&p);
	free(b);
}

/* No single flipped bit anywhere in a push gets past the witness. */
static void test_every_bit_flip(void **state)
{
	struct hl_buf p;

	(void)state;
	push(5, LOG_N, &p);
	assert_int_equal(witness_check(p.data, p.len, 5), 0);
	for (size_t i = 0; i < p.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			p.data[i] ^= (unsigned char)(1 << bit);
			if (witness_check(p.data, p.len, 5) == 0)
				fail_msg("flip of bit %d at byte %zu passes", bit, i);
			p.data[i] ^= (unsigned char)(1 << bit);
		}
	}
	hl_buf_free(&p);
}

static void test_trailing_garbage(void **state)
{
	struct hl_batch *b = batch_new();
	struct hl_checkpoint cp;
	struct hl_buf p;

	(void)state;
	push(5, LOG_N, &p);
	cat(&p, "x");
	assert_int_equal(hl_batch_parse(p.data, p.len, b), 0);
	assert_true(hl_checkpoint_parse(b->checkpoint, b->checkpoint_len, &cp) < 0);
	assert_true(witness_check(p.data, p.len, 5) < 0);
	hl_buf_free(&p);
	free(b);
}

static void test_oversized(void **state)
{
	unsigned char *p = calloc(1, (size_t)HL_BATCH_MAX + 1);
	struct hl_batch *b = batch_new();

	(void)state;
	assert_non_null(p);
	memcpy(p, "hotline.push/v1\n", 16);
	assert_int_equal(hl_batch_parse(p, (size_t)HL_BATCH_MAX + 1, b), -HL_ETOOBIG);
	free(p);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_push),
		cmocka_unit_test(test_one_envelope),
		cmocka_unit_test(test_several_envelopes),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_envelope_length),
		cmocka_unit_test(test_empty_envelope),
		cmocka_unit_test(test_too_many_envelopes),
		cmocka_unit_test(test_proof_lines),
		cmocka_unit_test(test_old),
		cmocka_unit_test(test_missing_blank_line),
		cmocka_unit_test(test_type_line),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_oversized),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("batch", tests, setup, teardown);
}
