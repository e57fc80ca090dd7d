/* envelope.c - seal, parse, verify and open envelopes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "envelope.h"
#include "error.h"
#include "hash.h"
#include "text.h"

static const char body_ad[] = "hotline.body/v1";
static const char commit_ctx[] = "hotline.key-commit/v1\n";
static const char link_ctx[] = "hotline.link/v1\n";
static const char *const precedences[] = {
	[HL_FLASH] = "flash",
	[HL_IMMEDIATE] = "immediate",
	[HL_PRIORITY] = "priority",
	[HL_ROUTINE] = "routine",
};
#define NPRECEDENCES (sizeof(precedences) / sizeof(precedences[0]))

void hl_link_id(const unsigned char a[HL_ED25519_PK_LEN],
		const unsigned char b[HL_ED25519_PK_LEN],
		unsigned char out[HL_LINK_ID_LEN])
{
	bool a_first = memcmp(a, b, HL_ED25519_PK_LEN) <= 0;
	const struct hl_part parts[] = {
		{link_ctx, sizeof(link_ctx) - 1},
		{a_first ? a : b, HL_ED25519_PK_LEN},
		{a_first ? b : a, HL_ED25519_PK_LEN},
	};

	hl_sha256v(parts, 3, out);
}

int hl_link_id_gen(const unsigned char a[HL_ED25519_PK_LEN],
		   const unsigned char b[HL_ED25519_PK_LEN], uint32_t g,
		   unsigned char out[HL_LINK_ID_LEN])
{
	bool a_first = memcmp(a, b, HL_ED25519_PK_LEN) <= 0;
	unsigned char prev[HL_LINK_ID_LEN];
	const struct hl_part parts[] = {
		{link_ctx, sizeof(link_ctx) - 1},
		{a_first ? a : b, HL_ED25519_PK_LEN},
		{a_first ? b : a, HL_ED25519_PK_LEN},
		{prev, sizeof(prev)},
	};

	if (g < 1 || g > HL_LINK_GEN_MAX)
		return -HL_ENUMBER;
	hl_link_id(a, b, out);
	for (uint32_t i = 1; i < g; i++) {
		memcpy(prev, out, sizeof(prev));
		hl_sha256v(parts, 4, out);
	}
	return 0;
}

const char *hl_precedence_name(enum hl_precedence p)
{
	return (unsigned)p < NPRECEDENCES ? precedences[p] : "?";
}

static int precedence_parse_n(const char *s, size_t n, enum hl_precedence *out)
{
	for (size_t i = 0; i < NPRECEDENCES; i++) {
		if (strlen(precedences[i]) == n && memcmp(s, precedences[i], n) == 0) {
			*out = (enum hl_precedence)i;
			return 0;
		}
	}
	return -HL_ESYNTAX;
}

int hl_precedence_parse(const char *s, enum hl_precedence *out)
{
	return precedence_parse_n(s, strlen(s), out);
}

bool hl_kind_valid(const char *s, size_t n)
{
	if (n == 0 || n > HL_KIND_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-'))
			return false;
	return true;
}

static void key_commit(const unsigned char key[HL_KEY_LEN], unsigned char out[32])
{
	const struct hl_part parts[] = {
		{commit_ctx, sizeof(commit_ctx) - 1}, {key, HL_KEY_LEN},
	};

	hl_sha256v(parts, 2, out);
}

static int seal_check(const struct hl_seal_params *p, size_t plain_len)
{
	if (plain_len > HL_PLAIN_MAX)
		return -HL_ETOOBIG;
	if (p->seq == 0 || p->seq > INT64_MAX)
		return -HL_ENUMBER;
	if (!hl_kind_valid(p->kind, strlen(p->kind)))
		return -HL_ESYNTAX;
	if ((unsigned)p->precedence >= NPRECEDENCES)
		return -HL_ESYNTAX;
	if (!hl_time_valid(p->time))
		return -HL_ETIME;
	if (strcmp(p->from->name, p->to->name) == 0 ||
	    sodium_memcmp(p->from->sign_pk, p->to->sign_pk, HL_ED25519_PK_LEN) == 0)
		return -HL_ENAME;
	if (sodium_memcmp(p->sign_sk + 32, p->from->sign_pk, HL_ED25519_PK_LEN) != 0)
		return -HL_EKEYFILE;
	return 0;
}

static int header_text(const struct hl_seal_params *p, const struct hl_envelope *e,
		       struct hl_buf *t)
{
	char when[HL_TIME_LEN + 1];
	int r;

	hl_time_format(p->time, when);
	r = hl_buf_puts(t, HL_ENVELOPE_TYPE "\nlink ");
	if (r == 0)
		r = hl_buf_b64(t, e->link, sizeof(e->link));
	if (r == 0)
		r = hl_buf_printf(t, "\nfrom %s\nto %s\nseq %llu\ntime %s\n"
				  "precedence %s\nkind %s\nbody %llu ",
				  p->from->name, p->to->name,
				  (unsigned long long)p->seq, when,
				  precedences[p->precedence], p->kind,
				  (unsigned long long)e->body_len);
	if (r == 0)
		r = hl_buf_b64(t, e->body_hash, sizeof(e->body_hash));
	if (r == 0)
		r = hl_buf_puts(t, "\ncommit ");
	if (r == 0)
		r = hl_buf_b64(t, e->commit, sizeof(e->commit));
	if (r == 0)
		r = hl_buf_printf(t, "\nkey %s ", p->to->name);
	if (r == 0)
		r = hl_buf_b64(t, e->wrap_to, HL_WRAP_LEN);
	if (r == 0)
		r = hl_buf_printf(t, "\nkey %s ", p->from->name);
	if (r == 0)
		r = hl_buf_b64(t, e->wrap_from, HL_WRAP_LEN);
	if (r == 0)
		r = hl_buf_puts(t, "\n");
	return r;
}

int hl_envelope_seal_body(const struct hl_card *from, const struct hl_card *to,
			  const unsigned char *plain, size_t plain_len,
			  struct hl_sealed_body *sb)
{
	/* A one-message key lives on the stack and is wiped, as libsodium
	 * keeps its own ephemeral keys: sodium_malloc's guard pages cost
	 * nine system calls and a TLB flush on every CPU per message, which
	 * capped how fast a party could send. */
	unsigned char key[HL_KEY_LEN];
	unsigned char *ct;
	int r;

	memset(sb, 0, sizeof(*sb));
	hl_buf_init(&sb->body, HL_BODY_MAX);
	if (plain_len > HL_PLAIN_MAX)
		return -HL_ETOOBIG;
	sb->body_len = HL_NONCE_LEN + plain_len + HL_TAG_LEN;
	r = hl_buf_append(&sb->body, NULL, 0);
	ct = r == 0 ? malloc(sb->body_len) : NULL;
	if (!ct)
		return -ENOMEM;
	crypto_aead_xchacha20poly1305_ietf_keygen(key);
	randombytes_buf(ct, HL_NONCE_LEN);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct + HL_NONCE_LEN, NULL, plain,
		plain_len, (const unsigned char *)body_ad, sizeof(body_ad) - 1,
		NULL, ct, key);
	hl_sha256(ct, sb->body_len, sb->body_hash);
	key_commit(key, sb->commit);
	memcpy(sb->to_box, to->box_pk, 32);
	memcpy(sb->from_box, from->box_pk, 32);
	r = -HL_ECRYPTO;
	if (crypto_box_seal(sb->wrap_to, key, HL_KEY_LEN, to->box_pk) == 0 &&
	    crypto_box_seal(sb->wrap_from, key, HL_KEY_LEN, from->box_pk) == 0)
		r = hl_buf_append(&sb->body, ct, sb->body_len);
	free(ct);
	sodium_memzero(key, sizeof(key));
	if (r < 0)
		hl_sealed_body_free(sb);
	return r;
}

