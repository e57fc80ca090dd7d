/* test_checkpoint.c - tlog-checkpoints of a link's logs and the peer's
 * tlog-cosignatures over them.
 *
 * ru-cert (A) keeps the log of what it sent to us-cert (B), who cosigns;
 * jp-cert (C) is a stranger.  Ed25519 is deterministic, so a checkpoint
 * or cosignature signed here is the same bytes on every run, and the
 * cosignature format is pinned by rebuilding one by hand from the C2SP
 * text (key ID, timestamp, signed message) and comparing bytes.
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
#include "testlib.h"

#define EM_DASH "\xe2\x80\x94"
#define RECEIPT (TL_CREATED + 600)
#define COSIG_RAW (4 + 8 + HL_ED25519_SIG_LEN)
#define HEX_AB "abababababababababababababababababababababababababababababababab"

static struct tl_party A, B, C;
static unsigned char link_ab[HL_LINK_ID_LEN];
static char origin[HL_ORIGIN_MAX + 1];	/* A's log on the A-B link */
static hl_hash root;

static int setup(void **state)
{
	(void)state;
	tl_party_init(&A, "ru-cert", 1);
	tl_party_init(&B, "us-cert", 2);
	tl_party_init(&C, "jp-cert", 3);
	hl_link_id(A.card.sign_pk, B.card.sign_pk, link_ab);
	hl_log_origin(link_ab, A.card.name, origin);
	for (size_t i = 0; i < HL_HASH_LEN; i++)
		root[i] = (unsigned char)(0xc0 + i);
	return 0;
}

/* A's checkpoint of its A-B log at size, in out (initialised here). */
static void sign_cp(uint64_t size, struct hl_buf *out)
{
	hl_buf_init(out, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_checkpoint_sign(origin, size, root, A.sign_sk, out), 0);
}

/* Any text signed by A under the key name origin, so a test can give
 * the parser a well-signed checkpoint that is wrong in one chosen way. */
static void sign_text(const char *text, struct hl_buf *out)
{
	hl_buf_init(out, HL_NOTE_MAX);
	assert_int_equal(hl_note_sign_text(out, (const unsigned char *)text,
					   strlen(text), origin, A.sign_sk), 0);
}

/* Parses a heap copy of exactly n bytes. */
static int parse_copy(const void *s, size_t n)
{
	struct hl_checkpoint cp;
	unsigned char *p = tl_dup(s, n);
	int r = hl_checkpoint_parse(p, n, &cp);

	free(p);
	return r;
}

static int parse_text(const char *text)
{
	struct hl_buf b;
	int r;

	sign_text(text, &b);
	r = parse_copy(b.data, b.len);
	hl_buf_free(&b);
	return r;
}

/* "<origin>\n<size>\n<root>\n" with the given lines. */
static int parse_lines(const char *o, const char *size, const char *r64)
{
	char text[1024];

	assert_true(snprintf(text, sizeof(text), "%s\n%s\n%s\n", o, size, r64) > 0);
	return parse_text(text);
}

static void root_b64(char out[HL_HASH_LEN * 2])
{
	struct hl_buf b;

	hl_buf_init(&b, 64);
	assert_int_equal(hl_buf_b64(&b, root, HL_HASH_LEN), 0);
	assert_int_equal(b.len, 44);
	memcpy(out, b.data, b.len + 1);
	hl_buf_free(&b);
}

/* Appends name's cosignature over the checkpoint in b at time t. */
static int cosign(struct hl_buf *b, const char *name,
		  const unsigned char sk[HL_ED25519_SK_LEN], uint64_t t)
{
	struct hl_checkpoint cp;
	struct hl_buf line;
	int r;

	assert_int_equal(hl_checkpoint_parse(b->data, b->len, &cp), 0);
	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	r = hl_cosig_sign(&cp, name, sk, t, &line);
	if (r == 0)
		assert_int_equal(hl_buf_append(b, line.data, line.len), 0);
	hl_buf_free(&line);
	return r;
}

/* Parses a copy of s and checks its cosignature by (name, pk). */
static int cosig_verify_copy(const void *s, size_t n, const char *name,
			     const unsigned char *pk, uint64_t *t)
{
	struct hl_checkpoint cp;
	unsigned char *p = tl_dup(s, n);
	int r = hl_checkpoint_parse(p, n, &cp);

	if (r == 0)
		r = hl_cosig_verify(&cp, name, pk, t);
	free(p);
	return r;
}

static void test_origin(void **state)
{
	unsigned char link[HL_LINK_ID_LEN];
	char o[HL_ORIGIN_MAX + 1];

	(void)state;
	for (size_t i = 0; i < sizeof(link); i++)
		link[i] = (unsigned char)i;
	hl_log_origin(link, "ru-cert", o);
	assert_string_equal(o, "hotline.log/v1/"
			    "000102030405060708090a0b0c0d0e0f"
			    "101112131415161718191a1b1c1d1e1f/ru-cert");
	assert_int_equal(strlen(origin), strlen(HL_ORIGIN_PREFIX) + 64 + 1 + 7);
	assert_memory_equal(origin, HL_ORIGIN_PREFIX, strlen(HL_ORIGIN_PREFIX));
}

