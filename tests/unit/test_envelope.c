/* test_envelope.c - sealing, parsing, verifying and opening envelopes.
 *
 * ru-cert (A) sends to us-cert (B); jp-cert (C) is a third party.  The
 * plaintext is Arabic text (tests/data/report-ar.txt).  Sealing is random
 * (content key, nonce, ephemeral keys), so the tests check properties
 * that hold for every sealing rather than fixed bytes (tests/golden/
 * keeps one sealed envelope for that).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <sodium.h>

#include "card.h"
#include "envelope.h"
#include "error.h"
#include "hash.h"
#include "testlib.h"

#define EM_DASH "\xe2\x80\x94"
#define SENT (TL_CREATED + 480)
/* Our own Arabic report, beside the tests; make check runs from the
 * top of the tree. */
#define SEED_FILE "tests/data/report-ar.txt"

/* The first line of that report. */
static const char arabic[] =
	"تقرير عاجل من المناوب في فريق الاستجابة لطوارئ الحاسوب إلى نظيره لدى الطرف الآخر بشأن هجوم على خوادم البريد.\n";

static struct tl_party A, B, C;

static int setup(void **state)
{
	(void)state;
	tl_party_init(&A, "ru-cert", 1);
	tl_party_init(&B, "us-cert", 2);
	tl_party_init(&C, "jp-cert", 3);
	return 0;
}

static struct hl_seal_params params(const struct tl_party *from,
				    const struct tl_party *to)
{
	struct hl_seal_params p = {
		.from = &from->card,
		.sign_sk = from->sign_sk,
		.to = &to->card,
		.seq = 1,
		.time = SENT,
		.precedence = HL_FLASH,
		.kind = "notify",
	};

	return p;
}

