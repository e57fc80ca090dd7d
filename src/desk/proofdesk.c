/* proofdesk.c - the desk's proof export: the proof file of one message.
 *
 * A disclosed proof carries that message's content key, unwrapped with
 * the party's secret key: only hotlined holds it, so only the desk can
 * make one.  The door writes the bytes where the operator says.
 *
 * The proof is v1 (protocol.md 9.8) when it verifies with the two
 * founding cards, which older tools read; else, or when the terms or
 * the ack are asked for, v2 (9.12): the generation, the founding cards,
 * the disclosed proofs of the `card` and `rekey` envelopes that began
 * each later era (the sender's up to the message, the recipient's as
 * far as they are receipted), the terms in force and the ack. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "deskcase.h"
#include "desk.h"
#include "error.h"
#include "keys.h"
#include "linkterms.h"
#include "proof.h"
#include "proof2.h"
#include "store.h"
#include "transcript.h"

/* What goes into a v2 proof, as it is gathered. */
struct gather {
	struct hl_desk *d;
	const struct hl_link *l;
	struct hl_eras *eras[2];
	struct hl_proof2_parts parts;
	struct hl_buf bufs[HL_PROOF2_CHAIN_MAX + 5];
	size_t nbufs;
};

static void gather_free(struct gather *g)
{
	for (size_t i = 0; i < g->nbufs; i++) {
		if (g->bufs[i].data)
			sodium_memzero(g->bufs[i].data, g->bufs[i].len);
		hl_buf_free(&g->bufs[i]);
	}
	hl_eras_free(g->eras[0]);
	hl_eras_free(g->eras[1]);
}

/* The disclosed v1 proof of (side, seq) into *span; -HL_ENOTFOUND while
 * it is not receipted. */
static int nested(struct gather *g, int side, uint64_t seq, struct hl_span *span)
{
	struct hl_buf *b = &g->bufs[g->nbufs];
	int r;

	if (g->nbufs == sizeof(g->bufs) / sizeof(g->bufs[0]))
		return -HL_ETOOBIG;
	hl_buf_init(b, HL_PROOF2_NESTED_MAX);
	r = hl_transcript_proof(g->d->st, g->d->me, g->l, side, seq, true, b);
	if (r < 0) {
		hl_buf_free(b);
		return r;
	}
	g->nbufs++;
	*span = (struct hl_span){b->data, b->len};
	return 0;
}

/* The generation whose link ID the founding cards' keys make (5.1). */
static uint32_t generation(const struct gather *g)
{
	unsigned char id[HL_LINK_ID_LEN];

	for (uint32_t k = 1; k <= HL_LINK_GEN_MAX; k++)
		if (hl_link_id_gen(g->eras[0]->kc.era[0].card.sign_pk,
				   g->eras[1]->kc.era[0].card.sign_pk, k, id) == 0 &&
		    sodium_memcmp(id, g->l->link_id, sizeof(id)) == 0)
			return k;
	return 0;
}

/* The chain: every later era's envelope, the sender's up to seq. */
static int chain(struct gather *g, int side, uint64_t seq)
{
	for (int s = HL_OURS; s <= HL_THEIRS; s++) {
		const struct hl_keychain *kc = &g->eras[s]->kc;

		for (size_t k = 1; k < kc->n; k++) {
			int r;

			if (s == side && kc->era[k].via_seq > seq)
				break;
			if (g->parts.nchain == HL_PROOF2_CHAIN_MAX)
				return -HL_ETOOBIG;
			r = nested(g, s, kc->era[k].via_seq, &g->parts.chain[g->parts.nchain]);
			if (r == -HL_ENOTFOUND)
				break;
			if (r < 0)
				return r;
			g->parts.nchain++;
		}
	}
	return 0;
}

/* The proposal and acceptance of version v into terms[i], terms[i+1]. */
static int terms_pair(struct gather *g, const struct hl_terms_version *v, size_t i)
{
	int r = nested(g, v->proposed_side, v->proposed_seq, &g->parts.terms[i]);

	if (r == 0)
		r = nested(g, v->accepted_side, v->accepted_seq, &g->parts.terms[i + 1]);
	return r;
}

