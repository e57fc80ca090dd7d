/* test_text.c - UTF-8, names, lines, numbers, base64 and times.
 *
 * These checks decide which byte strings are signed objects at all, so
 * each boundary is tested from both sides: the last valid value and the
 * first invalid one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <sodium.h>

#include "error.h"
#include "text.h"
#include "testlib.h"

struct u8case {
	const char *what;
	const char *s;
	bool valid;
};

static const struct u8case u8cases[] = {
	{"empty", "", true},
	{"ascii", "hotline.card/v1\n", true},
	{"arabic", "أكد السفير الروسي لدى الولايات المتحدة", true},
	{"chinese", "网络安全热线", true},
	{"russian", "Проверка связи", true},
	{"emoji U+1F600", "\xf0\x9f\x98\x80", true},
	{"U+0080", "\xc2\x80", true},
	{"U+07FF", "\xdf\xbf", true},
	{"U+0800", "\xe0\xa0\x80", true},
	{"U+D7FF", "\xed\x9f\xbf", true},
	{"U+E000", "\xee\x80\x80", true},
	{"U+FFFF", "\xef\xbf\xbf", true},
	{"U+10000", "\xf0\x90\x80\x80", true},
	{"U+10FFFF", "\xf4\x8f\xbf\xbf", true},
	{"overlong NUL", "\xc0\x80", false},
	{"overlong '/' 2", "\xc0\xaf", false},
	{"overlong U+7F", "\xc1\xbf", false},
	{"overlong '/' 3", "\xe0\x80\xaf", false},
	{"overlong U+7FF", "\xe0\x9f\xbf", false},
	{"overlong '/' 4", "\xf0\x80\x80\xaf", false},
	{"overlong U+FFFF", "\xf0\x8f\xbf\xbf", false},
	{"surrogate D800", "\xed\xa0\x80", false},
	{"surrogate DBFF", "\xed\xaf\xbf", false},
	{"surrogate DC00", "\xed\xb0\x80", false},
	{"surrogate DFFF", "\xed\xbf\xbf", false},
	{"surrogate pair", "\xed\xa0\xbd\xed\xb8\x80", false},
	{"U+110000", "\xf4\x90\x80\x80", false},
	{"lead F5", "\xf5\x80\x80\x80", false},
	{"lead F7 max", "\xf7\xbf\xbf\xbf", false},
	{"5-byte form", "\xf8\x88\x80\x80\x80", false},
	{"6-byte form", "\xfc\x84\x80\x80\x80\x80", false},
	{"byte FE", "\xfe", false},
	{"byte FF", "\xff", false},
	{"lone continuation", "\x80", false},
	{"continuation after ascii", "a\xbf", false},
	{"truncated 2 at end", "abc\xd0", false},
	{"truncated 3 at end", "abc\xe4\xb8", false},
	{"truncated 4 at end", "abc\xf0\x9f\x98", false},
	{"truncated 3 then ascii", "\xe4\xb8" "a", false},
	{"truncated 4 then ascii", "\xf0\x9f\x98" "a", false},
	{"lead then lead", "\xd0\xd0\x9f", false},
	{"latin-1 e-acute", "caf\xe9", false},
};

static void test_utf8_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(u8cases) / sizeof(u8cases[0]); i++) {
		const struct u8case *c = &u8cases[i];
		bool got = hl_utf8_valid((const unsigned char *)c->s, strlen(c->s));

		if (got != c->valid)
			fail_msg("utf8 \"%s\": got %d, want %d", c->what, got, c->valid);
	}
}

/* Embedded NUL is valid UTF-8 (the text check rejects it as a control). */
static void test_utf8_nul(void **state)
{
	(void)state;
	assert_true(hl_utf8_valid((const unsigned char *)"a\0b", 3));
	assert_int_equal(hl_text_check((const unsigned char *)"a\0b", 3),
			 -HL_ECONTROL);
}

