/* proof2.c - proof files v2: parse, encode, and verify with key eras
 * (docs/protocol.md 9.12). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "content.h"
#include "error.h"
#include "merkle.h"
#include "proof2.h"
#include "text.h"

/* ---- encode ---- */

static int put_piece(struct hl_buf *out, const char *key, const struct hl_span *s)
{
	int r = hl_buf_printf(out, "%s %zu\n", key, s->n);

	return r == 0 ? hl_buf_append(out, s->p, s->n) : r;
}

static int put_list(struct hl_buf *out, const char *key, const struct hl_span *s,
		    size_t n)
{
	int r = hl_buf_printf(out, "%s %zu\n", key, n);

	for (size_t i = 0; r == 0 && i < n; i++)
		r = put_piece(out, "proof", &s[i]);
	return r;
}

int hl_proof2_encode(struct hl_buf *out, const struct hl_proof2_parts *parts)
{
	int r = hl_buf_printf(out, HL_PROOF2_TYPE "\ngeneration %" PRIu32 "\n",
			      parts->generation);

	for (size_t i = 0; r == 0 && i < 2; i++)
		r = put_piece(out, "card", &parts->card[i]);
	if (r == 0)
		r = put_list(out, "chain", parts->chain, parts->nchain);
	if (r == 0)
		r = put_list(out, "terms", parts->terms, parts->nterms);
	if (r == 0)
		r = put_list(out, "ack", parts->ack, parts->nack);
	if (r == 0)
		r = hl_buf_append(out, parts->main.p, parts->main.n);
	return r;
}

/* ---- parse ---- */