/* The terms in force at the message's time t and the next version. */
static int terms(struct gather *g, int64_t t, struct hl_desk_err *e)
{
	struct hl_link_terms lt;
	const struct hl_terms_version *v;
	int r;

	memset(&lt, 0, sizeof(lt));
	if (!hl_desk_index(g->d, e))
		return -HL_ESTORE;
	r = hl_store_link_terms(g->d->st, g->d->me, g->l, &lt);
	v = r == 0 ? hl_terms_at(lt.v, lt.nv, t) : NULL;
	if (v)
		r = terms_pair(g, v, 0);
	if (r == 0 && v) {
		g->parts.nterms = 2;
		if (v + 1 < lt.v + lt.nv && terms_pair(g, v + 1, 2) == 0)
			g->parts.nterms = 4;
	}
	hl_link_terms_free(&lt);
	return r == -HL_ENOTFOUND ? 0 : r;
}

/* The peer's ack of (side, seq), when it is one a verifier reads. */
static int ack(struct gather *g, int side, uint64_t seq)
{
	struct hl_proof p;
	struct hl_envelope env;
	uint64_t aseq;
	int64_t at;
	int r = hl_store_acked(g->d->st, g->l->id, side, seq, &aseq, &at);

	if (r == 0)
		r = nested(g, !side, aseq, &g->parts.ack[0]);
	if (r == -HL_ENOTFOUND)
		return 0;
	if (r == 0)
		r = hl_proof_parse(g->parts.ack[0].p, g->parts.ack[0].n, &p);
	if (r == 0)
		r = hl_envelope_parse(p.envelope, p.envelope_len, &env);
	if (r == 0 && (strcmp(env.kind, "ack") == 0 || strcmp(env.kind, "check-reply") == 0 ||
		       strcmp(env.kind, "answer") == 0))
		g->parts.nack = 1;
	sodium_memzero(&p, sizeof(p));
	return r;
}

/* Whether v1 (the message's proof) verifies with the founding cards. */
static bool v1_holds(const struct gather *g, const struct hl_buf *v1)
{
	struct hl_proof *p = calloc(1, sizeof(*p));
	struct hl_proof_result res;
	bool ok = p && hl_proof_parse(v1->data, v1->len, p) == 0 &&
		  hl_proof_verify(p, &g->eras[0]->kc.era[0].card,
				  &g->eras[1]->kc.era[0].card, &res) == 0;

	if (p)
		sodium_memzero(p, sizeof(*p));
	free(p);
	return ok;
}

/* The message's time, from its v1 proof. */
static int64_t sent_at(const struct hl_buf *v1)
{
	struct hl_proof *p = calloc(1, sizeof(*p));
	struct hl_envelope env;
	int64_t t = 0;

	if (p && hl_proof_parse(v1->data, v1->len, p) == 0 &&
	    hl_envelope_parse(p->envelope, p->envelope_len, &env) == 0)
		t = env.time;
	if (p)
		sodium_memzero(p, sizeof(*p));
	free(p);
	return t;
}

struct want {
	int side;
	uint64_t seq;
	bool terms, ack;
};

/* Turns the v1 proof in *out into v2 when it must be; *version says
 * which it is. */
static int upgrade(struct hl_desk *d, const struct hl_link *l, const struct want *w,
		   struct hl_buf *out, int *version, struct hl_desk_err *e)
{
	struct gather g = {.d = d, .l = l};
	struct hl_buf v2;
	int r;

