/* test_card.c - party cards: encoding, strict parsing, fingerprints.
 *
 * A card is what two parties compare aloud, so a card must have exactly
 * one accepted byte form (and one more when it is endorsed by the key it
 * replaces): every test here that changes a card, even in a way that
 * keeps the self-signature valid, expects a specific error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>

#include "card.h"
#include "error.h"
#include "note.h"
#include "testlib.h"

#define EM_DASH "\xe2\x80\x94"
#define CARD_LINES 7	/* type, name, sign, box, tls, endpoint, created */

static struct tl_party A, B;

static int setup(void **state)
{
	(void)state;
	tl_party_init(&A, "ru-cert", 1);
	tl_party_init(&B, "us-cert", 2);
	return 0;
}

/* Parses a heap copy of exactly n bytes. */
static int parse_copy(const void *s, size_t n, struct hl_card *card)
{
	unsigned char *p = tl_dup(s, n);
	int r = hl_card_parse(p, n, card);

	free(p);
	return r;
}

static void assert_card_equal(const struct hl_card *a, const struct hl_card *b)
{
	assert_string_equal(a->name, b->name);
	assert_memory_equal(a->sign_pk, b->sign_pk, sizeof(a->sign_pk));
	assert_memory_equal(a->box_pk, b->box_pk, sizeof(a->box_pk));
	assert_memory_equal(a->tls_pin, b->tls_pin, sizeof(a->tls_pin));
	assert_string_equal(a->endpoint, b->endpoint);
	assert_int_equal(a->created, b->created);
}

/* The text of A's encoded card (without blank line and signature), as
 * a heap string; *n is its length. */
static char *card_text(size_t *n)
{
	struct hl_buf out;
	struct hl_note note;
	char *t;

	tl_card_encode(&A, &out);
	assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
	*n = note.text_len;
	t = malloc(*n + 1);
	assert_non_null(t);
	memcpy(t, note.text, *n);
	t[*n] = 0;
	hl_buf_free(&out);
	return t;
}

/* Signs text with A's key under A's name and parses it as a card. */
static int sign_and_parse(const void *text, size_t n, struct hl_card *card)
{
	struct hl_buf out;
	int r;

	tl_sign_text(&A, text, n, &out);
	r = parse_copy(out.data, out.len, card);
	hl_buf_free(&out);
	return r;
}

/* A's card with its text's first "from" replaced by "to", re-signed. */
static int variant(const char *from, const char *to, struct hl_card *card)
{
	size_t n, vn;
	char *t = card_text(&n);
	unsigned char *v = tl_replace(t, n, from, to, &vn);
	int r = sign_and_parse(v, vn, card);

	free(v);
	free(t);
	return r;
}

/* A's card rebuilt from its lines in the order spec names them ('0' to
 * '6'; 'x' is an unknown field "note hello"), re-signed. */
static int reorder(const char *spec)
{
	const char *line[CARD_LINES];
	size_t len[CARD_LINES], n, k = 0;
	char *t = card_text(&n), *p = t;
	struct hl_buf nt;
	struct hl_card card;
	int r;

	for (char *nl = memchr(p, '\n', n); nl && k < CARD_LINES;
	     nl = memchr(p, '\n', n - (size_t)(p - t))) {
		line[k] = p;
		len[k++] = (size_t)(nl - p) + 1;
		p = nl + 1;
	}
	assert_int_equal(k, CARD_LINES);
	hl_buf_init(&nt, HL_CARD_MAX);
	for (const char *s = spec; *s; s++) {
		if (*s == 'x')
			assert_int_equal(hl_buf_puts(&nt, "note hello\n"), 0);
		else
			assert_int_equal(hl_buf_append(&nt, line[*s - '0'],
						       len[*s - '0']), 0);
	}
	r = sign_and_parse(nt.data, nt.len, &card);
	hl_buf_free(&nt);
	free(t);
	return r;
}

