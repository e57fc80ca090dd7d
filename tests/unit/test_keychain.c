/* test_keychain.c - eras of a party on a link: lookups, revocation, the
 * witness's rules for a key change (with the exact refusals of design
 * section 8) and the forward trust walk.
 *
 * ru-cert starts with the key of seed 1 (era 0); its next keys come from
 * seeds 3, 4 and 5.  Every card is made here with hl_card_encode (and
 * hl_card_endorse for a rotation), so all bytes are deterministic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>

#include "card.h"
#include "error.h"
#include "keychain.h"
#include "testlib.h"

#define DAY 86400
#define T0 TL_CREATED
#define SKEW 300

/* A card of ru-cert in bytes, kept for the chain that points to it. */
struct made {
	struct tl_party p;
	struct hl_buf raw;
};

static struct made era0, k3, k4, k5, eg;

/* ru-cert's card from seed, created at t, endorsed by old (or not). */
static void make(struct made *m, const char *name, unsigned char seed, int64_t t,
		 const struct tl_party *old)
{
	struct hl_buf self;

	tl_party_init(&m->p, name, seed);
	m->p.card.created = t;
	tl_card_encode(&m->p, &self);
	if (!old) {
		m->raw = self;
		return;
	}
	hl_buf_init(&m->raw, HL_CARD_MAX);
	assert_int_equal(hl_card_endorse(self.data, self.len, old->sign_sk, &m->raw), 0);
	hl_buf_free(&self);
}

static void unmake(struct made *m)
{
	hl_buf_free(&m->raw);
}

static int setup(void **state)
{
	(void)state;
	make(&era0, "ru-cert", 1, T0, NULL);
	make(&k3, "ru-cert", 3, T0 + DAY, &era0.p);
	make(&k4, "ru-cert", 4, T0 + 3 * DAY, NULL);
	make(&eg, "eg-cert", 7, T0, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unmake(&era0);
	unmake(&k3);
	unmake(&k4);
	unmake(&eg);
	return 0;
}

static void start(struct hl_keychain *kc)
{
	hl_keychain_init(kc, &era0.p.card, era0.raw.data, era0.raw.len);
}

/* A change at seq 17, a day after era 0's card, with card bytes raw. */
static struct hl_key_change change(const struct hl_buf *raw, unsigned revoke)
{
	struct hl_key_change c = {
		.seq = 17, .time = T0 + DAY + 60, .skew = SKEW,
		.card = raw->data, .card_len = raw->len, .revoke = revoke,
	};

	return c;
}

/* Checks a change and wants the refusal err with exactly the sentence. */
static void refused(const struct hl_keychain *kc, const struct hl_key_change *c,
		    int err, const char *want)
{
	struct hl_card card;
	char why[512] = "";

	assert_int_equal(hl_keychain_check_change(kc, c, &card, why, sizeof(why)), err);
	assert_string_equal(why, want);
	if (err)
		assert_string_equal(card.name, "");
}

static void test_lookups(void **state)
{
	static struct hl_keychain kc;
	size_t i;

	(void)state;
	start(&kc);
	assert_int_equal(kc.n, 1);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, k3.raw.data, k3.raw.len, 5,
					 T0 + DAY, HL_ERA_ROTATED), 0);
	assert_int_equal(hl_keychain_add(&kc, &k4.p.card, k4.raw.data, k4.raw.len, 9,
					 T0 + 3 * DAY, HL_ERA_REKEYED), 0);
	assert_int_equal(kc.era[1].from_seq, 6);
	assert_int_equal(kc.era[2].from_seq, 9);
	assert_int_equal(hl_keychain_for_seq(&kc, 0, &i), -HL_ENUMBER);
	for (uint64_t s = 1; s <= 12; s++) {
		assert_int_equal(hl_keychain_for_seq(&kc, s, &i), 0);
		assert_int_equal(i, s <= 5 ? 0 : s <= 8 ? 1 : 2);
		/* The card envelope (5) and the checkpoint of size 5 are the
		 * old key's; the rekey envelope (9) is the new key's. */
		assert_int_equal(hl_keychain_for_size(&kc, s), i);
	}
	assert_int_equal(hl_keychain_for_size(&kc, 0), 0);
	assert_int_equal(hl_keychain_for_time(&kc, INT64_MIN), 0);
	assert_int_equal(hl_keychain_for_time(&kc, T0 - 10 * DAY), 0);
	assert_int_equal(hl_keychain_for_time(&kc, T0 + DAY - 1), 0);
	assert_int_equal(hl_keychain_for_time(&kc, T0 + DAY), 1);
	assert_int_equal(hl_keychain_for_time(&kc, T0 + 3 * DAY - 1), 1);
	assert_int_equal(hl_keychain_for_time(&kc, T0 + 3 * DAY), 2);
	assert_int_equal(hl_keychain_for_time(&kc, INT64_MAX), 2);
}

