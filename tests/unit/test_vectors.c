/* test_vectors.c - golden test vectors for Hotline's formats.
 *
 * Two parties, ru-cert and us-cert, get fixed keys from fixed seeds:
 *
 *   Ed25519  crypto_sign_seed_keypair, seed 0x01 x32 (ru), 0x02 x32 (us)
 *   X25519   crypto_box_seed_keypair,  seed 0x11 x32 (ru), 0x12 x32 (us)
 *   TLS pin  0x21 x32 (ru), 0x22 x32 (us)
 *   created  2026-11-22T09:54:00Z
 *   endpoint https://127.0.0.1:7441 (ru), https://127.0.0.1:7442 (us)
 *
 * Everything derived from them is deterministic (Ed25519 signatures are)
 * and is compared byte for byte with tests/golden/: the two cards, their
 * fingerprints, key IDs, the link ID and a note signed by both; ru-cert's
 * rotated card (new keys from seeds 0x03, 0x13, 0x23, endorsed by the old
 * key), the cards' text hashes and the link ID of generation 2.  Sealing
 * an envelope is randomized (content key, nonce, ephemeral keys), so one
 * sealed envelope is kept as it was made, with its plaintext and its
 * content key, and the test checks that it still parses, verifies,
 * unwraps for both parties and decrypts to the same bytes.  The message
 * content format (JSON) has its own vector, content.json, which
 * hl_content_encode must reproduce byte for byte.
 *
 * Golden files are read from $HOTLINE_SRC/tests/golden/ when HOTLINE_SRC
 * is set, else from tests/golden/ under the current directory.
 *
 * docs/protocol.md quotes these vectors, and the last test checks that
 * every quote matches its golden file.
 *
 * Regenerating (after a deliberate format change; then review the diff
 * and update the vectors quoted in docs/protocol.md):
 *
 *   make unit
 *   HOTLINE_REGEN=1 build/tests/test_vectors
 *       rewrites the deterministic files and leaves the envelope alone;
 *   HOTLINE_REGEN=envelope build/tests/test_vectors
 *       also reseals ru-to-us.envelope and rewrites its .plain and .key
 *       (a new random content key, so every byte of it changes);
 *   HOTLINE_REGEN=proof2 build/tests/test_vectors
 *       reseals the five envelopes of ru-to-us-2.proof (the v2 proof
 *       file, kept as it was made, like the envelope) and rewrites it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "buf.h"
#include "card.h"
#include "content.h"
#include "envelope.h"
#include "error.h"
#include "hash.h"
#include "merkle.h"
#include "note.h"
#include "proof2.h"
#include "text.h"

#define SENT "2026-11-22T10:02:00Z"
#define FILE_MAX (1024 * 1024)

#include "golden.h"

#define MEM_LEVELS 3
#define MEM_LEAVES 4
#include "memlog.h"

/* The fixed text of the golden note, signed by both parties. */
static const char note_text[] =
	"hotline.test-vector/v1\n"
	"Проверка связи.\n"
	"Communication check.\n";

/* The golden envelope's plaintext: an Arabic sentence ("We notify you of
 * a ransomware attack on the electricity grid and ask for your help with
 * the investigation.") with an English summary.  Only used when the
 * envelope is regenerated; the test reads ru-to-us.plain. */
static const char envelope_plain[] =
	"{\"type\":\"notify\",\"case\":\"ru-cert/2026-0001\","
	"\"text\":{\"lang\":\"ar\",\"body\":\"نبلغكم بهجوم ببرمجية فدية على "
	"شبكة الكهرباء ونطلب مساعدتكم في التحقيق.\"},"
	"\"summary\":{\"lang\":\"en\",\"body\":\"Ransomware attack on the "
	"power grid; help with the investigation requested.\"}}\n";

/* The golden message content (content.json): the same Arabic sentence as
 * the text, tagged "ar", with its English summary, tagged "en". */
static const char content_text[] =
	"نبلغكم بهجوم ببرمجية فدية على شبكة الكهرباء ونطلب مساعدتكم في التحقيق.";
static const char content_summary[] =
	"Ransomware attack on the power grid; help with the investigation requested.";

enum regen { REGEN_NONE, REGEN_FIXED, REGEN_ENVELOPE };

static enum regen regen;
static bool regen_proof2;

static int setup(void **state)
{
	(void)state;
	derive(&ru);
	derive(&us);
	return 0;
}

/* Compares text with a golden file (rewriting it first when asked). */
static void golden_text(const char *name, const void *p, size_t n, enum regen when)
{
	unsigned char *want;
	size_t len;

	if (regen >= when && when != REGEN_NONE)
		golden_write(name, p, n);
	want = golden_read(name, &len);
	assert_int_equal(strlen((const char *)p), n);
	assert_string_equal((const char *)want, (const char *)p);
	assert_int_equal(len, n);
	free(want);
}

static void sign_card(const struct party *p, struct hl_buf *out)
{
	hl_buf_init(out, HL_CARD_MAX);
	assert_int_equal(hl_card_encode(&p->card, p->sign_sk, out), 0);
}

