/* test_note.c - the C2SP signed-note codec.
 *
 * Starts from the published C2SP / Go sumdb example (PeterNeumann), so
 * our key IDs and signature lines match other implementations byte for
 * byte, then walks the malformed notes a parser must refuse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>

#include "error.h"
#include "hash.h"
#include "note.h"
#include "text.h"
#include "testlib.h"

#define EM_DASH "\xe2\x80\x94"

static const char text1[] =
	"hotline.test/v1\n"
	"Проверка связи.\n"
	"网络安全热线\n"
	"أكد السفير الروسي\n";

static struct tl_party A, B, C;

static int setup(void **state)
{
	(void)state;
	tl_party_init(&A, "ru-cert", 1);
	tl_party_init(&B, "us-cert", 2);
	tl_party_init(&C, "other", 3);
	return 0;
}

/* Parses a heap copy of exactly n bytes; for error checks only. */
static int parse_copy(const void *s, size_t n)
{
	struct hl_note note;
	unsigned char *p = tl_dup(s, n);
	int r = hl_note_parse(p, n, &note);

	free(p);
	return r;
}

static int parse_str(const char *s)
{
	return parse_copy(s, strlen(s));
}

/* The signed note of text1 by A, then by each further party. */
static void signed_note(struct hl_buf *out, const struct tl_party *more,
			size_t nmore)
{
	tl_sign_text(&A, text1, strlen(text1), out);
	for (size_t i = 0; i < nmore; i++)
		assert_int_equal(hl_note_sign(out, (const unsigned char *)text1,
					      strlen(text1), more[i].card.name,
					      more[i].sign_sk), 0);
}

/* Appends "— name base64(raw)\n". */
static void sigline(struct hl_buf *b, const char *name, const void *raw, size_t n)
{
	assert_int_equal(hl_buf_printf(b, EM_DASH " %s ", name), 0);
	assert_int_equal(hl_buf_b64(b, raw, n), 0);
	assert_int_equal(hl_buf_puts(b, "\n"), 0);
}

static void b64_decode(const char *s, unsigned char *out, size_t want)
{
	size_t got = 0;

	assert_int_equal(sodium_base642bin(out, want, s, strlen(s), NULL, &got,
					   NULL, sodium_base64_VARIANT_ORIGINAL), 0);
	assert_int_equal(got, want);
}

