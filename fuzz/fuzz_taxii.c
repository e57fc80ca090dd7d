/* fuzz_taxii.c - libFuzzer target for what a stranger sends the TAXII
 * door (core/taxiiq.h): the path, the Authorization and Accept headers,
 * the query parameters and the next token.
 *
 * The input, cut at its first NUL byte, is read as lines: the first a
 * path, the second an Authorization header, the third an Accept header,
 * the rest query parameters KEY=VALUE for a resource taking them all.
 * The whole input is also read as a next token and as a timestamp.
 * What parses must hold its promises: limits within the page, a token
 * read back made again the same, a timestamp spelt back read the same.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "taxiiq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9};

/* The next line of *p (cut in place), or NULL at the end. */
static char *line(char **p)
{
	char *s = *p, *nl;

	if (!s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = 0;
		*p = nl + 1;
	} else {
		*p = NULL;
	}
	return s;
}

static void path(const char *s)
{
	struct hl_taxii_path t;

	if (hl_taxii_path_parse(s, &t) < 0)
		return;
	assert(hl_taxii_owns(s));
	assert(strlen(t.root) <= HL_TAXII_SEG_MAX && strcmp(t.root, "..") != 0);
	assert(!strchr(t.coll, '/') && !strchr(t.object, '%'));
	assert(t.res != HL_TAXII_OBJECT || t.object[0]);
}

static void headers(const char *auth, const char *accept)
{
	char user[64], secret[HL_TAXII_SECRET_MAX + 1];

	if (auth && hl_taxii_auth_parse(auth, user, sizeof(user), secret, sizeof(secret)) == 0)
		assert(strlen(user) < sizeof(user) && strlen(secret) < sizeof(secret));
	if (accept)
		(void)hl_taxii_accept_ok(accept);
}

static void query(char *rest)
{
	struct hl_taxii_filter f;
	char why[256], *kv;
	unsigned all = hl_taxii_params(HL_TAXII_OBJECTS);

	hl_taxii_filter_init(&f);
	while ((kv = line(&rest))) {
		char *eq = strchr(kv, '=');

		if (eq)
			*eq = 0;
		if (hl_taxii_arg(&f, all, kv, eq ? eq + 1 : NULL, why, sizeof(why)) < 0)
			assert(why[0]);
	}
	assert(f.limit >= 1 && f.limit <= HL_TAXII_PAGE_MAX);
	assert(!f.next[0] || strlen(f.next) == HL_TAXII_NEXT_LEN);
	assert(f.versions != HL_TAXII_V_LIST || json_is_array(f.version_list));
	hl_taxii_filter_free(&f);
}

static void token_and_time(const char *s)
{
	char made[HL_TAXII_NEXT_LEN + 1], t[HL_TAXII_TIME_LEN + 1];
	int64_t id, us, back;

	if (hl_taxii_next_read(key, "scope", s, &id) == 0) {
		hl_taxii_next_make(key, "scope", id, made);
		assert(strcmp(made, s) == 0);
		assert(hl_taxii_next_read(key, "other", s, &id) < 0);
	}
	if (hl_taxii_time_parse(s, strlen(s), &us) == 0 && hl_taxii_time_format(us, t)) {
		assert(hl_taxii_time_parse(t, strlen(t), &back) == 0 && back == us);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *whole = malloc(size + 1), *p;
	char *first, *auth, *accept;

	if (!s || !whole)
		goto out;
	memcpy(s, data, size);
	s[size] = 0;
	memcpy(whole, s, size + 1);
	token_and_time(whole);
	p = s;
	first = line(&p);
	auth = line(&p);
	accept = line(&p);
	if (first)
		path(first);
	headers(auth, accept);
	query(p);
out:
	free(s);
	free(whole);
	return 0;
}
