/* test_vectors_log.c - golden vectors for logs, checkpoints, receipts,
 * pushes and proof files.
 *
 * The parties and keys are those of test_vectors.c (ru-cert: Ed25519
 * seed 0x01 x32, X25519 seed 0x11 x32; us-cert: 0x02 and 0x12), and the
 * one envelope is its golden tests/golden/ru-to-us.envelope, with the
 * disclosed content key tests/golden/ru-to-us.key.  Everything below is
 * deterministic (SHA-256, Ed25519, fixed sizes and times) and compared
 * byte for byte with tests/golden/:
 *
 *   merkle-roots.txt        RFC 6962 roots of the certificate-transparency
 *                           reference leaves, sizes 0..8 (hex)
 *   merkle-inclusion.txt    the audit path of leaf 5 in that tree of 8
 *   merkle-consistency.txt  the consistency proof from size 6 to 8
 *   log-keyids.txt          key IDs of the checkpoint signature (0x01,
 *                           key name = origin) and the cosignature (0x04)
 *   ru-log.checkpoint       ru-cert's log on the link at size 1 (the
 *                           envelope as leaf 0), signed by ru-cert
 *   ru-log.cosig            us-cert's cosignature line on it, at COSIGNED
 *   ru-log.cosigned         the checkpoint with that line: the receipt
 *   ru-to-us.push           the push of the envelope, old 0
 *   ru-to-us.proof          the proof file, with the content key
 *   ru-to-us-nokey.proof    the same without the key
 *
 * The Merkle values are also compared with the published reference
 * values, so a regenerated file cannot silently drift from RFC 6962.
 * The cosignature is also checked by hand (key ID, timestamp, the exact
 * signed message) rather than only through checkpoint.c.  Finally two
 * real stores, one per party, run the push, the witness rule, the
 * receipt and the proof export (transcript.c) and must produce exactly
 * the same bytes.
 *
 * docs/protocol.md quotes these vectors; the last test checks every
 * quote.  Golden files are read from $HOTLINE_SRC/tests/golden/ when
 * HOTLINE_SRC is set, else from tests/golden/ under the current folder.
 *
 * Regenerating, after a deliberate format change or a resealed envelope
 * (run test_vectors first, which owns the envelope):
 *
 *   HOTLINE_REGEN=1 build/tests/test_vectors_log
 *
 * rewrites every file above (HOTLINE_REGEN=envelope does the same);
 * then review the diff and update the quotes in docs/protocol.md.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "batch.h"
#include "buf.h"
#include "card.h"
#include "checkpoint.h"
#include "envelope.h"
#include "error.h"
#include "merkle.h"
#include "note.h"
#include "party.h"
#include "proof.h"
#include "store.h"
#include "text.h"
#include "transcript.h"

#define COSIGNED_STR "2026-11-22T10:02:01Z"
#define COSIGNED 1795341721	/* one second after the envelope was sealed */
#define FILE_MAX (16 * 1024 * 1024)

#include "ctref.h"
#include "golden.h"

static bool regen;

/* ---- golden files (as in test_vectors.c) ---- */

/* Compares bytes with a golden file (rewriting it first when asked);
 * text files are compared as strings so a failure prints both. */
static void golden_check(const char *name, const void *p, size_t n, bool text)
{
	unsigned char *want;
	size_t len;

	if (regen)
		golden_write(name, p, n);
	want = golden_read(name, &len);
	if (text) {
		assert_int_equal(strlen((const char *)p), n);
		assert_string_equal((const char *)want, (const char *)p);
	} else if (len != n || memcmp(want, p, n) != 0) {
		fail_msg("%s differs from what the code makes now (%zu bytes, want %zu)",
			 name, n, len);
	}
	assert_int_equal(len, n);
	free(want);
}

static void golden_buf(const char *name, const struct hl_buf *b, bool text)
{
	assert_non_null(b->data);
	golden_check(name, b->data, b->len, text);
}

/* ---- the parties, the envelope, the link ---- */

static int setup(void **state)
{
	int64_t t;

	(void)state;
	derive(&ru);
	derive(&us);
	assert_int_equal(hl_time_parse(COSIGNED_STR, HL_TIME_LEN, &t), 0);
	assert_int_equal(t, COSIGNED);
	return 0;
}

struct golden_env {
	unsigned char *p;
	size_t n;
	unsigned char key[HL_KEY_LEN];
};

static void env_read(struct golden_env *e)
{
	size_t kn;
	unsigned char *k;

	e->p = golden_read("ru-to-us.envelope", &e->n);
	k = golden_read("ru-to-us.key", &kn);
	assert_true(kn > 0 && k[kn - 1] == '\n');
	assert_int_equal(hl_b64_exact((const char *)k, kn - 1, e->key, HL_KEY_LEN), 0);
	free(k);
}

