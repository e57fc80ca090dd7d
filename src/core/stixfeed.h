/* stixfeed.h - STIX objects as a feed serves them (docs/feeds.md).
 *
 * What the content index records for each object of a valid bundle, so
 * that a feed only copies text: the object's TLP level (the message's,
 * unless the object's own markings are stricter), its version, and the
 * object as served, which carries its TLP 2.0 marking, the party that
 * sent it (created_by_ref to that party's identity) and the case it came
 * in (an external reference "hotline", "OWNER#N").  Also the objects a
 * feed serves beside them: the parties' identities and the TLP 2.0
 * marking definitions.  Pure: no I/O, no clock, no globals.
 *
 * The TLP 2.0 marking definitions are OASIS's (the TLP 2.0 extension of
 * cti-stix-common-objects, extension-definition--60a3c5c5-...): their ids
 * are fixed, here and nowhere else.  Other stores write the level as
 * stixobj.h's tlp column: 0 clear to 4 red.
 */
#ifndef HL_STIXFEED_H
#define HL_STIXFEED_H

#include <stdint.h>

#include <jansson.h>

enum hl_tlp_level {
	HL_TLP_CLEAR, HL_TLP_GREEN, HL_TLP_AMBER, HL_TLP_AMBER_STRICT, HL_TLP_RED,
	HL_TLP_LEVELS
};

#define HL_STIXFEED_ID_LEN 46	/* "identity--" and a UUID */
#define HL_STIXFEED_TLP_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

/* The level of a content's "tlp" code ("TLP:AMBER+STRICT"); amber when
 * code is NULL or no TLP 2.0 code (a message without handling is
 * handled as amber). */
int hl_stixfeed_level(const char *code);
/* "clear", "green", "amber", "amber+strict" or "red" (TLP 2.0's own
 * words, the extension's tlp_2_0 values); NULL out of range. */
const char *hl_stixfeed_level_name(int level);
/* The id of the TLP 2.0 marking definition of a level; NULL out of range. */
const char *hl_stixfeed_marking_id(int level);
/* The level a marking definition id names, TLP 2.0 or STIX 2.1's own
 * TLP 1.0 ones (white is clear); -1 for any other id. */
int hl_stixfeed_marking_level(const char *id);

/* A STIX timestamp ("2026-11-22T09:54:00.123Z", any number of fraction
 * digits, cut to microseconds) as microseconds since the epoch: 0, or
 * -HL_ETIME when s is not one (or before 1970). */
int hl_stixfeed_time(const char *s, int64_t *us);
/* An object's version: its "modified", else its "created", in µs and as
 * written (*text points into o); 0 and NULL when it has neither (an SCO)
 * or the time does not parse. */
void hl_stixfeed_version(const json_t *o, int64_t *us, const char **text);

/* The level an object is served at: level (its message's), or the
 * strictest TLP marking its object_marking_refs name, when stricter. */
int hl_stixfeed_object_level(const json_t *o, int level);

/* A new copy of object o as served at level: object_marking_refs holds
 * the level's TLP 2.0 marking in place of any TLP marking it had (other
 * markings stay); an object with "created" (an SDO, SRO or meta object,
 * not an SCO) gets created_by_ref = creator when it has none, and, when
 * case_name is not NULL, an external reference
 * {"source_name": "hotline", "external_id": case_name}.  A marking
 * definition is copied as it is.  NULL when out of memory; the caller
 * owns the reference. */
json_t *hl_stixfeed_served(const json_t *o, int level, const char *creator,
			   const char *case_name);

/* The identity id of a party: "identity--" and a UUID made of
 * SHA-256("hotline identity\0" || name), version 4 and variant bits set,
 * so that both parties' feeds name each party alike. */
void hl_stixfeed_identity_id(const char *name, char out[HL_STIXFEED_ID_LEN + 1]);
/* The identity object of a party (an organization named as its card),
 * created and modified at HL_STIXFEED_IDENTITY_TIME, a fixed date, so
 * that it is the same at both parties, through key changes and rebuilds;
 * NULL when out of memory. */
#define HL_STIXFEED_IDENTITY_TIME "2000-01-01T00:00:00.000Z"
json_t *hl_stixfeed_identity(const char *name);
/* OASIS's TLP 2.0 marking definition of a level; NULL out of range or
 * out of memory. */
json_t *hl_stixfeed_marking(int level);

#endif
