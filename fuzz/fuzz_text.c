/* fuzz_text.c - libFuzzer target for the text helpers.
 *
 * hl_utf8_valid is checked against an independent validator written
 * from the Unicode Standard's table 3-7 of well-formed byte sequences;
 * the number, base64 and time parsers must accept only the one spelling
 * that their formatters write back.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "text.h"

#define B64_RAW_MAX 3072

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	return 0;
}

/* Length of the well-formed sequence at s (table 3-7), or 0. */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
	static const struct {
		uint8_t first_lo, first_hi, second_lo, second_hi, len;
	} rows[] = {
		{0x00, 0x7f, 0, 0, 1},
		{0xc2, 0xdf, 0x80, 0xbf, 2},
		{0xe0, 0xe0, 0xa0, 0xbf, 3},
		{0xe1, 0xec, 0x80, 0xbf, 3},
		{0xed, 0xed, 0x80, 0x9f, 3},
		{0xee, 0xef, 0x80, 0xbf, 3},
		{0xf0, 0xf0, 0x90, 0xbf, 4},
		{0xf1, 0xf3, 0x80, 0xbf, 4},
		{0xf4, 0xf4, 0x80, 0x8f, 4},
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		size_t len = rows[i].len;

		if (s[0] < rows[i].first_lo || s[0] > rows[i].first_hi)
			continue;
		if (n < len)
			return 0;
		if (len > 1 && (s[1] < rows[i].second_lo || s[1] > rows[i].second_hi))
			return 0;
		for (size_t k = 2; k < len; k++)
			if (s[k] < 0x80 || s[k] > 0xbf)
				return 0;
		return len;
	}
	return 0;
}

static bool utf8_reference(const uint8_t *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t len = utf8_seq(s + i, n - i);

		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

static void check_u64(const char *s, size_t n)
{
	char back[24];
	uint64_t v;

	if (hl_parse_u64(s, n, UINT64_MAX, &v) < 0)
		return;
	snprintf(back, sizeof(back), "%" PRIu64, v);
	assert(strlen(back) == n && memcmp(back, s, n) == 0);
}

static void check_b64(const char *s, size_t n)
{
	unsigned char raw[B64_RAW_MAX];
	char back[B64_RAW_MAX / 3 * 4 + 1];
	size_t want = n / 4 * 3;

	if (n == 0 || n % 4 != 0 || want > B64_RAW_MAX)
		return;
	for (size_t pad = 0; pad <= 2; pad++) {
		if (hl_b64_exact(s, n, raw, want - pad) < 0)
			continue;
		sodium_bin2base64(back, sizeof(back), raw, want - pad,
				  sodium_base64_VARIANT_ORIGINAL);
		assert(strlen(back) == n && memcmp(back, s, n) == 0);
	}
}

/* A parsed time formats back to its input; the first eight bytes, read
 * as seconds, survive format and parse when they fit the format. */
static void check_time(const char *s, size_t n)
{
	char back[HL_TIME_LEN + 1];
	int64_t t, u;

	if (hl_time_parse(s, n, &t) == 0) {
		assert(t >= 0);
		hl_time_format(t, back);
		assert(n == HL_TIME_LEN && memcmp(back, s, n) == 0);
	}
	if (n < sizeof(t))
		return;
	memcpy(&t, s, sizeof(t));
	hl_time_format(t, back);
	if (t >= 0 && t <= INT64_C(253402300799))	/* 9999-12-31T23:59:59Z */
		assert(hl_time_parse(back, HL_TIME_LEN, &u) == 0 && u == t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	int r;

	assert(hl_utf8_valid(data, size) == utf8_reference(data, size));
	r = hl_text_check(data, size);
	assert(r < 0 || utf8_reference(data, size));
	if (hl_name_valid(s, size))
		assert(size >= 1 && size <= HL_NAME_MAX);
	check_u64(s, size);
	check_b64(s, size);
	check_time(s, size);
	return 0;
}