static void test_round_trip(void **state)
{
	static const char head[] = HL_CARD_TYPE "\nname ru-cert\nsign ";
	static const char tail[] =
		"\nendpoint https://hotline.ru-cert.example:7443\n"
		"created " TL_CREATED_STR "\n\n" EM_DASH " ru-cert ";
	struct hl_buf out;
	struct hl_card card;

	(void)state;
	tl_card_encode(&A, &out);
	assert_memory_equal(out.data, head, strlen(head));
	assert_non_null(memmem(out.data, out.len, tail, strlen(tail)));
	assert_int_equal(out.data[out.len - 1], '\n');
	assert_int_equal(hl_card_parse(out.data, out.len, &card), 0);
	assert_card_equal(&card, &A.card);
	hl_buf_free(&out);
}

static void test_endpoint_none(void **state)
{
	struct tl_party p = A;
	struct hl_buf out;
	struct hl_card card;

	(void)state;
	p.card.endpoint[0] = 0;
	tl_card_encode(&p, &out);
	assert_non_null(memmem(out.data, out.len, "\nendpoint none\n", 15));
	assert_int_equal(hl_card_parse(out.data, out.len, &card), 0);
	assert_string_equal(card.endpoint, "");
	assert_card_equal(&card, &p.card);
	hl_buf_free(&out);
	assert_int_equal(variant("https://hotline.ru-cert.example:7443", "none",
				 &card), 0);
	assert_string_equal(card.endpoint, "");
}

/* Both ends of the time format survive a card's round trip. */
static void test_created_range(void **state)
{
	static const int64_t times[] = {0, HL_TIME_MAX};
	struct tl_party p = A;
	struct hl_buf out;
	struct hl_card card;

	(void)state;
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		p.card.created = times[i];
		tl_card_encode(&p, &out);
		assert_int_equal(hl_card_parse(out.data, out.len, &card), 0);
		assert_int_equal(card.created, times[i]);
		hl_buf_free(&out);
	}
}

static void assert_fingerprint_form(const char *fp)
{
	assert_int_equal(strlen(fp), HL_FINGERPRINT_LEN);
	for (size_t i = 0; i < HL_FINGERPRINT_LEN; i++) {
		if (i % 6 == 5)
			assert_int_equal(fp[i], ' ');
		else
			assert_true(fp[i] >= '0' && fp[i] <= '9');
	}
}

static void test_fingerprint(void **state)
{
	char fa[HL_FINGERPRINT_LEN + 1], fb[HL_FINGERPRINT_LEN + 1];
	char f[HL_FINGERPRINT_LEN + 1];
	struct tl_party again, moved = A, renamed = A;

	(void)state;
	hl_card_fingerprint(&A.card, fa);
	hl_card_fingerprint(&B.card, fb);
	assert_fingerprint_form(fa);
	assert_fingerprint_form(fb);
	/* Pinned: a change here changes every fingerprint read aloud. */
	assert_string_equal(fa, "35594 45013 34498 00060 82406 94590");
	assert_string_not_equal(fa, fb);
	tl_party_init(&again, "ru-cert", 1);
	hl_card_fingerprint(&again.card, f);
	assert_string_equal(f, fa);
	/* New box key, TLS pin, endpoint and date: same fingerprint. */
	tl_box_keys(9, moved.card.box_pk, moved.box_sk);
	memset(moved.card.tls_pin, 0xee, sizeof(moved.card.tls_pin));
	memcpy(moved.card.endpoint, "https://198.51.100.7:9", 23);
	moved.card.created += 86400 * 365;
	hl_card_fingerprint(&moved.card, f);
	assert_string_equal(f, fa);
	/* Same key under another name: another fingerprint. */
	memcpy(renamed.card.name, "ru-cert2", 9);
	hl_card_fingerprint(&renamed.card, f);
	assert_string_not_equal(f, fa);
}