void hl_sealed_body_free(struct hl_sealed_body *sb)
{
	if (sb)
		hl_buf_free(&sb->body);
}

int hl_envelope_seal_header(const struct hl_seal_params *p,
			    const struct hl_sealed_body *sb, struct hl_buf *out)
{
	struct hl_envelope e;
	struct hl_buf text;
	int r = seal_check(p, sb->body_len - HL_NONCE_LEN - HL_TAG_LEN);

	if (r < 0)
		return r;
	/* The body must have been sealed to these two parties. */
	if (sodium_memcmp(sb->to_box, p->to->box_pk, 32) != 0 ||
	    sodium_memcmp(sb->from_box, p->from->box_pk, 32) != 0)
		return -HL_ELINK;
	memset(&e, 0, sizeof(e));
	if (p->link)
		memcpy(e.link, p->link, sizeof(e.link));
	else
		hl_link_id(p->from->sign_pk, p->to->sign_pk, e.link);
	e.body_len = sb->body_len;
	memcpy(e.body_hash, sb->body_hash, sizeof(e.body_hash));
	memcpy(e.commit, sb->commit, sizeof(e.commit));
	memcpy(e.wrap_to, sb->wrap_to, HL_WRAP_LEN);
	memcpy(e.wrap_from, sb->wrap_from, HL_WRAP_LEN);
	hl_buf_init(&text, HL_ENVELOPE_HEADER_MAX);
	r = header_text(p, &e, &text);
	if (r == 0)
		r = hl_note_sign_text(out, text.data, text.len, p->from->name, p->sign_sk);
	if (r == 0)
		r = hl_buf_append(out, sb->body.data, sb->body.len);
	hl_buf_free(&text);
	return r;
}

