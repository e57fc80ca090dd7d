/* test_content.c - BCP 47 tags and the JSON inside envelopes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "content.h"
#include "error.h"
#include "lang.h"

static bool tag(const char *s)
{
	return hl_lang_valid(s, strlen(s));
}

static void test_lang_well_formed(void **state)
{
	/* The examples of RFC 5646 appendix A, and the six UN languages. */
	static const char *const good[] = {
		"ar", "en", "es", "fr", "ru", "zh", "de", "fr", "ja", "i-enochian",
		"zh-Hant", "zh-Hans", "sr-Cyrl", "sr-Latn", "zh-cmn-Hans-CN",
		"cmn-Hans-CN", "zh-yue-HK", "yue-HK", "zh-Hans-CN", "sr-Latn-RS",
		"sl-rozaj", "sl-rozaj-biske", "sl-nedis", "de-CH-1901", "sl-IT-nedis",
		"hy-Latn-IT-arevela", "de-DE", "en-US", "es-419", "de-CH-x-phonebk",
		"az-Arab-x-AZE-derbend", "x-whatever", "qaa-Qaaa-QM-x-southern",
		"de-Qaaa", "sr-Latn-QM", "sr-Qaaa-RS", "en-US-u-islamcal",
		"zh-CN-a-myext-x-private", "en-a-myext-b-another", "EN-us", "zh-min-nan",
		"en-GB-oed", "ar-EG", "ru-RU", "english",
	};
	static const char *const bad[] = {
		"", "e", "de-419-DE", "a-DE", "ar-a-aaa-b-bbb-a-ccc", "de-1901-1901",
		"en_US", "en--US", "en-", "-en", "x", "en-a", "en-x", "ar-\xd9\xa3",
		"toolongsubtag", "en-US-US", "12", "en US", "zh-Hant-Hans-CN",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!tag(good[i]))
			fail_msg("refused a well-formed tag: %s", good[i]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (tag(bad[i]))
			fail_msg("accepted a malformed tag: %s", bad[i]);
	}
}

/* The working languages' rule (protocol.md 8.13): one language when the
 * primary subtags are equal, without regard to case. */
static void test_lang_same_primary(void **state)
{
	(void)state;
	assert_true(hl_lang_same_primary("en", "en"));
	assert_true(hl_lang_same_primary("en", "en-GB"));
	assert_true(hl_lang_same_primary("EN-gb", "en-US"));
	assert_true(hl_lang_same_primary("zh-Hant", "zh"));
	assert_true(hl_lang_same_primary("sr-Latn", "SR-Cyrl"));
	assert_false(hl_lang_same_primary("en", "eng"));
	assert_false(hl_lang_same_primary("de", "en"));
	assert_false(hl_lang_same_primary("en", "und"));
	assert_false(hl_lang_same_primary("e", "en-GB"));
}

static void test_content_round_trip(void **state)
{
	static const char ar[] = "رصدنا هجوماً ببرنامج فدية على مرفق للمياه";
	struct hl_text text = {"ar", ar, sizeof(ar) - 1};
	struct hl_text sum = {"en", "Ransomware on a water utility", 29};
	struct hl_content c;
	struct hl_buf b;

	(void)state;
	hl_buf_init(&b, 1 << 20);
	assert_int_equal(hl_content_encode("notify", &text, &sum, NULL, &b), 0);
	assert_string_equal((const char *)b.data,
		"{\"summary\":{\"lang\":\"en\",\"text\":\"Ransomware on a water utility\"},"
		"\"text\":{\"lang\":\"ar\",\"text\":\"رصدنا هجوماً ببرنامج فدية على مرفق للمياه\"},"
		"\"type\":\"notify\",\"v\":1}");
	assert_int_equal(hl_content_parse(b.data, b.len, &c), 0);
	assert_string_equal(c.type, "notify");
	assert_string_equal(c.text.lang, "ar");
	assert_int_equal(c.text.len, sizeof(ar) - 1);
	assert_memory_equal(c.text.text, ar, sizeof(ar) - 1);
	assert_true(c.has_summary);
	assert_string_equal(c.summary.lang, "en");
	hl_content_free(&c);
	b.len = 0;
	assert_int_equal(hl_content_encode("check", &text, NULL, NULL, &b), 0);
	assert_int_equal(hl_content_parse(b.data, b.len, &c), 0);
	assert_false(c.has_summary);
	hl_content_free(&c);
	hl_buf_free(&b);
}

