/* party.h - one party's home folder: its keys, certificate, card, config.
 *
 *   <home>/hotline.conf   settings (config.h)
 *   <home>/identity.key   Ed25519 seed, 0600
 *   <home>/box.key        X25519 secret key, 0600
 *   <home>/tls.key        TLS private key (PEM), 0600
 *   <home>/tls.crt        self-signed TLS certificate (PEM)
 *   <home>/card           the signed card (card.h)
 *
 * The home is --home, else $HOTLINE_HOME, else ~/.hotline.
 */
#ifndef HL_PARTY_H
#define HL_PARTY_H

#include <limits.h>
#include <stdint.h>

#include "buf.h"
#include "card.h"
#include "config.h"

#define HL_HOME_DEFAULT ".hotline"
#define HL_KEYFILE_MAX 256

struct hl_keyring;

struct hl_party {
	char home[PATH_MAX];
	struct hl_config conf;
	struct hl_card card;
	struct hl_buf card_text;	/* the card exactly as signed */
	unsigned char *sign_sk;		/* sodium_malloc; NULL without secrets */
	unsigned char *box_sk;		/* X25519, 32 bytes, likewise */
	struct hl_keyring *ring;	/* retired keys (keyring.h), with the secrets */
	int64_t since;			/* our keys in force since (a cosignature's
					 * earliest time), or INT64_MIN */
};

enum {
	HL_PARTY_PUBLIC = 0,	/* config and card only */
	HL_PARTY_SECRETS = 1,	/* also the identity and box keys */
};

/* The home folder as an absolute path: opt, $HOTLINE_HOME or ~/.hotline. */
int hl_home_resolve(const char *opt, char *out, size_t cap);

/* <home>/<file> into out. */
int hl_party_path(const char *home, const char *file, char *out, size_t cap);

/* The operators' unix socket of hotlined, in the home. */
#define HL_PARTY_SOCKET "hotlined.sock"

/* Whether a hotlined serves home's operators' socket now (a connection
 * to it is taken); sock, unless NULL, gets the socket's path. */
bool hl_party_daemon_up(const char *home, char *sock, size_t cap);
/* Where the party's store is: hotline.conf's store when set, else the
 * SQLite file hotline.db in home. */
int hl_party_store(const char *home, const struct hl_config *c, char *out, size_t cap);

/* Creates a new party in home (made 0700 if missing).  Refuses with
 * -HL_EEXIST when one is there.  why gets the failing file's name. */
int hl_party_create(const char *home, const struct hl_config *conf,
		    int64_t now, char *why, size_t whylen);

/* Opens the party in home; why gets "file" or "file:line: reason". */
int hl_party_open(const char *home, int flags, struct hl_party **out,
		  char *why, size_t whylen);
void hl_party_free(struct hl_party *p);

/* Reads and parses <home>/hotline.conf into c; why as for open. */
int hl_party_read_conf(const char *home, struct hl_config *c, char *why, size_t whylen);

struct hl_store;
/* Refuses (-HL_ECONFIG, why "hotline.conf:LINE: ...") a link.<name> key
 * of c for a link that st does not hold. */
int hl_party_links_check(struct hl_config *c, struct hl_store *st, char *why,
			 size_t whylen);

#endif