int hl_envelope_seal(const struct hl_seal_params *p, const unsigned char *plain,
		     size_t plain_len, struct hl_buf *out)
{
	struct hl_sealed_body sb;
	int r = seal_check(p, plain_len);

	if (r == 0)
		r = hl_envelope_seal_body(p->from, p->to, plain, plain_len, &sb);
	if (r < 0)
		return r;
	r = hl_envelope_seal_header(p, &sb, out);
	hl_sealed_body_free(&sb);
	return r;
}

/* Field-by-field parser state over the header text. */
struct cursor {
	struct hl_lines l;
	const char *v;	/* the current field's value */
	size_t n;
};

static int field(struct cursor *c, const char *key)
{
	const char *line;
	size_t len;

	if (!hl_lines_next(&c->l, &line, &len))
		return -HL_ETRUNCATED;
	return hl_field(line, len, key, &c->v, &c->n) ? 0 : -HL_EFIELD;
}

static int name_field(struct cursor *c, const char *key, char out[HL_NAME_MAX + 1])
{
	int r = field(c, key);

	if (r < 0)
		return r;
	if (!hl_name_valid(c->v, c->n))
		return -HL_ENAME;
	memcpy(out, c->v, c->n);
	out[c->n] = 0;
	return 0;
}

static int b64_field(struct cursor *c, const char *key, unsigned char *out, size_t len)
{
	int r = field(c, key);

	return r < 0 ? r : hl_b64_exact(c->v, c->n, out, len);
}

/* "key <name> <base64 wrapped key>" for the expected name. */
static int wrap_field(struct cursor *c, const char *name, unsigned char *out)
{
	const char *rest;
	size_t hlen, rlen;
	int r = field(c, "key");

	if (r < 0)
		return r;
	if (!hl_split(c->v, c->n, &hlen, &rest, &rlen))
		return -HL_ESYNTAX;
	if (hlen != strlen(name) || memcmp(c->v, name, hlen) != 0)
		return -HL_EFIELD;
	return hl_b64_exact(rest, rlen, out, HL_WRAP_LEN);
}