static void env_free(struct golden_env *e)
{
	sodium_memzero(e->key, sizeof(e->key));
	free(e->p);
}

static void origin_of(const char *sender, char origin[HL_ORIGIN_MAX + 1])
{
	unsigned char link[HL_LINK_ID_LEN];

	hl_link_id(ru.card.sign_pk, us.card.sign_pk, link);
	hl_log_origin(link, sender, origin);
}

static void hex(const unsigned char *p, size_t n, char *out, size_t cap)
{
	assert_true(cap >= 2 * n + 1);
	sodium_bin2hex(out, cap, p, n);
}

static void hex_hash(const char *s, hl_hash out)
{
	size_t n = 0;

	assert_int_equal(sodium_hex2bin(out, HL_HASH_LEN, s, strlen(s), NULL, &n, NULL), 0);
	assert_int_equal(n, HL_HASH_LEN);
}

/* ---- the objects, each made from the previous ---- */

/* ru-cert's checkpoint of its log at size 1: the envelope is leaf 0, so
 * the root is its leaf hash. */
static void make_checkpoint(struct hl_buf *out)
{
	char origin[HL_ORIGIN_MAX + 1];
	struct golden_env e;
	hl_hash root;

	env_read(&e);
	hl_merkle_leaf(e.p, e.n, root);
	origin_of("ru-cert", origin);
	hl_buf_init(out, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_checkpoint_sign(origin, 1, root, ru.sign_sk, out), 0);
	env_free(&e);
}

/* us-cert's cosignature line on it at COSIGNED. */
static void make_cosig(const struct hl_buf *checkpoint, struct hl_buf *line)
{
	struct hl_checkpoint cp;

	assert_int_equal(hl_checkpoint_parse(checkpoint->data, checkpoint->len, &cp), 0);
	hl_buf_init(line, HL_COSIG_LINE_MAX);
	assert_int_equal(hl_cosig_sign(&cp, "us-cert", us.sign_sk, COSIGNED, line), 0);
}

/* The checkpoint with the cosignature line: the receipt. */
static void make_cosigned(struct hl_buf *out)
{
	struct hl_buf line;

	make_checkpoint(out);
	make_cosig(out, &line);
	out->max = HL_CHECKPOINT_MAX + HL_COSIG_LINE_MAX;
	assert_int_equal(hl_buf_append(out, line.data, line.len), 0);
	hl_buf_free(&line);
}

static void make_push(struct hl_buf *out)
{
	struct golden_env e;
	struct hl_buf cp;

	env_read(&e);
	make_checkpoint(&cp);
	hl_buf_init(out, HL_BATCH_MAX);
	assert_int_equal(hl_batch_begin(out), 0);
	assert_int_equal(hl_batch_add(out, e.p, e.n), 0);
	assert_int_equal(hl_batch_end(out, 0, NULL, 0, cp.data, cp.len), 0);
	hl_buf_free(&cp);
	env_free(&e);
}

static void make_proof(bool with_key, struct hl_buf *out)
{
	struct golden_env e;
	struct hl_buf cp;

	env_read(&e);
	make_cosigned(&cp);
	hl_buf_init(out, HL_PROOF_MAX);
	assert_int_equal(hl_proof_encode(out, e.p, e.n, with_key ? e.key : NULL, 0,
					 NULL, 0, cp.data, cp.len), 0);
	hl_buf_free(&cp);
	env_free(&e);
}

/* ---- Merkle trees ---- */

/* The reference tree's complete subtrees, filled by the frontier. */
struct mem_tree {
	hl_hash node[4][8];
	uint64_t size;
};

static int mem_node(void *ctx, unsigned level, uint64_t index, hl_hash out)
{
	struct mem_tree *t = ctx;

	if (level >= 4 || ((index + 1) << level) > t->size)
		return -HL_ENUMBER;
	memcpy(out, t->node[level][index], HL_HASH_LEN);
	return 0;
}

static void ref_tree(struct mem_tree *t, hl_hash leaves[8])
{
	struct hl_merkle_frontier f;
	struct hl_merkle_node out[HL_MERKLE_LEVELS];
	size_t count;

	memset(t, 0, sizeof(*t));
	hl_merkle_frontier_init(&f);
	for (int i = 0; i < 8; i++) {
		hl_merkle_leaf(ref_leaves[i].d, ref_leaves[i].n, leaves[i]);
		hl_merkle_frontier_add(&f, leaves[i], out, &count);
		for (size_t j = 0; j < count; j++)
			memcpy(t->node[out[j].level][out[j].index], out[j].hash, HL_HASH_LEN);
		t->size++;
	}
}

static void put_hex(struct hl_buf *b, const char *label, const hl_hash h)
{
	char x[2 * HL_HASH_LEN + 1];

	hex(h, HL_HASH_LEN, x, sizeof(x));
	assert_int_equal(hl_buf_printf(b, "%s %s\n", label, x), 0);
}