/* A rotated card then a rekey at the very next seq: the rotated era
 * holds nothing, and the lookups skip it. */
static void test_empty_era(void **state)
{
	static struct hl_keychain kc;
	size_t i;

	(void)state;
	start(&kc);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, NULL, 0, 1, T0 + DAY,
					 HL_ERA_ROTATED), 0);
	assert_int_equal(hl_keychain_add(&kc, &k4.p.card, NULL, 0, 2, T0 + DAY,
					 HL_ERA_REKEYED), 0);
	assert_int_equal(hl_keychain_for_seq(&kc, 1, &i), 0);
	assert_int_equal(i, 0);
	assert_int_equal(hl_keychain_for_seq(&kc, 2, &i), 0);
	assert_int_equal(i, 2);
	assert_int_equal(hl_keychain_for_time(&kc, T0 + DAY), 2);
}

static void test_add_rejects(void **state)
{
	static struct hl_keychain kc;

	(void)state;
	start(&kc);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, NULL, 0, 0, T0,
					 HL_ERA_ROTATED), -HL_ENUMBER);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, NULL, 0, 1, T0,
					 HL_ERA_FOUNDING), -HL_ENUMBER);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, NULL, 0, UINT64_MAX, T0,
					 HL_ERA_ROTATED), -HL_ENUMBER);
	assert_int_equal(hl_keychain_add(&kc, &eg.p.card, NULL, 0, 3, T0,
					 HL_ERA_ROTATED), -HL_ENAME);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, NULL, 0, 3, INT64_MAX,
					 HL_ERA_ROTATED), -HL_ETIME);
	assert_int_equal(kc.n, 1);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, NULL, 0, 3, T0 + DAY,
					 HL_ERA_ROTATED), 0);
	/* The seqs and times only go forward. */
	assert_int_equal(hl_keychain_add(&kc, &k4.p.card, NULL, 0, 3, T0 + 2 * DAY,
					 HL_ERA_ROTATED), -HL_ENUMBER);
	assert_int_equal(hl_keychain_add(&kc, &k4.p.card, NULL, 0, 4, T0 + DAY - 1,
					 HL_ERA_ROTATED), -HL_ETIME);
	assert_int_equal(kc.n, 2);
	for (uint64_t s = 4; kc.n < HL_ERAS_MAX; s++)
		assert_int_equal(hl_keychain_add(&kc, &k4.p.card, NULL, 0, s, T0 + DAY,
						 HL_ERA_ROTATED), 0);
	assert_int_equal(hl_keychain_add(&kc, &k4.p.card, NULL, 0, 1000, T0 + DAY,
					 HL_ERA_ROTATED), -HL_ETOOBIG);
}

static void test_revoked(void **state)
{
	static struct hl_keychain kc;
	const unsigned char *pk0 = era0.p.card.sign_pk;
	char why[256];
	int64_t at = 0;

	(void)state;
	start(&kc);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, NULL, 0, 5, T0 + DAY,
					 HL_ERA_ROTATED), 0);
	assert_false(hl_keychain_revoked(&kc, HL_USE_SIGN, pk0, INT64_MAX, NULL));
	assert_int_equal(hl_keychain_revoke(&kc, 0, HL_USE_SIGN, T0 + 2 * DAY), 0);
	assert_int_equal(hl_keychain_revoke(&kc, 0, HL_USE_BOX, T0 + 5 * DAY), 0);
	assert_int_equal(hl_keychain_revoke(&kc, 2, HL_USE_SIGN, T0), -HL_ENUMBER);
	assert_int_equal(hl_keychain_revoke(&kc, 0, 8, T0), -HL_ENUMBER);
	assert_false(hl_keychain_revoked(&kc, HL_USE_SIGN, pk0, T0 + 2 * DAY - 1, &at));
	assert_int_equal(at, 0);
	assert_true(hl_keychain_revoked(&kc, HL_USE_SIGN, pk0, T0 + 2 * DAY, &at));
	assert_int_equal(at, T0 + 2 * DAY);
	/* Each use has its own time; the earliest wins. */
	assert_false(hl_keychain_revoked(&kc, HL_USE_BOX, era0.p.card.box_pk, T0 + 5 * DAY - 1, &at));
	assert_int_equal(hl_keychain_revoke(&kc, 0, HL_USE_SIGN, T0 + 4 * DAY), 0);
	assert_true(hl_keychain_revoked(&kc, HL_USE_SIGN, pk0, T0 + 2 * DAY, &at));
	assert_int_equal(hl_keychain_revoke(&kc, 0, HL_USE_BOX, T0 + 4 * DAY), 0);
	assert_true(hl_keychain_revoked(&kc, HL_USE_BOX, era0.p.card.box_pk, T0 + 4 * DAY, &at));
	assert_int_equal(at, T0 + 4 * DAY);
	assert_false(hl_keychain_revoked(&kc, HL_USE_TLS, era0.p.card.tls_pin, INT64_MAX, NULL));
	assert_false(hl_keychain_revoked(&kc, HL_USE_BOX, pk0, INT64_MAX, NULL));
	assert_false(hl_keychain_revoked(&kc, HL_USE_SIGN, k3.p.card.sign_pk, INT64_MAX, NULL));

	assert_int_equal(hl_keychain_check_sign(&kc, 0, T0 + DAY, 4, why, sizeof(why)), 0);
	assert_int_equal(hl_keychain_check_sign(&kc, 1, INT64_MAX, 9, why, sizeof(why)), 0);
	assert_int_equal(hl_keychain_check_sign(&kc, 0, T0 + 3 * DAY, 18, why, sizeof(why)),
			 -HL_EREVOKED);
	assert_string_equal(why, "envelope 18 is signed with ru-cert's key 0102f755, "
			    "revoked at 2026-11-24T09:54:00Z");
	assert_int_equal(hl_keychain_check_sign(&kc, 0, T0 + 3 * DAY, 0, why, sizeof(why)),
			 -HL_EREVOKED);
	assert_string_equal(why, "signed with ru-cert's key 0102f755, revoked at 2026-11-24T09:54:00Z");
}