static void check_card(const struct party *p, const char *file)
{
	struct hl_buf b;
	struct hl_card parsed;

	sign_card(p, &b);
	golden_text(file, b.data, b.len, REGEN_FIXED);
	assert_int_equal(hl_card_parse(b.data, b.len, &parsed), 0);
	assert_memory_equal(&parsed, &p->card, sizeof(parsed));
	hl_buf_free(&b);
}

static void test_cards(void **state)
{
	(void)state;
	check_card(&ru, "ru-cert.card");
	check_card(&us, "us-cert.card");
}

static void test_fingerprints(void **state)
{
	char fr[HL_FINGERPRINT_LEN + 1], fu[HL_FINGERPRINT_LEN + 1];
	struct hl_buf b;

	(void)state;
	hl_card_fingerprint(&ru.card, fr);
	hl_card_fingerprint(&us.card, fu);
	hl_buf_init(&b, 1024);
	assert_int_equal(hl_buf_printf(&b, "ru-cert %s\nus-cert %s\n", fr, fu), 0);
	golden_text("fingerprints.txt", b.data, b.len, REGEN_FIXED);
	hl_buf_free(&b);
}

static void test_keyids(void **state)
{
	struct hl_buf b;
	uint32_t kr = hl_note_keyid("ru-cert", HL_SIGTYPE_ED25519, ru.card.sign_pk, 32);
	uint32_t ku = hl_note_keyid("us-cert", HL_SIGTYPE_ED25519, us.card.sign_pk, 32);

	(void)state;
	hl_buf_init(&b, 1024);
	assert_int_equal(hl_buf_printf(&b, "ru-cert %08x\nus-cert %08x\n",
				       (unsigned)kr, (unsigned)ku), 0);
	golden_text("keyids.txt", b.data, b.len, REGEN_FIXED);
	hl_buf_free(&b);
}

static void test_link_id(void **state)
{
	unsigned char a[HL_LINK_ID_LEN], b2[HL_LINK_ID_LEN];
	struct hl_buf b;

	(void)state;
	hl_link_id(ru.card.sign_pk, us.card.sign_pk, a);
	hl_link_id(us.card.sign_pk, ru.card.sign_pk, b2);
	assert_memory_equal(a, b2, sizeof(a));
	hl_buf_init(&b, 1024);
	assert_int_equal(hl_buf_b64(&b, a, sizeof(a)), 0);
	assert_int_equal(hl_buf_puts(&b, "\n"), 0);
	golden_text("link-id.txt", b.data, b.len, REGEN_FIXED);
	hl_buf_free(&b);
}

/* ru-cert's rotated card (ru-cert-2.card): new sign, box and TLS keys
 * (seeds 0x03, 0x13, pin 0x23), the same endpoint, a year later; signed
 * by its own key and then endorsed by ru-cert's key of seed 0x01. */
static struct party ru2 = {
	.name = "ru-cert", .sign_seed = 0x03, .box_seed = 0x13, .tls_byte = 0x23,
	.endpoint = "https://127.0.0.1:7441",
};
#define CREATED2 "2027-11-22T09:54:00Z"

static void test_rotated_card(void **state)
{
	struct hl_buf self, b;
	struct hl_card parsed;

	(void)state;
	derive(&ru2);
	assert_int_equal(hl_time_parse(CREATED2, HL_TIME_LEN, &ru2.card.created), 0);
	sign_card(&ru2, &self);
	hl_buf_init(&b, HL_CARD_MAX);
	assert_int_equal(hl_card_endorse(self.data, self.len, ru.sign_sk, &b), 0);
	golden_text("ru-cert-2.card", b.data, b.len, REGEN_FIXED);
	assert_int_equal(hl_card_parse(b.data, b.len, &parsed), 0);
	assert_memory_equal(&parsed, &ru2.card, sizeof(parsed));
	assert_int_equal(hl_card_endorsed(b.data, b.len, "ru-cert", ru.card.sign_pk), 0);
	assert_int_equal(hl_card_endorsed(b.data, b.len, "ru-cert", us.card.sign_pk),
			 -HL_ENOSIG);
	assert_int_equal(hl_card_endorsed(self.data, self.len, "ru-cert", ru.card.sign_pk),
			 -HL_ENOSIG);
	hl_buf_free(&self);
	hl_buf_free(&b);
}

/* The text hashes (3.1) that a `resume` names the cards by. */
static void test_card_hashes(void **state)
{
	static const char *const files[] = {"ru-cert.card", "us-cert.card", "ru-cert-2.card"};
	unsigned char h[HL_SHA256_LEN];
	unsigned char *f;
	struct hl_buf b;
	size_t n;

	(void)state;
	hl_buf_init(&b, 1024);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		f = golden_read(files[i], &n);
		assert_int_equal(hl_card_text_hash(f, n, h), 0);
		assert_int_equal(hl_buf_printf(&b, "%s ", files[i]), 0);
		assert_int_equal(hl_buf_b64(&b, h, sizeof(h)), 0);
		assert_int_equal(hl_buf_puts(&b, "\n"), 0);
		free(f);
	}
	golden_text("card-hashes.txt", b.data, b.len, REGEN_FIXED);
	hl_buf_free(&b);
}

