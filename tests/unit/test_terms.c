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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terms_check),
		cmocka_unit_test(test_terms_json),
	};

	return cmocka_run_group_tests_name("terms", tests, NULL, NULL);
}