/* A rekey revokes the era in force and the eras that began within the
 * window before it, not those before. */
static void test_revoke_window(void **state)
{
	static struct hl_keychain kc;

	(void)state;
	start(&kc);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, NULL, 0, 5, T0 + DAY,
					 HL_ERA_ROTATED), 0);
	assert_int_equal(hl_keychain_add(&kc, &k4.p.card, NULL, 0, 8, T0 + 6 * DAY,
					 HL_ERA_ROTATED), 0);
	assert_int_equal(hl_keychain_revoke_window(&kc, HL_USE_ALL, T0 + 7 * DAY, -1), -HL_ETIME);
	assert_int_equal(hl_keychain_revoke_window(&kc, HL_USE_ALL, T0 + 7 * DAY, 2 * DAY), 0);
	assert_int_equal(kc.era[0].revoked, 0);
	assert_int_equal(kc.era[1].revoked, 0);
	assert_int_equal(kc.era[2].revoked, HL_USE_ALL);
	assert_int_equal(kc.era[2].revoked_at[0], T0 + 7 * DAY);
	assert_int_equal(kc.era[2].revoked_at[2], T0 + 7 * DAY);
	assert_int_equal(hl_keychain_revoke_window(&kc, HL_USE_SIGN, T0 + 7 * DAY, 6 * DAY), 0);
	assert_int_equal(kc.era[1].revoked, HL_USE_SIGN);
	assert_int_equal(kc.era[0].revoked, 0);
}

