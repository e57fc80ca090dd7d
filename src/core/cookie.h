/* cookie.h - one cookie's value out of a Cookie request header.
 *
 * RFC 6265 section 5.4: the header is "name=value" pairs joined by
 * "; ".  Pure, for the HTTPS door's sessions (daemon/session.c) and
 * the fuzzer.
 */
#ifndef HL_COOKIE_H
#define HL_COOKIE_H

#include <stdbool.h>
#include <stddef.h>

/* Finds cookie name in the n bytes of header h: true, with *val and
 * *vlen the value's span inside h (quotes around it dropped), when
 * the name is there exactly once; false when it is absent, given twice
 * (which value would the browser mean?) or the header has a control
 * byte. */
bool hl_cookie_find(const char *h, size_t n, const char *name, const char **val,
		    size_t *vlen);

#endif
