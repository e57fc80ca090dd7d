/* card.c - a change of our own keys (`hotline card rotate`, docs/protocol.md
 * 9.13): a new card, signed by the new key and endorsed by the old one,
 * sent as a `card` message on every live link in one transaction that
 * also records our new era on each and puts the keys in force; the key
 * files follow once it has committed (keyring.h).  `card rekey` (rekey.c,
 * 9.15) goes the same way (keychange.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "actions.h"
#include "courier.h"
#include "deskcase.h"
#include "error.h"
#include "events.h"
#include "keychange.h"
#include "keyring.h"
#include "keys.h"
#include "peer.h"
#include "transcript.h"
#include "vocab.h"

#define LINKS_MAX HL_KEYCHANGE_LINKS_MAX

/* "sign,box" (a string) or ["sign","box"] into HL_USE_* bits. */
static bool revoke_arg(const struct hl_desk_req *q, unsigned *uses, struct hl_desk_err *e)
{
	json_t *v = json_object_get(q->args, "revoke");
	char buf[64], *save = NULL;
	size_t i;
	json_t *x;

	*uses = 0;
	if (!v)
		return true;
	if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			int k = json_is_string(x) ? hl_vocab_index(HL_VOCAB_KEYUSE,
					json_string_value(x), json_string_length(x)) : -1;

			if (k < 0)
				return hl_desk_fail(e, 400, "revoke: want sign, box or tls"), false;
			*uses |= 1u << k;
		}
		return true;
	}
	if (!json_is_string(v) || snprintf(buf, sizeof(buf), "%s", json_string_value(v)) >=
				  (int)sizeof(buf))
		return hl_desk_fail(e, 400, "revoke: want sign, box or tls"), false;
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		int k = hl_vocab_index(HL_VOCAB_KEYUSE, t, strlen(t));

		if (k < 0)
			return hl_desk_fail(e, 400, "revoke: %s: want sign, box or tls", t), false;
		*uses |= 1u << k;
	}
	return true;
}

/* The refusals of design 8 that need no store. */
static bool rotate_args(const struct hl_desk_req *q, struct hl_keychange *w, struct hl_desk_err *e)
{
	const char *endpoint = NULL;
	bool tls = false;

	if (!hl_desk_args_only(q, e, "sign", "box", "tls", "endpoint", "revoke", "text", "lang",
			       NULL) ||
	    !hl_desk_arg_bool(q, "sign", &w->rot.sign, e) ||
	    !hl_desk_arg_bool(q, "box", &w->rot.box, e) || !hl_desk_arg_bool(q, "tls", &tls, e) ||
	    !hl_desk_arg_str(q, "endpoint", &endpoint, e) || !revoke_arg(q, &w->revoke, e))
		return false;
	w->rot.tls = tls;
	if (endpoint && hl_endpoint_check(endpoint) < 0)
		return hl_desk_fail(e, 400, "endpoint: %s: not an https:// URL with a host, "
				    "or 'none'", endpoint), false;
	if (endpoint && strcmp(endpoint, w->me->card.endpoint) != 0)
		w->rot.endpoint = endpoint;
	if (!w->rot.sign && !w->rot.box && !w->rot.tls && !w->rot.endpoint)
		return hl_desk_fail(e, 400, "nothing to change: give --sign, --box, --tls or "
				    "--endpoint"), false;
	if ((w->revoke & HL_USE_SIGN) && !w->rot.sign)
		return hl_desk_fail(e, 400, "--revoke sign: the signing key is not being "
				    "changed"), false;
	if ((w->revoke & HL_USE_BOX) && !w->rot.box)
		return hl_desk_fail(e, 400, "--revoke box: the encryption key is not being "
				    "changed"), false;
	if ((w->revoke & HL_USE_TLS) && !w->rot.tls)
		return hl_desk_fail(e, 400, "--revoke tls: the TLS key is not being "
				    "changed"), false;
	return true;
}

static int collect(void *ctx, const struct hl_link *l)
{
	struct hl_keychange *w = ctx;
	struct hl_link *c;

	if (l->archived)
		return 0;
	if (!l->confirmed) {
		snprintf(w->why, sizeof(w->why), "%s", l->name);
		return 1;
	}
	if (w->n == LINKS_MAX)
		return -HL_ETOOBIG;
	c = &w->links[w->n];
	*c = *l;
	hl_buf_init(&c->card_text, HL_CARD_MAX);
	if (hl_buf_append(&c->card_text, l->card_text.data, l->card_text.len) < 0)
		return -ENOMEM;
	w->n++;
	return 0;
}

/* Our new era on link l, checked by the witness's own rules (design 4:
 * no invalid key change leaves this party). */
