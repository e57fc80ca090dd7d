/* test_proof.c - proof files: one envelope, its inclusion in the
 * sender's log, and the recipient's receipt, checked by a third party
 * who holds only the two cards.
 *
 * ru-cert (A) logs five sealed envelopes to us-cert (B) in an in-memory
 * Merkle tree (seq 1..5 at leaves 0..4); A signs the checkpoint of size
 * 5 and B cosigns it.  jp-cert (C) is a third party, with a one-envelope
 * log from A of its own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <sodium.h>

#include "checkpoint.h"
#include "envelope.h"
#include "error.h"
#include "merkle.h"
#include "proof.h"
#include "testlib.h"

#define LOG_N 5
#define LEVELS 4
#define MEM_LEVELS LEVELS
#define MEM_LEAVES LOG_N
#include "memlog.h"
#define SENT (TL_CREATED + 480)
#define RECEIPT (TL_CREATED + 900)


/* A log of envelopes from one party to another. */
struct log {
	struct hl_buf env[LOG_N];
	struct mem m;
	char origin[HL_ORIGIN_MAX + 1];
};

/* What a verified proof showed, copied out of its result. */
struct got {
	const struct hl_card *sender, *recipient;
	uint64_t seq, size, time;
};

static struct tl_party A, B, C;
static struct log ab, ac;	/* A to B, five envelopes; A to C, one */
static struct hl_buf cp_ab;	/* A's checkpoint of ab at 5, cosigned by B */


static void seal(const struct tl_party *from, const struct tl_party *to,
		 uint64_t seq, struct hl_buf *out)
{
	struct hl_seal_params p = {
		.from = &from->card, .sign_sk = from->sign_sk, .to = &to->card,
		.seq = seq, .time = SENT + (int64_t)seq, .precedence = HL_IMMEDIATE,
		.kind = "notify",
	};
	char text[64];
	int n = snprintf(text, sizeof(text), "Incident %llu: please confirm.\n",
			 (unsigned long long)seq);

	assert_true(n > 0);
	hl_buf_init(out, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	assert_int_equal(hl_envelope_seal(&p, (const unsigned char *)text, (size_t)n,
					  out), 0);
}

static void log_init(struct log *l, const struct tl_party *from,
		     const struct tl_party *to, size_t n)
{
	unsigned char link[HL_LINK_ID_LEN];

	memset(l, 0, sizeof(*l));
	hl_link_id(from->card.sign_pk, to->card.sign_pk, link);
	hl_log_origin(link, from->card.name, l->origin);
	for (size_t i = 0; i < n; i++) {
		seal(from, to, i + 1, &l->env[i]);
		mem_add(&l->m, l->env[i].data, l->env[i].len);
	}
}

/* A checkpoint of l at size under origin o, signed by sk and, when
 * cosk is not NULL, cosigned by (coname, cosk); out is initialised here. */
/* Appends the cosignature of (name, sk) to the checkpoint in b. */
static void cosign(struct hl_buf *b, const char *name, const unsigned char *sk)
{
	struct hl_checkpoint cp;
	struct hl_buf line;

	assert_int_equal(hl_checkpoint_parse(b->data, b->len, &cp), 0);
	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	assert_int_equal(hl_cosig_sign(&cp, name, sk, RECEIPT, &line), 0);
	assert_int_equal(hl_buf_append(b, line.data, line.len), 0);
	hl_buf_free(&line);
}

static void make_cp(const struct log *l, uint64_t size, const char *o,
		    const unsigned char *sk, const char *coname,
		    const unsigned char *cosk, struct hl_buf *out)
{
	struct hl_merkle_src src = {mem_node, (void *)&l->m};
	hl_hash root;

	assert_int_equal(hl_merkle_root(&src, size, root), 0);
	hl_buf_init(out, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_checkpoint_sign(o, size, root, sk, out), 0);
	if (cosk)
		cosign(out, coname, cosk);
}

static int setup(void **state)
{
	(void)state;
	tl_party_init(&A, "ru-cert", 1);
	tl_party_init(&B, "us-cert", 2);
	tl_party_init(&C, "jp-cert", 3);
	log_init(&ab, &A, &B, LOG_N);
	log_init(&ac, &A, &C, 1);
	make_cp(&ab, LOG_N, ab.origin, A.sign_sk, "us-cert", B.sign_sk, &cp_ab);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < LOG_N; i++) {
		hl_buf_free(&ab.env[i]);
		hl_buf_free(&ac.env[i]);
	}
	hl_buf_free(&cp_ab);
	return 0;
}