static void test_round_trip(void **state)
{
	struct hl_buf b, b2;
	struct hl_checkpoint cp;
	char r64[HL_HASH_LEN * 2], text[512];
	int tn;

	(void)state;
	sign_cp(5, &b);
	root_b64(r64);
	tn = snprintf(text, sizeof(text), "%s\n5\n%s\n\n" EM_DASH " %s ",
		      origin, r64, origin);
	assert_true(tn > 0 && (size_t)tn < b.len);
	assert_memory_equal(b.data, text, (size_t)tn);
	assert_int_equal(b.data[b.len - 1], '\n');
	assert_int_equal(hl_checkpoint_parse(b.data, b.len, &cp), 0);
	assert_string_equal(cp.origin, origin);
	assert_int_equal(cp.size, 5);
	assert_memory_equal(cp.root, root, HL_HASH_LEN);
	assert_ptr_equal(cp.note.text, b.data);
	assert_int_equal(cp.note.text_len, strlen(origin) + 3 + 44 + 1);
	assert_int_equal(cp.note.nsigs, 1);
	assert_int_equal(cp.note.sigs[0].keyid,
			 hl_note_keyid(origin, HL_SIGTYPE_ED25519, A.card.sign_pk, 32));
	assert_int_equal(hl_checkpoint_verify(&cp, A.card.sign_pk), 0);
	assert_int_equal(hl_checkpoint_verify(&cp, B.card.sign_pk), -HL_ENOSIG);
	/* Deterministic: the same checkpoint is the same bytes. */
	sign_cp(5, &b2);
	assert_int_equal(b2.len, b.len);
	assert_memory_equal(b2.data, b.data, b.len);
	hl_buf_free(&b2);
	hl_buf_free(&b);
}

/* The owner's signature on a bit-flipped checkpoint text, or a flipped
 * signature, fails; a checkpoint signed by someone else is no checkpoint. */
static void test_owner_signature(void **state)
{
	struct hl_buf b;
	struct hl_checkpoint cp;
	char r64[HL_HASH_LEN * 2], text[512];
	int r;

	(void)state;
	sign_cp(7, &b);
	for (size_t i = 0; i < b.len; i++) {
		unsigned char *p = tl_dup(b.data, b.len);

		p[i] ^= 0x01;
		r = hl_checkpoint_parse(p, b.len, &cp);
		if (r == 0)
			r = hl_checkpoint_verify(&cp, A.card.sign_pk);
		if (r == 0)
			fail_msg("flip at byte %zu verifies", i);
		free(p);
	}
	hl_buf_free(&b);
	root_b64(r64);
	assert_true(snprintf(text, sizeof(text), "%s\n7\n%s\n", origin, r64) > 0);
	hl_buf_init(&b, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_note_sign_text(&b, (const unsigned char *)text,
					   strlen(text), origin, B.sign_sk), 0);
	assert_int_equal(hl_checkpoint_parse(b.data, b.len, &cp), 0);
	assert_int_equal(hl_checkpoint_verify(&cp, A.card.sign_pk), -HL_ENOSIG);
	assert_int_equal(hl_checkpoint_verify(&cp, B.card.sign_pk), 0);
	hl_buf_free(&b);
}

/* tlog-checkpoint: decimal, no leading zeroes, "0" for the empty tree. */
static void test_size(void **state)
{
	struct hl_buf b;
	struct hl_checkpoint cp;
	char r64[HL_HASH_LEN * 2];

	(void)state;
	sign_cp(0, &b);
	assert_int_equal(hl_checkpoint_parse(b.data, b.len, &cp), 0);
	assert_int_equal(cp.size, 0);
	assert_int_equal(hl_checkpoint_verify(&cp, A.card.sign_pk), 0);
	hl_buf_free(&b);
	sign_cp(INT64_MAX, &b);
	assert_int_equal(hl_checkpoint_parse(b.data, b.len, &cp), 0);
	assert_int_equal(cp.size, INT64_MAX);
	hl_buf_free(&b);
	root_b64(r64);
	assert_int_equal(parse_lines(origin, "0", r64), 0);
	assert_int_equal(parse_lines(origin, "10", r64), 0);
	assert_int_equal(parse_lines(origin, "00", r64), -HL_ENUMBER);
	assert_int_equal(parse_lines(origin, "05", r64), -HL_ENUMBER);
	assert_int_equal(parse_lines(origin, "007", r64), -HL_ENUMBER);
	assert_int_equal(parse_lines(origin, "-1", r64), -HL_ENUMBER);
	assert_int_equal(parse_lines(origin, "+1", r64), -HL_ENUMBER);
	assert_int_equal(parse_lines(origin, " 5", r64), -HL_ENUMBER);
	assert_int_equal(parse_lines(origin, "5 ", r64), -HL_ENUMBER);
	assert_int_equal(parse_lines(origin, "0x5", r64), -HL_ENUMBER);
	assert_int_equal(parse_lines(origin, "", r64), -HL_ENUMBER);
	assert_int_equal(parse_lines(origin, "9223372036854775807", r64), 0);
	assert_int_equal(parse_lines(origin, "9223372036854775808", r64), -HL_ENUMBER);
	assert_int_equal(parse_lines(origin, "18446744073709551616", r64), -HL_ENUMBER);
}