static int era_one(struct hl_keychange *w, struct hl_store *st, const struct hl_link *l,
		   uint64_t seq, int64_t t, size_t i)
{
	struct hl_key_change c = {
		.seq = seq, .time = t, .skew = w->me->conf.clock_skew,
		.card = w->rot.text.data, .card_len = w->rot.text.len, .revoke = w->revoke,
	};
	struct hl_eras *e = NULL;
	struct hl_card card;
	int r = hl_store_eras_load(st, l, HL_OURS, &w->me->card, &w->me->card_text, &e);

	if (r == 0)
		r = hl_keychain_check_change(&e->kc, &c, &card, w->why, sizeof(w->why));
	if (r == 0)
		r = hl_store_era_rotate(st, l, HL_OURS, e, &c, &card);
	if (r == 0)
		w->eras[i] = (int)e->kc.n - 1;
	hl_eras_free(e);
	return r;
}

struct then {
	struct hl_keychange *w;
	struct hl_send_job *jobs;
};

static int then(void *ctx, struct hl_store *st, int64_t t)
{
	struct then *x = ctx;
	struct hl_keychange *w = x->w;
	int r = hl_store_own_eras(st, &w->me->card_text);

	for (size_t i = 0; r == 0 && i < w->n; i++)
		r = era_one(w, st, &w->links[i], x->jobs[i].seq, t, i);
	/* Last, under the transaction's gate: every writer after it signs
	 * with the new keys. */
	return r == 0 ? hl_party_take(w->me, &w->rot, t + 1) : r;
}

/* A rekey's keys are taken first: its envelopes are signed by the new
 * key, which is in force from their time (protocol.md 9.15). */
static int rekey_first(void *ctx, struct hl_store *st, int64_t t)
{
	struct then *x = ctx;
	int r = hl_store_own_eras(st, &x->w->me->card_text);

	return r == 0 ? hl_party_take(x->w->me, &x->w->rot, t) : r;
}

static int rekey_then(void *ctx, struct hl_store *st, int64_t t)
{
	struct then *x = ctx;
	int r = 0;

	for (size_t i = 0; r == 0 && i < x->w->n; i++)
		r = hl_keychange_rekey_era(x->w, st, &x->w->links[i], x->jobs[i].seq, t, i);
	return r;
}

static void undo(void *ctx)
{
	struct then *x = ctx;

	hl_party_untake(x->w->me, &x->w->rot);
}

static int content(const struct hl_desk_req *q, struct hl_keychange *w, struct hl_buf *plain,
		   struct hl_desk_err *e)
{
	struct hl_content m = {.type = "card"};

	if (w->rekey)
		snprintf(m.type, sizeof(m.type), "rekey");
	if (!hl_act_text(q, true, &m.text, e))
		return -EINVAL;
	if (m.text.len == 0) {
		hl_desk_fail(e, 400, "text: say why the keys change");
		return -EINVAL;
	}
	m.card = (const char *)w->rot.text.data;
	m.card_len = w->rot.text.len;
	m.revoke = w->revoke;
	hl_desk_sign_as(q, HL_RIGHT_ADMIN, &m);
	hl_buf_init(plain, HL_BODY_MAX);
	return hl_content_write(&m, plain);
}

static json_t *result(const struct hl_keychange *w, const struct hl_send_job *jobs)
{
	char fp[HL_FINGERPRINT_LEN + 1], id[HL_MSGID_MAX + 1];
	json_t *links = json_array(), *res;

	hl_card_fingerprint(&w->rot.card, fp);
	for (size_t i = 0; links && i < w->n; i++) {
		hl_msgid_format(w->links[i].name, HL_OURS, jobs[i].seq, id);
		json_array_append_new(links, json_pack("{s:s, s:I, s:s, s:i}", "link",
						       w->links[i].name, "seq", (json_int_t)jobs[i].seq,
						       "id", id, "era", w->eras[i]));
		hl_event("key", json_pack("{s:s, s:s, s:s, s:i, s:s}", "link", w->links[i].name,
					  "action", w->rekey ? "rekeyed" : "rotated", "side",
					  "ours", "era", w->eras[i], "message", id));
	}
	res = json_pack("{s:s%, s:s, s:o, s:o}", "card", (const char *)w->rot.text.data,
			w->rot.text.len, "fingerprint", fp, "links", links, "tls_switch",
			w->rot.tls ? json_string("pending") : json_null());
	/* Read the fingerprint to each peer (protocol.md 9.15). */
	if (res && w->rekey)
		json_object_set_new(res, "voice", json_true());
	return res;
}

static json_t *rotate_send(struct hl_desk *d, const struct hl_desk_req *q, struct hl_keychange *w,
			   struct hl_desk_err *e)
{
	struct hl_send_job *jobs = calloc(w->n ? w->n : 1, sizeof(*jobs));
	struct then x = {w, jobs};
	struct hl_buf plain = {0};
	json_t *res = NULL;
	int r = jobs ? content(q, w, &plain, e) : -ENOMEM;