/* The inclusion path of leaf index in l's tree of size leaves. */
static size_t path_of(const struct log *l, uint64_t index, uint64_t size,
		      hl_hash path[HL_MERKLE_PROOF_MAX])
{
	struct hl_merkle_src src = {mem_node, (void *)&l->m};
	size_t n = 0;

	assert_int_equal(hl_merkle_inclusion(&src, index, size, path, &n), 0);
	return n;
}

/* A proof file for envelope e claiming index, with the path of leaf
 * index in l at cp's size; out is initialised here. */
static void make_proof(const struct hl_buf *e, const unsigned char *key,
		       const struct log *l, uint64_t index, uint64_t size,
		       const struct hl_buf *cp, struct hl_buf *out)
{
	hl_hash path[HL_MERKLE_PROOF_MAX];
	size_t n = path_of(l, index, size, path);

	hl_buf_init(out, HL_PROOF_MAX);
	assert_int_equal(hl_proof_encode(out, e->data, e->len, key, index, path, n,
					 cp->data, cp->len), 0);
}

/* The usual proof: ab's envelope at index i, ab's cosigned checkpoint. */
static void proof_ab(size_t i, const unsigned char *key, struct hl_buf *out)
{
	make_proof(&ab.env[i], key, &ab, i, LOG_N, &cp_ab, out);
}

/* Parses a heap copy of exactly n bytes and verifies it with (a, b). */
static int verify_copy(const void *s, size_t n, const struct tl_party *a,
		       const struct tl_party *b, struct got *g)
{
	struct hl_proof p;
	struct hl_proof_result res;
	unsigned char *c = tl_dup(s, n);
	int r = hl_proof_parse(c, n, &p);

	if (r == 0)
		r = hl_proof_verify(&p, &a->card, &b->card, &res);
	if (r == 0 && g) {
		g->sender = res.sender;
		g->recipient = res.recipient;
		g->seq = res.env.seq;
		g->size = res.cp.size;
		g->time = res.receipt_time;
	}
	free(c);
	return r;
}

static int verify_buf(const struct hl_buf *s, const struct tl_party *a,
		      const struct tl_party *b)
{
	return verify_copy(s->data, s->len, a, b, NULL);
}

/* Verifies and frees s. */
static int verify_free(struct hl_buf *s, const struct tl_party *a,
		       const struct tl_party *b)
{
	int r = verify_buf(s, a, b);

	hl_buf_free(s);
	return r;
}

static void unwrap(const struct hl_buf *e, const struct tl_party *me,
		   unsigned char key[HL_KEY_LEN])
{
	struct hl_envelope env;

	assert_int_equal(hl_envelope_parse(e->data, e->len, &env), 0);
	assert_int_equal(hl_envelope_unwrap(&env, me->card.name, me->card.box_pk,
					    me->box_sk, key), 0);
}

static void assert_got(const struct got *g, uint64_t seq)
{
	assert_ptr_equal(g->sender, &A.card);
	assert_ptr_equal(g->recipient, &B.card);
	assert_int_equal(g->seq, seq);
	assert_int_equal(g->size, LOG_N);
	assert_int_equal(g->time, RECEIPT);
}

/* Each envelope of the log, the cards in either order. */
static void test_verify_each(void **state)
{
	struct hl_buf p;
	struct got g;

	(void)state;
	for (size_t i = 0; i < LOG_N; i++) {
		proof_ab(i, NULL, &p);
		memset(&g, 0, sizeof(g));
		assert_int_equal(verify_copy(p.data, p.len, &A, &B, &g), 0);
		assert_got(&g, i + 1);
		memset(&g, 0, sizeof(g));
		assert_int_equal(verify_copy(p.data, p.len, &B, &A, &g), 0);
		assert_got(&g, i + 1);
		hl_buf_free(&p);
	}
}

