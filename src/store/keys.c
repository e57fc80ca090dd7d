/* keys.c - a link's key history in the store (keys.h). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#include "error.h"
#include "keys.h"
#include "linkterms.h"
#include "storepriv.h"

enum {
	K_EACH = HL_XSTMT_KEYS, K_PUT, K_FOUNDING, K_REVOKE, K_CARD, K_ENDPOINT,
	K_OTHERS, K_OWN, K_SINCE, K_HELD, K_PENDING, K_PENDING_SET, K_PENDING_CONFIRM,
	K_PENDING_CLEAR, K_CONFIRMED, K_VIA, K_END
};
_Static_assert(K_END <= HL_XSTMT_KEYS + 16, "keys.c owns 16 statement keys");

static const char *const sql[] = {
	[K_EACH - K_EACH] = "SELECT era, card, from_seq, from_time, via_seq, how, revoked,"
			    " revoked_uses, confirmed, revoked_by FROM link_key"
			    " WHERE link = ?1 AND side = ?2"
			    " ORDER BY era",
	[K_PUT - K_EACH] = "INSERT INTO link_key (link, side, era, card, from_seq, from_time,"
			   " via_seq, how) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	/* The peer's era 0, for a link added after migration 16. */
	[K_FOUNDING - K_EACH] = "INSERT OR IGNORE INTO link_key (link, side, era, card,"
				" from_seq, from_time, via_seq, how, confirmed)"
				" SELECT id, 1, 0, card, 1, 0, 0, 'founding', confirmed"
				" FROM link WHERE id = ?1",
	[K_REVOKE - K_EACH] = "UPDATE link_key SET revoked = ?4, revoked_uses = ?5,"
			      " revoked_by = ?6 WHERE link = ?1 AND side = ?2 AND era = ?3",
	[K_CARD - K_EACH] = "UPDATE link SET card = ?2 WHERE id = ?1",
	[K_ENDPOINT - K_EACH] = "UPDATE link SET endpoint = ?3 WHERE id = ?1 AND endpoint = ?2",
	/* Every era of every other link, and its card (an era 0 not stored
	 * yet, or a pending card). */
	[K_OTHERS - K_EACH] = "SELECT l.name, k.card FROM link_key k JOIN link l ON l.id = k.link"
			      " WHERE k.side = 1 AND k.link != ?1"
			      " UNION SELECT name, card FROM link WHERE id != ?1",
	[K_OWN - K_EACH] = "INSERT OR IGNORE INTO link_key (link, side, era, card, from_seq,"
			   " from_time, via_seq, how, confirmed)"
			   " SELECT id, 0, 0, ?1, 1, 0, 0, 'founding', confirmed FROM link l"
			   " WHERE NOT EXISTS (SELECT 1 FROM link_key k"
			   " WHERE k.link = l.id AND k.side = 0 AND k.era = 0)",
	[K_SINCE - K_EACH] = "SELECT max(from_time) FROM link_key WHERE side = 0",
	[K_HELD - K_EACH] = "SELECT 1 FROM link_key WHERE side = 0 AND card = ?1 LIMIT 1",
	/* A rekey's card of the peer until its envelope (migration 18). */
	[K_PENDING - K_EACH] = "SELECT pending_card, pending_confirmed FROM link"
			       " WHERE id = ?1 AND pending_card IS NOT NULL",
	[K_PENDING_SET - K_EACH] = "UPDATE link SET pending_card = ?2, pending_confirmed = NULL"
				   " WHERE id = ?1",
	[K_PENDING_CONFIRM - K_EACH] = "UPDATE link SET pending_confirmed = ?2"
				       " WHERE id = ?1 AND pending_card IS NOT NULL",
	[K_PENDING_CLEAR - K_EACH] = "UPDATE link SET pending_card = NULL,"
				     " pending_confirmed = NULL WHERE id = ?1",
	[K_CONFIRMED - K_EACH] = "UPDATE link_key SET confirmed = ?4"
				 " WHERE link = ?1 AND side = ?2 AND era = ?3",
	[K_VIA - K_EACH] = "SELECT via_seq FROM link_key WHERE link = ?1 AND side = 0"
			   " ORDER BY era DESC LIMIT 1",
};

