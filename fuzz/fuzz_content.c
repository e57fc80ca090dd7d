/* fuzz_content.c - libFuzzer target for message content and BCP 47 tags.
 *
 * Any input is tried as a language tag and as content JSON.  A tag that
 * is accepted holds only ASCII letters, digits and hyphens; content that
 * parses must encode again, and the encoding must parse back to the
 * same type, tags, texts, fields, operator, control members and group.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <jansson.h>

#include "content.h"
#include "lang.h"

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

static void check_tag(const uint8_t *data, size_t size)
{
	if (!hl_lang_valid((const char *)data, size))
		return;
	assert(size > 0 && size <= HL_LANG_MAX);
	for (size_t i = 0; i < size; i++)
		assert((data[i] >= 'a' && data[i] <= 'z') || (data[i] >= 'A' && data[i] <= 'Z') ||
		       (data[i] >= '0' && data[i] <= '9') || data[i] == '-');
}

static void same_text(const struct hl_text *a, const struct hl_text *b)
{
	assert(strcmp(a->lang, b->lang) == 0);
	assert(a->len == b->len);
	assert(memcmp(a->text, b->text, a->len) == 0);
}

static void same_code(const char *a, const char *b)
{
	assert(!a == !b);
	assert(!a || strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hl_content c, again;
	struct hl_buf out;

	check_tag(data, size);
	if (hl_content_parse(data, size, &c) < 0)
		return 0;
	hl_buf_init(&out, 4 * size + 1024);
	/* What parses is written back as it was read, and reads the same. */
	assert(hl_content_write(&c, &out) == 0);
	assert(hl_content_parse(out.data, out.len, &again) == 0);
	assert(strcmp(c.type, again.type) == 0);
	same_text(&c.text, &again.text);
	assert(c.has_summary == again.has_summary);
	if (c.has_summary)
		same_text(&c.summary, &again.summary);
	assert(c.has_ref == again.has_ref);
	if (c.has_ref)
		assert(memcmp(&c.ref, &again.ref, sizeof(c.ref)) == 0);
	assert(c.has_case == again.has_case);
	if (c.has_case)
		assert(memcmp(&c.case_ref, &again.case_ref, sizeof(c.case_ref)) == 0);
	same_code(c.category, again.category);
	same_code(c.tlp, again.tlp);
	same_code(c.severity, again.severity);
	same_code(c.answer, again.answer);
	assert(c.actions == again.actions);
	assert(strcmp(c.op_name, again.op_name) == 0);
	assert(strcmp(c.op_role, again.op_role) == 0);
	assert(!c.op_name[0] == !c.op_role[0]);
	assert(!c.stix == !again.stix);
	if (c.stix)
		assert(json_equal(c.stix, again.stix));
	/* And a control message's members (8.13). */
	assert(c.has_terms == again.has_terms);
	if (c.has_terms)
		assert(memcmp(&c.terms, &again.terms, sizeof(c.terms)) == 0);
	assert(!c.card == !again.card && c.card_len == again.card_len);
	if (c.card)
		assert(memcmp(c.card, again.card, c.card_len) == 0);
	assert(c.revoke == again.revoke);
	assert(c.has_cards == again.has_cards);
	if (c.has_cards)
		assert(memcmp(c.cards, again.cards, sizeof(c.cards)) == 0);
	/* And a group message's member (8.16). */
	assert(c.has_group == again.has_group);
	assert(strcmp(c.group.id, again.group.id) == 0);
	assert(c.group.open == again.group.open && c.group.nmembers == again.group.nmembers);
	assert(strcmp(c.group.name, again.group.name) == 0);
	for (size_t i = 0; i < c.group.nmembers; i++)
		assert(strcmp(c.group.members[i], again.group.members[i]) == 0);
	hl_content_free(&again);
	hl_content_free(&c);
	hl_buf_free(&out);
	return 0;
}