/* The link ID of generation 2 of the two cards of 3.4 (design 0.7). */
static void test_link_id_gen2(void **state)
{
	unsigned char a[HL_LINK_ID_LEN], b2[HL_LINK_ID_LEN];
	struct hl_buf b;

	(void)state;
	assert_int_equal(hl_link_id_gen(ru.card.sign_pk, us.card.sign_pk, 2, a), 0);
	assert_int_equal(hl_link_id_gen(us.card.sign_pk, ru.card.sign_pk, 2, b2), 0);
	assert_memory_equal(a, b2, sizeof(a));
	hl_buf_init(&b, 1024);
	assert_int_equal(hl_buf_b64(&b, a, sizeof(a)), 0);
	assert_int_equal(hl_buf_puts(&b, "\n"), 0);
	golden_text("link-id-gen2.txt", b.data, b.len, REGEN_FIXED);
	hl_buf_free(&b);
}

static void test_note(void **state)
{
	const unsigned char *t = (const unsigned char *)note_text;
	size_t tn = sizeof(note_text) - 1;
	struct hl_note note;
	struct hl_buf b;

	(void)state;
	hl_buf_init(&b, HL_NOTE_MAX);
	assert_int_equal(hl_note_sign_text(&b, t, tn, "ru-cert", ru.sign_sk), 0);
	assert_int_equal(hl_note_sign(&b, t, tn, "us-cert", us.sign_sk), 0);
	golden_text("both.note", b.data, b.len, REGEN_FIXED);
	assert_int_equal(hl_note_parse(b.data, b.len, &note), 0);
	assert_int_equal(note.nsigs, 2);
	assert_int_equal(note.text_len, tn);
	assert_int_equal(hl_note_verify(&note, "ru-cert", ru.card.sign_pk), 0);
	assert_int_equal(hl_note_verify(&note, "us-cert", us.card.sign_pk), 0);
	/* The right key under another name is an unknown signer. */
	assert_int_equal(hl_note_verify(&note, "us-cert", ru.card.sign_pk), -HL_ENOSIG);
	/* One changed signature character rejects the whole note. */
	b.data[b.len - 20] = b.data[b.len - 20] == 'A' ? 'B' : 'A';
	assert_int_equal(hl_note_parse(b.data, b.len, &note), 0);
	assert_int_equal(hl_note_verify(&note, "us-cert", us.card.sign_pk), -HL_EBADSIG);
	hl_buf_free(&b);
}

static void reseal_envelope(void)
{
	struct hl_seal_params p = {
		.from = &ru.card, .sign_sk = ru.sign_sk, .to = &us.card,
		.seq = 1, .precedence = HL_FLASH, .kind = "notify",
	};
	const unsigned char *plain = (const unsigned char *)envelope_plain;
	size_t plain_len = sizeof(envelope_plain) - 1;
	unsigned char key[HL_KEY_LEN];
	struct hl_envelope env;
	struct hl_buf out, k;

	assert_int_equal(hl_time_parse(SENT, HL_TIME_LEN, &p.time), 0);
	hl_buf_init(&out, HL_BODY_MAX + HL_NOTE_MAX);
	assert_int_equal(hl_envelope_seal(&p, plain, plain_len, &out), 0);
	assert_int_equal(hl_envelope_parse(out.data, out.len, &env), 0);
	assert_int_equal(hl_envelope_unwrap(&env, "us-cert", us.card.box_pk,
					    us.box_sk, key), 0);
	hl_buf_init(&k, 1024);
	assert_int_equal(hl_buf_b64(&k, key, sizeof(key)), 0);
	assert_int_equal(hl_buf_puts(&k, "\n"), 0);
	golden_write("ru-to-us.envelope", out.data, out.len);
	golden_write("ru-to-us.plain", plain, plain_len);
	golden_write("ru-to-us.key", k.data, k.len);
	sodium_memzero(key, sizeof(key));
	hl_buf_free(&out);
	hl_buf_free(&k);
}

/* The disclosed content key: one line of standard base64. */
static void read_key(unsigned char key[HL_KEY_LEN])
{
	size_t n;
	unsigned char *s = golden_read("ru-to-us.key", &n);

	assert_true(n > 0 && s[n - 1] == '\n');
	assert_int_equal(hl_b64_exact((const char *)s, n - 1, key, HL_KEY_LEN), 0);
	free(s);
}

static void assert_opens(const struct hl_envelope *env,
			 const unsigned char key[HL_KEY_LEN],
			 const unsigned char *plain, size_t plain_len)
{
	struct hl_buf pt;

	hl_buf_init(&pt, HL_PLAIN_MAX);
	assert_int_equal(hl_envelope_decrypt(env, key, &pt), 0);
	assert_int_equal(pt.len, plain_len);
	assert_memory_equal(pt.data, plain, plain_len);
	hl_buf_free(&pt);
}

