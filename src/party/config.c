/* config.c - parse and write hotline.conf. */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "error.h"
#include "text.h"

enum { K_NAME, K_ENDPOINT, K_LISTEN, K_COUNT };
static const char *const keys[K_COUNT] = {"name", "endpoint", "listen"};

void hl_config_defaults(struct hl_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "%s", HL_DEFAULT_LISTEN);
}

int hl_listen_check(const char *s)
{
	const char *colon = strrchr(s, ':');
	uint64_t port;

	if (!colon || colon == s || strlen(s) > HL_LISTEN_MAX)
		return -HL_ECONFIG;
	if (hl_parse_u64(colon + 1, strlen(colon + 1), 65535, &port) < 0 || port == 0)
		return -HL_ECONFIG;
	return 0;
}

static size_t trim(const char **s, size_t n)
{
	while (n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		n--;
	}
	while (n && ((*s)[n - 1] == ' ' || (*s)[n - 1] == '\t' || (*s)[n - 1] == '\r'))
		n--;
	return n;
}

static int fail(struct hl_config *c, unsigned line, const char *what)
{
	c->err_line = line;
	snprintf(c->err, sizeof(c->err), "%s", what);
	return -HL_ECONFIG;
}

static int set(struct hl_config *c, int k, const char *v, size_t n, unsigned line)
{
	char *dst = k == K_NAME ? c->name : k == K_ENDPOINT ? c->endpoint : c->listen;
	size_t cap = k == K_NAME ? sizeof(c->name) :
		     k == K_ENDPOINT ? sizeof(c->endpoint) : sizeof(c->listen);

	if (n >= cap)
		return fail(c, line, "value too long");
	memcpy(dst, v, n);
	dst[n] = 0;
	if (k == K_NAME && !hl_name_valid(v, n))
		return fail(c, line, "name: use 1-63 of a-z, 0-9, '.', '-'");
	if (k == K_ENDPOINT && strcmp(dst, "none") == 0)
		dst[0] = 0;
	if (k == K_ENDPOINT && hl_endpoint_check(dst) < 0)
		return fail(c, line, "endpoint: want https://host:port or none");
	if (k == K_LISTEN && hl_listen_check(dst) < 0)
		return fail(c, line, "listen: want host:port");
	return 0;
}

static int parse_line(struct hl_config *c, const char *s, size_t n,
		      unsigned line, unsigned *seen)
{
	const char *eq = memchr(s, '=', n), *v;
	size_t klen, vlen;

	n = trim(&s, n);
	if (n == 0 || s[0] == '#')
		return 0;
	if (!eq)
		return fail(c, line, "expected 'key = value'");
	klen = trim(&s, (size_t)(eq - s));
	v = eq + 1;
	vlen = trim(&v, n - (size_t)(v - s));
	for (int k = 0; k < K_COUNT; k++) {
		if (strlen(keys[k]) != klen || memcmp(s, keys[k], klen) != 0)
			continue;
		if (*seen & (1u << k))
			return fail(c, line, "key given twice");
		*seen |= 1u << k;
		return set(c, k, v, vlen, line);
	}
	return fail(c, line, "unknown key");
}

int hl_config_parse(const char *text, size_t n, struct hl_config *c)
{
	unsigned line = 0, seen = 0;
	const char *p = text, *end = text + n;

	hl_config_defaults(c);
	if (n > HL_CONFIG_MAX)
		return fail(c, 0, "file too large");
	if (!hl_utf8_valid((const unsigned char *)text, n) || memchr(text, 0, n))
		return fail(c, 0, "not UTF-8 text");
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		int r = parse_line(c, p, len, ++line, &seen);

		if (r < 0)
			return r;
		p += len + (nl != NULL);
	}
	if (!(seen & (1u << K_NAME)))
		return fail(c, 0, "missing 'name'");
	return 0;
}

int hl_config_format(const struct hl_config *c, struct hl_buf *out)
{
	return hl_buf_printf(out,
		"# Hotline party configuration (see 'hotline help init').\n"
		"\n"
		"# This party's name, as on its card.\n"
		"name = %s\n"
		"\n"
		"# Where peers reach this party's hotlined, printed on the card;\n"
		"# 'none' for a party that peers cannot reach (they are pulled from).\n"
		"endpoint = %s\n"
		"\n"
		"# Address the peer server listens on.\n"
		"listen = %s\n",
		c->name, c->endpoint[0] ? c->endpoint : "none", c->listen);
}
