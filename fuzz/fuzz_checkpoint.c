/* fuzz_checkpoint.c - libFuzzer target for hl_checkpoint_parse and the
 * two signatures a receipt carries: the log owner's (the fixture sender,
 * key name = origin) and the peer's tlog-cosignature (the fixture
 * recipient).
 *
 * A checkpoint that parses must spell its three lines the one way
 * hl_checkpoint_sign does, and a signature that verifies must be the
 * very line our signers write (Ed25519 is deterministic, base64
 * canonical): one checkpoint, one receipt, one byte form.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "checkpoint.h"
#include "error.h"
#include "fixture.h"
#include "text.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fixture_party sender, recipient;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	fixture_sender(&sender);
	fixture_recipient(&recipient);
	return 0;
}

/* The text is origin, size and root, written as the signer writes them. */
static void check_text(const struct hl_checkpoint *cp, const uint8_t *data,
		       size_t size)
{
	size_t p = strlen(HL_ORIGIN_PREFIX), n = strlen(cp->origin);
	struct hl_buf text;
	int r;

	assert(cp->note.text == data && cp->note.text_len < size);
	assert(n > p + 65 && n <= HL_ORIGIN_MAX);
	assert(memcmp(cp->origin, HL_ORIGIN_PREFIX, p) == 0);
	assert(hl_name_valid(cp->origin + p + 65, n - p - 65));
	assert(cp->size <= INT64_MAX);
	hl_buf_init(&text, HL_CHECKPOINT_MAX);
	r = hl_buf_printf(&text, "%s\n%llu\n", cp->origin, (unsigned long long)cp->size);
	if (r == 0)
		r = hl_buf_b64(&text, cp->root, HL_HASH_LEN);
	if (r == 0)
		r = hl_buf_puts(&text, "\n");
	assert(r == 0);
	assert(text.len == cp->note.text_len);
	assert(memcmp(text.data, data, text.len) == 0);
	hl_buf_free(&text);
}

/* The whole signature line of sig, as it stands in the input. */
static void sig_line(const struct hl_note_sig *sig, const uint8_t **line, size_t *n)
{
	*line = (const uint8_t *)sig->name - 4;	/* the em dash and a space */
	*n = (size_t)((const uint8_t *)sig->b64 + sig->b64_len + 1 - *line);
}

static bool has_line(const struct hl_checkpoint *cp, const uint8_t *line, size_t n)
{
	for (size_t i = 0; i < cp->note.nsigs; i++) {
		const uint8_t *l;
		size_t ln;

		sig_line(&cp->note.sigs[i], &l, &ln);
		if (ln == n && memcmp(l, line, n) == 0)
			return true;
	}
	return false;
}

static void check_owner(const struct hl_checkpoint *cp)
{
	struct hl_buf out;
	int r = hl_checkpoint_verify(cp, sender.card.sign_pk);

	assert(r == 0 || r == -HL_ENOSIG || r == -HL_EBADSIG);
	if (r < 0)
		return;
	hl_buf_init(&out, HL_CHECKPOINT_MAX);
	r = hl_checkpoint_sign(cp->origin, cp->size, cp->root, sender.sign_sk, &out);
	assert(r == 0 && out.len > cp->note.text_len + 1);
	assert(has_line(cp, out.data + cp->note.text_len + 1,
			out.len - cp->note.text_len - 1));
	hl_buf_free(&out);
}

static void check_cosig(const struct hl_checkpoint *cp, const char *name,
			const struct fixture_party *p)
{
	struct hl_buf line;
	uint64_t t = 0;
	int r = hl_cosig_verify(cp, name, p->card.sign_pk, &t);

	/* A time past 9999 is refused as a time (protocol.md 1.5). */
	assert(r == 0 || r == -HL_ENOSIG || r == -HL_EBADSIG || r == -HL_ETIME);
	if (r < 0)
		return;
	assert(t <= (uint64_t)HL_TIME_MAX);
	hl_buf_init(&line, HL_COSIG_LINE_MAX);
	r = hl_cosig_sign(cp, name, p->sign_sk, t, &line);
	assert(r == 0);
	assert(has_line(cp, line.data, line.len));
	hl_buf_free(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hl_checkpoint cp;

	if (hl_checkpoint_parse(data, size, &cp) < 0)
		return 0;
	check_text(&cp, data, size);
	check_owner(&cp);
	check_cosig(&cp, recipient.card.name, &recipient);
	/* The owner's key as a cosigner of its own log: another domain. */
	check_cosig(&cp, cp.origin, &sender);
	return 0;
}