/* golang.org/x/mod/sumdb/note: the example in its package docs. */
static void test_c2sp_vector(void **state)
{
	static const char skey[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
	static const char vkey[] = "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
	static const char text[] =
		"If you think cryptography is the answer to your problem,\n"
		"then you don't know what your problem is.\n";
	static const char want[] =
		"If you think cryptography is the answer to your problem,\n"
		"then you don't know what your problem is.\n"
		"\n"
		EM_DASH " PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
	unsigned char seed[33], vk[33], pk[32], sk[64];
	struct hl_buf out;
	struct hl_note note;
	unsigned char *tampered;
	size_t tn;

	(void)state;
	b64_decode(skey, seed, sizeof(seed));
	b64_decode(vkey, vk, sizeof(vk));
	assert_int_equal(seed[0], HL_SIGTYPE_ED25519);
	assert_int_equal(vk[0], HL_SIGTYPE_ED25519);
	assert_int_equal(crypto_sign_seed_keypair(pk, sk, seed + 1), 0);
	assert_memory_equal(pk, vk + 1, 32);
	assert_int_equal(hl_note_keyid("PeterNeumann", HL_SIGTYPE_ED25519, pk, 32),
			 0xc74f20a3);
	hl_buf_init(&out, HL_NOTE_MAX);
	assert_int_equal(hl_note_sign_text(&out, (const unsigned char *)text,
					   strlen(text), "PeterNeumann", sk), 0);
	assert_int_equal(out.len, strlen(want));
	assert_memory_equal(out.data, want, out.len);
	assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
	assert_int_equal(note.text_len, strlen(text));
	assert_memory_equal(note.text, text, note.text_len);
	assert_int_equal(note.nsigs, 1);
	assert_int_equal(note.sigs[0].keyid, 0xc74f20a3);
	assert_int_equal(note.sigs[0].name_len, 12);
	assert_memory_equal(note.sigs[0].name, "PeterNeumann", 12);
	assert_int_equal(hl_note_verify(&note, "PeterNeumann", pk), 0);
	tampered = tl_replace(out.data, out.len, "cryptography", "cryptographY", &tn);
	assert_int_equal(hl_note_parse(tampered, tn, &note), 0);
	assert_int_equal(hl_note_verify(&note, "PeterNeumann", pk), -HL_EBADSIG);
	free(tampered);
	hl_buf_free(&out);
}

/* Key ID = SHA-256(name || 0x0A || 0x01 || pk)[:4], big-endian. */
static void test_keyid_rule(void **state)
{
	unsigned char msg[7 + 2 + 32], h[32];
	uint32_t want, id;

	(void)state;
	memcpy(msg, "ru-cert\n\x01", 9);
	memcpy(msg + 9, A.card.sign_pk, 32);
	crypto_hash_sha256(h, msg, sizeof(msg));
	want = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
	id = hl_note_keyid("ru-cert", HL_SIGTYPE_ED25519, A.card.sign_pk, 32);
	assert_int_equal(id, want);
	assert_int_not_equal(hl_note_keyid("us-cert", 1, A.card.sign_pk, 32), id);
	assert_int_not_equal(hl_note_keyid("ru-cert", 2, A.card.sign_pk, 32), id);
	assert_int_not_equal(hl_note_keyid("ru-cert", 1, B.card.sign_pk, 32), id);
}

static void test_round_trip(void **state)
{
	struct hl_buf out;
	struct hl_note note;

	(void)state;
	signed_note(&out, NULL, 0);
	assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
	assert_int_equal(note.text_len, strlen(text1));
	assert_memory_equal(note.text, text1, note.text_len);
	assert_int_equal(note.nsigs, 1);
	assert_int_equal(note.sigs[0].name_len, 7);
	assert_memory_equal(note.sigs[0].name, "ru-cert", 7);
	assert_int_equal(note.sigs[0].keyid,
			 hl_note_keyid("ru-cert", 1, A.card.sign_pk, 32));
	assert_int_equal(hl_note_verify(&note, "ru-cert", A.card.sign_pk), 0);
	assert_int_equal(hl_note_verify(&note, "us-cert", B.card.sign_pk), -HL_ENOSIG);
	assert_int_equal(hl_note_verify(&note, "ru-cert", B.card.sign_pk), -HL_ENOSIG);
	assert_int_equal(hl_note_verify(&note, "us-cert", A.card.sign_pk), -HL_ENOSIG);
	hl_buf_free(&out);
}

/* The text may hold blank lines: the signatures follow the last one. */
static void test_blank_lines_in_text(void **state)
{
	static const char text[] = "a\n\nb\n\n\nc\n";
	struct hl_buf out;
	struct hl_note note;

	(void)state;
	tl_sign_text(&A, text, strlen(text), &out);
	assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
	assert_int_equal(note.text_len, strlen(text));
	assert_int_equal(hl_note_verify(&note, "ru-cert", A.card.sign_pk), 0);
	hl_buf_free(&out);
}

static void test_multiple_sigs(void **state)
{
	struct tl_party more[] = {B, C};
	struct tl_party d;
	struct hl_buf out;
	struct hl_note note;

	(void)state;
	tl_party_init(&d, "d", 4);
	signed_note(&out, more, 2);
	assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
	assert_int_equal(note.nsigs, 3);
	assert_int_equal(hl_note_verify(&note, "ru-cert", A.card.sign_pk), 0);
	assert_int_equal(hl_note_verify(&note, "us-cert", B.card.sign_pk), 0);
	assert_int_equal(hl_note_verify(&note, "other", C.card.sign_pk), 0);
	assert_int_equal(hl_note_verify(&note, "d", d.card.sign_pk), -HL_ENOSIG);
	hl_buf_free(&out);
}

/* Signatures by keys the verifier does not ask about, even broken
 * ones, do not matter. */
static void test_unknown_signers_ignored(void **state)
{
	unsigned char junk[68];
	struct hl_buf out;
	struct hl_note note;

	(void)state;
	memset(junk, 0xa5, sizeof(junk));
	signed_note(&out, &C, 1);
	sigline(&out, "nobody", junk, sizeof(junk));
	sigline(&out, "tiny", junk, 5);
	assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
	assert_int_equal(note.nsigs, 4);
	assert_int_equal(hl_note_verify(&note, "ru-cert", A.card.sign_pk), 0);
	hl_buf_free(&out);
}

/* Changing any one byte of the text (to another printable byte, so the
 * note still parses) breaks the signature. */
static void test_one_byte_change(void **state)
{
	static const char text[] = "hotline.test/v1\nseq 1\nbody 40 xyz\n";
	struct hl_buf out;
	struct hl_note note;
	size_t n = strlen(text);

	(void)state;
	tl_sign_text(&A, text, n, &out);
	for (size_t i = 0; i < n; i++) {
		unsigned char *p;

		if (text[i] == '\n')
			continue;
		p = tl_dup(out.data, out.len);
		p[i] = p[i] == 'x' ? 'y' : 'x';
		assert_int_equal(hl_note_parse(p, out.len, &note), 0);
		assert_int_equal(hl_note_verify(&note, "ru-cert", A.card.sign_pk),
				 -HL_EBADSIG);
		free(p);
	}
	hl_buf_free(&out);
}

/* A signature line under the right name and key ID whose bytes are
 * wrong: a flipped bit, or the wrong length. */
static void test_bad_signature_bytes(void **state)
{
	unsigned char raw[69] = {0};
	uint32_t id = hl_note_keyid("ru-cert", 1, A.card.sign_pk, 32);
	struct hl_buf out;
	struct hl_note note;
	size_t lens[] = {5, 67, 69};

	(void)state;
	raw[0] = id >> 24;
	raw[1] = id >> 16;
	raw[2] = id >> 8;
	raw[3] = id;
	assert_int_equal(crypto_sign_detached(raw + 4, NULL, (const unsigned char *)text1,
					      strlen(text1), A.sign_sk), 0);
	for (size_t i = 0; i < 3; i++) {
		hl_buf_init(&out, HL_NOTE_MAX);
		assert_int_equal(hl_buf_printf(&out, "%s\n", text1), 0);
		sigline(&out, "ru-cert", raw, lens[i]);
		assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
		assert_int_equal(hl_note_verify(&note, "ru-cert", A.card.sign_pk),
				 -HL_EBADSIG);
		hl_buf_free(&out);
	}
	raw[40] ^= 0x01;
	hl_buf_init(&out, HL_NOTE_MAX);
	assert_int_equal(hl_buf_printf(&out, "%s\n", text1), 0);
	sigline(&out, "ru-cert", raw, 68);
	assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
	assert_int_equal(hl_note_verify(&note, "ru-cert", A.card.sign_pk), -HL_EBADSIG);
	hl_buf_free(&out);
}

/* No single flipped bit anywhere yields a note that verifies. */
static void test_every_bit_flip(void **state)
{
	struct hl_buf out;
	struct hl_note note;

	(void)state;
	signed_note(&out, &B, 1);
	for (size_t i = 0; i < out.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			unsigned char *p = tl_dup(out.data, out.len);
			int r;

			p[i] ^= (unsigned char)(1 << bit);
			r = hl_note_parse(p, out.len, &note);
			if (r == 0)
				r = hl_note_verify(&note, "ru-cert", A.card.sign_pk);
			if (r == 0)
				r = hl_note_verify(&note, "us-cert", B.card.sign_pk);
			if (r == 0)
				fail_msg("flip of bit %d at byte %zu verifies", bit, i);
			free(p);
		}
	}
	hl_buf_free(&out);
}