	for (size_t i = 0; r == 0 && i < w->n; i++)
		jobs[i] = (struct hl_send_job){
			.link = &w->links[i],
			.msg = {.precedence = HL_IMMEDIATE, .kind = w->rekey ? "rekey" : "card",
				.plain = plain.data, .plain_len = plain.len},
		};
	if (r == 0 && w->rekey)
		r = hl_transcript_send_rekey(d->st, w->me, jobs, w->n, &(struct hl_key_send){
			.first = rekey_first, .then = rekey_then, .undo = undo, .ctx = &x});
	else if (r == 0)
		r = hl_transcript_send_keys(d->st, w->me, jobs, w->n, then, undo, &x);
	if (r == -HL_EKEY || r == -HL_EREVOKED)
		hl_desk_fail(e, 409, "%s", w->why);
	else if (r < 0 && r != -EINVAL)
		hl_desk_fail(e, 503, "the key change was not recorded: %s", hl_strerror(r));
	if (r < 0) {
		hl_party_unstage(w->me->home);
	} else {
		r = hl_party_settle(w->me->home);
		res = result(w, jobs);
		if (r < 0 && res)
			json_object_set_new(res, "note", json_sprintf(
				"the new keys are in force, but their files are not in place "
				"yet (%s): hotlined finishes at its next start", hl_strerror(r)));
	}
	hl_buf_free(&plain);
	free(jobs);
	return res;
}

struct hl_keychange *hl_keychange_new(struct hl_desk *d, const struct hl_desk_req *q)
{
	struct hl_keychange *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->me = (struct hl_party *)d->me;
	w->links = calloc(LINKS_MAX, sizeof(*w->links));
	w->rot.now = q->now;
	if (!w->links) {
		free(w);
		return NULL;
	}
	return w;
}

void hl_keychange_free(struct hl_keychange *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		hl_buf_free(&w->links[i].card_text);
	free(w->links);
	hl_rotation_free(&w->rot);
	free(w);
}

json_t *hl_keychange_run(struct hl_desk *d, const struct hl_desk_req *q,
			 struct hl_keychange *w, struct hl_desk_err *e)
{
	char why[PATH_MAX + 64] = "";
	int r;

	if ((r = hl_store_link_each(d->st, collect, w)) > 0)
		hl_desk_fail(e, 409, "cannot change our keys while link %s is not confirmed "
			     "(its peer computes the link ID from the card it holds)", w->why);
	else if (r < 0)
		hl_desk_fail_code(e, r, "links");
	else if (hl_party_tls_pending(w->me->home) == 1)
		hl_desk_fail(e, 409, "a TLS key change is still under way (waiting for every "
			     "peer's receipt of our card): 'hotline card tls-switch' finishes it");
	else if ((r = hl_party_stage(w->me, &w->rot, why, sizeof(why))) == -HL_EEXIST)
		hl_desk_fail(e, 409, "a key change is already staged (%s/%s): hotlined finishes "
			     "or drops it at its next start", w->me->home, why);
	else if (r < 0)
		hl_desk_fail(e, 503, "%s/%s: %s", w->me->home, why, hl_strerror(r));
	else
		return rotate_send(d, q, w, e);
	return NULL;
}

/* POST /v1/card/rotate {"sign"?, "box"?, "endpoint"?, "revoke"?, "text",
 * "lang"?}: an admin's. */
json_t *hl_desk_card_rotate(struct hl_desk *d, const struct hl_desk_req *q,
			    struct hl_desk_err *e)
{
	/* With card rekey, the one place that changes the party in memory
	 * (keyring.h). */
	struct hl_keychange *w = hl_keychange_new(d, q);
	json_t *res = NULL;

	if (!w)
		hl_desk_fail(e, 503, "out of memory");
	else if (rotate_args(q, w, e))
		res = hl_keychange_run(d, q, w, e);
	hl_keychange_free(w);
	return res;
}

/* POST /v1/card/tls-switch {}: our new TLS key in use at once, without
 * waiting for every peer's receipt of the card that carries it. */
json_t *hl_desk_card_tls_switch(struct hl_desk *d, const struct hl_desk_req *q,
				struct hl_desk_err *e)
{
	char err[PATH_MAX + 128] = "";

	if (!hl_desk_args_only(q, e, NULL))
		return NULL;
	if (hl_party_tls_pending(d->me->home) != 1)
		return hl_desk_fail(e, 409, "no TLS key change is waiting");
	if (hl_peer_tls_switch(d->me->home, err, sizeof(err)) < 0)
		return hl_desk_fail(e, 503, "the TLS switch: %s", err);
	if (d->courier)
		hl_courier_new_cert(d->courier);
	hl_event("key", json_pack("{s:s, s:s}", "action", "tls-switched", "side", "ours"));
	return json_pack("{s:b}", "ok", true);
}