static void test_content_encode_refuses(void **state)
{
	struct hl_text bad_lang = {"en_US", "x", 1};
	struct hl_text nul = {"en", "a\0b", 3};
	struct hl_text latin1 = {"fr", "caf\xe9", 4};
	struct hl_text ok = {"en", "x", 1};
	struct hl_buf b;

	(void)state;
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_content_encode("notify", &bad_lang, NULL, NULL, &b), -HL_ELANG);
	assert_int_equal(hl_content_encode("notify", &ok, &bad_lang, NULL, &b), -HL_ELANG);
	assert_int_equal(hl_content_encode("notify", &nul, NULL, NULL, &b), -HL_EUTF8);
	assert_int_equal(hl_content_encode("notify", &latin1, NULL, NULL, &b), -HL_EUTF8);
	assert_int_equal(hl_content_encode("No Kind", &ok, NULL, NULL, &b), -HL_ESYNTAX);
	assert_int_equal(b.len, 0);
	hl_buf_free(&b);
}

static void test_content_ref(void **state)
{
	struct hl_text text = {"en", "read, investigating", 19};
	struct hl_ref ref = {"ru-cert", 12, {0}};
	struct hl_content c;
	struct hl_buf b;

	(void)state;
	memset(ref.leaf, 0xab, sizeof(ref.leaf));
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_content_encode("ack", &text, NULL, &ref, &b), 0);
	assert_string_equal((const char *)b.data,
		"{\"ref\":{\"from\":\"ru-cert\",\"leaf\":"
		"\"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\",\"seq\":12},"
		"\"text\":{\"lang\":\"en\",\"text\":\"read, investigating\"},"
		"\"type\":\"ack\",\"v\":1}");
	assert_int_equal(hl_content_parse(b.data, b.len, &c), 0);
	assert_true(c.has_ref);
	assert_string_equal(c.ref.from, "ru-cert");
	assert_int_equal(c.ref.seq, 12);
	assert_memory_equal(c.ref.leaf, ref.leaf, 32);
	hl_content_free(&c);
	/* A ref names a party, a sequence number from 1 and a 32-byte hash. */
	ref.seq = 0;
	b.len = 0;
	assert_int_equal(hl_content_encode("ack", &text, NULL, &ref, &b), -HL_ESYNTAX);
	hl_buf_free(&b);
}

static int parse(const char *json)
{
	struct hl_content c;
	int r = hl_content_parse((const unsigned char *)json, strlen(json), &c);

	if (r == 0)
		hl_content_free(&c);
	return r;
}