static void test_merkle_roots(void **state)
{
	struct mem_tree t;
	hl_hash leaves[8], root, want;
	struct hl_merkle_src src = {mem_node, &t};
	struct hl_buf b;
	char size[8];

	(void)state;
	ref_tree(&t, leaves);
	hl_buf_init(&b, 4096);
	for (uint64_t n = 0; n <= 8; n++) {
		assert_int_equal(hl_merkle_root(&src, n, root), 0);
		hex_hash(ref_roots[n], want);
		assert_memory_equal(root, want, HL_HASH_LEN);
		snprintf(size, sizeof(size), "%u", (unsigned)n);
		put_hex(&b, size, root);
	}
	golden_buf("merkle-roots.txt", &b, true);
	hl_buf_free(&b);
}

static void test_merkle_inclusion(void **state)
{
	struct mem_tree t;
	hl_hash leaves[8], root, want, path[HL_MERKLE_PROOF_MAX];
	struct hl_merkle_src src = {mem_node, &t};
	struct hl_buf b;
	size_t np = 0;

	(void)state;
	ref_tree(&t, leaves);
	assert_int_equal(hl_merkle_root(&src, 8, root), 0);
	assert_int_equal(hl_merkle_inclusion(&src, 5, 8, path, &np), 0);
	assert_int_equal(np, 3);
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_buf_puts(&b, "index 5\nsize 8\n"), 0);
	put_hex(&b, "leaf", leaves[5]);
	put_hex(&b, "root", root);
	for (size_t i = 0; i < np; i++) {
		hex_hash(ref_inclusion_5_8[i], want);
		assert_memory_equal(path[i], want, HL_HASH_LEN);
		put_hex(&b, "path", path[i]);
	}
	golden_buf("merkle-inclusion.txt", &b, true);
	assert_true(hl_merkle_verify_inclusion(leaves[5], 5, 8, path, np, root));
	/* The same path does not place the leaf anywhere else. */
	assert_false(hl_merkle_verify_inclusion(leaves[5], 4, 8, path, np, root));
	assert_false(hl_merkle_verify_inclusion(leaves[4], 5, 8, path, np, root));
	assert_false(hl_merkle_verify_inclusion(leaves[5], 5, 4, path, np, root));
	assert_false(hl_merkle_verify_inclusion(leaves[5], 5, 8, path, np - 1, root));
	hl_buf_free(&b);
}

static void test_merkle_consistency(void **state)
{
	struct mem_tree t;
	hl_hash leaves[8], r6, r8, want, proof[HL_MERKLE_PROOF_MAX];
	struct hl_merkle_src src = {mem_node, &t};
	struct hl_buf b;
	size_t np = 0;

	(void)state;
	ref_tree(&t, leaves);
	assert_int_equal(hl_merkle_root(&src, 6, r6), 0);
	assert_int_equal(hl_merkle_root(&src, 8, r8), 0);
	assert_int_equal(hl_merkle_consistency(&src, 6, 8, proof, &np), 0);
	assert_int_equal(np, 3);
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_buf_puts(&b, "old 6\nsize 8\n"), 0);
	put_hex(&b, "old-root", r6);
	put_hex(&b, "root", r8);
	for (size_t i = 0; i < np; i++) {
		hex_hash(ref_consistency_6_8[i], want);
		assert_memory_equal(proof[i], want, HL_HASH_LEN);
		put_hex(&b, "path", proof[i]);
	}
	golden_buf("merkle-consistency.txt", &b, true);
	assert_true(hl_merkle_verify_consistency(6, 8, r6, r8, proof, np));
	assert_false(hl_merkle_verify_consistency(5, 8, r6, r8, proof, np));
	assert_false(hl_merkle_verify_consistency(6, 8, r8, r8, proof, np));
	assert_false(hl_merkle_verify_consistency(6, 8, r6, r8, proof, np - 1));
	/* The trivial cases: from the empty tree and to the same size, an
	 * empty proof (tlog-witness sends none for old 0). */
	assert_true(hl_merkle_verify_consistency(0, 8, r6, r8, NULL, 0));
	assert_false(hl_merkle_verify_consistency(0, 8, r6, r8, proof, 1));
	assert_true(hl_merkle_verify_consistency(8, 8, r8, r8, NULL, 0));
	assert_false(hl_merkle_verify_consistency(8, 8, r6, r8, NULL, 0));
	hl_buf_free(&b);
}

/* ---- checkpoints and cosignatures ---- */