static void test_change_accepted(void **state)
{
	static struct hl_keychain kc;
	struct hl_key_change c = change(&k3.raw, HL_USE_SIGN);
	struct hl_card card;
	char why[512] = "";
	size_t i;

	(void)state;
	start(&kc);
	assert_int_equal(hl_keychain_check_change(&kc, &c, &card, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_memory_equal(&card, &k3.p.card, sizeof(card));
	assert_int_equal(hl_keychain_rotate(&kc, &c, &card), 0);
	assert_int_equal(kc.n, 2);
	assert_int_equal(kc.era[1].from_seq, 18);
	assert_int_equal(kc.era[1].via_seq, 17);
	assert_int_equal(kc.era[1].from_time, c.time + 1);
	assert_int_equal(kc.era[1].how, HL_ERA_ROTATED);
	assert_ptr_equal(kc.era[1].raw, k3.raw.data);
	assert_int_equal(kc.era[0].revoked, HL_USE_SIGN);
	assert_int_equal(kc.era[0].revoked_at[0], c.time + 1);
	assert_int_equal(hl_keychain_for_seq(&kc, 17, &i), 0);
	assert_int_equal(i, 0);
	/* The announcing envelope itself, and what the old key signed in
	 * its second, are not after the revocation. */
	assert_int_equal(hl_keychain_check_sign(&kc, 0, c.time, 17, why, sizeof(why)), 0);
	assert_int_equal(hl_keychain_for_time(&kc, c.time), 0);
	assert_int_equal(hl_keychain_for_time(&kc, c.time + 1), 1);
	assert_int_equal(hl_keychain_check_sign(&kc, 0, c.time + 1, 17, why, sizeof(why)),
			 -HL_EREVOKED);

	/* A new endpoint alone is a change; so is the box key alone. */
	start(&kc);
	make(&k5, "ru-cert", 1, T0 + DAY, NULL);
	memcpy(k5.p.card.endpoint, "https://new.example", sizeof("https://new.example"));
	unmake(&k5);
	hl_buf_init(&k5.raw, HL_CARD_MAX);
	assert_int_equal(hl_card_encode(&k5.p.card, k5.p.sign_sk, &k5.raw), 0);
	c = change(&k5.raw, 0);
	assert_int_equal(hl_keychain_check_change(&kc, &c, &card, why, sizeof(why)), 0);
	assert_string_equal(card.endpoint, "https://new.example");
	unmake(&k5);
}

static void test_change_refused(void **state)
{
	static struct hl_keychain kc;
	struct hl_key_change c;
	struct hl_buf junk;

	(void)state;
	start(&kc);
	hl_buf_init(&junk, 64);
	assert_int_equal(hl_buf_puts(&junk, "hotline.card/v1\n"), 0);
	c = change(&junk, 0);
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card does not parse: "
		"input is truncated");
	hl_buf_free(&junk);

	c = change(&eg.raw, 0);
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card is for eg-cert, not ru-cert");

	/* A new sign key without the old key's line. */
	make(&k5, "ru-cert", 5, T0 + DAY, NULL);
	c = change(&k5.raw, 0);
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card is not signed by "
		"ru-cert's key in force (0102f755)");
	unmake(&k5);

	/* Endorsed by some other key. */
	make(&k5, "ru-cert", 5, T0 + DAY, &k4.p);
	c = change(&k5.raw, 0);
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card is not signed by "
		"ru-cert's key in force (0102f755)");
	unmake(&k5);

	/* Same keys and endpoint, only a later time. */
	make(&k5, "ru-cert", 1, T0 + DAY, NULL);
	c = change(&k5.raw, 0);
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card changes nothing");
	unmake(&k5);

	make(&k5, "ru-cert", 5, T0, &era0.p);
	c = change(&k5.raw, 0);
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card is not newer than the "
		"one in force (created 2026-11-22T09:54:00Z)");
	unmake(&k5);

	/* Made after its envelope was sent, beyond the clock skew. */
	make(&k5, "ru-cert", 5, T0 + DAY + 60 + SKEW + 1, &era0.p);
	c = change(&k5.raw, 0);
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card is dated after its "
		"envelope (created 2026-11-23T10:00:01Z)");
	unmake(&k5);
	make(&k5, "ru-cert", 5, T0 + DAY + 60 + SKEW, &era0.p);
	c = change(&k5.raw, 0);
	refused(&kc, &c, 0, "");
	/* A skew beyond reason is a year; an envelope time beyond reason
	 * dates nothing. */
	c.time = T0 + DAY;
	c.skew = INT64_MAX;
	refused(&kc, &c, 0, "");
	c.time = INT64_MAX;
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card is dated after its "
		"envelope (created 2026-11-23T10:00:00Z)");
	unmake(&k5);
}

/* The key in force was revoked (a rekey's window) before this card. */
static void test_change_by_revoked_key(void **state)
{
	static struct hl_keychain kc;
	struct hl_key_change c = change(&k3.raw, 0);

	(void)state;
	start(&kc);
	assert_int_equal(hl_keychain_revoke(&kc, 0, HL_USE_SIGN, c.time - 60), 0);
	refused(&kc, &c, -HL_EREVOKED, "envelope 17 is signed with ru-cert's key 0102f755, "
		"revoked at 2026-11-23T09:54:00Z");
}

static void test_change_revokes_what_stays(void **state)
{
	static struct hl_keychain kc;
	struct hl_key_change c;
	struct tl_party p;
	struct hl_buf raw;

	(void)state;
	start(&kc);
	/* A new box key only (seed 1's sign key and TLS pin). */
	tl_party_init(&p, "ru-cert", 1);
	p.card.created = T0 + DAY;
	tl_box_keys(9, p.card.box_pk, p.box_sk);
	tl_card_encode(&p, &raw);
	c = change(&raw, HL_USE_SIGN);
	refused(&kc, &c, -HL_EKEY, "card at seq 17: revokes the sign key but keeps it");
	c = change(&raw, HL_USE_BOX | HL_USE_TLS);
	refused(&kc, &c, -HL_EKEY, "card at seq 17: revokes the TLS key but keeps it");
	c = change(&raw, HL_USE_BOX);
	refused(&kc, &c, 0, "");
	c = change(&raw, 8);
	refused(&kc, &c, -HL_EKEY, "card at seq 17: revokes an unknown key use");
	hl_buf_free(&raw);
}

/* Rule 7: keys of ours, of other links (or revoked there), and of this
 * party's earlier eras. */