static void test_content_parse_strict(void **state)
{
	(void)state;
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\",\"text\":{\"lang\":\"en\",\"text\":\"hi\"}}"), 0);
	/* Unknown, duplicated and missing members. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\",\"text\":{\"lang\":\"en\",\"text\":\"hi\"},\"x\":1}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"v\":1,\"type\":\"notify\",\"text\":{\"lang\":\"en\",\"text\":\"hi\"}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\",\"text\":{\"lang\":\"en\",\"text\":\"hi\",\"dir\":\"rtl\"}}"), -HL_ECONTENT);
	/* Wrong version, type, tag; not an object; trailing bytes. */
	assert_int_equal(parse("{\"v\":2,\"type\":\"notify\",\"text\":{\"lang\":\"en\",\"text\":\"hi\"}}"), -HL_ECONTENT);
	/* 2^32 + 1 is not 1, whatever the width of an int. */
	assert_int_equal(parse("{\"v\":4294967297,\"type\":\"notify\",\"text\":{\"lang\":\"en\",\"text\":\"hi\"}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"Notify!\",\"text\":{\"lang\":\"en\",\"text\":\"hi\"}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\",\"text\":{\"lang\":\"english language\",\"text\":\"hi\"}}"), -HL_ELANG);
	assert_int_equal(parse("[1,2]"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\",\"text\":{\"lang\":\"en\",\"text\":\"hi\"}} x"), -HL_ECONTENT);
	/* Escaped NUL, bad UTF-8, truncation, plain text. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\",\"text\":{\"lang\":\"en\",\"text\":\"a\\u0000b\"}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\",\"text\":{\"lang\":\"en\",\"text\":\"caf\xe9\"}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\",\"text\":{\"lang\":\"en\",\"te"), -HL_ECONTENT);
	assert_int_equal(parse("plain text"), -HL_ECONTENT);
	assert_int_equal(parse(""), -HL_ECONTENT);
	/* Refs: every member, right types, nothing more. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"ack\",\"text\":{\"lang\":\"en\",\"text\":\"\"},"
			       "\"ref\":{\"from\":\"ru-cert\",\"seq\":3,"
			       "\"leaf\":\"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\"}}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"ack\",\"text\":{\"lang\":\"en\",\"text\":\"\"},"
			       "\"ref\":{\"from\":\"ru-cert\",\"seq\":0,"
			       "\"leaf\":\"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\"}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"ack\",\"text\":{\"lang\":\"en\",\"text\":\"\"},"
			       "\"ref\":{\"from\":\"ru-cert\",\"seq\":3,\"leaf\":\"q6ur\"}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"ack\",\"text\":{\"lang\":\"en\",\"text\":\"\"},"
			       "\"ref\":{\"from\":\"RU\",\"seq\":3,"
			       "\"leaf\":\"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\"}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"ack\",\"text\":{\"lang\":\"en\",\"text\":\"\"},"
			       "\"ref\":{\"from\":\"ru-cert\",\"seq\":3,\"x\":1,"
			       "\"leaf\":\"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\"}}"), -HL_ECONTENT);
}

#define LEAF "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="
#define TEXT "\"text\":{\"lang\":\"en\",\"text\":\"x\"}"
#define CASE "\"case\":{\"from\":\"eg-cert\",\"seq\":1,\"leaf\":\"" LEAF "\"}"
#define REF "\"ref\":{\"from\":\"ru-cert\",\"seq\":2,\"leaf\":\"" LEAF "\"}"

/* Each type's members: what it must carry, what it may, nothing else. */
static void test_content_rules(void **state)
{
	struct hl_content c;

	(void)state;
	/* A notify opens a case: fields, no case of its own. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"category\":"
			       "\"malicious-code/c2-server\",\"tlp\":\"TLP:AMBER+STRICT\","
			       "\"severity\":\"high\"}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," CASE "}"),
			 -HL_ECONTENT);
	/* Codes come from the vocabularies, spelt exactly. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"tlp\":\"TLP:WHITE\"}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"tlp\":\"tlp:amber\"}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"category\":\"malware\"}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"severity\":\"HIGH\"}"),
			 -HL_ECONTENT);
	/* A request needs its case and at least one known action, once. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"request\"," TEXT "," CASE
			       ",\"actions\":[\"take-down\",\"investigate\"]}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"request\"," TEXT
			       ",\"actions\":[\"investigate\"]}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"request\"," TEXT "," CASE
			       ",\"actions\":[]}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"request\"," TEXT "," CASE
			       ",\"actions\":[\"block\",\"block\"]}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"request\"," TEXT "," CASE
			       ",\"actions\":[\"hack-back\"]}"), -HL_ECONTENT);
	/* An answer names its request and says how. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"answer\"," TEXT "," CASE "," REF
			       ",\"answer\":\"declined\"}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"answer\"," TEXT "," CASE "," REF "}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"answer\"," TEXT "," CASE
			       ",\"answer\":\"done\"}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"answer\"," TEXT "," CASE "," REF
			       ",\"answer\":\"maybe\"}"), -HL_ECONTENT);
	/* A close carries only its case; retract and correct a ref. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"close\"," TEXT "," CASE "}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"close\"," TEXT "," CASE
			       ",\"severity\":\"low\"}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"retract\"," TEXT "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"correct\"," TEXT "," REF
			       ",\"severity\":\"low\"}"), 0);
	/* STIX is an object, in the types that carry indicators. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"update\"," TEXT "," CASE
			       ",\"stix\":{\"type\":\"bundle\"}}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"update\"," TEXT "," CASE
			       ",\"stix\":\"bundle\"}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"close\"," TEXT "," CASE
			       ",\"stix\":{}}"), -HL_ECONTENT);
	/* Written back, a parsed request is the same bytes (keys sorted). */
	{
		static const char req[] = "{\"actions\":[\"investigate\",\"take-down\"],"
			"\"case\":{\"from\":\"eg-cert\",\"leaf\":\"" LEAF "\",\"seq\":1},"
			TEXT ",\"type\":\"request\",\"v\":1}";
		struct hl_buf b;

		hl_buf_init(&b, 4096);
		assert_int_equal(hl_content_parse((const unsigned char *)req, strlen(req), &c), 0);
		assert_int_equal(c.actions, 1u | 4u);
		assert_true(c.has_case);
		assert_int_equal(c.case_ref.seq, 1);
		assert_int_equal(hl_content_write(&c, &b), 0);
		hl_content_free(&c);
		assert_int_equal(b.len, strlen(req));
		assert_memory_equal(b.data, req, b.len);
		hl_buf_free(&b);
	}
}

