/* fuzz_envelope.c - libFuzzer target for hl_envelope_parse and what
 * follows it: verify against the fixture sender's card, unwrap the
 * content key as either fixture party, decrypt with it, and decrypt with
 * a fixed key.  Mutated seeds keep the fixture's signature and wrapped
 * keys, so mutations of the body and the signature lines reach all of
 * these paths.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "envelope.h"
#include "error.h"
#include "fixture.h"

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

static void check_fields(const struct hl_envelope *env)
{
	char when[HL_TIME_LEN + 1];
	int64_t t;

	assert(hl_name_valid(env->from, strlen(env->from)));
	assert(hl_name_valid(env->to, strlen(env->to)));
	assert(strcmp(env->from, env->to) != 0);
	assert(hl_kind_valid(env->kind, strlen(env->kind)));
	assert(env->seq >= 1 && env->seq <= INT64_MAX);
	assert((unsigned)env->precedence <= HL_ROUTINE);
	hl_time_format(env->time, when);
	assert(hl_time_parse(when, HL_TIME_LEN, &t) == 0 && t == env->time);
}

static void check_layout(const struct hl_envelope *env, const uint8_t *data,
			 size_t size)
{
	assert(env->header == data);
	assert(env->body_len >= HL_NONCE_LEN + HL_TAG_LEN);
	assert(env->body_len <= HL_BODY_MAX);
	assert(env->header_len + env->body_len == size);
	assert(env->body == data + env->header_len);
	assert(env->note.text == data);
	assert(env->note.text_len < env->header_len);
	assert(env->note.text_len <= HL_ENVELOPE_HEADER_MAX);
	assert(env->note.nsigs >= 1);
}

/* Opens the body as party p; a verified envelope must open. */
static void open_as(const struct hl_envelope *env, const struct fixture_party *p,
		    bool verified)
{
	unsigned char key[HL_KEY_LEN];
	struct hl_buf plain;
	int r;

	r = hl_envelope_unwrap(env, p->card.name, p->card.box_pk, p->box_sk, key);
	if (r < 0) {
		assert(!verified);
		return;
	}
	hl_buf_init(&plain, HL_PLAIN_MAX);
	r = hl_envelope_decrypt(env, key, &plain);
	assert(r == 0 || (!verified && r == -HL_EDECRYPT));
	if (r == 0)
		assert(plain.len == env->body_len - HL_NONCE_LEN - HL_TAG_LEN);
	hl_buf_free(&plain);
	sodium_memzero(key, sizeof(key));
}

static void open_fixed_key(const struct hl_envelope *env)
{
	unsigned char key[HL_KEY_LEN];
	struct hl_buf plain;
	int r;

	memset(key, 0x42, sizeof(key));
	hl_buf_init(&plain, HL_PLAIN_MAX);
	r = hl_envelope_decrypt(env, key, &plain);
	assert(r == -HL_EKEYCOMMIT || r == -HL_EDECRYPT || r == 0);
	hl_buf_free(&plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hl_envelope env;
	bool verified;
	int r;

	if (hl_envelope_parse(data, size, &env) < 0)
		return 0;
	check_layout(&env, data, size);
	check_fields(&env);
	r = hl_envelope_verify(&env, &sender.card);
	assert(r == 0 || r == -HL_ENOSIG || r == -HL_EBADSIG || r == -HL_EBODYHASH);
	verified = r == 0 && strcmp(env.to, FIXTURE_RECIPIENT) == 0;
	open_as(&env, &recipient, verified);
	open_as(&env, &sender, r == 0);
	open_fixed_key(&env);
	return 0;
}