enum { P_SET = HL_XSTMT_PIN, P_DROP, P_END };
_Static_assert(P_END <= HL_XSTMT_PIN + 4, "keys.c owns 4 statement keys for the pin");

static const char *const pin_sql[] = {
	[P_SET - P_SET] = "UPDATE link SET old_pin = ?2 WHERE id = ?1",
	[P_DROP - P_SET] = "UPDATE link SET old_pin = NULL WHERE id = ?1 AND old_pin = ?2",
};

static const char *const how_names[] = {"founding", "rotated", "rekeyed"};
static const char *const use_names[] = {"sign", "box", "tls"};

static struct hl_dbs *stmt(struct hl_store *st, int key)
{
	return hl_store_stmt(st, key, sql[key - K_EACH]);
}

void hl_eras_free(struct hl_eras *e)
{
	if (!e)
		return;
	for (size_t i = 0; i < HL_ERAS_MAX; i++)
		free(e->raw[i]);
	free(e);
}

/* A copy of n bytes that era i of e will point to. */
static const unsigned char *keep(struct hl_eras *e, size_t i, const void *p, size_t n)
{
	free(e->raw[i]);
	e->raw[i] = malloc(n ? n : 1);
	if (e->raw[i] && n)
		memcpy(e->raw[i], p, n);
	return e->raw[i];
}

static int parse_how(const char *s, enum hl_era_how *how)
{
	for (size_t i = 0; s && i < sizeof(how_names) / sizeof(how_names[0]); i++)
		if (strcmp(s, how_names[i]) == 0) {
			*how = (enum hl_era_how)i;
			return 0;
		}
	return -HL_ESTORE;
}

/* "sign,box" into HL_USE_* bits. */
static int parse_uses(const char *s, unsigned *uses)
{
	*uses = 0;
	while (s && *s) {
		size_t n = strcspn(s, ",");
		size_t i;

		for (i = 0; i < 3; i++)
			if (strlen(use_names[i]) == n && strncmp(s, use_names[i], n) == 0)
				break;
		if (i == 3)
			return -HL_ESTORE;
		*uses |= 1u << i;
		s += n + (s[n] == ',');
	}
	return 0;
}

/* One row of link_key: era 0 starts the chain, the others extend it. */
static int era_row(struct hl_store *st, struct hl_eras *e, struct hl_dbs *s)
{
	size_t i = (size_t)hl_db_column_int64(s, 0);
	const void *p = hl_db_column_blob(s, 1);
	size_t n = (size_t)hl_db_column_bytes(s, 1);
	const unsigned char *raw;
	enum hl_era_how how;
	struct hl_card card;
	unsigned uses;
	int r;

	if (i != e->kc.n || i >= HL_ERAS_MAX || !p)
		return -HL_ESTORE;
	raw = keep(e, i, p, n);
	if (!raw)
		return -ENOMEM;
	r = hl_store_card_parse(st, raw, n, &card);
	if (r == 0)
		r = parse_how((const char *)hl_db_column_text(s, 5), &how);
	if (r == 0 && i == 0)
		hl_keychain_init(&e->kc, &card, raw, n);
	else if (r == 0)
		r = hl_keychain_add(&e->kc, &card, raw, n,
				    (uint64_t)hl_db_column_int64(s, 4),
				    hl_db_column_int64(s, 3), how);
	if (r == 0 && e->kc.era[i].from_seq != (uint64_t)hl_db_column_int64(s, 2))
		r = -HL_ESTORE;
	if (r == 0)
		r = parse_uses((const char *)hl_db_column_text(s, 7), &uses);
	if (r == 0 && uses)
		r = hl_keychain_revoke(&e->kc, i, uses, hl_db_column_int64(s, 6));
	e->confirmed[i] = hl_db_column_int64(s, 8);
	e->revoked_by[i] = (uint64_t)hl_db_column_int64(s, 9);
	return r < 0 && r != -ENOMEM ? -HL_ESTORE : r;
}

