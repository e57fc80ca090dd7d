/* keysdesk.c - a link's key history, shown (docs/api.md, "Keys").
 *
 * Each side of a link has eras (keychain.h, keys.h): era 0 the card the
 * link was confirmed with, each later one a card that a `card` (or
 * `rekey`) envelope of that side carried.  An era is shown the same at
 * both parties, so that two duty officers can compare them by phone:
 * its seqs are the sender's, never a message ID of one side, and only
 * `confirmed` (when this party confirmed the card by voice) is local.
 * Read only: nothing here writes. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "deskcase.h"
#include "error.h"
#include "keys.h"
#include "keysdesk.h"
#include "note.h"

#define FP_SLOTS 64

/* A fingerprint is slow on purpose (iterated hashes: about a
 * millisecond), and every link object and era shows one: each (name,
 * sign key) is hashed once, then remembered. */
static struct {
	pthread_mutex_t lock;
	unsigned next;
	bool used[FP_SLOTS];
	char name[FP_SLOTS][HL_NAME_MAX + 1];
	unsigned char pk[FP_SLOTS][HL_ED25519_PK_LEN];
	char fp[FP_SLOTS][HL_FINGERPRINT_LEN + 1];
} fps = {.lock = PTHREAD_MUTEX_INITIALIZER};

static bool fp_get(const struct hl_card *c, char out[HL_FINGERPRINT_LEN + 1])
{
	bool hit = false;

	pthread_mutex_lock(&fps.lock);
	for (unsigned i = 0; i < FP_SLOTS && !hit; i++)
		if (fps.used[i] && strcmp(fps.name[i], c->name) == 0 &&
		    memcmp(fps.pk[i], c->sign_pk, sizeof(fps.pk[i])) == 0) {
			memcpy(out, fps.fp[i], HL_FINGERPRINT_LEN + 1);
			hit = true;
		}
	pthread_mutex_unlock(&fps.lock);
	return hit;
}

void hl_desk_fingerprint(const struct hl_card *c, char out[HL_FINGERPRINT_LEN + 1])
{
	if (fp_get(c, out))
		return;
	hl_card_fingerprint(c, out);
	pthread_mutex_lock(&fps.lock);
	snprintf(fps.name[fps.next], sizeof(fps.name[0]), "%s", c->name);
	memcpy(fps.pk[fps.next], c->sign_pk, sizeof(fps.pk[0]));
	memcpy(fps.fp[fps.next], out, HL_FINGERPRINT_LEN + 1);
	fps.used[fps.next] = true;
	fps.next = (fps.next + 1) % FP_SLOTS;
	pthread_mutex_unlock(&fps.lock);
}

static const char *const how_names[] = {"founding", "rotated", "rekeyed"};
static const char *const use_names[] = {"sign", "box", "tls"};

/* A 32-byte key in base64, as the card writes it. */
static json_t *key64(const unsigned char k[32])
{
	char s[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(s, sizeof(s), k, 32, sodium_base64_VARIANT_ORIGINAL);
	return json_string(s);
}

/* {"time", "uses", "by"} of era x's revoked uses, or null. */
static json_t *revoked_json(const struct hl_era *x, uint64_t by)
{
	json_t *uses;
	int64_t at = INT64_MAX;

	if (!(x->revoked & HL_USE_ALL))
		return json_null();
	uses = json_array();
	for (size_t u = 0; u < 3; u++)
		if (x->revoked & (1u << u)) {
			json_array_append_new(uses, json_string(use_names[u]));
			if (x->revoked_at[u] < at)
				at = x->revoked_at[u];
		}
	return json_pack("{s:I, s:o, s:o}", "time", (json_int_t)at, "uses", uses,
			 "by", by ? json_integer((json_int_t)by) : json_null());
}

/* When era i was confirmed by voice here: era 0 with the link, a
 * rekeyed era with its pending card; a rotation, endorsed, never. */
static json_t *confirmed_json(const struct hl_eras *e, size_t i, const struct hl_link *l)
{
	int64_t t = i == 0 ? l->confirmed : e->confirmed[i];

	return t ? json_integer(t) : json_null();
}

static json_t *era_json(const struct hl_eras *e, size_t i, const struct hl_link *l)
{
	const struct hl_era *x = &e->kc.era[i];
	const struct hl_card *c = &x->card;
	char fp[HL_FINGERPRINT_LEN + 1], keyid[9];

	hl_desk_fingerprint(c, fp);
	snprintf(keyid, sizeof(keyid), "%08x", (unsigned)hl_note_keyid(c->name,
		 HL_SIGTYPE_ED25519, c->sign_pk, HL_ED25519_PK_LEN));
	return json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:I, s:I, s:o, s:o, s:o, s:o}",
			 "era", (json_int_t)i, "how", how_names[x->how], "fingerprint", fp,
			 "keyid", keyid, "box", key64(c->box_pk), "tls", key64(c->tls_pin),
			 "endpoint", c->endpoint[0] ? json_string(c->endpoint) : json_null(),
			 "created", (json_int_t)c->created, "from_seq", (json_int_t)x->from_seq,
			 "from_time", i ? json_integer(x->from_time) : json_null(),
			 "via", i ? json_integer((json_int_t)x->via_seq) : json_null(),
			 "confirmed", confirmed_json(e, i, l),
			 "revoked", revoked_json(x, e->revoked_by[i]));
}