	*version = 1;
	r = hl_store_eras_load(d->st, l, HL_OURS, &d->me->card, &d->me->card_text, &g.eras[0]);
	if (r == 0)
		r = hl_store_eras_load(d->st, l, HL_THEIRS, &l->card, &l->card_text, &g.eras[1]);
	if (r < 0)
		goto out;
	g.parts.generation = generation(&g);
	if (!w->terms && !w->ack && g.parts.generation == 1 && v1_holds(&g, out))
		goto out;
	for (int s = 0; s < 2; s++)
		g.parts.card[s] = (struct hl_span){g.eras[s]->kc.era[0].raw,
						   g.eras[s]->kc.era[0].raw_len};
	r = g.parts.generation ? chain(&g, w->side, w->seq) : -HL_ELINK;
	if (r == 0 && w->terms)
		r = terms(&g, sent_at(out), e);
	if (r == 0 && w->ack)
		r = ack(&g, w->side, w->seq);
	if (r < 0)
		goto out;
	g.parts.main = (struct hl_span){out->data, out->len};
	hl_buf_init(&v2, HL_PROOF2_MAX);
	r = hl_proof2_encode(&v2, &g.parts);
	if (r == 0) {
		sodium_memzero(out->data, out->len);
		hl_buf_free(out);
		*out = v2;
		*version = 2;
	} else {
		hl_buf_free(&v2);
	}
out:
	gather_free(&g);
	return r;
}

/* b as base64 (the proof's body is bytes), in a JSON string. */
static json_t *base64(const struct hl_buf *b)
{
	size_t cap = sodium_base64_ENCODED_LEN(b->len, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(cap);
	json_t *j = NULL;

	if (s) {
		sodium_bin2base64(s, cap, b->data, b->len, sodium_base64_VARIANT_ORIGINAL);
		j = json_stringn(s, strlen(s));
		sodium_memzero(s, cap);
	}
	free(s);
	return j;
}

/* {"link", "seq", "received"?, "disclose"?, "terms"?, "ack"?} ->
 * {"link", "seq", "side": "sent"|"received", "disclosed", "version": 1|2,
 *  "proof": base64} */
json_t *hl_desk_proof_export(struct hl_desk *d, const struct hl_desk_req *q,
			     struct hl_desk_err *e)
{
	const char *name;
	bool received = false, disclose = false, has_seq = false, terms_ = false, ack_ = false;
	struct want w;
	int version = 1;
	uint64_t seq = 0;
	struct hl_link l = {0};
	struct hl_buf out;
	json_t *res = NULL, *b64;
	int r;

	if (!hl_desk_args_only(q, e, "link", "seq", "received", "disclose", "terms", "ack",
			       NULL) ||
	    !hl_desk_arg_need(q, "link", &name, e) ||
	    !hl_desk_arg_u64(q, "seq", &seq, &has_seq, e) ||
	    !hl_desk_arg_bool(q, "received", &received, e) ||
	    !hl_desk_arg_bool(q, "disclose", &disclose, e) ||
	    !hl_desk_arg_bool(q, "terms", &terms_, e) ||
	    !hl_desk_arg_bool(q, "ack", &ack_, e))
		return NULL;
	if (!has_seq || seq < 1 || seq > INT64_MAX)
		return hl_desk_fail(e, 400, "seq: want a number from 1");
	r = hl_store_link_get(d->st, name, &l);
	if (r < 0) {
		hl_link_free(&l);
		return hl_desk_fail_code(e, r, name);
	}
	hl_buf_init(&out, HL_PROOF_MAX);
	r = hl_transcript_proof(d->st, d->me, &l, received ? HL_THEIRS : HL_OURS, seq,
				disclose, &out);
	w = (struct want){received ? HL_THEIRS : HL_OURS, seq, terms_, ack_};
	if (r == 0)
		r = upgrade(d, &l, &w, &out, &version, e);
	hl_link_free(&l);
	b64 = r == 0 ? base64(&out) : NULL;
	if (r == -HL_ENOTFOUND && received)
		hl_desk_fail(e, 404, "%s: no receipted message %llu in the received log", name,
			     (unsigned long long)seq);
	else if (r == -HL_ENOTFOUND)
		hl_desk_fail(e, 404, "%s: no receipted message %llu in the sent log", name,
			     (unsigned long long)seq);
	else if (r < 0 && !e->status)
		hl_desk_fail_code(e, r, name);
	else if (!b64)
		hl_desk_fail(e, 503, "out of memory");
	else
		res = json_pack("{s:s, s:I, s:s, s:b, s:i, s:o}", "link", name, "seq",
				(json_int_t)seq, "side", received ? "received" : "sent",
				"disclosed", disclose, "version", version, "proof", b64);
	if (out.data)
		sodium_memzero(out.data, out.len);
	hl_buf_free(&out);
	return res;
}