int hl_store_eras_load(struct hl_store *st, const struct hl_link *l, int side,
		       const struct hl_card *card, const struct hl_buf *raw,
		       struct hl_eras **out)
{
	struct hl_dbs *s = stmt(st, K_EACH);
	struct hl_eras *e = calloc(1, sizeof(*e));
	int rc, r = 0;

	*out = NULL;
	if (!s || !e) {
		free(e);
		return s ? -ENOMEM : -HL_ESTORE;
	}
	hl_db_bind_int64(s, 1, l->id);
	hl_db_bind_int(s, 2, side);
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW)
		r = era_row(st, e, s);
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	if (r == 0 && e->kc.n == 0) {
		const unsigned char *p = keep(e, 0, raw->data, raw->len);

		if (p)
			hl_keychain_init(&e->kc, card, p, raw->len);
		else
			r = -ENOMEM;
	}
	if (r < 0) {
		hl_eras_free(e);
		return r;
	}
	*out = e;
	return 0;
}

/* "sign,box,tls", in the vocabulary's order, of uses. */
static void uses_text(unsigned uses, char out[16])
{
	size_t len = 0;

	out[0] = 0;
	for (size_t i = 0; i < 3; i++)
		if (uses & (1u << i))
			len += (size_t)snprintf(out + len, 16 - len, "%s%s", len ? "," : "",
						use_names[i]);
}

static int era_put(struct hl_store *st, const struct hl_link *l, int side,
		   const struct hl_eras *e, size_t i)
{
	const struct hl_era *era = &e->kc.era[i];
	struct hl_dbs *s = stmt(st, K_PUT);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, l->id);
	hl_db_bind_int(s, 2, side);
	hl_db_bind_int64(s, 3, (int64_t)i);
	hl_db_bind_blob(s, 4, era->raw, (int)era->raw_len, HL_DB_STATIC);
	hl_db_bind_int64(s, 5, (int64_t)era->from_seq);
	hl_db_bind_int64(s, 6, era->from_time);
	hl_db_bind_int64(s, 7, (int64_t)era->via_seq);
	hl_db_bind_text(s, 8, how_names[era->how], -1, HL_DB_STATIC);
	return hl_store_done(st, s);
}

static int revoke_put(struct hl_store *st, const struct hl_link *l, int side,
		      size_t i, unsigned uses, int64_t at, uint64_t by)
{
	struct hl_dbs *s = stmt(st, K_REVOKE);
	char text[16];

	if (!s)
		return -HL_ESTORE;
	uses_text(uses, text);
	hl_db_bind_int64(s, 1, l->id);
	hl_db_bind_int(s, 2, side);
	hl_db_bind_int64(s, 3, (int64_t)i);
	hl_db_bind_int64(s, 4, at);
	hl_db_bind_text(s, 5, text, -1, HL_DB_TRANSIENT);
	hl_db_bind_int64(s, 6, (int64_t)by);
	return hl_store_done(st, s);
}

/* Era 0, where it is not stored yet: the peer's of a link added after
 * migration 16, or ours before hl_store_own_eras.  A key change stores
 * it before the era it adds. */
static int founding_put(struct hl_store *st, const struct hl_link *l, int side,
			const struct hl_eras *e)
{
	struct hl_dbs *s = stmt(st, side == HL_THEIRS ? K_FOUNDING : K_OWN);

	if (!s)
		return -HL_ESTORE;
	if (side == HL_THEIRS)
		hl_db_bind_int64(s, 1, l->id);
	else
		hl_db_bind_blob(s, 1, e->kc.era[0].raw, (int)e->kc.era[0].raw_len,
				  HL_DB_STATIC);
	return hl_store_done(st, s);
}

