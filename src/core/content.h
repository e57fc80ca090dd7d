/* content.h - what an envelope's encrypted body says: a JSON document.
 *
 *   {"summary": {"lang": "en", "text": "Ransomware on a water utility"},
 *    "text": {"lang": "ar", "text": "رصدنا هجوماً ..."},
 *    "type": "notify",
 *    "v": 1}
 *
 * "type" repeats the envelope header's kind; "text" is the message in
 * the language its BCP 47 tag names, never translated or altered;
 * "summary" (optional) is a short text, typically in another language.
 * "ref" (optional) names another envelope of the link, by its sender,
 * sequence number and leaf hash: an ack names what a person read,
 *
 *   "ref": {"from": "ru-cert", "leaf": "<base64 SHA-256>", "seq": 12}
 * The structured fields of cases, requests and answers (categories,
 * TLP, actions, STIX) extend this object in later versions.  Parsing is
 * strict: unknown or duplicated members are refused.
 */
#ifndef HL_CONTENT_H
#define HL_CONTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "envelope.h"
#include "lang.h"

#define HL_CONTENT_VERSION 1

struct hl_text {
	char lang[HL_LANG_MAX + 1];
	const char *text;	/* UTF-8, no NUL; owned by the parsed content */
	size_t len;
};

/* An envelope named by its log (sender), index and leaf hash. */
struct hl_ref {
	char from[HL_NAME_MAX + 1];
	uint64_t seq;
	unsigned char leaf[32];
};

struct hl_content {
	char type[HL_KIND_MAX + 1];
	struct hl_text text;
	bool has_summary;
	struct hl_text summary;
	bool has_ref;
	struct hl_ref ref;
	void *json;		/* the parsed document, which owns the strings */
};

/* Appends the JSON of a message; summary and ref may be NULL. */
int hl_content_encode(const char *type, const struct hl_text *text,
		      const struct hl_text *summary, const struct hl_ref *ref,
		      struct hl_buf *out);

/* Parses content; free it with hl_content_free() on success. */
int hl_content_parse(const unsigned char *buf, size_t n, struct hl_content *c);
void hl_content_free(struct hl_content *c);

#endif