static void test_truncated(void **state)
{
	struct hl_buf out;

	(void)state;
	signed_note(&out, NULL, 0);
	for (size_t k = 0; k < out.len; k++) {
		int r = parse_copy(out.data, k);

		if (r >= 0)
			fail_msg("prefix of %zu bytes parses", k);
	}
	assert_int_equal(parse_copy(out.data, 0), -HL_ETRUNCATED);
	assert_int_equal(parse_copy(out.data, out.len - 1), -HL_ETRUNCATED);
	assert_int_equal(parse_copy(out.data, strlen(text1)), -HL_ETRUNCATED);
	assert_int_equal(parse_copy(out.data, strlen(text1) + 1), -HL_ENOSIG);
	hl_buf_free(&out);
}

static void test_missing_blank_line(void **state)
{
	struct hl_buf out;
	unsigned char *p;
	size_t n;

	(void)state;
	signed_note(&out, NULL, 0);
	p = tl_replace(out.data, out.len, "\n\n" EM_DASH, "\n" EM_DASH, &n);
	assert_int_equal(parse_copy(p, n), -HL_ETRUNCATED);
	free(p);
	hl_buf_free(&out);
}

static void test_no_signatures(void **state)
{
	(void)state;
	assert_int_equal(parse_str("text\n\n"), -HL_ENOSIG);
	assert_int_equal(parse_str("\n\n"), -HL_ENOSIG);
	assert_int_equal(parse_str("text\n"), -HL_ETRUNCATED);
	assert_int_equal(parse_str("\n"), -HL_ETRUNCATED);
	assert_int_equal(parse_str(""), -HL_ETRUNCATED);
}

