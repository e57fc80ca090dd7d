/* test_terms.c - a link's terms: what makes sense, and their JSON. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "error.h"
#include "terms.h"

/* hotline.conf's defaults (docs/protocol.md 12.1) as version 1. */
static struct hl_terms defaults(void)
{
	struct hl_terms t = {
		.version = 1,
		.ack = {900, 3600, 86400, 259200},
		.receipt = {120, 600, 3600, 86400},
		.has_check = true, .check_every = 604800, .check_precedence = HL_IMMEDIATE,
		.languages = {"en", "ru"}, .nlanguages = 2,
		.suspect = 604800,
	};

	return t;
}

/* Breaks rule k of hl_terms_check in t; the sentences below, in order. */
static void spoil(struct hl_terms *t, size_t k)
{
	switch (k) {
	case 0: t->version = 0; break;
	case 1: t->ack[HL_FLASH] = 0; break;
	case 2: t->receipt[HL_ROUTINE] = -5; break;
	case 3: t->ack[HL_ROUTINE] = 31622401; break;
	case 4: t->ack[HL_FLASH] = 7200; break;
	case 5: t->receipt[HL_PRIORITY] = 100000; break;
	case 6: t->ack[HL_FLASH] = 100; break;
	case 7: t->check_every = 60; break;
	case 8: t->nlanguages = 0; break;
	case 9: strcpy(t->languages[1], "en_GB"); break;
	case 10: strcpy(t->languages[1], "en"); break;
	default: t->suspect = 0; break;
	}
}

/* Each rule, broken once: the sentence names it. */
static void test_terms_check(void **state)
{
	static const char *const why_not[] = {
		"version: not from 1 to 2^63 - 1",
		"ack.flash (0 s) is not from 1 s to 366 days",
		"receipt.routine (-5 s) is not from 1 s to 366 days",
		"ack.routine (31622401 s) is not from 1 s to 366 days",
		"ack.flash (7200 s) is later than ack.immediate (3600 s)",
		"receipt.priority (100000 s) is later than receipt.routine (86400 s)",
		"receipt.flash (120 s) is later than ack.flash (100 s): a person cannot "
		"acknowledge what did not arrive",
		"check.every (60 s) is sooner than ack.immediate (3600 s): a check would "
		"be due before the last was late",
		"languages: give from 1 to 6 language tags",
		"languages: en_GB is not a language tag",
		"languages: en is given twice",
		"suspect (0 s) is not from 1 s to 366 days",
	};
	struct hl_terms t = defaults();
	char why[200];

	(void)state;
	assert_int_equal(hl_terms_check(&t, why, sizeof(why)), 0);
	t.has_check = false;
	t.check_every = 0;
	assert_int_equal(hl_terms_check(&t, why, sizeof(why)), 0);
	for (size_t k = 0; k < sizeof(why_not) / sizeof(why_not[0]); k++) {
		t = defaults();
		spoil(&t, k);
		why[0] = 0;
		assert_int_equal(hl_terms_check(&t, why, sizeof(why)), -HL_ETERMS);
		assert_string_equal(why, why_not[k]);
	}
	/* Equal deadlines at two precedences make sense. */
	t = defaults();
	t.ack[HL_FLASH] = t.ack[HL_IMMEDIATE];
	assert_int_equal(hl_terms_check(&t, NULL, 0), 0);
}

static int from_text(const char *s, struct hl_terms *t, char *why, size_t cap)
{
	json_t *j = json_loads(s, JSON_REJECT_DUPLICATES, NULL);
	int r;

	assert_non_null(j);
	r = hl_terms_from_json(j, t, why, cap);
	json_decref(j);
	return r;
}

#define ACK "\"ack\":{\"flash\":900,\"immediate\":3600,\"priority\":86400,\"routine\":259200}"
#define RCPT "\"receipt\":{\"flash\":120,\"immediate\":600,\"priority\":3600,\"routine\":86400}"