int hl_store_era_rotate(struct hl_store *st, const struct hl_link *l, int side,
			struct hl_eras *e, const struct hl_key_change *c,
			const struct hl_card *card)
{
	struct hl_key_change kept = *c;
	size_t old;
	int r = hl_keychain_for_seq(&e->kc, c->seq, &old);

	if (r < 0)
		return r;
	if (e->kc.n == HL_ERAS_MAX)
		return -HL_ETOOBIG;
	kept.card = keep(e, e->kc.n, c->card, c->card_len);
	if (!kept.card)
		return -ENOMEM;
	r = hl_keychain_rotate(&e->kc, &kept, card);
	if (r == 0)
		r = founding_put(st, l, side, e);
	if (r == 0)
		r = era_put(st, l, side, e, e->kc.n - 1);
	if (r == 0 && (c->revoke & HL_USE_ALL))
		r = revoke_put(st, l, side, old, c->revoke & HL_USE_ALL, c->time + 1, c->seq);
	return r;
}

int hl_store_link_card_set(struct hl_store *st, const struct hl_link *l,
			   const void *card, size_t n, const struct hl_card *old,
			   const struct hl_card *now)
{
	struct hl_dbs *s = stmt(st, K_CARD);
	int r;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, l->id);
	hl_db_bind_blob(s, 2, card, (int)n, HL_DB_STATIC);
	r = hl_store_done(st, s);
	if (r < 0 || strcmp(old->endpoint, now->endpoint) == 0)
		return r;
	/* An endpoint set by hand stays: it overrides the card's. */
	s = stmt(st, K_ENDPOINT);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, l->id);
	hl_db_bind_text(s, 2, old->endpoint, -1, HL_DB_STATIC);
	hl_db_bind_text(s, 3, now->endpoint, -1, HL_DB_STATIC);
	return hl_store_done(st, s);
}

int hl_store_link_old_pin_set(struct hl_store *st, const struct hl_link *l,
			      const struct hl_card *old, const struct hl_card *now,
			      unsigned revoke)
{
	struct hl_dbs *s;

	if (memcmp(old->tls_pin, now->tls_pin, 32) == 0)
		return 0;
	s = hl_store_stmt(st, P_SET, pin_sql[P_SET - P_SET]);
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, l->id);
	if (revoke & HL_USE_TLS)
		hl_db_bind_null(s, 2);
	else
		hl_db_bind_blob(s, 2, old->tls_pin, 32, HL_DB_STATIC);
	return hl_store_done(st, s);
}

int hl_store_link_old_pin_drop(struct hl_store *st, const struct hl_link *l)
{
	struct hl_dbs *s;
	int r;

	if (!l->has_old_pin)
		return 0;
	r = hl_store_begin(st);
	if (r < 0)
		return r;
	s = hl_store_stmt(st, P_DROP, pin_sql[P_DROP - P_SET]);
	if (!s)
		r = -HL_ESTORE;
	if (r == 0) {
		hl_db_bind_int64(s, 1, l->id);
		hl_db_bind_blob(s, 2, l->old_pin, 32, HL_DB_STATIC);
		r = hl_store_done(st, s);
	}
	if (r == 0)
		return hl_store_commit(st);
	hl_store_rollback(st);
	return r;
}

static int taboo_add(struct hl_taboo **t, size_t *n, size_t *cap, const struct hl_card *card,
		     enum hl_taboo_kind kind, const char *link)
{
	const unsigned char *keys[3] = {card->sign_pk, card->box_pk, card->tls_pin};

