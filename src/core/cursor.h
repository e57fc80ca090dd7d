/* cursor.h - a listing's cursor: the key of the last item a page gave,
 * as lower-case hex so it travels in a query string untouched and reads
 * as opaque (docs/api.md).  Keys are text without NUL bytes.  Pure. */
#ifndef HL_CURSOR_H
#define HL_CURSOR_H

#include <stdbool.h>
#include <stddef.h>

/* The cursor of key into out (2 * strlen(key) + 1 bytes); false when it
 * does not fit in cap. */
bool hl_cursor_encode(const char *key, char *out, size_t cap);

/* The key of cursor s into out, NUL-ended; false when s is not even
 * lower-case hex, is empty, names a NUL byte, or does not fit in cap. */
bool hl_cursor_decode(const char *s, char *out, size_t cap);

#endif