/* The JSON form: strict, and written back byte for byte. */
static void test_terms_json(void **state)
{
	static const char want[] = "{" ACK ",\"check\":{\"every\":604800,\"precedence\":"
		"\"immediate\"},\"languages\":[\"en\",\"ru\"]," RCPT ",\"suspect\":604800,"
		"\"version\":1}";
	struct hl_terms t = defaults(), back;
	json_t *j = hl_terms_to_json(&t);
	char *s, why[200];

	(void)state;
	assert_non_null(j);
	s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	assert_string_equal(s, want);
	assert_int_equal(from_text(s, &back, why, sizeof(why)), 0);
	assert_memory_equal(&back, &t, sizeof(t));
	free(s);
	/* No check: none scheduled. */
	assert_int_equal(from_text("{" ACK ",\"languages\":[\"ar\"]," RCPT
				   ",\"suspect\":60,\"version\":2}", &back, why, sizeof(why)), 0);
	assert_false(back.has_check);
	assert_int_equal(back.version, 2);
	/* A member missing, unknown, or of another type; a bad precedence. */
	assert_int_equal(from_text("{" ACK ",\"languages\":[\"ar\"],\"suspect\":60,"
				   "\"version\":2}", &back, why, sizeof(why)), -HL_ECONTENT);
	assert_int_equal(from_text("{" ACK ",\"languages\":[\"ar\"]," RCPT ",\"suspect\":60,"
				   "\"version\":2,\"colour\":1}", &back, why, sizeof(why)),
			 -HL_ECONTENT);
	assert_int_equal(from_text("{" ACK ",\"languages\":\"ar\"," RCPT ",\"suspect\":60,"
				   "\"version\":2}", &back, why, sizeof(why)), -HL_ECONTENT);
	assert_int_equal(from_text("{" ACK ",\"languages\":[\"ar\"]," RCPT ",\"suspect\":\"1d\","
				   "\"version\":2}", &back, why, sizeof(why)), -HL_ECONTENT);
	assert_int_equal(from_text("{" ACK ",\"check\":{\"every\":604800,\"precedence\":"
				   "\"urgent\"},\"languages\":[\"ar\"]," RCPT ",\"suspect\":60,"
				   "\"version\":2}", &back, why, sizeof(why)), -HL_ECONTENT);
	assert_int_equal(from_text("{\"ack\":{\"flash\":900,\"immediate\":3600,\"priority\":"
				   "86400},\"languages\":[\"ar\"]," RCPT ",\"suspect\":60,"
				   "\"version\":2}", &back, why, sizeof(why)), -HL_ECONTENT);
	assert_int_equal(from_text("{" ACK ",\"languages\":[\"ar\",\"en\",\"es\",\"fr\",\"ru\","
				   "\"zh\",\"de\"]," RCPT ",\"suspect\":60,\"version\":2}", &back,
				   why, sizeof(why)), -HL_ECONTENT);
	/* Of the form, but making no sense: the sentence says why. */
	assert_int_equal(from_text("{" ACK ",\"languages\":[\"ar\"]," RCPT ",\"suspect\":60,"
				   "\"version\":0}", &back, why, sizeof(why)), -HL_ETERMS);
	assert_string_equal(why, "version: not from 1 to 2^63 - 1");
	assert_int_equal(from_text("{\"ack\":{\"flash\":900,\"immediate\":3600,\"priority\":"
				   "86400,\"routine\":600}," "\"languages\":[\"ar\"]," RCPT
				   ",\"suspect\":60,\"version\":3}", &back, why, sizeof(why)),
			 -HL_ETERMS);
	assert_string_equal(why, "ack.priority (86400 s) is later than ack.routine (600 s)");
}

/* A terms message of side s at seq and time; a proposal of version v
 * (with the defaults' deadlines, ack.flash made v minutes), or an answer
 * naming (ref_side, ref_seq). */
static struct hl_terms_item item(int side, uint64_t seq, int64_t time, const char *type,
				 uint64_t v, int ref_side, uint64_t ref_seq)
{
	struct hl_terms_item it = {.side = side, .seq = seq, .time = time,
				   .ref_side = ref_side, .ref_seq = ref_seq};

	snprintf(it.type, sizeof(it.type), "%s", type);
	if (v) {
		it.terms = defaults();
		it.terms.version = v;
		it.terms.ack[HL_FLASH] = 60 * (int64_t)v;
	}
	return it;
}

static const char *const parties[2] = {"ru-cert", "us-cert"};

/* Proposals, acceptances and declines, from both sides: which count,
 * and the versions they put in force, whatever the order given. */
