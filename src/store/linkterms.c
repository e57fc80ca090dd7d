/* linkterms.c - a link's terms messages from the index, folded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "linkterms.h"

struct collect {
	struct hl_link_terms *f;
	const char *names[2];
	/* The two cards' hashes, made at the first resume: a hash parses
	 * and verifies its card, which every send's read of the terms
	 * should not pay for. */
	const struct hl_buf *texts[2];
	bool hashed;
	char cards[2][sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];
};

static int card_hash(const struct hl_buf *text, char *b64, size_t cap)
{
	unsigned char h[32];
	int r = hl_card_text_hash(text->data, text->len, h);

	if (r == 0)
		sodium_bin2base64(b64, cap, h, sizeof(h), sodium_base64_VARIANT_ORIGINAL);
	return r;
}

/* Whether a resume's "cards" names the two cards in force: each side's
 * one card until keys can change. */
static bool cards_ok(struct collect *c, json_t *fields)
{
	json_t *cards = json_object_get(fields, "cards");

	for (int s = 0; !c->hashed && s < 2; s++)
		if (c->texts[s]->len)
			card_hash(c->texts[s], c->cards[s], sizeof(c->cards[s]));
	c->hashed = true;

	for (int s = 0; s < 2; s++) {
		const char *v = json_string_value(json_object_get(cards, c->names[s]));

		if (!v || !c->cards[s][0] || strcmp(v, c->cards[s]) != 0)
			return false;
	}
	return true;
}

/* One indexed control message; a proposal whose terms cannot be read
 * from the index counts for nothing (its version stays 0). */
static int collect(void *ctx, const struct hl_item *it)
{
	struct collect *c = ctx;
	struct hl_link_terms *f = c->f;
	struct hl_terms_item *t;
	json_t *fields;

	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 16;
		void *p = realloc(f->it, cap * sizeof(*f->it));

		if (!p)
			return -ENOMEM;
		f->it = p;
		f->cap = cap;
	}
	t = &f->it[f->n++];
	memset(t, 0, sizeof(*t));
	t->side = it->side;
	t->seq = it->seq;
	t->time = it->time;
	snprintf(t->type, sizeof(t->type), "%s", it->type);
	t->ref_side = it->ref_side;
	t->ref_seq = it->ref_seq;
	fields = it->fields ? json_loads(it->fields, 0, NULL) : NULL;
	if (strcmp(it->type, "terms") == 0 &&
	    hl_terms_from_json(json_object_get(fields, "terms"), &t->terms, NULL, 0) < 0)
		memset(&t->terms, 0, sizeof(t->terms));
	if (strcmp(it->type, "resume") == 0)
		t->cards_ok = cards_ok(c, fields);
	json_decref(fields);
	return 0;
}

int hl_store_link_terms(struct hl_store *st, const struct hl_party *me,
			const struct hl_link *l, struct hl_link_terms *out)
{
	struct collect c = {out, {me->card.name, l->name}, {&me->card_text, &l->card_text},
			    false, {"", ""}};
	struct hl_fold fold;
	int r;

	memset(out, 0, sizeof(*out));
	r = hl_store_control_items(st, l->id, collect, &c);
	if (r == 0)
		r = hl_terms_fold(out->it, out->n, c.names, &fold);
	if (r == 0) {
		out->v = fold.v;
		out->nv = fold.nv;
		out->s = fold.s;
		out->ns = fold.ns;
	}
	if (r < 0)
		hl_link_terms_free(out);
	return r;
}

size_t hl_link_suspensions(const struct hl_link_terms *t, int64_t t_at,
			   const struct hl_suspension *out[2])
{
	struct hl_fold f = {.s = t->s, .ns = t->ns};
	size_t n = 0;

	for (int side = 0; side < 2; side++)
		if ((out[n] = hl_suspended_by(&f, side, t_at)))
			n++;
	return n;
}

const struct hl_terms_version *hl_link_terms_newest(const struct hl_link_terms *t)
{
	return t->nv ? &t->v[t->nv - 1] : NULL;
}

int64_t hl_link_terms_due(const struct hl_link_terms *t, const struct hl_config *conf,
			  const char *link, bool ack, enum hl_precedence p, int64_t sent)
{
	int64_t fallback = ack ? hl_config_ack_due(conf, link, p) :
				 hl_config_receipt_due(conf, link, p);

	return sent + hl_terms_due(t->v, t->nv, sent, ack, p, fallback);
}

void hl_link_terms_free(struct hl_link_terms *t)
{
	free(t->it);
	free(t->v);
	free(t->s);
	memset(t, 0, sizeof(*t));
}