	if (*n + 3 > *cap) {
		size_t ncap = *cap ? 2 * *cap : 24;
		struct hl_taboo *p = realloc(*t, ncap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*t = p;
		*cap = ncap;
	}
	for (size_t i = 0; i < 3; i++) {
		struct hl_taboo *x = &(*t)[(*n)++];

		memset(x, 0, sizeof(*x));
		memcpy(x->key, keys[i], 32);
		x->kind = kind;
		snprintf(x->link, sizeof(x->link), "%s", link);
	}
	return 0;
}

int hl_store_taboo(struct hl_store *st, const struct hl_link *l,
		   const struct hl_card *own, struct hl_taboo **out, size_t *n)
{
	struct hl_dbs *s = stmt(st, K_OTHERS);
	struct hl_taboo *t = NULL;
	size_t cap = 0;
	int rc, r;

	*out = NULL;
	*n = 0;
	if (!s)
		return -HL_ESTORE;
	r = taboo_add(&t, n, &cap, own, HL_TABOO_OURS, "");
	hl_db_bind_int64(s, 1, l->id);
	while (r == 0 && (rc = hl_db_step(s)) == HL_DB_ROW) {
		const char *name = (const char *)hl_db_column_text(s, 0);
		struct hl_card card;

		/* A card that does not parse carries no key to refuse; nor does
		 * the same party's on an archived link (design rule 7: links
		 * to another party). */
		if (name && hl_store_card_parse(st, hl_db_column_blob(s, 1),
						 (size_t)hl_db_column_bytes(s, 1), &card) == 0 &&
		    strcmp(card.name, l->card.name) != 0)
			r = taboo_add(&t, n, &cap, &card, HL_TABOO_LINK, name);
	}
	if (r == 0 && rc != HL_DB_DONE)
		r = hl_store_fail(st);
	hl_db_reset(s);
	if (r < 0) {
		free(t);
		*n = 0;
		return r;
	}
	*out = t;
	return 0;
}

int hl_store_own_eras(struct hl_store *st, const struct hl_buf *card)
{
	struct hl_dbs *s = stmt(st, K_OWN);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_blob(s, 1, card->data, (int)card->len, HL_DB_STATIC);
	return hl_store_done(st, s);
}

int hl_store_own_since(struct hl_store *st, int64_t *since)
{
	struct hl_dbs *s = stmt(st, K_SINCE);
	int rc;

	*since = INT64_MIN;
	if (!s)
		return -HL_ESTORE;
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW && !hl_db_column_null(s, 0) &&
	    hl_db_column_int64(s, 0) > 0)
		*since = hl_db_column_int64(s, 0);
	hl_db_reset(s);
	return rc == HL_DB_ROW ? 0 : hl_store_fail(st);
}

int hl_store_own_card_held(struct hl_store *st, const void *card, size_t n)
{
	struct hl_dbs *s = stmt(st, K_HELD);
	int rc;

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_blob(s, 1, card, (int)n, HL_DB_STATIC);
	rc = hl_db_step(s);
	hl_db_reset(s);
	if (rc == HL_DB_ROW)
		return 1;
	return rc == HL_DB_DONE ? 0 : hl_store_fail(st);
}

int hl_store_signer(struct hl_store *st, const struct hl_link *l, int side,
		    const struct hl_card *card, const struct hl_buf *raw, uint64_t seq,
		    struct hl_card *out)
{
	struct hl_eras *e = NULL;
	size_t i = 0;
	int r = hl_store_eras_load(st, l, side, card, raw, &e);

	if (r == 0)
		r = hl_keychain_for_seq(&e->kc, seq, &i);
	if (r == 0)
		*out = e->kc.era[i].card;
	hl_eras_free(e);
	return r;
}

int hl_store_rekey_card(struct hl_store *st, const struct hl_link *l, struct hl_buf *out,
			 int64_t *confirmed)
{
	struct hl_dbs *s = stmt(st, K_PENDING);
	int rc, r = 0;

	out->len = 0;
	*confirmed = 0;
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, l->id);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW) {
		r = hl_buf_append(out, hl_db_column_blob(s, 0),
				  (size_t)hl_db_column_bytes(s, 0));
		*confirmed = hl_db_column_int64(s, 1);
	} else {
		r = rc == HL_DB_DONE ? -HL_ENOTFOUND : hl_store_fail(st);
	}
	hl_db_reset(s);
	return r;
}

int hl_store_rekey_card_set(struct hl_store *st, const struct hl_link *l, const void *card,
			 size_t n)
{
	struct hl_dbs *s = stmt(st, card ? K_PENDING_SET : K_PENDING_CLEAR);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, l->id);
	if (card)
		hl_db_bind_blob(s, 2, card, (int)n, HL_DB_STATIC);
	return hl_store_done(st, s);
}

