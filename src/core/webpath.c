/* webpath.c - which console file a request's path names (webpath.h). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "webpath.h"

static const struct {
	const char *ext, *type;
} types[] = {
	{"html", "text/html; charset=utf-8"},
	{"js", "text/javascript; charset=utf-8"},
	{"css", "text/css; charset=utf-8"},
	{"json", "application/json"},
	{"svg", "image/svg+xml"},
	{"png", "image/png"},
	{"ico", "image/x-icon"},
};

/* What /lib/ serves: Debian's minified files, as the packages ship
 * them (console.lib is /usr/share/javascript by default). */
static const struct {
	const char *url, *rel, *package;
} libs[] = {
	{"/lib/chart.js", "chart.js/chart.min.js", "libjs-chart.js"},
	{"/lib/d3.js", "d3/d3.min.js", "libjs-d3"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool allowed(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
	       ch == '_' || ch == '-';
}

/* The Content-Type for the last segment s[0..n), by its extension. */
static const char *type_of(const char *s, size_t n)
{
	const char *dot = NULL;

	for (size_t i = 0; i < n; i++)
		if (s[i] == '.')
			dot = s + i;
	if (!dot)
		return NULL;
	for (size_t i = 0; i < N(types); i++)
		if (strlen(types[i].ext) == (size_t)(s + n - dot - 1) &&
		    memcmp(dot + 1, types[i].ext, strlen(types[i].ext)) == 0)
			return types[i].type;
	return NULL;
}

/* rel[0..n): segments of allowed bytes, each non-empty and not starting
 * with '.'; the type of the last one, or NULL. */
static const char *segments(const char *rel, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && rel[i] != '/') {
			if (!allowed(rel[i]) || (i == start && rel[i] == '.'))
				return NULL;
			continue;
		}
		if (i == start)
			return NULL;	/* empty: "//", or a '/' at either end */
		if (i == n)
			return type_of(rel + start, n - start);
		start = i + 1;
	}
	return NULL;
}

static int lib_parse(const char *url, size_t n, struct hl_webpath *out)
{
	for (size_t i = 0; i < N(libs); i++)
		if (strlen(libs[i].url) == n && memcmp(url, libs[i].url, n) == 0) {
			out->base = HL_WEBPATH_LIB;
			memcpy(out->rel, libs[i].rel, strlen(libs[i].rel) + 1);
			out->type = type_of(libs[i].rel, strlen(libs[i].rel));
			out->package = libs[i].package;
			return 0;
		}
	return -ENOENT;
}

int hl_webpath_parse(const char *url, size_t n, struct hl_webpath *out)
{
	static const char home[] = "/index.html";
	const char *type;

	memset(out, 0, sizeof(*out));
	if (n == 0 || url[0] != '/')
		return -ENOENT;
	if (n >= 5 && memcmp(url, "/lib/", 5) == 0)
		return lib_parse(url, n, out);
	if (n == 1) {
		url = home;
		n = sizeof(home) - 1;
	}
	if (n - 1 > HL_WEBPATH_MAX)
		return -ENOENT;
	type = segments(url + 1, n - 1);
	if (!type)
		return -ENOENT;
	out->base = HL_WEBPATH_ROOT;
	memcpy(out->rel, url + 1, n - 1);
	out->rel[n - 1] = 0;
	out->type = type;
	return 0;
}