/* No single flipped bit anywhere in a card leaves it acceptable. */
static void test_every_bit_flip(void **state)
{
	struct hl_buf out;
	struct hl_card card;

	(void)state;
	tl_card_encode(&A, &out);
	for (size_t i = 0; i < out.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			unsigned char *p = tl_dup(out.data, out.len);
			int r;

			p[i] ^= (unsigned char)(1 << bit);
			r = hl_card_parse(p, out.len, &card);
			if (r >= 0)
				fail_msg("flip of bit %d at byte %zu parses", bit, i);
			free(p);
		}
	}
	hl_buf_free(&out);
}

/* The memo of verified cards gives the same card for the same bytes,
 * and nothing for any other bytes, however often the first were read. */
static void test_memo(void **state)
{
	struct hl_buf out;
	struct hl_card card;

	(void)state;
	tl_card_encode(&A, &out);
	for (int round = 0; round < 3; round++) {
		unsigned char *p = tl_dup(out.data, out.len);

		assert_int_equal(hl_card_parse(out.data, out.len, &card), 0);
		assert_card_equal(&card, &A.card);
		p[out.len / 2] ^= 1;
		assert_true(hl_card_parse(p, out.len, &card) < 0);
		assert_true(hl_card_parse(out.data, out.len - 1, &card) < 0);
		free(p);
	}
	hl_buf_free(&out);
}

static void test_truncated(void **state)
{
	struct hl_buf out;
	struct hl_card card;

	(void)state;
	tl_card_encode(&A, &out);
	for (size_t k = 0; k < out.len; k++)
		if (parse_copy(out.data, k, &card) >= 0)
			fail_msg("prefix of %zu bytes parses", k);
	assert_int_equal(parse_copy(out.data, out.len - 1, &card), -HL_ETRUNCATED);
	hl_buf_free(&out);
}

static void test_field_order(void **state)
{
	(void)state;
	assert_int_equal(reorder("0123456"), 0);
	assert_int_equal(reorder("0124356"), -HL_EFIELD);	/* tls before box */
	assert_int_equal(reorder("0213456"), -HL_EFIELD);
	assert_int_equal(reorder("0123465"), -HL_EFIELD);
	assert_int_equal(reorder("1023456"), -HL_ETYPE);
	assert_int_equal(reorder("6012345"), -HL_ETYPE);
}

static void test_duplicate_field(void **state)
{
	(void)state;
	assert_int_equal(reorder("00123456"), -HL_EFIELD);
	assert_int_equal(reorder("01123456"), -HL_EFIELD);
	assert_int_equal(reorder("01233456"), -HL_EFIELD);
	assert_int_equal(reorder("01234556"), -HL_EFIELD);
	assert_int_equal(reorder("01234566"), -HL_EFIELD);
}

static void test_missing_field(void **state)
{
	(void)state;
	assert_int_equal(reorder("023456"), -HL_EFIELD);
	assert_int_equal(reorder("013456"), -HL_EFIELD);
	assert_int_equal(reorder("012456"), -HL_EFIELD);
	assert_int_equal(reorder("012356"), -HL_EFIELD);
	assert_int_equal(reorder("012346"), -HL_EFIELD);
	assert_int_equal(reorder("012345"), -HL_ETRUNCATED);
	assert_int_equal(reorder("0"), -HL_ETRUNCATED);
	assert_int_equal(reorder("123456"), -HL_ETYPE);
}

static void test_unknown_field(void **state)
{
	(void)state;
	assert_int_equal(reorder("0123456x"), -HL_EFIELD);
	assert_int_equal(reorder("0123x456"), -HL_EFIELD);
	assert_int_equal(reorder("0x123456"), -HL_EFIELD);
	assert_int_equal(reorder("x0123456"), -HL_ETYPE);
}

static void test_wrong_type(void **state)
{
	struct hl_card card;

	(void)state;
	assert_int_equal(variant(HL_CARD_TYPE, "hotline.card/v2", &card), -HL_ETYPE);
	assert_int_equal(variant(HL_CARD_TYPE, "hotline.envelope/v1", &card),
			 -HL_ETYPE);
	assert_int_equal(variant(HL_CARD_TYPE, "Hotline.card/v1", &card), -HL_ETYPE);
	assert_int_equal(variant(HL_CARD_TYPE, "hotline.card/v1 ", &card), -HL_ETYPE);
	assert_int_equal(variant(HL_CARD_TYPE, " hotline.card/v1", &card), -HL_ETYPE);
	assert_int_equal(variant(HL_CARD_TYPE, "hotline.card/v1x", &card), -HL_ETYPE);
}