static int seal_with(const struct hl_seal_params *p, const void *plain,
		     size_t n, struct hl_buf *out)
{
	hl_buf_init(out, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	return hl_envelope_seal(p, plain, n, out);
}

/* A to B, the Arabic line; out is initialised here. */
static void seal_ab(struct hl_buf *out)
{
	struct hl_seal_params p = params(&A, &B);

	assert_int_equal(seal_with(&p, arabic, strlen(arabic), out), 0);
}

/* Parses a heap copy of exactly n bytes, then verifies it as A's. */
static int parse_verify(const void *s, size_t n)
{
	struct hl_envelope env;
	unsigned char *p = tl_dup(s, n);
	int r = hl_envelope_parse(p, n, &env);

	if (r == 0)
		r = hl_envelope_verify(&env, &A.card);
	free(p);
	return r;
}

static int parse_copy(const void *s, size_t n)
{
	struct hl_envelope env;
	unsigned char *p = tl_dup(s, n);
	int r = hl_envelope_parse(p, n, &env);

	free(p);
	return r;
}

/* Parses the sealed bytes with "from" replaced by "to" (no re-signing:
 * the parser checks structure only). */
static int parse_variant(const struct hl_buf *b, const char *from, const char *to)
{
	size_t n;
	unsigned char *p = tl_replace(b->data, b->len, from, to, &n);
	int r = parse_copy(p, n);

	free(p);
	return r;
}

static void assert_decrypts(const struct hl_envelope *env,
			    const unsigned char key[HL_KEY_LEN],
			    const void *plain, size_t n)
{
	struct hl_buf out;

	hl_buf_init(&out, HL_PLAIN_MAX);
	assert_int_equal(hl_envelope_decrypt(env, key, &out), 0);
	assert_int_equal(out.len, n);
	if (n)
		assert_memory_equal(out.data, plain, n);
	hl_buf_free(&out);
}

/* Parse, verify as A's on the A-B link, unwrap for both, decrypt. */
static void assert_opens(const struct hl_buf *b, const void *plain, size_t n)
{
	struct hl_envelope env;
	unsigned char kb[HL_KEY_LEN], ka[HL_KEY_LEN];

	assert_int_equal(hl_envelope_parse(b->data, b->len, &env), 0);
	assert_int_equal(hl_envelope_verify(&env, &A.card), 0);
	assert_int_equal(hl_envelope_check_link(&env, NULL, &A.card, &B.card), 0);
	assert_int_equal(hl_envelope_unwrap(&env, "us-cert", B.card.box_pk,
					    B.box_sk, kb), 0);
	assert_int_equal(hl_envelope_unwrap(&env, "ru-cert", A.card.box_pk,
					    A.box_sk, ka), 0);
	assert_memory_equal(ka, kb, HL_KEY_LEN);
	assert_decrypts(&env, kb, plain, n);
}

static void test_round_trip(void **state)
{
	struct hl_buf b;
	struct hl_envelope env;
	unsigned char link[HL_LINK_ID_LEN];
	size_t n = strlen(arabic);

	(void)state;
	seal_ab(&b);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	hl_link_id(A.card.sign_pk, B.card.sign_pk, link);
	assert_memory_equal(env.link, link, HL_LINK_ID_LEN);
	assert_string_equal(env.from, "ru-cert");
	assert_string_equal(env.to, "us-cert");
	assert_int_equal(env.seq, 1);
	assert_int_equal(env.time, SENT);
	assert_int_equal(env.precedence, HL_FLASH);
	assert_string_equal(env.kind, "notify");
	assert_int_equal(env.body_len, HL_NONCE_LEN + n + HL_TAG_LEN);
	assert_int_equal(env.header_len + env.body_len, b.len);
	assert_ptr_equal(env.header, b.data);
	assert_ptr_equal(env.body, b.data + env.header_len);
	assert_memory_equal(b.data, HL_ENVELOPE_TYPE "\nlink ",
			    strlen(HL_ENVELOPE_TYPE) + 6);
	assert_non_null(memmem(b.data, env.header_len,
			       "\ntime 2026-11-22T10:02:00Z\n", 27));
	assert_non_null(memmem(b.data, env.header_len, "\n\n" EM_DASH " ru-cert ",
			       strlen("\n\n" EM_DASH " ru-cert ")));
	assert_null(memmem(b.data, b.len, arabic, 20));
	assert_opens(&b, arabic, n);
	hl_buf_free(&b);
}

/* Reads the Arabic report (tests/data/) into text. */
static size_t read_seed(unsigned char *text, size_t cap)
{
	FILE *f = fopen(SEED_FILE, "rb");
	size_t n;

	if (!f)
		fail_msg("%s: not found; run the tests from the top of the tree", SEED_FILE);
	n = fread(text, 1, cap, f);
	fclose(f);
	assert_true(n > 1000 && n < cap);
	return n;
}

/* The whole Arabic report (kilobytes of right-to-left text). */
static void test_seed_file(void **state)
{
	static unsigned char text[16384];
	struct hl_seal_params p = params(&A, &B);
	struct hl_buf b;
	size_t n = read_seed(text, sizeof(text));

	(void)state;
	assert_int_equal(memcmp(text, arabic, strlen(arabic)), 0);
	assert_true(hl_utf8_valid(text, n));
	assert_int_equal(seal_with(&p, text, n, &b), 0);
	assert_opens(&b, text, n);
	hl_buf_free(&b);
}

static void test_third_party(void **state)
{
	struct hl_buf b;
	struct hl_envelope env;
	unsigned char key[HL_KEY_LEN];

	(void)state;
	seal_ab(&b);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	assert_int_equal(hl_envelope_unwrap(&env, "jp-cert", C.card.box_pk,
					    C.box_sk, key), -HL_ENOKEY);
	assert_int_equal(hl_envelope_unwrap(&env, "us-cert", C.card.box_pk,
					    C.box_sk, key), -HL_EUNWRAP);
	assert_int_equal(hl_envelope_unwrap(&env, "ru-cert", B.card.box_pk,
					    B.box_sk, key), -HL_EUNWRAP);
	assert_int_equal(hl_envelope_unwrap(&env, "us-cert", A.card.box_pk,
					    A.box_sk, key), -HL_EUNWRAP);
	assert_int_equal(hl_envelope_unwrap(&env, "", B.card.box_pk,
					    B.box_sk, key), -HL_ENOKEY);
	hl_buf_free(&b);
}

static void test_wrong_card(void **state)
{
	struct hl_buf b;
	struct hl_envelope env;
	struct hl_card impostor = A.card;

	(void)state;
	seal_ab(&b);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	assert_int_equal(hl_envelope_verify(&env, &B.card), -HL_ENOSIG);
	assert_int_equal(hl_envelope_verify(&env, &C.card), -HL_ENOSIG);
	memcpy(impostor.sign_pk, C.card.sign_pk, sizeof(impostor.sign_pk));
	assert_int_equal(hl_envelope_verify(&env, &impostor), -HL_ENOSIG);
	hl_buf_free(&b);
}

/* No single flipped bit passes parse and verify.  A flip in the body
 * is caught twice: by the signed hash and by the AEAD tag. */
static void test_every_bit_flip(void **state)
{
	struct hl_buf b;
	struct hl_envelope env;
	unsigned char key[HL_KEY_LEN];
	size_t hlen;

	(void)state;
	seal_ab(&b);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	assert_int_equal(hl_envelope_unwrap(&env, "us-cert", B.card.box_pk,
					    B.box_sk, key), 0);
	hlen = env.header_len;
	for (size_t i = 0; i < b.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			unsigned char *p = tl_dup(b.data, b.len);
			struct hl_buf plain;
			int r;

			p[i] ^= (unsigned char)(1 << bit);
			r = hl_envelope_parse(p, b.len, &env);
			if (r == 0)
				r = hl_envelope_verify(&env, &A.card);
			if (r == 0)
				fail_msg("flip of bit %d at byte %zu verifies", bit, i);
			if (i >= hlen) {
				assert_int_equal(r, -HL_EBODYHASH);
				hl_buf_init(&plain, HL_PLAIN_MAX);
				assert_int_equal(hl_envelope_decrypt(&env, key, &plain),
						 -HL_EDECRYPT);
				assert_int_equal(plain.len, 0);
				hl_buf_free(&plain);
			}
			free(p);
		}
	}
	hl_buf_free(&b);
}

static void test_truncated(void **state)
{
	struct hl_buf b;

	(void)state;
	seal_ab(&b);
	for (size_t k = 0; k < b.len; k++)
		if (parse_copy(b.data, k) >= 0)
			fail_msg("prefix of %zu bytes parses", k);
	assert_int_equal(parse_copy(b.data, 0), -HL_ETRUNCATED);
	assert_int_equal(parse_copy(b.data, b.len - 1), -HL_ETRUNCATED);
	assert_int_equal(parse_copy(b.data, b.len - strlen(arabic)), -HL_ETRUNCATED);
	hl_buf_free(&b);
}