/* The exact bytes, and what the parser makes of them. */
static void test_layout(void **state)
{
	hl_hash path[HL_MERKLE_PROOF_MAX];
	size_t np = path_of(&ab, 2, LOG_N, path);
	unsigned char key[HL_KEY_LEN];
	struct hl_buf p, want;
	struct hl_proof pr;

	(void)state;
	unwrap(&ab.env[2], &B, key);
	proof_ab(2, key, &p);
	hl_buf_init(&want, HL_PROOF_MAX);
	assert_int_equal(hl_buf_printf(&want, "hotline.proof/v1\nenvelope %zu\n",
				       ab.env[2].len), 0);
	assert_int_equal(hl_buf_append(&want, ab.env[2].data, ab.env[2].len), 0);
	assert_int_equal(hl_buf_puts(&want, "key "), 0);
	assert_int_equal(hl_buf_b64(&want, key, HL_KEY_LEN), 0);
	assert_int_equal(hl_buf_puts(&want, "\nc2sp.org/tlog-proof@v1\nindex 2\n"), 0);
	for (size_t i = 0; i < np; i++) {
		assert_int_equal(hl_buf_b64(&want, path[i], HL_HASH_LEN), 0);
		assert_int_equal(hl_buf_puts(&want, "\n"), 0);
	}
	assert_int_equal(hl_buf_puts(&want, "\n"), 0);
	assert_int_equal(hl_buf_append(&want, cp_ab.data, cp_ab.len), 0);
	assert_int_equal(p.len, want.len);
	assert_memory_equal(p.data, want.data, want.len);
	assert_int_equal(hl_proof_parse(p.data, p.len, &pr), 0);
	assert_ptr_equal(pr.envelope, p.data + 16 + 10 + 4);
	assert_int_equal(pr.envelope_len, ab.env[2].len);
	assert_true(pr.has_key);
	assert_memory_equal(pr.key, key, HL_KEY_LEN);
	assert_int_equal(pr.index, 2);
	assert_int_equal(pr.npath, np);
	assert_memory_equal(pr.path, path, np * HL_HASH_LEN);
	assert_ptr_equal(pr.checkpoint, p.data + p.len - cp_ab.len);
	assert_int_equal(pr.checkpoint_len, cp_ab.len);
	hl_buf_free(&want);
	hl_buf_free(&p);
}

static void test_disclosed_key(void **state)
{
	unsigned char kb[HL_KEY_LEN], ka[HL_KEY_LEN], other[HL_KEY_LEN];
	struct hl_buf p;

	(void)state;
	unwrap(&ab.env[1], &B, kb);
	unwrap(&ab.env[1], &A, ka);
	assert_memory_equal(ka, kb, HL_KEY_LEN);
	proof_ab(1, kb, &p);
	assert_int_equal(verify_buf(&p, &A, &B), 0);
	assert_int_equal(verify_free(&p, &B, &A), 0);
	/* Another message's key, a flipped bit, nothing. */
	unwrap(&ab.env[2], &B, other);
	proof_ab(1, other, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EKEYCOMMIT);
	kb[0] ^= 0x01;
	proof_ab(1, kb, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EKEYCOMMIT);
	memset(other, 0, sizeof(other));
	proof_ab(1, other, &p);
	assert_int_equal(verify_free(&p, &B, &A), -HL_EKEYCOMMIT);
}