static void check_header(const struct hl_envelope *env, size_t plain_len)
{
	unsigned char link[HL_LINK_ID_LEN], h[HL_SHA256_LEN];
	int64_t sent;

	hl_link_id(ru.card.sign_pk, us.card.sign_pk, link);
	assert_int_equal(hl_time_parse(SENT, HL_TIME_LEN, &sent), 0);
	assert_memory_equal(env->link, link, sizeof(link));
	assert_string_equal(env->from, "ru-cert");
	assert_string_equal(env->to, "us-cert");
	assert_int_equal(env->seq, 1);
	assert_int_equal(env->time, sent);
	assert_int_equal(env->precedence, HL_FLASH);
	assert_string_equal(env->kind, "notify");
	assert_int_equal(env->body_len, HL_NONCE_LEN + plain_len + HL_TAG_LEN);
	hl_sha256(env->body, env->body_len, h);
	assert_memory_equal(env->body_hash, h, sizeof(h));
	assert_int_equal(env->note.nsigs, 1);
}

static void test_envelope(void **state)
{
	unsigned char disclosed[HL_KEY_LEN], key[HL_KEY_LEN];
	unsigned char *buf, *plain, *cardtxt;
	size_t n, plain_len, cardlen;
	struct hl_envelope env;
	struct hl_card sender;

	(void)state;
	if (regen == REGEN_ENVELOPE)
		reseal_envelope();
	buf = golden_read("ru-to-us.envelope", &n);
	plain = golden_read("ru-to-us.plain", &plain_len);
	read_key(disclosed);
	assert_int_equal(hl_envelope_parse(buf, n, &env), 0);
	check_header(&env, plain_len);
	/* A third party checks with the card it was given, as a file. */
	cardtxt = golden_read("ru-cert.card", &cardlen);
	assert_int_equal(hl_card_parse(cardtxt, cardlen, &sender), 0);
	assert_int_equal(hl_envelope_verify(&env, &sender), 0);
	assert_int_equal(hl_envelope_verify(&env, &ru.card), 0);

	assert_int_equal(hl_envelope_unwrap(&env, "us-cert", us.card.box_pk,
					    us.box_sk, key), 0);
	assert_memory_equal(key, disclosed, sizeof(key));
	assert_opens(&env, key, plain, plain_len);
	assert_int_equal(hl_envelope_unwrap(&env, "ru-cert", ru.card.box_pk,
					    ru.box_sk, key), 0);
	assert_memory_equal(key, disclosed, sizeof(key));
	assert_opens(&env, key, plain, plain_len);
	assert_opens(&env, disclosed, plain, plain_len);
	free(cardtxt);
	free(plain);
	free(buf);
}

/* The rejections a verifier relies on, each on a copy of the golden
 * envelope with one thing changed. */
static void test_envelope_rejects(void **state)
{
	unsigned char key[HL_KEY_LEN];
	unsigned char *buf;
	size_t n;
	struct hl_envelope env;
	struct hl_card impostor = us.card;
	struct hl_buf pt;
	char *seq, *blank;

	(void)state;
	buf = golden_read("ru-to-us.envelope", &n);

	/* Not signed by this card: another name, or the same name with
	 * another key. */
	assert_int_equal(hl_envelope_parse(buf, n, &env), 0);
	assert_int_equal(hl_envelope_verify(&env, &us.card), -HL_ENOSIG);
	memcpy(impostor.name, "ru-cert", sizeof("ru-cert"));
	assert_int_equal(hl_envelope_verify(&env, &impostor), -HL_ENOSIG);
	/* Only the two parties of the envelope have a wrapped key, and
	 * only their own box key opens it. */
	assert_int_equal(hl_envelope_unwrap(&env, "xx-cert", us.card.box_pk,
					    us.box_sk, key), -HL_ENOKEY);
	assert_int_equal(hl_envelope_unwrap(&env, "us-cert", ru.card.box_pk,
					    ru.box_sk, key), -HL_EUNWRAP);
	/* A key other than the committed one is refused before decrypting. */
	read_key(key);
	key[0] ^= 1;
	hl_buf_init(&pt, HL_PLAIN_MAX);
	assert_int_equal(hl_envelope_decrypt(&env, key, &pt), -HL_EKEYCOMMIT);
	assert_int_equal(pt.len, 0);
	hl_buf_free(&pt);

	/* A changed body no longer matches its signed hash. */
	buf[n - 1] ^= 1;
	assert_int_equal(hl_envelope_parse(buf, n, &env), 0);
	assert_int_equal(hl_envelope_verify(&env, &ru.card), -HL_EBODYHASH);
	buf[n - 1] ^= 1;

	/* A changed header field breaks the signature. */
	seq = memmem(buf, n, "\nseq 1\n", 7);
	assert_non_null(seq);
	seq[5] = '2';
	assert_int_equal(hl_envelope_parse(buf, n, &env), 0);
	assert_int_equal(env.seq, 2);
	assert_int_equal(hl_envelope_verify(&env, &ru.card), -HL_EBADSIG);
	seq[5] = '1';

	/* A missing last byte shifts the split and cuts the note short. */
	assert_int_equal(hl_envelope_parse(buf, n - 1, &env), -HL_ETRUNCATED);
	/* Cut after the blank line: no room for the body it declares. */
	blank = memmem(buf, n, "\n\n", 2);
	assert_non_null(blank);
	assert_int_equal(hl_envelope_parse(buf, (size_t)(blank + 2 - (char *)buf),
					   &env), -HL_ETRUNCATED);
	sodium_memzero(key, sizeof(key));
	free(buf);
}