static void test_duplicate_sig(void **state)
{
	unsigned char other[68];
	uint32_t id = hl_note_keyid("ru-cert", 1, A.card.sign_pk, 32);
	struct hl_buf out;
	unsigned char *line;
	size_t sigstart;

	(void)state;
	signed_note(&out, NULL, 0);
	sigstart = strlen(text1) + 1;
	line = tl_dup(out.data + sigstart, out.len - sigstart);
	assert_int_equal(hl_buf_append(&out, line, out.len - sigstart), 0);
	free(line);
	assert_int_equal(parse_copy(out.data, out.len), -HL_EDUPLICATE);
	hl_buf_free(&out);

	/* Same name and key ID, different signature bytes. */
	memset(other, 0x5a, sizeof(other));
	other[0] = id >> 24;
	other[1] = id >> 16;
	other[2] = id >> 8;
	other[3] = id;
	signed_note(&out, NULL, 0);
	sigline(&out, "ru-cert", other, sizeof(other));
	assert_int_equal(parse_copy(out.data, out.len), -HL_EDUPLICATE);
	hl_buf_free(&out);

	/* Same name, another key: two keys may share a name. */
	signed_note(&out, NULL, 0);
	assert_int_equal(hl_note_sign(&out, (const unsigned char *)text1,
				      strlen(text1), "ru-cert", B.sign_sk), 0);
	assert_int_equal(parse_copy(out.data, out.len), 0);
	hl_buf_free(&out);
}

/* Replaces the signature line's "— " prefix and parses. */
static int with_prefix(const char *prefix)
{
	struct hl_buf out;
	unsigned char *p;
	size_t n;
	int r;

	signed_note(&out, NULL, 0);
	p = tl_replace(out.data, out.len, EM_DASH " ru-cert ", prefix, &n);
	r = parse_copy(p, n);
	free(p);
	hl_buf_free(&out);
	return r;
}

static void test_bad_em_dash(void **state)
{
	(void)state;
	assert_int_equal(with_prefix(EM_DASH " ru-cert "), 0);
	assert_int_equal(with_prefix("-- ru-cert "), -HL_ESYNTAX);
	assert_int_equal(with_prefix("- ru-cert "), -HL_ESYNTAX);
	assert_int_equal(with_prefix("\xe2\x80\x93 ru-cert "), -HL_ESYNTAX);
	assert_int_equal(with_prefix("\xe2\x80\x95 ru-cert "), -HL_ESYNTAX);
	assert_int_equal(with_prefix(EM_DASH "ru-cert "), -HL_ESYNTAX);
	assert_int_equal(with_prefix(EM_DASH "  ru-cert "), -HL_ESYNTAX);
	assert_int_equal(with_prefix(EM_DASH "\xc2\xa0ru-cert "), -HL_ESYNTAX);
	assert_int_equal(with_prefix(" " EM_DASH " ru-cert "), -HL_ESYNTAX);
	assert_int_equal(with_prefix(EM_DASH " ru-cert  "), -HL_EBASE64);
	assert_int_equal(with_prefix(EM_DASH " "), -HL_ESYNTAX);
	assert_int_equal(with_prefix(""), -HL_ESYNTAX);
}

