/* taxiiq.h - what a TAXII 2.1 client sends that hotlined parses, and
 * the few things it spells back: the path of a request, its query
 * (added_after, limit, next, match[id|type|version|spec_version]), its
 * Authorization and Accept headers, the `next` token, date_added
 * timestamps and the UUIDs of collections (docs/feeds.md, "TAXII 2.1").
 * Pure: no store, no network; fuzz/fuzz_taxii.c feeds it anything.
 */
#ifndef HL_TAXIIQ_H
#define HL_TAXIIQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define HL_TAXII_MEDIA "application/taxii+json;version=2.1"
#define HL_TAXII_STIX_MEDIA "application/stix+json;version=2.1"
#define HL_TAXII_PAGE_MAX 1000		/* objects in one page at most */
#define HL_TAXII_NEXT_LEN 43		/* base64url of 8 + 24 bytes, unpadded */
#define HL_TAXII_TIME_LEN 27		/* "2026-12-07T13:21:36.123456Z" */
#define HL_TAXII_SECRET_MAX 128
#define HL_TAXII_SEG_MAX 256		/* a path segment's length, at most */

/* The resource a path names. */
enum hl_taxii_res {
	HL_TAXII_DISCOVERY,		/* /taxii2/ */
	HL_TAXII_ROOT,			/* /taxii2/LINK/ */
	HL_TAXII_COLLECTIONS,		/* /taxii2/LINK/collections/ */
	HL_TAXII_COLLECTION,		/* .../collections/ID/ */
	HL_TAXII_OBJECTS,		/* .../collections/ID/objects/ */
	HL_TAXII_OBJECT,		/* .../objects/OBJECT-ID/ */
	HL_TAXII_VERSIONS,		/* .../objects/OBJECT-ID/versions/ */
	HL_TAXII_MANIFEST,		/* .../collections/ID/manifest/ */
};

struct hl_taxii_path {
	enum hl_taxii_res res;
	char root[HL_TAXII_SEG_MAX + 1];	/* the API root: a link's name */
	char coll[HL_TAXII_SEG_MAX + 1];	/* a collection's id or alias */
	char object[HL_TAXII_SEG_MAX + 1];	/* a STIX id */
};

/* True when path (as sent, before any unescaping) is under /taxii2/. */
bool hl_taxii_owns(const char *path);

/* The resource of path, as sent: segments of [a-z0-9._~-] only (so no
 * escape, no "." nor ".." segment), the trailing '/' optional.  0, or
 * -ENOENT for a path that names no resource. */
int hl_taxii_path_parse(const char *path, struct hl_taxii_path *out);

/* Which query parameters a resource takes (bits of hl_taxii_param). */
enum hl_taxii_param {
	HL_TAXII_P_ADDED_AFTER = 1, HL_TAXII_P_LIMIT = 2, HL_TAXII_P_NEXT = 4,
	HL_TAXII_P_ID = 8, HL_TAXII_P_TYPE = 16, HL_TAXII_P_VERSION = 32,
	HL_TAXII_P_SPEC = 64,
};
unsigned hl_taxii_params(enum hl_taxii_res res);

enum hl_taxii_versions { HL_TAXII_V_LAST, HL_TAXII_V_FIRST, HL_TAXII_V_ALL, HL_TAXII_V_LIST };

/* A request's query, parsed. */
struct hl_taxii_filter {
	unsigned seen;			/* hl_taxii_param bits given */
	int64_t added_after;		/* microseconds; -1 for none */
	size_t limit;			/* 1..HL_TAXII_PAGE_MAX */
	json_t *ids, *types, *specs;	/* arrays of strings, or NULL: owned */
	enum hl_taxii_versions versions;
	json_t *version_list;		/* integers (µs) for HL_TAXII_V_LIST: owned */
	char next[HL_TAXII_NEXT_LEN + 1];	/* "" for none */
};
void hl_taxii_filter_init(struct hl_taxii_filter *f);
void hl_taxii_filter_free(struct hl_taxii_filter *f);

/* Takes one query parameter key=value (as decoded) for a resource that
 * takes the parameters allow.  0, or -EINVAL with a sentence in why:
 * an unknown or repeated parameter, a malformed timestamp, a limit that
 * is 0 or no number (one above HL_TAXII_PAGE_MAX is cut to it), a
 * malformed id, type or version, a mix of first/last with other
 * versions, a next that is not a token's shape. */
int hl_taxii_arg(struct hl_taxii_filter *f, unsigned allow, const char *key,
		 const char *value, char *why, size_t cap);

/* A STIX/TAXII timestamp "YYYY-MM-DDTHH:MM:SS[.f{1,9}]Z" as
 * microseconds since the epoch (digits past the sixth are dropped):
 * 0, or -EINVAL. */
int hl_taxii_time_parse(const char *s, size_t n, int64_t *us);
/* us spelt with six decimals; false for a time before 1970 or past 9999. */
bool hl_taxii_time_format(int64_t us, char out[HL_TAXII_TIME_LEN + 1]);

/* The next token for row id within scope (the collection and the
 * reader, as the caller spells them), under key: base64url (unpadded)
 * of the id (8 bytes, big-endian) and a 24-byte keyed BLAKE2b of
 * scope, a NUL byte and the id. */
void hl_taxii_next_make(const unsigned char key[32], const char *scope, int64_t id,
			char out[HL_TAXII_NEXT_LEN + 1]);
/* The row id of token s made for scope under key: 0, or -EINVAL for a
 * token forged, damaged or made for another scope. */
int hl_taxii_next_read(const unsigned char key[32], const char *scope, const char *s,
		       int64_t *id);

/* The Authorization header h: "Basic base64(user:secret)" (user
 * filled) or "Bearer secret" (user ""): 0, or -EINVAL for anything
 * else (another scheme, bad base64, a secret or user too long, a NUL or
 * control byte). */
int hl_taxii_auth_parse(const char *h, char *user, size_t ucap, char *secret, size_t scap);

/* Whether an Accept header allows HL_TAXII_MEDIA: absent (NULL), or a
 * media range of any type, application/any or application/taxii+json with no
 * version or version=2.1, and no q=0. */
bool hl_taxii_accept_ok(const char *accept);

/* The UUID (version 4's bits set) of SHA-256("hotline collection", a,
 * b, c, each ended by a NUL byte), lower-case with dashes. */
void hl_taxii_uuid(const char *a, const char *b, const char *c, char out[37]);

#endif