static void test_change_reuse(void **state)
{
	static struct hl_keychain kc;
	struct hl_taboo taboo[3];
	struct hl_key_change c = change(&k3.raw, 0);

	(void)state;
	start(&kc);
	memset(taboo, 0, sizeof(taboo));
	taboo[0].kind = HL_TABOO_LINK;
	memcpy(taboo[0].key, k3.p.card.tls_pin, 32);
	memcpy(taboo[0].link, "eg-cert~1", sizeof("eg-cert~1"));
	c.taboo = taboo;
	c.ntaboo = 1;
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card carries the key or TLS "
		"pin of link eg-cert~1");
	taboo[1].kind = HL_TABOO_OURS;
	memcpy(taboo[1].key, k3.p.card.box_pk, 32);
	c.ntaboo = 2;
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card carries this party's own "
		"key or TLS pin");
	taboo[2].kind = HL_TABOO_REVOKED;
	memcpy(taboo[2].key, k3.p.card.sign_pk, 32);
	memcpy(taboo[2].link, "eg-cert", sizeof("eg-cert"));
	taboo[2].at = T0 + 3600;
	c.ntaboo = 3;
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card carries a key revoked on "
		"link eg-cert at 2026-11-22T10:54:00Z");
	/* Our keys that the card does not carry are no matter. */
	memcpy(taboo[0].key, era0.p.card.sign_pk, 32);
	c.taboo = taboo;
	c.ntaboo = 1;
	refused(&kc, &c, 0, "");
}

static void test_change_back(void **state)
{
	static struct hl_keychain kc;
	struct hl_key_change c;

	(void)state;
	start(&kc);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, k3.raw.data, k3.raw.len, 5,
					 T0 + DAY, HL_ERA_ROTATED), 0);
	/* Back to seed 1's keys, endorsed by the key in force (seed 3). */
	make(&k5, "ru-cert", 1, T0 + 2 * DAY, &k3.p);
	c = change(&k5.raw, 0);
	c.time = T0 + 2 * DAY;
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card returns to a key ru-cert "
		"retired (era 0)");
	assert_int_equal(hl_keychain_revoke(&kc, 0, HL_USE_SIGN, T0 + DAY), 0);
	refused(&kc, &c, -HL_EKEY, "card at seq 17: the new card reuses ru-cert's key "
		"revoked at 2026-11-23T09:54:00Z");
	unmake(&k5);
}

/* era 0 (seed 1) → 1 rotated, endorsed (seed 3) → 2 rekeyed (seed 4)
 * → 3 rotated, new box key only (seed 4's sign key, not endorsed). */
static void long_chain(struct hl_keychain *kc)
{
	start(kc);
	assert_int_equal(hl_keychain_add(kc, &k3.p.card, k3.raw.data, k3.raw.len, 5,
					 T0 + DAY, HL_ERA_ROTATED), 0);
	assert_int_equal(hl_keychain_add(kc, &k4.p.card, k4.raw.data, k4.raw.len, 41,
					 T0 + 3 * DAY, HL_ERA_REKEYED), 0);
	tl_party_init(&k5.p, "ru-cert", 4);
	k5.p.card.created = T0 + 4 * DAY;
	tl_box_keys(9, k5.p.card.box_pk, k5.p.box_sk);
	tl_card_encode(&k5.p, &k5.raw);
	assert_int_equal(hl_keychain_add(kc, &k5.p.card, k5.raw.data, k5.raw.len, 50,
					 T0 + 4 * DAY, HL_ERA_ROTATED), 0);
}

static void trusts(const struct hl_keychain *kc, size_t i, const struct hl_card *given,
		   size_t n, const char *want)
{
	char why[512] = "";

	assert_int_equal(hl_keychain_trust(kc, i, given, n, why, sizeof(why)),
			 want ? -HL_ETRUST : 0);
	assert_string_equal(why, want ? want : "");
}