/* An endpoint URL of n bytes: "https://" then 'e's. */
static int endpoint_of_len(size_t n, struct hl_card *card)
{
	char url[HL_ENDPOINT_MAX + 8];
	int r;

	assert_true(n < sizeof(url) && n > 8);
	memset(url, 'e', n);
	memcpy(url, "https://", 8);
	url[n] = 0;
	r = variant("https://hotline.ru-cert.example:7443", url, card);
	if (r == 0)
		assert_string_equal(card->endpoint, url);
	return r;
}

static void test_bad_endpoint(void **state)
{
	static const char *const bad[] = {
		"http://hotline.ru-cert.example:7443",
		"HTTPS://hotline.ru-cert.example:7443",
		"https://hotline ru-cert.example",
		"https://hotline.ru-cert.example:7443 ",
		"https://",
		"https:/x",
		"ftp://x",
		"https://ключ.рф",
		"https://hotline.ru-cert.example:0",
		"https://hotline.ru-cert.example:65536",
		"https://hotline.ru-cert.example:07443",
		"https://hotline.ru-cert.example:",
		"https://user@hotline.ru-cert.example",
		"https://hotline.ru-cert.example?x=1",
		"https://hotline.ru-cert.example/a b",
		"https://[]",
		"https://[2001:db8::1",
		"https://[2001:db8::g]",
		"NONE",
		"none ",
		" none",
		"-",
	};
	struct hl_card card;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = variant("https://hotline.ru-cert.example:7443", bad[i], &card);

		if (r != -HL_ESYNTAX)
			fail_msg("endpoint \"%s\": got %d, want %d", bad[i], r,
				 -HL_ESYNTAX);
	}
	assert_int_equal(variant("https://hotline.ru-cert.example:7443",
				 "https://hotline.ru-cert.example:65535/hotline/v1", &card), 0);
	assert_int_equal(variant("https://hotline.ru-cert.example:7443",
				 "https://192.0.2.1", &card), 0);
	assert_int_equal(variant(" https://hotline.ru-cert.example:7443", " ",
				 &card), -HL_EFIELD);
	assert_int_equal(endpoint_of_len(HL_ENDPOINT_MAX, &card), 0);
	assert_int_equal(endpoint_of_len(HL_ENDPOINT_MAX + 1, &card), -HL_ESYNTAX);
	assert_int_equal(variant("https://hotline.ru-cert.example:7443",
				 "https://[2001:db8::1]:7443/hotline", &card), 0);
}

static void test_bad_values(void **state)
{
	char longname[HL_NAME_MAX + 2];
	char field[HL_NAME_MAX + 8];
	struct hl_card card;

	(void)state;
	assert_int_equal(variant("name ru-cert", "name Ru-cert", &card), -HL_ENAME);
	assert_int_equal(variant("name ru-cert", "name ru cert", &card), -HL_ENAME);
	assert_int_equal(variant("name ru-cert", "name  ru-cert", &card), -HL_ENAME);
	assert_int_equal(variant("name ru-cert", "name -ru", &card), -HL_ENAME);
	assert_int_equal(variant("name ru-cert", "name ru-", &card), -HL_ENAME);
	assert_int_equal(variant("name ru-cert", "name ", &card), -HL_EFIELD);
	assert_int_equal(variant("name ru-cert", "Name ru-cert", &card), -HL_EFIELD);
	memset(longname, 'a', sizeof(longname));
	longname[HL_NAME_MAX + 1] = 0;
	assert_true(snprintf(field, sizeof(field), "name %s", longname) > 0);
	assert_int_equal(variant("name ru-cert", field, &card), -HL_ENAME);
	assert_int_equal(variant("\nsign ", "\nsign !", &card), -HL_EBASE64);
	assert_int_equal(variant("\nsign ", "\nsign A", &card), -HL_EBASE64);
	assert_int_equal(variant("=\nbox ", "\nbox ", &card), -HL_EBASE64);
	assert_int_equal(variant("=\ntls ", "==\ntls ", &card), -HL_EBASE64);
	assert_int_equal(variant("=\nendpoint", "\nendpoint", &card), -HL_EBASE64);
	assert_int_equal(variant("created " TL_CREATED_STR, "created 2026-02-29T09:54:00Z",
				 &card), -HL_ETIME);
	assert_int_equal(variant(TL_CREATED_STR, TL_CREATED_STR " ", &card),
			 -HL_ETIME);
	assert_int_equal(variant(TL_CREATED_STR, "1795341240", &card), -HL_ETIME);
	assert_int_equal(variant("ru-cert.example", "ru-cert.ex\xc2\x80mple", &card),
			 -HL_ESYNTAX);
}