/* Only the two parties of the envelope's link. */
static void test_other_cards(void **state)
{
	struct tl_party impostor;
	struct hl_buf p;

	(void)state;
	proof_ab(0, NULL, &p);
	assert_int_equal(verify_buf(&p, &A, &C), -HL_ELINK);
	assert_int_equal(verify_buf(&p, &C, &B), -HL_ELINK);
	assert_int_equal(verify_buf(&p, &C, &A), -HL_ELINK);
	assert_int_equal(verify_buf(&p, &A, &A), -HL_ELINK);
	assert_int_equal(verify_buf(&p, &B, &B), -HL_ELINK);
	/* C's keys under B's name, then under A's. */
	tl_party_init(&impostor, "us-cert", 3);
	assert_int_equal(verify_buf(&p, &A, &impostor), -HL_ELINK);
	tl_party_init(&impostor, "ru-cert", 3);
	assert_int_equal(verify_buf(&p, &impostor, &B), -HL_ELINK);
	hl_buf_free(&p);
}

/* A proof from the A-C link is no proof on the A-B link, and a
 * checkpoint of another log does not receipt an A-B envelope. */
static void test_other_link(void **state)
{
	char o[HL_ORIGIN_MAX + 1];
	struct hl_envelope e;
	struct hl_buf p, cp;
	struct got g;

	(void)state;
	make_cp(&ac, 1, ac.origin, A.sign_sk, "jp-cert", C.sign_sk, &cp);
	make_proof(&ac.env[0], NULL, &ac, 0, 1, &cp, &p);
	assert_int_equal(verify_copy(p.data, p.len, &C, &A, &g), 0);
	assert_ptr_equal(g.sender, &A.card);
	assert_ptr_equal(g.recipient, &C.card);
	assert_int_equal(g.size, 1);
	assert_int_equal(verify_free(&p, &A, &B), -HL_ELINK);
	hl_buf_free(&cp);
	/* The A-B tree under the A-C log's origin, cosigned by B. */
	make_cp(&ab, LOG_N, ac.origin, A.sign_sk, "us-cert", B.sign_sk, &cp);
	make_proof(&ab.env[3], NULL, &ab, 3, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_ELINK);
	hl_buf_free(&cp);
	/* ...and under the origin of B's own log on the A-B link. */
	assert_int_equal(hl_envelope_parse(ab.env[0].data, ab.env[0].len, &e), 0);
	hl_log_origin(e.link, "us-cert", o);
	make_cp(&ab, LOG_N, o, A.sign_sk, "us-cert", B.sign_sk, &cp);
	make_proof(&ab.env[3], NULL, &ab, 3, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_ELINK);
	hl_buf_free(&cp);
}