static void test_trust(void **state)
{
	static struct hl_keychain kc;
	static const char voice[] = "ru-cert's key changed by voice at seq 41: give its "
				    "new card with --card to go on";
	struct hl_card given[2];

	(void)state;
	long_chain(&kc);
	given[0] = era0.p.card;
	trusts(&kc, 0, given, 1, NULL);
	trusts(&kc, 1, given, 1, NULL);
	trusts(&kc, 2, given, 1, voice);
	trusts(&kc, 3, given, 1, voice);
	/* The verifier gives the card it confirmed by voice. */
	given[1] = k4.p.card;
	trusts(&kc, 2, given, 2, NULL);
	trusts(&kc, 3, given, 2, NULL);
	/* Forward only: a later card does not vouch for an earlier key. */
	trusts(&kc, 0, given + 1, 1, "the message was signed with ru-cert's key of era 0, "
	       "before the card you trust (era 2): give an earlier card of ru-cert");
	trusts(&kc, 3, given + 1, 1, NULL);
	/* Trusting era 1 directly also reaches nothing before it. */
	given[0] = k3.p.card;
	trusts(&kc, 1, given, 1, NULL);
	trusts(&kc, 0, given, 1, "the message was signed with ru-cert's key of era 0, "
	       "before the card you trust (era 1): give an earlier card of ru-cert");
	/* Nothing given of ru-cert; a card of the same key under another
	 * name is not ru-cert's. */
	given[0] = era0.p.card;
	memcpy(given[0].name, "eg-cert", sizeof("eg-cert"));
	trusts(&kc, 1, given, 1, "no card you gave is ru-cert's of era 1 or leads to it: "
	       "give a card of ru-cert");
	trusts(&kc, 1, NULL, 0, "no card you gave is ru-cert's of era 1 or leads to it: "
	       "give a card of ru-cert");
	assert_int_equal(hl_keychain_trust(&kc, 4, NULL, 0, NULL, 0), -HL_ENUMBER);
	assert_string_equal(hl_strerror(-HL_ETRUST), "the key is not reached from a card you trust");
	assert_string_equal(hl_strerror(-HL_EKEY), "the key change is refused");
	assert_string_equal(hl_strerror(-HL_EREVOKED), "signed with a key revoked before that time");
	unmake(&k5);
}

/* A rotation to a new sign key that the old key did not endorse (the
 * chain built without the check, or its card bytes missing). */
static void test_trust_unendorsed(void **state)
{
	static struct hl_keychain kc;
	struct hl_card given = era0.p.card;

	(void)state;
	make(&k5, "ru-cert", 5, T0 + DAY, NULL);
	start(&kc);
	assert_int_equal(hl_keychain_add(&kc, &k5.p.card, k5.raw.data, k5.raw.len, 5,
					 T0 + DAY, HL_ERA_ROTATED), 0);
	trusts(&kc, 1, &given, 1, "ru-cert's card of era 1 is not endorsed by its key of era 0");
	start(&kc);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, NULL, 0, 5, T0 + DAY,
					 HL_ERA_ROTATED), 0);
	trusts(&kc, 1, &given, 1, "ru-cert's card of era 1 is not endorsed by its key of era 0");
	kc.era[1].raw = k3.raw.data;
	kc.era[1].raw_len = k3.raw.len;
	trusts(&kc, 1, &given, 1, NULL);
	unmake(&k5);
}

/* A rekey names the card confirmed by voice, byte for byte, with a new
 * sign key, and revokes the sign key. */
static void test_rekey_refused(void **state)
{
	static struct hl_keychain kc;
	struct hl_key_change c = change(&k4.raw, HL_USE_ALL);
	struct hl_card card;
	char why[512] = "";

	(void)state;
	start(&kc);
	assert_int_equal(hl_keychain_check_rekey(&kc, &c, NULL, 0, &card, why, sizeof(why)),
			 -HL_EKEY);
	assert_string_equal(why, "rekey at seq 17: no new card of ru-cert was confirmed "
			    "by voice ('hotline link rekey')");
	assert_int_equal(hl_keychain_check_rekey(&kc, &c, k3.raw.data, k3.raw.len, &card,
						 why, sizeof(why)), -HL_EKEY);
	assert_string_equal(why, "rekey at seq 17: the card is not the one confirmed by voice");
	assert_int_equal(hl_keychain_check_rekey(&kc, &c, k4.raw.data, k4.raw.len - 1, &card,
						 why, sizeof(why)), -HL_EKEY);
	assert_string_equal(why, "rekey at seq 17: the card is not the one confirmed by voice");
	c.revoke = HL_USE_BOX | HL_USE_TLS;
	assert_int_equal(hl_keychain_check_rekey(&kc, &c, k4.raw.data, k4.raw.len, &card,
						 why, sizeof(why)), -HL_EKEY);
	assert_string_equal(why, "rekey at seq 17: does not revoke the sign key");
	assert_string_equal(card.name, "");
	c = change(&eg.raw, HL_USE_ALL);
	assert_int_equal(hl_keychain_check_rekey(&kc, &c, eg.raw.data, eg.raw.len, &card,
						 why, sizeof(why)), -HL_EKEY);
	assert_string_equal(why, "rekey at seq 17: the new card is for eg-cert, not ru-cert");
	make(&k5, "ru-cert", 1, T0 + DAY, NULL);
	c = change(&k5.raw, HL_USE_ALL);
	assert_int_equal(hl_keychain_check_rekey(&kc, &c, k5.raw.data, k5.raw.len, &card,
						 why, sizeof(why)), -HL_EKEY);
	assert_string_equal(why, "rekey at seq 17: the new card keeps the sign key in force");
	unmake(&k5);
}

/* era 0 → 1 (seed 3, a day later) → 2 (seed 5, an attacker's rotation
 * with the stolen key, two days later) → the rekey (seed 4) three days
 * later revokes era 2 and, with a window that reaches it, era 1. */