int hl_store_rekey_card_confirm(struct hl_store *st, const struct hl_link *l, int64_t t)
{
	struct hl_dbs *s = stmt(st, K_PENDING_CONFIRM);

	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, l->id);
	hl_db_bind_int64(s, 2, t);
	return hl_store_done(st, s);
}

int64_t hl_store_suspect_window(struct hl_store *st, const struct hl_party *me,
				const struct hl_link *l, int64_t t)
{
	struct hl_link_terms lt;
	const struct hl_terms_version *v;
	int64_t w = me->conf.suspect;

	memset(&lt, 0, sizeof(lt));
	if (hl_store_link_terms(st, me, l, &lt) == 0) {
		v = hl_terms_at(lt.v, lt.nv, t);
		if (v && v->terms.suspect > 0)
			w = v->terms.suspect;
	}
	hl_link_terms_free(&lt);
	return w;
}

/* The revocations a rekey added to the eras before the new one, each
 * with the uses it now holds revoked, from the earliest time. */
static int rekey_revoked(struct hl_store *st, const struct hl_link *l, int side,
			 const struct hl_eras *e, const unsigned *before, uint64_t by)
{
	int r = 0;

	for (size_t i = 0; r == 0 && i + 1 < e->kc.n; i++) {
		const struct hl_era *x = &e->kc.era[i];
		int64_t at = INT64_MAX;

		if (x->revoked == before[i])
			continue;
		for (size_t u = 0; u < 3; u++)
			if ((x->revoked & (1u << u)) && x->revoked_at[u] < at)
				at = x->revoked_at[u];
		r = revoke_put(st, l, side, i, x->revoked, at, by);
	}
	return r;
}

int hl_store_era_rekey(struct hl_store *st, const struct hl_link *l, int side,
		       struct hl_eras *e, const struct hl_key_change *c,
		       const struct hl_card *card, int64_t window, int64_t confirmed)
{
	struct hl_key_change kept = *c;
	unsigned before[HL_ERAS_MAX];
	struct hl_dbs *s;
	int r = 0;

	if (e->kc.n == HL_ERAS_MAX)
		return -HL_ETOOBIG;
	for (size_t i = 0; i < e->kc.n; i++)
		before[i] = e->kc.era[i].revoked;
	kept.card = keep(e, e->kc.n, c->card, c->card_len);
	if (!kept.card)
		return -ENOMEM;
	r = hl_keychain_rekey(&e->kc, &kept, card, window);
	if (r == 0)
		r = founding_put(st, l, side, e);
	if (r == 0)
		r = era_put(st, l, side, e, e->kc.n - 1);
	if (r == 0 && confirmed) {
		s = stmt(st, K_CONFIRMED);
		if (!s)
			return -HL_ESTORE;
		hl_db_bind_int64(s, 1, l->id);
		hl_db_bind_int(s, 2, side);
		hl_db_bind_int64(s, 3, (int64_t)e->kc.n - 1);
		hl_db_bind_int64(s, 4, confirmed);
		r = hl_store_done(st, s);
		e->confirmed[e->kc.n - 1] = confirmed;
	}
	if (r == 0)
		r = rekey_revoked(st, l, side, e, before, c->seq);
	return r;
}

int hl_store_own_change_seq(struct hl_store *st, const struct hl_link *l, uint64_t *seq)
{
	struct hl_dbs *s = stmt(st, K_VIA);
	int rc;

	*seq = 0;
	if (!s)
		return -HL_ESTORE;
	hl_db_bind_int64(s, 1, l->id);
	rc = hl_db_step(s);
	if (rc == HL_DB_ROW)
		*seq = (uint64_t)hl_db_column_int64(s, 0);
	hl_db_reset(s);
	return rc == HL_DB_ROW || rc == HL_DB_DONE ? 0 : hl_store_fail(st);
}
