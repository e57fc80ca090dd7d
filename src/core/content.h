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

struct hl_content {
	char type[HL_KIND_MAX + 1];
	struct hl_text text;
	bool has_summary;
	struct hl_text summary;
	void *json;		/* the parsed document, which owns the strings */
};

/* Appends the JSON of a message; summary may be NULL. */
int hl_content_encode(const char *type, const struct hl_text *text,
		      const struct hl_text *summary, struct hl_buf *out);

/* Parses content; free it with hl_content_free() on success. */
int hl_content_parse(const unsigned char *buf, size_t n, struct hl_content *c);
void hl_content_free(struct hl_content *c);

#endif