/* A well-formed card whose signature is not by its own sign key. */
static void test_wrong_signer(void **state)
{
	struct hl_buf out;
	struct hl_card card;
	size_t n;
	char *t = card_text(&n);

	(void)state;
	hl_buf_init(&out, HL_CARD_MAX);
	assert_int_equal(hl_note_sign_text(&out, (unsigned char *)t, n, "ru-cert",
					   B.sign_sk), 0);
	assert_int_equal(parse_copy(out.data, out.len, &card), -HL_ENOSIG);
	hl_buf_free(&out);
	hl_buf_init(&out, HL_CARD_MAX);
	assert_int_equal(hl_note_sign_text(&out, (unsigned char *)t, n, "us-cert",
					   A.sign_sk), 0);
	assert_int_equal(parse_copy(out.data, out.len, &card), -HL_ENOSIG);
	hl_buf_free(&out);
	free(t);
}

static void test_trailing_garbage(void **state)
{
	struct hl_buf out, other;
	struct hl_card card;

	(void)state;
	tl_card_encode(&A, &out);
	assert_int_equal(hl_buf_puts(&out, "x"), 0);
	assert_int_equal(parse_copy(out.data, out.len, &card), -HL_ETRUNCATED);
	out.len--;
	assert_int_equal(hl_buf_puts(&out, "garbage\n"), 0);
	assert_int_equal(parse_copy(out.data, out.len, &card), -HL_ESYNTAX);
	hl_buf_free(&out);
	tl_card_encode(&A, &out);
	assert_int_equal(hl_buf_puts(&out, "\n"), 0);
	assert_int_equal(parse_copy(out.data, out.len, &card), -HL_ENOSIG);
	hl_buf_free(&out);
	tl_card_encode(&A, &out);
	assert_int_equal(hl_buf_append(&out, "\0", 1), 0);
	assert_int_equal(parse_copy(out.data, out.len, &card), -HL_ECONTROL);
	hl_buf_free(&out);
	/* Two cards back to back are not one card. */
	tl_card_encode(&A, &out);
	tl_card_encode(&B, &other);
	assert_int_equal(hl_buf_append(&out, other.data, other.len), 0);
	assert_int_equal(parse_copy(out.data, out.len, &card), -HL_EFIELD);
	hl_buf_free(&other);
	hl_buf_free(&out);
}

static void test_oversize_and_junk(void **state)
{
	static unsigned char big[HL_CARD_MAX + 1];
	struct hl_buf out;
	struct hl_card card;

	(void)state;
	tl_card_encode(&A, &out);
	memset(big, '\n', sizeof(big));
	memcpy(big, out.data, out.len);
	assert_int_equal(parse_copy(big, sizeof(big), &card), -HL_ETOOBIG);
	hl_buf_free(&out);
	assert_int_equal(parse_copy("", 0, &card), -HL_ETRUNCATED);
	assert_int_equal(parse_copy("\xff\n\n", 3, &card), -HL_EUTF8);
	tl_sign_text(&A, "hello\n", 6, &out);
	assert_int_equal(parse_copy(out.data, out.len, &card), -HL_ETYPE);
	hl_buf_free(&out);
}