static void test_root(void **state)
{
	char r64[HL_HASH_LEN * 2];

	(void)state;
	root_b64(r64);
	assert_int_equal(parse_lines(origin, "5", r64), 0);
	r64[43] = 0;	/* unpadded */
	assert_int_equal(parse_lines(origin, "5", r64), -HL_EBASE64);
	assert_int_equal(parse_lines(origin, "5", "AAAA"), -HL_EBASE64);
	/* 33 bytes */
	assert_int_equal(parse_lines(origin, "5",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), -HL_EBASE64);
	/* the right length but not canonical: the padding bits are set */
	assert_int_equal(parse_lines(origin, "5",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB="), -HL_EBASE64);
	assert_int_equal(parse_lines(origin, "5",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), 0);
	assert_int_equal(parse_lines(origin, "5",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA_="), -HL_EBASE64);
}

/* Hotline's checkpoints have no extension lines, not even an empty one. */
static void test_extension_lines(void **state)
{
	char r64[HL_HASH_LEN * 2], text[512];

	(void)state;
	root_b64(r64);
	assert_true(snprintf(text, sizeof(text), "%s\n5\n%s\nextension\n", origin, r64) > 0);
	assert_int_equal(parse_text(text), -HL_EFIELD);
	assert_true(snprintf(text, sizeof(text), "%s\n5\n%s\n%s\n", origin, r64, r64) > 0);
	assert_int_equal(parse_text(text), -HL_EFIELD);
	assert_true(snprintf(text, sizeof(text), "%s\n5\n%s\n\n", origin, r64) > 0);
	assert_int_equal(parse_text(text), -HL_EFIELD);
	assert_true(snprintf(text, sizeof(text), "%s\n5\n", origin) > 0);
	assert_int_equal(parse_text(text), -HL_ETRUNCATED);
	assert_true(snprintf(text, sizeof(text), "%s\n", origin) > 0);
	assert_int_equal(parse_text(text), -HL_ETRUNCATED);
	assert_true(snprintf(text, sizeof(text), "%s\n\n5\n%s\n", origin, r64) > 0);
	assert_int_equal(parse_text(text), -HL_ENUMBER);
}

/* Origins that are not "hotline.log/v1/<64 lowercase hex>/<party name>". */
static void test_bad_origin(void **state)
{
	static const char *const bad[] = {
		"hotline.log/v2/" HEX_AB "/ru-cert",
		"hotline.log/v1" HEX_AB "/ru-cert",
		"Hotline.log/v1/" HEX_AB "/ru-cert",
		"hotline.card/v1",
		"example.com/behind-the-sofa",
		" hotline.log/v1/" HEX_AB "/ru-cert",
		"hotline.log/v1/",
		"hotline.log/v1/" HEX_AB,
		"hotline.log/v1/" HEX_AB "/",
		"hotline.log/v1/" HEX_AB "ru-cert",
		"hotline.log/v1/" HEX_AB "-ru-cert",
		"hotline.log/v1/" HEX_AB "a/ru-cert",
		"hotline.log/v1/" "ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"
			"/ru-cert",
		"hotline.log/v1/" "abababababababababababababababababababababababababababababababaB"
			"/ru-cert",
		"hotline.log/v1/" "abababababababababababababababababababababababababababababababag"
			"/ru-cert",
		"hotline.log/v1/" "ababababababababababababababababababababababababababababababab"
			"/ru-cert",
		"hotline.log/v1/" HEX_AB "/RU-cert",
		"hotline.log/v1/" HEX_AB "/-ru",
		"hotline.log/v1/" HEX_AB "/ru-",
		"hotline.log/v1/" HEX_AB "/ru cert",
		"hotline.log/v1/" HEX_AB "/ru/cert",
		"hotline.log/v1/" HEX_AB "/ru_cert",
		"hotline.log/v1/" HEX_AB "/ru-cert ",
		"hotline.log/v1/" HEX_AB "/"
			"a123456789012345678901234567890123456789012345678901234567890123",
	};
	char r64[HL_HASH_LEN * 2];

	(void)state;
	root_b64(r64);
	assert_int_equal(parse_lines("hotline.log/v1/" HEX_AB "/ru-cert", "5", r64), 0);
	assert_int_equal(parse_lines("hotline.log/v1/" HEX_AB "/a", "5", r64), 0);
	/* A name of HL_NAME_MAX: the longest origin. */
	assert_int_equal(parse_lines("hotline.log/v1/" HEX_AB "/"
		"a12345678901234567890123456789012345678901234567890123456789012",
		"5", r64), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse_lines(bad[i], "5", r64);

		if (r != -HL_ETYPE)
			fail_msg("origin %zu (%s): got %d, want %d", i, bad[i], r, -HL_ETYPE);
	}
}

/* Every strict prefix fails to parse. */
static void test_truncated(void **state)
{
	struct hl_buf b;

	(void)state;
	sign_cp(5, &b);
	for (size_t k = 0; k < b.len; k++)
		if (parse_copy(b.data, k) >= 0)
			fail_msg("prefix of %zu bytes parses", k);
	assert_int_equal(parse_copy(b.data, 0), -HL_ETRUNCATED);
	assert_int_equal(parse_copy(b.data, b.len - 1), -HL_ETRUNCATED);
	hl_buf_free(&b);
}

/* A cosigned checkpoint cut anywhere loses the cosignature, unless the
 * cut is exactly at the end of the owner's line (then the checkpoint is
 * whole but not receipted). */
static void test_truncated_cosigned(void **state)
{
	struct hl_buf b;
	size_t plain;

	(void)state;
	sign_cp(5, &b);
	plain = b.len;
	assert_int_equal(cosign(&b, "us-cert", B.sign_sk, RECEIPT), 0);
	for (size_t k = 0; k < b.len; k++) {
		int r = cosig_verify_copy(b.data, k, "us-cert", B.card.sign_pk, NULL);

		if (r == 0)
			fail_msg("prefix of %zu bytes keeps its cosignature", k);
		if (k == plain)
			assert_int_equal(r, -HL_ENOSIG);
	}
	hl_buf_free(&b);
}

/* base signed, then padded with one extension line of k bytes. */
static size_t signed_len_with_ext(const char *base, size_t k, struct hl_buf *b)
{
	size_t n = strlen(base);
	char *text = malloc(n + k + 2);

	assert_non_null(text);
	memcpy(text, base, n);
	memset(text + n, 'x', k);
	text[n + k] = '\n';
	text[n + k + 1] = 0;
	sign_text(text, b);
	free(text);
	return b->len;
}

static void test_oversized(void **state)
{
	unsigned char *p = malloc(HL_CHECKPOINT_MAX + 1);
	char r64[HL_HASH_LEN * 2], base[512];
	struct hl_buf b;
	size_t k;

	(void)state;
	assert_non_null(p);
	memset(p, 'a', HL_CHECKPOINT_MAX + 1);
	assert_int_equal(parse_copy(p, HL_CHECKPOINT_MAX + 1), -HL_ETOOBIG);
	assert_int_equal(parse_copy(p, HL_CHECKPOINT_MAX), -HL_ETRUNCATED);
	free(p);
	/* A signed checkpoint of exactly HL_CHECKPOINT_MAX bytes gets past the
	 * size check (and fails on its extension line); one byte more doesn't. */
	root_b64(r64);
	assert_true(snprintf(base, sizeof(base), "%s\n5\n%s\n", origin, r64) > 0);
	k = HL_CHECKPOINT_MAX - signed_len_with_ext(base, 1, &b) + 1;
	hl_buf_free(&b);
	assert_int_equal(signed_len_with_ext(base, k, &b), HL_CHECKPOINT_MAX);
	assert_int_equal(parse_copy(b.data, b.len), -HL_EFIELD);
	hl_buf_free(&b);
	assert_int_equal(signed_len_with_ext(base, k + 1, &b), HL_CHECKPOINT_MAX + 1);
	assert_int_equal(parse_copy(b.data, b.len), -HL_ETOOBIG);
	hl_buf_free(&b);
}

/* Parses a heap copy of head || tail. */
static int parse_joined(const void *head, size_t hn, const void *tail, size_t tn)
{
	unsigned char *p = malloc(hn + tn);
	int r;

	assert_non_null(p);
	memcpy(p, head, hn);
	memcpy(p + hn, tail, tn);
	r = parse_copy(p, hn + tn);
	free(p);
	return r;
}

static void test_trailing_garbage(void **state)
{
	static const char *const tails[] = {
		"x", "\n", " ", "\n\n", EM_DASH "\n", EM_DASH " us-cert AAAA\n",
		"\xff", "\r\n",
	};
	struct hl_buf b;

	(void)state;
	sign_cp(5, &b);
	assert_int_equal(cosign(&b, "us-cert", B.sign_sk, RECEIPT), 0);
	assert_int_equal(parse_joined(b.data, b.len, "", 0), 0);
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++)
		if (parse_joined(b.data, b.len, tails[i], strlen(tails[i])) >= 0)
			fail_msg("tail %zu parses", i);
	/* ...and a leading byte makes another origin. */
	assert_int_equal(parse_joined(" ", 1, b.data, b.len), -HL_ETYPE);
	assert_int_equal(parse_joined("\n", 1, b.data, b.len), -HL_ETYPE);
	hl_buf_free(&b);
}

/* C2SP signed-note key ID, by hand: SHA-256(name || "\n" || type || pk)[:4]. */
static uint32_t keyid_by_hand(const char *name, unsigned char type,
			      const unsigned char pk[32])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)name, strlen(name));
	crypto_hash_sha256_update(&st, (const unsigned char *)"\n", 1);
	crypto_hash_sha256_update(&st, &type, 1);
	crypto_hash_sha256_update(&st, pk, 32);
	crypto_hash_sha256_final(&st, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

/* What a cosignature is made of, so a test can get one part wrong. */
struct cosig_spec {
	const char *name;
	const unsigned char *id_pk;	/* the key the key ID names */
	const unsigned char *sk;	/* the key that signs */
	uint64_t t;			/* the timestamp in the signature */
	uint64_t signed_t;		/* the timestamp in the signed message */
	const char *header;		/* "cosignature/v1\n" */
};

static struct cosig_spec spec_b(uint64_t t)
{
	struct cosig_spec s = {"us-cert", B.card.sign_pk, B.sign_sk, t, t,
			       "cosignature/v1\n"};

	return s;
}

/* tlog-cosignature/v1 from its spec: key ID || u64 timestamp (big-endian)
 * || Ed25519 over header || "time <t>\n" || the checkpoint's note text. */
static void cosig_raw(const struct hl_checkpoint *cp, const struct cosig_spec *s,
		      unsigned char raw[COSIG_RAW])
{
	uint32_t id = keyid_by_hand(s->name, 0x04, s->id_pk);
	size_t hn = strlen(s->header), n;
	unsigned char *msg = malloc(hn + 32 + cp->note.text_len);
	char tl[32];

	assert_non_null(msg);
	assert_true(snprintf(tl, sizeof(tl), "time %llu\n",
			     (unsigned long long)s->signed_t) > 0);
	memcpy(msg, s->header, hn);
	memcpy(msg + hn, tl, strlen(tl));
	n = hn + strlen(tl);
	memcpy(msg + n, cp->note.text, cp->note.text_len);
	n += cp->note.text_len;
	for (int i = 0; i < 4; i++)
		raw[i] = (unsigned char)(id >> (24 - 8 * i));
	for (int i = 0; i < 8; i++)
		raw[4 + i] = (unsigned char)(s->t >> (56 - 8 * i));
	assert_int_equal(crypto_sign_detached(raw + 12, NULL, msg, n, s->sk), 0);
	free(msg);
}

/* "— <name> <base64(raw)>\n" into line (initialised here). */
static void cosig_line(const char *name, const unsigned char raw[COSIG_RAW],
		       struct hl_buf *line)
{
	hl_buf_init(line, HL_COSIG_LINE_MAX);
	assert_int_equal(hl_buf_printf(line, EM_DASH " %s ", name), 0);
	assert_int_equal(hl_buf_b64(line, raw, COSIG_RAW), 0);
	assert_int_equal(hl_buf_puts(line, "\n"), 0);
}

/* Checks the checkpoint cp_buf with line appended for (name, pk). */
static int with_line(const struct hl_buf *cp_buf, const struct hl_buf *line,
		     const char *name, const unsigned char *pk, uint64_t *t)
{
	unsigned char *p = malloc(cp_buf->len + line->len);
	int r;

	assert_non_null(p);
	memcpy(p, cp_buf->data, cp_buf->len);
	memcpy(p + cp_buf->len, line->data, line->len);
	r = cosig_verify_copy(p, cp_buf->len + line->len, name, pk, t);
	free(p);
	return r;
}

/* Builds the cosignature of spec over the checkpoint in b and checks it
 * as B's. */
static int check_spec(const struct hl_buf *b, const struct cosig_spec *s)
{
	struct hl_checkpoint cp;
	unsigned char raw[COSIG_RAW];
	struct hl_buf line;
	int r;

	assert_int_equal(hl_checkpoint_parse(b->data, b->len, &cp), 0);
	cosig_raw(&cp, s, raw);
	cosig_line(s->name, raw, &line);
	r = with_line(b, &line, "us-cert", B.card.sign_pk, NULL);
	hl_buf_free(&line);
	return r;
}

static void test_cosig_keyid(void **state)
{
	struct hl_buf b;
	struct hl_checkpoint cp;
	unsigned char raw[COSIG_RAW];
	uint32_t id = keyid_by_hand("us-cert", 0x04, B.card.sign_pk);
	const struct hl_note_sig *sig;

	(void)state;
	assert_int_equal(HL_SIGTYPE_COSIG, 0x04);
	assert_int_equal(hl_note_keyid("us-cert", HL_SIGTYPE_COSIG, B.card.sign_pk, 32), id);
	assert_int_equal(hl_note_keyid("us-cert", HL_SIGTYPE_ED25519, B.card.sign_pk, 32),
			 keyid_by_hand("us-cert", 0x01, B.card.sign_pk));
	assert_int_not_equal(keyid_by_hand("us-cert", 0x01, B.card.sign_pk), id);
	assert_int_not_equal(keyid_by_hand("us-cert.", 0x04, B.card.sign_pk), id);
	assert_int_equal(hl_note_keyid(origin, HL_SIGTYPE_ED25519, A.card.sign_pk, 32),
			 keyid_by_hand(origin, 0x01, A.card.sign_pk));
	sign_cp(5, &b);
	assert_int_equal(cosign(&b, "us-cert", B.sign_sk, RECEIPT), 0);
	assert_int_equal(hl_checkpoint_parse(b.data, b.len, &cp), 0);
	assert_int_equal(cp.note.nsigs, 2);
	sig = &cp.note.sigs[1];
	assert_int_equal(sig->name_len, 7);
	assert_memory_equal(sig->name, "us-cert", 7);
	assert_int_equal(sig->keyid, id);
	assert_int_equal(sig->b64_len, 104);
	assert_int_equal(hl_note_sig_decode(sig, raw, sizeof(raw)), 0);
	assert_int_equal((uint32_t)raw[0] << 24 | (uint32_t)raw[1] << 16 |
			 (uint32_t)raw[2] << 8 | raw[3], id);
	assert_ptr_equal(hl_note_find(&cp.note, "us-cert", id), sig);
	hl_buf_free(&b);
}

/* hl_cosig_sign writes exactly the line the spec describes, and
 * hl_cosig_verify accepts the one built by hand. */
static void test_cosig_message(void **state)
{
	static const uint64_t times[] = {0, 1, 1679315147, RECEIPT, HL_TIME_MAX};
	struct hl_buf b, mine, lib;
	struct hl_checkpoint cp;
	unsigned char raw[COSIG_RAW];

	(void)state;
	sign_cp(5, &b);
	assert_int_equal(hl_checkpoint_parse(b.data, b.len, &cp), 0);
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		struct cosig_spec s = spec_b(times[i]);
		uint64_t got = 1;

		cosig_raw(&cp, &s, raw);
		cosig_line("us-cert", raw, &mine);
		hl_buf_init(&lib, HL_COSIG_LINE_MAX);
		assert_int_equal(hl_cosig_sign(&cp, "us-cert", B.sign_sk, times[i], &lib), 0);
		assert_int_equal(lib.len, mine.len);
		assert_memory_equal(lib.data, mine.data, mine.len);
		assert_int_equal(with_line(&b, &mine, "us-cert", B.card.sign_pk, &got), 0);
		assert_int_equal(got, times[i]);
		hl_buf_free(&mine);
		hl_buf_free(&lib);
	}
	hl_buf_free(&b);
}

/* Each part of the signed message matters. */
static void test_cosig_message_parts(void **state)
{
	struct hl_buf b;
	struct cosig_spec s;

	(void)state;
	sign_cp(5, &b);
	s = spec_b(RECEIPT);
	assert_int_equal(check_spec(&b, &s), 0);
	s.signed_t = RECEIPT + 1;
	assert_int_equal(check_spec(&b, &s), -HL_EBADSIG);
	s = spec_b(RECEIPT);
	s.header = "";
	assert_int_equal(check_spec(&b, &s), -HL_EBADSIG);
	s.header = "cosignature/v2\n";
	assert_int_equal(check_spec(&b, &s), -HL_EBADSIG);
	s.header = "cosignature/v1";
	assert_int_equal(check_spec(&b, &s), -HL_EBADSIG);
	/* The key ID names B but C signs: forged. */
	s = spec_b(RECEIPT);
	s.sk = C.sign_sk;
	assert_int_equal(check_spec(&b, &s), -HL_EBADSIG);
	/* tlog-cosignature: the timestamp MUST NOT exceed 2^63 - 1; we
	 * refuse, validly signed or not, any past 9999 (protocol.md 1.5). */
	s = spec_b((uint64_t)INT64_MAX + 1);
	assert_int_equal(check_spec(&b, &s), -HL_ETIME);
	s = spec_b(UINT64_MAX);
	assert_int_equal(check_spec(&b, &s), -HL_ETIME);
	s = spec_b(INT64_MAX);
	assert_int_equal(check_spec(&b, &s), -HL_ETIME);
	s = spec_b((uint64_t)HL_TIME_MAX + 1);
	assert_int_equal(check_spec(&b, &s), -HL_ETIME);
	s = spec_b(HL_TIME_MAX);
	assert_int_equal(check_spec(&b, &s), 0);
	hl_buf_free(&b);
}

static void test_cosig_time(void **state)
{
	static const uint64_t times[] = {0, 1, TL_CREATED, RECEIPT, HL_TIME_MAX - 1,
					 HL_TIME_MAX};
	static const uint64_t bad[] = {HL_TIME_MAX + 1, INT64_MAX, (uint64_t)INT64_MAX + 1,
				       UINT64_MAX};
	struct hl_buf b, line;
	struct hl_checkpoint cp;

	(void)state;
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		uint64_t got = 0;

		sign_cp(5, &b);
		assert_int_equal(cosign(&b, "us-cert", B.sign_sk, times[i]), 0);
		assert_int_equal(cosig_verify_copy(b.data, b.len, "us-cert",
						   B.card.sign_pk, &got), 0);
		assert_int_equal(got, times[i]);
		assert_int_equal(cosig_verify_copy(b.data, b.len, "us-cert",
						   B.card.sign_pk, NULL), 0);
		hl_buf_free(&b);
	}
	sign_cp(5, &b);
	assert_int_equal(hl_checkpoint_parse(b.data, b.len, &cp), 0);
	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hl_cosig_sign(&cp, "us-cert", B.sign_sk, bad[i], &line),
				 -HL_ETIME);
	assert_int_equal(line.len, 0);
	hl_buf_free(&line);
	hl_buf_free(&b);
}