/* Key names: no '+' and no Unicode space (C2SP). */
static void test_key_names_rejected(void **state)
{
	static const char *const bad[] = {
		"ru+cert", "+", "ru\xc2\xa0" "cert", "ru\xe3\x80\x80" "cert",
		"ru\xe2\x80\x89" "cert", "ru\xe2\x80\x80", "\xe2\x80\x8a" "ru",
		"ru\xe1\x9a\x80", "ru\xe2\x80\xa8", "ru\xe2\x80\xa9", "ru\xe2\x80\xaf",
		"ru\xe2\x81\x9f", "ru\xc2\x85",
	};
	unsigned char raw[68] = {0};
	struct hl_buf out;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r;

		hl_buf_init(&out, HL_NOTE_MAX);
		assert_int_equal(hl_note_sign_text(&out, (const unsigned char *)text1,
						   strlen(text1), bad[i], A.sign_sk),
				 -HL_ENAME);
		hl_buf_free(&out);
		hl_buf_init(&out, HL_NOTE_MAX);
		assert_int_equal(hl_buf_printf(&out, "%s\n", text1), 0);
		sigline(&out, bad[i], raw, sizeof(raw));
		r = parse_copy(out.data, out.len);
		if (r != -HL_ESYNTAX)
			fail_msg("key name %zu: got %d, want %d", i, r, -HL_ESYNTAX);
		hl_buf_free(&out);
	}
}

/* Other non-ASCII is fine in a key name, up to HL_KEYNAME_MAX bytes. */
static void test_key_names_allowed(void **state)
{
	unsigned char raw[68] = {0};
	char longname[HL_KEYNAME_MAX + 2];
	struct hl_buf out;
	struct hl_note note;

	(void)state;
	hl_buf_init(&out, HL_NOTE_MAX);
	assert_int_equal(hl_note_sign_text(&out, (const unsigned char *)text1,
					   strlen(text1), "ключ.рф", A.sign_sk), 0);
	assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
	assert_int_equal(hl_note_verify(&note, "ключ.рф", A.card.sign_pk), 0);
	hl_buf_free(&out);
	memset(longname, 'n', sizeof(longname));
	longname[HL_KEYNAME_MAX] = 0;
	hl_buf_init(&out, HL_NOTE_MAX);
	assert_int_equal(hl_note_sign_text(&out, (const unsigned char *)text1,
					   strlen(text1), longname, A.sign_sk), 0);
	assert_int_equal(parse_copy(out.data, out.len), 0);
	hl_buf_free(&out);
	longname[HL_KEYNAME_MAX] = 'n';
	longname[HL_KEYNAME_MAX + 1] = 0;
	hl_buf_init(&out, HL_NOTE_MAX);
	assert_int_equal(hl_note_sign_text(&out, (const unsigned char *)text1,
					   strlen(text1), longname, A.sign_sk), -HL_ENAME);
	hl_buf_free(&out);
	assert_int_equal(hl_buf_printf(&out, "%s\n", text1), 0);
	sigline(&out, longname, raw, sizeof(raw));
	assert_int_equal(parse_copy(out.data, out.len), -HL_ESYNTAX);
	hl_buf_free(&out);
}

/* Up to HL_NOTE_SIGS_MAX signatures; one more is refused. */
static void test_sig_limit(void **state)
{
	struct tl_party p;
	struct hl_buf out;
	struct hl_note note;
	char name[8];

	(void)state;
	hl_buf_init(&out, HL_NOTE_MAX);
	assert_int_equal(hl_buf_printf(&out, "%s\n", text1), 0);
	for (int i = 0; i <= HL_NOTE_SIGS_MAX; i++) {
		assert_true(snprintf(name, sizeof(name), "k%d", i) > 0);
		tl_party_init(&p, name, (unsigned char)(0x30 + i));
		assert_int_equal(hl_note_sign(&out, (const unsigned char *)text1,
					      strlen(text1), name, p.sign_sk), 0);
		if (i == HL_NOTE_SIGS_MAX - 1) {
			assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
			assert_int_equal(note.nsigs, HL_NOTE_SIGS_MAX);
			assert_int_equal(hl_note_verify(&note, name, p.card.sign_pk), 0);
		}
	}
	assert_int_equal(parse_copy(out.data, out.len), -HL_ETOOBIG);
	hl_buf_free(&out);
}

static int with_tail(const char *tail)
{
	struct hl_buf out;
	int r;

	signed_note(&out, NULL, 0);
	assert_int_equal(hl_buf_puts(&out, tail), 0);
	r = parse_copy(out.data, out.len);
	hl_buf_free(&out);
	return r;
}