static void test_terms_fold(void **state)
{
	struct hl_terms_item it[] = {
		/* 0: ru proposes v1; 1: us accepts it. */
		item(0, 1, 100, "terms", 1, -1, 0),
		item(1, 1, 200, "terms-accept", 0, 0, 1),
		/* 2: us proposes v2; 3: ru declines it. */
		item(1, 2, 300, "terms", 2, -1, 0),
		item(0, 2, 310, "terms-decline", 0, 1, 2),
		/* 4, 5: ru proposes v2 twice; 6: us accepts the first, too
		 * late; 7: then the second. */
		item(0, 3, 400, "terms", 2, -1, 0),
		item(0, 4, 410, "terms", 2, -1, 0),
		item(1, 3, 420, "terms-accept", 0, 0, 3),
		item(1, 4, 430, "terms-accept", 0, 0, 4),
		/* 8: ru accepts its own; 9: us skips a version; 10: us
		 * proposes one in force. */
		item(0, 5, 440, "terms-accept", 0, 0, 4),
		item(1, 5, 450, "terms", 4, -1, 0),
		item(1, 6, 460, "terms", 1, -1, 0),
		/* 11, 12: both propose v3; 13: ru accepts us's, dated before
		 * it by a skewed clock; 14: us accepts ru's, now stale. */
		item(0, 6, 500, "terms", 3, -1, 0),
		item(1, 7, 505, "terms", 3, -1, 0),
		item(0, 7, 503, "terms-accept", 0, 1, 7),
		item(1, 8, 520, "terms-accept", 0, 0, 6),
		/* 15: an accept naming nothing. */
		item(1, 9, 530, "terms-accept", 0, 0, 99),
	};
	static const char *const verdicts[] = {
		"accepted", "counts", "declined", "counts", "replaced", "accepted",
		"the proposal was replaced", "counts", "names a proposal of its own sender",
		"skips a version", "proposes a version already in force", "stale", "accepted",
		"counts", "the proposal is stale: another version came into force first",
		"names no proposal",
	};
	const size_t n = sizeof(it) / sizeof(it[0]);
	struct hl_terms_item shuffled[sizeof(it) / sizeof(it[0])];
	struct hl_terms_version *v, *v2;
	struct hl_fold f, f2;
	size_t nv, nv2;

	(void)state;
	assert_int_equal(hl_terms_fold(it, n, parties, &f), 0);
	v = f.v;
	nv = f.nv;
	assert_int_equal(f.ns, 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(it[i].verdict, verdicts[i]) != 0)
			fail_msg("item %zu: %s, not %s", i, it[i].verdict, verdicts[i]);
	assert_int_equal(nv, 3);
	assert_int_equal(v[0].terms.version, 1);
	assert_int_equal(v[0].since, 200);
	assert_int_equal(v[0].proposed_side, 0);
	assert_int_equal(v[0].accepted_seq, 1);
	assert_int_equal(v[1].terms.version, 2);
	assert_int_equal(v[1].since, 430);
	assert_int_equal(v[1].proposed_seq, 4);
	/* The skewed acceptance takes its place after what it accepts. */
	assert_int_equal(v[2].terms.version, 3);
	assert_int_equal(v[2].since, 505);
	assert_int_equal(v[2].proposed_side, 1);
	assert_int_equal(v[2].terms.ack[HL_FLASH], 180);
	assert_int_equal(it[11].by_seq, 7);
	/* In force at a time: none before the first acceptance. */
	assert_null(hl_terms_at(v, nv, 199));
	assert_int_equal(hl_terms_at(v, nv, 200)->terms.version, 1);
	assert_int_equal(hl_terms_at(v, nv, 429)->terms.version, 1);
	assert_int_equal(hl_terms_at(v, nv, 430)->terms.version, 2);
	assert_int_equal(hl_terms_at(v, nv, 1 << 30)->terms.version, 3);
	/* The same messages in another order fold the same. */
	for (size_t i = 0; i < n; i++)
		shuffled[i] = it[(i * 7 + 3) % n];
	assert_int_equal(hl_terms_fold(shuffled, n, parties, &f2), 0);
	v2 = f2.v;
	nv2 = f2.nv;
	assert_int_equal(nv2, nv);
	for (size_t i = 0; i < nv; i++) {
		assert_int_equal(v2[i].since, v[i].since);
		assert_memory_equal(&v2[i].terms, &v[i].terms, sizeof(v[i].terms));
	}
	for (size_t i = 0; i < n; i++)
		assert_string_equal(shuffled[i].verdict, verdicts[(i * 7 + 3) % n]);
	free(v);
	free(v2);
	assert_int_equal(hl_terms_fold(NULL, 0, parties, &f), 0);
	assert_int_equal(f.nv, 0);
	free(f.v);
}

