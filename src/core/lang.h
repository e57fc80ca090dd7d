/* lang.h - BCP 47 language tags (RFC 5646), checked for well-formedness.
 *
 * Free text in a message always carries a tag ("ar", "en-GB",
 * "zh-Hant-TW", "sr-Latn"), so a reader knows what language it is in
 * and nobody alters it by translation.  This checks the syntax of
 * RFC 5646 section 2.1 (and the grandfathered tags of 2.2.8), and
 * refuses a repeated variant or extension singleton (section 2.2.9);
 * it does not look tags up in the IANA registry.
 */
#ifndef HL_LANG_H
#define HL_LANG_H

#include <stdbool.h>
#include <stddef.h>

#define HL_LANG_MAX 63

bool hl_lang_valid(const char *tag, size_t n);

/* Whether tags a and b (NUL-ended) share their primary language
 * subtag, without regard to case: en-GB and EN are one language, sr-Latn
 * and sr-Cyrl too, zh and zh-Hant too (docs/protocol.md 8.13, working
 * languages). */
bool hl_lang_same_primary(const char *a, const char *b);

#endif