static void test_cosig_unknown_key(void **state)
{
	struct hl_buf b, bc;
	uint64_t t = 7;

	(void)state;
	sign_cp(5, &b);
	assert_int_equal(cosig_verify_copy(b.data, b.len, "us-cert", B.card.sign_pk, &t),
			 -HL_ENOSIG);
	assert_int_equal(t, 7);
	/* The owner's signature is no cosignature, not even of the owner. */
	assert_int_equal(cosig_verify_copy(b.data, b.len, origin, A.card.sign_pk, NULL),
			 -HL_ENOSIG);
	hl_buf_init(&bc, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_buf_append(&bc, b.data, b.len), 0);
	assert_int_equal(cosign(&b, "us-cert", B.sign_sk, RECEIPT), 0);
	assert_int_equal(cosig_verify_copy(b.data, b.len, "us-cert", B.card.sign_pk, NULL), 0);
	assert_int_equal(cosig_verify_copy(b.data, b.len, "us-cert", C.card.sign_pk, NULL),
			 -HL_ENOSIG);
	assert_int_equal(cosig_verify_copy(b.data, b.len, "jp-cert", B.card.sign_pk, NULL),
			 -HL_ENOSIG);
	assert_int_equal(cosig_verify_copy(b.data, b.len, "us-cert.", B.card.sign_pk, NULL),
			 -HL_ENOSIG);
	assert_int_equal(cosig_verify_copy(b.data, b.len, "us-cer", B.card.sign_pk, NULL),
			 -HL_ENOSIG);
	/* C cosigning under B's name: an unknown key, not a bad signature. */
	assert_int_equal(cosign(&bc, "us-cert", C.sign_sk, RECEIPT), 0);
	assert_int_equal(cosig_verify_copy(bc.data, bc.len, "us-cert", B.card.sign_pk, NULL),
			 -HL_ENOSIG);
	assert_int_equal(cosig_verify_copy(bc.data, bc.len, "us-cert", C.card.sign_pk, NULL), 0);
	hl_buf_free(&bc);
	hl_buf_free(&b);
}

