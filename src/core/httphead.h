/* httphead.h - is a parsed HTTP request head what the client sent?
 *
 * libmicrohttpd 0.9.75 parses a request head in place: it writes a 0
 * over the space after the method and the one before the version, over
 * each field's colon and over each CR LF, and hands out the pieces as C
 * strings.  A NUL byte that the client sent inside a piece silently
 * shortens it.  This module checks, from the head's bytes as left and
 * the strings handed out, that every byte is where those strings and
 * their separators put it; pure, for the daemon's http.c and the fuzzer.
 */
#ifndef HL_HTTPHEAD_H
#define HL_HTTPHEAD_H

#include <stdbool.h>
#include <stddef.h>

struct hl_http_head {
	const char *block;		/* the method's first byte */
	size_t n;			/* bytes in the head, blank line included */
	const char *url, *version;
	const char *const *key, *const *value;	/* the fields, in order */
	size_t nfields;
	bool query;	/* the target has a query: checked at its end only */
};

/* True when the head is laid out exactly as
 *     method 0 [blanks] target 0 version 0 0
 *     { name 0 [blanks] value 0 0 } 0 0
 * with every string where its pointer says; false when a byte is not
 * (a NUL or a bare CR or LF the client sent).  When a pointer lies
 * outside the block the layout is not libmicrohttpd 0.9.75's, nothing
 * can be said, and the answer is true. */
bool hl_http_head_intact(const struct hl_http_head *h);

#endif
