/* feedtoken.h - the tokens of the TAXII feed (docs/feeds.md, "TAXII
 * 2.1"): an admin issues one per operator and tool; the tool presents
 * its secret (32 random bytes, base64url) and the store keeps only the
 * secret's BLAKE2b, with the clearance (the highest TLP the tool may
 * read) and when it was issued and revoked.  At most one live token per
 * operator and tool. */
#ifndef HL_FEEDTOKEN_H
#define HL_FEEDTOKEN_H

#include <stdint.h>

#include "store.h"
#include "text.h"

#define HL_FEED_TOOL_MAX 63
#define HL_FEED_HASH 32

struct hl_feed_token {
	int64_t id;
	char op[HL_NAME_MAX + 1];		/* the operator it reads as */
	char tool[HL_FEED_TOOL_MAX + 1];	/* a name for the tool, as the admin gave it */
	int tlp;				/* 0 clear, 1 green, 2 amber, 3 amber+strict, 4 red */
	int64_t created;			/* seconds since the epoch */
	char created_by[HL_NAME_MAX + 1];
	int64_t revoked;			/* 0 while live */
};

/* Adds t (id, revoked ignored) with the secret's hash: 0, or
 * -HL_EDUPLICATE when the operator has a live token for that tool. */
int hl_store_feed_token_add(struct hl_store *st, const struct hl_feed_token *t,
			    const unsigned char hash[HL_FEED_HASH]);

/* The token, live or revoked, whose secret hashes to hash: 0, or
 * -HL_ENOTFOUND. */
int hl_store_feed_token_find(struct hl_store *st, const unsigned char hash[HL_FEED_HASH],
			     struct hl_feed_token *out);

/* Revokes op's live token for tool at now: 0, or -HL_ENOTFOUND. */
int hl_store_feed_token_revoke(struct hl_store *st, const char *op, const char *tool,
			       int64_t now);

/* Each token, live and revoked, oldest first, until fn returns nonzero
 * (which is returned). */
int hl_store_feed_token_each(struct hl_store *st,
			     int (*fn)(void *ctx, const struct hl_feed_token *t), void *ctx);

#endif