/* A failed parse leaves no half-filled card behind. */
static void test_failure_clears(void **state)
{
	struct hl_card card, zero;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(variant(TL_CREATED_STR, "2026-02-30T00:00:00Z", &card),
			 -HL_ETIME);
	assert_memory_equal(&card, &zero, sizeof(card));
}

static void test_encode_rejects(void **state)
{
	struct tl_party p;
	struct hl_buf out;

	(void)state;
	hl_buf_init(&out, HL_CARD_MAX);
	p = A;
	p.card.name[0] = 'R';
	assert_int_equal(hl_card_encode(&p.card, p.sign_sk, &out), -HL_ENAME);
	p = A;
	p.card.name[0] = 0;
	assert_int_equal(hl_card_encode(&p.card, p.sign_sk, &out), -HL_ENAME);
	p = A;
	memcpy(p.card.endpoint, "http://x", 9);
	assert_int_equal(hl_card_encode(&p.card, p.sign_sk, &out), -HL_ECONFIG);
	p = A;
	p.card.created = -1;
	assert_int_equal(hl_card_encode(&p.card, p.sign_sk, &out), -HL_ETIME);
	p.card.created = HL_TIME_MAX + 1;
	assert_int_equal(hl_card_encode(&p.card, p.sign_sk, &out), -HL_ETIME);
	p = A;
	assert_int_equal(hl_card_encode(&p.card, B.sign_sk, &out), -HL_EKEYFILE);
	assert_int_equal(out.len, 0);
	hl_buf_free(&out);
	hl_buf_init(&out, 64);
	assert_int_equal(hl_card_encode(&A.card, A.sign_sk, &out), -HL_ETOOBIG);
	hl_buf_free(&out);
}

static void test_endpoint_check(void **state)
{
	char url[HL_ENDPOINT_MAX + 2];

	(void)state;
	assert_int_equal(hl_endpoint_check(""), 0);
	assert_int_equal(hl_endpoint_check("https://a"), 0);
	assert_int_equal(hl_endpoint_check("https://127.0.0.1:7441"), 0);
	assert_int_equal(hl_endpoint_check("https://"), -HL_ECONFIG);
	assert_int_equal(hl_endpoint_check("http://a.example"), -HL_ECONFIG);
	assert_int_equal(hl_endpoint_check("https://a .example"), -HL_ECONFIG);
	assert_int_equal(hl_endpoint_check("https://a\t"), -HL_ECONFIG);
	assert_int_equal(hl_endpoint_check("https://a\x7f"), -HL_ECONFIG);
	assert_int_equal(hl_endpoint_check("https://\xd0\xba"), -HL_ECONFIG);
	assert_int_equal(hl_endpoint_check("none"), -HL_ECONFIG);
	assert_int_equal(hl_endpoint_check("https://[::1]:7441"), 0);
	assert_int_equal(hl_endpoint_check("https://a:65535/p"), 0);
	assert_int_equal(hl_endpoint_check("https://a:65536"), -HL_ECONFIG);
	assert_int_equal(hl_endpoint_check("https://a:0"), -HL_ECONFIG);
	assert_int_equal(hl_endpoint_check("https://a:x"), -HL_ECONFIG);
	assert_int_equal(hl_endpoint_check("https://:7441"), -HL_ECONFIG);
	assert_int_equal(hl_endpoint_check("https://a#f"), -HL_ECONFIG);
	memset(url, 'e', sizeof(url));
	memcpy(url, "https://", 8);
	url[HL_ENDPOINT_MAX] = 0;
	assert_int_equal(hl_endpoint_check(url), 0);
	url[HL_ENDPOINT_MAX] = 'e';
	url[HL_ENDPOINT_MAX + 1] = 0;
	assert_int_equal(hl_endpoint_check(url), -HL_ECONFIG);
}

