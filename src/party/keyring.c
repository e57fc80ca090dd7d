/* keyring.c - retired keys, and the files of a key change (keyring.h). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "error.h"
#include "file.h"
#include "keyring.h"
#include "tlscert.h"

static void say(char *why, size_t len, const char *what)
{
	if (why && len)
		snprintf(why, len, "%s", what);
}

/* "keys/<kind>-<hex of pk's first 8 bytes>.key" */
static void retired_name(const char *kind, const unsigned char pk[32], char *out, size_t cap)
{
	char hex[17];

	sodium_bin2hex(hex, sizeof(hex), pk, 8);
	snprintf(out, cap, "keys/%s-%s.key", kind, hex);
}

static int ring_add(struct hl_keypair *slots, atomic_size_t *n, const unsigned char pk[32],
		    unsigned char *sk)
{
	size_t i = atomic_load(n);

	if (i == HL_ERAS_MAX)
		return -HL_ETOOBIG;
	memcpy(slots[i].pk, pk, 32);
	slots[i].sk = sk;
	atomic_store(n, i + 1);		/* published whole */
	return 0;
}

/* One file of keys/: a retired identity or box key. */
static int load_one(struct hl_party *p, const char *file)
{
	bool sign = strncmp(file, "identity-", 9) == 0;
	unsigned char *seed = sodium_malloc(32), *sk = sodium_malloc(sign ? 64 : 32);
	unsigned char pk[32];
	char rel[NAME_MAX + 8];
	int r = seed && sk ? 0 : -ENOMEM;

	snprintf(rel, sizeof(rel), "keys/%s", file);
	if (r == 0 && sign)
		r = hl_party_key_read(p->home, rel, IDENTITY_TYPE, seed, 32);
	else if (r == 0)
		r = hl_party_key_read(p->home, rel, BOX_TYPE, sk, 32);
	if (r == 0 && sign)
		crypto_sign_seed_keypair(pk, sk, seed);
	else if (r == 0)
		crypto_scalarmult_base(pk, sk);
	if (r == 0)
		r = sign ? ring_add(p->ring->sign, &p->ring->nsign, pk, sk) :
			   ring_add(p->ring->box, &p->ring->nbox, pk, sk);
	sodium_free(seed);
	if (r < 0)
		sodium_free(sk);
	return r;
}

static bool key_file(const char *name)
{
	size_t n = strlen(name);

	return (strncmp(name, "identity-", 9) == 0 || strncmp(name, "box-", 4) == 0) &&
	       n > 4 && strcmp(name + n - 4, ".key") == 0;
}

int hl_keyring_load(struct hl_party *p, char *why, size_t whylen)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int r = 0;

	p->ring = calloc(1, sizeof(*p->ring));
	if (!p->ring)
		return -ENOMEM;
	if (hl_party_path(p->home, "keys", path, sizeof(path)) < 0)
		return -ENAMETOOLONG;
	dir = opendir(path);
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while (r == 0 && (de = readdir(dir)))
		if (key_file(de->d_name)) {
			say(why, whylen, de->d_name);
			r = load_one(p, de->d_name);
		}
	closedir(dir);
	return r;
}

void hl_keyring_free(struct hl_keyring *k)
{
	if (!k)
		return;
	for (size_t i = 0; i < atomic_load(&k->nsign); i++)
		sodium_free(k->sign[i].sk);
	for (size_t i = 0; i < atomic_load(&k->nbox); i++)
		sodium_free(k->box[i].sk);
	free(k);
}

const unsigned char *hl_party_sign_sk(const struct hl_party *p, const unsigned char pk[32])
{
	if (p->sign_sk && sodium_memcmp(pk, p->card.sign_pk, 32) == 0)
		return p->sign_sk;
	for (size_t i = 0; p->ring && i < atomic_load(&p->ring->nsign); i++)
		if (sodium_memcmp(pk, p->ring->sign[i].pk, 32) == 0)
			return p->ring->sign[i].sk;
	return NULL;
}