/* Cutting multi-byte text inside a character leaves invalid UTF-8. */
static void test_utf8_every_prefix(void **state)
{
	static const char *const texts[] = {
		"أكد السفير", "网络安全热线", "Проверка", "a\xf0\x9f\x98\x80z",
	};

	(void)state;
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		const unsigned char *s = (const unsigned char *)texts[t];
		size_t n = strlen(texts[t]);

		for (size_t k = 0; k <= n; k++) {
			bool boundary = k == n || (s[k] & 0xc0) != 0x80;
			unsigned char *p = tl_dup(s, k);

			assert_int_equal(hl_utf8_valid(p, k), boundary);
			free(p);
		}
	}
}

static void test_text_check(void **state)
{
	const unsigned char *ok = (const unsigned char *)"line one\nстрока\n";

	(void)state;
	assert_int_equal(hl_text_check(ok, strlen((const char *)ok)), 0);
	for (unsigned c = 0; c < 0x20; c++) {
		unsigned char s[3] = {'a', (unsigned char)c, 'b'};

		assert_int_equal(hl_text_check(s, 3), c == '\n' ? 0 : -HL_ECONTROL);
	}
	assert_int_equal(hl_text_check((const unsigned char *)"a\x7f", 2),
			 -HL_ECONTROL);
	assert_int_equal(hl_text_check((const unsigned char *)"a\r\n", 3),
			 -HL_ECONTROL);
	assert_int_equal(hl_text_check((const unsigned char *)"a\tb", 3),
			 -HL_ECONTROL);
	assert_int_equal(hl_text_check((const unsigned char *)"\xc0\x80", 2),
			 -HL_EUTF8);
	assert_int_equal(hl_text_check((const unsigned char *)"ok\xff\n", 4),
			 -HL_EUTF8);
	assert_int_equal(hl_text_check((const unsigned char *)"", 0), 0);
}

static void test_name_valid(void **state)
{
	char longest[HL_NAME_MAX + 2];

	(void)state;
	assert_true(hl_name_valid("ru-cert", 7));
	assert_true(hl_name_valid("a", 1));
	assert_true(hl_name_valid("0", 1));
	assert_true(hl_name_valid("cert.gov-2", 10));
	assert_true(hl_name_valid("a-b", 3));
	assert_true(hl_name_valid("a..b", 4));
	memset(longest, 'a', sizeof(longest));
	assert_true(hl_name_valid(longest, HL_NAME_MAX));
	assert_false(hl_name_valid(longest, HL_NAME_MAX + 1));
	assert_false(hl_name_valid("", 0));
	assert_false(hl_name_valid("-a", 2));
	assert_false(hl_name_valid(".a", 2));
	assert_false(hl_name_valid("a-", 2));
	assert_false(hl_name_valid("a.", 2));
	assert_false(hl_name_valid("-", 1));
	assert_false(hl_name_valid("Ru-cert", 7));
	assert_false(hl_name_valid("ru_cert", 7));
	assert_false(hl_name_valid("ru cert", 7));
	assert_false(hl_name_valid("ru+cert", 7));
	assert_false(hl_name_valid("ru/cert", 7));
	assert_false(hl_name_valid("ru\ncert", 7));
	assert_false(hl_name_valid("ru\0cert", 7));
	assert_false(hl_name_valid("рф", strlen("рф")));
}

static void test_lines(void **state)
{
	static const char s[] = "one\n\nthree\nno newline";
	struct hl_lines l;
	const char *line;
	size_t len;

	(void)state;
	hl_lines_init(&l, s, strlen(s));
	assert_true(hl_lines_next(&l, &line, &len));
	assert_int_equal(len, 3);
	assert_memory_equal(line, "one", 3);
	assert_true(hl_lines_next(&l, &line, &len));
	assert_int_equal(len, 0);
	assert_true(hl_lines_next(&l, &line, &len));
	assert_int_equal(len, 5);
	assert_memory_equal(line, "three", 5);
	assert_false(hl_lines_next(&l, &line, &len));
	hl_lines_init(&l, s, 0);
	assert_false(hl_lines_next(&l, &line, &len));
}

