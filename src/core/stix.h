/* stix.h - STIX 2.1 bundles carried in message content.
 *
 * A message names indicators, malware and threat actors in a STIX 2.1
 * bundle (the "stix" member of its content), so both parties' tools read
 * the same objects.  This module checks a parsed bundle against the parts
 * of STIX 2.1 that Hotline relies on (docs/stix.md lists them): the common
 * properties of every object, the required properties of the standard
 * types, and the STIX Patterning grammar of indicators.  It lists the
 * values worth indexing for search and merges bundles.  It is pure: no
 * I/O, no globals; merge draws its bundle ID from libsodium, so call
 * sodium_init() first.
 */
#ifndef HL_STIX_H
#define HL_STIX_H

#include <stddef.h>

#include <jansson.h>

#define HL_STIX_DEPTH 64			/* ( and [ nested in a pattern */
#define HL_STIX_PATTERN_MAX (1024 * 1024)	/* bytes of one pattern */

/* Why a bundle was refused.  id is the first bad object's "id" (cut to
 * fit), or "" when the bundle itself, or an object without a usable id,
 * is bad; reason is a sentence such as
 * "pattern: expected ']' at offset 27". */
struct hl_stix_error {
	char id[128];
	char reason[160];
};

/* Checks a STIX 2.1 bundle (a parsed JSON object): 0, or -HL_ESTIX with
 * err (which may be NULL) naming the first bad object and why. */
int hl_stix_check(const json_t *bundle, struct hl_stix_error *err);

/* Called once per searchable value: object_id is the object's "id", kind
 * its STIX type ("malware") for names, or "type:property path" for an
 * observable value ("ipv4-addr:value", "file:hashes.SHA-256").  Strings
 * are only valid during the call.  Nonzero stops the walk. */
typedef int (*hl_stix_term_fn)(void *ctx, const char *object_id,
			       const char *kind, const char *value);

/* Calls fn for every searchable value of a bundle (docs/stix.md says
 * which); meant for checked bundles, safe on any JSON.  Returns 0, the
 * first nonzero value fn returned, or -ENOMEM. */
int hl_stix_terms(const json_t *bundle, hl_stix_term_fn fn, void *ctx);

/* Merges n bundles into a new one with a fresh random ID: each object
 * once by id, the version with the latest "modified" winning (the first
 * one seen on a tie, or when neither has "modified", as for SCOs).
 * Objects without a string id are dropped.  The objects are copies; the
 * caller owns the returned reference.  NULL when out of memory. */
json_t *hl_stix_merge(json_t *const *bundles, size_t n);

#endif
