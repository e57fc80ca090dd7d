/* proof.c - encode, parse and verify third-party proofs. */
#include <string.h>

#include <sodium.h>

#include "error.h"
#include "proof.h"
#include "text.h"

int hl_proof_encode(struct hl_buf *out, const void *envelope, size_t n,
		    const unsigned char *key, uint64_t index, const hl_hash *path,
		    size_t npath, const void *checkpoint, size_t cplen)
{
	int r = hl_buf_printf(out, HL_PROOF_TYPE "\nenvelope %zu\n", n);

	if (r == 0)
		r = hl_buf_append(out, envelope, n);
	if (r == 0 && key) {
		r = hl_buf_puts(out, "key ");
		if (r == 0)
			r = hl_buf_b64(out, key, HL_KEY_LEN);
		if (r == 0)
			r = hl_buf_puts(out, "\n");
	}
	if (r == 0)
		r = hl_tlog_proof_encode(out, index, path, npath, checkpoint, cplen);
	return r;
}

static int parse_head(struct hl_lines *l, struct hl_proof *p)
{
	struct hl_lines peek;
	const char *line, *v;
	size_t len, vn;
	int r;

	if (!hl_lines_next(l, &line, &len))
		return -HL_ETRUNCATED;
	if (!hl_line_is(line, len, HL_PROOF_TYPE))
		return -HL_ETYPE;
	r = hl_lines_counted(l, "envelope", HL_ENVELOPE_HEADER_MAX + HL_BODY_MAX,
			     &p->envelope, &p->envelope_len);
	if (r < 0)
		return r;
	/* A "key" line, or none: the tlog-proof that follows reads its own. */
	peek = *l;
	if (!hl_lines_next(&peek, &line, &len) || !hl_field(line, len, "key", &v, &vn))
		return 0;
	*l = peek;
	p->has_key = true;
	return hl_b64_exact(v, vn, p->key, HL_KEY_LEN);
}

int hl_proof_parse(const unsigned char *buf, size_t n, struct hl_proof *p)
{
	struct hl_lines l;
	int r;

	memset(p, 0, sizeof(*p));
	if (n > HL_PROOF_MAX)
		return -HL_ETOOBIG;
	hl_lines_init(&l, buf, n);
	r = parse_head(&l, p);
	if (r == 0)
		r = hl_tlog_proof_parse(&l, &p->index, p->path, HL_MERKLE_PROOF_MAX,
					&p->npath, &p->checkpoint, &p->checkpoint_len);
	if (r < 0) {
		sodium_memzero(p->key, sizeof(p->key));
		memset(p, 0, sizeof(*p));
	}
	return r;
}

/* The two cards of a v1 proof, either order: the sender and recipient
 * by the envelope's names, and generation 1's link ID. */
struct two_cards {
	const struct hl_card *a, *b;
};

static int cards_envelope(void *ctx, const struct hl_envelope *env,
			  const struct hl_card **sender, const struct hl_card **recipient)
{
	const struct two_cards *c = ctx;

	if (strcmp(env->from, c->a->name) == 0 && strcmp(env->to, c->b->name) == 0) {
		*sender = c->a;
		*recipient = c->b;
	} else if (strcmp(env->from, c->b->name) == 0 && strcmp(env->to, c->a->name) == 0) {
		*sender = c->b;
		*recipient = c->a;
	} else {
		return -HL_ELINK;
	}
	return hl_envelope_check_link(env, NULL, *sender, *recipient);
}

static int cards_checkpoint(void *ctx, const struct hl_proof_result *res,
			    const unsigned char **pk)
{
	(void)ctx;
	*pk = res->sender->sign_pk;
	return 0;
}

static int cards_cosig(void *ctx, struct hl_proof_result *res)
{
	(void)ctx;
	return hl_cosig_verify(&res->cp, res->recipient->name, res->recipient->sign_pk,
			       &res->receipt_time);
}

static int check_checkpoint(const struct hl_proof *p, const struct hl_proof_keys *k,
			    struct hl_proof_result *res)
{
	char origin[HL_ORIGIN_MAX + 1];
	const unsigned char *pk = NULL;
	int r = hl_checkpoint_parse(p->checkpoint, p->checkpoint_len, &res->cp);

	if (r < 0)
		return r;
	hl_log_origin(res->env.link, res->env.from, origin);
	if (strcmp(origin, res->cp.origin) != 0)
		return -HL_ELINK;
	r = k->checkpoint(k->ctx, res, &pk);
	if (r == 0)
		r = hl_checkpoint_verify(&res->cp, pk);
	if (r == 0)
		r = k->cosig(k->ctx, res);
	return r;
}

/* Steps 8 to 10 of 9.8: the place in the log, and the disclosed key. */
static int check_inclusion(const struct hl_proof *p, struct hl_proof_result *res)
{
	hl_hash leaf;
	int r = 0;

	if (p->index != res->env.seq - 1)
		return -HL_EPROOF;
	hl_merkle_leaf(p->envelope, p->envelope_len, leaf);
	if (!hl_merkle_verify_inclusion(leaf, p->index, res->cp.size, p->path,
					p->npath, res->cp.root))
		return -HL_EPROOF;
	if (p->has_key) {
		struct hl_buf plain;

		/* Decrypting proves the key opens this body under its commitment. */
		hl_buf_init(&plain, HL_PLAIN_MAX);
		r = hl_envelope_decrypt(&res->env, p->key, &plain);
		if (plain.data)
			sodium_memzero(plain.data, plain.len);
		hl_buf_free(&plain);
	}
	return r;
}

int hl_proof_verify_keys(const struct hl_proof *p, const struct hl_proof_keys *k,
			 struct hl_proof_result *res)
{
	int r;

	memset(res, 0, sizeof(*res));
	r = hl_envelope_parse(p->envelope, p->envelope_len, &res->env);
	if (r == 0)
		r = k->envelope(k->ctx, &res->env, &res->sender, &res->recipient);
	if (r == 0)
		r = hl_envelope_verify(&res->env, res->sender);
	if (r == 0)
		r = check_checkpoint(p, k, res);
	if (r == 0)
		r = check_inclusion(p, res);
	return r;
}

int hl_proof_verify(const struct hl_proof *p, const struct hl_card *a,
		    const struct hl_card *b, struct hl_proof_result *res)
{
	struct two_cards c = {a, b};
	const struct hl_proof_keys k = {
		.envelope = cards_envelope, .checkpoint = cards_checkpoint,
		.cosig = cards_cosig, .ctx = &c,
	};

	return hl_proof_verify_keys(p, &k, res);
}
