/* misp.h - a case and its STIX 2.1 bundle as one MISP event.
 *
 * MISP reads events in its core format (draft-dulaunoy-misp-core-format):
 *
 *   {"Event": {"uuid", "info", "date", "timestamp", "threat_level_id",
 *              "analysis", "distribution", "published": false,
 *              "Orgc": {"name", "uuid"}, "Tag": [...],
 *              "Attribute": [{"uuid", "category", "type", "value",
 *                             "to_ids", "timestamp", "comment", ...}]}}
 *
 * This module builds that event from the case's fields and its merged
 * bundle (docs/feeds.md, "MISP export", says how each is mapped):
 * indicators whose pattern is only equality comparisons joined by OR
 * become one attribute per comparison (to_ids true), other patterns one
 * "stix2-pattern" attribute; observables (SCOs) and named threat actors,
 * campaigns and vulnerabilities become attributes with to_ids false.
 * The case's TLP and RSIT category become the event's tags; an object
 * marked more strictly than the case keeps its own "tlp:" tag.
 *
 * Every uuid is derived (SHA-256, shaped as a version-4 UUID) from the
 * case and the STIX ids, and every time from the case and the objects,
 * so two exports of one case give the same event, byte for byte.
 * Pure: no I/O, no clock, no randomness.
 */
#ifndef HL_MISP_H
#define HL_MISP_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#define HL_MISP_UUID_LEN 36
#define HL_MISP_INFO_MAX 256	/* characters of "info", as the format asks */

/* What the event says of the case; strings are the caller's, "" when
 * the case has none. */
struct hl_misp_case {
	const char *id;		/* "ru-cert#12" */
	const char *to;		/* the party the opener notified */
	const char *title;	/* its summary or first line; may hold newlines */
	const char *opener;	/* the Orgc's name */
	const char *opener_uuid;	/* the Orgc's uuid, 36 characters */
	const char *category;	/* RSIT "class/type" (vocab.h) */
	const char *tlp;	/* "TLP:AMBER", ... */
	const char *severity;	/* low, medium, high, critical */
	bool closed;
	int64_t opened, last;	/* Unix seconds */
};

/* The MISP event {"Event": {...}} of case c with the objects of bundle
 * (which may be NULL).  The caller owns the returned reference; NULL
 * when out of memory or when c is incomplete. */
json_t *hl_misp_event(const struct hl_misp_case *c, const json_t *bundle);

/* A derived uuid: SHA-256 of "hotline.misp/v1\n" and the n (at most 8)
 * strings, each after its length in decimal and ':', shaped as a
 * version-4 UUID (as the STIX identities of stix.md are) into out. */
void hl_misp_uuid(const char *const *parts, size_t n, char out[HL_MISP_UUID_LEN + 1]);

#endif
