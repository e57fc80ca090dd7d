/* test_cardcache.c - a link's card is verified once per card text.
 *
 * The store's link reads parse each peer's card through a cache keyed
 * by the SHA-256 of the card's bytes: the same bytes again are a hit,
 * other bytes are verified again, and a card that does not verify is
 * never kept, even when a good card of the same text was.  The last
 * test reads 200 links through hl_store_link_each and prints how long
 * a pass takes cold and warm.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <cmocka.h>
#include <sodium.h>

#include "cardcache.h"
#include "error.h"
#include "note.h"
#include "party.h"
#include "store.h"
#include "testlib.h"
#include "storelib.h"

#define LINKS 200

static struct tl_party A, B;

static int setup(void **state)
{
	(void)state;
	tl_party_init(&A, "ru-cert", 1);
	tl_party_init(&B, "us-cert", 2);
	return 0;
}

static void assert_same_card(const struct hl_card *a, const struct hl_card *b)
{
	assert_string_equal(a->name, b->name);
	assert_memory_equal(a->sign_pk, b->sign_pk, sizeof(a->sign_pk));
	assert_memory_equal(a->box_pk, b->box_pk, sizeof(a->box_pk));
	assert_memory_equal(a->tls_pin, b->tls_pin, sizeof(a->tls_pin));
	assert_string_equal(a->endpoint, b->endpoint);
	assert_int_equal(a->created, b->created);
}

static void assert_counts(const struct hl_cardcache *cc, uint64_t hits, uint64_t verified)
{
	uint64_t h, v;

	hl_cardcache_counts(cc, &h, &v);
	assert_int_equal(h, hits);
	assert_int_equal(v, verified);
}

/* Changes one base64 character of the signature line at the end of a
 * card of n bytes into another. */
static void forge_signature(unsigned char *card, size_t n)
{
	card[n - 20] = card[n - 20] == 'A' ? 'B' : 'A';
}

/* Parses a heap copy of exactly n bytes through the cache. */
static int parse_copy(struct hl_cardcache **cc, const void *s, size_t n, struct hl_card *card)
{
	unsigned char *p = tl_dup(s, n);
	int r = hl_cardcache_parse(cc, p, n, card);

	free(p);
	return r;
}

static void test_same_bytes_hit(void **state)
{
	struct hl_cardcache *cc = NULL;
	struct hl_card card;
	struct hl_buf out;

	(void)state;
	tl_card_encode(&A, &out);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(parse_copy(&cc, out.data, out.len, &card), 0);
		assert_same_card(&card, &A.card);
	}
	assert_counts(cc, 2, 1);
	hl_cardcache_free(cc);
	hl_buf_free(&out);
}

/* A rotation (new keys) and a rekey (a new TLS pin) of the same name
 * are other bytes: verified, and each then read as its own. */
static void test_changed_text_verified(void **state)
{
	struct hl_cardcache *cc = NULL;
	struct tl_party rotated = A, rekeyed = A;
	struct hl_buf a, r, k;
	struct hl_card card;

	(void)state;
	tl_sign_keys(9, rotated.card.sign_pk, rotated.sign_sk);
	memset(rekeyed.card.tls_pin, 0x77, sizeof(rekeyed.card.tls_pin));
	tl_card_encode(&A, &a);
	tl_card_encode(&rotated, &r);
	tl_card_encode(&rekeyed, &k);
	assert_int_equal(parse_copy(&cc, a.data, a.len, &card), 0);
	assert_int_equal(parse_copy(&cc, r.data, r.len, &card), 0);
	assert_same_card(&card, &rotated.card);
	assert_int_equal(parse_copy(&cc, k.data, k.len, &card), 0);
	assert_same_card(&card, &rekeyed.card);
	assert_counts(cc, 0, 3);
	assert_int_equal(parse_copy(&cc, a.data, a.len, &card), 0);
	assert_same_card(&card, &A.card);
	assert_int_equal(parse_copy(&cc, k.data, k.len, &card), 0);
	assert_same_card(&card, &rekeyed.card);
	assert_counts(cc, 2, 3);
	hl_cardcache_free(cc);
	hl_buf_free(&a);
	hl_buf_free(&r);
	hl_buf_free(&k);
}

/* The text of A's good card, already cached, under a signature of
 * B's key, or with one bit of its signature flipped: refused each
 * time, with hl_card_parse's error, and never kept. */
static void test_forged_refused(void **state)
{
	struct hl_cardcache *cc = NULL;
	struct hl_buf good, forged;
	struct hl_card card;
	struct hl_note note;
	unsigned char *flipped;
	int want;

	(void)state;
	tl_card_encode(&A, &good);
	assert_int_equal(parse_copy(&cc, good.data, good.len, &card), 0);
	assert_int_equal(hl_note_parse(good.data, good.len, &note), 0);
	hl_buf_init(&forged, HL_CARD_MAX);
	assert_int_equal(hl_note_sign_text(&forged, note.text, note.text_len, "ru-cert",
					   B.sign_sk), 0);
	flipped = tl_dup(good.data, good.len);
	forge_signature(flipped, good.len);
	for (int i = 0; i < 2; i++) {
		want = hl_card_parse(forged.data, forged.len, &card);
		assert_true(want < 0);
		assert_int_equal(parse_copy(&cc, forged.data, forged.len, &card), want);
		want = hl_card_parse(flipped, good.len, &card);
		assert_true(want < 0);
		assert_int_equal(parse_copy(&cc, flipped, good.len, &card), want);
	}
	assert_counts(cc, 0, 5);
	assert_int_equal(parse_copy(&cc, good.data, good.len, &card), 0);
	assert_same_card(&card, &A.card);
	assert_counts(cc, 1, 5);
	free(flipped);
	hl_cardcache_free(cc);
	hl_buf_free(&good);
	hl_buf_free(&forged);
}