static void test_log_keyids(void **state)
{
	char origin[HL_ORIGIN_MAX + 1];
	struct hl_buf b;
	uint32_t k1, k4;

	(void)state;
	origin_of("ru-cert", origin);
	k1 = hl_note_keyid(origin, HL_SIGTYPE_ED25519, ru.card.sign_pk, 32);
	k4 = hl_note_keyid("us-cert", HL_SIGTYPE_COSIG, us.card.sign_pk, 32);
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_buf_printf(&b, "%s 01 %08x\nus-cert 04 %08x\n", origin,
				       (unsigned)k1, (unsigned)k4), 0);
	golden_buf("log-keyids.txt", &b, true);
	hl_buf_free(&b);
}

static void test_checkpoint(void **state)
{
	char origin[HL_ORIGIN_MAX + 1], want[HL_ORIGIN_MAX + 1];
	unsigned char link[HL_LINK_ID_LEN];
	struct hl_checkpoint cp;
	struct golden_env e;
	struct hl_buf b;
	hl_hash leaf;

	(void)state;
	make_checkpoint(&b);
	golden_buf("ru-log.checkpoint", &b, true);

	/* The origin spells the link ID in lowercase hex. */
	hl_link_id(ru.card.sign_pk, us.card.sign_pk, link);
	memcpy(want, "hotline.log/v1/", 15);
	hex(link, sizeof(link), want + 15, sizeof(want) - 15);
	memcpy(want + 15 + 64, "/ru-cert", sizeof("/ru-cert"));
	origin_of("ru-cert", origin);
	assert_string_equal(origin, want);

	assert_int_equal(hl_checkpoint_parse(b.data, b.len, &cp), 0);
	assert_string_equal(cp.origin, origin);
	assert_int_equal(cp.size, 1);
	env_read(&e);
	hl_merkle_leaf(e.p, e.n, leaf);
	assert_memory_equal(cp.root, leaf, HL_HASH_LEN);
	assert_int_equal(cp.note.nsigs, 1);
	assert_int_equal(hl_checkpoint_verify(&cp, ru.card.sign_pk), 0);
	/* Signed under the origin, not the party name. */
	assert_int_equal(hl_note_verify(&cp.note, "ru-cert", ru.card.sign_pk), -HL_ENOSIG);
	assert_int_equal(hl_checkpoint_verify(&cp, us.card.sign_pk), -HL_ENOSIG);
	env_free(&e);
	hl_buf_free(&b);
}

/* Checks the cosignature line by hand: key ID, timestamp and the exact
 * message of tlog-cosignature/v1, verified with libsodium directly. */