static int body_field(struct cursor *c, struct hl_envelope *e)
{
	const char *rest;
	size_t hlen, rlen;
	int r = field(c, "body");

	if (r < 0)
		return r;
	if (!hl_split(c->v, c->n, &hlen, &rest, &rlen))
		return -HL_ESYNTAX;
	r = hl_parse_u64(c->v, hlen, HL_BODY_MAX, &e->body_len);
	if (r < 0)
		return r;
	if (e->body_len < HL_NONCE_LEN + HL_TAG_LEN)
		return -HL_ENUMBER;
	return hl_b64_exact(rest, rlen, e->body_hash, sizeof(e->body_hash));
}

static int scalar_fields(struct cursor *c, struct hl_envelope *e)
{
	int r = field(c, "seq");

	if (r == 0)
		r = hl_parse_u64(c->v, c->n, INT64_MAX, &e->seq);
	if (r == 0 && e->seq == 0)
		r = -HL_ENUMBER;
	if (r == 0)
		r = field(c, "time");
	if (r == 0)
		r = hl_time_parse(c->v, c->n, &e->time);
	if (r == 0)
		r = field(c, "precedence");
	if (r == 0)
		r = precedence_parse_n(c->v, c->n, &e->precedence);
	if (r == 0)
		r = field(c, "kind");
	if (r == 0 && !hl_kind_valid(c->v, c->n))
		r = -HL_ESYNTAX;
	if (r == 0) {
		memcpy(e->kind, c->v, c->n);
		e->kind[c->n] = 0;
	}
	return r;
}

static int parse_header_text(const unsigned char *text, size_t n,
			     struct hl_envelope *e)
{
	struct cursor c;
	const char *line;
	size_t len;
	int r;

	hl_lines_init(&c.l, text, n);
	if (!hl_lines_next(&c.l, &line, &len))
		return -HL_ETRUNCATED;
	if (!hl_line_is(line, len, HL_ENVELOPE_TYPE))
		return -HL_ETYPE;
	r = b64_field(&c, "link", e->link, sizeof(e->link));
	if (r == 0)
		r = name_field(&c, "from", e->from);
	if (r == 0)
		r = name_field(&c, "to", e->to);
	if (r == 0 && strcmp(e->from, e->to) == 0)
		r = -HL_ENAME;
	if (r == 0)
		r = scalar_fields(&c, e);
	if (r == 0)
		r = body_field(&c, e);
	if (r == 0)
		r = b64_field(&c, "commit", e->commit, sizeof(e->commit));
	if (r == 0)
		r = wrap_field(&c, e->to, e->wrap_to);
	if (r == 0)
		r = wrap_field(&c, e->from, e->wrap_from);
	if (r == 0 && c.l.p != c.l.end)
		r = -HL_EFIELD;
	return r;
}

/* The header text ends at the first blank line: it has none inside. */
static size_t header_text_len(const unsigned char *buf, size_t n)
{
	/* A text of HL_ENVELOPE_HEADER_MAX bytes has its blank line after it. */
	size_t lim = n < HL_ENVELOPE_HEADER_MAX + 1 ? n : HL_ENVELOPE_HEADER_MAX + 1;

	for (size_t i = 1; i < lim; i++)
		if (buf[i] == '\n' && buf[i - 1] == '\n')
			return i;
	return 0;
}

