/* party.c - create and open a party's home. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>

#include "error.h"
#include "file.h"
#include "keyring.h"
#include "party.h"
#include "store.h"
#include "text.h"
#include "tlscert.h"


int hl_home_resolve(const char *opt, char *out, size_t cap)
{
	const char *env = getenv("HOTLINE_HOME");
	const char *home = getenv("HOME");
	int n;

	const char *dir = opt && *opt ? opt : env && *env ? env : NULL;
	char cwd[PATH_MAX];

	if (dir && dir[0] == '/')
		n = snprintf(out, cap, "%s", dir);
	else if (dir && getcwd(cwd, sizeof(cwd)))
		n = snprintf(out, cap, "%s/%s", cwd, dir);
	else if (dir)
		return -errno;
	else if (home && *home)
		n = snprintf(out, cap, "%s/" HL_HOME_DEFAULT, home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int hl_party_path(const char *home, const char *file, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", home, file);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int hl_party_store(const char *home, const struct hl_config *c, char *out, size_t cap)
{
	int n;

	if (!c->store[0])
		return hl_party_path(home, HL_STORE_FILE, out, cap);
	n = snprintf(out, cap, "%s", c->store);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static void say(char *why, size_t len, const char *what)
{
	if (why && len)
		snprintf(why, len, "%s", what);
}

int hl_party_key_write(const char *home, const char *file, const char *type,
		     const unsigned char *key, size_t n)
{
	char path[PATH_MAX];
	char *text;
	size_t b64 = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	size_t len = strlen(type) + 1 + b64;
	int r = hl_party_path(home, file, path, sizeof(path));

	if (r < 0)
		return r;
	text = sodium_malloc(len + 1);
	if (!text)
		return -ENOMEM;
	memcpy(text, type, strlen(type));
	text[strlen(type)] = '\n';
	sodium_bin2base64(text + strlen(type) + 1, b64, key, n,
			  sodium_base64_VARIANT_ORIGINAL);
	text[len - 1] = '\n';
	r = hl_secret_write(path, text, len);
	sodium_free(text);
	return r;
}

int hl_party_key_read(const char *home, const char *file, const char *type,
		    unsigned char *key, size_t n)
{
	char path[PATH_MAX];
	unsigned char *text = NULL;
	size_t len = 0, tl = strlen(type);
	int r = hl_party_path(home, file, path, sizeof(path));

	if (r == 0)
		r = hl_secret_read(path, HL_KEYFILE_MAX, &text, &len);
	if (r < 0)
		return r;
	r = -HL_EKEYFILE;
	if (len > tl + 2 && memcmp(text, type, tl) == 0 && text[tl] == '\n' &&
	    text[len - 1] == '\n')
		r = hl_b64_exact((const char *)text + tl + 1, len - tl - 2, key, n) < 0 ?
		    -HL_EKEYFILE : 0;
	sodium_free(text);
	return r;
}

static int make_home(const char *home)
{
	static const char *const files[] = {"hotline.conf", "identity.key", "card"};
	char path[PATH_MAX];

	if (mkdir(home, 0700) < 0 && errno != EEXIST)
		return -errno;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (hl_party_path(home, files[i], path, sizeof(path)) < 0)
			return -ENAMETOOLONG;
		if (access(path, F_OK) == 0)
			return -HL_EEXIST;
	}
	return 0;
}

static int write_file(const char *home, const char *file, const struct hl_buf *b,
		      int mode)
{
	char path[PATH_MAX];
	int r = hl_party_path(home, file, path, sizeof(path));

	return r < 0 ? r : hl_file_write_atomic(path, b->data, b->len, mode);
}

/* TLS key and certificate; fills card->tls_pin. */
static int make_tls(const char *home, const char *name, int64_t now,
		    struct hl_card *card, char *why, size_t whylen)
{
	struct hl_buf key, crt;
	char path[PATH_MAX];
	int r;