/* The cosignature's time after flipping bit of byte i (bytes 4 to 11
 * hold it, big-endian); RECEIPT elsewhere. */
static uint64_t flipped_time(size_t i, int bit)
{
	if (i < 4 || i > 11)
		return RECEIPT;
	return RECEIPT ^ ((uint64_t)1 << (bit + 8 * (11 - i)));
}

/* Every bit of B's cosignature counts: the key ID names the key (so a
 * flip there leaves no cosignature by B), the rest is signed; a time
 * past 9999 is refused as a time before any signature is checked. */
static void test_cosig_forged(void **state)
{
	struct hl_buf b, line;
	struct hl_checkpoint cp;
	unsigned char raw[COSIG_RAW];
	struct cosig_spec s = spec_b(RECEIPT);

	(void)state;
	sign_cp(5, &b);
	assert_int_equal(hl_checkpoint_parse(b.data, b.len, &cp), 0);
	for (size_t i = 0; i < COSIG_RAW; i++) {
		for (int bit = 0; bit < 8; bit++) {
			int r;

			cosig_raw(&cp, &s, raw);
			raw[i] ^= (unsigned char)(1 << bit);
			cosig_line("us-cert", raw, &line);
			r = with_line(&b, &line, "us-cert", B.card.sign_pk, NULL);
			if (r != (i < 4 ? -HL_ENOSIG : flipped_time(i, bit) > HL_TIME_MAX ?
				  -HL_ETIME : -HL_EBADSIG))
				fail_msg("flip of bit %d in byte %zu: got %d", bit, i, r);
			hl_buf_free(&line);
		}
	}
	hl_buf_free(&b);
}

