/* fuzz_webpath.c - libFuzzer target for hl_webpath_parse.
 *
 * The input, exactly as long as it is, is a request's path.  A path
 * that names a file names it inside its folder: the relative path is
 * short, of [a-z0-9._-] and '/', with no empty segment and none that
 * starts with '.' (so no "..", no "//", no '/' at either end); under
 * console.root it is the path itself without its '/' (or index.html
 * for "/"), and parses back to the same answer; under console.lib it
 * comes from the table, for a path under /lib/.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "webpath.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_rel(const char *rel)
{
	size_t n = strnlen(rel, HL_WEBPATH_MAX + 1);

	assert(n > 0 && n <= HL_WEBPATH_MAX);
	assert(rel[0] != '/' && rel[n - 1] != '/' && rel[0] != '.');
	assert(!strstr(rel, "//") && !strstr(rel, "/."));
	for (size_t i = 0; i < n; i++)
		assert((rel[i] >= 'a' && rel[i] <= 'z') || (rel[i] >= '0' && rel[i] <= '9') ||
		       rel[i] == '.' || rel[i] == '_' || rel[i] == '-' || rel[i] == '/');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *url = malloc(size ? size : 1), again[HL_WEBPATH_MAX + 2];
	struct hl_webpath w, w2;

	if (!url)
		return 0;
	memcpy(url, data, size);
	if (hl_webpath_parse(url, size, &w) == 0) {
		assert(w.type);
		check_rel(w.rel);
		if (w.base == HL_WEBPATH_LIB) {
			assert(size > 5 && memcmp(url, "/lib/", 5) == 0 && w.package);
		} else {
			assert(!w.package);
			assert(size == 1 ? strcmp(w.rel, "index.html") == 0 :
			       strlen(w.rel) == size - 1 && memcmp(w.rel, url + 1, size - 1) == 0);
			again[0] = '/';
			memcpy(again + 1, w.rel, strlen(w.rel) + 1);
			assert(hl_webpath_parse(again, strlen(again), &w2) == 0);
			assert(w2.base == w.base && strcmp(w2.rel, w.rel) == 0 && w2.type == w.type);
		}
	}
	free(url);
	return 0;
}