	hl_buf_init(&key, 16384);
	hl_buf_init(&crt, 16384);
	say(why, whylen, "tls.key");
	r = hl_tlscert_generate(name, now, &key, &crt, card->tls_pin);
	if (r == 0)
		r = hl_party_path(home, "tls.key", path, sizeof(path));
	if (r == 0)
		r = hl_secret_write(path, key.data, key.len);
	if (r == 0) {
		say(why, whylen, "tls.crt");
		r = write_file(home, "tls.crt", &crt, 0644);
	}
	if (key.data)
		sodium_memzero(key.data, key.cap);
	hl_buf_free(&key);
	hl_buf_free(&crt);
	return r;
}

int hl_party_create(const char *home, const struct hl_config *conf,
		    int64_t now, char *why, size_t whylen)
{
	unsigned char *seed = sodium_malloc(32), *sk = sodium_malloc(64);
	unsigned char *box_sk = sodium_malloc(32);
	struct hl_card card;
	struct hl_buf text, cf;
	int r = -ENOMEM;

	hl_buf_init(&text, HL_CARD_MAX);
	hl_buf_init(&cf, HL_CONFIG_MAX);
	memset(&card, 0, sizeof(card));
	say(why, whylen, home);
	if (!seed || !sk || !box_sk)
		goto out;
	r = make_home(home);
	if (r < 0)
		goto out;
	randombytes_buf(seed, 32);
	crypto_sign_seed_keypair(card.sign_pk, sk, seed);
	crypto_box_keypair(card.box_pk, box_sk);
	say(why, whylen, "identity.key");
	r = hl_party_key_write(home, "identity.key", IDENTITY_TYPE, seed, 32);
	if (r < 0)
		goto out;
	say(why, whylen, "box.key");
	r = hl_party_key_write(home, "box.key", BOX_TYPE, box_sk, 32);
	if (r < 0)
		goto out;
	r = make_tls(home, conf->name, now, &card, why, whylen);
	if (r < 0)
		goto out;
	memcpy(card.name, conf->name, sizeof(card.name));
	memcpy(card.endpoint, conf->endpoint, sizeof(card.endpoint));
	card.created = now;
	say(why, whylen, "card");
	r = hl_card_encode(&card, sk, &text);
	if (r == 0)
		r = write_file(home, "card", &text, 0644);
	if (r < 0)
		goto out;
	/* The config goes last: its presence marks a complete party. */
	say(why, whylen, "hotline.conf");
	r = hl_config_format(conf, &cf);
	if (r == 0)
		r = write_file(home, "hotline.conf", &cf, 0644);
out:
	sodium_free(seed);
	sodium_free(sk);
	sodium_free(box_sk);
	hl_buf_free(&text);
	hl_buf_free(&cf);
	return r;
}

int hl_party_read_conf(const char *home, struct hl_config *c, char *why, size_t whylen)
{
	struct hl_buf b;
	char path[PATH_MAX];
	int r;

	hl_buf_init(&b, HL_CONFIG_MAX);
	say(why, whylen, "hotline.conf");
	r = hl_party_path(home, "hotline.conf", path, sizeof(path));
	if (r == 0)
		r = hl_file_read(path, &b);
	if (r == -ENOENT)
		r = -HL_ENOPARTY;
	if (r == 0)
		r = hl_config_parse((const char *)b.data, b.len, c);
	if (r == -HL_ECONFIG && why)
		snprintf(why, whylen, "hotline.conf:%u: %s", c->err_line, c->err);
	hl_buf_free(&b);
	return r;
}

struct names {
	const char **v;
	size_t n;
};

static int collect(void *ctx, const struct hl_link *l)
{
	struct names *ns = ctx;
	char *copy = strdup(l->name);
	const char **v = copy ? realloc(ns->v, (ns->n + 1) * sizeof(*v)) : NULL;

	if (!v) {
		free(copy);
		return -ENOMEM;
	}
	ns->v = v;
	ns->v[ns->n++] = copy;
	return 0;
}

int hl_party_links_check(struct hl_config *c, struct hl_store *st, char *why,
			 size_t whylen)
{
	struct names ns = {NULL, 0};
	int r = 0;

	if (c->nlinks)
		r = hl_store_link_each(st, collect, &ns);
	if (r == 0 && hl_config_links_check(c, ns.v, ns.n) < 0) {
		snprintf(why, whylen, "hotline.conf:%u: %s", c->err_line, c->err);
		r = -HL_ECONFIG;
	}
	for (size_t i = 0; i < ns.n; i++)
		free((char *)ns.v[i]);
	free(ns.v);
	return r;
}