int hl_envelope_parse(const unsigned char *buf, size_t n, struct hl_envelope *env)
{
	size_t tlen;
	int r;

	memset(env, 0, sizeof(*env));
	tlen = header_text_len(buf, n);
	if (tlen == 0)
		return n > HL_ENVELOPE_HEADER_MAX ? -HL_ETOOBIG : -HL_ETRUNCATED;
	r = hl_text_check(buf, tlen);
	if (r == 0)
		r = parse_header_text(buf, tlen, env);
	if (r < 0)
		goto out;
	/* The signature lines lie between the text and the body. */
	if (env->body_len > n - tlen - 1) {
		r = -HL_ETRUNCATED;
		goto out;
	}
	env->header = buf;
	env->header_len = n - env->body_len;
	env->body = buf + env->header_len;
	r = hl_note_parse(buf, env->header_len, &env->note);
	if (r == 0 && env->note.text_len != tlen)
		r = -HL_ESYNTAX;
	/* Exactly one signature, the sender's: anything more would give the
	 * same message a second byte form, and so a second leaf hash. */
	if (r == 0 && env->note.nsigs != 1)
		r = -HL_EDUPLICATE;
	if (r == 0 && (env->note.sigs[0].name_len != strlen(env->from) ||
		       memcmp(env->note.sigs[0].name, env->from, strlen(env->from)) != 0))
		r = -HL_ENOSIG;
out:
	if (r < 0)
		memset(env, 0, sizeof(*env));
	return r;
}

int hl_envelope_verify(const struct hl_envelope *env, const struct hl_card *sender)
{
	unsigned char h[HL_SHA256_LEN];
	int r;

	if (strcmp(env->from, sender->name) != 0)
		return -HL_ENOSIG;
	r = hl_note_verify(&env->note, sender->name, sender->sign_pk);
	if (r < 0)
		return r;
	hl_sha256(env->body, env->body_len, h);
	if (sodium_memcmp(h, env->body_hash, sizeof(h)) != 0)
		return -HL_EBODYHASH;
	return 0;
}

int hl_envelope_check_link(const struct hl_envelope *env, const unsigned char *link,
			   const struct hl_card *sender, const struct hl_card *recipient)
{
	unsigned char id[HL_LINK_ID_LEN];

	if (link)
		memcpy(id, link, sizeof(id));
	else
		hl_link_id(sender->sign_pk, recipient->sign_pk, id);
	if (sodium_memcmp(id, env->link, sizeof(id)) != 0)
		return -HL_ELINK;
	if (strcmp(env->to, recipient->name) != 0 || strcmp(env->from, sender->name) != 0)
		return -HL_ELINK;
	return 0;
}

static int commit_check(const struct hl_envelope *env, const unsigned char key[HL_KEY_LEN])
{
	unsigned char c[32];

	key_commit(key, c);
	return sodium_memcmp(c, env->commit, sizeof(c)) == 0 ? 0 : -HL_EKEYCOMMIT;
}

int hl_envelope_unwrap(const struct hl_envelope *env, const char *me,
		       const unsigned char box_pk[32],
		       const unsigned char box_sk[32],
		       unsigned char key[HL_KEY_LEN])
{
	const unsigned char *wrap;
	int r;

	if (strcmp(me, env->to) == 0)
		wrap = env->wrap_to;
	else if (strcmp(me, env->from) == 0)
		wrap = env->wrap_from;
	else
		return -HL_ENOKEY;
	if (crypto_box_seal_open(key, wrap, HL_WRAP_LEN, box_pk, box_sk) != 0)
		return -HL_EUNWRAP;
	r = commit_check(env, key);
	if (r < 0)
		sodium_memzero(key, HL_KEY_LEN);
	return r;
}

int hl_envelope_decrypt(const struct hl_envelope *env,
			const unsigned char key[HL_KEY_LEN], struct hl_buf *plain)
{
	size_t len = env->body_len - HL_NONCE_LEN - HL_TAG_LEN;
	unsigned char *pt;
	int r = commit_check(env, key);

	if (r < 0)
		return r;
	pt = malloc(len ? len : 1);
	if (!pt)
		return -ENOMEM;
	r = -HL_EDECRYPT;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(pt, NULL, NULL,
			env->body + HL_NONCE_LEN, env->body_len - HL_NONCE_LEN,
			(const unsigned char *)body_ad, sizeof(body_ad) - 1,
			env->body, key) == 0)
		r = hl_buf_append(plain, pt, len);
	sodium_memzero(pt, len);
	free(pt);
	return r;
}