static void test_field_split(void **state)
{
	const char *v, *rest;
	size_t vn, hn, rn;

	(void)state;
	assert_true(hl_field("name ru", 7, "name", &v, &vn));
	assert_int_equal(vn, 2);
	assert_memory_equal(v, "ru", 2);
	assert_true(hl_field("name a b", 8, "name", &v, &vn));
	assert_int_equal(vn, 3);
	assert_false(hl_field("name ", 5, "name", &v, &vn));
	assert_false(hl_field("name", 4, "name", &v, &vn));
	assert_false(hl_field("names ru", 8, "name", &v, &vn));
	assert_false(hl_field("nam ru", 6, "name", &v, &vn));
	assert_true(hl_split("key ru abc", 10, &hn, &rest, &rn));
	assert_int_equal(hn, 3);
	assert_int_equal(rn, 6);
	assert_memory_equal(rest, "ru abc", 6);
	assert_false(hl_split(" ru", 3, &hn, &rest, &rn));
	assert_false(hl_split("ru ", 3, &hn, &rest, &rn));
	assert_false(hl_split("ru", 2, &hn, &rest, &rn));
}

static int u64(const char *s, uint64_t max, uint64_t *out)
{
	return hl_parse_u64(s, strlen(s), max, out);
}

static void test_parse_u64(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(u64("0", 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(u64("1", 10, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(u64("10", 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(u64("11", 10, &v), -HL_ENUMBER);
	assert_int_equal(u64("18446744073709551615", UINT64_MAX, &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(u64("18446744073709551616", UINT64_MAX, &v), -HL_ENUMBER);
	assert_int_equal(u64("18446744073709551620", UINT64_MAX, &v), -HL_ENUMBER);
	assert_int_equal(u64("99999999999999999999", UINT64_MAX, &v), -HL_ENUMBER);
	assert_int_equal(u64("100000000000000000000", UINT64_MAX, &v), -HL_ENUMBER);
	assert_int_equal(u64("9223372036854775807", INT64_MAX, &v), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(u64("9223372036854775808", INT64_MAX, &v), -HL_ENUMBER);
	assert_int_equal(u64("", 10, &v), -HL_ENUMBER);
	assert_int_equal(u64("00", 10, &v), -HL_ENUMBER);
	assert_int_equal(u64("01", 10, &v), -HL_ENUMBER);
	assert_int_equal(u64("007", 10, &v), -HL_ENUMBER);
	assert_int_equal(u64("+1", 10, &v), -HL_ENUMBER);
	assert_int_equal(u64("-1", 10, &v), -HL_ENUMBER);
	assert_int_equal(u64(" 1", 10, &v), -HL_ENUMBER);
	assert_int_equal(u64("1 ", 10, &v), -HL_ENUMBER);
	assert_int_equal(u64("1a", 10, &v), -HL_ENUMBER);
	assert_int_equal(u64("0x1", 10, &v), -HL_ENUMBER);
	assert_int_equal(u64("١", 10, &v), -HL_ENUMBER);	/* Arabic-Indic one */
}

/* A maximum below 9 still bounds a one-digit number. */
static void test_parse_u64_small_max(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(u64("0", 0, &v), 0);
	assert_int_equal(u64("1", 0, &v), -HL_ENUMBER);
	assert_int_equal(u64("5", 5, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(u64("6", 5, &v), -HL_ENUMBER);
	assert_int_equal(u64("9", 5, &v), -HL_ENUMBER);
	assert_int_equal(u64("9", 8, &v), -HL_ENUMBER);
	assert_int_equal(u64("9", 9, &v), 0);
}

static void test_b64_exact(void **state)
{
	unsigned char in[32], out[33];
	char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i * 37 + 250);
	sodium_bin2base64(b64, sizeof(b64), in, 32, sodium_base64_VARIANT_ORIGINAL);
	n = strlen(b64);
	assert_int_equal(n, 44);
	assert_int_equal(b64[43], '=');
	assert_int_equal(hl_b64_exact(b64, n, out, 32), 0);
	assert_memory_equal(out, in, 32);
	assert_int_equal(hl_b64_exact(b64, n, out, 31), -HL_EBASE64);
	assert_int_equal(hl_b64_exact(b64, n, out, 33), -HL_EBASE64);
	assert_int_equal(hl_b64_exact(b64, n - 1, out, 32), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("", 0, out, 32), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("", 0, out, 0), 0);
}

/* One spelling per value: padding bits, alphabet and padding fixed. */
static void test_b64_noncanonical(void **state)
{
	unsigned char out[2];

	(void)state;
	assert_int_equal(hl_b64_exact("AAA=", 4, out, 2), 0);
	assert_int_equal(hl_b64_exact("AAB=", 4, out, 2), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("AAE=", 4, out, 2), 0);
	assert_int_equal(hl_b64_exact("AAC=", 4, out, 2), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("AA==", 4, out, 1), 0);
	assert_int_equal(hl_b64_exact("AB==", 4, out, 1), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("AP==", 4, out, 1), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("AAA", 3, out, 2), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("+/8=", 4, out, 2), 0);
	assert_int_equal(hl_b64_exact("-_8=", 4, out, 2), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("A A=", 4, out, 2), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("A=A=", 4, out, 2), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("AAA\n", 4, out, 2), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("AA=A", 4, out, 2), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("AA\xc3\xa9", 4, out, 2), -HL_EBASE64);
}

/* libsodium's decoder reads bytes 0x80..0xff as '/': they must never
 * reach it, or "\xff" would be a second spelling of "/". */
static void test_b64_high_bytes(void **state)
{
	unsigned char out[2];

	(void)state;
	assert_int_equal(hl_b64_exact("//8=", 4, out, 2), 0);
	assert_int_equal(out[0], 0xff);
	assert_int_equal(out[1], 0xff);
	assert_int_equal(hl_b64_exact("\xff/8=", 4, out, 2), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("/\xaf" "8=", 4, out, 2), -HL_EBASE64);
	assert_int_equal(hl_b64_exact("\x80\x80" "8=", 4, out, 2), -HL_EBASE64);
	assert_true(hl_b64_alphabet("AZaz09+/=", 9));
	assert_false(hl_b64_alphabet("-", 1));
	assert_false(hl_b64_alphabet("_", 1));
	assert_false(hl_b64_alphabet("\xff", 1));
	assert_false(hl_b64_alphabet(" ", 1));
	assert_false(hl_b64_alphabet("A\0", 2));
}

static int tparse(const char *s, int64_t *t)
{
	return hl_time_parse(s, strlen(s), t);
}

static void assert_time(const char *s, int64_t want)
{
	int64_t t = -1;
	char out[HL_TIME_LEN + 1];

	assert_int_equal(tparse(s, &t), 0);
	assert_int_equal(t, want);
	hl_time_format(t, out);
	assert_string_equal(out, s);
}

static void test_time_known(void **state)
{
	(void)state;
	assert_time("1970-01-01T00:00:00Z", 0);
	assert_time("1970-01-01T00:00:01Z", 1);
	assert_time("1970-01-02T00:00:00Z", 86400);
	assert_time(TL_CREATED_STR, TL_CREATED);
	assert_time("2000-02-29T00:00:00Z", 951782400);
	assert_time("2000-03-01T00:00:00Z", 951782400 + 86400);
	assert_time("2024-02-29T23:59:59Z", 1709251199);
	assert_time("2024-12-31T12:00:00Z", 1735646400);
	assert_time("2038-01-19T03:14:08Z", 2147483648);
	assert_time("2400-02-29T00:00:00Z", 13574563200);
	assert_time("9999-12-31T23:59:59Z", 253402300799);
}

static void test_time_invalid(void **state)
{
	static const char *const bad[] = {
		"1900-02-29T00:00:00Z",	/* 1900 is no leap year (and too early) */
		"2100-02-29T00:00:00Z",	/* nor is 2100 */
		"2023-02-29T00:00:00Z",
		"2024-02-30T00:00:00Z",
		"2026-04-31T00:00:00Z",
		"2026-06-31T00:00:00Z",
		"2026-09-31T00:00:00Z",
		"2026-11-31T00:00:00Z",
		"2026-01-32T00:00:00Z",
		"2026-00-10T00:00:00Z",
		"2026-13-01T00:00:00Z",
		"2026-01-00T00:00:00Z",
		"2026-01-01T24:00:00Z",
		"2026-01-01T00:60:00Z",
		"2026-12-31T23:59:60Z",	/* no leap seconds */
		"1969-12-31T23:59:59Z",
		"0000-01-01T00:00:00Z",
		"2026-11-22t09:54:00Z",
		"2026-11-22T09:54:00z",
		"2026-11-22 09:54:00Z",
		"2026-11-22T09:54:00",
		"2026-11-22T09:54:00+00:00",
		"2026-11-22T09:54:00.0Z",
		"2026-11-22T09:54Z",
		"26-11-22T09:54:00Z",
		"2026/11/22T09:54:00Z",
		"2026-1-22T09:54:00Z ",
		"2026-11-22T9:54:00ZZ",
		"+026-11-22T09:54:00Z",
		"2026-11-2aT09:54:00Z",
		"2026-11-22T09:5 :00Z",
		"",
	};
	int64_t t = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = tparse(bad[i], &t);

		if (r != -HL_ETIME)
			fail_msg("time \"%s\": got %d, want %d", bad[i], r, -HL_ETIME);
	}
	assert_int_equal(t, 42);
}

/* Every day from 1970 to 9999 (and a changing time of day) survives
 * format then parse; leap days come out where the calendar has them. */
static void test_time_round_trip(void **state)
{
	int64_t last = HL_TIME_MAX, t, back;
	char s[HL_TIME_LEN + 1];
	unsigned feb29 = 0;

	(void)state;
	for (int64_t day = 0; day * 86400 <= last; day++) {
		t = day * 86400 + (day * 7919) % 86400;
		hl_time_format(t, s);
		assert_int_equal(strlen(s), HL_TIME_LEN);
		assert_int_equal(tparse(s, &back), 0);
		assert_int_equal(back, t);
		if (memcmp(s + 4, "-02-29", 6) == 0)
			feb29++;
	}
	/* 8030 years, 1/4 leap, minus centuries not divisible by 400. */
	assert_int_equal(feb29, 1947);
}

/* Formatting is total: every int64 is either its one spelling, which
 * parses back to it, or HL_TIME_INVALID, never some other date (2^63-1
 * used to print as a day of year 9999). */
static void test_time_format_range(void **state)
{
	static const int64_t bad[] = {-1, -86400, INT64_MIN, INT64_MIN + 1, HL_TIME_MAX + 1,
				      HL_TIME_MAX + 86400, INT64_MAX, INT64_MAX - 86399};
	static const struct { int64_t t; const char *s; } good[] = {
		{0, "1970-01-01T00:00:00Z"},
		{86399, "1970-01-01T23:59:59Z"},
		{HL_TIME_MAX - 86399, "9999-12-31T00:00:00Z"},
		{HL_TIME_MAX, "9999-12-31T23:59:59Z"},
	};
	char s[HL_TIME_LEN + 1];
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(s, 'x', sizeof(s));
		assert_false(hl_time_format(bad[i], s));
		assert_string_equal(s, HL_TIME_INVALID);
		assert_int_equal(tparse(s, &t), -HL_ETIME);
		assert_false(hl_time_valid(bad[i]));
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_true(hl_time_format(good[i].t, s));
		assert_string_equal(s, good[i].s);
		assert_int_equal(tparse(s, &t), 0);
		assert_int_equal(t, good[i].t);
		assert_true(hl_time_valid(good[i].t));
	}
	assert_int_equal(tparse("10000-01-01T00:00:00Z", &t), -HL_ETIME);
	assert_int_equal(tparse("1969-12-31T23:59:59Z", &t), -HL_ETIME);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_table),
		cmocka_unit_test(test_utf8_nul),
		cmocka_unit_test(test_utf8_every_prefix),
		cmocka_unit_test(test_text_check),
		cmocka_unit_test(test_name_valid),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_field_split),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_u64_small_max),
		cmocka_unit_test(test_b64_exact),
		cmocka_unit_test(test_b64_noncanonical),
		cmocka_unit_test(test_b64_high_bytes),
		cmocka_unit_test(test_time_known),
		cmocka_unit_test(test_time_invalid),
		cmocka_unit_test(test_time_round_trip),
		cmocka_unit_test(test_time_format_range),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