/* Room for any card, so that a key change never moves the bytes
 * (keyring.c). */
static int reserve(struct hl_buf *b)
{
	unsigned char *d;

	if (b->cap > HL_CARD_MAX)
		return 0;
	d = realloc(b->data, HL_CARD_MAX + 1);
	if (!d)
		return -ENOMEM;
	b->data = d;
	b->cap = HL_CARD_MAX + 1;
	return 0;
}

static int open_card(struct hl_party *p, char *why, size_t whylen)
{
	char path[PATH_MAX];
	int r;

	say(why, whylen, "card");
	r = hl_party_path(p->home, "card", path, sizeof(path));
	if (r == 0)
		r = hl_file_read(path, &p->card_text);
	if (r == 0)
		r = reserve(&p->card_text);
	if (r == 0)
		r = hl_card_parse(p->card_text.data, p->card_text.len, &p->card);
	if (r == 0 && strcmp(p->card.name, p->conf.name) != 0) {
		say(why, whylen, "card: its name differs from hotline.conf's");
		r = -HL_ECONFIG;
	}
	return r;
}

/* Loads both secret keys and checks them against the card. */
static int open_secrets(struct hl_party *p, char *why, size_t whylen)
{
	unsigned char *seed = sodium_malloc(32);
	unsigned char pk[32];
	int r = -ENOMEM;

	p->sign_sk = sodium_malloc(64);
	p->box_sk = sodium_malloc(32);
	if (!seed || !p->sign_sk || !p->box_sk)
		goto out;
	say(why, whylen, "identity.key");
	r = hl_party_key_read(p->home, "identity.key", IDENTITY_TYPE, seed, 32);
	if (r < 0)
		goto out;
	crypto_sign_seed_keypair(pk, p->sign_sk, seed);
	r = -HL_EKEYFILE;
	if (sodium_memcmp(pk, p->card.sign_pk, 32) != 0)
		goto out;
	say(why, whylen, "box.key");
	r = hl_party_key_read(p->home, "box.key", BOX_TYPE, p->box_sk, 32);
	if (r < 0)
		goto out;
	crypto_scalarmult_base(pk, p->box_sk);
	r = sodium_memcmp(pk, p->card.box_pk, 32) == 0 ? 0 : -HL_EKEYFILE;
	if (r == 0)
		r = hl_keyring_load(p, why, whylen);
out:
	sodium_free(seed);
	return r;
}

int hl_party_open(const char *home, int flags, struct hl_party **out,
		  char *why, size_t whylen)
{
	struct hl_party *p = calloc(1, sizeof(*p));
	int r;

	*out = NULL;
	if (!p)
		return -ENOMEM;
	hl_buf_init(&p->card_text, HL_CARD_MAX);
	p->since = INT64_MIN;
	r = snprintf(p->home, sizeof(p->home), "%s", home) >= (int)sizeof(p->home) ?
	    -ENAMETOOLONG : 0;
	if (r == 0)
		r = hl_party_read_conf(p->home, &p->conf, why, whylen);
	if (r == 0)
		r = open_card(p, why, whylen);
	if (r == 0 && (flags & HL_PARTY_SECRETS))
		r = open_secrets(p, why, whylen);
	if (r < 0) {
		hl_party_free(p);
		return r;
	}
	*out = p;
	return 0;
}

void hl_party_free(struct hl_party *p)
{
	if (!p)
		return;
	sodium_free(p->sign_sk);
	sodium_free(p->box_sk);
	hl_keyring_free(p->ring);
	hl_buf_free(&p->card_text);
	free(p);
}

bool hl_party_daemon_up(const char *home, char *sock, size_t cap)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	bool up;
	int fd;

	if (hl_party_path(home, HL_PARTY_SOCKET, sa.sun_path, sizeof(sa.sun_path)) < 0)
		return false;
	if (sock)
		snprintf(sock, cap, "%s", sa.sun_path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	up = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return up;
}