/* A suspend or a resume of side s at seq and time; a resume names
 * (ref_side, ref_seq) and says whether its cards are the ones in force. */
static struct hl_terms_item susp(int side, uint64_t seq, int64_t time, const char *type,
				 int ref_side, uint64_t ref_seq, bool cards_ok)
{
	struct hl_terms_item it = item(side, seq, time, type, 0, ref_side, ref_seq);

	it.cards_ok = cards_ok;
	return it;
}

/* Suspensions and resumptions: only who suspended resumes, with the
 * cards in force; both may suspend at once; order given does not
 * matter. */
static void test_suspend_fold(void **state)
{
	struct hl_terms_item it[] = {
		/* 0: ru suspends; 1: again; 2: us resumes ru's; 3: ru resumes
		 * with a stale card; 4: us suspends too. */
		susp(0, 1, 100, "suspend", -1, 0, false),
		susp(0, 2, 110, "suspend", -1, 0, false),
		susp(1, 1, 120, "resume", 0, 1, true),
		susp(0, 3, 130, "resume", 0, 1, false),
		susp(1, 2, 140, "suspend", -1, 0, false),
		/* 5: ru resumes its own; 6: and again; 7: us resumes its own,
		 * dated before its suspend (a skewed clock): after it. */
		susp(0, 4, 150, "resume", 0, 1, true),
		susp(0, 5, 160, "resume", 0, 1, true),
		susp(1, 3, 135, "resume", 1, 2, true),
		/* 8: a resume naming nothing. */
		susp(1, 4, 170, "resume", 1, 99, true),
	};
	static const char *const verdicts[] = {
		"counts", "already suspended by its sender",
		"names a suspension by the other party: only it can resume it",
		"names a card that was not in force at its time", "counts", "counts",
		"names no suspension in force", "counts", "names no suspension in force",
	};
	const size_t n = sizeof(it) / sizeof(it[0]);
	struct hl_terms_item shuffled[sizeof(it) / sizeof(it[0])];
	struct hl_fold f, f2;

	(void)state;
	assert_int_equal(hl_terms_fold(it, n, parties, &f), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(it[i].verdict, verdicts[i]) != 0)
			fail_msg("item %zu: %s, not %s", i, it[i].verdict, verdicts[i]);
	assert_int_equal(f.ns, 2);
	assert_int_equal(f.s[0].side, 0);
	assert_int_equal(f.s[0].since, 100);
	assert_int_equal(f.s[0].resumed, 150);
	assert_int_equal(f.s[0].resume_seq, 4);
	assert_int_equal(f.s[1].side, 1);
	assert_int_equal(f.s[1].since, 140);
	assert_int_equal(f.s[1].resumed, 140);
	assert_null(hl_suspended_by(&f, 0, 99));
	assert_non_null(hl_suspended_by(&f, 0, 100));
	assert_non_null(hl_suspended_by(&f, 0, 149));
	assert_null(hl_suspended_by(&f, 0, 150));
	assert_null(hl_suspended_by(&f, 1, 145));
	for (size_t i = 0; i < n; i++)
		shuffled[i] = it[(i * 5 + 2) % n];
	assert_int_equal(hl_terms_fold(shuffled, n, parties, &f2), 0);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(shuffled[i].verdict, verdicts[(i * 5 + 2) % n]);
	assert_int_equal(f2.ns, 2);
	assert_int_equal(f2.s[0].resumed, 150);
	free(f.s);
	free(f2.s);
	free(f.v);
	free(f2.v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms_check),
		cmocka_unit_test(test_terms_json),
		cmocka_unit_test(test_terms_fold),
		cmocka_unit_test(test_suspend_fold),
	};

	return cmocka_run_group_tests_name("terms", tests, NULL, NULL);
}
