/* taxiiq.c - a TAXII 2.1 request's path, query and headers (taxiiq.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "taxiiq.h"
#include "text.h"

#define LIST_MAX 1000		/* values in one match[...] at most */

bool hl_taxii_owns(const char *path)
{
	return strncmp(path, "/taxii2/", 8) == 0 || strcmp(path, "/taxii2") == 0;
}

static bool seg_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
	       c == '_' || c == '~';
}

/* The next segment of *p into out; false when none, or a bad one. */
static bool segment(const char **p, char out[HL_TAXII_SEG_MAX + 1])
{
	size_t n = 0;

	while ((*p)[n] && (*p)[n] != '/') {
		if (!seg_char((*p)[n]) || n == HL_TAXII_SEG_MAX)
			return false;
		n++;
	}
	if (n == 0 || (n == 1 && **p == '.') || (n == 2 && !strncmp(*p, "..", 2)))
		return false;
	memcpy(out, *p, n);
	out[n] = 0;
	*p += n;
	if (**p == '/')
		(*p)++;
	return true;
}

/* The resources under a collection: objects/, manifest/, objects/ID/,
 * objects/ID/versions/. */
static int below_collection(const char *p, struct hl_taxii_path *out)
{
	char word[HL_TAXII_SEG_MAX + 1];

	out->res = HL_TAXII_COLLECTION;
	if (!*p)
		return 0;
	if (!segment(&p, word))
		return -ENOENT;
	if (strcmp(word, "manifest") == 0) {
		out->res = HL_TAXII_MANIFEST;
		return *p ? -ENOENT : 0;
	}
	if (strcmp(word, "objects") != 0)
		return -ENOENT;
	out->res = HL_TAXII_OBJECTS;
	if (!*p)
		return 0;
	if (!segment(&p, out->object))
		return -ENOENT;
	out->res = HL_TAXII_OBJECT;
	if (!*p)
		return 0;
	if (!segment(&p, word) || strcmp(word, "versions") != 0 || *p)
		return -ENOENT;
	out->res = HL_TAXII_VERSIONS;
	return 0;
}

int hl_taxii_path_parse(const char *path, struct hl_taxii_path *out)
{
	const char *p = path + 7;
	char word[HL_TAXII_SEG_MAX + 1];

	memset(out, 0, sizeof(*out));
	if (!hl_taxii_owns(path))
		return -ENOENT;
	if (*p == '/')
		p++;
	out->res = HL_TAXII_DISCOVERY;
	if (!*p)
		return 0;
	if (!segment(&p, out->root))
		return -ENOENT;
	out->res = HL_TAXII_ROOT;
	if (!*p)
		return 0;
	if (!segment(&p, word) || strcmp(word, "collections") != 0)
		return -ENOENT;
	out->res = HL_TAXII_COLLECTIONS;
	if (!*p)
		return 0;
	if (!segment(&p, out->coll))
		return -ENOENT;
	return below_collection(p, out);
}

unsigned hl_taxii_params(enum hl_taxii_res res)
{
	unsigned page = HL_TAXII_P_ADDED_AFTER | HL_TAXII_P_LIMIT | HL_TAXII_P_NEXT;

	switch (res) {
	case HL_TAXII_OBJECTS:
	case HL_TAXII_MANIFEST:
		return page | HL_TAXII_P_ID | HL_TAXII_P_TYPE | HL_TAXII_P_VERSION |
		       HL_TAXII_P_SPEC;
	case HL_TAXII_OBJECT:
		return page | HL_TAXII_P_VERSION | HL_TAXII_P_SPEC;
	case HL_TAXII_VERSIONS:
		return page | HL_TAXII_P_SPEC;
	default:
		return 0;
	}
}

void hl_taxii_filter_init(struct hl_taxii_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->added_after = -1;
	f->limit = HL_TAXII_PAGE_MAX;
	f->versions = HL_TAXII_V_LAST;
}

void hl_taxii_filter_free(struct hl_taxii_filter *f)
{
	json_decref(f->ids);
	json_decref(f->types);
	json_decref(f->specs);
	json_decref(f->version_list);
	f->ids = f->types = f->specs = f->version_list = NULL;
}

static unsigned digits(const char *s, size_t n)
{
	unsigned v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return v;
}