/* The content JSON inside envelope bodies: compact, keys sorted. */
static void test_content(void **state)
{
	struct hl_text text = {"ar", content_text, sizeof(content_text) - 1};
	struct hl_text sum = {"en", content_summary, sizeof(content_summary) - 1};
	struct hl_content c;
	struct hl_buf b;

	(void)state;
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_content_encode("notify", &text, &sum, NULL, &b), 0);
	golden_text("content.json", b.data, b.len, REGEN_FIXED);
	assert_int_equal(hl_content_parse(b.data, b.len, &c), 0);
	assert_string_equal(c.type, "notify");
	assert_string_equal(c.text.lang, "ar");
	assert_int_equal(c.text.len, text.len);
	assert_memory_equal(c.text.text, text.text, text.len);
	assert_true(c.has_summary);
	assert_string_equal(c.summary.lang, "en");
	assert_int_equal(c.summary.len, sum.len);
	assert_memory_equal(c.summary.text, sum.text, sum.len);
	assert_false(c.has_ref);
	hl_content_free(&c);
	hl_buf_free(&b);
}

/* A request in the case the golden envelope opens (ru-cert#1, named by
 * that envelope's leaf hash), as us-cert would send it. */
static void test_case_content(void **state)
{
	static const char req[] = "Please take down 203.0.113.7 and preserve its disks.";
	struct hl_content r = {.type = "request", .text = {"en", req, sizeof(req) - 1},
			       .has_case = true, .case_ref = {"ru-cert", 1, {0}},
			       .tlp = "TLP:AMBER+STRICT", .actions = 1u << 2 | 1u << 4};
	struct hl_content c;
	unsigned char *env;
	struct hl_buf b;
	size_t n;

	(void)state;
	env = golden_read("ru-to-us.envelope", &n);
	hl_merkle_leaf(env, n, r.case_ref.leaf);
	free(env);
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_content_write(&r, &b), 0);
	golden_text("content-request.json", b.data, b.len, REGEN_FIXED);
	assert_int_equal(hl_content_parse(b.data, b.len, &c), 0);
	assert_int_equal(c.actions, r.actions);
	assert_string_equal(c.tlp, "TLP:AMBER+STRICT");
	assert_memory_equal(c.case_ref.leaf, r.case_ref.leaf, 32);
	hl_content_free(&c);
	hl_buf_free(&b);
}

/* us-cert's duty officer ana acknowledges the golden envelope (ru-cert's
 * seq 1): the content names who read it (protocol.md 8.11). */
static void test_operator_content(void **state)
{
	static const char text[] = "read; investigating";
	struct hl_content a = {.type = "ack", .text = {"en", text, sizeof(text) - 1},
			       .has_ref = true, .ref = {"ru-cert", 1, {0}},
			       .op_name = "ana", .op_role = "duty"};
	struct hl_content c;
	unsigned char *env;
	struct hl_buf b;
	size_t n;

	(void)state;
	env = golden_read("ru-to-us.envelope", &n);
	hl_merkle_leaf(env, n, a.ref.leaf);
	free(env);
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_content_write(&a, &b), 0);
	golden_text("content-ack-operator.json", b.data, b.len, REGEN_FIXED);
	assert_int_equal(hl_content_parse(b.data, b.len, &c), 0);
	assert_string_equal(c.op_name, "ana");
	assert_string_equal(c.op_role, "duty");
	assert_memory_equal(c.ref.leaf, a.ref.leaf, 32);
	hl_content_free(&c);
	hl_buf_free(&b);
}

/* ru-cert's supervisor ana proposes hotline.conf's defaults as the
 * link's first terms, in English and Russian (protocol.md 8.13). */
static void test_terms_content(void **state)
{
	static const char text[] = "terms for 2027";
	struct hl_content t = {.type = "terms", .text = {"en", text, sizeof(text) - 1},
			       .op_name = "ana", .op_role = "supervisor", .has_terms = true,
			       .terms = {.version = 1, .ack = {900, 3600, 86400, 259200},
					 .receipt = {120, 600, 3600, 86400}, .has_check = true,
					 .check_every = 604800, .check_precedence = HL_IMMEDIATE,
					 .languages = {"en", "ru"}, .nlanguages = 2,
					 .suspect = 604800}};
	struct hl_content c;
	struct hl_buf b;

	(void)state;
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_content_write(&t, &b), 0);
	golden_text("content-terms.json", b.data, b.len, REGEN_FIXED);
	assert_int_equal(hl_content_parse(b.data, b.len, &c), 0);
	assert_memory_equal(&c.terms, &t.terms, sizeof(t.terms));
	hl_content_free(&c);
	hl_buf_free(&b);
}

/* The vectors of content from before operators were named still parse,
 * name nobody, and write back byte for byte. */
