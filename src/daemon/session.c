/* session.c - operators' sessions on the HTTPS door (see session.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "session.h"

#define TOKEN_BYTES 32

struct slot {
	unsigned char id[crypto_generichash_BYTES];	/* hashes, never the tokens */
	unsigned char csrf[crypto_generichash_BYTES];
	char name[HL_NAME_MAX + 1];
	int64_t born, used;
	bool live;
};

struct hl_sessions {
	pthread_mutex_t lock;
	int64_t idle, lifetime;
	struct slot slot[HL_SESSIONS_MAX];
};

int hl_sessions_new(int64_t idle, int64_t lifetime, struct hl_sessions **out)
{
	struct hl_sessions *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return -ENOMEM;
	pthread_mutex_init(&s->lock, NULL);
	s->idle = idle;
	s->lifetime = lifetime;
	*out = s;
	return 0;
}

void hl_sessions_free(struct hl_sessions *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	sodium_memzero(s->slot, sizeof(s->slot));
	free(s);
}

static bool ended(const struct hl_sessions *s, const struct slot *t, int64_t now)
{
	return now - t->used >= s->idle || now - t->born >= s->lifetime;
}

/* A new random token, as text and as the hash kept of it. */
static void token(char hex[HL_SESSION_HEX + 1], unsigned char hash[crypto_generichash_BYTES])
{
	unsigned char raw[TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, HL_SESSION_HEX + 1, raw, sizeof(raw));
	crypto_generichash(hash, crypto_generichash_BYTES, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
}

/* The hash kept of the token given as text; false for text that is no
 * token (wrong length, not hex). */
static bool token_hash(const char *hex, size_t len, unsigned char hash[crypto_generichash_BYTES])
{
	unsigned char raw[TOKEN_BYTES];
	size_t n = 0;
	const char *end = NULL;

	if (!hex || len != HL_SESSION_HEX ||
	    sodium_hex2bin(raw, sizeof(raw), hex, len, NULL, &n, &end) != 0 ||
	    n != sizeof(raw) || end != hex + len)
		return false;
	crypto_generichash(hash, crypto_generichash_BYTES, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return true;
}

int hl_session_open(struct hl_sessions *s, const char *name, int64_t now,
		    char id[HL_SESSION_HEX + 1], char csrf[HL_SESSION_HEX + 1])
{
	struct slot *t = NULL;
	int r = -EAGAIN;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < HL_SESSIONS_MAX && !t; i++)
		if (!s->slot[i].live || ended(s, &s->slot[i], now))
			t = &s->slot[i];
	if (t) {
		memset(t, 0, sizeof(*t));
		token(id, t->id);
		token(csrf, t->csrf);
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->born = t->used = now;
		t->live = true;
		r = 0;
	}
	pthread_mutex_unlock(&s->lock);
	return r;
}

/* The live slot whose id hash is h; every slot is compared, in
 * constant time, so the time taken says nothing of the id. */
static struct slot *lookup(struct hl_sessions *s, const unsigned char *h)
{
	struct slot *found = NULL;

	for (size_t i = 0; i < HL_SESSIONS_MAX; i++)
		if (sodium_memcmp(s->slot[i].id, h, crypto_generichash_BYTES) == 0 &&
		    s->slot[i].live)
			found = &s->slot[i];
	return found;
}

enum hl_session_state hl_session_find(struct hl_sessions *s, const char *id, size_t len,
				      int64_t now, const char *csrf, size_t clen,
				      char name[HL_NAME_MAX + 1], bool *csrf_ok)
{
	unsigned char h[crypto_generichash_BYTES], ch[crypto_generichash_BYTES];
	enum hl_session_state st = HL_SESSION_NONE;
	bool have_csrf = token_hash(csrf, clen, ch);
	struct slot *t;

	*csrf_ok = false;
	if (!token_hash(id, len, h))
		return HL_SESSION_NONE;
	pthread_mutex_lock(&s->lock);
	t = lookup(s, h);
	if (t && ended(s, t, now)) {
		sodium_memzero(t, sizeof(*t));
		st = HL_SESSION_EXPIRED;
	} else if (t) {
		t->used = now;
		snprintf(name, HL_NAME_MAX + 1, "%s", t->name);
		*csrf_ok = have_csrf && sodium_memcmp(t->csrf, ch, sizeof(ch)) == 0;
		st = HL_SESSION_OK;
	}
	pthread_mutex_unlock(&s->lock);
	return st;
}

void hl_session_close(struct hl_sessions *s, const char *id, size_t len)
{
	unsigned char h[crypto_generichash_BYTES];
	struct slot *t;

	if (!token_hash(id, len, h))
		return;
	pthread_mutex_lock(&s->lock);
	t = lookup(s, h);
	if (t)
		sodium_memzero(t, sizeof(*t));
	pthread_mutex_unlock(&s->lock);
}
