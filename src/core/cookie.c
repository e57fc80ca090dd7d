/* cookie.c - one cookie's value out of a Cookie header (see cookie.h). */
#include <string.h>

#include "cookie.h"

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* The pair in [p, end) with its blanks trimmed: name before the first
 * '=', value after it; false for a pair without '='. */
static bool pair(const char *p, const char *end, const char **name, size_t *nlen,
		 const char **val, size_t *vlen)
{
	const char *eq;

	while (p < end && blank(*p))
		p++;
	while (end > p && blank(end[-1]))
		end--;
	eq = memchr(p, '=', (size_t)(end - p));
	if (!eq)
		return false;
	*name = p;
	*nlen = (size_t)(eq - p);
	while (*nlen && blank(p[*nlen - 1]))
		(*nlen)--;
	p = eq + 1;
	while (p < end && blank(*p))
		p++;
	if (end - p >= 2 && *p == '"' && end[-1] == '"') {
		p++;
		end--;
	}
	*val = p;
	*vlen = (size_t)(end - p);
	return true;
}

bool hl_cookie_find(const char *h, size_t n, const char *name, const char **val,
		    size_t *vlen)
{
	const char *p = h, *end = h + n;
	size_t want = strlen(name);
	unsigned found = 0;

	for (size_t i = 0; i < n; i++)
		if ((unsigned char)h[i] < 0x20 && h[i] != '\t')
			return false;
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;
		const char *k, *v;
		size_t klen, len;

		if (pair(p, stop, &k, &klen, &v, &len) && klen == want &&
		    memcmp(k, name, want) == 0) {
			*val = v;
			*vlen = len;
			found++;
		}
		p = semi ? semi + 1 : end;
	}
	return found == 1;
}