static void test_old_content(void **state)
{
	static const char *const files[] = {"content.json", "content-request.json"};
	struct hl_content c;
	unsigned char *f;
	struct hl_buf b;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		f = golden_read(files[i], &n);
		assert_int_equal(hl_content_parse(f, n, &c), 0);
		assert_string_equal(c.op_name, "");
		assert_string_equal(c.op_role, "");
		hl_buf_init(&b, 4096);
		assert_int_equal(hl_content_write(&c, &b), 0);
		assert_int_equal(b.len, n);
		assert_memory_equal(b.data, f, n);
		hl_content_free(&c);
		hl_buf_free(&b);
		free(f);
	}
}

/* ---- the proof file v2 (ru-to-us-2.proof, protocol.md 9.12) ----
 *
 * ru-cert's log: 1 the terms of content-terms.json (us-cert accepts them
 * at its seq 1), 2 a `card` envelope carrying ru-cert-2.card, 3 the
 * notify of content.json, signed with the rotated key; us-cert's log: 1
 * the acceptance, 2 the ack of ru-cert/3.  Each log's checkpoint at its
 * size is signed by its era's key and cosigned by the other party's
 * key of that time.  The proof of ru-cert/3, disclosed, carries the
 * chain (ru-cert/2), the terms (ru-cert/1, us-cert/1) and the ack. */
#define P2_TIME "2027-11-22T10:00:00Z"

struct p2log {
	struct hl_buf env[3];
	unsigned char key[3][HL_KEY_LEN];
	struct mem m;
	size_t n;
	struct hl_buf cp;
};

