/* feed.h - what the TAXII door (daemon/taxii.c) asks of the desk: who
 * reads (a feed token), what is served to them (discovery, API roots,
 * collections, pages of objects), and the record of each request in
 * the audit trail (docs/feeds.md, "TAXII 2.1").  The door parses the
 * request (core/taxiiq.h) and speaks HTTP; every rule about who may
 * read what lives here. */
#ifndef HL_FEED_H
#define HL_FEED_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "desk.h"
#include "feedtoken.h"
#include "taxiiq.h"

/* The reader of a TAXII request, once its token is checked. */
struct hl_feed_reader {
	struct hl_operator op;
	char tool[HL_FEED_TOOL_MAX + 1];
	int clearance;			/* the highest TLP it reads: 0 clear .. 4 red */
};

/* The reader of secret (user: the operator Basic auth named, or NULL
 * for a Bearer token): 0, or -1 with e filled: 401 for a secret no
 * token has, or a token of another operator than user; 403 for a
 * revoked token, an operator gone, disabled, or without the right to
 * read (e->why says which). */
int hl_desk_feed_auth(struct hl_desk_shared *s, const char *user, const char *secret,
		      struct hl_feed_reader *rd, struct hl_desk_err *e);

/* One TAXII request, as the door parsed it. */
struct hl_feed_req {
	const struct hl_feed_reader *rd;
	const struct hl_taxii_path *path;
	const struct hl_taxii_filter *f;
	const char *base;		/* "https://HOST", for discovery's URLs */
	const unsigned char *next_key;	/* 32 bytes: the key of next tokens */
	const char *scope;		/* what a next token is bound to */
};

/* Discovery, an API root, the collections, one collection: the TAXII
 * resource as JSON (owned by the caller), or NULL with e filled (404
 * for a root, collection or clearance that is not the reader's). */
json_t *hl_desk_feed_info(struct hl_desk_shared *s, const struct hl_feed_req *q,
			  struct hl_desk_err *e);

/* A page of objects, one object, its versions or a manifest, served as
 * a stream: opened (the page is found, its headers known), read in
 * pieces, closed. */
struct hl_feed_page;
int hl_desk_feed_page_open(struct hl_desk_shared *s, const struct hl_feed_req *q,
			   struct hl_feed_page **out, struct hl_desk_err *e);
/* The page's X-TAXII-Date-Added-First and -Last; false for no object. */
bool hl_feed_page_dates(const struct hl_feed_page *p, char first[HL_TAXII_TIME_LEN + 1],
			char last[HL_TAXII_TIME_LEN + 1]);
/* Up to max bytes of the page's JSON into buf: how many, 0 at its end,
 * -1 when the store fails midway (the answer is then cut short). */
ssize_t hl_feed_page_read(struct hl_feed_page *p, char *buf, size_t max);
/* How many objects (or versions) were sent so far. */
size_t hl_feed_page_sent(const struct hl_feed_page *p);
void hl_feed_page_free(struct hl_feed_page *p);

/* Records a TAXII request in the audit trail: its reader (NULL when
 * none was found), method, path, the objects served and the status,
 * with why for a refusal. */
void hl_desk_feed_record(struct hl_desk_shared *s, const struct hl_feed_reader *rd,
			 const char *method, const char *path, size_t objects, unsigned status,
			 const char *why);

/* The TLP levels: 0..4 <-> "clear", "green", "amber", "amber+strict",
 * "red" (a "TLP:" prefix and any case accepted); -1 for none. */
int hl_feed_tlp_parse(const char *s);
const char *hl_feed_tlp_name(int tlp);

#endif