static void test_rekey_window(void **state)
{
	static struct hl_keychain kc;
	struct hl_key_change c = change(&k4.raw, HL_USE_ALL);
	struct hl_card card;
	char why[512] = "";
	size_t i;

	(void)state;
	c.seq = 20;
	c.time = T0 + 3 * DAY;
	for (int64_t window = DAY; window <= 2 * DAY; window += DAY) {
		start(&kc);
		assert_int_equal(hl_keychain_add(&kc, &k3.p.card, NULL, 0, 5, T0 + DAY,
						 HL_ERA_ROTATED), 0);
		make(&k5, "ru-cert", 5, T0 + 2 * DAY, &k3.p);
		assert_int_equal(hl_keychain_add(&kc, &k5.p.card, NULL, 0, 9, T0 + 2 * DAY,
						 HL_ERA_ROTATED), 0);
		unmake(&k5);
		assert_int_equal(hl_keychain_check_rekey(&kc, &c, k4.raw.data, k4.raw.len,
							 &card, why, sizeof(why)), 0);
		assert_memory_equal(&card, &k4.p.card, sizeof(card));
		assert_int_equal(hl_keychain_rekey(&kc, &c, &card, window), 0);
		assert_int_equal(kc.n, 4);
		assert_int_equal(kc.era[3].how, HL_ERA_REKEYED);
		assert_int_equal(kc.era[3].from_seq, 20);
		assert_int_equal(hl_keychain_for_seq(&kc, 20, &i), 0);
		assert_int_equal(i, 3);
		assert_int_equal(kc.era[2].revoked, HL_USE_ALL);
		assert_int_equal(kc.era[1].revoked, window == 2 * DAY ? HL_USE_ALL : 0);
		assert_int_equal(kc.era[0].revoked, 0);
		assert_int_equal(hl_keychain_check_sign(&kc, 2, T0 + 3 * DAY, 19, why, sizeof(why)),
				 -HL_EREVOKED);
		assert_int_equal(hl_keychain_check_sign(&kc, 2, T0 + 3 * DAY - 1, 19, why,
							sizeof(why)), 0);
		assert_int_equal(hl_keychain_check_sign(&kc, 3, INT64_MAX, 21, why, sizeof(why)), 0);
	}
}

/* ru-cert rotates to k3 at seq 17 dated T, revoking its sign key: T_rev
 * is T + 1.  With a window of an hour, what era 0 signed from T + 1 - 1h
 * on is suspect, but not the announcing `card` envelope itself. */
static void test_suspect_rotation(void **state)
{
	static struct hl_keychain kc;
	struct hl_key_change c = change(&k3.raw, HL_USE_SIGN);
	const int64_t t = c.time;
	struct hl_revocations rv;

	(void)state;
	start(&kc);
	hl_keychain_revocations(&kc, &rv);
	assert_int_equal(rv.n, 0);
	assert_null(hl_keychain_suspect(&kc, &rv, 16, t - 10));
	assert_int_equal(hl_keychain_rotate(&kc, &c, &k3.p.card), 0);
	hl_keychain_revocations(&kc, &rv);
	assert_int_equal(rv.n, 1);
	assert_memory_equal(rv.r[0].key, era0.p.card.sign_pk, 32);
	assert_int_equal(rv.r[0].keyid, hl_note_keyid("ru-cert", HL_SIGTYPE_ED25519,
						     era0.p.card.sign_pk, 32));
	assert_int_equal(rv.r[0].at, t + 1);
	assert_int_equal(rv.r[0].window, 0);
	assert_null(hl_keychain_suspect(&kc, &rv, 16, t - 10));	/* no window yet */
	rv.r[0].window = 3600;
	assert_ptr_equal(hl_keychain_suspect(&kc, &rv, 16, t - 10), &rv.r[0]);
	assert_ptr_equal(hl_keychain_suspect(&kc, &rv, 16, t), &rv.r[0]);
	assert_null(hl_keychain_suspect(&kc, &rv, 17, t));	/* the announcement */
	assert_ptr_equal(hl_keychain_suspect(&kc, &rv, 3, t + 1 - 3600), &rv.r[0]);
	assert_null(hl_keychain_suspect(&kc, &rv, 3, t - 3600));	/* before W */
	assert_null(hl_keychain_suspect(&kc, &rv, 18, t + 1));	/* the new key */
	assert_null(hl_keychain_suspect(&kc, &rv, 0, t));

	/* The same rotation without the revocation marks nothing. */
	start(&kc);
	c.revoke = 0;
	assert_int_equal(hl_keychain_rotate(&kc, &c, &k3.p.card), 0);
	hl_keychain_revocations(&kc, &rv);
	assert_int_equal(rv.n, 0);
	assert_null(hl_keychain_suspect(&kc, &rv, 16, t - 10));
}