/* A notify may carry its case's number; nothing else may. */
static void test_content_number(void **state)
{
	static const char notify[] = "{\"number\":12," TEXT ",\"type\":\"notify\",\"v\":1}";
	struct hl_content c;
	struct hl_buf b;

	(void)state;
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_content_parse((const unsigned char *)notify, strlen(notify), &c), 0);
	assert_true(c.has_number);
	assert_int_equal(c.number, 12);
	assert_int_equal(hl_content_write(&c, &b), 0);
	hl_content_free(&c);
	assert_int_equal(b.len, strlen(notify));
	assert_memory_equal(b.data, notify, b.len);
	hl_buf_free(&b);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT
			       ",\"number\":9223372036854775807}"), 0);
	/* 1 to 2^63 - 1, an integer, on a notify only. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"number\":0}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"number\":-3}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"number\":1.0}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"number\":\"1\"}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"number\":null}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"update\"," TEXT "," CASE
			       ",\"number\":2}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"comm-check\"," TEXT ",\"number\":2}"),
			 -HL_ECONTENT);
	/* The encoder refuses what the parser would. */
	memset(&c, 0, sizeof(c));
	snprintf(c.type, sizeof(c.type), "notify");
	snprintf(c.text.lang, sizeof(c.text.lang), "en");
	c.text.text = "x";
	c.text.len = 1;
	c.has_number = true;
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_content_write(&c, &b), -HL_ECONTENT);
	c.number = (uint64_t)INT64_MAX + 1;
	assert_int_equal(hl_content_write(&c, &b), -HL_ECONTENT);
	snprintf(c.type, sizeof(c.type), "close");
	c.number = 1;
	assert_int_equal(hl_content_write(&c, &b), -HL_ECONTENT);
	hl_buf_free(&b);
}

#define OP(name, role) "\"operator\":{\"name\":\"" name "\",\"role\":\"" role "\"}"

/* Who made a message: a name as parties are named and a role; any type
 * may carry it, none must (older messages have none). */
static void test_content_operator(void **state)
{
	static const char ack[] = "{" OP("ana", "duty") ",\"ref\":{\"from\":\"ru-cert\",\"leaf\":\""
		LEAF "\",\"seq\":2}," TEXT ",\"type\":\"ack\",\"v\":1}";
	struct hl_content c;
	struct hl_buf b;

	(void)state;
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_content_parse((const unsigned char *)ack, strlen(ack), &c), 0);
	assert_string_equal(c.op_name, "ana");
	assert_string_equal(c.op_role, "duty");
	assert_int_equal(hl_content_write(&c, &b), 0);
	hl_content_free(&c);
	/* Written back: the same bytes, "operator" in its sorted place. */
	assert_int_equal(b.len, strlen(ack));
	assert_memory_equal(b.data, ack, b.len);
	hl_buf_free(&b);
	/* Without one, a message still parses, and names nobody. */
	assert_int_equal(hl_content_parse((const unsigned char *)"{\"v\":1,\"type\":\"ack\"," TEXT
					  "," REF "}", strlen("{\"v\":1,\"type\":\"ack\"," TEXT
							     "," REF "}"), &c), 0);
	assert_string_equal(c.op_name, "");
	assert_string_equal(c.op_role, "");
	hl_content_free(&c);
	/* Every role, on any type. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"close\"," TEXT "," CASE "," OP("sup.1", "supervisor") "}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"check\"," TEXT "," OP("a", "auditor") "}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"comm-check\"," TEXT "," OP("root", "admin") "}"), 0);
	/* A role not of the four, spelt otherwise, or missing. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," OP("ana", "boss") "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," OP("ana", "Duty") "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," OP("ana", "") "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"operator\":{\"name\":\"ana\"}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"operator\":{\"name\":\"ana\",\"role\":1}}"), -HL_ECONTENT);
	/* A name that is no party-style name. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," OP("Ana", "duty") "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," OP("", "duty") "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," OP("-ana", "duty") "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," OP("ana smith", "duty") "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," OP("\u0430na", "duty") "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," OP("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "duty") "}"), -HL_ECONTENT);
	/* Duplicated, unknown or null members, and not an object. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," OP("ana", "duty") "," OP("bob", "duty") "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"operator\":{\"name\":\"ana\",\"name\":\"bob\",\"role\":\"duty\"}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"operator\":{\"name\":\"ana\",\"role\":\"duty\",\"uid\":0}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"operator\":null}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"operator\":\"ana\"}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT ",\"operator\":{}}"), -HL_ECONTENT);
}

/* The encoder refuses an operator the parser would refuse. */
static void test_content_operator_write(void **state)
{
	struct hl_content c = {.type = "notify", .text = {"en", "x", 1}};
	struct hl_buf b;

	(void)state;
	hl_buf_init(&b, 4096);
	snprintf(c.op_name, sizeof(c.op_name), "ana");
	snprintf(c.op_role, sizeof(c.op_role), "chief");
	assert_int_equal(hl_content_write(&c, &b), -HL_ECONTENT);
	c.op_role[0] = 0;
	assert_int_equal(hl_content_write(&c, &b), -HL_ECONTENT);
	snprintf(c.op_role, sizeof(c.op_role), "duty");
	snprintf(c.op_name, sizeof(c.op_name), "Ana");
	assert_int_equal(hl_content_write(&c, &b), -HL_ESYNTAX);
	c.op_name[0] = 0;
	assert_int_equal(hl_content_write(&c, &b), -HL_ESYNTAX);
	memset(c.op_name, 'a', sizeof(c.op_name));	/* no NUL within */
	assert_int_equal(hl_content_write(&c, &b), -HL_ESYNTAX);
	assert_int_equal(b.len, 0);
	snprintf(c.op_name, sizeof(c.op_name), "ana");
	assert_int_equal(hl_content_write(&c, &b), 0);
	assert_string_equal((const char *)b.data, "{\"operator\":{\"name\":\"ana\",\"role\":\"duty\"},"
			    TEXT ",\"type\":\"notify\",\"v\":1}");
	/* None at all: no member, as before operators were named. */
	b.len = 0;
	c.op_name[0] = c.op_role[0] = 0;
	assert_int_equal(hl_content_write(&c, &b), 0);
	assert_string_equal((const char *)b.data, "{" TEXT ",\"type\":\"notify\",\"v\":1}");
	hl_buf_free(&b);
}

