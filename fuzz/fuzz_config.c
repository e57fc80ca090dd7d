/* fuzz_config.c - libFuzzer target for hotline.conf and its durations.
 *
 * Any input is tried as a whole hotline.conf.  One that parses must hold
 * only values the parser promises (durations in 1s..366d, valid names,
 * 1 to 6 distinct language tags, distinct links each with a key set), and hl_config_format must write
 * it as a file that parses to the same settings, field by field and link
 * by link, and that formats again to the same bytes.  One that fails
 * must say why and on which line, and that line must be the first bad
 * one: the lines before it parse (short of a name, or of what no one
 * line decides: console.listen on the peer port, console.cert without
 * console.key) and those after it do not change the verdict.
 *
 * A short input is also tried as a duration against a plain reading of
 * the rule ("1d", "90m": digits without a leading zero, one of s m h d,
 * at most 366 days), and one that parses must format back to itself.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "error.h"
#include "text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define YEAR ((int64_t)366 * 86400)

/* Large, so static; the target runs on one thread. */
static struct hl_config first, second, prefix;

static bool duration_ok(int64_t v)
{
	return v > 0 && v <= YEAR;
}

static void check_link(const struct hl_config *c, unsigned i)
{
	const struct hl_config_link *l = &c->links[i];
	bool any = l->check_every != 0;

	assert(hl_name_valid(l->name, strlen(l->name)));
	for (unsigned j = 0; j < i; j++)
		assert(strcmp(c->links[j].name, l->name) != 0);
	for (int p = 0; p < 4; p++) {
		assert(l->ack_due[p] == 0 || duration_ok(l->ack_due[p]));
		assert(l->receipt_due[p] == 0 || duration_ok(l->receipt_due[p]));
		any = any || l->ack_due[p] || l->receipt_due[p];
		assert(hl_config_ack_due(c, l->name, p) ==
		       (l->ack_due[p] ? l->ack_due[p] : c->ack_due[p]));
		assert(hl_config_receipt_due(c, l->name, p) ==
		       (l->receipt_due[p] ? l->receipt_due[p] : c->receipt_due[p]));
	}
	assert(l->check_every == 0 || l->check_every == HL_CHECK_NONE ||
	       duration_ok(l->check_every));
	/* A section exists only for a link the file said something about. */
	assert(any);
}

/* What a parsed config promises. */
static void check_values(const struct hl_config *c)
{
	assert(hl_name_valid(c->name, strlen(c->name)));
	assert(hl_endpoint_check(c->endpoint) == 0);
	assert(hl_listen_check(c->listen) == 0);
	for (int p = 0; p < 4; p++)
		assert(duration_ok(c->ack_due[p]) && duration_ok(c->receipt_due[p]));
	assert(c->nladder >= 1 && c->nladder <= HL_LADDER_MAX);
	for (unsigned i = 0; i < c->nladder; i++)
		assert(hl_name_valid(c->ladder[i], strlen(c->ladder[i])) &&
		       strlen(c->ladder[i]) <= HL_STEP_NAME_MAX);
	assert(duration_ok(c->escalate_every));
	assert(c->escalate_command[0] == 0 || c->escalate_command[0] == '/');
	assert(c->check_every == 0 || c->check_every == HL_CHECK_NONE ||
	       duration_ok(c->check_every));
	assert(c->check_precedence >= HL_FLASH && c->check_precedence <= HL_ROUTINE);
	assert(c->nlanguages >= 1 && c->nlanguages <= HL_TERMS_LANGS_MAX);
	for (unsigned i = 0; i < c->nlanguages; i++) {
		assert(hl_lang_valid(c->languages[i], strlen(c->languages[i])));
		for (unsigned j = 0; j < i; j++)
			assert(strcasecmp(c->languages[i], c->languages[j]) != 0);
	}
	assert(duration_ok(c->suspect));
	assert(c->nlinks <= HL_CONFIG_LINKS_MAX);
	for (unsigned i = 0; i < c->nlinks; i++)
		check_link(c, i);
}

static void link_equal(const struct hl_config_link *a, const struct hl_config_link *b)
{
	assert(strcmp(a->name, b->name) == 0);
	for (int p = 0; p < 4; p++) {
		assert(a->ack_due[p] == b->ack_due[p]);
		assert(a->receipt_due[p] == b->receipt_due[p]);
	}
	assert(a->check_every == b->check_every);
}