/* The index is the envelope's seq - 1, and inside the checkpoint. */
static void test_wrong_index(void **state)
{
	hl_hash path[HL_MERKLE_PROOF_MAX];
	size_t np = path_of(&ab, 2, LOG_N, path);
	struct hl_buf p, cp3;

	(void)state;
	/* Leaf 2's path claimed for index 3, then leaf 3's own path. */
	hl_buf_init(&p, HL_PROOF_MAX);
	assert_int_equal(hl_proof_encode(&p, ab.env[2].data, ab.env[2].len, NULL, 3,
					 path, np, cp_ab.data, cp_ab.len), 0);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
	make_proof(&ab.env[2], NULL, &ab, 3, LOG_N, &cp_ab, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
	make_proof(&ab.env[2], NULL, &ab, 1, LOG_N, &cp_ab, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
	/* Past the tree, and far past it. */
	hl_buf_init(&p, HL_PROOF_MAX);
	assert_int_equal(hl_proof_encode(&p, ab.env[2].data, ab.env[2].len, NULL,
					 LOG_N, path, np, cp_ab.data, cp_ab.len), 0);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
	hl_buf_init(&p, HL_PROOF_MAX);
	assert_int_equal(hl_proof_encode(&p, ab.env[2].data, ab.env[2].len, NULL,
					 INT64_MAX - 1, path, np, cp_ab.data, cp_ab.len), 0);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
	/* An older receipt (size 3) covers seq 3 but not seq 4. */
	make_cp(&ab, 3, ab.origin, A.sign_sk, "us-cert", B.sign_sk, &cp3);
	make_proof(&ab.env[2], NULL, &ab, 2, 3, &cp3, &p);
	assert_int_equal(verify_free(&p, &A, &B), 0);
	hl_buf_init(&p, HL_PROOF_MAX);
	assert_int_equal(hl_proof_encode(&p, ab.env[3].data, ab.env[3].len, NULL, 3,
					 path, np, cp3.data, cp3.len), 0);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
	hl_buf_free(&cp3);
}

/* A log whose leaves 2 and 3 are swapped: seq 4 is included at index 2,
 * which the Merkle path shows, but the index must be seq - 1. */
static void test_index_is_seq(void **state)
{
	static const size_t order[LOG_N] = {0, 1, 3, 2, 4};
	static struct log sw;
	struct hl_buf p, cp;

	(void)state;
	memset(&sw, 0, sizeof(sw));
	for (size_t i = 0; i < LOG_N; i++)
		mem_add(&sw.m, ab.env[order[i]].data, ab.env[order[i]].len);
	make_cp(&sw, LOG_N, ab.origin, A.sign_sk, "us-cert", B.sign_sk, &cp);
	make_proof(&ab.env[0], NULL, &sw, 0, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), 0);
	make_proof(&ab.env[3], NULL, &sw, 2, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
	make_proof(&ab.env[3], NULL, &sw, 3, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
	hl_buf_free(&cp);
}

/* A genuine A-B envelope with seq 3 that is not the one in the log. */
static void test_not_in_log(void **state)
{
	struct hl_buf e, p;

	(void)state;
	seal(&A, &B, 3, &e);
	make_proof(&e, NULL, &ab, 2, LOG_N, &cp_ab, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
	hl_buf_free(&e);
}

/* An audit path with one hash changed, one missing or one too many. */
static void test_tampered_path(void **state)
{
	hl_hash path[HL_MERKLE_PROOF_MAX];
	size_t np = path_of(&ab, 2, LOG_N, path);
	struct hl_buf p;

	(void)state;
	assert_true(np >= 2);
	for (size_t i = 0; i < np; i++) {
		for (size_t k = 0; k < HL_HASH_LEN; k++) {
			path[i][k] ^= 0x10;
			hl_buf_init(&p, HL_PROOF_MAX);
			assert_int_equal(hl_proof_encode(&p, ab.env[2].data, ab.env[2].len,
							 NULL, 2, path, np, cp_ab.data,
							 cp_ab.len), 0);
			assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
			path[i][k] ^= 0x10;
		}
	}
	for (size_t n = 0; n <= np + 1; n++) {
		if (n == np)
			continue;
		hl_buf_init(&p, HL_PROOF_MAX);
		assert_int_equal(hl_proof_encode(&p, ab.env[2].data, ab.env[2].len, NULL,
						 2, path, n, cp_ab.data, cp_ab.len), 0);
		assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
	}
}

/* The receipt must be B's own cosignature. */
static void test_cosigner(void **state)
{
	struct hl_buf p, cp;

	(void)state;
	make_cp(&ab, LOG_N, ab.origin, A.sign_sk, "us-cert", C.sign_sk, &cp);
	make_proof(&ab.env[0], NULL, &ab, 0, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_ENOSIG);
	hl_buf_free(&cp);
	make_cp(&ab, LOG_N, ab.origin, A.sign_sk, "jp-cert", C.sign_sk, &cp);
	make_proof(&ab.env[0], NULL, &ab, 0, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_ENOSIG);
	hl_buf_free(&cp);
	make_cp(&ab, LOG_N, ab.origin, A.sign_sk, NULL, NULL, &cp);
	make_proof(&ab.env[0], NULL, &ab, 0, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_ENOSIG);
	hl_buf_free(&cp);
	/* A cosigning its own checkpoint under B's name. */
	make_cp(&ab, LOG_N, ab.origin, A.sign_sk, "us-cert", A.sign_sk, &cp);
	make_proof(&ab.env[0], NULL, &ab, 0, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_ENOSIG);
	hl_buf_free(&cp);
}

/* B's cosignature with its last signature byte changed. */
static void test_forged_cosignature(void **state)
{
	struct hl_buf p, cp;
	struct hl_checkpoint c;
	unsigned char raw[4 + 8 + HL_ED25519_SIG_LEN];
	const struct hl_note_sig *sig;

	(void)state;
	hl_buf_init(&cp, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_buf_append(&cp, cp_ab.data, cp_ab.len), 0);
	assert_int_equal(hl_checkpoint_parse(cp.data, cp.len, &c), 0);
	sig = hl_note_find(&c.note, "us-cert",
			   hl_note_keyid("us-cert", HL_SIGTYPE_COSIG, B.card.sign_pk, 32));
	assert_non_null(sig);
	assert_int_equal(hl_note_sig_decode(sig, raw, sizeof(raw)), 0);
	raw[sizeof(raw) - 1] ^= 0x01;
	cp.len = (size_t)((const unsigned char *)sig->b64 - cp.data);
	assert_int_equal(hl_buf_b64(&cp, raw, sizeof(raw)), 0);
	assert_int_equal(hl_buf_puts(&cp, "\n"), 0);
	assert_int_equal(cp.len, cp_ab.len);
	make_proof(&ab.env[0], NULL, &ab, 0, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EBADSIG);
	hl_buf_free(&cp);
}

/* The checkpoint must be A's: B or C signing A's origin is not enough,
 * and A's signature on a root of another tree does not include. */
static void test_checkpoint_signer(void **state)
{
	struct hl_buf p, cp;
	struct hl_merkle_src src = {mem_node, &ab.m};
	hl_hash root4;

	(void)state;
	make_cp(&ab, LOG_N, ab.origin, B.sign_sk, "us-cert", B.sign_sk, &cp);
	make_proof(&ab.env[0], NULL, &ab, 0, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_ENOSIG);
	hl_buf_free(&cp);
	make_cp(&ab, LOG_N, ab.origin, C.sign_sk, "us-cert", B.sign_sk, &cp);
	make_proof(&ab.env[0], NULL, &ab, 0, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_ENOSIG);
	hl_buf_free(&cp);
	assert_int_equal(hl_merkle_root(&src, 4, root4), 0);
	hl_buf_init(&cp, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_checkpoint_sign(ab.origin, LOG_N, root4, A.sign_sk, &cp), 0);
	cosign(&cp, "us-cert", B.sign_sk);
	make_proof(&ab.env[0], NULL, &ab, 0, LOG_N, &cp, &p);
	assert_int_equal(verify_free(&p, &A, &B), -HL_EPROOF);
	hl_buf_free(&cp);
}

/* No single flipped bit of a whole proof file (with a key) verifies. */
static void test_every_bit_flip(void **state)
{
	unsigned char key[HL_KEY_LEN];
	struct hl_buf p;

	(void)state;
	unwrap(&ab.env[2], &B, key);
	proof_ab(2, key, &p);
	assert_int_equal(verify_buf(&p, &A, &B), 0);
	for (size_t i = 0; i < p.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			p.data[i] ^= (unsigned char)(1 << bit);
			if (verify_buf(&p, &A, &B) == 0)
				fail_msg("flip of bit %d at byte %zu verifies", bit, i);
			p.data[i] ^= (unsigned char)(1 << bit);
		}
	}
	hl_buf_free(&p);
}

/* No strict prefix verifies, with or without a key. */
static void test_every_truncation(void **state)
{
	unsigned char key[HL_KEY_LEN];
	struct hl_buf p;

	(void)state;
	unwrap(&ab.env[4], &A, key);
	for (int with_key = 0; with_key < 2; with_key++) {
		proof_ab(4, with_key ? key : NULL, &p);
		assert_int_equal(verify_buf(&p, &A, &B), 0);
		for (size_t k = 0; k < p.len; k++)
			if (verify_copy(p.data, k, &A, &B, NULL) == 0)
				fail_msg("prefix of %zu bytes verifies", k);
		hl_buf_free(&p);
	}
}

/* Parses head || envelope 0 || mid || checkpoint. */
static int parse_parts(const char *head, const char *mid)
{
	struct hl_buf s;
	struct hl_proof p;
	int r;

	hl_buf_init(&s, HL_PROOF_MAX);
	assert_int_equal(hl_buf_puts(&s, head), 0);
	assert_int_equal(hl_buf_append(&s, ab.env[0].data, ab.env[0].len), 0);
	assert_int_equal(hl_buf_puts(&s, mid), 0);
	assert_int_equal(hl_buf_append(&s, cp_ab.data, cp_ab.len), 0);
	r = hl_proof_parse(s.data, s.len, &p);
	hl_buf_free(&s);
	return r;
}

static void test_parse_head(void **state)
{
	char head[64], big[64];
	static const char mid[] = "c2sp.org/tlog-proof@v1\nindex 0\n\n";

	(void)state;
	assert_true(snprintf(head, sizeof(head), "hotline.proof/v1\nenvelope %zu\n",
			     ab.env[0].len) > 0);
	assert_int_equal(parse_parts(head, mid), 0);
	assert_int_equal(parse_parts(head + 1, mid), -HL_ETYPE);
	assert_int_equal(parse_parts("hotline.push/v1\nenvelope 1\n", mid), -HL_ETYPE);
	assert_int_equal(parse_parts("hotline.proof/v1\nenvelop 1\n", mid), -HL_EFIELD);
	assert_int_equal(parse_parts("hotline.proof/v1\nenvelope 01\n", mid), -HL_ENUMBER);
	assert_int_equal(parse_parts("hotline.proof/v1\nenvelope -1\n", mid), -HL_ENUMBER);
	assert_true(snprintf(big, sizeof(big), "hotline.proof/v1\nenvelope %zu\n",
			     (size_t)(HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX + 1)) > 0);
	assert_int_equal(parse_parts(big, mid), -HL_ENUMBER);
	assert_true(snprintf(big, sizeof(big), "hotline.proof/v1\nenvelope %zu\n",
			     (size_t)(HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX)) > 0);
	assert_int_equal(parse_parts(big, mid), -HL_ETRUNCATED);
	assert_int_equal(parse_parts(head, "key AAAA\nc2sp.org/tlog-proof@v1\nindex 0\n\n"),
			 -HL_EBASE64);
	assert_int_equal(parse_parts(head, "key \nc2sp.org/tlog-proof@v1\nindex 0\n\n"),
			 -HL_EFIELD);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v2\nindex 0\n\n"),
			 -HL_EFIELD);
	assert_int_equal(parse_parts(head, "index 0\n\n"), -HL_EFIELD);
	assert_int_equal(parse_parts(head, "\nc2sp.org/tlog-proof@v1\nindex 0\n\n"),
			 -HL_EFIELD);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\n"
				     "key AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
				     "index 0\n\n"), -HL_EFIELD);
	/* C2SP tlog-proof allows an "extra" line; Hotline's proofs have none. */
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nextra AAAA\nindex 0\n\n"),
			 -HL_EFIELD);
}

