/* webpath.h - which console file a request's path names, if any.
 *
 * The HTTPS door serves the console's files (docs/api.md, "The
 * console's files") from two folders: console.root, the pages, and
 * console.lib, Debian's libjs-* packages.  hl_webpath_parse() is the
 * one rule for what a path may name: "/" is index.html; "/lib/NAME" is
 * one entry of a fixed table; any other path is made of [a-z0-9._-]
 * segments separated by single '/', none starting with '.', at most
 * HL_WEBPATH_MAX bytes, ending in a known extension (which gives the
 * Content-Type).  So "..", "//", a backslash, a NUL, an escape, a dot
 * file, a folder ("/pages/") and upper case never name a file.  Pure,
 * for the daemon's console.c and the fuzzer.
 */
#ifndef HL_WEBPATH_H
#define HL_WEBPATH_H

#include <stddef.h>

#define HL_WEBPATH_MAX 200

enum hl_webpath_base {
	HL_WEBPATH_ROOT,	/* relative to console.root */
	HL_WEBPATH_LIB,		/* relative to console.lib */
};

struct hl_webpath {
	enum hl_webpath_base base;
	char rel[HL_WEBPATH_MAX + 1];	/* no leading '/', NUL-terminated */
	const char *type;		/* the Content-Type to answer with */
	const char *package;		/* LIB: the Debian package that ships it */
};

/* The n bytes of url (the request target's path, as sent, without its
 * query): 0 with *out filled, or -ENOENT when it names no console file. */
int hl_webpath_parse(const char *url, size_t n, struct hl_webpath *out);

#endif