/* Bytes after the body shift where the parser thinks the body starts;
 * which check then fails depends on the random nonce, but one does. */
static void test_appended_garbage(void **state)
{
	static const char *const tails[] = {
		"x", "\n", "\n\n", EM_DASH " ru-cert AAAA\n", "\0",
	};
	struct hl_buf b;

	(void)state;
	seal_ab(&b);
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		size_t tn = strlen(tails[i]) ? strlen(tails[i]) : 1;
		unsigned char *p = malloc(b.len + tn);
		int r;

		assert_non_null(p);
		memcpy(p, b.data, b.len);
		memcpy(p + b.len, tails[i], tn);
		r = parse_copy(p, b.len + tn);
		if (r >= 0 || r <= -HL_EMAX || r > -HL_EBASE)
			fail_msg("tail %zu: got %d, want a parse error", i, r);
		free(p);
	}
	hl_buf_free(&b);
}

/* A key disclosed by a party opens that one message for anyone; any
 * other key is refused by the commitment before decryption. */
static void test_disclosed_key(void **state)
{
	struct hl_buf b, b2;
	struct hl_envelope env, env2;
	unsigned char key[HL_KEY_LEN], key2[HL_KEY_LEN], bad[HL_KEY_LEN];
	struct hl_buf plain;

	(void)state;
	seal_ab(&b);
	seal_ab(&b2);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	assert_int_equal(hl_envelope_parse(b2.data, b2.len, &env2), 0);
	assert_int_equal(hl_envelope_unwrap(&env, "us-cert", B.card.box_pk,
					    B.box_sk, key), 0);
	assert_int_equal(hl_envelope_unwrap(&env2, "us-cert", B.card.box_pk,
					    B.box_sk, key2), 0);
	assert_memory_not_equal(key, key2, HL_KEY_LEN);
	assert_decrypts(&env, key, arabic, strlen(arabic));
	hl_buf_init(&plain, HL_PLAIN_MAX);
	assert_int_equal(hl_envelope_decrypt(&env, key2, &plain), -HL_EKEYCOMMIT);
	memcpy(bad, key, HL_KEY_LEN);
	bad[HL_KEY_LEN - 1] ^= 0x80;
	assert_int_equal(hl_envelope_decrypt(&env, bad, &plain), -HL_EKEYCOMMIT);
	memset(bad, 0, sizeof(bad));
	assert_int_equal(hl_envelope_decrypt(&env, bad, &plain), -HL_EKEYCOMMIT);
	assert_int_equal(plain.len, 0);
	hl_buf_free(&plain);
	hl_buf_free(&b);
	hl_buf_free(&b2);
}

/* The value following "prefix" in b, with its newline, as a string. */
static char *header_value(const struct hl_buf *b, const char *prefix)
{
	const unsigned char *at = memmem(b->data, b->len, prefix, strlen(prefix));
	const unsigned char *v, *nl;
	char *s;

	assert_non_null(at);
	v = at + strlen(prefix);
	nl = memchr(v, '\n', b->len - (size_t)(v - b->data));
	assert_non_null(nl);
	s = malloc((size_t)(nl - v) + 2);
	assert_non_null(s);
	memcpy(s, v, (size_t)(nl - v) + 1);
	s[nl - v + 1] = 0;
	return s;
}

/* A wrapped key or commitment lifted from another envelope is caught
 * at unwrap, before any decryption. */
static void test_swapped_wrap(void **state)
{
	struct hl_buf b, b2;
	struct hl_envelope env;
	unsigned char key[HL_KEY_LEN];
	char *wrap, *wrap2, *commit, *commit2;
	unsigned char *p;
	size_t n;

	(void)state;
	seal_ab(&b);
	seal_ab(&b2);
	wrap = header_value(&b, "\nkey us-cert ");
	wrap2 = header_value(&b2, "\nkey us-cert ");
	commit = header_value(&b, "\ncommit ");
	commit2 = header_value(&b2, "\ncommit ");
	p = tl_replace(b.data, b.len, wrap, wrap2, &n);
	assert_int_equal(hl_envelope_parse(p, n, &env), 0);
	assert_int_equal(hl_envelope_verify(&env, &A.card), -HL_EBADSIG);
	assert_int_equal(hl_envelope_unwrap(&env, "us-cert", B.card.box_pk,
					    B.box_sk, key), -HL_EKEYCOMMIT);
	assert_int_equal(hl_envelope_unwrap(&env, "ru-cert", A.card.box_pk,
					    A.box_sk, key), 0);
	free(p);
	p = tl_replace(b.data, b.len, commit, commit2, &n);
	assert_int_equal(hl_envelope_parse(p, n, &env), 0);
	assert_int_equal(hl_envelope_unwrap(&env, "us-cert", B.card.box_pk,
					    B.box_sk, key), -HL_EKEYCOMMIT);
	assert_int_equal(hl_envelope_unwrap(&env, "ru-cert", A.card.box_pk,
					    A.box_sk, key), -HL_EKEYCOMMIT);
	free(p);
	free(wrap);
	free(wrap2);
	free(commit);
	free(commit2);
	hl_buf_free(&b);
	hl_buf_free(&b2);
}