static void test_trailing_garbage(void **state)
{
	(void)state;
	assert_int_equal(with_tail(""), 0);
	assert_int_equal(with_tail("x"), -HL_ETRUNCATED);
	assert_int_equal(with_tail(EM_DASH " us-cert AAAAAAAA"), -HL_ETRUNCATED);
	assert_int_equal(with_tail(" "), -HL_ETRUNCATED);
	assert_int_equal(with_tail("garbage\n"), -HL_ESYNTAX);
	assert_int_equal(with_tail(" \n"), -HL_ESYNTAX);
	assert_int_equal(with_tail(EM_DASH " us-cert\n"), -HL_ESYNTAX);
	assert_int_equal(with_tail("\n"), -HL_ENOSIG);
	assert_int_equal(with_tail("\x80"), -HL_EUTF8);
	assert_int_equal(with_tail("\r\n"), -HL_ECONTROL);
	assert_int_equal(with_tail(EM_DASH " us-cert AAAA!AAA\n"), -HL_EBASE64);
	assert_int_equal(with_tail(EM_DASH " us-cert AAAAAA==\n"), -HL_EBASE64);
	assert_int_equal(with_tail(EM_DASH " us-cert AAAAAAA\n"), -HL_EBASE64);
	assert_int_equal(with_tail(EM_DASH " us-cert AAAAAAB=\n"), -HL_EBASE64);
	assert_int_equal(with_tail(EM_DASH " us-cert AAAAAAA=\n"), 0);
	assert_int_equal(with_tail(EM_DASH " us-cert AAAAAAA= x\n"), -HL_EBASE64);
	assert_int_equal(with_tail(EM_DASH " us-cert AAAAAAAA\n"), 0);
	/* Valid UTF-8 outside base64's alphabet (libsodium reads it as '/'). */
	assert_int_equal(with_tail(EM_DASH " us-cert AAAAAA\xc3\xa9\n"), -HL_EBASE64);
	assert_int_equal(with_tail(EM_DASH " us-cert AAAAAAA-\n"), -HL_EBASE64);
}

/* Base64 of one signature: at most HL_NOTE_SIG_B64_MAX characters. */
static void test_sig_b64_limit(void **state)
{
	static unsigned char raw[HL_NOTE_SIG_B64_MAX / 4 * 3 + 3];
	struct hl_buf out;

	(void)state;
	memset(raw, 0x11, sizeof(raw));
	signed_note(&out, NULL, 0);
	sigline(&out, "big", raw, HL_NOTE_SIG_B64_MAX / 4 * 3);
	assert_int_equal(parse_copy(out.data, out.len), 0);
	hl_buf_free(&out);
	signed_note(&out, NULL, 0);
	sigline(&out, "big", raw, sizeof(raw));
	assert_int_equal(parse_copy(out.data, out.len), -HL_ETOOBIG);
	hl_buf_free(&out);
}

static void test_not_utf8(void **state)
{
	struct hl_buf out;
	unsigned char *p;
	size_t n;

	(void)state;
	signed_note(&out, NULL, 0);
	p = tl_replace(out.data, out.len, "связи", "св\xffзи", &n);
	assert_int_equal(parse_copy(p, n), -HL_EUTF8);
	free(p);
	p = tl_replace(out.data, out.len, "связи", "св\xed\xa0\x80зи", &n);
	assert_int_equal(parse_copy(p, n), -HL_EUTF8);
	free(p);
	p = tl_replace(out.data, out.len, "связи", "св\xc0\xafзи", &n);
	assert_int_equal(parse_copy(p, n), -HL_EUTF8);
	free(p);
	p = tl_replace(out.data, out.len, "ru-cert", "ru-\xe9", &n);
	assert_int_equal(parse_copy(p, n), -HL_EUTF8);
	free(p);
	p = tl_replace(out.data, out.len, "hotline", "hot\tline", &n);
	assert_int_equal(parse_copy(p, n), -HL_ECONTROL);
	free(p);
	p = tl_dup(out.data, out.len);
	p[3] = 0;
	assert_int_equal(parse_copy(p, out.len), -HL_ECONTROL);
	free(p);
	p = tl_replace(out.data, out.len, "\n\n", "\r\n\r\n", &n);
	assert_int_equal(parse_copy(p, n), -HL_ECONTROL);
	free(p);
	hl_buf_free(&out);
}

