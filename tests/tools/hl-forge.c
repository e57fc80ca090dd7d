/* hl-forge - makes well-formed but forged batches and receipts, signed
 * with a real party's key, for the tests of what a witness refuses.
 *
 *   hl-forge resign-batch --home DIR IN OUT
 *       OUT is the push IN with its checkpoint signed again by the party
 *       in DIR, under the same origin: the envelopes are genuine, the
 *       checkpoint's signature is a third party's.
 *   hl-forge cosign --home DIR IN OUT
 *       OUT is the checkpoint of the push IN cosigned by the party in
 *       DIR: a receipt in the right form from the wrong party.
 *   hl-forge send --home DIR LINK KIND FILE
 *       appends to DIR's log on LINK an envelope of kind KIND whose
 *       plaintext is FILE as it is: a genuine, signed message whose
 *       content breaks the rules hotline's commands keep, as a peer
 *       that does not use them could send.
 *   hl-forge recard --home DIR OUT
 *       OUT is DIR's card made again a second later: the same keys,
 *       pin and endpoint, a valid self-signature, other bytes.
 *   hl-forge rename --home DIR NAME OUT
 *       OUT is DIR's card under another party's name NAME, self-signed
 *       by DIR's key: a valid card that carries DIR's keys and pin.
 *   hl-forge rotate --home DIR LINK sign|wrong|nothing|tls|tls-revoke
 *       appends to DIR's log on LINK a `card` envelope carrying DIR's
 *       card made again now: with a new sign key endorsed by the old one
 *       (sign), endorsed by a stranger's key (wrong), or with the same
 *       keys (nothing).  The new key is thrown away: DIR goes on signing
 *       with the old one, as a party whose rotation got no further.
 *       With tls, the card pins a new TLS key, made into DIR's
 *       forged-tls.key and forged-tls.crt, and the card is also written to
 *       DIR's forged-card: moving the three over tls.key, tls.crt and card
 *       while hotlined is stopped finishes the change-over.  tls-revoke
 *       does the same and revokes the old TLS key (`revoke` ["tls"]).
 *
 * Exit status: 0 written, 1 failed, 2 usage.
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <sodium.h>

#include "batch.h"
#include "checkpoint.h"
#include "content.h"
#include "error.h"
#include "file.h"
#include "party.h"
#include "store.h"
#include "tlscert.h"
#include "tool.h"
#include "transcript.h"

static int usage(void)
{
	fputs("usage: hl-forge resign-batch|cosign --home DIR IN OUT\n"
	      "       hl-forge send --home DIR LINK KIND FILE\n"
	      "       hl-forge recard --home DIR OUT\n"
	      "       hl-forge rename --home DIR NAME OUT\n"
	      "       hl-forge rotate --home DIR LINK sign|wrong|nothing|tls|tls-revoke\n",
	      stderr);
	return 2;
}

/* The push in path, parsed into b (pointing into in). */
static int read_batch(const char *path, struct hl_buf *in, struct hl_batch *b,
		      struct hl_checkpoint *cp)
{
	int r;

	hl_buf_init(in, HL_BATCH_MAX);
	r = hl_file_read(path, in);
	if (r == 0)
		r = hl_batch_parse(in->data, in->len, b);
	if (r == 0)
		r = hl_checkpoint_parse(b->checkpoint, b->checkpoint_len, cp);
	return r;
}

static int resign(const struct hl_party *p, const struct hl_batch *b,
		  const struct hl_checkpoint *cp, struct hl_buf *out)
{
	struct hl_buf note;
	int r;

	hl_buf_init(&note, HL_CHECKPOINT_MAX);
	r = hl_checkpoint_sign(cp->origin, cp->size, cp->root, p->sign_sk, &note);
	if (r == 0)
		r = hl_batch_begin(out);
	for (size_t i = 0; r == 0 && i < b->nenv; i++)
		r = hl_batch_add(out, b->env[i].p, b->env[i].n);
	if (r == 0)
		r = hl_batch_end(out, b->old, b->proof, b->nproof, note.data, note.len);
	hl_buf_free(&note);
	return r;
}

static int cosign(const struct hl_party *p, const struct hl_batch *b,
		  const struct hl_checkpoint *cp, struct hl_buf *out)
{
	int r = hl_buf_append(out, b->checkpoint, b->checkpoint_len);

	if (r == 0)
		r = hl_cosig_sign(cp, p->card.name, p->sign_sk, (uint64_t)time(NULL), out);
	return r;
}