int hl_party_unwrap(const struct hl_party *p, const struct hl_envelope *env,
		    unsigned char key[32])
{
	int r = p->box_sk ? hl_envelope_unwrap(env, p->card.name, p->card.box_pk, p->box_sk, key) :
			    -HL_ENOKEY;

	/* Newest first: a body is most likely sealed to a recent key. */
	for (size_t i = p->ring ? atomic_load(&p->ring->nbox) : 0; r == -HL_EUNWRAP && i-- > 0;)
		r = hl_envelope_unwrap(env, p->card.name, p->ring->box[i].pk, p->ring->box[i].sk,
				       key);
	return r;
}

/* ---- a key change ---- */

static int stage_sign(const struct hl_party *p, struct hl_rotation *rot)
{
	unsigned char *seed = sodium_malloc(32);
	int r;

	rot->sign_sk = sodium_malloc(64);
	if (!seed || !rot->sign_sk) {
		sodium_free(seed);
		return -ENOMEM;
	}
	randombytes_buf(seed, 32);
	crypto_sign_seed_keypair(rot->card.sign_pk, rot->sign_sk, seed);
	r = hl_party_key_write(p->home, "identity.key.next", IDENTITY_TYPE, seed, 32);
	sodium_free(seed);
	return r;
}

static int stage_box(const struct hl_party *p, struct hl_rotation *rot)
{
	rot->box_sk = sodium_malloc(32);
	if (!rot->box_sk)
		return -ENOMEM;
	crypto_box_keypair(rot->card.box_pk, rot->box_sk);
	return hl_party_key_write(p->home, "box.key.next", BOX_TYPE, rot->box_sk, 32);
}

/* A new TLS key and its certificate, beside the ones in use. */
static int stage_tls(const struct hl_party *p, struct hl_rotation *rot)
{
	struct hl_buf key, crt;
	char path[PATH_MAX];
	int r;

	hl_buf_init(&key, 16384);
	hl_buf_init(&crt, 16384);
	r = hl_tlscert_generate(p->card.name, rot->now, &key, &crt, rot->card.tls_pin);
	if (r == 0)
		r = hl_party_path(p->home, "tls-next.key", path, sizeof(path));
	if (r == 0)
		r = hl_secret_write(path, key.data, key.len);
	if (r == 0)
		r = hl_party_path(p->home, "tls-next.crt", path, sizeof(path));
	if (r == 0)
		r = hl_secret_write(path, crt.data, crt.len);
	if (r == 0 && chmod(path, 0644) < 0)
		r = -errno;
	if (key.data)
		sodium_memzero(key.data, key.cap);
	hl_buf_free(&key);
	hl_buf_free(&crt);
	return r;
}

/* The new card, self-signed, with the old key's line when the signing
 * key changes (protocol.md 3.5), except for a rekey (9.15). */
static int stage_card(const struct hl_party *p, struct hl_rotation *rot)
{
	bool endorse = rot->sign && !rot->self_only;
	struct hl_buf self;
	char path[PATH_MAX];
	int r;

	hl_buf_init(&rot->text, HL_CARD_MAX);
	hl_buf_init(&self, HL_CARD_MAX);
	r = hl_card_encode(&rot->card, rot->sign ? rot->sign_sk : p->sign_sk,
			   endorse ? &self : &rot->text);
	if (r == 0 && endorse)
		r = hl_card_endorse(self.data, self.len, p->sign_sk, &rot->text);
	hl_buf_free(&self);
	if (r == 0)
		r = hl_party_path(p->home, "card.next", path, sizeof(path));
	/* 0600 like the keys: it is not in force, nobody needs to read it. */
	return r < 0 ? r : hl_secret_write(path, rot->text.data, rot->text.len);
}