static void test_parse_index(void **state)
{
	char head[64];

	(void)state;
	assert_true(snprintf(head, sizeof(head), "hotline.proof/v1\nenvelope %zu\n",
			     ab.env[0].len) > 0);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nindex 0\n\n"), 0);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nindex 9223372036854775806\n\n"),
			 0);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nindex 9223372036854775807\n\n"),
			 -HL_ENUMBER);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nindex 00\n\n"), -HL_ENUMBER);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nindex 01\n\n"), -HL_ENUMBER);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nindex -1\n\n"), -HL_ENUMBER);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nindex  1\n\n"), -HL_ENUMBER);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nindex\n\n"), -HL_EFIELD);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nIndex 0\n\n"), -HL_EFIELD);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\n\n"), -HL_EFIELD);
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nindex 0\nAAAA\n\n"),
			 -HL_EBASE64);
	/* No blank line: the checkpoint's origin is read as a path hash. */
	assert_int_equal(parse_parts(head, "c2sp.org/tlog-proof@v1\nindex 0\n"), -HL_EBASE64);
}

/* "...index 0\n" + n copies of a hash line + "\n" + checkpoint. */
static int parse_path_lines(size_t n)
{
	static const char h[] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
	struct hl_buf s;
	struct hl_proof p;
	int r;

	hl_buf_init(&s, HL_PROOF_MAX + 4096);
	assert_int_equal(hl_buf_printf(&s, "hotline.proof/v1\nenvelope %zu\n",
				       ab.env[0].len), 0);
	assert_int_equal(hl_buf_append(&s, ab.env[0].data, ab.env[0].len), 0);
	assert_int_equal(hl_buf_puts(&s, "c2sp.org/tlog-proof@v1\nindex 0\n"), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(hl_buf_puts(&s, h), 0);
	assert_int_equal(hl_buf_puts(&s, "\n"), 0);
	assert_int_equal(hl_buf_append(&s, cp_ab.data, cp_ab.len), 0);
	r = hl_proof_parse(s.data, s.len, &p);
	if (r == 0)
		assert_int_equal(p.npath, n);
	hl_buf_free(&s);
	return r;
}

static void test_parse_path(void **state)
{
	(void)state;
	assert_int_equal(parse_path_lines(0), 0);
	assert_int_equal(parse_path_lines(HL_MERKLE_PROOF_MAX), 0);
	assert_int_equal(parse_path_lines(HL_MERKLE_PROOF_MAX + 1), -HL_ETOOBIG);
}

static void test_parse_end(void **state)
{
	struct hl_buf s;
	struct hl_proof p;
	unsigned char *big;

	(void)state;
	hl_buf_init(&s, HL_PROOF_MAX);
	assert_int_equal(hl_buf_printf(&s, "hotline.proof/v1\nenvelope %zu\n",
				       ab.env[0].len), 0);
	assert_int_equal(hl_buf_append(&s, ab.env[0].data, ab.env[0].len), 0);
	assert_int_equal(hl_buf_puts(&s, "c2sp.org/tlog-proof@v1\nindex 0\n\n"), 0);
	assert_int_equal(hl_proof_parse(s.data, s.len, &p), -HL_ETRUNCATED);
	s.len--;
	assert_int_equal(hl_proof_parse(s.data, s.len, &p), -HL_ETRUNCATED);
	hl_buf_free(&s);
	assert_int_equal(hl_proof_parse((const unsigned char *)"", 0, &p), -HL_ETRUNCATED);
	big = calloc(1, HL_PROOF_MAX + 1);
	assert_non_null(big);
	assert_int_equal(hl_proof_parse(big, HL_PROOF_MAX + 1, &p), -HL_ETOOBIG);
	free(big);
}

/* A failed parse leaves nothing behind, not even the key. */
static void test_parse_failure_wipes(void **state)
{
	unsigned char key[HL_KEY_LEN], zero[HL_KEY_LEN] = {0};
	struct hl_buf p;
	struct hl_proof pr;

	(void)state;
	unwrap(&ab.env[0], &B, key);
	proof_ab(0, key, &p);
	assert_int_equal(hl_proof_parse(p.data, p.len - cp_ab.len, &pr), -HL_ETRUNCATED);
	assert_false(pr.has_key);
	assert_memory_equal(pr.key, zero, HL_KEY_LEN);
	assert_null(pr.envelope);
	hl_buf_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verify_each),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_disclosed_key),
		cmocka_unit_test(test_other_cards),
		cmocka_unit_test(test_other_link),
		cmocka_unit_test(test_wrong_index),
		cmocka_unit_test(test_index_is_seq),
		cmocka_unit_test(test_not_in_log),
		cmocka_unit_test(test_tampered_path),
		cmocka_unit_test(test_cosigner),
		cmocka_unit_test(test_forged_cosignature),
		cmocka_unit_test(test_checkpoint_signer),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_parse_head),
		cmocka_unit_test(test_parse_index),
		cmocka_unit_test(test_parse_path),
		cmocka_unit_test(test_parse_end),
		cmocka_unit_test(test_parse_failure_wipes),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("proof", tests, setup, teardown);
}