/* A's next card: new sign, box and TLS keys (seed 3), a later time. */
static void next_party(struct tl_party *n)
{
	tl_party_init(n, "ru-cert", 3);
	n->card.created = TL_CREATED + 86400;
}

/* A's next card, self-signed and endorsed by A's key, in out. */
static void rotated_card(struct hl_buf *out)
{
	struct tl_party n;
	struct hl_buf self;

	next_party(&n);
	tl_card_encode(&n, &self);
	hl_buf_init(out, HL_CARD_MAX);
	assert_int_equal(hl_card_endorse(self.data, self.len, A.sign_sk, out), 0);
	assert_int_equal(out->len, self.len + 4 + strlen("ru-cert") + 1 + 92 + 1);
	assert_memory_equal(out->data, self.data, self.len);
	hl_buf_free(&self);
}

/* A rotated card carries the old key's line after its own: it parses as
 * the new card, and the old key's line verifies over the same text. */
static void test_rotated(void **state)
{
	struct tl_party n;
	struct hl_buf out, self;
	struct hl_card card;

	(void)state;
	next_party(&n);
	rotated_card(&out);
	assert_int_equal(parse_copy(out.data, out.len, &card), 0);
	assert_card_equal(&card, &n.card);
	assert_int_equal(hl_card_endorsed(out.data, out.len, "ru-cert", A.card.sign_pk), 0);
	/* Its own key vouches for it too (a rotation that keeps the key). */
	assert_int_equal(hl_card_endorsed(out.data, out.len, "ru-cert", n.card.sign_pk), 0);
	assert_int_equal(hl_card_endorsed(out.data, out.len, "ru-cert", B.card.sign_pk),
			 -HL_ENOSIG);
	assert_int_equal(hl_card_endorsed(out.data, out.len, "us-cert", A.card.sign_pk),
			 -HL_ENAME);
	/* Without the line, nothing but its own key vouches for it. */
	tl_card_encode(&n, &self);
	assert_int_equal(hl_card_endorsed(self.data, self.len, "ru-cert", A.card.sign_pk),
			 -HL_ENOSIG);
	assert_int_equal(hl_card_endorsed(self.data, self.len, "ru-cert", n.card.sign_pk), 0);
	/* A wrong endorsement keeps its form, so the card parses, but it
	 * does not verify. */
	out.data[out.len - 20] = out.data[out.len - 20] == 'A' ? 'B' : 'A';
	assert_int_equal(parse_copy(out.data, out.len, &card), 0);
	assert_int_equal(hl_card_endorsed(out.data, out.len, "ru-cert", A.card.sign_pk),
			 -HL_EBADSIG);
	hl_buf_free(&self);
	hl_buf_free(&out);
}

/* One more line, and only there: not first, not a third, not under
 * another name, not of another size; and endorsing twice or by the
 * card's own key is refused. */