static int send_raw(const char *home, const char *link, const char *kind, const char *file)
{
	struct hl_send msg = {.precedence = HL_ROUTINE, .kind = kind, .now = time(NULL)};
	struct tool t = {0};
	struct hl_buf plain;
	uint64_t seq = 0;
	int r;

	hl_buf_init(&plain, HL_PLAIN_MAX);
	r = sodium_init() >= 0 ? 0 : -1;
	if (r == 0)
		r = tool_open("hl-forge", home, link, &t);
	if (r == 0) {
		r = hl_file_read(file, &plain);
		if (r < 0)
			fprintf(stderr, "hl-forge: %s: %s\n", file, hl_strerror(r));
	}
	if (r == 0) {
		msg.plain = plain.data;
		msg.plain_len = plain.len;
		r = hl_transcript_send(t.st, t.p, &t.l, &msg, &seq);
		if (r < 0)
			fprintf(stderr, "hl-forge: %s: %s\n", link, hl_strerror(r));
	}
	if (r == 0)
		printf("%s/out/%llu\n", link, (unsigned long long)seq);
	tool_close(&t);
	hl_buf_free(&plain);
	return r < 0 ? 1 : 0;
}

static int recard(const char *home, const char *name, const char *path)
{
	struct hl_party *p = NULL;
	struct hl_card card;
	struct hl_buf out;
	char why[PATH_MAX + 64] = "";
	int r = sodium_init() >= 0 ? 0 : -1;

	hl_buf_init(&out, HL_CARD_MAX);
	if (r == 0)
		r = hl_party_open(home, HL_PARTY_SECRETS, &p, why, sizeof(why));
	if (r == 0) {
		card = p->card;
		card.created++;
		if (name)
			snprintf(card.name, sizeof(card.name), "%s", name);
		r = hl_card_encode(&card, p->sign_sk, &out);
	}
	if (r == 0)
		r = hl_file_write_atomic(path, out.data, out.len, 0644);
	if (r < 0)
		fprintf(stderr, "hl-forge: %s%s%s\n", why, why[0] ? ": " : "", hl_strerror(r));
	hl_buf_free(&out);
	hl_party_free(p);
	return r < 0 ? 1 : 0;
}

/* A new TLS key and certificate for p, into its home's forged-tls.key
 * (0600, which must not exist) and forged-tls.crt; its pin into pin. */
static int next_tls(const struct hl_party *p, unsigned char pin[HL_TLS_PIN_LEN])
{
	char path[PATH_MAX];
	struct hl_buf key, crt;
	int r;

	hl_buf_init(&key, 16384);
	hl_buf_init(&crt, 16384);
	r = hl_tlscert_generate(p->card.name, (int64_t)time(NULL), &key, &crt, pin);
	if (r == 0)
		r = hl_party_path(p->home, "forged-tls.key", path, sizeof(path));
	if (r == 0)
		r = hl_secret_write(path, key.data, key.len);
	if (r == 0)
		r = hl_party_path(p->home, "forged-tls.crt", path, sizeof(path));
	if (r == 0)
		r = hl_file_write_atomic(path, crt.data, crt.len, 0644);
	if (key.data)
		sodium_memzero(key.data, key.cap);
	hl_buf_free(&key);
	hl_buf_free(&crt);
	return r;
}

/* A TLS change: the same sign key, so the card needs no endorsement. */
static int tls_card(const struct hl_party *p, struct hl_buf *out)
{
	struct hl_card c = p->card;
	char path[PATH_MAX];
	int r = next_tls(p, c.tls_pin);

	c.created = (int64_t)time(NULL);
	if (c.created <= p->card.created)
		c.created = p->card.created + 1;
	if (r == 0)
		r = hl_card_encode(&c, p->sign_sk, out);
	if (r == 0)
		r = hl_party_path(p->home, "forged-card", path, sizeof(path));
	if (r == 0)
		r = hl_file_write_atomic(path, out->data, out->len, 0644);
	return r;
}

/* p's card made again now, as mode says (see the top). */
static int rotated_card(const struct hl_party *p, const char *mode, struct hl_buf *out)
{
	unsigned char pk[HL_ED25519_PK_LEN], sk[HL_ED25519_SK_LEN];
	unsigned char xpk[HL_ED25519_PK_LEN], xsk[HL_ED25519_SK_LEN];
	struct hl_card c = p->card;
	bool same = strcmp(mode, "nothing") == 0;
	struct hl_buf self;
	int r;

	if (strncmp(mode, "tls", 3) == 0)
		return tls_card(p, out);
	if (!same && strcmp(mode, "sign") != 0 && strcmp(mode, "wrong") != 0)
		return -EINVAL;
	crypto_sign_keypair(pk, sk);
	crypto_sign_keypair(xpk, xsk);
	c.created = (int64_t)time(NULL);
	if (c.created <= p->card.created)
		c.created = p->card.created + 1;
	if (!same)
		memcpy(c.sign_pk, pk, sizeof(pk));
	hl_buf_init(&self, HL_CARD_MAX);
	r = hl_card_encode(&c, same ? p->sign_sk : sk, same ? out : &self);
	if (r == 0 && !same)
		r = hl_card_endorse(self.data, self.len,
				    strcmp(mode, "sign") == 0 ? p->sign_sk : xsk, out);
	hl_buf_free(&self);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(xsk, sizeof(xsk));
	return r;
}