int hl_party_stage(const struct hl_party *p, struct hl_rotation *rot, char *why,
		   size_t whylen)
{
	int r = 0;

	rot->card = p->card;
	rot->card.created = rot->now > p->card.created ? rot->now : p->card.created + 1;
	if (rot->endpoint)
		snprintf(rot->card.endpoint, sizeof(rot->card.endpoint), "%s", rot->endpoint);
	say(why, whylen, "card.next");
	if (hl_party_staged_card(p->home, &rot->text) != -ENOENT)
		r = -HL_EEXIST;
	hl_buf_free(&rot->text);
	if (r == 0 && rot->sign) {
		say(why, whylen, "identity.key.next");
		r = stage_sign(p, rot);
	}
	if (r == 0 && rot->box) {
		say(why, whylen, "box.key.next");
		r = stage_box(p, rot);
	}
	if (r == 0 && rot->tls) {
		say(why, whylen, "tls-next.key");
		r = stage_tls(p, rot);
	}
	if (r == 0) {
		say(why, whylen, "card.next");
		r = stage_card(p, rot);
	}
	if (r < 0 && r != -HL_EEXIST)
		hl_party_unstage(p->home);
	return r;
}

/* The card text is copied into p's own buffer, which never moves: a
 * reader outside a transaction sees one card or the other. */
static void swap_card(struct hl_party *p, const struct hl_card *card, const struct hl_buf *text)
{
	if (text->len < p->card_text.cap) {
		memcpy(p->card_text.data, text->data, text->len);
		p->card_text.data[text->len] = '\0';
		p->card_text.len = text->len;
	}
	p->card = *card;
}

int hl_party_take(struct hl_party *p, struct hl_rotation *rot, int64_t since)
{
	rot->old_card = p->card;
	rot->old_sign_sk = p->sign_sk;
	rot->old_box_sk = p->box_sk;
	rot->old_since = p->since;
	hl_buf_init(&rot->old_text, HL_CARD_MAX);
	if (hl_buf_append(&rot->old_text, p->card_text.data, p->card_text.len) < 0)
		return -ENOMEM;
	if (rot->sign && ring_add(p->ring->sign, &p->ring->nsign, p->card.sign_pk,
				  p->sign_sk) == 0)
		p->sign_sk = rot->sign_sk;
	if (rot->box && ring_add(p->ring->box, &p->ring->nbox, p->card.box_pk, p->box_sk) == 0)
		p->box_sk = rot->box_sk;
	p->since = since;
	swap_card(p, &rot->card, &rot->text);
	rot->taken = true;
	return 0;
}

void hl_party_untake(struct hl_party *p, struct hl_rotation *rot)
{
	if (!rot->taken)
		return;
	/* The old keys leave the ring (their entries stay readable for a
	 * reader iterating it): they are the party's again. */
	if (p->sign_sk != rot->old_sign_sk)
		atomic_fetch_sub(&p->ring->nsign, 1);
	if (p->box_sk != rot->old_box_sk)
		atomic_fetch_sub(&p->ring->nbox, 1);
	p->sign_sk = rot->old_sign_sk;
	p->box_sk = rot->old_box_sk;
	p->since = rot->old_since;
	swap_card(p, &rot->old_card, &rot->old_text);
	rot->taken = false;
}

void hl_rotation_free(struct hl_rotation *rot)
{
	/* Taken keys belong to the party now. */
	if (!rot->taken) {
		sodium_free(rot->sign_sk);
		sodium_free(rot->box_sk);
	}
	rot->sign_sk = rot->box_sk = NULL;
	hl_buf_free(&rot->text);
	hl_buf_free(&rot->old_text);
}

int hl_party_staged_card(const char *home, struct hl_buf *out)
{
	char path[PATH_MAX];
	int r = hl_party_path(home, "card.next", path, sizeof(path));

	return r < 0 ? r : hl_file_read(path, out);
}

