/* rekey.c - a new key by voice after a loss (docs/protocol.md 9.15).
 *
 * `card rekey` (an admin) makes new signing and encryption keys and a
 * card signed only by the new key, and sends it as a `rekey` message
 * signed by the new key on every live link (keychange.h), revoking the
 * old keys from its time.  The TLS key stays in this version: the
 * peers keep reaching us and we them.  Nothing vouches for the new key
 * but a voice: the peer's supervisor gives the card to `link rekey`
 * and confirms its fingerprint with `link confirm` (links.c); its
 * witness then takes the `rekey` (store/transcript.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "keychange.h"
#include "keys.h"

/* POST /v1/card/rekey {"text", "lang"?}: an admin's. */
json_t *hl_desk_card_rekey(struct hl_desk *d, const struct hl_desk_req *q,
			   struct hl_desk_err *e)
{
	struct hl_keychange *w;
	json_t *res;

	if (!hl_desk_args_only(q, e, "text", "lang", NULL))
		return NULL;
	w = hl_keychange_new(d, q);
	if (!w)
		return hl_desk_fail(e, 503, "out of memory");
	w->rekey = true;
	w->rot.sign = w->rot.box = true;
	w->rot.self_only = true;
	w->revoke = HL_USE_SIGN | HL_USE_BOX;
	res = hl_keychange_run(d, q, w, e);
	hl_keychange_free(w);
	return res;
}

int hl_keychange_rekey_era(struct hl_keychange *w, struct hl_store *st,
			   const struct hl_link *l, uint64_t seq, int64_t t, size_t i)
{
	struct hl_key_change c = {
		.seq = seq, .time = t, .skew = w->me->conf.clock_skew,
		.card = w->rot.text.data, .card_len = w->rot.text.len, .revoke = w->revoke,
	};
	struct hl_eras *e = NULL;
	struct hl_card card;
	/* Our era 0 is stored (the change's first step): the card given is
	 * not read. */
	int r = hl_store_eras_load(st, l, HL_OURS, &w->rot.old_card, &w->rot.old_text, &e);

	/* The peer's rules, against our own data: nothing invalid leaves. */
	if (r == 0)
		r = hl_keychain_check_rekey(&e->kc, &c, c.card, c.card_len, &card, w->why,
					    sizeof(w->why));
	if (r == 0)
		r = hl_store_era_rekey(st, l, HL_OURS, e, &c, &card,
				       hl_store_suspect_window(st, w->me, l, t), 0);
	if (r == 0)
		w->eras[i] = (int)e->kc.n - 1;
	hl_eras_free(e);
	return r;
}

/* A key of card that another link, an era of this one or this party
 * holds: NULL when none, else e filled and returned. */
static const struct hl_desk_err *clash(struct hl_desk *d, const struct hl_link *l,
				       const struct hl_card *card, struct hl_desk_err *e)
{
	const unsigned char *keys[3] = {card->sign_pk, card->box_pk, card->tls_pin};
	struct hl_taboo *t = NULL;
	char at[HL_TIME_LEN + 1];
	size_t n = 0;
	int r = hl_store_taboo(d->st, l, &d->me->card, &t, &n);

	if (r < 0)
		hl_desk_fail_code(e, r, l->name);
	for (size_t i = 0; r == 0 && !e->status && i < n; i++)
		for (size_t k = 0; k < 3 && !e->status; k++) {
			if (sodium_memcmp(t[i].key, keys[k], 32) != 0)
				continue;
			hl_time_format(t[i].at, at);
			if (t[i].kind == HL_TABOO_OURS)
				hl_desk_fail(e, 400, "the card carries this party's own key or TLS pin");
			else if (t[i].kind == HL_TABOO_REVOKED)
				hl_desk_fail(e, 409, "the card carries a key revoked on link %s at %s",
					     t[i].link, at);
			else
				hl_desk_fail(e, 409, "the card carries the key or TLS pin of link %s: "
					     "refused", t[i].link);
		}
	free(t);
	return e->status ? e : NULL;
}

/* The rules of a rekey's card (links.md 5b, 8): the peer's name, a new
 * sign key never seen on this link, no key of another link or ours. */
static const struct hl_desk_err *card_refused(struct hl_desk *d, const struct hl_link *l,
					      const struct hl_card *card, struct hl_desk_err *e)
{
	struct hl_eras *eras = NULL;
	int r;

	if (l->archived)
		return hl_desk_fail(e, 409, "%s is archived: nothing can be sent", l->name), e;
	if (!l->confirmed)
		return hl_desk_fail(e, 409, "%s is not confirmed: a new card replaces a "
				    "confirmed one", l->name), e;
	if (strcmp(card->name, l->card.name) != 0)
		return hl_desk_fail(e, 400, "the card is %s's, not %s's", card->name,
				    l->card.name), e;
	r = hl_store_eras_load(d->st, l, HL_THEIRS, &l->card, &l->card_text, &eras);
	if (r < 0)
		return hl_desk_fail_code(e, r, l->name), e;
	for (size_t i = eras->kc.n; i-- > 0 && !e->status;) {
		if (sodium_memcmp(eras->kc.era[i].card.sign_pk, card->sign_pk, 32) != 0)
			continue;
		if (i == eras->kc.n - 1)
			hl_desk_fail(e, 400, "%s: the card's sign key is the one in force: that is "
				     "a rotation, not a new key", l->name);
		else
			hl_desk_fail(e, 409, "the card returns to a key %s retired (era %zu)",
				     l->card.name, i);
	}
	hl_eras_free(eras);
	return e->status ? e : clash(d, l, card, e);
}

/* The link's view, as link show gives it. */
static json_t *shown(struct hl_desk *d, const struct hl_desk_req *q, const char *name,
		     struct hl_desk_err *e)
{
	json_t *args = json_pack("{s:s}", "name", name);
	struct hl_desk_req show = *q;
	json_t *v;

	if (!args)
		return hl_desk_fail(e, 503, "out of memory");
	show.args = args;
	v = hl_desk_link_show(d, &show, e);
	json_decref(args);
	return v;
}

/* POST /v1/link/rekey {"name", "card"}: a supervisor's.  The peer's new
 * card after a loss, kept as the link's pending card until it is
 * confirmed by voice (link confirm) and its `rekey` arrives. */
json_t *hl_desk_link_rekey(struct hl_desk *d, const struct hl_desk_req *q,
			   struct hl_desk_err *e)
{
	const char *name, *text;
	struct hl_card card;
	struct hl_link l;
	size_t len;
	int r;

	if (!hl_desk_args_only(q, e, "name", "card", NULL) ||
	    !hl_desk_arg_need(q, "name", &name, e) || !hl_desk_arg_need(q, "card", &text, e))
		return NULL;
	len = json_string_length(json_object_get(q->args, "card"));
	if (len > HL_CARD_MAX)
		return hl_desk_fail(e, 400, "not a valid card: %s", hl_strerror(-HL_ETOOBIG));
	r = hl_card_parse((const unsigned char *)text, len, &card);
	if (r < 0)
		return hl_desk_fail(e, 400, "not a valid card: %s", hl_strerror(r));
	r = hl_store_link_get(d->st, name, &l);
	if (r < 0)
		return hl_desk_fail_code(e, r, name);
	if (!card_refused(d, &l, &card, e)) {
		r = hl_store_rekey_card_set(d->st, &l, text, len);
		if (r < 0)
			hl_desk_fail_code(e, r, name);
	}
	hl_link_free(&l);
	return e->status ? NULL : shown(d, q, name, e);
}
