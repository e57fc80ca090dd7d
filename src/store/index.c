/* index.c - open new envelopes and record what they say. */
#include <errno.h>
#include <string.h>

#include <sodium.h>

#include "content.h"
#include "error.h"
#include "index.h"

bool hl_kind_needs_ack(const char *kind)
{
	return strcmp(kind, "ack") != 0;
}

/* The log a ref names, relative to us, if it names an envelope we hold
 * with that leaf hash; -1 otherwise. */
static int ref_side(struct hl_store *st, const struct hl_party *me,
		    const struct hl_link *l, const struct hl_ref *ref)
{
	int side = strcmp(ref->from, me->card.name) == 0 ? HL_OURS :
		   strcmp(ref->from, l->card.name) == 0 ? HL_THEIRS : -1;
	struct hl_buf env;
	hl_hash leaf;
	int r;

	if (side < 0)
		return -1;
	hl_buf_init(&env, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	r = hl_store_envelope_get(st, l->id, side, ref->seq, &env, leaf);
	hl_buf_free(&env);
	if (r < 0 || sodium_memcmp(leaf, ref->leaf, sizeof(leaf)) != 0)
		return -1;
	return side;
}

/* Opens one envelope with our box key and records its type and ref. */
static int index_one(struct hl_store *st, const struct hl_party *me,
		     const struct hl_link *l, int side, uint64_t seq,
		     unsigned char *key, struct hl_buf *raw, struct hl_buf *plain)
{
	struct hl_envelope env;
	struct hl_content c;
	const char *type = "?";
	int rs = -1, r;

	raw->len = 0;
	plain->len = 0;
	r = hl_store_envelope_get(st, l->id, side, seq, raw, NULL);
	if (r < 0)
		return r;
	if (hl_envelope_parse(raw->data, raw->len, &env) < 0)
		return hl_store_item_put(st, l->id, side, seq, "?", -1, 0);
	/* The kind is in the signed header; only what may carry a ref worth
	 * indexing (an ack) is opened, which spares an X25519 unwrap for
	 * every other message. */
	if (strcmp(env.kind, "ack") != 0)
		return hl_store_item_put(st, l->id, side, seq, env.kind, -1, 0);
	/* What cannot be opened or parsed is indexed as type "?". */
	if (hl_envelope_unwrap(&env, me->card.name, me->card.box_pk, me->box_sk, key) == 0 &&
	    hl_envelope_decrypt(&env, key, plain) == 0 &&
	    hl_content_parse(plain->data, plain->len, &c) == 0) {
		type = strcmp(c.type, env.kind) == 0 ? env.kind : "?";
		if (c.has_ref)
			rs = ref_side(st, me, l, &c.ref);
		r = hl_store_item_put(st, l->id, side, seq, type, rs, rs < 0 ? 0 : c.ref.seq);
		hl_content_free(&c);
		return r;
	}
	return hl_store_item_put(st, l->id, side, seq, type, -1, 0);
}

static int update(struct hl_store *st, const struct hl_party *me,
		  const struct hl_link *l, uint64_t *added, unsigned char *key)
{
	struct hl_buf raw, plain;
	int r = 0;

	hl_buf_init(&raw, HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX);
	hl_buf_init(&plain, HL_PLAIN_MAX);
	for (int side = HL_OURS; r == 0 && side <= HL_THEIRS; side++) {
		uint64_t next = 1, size = 0;

		r = hl_store_item_next(st, l->id, side, &next);
		if (r == 0)
			r = hl_store_log_size(st, l->id, side, &size);
		for (uint64_t seq = next; r == 0 && seq <= size; seq++) {
			r = index_one(st, me, l, side, seq, key, &raw, &plain);
			(*added)++;
		}
	}
	if (plain.data)
		sodium_memzero(plain.data, plain.cap);
	hl_buf_free(&raw);
	hl_buf_free(&plain);
	return r;
}

int hl_index_update(struct hl_store *st, const struct hl_party *me,
		    const struct hl_link *l, uint64_t *added)
{
	unsigned char *key = sodium_malloc(HL_KEY_LEN);
	int r = key ? hl_store_begin(st) : -ENOMEM;

	*added = 0;
	if (r == 0) {
		r = update(st, me, l, added, key);
		if (r == 0)
			r = hl_store_commit(st);
		else
			hl_store_rollback(st);
	}
	sodium_free(key);
	return r;
}