static void test_rotated_rejects(void **state)
{
	struct tl_party n;
	struct hl_buf out, self, swapped;
	struct hl_card card;
	struct hl_note note;
	size_t own;

	(void)state;
	next_party(&n);
	rotated_card(&out);
	assert_int_equal(hl_note_parse(out.data, out.len, &note), 0);
	own = (size_t)(note.sigs[1].name - 4 - (const char *)out.data);
	hl_buf_init(&swapped, HL_CARD_MAX);
	assert_int_equal(hl_buf_append(&swapped, out.data, note.text_len + 1), 0);
	assert_int_equal(hl_buf_append(&swapped, out.data + own, out.len - own), 0);
	assert_int_equal(hl_buf_append(&swapped, out.data + note.text_len + 1,
				       own - note.text_len - 1), 0);
	assert_int_equal(swapped.len, out.len);
	assert_int_equal(parse_copy(swapped.data, swapped.len, &card), -HL_EFIELD);
	hl_buf_free(&swapped);

	assert_int_equal(hl_card_endorse(out.data, out.len, B.sign_sk, &out), -HL_EDUPLICATE);
	assert_int_equal(out.len, note.text_len + 1 + 2 * (4 + 7 + 1 + 92 + 1));
	assert_int_equal(hl_note_sign(&out, note.text, note.text_len, "ru-cert", B.sign_sk), 0);
	assert_int_equal(parse_copy(out.data, out.len, &card), -HL_EDUPLICATE);
	hl_buf_free(&out);

	tl_card_encode(&n, &self);
	assert_int_equal(hl_note_parse(self.data, self.len, &note), 0);
	hl_buf_init(&out, HL_CARD_MAX);
	assert_int_equal(hl_card_endorse(self.data, self.len, n.sign_sk, &out), -HL_EKEYFILE);
	assert_int_equal(out.len, 0);
	hl_buf_free(&out);
	/* No room for the line: out is left as it was. */
	hl_buf_init(&out, self.len + 50);
	assert_int_equal(hl_buf_puts(&out, "x"), 0);
	assert_int_equal(hl_card_endorse(self.data, self.len, A.sign_sk, &out), -HL_ETOOBIG);
	assert_int_equal(out.len, 1);
	assert_string_equal((char *)out.data, "x");
	hl_buf_free(&out);
	hl_buf_init(&out, HL_CARD_MAX);
	assert_int_equal(hl_buf_append(&out, self.data, self.len), 0);
	assert_int_equal(hl_note_sign(&out, note.text, note.text_len, "us-cert", B.sign_sk), 0);
	assert_int_equal(parse_copy(out.data, out.len, &card), -HL_ENOSIG);
	out.len = self.len;
	assert_int_equal(hl_buf_puts(&out, EM_DASH " ru-cert AAAAAAA=\n"), 0);
	assert_int_equal(parse_copy(out.data, out.len, &card), -HL_EBASE64);
	hl_buf_free(&out);
	hl_buf_free(&self);
}

/* The text hash covers the seven lines only: a card and its endorsed
 * form have the same one. */
static void test_text_hash(void **state)
{
	unsigned char h[32], want[32], first[32];
	struct tl_party n;
	struct hl_buf out, self;
	size_t tn;
	char *t = card_text(&tn);

	(void)state;
	crypto_hash_sha256(want, (unsigned char *)t, tn);
	tl_card_encode(&A, &self);
	assert_int_equal(hl_card_text_hash(self.data, self.len, h), 0);
	assert_memory_equal(h, want, sizeof(h));
	memcpy(first, h, sizeof(first));
	hl_buf_free(&self);
	next_party(&n);
	tl_card_encode(&n, &self);
	rotated_card(&out);
	assert_int_equal(hl_card_text_hash(self.data, self.len, want), 0);
	assert_int_equal(hl_card_text_hash(out.data, out.len, h), 0);
	assert_memory_equal(h, want, sizeof(h));
	assert_memory_not_equal(h, first, sizeof(h));
	self.data[self.len - 20] = self.data[self.len - 20] == 'A' ? 'B' : 'A';
	assert_int_equal(hl_card_text_hash(self.data, self.len, h), -HL_EBADSIG);
	hl_buf_free(&out);
	hl_buf_free(&self);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_endpoint_none),
		cmocka_unit_test(test_created_range),
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_every_bit_flip),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_field_order),
		cmocka_unit_test(test_duplicate_field),
		cmocka_unit_test(test_missing_field),
		cmocka_unit_test(test_unknown_field),
		cmocka_unit_test(test_wrong_type),
		cmocka_unit_test(test_bad_endpoint),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_wrong_signer),
		cmocka_unit_test(test_trailing_garbage),
		cmocka_unit_test(test_oversize_and_junk),
		cmocka_unit_test(test_failure_clears),
		cmocka_unit_test(test_encode_rejects),
		cmocka_unit_test(test_endpoint_check),
		cmocka_unit_test(test_rotated),
		cmocka_unit_test(test_rotated_rejects),
		cmocka_unit_test(test_text_hash),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("card", tests, setup, NULL);
}