/* A cosignature belongs to one checkpoint text. */
static void test_cosig_other_checkpoint(void **state)
{
	struct hl_buf b5, b6;
	struct hl_checkpoint cp;
	unsigned char raw[COSIG_RAW];
	struct cosig_spec s = spec_b(RECEIPT);
	struct hl_buf line;

	(void)state;
	sign_cp(5, &b5);
	sign_cp(6, &b6);
	assert_int_equal(hl_checkpoint_parse(b5.data, b5.len, &cp), 0);
	cosig_raw(&cp, &s, raw);
	cosig_line("us-cert", raw, &line);
	assert_int_equal(with_line(&b5, &line, "us-cert", B.card.sign_pk, NULL), 0);
	assert_int_equal(with_line(&b6, &line, "us-cert", B.card.sign_pk, NULL),
			 -HL_EBADSIG);
	hl_buf_free(&line);
	hl_buf_free(&b5);
	hl_buf_free(&b6);
}

/* Several cosigners, in any order; one cosigner once. */
static void test_cosig_many(void **state)
{
	struct hl_buf b, twice;
	struct hl_checkpoint cp;

	(void)state;
	sign_cp(5, &b);
	assert_int_equal(cosign(&b, "jp-cert", C.sign_sk, RECEIPT + 1), 0);
	assert_int_equal(cosign(&b, "us-cert", B.sign_sk, RECEIPT), 0);
	assert_int_equal(hl_checkpoint_parse(b.data, b.len, &cp), 0);
	assert_int_equal(cp.note.nsigs, 3);
	assert_int_equal(hl_checkpoint_verify(&cp, A.card.sign_pk), 0);
	assert_int_equal(hl_cosig_verify(&cp, "us-cert", B.card.sign_pk, NULL), 0);
	assert_int_equal(hl_cosig_verify(&cp, "jp-cert", C.card.sign_pk, NULL), 0);
	hl_buf_init(&twice, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_buf_append(&twice, b.data, b.len), 0);
	assert_int_equal(cosign(&twice, "us-cert", B.sign_sk, RECEIPT), 0);
	assert_int_equal(parse_copy(twice.data, twice.len), -HL_EDUPLICATE);
	twice.len = b.len;
	assert_int_equal(cosign(&twice, "us-cert", B.sign_sk, RECEIPT + 60), 0);
	assert_int_equal(parse_copy(twice.data, twice.len), -HL_EDUPLICATE);
	hl_buf_free(&twice);
	hl_buf_free(&b);
}