static void check_cosig_by_hand(const struct hl_buf *checkpoint,
				const struct hl_buf *line)
{
	static const char dash[] = "\xe2\x80\x94 us-cert ";
	unsigned char raw[4 + 8 + 64];
	uint32_t id = hl_note_keyid("us-cert", HL_SIGTYPE_COSIG, us.card.sign_pk, 32);
	struct hl_checkpoint cp;
	struct hl_buf msg;
	uint64_t t = 0;
	size_t b64n = line->len - (sizeof(dash) - 1) - 1;

	assert_int_equal(memcmp(line->data, dash, sizeof(dash) - 1), 0);
	assert_int_equal(line->data[line->len - 1], '\n');
	assert_int_equal(b64n, 104);
	assert_int_equal(hl_b64_exact((const char *)line->data + sizeof(dash) - 1, b64n,
				      raw, sizeof(raw)), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(raw[i], (id >> (24 - 8 * i)) & 0xff);
	for (int i = 0; i < 8; i++)
		t = t << 8 | raw[4 + i];
	assert_int_equal(t, COSIGNED);
	assert_int_equal(hl_checkpoint_parse(checkpoint->data, checkpoint->len, &cp), 0);
	hl_buf_init(&msg, 8192);
	assert_int_equal(hl_buf_printf(&msg, "cosignature/v1\ntime %d\n", COSIGNED), 0);
	assert_int_equal(hl_buf_append(&msg, cp.note.text, cp.note.text_len), 0);
	assert_int_equal(crypto_sign_verify_detached(raw + 12, msg.data, msg.len,
						     us.card.sign_pk), 0);
	hl_buf_free(&msg);
}

/* The same signature with another timestamp fails: the time is signed. */
static void cosig_other_time(const struct hl_buf *cp, const struct hl_buf *line)
{
	static const char dash[] = "\xe2\x80\x94 us-cert ";
	unsigned char raw[76];
	struct hl_checkpoint parsed;
	struct hl_buf bad;

	assert_int_equal(hl_b64_exact((const char *)line->data + sizeof(dash) - 1, 104,
				      raw, sizeof(raw)), 0);
	raw[11] ^= 1;
	hl_buf_init(&bad, 8192);
	assert_int_equal(hl_buf_append(&bad, cp->data, cp->len), 0);
	assert_int_equal(hl_buf_puts(&bad, dash), 0);
	assert_int_equal(hl_buf_b64(&bad, raw, sizeof(raw)), 0);
	assert_int_equal(hl_buf_puts(&bad, "\n"), 0);
	assert_int_equal(hl_checkpoint_parse(bad.data, bad.len, &parsed), 0);
	assert_int_equal(hl_cosig_verify(&parsed, "us-cert", us.card.sign_pk, NULL),
			 -HL_EBADSIG);
	hl_buf_free(&bad);
}

static void test_cosignature(void **state)
{
	struct hl_buf cp, line, cosigned;
	struct hl_checkpoint parsed;
	uint64_t t = 0;
	char *c;

	(void)state;
	make_checkpoint(&cp);
	make_cosig(&cp, &line);
	golden_buf("ru-log.cosig", &line, true);
	check_cosig_by_hand(&cp, &line);
	make_cosigned(&cosigned);
	golden_buf("ru-log.cosigned", &cosigned, true);
	assert_int_equal(cosigned.len, cp.len + line.len);

	assert_int_equal(hl_checkpoint_parse(cosigned.data, cosigned.len, &parsed), 0);
	assert_int_equal(parsed.note.nsigs, 2);
	assert_int_equal(hl_checkpoint_verify(&parsed, ru.card.sign_pk), 0);
	assert_int_equal(hl_cosig_verify(&parsed, "us-cert", us.card.sign_pk, &t), 0);
	assert_int_equal(t, COSIGNED);
	/* The cosignature is not a note signature (type 0x01) by us-cert,
	 * and ru-cert did not cosign. */
	assert_int_equal(hl_note_verify(&parsed.note, "us-cert", us.card.sign_pk), -HL_ENOSIG);
	assert_int_equal(hl_cosig_verify(&parsed, "ru-cert", ru.card.sign_pk, NULL), -HL_ENOSIG);
	cosig_other_time(&cp, &line);
	/* A changed size breaks both signatures. */
	c = memmem(cosigned.data, cosigned.len, "\n1\n", 3);
	assert_non_null(c);
	c[1] = '2';
	assert_int_equal(hl_checkpoint_parse(cosigned.data, cosigned.len, &parsed), 0);
	assert_int_equal(hl_checkpoint_verify(&parsed, ru.card.sign_pk), -HL_EBADSIG);
	assert_int_equal(hl_cosig_verify(&parsed, "us-cert", us.card.sign_pk, NULL), -HL_EBADSIG);
	hl_buf_free(&cp);
	hl_buf_free(&line);
	hl_buf_free(&cosigned);
}

/* ---- push and proof ---- */

static void test_push(void **state)
{
	struct hl_buf b, cp;
	struct hl_batch *batch = malloc(sizeof(*batch));
	struct hl_checkpoint parsed;
	struct golden_env e;
	static const char head[] = "hotline.push/v1\nenvelope 963\n";

	(void)state;
	assert_non_null(batch);
	make_push(&b);
	golden_buf("ru-to-us.push", &b, false);
	make_checkpoint(&cp);
	env_read(&e);
	assert_int_equal(e.n, 963);
	assert_int_equal(b.len, sizeof(head) - 1 + e.n + strlen("old 0\n\n") + cp.len);
	assert_int_equal(memcmp(b.data, head, sizeof(head) - 1), 0);

	assert_int_equal(hl_batch_parse(b.data, b.len, batch), 0);
	assert_int_equal(batch->nenv, 1);
	assert_int_equal(batch->env[0].n, e.n);
	assert_memory_equal(batch->env[0].p, e.p, e.n);
	assert_int_equal(batch->old, 0);
	assert_int_equal(batch->nproof, 0);
	assert_int_equal(batch->checkpoint_len, cp.len);
	assert_memory_equal(batch->checkpoint, cp.data, cp.len);
	/* From "old" on: a tlog-witness add-checkpoint body, byte for byte. */
	assert_int_equal(memcmp(batch->env[0].p + e.n, "old 0\n\n", 7), 0);
	/* The checkpoint runs to the end of the push; the batch parser
	 * leaves its bytes to the checkpoint parser. */
	assert_int_equal(hl_batch_parse(b.data, b.len - 1, batch), 0);
	assert_int_equal(batch->checkpoint_len, cp.len - 1);
	assert_int_equal(hl_checkpoint_parse(batch->checkpoint, batch->checkpoint_len,
					     &parsed), -HL_ETRUNCATED);
	free(batch);
	env_free(&e);
	hl_buf_free(&cp);
	hl_buf_free(&b);
}

/* Verifies a proof file as a third party would: with the two cards as
 * files, in either order. */
static void verify_proof(const struct hl_buf *b, bool with_key)
{
	struct hl_proof *p = malloc(sizeof(*p));
	struct hl_proof_result *res = malloc(sizeof(*res));
	unsigned char *rt, *ut, *plain;
	size_t rn, un, pn;
	struct hl_card rc, uc;
	struct hl_buf pt;

	assert_non_null(p);
	assert_non_null(res);
	rt = golden_read("ru-cert.card", &rn);
	ut = golden_read("us-cert.card", &un);
	assert_int_equal(hl_card_parse(rt, rn, &rc), 0);
	assert_int_equal(hl_card_parse(ut, un, &uc), 0);
	assert_int_equal(hl_proof_parse(b->data, b->len, p), 0);
	assert_int_equal(p->has_key, with_key);
	assert_int_equal(p->index, 0);
	assert_int_equal(p->npath, 0);
	assert_int_equal(hl_proof_verify(p, &rc, &uc, res), 0);
	assert_int_equal(hl_proof_verify(p, &uc, &rc, res), 0);
	assert_ptr_equal(res->sender, &rc);
	assert_ptr_equal(res->recipient, &uc);
	assert_int_equal(res->env.seq, 1);
	assert_int_equal(res->cp.size, 1);
	assert_int_equal(res->receipt_time, COSIGNED);
	if (with_key) {
		plain = golden_read("ru-to-us.plain", &pn);
		hl_buf_init(&pt, HL_PLAIN_MAX);
		assert_int_equal(hl_envelope_decrypt(&res->env, p->key, &pt), 0);
		assert_int_equal(pt.len, pn);
		assert_memory_equal(pt.data, plain, pn);
		hl_buf_free(&pt);
		free(plain);
	}
	/* A third card is nobody in this proof. */
	memcpy(uc.name, "xx-cert", sizeof("xx-cert"));
	assert_int_equal(hl_proof_verify(p, &rc, &uc, res), -HL_ELINK);
	free(rt);
	free(ut);
	free(res);
	free(p);
}

/* One proof file with one part replaced, expected to fail with err. */
static void proof_rejects(const unsigned char *key, uint64_t index, bool cosigned,
			  int err)
{
	struct hl_proof *p = malloc(sizeof(*p));
	struct hl_proof_result *res = malloc(sizeof(*res));
	struct golden_env e;
	struct hl_buf cp, b;

	assert_non_null(p);
	assert_non_null(res);
	env_read(&e);
	if (cosigned)
		make_cosigned(&cp);
	else
		make_checkpoint(&cp);
	hl_buf_init(&b, HL_PROOF_MAX);
	assert_int_equal(hl_proof_encode(&b, e.p, e.n, key, index, NULL, 0, cp.data,
					 cp.len), 0);
	assert_int_equal(hl_proof_parse(b.data, b.len, p), 0);
	assert_int_equal(hl_proof_verify(p, &ru.card, &us.card, res), err);
	hl_buf_free(&b);
	hl_buf_free(&cp);
	env_free(&e);
	free(res);
	free(p);
}

static void test_proof(void **state)
{
	struct hl_buf with, without;
	unsigned char bad[HL_KEY_LEN];
	struct golden_env e;

	(void)state;
	make_proof(true, &with);
	make_proof(false, &without);
	golden_buf("ru-to-us.proof", &with, false);
	golden_buf("ru-to-us-nokey.proof", &without, false);
	verify_proof(&with, true);
	verify_proof(&without, false);
	/* The key line is the only difference. */
	assert_int_equal(with.len, without.len + strlen("key \n") + 44);

	env_read(&e);
	memcpy(bad, e.key, sizeof(bad));
	bad[0] ^= 1;
	proof_rejects(bad, 0, true, -HL_EKEYCOMMIT);
	proof_rejects(NULL, 1, true, -HL_EPROOF);
	proof_rejects(NULL, 0, false, -HL_ENOSIG);
	proof_rejects(e.key, 0, true, 0);
	env_free(&e);
	hl_buf_free(&with);
	hl_buf_free(&without);
}

/* ---- the same bytes from the stores (transcript.c) ---- */

struct side {
	char dir[256], path[300];
	struct hl_store *st;
	struct hl_party me;
	struct hl_link link;
};

/* Opens a fresh store for p with a confirmed link to the peer. */
static void side_open(struct side *s, struct party *p, struct party *peer)
{
	const char *tmp = getenv("TMPDIR");
	char file[64], err[256] = "";
	unsigned char link[HL_LINK_ID_LEN], *card;
	size_t cn;

	memset(s, 0, sizeof(*s));
	snprintf(s->dir, sizeof(s->dir), "%s/hl-vectors-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/%s", s->dir, HL_STORE_FILE);
	if (hl_store_open(s->path, &s->st, err, sizeof(err)) < 0)
		fail_msg("%s: %s", s->path, err);
	s->me.card = p->card;
	s->me.sign_sk = p->sign_sk;
	s->me.box_sk = p->box_sk;
	hl_link_id(p->card.sign_pk, peer->card.sign_pk, link);
	snprintf(file, sizeof(file), "%s.card", peer->name);
	card = golden_read(file, &cn);
	assert_int_equal(hl_store_link_add(s->st, peer->name, link, card, cn,
					   peer->card.endpoint, COSIGNED - 60), 0);
	free(card);
	assert_int_equal(hl_store_link_get(s->st, peer->name, &s->link), 0);
	assert_int_equal(hl_store_link_confirm(s->st, s->link.id, COSIGNED - 30), 0);
	hl_link_free(&s->link);
	assert_int_equal(hl_store_link_get(s->st, peer->name, &s->link), 0);
	assert_true(s->link.confirmed != 0);
}

static void side_close(struct side *s)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	char p[400];

	hl_link_free(&s->link);
	hl_store_close(s->st);
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", s->path, ext[i]);
		unlink(p);
	}
	assert_int_equal(rmdir(s->dir), 0);
}