/* Past HL_CARDCACHE_MAX cards the cache forgets them all and starts
 * again: the card that came past the bound is kept, the first ones are
 * verified again, and every card still reads as itself. */
static void parse_created(struct hl_cardcache **cc, int i)
{
	struct tl_party p = A;
	struct hl_buf out;
	struct hl_card card;

	p.card.created = TL_CREATED + i;
	tl_card_encode(&p, &out);
	assert_int_equal(hl_cardcache_parse(cc, out.data, out.len, &card), 0);
	assert_int_equal(card.created, TL_CREATED + i);
	hl_buf_free(&out);
}

static void test_bounded(void **state)
{
	struct hl_cardcache *cc = NULL;

	(void)state;
	for (int i = 0; i < HL_CARDCACHE_MAX; i++)
		parse_created(&cc, i);
	parse_created(&cc, HL_CARDCACHE_MAX - 1);
	assert_counts(cc, 1, HL_CARDCACHE_MAX);
	parse_created(&cc, HL_CARDCACHE_MAX);
	parse_created(&cc, HL_CARDCACHE_MAX);
	parse_created(&cc, 0);
	parse_created(&cc, HL_CARDCACHE_MAX - 1);
	assert_counts(cc, 2, HL_CARDCACHE_MAX + 3);
	hl_cardcache_free(cc);
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct pass {
	size_t n;
	const struct hl_card *want;
};

static int check_link(void *ctx, const struct hl_link *l)
{
	struct pass *p = ctx;

	assert_same_card(&l->card, &p->want[p->n]);
	p->n++;
	return 0;
}

/* One pass of hl_store_link_each over every link; its time in µs. */
static int64_t link_pass(struct hl_store *st, const struct hl_card *want)
{
	struct pass p = {0, want};
	int64_t t0 = now_ns();

	assert_int_equal(hl_store_link_each(st, check_link, &p), 0);
	assert_int_equal(p.n, LINKS);
	return (now_ns() - t0) / 1000;
}

/* Puts card into the file as name's, behind the store's back. */
static void set_card(const char *path, const char *name, const struct hl_buf *card, char *sql,
		     size_t max)
{
	size_t k = (size_t)snprintf(sql, max, "UPDATE link SET card = x'");

	for (size_t i = 0; i < card->len; i++)
		k += (size_t)snprintf(sql + k, max - k, "%02x", card->data[i]);
	snprintf(sql + k, max - k, "' WHERE name = '%s'", name);
	ts_sql(path, sql);
}

/* 200 links, read and read again: the passes after the first verify
 * nothing.  Then one link's card is replaced in the file behind the
 * store's back: by a rotated card, read as the new one, and by a forged
 * one, refused. */
static void test_store_links(void **state)
{
	static struct hl_card want[LINKS];
	char dir[TS_PATH_MAX], path[TS_PATH_MAX], sql[HL_CARD_MAX * 2 + 128];
	struct hl_store *st;
	struct hl_link l;
	struct hl_buf out;
	int64_t cold, warm = 0;

	(void)state;
	ts_dir_new(dir);
	ts_path(dir, "hotline.db", path);
	st = ts_open(path);
	for (int i = 0; i < LINKS; i++) {
		struct tl_party p;
		unsigned char id[32];
		char name[HL_NAME_MAX + 1];

		snprintf(name, sizeof(name), "p%03d-cert", i);
		tl_party_init(&p, name, (unsigned char)(i + 10));
		tl_card_encode(&p, &out);
		want[i] = p.card;
		randombytes_buf(id, sizeof(id));
		assert_int_equal(hl_store_link_add(st, name, id, out.data, out.len,
						   p.card.endpoint, TL_CREATED), 0);
		hl_buf_free(&out);
	}
	hl_store_close(st);
	st = ts_open(path);
	cold = link_pass(st, want);
	for (int i = 0; i < 5; i++)
		warm += link_pass(st, want);
	print_message("# hl_store_link_each over %d links: %lld us the first pass, "
		      "%lld us a pass after\n", LINKS, (long long)cold, (long long)warm / 5);

	tl_party_init(&A, "p007-cert", 99);
	tl_card_encode(&A, &out);
	set_card(path, "p007-cert", &out, sql, sizeof(sql));
	assert_int_equal(hl_store_link_get(st, "p007-cert", &l), 0);
	assert_same_card(&l.card, &A.card);
	hl_link_free(&l);
	forge_signature(out.data, out.len);
	set_card(path, "p007-cert", &out, sql, sizeof(sql));
	assert_true(hl_store_link_get(st, "p007-cert", &l) < 0);
	hl_link_free(&l);
	hl_buf_free(&out);
	tl_party_init(&A, "ru-cert", 1);
	hl_store_close(st);
	ts_dir_remove(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_bytes_hit),
		cmocka_unit_test(test_changed_text_verified),
		cmocka_unit_test(test_forged_refused),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_store_links),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("cardcache", tests, setup, NULL);
}