/* One header with another envelope's body (same length). */
static void test_swapped_body(void **state)
{
	struct hl_buf b, b2;
	struct hl_envelope env, env2;
	unsigned char *p;

	(void)state;
	seal_ab(&b);
	seal_ab(&b2);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	assert_int_equal(hl_envelope_parse(b2.data, b2.len, &env2), 0);
	assert_int_equal(env.body_len, env2.body_len);
	p = tl_dup(b.data, b.len);
	memcpy(p + env.header_len, env2.body, env2.body_len);
	assert_int_equal(parse_verify(p, b.len), -HL_EBODYHASH);
	free(p);
	hl_buf_free(&b);
	hl_buf_free(&b2);
}

static void test_link_id(void **state)
{
	static const char ctx[] = "hotline.link/v1\n";
	unsigned char ab[HL_LINK_ID_LEN], ba[HL_LINK_ID_LEN], ac[HL_LINK_ID_LEN];
	unsigned char msg[sizeof(ctx) - 1 + 64], want[32];
	const unsigned char *lo = A.card.sign_pk, *hi = B.card.sign_pk;

	(void)state;
	hl_link_id(A.card.sign_pk, B.card.sign_pk, ab);
	hl_link_id(B.card.sign_pk, A.card.sign_pk, ba);
	hl_link_id(A.card.sign_pk, C.card.sign_pk, ac);
	assert_memory_equal(ab, ba, HL_LINK_ID_LEN);
	assert_memory_not_equal(ab, ac, HL_LINK_ID_LEN);
	if (memcmp(lo, hi, 32) > 0) {
		lo = B.card.sign_pk;
		hi = A.card.sign_pk;
	}
	memcpy(msg, ctx, sizeof(ctx) - 1);
	memcpy(msg + sizeof(ctx) - 1, lo, 32);
	memcpy(msg + sizeof(ctx) - 1 + 32, hi, 32);
	crypto_hash_sha256(want, msg, sizeof(msg));
	assert_memory_equal(ab, want, 32);
}

/* Generation g + 1 hashes the two keys with generation g's ID, from
 * either side; generation 1 is the link ID of 5. */
static void test_link_id_gen(void **state)
{
	static const char ctx[] = "hotline.link/v1\n";
	unsigned char g1[HL_LINK_ID_LEN], g[HL_LINK_ID_LEN], other[HL_LINK_ID_LEN];
	unsigned char msg[sizeof(ctx) - 1 + 96], want[32];
	const unsigned char *lo = A.card.sign_pk, *hi = B.card.sign_pk;

	(void)state;
	if (memcmp(lo, hi, 32) > 0) {
		lo = B.card.sign_pk;
		hi = A.card.sign_pk;
	}
	hl_link_id(A.card.sign_pk, B.card.sign_pk, g1);
	assert_int_equal(hl_link_id_gen(B.card.sign_pk, A.card.sign_pk, 1, g), 0);
	assert_memory_equal(g, g1, sizeof(g));
	memcpy(want, g1, sizeof(want));
	for (uint32_t k = 2; k <= 4; k++) {
		memcpy(msg, ctx, sizeof(ctx) - 1);
		memcpy(msg + sizeof(ctx) - 1, lo, 32);
		memcpy(msg + sizeof(ctx) - 1 + 32, hi, 32);
		memcpy(msg + sizeof(ctx) - 1 + 64, want, 32);
		crypto_hash_sha256(want, msg, sizeof(msg));
		assert_int_equal(hl_link_id_gen(A.card.sign_pk, B.card.sign_pk, k, g), 0);
		assert_memory_equal(g, want, sizeof(g));
		assert_int_equal(hl_link_id_gen(B.card.sign_pk, A.card.sign_pk, k, other), 0);
		assert_memory_equal(other, want, sizeof(g));
		assert_memory_not_equal(g, g1, sizeof(g));
	}
	assert_int_equal(hl_link_id_gen(A.card.sign_pk, C.card.sign_pk, 2, other), 0);
	assert_int_equal(hl_link_id_gen(A.card.sign_pk, B.card.sign_pk, 2, g), 0);
	assert_memory_not_equal(g, other, sizeof(g));
	assert_int_equal(hl_link_id_gen(A.card.sign_pk, B.card.sign_pk, 0, g), -HL_ENUMBER);
	assert_int_equal(hl_link_id_gen(A.card.sign_pk, B.card.sign_pk,
					HL_LINK_GEN_MAX + 1, g), -HL_ENUMBER);
	assert_int_equal(hl_link_id_gen(A.card.sign_pk, B.card.sign_pk,
					HL_LINK_GEN_MAX, g), 0);
}

/* Times at both ends of the format survive sealing. */
static void test_time_range(void **state)
{
	static const int64_t times[] = {0, TL_CREATED, HL_TIME_MAX};
	struct hl_seal_params p = params(&A, &B);
	struct hl_buf b;
	struct hl_envelope env;

	(void)state;
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		p.time = times[i];
		assert_int_equal(seal_with(&p, "x", 1, &b), 0);
		assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
		assert_int_equal(env.time, times[i]);
		hl_buf_free(&b);
	}
}