static void assert_same_as(const char *name, const struct hl_buf *b)
{
	size_t n;
	unsigned char *want = golden_read(name, &n);

	if (b->len != n || memcmp(b->data, want, n) != 0)
		fail_msg("the store made a %s other than tests/golden/%s", name, name);
	free(want);
}

static void check_proof_export(struct side *s, int side)
{
	struct hl_buf b;

	hl_buf_init(&b, HL_PROOF_MAX);
	assert_int_equal(hl_transcript_proof(s->st, &s->me, &s->link, side, 1, true, &b), 0);
	assert_same_as("ru-to-us.proof", &b);
	b.len = 0;
	assert_int_equal(hl_transcript_proof(s->st, &s->me, &s->link, side, 1, false, &b), 0);
	assert_same_as("ru-to-us-nokey.proof", &b);
	hl_buf_free(&b);
}

static void check_logs(struct side *s, int side)
{
	struct hl_log_report rep;

	assert_int_equal(hl_transcript_verify(s->st, &s->me, &s->link, &rep), 0);
	assert_int_equal(rep.envelopes[side], 1);
	assert_int_equal(rep.envelopes[!side], 0);
	assert_int_equal(rep.cosigned[side], 1);
	assert_int_equal(rep.evidence, 0);
}

/* us-cert witnesses the golden push at COSIGNED: its answer is the
 * golden cosignature line, the same again for a resend, and its proof
 * export is the golden proof file. */