/* One identity key signs checkpoints (type 0x01), cosignatures (0x04),
 * cards and envelopes; the key IDs and first lines keep them apart. */
static void test_domains(void **state)
{
	struct hl_buf b, card, line;
	struct hl_checkpoint cp;
	struct hl_card parsed;
	size_t tlen;

	(void)state;
	sign_cp(5, &b);
	assert_int_equal(hl_checkpoint_parse(b.data, b.len, &cp), 0);
	tlen = cp.note.text_len;
	/* B's plain note signature over the checkpoint is no cosignature. */
	assert_int_equal(hl_note_sign(&b, b.data, tlen, "us-cert", B.sign_sk), 0);
	assert_int_equal(cosig_verify_copy(b.data, b.len, "us-cert", B.card.sign_pk, NULL),
			 -HL_ENOSIG);
	/* A's cosignature under the origin is no checkpoint signature. */
	hl_buf_init(&line, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_buf_append(&line, b.data, tlen + 1), 0);
	assert_int_equal(hl_cosig_sign(&cp, origin, A.sign_sk, RECEIPT, &line), 0);
	hl_buf_free(&b);
	assert_int_equal(hl_checkpoint_parse(line.data, line.len, &cp), 0);
	assert_int_equal(hl_checkpoint_verify(&cp, A.card.sign_pk), -HL_ENOSIG);
	assert_int_equal(hl_cosig_verify(&cp, origin, A.card.sign_pk, NULL), 0);
	hl_buf_free(&line);
	/* A card is no checkpoint, nor a checkpoint a card. */
	tl_card_encode(&A, &card);
	assert_int_equal(parse_copy(card.data, card.len), -HL_ETYPE);
	hl_buf_free(&card);
	sign_cp(5, &b);
	assert_int_equal(hl_card_parse(b.data, b.len, &parsed), -HL_ETYPE);
	hl_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_owner_signature),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_extension_lines),
		cmocka_unit_test(test_bad_origin),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_truncated_cosigned),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_cosig_keyid),
		cmocka_unit_test(test_cosig_message),
		cmocka_unit_test(test_cosig_message_parts),
		cmocka_unit_test(test_cosig_time),
		cmocka_unit_test(test_cosig_unknown_key),
		cmocka_unit_test(test_cosig_forged),
		cmocka_unit_test(test_cosig_other_checkpoint),
		cmocka_unit_test(test_cosig_many),
		cmocka_unit_test(test_domains),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("checkpoint", tests, setup, NULL);
}