int hl_taxii_time_parse(const char *s, size_t n, int64_t *us)
{
	char whole[HL_TIME_LEN + 1];
	size_t frac = 0;
	int64_t t;

	if (n < HL_TIME_LEN || s[n - 1] != 'Z' || memchr(s, 0, n))
		return -EINVAL;
	if (n > HL_TIME_LEN) {
		frac = n - HL_TIME_LEN - 1;	/* the digits after the '.' */
		if (s[19] != '.' || frac < 1 || frac > 9)
			return -EINVAL;
		for (size_t i = 20; i < n - 1; i++)
			if (s[i] < '0' || s[i] > '9')
				return -EINVAL;
	}
	memcpy(whole, s, 19);
	whole[19] = 'Z';
	if (hl_time_parse(whole, HL_TIME_LEN, &t) < 0)
		return -EINVAL;
	*us = t * 1000000;
	if (frac) {
		size_t m = frac < 6 ? frac : 6;
		unsigned v = digits(s + 20, m);

		for (size_t i = m; i < 6; i++)
			v *= 10;
		*us += v;
	}
	return 0;
}

bool hl_taxii_time_format(int64_t us, char out[HL_TAXII_TIME_LEN + 1])
{
	char t[HL_TIME_LEN + 1];

	if (us < 0 || !hl_time_format(us / 1000000, t)) {
		snprintf(out, HL_TAXII_TIME_LEN + 1, "%s", "1970-01-01T00:00:00.000000Z");
		return false;
	}
	snprintf(out, HL_TAXII_TIME_LEN + 1, "%.19s.%06lldZ", t, (long long)(us % 1000000));
	return true;
}