#define TERMS "\"terms\":{\"ack\":{\"flash\":900,\"immediate\":3600,\"priority\":86400," \
	"\"routine\":259200},\"check\":{\"every\":604800,\"precedence\":\"immediate\"}," \
	"\"languages\":[\"en\",\"ru\"],\"receipt\":{\"flash\":120,\"immediate\":600," \
	"\"priority\":3600,\"routine\":86400},\"suspect\":604800,\"version\":1}"
#define REASON "\"text\":{\"lang\":\"en\",\"text\":\"why\"}"
#define EMPTY "\"text\":{\"lang\":\"en\",\"text\":\"\"}"
#define CARDS "\"cards\":{\"us-cert\":\"" LEAF "\",\"ru-cert\":\"" LEAF "\"}"
#define CARD "\"card\":\"hotline.card/v1\\nname ru-cert\\n\""

#define GID "0123456789abcdef0123456789abcdef"
#define GROUP_C "\"group\":{\"id\":\"" GID "\"}"
#define GROUP_O "\"group\":{\"id\":\"" GID "\",\"members\":[\"ae-cert\",\"ru-cert\"],\"name\":\"osce-poc\"}"
#define NOTIFY(g) "{" g "," TEXT ",\"type\":\"notify\",\"v\":1}"

/* The member "group" (8.16): an id alone, or an open group's name and
 * members; strict; only on what a send or a check makes. */