static void config_equal(const struct hl_config *a, const struct hl_config *b)
{
	assert(strcmp(a->name, b->name) == 0);
	assert(strcmp(a->endpoint, b->endpoint) == 0);
	assert(strcmp(a->listen, b->listen) == 0);
	for (int p = 0; p < 4; p++) {
		assert(a->ack_due[p] == b->ack_due[p]);
		assert(a->receipt_due[p] == b->receipt_due[p]);
	}
	assert(a->nladder == b->nladder);
	for (unsigned i = 0; i < a->nladder; i++)
		assert(strcmp(a->ladder[i], b->ladder[i]) == 0);
	assert(a->escalate_every == b->escalate_every);
	assert(strcmp(a->escalate_command, b->escalate_command) == 0);
	assert(strcmp(a->escalate_webhook, b->escalate_webhook) == 0);
	assert(a->check_every == b->check_every);
	assert(a->check_precedence == b->check_precedence);
	assert(a->nlanguages == b->nlanguages);
	for (unsigned i = 0; i < a->nlanguages; i++)
		assert(strcmp(a->languages[i], b->languages[i]) == 0);
	assert(a->suspect == b->suspect);
	/* Links keep the order of their first mention, which the format
	 * keeps too. */
	assert(a->nlinks == b->nlinks);
	for (unsigned i = 0; i < a->nlinks; i++)
		link_equal(&a->links[i], &b->links[i]);
}

static void check_round_trip(const struct hl_config *c)
{
	struct hl_buf out, again;

	hl_buf_init(&out, HL_CONFIG_MAX);
	hl_buf_init(&again, HL_CONFIG_MAX);
	assert(hl_config_format(c, &out) == 0);
	assert(hl_config_parse((const char *)out.data, out.len, &second) == 0);
	config_equal(c, &second);
	assert(hl_config_format(&second, &again) == 0);
	assert(again.len == out.len && memcmp(again.data, out.data, out.len) == 0);
	hl_buf_free(&out);
	hl_buf_free(&again);
}

/* The length of text's first lines lines, with their newlines. */
static size_t lines_len(const char *text, size_t n, unsigned lines)
{
	size_t at = 0;

	while (lines && at < n) {
		const char *nl = memchr(text + at, '\n', n - at);

		at = nl ? (size_t)(nl - text) + 1 : n;
		lines--;
	}
	return at;
}

static unsigned count_lines(const char *text, size_t n)
{
	unsigned lines = 0;

	for (size_t i = 0; i < n; i++)
		lines += text[i] == '\n';
	return lines + (n && text[n - 1] != '\n');
}

static bool file_error(const char *err)
{
	return strcmp(err, "missing 'name'") == 0 || strcmp(err, "not UTF-8 text") == 0 ||
	       strcmp(err, "file too large") == 0 ||
	       strcmp(err, "console.listen: that is the peer port (listen); choose another") == 0 ||
	       strcmp(err, "console.cert and console.key go together") == 0;
}

static void check_failure(const char *text, size_t n, const struct hl_config *c)
{
	unsigned line = c->err_line;
	size_t len;

	assert(memchr(c->err, 0, sizeof(c->err)) && c->err[0]);
	if (line == 0) {
		assert(file_error(c->err));
		return;
	}
	assert(!file_error(c->err));
	assert(line <= count_lines(text, n));
	/* The lines before the bad one are good... */
	len = lines_len(text, n, line - 1);
	if (hl_config_parse(text, len, &prefix) < 0)
		assert(prefix.err_line == 0 && file_error(prefix.err));
	/* ...and the bad one is bad whatever follows it. */
	len = lines_len(text, n, line);
	assert(hl_config_parse(text, len, &prefix) == -HL_ECONFIG);
	assert(prefix.err_line == line && strcmp(prefix.err, c->err) == 0);
}

/* The rule as the header states it, read another way. */
static bool duration_ref(const char *s, size_t n, int64_t *out)
{
	static const char units[] = "smhd";
	static const int64_t secs[] = {1, 60, 3600, 86400};
	const char *u;
	int64_t v = 0;

	if (n < 2 || s[0] == '0' || !(u = memchr(units, s[n - 1], 4)))
		return false;
	for (size_t i = 0; i < n - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
		if (v > YEAR)
			return false;
	}
	v *= secs[u - units];
	if (!duration_ok(v))
		return false;
	*out = v;
	return true;
}

static void check_duration(const char *s, size_t n)
{
	char text[32];
	int64_t v = -2, ref = -3, back = -4;
	bool ok = hl_duration_parse(s, n, &v) == 0;

	assert(ok == duration_ref(s, n, &ref));
	if (!ok)
		return;
	assert(v == ref);
	hl_duration_format(v, text, sizeof(text));
	assert(hl_duration_parse(text, strlen(text), &back) == 0 && back == v);
	/* The largest unit that divides it, so never longer than the input. */
	assert(strlen(text) <= n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;

	if (size <= 24)
		check_duration(text, size);
	if (hl_config_parse(text, size, &first) < 0) {
		check_failure(text, size, &first);
		return 0;
	}
	check_values(&first);
	check_round_trip(&first);
	return 0;
}