static bool type_ok(const char *s, size_t n)
{
	if (n < 1 || n > 250)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* A STIX id: TYPE--UUID, the UUID in lower-case hex with dashes. */
static bool id_ok(const char *s, size_t n)
{
	const char *dd = n > 38 ? s + n - 38 : NULL;

	if (!dd || dd[0] != '-' || dd[1] != '-' || !type_ok(s, (size_t)(dd - s)))
		return false;
	for (size_t i = 0; i < 36; i++) {
		char c = dd[2 + i];
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return true;
}

static bool spec_ok(const char *s, size_t n)
{
	if (n < 1 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
			return false;
	return true;
}

/* Splits a comma-separated value into a new array of its items, each
 * checked by ok; NULL when an item is empty or refused. */
static json_t *split(const char *v, bool (*ok)(const char *, size_t))
{
	json_t *a = json_array();

	for (const char *p = v; a;) {
		size_t n = strcspn(p, ",");

		if (!ok(p, n) || json_array_size(a) == LIST_MAX ||
		    json_array_append_new(a, json_stringn(p, n)) < 0) {
			json_decref(a);
			return NULL;
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	return a;
}

static int fail(char *why, size_t cap, const char *what, const char *key)
{
	snprintf(why, cap, "%s: %s", key, what);
	return -EINVAL;
}

/* match[version]: first, last, all, or timestamps; all outdoes the
 * rest; first or last only alone. */
static int versions(struct hl_taxii_filter *f, const char *v, char *why, size_t cap)
{
	json_t *list = json_array();
	bool all = false, word = false;

	for (const char *p = v; list;) {
		size_t n = strcspn(p, ",");
		int64_t us;

		if (n == 3 && !strncmp(p, "all", 3)) {
			all = true;
		} else if ((n == 4 && !strncmp(p, "last", 4)) || (n == 5 && !strncmp(p, "first", 5))) {
			f->versions = n == 4 ? HL_TAXII_V_LAST : HL_TAXII_V_FIRST;
			word = true;
		} else if (hl_taxii_time_parse(p, n, &us) < 0 || json_array_size(list) == LIST_MAX) {
			json_decref(list);
			return fail(why, cap, "not first, last, all or a timestamp", "match[version]");
		} else {
			json_array_append_new(list, json_integer(us));
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	if (!all && word && (json_array_size(list) || strchr(v, ','))) {
		json_decref(list);
		return fail(why, cap, "first or last only alone (or with all)", "match[version]");
	}
	if (all)
		f->versions = HL_TAXII_V_ALL;
	else if (!word)
		f->versions = HL_TAXII_V_LIST;
	if (f->versions == HL_TAXII_V_LIST)
		f->version_list = list;
	else
		json_decref(list);
	return 0;
}

static int limit(struct hl_taxii_filter *f, const char *v, char *why, size_t cap)
{
	size_t n = strlen(v), i = 0;
	uint64_t x;

	while (i < n && v[i] >= '0' && v[i] <= '9')
		i++;
	if (n == 0 || i != n)
		return fail(why, cap, "not a whole number", "limit");
	while (n > 1 && *v == '0') {
		v++;
		n--;
	}
	if (n > 19 || hl_parse_u64(v, n, UINT64_MAX, &x) < 0)
		x = UINT64_MAX;		/* a number past any page */
	if (x == 0)
		return fail(why, cap, "must be 1 or more", "limit");
	f->limit = x > HL_TAXII_PAGE_MAX ? HL_TAXII_PAGE_MAX : (size_t)x;
	return 0;
}

static int next(struct hl_taxii_filter *f, const char *v, char *why, size_t cap)
{
	size_t n = strlen(v);

	if (n != HL_TAXII_NEXT_LEN)
		return fail(why, cap, "not a token this server gave", "next");
	for (size_t i = 0; i < n; i++)
		if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
		      (v[i] >= '0' && v[i] <= '9') || v[i] == '-' || v[i] == '_'))
			return fail(why, cap, "not a token this server gave", "next");
	memcpy(f->next, v, n + 1);
	return 0;
}

static const struct {
	const char *key;
	unsigned bit;
} params[] = {
	{"added_after", HL_TAXII_P_ADDED_AFTER}, {"limit", HL_TAXII_P_LIMIT},
	{"next", HL_TAXII_P_NEXT}, {"match[id]", HL_TAXII_P_ID},
	{"match[type]", HL_TAXII_P_TYPE}, {"match[version]", HL_TAXII_P_VERSION},
	{"match[spec_version]", HL_TAXII_P_SPEC},
};

static unsigned param_bit(const char *key)
{
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++)
		if (strcmp(params[i].key, key) == 0)
			return params[i].bit;
	return 0;
}

/* Parses the value of the parameter of bit. */
static int value(struct hl_taxii_filter *f, unsigned bit, const char *key, const char *v,
		 char *why, size_t cap)
{
	json_t **list = bit == HL_TAXII_P_ID ? &f->ids : bit == HL_TAXII_P_TYPE ? &f->types :
			&f->specs;

	switch (bit) {
	case HL_TAXII_P_ADDED_AFTER:
		if (hl_taxii_time_parse(v, strlen(v), &f->added_after) < 0)
			return fail(why, cap, "not a timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z)", key);
		return 0;
	case HL_TAXII_P_LIMIT:
		return limit(f, v, why, cap);
	case HL_TAXII_P_NEXT:
		return next(f, v, why, cap);
	case HL_TAXII_P_VERSION:
		return versions(f, v, why, cap);
	default:
		*list = split(v, bit == HL_TAXII_P_ID ? id_ok : bit == HL_TAXII_P_TYPE ?
			      type_ok : spec_ok);
		return *list ? 0 : fail(why, cap, bit == HL_TAXII_P_ID ? "not STIX ids" :
					bit == HL_TAXII_P_TYPE ? "not STIX types" :
					"not spec versions", key);
	}
}

int hl_taxii_arg(struct hl_taxii_filter *f, unsigned allow, const char *key,
		 const char *v, char *why, size_t cap)
{
	unsigned bit = param_bit(key);

	if (!bit || !(allow & bit)) {
		snprintf(why, cap, "%.64s: no such parameter here", key);
		return -EINVAL;
	}
	if (f->seen & bit)
		return fail(why, cap, "given twice", key);
	f->seen |= bit;
	return value(f, bit, key, v ? v : "", why, cap);
}

/* The MAC of a next token. */
static void next_mac(const unsigned char key[32], const char *scope,
		     const unsigned char id[8], unsigned char mac[24])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, key, 32, 24);
	crypto_generichash_update(&h, (const unsigned char *)scope, strlen(scope) + 1);
	crypto_generichash_update(&h, id, 8);
	crypto_generichash_final(&h, mac, 24);
}

void hl_taxii_next_make(const unsigned char key[32], const char *scope, int64_t id,
			char out[HL_TAXII_NEXT_LEN + 1])
{
	unsigned char raw[32];

	for (int i = 0; i < 8; i++)
		raw[i] = (unsigned char)((uint64_t)id >> (56 - 8 * i));
	next_mac(key, scope, raw, raw + 8);
	sodium_bin2base64(out, HL_TAXII_NEXT_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int hl_taxii_next_read(const unsigned char key[32], const char *scope, const char *s,
		       int64_t *id)
{
	unsigned char raw[32], mac[24];
	size_t n = 0;
	uint64_t v = 0;

	if (strlen(s) != HL_TAXII_NEXT_LEN ||
	    sodium_base642bin(raw, sizeof(raw), s, HL_TAXII_NEXT_LEN, NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n != sizeof(raw))
		return -EINVAL;
	next_mac(key, scope, raw, mac);
	if (sodium_memcmp(mac, raw + 8, sizeof(mac)) != 0)
		return -EINVAL;
	for (int i = 0; i < 8; i++)
		v = v << 8 | raw[i];
	if (v > INT64_MAX)
		return -EINVAL;
	*id = (int64_t)v;
	return 0;
}

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static int basic(const char *b64, char *user, size_t ucap, char *secret, size_t scap)
{
	unsigned char raw[HL_TAXII_SECRET_MAX + 128];
	size_t n = 0, len = strlen(b64), u;
	const char *colon;
	int r = -EINVAL;

	if (!len || !hl_b64_alphabet(b64, len) ||
	    sodium_base642bin(raw, sizeof(raw) - 1, b64, len, NULL, &n, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		goto out;
	raw[n] = 0;
	colon = memchr(raw, ':', n);
	u = colon ? (size_t)(colon - (const char *)raw) : 0;
	if (!colon || memchr(raw, 0, n) || !printable((const char *)raw, n) || u >= ucap ||
	    n - u - 1 >= scap)
		goto out;
	memcpy(user, raw, u);
	user[u] = 0;
	memcpy(secret, colon + 1, n - u - 1);
	secret[n - u - 1] = 0;
	r = 0;
out:
	sodium_memzero(raw, sizeof(raw));
	return r;
}

int hl_taxii_auth_parse(const char *h, char *user, size_t ucap, char *secret, size_t scap)
{
	size_t n;

	if (ucap)
		user[0] = 0;
	if (!h || !ucap || !scap)
		return -EINVAL;
	if (!strncasecmp(h, "Basic ", 6))
		return basic(h + 6 + strspn(h + 6, " "), user, ucap, secret, scap);
	if (strncasecmp(h, "Bearer ", 7) != 0)
		return -EINVAL;
	h += 7 + strspn(h + 7, " ");
	n = strlen(h);
	if (!n || n >= scap || !printable(h, n) || strchr(h, ' '))
		return -EINVAL;
	memcpy(secret, h, n + 1);
	return 0;
}

/* s[0..n) with the spaces and tabs about it dropped. */
static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

static bool is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && strncasecmp(s, word, n) == 0;
}

/* A parameter of a media range: false for version other than 2.1, or
 * a q of 0. */
static bool param_ok(const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n);
	size_t k = eq ? (size_t)(eq - s) : n, vn = eq ? n - k - 1 : 0;
	const char *v = eq ? eq + 1 : "";

	trim(&s, &k);
	trim(&v, &vn);
	if (is(s, k, "version"))
		return is(v, vn, "2.1") || is(v, vn, "\"2.1\"");
	if (is(s, k, "q")) {
		for (size_t i = 0; i < vn; i++)
			if (v[i] >= '1' && v[i] <= '9')
				return true;
		return false;
	}
	return true;
}

static bool range_ok(const char *s, size_t n)
{
	size_t t = 0;

	while (t < n && s[t] != ';')
		t++;
	{
		const char *m = s;
		size_t mn = t;

		trim(&m, &mn);
		if (!is(m, mn, "*/*") && !is(m, mn, "application/*") &&
		    !is(m, mn, "application/taxii+json"))
			return false;
	}
	while (t < n) {
		size_t p = ++t;

		while (t < n && s[t] != ';')
			t++;
		if (!param_ok(s + p, t - p))
			return false;
	}
	return true;
}

bool hl_taxii_accept_ok(const char *accept)
{
	const char *p = accept;

	if (!accept)
		return true;
	for (;;) {
		size_t n = strcspn(p, ",");

		if (range_ok(p, n))
			return true;
		if (!p[n])
			return false;
		p += n + 1;
	}
}

void hl_taxii_uuid(const char *a, const char *b, const char *c, char out[37])
{
	static const char tag[] = "hotline collection";
	crypto_hash_sha256_state h;
	unsigned char d[32];
	char hex[33];

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)tag, sizeof(tag));
	crypto_hash_sha256_update(&h, (const unsigned char *)a, strlen(a) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)b, strlen(b) + 1);
	crypto_hash_sha256_update(&h, (const unsigned char *)c, strlen(c) + 1);
	crypto_hash_sha256_final(&h, d);
	d[6] = (unsigned char)((d[6] & 0x0f) | 0x40);
	d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
	sodium_bin2hex(hex, sizeof(hex), d, 16);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}