/* A rotation that keeps the sign key (a new endpoint at seq 5), then the
 * revocation at seq 17: the key is listed once, and what it signed in
 * either era within the window is suspect, the first `card` included. */
static void test_suspect_kept_key(void **state)
{
	static struct hl_keychain kc;
	struct hl_key_change c = change(&k3.raw, HL_USE_SIGN), keep = c;
	const int64_t t = c.time;
	struct hl_revocations rv;

	(void)state;
	make(&k5, "ru-cert", 1, T0 + DAY / 2, NULL);
	keep.seq = 5;
	keep.time = t - 600;
	keep.revoke = 0;
	keep.card = k5.raw.data;
	keep.card_len = k5.raw.len;
	start(&kc);
	assert_int_equal(hl_keychain_rotate(&kc, &keep, &k5.p.card), 0);
	assert_int_equal(hl_keychain_rotate(&kc, &c, &k3.p.card), 0);
	hl_keychain_revocations(&kc, &rv);
	assert_int_equal(rv.n, 1);
	assert_int_equal(rv.r[0].at, t + 1);
	rv.r[0].window = 3600;
	assert_ptr_equal(hl_keychain_suspect(&kc, &rv, 4, t - 700), &rv.r[0]);
	assert_ptr_equal(hl_keychain_suspect(&kc, &rv, 5, t - 600), &rv.r[0]);
	assert_ptr_equal(hl_keychain_suspect(&kc, &rv, 16, t - 1), &rv.r[0]);
	assert_null(hl_keychain_suspect(&kc, &rv, 17, t));
	assert_null(hl_keychain_suspect(&kc, &rv, 18, t + 2));
	unmake(&k5);
}

/* A rekey at seq 20 revokes the attacker's era 2 and, within its window,
 * era 1: both keys are listed; the attacker's `card` (seq 9) is suspect,
 * the rekey and era 0 are not. */
static void test_suspect_rekey(void **state)
{
	static struct hl_keychain kc;
	struct hl_key_change c = change(&k4.raw, HL_USE_ALL);
	struct hl_revocations rv;

	(void)state;
	c.seq = 20;
	c.time = T0 + 3 * DAY;
	start(&kc);
	assert_int_equal(hl_keychain_add(&kc, &k3.p.card, NULL, 0, 5, T0 + DAY,
					 HL_ERA_ROTATED), 0);
	make(&k5, "ru-cert", 5, T0 + 2 * DAY, &k3.p);
	assert_int_equal(hl_keychain_add(&kc, &k5.p.card, NULL, 0, 9, T0 + 2 * DAY,
					 HL_ERA_ROTATED), 0);
	assert_int_equal(hl_keychain_rekey(&kc, &c, &k4.p.card, 2 * DAY), 0);
	hl_keychain_revocations(&kc, &rv);
	assert_int_equal(rv.n, 2);
	assert_memory_equal(rv.r[0].key, k3.p.card.sign_pk, 32);
	assert_memory_equal(rv.r[1].key, k5.p.card.sign_pk, 32);
	assert_int_equal(rv.r[1].at, T0 + 3 * DAY);
	rv.r[0].window = rv.r[1].window = 2 * DAY;
	assert_ptr_equal(hl_keychain_suspect(&kc, &rv, 8, T0 + DAY + 10), &rv.r[0]);
	assert_ptr_equal(hl_keychain_suspect(&kc, &rv, 9, T0 + 2 * DAY - 1), &rv.r[0]);
	assert_ptr_equal(hl_keychain_suspect(&kc, &rv, 19, T0 + 3 * DAY - 1), &rv.r[1]);
	assert_null(hl_keychain_suspect(&kc, &rv, 20, T0 + 3 * DAY));
	assert_null(hl_keychain_suspect(&kc, &rv, 4, T0 + 2 * DAY));
	unmake(&k5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_empty_era),
		cmocka_unit_test(test_add_rejects),
		cmocka_unit_test(test_revoked),
		cmocka_unit_test(test_revoke_window),
		cmocka_unit_test(test_change_accepted),
		cmocka_unit_test(test_change_refused),
		cmocka_unit_test(test_change_by_revoked_key),
		cmocka_unit_test(test_change_revokes_what_stays),
		cmocka_unit_test(test_change_reuse),
		cmocka_unit_test(test_change_back),
		cmocka_unit_test(test_rekey_refused),
		cmocka_unit_test(test_rekey_window),
		cmocka_unit_test(test_suspect_rotation),
		cmocka_unit_test(test_suspect_kept_key),
		cmocka_unit_test(test_suspect_rekey),
		cmocka_unit_test(test_trust),
		cmocka_unit_test(test_trust_unendorsed),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("keychain", tests, setup, teardown);
}