static int say(char *why, size_t cap, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Writes the sentence (if why) and returns err. */
static int say(char *why, size_t cap, int err, const char *fmt, ...)
{
	va_list ap;

	if (why && cap) {
		va_start(ap, fmt);
		vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* A line "key N", N at most max [ENUMBER]. */
static int get_count(struct hl_lines *l, const char *key, uint64_t max, uint64_t *v)
{
	const char *line, *val;
	size_t len, vn;

	if (!hl_lines_next(l, &line, &len))
		return -HL_ETRUNCATED;
	if (!hl_field(line, len, key, &val, &vn))
		return -HL_EFIELD;
	return hl_parse_u64(val, vn, max, v);
}

/* A line "key LEN" and LEN bytes, LEN at most max [ETOOBIG]. */
static int get_piece(struct hl_lines *l, const char *key, size_t max, struct hl_span *s)
{
	uint64_t n;
	int r = get_count(l, key, UINT64_MAX, &n);

	if (r < 0)
		return r;
	if (n > max)
		return -HL_ETOOBIG;
	if (!hl_lines_take(l, (size_t)n, &s->p))
		return -HL_ETRUNCATED;
	s->n = (size_t)n;
	return 0;
}

static int parse_head(struct hl_lines *l, struct hl_proof2 *p, char *why, size_t cap)
{
	const char *line;
	size_t len;
	uint64_t g;
	int r;

	if (!hl_lines_next(l, &line, &len))
		return say(why, cap, -HL_ETRUNCATED, "no type line");
	if (!hl_line_is(line, len, HL_PROOF2_TYPE))
		return say(why, cap, -HL_ETYPE, "not a %s file", HL_PROOF2_TYPE);
	r = get_count(l, "generation", HL_LINK_GEN_MAX, &g);
	if (r == 0 && g == 0)
		r = -HL_ENUMBER;
	if (r < 0)
		return say(why, cap, r, "generation: %s", hl_strerror(r));
	p->parts.generation = (uint32_t)g;
	for (int i = 0; i < 2; i++) {
		r = get_piece(l, "card", HL_CARD_MAX, &p->parts.card[i]);
		if (r == 0)
			r = hl_card_parse(p->parts.card[i].p, p->parts.card[i].n, &p->cards[i]);
		if (r < 0)
			return say(why, cap, r, "card %d: %s", i + 1, hl_strerror(r));
	}
	if (strcmp(p->cards[0].name, p->cards[1].name) == 0)
		return say(why, cap, -HL_ENAME, "the two cards are both %s's", p->cards[0].name);
	return 0;
}

/* "KEY N" and N disclosed v1 proofs; N one of the allowed counts. */
static int parse_list(struct hl_lines *l, const char *key, const char *what,
		      uint64_t max, uint64_t step, struct hl_span *s, struct hl_proof *pr,
		      size_t *n, char *why, size_t cap)
{
	uint64_t k;
	int r = get_count(l, key, max, &k);

	if (r == 0 && k % step != 0)
		r = -HL_ENUMBER;
	if (r < 0)
		return say(why, cap, r, "%s: %s", key, hl_strerror(r));
	*n = (size_t)k;
	for (size_t i = 0; i < k; i++) {
		r = get_piece(l, "proof", HL_PROOF2_NESTED_MAX, &s[i]);
		if (r == 0)
			r = hl_proof_parse(s[i].p, s[i].n, &pr[i]);
		if (r < 0)
			return say(why, cap, r, "%s proof %zu: %s", what, i + 1, hl_strerror(r));
		if (!pr[i].has_key)
			return say(why, cap, -HL_EPROOF, "%s proof %zu is not disclosed", what, i + 1);
	}
	return 0;
}

static void wipe(struct hl_proof2 *p)
{
	sodium_memzero(p, sizeof(*p));
}

int hl_proof2_parse(const unsigned char *buf, size_t n, struct hl_proof2 *p,
		    char *why, size_t cap)
{
	struct hl_lines l;
	int r;

	memset(p, 0, sizeof(*p));
	if (why && cap)
		why[0] = '\0';
	if (n > HL_PROOF2_MAX)
		return say(why, cap, -HL_ETOOBIG, "larger than %zu bytes", (size_t)HL_PROOF2_MAX);
	hl_lines_init(&l, buf, n);
	r = parse_head(&l, p, why, cap);
	if (r == 0)
		r = parse_list(&l, "chain", "chain", HL_PROOF2_CHAIN_MAX, 1, p->parts.chain,
			       p->chain, &p->parts.nchain, why, cap);
	if (r == 0)
		r = parse_list(&l, "terms", "terms", 4, 2, p->parts.terms, p->terms,
			       &p->parts.nterms, why, cap);
	if (r == 0)
		r = parse_list(&l, "ack", "ack", 1, 1, p->parts.ack, p->ack, &p->parts.nack,
			       why, cap);
	if (r < 0)
		goto out;
	p->parts.main.p = (const unsigned char *)l.p;
	p->parts.main.n = (size_t)(l.end - l.p);
	r = hl_proof_parse(p->parts.main.p, p->parts.main.n, &p->main);
	if (r < 0)
		say(why, cap, r, "the message's proof: %s", hl_strerror(r));
out:
	if (r < 0)
		wipe(p);
	return r;
}

/* ---- verify ---- */

/* What verify works with; the chains live in res. */
struct v2 {
	const struct hl_proof2 *p;
	struct hl_proof2_result *res;
	const struct hl_card *given;
	size_t ngiven;
	unsigned char link[HL_LINK_ID_LEN];
	bool chain;			/* a chain proof: no trust needed, and its
					 * envelope's date was checked in phase 1 */
	const char *what;		/* "chain proof 3", "the message" */
	int party[2];			/* of the proof at hand: sender, recipient */
	char *why;
	size_t cap;
	/* The cards the chain's envelopes carry, which the eras point to. */
	unsigned char cardbuf[2][HL_ERAS_MAX][HL_CARD_MAX];
	struct hl_taboo taboo[HL_ERAS_MAX * 3];
	struct hl_envelope envs[HL_PROOF2_CHAIN_MAX];
	struct hl_proof_result got[5];	/* terms 0..3 and the ack */
};

static int party_of(const struct v2 *v, const char *name)
{
	for (int i = 0; i < 2; i++)
		if (strcmp(v->res->chain[i].era[0].card.name, name) == 0)
			return i;
	return -1;
}

static uint32_t keyid(const struct hl_card *c)
{
	return hl_note_keyid(c->name, HL_SIGTYPE_ED25519, c->sign_pk, HL_ED25519_PK_LEN);
}

/* Era i of party s may be used: trusted (when the piece needs it) and
 * not revoked at t (t INT64_MIN: no date to check). */
static int era_ok(struct v2 *v, int s, size_t i, int64_t t, uint64_t seq)
{
	const struct hl_keychain *kc = &v->res->chain[s];
	char tail[400];
	int r;

	if (!v->chain) {
		r = hl_keychain_trust(kc, i, v->given, v->ngiven, tail, sizeof(tail));
		if (r < 0)
			return say(v->why, v->cap, r, "%s: %s", v->what, tail);
	}
	if (t == INT64_MIN)
		return 0;
	r = hl_keychain_check_sign(kc, i, t, seq, tail, sizeof(tail));
	return r < 0 ? say(v->why, v->cap, r, "%s: %s", v->what, tail) : 0;
}

static int keys_envelope(void *ctx, const struct hl_envelope *env,
			 const struct hl_card **sender, const struct hl_card **recipient)
{
	struct v2 *v = ctx;
	int s = party_of(v, env->from), t = party_of(v, env->to);
	size_t i;
	int r;

	if (s < 0 || t < 0 || s == t)
		return say(v->why, v->cap, -HL_ELINK, "%s: from %s to %s, not between the two cards",
			   v->what, env->from, env->to);
	v->party[0] = s;
	v->party[1] = t;
	r = hl_keychain_for_seq(&v->res->chain[s], env->seq, &i);
	if (r == 0)
		r = era_ok(v, s, i, v->chain ? INT64_MIN : env->time, env->seq);
	if (r < 0)
		return r;
	*sender = &v->res->chain[s].era[i].card;
	*recipient = &v->res->chain[t].era[v->res->chain[t].n - 1].card;
	r = hl_envelope_check_link(env, v->link, *sender, *recipient);
	return r < 0 ? say(v->why, v->cap, r, "%s: not of this link (generation %" PRIu32 ")",
			   v->what, v->p->parts.generation) : 0;
}

static int keys_checkpoint(void *ctx, const struct hl_proof_result *res,
			   const unsigned char **pk)
{
	struct v2 *v = ctx;
	int s = v->party[0];
	size_t i = hl_keychain_for_size(&v->res->chain[s], res->cp.size);
	int r = era_ok(v, s, i, INT64_MIN, 0);

	*pk = v->res->chain[s].era[i].card.sign_pk;
	return r;
}

/* The recipient's cosignature, by the era that holds its timestamp: the
 * era is known only once a key verifies it, so each is tried. */
static int keys_cosig(void *ctx, struct hl_proof_result *res)
{
	struct v2 *v = ctx;
	const struct hl_keychain *kc = &v->res->chain[v->party[1]];
	const char *name = kc->era[0].card.name;
	int r = -HL_ENOSIG;
	uint64_t t = 0;
	size_t i, k;

	for (i = 0; i < kc->n && r == -HL_ENOSIG; i++)
		r = hl_cosig_verify(&res->cp, name, kc->era[i].card.sign_pk, &t);
	if (r < 0)
		return say(v->why, v->cap, r, "%s: the cosignature by %s: %s", v->what, name,
			   hl_strerror(r));
	k = hl_keychain_for_time(kc, (int64_t)t);
	if (sodium_memcmp(kc->era[k].card.sign_pk, kc->era[i - 1].card.sign_pk,
			  HL_ED25519_PK_LEN) != 0)
		return say(v->why, v->cap, -HL_EBADSIG,
			   "%s: cosigned with %s's key of era %zu, not era %zu's that held its time",
			   v->what, name, i - 1, k);
	r = era_ok(v, v->party[1], k, (int64_t)t, 0);
	res->recipient = &kc->era[k].card;
	res->receipt_time = t;
	return r;
}

static int verify_one(struct v2 *v, const struct hl_proof *pr, const char *what,
		      bool chain, struct hl_proof_result *out)
{
	const struct hl_proof_keys k = {
		.envelope = keys_envelope, .checkpoint = keys_checkpoint,
		.cosig = keys_cosig, .ctx = v,
	};
	int r;

	v->what = what;
	v->chain = chain;
	if (v->why && v->cap)
		v->why[0] = '\0';
	r = hl_proof_verify_keys(pr, &k, out);
	if (r < 0 && v->why && v->cap && !v->why[0])
		say(v->why, v->cap, r, "%s: %s", what, hl_strerror(r));
	return r;
}

/* The content of a disclosed nested proof whose envelope is env. */
static int open_content(const struct hl_proof *pr, const struct hl_envelope *env,
			struct hl_content *c)
{
	struct hl_buf plain;
	int r;

	hl_buf_init(&plain, HL_PLAIN_MAX);
	r = hl_envelope_decrypt(env, pr->key, &plain);
	if (r == 0)
		r = hl_content_parse(plain.data, plain.len, c);
	if (plain.data)
		sodium_memzero(plain.data, plain.len);
	hl_buf_free(&plain);
	return r;
}

/* ---- phase 1: the eras ---- */

/* Rule 7 restricted to the two parties: the other party's keys. */
static size_t other_keys(struct v2 *v, int s)
{
	const struct hl_keychain *kc = &v->res->chain[1 - s];
	size_t n = 0;

	for (size_t i = 0; i < kc->n; i++) {
		const struct hl_card *c = &kc->era[i].card;
		const unsigned char *keys[3] = {c->sign_pk, c->box_pk, c->tls_pin};

		for (int u = 0; u < 3; u++) {
			struct hl_taboo *t = &v->taboo[n++];

			memset(t, 0, sizeof(*t));
			memcpy(t->key, keys[u], 32);
			t->kind = HL_TABOO_LINK;
			snprintf(t->link, sizeof(t->link), "%s", c->name);
		}
	}
	return n;
}

/* A given card of party s that verifies env: the new key of a rekey. */
static const struct hl_card *given_signer(const struct v2 *v, int s,
					  const struct hl_envelope *env)
{
	const char *name = v->res->chain[s].era[0].card.name;

	for (size_t i = 0; i < v->ngiven; i++)
		if (strcmp(v->given[i].name, name) == 0 &&
		    hl_envelope_verify(env, &v->given[i]) == 0)
			return &v->given[i];
	return NULL;
}

static int apply_card(struct v2 *v, int s, struct hl_key_change *c, char *tail,
		      size_t cap)
{
	struct hl_keychain *kc = &v->res->chain[s];
	struct hl_card card;
	int r;

	c->taboo = v->taboo;
	c->ntaboo = other_keys(v, s);
	r = hl_keychain_check_change(kc, c, &card, tail, cap);
	return r == 0 ? hl_keychain_rotate(kc, c, &card) : r;
}

static int apply_rekey(struct v2 *v, int s, const struct hl_card *signer,
		       struct hl_key_change *c, char *tail, size_t cap)
{
	struct hl_keychain *kc = &v->res->chain[s];
	struct hl_card card;
	int r = hl_keychain_check_rekey(kc, c, c->card, c->card_len, &card, tail, cap);

	if (r == 0 && sodium_memcmp(card.sign_pk, signer->sign_pk, HL_ED25519_PK_LEN) != 0)
		r = say(tail, cap, -HL_EKEY, "rekey at seq %" PRIu64 ": signed by another key than its card's",
			c->seq);
	return r == 0 ? hl_keychain_rekey(kc, c, &card, 0) : r;
}

/* The key change of chain proof j (envelope env, sender s, verified):
 * opens it, checks it as a witness would and adds the era. */
static int apply_change(struct v2 *v, size_t j, int s, const struct hl_envelope *env,
			const struct hl_card *rekey_signer)
{
	struct hl_keychain *kc = &v->res->chain[s];
	struct hl_key_change c = {.seq = env->seq, .time = env->time,
				  .skew = HL_PROOF2_SKEW};
	struct hl_content ct;
	char tail[512] = "";
	int r;

	if (kc->n == HL_ERAS_MAX)
		return say(v->why, v->cap, -HL_ETOOBIG, "chain proof %zu: too many eras", j + 1);
	r = open_content(&v->p->chain[j], env, &ct);
	if (r < 0)
		return say(v->why, v->cap, r, "chain proof %zu: %s", j + 1, hl_strerror(r));
	if (strcmp(ct.type, env->kind) != 0 || !ct.card || ct.card_len > HL_CARD_MAX) {
		hl_content_free(&ct);
		return say(v->why, v->cap, -HL_ECONTENT, "chain proof %zu: not a %s message",
			   j + 1, env->kind);
	}
	memcpy(v->cardbuf[s][kc->n], ct.card, ct.card_len);
	c.card = v->cardbuf[s][kc->n];
	c.card_len = ct.card_len;
	c.revoke = ct.revoke;
	hl_content_free(&ct);
	if (rekey_signer)
		r = apply_rekey(v, s, rekey_signer, &c, tail, sizeof(tail));
	else
		r = apply_card(v, s, &c, tail, sizeof(tail));
	if (r < 0 && !tail[0])
		snprintf(tail, sizeof(tail), "%s", hl_strerror(r));
	return r < 0 ? say(v->why, v->cap, r, "chain proof %zu: %s", j + 1, tail) : 0;
}

/* Tries chain proof j: 1 when its era was added, 0 when its key is not
 * known yet, or the error. */
static int try_change(struct v2 *v, size_t j, int s, const struct hl_envelope *env)
{
	const struct hl_keychain *kc = &v->res->chain[s];
	const struct hl_card *signer = NULL;
	size_t i;
	int r;

	if (hl_keychain_for_seq(kc, env->seq, &i) < 0)
		return say(v->why, v->cap, -HL_ENUMBER, "chain proof %zu: seq 0", j + 1);
	if (env->seq <= kc->era[kc->n - 1].via_seq)
		return say(v->why, v->cap, -HL_EPROOF, "chain proof %zu: seq %" PRIu64
			   " comes twice or after a later key change", j + 1, env->seq);
	if (strcmp(env->kind, "rekey") == 0) {
		signer = given_signer(v, s, env);
		if (!signer)
			return say(v->why, v->cap, -HL_ETRUST,
				   "%s's key changed by voice at seq %" PRIu64
				   ": give its new card with --card to go on",
				   kc->era[0].card.name, env->seq);
	} else if (strcmp(env->kind, "card") != 0) {
		return say(v->why, v->cap, -HL_EPROOF, "chain proof %zu is a %s, not a card or rekey",
			   j + 1, env->kind);
	} else if (hl_envelope_verify(env, &kc->era[i].card) < 0) {
		return 0;
	}
	if (hl_envelope_check_link(env, v->link, &kc->era[i].card,
				   &v->res->chain[1 - s].era[0].card) < 0)
		return say(v->why, v->cap, -HL_ELINK, "chain proof %zu: not of this link", j + 1);
	r = apply_change(v, j, s, env, signer);
	return r < 0 ? r : 1;
}

/* The lowest unused chain proof of party s, or -1. */
static long next_of(const struct hl_envelope *envs, const bool *used, size_t n,
		    const char *name)
{
	long best = -1;

	for (size_t j = 0; j < n; j++)
		if (!used[j] && strcmp(envs[j].from, name) == 0 &&
		    (best < 0 || envs[j].seq < envs[best].seq))
			best = (long)j;
	return best;
}

static int chain_pass(struct v2 *v, const struct hl_envelope *envs, bool *used,
		      size_t n, bool *progress)
{
	for (int s = 0; s < 2; s++) {
		long j = next_of(envs, used, n, v->res->chain[s].era[0].card.name);
		int r;

		if (j < 0)
			continue;
		r = try_change(v, (size_t)j, s, &envs[j]);
		if (r < 0)
			return r;
		if (r == 1) {
			used[j] = true;
			*progress = true;
		}
	}
	return 0;
}

static int build_chain(struct v2 *v)
{
	struct hl_envelope *envs = v->envs;
	size_t n = v->p->parts.nchain;
	bool used[HL_PROOF2_CHAIN_MAX] = {false}, progress = true;
	int r;

	for (size_t j = 0; j < n; j++) {
		r = hl_envelope_parse(v->p->chain[j].envelope, v->p->chain[j].envelope_len,
				      &envs[j]);
		if (r < 0)
			return say(v->why, v->cap, r, "chain proof %zu: %s", j + 1, hl_strerror(r));
		if (party_of(v, envs[j].from) < 0)
			return say(v->why, v->cap, -HL_ELINK, "chain proof %zu: from %s, not a party",
				   j + 1, envs[j].from);
	}
	while (progress) {
		progress = false;
		r = chain_pass(v, envs, used, n, &progress);
		if (r < 0)
			return r;
	}
	for (size_t j = 0; j < n; j++)
		if (!used[j])
			return say(v->why, v->cap, -HL_ENOSIG,
				   "chain proof %zu: signed by a key not in the chain", j + 1);
	return 0;
}

/* ---- phase 2: every proof with era keys; terms and ack ---- */

static int check_chain_proofs(struct v2 *v)
{
	char what[48];
	int r = 0;

	for (size_t j = 0; r == 0 && j < v->p->parts.nchain; j++) {
		snprintf(what, sizeof(what), "chain proof %zu", j + 1);
		r = verify_one(v, &v->p->chain[j], what, true, &v->got[0]);
	}
	return r;
}

/* Whether content c's ref names the envelope of proof pr. */
static bool names(const struct hl_content *c, const struct hl_proof *pr,
		  const struct hl_envelope *env)
{
	hl_hash leaf;

	if (!c->has_ref || strcmp(c->ref.from, env->from) != 0 || c->ref.seq != env->seq)
		return false;
	hl_merkle_leaf(pr->envelope, pr->envelope_len, leaf);
	return sodium_memcmp(leaf, c->ref.leaf, sizeof(leaf)) == 0;
}

/* Terms proof i (0-based) and its content, verified with trust. */
static int open_terms(struct v2 *v, size_t i, struct hl_content *c)
{
	char what[48];
	int r;

	snprintf(what, sizeof(what), "terms proof %zu", i + 1);
	r = verify_one(v, &v->p->terms[i], what, false, &v->got[i]);
	if (r < 0)
		return r;
	r = open_content(&v->p->terms[i], &v->got[i].env, c);
	return r < 0 ? say(v->why, v->cap, r, "%s: %s", what, hl_strerror(r)) : 0;
}

/* Terms proofs i and i + 1: a proposal and the other party's acceptance
 * of it.  *version gets the proposal's version. */
static int check_pair(struct v2 *v, size_t i, uint64_t *version, struct hl_terms *t)
{
	struct hl_content c[2];
	int r = open_terms(v, i, &c[0]);

	if (r < 0)
		return r;
	r = open_terms(v, i + 1, &c[1]);
	if (r < 0) {
		hl_content_free(&c[0]);
		return r;
	}
	if (strcmp(c[0].type, "terms") != 0 || !c[0].has_terms)
		r = say(v->why, v->cap, -HL_EPROOF, "terms proof %zu is not a terms proposal", i + 1);
	else if (strcmp(c[1].type, "terms-accept") != 0 ||
		 strcmp(v->got[i].env.from, v->got[i + 1].env.from) == 0 ||
		 !names(&c[1], &v->p->terms[i], &v->got[i].env))
		r = say(v->why, v->cap, -HL_EPROOF,
			"terms proof %zu is not the other party's acceptance of terms proof %zu",
			i + 2, i + 1);
	if (r == 0) {
		*version = c[0].terms.version;
		*t = c[0].terms;
	}
	hl_content_free(&c[0]);
	hl_content_free(&c[1]);
	return r;
}

static int check_terms(struct v2 *v, const struct hl_envelope *msg)
{
	struct hl_proof2_terms *pt = &v->res->terms;
	struct hl_terms next;
	char when[HL_TIME_LEN + 1];
	uint64_t ver, ver2;
	int r;

	if (v->p->parts.nterms == 0)
		return 0;
	r = check_pair(v, 0, &ver, &pt->terms);
	if (r < 0)
		return r;
	hl_time_format(v->got[1].env.time, when);
	if (v->got[1].env.time > msg->time)
		return say(v->why, v->cap, -HL_EPROOF,
			   "the terms shown were accepted at %s, after the message", when);
	pt->since = v->got[1].env.time;
	snprintf(pt->proposed_by, sizeof(pt->proposed_by), "%s", v->got[0].env.from);
	snprintf(pt->accepted_by, sizeof(pt->accepted_by), "%s", v->got[1].env.from);
	pt->proposed_seq = v->got[0].env.seq;
	pt->accepted_seq = v->got[1].env.seq;
	v->res->has_terms = true;
	if (v->p->parts.nterms == 2)
		return 0;
	r = check_pair(v, 2, &ver2, &next);
	if (r == 0 && ver2 != ver + 1)
		r = say(v->why, v->cap, -HL_EPROOF, "terms proof 3 is version %" PRIu64 ", not %" PRIu64,
			ver2, ver + 1);
	hl_time_format(v->got[3].env.time, when);
	if (r == 0 && v->got[3].env.time <= msg->time)
		r = say(v->why, v->cap, -HL_EPROOF,
			"the next terms were accepted at %s, before the message: they were in force",
			when);
	pt->has_next = r == 0;
	pt->next_since = v->got[3].env.time;
	return r;
}

/* Which answers acknowledge a message of this kind. */
static bool acks(const char *msg_kind, const char *type)
{
	if (strcmp(type, "ack") == 0)
		return true;
	if (strcmp(type, "check-reply") == 0)
		return strcmp(msg_kind, "check") == 0;
	if (strcmp(type, "answer") == 0)
		return strcmp(msg_kind, "request") == 0;
	if (strcmp(type, "terms-accept") == 0 || strcmp(type, "terms-decline") == 0)
		return strcmp(msg_kind, "terms") == 0;
	return false;
}

static int check_ack(struct v2 *v, const struct hl_envelope *msg)
{
	struct hl_proof_result *a = &v->got[4];
	struct hl_content c;
	int r;

	if (v->p->parts.nack == 0)
		return 0;
	r = verify_one(v, &v->p->ack[0], "the acknowledgment", false, a);
	if (r == 0)
		r = open_content(&v->p->ack[0], &a->env, &c);
	if (r < 0)
		return v->why && v->why[0] ? r :
			say(v->why, v->cap, r, "the acknowledgment: %s", hl_strerror(r));
	if (strcmp(a->env.from, msg->to) != 0 || !acks(msg->kind, c.type) ||
	    !names(&c, &v->p->main, msg))
		r = say(v->why, v->cap, -HL_EPROOF,
			"the acknowledgment (a %s of %s) does not answer the message", c.type,
			a->env.from);
	hl_content_free(&c);
	if (r < 0)
		return r;
	v->res->has_ack = true;
	snprintf(v->res->ack_kind, sizeof(v->res->ack_kind), "%s", a->env.kind);
	v->res->ack_seq = a->env.seq;
	v->res->ack_time = a->env.time;
	return 0;
}

/* The message's key revoked after it signed: suspect within the terms'
 * window before the revocation. */
static void check_suspect(struct hl_proof2_result *res)
{
	const struct hl_keychain *kc = &res->chain[res->sender];
	const struct hl_card *c = &kc->era[res->era].card;
	int64_t at, t = res->main.env.time;

	if (!hl_keychain_revoked(kc, HL_USE_SIGN, c->sign_pk, INT64_MAX, &at))
		return;
	res->revoked = true;
	res->revoked_at = at;
	res->suspect_keyid = keyid(c);
	res->suspect = res->has_terms && t >= at - res->terms.terms.suspect;
}

static int verify_all(struct v2 *v)
{
	struct hl_proof2_result *res = v->res;
	int r = build_chain(v);

	if (r < 0)
		return r;
	r = verify_one(v, &v->p->main, "the message", false, &res->main);
	if (r < 0)
		return r;
	res->sender = v->party[0];
	hl_keychain_for_seq(&res->chain[res->sender], res->main.env.seq, &res->era);
	r = check_chain_proofs(v);
	if (r == 0)
		r = check_terms(v, &res->main.env);
	if (r == 0)
		r = check_ack(v, &res->main.env);
	if (r == 0)
		check_suspect(res);
	return r;
}

int hl_proof2_verify(const struct hl_proof2 *p, const struct hl_card *given,
		     size_t ngiven, struct hl_proof2_result *res, char *why, size_t cap)
{
	struct v2 *v = calloc(1, sizeof(*v));
	int r;

	memset(res, 0, sizeof(*res));
	if (why && cap)
		why[0] = '\0';
	if (!v)
		return say(why, cap, -ENOMEM, "out of memory");
	v->p = p;
	v->res = res;
	v->given = given;
	v->ngiven = ngiven;
	v->why = why;
	v->cap = cap;
	res->generation = p->parts.generation;
	for (int i = 0; i < 2; i++)
		hl_keychain_init(&res->chain[i], &p->cards[i], p->parts.card[i].p,
				 p->parts.card[i].n);
	r = hl_link_id_gen(p->cards[0].sign_pk, p->cards[1].sign_pk, p->parts.generation,
			   v->link);
	if (r == 0)
		r = verify_all(v);
	/* The later eras' card bytes were v's. */
	for (int i = 0; i < 2; i++)
		for (size_t k = 1; k < res->chain[i].n; k++) {
			res->chain[i].era[k].raw = NULL;
			res->chain[i].era[k].raw_len = 0;
		}
	sodium_memzero(v, sizeof(*v));
	free(v);
	return r;
}
