/* suspect.c - the desk's suspect marks (suspect.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "linkterms.h"
#include "suspect.h"

/* Each revocation's window: the terms in force at its T_rev, else ours. */
static int windows(struct hl_desk *d, const struct hl_link *l, struct hl_revocations *rv)
{
	struct hl_link_terms lt;
	int r = hl_store_link_terms(d->st, d->me, l, &lt);

	if (r < 0)
		return r;
	for (size_t k = 0; k < rv->n; k++) {
		const struct hl_terms_version *v = hl_terms_at(lt.v, lt.nv, rv->r[k].at);

		rv->r[k].window = v ? v->terms.suspect : d->me->conf.suspect;
	}
	hl_link_terms_free(&lt);
	return 0;
}

int hl_desk_suspect_load(struct hl_desk *d, const struct hl_link *l, int side,
			 struct hl_desk_suspect *s)
{
	const struct hl_party *me = d->me;
	int r;

	memset(s, 0, sizeof(*s));
	s->name = side == HL_OURS ? me->card.name : l->card.name;
	r = side == HL_OURS ?
	    hl_store_eras_load(d->st, l, side, &me->card, &me->card_text, &s->eras) :
	    hl_store_eras_load(d->st, l, side, &l->card, &l->card_text, &s->eras);
	if (r == 0)
		hl_keychain_revocations(&s->eras->kc, &s->rv);
	if (r == 0 && s->rv.n)
		r = windows(d, l, &s->rv);
	return r;
}

const struct hl_revocation *hl_desk_suspect_of(const struct hl_desk_suspect *s,
					       uint64_t seq, int64_t t)
{
	return s->eras ? hl_keychain_suspect(&s->eras->kc, &s->rv, seq, t) : NULL;
}

json_t *hl_desk_suspect_json(const struct hl_desk_suspect *s, uint64_t seq, int64_t t)
{
	const struct hl_revocation *r = hl_desk_suspect_of(s, seq, t);
	char key[9];

	if (!r)
		return json_null();
	snprintf(key, sizeof(key), "%08x", (unsigned)r->keyid);
	return json_pack("{s:s, s:I, s:I}", "key", key, "revoked", (json_int_t)r->at,
			 "window", (json_int_t)r->window);
}

void hl_desk_suspect_free(struct hl_desk_suspect *s)
{
	hl_eras_free(s->eras);
	memset(s, 0, sizeof(*s));
}