static void test_store_witness(void **state)
{
	struct side s;
	struct hl_witness_result res;
	struct hl_buf line;
	size_t n;
	unsigned char *want;

	(void)state;
	side_open(&s, &us, &ru);
	want = golden_read("ru-to-us.push", &n);
	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	assert_int_equal(hl_transcript_witness(s.st, &s.me, &s.link, want, n, COSIGNED,
					       &line, &res), 0);
	assert_same_as("ru-log.cosig", &line);
	assert_int_equal(res.old, 0);
	assert_int_equal(res.size, 1);
	assert_int_equal(res.added, 1);
	assert_false(res.repeat);
	/* A byte-identical resend, later: the same answer, nothing added. */
	line.len = 0;
	assert_int_equal(hl_transcript_witness(s.st, &s.me, &s.link, want, n,
					       COSIGNED + 3600, &line, &res), 0);
	assert_same_as("ru-log.cosig", &line);
	assert_true(res.repeat);
	assert_int_equal(res.added, 0);
	check_proof_export(&s, HL_THEIRS);
	check_logs(&s, HL_THEIRS);
	hl_buf_free(&line);
	free(want);
	side_close(&s);
}

/* ru-cert holds the golden envelope as seq 1 of its log (stored
 * directly: sealing is random, so hl_transcript_send cannot remake it):
 * its push is the golden push, the golden receipt is accepted, and its
 * proof export is the golden proof file. */
static void test_store_sender(void **state)
{
	struct hl_merkle_node leaf = {.level = 0, .index = 0};
	struct golden_env e;
	struct side s;
	struct hl_buf push, cosigned;
	uint64_t count = 0, size = 0;

	(void)state;
	side_open(&s, &ru, &us);
	env_read(&e);
	hl_merkle_leaf(e.p, e.n, leaf.hash);
	assert_int_equal(hl_store_begin(s.st), 0);
	assert_int_equal(hl_store_node_put(s.st, s.link.id, HL_OURS, &leaf), 0);
	assert_int_equal(hl_store_envelope_put(s.st, s.link.id, HL_OURS, 1, e.p, e.n,
					       leaf.hash, COSIGNED - 1), 0);
	assert_int_equal(hl_store_commit(s.st), 0);

	hl_buf_init(&push, HL_BATCH_MAX);
	assert_int_equal(hl_transcript_push(s.st, &s.me, &s.link, &push, &count), 0);
	assert_int_equal(count, 1);
	assert_same_as("ru-to-us.push", &push);
	make_cosigned(&cosigned);
	assert_int_equal(hl_transcript_receipt(s.st, &s.me, &s.link, cosigned.data,
					       cosigned.len, &size), 0);
	assert_int_equal(size, 1);
	/* Everything is receipted: nothing left to push. */
	push.len = 0;
	assert_int_equal(hl_transcript_push(s.st, &s.me, &s.link, &push, &count), 0);
	assert_int_equal(count, 0);
	assert_int_equal(push.len, 0);
	check_proof_export(&s, HL_OURS);
	check_logs(&s, HL_OURS);
	hl_buf_free(&push);
	hl_buf_free(&cosigned);
	env_free(&e);
	side_close(&s);
}