/* file.next over file, the old key first saved as keys/<kind>-<hex>.key. */
static int settle_key(const char *home, const char *file, const char *type, const char *kind)
{
	char next[PATH_MAX], cur[PATH_MAX], old[PATH_MAX], rel[64];
	unsigned char *key = sodium_malloc(96), pk[32];	/* seed, then sk */
	int r = key ? 0 : -ENOMEM;

	if (r == 0 && snprintf(rel, sizeof(rel), "%s.next", file) > 0)
		r = hl_party_path(home, rel, next, sizeof(next));
	if (r == 0)
		r = hl_party_path(home, file, cur, sizeof(cur));
	if (r == 0 && access(next, F_OK) < 0)
		goto out;	/* nothing staged, or done already */
	if (r == 0)
		r = hl_party_key_read(home, file, type, key, 32);
	if (r == 0 && strcmp(kind, "identity") == 0)
		crypto_sign_seed_keypair(pk, key + 32, key);
	else if (r == 0)
		crypto_scalarmult_base(pk, key);
	if (r == 0) {
		retired_name(kind, pk, rel, sizeof(rel));
		r = hl_party_path(home, rel, old, sizeof(old));
	}
	if (r == 0 && link(cur, old) < 0 && errno != EEXIST)
		r = -errno;
	if (r == 0 && rename(next, cur) < 0)
		r = -errno;
	if (r == -ENOENT)	/* cur moved already: a crash after link() */
		r = rename(next, cur) < 0 ? -errno : 0;
out:
	sodium_free(key);
	return r;
}

int hl_party_settle(const char *home)
{
	char keys[PATH_MAX], next[PATH_MAX], cur[PATH_MAX];
	int r = hl_party_path(home, "keys", keys, sizeof(keys));

	if (r == 0 && mkdir(keys, 0700) < 0 && errno != EEXIST)
		r = -errno;
	if (r == 0)
		r = settle_key(home, "identity.key", IDENTITY_TYPE, "identity");
	if (r == 0)
		r = settle_key(home, "box.key", BOX_TYPE, "box");
	if (r == 0)
		r = hl_party_path(home, "card.next", next, sizeof(next));
	if (r == 0)
		r = hl_party_path(home, "card", cur, sizeof(cur));
	if (r == 0 && chmod(next, 0644) < 0 && errno != ENOENT)
		r = -errno;
	if (r == 0 && rename(next, cur) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

int hl_party_unstage(const char *home)
{
	static const char *const files[] = {
		"identity.key.next", "box.key.next", "tls-next.key", "tls-next.crt", "card.next",
	};
	char path[PATH_MAX];
	int r = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (hl_party_path(home, files[i], path, sizeof(path)) == 0 &&
		    unlink(path) < 0 && errno != ENOENT)
			r = -errno;
	return r;
}

int hl_party_tls_pending(const char *home)
{
	char path[PATH_MAX];
	int r = hl_party_path(home, "tls-next.crt", path, sizeof(path));

	return r < 0 ? r : access(path, F_OK) == 0;
}

/* home/from becomes home/to; done already (no from) is done. */
static int move(const char *home, const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];
	int r = hl_party_path(home, from, a, sizeof(a));

	if (r == 0)
		r = hl_party_path(home, to, b, sizeof(b));
	if (r == 0 && rename(a, b) < 0 && errno != ENOENT)
		r = -errno;
	return r;
}

int hl_party_tls_switch(const char *home)
{
	int r = hl_party_tls_pending(home);

	if (r == 0)
		return -ENOENT;
	/* tls-next.crt goes last: a crash in between leaves the switch
	 * pending, and hotlined does it again at its start (a handshake
	 * between two renames fails, and is tried again). */
	if (r == 1)
		r = move(home, "tls.key", "tls-prev.key");
	if (r == 0)
		r = move(home, "tls.crt", "tls-prev.crt");
	if (r == 0)
		r = move(home, "tls-next.key", "tls.key");
	if (r == 0)
		r = move(home, "tls-next.crt", "tls.crt");
	return r;
}