static void p2_put(struct p2log *l, const struct party *from, const struct party *to,
		   int64_t t, const char *kind, const struct hl_buf *plain)
{
	unsigned char link[HL_LINK_ID_LEN];
	struct hl_seal_params sp = {
		.from = &from->card, .sign_sk = from->sign_sk, .to = &to->card,
		.seq = l->n + 1, .time = t, .precedence = HL_FLASH, .kind = kind,
		.link = link,
	};
	struct hl_envelope env;
	struct hl_buf *e = &l->env[l->n];

	hl_link_id(ru.card.sign_pk, us.card.sign_pk, link);
	hl_buf_init(e, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	assert_int_equal(hl_envelope_seal(&sp, plain->data, plain->len, e), 0);
	assert_int_equal(hl_envelope_parse(e->data, e->len, &env), 0);
	assert_int_equal(hl_envelope_unwrap(&env, from->card.name, from->card.box_pk,
					    from->box_sk, l->key[l->n]), 0);
	mem_add(&l->m, e->data, e->len);
	l->n++;
}

/* A content of kind naming ref (an envelope of target), or the card. */
static void p2_content(const char *kind, const struct p2log *target, size_t seq,
		       const char *tname, const unsigned char *card, size_t card_len,
		       struct hl_buf *out)
{
	struct hl_content c = {.text = {"en", "", 0}};

	snprintf(c.type, sizeof(c.type), "%s", kind);
	if (target) {
		c.has_ref = true;
		snprintf(c.ref.from, sizeof(c.ref.from), "%s", tname);
		c.ref.seq = seq;
		hl_merkle_leaf(target->env[seq - 1].data, target->env[seq - 1].len, c.ref.leaf);
	}
	c.card = (const char *)card;
	c.card_len = card_len;
	hl_buf_init(out, 8192);
	assert_int_equal(hl_content_write(&c, out), 0);
}

static void p2_seal_log(struct p2log *l, const char *name, const struct party *signer,
			const struct party *co, int64_t t)
{
	struct hl_merkle_src src = {mem_node, &l->m};
	unsigned char link[HL_LINK_ID_LEN];
	char origin[HL_ORIGIN_MAX + 1];
	struct hl_checkpoint cp;
	struct hl_buf line;
	hl_hash root;

	hl_link_id(ru.card.sign_pk, us.card.sign_pk, link);
	hl_log_origin(link, name, origin);
	assert_int_equal(hl_merkle_root(&src, l->n, root), 0);
	hl_buf_init(&l->cp, HL_CHECKPOINT_MAX);
	assert_int_equal(hl_checkpoint_sign(origin, l->n, root, signer->sign_sk, &l->cp), 0);
	assert_int_equal(hl_checkpoint_parse(l->cp.data, l->cp.len, &cp), 0);
	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	assert_int_equal(hl_cosig_sign(&cp, co->name, co->sign_sk, (uint64_t)t, &line), 0);
	assert_int_equal(hl_buf_append(&l->cp, line.data, line.len), 0);
	hl_buf_free(&line);
}

static void p2_proof1(const struct p2log *l, size_t seq, struct hl_buf *out)
{
	struct hl_merkle_src src = {mem_node, (void *)&l->m};
	hl_hash path[HL_MERKLE_PROOF_MAX];
	size_t n = 0;

	assert_int_equal(hl_merkle_inclusion(&src, seq - 1, l->n, path, &n), 0);
	hl_buf_init(out, HL_PROOF_MAX);
	assert_int_equal(hl_proof_encode(out, l->env[seq - 1].data, l->env[seq - 1].len,
					 l->key[seq - 1], seq - 1, path, n, l->cp.data,
					 l->cp.len), 0);
}

/* Seals the two logs and writes ru-to-us-2.proof. */
static void reseal_proof2(void)
{
	struct p2log a = {0}, b = {0};
	struct hl_buf plain, card, pr[5], out;
	struct hl_proof2_parts parts = {.generation = 1, .nchain = 1, .nterms = 2, .nack = 1};
	unsigned char *terms, *content, *c1, *c2;
	size_t tn, cn, n1, n2;
	int64_t t0;

	assert_int_equal(hl_time_parse(P2_TIME, HL_TIME_LEN, &t0), 0);
	terms = golden_read("content-terms.json", &tn);
	content = golden_read("content.json", &cn);
	card.data = golden_read("ru-cert-2.card", &card.len);
	plain = (struct hl_buf){.data = terms, .len = tn};
	p2_put(&a, &ru, &us, t0, "terms", &plain);
	p2_content("terms-accept", &a, 1, "ru-cert", NULL, 0, &plain);
	p2_put(&b, &us, &ru, t0 + 60, "terms-accept", &plain);
	hl_buf_free(&plain);
	p2_content("card", NULL, 0, NULL, card.data, card.len, &plain);
	p2_put(&a, &ru, &us, t0 + 120, "card", &plain);
	hl_buf_free(&plain);
	plain = (struct hl_buf){.data = content, .len = cn};
	p2_put(&a, &ru2, &us, t0 + 180, "notify", &plain);
	p2_content("ack", &a, 3, "ru-cert", NULL, 0, &plain);
	p2_put(&b, &us, &ru2, t0 + 300, "ack", &plain);
	hl_buf_free(&plain);
	p2_seal_log(&a, "ru-cert", &ru2, &us, t0 + 301);
	p2_seal_log(&b, "us-cert", &us, &ru2, t0 + 301);
	p2_proof1(&a, 2, &pr[0]);
	p2_proof1(&a, 1, &pr[1]);
	p2_proof1(&b, 1, &pr[2]);
	p2_proof1(&b, 2, &pr[3]);
	p2_proof1(&a, 3, &pr[4]);
	c1 = golden_read("ru-cert.card", &n1);
	c2 = golden_read("us-cert.card", &n2);
	parts.card[0] = (struct hl_span){c1, n1};
	parts.card[1] = (struct hl_span){c2, n2};
	parts.chain[0] = (struct hl_span){pr[0].data, pr[0].len};
	parts.terms[0] = (struct hl_span){pr[1].data, pr[1].len};
	parts.terms[1] = (struct hl_span){pr[2].data, pr[2].len};
	parts.ack[0] = (struct hl_span){pr[3].data, pr[3].len};
	parts.main = (struct hl_span){pr[4].data, pr[4].len};
	hl_buf_init(&out, HL_PROOF2_MAX);
	assert_int_equal(hl_proof2_encode(&out, &parts), 0);
	golden_write("ru-to-us-2.proof", out.data, out.len);
	hl_buf_free(&out);
	for (int i = 0; i < 5; i++)
		hl_buf_free(&pr[i]);
	for (size_t i = 0; i < 3; i++) {
		hl_buf_free(&a.env[i]);
		hl_buf_free(&b.env[i]);
	}
	hl_buf_free(&a.cp);
	hl_buf_free(&b.cp);
	free(terms);
	free(content);
	free(card.data);
	free(c1);
	free(c2);
}

/* The file's lines outside its pieces, which protocol.md quotes. */
static void proof2_outline(struct hl_buf *out)
{
	unsigned char *f;
	size_t n;
	struct hl_proof2 *p = calloc(1, sizeof(*p));
	const struct hl_proof2_parts *pp = &p->parts;
	char why[256];

	assert_non_null(p);
	f = golden_read("ru-to-us-2.proof", &n);
	assert_int_equal(hl_proof2_parse(f, n, p, why, sizeof(why)), 0);
	hl_buf_init(out, 4096);
	assert_int_equal(hl_buf_printf(out, "hotline.proof/v2\ngeneration %u\ncard %zu\ncard %zu\n"
				       "chain 1\nproof %zu\nterms 2\nproof %zu\nproof %zu\n"
				       "ack 1\nproof %zu\n", (unsigned)pp->generation,
				       pp->card[0].n, pp->card[1].n, pp->chain[0].n,
				       pp->terms[0].n, pp->terms[1].n, pp->ack[0].n), 0);
	free(f);
	free(p);
}

/* The v2 vector: kept as made (its envelopes are sealed at random),
 * re-encoded byte for byte, its cards the golden ones, and verified with
 * the founding cards: the rotation, the terms of content-terms.json in
 * force, the ack, and the message of content.json. */
static void test_proof2_vector(void **state)
{
	struct hl_proof2 *p = calloc(1, sizeof(*p));
	struct hl_proof2_result *res = calloc(1, sizeof(*res));
	struct hl_card given[2] = {ru.card, us.card}, newest[2] = {ru2.card, us.card};
	unsigned char *f, *g;
	struct hl_buf again, plain;
	char why[512];
	size_t n, gn;

	(void)state;
	assert_true(p && res);
	derive(&ru2);
	assert_int_equal(hl_time_parse(CREATED2, HL_TIME_LEN, &ru2.card.created), 0);
	if (regen_proof2)
		reseal_proof2();
	f = golden_read("ru-to-us-2.proof", &n);
	assert_int_equal(hl_proof2_parse(f, n, p, why, sizeof(why)), 0);
	hl_buf_init(&again, HL_PROOF2_MAX);
	assert_int_equal(hl_proof2_encode(&again, &p->parts), 0);
	assert_int_equal(again.len, n);
	assert_memory_equal(again.data, f, n);
	g = golden_read("ru-cert.card", &gn);
	assert_int_equal(p->parts.card[0].n, gn);
	assert_memory_equal(p->parts.card[0].p, g, gn);
	free(g);
	if (hl_proof2_verify(p, given, 2, res, why, sizeof(why)) != 0)
		fail_msg("%s", why);
	assert_int_equal(res->era, 1);
	assert_int_equal(res->main.env.seq, 3);
	assert_memory_equal(&res->chain[0].era[1].card, &ru2.card, sizeof(ru2.card));
	assert_true(res->has_terms && res->has_ack);
	assert_int_equal(res->terms.terms.ack[HL_FLASH], 900);
	assert_int_equal(res->terms.accepted_seq, 1);
	hl_buf_init(&plain, HL_PLAIN_MAX);
	assert_int_equal(hl_envelope_decrypt(&res->main.env, p->main.key, &plain), 0);
	g = golden_read("content.json", &gn);
	assert_int_equal(plain.len, gn);
	assert_memory_equal(plain.data, g, gn);
	free(g);
	/* The terms were signed in era 0: the newest card alone does not do. */
	assert_int_equal(hl_proof2_verify(p, newest, 2, res, why, sizeof(why)), -HL_ETRUST);
	hl_buf_free(&plain);
	hl_buf_free(&again);
	free(f);
	free(p);
	free(res);
}

static void assert_quoted(const unsigned char *doc, size_t dn,
			  const void *p, size_t n, const char *what)
{
	if (!memmem(doc, dn, p, n))
		fail_msg("docs/protocol.md does not quote %s as it is now", what);
}

/* docs/protocol.md quotes the vectors; they must be the ones here. */
static void test_doc_quotes_vectors(void **state)
{
	static const char *const files[] = {
		"both.note", "ru-cert.card", "us-cert.card", "keyids.txt",
		"fingerprints.txt", "link-id.txt", "ru-to-us.key", "ru-to-us.plain",
		"content.json", "content-request.json", "content-ack-operator.json",
		"ru-cert-2.card", "card-hashes.txt", "link-id-gen2.txt",
		"content-terms.json",
	};
	const char *src = getenv("HOTLINE_SRC");
	char path[4096];
	unsigned char *doc, *f;
	size_t dn, n;
	struct hl_envelope env;
	struct hl_buf b64;

	(void)state;
	if (regen != REGEN_NONE || regen_proof2) {
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
	proof2_outline(&b64);
	assert_quoted(doc, dn, b64.data, b64.len, "the outline of ru-to-us-2.proof");
	hl_buf_free(&b64);
	f = golden_read("ru-to-us.envelope", &n);
	assert_int_equal(hl_envelope_parse(f, n, &env), 0);
	assert_quoted(doc, dn, env.header, env.header_len, "the envelope's header");
	hl_buf_init(&b64, 2 * n);
	assert_int_equal(hl_buf_b64(&b64, env.body, env.body_len), 0);
	assert_quoted(doc, dn, b64.data, b64.len, "the envelope's body");
	hl_buf_free(&b64);
	free(f);
	free(doc);
}

int main(void)
{
	const char *r = getenv("HOTLINE_REGEN");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cards),
		cmocka_unit_test(test_fingerprints),
		cmocka_unit_test(test_keyids),
		cmocka_unit_test(test_link_id),
		cmocka_unit_test(test_rotated_card),
		cmocka_unit_test(test_card_hashes),
		cmocka_unit_test(test_link_id_gen2),
		cmocka_unit_test(test_note),
		cmocka_unit_test(test_envelope),
		cmocka_unit_test(test_envelope_rejects),
		cmocka_unit_test(test_content),
		cmocka_unit_test(test_case_content),
		cmocka_unit_test(test_operator_content),
		cmocka_unit_test(test_terms_content),
		cmocka_unit_test(test_old_content),
		cmocka_unit_test(test_proof2_vector),
		cmocka_unit_test(test_doc_quotes_vectors),
	};

	if (sodium_init() < 0)
		return 1;
	if (!r || !*r || strcmp(r, "0") == 0) {
		regen = REGEN_NONE;
	} else if (strcmp(r, "1") == 0) {
		regen = REGEN_FIXED;
	} else if (strcmp(r, "envelope") == 0) {
		regen = REGEN_ENVELOPE;
	} else if (strcmp(r, "proof2") == 0) {
		regen_proof2 = true;
	} else {
		fprintf(stderr, "HOTLINE_REGEN must be 1, envelope or proof2, not '%s'\n", r);
		return 2;
	}
	return cmocka_run_group_tests(tests, setup, NULL);
}