static int rotate(const char *home, const char *link, const char *mode)
{
	struct hl_send msg = {.precedence = HL_ROUTINE, .kind = "card", .now = time(NULL)};
	struct tool t = {0};
	struct hl_buf card;
	json_t *j = NULL;
	char *plain = NULL;
	uint64_t seq = 0;
	int r = sodium_init() >= 0 ? 0 : -1;

	hl_buf_init(&card, HL_CARD_MAX);
	if (r == 0)
		r = tool_open("hl-forge", home, link, &t);
	if (r == 0 && strcmp(mode, "tls") != 0 && strcmp(mode, "tls-revoke") != 0 &&
	    strncmp(mode, "tls", 3) == 0)
		r = -EINVAL;
	if (r == 0)
		r = rotated_card(t.p, mode, &card);
	if (r == 0) {
		j = json_pack("{s:i, s:s, s:{s:s, s:s}, s:s%}", "v", HL_CONTENT_VERSION,
			      "type", "card", "text", "lang", "en", "text", "new keys",
			      "card", (const char *)card.data, card.len);
		if (j && strcmp(mode, "tls-revoke") == 0)
			json_object_set_new(j, "revoke", json_pack("[s]", "tls"));
		plain = j ? json_dumps(j, JSON_COMPACT) : NULL;
		r = plain ? 0 : -ENOMEM;
	}
	if (r == 0) {
		msg.plain = plain;
		msg.plain_len = strlen(plain);
		r = hl_transcript_send(t.st, t.p, &t.l, &msg, &seq);
	}
	if (r == 0)
		printf("%s/out/%llu\n", link, (unsigned long long)seq);
	else
		fprintf(stderr, "hl-forge: rotate %s: %s\n", mode, hl_strerror(r));
	free(plain);
	json_decref(j);
	tool_close(&t);
	hl_buf_free(&card);
	return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct hl_party *p = NULL;
	struct hl_batch *b = calloc(1, sizeof(*b));
	struct hl_checkpoint cp;
	struct hl_buf in = {0}, out;
	char why[PATH_MAX + 64] = "";
	int r;

	if (argc == 7 && strcmp(argv[1], "send") == 0 && strcmp(argv[2], "--home") == 0) {
		free(b);
		return send_raw(argv[3], argv[4], argv[5], argv[6]);
	}
	if (argc == 6 && strcmp(argv[1], "rename") == 0 && strcmp(argv[2], "--home") == 0) {
		free(b);
		return recard(argv[3], argv[4], argv[5]);
	}
	if (argc == 6 && strcmp(argv[1], "rotate") == 0 && strcmp(argv[2], "--home") == 0) {
		free(b);
		return rotate(argv[3], argv[4], argv[5]);
	}
	if (argc == 5 && strcmp(argv[1], "recard") == 0 && strcmp(argv[2], "--home") == 0) {
		free(b);
		return recard(argv[3], NULL, argv[4]);
	}
	if (argc != 6 || strcmp(argv[2], "--home") != 0 ||
	    (strcmp(argv[1], "resign-batch") != 0 && strcmp(argv[1], "cosign") != 0)) {
		free(b);
		return usage();
	}
	hl_buf_init(&out, HL_BATCH_MAX);
	r = b && sodium_init() >= 0 ? 0 : -1;
	if (r == 0)
		r = hl_party_open(argv[3], HL_PARTY_SECRETS, &p, why, sizeof(why));
	if (r == 0)
		r = read_batch(argv[4], &in, b, &cp);
	if (r == 0 && strcmp(argv[1], "cosign") == 0)
		r = cosign(p, b, &cp, &out);
	else if (r == 0)
		r = resign(p, b, &cp, &out);
	if (r == 0)
		r = hl_file_write_atomic(argv[5], out.data, out.len, 0644);
	if (r < 0)
		fprintf(stderr, "hl-forge: %s%s%s\n", why, why[0] ? ": " : "", hl_strerror(r));
	hl_buf_free(&in);
	hl_buf_free(&out);
	hl_party_free(p);
	free(b);
	return r < 0 ? 1 : 0;
}
