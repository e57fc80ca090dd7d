/* lang.c - RFC 5646 well-formedness of BCP 47 language tags. */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "lang.h"

static const char *const grandfathered[] = {
	"en-GB-oed", "i-ami", "i-bnn", "i-default", "i-enochian", "i-hak",
	"i-klingon", "i-lux", "i-mingo", "i-navajo", "i-pwn", "i-tao", "i-tay",
	"i-tsu", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE", "art-lojban",
	"cel-gaulish", "no-bok", "no-nyn", "zh-guoyu", "zh-hakka", "zh-min",
	"zh-min-nan", "zh-xiang",
};

struct subtag {
	const char *p;
	size_t n;
};

static bool all(const struct subtag *s, int (*is)(int))
{
	for (size_t i = 0; i < s->n; i++)
		if (!is((unsigned char)s->p[i]))
			return false;
	return true;
}

static bool alpha(const struct subtag *s, size_t lo, size_t hi)
{
	return s->n >= lo && s->n <= hi && all(s, isalpha);
}

static bool variant(const struct subtag *s)
{
	if (!all(s, isalnum))
		return false;
	return (s->n >= 5 && s->n <= 8) || (s->n == 4 && isdigit((unsigned char)s->p[0]));
}

static bool same(const struct subtag *a, const struct subtag *b)
{
	return a->n == b->n && strncasecmp(a->p, b->p, a->n) == 0;
}

/* Splits tag into subtags of 1-8 ASCII letters and digits. */
static size_t split(const char *tag, size_t n, struct subtag *out, size_t max)
{
	size_t count = 0, start = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && tag[i] != '-') {
			if (!isalnum((unsigned char)tag[i]) || (unsigned char)tag[i] > 0x7f)
				return 0;
			continue;
		}
		if (i == start || i - start > 8 || count == max)
			return 0;
		out[count].p = tag + start;
		out[count++].n = i - start;
		start = i + 1;
	}
	return count;
}

/* "x" followed by one or more subtags of 1-8: already split that way. */
static bool privateuse(const struct subtag *s, size_t k, size_t count)
{
	return k + 1 < count && s[k].n == 1 && (s[k].p[0] == 'x' || s[k].p[0] == 'X');
}

/* Extensions: singleton then subtags of 2-8; no singleton twice. */
static bool extensions(const struct subtag *s, size_t *k, size_t count)
{
	char seen[36] = {0};

	while (*k < count && s[*k].n == 1 && !privateuse(s, *k, count)) {
		int c = tolower((unsigned char)s[*k].p[0]);
		int slot = isdigit(c) ? c - '0' : c - 'a' + 10;
		size_t first = ++*k;

		if (c == 'x' || seen[slot]++)
			return false;
		while (*k < count && s[*k].n >= 2)
			(*k)++;
		if (*k == first)
			return false;
	}
	return true;
}

static bool langtag(const struct subtag *s, size_t count)
{
	size_t k = 1, v0;

	if (alpha(&s[0], 2, 3)) {
		for (int e = 0; e < 3 && k < count && alpha(&s[k], 3, 3); e++)
			k++;	/* extlang */
	} else if (!alpha(&s[0], 4, 8)) {
		return false;
	}
	if (k < count && alpha(&s[k], 4, 4))
		k++;	/* script */
	if (k < count && (alpha(&s[k], 2, 2) || (s[k].n == 3 && all(&s[k], isdigit))))
		k++;	/* region */
	for (v0 = k; k < count && variant(&s[k]); k++)
		for (size_t j = v0; j < k; j++)
			if (same(&s[j], &s[k]))
				return false;
	if (!extensions(s, &k, count))
		return false;
	if (k < count && privateuse(s, k, count))
		return true;
	return k == count;
}

bool hl_lang_valid(const char *tag, size_t n)
{
	struct subtag s[HL_LANG_MAX / 2 + 1];
	size_t count;

	if (n == 0 || n > HL_LANG_MAX)
		return false;
	for (size_t i = 0; i < sizeof(grandfathered) / sizeof(grandfathered[0]); i++)
		if (strlen(grandfathered[i]) == n && strncasecmp(grandfathered[i], tag, n) == 0)
			return true;
	count = split(tag, n, s, sizeof(s) / sizeof(s[0]));
	if (count == 0)
		return false;
	if (privateuse(s, 0, count))
		return true;
	return langtag(s, count);
}

bool hl_lang_same_primary(const char *a, const char *b)
{
	size_t n = strcspn(a, "-");

	return n == strcspn(b, "-") && strncasecmp(a, b, n) == 0;
}