/* Side (HL_OURS, HL_THEIRS) of l's eras, loaded into *out. */
static int load(struct hl_store *st, const struct hl_party *me, const struct hl_link *l,
		int side, struct hl_eras **out)
{
	if (side == HL_OURS)
		return hl_store_eras_load(st, l, side, &me->card, &me->card_text, out);
	return hl_store_eras_load(st, l, side, &l->card, &l->card_text, out);
}

/* [era, ...] of side of l, or NULL with *err set. */
static json_t *eras_json(struct hl_store *st, const struct hl_party *me,
			 const struct hl_link *l, int side, int *err)
{
	struct hl_eras *e = NULL;
	json_t *a;

	*err = load(st, me, l, side, &e);
	if (*err < 0)
		return NULL;
	a = json_array();
	for (size_t i = 0; a && i < e->kc.n; i++)
		if (json_array_append_new(a, era_json(e, i, l)) < 0) {
			json_decref(a);
			a = NULL;
		}
	hl_eras_free(e);
	if (!a)
		*err = -ENOMEM;
	return a;
}

/* {"link", "ours": [era], "theirs": [era]} */
json_t *hl_desk_link_keys(struct hl_desk *d, const struct hl_desk_req *q,
			  struct hl_desk_err *e)
{
	json_t *ours = NULL, *theirs = NULL, *res = NULL;
	const char *name;
	struct hl_link l;
	int r;

	if (!hl_desk_args_only(q, e, "name", NULL) || !hl_desk_arg_need(q, "name", &name, e) ||
	    !hl_desk_link(d, name, &l, e))
		return NULL;
	ours = eras_json(d->st, d->me, &l, HL_OURS, &r);
	if (ours)
		theirs = eras_json(d->st, d->me, &l, HL_THEIRS, &r);
	if (theirs)
		res = json_pack("{s:s, s:o, s:o}", "link", l.name, "ours", ours, "theirs", theirs);
	else
		json_decref(ours);
	if (!res && r == 0)
		hl_desk_fail(e, 503, "out of memory");
	else if (!res)
		hl_desk_fail_code(e, r, l.name);
	hl_link_free(&l);
	return res;
}

/* {"era", "fingerprint", "since"} of the era in force on side of l. */
static json_t *brief(struct hl_store *st, const struct hl_party *me, const struct hl_link *l,
		     int side, int *err)
{
	struct hl_eras *e = NULL;
	char fp[HL_FINGERPRINT_LEN + 1];
	json_t *v;
	size_t i;

	*err = load(st, me, l, side, &e);
	if (*err < 0)
		return NULL;
	i = e->kc.n - 1;
	hl_desk_fingerprint(&e->kc.era[i].card, fp);
	/* Era 0 is in force since the link was confirmed. */
	v = json_pack("{s:I, s:s, s:o}", "era", (json_int_t)i, "fingerprint", fp, "since",
		      i ? json_integer(e->kc.era[i].from_time) :
		      l->confirmed ? json_integer(l->confirmed) : json_null());
	hl_eras_free(e);
	if (!v)
		*err = -ENOMEM;
	return v;
}

json_t *hl_desk_keys_brief(struct hl_store *st, const struct hl_party *me,
			   const struct hl_link *l, int *err)
{
	json_t *ours = brief(st, me, l, HL_OURS, err), *theirs = NULL, *v = NULL;

	if (ours)
		theirs = brief(st, me, l, HL_THEIRS, err);
	if (theirs)
		v = json_pack("{s:o, s:o}", "ours", ours, "theirs", theirs);
	else
		json_decref(ours);
	if (!v && *err == 0)
		*err = -ENOMEM;
	return v;
}

struct history {
	struct hl_store *st;
	const struct hl_party *me;
	json_t *items;
	int err;
};

static int history_one(void *ctx, const struct hl_link *l)
{
	struct history *h = ctx;
	json_t *eras = eras_json(h->st, h->me, l, HL_OURS, &h->err);

	if (!eras)
		return h->err;
	if (json_array_append_new(h->items, json_pack("{s:s, s:o}", "link", l->name,
						      "eras", eras)) < 0)
		return -ENOMEM;
	return 0;
}

/* {"card", "fingerprint", "history": [{"link", "eras": [era]}]}: this
 * party's card in force and its eras on every link, archived ones too,
 * in name order. */
json_t *hl_desk_card_show(struct hl_desk *d, const struct hl_desk_req *q,
			  struct hl_desk_err *e)
{
	struct history h = {.st = d->st, .me = d->me};
	char fp[HL_FINGERPRINT_LEN + 1];
	json_t *res;
	int r;

	if (!hl_desk_args_only(q, e, NULL))
		return NULL;
	h.items = json_array();
	r = h.items ? hl_store_link_each(d->st, history_one, &h) : -ENOMEM;
	if (r < 0) {
		json_decref(h.items);
		return hl_desk_fail_code(e, r, "links");
	}
	hl_desk_fingerprint(&d->me->card, fp);
	res = json_pack("{s:s%, s:s, s:o}", "card", (const char *)d->me->card_text.data,
			d->me->card_text.len, "fingerprint", fp, "history", h.items);
	return res ? res : hl_desk_fail(e, 503, "out of memory");
}
