/* fuzz_note.c - libFuzzer target for the signed-note codec.
 *
 * Parses the input as a note; on success checks that every view points
 * inside the input where the format says it should, that the text could
 * be signed again, and verifies the signatures of the fixture parties.
 * A signature that verifies must be the very line hl_note_sign writes,
 * since Ed25519 here is deterministic and base64 is canonical.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "fixture.h"
#include "note.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fixture_party parties[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	fixture_sender(&parties[0]);
	fixture_recipient(&parties[1]);
	return 0;
}

static bool inside(const void *p, size_t len, const uint8_t *buf, size_t n)
{
	const uint8_t *q = p;

	return q >= buf && q <= buf + n && len <= (size_t)(buf + n - q);
}

static void check_sig(const struct hl_note *note, const struct hl_note_sig *s,
		      const uint8_t *buf, size_t n)
{
	const uint8_t *sigs = buf + note->text_len + 1;

	assert(inside(s->name, s->name_len, sigs, n - note->text_len - 1));
	assert(inside(s->b64, s->b64_len, sigs, n - note->text_len - 1));
	assert(s->name_len >= 1 && s->name_len <= HL_KEYNAME_MAX);
	assert(memchr(s->name, ' ', s->name_len) == NULL);
	assert(memchr(s->b64, '\n', s->b64_len) == NULL);
	assert(s->b64_len <= HL_NOTE_SIG_B64_MAX && s->b64_len % 4 == 0);
	assert((const uint8_t *)s->b64 + s->b64_len < buf + n);
	assert(s->b64[s->b64_len] == '\n');
}

static void check_note(const struct hl_note *note, const uint8_t *buf, size_t n)
{
	assert(note->text == buf);
	assert(note->text_len >= 1 && note->text_len < n);
	assert(buf[note->text_len - 1] == '\n' && buf[note->text_len] == '\n');
	assert(hl_note_text_check(note->text, note->text_len) == 0);
	assert(note->nsigs >= 1 && note->nsigs <= HL_NOTE_SIGS_MAX);
	for (size_t i = 0; i < note->nsigs; i++)
		check_sig(note, &note->sigs[i], buf, n);
}

/* True if some signature line of the note is exactly line. */
static bool has_line(const struct hl_note *note, const struct hl_buf *line)
{
	for (size_t i = 0; i < note->nsigs; i++) {
		const struct hl_note_sig *s = &note->sigs[i];
		const char *start = s->name - 4;	/* the em dash and space */
		size_t len = (size_t)(s->b64 + s->b64_len + 1 - start);

		if (len == line->len && memcmp(start, line->data, len) == 0)
			return true;
	}
	return false;
}

static void check_party(const struct hl_note *note, const struct fixture_party *p)
{
	struct hl_buf line;
	int r = hl_note_verify(note, p->card.name, p->card.sign_pk);

	assert(r == 0 || r == -HL_ENOSIG || r == -HL_EBADSIG);
	if (r != 0)
		return;
	hl_buf_init(&line, HL_NOTE_MAX);
	r = hl_note_sign(&line, note->text, note->text_len, p->card.name, p->sign_sk);
	assert(r == 0);
	assert(has_line(note, &line));
	hl_buf_free(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hl_note note;

	if (hl_note_parse(data, size, &note) < 0)
		return 0;
	check_note(&note, data, size);
	check_party(&note, &parties[0]);
	check_party(&note, &parties[1]);
	return 0;
}
