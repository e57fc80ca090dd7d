/* httphead.c - is a parsed HTTP request head what the client sent? */
#include <string.h>

#include "httphead.h"

/* Steps over the string s expected at b + *at and the nuls 0 bytes that
 * were written over what followed it; false if anything else is there. */
static bool step(const char *b, size_t n, size_t *at, const char *s, size_t nuls)
{
	size_t len;

	if (s != b + *at)
		return false;
	len = strnlen(s, n - *at);
	if (len > n - *at || nuls > n - *at - len)
		return false;
	*at += len;
	for (size_t i = 0; i < nuls; i++)
		if (b[(*at)++] != 0)
			return false;
	return true;
}

static void skip_blanks(const char *b, size_t n, size_t *at)
{
	while (*at < n && (b[*at] == ' ' || b[*at] == '\t'))
		(*at)++;
}

static bool inside(const struct hl_http_head *h, const char *p)
{
	return p && p >= h->block && p < h->block + h->n;
}

static bool laid_out(const struct hl_http_head *h)
{
	if (!h->block || h->n < 4 || !inside(h, h->url) || !inside(h, h->version) ||
	    h->url <= h->block || h->version <= h->url)
		return false;
	for (size_t i = 0; i < h->nfields; i++)
		if (!inside(h, h->key[i]) || !inside(h, h->value[i]) ||
		    h->key[i] <= h->version || h->value[i] < h->key[i])
			return false;
	return true;
}

/* The request line: all of it, or with a query only its end (one 0
 * before the version, after something). */
static bool request_line(const struct hl_http_head *h, size_t *at)
{
	const char *b = h->block;

	if (h->query) {
		*at = (size_t)(h->version - b);
		return b[*at - 1] == 0 && b[*at - 2] != 0 && step(b, h->n, at, h->version, 2);
	}
	if (!step(b, h->n, at, b, 1))
		return false;
	skip_blanks(b, h->n, at);
	return step(b, h->n, at, h->url, 1) && step(b, h->n, at, h->version, 2);
}

bool hl_http_head_intact(const struct hl_http_head *h)
{
	size_t at = 0;

	if (!laid_out(h))
		return true;
	if (!request_line(h, &at))
		return false;
	for (size_t i = 0; i < h->nfields; i++) {
		if (!step(h->block, h->n, &at, h->key[i], 1))
			return false;
		skip_blanks(h->block, h->n, &at);
		if (!step(h->block, h->n, &at, h->value[i], 2))
			return false;
	}
	return at + 2 == h->n && h->block[at] == 0 && h->block[at + 1] == 0;
}