/* A note of exactly HL_NOTE_MAX bytes is fine; one more byte is not. */
static void test_oversize(void **state)
{
	struct hl_buf small, out;
	struct hl_note note;
	unsigned char *text;
	size_t siglen, tlen;

	(void)state;
	tl_sign_text(&A, "x\n", 2, &small);
	siglen = small.len - 3;
	hl_buf_free(&small);
	tlen = HL_NOTE_MAX - 1 - siglen;
	text = malloc(tlen + 1);
	assert_non_null(text);
	memset(text, 'a', tlen + 1);
	for (size_t i = 99; i < tlen; i += 100)
		text[i] = '\n';
	text[tlen - 1] = '\n';
	hl_buf_init(&out, 2 * HL_NOTE_MAX);
	assert_int_equal(hl_note_sign_text(&out, text, tlen, "ru-cert", A.sign_sk), 0);
	assert_int_equal(out.len, HL_NOTE_MAX);
	assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
	assert_int_equal(hl_note_verify(&note, "ru-cert", A.card.sign_pk), 0);
	hl_buf_free(&out);
	text[tlen - 1] = 'a';
	text[tlen] = '\n';
	hl_buf_init(&out, 2 * HL_NOTE_MAX);
	assert_int_equal(hl_note_sign_text(&out, text, tlen + 1, "ru-cert", A.sign_sk), 0);
	assert_int_equal(out.len, HL_NOTE_MAX + 1);
	assert_int_equal(parse_copy(out.data, out.len), -HL_ETOOBIG);
	hl_buf_free(&out);
	free(text);
}

static void test_sign_rejects(void **state)
{
	static unsigned char big[HL_NOTE_MAX + 1];
	struct hl_buf out;

	(void)state;
	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	hl_buf_init(&out, 4 * HL_NOTE_MAX);
	assert_int_equal(hl_note_sign_text(&out, (const unsigned char *)"", 0,
					   "a", A.sign_sk), -HL_ETRUNCATED);
	assert_int_equal(hl_note_sign_text(&out, (const unsigned char *)"abc", 3,
					   "a", A.sign_sk), -HL_ETRUNCATED);
	assert_int_equal(hl_note_sign_text(&out, (const unsigned char *)"a\tb\n", 4,
					   "a", A.sign_sk), -HL_ECONTROL);
	assert_int_equal(hl_note_sign_text(&out, (const unsigned char *)"\xff\n", 2,
					   "a", A.sign_sk), -HL_EUTF8);
	assert_int_equal(hl_note_sign_text(&out, big, sizeof(big), "a", A.sign_sk),
			 -HL_ETOOBIG);
	assert_int_equal(out.len, 0);
	assert_int_equal(hl_note_sign_text(&out, (const unsigned char *)"a\n", 2,
					   "", A.sign_sk), -HL_ENAME);
	assert_int_equal(hl_note_text_check((const unsigned char *)"a\n", 2), 0);
	hl_buf_free(&out);
	/* The output buffer's cap holds. */
	hl_buf_init(&out, 16);
	assert_int_equal(hl_note_sign_text(&out, (const unsigned char *)"a\n", 2,
					   "a", A.sign_sk), -HL_ETOOBIG);
	hl_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c2sp_vector),
		cmocka_unit_test(test_keyid_rule),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_blank_lines_in_text),
		cmocka_unit_test(test_multiple_sigs),
		cmocka_unit_test(test_unknown_signers_ignored),
		cmocka_unit_test(test_one_byte_change),
		cmocka_unit_test(test_bad_signature_bytes),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_missing_blank_line),
		cmocka_unit_test(test_no_signatures),
		cmocka_unit_test(test_duplicate_sig),
		cmocka_unit_test(test_bad_em_dash),
		cmocka_unit_test(test_key_names_rejected),
		cmocka_unit_test(test_key_names_allowed),
		cmocka_unit_test(test_sig_limit),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_sig_b64_limit),
		cmocka_unit_test(test_not_utf8),
		cmocka_unit_test(test_oversize),
		cmocka_unit_test(test_sign_rejects),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("note", tests, setup, NULL);
}