/* ---- docs/protocol.md quotes the vectors ---- */

static void assert_quoted(const unsigned char *doc, size_t dn,
			  const void *p, size_t n, const char *what)
{
	if (!memmem(doc, dn, p, n))
		fail_msg("docs/protocol.md does not quote %s as it is now", what);
}

/* A binary golden file around its envelope: the text before and after. */
static void assert_quoted_around(const unsigned char *doc, size_t dn,
				 const char *file, bool proof)
{
	struct hl_proof *p = malloc(sizeof(*p));
	struct hl_batch *b = malloc(sizeof(*b));
	const unsigned char *env;
	unsigned char *f;
	size_t n, en;
	char what[128];

	assert_non_null(p);
	assert_non_null(b);
	f = golden_read(file, &n);
	if (proof) {
		assert_int_equal(hl_proof_parse(f, n, p), 0);
		env = p->envelope;
		en = p->envelope_len;
	} else {
		assert_int_equal(hl_batch_parse(f, n, b), 0);
		assert_int_equal(b->nenv, 1);
		env = b->env[0].p;
		en = b->env[0].n;
	}
	snprintf(what, sizeof(what), "the text before the envelope in %s", file);
	assert_quoted(doc, dn, f, (size_t)(env - f), what);
	snprintf(what, sizeof(what), "the text after the envelope in %s", file);
	assert_quoted(doc, dn, env + en, n - (size_t)(env + en - f), what);
	free(f);
	free(b);
	free(p);
}

static void test_doc_quotes_vectors(void **state)
{
	static const char *const files[] = {
		"merkle-roots.txt", "merkle-inclusion.txt", "merkle-consistency.txt",
		"log-keyids.txt", "ru-log.checkpoint", "ru-log.cosig", "ru-log.cosigned",
	};
	const char *src = getenv("HOTLINE_SRC");
	char path[4096];
	unsigned char *doc, *f;
	size_t dn, n;
	struct hl_checkpoint cp;
	struct hl_buf msg;

	(void)state;
	if (regen) {
		print_message("# vectors rewritten; run again without HOTLINE_REGEN to check docs/protocol.md\n");
		skip();
	}
	snprintf(path, sizeof(path), "%s%sdocs/protocol.md",
		 src && *src ? src : "", src && *src ? "/" : "");
	doc = read_path(path, &dn);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		f = golden_read(files[i], &n);
		assert_quoted(doc, dn, f, n, files[i]);
		free(f);
	}
	assert_quoted_around(doc, dn, "ru-to-us.push", false);
	assert_quoted_around(doc, dn, "ru-to-us.proof", true);
	assert_quoted_around(doc, dn, "ru-to-us-nokey.proof", true);
	/* The message the cosignature signs. */
	f = golden_read("ru-log.checkpoint", &n);
	assert_int_equal(hl_checkpoint_parse(f, n, &cp), 0);
	hl_buf_init(&msg, 8192);
	assert_int_equal(hl_buf_printf(&msg, "cosignature/v1\ntime %d\n", COSIGNED), 0);
	assert_int_equal(hl_buf_append(&msg, cp.note.text, cp.note.text_len), 0);
	assert_quoted(doc, dn, msg.data, msg.len, "the cosignature's signed message");
	hl_buf_free(&msg);
	free(f);
	free(doc);
}

int main(void)
{
	const char *r = getenv("HOTLINE_REGEN");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merkle_roots),
		cmocka_unit_test(test_merkle_inclusion),
		cmocka_unit_test(test_merkle_consistency),
		cmocka_unit_test(test_log_keyids),
		cmocka_unit_test(test_checkpoint),
		cmocka_unit_test(test_cosignature),
		cmocka_unit_test(test_push),
		cmocka_unit_test(test_proof),
		cmocka_unit_test(test_store_witness),
		cmocka_unit_test(test_store_sender),
		cmocka_unit_test(test_doc_quotes_vectors),
	};

	if (sodium_init() < 0)
		return 1;
	if (!r || !*r || strcmp(r, "0") == 0) {
		regen = false;
	} else if (strcmp(r, "1") == 0 || strcmp(r, "envelope") == 0) {
		regen = true;
	} else {
		fprintf(stderr, "HOTLINE_REGEN must be 1 or envelope, not '%s'\n", r);
		return 2;
	}
	return cmocka_run_group_tests(tests, setup, NULL);
}