static void test_content_group(void **state)
{
	static const char conf[] = NOTIFY(GROUP_C), open[] = NOTIFY(GROUP_O);
	static const char *const bad[] = {
		NOTIFY("\"group\":{}"),
		NOTIFY("\"group\":{\"id\":\"0123456789ABCDEF0123456789abcdef\"}"),
		NOTIFY("\"group\":{\"id\":\"0123456789abcdef0123456789abcde\"}"),
		NOTIFY("\"group\":{\"id\":\"0123456789abcdef0123456789abcdef0\"}"),
		NOTIFY("\"group\":{\"id\":\"0123456789abcdef0123456789abcdeg\"}"),
		NOTIFY("\"group\":{\"id\":1}"),
		NOTIFY("\"group\":\"" GID "\""),
		NOTIFY("\"group\":null"),
		NOTIFY("\"group\":{\"id\":\"" GID "\",\"id\":\"" GID "\"}"),
		NOTIFY("\"group\":{\"id\":\"" GID "\",\"count\":2}"),
		NOTIFY("\"group\":{\"id\":\"" GID "\",\"name\":\"osce-poc\"}"),
		NOTIFY("\"group\":{\"id\":\"" GID "\",\"members\":[\"ae-cert\"]}"),
		NOTIFY("\"group\":{\"id\":\"" GID "\",\"members\":[],\"name\":\"g\"}"),
		NOTIFY("\"group\":{\"id\":\"" GID "\",\"members\":[\"ru-cert\",\"ae-cert\"],\"name\":\"g\"}"),
		NOTIFY("\"group\":{\"id\":\"" GID "\",\"members\":[\"ae-cert\",\"ae-cert\"],\"name\":\"g\"}"),
		NOTIFY("\"group\":{\"id\":\"" GID "\",\"members\":[\"Ae-cert\"],\"name\":\"g\"}"),
		NOTIFY("\"group\":{\"id\":\"" GID "\",\"members\":[1],\"name\":\"g\"}"),
		NOTIFY("\"group\":{\"id\":\"" GID "\",\"members\":\"ae-cert\",\"name\":\"g\"}"),
		NOTIFY("\"group\":{\"id\":\"" GID "\",\"members\":[\"ae-cert\"],\"name\":\"G P\"}"),
		"{" GROUP_C "," GROUP_C "," TEXT ",\"type\":\"notify\",\"v\":1}",
		/* Answers, acks and control messages stay bilateral. */
		"{" GROUP_C "," REF "," CASE ",\"answer\":\"done\"," TEXT ",\"type\":\"answer\",\"v\":1}",
		"{" GROUP_C "," REF "," TEXT ",\"type\":\"ack\",\"v\":1}",
		"{" GROUP_C "," REF "," TEXT ",\"type\":\"check-reply\",\"v\":1}",
		"{" GROUP_C ",\"text\":{\"lang\":\"en\",\"text\":\"why\"},\"type\":\"suspend\",\"v\":1}",
		"{" GROUP_C "," TEXT ",\"type\":\"comm-check\",\"v\":1}",
	};
	/* docs/protocol.md 8.16's vectors, byte for byte. */
	static const char *const vectors[] = {
		"{\"group\":{\"id\":\"9b1e4c0a7d3f2e6b8a5c1d0f4e7b2a96\"},\"number\":12,"
		"\"operator\":{\"name\":\"ana\",\"role\":\"duty\"},\"text\":{\"lang\":\"en\","
		"\"text\":\"Ransomware on a water utility\"},\"type\":\"notify\",\"v\":1}",
		"{\"group\":{\"id\":\"9b1e4c0a7d3f2e6b8a5c1d0f4e7b2a96\",\"members\":[\"ae-cert\","
		"\"ru-cert\",\"us-cert\"],\"name\":\"osce-poc\"},\"text\":{\"lang\":\"en\","
		"\"text\":\"Communication check\"},\"type\":\"check\",\"v\":1}",
		"{\"case\":{\"from\":\"hub\",\"leaf\":\"n4bQgYhMfWqWqQ5+YF1vE0mXJ2JcM0q3n3n2H4sQGkE=\","
		"\"seq\":4},\"group\":{\"id\":\"3f0c9a7e2b6d4c1a8e5f7b9d0a2c4e6f\"},\"text\":"
		"{\"lang\":\"en\",\"text\":\"Mitigated\"},\"type\":\"close\",\"v\":1}",
	};
	const char *names[HL_GROUP_MEMBERS_MAX + 1];
	static char many[HL_GROUP_MEMBERS_MAX + 1][8];
	struct hl_content c;
	struct hl_buf b;

	(void)state;
	hl_buf_init(&b, 2 * HL_PLAIN_MAX);
	assert_int_equal(hl_content_parse((const unsigned char *)conf, strlen(conf), &c), 0);
	assert_true(c.has_group);
	assert_false(c.group.open);
	assert_string_equal(c.group.id, GID);
	assert_int_equal(c.group.nmembers, 0);
	assert_int_equal(hl_content_write(&c, &b), 0);
	assert_int_equal(b.len, strlen(conf));
	assert_memory_equal(b.data, conf, b.len);
	hl_content_free(&c);
	b.len = 0;
	assert_int_equal(hl_content_parse((const unsigned char *)open, strlen(open), &c), 0);
	assert_true(c.group.open);
	assert_string_equal(c.group.name, "osce-poc");
	assert_int_equal(c.group.nmembers, 2);
	assert_string_equal(c.group.members[0], "ae-cert");
	assert_string_equal(c.group.members[1], "ru-cert");
	assert_int_equal(hl_content_write(&c, &b), 0);
	assert_int_equal(b.len, strlen(open));
	assert_memory_equal(b.data, open, b.len);
	hl_content_free(&c);
	assert_int_equal(strlen(vectors[0]), 185);
	assert_int_equal(strlen(vectors[1]), 182);
	assert_int_equal(strlen(vectors[2]), 196);
	for (size_t i = 0; i < 3; i++) {
		b.len = 0;
		assert_int_equal(hl_content_parse((const unsigned char *)vectors[i],
						  strlen(vectors[i]), &c), 0);
		assert_int_equal(hl_content_write(&c, &b), 0);
		assert_int_equal(b.len, strlen(vectors[i]));
		assert_memory_equal(b.data, vectors[i], b.len);
		hl_content_free(&c);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i]) != -HL_ECONTENT)
			fail_msg("accepted or refused otherwise: %s", bad[i]);
	/* The types that may carry it. */
	assert_int_equal(parse("{" GROUP_C "," TEXT ",\"type\":\"check\",\"v\":1}"), 0);
	assert_int_equal(parse("{" GROUP_O "," CASE "," TEXT ",\"type\":\"update\",\"v\":1}"), 0);
	assert_int_equal(parse("{" GROUP_C "," CASE ",\"actions\":[\"investigate\"]," TEXT
			       ",\"type\":\"request\",\"v\":1}"), 0);
	/* The owner's close of a group case (8.16). */
	assert_int_equal(parse("{" GROUP_C "," CASE "," TEXT ",\"type\":\"close\",\"v\":1}"), 0);
	/* The writer checks the same: sorted, unique, valid, bounded. */
	c = (struct hl_content){.type = "notify", .text = {"en", "x", 1}, .has_group = true};
	memcpy(c.group.id, GID, sizeof(GID));
	c.group.open = true;
	snprintf(c.group.name, sizeof(c.group.name), "g");
	c.group.members = names;
	for (size_t i = 0; i <= HL_GROUP_MEMBERS_MAX; i++) {
		snprintf(many[i], sizeof(many[i]), "m%05zu", i);
		names[i] = many[i];
	}
	c.group.nmembers = HL_GROUP_MEMBERS_MAX;
	b.len = 0;
	assert_int_equal(hl_content_write(&c, &b), 0);
	assert_int_equal(parse((const char *)b.data), 0);
	c.group.nmembers = HL_GROUP_MEMBERS_MAX + 1;
	assert_int_equal(hl_content_write(&c, &b), -HL_ECONTENT);
	names[1] = names[0];
	c.group.nmembers = 2;
	assert_int_equal(hl_content_write(&c, &b), -HL_ECONTENT);
	names[1] = "Bad";
	assert_int_equal(hl_content_write(&c, &b), -HL_ECONTENT);
	names[1] = many[1];
	c.group.nmembers = 0;
	assert_int_equal(hl_content_write(&c, &b), -HL_ECONTENT);
	c.group.open = false;
	c.group.id[0] = 'A';
	assert_int_equal(hl_content_write(&c, &b), -HL_ECONTENT);
	c.group.id[0] = '0';
	memcpy(c.type, "ack", 4);
	c.has_ref = true;
	c.ref = (struct hl_ref){.from = "ru-cert", .seq = 1};
	assert_int_equal(hl_content_write(&c, &b), -HL_ECONTENT);
	hl_buf_free(&b);
}