/* The envelope env (parsed from b, A to C) with "jp-cert" renamed
 * "us-cert" in its header, signed again by A, into out. */
static void relabel(const struct hl_buf *b, const struct hl_envelope *env,
		    struct hl_buf *out)
{
	size_t n1, n2;
	unsigned char *t1 = tl_replace(b->data, env->note.text_len,
				       "\nto jp-cert\n", "\nto us-cert\n", &n1);
	unsigned char *t2 = tl_replace(t1, n1, "\nkey jp-cert ", "\nkey us-cert ", &n2);

	hl_buf_init(out, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	assert_int_equal(hl_note_sign_text(out, t2, n2, "ru-cert", A.sign_sk), 0);
	assert_int_equal(hl_buf_append(out, env->body, env->body_len), 0);
	free(t1);
	free(t2);
}

/* verify knows only the sender; check_link binds both parties. */
static void test_check_link(void **state)
{
	struct hl_seal_params p = params(&A, &C);
	struct hl_buf b, bc;
	struct hl_envelope env, envc;
	struct hl_card impostor = B.card;

	(void)state;
	seal_ab(&b);
	assert_int_equal(seal_with(&p, arabic, strlen(arabic), &bc), 0);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	assert_int_equal(hl_envelope_parse(bc.data, bc.len, &envc), 0);
	assert_int_equal(hl_envelope_check_link(&env, NULL, &A.card, &B.card), 0);
	assert_int_equal(hl_envelope_check_link(&envc, NULL, &A.card, &C.card), 0);
	assert_int_equal(hl_envelope_check_link(&env, NULL, &B.card, &A.card), -HL_ELINK);
	assert_int_equal(hl_envelope_check_link(&env, NULL, &A.card, &C.card), -HL_ELINK);
	assert_int_equal(hl_envelope_check_link(&envc, NULL, &A.card, &B.card), -HL_ELINK);
	memcpy(impostor.sign_pk, C.card.sign_pk, sizeof(impostor.sign_pk));
	assert_int_equal(hl_envelope_check_link(&env, NULL, &A.card, &impostor), -HL_ELINK);
	hl_buf_free(&b);
	/* A link of a later generation (after an archive, 5.1): its
	 * envelopes carry its stored ID, which the cards alone do not give. */
	{
		struct hl_seal_params p2 = params(&A, &B);
		unsigned char g2[HL_LINK_ID_LEN];

		assert_int_equal(hl_link_id_gen(A.card.sign_pk, B.card.sign_pk, 2, g2), 0);
		p2.link = g2;
		assert_int_equal(seal_with(&p2, arabic, strlen(arabic), &b), 0);
		assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
		assert_memory_equal(env.link, g2, sizeof(g2));
		assert_int_equal(hl_envelope_check_link(&env, g2, &A.card, &B.card), 0);
		assert_int_equal(hl_envelope_check_link(&env, NULL, &A.card, &B.card), -HL_ELINK);
		hl_buf_free(&b);
	}
	/* A's message to C, relabelled for B and re-signed by A, verifies
	 * as A's but is not on the A-B link. */
	relabel(&bc, &envc, &b);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	assert_string_equal(env.to, "us-cert");
	assert_int_equal(hl_envelope_verify(&env, &A.card), 0);
	assert_int_equal(hl_envelope_check_link(&env, NULL, &A.card, &B.card), -HL_ELINK);
	hl_buf_free(&b);
	hl_buf_free(&bc);
}

static void test_seq(void **state)
{
	struct hl_seal_params p = params(&A, &B);
	struct hl_buf b;
	struct hl_envelope env;

	(void)state;
	p.seq = 0;
	assert_int_equal(seal_with(&p, "x", 1, &b), -HL_ENUMBER);
	hl_buf_free(&b);
	p.seq = (uint64_t)INT64_MAX + 1;
	assert_int_equal(seal_with(&p, "x", 1, &b), -HL_ENUMBER);
	hl_buf_free(&b);
	p.seq = INT64_MAX;
	assert_int_equal(seal_with(&p, "x", 1, &b), 0);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	assert_int_equal(env.seq, INT64_MAX);
	assert_int_equal(parse_variant(&b, "\nseq 9223372036854775807\n",
				       "\nseq 9223372036854775808\n"), -HL_ENUMBER);
	hl_buf_free(&b);
	seal_ab(&b);
	assert_int_equal(parse_variant(&b, "\nseq 1\n", "\nseq 0\n"), -HL_ENUMBER);
	assert_int_equal(parse_variant(&b, "\nseq 1\n", "\nseq 01\n"), -HL_ENUMBER);
	assert_int_equal(parse_variant(&b, "\nseq 1\n", "\nseq -1\n"), -HL_ENUMBER);
	assert_int_equal(parse_variant(&b, "\nseq 1\n", "\nseq 2\n"), 0);
	hl_buf_free(&b);
}

static void test_empty_plaintext(void **state)
{
	struct hl_seal_params p = params(&A, &B);
	struct hl_buf b;
	struct hl_envelope env;

	(void)state;
	assert_int_equal(seal_with(&p, "", 0, &b), 0);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	assert_int_equal(env.body_len, HL_NONCE_LEN + HL_TAG_LEN);
	assert_opens(&b, "", 0);
	hl_buf_free(&b);
}

/* HL_PLAIN_MAX bytes seal and open; one more byte is refused. */
static void test_plain_max(void **state)
{
	struct hl_seal_params p = params(&A, &B);
	unsigned char *plain = malloc(HL_PLAIN_MAX + 1);
	struct hl_buf b;

	(void)state;
	assert_non_null(plain);
	for (size_t i = 0; i <= HL_PLAIN_MAX; i++)
		plain[i] = (unsigned char)(i * 131 + (i >> 12));
	assert_int_equal(seal_with(&p, plain, HL_PLAIN_MAX + 1, &b), -HL_ETOOBIG);
	assert_int_equal(b.len, 0);
	hl_buf_free(&b);
	assert_int_equal(seal_with(&p, plain, HL_PLAIN_MAX, &b), 0);
	assert_opens(&b, plain, HL_PLAIN_MAX);
	hl_buf_free(&b);
	free(plain);
}

static void test_kind(void **state)
{
	char k32[HL_KIND_MAX + 2];
	struct hl_seal_params p = params(&A, &B);
	struct hl_buf b;
	struct hl_envelope env;

	(void)state;
	memset(k32, 'k', sizeof(k32));
	k32[HL_KIND_MAX] = 0;
	assert_true(hl_kind_valid("notify", 6));
	assert_true(hl_kind_valid("comm-check", 10));
	assert_true(hl_kind_valid("a-", 2));
	assert_true(hl_kind_valid(k32, HL_KIND_MAX));
	assert_false(hl_kind_valid(k32, HL_KIND_MAX + 1));
	assert_false(hl_kind_valid("", 0));
	assert_false(hl_kind_valid("-a", 2));
	assert_false(hl_kind_valid("Notify", 6));
	assert_false(hl_kind_valid("no tify", 7));
	assert_false(hl_kind_valid("notify2", 7));
	assert_false(hl_kind_valid("no_tify", 7));
	assert_false(hl_kind_valid("no.tify", 7));
	p.kind = k32;
	assert_int_equal(seal_with(&p, "x", 1, &b), 0);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	assert_string_equal(env.kind, k32);
	hl_buf_free(&b);
	k32[HL_KIND_MAX] = 'k';
	k32[HL_KIND_MAX + 1] = 0;
	assert_int_equal(seal_with(&p, "x", 1, &b), -HL_ESYNTAX);
	hl_buf_free(&b);
	p.kind = "Notify";
	assert_int_equal(seal_with(&p, "x", 1, &b), -HL_ESYNTAX);
	hl_buf_free(&b);
	seal_ab(&b);
	assert_int_equal(parse_variant(&b, "\nkind notify\n", "\nkind Notify\n"),
			 -HL_ESYNTAX);
	assert_int_equal(parse_variant(&b, "\nkind notify\n", "\nkind -x\n"),
			 -HL_ESYNTAX);
	assert_int_equal(parse_variant(&b, "\nkind notify\n", "\nkind \n"),
			 -HL_EFIELD);
	hl_buf_free(&b);
}

static void test_precedence(void **state)
{
	static const char *const names[] = {"flash", "immediate", "priority", "routine"};
	struct hl_seal_params p = params(&A, &B);
	enum hl_precedence got;
	struct hl_buf b;
	struct hl_envelope env;

	(void)state;
	for (int i = HL_FLASH; i <= HL_ROUTINE; i++) {
		assert_string_equal(hl_precedence_name((enum hl_precedence)i), names[i]);
		assert_int_equal(hl_precedence_parse(names[i], &got), 0);
		assert_int_equal(got, i);
		p.precedence = (enum hl_precedence)i;
		assert_int_equal(seal_with(&p, "x", 1, &b), 0);
		assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
		assert_int_equal(env.precedence, i);
		hl_buf_free(&b);
	}
	assert_string_equal(hl_precedence_name((enum hl_precedence)4), "?");
	assert_string_equal(hl_precedence_name((enum hl_precedence)-1), "?");
	assert_int_equal(hl_precedence_parse("FLASH", &got), -HL_ESYNTAX);
	assert_int_equal(hl_precedence_parse("flash ", &got), -HL_ESYNTAX);
	assert_int_equal(hl_precedence_parse("flas", &got), -HL_ESYNTAX);
	assert_int_equal(hl_precedence_parse("", &got), -HL_ESYNTAX);
	p.precedence = (enum hl_precedence)4;
	assert_int_equal(seal_with(&p, "x", 1, &b), -HL_ESYNTAX);
	hl_buf_free(&b);
	seal_ab(&b);
	assert_int_equal(parse_variant(&b, "precedence flash", "precedence urgent"),
			 -HL_ESYNTAX);
	assert_int_equal(parse_variant(&b, "precedence flash", "precedence Flash"),
			 -HL_ESYNTAX);
	hl_buf_free(&b);
}

static void test_seal_rejects(void **state)
{
	struct hl_seal_params p = params(&A, &B);
	struct tl_party twin = A;
	struct hl_buf b;

	(void)state;
	p.to = &A.card;
	assert_int_equal(seal_with(&p, "x", 1, &b), -HL_ENAME);
	hl_buf_free(&b);
	/* Another name, the same sign key: still a message to oneself. */
	memcpy(twin.card.name, "us-cert", 8);
	p.to = &twin.card;
	assert_int_equal(seal_with(&p, "x", 1, &b), -HL_ENAME);
	hl_buf_free(&b);
	p = params(&A, &B);
	p.time = -1;
	assert_int_equal(seal_with(&p, "x", 1, &b), -HL_ETIME);
	hl_buf_free(&b);
	p.time = HL_TIME_MAX + 1;
	assert_int_equal(seal_with(&p, "x", 1, &b), -HL_ETIME);
	hl_buf_free(&b);
	p = params(&A, &B);
	p.sign_sk = B.sign_sk;
	assert_int_equal(seal_with(&p, "x", 1, &b), -HL_EKEYFILE);
	assert_int_equal(b.len, 0);
	hl_buf_free(&b);
	p = params(&A, &B);
	hl_buf_init(&b, 512);
	assert_int_equal(hl_envelope_seal(&p, (const unsigned char *)"x", 1, &b),
			 -HL_ETOOBIG);
	hl_buf_free(&b);
}

/* Header fields, each wrong in one way; the parser names the problem. */
static void test_header_fields(void **state)
{
	struct hl_buf b;

	(void)state;
	seal_ab(&b);
	assert_int_equal(parse_variant(&b, "hotline.envelope/v1", "hotline.envelope/v2"),
			 -HL_ETYPE);
	assert_int_equal(parse_variant(&b, "hotline.envelope/v1", "hotline.card/v1"),
			 -HL_ETYPE);
	assert_int_equal(parse_variant(&b, "\nlink ", "\nlink !"), -HL_EBASE64);
	assert_int_equal(parse_variant(&b, "\nfrom ru-cert\n", "\nfrom us-cert\n"),
			 -HL_ENAME);
	assert_int_equal(parse_variant(&b, "\nto us-cert\n", "\nto US-CERT\n"),
			 -HL_ENAME);
	assert_int_equal(parse_variant(&b, "\nfrom ru-cert\n", "\nfrom \n"), -HL_EFIELD);
	assert_int_equal(parse_variant(&b, "T10:02:00Z", "T25:02:00Z"), -HL_ETIME);
	assert_int_equal(parse_variant(&b, "T10:02:00Z", "T10:02:00"), -HL_ETIME);
	assert_int_equal(parse_variant(&b, "\nbody ", "\nbody 39 x"), -HL_ENUMBER);
	assert_int_equal(parse_variant(&b, "\nbody ", "\nbody 0"), -HL_ENUMBER);
	assert_int_equal(parse_variant(&b, "\nbody ", "\nbody 8388648"), -HL_ENUMBER);
	assert_int_equal(parse_variant(&b, "\nbody ", "\nbody 9"), -HL_ETRUNCATED);
	assert_int_equal(parse_variant(&b, "\nbody ", "\nbody  "), -HL_ESYNTAX);
	assert_int_equal(parse_variant(&b, "\ncommit ", "\ncommit A"), -HL_EBASE64);
	assert_int_equal(parse_variant(&b, "\nkey us-cert ", "\nkey ru-cert "),
			 -HL_EFIELD);
	assert_int_equal(parse_variant(&b, "\nkey us-cert ", "\nkey us-cert"),
			 -HL_ESYNTAX);
	assert_int_equal(parse_variant(&b, "\nkey us-cert ", "\nkey us-cert  "),
			 -HL_EBASE64);
	assert_int_equal(parse_variant(&b, "\nkey ru-cert ", "\nkey jp-cert "),
			 -HL_EFIELD);
	assert_int_equal(parse_variant(&b, "\nkind notify\n", "\nkind notif\xff\n"),
			 -HL_EUTF8);
	assert_int_equal(parse_variant(&b, "\nkind notify\n", "\nkind notify\r\n"),
			 -HL_ECONTROL);
	hl_buf_free(&b);
}

/* Every field in its place, once: order, duplicates, missing, extra. */
static void test_header_structure(void **state)
{
	struct hl_buf b;

	(void)state;
	seal_ab(&b);
	assert_int_equal(parse_variant(&b, "\nseq 1\n", "\nseq 1\nseq 1\n"), -HL_EFIELD);
	assert_int_equal(parse_variant(&b, "\nseq 1\n", "\n"), -HL_EFIELD);
	assert_int_equal(parse_variant(&b, "\nfrom ru-cert\nto us-cert\n",
				       "\nto us-cert\nfrom ru-cert\n"), -HL_EFIELD);
	assert_int_equal(parse_variant(&b, "\nkind notify\n",
				       "\nkind notify\nnote x\n"), -HL_EFIELD);
	assert_int_equal(parse_variant(&b, "\n\n" EM_DASH, "\nnote x\n\n" EM_DASH),
			 -HL_EFIELD);
	/* A second blank line: the note's text and the header's differ. */
	assert_int_equal(parse_variant(&b, "\n\n" EM_DASH, "\n\n\n" EM_DASH),
			 -HL_ESYNTAX);
	assert_int_equal(parse_copy("abc", 3), -HL_ETRUNCATED);
	assert_int_equal(parse_copy("", 0), -HL_ETRUNCATED);
	hl_buf_free(&b);
}

/* The sealed b with its signature lines replaced by sigs; parses the
 * result and, when that succeeds, verifies it as A's. */
static int with_sigs(const struct hl_buf *b, const void *sigs, size_t sn)
{
	struct hl_envelope env;
	struct hl_buf nb;
	size_t tlen;
	int r;

	assert_int_equal(hl_envelope_parse(b->data, b->len, &env), 0);
	tlen = env.note.text_len;
	hl_buf_init(&nb, b->len + sn);
	assert_int_equal(hl_buf_append(&nb, b->data, tlen + 1), 0);
	assert_int_equal(hl_buf_append(&nb, sigs, sn), 0);
	assert_int_equal(hl_buf_append(&nb, env.body, env.body_len), 0);
	r = parse_verify(nb.data, nb.len);
	hl_buf_free(&nb);
	return r;
}

static void test_signature_lines(void **state)
{
	struct hl_buf b, sig;
	struct hl_envelope env;
	unsigned char *line;
	size_t tlen, ln;

	(void)state;
	seal_ab(&b);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	tlen = env.note.text_len;
	ln = env.header_len - tlen - 1;
	line = tl_dup(b.data + tlen + 1, ln);
	assert_int_equal(with_sigs(&b, line, ln), 0);
	assert_int_equal(with_sigs(&b, "", 0), -HL_ENOSIG);
	hl_buf_init(&sig, 4 * HL_ENVELOPE_HEADER_MAX);
	assert_int_equal(hl_buf_append(&sig, line, ln), 0);
	assert_int_equal(hl_buf_append(&sig, line, ln), 0);
	assert_int_equal(with_sigs(&b, sig.data, sig.len), -HL_EDUPLICATE);
	sig.len = ln;
	assert_int_equal(hl_buf_puts(&sig, "garbage\n"), 0);
	assert_int_equal(with_sigs(&b, sig.data, sig.len), -HL_ESYNTAX);
	/* Exactly one signature: a valid countersignature would give the
	 * same message a second byte form. */
	sig.len = ln;
	assert_int_equal(hl_note_sign(&sig, b.data, tlen, "us-cert", B.sign_sk), 0);
	assert_int_equal(with_sigs(&b, sig.data, sig.len), -HL_EDUPLICATE);
	/* The one signature must carry the sender's name... */
	sig.len = 0;
	assert_int_equal(hl_note_sign(&sig, b.data, tlen, "us-cert", B.sign_sk), 0);
	assert_int_equal(with_sigs(&b, sig.data, sig.len), -HL_ENOSIG);
	/* ...and be by the sender's key. */
	sig.len = 0;
	assert_int_equal(hl_note_sign(&sig, b.data, tlen, "ru-cert", B.sign_sk), 0);
	assert_int_equal(with_sigs(&b, sig.data, sig.len), -HL_ENOSIG);
	hl_buf_free(&sig);
	free(line);
	hl_buf_free(&b);
}

/* A header that never ends is refused once it passes the header cap. */
static void test_oversize_header(void **state)
{
	unsigned char *p = malloc(2 * HL_ENVELOPE_HEADER_MAX);
	struct hl_buf card;

	(void)state;
	assert_non_null(p);
	memset(p, 'a', 2 * HL_ENVELOPE_HEADER_MAX);
	assert_int_equal(parse_copy(p, 2 * HL_ENVELOPE_HEADER_MAX), -HL_ETOOBIG);
	assert_int_equal(parse_copy(p, HL_ENVELOPE_HEADER_MAX + 1), -HL_ETOOBIG);
	assert_int_equal(parse_copy(p, HL_ENVELOPE_HEADER_MAX), -HL_ETRUNCATED);
	free(p);
	tl_card_encode(&A, &card);
	assert_int_equal(parse_copy(card.data, card.len), -HL_ETYPE);
	hl_buf_free(&card);
}

/* An envelope's header is no card, though both are signed notes. */
static void test_domains(void **state)
{
	struct hl_buf b;
	struct hl_envelope env;
	struct hl_card card;

	(void)state;
	seal_ab(&b);
	assert_int_equal(hl_envelope_parse(b.data, b.len, &env), 0);
	assert_int_equal(hl_card_parse(env.header, env.header_len, &card), -HL_ETYPE);
	hl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_seed_file),
		cmocka_unit_test(test_third_party),
		cmocka_unit_test(test_wrong_card),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_appended_garbage),
		cmocka_unit_test(test_disclosed_key),
		cmocka_unit_test(test_swapped_wrap),
		cmocka_unit_test(test_swapped_body),
		cmocka_unit_test(test_link_id),
		cmocka_unit_test(test_link_id_gen),
		cmocka_unit_test(test_time_range),
		cmocka_unit_test(test_check_link),
		cmocka_unit_test(test_seq),
		cmocka_unit_test(test_empty_plaintext),
		cmocka_unit_test(test_plain_max),
		cmocka_unit_test(test_kind),
		cmocka_unit_test(test_precedence),
		cmocka_unit_test(test_seal_rejects),
		cmocka_unit_test(test_header_fields),
		cmocka_unit_test(test_header_structure),
		cmocka_unit_test(test_signature_lines),
		cmocka_unit_test(test_oversize_header),
		cmocka_unit_test(test_domains),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("envelope", tests, setup, NULL);
}