/* The control messages (8.13): each with its members, nothing else; a
 * reason where one is needed; terms that make sense. */
static void test_content_control(void **state)
{
	static const char terms[] = "{\"operator\":{\"name\":\"ana\",\"role\":\"supervisor\"},"
		TERMS ",\"text\":{\"lang\":\"en\",\"text\":\"terms for 2027\"},"
		"\"type\":\"terms\",\"v\":1}";
	struct hl_content c;
	struct hl_buf b;

	(void)state;
	assert_true(hl_content_is_control("suspend"));
	assert_true(hl_content_is_control("terms-accept"));
	assert_false(hl_content_is_control("notify"));
	assert_false(hl_content_is_control("check"));
	assert_false(hl_content_is_control("no-such-type"));
	/* A proposal carries its terms, and only a proposal does. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"terms\"," TEXT "," TERMS "}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"terms\"," TEXT "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," TERMS "}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"terms\"," TEXT "," TERMS "," REF "}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"terms\"," TEXT ",\"terms\":{\"ack\":"
			       "{\"flash\":900,\"immediate\":60,\"priority\":86400,\"routine\":"
			       "259200},\"languages\":[\"en\"],\"receipt\":{\"flash\":10,"
			       "\"immediate\":20,\"priority\":30,\"routine\":40},\"suspect\":1,"
			       "\"version\":1}}"), -HL_ETERMS);
	/* An answer to terms names them; a decline says why. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"terms-accept\"," TEXT "," REF "}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"terms-accept\"," TEXT "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"terms-decline\"," REASON "," REF "}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"terms-decline\"," EMPTY "," REF "}"),
			 -HL_ECONTENT);
	/* A suspension and an archive say why; a resumption names its
	 * suspension and both cards as its sender holds them. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"suspend\"," REASON "}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"suspend\"," EMPTY "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"suspend\"," REASON "," CASE "}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"archive\"," EMPTY "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"resume\"," TEXT "," REF "," CARDS "}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"resume\"," TEXT "," REF "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"resume\"," TEXT "," REF ",\"cards\":"
			       "{\"us-cert\":\"" LEAF "\"}}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"resume\"," TEXT "," REF ",\"cards\":"
			       "{\"us-cert\":\"" LEAF "\",\"Ru Cert\":\"" LEAF "\"}}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"resume\"," TEXT "," REF ",\"cards\":"
			       "{\"us-cert\":\"" LEAF "\",\"ru-cert\":\"AAAA\"}}"), -HL_ECONTENT);
	/* A key change carries the new card, and what it revokes: known
	 * uses, in their order, once; a rekey revokes the signing key. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"card\"," TEXT "," CARD "}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"card\"," TEXT "," CARD
			       ",\"revoke\":[\"sign\",\"tls\"]}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"card\"," TEXT "}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"card\"," TEXT "," CARD
			       ",\"revoke\":[\"tls\",\"sign\"]}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"card\"," TEXT "," CARD
			       ",\"revoke\":[\"box\",\"box\"]}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"card\"," TEXT "," CARD
			       ",\"revoke\":[\"pgp\"]}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"card\"," TEXT "," CARD ",\"revoke\":[]}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"card\"," TEXT ",\"card\":\"\"}"),
			 -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"rekey\"," TEXT "," CARD
			       ",\"revoke\":[\"sign\",\"box\"]}"), 0);
	assert_int_equal(parse("{\"v\":1,\"type\":\"rekey\"," TEXT "," CARD
			       ",\"revoke\":[\"box\"]}"), -HL_ECONTENT);
	assert_int_equal(parse("{\"v\":1,\"type\":\"notify\"," TEXT "," CARD "}"), -HL_ECONTENT);
	/* A proposal written back is the same bytes (docs/protocol.md's vector). */
	hl_buf_init(&b, 4096);
	assert_int_equal(hl_content_parse((const unsigned char *)terms, strlen(terms), &c), 0);
	assert_true(c.has_terms);
	assert_int_equal(c.terms.ack[HL_FLASH], 900);
	assert_int_equal(c.terms.nlanguages, 2);
	assert_int_equal(hl_content_write(&c, &b), 0);
	hl_content_free(&c);
	assert_int_equal(b.len, strlen(terms));
	assert_memory_equal(b.data, terms, b.len);
	hl_buf_free(&b);
	/* A resumption's cards are kept in name order, and written so. */
	{
		static const char resume[] = "{\"cards\":{\"ru-cert\":\"" LEAF "\",\"us-cert\":"
			"\"" LEAF "\"},\"ref\":{\"from\":\"ru-cert\",\"leaf\":\"" LEAF "\","
			"\"seq\":2}," TEXT ",\"type\":\"resume\",\"v\":1}";

		hl_buf_init(&b, 4096);
		assert_int_equal(hl_content_parse((const unsigned char *)resume, strlen(resume),
						  &c), 0);
		assert_string_equal(c.cards[0].name, "ru-cert");
		assert_string_equal(c.cards[1].name, "us-cert");
		assert_int_equal(hl_content_write(&c, &b), 0);
		hl_content_free(&c);
		assert_memory_equal(b.data, resume, strlen(resume));
		hl_buf_free(&b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lang_well_formed),
		cmocka_unit_test(test_lang_same_primary),
		cmocka_unit_test(test_content_round_trip),
		cmocka_unit_test(test_content_encode_refuses),
		cmocka_unit_test(test_content_parse_strict),
		cmocka_unit_test(test_content_ref),
		cmocka_unit_test(test_content_rules),
		cmocka_unit_test(test_content_number),
		cmocka_unit_test(test_content_operator),
		cmocka_unit_test(test_content_operator_write),
		cmocka_unit_test(test_content_control),
		cmocka_unit_test(test_content_group),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("content", tests, NULL, NULL);
}
